/*
 * test/unit/test_rules.c
 *
 * The rule presets against the oracle (rules_oracle.c) on thousands of random
 * series: random chart types, lengths, ties, points on the centre line,
 * missing and excluded points, frozen baselines, presets and parameters.
 * Threshold cases, one per rule, are in test/sql/rules.sql.
 */
#include "compute.h"
#include "rules_oracle.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#define CROSSCHECK_SERIES 20000
#define MAX_POINTS 80

static int
uniform(int lo, int hi)
{
	return lo + rand() % (hi - lo + 1);
}

/*
 * A random rules argument: each preset with probability 1/2, with random
 * lengths, or (one series in three) the presets with their defaults.
 */
static void
random_rules(char *buf, size_t len)
{
	int			v[12];

	buf[0] = '\0';
	if (rand() % 3 == 0)
	{
		static const char *defaults[] = {"ihi", "we", "nelson", "nhs", "anhoej", "ihi,anhoej"};

		snprintf(buf, len, "%s", defaults[rand() % 6]);
		return;
	}
	/* one draw per statement: C leaves the order of function arguments open */
	v[0] = uniform(2, 9);
	v[1] = uniform(3, 8);
	v[2] = uniform(2, 15);
	v[3] = uniform(2, 9);
	v[4] = uniform(2, 10);
	v[5] = uniform(3, 7);
	v[6] = uniform(2, 14);
	v[7] = uniform(2, 15);
	v[8] = uniform(2, 8);
	v[9] = uniform(2, 8);
	v[10] = uniform(3, 8);
	if (rand() % 2)
		snprintf(buf + strlen(buf), len - strlen(buf), "ihi(shift=%d,trend=%d,within=%d),", v[0], v[1], v[2]);
	if (rand() % 2)
		snprintf(buf + strlen(buf), len - strlen(buf), "we(shift=%d),", v[3]);
	if (rand() % 2)
		snprintf(buf + strlen(buf), len - strlen(buf),
				 "nelson(shift=%d,trend=%d,alternating=%d,within=%d,beyond=%d),",
				 v[4], v[5], v[6], v[7], v[8]);
	if (rand() % 2)
		snprintf(buf + strlen(buf), len - strlen(buf), "nhs(shift=%d,trend=%d),", v[9], v[10]);
	if (rand() % 2)
		snprintf(buf + strlen(buf), len - strlen(buf), "anhoej,");
	if (buf[0] == '\0')
		snprintf(buf, len, "none,");
	buf[strlen(buf) - 1] = '\0';	/* the last comma */
}

static void
crosscheck(void)
{
	static const char *charts[] = {"i", "i(screen=false)", "p", "c", "u", "run", "mr", "xbar"};
	double		x[MAX_POINTS],
				n[MAX_POINTS];
	int			baseline[MAX_POINTS],
				exclude[MAX_POINTS];
	bool		included[MAX_POINTS];
	SpcPoint	pt[MAX_POINTS];
	uint32_t	expected[MAX_POINTS];
	long		points = 0,
				flagged = 0,
				mismatches = 0;
	char		rules_text[256];

	srand(20261127);
	for (int series = 0; series < CROSSCHECK_SERIES; series++)
	{
		const char *chart = charts[series % (sizeof(charts) / sizeof(charts[0]))];
		size_t		count = (size_t) uniform(1, MAX_POINTS);
		int			freeze = rand() % 3 == 0 ? uniform(2, (int) count + 1) : (int) count + 1;
		int			level = 0;
		SpcRules	rules;
		char		bad[SPC_PARSE_ERR_LEN];
		Series		s = {chart, rules_text, count, x, n, baseline, exclude};

		random_rules(rules_text, sizeof(rules_text));
		if (spc_parse_rules(rules_text, SPC_CHART_I, &rules, bad, sizeof(bad)) != SPC_PARSE_OK)
		{
			CHECK(false, "random rules parse: %s", rules_text);
			return;
		}
		for (size_t i = 0; i < count; i++)
		{
			/* regimes of a few points make shifts and trends; small noise makes ties */
			if (rand() % 8 == 0)
				level = uniform(-6, 6);
			int			noise,
						half_step;

			/* one draw per statement: C leaves the order within an expression open */
			n[i] = uniform(10, 30);
			noise = uniform(-2, 2);
			half_step = rand() % 5 == 0 ? series % 3 : 0;
			x[i] = strcmp(chart, "p") == 0 ? fmin(n[i], fmax(0, n[i] / 2 + level + noise))
				: 20 + level + noise + half_step * 0.5;
			if (rand() % 3 == 0 && i > 0)
				x[i] = x[i - 1] + uniform(-1, 1);	/* ties and small steps */
			if (rand() % 20 == 0)
				x[i] = NAN;
			baseline[i] = (int) i < freeze;
			exclude[i] = rand() % 20 == 0;
			included[i] = !exclude[i] && !isnan(x[i]);
		}
		unit_compute(&s, SPC_IMPROVEMENT_UP, pt, NULL);
		oracle_codes(pt, included, count, strcmp(chart, "mr") == 0, &rules, expected);
		for (size_t i = 0; i < count; i++)
		{
			uint32_t	got = pt[i].codes & ~SPC_BIT(SPC_CODE_INVALID);

			points++;
			flagged += got != 0;
			if (got != expected[i])
			{
				if (mismatches < 5)
					printf("# mismatch: chart %s rules %s series %d point %zu: got %#x want %#x\n",
						   chart, rules_text, series, i, got, expected[i]);
				mismatches++;
			}
		}
	}
	CHECK(mismatches == 0, "engine and oracle agree on %ld points of %d random series (%ld mismatches)",
		  points, CROSSCHECK_SERIES, mismatches);
	CHECK(flagged > points / 10, "the random series exercise the rules (%ld of %ld points flagged)",
		  flagged, points);
	printf("# rules cross-check: %d series, %ld points, %ld flagged, %ld mismatches\n",
		   CROSSCHECK_SERIES, points, flagged, mismatches);
}

/* Every code is produced somewhere in the cross-check's kind of data. */
static void
every_code_reachable(void)
{
	uint32_t	seen = 0;
	double		x[MAX_POINTS];
	SpcPoint	pt[MAX_POINTS];

	srand(7);
	for (int series = 0; series < 3000; series++)
	{
		/* the cumulative charts signal by their own tests, without presets */
		static const char *const charts[] = {"i", "i", "i", "ewma", "cusum"};
		const char *chart = charts[series % 5];
		Series		s = {chart, series % 5 < 3 ? "ihi,we,nelson,nhs,anhoej,limits" : NULL,
		MAX_POINTS, x, NULL, NULL, NULL};
		int			level = 0;

		for (int i = 0; i < MAX_POINTS; i++)
		{
			if (rand() % 10 == 0)
				level = uniform(-5, 5);
			x[i] = 20 + level + uniform(-2, 2);
			if (series % 3 == 0)
				x[i] = 20 + (i % 2 ? 3 : -3) + uniform(0, 1) * 0.1;
		}
		unit_compute(&s, SPC_IMPROVEMENT_UP, pt, NULL);
		for (int i = 0; i < MAX_POINTS; i++)
			seen |= pt[i].codes;
	}
	for (int c = 0; c < SPC_CODE_INVALID; c++)
		CHECK(seen & SPC_BIT(c), "code %s occurs in random data", spc_code_name((SpcCode) c));
}

void
test_rules(void)
{
	crosscheck();
	every_code_reachable();
}
