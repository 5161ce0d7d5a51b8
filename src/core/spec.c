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
 */
#include "spc_core.h"

#include <ctype.h>
#include <string.h>

#define WORD_LEN 32

static const char *const chart_names[SPC_CHART_COUNT] = {
	"run", "i", "mr", "xbar", "s", "r", "p", "np", "c", "u", "pp", "up", "g", "t"
};

static const char *const preset_names[SPC_PRESET_COUNT] = {
	"ihi", "we", "nelson", "nhs", "anhoej"
};

static const char *const code_names[SPC_CODE_COUNT] = {
	"ihi1", "ihi2", "ihi3", "ihi4", "ihi5",
	"we1", "we2", "we3", "we4",
	"nelson1", "nelson2", "nelson3", "nelson4",
	"nelson5", "nelson6", "nelson7", "nelson8",
	"nhs1", "nhs2", "nhs3", "nhs4",
	"anhoej_run", "anhoej_crossings",
	"invalid"
};

/* What each code means, for people reading a chart (default lengths). */
static const char *const code_descriptions[SPC_CODE_COUNT] = {
	"A point outside the control limits (Provost & Murray)",
	"A shift: 8 or more points in a row on one side of the centre line (points on it skipped)",
	"A trend: 6 or more points in a row each higher, or each lower, than the one before (ties counted once)",
	"2 of 3 points in a row beyond 2 sigma on the same side",
	"15 or more points in a row within 1 sigma of the centre line",
	"A point beyond 3 sigma (Western Electric)",
	"2 of 3 points in a row beyond 2 sigma on the same side",
	"4 of 5 points in a row beyond 1 sigma on the same side",
	"8 points in a row on one side of the centre line",
	"A point beyond 3 sigma (Nelson)",
	"9 points in a row on one side of the centre line",
	"6 points in a row steadily increasing or decreasing",
	"14 points in a row alternating up and down",
	"2 of 3 points in a row beyond 2 sigma on the same side",
	"4 of 5 points in a row beyond 1 sigma on the same side",
	"15 points in a row within 1 sigma of the centre line",
	"8 points in a row beyond 1 sigma on either side",
	"A point outside the process limits (NHS Making Data Count)",
	"A trend: 7 points in a row each above, or each below, the previous one",
	"2 of 3 points in a row close to a limit (between 2 and 3 sigma), all on the same side",
	"A shift: 7 points in a row on one side of the mean",
	"An unusually long run on one side of the centre line (Anhoej runs analysis)",
	"Unusually few crossings of the centre line (Anhoej runs analysis)",
	"The week's numbers cannot be charted (missing or impossible denominator, negative or non-finite value)"
};

const char *
spc_code_description(const char *code)
{
	for (int c = 0; c < SPC_CODE_COUNT; c++)
		if (strcmp(code, code_names[c]) == 0)
			return code_descriptions[c];
	return NULL;
}

/* Defaults of every preset; 0 marks a parameter the preset does not take. */
static const SpcPresetParams preset_defaults[SPC_PRESET_COUNT] = {
	[SPC_PRESET_IHI] = {.shift = 8, .trend = 6, .within = 15},
	[SPC_PRESET_WE] = {.shift = 8},
	[SPC_PRESET_NELSON] = {.shift = 9, .trend = 6, .within = 15,
	.alternating = 14, .beyond = 8},
	[SPC_PRESET_NHS] = {.shift = 7, .trend = 7},
	[SPC_PRESET_ANHOEJ] = {0},
};

/* Longest pattern a parameter may ask for; anything longer is a typo. */
#define MAX_PATTERN_LENGTH 1000

const char *
spc_chart_name(SpcChartType type)
{
	return (type >= 0 && type < SPC_CHART_COUNT) ? chart_names[type] : "?";
}

const char *
spc_code_name(SpcCode code)
{
	return (code >= 0 && code < SPC_CODE_COUNT) ? code_names[code] : "?";
}

const char *
spc_variation_name(SpcVariation variation)
{
	switch (variation)
	{
		case SPC_VARIATION_COMMON_CAUSE:
			return "common_cause";
		case SPC_VARIATION_IMPROVEMENT:
			return "improvement";
		case SPC_VARIATION_CONCERN:
			return "concern";
		case SPC_VARIATION_NEUTRAL_HIGH:
			return "neutral_high";
		case SPC_VARIATION_NEUTRAL_LOW:
			return "neutral_low";
		case SPC_VARIATION_NONE:
			break;
	}
	return NULL;
}

bool
spc_chart_needs_n(SpcChartType type)
{
	switch (type)
	{
		case SPC_CHART_P:
		case SPC_CHART_NP:
		case SPC_CHART_U:
		case SPC_CHART_PP:
		case SPC_CHART_UP:
			return true;
		default:
			return false;
	}
}

const char *
spc_chart_names_hint(void)
{
	return "Valid chart types are run, i, mr, xbar, s, r, p, np, c, u, pp, up, g and t.";
}

const char *
spc_chart_options_hint(void)
{
	return "Chart options are screen=true|false (i, t, pp, up), "
		"method=qicharts2|qcc (xbar, s, r, g) and clip=true|false (i, xbar), "
		"e.g. 'i(screen=false)'.";
}

const char *
spc_rules_hint(void)
{
	return "Valid rules are a comma-separated list of the presets ihi, we, nelson, nhs, "
		"anhoej and none, each optionally with parameters, e.g. 'ihi,anhoej' or "
		"'nhs(shift=6,trend=6)'. Parameters: ihi(shift, trend, within), we(shift), "
		"nelson(shift, trend, alternating, within, beyond), nhs(shift, trend).";
}

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
		if (strcmp(name, chart_names[i]) == 0)
			found = i;
	if (found < 0)
	{
		copy_bad(bad, badlen, name);
		return SPC_PARSE_UNKNOWN_NAME;
	}
	spec->type = (SpcChartType) found;
	/* qcc is the only reference for the R chart. */
	spec->method = found == SPC_CHART_R ? SPC_METHOD_QCC : SPC_METHOD_QICHARTS2;
	spec->screen = true;
	spec->clip = false;

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
	rules->enabled[chart == SPC_CHART_RUN ? SPC_PRESET_ANHOEJ : SPC_PRESET_IHI] = true;
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
			if (strcmp(name, preset_names[i]) == 0)
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
