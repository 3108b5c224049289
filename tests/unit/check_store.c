/* SPDX-License-Identifier: ISC */
/*
 * check_store: the store against a real SQLite file in a fresh temporary
 * directory per test: migrations (from an empty file and from version 1),
 * create and dedup, group commit (COMMITs counted), savepoint isolation
 * inside a batch, the dispatcher and outbox, claims, history, and that
 * session ids never reach the file in clear. Schema 2: requests filed
 * while she answers, asking again, unsafe marks, unanswered calls,
 * reassignment, supervisors' releases, claim expiry and the paged queue
 * with its views; counsellors' notes, failing alerts and named values
 * kept across restarts. A second connection (test-only SQL) checks what
 * is on disk.
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <dirent.h>

#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <event2/event.h>
#include <sqlite3.h>

#include "dbkey.h"
#include "store.h"
#include "store_crypt.h"
#include "store_job.h"
#include "store_sqlite.h"
#include "storeutil.h"

#define REF_CHARS	"ACDEFGHJKLMNPQRTUVWXY3479"
#define B64URL \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
#define MAXROWS		128

/* What a row completion saw, with copies of its strings. */
struct got {
	int			 done;
	enum store_rc		 rc;
	int			 has_row;
	struct store_callback	 row;
	char			 phone[64];
	char			 claimed_by[64];
	char			 outcome[64];
	char			 safe_to_call[16];
	char			 safe_number[64];
	char			 window[32];
	char			 cover[32];
	char			 province[32];
	char			 session_end[32];
	char			 reason[32];
	int			 durable;	/* seen by another connection */
};

/* What a list completion saw. */
struct list {
	int			 done;
	enum store_rc		 rc;
	size_t			 n;
	char			 ref[MAXROWS][16];
	int64_t			 id[MAXROWS];
	enum store_state	 state[MAXROWS];
	int			 urgent[MAXROWS];
	int64_t			 call_from[MAXROWS];
	size_t			 total;
};

/* What an outbox-due completion saw. */
struct odue {
	int			 done;
	enum store_rc		 rc;
	size_t			 n;
	int64_t			 id[16];
	int			 attempts[16];
	int			 target[16];
	int64_t			 next_at[16];
	char			 msg_id[16][40];
	char			 recipient[16][32];
	char			 transport[16][32];
	char			 kind[16][32];
	char			 ref[16][16];
};

/* What a history completion saw. */
struct hist {
	int			 done;
	enum store_rc		 rc;
	size_t			 n;
	int64_t			 at[32];
	char			 event[32][32];
	char			 actor[32][32];
	char			 detail[32][64];
	int			 has_detail[32];
};

/* What a done completion saw. */
struct dres {
	int			 done;
	enum store_rc		 rc;
	size_t			 told;
};

/* Bounded copy; returns dst, or NULL for a NULL src. */
static char *
cp(char *dst, size_t len, const char *src)
{
	if (src == NULL) {
		dst[0] = '\0';
		return NULL;
	}
	snprintf(dst, len, "%s", src);
	return dst;
}

/* Remove the database file with its WAL and shared-memory files. */
static void
remove_db(void)
{
	char	 p[PATH_MAX + 24];

	unlink(su.path);
	snprintf(p, sizeof(p), "%s-wal", su.path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", su.path);
	unlink(p);
	unlink(su.key);
}

/* Remove the database and its directory too. */
static void
teardown(void)
{
	su_teardown();
	remove_db();
	rmdir(su.dir);
}

/* Open the store on the test's file. */
static struct store *
open_store(size_t max_batch)
{
	struct store_opts	 o = { max_batch, 0, NULL, NULL };

	return su_open(&o);
}

/* Set the time-out flag. */
static void
timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	*(int *)arg = 1;
}

/* Run the loop until *count reaches want, for at most ten seconds. */
static void
wait_n(const int *count, int want)
{
	struct timeval	 tv = { 10, 0 };
	struct event	*t;
	int		 timed_out = 0;

	t = evtimer_new(su.base, timeout_cb, &timed_out);
	evtimer_add(t, &tv);
	while (*count < want && !timed_out)
		event_base_loop(su.base, EVLOOP_ONCE);
	event_free(t);
	ck_assert_msg(*count == want, "%d of %d completions", *count, want);
}

/* A complete request as a session would hand it over. */
static struct store_callback
sample(const char *phone)
{
	struct store_callback	 in;

	memset(&in, 0, sizeof(in));
	in.channel = "at";
	in.phone = phone;
	in.safe_to_call = "yes";
	in.window = "now";
	in.cover = "wrong number";
	in.urgent = 1;
	in.province = "Phnom Penh";
	in.topic = "violence";
	in.lang = "km";
	return in;
}

/* Row completion: copy what the tests look at. */
static void
row_cb(enum store_rc rc, const struct store_callback *row, void *arg)
{
	struct got	*g = arg;

	g->rc = rc;
	g->has_row = row != NULL;
	if (row != NULL) {
		g->row = *row;
		g->row.phone = cp(g->phone, sizeof(g->phone), row->phone);
		g->row.claimed_by = cp(g->claimed_by, sizeof(g->claimed_by),
		    row->claimed_by);
		g->row.outcome = cp(g->outcome, sizeof(g->outcome),
		    row->outcome);
		g->row.safe_to_call = cp(g->safe_to_call,
		    sizeof(g->safe_to_call), row->safe_to_call);
		g->row.safe_number = cp(g->safe_number, sizeof(g->safe_number),
		    row->safe_number);
		g->row.window = cp(g->window, sizeof(g->window), row->window);
		g->row.cover = cp(g->cover, sizeof(g->cover), row->cover);
		g->row.province = cp(g->province, sizeof(g->province),
		    row->province);
		g->row.session_end = cp(g->session_end, sizeof(g->session_end),
		    row->session_end);
		g->row.reason = cp(g->reason, sizeof(g->reason), row->reason);
		g->row.channel = g->row.topic = g->row.lang = NULL;
	}
	g->done++;
}

/* Row completion that also reads the row through a second connection. */
static void
durable_cb(enum store_rc rc, const struct store_callback *row, void *arg)
{
	struct got	*g = arg;
	sqlite3		*db = NULL;
	sqlite3_stmt	*s = NULL;
	const char	*ref;

	if (row != NULL &&
	    sqlite3_open_v2(su.path, &db, SQLITE_OPEN_READONLY, NULL) ==
	    SQLITE_OK &&
	    sqlite3_prepare_v2(db, "SELECT ref FROM callback WHERE id = ?", -1,
	    &s, NULL) == SQLITE_OK &&
	    sqlite3_bind_int64(s, 1, row->id) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW) {
		ref = (const char *)sqlite3_column_text(s, 0);
		g->durable = ref != NULL && strcmp(ref, row->ref) == 0;
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	row_cb(rc, row, arg);
}

/* List completion (due rows, or a page of the queue: page_cb). */
static void
list_cb(enum store_rc rc, const struct store_callback *rows, size_t n,
    void *arg)
{
	struct list	*l = arg;
	size_t		 i;

	l->rc = rc;
	l->n = n;
	for (i = 0; i < n && i < MAXROWS; i++) {
		cp(l->ref[i], sizeof(l->ref[i]), rows[i].ref);
		l->id[i] = rows[i].id;
		l->state[i] = rows[i].state;
		l->urgent[i] = rows[i].urgent;
		l->call_from[i] = rows[i].call_from;
	}
	l->done++;
}

/* A page of the queue: as list_cb, with the total. */
static void
page_cb(enum store_rc rc, const struct store_callback *rows, size_t n,
    size_t total, void *arg)
{
	struct list	*l = arg;

	l->total = total;
	list_cb(rc, rows, n, arg);
}

/* Outbox-due completion. */
static void
due_cb(enum store_rc rc, const struct store_due *rows, size_t n, void *arg)
{
	struct odue	*d = arg;
	size_t		 i;

	d->rc = rc;
	d->n = n;
	for (i = 0; i < n && i < 16; i++) {
		d->id[i] = rows[i].outbox.id;
		d->attempts[i] = rows[i].outbox.attempts;
		d->target[i] = rows[i].outbox.target;
		d->next_at[i] = rows[i].outbox.next_at;
		cp(d->msg_id[i], sizeof(d->msg_id[i]), rows[i].outbox.msg_id);
		cp(d->recipient[i], sizeof(d->recipient[i]),
		    rows[i].outbox.recipient);
		cp(d->transport[i], sizeof(d->transport[i]),
		    rows[i].outbox.transport);
		cp(d->kind[i], sizeof(d->kind[i]), rows[i].outbox.kind);
		cp(d->ref[i], sizeof(d->ref[i]), rows[i].callback.ref);
		ck_assert_int_eq(rows[i].callback.id,
		    rows[i].outbox.callback_id);
		ck_assert_int_eq(strncmp(rows[i].callback.phone,
		    "+855123456", 10), 0);
	}
	d->done++;
}

/* History completion. */
static void
hist_cb(enum store_rc rc, const struct store_event *ev, size_t n, void *arg)
{
	struct hist	*h = arg;
	size_t		 i;

	h->rc = rc;
	h->n = n;
	for (i = 0; i < n && i < 32; i++) {
		h->at[i] = ev[i].at;
		cp(h->event[i], sizeof(h->event[i]), ev[i].event);
		cp(h->actor[i], sizeof(h->actor[i]), ev[i].actor);
		h->has_detail[i] = cp(h->detail[i], sizeof(h->detail[i]),
		    ev[i].detail) != NULL;
	}
	h->done++;
}

/* Done completion. */
static void
done_cb(enum store_rc rc, void *arg)
{
	struct dres	*d = arg;

	d->rc = rc;
	d->done++;
}

/* File request in for session dedup (one-hour window) and wait. */
static enum store_rc
create_in(const struct store_callback *in, const char *dedup, int64_t now,
    struct got *g)
{
	memset(g, 0, sizeof(*g));
	ck_assert_int_eq(store_callback_create(su.st, in, dedup,
	    strlen(dedup), 3600, now, row_cb, g), 0);
	wait_n(&g->done, 1);
	return g->rc;
}

/* Create the sample request of phone, due and callable now, and wait. */
static enum store_rc
create(const char *dedup, const char *phone, int64_t now, struct got *g)
{
	struct store_callback	 in = sample(phone);

	in.next_action_at = now;
	in.call_from = now;
	return create_in(&in, dedup, now, g);
}

/* Write the answers of in (and how it ended) into request id and wait. */
static enum store_rc
update(int64_t id, const struct store_callback *in, const char *ended,
    int64_t now, struct got *g)
{
	memset(g, 0, sizeof(*g));
	ck_assert_int_eq(store_callback_update(su.st, id, in, ended, now,
	    row_cb, g), 0);
	wait_n(&g->done, 1);
	return g->rc;
}

/* Record how the session of request id ended and wait. */
static enum store_rc
end_intake(int64_t id, const char *how, int64_t now)
{
	struct dres	 d = { 0, STORE_ERR, 0 };

	ck_assert_int_eq(store_callback_end(su.st, id, how, now, done_cb, &d),
	    0);
	wait_n(&d.done, 1);
	return d.rc;
}

/* Get by reference and wait (ref may point into *g). */
static enum store_rc
get(const char *ref, struct got *g)
{
	char	 r[16];

	snprintf(r, sizeof(r), "%s", ref);
	memset(g, 0, sizeof(*g));
	ck_assert_int_eq(store_callback_get(su.st, r, row_cb, g), 0);
	wait_n(&g->done, 1);
	return g->rc;
}

/* List open requests and wait. */
static void
list_open(struct list *l)
{
	memset(l, 0, sizeof(*l));
	ck_assert_int_eq(store_callback_list(su.st, NULL, 0, page_cb, l), 0);
	wait_n(&l->done, 1);
	ck_assert_int_eq(l->rc, STORE_OK);
}

/* List due requests and wait. */
static void
list_due(int64_t now, struct list *l)
{
	memset(l, 0, sizeof(*l));
	ck_assert_int_eq(store_callback_due(su.st, now, 0, list_cb, l), 0);
	wait_n(&l->done, 1);
	ck_assert_int_eq(l->rc, STORE_OK);
}

/* List due alerts and wait. */
static void
outbox_due(int64_t now, struct odue *d)
{
	memset(d, 0, sizeof(*d));
	ck_assert_int_eq(store_outbox_due(su.st, now, 0, due_cb, d), 0);
	wait_n(&d->done, 1);
	ck_assert_int_eq(d->rc, STORE_OK);
}

/* Fetch a history and wait. */
static enum store_rc
history(const char *ref, struct hist *h)
{
	memset(h, 0, sizeof(*h));
	ck_assert_int_eq(store_callback_history(su.st, ref, hist_cb, h), 0);
	wait_n(&h->done, 1);
	return h->rc;
}

/* A delivery result written back: the code and how many were told. */
static void
result_cb(enum store_rc rc, size_t told, void *arg)
{
	struct dres	*d = arg;

	d->rc = rc;
	d->told = told;
	d->done++;
}

/* Record a delivery result (telling ntell supervisors) and wait. */
static enum store_rc
result_tell(int64_t id, enum store_delivery d, int64_t next_at,
    const char *err, int64_t now, const struct store_outbox *tell,
    size_t ntell, size_t *told)
{
	struct dres		 r = { 0, STORE_ERR, 0 };
	struct store_result	 sr;

	memset(&sr, 0, sizeof(sr));
	sr.delivery = d;
	sr.next_at = next_at;
	sr.error = err;
	sr.tell = tell;
	sr.ntell = ntell;
	sr.tell_detail = "alert to c1 failed: supervisors told";
	ck_assert_int_eq(store_outbox_result(su.st, id, &sr, now, result_cb,
	    &r), 0);
	wait_n(&r.done, 1);
	if (told != NULL)
		*told = r.told;
	return r.rc;
}

/* Record a delivery result and wait. */
static enum store_rc
result(int64_t id, enum store_delivery d, int64_t next_at, const char *err,
    int64_t now)
{
	return result_tell(id, d, next_at, err, now, NULL, 0, NULL);
}

/* Claim, release or complete ('c', 'r', 'x') and wait (ref may be in *g). */
static enum store_rc
change(int kind, const char *ref0, const char *who, int64_t now,
    struct got *g)
{
	char	 ref[16];
	int	 rc;

	snprintf(ref, sizeof(ref), "%s", ref0);
	memset(g, 0, sizeof(*g));
	if (kind == 'c')
		rc = store_callback_claim(su.st, ref, who, now + 1800, now,
		    row_cb, g);
	else if (kind == 'r')
		rc = store_callback_release(su.st, ref, who, 0, now, row_cb,
		    g);
	else
		rc = store_callback_complete(su.st, ref, who, "called back",
		    now, row_cb, g);
	ck_assert_int_eq(rc, 0);
	wait_n(&g->done, 1);
	return g->rc;
}

/* Release ref as who, as a supervisor when any is set, and wait. */
static enum store_rc
release(const char *ref0, const char *who, int any, int64_t now,
    struct got *g)
{
	char	 ref[16];

	snprintf(ref, sizeof(ref), "%s", ref0);
	memset(g, 0, sizeof(*g));
	ck_assert_int_eq(store_callback_release(su.st, ref, who, any, now,
	    row_cb, g), 0);
	wait_n(&g->done, 1);
	return g->rc;
}

/* Complete ref as who with outcome and wait. */
static enum store_rc
complete(const char *ref0, const char *who, const char *outcome, int64_t now,
    struct got *g)
{
	char	 ref[16];

	snprintf(ref, sizeof(ref), "%s", ref0);
	memset(g, 0, sizeof(*g));
	ck_assert_int_eq(store_callback_complete(su.st, ref, who, outcome, now,
	    row_cb, g), 0);
	wait_n(&g->done, 1);
	return g->rc;
}

/* Report an unanswered call on ref (of at most max) and wait. */
static enum store_rc
attempt(const char *ref0, const char *who, int max, int64_t next_at,
    int64_t now, struct got *g)
{
	char	 ref[16];

	snprintf(ref, sizeof(ref), "%s", ref0);
	memset(g, 0, sizeof(*g));
	ck_assert_int_eq(store_callback_attempt(su.st, ref, who, max, next_at,
	    now, row_cb, g), 0);
	wait_n(&g->done, 1);
	return g->rc;
}

/* Have supervisor who give ref to counsellor to, and wait. */
static enum store_rc
reassign(const char *ref0, const char *who, const char *to, int64_t now,
    struct got *g)
{
	char	 ref[16];

	snprintf(ref, sizeof(ref), "%s", ref0);
	memset(g, 0, sizeof(*g));
	ck_assert_int_eq(store_callback_reassign(su.st, ref, who, to, now,
	    row_cb, g), 0);
	wait_n(&g->done, 1);
	return g->rc;
}

/* Expire the claim of request id taken at claimed_at, and wait. */
static enum store_rc
expire(int64_t id, int64_t claimed_at, int64_t now, struct got *g)
{
	memset(g, 0, sizeof(*g));
	ck_assert_int_eq(store_callback_expire(su.st, id, claimed_at, now,
	    row_cb, g), 0);
	wait_n(&g->done, 1);
	return g->rc;
}

/* Send request id its first round (one alert), due again at next. */
static void
alert(int64_t id, int64_t next, int64_t now)
{
	struct store_outbox	 out;
	struct dres		 r = { 0, STORE_ERR, 0 };

	memset(&out, 0, sizeof(out));
	out.recipient = "c1";
	out.transport = "webhook";
	out.kind = "callback.created";
	ck_assert_int_eq(store_callback_dispatch(su.st, id, STORE_ALERTED,
	    next, 1, "alerted", "to c1", &out, 1, now, done_cb, &r), 0);
	wait_n(&r.done, 1);
	ck_assert_int_eq(r.rc, STORE_OK);
}

/*
 * A page of at most limit rows of the queue after row i of prev (the first
 * page when prev is NULL), and wait.
 */
static void
page(const struct list *prev, size_t i, size_t limit, struct list *l)
{
	struct store_cursor	 c;

	if (prev != NULL) {
		ck_assert_uint_lt(i, prev->n);
		c.urgent = prev->urgent[i];
		c.call_from = prev->call_from[i];
		c.id = prev->id[i];
	}
	memset(l, 0, sizeof(*l));
	ck_assert_int_eq(store_callback_list(su.st, prev != NULL ? &c : NULL,
	    limit, page_cb, l), 0);
	wait_n(&l->done, 1);
	ck_assert_int_eq(l->rc, STORE_OK);
}

/* Event i of h is exactly event, by actor, with detail (NULL: none). */
static void
check_event(const struct hist *h, size_t i, int64_t at, const char *event,
    const char *actor, const char *detail)
{
	ck_assert_msg(i < h->n, "event %zu of %zu", i, h->n);
	ck_assert_msg(h->at[i] == at, "event %zu at %lld, not %lld", i,
	    (long long)h->at[i], (long long)at);
	ck_assert_msg(strcmp(h->event[i], event) == 0,
	    "event %zu is \"%s\", not \"%s\"", i, h->event[i], event);
	ck_assert_msg(strcmp(h->actor[i], actor) == 0,
	    "event %zu by \"%s\", not \"%s\"", i, h->actor[i], actor);
	if (detail == NULL)
		ck_assert_msg(!h->has_detail[i], "event %zu has detail \"%s\"",
		    i, h->detail[i]);
	else
		ck_assert_msg(h->has_detail[i] &&
		    strcmp(h->detail[i], detail) == 0,
		    "event %zu detail \"%s\", not \"%s\"", i,
		    h->has_detail[i] ? h->detail[i] : "(none)", detail);
}

/* Claim ref as c9 and complete it, so that it leaves the queue. */
static void
close_request(const char *ref0, int64_t now)
{
	struct got	 g;
	char		 ref[16];

	snprintf(ref, sizeof(ref), "%s", ref0);
	ck_assert_int_eq(change('c', ref, "c9", now, &g), STORE_OK);
	ck_assert_int_eq(change('x', ref, "c9", now, &g), STORE_OK);
	ck_assert_int_eq(g.row.state, STORE_COMPLETED);
}

/* Schema version 1 as the first release created it (migration step 1). */
static const char v1_schema[] =
	"CREATE TABLE meta ("
	" key TEXT PRIMARY KEY,"
	" value BLOB NOT NULL);"
	"CREATE TABLE callback ("
	" id INTEGER PRIMARY KEY,"
	" ref TEXT UNIQUE NOT NULL,"
	" dedup BLOB UNIQUE NOT NULL,"
	" channel TEXT,"
	" phone TEXT,"
	" safe_to_call TEXT,"
	" safe_number TEXT,"
	" \"window\" TEXT,"
	" cover TEXT,"
	" urgent INTEGER NOT NULL DEFAULT 0,"
	" province TEXT,"
	" topic TEXT,"
	" lang TEXT,"
	" state INTEGER NOT NULL,"
	" claimed_by TEXT,"
	" outcome TEXT,"
	" created_at INTEGER NOT NULL,"
	" updated_at INTEGER NOT NULL,"
	" next_action_at INTEGER NOT NULL,"
	" rounds INTEGER NOT NULL DEFAULT 0,"
	" failures INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX callback_due ON callback (state, next_action_at);"
	"CREATE TABLE history ("
	" id INTEGER PRIMARY KEY,"
	" callback_id INTEGER NOT NULL REFERENCES callback(id),"
	" at INTEGER NOT NULL,"
	" event TEXT NOT NULL,"
	" actor TEXT NOT NULL,"
	" detail TEXT);"
	"CREATE INDEX history_callback ON history (callback_id, id);"
	"CREATE TABLE outbox ("
	" id INTEGER PRIMARY KEY,"
	" callback_id INTEGER NOT NULL REFERENCES callback(id),"
	" recipient TEXT NOT NULL,"
	" transport TEXT NOT NULL,"
	" target INTEGER NOT NULL,"
	" kind TEXT NOT NULL,"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" next_at INTEGER NOT NULL,"
	" msg_id TEXT UNIQUE NOT NULL,"
	" state INTEGER NOT NULL DEFAULT 0,"
	" last_error TEXT,"
	" created_at INTEGER NOT NULL);"
	"CREATE INDEX outbox_due ON outbox (state, next_at);"
	"CREATE INDEX outbox_callback ON outbox (callback_id);";

/* The dedup key of the version 1 file, as SQL. */
#define V1_KEY	"X'000102030405060708090A0B0C0D0E0F" \
		"101112131415161718191A1B1C1D1E1F'"

/* What a version 1 file holds: an alerted, a claimed, a completed request. */
static const char v1_rows[] =
	"INSERT INTO meta VALUES ('dedup_key', " V1_KEY ");"
	"INSERT INTO callback (id, ref, dedup, channel, phone, safe_to_call,"
	" safe_number, \"window\", cover, urgent, province, topic, lang,"
	" state, claimed_by, outcome, created_at, updated_at, next_action_at,"
	" rounds, failures) VALUES"
	" (1, 'CKP3NT', X'01', 'at', '+85512345601', 'yes', NULL, 'evening',"
	" 'friend', 0, 'KH-12', NULL, 'km', 1, NULL, NULL, 900, 950, 1250, 1,"
	" 0),"
	" (2, 'D7LG9C', X'02', 'at', '+85512345602', 'no', '+85511111111',"
	" 'now', 'wrong_number', 1, 'KH-1', NULL, 'km', 2, 'c1', NULL, 910,"
	" 960, 0, 1, 0),"
	" (3, 'GAECCC', X'03', 'at', '+85512345603', 'yes', NULL, 'morning',"
	" NULL, 0, NULL, NULL, 'en', 3, 'c2', 'reached', 800, 990, 0, 1, 0);"
	"INSERT INTO history (callback_id, at, event, actor, detail) VALUES"
	" (1, 900, 'created', 'system', NULL),"
	" (1, 950, 'alerted', 'system', 'to c1'),"
	" (2, 910, 'created', 'system', NULL),"
	" (3, 800, 'created', 'system', NULL);"
	"INSERT INTO outbox (callback_id, recipient, transport, target, kind,"
	" attempts, next_at, msg_id, state, created_at) VALUES"
	" (1, 'c1', 'webhook', 0, 'callback.created', 1, 1000,"
	" 'msg_AAAAAAAAAAAAAAAAAAAAAAAA', 0, 950);"
	"PRAGMA user_version = 1;";

/* Write a file at schema version 1 by hand, as the first release left it. */
static void
make_v1(void)
{
	sqlite3	*db;
	char	*err = NULL;

	ck_assert_int_eq(sqlite3_open(su.path, &db), SQLITE_OK);
	if (sqlite3_exec(db, v1_schema, NULL, NULL, &err) != SQLITE_OK ||
	    sqlite3_exec(db, v1_rows, NULL, NULL, &err) != SQLITE_OK)
		ck_abort_msg("version 1 file: %s", err);
	sqlite3_close(db);
}

/*
 * An empty file is migrated to 2, a file at version 1 from 1 to 2 with its
 * rows, their history, alerts and dedup key kept (call_from = created_at,
 * the new columns at their defaults); reopening keeps version and data.
 */
START_TEST(test_migrate)
{
	struct got	 g, g2;
	struct list	 l;
	struct hist	 h;
	struct odue	 d;

	su.st = open_store(0);
	ck_assert_int_eq(store_schema_version(su.st), STORE_SCHEMA);
	ck_assert_int_eq(su_query_int("PRAGMA user_version"), STORE_SCHEMA);
	/* 7: the queue's pages read in order. */
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM sqlite_master"
	    " WHERE type = 'index' AND name = 'callback_order'"), 1);
	ck_assert_int_eq(create("at:s1", "+85512345678", 1000, &g), STORE_OK);
	store_free(su.st);

	su.st = open_store(0);
	ck_assert_int_eq(store_schema_version(su.st), STORE_SCHEMA);
	ck_assert_int_eq(get(g.row.ref, &g2), STORE_OK);
	ck_assert_int_eq(g2.row.id, g.row.id);
	ck_assert_str_eq(g2.row.phone, "+85512345678");
	/* The hash key (the key file's) too: the same session is a dup. */
	ck_assert_int_eq(create("at:s1", "+85599999999", 1001, &g2),
	    STORE_DUP);
	ck_assert_str_eq(g2.row.ref, g.row.ref);
	store_free(su.st);
	su.st = NULL;
	remove_db();

	make_v1();
	ck_assert_int_eq(su_query_int("PRAGMA user_version"), 1);
	su.st = open_store(0);
	ck_assert_int_eq(store_schema_version(su.st), STORE_SCHEMA);
	ck_assert_int_eq(su_query_int("PRAGMA user_version"), STORE_SCHEMA);
	/* The in-file hash key is gone; the key file's check took it. */
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM meta WHERE "
	    "key = 'dedup_key'"), 0);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM meta WHERE "
	    "key = 'key_check' AND length(value) = 32"), 1);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM callback WHERE "
	    "typeof(phone) = 'blob' AND dec(phone, 'callback.phone', id) "
	    "LIKE '+8551234560_'"), 3);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM callback"), 3);

	ck_assert_int_eq(get("CKP3NT", &g), STORE_OK);
	ck_assert_int_eq(g.row.id, 1);
	ck_assert_int_eq(g.row.state, STORE_ALERTED);
	ck_assert_str_eq(g.row.phone, "+85512345601");
	ck_assert_str_eq(g.row.safe_to_call, "yes");
	ck_assert_ptr_null(g.row.safe_number);
	ck_assert_str_eq(g.row.window, "evening");
	ck_assert_str_eq(g.row.cover, "friend");
	ck_assert_str_eq(g.row.province, "KH-12");
	ck_assert_int_eq(g.row.urgent, 0);
	ck_assert_int_eq(g.row.created_at, 900);
	ck_assert_int_eq(g.row.updated_at, 950);
	ck_assert_int_eq(g.row.next_action_at, 1250);
	ck_assert_int_eq(g.row.rounds, 1);
	ck_assert_int_eq(g.row.failures, 0);
	ck_assert_int_eq(g.row.call_from, 900);
	ck_assert_int_eq(g.row.attempts, 0);
	ck_assert_int_eq(g.row.asked_again, 0);
	ck_assert_int_eq(g.row.warn_unsafe, 0);
	ck_assert_int_eq(g.row.intake, 0);
	ck_assert_ptr_null(g.row.session_end);
	ck_assert_ptr_null(g.row.reason);
	ck_assert_int_eq(g.row.claimed_at, 0);
	ck_assert_int_eq(get("D7LG9C", &g), STORE_OK);
	ck_assert_int_eq(g.row.state, STORE_CLAIMED);
	ck_assert_str_eq(g.row.claimed_by, "c1");
	/* Its claim of release 1 now runs out like any other. */
	ck_assert_int_eq(g.row.claimed_at, 960);
	ck_assert_int_eq(g.row.next_action_at, 960 + 1800);
	ck_assert_str_eq(g.row.safe_number, "+85511111111");
	ck_assert_int_eq(g.row.urgent, 1);
	ck_assert_int_eq(g.row.call_from, 910);
	ck_assert_int_eq(get("GAECCC", &g), STORE_OK);
	ck_assert_int_eq(g.row.state, STORE_COMPLETED);
	ck_assert_str_eq(g.row.outcome, "reached");
	ck_assert_int_eq(g.row.call_from, 800);

	/* The queue, the history and the outbox of release 1. */
	page(NULL, 0, 0, &l);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_uint_eq(l.total, 2);
	ck_assert_str_eq(l.ref[0], "D7LG9C");
	ck_assert_str_eq(l.ref[1], "CKP3NT");
	ck_assert_int_eq(history("CKP3NT", &h), STORE_OK);
	ck_assert_uint_eq(h.n, 2);
	check_event(&h, 0, 900, "created", "system", NULL);
	check_event(&h, 1, 950, "alerted", "system", "to c1");
	outbox_due(1000, &d);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.ref[0], "CKP3NT");
	ck_assert_int_eq(d.attempts[0], 1);
	ck_assert_str_eq(d.msg_id[0], "msg_AAAAAAAAAAAAAAAAAAAAAAAA");

	/* Old rows take the new operations; new rows follow them. */
	ck_assert_int_eq(change('c', "CKP3NT", "c2", 1100, &g), STORE_OK);
	ck_assert_int_eq(g.row.claimed_at, 1100);
	ck_assert_int_eq(attempt("CKP3NT", "c2", 3, 2000, 1200, &g),
	    STORE_OK);
	ck_assert_int_eq(g.row.attempts, 1);
	ck_assert_str_eq(g.row.reason, "attempt");
	ck_assert_int_eq(create("at:s1", "+85512345699", 1300, &g), STORE_OK);
	ck_assert_int_eq(g.row.id, 4);
	/*
	 * Old rows got the keyed hashes of their numbers at the upgrade: a
	 * number asking again is recognised, and an unsafe mark takes.
	 */
	ck_assert_int_eq(create("at:s8", "+85512345601", 1310, &g),
	    STORE_MERGED);
	ck_assert_int_eq(g.row.id, 1);
	ck_assert_int_eq(complete("D7LG9C", "c1", "unsafe", 1320, &g),
	    STORE_OK);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM mark"), 2);
	ck_assert_int_eq(create("at:s9", "+85511111111", 1330, &g), STORE_OK);
	ck_assert_int_eq(g.row.warn_unsafe, 1);
	store_free(su.st);

	su.st = open_store(0);
	ck_assert_int_eq(store_schema_version(su.st), STORE_SCHEMA);
	ck_assert_int_eq(get("CKP3NT", &g), STORE_OK);
	ck_assert_int_eq(g.row.attempts, 1);
	ck_assert_int_eq(g.row.asked_again, 1);
	ck_assert_int_eq(g.row.call_from, 1310);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM callback"), 5);
}
END_TEST

/* A new request: its row, its first event, durable before completion. */
START_TEST(test_create)
{
	struct store_callback	 in = sample("+85512345678");
	struct got		 g;
	struct hist		 h;
	size_t			 i;

	su.st = open_store(0);
	memset(&g, 0, sizeof(g));
	in.next_action_at = 1000;
	ck_assert_int_eq(store_callback_create(su.st, &in, "at:s1", 5, 3600,
	    1000, durable_cb, &g), 0);
	ck_assert_uint_eq(store_pending(su.st), 1);
	wait_n(&g.done, 1);
	ck_assert_uint_eq(store_pending(su.st), 0);
	ck_assert_int_eq(g.rc, STORE_OK);
	ck_assert_int_eq(g.durable, 1);
	ck_assert_uint_eq(strlen(g.row.ref), 6);
	for (i = 0; i < 6; i++)
		ck_assert_ptr_nonnull(strchr(REF_CHARS, g.row.ref[i]));
	ck_assert_int_gt(g.row.id, 0);
	ck_assert_int_eq(g.row.state, STORE_OPEN);
	ck_assert_int_eq(g.row.next_action_at, 1000);
	ck_assert_int_eq(g.row.created_at, 1000);
	ck_assert_int_eq(g.row.updated_at, 1000);
	ck_assert_int_eq(g.row.urgent, 1);
	ck_assert_int_eq(g.row.rounds, 0);
	ck_assert_int_eq(g.row.failures, 0);
	ck_assert_str_eq(g.row.phone, "+85512345678");
	ck_assert_ptr_null(g.row.claimed_by);

	ck_assert_int_eq(history(g.row.ref, &h), STORE_OK);
	ck_assert_uint_eq(h.n, 1);
	ck_assert_str_eq(h.event[0], "created");
	ck_assert_str_eq(h.actor[0], "system");
	ck_assert_int_eq(h.at[0], 1000);
}
END_TEST

/*
 * Every statement's plan on a current schema: none walks a whole table
 * (a SCAN other than a constant row or a subquery's rows) or sorts its
 * rows (a temporary B-tree), so that none costs more as the queues grow,
 * but for those below, which read few rows by design or run rarely.
 */
START_TEST(test_plans)
{
	static const enum store_stmt	 allowed[] = {
		ST_CB_DUE,	/* the due rows of three states, 32 at a time */
		ST_CB_VIEW,	/* a counsellor's claimed rows, a few */
		ST_CB_VIEW_OPEN, /* callback_order walked, LIMIT stops it */
		ST_OUT_FAILING,	/* supervisors, on demand */
		ST_PURGE_HIST, ST_PURGE_OUT, ST_PURGE_CB, ST_PURGE_SMS,
		ST_FORGET_SAFE,	/* retention and forget, rarely */
	};
	struct store_keys	 k;
	struct store_engine	*e;
	sqlite3_stmt		*plan;
	char			*cause = NULL, *sql;
	const char		*d;
	size_t			 i, a;
	int			 bad;

	su.st = open_store(0);
	store_free(su.st);
	su.st = NULL;
	ck_assert_int_eq(store_crypt_load(su.key, 0, &k, &cause), 0);
	e = store_sqlite_open(su.path, NULL, &k, &cause);
	ck_assert_msg(e != NULL, "%s", cause);
	for (i = 0; i < ST__COUNT; i++) {
		for (a = 0; a < sizeof(allowed) / sizeof(allowed[0]); a++)
			if (allowed[a] == (enum store_stmt)i)
				break;
		if (a < sizeof(allowed) / sizeof(allowed[0]))
			continue;
		sql = sqlite3_mprintf("EXPLAIN QUERY PLAN %s",
		    sqlite3_sql(e->stmt[i]));
		ck_assert_ptr_nonnull(sql);
		ck_assert_int_eq(sqlite3_prepare_v2(e->conn, sql, -1, &plan,
		    NULL), SQLITE_OK);
		while (sqlite3_step(plan) == SQLITE_ROW) {
			d = (const char *)sqlite3_column_text(plan, 3);
			bad = strstr(d, "TEMP B-TREE") != NULL ||
			    (strncmp(d, "SCAN ", 5) == 0 &&
			    strcmp(d, "SCAN CONSTANT ROW") != 0 &&
			    strncmp(d, "SCAN (subquery", 14) != 0);
			ck_assert_msg(!bad, "statement %zu: %s: %s", i, d,
			    sqlite3_sql(e->stmt[i]));
		}
		sqlite3_finalize(plan);
		sqlite3_free(sql);
	}
	store_sqlite_close(e);
	store_crypt_wipe(&k);
}
END_TEST

/*
 * Random characters: only the set's, every one of them turning up, for a
 * set that divides 256, one that does not (bytes thrown away) and one of
 * a single character; len 0 is just the NUL.
 */
START_TEST(test_random_chars)
{
	static const size_t	 sizes[] = { 25, 200, 256, 1 };
	char			 set[256], out[20001];
	int			 seen[256];
	size_t			 i, k, n;

	for (i = 0; i < sizeof(set); i++)
		set[i] = (char)i;
	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		n = sizes[k];
		memset(seen, 0, sizeof(seen));
		memset(out, 'x', sizeof(out));
		store_job_random_chars(out, sizeof(out) - 1, set + 256 - n, n);
		ck_assert_int_eq(out[sizeof(out) - 1], '\0');
		for (i = 0; i < sizeof(out) - 1; i++) {
			ck_assert_uint_ge((unsigned char)out[i], 256 - n);
			seen[(unsigned char)out[i]]++;
		}
		for (i = 256 - n; i < 256; i++)
			ck_assert_int_gt(seen[i], 0);
	}
	out[0] = 'x';
	store_job_random_chars(out, 0, set, 25);
	ck_assert_int_eq(out[0], '\0');
}
END_TEST

/* Each string field as stored, checked inside the completion. */
static void
fields_cb(enum store_rc rc, const struct store_callback *r, void *arg)
{
	ck_assert_int_eq(rc, STORE_OK);
	ck_assert_str_eq(r->channel, "at");
	ck_assert_str_eq(r->phone, "+85512345678");
	ck_assert_str_eq(r->safe_to_call, "no");
	ck_assert_str_eq(r->safe_number, "+85511111111");
	ck_assert_str_eq(r->window, "evening");
	ck_assert_str_eq(r->cover, "wrong number");
	ck_assert_str_eq(r->province, "Phnom Penh");
	ck_assert_str_eq(r->topic, "violence");
	ck_assert_str_eq(r->lang, "km");
	ck_assert_ptr_null(r->outcome);
	(*(int *)arg)++;
}

/* The strings of a stored request, through get. */
START_TEST(test_fields_get)
{
	struct store_callback	 in = sample("+85512345678");
	struct got		 g;
	int			 n = 0;

	su.st = open_store(0);
	in.safe_to_call = "no";
	in.safe_number = "+85511111111";
	in.window = "evening";
	memset(&g, 0, sizeof(g));
	ck_assert_int_eq(store_callback_create(su.st, &in, "x", 1, 3600, 50,
	    row_cb, &g), 0);
	wait_n(&g.done, 1);
	ck_assert_int_eq(store_callback_get(su.st, g.row.ref, fields_cb, &n),
	    0);
	wait_n(&n, 1);
}
END_TEST

/* The same session twice: one row, one event, the first row returned. */
START_TEST(test_dup)
{
	struct got	 a, b, c;
	struct hist	 h;
	struct list	 l;

	su.st = open_store(0);
	ck_assert_int_eq(create("at:s1", "+85512345678", 1000, &a), STORE_OK);
	ck_assert_int_eq(create("at:s1", "+85599999999", 1005, &b), STORE_DUP);
	ck_assert_int_eq(b.has_row, 1);
	ck_assert_str_eq(b.row.ref, a.row.ref);
	ck_assert_int_eq(b.row.id, a.row.id);
	ck_assert_str_eq(b.row.phone, "+85512345678");
	ck_assert_int_eq(b.row.created_at, 1000);
	list_open(&l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_int_eq(history(a.row.ref, &h), STORE_OK);
	ck_assert_uint_eq(h.n, 1);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM history"), 1);

	/* Another session of another caller is another request. */
	ck_assert_int_eq(create("at:s2", "+85512340000", 1006, &c), STORE_OK);
	ck_assert_str_ne(c.row.ref, a.row.ref);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM callback"), 2);
}
END_TEST

/*
 * A gateway that reuses a session id later is a new caller: outside the
 * window her request is new, never mistaken for the old one.
 */
START_TEST(test_dup_window)
{
	struct got	 a, b, c;

	su.st = open_store(0);
	ck_assert_int_eq(create("at:s1", "+85512345678", 1000, &a), STORE_OK);
	/* create() uses a one-hour window. */
	ck_assert_int_eq(create("at:s1", "+85512345678", 4599, &b), STORE_DUP);
	ck_assert_str_eq(b.row.ref, a.row.ref);
	ck_assert_int_eq(create("at:s1", "+85599999999", 4601, &c), STORE_OK);
	ck_assert_str_ne(c.row.ref, a.row.ref);
	ck_assert_str_eq(c.row.phone, "+85599999999");
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM callback"), 2);
	/* The retried hop of the new session finds the new request. */
	ck_assert_int_eq(create("at:s1", "+85599999999", 4610, &b), STORE_DUP);
	ck_assert_str_eq(b.row.ref, c.row.ref);
}
END_TEST

/*
 * 100 creates queued before the loop runs all commit, batched or not;
 * batched (_i 0), in a few transactions, counted by a commit hook; not
 * batched (_i 1), in one each.
 */
START_TEST(test_group_commit)
{
	struct store_callback	 in = sample("+85512345678");
	struct got		*g;
	struct list		 l;
	atomic_ulong		 commits = 0;
	unsigned long		 n;
	char			 sid[32], phone[100][16];
	int			 i, k, done = 0;

	su.st = open_store(_i == 0 ? 0 : 1);
	ck_assert_int_eq(store_count_commits(su.st, &commits), 0);
	g = calloc(100, sizeof(*g));
	ck_assert_ptr_nonnull(g);
	for (i = 0; i < 100; i++) {
		/* A hundred callers: one request each. */
		snprintf(phone[i], sizeof(phone[i]), "+8551200%04d", i);
		in.phone = phone[i];
		snprintf(sid, sizeof(sid), "at:session-%d", i);
		ck_assert_int_eq(store_callback_create(su.st, &in, sid,
		    strlen(sid), 3600, 1000 + i, row_cb, &g[i]), 0);
	}
	/* Nothing completes before the loop runs. */
	ck_assert_uint_eq(store_pending(su.st), 100);
	for (;;) {
		for (i = 0, done = 0; i < 100; i++)
			done += g[i].done;
		if (done == 100)
			break;
		event_base_loop(su.base, EVLOOP_ONCE);
	}
	ck_assert_uint_eq(store_pending(su.st), 0);
	/* Read before anything else runs: the 100 creates' COMMITs only. */
	n = atomic_load(&commits);
	if (_i == 0)
		ck_assert_msg(n >= 1 && n <= 10,
		    "batched: %lu COMMITs for 100 creates", n);
	else
		ck_assert_msg(n == 100,
		    "unbatched: %lu COMMITs for 100 creates", n);
	for (i = 0; i < 100; i++) {
		ck_assert_int_eq(g[i].done, 1);
		ck_assert_int_eq(g[i].rc, STORE_OK);
		ck_assert_int_eq(g[i].row.created_at, 1000 + i);
		for (k = 0; k < i; k++)
			ck_assert_str_ne(g[i].row.ref, g[k].row.ref);
	}
	list_open(&l);
	ck_assert_uint_eq(l.n, 100);
	for (i = 0; i < 100; i++)	/* oldest first */
		ck_assert_str_eq(l.ref[i], g[i].row.ref);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM history"), 100);
	free(g);
}
END_TEST

/*
 * Failing jobs inside one batch: a NOTFOUND claim, and a dispatch that
 * fails half-way (its second alert has no recipient) and must leave no
 * trace, between two creates that must commit. A second connection holds
 * the write lock so that the four jobs queue up behind a first one.
 */
START_TEST(test_batch_failure)
{
	struct store_outbox	 out[2];
	struct store_callback	 in = sample("+85512345678");
	struct got		 a, first, b, claim, c;
	struct dres		 disp = { 0, STORE_OK, 0 };
	struct hist		 h;
	struct list		 l;
	sqlite3			*db;
	int			 n;

	su.st = open_store(0);
	ck_assert_int_eq(create("at:a", "+85512345678", 1000, &a), STORE_OK);

	ck_assert_int_eq(sqlite3_open(su.path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK);
	memset(&first, 0, sizeof(first));
	memset(&b, 0, sizeof(b));
	memset(&claim, 0, sizeof(claim));
	memset(&c, 0, sizeof(c));
	/* A write (reads have a thread of their own): it waits for the lock. */
	in.phone = "+85512340009";
	ck_assert_int_eq(store_callback_create(su.st, &in, "at:first", 4, 3600,
	    1001, row_cb, &first), 0);
	usleep(200 * 1000);	/* the thread takes it and waits for the lock */

	memset(out, 0, sizeof(out));
	out[0].recipient = "c1";
	out[0].transport = "telegram";
	out[0].kind = "callback.created";
	out[1].recipient = NULL;	/* NOT NULL: fails after changes */
	out[1].transport = "webhook";
	out[1].kind = "callback.created";
	in.phone = "+85512340001";
	ck_assert_int_eq(store_callback_create(su.st, &in, "at:b", 4, 3600,
	    1001, row_cb, &b), 0);
	ck_assert_int_eq(store_callback_claim(su.st, "NOSUCH", "c1", 2801,
	    1001, row_cb, &claim), 0);
	ck_assert_int_eq(store_callback_dispatch(su.st, a.row.id,
	    STORE_ALERTED, 1300, 1, "alerted", NULL, out, 2, 1001, done_cb,
	    &disp), 0);
	in.phone = "+85512340002";
	ck_assert_int_eq(store_callback_create(su.st, &in, "at:c", 4, 3600,
	    1002, row_cb, &c), 0);
	ck_assert_int_eq(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);

	for (;;) {
		n = first.done + b.done + claim.done + disp.done + c.done;
		if (n == 5)
			break;
		event_base_loop(su.base, EVLOOP_ONCE);
	}
	ck_assert_int_eq(first.rc, STORE_OK);
	ck_assert_int_eq(b.rc, STORE_OK);
	ck_assert_int_eq(claim.rc, STORE_NOTFOUND);
	ck_assert_int_eq(claim.has_row, 0);
	ck_assert_int_eq(disp.rc, STORE_ERR);
	ck_assert_int_eq(c.rc, STORE_OK);

	/* The dispatch left nothing behind. */
	ck_assert_int_eq(get(a.row.ref, &a), STORE_OK);
	ck_assert_int_eq(a.row.state, STORE_OPEN);
	ck_assert_int_eq(a.row.rounds, 0);
	ck_assert_int_eq(a.row.next_action_at, 1000);
	ck_assert_int_eq(history(a.row.ref, &h), STORE_OK);
	ck_assert_uint_eq(h.n, 1);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM outbox"), 0);
	/* The creates around it committed. */
	list_open(&l);
	ck_assert_uint_eq(l.n, 4);
	ck_assert_int_eq(get(b.row.ref, &b), STORE_OK);
	ck_assert_int_eq(get(c.row.ref, &c), STORE_OK);
}
END_TEST

/* Threads of this process at nice (Linux's /proc), or -1 elsewhere. */
static int
threads_at_nice(int nice)
{
#ifdef __linux__
	struct dirent	*de;
	DIR		*d;
	FILE		*fp;
	char		 path[PATH_MAX], line[1024], *p;
	int		 n = 0, i, v;

	d = opendir("/proc/self/task");
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/stat",
		    de->d_name);
		fp = fopen(path, "r");
		if (fp == NULL)
			continue;	/* it ended meanwhile */
		p = fgets(line, sizeof(line), fp);
		fclose(fp);
		if (p == NULL || (p = strrchr(line, ')')) == NULL)
			continue;
		/* Field 19 is nice; p is at the end of field 2. */
		for (i = 2; i < 19 && p != NULL; i++)
			p = strchr(p + 1, ' ');
		if (p != NULL && sscanf(p, " %d", &v) == 1 && v == nice)
			n++;
	}
	closedir(d);
	return n;
#else
	(void)nice;
	return -1;
#endif
}

/*
 * Reads have a connection and a thread of their own: while another
 * connection holds the write lock, a listing is answered; and a read
 * still sees every write submitted before it: one queued behind a write
 * waits for it, and then finds its row.
 */
START_TEST(test_read_beside_write)
{
	struct store_callback	 in = sample("+85512345678");
	struct got		 a, w;
	struct list		 l, l2;
	sqlite3			*db;
	struct timeval		 tv = { 0, 10 * 1000 };
	int			 i, base;

	su.st = open_store(0);
	ck_assert_int_eq(create("at:a", "+85512345678", 1000, &a), STORE_OK);
	ck_assert_int_eq(sqlite3_open(su.path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK);
	memset(&w, 0, sizeof(w));
	memset(&l, 0, sizeof(l));
	memset(&l2, 0, sizeof(l2));
	ck_assert_int_eq(store_callback_list(su.st, NULL, 0, page_cb, &l), 0);
	in.phone = "+85512340001";
	ck_assert_int_eq(store_callback_create(su.st, &in, "at:w", 4, 3600,
	    1001, row_cb, &w), 0);
	ck_assert_int_eq(store_callback_list(su.st, NULL, 0, page_cb, &l2), 0);
	/* At most 3 s: the store's busy time-out on the lock is longer. */
	for (i = 0; i < 300 && !l.done; i++) {
		event_base_loopexit(su.base, &tv);
		event_base_dispatch(su.base);
	}
	ck_assert_msg(l.done, "the read waited for the write lock");
	ck_assert_int_eq(l.rc, STORE_OK);
	ck_assert_uint_eq(l.n, 1);
	/* Time for the second read to overtake the write, if it could. */
	for (i = 0; i < 30; i++) {
		event_base_loopexit(su.base, &tv);
		event_base_dispatch(su.base);
	}
	ck_assert_int_eq(w.done, 0);
	ck_assert_int_eq(l2.done, 0);
	ck_assert_int_eq(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	wait_n(&l2.done, 1);
	ck_assert_int_eq(w.done, 1);
	ck_assert_int_eq(w.rc, STORE_OK);
	ck_assert_int_eq(l2.rc, STORE_OK);
	ck_assert_uint_eq(l2.n, 2);
	/* The reader, and it alone, has given way since its first batch. */
	base = getpriority(PRIO_PROCESS, 0);
	if (threads_at_nice(base) != -1 && base < 19) {
		ck_assert_int_eq(threads_at_nice(base + 10 > 19 ? 19 :
		    base + 10), 1);
		ck_assert_int_ge(threads_at_nice(base), 2);	/* us, writer */
	}
}
END_TEST

/* Due requests, dispatch, the outbox and its delivery results. */
START_TEST(test_dispatch)
{
	struct store_outbox	 out[2];
	struct got		 g;
	struct dres		 r = { 0, STORE_ERR, 0 };
	struct list		 l;
	struct odue		 d, d2;
	struct hist		 h;
	size_t			 i, k;

	su.st = open_store(0);
	ck_assert_int_eq(create("at:s1", "+85512345678", 1000, &g), STORE_OK);
	list_due(999, &l);
	ck_assert_uint_eq(l.n, 0);
	list_due(1000, &l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.ref[0], g.row.ref);

	memset(out, 0, sizeof(out));
	out[0].recipient = "c1";
	out[0].transport = "telegram";
	out[0].target = 0;
	out[0].kind = "callback.created";
	out[1].recipient = "c2";
	out[1].transport = "webhook";
	out[1].target = 1;
	out[1].kind = "callback.created";
	ck_assert_int_eq(store_callback_dispatch(su.st, g.row.id,
	    STORE_ALERTED, 1300, 1, "alerted", "2 alerts", out, 2, 1001,
	    done_cb, &r), 0);
	wait_n(&r.done, 1);
	ck_assert_int_eq(r.rc, STORE_OK);
	ck_assert_int_eq(get(g.row.ref, &g), STORE_OK);
	ck_assert_int_eq(g.row.state, STORE_ALERTED);
	ck_assert_int_eq(g.row.rounds, 1);
	ck_assert_int_eq(g.row.next_action_at, 1300);
	ck_assert_int_eq(g.row.updated_at, 1001);
	list_due(1299, &l);
	ck_assert_uint_eq(l.n, 0);
	list_due(1300, &l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_int_eq(l.state[0], STORE_ALERTED);

	outbox_due(1000, &d);
	ck_assert_uint_eq(d.n, 0);
	outbox_due(1001, &d);
	ck_assert_uint_eq(d.n, 2);
	for (i = 0; i < 2; i++) {
		ck_assert_str_eq(d.ref[i], g.row.ref);
		ck_assert_int_eq(d.attempts[i], 0);
		ck_assert_int_eq(d.next_at[i], 1001);
		ck_assert_int_eq(d.target[i], (int)i);
		ck_assert_str_eq(d.kind[i], "callback.created");
		ck_assert_uint_eq(strlen(d.msg_id[i]), 28);
		ck_assert_int_eq(strncmp(d.msg_id[i], "msg_", 4), 0);
		for (k = 4; k < 28; k++)
			ck_assert_ptr_nonnull(strchr(B64URL, d.msg_id[i][k]));
	}
	ck_assert_str_eq(d.recipient[0], "c1");
	ck_assert_str_eq(d.transport[0], "telegram");
	ck_assert_str_eq(d.recipient[1], "c2");
	ck_assert_str_eq(d.transport[1], "webhook");
	ck_assert_str_ne(d.msg_id[0], d.msg_id[1]);

	/* c1 fails once and is retried later, with the same msg_id. */
	ck_assert_int_eq(result(d.id[0], STORE_RETRY, 1100, "timeout", 1002),
	    STORE_OK);
	outbox_due(1050, &d2);
	ck_assert_uint_eq(d2.n, 1);
	ck_assert_int_eq(d2.id[0], d.id[1]);
	outbox_due(1100, &d2);
	ck_assert_uint_eq(d2.n, 2);
	ck_assert_int_eq(d2.id[1], d.id[0]);
	ck_assert_int_eq(d2.attempts[1], 1);
	ck_assert_int_eq(d2.next_at[1], 1100);
	ck_assert_str_eq(d2.msg_id[1], d.msg_id[0]);
	ck_assert_int_eq(result(d.id[0], STORE_SENT, 0, NULL, 1100), STORE_OK);

	/* c2 gives up: failures++, alert_failed with the error. */
	ck_assert_int_eq(result(d.id[1], STORE_GAVE_UP, 0, "http 500", 1101),
	    STORE_OK);
	outbox_due(5000, &d2);
	ck_assert_uint_eq(d2.n, 0);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM outbox WHERE "
	    "state = 1 AND attempts = 2"), 1);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM outbox WHERE "
	    "state = 2 AND attempts = 1 AND last_error = 'http 500'"), 1);
	ck_assert_int_eq(get(g.row.ref, &g), STORE_OK);
	ck_assert_int_eq(g.row.failures, 1);
	ck_assert_int_eq(g.row.state, STORE_ALERTED);
	ck_assert_int_eq(history(g.row.ref, &h), STORE_OK);
	ck_assert_uint_eq(h.n, 3);
	ck_assert_str_eq(h.event[1], "alerted");
	ck_assert_str_eq(h.actor[1], "system");
	ck_assert_str_eq(h.detail[1], "2 alerts");
	ck_assert_int_eq(h.at[1], 1001);
	ck_assert_str_eq(h.event[2], "alert_failed");
	ck_assert_str_eq(h.actor[2], "system");
	ck_assert_str_eq(h.detail[2], "http 500");
	ck_assert_int_eq(h.at[2], 1101);

	/* A settled alert, or an unknown one, is not recorded again. */
	ck_assert_int_eq(result(d.id[0], STORE_SENT, 0, NULL, 1200),
	    STORE_CONFLICT);
	ck_assert_int_eq(result(999999, STORE_SENT, 0, NULL, 1200),
	    STORE_NOTFOUND);

	/* Claimed: the dispatcher may not touch it. */
	ck_assert_int_eq(change('c', g.row.ref, "c1", 1201, &g), STORE_OK);
	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(store_callback_dispatch(su.st, g.row.id,
	    STORE_ALERTED, 1500, 2, "escalated", NULL, out, 2, 1202,
	    done_cb, &r), 0);
	wait_n(&r.done, 1);
	ck_assert_int_eq(r.rc, STORE_CONFLICT);
	ck_assert_int_eq(get(g.row.ref, &g), STORE_OK);
	ck_assert_int_eq(g.row.state, STORE_CLAIMED);
	ck_assert_int_eq(g.row.rounds, 1);
	/* The claim's expiry (change() claims for 1800 s). */
	ck_assert_int_eq(g.row.next_action_at, 1201 + 1800);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM outbox"), 2);
	ck_assert_int_eq(history(g.row.ref, &h), STORE_OK);
	ck_assert_uint_eq(h.n, 4);
	ck_assert_str_eq(h.event[3], "claimed");
	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(store_callback_dispatch(su.st, 999999, STORE_ALERTED,
	    1500, 2, "escalated", NULL, NULL, 0, 1202, done_cb, &r), 0);
	wait_n(&r.done, 1);
	ck_assert_int_eq(r.rc, STORE_NOTFOUND);
}
END_TEST

/*
 * A give-up tells the supervisors in the same transaction: one alert.failed
 * per entry, under ids derived from the failed alert; an alert.failed that
 * fails, or a request claimed meanwhile, tells nobody.
 */
START_TEST(test_give_up_tells)
{
	struct store_outbox	 out[1], tell[2];
	struct got		 g, g2;
	struct dres		 r = { 0, STORE_ERR, 0 };
	struct odue		 d, d2;
	size_t			 told = 99;
	int			 k;

	su.st = open_store(0);
	ck_assert_int_eq(create("at:s1", "+85512345678", 1000, &g), STORE_OK);
	ck_assert_int_eq(create("at:s2", "+85512345679", 1000, &g2), STORE_OK);
	memset(out, 0, sizeof(out));
	out[0].recipient = "c1";
	out[0].transport = "webhook";
	out[0].kind = "callback.created";
	memset(tell, 0, sizeof(tell));
	tell[0].recipient = "s1";
	tell[0].transport = "webhook";
	tell[0].kind = "alert.failed";
	tell[1].recipient = "s2";
	tell[1].transport = "telegram";
	tell[1].target = 1;
	tell[1].kind = "alert.failed";
	for (k = 0; k < 2; k++) {
		memset(&r, 0, sizeof(r));
		ck_assert_int_eq(store_callback_dispatch(su.st, k == 0 ?
		    g.row.id : g2.row.id, STORE_ALERTED, 1300, 1, "alerted",
		    NULL, out, 1, 1001, done_cb, &r), 0);
		wait_n(&r.done, 1);
		ck_assert_int_eq(r.rc, STORE_OK);
	}
	outbox_due(1001, &d);
	ck_assert_uint_eq(d.n, 2);

	ck_assert_int_eq(result_tell(d.id[0], STORE_GAVE_UP, 0, "HTTP 500",
	    1100, tell, 2, &told), STORE_OK);
	ck_assert_uint_eq(told, 2);
	outbox_due(1100, &d2);
	ck_assert_uint_eq(d2.n, 3);		/* d.id[1] and the two told */
	ck_assert_str_eq(d2.kind[1], "alert.failed");
	ck_assert_str_eq(d2.recipient[1], "s1");
	ck_assert_str_eq(d2.kind[2], "alert.failed");
	ck_assert_str_eq(d2.recipient[2], "s2");
	ck_assert_str_eq(d2.transport[2], "telegram");
	ck_assert_int_eq(d2.target[2], 1);
	ck_assert_uint_eq(strlen(d2.msg_id[1]), 28);
	ck_assert_str_ne(d2.msg_id[1], d2.msg_id[2]);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM history WHERE "
	    "event = 'escalated' AND dec(detail, 'history.detail', id) = "
	    "'alert to c1 failed: supervisors told'"), 1);
	/* Told again (the same give-up replayed): nothing new, no error. */
	ck_assert_int_eq(result_tell(d.id[0], STORE_GAVE_UP, 0, "HTTP 500",
	    1101, tell, 2, &told), STORE_CONFLICT);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM outbox"), 4);

	/* The supervisors' alert fails too: nobody further is told. */
	ck_assert_int_eq(result_tell(d2.id[1], STORE_GAVE_UP, 0, "HTTP 500",
	    1102, tell, 2, &told), STORE_OK);
	ck_assert_uint_eq(told, 0);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM outbox"), 4);

	/* Claimed before its alert was given up: no supervisors' alert. */
	ck_assert_int_eq(change('c', g2.row.ref, "c2", 1103, &g2), STORE_OK);
	ck_assert_int_eq(result_tell(d.id[1], STORE_GAVE_UP, 0, "HTTP 410",
	    1104, tell, 2, &told), STORE_OK);
	ck_assert_uint_eq(told, 0);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM outbox"), 4);
	ck_assert_int_eq(get(g2.row.ref, &g2), STORE_OK);
	ck_assert_int_eq(g2.row.failures, 1);
}
END_TEST

/* Claims race, re-claims, release, complete, and their refusals. */
START_TEST(test_claim)
{
	struct got	 g, c1, c2;
	struct list	 l;

	su.st = open_store(0);
	ck_assert_int_eq(create("at:s1", "+85512345678", 1000, &g), STORE_OK);
	memset(&c1, 0, sizeof(c1));
	memset(&c2, 0, sizeof(c2));
	ck_assert_int_eq(store_callback_claim(su.st, g.row.ref, "c1", 2810,
	    1010, row_cb, &c1), 0);
	ck_assert_int_eq(store_callback_claim(su.st, g.row.ref, "c2", 2810,
	    1010, row_cb, &c2), 0);
	while (c1.done + c2.done < 2)
		event_base_loop(su.base, EVLOOP_ONCE);
	/* The writer serialises them in queue order: c1 wins. */
	ck_assert_int_eq(c1.rc, STORE_OK);
	ck_assert_int_eq(c2.rc, STORE_CONFLICT);
	ck_assert_str_eq(c1.row.claimed_by, "c1");
	ck_assert_str_eq(c2.row.claimed_by, "c1");	/* who has it */
	ck_assert_int_eq(c1.row.state, STORE_CLAIMED);
	ck_assert_int_eq(c1.row.next_action_at, 2810);
	ck_assert_int_eq(c1.row.claimed_at, 1010);
	ck_assert_int_eq(c1.row.updated_at, 1010);

	/* Again by the same counsellor: fine, no change. */
	ck_assert_int_eq(change('c', g.row.ref, "c1", 1020, &g), STORE_OK);
	ck_assert_str_eq(g.row.claimed_by, "c1");
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM history WHERE "
	    "event = 'claimed'"), 1);

	/* Only the claimant releases; then it is due again at once. */
	ck_assert_int_eq(change('r', g.row.ref, "c2", 2000, &g),
	    STORE_CONFLICT);
	ck_assert_str_eq(g.row.claimed_by, "c1");
	ck_assert_int_eq(change('r', g.row.ref, "c1", 2000, &g), STORE_OK);
	ck_assert_int_eq(g.row.state, STORE_OPEN);
	ck_assert_int_eq(g.row.next_action_at, 2000);
	ck_assert_ptr_null(g.row.claimed_by);
	list_due(2000, &l);
	ck_assert_uint_eq(l.n, 1);

	/* Complete: only by the claimant, then gone from the open list. */
	ck_assert_int_eq(change('x', g.row.ref, "c2", 2100, &g),
	    STORE_CONFLICT);	/* not claimed at all */
	ck_assert_int_eq(change('c', g.row.ref, "c2", 2100, &g), STORE_OK);
	ck_assert_int_eq(change('x', g.row.ref, "c1", 2200, &g),
	    STORE_CONFLICT);
	ck_assert_int_eq(g.row.state, STORE_CLAIMED);
	ck_assert_int_eq(change('x', g.row.ref, "c2", 2300, &g), STORE_OK);
	ck_assert_int_eq(g.row.state, STORE_COMPLETED);
	ck_assert_str_eq(g.row.outcome, "called back");
	ck_assert_int_eq(g.row.next_action_at, 0);
	ck_assert_int_eq(g.row.updated_at, 2300);
	list_open(&l);
	ck_assert_uint_eq(l.n, 0);
	list_due(9999, &l);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_int_eq(change('c', g.row.ref, "c2", 2400, &g),
	    STORE_CONFLICT);
	ck_assert_int_eq(change('x', g.row.ref, "c2", 2400, &g),
	    STORE_CONFLICT);

	/* Unknown references. */
	ck_assert_int_eq(change('c', "NOSUCH", "c1", 2500, &g),
	    STORE_NOTFOUND);
	ck_assert_int_eq(g.has_row, 0);
	ck_assert_int_eq(change('r', "NOSUCH", "c1", 2500, &g),
	    STORE_NOTFOUND);
	ck_assert_int_eq(change('x', "NOSUCH", "c1", 2500, &g),
	    STORE_NOTFOUND);
	ck_assert_int_eq(get("NOSUCH", &g), STORE_NOTFOUND);
	ck_assert_int_eq(g.has_row, 0);
}
END_TEST

/* The history of a request: every event, in order, with its actor. */
START_TEST(test_history)
{
	static const char *const want[][3] = {
		{ "created", "system", NULL },
		{ "claimed", "c1", NULL },
		{ "released", "c1", NULL },
		{ "claimed", "c2", NULL },
		{ "completed", "c2", "called back" }
	};
	struct got	 g, other;
	struct hist	 h;
	size_t		 i;

	su.st = open_store(0);
	ck_assert_int_eq(create("at:s1", "+85512345678", 1000, &g), STORE_OK);
	ck_assert_int_eq(create("at:s2", "+85512340000", 1000, &other),
	    STORE_OK);
	ck_assert_int_eq(change('c', g.row.ref, "c1", 1001, &g), STORE_OK);
	ck_assert_int_eq(change('c', other.row.ref, "c3", 1001, &other),
	    STORE_OK);
	ck_assert_int_eq(change('r', g.row.ref, "c1", 1002, &g), STORE_OK);
	ck_assert_int_eq(change('c', g.row.ref, "c2", 1003, &g), STORE_OK);
	ck_assert_int_eq(change('x', g.row.ref, "c2", 1004, &g), STORE_OK);

	ck_assert_int_eq(history(g.row.ref, &h), STORE_OK);
	ck_assert_uint_eq(h.n, 5);
	for (i = 0; i < 5; i++) {
		ck_assert_str_eq(h.event[i], want[i][0]);
		ck_assert_str_eq(h.actor[i], want[i][1]);
		ck_assert_int_eq(h.at[i], 1000 + (int64_t)i);
		ck_assert_int_eq(h.has_detail[i], want[i][2] != NULL);
		if (want[i][2] != NULL)
			ck_assert_str_eq(h.detail[i], want[i][2]);
	}
	ck_assert_int_eq(history(other.row.ref, &h), STORE_OK);
	ck_assert_uint_eq(h.n, 2);
	ck_assert_int_eq(history("NOSUCH", &h), STORE_NOTFOUND);
	ck_assert_uint_eq(h.n, 0);
}
END_TEST

/*
 * A request filed at her first answer takes the next ones while she is
 * still answering: one row, changed answers replace the old, urgency only
 * grows, it is never due later than it was; hanging up ends its intake.
 */
START_TEST(test_intake)
{
	struct store_callback	 in = sample("+85512345678");
	struct got		 g, u;
	struct hist		 h;

	su.st = open_store(0);
	in.intake = 1;
	in.urgent = 0;
	in.window = NULL;
	in.cover = NULL;
	in.province = NULL;
	in.next_action_at = 1600;	/* her session is over by then */
	in.call_from = 1000;
	ck_assert_int_eq(create_in(&in, "at:s1", 1000, &g), STORE_OK);
	ck_assert_int_eq(g.row.state, STORE_OPEN);
	ck_assert_int_eq(g.row.intake, 1);
	ck_assert_ptr_null(g.row.session_end);
	ck_assert_ptr_null(g.row.reason);
	ck_assert_ptr_null(g.row.window);
	ck_assert_int_eq(g.row.urgent, 0);
	ck_assert_int_eq(g.row.next_action_at, 1600);
	ck_assert_int_eq(g.row.call_from, 1000);

	/* Her next answers, and she is in danger now: due at once. */
	in.window = "evening";
	in.cover = "health survey";
	in.province = "KH-12";
	in.urgent = 1;
	in.next_action_at = 1010;
	in.call_from = 1010;
	ck_assert_int_eq(update(g.row.id, &in, NULL, 1010, &u), STORE_OK);
	ck_assert_int_eq(u.row.id, g.row.id);
	ck_assert_str_eq(u.row.ref, g.row.ref);
	ck_assert_str_eq(u.row.window, "evening");
	ck_assert_str_eq(u.row.cover, "health survey");
	ck_assert_str_eq(u.row.province, "KH-12");
	ck_assert_int_eq(u.row.urgent, 1);
	ck_assert_int_eq(u.row.intake, 1);
	ck_assert_ptr_null(u.row.session_end);
	ck_assert_int_eq(u.row.next_action_at, 1010);
	ck_assert_int_eq(u.row.call_from, 1010);
	ck_assert_int_eq(u.row.created_at, 1000);
	ck_assert_int_eq(u.row.updated_at, 1010);

	/* A changed answer replaces the old; urgency and schedule stay. */
	in.window = "morning";
	in.urgent = 0;
	in.next_action_at = 5000;
	ck_assert_int_eq(update(g.row.id, &in, NULL, 1015, &u), STORE_OK);
	ck_assert_str_eq(u.row.window, "morning");
	ck_assert_int_eq(u.row.urgent, 1);
	ck_assert_int_eq(u.row.next_action_at, 1010);
	ck_assert_int_eq(u.row.updated_at, 1015);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM callback"), 1);

	/* She hangs up: intake is over, how is kept, still due at 1010. */
	ck_assert_int_eq(end_intake(g.row.id, "hung_up", 1020), STORE_OK);
	ck_assert_int_eq(get(g.row.ref, &u), STORE_OK);
	ck_assert_int_eq(u.row.intake, 0);
	ck_assert_str_eq(u.row.session_end, "hung_up");
	ck_assert_int_eq(u.row.next_action_at, 1010);
	ck_assert_int_eq(u.row.updated_at, 1020);
	/* Once it is over, another ending changes nothing. */
	ck_assert_int_eq(end_intake(g.row.id, "timeout", 1030),
	    STORE_CONFLICT);
	ck_assert_int_eq(get(g.row.ref, &u), STORE_OK);
	ck_assert_str_eq(u.row.session_end, "hung_up");
	ck_assert_int_eq(u.row.updated_at, 1020);

	/* Answers and endings are not events of its history. */
	ck_assert_int_eq(history(g.row.ref, &h), STORE_OK);
	ck_assert_uint_eq(h.n, 1);
	check_event(&h, 0, 1000, "created", "system", NULL);
}
END_TEST

/*
 * How intake ends: a quick exit makes a request that waited for her
 * deadline due now; her last answer ends it as "completed"; a request
 * filed after her last answer never takes answers; a completed request
 * takes none.
 */
START_TEST(test_intake_end)
{
	struct store_callback	 in = sample("+85512345678");
	struct got		 a, b, c, u;

	su.st = open_store(0);
	in.intake = 1;
	in.next_action_at = 1600;
	in.call_from = 1000;
	ck_assert_int_eq(create_in(&in, "at:s1", 1000, &a), STORE_OK);
	ck_assert_int_eq(end_intake(a.row.id, "quick_exit", 1005), STORE_OK);
	ck_assert_int_eq(get(a.row.ref, &u), STORE_OK);
	ck_assert_int_eq(u.row.intake, 0);
	ck_assert_str_eq(u.row.session_end, "quick_exit");
	ck_assert_int_eq(u.row.next_action_at, 1005);
	ck_assert_int_eq(u.row.updated_at, 1005);

	/* Her last answer: the session ends as "completed", due now. */
	in.phone = "+85512340001";
	ck_assert_int_eq(create_in(&in, "at:s2", 1000, &b), STORE_OK);
	in.intake = 0;
	in.next_action_at = 1008;
	ck_assert_int_eq(update(b.row.id, &in, "completed", 1008, &u),
	    STORE_OK);
	ck_assert_int_eq(u.row.intake, 0);
	ck_assert_str_eq(u.row.session_end, "completed");
	ck_assert_int_eq(u.row.next_action_at, 1008);
	ck_assert_int_eq(end_intake(b.row.id, "hung_up", 1010),
	    STORE_CONFLICT);
	ck_assert_int_eq(get(b.row.ref, &u), STORE_OK);
	ck_assert_str_eq(u.row.session_end, "completed");

	/* Filed after her last answer: complete from the start. */
	in.phone = "+85512340002";
	in.next_action_at = 1000;
	ck_assert_int_eq(create_in(&in, "at:s3", 1000, &c), STORE_OK);
	ck_assert_int_eq(c.row.intake, 0);
	ck_assert_str_eq(c.row.session_end, "completed");
	ck_assert_int_eq(end_intake(c.row.id, "hung_up", 1010),
	    STORE_CONFLICT);

	/* Completed, or unknown: no answers are written. */
	close_request(c.row.ref, 1100);
	in.window = "morning";
	ck_assert_int_eq(update(c.row.id, &in, NULL, 1200, &u),
	    STORE_CONFLICT);
	ck_assert_int_eq(u.has_row, 1);
	ck_assert_int_eq(u.row.state, STORE_COMPLETED);
	ck_assert_str_eq(u.row.window, "now");
	ck_assert_int_eq(u.row.updated_at, 1100);
	ck_assert_int_eq(update(999999, &in, NULL, 1200, &u), STORE_NOTFOUND);
	ck_assert_int_eq(u.has_row, 0);
}
END_TEST

/*
 * An update never postpones a request, and makes it due earlier only while
 * it waits for its first alert or has a reason to be alerted again: an
 * alerted or claimed request keeps its escalation or claim expiry.
 */
START_TEST(test_update_schedule)
{
	struct store_callback	 in = sample("+85512345678");
	struct got		 o, a, c, m, u;

	su.st = open_store(0);
	in.intake = 1;
	in.next_action_at = 1600;
	in.call_from = 1000;

	/* Open, waiting for the end of her session. */
	ck_assert_int_eq(create_in(&in, "at:o", 1000, &o), STORE_OK);
	in.next_action_at = 5000;
	ck_assert_int_eq(update(o.row.id, &in, NULL, 1001, &u), STORE_OK);
	ck_assert_int_eq(u.row.next_action_at, 1600);
	in.next_action_at = 1200;
	ck_assert_int_eq(update(o.row.id, &in, NULL, 1002, &u), STORE_OK);
	ck_assert_int_eq(u.row.next_action_at, 1200);

	/* Alerted: its escalation stays. */
	in.phone = "+85512340001";
	in.next_action_at = 1000;
	ck_assert_int_eq(create_in(&in, "at:a", 1000, &a), STORE_OK);
	alert(a.row.id, 1300, 1001);
	in.next_action_at = 1100;
	ck_assert_int_eq(update(a.row.id, &in, NULL, 1100, &u), STORE_OK);
	ck_assert_int_eq(u.row.state, STORE_ALERTED);
	ck_assert_ptr_null(u.row.reason);
	ck_assert_int_eq(u.row.next_action_at, 1300);

	/* Claimed: its claim's expiry stays. */
	in.phone = "+85512340002";
	in.next_action_at = 1000;
	ck_assert_int_eq(create_in(&in, "at:c", 1000, &c), STORE_OK);
	ck_assert_int_eq(change('c', c.row.ref, "c1", 1010, &u), STORE_OK);
	in.next_action_at = 1100;
	ck_assert_int_eq(update(c.row.id, &in, NULL, 1100, &u), STORE_OK);
	ck_assert_int_eq(u.row.state, STORE_CLAIMED);
	ck_assert_int_eq(u.row.next_action_at, 1010 + 1800);

	/*
	 * Claimed, and she asked again from a new session (a reason to tell
	 * the claimant): her next answer makes it due earlier.
	 */
	in.phone = "+85512340003";
	in.next_action_at = 1000;
	ck_assert_int_eq(create_in(&in, "at:m1", 1000, &m), STORE_OK);
	ck_assert_int_eq(change('c', m.row.ref, "c1", 1010, &u), STORE_OK);
	in.next_action_at = 1600;
	ck_assert_int_eq(create_in(&in, "at:m2", 1100, &u), STORE_MERGED);
	ck_assert_int_eq(u.row.state, STORE_CLAIMED);
	ck_assert_str_eq(u.row.reason, "asked_again");
	ck_assert_int_eq(u.row.next_action_at, 1600);
	in.urgent = 1;
	in.next_action_at = 1200;
	ck_assert_int_eq(update(m.row.id, &in, NULL, 1200, &u), STORE_OK);
	ck_assert_int_eq(u.row.state, STORE_CLAIMED);
	ck_assert_str_eq(u.row.claimed_by, "c1");
	ck_assert_int_eq(u.row.next_action_at, 1200);
	/* ... but never later. */
	in.next_action_at = 1700;
	ck_assert_int_eq(update(m.row.id, &in, NULL, 1250, &u), STORE_OK);
	ck_assert_int_eq(u.row.next_action_at, 1200);
}
END_TEST

/*
 * She asks again while her request is open: the same row takes the new
 * answers (an unanswered question keeps the old answer), urgency only
 * grows, asked_again counts up and is its reason, it is never due later,
 * and STORE_MERGED names it; once it is completed she files a new one.
 */
START_TEST(test_asked_again)
{
	struct store_callback	 in = sample("+85512345678");
	struct got		 a, b;
	struct hist		 h;

	su.st = open_store(0);
	in.urgent = 0;
	in.window = "evening";
	in.cover = "friend";
	in.safe_to_call = "no";
	in.safe_number = "+85511111111";
	in.next_action_at = 1600;
	in.call_from = 1000;
	ck_assert_int_eq(create_in(&in, "at:s1", 1000, &a), STORE_OK);
	ck_assert_int_eq(a.row.asked_again, 0);

	/* A second session, urgent, before she answers the rest. */
	in.urgent = 1;
	in.window = NULL;
	in.cover = NULL;
	in.safe_to_call = NULL;
	in.safe_number = NULL;
	in.intake = 1;
	in.next_action_at = 1100;
	in.call_from = 1100;
	ck_assert_int_eq(create_in(&in, "at:s2", 1100, &b), STORE_MERGED);
	ck_assert_int_eq(b.has_row, 1);
	ck_assert_int_eq(b.row.id, a.row.id);
	ck_assert_str_eq(b.row.ref, a.row.ref);
	ck_assert_int_eq(b.row.state, STORE_OPEN);
	ck_assert_int_eq(b.row.asked_again, 1);
	ck_assert_int_eq(b.row.urgent, 1);
	ck_assert_str_eq(b.row.reason, "asked_again");
	ck_assert_int_eq(b.row.next_action_at, 1100);
	ck_assert_int_eq(b.row.call_from, 1100);
	ck_assert_int_eq(b.row.intake, 1);
	ck_assert_str_eq(b.row.window, "evening");
	ck_assert_str_eq(b.row.cover, "friend");
	ck_assert_str_eq(b.row.safe_to_call, "no");
	ck_assert_str_eq(b.row.safe_number, "+85511111111");
	ck_assert_int_eq(b.row.created_at, 1000);
	ck_assert_int_eq(b.row.updated_at, 1100);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM callback"), 1);
	/*
	 * That session's next answer updates the row with what it knows;
	 * what it has not asked yet keeps her earlier answers (above all
	 * that her phone is not safe, and the safe number).
	 */
	ck_assert_int_eq(update(a.row.id, &in, NULL, 1150, &b), STORE_OK);
	ck_assert_str_eq(b.row.safe_to_call, "no");
	ck_assert_str_eq(b.row.safe_number, "+85511111111");
	ck_assert_str_eq(b.row.window, "evening");
	ck_assert_str_eq(b.row.cover, "friend");
	in.window = "morning";
	ck_assert_int_eq(update(a.row.id, &in, NULL, 1160, &b), STORE_OK);
	ck_assert_str_eq(b.row.window, "morning");
	ck_assert_str_eq(b.row.safe_number, "+85511111111");

	/* A third, not urgent and due later: counted, nothing undone. */
	in = sample("+85512345678");
	in.urgent = 0;
	in.next_action_at = 5000;
	in.call_from = 1200;
	ck_assert_int_eq(create_in(&in, "at:s3", 1200, &b), STORE_MERGED);
	ck_assert_int_eq(b.row.id, a.row.id);
	ck_assert_int_eq(b.row.asked_again, 2);
	ck_assert_int_eq(b.row.urgent, 1);
	ck_assert_int_eq(b.row.next_action_at, 1100);
	ck_assert_str_eq(b.row.window, "now");
	ck_assert_int_eq(b.row.call_from, 1200);
	ck_assert_int_eq(b.row.intake, 0);
	ck_assert_str_eq(b.row.session_end, "completed");

	/* Claimed: still merged; the claim stays, the claimant is due. */
	ck_assert_int_eq(change('c', a.row.ref, "c1", 1300, &b), STORE_OK);
	ck_assert_ptr_null(b.row.reason);
	in.next_action_at = 1400;
	ck_assert_int_eq(create_in(&in, "at:s4", 1400, &b), STORE_MERGED);
	ck_assert_int_eq(b.row.id, a.row.id);
	ck_assert_int_eq(b.row.asked_again, 3);
	ck_assert_int_eq(b.row.state, STORE_CLAIMED);
	ck_assert_str_eq(b.row.claimed_by, "c1");
	ck_assert_int_eq(b.row.claimed_at, 1300);
	ck_assert_str_eq(b.row.reason, "asked_again");
	ck_assert_int_eq(b.row.next_action_at, 1400);

	ck_assert_int_eq(history(a.row.ref, &h), STORE_OK);
	ck_assert_uint_eq(h.n, 5);
	check_event(&h, 0, 1000, "created", "system", NULL);
	check_event(&h, 1, 1100, "asked_again", "system", NULL);
	check_event(&h, 2, 1200, "asked_again", "system", NULL);
	check_event(&h, 3, 1300, "claimed", "c1", NULL);
	check_event(&h, 4, 1400, "asked_again", "system", NULL);

	/* Completed: asking again files a new request. */
	ck_assert_int_eq(change('x', a.row.ref, "c1", 1500, &b), STORE_OK);
	in.next_action_at = 1600;
	ck_assert_int_eq(create_in(&in, "at:s5", 1600, &b), STORE_OK);
	ck_assert_int_ne(b.row.id, a.row.id);
	ck_assert_str_ne(b.row.ref, a.row.ref);
	ck_assert_int_eq(b.row.asked_again, 0);
	ck_assert_int_eq(b.row.urgent, 0);
	ck_assert_ptr_null(b.row.reason);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM callback"), 2);
	ck_assert_int_eq(history(b.row.ref, &h), STORE_OK);
	ck_assert_uint_eq(h.n, 1);
	check_event(&h, 0, 1600, "created", "system", NULL);
}
END_TEST

/*
 * An "unsafe" outcome marks the number she called from and the safe number
 * she gave: a later request from either, or naming either as its safe
 * number, carries warn_unsafe; other numbers and outcomes do not.
 */
START_TEST(test_unsafe)
{
	struct store_callback	 in = sample("+85512345678");
	struct got		 a, g;

	su.st = open_store(0);
	in.safe_to_call = "no";
	in.safe_number = "+85511111111";
	in.next_action_at = 1000;
	in.call_from = 1000;
	ck_assert_int_eq(create_in(&in, "at:s1", 1000, &a), STORE_OK);
	ck_assert_int_eq(a.row.warn_unsafe, 0);
	ck_assert_int_eq(change('c', a.row.ref, "c1", 1010, &g), STORE_OK);
	ck_assert_int_eq(complete(a.row.ref, "c1", "unsafe", 1100, &g),
	    STORE_OK);
	ck_assert_int_eq(g.row.state, STORE_COMPLETED);
	ck_assert_str_eq(g.row.outcome, "unsafe");
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM mark WHERE "
	    "kind = 'unsafe' AND created_at = 1100"), 2);

	/* From the number she called from. */
	in = sample("+85512345678");
	ck_assert_int_eq(create_in(&in, "at:s2", 1200, &g), STORE_OK);
	ck_assert_str_ne(g.row.ref, a.row.ref);
	ck_assert_int_eq(g.row.warn_unsafe, 1);

	/* Naming her safe number, from another phone. */
	in = sample("+85522222222");
	in.safe_number = "+85511111111";
	ck_assert_int_eq(create_in(&in, "at:s3", 1200, &g), STORE_OK);
	ck_assert_int_eq(g.row.warn_unsafe, 1);

	/* From the number she once gave as safe. */
	in = sample("+85511111111");
	ck_assert_int_eq(create_in(&in, "at:s4", 1200, &g), STORE_OK);
	ck_assert_int_eq(g.row.warn_unsafe, 1);

	/* Unrelated numbers; then an update naming a marked one. */
	in = sample("+85533333333");
	in.safe_number = "+85544444444";
	ck_assert_int_eq(create_in(&in, "at:s5", 1200, &g), STORE_OK);
	ck_assert_int_eq(g.row.warn_unsafe, 0);
	in.safe_number = "+85511111111";
	ck_assert_int_eq(update(g.row.id, &in, NULL, 1210, &g), STORE_OK);
	ck_assert_int_eq(g.row.warn_unsafe, 1);

	/* Another outcome marks nothing. */
	in = sample("+85555555555");
	in.safe_number = "+85566666666";
	ck_assert_int_eq(create_in(&in, "at:s6", 1300, &g), STORE_OK);
	ck_assert_int_eq(change('c', g.row.ref, "c1", 1310, &g), STORE_OK);
	ck_assert_int_eq(complete(g.row.ref, "c1", "wrong_number", 1320, &g),
	    STORE_OK);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM mark"), 2);
	in.safe_number = NULL;
	ck_assert_int_eq(create_in(&in, "at:s7", 1400, &g), STORE_OK);
	ck_assert_int_eq(g.row.warn_unsafe, 0);
	in = sample("+85566666666");
	ck_assert_int_eq(create_in(&in, "at:s8", 1400, &g), STORE_OK);
	ck_assert_int_eq(g.row.warn_unsafe, 0);
}
END_TEST

/*
 * Unanswered calls: each releases the claim and offers the request again
 * at the time given, until the last of max, which makes it due now for the
 * supervisors; only the holder of the claim reports one.
 */
START_TEST(test_attempt)
{
	struct got	 a, g;
	struct hist	 h;

	su.st = open_store(0);
	ck_assert_int_eq(create("at:s1", "+85512345678", 1000, &a), STORE_OK);
	ck_assert_int_eq(change('c', a.row.ref, "c1", 1010, &g), STORE_OK);
	ck_assert_int_eq(attempt(a.row.ref, "c2", 3, 1900, 1100, &g),
	    STORE_CONFLICT);
	ck_assert_int_eq(g.has_row, 1);
	ck_assert_int_eq(g.row.state, STORE_CLAIMED);
	ck_assert_str_eq(g.row.claimed_by, "c1");
	ck_assert_int_eq(g.row.attempts, 0);

	ck_assert_int_eq(attempt(a.row.ref, "c1", 3, 1900, 1100, &g),
	    STORE_OK);
	ck_assert_int_eq(g.row.state, STORE_OPEN);
	ck_assert_ptr_null(g.row.claimed_by);
	ck_assert_int_eq(g.row.claimed_at, 0);
	ck_assert_int_eq(g.row.attempts, 1);
	ck_assert_str_eq(g.row.reason, "attempt");
	ck_assert_int_eq(g.row.next_action_at, 1900);
	ck_assert_int_eq(g.row.updated_at, 1100);
	/* Not claimed any more: nobody can report another. */
	ck_assert_int_eq(attempt(a.row.ref, "c1", 3, 1900, 1101, &g),
	    STORE_CONFLICT);
	ck_assert_int_eq(g.row.attempts, 1);

	/* A claim clears the reason; the second call goes unanswered. */
	ck_assert_int_eq(change('c', a.row.ref, "c2", 1900, &g), STORE_OK);
	ck_assert_ptr_null(g.row.reason);
	ck_assert_int_eq(g.row.attempts, 1);
	ck_assert_int_eq(attempt(a.row.ref, "c2", 3, 2800, 2000, &g),
	    STORE_OK);
	ck_assert_int_eq(g.row.attempts, 2);
	ck_assert_str_eq(g.row.reason, "attempt");
	ck_assert_int_eq(g.row.next_action_at, 2800);

	/* The third: unreached, due now rather than at next_at. */
	ck_assert_int_eq(change('c', a.row.ref, "c1", 2800, &g), STORE_OK);
	ck_assert_int_eq(attempt(a.row.ref, "c1", 3, 3700, 2900, &g),
	    STORE_OK);
	ck_assert_int_eq(g.row.state, STORE_OPEN);
	ck_assert_ptr_null(g.row.claimed_by);
	ck_assert_int_eq(g.row.attempts, 3);
	ck_assert_str_eq(g.row.reason, "unreached");
	ck_assert_int_eq(g.row.next_action_at, 2900);

	ck_assert_int_eq(history(a.row.ref, &h), STORE_OK);
	ck_assert_uint_eq(h.n, 7);
	check_event(&h, 0, 1000, "created", "system", NULL);
	check_event(&h, 1, 1010, "claimed", "c1", NULL);
	check_event(&h, 2, 1100, "no_answer", "c1", "attempt 1 of 3");
	check_event(&h, 3, 1900, "claimed", "c2", NULL);
	check_event(&h, 4, 2000, "no_answer", "c2", "attempt 2 of 3");
	check_event(&h, 5, 2800, "claimed", "c1", NULL);
	check_event(&h, 6, 2900, "no_answer", "c1",
	    "attempt 3 of 3: supervisors told");

	/* With one attempt allowed, the first is the last. */
	ck_assert_int_eq(create("at:s2", "+85512340001", 3000, &a), STORE_OK);
	ck_assert_int_eq(change('c', a.row.ref, "c1", 3010, &g), STORE_OK);
	ck_assert_int_eq(attempt(a.row.ref, "c1", 1, 3900, 3020, &g),
	    STORE_OK);
	ck_assert_int_eq(g.row.attempts, 1);
	ck_assert_str_eq(g.row.reason, "unreached");
	ck_assert_int_eq(g.row.next_action_at, 3020);
	ck_assert_int_eq(history(a.row.ref, &h), STORE_OK);
	ck_assert_uint_eq(h.n, 3);
	check_event(&h, 2, 3020, "no_answer", "c1",
	    "attempt 1 of 1: supervisors told");

	ck_assert_int_eq(attempt("NOSUCH", "c1", 3, 3900, 3030, &g),
	    STORE_NOTFOUND);
	ck_assert_int_eq(g.has_row, 0);
}
END_TEST

/*
 * A supervisor gives a request that is open, alerted or claimed to someone:
 * it is claimed by them from now and due now (reason "assigned"), and the
 * history says to whom and from whom; a completed request stays closed.
 */
START_TEST(test_reassign)
{
	struct got	 o, a, c, g;
	struct got	*all[3] = { &o, &a, &c };
	struct hist	 h;
	static const char *const detail[3] = {
		"to c2", "to c2", "from c1 to c2"
	};
	size_t		 i;

	su.st = open_store(0);
	ck_assert_int_eq(create("at:o", "+85512345678", 1000, &o), STORE_OK);
	ck_assert_int_eq(create("at:a", "+85512340001", 1000, &a), STORE_OK);
	alert(a.row.id, 1300, 1001);
	ck_assert_int_eq(create("at:c", "+85512340002", 1000, &c), STORE_OK);
	ck_assert_int_eq(change('c', c.row.ref, "c1", 1010, &g), STORE_OK);

	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(reassign(all[i]->row.ref, "s1", "c2", 1100,
		    &g), STORE_OK);
		ck_assert_int_eq(g.row.id, all[i]->row.id);
		ck_assert_int_eq(g.row.state, STORE_CLAIMED);
		ck_assert_str_eq(g.row.claimed_by, "c2");
		ck_assert_int_eq(g.row.claimed_at, 1100);
		ck_assert_int_eq(g.row.next_action_at, 1100);
		ck_assert_str_eq(g.row.reason, "assigned");
		ck_assert_int_eq(g.row.updated_at, 1100);
		ck_assert_int_eq(history(all[i]->row.ref, &h), STORE_OK);
		check_event(&h, h.n - 1, 1100, "reassigned", "s1", detail[i]);
	}
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM history WHERE "
	    "event = 'reassigned'"), 3);

	/* The claim moved: the former holder cannot complete, c2 can. */
	ck_assert_int_eq(complete(c.row.ref, "c1", "reached", 1200, &g),
	    STORE_CONFLICT);
	ck_assert_str_eq(g.row.claimed_by, "c2");
	ck_assert_int_eq(complete(c.row.ref, "c2", "reached", 1200, &g),
	    STORE_OK);

	ck_assert_int_eq(reassign(c.row.ref, "s1", "c3", 1300, &g),
	    STORE_CONFLICT);
	ck_assert_int_eq(g.has_row, 1);
	ck_assert_int_eq(g.row.state, STORE_COMPLETED);
	ck_assert_str_eq(g.row.claimed_by, "c2");
	ck_assert_int_eq(g.row.updated_at, 1200);
	ck_assert_int_eq(reassign("NOSUCH", "s1", "c3", 1300, &g),
	    STORE_NOTFOUND);
	ck_assert_int_eq(g.has_row, 0);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM history WHERE "
	    "event = 'reassigned'"), 3);
}
END_TEST

/*
 * A supervisor releases someone else's claim with the any flag, and the
 * history says whose it was; without the flag, or when it is not claimed,
 * the release is refused.
 */
START_TEST(test_release_any)
{
	struct got	 a, g;
	struct hist	 h;

	su.st = open_store(0);
	ck_assert_int_eq(create("at:s1", "+85512345678", 1000, &a), STORE_OK);
	ck_assert_int_eq(change('c', a.row.ref, "c1", 1010, &g), STORE_OK);
	ck_assert_int_eq(release(a.row.ref, "s1", 0, 1100, &g),
	    STORE_CONFLICT);
	ck_assert_int_eq(g.row.state, STORE_CLAIMED);
	ck_assert_str_eq(g.row.claimed_by, "c1");

	ck_assert_int_eq(release(a.row.ref, "s1", 1, 1100, &g), STORE_OK);
	ck_assert_int_eq(g.row.state, STORE_OPEN);
	ck_assert_ptr_null(g.row.claimed_by);
	ck_assert_int_eq(g.row.claimed_at, 0);
	ck_assert_int_eq(g.row.next_action_at, 1100);
	ck_assert_int_eq(g.row.updated_at, 1100);
	ck_assert_int_eq(release(a.row.ref, "s1", 1, 1110, &g),
	    STORE_CONFLICT);
	ck_assert_int_eq(g.row.updated_at, 1100);

	/* The holder's own release, with the flag, names nobody else. */
	ck_assert_int_eq(change('c', a.row.ref, "c2", 1200, &g), STORE_OK);
	ck_assert_int_eq(release(a.row.ref, "c2", 1, 1210, &g), STORE_OK);

	ck_assert_int_eq(history(a.row.ref, &h), STORE_OK);
	ck_assert_uint_eq(h.n, 5);
	check_event(&h, 1, 1010, "claimed", "c1", NULL);
	check_event(&h, 2, 1100, "released", "s1", "claim of c1");
	check_event(&h, 3, 1200, "claimed", "c2", NULL);
	check_event(&h, 4, 1210, "released", "c2", NULL);
	ck_assert_int_eq(release("NOSUCH", "s1", 1, 1300, &g), STORE_NOTFOUND);
}
END_TEST

/*
 * A claim that ran out is released only if it is still the claim taken at
 * claimed_at: a stale expiry, one after a re-claim, after a release or
 * after completion changes nothing.
 */
START_TEST(test_expire)
{
	struct got	 a, g;
	struct hist	 h;

	su.st = open_store(0);
	ck_assert_int_eq(create("at:s1", "+85512345678", 1000, &a), STORE_OK);
	ck_assert_int_eq(change('c', a.row.ref, "c1", 1010, &g), STORE_OK);
	ck_assert_int_eq(g.row.claimed_at, 1010);
	ck_assert_int_eq(expire(a.row.id, 1000, 2810, &g), STORE_CONFLICT);
	ck_assert_int_eq(g.has_row, 1);
	ck_assert_int_eq(g.row.state, STORE_CLAIMED);
	ck_assert_str_eq(g.row.claimed_by, "c1");
	ck_assert_int_eq(g.row.claimed_at, 1010);
	ck_assert_int_eq(g.row.next_action_at, 2810);

	/* Released and claimed again: the first claim's expiry is stale. */
	ck_assert_int_eq(change('r', a.row.ref, "c1", 1020, &g), STORE_OK);
	ck_assert_int_eq(change('c', a.row.ref, "c2", 1030, &g), STORE_OK);
	ck_assert_int_eq(expire(a.row.id, 1010, 2810, &g), STORE_CONFLICT);
	ck_assert_str_eq(g.row.claimed_by, "c2");
	ck_assert_int_eq(g.row.claimed_at, 1030);
	ck_assert_int_eq(g.row.next_action_at, 2830);

	ck_assert_int_eq(expire(a.row.id, 1030, 2830, &g), STORE_OK);
	ck_assert_int_eq(g.row.state, STORE_OPEN);
	ck_assert_ptr_null(g.row.claimed_by);
	ck_assert_int_eq(g.row.claimed_at, 0);
	ck_assert_str_eq(g.row.reason, "claim_expired");
	ck_assert_int_eq(g.row.next_action_at, 2830);
	ck_assert_int_eq(g.row.updated_at, 2830);
	ck_assert_int_eq(expire(a.row.id, 1030, 2840, &g), STORE_CONFLICT);
	ck_assert_int_eq(g.row.updated_at, 2830);

	ck_assert_int_eq(history(a.row.ref, &h), STORE_OK);
	ck_assert_uint_eq(h.n, 5);
	check_event(&h, 3, 1030, "claimed", "c2", NULL);
	check_event(&h, 4, 2830, "claim_expired", "system",
	    "claim of c2 not completed");

	/* Completed within its claim: nothing to expire. */
	ck_assert_int_eq(change('c', a.row.ref, "c3", 2900, &g), STORE_OK);
	ck_assert_int_eq(change('x', a.row.ref, "c3", 2950, &g), STORE_OK);
	ck_assert_int_eq(expire(a.row.id, 2900, 4700, &g), STORE_CONFLICT);
	ck_assert_int_eq(g.row.state, STORE_COMPLETED);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM history WHERE "
	    "event = 'claim_expired'"), 1);
	ck_assert_int_eq(expire(999999, 1, 2000, &g), STORE_NOTFOUND);
	ck_assert_int_eq(g.has_row, 0);
}
END_TEST

/*
 * The queue: urgent first, then by call_from, then as filed; pages after a
 * cursor neither repeat nor skip a request that stayed where it was, while
 * requests before and after the cursor are completed; total counts what is
 * not completed.
 */
START_TEST(test_list)
{
	static const struct {
		int	 urgent;
		int64_t	 call_from;
	} rows[7] = {
		{ 0, 2000 }, { 1, 3000 }, { 0, 1000 }, { 1, 3000 },
		{ 0, 2000 }, { 1, 1500 }, { 0, 1000 }
	};
	static const int order[6] = { 5, 1, 3, 2, 0, 4 };
	struct store_callback	 in;
	struct got		 g[7];
	struct list		 l, p1, p2, p3, p4;
	char			 sid[16], phone[7][16];
	size_t			 i;

	su.st = open_store(0);
	for (i = 0; i < 7; i++) {
		snprintf(sid, sizeof(sid), "at:s%zu", i);
		snprintf(phone[i], sizeof(phone[i]), "+8551234000%zu", i);
		in = sample(phone[i]);
		in.urgent = rows[i].urgent;
		in.call_from = rows[i].call_from;
		in.next_action_at = 1000;
		ck_assert_int_eq(create_in(&in, sid, 1000 + (int64_t)i,
		    &g[i]), STORE_OK);
	}
	close_request(g[6].row.ref, 1100);

	page(NULL, 0, 0, &l);
	ck_assert_uint_eq(l.n, 6);
	ck_assert_uint_eq(l.total, 6);
	for (i = 0; i < 6; i++) {
		ck_assert_str_eq(l.ref[i], g[order[i]].row.ref);
		ck_assert_int_eq(l.urgent[i], rows[order[i]].urgent);
		ck_assert_int_eq(l.call_from[i], rows[order[i]].call_from);
	}

	page(NULL, 0, 2, &p1);
	ck_assert_uint_eq(p1.n, 2);
	ck_assert_uint_eq(p1.total, 6);
	ck_assert_str_eq(p1.ref[0], g[5].row.ref);
	ck_assert_str_eq(p1.ref[1], g[1].row.ref);

	/* One before the cursor and one after it are completed meanwhile. */
	close_request(g[5].row.ref, 1200);
	close_request(g[3].row.ref, 1200);
	page(&p1, 1, 2, &p2);
	ck_assert_uint_eq(p2.n, 2);
	ck_assert_uint_eq(p2.total, 4);
	ck_assert_str_eq(p2.ref[0], g[2].row.ref);
	ck_assert_str_eq(p2.ref[1], g[0].row.ref);
	page(&p2, 1, 2, &p3);
	ck_assert_uint_eq(p3.n, 1);
	ck_assert_uint_eq(p3.total, 4);
	ck_assert_str_eq(p3.ref[0], g[4].row.ref);
	page(&p3, 0, 2, &p4);
	ck_assert_uint_eq(p4.n, 0);
	ck_assert_uint_eq(p4.total, 4);

	/* No limit after a cursor: the rest of the queue. */
	page(&p1, 0, 0, &l);
	ck_assert_uint_eq(l.n, 4);
	ck_assert_str_eq(l.ref[0], g[1].row.ref);
	ck_assert_str_eq(l.ref[1], g[2].row.ref);
	ck_assert_str_eq(l.ref[2], g[0].row.ref);
	ck_assert_str_eq(l.ref[3], g[4].row.ref);
}
END_TEST

/*
 * A page of at most limit rows of view (for who) after row i of prev (the
 * first page when prev is NULL), and wait.
 */
static void
view_page(enum store_view v, const char *who, const struct list *prev,
    size_t i, size_t limit, struct list *l)
{
	struct store_cursor	 c;

	if (prev != NULL) {
		ck_assert_uint_lt(i, prev->n);
		c.urgent = prev->urgent[i];
		c.call_from = prev->call_from[i];
		c.id = prev->id[i];
	}
	memset(l, 0, sizeof(*l));
	ck_assert_int_eq(store_callback_view(su.st, v, who, prev != NULL ?
	    &c : NULL, limit, page_cb, l), 0);
	wait_n(&l->done, 1);
	ck_assert_int_eq(l->rc, STORE_OK);
}

/* The page l holds exactly the requests g[want[0..n)], in that order. */
static void
check_page(const struct list *l, const struct got *g, const int *want,
    size_t n, size_t total)
{
	size_t	 i;

	ck_assert_msg(l->n == n, "%zu rows, not %zu", l->n, n);
	ck_assert_msg(l->total == total, "total %zu, not %zu", l->total,
	    total);
	for (i = 0; i < n; i++)
		ck_assert_msg(strcmp(l->ref[i], g[want[i]].row.ref) == 0,
		    "row %zu is %s, not request %d (%s)", i, l->ref[i],
		    want[i], g[want[i]].row.ref);
}

/*
 * Views of the queue: everything, one counsellor's claims (not the ones
 * she completed), nobody's, anybody's; each in the queue's order, with its
 * own total, and paged across a cursor.
 */
START_TEST(test_view)
{
	static const struct {
		int	 urgent;
		int64_t	 call_from;
	} rows[7] = {
		{ 0, 1000 }, { 1, 2000 }, { 0, 1500 }, { 1, 1000 },
		{ 1, 3000 }, { 1, 500 }, { 0, 1500 }
	};
	static const int all[] = { 3, 1, 4, 0, 2, 6 };
	static const int mine1[] = { 4, 2 };
	static const int mine2[] = { 3 };
	static const int unassigned[] = { 1, 0, 6 };
	static const int claimed[] = { 3, 4, 2 };
	struct store_callback	 in;
	struct got		 g[7], x;
	struct list		 l, p1, p2, p3;
	char			 sid[16], phone[7][16];
	size_t			 i;

	su.st = open_store(0);
	for (i = 0; i < 7; i++) {
		snprintf(sid, sizeof(sid), "at:s%zu", i);
		snprintf(phone[i], sizeof(phone[i]), "+8551234000%zu", i);
		in = sample(phone[i]);
		in.urgent = rows[i].urgent;
		in.call_from = rows[i].call_from;
		in.next_action_at = 1000;
		ck_assert_int_eq(create_in(&in, sid, 1000 + (int64_t)i,
		    &g[i]), STORE_OK);
	}
	/* 0, 6 open; 1 alerted; 2, 4 c1's; 3 c2's; 5 completed by c1. */
	alert(g[1].row.id, 2000, 1100);
	ck_assert_int_eq(change('c', g[2].row.ref, "c1", 1100, &x), STORE_OK);
	ck_assert_int_eq(change('c', g[3].row.ref, "c2", 1100, &x), STORE_OK);
	ck_assert_int_eq(change('c', g[4].row.ref, "c1", 1100, &x), STORE_OK);
	ck_assert_int_eq(change('c', g[5].row.ref, "c1", 1100, &x), STORE_OK);
	ck_assert_int_eq(change('x', g[5].row.ref, "c1", 1100, &x), STORE_OK);

	view_page(STORE_VIEW_ALL, NULL, NULL, 0, 0, &l);
	check_page(&l, g, all, 6, 6);
	page(NULL, 0, 0, &l);			/* store_callback_list */
	check_page(&l, g, all, 6, 6);
	view_page(STORE_VIEW_MINE, "c1", NULL, 0, 0, &l);
	check_page(&l, g, mine1, 2, 2);
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(l.state[i], STORE_CLAIMED);
	view_page(STORE_VIEW_MINE, "c2", NULL, 0, 0, &l);
	check_page(&l, g, mine2, 1, 1);
	view_page(STORE_VIEW_MINE, "c3", NULL, 0, 0, &l);
	check_page(&l, g, NULL, 0, 0);
	view_page(STORE_VIEW_UNASSIGNED, NULL, NULL, 0, 0, &l);
	check_page(&l, g, unassigned, 3, 3);
	ck_assert_int_eq(l.state[0], STORE_ALERTED);
	ck_assert_int_eq(l.state[1], STORE_OPEN);
	/* who belongs to MINE only: the others ignore it. */
	view_page(STORE_VIEW_CLAIMED, "c1", NULL, 0, 0, &l);
	check_page(&l, g, claimed, 3, 3);
	view_page(STORE_VIEW_UNASSIGNED, "c1", NULL, 0, 0, &l);
	check_page(&l, g, unassigned, 3, 3);

	/* Pages across a cursor, each with the view's whole total. */
	view_page(STORE_VIEW_UNASSIGNED, NULL, NULL, 0, 2, &p1);
	check_page(&p1, g, unassigned, 2, 3);
	view_page(STORE_VIEW_UNASSIGNED, NULL, &p1, 1, 2, &p2);
	check_page(&p2, g, unassigned + 2, 1, 3);
	view_page(STORE_VIEW_CLAIMED, NULL, NULL, 0, 1, &p1);
	check_page(&p1, g, claimed, 1, 3);
	view_page(STORE_VIEW_CLAIMED, NULL, &p1, 0, 1, &p2);
	check_page(&p2, g, claimed + 1, 1, 3);
	view_page(STORE_VIEW_CLAIMED, NULL, &p2, 0, 1, &p3);
	check_page(&p3, g, claimed + 2, 1, 3);
	view_page(STORE_VIEW_CLAIMED, NULL, &p3, 0, 1, &l);
	check_page(&l, g, NULL, 0, 3);
	view_page(STORE_VIEW_MINE, "c1", NULL, 0, 1, &p1);
	check_page(&p1, g, mine1, 1, 2);
	view_page(STORE_VIEW_MINE, "c1", &p1, 0, 0, &p2);
	check_page(&p2, g, mine1 + 1, 1, 2);
	view_page(STORE_VIEW_ALL, NULL, NULL, 0, 4, &p1);
	check_page(&p1, g, all, 4, 6);
	view_page(STORE_VIEW_ALL, NULL, &p1, 3, 4, &p2);
	check_page(&p2, g, all + 4, 2, 6);

	/* c1 releases one of hers: it moves from MINE to UNASSIGNED. */
	ck_assert_int_eq(change('r', g[4].row.ref, "c1", 1200, &x), STORE_OK);
	view_page(STORE_VIEW_MINE, "c1", NULL, 0, 0, &l);
	check_page(&l, g, mine1 + 1, 1, 1);
	view_page(STORE_VIEW_UNASSIGNED, NULL, NULL, 0, 0, &l);
	ck_assert_uint_eq(l.total, 4);
	ck_assert_str_eq(l.ref[1], g[4].row.ref);

	/* MINE needs who; an unknown view is refused. */
	ck_assert_int_eq(store_callback_view(su.st, STORE_VIEW_MINE, NULL,
	    NULL, 0, page_cb, &l), -1);
	ck_assert_int_eq(store_callback_view(su.st, (enum store_view)99,
	    NULL, NULL, 0, page_cb, &l), -1);
	ck_assert_uint_eq(store_pending(su.st), 0);
}
END_TEST

/* Leave a note on ref0 by who and wait. */
static enum store_rc
note(const char *ref0, const char *who, const char *text, int64_t now,
    struct got *g)
{
	char	 ref[16];

	snprintf(ref, sizeof(ref), "%s", ref0);
	memset(g, 0, sizeof(*g));
	ck_assert_int_eq(store_callback_note(su.st, ref, who, text, now,
	    row_cb, g), 0);
	wait_n(&g->done, 1);
	return g->rc;
}

/*
 * A note goes into the history by its counsellor, in any state, and leaves
 * the request as it was; an unknown request is NOTFOUND, a note too long
 * is refused at submission.
 */
START_TEST(test_note)
{
	char		 text[STORE_NOTE_MAX + 2];
	struct got	 a, g;
	struct hist	 h;

	su.st = open_store(0);
	ck_assert_int_eq(create("at:s1", "+85512345678", 1000, &a), STORE_OK);
	ck_assert_int_eq(note(a.row.ref, "c1", "call after six, say clinic",
	    1100, &g), STORE_OK);
	ck_assert_int_eq(g.has_row, 1);
	ck_assert_str_eq(g.row.ref, a.row.ref);
	ck_assert_int_eq(g.row.state, STORE_OPEN);
	ck_assert_int_eq(g.row.updated_at, 1000);
	ck_assert_int_eq(g.row.next_action_at, a.row.next_action_at);
	ck_assert_int_eq(history(a.row.ref, &h), STORE_OK);
	ck_assert_uint_eq(h.n, 2);
	check_event(&h, 1, 1100, "note", "c1", "call after six, say clinic");

	/* Claimed by another, then completed: still a note. */
	ck_assert_int_eq(change('c', a.row.ref, "c2", 1200, &g), STORE_OK);
	ck_assert_int_eq(note(a.row.ref, "c3", "she has a sister", 1210, &g),
	    STORE_OK);
	ck_assert_int_eq(g.row.state, STORE_CLAIMED);
	ck_assert_str_eq(g.row.claimed_by, "c2");
	ck_assert_int_eq(change('x', a.row.ref, "c2", 1300, &g), STORE_OK);
	ck_assert_int_eq(note(a.row.ref, "c2", "done", 1310, &g), STORE_OK);
	ck_assert_int_eq(g.row.state, STORE_COMPLETED);
	ck_assert_int_eq(history(a.row.ref, &h), STORE_OK);
	ck_assert_uint_eq(h.n, 6);
	check_event(&h, 3, 1210, "note", "c3", "she has a sister");
	check_event(&h, 5, 1310, "note", "c2", "done");

	/* Exactly STORE_NOTE_MAX bytes is a note; one more is refused. */
	memset(text, 'n', sizeof(text));
	text[STORE_NOTE_MAX] = '\0';
	ck_assert_int_eq(note(a.row.ref, "c1", text, 1400, &g), STORE_OK);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM history WHERE "
	    "event = 'note' AND length(dec(detail, 'history.detail', id)) = "
	    "280"), 1);
	text[STORE_NOTE_MAX] = 'n';
	text[STORE_NOTE_MAX + 1] = '\0';
	ck_assert_int_eq(store_callback_note(su.st, a.row.ref, "c1", text,
	    1500, row_cb, &g), -1);
	ck_assert_int_eq(store_callback_note(su.st, a.row.ref, "c1", NULL,
	    1500, row_cb, &g), -1);
	ck_assert_int_eq(store_callback_note(su.st, a.row.ref, NULL, "x",
	    1500, row_cb, &g), -1);
	ck_assert_uint_eq(store_pending(su.st), 0);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM history WHERE "
	    "event = 'note'"), 4);

	ck_assert_int_eq(note("NOSUCH", "c1", "hello", 1600, &g),
	    STORE_NOTFOUND);
	ck_assert_int_eq(g.has_row, 0);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM history WHERE "
	    "event = 'note'"), 4);
}
END_TEST

/* What a failing-alerts completion saw. */
struct failing {
	int			 done;
	enum store_rc		 rc;
	size_t			 n;
	char			 ref[16][16];
	char			 recipient[16][32];
	char			 transport[16][32];
	char			 kind[16][32];
	char			 error[16][32];
	int			 has_error[16];
	int			 attempts[16];
	int			 gave_up[16];
	int64_t			 at[16];
};

/* Failing-alerts completion. */
static void
failing_cb(enum store_rc rc, const struct store_failing *rows, size_t n,
    void *arg)
{
	struct failing	*f = arg;
	size_t		 i;

	f->rc = rc;
	f->n = n;
	for (i = 0; i < n && i < 16; i++) {
		cp(f->ref[i], sizeof(f->ref[i]), rows[i].ref);
		cp(f->recipient[i], sizeof(f->recipient[i]),
		    rows[i].recipient);
		cp(f->transport[i], sizeof(f->transport[i]),
		    rows[i].transport);
		cp(f->kind[i], sizeof(f->kind[i]), rows[i].kind);
		f->has_error[i] = cp(f->error[i], sizeof(f->error[i]),
		    rows[i].error) != NULL;
		f->attempts[i] = rows[i].attempts;
		f->gave_up[i] = rows[i].gave_up;
		f->at[i] = rows[i].at;
	}
	f->done++;
}

/* List the failing alerts (given up since since, at most max) and wait. */
static void
outbox_failing(int64_t since, size_t max, struct failing *f)
{
	memset(f, 0, sizeof(*f));
	ck_assert_int_eq(store_outbox_failing(su.st, since, max, failing_cb,
	    f), 0);
	wait_n(&f->done, 1);
	ck_assert_int_eq(f->rc, STORE_OK);
}

/* Dispatch one alert of request id to recipient at now, and wait. */
static void
alert_to(int64_t id, const char *recipient, const char *transport,
    int64_t now)
{
	struct store_outbox	 out;
	struct dres		 r = { 0, STORE_ERR, 0 };

	memset(&out, 0, sizeof(out));
	out.recipient = recipient;
	out.transport = transport;
	out.kind = "callback.created";
	ck_assert_int_eq(store_callback_dispatch(su.st, id, STORE_ALERTED,
	    now + 300, 1, "alerted", NULL, &out, 1, now, done_cb, &r), 0);
	wait_n(&r.done, 1);
	ck_assert_int_eq(r.rc, STORE_OK);
}

/*
 * Failing alerts: one retrying and one given up are listed, newest first;
 * one sent, one never tried, and those of a completed request are not;
 * since bounds the given-up ones, max the count.
 */
START_TEST(test_failing)
{
	struct got	 a, b, c, d, g;
	struct odue	 o;
	struct failing	 f;
	int64_t		 id[5];
	char		 who[8];
	size_t		 i;

	su.st = open_store(0);
	ck_assert_int_eq(create("at:s1", "+85512345671", 1000, &a), STORE_OK);
	ck_assert_int_eq(create("at:s2", "+85512345672", 1000, &b), STORE_OK);
	ck_assert_int_eq(create("at:s3", "+85512345673", 1000, &c), STORE_OK);
	ck_assert_int_eq(create("at:s4", "+85512345674", 1000, &d), STORE_OK);
	alert_to(a.row.id, "c1", "webhook", 1001);
	alert_to(b.row.id, "c2", "telegram", 1002);
	alert_to(c.row.id, "c3", "webhook", 1003);
	alert_to(d.row.id, "c4", "sms_at", 1004);
	alert_to(a.row.id, "c5", "webhook", 1005);	/* a second round */
	outbox_due(1005, &o);
	ck_assert_uint_eq(o.n, 5);
	for (i = 0; i < 5; i++) {
		snprintf(who, sizeof(who), "c%zu", i + 1);
		ck_assert_str_eq(o.recipient[i], who);
		id[i] = o.id[i];
	}
	outbox_failing(0, 0, &f);
	ck_assert_uint_eq(f.n, 0);		/* nothing tried yet */

	/* c1 retrying, c2 given up, c3 retrying, c4 untried, c5 sent. */
	ck_assert_int_eq(result(id[0], STORE_RETRY, 1100, "timeout", 1010),
	    STORE_OK);
	ck_assert_int_eq(result(id[1], STORE_GAVE_UP, 0, "HTTP 403", 1011),
	    STORE_OK);
	ck_assert_int_eq(result(id[2], STORE_RETRY, 1100, NULL, 1012),
	    STORE_OK);
	ck_assert_int_eq(result(id[4], STORE_RETRY, 1100, "HTTP 502", 1013),
	    STORE_OK);
	ck_assert_int_eq(result(id[4], STORE_SENT, 0, NULL, 1100), STORE_OK);

	outbox_failing(0, 0, &f);
	ck_assert_uint_eq(f.n, 3);
	ck_assert_str_eq(f.ref[0], c.row.ref);
	ck_assert_str_eq(f.recipient[0], "c3");
	ck_assert_int_eq(f.gave_up[0], 0);
	ck_assert_int_eq(f.attempts[0], 1);
	ck_assert_int_eq(f.has_error[0], 0);
	ck_assert_int_eq(f.at[0], 1003);
	ck_assert_str_eq(f.ref[1], b.row.ref);
	ck_assert_str_eq(f.recipient[1], "c2");
	ck_assert_str_eq(f.transport[1], "telegram");
	ck_assert_str_eq(f.kind[1], "callback.created");
	ck_assert_int_eq(f.gave_up[1], 1);
	ck_assert_int_eq(f.attempts[1], 1);
	ck_assert_int_eq(f.has_error[1], 1);
	ck_assert_str_eq(f.error[1], "HTTP 403");
	ck_assert_int_eq(f.at[1], 1002);
	ck_assert_str_eq(f.ref[2], a.row.ref);
	ck_assert_str_eq(f.recipient[2], "c1");
	ck_assert_str_eq(f.transport[2], "webhook");
	ck_assert_int_eq(f.gave_up[2], 0);
	ck_assert_int_eq(f.attempts[2], 1);
	ck_assert_str_eq(f.error[2], "timeout");
	ck_assert_int_eq(f.at[2], 1001);

	/* At most max, newest first. */
	outbox_failing(0, 2, &f);
	ck_assert_uint_eq(f.n, 2);
	ck_assert_str_eq(f.recipient[0], "c3");
	ck_assert_str_eq(f.recipient[1], "c2");

	/* since leaves out older give-ups; retrying ones stay. */
	outbox_failing(1002, 0, &f);
	ck_assert_uint_eq(f.n, 3);
	outbox_failing(1003, 0, &f);
	ck_assert_uint_eq(f.n, 2);
	ck_assert_str_eq(f.recipient[0], "c3");
	ck_assert_str_eq(f.recipient[1], "c1");

	/* Completed requests are nobody's worry any more. */
	ck_assert_int_eq(change('c', c.row.ref, "c3", 1200, &g), STORE_OK);
	outbox_failing(0, 0, &f);
	ck_assert_uint_eq(f.n, 3);		/* claimed: still listed */
	ck_assert_int_eq(change('x', c.row.ref, "c3", 1201, &g), STORE_OK);
	close_request(b.row.ref, 1202);
	outbox_failing(0, 0, &f);
	ck_assert_uint_eq(f.n, 1);
	ck_assert_str_eq(f.ref[0], a.row.ref);
	ck_assert_str_eq(f.recipient[0], "c1");
}
END_TEST

/* What a value completion saw. */
struct val {
	int			 done;
	enum store_rc		 rc;
	int			 has_value;
	char			 value[64];
};

/* Value completion. */
static void
value_cb(enum store_rc rc, const char *value, void *arg)
{
	struct val	*v = arg;

	v->rc = rc;
	v->has_value = cp(v->value, sizeof(v->value), value) != NULL;
	v->done++;
}

/* Read the value of key and wait. */
static enum store_rc
meta_get(const char *key, struct val *v)
{
	memset(v, 0, sizeof(*v));
	ck_assert_int_eq(store_meta_get(su.st, key, value_cb, v), 0);
	wait_n(&v->done, 1);
	return v->rc;
}

/* Set key to value and wait. */
static enum store_rc
meta_set(const char *key, const char *value)
{
	struct dres	 d = { 0, STORE_ERR, 0 };

	ck_assert_int_eq(store_meta_set(su.st, key, value, done_cb, &d), 0);
	wait_n(&d.done, 1);
	return d.rc;
}

/*
 * Named values: none at first, set, replaced, kept across a restart; only
 * "state." keys, so the store's own secrets never leave it.
 */
START_TEST(test_meta)
{
	struct val	 v;

	su.st = open_store(0);
	ck_assert_int_eq(meta_get("state.telegram.offset", &v),
	    STORE_NOTFOUND);
	ck_assert_int_eq(v.has_value, 0);
	ck_assert_int_eq(meta_set("state.telegram.offset", "123"), STORE_OK);
	ck_assert_int_eq(meta_get("state.telegram.offset", &v), STORE_OK);
	ck_assert_int_eq(v.has_value, 1);
	ck_assert_str_eq(v.value, "123");
	ck_assert_int_eq(meta_set("state.telegram.offset", "98765"),
	    STORE_OK);
	ck_assert_int_eq(meta_get("state.telegram.offset", &v), STORE_OK);
	ck_assert_str_eq(v.value, "98765");
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM meta WHERE key = "
	    "'state.telegram.offset' AND typeof(value) = 'text'"), 1);
	/* Another key is another value; no completion is fine. */
	ck_assert_int_eq(store_meta_set(su.st, "state.other", "", NULL, NULL),
	    0);
	ck_assert_int_eq(meta_get("state.other", &v), STORE_OK);
	ck_assert_str_eq(v.value, "");
	ck_assert_int_eq(meta_get("state.telegram.offset", &v), STORE_OK);
	ck_assert_str_eq(v.value, "98765");

	/* The dedup key, or anything not "state.", is refused. */
	ck_assert_int_eq(store_meta_get(su.st, "dedup_key", value_cb, &v),
	    -1);
	ck_assert_int_eq(store_meta_set(su.st, "dedup_key", "x", done_cb,
	    NULL), -1);
	ck_assert_int_eq(store_meta_get(su.st, "state", value_cb, &v), -1);
	ck_assert_int_eq(store_meta_get(su.st, "State.x", value_cb, &v), -1);
	ck_assert_int_eq(store_meta_get(su.st, NULL, value_cb, &v), -1);
	ck_assert_int_eq(store_meta_set(su.st, "x.state.y", "1", NULL, NULL),
	    -1);
	ck_assert_int_eq(store_meta_set(su.st, "state.x", NULL, NULL, NULL),
	    -1);
	ck_assert_uint_eq(store_pending(su.st), 0);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM meta WHERE "
	    "key = 'key_check' AND length(value) = 32"), 1);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM meta"), 3);

	/* Kept across a restart on the same file. */
	store_free(su.st);
	su.st = open_store(0);
	ck_assert_int_eq(meta_get("state.telegram.offset", &v), STORE_OK);
	ck_assert_str_eq(v.value, "98765");
	ck_assert_int_eq(meta_get("state.nothing", &v), STORE_NOTFOUND);
}
END_TEST

/* Read a whole file; returns its size, the buffer in *out. */
static size_t
slurp(const char *path, char **out)
{
	FILE	*fp;
	char	*buf = NULL;
	size_t	 len = 0, n;
	char	 chunk[65536];

	*out = NULL;
	fp = fopen(path, "rb");
	if (fp == NULL)
		return 0;
	for (;;) {
		n = fread(chunk, 1, sizeof(chunk), fp);
		if (n == 0)
			break;
		buf = realloc(buf, len + n);
		ck_assert_ptr_nonnull(buf);
		memcpy(buf + len, chunk, n);
		len += n;
	}
	fclose(fp);
	*out = buf;
	return len;
}

/* The session id is on disk only as a keyed hash, the number sealed. */
START_TEST(test_dedup_hashed)
{
	static const char	 sid[] = "ATUid_5f3c9b2e7d114a8e-SESSION";
	char			 p[PATH_MAX + 24], *buf;
	struct got		 g;
	size_t			 len;

	su.st = open_store(0);
	ck_assert_int_eq(create(sid, "+85512345678", 1000, &g), STORE_OK);
	store_free(su.st);	/* the last close checkpoints the WAL */
	su.st = NULL;

	snprintf(p, sizeof(p), "%s-wal", su.path);
	ck_assert_int_eq(access(p, F_OK), -1);
	len = slurp(su.path, &buf);
	ck_assert_uint_gt(len, 0);
	/* The search works: the case reference is there in clear. */
	ck_assert_ptr_null(memmem(buf, len, "+85512345678", 12));
	ck_assert_ptr_nonnull(memmem(buf, len, g.row.ref, 6));
	ck_assert_ptr_null(memmem(buf, len, sid, strlen(sid)));
	ck_assert_ptr_null(memmem(buf, len, "5f3c9b2e7d114a8e", 16));
	free(buf);
}
END_TEST

/* What a purge or forget completion saw. */
struct pres {
	int			 done;
	enum store_rc		 rc;
	struct store_purged	 n;
};

/* Purge or forget completion. */
static void
purged_cb(enum store_rc rc, const struct store_purged *n, void *arg)
{
	struct pres	*p = arg;

	p->rc = rc;
	p->n = *n;
	p->done++;
}

/* What an SMS completion saw: the first row's id. */
struct sres {
	int			 done;
	int64_t			 id;
};

/* SMS completion: remember the first row's id. */
static void
sms_id_cb(enum store_rc rc, const struct store_sms *rows, size_t n,
    void *arg)
{
	struct sres	*r = arg;

	ck_assert_int_eq(rc, STORE_OK);
	ck_assert_uint_eq(n, 1);
	r->id = rows[0].id;
	r->done++;
}

/* Queue one text to phone at now, and have it sent (d) at now. */
static void
text_sent(const char *phone, enum store_delivery d, int64_t now)
{
	const char	*texts[] = { "ok" };
	struct dres	 r = { 0, STORE_ERR, 0 };
	struct sres	 sr = { 0, 0 };

	ck_assert_int_eq(store_sms_queue(su.st, "at", phone, texts, 1, now,
	    done_cb, &r), 0);
	wait_n(&r.done, 1);
	if (d == STORE_RETRY)
		return;		/* left queued */
	ck_assert_int_eq(store_sms_due(su.st, now, 1, sms_id_cb, &sr), 0);
	wait_n(&sr.done, 1);
	ck_assert_int_eq(store_sms_result(su.st, sr.id, d, 0, NULL, NULL, 1,
	    "GSM-7", now, done_cb, &r), 0);
	wait_n(&r.done, 2);
	ck_assert_int_eq(r.rc, STORE_OK);
}

/* Purge and wait. */
static struct pres
purge(int64_t closed_before, int64_t sms_before, size_t max)
{
	struct pres	 p;

	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(store_purge(su.st, closed_before, sms_before, max,
	    purged_cb, &p), 0);
	wait_n(&p.done, 1);
	return p;
}

/* Forget and wait. */
static struct pres
forget(const char *phone, const char *ref)
{
	struct pres	 p;

	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(store_forget(su.st, phone, ref, purged_cb, &p), 0);
	wait_n(&p.done, 1);
	return p;
}

/*
 * Retention: closed requests older than the limit go with their history
 * and alerts, in batches of max; open ones and newer ones stay; texts no
 * longer queued go; the WAL is truncated.
 */
START_TEST(test_purge)
{
	struct got	 g[4], x;
	struct pres	 p;
	struct stat	 sb;
	char		 wal[PATH_MAX + 24];
	int		 i;

	su.st = open_store(0);
	for (i = 0; i < 4; i++) {
		char	 sid[16], phone[16];

		snprintf(sid, sizeof(sid), "at:p%d", i);
		snprintf(phone, sizeof(phone), "+8551200000%d", i);
		ck_assert_int_eq(create(sid, phone, 1000, &g[i]), STORE_OK);
	}
	alert(g[0].row.id, 0, 1000);
	/* 0 and 1 closed at 2000, 2 closed at 9000, 3 stays open. */
	close_request(g[0].row.ref, 2000);
	close_request(g[1].row.ref, 2000);
	close_request(g[2].row.ref, 9000);
	text_sent("+85512000000", STORE_SENT, 2000);
	text_sent("+85512000001", STORE_GAVE_UP, 2000);
	text_sent("+85512000002", STORE_RETRY, 2000);	/* queued */
	text_sent("+85512000003", STORE_SENT, 9000);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM history"), 11);

	/* One at a time: a batch of one request and one text. */
	p = purge(5000, 5000, 1);
	ck_assert_int_eq(p.rc, STORE_OK);
	ck_assert_uint_eq(p.n.requests, 1);
	ck_assert_uint_eq(p.n.events, 4);	/* created alerted claimed
						   completed */
	ck_assert_uint_eq(p.n.alerts, 1);
	ck_assert_uint_eq(p.n.texts, 1);
	p = purge(5000, 5000, 0);
	ck_assert_uint_eq(p.n.requests, 1);
	ck_assert_uint_eq(p.n.events, 3);
	ck_assert_uint_eq(p.n.alerts, 0);
	ck_assert_uint_eq(p.n.texts, 1);
	p = purge(5000, 5000, 0);
	ck_assert_int_eq(p.rc, STORE_OK);
	ck_assert_uint_eq(p.n.requests + p.n.events + p.n.texts, 0);

	ck_assert_int_eq(get(g[0].row.ref, &x), STORE_NOTFOUND);
	ck_assert_int_eq(get(g[1].row.ref, &x), STORE_NOTFOUND);
	ck_assert_int_eq(get(g[2].row.ref, &x), STORE_OK);
	ck_assert_int_eq(get(g[3].row.ref, &x), STORE_OK);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM history"), 4);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM outbox"), 0);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM sms_out"), 2);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM sms_out"
	    " WHERE state = 0"), 1);
	/* The checkpoint after the deleting batches emptied the WAL. */
	snprintf(wal, sizeof(wal), "%s-wal", su.path);
	ck_assert_int_eq(stat(wal, &sb), 0);
	ck_assert_int_eq(sb.st_size, 0);
}
END_TEST

/* A purged request's id (and its events' and texts') is not used again. */
/* The sum of the aggregates of metric (and key, unless NULL). */
static int
stat_of(const char *metric, const char *key)
{
	char	 sql[256];

	snprintf(sql, sizeof(sql), "SELECT coalesce(sum(count), 0) FROM"
	    " stats_day WHERE metric = '%s'%s%s%s", metric,
	    key != NULL ? " AND key = '" : "", key != NULL ? key : "",
	    key != NULL ? "'" : "");
	return su_query_int(sql);
}

/*
 * The daily aggregates move with the events they count, in their
 * transaction: a request, its first claim and call timed in buckets, its
 * outcome, a caller once a month; retention keeps them and drops only the
 * month's set of callers.
 */
START_TEST(test_stats)
{
	const int64_t	 t0 = 1768014000;	/* 2026-01-10 10:00 */
	struct got	 a, b, c, d;

	su.st = open_store(0);
	ck_assert_int_eq(create("at:st1", "+85512000001", t0, &a), STORE_OK);
	/* Claimed after 4 minutes, completed (a call) after 20. */
	ck_assert_int_eq(change('c', a.row.ref, "c9", t0 + 240, &a),
	    STORE_OK);
	ck_assert_int_eq(change('c', a.row.ref, "c9", t0 + 600, &a),
	    STORE_OK);	/* claimed again by the same: counted once */
	ck_assert_int_eq(change('x', a.row.ref, "c9", t0 + 1200, &a),
	    STORE_OK);
	/* Her second request (the first is closed): not a new caller. */
	ck_assert_int_eq(create("at:st2", "+85512000001", t0 + 2000, &b),
	    STORE_OK);
	ck_assert_int_eq(create("at:st3", "+85512000002", t0 + 2100, &c),
	    STORE_OK);
	ck_assert_int_eq(stat_of("requests", NULL), 3);
	ck_assert_int_eq(stat_of("callers", NULL), 2);
	ck_assert_int_eq(stat_of("claim_time", NULL), 1);
	ck_assert_int_eq(stat_of("claim_time", "le_300"), 1);
	ck_assert_int_eq(stat_of("attempt_time", "le_1800"), 1);
	/* "called back" is not a label: counted as other. */
	ck_assert_int_eq(stat_of("outcome", "other"), 1);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM stats_day WHERE"
	    " metric = 'requests' AND day = '2026-01-10' AND channel = 'at'"),
	    1);
	/*
	 * Her answers are counted by month, sealed: "Phnom Penh" is not a
	 * label, "violence" is; never in clear.
	 */
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM stats_day WHERE"
	    " key LIKE '%Phnom%' OR key LIKE '%violence%'"), 0);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM stats_answer WHERE"
	    " month = '2026-01' AND metric = 'province' AND dec(counts,"
	    " 'stats_answer.counts', id) = 'other=3' || char(10)"),
	    1);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM stats_answer WHERE"
	    " metric = 'topic' AND dec(counts, 'stats_answer.counts', id) ="
	    " 'violence=3' || char(10)"), 1);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM stats_caller"), 2);

	/*
	 * A sealed count that does not open never costs a request: it is
	 * left as it is, and the request is stored.
	 */
	store_free(su.st);
	{
		sqlite3	*db;

		ck_assert_int_eq(sqlite3_open(su.path, &db), SQLITE_OK);
		ck_assert_int_eq(sqlite3_exec(db, "UPDATE stats_answer SET"
		    " counts = zeroblob(60) WHERE metric = 'topic'", NULL,
		    NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
	}
	su.st = open_store(0);
	ck_assert_int_eq(create("at:st4", "+85512000003", t0 + 2200, &d),
	    STORE_OK);
	ck_assert_int_eq(stat_of("requests", NULL), 4);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM stats_answer WHERE"
	    " counts = zeroblob(60)"), 1);
	close_request(d.row.ref, t0 + 3000);

	/* A purge in February: the requests go, the counts stay. */
	close_request(b.row.ref, t0 + 3000);
	close_request(c.row.ref, t0 + 3000);
	(void)purge(1771556400, 1771556400, 0);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM callback"), 0);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM stats_caller"), 0);
	ck_assert_int_eq(stat_of("requests", NULL), 4);
	ck_assert_int_eq(stat_of("callers", NULL), 3);
	ck_assert_int_eq(stat_of("outcome", "other"), 4);
}
END_TEST

START_TEST(test_purge_ids)
{
	struct got	 a, b;
	struct pres	 p;
	int64_t		 hmax;

	su.st = open_store(0);
	ck_assert_int_eq(create("at:i1", "+85512000001", 1000, &a), STORE_OK);
	close_request(a.row.ref, 1000);
	text_sent("+85512000001", STORE_SENT, 1000);
	hmax = su_query_int("SELECT max(id) FROM history");
	p = purge(5000, 5000, 0);
	ck_assert_uint_eq(p.n.requests, 1);
	ck_assert_uint_eq(p.n.texts, 1);
	store_free(su.st);	/* the floor survives a restart */
	su.st = open_store(0);
	ck_assert_int_eq(create("at:i2", "+85512000002", 6000, &b), STORE_OK);
	ck_assert_int_eq(b.row.id, a.row.id + 1);
	ck_assert_int_eq(su_query_int("SELECT min(id) FROM history"), hmax + 1);
	text_sent("+85512000002", STORE_SENT, 6000);
	ck_assert_int_eq(su_query_int("SELECT min(id) FROM sms_out"), 2);
	/* Sealed rows still open under their new ids. */
	ck_assert_int_eq(get(b.row.ref, &b), STORE_OK);
	ck_assert_str_eq(b.row.phone, "+85512000002");
}
END_TEST

/*
 * Forget by number and by case reference: every request of hers, in any
 * state, with history, notes and alerts, her texts, STOP and unsafe
 * marks; her number cleared as another's safe number; others untouched.
 */
START_TEST(test_forget)
{
	struct store_callback	 in;
	struct got		 a, b, c, o, x;
	struct pres		 p;
	struct dres		 r = { 0, STORE_ERR, 0 };

	su.st = open_store(0);
	in = sample("+85512000001");
	in.safe_number = "+85512000009";
	in.next_action_at = in.call_from = 1000;
	ck_assert_int_eq(create_in(&in, "at:f1", 1000, &a), STORE_OK);
	ck_assert_int_eq(change('c', a.row.ref, "c1", 1000, &x), STORE_OK);
	ck_assert_int_eq(complete(a.row.ref, "c1", "unsafe", 1100, &x),
	    STORE_OK);
	ck_assert_int_eq(create("at:f2", "+85512000001", 2000, &b), STORE_OK);
	alert(b.row.id, 0, 2000);
	ck_assert_int_eq(store_callback_note(su.st, b.row.ref, "c1", "note",
	    2001, row_cb, &x), 0);
	x.done = 0;
	wait_n(&x.done, 1);
	/* Someone else gave her number as a safe number. */
	in = sample("+85512000002");
	in.safe_number = "+85512000001";
	ck_assert_int_eq(create_in(&in, "at:f3", 2000, &c), STORE_OK);
	ck_assert_int_eq(create("at:f4", "+85512000003", 2000, &o), STORE_OK);
	text_sent("+85512000001", STORE_SENT, 2000);
	text_sent("+85512000001", STORE_RETRY, 2000);
	text_sent("+85512000003", STORE_SENT, 2000);
	ck_assert_int_eq(store_sms_optout(su.st, "+85512000001", 1, 2000,
	    done_cb, &r), 0);
	wait_n(&r.done, 1);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM mark"), 2);

	p = forget("+85512000001", NULL);
	ck_assert_int_eq(p.rc, STORE_OK);
	ck_assert_uint_eq(p.n.requests, 2);
	ck_assert_uint_eq(p.n.events, 6);	/* created claimed completed,
						   created alerted note */
	ck_assert_uint_eq(p.n.alerts, 1);
	ck_assert_uint_eq(p.n.texts, 2);
	ck_assert_uint_eq(p.n.marks, 2);
	ck_assert_uint_eq(p.n.optouts, 1);
	ck_assert_uint_eq(p.n.safe_numbers, 1);

	ck_assert_int_eq(get(a.row.ref, &x), STORE_NOTFOUND);
	ck_assert_int_eq(get(b.row.ref, &x), STORE_NOTFOUND);
	ck_assert_int_eq(get(c.row.ref, &x), STORE_OK);
	ck_assert_ptr_null(x.row.safe_number);
	ck_assert_int_eq(get(o.row.ref, &x), STORE_OK);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM callback"), 2);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM history WHERE"
	    " callback_id NOT IN (SELECT id FROM callback)"), 0);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM outbox"), 0);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM sms_out"), 1);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM sms_optout"), 0);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM mark"), 0);

	/* Nothing left: not found. By reference: all of that number's. */
	ck_assert_int_eq(forget("+85512000001", NULL).rc, STORE_NOTFOUND);
	ck_assert_int_eq(forget(NULL, "ZZZZZZ").rc, STORE_NOTFOUND);
	ck_assert_int_eq(create("at:f5", "+85512000003", 9000, &x),
	    STORE_MERGED);
	p = forget(NULL, o.row.ref);
	ck_assert_int_eq(p.rc, STORE_OK);
	ck_assert_uint_eq(p.n.requests, 1);
	ck_assert_uint_eq(p.n.texts, 1);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM callback"), 1);
	ck_assert_int_eq(store_forget(su.st, NULL, NULL, purged_cb, &p), -1);
	ck_assert_int_eq(store_forget(su.st, "+85512000001", "ABCDEF",
	    purged_cb, &p), -1);
}
END_TEST

/* A completion that tries to queue more while the store is closing. */
static void
late_cb(enum store_rc rc, const struct store_callback *row, void *arg)
{
	static struct list	 never;
	int			*n = arg;

	(void)row;
	ck_assert_int_eq(rc, STORE_OK);
	ck_assert_int_eq(store_callback_list(su.st, NULL, 0, page_cb, &never),
	    -1);
	(*n)++;
}

/* store_free finishes queued jobs and runs their completions. */
START_TEST(test_free_drains)
{
	struct store_callback	 in = sample("+85512345678");
	struct list		 l;
	char			 sid[32], phone[10][16];
	int			 i, n = 0;

	su.st = open_store(0);
	for (i = 0; i < 10; i++) {
		snprintf(sid, sizeof(sid), "at:s%d", i);
		snprintf(phone[i], sizeof(phone[i]), "+8551200%04d", i);
		in.phone = phone[i];
		ck_assert_int_eq(store_callback_create(su.st, &in, sid,
		    strlen(sid), 3600, 1000, late_cb, &n), 0);
	}
	store_free(su.st);
	ck_assert_int_eq(n, 10);
	su.st = open_store(0);
	list_open(&l);
	ck_assert_uint_eq(l.n, 10);
}
END_TEST

/* Bad arguments are refused at submission; bad files at open. */
START_TEST(test_refuse)
{
	struct store_callback	 in = sample("+85512345678");
	char			 p[PATH_MAX + 16], *cause = NULL;
	struct store		*st;

	su.st = open_store(0);
	ck_assert_int_eq(store_callback_create(su.st, &in, "", 0, 3600, 1,
	    row_cb, NULL), -1);
	ck_assert_int_eq(store_callback_claim(su.st, NULL, "c1", 1801, 1,
	    row_cb, NULL), -1);
	ck_assert_int_eq(store_callback_claim(su.st, "ABCDEF", NULL, 1801, 1,
	    row_cb, NULL), -1);
	/* No outcome is refused here, never a crash on the writer thread. */
	ck_assert_int_eq(store_callback_complete(su.st, "ABCDEF", "c1", NULL,
	    1, row_cb, NULL), -1);
	ck_assert_int_eq(store_callback_dispatch(su.st, 1, STORE_ALERTED, 0, 1,
	    NULL, NULL, NULL, 0, 1, done_cb, NULL), -1);
	ck_assert_uint_eq(store_pending(su.st), 0);

	snprintf(p, sizeof(p), "%s/no/such/dir.db", su.dir);
	st = store_new(su.base, p, NULL, &cause);
	ck_assert_ptr_null(st);
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_nonnull(strstr(cause, "no/such/dir.db"));
	free(cause);
	store_free(NULL);
}
END_TEST

/* A file from a newer hotlined is refused, not downgraded. */
START_TEST(test_newer_schema)
{
	sqlite3		*db;
	char		*cause = NULL;

	ck_assert_int_eq(sqlite3_open(su.path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "PRAGMA user_version = 99", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	ck_assert_ptr_null(store_new(su.base, su.path, NULL, &cause));
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_nonnull(strstr(cause, "newer"));
	free(cause);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("store");
	TCase	*tc = tcase_create("store");

	tcase_add_checked_fixture(tc, su_setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_migrate);
	tcase_add_test(tc, test_create);
	tcase_add_test(tc, test_random_chars);
	tcase_add_test(tc, test_plans);
	tcase_add_test(tc, test_fields_get);
	tcase_add_test(tc, test_dup);
	tcase_add_test(tc, test_dup_window);
	tcase_add_loop_test(tc, test_group_commit, 0, 2);
	tcase_add_test(tc, test_batch_failure);
	tcase_add_test(tc, test_read_beside_write);
	tcase_add_test(tc, test_dispatch);
	tcase_add_test(tc, test_give_up_tells);
	tcase_add_test(tc, test_claim);
	tcase_add_test(tc, test_history);
	tcase_add_test(tc, test_intake);
	tcase_add_test(tc, test_intake_end);
	tcase_add_test(tc, test_update_schedule);
	tcase_add_test(tc, test_asked_again);
	tcase_add_test(tc, test_unsafe);
	tcase_add_test(tc, test_attempt);
	tcase_add_test(tc, test_reassign);
	tcase_add_test(tc, test_release_any);
	tcase_add_test(tc, test_expire);
	tcase_add_test(tc, test_list);
	tcase_add_test(tc, test_view);
	tcase_add_test(tc, test_note);
	tcase_add_test(tc, test_failing);
	tcase_add_test(tc, test_meta);
	tcase_add_test(tc, test_dedup_hashed);
	tcase_add_test(tc, test_purge);
	tcase_add_test(tc, test_stats);
	tcase_add_test(tc, test_purge_ids);
	tcase_add_test(tc, test_forget);
	tcase_add_test(tc, test_free_drains);
	tcase_add_test(tc, test_refuse);
	tcase_add_test(tc, test_newer_schema);
	suite_add_tcase(s, tc);
	/* Failed tests skip their teardown: su_run removes the whole tree. */
	return su_run(s);
}
