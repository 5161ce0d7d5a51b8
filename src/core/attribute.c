/*
 * src/core/attribute.c
 *
 * Attribute charts: proportions (p, np, Laney p'), counts (c) and rates
 * (u, Laney u').  Subgroup x is the summed count, n the summed denominator.
 */
#include "spc_internal.h"

#include <math.h>

/* Sum of counts over sum of denominators, over the baseline. */
static double
pooled_ratio(const SpcWork *w)
{
	double		sum_x = 0.0,
				sum_n = 0.0;

	for (size_t i = 0; i < w->count; i++)
		if (w->role[i] == SPC_ROLE_EST)
		{
			sum_x += w->sg[i].x;
			sum_n += w->sg[i].n;
		}
	return sum_n > 0.0 ? sum_x / sum_n : NAN;
}

/*
 * Laney (2002): z_i = (y_i - cl) / sigma_i over the baseline, sigma_z =
 * average moving range of z / 1.128 (screened by default, as qicharts2).
 * sigma_unit is the per-unit sigma: sigma_i = sigma_unit / sqrt(n_i).
 */
static double
laney_sigma_z(SpcWork *w, double cl, double sigma_unit)
{
	double	   *z = w->zone;	/* z-scores, until zones are set */
	double		sigma_z;

	for (size_t i = 0; i < w->count; i++)
		z[i] = isnan(w->y[i]) ? NAN : (w->y[i] - cl) / (sigma_unit / sqrt(w->sg[i].n));
	sigma_z = spc_mr_mean(w, z, w->spec->screen) / SPC_D2_MR;
	for (size_t i = 0; i < w->count; i++)
		z[i] = NAN;
	return sigma_z;
}

/*
 * p: CL p-bar = sum x / sum n, sigma_i = sqrt(p-bar (1 - p-bar) / n_i),
 * limits clipped to [0, 1].  np (as qcc): y = x, CL_i = n_i p-bar,
 * sigma_i = sqrt(n_i p-bar (1 - p-bar)), limits clipped to [0, n_i].
 * p': sigma_i multiplied by Laney's sigma_z.
 */
void
spc_limits_proportion(SpcWork *w)
{
	SpcChartType type = w->spec->type;
	double		pbar = spc_centre(w, pooled_ratio(w));
	double		sigma_unit = sqrt(pbar * (1.0 - pbar));
	double		factor = 1.0;

	w->sigma = sigma_unit;
	w->cl = pbar;
	if (type == SPC_CHART_PP && sigma_unit > 0.0)
	{
		w->sigma_z = laney_sigma_z(w, pbar, sigma_unit);
		factor = w->sigma_z;
	}
	if (type == SPC_CHART_NP)
	{
		double		sum_cl = 0.0;

		for (size_t i = 0; i < w->count; i++)
		{
			double		n = w->sg[i].n;

			spc_set_point(w, i, n * pbar, n * pbar, sqrt(n) * sigma_unit, 0.0, n);
			if (w->role[i] == SPC_ROLE_EST)
				sum_cl += n * pbar;
		}
		w->cl = w->n_est ? sum_cl / (double) w->n_est : NAN;
		return;
	}
	for (size_t i = 0; i < w->count; i++)
		spc_set_point(w, i, pbar, pbar, factor * sigma_unit / sqrt(w->sg[i].n), 0.0, 1.0);
}

/* c: CL c-bar = mean count, sigma = sqrt(c-bar), LCL at 0. */
void
spc_limits_c(SpcWork *w)
{
	w->cl = spc_centre(w, spc_mean_est(w, w->y));
	w->sigma = sqrt(w->cl);
	for (size_t i = 0; i < w->count; i++)
		spc_set_point(w, i, w->cl, w->cl, w->sigma, 0.0, INFINITY);
}

/*
 * u: CL u-bar = sum x / sum n, sigma_i = sqrt(u-bar / n_i), LCL at 0.
 * u': sigma_i multiplied by Laney's sigma_z.
 */
void
spc_limits_rate(SpcWork *w)
{
	double		ubar = spc_centre(w, pooled_ratio(w));
	double		sigma_unit = sqrt(ubar);
	double		factor = 1.0;

	w->cl = ubar;
	w->sigma = sigma_unit;
	if (w->spec->type == SPC_CHART_UP && sigma_unit > 0.0)
	{
		w->sigma_z = laney_sigma_z(w, ubar, sigma_unit);
		factor = w->sigma_z;
	}
	for (size_t i = 0; i < w->count; i++)
		spc_set_point(w, i, ubar, ubar, factor * sigma_unit / sqrt(w->sg[i].n), 0.0, INFINITY);
}
