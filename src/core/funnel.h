/*
 * src/core/funnel.h
 *
 * Funnel plots (Spiegelhalter 2005): units (facilities, wards) compared with
 * a common target by their ratio x/n, with 95 % and 99.8 % limits for each
 * unit's n and, on request, limits widened for over-dispersion.  Pure C99,
 * like the rest of the core; NaN stands for SQL NULL.
 */
#ifndef SPC_FUNNEL_H
#define SPC_FUNNEL_H

#include "spec.h"

typedef enum SpcFunnelType
{
	SPC_FUNNEL_P = 0,			/* proportion x/n, binomial */
	SPC_FUNNEL_U				/* rate x/n per unit of exposure, Poisson */
} SpcFunnelType;

typedef enum SpcFunnelAdjust
{
	SPC_FUNNEL_ADDITIVE = 0,	/* random effects: s^2 + tau^2 */
	SPC_FUNNEL_MULTIPLICATIVE	/* phi * s^2 */
} SpcFunnelAdjust;

/*
 * The scale z-scores, phi and tau^2 are computed on: the ratio itself
 * (Spiegelhalter 2005) or a variance-stabilising transformation with
 * standard error 1 / (2 sqrt(n)) (Spiegelhalter et al. 2012, JRSS A 175:1;
 * FunnelPlotR's "PR" and "CQC" methods): arcsine-square-root for proportions,
 * square root for rates.
 */
typedef enum SpcFunnelScale
{
	SPC_FUNNEL_RATIO = 0,
	SPC_FUNNEL_ARCSINE,			/* p only: asin(sqrt(y)) */
	SPC_FUNNEL_SQRT				/* u only: sqrt(y) */
} SpcFunnelScale;

/* A parsed chart argument, e.g. 'p', 'u(limits=normal, winsorize=0)'. */
typedef struct SpcFunnelSpec
{
	SpcFunnelType type;
	bool		exact;			/* exact binomial/Poisson limits, else normal */
	double		winsorize;		/* share of z-scores pulled in at each tail */
	SpcFunnelAdjust adjust;
	double		target;			/* fixed target, NaN: the pooled sum(x)/sum(n) */
	SpcFunnelScale scale;
} SpcFunnelSpec;

/* One unit's result. */
typedef struct SpcFunnelUnit
{
	double		y;				/* x / n */
	double		target;
	double		sigma;			/* standard error at the target: sqrt(v(target)/n),
								 * or 1 / (2 sqrt(n)) on a transformed scale */
	double		z;				/* (y - target) / sigma */
	double		z_adjusted;		/* z with the over-dispersion adjustment applied */
	double		lower95;
	double		upper95;
	double		lower998;
	double		upper998;
} SpcFunnelUnit;

/* What the partition shares. */
typedef struct SpcFunnelSummary
{
	int			units;			/* units with a usable x and n */
	double		target;
	double		phi;			/* mean winsorised z^2; NaN without z-scores */
	double		tau2;			/* between-unit variance (additive), 0 if none */
	bool		adjusted;		/* limits widened for over-dispersion */
} SpcFunnelSummary;

extern SpcParseStatus spc_parse_funnel(const char *text, SpcFunnelSpec *spec,
									   char *bad, size_t badlen);
extern const char *spc_funnel_options_hint(void);

/*
 * Compute every unit of a partition.  x and n hold one value per unit (NaN:
 * missing); scratch must hold spc_funnel_scratch_size(count) bytes aligned
 * for double (0 means count is too large).  Units whose x or n cannot be
 * used (missing, negative, n <= 0, x > n for p, not finite) get NaN results
 * and take no part in the target or the over-dispersion estimate.
 */
extern size_t spc_funnel_scratch_size(size_t count);
extern void spc_funnel_compute(const SpcFunnelSpec *spec, bool overdispersion,
							   const double *x, const double *n, size_t count,
							   SpcFunnelUnit *units, SpcFunnelSummary *summary,
							   void *scratch);

/*
 * The exact limit of a ratio at cumulative probability prob for a unit of
 * size n around target (Spiegelhalter 2005, appendix: the prob-quantile r of
 * the binomial or Poisson count, interpolated as (r - a) / n with
 * a = (F(r) - prob) / (F(r) - F(r - 1))), clipped to [0, 1] or [0, inf).
 * z is the normal quantile of prob (the search starts there).
 */
extern double spc_funnel_exact_limit(SpcFunnelType type, double target, double n,
									 double prob, double z);

#endif							/* SPC_FUNNEL_H */
