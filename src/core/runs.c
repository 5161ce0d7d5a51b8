/*
 * src/core/runs.c
 *
 * Anhoej runs analysis (Anhoej & Olesen 2014; qicharts2): on the included
 * points of a phase that are not on the centre line ("useful" points), the
 * longest run on one side of the centre line and the number of crossings,
 * against L_max = round(log2(n)) + 3 (Schilling 2012) and
 * C_min = qbinom(0.05, n - 1, 0.5) (Chen 2010).
 */
#include "spc_internal.h"

#include <math.h>

int
spc_anhoej_longest_run_max(int n_useful)
{
	if (n_useful <= 0)
		return -1;
	/* log2(n) is never exactly k + 1/2 for an integer n, so rounding is safe */
	return (int) floor(log2((double) n_useful) + 0.5) + 3;
}

/* Smallest c with P(Binomial(n - 1, 1/2) <= c) >= 0.05. */
int
spc_anhoej_crossings_min(int n_useful)
{
	int			m = n_useful - 1;
	double		log_total = lgamma((double) m + 1.0) - (double) m * log(2.0);
	double		cdf = 0.0;

	if (n_useful <= 0)
		return -1;
	for (int c = 0; c <= m; c++)
	{
		cdf += exp(log_total - lgamma((double) c + 1.0) - lgamma((double) (m - c) + 1.0));
		if (cdf >= 0.05)
			return c;
	}
	return m;
}

/* A point that takes part in runs analysis: included and off the CL. */
static bool
is_useful(const SpcWork *w, size_t i)
{
	const SpcPoint *pt = &w->pt[i];

	return w->sg[i].status == SPC_STATUS_OK && !w->sg[i].excluded &&
		!isnan(pt->y) && !isnan(pt->cl) && pt->y != pt->cl;
}

static void
flag_run(SpcWork *w, size_t from, size_t to)
{
	for (size_t j = from; j <= to; j++)
		if (is_useful(w, j))
			w->pt[j].codes |= SPC_BIT(SPC_CODE_ANHOEJ_RUN);
}

void
spc_runs_analysis(SpcWork *w, SpcPhase *phase, bool flag_points)
{
	int			n_useful = 0,
				longest = 0,
				crossings = 0,
				run_length = 0,
				side = 0;
	bool		signal;

	for (size_t i = 0; i < w->count; i++)
	{
		int			s;

		if (!is_useful(w, i))
			continue;
		s = w->pt[i].y > w->pt[i].cl ? 1 : -1;
		if (s == side)
			run_length++;
		else
		{
			if (side != 0)
				crossings++;
			side = s;
			run_length = 1;
		}
		if (run_length > longest)
			longest = run_length;
		n_useful++;
	}
	phase->n_useful = n_useful;
	phase->longest_run = longest;
	phase->n_crossings = crossings;
	phase->longest_run_max = spc_anhoej_longest_run_max(n_useful);
	phase->n_crossings_min = spc_anhoej_crossings_min(n_useful);
	/* Moving ranges are autocorrelated: no runs signal on MR charts. */
	signal = n_useful > 0 && w->spec->type != SPC_CHART_MR &&
		(longest > phase->longest_run_max || crossings < phase->n_crossings_min);
	phase->runs_signal = signal;
	if (!flag_points || !signal)
		return;

	if (crossings < phase->n_crossings_min)
		for (size_t i = 0; i < w->count; i++)
			if (is_useful(w, i))
				w->pt[i].codes |= SPC_BIT(SPC_CODE_ANHOEJ_CROSSINGS);
	if (longest > phase->longest_run_max)
	{
		size_t		start = 0,
					last = 0;

		side = 0;
		run_length = 0;
		for (size_t i = 0; i < w->count; i++)
		{
			int			s;

			if (!is_useful(w, i))
				continue;
			s = w->pt[i].y > w->pt[i].cl ? 1 : -1;
			if (s != side)
			{
				if (run_length > phase->longest_run_max)
					flag_run(w, start, last);
				side = s;
				run_length = 0;
				start = i;
			}
			run_length++;
			last = i;
		}
		if (run_length > phase->longest_run_max)
			flag_run(w, start, last);
	}
}
