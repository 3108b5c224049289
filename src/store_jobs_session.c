/* SPDX-License-Identifier: ISC */
/*
 * store_jobs_session: the job bodies of shared sessions and of the lease.
 * A session's state is one row under the keyed hash of its key, sealed to
 * that row, with a version that each write raises by one and only over
 * the version the writer read: of two daemons that read the same state,
 * the second to write finds the row changed and writes nothing. A hint
 * wakes the other daemons (NOTIFY on PostgreSQL). The lease
 * is the engine's own (an advisory lock of the connection on PostgreSQL;
 * always held on SQLite, which one daemon opens at a time).
 */
#include <stdint.h>
#include <string.h>

#include "log.h"
#include "store.h"
#include "store_job.h"
#include "store_jobs.h"
#include "store_sql.h"

/* The column a state is sealed as, with the row's id for the AD. */
#define STORE_SESSION_COL	"session_state"

/* The id a state is sealed to: the first bytes of its keyed hash. */
static int64_t
store_jobs_session_id(const struct store_job *j)
{
	uint64_t	 v = 0;
	size_t		 i;

	for (i = 0; i < sizeof(v); i++)
		v = v << 8 | j->dedup[i];
	return (int64_t)(v >> 1);
}

/*
 * SJ_SESSION_GET, and SJ_SESSION_TAKE, which deletes it too: the version
 * and the opened state, or STORE_NOTFOUND.
 */
enum store_rc
store_jobs_session_get(struct store_engine *e, struct store_job *j)
{
	struct store_bind	 b;
	int			 rc;

	store_sql_bind(e, j->kind == SJ_SESSION_TAKE ? ST_SESSION_TAKE :
	    ST_SESSION_GET, &b);
	store_sql_blob(&b, j->dedup, sizeof(j->dedup));
	rc = store_sql_step(&b);
	if (rc == STORE_SQL_ROW) {
		j->id = store_sql_integer(&b, 0);
		if (store_sql_opened(e, j, &b, 1, STORE_SESSION_COL,
		    store_jobs_session_id(j), &j->value) == -1 ||
		    j->value == NULL)
			rc = STORE_SQL_ERROR;
	}
	store_sql_reset(&b);
	if (rc == STORE_SQL_DONE)
		return STORE_NOTFOUND;
	if (rc != STORE_SQL_ROW) {
		store_sql_err(e, "session get");
		return STORE_ERR;
	}
	return STORE_OK;
}

/* SJ_SESSION_PUT: write over j->id; j->rounds 1 if written, else 0. */
enum store_rc
store_jobs_session_put(struct store_engine *e, struct store_job *j)
{
	struct store_bind	 b;

	/* Version 0: there was none, and another daemon's first wins. */
	store_sql_bind(e, j->id == 0 ? ST_SESSION_INSERT : ST_SESSION_UPDATE,
	    &b);
	store_sql_blob(&b, j->dedup, sizeof(j->dedup));
	store_sql_int(&b, j->id + 1);
	store_sql_sealed(e, j, &b, STORE_SESSION_COL, store_jobs_session_id(j),
	    j->value);
	store_sql_hash(&b, j->phone_hash, j->has_phone_hash);
	store_sql_int(&b, j->when);
	if (j->id != 0)
		store_sql_int(&b, j->id);
	if (store_sql_write(&b) != STORE_SQL_OK) {
		store_sql_err(e, "session put");
		return STORE_ERR;
	}
	j->rounds = store_sql_changes(e) == 1;
	return STORE_OK;
}

/* SJ_SESSION_DROP: delete at j->id; j->rounds 1 if deleted. */
enum store_rc
store_jobs_session_drop(struct store_engine *e, struct store_job *j)
{
	struct store_bind	 b;

	store_sql_bind(e, ST_SESSION_DROP, &b);
	store_sql_blob(&b, j->dedup, sizeof(j->dedup));
	store_sql_int(&b, j->id);
	if (store_sql_write(&b) != STORE_SQL_OK) {
		store_sql_err(e, "session drop");
		return STORE_ERR;
	}
	j->rounds = store_sql_changes(e) == 1;
	return STORE_OK;
}

/* SJ_LEASE: take the lease or find it still held (j->rounds 1). */
enum store_rc
store_jobs_lease(struct store_engine *e, struct store_job *j)
{
	struct store_bind	 b;
	int64_t			 held = 0;

	store_sql_bind(e, ST_LEASE, &b);
	if (store_sql_one(&b, &held) != STORE_SQL_ROW) {
		store_sql_err(e, "lease");
		return STORE_ERR;
	}
	j->rounds = held == 1;
	return STORE_OK;
}

/* SJ_SESSION_EXPIRE: delete the states that expired before j->now. */
enum store_rc
store_jobs_session_expire(struct store_engine *e, struct store_job *j)
{
	struct store_bind	 b;
	int64_t			 n;

	store_sql_bind(e, ST_SESSION_EXPIRE, &b);
	store_sql_int(&b, j->now);
	if (store_sql_write(&b) != STORE_SQL_OK) {
		store_sql_err(e, "session expiry");
		return STORE_ERR;
	}
	n = store_sql_changes(e);
	if (n > 0)
		log_debug("store: %lld expired session state%s purged",
		    (long long)n, n == 1 ? "" : "s");
	j->rounds = n > INT32_MAX ? INT32_MAX : (int)n;
	return STORE_OK;
}

/* SJ_HINT: wake the other daemons once the batch commits. */
enum store_rc
store_jobs_hint(struct store_engine *e, struct store_job *j)
{
	struct store_bind	 b;

	(void)j;
	store_sql_bind(e, ST_HINT, &b);
	if (store_sql_step(&b) != STORE_SQL_ROW) {
		store_sql_reset(&b);
		store_sql_err(e, "hint");
		return STORE_ERR;
	}
	store_sql_reset(&b);
	return STORE_OK;
}
