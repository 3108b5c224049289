/* SPDX-License-Identifier: ISC */
/*
 * store_sqlite: the inside of the SQLite backend, shared by its files:
 * store_sqlite.c (opening, PRAGMAs, migrations, the SQL text, batches),
 * store_sqlite_stmt.c (binding, stepping and reading the statements),
 * store_sqlite_event.c (history events), store_sqlite_stats.c (the daily
 * aggregates, and reading them back read-only) and store_jobs*.c (the job
 * bodies). Every function here runs on the writer thread, or at open
 * before it starts (store_sqlite_stats_read: in hotlinectl). Nothing
 * outside the backend includes it: the store sees only
 * include/store_backend.h.
 */
#ifndef HOTLINED_STORE_SQLITE_H
#define HOTLINED_STORE_SQLITE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "store.h"
#include "store_crypt.h"
#include "store_job.h"

struct stats_count;

#define STORE_SCHEMA	7	/* PRAGMA user_version of a current file */

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

/*
 * One table whose sealed values a whole-table pass (the schema 4
 * migration, store_sqlite_crypt.c; a key rotation, store_sqlite_rotate.c)
 * seals or seals again: select reads id and the columns (then what the
 * pass needs besides), update writes the columns, the keyed hashes of the
 * columns named in hashed (-1: none) and last the id.
 */
struct store_sqlite_sealed_table {
	const char	*name;
	const char	*select;
	const char	*update;
	const char	*columns[8];	/* associated data names */
	int		 ncolumns;
	int		 hashed[2];	/* indices into columns */
};

/*
 * The update, columns and hashed of the tables both passes seal, written
 * once so that the two cannot disagree on a column.
 */
#define STORE_SQLITE_CALLBACK_SEALED					\
	"UPDATE callback SET phone = ?, safe_to_call = ?, safe_number = ?," \
	" \"window\" = ?, cover = ?, province = ?, topic = ?,"		\
	" phone_hash = ?, safe_hash = ?, dedup = randomblob(32)"	\
	" WHERE id = ?",						\
	{ STORE_COL_PHONE, STORE_COL_SAFE_TO_CALL, STORE_COL_SAFE_NUMBER, \
	  STORE_COL_WINDOW, STORE_COL_COVER, STORE_COL_PROVINCE,	\
	  STORE_COL_TOPIC }, 7, { 0, 2 }
#define STORE_SQLITE_HISTORY_SEALED					\
	"UPDATE history SET detail = ? WHERE id = ?",			\
	{ STORE_COL_DETAIL }, 1, { -1, -1 }
#define STORE_SQLITE_SMS_OUT_SEALED					\
	"UPDATE sms_out SET phone = ?, text = ?, phone_key = ? WHERE id = ?", \
	{ STORE_COL_SMS_PHONE, STORE_COL_SMS_TEXT }, 2, { 0, -1 }

/* The columns of a callback row, in the order store_sqlite_row expects. */
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
	ST__COUNT
};

/* An open SQLite file: the connection and its prepared statements. */
struct store_engine {
	sqlite3		*db;		/* writer thread only, once started */
	sqlite3_stmt	*stmt[ST__COUNT];
	int		 version;	/* PRAGMA user_version at open */
	int		 reader;	/* reads only: deferred BEGIN */
	int		 busy_ms;	/* how long a locked file is waited
					   for (the reader's as its writer's) */
	uint8_t		 key[STORE_CRYPT_KEY_LEN];	/* sealing values */
	struct store_nonces nonces;	/* for the seals of this engine's
					   thread */
};

/* Accumulates the first error of a series of binds. */
struct store_bind {
	sqlite3_stmt	*s;
	int		 i;
	int		 rc;
};

/*
 * Open the SQLite file at path under keys as the backend's open does; a
 * key rotation half done is refused unless rotation is set.
 */
struct store_engine *store_sqlite_open_for(const char *path,
		    const struct store_opts *opts, struct store_keys *keys,
		    int rotation, char **cause);

/* Close what store_sqlite_open_for opened (NULL is fine). */
void		 store_sqlite_close(struct store_engine *e);

/*
 * The rest of the backend's operations (store_backend.h says what each
 * does), gathered into store_backend_sqlite by store_sqlite_backend.c.
 */
struct store_engine *store_sqlite_open_reader(const char *path,
		    const struct store_engine *w, char **cause);
struct store_engine *store_sqlite_open(const char *path,
		    const struct store_opts *opts, struct store_keys *keys,
		    char **cause);
int		 store_sqlite_version(const struct store_engine *e);
int		 store_sqlite_begin(struct store_engine *e);
int		 store_sqlite_run(struct store_engine *e, struct store_job *j);
int		 store_sqlite_commit(struct store_engine *e);
void		 store_sqlite_rollback(struct store_engine *e);
void		 store_sqlite_checkpoint(struct store_engine *e);
void		 store_sqlite_count_commits(struct store_engine *e,
		    atomic_ulong *counter);

/*
 * The daily aggregates (store_sqlite_stats.c), each in the transaction
 * of what it counts; SQLite results (SQLITE_OK or an error).
 */

/* A history event of request id at at: requests, claims, calls, ... */
int		 store_sqlite_stats_event(struct store_engine *e, int64_t id,
		    int64_t at, const char *event, const char *detail);

/*
 * Her topic and province (row, as read back), counted once in the month's
 * sealed counts when her intake is over.
 */
int		 store_sqlite_stats_answers(struct store_engine *e,
		    struct store_job *j, const struct store_callback *row);

/* Her number's keyed hash, counted once a month as a unique caller. */
int		 store_sqlite_stats_caller(struct store_engine *e,
		    const char *channel, const uint8_t hash[STORE_DEDUP_LEN],
		    int64_t at);

/* A number that wrote STOP. */
int		 store_sqlite_stats_optout(struct store_engine *e, int64_t at);

/* Drop the unique-caller sets of the months before now's. */
int		 store_sqlite_stats_purge(struct store_engine *e, int64_t now);

/* The backend's stats_read (store_sqlite_stats.c). */
int		 store_sqlite_stats_read(const char *path,
		    const char *key_file, const char *from, const char *to,
		    store_stats_row_cb cb, void *arg, char **cause);

/* The backend's rotate (store_sqlite_rotate.c). */
int		 store_sqlite_rotate(const char *path,
		    const struct store_opts *opts, struct store_keys *keys,
		    struct store_keys *next, const struct store_rotate_opts *ro,
		    int *finished, char **cause);

/* Log the connection's last error; SQLite messages carry no row values. */
void		 store_sqlite_err(struct store_engine *e, const char *what);

/* Reset a statement and drop its bindings, ready for the next use. */
void		 store_sqlite_reset(sqlite3_stmt *s);

/* Start binding statement i from parameter 1; returns the statement. */
sqlite3_stmt	*store_sqlite_bind(struct store_engine *e, enum store_stmt i,
		    struct store_bind *b);

/* Bind the next parameter: text (NULL binds NULL), integer, NULL, blob. */
void		 store_sqlite_text(struct store_bind *b, const char *v);
void		 store_sqlite_int(struct store_bind *b, int64_t v);
void		 store_sqlite_null(struct store_bind *b);
void		 store_sqlite_blob(struct store_bind *b, const void *v,
		    size_t len);

/* Bind the next parameter to a keyed hash, or NULL when have is 0. */
void		 store_sqlite_hash(struct store_bind *b, const uint8_t *h,
		    int have);

/*
 * Step a bound statement that returns no rows once and reset it; SQLITE_OK
 * or an error.
 */
int		 store_sqlite_write(struct store_bind *b);

/* Run statement i, without parameters or rows (BEGIN, COMMIT...). */
int		 store_sqlite_exec(struct store_engine *e, enum store_stmt i);

/*
 * Step a bound statement that returns at most one row, leaving that row
 * readable (the caller resets): SQLITE_ROW, SQLITE_DONE or an error.
 */
int		 store_sqlite_step(struct store_bind *b);

/*
 * Copy text column col of s into the job (*out NULL for a NULL column).
 * Returns 0, or -1 when out of memory.
 */
int		 store_sqlite_col(struct store_job *j, sqlite3_stmt *s, int col,
		    const char **out);

/*
 * Bind the next parameter to v sealed as column of row id (the sealed
 * copy lives in the job); NULL binds NULL.
 */
void		 store_sqlite_sealed(struct store_engine *e,
		    struct store_job *j, struct store_bind *b,
		    const char *column, int64_t id, const char *v);

/*
 * Open sealed column col of s, the value of column of row id, into the
 * job (*out NULL for a NULL column). Returns 0, or -1 (a value that does
 * not decrypt is logged by column and row) when it cannot.
 */
int		 store_sqlite_opened(struct store_engine *e,
		    struct store_job *j, sqlite3_stmt *s, int col,
		    const char *column, int64_t id, const char **out);

/*
 * Bring a database of schema 3 (fresh: just made) to schema 4: seal every
 * personal value under k, recompute the keyed hashes under k (carrying
 * unsafe marks and opt-outs over), drop the in-file hash key, record k's
 * check value; then, unless fresh, checkpoint and VACUUM the plaintext
 * away. Sets k->bound once committed. 0, or -1 with *cause set.
 */
int		 store_sqlite_crypt_migrate(struct store_engine *e,
		    struct store_keys *k, int fresh, const char *path,
		    char **cause);

/*
 * Whether k is the key the database was encrypted under: 0 (k->bound
 * set), or -1 with *cause set.
 */
int		 store_sqlite_crypt_check(struct store_engine *e,
		    struct store_keys *k, const char *path, char **cause);

/*
 * The backend's backup operation (store_sqlite_backup.c): copy the
 * database at path, which a daemon may be using, into the new file dest
 * under the key of key_file. 0 with the pages copied in *pages, or -1
 * with *cause set and no file left.
 */
int		 store_sqlite_backup(const char *path, const char *key_file,
		    const char *dest, int64_t *pages, char **cause);

/*
 * Bring a database of schema 4 (fresh: just made) to schema 5: the unsafe
 * marks and opt-outs keep the number behind their keyed hash, sealed
 * under k, so that a new key can hash it again; for a row of schema 4 the
 * number is looked for among the requests and texts (a row whose number
 * is nowhere keeps none). 0, or -1 with *cause set.
 */
int		 store_sqlite_crypt_keep_numbers(struct store_engine *e,
		    const struct store_keys *k, int fresh, const char *path,
		    char **cause);

/* Whether a key rotation is half done (meta says so): 1, 0, or -1. */
int		 store_sqlite_crypt_rotating(struct store_engine *e);

/* The integer a query of one integer answers on db, or -1. */
int64_t		 store_sqlite_crypt_int(sqlite3 *db, const char *sql);

/*
 * Bind parameter p of upd to the keyed hash (under secret, into h) of the
 * number v, or to NULL when v is NULL or "". SQLite's result.
 */
int		 store_sqlite_crypt_hash(sqlite3_stmt *upd, int p,
		    const uint8_t *secret, const char *v, uint8_t *h);

/*
 * The end of one row of a whole-table pass: bind id to parameter p of
 * upd, step it unless rc (the row's result so far) is an error, and reset
 * it for the next row. SQLite's result.
 */
int		 store_sqlite_crypt_write(sqlite3_stmt *upd, int p, int64_t id,
		    int rc);

/*
 * The end of a whole-table pass: finalize sel and upd (either may be
 * NULL). rc, with SQLITE_DONE (sel ran out) as SQLITE_OK.
 */
int		 store_sqlite_crypt_finish(sqlite3_stmt *sel,
		    sqlite3_stmt *upd, int rc);

/* The next row id of table i's statement (ST_*_NEXT_ID): 0, or -1. */
int		 store_sqlite_next_id(struct store_engine *e, enum store_stmt i,
		    int64_t *id);

/* Read the STORE_CB_COLS of the current row from column c on into r. */
int		 store_sqlite_row(struct store_engine *e, struct store_job *j,
		    sqlite3_stmt *s, int c, struct store_callback *r);

/* Fill result element p of the job from the current row of s: 0 or -1. */
typedef int	(*store_sqlite_fill_fn)(struct store_engine *e,
		    struct store_job *j, sqlite3_stmt *s, void *p);

/*
 * Step a bound query and append a zeroed result element of size elem to
 * the job for each row, filled by fill. Returns SQLITE_OK, or an error
 * (SQLITE_NOMEM when an element cannot be made or filled).
 */
int		 store_sqlite_each(struct store_engine *e, struct store_job *j,
		    struct store_bind *b, size_t elem,
		    store_sqlite_fill_fn fill);

/* A store_sqlite_fill_fn of callback rows (STORE_CB_COLS from column 0). */
int		 store_sqlite_fill_row(struct store_engine *e,
		    struct store_job *j, sqlite3_stmt *s, void *p);

/* store_sqlite_each of callback rows (STORE_CB_COLS). */
int		 store_sqlite_rows(struct store_engine *e, struct store_job *j,
		    struct store_bind *b);

/*
 * Run listing query i with its parameters (v, j->max), each row filled
 * into the job's results by fill: STORE_OK, or STORE_ERR (logged as what).
 */
enum store_rc	 store_sqlite_list(struct store_engine *e, struct store_job *j,
		    enum store_stmt i, int64_t v, size_t elem,
		    store_sqlite_fill_fn fill, const char *what);

/*
 * Step a bound query of at most one row, read its first column into *v
 * (untouched without a row) and reset it: SQLITE_ROW, SQLITE_DONE or an
 * error.
 */
int		 store_sqlite_one(struct store_bind *b, int64_t *v);

/* Copy the case reference in column col of s into ref: 0, or -1. */
int		 store_sqlite_ref(sqlite3_stmt *s, int col,
		    char ref[STORE_REF_SIZE]);

/* Append the one row of ref, id or dedup (whichever statement i takes). */
int		 store_sqlite_fetch(struct store_engine *e, struct store_job *j,
		    enum store_stmt i, const char *ref, int64_t id);

/*
 * Why a write of request id's row changed nothing (its condition did not
 * hold): STORE_CONFLICT with the row appended to the job's results,
 * STORE_NOTFOUND when there is no such row, or STORE_ERR (logged as what).
 */
enum store_rc	 store_sqlite_unchanged(struct store_engine *e,
		    struct store_job *j, int64_t id, const char *what);

/*
 * Record a history event of request id (its detail sealed, in the job's
 * memory), and count it in the daily aggregates (store_sqlite_event.c).
 * SQLITE_OK or an error.
 */
int		 store_sqlite_event(struct store_engine *e, struct store_job *j,
		    int64_t id, int64_t at, const char *event,
		    const char *actor, const char *detail);

#endif
