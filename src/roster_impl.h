/* SPDX-License-Identifier: ISC */
/*
 * roster_impl: the loaded roster as roster_load.c builds it and roster.c
 * queries it. Private to those two files; every other module sees the
 * opaque struct roster of roster.h.
 */
#ifndef HOTLINED_ROSTER_IMPL_H
#define HOTLINED_ROSTER_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "roster.h"

#define ROSTER_HORIZON		14		/* days searched ahead */
#define ROSTER_SMALL_HOURS	6		/* "tonight" ends by 06:00 */
#define ROSTER_NWINDOWS		3
#define ROSTER_HASH		crypto_generichash_BYTES

/* A stretch of local time: minutes of a day, or local seconds. */
struct roster_span {
	int64_t		 b;		/* first, included */
	int64_t		 e;		/* last, excluded */
};

/* A weekly shift of one counsellor. */
struct roster_shift {
	size_t		 person;	/* index into people */
	unsigned	 days;		/* bit n: starts on wday n */
	int		 start;		/* minutes, 0..1439 */
	int		 end;		/* minutes, 1..1440; <= start: the
					   next day */
	int		 holidays;	/* runs even if it starts on a
					   holiday */
};

struct roster {
	struct roster_person	*people;
	size_t			 npeople;
	unsigned char		(*tokhash)[ROSTER_HASH];	/* per person */
	struct roster_shift	*shifts;
	size_t			 nshifts;
	int64_t			*holidays;	/* local day numbers, sorted */
	size_t			 nholidays;
	struct roster_span	 windows[ROSTER_NWINDOWS];	/* minutes */
	int			 escalate_after;
	long			 retry_first;
	int			 max_attempts;
	int			 now_minutes;
	int			 claim_expiry;
	int			 call_attempts;
	int			 attempt_gap;
};

/* The safe-call windows' names, in the order of windows[]. */
extern const char *const roster_window_names[ROSTER_NWINDOWS];

/* Order day numbers (for qsort and bsearch of holidays). */
int	roster_day_cmp(const void *a, const void *b);

#endif
