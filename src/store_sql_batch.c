/* SPDX-License-Identifier: ISC */
/*
 * store_sql_batch: the batches of an engine's thread, the same on every
 * engine: one transaction, each job in its own savepoint so that a
 * failing job is undone alone, its body picked by its kind among
 * store_jobs*.c's.
 */
#include <stddef.h>
#include <stdint.h>

#include "log.h"
#include "store_jobs.h"
#include "store_sql.h"

/* Start the transaction of a batch. */
int
store_sql_begin(struct store_engine *e)
{
	/* A reader's batch takes no write lock: the writer's does. */
	if (store_sql_exec(e, e->reader ? ST_BEGIN_READ : ST_BEGIN) !=
	    STORE_SQL_OK) {
		store_sql_err(e, "begin");
		return -1;
	}
	return 0;
}

/* What each kind of job does, by kind. */
static enum store_rc (*const store_sql_bodies[])(struct store_engine *,
    struct store_job *) = {
	[SJ_CREATE] = store_jobs_create,
	[SJ_UPDATE] = store_jobs_update,
	[SJ_END] = store_jobs_end,
	[SJ_DUE] = store_jobs_due,
	[SJ_DISPATCH] = store_jobs_dispatch,
	[SJ_OUTBOX_DUE] = store_jobs_outbox_due,
	[SJ_OUTBOX_RESULT] = store_jobs_outbox_result,
	[SJ_VIEW] = store_jobs_view,
	[SJ_GET] = store_jobs_get,
	[SJ_CLAIM] = store_jobs_change,
	[SJ_RELEASE] = store_jobs_change,
	[SJ_COMPLETE] = store_jobs_change,
	[SJ_REASSIGN] = store_jobs_change,
	[SJ_ATTEMPT] = store_jobs_change,
	[SJ_EXPIRE] = store_jobs_change,
	[SJ_HISTORY] = store_jobs_history,
	[SJ_NOTE] = store_jobs_note,
	[SJ_OUTBOX_FAILING] = store_jobs_outbox_failing,
	[SJ_META_GET] = store_jobs_meta_get,
	[SJ_META_SET] = store_jobs_meta_set,
	[SJ_SMS_INBOUND] = store_jobs_sms_inbound,
	[SJ_SMS_QUEUE] = store_jobs_sms_queue,
	[SJ_SMS_DUE] = store_jobs_sms_due,
	[SJ_SMS_RESULT] = store_jobs_sms_result,
	[SJ_SMS_REPORT] = store_jobs_sms_report,
	[SJ_SMS_OPTOUT] = store_jobs_sms_optout,
	[SJ_SMS_LIST] = store_jobs_sms_list,
	[SJ_PURGE] = store_jobs_purge,
	[SJ_FORGET] = store_jobs_forget,
	[SJ_GAUGES] = store_jobs_gauges,
	[SJ_STATS_ADD] = store_jobs_stats_add,
	[SJ_LEASE] = store_jobs_lease,
	[SJ_SESSION_GET] = store_jobs_session_get,
	[SJ_SESSION_TAKE] = store_jobs_session_get,
	[SJ_SESSION_PUT] = store_jobs_session_put,
	[SJ_SESSION_DROP] = store_jobs_session_drop,
	[SJ_SESSION_EXPIRE] = store_jobs_session_expire,
	[SJ_HINT] = store_jobs_hint,
};

/* Run one job's body, or STORE_ERR for a kind without one. */
static enum store_rc
store_sql_body(struct store_engine *e, struct store_job *j)
{
	size_t	 k = (size_t)j->kind;

	if (k >= sizeof(store_sql_bodies) / sizeof(store_sql_bodies[0]) ||
	    store_sql_bodies[k] == NULL)
		return STORE_ERR;
	return store_sql_bodies[k](e, j);
}

/*
 * Run one job of the batch in its own savepoint: kept when it succeeds,
 * rolled back to alone when it fails. -1 when the transaction is lost
 * (the database rolled it back, or the savepoint itself failed).
 */
int
store_sql_run(struct store_engine *e, struct store_job *j)
{
	if (store_sql_exec(e, ST_SAVEPOINT) != STORE_SQL_OK) {
		store_sql_err(e, "savepoint");
		return -1;
	}
	j->rc = store_sql_body(e, j);
	if (j->rc == STORE_OK || j->rc == STORE_DUP ||
	    j->rc == STORE_MERGED) {
		if (store_sql_exec(e, ST_RELEASE) != STORE_SQL_OK) {
			store_sql_err(e, "release");
			return -1;
		}
		return 0;
	}
	if (j->rc == STORE_ERR)
		j->nres = 0;
	if (!e->ops->in_transaction(e->conn)) {
		log_warnx("store: transaction rolled back by the database");
		return -1;
	}
	if (store_sql_exec(e, ST_ROLLBACK_TO) != STORE_SQL_OK ||
	    store_sql_exec(e, ST_RELEASE) != STORE_SQL_OK) {
		store_sql_err(e, "rollback to savepoint");
		return -1;
	}
	return 0;
}

/*
 * Commit the batch; it is durable when this returns (SQLite:
 * synchronous=FULL; PostgreSQL: synchronous_commit on).
 */
int
store_sql_commit(struct store_engine *e)
{
	if (store_sql_exec(e, ST_COMMIT) == STORE_SQL_OK)
		return 0;
	store_sql_err(e, "commit");
	return -1;
}

/* Roll the batch back, unless the database already did. */
void
store_sql_rollback(struct store_engine *e)
{
	if (e->ops->in_transaction(e->conn) &&
	    store_sql_exec(e, ST_ROLLBACK) != STORE_SQL_OK)
		store_sql_err(e, "rollback");
}
