/*
 * test/fuzz/fuzz_funnel.c
 *
 * libFuzzer target for funnel plots: the first bytes pick the chart text
 * (or are parsed as one) and the over-dispersion flag; the rest are units of
 * two raw doubles, x and n (NaN, infinities, denormals, negative and huge
 * values included).  The core must not crash or hang, and its answer must
 * keep its invariants: nested limits inside [0, 1] (p) or [0, inf) (u),
 * phi and tau2 not negative, a NULL unit exactly where x or n is unusable.
 */
#include "funnel.h"
#include "fuzz_check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_UNITS 256

static const char *const charts[] = {
	"p", "u", "p(limits=normal)", "u(limits=normal)", "p(adjust=multiplicative)",
	"u(adjust=multiplicative, winsorize=0)", "p(winsorize=0.25)", "p(target=0.01)", "u(target=7)"
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	SpcFunnelSpec spec;
	SpcFunnelSummary sum;
	char		bad[SPC_PARSE_ERR_LEN];
	static double x[MAX_UNITS],
				n[MAX_UNITS],
				scratch[2 * MAX_UNITS];
	static SpcFunnelUnit units[MAX_UNITS];
	size_t		count;
	bool		overdispersion;

	if (size < 2)
		return 0;

	/* the parser on the whole input as text */
	{
		char	   *text = malloc(size + 1);

		memcpy(text, data, size);
		text[size] = '\0';
		memset(bad, 'x', sizeof(bad));
		(void) spc_parse_funnel(text, &spec, bad, sizeof(bad));
		check(memchr(bad, '\0', sizeof(bad)) != NULL, "parse error word terminated");
		free(text);
	}

	check(spc_parse_funnel(charts[data[0] % (sizeof(charts) / sizeof(charts[0]))], &spec, bad, sizeof(bad))
		  == SPC_PARSE_OK, "seed chart parses");
	overdispersion = data[1] & 1;
	data += 2;
	size -= 2;
	count = size / 16;
	if (count > MAX_UNITS)
		count = MAX_UNITS;
	for (size_t i = 0; i < count; i++)
	{
		memcpy(&x[i], data + 16 * i, 8);
		memcpy(&n[i], data + 16 * i + 8, 8);
	}
	spc_funnel_compute(&spec, overdispersion, x, n, count, units, &sum, scratch);

	check(sum.units >= 0 && (size_t) sum.units <= count, "units counted");
	check(isnan(sum.phi) || sum.phi >= 0, "phi >= 0");
	check(isnan(sum.tau2) || sum.tau2 >= 0, "tau2 >= 0");
	for (size_t i = 0; i < count; i++)
	{
		SpcFunnelUnit *u = &units[i];
		bool		usable = isfinite(x[i]) && isfinite(n[i]) && x[i] >= 0 && n[i] > 0 &&
			(spec.type != SPC_FUNNEL_P || x[i] <= n[i]);
		double		ceiling = spec.type == SPC_FUNNEL_P ? 1.0 : INFINITY;

		if (!usable || isnan(sum.target))
		{
			check(isnan(u->y) && isnan(u->lower95) && isnan(u->z), "unusable unit is NULL");
			continue;
		}
		check(!isnan(u->y), "usable unit has y");
		if (isnan(u->lower998) || isnan(u->upper998))
			continue;
		check(u->lower998 >= 0 && u->upper998 <= ceiling, "limits clipped");
		/* nested, to rounding */
		check(u->lower998 <= u->lower95 * (1 + 1e-12) + 1e-300, "lower 99.8 <= lower 95");
		check(u->lower95 <= u->upper95 * (1 + 1e-12) + 1e-300, "lower 95 <= upper 95");
		check(u->upper95 <= u->upper998 * (1 + 1e-12) + 1e-300, "upper 95 <= upper 99.8");
	}
	return 0;
}
