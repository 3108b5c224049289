/* SPDX-License-Identifier: ISC */
/*
 * store_sqlite_event: a request's history events as the SQLite backend
 * writes them, each with its count in the daily aggregates
 * (store_sqlite_stats.c) in the same transaction, so that an event and
 * its count are kept or undone together.
 */
#include <stdint.h>

#include <sqlite3.h>

#include "store_sqlite.h"

/* Record a history event, its detail sealed to the event's row. */
int
store_sqlite_event(struct store_engine *e, struct store_job *j, int64_t id,
    int64_t at, const char *event, const char *actor, const char *detail)
{
	struct store_bind	 b;
	int64_t			 hid;

	if (store_sqlite_next_id(e, ST_HIST_NEXT_ID, &hid) == -1)
		return SQLITE_ERROR;
	store_sqlite_bind(e, ST_HIST_INSERT, &b);
	store_sqlite_int(&b, hid);
	store_sqlite_int(&b, id);
	store_sqlite_int(&b, at);
	store_sqlite_text(&b, event);
	store_sqlite_text(&b, actor);
	store_sqlite_sealed(e, j, &b, STORE_COL_DETAIL, hid, detail);
	if (store_sqlite_write(&b) != SQLITE_OK)
		return SQLITE_ERROR;
	/* Its count, in the same transaction: both or neither. */
	return store_sqlite_stats_event(e, id, at, event, detail);
}
