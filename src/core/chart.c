/*
 * src/core/chart.c
 *
 * One partition (phase) from subgroups to points: the plotted statistic, the
 * role of every subgroup in estimation, the chart family's limits, then the
 * rules and the phase summary.  Also the estimators the families share.
 */
#include "spc_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

size_t
spc_scratch_size(size_t count)
{
	/* y, zone, tmp, tmp2, two indices and one role byte per subgroup */
	const size_t per_subgroup = 4 * sizeof(double) + 2 * sizeof(size_t) + 1;

	if (count > (SIZE_MAX - 64) / per_subgroup)
		return 0;
	return count * per_subgroup + 64;
}

double
spc_mean_est(const SpcWork *w, const double *v)
{
	double		sum = 0.0;
	size_t		n = 0;

	double		mean,
				residual = 0.0;

	for (size_t i = 0; i < w->count; i++)
		if (w->role[i] == SPC_ROLE_EST)
		{
			sum += v[i];
			n++;
		}
	if (n == 0)
		return NAN;

	/*
	 * A second pass adds the mean residual, as R's mean() does: the rounding
	 * of the sum otherwise leaves the mean an ulp or two off, and a value equal
	 * to the true mean (common with rounded data) falls on one side of the
	 * centre line, starting or breaking a run that the reference tools do not
	 * see (found by the differential test).
	 */
	mean = sum / (double) n;
	if (!isfinite(mean))
		return mean;
	for (size_t i = 0; i < w->count; i++)
		if (w->role[i] == SPC_ROLE_EST)
			residual += v[i] - mean;
	return mean + residual / (double) n;
}

/*
 * The lower-limit floor of charts that clip only on request (i, xbar): with
 * clip=true, 0 when every plotted value is non-negative (qicharts2's rule),
 * otherwise none.
 */
double
spc_requested_floor(const SpcWork *w)
{
	if (!w->spec->clip)
		return -INFINITY;
	for (size_t i = 0; i < w->count; i++)
		if (w->y[i] < 0.0)
			return -INFINITY;
	return 0.0;
}

static int
compare_double(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

double
spc_median_est(SpcWork *w, const double *v)
{
	size_t		n = 0;

	for (size_t i = 0; i < w->count; i++)
		if (w->role[i] == SPC_ROLE_EST)
			w->tmp2[n++] = v[i];
	if (n == 0)
		return NAN;
	qsort(w->tmp2, n, sizeof(double), compare_double);
	return (n % 2) ? w->tmp2[n / 2] : (w->tmp2[n / 2 - 1] + w->tmp2[n / 2]) / 2.0;
}

/*
 * Average moving range of v over the estimating subgroups.  A gap (missing or
 * invalid subgroup) ends the sequence, so both moving ranges next to it are
 * dropped; an excluded or post-baseline subgroup is bridged, so its neighbours
 * form one moving range.  Screening (Nelson 1982, as qicharts2) drops every
 * moving range >= 3.267 times the average once and averages again.
 */
double
spc_mr_mean(SpcWork *w, const double *v, bool screen)
{
	size_t		n = 0;
	size_t		kept = 0;
	bool		have_prev = false;
	double		prev = 0.0;
	double		sum = 0.0;
	double		mean;

	for (size_t i = 0; i < w->count; i++)
	{
		if (w->role[i] == SPC_ROLE_GAP)
			have_prev = false;
		if (w->role[i] != SPC_ROLE_EST)
			continue;
		if (have_prev)
		{
			w->tmp[n] = fabs(v[i] - prev);
			sum += w->tmp[n++];
		}
		prev = v[i];
		have_prev = true;
	}
	if (n == 0)
		return NAN;
	mean = sum / (double) n;
	if (!screen || !(mean > 0.0))
		return mean;
	sum = 0.0;
	for (size_t j = 0; j < n; j++)
		if (w->tmp[j] < SPC_D4_MR * mean)
		{
			sum += w->tmp[j];
			kept++;
		}
	return sum / (double) kept;
}

/*
 * Set a point's centre line and its 3-sigma limits around centre (which is
 * the centre line except on g charts), clipped to [lcl_floor, ucl_ceiling].
 * A sigma that is not a positive number gives no limits.
 */
void
spc_set_point(SpcWork *w, size_t i, double cl, double centre, double sigma,
			  double lcl_floor, double ucl_ceiling)
{
	SpcPoint   *pt = &w->pt[i];

	pt->cl = cl;
	if (!(sigma > 0.0) || !isfinite(sigma) || !isfinite(centre))
		return;
	pt->sigma = sigma;
	pt->lcl = fmax(centre - 3.0 * sigma, lcl_floor);
	pt->ucl = fmin(centre + 3.0 * sigma, ucl_ceiling);
	if (!isnan(w->y[i]))
		w->zone[i] = (w->y[i] - centre) / sigma;
}

/* The plotted statistic of subgroup i. */
static double
plotted_value(const SpcChartSpec *spec, const SpcSubgroup *sg, size_t i)
{
	const SpcSubgroup *s = &sg[i];

	if (s->status != SPC_STATUS_OK)
		return NAN;
	switch (spec->type)
	{
		case SPC_CHART_MR:
			if (i == 0 || sg[i - 1].status != SPC_STATUS_OK)
				return NAN;
			return fabs(s->x - sg[i - 1].x);
		case SPC_CHART_S:
			return s->sd;
		case SPC_CHART_R:
			return s->n >= 2 ? s->range : NAN;
		case SPC_CHART_P:
		case SPC_CHART_PP:
		case SPC_CHART_U:
		case SPC_CHART_UP:
			return s->x / s->n;
		default:
			return s->x;
	}
}

static void
compute_limits(SpcWork *w)
{
	switch (w->spec->type)
	{
		case SPC_CHART_RUN:
			spc_limits_run(w);
			break;
		case SPC_CHART_I:
			spc_limits_i(w);
			break;
		case SPC_CHART_MR:
			spc_limits_mr(w);
			break;
		case SPC_CHART_XBAR:
			spc_limits_xbar(w);
			break;
		case SPC_CHART_S:
			spc_limits_s(w);
			break;
		case SPC_CHART_R:
			spc_limits_r(w);
			break;
		case SPC_CHART_P:
		case SPC_CHART_NP:
		case SPC_CHART_PP:
			spc_limits_proportion(w);
			break;
		case SPC_CHART_C:
			spc_limits_c(w);
			break;
		case SPC_CHART_U:
		case SPC_CHART_UP:
			spc_limits_rate(w);
			break;
		case SPC_CHART_G:
			spc_limits_g(w);
			break;
		case SPC_CHART_T:
			spc_limits_t(w);
			break;
		case SPC_CHART_COUNT:
			break;
	}
}

static void
summarise_phase(const SpcWork *w, SpcPhase *phase)
{
	double		sum_lcl = 0.0,
				sum_ucl = 0.0;
	int			n_lcl = 0,
				n_ucl = 0;

	phase->n_subgroups = (int) w->count;
	phase->n_baseline = (int) w->n_est;
	phase->n_obs = 0;
	phase->sigma_signals = 0;
	for (size_t i = 0; i < w->count; i++)
	{
		const SpcPoint *pt = &w->pt[i];

		if (pt->y > pt->ucl || pt->y < pt->lcl)
			phase->sigma_signals++;
		if (w->sg[i].excluded)
			continue;
		phase->n_obs++;
		if (!isnan(pt->lcl))
		{
			sum_lcl += pt->lcl;
			n_lcl++;
		}
		if (!isnan(pt->ucl))
		{
			sum_ucl += pt->ucl;
			n_ucl++;
		}
	}
	phase->cl = w->cl;
	phase->sigma = w->sigma;
	phase->sigma_z = w->sigma_z;
	phase->avg_lcl = n_lcl ? sum_lcl / n_lcl : NAN;
	phase->avg_ucl = n_ucl ? sum_ucl / n_ucl : NAN;
	phase->trial = w->spec->type != SPC_CHART_RUN && n_ucl > 0 &&
		w->n_est < SPC_TRIAL_SUBGROUPS;
}

void
spc_compute(const SpcChartSpec *spec, const SpcRules *rules,
			SpcImprovement improvement,
			const SpcSubgroup *subgroups, size_t count,
			SpcPoint *points, SpcPhase *phase, void *scratch)
{
	SpcWork		w;
	SpcPhase	local_phase;

	w.spec = spec;
	w.sg = subgroups;
	w.count = count;
	w.pt = points;
	w.y = (double *) scratch;
	w.zone = w.y + count;
	w.tmp = w.zone + count;
	w.tmp2 = w.tmp + count;
	w.index = (size_t *) (w.tmp2 + count);
	w.role = (unsigned char *) (w.index + 2 * count);
	w.n_est = 0;
	w.cl = w.sigma = w.sigma_z = NAN;

	for (size_t i = 0; i < count; i++)
	{
		const SpcSubgroup *sg = &subgroups[i];

		w.y[i] = plotted_value(spec, subgroups, i);
		w.zone[i] = NAN;
		if (isnan(w.y[i]))
			w.role[i] = SPC_ROLE_GAP;
		else if (sg->excluded || !sg->baseline)
			w.role[i] = SPC_ROLE_SKIP;
		else
		{
			w.role[i] = SPC_ROLE_EST;
			w.n_est++;
		}
		points[i].y = w.y[i];
		points[i].cl = points[i].lcl = points[i].ucl = points[i].sigma = NAN;
		points[i].codes = 0;
		points[i].variation = SPC_VARIATION_NONE;
		points[i].trend = 0;
	}

	compute_limits(&w);

	for (size_t i = 0; i < count; i++)
	{
		SpcPoint   *pt = &points[i];

		/* Sums of huge values may overflow: an infinite line is no line. */
		if (!isfinite(pt->cl) || !isfinite(pt->lcl) || !isfinite(pt->ucl))
		{
			if (!isfinite(pt->cl))
				pt->cl = NAN;
			pt->lcl = pt->ucl = pt->sigma = w.zone[i] = NAN;
		}

		/* Too few subgroups to estimate sigma: a centre line, no limits. */
		if (w.n_est < 2)
		{
			pt->lcl = pt->ucl = pt->sigma = NAN;
			w.zone[i] = NAN;
		}
		if (subgroups[i].status == SPC_STATUS_INVALID)
		{
			pt->y = pt->lcl = pt->ucl = pt->sigma = NAN;
			pt->codes |= SPC_BIT(SPC_CODE_INVALID);
		}
	}
	if (w.n_est < 2)
		w.sigma = w.sigma_z = NAN;
	if (!isfinite(w.cl))
		w.cl = NAN;
	if (!isfinite(w.sigma))
		w.sigma = NAN;
	if (!isfinite(w.sigma_z))
		w.sigma_z = NAN;

	if (phase == NULL)
		phase = &local_phase;
	summarise_phase(&w, phase);
	spc_runs_analysis(&w, phase,
					  rules->enabled[SPC_PRESET_ANHOEJ] && spec->type != SPC_CHART_MR);
	spc_apply_rules(&w, rules, improvement);
}
