/*
 * src/core/names.c
 *
 * The words of the SQL interface: chart, preset, signal code and variation
 * names, what each code means, which charts take a ratio or need n, and the
 * hints of argument errors.  spec.c parses with these names.
 */
#include "spec.h"

#include <stddef.h>
#include <string.h>

static const char *const chart_names[SPC_CHART_COUNT] = {
	"run", "i", "mr", "xbar", "s", "r", "p", "np", "c", "u", "pp", "up", "g", "t",
	"ewma", "cusum", "bcusum", "racusum"
};

static const char *const preset_names[SPC_PRESET_COUNT] = {
	"ihi", "we", "nelson", "nhs", "anhoej", "limits"
};

static const char *const code_names[SPC_CODE_COUNT] = {
	"ihi1", "ihi2", "ihi3", "ihi4", "ihi5",
	"we1", "we2", "we3", "we4",
	"nelson1", "nelson2", "nelson3", "nelson4",
	"nelson5", "nelson6", "nelson7", "nelson8",
	"nhs1", "nhs2", "nhs3", "nhs4",
	"anhoej_run", "anhoej_crossings",
	"limits", "ewma", "cusum_upper", "cusum_lower",
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
	"A point outside the control limits (preset limits: the 3-sigma test alone)",
	"The EWMA statistic outside its control limits",
	"The upper CUSUM statistic beyond its decision interval (a rise)",
	"The lower CUSUM statistic beyond its decision interval (a fall)",
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


const char *
spc_chart_name(SpcChartType type)
{
	return (type >= 0 && type < SPC_CHART_COUNT) ? chart_names[type] : "?";
}

const char *
spc_preset_name(SpcPreset preset)
{
	return (preset >= 0 && preset < SPC_PRESET_COUNT) ? preset_names[preset] : "?";
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
		case SPC_VARIATION_SPECIAL_CAUSE:
			return "special_cause";
		case SPC_VARIATION_NONE:
			break;
	}
	return NULL;
}

bool
spc_chart_takes_ratio(SpcChartType type)
{
	return type == SPC_CHART_RUN || type == SPC_CHART_I || type == SPC_CHART_MR;
}

bool
spc_chart_is_cumulative(SpcChartType type)
{
	return type == SPC_CHART_EWMA || type == SPC_CHART_CUSUM ||
		type == SPC_CHART_BCUSUM || type == SPC_CHART_RACUSUM;
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
		case SPC_CHART_RACUSUM:
			return true;
		default:
			return false;
	}
}

const char *
spc_chart_names_hint(void)
{
	return "Valid chart types are run, i (or xmr), mr, xbar, s, r, p, np, c, u, pp, up, g, t, "
		"ewma, cusum, bcusum and racusum.";
}

const char *
spc_chart_options_hint(void)
{
	return "Chart options are screen=true|false (i, t, pp, up), "
		"method=qicharts2|qcc (xbar, s, r, g), clip=true|false (i, xbar), "
		"freeze=N, cl=V and multiply=M (every chart), sigma=V (ewma, cusum), "
		"lambda=V and nsigma=V (ewma), k=V (cusum), h=V (cusum, bcusum, racusum), "
		"or=V (bcusum, racusum) and p0=V (bcusum), e.g. 'i(screen=false)' or "
		"'ewma(lambda=0.1,nsigma=2.7)'.";
}

const char *
spc_rules_hint(void)
{
	return "Valid rules are a comma-separated list of the presets ihi, we, nelson, nhs, "
		"anhoej, limits and none, each optionally with parameters, e.g. 'ihi,anhoej' or "
		"'nhs(shift=6,trend=6)'. Parameters: ihi(shift, trend, within), we(shift), "
		"nelson(shift, trend, alternating, within, beyond), nhs(shift, trend).";
}
