/* SPDX-License-Identifier: ISC */
/*
 * store_jobs: the job bodies, one function per kind of job, the same on
 * every engine (store_sql.h runs their statements): store_jobs.c
 * (requests, history and named values), store_jobs_outbox.c (alerts),
 * store_jobs_sms.c (SMS), store_jobs_session.c (shared sessions, the
 * lease), store_jobs_retain.c (retention, forget),
 * store_jobs_stats.c and store_jobs_event.c (history events and the daily
 * aggregates). store_sql.c runs each inside its own savepoint; nothing
 * else calls them.
 */
#ifndef HOTLINED_STORE_JOBS_H
#define HOTLINED_STORE_JOBS_H

#include "store.h"

struct store_engine;
struct store_job;

/*
 * Each runs on the writer thread, reads its inputs from j, copies its
 * results into j, and returns the job's result; anything but STORE_OK,
 * STORE_DUP or STORE_MERGED is rolled back to the savepoint by the caller.
 * See include/store.h for what each kind of job does.
 */

/* SJ_CREATE: store_callback_create. */
enum store_rc	 store_jobs_create(struct store_engine *e, struct store_job *j);

/* SJ_UPDATE: store_callback_update. */
enum store_rc	 store_jobs_update(struct store_engine *e, struct store_job *j);

/* SJ_END: store_callback_end. */
enum store_rc	 store_jobs_end(struct store_engine *e, struct store_job *j);

/* SJ_DUE: store_callback_due. */
enum store_rc	 store_jobs_due(struct store_engine *e, struct store_job *j);

/* SJ_VIEW: store_callback_view (the rows, and the total in j->rounds). */
enum store_rc	 store_jobs_view(struct store_engine *e, struct store_job *j);

/* SJ_GET: store_callback_get. */
enum store_rc	 store_jobs_get(struct store_engine *e, struct store_job *j);

/*
 * SJ_CLAIM, SJ_RELEASE, SJ_COMPLETE, SJ_REASSIGN, SJ_ATTEMPT, SJ_EXPIRE:
 * the changes of a request's claim and state.
 */
enum store_rc	 store_jobs_change(struct store_engine *e, struct store_job *j);

/* SJ_HISTORY: store_callback_history. */
enum store_rc	 store_jobs_history(struct store_engine *e,
		    struct store_job *j);

/* SJ_NOTE: store_callback_note. */
enum store_rc	 store_jobs_note(struct store_engine *e, struct store_job *j);

/* SJ_GAUGES: store_gauges (in j->gauges). */
enum store_rc	 store_jobs_gauges(struct store_engine *e,
		    struct store_job *j);

/* SJ_META_GET: store_meta_get (the value in j->value). */
enum store_rc	 store_jobs_meta_get(struct store_engine *e,
		    struct store_job *j);

/* SJ_META_SET: store_meta_set. */
enum store_rc	 store_jobs_meta_set(struct store_engine *e,
		    struct store_job *j);

/* SJ_DISPATCH: store_callback_dispatch. */
enum store_rc	 store_jobs_dispatch(struct store_engine *e,
		    struct store_job *j);

/* SJ_OUTBOX_DUE: store_outbox_due. */
enum store_rc	 store_jobs_outbox_due(struct store_engine *e,
		    struct store_job *j);

/* SJ_OUTBOX_RESULT: store_outbox_result (supervisors told in j->rounds). */
enum store_rc	 store_jobs_outbox_result(struct store_engine *e,
		    struct store_job *j);

/* SJ_OUTBOX_FAILING: store_outbox_failing. */
enum store_rc	 store_jobs_outbox_failing(struct store_engine *e,
		    struct store_job *j);

/* SJ_SMS_INBOUND: store_sms_inbound (opted out in j->rounds). */
enum store_rc	 store_jobs_sms_inbound(struct store_engine *e,
		    struct store_job *j);

/* SJ_SMS_QUEUE: store_sms_queue. */
enum store_rc	 store_jobs_sms_queue(struct store_engine *e,
		    struct store_job *j);

/* SJ_SMS_DUE: store_sms_due. */
enum store_rc	 store_jobs_sms_due(struct store_engine *e,
		    struct store_job *j);

/* SJ_SMS_RESULT: store_sms_result. */
enum store_rc	 store_jobs_sms_result(struct store_engine *e,
		    struct store_job *j);

/* SJ_SMS_REPORT: store_sms_report. */
enum store_rc	 store_jobs_sms_report(struct store_engine *e,
		    struct store_job *j);

/* SJ_SMS_OPTOUT: store_sms_optout (j->any: out). */
enum store_rc	 store_jobs_sms_optout(struct store_engine *e,
		    struct store_job *j);

/* SJ_SMS_LIST: store_sms_list. */
enum store_rc	 store_jobs_sms_list(struct store_engine *e,
		    struct store_job *j);

/*
 * Retention (store_jobs_retain.c): delete a batch of closed requests and
 * finished texts; forget every row of one number.
 */
enum store_rc	 store_jobs_purge(struct store_engine *e,
		    struct store_job *j);
enum store_rc	 store_jobs_forget(struct store_engine *e,
		    struct store_job *j);

/* SJ_STATS_ADD: store_stats_add (store_sqlite_stats.c). */
enum store_rc	 store_jobs_stats_add(struct store_engine *e,
		    struct store_job *j);

/*
 * SJ_SESSION_GET and _TAKE, _PUT, _DROP, _EXPIRE, and SJ_LEASE:
 * store_jobs_session.c.
 */
enum store_rc	 store_jobs_session_get(struct store_engine *e,
		    struct store_job *j);
enum store_rc	 store_jobs_session_put(struct store_engine *e,
		    struct store_job *j);
enum store_rc	 store_jobs_session_drop(struct store_engine *e,
		    struct store_job *j);
enum store_rc	 store_jobs_lease(struct store_engine *e, struct store_job *j);
enum store_rc	 store_jobs_session_expire(struct store_engine *e,
		    struct store_job *j);

/* SJ_HINT: store_hint (store_jobs_session.c). */
enum store_rc	 store_jobs_hint(struct store_engine *e, struct store_job *j);

#endif
