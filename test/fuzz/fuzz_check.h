/*
 * test/fuzz/fuzz_check.h
 *
 * What the fuzz targets share: an invariant that does not hold aborts, so
 * libFuzzer keeps the input that broke it.
 */
#ifndef FUZZ_CHECK_H
#define FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

static inline void
check(int ok, const char *what)
{
	if (!ok)
	{
		fprintf(stderr, "invariant broken: %s\n", what);
		abort();
	}
}

#endif							/* FUZZ_CHECK_H */
