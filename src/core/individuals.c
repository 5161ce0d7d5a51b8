/*
 * src/core/individuals.c
 *
 * Charts of single values: the run chart (median centre line, no limits),
 * the I chart (XmR individuals) and its moving-range (MR) chart.
 */
#include "spc_internal.h"

#include <math.h>

/* Run chart: CL = median of the baseline. */
void
spc_limits_run(SpcWork *w)
{
	w->cl = spc_centre(w, spc_median_est(w, w->y));
	for (size_t i = 0; i < w->count; i++)
		w->pt[i].cl = w->cl;
}

/*
 * I chart: CL = mean of the baseline, sigma = average moving range / 1.128
 * (screened by default, as qicharts2).
 */
void
spc_limits_i(SpcWork *w)
{
	double		floor = spc_requested_floor(w);

	w->cl = spc_centre(w, spc_mean_est(w, w->y));
	w->sigma = spc_mr_mean(w, w->y, w->spec->screen) / SPC_D2_MR;
	for (size_t i = 0; i < w->count; i++)
		spc_set_point(w, i, w->cl, w->cl, w->sigma, floor, INFINITY);
}

/*
 * MR chart: the points are the moving ranges of consecutive subgroups
 * (none after a gap), CL = their baseline mean (never screened),
 * UCL = 3.267 CL, LCL = 0.  Not symmetric, so points carry no sigma.
 */
void
spc_limits_mr(SpcWork *w)
{
	w->cl = spc_centre(w, spc_mean_est(w, w->y));
	w->sigma = w->cl / SPC_D2_MR;
	for (size_t i = 0; i < w->count; i++)
	{
		SpcPoint   *pt = &w->pt[i];

		pt->cl = w->cl;
		if (w->cl > 0.0)
		{
			pt->lcl = 0.0;
			pt->ucl = SPC_D4_MR * w->cl;
		}
	}
}
