/* SPDX-License-Identifier: ISC */
/*
 * tally: counting events that may come in floods (refused requests,
 * sessions evicted from a full table) and logging them at most once an
 * interval: the first of a quiet period at once, the rest as one summary
 * line when the interval ends. Counts since the start stay readable, for
 * /health. It knows nothing about what it counts.
 */
#ifndef HOTLINED_TALLY_H
#define HOTLINED_TALLY_H

#include <stddef.h>

struct event_base;
struct tally;

#define TALLY_REASONS	8	/* distinct reasons one tally keeps */

/*
 * A tally logging as what ("channel at", "sessions") at most once every
 * interval seconds, on base. NULL on failure.
 */
struct tally	*tally_new(struct event_base *base, const char *what,
		    int interval);

/*
 * Count one event for reason (a static string, no personal data; NULL
 * counts as "unnamed"). Logs "what: reason" at once when the tally was
 * quiet; later ones are summed into the next summary.
 */
void		 tally_add(struct tally *t, const char *reason);

/* Events counted for reason since the start (0 for an unknown one). */
unsigned long long tally_total(const struct tally *t, const char *reason);

/* Log what is pending and free the tally (NULL is fine). */
void		 tally_free(struct tally *t);

#endif
