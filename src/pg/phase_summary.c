/*
 * src/pg/phase_summary.c
 *
 * spc.phase_summary(chart, t, x [, n [, baseline, exclude]]), an aggregate
 * returning one phase's spc.phase (centre line, sigma, Laney sigma_z, counts,
 * trial flag, Anhoej runs analysis).  The time key t orders the rows and
 * rows with equal t form one subgroup, as peers do in spc.chart; since the
 * key travels with every row, partial states can be combined, and the
 * aggregate runs in parallel plans.
 *
 * From 0.2.0 the state is the type spc.phase_state (not internal), so that
 * Citus can aggregate partially on the workers and combine on the
 * coordinator: while a group is aggregated it is an expanded object (rows
 * appended in place), stored or sent it is a flat varlena, and its text form
 * is the hex of its binary form, so it round-trips bit for bit whatever
 * extra_float_digits says.  The 0.1.0 entry points (internal state with
 * serialise/deserialise) stay for databases still at 0.1.0.
 *
 * Why one file of this length: both generations of entry points share the
 * state's rows, their binary form and the final computation (the static
 * helpers above the entry points); keeping them together keeps those helpers
 * private to this file and the two forms of the state provably alike.
 */
#include "spc_pg.h"

#include "catalog/pg_type.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/expandeddatum.h"
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

/*
 * Serialised format version, first word of the bytea.  Version 2 carries the
 * whole chart spec (options freeze, cl, multiply and those of ewma and the
 * CUSUMs); version 1 (type, method, screen, clip) is still read.
 */
#define PHASE_STATE_VERSION 2
#define PHASE_STATE_VERSION_1 1

static void
init_state(PhaseState *state, MemoryContext mcxt, int64 capacity)
{
	memset(state, 0, sizeof(PhaseState));
	state->capacity = Max(capacity, 16);
	state->rows = MemoryContextAllocHuge(mcxt, mul_size(state->capacity, sizeof(PhaseRow)));
}

static PhaseState *
new_state(MemoryContext mcxt, int64 capacity)
{
	PhaseState *state = MemoryContextAlloc(mcxt, sizeof(PhaseState));

	init_state(state, mcxt, capacity);
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
 * The chart argument of a row: sets up a fresh state (spec == NULL means the
 * state already has its chart), or checks that the chart does not change.
 */
static void
accept_chart(FunctionCallInfo fcinfo, PhaseState *state, bool fresh, MemoryContext mcxt)
{
	char	   *chart;

	if (PG_ARGISNULL(1))
		SpcReportNullArgument("chart");
	chart = text_to_cstring(PG_GETARG_TEXT_PP(1));
	if (fresh)
	{
		SpcParseChartArg(chart, &state->spec);
		if (PG_NARGS() < 5 && spc_chart_needs_n(state->spec.type))
			SpcReportMissingN(state->spec.type);
		state->chart_text = MemoryContextStrdup(mcxt, chart);
	}
	else if (state->chart_text && strcmp(state->chart_text, chart) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument chart changes within a group of spc.phase_summary: \"%s\" and \"%s\"",
						state->chart_text, chart),
				 errhint("Use one chart type per phase, or group by the chart type.")));
	pfree(chart);
}

/*
 * Append a row: argument 1 is the state, 2 the chart, 3 the time key
 * (already converted to double by the caller), then x, n, baseline, exclude
 * as given.
 */
static void
append_row(FunctionCallInfo fcinfo, PhaseState *state, double key, bool key_isnull)
{
	int			nargs = PG_NARGS();
	PhaseRow   *row;

	/* A row without a time key has no place in the series. */
	if (key_isnull || isnan(key))
		return;

	reserve_rows(state, state->nrows + 1);
	row = &state->rows[state->nrows++];
	memset(row, 0, sizeof(PhaseRow));	/* padding too: the state is sent as is */
	row->key = key;
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
}

/* Transition of the 0.1.0 aggregates (internal state). */
static Datum
phase_accum(FunctionCallInfo fcinfo, double key, bool key_isnull)
{
	MemoryContext aggcontext = SpcAggregateContext(fcinfo, "spc.phase_summary");
	PhaseState *state = PG_ARGISNULL(0) ? NULL : (PhaseState *) PG_GETARG_POINTER(0);

	if (state == NULL)
	{
		PhaseState	fresh;

		accept_chart(fcinfo, &fresh, true, aggcontext);
		state = new_state(aggcontext, 64);
		state->spec = fresh.spec;
		state->chart_text = fresh.chart_text;
	}
	else
		accept_chart(fcinfo, state, false, aggcontext);
	append_row(fcinfo, state, key, key_isnull);
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
	if (!spc_chart_spec_equal(&a->spec, &b->spec))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument chart changes within a group of spc.phase_summary"),
				 errhint("Use one chart type per phase, or group by the chart type.")));
	reserve_rows(a, a->nrows + b->nrows);
	memcpy(a->rows + a->nrows, b->rows, b->nrows * sizeof(PhaseRow));
	a->nrows += b->nrows;
	PG_RETURN_POINTER(a);
}

/* The binary form: version, chart spec, row count, rows (network order). */
static void
send_state(StringInfo buf, const PhaseState *state)
{
	pq_sendint32(buf, PHASE_STATE_VERSION);
	pq_sendint32(buf, (int32) state->spec.type);
	pq_sendint32(buf, (int32) state->spec.method);
	pq_sendbyte(buf, state->spec.screen);
	pq_sendbyte(buf, state->spec.clip);
	pq_sendint32(buf, state->spec.freeze);
	pq_sendfloat8(buf, state->spec.cl);
	pq_sendfloat8(buf, state->spec.multiply);
	pq_sendfloat8(buf, state->spec.sigma);
	pq_sendfloat8(buf, state->spec.lambda);
	pq_sendfloat8(buf, state->spec.nsigma);
	pq_sendfloat8(buf, state->spec.k);
	pq_sendfloat8(buf, state->spec.h);
	pq_sendfloat8(buf, state->spec.odds_ratio);
	pq_sendfloat8(buf, state->spec.p0);
	pq_sendint64(buf, state->nrows);
	for (int64 i = 0; i < state->nrows; i++)
	{
		pq_sendfloat8(buf, state->rows[i].key);
		pq_sendfloat8(buf, state->rows[i].x);
		pq_sendfloat8(buf, state->rows[i].n);
		pq_sendbyte(buf, state->rows[i].flags);
	}
}

PG_FUNCTION_INFO_V1(spc_phase_serialize);

/* 0.1.0: the internal state as a bytea, for parallel workers. */
Datum
spc_phase_serialize(PG_FUNCTION_ARGS)
{
	PhaseState *state = (PhaseState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	(void) SpcAggregateContext(fcinfo, "spc_phase_serialize");
	pq_begintypsend(&buf);
	send_state(&buf, state);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static void
report_bad_state(void)
{
	SpcReportBadState("spc.phase_summary");
}

/*
 * Read the binary form from buf (to its end), checking everything, into a
 * new state in mcxt.  Rows with a NaN key are refused: the transition never
 * keeps them.
 */
static PhaseState *
receive_state(StringInfo buf, MemoryContext mcxt)
{
	PhaseState *state;
	int32		version,
				type,
				method;
	int64		nrows;
	const int64 row_bytes = 3 * sizeof(double) + 1;
	const int	header_v1 = 4 + 4 + 4 + 1 + 1 + 8;
	const int	header_v2 = header_v1 + 4 + 9 * 8;

	if (buf->len - buf->cursor < header_v1)
		report_bad_state();
	version = pq_getmsgint(buf, 4);
	if ((version != PHASE_STATE_VERSION && version != PHASE_STATE_VERSION_1) ||
		(version == PHASE_STATE_VERSION && buf->len - buf->cursor < header_v2 - 4))
		report_bad_state();
	type = pq_getmsgint(buf, 4);
	method = pq_getmsgint(buf, 4);
	if (type < 0 || type >= SPC_CHART_COUNT || (method != SPC_METHOD_QICHARTS2 &&
												method != SPC_METHOD_QCC))
		report_bad_state();
	state = new_state(mcxt, 0);
	spc_chart_spec_init(&state->spec, (SpcChartType) type);
	state->spec.method = (SpcMethod) method;
	state->spec.screen = pq_getmsgbyte(buf) != 0;
	state->spec.clip = pq_getmsgbyte(buf) != 0;
	if (version == PHASE_STATE_VERSION)
	{
		state->spec.freeze = pq_getmsgint(buf, 4);
		state->spec.cl = pq_getmsgfloat8(buf);
		state->spec.multiply = pq_getmsgfloat8(buf);
		state->spec.sigma = pq_getmsgfloat8(buf);
		state->spec.lambda = pq_getmsgfloat8(buf);
		state->spec.nsigma = pq_getmsgfloat8(buf);
		state->spec.k = pq_getmsgfloat8(buf);
		state->spec.h = pq_getmsgfloat8(buf);
		state->spec.odds_ratio = pq_getmsgfloat8(buf);
		state->spec.p0 = pq_getmsgfloat8(buf);
	}
	/* a spec no chart argument gives would reach the core unchecked */
	if (!spc_chart_spec_valid(&state->spec))
		report_bad_state();
	nrows = pq_getmsgint64(buf);
	if (nrows < 0 || nrows > (buf->len - buf->cursor) / row_bytes ||
		nrows * row_bytes != buf->len - buf->cursor)
		report_bad_state();
	reserve_rows(state, nrows);
	memset(state->rows, 0, nrows * sizeof(PhaseRow));
	for (int64 i = 0; i < nrows; i++)
	{
		PhaseRow   *row = &state->rows[i];

		row->key = pq_getmsgfloat8(buf);
		row->x = pq_getmsgfloat8(buf);
		row->n = pq_getmsgfloat8(buf);
		row->flags = (uint8) pq_getmsgbyte(buf) & ROW_FLAGS;
		if (isnan(row->key))
			report_bad_state();
	}
	state->nrows = nrows;
	return state;
}

PG_FUNCTION_INFO_V1(spc_phase_deserialize);

/*
 * 0.1.0: rebuild a state from spc_phase_serialize's bytea.  In the per-call
 * memory context: the combine function copies what it keeps, so a worker's
 * partial state is not held twice until the group ends.
 */
Datum
spc_phase_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *bytes = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	PhaseState *state;

	(void) SpcAggregateContext(fcinfo, "spc_phase_deserialize");
	SpcStateReader(&buf, bytes);
	state = receive_state(&buf, CurrentMemoryContext);
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

/* Sort by key, form subgroups of equal keys, compute the phase. */
static Datum
final_phase(FunctionCallInfo fcinfo, const PhaseState *state)
{
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
		spc_accum_configure(&acc, &state->spec);
		for (int64 i = 0; i < state->nrows; i++)
		{
			const PhaseRow *row = &rows[i];

			CHECK_FOR_INTERRUPTS();
			if (i > 0 && row->key != rows[i - 1].key)
			{
				spc_subgroup_finish(&acc, chart, &subgroups[nsub++]);
				spc_accum_init(&acc);
				spc_accum_configure(&acc, &state->spec);
			}
			spc_accum_row(&acc, chart, &(SpcRow) {
							  .x = row->x,
							  .n = row->n,
							  .x_isnull = (row->flags & ROW_X_NULL) != 0,
							  .n_isnull = (row->flags & ROW_N_NULL) != 0,
							  .baseline = (row->flags & ROW_BASELINE) != 0,
							  .exclude = (row->flags & ROW_EXCLUDE) != 0,
						  });
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

PG_FUNCTION_INFO_V1(spc_phase_final);

/* 0.1.0: final function over the internal state. */
Datum
spc_phase_final(PG_FUNCTION_ARGS)
{
	(void) SpcAggregateContext(fcinfo, "spc_phase_final");
	return final_phase(fcinfo, PG_ARGISNULL(0) ? NULL : (PhaseState *) PG_GETARG_POINTER(0));
}

/*
 * ---- 0.2.0: the state type spc.phase_state ----
 *
 * Flat (stored, copied, sent to a parallel worker's leader): a varlena of a
 * fixed header and the rows as they are in memory, so flattening and reading
 * are copies.  Expanded (while a group is aggregated): PhaseState in its own
 * memory context, grown in place.
 */
typedef struct PhaseStateFlat
{
	int32		vl_len_;
	int32		version;
	int32		type;
	int32		method;
	int32		freeze;
	uint8		screen;
	uint8		clip;
	uint8		unused[2];
	double		cl;
	double		multiply;
	double		sigma;
	double		lambda;
	double		nsigma;
	double		k;
	double		h;
	double		odds_ratio;
	double		p0;
	int64		nrows;
	PhaseRow	rows[FLEXIBLE_ARRAY_MEMBER];
} PhaseStateFlat;

#define PHASE_FLAT_HEADER offsetof(PhaseStateFlat, rows)

typedef struct PhaseStateExpanded
{
	ExpandedObjectHeader hdr;
	PhaseState	state;
} PhaseStateExpanded;

static Size
phase_flat_size(ExpandedObjectHeader *eohptr)
{
	const PhaseState *state = &((PhaseStateExpanded *) eohptr)->state;

	if (state->nrows > (int64) ((MaxAllocSize - PHASE_FLAT_HEADER) / sizeof(PhaseRow)))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("spc.phase_summary state of %lld rows is too large to store or pass between processes",
						(long long) state->nrows),
				 errhint("Group by series and phase.")));
	return PHASE_FLAT_HEADER + state->nrows * sizeof(PhaseRow);
}

static void
phase_flatten_into(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	const PhaseState *state = &((PhaseStateExpanded *) eohptr)->state;
	PhaseStateFlat *flat = (PhaseStateFlat *) result;

	memset(flat, 0, PHASE_FLAT_HEADER);
	SET_VARSIZE(flat, allocated_size);
	flat->version = PHASE_STATE_VERSION;
	flat->type = state->spec.type;
	flat->method = state->spec.method;
	flat->screen = state->spec.screen;
	flat->clip = state->spec.clip;
	flat->freeze = state->spec.freeze;
	flat->cl = state->spec.cl;
	flat->multiply = state->spec.multiply;
	flat->sigma = state->spec.sigma;
	flat->lambda = state->spec.lambda;
	flat->nsigma = state->spec.nsigma;
	flat->k = state->spec.k;
	flat->h = state->spec.h;
	flat->odds_ratio = state->spec.odds_ratio;
	flat->p0 = state->spec.p0;
	flat->nrows = state->nrows;
	memcpy(flat->rows, state->rows, state->nrows * sizeof(PhaseRow));
}

static const ExpandedObjectMethods phase_state_methods = {
	phase_flat_size,
	phase_flatten_into
};

static PhaseStateExpanded *
new_expanded(MemoryContext parent, int64 capacity)
{
	MemoryContext cxt = AllocSetContextCreate(parent, "spc.phase_state", ALLOCSET_SMALL_SIZES);
	PhaseStateExpanded *e = MemoryContextAlloc(cxt, sizeof(PhaseStateExpanded));

	EOH_init_header(&e->hdr, &phase_state_methods, cxt);
	init_state(&e->state, cxt, capacity);
	return e;
}

/* The chart spec of a flat state. */
static void
flat_spec(const PhaseStateFlat *flat, SpcChartSpec *spec)
{
	spc_chart_spec_init(spec, (SpcChartType) flat->type);
	spec->method = (SpcMethod) flat->method;
	spec->screen = flat->screen != 0;
	spec->clip = flat->clip != 0;
	spec->freeze = flat->freeze;
	spec->cl = flat->cl;
	spec->multiply = flat->multiply;
	spec->sigma = flat->sigma;
	spec->lambda = flat->lambda;
	spec->nsigma = flat->nsigma;
	spec->k = flat->k;
	spec->h = flat->h;
	spec->odds_ratio = flat->odds_ratio;
	spec->p0 = flat->p0;
}

/* A flat state, checked (it may come from a table or a hand-written value). */
static PhaseStateFlat *
flat_of(Datum d)
{
	PhaseStateFlat *flat = (PhaseStateFlat *) PG_DETOAST_DATUM(d);
	Size		size = VARSIZE(flat);
	SpcChartSpec spec;

	if (size < PHASE_FLAT_HEADER || flat->version != PHASE_STATE_VERSION ||
		flat->type < 0 || flat->type >= SPC_CHART_COUNT ||
		(flat->method != SPC_METHOD_QICHARTS2 && flat->method != SPC_METHOD_QCC))
		report_bad_state();
	flat_spec(flat, &spec);
	if (!spc_chart_spec_valid(&spec) ||
		flat->nrows < 0 || (Size) flat->nrows != (size - PHASE_FLAT_HEADER) / sizeof(PhaseRow) ||
		(size - PHASE_FLAT_HEADER) % sizeof(PhaseRow) != 0)
		report_bad_state();
	return flat;
}

/* Our expanded object, or NULL for a flat value. */
static PhaseStateExpanded *
expanded_of(Datum d)
{
	return (PhaseStateExpanded *) SpcExpandedStateOf(d, &phase_state_methods, "spc.phase_summary");
}

/*
 * A state to read: the expanded object itself, or a view of a flat value's
 * rows (not copied).
 */
static const PhaseState *
state_to_read(Datum d, PhaseState *view)
{
	PhaseStateExpanded *e = expanded_of(d);
	PhaseStateFlat *flat;

	if (e)
		return &e->state;
	flat = flat_of(d);
	memset(view, 0, sizeof(PhaseState));
	flat_spec(flat, &view->spec);
	view->nrows = view->capacity = flat->nrows;
	view->rows = flat->rows;
	return view;
}

/*
 * The state argument 0 to change in place: a read-write expanded object is
 * used as is (the executor hands the transition its own state); NULL or
 * anything else becomes a new expanded object under aggcontext, which the
 * executor then adopts without copying.
 */
static PhaseStateExpanded *
state_to_update(FunctionCallInfo fcinfo, MemoryContext aggcontext, bool *fresh)
{
	Datum		d = PG_GETARG_DATUM(0);
	PhaseStateExpanded *e;
	PhaseState	view;
	const PhaseState *src;

	*fresh = PG_ARGISNULL(0);
	if (*fresh)
		return new_expanded(aggcontext, 16);
	if (VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(d)) && (e = expanded_of(d)) != NULL)
		return e;
	src = state_to_read(d, &view);
	e = new_expanded(aggcontext, src->nrows);
	e->state.spec = src->spec;
	memcpy(e->state.rows, src->rows, src->nrows * sizeof(PhaseRow));
	e->state.nrows = src->nrows;
	return e;
}

/* Transition of spc.phase_summary over spc.phase_state. */
static Datum
phase_state_accum(FunctionCallInfo fcinfo, double key, bool key_isnull)
{
	MemoryContext aggcontext = SpcAggregateContext(fcinfo, "spc.phase_summary");
	bool		fresh;
	PhaseStateExpanded *e = state_to_update(fcinfo, aggcontext, &fresh);

	accept_chart(fcinfo, &e->state, fresh, e->hdr.eoh_context);
	append_row(fcinfo, &e->state, key, key_isnull);
	PG_RETURN_DATUM(EOHPGetRWDatum(&e->hdr));
}

PG_FUNCTION_INFO_V1(spc_phase_state_accum_timestamptz);

Datum
spc_phase_state_accum_timestamptz(PG_FUNCTION_ARGS)
{
	bool		isnull = PG_ARGISNULL(2);

	return phase_state_accum(fcinfo, isnull ? 0.0 : (double) PG_GETARG_TIMESTAMPTZ(2), isnull);
}

PG_FUNCTION_INFO_V1(spc_phase_state_accum_float8);

Datum
spc_phase_state_accum_float8(PG_FUNCTION_ARGS)
{
	bool		isnull = PG_ARGISNULL(2);

	return phase_state_accum(fcinfo, isnull ? 0.0 : PG_GETARG_FLOAT8(2), isnull);
}

PG_FUNCTION_INFO_V1(spc_phase_state_combine);

/*
 * Combine: the rows of both.  The second state is only read (it may be a
 * parallel worker's flat value or another node's expanded one).
 */
Datum
spc_phase_state_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = SpcAggregateContext(fcinfo, "spc_phase_state_combine");
	PhaseStateExpanded *a;
	const PhaseState *b;
	PhaseState	view;
	bool		fresh;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = state_to_read(PG_GETARG_DATUM(1), &view);
	a = state_to_update(fcinfo, aggcontext, &fresh);
	if (fresh)
		a->state.spec = b->spec;
	else if (!spc_chart_spec_equal(&a->state.spec, &b->spec))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument chart changes within a group of spc.phase_summary"),
				 errhint("Use one chart type per phase, or group by the chart type.")));
	reserve_rows(&a->state, a->state.nrows + b->nrows);
	memcpy(a->state.rows + a->state.nrows, b->rows, b->nrows * sizeof(PhaseRow));
	a->state.nrows += b->nrows;
	PG_RETURN_DATUM(EOHPGetRWDatum(&a->hdr));
}

PG_FUNCTION_INFO_V1(spc_phase_state_final);

Datum
spc_phase_state_final(PG_FUNCTION_ARGS)
{
	PhaseState	view;

	(void) SpcAggregateContext(fcinfo, "spc_phase_state_final");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	return final_phase(fcinfo, state_to_read(PG_GETARG_DATUM(0), &view));
}

/* A state read by receive_state, as a flat value in the current context. */
static Datum
flat_datum(const PhaseState *state)
{
	PhaseStateExpanded e;
	Size		size;
	void	   *flat;

	e.state = *state;
	size = phase_flat_size(&e.hdr);
	flat = palloc(size);
	phase_flatten_into(&e.hdr, flat, size);
	return PointerGetDatum(flat);
}

PG_FUNCTION_INFO_V1(spc_phase_state_send);

/* Binary output: the 0.1.0 serialised form (floats in network order). */
Datum
spc_phase_state_send(PG_FUNCTION_ARGS)
{
	PhaseState	view;
	StringInfoData buf;

	pq_begintypsend(&buf);
	send_state(&buf, state_to_read(PG_GETARG_DATUM(0), &view));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(spc_phase_state_recv);

Datum
spc_phase_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	PhaseState *state = receive_state(buf, CurrentMemoryContext);

	PG_RETURN_DATUM(flat_datum(state));
}

PG_FUNCTION_INFO_V1(spc_phase_state_out);

/*
 * Text output: the hex digits of the binary form, so that a state crosses
 * text protocols (Citus sends partial states as text) bit for bit.
 */
Datum
spc_phase_state_out(PG_FUNCTION_ARGS)
{
	PhaseState	view;
	StringInfoData buf;
	char	   *hex;

	initStringInfo(&buf);
	send_state(&buf, state_to_read(PG_GETARG_DATUM(0), &view));
	hex = palloc_extended(mul_size(buf.len, 2) + 1, MCXT_ALLOC_HUGE);
	hex[hex_encode(buf.data, buf.len, hex)] = '\0';
	PG_RETURN_CSTRING(hex);
}

PG_FUNCTION_INFO_V1(spc_phase_state_in);

Datum
spc_phase_state_in(PG_FUNCTION_ARGS)
{
	const char *hex = PG_GETARG_CSTRING(0);
	size_t		len = strlen(hex);
	StringInfoData buf;

	buf.data = palloc_extended(len / 2 + 1, MCXT_ALLOC_HUGE);
	buf.len = (int) hex_decode(hex, len, buf.data);
	buf.maxlen = buf.len + 1;
	buf.cursor = 0;
	buf.data[buf.len] = '\0';
	{
		PhaseState *state = receive_state(&buf, CurrentMemoryContext);

		pq_getmsgend(&buf);
		PG_RETURN_DATUM(flat_datum(state));
	}
}
