/*
 * test/unit/rules_oracle.h
 *
 * The deliberately simple second implementation of the rule presets.
 */
#ifndef RULES_ORACLE_H
#define RULES_ORACLE_H

#include "compute.h"

/*
 * Expected codes (without 'invalid') of every point, from what spc.chart
 * returns; included[i]: the point is valid and not excluded.
 */
extern void oracle_codes(const SpcPoint *pt, const bool *included, size_t count,
						 bool mr_chart, const SpcRules *rules, uint32_t *codes);

#endif
