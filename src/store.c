/* SPDX-License-Identifier: ISC */
/*
 * store: the daemon's storage, as one interface (include/store.h). Each
 * public function checks its arguments, copies them into a job (numbers
 * and session ids only as keyed hashes where the header says so) and
 * submits it to the writer thread; the engine behind it is a backend,
 * SQLite by default. It holds no SQL and no thread: store_sqlite.c and
 * store_jobs*.c know the database, store_writer.c the queue.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "log.h"
#include "stats.h"
#include "store.h"
#include "store_admin.h"
#include "store_backend.h"
#include "store_crypt.h"
#include "store_job.h"
#include "store_impl.h"
#include "store_writer.h"

#define STORE_MAX_BATCH		256
#define STORE_READER_NICE	10	/* the reader: steps kinder */


/*
 * Submit a job that only reads: to the reading thread, so that a long
 * listing never delays a write (and a survivor's stored request behind
 * it). It sees every write submitted before it, as it would behind them
 * on the writer: while any is still on its way it is parked, and handed
 * on once their completions have run (its snapshot then starts after
 * their COMMIT).
 */
static int
store_read(struct store *st, struct store_job *j)
{
	if (st->reader == NULL)
		return store_writer_submit(st->writer, j);
	if (st->closing) {	/* as the threads say once closing */
		store_job_free(j);
		return -1;
	}
	if (st->writer == NULL || (st->parked == NULL &&
	    store_writer_pending(st->writer) == 0))
		return store_writer_submit(st->reader, j);
	j->barrier = store_writer_submitted(st->writer);
	j->next = NULL;
	*st->parked_tail = j;
	st->parked_tail = &j->next;
	return 0;
}

/* Hand on the parked reads whose writes have all completed. */
static void
store_unpark(struct store *st, int all)
{
	struct store_job	*j;

	while ((j = st->parked) != NULL && (all ||
	    j->barrier <= store_writer_completed(st->writer))) {
		st->parked = j->next;
		if (st->parked == NULL)
			st->parked_tail = &st->parked;
		j->next = NULL;
		/* On failure the job is freed, and its caller never told. */
		if (store_writer_submit(st->reader, j) == -1)
			log_warnx("store: a read could not be queued");
	}
}

/* The writer ran completions: reads behind them may go. */
static void
store_drained_cb(void *arg)
{
	store_unpark(arg, 0);
}

/*
 * Open the backend's reading engine and start its thread, if it has one;
 * without, every job goes to the writer, as it always may.
 */
static void
store_open_reader(struct store *st, struct event_base *base,
    const char *path, size_t max_batch)
{
	char	*cause = NULL;

	if (st->ops->open_reader == NULL)
		return;
	st->rengine = st->ops->open_reader(path, st->engine, &cause);
	if (st->rengine != NULL)
		st->reader = store_writer_new(base, st->ops, st->rengine,
		    max_batch, &cause);
	if (st->reader == NULL) {
		log_warnx("store: reads share the writer: %s", cause != NULL ?
		    cause : "out of memory");
		if (st->rengine != NULL)
			st->ops->close(st->rengine);
		st->rengine = NULL;
	} else {
		store_writer_on_drain(st->writer, store_drained_cb, st);
		/* A console's listing must not take the loop's core. */
		store_writer_set_nice(st->reader, STORE_READER_NICE);
	}
	free(cause);
}

/* Another daemon hinted: tell the store's owner. */
static void
store_woken(void *arg)
{
	struct store	*st = arg;

	if (st->woken != NULL)
		st->woken(st->woken_arg);
}

/*
 * Hear the other daemons' hints on a shared database. Without them (the
 * connection failed) the daemons find each other's work by their scans.
 */
static void
store_open_listen(struct store *st, struct event_base *base,
    const char *path, const struct store_opts *opts)
{
	char	*cause = NULL;

	if (!st->ops->shared || st->ops->listen == NULL)
		return;
	st->listen = st->ops->listen(path, opts, base, store_woken, st,
	    &cause);
	if (st->listen == NULL)
		log_warnx("store: %s: no wake-up hints between daemons; each "
		    "finds the others' work within a second",
		    cause != NULL ? cause : "out of memory");
	free(cause);
}

/*
 * Read the key file (made on first start), open the database through its
 * backend under it, and start the writer thread.
 */
struct store *
store_new(struct event_base *base, const char *path,
    const struct store_opts *opts, char **cause)
{
	struct store		*st = NULL;
	struct store_keys	 keys;
	char			*key_file = NULL;
	size_t			 max_batch = STORE_MAX_BATCH;

	*cause = NULL;
	memset(&keys, 0, sizeof(keys));
	if (sodium_init() == -1) {
		store_job_cause(cause, "libsodium cannot initialise");
		goto fail;
	}
	st = calloc(1, sizeof(*st));
	if (st == NULL) {
		store_job_cause(cause, "out of memory");
		goto fail;
	}
	st->ops = store_backend_for(path);
	st->parked_tail = &st->parked;
	if (opts != NULL && opts->max_batch > 0)
		max_batch = opts->max_batch;

	if (!store_is_file(path) && (opts == NULL || opts->key_file == NULL)) {
		store_job_cause(cause, "a PostgreSQL database needs a key file "
		    "(key_file), the same on every instance");
		goto fail;
	}
	key_file = store_key_path(path, opts);
	if (key_file == NULL) {
		store_job_cause(cause, "out of memory");
		goto fail;
	}
	if (store_crypt_load(key_file, 1, &keys, cause) == -1)
		goto fail;
	keys.file = key_file;
	st->engine = st->ops->open(path, opts, &keys, cause);
	/* A key just made for a file it cannot open would only mislead. */
	if (st->engine == NULL && keys.created && !keys.bound)
		unlink(key_file);
	if (st->engine == NULL && keys.mismatch)
		st->engine = store_open_next(st->ops, path, opts, key_file,
		    &keys, cause);
	else if (st->engine != NULL)
		store_warn_next(key_file);
	if (st->engine == NULL)
		goto fail;
	memcpy(st->secret, keys.hash, sizeof(st->secret));
	st->version = st->ops->version(st->engine);
	st->writer = store_writer_new(base, st->ops, st->engine, max_batch,
	    cause);
	if (st->writer == NULL)
		goto fail;
	store_open_reader(st, base, path, max_batch);
	store_open_listen(st, base, path, opts);
	store_crypt_wipe(&keys);
	free(key_file);
	return st;

fail:
	store_crypt_wipe(&keys);
	free(key_file);
	store_free(st);
	return NULL;
}

/* Drain, stop the thread, and close everything. */
void
store_free(struct store *st)
{
	if (st == NULL)
		return;
	/*
	 * The writer first: its last completions hand on the reads parked
	 * behind them. Completions may submit more: a closing (or freed)
	 * thread says no.
	 */
	st->closing = 1;
	if (st->listen != NULL)
		st->ops->listen_free(st->listen);
	st->listen = NULL;
	store_writer_free(st->writer);
	st->writer = NULL;
	if (st->reader != NULL)
		store_unpark(st, 1);
	store_writer_free(st->reader);
	st->reader = NULL;
	if (st->rengine != NULL)
		st->ops->close(st->rengine);
	if (st->engine != NULL)
		st->ops->close(st->engine);
	sodium_memzero(st->secret, sizeof(st->secret));
	free(st);
}

/* The schema version, as read or migrated at open. */
int
store_schema_version(const struct store *st)
{
	return st->version;
}

/* Jobs whose completion has not run yet. */
size_t
store_pending(const struct store *st)
{
	return store_writer_pending(st->writer) +
	    (st->reader != NULL ? store_writer_pending(st->reader) : 0);
}

/* Tests: count the engine's COMMITs from the next batch on. */
int
store_count_commits(struct store *st, atomic_ulong *counter)
{
	return store_writer_count_commits(st->writer, counter);
}

/* The LIMIT for max (0: no limit). */
int64_t
store_limit(size_t max)
{
	return max == 0 || max > INT64_MAX ? -1 : (int64_t)max;
}

/* Copy a request's answers into a job, with the hashes of its numbers. */
static int
store_copy_answers(struct store *st, struct store_job *j,
    const struct store_callback *in)
{
	struct store_callback	*c = &j->in;

	c->urgent = in->urgent ? 1 : 0;
	c->intake = in->intake ? 1 : 0;
	c->next_action_at = in->next_action_at;
	c->call_from = in->call_from;
	if (store_job_strdup(j, in->channel, &c->channel) == -1 ||
	    store_job_strdup(j, in->phone, &c->phone) == -1 ||
	    store_job_strdup(j, in->safe_to_call, &c->safe_to_call) == -1 ||
	    store_job_strdup(j, in->safe_number, &c->safe_number) == -1 ||
	    store_job_strdup(j, in->window, &c->window) == -1 ||
	    store_job_strdup(j, in->cover, &c->cover) == -1 ||
	    store_job_strdup(j, in->province, &c->province) == -1 ||
	    store_job_strdup(j, in->topic, &c->topic) == -1 ||
	    store_job_strdup(j, in->lang, &c->lang) == -1)
		return -1;
	if (in->phone != NULL && store_job_hash_number(st->secret, in->phone,
	    j->phone_hash) == -1)
		return -1;
	if (in->safe_number != NULL && *in->safe_number != '\0') {
		if (store_job_hash_number(st->secret, in->safe_number,
		    j->safe_hash) == -1)
			return -1;
		j->has_safe_hash = 1;
	}
	return 0;
}

/* Queue a create, copying the request and hashing dedup. */
int
store_callback_create(struct store *st, const struct store_callback *in,
    const void *dedup, size_t dedup_len, int64_t window, int64_t now,
    store_callback_cb cb, void *arg)
{
	struct store_job	*j;

	if (in == NULL || in->phone == NULL || dedup == NULL ||
	    dedup_len == 0)
		return -1;
	j = store_job_new(SJ_CREATE, arg);
	if (j == NULL)
		return -1;
	j->cb.row = cb;
	j->now = now;
	j->window = window;
	if (store_copy_answers(st, j, in) == -1)
		goto fail;
	/* Only the keyed hash of the session id goes to the thread. */
	if (crypto_generichash(j->dedup, sizeof(j->dedup), dedup, dedup_len,
	    st->secret, sizeof(st->secret)) != 0)
		goto fail;
	return store_writer_submit(st->writer, j);

fail:
	store_job_free(j);
	return -1;
}

/* Queue an update of a request's answers. */
int
store_callback_update(struct store *st, int64_t id,
    const struct store_callback *in, const char *ended, int64_t now,
    store_callback_cb cb, void *arg)
{
	struct store_job	*j;

	if (in == NULL)
		return -1;
	j = store_job_new(SJ_UPDATE, arg);
	if (j == NULL)
		return -1;
	j->cb.row = cb;
	j->id = id;
	j->now = now;
	if (store_copy_answers(st, j, in) == -1 ||
	    store_job_strdup(j, ended, &j->text) == -1) {
		store_job_free(j);
		return -1;
	}
	return store_writer_submit(st->writer, j);
}

/* Queue the end of a request's intake. */
int
store_callback_end(struct store *st, int64_t id, const char *how,
    int64_t now, store_done_cb cb, void *arg)
{
	struct store_job	*j;

	if (how == NULL)
		return -1;
	j = store_job_new(SJ_END, arg);
	if (j == NULL)
		return -1;
	j->cb.done = cb;
	j->id = id;
	j->now = now;
	if (store_job_strdup(j, how, &j->text) == -1) {
		store_job_free(j);
		return -1;
	}
	return store_writer_submit(st->writer, j);
}

/* Queue a due query. */
int
store_callback_due(struct store *st, int64_t now, size_t max,
    store_list_cb cb, void *arg)
{
	struct store_job	*j;

	j = store_job_new(SJ_DUE, arg);
	if (j == NULL)
		return -1;
	j->cb.list = cb;
	j->now = now;
	j->max = store_limit(max);
	return store_writer_submit(st->writer, j);
}

/* Copy n outbox rows (recipient, transport, target, kind) into j. */
static int
store_copy_outbox(struct store_job *j, const struct store_outbox *out,
    size_t n)
{
	struct store_outbox	*o;
	size_t			 i;

	j->out = NULL;
	j->nout = 0;
	if (n == 0)
		return 0;
	if (out == NULL || n > SIZE_MAX / sizeof(*o))
		return -1;
	j->out = store_job_alloc(j, n * sizeof(*o));
	if (j->out == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		o = &j->out[i];
		memset(o, 0, sizeof(*o));
		o->target = out[i].target;
		if (store_job_strdup(j, out[i].recipient,
		    &o->recipient) == -1 ||
		    store_job_strdup(j, out[i].transport,
		    &o->transport) == -1 ||
		    store_job_strdup(j, out[i].kind, &o->kind) == -1)
			return -1;
	}
	j->nout = n;
	return 0;
}

/* Queue a dispatcher decision with copies of its alerts. */
int
store_callback_dispatch(struct store *st, int64_t id, enum store_state state,
    int64_t next_action_at, int rounds, const char *event, const char *detail,
    const struct store_outbox *out, size_t nout, int64_t now,
    store_done_cb cb, void *arg)
{
	struct store_job	*j;

	if (event == NULL || (int)state < STORE_OPEN ||
	    (int)state > STORE_COMPLETED || (nout > 0 && out == NULL))
		return -1;
	j = store_job_new(SJ_DISPATCH, arg);
	if (j == NULL)
		return -1;
	j->cb.done = cb;
	j->id = id;
	j->state = state;
	j->when = next_action_at;
	j->rounds = rounds;
	j->now = now;
	if (store_job_strdup(j, event, &j->text) == -1 ||
	    store_job_strdup(j, detail, &j->detail) == -1 ||
	    store_copy_outbox(j, out, nout) == -1) {
		store_job_free(j);
		return -1;
	}
	return store_writer_submit(st->writer, j);
}

/* Queue an outbox due query. */
int
store_outbox_due(struct store *st, int64_t now, size_t max, store_due_cb cb,
    void *arg)
{
	struct store_job	*j;

	j = store_job_new(SJ_OUTBOX_DUE, arg);
	if (j == NULL)
		return -1;
	j->cb.due = cb;
	j->now = now;
	j->max = store_limit(max);
	return store_writer_submit(st->writer, j);
}

/* Queue the result of a delivery attempt. */
int
store_outbox_result(struct store *st, int64_t id, const struct store_result *r,
    int64_t now, store_result_cb cb, void *arg)
{
	struct store_job	*j;

	if (r == NULL || (r->delivery != STORE_SENT &&
	    r->delivery != STORE_RETRY && r->delivery != STORE_GAVE_UP))
		return -1;
	j = store_job_new(SJ_OUTBOX_RESULT, arg);
	if (j == NULL)
		return -1;
	j->cb.result = cb;
	j->id = id;
	j->delivery = r->delivery;
	j->when = r->next_at;
	j->now = now;
	if (store_job_strdup(j, r->error, &j->text) == -1 ||
	    store_job_strdup(j, r->tell_detail, &j->detail) == -1 ||
	    (r->delivery == STORE_GAVE_UP &&
	    store_copy_outbox(j, r->tell, r->ntell) == -1)) {
		store_job_free(j);
		return -1;
	}
	return store_writer_submit(st->writer, j);
}

/* Queue a page of a view of the queue. */
int
store_callback_view(struct store *st, enum store_view view, const char *who,
    const struct store_cursor *after, size_t limit, store_page_cb cb,
    void *arg)
{
	struct store_job	*j;

	if ((int)view < STORE_VIEW_ALL || (int)view > STORE_VIEW_CLAIMED ||
	    (view == STORE_VIEW_MINE && who == NULL))
		return -1;
	j = store_job_new(SJ_VIEW, arg);
	if (j == NULL)
		return -1;
	j->cb.page = cb;
	j->view = view;
	j->max = store_limit(limit);
	if (after != NULL) {
		j->has_after = 1;
		j->after_urgent = after->urgent ? 1 : 0;
		j->after_call_from = after->call_from;
		j->after_id = after->id;
	}
	if (view == STORE_VIEW_MINE &&
	    store_job_strdup(j, who, &j->who) == -1) {
		store_job_free(j);
		return -1;
	}
	return store_read(st, j);
}

/* Queue a page of the whole queue. */
int
store_callback_list(struct store *st, const struct store_cursor *after,
    size_t limit, store_page_cb cb, void *arg)
{
	return store_callback_view(st, STORE_VIEW_ALL, NULL, after, limit, cb,
	    arg);
}

/* Queue a job about ref by who (may be NULL), with optional text. */
static int
store_ref_job(enum store_kind kind, const char *ref, const char *who,
    const char *text, int64_t now, void *arg, struct store_job **out)
{
	struct store_job	*j;

	*out = NULL;
	if (ref == NULL)
		return -1;
	j = store_job_new(kind, arg);
	if (j == NULL)
		return -1;
	j->now = now;
	if (store_job_strdup(j, ref, &j->ref) == -1 ||
	    store_job_strdup(j, who, &j->who) == -1 ||
	    store_job_strdup(j, text, &j->text) == -1) {
		store_job_free(j);
		return -1;
	}
	*out = j;
	return 0;
}

/* Queue a look-up by reference. */
int
store_callback_get(struct store *st, const char *ref, store_callback_cb cb,
    void *arg)
{
	struct store_job	*j;

	if (store_ref_job(SJ_GET, ref, NULL, NULL, 0, arg, &j) == -1)
		return -1;
	j->cb.row = cb;
	return store_read(st, j);
}

/* Queue a claim. */
int
store_callback_claim(struct store *st, const char *ref,
    const char *counsellor, int64_t expiry_at, int64_t now,
    store_callback_cb cb, void *arg)
{
	struct store_job	*j;

	if (counsellor == NULL ||
	    store_ref_job(SJ_CLAIM, ref, counsellor, NULL, now, arg, &j) == -1)
		return -1;
	j->cb.row = cb;
	j->when = expiry_at;
	return store_writer_submit(st->writer, j);
}

/* Queue a release. */
int
store_callback_release(struct store *st, const char *ref, const char *who,
    int any, int64_t now, store_callback_cb cb, void *arg)
{
	struct store_job	*j;

	if (who == NULL ||
	    store_ref_job(SJ_RELEASE, ref, who, NULL, now, arg, &j) == -1)
		return -1;
	j->cb.row = cb;
	j->any = any ? 1 : 0;
	return store_writer_submit(st->writer, j);
}

/* Queue a reassignment. */
int
store_callback_reassign(struct store *st, const char *ref, const char *who,
    const char *to, int64_t now, store_callback_cb cb, void *arg)
{
	struct store_job	*j;

	if (who == NULL || to == NULL ||
	    store_ref_job(SJ_REASSIGN, ref, who, to, now, arg, &j) == -1)
		return -1;
	j->cb.row = cb;
	return store_writer_submit(st->writer, j);
}

/* Queue an unanswered call. */
int
store_callback_attempt(struct store *st, const char *ref,
    const char *counsellor, int max_attempts, int64_t next_at, int64_t now,
    store_callback_cb cb, void *arg)
{
	struct store_job	*j;

	if (counsellor == NULL || max_attempts < 1 ||
	    store_ref_job(SJ_ATTEMPT, ref, counsellor, NULL, now, arg,
	    &j) == -1)
		return -1;
	j->cb.row = cb;
	j->rounds = max_attempts;
	j->when = next_at;
	return store_writer_submit(st->writer, j);
}

/* Queue the expiry of a claim. */
int
store_callback_expire(struct store *st, int64_t id, int64_t claimed_at,
    int64_t now, store_callback_cb cb, void *arg)
{
	struct store_job	*j;

	j = store_job_new(SJ_EXPIRE, arg);
	if (j == NULL)
		return -1;
	j->cb.row = cb;
	j->id = id;
	j->when = claimed_at;
	j->now = now;
	return store_writer_submit(st->writer, j);
}

/* Queue a completion with its outcome. */
int
store_callback_complete(struct store *st, const char *ref,
    const char *counsellor, const char *outcome, int64_t now,
    store_callback_cb cb, void *arg)
{
	struct store_job	*j;

	if (counsellor == NULL || outcome == NULL ||
	    store_ref_job(SJ_COMPLETE, ref, counsellor, outcome, now, arg,
	    &j) == -1)
		return -1;
	j->cb.row = cb;
	return store_writer_submit(st->writer, j);
}

/* Queue a history listing. */
int
store_callback_history(struct store *st, const char *ref,
    store_history_cb cb, void *arg)
{
	struct store_job	*j;

	if (store_ref_job(SJ_HISTORY, ref, NULL, NULL, 0, arg, &j) == -1)
		return -1;
	j->cb.history = cb;
	return store_read(st, j);
}

/* Queue a counsellor's note. */
int
store_callback_note(struct store *st, const char *ref, const char *who,
    const char *text, int64_t now, store_callback_cb cb, void *arg)
{
	struct store_job	*j;

	if (who == NULL || text == NULL || strlen(text) > STORE_NOTE_MAX ||
	    store_ref_job(SJ_NOTE, ref, who, text, now, arg, &j) == -1)
		return -1;
	j->cb.row = cb;
	return store_writer_submit(st->writer, j);
}

/* Queue a listing of the failing alerts. */
int
store_outbox_failing(struct store *st, int64_t since, size_t max,
    store_failing_cb cb, void *arg)
{
	struct store_job	*j;

	j = store_job_new(SJ_OUTBOX_FAILING, arg);
	if (j == NULL)
		return -1;
	j->cb.failing = cb;
	j->when = since;
	j->max = store_limit(max);
	return store_read(st, j);
}

/* Queue the count of work waiting. */
int
store_gauges(struct store *st, store_gauges_cb cb, void *arg)
{
	struct store_job	*j;

	j = store_job_new(SJ_GAUGES, arg);
	if (j == NULL)
		return -1;
	j->cb.gauges = cb;
	return store_read(st, j);
}

/* Queue a read of a caller's named value. */
int
store_meta_get(struct store *st, const char *key, store_value_cb cb,
    void *arg)
{
	struct store_job	*j;

	if (!store_job_meta_key_ok(key))
		return -1;
	j = store_job_new(SJ_META_GET, arg);
	if (j == NULL)
		return -1;
	j->cb.value = cb;
	if (store_job_strdup(j, key, &j->key) == -1) {
		store_job_free(j);
		return -1;
	}
	return store_writer_submit(st->writer, j);
}

/* Queue a write of a caller's named value. */
int
store_meta_set(struct store *st, const char *key, const char *value,
    store_done_cb cb, void *arg)
{
	struct store_job	*j;

	if (!store_job_meta_key_ok(key) || value == NULL)
		return -1;
	j = store_job_new(SJ_META_SET, arg);
	if (j == NULL)
		return -1;
	j->cb.done = cb;
	if (store_job_strdup(j, key, &j->key) == -1 ||
	    store_job_strdup(j, value, &j->value) == -1) {
		store_job_free(j);
		return -1;
	}
	return store_writer_submit(st->writer, j);
}

/* Queue a batch of the retention purge. */
int
store_purge(struct store *st, int64_t closed_before, int64_t sms_before,
    size_t max, store_purged_cb cb, void *arg)
{
	struct store_job	*j;

	j = store_job_new(SJ_PURGE, arg);
	if (j == NULL)
		return -1;
	j->cb.purged = cb;
	j->when = closed_before;
	j->sms_before = sms_before;
	j->max = max == 0 ? STORE_PURGE_BATCH : store_limit(max);
	return store_writer_submit(st->writer, j);
}

/* Queue forgetting a number (only its keyed hash goes) or a request's. */
int
store_forget(struct store *st, const char *phone, const char *ref,
    store_purged_cb cb, void *arg)
{
	struct store_job	*j;

	if ((phone == NULL) == (ref == NULL))
		return -1;
	j = store_job_new(SJ_FORGET, arg);
	if (j == NULL)
		return -1;
	j->cb.purged = cb;
	if (phone != NULL && store_job_hash_number(st->secret, phone,
	    j->phone_hash) == -1)
		goto fail;
	if (ref != NULL && store_job_strdup(j, ref, &j->ref) == -1)
		goto fail;
	return store_writer_submit(st->writer, j);

fail:
	store_job_free(j);
	return -1;
}

/* Queue adding counts to the daily aggregates. */
int
store_stats_add(struct store *st, const struct stats_count *c, size_t n,
    store_done_cb cb, void *arg)
{
	struct store_job	*j;

	if (n == 0)
		return -1;
	j = store_job_new(SJ_STATS_ADD, arg);
	if (j == NULL)
		return -1;
	j->cb.done = cb;
	j->counts = store_job_alloc(j, n * sizeof(*c));
	if (j->counts == NULL) {
		store_job_free(j);
		return -1;
	}
	memcpy(j->counts, c, n * sizeof(*c));
	j->ncounts = n;
	return store_writer_submit(st->writer, j);
}
