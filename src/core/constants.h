/*
 * src/core/constants.h
 *
 * Control chart constants (constants.c) and the critical values of Anhoej's
 * runs analysis (runs.c).
 */
#ifndef SPC_CONSTANTS_H
#define SPC_CONSTANTS_H

/* Moving ranges of two: the individuals and MR charts. */
#define SPC_D2_MR 1.128			/* d2(2) as qicharts2, Minitab, textbooks */
#define SPC_D4_MR 3.267			/* D4(2): MR chart UCL and screening limit */
extern double spc_c4(double n);
extern double spc_c5(double n);	/* sqrt(1 - c4(n)^2), accurate for huge n */
extern double spc_d2_table(int n);	/* qcc's 3-decimal table, NaN outside */
extern double spc_d3_table(int n);	/* qcc's 7-decimal table, NaN outside */

/* Anhoej runs analysis critical values (runs.c). */
extern int	spc_anhoej_longest_run_max(int n_useful);
extern int	spc_anhoej_crossings_min(int n_useful);

#endif							/* SPC_CONSTANTS_H */
