/*
 * test/fuzz/fuzz_parse.c
 *
 * libFuzzer target: arbitrary text into the chart, rules and improvement
 * parsers.  They must not crash, and the word they report must be a
 * terminated string that fits its buffer.
 */
#include "spec.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *text = malloc(size + 1);
	char		bad[SPC_PARSE_ERR_LEN];
	SpcChartSpec spec;
	SpcRules	rules;
	SpcImprovement improvement;

	memcpy(text, data, size);
	text[size] = '\0';
	memset(bad, 'x', sizeof(bad));
	if (spc_parse_chart(text, &spec, bad, sizeof(bad)) == SPC_PARSE_OK &&
		(spec.type < 0 || spec.type >= SPC_CHART_COUNT))
		abort();
	if (memchr(bad, '\0', sizeof(bad)) == NULL)
		abort();
	/* whatever the text, a parsed chart's options are in their ranges */
	if (spc_parse_chart(text, &spec, bad, sizeof(bad)) == SPC_PARSE_OK &&
		(spec.freeze < 0 || !(spec.multiply > 0) || !isfinite(spec.multiply) ||
		 !(isnan(spec.cl) || isfinite(spec.cl)) || !(spec.lambda > 0 && spec.lambda <= 1) ||
		 !(spec.nsigma > 0) || !(spec.k >= 0) || !(spec.h > 0) || !(spec.odds_ratio > 0) ||
		 spec.odds_ratio == 1 || !(isnan(spec.p0) || (spec.p0 > 0 && spec.p0 < 1)) ||
		 !(isnan(spec.sigma) || (spec.sigma > 0 && isfinite(spec.sigma)))))
		abort();
	for (int chart = 0; chart < SPC_CHART_COUNT; chart++)
	{
		memset(bad, 'x', sizeof(bad));
		(void) spc_parse_rules(text, (SpcChartType) chart, &rules, bad, sizeof(bad));
		if (memchr(bad, '\0', sizeof(bad)) == NULL)
			abort();
	}
	(void) spc_parse_improvement(text, &improvement);
	free(text);
	return 0;
}
