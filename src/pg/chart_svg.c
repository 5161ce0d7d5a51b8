/*
 * src/pg/chart_svg.c
 *
 * The state of spc.chart_svg(t, point [, phase, annotation, goal, title
 * [, style]]) and spc.chart_svg_grid(facet, t, point, ...): the points of one
 * chart (spc.point values, as spc.chart returns them) or of a grid of them.
 * Rows carry their x value, so partial states combine in any order; the
 * final functions hand the rows to svg_render.c, which sorts and draws them.
 *
 * From 0.2.0 the state is the type spc.chart_svg_state (not internal), so
 * Citus can aggregate partially on the workers: an expanded object while a
 * group is aggregated, a flat varlena otherwise, and as text the hex of its
 * binary form (exact whatever extra_float_digits says).  The 0.1.0 entry
 * points (internal state) stay for databases still at 0.1.0.
 *
 * Why one file of this length: as in phase_summary.c, both generations of
 * entry points share the state's rows, text arena, binary form and checks;
 * together they keep those helpers private and the forms alike.
 */
#include "spc_pg.h"

#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/expandeddatum.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

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

static void
svg_init_state(SvgState *state, MemoryContext mcxt, int64 capacity)
{
	MemoryContext old = MemoryContextSwitchTo(mcxt);

	memset(state, 0, sizeof(SvgState));
	state->capacity = Max(capacity, 16);
	state->rows = palloc_extended(mul_size(state->capacity, sizeof(SvgRow)), MCXT_ALLOC_HUGE);
	initStringInfo(&state->arena);
	state->goal = NAN;
	state->title = -1;
	state->style = -1;
	state->axis = SPC_SVG_AXIS_DATE;
	MemoryContextSwitchTo(old);
}

static SvgState *
svg_new_state(MemoryContext mcxt)
{
	SvgState   *state = MemoryContextAlloc(mcxt, sizeof(SvgState));

	svg_init_state(state, mcxt, 64);
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
 * [, style]]); `first` is the position of t; the state's memory is mcxt.
 */
static void
svg_accum(FunctionCallInfo fcinfo, int first, SvgState *state, MemoryContext aggcontext)
{
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
		return;
	state->axis = axis;
	point = PG_GETARG_HEAPTUPLEHEADER(first + 1);
	if (state->nrows == state->capacity)
	{
		state->capacity *= 2;
		state->rows = repalloc_huge(state->rows, mul_size(state->capacity, sizeof(SvgRow)));
	}
	row = &state->rows[state->nrows++];
	memset(row, 0, sizeof(SvgRow));	/* padding too: the state is sent as is */
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
}

PG_FUNCTION_INFO_V1(spc_chart_svg_accum);

/* 0.1.0: transition over the internal state. */
Datum
spc_chart_svg_accum(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = SpcAggregateContext(fcinfo, "spc_chart_svg_accum");
	SvgState   *state = PG_ARGISNULL(0) ? svg_new_state(aggcontext) : (SvgState *) PG_GETARG_POINTER(0);

	svg_accum(fcinfo, 1, state, aggcontext);
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
		a->capacity = Max(a->nrows + b->nrows, 2 * a->capacity);
		a->rows = repalloc_huge(a->rows, mul_size(a->capacity, sizeof(SvgRow)));
	}
	for (int64 i = 0; i < b->nrows; i++)
	{
		SvgRow	   *row = &a->rows[a->nrows++];

		memcpy(row, &b->rows[i], sizeof(SvgRow));	/* padding too: states are sent as is */
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

/* The binary form: version, goal, title, rows, arena (network order). */
static void
send_svg_state(StringInfo buf, const SvgState *state)
{
	pq_sendint32(buf, SVG_STATE_VERSION);
	pq_sendfloat8(buf, state->goal);
	pq_sendint32(buf, state->title);
	pq_sendint32(buf, state->style);
	pq_sendint32(buf, state->axis);
	pq_sendint64(buf, state->nrows);
	for (int64 i = 0; i < state->nrows; i++)
	{
		const SvgRow *r = &state->rows[i];

		pq_sendfloat8(buf, r->t);
		pq_sendfloat8(buf, r->y);
		pq_sendfloat8(buf, r->cl);
		pq_sendfloat8(buf, r->lcl);
		pq_sendfloat8(buf, r->ucl);
		pq_sendfloat8(buf, r->sigma);
		pq_sendfloat8(buf, r->goal);
		pq_sendint32(buf, r->variation);
		pq_sendint32(buf, r->phase);
		pq_sendint32(buf, r->annotation);
		pq_sendint32(buf, r->signals);
		pq_sendint32(buf, r->facet);
		pq_sendbyte(buf, r->signal);
	}
	pq_sendint32(buf, state->arena.len);
	pq_sendbytes(buf, state->arena.data, state->arena.len);
}

PG_FUNCTION_INFO_V1(spc_chart_svg_serialize);

/* 0.1.0: the internal state as a bytea, for parallel workers. */
Datum
spc_chart_svg_serialize(PG_FUNCTION_ARGS)
{
	SvgState   *state = (SvgState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	(void) SpcAggregateContext(fcinfo, "spc_chart_svg_serialize");
	pq_begintypsend(&buf);
	send_svg_state(&buf, state);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static void
report_bad_svg_state(void)
{
	SpcReportBadState("spc.chart_svg");
}

/* Every text offset must start a terminated string inside the arena. */
static void
check_svg_state(const SvgState *state)
{
	int32		arena_len = state->arena.len;

	for (int64 i = -1; i < state->nrows; i++)
	{
		int32		offsets[4];
		int			count = 0;

		if (i < 0)
		{
			offsets[count++] = state->title;
			offsets[count++] = state->style;
			if (state->axis < SPC_SVG_AXIS_DATE || state->axis > SPC_SVG_AXIS_NUMBER)
				report_bad_svg_state();
		}
		else
		{
			offsets[count++] = state->rows[i].phase;
			offsets[count++] = state->rows[i].annotation;
			offsets[count++] = state->rows[i].signals;
			offsets[count++] = state->rows[i].facet;
			if (!isfinite(state->rows[i].t))	/* the transition never keeps one */
				report_bad_svg_state();
			if (state->rows[i].variation < SPC_VARIATION_NONE ||
				state->rows[i].variation > SPC_VARIATION_LAST)
				report_bad_svg_state();
		}
		for (int k = 0; k < count; k++)
			if (offsets[k] < -1 || offsets[k] >= arena_len ||
				(offsets[k] >= 0 && memchr(state->arena.data + offsets[k], '\0', arena_len - offsets[k]) == NULL))
				report_bad_svg_state();
	}
}

/* Read the binary form from buf (to its end) into a new state in mcxt. */
static SvgState *
receive_svg_state(StringInfo buf, MemoryContext mcxt)
{
	const int64 row_bytes = 7 * 8 + 5 * 4 + 1;
	SvgState   *state;
	int64		nrows;
	int32		arena_len;
	MemoryContext old;

	if (buf->len - buf->cursor < 4 + 8 + 3 * 4 + 8 + 4 || pq_getmsgint(buf, 4) != SVG_STATE_VERSION)
		report_bad_svg_state();
	state = MemoryContextAlloc(mcxt, sizeof(SvgState));
	svg_init_state(state, mcxt, 0);
	state->goal = pq_getmsgfloat8(buf);
	state->title = pq_getmsgint(buf, 4);
	state->style = pq_getmsgint(buf, 4);
	state->axis = pq_getmsgint(buf, 4);
	nrows = pq_getmsgint64(buf);
	if (nrows < 0 || nrows > (buf->len - buf->cursor) / row_bytes)
		report_bad_svg_state();
	old = MemoryContextSwitchTo(mcxt);
	state->capacity = Max(nrows, 1);
	state->rows = repalloc_huge(state->rows, mul_size(state->capacity, sizeof(SvgRow)));
	MemoryContextSwitchTo(old);
	memset(state->rows, 0, nrows * sizeof(SvgRow));
	for (int64 i = 0; i < nrows; i++)
	{
		SvgRow	   *r = &state->rows[i];

		r->t = pq_getmsgfloat8(buf);
		r->y = pq_getmsgfloat8(buf);
		r->cl = pq_getmsgfloat8(buf);
		r->lcl = pq_getmsgfloat8(buf);
		r->ucl = pq_getmsgfloat8(buf);
		r->sigma = pq_getmsgfloat8(buf);
		r->goal = pq_getmsgfloat8(buf);
		r->variation = pq_getmsgint(buf, 4);
		r->phase = pq_getmsgint(buf, 4);
		r->annotation = pq_getmsgint(buf, 4);
		r->signals = pq_getmsgint(buf, 4);
		r->facet = pq_getmsgint(buf, 4);
		r->signal = pq_getmsgbyte(buf) != 0;
	}
	state->nrows = nrows;
	arena_len = pq_getmsgint(buf, 4);
	if (arena_len < 0 || arena_len != buf->len - buf->cursor)
		report_bad_svg_state();
	old = MemoryContextSwitchTo(mcxt);
	appendBinaryStringInfo(&state->arena, pq_getmsgbytes(buf, arena_len), arena_len);
	MemoryContextSwitchTo(old);
	check_svg_state(state);
	return state;
}

PG_FUNCTION_INFO_V1(spc_chart_svg_deserialize);

/*
 * 0.1.0: rebuild a state, checking every size and offset.  In the per-call
 * memory context: the combine function copies what it keeps.
 */
Datum
spc_chart_svg_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *bytes = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	SvgState   *state;

	(void) SpcAggregateContext(fcinfo, "spc_chart_svg_deserialize");
	SpcStateReader(&buf, bytes);
	state = receive_svg_state(&buf, CurrentMemoryContext);
	pq_getmsgend(&buf);
	PG_RETURN_POINTER(state);
}

static const char *
arena_text(const SvgState *state, int32 offset)
{
	return offset < 0 ? NULL : state->arena.data + offset;
}

/* The rows as svg_render.c takes them: it sorts and draws (a grid by facet). */
static Datum
final_svg(FunctionCallInfo fcinfo, const SvgState *state, bool grid)
{
	SpcSvgRow  *rows;

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

/* 0.1.0: final function over the internal state. */
Datum
spc_chart_svg_final(PG_FUNCTION_ARGS)
{
	(void) SpcAggregateContext(fcinfo, "spc_chart_svg_final");
	return final_svg(fcinfo, PG_ARGISNULL(0) ? NULL : (SvgState *) PG_GETARG_POINTER(0), false);
}

/*
 * ---- 0.2.0: the state type spc.chart_svg_state ----
 *
 * Flat: a fixed header, the rows as they are in memory, then the text arena.
 * Expanded (while a group is aggregated): SvgState in its own memory context.
 */
typedef struct SvgStateFlat
{
	int32		vl_len_;
	int32		version;
	double		goal;
	int32		title;
	int32		style;
	int32		axis;
	int32		arena_len;
	int64		nrows;
	SvgRow		rows[FLEXIBLE_ARRAY_MEMBER];	/* then arena_len bytes of text */
} SvgStateFlat;

#define SVG_FLAT_HEADER offsetof(SvgStateFlat, rows)

typedef struct SvgStateExpanded
{
	ExpandedObjectHeader hdr;
	SvgState	state;
} SvgStateExpanded;

static Size
svg_flat_size_of(const SvgState *state)
{
	if (state->nrows > (int64) ((MaxAllocSize - SVG_FLAT_HEADER - state->arena.len) / sizeof(SvgRow)))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("spc.chart_svg state of %lld points is too large to store or pass between processes",
						(long long) state->nrows)));
	return SVG_FLAT_HEADER + state->nrows * sizeof(SvgRow) + state->arena.len;
}

static Size
svg_flat_size(ExpandedObjectHeader *eohptr)
{
	return svg_flat_size_of(&((SvgStateExpanded *) eohptr)->state);
}

static void
svg_flatten_state(const SvgState *state, void *result, Size allocated_size)
{
	SvgStateFlat *flat = (SvgStateFlat *) result;

	memset(flat, 0, SVG_FLAT_HEADER);
	SET_VARSIZE(flat, allocated_size);
	flat->version = SVG_STATE_VERSION;
	flat->goal = state->goal;
	flat->title = state->title;
	flat->style = state->style;
	flat->axis = state->axis;
	flat->arena_len = state->arena.len;
	flat->nrows = state->nrows;
	memcpy(flat->rows, state->rows, state->nrows * sizeof(SvgRow));
	memcpy((char *) flat->rows + state->nrows * sizeof(SvgRow), state->arena.data, state->arena.len);
}

static void
svg_flatten_into(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	svg_flatten_state(&((SvgStateExpanded *) eohptr)->state, result, allocated_size);
}

static const ExpandedObjectMethods svg_state_methods = {
	svg_flat_size,
	svg_flatten_into
};

static SvgStateExpanded *
svg_new_expanded(MemoryContext parent, int64 capacity)
{
	MemoryContext cxt = AllocSetContextCreate(parent, "spc.chart_svg_state", ALLOCSET_SMALL_SIZES);
	SvgStateExpanded *e = MemoryContextAlloc(cxt, sizeof(SvgStateExpanded));

	EOH_init_header(&e->hdr, &svg_state_methods, cxt);
	svg_init_state(&e->state, cxt, capacity);
	return e;
}

static SvgStateExpanded *
svg_expanded_of(Datum d)
{
	return (SvgStateExpanded *) SpcExpandedStateOf(d, &svg_state_methods, "spc.chart_svg");
}

/*
 * A state to read: the expanded object itself, or a checked view of a flat
 * value (rows and texts not copied).
 */
static const SvgState *
svg_state_to_read(Datum d, SvgState *view)
{
	SvgStateExpanded *e = svg_expanded_of(d);
	SvgStateFlat *flat;
	Size		size;

	if (e)
		return &e->state;
	flat = (SvgStateFlat *) PG_DETOAST_DATUM(d);
	size = VARSIZE(flat);
	if (size < SVG_FLAT_HEADER || flat->version != SVG_STATE_VERSION ||
		flat->nrows < 0 || flat->arena_len < 0 ||
		(Size) flat->nrows > (size - SVG_FLAT_HEADER) / sizeof(SvgRow) ||
		size - SVG_FLAT_HEADER - flat->nrows * sizeof(SvgRow) != (Size) flat->arena_len)
		report_bad_svg_state();
	memset(view, 0, sizeof(SvgState));
	view->goal = flat->goal;
	view->title = flat->title;
	view->style = flat->style;
	view->axis = flat->axis;
	view->nrows = view->capacity = flat->nrows;
	view->rows = flat->rows;
	view->arena.data = (char *) flat->rows + flat->nrows * sizeof(SvgRow);
	view->arena.len = view->arena.maxlen = flat->arena_len;
	check_svg_state(view);
	return view;
}

/*
 * The state argument 0 to change in place: a read-write expanded object as
 * is, NULL or anything else as a new expanded object under aggcontext.
 */
static SvgStateExpanded *
svg_state_to_update(FunctionCallInfo fcinfo, MemoryContext aggcontext)
{
	Datum		d = PG_GETARG_DATUM(0);
	SvgStateExpanded *e;
	SvgState	view;
	const SvgState *src;

	if (PG_ARGISNULL(0))
		return svg_new_expanded(aggcontext, 16);
	if (VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(d)) && (e = svg_expanded_of(d)) != NULL)
		return e;
	src = svg_state_to_read(d, &view);
	e = svg_new_expanded(aggcontext, src->nrows);
	svg_append(&e->state, src, e->hdr.eoh_context);
	return e;
}

PG_FUNCTION_INFO_V1(spc_chart_svg_state_accum);

/* Transition of spc.chart_svg over spc.chart_svg_state. */
Datum
spc_chart_svg_state_accum(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = SpcAggregateContext(fcinfo, "spc_chart_svg_state_accum");
	SvgStateExpanded *e = svg_state_to_update(fcinfo, aggcontext);

	svg_accum(fcinfo, 1, &e->state, e->hdr.eoh_context);
	PG_RETURN_DATUM(EOHPGetRWDatum(&e->hdr));
}

PG_FUNCTION_INFO_V1(spc_chart_svg_grid_accum);

/* Transition of spc.chart_svg_grid: (state, facet, t, point, phase, annotation, goal, title, style). */
Datum
spc_chart_svg_grid_accum(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = SpcAggregateContext(fcinfo, "spc_chart_svg_grid_accum");
	SvgStateExpanded *e = svg_state_to_update(fcinfo, aggcontext);

	svg_accum(fcinfo, 2, &e->state, e->hdr.eoh_context);
	PG_RETURN_DATUM(EOHPGetRWDatum(&e->hdr));
}

PG_FUNCTION_INFO_V1(spc_chart_svg_state_combine);

/* Combine: the points of both; the second state is only read. */
Datum
spc_chart_svg_state_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = SpcAggregateContext(fcinfo, "spc_chart_svg_state_combine");
	SvgStateExpanded *a;
	const SvgState *b;
	SvgState	view;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = svg_state_to_read(PG_GETARG_DATUM(1), &view);
	a = svg_state_to_update(fcinfo, aggcontext);
	svg_append(&a->state, b, a->hdr.eoh_context);
	PG_RETURN_DATUM(EOHPGetRWDatum(&a->hdr));
}

PG_FUNCTION_INFO_V1(spc_chart_svg_state_final);

Datum
spc_chart_svg_state_final(PG_FUNCTION_ARGS)
{
	SvgState	view;

	(void) SpcAggregateContext(fcinfo, "spc_chart_svg_state_final");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	return final_svg(fcinfo, svg_state_to_read(PG_GETARG_DATUM(0), &view), false);
}

PG_FUNCTION_INFO_V1(spc_chart_svg_grid_final);

/* Final function of spc.chart_svg_grid: one chart per facet. */
Datum
spc_chart_svg_grid_final(PG_FUNCTION_ARGS)
{
	SvgState	view;

	(void) SpcAggregateContext(fcinfo, "spc_chart_svg_grid_final");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	return final_svg(fcinfo, svg_state_to_read(PG_GETARG_DATUM(0), &view), true);
}

static Datum
svg_flat_datum(const SvgState *state)
{
	Size		size = svg_flat_size_of(state);
	void	   *flat = palloc(size);

	svg_flatten_state(state, flat, size);
	return PointerGetDatum(flat);
}

PG_FUNCTION_INFO_V1(spc_chart_svg_state_send);

/* Binary output: the 0.1.0 serialised form (floats in network order). */
Datum
spc_chart_svg_state_send(PG_FUNCTION_ARGS)
{
	SvgState	view;
	StringInfoData buf;

	pq_begintypsend(&buf);
	send_svg_state(&buf, svg_state_to_read(PG_GETARG_DATUM(0), &view));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(spc_chart_svg_state_recv);

Datum
spc_chart_svg_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);

	PG_RETURN_DATUM(svg_flat_datum(receive_svg_state(buf, CurrentMemoryContext)));
}

PG_FUNCTION_INFO_V1(spc_chart_svg_state_out);

/* Text output: the hex digits of the binary form, exact through any text protocol. */
Datum
spc_chart_svg_state_out(PG_FUNCTION_ARGS)
{
	SvgState	view;
	StringInfoData buf;
	char	   *hex;

	initStringInfo(&buf);
	send_svg_state(&buf, svg_state_to_read(PG_GETARG_DATUM(0), &view));
	hex = palloc_extended(mul_size(buf.len, 2) + 1, MCXT_ALLOC_HUGE);
	hex[hex_encode(buf.data, buf.len, hex)] = '\0';
	PG_RETURN_CSTRING(hex);
}

PG_FUNCTION_INFO_V1(spc_chart_svg_state_in);

Datum
spc_chart_svg_state_in(PG_FUNCTION_ARGS)
{
	const char *hex = PG_GETARG_CSTRING(0);
	size_t		len = strlen(hex);
	StringInfoData buf;
	SvgState   *state;

	buf.data = palloc_extended(len / 2 + 1, MCXT_ALLOC_HUGE);
	buf.len = (int) hex_decode(hex, len, buf.data);
	buf.maxlen = buf.len + 1;
	buf.cursor = 0;
	buf.data[buf.len] = '\0';
	state = receive_svg_state(&buf, CurrentMemoryContext);
	pq_getmsgend(&buf);
	PG_RETURN_DATUM(svg_flat_datum(state));
}
