/*
 * src/pg/series_summary.c
 *
 * spc.series_summary(point spc.point [, phase text] ORDER BY t): where a series
 * stands now, from spc.chart's points read in time order.  Bookkeeping only
 * (no numerics, so nothing in src/core): counts, the latest present point
 * (a value, or invalid data) and the signals of its phase.  The state lives
 * in the aggregate's memory context; the latest point is kept as a copy of
 * its composite, replaced (and the old copy freed) as later points arrive.
 * There is no combine function: the result depends on the row order, and
 * PostgreSQL never aggregates an ordered call in parts.
 */
#include "spc_pg.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

/* spc.point's fields, by position (sql/spc/types.sql) */
#define POINT_Y 1
#define POINT_CL 2
#define POINT_LCL 3
#define POINT_UCL 4
#define POINT_SIGNAL 6
#define POINT_SIGNALS 7
#define POINT_VARIATION 8

typedef struct SeriesState
{
	int32		n_points;
	int32		n_missing;
	int32		n_signals;
	int32		latest_index;	/* 0: no present point yet */
	HeapTupleHeader latest;		/* copy of the latest present point, or NULL */
	text	   *latest_phase;
	int32		latest_phase_signals;
	HeapTupleHeader last;		/* the last point read (stands in when none is present) */
	text	   *last_phase;
	text	   *running_phase;	/* phase of the rows being read */
	int32		running_phase_signals;
} SeriesState;

static bool
same_phase(text *a, text *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b) &&
		memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0;
}

static void *
alloc_copy(MemoryContext mcxt, const void *from, Size size)
{
	void	   *copy = MemoryContextAlloc(mcxt, size);

	memcpy(copy, from, size);
	return copy;
}

static text *
copy_text(MemoryContext mcxt, text *t)
{
	return t ? (text *) alloc_copy(mcxt, t, VARSIZE_ANY(t)) : NULL;
}

/* 'invalid' among a point's signal codes */
static bool
has_invalid(Datum signals)
{
	ArrayType  *arr = DatumGetArrayTypeP(signals);
	Datum	   *elems;
	bool	   *nulls;
	int			count;
	bool		found = false;

	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &count);
	for (int i = 0; i < count && !found; i++)
		if (!nulls[i])
		{
			text	   *code = DatumGetTextPP(elems[i]);

			found = VARSIZE_ANY_EXHDR(code) == 7 && memcmp(VARDATA_ANY(code), "invalid", 7) == 0;
		}
	return found;
}

static Datum
series_summary_step(FunctionCallInfo fcinfo, bool with_phase)
{
	MemoryContext aggcontext = SpcAggregateContext(fcinfo, "spc.series_summary");
	SeriesState *state;
	HeapTupleHeader point = PG_ARGISNULL(1) ? NULL : PG_GETARG_HEAPTUPLEHEADER(1);
	text	   *phase = (with_phase && !PG_ARGISNULL(2)) ? PG_GETARG_TEXT_PP(2) : NULL;
	bool		present = false,
				signal = false;
	HeapTupleHeader old_last,
				old_latest;
	text	   *old_running;

	if (PG_ARGISNULL(0))
		state = (SeriesState *) MemoryContextAllocZero(aggcontext, sizeof(SeriesState));
	else
		state = (SeriesState *) PG_GETARG_POINTER(0);

	if (point)
	{
		bool		isnull;
		Datum		value;

		(void) GetAttributeByNum(point, POINT_Y, &isnull);
		present = !isnull;
		value = GetAttributeByNum(point, POINT_SIGNAL, &isnull);
		signal = !isnull && DatumGetBool(value);
		if (!present)
		{
			value = GetAttributeByNum(point, POINT_SIGNALS, &isnull);
			present = !isnull && has_invalid(value);
		}
	}

	state->n_points++;
	old_running = state->running_phase;
	if (state->n_points == 1 || !same_phase(state->running_phase, phase))
	{
		state->running_phase = copy_text(aggcontext, phase);
		state->running_phase_signals = 0;
	}
	if (!present)
		state->n_missing++;
	if (signal)
	{
		state->n_signals++;
		state->running_phase_signals++;
	}

	old_last = state->last;
	old_latest = state->latest;
	state->last = point ? (HeapTupleHeader) alloc_copy(aggcontext, point,
															   HeapTupleHeaderGetDatumLength(point)) : NULL;
	state->last_phase = state->running_phase;
	if (present)
	{
		state->latest_index = state->n_points;
		state->latest = state->last;
		state->latest_phase = state->running_phase;
		state->latest_phase_signals = state->running_phase_signals;
	}
	else if (state->latest_index > 0 && state->latest_phase == state->running_phase)
		state->latest_phase_signals = state->running_phase_signals;

	/* free the copies nothing refers to any more */
	if (old_last && old_last != state->latest)
		pfree(old_last);
	if (old_latest && old_latest != old_last && old_latest != state->latest)
		pfree(old_latest);
	if (old_running && old_running != state->running_phase && old_running != state->latest_phase)
		pfree(old_running);
	PG_RETURN_POINTER(state);
}

PG_FUNCTION_INFO_V1(spc_series_summary_step);
Datum
spc_series_summary_step(PG_FUNCTION_ARGS)
{
	return series_summary_step(fcinfo, true);
}

PG_FUNCTION_INFO_V1(spc_series_summary_step_nophase);
Datum
spc_series_summary_step_nophase(PG_FUNCTION_ARGS)
{
	return series_summary_step(fcinfo, false);
}

PG_FUNCTION_INFO_V1(spc_series_summary_final);
Datum
spc_series_summary_final(PG_FUNCTION_ARGS)
{
	SeriesState *state;
	TupleDesc	tupdesc;
	HeapTupleHeader point;
	text	   *phase;
	Datum		values[13];
	bool		nulls[13];
	static const int fields[7] = {POINT_Y, POINT_CL, POINT_LCL, POINT_UCL, POINT_SIGNAL, POINT_SIGNALS,
	POINT_VARIATION};

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (SeriesState *) PG_GETARG_POINTER(0);
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("spc.series_summary must return spc.series_summary")));
	tupdesc = BlessTupleDesc(tupdesc);

	memset(nulls, 0, sizeof(nulls));
	values[0] = Int32GetDatum(state->n_points);
	values[1] = Int32GetDatum(state->n_missing);
	values[2] = Int32GetDatum(state->n_signals);
	if (state->latest_index > 0)
	{
		point = state->latest;
		phase = state->latest_phase;
		values[3] = Int32GetDatum(state->latest_index);
		values[12] = Int32GetDatum(state->latest_phase_signals);
	}
	else
	{
		/* nothing present: the last point stands for the series */
		point = state->last;
		phase = state->last_phase;
		values[3] = Int32GetDatum(state->n_points);
		values[12] = Int32GetDatum(state->running_phase_signals);
	}
	for (int i = 0; i < 7; i++)
	{
		if (point)
			values[4 + i] = GetAttributeByNum(point, fields[i], &nulls[4 + i]);
		else
			nulls[4 + i] = true;
	}
	/* a point without signal flag counts as no signal, as the SQL form did */
	if (nulls[8])
	{
		nulls[8] = false;
		values[8] = BoolGetDatum(false);
	}
	if (phase)
		values[11] = PointerGetDatum(phase);
	else
		nulls[11] = true;
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
