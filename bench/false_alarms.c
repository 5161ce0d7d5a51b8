/*
 * bench/false_alarms.c
 *
 * Which rule set should control charts use by default?  A simulation through
 * the core itself (not a test: it asserts nothing; `make false-alarms` prints
 * the table docs/rules.md quotes).  Per chart type and rule set:
 *
 *   - false alarms: the share of in-control series of 26 and 52 points (limits
 *     estimated from the series itself, as an analyst does) with a signal
 *     anywhere;
 *   - run length: limits from 26 in-control points, then the process mean
 *     shifts by 1.5 sigma; the points after the shift are added one at a time
 *     (as weeks arrive) and the chart is recomputed each time, until a point
 *     after the shift signals.  Median and mean over the series, capped at
 *     CAP points (a series that never signals counts as CAP).
 *
 * Every rule set is read off one computation with all presets enabled: each
 * rule sets its own codes.  Deterministic: a fixed seed, its own generator.
 */
#include "compute.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SERIES 4000				/* in-control series per chart and length */
#define SHIFTED 1000			/* shifted series per chart */
#define BASE 26
#define CAP 60

/* xorshift64*: small, fast, the same everywhere */
static uint64_t rng_state = 0x5DEECE66DULL * 2026u + 11u;

static double
uniform(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return ((rng_state * 2685821657736338717ULL) >> 11) * (1.0 / 9007199254740992.0);
}

static double
normal(void)
{
	double		u1 = uniform(),
				u2 = uniform();

	if (u1 < 1e-300)
		u1 = 1e-300;
	return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

static double
poisson(double lambda)
{
	/* Knuth's product of uniforms; lambda stays below 40 here */
	double		limit = exp(-lambda),
				prod = uniform();
	int			k = 0;

	while (prod > limit)
	{
		k++;
		prod *= uniform();
	}
	return k;
}

static double
binomial(int n, double p)
{
	int			k = 0;

	for (int i = 0; i < n; i++)
		k += uniform() < p;
	return k;
}

typedef struct Model
{
	const char *label;
	const char *chart;
	double		mean;			/* in-control parameter */
	double		shift;			/* the parameter after a 1.5-sigma shift */
	int			size;			/* xbar: subgroup size */
} Model;

/* sigma per point at the typical n, so that 1.5 sigma is the same shift the chart sees */
static const Model models[] = {
	{"i (normal values)", "i", 0.0, 1.5, 1},
	{"xbar (n = 5)", "xbar", 0.0, 1.5 / 2.2360679774997898, 5},	/* 1.5 sigma of the means */
	{"p (p = 0.2, n 50-150)", "p", 0.2, 0.2 + 1.5 * 0.04, 0},	/* sigma at n = 100 */
	{"u (20 per unit, exposure 0.5-1.5)", "u", 20.0, 20.0 + 1.5 * 4.4721359549995796, 0},
	{"c (mean 10)", "c", 10.0, 10.0 + 1.5 * 3.1622776601683795, 0},
	{"c (mean 1, rare events)", "c", 1.0, 2.5, 0},
};

typedef struct RuleSet
{
	const char *label;
	uint32_t	codes;
} RuleSet;

#define B(c) SPC_BIT(SPC_CODE_##c)
static const RuleSet rule_sets[] = {
	{"limits (3 sigma only)", B(LIMITS)},
	{"limits + anhoej (qicharts2; the default since 0.2.0)", B(LIMITS) | B(ANHOEJ_RUN) | B(ANHOEJ_CROSSINGS)},
	{"ihi (5 rules, 0.1.0 default)", B(IHI1) | B(IHI2) | B(IHI3) | B(IHI4) | B(IHI5)},
	{"we (Western Electric)", B(WE1) | B(WE2) | B(WE3) | B(WE4)},
	{"nelson (8 tests)", B(NELSON1) | B(NELSON2) | B(NELSON3) | B(NELSON4) | B(NELSON5) |
	B(NELSON6) | B(NELSON7) | B(NELSON8)},
	{"nhs (Making Data Count)", B(NHS1) | B(NHS2) | B(NHS3) | B(NHS4)},
};
#define N_MODELS (sizeof(models) / sizeof(models[0]))
#define N_RULES (sizeof(rule_sets) / sizeof(rule_sets[0]))

/* One subgroup of the model at parameter theta. */
static void
draw(const Model *m, double theta, SpcChartType type, SpcSubgroup *sg)
{
	SpcAccum	acc;

	spc_accum_init(&acc);
	if (type == SPC_CHART_XBAR)
		for (int k = 0; k < m->size; k++)
			spc_accum_row(&acc, type, &(SpcRow) {.x = theta + normal(), .n_isnull = true, .baseline = true});
	else if (type == SPC_CHART_I)
		spc_accum_row(&acc, type, &(SpcRow) {.x = theta + normal(), .n_isnull = true, .baseline = true});
	else if (type == SPC_CHART_P)
	{
		int			n = 50 + (int) (uniform() * 101);

		spc_accum_row(&acc, type, &(SpcRow) {.x = binomial(n, theta), .n = n, .baseline = true});
	}
	else if (type == SPC_CHART_U)
	{
		double		n = 0.5 + uniform();

		spc_accum_row(&acc, type, &(SpcRow) {.x = poisson(theta * n), .n = n, .baseline = true});
	}
	else
		spc_accum_row(&acc, type, &(SpcRow) {.x = poisson(theta), .n_isnull = true, .baseline = true});
	spc_subgroup_finish(&acc, type, sg);
}

static int
compare_int(const void *a, const void *b)
{
	return *(const int *) a - *(const int *) b;
}

int
main(void)
{
	SpcRules	rules;
	char		bad[SPC_PARSE_ERR_LEN];
	SpcSubgroup sg[BASE + CAP + 52];
	SpcPoint	pt[BASE + CAP + 52];
	static double scratch[1 << 17];
	static int	run_length[N_RULES][SHIFTED];

	printf("| chart | rule set | false alarms, 26 points | false alarms, 52 points | "
		   "points to detect a 1.5-sigma shift: median (mean) |\n|---|---|---|---|---|\n");
	for (size_t mi = 0; mi < N_MODELS; mi++)
	{
		const Model *m = &models[mi];
		SpcChartSpec spec;
		int			alarms[2][N_RULES] = {{0}};
		const int	lengths[2] = {26, 52};

		if (spc_parse_chart(m->chart, &spec, bad, sizeof(bad)) != SPC_PARSE_OK ||
			spc_parse_rules("limits,ihi,we,nelson,nhs,anhoej", spec.type, &rules, bad, sizeof(bad)) != SPC_PARSE_OK)
			return 1;

		/* false alarms */
		for (int li = 0; li < 2; li++)
			for (int s = 0; s < SERIES; s++)
			{
				uint32_t	any = 0;

				for (int i = 0; i < lengths[li]; i++)
					draw(m, m->mean, spec.type, &sg[i]);
				spc_compute(&spec, &rules, SPC_IMPROVEMENT_NONE, sg, lengths[li], pt, NULL, scratch);
				for (int i = 0; i < lengths[li]; i++)
					any |= pt[i].codes;
				for (size_t r = 0; r < N_RULES; r++)
					alarms[li][r] += (any & rule_sets[r].codes) != 0;
			}

		/* run length after a shift, the points arriving one at a time */
		for (int s = 0; s < SHIFTED; s++)
		{
			int			found[N_RULES];
			int			left = N_RULES;

			for (size_t r = 0; r < N_RULES; r++)
				found[r] = 0;
			for (int i = 0; i < BASE; i++)
				draw(m, m->mean, spec.type, &sg[i]);
			for (int k = 1; k <= CAP && left > 0; k++)
			{
				uint32_t	after = 0;

				draw(m, m->shift, spec.type, &sg[BASE + k - 1]);
				sg[BASE + k - 1].baseline = false;
				spc_compute(&spec, &rules, SPC_IMPROVEMENT_NONE, sg, BASE + k, pt, NULL, scratch);
				for (int i = BASE; i < BASE + k; i++)
					after |= pt[i].codes;
				for (size_t r = 0; r < N_RULES; r++)
					if (!found[r] && (after & rule_sets[r].codes))
					{
						found[r] = k;
						left--;
					}
			}
			for (size_t r = 0; r < N_RULES; r++)
				run_length[r][s] = found[r] ? found[r] : CAP;
		}

		for (size_t r = 0; r < N_RULES; r++)
		{
			double		mean = 0;

			for (int s = 0; s < SHIFTED; s++)
				mean += run_length[r][s];
			mean /= SHIFTED;
			qsort(run_length[r], SHIFTED, sizeof(int), compare_int);
			printf("| %s | %s | %.1f %% | %.1f %% | %d (%.1f) |\n", m->label, rule_sets[r].label,
				   100.0 * alarms[0][r] / SERIES, 100.0 * alarms[1][r] / SERIES,
				   run_length[r][SHIFTED / 2], mean);
		}
	}
	printf("\n%d in-control series per chart and length; %d shifted series per chart "
		   "(limits from %d points, run length capped at %d).\n", SERIES, SHIFTED, BASE, CAP);
	return 0;
}
