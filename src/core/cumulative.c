/*
 * src/core/cumulative.c
 *
 * Charts of a statistic that carries memory from point to point: the EWMA
 * and the tabular CUSUM of measurements (with qcc's conventions, so that
 * they agree with qcc's ewma() and cusum()), the Bernoulli CUSUM of 0/1
 * outcomes (qicharts2's bchart, Neuburger et al. 2017) and Steiner's
 * risk-adjusted CUSUM (Steiner, Cook, Farewell & Treasure 2000).  Each signals
 * where its statistic crosses its limit; the rule presets do not apply.
 *
 * A missing or invalid subgroup plots nothing and leaves the statistic as it
 * was; the statistic's clock (EWMA's t) counts only subgroups with a value.
 * So does a subgroup whose score would overflow the doubles.
 * Excluded and post-baseline subgroups are charted like any other: they only
 * take no part in estimating the centre and sigma.
 */
#include "spc_internal.h"

#include <math.h>

/*
 * The centre and within-subgroup sigma of ewma and cusum, as qcc: the centre
 * is the size-weighted mean of the baseline subgroup means; sigma is the
 * average moving range / 1.128 (qcc's sd.xbar.one, unscreened) when any
 * baseline subgroup is a single value, and otherwise qcc's sd.xbar default
 * (mean R / d2, or RMSDF when a subgroup exceeds 25).  cl= and sigma= replace
 * them (qcc's center and std.dev).
 */
static void
centre_and_sigma(SpcWork *w, double *centre, double *sigma)
{
	bool		individuals = false;

	for (size_t i = 0; i < w->count; i++)
		if (w->role[i] == SPC_ROLE_EST && w->sg[i].n == 1.0)
			individuals = true;
	*centre = spc_centre(w, spc_weighted_mean_est(w, w->y));
	if (!isnan(w->spec->sigma))
		*sigma = w->spec->sigma;
	else if (w->n_est < 2 && individuals)
		*sigma = NAN;
	else if (individuals)
		*sigma = spc_mr_mean(w, w->y, false) / SPC_D2_MR;
	else
		*sigma = spc_qcc_sigma_xbar(w);
	if (!(*sigma > 0.0) || !isfinite(*sigma))
		*sigma = NAN;
	if (!isfinite(*centre))
		*centre = NAN;
	w->cl = *centre;
	w->sigma = *sigma;
}

/*
 * EWMA (qcc's ewma): z_0 = centre, z_t = lambda y_t + (1 - lambda) z_{t-1},
 * sigma_t^2 = sigma^2 / n_t * lambda / (2 - lambda) * (1 - (1 - lambda)^(2t)),
 * limits centre -/+ nsigma sigma_t, which widen to their asymptote.  y is
 * z_t, sigma its sigma_t.  A signal where z_t is strictly outside.
 */
void
spc_limits_ewma(SpcWork *w)
{
	double		lambda = w->spec->lambda;
	double		centre,
				sigma,
				z;
	double		t = 0.0;

	centre_and_sigma(w, &centre, &sigma);
	z = centre;
	for (size_t i = 0; i < w->count; i++)
	{
		SpcPoint   *pt = &w->pt[i];
		double		sigma_t;

		pt->cl = centre;
		pt->y = NAN;
		if (isnan(w->y[i]) || isnan(centre))
			continue;
		t += 1.0;
		z = lambda * w->y[i] + (1.0 - lambda) * z;
		pt->y = z;
		sigma_t = sigma / sqrt(w->sg[i].n) *
			sqrt(lambda / (2.0 - lambda) * -expm1(2.0 * t * log1p(-lambda)));
		if (!(sigma_t > 0.0) || !isfinite(sigma_t))
			continue;
		pt->sigma = sigma_t;
		pt->lcl = centre - w->spec->nsigma * sigma_t;
		pt->ucl = centre + w->spec->nsigma * sigma_t;
		if (z > pt->ucl || z < pt->lcl)
			pt->codes |= SPC_BIT(SPC_CODE_EWMA);
	}
}

/*
 * Tabular CUSUM of standardized values (qcc's cusum, head start 0):
 * z_t = (y_t - centre) / (sigma / sqrt(n_t)), C+_t = max(0, C+_{t-1} + z_t - k),
 * C-_t = max(0, C-_{t-1} - z_t - k).  y is C+, y_lower is -C- (plotted
 * negative, as qcc); the centre line is 0 and the limits -h and h.  A signal
 * where C+ > h or C- > h (strict); the sums are not reset after a signal.
 */
void
spc_limits_cusum(SpcWork *w)
{
	double		k = w->spec->k,
				h = w->spec->h;
	double		centre,
				sigma;
	double		upper = 0.0,
				lower = 0.0;

	centre_and_sigma(w, &centre, &sigma);
	for (size_t i = 0; i < w->count; i++)
	{
		SpcPoint   *pt = &w->pt[i];
		double		z;

		pt->y = NAN;
		pt->cl = 0.0;
		pt->lcl = -h;
		pt->ucl = h;
		if (isnan(w->y[i]) || isnan(centre) || isnan(sigma))
			continue;
		z = (w->y[i] - centre) / (sigma / sqrt(w->sg[i].n));
		/* beyond the doubles: no value, and the sums stay as they were */
		if (!isfinite(z) || !isfinite(upper + z - k) || !isfinite(lower - z - k))
			continue;
		upper = fmax(0.0, upper + z - k);
		lower = fmax(0.0, lower - z - k);
		pt->y = upper;
		pt->y_lower = 0.0 - lower;	/* +0, not -0, before any fall */
		if (upper > h)
			pt->codes |= SPC_BIT(SPC_CODE_CUSUM_UPPER);
		if (lower > h)
			pt->codes |= SPC_BIT(SPC_CODE_CUSUM_LOWER);
	}
}

/* The rate whose odds are odds_ratio times those of p0. */
static double
rate_at_odds_ratio(double p0, double odds_ratio)
{
	double		odds = odds_ratio * p0 / (1.0 - p0);

	return odds / (1.0 + odds);
}

/*
 * Bernoulli CUSUM (bcusum) and risk-adjusted CUSUM (racusum), both as
 * qicharts2's bchart draws them: an upper CUSUM of the log-likelihood ratio
 * for odds ratio R = `or` against 1, and a lower one for 1/R, plotted
 * negative.  Each restarts from 0 after it signals (at h or beyond).
 *
 * bcusum, a subgroup of d events in m cases, in-control rate p0 (option p0,
 * else the baseline rate) and p1 the rate at odds ratio R:
 *     W = d ln(p1/p0) + (m - d) ln((1 - p1)/(1 - p0))
 * racusum, cases with outcome y_j and predicted risk p_j (Steiner et al.):
 *     W = sum_j [ y_j ln R - ln(1 - p_j + R p_j) ]
 * which equals bcusum's W where every p_j = p0.
 */
void
spc_limits_bcusum(SpcWork *w)
{
	bool		risk_adjusted = w->spec->type == SPC_CHART_RACUSUM;
	double		odds_ratio = w->spec->odds_ratio,
				h = w->spec->h;
	double		p0 = NAN,
				p1 = NAN,
				p2 = NAN;
	double		upper = 0.0,
				lower = 0.0;

	if (!risk_adjusted)
	{
		double		sum_x = 0.0,
					sum_n = 0.0;

		for (size_t i = 0; i < w->count; i++)
			if (w->role[i] == SPC_ROLE_EST)
			{
				sum_x += w->sg[i].x;
				sum_n += w->sg[i].n;
			}
		p0 = !isnan(w->spec->p0) ? w->spec->p0 : (sum_n > 0.0 ? sum_x / sum_n : NAN);
		/* a baseline rate of 0 or 1 leaves nothing to detect */
		if (!(p0 > 0.0 && p0 < 1.0))
			p0 = NAN;
		p1 = rate_at_odds_ratio(p0, odds_ratio);
		p2 = rate_at_odds_ratio(p0, 1.0 / odds_ratio);
		w->cl = p0;
	}
	for (size_t i = 0; i < w->count; i++)
	{
		SpcPoint   *pt = &w->pt[i];
		const SpcSubgroup *sg = &w->sg[i];
		double		w_up,
					w_down;

		pt->y = NAN;
		pt->cl = 0.0;
		pt->lcl = -h;
		pt->ucl = h;
		if (isnan(w->y[i]) || (!risk_adjusted && isnan(p0)))
			continue;
		if (risk_adjusted)
		{
			w_up = sg->x * log(odds_ratio) - sg->log_up;
			w_down = -sg->x * log(odds_ratio) - sg->log_down;
		}
		else
		{
			w_up = sg->x * log(p1 / p0) + (sg->n - sg->x) * log1p(-p1) - (sg->n - sg->x) * log1p(-p0);
			w_down = sg->x * log(p2 / p0) + (sg->n - sg->x) * log1p(-p2) - (sg->n - sg->x) * log1p(-p0);
		}
		/* beyond the doubles: no value, and the sums stay as they were */
		if (!isfinite(upper + w_up) || !isfinite(lower - w_down))
			continue;
		upper = fmax(0.0, upper + w_up);
		lower = fmin(0.0, lower - w_down);
		pt->y = upper;
		pt->y_lower = lower + 0.0;	/* +0, not -0 */
		if (upper >= h)
		{
			pt->codes |= SPC_BIT(SPC_CODE_CUSUM_UPPER);
			upper = 0.0;
		}
		if (lower <= -h)
		{
			pt->codes |= SPC_BIT(SPC_CODE_CUSUM_LOWER);
			lower = 0.0;
		}
	}
}
