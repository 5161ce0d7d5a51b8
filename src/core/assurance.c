/*
 * src/core/assurance.c
 *
 * Assurance (NHS Making Data Count, as NHSRplotthedots): can the process, as
 * its limits describe it, be relied on to meet a goal?  With higher values
 * better, a goal below the lower limit is consistently met and one above the
 * upper limit consistently missed; anything within the limits, or on one of
 * them, is hit and miss.  Lower values better: the reverse.
 */
#include "compute.h"

#include <math.h>

SpcAssurance
spc_assurance(double goal, double lcl, double ucl, SpcImprovement improvement)
{
	int			direction;

	if (improvement == SPC_IMPROVEMENT_UP)
		direction = 1;
	else if (improvement == SPC_IMPROVEMENT_DOWN)
		direction = -1;
	else
		return SPC_ASSURANCE_NONE;
	if (isnan(goal) || isnan(lcl) || isnan(ucl) || lcl > ucl)
		return SPC_ASSURANCE_NONE;
	if (goal > ucl)
		return direction > 0 ? SPC_ASSURANCE_FAIL : SPC_ASSURANCE_PASS;
	if (goal < lcl)
		return direction > 0 ? SPC_ASSURANCE_PASS : SPC_ASSURANCE_FAIL;
	return SPC_ASSURANCE_HIT_AND_MISS;
}

const char *
spc_assurance_name(SpcAssurance assurance)
{
	switch (assurance)
	{
		case SPC_ASSURANCE_PASS:
			return "pass";
		case SPC_ASSURANCE_FAIL:
			return "fail";
		case SPC_ASSURANCE_HIT_AND_MISS:
			return "hit_and_miss";
		case SPC_ASSURANCE_NONE:
			break;
	}
	return NULL;
}
