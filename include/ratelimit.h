/* SPDX-License-Identifier: ISC */
/*
 * ratelimit: a table of token buckets, one per key (a peer address, a
 * phone number), in bounded memory. A key is reduced at once to a keyed
 * BLAKE2b digest under a random key of the table's own, so the table
 * never holds what it counts and a flood cannot aim at one hash chain.
 * The table has a fixed number of slots: a new key takes the least
 * recently used one. Time is passed in (milliseconds on a monotonic
 * clock, hclock_mono_ms), so that tests need no sleeping.
 */
#ifndef HOTLINED_RATELIMIT_H
#define HOTLINED_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

struct ratelimit;

/* What ratelimit_take says of one request. */
enum ratelimit_result {
	RATELIMIT_PASS,		/* within the limit (or the limit is off) */
	RATELIMIT_TRIPPED,	/* this one went over: refused, and the key
				   is blocked when a block is set */
	RATELIMIT_OVER		/* refused: still over, or blocked */
};

/*
 * A table of slots buckets (at least 2), limit off until ratelimit_set.
 * NULL on failure (out of memory, no random key).
 */
struct ratelimit *ratelimit_new(size_t slots);

/*
 * Let each key take count requests per period_ms, with bursts of up to
 * burst (a full bucket); when one goes over, refuse it for block_ms
 * (0: only until a token is back). count 0 turns the limit off. Keys
 * already held keep their state, their bucket cut down to the new burst.
 */
void		 ratelimit_set(struct ratelimit *rl, unsigned count,
		    int64_t period_ms, unsigned burst, int64_t block_ms);

/* Whether a limit is set (count > 0). */
int		 ratelimit_on(const struct ratelimit *rl);

/*
 * Count one request of key (len bytes, any content) at now_ms. When it is
 * refused and retry_ms is not NULL, *retry_ms is how long until one would
 * pass.
 */
enum ratelimit_result ratelimit_take(struct ratelimit *rl, const void *key,
		    size_t len, int64_t now_ms, int64_t *retry_ms);

/* Keys held now, and keys that gave way to new ones since the start. */
size_t		 ratelimit_held(const struct ratelimit *rl);
unsigned long long ratelimit_evicted(const struct ratelimit *rl);

/* Free the table (NULL is fine). */
void		 ratelimit_free(struct ratelimit *rl);

#endif
