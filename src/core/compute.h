/*
 * src/core/compute.h
 *
 * Computation of one partition (chart.c): subgroups in, points and the
 * phase summary out; and the assurance of a goal against the limits
 * (assurance.c).
 */
#ifndef SPC_COMPUTE_H
#define SPC_COMPUTE_H

#include "spec.h"
#include "subgroup.h"

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

#endif							/* SPC_COMPUTE_H */
