/* SPDX-License-Identifier: ISC */
/*
 * store_migrate_file: the tables hotlinectl migrate-store copies, as
 * both schemas make them, and the SQLite file it copies from, opened
 * read-only and checked before the database is touched: a current
 * hotlined database, under the key, no rotation half done, no table or
 * column this copy would leave behind. It reads no row.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "store_crypt.h"
#include "store_job.h"
#include "store_migrate_file.h"
#include "store_sqlite.h"


#define I(n)	{ n, SMT_INT }
#define T(n)	{ n, SMT_TEXT }
#define B(n)	{ n, SMT_BLOB }
#define NCOLS(a)	((int)(sizeof(a) / sizeof(a[0])))

static const struct store_migrate_col mig_meta[] = {
	T("key"), B("value")
};
static const struct store_migrate_col mig_callback[] = {
	I("id"), T("ref"), B("dedup"), T("channel"), B("phone"),
	B("safe_to_call"), B("safe_number"), B("window"), B("cover"),
	I("urgent"), B("province"), B("topic"), T("lang"), I("state"),
	T("claimed_by"), T("outcome"), I("created_at"), I("updated_at"),
	I("next_action_at"), I("rounds"), I("failures"), B("phone_hash"),
	B("safe_hash"), I("attempts"), I("asked_again"), I("warn_unsafe"),
	I("intake"), T("session_end"), T("reason"), I("claimed_at"),
	I("call_from"), I("stats_flags")
};
static const struct store_migrate_col mig_history[] = {
	I("id"), I("callback_id"), I("at"), T("event"), T("actor"),
	B("detail")
};
static const struct store_migrate_col mig_outbox[] = {
	I("id"), I("callback_id"), T("recipient"), T("transport"),
	I("target"), T("kind"), I("attempts"), I("next_at"), T("msg_id"),
	I("state"), T("last_error"), I("created_at")
};
static const struct store_migrate_col mig_mark[] = {
	I("id"), B("hash"), B("number"), T("kind"), I("created_at")
};
static const struct store_migrate_col mig_sms_out[] = {
	I("id"), T("channel"), B("phone"), B("phone_key"), B("text"),
	T("msg_id"), I("state"), I("attempts"), I("next_at"), I("parts"),
	T("encoding"), T("gateway_id"), T("error"), T("report"),
	I("created_at"), I("updated_at")
};
static const struct store_migrate_col mig_sms_seen[] = {
	B("key"), I("at")
};
static const struct store_migrate_col mig_sms_optout[] = {
	I("id"), B("key"), B("number"), I("at")
};
static const struct store_migrate_col mig_stats_day[] = {
	T("day"), T("channel"), T("metric"), T("key"), I("count")
};
static const struct store_migrate_col mig_stats_caller[] = {
	T("month"), B("hash")
};
static const struct store_migrate_col mig_stats_answer[] = {
	I("id"), T("month"), T("channel"), T("metric"), B("counts")
};

/*
 * Every table, parents before the tables that refer to them. A floor
 * ("floor.<table>" in meta) is how SQLite keeps a deleted row's id from
 * being given again; in PostgreSQL the table's sequence does that, so
 * floors are not copied but raise the sequences.
 */
const struct store_migrate_tab store_migrate_tabs[STORE_MIGRATE_NTABS] = {
	{ "meta", mig_meta, NCOLS(mig_meta), 1,
	  "\"key\" NOT GLOB 'floor.*'", 0 },
	{ "callback", mig_callback, NCOLS(mig_callback), 1, NULL, 1 },
	{ "history", mig_history, NCOLS(mig_history), 1, NULL, 1 },
	{ "outbox", mig_outbox, NCOLS(mig_outbox), 1, NULL, 1 },
	{ "mark", mig_mark, NCOLS(mig_mark), 1, NULL, 1 },
	{ "sms_out", mig_sms_out, NCOLS(mig_sms_out), 1, NULL, 1 },
	{ "sms_seen", mig_sms_seen, NCOLS(mig_sms_seen), 1, NULL, 0 },
	{ "sms_optout", mig_sms_optout, NCOLS(mig_sms_optout), 1, NULL, 1 },
	{ "stats_day", mig_stats_day, NCOLS(mig_stats_day), 4, NULL, 0 },
	{ "stats_caller", mig_stats_caller, NCOLS(mig_stats_caller), 2,
	  NULL, 0 },
	{ "stats_answer", mig_stats_answer, NCOLS(mig_stats_answer), 1,
	  NULL, 1 },
};
#undef I
#undef T
#undef B

/* The one integer of sql on the file, or -1. */
int64_t
store_migrate_file_int(sqlite3 *db, const char *sql)
{
	return store_sqlite_crypt_int(db, sql);
}

/*
 * Whether the file has t with exactly its columns, in order. 1, 0, or -1
 * (error).
 */
static int
mig_has_table(sqlite3 *db, const struct store_migrate_tab *t)
{
	sqlite3_stmt	*s = NULL;
	const char	*name;
	int		 c = 0, ok = 1;

	if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?)"
	    " ORDER BY cid", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, t->name, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(s, 0);
		if (c >= t->ncols || name == NULL ||
		    strcmp(name, t->cols[c].name) != 0)
			ok = 0;
		c++;
	}
	sqlite3_finalize(s);
	return ok && c == t->ncols;
}

/*
 * Whether name is a table this copy knows (or SQLite's own). The session
 * states are live conversations of daemons sharing a database, not
 * copied: a file's is always empty (its one daemon keeps them in
 * memory).
 */
static int
mig_known(const char *name)
{
	int	 i;

	if (strncmp(name, "sqlite_", 7) == 0 ||
	    strcmp(name, "session_state") == 0)
		return 1;
	for (i = 0; i < STORE_MIGRATE_NTABS; i++)
		if (strcmp(name, store_migrate_tabs[i].name) == 0)
			return 1;
	return 0;
}

/*
 * The file's tables are the ones this copy knows, each with its
 * columns: a table or column it would leave behind is refused. 0, or -1.
 */
static int
mig_source_tables(sqlite3 *db, const char *path, char **cause)
{
	sqlite3_stmt	*s = NULL;
	const char	*name;
	int		 i, rc = 0;

	if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master"
	    " WHERE type = 'table' ORDER BY name", -1, &s, NULL) !=
	    SQLITE_OK) {
		store_job_cause(cause, "%s: %s", path,
		    sqlite3_errmsg(db));
		return -1;
	}
	while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
		name = (const char *)sqlite3_column_text(s, 0);
		if (name != NULL && !mig_known(name)) {
			store_job_cause(cause, "%s: table %s is unknown to "
			    "this hotlinectl: nothing copied", path, name);
			rc = -1;
		}
	}
	sqlite3_finalize(s);
	for (i = 0; rc == 0 && i < STORE_MIGRATE_NTABS; i++)
		if (mig_has_table(db, &store_migrate_tabs[i]) != 1) {
			store_job_cause(cause, "%s: table %s is missing or has "
			    "other columns than this hotlinectl knows: nothing "
			    "copied", path, store_migrate_tabs[i].name);
			rc = -1;
		}
	return rc;
}

/* Whether the file's key check is keys'. 1, 0, or -1 (error). */
static int
mig_source_key(sqlite3 *db, const struct store_keys *keys)
{
	sqlite3_stmt	*s = NULL;
	uint8_t		 check[STORE_CRYPT_KEY_LEN];
	int		 ok = -1;

	store_crypt_check(keys, check);
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta"
	    " WHERE key = 'key_check'", -1, &s, NULL) == SQLITE_OK) {
		ok = 0;
		if (sqlite3_step(s) == SQLITE_ROW)
			ok = sqlite3_column_bytes(s, 0) ==
			    (int)sizeof(check) &&
			    sodium_memcmp(sqlite3_column_blob(s, 0), check,
			    sizeof(check)) == 0;
	}
	sqlite3_finalize(s);
	sodium_memzero(check, sizeof(check));
	return ok;
}

/* Open the file read-only and check it; begin the copy's snapshot. */
sqlite3 *
store_migrate_file_open(const char *path, const struct store_keys *keys,
    char **cause)
{
	struct stat	 sb;
	sqlite3		*db = NULL;
	int64_t		 v, n;

	if (stat(path, &sb) == -1) {
		store_job_cause(cause, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (!S_ISREG(sb.st_mode)) {
		store_job_cause(cause, "%s: not a file", path);
		return NULL;
	}
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		store_job_cause(cause, "%s: %s", path, db != NULL ?
		    sqlite3_errmsg(db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(db, 5000);
	/* One snapshot: every later read sees the file as it is now. */
	if (sqlite3_exec(db, "BEGIN; SELECT count(*) FROM sqlite_master",
	    NULL, NULL, NULL) != SQLITE_OK) {
		store_job_cause(cause, "%s: not a hotlined database: %s",
		    path, sqlite3_errmsg(db));
		goto fail;
	}
	v = store_migrate_file_int(db, "PRAGMA user_version");
	n = store_migrate_file_int(db, "SELECT count(*) FROM sqlite_master"
	    " WHERE type = 'table' AND name = 'meta'");
	if (v <= 0 || n != 1) {
		store_job_cause(cause, "%s: not a hotlined database", path);
		goto fail;
	}
	if (v != STORE_SCHEMA) {
		store_job_cause(cause, "%s: schema version %lld, this "
		    "hotlinectl copies version %d: %s", path, (long long)v,
		    STORE_SCHEMA, v < STORE_SCHEMA ?
		    "start this version's hotlined on it once first" :
		    "use the hotlinectl of the hotlined that made it");
		goto fail;
	}
	if (mig_source_key(db, keys) != 1) {
		store_job_cause(cause, "%s was encrypted under another key "
		    "than %s's: key_file must name the key the daemon used "
		    "with the file (by default the file's name and .key)",
		    path, keys->file);
		goto fail;
	}
	if (store_migrate_file_int(db, "SELECT count(*) FROM meta"
	    " WHERE key = 'rotate_check'") != 0) {
		store_job_cause(cause, "%s: a key rotation is half done: "
		    "finish it first (hotlined -R)", path);
		goto fail;
	}
	if (mig_source_tables(db, path, cause) == -1)
		goto fail;
	return db;

fail:
	sqlite3_close(db);
	return NULL;
}
