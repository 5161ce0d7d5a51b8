/*
 * src/core/spec.c
 *
 * Parsers for the text arguments of spc.chart: the chart ('p', 'i(screen=
 * false)'), the rules ('ihi,anhoej', 'nhs(shift=6,trend=6)') and the
 * improvement direction.  Both lists share one grammar:
 *
 *     list   := item { ',' item }
 *     item   := name [ '(' option { ',' option } ')' ]
 *     option := key '=' value
 *
 * Names, keys and values are case-insensitive words; blanks are ignored.
 * Also a spec's defaults, equality and validity.  The names themselves are
 * in names.c.
 */
#include "spec.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define WORD_LEN 32

/* Defaults of every preset; 0 marks a parameter the preset does not take. */
static const SpcPresetParams preset_defaults[SPC_PRESET_COUNT] = {
	[SPC_PRESET_IHI] = {.shift = 8, .trend = 6, .within = 15},
	[SPC_PRESET_WE] = {.shift = 8},
	[SPC_PRESET_NELSON] = {.shift = 9, .trend = 6, .within = 15,
	.alternating = 14, .beyond = 8},
	[SPC_PRESET_NHS] = {.shift = 7, .trend = 7},
	[SPC_PRESET_ANHOEJ] = {0},
	[SPC_PRESET_LIMITS] = {0},
};

/* Longest pattern a parameter may ask for; anything longer is a typo. */
#define MAX_PATTERN_LENGTH 1000
/* A cursor over the argument text. */
typedef struct Lexer
{
	const char *p;
} Lexer;

static void
skip_blanks(Lexer *lx)
{
	while (*lx->p && isspace((unsigned char) *lx->p))
		lx->p++;
}

/*
 * Read one word of letters, digits, '_' and '.' into buf, lower-cased.
 * Returns false when there is none or it is too long.
 */
static bool
read_word(Lexer *lx, char *buf)
{
	size_t		len = 0;

	skip_blanks(lx);
	while (*lx->p && (isalnum((unsigned char) *lx->p) || *lx->p == '_' ||
					  *lx->p == '.' || *lx->p == '-' || *lx->p == '+'))
	{
		if (len + 1 >= WORD_LEN)
			return false;
		buf[len++] = (char) tolower((unsigned char) *lx->p);
		lx->p++;
	}
	buf[len] = '\0';
	return len > 0;
}

static bool
accept_char(Lexer *lx, char c)
{
	skip_blanks(lx);
	if (*lx->p == c)
	{
		lx->p++;
		return true;
	}
	return false;
}

static void
copy_bad(char *bad, size_t badlen, const char *word)
{
	if (bad && badlen > 0)
	{
		size_t		len = strlen(word);

		if (len >= badlen)
			len = badlen - 1;
		memcpy(bad, word, len);
		bad[len] = '\0';
	}
}

static bool
parse_bool(const char *word, bool *value)
{
	if (strcmp(word, "true") == 0 || strcmp(word, "on") == 0 ||
		strcmp(word, "yes") == 0 || strcmp(word, "1") == 0)
		*value = true;
	else if (strcmp(word, "false") == 0 || strcmp(word, "off") == 0 ||
			 strcmp(word, "no") == 0 || strcmp(word, "0") == 0)
		*value = false;
	else
		return false;
	return true;
}

static bool
parse_length(const char *word, int *value)
{
	long		v = 0;

	if (*word == '\0')
		return false;
	for (const char *c = word; *c; c++)
	{
		if (!isdigit((unsigned char) *c))
			return false;
		v = v * 10 + (*c - '0');
		if (v > MAX_PATTERN_LENGTH)
			return false;
	}
	if (v < 2)
		return false;
	*value = (int) v;
	return true;
}

/* A finite decimal number; the whole word must be one. */
static bool
parse_number(const char *word, double *value)
{
	char	   *end;
	double		v;

	if (*word == '\0')
		return false;
	v = strtod(word, &end);
	if (*end != '\0' || !isfinite(v))
		return false;
	*value = v;
	return true;
}

/* A number in (lo, hi) or, with closed_hi, (lo, hi]. */
static SpcParseStatus
parse_in_range(const char *word, double *value, double lo, double hi, bool closed_hi)
{
	double		v;

	if (!parse_number(word, &v) || !(v > lo) || (closed_hi ? v > hi : v >= hi))
		return SPC_PARSE_BAD_VALUE;
	*value = v;
	return SPC_PARSE_OK;
}

/* Longest freeze a chart argument may ask for. */
#define MAX_FREEZE 100000000

/*
 * Parse the option list of one item, after its '('.  apply() receives every
 * key=value pair; the list ends at ')'.
 */
typedef SpcParseStatus (*OptionFn) (void *target, const char *key, const char *value);

static SpcParseStatus
parse_options(Lexer *lx, OptionFn apply, void *target, char *bad, size_t badlen)
{
	char		key[WORD_LEN];
	char		value[WORD_LEN];

	if (accept_char(lx, ')'))
		return SPC_PARSE_OK;
	for (;;)
	{
		SpcParseStatus st;

		if (!read_word(lx, key) || !accept_char(lx, '=') || !read_word(lx, value))
		{
			copy_bad(bad, badlen, lx->p);
			return SPC_PARSE_SYNTAX;
		}
		st = apply(target, key, value);
		if (st != SPC_PARSE_OK)
		{
			copy_bad(bad, badlen, st == SPC_PARSE_BAD_VALUE ? value : key);
			return st;
		}
		if (accept_char(lx, ')'))
			return SPC_PARSE_OK;
		if (!accept_char(lx, ','))
		{
			copy_bad(bad, badlen, lx->p);
			return SPC_PARSE_SYNTAX;
		}
	}
}

static SpcParseStatus
apply_chart_option(void *target, const char *key, const char *value)
{
	SpcChartSpec *spec = (SpcChartSpec *) target;
	SpcChartType t = spec->type;

	if (strcmp(key, "screen") == 0 &&
		(t == SPC_CHART_I || t == SPC_CHART_T || t == SPC_CHART_PP || t == SPC_CHART_UP))
		return parse_bool(value, &spec->screen) ? SPC_PARSE_OK : SPC_PARSE_BAD_VALUE;
	if (strcmp(key, "clip") == 0 && (t == SPC_CHART_I || t == SPC_CHART_XBAR))
		return parse_bool(value, &spec->clip) ? SPC_PARSE_OK : SPC_PARSE_BAD_VALUE;
	if (strcmp(key, "freeze") == 0)
	{
		double		v;

		if (!parse_number(value, &v) || v != floor(v) || v < 1 || v > MAX_FREEZE)
			return SPC_PARSE_BAD_VALUE;
		spec->freeze = (int) v;
		return SPC_PARSE_OK;
	}
	/* a centre line of a cumulative statistic is its target: use the data's */
	if (strcmp(key, "cl") == 0 && t != SPC_CHART_BCUSUM && t != SPC_CHART_RACUSUM &&
		t != SPC_CHART_NP)
		return parse_number(value, &spec->cl) ? SPC_PARSE_OK : SPC_PARSE_BAD_VALUE;
	if (strcmp(key, "multiply") == 0)
		return parse_in_range(value, &spec->multiply, 0.0, 1e15, true);
	if (strcmp(key, "sigma") == 0 && (t == SPC_CHART_EWMA || t == SPC_CHART_CUSUM))
		return parse_in_range(value, &spec->sigma, 0.0, INFINITY, false);
	if (strcmp(key, "lambda") == 0 && t == SPC_CHART_EWMA)
		return parse_in_range(value, &spec->lambda, 0.0, 1.0, true);
	if (strcmp(key, "nsigma") == 0 && t == SPC_CHART_EWMA)
		return parse_in_range(value, &spec->nsigma, 0.0, 100.0, true);
	if (strcmp(key, "k") == 0 && t == SPC_CHART_CUSUM)
	{
		double		v;

		if (!parse_number(value, &v) || v < 0.0 || v > 100.0)
			return SPC_PARSE_BAD_VALUE;
		spec->k = v;
		return SPC_PARSE_OK;
	}
	if (strcmp(key, "h") == 0 && (t == SPC_CHART_CUSUM || t == SPC_CHART_BCUSUM ||
								  t == SPC_CHART_RACUSUM))
		return parse_in_range(value, &spec->h, 0.0, 1e6, true);
	if (strcmp(key, "or") == 0 && (t == SPC_CHART_BCUSUM || t == SPC_CHART_RACUSUM))
	{
		/* an odds ratio of 1 detects nothing */
		if (parse_in_range(value, &spec->odds_ratio, 0.0, 1e6, true) != SPC_PARSE_OK ||
			spec->odds_ratio == 1.0)
			return SPC_PARSE_BAD_VALUE;
		return SPC_PARSE_OK;
	}
	if (strcmp(key, "p0") == 0 && t == SPC_CHART_BCUSUM)
		return parse_in_range(value, &spec->p0, 0.0, 1.0, false);
	if (strcmp(key, "method") == 0 &&
		(t == SPC_CHART_XBAR || t == SPC_CHART_S || t == SPC_CHART_R || t == SPC_CHART_G))
	{
		if (strcmp(value, "qicharts2") == 0 && t != SPC_CHART_R)
			spec->method = SPC_METHOD_QICHARTS2;
		else if (strcmp(value, "qcc") == 0)
			spec->method = SPC_METHOD_QCC;
		else
			return SPC_PARSE_BAD_VALUE;
		return SPC_PARSE_OK;
	}
	return SPC_PARSE_UNKNOWN_OPTION;
}

void
spc_chart_spec_init(SpcChartSpec *spec, SpcChartType type)
{
	spec->type = type;
	/* qcc is the only reference for the R chart. */
	spec->method = type == SPC_CHART_R ? SPC_METHOD_QCC : SPC_METHOD_QICHARTS2;
	spec->screen = true;
	spec->clip = false;
	spec->freeze = 0;
	spec->cl = NAN;
	spec->multiply = 1.0;
	spec->sigma = NAN;
	spec->lambda = 0.2;
	spec->nsigma = 3.0;
	spec->k = 0.5;
	/* qcc's decision interval for cusum, qicharts2's limit for bcusum */
	spec->h = type == SPC_CHART_CUSUM ? 5.0 : 3.5;
	spec->odds_ratio = 2.0;
	spec->p0 = NAN;
}

/* a equals b, or both are NaN */
static bool
same_number(double a, double b)
{
	return a == b || (isnan(a) && isnan(b));
}

bool
spc_chart_spec_equal(const SpcChartSpec *a, const SpcChartSpec *b)
{
	return a->type == b->type && a->method == b->method &&
		a->screen == b->screen && a->clip == b->clip && a->freeze == b->freeze &&
		same_number(a->cl, b->cl) && same_number(a->multiply, b->multiply) &&
		same_number(a->sigma, b->sigma) && same_number(a->lambda, b->lambda) &&
		same_number(a->nsigma, b->nsigma) && same_number(a->k, b->k) &&
		same_number(a->h, b->h) && same_number(a->odds_ratio, b->odds_ratio) &&
		same_number(a->p0, b->p0);
}

/* v in (lo, hi) or, with closed_hi, (lo, hi]: parse_in_range's test */
static bool
in_range(double v, double lo, double hi, bool closed_hi)
{
	return v > lo && (closed_hi ? v <= hi : v < hi);
}

/*
 * Every field as spc_parse_chart can set it for this type: an option the
 * type does not take keeps its default, an option it takes is in the
 * parser's range.
 */
bool
spc_chart_spec_valid(const SpcChartSpec *spec)
{
	SpcChartType t = spec->type;
	SpcChartSpec def;
	bool		takes_screen,
				takes_clip,
				takes_method;

	if ((int) t < 0 || t >= SPC_CHART_COUNT)
		return false;
	spc_chart_spec_init(&def, t);
	takes_screen = t == SPC_CHART_I || t == SPC_CHART_T || t == SPC_CHART_PP || t == SPC_CHART_UP;
	takes_clip = t == SPC_CHART_I || t == SPC_CHART_XBAR;
	takes_method = t == SPC_CHART_XBAR || t == SPC_CHART_S || t == SPC_CHART_R || t == SPC_CHART_G;
	if (spec->method != def.method &&
		!(takes_method && (spec->method == SPC_METHOD_QCC ||
						   (spec->method == SPC_METHOD_QICHARTS2 && t != SPC_CHART_R))))
		return false;
	if ((!takes_screen && spec->screen != def.screen) || (!takes_clip && spec->clip != def.clip))
		return false;
	if (spec->freeze < 0 || spec->freeze > MAX_FREEZE)
		return false;
	if (!isnan(spec->cl) && (!isfinite(spec->cl) || t == SPC_CHART_BCUSUM ||
							 t == SPC_CHART_RACUSUM || t == SPC_CHART_NP))
		return false;
	if (!in_range(spec->multiply, 0.0, 1e15, true))
		return false;
	if (t == SPC_CHART_EWMA || t == SPC_CHART_CUSUM
		? !isnan(spec->sigma) && !in_range(spec->sigma, 0.0, INFINITY, false)
		: !isnan(spec->sigma))
		return false;
	if (t == SPC_CHART_EWMA
		? !in_range(spec->lambda, 0.0, 1.0, true) || !in_range(spec->nsigma, 0.0, 100.0, true)
		: spec->lambda != def.lambda || spec->nsigma != def.nsigma)
		return false;
	if (t == SPC_CHART_CUSUM ? !(spec->k >= 0.0 && spec->k <= 100.0) : spec->k != def.k)
		return false;
	if (t == SPC_CHART_CUSUM || t == SPC_CHART_BCUSUM || t == SPC_CHART_RACUSUM
		? !in_range(spec->h, 0.0, 1e6, true) : spec->h != def.h)
		return false;
	if (t == SPC_CHART_BCUSUM || t == SPC_CHART_RACUSUM
		? !in_range(spec->odds_ratio, 0.0, 1e6, true) || spec->odds_ratio == 1.0
		: spec->odds_ratio != def.odds_ratio)
		return false;
	if (t == SPC_CHART_BCUSUM
		? !isnan(spec->p0) && !in_range(spec->p0, 0.0, 1.0, false)
		: !isnan(spec->p0))
		return false;
	return true;
}

SpcParseStatus
spc_parse_chart(const char *text, SpcChartSpec *spec, char *bad, size_t badlen)
{
	Lexer		lx = {text};
	char		name[WORD_LEN];
	int			found = -1;

	copy_bad(bad, badlen, text);
	if (!read_word(&lx, name))
		return SPC_PARSE_UNKNOWN_NAME;
	for (int i = 0; i < SPC_CHART_COUNT; i++)
		if (strcmp(name, spc_chart_name((SpcChartType) i)) == 0)
			found = i;
	/* XmR, the name the I chart goes by in Minitab and the NHS */
	if (strcmp(name, "xmr") == 0)
		found = SPC_CHART_I;
	if (found < 0)
	{
		copy_bad(bad, badlen, name);
		return SPC_PARSE_UNKNOWN_NAME;
	}
	spc_chart_spec_init(spec, (SpcChartType) found);

	if (accept_char(&lx, '('))
	{
		SpcParseStatus st = parse_options(&lx, apply_chart_option, spec, bad, badlen);

		if (st != SPC_PARSE_OK)
			return st;
	}
	skip_blanks(&lx);
	if (*lx.p != '\0')
	{
		copy_bad(bad, badlen, lx.p);
		return SPC_PARSE_SYNTAX;
	}
	return SPC_PARSE_OK;
}

static SpcParseStatus
apply_preset_option(void *target, const char *key, const char *value)
{
	SpcPresetParams *params = (SpcPresetParams *) target;
	int		   *field;

	if (strcmp(key, "shift") == 0)
		field = &params->shift;
	else if (strcmp(key, "trend") == 0)
		field = &params->trend;
	else if (strcmp(key, "within") == 0)
		field = &params->within;
	else if (strcmp(key, "alternating") == 0)
		field = &params->alternating;
	else if (strcmp(key, "beyond") == 0)
		field = &params->beyond;
	else
		return SPC_PARSE_UNKNOWN_OPTION;
	/* A zero default means the preset has no such rule. */
	if (*field == 0)
		return SPC_PARSE_UNKNOWN_OPTION;
	/* A trend needs at least three points to have two differences. */
	if (!parse_length(value, field) ||
		(field == &params->trend && *field < 3))
		return SPC_PARSE_BAD_VALUE;
	return SPC_PARSE_OK;
}

void
spc_default_rules(SpcChartType chart, SpcRules *rules)
{
	memset(rules, 0, sizeof(*rules));
	for (int i = 0; i < SPC_PRESET_COUNT; i++)
		rules->params[i] = preset_defaults[i];
	/*
	 * Run charts: Anhoej's runs analysis.  Control charts: the limit test and
	 * runs analysis, qicharts2's default, chosen in 0.2.0 over the five IHI
	 * rules by simulation (`make false-alarms`, docs/rules.md): on 52 in-control
	 * points it signals about half as often (17-20 % against 38-41 % of
	 * series) and still finds a 1.5-sigma shift within a median of 5 to 7
	 * points.
	 */
	rules->enabled[SPC_PRESET_ANHOEJ] = true;
	if (chart != SPC_CHART_RUN)
		rules->enabled[SPC_PRESET_LIMITS] = true;
}

SpcParseStatus
spc_parse_rules(const char *text, SpcChartType chart, SpcRules *rules,
				char *bad, size_t badlen)
{
	Lexer		lx = {text};

	spc_default_rules(chart, rules);
	memset(rules->enabled, 0, sizeof(rules->enabled));
	copy_bad(bad, badlen, text);

	for (bool first = true;; first = false)
	{
		char		name[WORD_LEN];
		int			found = -1;

		if (!read_word(&lx, name))
		{
			/* an empty argument names no preset; anything else is malformed */
			copy_bad(bad, badlen, *lx.p ? lx.p : (first ? text : "end of text"));
			return (first && *lx.p == '\0') ? SPC_PARSE_UNKNOWN_NAME : SPC_PARSE_SYNTAX;
		}
		for (int i = 0; i < SPC_PRESET_COUNT; i++)
			if (strcmp(name, spc_preset_name((SpcPreset) i)) == 0)
				found = i;
		if (found < 0 && strcmp(name, "none") != 0)
		{
			copy_bad(bad, badlen, name);
			return SPC_PARSE_UNKNOWN_NAME;
		}
		if (accept_char(&lx, '('))
		{
			SpcPresetParams dummy = {0};
			SpcParseStatus st;

			st = parse_options(&lx, apply_preset_option,
							   found >= 0 ? (void *) &rules->params[found] : (void *) &dummy,
							   bad, badlen);
			if (st != SPC_PARSE_OK)
				return st;
		}
		if (found >= 0)
			rules->enabled[found] = true;
		if (!accept_char(&lx, ','))
			break;
	}
	skip_blanks(&lx);
	if (*lx.p != '\0')
	{
		copy_bad(bad, badlen, lx.p);
		return SPC_PARSE_SYNTAX;
	}
	return SPC_PARSE_OK;
}

SpcParseStatus
spc_parse_improvement(const char *text, SpcImprovement *improvement)
{
	Lexer		lx = {text};
	char		word[WORD_LEN];

	if (!read_word(&lx, word))
		return SPC_PARSE_UNKNOWN_NAME;
	skip_blanks(&lx);
	if (*lx.p != '\0')
		return SPC_PARSE_UNKNOWN_NAME;
	if (strcmp(word, "up") == 0)
		*improvement = SPC_IMPROVEMENT_UP;
	else if (strcmp(word, "down") == 0)
		*improvement = SPC_IMPROVEMENT_DOWN;
	else if (strcmp(word, "neutral") == 0)
		*improvement = SPC_IMPROVEMENT_NEUTRAL;
	else
		return SPC_PARSE_UNKNOWN_NAME;
	return SPC_PARSE_OK;
}
