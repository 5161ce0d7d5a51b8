/*
 * src/pg/spc_pg.c
 *
 * Module magic, argument errors and result conversion shared by the window
 * function and the aggregates.
 */
#include "spc_pg.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include <math.h>

PG_MODULE_MAGIC;

/*
 * The three option-list parsers (chart, rules, funnel) fail in the same four
 * ways; each error names the argument, the word the parser stopped at and
 * what that word was meant to be.
 */
void
SpcReportParseError(SpcParseStatus status, const char *text, const char *bad, const SpcParseErrorText *say)
{
	switch (status)
	{
		case SPC_PARSE_OK:
			return;
		case SPC_PARSE_UNKNOWN_NAME:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown %s \"%s\" in argument %s", say->name_noun, bad, say->argname),
					 errhint("%s", say->name_hint)));
			break;
		case SPC_PARSE_UNKNOWN_OPTION:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown %s \"%s\"%s in argument %s",
							say->option_noun, bad, say->option_of, say->argname),
					 errhint("%s", say->hint)));
			break;
		case SPC_PARSE_BAD_VALUE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid %s value \"%s\" in argument %s", say->option_noun, bad, say->argname),
					 say->value_detail ? errdetail("%s", say->value_detail) : 0,
					 errhint("%s", say->hint)));
			break;
		case SPC_PARSE_SYNTAX:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("malformed argument %s \"%s\"", say->argname, text),
					 errdetail("Unexpected text at \"%s\".", bad),
					 errhint("%s", say->hint)));
			break;
	}
}

void
SpcParseChartArg(const char *text, SpcChartSpec *spec)
{
	char		bad[SPC_PARSE_ERR_LEN];
	SpcParseStatus status = spc_parse_chart(text, spec, bad, sizeof(bad));
	SpcParseErrorText say = {
		.argname = "chart",
		.name_noun = "chart type",
		.option_noun = "option",
		.name_hint = spc_chart_names_hint(),
		.hint = spc_chart_options_hint(),
	};

	if (status == SPC_PARSE_OK)
		return;
	say.option_of = psprintf(" for chart type \"%s\"", spc_chart_name(spec->type));
	SpcReportParseError(status, text, bad, &say);
}

void
SpcParseRulesArg(const char *text, SpcChartType chart, SpcRules *rules)
{
	char		bad[SPC_PARSE_ERR_LEN];
	SpcParseErrorText say = {
		.argname = "rules",
		.name_noun = "rule preset",
		.option_noun = "parameter",
		.option_of = "",
		.value_detail = "Pattern lengths are whole numbers from 2 to 1000 (trends from 3).",
		.name_hint = spc_rules_hint(),
		.hint = spc_rules_hint(),
	};

	SpcReportParseError(spc_parse_rules(text, chart, rules, bad, sizeof(bad)), text, bad, &say);
}

SpcImprovement
SpcParseImprovementArg(const char *text)
{
	SpcImprovement improvement = SPC_IMPROVEMENT_NONE;

	if (spc_parse_improvement(text, &improvement) != SPC_PARSE_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid argument improvement \"%s\"", text),
				 errhint("Valid improvement directions are up, down and neutral, or NULL for none.")));
	return improvement;
}

void
SpcReportNullArgument(const char *argname)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("argument %s must not be null", argname),
			 errhint("%s", spc_chart_names_hint())));
}

void
SpcReportMissingN(SpcChartType chart)
{
	if (chart == SPC_CHART_RACUSUM)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument n is required for chart type \"%s\"", spc_chart_name(chart)),
				 errdetail("The risk-adjusted CUSUM weighs each outcome by the case's predicted risk."),
				 errhint("Pass the outcome (0 or 1) as x and the predicted risk (between 0 and 1) as n, "
						 "e.g. spc.chart('racusum', died::int, predicted_mortality).")));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("argument n is required for chart type \"%s\"", spc_chart_name(chart)),
			 errdetail("Chart types p, np, pp, u and up plot a count over a denominator."),
			 errhint("Pass the denominator (sample size or exposure) as argument n, "
					 "e.g. spc.chart('p', passed, audited).")));
}

void
SpcReportBadState(const char *aggregate)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid %s state", aggregate)));
	pg_unreachable();
}

ExpandedObjectHeader *
SpcExpandedStateOf(Datum d, const ExpandedObjectMethods *methods, const char *aggregate)
{
	ExpandedObjectHeader *eoh;

	if (!VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
		return NULL;
	eoh = DatumGetEOHP(d);
	if (eoh->eoh_methods != methods)
		SpcReportBadState(aggregate);
	return eoh;
}

/* Copy s into mcxt, or NULL. */
static char *
copy_text(MemoryContext mcxt, const char *s)
{
	return s ? MemoryContextStrdup(mcxt, s) : NULL;
}

static bool
same_text(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

void
SpcArgsUpdate(SpcArgs *args, MemoryContext mcxt, const char *chart,
			  const char *rules, const char *improvement)
{
	bool		chart_changed;

	if (chart == NULL)
		SpcReportNullArgument("chart");
	chart_changed = args->chart_text == NULL || strcmp(args->chart_text, chart) != 0;
	if (chart_changed)
	{
		SpcParseChartArg(chart, &args->spec);
		if (args->chart_text)
			pfree(args->chart_text);
		args->chart_text = copy_text(mcxt, chart);
	}
	/* The default rules depend on the chart type. */
	if (chart_changed || !same_text(args->rules_text, rules))
	{
		if (rules && spc_chart_is_cumulative(args->spec.type))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("argument rules does not apply to chart type \"%s\"",
							spc_chart_name(args->spec.type)),
					 errdetail("Charts ewma, cusum, bcusum and racusum signal where their statistic "
							   "crosses its limit; the rule presets are for Shewhart and run charts."),
					 errhint("Pass rules => NULL.")));
		if (rules)
			SpcParseRulesArg(rules, args->spec.type, &args->rules);
		else
			spc_default_rules(args->spec.type, &args->rules);
		if (args->rules_text)
			pfree(args->rules_text);
		args->rules_text = copy_text(mcxt, rules);
	}
	if (chart_changed || !same_text(args->improvement_text, improvement))
	{
		args->improvement = improvement ? SpcParseImprovementArg(improvement)
			: SPC_IMPROVEMENT_NONE;
		if (args->improvement_text)
			pfree(args->improvement_text);
		args->improvement_text = copy_text(mcxt, improvement);
	}
}

MemoryContext
SpcAggregateContext(FunctionCallInfo fcinfo, const char *caller)
{
	MemoryContext aggcontext;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s called in non-aggregate context", caller)));
	return aggcontext;
}

void
SpcStateReader(StringInfo buf, bytea *bytes)
{
	buf->data = VARDATA_ANY(bytes);
	buf->len = VARSIZE_ANY_EXHDR(bytes);
	buf->maxlen = buf->len;
	buf->cursor = 0;
}

TupleDesc
SpcResultTupleDesc(FunctionCallInfo fcinfo, MemoryContext mcxt)
{
	TupleDesc	tupdesc;
	MemoryContext old;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("function returning a record called in a context that cannot accept one")));
	old = MemoryContextSwitchTo(mcxt);
	tupdesc = BlessTupleDesc(CreateTupleDescCopy(tupdesc));
	MemoryContextSwitchTo(old);
	return tupdesc;
}

/* The codes of a point as text[], in SpcCode order. */
static Datum
codes_array(uint32_t codes)
{
	Datum		elems[SPC_CODE_COUNT];
	int			n = 0;

	for (int c = 0; c < SPC_CODE_COUNT; c++)
		if (codes & SPC_BIT(c))
			elems[n++] = CStringGetTextDatum(spc_code_name((SpcCode) c));
	return PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}

void
SpcPointCacheInit(SpcPointCache *cache, MemoryContext mcxt)
{
	MemoryContext old = MemoryContextSwitchTo(mcxt);

	cache->mcxt = mcxt;
	cache->n_code_sets = 0;
	for (int v = 0; v <= SPC_VARIATION_LAST; v++)
	{
		const char *name = spc_variation_name((SpcVariation) v);

		cache->variation[v] = name ? CStringGetTextDatum(name) : (Datum) 0;
	}
	MemoryContextSwitchTo(old);
}

/* The signals array of a set of codes: built once per distinct set. */
static Datum
cached_codes_array(SpcPointCache *cache, uint32_t codes)
{
	MemoryContext old;
	Datum		array;

	for (int i = 0; i < cache->n_code_sets; i++)
		if (cache->code_set[i] == codes)
			return cache->code_array[i];
	if (cache->n_code_sets == SPC_CODE_SET_CACHE)
		return codes_array(codes);	/* a rare query with many distinct sets */
	old = MemoryContextSwitchTo(cache->mcxt);
	array = codes_array(codes);
	MemoryContextSwitchTo(old);
	cache->code_set[cache->n_code_sets] = codes;
	cache->code_array[cache->n_code_sets++] = array;
	return array;
}

/*
 * spc.point = (y, cl, lcl, ucl, sigma, signal, signals, variation, y_lower);
 * the 0.1.0 type has no y_lower, and this library serves it too.
 */
Datum
SpcPointDatum(TupleDesc tupdesc, const SpcPoint *point, SpcPointCache *cache)
{
	Datum		values[9];
	bool		nulls[9];

	values[0] = SpcFloatDatum(point->y, &nulls[0]);
	values[1] = SpcFloatDatum(point->cl, &nulls[1]);
	values[2] = SpcFloatDatum(point->lcl, &nulls[2]);
	values[3] = SpcFloatDatum(point->ucl, &nulls[3]);
	values[4] = SpcFloatDatum(point->sigma, &nulls[4]);
	values[5] = BoolGetDatum((point->codes & (SPC_BIT(SPC_CODE_INVALID) - 1)) != 0);
	nulls[5] = false;
	values[6] = cached_codes_array(cache, point->codes);
	nulls[6] = false;
	values[7] = cache->variation[point->variation];
	nulls[7] = point->variation == SPC_VARIATION_NONE;
	values[8] = SpcFloatDatum(point->y_lower, &nulls[8]);
	if (tupdesc->natts != 8 && tupdesc->natts != 9)
		elog(ERROR, "spc.point has %d attributes, expected 8 or 9", tupdesc->natts);
	return HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls));
}

static Datum
int_or_null(int v, bool *isnull)
{
	*isnull = v < 0;
	return Int32GetDatum(v);
}

/*
 * spc.phase = (n_subgroups, n_obs, n_baseline, cl, avg_lcl, avg_ucl, sigma,
 * sigma_z, trial, n_useful, longest_run, longest_run_max, n_crossings,
 * n_crossings_min, runs_signal, sigma_signals)
 */
Datum
SpcPhaseDatum(TupleDesc tupdesc, const SpcPhase *phase)
{
	Datum		values[16];
	bool		nulls[16] = {0};

	values[0] = Int32GetDatum(phase->n_subgroups);
	values[1] = Int32GetDatum(phase->n_obs);
	values[2] = Int32GetDatum(phase->n_baseline);
	values[3] = SpcFloatDatum(phase->cl, &nulls[3]);
	values[4] = SpcFloatDatum(phase->avg_lcl, &nulls[4]);
	values[5] = SpcFloatDatum(phase->avg_ucl, &nulls[5]);
	values[6] = SpcFloatDatum(phase->sigma, &nulls[6]);
	values[7] = SpcFloatDatum(phase->sigma_z, &nulls[7]);
	values[8] = BoolGetDatum(phase->trial);
	values[9] = Int32GetDatum(phase->n_useful);
	values[10] = Int32GetDatum(phase->longest_run);
	values[11] = int_or_null(phase->longest_run_max, &nulls[11]);
	values[12] = Int32GetDatum(phase->n_crossings);
	values[13] = int_or_null(phase->n_crossings_min, &nulls[13]);
	values[14] = BoolGetDatum(phase->runs_signal);
	values[15] = Int32GetDatum(phase->sigma_signals);
	return HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls));
}

PG_FUNCTION_INFO_V1(spc_assurance_sql);

/* spc.assurance(goal, lcl, ucl, improvement): pass, fail or hit_and_miss. */
Datum
spc_assurance_sql(PG_FUNCTION_ARGS)
{
	char	   *improvement = text_to_cstring(PG_GETARG_TEXT_PP(3));
	const char *name;

	name = spc_assurance_name(spc_assurance(PG_GETARG_FLOAT8(0), PG_GETARG_FLOAT8(1),
											PG_GETARG_FLOAT8(2),
											SpcParseImprovementArg(improvement)));
	if (name == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(name));
}

PG_FUNCTION_INFO_V1(spc_rule_description_sql);

/* spc.rule_description(code): what a signal code means; NULL if unknown. */
Datum
spc_rule_description_sql(PG_FUNCTION_ARGS)
{
	const char *description = spc_code_description(text_to_cstring(PG_GETARG_TEXT_PP(0)));

	if (description == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(description));
}
