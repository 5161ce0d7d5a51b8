/*
 * src/core/subgroup.c
 *
 * Rows to subgroups.  Peer rows are one subgroup: counts and denominators are
 * summed (p, np, c, u, pp, up); measurements are averaged (run, i, mr, g, t)
 * or kept as the subgroup's observations (xbar, s, r: mean, standard
 * deviation and range).  Data problems never raise: a row that breaks the
 * chart's data rules makes its subgroup invalid, and that subgroup takes no
 * part in any estimate.
 */
#include "subgroup.h"

#include <math.h>

void
spc_accum_init(SpcAccum *acc)
{
	acc->count = 0;
	acc->sum_x = 0.0;
	acc->sum_n = 0.0;
	acc->mean = 0.0;
	acc->m2 = 0.0;
	acc->min = INFINITY;
	acc->max = -INFINITY;
	acc->n_count = 0;
	acc->log_up = 0.0;
	acc->log_down = 0.0;
	acc->odds_ratio = 2.0;
	acc->invalid = false;
	acc->excluded = false;
	acc->not_baseline = false;
}

void
spc_accum_configure(SpcAccum *acc, const SpcChartSpec *spec)
{
	acc->odds_ratio = spec->odds_ratio;
}

/* Is (x, n) a valid observation for this chart? x is not NULL here. */
static bool
row_is_valid(SpcChartType chart, double x, double n, bool n_isnull)
{
	if (!isfinite(x))
		return false;
	switch (chart)
	{
		case SPC_CHART_RUN:
		case SPC_CHART_I:
		case SPC_CHART_MR:
			/* a ratio's denominator must be positive */
			return n_isnull || (isfinite(n) && n > 0.0);
		case SPC_CHART_BCUSUM:
			/* one case (0 or 1), or x events in n cases */
			if (n_isnull)
				return x == 0.0 || x == 1.0;
			return isfinite(n) && n > 0.0 && n == floor(n) && x >= 0.0 &&
				x <= n && x == floor(x);
		case SPC_CHART_RACUSUM:
			/* a 0/1 outcome and its predicted risk, strictly inside (0, 1) */
			return (x == 0.0 || x == 1.0) && !n_isnull && n > 0.0 && n < 1.0;
		case SPC_CHART_P:
		case SPC_CHART_NP:
		case SPC_CHART_PP:
			return !n_isnull && isfinite(n) && n > 0.0 && x >= 0.0 && x <= n;
		case SPC_CHART_U:
		case SPC_CHART_UP:
			return !n_isnull && isfinite(n) && n > 0.0 && x >= 0.0;
		case SPC_CHART_C:
		case SPC_CHART_G:
		case SPC_CHART_T:
			return x >= 0.0;
		default:
			return true;
	}
}

void
spc_accum_row(SpcAccum *acc, SpcChartType chart, const SpcRow *row)
{
	const double x = row->x;
	const double n = row->n;
	const bool	n_isnull = row->n_isnull;
	double		delta;

	if (row->exclude)
		acc->excluded = true;
	if (!row->baseline)
		acc->not_baseline = true;
	if (row->x_isnull)
		return;					/* a missing value: the row adds nothing */
	if (!row_is_valid(chart, x, n, n_isnull))
	{
		acc->invalid = true;
		return;
	}
	acc->count++;
	acc->sum_x += x;
	if (spc_chart_needs_n(chart))
		acc->sum_n += n;
	else if (chart == SPC_CHART_BCUSUM)
		acc->sum_n += n_isnull ? 1.0 : n;
	else if (!n_isnull && spc_chart_takes_ratio(chart))
		acc->sum_n += n;
	if (!n_isnull)
		acc->n_count++;
	if (chart == SPC_CHART_RACUSUM)
	{
		/* the risk terms of Steiner's log-likelihood ratio, for R and 1/R */
		acc->log_up += log1p(n * (acc->odds_ratio - 1.0));
		acc->log_down += log1p(n * (1.0 / acc->odds_ratio - 1.0));
	}
	/* Welford: a stable mean and sum of squares without cancellation. */
	delta = x - acc->mean;
	acc->mean += delta / (double) acc->count;
	acc->m2 += delta * (x - acc->mean);
	if (x < acc->min)
		acc->min = x;
	if (x > acc->max)
		acc->max = x;
}

void
spc_subgroup_finish(const SpcAccum *acc, SpcChartType chart, SpcSubgroup *sg)
{
	sg->baseline = !acc->not_baseline;
	sg->excluded = acc->excluded;
	sg->sd = NAN;
	sg->range = NAN;
	sg->log_up = acc->log_up;
	sg->log_down = acc->log_down;
	sg->ratio = false;
	if (acc->invalid)
	{
		sg->status = SPC_STATUS_INVALID;
		sg->x = sg->n = NAN;
		return;
	}
	if (acc->count == 0)
	{
		sg->status = SPC_STATUS_MISSING;
		sg->x = sg->n = NAN;
		return;
	}
	sg->status = SPC_STATUS_OK;
	if (spc_chart_takes_ratio(chart) && acc->n_count > 0)
	{
		/*
		 * A ratio, as qicharts2: sum of x over sum of n (run, i, and mr,
		 * whose moving ranges are then of the ratios).  Every row with a
		 * value needs its denominator.
		 */
		sg->ratio = true;
		sg->x = acc->sum_x / acc->sum_n;
		sg->n = acc->sum_n;
		if (acc->n_count != acc->count || !isfinite(sg->x))
		{
			sg->status = SPC_STATUS_INVALID;
			sg->x = sg->n = NAN;
		}
		return;
	}
	if (spc_chart_needs_n(chart) || chart == SPC_CHART_C || chart == SPC_CHART_BCUSUM)
	{
		sg->x = acc->sum_x;
		sg->n = chart == SPC_CHART_C ? (double) acc->count : acc->sum_n;
	}
	else
	{
		sg->x = acc->mean;
		sg->n = (double) acc->count;
		if (acc->count >= 2)
			sg->sd = sqrt(acc->m2 / (double) (acc->count - 1));
		sg->range = acc->max - acc->min;
	}
	/*
	 * Sums of huge values can overflow, and so can a rate over a tiny
	 * exposure: such a subgroup is unusable.
	 */
	if (!isfinite(sg->x) || !isfinite(sg->n) ||
		(spc_chart_needs_n(chart) && !isfinite(sg->x / sg->n)) ||
		(acc->count >= 2 && !spc_chart_needs_n(chart) && chart != SPC_CHART_C &&
		 chart != SPC_CHART_BCUSUM &&
		 !(isfinite(sg->sd) && isfinite(sg->range))))
	{
		sg->status = SPC_STATUS_INVALID;
		sg->x = sg->n = sg->sd = sg->range = NAN;
	}
}
