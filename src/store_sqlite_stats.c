/* SPDX-License-Identifier: ISC */
/*
 * store_sqlite_stats: a report's read of the daily aggregates of a SQLite
 * file (store_jobs_stats.c counts them), through a read-only connection
 * of its own beside a running daemon: the days summed by month, and the
 * sealed monthly counts of her answers opened under the key file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <sqlite3.h>

#include "stats.h"
#include "store_jobs.h"
#include "store_sqlite.h"

#define STATS_READ_SQL							\
	"SELECT substr(day, 1, 7), channel, metric, key, sum(count)"	\
	" FROM stats_day WHERE day >= ? AND day <= ?"			\
	" GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"

/* Where the lines of one sealed value of counts go. */
struct stats_answer_ctx {
	const char		*month;
	const char		*channel;
	const char		*metric;
	store_stats_row_cb	 cb;
	void			*arg;
};

/* One line of a sealed value: a monthly sum. */
static int
stats_answer_row(const char *label, int64_t n, void *arg)
{
	struct stats_answer_ctx	*c = arg;

	return c->cb(c->month, c->channel, c->metric, label, n, c->arg);
}

/*
 * The sealed monthly counts of her answers of the months of from to to,
 * opened under the key in key_file (read only if there are any).
 */
static int
stats_read_answers(sqlite3 *db, const char *path, const char *key_file,
    const char *from, const char *to, store_stats_row_cb cb, void *arg,
    char **cause)
{
	struct store_keys	 keys;
	struct stats_answer_ctx	 c;
	sqlite3_stmt		*s = NULL;
	const uint8_t		*blob;
	char			*plain = NULL;
	size_t			 plen = 0;
	int64_t			 id;
	int			 rc, len, loaded = 0, ret = -1;

	memset(&keys, 0, sizeof(keys));
	if (sqlite3_prepare_v2(db, "SELECT id, month, channel, metric, counts"
	    " FROM stats_answer WHERE month >= substr(?, 1, 7)"
	    " AND month <= substr(?, 1, 7) ORDER BY month, channel, metric",
	    -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(s, 1, from, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, to, -1, SQLITE_STATIC) != SQLITE_OK) {
		store_job_cause(cause, "%s: %s", path, sqlite3_errmsg(db));
		goto out;
	}
	for (;;) {
		rc = sqlite3_step(s);
		if (rc != SQLITE_ROW)
			break;
		if (!loaded) {
			if (store_crypt_load(key_file, 0, &keys, cause) == -1)
				goto out;
			loaded = 1;
		}
		id = sqlite3_column_int64(s, 0);
		blob = sqlite3_column_blob(s, 4);
		len = sqlite3_column_bytes(s, 4);
		if (blob == NULL || len < STORE_CRYPT_OVERHEAD)
			goto bad;
		plen = (size_t)len - STORE_CRYPT_OVERHEAD + 1;
		plain = malloc(plen);
		if (plain == NULL) {
			store_job_cause(cause, "out of memory");
			goto out;
		}
		if (store_crypt_open(keys.aead, STORE_COL_STATS_COUNTS, id,
		    blob, (size_t)len, plain) == -1)
			goto bad;
		c.month = (const char *)sqlite3_column_text(s, 1);
		c.channel = (const char *)sqlite3_column_text(s, 2);
		c.metric = (const char *)sqlite3_column_text(s, 3);
		c.cb = cb;
		c.arg = arg;
		if (stats_counts_each(plain, stats_answer_row, &c) == -1)
			goto bad;
		sodium_memzero(plain, plen);
		free(plain);
		plain = NULL;
	}
	if (rc != SQLITE_DONE) {
		store_job_cause(cause, "%s: %s", path, sqlite3_errmsg(db));
		goto out;
	}
	ret = 0;
	goto out;

bad:
	store_job_cause(cause, "%s: the counts of answers of row %lld do not "
	    "open under %s", path, (long long)id, key_file);
out:
	if (plain != NULL) {
		sodium_memzero(plain, plen);
		free(plain);
	}
	sqlite3_finalize(s);
	if (loaded)
		store_crypt_wipe(&keys);
	return ret;
}

/* Read the aggregates of a period, summed by month, read-only. */
int
store_sqlite_stats_read(const char *path, const struct store_opts *opts,
    const char *key_file, const char *from, const char *to,
    store_stats_row_cb cb, void *arg, char **cause)
{
	sqlite3		*db = NULL;
	sqlite3_stmt	*s = NULL;
	int		 rc, version = 0;

	(void)opts;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK)
		goto fail;
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) !=
	    SQLITE_OK)
		goto fail;
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW)
		goto fail;
	version = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	s = NULL;
	if (version == 0) {
		store_job_cause(cause, "%s: not a hotlined database", path);
		goto out;
	}
	if (version < STORE_SCHEMA) {
		store_job_cause(cause, "%s: schema version %d keeps no "
		    "aggregates: start hotlined once to migrate it", path,
		    version);
		goto out;
	}
	if (version > STORE_SCHEMA) {
		store_job_cause(cause, "%s: schema version %d is newer than "
		    "this hotlinectl knows (%d)", path, version, STORE_SCHEMA);
		goto out;
	}
	if (sqlite3_prepare_v2(db, STATS_READ_SQL, -1, &s, NULL) !=
	    SQLITE_OK ||
	    sqlite3_bind_text(s, 1, from, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, to, -1, SQLITE_STATIC) != SQLITE_OK)
		goto fail;
	for (;;) {
		rc = sqlite3_step(s);
		if (rc != SQLITE_ROW)
			break;
		if (cb((const char *)sqlite3_column_text(s, 0),
		    (const char *)sqlite3_column_text(s, 1),
		    (const char *)sqlite3_column_text(s, 2),
		    (const char *)sqlite3_column_text(s, 3),
		    sqlite3_column_int64(s, 4), arg) != 0) {
			store_job_cause(cause, "%s: too many aggregates",
			    path);
			goto out;
		}
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(s);
	s = NULL;
	if (stats_read_answers(db, path, key_file, from, to, cb, arg,
	    cause) == -1)
		goto out;
	sqlite3_close(db);
	return 0;

fail:
	store_job_cause(cause, "%s: %s", path, db != NULL ?
	    sqlite3_errmsg(db) : "out of memory");
out:
	sqlite3_finalize(s);
	sqlite3_close(db);
	return -1;
}
