/* SPDX-License-Identifier: ISC */
/*
 * roster: the loaded roster and what it answers: who is on duty at an
 * instant, the next duty, when a caller can honestly expect a call in her
 * safe window, and look-ups of people by id, token and Telegram id. Time
 * is Phnom Penh local time computed by clock.c's plain arithmetic. Reading
 * and checking the file is roster_load.c's job; it sends nothing and does
 * not choose whom to alert.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "clock.h"
#include "roster.h"
#include "roster_impl.h"

const char *const roster_window_names[ROSTER_NWINDOWS] = {
	"morning", "afternoon", "evening"
};

/* Order day numbers. */
int
roster_day_cmp(const void *a, const void *b)
{
	int64_t	 x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Return 1 if local day day is a public holiday. */
static int
roster_is_holiday(const struct roster *r, int64_t day)
{
	return r->nholidays > 0 && bsearch(&day, r->holidays, r->nholidays,
	    sizeof(*r->holidays), roster_day_cmp) != NULL;
}

/*
 * The local-seconds span of shift s when it starts on local day day.
 * Returns 0 if it does not run then (wrong weekday, or a holiday it skips).
 */
static int
roster_instance(const struct roster *r, const struct roster_shift *s,
    int64_t day, struct roster_span *out)
{
	int	 end = s->end > s->start ? s->end : s->end + HCLOCK_MINUTES;

	if ((s->days & (1u << hclock_wday(day))) == 0)
		return 0;
	if (!s->holidays && roster_is_holiday(r, day))
		return 0;
	out->b = day * HCLOCK_DAY + (int64_t)s->start * 60;
	out->e = day * HCLOCK_DAY + (int64_t)end * 60;
	return 1;
}

/* Return 1 if a shift of person i covers local second l. */
static int
roster_covers(const struct roster *r, size_t i, int64_t l)
{
	struct roster_span	 sp;
	int64_t			 day = hclock_div(l, HCLOCK_DAY);
	size_t			 j;

	/* A shift is shorter than a day: only today's and yesterday's. */
	for (j = 0; j < r->nshifts; j++) {
		if (r->shifts[j].person != i)
			continue;
		if (roster_instance(r, &r->shifts[j], day, &sp) &&
		    sp.b <= l && l < sp.e)
			return 1;
		if (roster_instance(r, &r->shifts[j], day - 1, &sp) &&
		    sp.b <= l && l < sp.e)
			return 1;
	}
	return 0;
}

/* Counsellors on duty at now, in roster order. */
size_t
roster_on_duty(const struct roster *r, time_t now,
    const struct roster_person **out, size_t max)
{
	int64_t	 l = hclock_lsec(now);
	size_t	 i, n = 0;

	for (i = 0; i < r->npeople; i++) {
		if (r->people[i].supervisor || !roster_covers(r, i, l))
			continue;
		if (n < max)
			out[n] = &r->people[i];
		n++;
	}
	return n;
}

/* The first instant >= now when a counsellor is on duty, or -1. */
time_t
roster_next_duty(const struct roster *r, time_t now)
{
	struct roster_span	 sp;
	int64_t			 l = hclock_lsec(now), day, best = INT64_MAX;
	size_t			 j;

	if (roster_on_duty(r, now, NULL, 0) > 0)
		return now;
	/* Off duty now, so the answer is the earliest shift start. */
	for (day = hclock_div(l, HCLOCK_DAY);
	    day <= hclock_div(l, HCLOCK_DAY) + ROSTER_HORIZON; day++)
		for (j = 0; j < r->nshifts; j++)
			if (!r->people[r->shifts[j].person].supervisor &&
			    roster_instance(r, &r->shifts[j], day, &sp) &&
			    sp.b >= l && sp.b < best)
				best = sp.b;
	if (best > l + (int64_t)ROSTER_HORIZON * HCLOCK_DAY)
		return -1;
	return (time_t)(best - ROSTER_UTC_OFFSET);
}

/* Order spans by their start. */
static int
roster_span_cmp(const void *a, const void *b)
{
	const struct roster_span	*x = a, *y = b;

	return (x->b > y->b) - (x->b < y->b);
}

/*
 * Append to sp the parts of span s that lie inside window w (minutes, every
 * day; NULL: all of s). The window instances that can meet a shift start
 * the day before, the day of, or the day after its start.
 */
static size_t
roster_clip(const struct roster_span *s, const struct roster_span *w,
    struct roster_span *sp)
{
	struct roster_span	 wi;
	int64_t			 day, sday = hclock_div(s->b, HCLOCK_DAY);
	int64_t			 we;
	size_t			 n = 0;

	if (w == NULL) {
		sp[0] = *s;
		return 1;
	}
	we = w->e > w->b ? w->e : w->e + HCLOCK_MINUTES;
	for (day = sday - 1; day <= sday + 1; day++) {
		wi.b = day * HCLOCK_DAY + w->b * 60;
		wi.e = day * HCLOCK_DAY + we * 60;
		if (wi.b < s->b)
			wi.b = s->b;
		if (wi.e > s->e)
			wi.e = s->e;
		if (wi.b < wi.e)
			sp[n++] = wi;
	}
	return n;
}

/* When a request at now, for a safe window, can expect a call. */
int
roster_expected(const struct roster *r, time_t now, const char *window,
    struct roster_when *out)
{
	const struct roster_span	*w = NULL;
	struct roster_span		*sp = NULL, inst;
	int64_t				 l = hclock_lsec(now), today, day;
	int64_t				 cb = 0, ce = 0, at, sod;
	size_t				 i, j, n = 0, cap;
	int				 found = 0, diff, now_window;

	now_window = window != NULL && strcmp(window, "now") == 0;
	if (window != NULL && !now_window) {
		for (i = 0; i < ROSTER_NWINDOWS; i++)
			if (strcmp(window, roster_window_names[i]) == 0)
				w = &r->windows[i];
		if (w == NULL)
			return -1;
	}
	memset(out, 0, sizeof(*out));
	out->kind = WHEN_UNKNOWN;
	out->at = -1;
	today = hclock_div(l, HCLOCK_DAY);

	/* Every counsellor shift from yesterday to the horizon, clipped to
	 * the window; then the first merged stretch that has not ended. */
	cap = r->nshifts * (ROSTER_HORIZON + 2) * 3;
	if (cap == 0)
		return 0;
	sp = calloc(cap, sizeof(*sp));
	if (sp == NULL)
		return 0;	/* cannot tell: say so honestly */
	for (day = today - 1; day <= today + ROSTER_HORIZON; day++)
		for (j = 0; j < r->nshifts; j++)
			if (!r->people[r->shifts[j].person].supervisor &&
			    roster_instance(r, &r->shifts[j], day, &inst))
				n += roster_clip(&inst, w, sp + n);
	qsort(sp, n, sizeof(*sp), roster_span_cmp);
	for (i = 0; i < n && !found;) {
		cb = sp[i].b;
		ce = sp[i].e;
		for (i++; i < n && sp[i].b <= ce; i++)
			if (sp[i].e > ce)
				ce = sp[i].e;
		found = ce > l;
	}
	free(sp);
	if (!found || cb > l + (int64_t)ROSTER_HORIZON * HCLOCK_DAY)
		return 0;

	if (cb <= l) {
		/*
		 * On duty inside her window now. "Now" means within the next
		 * now_minutes when the stretch lasts that long; otherwise the
		 * end of the stretch, said as people say it: before an hour
		 * today, or tonight before an hour of the small hours. A
		 * stretch that runs on into the next day's morning or later
		 * is as good as "now".
		 */
		out->at = now;
		out->wday = hclock_wday(today);
		day = hclock_div(ce, HCLOCK_DAY);
		sod = ce - day * HCLOCK_DAY;
		out->hour = (int)(sod / 3600);
		out->minute = (int)(sod % 3600 / 60);
		out->minutes = r->now_minutes;
		if ((now_window && ce - l >= (int64_t)r->now_minutes * 60) ||
		    day > today + 1 || (day == today + 1 &&
		    sod > ROSTER_SMALL_HOURS * 3600))
			out->kind = WHEN_WITHIN;
		else if (day == today)
			out->kind = WHEN_TODAY_BEFORE;
		else
			out->kind = WHEN_TONIGHT_BEFORE;
		return 0;
	}
	at = cb;
	day = hclock_div(at, HCLOCK_DAY);
	diff = (int)(day - today);
	sod = at - day * HCLOCK_DAY;
	out->hour = (int)(sod / 3600);
	out->minute = (int)(sod % 3600 / 60);
	out->wday = hclock_wday(day);
	out->at = (time_t)(at - ROSTER_UTC_OFFSET);
	if (diff == 0)
		out->kind = WHEN_TODAY_FROM;
	else if (diff == 1)
		out->kind = WHEN_TOMORROW_FROM;
	else if (diff < 7)
		out->kind = WHEN_DAY_FROM;
	/* A week or more away a weekday name would mislead: UNKNOWN. */
	return 0;
}

/* Supervisors in roster order. */
size_t
roster_supervisors(const struct roster *r, const struct roster_person **out,
    size_t max)
{
	size_t	 i, n = 0;

	for (i = 0; i < r->npeople; i++) {
		if (!r->people[i].supervisor)
			continue;
		if (n < max)
			out[n] = &r->people[i];
		n++;
	}
	return n;
}

/* Everyone, in roster order. */
size_t
roster_people(const struct roster *r, const struct roster_person **out,
    size_t max)
{
	size_t	 i;

	for (i = 0; i < r->npeople && i < max; i++)
		out[i] = &r->people[i];
	return r->npeople;
}

/* Whether some person is alerted through transport t. */
int
roster_uses(const struct roster *r, const struct notify_transport *t)
{
	size_t	 i, j;

	for (i = 0; i < r->npeople; i++)
		for (j = 0; j < r->people[i].nalerts; j++)
			if (r->people[i].alerts[j].transport == t)
				return 1;
	return 0;
}

/* A person by id, or NULL. */
const struct roster_person *
roster_find(const struct roster *r, const char *id)
{
	size_t	 i;

	if (id == NULL)
		return NULL;
	for (i = 0; i < r->npeople; i++)
		if (strcmp(r->people[i].id, id) == 0)
			return &r->people[i];
	return NULL;
}

/* The person whose Telegram user id is id, or NULL. */
const struct roster_person *
roster_by_telegram(const struct roster *r, long long id)
{
	size_t	 i;

	if (id <= 0)
		return NULL;
	for (i = 0; i < r->npeople; i++)
		if (r->people[i].telegram_id == id)
			return &r->people[i];
	return NULL;
}

/* The person whose token is token, comparing hashes of every token. */
const struct roster_person *
roster_by_token(const struct roster *r, const char *token)
{
	const struct roster_person	*found = NULL;
	unsigned char			 h[ROSTER_HASH];
	size_t				 i;
	int				 eq;

	if (token == NULL || *token == '\0')
		return NULL;
	/*
	 * Hashing first makes every comparison the same length; no early
	 * exit, so the time does not depend on who matched or how closely.
	 */
	crypto_generichash(h, sizeof(h), (const unsigned char *)token,
	    strlen(token), NULL, 0);
	for (i = 0; i < r->npeople; i++) {
		eq = sodium_memcmp(h, r->tokhash[i], sizeof(h)) == 0;
		if (eq && r->people[i].token != NULL)
			found = &r->people[i];
	}
	sodium_memzero(h, sizeof(h));
	return found;
}

/* Seconds before escalation. */
int
roster_escalate_after(const struct roster *r)
{
	return r->escalate_after;
}

/* Seconds before the first retry of a failed delivery. */
long
roster_retry_first(const struct roster *r)
{
	return r->retry_first;
}

/* Delivery failures before the supervisors are told. */
int
roster_max_attempts(const struct roster *r)
{
	return r->max_attempts;
}

/* Minutes within which "now" promises the call. */
int
roster_now_minutes(const struct roster *r)
{
	return r->now_minutes;
}

/* Seconds a claim may stay open before it is released. */
int
roster_claim_expiry(const struct roster *r)
{
	return r->claim_expiry;
}

/* Unanswered calls before the supervisors decide. */
int
roster_call_attempts(const struct roster *r)
{
	return r->call_attempts;
}

/* Seconds between an unanswered call and the next attempt. */
int
roster_attempt_gap(const struct roster *r)
{
	return r->attempt_gap;
}

/* The safe-call windows, in minutes of the day. */
size_t
roster_windows(const struct roster *r, struct roster_window *out, size_t max)
{
	size_t	 i;

	for (i = 0; i < ROSTER_NWINDOWS && i < max; i++) {
		out[i].name = roster_window_names[i];
		out[i].from = (int)r->windows[i].b;
		out[i].to = (int)r->windows[i].e;
	}
	return ROSTER_NWINDOWS;
}
