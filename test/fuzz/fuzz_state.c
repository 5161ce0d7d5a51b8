/*
 * test/fuzz/fuzz_state.c
 *
 * libFuzzer target: the chart spec and rows of an spc.phase_state as its
 * binary form carries them (src/pg/phase_summary.c, receive_state): after
 * the version word, type and method (int32), screen and clip (one byte
 * each), freeze (int32), cl, multiply, sigma, lambda, nsigma, k, h, or and
 * p0 (float8), all big-endian, then rows of key, x, n (float8) and flags.
 * spc_chart_spec_valid decides, as the state's input functions do, whether
 * the spec could have come from a chart argument; whatever it lets through
 * must compute without a crash, keep the answer's invariants, and be a spec
 * equal to itself.  (The hex and varlena framing is PostgreSQL's, covered by
 * the pg_regress suites agg_state and phase_summary_options.)
 */
#include "compute.h"
#include "fuzz_check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROWS 512
#define HEADER_BYTES (4 + 4 + 1 + 1 + 4 + 9 * 8)
#define ROW_BYTES (3 * 8 + 1)

/* Row flags, as in the state. */
#define ROW_X_NULL	0x01
#define ROW_N_NULL	0x02
#define ROW_BASELINE 0x04
#define ROW_EXCLUDE 0x08

typedef struct Row
{
	double		key,
				x,
				n;
	uint8_t		flags;
} Row;

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

static double
get_double(const uint8_t *p)
{
	uint64_t	bits = (uint64_t) get32(p) << 32 | get32(p + 4);
	double		v;

	memcpy(&v, &bits, sizeof(v));
	return v;
}

/* The state's order: key, then x, n, flags. */
static int
compare_rows(const void *a, const void *b)
{
	const Row  *r = a,
			   *s = b;

	if (r->key != s->key)
		return r->key < s->key ? -1 : 1;
	if (r->x != s->x)
		return r->x < s->x ? -1 : 1;
	if (r->n != s->n)
		return r->n < s->n ? -1 : 1;
	return (int) r->flags - (int) s->flags;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	SpcChartSpec spec;
	SpcRules	rules;
	SpcPhase	phase;
	static Row	rows[MAX_ROWS];
	static SpcSubgroup sg[MAX_ROWS];
	static SpcPoint pt[MAX_ROWS];
	static double scratch[(MAX_ROWS * (4 * sizeof(double) + 2 * sizeof(size_t) + 3) + 64) / sizeof(double) + 1];
	SpcAccum	acc;
	size_t		nrows = 0,
				nsub = 0;
	int32_t		type;

	if (size < HEADER_BYTES)
		return 0;
	type = (int32_t) get32(data);
	/* the state's reader refuses a type out of range before anything else */
	if (type < 0 || type >= SPC_CHART_COUNT)
		return 0;
	spc_chart_spec_init(&spec, (SpcChartType) type);
	spec.method = (SpcMethod) (int32_t) get32(data + 4);
	spec.screen = data[8] != 0;
	spec.clip = data[9] != 0;
	spec.freeze = (int32_t) get32(data + 10);
	spec.cl = get_double(data + 14);
	spec.multiply = get_double(data + 22);
	spec.sigma = get_double(data + 30);
	spec.lambda = get_double(data + 38);
	spec.nsigma = get_double(data + 46);
	spec.k = get_double(data + 54);
	spec.h = get_double(data + 62);
	spec.odds_ratio = get_double(data + 70);
	spec.p0 = get_double(data + 78);
	if (!spc_chart_spec_valid(&spec))
		return 0;
	check(spc_chart_spec_equal(&spec, &spec), "a valid spec equals itself");
	check(spc_scratch_size(MAX_ROWS) <= sizeof(scratch), "scratch large enough");

	for (size_t off = HEADER_BYTES; off + ROW_BYTES <= size && nrows < MAX_ROWS; off += ROW_BYTES)
	{
		Row		   *row = &rows[nrows];

		row->key = get_double(data + off);
		row->x = get_double(data + off + 8);
		row->n = get_double(data + off + 16);
		row->flags = data[off + 24] & 0x0F;
		/* the reader refuses a NaN key */
		if (isnan(row->key))
			return 0;
		nrows++;
	}
	if (nrows == 0)
		return 0;
	qsort(rows, nrows, sizeof(Row), compare_rows);
	spc_accum_init(&acc);
	spc_accum_configure(&acc, &spec);
	for (size_t i = 0; i < nrows; i++)
	{
		if (i > 0 && rows[i].key != rows[i - 1].key)
		{
			spc_subgroup_finish(&acc, spec.type, &sg[nsub++]);
			spc_accum_init(&acc);
			spc_accum_configure(&acc, &spec);
		}
		spc_accum_row(&acc, spec.type, &(SpcRow) {
						  .x = rows[i].x,
						  .n = rows[i].n,
						  .x_isnull = rows[i].flags & ROW_X_NULL,
						  .n_isnull = rows[i].flags & ROW_N_NULL,
						  .baseline = rows[i].flags & ROW_BASELINE,
						  .exclude = rows[i].flags & ROW_EXCLUDE,
					  });
	}
	spc_subgroup_finish(&acc, spec.type, &sg[nsub++]);
	spc_default_rules(spec.type, &rules);
	spc_compute(&spec, &rules, SPC_IMPROVEMENT_NONE, sg, nsub, pt, &phase, scratch);

	check(phase.n_subgroups == (int) nsub, "n_subgroups");
	check(phase.n_baseline <= phase.n_subgroups && phase.n_obs <= phase.n_subgroups, "counts");
	check(phase.sigma_signals >= 0 && phase.sigma_signals <= phase.n_subgroups, "signals counted once");
	check(isnan(phase.cl) || isfinite(phase.cl), "finite centre line");
	check(isnan(phase.sigma) || isfinite(phase.sigma), "finite sigma");
	check((isnan(phase.avg_lcl) || isfinite(phase.avg_lcl)) && (isnan(phase.avg_ucl) || isfinite(phase.avg_ucl)),
		  "finite mean limits");
	for (size_t i = 0; i < nsub; i++)
	{
		const SpcPoint *p = &pt[i];

		check((p->codes >> SPC_CODE_COUNT) == 0, "codes in range");
		check(isnan(p->lcl) || isnan(p->ucl) || p->lcl <= p->ucl, "lcl <= ucl");
		check((isnan(p->y) || isfinite(p->y)) && (isnan(p->cl) || isfinite(p->cl)) &&
			  (isnan(p->lcl) || isfinite(p->lcl)) && (isnan(p->ucl) || isfinite(p->ucl)),
			  "no infinite value or limit");
	}
	return 0;
}
