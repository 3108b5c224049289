/* SPDX-License-Identifier: ISC */
/*
 * store_jobs_event: a request's history events as the store writes
 * them, each with its count in the daily aggregates (store_jobs_stats.c)
 * in the same transaction, so that an event and its count are kept or
 * undone together.
 */
#include <stdint.h>

#include "store_jobs.h"
#include "store_sql.h"

/* Record a history event, its detail sealed to the event's row. */
int
store_jobs_event(struct store_engine *e, struct store_job *j, int64_t id,
    int64_t at, const char *event, const char *actor, const char *detail)
{
	struct store_bind	 b;
	int64_t			 hid;

	if (store_sql_next_id(e, ST_HIST_NEXT_ID, &hid) == -1)
		return STORE_SQL_ERROR;
	store_sql_bind(e, ST_HIST_INSERT, &b);
	store_sql_int(&b, hid);
	store_sql_int(&b, id);
	store_sql_int(&b, at);
	store_sql_text(&b, event);
	store_sql_text(&b, actor);
	store_sql_sealed(e, j, &b, STORE_COL_DETAIL, hid, detail);
	if (store_sql_write(&b) != STORE_SQL_OK)
		return STORE_SQL_ERROR;
	/* Its count, in the same transaction: both or neither. */
	return store_jobs_stats_event(e, id, at, event, detail);
}
