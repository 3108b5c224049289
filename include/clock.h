/* SPDX-License-Identifier: ISC */
/*
 * clock: the daemon's idea of now. Normally the system clock; for tests and
 * demonstrations the configuration may start it at another instant
 * (clock_start), after which it runs at the normal rate. Everything that
 * compares with the roster asks this clock, never time() directly.
 */
#ifndef HOTLINED_CLOCK_H
#define HOTLINED_CLOCK_H

#include <time.h>

struct hclock {
	time_t	offset;		/* seconds added to the system clock */
};

/* Start the clock at start (0: the system clock). */
void	hclock_init(struct hclock *c, time_t start);

/* Now, in Unix seconds. */
time_t	hclock_now(const struct hclock *c);

/*
 * Parse "YYYY-MM-DDTHH:MM:SS+HH:MM" (or "Z") into Unix seconds. Returns 0,
 * or -1 if it is not such a time.
 */
int	hclock_parse(const char *s, time_t *out);

#endif
