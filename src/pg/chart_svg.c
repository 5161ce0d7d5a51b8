/*
 * src/pg/chart_svg.c
 *
 * The state of spc.chart_svg(t, point [, phase, annotation, goal, title
 * [, style]]) and spc.chart_svg_grid(facet, t, point, ...): the points of one
 * chart (spc.point values, as spc.chart returns them) or of a grid of them.
 * Rows carry their x value, so partial states combine in any order; the
 * final functions hand the rows to svg_render.c, which sorts and draws them.
 */
#include "spc_pg.h"

#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

/* One row, with its texts as offsets into the state's arena (-1: NULL). */
typedef struct SvgRow
{
	double		t;				/* see SpcSvgAxis */
	double		y,
				cl,
				lcl,
				ucl,
				sigma,
				goal;			/* the row's goal (a grid draws each facet's) */
	int32		variation;
	int32		phase;
	int32		annotation;
	int32		signals;
	int32		facet;
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
	int32		style;			/* the style argument as text */
	int32		axis;			/* SpcSvgAxis of the x values */
} SvgState;

#define SVG_STATE_VERSION 2

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
	state->style = -1;
	state->axis = SPC_SVG_AXIS_DATE;
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

/*
 * The least of two texts (NULL the greatest): the chart's title and style
 * are the least given, so every plan picks the same ones.
 */
static bool
text_before(const SvgState *state, int32 offset, const char *text, int len)
{
	const char *kept;
	int			cmp;

	if (offset < 0)
		return true;
	kept = state->arena.data + offset;
	cmp = strncmp(text, kept, len);
	return cmp < 0 || (cmp == 0 && kept[len] != '\0' && len < (int) strlen(kept));
}

static void
keep_least_text(FunctionCallInfo fcinfo, int argno, SvgState *state, MemoryContext mcxt, int32 *offset)
{
	text	   *t;

	if (PG_NARGS() <= argno || PG_ARGISNULL(argno))
		return;
	t = PG_GETARG_TEXT_PP(argno);
	if (text_before(state, *offset, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)))
		*offset = keep_text(state, mcxt, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

/* The last style seen by this call site, as jsonb and as text. */
typedef struct StyleCache
{
	Jsonb	   *jsonb;
	char	   *text;
} StyleCache;

/*
 * The style argument as text.  It is the same on every row of a chart, so
 * its conversion is kept for the call site rather than redone per row.
 */
static const char *
style_text(FunctionCallInfo fcinfo, int argno)
{
	Jsonb	   *jb = PG_GETARG_JSONB_P(argno);
	StyleCache *cache = fcinfo->flinfo->fn_extra;
	MemoryContext old;

	if (cache && VARSIZE(cache->jsonb) == VARSIZE(jb) && memcmp(cache->jsonb, jb, VARSIZE(jb)) == 0)
		return cache->text;
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	if (cache == NULL)
		cache = fcinfo->flinfo->fn_extra = palloc0(sizeof(StyleCache));
	else
	{
		pfree(cache->jsonb);
		pfree(cache->text);
	}
	cache->jsonb = palloc(VARSIZE(jb));
	memcpy(cache->jsonb, jb, VARSIZE(jb));
	cache->text = JsonbToCString(NULL, &jb->root, VARSIZE(jb));
	MemoryContextSwitchTo(old);
	return cache->text;
}

/* The x value of argument argno as a double, by its type; false: not drawn. */
static bool
x_value(FunctionCallInfo fcinfo, int argno, double *t, int32 *axis)
{
	Oid			type = get_fn_expr_argtype(fcinfo->flinfo, argno);

	if (PG_ARGISNULL(argno))
		return false;
	switch (type)
	{
		case DATEOID:
			{
				DateADT		d = PG_GETARG_DATEADT(argno);

				*axis = SPC_SVG_AXIS_DATE;
				*t = d;
				return !DATE_NOT_FINITE(d);
			}
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			{
				Timestamp	ts = PG_GETARG_TIMESTAMP(argno);

				if (TIMESTAMP_NOT_FINITE(ts))
					return false;
				/* shown in the session's time zone, as PostgreSQL shows it */
				if (type == TIMESTAMPTZOID)
				{
					ts = DatumGetTimestamp(DirectFunctionCall1(timestamptz_timestamp, TimestampTzGetDatum(ts)));
					if (TIMESTAMP_NOT_FINITE(ts))
						return false;
				}
				*axis = SPC_SVG_AXIS_TIME;
				*t = (double) ts / (double) USECS_PER_DAY;
				return true;
			}
		case FLOAT8OID:
			*axis = SPC_SVG_AXIS_NUMBER;
			*t = PG_GETARG_FLOAT8(argno);
			return isfinite(*t);
		default:
			elog(ERROR, "spc.chart_svg: unexpected x type %u", type);
	}
	return false;
}

/*
 * Transition: (state, [facet,] t, point [, phase, annotation, goal, title
 * [, style]]); `first` is the position of t.
 */
static Datum
svg_accum(FunctionCallInfo fcinfo, int first, const char *caller)
{
	MemoryContext aggcontext = SpcAggregateContext(fcinfo, caller);
	SvgState   *state = PG_ARGISNULL(0) ? svg_new_state(aggcontext) : (SvgState *) PG_GETARG_POINTER(0);
	HeapTupleHeader point;
	SvgRow	   *row;
	bool		isnull;
	Datum		d;
	double		t;
	int32		axis;

	/* the goal, title and style of the chart: the least ones given */
	if (PG_NARGS() > first + 4 && !PG_ARGISNULL(first + 4) &&
		(isnan(state->goal) || PG_GETARG_FLOAT8(first + 4) < state->goal))
		state->goal = PG_GETARG_FLOAT8(first + 4);
	keep_least_text(fcinfo, first + 5, state, aggcontext, &state->title);
	if (PG_NARGS() > first + 6 && !PG_ARGISNULL(first + 6))
	{
		const char *style = style_text(fcinfo, first + 6);

		if (text_before(state, state->style, style, strlen(style)))
			state->style = keep_text(state, aggcontext, style, strlen(style));
	}

	/* a row without an x value or a point has no place on the chart */
	if (!x_value(fcinfo, first, &t, &axis) || PG_ARGISNULL(first + 1))
		PG_RETURN_POINTER(state);
	state->axis = axis;
	point = PG_GETARG_HEAPTUPLEHEADER(first + 1);
	if (state->nrows == state->capacity)
	{
		state->capacity *= 2;
		state->rows = repalloc_huge(state->rows, mul_size(state->capacity, sizeof(SvgRow)));
	}
	row = &state->rows[state->nrows++];
	row->t = t;
	row->goal = PG_NARGS() > first + 4 && !PG_ARGISNULL(first + 4) ? PG_GETARG_FLOAT8(first + 4) : NAN;
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
	row->phase = keep_text_arg(fcinfo, first + 2, state, aggcontext);
	row->annotation = keep_text_arg(fcinfo, first + 3, state, aggcontext);
	row->facet = first > 1 ? keep_text_arg(fcinfo, 1, state, aggcontext) : -1;
	PG_RETURN_POINTER(state);
}

PG_FUNCTION_INFO_V1(spc_chart_svg_accum);

/* Transition: (state, t, point [, phase, annotation, goal, title [, style]]). */
Datum
spc_chart_svg_accum(PG_FUNCTION_ARGS)
{
	return svg_accum(fcinfo, 1, "spc_chart_svg_accum");
}

PG_FUNCTION_INFO_V1(spc_chart_svg_grid_accum);

/* Transition: (state, facet, t, point, phase, annotation, goal, title, style). */
Datum
spc_chart_svg_grid_accum(PG_FUNCTION_ARGS)
{
	return svg_accum(fcinfo, 2, "spc_chart_svg_grid_accum");
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
		row->facet = row->facet < 0 ? -1 : row->facet + shift;
	}
	appendBinaryStringInfo(&a->arena, b->arena.data, b->arena.len);
	if (isnan(a->goal) || b->goal < a->goal)
		a->goal = b->goal;
	if (b->title >= 0 && text_before(a, a->title, b->arena.data + b->title, strlen(b->arena.data + b->title)))
		a->title = b->title + shift;
	if (b->style >= 0 && text_before(a, a->style, b->arena.data + b->style, strlen(b->arena.data + b->style)))
		a->style = b->style + shift;
	if (b->nrows > 0)
		a->axis = b->axis;
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
	pq_sendint32(&buf, state->style);
	pq_sendint32(&buf, state->axis);
	pq_sendint64(&buf, state->nrows);
	for (int64 i = 0; i < state->nrows; i++)
	{
		const SvgRow *r = &state->rows[i];

		pq_sendfloat8(&buf, r->t);
		pq_sendfloat8(&buf, r->y);
		pq_sendfloat8(&buf, r->cl);
		pq_sendfloat8(&buf, r->lcl);
		pq_sendfloat8(&buf, r->ucl);
		pq_sendfloat8(&buf, r->sigma);
		pq_sendfloat8(&buf, r->goal);
		pq_sendint32(&buf, r->variation);
		pq_sendint32(&buf, r->phase);
		pq_sendint32(&buf, r->annotation);
		pq_sendint32(&buf, r->signals);
		pq_sendint32(&buf, r->facet);
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
	const int64 row_bytes = 7 * 8 + 5 * 4 + 1;
	int64		nrows;
	int32		arena_len;
	MemoryContext old;

	SpcStateReader(&buf, bytes);
	if (buf.len < 4 + 8 + 3 * 4 + 8 + 4 || pq_getmsgint(&buf, 4) != SVG_STATE_VERSION)
		report_bad_svg_state();
	state->goal = pq_getmsgfloat8(&buf);
	state->title = pq_getmsgint(&buf, 4);
	state->style = pq_getmsgint(&buf, 4);
	state->axis = pq_getmsgint(&buf, 4);
	if (state->axis < SPC_SVG_AXIS_DATE || state->axis > SPC_SVG_AXIS_NUMBER)
		report_bad_svg_state();
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

		r->t = pq_getmsgfloat8(&buf);
		r->y = pq_getmsgfloat8(&buf);
		r->cl = pq_getmsgfloat8(&buf);
		r->lcl = pq_getmsgfloat8(&buf);
		r->ucl = pq_getmsgfloat8(&buf);
		r->sigma = pq_getmsgfloat8(&buf);
		r->goal = pq_getmsgfloat8(&buf);
		r->variation = pq_getmsgint(&buf, 4);
		r->phase = pq_getmsgint(&buf, 4);
		r->annotation = pq_getmsgint(&buf, 4);
		r->signals = pq_getmsgint(&buf, 4);
		r->facet = pq_getmsgint(&buf, 4);
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
		int32		offsets[4];
		int			count = 0;

		if (i < 0)
		{
			offsets[count++] = state->title;
			offsets[count++] = state->style;
		}
		else
		{
			offsets[count++] = state->rows[i].phase;
			offsets[count++] = state->rows[i].annotation;
			offsets[count++] = state->rows[i].signals;
			offsets[count++] = state->rows[i].facet;
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

/* The rows as svg_render.c takes them (a copy: the state stays as it is). */
static Datum
svg_final(FunctionCallInfo fcinfo, bool grid, const char *caller)
{
	SvgState   *state = PG_ARGISNULL(0) ? NULL : (SvgState *) PG_GETARG_POINTER(0);
	SpcSvgRow  *rows;

	(void) SpcAggregateContext(fcinfo, caller);
	if (state == NULL || state->nrows == 0)
		PG_RETURN_NULL();
	rows = palloc_extended(mul_size(state->nrows, sizeof(SpcSvgRow)), MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < state->nrows; i++)
	{
		const SvgRow *r = &state->rows[i];

		if ((i & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
		rows[i].t = r->t;
		rows[i].y = r->y;
		rows[i].cl = r->cl;
		rows[i].lcl = r->lcl;
		rows[i].ucl = r->ucl;
		rows[i].sigma = r->sigma;
		rows[i].goal = r->goal;
		rows[i].signal = r->signal;
		rows[i].variation = (SpcVariation) r->variation;
		rows[i].phase = arena_text(state, r->phase);
		rows[i].annotation = arena_text(state, r->annotation);
		rows[i].signals = arena_text(state, r->signals);
		rows[i].facet = arena_text(state, r->facet);
	}
	PG_RETURN_TEXT_P(SpcRenderSvg(rows, state->nrows, (SpcSvgAxis) state->axis,
								  arena_text(state, state->title), state->goal,
								  arena_text(state, state->style), grid));
}

PG_FUNCTION_INFO_V1(spc_chart_svg_final);

/* Sort, number the phases, render. */
Datum
spc_chart_svg_final(PG_FUNCTION_ARGS)
{
	return svg_final(fcinfo, false, "spc_chart_svg_final");
}

PG_FUNCTION_INFO_V1(spc_chart_svg_grid_final);

/* One chart per facet, in a grid. */
Datum
spc_chart_svg_grid_final(PG_FUNCTION_ARGS)
{
	return svg_final(fcinfo, true, "spc_chart_svg_grid_final");
}
