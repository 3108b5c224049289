/* SPDX-License-Identifier: ISC */
/*
 * store_jobs_outbox: what the store does for each job about
 * alerts: a dispatcher's decision with the alerts it queues, the alerts
 * due, what a delivery attempt came to (telling the supervisors of one
 * given up, once, under ids derived from it), and the alerts failing.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "log.h"
#include "store_jobs.h"
#include "store_sql.h"

#define STORE_MSGID_RANDOM	24

static const char store_msgid_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* outbox.state */
enum store_outbox_state {
	STORE_OUT_PENDING,
	STORE_OUT_SENT,
	STORE_OUT_GAVE_UP
};

/*
 * Queue one alert about request cbid. msgid is its message id, or NULL to
 * draw a random one. An id already in the outbox inserts nothing: the
 * alert exists.
 */
static int
store_jobs_out_insert(struct store_engine *e, int64_t cbid,
    const struct store_outbox *o, const char *msgid, int64_t now)
{
	struct store_bind	 b;
	char			 rnd[4 + STORE_MSGID_RANDOM + 1];

	if (msgid == NULL) {
		memcpy(rnd, "msg_", 4);
		store_job_random_chars(rnd + 4, STORE_MSGID_RANDOM,
		    store_msgid_chars, sizeof(store_msgid_chars) - 1);
		msgid = rnd;
	}
	store_sql_bind(e, ST_OUT_INSERT, &b);
	store_sql_int(&b, cbid);
	store_sql_text(&b, o->recipient);
	store_sql_text(&b, o->transport);
	store_sql_int(&b, o->target);
	store_sql_text(&b, o->kind);
	store_sql_int(&b, now);
	store_sql_text(&b, msgid);
	store_sql_int(&b, now);
	return store_sql_write(&b);
}

/*
 * The message id of the alert that tells recipient (entry target) about
 * failed alert failed_id: derived, not drawn, so that telling twice can
 * only ever make one alert with one id.
 */
static void
store_jobs_derived_msgid(const char *failed_id, const struct store_outbox *o,
    char out[4 + STORE_MSGID_RANDOM + 1])
{
	crypto_generichash_state	 h;
	unsigned char			 d[STORE_MSGID_RANDOM * 6 / 8];
	char				 t[16];
	size_t				 i, bit;

	snprintf(t, sizeof(t), "%d", o->target);
	crypto_generichash_init(&h, NULL, 0, sizeof(d));
	crypto_generichash_update(&h, (const unsigned char *)failed_id,
	    strlen(failed_id) + 1);
	crypto_generichash_update(&h, (const unsigned char *)o->recipient,
	    strlen(o->recipient) + 1);
	crypto_generichash_update(&h, (const unsigned char *)t, strlen(t));
	crypto_generichash_final(&h, d, sizeof(d));
	memcpy(out, "msg_", 4);
	/* Six bits a character: 18 bytes make the 24 characters. */
	for (i = 0; i < STORE_MSGID_RANDOM; i++) {
		bit = i * 6;
		out[4 + i] = store_msgid_chars[((d[bit / 8] << 8 |
		    (bit / 8 + 1 < sizeof(d) ? d[bit / 8 + 1] : 0)) >>
		    (10 - bit % 8)) & 0x3f];
	}
	out[4 + STORE_MSGID_RANDOM] = '\0';
}

/* Apply a dispatcher decision and queue its alerts. */
enum store_rc
store_jobs_dispatch(struct store_engine *e, struct store_job *j)
{
	struct store_bind	 b;
	size_t			 i;

	store_sql_bind(e, ST_CB_DISPATCH, &b);
	store_sql_int(&b, j->state);
	store_sql_int(&b, j->when);
	store_sql_int(&b, j->rounds);
	store_sql_int(&b, j->nout > 0);	/* alerts clear the reason */
	store_sql_int(&b, j->now);
	store_sql_int(&b, j->id);
	store_sql_int(&b, j->state);
	if (store_sql_write(&b) != STORE_SQL_OK)
		goto fail;
	if (store_sql_changes(e) == 0)
		return store_sql_unchanged(e, j, j->id, "dispatch");
	if (store_jobs_event(e, j, j->id, j->now, j->text, "system",
	    j->detail) != STORE_SQL_OK)
		goto fail;
	for (i = 0; i < j->nout; i++)
		if (store_jobs_out_insert(e, j->id, &j->out[i], NULL, j->now) !=
		    STORE_SQL_OK)
			goto fail;
	return STORE_OK;

fail:
	store_sql_err(e, "dispatch");
	return STORE_ERR;
}

/* Fill an alert due, with its request, from the current row. */
static int
store_jobs_fill_due(struct store_engine *e, struct store_job *j,
    const struct store_bind *s, void *p)
{
	struct store_due	*d = p;
	struct store_outbox	*o = &d->outbox;

	o->id = store_sql_integer(s, 0);
	o->callback_id = store_sql_integer(s, 1);
	o->target = (int)store_sql_integer(s, 4);
	o->attempts = (int)store_sql_integer(s, 6);
	o->next_at = store_sql_integer(s, 7);
	if (store_sql_col(j, s, 2, &o->recipient) == -1 ||
	    store_sql_col(j, s, 3, &o->transport) == -1 ||
	    store_sql_col(j, s, 5, &o->kind) == -1 ||
	    store_sql_col(j, s, 8, &o->msg_id) == -1 ||
	    store_sql_row(e, j, s, 9, &d->callback) == -1)
		return -1;
	return 0;
}

/* List the alerts due for delivery, each with its request. */
enum store_rc
store_jobs_outbox_due(struct store_engine *e, struct store_job *j)
{
	return store_sql_list(e, j, ST_OUT_DUE, j->now,
	    sizeof(struct store_due), store_jobs_fill_due, "outbox due");
}

/*
 * Tell the supervisors that the alert msgid about request cbid was given
 * up: when the request still waits for a counsellor, an "escalated" event
 * and one alert.failed per entry of j->out, each under an id derived from
 * the failed one. Returns STORE_SQL_OK (also when nobody needs telling).
 */
static int
store_jobs_tell_failed(struct store_engine *e, struct store_job *j,
    int64_t cbid, const char *msgid)
{
	struct store_bind	 b;
	char			 id[4 + STORE_MSGID_RANDOM + 1];
	size_t			 i;
	int64_t			 state = -1;
	int			 rc;

	if (j->nout == 0)
		return STORE_SQL_OK;
	store_sql_bind(e, ST_CB_STATE, &b);
	store_sql_int(&b, cbid);
	rc = store_sql_one(&b, &state);
	if (rc != STORE_SQL_ROW && rc != STORE_SQL_DONE)
		return rc;
	/* Claimed or closed meanwhile: nobody needs to be told. */
	if (state != STORE_OPEN && state != STORE_ALERTED)
		return STORE_SQL_OK;
	rc = store_jobs_event(e, j, cbid, j->now, "escalated", "system",
	    j->detail);
	for (i = 0; rc == STORE_SQL_OK && i < j->nout; i++) {
		store_jobs_derived_msgid(msgid, &j->out[i], id);
		rc = store_jobs_out_insert(e, cbid, &j->out[i], id, j->now);
	}
	if (rc == STORE_SQL_OK)
		j->rounds = (int)j->nout;	/* told: the caller kicks */
	return rc;
}

/* Record one delivery attempt of an alert. */
enum store_rc
store_jobs_outbox_result(struct store_engine *e, struct store_job *j)
{
	struct store_bind	 b;
	const char		*kind = NULL, *msgid = NULL;
	int64_t			 cbid = 0;
	int			 rc, state = STORE_OUT_PENDING;

	store_sql_bind(e, ST_OUT_GET, &b);
	store_sql_int(&b, j->id);
	rc = store_sql_step(&b);
	if (rc == STORE_SQL_ROW) {
		cbid = store_sql_integer(&b, 0);
		state = (int)store_sql_integer(&b, 1);
		if (store_sql_col(j, &b, 2, &kind) == -1 ||
		    store_sql_col(j, &b, 3, &msgid) == -1)
			rc = STORE_SQL_NOMEM;
	}
	store_sql_reset(&b);
	if (rc == STORE_SQL_DONE)
		return STORE_NOTFOUND;
	if (rc != STORE_SQL_ROW)
		goto fail;
	if (state != STORE_OUT_PENDING)
		return STORE_CONFLICT;

	store_sql_bind(e, ST_OUT_RESULT, &b);
	switch (j->delivery) {
	case STORE_SENT:
		store_sql_int(&b, STORE_OUT_SENT);
		store_sql_null(&b);
		break;
	case STORE_RETRY:
		store_sql_int(&b, STORE_OUT_PENDING);
		store_sql_int(&b, j->when);
		break;
	case STORE_GAVE_UP:
		store_sql_int(&b, STORE_OUT_GAVE_UP);
		store_sql_null(&b);
		break;
	}
	store_sql_text(&b, j->text);
	store_sql_int(&b, j->id);
	if (store_sql_write(&b) != STORE_SQL_OK)
		goto fail;
	if (j->delivery != STORE_GAVE_UP)
		return STORE_OK;

	store_sql_bind(e, ST_CB_FAILED, &b);
	store_sql_int(&b, j->now);
	store_sql_int(&b, cbid);
	if (store_sql_write(&b) != STORE_SQL_OK)
		goto fail;
	if (store_jobs_event(e, j, cbid, j->now, "alert_failed", "system",
	    j->text) != STORE_SQL_OK)
		goto fail;
	/* An alert.failed that fails has nobody further to tell. */
	if (kind != NULL && strcmp(kind, "alert.failed") != 0 &&
	    msgid != NULL &&
	    store_jobs_tell_failed(e, j, cbid, msgid) != STORE_SQL_OK)
		goto fail;
	log_debug("store: alert %lld for row %lld given up", (long long)j->id,
	    (long long)cbid);
	return STORE_OK;

fail:
	store_sql_err(e, "outbox result");
	return STORE_ERR;
}

/* Fill a failing alert from the current row. */
static int
store_jobs_fill_failing(struct store_engine *e, struct store_job *j,
    const struct store_bind *s, void *p)
{
	struct store_failing	*f = p;

	(void)e;
	if (store_sql_ref(s, 0, f->ref) == -1)
		return -1;
	f->attempts = (int)store_sql_integer(s, 5);
	f->gave_up = (int)store_sql_integer(s, 6) == STORE_OUT_GAVE_UP;
	f->at = store_sql_integer(s, 7);
	if (store_sql_col(j, s, 1, &f->recipient) == -1 ||
	    store_sql_col(j, s, 2, &f->transport) == -1 ||
	    store_sql_col(j, s, 3, &f->kind) == -1 ||
	    store_sql_col(j, s, 4, &f->error) == -1)
		return -1;
	return 0;
}

/* List the alerts that are retrying or were given up, newest first. */
enum store_rc
store_jobs_outbox_failing(struct store_engine *e, struct store_job *j)
{
	return store_sql_list(e, j, ST_OUT_FAILING, j->when,
	    sizeof(struct store_failing), store_jobs_fill_failing,
	    "outbox failing");
}
