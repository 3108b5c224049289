/* SPDX-License-Identifier: ISC */
/*
 * store_sqlite: the inside of the SQLite backend, shared by its files:
 * store_sqlite.c (opening, PRAGMAs, migrations, the SQL text),
 * store_sql_sqlite.c (its driver of the statements, store_sql.h),
 * store_sqlite_crypt.c, store_sqlite_rotate.c, store_sqlite_backup.c and
 * store_sqlite_stats.c (reading the daily aggregates back read-only).
 * Every function here runs on the writer thread, or at open before it
 * starts (store_sqlite_stats_read: in hotlinectl). Nothing outside the
 * backend includes it: the store sees only include/store_backend.h.
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
#include "store_sql.h"

struct stats_count;

#define STORE_SCHEMA	8	/* PRAGMA user_version of a current file */

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

/* The SQLite driver of the statements (store_sql_sqlite.c). */
extern const struct store_sql_ops	store_sql_sqlite;

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
void		 store_sqlite_checkpoint(struct store_engine *e);
void		 store_sqlite_count_commits(struct store_engine *e,
		    atomic_ulong *counter);

/* The backend's stats_read (store_sqlite_stats.c). */
int		 store_sqlite_stats_read(const char *path,
		    const struct store_opts *opts, const char *key_file,
		    const char *from, const char *to, store_stats_row_cb cb,
		    void *arg, char **cause);

/* The backend's rotate (store_sqlite_rotate.c). */
int		 store_sqlite_rotate(const char *path,
		    const struct store_opts *opts, struct store_keys *keys,
		    struct store_keys *next, const struct store_rotate_opts *ro,
		    int *finished, char **cause);

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

#endif
