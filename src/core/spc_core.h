/*
 * src/core/spc_core.h
 *
 * The pure C99 statistical process control core: chart specifications,
 * subgroup accumulation, control limits per chart family, rules and runs
 * analysis.  No PostgreSQL headers: everything here is unit-tested and
 * fuzzed without a server.  Missing values are NaN in the core; the glue
 * turns them into SQL NULLs.
 */
#ifndef SPC_CORE_H
#define SPC_CORE_H

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

/* NHS Making Data Count assurance of a goal against the process limits. */
typedef enum SpcAssurance
{
	SPC_ASSURANCE_NONE = 0,		/* SQL NULL: no direction or no limits */
	SPC_ASSURANCE_PASS,			/* the process will consistently meet the goal */
	SPC_ASSURANCE_FAIL,			/* ... will consistently miss it */
	SPC_ASSURANCE_HIT_AND_MISS	/* the goal lies within the limits */
} SpcAssurance;

extern SpcAssurance spc_assurance(double goal, double lcl, double ucl,
								  SpcImprovement improvement);
extern const char *spc_assurance_name(SpcAssurance assurance);

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
extern SpcParseStatus spc_parse_chart(const char *text, SpcChartSpec *spec,
									  char *bad, size_t badlen);
extern SpcParseStatus spc_parse_rules(const char *text, SpcChartType chart,
									  SpcRules *rules, char *bad, size_t badlen);
extern SpcParseStatus spc_parse_improvement(const char *text,
											SpcImprovement *improvement);
extern void spc_default_rules(SpcChartType chart, SpcRules *rules);

extern const char *spc_chart_name(SpcChartType type);
extern const char *spc_code_name(SpcCode code);
extern const char *spc_code_description(const char *code);	/* NULL: unknown */
extern const char *spc_variation_name(SpcVariation variation);
extern bool spc_chart_needs_n(SpcChartType type);
extern const char *spc_chart_names_hint(void);
extern const char *spc_chart_options_hint(void);
extern const char *spc_rules_hint(void);

/*
 * Subgroups.  Rows that are peers in the window's ORDER BY (or share the
 * aggregate's time key) form one subgroup.  An accumulator collects its rows;
 * spc_subgroup_finish turns it into the values the chart needs.
 */
typedef enum SpcStatus
{
	SPC_STATUS_OK = 0,
	SPC_STATUS_MISSING,			/* no row with a value: a missing week */
	SPC_STATUS_INVALID			/* a row violated the chart's data rules */
} SpcStatus;

typedef struct SpcAccum
{
	int64_t		count;			/* rows with a value */
	double		sum_x;
	double		sum_n;
	double		mean;			/* Welford running mean and M2 of x */
	double		m2;
	double		min;
	double		max;
	int64_t		n_count;		/* rows with a value and a denominator */
	double		log_up;			/* racusum: sum of ln(1 - p + R p) */
	double		log_down;		/* racusum: sum of ln(1 - p + p / R) */
	double		odds_ratio;		/* racusum: R (spc_accum_configure) */
	bool		invalid;
	bool		excluded;		/* any row excluded */
	bool		not_baseline;	/* any row outside the baseline */
} SpcAccum;

typedef struct SpcSubgroup
{
	double		x;				/* counts: sum of x; measurements: mean of x */
	double		n;				/* counts: sum of n; measurements: row count */
	double		sd;				/* sample standard deviation (xbar, s) */
	double		range;			/* max - min (xbar with qcc, r) */
	double		log_up;			/* racusum: sum of ln(1 - p + R p) */
	double		log_down;		/* racusum: sum of ln(1 - p + p / R) */
	SpcStatus	status;
	bool		ratio;			/* run, i: y is x / n */
	bool		baseline;		/* every row in the baseline */
	bool		excluded;		/* some row excluded */
} SpcSubgroup;

extern void spc_accum_init(SpcAccum *acc);
/* Options the rows need (racusum's odds ratio); call after spc_accum_init. */
extern void spc_accum_configure(SpcAccum *acc, const SpcChartSpec *spec);
extern void spc_accum_row(SpcAccum *acc, SpcChartType chart,
						  double x, bool x_isnull, double n, bool n_isnull,
						  bool baseline, bool exclude);
extern void spc_subgroup_finish(const SpcAccum *acc, SpcChartType chart,
								SpcSubgroup *sg);

/* One computed point (per subgroup). NaN stands for SQL NULL. */
typedef struct SpcPoint
{
	double		y;				/* the upper statistic of a two-sided CUSUM */
	double		y_lower;		/* CUSUMs: the lower statistic, <= 0; else NaN */
	double		cl;
	double		lcl;
	double		ucl;
	double		sigma;
	uint32_t	codes;			/* SPC_BIT(SpcCode) set */
	SpcVariation variation;
	signed char trend;			/* +1 / -1 on points of a flagged trend */
} SpcPoint;

/* Per-partition (phase) summary; A.3 of methods.md. */
typedef struct SpcPhase
{
	int			n_subgroups;	/* all subgroups of the phase */
	int			n_obs;			/* subgroups not excluded (as qicharts2) */
	int			n_baseline;		/* subgroups that estimated the limits */
	double		cl;				/* centre line (NaN when none) */
	double		avg_lcl;		/* mean of the points' limits */
	double		avg_ucl;
	double		sigma;			/* process sigma per unit (NaN when none) */
	double		sigma_z;		/* Laney's sigma_z (pp, up), else NaN */
	bool		trial;			/* limits from fewer than SPC_TRIAL_SUBGROUPS */
	int			n_useful;		/* Anhoej: included points not on the CL */
	int			longest_run;
	int			longest_run_max;	/* -1 when n_useful = 0 */
	int			n_crossings;
	int			n_crossings_min;	/* -1 when n_useful = 0 */
	bool		runs_signal;
	int			sigma_signals;	/* points outside the limits */
} SpcPhase;

/* Limits from fewer baseline subgroups than this are trial limits. */
#define SPC_TRIAL_SUBGROUPS 20

/*
 * Compute a whole partition: points[i] for subgroups[i], and the phase
 * summary (may be NULL).  scratch must hold spc_scratch_size(count) bytes,
 * suitably aligned for double.  O(count) time apart from the medians of
 * run and g charts (O(count log count)).
 */
extern size_t spc_scratch_size(size_t count);
extern void spc_compute(const SpcChartSpec *spec, const SpcRules *rules,
						SpcImprovement improvement,
						const SpcSubgroup *subgroups, size_t count,
						SpcPoint *points, SpcPhase *phase, void *scratch);

/*
 * SVG rendering (svg.c).  A growing string through the caller's allocator
 * (grow(ctx, old, size) returns the resized buffer, NULL on failure).
 */
typedef struct SpcStr
{
	char	   *data;
	size_t		len;
	size_t		cap;
	void	   *(*grow) (void *ctx, void *old, size_t size);
	void	   *ctx;
	bool		failed;
} SpcStr;

/* One plotted point, in time order; NaN for what is not drawn. */
typedef struct SpcSvgPoint
{
	double		t;				/* days since 2000-01-01 (a PostgreSQL date) */
	double		y;
	double		cl;
	double		lcl;
	double		ucl;
	double		sigma;
	bool		signal;
	SpcVariation variation;
	int			phase;			/* a change starts a new phase */
	const char *phase_label;	/* may be NULL */
	const char *signals;		/* rule codes, may be NULL */
	const char *annotation;		/* may be NULL */
} SpcSvgPoint;

typedef struct SpcSvgChart
{
	const char *title;			/* may be NULL */
	const char *unit;			/* y-axis label, may be NULL */
	double		goal;			/* NaN: none */
} SpcSvgChart;

extern bool spc_svg_render(const SpcSvgChart *chart, const SpcSvgPoint *points,
						   size_t count, SpcStr *out);

/* Constants (constants.c). */
#define SPC_D2_MR 1.128			/* d2(2) as qicharts2, Minitab, textbooks */
#define SPC_D4_MR 3.267			/* D4(2): MR chart UCL and screening limit */
extern double spc_c4(double n);
extern double spc_c5(double n);	/* sqrt(1 - c4(n)^2), accurate for huge n */
extern double spc_d2_table(int n);	/* qcc's 3-decimal table, NaN outside */
extern double spc_d3_table(int n);	/* qcc's 7-decimal table, NaN outside */

/* Anhoej runs analysis critical values (runs.c). */
extern int	spc_anhoej_longest_run_max(int n_useful);
extern int	spc_anhoej_crossings_min(int n_useful);

#endif							/* SPC_CORE_H */
