/*
 * test/unit/test_core.c
 *
 * Unit tests of the pure C core, without a server: constants, critical
 * values, argument parsers, subgroup rules, every chart family on reference
 * values, and degenerate partitions.  Prints TAP-style failures and a closing
 * "N passed, N failed" line; exits non-zero on any failure.
 */
#include "compute.h"
#include "constants.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

int			unit_passed;
int			unit_failed;

void
unit_compute(const Series *s, SpcImprovement improvement, SpcPoint *points, SpcPhase *phase)
{
	SpcChartSpec spec;
	SpcRules	rules;
	char		bad[SPC_PARSE_ERR_LEN];
	SpcSubgroup *sg = calloc(s->count ? s->count : 1, sizeof(SpcSubgroup));
	void	   *scratch = malloc(spc_scratch_size(s->count));

	if (spc_parse_chart(s->chart, &spec, bad, sizeof(bad)) != SPC_PARSE_OK)
		abort();
	if (s->rules)
	{
		if (spc_parse_rules(s->rules, spec.type, &rules, bad, sizeof(bad)) != SPC_PARSE_OK)
			abort();
	}
	else
		spc_default_rules(spec.type, &rules);
	for (size_t i = 0; i < s->count; i++)
	{
		SpcAccum	acc;

		spc_accum_init(&acc);
		spc_accum_row(&acc, spec.type, &(SpcRow) {
						  .x = s->x[i],
						  .x_isnull = isnan(s->x[i]),
						  .n = s->n ? s->n[i] : 0.0,
						  .n_isnull = s->n == NULL,
						  .baseline = s->baseline ? s->baseline[i] != 0 : true,
						  .exclude = s->exclude ? s->exclude[i] != 0 : false,
					  });
		spc_subgroup_finish(&acc, spec.type, &sg[i]);
	}
	spc_compute(&spec, &rules, improvement, sg, s->count, points, phase, scratch);
	free(sg);
	free(scratch);
}

static void
test_constants(void)
{
	CLOSE(spc_c4(2), 0.7978845608028654, 1e-14, "c4(2)");
	CLOSE(spc_c4(5), 0.9399856029866254, 1e-12, "c4(5)");
	CLOSE(spc_c4(25), 0.9896, 1e-4, "c4(25)");
	CHECK(isfinite(spc_c4(1e7)) && spc_c4(1e7) < 1.0, "c4 of a huge subgroup is finite");
	CHECK(isnan(spc_c4(1)) && isnan(spc_c4(NAN)), "c4 undefined below 2");
	CLOSE(spc_d2_table(5), 2.326, 0, "d2(5)");
	CLOSE(spc_d3_table(50), 0.6521506, 0, "d3(50)");
	CHECK(isnan(spc_d2_table(26)) && isnan(spc_d3_table(1)), "tables are NaN outside");
}

/* methods.md Part B 4.1: L_max / C_min for n = 10..100. */
static void
test_anhoej_critical_values(void)
{
	static const char *table =
		"6/2 6/2 7/3 7/3 7/4 7/4 7/4 7/5 7/5 7/6 "
		"7/6 7/6 7/7 8/7 8/8 8/8 8/8 8/9 8/9 8/10 "
		"8/10 8/11 8/11 8/11 8/12 8/12 8/13 8/13 8/14 8/14 "
		"8/14 8/15 8/15 8/16 8/16 8/17 9/17 9/17 9/18 9/18 "
		"9/19 9/19 9/20 9/20 9/21 9/21 9/21 9/22 9/22 9/23 "
		"9/23 9/24 9/24 9/25 9/25 9/25 9/26 9/26 9/27 9/27 "
		"9/28 9/28 9/29 9/29 9/29 9/30 9/30 9/31 9/31 9/32 "
		"9/32 9/33 9/33 9/34 9/34 9/34 9/35 9/35 9/36 9/36 "
		"9/37 10/37 10/38 10/38 10/39 10/39 10/39 10/40 10/40 10/41 "
		"10/41";
	const char *p = table;
	int			mismatches = 0;

	for (int n = 10; n <= 100; n++)
	{
		int			l,
					c,
					used;

		if (sscanf(p, "%d/%d%n", &l, &c, &used) != 2)
			abort();
		p += used;
		if (spc_anhoej_longest_run_max(n) != l || spc_anhoej_crossings_min(n) != c)
		{
			mismatches++;
			printf("# n=%d: got %d/%d want %d/%d\n", n, spc_anhoej_longest_run_max(n),
				   spc_anhoej_crossings_min(n), l, c);
		}
	}
	CHECK(mismatches == 0, "Anhoej critical values for n = 10..100");
	CHECK(spc_anhoej_longest_run_max(0) == -1 && spc_anhoej_crossings_min(0) == -1,
		  "no critical values without useful points");
	CHECK(spc_anhoej_crossings_min(1) == 0, "C_min(1) = 0");
	/* Normal approximation: (n-1)/2 - 1.645 sqrt(n-1)/2, within one. */
	CHECK(abs(spc_anhoej_crossings_min(100001) - (int) (50000 - 1.645 * sqrt(100000) / 2)) <= 1,
		  "C_min(100001) = %d", spc_anhoej_crossings_min(100001));
}

static void
test_parsers(void)
{
	SpcChartSpec spec;
	SpcRules	rules;
	SpcImprovement imp;
	char		bad[SPC_PARSE_ERR_LEN];
	char		longword[200];

	CHECK(spc_parse_chart("p", &spec, bad, sizeof(bad)) == SPC_PARSE_OK && spec.type == SPC_CHART_P,
		  "chart p");
	CHECK(spc_parse_chart("  XBar ", &spec, bad, sizeof(bad)) == SPC_PARSE_OK && spec.type == SPC_CHART_XBAR,
		  "chart names are case-insensitive and trimmed");
	CHECK(spc_parse_chart("i(screen=false)", &spec, bad, sizeof(bad)) == SPC_PARSE_OK && !spec.screen,
		  "i(screen=false)");
	CHECK(spc_parse_chart("i", &spec, bad, sizeof(bad)) == SPC_PARSE_OK && spec.screen && !spec.clip,
		  "screening is on by default");
	CHECK(spc_parse_chart("xbar( method = qcc , clip=on)", &spec, bad, sizeof(bad)) == SPC_PARSE_OK &&
		  spec.method == SPC_METHOD_QCC && spec.clip, "xbar options");
	CHECK(spc_parse_chart("r", &spec, bad, sizeof(bad)) == SPC_PARSE_OK && spec.method == SPC_METHOD_QCC,
		  "r follows qcc");
	CHECK(spc_parse_chart("foo", &spec, bad, sizeof(bad)) == SPC_PARSE_UNKNOWN_NAME && strcmp(bad, "foo") == 0,
		  "unknown chart named");
	CHECK(spc_parse_chart("", &spec, bad, sizeof(bad)) == SPC_PARSE_UNKNOWN_NAME, "empty chart");
	CHECK(spc_parse_chart("p(screen=false)", &spec, bad, sizeof(bad)) == SPC_PARSE_UNKNOWN_OPTION,
		  "screen is not an option of p");
	CHECK(spc_parse_chart("i(screen=maybe)", &spec, bad, sizeof(bad)) == SPC_PARSE_BAD_VALUE &&
		  strcmp(bad, "maybe") == 0, "bad boolean");
	CHECK(spc_parse_chart("r(method=qicharts2)", &spec, bad, sizeof(bad)) == SPC_PARSE_BAD_VALUE,
		  "r has no qicharts2 method");
	CHECK(spc_parse_chart("i(", &spec, bad, sizeof(bad)) == SPC_PARSE_SYNTAX, "unclosed options");
	CHECK(spc_parse_chart("i)", &spec, bad, sizeof(bad)) == SPC_PARSE_SYNTAX, "junk after the name");
	CHECK(spc_parse_chart("p, u", &spec, bad, sizeof(bad)) == SPC_PARSE_SYNTAX, "one chart only");
	memset(longword, 'x', sizeof(longword) - 1);
	longword[sizeof(longword) - 1] = '\0';
	CHECK(spc_parse_chart(longword, &spec, bad, sizeof(bad)) != SPC_PARSE_OK && strlen(bad) < sizeof(bad),
		  "over-long word rejected, message bounded");

	CHECK(spc_parse_rules("ihi,anhoej", SPC_CHART_P, &rules, bad, sizeof(bad)) == SPC_PARSE_OK &&
		  rules.enabled[SPC_PRESET_IHI] && rules.enabled[SPC_PRESET_ANHOEJ] &&
		  !rules.enabled[SPC_PRESET_WE], "ihi,anhoej");
	CHECK(spc_parse_rules("nhs(shift=6,trend=6)", SPC_CHART_I, &rules, bad, sizeof(bad)) == SPC_PARSE_OK &&
		  rules.params[SPC_PRESET_NHS].shift == 6 && rules.params[SPC_PRESET_NHS].trend == 6,
		  "nhs parameters");
	CHECK(spc_parse_rules("none", SPC_CHART_I, &rules, bad, sizeof(bad)) == SPC_PARSE_OK &&
		  !rules.enabled[SPC_PRESET_IHI] && !rules.enabled[SPC_PRESET_ANHOEJ], "none");
	CHECK(spc_parse_rules("ihi(shift=1)", SPC_CHART_I, &rules, bad, sizeof(bad)) == SPC_PARSE_BAD_VALUE,
		  "shift of 1");
	CHECK(spc_parse_rules("ihi(trend=2)", SPC_CHART_I, &rules, bad, sizeof(bad)) == SPC_PARSE_BAD_VALUE,
		  "trend of 2");
	CHECK(spc_parse_rules("ihi(shift=99999999999)", SPC_CHART_I, &rules, bad, sizeof(bad)) == SPC_PARSE_BAD_VALUE,
		  "huge shift");
	CHECK(spc_parse_rules("we(trend=5)", SPC_CHART_I, &rules, bad, sizeof(bad)) == SPC_PARSE_UNKNOWN_OPTION,
		  "we has no trend");
	CHECK(spc_parse_rules("anhoej(shift=5)", SPC_CHART_I, &rules, bad, sizeof(bad)) == SPC_PARSE_UNKNOWN_OPTION,
		  "anhoej has no parameters");
	CHECK(spc_parse_rules("ihi,,we", SPC_CHART_I, &rules, bad, sizeof(bad)) == SPC_PARSE_SYNTAX, "empty item");
	CHECK(spc_parse_rules("ihi,", SPC_CHART_I, &rules, bad, sizeof(bad)) == SPC_PARSE_SYNTAX &&
		  strcmp(bad, "end of text") == 0, "trailing comma");
	CHECK(spc_parse_rules("ihi;drop", SPC_CHART_I, &rules, bad, sizeof(bad)) == SPC_PARSE_SYNTAX, "junk");
	CHECK(spc_parse_rules("westernelectric", SPC_CHART_I, &rules, bad, sizeof(bad)) == SPC_PARSE_UNKNOWN_NAME,
		  "unknown preset");
	CHECK(spc_parse_rules("", SPC_CHART_I, &rules, bad, sizeof(bad)) == SPC_PARSE_UNKNOWN_NAME, "empty rules");
	spc_default_rules(SPC_CHART_RUN, &rules);
	CHECK(rules.enabled[SPC_PRESET_ANHOEJ] && !rules.enabled[SPC_PRESET_IHI] && !rules.enabled[SPC_PRESET_LIMITS],
		  "run charts default to anhoej");
	spc_default_rules(SPC_CHART_P, &rules);
	CHECK(rules.enabled[SPC_PRESET_LIMITS] && rules.enabled[SPC_PRESET_ANHOEJ] && !rules.enabled[SPC_PRESET_IHI] &&
		  !rules.enabled[SPC_PRESET_WE] && !rules.enabled[SPC_PRESET_NELSON] && !rules.enabled[SPC_PRESET_NHS],
		  "control charts default to limits and anhoej (0.2.0; ihi before)");

	CHECK(spc_parse_improvement("Down", &imp) == SPC_PARSE_OK && imp == SPC_IMPROVEMENT_DOWN, "down");
	CHECK(spc_parse_improvement("sideways", &imp) != SPC_PARSE_OK, "bad improvement");
}

static void
test_subgroups(void)
{
	SpcAccum	acc;
	SpcSubgroup sg;

	spc_accum_init(&acc);
	spc_accum_row(&acc, SPC_CHART_P, &(SpcRow) {.x = 3, .n = 10, .baseline = true});
	spc_accum_row(&acc, SPC_CHART_P, &(SpcRow) {.x = 4, .n = 20, .baseline = true});
	spc_subgroup_finish(&acc, SPC_CHART_P, &sg);
	CHECK(sg.status == SPC_STATUS_OK && sg.x == 7 && sg.n == 30, "peer counts are summed");

	spc_accum_init(&acc);
	spc_accum_row(&acc, SPC_CHART_XBAR, &(SpcRow) {.x = 1, .n = 0, .n_isnull = true, .baseline = true});
	spc_accum_row(&acc, SPC_CHART_XBAR, &(SpcRow) {.x = 2, .n = 0, .n_isnull = true, .baseline = true});
	spc_accum_row(&acc, SPC_CHART_XBAR, &(SpcRow) {.x = 6, .n = 0, .n_isnull = true, .baseline = true, .exclude = true});
	spc_accum_row(&acc, SPC_CHART_XBAR, &(SpcRow) {.x = 0, .x_isnull = true, .n = 0, .n_isnull = true});
	spc_subgroup_finish(&acc, SPC_CHART_XBAR, &sg);
	CHECK(sg.x == 3 && sg.n == 3 && close_to(sg.sd, sqrt(7), 1e-14) && sg.range == 5 &&
		  sg.excluded && !sg.baseline, "peer observations: mean, sd, range, flags");

	spc_accum_init(&acc);
	spc_subgroup_finish(&acc, SPC_CHART_I, &sg);
	CHECK(sg.status == SPC_STATUS_MISSING, "no rows: missing");

	{
		struct
		{
			SpcChartType chart;
			double		x,
						n;
			int			n_isnull;
			const char *what;
		}			bad[] = {
			{SPC_CHART_P, 11, 10, 0, "numerator above denominator"},
			{SPC_CHART_P, -1, 10, 0, "negative count"},
			{SPC_CHART_P, 1, 0, 0, "zero denominator"},
			{SPC_CHART_U, 1, -5, 0, "negative exposure"},
			{SPC_CHART_PP, 1, 0, 1, "missing denominator"},
			{SPC_CHART_C, -2, 0, 1, "negative count on c"},
			{SPC_CHART_G, -1, 0, 1, "negative opportunities"},
			{SPC_CHART_T, -0.5, 0, 1, "negative time"},
			{SPC_CHART_I, NAN, 0, 1, "NaN"},
			{SPC_CHART_I, INFINITY, 0, 1, "infinity"},
			{SPC_CHART_U, 1, INFINITY, 0, "infinite exposure"},
		};

		for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		{
			spc_accum_init(&acc);
			/* NaN is a value here, not SQL NULL: the glue passes isnull separately */
			spc_accum_row(&acc, bad[k].chart, &(SpcRow) {.x = bad[k].x, .n = bad[k].n, .n_isnull = bad[k].n_isnull, .baseline = true});
			spc_subgroup_finish(&acc, bad[k].chart, &sg);
			CHECK(sg.status == SPC_STATUS_INVALID, "invalid: %s", bad[k].what);
		}
	}

	spc_accum_init(&acc);
	spc_accum_row(&acc, SPC_CHART_C, &(SpcRow) {.x = 1e308, .n = 0, .n_isnull = true, .baseline = true});
	spc_accum_row(&acc, SPC_CHART_C, &(SpcRow) {.x = 1e308, .n = 0, .n_isnull = true, .baseline = true});
	spc_subgroup_finish(&acc, SPC_CHART_C, &sg);
	CHECK(sg.status == SPC_STATUS_INVALID, "overflowing sum is invalid");

	spc_accum_init(&acc);
	spc_accum_row(&acc, SPC_CHART_XBAR, &(SpcRow) {.x = 1e308, .n = 0, .n_isnull = true, .baseline = true});
	spc_accum_row(&acc, SPC_CHART_XBAR, &(SpcRow) {.x = -1e308, .n = 0, .n_isnull = true, .baseline = true});
	spc_subgroup_finish(&acc, SPC_CHART_XBAR, &sg);
	CHECK(sg.status == SPC_STATUS_INVALID, "overflowing range is invalid");
}

/* methods.md 3.2: screened and unscreened I chart on the NHS deviations data. */
static void
test_i_chart(void)
{
	static const double x[] = {1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1};
	SpcPoint	pt[18];
	SpcPhase	ph;
	Series		s = {"i", NULL, 18, x, NULL, NULL, NULL};

	unit_compute(&s, SPC_IMPROVEMENT_UP, pt, &ph);
	CLOSE(pt[0].cl, 1.9444, 1e-4, "I mean");
	CLOSE(pt[0].ucl, 4.6040, 1e-4, "screened UPL");
	CLOSE(pt[0].lcl, -0.7151, 1e-4, "screened LPL");
	CHECK(pt[4].codes == SPC_BIT(SPC_CODE_LIMITS) && pt[4].variation == SPC_VARIATION_IMPROVEMENT,
		  "point 5 is a limits improvement signal");
	CHECK(pt[3].codes == 0 && pt[3].variation == SPC_VARIATION_COMMON_CAUSE, "point 4 common cause");
	s.chart = "i(screen=false)";
	unit_compute(&s, SPC_IMPROVEMENT_UP, pt, &ph);
	CLOSE(pt[0].ucl, 6.9507, 1e-4, "unscreened UPL");
	CLOSE(pt[0].lcl, -3.0618, 1e-4, "unscreened LPL");
	CHECK(ph.trial && ph.n_baseline == 18, "18 subgroups give trial limits");
}

/* methods.md 2: an excluded point is bridged, a NULL drops both MRs. */
static void
test_exclude_versus_null(void)
{
	double		x[] = {10, 12, 11, 30, 12, 11, 13, 12, 10, 11};
	int			exclude[10] = {0, 0, 0, 1};
	SpcPoint	pt[10];
	SpcPhase	ph;
	Series		s = {"i", NULL, 10, x, NULL, NULL, exclude};

	unit_compute(&s, SPC_IMPROVEMENT_UP, pt, &ph);
	CLOSE(pt[0].ucl, 14.990, 1e-4, "excluded point bridged: UCL");
	CHECK(pt[3].y == 30 && (pt[3].codes & SPC_BIT(SPC_CODE_LIMITS)), "excluded point still tested");
	CHECK(ph.n_obs == 9 && ph.n_baseline == 9, "excluded point not counted");
	x[3] = NAN;
	s.exclude = NULL;
	unit_compute(&s, SPC_IMPROVEMENT_UP, pt, &ph);
	CLOSE(pt[0].ucl, 15.133, 1e-4, "missing point drops both moving ranges: UCL");
	CHECK(isnan(pt[3].y) && pt[3].codes == 0 && pt[3].variation == SPC_VARIATION_NONE &&
		  close_to(pt[3].ucl, pt[0].ucl, 0), "missing point: no y, limits drawn");
}

/* Frozen baseline: later points are judged against the baseline's limits. */
static void
test_frozen_baseline(void)
{
	double		x[30];
	int			baseline[30];
	SpcPoint	pt[30],
				ref[20];
	SpcPhase	ph;
	Series		s = {"c", NULL, 30, x, NULL, baseline, NULL};
	Series		first = {"c", NULL, 20, x, NULL, NULL, NULL};

	for (int i = 0; i < 30; i++)
	{
		x[i] = i < 20 ? 10 + (i % 5) : 30;
		baseline[i] = i < 20;
	}
	unit_compute(&s, SPC_IMPROVEMENT_UP, pt, &ph);
	unit_compute(&first, SPC_IMPROVEMENT_UP, ref, NULL);
	CLOSE(pt[29].ucl, ref[0].ucl, 0, "frozen UCL equals the baseline-only UCL");
	CHECK(ph.n_baseline == 20 && !ph.trial, "20 baseline subgroups, not trial");
	CHECK((pt[25].codes & SPC_BIT(SPC_CODE_LIMITS)) != 0, "post-baseline point signals");
	CHECK(ph.sigma_signals == 10, "ten points above the frozen limit (%d)", ph.sigma_signals);
}

static void
test_attribute_charts(void)
{
	static const double x[] = {0, 0, 0, 0, 0};
	static const double n[] = {10, 20, 10, 20, 10};
	static const double xs[] = {3, 12, 4, 2, 8};
	SpcPoint	pt[5];
	SpcPhase	ph;
	Series		s = {"p", NULL, 5, x, n, NULL, NULL};

	unit_compute(&s, SPC_IMPROVEMENT_UP, pt, &ph);
	CHECK(pt[0].cl == 0 && isnan(pt[0].ucl) && isnan(pt[0].sigma), "p-bar 0: centre line, no limits");
	s.chart = "pp";
	unit_compute(&s, SPC_IMPROVEMENT_UP, pt, &ph);
	CHECK(pt[0].cl == 0 && isnan(pt[0].ucl) && isnan(ph.sigma_z), "p' with p-bar 0: no limits");
	s.chart = "p";
	s.x = xs;
	unit_compute(&s, SPC_IMPROVEMENT_UP, pt, &ph);
	CLOSE(pt[0].cl, 29.0 / 70.0, 1e-15, "p-bar = sum x / sum n");
	CLOSE(pt[1].ucl, fmin(1.0, 29.0 / 70.0 + 3 * sqrt(29.0 / 70.0 * 41.0 / 70.0 / 20.0)), 1e-14,
		  "p UCL for n = 20");
	CHECK(pt[0].lcl == 0.0, "p LCL clipped at 0");
	s.chart = "np";
	unit_compute(&s, SPC_IMPROVEMENT_UP, pt, &ph);
	CLOSE(pt[1].cl, 20 * 29.0 / 70.0, 1e-14, "np centre line is n p-bar");
	CHECK(pt[1].y == 12, "np plots the count");
	s.chart = "u";
	unit_compute(&s, SPC_IMPROVEMENT_UP, pt, &ph);
	CLOSE(pt[3].ucl, 29.0 / 70.0 + 3 * sqrt(29.0 / 70.0 / 20.0), 1e-14, "u UCL");
}

/* clip=true clips at 0 only when every value is non-negative (qicharts2). */
static void
test_clip(void)
{
	static const double positive[] = {1, 2, 1, 2, 10, 1, 2, 1, 2, 1};
	static const double negative[] = {-9, -8, -9, -8, -9, -8, -9, -8, -9, -8};
	SpcPoint	pt[10];
	Series		s = {"i(clip=true)", NULL, 10, positive, NULL, NULL, NULL};

	unit_compute(&s, SPC_IMPROVEMENT_UP, pt, NULL);
	CHECK(pt[0].lcl == 0.0, "clip=true clips a non-negative series at 0");
	s.x = negative;
	unit_compute(&s, SPC_IMPROVEMENT_UP, pt, NULL);
	CHECK(pt[0].lcl < pt[0].ucl && pt[0].ucl < 0.0, "clip=true leaves a negative series alone (found by fuzzing)");
}

static void
test_degenerate_partitions(void)
{
	static const double one[] = {5};
	static const double same[] = {4, 4, 4, 4, 4, 4};
	static const double none[] = {NAN, NAN, NAN};
	SpcPoint	pt[6];
	SpcPhase	ph;
	const char *charts[] = {"run", "i", "mr", "xbar", "s", "r", "p", "np", "c", "u", "pp", "up", "g", "t"};

	for (size_t c = 0; c < sizeof(charts) / sizeof(charts[0]); c++)
	{
		Series		s = {charts[c], "ihi,anhoej", 0, one, one, NULL, NULL};

		unit_compute(&s, SPC_IMPROVEMENT_UP, pt, &ph);
		CHECK(ph.n_subgroups == 0 && isnan(ph.cl), "%s: empty partition", charts[c]);
		s.count = 1;
		unit_compute(&s, SPC_IMPROVEMENT_UP, pt, &ph);
		CHECK(isnan(pt[0].lcl) && isnan(pt[0].ucl), "%s: one point, no limits", charts[c]);
		s.x = same;
		s.n = same;
		s.count = 6;
		unit_compute(&s, SPC_IMPROVEMENT_UP, pt, &ph);
		/* c, u and g take sigma from their model, the others from the data */
		CHECK(pt[5].codes == 0 && (isnan(pt[0].ucl) || strchr("cug", charts[c][0]) != NULL),
			  "%s: all equal, no signal, no empirical limits", charts[c]);
		s.x = none;
		s.count = 3;
		unit_compute(&s, SPC_IMPROVEMENT_UP, pt, &ph);
		CHECK(isnan(pt[0].y) && isnan(pt[0].cl) && ph.n_baseline == 0 && !ph.runs_signal,
			  "%s: all missing", charts[c]);
	}
	{
		Series		s = {"i", NULL, 1, one, NULL, NULL, NULL};

		unit_compute(&s, SPC_IMPROVEMENT_UP, pt, &ph);
		CHECK(pt[0].cl == 5 && pt[0].y == 5, "single point carries y and cl");
	}
}

/* A 100,000-point partition: linear time, finite answers. */
static void
test_large_partition(void)
{
	size_t		count = 100000;
	double	   *x = malloc(count * sizeof(double));
	double	   *n = malloc(count * sizeof(double));
	SpcPoint   *pt = malloc(count * sizeof(SpcPoint));
	SpcPhase	ph;
	const char *charts[] = {"i", "p", "pp", "run", "g", "t"};

	srand(42);
	for (size_t i = 0; i < count; i++)
	{
		n[i] = 100 + rand() % 900;
		x[i] = floor(n[i] * (0.3 + 0.1 * rand() / RAND_MAX));
	}
	for (size_t c = 0; c < sizeof(charts) / sizeof(charts[0]); c++)
	{
		Series		s = {charts[c], "ihi,anhoej", count, x, n, NULL, NULL};

		unit_compute(&s, SPC_IMPROVEMENT_UP, pt, &ph);
		CHECK(ph.n_subgroups == (int) count && isfinite(ph.cl) && ph.n_useful > 0,
			  "%s: 100,000 points", charts[c]);
	}
	free(x);
	free(n);
	free(pt);
}

int
main(void)
{
	test_constants();
	test_anhoej_critical_values();
	test_parsers();
	test_subgroups();
	test_i_chart();
	test_exclude_versus_null();
	test_frozen_baseline();
	test_attribute_charts();
	test_clip();
	test_degenerate_partitions();
	test_large_partition();
	test_rules();
	test_analyst();
	test_funnel();
	test_svg();
	printf("%d passed, %d failed\n", unit_passed, unit_failed);
	return unit_failed != 0;
}
