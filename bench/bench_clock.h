/* SPDX-License-Identifier: ISC */
/*
 * bench_clock: the monotonic clock the bench programs time with
 * (bench/client.c, bench/seed.c), in one place.
 */
#ifndef BENCH_CLOCK_H
#define BENCH_CLOCK_H

#include <time.h>

/* Seconds on the monotonic clock, with nanoseconds. */
static inline double
bench_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif
