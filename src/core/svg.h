/*
 * src/core/svg.h
 *
 * SVG rendering (svg.c): one chart, a grid of small multiples, and the NHS
 * Making Data Count icons, written into a string grown by the caller's
 * allocator.
 */
#ifndef SPC_SVG_H
#define SPC_SVG_H

#include "spec.h"
#include "compute.h"

/*
 * A growing string through the caller's allocator
 * (grow(ctx, old, size) returns the resized buffer, NULL on failure; grow(ctx,
 * NULL, size) also gives the renderer its scratch memory).
 */
typedef struct SpcStr
{
	char	   *data;
	size_t		len;
	size_t		cap;
	void	   *(*grow) (void *ctx, void *old, size_t size);
	void	   *ctx;
	bool		failed;
	/* frees what grow gave (scratch of the renderer); NULL: the ctx owns it */
	void		(*release) (void *ctx, void *block);
} SpcStr;

/* What the x values are: they set the tick marks and their labels. */
typedef enum SpcSvgAxis
{
	SPC_SVG_AXIS_DATE = 0,		/* days since 2000-01-01 (a PostgreSQL date) */
	SPC_SVG_AXIS_TIME,			/* the same days with a fraction (timestamps) */
	SPC_SVG_AXIS_NUMBER			/* plain numbers (sample number, hour, ...) */
} SpcSvgAxis;

/* One plotted point, in x order; NaN for what is not drawn. */
typedef struct SpcSvgPoint
{
	double		t;				/* the x value, see SpcSvgAxis */
	double		y;
	double		cl;
	double		lcl;
	double		ucl;
	double		sigma;
	bool		signal;
	SpcVariation variation;
	int			phase;			/* a change starts a new phase */
	const char *phase_label;	/* may be NULL */
	const char *signals;		/* rule codes, may be NULL */
	const char *annotation;		/* may be NULL */
} SpcSvgPoint;

/*
 * How to draw a chart.  Zero means the default for every field after goal,
 * so {title, unit, goal} is a complete description.
 */
typedef struct SpcSvgChart
{
	const char *title;			/* may be NULL */
	const char *unit;			/* y-axis title, may be NULL */
	double		goal;			/* NaN: none */
	const char *x_title;		/* NULL: from the axis ("Date", "Time", "Sample") */
	const char *id;				/* prefix of the document's ids; NULL: from the content */
	SpcSvgAxis	axis;
	double		width;			/* 0: 800 */
	double		height;			/* 0: 400 (grows to fit the annotation key) */
	double		scale;			/* 0: 1; shown values are multiplied by it */
	bool		percent;		/* shown values are per cent: "%" after them */
	/* called now and then on long renders; may longjmp out (interrupts) */
	void		(*check) (void *ctx);
	void	   *check_ctx;
} SpcSvgChart;

extern bool spc_svg_render(const SpcSvgChart *chart, const SpcSvgPoint *points,
						   size_t count, SpcStr *out);

/* One chart of a grid: its label and its points (in x order). */
typedef struct SpcSvgFacet
{
	const char *label;
	const SpcSvgPoint *points;
	size_t		count;
	double		goal;			/* NaN: none */
} SpcSvgFacet;

/*
 * Small multiples: the facets in a grid of `columns` columns (0: chosen from
 * the width), each panel chart->height high (0: 240), with one y scale for
 * all (shared) or one per panel, one legend and one title for the grid.
 */
extern bool spc_svg_render_grid(const SpcSvgChart *chart, const SpcSvgFacet *facets,
								size_t count, int columns, bool shared_y, SpcStr *out);

/* NHS Making Data Count style icons, size x size pixels. */
extern bool spc_svg_variation_icon(SpcVariation variation, SpcImprovement improvement,
								   double size, const char *id, SpcStr *out);
extern bool spc_svg_assurance_icon(SpcAssurance assurance, double size,
								   const char *id, SpcStr *out);

#endif							/* SPC_SVG_H */
