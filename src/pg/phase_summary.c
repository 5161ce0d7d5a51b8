/*
 * src/pg/phase_summary.c
 *
 * spc.phase_summary(chart, t, x [, n [, baseline, exclude]]), an aggregate
 * returning one phase's spc.phase (centre line, sigma, Laney sigma_z, counts,
 * trial flag, Anhoej runs analysis).  The time key t orders the rows and
 * rows with equal t form one subgroup, as peers do in spc.chart; since the
 * key travels with every row, partial states can be combined, and the
 * aggregate runs in parallel plans.
 */
#include "spc_pg.h"

#include "catalog/pg_type.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

/* Row flags. */
#define ROW_X_NULL	0x01
#define ROW_N_NULL	0x02
#define ROW_BASELINE 0x04
#define ROW_EXCLUDE 0x08
#define ROW_FLAGS	0x0F

typedef struct PhaseRow
{
	double		key;
	double		x;
	double		n;
	uint8		flags;
} PhaseRow;

typedef struct PhaseState
{
	SpcChartSpec spec;
	char	   *chart_text;		/* as given, to check that it does not change;
								 * NULL after deserialisation */
	int64		nrows;
	int64		capacity;
	PhaseRow   *rows;
} PhaseState;

/* Serialised format version, first word of the bytea. */
#define PHASE_STATE_VERSION 1

static PhaseState *
new_state(MemoryContext mcxt, int64 capacity)
{
	PhaseState *state = MemoryContextAllocZero(mcxt, sizeof(PhaseState));

	state->capacity = Max(capacity, 16);
	state->rows = MemoryContextAllocHuge(mcxt, state->capacity * sizeof(PhaseRow));
	return state;
}

static void
reserve_rows(PhaseState *state, int64 needed)
{
	if (needed <= state->capacity)
		return;
	while (state->capacity < needed)
		state->capacity *= 2;
	state->rows = repalloc_huge(state->rows, mul_size(state->capacity, sizeof(PhaseRow)));
}

/*
 * Transition: argument 1 is the state, 2 the chart, 3 the time key (already
 * converted to double by the caller), then x, n, baseline, exclude as given.
 */
static Datum
phase_accum(FunctionCallInfo fcinfo, double key, bool key_isnull)
{
	MemoryContext aggcontext = SpcAggregateContext(fcinfo, "spc.phase_summary");
	PhaseState *state = PG_ARGISNULL(0) ? NULL : (PhaseState *) PG_GETARG_POINTER(0);
	int			nargs = PG_NARGS();
	PhaseRow   *row;
	char	   *chart;

	if (PG_ARGISNULL(1))
		SpcReportNullArgument("chart");
	chart = text_to_cstring(PG_GETARG_TEXT_PP(1));
	if (state == NULL)
	{
		SpcChartSpec spec;

		SpcParseChartArg(chart, &spec);
		SpcCheckPhaseSummaryChart(&spec);
		if (nargs < 5 && spc_chart_needs_n(spec.type))
			SpcReportMissingN(spec.type);
		state = new_state(aggcontext, 64);
		state->spec = spec;
		state->chart_text = MemoryContextStrdup(aggcontext, chart);
	}
	else if (state->chart_text && strcmp(state->chart_text, chart) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument chart changes within a group of spc.phase_summary: \"%s\" and \"%s\"",
						state->chart_text, chart),
				 errhint("Use one chart type per phase, or group by the chart type.")));
	pfree(chart);

	/* A row without a time key has no place in the series. */
	if (key_isnull || isnan(key))
		PG_RETURN_POINTER(state);

	reserve_rows(state, state->nrows + 1);
	row = &state->rows[state->nrows++];
	row->key = key;
	row->flags = 0;
	row->x = PG_ARGISNULL(3) ? 0.0 : PG_GETARG_FLOAT8(3);
	if (PG_ARGISNULL(3))
		row->flags |= ROW_X_NULL;
	row->n = (nargs < 5 || PG_ARGISNULL(4)) ? 0.0 : PG_GETARG_FLOAT8(4);
	if (nargs < 5 || PG_ARGISNULL(4))
		row->flags |= ROW_N_NULL;
	if (nargs < 6 || PG_ARGISNULL(5) || PG_GETARG_BOOL(5))
		row->flags |= ROW_BASELINE;
	if (nargs >= 7 && !PG_ARGISNULL(6) && PG_GETARG_BOOL(6))
		row->flags |= ROW_EXCLUDE;
	PG_RETURN_POINTER(state);
}

PG_FUNCTION_INFO_V1(spc_phase_accum_timestamptz);

/* Transition with a timestamptz (or date) key. */
Datum
spc_phase_accum_timestamptz(PG_FUNCTION_ARGS)
{
	bool		isnull = PG_ARGISNULL(2);

	return phase_accum(fcinfo, isnull ? 0.0 : (double) PG_GETARG_TIMESTAMPTZ(2), isnull);
}

PG_FUNCTION_INFO_V1(spc_phase_accum_float8);

/* Transition with a numeric key (week number, index). */
Datum
spc_phase_accum_float8(PG_FUNCTION_ARGS)
{
	bool		isnull = PG_ARGISNULL(2);

	return phase_accum(fcinfo, isnull ? 0.0 : PG_GETARG_FLOAT8(2), isnull);
}

static bool
same_spec(const SpcChartSpec *a, const SpcChartSpec *b)
{
	return a->type == b->type && a->method == b->method &&
		a->screen == b->screen && a->clip == b->clip;
}

static PhaseState *
copy_state(MemoryContext mcxt, const PhaseState *src)
{
	PhaseState *state = new_state(mcxt, src->nrows);

	state->spec = src->spec;
	state->chart_text = src->chart_text ? MemoryContextStrdup(mcxt, src->chart_text) : NULL;
	state->nrows = src->nrows;
	memcpy(state->rows, src->rows, src->nrows * sizeof(PhaseRow));
	return state;
}

PG_FUNCTION_INFO_V1(spc_phase_combine);

/* Combine two partial states: the rows of both. */
Datum
spc_phase_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = SpcAggregateContext(fcinfo, "spc_phase_combine");
	PhaseState *a = PG_ARGISNULL(0) ? NULL : (PhaseState *) PG_GETARG_POINTER(0);
	PhaseState *b = PG_ARGISNULL(1) ? NULL : (PhaseState *) PG_GETARG_POINTER(1);

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
		PG_RETURN_POINTER(copy_state(aggcontext, b));
	if (!same_spec(&a->spec, &b->spec))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument chart changes within a group of spc.phase_summary"),
				 errhint("Use one chart type per phase, or group by the chart type.")));
	reserve_rows(a, a->nrows + b->nrows);
	memcpy(a->rows + a->nrows, b->rows, b->nrows * sizeof(PhaseRow));
	a->nrows += b->nrows;
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(spc_phase_serialize);

/* Flat bytea: version, chart spec, row count, rows. */
Datum
spc_phase_serialize(PG_FUNCTION_ARGS)
{
	PhaseState *state = (PhaseState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	(void) SpcAggregateContext(fcinfo, "spc_phase_serialize");
	pq_begintypsend(&buf);
	pq_sendint32(&buf, PHASE_STATE_VERSION);
	pq_sendint32(&buf, (int32) state->spec.type);
	pq_sendint32(&buf, (int32) state->spec.method);
	pq_sendbyte(&buf, state->spec.screen);
	pq_sendbyte(&buf, state->spec.clip);
	pq_sendint64(&buf, state->nrows);
	for (int64 i = 0; i < state->nrows; i++)
	{
		pq_sendfloat8(&buf, state->rows[i].key);
		pq_sendfloat8(&buf, state->rows[i].x);
		pq_sendfloat8(&buf, state->rows[i].n);
		pq_sendbyte(&buf, state->rows[i].flags);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static void
report_bad_state(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid spc.phase_summary state")));
}

PG_FUNCTION_INFO_V1(spc_phase_deserialize);

/* Rebuild a state from spc_phase_serialize's bytea, checking everything. */
Datum
spc_phase_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = SpcAggregateContext(fcinfo, "spc_phase_deserialize");
	bytea	   *bytes = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	PhaseState *state;
	int32		type,
				method;
	int64		nrows;
	const int64 row_bytes = 3 * sizeof(double) + 1;

	SpcStateReader(&buf, bytes);
	if (buf.len < 4 + 4 + 4 + 1 + 1 + 8 || pq_getmsgint(&buf, 4) != PHASE_STATE_VERSION)
		report_bad_state();
	type = pq_getmsgint(&buf, 4);
	method = pq_getmsgint(&buf, 4);
	if (type < 0 || type >= SPC_CHART_COUNT || (method != SPC_METHOD_QICHARTS2 &&
												method != SPC_METHOD_QCC))
		report_bad_state();
	state = new_state(aggcontext, 0);
	spc_chart_spec_init(&state->spec, (SpcChartType) type);
	state->spec.method = (SpcMethod) method;
	state->spec.screen = pq_getmsgbyte(&buf) != 0;
	state->spec.clip = pq_getmsgbyte(&buf) != 0;
	nrows = pq_getmsgint64(&buf);
	if (nrows < 0 || nrows > (buf.len - buf.cursor) / row_bytes ||
		nrows * row_bytes != buf.len - buf.cursor)
		report_bad_state();
	reserve_rows(state, nrows);
	for (int64 i = 0; i < nrows; i++)
	{
		PhaseRow   *row = &state->rows[i];

		row->key = pq_getmsgfloat8(&buf);
		row->x = pq_getmsgfloat8(&buf);
		row->n = pq_getmsgfloat8(&buf);
		row->flags = (uint8) pq_getmsgbyte(&buf) & ROW_FLAGS;
	}
	state->nrows = nrows;
	pq_getmsgend(&buf);
	PG_RETURN_POINTER(state);
}

/*
 * A total order (key, then x, n, flags), so that peers are summed in the same
 * order however partial states were combined: parallel answers are identical
 * to serial ones to the last bit.
 */
static int
compare_rows(const void *a, const void *b)
{
	const PhaseRow *r = (const PhaseRow *) a;
	const PhaseRow *s = (const PhaseRow *) b;

	if (r->key != s->key)
		return r->key < s->key ? -1 : 1;
	if (r->x != s->x)
		return r->x < s->x ? -1 : 1;
	if (r->n != s->n)
		return r->n < s->n ? -1 : 1;
	return (int) r->flags - (int) s->flags;
}

PG_FUNCTION_INFO_V1(spc_phase_final);

/* Sort by key, form subgroups of equal keys, compute the phase. */
Datum
spc_phase_final(PG_FUNCTION_ARGS)
{
	PhaseState *state = PG_ARGISNULL(0) ? NULL : (PhaseState *) PG_GETARG_POINTER(0);
	SpcChartType chart;
	SpcSubgroup *subgroups;
	SpcPoint   *points;
	SpcRules	rules;
	SpcPhase	phase;
	SpcAccum	acc;
	size_t		nsub = 0;
	size_t		scratch_size;
	Datum		result;
	MemoryContext work,
				old;

	(void) SpcAggregateContext(fcinfo, "spc_phase_final");
	if (state == NULL || state->nrows == 0)
		PG_RETURN_NULL();
	chart = state->spec.type;

	work = AllocSetContextCreate(CurrentMemoryContext, "spc.phase_summary final",
								 ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(work);
	/* Sort a copy: a final function must not change the state. */
	{
		PhaseRow   *rows = palloc_extended(mul_size(state->nrows, sizeof(PhaseRow)),
										   MCXT_ALLOC_HUGE);

		memcpy(rows, state->rows, state->nrows * sizeof(PhaseRow));
		qsort(rows, state->nrows, sizeof(PhaseRow), compare_rows);
		subgroups = palloc_extended(mul_size(state->nrows, sizeof(SpcSubgroup)),
									MCXT_ALLOC_HUGE);
		spc_accum_init(&acc);
		for (int64 i = 0; i < state->nrows; i++)
		{
			const PhaseRow *row = &rows[i];

			CHECK_FOR_INTERRUPTS();
			if (i > 0 && row->key != rows[i - 1].key)
			{
				spc_subgroup_finish(&acc, chart, &subgroups[nsub++]);
				spc_accum_init(&acc);
			}
			spc_accum_row(&acc, chart, row->x, (row->flags & ROW_X_NULL) != 0,
						  row->n, (row->flags & ROW_N_NULL) != 0,
						  (row->flags & ROW_BASELINE) != 0,
						  (row->flags & ROW_EXCLUDE) != 0);
		}
		spc_subgroup_finish(&acc, chart, &subgroups[nsub++]);
	}
	points = palloc_extended(mul_size(nsub, sizeof(SpcPoint)), MCXT_ALLOC_HUGE);
	scratch_size = spc_scratch_size(nsub);
	if (scratch_size == 0)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("phase of %lld rows is too large for spc.phase_summary",
						(long long) state->nrows)));
	spc_default_rules(chart, &rules);
	spc_compute(&state->spec, &rules, SPC_IMPROVEMENT_NONE, subgroups, nsub,
				points, &phase, palloc_extended(scratch_size, MCXT_ALLOC_HUGE));
	MemoryContextSwitchTo(old);

	result = SpcPhaseDatum(SpcResultTupleDesc(fcinfo, CurrentMemoryContext), &phase);
	MemoryContextDelete(work);
	PG_RETURN_DATUM(result);
}
