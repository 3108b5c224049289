/* SPDX-License-Identifier: ISC */
/*
 * store_sqlite_rotate: key rotation in the SQLite backend. Every sealed
 * value is opened under the old key and sealed under the new, every
 * keyed hash of a number computed anew from the number beside it, in
 * transactions of a batch of rows that each also move the cursor kept in
 * meta, so a run killed at any point resumes where the last commit left
 * it. The key files are store.c's; the lock that keeps the daemon away is
 * dblock.c's.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <sqlite3.h>

#include "log.h"
#include "store_crypt.h"
#include "store_sqlite.h"

#define ROTATE_BATCH	200

/*
 * The tables to re-encrypt, with the columns hashed from their sealed
 * ones. Rows go by id (each select takes id > ? and LIMIT ?), so the
 * cursor is the last id done. The session ids' hashes (dedup) cannot be
 * hashed again: they are drawn anew, as when a request is retired; they
 * only fold a retried session into its request, and no session outlives
 * a stopped daemon.
 */
static const struct store_sqlite_sealed_table rotate_tables[] = {
	{ "callback",
	  "SELECT id, phone, safe_to_call, safe_number, \"window\", cover,"
	  " province, topic FROM callback WHERE id > ? ORDER BY id LIMIT ?",
	  STORE_SQLITE_CALLBACK_SEALED },
	{ "history",
	  "SELECT id, detail FROM history WHERE id > ?"
	  " ORDER BY id LIMIT ?",
	  STORE_SQLITE_HISTORY_SEALED },
	{ "sms_out",
	  "SELECT id, phone, text FROM sms_out WHERE id > ?"
	  " ORDER BY id LIMIT ?",
	  STORE_SQLITE_SMS_OUT_SEALED },
	{ "mark",
	  "SELECT id, number FROM mark WHERE id > ? ORDER BY id LIMIT ?",
	  "UPDATE mark SET number = ?, hash = ? WHERE id = ?",
	  { STORE_COL_MARK_NUMBER }, 1, { 0, -1 } },
	{ "sms_optout",
	  "SELECT id, number FROM sms_optout WHERE id > ?"
	  " ORDER BY id LIMIT ?",
	  "UPDATE sms_optout SET number = ?, key = ? WHERE id = ?",
	  { STORE_COL_OPTOUT_NUMBER }, 1, { 0, -1 } },
	{ "stats_answer",
	  "SELECT id, counts FROM stats_answer WHERE id > ?"
	  " ORDER BY id LIMIT ?",
	  "UPDATE stats_answer SET counts = ? WHERE id = ?",
	  { STORE_COL_STATS_COUNTS }, 1, { -1, -1 } },
};
#define ROTATE_NTABLES \
	((int64_t)(sizeof(rotate_tables) / sizeof(rotate_tables[0])))

/* Where a rotation stands, as meta keeps it. */
struct rotate_state {
	int64_t		 table;		/* index into rotate_tables */
	int64_t		 after;		/* the last row id done */
};

/* Run sql, or return its error with *cause set. */
static int
rotate_exec(sqlite3 *db, const char *sql, const char *path, char **cause)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	store_job_cause(cause, "%s: key rotation: %s", path,
	    sqlite3_errmsg(db));
	return -1;
}

/* Set meta key to a blob (len > 0) or an integer. SQLite's result. */
static int
rotate_meta(sqlite3 *db, const char *key, const void *blob, size_t len,
    int64_t v)
{
	sqlite3_stmt	*s = NULL;
	int		 rc;

	rc = sqlite3_prepare_v2(db, "INSERT INTO meta (key, value)"
	    " VALUES (?, ?) ON CONFLICT (key) DO UPDATE"
	    " SET value = excluded.value", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if (len > 0)
		sqlite3_bind_blob(s, 2, blob, (int)len, SQLITE_STATIC);
	else
		sqlite3_bind_int64(s, 2, v);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/*
 * Read the rotation's state: 1 when one is half done (its new key must be
 * next's), 0 when none is, -1 with *cause set.
 */
static int
rotate_read(sqlite3 *db, const struct store_keys *next,
    struct rotate_state *st, const char *path, char **cause)
{
	sqlite3_stmt	*s = NULL;
	uint8_t		 check[STORE_CRYPT_KEY_LEN];
	int		 found = 0, ok = 0;

	store_crypt_check(next, check);
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta"
	    " WHERE key = 'rotate_check'", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW) {
		found = 1;
		ok = sqlite3_column_bytes(s, 0) == (int)sizeof(check) &&
		    sodium_memcmp(sqlite3_column_blob(s, 0), check,
		    sizeof(check)) == 0;
	}
	sqlite3_finalize(s);
	if (!found)
		return 0;
	if (!ok) {
		store_job_cause(cause, "%s: the key rotation half done is to "
		    "another key than %s's", path, next->file);
		return -1;
	}
	st->table = store_sqlite_crypt_int(db, "SELECT value FROM meta"
	    " WHERE key = 'rotate_table'");
	st->after = store_sqlite_crypt_int(db, "SELECT value FROM meta"
	    " WHERE key = 'rotate_after'");
	if (st->table < 0 || st->table > ROTATE_NTABLES || st->after < 0) {
		store_job_cause(cause, "%s: the key rotation's state is "
		    "damaged", path);
		return -1;
	}
	return 1;
}

/* Record the cursor, in the transaction of the rows it covers. */
static int
rotate_write(sqlite3 *db, const struct rotate_state *st)
{
	int	 rc;

	rc = rotate_meta(db, "rotate_table", NULL, 0, st->table);
	if (rc == SQLITE_OK)
		rc = rotate_meta(db, "rotate_after", NULL, 0, st->after);
	return rc;
}

/*
 * Re-encrypt the value in column c of sel (sealed as column of row id)
 * from keys to next: bound to parameter p of upd (NULL stays NULL), the
 * plaintext left in *plain (the caller frees it, wiped). SQLite's result.
 */
static int
rotate_value(sqlite3_stmt *sel, sqlite3_stmt *upd, int c, int p,
    const char *column, int64_t id, const struct store_keys *keys,
    const struct store_keys *next, char **plain)
{
	const uint8_t	*v;
	uint8_t		*sealed;
	size_t		 len;
	int		 n;

	*plain = NULL;
	if (sqlite3_column_type(sel, c) == SQLITE_NULL) {
		sqlite3_bind_null(upd, p);
		return SQLITE_OK;
	}
	v = sqlite3_column_blob(sel, c);
	n = sqlite3_column_bytes(sel, c);
	if (sqlite3_column_type(sel, c) != SQLITE_BLOB || v == NULL ||
	    n < STORE_CRYPT_OVERHEAD)
		goto bad;
	len = (size_t)n - STORE_CRYPT_OVERHEAD;
	*plain = malloc(len + 1);
	sealed = malloc((size_t)n);
	if (*plain == NULL || sealed == NULL) {
		free(sealed);
		return SQLITE_NOMEM;
	}
	**plain = '\0';	/* for rotate_wipe, whatever happens next */
	if (store_crypt_open(keys->aead, column, id, v, (size_t)n,
	    *plain) == -1) {
		free(sealed);
		goto bad;
	}
	if (store_crypt_seal(next->aead, NULL, column, id, *plain, len,
	    sealed) == -1) {
		free(sealed);
		return SQLITE_ERROR;
	}
	sqlite3_bind_blob(upd, p, sealed, n, free);
	return SQLITE_OK;

bad:
	/* Names the value, never shows it. */
	log_warnx("store: key rotation: %s of row %lld does not decrypt "
	    "under the old key", column, (long long)id);
	return SQLITE_CORRUPT;
}

/* Free the plaintexts of a row, wiped. */
static void
rotate_wipe(char **plain, int n)
{
	int	 i;

	for (i = 0; i < n; i++) {
		if (plain[i] != NULL) {
			sodium_memzero(plain[i], strlen(plain[i]));
			free(plain[i]);
		}
		plain[i] = NULL;
	}
}

/*
 * Re-encrypt at most batch rows of table t after row *after; *after
 * becomes the last row done and *rows the count. SQLite's result.
 */
static int
rotate_batch(sqlite3 *db, const struct store_sqlite_sealed_table *t,
    const struct store_keys *keys, const struct store_keys *next,
    int64_t batch, int64_t *after, int64_t *rows)
{
	sqlite3_stmt	*sel = NULL, *upd = NULL;
	char		*plain[8] = { NULL };
	uint8_t		 h[2][STORE_DEDUP_LEN];
	int64_t		 id;
	int		 rc, c, i, p;

	*rows = 0;
	rc = sqlite3_prepare_v2(db, t->select, -1, &sel, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, t->update, -1, &upd, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(sel, 1, *after);
		sqlite3_bind_int64(sel, 2, batch);
	}
	while (rc == SQLITE_OK && (rc = sqlite3_step(sel)) == SQLITE_ROW) {
		rc = SQLITE_OK;
		id = sqlite3_column_int64(sel, 0);
		p = 1;
		for (c = 0; c < t->ncolumns && rc == SQLITE_OK; c++, p++)
			rc = rotate_value(sel, upd, 1 + c, p, t->columns[c],
			    id, keys, next, &plain[c]);
		for (i = 0; i < 2 && t->hashed[i] >= 0 && rc == SQLITE_OK;
		    i++, p++)
			rc = store_sqlite_crypt_hash(upd, p, next->hash,
			    plain[t->hashed[i]], h[i]);
		rc = store_sqlite_crypt_write(upd, p, id, rc);
		rotate_wipe(plain, t->ncolumns);
		if (rc == SQLITE_OK) {
			*after = id;
			(*rows)++;
		}
	}
	sodium_memzero(h, sizeof(h));
	return store_sqlite_crypt_finish(sel, upd, rc);
}

/*
 * Open every sealed value of table t under keys, changing nothing, so
 * that a value that does not decrypt stops the rotation before it began
 * rather than halfway; each is logged (by column and row) and counted in
 * *bad. SQLite's result.
 */
static int
rotate_scan(sqlite3 *db, const struct store_sqlite_sealed_table *t,
    const struct store_keys *keys, int64_t *bad)
{
	sqlite3_stmt	*sel = NULL;
	const uint8_t	*v;
	char		*plain;
	int64_t		 id;
	int		 rc, c, n;

	rc = sqlite3_prepare_v2(db, t->select, -1, &sel, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(sel, 1, 0);
	sqlite3_bind_int64(sel, 2, -1);
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		id = sqlite3_column_int64(sel, 0);
		for (c = 0; c < t->ncolumns; c++) {
			if (sqlite3_column_type(sel, 1 + c) == SQLITE_NULL)
				continue;
			v = sqlite3_column_blob(sel, 1 + c);
			n = sqlite3_column_bytes(sel, 1 + c);
			plain = n >= STORE_CRYPT_OVERHEAD ?
			    malloc((size_t)n - STORE_CRYPT_OVERHEAD + 1) : NULL;
			if (plain == NULL ||
			    sqlite3_column_type(sel, 1 + c) != SQLITE_BLOB ||
			    store_crypt_open(keys->aead, t->columns[c], id, v,
			    (size_t)n, plain) == -1) {
				log_warnx("store: key rotation: %s of row %lld "
				    "does not decrypt under the old key",
				    t->columns[c], (long long)id);
				(*bad)++;
			} else
				sodium_memzero(plain, (size_t)n -
				    STORE_CRYPT_OVERHEAD);
			free(plain);
		}
	}
	return store_sqlite_crypt_finish(sel, NULL, rc);
}

/* Sleep ms milliseconds (tests slow a rotation down to stop it). */
static void
rotate_pause(int ms)
{
	struct timespec	 ts;

	if (ms <= 0)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1)
		continue;
}

/*
 * Start (or go on with) the rotation: refuse values that do not decrypt,
 * and marks and opt-outs that keep no number unless force drops them;
 * forget the gateway ids seen; record next as the rotation's key. 0, or
 * -1 with *cause set.
 */
static int
rotate_begin(sqlite3 *db, const struct store_keys *keys,
    const struct store_keys *next, int resume, int force, const char *path,
    char **cause)
{
	uint8_t	 check[STORE_CRYPT_KEY_LEN];
	int64_t	 marks, outs, bad = 0, i;
	int	 rc;

	/* Rows behind a resumed cursor were scanned when it began. */
	for (i = 0; !resume && i < ROTATE_NTABLES; i++)
		if (rotate_scan(db, &rotate_tables[i], keys, &bad) !=
		    SQLITE_OK) {
			store_job_cause(cause, "%s: key rotation: %s", path,
			    sqlite3_errmsg(db));
			return -1;
		}
	if (bad > 0) {
		store_job_cause(cause, "%s: %lld values do not decrypt under "
		    "the old key (logged by column and row): not rotating, "
		    "nothing was changed", path, (long long)bad);
		return -1;
	}

	marks = store_sqlite_crypt_int(db, "SELECT count(*) FROM mark"
	    " WHERE number IS NULL");
	outs = store_sqlite_crypt_int(db, "SELECT count(*) FROM sms_optout"
	    " WHERE number IS NULL");
	if (marks < 0 || outs < 0) {
		store_job_cause(cause, "%s: key rotation: %s", path,
		    sqlite3_errmsg(db));
		return -1;
	}
	if ((marks > 0 || outs > 0) && !force) {
		store_job_cause(cause, "%s: %lld unsafe marks and %lld "
		    "opt-outs were made before schema 5 and keep no number, "
		    "so they cannot follow a new key; run hotlined -R -f to "
		    "drop them", path, (long long)marks, (long long)outs);
		return -1;
	}
	if (rotate_exec(db, "BEGIN IMMEDIATE", path, cause) == -1)
		return -1;
	rc = sqlite3_exec(db, "DELETE FROM mark WHERE number IS NULL;"
	    "DELETE FROM sms_optout WHERE number IS NULL;"
	    "DELETE FROM sms_seen", NULL, NULL, NULL);
	if (rc == SQLITE_OK && !resume) {
		struct rotate_state	 st = { 0, 0 };

		store_crypt_check(next, check);
		rc = rotate_meta(db, "rotate_check", check, sizeof(check), 0);
		if (rc == SQLITE_OK)
			rc = rotate_write(db, &st);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		store_job_cause(cause, "%s: key rotation: %s", path,
		    sqlite3_errmsg(db));
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	if (marks > 0 || outs > 0)
		log_warnx("store: %s: key rotation: dropped %lld unsafe marks "
		    "and %lld opt-outs that kept no number (-f)", path,
		    (long long)marks, (long long)outs);
	return 0;
}

/* The last transaction: the database is next's; the rotation is over. */
static int
rotate_end(sqlite3 *db, const struct store_keys *next, const char *path,
    char **cause)
{
	uint8_t	 check[STORE_CRYPT_KEY_LEN];
	int	 rc;

	store_crypt_check(next, check);
	if (rotate_exec(db, "BEGIN IMMEDIATE", path, cause) == -1)
		return -1;
	rc = rotate_meta(db, "key_check", check, sizeof(check), 0);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "DELETE FROM meta WHERE key IN"
		    " ('rotate_check', 'rotate_table', 'rotate_after');"
		    "DELETE FROM sms_seen; COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		store_job_cause(cause, "%s: key rotation: %s", path,
		    sqlite3_errmsg(db));
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	/* What the old key sealed: out of the WAL, then out of the file. */
	return rotate_exec(db, "PRAGMA wal_checkpoint(TRUNCATE); VACUUM;"
	    "PRAGMA wal_checkpoint(TRUNCATE)", path, cause);
}

/* Run the batches from where st says until the end or max_batches. */
static int
rotate_run(sqlite3 *db, const struct store_keys *keys,
    const struct store_keys *next, const struct store_rotate_opts *ro,
    struct rotate_state *st, int *finished, const char *path, char **cause)
{
	const struct store_sqlite_sealed_table	*t;
	int64_t					 batch, rows, after;
	size_t					 n = 0;
	int					 rc;

	batch = ro != NULL && ro->batch > 0 && ro->batch < INT32_MAX ?
	    (int64_t)ro->batch : ROTATE_BATCH;
	while (st->table < ROTATE_NTABLES) {
		if (ro != NULL && ro->max_batches > 0 && n == ro->max_batches)
			return 0;
		t = &rotate_tables[st->table];
		after = st->after;
		if (rotate_exec(db, "BEGIN IMMEDIATE", path, cause) == -1)
			return -1;
		rc = rotate_batch(db, t, keys, next, batch, &after, &rows);
		if (rows < batch) {
			st->table++;
			st->after = 0;
		} else
			st->after = after;
		if (rc == SQLITE_OK)
			rc = rotate_write(db, st);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		if (rc != SQLITE_OK) {
			store_job_cause(cause, "%s: key rotation: %s: %s",
			    path, t->name, rc == SQLITE_CORRUPT ?
			    "a value does not decrypt" : sqlite3_errmsg(db));
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
		n++;
		log_info("store: key rotation: %s: %lld rows up to row %lld "
		    "done", t->name, (long long)rows, (long long)after);
		rotate_pause(ro != NULL ? ro->pause_ms : 0);
	}
	if (rotate_end(db, next, path, cause) == -1)
		return -1;
	*finished = 1;
	return 0;
}

/* The backend's rotate: from keys to next, resumably. */
int
store_sqlite_rotate(const char *path, const struct store_opts *opts,
    struct store_keys *keys, struct store_keys *next,
    const struct store_rotate_opts *ro, int *finished, char **cause)
{
	struct store_engine	*e;
	struct rotate_state	 st = { 0, 0 };
	int			 resume, rc = -1;

	*finished = 0;
	e = store_sqlite_open_for(path, opts, keys, 1, cause);
	if (e == NULL && keys->mismatch) {
		/* Done but for the rename of the key file? */
		free(*cause);
		*cause = NULL;
		e = store_sqlite_open_for(path, opts, next, 1, cause);
		if (e == NULL) {
			if (next->mismatch) {
				free(*cause);
				*cause = NULL;
				store_job_cause(cause, "%s was encrypted "
				    "under neither %s's key nor %s's", path,
				    keys->file, next->file);
			}
			return -1;
		}
		if (store_sqlite_crypt_rotating(e) != 0) {
			store_job_cause(cause, "%s: the key rotation's state "
			    "is damaged", path);
			goto out;
		}
		log_info("store: %s is under %s's key already", path,
		    next->file);
		*finished = 1;
		rc = 0;
		goto out;
	}
	if (e == NULL)
		return -1;
	resume = rotate_read(e->conn, next, &st, path, cause);
	if (resume == -1)
		goto out;
	if (resume)
		log_info("store: %s: resuming the key rotation at %s, after "
		    "row %lld", path, st.table < ROTATE_NTABLES ?
		    rotate_tables[st.table].name : "the end",
		    (long long)st.after);
	if (rotate_begin(e->conn, keys, next, resume, ro != NULL && ro->force,
	    path, cause) == -1)
		goto out;
	next->bound = 1;
	rc = rotate_run(e->conn, keys, next, ro, &st, finished, path, cause);
out:
	store_sqlite_close(e);
	return rc;
}
