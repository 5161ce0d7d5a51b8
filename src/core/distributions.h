/*
 * src/core/distributions.h
 *
 * Binomial and Poisson distributions (distributions.c) for the exact limits
 * of funnel plots; the unit tests check them against R's pbinom and ppois.
 */
#ifndef SPC_DISTRIBUTIONS_H
#define SPC_DISTRIBUTIONS_H

/* P(X = r): Loader's saddle-point form, accurate for n up to 10^9. */
extern double spc_binom_pmf(double r, double n, double p);
extern double spc_pois_pmf(double r, double lambda);

/* P(X <= r) by continued fractions, with the masses above as front factors. */
extern double spc_binom_cdf(double r, double n, double p);
extern double spc_pois_cdf(double r, double lambda);

#endif							/* SPC_DISTRIBUTIONS_H */
