/* SPDX-License-Identifier: ISC */
/*
 * store_job: the memory of a job (copies that are wiped with it), its
 * results, its completion, and the few helpers the store's files share:
 * the keyed hashes of a number and of an SMS id seen, random characters,
 * the meta key rule and error messages. A leaf: it knows no queue, thread
 * or database.
 */
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store_job.h"

#define STORE_CHUNK		1024

/* Memory for a job's strings, freed (and wiped) with the job. */
struct store_chunk {
	struct store_chunk	*next;
	size_t			 size;
	size_t			 used;
	max_align_t		 data[];
};

/* Set *cause to a new formatted message. */
void
store_job_cause(char **cause, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	if (vasprintf(cause, fmt, ap) == -1)
		*cause = NULL;
	va_end(ap);
}

/* Allocate n bytes, suitably aligned, that live as long as the job. */
void *
store_job_alloc(struct store_job *j, size_t n)
{
	struct store_chunk	*c = j->mem;
	size_t			 a = alignof(max_align_t);
	void			*p;

	n = (n + a - 1) / a * a;
	if (c == NULL || c->size - c->used < n) {
		size_t	 size = n > STORE_CHUNK ? n : STORE_CHUNK;

		c = malloc(sizeof(*c) + size);
		if (c == NULL)
			return NULL;
		c->size = size;
		c->used = 0;
		c->next = j->mem;
		j->mem = c;
	}
	p = (unsigned char *)c->data + c->used;
	c->used += n;
	return p;
}

/* Copy len bytes of s and a NUL into the job; NULL stays NULL. */
int
store_job_copy(struct store_job *j, const char *s, size_t len,
    const char **out)
{
	char	*p;

	*out = NULL;
	if (s == NULL)
		return 0;
	p = store_job_alloc(j, len + 1);
	if (p == NULL)
		return -1;
	memcpy(p, s, len);
	p[len] = '\0';
	*out = p;
	return 0;
}

/* Copy a C string into the job. */
int
store_job_strdup(struct store_job *j, const char *s, const char **out)
{
	return store_job_copy(j, s, s == NULL ? 0 : strlen(s), out);
}

/* A new job of kind for a completion with arg. */
struct store_job *
store_job_new(enum store_kind kind, void *arg)
{
	struct store_job	*j;

	j = calloc(1, sizeof(*j));
	if (j == NULL)
		return NULL;
	j->kind = kind;
	j->rc = STORE_ERR;
	j->max = -1;
	j->arg = arg;
	return j;
}

/* Free a job, wiping the copies of case data it held. */
void
store_job_free(struct store_job *j)
{
	struct store_chunk	*c, *next;

	if (j == NULL)
		return;
	for (c = j->mem; c != NULL; c = next) {
		next = c->next;
		sodium_memzero(c->data, c->used);
		free(c);
	}
	free(j->res);
	free(j);
}

/* A new zeroed result element of size elem, or NULL. */
void *
store_job_res_add(struct store_job *j, size_t elem)
{
	void	*p;
	size_t	 cap;

	if (j->nres == j->capres) {
		cap = j->capres == 0 ? 4 : j->capres * 2;
		p = reallocarray(j->res, cap, elem);
		if (p == NULL)
			return NULL;
		j->res = p;
		j->capres = cap;
	}
	p = (unsigned char *)j->res + j->nres * elem;
	memset(p, 0, elem);
	j->nres++;
	return p;
}

/* Run a job's completion on the calling (loop) thread. */
void
store_job_complete(const struct store_job *j)
{
	const struct store_callback	*row;

	switch (j->kind) {
	case SJ_CREATE:
	case SJ_UPDATE:
	case SJ_GET:
	case SJ_CLAIM:
	case SJ_RELEASE:
	case SJ_COMPLETE:
	case SJ_REASSIGN:
	case SJ_ATTEMPT:
	case SJ_EXPIRE:
	case SJ_NOTE:
		row = j->nres > 0 ? j->res : NULL;
		if (j->cb.row != NULL)
			j->cb.row(j->rc, row, j->arg);
		break;
	case SJ_DUE:
		if (j->cb.list != NULL)
			j->cb.list(j->rc, j->res, j->nres, j->arg);
		break;
	case SJ_VIEW:
		if (j->cb.page != NULL)
			j->cb.page(j->rc, j->res, j->nres, j->rc == STORE_OK ?
			    (size_t)j->rounds : 0, j->arg);
		break;
	case SJ_OUTBOX_DUE:
		if (j->cb.due != NULL)
			j->cb.due(j->rc, j->res, j->nres, j->arg);
		break;
	case SJ_HISTORY:
		if (j->cb.history != NULL)
			j->cb.history(j->rc, j->res, j->nres, j->arg);
		break;
	case SJ_OUTBOX_FAILING:
		if (j->cb.failing != NULL)
			j->cb.failing(j->rc, j->res, j->nres, j->arg);
		break;
	case SJ_GAUGES:
		if (j->cb.gauges != NULL) {
			struct store_gauges	 zero;

			memset(&zero, 0, sizeof(zero));
			j->cb.gauges(j->rc, j->rc == STORE_OK ? &j->gauges :
			    &zero, j->arg);
		}
		break;
	case SJ_META_GET:
		if (j->cb.value != NULL)
			j->cb.value(j->rc, j->rc == STORE_OK ? j->value : NULL,
			    j->arg);
		break;
	case SJ_SMS_DUE:
	case SJ_SMS_LIST:
		if (j->cb.sms != NULL)
			j->cb.sms(j->rc, j->res, j->nres, j->arg);
		break;
	case SJ_SMS_INBOUND:
		if (j->cb.inbound != NULL)
			j->cb.inbound(j->rc, (j->rc == STORE_OK ||
			    j->rc == STORE_DUP) ? j->rounds : 0, j->arg);
		break;
	case SJ_DISPATCH:
	case SJ_END:
	case SJ_META_SET:
	case SJ_SMS_QUEUE:
	case SJ_SMS_RESULT:
	case SJ_SMS_REPORT:
	case SJ_SMS_OPTOUT:
	case SJ_STATS_ADD:
	case SJ_HINT:
		if (j->cb.done != NULL)
			j->cb.done(j->rc, j->arg);
		break;
	case SJ_PURGE:
	case SJ_FORGET:
		if (j->cb.purged != NULL)
			j->cb.purged(j->rc, &j->purged, j->arg);
		break;
	case SJ_SESSION_GET:
	case SJ_SESSION_TAKE:
		if (j->cb.session != NULL)
			j->cb.session(j->rc, j->rc == STORE_OK ? j->id : 0,
			    j->rc == STORE_OK ? j->value : NULL, j->arg);
		break;
	case SJ_OUTBOX_RESULT:
	case SJ_SESSION_PUT:
	case SJ_SESSION_DROP:
	case SJ_SESSION_EXPIRE:
	case SJ_LEASE:
		if (j->cb.result != NULL)
			j->cb.result(j->rc, j->rc == STORE_OK ? j->rounds : 0,
			    j->arg);
		break;
	}
}

/* Whether callers may use meta key: only their own, never our secrets. */
int
store_job_meta_key_ok(const char *key)
{
	return key != NULL && strncmp(key, STORE_META_PREFIX,
	    sizeof(STORE_META_PREFIX) - 1) == 0;
}

/* A keyed hash of a number (a domain apart from dedup keys). */
int
store_job_hash_number(const uint8_t secret[STORE_SECRET_LEN],
    const char *number, uint8_t out[STORE_DEDUP_LEN])
{
	crypto_generichash_state	 h;

	if (crypto_generichash_init(&h, secret, STORE_SECRET_LEN,
	    STORE_DEDUP_LEN) != 0)
		return -1;
	crypto_generichash_update(&h, (const unsigned char *)"number", 7);
	crypto_generichash_update(&h, (const unsigned char *)number,
	    strlen(number));
	crypto_generichash_final(&h, out, STORE_DEDUP_LEN);
	sodium_memzero(&h, sizeof(h));
	return 0;
}

/* A keyed hash of a gateway's message id on a channel. */
int
store_job_hash_seen(const uint8_t secret[STORE_SECRET_LEN],
    const char *channel, const char *gateway_id,
    uint8_t out[STORE_DEDUP_LEN])
{
	crypto_generichash_state	 h;

	if (crypto_generichash_init(&h, secret, STORE_SECRET_LEN,
	    STORE_DEDUP_LEN) != 0)
		return -1;
	/* Its own prefix: never the hash of a number ("number"). */
	crypto_generichash_update(&h, (const unsigned char *)"sms_seen", 9);
	crypto_generichash_update(&h, (const unsigned char *)channel,
	    strlen(channel) + 1);
	crypto_generichash_update(&h, (const unsigned char *)gateway_id,
	    strlen(gateway_id));
	crypto_generichash_final(&h, out, STORE_DEDUP_LEN);
	sodium_memzero(&h, sizeof(h));
	return 0;
}

/*
 * Random characters from set (of length n, 1 to 256) into out[0..len),
 * each equally likely: the bytes of one draw at a time (not a system
 * call per character), those at or over the largest multiple of n below
 * 256 thrown away.
 */
void
store_job_random_chars(char *out, size_t len, const char *set, size_t n)
{
	unsigned char	 pool[64];
	size_t		 i = 0, k = sizeof(pool), limit;

	limit = 256 - 256 % n;
	while (i < len) {
		if (k == sizeof(pool)) {
			randombytes_buf(pool, sizeof(pool));
			k = 0;
		}
		if (pool[k] < limit)
			out[i++] = set[pool[k] % n];
		k++;
	}
	sodium_memzero(pool, sizeof(pool));
	out[len] = '\0';
}
