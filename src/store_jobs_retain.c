/* SPDX-License-Identifier: ISC */
/*
 * store_jobs_retain: what the store does to keep less: a batch
 * of closed requests (with their history, notes and alerts) and finished
 * texts deleted once they are older than the retention limits, and every
 * row of one number deleted when she asks to be forgotten. Before any
 * delete the table's id floor is raised, so that no id (the associated
 * data of its sealed values) is used twice. The schedule is retention.c's.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>


#include "log.h"
#include "store_jobs.h"
#include "store_sql.h"

_Static_assert(STORE_COMPLETED == 3, "the purge spells completed as 3");

/* Raise the id floor of every sealed table to its highest id. */
static int
store_jobs_floors(struct store_engine *e)
{
	static const enum store_stmt	 floors[] = {
		ST_FLOOR_CB, ST_FLOOR_HIST, ST_FLOOR_SMS, ST_FLOOR_MARK,
		ST_FLOOR_OPTOUT
	};
	size_t				 i;

	for (i = 0; i < sizeof(floors) / sizeof(floors[0]); i++)
		if (store_sql_exec(e, floors[i]) != STORE_SQL_OK)
			return -1;
	return 0;
}

/*
 * Run statement i with one integer pair (before, max) or one hash, and
 * add the rows it changed to *n. Returns 0, or -1 (logged).
 */
static int
store_jobs_delete(struct store_engine *e, enum store_stmt i,
    const uint8_t *hash, int64_t before, int64_t max, size_t *n)
{
	struct store_bind	 b;

	store_sql_bind(e, i, &b);
	if (hash != NULL)
		store_sql_blob(&b, hash, STORE_DEDUP_LEN);
	else {
		store_sql_int(&b, before);
		store_sql_int(&b, max);
	}
	if (store_sql_write(&b) != STORE_SQL_OK) {
		store_sql_err(e, "retention");
		return -1;
	}
	*n += (size_t)store_sql_changes(e);
	return 0;
}

/* SJ_PURGE: a batch of closed requests and of finished texts. */
enum store_rc
store_jobs_purge(struct store_engine *e, struct store_job *j)
{
	struct store_purged	*p = &j->purged;

	memset(p, 0, sizeof(*p));
	if (store_jobs_floors(e) == -1) {
		store_sql_err(e, "retention floor");
		return STORE_ERR;
	}
	/* History and alerts first: they point at their request. */
	if (store_jobs_delete(e, ST_PURGE_HIST, NULL, j->when, j->max,
	    &p->events) == -1 ||
	    store_jobs_delete(e, ST_PURGE_OUT, NULL, j->when, j->max,
	    &p->alerts) == -1 ||
	    store_jobs_delete(e, ST_PURGE_CB, NULL, j->when, j->max,
	    &p->requests) == -1 ||
	    store_jobs_delete(e, ST_PURGE_SMS, NULL, j->sms_before, j->max,
	    &p->texts) == -1 ||
	    store_jobs_stats_purge(e, j->when) != STORE_SQL_OK) {
		memset(p, 0, sizeof(*p));
		return STORE_ERR;
	}
	j->checkpoint = p->requests > 0 || p->texts > 0;
	return STORE_OK;
}

/* The keyed hash of the number of request ref into out: 1, 0 or -1. */
static int
store_jobs_ref_hash(struct store_engine *e, const char *ref,
    uint8_t out[STORE_DEDUP_LEN])
{
	struct store_bind	 b;
	int			 rc, found = 0;

	store_sql_bind(e, ST_CB_HASH_BY_REF, &b);
	store_sql_text(&b, ref);
	rc = store_sql_step(&b);
	if (rc == STORE_SQL_ROW && store_sql_bytes(&b, 0) ==
	    STORE_DEDUP_LEN) {
		memcpy(out, store_sql_blob_of(&b, 0), STORE_DEDUP_LEN);
		found = 1;
	}
	store_sql_reset(&b);
	if (rc != STORE_SQL_ROW && rc != STORE_SQL_DONE) {
		store_sql_err(e, "forget");
		return -1;
	}
	return found;
}

/*
 * SJ_FORGET: every row of one number (j->phone_hash, or the number of
 * request j->ref). Marks go before her requests: they name the marks of
 * her safe numbers.
 */
enum store_rc
store_jobs_forget(struct store_engine *e, struct store_job *j)
{
	struct store_purged	*p = &j->purged;
	const uint8_t		*h = j->phone_hash;
	size_t			 sessions = 0;
	int			 found;

	memset(p, 0, sizeof(*p));
	if (j->ref != NULL) {
		found = store_jobs_ref_hash(e, j->ref, j->phone_hash);
		if (found == -1)
			return STORE_ERR;
		if (found == 0)
			return STORE_NOTFOUND;
	}
	if (store_jobs_floors(e) == -1) {
		store_sql_err(e, "forget floor");
		return STORE_ERR;
	}
	if (store_jobs_delete(e, ST_FORGET_MARK, h, 0, 0, &p->marks) == -1 ||
	    store_jobs_delete(e, ST_FORGET_HIST, h, 0, 0, &p->events) == -1 ||
	    store_jobs_delete(e, ST_FORGET_OUT, h, 0, 0, &p->alerts) == -1 ||
	    store_jobs_delete(e, ST_FORGET_CB, h, 0, 0, &p->requests) == -1 ||
	    store_jobs_delete(e, ST_FORGET_SAFE, h, 0, 0,
	    &p->safe_numbers) == -1 ||
	    store_jobs_delete(e, ST_FORGET_SMS, h, 0, 0, &p->texts) == -1 ||
	    store_jobs_delete(e, ST_SMS_OPTOUT_DEL, h, 0, 0,
	    &p->optouts) == -1 ||
	    store_jobs_delete(e, ST_FORGET_SESSION, h, 0, 0, &sessions) == -1) {
		memset(p, 0, sizeof(*p));
		return STORE_ERR;
	}
	if (p->requests == 0 && p->texts == 0 && p->marks == 0 &&
	    p->optouts == 0 && p->safe_numbers == 0)
		return STORE_NOTFOUND;
	j->checkpoint = 1;
	return STORE_OK;
}
