/*
 * test/unit/rules_oracle.c
 *
 * A second, deliberately simple implementation of every rule preset, used to
 * cross-check the engine on random series.  Where the engine counts runs in
 * one pass, the oracle tries every window of the pattern's length and flags
 * all points of each window that qualifies (every point of a longer run lies
 * in such a window).  It reads only what spc.chart returns: y, cl, lcl, ucl,
 * sigma, and which points are included.
 */
#include "rules_oracle.h"
#include "constants.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BIT(code) ((uint32_t) 1 << (code))

typedef struct Oracle
{
	const SpcPoint *pt;
	size_t	   *seq;			/* included points with y and cl */
	size_t		nseq;
	size_t	   *zseq;			/* ... and a sigma */
	size_t		nzseq;
	uint32_t   *codes;
} Oracle;

static int
side(const SpcPoint *p)
{
	return p->y > p->cl ? 1 : (p->y < p->cl ? -1 : 0);
}

static double
zone(const SpcPoint *p)
{
	return (p->y - p->cl) / p->sigma;
}

static int
diff_sign(const SpcPoint *a, const SpcPoint *b)
{
	return b->y > a->y ? 1 : (b->y < a->y ? -1 : 0);
}

/* Windows of len points of list, all on one side; CL points break. */
static void
shift(Oracle *o, const size_t *list, size_t n, int len, int code)
{
	for (size_t s = 0; s + len <= n; s++)
	{
		int			first = side(&o->pt[list[s]]);
		bool		ok = first != 0;

		for (int j = 1; j < len && ok; j++)
			ok = side(&o->pt[list[s + j]]) == first;
		for (int j = 0; j < len && ok; j++)
			o->codes[list[s + j]] |= BIT(code);
	}
}

/* IHI: the same on the list of points that are off the CL. */
static void
shift_skip_cl(Oracle *o, int len, int code)
{
	size_t	   *off = calloc(o->nseq + 1, sizeof(size_t));
	size_t		n = 0;

	for (size_t k = 0; k < o->nseq; k++)
		if (side(&o->pt[o->seq[k]]) != 0)
			off[n++] = o->seq[k];
	shift(o, off, n, len, code);
	free(off);
}

/* Windows of len points with len - 1 differences all of one sign. */
static void
trend_strict(Oracle *o, int len, int code)
{
	for (size_t s = 0; s + len <= o->nseq; s++)
	{
		int			first = diff_sign(&o->pt[o->seq[s]], &o->pt[o->seq[s + 1]]);
		bool		ok = first != 0;

		for (int j = 1; j < len - 1 && ok; j++)
			ok = diff_sign(&o->pt[o->seq[s + j]], &o->pt[o->seq[s + j + 1]]) == first;
		for (int j = 0; j < len && ok; j++)
			o->codes[o->seq[s + j]] |= BIT(code);
	}
}

/*
 * IHI: runs of equal consecutive values are one group; windows of len groups
 * strictly rising or falling flag every point of their groups.
 */
static void
trend_ties_once(Oracle *o, int len, int code)
{
	size_t	   *group_start = calloc(o->nseq + 1, sizeof(size_t));
	size_t		ngroups = 0;

	for (size_t k = 0; k < o->nseq; k++)
		if (k == 0 || o->pt[o->seq[k]].y != o->pt[o->seq[k - 1]].y)
			group_start[ngroups++] = k;
	group_start[ngroups] = o->nseq;
	for (size_t s = 0; s + len <= ngroups; s++)
	{
		int			first = diff_sign(&o->pt[o->seq[group_start[s]]], &o->pt[o->seq[group_start[s + 1]]]);
		bool		ok = true;

		for (int j = 1; j < len - 1 && ok; j++)
			ok = diff_sign(&o->pt[o->seq[group_start[s + j]]],
						   &o->pt[o->seq[group_start[s + j + 1]]]) == first;
		for (size_t k = group_start[s]; ok && k < group_start[s + len]; k++)
			o->codes[o->seq[k]] |= BIT(code);
	}
	free(group_start);
}

/* Windows of len points whose differences are non-zero and alternate. */
static void
alternating(Oracle *o, int len, int code)
{
	for (size_t s = 0; s + len <= o->nseq; s++)
	{
		bool		ok = true;

		for (int j = 0; j < len - 1 && ok; j++)
		{
			int			d = diff_sign(&o->pt[o->seq[s + j]], &o->pt[o->seq[s + j + 1]]);

			ok = d != 0 && (j == 0 ||
							d == -diff_sign(&o->pt[o->seq[s + j - 1]], &o->pt[o->seq[s + j]]));
		}
		for (int j = 0; j < len && ok; j++)
			o->codes[o->seq[s + j]] |= BIT(code);
	}
}

static bool
outside(const SpcPoint *p)
{
	return p->y > p->ucl || p->y < p->lcl;
}

/* In every m consecutive zone points, k beyond t on one side: flag those. */
static void
k_of_m(Oracle *o, int k, int m, double t, bool nhs_band, int code)
{
	for (size_t s = 0; s + m <= o->nzseq; s++)
		for (int sd = -1; sd <= 1; sd += 2)
		{
			int			count = 0;
			bool		all_on_side = true;

			for (int j = 0; j < m; j++)
			{
				const SpcPoint *p = &o->pt[o->zseq[s + j]];

				if (sd * zone(p) > t && !(nhs_band && outside(p)))
					count++;
				if (side(p) != sd)
					all_on_side = false;
			}
			if (count < k || (nhs_band && !all_on_side))
				continue;
			for (int j = 0; j < m; j++)
			{
				const SpcPoint *p = &o->pt[o->zseq[s + j]];

				if (sd * zone(p) > t && !(nhs_band && outside(p)))
					o->codes[o->zseq[s + j]] |= BIT(code);
			}
		}
}

/* Windows of len zone points all within 1 sigma (or all beyond it). */
static void
zone_run(Oracle *o, int len, bool beyond, int code)
{
	for (size_t s = 0; s + len <= o->nzseq; s++)
	{
		bool		ok = true;

		for (int j = 0; j < len && ok; j++)
		{
			double		z = fabs(zone(&o->pt[o->zseq[s + j]]));

			ok = beyond ? z > 1.0 : z <= 1.0;
		}
		for (int j = 0; j < len && ok; j++)
			o->codes[o->zseq[s + j]] |= BIT(code);
	}
}

/* Anhoej: runs and crossings among the points off the CL. */
static void
anhoej(Oracle *o)
{
	size_t	   *useful = calloc(o->nseq + 1, sizeof(size_t));
	size_t		n = 0;
	int			crossings = 0;

	for (size_t k = 0; k < o->nseq; k++)
		if (side(&o->pt[o->seq[k]]) != 0)
			useful[n++] = o->seq[k];
	for (size_t k = 1; k < n; k++)
		crossings += side(&o->pt[useful[k]]) != side(&o->pt[useful[k - 1]]);
	if (n > 0 && crossings < spc_anhoej_crossings_min((int) n))
		for (size_t k = 0; k < n; k++)
			o->codes[useful[k]] |= BIT(SPC_CODE_ANHOEJ_CROSSINGS);
	for (size_t s = 0; n > 0 && s < n; s++)
	{
		size_t		e = s;

		/* only maximal runs: start where the side changes */
		if (s > 0 && side(&o->pt[useful[s - 1]]) == side(&o->pt[useful[s]]))
			continue;
		while (e + 1 < n && side(&o->pt[useful[e + 1]]) == side(&o->pt[useful[s]]))
			e++;
		if ((int) (e - s + 1) > spc_anhoej_longest_run_max((int) n))
			for (size_t k = s; k <= e; k++)
				o->codes[useful[k]] |= BIT(SPC_CODE_ANHOEJ_RUN);
	}
	free(useful);
}

void
oracle_codes(const SpcPoint *pt, const bool *included, size_t count, bool mr_chart,
			 const SpcRules *rules, uint32_t *codes)
{
	Oracle		o;
	const SpcPresetParams *p;

	o.pt = pt;
	o.codes = codes;
	o.seq = calloc(count + 1, sizeof(size_t));
	o.zseq = calloc(count + 1, sizeof(size_t));
	o.nseq = o.nzseq = 0;
	memset(codes, 0, count * sizeof(uint32_t));
	for (size_t i = 0; i < count; i++)
	{
		if (!included[i] || isnan(pt[i].y) || isnan(pt[i].cl))
			continue;
		o.seq[o.nseq++] = i;
		if (!isnan(pt[i].sigma))
			o.zseq[o.nzseq++] = i;
	}
	for (size_t i = 0; i < count; i++)
		if (outside(&pt[i]))
		{
			if (rules->enabled[SPC_PRESET_IHI])
				codes[i] |= BIT(SPC_CODE_IHI1);
			if (rules->enabled[SPC_PRESET_WE])
				codes[i] |= BIT(SPC_CODE_WE1);
			if (rules->enabled[SPC_PRESET_NELSON])
				codes[i] |= BIT(SPC_CODE_NELSON1);
			if (rules->enabled[SPC_PRESET_NHS])
				codes[i] |= BIT(SPC_CODE_NHS1);
		}
	if (!mr_chart)
	{
		if (rules->enabled[SPC_PRESET_IHI])
		{
			p = &rules->params[SPC_PRESET_IHI];
			shift_skip_cl(&o, p->shift, SPC_CODE_IHI2);
			trend_ties_once(&o, p->trend, SPC_CODE_IHI3);
			k_of_m(&o, 2, 3, 2.0, false, SPC_CODE_IHI4);
			zone_run(&o, p->within, false, SPC_CODE_IHI5);
		}
		if (rules->enabled[SPC_PRESET_WE])
		{
			p = &rules->params[SPC_PRESET_WE];
			k_of_m(&o, 2, 3, 2.0, false, SPC_CODE_WE2);
			k_of_m(&o, 4, 5, 1.0, false, SPC_CODE_WE3);
			shift(&o, o.seq, o.nseq, p->shift, SPC_CODE_WE4);
		}
		if (rules->enabled[SPC_PRESET_NELSON])
		{
			p = &rules->params[SPC_PRESET_NELSON];
			shift(&o, o.seq, o.nseq, p->shift, SPC_CODE_NELSON2);
			trend_strict(&o, p->trend, SPC_CODE_NELSON3);
			alternating(&o, p->alternating, SPC_CODE_NELSON4);
			k_of_m(&o, 2, 3, 2.0, false, SPC_CODE_NELSON5);
			k_of_m(&o, 4, 5, 1.0, false, SPC_CODE_NELSON6);
			zone_run(&o, p->within, false, SPC_CODE_NELSON7);
			zone_run(&o, p->beyond, true, SPC_CODE_NELSON8);
		}
		if (rules->enabled[SPC_PRESET_NHS])
		{
			p = &rules->params[SPC_PRESET_NHS];
			trend_strict(&o, p->trend, SPC_CODE_NHS2);
			k_of_m(&o, 2, 3, 2.0, true, SPC_CODE_NHS3);
			shift(&o, o.seq, o.nseq, p->shift, SPC_CODE_NHS4);
		}
		if (rules->enabled[SPC_PRESET_ANHOEJ])
			anhoej(&o);
	}
	free(o.seq);
	free(o.zseq);
}
