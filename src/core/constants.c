/*
 * src/core/constants.c
 *
 * Control chart constants.  c4 is computed exactly, as qicharts2 does (but
 * without its cancellation for huge subgroups).  d2 and d3 are the tables
 * qcc uses (d2 to 3 decimals for n <= 25, d3 to 7 decimals for n <= 50), so
 * that the qcc-compatible estimators agree with qcc to the last digit.
 */
#include "constants.h"

#include <math.h>

static const double d2_table[26] = {
	NAN, NAN, 1.128, 1.693, 2.059, 2.326, 2.534, 2.704, 2.847, 2.970, 3.078,
	3.173, 3.258, 3.336, 3.407, 3.472, 3.532, 3.588, 3.640, 3.689, 3.735,
	3.778, 3.819, 3.858, 3.895, 3.931
};

static const double d3_table[51] = {
	NAN, NAN, 0.8525033, 0.8883697, 0.8798108, 0.8640855, 0.8480442, 0.8332108,
	0.8198378, 0.8078413, 0.7970584, 0.7873230, 0.7784873, 0.7704257,
	0.7630330, 0.7562217, 0.7499188, 0.7440627, 0.7386021, 0.7334929,
	0.7286980, 0.7241851, 0.7199267, 0.7158987, 0.7120802, 0.7084528,
	0.7050004, 0.7017086, 0.6985648, 0.6955576, 0.6926770, 0.6899137,
	0.6872596, 0.6847074, 0.6822502, 0.6798821, 0.6775973, 0.6753910,
	0.6732584, 0.6711952, 0.6691976, 0.6672619, 0.6653848, 0.6635632,
	0.6617943, 0.6600754, 0.6584041, 0.6567780, 0.6551950, 0.6536532,
	0.6521506
};

/*
 * ln c4(n), with x = (n - 1) / 2, so that c4 = Gamma(x + 1/2) / (sqrt(x)
 * Gamma(x)).  The difference of two lgamma values of size x ln x loses
 * about log10(x ln x) digits, which at n = 10^7 is most of them; past
 * n = 41 the asymptotic series of the log-gamma ratio (Bernoulli numbers,
 * terms in x^-1 .. x^-9; the first omitted term is below 2e-17 there) is
 * exact to rounding instead.
 */
static double
log_c4(double n)
{
	double		x = (n - 1.0) / 2.0;

	if (n < 41.0)
		return 0.5 * log(2.0 / (n - 1.0)) + lgamma(n / 2.0) - lgamma(x);
	{
		double		r = 1.0 / x;
		double		r2 = r * r;

		return r * (-1.0 / 8.0 + r2 * (1.0 / 192.0 + r2 * (-1.0 / 640.0 +
				   r2 * (17.0 / 14336.0 + r2 * (-31.0 / 18432.0)))));
	}
}

/* c4(n) = sqrt(2/(n-1)) * Gamma(n/2) / Gamma((n-1)/2); NaN for n < 2. */
double
spc_c4(double n)
{
	if (!(n >= 2.0) || !isfinite(n))
		return NAN;
	return exp(log_c4(n));
}

/*
 * c5(n) = sqrt(1 - c4(n)^2), the s chart's spread factor.  1 - c4^2 is about
 * 1/(2n): taken from c4 it would cancel to nothing for large n, so it is
 * -expm1(2 ln c4), exact to rounding wherever ln c4 is.
 */
double
spc_c5(double n)
{
	if (!(n >= 2.0) || !isfinite(n))
		return NAN;
	return sqrt(-expm1(2.0 * log_c4(n)));
}

double
spc_d2_table(int n)
{
	return (n >= 2 && n <= 25) ? d2_table[n] : NAN;
}

double
spc_d3_table(int n)
{
	return (n >= 2 && n <= 50) ? d3_table[n] : NAN;
}
