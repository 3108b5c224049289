/* SPDX-License-Identifier: ISC */
/*
 * store_jobs_sms: what the store does for each job about SMS: an
 * inbound message (its gateway id answered once, whether the number wrote
 * STOP), texts queued, the texts due (those to a number that wrote STOP
 * are not sent), what sending one came to, delivery reports, STOP and
 * START, and the texts to one number. Numbers and gateway ids are looked
 * up by keyed hash only; no number or text is ever logged.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


#include "log.h"
#include "store_jobs.h"
#include "store_sql.h"

#define STORE_SMS_MSGID_LEN	24
#define STORE_SMS_MSGID_TRIES	16

/* What any gateway takes back in a URL or a reference field. */
static const char store_sms_msgid_chars[] =
    "abcdefghijklmnopqrstuvwxyz0123456789";

_Static_assert(STORE_SMS_QUEUED == 0 && STORE_SMS_SENT == 1 &&
    STORE_SMS_DELIVERED == 2 && STORE_SMS_FAILED == 3 &&
    STORE_SMS_OPTED_OUT == 4, "the SMS statements spell states as numbers");

/* Fill an SMS row from the current row of s (STORE_SMS_COLS). */
static int
store_jobs_fill_sms(struct store_engine *e, struct store_job *j,
    const struct store_bind *s, void *p)
{
	struct store_sms	*r = p;
	int			 state;

	r->id = store_sql_integer(s, 0);
	state = (int)store_sql_integer(s, 5);
	if (state < STORE_SMS_QUEUED || state > STORE_SMS_OPTED_OUT) {
		log_warnx("store: sms row %lld has an invalid state %d",
		    (long long)r->id, state);
		return -1;
	}
	r->state = (enum store_sms_state)state;
	r->attempts = (int)store_sql_integer(s, 6);
	r->next_at = store_sql_integer(s, 7);
	r->parts = (int)store_sql_integer(s, 8);
	r->created_at = store_sql_integer(s, 13);
	r->updated_at = store_sql_integer(s, 14);
	if (store_sql_col(j, s, 1, &r->channel) == -1 ||
	    store_sql_opened(e, j, s, 2, STORE_COL_SMS_PHONE, r->id,
	    &r->phone) == -1 ||
	    store_sql_opened(e, j, s, 3, STORE_COL_SMS_TEXT, r->id,
	    &r->text) == -1 ||
	    store_sql_col(j, s, 4, &r->msg_id) == -1 ||
	    store_sql_col(j, s, 9, &r->encoding) == -1 ||
	    store_sql_col(j, s, 10, &r->gateway_id) == -1 ||
	    store_sql_col(j, s, 11, &r->error) == -1 ||
	    store_sql_col(j, s, 12, &r->report) == -1)
		return -1;
	return 0;
}

/* Whether the number behind key wrote STOP; -1 on error. */
static int
store_jobs_sms_is_out(struct store_engine *e, const uint8_t *key)
{
	struct store_bind	 b;
	int64_t			 n = 0;

	store_sql_bind(e, ST_SMS_OPTOUT_HAS, &b);
	store_sql_blob(&b, key, STORE_DEDUP_LEN);
	if (store_sql_one(&b, &n) != STORE_SQL_ROW)
		return -1;
	return n > 0;
}

/*
 * An inbound message: whether its number wrote STOP, and, when it has a
 * gateway id, whether that id was seen on its channel within keep seconds
 * (j->window). Ids older than that are forgotten first, through the index
 * on their time; a new one is remembered (by keyed hash) from now.
 */
enum store_rc
store_jobs_sms_inbound(struct store_engine *e, struct store_job *j)
{
	struct store_bind	 b;
	int			 out;

	out = store_jobs_sms_is_out(e, j->phone_hash);
	if (out == -1)
		goto fail;
	j->rounds = out;
	if (!j->has_seen)
		return STORE_OK;
	store_sql_bind(e, ST_SMS_SEEN_PURGE, &b);
	store_sql_int(&b, j->now - j->window);
	if (store_sql_write(&b) != STORE_SQL_OK)
		goto fail;
	store_sql_bind(e, ST_SMS_SEEN_PUT, &b);
	store_sql_blob(&b, j->dedup, sizeof(j->dedup));
	store_sql_int(&b, j->now);
	if (store_sql_write(&b) != STORE_SQL_OK)
		goto fail;
	if (store_sql_changes(e) == 0) {
		log_debug("store: sms inbound: a gateway id seen before");
		return STORE_DUP;
	}
	return STORE_OK;

fail:
	store_sql_err(e, "sms inbound");
	return STORE_ERR;
}

/*
 * Queue the job's texts, in order, each under a new random message id
 * (drawn again on the rare collision, which inserts nothing).
 */
enum store_rc
store_jobs_sms_queue(struct store_engine *e, struct store_job *j)
{
	struct store_bind	 b;
	char			 msgid[STORE_SMS_MSGID_LEN + 1];
	int64_t			 id;
	size_t			 i;
	int			 tries;

	for (i = 0; i < j->ntexts; i++) {
		if (store_sql_next_id(e, ST_SMS_NEXT_ID, &id) == -1)
			goto fail;
		for (tries = 0; tries < STORE_SMS_MSGID_TRIES; tries++) {
			store_job_random_chars(msgid, STORE_SMS_MSGID_LEN,
			    store_sms_msgid_chars,
			    sizeof(store_sms_msgid_chars) - 1);
			store_sql_bind(e, ST_SMS_INSERT, &b);
			store_sql_int(&b, id);
			store_sql_text(&b, j->sms.channel);
			store_sql_sealed(e, j, &b, STORE_COL_SMS_PHONE, id,
			    j->sms.phone);
			store_sql_blob(&b, j->phone_hash, STORE_DEDUP_LEN);
			store_sql_sealed(e, j, &b, STORE_COL_SMS_TEXT, id,
			    j->texts[i]);
			store_sql_text(&b, msgid);
			store_sql_int(&b, j->now);
			store_sql_int(&b, j->now);
			store_sql_int(&b, j->now);
			if (store_sql_write(&b) != STORE_SQL_OK)
				goto fail;
			if (store_sql_changes(e) == 1)
				break;
		}
		if (tries == STORE_SMS_MSGID_TRIES) {
			log_warnx("store: sms queue: no free message id after "
			    "%d tries", tries);
			return STORE_ERR;
		}
	}
	log_debug("store: %zu sms queued", j->ntexts);
	return STORE_OK;

fail:
	store_sql_err(e, "sms queue");
	return STORE_ERR;
}

/*
 * Fill a due row (ST_SMS_DUE): one to a number that wrote STOP only as
 * its id and OPTED_OUT, for store_jobs_sms_due to record and drop.
 */
static int
store_jobs_fill_due(struct store_engine *e, struct store_job *j,
    const struct store_bind *s, void *p)
{
	struct store_sms	*r = p;

	if ((int)store_sql_integer(s, STORE_SMS_NCOLS) == 0)
		return store_jobs_fill_sms(e, j, s, p);
	r->id = store_sql_integer(s, 0);
	r->state = STORE_SMS_OPTED_OUT;
	return 0;
}

/* Order due rows by id. */
static int
store_jobs_by_id(const void *a, const void *b)
{
	const struct store_sms	*x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * One more page of due rows (j->max of them) after the j->nres kept:
 * rows to a number that wrote STOP recorded OPTED_OUT and dropped. *full:
 * the page came back whole (there may be more); *dropped: how many were.
 * 0, or -1 (logged).
 */
static int
store_jobs_due_page(struct store_engine *e, struct store_job *j, int *full,
    size_t *dropped)
{
	struct store_sms	*r;
	struct store_bind	 b;
	size_t			 i, n = j->nres, k = n;

	/* Past the rows kept: the first n of the order, still queued. */
	store_sql_bind(e, ST_SMS_DUE, &b);
	store_sql_int(&b, j->now);
	store_sql_int(&b, j->max);
	store_sql_int(&b, (int64_t)n);
	if (store_sql_each(e, j, &b, sizeof(struct store_sms),
	    store_jobs_fill_due) != STORE_SQL_OK) {
		store_sql_err(e, "sms due");
		return -1;
	}
	*full = j->max > 0 && (int64_t)(j->nres - n) == j->max;
	r = j->res;
	for (i = n; i < j->nres; i++) {
		if (r[i].state != STORE_SMS_OPTED_OUT) {
			r[k++] = r[i];
			continue;
		}
		store_sql_bind(e, ST_SMS_SKIP, &b);
		store_sql_int(&b, j->now);
		store_sql_int(&b, r[i].id);
		if (store_sql_write(&b) != STORE_SQL_OK) {
			store_sql_err(e, "sms due");
			return -1;
		}
	}
	*dropped = j->nres - k;
	j->nres = k;
	return 0;
}

/*
 * The queued texts due: the max soonest due (at most max, 0: all), those
 * to a number that wrote STOP made OPTED_OUT and left out (a page that
 * loses some to STOP is followed by the next, so that opted-out rows
 * never hide the rest), the rest by id (the order the sender keeps one
 * number's messages in).
 */
enum store_rc
store_jobs_sms_due(struct store_engine *e, struct store_job *j)
{
	int64_t	 want = j->max;	/* -1: no limit */
	size_t	 dropped, all = 0;
	int	 full;

	do {
		j->max = want < 0 ? -1 : want - (int64_t)j->nres;
		if (store_jobs_due_page(e, j, &full, &dropped) == -1) {
			j->max = want;
			return STORE_ERR;
		}
		all += dropped;
	} while (full && dropped > 0);
	j->max = want;
	if (all > 0)
		log_debug("store: %zu sms not sent: the number wrote STOP",
		    all);
	if (j->nres > 1)
		qsort(j->res, j->nres, sizeof(struct store_sms),
		    store_jobs_by_id);
	return STORE_OK;
}

/*
 * Record what sending row j->id came to: attempts + 1, its state (from
 * queued, or opted out meanwhile: a report that came first keeps its
 * own), RETRY's next_at, and whatever is known of how it went out.
 */
enum store_rc
store_jobs_sms_result(struct store_engine *e, struct store_job *j)
{
	struct store_bind	 b;
	enum store_sms_state	 state = STORE_SMS_SENT;

	if (j->delivery == STORE_RETRY)
		state = STORE_SMS_QUEUED;
	else if (j->delivery == STORE_GAVE_UP)
		state = STORE_SMS_FAILED;
	store_sql_bind(e, ST_SMS_RESULT, &b);
	store_sql_int(&b, state);
	if (j->delivery == STORE_RETRY)
		store_sql_int(&b, j->when);
	else
		store_sql_null(&b);
	store_sql_text(&b, j->sms.gateway_id);
	store_sql_text(&b, j->sms.error);
	store_sql_int(&b, j->sms.parts);
	store_sql_int(&b, j->sms.parts);
	store_sql_text(&b, j->sms.encoding);
	store_sql_int(&b, j->now);
	store_sql_int(&b, j->id);
	if (store_sql_write(&b) != STORE_SQL_OK) {
		store_sql_err(e, "sms result");
		return STORE_ERR;
	}
	if (store_sql_changes(e) == 0)
		return STORE_NOTFOUND;
	if (j->delivery == STORE_GAVE_UP)
		log_debug("store: sms %lld given up", (long long)j->id);
	return STORE_OK;
}

/*
 * A delivery report on a channel, by our message id or (without one) the
 * gateway's: the status is kept as the row's report; "delivered" makes it
 * DELIVERED unless it is FAILED, "failed" makes it FAILED, "sent" leaves
 * the state.
 */
enum store_rc
store_jobs_sms_report(struct store_engine *e, struct store_job *j)
{
	struct store_bind	 b;
	const char		*status = j->sms.report;
	int64_t			 to = -1;

	if (strcmp(status, "delivered") == 0)
		to = STORE_SMS_DELIVERED;
	else if (strcmp(status, "failed") == 0)
		to = STORE_SMS_FAILED;
	store_sql_bind(e, j->sms.msg_id != NULL ? ST_SMS_REPORT_MSG :
	    ST_SMS_REPORT_GW, &b);
	store_sql_text(&b, status);
	store_sql_int(&b, j->now);
	store_sql_int(&b, to);
	store_sql_int(&b, to);
	store_sql_int(&b, to);
	store_sql_text(&b, j->sms.channel);
	store_sql_text(&b, j->sms.msg_id != NULL ? j->sms.msg_id :
	    j->sms.gateway_id);
	if (store_sql_write(&b) != STORE_SQL_OK) {
		store_sql_err(e, "sms report");
		return STORE_ERR;
	}
	return store_sql_changes(e) > 0 ? STORE_OK : STORE_NOTFOUND;
}

/*
 * STOP (j->any) records the number's keyed hash, and the number sealed
 * beside it so that a new key can hash it again; START clears it.
 */
enum store_rc
store_jobs_sms_optout(struct store_engine *e, struct store_job *j)
{
	struct store_bind	 b;
	int64_t			 id = 0;
	int			 rc;

	if (j->any) {
		store_sql_bind(e, ST_SMS_OPTOUT_FIND, &b);
		store_sql_blob(&b, j->phone_hash, STORE_DEDUP_LEN);
		rc = store_sql_one(&b, &id);
		if (rc == STORE_SQL_ROW) {
			store_sql_bind(e, ST_SMS_OPTOUT_TOUCH, &b);
			store_sql_sealed(e, j, &b, STORE_COL_OPTOUT_NUMBER,
			    id, j->sms.phone);
			store_sql_int(&b, j->now);
			store_sql_int(&b, id);
		} else if (rc != STORE_SQL_DONE ||
		    store_sql_next_id(e, ST_SMS_OPTOUT_NEXT_ID, &id) == -1)
			goto fail;
		else {
			store_sql_bind(e, ST_SMS_OPTOUT_PUT, &b);
			store_sql_int(&b, id);
			store_sql_blob(&b, j->phone_hash, STORE_DEDUP_LEN);
			store_sql_sealed(e, j, &b, STORE_COL_OPTOUT_NUMBER,
			    id, j->sms.phone);
			store_sql_int(&b, j->now);
			/* A new STOP, counted with it. */
			if (store_jobs_stats_optout(e, j->now) != STORE_SQL_OK)
				goto fail;
		}
	} else {
		/* The floor first: the freed id is never given again. */
		if (store_sql_exec(e, ST_FLOOR_OPTOUT) != STORE_SQL_OK)
			goto fail;
		store_sql_bind(e, ST_SMS_OPTOUT_DEL, &b);
		store_sql_blob(&b, j->phone_hash, STORE_DEDUP_LEN);
	}
	if (store_sql_write(&b) != STORE_SQL_OK)
		goto fail;
	log_debug("store: a number %s", j->any ? "wrote STOP" :
	    "wrote START");
	return STORE_OK;

fail:
	store_sql_err(e, "sms optout");
	return STORE_ERR;
}

/* The texts to one number (by keyed hash), oldest first. */
enum store_rc
store_jobs_sms_list(struct store_engine *e, struct store_job *j)
{
	struct store_bind	 b;

	store_sql_bind(e, ST_SMS_LIST, &b);
	store_sql_blob(&b, j->phone_hash, STORE_DEDUP_LEN);
	if (store_sql_each(e, j, &b, sizeof(struct store_sms),
	    store_jobs_fill_sms) != STORE_SQL_OK) {
		store_sql_err(e, "sms list");
		return STORE_ERR;
	}
	return STORE_OK;
}
