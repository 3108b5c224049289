/* SPDX-License-Identifier: ISC */
/*
 * store_sqlite_crypt: encryption at rest in the SQLite backend. Personal
 * columns (store_sql.h lists them) hold nonce || ciphertext || tag
 * blobs sealed to their table, column and row id (store_sql.c binds and
 * reads them). This file checks at open that the key file is
 * the database's, and migrates a plaintext database (schema 3 and older)
 * to schema 4: every value sealed in place, the keyed hashes recomputed
 * under the key file, the old in-file hash key dropped.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "log.h"
#include "store_crypt.h"
#include "store_sqlite.h"

/*
 * The personal columns as the migration seals them: each select reads
 * the old hashes after the columns.
 */
static const struct store_sqlite_sealed_table store_crypt_tables[] = {
	{ "callback",
	  "SELECT id, phone, safe_to_call, safe_number, \"window\", cover,"
	  " province, topic, phone_hash, safe_hash FROM callback",
	  STORE_SQLITE_CALLBACK_SEALED },
	{ "sms_out",
	  "SELECT id, phone, text, phone_key FROM sms_out",
	  STORE_SQLITE_SMS_OUT_SEALED },
	{ "history",
	  "SELECT id, detail FROM history WHERE detail IS NOT NULL",
	  STORE_SQLITE_HISTORY_SEALED },
};

/* Remember that the number hashed old (under the in-file key) is now new. */
static int
store_crypt_map(sqlite3 *db, sqlite3_stmt *map, sqlite3_stmt *sel, int col,
    const uint8_t *new)
{
	int	 rc;

	(void)db;
	if (sqlite3_column_bytes(sel, col) != STORE_DEDUP_LEN)
		return SQLITE_OK;
	sqlite3_bind_blob(map, 1, sqlite3_column_blob(sel, col),
	    STORE_DEDUP_LEN, SQLITE_TRANSIENT);
	sqlite3_bind_blob(map, 2, new, STORE_DEDUP_LEN, SQLITE_TRANSIENT);
	rc = sqlite3_step(map);
	sqlite3_reset(map);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Seal every personal value of table t in place; hash its numbers anew. */
static int
store_crypt_table(struct store_engine *e, const struct store_keys *k,
    const struct store_sqlite_sealed_table *t, sqlite3_stmt *map, int *rows)
{
	sqlite3_stmt	*sel = NULL, *upd = NULL;
	uint8_t		*sealed[8] = { NULL };
	uint8_t		 h[2][STORE_DEDUP_LEN];
	const char	*v;
	int64_t		 id;
	size_t		 len;
	int		 rc, c, i, p, nh = 0;

	for (i = 0; i < 2; i++)
		nh += t->hashed[i] >= 0;
	rc = sqlite3_prepare_v2(e->conn, t->select, -1, &sel, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(e->conn, t->update, -1, &upd, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(sel)) == SQLITE_ROW) {
		rc = SQLITE_OK;
		id = sqlite3_column_int64(sel, 0);
		p = 1;
		for (c = 0; c < t->ncolumns && rc == SQLITE_OK; c++, p++) {
			v = (const char *)sqlite3_column_text(sel, 1 + c);
			if (v == NULL) {
				sqlite3_bind_null(upd, p);
				continue;
			}
			len = (size_t)sqlite3_column_bytes(sel, 1 + c);
			sealed[c] = malloc(len + STORE_CRYPT_OVERHEAD);
			if (sealed[c] == NULL || store_crypt_seal(k->aead, NULL,
			    t->columns[c], id, v, len, sealed[c]) == -1)
				rc = SQLITE_NOMEM;
			else
				sqlite3_bind_blob(upd, p, sealed[c],
				    (int)(len + STORE_CRYPT_OVERHEAD),
				    SQLITE_STATIC);
		}
		for (i = 0; i < nh && rc == SQLITE_OK; i++, p++) {
			v = (const char *)sqlite3_column_text(sel,
			    1 + t->hashed[i]);
			rc = store_sqlite_crypt_hash(upd, p, k->hash, v, h[i]);
			if (rc == SQLITE_OK && v != NULL && *v != '\0')
				rc = store_crypt_map(e->conn, map, sel,
				    1 + t->ncolumns + i, h[i]);
		}
		rc = store_sqlite_crypt_write(upd, p, id, rc);
		for (c = 0; c < t->ncolumns; c++) {
			free(sealed[c]);
			sealed[c] = NULL;
		}
		(*rows)++;
	}
	sodium_memzero(h, sizeof(h));
	return store_sqlite_crypt_finish(sel, upd, rc);
}

/* The integer of a query of one integer, or -1. */
int64_t
store_sqlite_crypt_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*s = NULL;
	int64_t		 n = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

/* Bind the keyed hash of number v, or NULL for none. */
int
store_sqlite_crypt_hash(sqlite3_stmt *upd, int p, const uint8_t *secret,
    const char *v, uint8_t *h)
{
	if (v == NULL || *v == '\0')
		return sqlite3_bind_null(upd, p);
	if (store_job_hash_number(secret, v, h) == -1)
		return SQLITE_ERROR;
	return sqlite3_bind_blob(upd, p, h, STORE_DEDUP_LEN, SQLITE_STATIC);
}

/* Write a row's update (its id last) unless the row failed already. */
int
store_sqlite_crypt_write(sqlite3_stmt *upd, int p, int64_t id, int rc)
{
	sqlite3_bind_int64(upd, p, id);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(upd);
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	sqlite3_reset(upd);
	sqlite3_clear_bindings(upd);
	return rc;
}

/* Finalize a pass's statements; a select run to its end is success. */
int
store_sqlite_crypt_finish(sqlite3_stmt *sel, sqlite3_stmt *upd, int rc)
{
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/*
 * Carry the unsafe marks and the opt-outs over to the new hashes of the
 * same numbers (known from the requests and texts that hold them); any
 * other is dropped, and counted into *lost.
 */
static int
store_crypt_rehash(sqlite3 *db, int64_t *lost)
{
	int64_t	 before, after;
	int	 rc;

	before = store_sqlite_crypt_int(db, "SELECT"
	    " (SELECT count(*) FROM mark) + (SELECT count(*) FROM sms_optout)");
	rc = sqlite3_exec(db,
	    "CREATE TEMP TABLE keep (hash BLOB PRIMARY KEY, kind TEXT,"
	    " at INTEGER);"
	    "INSERT OR IGNORE INTO temp.keep SELECT h.new, m.kind,"
	    " m.created_at FROM mark m JOIN temp.hmap h ON h.old = m.hash;"
	    "DELETE FROM mark;"
	    "INSERT INTO mark (hash, kind, created_at)"
	    " SELECT hash, kind, at FROM temp.keep;"
	    "DELETE FROM temp.keep;"
	    "INSERT OR IGNORE INTO temp.keep SELECT h.new, NULL, o.at"
	    " FROM sms_optout o JOIN temp.hmap h ON h.old = o.key;"
	    "DELETE FROM sms_optout;"
	    "INSERT INTO sms_optout (key, at) SELECT hash, at FROM temp.keep;"
	    "DROP TABLE temp.keep;"
	    "DROP TABLE temp.hmap;", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return rc;
	after = store_sqlite_crypt_int(db, "SELECT"
	    " (SELECT count(*) FROM mark) + (SELECT count(*) FROM sms_optout)");
	*lost = before >= 0 && after >= 0 ? before - after : 0;
	return SQLITE_OK;
}

/* Write the key's check value into meta. */
static int
store_crypt_put_check(sqlite3 *db, const struct store_keys *k)
{
	sqlite3_stmt	*s = NULL;
	uint8_t		 check[STORE_CRYPT_KEY_LEN];
	int		 rc;

	store_crypt_check(k, check);
	rc = sqlite3_prepare_v2(db, "INSERT INTO meta (key, value)"
	    " VALUES ('key_check', ?) ON CONFLICT (key) DO UPDATE"
	    " SET value = excluded.value", -1, &s, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_blob(s, 1, check, sizeof(check), SQLITE_STATIC);
		rc = sqlite3_step(s);
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	sqlite3_finalize(s);
	return rc;
}

/* Migrate a plaintext database to schema 4, in one transaction. */
int
store_sqlite_crypt_migrate(struct store_engine *e, struct store_keys *k,
    int fresh, const char *path, char **cause)
{
	sqlite3_stmt	*map = NULL;
	int64_t		 lost = 0;
	size_t		 i;
	int		 rc, rows = 0;

	rc = sqlite3_exec(e->conn, "BEGIN IMMEDIATE;"
	    "CREATE TEMP TABLE hmap (old BLOB PRIMARY KEY, new BLOB NOT NULL)",
	    NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(e->conn, "INSERT OR IGNORE INTO"
		    " temp.hmap (old, new) VALUES (?, ?)", -1, &map, NULL);
	for (i = 0; rc == SQLITE_OK && i < sizeof(store_crypt_tables) /
	    sizeof(store_crypt_tables[0]); i++)
		rc = store_crypt_table(e, k, &store_crypt_tables[i], map,
		    &rows);
	sqlite3_finalize(map);
	if (rc == SQLITE_OK)
		rc = store_crypt_rehash(e->conn, &lost);
	/* Seen ids were hashed under the in-file key: they cannot follow. */
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(e->conn, "DELETE FROM sms_seen;"
		    "DELETE FROM meta WHERE key = 'dedup_key'", NULL, NULL,
		    NULL);
	if (rc == SQLITE_OK)
		rc = store_crypt_put_check(e->conn, k);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(e->conn, "PRAGMA user_version = 4; COMMIT",
		    NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		store_job_cause(cause, "%s: encrypting: %s", path,
		    sqlite3_errmsg(e->conn));
		sqlite3_exec(e->conn, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	k->bound = 1;
	if (fresh)
		return 0;
	log_info("store: %s: schema migrated to version 4: %d rows "
	    "encrypted under %s", path, rows, k->file);
	if (lost > 0)
		log_warnx("store: %s: %lld unsafe marks or opt-outs had no "
		    "request or text left to carry them over, dropped", path,
		    (long long)lost);
	/* The plaintext pages: out of the WAL, then out of the file. */
	if (sqlite3_exec(e->conn, "PRAGMA wal_checkpoint(TRUNCATE); VACUUM;"
	    "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) != SQLITE_OK) {
		store_job_cause(cause, "%s: vacuum after encrypting: %s", path,
		    sqlite3_errmsg(e->conn));
		return -1;
	}
	return 0;
}

/* Whether k is the key the database was encrypted under. */
int
store_sqlite_crypt_check(struct store_engine *e, struct store_keys *k,
    const char *path, char **cause)
{
	sqlite3_stmt	*s = NULL;
	uint8_t		 check[STORE_CRYPT_KEY_LEN];
	int		 rc, ok = 0;

	store_crypt_check(k, check);
	rc = sqlite3_prepare_v2(e->conn, "SELECT value FROM meta"
	    " WHERE key = 'key_check'", -1, &s, NULL);
	if (rc == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		ok = sqlite3_column_bytes(s, 0) == (int)sizeof(check) &&
		    sodium_memcmp(sqlite3_column_blob(s, 0), check,
		    sizeof(check)) == 0;
	sqlite3_finalize(s);
	sodium_memzero(check, sizeof(check));
	if (!ok) {
		store_job_cause(cause, "%s was encrypted under another key "
		    "than %s's", path, k->file);
		k->mismatch = 1;
		return -1;
	}
	k->bound = 1;
	return 0;
}

/* Where the number behind a keyed hash may still be found, sealed. */
struct store_crypt_source {
	const char	*select;	/* id, the sealed number; by hash */
	const char	*column;	/* its associated data name */
};

/* A table of keyed hashes that schema 5 gives a sealed number. */
struct store_crypt_keyed {
	const char	*select;	/* id, hash of rows without number */
	const char	*update;	/* number, id */
	const char	*column;
	struct store_crypt_source sources[2];
};

static const struct store_crypt_keyed store_crypt_keyed[] = {
	{ "SELECT id, hash FROM mark WHERE number IS NULL",
	  "UPDATE mark SET number = ? WHERE id = ?", STORE_COL_MARK_NUMBER,
	  { { "SELECT id, phone FROM callback WHERE phone_hash = ?",
	      STORE_COL_PHONE },
	    { "SELECT id, safe_number FROM callback WHERE safe_hash = ?",
	      STORE_COL_SAFE_NUMBER } } },
	{ "SELECT id, key FROM sms_optout WHERE number IS NULL",
	  "UPDATE sms_optout SET number = ? WHERE id = ?",
	  STORE_COL_OPTOUT_NUMBER,
	  { { "SELECT id, phone FROM sms_out WHERE phone_key = ?",
	      STORE_COL_SMS_PHONE },
	    { "SELECT id, phone FROM callback WHERE phone_hash = ?",
	      STORE_COL_PHONE } } },
};

/*
 * Find the number behind hash h in one of the rows of src that carry it
 * (opened under k and hashed again to be sure) into out: 1, 0 if none.
 */
static int
store_crypt_find(sqlite3 *db, const struct store_keys *k,
    const struct store_crypt_source *src, const void *h, char *out,
    size_t size)
{
	sqlite3_stmt	*s = NULL;
	uint8_t		 again[STORE_DEDUP_LEN];
	const uint8_t	*v;
	int		 len, found = 0;

	if (sqlite3_prepare_v2(db, src->select, -1, &s, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_blob(s, 1, h, STORE_DEDUP_LEN, SQLITE_STATIC);
	while (!found && sqlite3_step(s) == SQLITE_ROW) {
		v = sqlite3_column_blob(s, 1);
		len = sqlite3_column_bytes(s, 1);
		if (v == NULL || len < STORE_CRYPT_OVERHEAD ||
		    (size_t)len - STORE_CRYPT_OVERHEAD >= size ||
		    store_crypt_open(k->aead, src->column,
		    sqlite3_column_int64(s, 0), v, (size_t)len, out) == -1)
			continue;
		found = store_job_hash_number(k->hash, out, again) == 0 &&
		    sodium_memcmp(again, h, sizeof(again)) == 0;
	}
	sqlite3_finalize(s);
	return found;
}

/* Give the rows of t without a number the one found elsewhere, sealed. */
static int
store_crypt_recover(sqlite3 *db, const struct store_keys *k,
    const struct store_crypt_keyed *t, int *rows)
{
	sqlite3_stmt	*sel = NULL, *upd = NULL;
	char		 number[256];
	uint8_t		 sealed[sizeof(number) + STORE_CRYPT_OVERHEAD];
	int64_t		 id;
	size_t		 i, len;
	int		 rc, found;

	rc = sqlite3_prepare_v2(db, t->select, -1, &sel, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, t->update, -1, &upd, NULL);
	while (rc == SQLITE_OK && (rc = sqlite3_step(sel)) == SQLITE_ROW) {
		rc = SQLITE_OK;
		if (sqlite3_column_bytes(sel, 1) != STORE_DEDUP_LEN)
			continue;
		id = sqlite3_column_int64(sel, 0);
		found = 0;
		for (i = 0; !found && i < 2; i++)
			found = store_crypt_find(db, k, &t->sources[i],
			    sqlite3_column_blob(sel, 1), number,
			    sizeof(number));
		if (!found)
			continue;
		len = strlen(number);
		if (store_crypt_seal(k->aead, NULL, t->column, id, number, len,
		    sealed) == -1) {
			rc = SQLITE_ERROR;
			break;
		}
		sqlite3_bind_blob(upd, 1, sealed,
		    (int)(len + STORE_CRYPT_OVERHEAD), SQLITE_STATIC);
		rc = store_sqlite_crypt_write(upd, 2, id, SQLITE_OK);
		(*rows)++;
	}
	sodium_memzero(number, sizeof(number));
	return store_sqlite_crypt_finish(sel, upd, rc);
}

/* Schema 5's tables of unsafe marks and opt-outs, with their rows. */
static const char store_crypt_schema5[] =
	"CREATE TABLE mark5 ("
	" id INTEGER PRIMARY KEY,"
	" hash BLOB UNIQUE NOT NULL,"
	" number BLOB,"
	" kind TEXT NOT NULL,"
	" created_at INTEGER NOT NULL);"
	"INSERT INTO mark5 (hash, kind, created_at)"
	" SELECT hash, kind, created_at FROM mark ORDER BY created_at;"
	"DROP TABLE mark;"
	"ALTER TABLE mark5 RENAME TO mark;"
	"CREATE TABLE sms_optout5 ("
	" id INTEGER PRIMARY KEY,"
	" key BLOB UNIQUE NOT NULL,"
	" number BLOB,"
	" at INTEGER NOT NULL);"
	"INSERT INTO sms_optout5 (key, at)"
	" SELECT key, at FROM sms_optout ORDER BY at;"
	"DROP TABLE sms_optout;"
	"ALTER TABLE sms_optout5 RENAME TO sms_optout;";

/* Schema 4 to 5, in one transaction: numbers beside marks and opt-outs. */
int
store_sqlite_crypt_keep_numbers(struct store_engine *e,
    const struct store_keys *k, int fresh, const char *path, char **cause)
{
	int64_t	 left;
	size_t	 i;
	int	 rc, rows = 0;

	rc = sqlite3_exec(e->conn, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(e->conn, store_crypt_schema5, NULL, NULL,
		    NULL);
	for (i = 0; rc == SQLITE_OK && i < sizeof(store_crypt_keyed) /
	    sizeof(store_crypt_keyed[0]); i++)
		rc = store_crypt_recover(e->conn, k, &store_crypt_keyed[i],
		    &rows);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(e->conn, "PRAGMA user_version = 5; COMMIT",
		    NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		store_job_cause(cause, "%s: schema 5: %s", path,
		    sqlite3_errmsg(e->conn));
		sqlite3_exec(e->conn, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	if (fresh)
		return 0;
	log_info("store: %s: schema migrated to version 5: %d unsafe marks "
	    "or opt-outs keep their number", path, rows);
	left = store_sqlite_crypt_int(e->conn, "SELECT (SELECT count(*) FROM"
	    " mark WHERE number IS NULL) + (SELECT count(*) FROM sms_optout"
	    " WHERE number IS NULL)");
	if (left > 0)
		log_warnx("store: %s: %lld unsafe marks or opt-outs have no "
		    "number left to keep: a key rotation (hotlined -R) "
		    "needs -f to drop them", path, (long long)left);
	/* The old tables' pages: out of the WAL (step 4 left it empty). */
	if (sqlite3_exec(e->conn, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL,
	    NULL) != SQLITE_OK) {
		store_job_cause(cause, "%s: checkpoint after schema 5: %s",
		    path, sqlite3_errmsg(e->conn));
		return -1;
	}
	return 0;
}

/* Whether a key rotation is half done: 1, 0, or -1 on error. */
int
store_sqlite_crypt_rotating(struct store_engine *e)
{
	int64_t	 n;

	n = store_sqlite_crypt_int(e->conn, "SELECT count(*) FROM meta"
	    " WHERE key = 'rotate_check'");
	return n < 0 ? -1 : n > 0;
}
