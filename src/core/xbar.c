/*
 * src/core/xbar.c
 *
 * Charts of subgroups of measurements: xbar (subgroup means), s (subgroup
 * standard deviations) and r (subgroup ranges).  Peer rows are the
 * subgroup's observations.
 */
#include "spc_internal.h"

#include <math.h>

/* Within-subgroup spread of the baseline, from subgroups of 2 or more. */
typedef struct Spread
{
	bool		constant_n;		/* every such subgroup of the same size */
	double		common_n;
	double		mean_s;			/* mean of s_i */
	double		pooled_s;		/* sqrt(sum (n_i - 1) s_i^2 / sum (n_i - 1)) */
	double		sum_df;			/* sum (n_i - 1) */
	double		mean_r_d2;		/* mean of R_i / d2(n_i) (qcc UWAVE-R) */
	double		mean_s_c4;		/* mean of s_i / c4(n_i) (qcc UWAVE-SD) */
	bool		all_small;		/* every n_i <= 25 (d2 table) */
	size_t		count;
} Spread;

static Spread
baseline_spread(const SpcWork *w)
{
	Spread		sp = {true, NAN, NAN, NAN, 0.0, NAN, NAN, true, 0};
	double		sum_s = 0.0,
				sum_ss = 0.0,
				sum_r = 0.0,
				sum_sc = 0.0;

	for (size_t i = 0; i < w->count; i++)
	{
		const SpcSubgroup *sg = &w->sg[i];

		if (w->role[i] != SPC_ROLE_EST || !(sg->n >= 2.0))
			continue;
		if (sp.count == 0)
			sp.common_n = sg->n;
		else if (sg->n != sp.common_n)
			sp.constant_n = false;
		if (sg->n > 25.0)
			sp.all_small = false;
		sp.count++;
		sum_s += sg->sd;
		sum_ss += (sg->n - 1.0) * sg->sd * sg->sd;
		sp.sum_df += sg->n - 1.0;
		sum_r += sg->range / spc_d2_table((int) fmin(sg->n, 26.0));
		sum_sc += sg->sd / spc_c4(sg->n);
	}
	if (sp.count == 0)
		return sp;
	sp.mean_s = sum_s / (double) sp.count;
	sp.pooled_s = sqrt(sum_ss / sp.sum_df);
	sp.mean_r_d2 = sum_r / (double) sp.count;
	sp.mean_s_c4 = sum_sc / (double) sp.count;
	return sp;
}

/* qicharts2's s-bar: the mean s for constant n, otherwise the pooled s. */
static double
qicharts2_sbar(const Spread *sp)
{
	return sp->constant_n ? sp->mean_s : sp->pooled_s;
}

/* qcc's default sigma: UWAVE-R while every n <= 25, otherwise RMSDF. */
static double
qcc_sigma(const Spread *sp)
{
	if (sp->all_small)
		return sp->mean_r_d2;
	return sp->pooled_s / spc_c4(sp->sum_df + 1.0);
}

/* Size-weighted mean of v over the baseline. */
double
spc_weighted_mean_est(const SpcWork *w, const double *v)
{
	double		sum = 0.0,
				sum_n = 0.0;

	for (size_t i = 0; i < w->count; i++)
		if (w->role[i] == SPC_ROLE_EST)
		{
			sum += w->sg[i].n * v[i];
			sum_n += w->sg[i].n;
		}
	return sum_n > 0.0 ? sum / sum_n : NAN;
}

/*
 * xbar: CL = size-weighted mean of the subgroup means.  qicharts2: limits
 * CL +/- A3(n_i) s-bar, i.e. sigma_i = s-bar / (c4(n_i) sqrt(n_i)).
 * method=qcc: sigma_i = sigma-hat / sqrt(n_i).
 */
void
spc_limits_xbar(SpcWork *w)
{
	Spread		sp = baseline_spread(w);
	bool		qcc = w->spec->method == SPC_METHOD_QCC;
	double		floor = spc_requested_floor(w);
	double		sbar = qicharts2_sbar(&sp);

	w->cl = spc_centre(w, spc_weighted_mean_est(w, w->y));
	if (qcc)
		w->sigma = qcc_sigma(&sp);
	else
		w->sigma = sp.constant_n ? sbar / spc_c4(sp.common_n) : sbar;
	for (size_t i = 0; i < w->count; i++)
	{
		double		n = w->sg[i].n;
		double		sigma = qcc ? w->sigma / sqrt(n) : sbar / (spc_c4(n) * sqrt(n));

		spc_set_point(w, i, w->cl, w->cl, sigma, floor, INFINITY);
	}
}

/*
 * s: qicharts2: CL = s-bar, limits B3(n_i) s-bar and B4(n_i) s-bar, i.e.
 * sigma_i = s-bar sqrt(1 - c4^2) / c4.  method=qcc: CL = size-weighted mean
 * of s_i, sigma-hat = mean(s_i / c4(n_i)), sigma_i = sigma-hat sqrt(1 - c4^2).
 * Lower limits at 0 at least.
 */
void
spc_limits_s(SpcWork *w)
{
	Spread		sp = baseline_spread(w);
	bool		qcc = w->spec->method == SPC_METHOD_QCC;
	double		sbar = qicharts2_sbar(&sp);

	w->cl = spc_centre(w, qcc ? spc_weighted_mean_est(w, w->y) : sbar);
	w->sigma = qcc ? sp.mean_s_c4 : (sp.constant_n ? sbar / spc_c4(sp.common_n) : sbar);
	for (size_t i = 0; i < w->count; i++)
	{
		double		c4 = spc_c4(w->sg[i].n);
		double		c5 = spc_c5(w->sg[i].n);
		double		sigma = qcc ? sp.mean_s_c4 * c5 : w->cl * c5 / c4;

		spc_set_point(w, i, w->cl, w->cl, sigma, 0.0, INFINITY);
	}
}

/*
 * r (qcc): CL = size-weighted mean range, sigma_i = d3(n_i) sigma-hat with
 * qcc's sigma-hat, lower limit at 0.
 */
void
spc_limits_r(SpcWork *w)
{
	Spread		sp = baseline_spread(w);

	w->cl = spc_centre(w, spc_weighted_mean_est(w, w->y));
	w->sigma = qcc_sigma(&sp);
	for (size_t i = 0; i < w->count; i++)
	{
		double		n = w->sg[i].n;
		double		d3 = n <= 50.0 ? spc_d3_table((int) n) : NAN;

		spc_set_point(w, i, w->cl, w->cl, d3 * w->sigma, 0.0, INFINITY);
	}
}

/* qcc's sigma of subgroups (UWAVE-R, or RMSDF past n = 25), for ewma and cusum. */
double
spc_qcc_sigma_xbar(const SpcWork *w)
{
	Spread		sp = baseline_spread(w);

	return qcc_sigma(&sp);
}
