/* SPDX-License-Identifier: ISC */
/*
 * intake: from a conversation's answers to a durable callback request.
 * It builds the row (fields, de-duplication key, when she can be called),
 * chooses create or update, records how the session ended, and maps the
 * roster's answer to when the call can come onto the {when} phrases. It
 * keeps nothing personal between steps: the row id and reference only.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "engine.h"
#include "intake.h"
#include "log.h"
#include "menu.h"
#include "metrics.h"
#include "phone.h"
#include "roster.h"
#include "store.h"

#define INTAKE_SLACK	5	/* seconds past the session's end */

struct intake {
	int64_t		 id;		/* 0: not filed yet */
	char		 ref[16];
	int		 ended;		/* intake over: completed or ended */
	int		 busy;		/* a save is queued */
};

/* One queued save: the intake and what to tell when it is done. */
struct intake_job {
	struct intake		*in;
	const struct roster	*roster;
	const struct hclock	*clock;
	struct metrics		*metrics;
	intake_done_cb		 done;
	void			*arg;
	char			 window[16];	/* for the {when} phrase */
	int			 final;
	int			 creating;
	unsigned long long	 ref;
};

/* A request not filed yet. */
struct intake *
intake_new(void)
{
	return calloc(1, sizeof(struct intake));
}

/* An intake filed by another daemon. */
struct intake *
intake_restore(int64_t id, const char *ref, int ended)
{
	struct intake	*in;

	if (id <= 0 || ref == NULL || strlen(ref) >= sizeof(in->ref))
		return NULL;
	in = intake_new();
	if (in == NULL)
		return NULL;
	in->id = id;
	memcpy(in->ref, ref, strlen(ref) + 1);
	in->ended = ended != 0;
	return in;
}

/* The row id. */
int64_t
intake_id(const struct intake *in)
{
	return in != NULL ? in->id : 0;
}

/* The case reference. */
const char *
intake_ref(const struct intake *in)
{
	return in != NULL ? in->ref : "";
}

/* Whether the intake is over. */
int
intake_ended(const struct intake *in)
{
	return in != NULL && in->ended;
}

/* Free the intake; queued jobs hold no pointer to it once done. */
void
intake_free(struct intake *in)
{
	free(in);
}

/* Whether a row exists. */
int
intake_filed(const struct intake *in)
{
	return in != NULL && in->id != 0;
}

/* Whether the request still takes answers. */
int
intake_open(const struct intake *in)
{
	return intake_filed(in) && !in->ended;
}

/*
 * When a request made now for window (now, morning, afternoon, evening,
 * or NULL: any time) can expect its call, as the {when} phrase says it,
 * and from when she may be called (*at). An unknown window is any time.
 */
static void
intake_when(const struct roster *r, int64_t now, const char *window,
    struct menu_when_info *out, int64_t *at)
{
	struct roster_when	 w;

	if (roster_expected(r, (time_t)now, window, &w) == -1)
		roster_expected(r, (time_t)now, NULL, &w);
	memset(out, 0, sizeof(*out));
	out->kind = w.kind;
	out->hour = w.hour;
	out->minute = w.minute;
	out->wday = w.wday;
	out->minutes = w.minutes;
	if (at != NULL)
		*at = w.at == -1 ? now + 14 * 86400 : w.at < now ? now : w.at;
}

/* The window the {when} of her request answers for. */
static const char *
intake_window(const struct store_callback *in)
{
	if (in->window != NULL)
		return in->window;
	/* In danger and not asked yet: as soon as possible. */
	return in->urgent ? "now" : NULL;
}

/*
 * What makes two filings the same: the session, the caller and every
 * answer given so far. The store merges only such exact duplicates (a
 * retried hop that escaped the session table) and keeps a keyed hash.
 */
static char *
intake_dedup(const struct intake_ctx *c, const struct store_callback *in,
    size_t *lenp)
{
	const char	*part[8];
	char		*b, *p;
	size_t		 i, n = 0, len = c->keylen + 1;

	part[n++] = in->phone;
	part[n++] = in->safe_to_call;
	part[n++] = in->safe_number;
	part[n++] = in->window;
	part[n++] = in->cover;
	part[n++] = in->urgent ? "urgent" : "";
	part[n++] = in->province;
	part[n++] = in->topic;
	for (i = 0; i < n; i++)
		len += (part[i] != NULL ? strlen(part[i]) : 0) + 1;
	b = malloc(len);
	if (b == NULL)
		return NULL;
	memcpy(b, c->key, c->keylen);
	p = b + c->keylen;
	*p++ = '\0';
	for (i = 0; i < n; i++) {
		if (part[i] != NULL) {
			memcpy(p, part[i], strlen(part[i]));
			p += strlen(part[i]);
		}
		*p++ = '\0';	/* NUL-separated: no two lists collide */
	}
	*lenp = len;
	return b;
}

/* The store answered a save. */
static void
intake_saved_cb(enum store_rc rc, const struct store_callback *row, void *arg)
{
	struct intake_job	*j = arg;
	struct intake		*in = j->in;
	struct menu_when_info	 w;
	enum engine_saved	 saved;

	in->busy = 0;
	if (j->creating) {
		if (rc == STORE_OK || rc == STORE_DUP || rc == STORE_MERGED) {
			in->id = row->id;
			snprintf(in->ref, sizeof(in->ref), "%s", row->ref);
			saved = ENGINE_SAVED;
			if (rc == STORE_OK)
				metrics_count(j->metrics, METRICS_CB_CREATED);
			else if (rc == STORE_MERGED)
				metrics_count(j->metrics, METRICS_CB_MERGED);
			log_info("session s%llu: callback request %s %s%s",
			    j->ref, in->ref, rc == STORE_DUP ? "already "
			    "stored" : rc == STORE_MERGED ? "asked for again" :
			    "stored", row->urgent ? " (urgent)" : "");
		} else {
			saved = ENGINE_NOT_FILED;
			log_warnx("session s%llu: callback request could not "
			    "be stored", j->ref);
		}
	} else if (rc == STORE_OK || rc == STORE_CONFLICT) {
		/* Closed by a counsellor meanwhile: her answers are moot. */
		saved = ENGINE_SAVED;
		log_debug("session s%llu: request %s updated", j->ref,
		    in->ref);
	} else {
		saved = ENGINE_SAVE_FAILED;
		log_warnx("session s%llu: request %s could not be updated",
		    j->ref, in->ref);
	}
	if (j->final && saved == ENGINE_SAVED)
		in->ended = 1;
	intake_when(j->roster, hclock_now(j->clock), j->window[0] != '\0' ?
	    j->window : NULL, &w, NULL);
	j->done(saved, &w, saved != ENGINE_NOT_FILED, j->arg);
	free(j);
}

/* File or update the request; see intake.h. */
int
intake_save(struct intake *in, const struct intake_ctx *c,
    const struct engine *e, intake_done_cb done, void *arg)
{
	struct store_callback	 row;
	struct intake_job	*j;
	const char		*urgent, *window;
	char			 phone[32], *dedup = NULL;
	size_t			 dlen = 0;
	int64_t			 now = hclock_now(c->clock);
	struct menu_when_info	 w;
	int			 rc;

	if (c->store == NULL || c->roster == NULL || in->busy)
		return -1;
	j = calloc(1, sizeof(*j));
	if (j == NULL)
		return -1;
	j->metrics = c->metrics;
	memset(&row, 0, sizeof(row));
	row.channel = c->channel;
	/* A callable number: +855... when it is a Cambodian one. */
	if (c->phone != NULL && phone_kh(c->phone, phone,
	    sizeof(phone)) == 0)
		row.phone = phone;
	else
		row.phone = c->phone;
	row.safe_to_call = engine_callback_field(e, MENU_CB_SAFE_TO_CALL);
	row.safe_number = engine_callback_field(e, MENU_CB_SAFE_NUMBER);
	row.window = engine_callback_field(e, MENU_CB_WINDOW);
	row.cover = engine_callback_field(e, MENU_CB_COVER);
	urgent = engine_callback_field(e, MENU_CB_URGENT);
	row.urgent = urgent != NULL && strcmp(urgent, "yes") == 0;
	row.province = engine_callback_field(e, MENU_CB_PROVINCE);
	row.topic = engine_callback_field(e, MENU_CB_TOPIC);
	row.lang = c->lang;
	j->final = engine_final(e);
	row.intake = !j->final;
	/* Alert now when she is in danger or done, else when she has left. */
	row.next_action_at = row.urgent || j->final ? now : c->deadline +
	    INTAKE_SLACK;
	window = intake_window(&row);
	intake_when(c->roster, now, window, &w, &row.call_from);
	if (window != NULL)
		snprintf(j->window, sizeof(j->window), "%s", window);
	j->in = in;
	j->roster = c->roster;
	j->clock = c->clock;
	j->done = done;
	j->arg = arg;
	j->ref = c->ref;
	if (in->id == 0) {
		j->creating = 1;
		dedup = intake_dedup(c, &row, &dlen);
		rc = dedup == NULL ? -1 : store_callback_create(c->store, &row,
		    dedup, dlen, c->window, now, intake_saved_cb, j);
	} else
		rc = store_callback_update(c->store, in->id, &row, j->final ?
		    "completed" : NULL, now, intake_saved_cb, j);
	if (dedup != NULL) {
		explicit_bzero(dedup, dlen);
		free(dedup);
	}
	explicit_bzero(phone, sizeof(phone));
	if (rc == -1) {
		free(j);
		return -1;
	}
	in->busy = 1;
	return 0;
}

/* Record how her session ended; see intake.h. */
void
intake_end(struct intake *in, const struct intake_ctx *c, const char *how)
{
	if (!intake_open(in) || c->store == NULL)
		return;
	in->ended = 1;
	log_info("session s%llu: request %s stays, session %s", c->ref,
	    in->ref, how);
	if (store_callback_end(c->store, in->id, how, hclock_now(c->clock),
	    NULL, NULL) == -1)
		log_warnx("session s%llu: how request %s ended is not "
		    "recorded (it is alerted all the same)", c->ref, in->ref);
}
