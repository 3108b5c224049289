/* SPDX-License-Identifier: ISC */
/*
 * store_jobs: what the store does for each job about requests,
 * their history and the named values: create (or find, or fold into her
 * open request), her answers and how her session ended, the queue and
 * its views, claims and the rest of a request's life, counsellors' notes.
 * Alerts are store_jobs_outbox.c's; transactions and savepoints around
 * each job are store_sql.c's.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>


#include "log.h"
#include "store_jobs.h"
#include "store_sql.h"

#define STORE_REF_LEN		6
#define STORE_REF_TRIES		16

/* Unambiguous on a phone screen and read aloud: no 0/O, 1/I, 2/Z, 5/S... */
static const char store_ref_chars[] = "ACDEFGHJKLMNPQRTUVWXY3479";

/* Whether the number behind hash h was marked unsafe; -1 on error. */
static int
store_jobs_is_marked(struct store_engine *e, const uint8_t *h)
{
	struct store_bind	 b;
	int64_t			 n = 0;

	store_sql_bind(e, ST_MARK_HAS, &b);
	store_sql_blob(&b, h, STORE_DEDUP_LEN);
	if (store_sql_one(&b, &n) != STORE_SQL_ROW)
		return -1;
	return n > 0;
}

/* Whether either of the job's numbers was marked unsafe; -1 on error. */
static int
store_jobs_marked(struct store_engine *e, struct store_job *j)
{
	int	 a, b = 0;

	a = store_jobs_is_marked(e, j->phone_hash);
	if (j->has_safe_hash)
		b = store_jobs_is_marked(e, j->safe_hash);
	if (a == -1 || b == -1)
		return -1;
	return a || b;
}

/* The open request of this number, 0 if none, -1 on error. */
static int64_t
store_jobs_open_of(struct store_engine *e, struct store_job *j)
{
	struct store_bind	 b;
	int64_t			 id = 0;
	int			 rc;

	store_sql_bind(e, ST_CB_BY_PHONE, &b);
	store_sql_blob(&b, j->phone_hash, STORE_DEDUP_LEN);
	rc = store_sql_one(&b, &id);
	if (rc != STORE_SQL_ROW && rc != STORE_SQL_DONE)
		return -1;
	return id;
}

/*
 * Bind her answers, sealed to row id, in the order every statement that
 * writes them takes: safe_to_call, safe_number, window, cover, urgent,
 * province, topic, lang.
 */
static void
store_jobs_bind_answers(struct store_engine *e, struct store_job *j,
    struct store_bind *b, int64_t id)
{
	const struct store_callback	*in = &j->in;

	store_sql_sealed(e, j, b, STORE_COL_SAFE_TO_CALL, id,
	    in->safe_to_call);
	store_sql_sealed(e, j, b, STORE_COL_SAFE_NUMBER, id,
	    in->safe_number);
	store_sql_sealed(e, j, b, STORE_COL_WINDOW, id, in->window);
	store_sql_sealed(e, j, b, STORE_COL_COVER, id, in->cover);
	store_sql_int(b, in->urgent);
	store_sql_sealed(e, j, b, STORE_COL_PROVINCE, id, in->province);
	store_sql_sealed(e, j, b, STORE_COL_TOPIC, id, in->topic);
	store_sql_text(b, in->lang);
}

/* She asked again: fold the new answers into her open request id. */
static enum store_rc
store_jobs_merge(struct store_engine *e, struct store_job *j, int64_t id,
    int warn)
{
	const struct store_callback	*in = &j->in;
	struct store_bind		 b;

	store_sql_bind(e, ST_CB_MERGE, &b);
	store_sql_blob(&b, j->dedup, sizeof(j->dedup));
	store_jobs_bind_answers(e, j, &b, id);
	store_sql_text(&b, in->channel);
	store_sql_int(&b, in->call_from);
	store_sql_hash(&b, j->safe_hash, j->has_safe_hash);
	store_sql_int(&b, warn);
	store_sql_int(&b, in->intake);
	store_sql_text(&b, in->intake ? NULL : "completed");
	store_sql_int(&b, j->now);
	store_sql_int(&b, in->next_action_at);
	store_sql_int(&b, in->next_action_at);
	store_sql_int(&b, id);
	if (store_sql_write(&b) != STORE_SQL_OK ||
	    store_jobs_event(e, j, id, j->now, "asked_again", "system",
	    NULL) !=
	    STORE_SQL_OK ||
	    store_sql_fetch(e, j, ST_CB_BY_ID, NULL, id) != STORE_SQL_OK ||
	    j->nres != 1 ||
	    store_jobs_stats_answers(e, j, j->res) != STORE_SQL_OK) {
		store_sql_err(e, "asked again");
		return STORE_ERR;
	}
	log_debug("store: row %lld asked for again", (long long)id);
	return STORE_MERGED;
}

/*
 * Create a request, or find the one this dedup already made, or fold it
 * into the open request of the same number.
 */
enum store_rc
store_jobs_create(struct store_engine *e, struct store_job *j)
{
	const struct store_callback	*in = &j->in;
	struct store_bind		 b;
	char				 ref[STORE_REF_LEN + 1];
	int64_t				 id;
	int				 tries, warn;

	/* The same session id long ago was another caller's session. */
	store_sql_bind(e, ST_CB_RETIRE, &b);
	store_sql_blob(&b, j->dedup, sizeof(j->dedup));
	store_sql_int(&b, j->now - j->window);
	if (store_sql_write(&b) != STORE_SQL_OK)
		goto fail;
	if (store_sql_fetch(e, j, ST_CB_BY_DEDUP, NULL, 0) != STORE_SQL_OK)
		goto fail;
	if (j->nres > 0)
		return STORE_DUP;
	warn = store_jobs_marked(e, j);
	id = store_jobs_open_of(e, j);
	if (warn == -1 || id == -1)
		goto fail;
	if (id > 0)
		return store_jobs_merge(e, j, id, warn);

	if (store_sql_next_id(e, ST_CB_NEXT_ID, &id) == -1)
		goto fail;
	/* A collision on ref inserts nothing: draw again. */
	for (tries = 0; tries < STORE_REF_TRIES; tries++) {
		store_job_random_chars(ref, STORE_REF_LEN, store_ref_chars,
		    sizeof(store_ref_chars) - 1);
		store_sql_bind(e, ST_CB_INSERT, &b);
		store_sql_int(&b, id);
		store_sql_text(&b, ref);
		store_sql_blob(&b, j->dedup, sizeof(j->dedup));
		store_sql_text(&b, in->channel);
		store_sql_sealed(e, j, &b, STORE_COL_PHONE, id, in->phone);
		store_jobs_bind_answers(e, j, &b, id);
		store_sql_int(&b, STORE_OPEN);
		store_sql_int(&b, j->now);
		store_sql_int(&b, j->now);
		store_sql_int(&b, in->next_action_at);
		store_sql_blob(&b, j->phone_hash, STORE_DEDUP_LEN);
		store_sql_hash(&b, j->safe_hash, j->has_safe_hash);
		store_sql_int(&b, warn);
		store_sql_int(&b, in->intake);
		store_sql_int(&b, in->call_from);
		store_sql_text(&b, in->intake ? NULL : "completed");
		if (store_sql_write(&b) != STORE_SQL_OK)
			goto fail;
		if (store_sql_changes(e) == 1)
			break;
	}
	if (tries == STORE_REF_TRIES) {
		log_warnx("store: create: no free case reference after %d "
		    "tries", tries);
		return STORE_ERR;
	}
	if (store_jobs_event(e, j, id, j->now, "created", "system", NULL) !=
	    STORE_SQL_OK)
		goto fail;
	if (store_sql_fetch(e, j, ST_CB_BY_ID, NULL, id) != STORE_SQL_OK ||
	    j->nres != 1 ||
	    store_jobs_stats_caller(e, in->channel, j->phone_hash,
	    j->now) != STORE_SQL_OK ||
	    store_jobs_stats_answers(e, j, j->res) != STORE_SQL_OK)
		goto fail;
	log_debug("store: case %s created (row %lld)", ref, (long long)id);
	return STORE_OK;

fail:
	store_sql_err(e, "create");
	return STORE_ERR;
}

/* Write the session's answers so far into its request. */
enum store_rc
store_jobs_update(struct store_engine *e, struct store_job *j)
{
	const struct store_callback	*in = &j->in;
	struct store_bind		 b;
	int				 warn;

	warn = store_jobs_marked(e, j);
	if (warn == -1)
		goto fail;
	store_sql_bind(e, ST_CB_UPDATE, &b);
	store_jobs_bind_answers(e, j, &b, j->id);
	store_sql_int(&b, in->call_from);
	store_sql_hash(&b, j->safe_hash, j->has_safe_hash);
	store_sql_int(&b, warn);
	store_sql_int(&b, in->intake);
	store_sql_text(&b, j->text);
	store_sql_int(&b, j->now);
	store_sql_int(&b, in->next_action_at);
	store_sql_int(&b, in->next_action_at);
	store_sql_int(&b, j->id);
	if (store_sql_write(&b) != STORE_SQL_OK)
		goto fail;
	if (store_sql_changes(e) == 0)
		return store_sql_unchanged(e, j, j->id, "update");
	if (store_sql_fetch(e, j, ST_CB_BY_ID, NULL, j->id) != STORE_SQL_OK ||
	    j->nres != 1 ||
	    store_jobs_stats_answers(e, j, j->res) != STORE_SQL_OK)
		goto fail;
	return STORE_OK;

fail:
	store_sql_err(e, "update");
	return STORE_ERR;
}

/* Record how the session of a request still taking answers ended. */
enum store_rc
store_jobs_end(struct store_engine *e, struct store_job *j)
{
	struct store_bind	 b;

	store_sql_bind(e, ST_CB_END, &b);
	store_sql_text(&b, j->text);
	store_sql_int(&b, j->now);
	store_sql_int(&b, j->now);
	store_sql_int(&b, j->now);
	store_sql_int(&b, j->id);
	if (store_sql_write(&b) != STORE_SQL_OK)
		goto fail;
	if (store_sql_changes(e) != 1)
		return STORE_CONFLICT;
	/* Her answers are final now: count them. */
	if (store_sql_fetch(e, j, ST_CB_BY_ID, NULL, j->id) != STORE_SQL_OK ||
	    j->nres != 1 ||
	    store_jobs_stats_answers(e, j, j->res) != STORE_SQL_OK)
		goto fail;
	return STORE_OK;

fail:
	store_sql_err(e, "end");
	return STORE_ERR;
}

/* List the requests the dispatcher should look at now. */
enum store_rc
store_jobs_due(struct store_engine *e, struct store_job *j)
{
	return store_sql_list(e, j, ST_CB_DUE, j->now,
	    sizeof(struct store_callback), store_sql_fill_row, "due");
}

/* Bind the states of the job's view and its claimant (NULL: anyone). */
static void
store_jobs_bind_view(struct store_bind *b, const struct store_job *j)
{
	static const int	 states[][3] = {
		[STORE_VIEW_ALL] = { STORE_OPEN, STORE_ALERTED,
		    STORE_CLAIMED },
		[STORE_VIEW_MINE] = { STORE_CLAIMED, STORE_CLAIMED,
		    STORE_CLAIMED },
		[STORE_VIEW_UNASSIGNED] = { STORE_OPEN, STORE_ALERTED,
		    STORE_ALERTED },
		[STORE_VIEW_CLAIMED] = { STORE_CLAIMED, STORE_CLAIMED,
		    STORE_CLAIMED },
	};
	const char		*who;
	int			 i;

	for (i = 0; i < 3; i++)
		store_sql_int(b, states[j->view][i]);
	who = j->view == STORE_VIEW_MINE ? j->who : NULL;
	store_sql_text(b, who);
	store_sql_text(b, who);
}

/* A page of a view of the queue, and how many requests the view holds. */
enum store_rc
store_jobs_view(struct store_engine *e, struct store_job *j)
{
	struct store_bind	 b;
	int64_t			 n = 0;

	/*
	 * The open ones are most of the queue: read in its order. A claimed
	 * view is a few rows, found by state and sorted.
	 */
	store_sql_bind(e, j->view == STORE_VIEW_ALL ||
	    j->view == STORE_VIEW_UNASSIGNED ? ST_CB_VIEW_OPEN : ST_CB_VIEW,
	    &b);
	store_jobs_bind_view(&b, j);
	store_sql_int(&b, j->has_after);
	store_sql_int(&b, j->after_urgent);
	store_sql_int(&b, j->after_urgent);
	store_sql_int(&b, j->after_call_from);
	store_sql_int(&b, j->after_call_from);
	store_sql_int(&b, j->after_id);
	store_sql_int(&b, j->max);
	if (store_sql_rows(e, j, &b) != STORE_SQL_OK)
		goto fail;
	store_sql_bind(e, ST_CB_VIEW_COUNT, &b);
	store_jobs_bind_view(&b, j);
	if (store_sql_one(&b, &n) != STORE_SQL_ROW)
		goto fail;
	j->rounds = (int)n;
	return STORE_OK;

fail:
	store_sql_err(e, "view");
	return STORE_ERR;
}

/* Look a request up by reference. */
enum store_rc
store_jobs_get(struct store_engine *e, struct store_job *j)
{
	if (store_sql_fetch(e, j, ST_CB_BY_REF, j->ref, 0) != STORE_SQL_OK) {
		store_sql_err(e, "get");
		return STORE_ERR;
	}
	return j->nres > 0 ? STORE_OK : STORE_NOTFOUND;
}

/*
 * Mark one number unsafe by its hash h, keeping the number sealed beside
 * it so that a new key can hash it again (a mark of schema 4 gets it now).
 */
static int
store_jobs_mark_one(struct store_engine *e, struct store_job *j,
    const uint8_t *h, const char *number, int64_t now)
{
	struct store_bind	 b;
	int64_t			 mid = 0;
	int			 rc;

	store_sql_bind(e, ST_MARK_FIND, &b);
	store_sql_blob(&b, h, STORE_DEDUP_LEN);
	rc = store_sql_one(&b, &mid);
	if (rc == STORE_SQL_ROW) {
		store_sql_bind(e, ST_MARK_NUMBER, &b);
		store_sql_sealed(e, j, &b, STORE_COL_MARK_NUMBER, mid,
		    number);
		store_sql_int(&b, mid);
		return store_sql_write(&b);
	}
	if (rc != STORE_SQL_DONE)
		return rc;
	if (store_sql_next_id(e, ST_MARK_NEXT_ID, &mid) == -1)
		return STORE_SQL_ERROR;
	store_sql_bind(e, ST_MARK_PUT, &b);
	store_sql_int(&b, mid);
	store_sql_blob(&b, h, STORE_DEDUP_LEN);
	store_sql_sealed(e, j, &b, STORE_COL_MARK_NUMBER, mid, number);
	store_sql_text(&b, "unsafe");
	store_sql_int(&b, now);
	return store_sql_write(&b);
}

/* Mark the numbers of request id unsafe to call (by their hashes). */
static int
store_jobs_mark_unsafe(struct store_engine *e, struct store_job *j,
    int64_t id, int64_t now)
{
	static const char *const cols[2] = { STORE_COL_PHONE,
	    STORE_COL_SAFE_NUMBER };
	struct store_bind	 b;
	uint8_t			 h[2][STORE_DEDUP_LEN];
	const char		*number[2] = { NULL, NULL };
	int			 have[2] = { 0, 0 }, rc, i;

	store_sql_bind(e, ST_CB_NUMBERS, &b);
	store_sql_int(&b, id);
	rc = store_sql_step(&b);
	if (rc == STORE_SQL_ROW)
		for (i = 0; i < 2; i++) {
			if (store_sql_bytes(&b, i) != STORE_DEDUP_LEN)
				continue;
			memcpy(h[i], store_sql_blob_of(&b, i),
			    STORE_DEDUP_LEN);
			have[i] = 1;
			/* The mark matters more than its number (logged). */
			if (store_sql_opened(e, j, &b, 2 + i, cols[i], id,
			    &number[i]) == -1)
				number[i] = NULL;
		}
	store_sql_reset(&b);
	if (rc != STORE_SQL_ROW)
		return rc == STORE_SQL_DONE ? STORE_SQL_OK : rc;
	for (i = 0; i < 2; i++) {
		if (!have[i])
			continue;
		rc = store_jobs_mark_one(e, j, h[i], number[i], now);
		if (rc != STORE_SQL_OK)
			return rc;
	}
	return STORE_SQL_OK;
}

/*
 * Claim, release, complete, reassign, an unanswered call, or a claim that
 * expired. The UPDATE carries the precondition, so the decision and the
 * change are one step; the writer thread serialises the claimants. On no
 * change, the current row tells NOTFOUND from CONFLICT. The history event
 * names who did it, and whose claim it was when that was someone else.
 */
enum store_rc
store_jobs_change(struct store_engine *e, struct store_job *j)
{
	struct store_bind		 b;
	const struct store_callback	*r;
	const char			*event = "change", *actor = j->who;
	char				 detail[160], before[64] = "";
	int64_t				 id;
	int				 was_claimed = 0, rc;

	detail[0] = '\0';
	/* Whose it was: for the history and for claim expiry. */
	if (j->kind == SJ_EXPIRE)
		rc = store_sql_fetch(e, j, ST_CB_BY_ID, NULL, j->id);
	else
		rc = store_sql_fetch(e, j, ST_CB_BY_REF, j->ref, 0);
	if (rc != STORE_SQL_OK)
		goto fail;
	if (j->nres == 0)
		return STORE_NOTFOUND;
	r = j->res;
	id = r->id;
	was_claimed = r->state == STORE_CLAIMED;
	if (r->claimed_by != NULL)
		snprintf(before, sizeof(before), "%s", r->claimed_by);
	j->nres = 0;

	switch (j->kind) {
	case SJ_CLAIM:
		event = "claimed";
		store_sql_bind(e, ST_CB_CLAIM, &b);
		store_sql_text(&b, j->who);
		store_sql_int(&b, j->now);
		store_sql_int(&b, j->when);
		store_sql_int(&b, j->now);
		store_sql_text(&b, j->ref);
		break;
	case SJ_RELEASE:
		event = "released";
		store_sql_bind(e, ST_CB_RELEASE, &b);
		store_sql_int(&b, j->now);
		store_sql_int(&b, j->now);
		store_sql_text(&b, j->ref);
		store_sql_text(&b, j->who);
		store_sql_int(&b, j->any);
		if (was_claimed && strcmp(before, j->who) != 0)
			snprintf(detail, sizeof(detail), "claim of %s",
			    before);
		break;
	case SJ_REASSIGN:
		event = "reassigned";
		store_sql_bind(e, ST_CB_REASSIGN, &b);
		store_sql_text(&b, j->text);
		store_sql_int(&b, j->now);
		store_sql_int(&b, j->now);
		store_sql_int(&b, j->now);
		store_sql_text(&b, j->ref);
		if (was_claimed)
			snprintf(detail, sizeof(detail), "from %s to %s",
			    before, j->text);
		else
			snprintf(detail, sizeof(detail), "to %s", j->text);
		break;
	case SJ_ATTEMPT:
		event = "no_answer";
		store_sql_bind(e, ST_CB_ATTEMPT, &b);
		store_sql_int(&b, j->rounds);
		store_sql_int(&b, j->rounds);
		store_sql_int(&b, j->now);
		store_sql_int(&b, j->when);
		store_sql_int(&b, j->now);
		store_sql_text(&b, j->ref);
		store_sql_text(&b, j->who);
		break;
	case SJ_EXPIRE:
		event = "claim_expired";
		actor = "system";
		store_sql_bind(e, ST_CB_EXPIRE, &b);
		store_sql_int(&b, j->now);
		store_sql_int(&b, j->now);
		store_sql_int(&b, j->id);
		store_sql_int(&b, j->when);
		snprintf(detail, sizeof(detail), "claim of %s not completed",
		    before);
		break;
	default:
		event = "completed";
		snprintf(detail, sizeof(detail), "%s", j->text);
		store_sql_bind(e, ST_CB_COMPLETE, &b);
		store_sql_text(&b, j->text);
		store_sql_int(&b, j->now);
		store_sql_text(&b, j->ref);
		store_sql_text(&b, j->who);
		break;
	}
	if (store_sql_write(&b) != STORE_SQL_OK)
		goto fail;
	if (store_sql_changes(e) == 0) {
		if (store_sql_fetch(e, j, ST_CB_BY_ID, NULL, id) !=
		    STORE_SQL_OK)
			goto fail;
		r = j->res;
		if (j->kind == SJ_CLAIM && r->state == STORE_CLAIMED &&
		    r->claimed_by != NULL && strcmp(r->claimed_by, j->who) == 0)
			return STORE_OK;
		return STORE_CONFLICT;
	}
	if (store_sql_fetch(e, j, ST_CB_BY_ID, NULL, id) != STORE_SQL_OK ||
	    j->nres != 1)
		goto fail;
	r = j->res;
	if (j->kind == SJ_ATTEMPT)
		snprintf(detail, sizeof(detail), "attempt %d of %d%s",
		    r->attempts, j->rounds, r->attempts >= j->rounds ?
		    ": supervisors told" : "");
	if (j->kind == SJ_COMPLETE && strcmp(j->text, "unsafe") == 0 &&
	    store_jobs_mark_unsafe(e, j, r->id, j->now) != STORE_SQL_OK)
		goto fail;
	if (store_jobs_event(e, j, r->id, j->now, event, actor,
	    detail[0] != '\0' ? detail : NULL) != STORE_SQL_OK)
		goto fail;
	log_debug("store: case %s %s", r->ref, event);
	return STORE_OK;

fail:
	store_sql_err(e, event);
	return STORE_ERR;
}

/*
 * The row id of request ref: STORE_SQL_ROW, STORE_SQL_DONE (none) or an
 * error.
 */
static int
store_jobs_id_of(struct store_engine *e, const char *ref, int64_t *id)
{
	struct store_bind	 b;

	store_sql_bind(e, ST_CB_ID_BY_REF, &b);
	store_sql_text(&b, ref);
	return store_sql_one(&b, id);
}

/* Fill a history event from the current row (its id last). */
static int
store_jobs_fill_event(struct store_engine *e, struct store_job *j,
    const struct store_bind *s, void *p)
{
	struct store_event	*ev = p;

	ev->at = store_sql_integer(s, 0);
	if (store_sql_col(j, s, 1, &ev->event) == -1 ||
	    store_sql_col(j, s, 2, &ev->actor) == -1 ||
	    store_sql_opened(e, j, s, 3, STORE_COL_DETAIL,
	    store_sql_integer(s, 4), &ev->detail) == -1)
		return -1;
	return 0;
}

/* List the history of a request. */
enum store_rc
store_jobs_history(struct store_engine *e, struct store_job *j)
{
	struct store_bind	 b;
	int64_t			 id = 0;
	int			 rc;

	rc = store_jobs_id_of(e, j->ref, &id);
	if (rc == STORE_SQL_DONE)
		return STORE_NOTFOUND;
	if (rc != STORE_SQL_ROW)
		goto fail;
	store_sql_bind(e, ST_HIST_LIST, &b);
	store_sql_int(&b, id);
	if (store_sql_each(e, j, &b, sizeof(struct store_event),
	    store_jobs_fill_event) != STORE_SQL_OK)
		goto fail;
	return STORE_OK;

fail:
	store_sql_err(e, "history");
	return STORE_ERR;
}

/* Leave a counsellor's note in the history of a request, in any state. */
enum store_rc
store_jobs_note(struct store_engine *e, struct store_job *j)
{
	int64_t	 id = 0;
	int	 rc;

	rc = store_jobs_id_of(e, j->ref, &id);
	if (rc == STORE_SQL_DONE)
		return STORE_NOTFOUND;
	if (rc != STORE_SQL_ROW)
		goto fail;
	/* Her words, perhaps: the text is never logged. */
	if (store_jobs_event(e, j, id, j->now, "note", j->who, j->text) !=
	    STORE_SQL_OK ||
	    store_sql_fetch(e, j, ST_CB_BY_ID, NULL, id) != STORE_SQL_OK ||
	    j->nres != 1)
		goto fail;
	log_debug("store: row %lld noted by a counsellor", (long long)id);
	return STORE_OK;

fail:
	store_sql_err(e, "note");
	return STORE_ERR;
}

/* Count the work waiting. */
enum store_rc
store_jobs_gauges(struct store_engine *e, struct store_job *j)
{
	struct store_bind	 b;
	int			 rc;

	store_sql_bind(e, ST_GAUGES, &b);
	rc = store_sql_step(&b);
	if (rc == STORE_SQL_ROW) {
		j->gauges.waiting = store_sql_integer(&b, 0);
		j->gauges.oldest = store_sql_integer(&b, 1);
		j->gauges.alerts = store_sql_integer(&b, 2);
		j->gauges.texts = store_sql_integer(&b, 3);
	}
	store_sql_reset(&b);
	if (rc != STORE_SQL_ROW) {
		store_sql_err(e, "gauges");
		return STORE_ERR;
	}
	return STORE_OK;
}

/* Read a caller's named value. */
enum store_rc
store_jobs_meta_get(struct store_engine *e, struct store_job *j)
{
	struct store_bind	 b;
	int			 rc;

	/* Checked at submission too: this is the line that must hold. */
	if (!store_job_meta_key_ok(j->key))
		return STORE_ERR;
	store_sql_bind(e, ST_META_GET, &b);
	store_sql_text(&b, j->key);
	rc = store_sql_step(&b);
	if (rc == STORE_SQL_ROW && store_sql_col(j, &b, 0, &j->value) == -1)
		rc = STORE_SQL_NOMEM;
	store_sql_reset(&b);
	if (rc == STORE_SQL_DONE)
		return STORE_NOTFOUND;
	if (rc != STORE_SQL_ROW) {
		store_sql_err(e, "meta get");
		return STORE_ERR;
	}
	return j->value != NULL ? STORE_OK : STORE_ERR;
}

/* Write a caller's named value, as text. */
enum store_rc
store_jobs_meta_set(struct store_engine *e, struct store_job *j)
{
	struct store_bind	 b;

	if (!store_job_meta_key_ok(j->key))
		return STORE_ERR;
	store_sql_bind(e, ST_META_SET, &b);
	store_sql_text(&b, j->key);
	store_sql_text(&b, j->value);
	if (store_sql_write(&b) != STORE_SQL_OK) {
		store_sql_err(e, "meta set");
		return STORE_ERR;
	}
	return STORE_OK;
}
