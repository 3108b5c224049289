/* SPDX-License-Identifier: ISC */
/*
 * store_share: the store's calls for daemons that share a database:
 * whether it is shared, a key every daemon derives alike, the session
 * states (read on the reading connection, written over a version), the
 * lease and the wake-up hints. Each builds a job for the writer (or the
 * reader) as store.c's do; the bodies are store_jobs_session.c's. Only
 * keyed hashes of session keys and numbers reach the job.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store.h"
#include "store_backend.h"
#include "store_impl.h"
#include "store_job.h"
#include "store_writer.h"

/* Whether several daemons may share the database. */
int
store_shared(const struct store *st)
{
	return st->ops->shared || st->shared;
}

/* Tests: as if it were. */
void
store_share_for_tests(struct store *st)
{
	st->shared = 1;
}

/* A key for purpose, derived from the hash key (a domain of its own). */
int
store_derive_key(const struct store *st, const char *purpose, uint8_t *out,
    size_t len)
{
	crypto_generichash_state	 h;

	if (len < crypto_generichash_BYTES_MIN ||
	    len > crypto_generichash_BYTES_MAX ||
	    crypto_generichash_init(&h, st->secret, sizeof(st->secret),
	    len) != 0)
		return -1;
	crypto_generichash_update(&h, (const unsigned char *)"derive", 7);
	crypto_generichash_update(&h, (const unsigned char *)purpose,
	    strlen(purpose) + 1);
	crypto_generichash_final(&h, out, len);
	sodium_memzero(&h, sizeof(h));
	return 0;
}

/* The keyed hash a session key is stored under (a domain of its own). */
static int
store_session_key(const struct store *st, struct store_job *j,
    const char *key, size_t keylen)
{
	crypto_generichash_state	 h;

	if (key == NULL || keylen == 0 ||
	    crypto_generichash_init(&h, st->secret, sizeof(st->secret),
	    sizeof(j->dedup)) != 0)
		return -1;
	crypto_generichash_update(&h, (const unsigned char *)"session", 8);
	crypto_generichash_update(&h, (const unsigned char *)key, keylen);
	crypto_generichash_final(&h, j->dedup, sizeof(j->dedup));
	sodium_memzero(&h, sizeof(h));
	return 0;
}

/* Queue a read of a session's state. */
int
store_session_get(struct store *st, const char *key, size_t keylen,
    int after_writes, store_session_cb cb, void *arg)
{
	struct store_job	*j;

	j = store_job_new(SJ_SESSION_GET, arg);
	if (j == NULL)
		return -1;
	j->cb.session = cb;
	if (store_session_key(st, j, key, keylen) == -1) {
		store_job_free(j);
		return -1;
	}
	/* Not behind the writes queued before it, unless asked: store.h. */
	if (!after_writes && st->reader != NULL && !st->closing)
		return store_writer_submit(st->reader, j);
	return store_writer_submit(st->writer, j);
}

/* Queue a write of a session's state over version. */
int
store_session_put(struct store *st, const char *key, size_t keylen,
    int64_t version, const char *state, const char *phone, int64_t expires,
    store_result_cb cb, void *arg)
{
	struct store_job	*j;

	if (state == NULL || version < 0)
		return -1;
	j = store_job_new(SJ_SESSION_PUT, arg);
	if (j == NULL)
		return -1;
	j->cb.result = cb;
	j->id = version;
	j->when = expires;
	if (store_session_key(st, j, key, keylen) == -1 ||
	    store_job_strdup(j, state, &j->value) == -1 ||
	    (phone != NULL && store_job_hash_number(st->secret, phone,
	    j->phone_hash) == -1)) {
		store_job_free(j);
		return -1;
	}
	j->has_phone_hash = phone != NULL;
	return store_writer_submit(st->writer, j);
}

/* Queue taking a session's state out, whatever its version. */
int
store_session_end(struct store *st, const char *key, size_t keylen,
    store_session_cb cb, void *arg)
{
	struct store_job	*j;

	j = store_job_new(SJ_SESSION_TAKE, arg);
	if (j == NULL)
		return -1;
	j->cb.session = cb;
	if (store_session_key(st, j, key, keylen) == -1) {
		store_job_free(j);
		return -1;
	}
	return store_writer_submit(st->writer, j);
}

/* Queue the deletion of a session's state at version. */
int
store_session_drop(struct store *st, const char *key, size_t keylen,
    int64_t version, store_result_cb cb, void *arg)
{
	struct store_job	*j;

	j = store_job_new(SJ_SESSION_DROP, arg);
	if (j == NULL)
		return -1;
	j->cb.result = cb;
	j->id = version;
	if (store_session_key(st, j, key, keylen) == -1) {
		store_job_free(j);
		return -1;
	}
	return store_writer_submit(st->writer, j);
}

/* Queue taking or keeping the lease. */
int
store_lease(struct store *st, store_result_cb cb, void *arg)
{
	struct store_job	*j;

	j = store_job_new(SJ_LEASE, arg);
	if (j == NULL)
		return -1;
	j->cb.result = cb;
	return store_writer_submit(st->writer, j);
}

/* Queue the purge of expired session states. */
int
store_session_expire(struct store *st, int64_t now, store_result_cb cb,
    void *arg)
{
	struct store_job	*j;

	j = store_job_new(SJ_SESSION_EXPIRE, arg);
	if (j == NULL)
		return -1;
	j->cb.result = cb;
	j->now = now;
	return store_writer_submit(st->writer, j);
}

/* Say who hears the other daemons' hints. */
void
store_on_woken(struct store *st, store_woken_cb cb, void *arg)
{
	st->woken = cb;
	st->woken_arg = arg;
}

/* Queue a hint to the other daemons (none on an unshared database). */
int
store_hint(struct store *st)
{
	struct store_job	*j;

	if (!store_shared(st))
		return 0;
	j = store_job_new(SJ_HINT, NULL);
	if (j == NULL)
		return -1;
	return store_writer_submit(st->writer, j);
}
