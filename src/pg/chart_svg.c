/*
 * src/pg/chart_svg.c
 *
 * spc.chart_svg(t, point [, phase, annotation, goal, title]): an aggregate
 * that draws the points of one chart (spc.point values, as spc.chart returns
 * them) as a standalone SVG document.  Rows carry their date, so partial
 * states combine in any order; the final function sorts them.
 */
#include "spc_pg.h"

#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

/* One row, with its texts as offsets into the state's arena (-1: NULL). */
typedef struct SvgRow
{
	int32		t;
	double		y,
				cl,
				lcl,
				ucl,
				sigma;
	int32		variation;
	int32		phase;
	int32		annotation;
	int32		signals;
	bool		signal;
} SvgRow;

typedef struct SvgState
{
	int64		nrows;
	int64		capacity;
	SvgRow	   *rows;
	StringInfoData arena;
	double		goal;
	int32		title;
} SvgState;

#define SVG_STATE_VERSION 1

static SvgState *
svg_new_state(MemoryContext mcxt)
{
	MemoryContext old = MemoryContextSwitchTo(mcxt);
	SvgState   *state = palloc0(sizeof(SvgState));

	state->capacity = 64;
	state->rows = palloc(state->capacity * sizeof(SvgRow));
	initStringInfo(&state->arena);
	state->goal = NAN;
	state->title = -1;
	MemoryContextSwitchTo(old);
	return state;
}

/* Keep a string in the arena; its offset, or -1 for NULL. */
static int32
keep_text(SvgState *state, MemoryContext mcxt, const char *text, int len)
{
	MemoryContext old;
	int32		offset;

	if (text == NULL)
		return -1;
	if ((Size) state->arena.len + len + 1 >= MaxAllocSize / 2)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too much text for spc.chart_svg")));
	old = MemoryContextSwitchTo(mcxt);
	offset = state->arena.len;
	appendBinaryStringInfo(&state->arena, text, len);
	appendStringInfoChar(&state->arena, '\0');
	MemoryContextSwitchTo(old);
	return offset;
}

static int32
keep_text_arg(FunctionCallInfo fcinfo, int argno, SvgState *state, MemoryContext mcxt)
{
	text	   *t;

	if (PG_NARGS() <= argno || PG_ARGISNULL(argno))
		return -1;
	t = PG_GETARG_TEXT_PP(argno);
	return keep_text(state, mcxt, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

static double
point_float(HeapTupleHeader point, const char *field)
{
	bool		isnull;
	Datum		d = GetAttributeByName(point, field, &isnull);

	return isnull ? NAN : DatumGetFloat8(d);
}

static SpcVariation
variation_of(const char *name)
{
	for (int v = SPC_VARIATION_COMMON_CAUSE; v <= SPC_VARIATION_LAST; v++)
		if (strcmp(name, spc_variation_name((SpcVariation) v)) == 0)
			return (SpcVariation) v;
	return SPC_VARIATION_NONE;
}

PG_FUNCTION_INFO_V1(spc_chart_svg_accum);

/* Transition: (state, t date, point spc.point [, phase, annotation, goal, title]). */
Datum
spc_chart_svg_accum(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = SpcAggregateContext(fcinfo, "spc_chart_svg_accum");
	SvgState   *state = PG_ARGISNULL(0) ? svg_new_state(aggcontext) : (SvgState *) PG_GETARG_POINTER(0);
	HeapTupleHeader point;
	SvgRow	   *row;
	bool		isnull;
	Datum		d;

	/* the goal and title of the chart: the first non-NULL ones */
	if (PG_NARGS() > 5 && !PG_ARGISNULL(5) && isnan(state->goal))
		state->goal = PG_GETARG_FLOAT8(5);
	if (PG_NARGS() > 6 && state->title < 0)
		state->title = keep_text_arg(fcinfo, 6, state, aggcontext);

	/* a row without a date or a point has no place on the chart */
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || DATE_NOT_FINITE(PG_GETARG_DATEADT(1)))
		PG_RETURN_POINTER(state);
	point = PG_GETARG_HEAPTUPLEHEADER(2);
	if (state->nrows == state->capacity)
	{
		state->capacity *= 2;
		state->rows = repalloc_huge(state->rows, mul_size(state->capacity, sizeof(SvgRow)));
	}
	row = &state->rows[state->nrows++];
	row->t = PG_GETARG_DATEADT(1);
	row->y = point_float(point, "y");
	row->cl = point_float(point, "cl");
	row->lcl = point_float(point, "lcl");
	row->ucl = point_float(point, "ucl");
	row->sigma = point_float(point, "sigma");
	d = GetAttributeByName(point, "signal", &isnull);
	row->signal = !isnull && DatumGetBool(d);
	d = GetAttributeByName(point, "variation", &isnull);
	row->variation = isnull ? SPC_VARIATION_NONE : variation_of(TextDatumGetCString(d));
	row->signals = -1;
	d = GetAttributeByName(point, "signals", &isnull);
	if (!isnull)
	{
		ArrayType  *codes = DatumGetArrayTypeP(d);
		Datum	   *elems;
		bool	   *nulls;
		int			n;
		StringInfoData list;

		deconstruct_array(codes, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
		initStringInfo(&list);
		for (int i = 0; i < n; i++)
			if (!nulls[i])
				appendStringInfo(&list, "%s%s", list.len ? "," : "", TextDatumGetCString(elems[i]));
		if (list.len > 0)
			row->signals = keep_text(state, aggcontext, list.data, list.len);
	}
	row->phase = keep_text_arg(fcinfo, 3, state, aggcontext);
	row->annotation = keep_text_arg(fcinfo, 4, state, aggcontext);
	PG_RETURN_POINTER(state);
}

/* Append b's rows and texts to a. */
static void
svg_append(SvgState *a, const SvgState *b, MemoryContext mcxt)
{
	MemoryContext old = MemoryContextSwitchTo(mcxt);
	int32		shift = a->arena.len;

	if (a->nrows + b->nrows > a->capacity)
	{
		a->capacity = a->nrows + b->nrows;
		a->rows = repalloc_huge(a->rows, mul_size(a->capacity, sizeof(SvgRow)));
	}
	for (int64 i = 0; i < b->nrows; i++)
	{
		SvgRow	   *row = &a->rows[a->nrows++];

		*row = b->rows[i];
		row->phase = row->phase < 0 ? -1 : row->phase + shift;
		row->annotation = row->annotation < 0 ? -1 : row->annotation + shift;
		row->signals = row->signals < 0 ? -1 : row->signals + shift;
	}
	appendBinaryStringInfo(&a->arena, b->arena.data, b->arena.len);
	if (isnan(a->goal))
		a->goal = b->goal;
	if (a->title < 0 && b->title >= 0)
		a->title = b->title + shift;
	MemoryContextSwitchTo(old);
}

PG_FUNCTION_INFO_V1(spc_chart_svg_combine);

Datum
spc_chart_svg_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = SpcAggregateContext(fcinfo, "spc_chart_svg_combine");
	SvgState   *a = PG_ARGISNULL(0) ? NULL : (SvgState *) PG_GETARG_POINTER(0);
	SvgState   *b = PG_ARGISNULL(1) ? NULL : (SvgState *) PG_GETARG_POINTER(1);

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
		a = svg_new_state(aggcontext);
	svg_append(a, b, aggcontext);
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(spc_chart_svg_serialize);

Datum
spc_chart_svg_serialize(PG_FUNCTION_ARGS)
{
	SvgState   *state = (SvgState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	(void) SpcAggregateContext(fcinfo, "spc_chart_svg_serialize");
	pq_begintypsend(&buf);
	pq_sendint32(&buf, SVG_STATE_VERSION);
	pq_sendfloat8(&buf, state->goal);
	pq_sendint32(&buf, state->title);
	pq_sendint64(&buf, state->nrows);
	for (int64 i = 0; i < state->nrows; i++)
	{
		const SvgRow *r = &state->rows[i];

		pq_sendint32(&buf, r->t);
		pq_sendfloat8(&buf, r->y);
		pq_sendfloat8(&buf, r->cl);
		pq_sendfloat8(&buf, r->lcl);
		pq_sendfloat8(&buf, r->ucl);
		pq_sendfloat8(&buf, r->sigma);
		pq_sendint32(&buf, r->variation);
		pq_sendint32(&buf, r->phase);
		pq_sendint32(&buf, r->annotation);
		pq_sendint32(&buf, r->signals);
		pq_sendbyte(&buf, r->signal);
	}
	pq_sendint32(&buf, state->arena.len);
	pq_sendbytes(&buf, state->arena.data, state->arena.len);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static void
report_bad_svg_state(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid spc.chart_svg state")));
}

PG_FUNCTION_INFO_V1(spc_chart_svg_deserialize);

/* Rebuild a state, checking every size and offset. */
Datum
spc_chart_svg_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = SpcAggregateContext(fcinfo, "spc_chart_svg_deserialize");
	bytea	   *bytes = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	SvgState   *state = svg_new_state(aggcontext);
	const int64 row_bytes = 4 + 5 * 8 + 4 * 4 + 1;
	int64		nrows;
	int32		arena_len;
	MemoryContext old;

	SpcStateReader(&buf, bytes);
	if (buf.len < 4 + 8 + 4 + 8 + 4 || pq_getmsgint(&buf, 4) != SVG_STATE_VERSION)
		report_bad_svg_state();
	state->goal = pq_getmsgfloat8(&buf);
	state->title = pq_getmsgint(&buf, 4);
	nrows = pq_getmsgint64(&buf);
	if (nrows < 0 || nrows > (buf.len - buf.cursor) / row_bytes)
		report_bad_svg_state();
	old = MemoryContextSwitchTo(aggcontext);
	state->capacity = Max(nrows, 1);
	state->rows = repalloc_huge(state->rows, mul_size(state->capacity, sizeof(SvgRow)));
	MemoryContextSwitchTo(old);
	for (int64 i = 0; i < nrows; i++)
	{
		SvgRow	   *r = &state->rows[i];

		r->t = pq_getmsgint(&buf, 4);
		r->y = pq_getmsgfloat8(&buf);
		r->cl = pq_getmsgfloat8(&buf);
		r->lcl = pq_getmsgfloat8(&buf);
		r->ucl = pq_getmsgfloat8(&buf);
		r->sigma = pq_getmsgfloat8(&buf);
		r->variation = pq_getmsgint(&buf, 4);
		r->phase = pq_getmsgint(&buf, 4);
		r->annotation = pq_getmsgint(&buf, 4);
		r->signals = pq_getmsgint(&buf, 4);
		r->signal = pq_getmsgbyte(&buf) != 0;
	}
	state->nrows = nrows;
	arena_len = pq_getmsgint(&buf, 4);
	if (arena_len < 0 || arena_len != buf.len - buf.cursor)
		report_bad_svg_state();
	old = MemoryContextSwitchTo(aggcontext);
	appendBinaryStringInfo(&state->arena, pq_getmsgbytes(&buf, arena_len), arena_len);
	MemoryContextSwitchTo(old);
	pq_getmsgend(&buf);
	/* every text offset must start a terminated string inside the arena */
	for (int64 i = -1; i < nrows; i++)
	{
		int32		offsets[3];
		int			count = 0;

		if (i < 0)
			offsets[count++] = state->title;
		else
		{
			offsets[count++] = state->rows[i].phase;
			offsets[count++] = state->rows[i].annotation;
			offsets[count++] = state->rows[i].signals;
			if (state->rows[i].variation < SPC_VARIATION_NONE ||
				state->rows[i].variation > SPC_VARIATION_LAST)
				report_bad_svg_state();
		}
		for (int k = 0; k < count; k++)
			if (offsets[k] < -1 || offsets[k] >= arena_len ||
				(offsets[k] >= 0 && memchr(state->arena.data + offsets[k], '\0', arena_len - offsets[k]) == NULL))
				report_bad_svg_state();
	}
	PG_RETURN_POINTER(state);
}

static const char *
arena_text(const SvgState *state, int32 offset)
{
	return offset < 0 ? NULL : state->arena.data + offset;
}

static int
compare_svg_rows(const void *a, const void *b)
{
	int32		x = ((const SvgRow *) a)->t;
	int32		y = ((const SvgRow *) b)->t;

	return (x > y) - (x < y);
}

static void *
palloc_grow(void *ctx, void *old, size_t size)
{
	if (!AllocSizeIsValid(size))
		return NULL;
	return old ? repalloc(old, size) : palloc(size);
}

PG_FUNCTION_INFO_V1(spc_chart_svg_final);

/* Sort by date, number the phases, render. */
Datum
spc_chart_svg_final(PG_FUNCTION_ARGS)
{
	SvgState   *state = PG_ARGISNULL(0) ? NULL : (SvgState *) PG_GETARG_POINTER(0);
	SvgRow	   *rows;
	SpcSvgPoint *points;
	SpcSvgChart chart;
	SpcStr		out = {NULL, 0, 0, palloc_grow, NULL, false};
	int			phase = 0;

	(void) SpcAggregateContext(fcinfo, "spc_chart_svg_final");
	if (state == NULL || state->nrows == 0)
		PG_RETURN_NULL();
	/* sort a copy: a final function must not change its state */
	rows = palloc_extended(mul_size(state->nrows, sizeof(SvgRow)), MCXT_ALLOC_HUGE);
	memcpy(rows, state->rows, state->nrows * sizeof(SvgRow));
	qsort(rows, state->nrows, sizeof(SvgRow), compare_svg_rows);
	points = palloc_extended(mul_size(state->nrows, sizeof(SpcSvgPoint)), MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < state->nrows; i++)
	{
		const char *label = arena_text(state, rows[i].phase);
		const char *previous = i > 0 ? arena_text(state, rows[i - 1].phase) : NULL;

		if (i > 0 && strcmp(label ? label : "", previous ? previous : "") != 0)
			phase++;
		points[i].t = rows[i].t;
		points[i].y = rows[i].y;
		points[i].cl = rows[i].cl;
		points[i].lcl = rows[i].lcl;
		points[i].ucl = rows[i].ucl;
		points[i].sigma = rows[i].sigma;
		points[i].signal = rows[i].signal;
		points[i].variation = (SpcVariation) rows[i].variation;
		points[i].phase = phase;
		points[i].phase_label = label;
		points[i].signals = arena_text(state, rows[i].signals);
		points[i].annotation = arena_text(state, rows[i].annotation);
	}
	chart.title = arena_text(state, state->title);
	chart.unit = NULL;
	chart.goal = state->goal;
	if (!spc_svg_render(&chart, points, state->nrows, &out))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("chart too large for spc.chart_svg")));
	PG_RETURN_TEXT_P(cstring_to_text_with_len(out.data, out.len));
}
