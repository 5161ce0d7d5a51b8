/*
 * test/unit/unit.h
 *
 * A tiny test harness: CHECK counts passes and prints failures TAP-style.
 */
#ifndef UNIT_H
#define UNIT_H

#include <math.h>
#include <stdio.h>

#include "compute.h"

extern int	unit_passed;
extern int	unit_failed;

#define CHECK(cond, ...) \
	do { \
		if (cond) \
			unit_passed++; \
		else \
		{ \
			unit_failed++; \
			printf("not ok - "); \
			printf(__VA_ARGS__); \
			printf("  (%s:%d)\n", __FILE__, __LINE__); \
		} \
	} while (0)

static inline int
close_to(double a, double b, double tol)
{
	if (isnan(a) || isnan(b))
		return isnan(a) && isnan(b);
	return fabs(a - b) <= fmax(tol * fmax(fabs(a), fabs(b)), 1e-12);
}

#define CLOSE(a, b, tol, name) \
	CHECK(close_to((a), (b), (tol)), "%s: got %.10g, want %.10g", (name), (double) (a), (double) (b))

/* A series: one row per subgroup; NAN x is a missing value. */
typedef struct Series
{
	const char *chart;
	const char *rules;			/* NULL: the chart's default */
	size_t		count;
	const double *x;
	const double *n;			/* NULL: no denominators */
	const int  *baseline;		/* NULL: all baseline */
	const int  *exclude;		/* NULL: none excluded */
} Series;

/* Compute a series through the core, as the window function does. */
extern void unit_compute(const Series *s, SpcImprovement improvement,
						 SpcPoint *points, SpcPhase *phase);

extern void test_rules(void);
extern void test_analyst(void);
extern void test_funnel(void);
extern void test_svg(void);

#endif
