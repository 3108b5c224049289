/* SPDX-License-Identifier: ISC */
/*
 * store: the SQLite file (schema, migrations, every SQL statement) and the
 * writer thread that owns the connection. The loop submits jobs; the thread
 * runs queued jobs together in one transaction, each in its own savepoint,
 * and hands them back through a pipe once COMMIT has returned. It does not
 * decide anything about alerts or claims beyond keeping them consistent.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <sodium.h>
#include <sqlite3.h>

#include "log.h"
#include "store.h"

#define STORE_SECRET_LEN	32	/* dedup key in meta */
#define STORE_DEDUP_LEN		32	/* BLAKE2b-256 */
#define STORE_REF_LEN		6
#define STORE_REF_TRIES		16
#define STORE_MSGID_RANDOM	24
#define STORE_MAX_BATCH		256
#define STORE_BUSY_MS		5000
#define STORE_CHUNK		1024
#define STORE_META_PREFIX	"state."	/* the keys callers may use */

/* Unambiguous on a phone screen and read aloud: no 0/O, 1/I, 2/Z, 5/S... */
static const char store_ref_chars[] = "ACDEFGHJKLMNPQRTUVWXY3479";
static const char store_msgid_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/*
 * The schema, one step per element, applied in order; PRAGMA user_version
 * is the number of steps applied. Append; never edit a released step.
 */
static const char *const store_migrations[] = {
	/* 1: dedup secret, callback requests, their history, alert outbox */
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
	"CREATE INDEX outbox_callback ON outbox (callback_id);",

	/*
	 * 2: requests filed during the session (intake, how it ended),
	 * keyed hashes of her numbers (asking again, unsafe marks), call
	 * attempts, claims that expire, and the order of the queue.
	 */
	"ALTER TABLE callback ADD COLUMN phone_hash BLOB;"
	"ALTER TABLE callback ADD COLUMN safe_hash BLOB;"
	"ALTER TABLE callback ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE callback ADD COLUMN asked_again INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE callback ADD COLUMN warn_unsafe INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE callback ADD COLUMN intake INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE callback ADD COLUMN session_end TEXT;"
	"ALTER TABLE callback ADD COLUMN reason TEXT;"
	"ALTER TABLE callback ADD COLUMN claimed_at INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE callback ADD COLUMN call_from INTEGER NOT NULL"
	" DEFAULT 0;"
	"UPDATE callback SET call_from = created_at;"
	/* Claims of schema 1 never expired: from now on they do. */
	"UPDATE callback SET claimed_at = updated_at,"
	" next_action_at = updated_at + 1800 WHERE state = 2;"
	"CREATE INDEX callback_phone ON callback (phone_hash);"
	"CREATE INDEX callback_queue ON callback (state, urgent, call_from);"
	"CREATE TABLE mark ("
	" hash BLOB PRIMARY KEY,"
	" kind TEXT NOT NULL,"
	" created_at INTEGER NOT NULL);"
};
#define STORE_NMIGRATIONS \
	((int)(sizeof(store_migrations) / sizeof(store_migrations[0])))

/* outbox.state */
enum store_outbox_state {
	STORE_OUT_PENDING,
	STORE_OUT_SENT,
	STORE_OUT_GAVE_UP
};

/* The columns of a callback row, in the order store_read_row expects. */
#define STORE_CB_COLS(p)						\
	p "id, " p "ref, " p "channel, " p "phone, " p "safe_to_call, "	\
	p "safe_number, " p "\"window\", " p "cover, " p "urgent, "	\
	p "province, " p "topic, " p "lang, " p "state, " p "claimed_by, " \
	p "outcome, " p "created_at, " p "updated_at, "			\
	p "next_action_at, " p "rounds, " p "failures, " p "attempts, "	\
	p "asked_again, " p "warn_unsafe, " p "intake, " p "session_end, " \
	p "reason, " p "claimed_at, " p "call_from"
#define STORE_CB_NCOLS	28

/* Every statement the store runs, prepared once at open. */
enum store_stmt {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_SAVEPOINT,
	ST_RELEASE,
	ST_ROLLBACK_TO,
	ST_META_GET,
	ST_META_PUT,
	ST_CB_RETIRE,
	ST_CB_BY_DEDUP,
	ST_CB_BY_REF,
	ST_CB_BY_ID,
	ST_CB_ID_BY_REF,
	ST_CB_INSERT,
	ST_CB_DUE,
	ST_CB_VIEW,
	ST_CB_DISPATCH,
	ST_CB_FAILED,
	ST_CB_CLAIM,
	ST_CB_RELEASE,
	ST_CB_COMPLETE,
	ST_HIST_INSERT,
	ST_HIST_LIST,
	ST_OUT_INSERT,
	ST_OUT_DUE,
	ST_OUT_GET,
	ST_OUT_RESULT,
	ST_CB_STATE,
	ST_CB_BY_PHONE,
	ST_CB_MERGE,
	ST_CB_UPDATE,
	ST_CB_END,
	ST_MARK_HAS,
	ST_MARK_PUT,
	ST_CB_VIEW_COUNT,
	ST_CB_REASSIGN,
	ST_CB_ATTEMPT,
	ST_CB_EXPIRE,
	ST_CB_HASHES,
	ST_OUT_FAILING,
	ST_META_SET,
	ST__COUNT
};

static const char *const store_sql[ST__COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_SAVEPOINT] = "SAVEPOINT job",
	[ST_RELEASE] = "RELEASE job",
	[ST_ROLLBACK_TO] = "ROLLBACK TO job",
	[ST_META_GET] = "SELECT value FROM meta WHERE key = ?",
	[ST_META_PUT] = "INSERT INTO meta (key, value) VALUES (?, ?)",
	[ST_CB_RETIRE] = "UPDATE callback SET dedup = randomblob(32)"
	    " WHERE dedup = ? AND created_at < ?",
	[ST_CB_BY_DEDUP] = "SELECT " STORE_CB_COLS("")
	    " FROM callback WHERE dedup = ?",
	[ST_CB_BY_REF] = "SELECT " STORE_CB_COLS("")
	    " FROM callback WHERE ref = ?",
	[ST_CB_BY_ID] = "SELECT " STORE_CB_COLS("")
	    " FROM callback WHERE id = ?",
	[ST_CB_ID_BY_REF] = "SELECT id FROM callback WHERE ref = ?",
	[ST_CB_INSERT] = "INSERT INTO callback (ref, dedup, channel, phone,"
	    " safe_to_call, safe_number, \"window\", cover, urgent, province,"
	    " topic, lang, state, created_at, updated_at, next_action_at,"
	    " rounds, failures, phone_hash, safe_hash, warn_unsafe, intake,"
	    " call_from, session_end)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?,"
	    " ?, ?, ?, ?) ON CONFLICT (ref) DO NOTHING",
	[ST_CB_DUE] = "SELECT " STORE_CB_COLS("")
	    " FROM callback WHERE state IN (0, 1, 2) AND next_action_at > 0"
	    " AND next_action_at <= ? ORDER BY next_action_at, id LIMIT ?",
	/*
	 * The queue: urgent first, then who can be called soonest. A view
	 * is the states it shows (bound, so the queue index still finds
	 * them) and, for one counsellor's, the claimant.
	 */
	[ST_CB_VIEW] = "SELECT " STORE_CB_COLS("")
	    " FROM callback WHERE state IN (?, ?, ?)"
	    " AND (? IS NULL OR claimed_by = ?) AND (? = 0 OR urgent < ?"
	    " OR (urgent = ? AND (call_from > ? OR (call_from = ? AND"
	    " id > ?)))) ORDER BY urgent DESC, call_from, id LIMIT ?",
	[ST_CB_VIEW_COUNT] = "SELECT count(*) FROM callback"
	    " WHERE state IN (?, ?, ?) AND (? IS NULL OR claimed_by = ?)",
	[ST_CB_DISPATCH] = "UPDATE callback SET state = ?, next_action_at = ?,"
	    " rounds = ?, reason = CASE WHEN ? THEN NULL ELSE reason END,"
	    " updated_at = ? WHERE id = ? AND (state IN (0, 1) OR"
	    " (state = 2 AND ? = 2))",
	[ST_CB_FAILED] = "UPDATE callback SET failures = failures + 1,"
	    " updated_at = ? WHERE id = ?",
	[ST_CB_CLAIM] = "UPDATE callback SET state = 2, claimed_by = ?,"
	    " claimed_at = ?, next_action_at = ?, reason = NULL,"
	    " updated_at = ? WHERE ref = ? AND state IN (0, 1)",
	[ST_CB_RELEASE] = "UPDATE callback SET state = 0, claimed_by = NULL,"
	    " claimed_at = 0, next_action_at = ?, updated_at = ?"
	    " WHERE ref = ? AND state = 2 AND (claimed_by = ? OR ?)",
	[ST_CB_COMPLETE] = "UPDATE callback SET state = 3, outcome = ?,"
	    " next_action_at = 0, reason = NULL, intake = 0, updated_at = ?"
	    " WHERE ref = ? AND state = 2 AND claimed_by = ?",
	[ST_CB_REASSIGN] = "UPDATE callback SET state = 2, claimed_by = ?,"
	    " claimed_at = ?, next_action_at = ?, reason = 'assigned',"
	    " updated_at = ? WHERE ref = ? AND state IN (0, 1, 2)",
	[ST_CB_ATTEMPT] = "UPDATE callback SET state = 0, claimed_by = NULL,"
	    " claimed_at = 0, attempts = attempts + 1,"
	    " reason = CASE WHEN attempts + 1 >= ? THEN 'unreached'"
	    " ELSE 'attempt' END,"
	    " next_action_at = CASE WHEN attempts + 1 >= ? THEN ? ELSE ? END,"
	    " updated_at = ? WHERE ref = ? AND state = 2 AND claimed_by = ?",
	[ST_CB_EXPIRE] = "UPDATE callback SET state = 0, claimed_by = NULL,"
	    " claimed_at = 0, reason = 'claim_expired', next_action_at = ?,"
	    " updated_at = ? WHERE id = ? AND state = 2 AND claimed_at = ?",
	[ST_CB_HASHES] = "SELECT phone_hash, safe_hash FROM callback"
	    " WHERE id = ?",
	[ST_HIST_INSERT] = "INSERT INTO history (callback_id, at, event, actor,"
	    " detail) VALUES (?, ?, ?, ?, ?)",
	[ST_HIST_LIST] = "SELECT at, event, actor, detail FROM history"
	    " WHERE callback_id = ? ORDER BY id",
	[ST_OUT_INSERT] = "INSERT INTO outbox (callback_id, recipient,"
	    " transport, target, kind, attempts, next_at, msg_id, state,"
	    " created_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?, 0, ?)"
	    " ON CONFLICT (msg_id) DO NOTHING",
	[ST_OUT_DUE] = "SELECT o.id, o.callback_id, o.recipient, o.transport,"
	    " o.target, o.kind, o.attempts, o.next_at, o.msg_id, "
	    STORE_CB_COLS("c.")
	    " FROM outbox o JOIN callback c ON c.id = o.callback_id"
	    " WHERE o.state = 0 AND o.next_at <= ? ORDER BY o.next_at, o.id"
	    " LIMIT ?",
	[ST_OUT_GET] = "SELECT callback_id, state, kind, msg_id FROM outbox"
	    " WHERE id = ?",
	[ST_OUT_RESULT] = "UPDATE outbox SET attempts = attempts + 1,"
	    " state = ?, next_at = coalesce(?, next_at),"
	    " last_error = coalesce(?, last_error) WHERE id = ? AND state = 0",
	[ST_CB_STATE] = "SELECT state FROM callback WHERE id = ?",
	[ST_CB_BY_PHONE] = "SELECT id FROM callback WHERE phone_hash = ?"
	    " AND state != 3 ORDER BY id DESC LIMIT 1",
	[ST_CB_MERGE] = "UPDATE callback SET dedup = ?,"
	    " safe_to_call = coalesce(?, safe_to_call),"
	    " safe_number = coalesce(?, safe_number),"
	    " \"window\" = coalesce(?, \"window\"), cover = coalesce(?, cover),"
	    " urgent = max(urgent, ?), province = coalesce(?, province),"
	    " topic = coalesce(?, topic), lang = ?, channel = ?,"
	    " call_from = ?, safe_hash = coalesce(?, safe_hash),"
	    " warn_unsafe = max(warn_unsafe, ?), intake = ?,"
	    " session_end = ?, asked_again = asked_again + 1,"
	    " reason = 'asked_again', updated_at = ?,"
	    " next_action_at = CASE WHEN next_action_at = 0"
	    " OR next_action_at > ? THEN ? ELSE next_action_at END"
	    " WHERE id = ?",
	/* An answer not given (yet) in this session keeps the row's. */
	[ST_CB_UPDATE] = "UPDATE callback SET"
	    " safe_to_call = coalesce(?, safe_to_call),"
	    " safe_number = coalesce(?, safe_number),"
	    " \"window\" = coalesce(?, \"window\"), cover = coalesce(?, cover),"
	    " urgent = max(urgent, ?), province = coalesce(?, province),"
	    " topic = coalesce(?, topic), lang = ?,"
	    " call_from = ?, safe_hash = coalesce(?, safe_hash),"
	    " warn_unsafe = max(warn_unsafe, ?),"
	    " intake = ?, session_end = coalesce(?, session_end),"
	    " updated_at = ?,"
	    " next_action_at = CASE WHEN (state = 0 OR (state IN (1, 2) AND"
	    " reason IS NOT NULL)) AND (next_action_at = 0"
	    " OR next_action_at > ?) THEN ? ELSE next_action_at END"
	    " WHERE id = ? AND state != 3",
	[ST_CB_END] = "UPDATE callback SET intake = 0, session_end = ?,"
	    " updated_at = ?,"
	    " next_action_at = CASE WHEN (state = 0 OR (state IN (1, 2) AND"
	    " reason IS NOT NULL)) AND (next_action_at = 0"
	    " OR next_action_at > ?) THEN ? ELSE next_action_at END"
	    " WHERE id = ? AND intake = 1",
	[ST_MARK_HAS] = "SELECT count(*) FROM mark WHERE hash = ?",
	[ST_MARK_PUT] = "INSERT INTO mark (hash, kind, created_at)"
	    " VALUES (?, ?, ?) ON CONFLICT (hash) DO NOTHING",
	/* Retrying (pending, tried) or given up since ?, of open requests. */
	[ST_OUT_FAILING] = "SELECT c.ref, o.recipient, o.transport, o.kind,"
	    " o.last_error, o.attempts, o.state, o.created_at"
	    " FROM outbox o JOIN callback c ON c.id = o.callback_id"
	    " WHERE c.state != 3 AND ((o.state = 0 AND o.attempts > 0)"
	    " OR (o.state = 2 AND o.created_at >= ?))"
	    " ORDER BY o.created_at DESC, o.id DESC LIMIT ?",
	[ST_META_SET] = "INSERT INTO meta (key, value) VALUES (?, ?)"
	    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
};

/* What a job does. */
enum store_kind {
	SJ_CREATE,
	SJ_UPDATE,
	SJ_END,
	SJ_DUE,
	SJ_DISPATCH,
	SJ_OUTBOX_DUE,
	SJ_OUTBOX_RESULT,
	SJ_VIEW,
	SJ_GET,
	SJ_CLAIM,
	SJ_RELEASE,
	SJ_COMPLETE,
	SJ_REASSIGN,
	SJ_ATTEMPT,
	SJ_EXPIRE,
	SJ_HISTORY,
	SJ_NOTE,
	SJ_OUTBOX_FAILING,
	SJ_META_GET,
	SJ_META_SET
};

/* Memory for a job's strings, freed (and wiped) with the job. */
struct store_chunk {
	struct store_chunk	*next;
	size_t			 size;
	size_t			 used;
	max_align_t		 data[];
};

/*
 * One unit of work. The loop fills the inputs and owns the job until it is
 * queued; then the writer thread owns it until it is on the done list; then
 * the loop again, which runs the completion and frees it.
 */
struct store_job {
	struct store_job	*next;
	enum store_kind		 kind;
	enum store_rc		 rc;

	/* Inputs, copied at submission. */
	struct store_callback	 in;
	uint8_t			 dedup[STORE_DEDUP_LEN];
	uint8_t			 phone_hash[STORE_DEDUP_LEN];
	uint8_t			 safe_hash[STORE_DEDUP_LEN];
	int			 has_safe_hash;
	int64_t			 id;
	int64_t			 now;
	int64_t			 window;	/* create: dedup window */
	int64_t			 when;		/* next_action_at or next_at */
	int64_t			 max;		/* LIMIT; -1 none */
	enum store_state	 state;
	enum store_delivery	 delivery;
	int			 rounds;		/* also: a count out */
	int			 any;		/* release: by a supervisor */
	int64_t			 after_call_from;	/* list: cursor */
	int64_t			 after_id;
	int			 after_urgent;
	int			 has_after;
	enum store_view		 view;		/* list: which part */
	const char		*ref;
	const char		*who;		/* counsellor */
	const char		*text;		/* event, outcome or error */
	const char		*detail;
	const char		*key;		/* meta */
	const char		*value;		/* meta: in (set), out (get) */
	struct store_outbox	*out;
	size_t			 nout;

	/* Results, copied by the writer thread. */
	void			*res;		/* rows, due rows, events or
						   failing alerts */
	size_t			 nres;
	size_t			 capres;

	struct store_chunk	*mem;
	union {
		store_callback_cb	 row;
		store_list_cb		 list;
		store_due_cb		 due;
		store_history_cb	 history;
		store_done_cb		 done;
		store_result_cb		 result;
		store_page_cb		 page;
		store_failing_cb	 failing;
		store_value_cb		 value;
	} cb;
	void			*arg;
};

struct store {
	struct event_base	*base;
	sqlite3			*db;		/* writer thread only, once
						   started */
	sqlite3_stmt		*stmt[ST__COUNT];
	uint8_t			 secret[STORE_SECRET_LEN];
	int			 version;
	size_t			 max_batch;
	size_t			 pending;	/* loop thread only */

	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	int			 sync_ready;
	pthread_t		 thread;
	int			 thread_started;
	struct store_job	*queue;		/* under lock */
	struct store_job	**queue_tail;
	struct store_job	*done;		/* under lock */
	struct store_job	**done_tail;
	int			 closing;	/* under lock */

	int			 notify[2];	/* pipe: thread -> loop */
	struct event		*ev;
};

/* Accumulates the first error of a series of binds. */
struct store_bind {
	sqlite3_stmt	*s;
	int		 i;
	int		 rc;
};

static void	store_notify_cb(evutil_socket_t, short, void *);
static int	store_hash_number(struct store *, const char *, uint8_t *);

/* Set *cause to a new formatted message. */
static void
store_cause(char **cause, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
store_cause(char **cause, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	if (vasprintf(cause, fmt, ap) == -1)
		*cause = NULL;
	va_end(ap);
}

/* Log the connection's last error; SQLite messages carry no row values. */
static void
store_sqlerr(struct store *st, const char *what)
{
	log_warnx("store: %s: %s", what, sqlite3_errmsg(st->db));
}

/* Allocate n bytes, suitably aligned, that live as long as the job. */
static void *
store_alloc(struct store_job *j, size_t n)
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
static int
store_copy(struct store_job *j, const char *s, size_t len, const char **out)
{
	char	*p;

	*out = NULL;
	if (s == NULL)
		return 0;
	p = store_alloc(j, len + 1);
	if (p == NULL)
		return -1;
	memcpy(p, s, len);
	p[len] = '\0';
	*out = p;
	return 0;
}

/* Copy a C string into the job. */
static int
store_strdup(struct store_job *j, const char *s, const char **out)
{
	return store_copy(j, s, s == NULL ? 0 : strlen(s), out);
}

/* A new job of kind for completion cb. */
static struct store_job *
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
static void
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
static void *
store_res_add(struct store_job *j, size_t elem)
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

/* Queue a job for the writer thread; on failure the job is freed. */
static int
store_submit(struct store *st, struct store_job *j)
{
	int	 closing;

	pthread_mutex_lock(&st->lock);
	closing = st->closing;
	if (!closing) {
		*st->queue_tail = j;
		st->queue_tail = &j->next;
		pthread_cond_signal(&st->cond);
	}
	pthread_mutex_unlock(&st->lock);
	if (closing) {
		store_job_free(j);
		return -1;
	}
	st->pending++;
	return 0;
}

/* Run a job's completion on the calling (loop) thread. */
static void
store_job_complete(struct store *st, struct store_job *j)
{
	const struct store_callback	*row;

	st->pending--;
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
	case SJ_META_GET:
		if (j->cb.value != NULL)
			j->cb.value(j->rc, j->rc == STORE_OK ? j->value : NULL,
			    j->arg);
		break;
	case SJ_DISPATCH:
	case SJ_END:
	case SJ_META_SET:
		if (j->cb.done != NULL)
			j->cb.done(j->rc, j->arg);
		break;
	case SJ_OUTBOX_RESULT:
		if (j->cb.result != NULL)
			j->cb.result(j->rc, j->rc == STORE_OK ? j->rounds : 0,
			    j->arg);
		break;
	}
}

/* Take the done list and run its completions, in submission order. */
static void
store_drain(struct store *st)
{
	struct store_job	*list, *j, *next;

	pthread_mutex_lock(&st->lock);
	list = st->done;
	st->done = NULL;
	st->done_tail = &st->done;
	pthread_mutex_unlock(&st->lock);
	for (j = list; j != NULL; j = next) {
		next = j->next;
		store_job_complete(st, j);
		store_job_free(j);
	}
}

/* The writer thread finished a batch: drain the pipe, then the list. */
static void
store_notify_cb(evutil_socket_t fd, short what, void *arg)
{
	struct store	*st = arg;
	char		 buf[64];

	(void)what;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	store_drain(st);
}

/*
 * Statement helpers. They run on the writer thread (or in store_new before
 * it starts), which owns the connection.
 */

/* Reset a statement and drop its bindings, ready for the next use. */
static void
store_reset(sqlite3_stmt *s)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

/* Start binding statement s from parameter 1. */
static sqlite3_stmt *
store_bind_start(struct store *st, enum store_stmt i, struct store_bind *b)
{
	b->s = st->stmt[i];
	b->i = 1;
	b->rc = SQLITE_OK;
	return b->s;
}

/* Bind the next parameter to text (NULL binds NULL). */
static void
store_bind_text(struct store_bind *b, const char *v)
{
	int	 rc;

	if (v == NULL)
		rc = sqlite3_bind_null(b->s, b->i++);
	else
		rc = sqlite3_bind_text(b->s, b->i++, v, -1, SQLITE_STATIC);
	if (b->rc == SQLITE_OK)
		b->rc = rc;
}

/* Bind the next parameter to an integer. */
static void
store_bind_int(struct store_bind *b, int64_t v)
{
	int	 rc;

	rc = sqlite3_bind_int64(b->s, b->i++, v);
	if (b->rc == SQLITE_OK)
		b->rc = rc;
}

/* Bind the next parameter to NULL. */
static void
store_bind_null(struct store_bind *b)
{
	int	 rc;

	rc = sqlite3_bind_null(b->s, b->i++);
	if (b->rc == SQLITE_OK)
		b->rc = rc;
}

/* Bind the next parameter to a blob. */
static void
store_bind_blob(struct store_bind *b, const void *v, size_t len)
{
	int	 rc;

	rc = sqlite3_bind_blob(b->s, b->i++, v, (int)len, SQLITE_STATIC);
	if (b->rc == SQLITE_OK)
		b->rc = rc;
}

/* Step a bound write statement once and reset it; SQLITE_OK or an error. */
static int
store_write(struct store_bind *b)
{
	int	 rc = b->rc;

	if (rc == SQLITE_OK) {
		rc = sqlite3_step(b->s);
		if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	store_reset(b->s);
	return rc;
}

/* Run a statement without parameters or rows (BEGIN, COMMIT...). */
static int
store_exec(struct store *st, enum store_stmt i)
{
	struct store_bind	 b;

	store_bind_start(st, i, &b);
	return store_write(&b);
}

/* Copy text column col into the job. */
static int
store_col_text(struct store_job *j, sqlite3_stmt *s, int col,
    const char **out)
{
	const char	*v;

	*out = NULL;
	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return 0;
	v = (const char *)sqlite3_column_text(s, col);
	if (v == NULL)
		return -1;	/* out of memory converting */
	return store_copy(j, v, (size_t)sqlite3_column_bytes(s, col), out);
}

/* Read the STORE_CB_COLS of the current row from column c on into r. */
static int
store_read_row(struct store_job *j, sqlite3_stmt *s, int c,
    struct store_callback *r)
{
	const char	*ref;
	int		 state;

	r->id = sqlite3_column_int64(s, c + 0);
	ref = (const char *)sqlite3_column_text(s, c + 1);
	if (ref == NULL || strlen(ref) >= sizeof(r->ref))
		return -1;
	memcpy(r->ref, ref, strlen(ref) + 1);
	if (store_col_text(j, s, c + 2, &r->channel) == -1 ||
	    store_col_text(j, s, c + 3, &r->phone) == -1 ||
	    store_col_text(j, s, c + 4, &r->safe_to_call) == -1 ||
	    store_col_text(j, s, c + 5, &r->safe_number) == -1 ||
	    store_col_text(j, s, c + 6, &r->window) == -1 ||
	    store_col_text(j, s, c + 7, &r->cover) == -1)
		return -1;
	r->urgent = sqlite3_column_int(s, c + 8);
	if (store_col_text(j, s, c + 9, &r->province) == -1 ||
	    store_col_text(j, s, c + 10, &r->topic) == -1 ||
	    store_col_text(j, s, c + 11, &r->lang) == -1)
		return -1;
	state = sqlite3_column_int(s, c + 12);
	if (state < STORE_OPEN || state > STORE_COMPLETED) {
		log_warnx("store: row %lld has an invalid state %d",
		    (long long)r->id, state);
		return -1;
	}
	r->state = (enum store_state)state;
	if (store_col_text(j, s, c + 13, &r->claimed_by) == -1 ||
	    store_col_text(j, s, c + 14, &r->outcome) == -1)
		return -1;
	r->created_at = sqlite3_column_int64(s, c + 15);
	r->updated_at = sqlite3_column_int64(s, c + 16);
	r->next_action_at = sqlite3_column_int64(s, c + 17);
	r->rounds = sqlite3_column_int(s, c + 18);
	r->failures = sqlite3_column_int(s, c + 19);
	r->attempts = sqlite3_column_int(s, c + 20);
	r->asked_again = sqlite3_column_int(s, c + 21);
	r->warn_unsafe = sqlite3_column_int(s, c + 22);
	r->intake = sqlite3_column_int(s, c + 23);
	if (store_col_text(j, s, c + 24, &r->session_end) == -1 ||
	    store_col_text(j, s, c + 25, &r->reason) == -1)
		return -1;
	r->claimed_at = sqlite3_column_int64(s, c + 26);
	r->call_from = sqlite3_column_int64(s, c + 27);
	return 0;
}

/*
 * Step a bound query returning callback rows and append each to the job's
 * results; returns SQLITE_OK, or an error (SQLITE_NOMEM for a copy).
 */
static int
store_read_rows(struct store_job *j, struct store_bind *b)
{
	struct store_callback	*r;
	int			 rc = b->rc;

	while (rc == SQLITE_OK || rc == SQLITE_ROW) {
		rc = sqlite3_step(b->s);
		if (rc != SQLITE_ROW)
			break;
		r = store_res_add(j, sizeof(*r));
		if (r == NULL || store_read_row(j, b->s, 0, r) == -1)
			rc = SQLITE_NOMEM;
	}
	if (rc == SQLITE_DONE)
		rc = SQLITE_OK;
	store_reset(b->s);
	return rc;
}

/* Append the one row of ref, id or dedup (whichever stmt i takes). */
static int
store_fetch(struct store *st, struct store_job *j, enum store_stmt i,
    const char *ref, int64_t id)
{
	struct store_bind	 b;

	store_bind_start(st, i, &b);
	if (i == ST_CB_BY_REF)
		store_bind_text(&b, ref);
	else if (i == ST_CB_BY_ID)
		store_bind_int(&b, id);
	else
		store_bind_blob(&b, j->dedup, sizeof(j->dedup));
	return store_read_rows(j, &b);
}

/* Record a history event. */
static int
store_event(struct store *st, int64_t id, int64_t at, const char *event,
    const char *actor, const char *detail)
{
	struct store_bind	 b;

	store_bind_start(st, ST_HIST_INSERT, &b);
	store_bind_int(&b, id);
	store_bind_int(&b, at);
	store_bind_text(&b, event);
	store_bind_text(&b, actor);
	store_bind_text(&b, detail);
	return store_write(&b);
}

/* Random characters from set (of length n) into out[0..len). */
static void
store_random_chars(char *out, size_t len, const char *set, size_t n)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		out[i] = set[randombytes_uniform((uint32_t)n)];
	out[len] = '\0';
}

/*
 * Job bodies. Each runs on the writer thread inside its own savepoint and
 * returns the job's result; anything but STORE_OK, STORE_DUP or
 * STORE_MERGED is rolled
 * back to the savepoint by the caller.
 */

/* Bind a keyed hash, or NULL when there is none. */
static void
store_bind_hash(struct store_bind *b, const uint8_t *h, int have)
{
	if (have)
		store_bind_blob(b, h, STORE_DEDUP_LEN);
	else
		store_bind_null(b);
}

/* Whether the number behind hash h was marked unsafe; -1 on error. */
static int
store_marked(struct store *st, const uint8_t *h)
{
	struct store_bind	 b;
	sqlite3_stmt		*s;
	int			 rc, n = 0;

	s = store_bind_start(st, ST_MARK_HAS, &b);
	store_bind_blob(&b, h, STORE_DEDUP_LEN);
	rc = b.rc == SQLITE_OK ? sqlite3_step(s) : b.rc;
	if (rc == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	store_reset(s);
	return rc == SQLITE_ROW ? n > 0 : -1;
}

/* Whether either of the job's numbers was marked unsafe; -1 on error. */
static int
store_job_marked(struct store *st, struct store_job *j)
{
	int	 a, b = 0;

	a = store_marked(st, j->phone_hash);
	if (j->has_safe_hash)
		b = store_marked(st, j->safe_hash);
	if (a == -1 || b == -1)
		return -1;
	return a || b;
}

/* The open request of this number, 0 if none, -1 on error. */
static int64_t
store_open_of(struct store *st, struct store_job *j)
{
	struct store_bind	 b;
	sqlite3_stmt		*s;
	int64_t			 id = 0;
	int			 rc;

	s = store_bind_start(st, ST_CB_BY_PHONE, &b);
	store_bind_blob(&b, j->phone_hash, STORE_DEDUP_LEN);
	rc = b.rc == SQLITE_OK ? sqlite3_step(s) : b.rc;
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	store_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	return id;
}

/* She asked again: fold the new answers into her open request id. */
static enum store_rc
store_run_merge(struct store *st, struct store_job *j, int64_t id, int warn)
{
	const struct store_callback	*in = &j->in;
	struct store_bind		 b;

	store_bind_start(st, ST_CB_MERGE, &b);
	store_bind_blob(&b, j->dedup, sizeof(j->dedup));
	store_bind_text(&b, in->safe_to_call);
	store_bind_text(&b, in->safe_number);
	store_bind_text(&b, in->window);
	store_bind_text(&b, in->cover);
	store_bind_int(&b, in->urgent);
	store_bind_text(&b, in->province);
	store_bind_text(&b, in->topic);
	store_bind_text(&b, in->lang);
	store_bind_text(&b, in->channel);
	store_bind_int(&b, in->call_from);
	store_bind_hash(&b, j->safe_hash, j->has_safe_hash);
	store_bind_int(&b, warn);
	store_bind_int(&b, in->intake);
	store_bind_text(&b, in->intake ? NULL : "completed");
	store_bind_int(&b, j->now);
	store_bind_int(&b, in->next_action_at);
	store_bind_int(&b, in->next_action_at);
	store_bind_int(&b, id);
	if (store_write(&b) != SQLITE_OK ||
	    store_event(st, id, j->now, "asked_again", "system", NULL) !=
	    SQLITE_OK ||
	    store_fetch(st, j, ST_CB_BY_ID, NULL, id) != SQLITE_OK ||
	    j->nres != 1) {
		store_sqlerr(st, "asked again");
		return STORE_ERR;
	}
	log_debug("store: row %lld asked for again", (long long)id);
	return STORE_MERGED;
}

/*
 * Create a request, or find the one this dedup already made, or fold it
 * into the open request of the same number.
 */
static enum store_rc
store_run_create(struct store *st, struct store_job *j)
{
	const struct store_callback	*in = &j->in;
	struct store_bind		 b;
	char				 ref[STORE_REF_LEN + 1];
	int64_t				 id;
	int				 tries, warn;

	/* The same session id long ago was another caller's session. */
	store_bind_start(st, ST_CB_RETIRE, &b);
	store_bind_blob(&b, j->dedup, sizeof(j->dedup));
	store_bind_int(&b, j->now - j->window);
	if (store_write(&b) != SQLITE_OK)
		goto fail;
	if (store_fetch(st, j, ST_CB_BY_DEDUP, NULL, 0) != SQLITE_OK)
		goto fail;
	if (j->nres > 0)
		return STORE_DUP;
	warn = store_job_marked(st, j);
	id = store_open_of(st, j);
	if (warn == -1 || id == -1)
		goto fail;
	if (id > 0)
		return store_run_merge(st, j, id, warn);

	/* A collision on ref inserts nothing: draw again. */
	for (tries = 0; tries < STORE_REF_TRIES; tries++) {
		store_random_chars(ref, STORE_REF_LEN, store_ref_chars,
		    sizeof(store_ref_chars) - 1);
		store_bind_start(st, ST_CB_INSERT, &b);
		store_bind_text(&b, ref);
		store_bind_blob(&b, j->dedup, sizeof(j->dedup));
		store_bind_text(&b, in->channel);
		store_bind_text(&b, in->phone);
		store_bind_text(&b, in->safe_to_call);
		store_bind_text(&b, in->safe_number);
		store_bind_text(&b, in->window);
		store_bind_text(&b, in->cover);
		store_bind_int(&b, in->urgent);
		store_bind_text(&b, in->province);
		store_bind_text(&b, in->topic);
		store_bind_text(&b, in->lang);
		store_bind_int(&b, STORE_OPEN);
		store_bind_int(&b, j->now);
		store_bind_int(&b, j->now);
		store_bind_int(&b, in->next_action_at);
		store_bind_blob(&b, j->phone_hash, STORE_DEDUP_LEN);
		store_bind_hash(&b, j->safe_hash, j->has_safe_hash);
		store_bind_int(&b, warn);
		store_bind_int(&b, in->intake);
		store_bind_int(&b, in->call_from);
		store_bind_text(&b, in->intake ? NULL : "completed");
		if (store_write(&b) != SQLITE_OK)
			goto fail;
		if (sqlite3_changes(st->db) == 1)
			break;
	}
	if (tries == STORE_REF_TRIES) {
		log_warnx("store: create: no free case reference after %d "
		    "tries", tries);
		return STORE_ERR;
	}
	id = sqlite3_last_insert_rowid(st->db);
	if (store_event(st, id, j->now, "created", "system", NULL) !=
	    SQLITE_OK)
		goto fail;
	if (store_fetch(st, j, ST_CB_BY_ID, NULL, id) != SQLITE_OK ||
	    j->nres != 1)
		goto fail;
	log_debug("store: case %s created (row %lld)", ref, (long long)id);
	return STORE_OK;

fail:
	store_sqlerr(st, "create");
	return STORE_ERR;
}

/* Write the session's answers so far into its request. */
static enum store_rc
store_run_update(struct store *st, struct store_job *j)
{
	const struct store_callback	*in = &j->in;
	struct store_bind		 b;
	int				 warn;

	warn = store_job_marked(st, j);
	if (warn == -1)
		goto fail;
	store_bind_start(st, ST_CB_UPDATE, &b);
	store_bind_text(&b, in->safe_to_call);
	store_bind_text(&b, in->safe_number);
	store_bind_text(&b, in->window);
	store_bind_text(&b, in->cover);
	store_bind_int(&b, in->urgent);
	store_bind_text(&b, in->province);
	store_bind_text(&b, in->topic);
	store_bind_text(&b, in->lang);
	store_bind_int(&b, in->call_from);
	store_bind_hash(&b, j->safe_hash, j->has_safe_hash);
	store_bind_int(&b, warn);
	store_bind_int(&b, in->intake);
	store_bind_text(&b, j->text);
	store_bind_int(&b, j->now);
	store_bind_int(&b, in->next_action_at);
	store_bind_int(&b, in->next_action_at);
	store_bind_int(&b, j->id);
	if (store_write(&b) != SQLITE_OK)
		goto fail;
	if (sqlite3_changes(st->db) == 0) {
		if (store_fetch(st, j, ST_CB_BY_ID, NULL, j->id) != SQLITE_OK)
			goto fail;
		return j->nres > 0 ? STORE_CONFLICT : STORE_NOTFOUND;
	}
	if (store_fetch(st, j, ST_CB_BY_ID, NULL, j->id) != SQLITE_OK ||
	    j->nres != 1)
		goto fail;
	return STORE_OK;

fail:
	store_sqlerr(st, "update");
	return STORE_ERR;
}

/* Record how the session of a request still taking answers ended. */
static enum store_rc
store_run_end(struct store *st, struct store_job *j)
{
	struct store_bind	 b;

	store_bind_start(st, ST_CB_END, &b);
	store_bind_text(&b, j->text);
	store_bind_int(&b, j->now);
	store_bind_int(&b, j->now);
	store_bind_int(&b, j->now);
	store_bind_int(&b, j->id);
	if (store_write(&b) != SQLITE_OK) {
		store_sqlerr(st, "end");
		return STORE_ERR;
	}
	return sqlite3_changes(st->db) == 1 ? STORE_OK : STORE_CONFLICT;
}

/* List the requests the dispatcher should look at now. */
static enum store_rc
store_run_due(struct store *st, struct store_job *j)
{
	struct store_bind	 b;

	store_bind_start(st, ST_CB_DUE, &b);
	store_bind_int(&b, j->now);
	store_bind_int(&b, j->max);
	if (store_read_rows(j, &b) != SQLITE_OK) {
		store_sqlerr(st, "due");
		return STORE_ERR;
	}
	return STORE_OK;
}

/*
 * Queue one alert about request cbid. msgid is its message id, or NULL to
 * draw a random one. An id already in the outbox inserts nothing: the
 * alert exists.
 */
static int
store_out_insert(struct store *st, int64_t cbid, const struct store_outbox *o,
    const char *msgid, int64_t now)
{
	struct store_bind	 b;
	char			 rnd[4 + STORE_MSGID_RANDOM + 1];

	if (msgid == NULL) {
		memcpy(rnd, "msg_", 4);
		store_random_chars(rnd + 4, STORE_MSGID_RANDOM,
		    store_msgid_chars, sizeof(store_msgid_chars) - 1);
		msgid = rnd;
	}
	store_bind_start(st, ST_OUT_INSERT, &b);
	store_bind_int(&b, cbid);
	store_bind_text(&b, o->recipient);
	store_bind_text(&b, o->transport);
	store_bind_int(&b, o->target);
	store_bind_text(&b, o->kind);
	store_bind_int(&b, now);
	store_bind_text(&b, msgid);
	store_bind_int(&b, now);
	return store_write(&b);
}

/*
 * The message id of the alert that tells recipient (entry target) about
 * failed alert failed_id: derived, not drawn, so that telling twice can
 * only ever make one alert with one id.
 */
static void
store_derived_msgid(const char *failed_id, const struct store_outbox *o,
    char out[4 + STORE_MSGID_RANDOM + 1])
{
	crypto_generichash_state	 h;
	unsigned char			 d[STORE_MSGID_RANDOM * 6 / 8];
	char				 t[16];
	size_t				 i, bit;

	snprintf(t, sizeof(t), "%d", o->target);
	crypto_generichash_init(&h, NULL, 0, sizeof(d));
	crypto_generichash_update(&h, (const unsigned char *)failed_id,
	    strlen(failed_id) + 1);
	crypto_generichash_update(&h, (const unsigned char *)o->recipient,
	    strlen(o->recipient) + 1);
	crypto_generichash_update(&h, (const unsigned char *)t, strlen(t));
	crypto_generichash_final(&h, d, sizeof(d));
	memcpy(out, "msg_", 4);
	/* Six bits a character: 18 bytes make the 24 characters. */
	for (i = 0; i < STORE_MSGID_RANDOM; i++) {
		bit = i * 6;
		out[4 + i] = store_msgid_chars[((d[bit / 8] << 8 |
		    (bit / 8 + 1 < sizeof(d) ? d[bit / 8 + 1] : 0)) >>
		    (10 - bit % 8)) & 0x3f];
	}
	out[4 + STORE_MSGID_RANDOM] = '\0';
}

/* Apply a dispatcher decision and queue its alerts. */
static enum store_rc
store_run_dispatch(struct store *st, struct store_job *j)
{
	struct store_bind	 b;
	size_t			 i;

	store_bind_start(st, ST_CB_DISPATCH, &b);
	store_bind_int(&b, j->state);
	store_bind_int(&b, j->when);
	store_bind_int(&b, j->rounds);
	store_bind_int(&b, j->nout > 0);	/* alerts clear the reason */
	store_bind_int(&b, j->now);
	store_bind_int(&b, j->id);
	store_bind_int(&b, j->state);
	if (store_write(&b) != SQLITE_OK)
		goto fail;
	if (sqlite3_changes(st->db) == 0) {
		if (store_fetch(st, j, ST_CB_BY_ID, NULL, j->id) != SQLITE_OK)
			goto fail;
		return j->nres > 0 ? STORE_CONFLICT : STORE_NOTFOUND;
	}
	if (store_event(st, j->id, j->now, j->text, "system", j->detail) !=
	    SQLITE_OK)
		goto fail;
	for (i = 0; i < j->nout; i++)
		if (store_out_insert(st, j->id, &j->out[i], NULL, j->now) !=
		    SQLITE_OK)
			goto fail;
	return STORE_OK;

fail:
	store_sqlerr(st, "dispatch");
	return STORE_ERR;
}

/* List the alerts due for delivery, each with its request. */
static enum store_rc
store_run_outbox_due(struct store *st, struct store_job *j)
{
	struct store_bind	 b;
	struct store_due	*d;
	struct store_outbox	*o;
	sqlite3_stmt		*s;
	int			 rc;

	s = store_bind_start(st, ST_OUT_DUE, &b);
	store_bind_int(&b, j->now);
	store_bind_int(&b, j->max);
	rc = b.rc;
	while (rc == SQLITE_OK || rc == SQLITE_ROW) {
		rc = sqlite3_step(s);
		if (rc != SQLITE_ROW)
			break;
		d = store_res_add(j, sizeof(*d));
		if (d == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		o = &d->outbox;
		o->id = sqlite3_column_int64(s, 0);
		o->callback_id = sqlite3_column_int64(s, 1);
		o->target = sqlite3_column_int(s, 4);
		o->attempts = sqlite3_column_int(s, 6);
		o->next_at = sqlite3_column_int64(s, 7);
		if (store_col_text(j, s, 2, &o->recipient) == -1 ||
		    store_col_text(j, s, 3, &o->transport) == -1 ||
		    store_col_text(j, s, 5, &o->kind) == -1 ||
		    store_col_text(j, s, 8, &o->msg_id) == -1 ||
		    store_read_row(j, s, 9, &d->callback) == -1)
			rc = SQLITE_NOMEM;
	}
	store_reset(s);
	if (rc != SQLITE_DONE) {
		store_sqlerr(st, "outbox due");
		return STORE_ERR;
	}
	return STORE_OK;
}

/*
 * Tell the supervisors that the alert msgid about request cbid was given
 * up: when the request still waits for a counsellor, an "escalated" event
 * and one alert.failed per entry of j->out, each under an id derived from
 * the failed one. Returns SQLITE_OK (also when nobody needs telling).
 */
static int
store_tell_failed(struct store *st, struct store_job *j, int64_t cbid,
    const char *msgid)
{
	struct store_bind	 b;
	sqlite3_stmt		*s;
	char			 id[4 + STORE_MSGID_RANDOM + 1];
	size_t			 i;
	int			 rc, state = -1;

	if (j->nout == 0)
		return SQLITE_OK;
	s = store_bind_start(st, ST_CB_STATE, &b);
	store_bind_int(&b, cbid);
	rc = b.rc == SQLITE_OK ? sqlite3_step(s) : b.rc;
	if (rc == SQLITE_ROW)
		state = sqlite3_column_int(s, 0);
	store_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return rc;
	/* Claimed or closed meanwhile: nobody needs to be told. */
	if (state != STORE_OPEN && state != STORE_ALERTED)
		return SQLITE_OK;
	rc = store_event(st, cbid, j->now, "escalated", "system", j->detail);
	for (i = 0; rc == SQLITE_OK && i < j->nout; i++) {
		store_derived_msgid(msgid, &j->out[i], id);
		rc = store_out_insert(st, cbid, &j->out[i], id, j->now);
	}
	if (rc == SQLITE_OK)
		j->rounds = (int)j->nout;	/* told: the caller kicks */
	return rc;
}

/* Record one delivery attempt of an alert. */
static enum store_rc
store_run_outbox_result(struct store *st, struct store_job *j)
{
	struct store_bind	 b;
	sqlite3_stmt		*s;
	const char		*kind = NULL, *msgid = NULL;
	int64_t			 cbid = 0;
	int			 rc, state = STORE_OUT_PENDING;

	s = store_bind_start(st, ST_OUT_GET, &b);
	store_bind_int(&b, j->id);
	rc = b.rc == SQLITE_OK ? sqlite3_step(s) : b.rc;
	if (rc == SQLITE_ROW) {
		cbid = sqlite3_column_int64(s, 0);
		state = sqlite3_column_int(s, 1);
		if (store_col_text(j, s, 2, &kind) == -1 ||
		    store_col_text(j, s, 3, &msgid) == -1)
			rc = SQLITE_NOMEM;
	}
	store_reset(s);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	if (rc != SQLITE_ROW)
		goto fail;
	if (state != STORE_OUT_PENDING)
		return STORE_CONFLICT;

	store_bind_start(st, ST_OUT_RESULT, &b);
	switch (j->delivery) {
	case STORE_SENT:
		store_bind_int(&b, STORE_OUT_SENT);
		store_bind_null(&b);
		break;
	case STORE_RETRY:
		store_bind_int(&b, STORE_OUT_PENDING);
		store_bind_int(&b, j->when);
		break;
	case STORE_GAVE_UP:
		store_bind_int(&b, STORE_OUT_GAVE_UP);
		store_bind_null(&b);
		break;
	}
	store_bind_text(&b, j->text);
	store_bind_int(&b, j->id);
	if (store_write(&b) != SQLITE_OK)
		goto fail;
	if (j->delivery != STORE_GAVE_UP)
		return STORE_OK;

	store_bind_start(st, ST_CB_FAILED, &b);
	store_bind_int(&b, j->now);
	store_bind_int(&b, cbid);
	if (store_write(&b) != SQLITE_OK)
		goto fail;
	if (store_event(st, cbid, j->now, "alert_failed", "system", j->text) !=
	    SQLITE_OK)
		goto fail;
	/* An alert.failed that fails has nobody further to tell. */
	if (kind != NULL && strcmp(kind, "alert.failed") != 0 &&
	    msgid != NULL && store_tell_failed(st, j, cbid, msgid) != SQLITE_OK)
		goto fail;
	log_debug("store: alert %lld for row %lld given up", (long long)j->id,
	    (long long)cbid);
	return STORE_OK;

fail:
	store_sqlerr(st, "outbox result");
	return STORE_ERR;
}

/* Bind the states of the job's view and its claimant (NULL: anyone). */
static void
store_bind_view(struct store_bind *b, const struct store_job *j)
{
	static const int	 states[][3] = {
		[STORE_VIEW_ALL] = { STORE_OPEN, STORE_ALERTED,
		    STORE_CLAIMED },
		[STORE_VIEW_MINE] = { STORE_CLAIMED, STORE_CLAIMED,
		    STORE_CLAIMED },
		[STORE_VIEW_UNASSIGNED] = { STORE_OPEN, STORE_ALERTED,
		    STORE_ALERTED },
		[STORE_VIEW_CLAIMED] = { STORE_CLAIMED, STORE_CLAIMED,
		    STORE_CLAIMED },
	};
	const char		*who;
	int			 i;

	for (i = 0; i < 3; i++)
		store_bind_int(b, states[j->view][i]);
	who = j->view == STORE_VIEW_MINE ? j->who : NULL;
	store_bind_text(b, who);
	store_bind_text(b, who);
}

/* A page of a view of the queue, and how many requests the view holds. */
static enum store_rc
store_run_view(struct store *st, struct store_job *j)
{
	struct store_bind	 b;
	sqlite3_stmt		*s;
	int			 rc;

	store_bind_start(st, ST_CB_VIEW, &b);
	store_bind_view(&b, j);
	store_bind_int(&b, j->has_after);
	store_bind_int(&b, j->after_urgent);
	store_bind_int(&b, j->after_urgent);
	store_bind_int(&b, j->after_call_from);
	store_bind_int(&b, j->after_call_from);
	store_bind_int(&b, j->after_id);
	store_bind_int(&b, j->max);
	if (store_read_rows(j, &b) != SQLITE_OK)
		goto fail;
	s = store_bind_start(st, ST_CB_VIEW_COUNT, &b);
	store_bind_view(&b, j);
	rc = b.rc == SQLITE_OK ? sqlite3_step(s) : b.rc;
	if (rc == SQLITE_ROW)
		j->rounds = sqlite3_column_int(s, 0);
	store_reset(s);
	if (rc != SQLITE_ROW)
		goto fail;
	return STORE_OK;

fail:
	store_sqlerr(st, "view");
	return STORE_ERR;
}

/* Look a request up by reference. */
static enum store_rc
store_run_get(struct store *st, struct store_job *j)
{
	if (store_fetch(st, j, ST_CB_BY_REF, j->ref, 0) != SQLITE_OK) {
		store_sqlerr(st, "get");
		return STORE_ERR;
	}
	return j->nres > 0 ? STORE_OK : STORE_NOTFOUND;
}

/* Mark the numbers of request id unsafe to call (by their hashes). */
static int
store_mark_unsafe(struct store *st, int64_t id, int64_t now)
{
	struct store_bind	 b;
	sqlite3_stmt		*s;
	uint8_t			 h[2][STORE_DEDUP_LEN];
	int			 have[2] = { 0, 0 }, rc, i;

	s = store_bind_start(st, ST_CB_HASHES, &b);
	store_bind_int(&b, id);
	rc = b.rc == SQLITE_OK ? sqlite3_step(s) : b.rc;
	if (rc == SQLITE_ROW)
		for (i = 0; i < 2; i++)
			if (sqlite3_column_bytes(s, i) == STORE_DEDUP_LEN) {
				memcpy(h[i], sqlite3_column_blob(s, i),
				    STORE_DEDUP_LEN);
				have[i] = 1;
			}
	store_reset(s);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? SQLITE_OK : rc;
	for (i = 0; i < 2; i++) {
		if (!have[i])
			continue;
		store_bind_start(st, ST_MARK_PUT, &b);
		store_bind_blob(&b, h[i], STORE_DEDUP_LEN);
		store_bind_text(&b, "unsafe");
		store_bind_int(&b, now);
		rc = store_write(&b);
		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

/*
 * Claim, release, complete, reassign, an unanswered call, or a claim that
 * expired. The UPDATE carries the precondition, so the decision and the
 * change are one step; the writer thread serialises the claimants. On no
 * change, the current row tells NOTFOUND from CONFLICT. The history event
 * names who did it, and whose claim it was when that was someone else.
 */
static enum store_rc
store_run_change(struct store *st, struct store_job *j)
{
	struct store_bind		 b;
	const struct store_callback	*r;
	const char			*event = "change", *actor = j->who;
	char				 detail[160], before[64] = "";
	int64_t				 id;
	int				 was_claimed = 0, rc;

	detail[0] = '\0';
	/* Whose it was: for the history and for claim expiry. */
	if (j->kind == SJ_EXPIRE)
		rc = store_fetch(st, j, ST_CB_BY_ID, NULL, j->id);
	else
		rc = store_fetch(st, j, ST_CB_BY_REF, j->ref, 0);
	if (rc != SQLITE_OK)
		goto fail;
	if (j->nres == 0)
		return STORE_NOTFOUND;
	r = j->res;
	id = r->id;
	was_claimed = r->state == STORE_CLAIMED;
	if (r->claimed_by != NULL)
		snprintf(before, sizeof(before), "%s", r->claimed_by);
	j->nres = 0;

	switch (j->kind) {
	case SJ_CLAIM:
		event = "claimed";
		store_bind_start(st, ST_CB_CLAIM, &b);
		store_bind_text(&b, j->who);
		store_bind_int(&b, j->now);
		store_bind_int(&b, j->when);
		store_bind_int(&b, j->now);
		store_bind_text(&b, j->ref);
		break;
	case SJ_RELEASE:
		event = "released";
		store_bind_start(st, ST_CB_RELEASE, &b);
		store_bind_int(&b, j->now);
		store_bind_int(&b, j->now);
		store_bind_text(&b, j->ref);
		store_bind_text(&b, j->who);
		store_bind_int(&b, j->any);
		if (was_claimed && strcmp(before, j->who) != 0)
			snprintf(detail, sizeof(detail), "claim of %s",
			    before);
		break;
	case SJ_REASSIGN:
		event = "reassigned";
		store_bind_start(st, ST_CB_REASSIGN, &b);
		store_bind_text(&b, j->text);
		store_bind_int(&b, j->now);
		store_bind_int(&b, j->now);
		store_bind_int(&b, j->now);
		store_bind_text(&b, j->ref);
		if (was_claimed)
			snprintf(detail, sizeof(detail), "from %s to %s",
			    before, j->text);
		else
			snprintf(detail, sizeof(detail), "to %s", j->text);
		break;
	case SJ_ATTEMPT:
		event = "no_answer";
		store_bind_start(st, ST_CB_ATTEMPT, &b);
		store_bind_int(&b, j->rounds);
		store_bind_int(&b, j->rounds);
		store_bind_int(&b, j->now);
		store_bind_int(&b, j->when);
		store_bind_int(&b, j->now);
		store_bind_text(&b, j->ref);
		store_bind_text(&b, j->who);
		break;
	case SJ_EXPIRE:
		event = "claim_expired";
		actor = "system";
		store_bind_start(st, ST_CB_EXPIRE, &b);
		store_bind_int(&b, j->now);
		store_bind_int(&b, j->now);
		store_bind_int(&b, j->id);
		store_bind_int(&b, j->when);
		snprintf(detail, sizeof(detail), "claim of %s not completed",
		    before);
		break;
	default:
		event = "completed";
		snprintf(detail, sizeof(detail), "%s", j->text);
		store_bind_start(st, ST_CB_COMPLETE, &b);
		store_bind_text(&b, j->text);
		store_bind_int(&b, j->now);
		store_bind_text(&b, j->ref);
		store_bind_text(&b, j->who);
		break;
	}
	if (store_write(&b) != SQLITE_OK)
		goto fail;
	if (sqlite3_changes(st->db) == 0) {
		if (store_fetch(st, j, ST_CB_BY_ID, NULL, id) != SQLITE_OK)
			goto fail;
		r = j->res;
		if (j->kind == SJ_CLAIM && r->state == STORE_CLAIMED &&
		    r->claimed_by != NULL && strcmp(r->claimed_by, j->who) == 0)
			return STORE_OK;
		return STORE_CONFLICT;
	}
	if (store_fetch(st, j, ST_CB_BY_ID, NULL, id) != SQLITE_OK ||
	    j->nres != 1)
		goto fail;
	r = j->res;
	if (j->kind == SJ_ATTEMPT)
		snprintf(detail, sizeof(detail), "attempt %d of %d%s",
		    r->attempts, j->rounds, r->attempts >= j->rounds ?
		    ": supervisors told" : "");
	if (j->kind == SJ_COMPLETE && strcmp(j->text, "unsafe") == 0 &&
	    store_mark_unsafe(st, r->id, j->now) != SQLITE_OK)
		goto fail;
	if (store_event(st, r->id, j->now, event, actor, detail[0] != '\0' ?
	    detail : NULL) != SQLITE_OK)
		goto fail;
	log_debug("store: case %s %s", r->ref, event);
	return STORE_OK;

fail:
	store_sqlerr(st, event);
	return STORE_ERR;
}

/* List the history of a request. */
static enum store_rc
store_run_history(struct store *st, struct store_job *j)
{
	struct store_bind	 b;
	struct store_event	*e;
	sqlite3_stmt		*s;
	int64_t			 id = 0;
	int			 rc;

	s = store_bind_start(st, ST_CB_ID_BY_REF, &b);
	store_bind_text(&b, j->ref);
	rc = b.rc == SQLITE_OK ? sqlite3_step(s) : b.rc;
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	store_reset(s);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	if (rc != SQLITE_ROW)
		goto fail;

	s = store_bind_start(st, ST_HIST_LIST, &b);
	store_bind_int(&b, id);
	rc = b.rc;
	while (rc == SQLITE_OK || rc == SQLITE_ROW) {
		rc = sqlite3_step(s);
		if (rc != SQLITE_ROW)
			break;
		e = store_res_add(j, sizeof(*e));
		if (e == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		e->at = sqlite3_column_int64(s, 0);
		if (store_col_text(j, s, 1, &e->event) == -1 ||
		    store_col_text(j, s, 2, &e->actor) == -1 ||
		    store_col_text(j, s, 3, &e->detail) == -1)
			rc = SQLITE_NOMEM;
	}
	store_reset(s);
	if (rc != SQLITE_DONE)
		goto fail;
	return STORE_OK;

fail:
	store_sqlerr(st, "history");
	return STORE_ERR;
}

/* Leave a counsellor's note in the history of a request, in any state. */
static enum store_rc
store_run_note(struct store *st, struct store_job *j)
{
	struct store_bind	 b;
	sqlite3_stmt		*s;
	int64_t			 id = 0;
	int			 rc;

	s = store_bind_start(st, ST_CB_ID_BY_REF, &b);
	store_bind_text(&b, j->ref);
	rc = b.rc == SQLITE_OK ? sqlite3_step(s) : b.rc;
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	store_reset(s);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	if (rc != SQLITE_ROW)
		goto fail;
	/* Her words, perhaps: the text is never logged. */
	if (store_event(st, id, j->now, "note", j->who, j->text) !=
	    SQLITE_OK ||
	    store_fetch(st, j, ST_CB_BY_ID, NULL, id) != SQLITE_OK ||
	    j->nres != 1)
		goto fail;
	log_debug("store: row %lld noted by a counsellor", (long long)id);
	return STORE_OK;

fail:
	store_sqlerr(st, "note");
	return STORE_ERR;
}

/* List the alerts that are retrying or were given up, newest first. */
static enum store_rc
store_run_outbox_failing(struct store *st, struct store_job *j)
{
	struct store_bind	 b;
	struct store_failing	*f;
	sqlite3_stmt		*s;
	const char		*ref;
	int			 rc;

	s = store_bind_start(st, ST_OUT_FAILING, &b);
	store_bind_int(&b, j->when);
	store_bind_int(&b, j->max);
	rc = b.rc;
	while (rc == SQLITE_OK || rc == SQLITE_ROW) {
		rc = sqlite3_step(s);
		if (rc != SQLITE_ROW)
			break;
		f = store_res_add(j, sizeof(*f));
		if (f == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		ref = (const char *)sqlite3_column_text(s, 0);
		if (ref == NULL || strlen(ref) >= sizeof(f->ref)) {
			rc = SQLITE_NOMEM;
			break;
		}
		memcpy(f->ref, ref, strlen(ref) + 1);
		f->attempts = sqlite3_column_int(s, 5);
		f->gave_up = sqlite3_column_int(s, 6) == STORE_OUT_GAVE_UP;
		f->at = sqlite3_column_int64(s, 7);
		if (store_col_text(j, s, 1, &f->recipient) == -1 ||
		    store_col_text(j, s, 2, &f->transport) == -1 ||
		    store_col_text(j, s, 3, &f->kind) == -1 ||
		    store_col_text(j, s, 4, &f->error) == -1)
			rc = SQLITE_NOMEM;
	}
	store_reset(s);
	if (rc != SQLITE_DONE) {
		store_sqlerr(st, "outbox failing");
		return STORE_ERR;
	}
	return STORE_OK;
}

/* Whether callers may use meta key: only their own, never our secrets. */
static int
store_meta_key_ok(const char *key)
{
	return key != NULL && strncmp(key, STORE_META_PREFIX,
	    sizeof(STORE_META_PREFIX) - 1) == 0;
}

/* Read a caller's named value. */
static enum store_rc
store_run_meta_get(struct store *st, struct store_job *j)
{
	struct store_bind	 b;
	sqlite3_stmt		*s;
	int			 rc;

	/* Checked at submission too: this is the line that must hold. */
	if (!store_meta_key_ok(j->key))
		return STORE_ERR;
	s = store_bind_start(st, ST_META_GET, &b);
	store_bind_text(&b, j->key);
	rc = b.rc == SQLITE_OK ? sqlite3_step(s) : b.rc;
	if (rc == SQLITE_ROW && store_col_text(j, s, 0, &j->value) == -1)
		rc = SQLITE_NOMEM;
	store_reset(s);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	if (rc != SQLITE_ROW) {
		store_sqlerr(st, "meta get");
		return STORE_ERR;
	}
	return j->value != NULL ? STORE_OK : STORE_ERR;
}

/* Write a caller's named value, as text. */
static enum store_rc
store_run_meta_set(struct store *st, struct store_job *j)
{
	struct store_bind	 b;

	if (!store_meta_key_ok(j->key))
		return STORE_ERR;
	store_bind_start(st, ST_META_SET, &b);
	store_bind_text(&b, j->key);
	store_bind_text(&b, j->value);
	if (store_write(&b) != SQLITE_OK) {
		store_sqlerr(st, "meta set");
		return STORE_ERR;
	}
	return STORE_OK;
}

/* Run one job's body. */
static enum store_rc
store_run(struct store *st, struct store_job *j)
{
	switch (j->kind) {
	case SJ_CREATE:
		return store_run_create(st, j);
	case SJ_UPDATE:
		return store_run_update(st, j);
	case SJ_END:
		return store_run_end(st, j);
	case SJ_DUE:
		return store_run_due(st, j);
	case SJ_DISPATCH:
		return store_run_dispatch(st, j);
	case SJ_OUTBOX_DUE:
		return store_run_outbox_due(st, j);
	case SJ_OUTBOX_RESULT:
		return store_run_outbox_result(st, j);
	case SJ_VIEW:
		return store_run_view(st, j);
	case SJ_GET:
		return store_run_get(st, j);
	case SJ_CLAIM:
	case SJ_RELEASE:
	case SJ_COMPLETE:
	case SJ_REASSIGN:
	case SJ_ATTEMPT:
	case SJ_EXPIRE:
		return store_run_change(st, j);
	case SJ_HISTORY:
		return store_run_history(st, j);
	case SJ_NOTE:
		return store_run_note(st, j);
	case SJ_OUTBOX_FAILING:
		return store_run_outbox_failing(st, j);
	case SJ_META_GET:
		return store_run_meta_get(st, j);
	case SJ_META_SET:
		return store_run_meta_set(st, j);
	}
	return STORE_ERR;
}

/* Fail every job of a list from j on (their results are dropped). */
static void
store_fail_from(struct store_job *j)
{
	for (; j != NULL; j = j->next) {
		j->rc = STORE_ERR;
		j->nres = 0;
	}
}

/*
 * Run a batch in one transaction, each job in a savepoint so that a failing
 * job is undone alone. If the transaction itself fails (BEGIN, COMMIT, or
 * SQLite rolling it back on I/O errors), every job of the batch fails.
 */
static void
store_run_batch(struct store *st, struct store_job *batch)
{
	struct store_job	*j;

	if (store_exec(st, ST_BEGIN) != SQLITE_OK) {
		store_sqlerr(st, "begin");
		store_fail_from(batch);
		return;
	}
	for (j = batch; j != NULL; j = j->next) {
		if (store_exec(st, ST_SAVEPOINT) != SQLITE_OK) {
			store_sqlerr(st, "savepoint");
			goto abort;
		}
		j->rc = store_run(st, j);
		if (j->rc == STORE_OK || j->rc == STORE_DUP ||
		    j->rc == STORE_MERGED) {
			if (store_exec(st, ST_RELEASE) != SQLITE_OK) {
				store_sqlerr(st, "release");
				goto abort;
			}
			continue;
		}
		if (j->rc == STORE_ERR)
			j->nres = 0;
		if (sqlite3_get_autocommit(st->db)) {
			log_warnx("store: transaction rolled back by SQLite");
			goto abort;
		}
		if (store_exec(st, ST_ROLLBACK_TO) != SQLITE_OK ||
		    store_exec(st, ST_RELEASE) != SQLITE_OK) {
			store_sqlerr(st, "rollback to savepoint");
			goto abort;
		}
	}
	if (store_exec(st, ST_COMMIT) == SQLITE_OK)
		return;
	store_sqlerr(st, "commit");

abort:
	if (!sqlite3_get_autocommit(st->db) &&
	    store_exec(st, ST_ROLLBACK) != SQLITE_OK)
		store_sqlerr(st, "rollback");
	store_fail_from(batch);
}

/* Wake the loop; a full pipe already means "look". */
static void
store_wake(struct store *st)
{
	ssize_t	 n;

	do {
		n = write(st->notify[1], "", 1);
	} while (n == -1 && errno == EINTR);
}

/*
 * The writer thread: take up to max_batch jobs, run them in a transaction,
 * hand them to the loop. Exits when closing and the queue is empty.
 */
static void *
store_thread(void *arg)
{
	struct store		*st = arg;
	struct store_job	*batch, *last;
	size_t			 n;
	int			 wake;

	pthread_mutex_lock(&st->lock);
	for (;;) {
		while (st->queue == NULL && !st->closing)
			pthread_cond_wait(&st->cond, &st->lock);
		if (st->queue == NULL)
			break;
		batch = last = st->queue;
		for (n = 1; n < st->max_batch && last->next != NULL; n++)
			last = last->next;
		st->queue = last->next;
		if (st->queue == NULL)
			st->queue_tail = &st->queue;
		last->next = NULL;
		pthread_mutex_unlock(&st->lock);

		store_run_batch(st, batch);

		pthread_mutex_lock(&st->lock);
		wake = st->done == NULL;
		*st->done_tail = batch;
		st->done_tail = &last->next;
		pthread_mutex_unlock(&st->lock);
		if (wake)
			store_wake(st);
		pthread_mutex_lock(&st->lock);
	}
	pthread_mutex_unlock(&st->lock);
	return NULL;
}

/* Store the single integer result of a PRAGMA. */
static int
store_int_cb(void *arg, int n, char **v, char **names)
{
	int	*out = arg;

	(void)names;
	if (n > 0 && v[0] != NULL)
		*out = (int)strtol(v[0], NULL, 10);
	return 0;
}

/* Store whether journal_mode answered "wal". */
static int
store_wal_cb(void *arg, int n, char **v, char **names)
{
	int	*out = arg;

	(void)names;
	*out = n > 0 && v[0] != NULL && strcmp(v[0], "wal") == 0;
	return 0;
}

/* Apply the PRAGMAs and every pending migration, one transaction each. */
static int
store_migrate(struct store *st, const char *path, char **cause)
{
	char	 sql[64];
	char	*err = NULL;
	int	 wal = 0, v = -1;

	if (sqlite3_exec(st->db, "PRAGMA journal_mode = WAL", store_wal_cb,
	    &wal, &err) != SQLITE_OK ||
	    sqlite3_exec(st->db, "PRAGMA synchronous = FULL;"
	    "PRAGMA foreign_keys = ON", NULL, NULL, &err) != SQLITE_OK ||
	    sqlite3_exec(st->db, "PRAGMA user_version", store_int_cb, &v,
	    &err) != SQLITE_OK)
		goto fail;
	if (!wal)
		log_warnx("store: %s: WAL journal not available", path);
	if (v < 0 || v > STORE_NMIGRATIONS) {
		store_cause(cause, "%s: schema version %d is newer than this "
		    "hotlined knows (%d)", path, v, STORE_NMIGRATIONS);
		return -1;
	}
	for (; v < STORE_NMIGRATIONS; v++) {
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL,
		    &err) != SQLITE_OK)
			goto fail;
		if (sqlite3_exec(st->db, store_migrations[v], NULL, NULL,
		    &err) != SQLITE_OK ||
		    sqlite3_exec(st->db, sql, NULL, NULL, &err) != SQLITE_OK ||
		    sqlite3_exec(st->db, "COMMIT", NULL, NULL, &err) !=
		    SQLITE_OK) {
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			goto fail;
		}
		log_info("store: %s: schema migrated to version %d", path,
		    v + 1);
	}
	st->version = v;
	return 0;

fail:
	store_cause(cause, "%s: %s", path, err != NULL ? err :
	    sqlite3_errmsg(st->db));
	sqlite3_free(err);
	return -1;
}

/*
 * Rows made before schema 2 have no keyed hashes of their numbers, which
 * only C can compute: fill them in once, so that an open request from
 * then is recognised when she asks again, and an unsafe mark takes.
 */
static int
store_fill_hashes(struct store *st, const char *path, char **cause)
{
	sqlite3_stmt	*sel = NULL, *upd = NULL;
	uint8_t		 ph[STORE_DEDUP_LEN], sh[STORE_DEDUP_LEN];
	const char	*phone, *safe;
	int		 rc, n = 0;

	rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(st->db, "SELECT id, phone, safe_number"
		    " FROM callback WHERE phone_hash IS NULL", -1, &sel, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(st->db, "UPDATE callback SET"
		    " phone_hash = ?, safe_hash = ? WHERE id = ?", -1, &upd,
		    NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(sel)) == SQLITE_ROW) {
		phone = (const char *)sqlite3_column_text(sel, 1);
		safe = (const char *)sqlite3_column_text(sel, 2);
		if (store_hash_number(st, phone != NULL ? phone : "", ph) ==
		    -1 || (safe != NULL && *safe != '\0' &&
		    store_hash_number(st, safe, sh) == -1)) {
			rc = SQLITE_ERROR;
			break;
		}
		sqlite3_bind_blob(upd, 1, ph, sizeof(ph), SQLITE_TRANSIENT);
		if (safe != NULL && *safe != '\0')
			sqlite3_bind_blob(upd, 2, sh, sizeof(sh),
			    SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(upd, 2);
		sqlite3_bind_int64(upd, 3, sqlite3_column_int64(sel, 0));
		rc = sqlite3_step(upd);
		sqlite3_reset(upd);
		sqlite3_clear_bindings(upd);
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
		n++;
	}
	if (rc == SQLITE_DONE)
		rc = SQLITE_OK;
	sodium_memzero(ph, sizeof(ph));
	sodium_memzero(sh, sizeof(sh));
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		store_cause(cause, "%s: hashing older requests' numbers: %s",
		    path, sqlite3_errmsg(st->db));
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	if (n > 0)
		log_info("store: %s: %d older requests hashed for asking "
		    "again and unsafe marks", path, n);
	return 0;
}

/* Read the dedup secret, creating it on first open. */
static int
store_secret(struct store *st, const char *path, char **cause)
{
	struct store_bind	 b;
	sqlite3_stmt		*s;
	const void		*v;
	int			 rc;

	/* In a transaction: two daemons opening a new file agree on one. */
	rc = store_exec(st, ST_BEGIN);
	if (rc != SQLITE_OK)
		goto fail;
	s = store_bind_start(st, ST_META_GET, &b);
	store_bind_text(&b, "dedup_key");
	rc = b.rc == SQLITE_OK ? sqlite3_step(s) : b.rc;
	if (rc == SQLITE_ROW) {
		v = sqlite3_column_blob(s, 0);
		if (v == NULL || sqlite3_column_bytes(s, 0) != STORE_SECRET_LEN)
			rc = SQLITE_CORRUPT;
		else
			memcpy(st->secret, v, STORE_SECRET_LEN);
	}
	store_reset(s);
	if (rc == SQLITE_DONE) {
		randombytes_buf(st->secret, sizeof(st->secret));
		store_bind_start(st, ST_META_PUT, &b);
		store_bind_text(&b, "dedup_key");
		store_bind_blob(&b, st->secret, sizeof(st->secret));
		rc = store_write(&b);
	} else if (rc == SQLITE_ROW)
		rc = SQLITE_OK;
	if (rc == SQLITE_OK)
		rc = store_exec(st, ST_COMMIT);
	if (rc == SQLITE_OK)
		return 0;

fail:
	store_cause(cause, "%s: dedup key: %s", path, rc == SQLITE_CORRUPT ?
	    "malformed" : sqlite3_errmsg(st->db));
	if (!sqlite3_get_autocommit(st->db))
		store_exec(st, ST_ROLLBACK);
	return -1;
}

/* Open the database, prepare it, and start the writer thread. */
struct store *
store_new(struct event_base *base, const char *path,
    const struct store_opts *opts, char **cause)
{
	struct store	*st = NULL;
	sigset_t	 all, old;
	int		 fd, i, rc;

	*cause = NULL;
	if (sodium_init() == -1) {
		store_cause(cause, "libsodium cannot initialise");
		goto fail;
	}
	st = calloc(1, sizeof(*st));
	if (st == NULL) {
		store_cause(cause, "out of memory");
		goto fail;
	}
	st->base = base;
	st->notify[0] = st->notify[1] = -1;
	st->queue_tail = &st->queue;
	st->done_tail = &st->done;
	st->max_batch = STORE_MAX_BATCH;
	if (opts != NULL && opts->max_batch > 0)
		st->max_batch = opts->max_batch;

	/* Case data: create the file (and so its WAL) private to us. */
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1) {
		store_cause(cause, "%s: %s", path, strerror(errno));
		goto fail;
	}
	close(fd);

	/* Opened here, then used only by the thread (the hand-over is
	 * ordered by pthread_create). */
	rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		store_cause(cause, "%s: %s", path, st->db != NULL ?
		    sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, opts != NULL &&
	    opts->busy_timeout_ms > 0 ? opts->busy_timeout_ms : STORE_BUSY_MS);
	if (store_migrate(st, path, cause) == -1)
		goto fail;
	for (i = 0; i < ST__COUNT; i++) {
		rc = sqlite3_prepare_v3(st->db, store_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &st->stmt[i], NULL);
		if (rc != SQLITE_OK) {
			store_cause(cause, "%s: statement %d: %s", path, i,
			    sqlite3_errmsg(st->db));
			goto fail;
		}
	}
	if (store_secret(st, path, cause) == -1 ||
	    store_fill_hashes(st, path, cause) == -1)
		goto fail;

	if (pipe(st->notify) == -1) {
		st->notify[0] = st->notify[1] = -1;
		store_cause(cause, "pipe: %s", strerror(errno));
		goto fail;
	}
	for (i = 0; i < 2; i++) {
		if (fcntl(st->notify[i], F_SETFL, O_NONBLOCK) == -1 ||
		    fcntl(st->notify[i], F_SETFD, FD_CLOEXEC) == -1) {
			store_cause(cause, "fcntl: %s", strerror(errno));
			goto fail;
		}
	}
	st->ev = event_new(base, st->notify[0], EV_READ | EV_PERSIST,
	    store_notify_cb, st);
	if (st->ev == NULL || event_add(st->ev, NULL) == -1) {
		store_cause(cause, "cannot watch the store's notifications");
		goto fail;
	}

	if (pthread_mutex_init(&st->lock, NULL) != 0)
		goto fail_thread;
	if (pthread_cond_init(&st->cond, NULL) != 0) {
		pthread_mutex_destroy(&st->lock);
		goto fail_thread;
	}
	st->sync_ready = 1;
	/* Signals are the loop's business: the thread blocks them all. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&st->thread, NULL, store_thread, st);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		goto fail_thread;
	st->thread_started = 1;
	return st;

fail_thread:
	store_cause(cause, "cannot start the store thread");
fail:
	store_free(st);
	return NULL;
}

/* Drain, stop the thread, and close everything. */
void
store_free(struct store *st)
{
	int	 i;

	if (st == NULL)
		return;
	if (st->thread_started) {
		pthread_mutex_lock(&st->lock);
		st->closing = 1;
		pthread_cond_signal(&st->cond);
		pthread_mutex_unlock(&st->lock);
		pthread_join(st->thread, NULL);
		/* Completions may submit more: store_submit says no. */
		store_drain(st);
	}
	if (st->ev != NULL)
		event_free(st->ev);
	for (i = 0; i < 2; i++)
		if (st->notify[i] != -1)
			close(st->notify[i]);
	for (i = 0; i < ST__COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	if (st->db != NULL && sqlite3_close(st->db) != SQLITE_OK)
		log_warnx("store: close: %s", sqlite3_errmsg(st->db));
	if (st->sync_ready) {
		pthread_cond_destroy(&st->cond);
		pthread_mutex_destroy(&st->lock);
	}
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
	return st->pending;
}

/* The LIMIT for max (0: no limit). */
static int64_t
store_limit(size_t max)
{
	return max == 0 || max > INT64_MAX ? -1 : (int64_t)max;
}

/* A keyed hash of a number (a domain apart from dedup keys). */
static int
store_hash_number(struct store *st, const char *number, uint8_t *out)
{
	crypto_generichash_state	 h;

	if (crypto_generichash_init(&h, st->secret, sizeof(st->secret),
	    STORE_DEDUP_LEN) != 0)
		return -1;
	crypto_generichash_update(&h, (const unsigned char *)"number", 7);
	crypto_generichash_update(&h, (const unsigned char *)number,
	    strlen(number));
	crypto_generichash_final(&h, out, STORE_DEDUP_LEN);
	sodium_memzero(&h, sizeof(h));
	return 0;
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
	if (store_strdup(j, in->channel, &c->channel) == -1 ||
	    store_strdup(j, in->phone, &c->phone) == -1 ||
	    store_strdup(j, in->safe_to_call, &c->safe_to_call) == -1 ||
	    store_strdup(j, in->safe_number, &c->safe_number) == -1 ||
	    store_strdup(j, in->window, &c->window) == -1 ||
	    store_strdup(j, in->cover, &c->cover) == -1 ||
	    store_strdup(j, in->province, &c->province) == -1 ||
	    store_strdup(j, in->topic, &c->topic) == -1 ||
	    store_strdup(j, in->lang, &c->lang) == -1)
		return -1;
	if (in->phone != NULL &&
	    store_hash_number(st, in->phone, j->phone_hash) == -1)
		return -1;
	if (in->safe_number != NULL && *in->safe_number != '\0') {
		if (store_hash_number(st, in->safe_number, j->safe_hash) == -1)
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
	return store_submit(st, j);

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
	    store_strdup(j, ended, &j->text) == -1) {
		store_job_free(j);
		return -1;
	}
	return store_submit(st, j);
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
	if (store_strdup(j, how, &j->text) == -1) {
		store_job_free(j);
		return -1;
	}
	return store_submit(st, j);
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
	return store_submit(st, j);
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
	j->out = store_alloc(j, n * sizeof(*o));
	if (j->out == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		o = &j->out[i];
		memset(o, 0, sizeof(*o));
		o->target = out[i].target;
		if (store_strdup(j, out[i].recipient, &o->recipient) == -1 ||
		    store_strdup(j, out[i].transport, &o->transport) == -1 ||
		    store_strdup(j, out[i].kind, &o->kind) == -1)
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
	if (store_strdup(j, event, &j->text) == -1 ||
	    store_strdup(j, detail, &j->detail) == -1 ||
	    store_copy_outbox(j, out, nout) == -1) {
		store_job_free(j);
		return -1;
	}
	return store_submit(st, j);
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
	return store_submit(st, j);
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
	if (store_strdup(j, r->error, &j->text) == -1 ||
	    store_strdup(j, r->tell_detail, &j->detail) == -1 ||
	    (r->delivery == STORE_GAVE_UP &&
	    store_copy_outbox(j, r->tell, r->ntell) == -1)) {
		store_job_free(j);
		return -1;
	}
	return store_submit(st, j);
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
	if (view == STORE_VIEW_MINE && store_strdup(j, who, &j->who) == -1) {
		store_job_free(j);
		return -1;
	}
	return store_submit(st, j);
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
	if (store_strdup(j, ref, &j->ref) == -1 ||
	    store_strdup(j, who, &j->who) == -1 ||
	    store_strdup(j, text, &j->text) == -1) {
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
	return store_submit(st, j);
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
	return store_submit(st, j);
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
	return store_submit(st, j);
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
	return store_submit(st, j);
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
	return store_submit(st, j);
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
	return store_submit(st, j);
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
	return store_submit(st, j);
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
	return store_submit(st, j);
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
	return store_submit(st, j);
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
	return store_submit(st, j);
}

/* Queue a read of a caller's named value. */
int
store_meta_get(struct store *st, const char *key, store_value_cb cb,
    void *arg)
{
	struct store_job	*j;

	if (!store_meta_key_ok(key))
		return -1;
	j = store_job_new(SJ_META_GET, arg);
	if (j == NULL)
		return -1;
	j->cb.value = cb;
	if (store_strdup(j, key, &j->key) == -1) {
		store_job_free(j);
		return -1;
	}
	return store_submit(st, j);
}

/* Queue a write of a caller's named value. */
int
store_meta_set(struct store *st, const char *key, const char *value,
    store_done_cb cb, void *arg)
{
	struct store_job	*j;

	if (!store_meta_key_ok(key) || value == NULL)
		return -1;
	j = store_job_new(SJ_META_SET, arg);
	if (j == NULL)
		return -1;
	j->cb.done = cb;
	if (store_strdup(j, key, &j->key) == -1 ||
	    store_strdup(j, value, &j->value) == -1) {
		store_job_free(j);
		return -1;
	}
	return store_submit(st, j);
}
