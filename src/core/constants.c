/*
 * src/core/constants.c
 *
 * Control chart constants.  c4 is computed exactly (through lgamma, so large
 * subgroups do not overflow), as qicharts2 does.  d2 and d3 are the tables
 * qcc uses (d2 to 3 decimals for n <= 25, d3 to 7 decimals for n <= 50), so
 * that the qcc-compatible estimators agree with qcc to the last digit.
 */
#include "spc_core.h"

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

/* c4(n) = sqrt(2/(n-1)) * Gamma(n/2) / Gamma((n-1)/2); NaN for n < 2. */
double
spc_c4(double n)
{
	if (!(n >= 2.0) || !isfinite(n))
		return NAN;
	return sqrt(2.0 / (n - 1.0)) * exp(lgamma(n / 2.0) - lgamma((n - 1.0) / 2.0));
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
