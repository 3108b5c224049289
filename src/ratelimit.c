/* SPDX-License-Identifier: ISC */
/*
 * ratelimit: token buckets in a fixed array of slots, found through a
 * keyed hash table and recycled least recently used first. A bucket's
 * level is kept in units where one token is period_ms units and every
 * millisecond adds count of them, so that any rate (500 a second, 20 in
 * ten minutes) is exact integer arithmetic. It knows nothing of what a
 * key is; callers choose the key and what a refusal means.
 */
#include <sys/queue.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ratelimit.h"

#define RATELIMIT_DIGEST	16	/* bytes of a key's digest */
#define RATELIMIT_NONE		UINT32_MAX

/* One key's bucket. */
struct rl_slot {
	uint8_t			 digest[RATELIMIT_DIGEST];
	int64_t			 level;		/* units, see above */
	int64_t			 last;		/* ms of the last refill */
	int64_t			 blocked;	/* ms: refused until then */
	int			 over;		/* refused since last pass */
	int			 used;
	uint32_t		 next;		/* in its hash chain */
	TAILQ_ENTRY(rl_slot)	 lru;		/* least recent first */
};

struct ratelimit {
	uint8_t			 key[crypto_generichash_KEYBYTES];
	struct rl_slot		*slot;
	size_t			 nslots;
	size_t			 nused;
	uint32_t		*bucket;
	size_t			 nbuckets;	/* a power of two */
	TAILQ_HEAD(, rl_slot)	 lru;
	unsigned		 count;		/* 0: off */
	int64_t			 period;	/* ms */
	unsigned		 burst;
	int64_t			 block;		/* ms */
	unsigned long long	 evicted;
};

/* A table of slots buckets. */
struct ratelimit *
ratelimit_new(size_t slots)
{
	struct ratelimit	*rl;
	size_t			 i;

	if (slots < 2 || slots >= RATELIMIT_NONE || sodium_init() == -1)
		return NULL;
	rl = calloc(1, sizeof(*rl));
	if (rl == NULL)
		return NULL;
	TAILQ_INIT(&rl->lru);
	rl->nslots = slots;
	for (rl->nbuckets = 1; rl->nbuckets < slots; rl->nbuckets <<= 1)
		;
	rl->slot = calloc(slots, sizeof(*rl->slot));
	rl->bucket = calloc(rl->nbuckets, sizeof(*rl->bucket));
	if (rl->slot == NULL || rl->bucket == NULL) {
		ratelimit_free(rl);
		return NULL;
	}
	for (i = 0; i < rl->nbuckets; i++)
		rl->bucket[i] = RATELIMIT_NONE;
	randombytes_buf(rl->key, sizeof(rl->key));
	rl->period = 1000;
	return rl;
}

/* Set the limit; see ratelimit.h. */
void
ratelimit_set(struct ratelimit *rl, unsigned count, int64_t period_ms,
    unsigned burst, int64_t block_ms)
{
	size_t	 i;
	int	 changed;

	if (period_ms < 1)
		period_ms = 1;
	if (burst < 1)
		burst = 1;
	changed = count != rl->count || period_ms != rl->period;
	rl->count = count;
	rl->period = period_ms;
	rl->burst = burst;
	rl->block = block_ms > 0 ? block_ms : 0;
	/*
	 * Levels are in units of the old rate: start each key full again
	 * rather than convert (a reload is rare; blocks stay).
	 */
	for (i = 0; i < rl->nslots; i++) {
		if (!rl->slot[i].used)
			continue;
		if (changed || rl->slot[i].level > (int64_t)burst * period_ms)
			rl->slot[i].level = (int64_t)burst * period_ms;
	}
}

/* Whether a limit is set. */
int
ratelimit_on(const struct ratelimit *rl)
{
	return rl != NULL && rl->count > 0;
}

/* The hash chain of a digest. */
static uint32_t *
ratelimit_chain(struct ratelimit *rl, const uint8_t *digest)
{
	uint64_t	 h;

	memcpy(&h, digest, sizeof(h));
	return &rl->bucket[h & (rl->nbuckets - 1)];
}

/* Take s out of its hash chain. */
static void
ratelimit_unchain(struct ratelimit *rl, struct rl_slot *s)
{
	uint32_t	*p = ratelimit_chain(rl, s->digest);
	uint32_t	 idx = (uint32_t)(s - rl->slot);

	while (*p != RATELIMIT_NONE) {
		if (*p == idx) {
			*p = s->next;
			return;
		}
		p = &rl->slot[*p].next;
	}
}

/*
 * The slot of digest: found, or a new one with a full bucket (the least
 * recently used one gives way when every slot is taken).
 */
static struct rl_slot *
ratelimit_slot(struct ratelimit *rl, const uint8_t *digest, int64_t now)
{
	struct rl_slot	*s;
	uint32_t	*chain = ratelimit_chain(rl, digest);
	uint32_t	 i;

	for (i = *chain; i != RATELIMIT_NONE; i = rl->slot[i].next) {
		s = &rl->slot[i];
		if (sodium_memcmp(s->digest, digest, RATELIMIT_DIGEST) == 0) {
			TAILQ_REMOVE(&rl->lru, s, lru);
			TAILQ_INSERT_TAIL(&rl->lru, s, lru);
			return s;
		}
	}
	if (rl->nused < rl->nslots)
		s = &rl->slot[rl->nused++];
	else {
		s = TAILQ_FIRST(&rl->lru);
		TAILQ_REMOVE(&rl->lru, s, lru);
		ratelimit_unchain(rl, s);
		rl->evicted++;
	}
	memset(s, 0, sizeof(*s));
	memcpy(s->digest, digest, RATELIMIT_DIGEST);
	s->used = 1;
	s->level = (int64_t)rl->burst * rl->period;
	s->last = now;
	chain = ratelimit_chain(rl, digest);
	s->next = *chain;
	*chain = (uint32_t)(s - rl->slot);
	TAILQ_INSERT_TAIL(&rl->lru, s, lru);
	return s;
}

/* Count one request of key; see ratelimit.h. */
enum ratelimit_result
ratelimit_take(struct ratelimit *rl, const void *key, size_t len,
    int64_t now_ms, int64_t *retry_ms)
{
	struct rl_slot	*s;
	uint8_t		 digest[RATELIMIT_DIGEST];
	int64_t		 cap, elapsed, room;

	if (!ratelimit_on(rl))
		return RATELIMIT_PASS;
	crypto_generichash(digest, sizeof(digest), key, len, rl->key,
	    sizeof(rl->key));
	s = ratelimit_slot(rl, digest, now_ms);
	sodium_memzero(digest, sizeof(digest));
	if (s->blocked > now_ms) {
		if (retry_ms != NULL)
			*retry_ms = s->blocked - now_ms;
		return RATELIMIT_OVER;
	}
	cap = (int64_t)rl->burst * rl->period;
	elapsed = now_ms - s->last;
	if (elapsed > 0) {
		room = cap - s->level;
		/* Compared by division: elapsed * count may overflow. */
		if (elapsed >= room / rl->count + 1)
			s->level = cap;
		else
			s->level += elapsed * rl->count;
		s->last = now_ms;
	}
	if (s->level >= rl->period) {
		s->level -= rl->period;
		s->over = 0;
		return RATELIMIT_PASS;
	}
	if (retry_ms != NULL)
		*retry_ms = (rl->period - s->level + rl->count - 1) /
		    rl->count;
	if (s->over)
		return RATELIMIT_OVER;
	s->over = 1;
	if (rl->block > 0) {
		s->blocked = now_ms + rl->block;
		if (retry_ms != NULL)
			*retry_ms = rl->block;
	}
	return RATELIMIT_TRIPPED;
}

/* Keys held. */
size_t
ratelimit_held(const struct ratelimit *rl)
{
	return rl->nused;
}

/* Keys that gave way. */
unsigned long long
ratelimit_evicted(const struct ratelimit *rl)
{
	return rl->evicted;
}

/* Free the table. */
void
ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	free(rl->slot);
	free(rl->bucket);
	sodium_memzero(rl->key, sizeof(rl->key));
	free(rl);
}
