/*
 * src/core/rules.c
 *
 * Special-cause rules on a computed partition and the improvement/concern
 * classification of every point.  A limit test is strict (y > ucl or
 * y < lcl); excluded and NULL points are tested against the limits.
 */
#include "spc_internal.h"

#include <math.h>

/* The code of rule 1 (a point outside the limits) of each preset. */
static const int limit_code[SPC_PRESET_COUNT] = {
	[SPC_PRESET_IHI] = SPC_CODE_IHI1,
	[SPC_PRESET_WE] = SPC_CODE_WE1,
	[SPC_PRESET_NELSON] = SPC_CODE_NELSON1,
	[SPC_PRESET_NHS] = SPC_CODE_NHS1,
	[SPC_PRESET_ANHOEJ] = -1,
};

/* Every code except 'invalid' marks a special cause. */
#define SIGNAL_CODES (SPC_BIT(SPC_CODE_INVALID) - 1)

static void
apply_limit_rules(SpcWork *w, const SpcRules *rules)
{
	uint32_t	codes = 0;

	for (int p = 0; p < SPC_PRESET_COUNT; p++)
		if (rules->enabled[p] && limit_code[p] >= 0)
			codes |= SPC_BIT(limit_code[p]);
	if (codes == 0)
		return;
	for (size_t i = 0; i < w->count; i++)
	{
		SpcPoint   *pt = &w->pt[i];

		if (pt->y > pt->ucl || pt->y < pt->lcl)
			pt->codes |= codes;
	}
}

/*
 * Direction of a signal point: above the centre line is up.  A point of a
 * signal that sits on the centre line has no direction.
 */
static int
signal_direction(const SpcPoint *pt)
{
	if (pt->y > pt->cl)
		return 1;
	if (pt->y < pt->cl)
		return -1;
	return 0;
}

static SpcVariation
classify(const SpcPoint *pt, SpcImprovement improvement)
{
	int			direction;

	if (isnan(pt->y))
		return SPC_VARIATION_NONE;
	if ((pt->codes & SIGNAL_CODES) == 0 || (direction = signal_direction(pt)) == 0)
		return SPC_VARIATION_COMMON_CAUSE;
	switch (improvement)
	{
		case SPC_IMPROVEMENT_UP:
			return direction > 0 ? SPC_VARIATION_IMPROVEMENT : SPC_VARIATION_CONCERN;
		case SPC_IMPROVEMENT_DOWN:
			return direction < 0 ? SPC_VARIATION_IMPROVEMENT : SPC_VARIATION_CONCERN;
		case SPC_IMPROVEMENT_NEUTRAL:
			return direction > 0 ? SPC_VARIATION_NEUTRAL_HIGH : SPC_VARIATION_NEUTRAL_LOW;
		case SPC_IMPROVEMENT_NONE:
			break;
	}
	return SPC_VARIATION_NONE;
}

void
spc_apply_rules(SpcWork *w, const SpcRules *rules, SpcImprovement improvement)
{
	apply_limit_rules(w, rules);
	if (improvement == SPC_IMPROVEMENT_NONE)
		return;
	for (size_t i = 0; i < w->count; i++)
		w->pt[i].variation = classify(&w->pt[i], improvement);
}
