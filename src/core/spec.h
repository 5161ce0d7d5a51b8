/*
 * src/core/spec.h
 *
 * What a chart is asked to be: chart families and their options, rule
 * presets and signal codes, the improvement direction and the variation
 * classes; the parsers of the text arguments (spec.c) and the names and hints
 * that error messages and results use.  Pure C99 like all of src/core: no
 * PostgreSQL headers, NaN where SQL has NULL.
 */
#ifndef SPC_SPEC_H
#define SPC_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Chart families, in the order the documentation lists them. */
typedef enum SpcChartType
{
	SPC_CHART_RUN = 0,
	SPC_CHART_I,
	SPC_CHART_MR,
	SPC_CHART_XBAR,
	SPC_CHART_S,
	SPC_CHART_R,
	SPC_CHART_P,
	SPC_CHART_NP,
	SPC_CHART_C,
	SPC_CHART_U,
	SPC_CHART_PP,
	SPC_CHART_UP,
	SPC_CHART_G,
	SPC_CHART_T,
	SPC_CHART_EWMA,				/* qcc's ewma() */
	SPC_CHART_CUSUM,			/* qcc's cusum(): tabular, standardized */
	SPC_CHART_BCUSUM,			/* Bernoulli CUSUM (qicharts2's bchart) */
	SPC_CHART_RACUSUM,			/* risk-adjusted CUSUM (Steiner et al. 2000) */
	SPC_CHART_COUNT
} SpcChartType;

/* Which reference tool's estimator a chart follows where they differ. */
typedef enum SpcMethod
{
	SPC_METHOD_QICHARTS2 = 0,
	SPC_METHOD_QCC
} SpcMethod;

/*
 * A parsed chart argument, e.g. 'i', 'i(screen=false)', 'xbar(method=qcc)',
 * 'p(freeze=12,multiply=100)', 'ewma(lambda=0.1)'.  NaN marks an option not
 * given.
 */
typedef struct SpcChartSpec
{
	SpcChartType type;
	SpcMethod	method;
	bool		screen;			/* screened moving ranges (i, t, pp, up) */
	bool		clip;			/* clip the lower limit at 0 when all y >= 0 (i, xbar) */
	int			freeze;			/* the first N subgroups estimate; 0: all */
	double		cl;				/* a fixed centre line (NaN: estimated) */
	double		multiply;		/* display scale of y, lines and sigma (1) */
	double		sigma;			/* known process sigma (ewma, cusum; NaN: estimated) */
	double		lambda;			/* ewma smoothing weight (0.2) */
	double		nsigma;			/* ewma limit width in sigmas (3) */
	double		k;				/* cusum reference value in standard errors (0.5) */
	double		h;				/* decision interval of the CUSUMs */
	double		odds_ratio;		/* bcusum, racusum: odds ratio to detect (2) */
	double		p0;				/* bcusum: in-control rate (NaN: baseline rate) */
} SpcChartSpec;

/* Charts that plot sum(x)/sum(n) per subgroup when n is given (qicharts2). */
extern bool spc_chart_takes_ratio(SpcChartType type);

/* The charts that monitor a cumulative statistic (no rule presets). */
extern bool spc_chart_is_cumulative(SpcChartType type);

/* Rule presets; a rules argument selects any combination of them. */
typedef enum SpcPreset
{
	SPC_PRESET_IHI = 0,
	SPC_PRESET_WE,
	SPC_PRESET_NELSON,
	SPC_PRESET_NHS,
	SPC_PRESET_ANHOEJ,
	SPC_PRESET_LIMITS,			/* the limit test alone */
	SPC_PRESET_COUNT
} SpcPreset;

/*
 * Signal codes, one bit each.  The order is the order in which codes are
 * listed in a point's signals array.
 */
typedef enum SpcCode
{
	SPC_CODE_IHI1 = 0, SPC_CODE_IHI2, SPC_CODE_IHI3, SPC_CODE_IHI4, SPC_CODE_IHI5,
	SPC_CODE_WE1, SPC_CODE_WE2, SPC_CODE_WE3, SPC_CODE_WE4,
	SPC_CODE_NELSON1, SPC_CODE_NELSON2, SPC_CODE_NELSON3, SPC_CODE_NELSON4,
	SPC_CODE_NELSON5, SPC_CODE_NELSON6, SPC_CODE_NELSON7, SPC_CODE_NELSON8,
	SPC_CODE_NHS1, SPC_CODE_NHS2, SPC_CODE_NHS3, SPC_CODE_NHS4,
	SPC_CODE_ANHOEJ_RUN, SPC_CODE_ANHOEJ_CROSSINGS,
	SPC_CODE_LIMITS,			/* preset limits: outside the limits */
	SPC_CODE_EWMA,				/* the EWMA outside its limits */
	SPC_CODE_CUSUM_UPPER,		/* upper CUSUM beyond its decision interval */
	SPC_CODE_CUSUM_LOWER,		/* lower CUSUM beyond its decision interval */
	SPC_CODE_INVALID,
	SPC_CODE_COUNT
} SpcCode;

#define SPC_BIT(code) ((uint32_t) 1 << (code))

/* Parameters of one preset; unused fields stay at their defaults. */
typedef struct SpcPresetParams
{
	int			shift;			/* points in a row on one side of the CL */
	int			trend;			/* points in a row rising or falling */
	int			within;			/* points in a row within 1 sigma */
	int			alternating;	/* points in a row alternating up and down */
	int			beyond;			/* points in a row beyond 1 sigma, either side */
} SpcPresetParams;

/* A parsed rules argument. */
typedef struct SpcRules
{
	bool		enabled[SPC_PRESET_COUNT];
	SpcPresetParams params[SPC_PRESET_COUNT];
} SpcRules;

typedef enum SpcImprovement
{
	SPC_IMPROVEMENT_NONE = 0,	/* argument NULL: no variation field */
	SPC_IMPROVEMENT_UP,
	SPC_IMPROVEMENT_DOWN,
	SPC_IMPROVEMENT_NEUTRAL
} SpcImprovement;

typedef enum SpcVariation
{
	SPC_VARIATION_NONE = 0,		/* SQL NULL */
	SPC_VARIATION_COMMON_CAUSE,
	SPC_VARIATION_IMPROVEMENT,
	SPC_VARIATION_CONCERN,
	SPC_VARIATION_NEUTRAL_HIGH,
	SPC_VARIATION_NEUTRAL_LOW,
	SPC_VARIATION_SPECIAL_CAUSE	/* a signal without direction (hugging...) */
} SpcVariation;

#define SPC_VARIATION_LAST SPC_VARIATION_SPECIAL_CAUSE

/* Parse results; the glue turns each into an SQL error with a hint. */
typedef enum SpcParseStatus
{
	SPC_PARSE_OK = 0,
	SPC_PARSE_UNKNOWN_NAME,		/* unknown chart type or preset */
	SPC_PARSE_UNKNOWN_OPTION,	/* unknown key for that chart or preset */
	SPC_PARSE_BAD_VALUE,		/* value of the wrong kind or out of range */
	SPC_PARSE_SYNTAX			/* malformed list or parentheses */
} SpcParseStatus;

/* Room for the offending word in a parse error message. */
#define SPC_PARSE_ERR_LEN 64

/* A chart type with every option at its default. */
extern void spc_chart_spec_init(SpcChartSpec *spec, SpcChartType type);
/* Two specs chart alike (every field equal, NaN equal to NaN). */
extern bool spc_chart_spec_equal(const SpcChartSpec *a, const SpcChartSpec *b);
/* A spec that spc_parse_chart could have produced (checks a received one). */
extern bool spc_chart_spec_valid(const SpcChartSpec *spec);
extern SpcParseStatus spc_parse_chart(const char *text, SpcChartSpec *spec,
									  char *bad, size_t badlen);
extern SpcParseStatus spc_parse_rules(const char *text, SpcChartType chart,
									  SpcRules *rules, char *bad, size_t badlen);
extern SpcParseStatus spc_parse_improvement(const char *text,
											SpcImprovement *improvement);
extern void spc_default_rules(SpcChartType chart, SpcRules *rules);

extern const char *spc_chart_name(SpcChartType type);
extern const char *spc_preset_name(SpcPreset preset);
extern const char *spc_code_name(SpcCode code);
extern const char *spc_code_description(const char *code);	/* NULL: unknown */
extern const char *spc_variation_name(SpcVariation variation);
extern bool spc_chart_needs_n(SpcChartType type);
extern const char *spc_chart_names_hint(void);
extern const char *spc_chart_options_hint(void);
extern const char *spc_rules_hint(void);

#endif							/* SPC_SPEC_H */
