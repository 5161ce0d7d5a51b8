/*
 * src/core/rare_events.c
 *
 * Charts of rare events: G (opportunities between events) and T (time
 * between events).
 */
#include "spc_internal.h"

#include <math.h>

/*
 * G chart.  qicharts2 (Benneyan): limits from the baseline mean m,
 * sigma = sqrt(m (m + 1)), LCL at 0, and the drawn centre line is the
 * baseline median.  method=qcc: geometric on 1, 2, ...: sigma =
 * sqrt(m (m - 1)) and the centre line is the mean.  Zones are measured from
 * the mean in both.
 */
void
spc_limits_g(SpcWork *w)
{
	double		mean = spc_centre(w, spc_mean_est(w, w->y));
	bool		qcc = w->spec->method == SPC_METHOD_QCC;
	double		var = qcc ? mean * (mean - 1.0) : mean * (mean + 1.0);
	double		sigma = var > 0.0 ? sqrt(var) : NAN;

	/*
	 * qicharts2 draws the median; with a given cl (the mean) it draws the
	 * geometric median 0.693 cl (Provost & Murray 2011, p. 228).
	 */
	if (qcc)
		w->cl = mean;
	else if (!isnan(w->spec->cl))
		w->cl = 0.693 * mean;
	else
		w->cl = spc_median_est(w, w->y);
	w->sigma = sigma;
	for (size_t i = 0; i < w->count; i++)
		spc_set_point(w, i, w->cl, mean, sigma, 0.0, INFINITY);
}

/* Nelson (1994): y^(1/3.6) is close to normal for exponential times. */
#define T_POWER 3.6

/*
 * T chart: an I chart on y^(1/3.6), back-transformed with ^3.6; a negative
 * lower limit becomes 0.  The limits are not symmetric, so points carry no
 * sigma; zones are measured on the transformed scale.
 */
void
spc_limits_t(SpcWork *w)
{
	double	   *v = w->zone;	/* transformed values, until zones are set */
	double		cl_w,
				sigma_w;

	for (size_t i = 0; i < w->count; i++)
		v[i] = isnan(w->y[i]) ? NAN : pow(w->y[i], 1.0 / T_POWER);
	/* a given cl is on the scale of the times: transform it too */
	cl_w = isnan(w->spec->cl) ? spc_mean_est(w, v) : pow(fmax(w->spec->cl, 0.0), 1.0 / T_POWER);
	sigma_w = spc_mr_mean(w, v, w->spec->screen) / SPC_D2_MR;
	w->cl = pow(cl_w, T_POWER);
	w->sigma = sigma_w;
	for (size_t i = 0; i < w->count; i++)
	{
		SpcPoint   *pt = &w->pt[i];
		double		lo = cl_w - 3.0 * sigma_w;
		double		zone = (v[i] - cl_w) / sigma_w;

		pt->cl = w->cl;
		w->zone[i] = NAN;
		if (!(sigma_w > 0.0))
			continue;
		pt->ucl = pow(cl_w + 3.0 * sigma_w, T_POWER);
		pt->lcl = lo > 0.0 ? pow(lo, T_POWER) : 0.0;
		w->zone[i] = zone;
	}
}
