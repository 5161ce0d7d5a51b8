/*
 * test/unit/test_analyst.c
 *
 * Unit tests of the analyst's engine (0.2.0) in the core: c4 and c5 to 1e-12
 * for every n up to 1e9, the new chart options and presets, ratios on run and
 * I charts, freeze, cl, multiply, phases without baseline, undirected signals
 * and the cumulative charts (ewma, cusum, bcusum, racusum).
 */
#include "compute.h"
#include "constants.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

/* c4 and sqrt(1 - c4^2) from mpmath at 50 digits (tools: test/unit/c4_reference.py). */
static const double c4_reference[][3] = {
	{2, 0.79788456080286535588, 0.60281027498908697428},
	{3, 0.88622692545275801365, 0.46325137517610424292},
	{5, 0.93998560298662518841, 0.34121410606519574498},
	{10, 0.97265927412158824336, 0.23223681117614636021},
	{25, 0.98964037558570308389, 0.14356854464188363951},
	{40, 0.9936109428318858123, 0.11285962202989581217},
	{41, 0.99377013712462888026, 0.11144915683528661029},
	{42, 0.99392159187584670945, 0.11009027751342444671},
	{50, 0.99491130466973282448, 0.1007546318556624377},
	{100, 0.99747797607126351078, 0.070976666960176842347},
	{1000, 0.99974978110151320321, 0.022369067648796487829},
	{10000, 0.99997499781235155757, 0.0070713329851943512448},
	{100000, 0.99999749997812485156, 0.0022360763627809090916},
	{1000000, 0.99999974999978124985, 0.00070710704635167333338},
	{10000000, 0.9999999749999978125, 0.0002236068061352341473},
	{100000000, 0.99999999749999997812, 0.000070710678383819796214},
	{1000000000, 0.99999999974999999978, 0.000022360679783383151882},
};

static double
rel_error(double got, double want)
{
	return fabs(got - want) / fabs(want);
}

static void
test_c4_exact(void)
{
	double		worst4 = 0.0,
				worst5 = 0.0;

	for (size_t k = 0; k < sizeof(c4_reference) / sizeof(c4_reference[0]); k++)
	{
		double		n = c4_reference[k][0];

		worst4 = fmax(worst4, rel_error(spc_c4(n), c4_reference[k][1]));
		worst5 = fmax(worst5, rel_error(spc_c5(n), c4_reference[k][2]));
		CHECK(spc_c4(n) < 1.0 && spc_c5(n) > 0.0, "c4(%g) below 1, c5 positive", n);
	}
	CHECK(worst4 < 1e-12, "c4 within 1e-12 relative for n = 2 .. 1e9 (worst %.2g)", worst4);
	CHECK(worst5 < 1e-12, "c5 = sqrt(1 - c4^2) within 1e-12 relative for n = 2 .. 1e9 (worst %.2g)", worst5);
	/* continuity where the series takes over from lgamma */
	CHECK(rel_error(spc_c4(40.999999), spc_c4(41.0)) < 1e-9, "c4 continuous at the switch");
	/* monotone in n all the way */
	{
		bool		monotone = true;
		double		prev = 0.0;

		for (double n = 2; n < 2e9; n *= 1.37)
		{
			double		c = spc_c4(floor(n));

			monotone = monotone && c >= prev;
			prev = c;
		}
		CHECK(monotone, "c4 increases with n up to 1e9");
	}
	CHECK(isnan(spc_c5(1)) && isnan(spc_c5(INFINITY)), "c5 undefined below 2");
}

/*
 * spc_chart_spec_valid accepts exactly what the parser can produce: it guards
 * spc.phase_summary states read from text or binary.
 */
static void
test_spec_valid(void)
{
	static const char *const good[] = {
		"run", "i", "xmr(screen=false,clip=true,freeze=5,cl=3,multiply=100)", "mr", "xbar(method=qcc)",
		"s(method=qicharts2)", "r", "p(cl=0.2)", "np", "c", "u", "pp", "up(screen=false)", "g(method=qcc)",
		"t", "ewma(lambda=1,nsigma=100,sigma=2)", "cusum(k=0,h=1e6,sigma=1)", "bcusum(p0=0.5,or=0.1,h=2)",
		"racusum(or=1e6,h=4)"
	};
	SpcChartSpec spec,
				other;
	char		bad[SPC_PARSE_ERR_LEN];
	bool		all = true;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
	{
		CHECK(spc_parse_chart(good[i], &spec, bad, sizeof(bad)) == SPC_PARSE_OK, "parses");
		all = all && spc_chart_spec_valid(&spec) && spc_chart_spec_equal(&spec, &spec);
	}
	CHECK(all, "every parsed chart argument is a valid spec, equal to itself");

	spc_parse_chart("i", &spec, bad, sizeof(bad));
	other = spec;
	other.lambda = 0.5;
	CHECK(!spc_chart_spec_valid(&other), "lambda on an i chart is not a parser's spec");
	CHECK(!spc_chart_spec_equal(&spec, &other), "specs differing in an option differ");
	other = spec;
	other.freeze = -1;
	CHECK(!spc_chart_spec_valid(&other), "negative freeze refused");
	other = spec;
	other.multiply = 0.0;
	CHECK(!spc_chart_spec_valid(&other), "multiply 0 refused");
	other = spec;
	other.cl = INFINITY;
	CHECK(!spc_chart_spec_valid(&other), "infinite cl refused");
	other = spec;
	other.type = SPC_CHART_COUNT;
	CHECK(!spc_chart_spec_valid(&other), "type out of range refused");
	other = spec;
	other.method = SPC_METHOD_QCC;
	CHECK(!spc_chart_spec_valid(&other), "method on an i chart refused");
	spc_parse_chart("r", &spec, bad, sizeof(bad));
	spec.method = SPC_METHOD_QICHARTS2;
	CHECK(!spc_chart_spec_valid(&spec), "r has no qicharts2 method");
	spc_parse_chart("ewma", &spec, bad, sizeof(bad));
	spec.lambda = 0.0;
	CHECK(!spc_chart_spec_valid(&spec), "ewma lambda 0 refused");
	spc_parse_chart("bcusum", &spec, bad, sizeof(bad));
	spec.odds_ratio = 1.0;
	CHECK(!spc_chart_spec_valid(&spec), "odds ratio 1 refused");
	spc_parse_chart("bcusum", &spec, bad, sizeof(bad));
	spec.cl = 0.1;
	CHECK(!spc_chart_spec_valid(&spec), "cl on bcusum refused");
	spc_parse_chart("cusum(sigma=2)", &spec, bad, sizeof(bad));
	spc_parse_chart("cusum", &other, bad, sizeof(bad));
	CHECK(!spc_chart_spec_equal(&spec, &other), "a known sigma differs from an estimated one (NaN)");
	spc_parse_chart("cusum", &spec, bad, sizeof(bad));
	CHECK(spc_chart_spec_equal(&spec, &other), "two estimated sigmas (NaN) are equal");
}

static void
test_new_options(void)
{
	SpcChartSpec spec;
	SpcRules	rules;
	char		bad[SPC_PARSE_ERR_LEN];

	CHECK(spc_parse_chart("xmr", &spec, bad, sizeof(bad)) == SPC_PARSE_OK && spec.type == SPC_CHART_I,
		  "xmr is the I chart");
	CHECK(spc_parse_chart("XmR(screen=false)", &spec, bad, sizeof(bad)) == SPC_PARSE_OK && !spec.screen,
		  "xmr takes the I chart's options");
	CHECK(spc_parse_chart("p(freeze=12, cl=0.25, multiply=100)", &spec, bad, sizeof(bad)) == SPC_PARSE_OK &&
		  spec.freeze == 12 && spec.cl == 0.25 && spec.multiply == 100, "freeze, cl, multiply");
	CHECK(spc_parse_chart("i", &spec, bad, sizeof(bad)) == SPC_PARSE_OK && spec.freeze == 0 &&
		  isnan(spec.cl) && spec.multiply == 1.0, "no freeze, no cl, multiply 1 by default");
	CHECK(spc_parse_chart("i(cl=-1.5e3)", &spec, bad, sizeof(bad)) == SPC_PARSE_OK && spec.cl == -1500,
		  "cl may be any finite number");
	CHECK(spc_parse_chart("i(freeze=2.5)", &spec, bad, sizeof(bad)) == SPC_PARSE_BAD_VALUE, "freeze whole");
	CHECK(spc_parse_chart("i(freeze=0)", &spec, bad, sizeof(bad)) == SPC_PARSE_BAD_VALUE, "freeze >= 1");
	CHECK(spc_parse_chart("i(multiply=0)", &spec, bad, sizeof(bad)) == SPC_PARSE_BAD_VALUE, "multiply > 0");
	CHECK(spc_parse_chart("i(cl=nan)", &spec, bad, sizeof(bad)) == SPC_PARSE_BAD_VALUE, "cl finite");
	CHECK(spc_parse_chart("i(cl=1e999)", &spec, bad, sizeof(bad)) == SPC_PARSE_BAD_VALUE, "cl not infinite");
	CHECK(spc_parse_chart("i(cl=1x)", &spec, bad, sizeof(bad)) == SPC_PARSE_BAD_VALUE, "cl a number");
	CHECK(spc_parse_chart("ewma", &spec, bad, sizeof(bad)) == SPC_PARSE_OK && spec.lambda == 0.2 &&
		  spec.nsigma == 3.0 && isnan(spec.sigma), "ewma defaults (qcc)");
	CHECK(spc_parse_chart("cusum", &spec, bad, sizeof(bad)) == SPC_PARSE_OK && spec.k == 0.5 && spec.h == 5.0,
		  "cusum defaults (qcc)");
	CHECK(spc_parse_chart("bcusum", &spec, bad, sizeof(bad)) == SPC_PARSE_OK && spec.h == 3.5 &&
		  spec.odds_ratio == 2.0 && isnan(spec.p0), "bcusum defaults (qicharts2)");
	CHECK(spc_parse_chart("racusum(or=0.5,h=4.5)", &spec, bad, sizeof(bad)) == SPC_PARSE_OK &&
		  spec.odds_ratio == 0.5 && spec.h == 4.5, "racusum options");
	CHECK(spc_parse_chart("ewma(lambda=0)", &spec, bad, sizeof(bad)) == SPC_PARSE_BAD_VALUE, "lambda > 0");
	CHECK(spc_parse_chart("ewma(lambda=1)", &spec, bad, sizeof(bad)) == SPC_PARSE_OK, "lambda 1 (Shewhart)");
	CHECK(spc_parse_chart("cusum(h=0)", &spec, bad, sizeof(bad)) == SPC_PARSE_BAD_VALUE, "h > 0");
	CHECK(spc_parse_chart("cusum(k=0)", &spec, bad, sizeof(bad)) == SPC_PARSE_OK, "k may be 0");
	CHECK(spc_parse_chart("cusum(sigma=-1)", &spec, bad, sizeof(bad)) == SPC_PARSE_BAD_VALUE, "sigma > 0");
	CHECK(spc_parse_chart("bcusum(p0=1)", &spec, bad, sizeof(bad)) == SPC_PARSE_BAD_VALUE, "p0 < 1");
	CHECK(spc_parse_chart("bcusum(or=1)", &spec, bad, sizeof(bad)) == SPC_PARSE_BAD_VALUE, "or 1 detects nothing");
	CHECK(spc_parse_chart("i(lambda=0.2)", &spec, bad, sizeof(bad)) == SPC_PARSE_UNKNOWN_OPTION &&
		  strcmp(bad, "lambda") == 0, "lambda only for ewma");
	CHECK(spc_parse_chart("racusum(p0=0.1)", &spec, bad, sizeof(bad)) == SPC_PARSE_UNKNOWN_OPTION,
		  "racusum has no p0: the risks are the target");
	CHECK(spc_parse_chart("racusum(cl=1)", &spec, bad, sizeof(bad)) == SPC_PARSE_UNKNOWN_OPTION, "no cl for racusum");
	CHECK(spc_chart_is_cumulative(SPC_CHART_EWMA) && spc_chart_is_cumulative(SPC_CHART_RACUSUM) &&
		  !spc_chart_is_cumulative(SPC_CHART_I), "cumulative charts");
	CHECK(spc_chart_needs_n(SPC_CHART_RACUSUM) && !spc_chart_needs_n(SPC_CHART_BCUSUM),
		  "racusum needs the risks, bcusum's n is optional");

	CHECK(spc_parse_rules("limits", SPC_CHART_I, &rules, bad, sizeof(bad)) == SPC_PARSE_OK &&
		  rules.enabled[SPC_PRESET_LIMITS] && !rules.enabled[SPC_PRESET_IHI], "limits preset");
	CHECK(spc_parse_rules("limits(shift=8)", SPC_CHART_I, &rules, bad, sizeof(bad)) == SPC_PARSE_UNKNOWN_OPTION,
		  "limits takes no parameters");
	CHECK(strcmp(spc_code_name(SPC_CODE_LIMITS), "limits") == 0 && spc_code_description("cusum_lower") != NULL,
		  "new codes named and described");
}

static SpcPoint pts[64];

static void
compute(const char *chart, const char *rules, const double *x, const double *n, const int *baseline,
		size_t count, SpcImprovement improvement, SpcPhase *phase)
{
	Series		s = {chart, rules, count, x, n, baseline, NULL};

	unit_compute(&s, improvement, pts, phase);
}

static void
test_ratios_and_options(void)
{
	static const double x[] = {3, 5, 2, 4, 6, 3, 2, 5, 4, 3};
	static const double n[] = {900, 1100, 800, 1000, 1200, 950, 700, 1050, 1000, 900};
	double		ratio[10];
	SpcPoint	plain[10];
	SpcPhase	phase;
	static const int none[10] = {0};
	static const int first4[10] = {1, 1, 1, 1, 0, 0, 0, 0, 0, 0};

	for (int i = 0; i < 10; i++)
		ratio[i] = x[i] / n[i];
	compute("i", NULL, ratio, NULL, NULL, 10, SPC_IMPROVEMENT_NONE, NULL);
	memcpy(plain, pts, sizeof(plain));
	compute("i", NULL, x, n, NULL, 10, SPC_IMPROVEMENT_NONE, NULL);
	CLOSE(pts[0].y, 3.0 / 900, 1e-15, "I chart with n plots x/n");
	CLOSE(pts[3].ucl, plain[3].ucl, 1e-14, "I chart of ratios = I chart of the ratio values");
	{
		static const double big[] = {1e300, 2, 3};
		static const double tiny[] = {1e-300, 1, 1};

		compute("u", NULL, big, tiny, NULL, 3, SPC_IMPROVEMENT_NONE, NULL);
		CHECK(isnan(pts[0].y) && (pts[0].codes & SPC_BIT(SPC_CODE_INVALID)), "an overflowing rate is invalid");
	}
	compute("run", NULL, x, n, NULL, 10, SPC_IMPROVEMENT_NONE, NULL);
	CLOSE(pts[1].y, 5.0 / 1100, 1e-15, "run chart with n plots x/n");

	/* no baseline row at all: every row estimates */
	compute("i", NULL, x, NULL, none, 10, SPC_IMPROVEMENT_NONE, &phase);
	CHECK(phase.n_baseline == 10 && !isnan(pts[0].ucl), "a phase without baseline uses all its rows");
	/* freeze = baseline of the first N */
	compute("i(freeze=4)", NULL, x, NULL, NULL, 10, SPC_IMPROVEMENT_NONE, &phase);
	memcpy(plain, pts, sizeof(plain));
	CHECK(phase.n_baseline == 4, "freeze=4 estimates from 4 subgroups");
	compute("i", NULL, x, NULL, first4, 10, SPC_IMPROVEMENT_NONE, NULL);
	CLOSE(plain[9].ucl, pts[9].ucl, 0, "freeze=4 equals baseline on the first 4");
	/* cl: fixed centre, same sigma */
	compute("i", NULL, x, NULL, NULL, 10, SPC_IMPROVEMENT_NONE, NULL);
	memcpy(plain, pts, sizeof(plain));
	compute("i(cl=10)", NULL, x, NULL, NULL, 10, SPC_IMPROVEMENT_NONE, NULL);
	CHECK(pts[0].cl == 10 && close_to(pts[0].sigma, plain[0].sigma, 1e-15), "cl fixes the centre, sigma estimated");
	/* a fixed centre below the clipping floor: no limits, never lcl above ucl */
	compute("i(clip=true,cl=-50)", NULL, x, NULL, NULL, 10, SPC_IMPROVEMENT_NONE, NULL);
	CHECK(pts[0].cl == -50 && isnan(pts[0].lcl) && isnan(pts[0].ucl), "cl below the floor gives no limits");
	compute("i(clip=true,cl=1)", NULL, x, NULL, NULL, 10, SPC_IMPROVEMENT_NONE, NULL);
	CHECK(pts[0].lcl == 0 && pts[0].ucl > 1, "cl above the floor keeps its clipped limits");
	/* multiply: every displayed value, signals unchanged */
	compute("c(multiply=100)", "ihi", x, NULL, NULL, 10, SPC_IMPROVEMENT_NONE, &phase);
	memcpy(plain, pts, sizeof(plain));
	compute("c", "ihi", x, NULL, NULL, 10, SPC_IMPROVEMENT_NONE, NULL);
	CHECK(close_to(plain[2].y, 100 * pts[2].y, 1e-15) && close_to(plain[2].ucl, 100 * pts[2].ucl, 1e-15) &&
		  close_to(plain[2].sigma, 100 * pts[2].sigma, 1e-15) && plain[2].codes == pts[2].codes &&
		  close_to(phase.cl, 100 * pts[2].cl, 1e-15), "multiply scales y, limits, sigma and the phase");
}

static void
test_undirected_signals(void)
{
	double		x[30];

	/* alternating wide swings, then 20 points hugging the centre */
	for (int i = 0; i < 30; i++)
		x[i] = i < 10 ? 10 + 4 * (i % 2) : 12 + 0.1 * (i % 2);
	compute("i", "ihi", x, NULL, NULL, 30, SPC_IMPROVEMENT_UP, NULL);
	CHECK((pts[20].codes & SPC_BIT(SPC_CODE_IHI5)) && pts[20].variation == SPC_VARIATION_SPECIAL_CAUSE,
		  "hugging is a special cause without direction");
	CHECK(strcmp(spc_variation_name(SPC_VARIATION_SPECIAL_CAUSE), "special_cause") == 0, "special_cause named");
	x[25] = 40;
	compute("i", "ihi", x, NULL, NULL, 30, SPC_IMPROVEMENT_UP, NULL);
	CHECK(pts[25].variation == SPC_VARIATION_IMPROVEMENT, "a point above the limit still has its side");
}

static void
test_cumulative(void)
{
	static const double ev[] = {11, 13, 12};
	static const double cv[] = {1.5, 0.5, 0.6, -1.5, -0.5, -0.8};
	static const double up[] = {1, 1, 1.1, 0, 0, 0};
	static const double low[] = {0, 0, 0, -1, -1, -1.3};
	double		outcome[12],
				risk[12];
	SpcPoint	b[12];
	SpcPhase	phase;

	compute("ewma(cl=10,sigma=2,lambda=0.5,nsigma=2)", NULL, ev, NULL, NULL, 3, SPC_IMPROVEMENT_NONE, NULL);
	CLOSE(pts[2].y, 11.875, 1e-15, "ewma z3 (qcc test)");
	CLOSE(pts[1].sigma, sqrt(1.25), 1e-15, "ewma sigma2 (qcc test)");
	CLOSE(pts[2].ucl, 10 + 2 * sqrt(1.3125), 1e-15, "ewma ucl3 (qcc test)");
	compute("cusum(cl=0,sigma=1,h=1)", NULL, cv, NULL, NULL, 6, SPC_IMPROVEMENT_NONE, &phase);
	for (int i = 0; i < 6; i++)
	{
		CLOSE(pts[i].y, up[i], 1e-15, "cusum C+ (qcc test)");
		CLOSE(pts[i].y_lower, low[i], 1e-15, "cusum -C- (qcc test)");
	}
	CHECK(pts[2].codes == SPC_BIT(SPC_CODE_CUSUM_UPPER) && pts[5].codes == SPC_BIT(SPC_CODE_CUSUM_LOWER) &&
		  phase.sigma_signals == 2 && phase.runs_signal == false, "cusum signals by side");
	CHECK(!signbit(pts[0].y_lower), "no negative zero before a fall");
	/* estimated sigma of individual values: MR / 1.128, unscreened */
	compute("cusum", NULL, cv, NULL, NULL, 6, SPC_IMPROVEMENT_NONE, &phase);
	CLOSE(phase.sigma, (1.0 + 0.1 + 2.1 + 1.0 + 0.3) / 5 / 1.128, 1e-15, "cusum sigma = MR-bar/1.128");

	/* racusum at constant risk = bcusum at that p0 */
	for (int i = 0; i < 12; i++)
	{
		outcome[i] = (i % 4 == 1) || i == 7;
		risk[i] = 0.2;
	}
	compute("bcusum(p0=0.2,h=1)", NULL, outcome, NULL, NULL, 12, SPC_IMPROVEMENT_NONE, NULL);
	memcpy(b, pts, sizeof(b));
	compute("racusum(h=1)", NULL, outcome, risk, NULL, 12, SPC_IMPROVEMENT_NONE, NULL);
	{
		bool		same = true;

		for (int i = 0; i < 12; i++)
			same = same && close_to(b[i].y, pts[i].y, 1e-13) && close_to(b[i].y_lower, pts[i].y_lower, 1e-13) &&
				b[i].codes == pts[i].codes;
		CHECK(same, "racusum with every risk p0 is bcusum at p0");
	}
	/* restart after a signal: the next point starts from 0 */
	{
		bool		restarted = true;

		for (int i = 1; i < 12; i++)
			if (pts[i - 1].codes & SPC_BIT(SPC_CODE_CUSUM_UPPER))
				restarted = restarted && pts[i].y <= fmax(0.0, log(2.0) - log(1.2));
		CHECK(restarted, "the Bernoulli CUSUMs restart after a signal");
	}
	/* bcusum of a baseline rate 0: nothing to chart */
	for (int i = 0; i < 12; i++)
		outcome[i] = 0;
	compute("bcusum", NULL, outcome, NULL, NULL, 12, SPC_IMPROVEMENT_NONE, NULL);
	CHECK(isnan(pts[5].y) && pts[5].codes == 0, "bcusum with a baseline rate of 0 charts nothing");
	/* invalid rows: a risk of 1, an outcome of 0.5 */
	risk[3] = 1.0;
	outcome[4] = 0.5;
	compute("racusum", NULL, outcome, risk, NULL, 12, SPC_IMPROVEMENT_NONE, NULL);
	CHECK(pts[3].codes == SPC_BIT(SPC_CODE_INVALID) && pts[4].codes == SPC_BIT(SPC_CODE_INVALID) &&
		  !isnan(pts[5].y), "invalid cases are marked and skipped");
}

void
test_analyst(void)
{
	test_c4_exact();
	test_new_options();
	test_spec_valid();
	test_ratios_and_options();
	test_undirected_signals();
	test_cumulative();
}
