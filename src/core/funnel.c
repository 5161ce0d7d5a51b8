/*
 * src/core/funnel.c
 *
 * Funnel plots for comparing institutions (Spiegelhalter 2005, Statistics in
 * Medicine 24:1185, and "Handling over-dispersion of performance
 * indicators", Qual Saf Health Care 14:347).  Every unit i has a count x_i
 * and a size n_i; y_i = x_i / n_i is compared with a target theta (the
 * pooled sum(x)/sum(n) unless fixed) through
 *
 *   s_i^2 = theta (1 - theta) / n_i   (p: binomial)
 *   s_i^2 = theta / n_i               (u: Poisson)
 *   z_i   = (y_i - theta) / s_i
 *
 * Limits are exact (binomial or Poisson quantiles interpolated as in the
 * paper's appendix) or, as option, the normal approximation theta +- z s_i.
 * Over-dispersion: phi = mean of the z_i^2 after winsorising (the lowest and
 * highest 10 % of z-scores are set to the 10th and 90th percentiles); then
 * either the additive random-effects model
 *   tau^2 = (I phi - (I - 1)) / (sum w - sum w^2 / sum w),  w = 1 / s^2,
 * (0 when I phi <= I - 1), limits theta +- z sqrt(s_i^2 + tau^2), or the
 * multiplicative one, limits theta +- z sqrt(phi) s_i when phi > 1.  Widened
 * limits are normal: the paper gives no exact form for them.
 *
 * Option scale=arcsine (p) or scale=sqrt (u) computes z, phi, tau^2 and the
 * normal and widened limits on a variance-stabilising scale instead, as
 * Spiegelhalter et al. (2012, JRSS A 175:1) and FunnelPlotR: g(y) = asin(sqrt
 * y) or sqrt(y), s = 1 / (2 sqrt n), limits g^-1(g(theta) +- z sqrt(s^2 +
 * tau^2)), the argument clipped to g's range so the limits stay in [0, 1] or
 * [0, inf).
 */
#include "funnel.h"
#include "distributions.h"

#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Normal quantiles of the limits' tails (qnorm in R, to 16 digits). */
#define Z_975 1.959963984540054
#define Z_999 3.090232306167814
#define HALF_PI 1.570796326794896619231

/* ---------------------------------------------------------------- parsing */

const char *
spc_funnel_options_hint(void)
{
	return "Valid funnel charts: p (proportions), u (rates). Options: "
		"limits=exact|normal, winsorize=<share of each tail, 0 to 0.49>, "
		"adjust=additive|multiplicative, target=<fixed target>, "
		"scale=ratio|arcsine (p)|sqrt (u); e.g. 'p(limits=normal)'.";
}

static void
set_bad(char *bad, size_t badlen, const char *word)
{
	if (bad && badlen > 0)
		snprintf(bad, badlen, "%s", word);
}

/* A finite number written as the whole word. */
static bool
parse_number(const char *word, double *value)
{
	char	   *end;

	if (*word == '\0')
		return false;
	*value = strtod(word, &end);
	return *end == '\0' && isfinite(*value);
}

SpcParseStatus
spc_parse_funnel(const char *text, SpcFunnelSpec *spec, char *bad, size_t badlen)
{
	char		buf[256];
	size_t		len = 0;
	char	   *name,
			   *opts,
			   *close;

	spec->type = SPC_FUNNEL_P;
	spec->exact = true;
	spec->winsorize = 0.1;
	spec->adjust = SPC_FUNNEL_ADDITIVE;
	spec->target = NAN;
	spec->scale = SPC_FUNNEL_RATIO;
	set_bad(bad, badlen, "");

	/* blanks dropped, lower case */
	for (const char *c = text; *c; c++)
	{
		if (isspace((unsigned char) *c))
			continue;
		if (len + 1 >= sizeof(buf))
		{
			set_bad(bad, badlen, text);
			return SPC_PARSE_SYNTAX;
		}
		buf[len++] = (char) tolower((unsigned char) *c);
	}
	buf[len] = '\0';

	name = buf;
	opts = strchr(buf, '(');
	if (opts)
	{
		*opts++ = '\0';
		close = strchr(opts, ')');
		if (close == NULL || close[1] != '\0')
		{
			set_bad(bad, badlen, close ? close + 1 : opts);
			return SPC_PARSE_SYNTAX;
		}
		*close = '\0';
	}
	if (strcmp(name, "p") == 0)
		spec->type = SPC_FUNNEL_P;
	else if (strcmp(name, "u") == 0)
		spec->type = SPC_FUNNEL_U;
	else
	{
		set_bad(bad, badlen, name);
		return *name ? SPC_PARSE_UNKNOWN_NAME : SPC_PARSE_SYNTAX;
	}
	if (opts == NULL)
		return SPC_PARSE_OK;
	if (*opts == '\0')
	{
		set_bad(bad, badlen, ")");
		return SPC_PARSE_SYNTAX;
	}

	while (opts)
	{
		char	   *next = strchr(opts, ',');
		char	   *value;
		double		number;

		if (next)
			*next++ = '\0';
		value = strchr(opts, '=');
		if (value == NULL || value == opts)
		{
			set_bad(bad, badlen, opts);
			return SPC_PARSE_SYNTAX;
		}
		*value++ = '\0';
		if (strcmp(opts, "limits") == 0)
		{
			if (strcmp(value, "exact") == 0)
				spec->exact = true;
			else if (strcmp(value, "normal") == 0)
				spec->exact = false;
			else
			{
				set_bad(bad, badlen, value);
				return SPC_PARSE_BAD_VALUE;
			}
		}
		else if (strcmp(opts, "winsorize") == 0 || strcmp(opts, "winsorise") == 0)
		{
			if (!parse_number(value, &number) || number < 0 || number >= 0.5)
			{
				set_bad(bad, badlen, value);
				return SPC_PARSE_BAD_VALUE;
			}
			spec->winsorize = number;
		}
		else if (strcmp(opts, "adjust") == 0)
		{
			if (strcmp(value, "additive") == 0)
				spec->adjust = SPC_FUNNEL_ADDITIVE;
			else if (strcmp(value, "multiplicative") == 0)
				spec->adjust = SPC_FUNNEL_MULTIPLICATIVE;
			else
			{
				set_bad(bad, badlen, value);
				return SPC_PARSE_BAD_VALUE;
			}
		}
		else if (strcmp(opts, "target") == 0)
		{
			if (!parse_number(value, &number) || number < 0 ||
				(spec->type == SPC_FUNNEL_P && number > 1))
			{
				set_bad(bad, badlen, value);
				return SPC_PARSE_BAD_VALUE;
			}
			spec->target = number;
		}
		else if (strcmp(opts, "scale") == 0)
		{
			if (strcmp(value, "ratio") == 0)
				spec->scale = SPC_FUNNEL_RATIO;
			else if (strcmp(value, "arcsine") == 0 && spec->type == SPC_FUNNEL_P)
				spec->scale = SPC_FUNNEL_ARCSINE;
			else if (strcmp(value, "sqrt") == 0 && spec->type == SPC_FUNNEL_U)
				spec->scale = SPC_FUNNEL_SQRT;
			else
			{
				set_bad(bad, badlen, value);
				return SPC_PARSE_BAD_VALUE;
			}
		}
		else
		{
			set_bad(bad, badlen, opts);
			return SPC_PARSE_UNKNOWN_OPTION;
		}
		opts = next;
	}
	return SPC_PARSE_OK;
}

/* ------------------------------------------------------------ exact limits */

/* The walk from the normal start takes a handful of steps; this only bounds it. */
#define MAX_STEPS 100000

double
spc_funnel_exact_limit(SpcFunnelType type, double target, double n, double prob, double z)
{
	bool		binomial = type == SPC_FUNNEL_P;
	double		top = binomial ? floor(n) : INFINITY;
	double		mean = n * target;
	double		sd = sqrt(binomial ? mean * (1.0 - target) : mean);
	double		r,
				cdf,
				pmf,
				limit;
	long		steps = 0;

	if (!(n > 0) || !isfinite(n) || !(target >= 0) || !isfinite(target))
		return NAN;
	if (target == 0.0 || (binomial && target >= 1.0))
		return target;

	/*
	 * Past 2^52 counts are no longer exact in a double (r + 1 == r, and for
	 * the binomial n - r == n).  A binomial of such an n with a target below
	 * 1e-9 is the Poisson of its mean to 9 digits; otherwise (a mean of at
	 * least millions) the Cornish-Fisher quantile, within a count or so of
	 * the exact one, stands in for it.
	 */
	if (binomial && n > 4503599627370496.0 && target < 1e-9)
	{
		binomial = false;
		top = INFINITY;
		sd = sqrt(mean);
	}
	if (mean + 10.0 * sd > 4503599627370496.0 || (binomial && n > 4503599627370496.0))
	{
		double		skew = (binomial ? 1.0 - 2.0 * target : 1.0) / sd;

		limit = (mean + sd * (z + (z * z - 1.0) * skew / 6.0)) / n;
		return type == SPC_FUNNEL_P ? fmin(fmax(limit, 0.0), 1.0) : fmax(limit, 0.0);
	}

	/* start at the normal quantile, then walk to the smallest r with F(r) >= prob */
	r = floor(mean + z * sd);
	if (r < 0)
		r = 0;
	if (r > top)
		r = top;
	cdf = binomial ? spc_binom_cdf(r, n, target) : spc_pois_cdf(r, mean);
	pmf = binomial ? spc_binom_pmf(r, n, target) : spc_pois_pmf(r, mean);
	if (cdf >= prob)
	{
		while (r > 0 && cdf - pmf >= prob && steps < MAX_STEPS)
		{
			cdf -= pmf;
			r -= 1.0;
			/* a long walk (poor start) re-anchors rather than piling up rounding */
			if (++steps % 64 == 0)
				cdf = binomial ? spc_binom_cdf(r, n, target) : spc_pois_cdf(r, mean);
			pmf = binomial ? spc_binom_pmf(r, n, target) : spc_pois_pmf(r, mean);
		}
	}
	else
	{
		while (cdf < prob && r < top && steps < MAX_STEPS)
		{
			r += 1.0;
			pmf = binomial ? spc_binom_pmf(r, n, target) : spc_pois_pmf(r, mean);
			if (++steps % 64 == 0)
				cdf = binomial ? spc_binom_cdf(r, n, target) : spc_pois_cdf(r, mean);
			else
				cdf += pmf;
		}
	}
	if (pmf > 0.0)
	{
		double		a = (cdf - prob) / pmf;

		if (a < 0.0)
			a = 0.0;
		limit = (r - a) / n;
	}
	else
		limit = r / n;
	if (limit < 0.0)
		limit = 0.0;
	if (type == SPC_FUNNEL_P && limit > 1.0)
		limit = 1.0;
	return limit;
}

/* -------------------------------------------------------------- the units */

size_t
spc_funnel_scratch_size(size_t count)
{
	if (count > SIZE_MAX / (2 * sizeof(double)))
		return 0;
	return (count > 0 ? count : 1) * 2 * sizeof(double);
}

static int
compare_double(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

/* R's default (type 7) quantile of sorted v[0..k-1]. */
static double
quantile7(const double *v, size_t k, double prob)
{
	double		h = (double) (k - 1) * prob;
	size_t		lo = (size_t) floor(h);

	if (lo + 1 >= k)
		return v[k - 1];
	return v[lo] + (h - (double) lo) * (v[lo + 1] - v[lo]);
}

static bool
unit_usable(SpcFunnelType type, double x, double n)
{
	if (!isfinite(x) || !isfinite(n) || x < 0 || !(n > 0))
		return false;
	return type != SPC_FUNNEL_P || x <= n;
}

/* The scale's transformation g of a ratio. */
static double
scale_forward(SpcFunnelScale scale, double ratio)
{
	switch (scale)
	{
		case SPC_FUNNEL_ARCSINE:
			return asin(sqrt(fmin(ratio, 1.0)));
		case SPC_FUNNEL_SQRT:
			return sqrt(ratio);
		default:
			return ratio;
	}
}

/* g^-1, with the argument clipped to g's range: [0, pi/2] or [0, inf). */
static double
scale_back(SpcFunnelScale scale, SpcFunnelType type, double value)
{
	double		ceiling = type == SPC_FUNNEL_P ? 1.0 : INFINITY;
	double		s;

	switch (scale)
	{
		case SPC_FUNNEL_ARCSINE:
			if (value <= 0.0)
				return 0.0;
			if (value >= HALF_PI)
				return 1.0;
			s = sin(value);
			return s * s;
		case SPC_FUNNEL_SQRT:
			return value <= 0.0 ? 0.0 : value * value;
		default:
			return fmin(fmax(value, 0.0), ceiling);
	}
}

static void
set_limits(SpcFunnelUnit *u, const SpcFunnelSpec *spec, double target, double se)
{
	double		centre = scale_forward(spec->scale, target);

	u->lower95 = scale_back(spec->scale, spec->type, centre - Z_975 * se);
	u->upper95 = scale_back(spec->scale, spec->type, centre + Z_975 * se);
	u->lower998 = scale_back(spec->scale, spec->type, centre - Z_999 * se);
	u->upper998 = scale_back(spec->scale, spec->type, centre + Z_999 * se);
}

void
spc_funnel_compute(const SpcFunnelSpec *spec, bool overdispersion,
				   const double *x, const double *n, size_t count,
				   SpcFunnelUnit *units, SpcFunnelSummary *summary, void *scratch)
{
	double	   *zs = (double *) scratch;
	double		sum_x = 0,
				sum_n = 0,
				target,
				unit_var;
	size_t		nz = 0;
	int			usable = 0;
	double		phi = NAN,
				tau2 = 0.0;
	bool		adjusted = false;

	for (size_t i = 0; i < count; i++)
		if (unit_usable(spec->type, x[i], n[i]))
		{
			sum_x += x[i];
			sum_n += n[i];
			usable++;
		}
	target = isnan(spec->target) ? (usable > 0 && sum_n > 0 ? sum_x / sum_n : NAN) : spec->target;
	unit_var = spec->type == SPC_FUNNEL_P ? target * (1.0 - target) : target;

	/* z-scores, then phi from the winsorised ones */
	for (size_t i = 0; i < count; i++)
	{
		SpcFunnelUnit *u = &units[i];

		u->y = u->target = u->sigma = u->z = u->z_adjusted = NAN;
		u->lower95 = u->upper95 = u->lower998 = u->upper998 = NAN;
		if (!unit_usable(spec->type, x[i], n[i]) || isnan(target))
			continue;
		u->y = x[i] / n[i];
		u->target = target;
		u->sigma = spec->scale == SPC_FUNNEL_RATIO ? sqrt(unit_var / n[i]) : 0.5 / sqrt(n[i]);
		if (u->sigma > 0 && isfinite(u->sigma))
		{
			u->z = (scale_forward(spec->scale, u->y) - scale_forward(spec->scale, target)) / u->sigma;
			if (isfinite(u->z))
				zs[nz++] = u->z;
			else
				u->z = NAN;
		}
	}
	if (nz > 0)
	{
		double		lo,
					hi,
					sum = 0;

		qsort(zs, nz, sizeof(double), compare_double);
		lo = quantile7(zs, nz, spec->winsorize);
		hi = quantile7(zs, nz, 1.0 - spec->winsorize);
		for (size_t k = 0; k < nz; k++)
		{
			double		w = spec->winsorize > 0 ? fmin(fmax(zs[k], lo), hi) : zs[k];

			sum += w * w;
		}
		phi = sum / (double) nz;
	}

	/* tau^2 over the units with a z-score: w = 1 / s^2 */
	if (nz > 1 && isfinite(phi) && (double) nz * phi > (double) (nz - 1))
	{
		double		sw = 0,
					sw2 = 0;

		for (size_t i = 0; i < count; i++)
			if (!isnan(units[i].z))
			{
				double		w = 1.0 / (units[i].sigma * units[i].sigma);

				sw += w;
				sw2 += w * w;
			}
		if (sw > 0 && sw - sw2 / sw > 0)
			tau2 = ((double) nz * phi - (double) (nz - 1)) / (sw - sw2 / sw);
	}
	if (overdispersion)
		adjusted = spec->adjust == SPC_FUNNEL_ADDITIVE ? tau2 > 0 : (isfinite(phi) && phi > 1.0);

	for (size_t i = 0; i < count; i++)
	{
		SpcFunnelUnit *u = &units[i];

		if (isnan(u->y))
			continue;
		if (adjusted)
		{
			double		se = spec->adjust == SPC_FUNNEL_ADDITIVE
				? sqrt(u->sigma * u->sigma + tau2) : sqrt(phi) * u->sigma;

			set_limits(u, spec, target, se);
			u->z_adjusted = se > 0 ? (scale_forward(spec->scale, u->y) -
									  scale_forward(spec->scale, target)) / se : NAN;
		}
		else
		{
			u->z_adjusted = u->z;
			if (spec->exact)
			{
				u->lower95 = spc_funnel_exact_limit(spec->type, target, n[i], 0.025, -Z_975);
				u->upper95 = spc_funnel_exact_limit(spec->type, target, n[i], 0.975, Z_975);
				u->lower998 = spc_funnel_exact_limit(spec->type, target, n[i], 0.001, -Z_999);
				u->upper998 = spc_funnel_exact_limit(spec->type, target, n[i], 0.999, Z_999);
			}
			else
				set_limits(u, spec, target, u->sigma);
		}
	}

	if (summary)
	{
		summary->units = usable;
		summary->target = target;
		summary->phi = phi;
		summary->tau2 = isfinite(phi) ? tau2 : NAN;
		summary->adjusted = adjusted;
	}
}
