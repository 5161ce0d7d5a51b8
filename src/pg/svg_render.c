/*
 * src/pg/svg_render.c
 *
 * Drawing for spc.chart_svg and spc.chart_svg_grid (their state lives in
 * chart_svg.c): the rows in a total order, so the same rows give the same
 * bytes whatever the plan; the style argument; the call into the core
 * renderer, which checks for interrupts as it goes.  Also the NHS Making
 * Data Count icons, spc.variation_icon and spc.assurance_icon.
 */
#include "spc_pg.h"

#include "miscadmin.h"
#include "utils/memutils.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

/* Doubles in a total order: NaN last, -0 before +0. */
static int
compare_double(double a, double b)
{
	if (isnan(a) || isnan(b))
		return isnan(a) - isnan(b);
	if (a != b)
		return a < b ? -1 : 1;
	return (int) signbit(b) - (int) signbit(a);
}

/* Texts in a total order: NULL first. */
static int
compare_text(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/*
 * Facet, x, then every other field: rows that compare equal are identical,
 * so the order in which the plan delivered them cannot show.
 */
static int
compare_rows(const void *pa, const void *pb)
{
	const SpcSvgRow *a = pa,
			   *b = pb;
	int			c;

	if ((c = compare_text(a->facet, b->facet)) != 0 ||
		(c = compare_double(a->t, b->t)) != 0 ||
		(c = compare_text(a->phase, b->phase)) != 0 ||
		(c = compare_double(a->y, b->y)) != 0 ||
		(c = compare_double(a->cl, b->cl)) != 0 ||
		(c = compare_double(a->lcl, b->lcl)) != 0 ||
		(c = compare_double(a->ucl, b->ucl)) != 0 ||
		(c = compare_double(a->sigma, b->sigma)) != 0 ||
		(c = compare_double(a->goal, b->goal)) != 0 ||
		(c = (int) a->signal - (int) b->signal) != 0 ||
		(c = (int) a->variation - (int) b->variation) != 0 ||
		(c = compare_text(a->signals, b->signals)) != 0)
		return c;
	return compare_text(a->annotation, b->annotation);
}

/* What the style argument sets. */
typedef struct SvgStyle
{
	SpcSvgChart chart;
	int			columns;
	bool		shared_y;
} SvgStyle;

static const char *const style_keys_hint =
"Valid keys are width, height, y_title, x_title, id, chart, percent, scale, columns and y_scale.";

static void
report_bad_style(const char *key, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid value for spc.chart_svg style key \"%s\"", key),
			 errdetail("%s", why),
			 errhint("%s", style_keys_hint)));
}

static double
style_number(const JsonbValue *v, const char *key, double lo, double hi)
{
	double		d;

	if (v->type != jbvNumeric)
		report_bad_style(key, "The value must be a number.");
	d = DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v->val.numeric)));
	if (!(d >= lo && d <= hi))
		report_bad_style(key, psprintf("The value must be between %g and %g.", lo, hi));
	return d;
}

static char *
style_text(const JsonbValue *v, const char *key)
{
	if (v->type != jbvString)
		report_bad_style(key, "The value must be a string.");
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/*
 * The chart argument of spc.chart ('p', 'pp(multiply=100)'): proportions
 * are shown per cent; a multiply option means the values come multiplied
 * already (per cent when it is 100).
 */
static void
style_from_chart(SvgStyle *style, const char *spec)
{
	char		name[16];
	int			len = 0;
	const char *multiply;

	while (*spec == ' ')
		spec++;
	while (spec[len] && spec[len] != '(' && spec[len] != ' ' && len < 15)
	{
		name[len] = pg_ascii_tolower((unsigned char) spec[len]);
		len++;
	}
	name[len] = '\0';
	multiply = strstr(spec, "multiply");
	if (multiply)
	{
		const char *eq = strchr(multiply, '=');
		double		m = eq ? strtod(eq + 1, NULL) : 1;

		style->chart.percent = m == 100;
		style->chart.scale = 1;
	}
	else if (strcmp(name, "p") == 0 || strcmp(name, "pp") == 0)
	{
		style->chart.percent = true;
		style->chart.scale = 100;
	}
}

static void
parse_style(const char *json, SvgStyle *style)
{
	Jsonb	   *jb;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	char	   *key = NULL;
	bool		scale_given = false,
				percent_given = false;
	double		scale = 1;
	bool		percent = false;

	if (json == NULL)
		return;
	jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(json)));
	if (!JB_ROOT_IS_OBJECT(jb))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("spc.chart_svg style must be a JSON object"),
				 errhint("%s", style_keys_hint)));
	it = JsonbIteratorInit(&jb->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			key = pnstrdup(v.val.string.val, v.val.string.len);
			continue;
		}
		if (tok != WJB_VALUE || key == NULL)
			continue;
		if (v.type == jbvNull)
			continue;
		if (strcmp(key, "width") == 0)
			style->chart.width = style_number(&v, key, 200, 8000);
		else if (strcmp(key, "height") == 0)
			style->chart.height = style_number(&v, key, 120, 8000);
		else if (strcmp(key, "y_title") == 0)
			style->chart.unit = style_text(&v, key);
		else if (strcmp(key, "x_title") == 0)
			style->chart.x_title = style_text(&v, key);
		else if (strcmp(key, "id") == 0)
			style->chart.id = style_text(&v, key);
		else if (strcmp(key, "chart") == 0)
			style_from_chart(style, style_text(&v, key));
		else if (strcmp(key, "scale") == 0)
		{
			scale = style_number(&v, key, 1e-12, 1e12);
			scale_given = true;
		}
		else if (strcmp(key, "percent") == 0)
		{
			if (v.type != jbvBool)
				report_bad_style(key, "The value must be true or false.");
			percent = v.val.boolean;
			percent_given = true;
		}
		else if (strcmp(key, "columns") == 0)
			style->columns = (int) style_number(&v, key, 1, 24);
		else if (strcmp(key, "y_scale") == 0)
		{
			char	   *mode = style_text(&v, key);

			if (strcmp(mode, "shared") != 0 && strcmp(mode, "free") != 0)
				report_bad_style(key, "The value must be \"shared\" or \"free\".");
			style->shared_y = strcmp(mode, "shared") == 0;
		}
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown spc.chart_svg style key \"%s\"", key),
					 errhint("%s", style_keys_hint)));
		key = NULL;
	}
	/* explicit keys win over what the chart type implies */
	if (scale_given)
		style->chart.scale = scale;
	if (percent_given)
		style->chart.percent = percent;
}

static void
check_interrupts(void *ctx)
{
	CHECK_FOR_INTERRUPTS();
}

static void *
palloc_grow(void *ctx, void *old, size_t size)
{
	if (!AllocSizeIsValid(size))
		return NULL;
	return old ? repalloc(old, size) : palloc(size);
}

static void
palloc_release(void *ctx, void *block)
{
	pfree(block);
}

/*
 * The rows in their total order, as pointers: a bottom-up merge sort (runs
 * of 16 by insertion first) that checks for interrupts as it goes, where
 * qsort over a million rows could not be cancelled.
 */
static const SpcSvgRow **
sort_rows(const SpcSvgRow *rows, int64 count)
{
	const SpcSvgRow **a = palloc_extended(mul_size(Max(count, 1), sizeof(SpcSvgRow *)), MCXT_ALLOC_HUGE);
	const SpcSvgRow **b = palloc_extended(mul_size(Max(count, 1), sizeof(SpcSvgRow *)), MCXT_ALLOC_HUGE);
	int64		work = 0;

	for (int64 i = 0; i < count; i++)
		a[i] = &rows[i];
	for (int64 from = 0; from < count; from += 16)
	{
		int64		to = Min(from + 16, count);

		for (int64 i = from + 1; i < to; i++)
		{
			const SpcSvgRow *r = a[i];
			int64		j = i;

			while (j > from && compare_rows(a[j - 1], r) > 0)
			{
				a[j] = a[j - 1];
				j--;
			}
			a[j] = r;
		}
	}
	for (int64 width = 16; width < count; width *= 2)
	{
		const SpcSvgRow **swap;

		for (int64 lo = 0; lo < count; lo += 2 * width)
		{
			int64		mid = Min(lo + width, count),
						hi = Min(lo + 2 * width, count),
						i = lo,
						j = mid,
						k = lo;

			while (k < hi)
			{
				/* from the left run on ties: stable (though ties are identical) */
				if (j >= hi || (i < mid && compare_rows(a[i], a[j]) <= 0))
					b[k++] = a[i++];
				else
					b[k++] = a[j++];
			}
			work += hi - lo;
			if (work >= 65536)
			{
				work = 0;
				CHECK_FOR_INTERRUPTS();
			}
		}
		swap = a;
		a = b;
		b = swap;
	}
	pfree(b);
	return a;
}

/* Core points of order[from, to), phases numbered where the label changes. */
static SpcSvgPoint *
core_points(const SpcSvgRow **order, int64 from, int64 to)
{
	SpcSvgPoint *points = palloc_extended(mul_size(Max(to - from, 1), sizeof(SpcSvgPoint)), MCXT_ALLOC_HUGE);
	int			phase = 0;

	for (int64 i = from; i < to; i++)
	{
		const SpcSvgRow *r = order[i];
		SpcSvgPoint *p = &points[i - from];

		if ((i & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (i > from && compare_text(r->phase, order[i - 1]->phase) != 0)
			phase++;
		p->t = r->t;
		p->y = r->y;
		p->cl = r->cl;
		p->lcl = r->lcl;
		p->ucl = r->ucl;
		p->sigma = r->sigma;
		p->signal = r->signal;
		p->variation = r->variation;
		p->phase = phase;
		p->phase_label = r->phase;
		p->signals = r->signals;
		p->annotation = r->annotation;
	}
	return points;
}

text *
SpcRenderSvg(const SpcSvgRow *rows, int64 count, SpcSvgAxis axis, const char *title,
			 double goal, const char *style_json, bool grid)
{
	SvgStyle	style;
	SpcStr		out = {NULL, 0, 0, palloc_grow, NULL, false, palloc_release};
	const SpcSvgRow **order;
	bool		ok;

	memset(&style, 0, sizeof(style));
	style.chart.title = title;
	style.chart.goal = goal;
	style.shared_y = true;
	parse_style(style_json, &style);
	style.chart.axis = axis;
	style.chart.check = check_interrupts;

	order = sort_rows(rows, count);
	if (!grid)
		ok = spc_svg_render(&style.chart, core_points(order, 0, count), count, &out);
	else
	{
		SpcSvgFacet *facets = palloc(mul_size(count, sizeof(SpcSvgFacet)));
		size_t		nfacets = 0;

		/* a grid has no one goal: each facet's is the least of its rows' */
		for (int64 from = 0; from < count;)
		{
			int64		to = from + 1;
			double		facet_goal = order[from]->goal;

			while (to < count && compare_text(order[to]->facet, order[from]->facet) == 0)
			{
				if (isnan(facet_goal) || order[to]->goal < facet_goal)
					facet_goal = order[to]->goal;
				to++;
			}
			facets[nfacets].label = order[from]->facet ? order[from]->facet : "(none)";
			facets[nfacets].points = core_points(order, from, to);
			facets[nfacets].count = to - from;
			facets[nfacets].goal = facet_goal;
			nfacets++;
			from = to;
		}
		ok = spc_svg_render_grid(&style.chart, facets, nfacets, style.columns, style.shared_y, &out);
	}
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("chart too large for spc.chart_svg"),
				 errdetail("The SVG document would exceed 1 GB."),
				 errhint("Draw fewer points, for example one chart per period.")));
	return cstring_to_text_with_len(out.data, out.len);
}

static double
icon_size(FunctionCallInfo fcinfo, int argno)
{
	int32		size = PG_NARGS() > argno && !PG_ARGISNULL(argno) ? PG_GETARG_INT32(argno) : 32;

	if (size < 8 || size > 1024)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("icon size %d is out of range", size),
				 errhint("Give a size in pixels from 8 to 1024.")));
	return size;
}

static const char *
icon_id(FunctionCallInfo fcinfo, int argno)
{
	return PG_NARGS() > argno && !PG_ARGISNULL(argno) ? text_to_cstring(PG_GETARG_TEXT_PP(argno)) : NULL;
}

PG_FUNCTION_INFO_V1(spc_variation_icon);

/* spc.variation_icon(variation, improvement, size, id); NULL for an unknown variation. */
Datum
spc_variation_icon(PG_FUNCTION_ARGS)
{
	SpcStr		out = {NULL, 0, 0, palloc_grow, NULL, false, palloc_release};
	SpcImprovement improvement = SPC_IMPROVEMENT_NONE;
	SpcVariation variation = SPC_VARIATION_NONE;
	char	   *name;
	double		size = icon_size(fcinfo, 2);

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	for (int v = SPC_VARIATION_COMMON_CAUSE; v <= SPC_VARIATION_NEUTRAL_LOW; v++)
		if (strcmp(name, spc_variation_name((SpcVariation) v)) == 0)
			variation = (SpcVariation) v;
	if (variation == SPC_VARIATION_NONE)
		PG_RETURN_NULL();
	if (!PG_ARGISNULL(1))
		improvement = SpcParseImprovementArg(text_to_cstring(PG_GETARG_TEXT_PP(1)));
	if (!spc_svg_variation_icon(variation, improvement, size, icon_id(fcinfo, 3), &out))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text_with_len(out.data, out.len));
}

PG_FUNCTION_INFO_V1(spc_assurance_icon);

/* spc.assurance_icon(assurance, size, id); NULL for an unknown assurance. */
Datum
spc_assurance_icon(PG_FUNCTION_ARGS)
{
	SpcStr		out = {NULL, 0, 0, palloc_grow, NULL, false, palloc_release};
	SpcAssurance assurance = SPC_ASSURANCE_NONE;
	char	   *name;
	double		size = icon_size(fcinfo, 1);

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	for (int a = SPC_ASSURANCE_PASS; a <= SPC_ASSURANCE_HIT_AND_MISS; a++)
		if (strcmp(name, spc_assurance_name((SpcAssurance) a)) == 0)
			assurance = (SpcAssurance) a;
	if (!spc_svg_assurance_icon(assurance, size, icon_id(fcinfo, 2), &out))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text_with_len(out.data, out.len));
}
