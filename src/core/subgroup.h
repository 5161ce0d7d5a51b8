/*
 * src/core/subgroup.h
 *
 * Accumulation (subgroup.c): the rows of one subgroup are collected into an
 * SpcAccum and finished into the SpcSubgroup the chart families compute on.
 */
#ifndef SPC_SUBGROUP_H
#define SPC_SUBGROUP_H

#include "spec.h"

/*
 * Subgroups.  Rows that are peers in the window's ORDER BY (or share the
 * aggregate's time key) form one subgroup.  An accumulator collects its rows;
 * spc_subgroup_finish turns it into the values the chart needs.
 */
typedef enum SpcStatus
{
	SPC_STATUS_OK = 0,
	SPC_STATUS_MISSING,			/* no row with a value: a missing week */
	SPC_STATUS_INVALID			/* a row violated the chart's data rules */
} SpcStatus;

typedef struct SpcAccum
{
	int64_t		count;			/* rows with a value */
	double		sum_x;
	double		sum_n;
	double		mean;			/* Welford running mean and M2 of x */
	double		m2;
	double		min;
	double		max;
	int64_t		n_count;		/* rows with a value and a denominator */
	double		log_up;			/* racusum: sum of ln(1 - p + R p) */
	double		log_down;		/* racusum: sum of ln(1 - p + p / R) */
	double		odds_ratio;		/* racusum: R (spc_accum_configure) */
	bool		invalid;
	bool		excluded;		/* any row excluded */
	bool		not_baseline;	/* any row outside the baseline */
} SpcAccum;

typedef struct SpcSubgroup
{
	double		x;				/* counts: sum of x; measurements: mean of x */
	double		n;				/* counts: sum of n; measurements: row count */
	double		sd;				/* sample standard deviation (xbar, s) */
	double		range;			/* max - min (xbar with qcc, r) */
	double		log_up;			/* racusum: sum of ln(1 - p + R p) */
	double		log_down;		/* racusum: sum of ln(1 - p + p / R) */
	SpcStatus	status;
	bool		ratio;			/* run, i: y is x / n */
	bool		baseline;		/* every row in the baseline */
	bool		excluded;		/* some row excluded */
} SpcSubgroup;

extern void spc_accum_init(SpcAccum *acc);
/* Options the rows need (racusum's odds ratio); call after spc_accum_init. */
extern void spc_accum_configure(SpcAccum *acc, const SpcChartSpec *spec);

/*
 * One input row.  A missing x or n is flagged rather than NaN: NaN is a
 * value here (an invalid one), as the glue passes SQL NULL separately.
 */
typedef struct SpcRow
{
	double		x;
	double		n;
	bool		x_isnull;
	bool		n_isnull;
	bool		baseline;		/* the row may estimate the limits */
	bool		exclude;		/* plotted, but takes no part in estimation */
} SpcRow;

extern void spc_accum_row(SpcAccum *acc, SpcChartType chart, const SpcRow *row);
extern void spc_subgroup_finish(const SpcAccum *acc, SpcChartType chart,
								SpcSubgroup *sg);

#endif							/* SPC_SUBGROUP_H */
