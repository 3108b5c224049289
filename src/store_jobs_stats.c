/* SPDX-License-Identifier: ISC */
/*
 * store_jobs_stats: the daily aggregates (schema 6), counted in the same
 * transaction as the event they count: a request's history event, a new
 * caller, a STOP, her answers once her intake is over. They hold counts of category labels only (no number,
 * no free text, no counsellor), so retention keeps them and forget leaves
 * them. Her answers (topic, province) are counted by month in sealed
 * values: a count of one in clear beside her request would give her
 * sealed answer away to whoever holds the file without the key. The
 * monthly set of hashes that counts unique callers is purged once its
 * month is over. A report reads them back through the backend's
 * stats_read (store_sql_stats.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "stats.h"
#include "store_jobs.h"
#include "store_sql.h"

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
	store_sql_bind(e, ST_STATS_ADD, &b);
	store_sql_text(&b, day);
	store_sql_text(&b, channel != NULL ? channel : "");
	store_sql_text(&b, metric);
	store_sql_text(&b, key != NULL ? key : "");
	store_sql_int(&b, n);
	return store_sql_write(&b);
}

/*
 * Mark flag on request id: 1 when it was not set before (count it now), 0
 * when it was, -1 on error.
 */
static int
stats_flag(struct store_engine *e, int64_t id, int flag)
{
	struct store_bind	 b;

	store_sql_bind(e, ST_STATS_FLAG, &b);
	store_sql_int(&b, flag);
	store_sql_int(&b, id);
	store_sql_int(&b, flag);
	if (store_sql_write(&b) != STORE_SQL_OK)
		return -1;
	return store_sql_changes(e) == 1;
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
		return rc == 0 ? STORE_SQL_OK : STORE_SQL_ERROR;
	stats_bucket_label(at - created, key, sizeof(key));
	return stats_add(e, created, channel, metric, key, 1);
}

/* Count a history event of request id: what a report shows of it. */
int
store_jobs_stats_event(struct store_engine *e, int64_t id, int64_t at,
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
		return STORE_SQL_OK;
	store_sql_bind(e, ST_STATS_CB, &b);
	store_sql_int(&b, id);
	rc = store_sql_step(&b);
	if (rc != STORE_SQL_ROW) {
		store_sql_reset(&b);
		return rc == STORE_SQL_DONE ? STORE_SQL_OK : rc;
	}
	stats_label(store_sql_text_of(&b, 0), channel,
	    sizeof(channel));
	created = store_sql_integer(&b, 1);
	store_sql_reset(&b);

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
	if (rc != STORE_SQL_OK || strcmp(event, "completed") != 0)
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

	store_sql_bind(e, ST_STATS_ANSWER_GET, &b);
	store_sql_text(&b, month);
	store_sql_text(&b, channel);
	store_sql_text(&b, metric);
	rc = store_sql_step(&b);
	if (rc == STORE_SQL_ROW) {
		id = store_sql_integer(&b, 0);
		/*
		 * A value that does not open (logged) is left alone: a
		 * count never costs her request.
		 */
		if (store_sql_opened(e, j, &b, 1, STORE_COL_STATS_COUNTS,
		    id, &old) == -1) {
			store_sql_reset(&b);
			return STORE_SQL_OK;
		}
	}
	store_sql_reset(&b);
	if (rc != STORE_SQL_ROW && rc != STORE_SQL_DONE)
		return STORE_SQL_ERROR;
	counts = stats_counts_add(old, label);
	if (counts == NULL)
		return STORE_SQL_ERROR;
	if (id == 0) {
		if (store_sql_next_id(e, ST_STATS_ANSWER_NEXT_ID, &id) ==
		    -1) {
			free(counts);
			return STORE_SQL_ERROR;
		}
		store_sql_bind(e, ST_STATS_ANSWER_PUT, &b);
		store_sql_int(&b, id);
		store_sql_text(&b, month);
		store_sql_text(&b, channel);
		store_sql_text(&b, metric);
		store_sql_sealed(e, j, &b, STORE_COL_STATS_COUNTS, id,
		    counts);
	} else {
		store_sql_bind(e, ST_STATS_ANSWER_SET, &b);
		store_sql_sealed(e, j, &b, STORE_COL_STATS_COUNTS, id,
		    counts);
		store_sql_int(&b, id);
	}
	sodium_memzero(counts, strlen(counts));
	free(counts);
	return store_sql_write(&b);
}

/*
 * Count the topic and province of request row once her answers are final
 * (intake over), each as its label ("none", "other"), in the month of
 * her request.
 */
int
store_jobs_stats_answers(struct store_engine *e, struct store_job *j,
    const struct store_callback *row)
{
	char	 channel[STATS_LABEL_MAX + 1];
	char	 key[STATS_LABEL_MAX + 1];
	char	 month[STATS_MONTH_LEN + 1];
	int	 rc;

	if (row->intake)
		return STORE_SQL_OK;
	rc = stats_flag(e, row->id, STATS_FLAG_ANSWERS);
	if (rc != 1)
		return rc == 0 ? STORE_SQL_OK : STORE_SQL_ERROR;
	stats_month_of((time_t)row->created_at, month, sizeof(month));
	stats_label(row->channel, channel, sizeof(channel));
	stats_label(row->topic, key, sizeof(key));
	if (stats_answer_add(e, j, month, channel, STATS_M_TOPIC, key) !=
	    STORE_SQL_OK)
		return STORE_SQL_ERROR;
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
store_jobs_stats_caller(struct store_engine *e, const char *channel,
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
	store_sql_bind(e, ST_STATS_CALLER, &b);
	store_sql_text(&b, month);
	store_sql_blob(&b, h, sizeof(h));
	if (store_sql_write(&b) != STORE_SQL_OK)
		return STORE_SQL_ERROR;
	if (store_sql_changes(e) == 0)
		return STORE_SQL_OK;
	stats_label(channel, label, sizeof(label));
	return stats_add(e, at, label, STATS_M_CALLERS, NULL, 1);
}

/* Count a number that wrote STOP. */
int
store_jobs_stats_optout(struct store_engine *e, int64_t at)
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
		store_sql_bind(e, ST_STATS_ADD, &b);
		store_sql_text(&b, c[i].day);
		store_sql_text(&b, c[i].channel);
		store_sql_text(&b, c[i].metric);
		store_sql_text(&b, c[i].key);
		store_sql_int(&b, c[i].count);
		if (store_sql_write(&b) != STORE_SQL_OK) {
			store_sql_err(e, "stats");
			return STORE_ERR;
		}
	}
	return STORE_OK;
}

/* Delete the unique-caller sets of the months before the one of now. */
int
store_jobs_stats_purge(struct store_engine *e, int64_t now)
{
	struct store_bind	 b;
	char			 month[STATS_MONTH_LEN + 1];

	stats_month_of((time_t)now, month, sizeof(month));
	store_sql_bind(e, ST_STATS_CALLER_PURGE, &b);
	store_sql_text(&b, month);
	return store_sql_write(&b);
}
