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
	/* y, zone, tmp, tmp2, two indices, a role byte, an invalid flag, a trend */
	const size_t per_subgroup = 4 * sizeof(double) + 2 * sizeof(size_t) + 1 + sizeof(bool) + 1;

	if (count > (SIZE_MAX - 64) / per_subgroup)
		return 0;
	return count * per_subgroup + 64;
}

/* The chart's centre: the fixed cl= of the chart argument, or the estimate. */
double
spc_centre(const SpcWork *w, double estimate)
{
	return isnan(w->spec->cl) ? estimate : w->spec->cl;
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
 * A sigma that is not a positive number gives no limits, nor does a centre
 * outside the range (a fixed cl=V below 0 on an r, s or clipped chart):
 * clipping would put the lower limit above the upper one.
 */
void
spc_set_point(SpcWork *w, size_t i, double cl, double centre, double sigma,
			  double lcl_floor, double ucl_ceiling)
{
	SpcPoint   *pt = &w->pt[i];

	pt->cl = cl;
	if (!(sigma > 0.0) || !isfinite(sigma) || !isfinite(centre) ||
		centre < lcl_floor || centre > ucl_ceiling)
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
		case SPC_CHART_EWMA:
			spc_limits_ewma(w);
			break;
		case SPC_CHART_CUSUM:
			spc_limits_cusum(w);
			break;
		case SPC_CHART_BCUSUM:
		case SPC_CHART_RACUSUM:
			spc_limits_bcusum(w);
			break;
		case SPC_CHART_COUNT:
			break;
	}
}

/* The mean limits as sums of limit/count, which cannot overflow. */
static void
mean_limits_scaled(const SpcWork *w, SpcPhase *phase, int n_lcl, int n_ucl)
{
	double		lcl = 0.0,
				ucl = 0.0;

	for (size_t i = 0; i < w->count; i++)
	{
		if (w->sg[i].excluded)
			continue;
		if (!isnan(w->pt[i].lcl))
			lcl += w->pt[i].lcl / n_lcl;
		if (!isnan(w->pt[i].ucl))
			ucl += w->pt[i].ucl / n_ucl;
	}
	phase->avg_lcl = n_lcl ? lcl : NAN;
	phase->avg_ucl = n_ucl ? ucl : NAN;
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
	/* finite limits near the largest double can sum past it: average scaled */
	if (!isfinite(sum_lcl) || !isfinite(sum_ucl))
		mean_limits_scaled(w, phase, n_lcl, n_ucl);
	phase->trial = w->spec->type != SPC_CHART_RUN && n_ucl > 0 &&
		w->n_est < SPC_TRIAL_SUBGROUPS;
}

/* v times m; a product beyond the doubles is no value (NaN, SQL NULL). */
static double
scaled(double v, double m)
{
	double		r = v * m;

	return isfinite(r) ? r : NAN;
}

/*
 * multiply=M: every value a reader sees, scaled for display (per cent, per
 * 1,000), after everything is computed, as qicharts2.
 */
static void
apply_multiplier(SpcWork *w, SpcPhase *phase)
{
	double		m = w->spec->multiply;

	if (m == 1.0)
		return;
	for (size_t i = 0; i < w->count; i++)
	{
		SpcPoint   *pt = &w->pt[i];

		pt->y = scaled(pt->y, m);
		pt->y_lower = scaled(pt->y_lower, m);
		pt->cl = scaled(pt->cl, m);
		pt->lcl = scaled(pt->lcl, m);
		pt->ucl = scaled(pt->ucl, m);
		pt->sigma = scaled(pt->sigma, m);
		/* a point without a value has no variation */
		if (isnan(pt->y))
			pt->variation = SPC_VARIATION_NONE;
	}
	phase->cl = scaled(phase->cl, m);
	phase->avg_lcl = scaled(phase->avg_lcl, m);
	phase->avg_ucl = scaled(phase->avg_ucl, m);
	phase->sigma = scaled(phase->sigma, m);
}

/*
 * Which subgroups estimate.  A partition without a single baseline subgroup
 * (a phase wholly after the baseline period) estimates from all its
 * subgroups, as if every row were baseline: limits from nowhere would be no
 * limits at all.  freeze=N then keeps the first N subgroups.
 */
static void
assign_roles(SpcWork *w, const bool *invalid)
{
	bool		any_baseline = false;

	for (size_t i = 0; i < w->count; i++)
		if (!invalid[i] && w->sg[i].status == SPC_STATUS_OK && w->sg[i].baseline)
			any_baseline = true;
	w->n_est = 0;
	for (size_t i = 0; i < w->count; i++)
	{
		const SpcSubgroup *sg = &w->sg[i];
		bool		baseline = any_baseline ? sg->baseline : true;

		if (w->spec->freeze > 0 && i >= (size_t) w->spec->freeze)
			baseline = false;
		if (isnan(w->y[i]))
			w->role[i] = SPC_ROLE_GAP;
		else if (sg->excluded || !baseline)
			w->role[i] = SPC_ROLE_SKIP;
		else
		{
			w->role[i] = SPC_ROLE_EST;
			w->n_est++;
		}
	}
}

/* The rules, variation and summary of ewma and the CUSUMs. */
static void
finish_cumulative(SpcWork *w, SpcImprovement improvement, SpcPhase *phase, const bool *invalid)
{
	/* a line beyond the doubles (cl=V near the largest) is no line */
	for (size_t i = 0; i < w->count; i++)
	{
		SpcPoint   *pt = &w->pt[i];

		if (!isfinite(pt->cl))
			pt->cl = NAN;
		if (!isfinite(pt->lcl))
			pt->lcl = NAN;
		if (!isfinite(pt->ucl))
			pt->ucl = NAN;
		if (!isfinite(pt->sigma))
			pt->sigma = NAN;
	}
	if (!isfinite(w->cl))
		w->cl = NAN;
	if (!isfinite(w->sigma))
		w->sigma = NAN;
	summarise_phase(w, phase);
	phase->sigma_signals = 0;
	phase->trial = phase->trial && (isnan(w->spec->cl) || isnan(w->spec->sigma));
	phase->n_useful = phase->longest_run = phase->n_crossings = 0;
	phase->longest_run_max = phase->n_crossings_min = -1;
	phase->runs_signal = false;
	for (size_t i = 0; i < w->count; i++)
	{
		SpcPoint   *pt = &w->pt[i];

		if (invalid[i])
		{
			pt->y = pt->y_lower = pt->lcl = pt->ucl = pt->sigma = NAN;
			pt->codes = SPC_BIT(SPC_CODE_INVALID);
		}
		if (pt->codes & (SPC_BIT(SPC_CODE_INVALID) - 1))
			phase->sigma_signals++;
	}
	spc_classify_points(w, improvement);
}

void
spc_compute(const SpcChartSpec *spec, const SpcRules *rules,
			SpcImprovement improvement,
			const SpcSubgroup *subgroups, size_t count,
			SpcPoint *points, SpcPhase *phase, void *scratch)
{
	SpcWork		w;
	SpcPhase	local_phase;
	bool		any_ratio = false;
	bool	   *invalid;

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
	invalid = (bool *) (w.role + count);
	w.trend = (signed char *) (invalid + count);
	w.n_est = 0;
	w.cl = w.sigma = w.sigma_z = NAN;
	if (phase == NULL)
		phase = &local_phase;

	for (size_t i = 0; i < count; i++)
		any_ratio = any_ratio || subgroups[i].ratio;
	for (size_t i = 0; i < count; i++)
	{
		const SpcSubgroup *sg = &subgroups[i];

		/* with ratios, a value without its denominator cannot be placed */
		invalid[i] = sg->status == SPC_STATUS_INVALID ||
			(any_ratio && !sg->ratio && sg->status == SPC_STATUS_OK);
		w.y[i] = invalid[i] ? NAN : plotted_value(spec, subgroups, i);
		w.zone[i] = NAN;
		points[i].y = w.y[i];
		points[i].y_lower = NAN;
		points[i].cl = points[i].lcl = points[i].ucl = points[i].sigma = NAN;
		points[i].codes = 0;
		points[i].variation = SPC_VARIATION_NONE;
		w.trend[i] = 0;
	}
	assign_roles(&w, invalid);

	compute_limits(&w);

	if (spc_chart_is_cumulative(spec->type))
	{
		finish_cumulative(&w, improvement, phase, invalid);
		apply_multiplier(&w, phase);
		return;
	}

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
		if (invalid[i])
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

	summarise_phase(&w, phase);
	spc_runs_analysis(&w, phase,
					  rules->enabled[SPC_PRESET_ANHOEJ] && spec->type != SPC_CHART_MR);
	spc_apply_rules(&w, rules, improvement);
	apply_multiplier(&w, phase);
}
