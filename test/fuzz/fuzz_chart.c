/*
 * test/fuzz/fuzz_chart.c
 *
 * libFuzzer target: arbitrary bytes drive a chart type and options, rule
 * presets and lengths, and a partition of rows (raw doubles: NaN, infinities,
 * denormals and huge values included; flags: NULL x or n, baseline, exclude,
 * peer of the previous row).  The core must not crash, and its answer must
 * keep its invariants.
 */
#include "compute.h"
#include "svg.h"
#include "fuzz_check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROWS 512
#define ROW_BYTES 17

static const char *const charts[] = {
	"run", "i", "i(screen=false)", "i(clip=true)", "mr", "xbar", "xbar(method=qcc)", "s",
	"s(method=qcc)", "r", "p", "np", "c", "u", "pp", "pp(screen=false)", "up", "g", "g(method=qcc)",
	"t", "t(screen=false)", "xmr(freeze=5,multiply=100)", "p(cl=0.3,freeze=3)", "run(cl=5)",
	"g(cl=10)", "t(cl=3)", "xbar(cl=0,multiply=0.001)", "s(cl=1)", "u(freeze=1)",
	"ewma", "ewma(lambda=0.05,nsigma=2.7,freeze=4)", "ewma(cl=0,sigma=1,lambda=1)",
	"cusum", "cusum(k=0,h=0.5)", "cusum(cl=10,sigma=2,multiply=1e-300)",
	"bcusum", "bcusum(p0=0.01,or=0.5)", "bcusum(freeze=10,h=0.1)",
	"racusum", "racusum(or=3,h=2)", "racusum(or=0.25,h=1e6)"
};

static void *
grow(void *ctx, void *old, size_t size)
{
	(void) ctx;
	return realloc(old, size);
}

static void
release(void *ctx, void *block)
{
	(void) ctx;
	free(block);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	SpcChartSpec spec;
	SpcRules	rules;
	SpcPhase	phase;
	char		bad[SPC_PARSE_ERR_LEN];
	char		rules_text[160];
	SpcSubgroup sg[MAX_ROWS];
	SpcPoint	pt[MAX_ROWS];
	static double scratch[(MAX_ROWS * (4 * sizeof(double) + 2 * sizeof(size_t) + 3) + 64) / sizeof(double) + 1];
	SpcAccum	acc;
	size_t		nsub = 0;
	size_t		nrows;
	SpcImprovement improvement;
	bool		any_ratio = false;

	if (size < 4)
		return 0;
	improvement = (SpcImprovement) (data[3] % 4);
	/* an option value out of range is a parse error, which is fine here */
	if (spc_parse_chart(charts[data[0] % (sizeof(charts) / sizeof(charts[0]))], &spec, bad, sizeof(bad)) != SPC_PARSE_OK)
		return 0;
	check(spc_scratch_size(MAX_ROWS) <= sizeof(scratch), "scratch large enough");
	snprintf(rules_text, sizeof(rules_text),
			 "ihi(shift=%d,trend=%d,within=%d),we(shift=%d),nelson(alternating=%d,beyond=%d),nhs(trend=%d),anhoej",
			 2 + data[1] % 12, 3 + data[1] % 9, 2 + data[2] % 16, 2 + data[2] % 10,
			 2 + data[3] % 15, 2 + data[3] % 9, 3 + data[1] % 7);
	if (spc_parse_rules((data[2] & 0x80) ? rules_text : "none", spec.type, &rules, bad, sizeof(bad)) != SPC_PARSE_OK)
		abort();
	if (data[2] & 0x40)
		spc_default_rules(spec.type, &rules);

	data += 4;
	size -= 4;
	nrows = size / ROW_BYTES;
	if (nrows > MAX_ROWS)
		nrows = MAX_ROWS;
	spc_accum_init(&acc);
	spc_accum_configure(&acc, &spec);
	for (size_t i = 0; i < nrows; i++)
	{
		const uint8_t *row = data + i * ROW_BYTES;
		double		x,
					n;
		uint8_t		flags = row[16];

		memcpy(&x, row, sizeof(double));
		memcpy(&n, row + 8, sizeof(double));
		/* low bits pick small integers, so realistic series are reachable */
		if (flags & 0x20)
		{
			x = (double) (row[0] % 50);
			n = (double) (row[8] % 60);
		}
		if (i > 0 && !(flags & 0x10))
		{
			spc_subgroup_finish(&acc, spec.type, &sg[nsub++]);
			spc_accum_init(&acc);
			spc_accum_configure(&acc, &spec);
		}
		spc_accum_row(&acc, spec.type, &(SpcRow) {
						  .x = x, .n = n, .x_isnull = flags & 0x01, .n_isnull = flags & 0x02,
						  .baseline = !(flags & 0x04), .exclude = flags & 0x08,
					  });
	}
	if (nrows > 0)
		spc_subgroup_finish(&acc, spec.type, &sg[nsub++]);

	spc_compute(&spec, &rules, improvement, sg, nsub, pt, &phase, scratch);

	check(phase.n_subgroups == (int) nsub, "n_subgroups");
	check(phase.n_baseline <= phase.n_subgroups && phase.n_obs <= phase.n_subgroups, "counts");
	check(phase.n_useful <= phase.n_obs && phase.longest_run <= phase.n_useful, "runs counts");
	for (size_t i = 0; i < nsub; i++)
		any_ratio = any_ratio || sg[i].ratio;
	for (size_t i = 0; i < nsub; i++)
	{
		const SpcPoint *p = &pt[i];
		bool		cusum = spc_chart_is_cumulative(spec.type) && spec.type != SPC_CHART_EWMA;

		check((p->codes >> SPC_CODE_COUNT) == 0, "codes in range");
		check(isnan(p->lcl) || isnan(p->ucl) || p->lcl <= p->ucl, "lcl <= ucl");
		check(isnan(p->sigma) || (p->sigma > 0 && isfinite(p->sigma)) || spec.multiply != 1.0, "sigma positive");
		check(cusum || isnan(p->y_lower), "y_lower only on the CUSUMs");
		check(!cusum || spec.multiply != 1.0 || isnan(p->y) || (p->y >= 0 && p->y_lower <= 0),
			  "CUSUMs: y >= 0 >= y_lower");
		check(isnan(p->cl) || isfinite(p->cl), "finite centre line");
		check((isnan(p->y) || isfinite(p->y)) && (isnan(p->y_lower) || isfinite(p->y_lower)) &&
			  (isnan(p->lcl) || isfinite(p->lcl)) && (isnan(p->ucl) || isfinite(p->ucl)),
			  "no infinite value or limit");
		if (sg[i].status == SPC_STATUS_INVALID)
			check(isnan(p->y) && (p->codes & SPC_BIT(SPC_CODE_INVALID)), "invalid point");
		else
			check(!(p->codes & SPC_BIT(SPC_CODE_INVALID)) || (any_ratio && !sg[i].ratio),
				  "valid point not invalid (but for a value without n among ratios)");
		check(!isnan(p->y) || p->variation == SPC_VARIATION_NONE, "no variation without y");
	}

	/* the same points drawn as SVG: a whole document, no nan or inf in it */
	{
		static SpcSvgPoint svg_points[MAX_ROWS];
		SpcSvgChart chart = {.title = "fuzz <&> \"chart\"", .unit = "unit", .goal = nsub > 0 ? pt[0].cl : NAN};
		SpcStr		out = {NULL, 0, 0, grow, NULL, false, release};

		for (size_t i = 0; i < nsub; i++)
		{
			svg_points[i] = (SpcSvgPoint) {
				.t = (double) i * 7.0 - 3000.0, .y = pt[i].y, .cl = pt[i].cl, .lcl = pt[i].lcl,
				.ucl = pt[i].ucl, .sigma = pt[i].sigma, .signal = pt[i].codes != 0,
				.variation = pt[i].variation, .phase = (int) (i / 40),
				.phase_label = (i % 40 == 0) ? "phase <1>" : NULL,
				.signals = pt[i].codes ? "ihi1" : NULL, .annotation = (i % 17 == 3) ? "PDSA & co" : NULL
			};
		}
		check(spc_svg_render(&chart, svg_points, nsub, &out), "svg rendered");
		check(out.len > 12 && strncmp(out.data, "<svg ", 5) == 0 &&
			  strcmp(out.data + out.len - 7, "</svg>\n") == 0, "svg document framing");
		check(strstr(out.data, "nan") == NULL && strstr(out.data, "inf") == NULL, "no nan or inf in svg");

		/* as sample numbers, per cent, narrow; and as a grid of two facets */
		{
			SpcSvgFacet facets[2] = {
				{"a", svg_points, nsub / 2, NAN}, {"b <&>", svg_points + nsub / 2, nsub - nsub / 2, 0.5}
			};

			chart.axis = SPC_SVG_AXIS_NUMBER;
			chart.percent = true;
			chart.scale = 100;
			chart.width = 200;
			chart.height = 120;
			out.len = 0;
			check(spc_svg_render(&chart, svg_points, nsub, &out), "svg rendered (numbers)");
			check(strstr(out.data, "nan") == NULL && strstr(out.data, "inf") == NULL, "no nan or inf in svg (numbers)");
			chart.axis = SPC_SVG_AXIS_TIME;
			out.len = 0;
			check(spc_svg_render_grid(&chart, facets, 2, 0, nsub % 2 == 0, &out), "grid rendered");
			check(strstr(out.data, "nan") == NULL && strstr(out.data, "inf") == NULL, "no nan or inf in grid");
		}
		free(out.data);
	}
	return 0;
}
