/* SPDX-License-Identifier: ISC */
/*
 * store_sqlite_stats: the daily aggregates of the SQLite backend (schema
 * 6), counted in the same transaction as the event they count: a
 * request's history event, a new caller, a STOP, her answers once her
 * intake is over. They hold counts of category labels only (no number,
 * no free text, no counsellor), so retention keeps them and forget leaves
 * them. Her answers (topic, province) are counted by month in sealed
 * values: a count of one in clear beside her request would give her
 * sealed answer away to whoever holds the file without the key. The
 * monthly set of hashes that counts unique callers is purged once its
 * month is over. A report reads them back through a read-only
 * connection of its own (store_sqlite_stats_read).
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

/* Once-per-request facts (callback.stats_flags). */
#define STATS_FLAG_CLAIM	0x1	/* time to claim counted */
#define STATS_FLAG_ATTEMPT	0x2	/* time to first attempt counted */
#define STATS_FLAG_ANSWERS	0x4	/* topic and province counted */

/* Add n to (day of at, channel, metric, key). */
static int
stats_add(struct store_engine *e, int64_t at, const char *channel,
    const char *metric, const char *key, int64_t n)
{
	struct store_bind	 b;
	char			 day[STATS_DAY_LEN + 1];

	stats_day_of((time_t)at, day, sizeof(day));
	store_sqlite_bind(e, ST_STATS_ADD, &b);
	store_sqlite_text(&b, day);
	store_sqlite_text(&b, channel != NULL ? channel : "");
	store_sqlite_text(&b, metric);
	store_sqlite_text(&b, key != NULL ? key : "");
	store_sqlite_int(&b, n);
	return store_sqlite_write(&b);
}

/*
 * Mark flag on request id: 1 when it was not set before (count it now), 0
 * when it was, -1 on error.
 */
static int
stats_flag(struct store_engine *e, int64_t id, int flag)
{
	struct store_bind	 b;

	store_sqlite_bind(e, ST_STATS_FLAG, &b);
	store_sqlite_int(&b, flag);
	store_sqlite_int(&b, id);
	store_sqlite_int(&b, flag);
	if (store_sqlite_write(&b) != SQLITE_OK)
		return -1;
	return sqlite3_changes(e->db) == 1;
}

/* Count a duration of request id under metric, once (flag). */
static int
stats_duration(struct store_engine *e, int64_t id, const char *channel,
    int64_t created, int64_t at, const char *metric, int flag)
{
	char	 key[STATS_LABEL_MAX + 1];
	int	 rc;

	rc = stats_flag(e, id, flag);
	if (rc != 1)
		return rc == 0 ? SQLITE_OK : SQLITE_ERROR;
	stats_bucket_label(at - created, key, sizeof(key));
	return stats_add(e, created, channel, metric, key, 1);
}

/* Count a history event of request id: what a report shows of it. */
int
store_sqlite_stats_event(struct store_engine *e, int64_t id, int64_t at,
    const char *event, const char *detail)
{
	struct store_bind	 b;
	char			 channel[STATS_LABEL_MAX + 1];
	char			 key[STATS_LABEL_MAX + 1];
	int64_t			 created;
	int			 rc;

	if (strcmp(event, "created") != 0 && strcmp(event, "claimed") != 0 &&
	    strcmp(event, "no_answer") != 0 &&
	    strcmp(event, "completed") != 0 &&
	    strcmp(event, "escalated") != 0)
		return SQLITE_OK;
	store_sqlite_bind(e, ST_STATS_CB, &b);
	store_sqlite_int(&b, id);
	rc = store_sqlite_step(&b);
	if (rc != SQLITE_ROW) {
		store_sqlite_reset(b.s);
		return rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	stats_label((const char *)sqlite3_column_text(b.s, 0), channel,
	    sizeof(channel));
	created = sqlite3_column_int64(b.s, 1);
	store_sqlite_reset(b.s);

	if (strcmp(event, "created") == 0)
		return stats_add(e, at, channel, STATS_M_REQUESTS, NULL, 1);
	if (strcmp(event, "escalated") == 0)
		return stats_add(e, at, channel, STATS_M_ESCALATIONS, NULL, 1);
	if (strcmp(event, "claimed") == 0)
		return stats_duration(e, id, channel, created, at,
		    STATS_M_CLAIM_TIME, STATS_FLAG_CLAIM);
	/* A call made, answered or not, is her first attempt. */
	rc = stats_duration(e, id, channel, created, at,
	    STATS_M_ATTEMPT_TIME, STATS_FLAG_ATTEMPT);
	if (rc != SQLITE_OK || strcmp(event, "completed") != 0)
		return rc;
	stats_label(detail, key, sizeof(key));
	return stats_add(e, at, channel, STATS_M_OUTCOME, key, 1);
}

/* Add one to label in the sealed counts of (month, channel, metric). */
static int
stats_answer_add(struct store_engine *e, struct store_job *j,
    const char *month, const char *channel, const char *metric,
    const char *label)
{
	struct store_bind	 b;
	const char		*old = NULL;
	char			*counts;
	int64_t			 id = 0;
	int			 rc;

	store_sqlite_bind(e, ST_STATS_ANSWER_GET, &b);
	store_sqlite_text(&b, month);
	store_sqlite_text(&b, channel);
	store_sqlite_text(&b, metric);
	rc = store_sqlite_step(&b);
	if (rc == SQLITE_ROW) {
		id = sqlite3_column_int64(b.s, 0);
		/*
		 * A value that does not open (logged) is left alone: a
		 * count never costs her request.
		 */
		if (store_sqlite_opened(e, j, b.s, 1, STORE_COL_STATS_COUNTS,
		    id, &old) == -1) {
			store_sqlite_reset(b.s);
			return SQLITE_OK;
		}
	}
	store_sqlite_reset(b.s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return SQLITE_ERROR;
	counts = stats_counts_add(old, label);
	if (counts == NULL)
		return SQLITE_ERROR;
	if (id == 0) {
		if (store_sqlite_next_id(e, ST_STATS_ANSWER_NEXT_ID, &id) ==
		    -1) {
			free(counts);
			return SQLITE_ERROR;
		}
		store_sqlite_bind(e, ST_STATS_ANSWER_PUT, &b);
		store_sqlite_int(&b, id);
		store_sqlite_text(&b, month);
		store_sqlite_text(&b, channel);
		store_sqlite_text(&b, metric);
		store_sqlite_sealed(e, j, &b, STORE_COL_STATS_COUNTS, id,
		    counts);
	} else {
		store_sqlite_bind(e, ST_STATS_ANSWER_SET, &b);
		store_sqlite_sealed(e, j, &b, STORE_COL_STATS_COUNTS, id,
		    counts);
		store_sqlite_int(&b, id);
	}
	sodium_memzero(counts, strlen(counts));
	free(counts);
	return store_sqlite_write(&b);
}

/*
 * Count the topic and province of request row once her answers are final
 * (intake over), each as its label ("none", "other"), in the month of
 * her request.
 */
int
store_sqlite_stats_answers(struct store_engine *e, struct store_job *j,
    const struct store_callback *row)
{
	char	 channel[STATS_LABEL_MAX + 1];
	char	 key[STATS_LABEL_MAX + 1];
	char	 month[STATS_MONTH_LEN + 1];
	int	 rc;

	if (row->intake)
		return SQLITE_OK;
	rc = stats_flag(e, row->id, STATS_FLAG_ANSWERS);
	if (rc != 1)
		return rc == 0 ? SQLITE_OK : SQLITE_ERROR;
	stats_month_of((time_t)row->created_at, month, sizeof(month));
	stats_label(row->channel, channel, sizeof(channel));
	stats_label(row->topic, key, sizeof(key));
	if (stats_answer_add(e, j, month, channel, STATS_M_TOPIC, key) !=
	    SQLITE_OK)
		return SQLITE_ERROR;
	stats_label(row->province, key, sizeof(key));
	rc = stats_answer_add(e, j, month, channel, STATS_M_PROVINCE, key);
	sodium_memzero(key, sizeof(key));
	return rc;
}

/*
 * Count a caller (the keyed hash of her number) once a month: the month's
 * set keeps a hash of that hash and the month, so that it matches no
 * other table, until retention purges the months that are over.
 */
int
store_sqlite_stats_caller(struct store_engine *e, const char *channel,
    const uint8_t hash[STORE_DEDUP_LEN], int64_t at)
{
	struct store_bind	 b;
	uint8_t			 h[STATS_CALLER_LEN];
	char			 month[STATS_MONTH_LEN + 1];
	char			 label[STATS_LABEL_MAX + 1];
	crypto_generichash_state st;

	stats_month_of((time_t)at, month, sizeof(month));
	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, (const uint8_t *)"stats.caller", 12);
	crypto_generichash_update(&st, hash, STORE_DEDUP_LEN);
	crypto_generichash_update(&st, (const uint8_t *)month,
	    strlen(month));
	crypto_generichash_final(&st, h, sizeof(h));
	store_sqlite_bind(e, ST_STATS_CALLER, &b);
	store_sqlite_text(&b, month);
	store_sqlite_blob(&b, h, sizeof(h));
	if (store_sqlite_write(&b) != SQLITE_OK)
		return SQLITE_ERROR;
	if (sqlite3_changes(e->db) == 0)
		return SQLITE_OK;
	stats_label(channel, label, sizeof(label));
	return stats_add(e, at, label, STATS_M_CALLERS, NULL, 1);
}

/* Count a number that wrote STOP. */
int
store_sqlite_stats_optout(struct store_engine *e, int64_t at)
{
	return stats_add(e, at, "sms", STATS_M_OPTOUTS, NULL, 1);
}

/* SJ_STATS_ADD: the counts the daemon flushed (sessions, how they ended). */
enum store_rc
store_jobs_stats_add(struct store_engine *e, struct store_job *j)
{
	const struct stats_count	*c = j->counts;
	struct store_bind		 b;
	size_t				 i;

	for (i = 0; i < j->ncounts; i++) {
		store_sqlite_bind(e, ST_STATS_ADD, &b);
		store_sqlite_text(&b, c[i].day);
		store_sqlite_text(&b, c[i].channel);
		store_sqlite_text(&b, c[i].metric);
		store_sqlite_text(&b, c[i].key);
		store_sqlite_int(&b, c[i].count);
		if (store_sqlite_write(&b) != SQLITE_OK) {
			store_sqlite_err(e, "stats");
			return STORE_ERR;
		}
	}
	return STORE_OK;
}

/* Delete the unique-caller sets of the months before the one of now. */
int
store_sqlite_stats_purge(struct store_engine *e, int64_t now)
{
	struct store_bind	 b;
	char			 month[STATS_MONTH_LEN + 1];

	stats_month_of((time_t)now, month, sizeof(month));
	store_sqlite_bind(e, ST_STATS_CALLER_PURGE, &b);
	store_sqlite_text(&b, month);
	return store_sqlite_write(&b);
}

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
store_sqlite_stats_read(const char *path, const char *key_file,
    const char *from, const char *to, store_stats_row_cb cb, void *arg,
    char **cause)
{
	sqlite3		*db = NULL;
	sqlite3_stmt	*s = NULL;
	int		 rc, version = 0;

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
