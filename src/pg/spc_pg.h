/*
 * src/pg/spc_pg.h
 *
 * What the PostgreSQL glue files share: argument parsing that reports SQL
 * errors, and the conversion of core results to SQL values.
 */
#ifndef SPC_PG_H
#define SPC_PG_H

#include "postgres.h"
#include "fmgr.h"
#include "access/tupdesc.h"
#include "lib/stringinfo.h"
#include "utils/expandeddatum.h"

#include <math.h>

#include "../core/compute.h"
#include "../core/svg.h"

/* Parsed text arguments of one call, cached for as long as they repeat. */
typedef struct SpcArgs
{
	char	   *chart_text;		/* NULL until the first parse */
	char	   *rules_text;		/* NULL: the argument was NULL */
	char	   *improvement_text;
	SpcChartSpec spec;
	SpcRules	rules;
	SpcImprovement improvement;
} SpcArgs;

/*
 * What a parse error of an option-list argument says: "unknown <name_noun>
 * \"word\" in argument <argname>", "unknown <option_noun> \"word\"<option_of>
 * in argument <argname>", "invalid <option_noun> value ...", "malformed
 * argument <argname> ...".  value_detail may be NULL.
 */
typedef struct SpcParseErrorText
{
	const char *argname;		/* the SQL argument: "chart", "rules" */
	const char *name_noun;		/* what the leading name is: "chart type" */
	const char *option_noun;	/* what a key=value is: "option" */
	const char *option_of;		/* after an unknown option: " for a funnel" */
	const char *value_detail;	/* errdetail of a bad value, or NULL */
	const char *name_hint;		/* errhint of an unknown name */
	const char *hint;			/* errhint of the other errors */
} SpcParseErrorText;

/* Raise the error (22023) a parser's status means; return on SPC_PARSE_OK. */
extern void SpcReportParseError(SpcParseStatus status, const char *text, const char *bad,
								const SpcParseErrorText *say);

/* Error-reporting parsers: every argument error is SQLSTATE 22023. */
extern void SpcParseChartArg(const char *text, SpcChartSpec *spec);
extern void SpcParseRulesArg(const char *text, SpcChartType chart, SpcRules *rules);
extern SpcImprovement SpcParseImprovementArg(const char *text);
extern void SpcReportNullArgument(const char *argname);
extern void SpcReportMissingN(SpcChartType chart);

/*
 * Re-parse chart, rules and improvement only when their text differs from the
 * cached one.  Strings are copied into mcxt.  rules and improvement may be
 * NULL (SQL NULL).
 */
extern void SpcArgsUpdate(SpcArgs *args, MemoryContext mcxt,
						  const char *chart, const char *rules,
						  const char *improvement);

/* A float8 that is NaN in the core is SQL NULL. */
static inline Datum
SpcFloatDatum(double v, bool *isnull)
{
	*isnull = isnan(v);
	return Float8GetDatum(*isnull ? 0.0 : v);
}

/*
 * Datums that repeat across the points of a query, built once in fn_mcxt:
 * the signals array of each distinct set of codes seen, and the variation
 * texts.
 */
#define SPC_CODE_SET_CACHE 64

typedef struct SpcPointCache
{
	MemoryContext mcxt;
	int			n_code_sets;
	uint32_t	code_set[SPC_CODE_SET_CACHE];
	Datum		code_array[SPC_CODE_SET_CACHE];
	Datum		variation[SPC_VARIATION_LAST + 1];
} SpcPointCache;

extern void SpcPointCacheInit(SpcPointCache *cache, MemoryContext mcxt);

/* Build an spc.point from a core point; tupdesc must be blessed. */
extern Datum SpcPointDatum(TupleDesc tupdesc, const SpcPoint *point, SpcPointCache *cache);

/* Build an spc.phase from a core phase summary. */
extern Datum SpcPhaseDatum(TupleDesc tupdesc, const SpcPhase *phase);

/* One row of spc.chart_svg as the renderer takes it (svg_render.c). */
typedef struct SpcSvgRow
{
	double		t,
				y,
				cl,
				lcl,
				ucl,
				sigma,
				goal;
	bool		signal;
	SpcVariation variation;
	const char *phase;			/* texts may be NULL */
	const char *annotation;
	const char *signals;
	const char *facet;
} SpcSvgRow;

/*
 * Sort the rows into a total order, read the style (jsonb text, may be
 * NULL) and draw one chart, or a grid with one chart per facet.
 */
extern text *SpcRenderSvg(const SpcSvgRow *rows, int64 count, SpcSvgAxis axis, const char *title,
						  double goal, const char *style, bool grid);

/* The aggregate's memory context; an error outside an aggregate. */
extern MemoryContext SpcAggregateContext(FunctionCallInfo fcinfo, const char *caller);

/* 22P03 for an aggregate state (serialised or flat) that fails its checks. */
#if PG_VERSION_NUM >= 180000
/* PostgreSQL 18 replaced pg_attribute_noreturn() by a leading pg_noreturn */
pg_noreturn extern void SpcReportBadState(const char *aggregate);
#else
extern void SpcReportBadState(const char *aggregate) pg_attribute_noreturn();
#endif

/*
 * The expanded aggregate state a datum points to, or NULL for a flat value;
 * an expanded object of another kind (not made by methods) is a bad state.
 */
extern ExpandedObjectHeader *SpcExpandedStateOf(Datum d, const ExpandedObjectMethods *methods,
												const char *aggregate);

/* A read cursor over a serialised aggregate state (pq_getmsg* functions). */
extern void SpcStateReader(StringInfo buf, bytea *bytes);

/* The blessed result tuple descriptor of the call, copied into mcxt. */
extern TupleDesc SpcResultTupleDesc(FunctionCallInfo fcinfo, MemoryContext mcxt);

#endif							/* SPC_PG_H */
