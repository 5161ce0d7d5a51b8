/*
 * src/core/distributions.c
 *
 * Binomial and Poisson probability masses and cumulative probabilities,
 * accurate for counts up to 10^9: the exact limits of funnel plots
 * (funnel.c) are quantiles of these.
 */
#include "distributions.h"

#include <math.h>

#define TWO_PI 6.283185307179586476925

/* ------------------------------------------------------ probability mass */

/*
 * Probability masses by Loader's saddle-point form (Loader 2000, "Fast and
 * accurate computation of binomial probabilities"), accurate to a few ulps
 * even for n of 10^9, where exp(lgamma - lgamma - ...) loses six digits.
 */

/* log(x!) - ((x + 1/2) log(x) - x + log(sqrt(2 pi))), the Stirling error. */
static double
stirling_error(double x)
{
	if (x > 15.0)
	{
		double		x2 = x * x;

		return (1.0 / 12.0 - (1.0 / 360.0 - (1.0 / 1260.0 - (1.0 / 1680.0 - 1.0 / (1188.0 * x2)) / x2) / x2) / x2) / x;
	}
	if (x <= 0.0)
		return 0.0;
	return lgamma(x + 1.0) - (x + 0.5) * log(x) + x - 0.5 * log(TWO_PI);
}

/* x log(x / m) + m - x without cancellation when x is close to m. */
static double
deviance_part(double x, double m)
{
	if (x == 0.0)
		return m;
	if (fabs(x - m) < 0.1 * (x + m))
	{
		double		v = (x - m) / (x + m);
		double		s = (x - m) * v;
		double		term = 2.0 * x * v;

		for (int j = 1; j < 1000; j++)
		{
			double		next;

			term *= v * v;
			next = s + term / (2 * j + 1);
			if (next == s)
				break;
			s = next;
		}
		return s;
	}
	return x * log(x / m) + m - x;
}

double
spc_binom_pmf(double r, double n, double p)
{
	double		q = 1.0 - p;

	if (r < 0 || r > n)
		return 0.0;
	if (p <= 0.0)
		return r == 0 ? 1.0 : 0.0;
	if (q <= 0.0)
		return r == n ? 1.0 : 0.0;
	if (r == 0)
		return exp(n * log1p(-p));
	if (r == n)
		return exp(n * log(p));
	return exp(stirling_error(n) - stirling_error(r) - stirling_error(n - r)
			   - deviance_part(r, n * p) - deviance_part(n - r, n * q))
		* sqrt(n / (TWO_PI * r * (n - r)));
}

double
spc_pois_pmf(double r, double lambda)
{
	if (r < 0)
		return 0.0;
	if (lambda <= 0.0)
		return r == 0 ? 1.0 : 0.0;
	if (r == 0)
		return exp(-lambda);
	return exp(-stirling_error(r) - deviance_part(r, lambda)) / sqrt(TWO_PI * r);
}

/* ------------------------------------------------------------ tail sums */

#define CF_TINY 1e-300
#define CF_EPS 1e-16
#define CF_MAX_ITER 1000000

/*
 * The start of a continued fraction by the modified Lentz method: D from the
 * first denominator d0 (kept away from zero); the fraction's value so far.
 */
static double
lentz_start(double d0, double *d)
{
	if (fabs(d0) < CF_TINY)
		d0 = CF_TINY;
	*d = 1.0 / d0;
	return *d;
}

/*
 * One term of a continued fraction by the modified Lentz method: updates its
 * running C and D (kept away from zero) and returns the factor C * D by which
 * the fraction's value changes.
 */
static double
lentz_step(double coef, double *c, double *d)
{
	*d = 1.0 + coef * *d;
	*c = 1.0 + coef / *c;
	if (fabs(*d) < CF_TINY)
		*d = CF_TINY;
	if (fabs(*c) < CF_TINY)
		*c = CF_TINY;
	*d = 1.0 / *d;
	return *d * *c;
}

/*
 * The continued fraction of the regularised incomplete beta function
 * I_x(a, b) without its front factor (modified Lentz).  Converges fast for
 * x < (a + 1) / (a + b + 2); its length grows like sqrt(max(a, b)).
 */
static double
beta_fraction(double a, double b, double x)
{
	double		c = 1.0,
				d,
				f = lentz_start(1.0 - (a + b) * x / (a + 1.0), &d);

	for (long m = 1; m <= CF_MAX_ITER; m++)
	{
		double		m2 = 2.0 * m;
		double		step;

		f *= lentz_step(m * (b - m) * x / ((a + m2 - 1.0) * (a + m2)), &c, &d);
		step = lentz_step(-(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0)), &c, &d);
		f *= step;
		if (fabs(step - 1.0) < CF_EPS)
			break;
	}
	return f;
}

/*
 * P(X <= r) for X ~ Binomial(n, p): I_{1-p}(n - r, r + 1).  The front factor
 * x^a (1-x)^b / (a B(a, b)) of that incomplete beta is p * pmf(r), and that
 * of the complement I_p(r + 1, n - r) is (1 - p) * pmf(r + 1), so both come
 * from the accurate masses above.
 */
double
spc_binom_cdf(double r, double n, double p)
{
	double		a,
				b,
				x;

	r = floor(r);
	if (r < 0)
		return 0.0;
	if (r >= n)
		return 1.0;
	if (p <= 0.0)
		return 1.0;
	if (p >= 1.0)
		return 0.0;
	a = n - r;
	b = r + 1.0;
	x = 1.0 - p;
	if (x < (a + 1.0) / (a + b + 2.0))
		return p * spc_binom_pmf(r, n, p) * beta_fraction(a, b, x);
	return 1.0 - (1.0 - p) * spc_binom_pmf(r + 1.0, n, p) * beta_fraction(b, a, p);
}

/*
 * P(X <= r) for X ~ Poisson(lambda): the upper regularised gamma Q(r + 1,
 * lambda), by a continued fraction for P when lambda < r + 2 and by Legendre's
 * continued fraction otherwise.  Front factors are again masses.
 */
double
spc_pois_cdf(double r, double lambda)
{
	double		a;

	r = floor(r);
	if (r < 0)
		return 0.0;
	if (lambda <= 0.0)
		return 1.0;
	a = r + 1.0;
	if (lambda < a + 1.0)
	{
		/*
		 * P(a, lambda) = pmf(a) * K, K the continued fraction of the beta
		 * function's in the limit b -> inf, b x = lambda (Kummer's 1F1(1;
		 * a + 1; lambda)): it converges as fast as the beta one, where the
		 * power series needs sqrt(lambda) terms.
		 */
		double		c = 1.0,
					d,
					f = lentz_start(1.0 - lambda / (a + 1.0), &d);

		for (long m = 1; m <= CF_MAX_ITER; m++)
		{
			double		m2 = 2.0 * m;
			double		step;

			f *= lentz_step(m * lambda / ((a + m2 - 1.0) * (a + m2)), &c, &d);
			step = lentz_step(-(a + m) * lambda / ((a + m2) * (a + m2 + 1.0)), &c, &d);
			f *= step;
			if (fabs(step - 1.0) < CF_EPS)
				break;
		}
		return 1.0 - spc_pois_pmf(a, lambda) * f;
	}
	else
	{
		/* Q(a, lambda) = lambda * pmf(r) / (lambda + 1 - a - 1(1-a)/(lambda + 3 - a - ...)) */
		double		bb = lambda + 1.0 - a,
					c = 1.0 / CF_TINY,
					d = 1.0 / bb,
					f = d;

		for (long i = 1; i <= CF_MAX_ITER; i++)
		{
			double		an = -i * (i - a);
			double		step;

			bb += 2.0;
			d = an * d + bb;
			if (fabs(d) < CF_TINY)
				d = CF_TINY;
			c = bb + an / c;
			if (fabs(c) < CF_TINY)
				c = CF_TINY;
			d = 1.0 / d;
			step = d * c;
			f *= step;
			if (fabs(step - 1.0) < CF_EPS)
				break;
		}
		return lambda * spc_pois_pmf(r, lambda) * f;
	}
}
