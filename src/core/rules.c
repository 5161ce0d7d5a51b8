/*
 * src/core/rules.c
 *
 * Special-cause rules on a computed partition, and the improvement/concern
 * classification of every point.
 *
 * Conventions (methods.md A.2): a limit test is strict (y > ucl or y < lcl)
 * and applies to every point with a value, excluded ones too.  Sequence rules
 * run over the "sequence": the included points with a value and a centre line
 * (excluded, missing and invalid points are skipped: they neither extend nor
 * break a pattern).  Every point of a qualifying pattern is flagged.  Zone
 * rules use zone = (y - centre) / sigma; "beyond k sigma" is |zone| > k,
 * "within" its complement.
 */
#include "spc_internal.h"

#include <math.h>

/* The codes of each preset's rules, in the presets' own numbering. */
typedef struct PresetCodes
{
	int			limit;			/* 1 point outside the limits */
	int			shift;			/* run on one side of the CL */
	int			trend;			/* run rising or falling */
	int			two_of_three;	/* 2 of 3 beyond 2 sigma, same side */
	int			four_of_five;	/* 4 of 5 beyond 1 sigma, same side */
	int			within;			/* run within 1 sigma */
	int			alternating;	/* run alternating up and down */
	int			beyond;			/* run beyond 1 sigma, either side */
} PresetCodes;

#define NONE (-1)

static const PresetCodes preset_codes[SPC_PRESET_COUNT] = {
	[SPC_PRESET_IHI] = {SPC_CODE_IHI1, SPC_CODE_IHI2, SPC_CODE_IHI3, SPC_CODE_IHI4, NONE,
	SPC_CODE_IHI5, NONE, NONE},
	[SPC_PRESET_WE] = {SPC_CODE_WE1, SPC_CODE_WE4, NONE, SPC_CODE_WE2, SPC_CODE_WE3,
	NONE, NONE, NONE},
	[SPC_PRESET_NELSON] = {SPC_CODE_NELSON1, SPC_CODE_NELSON2, SPC_CODE_NELSON3,
		SPC_CODE_NELSON5, SPC_CODE_NELSON6, SPC_CODE_NELSON7, SPC_CODE_NELSON4,
	SPC_CODE_NELSON8},
	[SPC_PRESET_NHS] = {SPC_CODE_NHS1, SPC_CODE_NHS4, SPC_CODE_NHS2, SPC_CODE_NHS3, NONE,
	NONE, NONE, NONE},
	[SPC_PRESET_ANHOEJ] = {NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE},
	[SPC_PRESET_LIMITS] = {SPC_CODE_LIMITS, NONE, NONE, NONE, NONE, NONE, NONE, NONE},
};

#define LIMIT_CODES (SPC_BIT(SPC_CODE_IHI1) | SPC_BIT(SPC_CODE_WE1) | \
					 SPC_BIT(SPC_CODE_NELSON1) | SPC_BIT(SPC_CODE_NHS1) | \
					 SPC_BIT(SPC_CODE_LIMITS))
#define TREND_CODES (SPC_BIT(SPC_CODE_IHI3) | SPC_BIT(SPC_CODE_NELSON3) | \
					 SPC_BIT(SPC_CODE_NHS2))
/* Every code except 'invalid' marks a special cause. */
#define SIGNAL_CODES (SPC_BIT(SPC_CODE_INVALID) - 1)
/*
 * Patterns with no direction: hugging the centre line (ihi5, nelson7),
 * staying away from it on both sides (nelson8), alternation (nelson4) and too
 * few crossings (anhoej_crossings) say the process changed, not which way.
 */
#define UNDIRECTED_CODES (SPC_BIT(SPC_CODE_IHI5) | SPC_BIT(SPC_CODE_NELSON7) | \
						  SPC_BIT(SPC_CODE_NELSON8) | SPC_BIT(SPC_CODE_NELSON4) | \
						  SPC_BIT(SPC_CODE_ANHOEJ_CROSSINGS))

/* The sequence: indices of the points sequence rules look at. */
typedef struct Sequence
{
	size_t	   *idx;
	size_t		len;
} Sequence;

static int
side_of(const SpcPoint *pt)
{
	return (pt->y > pt->cl) - (pt->y < pt->cl);
}

/* Sign of the step from sequence point k - 1 to point k. */
static int
step(const SpcWork *w, const Sequence *seq, size_t k)
{
	double		a = w->pt[seq->idx[k - 1]].y,
				b = w->pt[seq->idx[k]].y;

	return (b > a) - (b < a);
}

static void
flag(SpcWork *w, const Sequence *seq, size_t from, size_t to, int code)
{
	for (size_t k = from; k <= to; k++)
		w->pt[seq->idx[k]].codes |= SPC_BIT(code);
}

/*
 * Shift: runs of at least `length` points on one side of the CL.  With
 * skip_on_cl (IHI), points on the CL neither extend nor break a run and are
 * not flagged; otherwise (WE, Nelson, NHS) they break it.
 */
static void
rule_shift(SpcWork *w, const Sequence *seq, int length, bool skip_on_cl, int code)
{
	size_t		start = 0,
				last = 0;
	int			run_side = 0,
				run = 0;

	for (size_t k = 0; k <= seq->len; k++)
	{
		int			s = k < seq->len ? side_of(&w->pt[seq->idx[k]]) : 0;

		if (k < seq->len && s == 0 && skip_on_cl)
			continue;
		if (k < seq->len && s != 0 && s == run_side)
		{
			run++;
			last = k;
			continue;
		}
		if (run >= length)
			for (size_t j = start; j <= last; j++)
				if (side_of(&w->pt[seq->idx[j]]) != 0)
					w->pt[seq->idx[j]].codes |= SPC_BIT(code);
		run_side = s;
		run = s != 0;
		start = last = k;
	}
}

/*
 * Trend: runs of at least `length` points each higher (or each lower) than
 * the one before.  With skip_ties (IHI), a value equal to the one before is
 * counted once: it neither makes nor breaks the trend (and is flagged with
 * it).  Otherwise (Nelson, NHS) a tie ends the trend.  The direction of each
 * flagged point is kept for the variation.
 */
static void
rule_trend(SpcWork *w, const Sequence *seq, int length, bool skip_ties, int code)
{
	size_t		start = 0;		/* first point of the current trend */
	int			dir = 0,
				points = 1;		/* distinct values in the current trend */

	for (size_t k = 1; k <= seq->len; k++)
	{
		int			d = 0;

		if (k < seq->len)
		{
			d = step(w, seq, k);
			if (d == 0 && skip_ties)
				continue;
			if (d != 0 && d == dir)
			{
				points++;
				continue;
			}
		}
		/* the trend ending at k - 1 */
		if (dir != 0 && points >= length)
		{
			flag(w, seq, start, k - 1, code);
			for (size_t j = start; j < k; j++)
				w->trend[seq->idx[j]] = (signed char) dir;
		}
		if (k == seq->len)
			break;
		if (d == 0)
		{
			dir = 0;
			points = 1;
			start = k;
		}
		else
		{
			/* a new trend starts at the last distinct value before k */
			size_t		j = k - 1;

			while (skip_ties && j > 0 && w->pt[seq->idx[j - 1]].y == w->pt[seq->idx[j]].y)
				j--;
			dir = d;
			points = 2;
			start = j;
		}
	}
}

/* Alternating: at least `length` points, each difference reversing the last. */
static void
rule_alternating(SpcWork *w, const Sequence *seq, int length, int code)
{
	size_t		start = 0;
	int			last_d = 0,
				points = 1;

	for (size_t k = 1; k <= seq->len; k++)
	{
		int			d = 0;

		if (k < seq->len)
		{
			d = step(w, seq, k);
			if (d != 0 && d == -last_d)
			{
				points++;
				last_d = d;
				continue;
			}
		}
		if (points >= length)
			flag(w, seq, start, k - 1, code);
		if (k == seq->len)
			break;
		last_d = d;
		points = d != 0 ? 2 : 1;
		start = d != 0 ? k - 1 : k;
	}
}

/*
 * k of m: in every m consecutive points, at least k beyond `beyond` sigma on
 * the same side; those points are flagged.  band_only (NHS): only points
 * beyond `beyond` sigma but inside the limits count, and all m points must be
 * on that side of the CL.
 */
static void
rule_k_of_m(SpcWork *w, const Sequence *seq, int k, int m, double beyond,
			bool band_only, int code)
{
	if (seq->len < (size_t) m)
		return;
	for (size_t start = 0; start + m <= seq->len; start++)
	{
		for (int s = -1; s <= 1; s += 2)
		{
			int			count = 0,
						same_side = 0;

			for (int j = 0; j < m; j++)
			{
				const SpcPoint *pt = &w->pt[seq->idx[start + j]];
				double		z = w->zone[seq->idx[start + j]];
				bool		in = s * z > beyond;

				if (band_only)
					in = in && !(pt->y > pt->ucl || pt->y < pt->lcl);
				count += in;
				same_side += side_of(pt) == s;
			}
			if (count < k || (band_only && same_side < m))
				continue;
			for (int j = 0; j < m; j++)
			{
				size_t		i = seq->idx[start + j];
				const SpcPoint *pt = &w->pt[i];

				if (s * w->zone[i] > beyond &&
					!(band_only && (pt->y > pt->ucl || pt->y < pt->lcl)))
					w->pt[i].codes |= SPC_BIT(code);
			}
		}
	}
}

/*
 * Runs of at least `length` points within 1 sigma (|zone| <= 1) or, with
 * beyond, more than 1 sigma away on either side.
 */
static void
rule_zone_run(SpcWork *w, const Sequence *seq, int length, bool beyond, int code)
{
	size_t		start = 0;
	int			run = 0;

	for (size_t k = 0; k <= seq->len; k++)
	{
		bool		in = false;

		if (k < seq->len)
		{
			double		z = fabs(w->zone[seq->idx[k]]);

			in = beyond ? z > 1.0 : z <= 1.0;
		}
		if (in)
		{
			if (run++ == 0)
				start = k;
			continue;
		}
		if (run >= length)
			flag(w, seq, start, k - 1, code);
		run = 0;
	}
}

static void
apply_limit_rule(SpcWork *w, int code)
{
	for (size_t i = 0; i < w->count; i++)
	{
		SpcPoint   *pt = &w->pt[i];

		if (pt->y > pt->ucl || pt->y < pt->lcl)
			pt->codes |= SPC_BIT(code);
	}
}

/* The sequence for side and trend rules, and the one for zone rules. */
static void
build_sequences(SpcWork *w, Sequence *seq, Sequence *zseq, size_t *buffer)
{
	seq->idx = buffer;
	seq->len = 0;
	zseq->idx = buffer + w->count;
	zseq->len = 0;
	for (size_t i = 0; i < w->count; i++)
	{
		const SpcPoint *pt = &w->pt[i];

		if (w->sg[i].status != SPC_STATUS_OK || w->sg[i].excluded ||
			isnan(pt->y) || isnan(pt->cl))
			continue;
		seq->idx[seq->len++] = i;
		if (!isnan(w->zone[i]))
			zseq->idx[zseq->len++] = i;
	}
}

static void
apply_preset(SpcWork *w, SpcPreset preset, const SpcPresetParams *p,
			 const Sequence *seq, const Sequence *zseq)
{
	const PresetCodes *c = &preset_codes[preset];
	bool		ihi = preset == SPC_PRESET_IHI;
	bool		nhs = preset == SPC_PRESET_NHS;

	if (c->limit != NONE)
		apply_limit_rule(w, c->limit);
	/* Moving ranges are autocorrelated: only the limit test on MR charts. */
	if (w->spec->type == SPC_CHART_MR)
		return;
	if (c->shift != NONE)
		rule_shift(w, seq, p->shift, ihi, c->shift);
	if (c->trend != NONE)
		rule_trend(w, seq, p->trend, ihi, c->trend);
	if (c->alternating != NONE)
		rule_alternating(w, seq, p->alternating, c->alternating);
	if (c->two_of_three != NONE)
		rule_k_of_m(w, zseq, 2, 3, 2.0, nhs, c->two_of_three);
	if (c->four_of_five != NONE)
		rule_k_of_m(w, zseq, 4, 5, 1.0, false, c->four_of_five);
	if (c->within != NONE)
		rule_zone_run(w, zseq, p->within, false, c->within);
	if (c->beyond != NONE)
		rule_zone_run(w, zseq, p->beyond, true, c->beyond);
}

/*
 * Direction of a signal point: a CUSUM by its side; a point outside the
 * limits by its side; else a trend by its direction; else, for a directed
 * pattern, its side of the centre line.  trend is the point's direction
 * in a flagged trend (SpcWork's trend), 0 outside one.  0 when none (only undirected
 * patterns, or a point on the centre line).
 */
static int
signal_direction(const SpcPoint *pt, int trend)
{
	uint32_t	cusum = pt->codes & (SPC_BIT(SPC_CODE_CUSUM_UPPER) | SPC_BIT(SPC_CODE_CUSUM_LOWER));

	if (cusum)
		return cusum == SPC_BIT(SPC_CODE_CUSUM_UPPER) ? 1 :
			cusum == SPC_BIT(SPC_CODE_CUSUM_LOWER) ? -1 : 0;
	if ((pt->codes & TREND_CODES) && !(pt->codes & LIMIT_CODES) && trend != 0)
		return trend;
	if ((pt->codes & SIGNAL_CODES & ~UNDIRECTED_CODES) == 0)
		return 0;
	return side_of(pt);
}

static SpcVariation
classify(const SpcPoint *pt, int trend, SpcImprovement improvement)
{
	int			direction;

	if (isnan(pt->y))
		return SPC_VARIATION_NONE;
	if ((pt->codes & SIGNAL_CODES) == 0)
		return SPC_VARIATION_COMMON_CAUSE;
	if ((direction = signal_direction(pt, trend)) == 0)
		return SPC_VARIATION_SPECIAL_CAUSE;
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
	Sequence	seq,
				zseq;

	build_sequences(w, &seq, &zseq, w->index);
	for (int p = 0; p < SPC_PRESET_COUNT; p++)
		if (rules->enabled[p])
			apply_preset(w, (SpcPreset) p, &rules->params[p], &seq, &zseq);
	spc_classify_points(w, improvement);
}

void
spc_classify_points(SpcWork *w, SpcImprovement improvement)
{
	if (improvement == SPC_IMPROVEMENT_NONE)
		return;
	for (size_t i = 0; i < w->count; i++)
		w->pt[i].variation = classify(&w->pt[i], w->trend[i], improvement);
}
