/*
 * src/core/spc_internal.h
 *
 * What the chart families, rules and runs analysis share inside the core.
 */
#ifndef SPC_INTERNAL_H
#define SPC_INTERNAL_H

#include "compute.h"
#include "constants.h"

/* The part a subgroup plays in estimating its phase. */
typedef enum SpcRole
{
	SPC_ROLE_GAP = 0,			/* no usable value: breaks moving ranges */
	SPC_ROLE_SKIP,				/* plotted, but excluded or after the baseline:
								 * moving ranges bridge it */
	SPC_ROLE_EST				/* estimates centre line and sigma */
} SpcRole;

/* One partition being computed. */
typedef struct SpcWork
{
	const SpcChartSpec *spec;
	const SpcSubgroup *sg;
	size_t		count;
	SpcPoint   *pt;
	unsigned char *role;		/* SpcRole per subgroup */
	signed char *trend;		/* rules: +1 / -1 on points of a flagged trend */
	double	   *y;				/* plotted statistic, NaN when none */
	double	   *zone;			/* (y - zone centre) / sigma, NaN when none */
	double	   *tmp;			/* scratch, count doubles each */
	double	   *tmp2;
	size_t	   *index;			/* scratch, 2 * count indices */
	size_t		n_est;			/* subgroups with SPC_ROLE_EST */
	/* phase-level results of the chart family */
	double		cl;
	double		sigma;
	double		sigma_z;
} SpcWork;

/* Shared estimators (chart.c). */
extern double spc_mean_est(const SpcWork *w, const double *v);
extern double spc_median_est(SpcWork *w, const double *v);
extern double spc_mr_mean(SpcWork *w, const double *v, bool screen);
extern double spc_requested_floor(const SpcWork *w);
extern double spc_centre(const SpcWork *w, double estimate);
extern double spc_weighted_mean_est(const SpcWork *w, const double *v);
extern double spc_qcc_sigma_xbar(const SpcWork *w);
extern void spc_set_point(SpcWork *w, size_t i, double cl, double centre,
						  double sigma, double lcl_floor, double ucl_ceiling);

/* Chart families: each sets cl, sigma, limits and zone of every point. */
extern void spc_limits_run(SpcWork *w);
extern void spc_limits_i(SpcWork *w);
extern void spc_limits_mr(SpcWork *w);
extern void spc_limits_xbar(SpcWork *w);
extern void spc_limits_s(SpcWork *w);
extern void spc_limits_r(SpcWork *w);
extern void spc_limits_proportion(SpcWork *w);	/* p, np, pp */
extern void spc_limits_c(SpcWork *w);
extern void spc_limits_rate(SpcWork *w);	/* u, up */
extern void spc_limits_g(SpcWork *w);
extern void spc_limits_t(SpcWork *w);
extern void spc_limits_ewma(SpcWork *w);
extern void spc_limits_cusum(SpcWork *w);
extern void spc_limits_bcusum(SpcWork *w);	/* bcusum and racusum */

/* Rules and runs analysis. */
extern void spc_apply_rules(SpcWork *w, const SpcRules *rules,
							SpcImprovement improvement);
extern void spc_classify_points(SpcWork *w, SpcImprovement improvement);
extern void spc_runs_analysis(SpcWork *w, SpcPhase *phase, bool flag_points);

#endif							/* SPC_INTERNAL_H */
