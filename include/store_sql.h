/* SPDX-License-Identifier: ISC */
/*
 * store_sql: the store's statements, whichever engine runs them. Each
 * statement has one name (enum store_stmt) and, for each engine, one SQL
 * text (store_sqlite.c's store_sql, store_pg_sql.c's store_pg_sql) that
 * binds the same parameters in the same order and returns the same
 * columns in the same order. An engine runs them through its driver, a
 * table of operations (store_sql_sqlite.c, store_sql_pg.c); the job bodies
 * (store_jobs*.c) bind, step and read them here, written once for every
 * engine. Everything here runs on the thread that owns the engine.
 */
#ifndef HOTLINED_STORE_SQL_H
#define HOTLINED_STORE_SQL_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "store_crypt.h"
#include "store_job.h"

/*
 * The personal columns, sealed (store_crypt.h) to their row under these
 * names: a survivor's numbers and answers, the texts sent to her and
 * their numbers, every history detail (counsellors' notes), the numbers
 * behind unsafe marks and opt-outs (schema 5), and the monthly counts of
 * her answers (schema 6).
 */
#define STORE_COL_PHONE		"callback.phone"
#define STORE_COL_SAFE_TO_CALL	"callback.safe_to_call"
#define STORE_COL_SAFE_NUMBER	"callback.safe_number"
#define STORE_COL_WINDOW	"callback.window"
#define STORE_COL_COVER		"callback.cover"
#define STORE_COL_PROVINCE	"callback.province"
#define STORE_COL_TOPIC		"callback.topic"
#define STORE_COL_DETAIL	"history.detail"
#define STORE_COL_SMS_PHONE	"sms_out.phone"
#define STORE_COL_SMS_TEXT	"sms_out.text"
/* Beside their keyed hashes, so that a new key can hash them again. */
#define STORE_COL_MARK_NUMBER	"mark.number"
#define STORE_COL_OPTOUT_NUMBER	"sms_optout.number"
/* Her answers, counted by month (schema 6). */
#define STORE_COL_STATS_COUNTS	"stats_answer.counts"

#define STORE_REF_SIZE	16	/* struct store_callback's ref, with NUL */

/* The columns of a callback row, in the order store_sql_row expects. */
#define STORE_CB_COLS(p)						\
	p "id, " p "ref, " p "channel, " p "phone, " p "safe_to_call, "	\
	p "safe_number, " p "\"window\", " p "cover, " p "urgent, "	\
	p "province, " p "topic, " p "lang, " p "state, " p "claimed_by, " \
	p "outcome, " p "created_at, " p "updated_at, "			\
	p "next_action_at, " p "rounds, " p "failures, " p "attempts, "	\
	p "asked_again, " p "warn_unsafe, " p "intake, " p "session_end, " \
	p "reason, " p "claimed_at, " p "call_from"

/* The columns of an SMS row, in the order store_jobs_sms.c reads them. */
#define STORE_SMS_COLS							\
	"id, channel, phone, text, msg_id, state, attempts, next_at, "	\
	"parts, encoding, gateway_id, error, report, created_at, "	\
	"updated_at"
#define STORE_SMS_NCOLS	15	/* the columns of STORE_SMS_COLS */

/* Every statement the store runs, prepared once at open. */
enum store_stmt {
	ST_BEGIN,
	ST_BEGIN_READ,
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
	ST_CB_VIEW_OPEN,
	ST_CB_VIEW_COUNT,
	ST_CB_REASSIGN,
	ST_CB_ATTEMPT,
	ST_CB_EXPIRE,
	ST_CB_NUMBERS,
	ST_OUT_FAILING,
	ST_META_SET,
	ST_SMS_SEEN_PURGE,
	ST_SMS_SEEN_PUT,
	ST_SMS_OPTOUT_HAS,
	ST_SMS_OPTOUT_PUT,
	ST_SMS_OPTOUT_DEL,
	ST_SMS_INSERT,
	ST_SMS_SKIP,
	ST_SMS_DUE,
	ST_SMS_RESULT,
	ST_SMS_REPORT_MSG,
	ST_SMS_REPORT_GW,
	ST_SMS_LIST,
	ST_CB_NEXT_ID,
	ST_HIST_NEXT_ID,
	ST_SMS_NEXT_ID,
	ST_FLOOR_CB,
	ST_FLOOR_HIST,
	ST_FLOOR_SMS,
	ST_FLOOR_MARK,
	ST_FLOOR_OPTOUT,
	ST_PURGE_HIST,
	ST_PURGE_OUT,
	ST_PURGE_CB,
	ST_PURGE_SMS,
	ST_CB_HASH_BY_REF,
	ST_FORGET_MARK,
	ST_FORGET_HIST,
	ST_FORGET_OUT,
	ST_FORGET_CB,
	ST_FORGET_SAFE,
	ST_FORGET_SMS,
	ST_MARK_FIND,
	ST_MARK_NUMBER,
	ST_MARK_NEXT_ID,
	ST_SMS_OPTOUT_FIND,
	ST_SMS_OPTOUT_TOUCH,
	ST_SMS_OPTOUT_NEXT_ID,
	ST_GAUGES,
	ST_STATS_ADD,
	ST_STATS_FLAG,
	ST_STATS_CB,
	ST_STATS_CALLER,
	ST_STATS_CALLER_PURGE,
	ST_STATS_ANSWER_GET,
	ST_STATS_ANSWER_PUT,
	ST_STATS_ANSWER_SET,
	ST_STATS_ANSWER_NEXT_ID,
	ST_LEASE,
	ST_SESSION_GET,
	ST_SESSION_INSERT,
	ST_SESSION_UPDATE,
	ST_SESSION_TAKE,
	ST_SESSION_DROP,
	ST_SESSION_EXPIRE,
	ST_FORGET_SESSION,
	ST_HINT,
	ST__COUNT
};


/*
 * What a driver's operations answer (SQLite's own numbers, so that its
 * driver passes them through): done, a row to read, the end of the rows,
 * out of memory, or any other failure.
 */
#define STORE_SQL_OK	0
#define STORE_SQL_ERROR	1
#define STORE_SQL_NOMEM	7
#define STORE_SQL_ROW	100
#define STORE_SQL_DONE	101

/* The kind of a column's value in the current row. */
enum store_sql_type {
	STORE_SQL_INTEGER = 1,
	STORE_SQL_TEXT = 3,
	STORE_SQL_BLOB = 4,
	STORE_SQL_NULL = 5
};

/*
 * A driver: how one engine binds, runs and reads its prepared statements
 * (s) on its connection (c). Parameters count from 1, columns from 0;
 * bound text and blobs stay the caller's until the statement is reset.
 * step runs the statement on its first call (then ROW with the first row,
 * or DONE) and moves to the next row on each call after. A value read
 * from a row lives until the next step or reset.
 */
struct store_sql_ops {
	int		 (*bind_text)(void *s, int i, const char *v);
	int		 (*bind_int)(void *s, int i, int64_t v);
	int		 (*bind_null)(void *s, int i);
	int		 (*bind_blob)(void *s, int i, const void *v,
			    size_t len);
	int		 (*step)(void *c, void *s);
	/* Drop the rows and the bindings, ready for the next use. */
	void		 (*reset)(void *s);

	enum store_sql_type (*type)(void *s, int col);
	int64_t		 (*integer)(void *s, int col);
	/* NULL for a NULL column or out of memory. */
	const char	*(*text)(void *s, int col);
	const void	*(*blob)(void *s, int col);
	size_t		 (*bytes)(void *s, int col);

	/* The rows the last write on c changed. */
	int64_t		 (*changes)(void *c);
	/* The last error on c, or NULL when the last call did not fail. */
	const char	*(*error)(void *c);
	/* Whether c is inside a transaction (the engine did not undo it). */
	int		 (*in_transaction)(void *c);
};

/*
 * One open database: its driver, connection and prepared statements, and
 * what the job bodies need besides. Each backend makes and frees its own.
 */
struct store_engine {
	const struct store_sql_ops *ops;
	void		*conn;		/* the driver's; writer thread only,
					   once started */
	void		*stmt[ST__COUNT];
	int		 version;	/* the schema version at open */
	int		 reader;	/* reads only: a read-only batch */
	int		 busy_ms;	/* how long a locked database is
					   waited for */
	uint8_t		 key[STORE_CRYPT_KEY_LEN];	/* sealing values */
	struct store_nonces nonces;	/* for the seals of this engine's
					   thread */
	void		*priv;		/* the backend's own */
};

/*
 * A statement being bound (the first error of a series kept), then
 * stepped and read: its rows are read through it.
 */
struct store_bind {
	struct store_engine *e;
	void		*s;
	int		 i;
	int		 rc;
};

/*
 * The daily aggregates (store_jobs_stats.c), each in the transaction
 * of what it counts; driver results (STORE_SQL_OK or an error).
 */

/* A history event of request id at at: requests, claims, calls, ... */
int		 store_jobs_stats_event(struct store_engine *e, int64_t id,
		    int64_t at, const char *event, const char *detail);

/*
 * Her topic and province (row, as read back), counted once in the month's
 * sealed counts when her intake is over.
 */
int		 store_jobs_stats_answers(struct store_engine *e,
		    struct store_job *j, const struct store_callback *row);

/* Her number's keyed hash, counted once a month as a unique caller. */
int		 store_jobs_stats_caller(struct store_engine *e,
		    const char *channel, const uint8_t hash[STORE_DEDUP_LEN],
		    int64_t at);

/* A number that wrote STOP. */
int		 store_jobs_stats_optout(struct store_engine *e, int64_t at);

/* Drop the unique-caller sets of the months before now's. */
int		 store_jobs_stats_purge(struct store_engine *e, int64_t now);

/* The current row r's column col: its kind, integer, text, blob. */
enum store_sql_type store_sql_type(const struct store_bind *r, int col);
int64_t		 store_sql_integer(const struct store_bind *r, int col);
const char	*store_sql_text_of(const struct store_bind *r, int col);
const void	*store_sql_blob_of(const struct store_bind *r, int col);
size_t		 store_sql_bytes(const struct store_bind *r, int col);

/* The rows the last write of e changed. */
int64_t		 store_sql_changes(struct store_engine *e);

/*
 * The batches of the writer (and reader) thread, the same on every
 * engine (store_sql_batch.c): begin, run one job in its own savepoint,
 * commit, roll back, as store_backend.h says.
 */
int		 store_sql_begin(struct store_engine *e);
int		 store_sql_run(struct store_engine *e, struct store_job *j);
int		 store_sql_commit(struct store_engine *e);
void		 store_sql_rollback(struct store_engine *e);

/* Log the connection's last error; driver messages carry no row values. */
void		 store_sql_err(struct store_engine *e, const char *what);

/* Reset a statement and drop its bindings, ready for the next use. */
void		 store_sql_reset(struct store_bind *b);

/* Start binding statement i of e from parameter 1, into b. */
void		 store_sql_bind(struct store_engine *e, enum store_stmt i,
		    struct store_bind *b);

/* Bind the next parameter: text (NULL binds NULL), integer, NULL, blob. */
void		 store_sql_text(struct store_bind *b, const char *v);
void		 store_sql_int(struct store_bind *b, int64_t v);
void		 store_sql_null(struct store_bind *b);
void		 store_sql_blob(struct store_bind *b, const void *v,
		    size_t len);

/* Bind the next parameter to a keyed hash, or NULL when have is 0. */
void		 store_sql_hash(struct store_bind *b, const uint8_t *h,
		    int have);

/*
 * Step a bound statement that returns no rows once and reset it:
 * STORE_SQL_OK or an error.
 */
int		 store_sql_write(struct store_bind *b);

/* Run statement i, without parameters or rows (BEGIN, COMMIT...). */
int		 store_sql_exec(struct store_engine *e, enum store_stmt i);

/*
 * Step a bound statement that returns at most one row, leaving that row
 * readable (the caller resets): STORE_SQL_ROW, STORE_SQL_DONE or an error.
 */
int		 store_sql_step(struct store_bind *b);

/*
 * Copy text column col of row r into the job (*out NULL for a NULL column).
 * Returns 0, or -1 when out of memory.
 */
int		 store_sql_col(struct store_job *j, const struct store_bind *r,
		    int col, const char **out);

/*
 * Bind the next parameter to v sealed as column of row id (the sealed
 * copy lives in the job); NULL binds NULL.
 */
void		 store_sql_sealed(struct store_engine *e,
		    struct store_job *j, struct store_bind *b,
		    const char *column, int64_t id, const char *v);

/*
 * Open sealed column col of row r, the value of column of row id, into the
 * job (*out NULL for a NULL column). Returns 0, or -1 (a value that does
 * not decrypt is logged by column and row) when it cannot.
 */
int		 store_sql_opened(struct store_engine *e,
		    struct store_job *j, const struct store_bind *r, int col,
		    const char *column, int64_t id, const char **out);

/* The next row id of table i's statement (ST_*_NEXT_ID): 0, or -1. */
int		 store_sql_next_id(struct store_engine *e, enum store_stmt i,
		    int64_t *id);

/* Read the STORE_CB_COLS of the current row s from column c on into r. */
int		 store_sql_row(struct store_engine *e, struct store_job *j,
		    const struct store_bind *s, int c,
		    struct store_callback *r);

/* Fill result element p of the job from the current row r: 0 or -1. */
typedef int	(*store_sql_fill_fn)(struct store_engine *e,
		    struct store_job *j, const struct store_bind *r, void *p);

/*
 * Step a bound query and append a zeroed result element of size elem to
 * the job for each row, filled by fill. Returns STORE_SQL_OK, or an error
 * (STORE_SQL_NOMEM when an element cannot be made or filled).
 */
int		 store_sql_each(struct store_engine *e, struct store_job *j,
		    struct store_bind *b, size_t elem,
		    store_sql_fill_fn fill);

/* A store_sql_fill_fn of callback rows (STORE_CB_COLS from column 0). */
int		 store_sql_fill_row(struct store_engine *e,
		    struct store_job *j, const struct store_bind *r, void *p);

/* store_sql_each of callback rows (STORE_CB_COLS). */
int		 store_sql_rows(struct store_engine *e, struct store_job *j,
		    struct store_bind *b);

/*
 * Run listing query i with its parameters (v, j->max), each row filled
 * into the job's results by fill: STORE_OK, or STORE_ERR (logged as what).
 */
enum store_rc	 store_sql_list(struct store_engine *e, struct store_job *j,
		    enum store_stmt i, int64_t v, size_t elem,
		    store_sql_fill_fn fill, const char *what);

/*
 * Step a bound query of at most one row, read its first column into *v
 * (untouched without a row) and reset it: STORE_SQL_ROW, STORE_SQL_DONE or an
 * error.
 */
int		 store_sql_one(struct store_bind *b, int64_t *v);

/* Copy the case reference in column col of row r into ref: 0, or -1. */
int		 store_sql_ref(const struct store_bind *r, int col,
		    char ref[STORE_REF_SIZE]);

/* Append the one row of ref, id or dedup (whichever statement i takes). */
int		 store_sql_fetch(struct store_engine *e, struct store_job *j,
		    enum store_stmt i, const char *ref, int64_t id);

/*
 * Why a write of request id's row changed nothing (its condition did not
 * hold): STORE_CONFLICT with the row appended to the job's results,
 * STORE_NOTFOUND when there is no such row, or STORE_ERR (logged as what).
 */
enum store_rc	 store_sql_unchanged(struct store_engine *e,
		    struct store_job *j, int64_t id, const char *what);

/*
 * Record a history event of request id (its detail sealed, in the job's
 * memory), and count it in the daily aggregates (store_jobs_event.c).
 * STORE_SQL_OK or an error.
 */
int		 store_jobs_event(struct store_engine *e, struct store_job *j,
		    int64_t id, int64_t at, const char *event,
		    const char *actor, const char *detail);

#endif
