/* SPDX-License-Identifier: ISC */
/*
 * dispatch: a one-second tick (and kicks) that asks the store for due work
 * and acts on it. Due requests get their alert round: one counsellor on
 * duty (the next one each round), every counsellor and the supervisors when
 * urgent, the supervisors too from the second round on (not for another
 * call after no answer); with nobody on duty the request waits for the
 * next shift, and "now" outside shifts tells the supervisors at once. A
 * due claimed request alerts its claimant (asked again, assigned) or its
 * claim expires. Due outbox rows are built by notify and sent by fetch;
 * the verdict is written back with a backoff, and an alert given up on is
 * reported to the supervisors. A row stays in flight until its result is
 * durable; when the store cannot write, new work pauses and backs off.
 * Logs carry case references and roster ids only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <sodium.h>

#include "clock.h"
#include "conf.h"
#include "console.h"
#include "dispatch.h"
#include "fetch.h"
#include "lease.h"
#include "log.h"
#include "metrics.h"
#include "notify.h"
#include "notify_common.h"
#include "roster.h"
#include "store.h"

#define DISPATCH_BATCH		32	/* rows asked for per tick */
#define DISPATCH_PEOPLE		32	/* recipients of one round */
#define DISPATCH_INFLIGHT	256	/* deliveries at once */
#define DISPATCH_RETRY_MAX	3600	/* longest wait honoured */
#define DISPATCH_HOLD_MAX	60	/* longest pause after a failed write */

struct dispatch {
	struct event_base	*base;
	struct store		*store;
	struct fetch		*fetch;
	const struct hclock	*clock;
	struct conf *const	*confp;
	const char		*api_url;
	const struct lease	*lease;		/* NULL: always ours */
	struct console		*console;	/* one-time links, or NULL */
	dispatch_delivered_cb	 on_sent;
	void			*on_sent_arg;
	struct metrics		*metrics;	/* or NULL */
	struct event		*tick;
	struct event		*kick;
	int			 busy_due;	/* a due query is queued */
	int			 busy_outbox;
	int64_t			 inflight[DISPATCH_INFLIGHT];
	size_t			 ninflight;
	struct dispatch_send	*sends;		/* in flight, owned */
	int			 fails;		/* writes failed in a row */
	int64_t			 hold_until;	/* no new work before */
};

/*
 * One delivery, from the due row to its durable result. It stays in the
 * in-flight set until the store has committed what became of it, so that
 * no outbox scan can send the same row again meanwhile.
 */
struct dispatch_send {
	struct dispatch		*d;
	struct dispatch_send	*next;		/* d->sends */
	struct dispatch_send	**prevp;
	struct conf		*conf;		/* roster and providers used */
	struct event		*rewrite;	/* writing the result again */
	int64_t			 outbox_id;
	int64_t			 callback_id;
	int			 attempts;
	char			 ref[16];
	char			 recipient[64];
	char			 transport[16];
	char			 kind[32];
	const struct notify_transport *rt;	/* of the target */
	enum store_delivery	 dv;		/* the verdict to record */
	int64_t			 next_at;
	char			 why[192];
	int			 writes;	/* failed writes of it */
};

static void	dispatch_run(struct dispatch *);
static void	dispatch_write(struct dispatch_send *);

/* The timer and the kick both lead here. */
static void
dispatch_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	dispatch_run(arg);
}

/* Create the dispatcher and start its tick. */
struct dispatch *
dispatch_new(struct event_base *base, struct store *st, struct fetch *f,
    const struct hclock *clock, struct conf *const *confp,
    const char *api_url)
{
	struct dispatch	*d;
	struct timeval	 tv = { 1, 0 };

	if (sodium_init() == -1)
		return NULL;
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return NULL;
	d->base = base;
	d->store = st;
	d->fetch = f;
	d->clock = clock;
	d->confp = confp;
	d->api_url = api_url;
	d->tick = event_new(base, -1, EV_PERSIST, dispatch_tick_cb, d);
	d->kick = event_new(base, -1, 0, dispatch_tick_cb, d);
	if (d->tick == NULL || d->kick == NULL ||
	    event_add(d->tick, &tv) == -1) {
		dispatch_free(d);
		return NULL;
	}
	return d;
}

/* Run only under the lease. */
void
dispatch_set_lease(struct dispatch *d, const struct lease *l)
{
	d->lease = l;
}

/* Count alerts and escalations into m. */
void
dispatch_set_metrics(struct dispatch *d, struct metrics *m)
{
	d->metrics = m;
}

/* Put one-time console links in personal alerts. */
void
dispatch_set_console(struct dispatch *d, struct console *c)
{
	d->console = c;
}

/* Be told of every alert delivered. */
void
dispatch_on_sent(struct dispatch *d, dispatch_delivered_cb cb, void *arg)
{
	d->on_sent = cb;
	d->on_sent_arg = arg;
}

/* Run soon, from the loop; or wake the lease holder. */
void
dispatch_kick(struct dispatch *d)
{
	if (!lease_held(d->lease)) {
		if (store_hint(d->store) == -1)
			log_warnx("dispatch: the lease holder cannot be woken "
			    "(its scan finds the work)");
		return;
	}
	event_active(d->kick, 0, 0);
}

/* Deliveries in flight. */
size_t
dispatch_inflight(const struct dispatch *d)
{
	return d->ninflight;
}

/* Forget a send: out of the in-flight set and the list, freed. */
static void
dispatch_send_free(struct dispatch_send *s)
{
	struct dispatch	*d = s->d;
	size_t		 i;

	for (i = 0; i < d->ninflight; i++)
		if (d->inflight[i] == s->outbox_id) {
			d->inflight[i] = d->inflight[--d->ninflight];
			break;
		}
	if (s->prevp != NULL) {
		*s->prevp = s->next;
		if (s->next != NULL)
			s->next->prevp = s->prevp;
	}
	if (s->rewrite != NULL)
		event_free(s->rewrite);
	conf_unref(s->conf);
	free(s);
}

/*
 * Stop the tick and free, with the deliveries fetch will never complete
 * and the results not yet written (their rows are sent again at the next
 * start: at least once).
 */
void
dispatch_free(struct dispatch *d)
{
	if (d == NULL)
		return;
	while (d->sends != NULL)
		dispatch_send_free(d->sends);
	if (d->tick != NULL)
		event_free(d->tick);
	if (d->kick != NULL)
		event_free(d->kick);
	free(d);
}

/* Whether an outbox row is being delivered right now. */
static int
dispatch_busy(const struct dispatch *d, int64_t id)
{
	size_t	 i;

	for (i = 0; i < d->ninflight; i++)
		if (d->inflight[i] == id)
			return 1;
	return 0;
}

/*
 * A write failed (the database is locked, full or broken): pause new
 * rounds and deliveries, doubling the pause up to a minute, and say so
 * once rather than every second.
 */
static void
dispatch_hold(struct dispatch *d)
{
	int64_t	 wait;

	if (d->fails < 16)
		d->fails++;
	wait = (int64_t)1 << (d->fails - 1);
	if (wait > DISPATCH_HOLD_MAX)
		wait = DISPATCH_HOLD_MAX;
	d->hold_until = hclock_now(d->clock) + wait;
	if (d->fails == 1)
		log_warnx("store: cannot write; alerts wait until it can "
		    "(backing off up to %d s)", DISPATCH_HOLD_MAX);
}

/* A write succeeded: end any pause. */
static void
dispatch_unhold(struct dispatch *d)
{
	if (d->fails > 0)
		log_info("store: writable again; alerts resume");
	d->fails = 0;
	d->hold_until = 0;
}

/* Append one outbox row per alert entry of person p. */
static size_t
dispatch_add(struct store_outbox *out, size_t n, size_t max,
    const struct roster_person *p, const char *kind)
{
	size_t	 j;

	for (j = 0; j < p->nalerts && n < max; j++) {
		memset(&out[n], 0, sizeof(out[n]));
		out[n].recipient = p->id;
		out[n].transport = p->alerts[j].transport->name;
		out[n].target = (int)j;
		out[n].kind = kind;
		n++;
	}
	return n;
}

/* A dispatch decision was stored: send what it queued. */
static void
dispatch_stored_cb(enum store_rc rc, void *arg)
{
	struct dispatch	*d = arg;

	if (rc == STORE_ERR) {
		dispatch_hold(d);
		return;
	}
	dispatch_unhold(d);
	if (rc == STORE_OK)
		dispatch_kick(d);
}

/*
 * When an unclaimed request escalates: escalate_after past the moment she
 * can take the call. Counsellors hear of a request at once, but one asked
 * for the evening is not late at noon.
 */
static int64_t
dispatch_escalate_at(const struct roster *r, const struct store_callback *c,
    int64_t now)
{
	struct roster_when	 w;
	int64_t			 from = now;

	if (c->rounds == 0 && !c->urgent &&
	    roster_expected(r, (time_t)now, c->window, &w) == 0 &&
	    w.kind != WHEN_TODAY_BEFORE && w.at > now)
		from = w.at;
	return from + roster_escalate_after(r);
}

/* The claim of c expired, or the dispatcher failed to queue: report. */
static void
dispatch_changed_cb(enum store_rc rc, const struct store_callback *c,
    void *arg)
{
	struct dispatch	*d = arg;

	if (rc == STORE_ERR) {
		dispatch_hold(d);
		return;
	}
	dispatch_unhold(d);
	if (rc == STORE_OK) {
		log_info("request %s: claim not completed in time, released",
		    c->ref);
		dispatch_kick(d);
	}
}

/*
 * A claimed request is due: its claimant must hear something (she asked
 * again, or it was assigned to her), or the claim ran out and goes back
 * to the queue.
 */
static void
dispatch_claimed(struct dispatch *d, const struct store_callback *c,
    int64_t now)
{
	const struct roster		*r = conf_roster(*d->confp);
	const struct roster_person	*p;
	struct store_outbox		 out[16];
	char				 kind[40], detail[160];
	size_t				 n = 0;

	p = c->claimed_by != NULL ? roster_find(r, c->claimed_by) : NULL;
	if (c->reason == NULL || p == NULL) {
		/*
		 * The claim ran out, or its holder is no longer in the roster
		 * (a reload): back to the queue, alerted as a later round.
		 */
		if (store_callback_expire(d->store, c->id, c->claimed_at, now,
		    dispatch_changed_cb, d) == -1)
			log_warnx("request %s: could not queue its claim's "
			    "expiry", c->ref);
		return;
	}
	snprintf(kind, sizeof(kind), "callback.%s", c->reason);
	n = dispatch_add(out, n, sizeof(out) / sizeof(out[0]), p, kind);
	snprintf(detail, sizeof(detail), "%s: to %s", c->reason,
	    c->claimed_by);
	log_info("request %s: %s", c->ref, detail);
	/* The claim runs on from when it was taken. */
	if (store_callback_dispatch(d->store, c->id, STORE_CLAIMED,
	    c->claimed_at + roster_claim_expiry(r), c->rounds, "alerted",
	    detail, out, n, now, dispatch_stored_cb, d) == -1)
		log_warnx("request %s: could not queue its alert", c->ref);
}

/*
 * The kind of a round: the first is "created"; a later one says why it
 * came (she asked again, another call is due, nobody reached her) or that
 * the request is still unclaimed.
 */
static const char *
dispatch_kind(const struct store_callback *c)
{
	if (c->rounds == 0 && (c->reason == NULL ||
	    strcmp(c->reason, "asked_again") != 0))
		return "callback.created";
	if (c->reason == NULL)
		return "callback.escalated";
	if (strcmp(c->reason, "asked_again") == 0)
		return "callback.asked_again";
	if (strcmp(c->reason, "attempt") == 0)
		return "callback.retry";
	if (strcmp(c->reason, "unreached") == 0)
		return "callback.unreached";
	return "callback.escalated";
}

/* Decide and record the next step of one due request. */
static void
dispatch_request(struct dispatch *d, const struct store_callback *c,
    int64_t now)
{
	const struct roster		*r = conf_roster(*d->confp);
	const struct roster_person	*on[DISPATCH_PEOPLE];
	const struct roster_person	*sup[DISPATCH_PEOPLE];
	struct store_outbox		 out[DISPATCH_PEOPLE * 4];
	struct roster_when		 w;
	size_t				 non, nsup, n = 0, i, max;
	const char			*kind, *event;
	char				 detail[160];
	time_t				 next;
	int				 rc, now_window;

	if (c->state == STORE_CLAIMED) {
		dispatch_claimed(d, c, now);
		return;
	}
	max = sizeof(out) / sizeof(out[0]);
	non = roster_on_duty(r, now, on, DISPATCH_PEOPLE);
	if (non > DISPATCH_PEOPLE)
		non = DISPATCH_PEOPLE;
	nsup = roster_supervisors(r, sup, DISPATCH_PEOPLE);
	if (nsup > DISPATCH_PEOPLE)
		nsup = DISPATCH_PEOPLE;
	kind = dispatch_kind(c);
	event = c->rounds == 0 ? "alerted" : "escalated";
	now_window = c->window != NULL && strcmp(c->window, "now") == 0;

	if (strcmp(kind, "callback.retry") == 0 && c->window != NULL &&
	    strcmp(c->window, "now") != 0 &&
	    roster_expected(r, (time_t)now, c->window, &w) == 0 &&
	    w.kind != WHEN_WITHIN &&
	    w.kind != WHEN_TODAY_BEFORE &&
	    w.kind != WHEN_TONIGHT_BEFORE && w.at > now) {
		/* The next call waits for her window to open. */
		snprintf(detail, sizeof(detail), "next call in her window, "
		    "from %lld", (long long)w.at);
		if (store_callback_dispatch(d->store, c->id, c->state, w.at,
		    c->rounds, "waiting", detail, NULL, 0, now,
		    dispatch_stored_cb, d) == -1)
			log_warnx("request %s: could not queue its next step",
			    c->ref);
		return;
	}
	if (strcmp(kind, "callback.unreached") == 0) {
		/* Every call went unanswered: the supervisors decide. */
		for (i = 0; i < nsup; i++)
			n = dispatch_add(out, n, max, sup[i], kind);
		snprintf(detail, sizeof(detail), "%d calls unanswered: the "
		    "supervisors", c->attempts);
		log_info("request %s: %s", c->ref, detail);
		metrics_count(d->metrics, METRICS_CB_ESCALATED);
		if (store_callback_dispatch(d->store, c->id, STORE_ALERTED, 0,
		    c->rounds + 1, "escalated", detail, out, n, now,
		    dispatch_stored_cb, d) == -1)
			log_warnx("request %s: could not queue its alerts",
			    c->ref);
		return;
	}
	next = non == 0 ? roster_next_duty(r, now) : -1;
	if (non == 0 && now_window && !c->urgent && c->rounds == 0 &&
	    next != -1) {
		/*
		 * "Now" outside every shift: she was told the next shift, and
		 * the supervisors hear of it at once; the counsellors when the
		 * shift begins.
		 */
		for (i = 0; i < nsup; i++)
			n = dispatch_add(out, n, max, sup[i], kind);
		snprintf(detail, sizeof(detail), "asked for now, no counsellor "
		    "on duty until %lld: the supervisors", (long long)next);
		log_info("request %s: asked for now outside every shift: the "
		    "supervisors", c->ref);
		if (store_callback_dispatch(d->store, c->id, STORE_ALERTED,
		    next, c->rounds + 1, event, detail, out, n, now,
		    dispatch_stored_cb, d) == -1)
			log_warnx("request %s: could not queue its alerts",
			    c->ref);
		return;
	}
	if (non == 0 && (!c->urgent || c->rounds > 0)) {
		/*
		 * Outside every shift: wait for the next one. An escalation
		 * waits too, rather than wake the supervisors all night; an
		 * urgent request has already reached them in its first round.
		 */
		next = roster_next_duty(r, now);
		if (next == -1 && c->rounds > 0)
			next = now + 24 * 3600;
		if (next == -1) {
			/* Nobody for two weeks: the supervisors must know. */
			for (i = 0; i < nsup; i++)
				n = dispatch_add(out, n, max, sup[i], kind);
			snprintf(detail, sizeof(detail), "no counsellor on "
			    "duty in the next 14 days: supervisors");
			rc = store_callback_dispatch(d->store, c->id,
			    STORE_ALERTED, now + roster_escalate_after(r),
			    c->rounds + 1, event, detail, out, n, now,
			    dispatch_stored_cb, d);
		} else {
			snprintf(detail, sizeof(detail), "no counsellor on "
			    "duty until %lld", (long long)next);
			log_info("request %s: no counsellor on duty, waiting "
			    "%lld s for the next shift", c->ref,
			    (long long)(next - now));
			rc = store_callback_dispatch(d->store, c->id, c->state,
			    next, c->rounds, "waiting", detail, NULL, 0, now,
			    dispatch_stored_cb, d);
		}
		if (rc == -1)
			log_warnx("request %s: could not queue its next step",
			    c->ref);
		return;
	}

	detail[0] = '\0';
	if (c->urgent) {
		/* In danger now: everyone on duty and the supervisors. */
		for (i = 0; i < non; i++)
			n = dispatch_add(out, n, max, on[i], kind);
		for (i = 0; i < nsup; i++)
			n = dispatch_add(out, n, max, sup[i], kind);
		snprintf(detail, sizeof(detail), "urgent: %zu on duty and "
		    "%zu supervisor%s", non, nsup, nsup == 1 ? "" : "s");
	} else {
		if (non > 0) {
			/* Each round the next counsellor on duty. */
			i = (size_t)((c->id + c->rounds) % (int64_t)non);
			n = dispatch_add(out, n, max, on[i], kind);
			snprintf(detail, sizeof(detail), "to %s", on[i]->id);
		}
		/*
		 * A later round also tells the supervisors, but not another
		 * call after no answer: that is the counsellors' routine.
		 */
		if ((c->rounds > 0 && strcmp(kind, "callback.retry") != 0) ||
		    non == 0) {
			for (i = 0; i < nsup; i++)
				n = dispatch_add(out, n, max, sup[i], kind);
			snprintf(detail + strlen(detail), sizeof(detail) -
			    strlen(detail), "%sand the supervisors",
			    non > 0 ? " " : "");
		}
	}
	if (c->reason != NULL)
		snprintf(detail + strlen(detail), sizeof(detail) -
		    strlen(detail), " (%s)", c->reason);
	log_info("request %s: %s round %d (%s)", c->ref, event, c->rounds + 1,
	    detail);
	if (c->rounds > 0)
		metrics_count(d->metrics, METRICS_CB_ESCALATED);
	if (store_callback_dispatch(d->store, c->id, STORE_ALERTED,
	    dispatch_escalate_at(r, c, now), c->rounds + 1, event, detail, out,
	    n, now, dispatch_stored_cb, d) == -1)
		log_warnx("request %s: could not queue its alerts", c->ref);
}

/* Due requests arrived from the store. */
static void
dispatch_due_cb(enum store_rc rc, const struct store_callback *rows,
    size_t n, void *arg)
{
	struct dispatch	*d = arg;
	int64_t		 now = hclock_now(d->clock);
	size_t		 i;

	d->busy_due = 0;
	if (rc != STORE_OK || conf_roster(*d->confp) == NULL)
		return;
	for (i = 0; i < n; i++)
		dispatch_request(d, &rows[i], now);
}

/* The number a counsellor should call: a safe one, never an unsafe one. */
static const char *
dispatch_number(const struct store_callback *c)
{
	if (c->safe_number != NULL && *c->safe_number != '\0')
		return c->safe_number;
	if (c->safe_to_call != NULL && strcmp(c->safe_to_call, "no") == 0)
		return NULL;
	return c->phone;
}

static void	dispatch_write_later(struct dispatch_send *);

/* The result of s is durable (or can never be): done with it. */
static void
dispatch_written_cb(enum store_rc rc, size_t told, void *arg)
{
	struct dispatch_send	*s = arg;
	struct dispatch		*d = s->d;

	if (rc == STORE_ERR) {
		/* Keep it in flight: writing again, never sending again. */
		dispatch_hold(d);
		dispatch_write_later(s);
		return;
	}
	dispatch_unhold(d);
	if (told > 0) {
		log_warnx("request %s: alert to %s failed: %zu supervisor "
		    "alert%s queued", s->ref, s->recipient, told,
		    told == 1 ? "" : "s");
		dispatch_kick(d);
	}
	if (rc != STORE_OK)
		log_warnx("request %s: a delivery result was not recorded "
		    "(the alert was settled already)", s->ref);
	dispatch_send_free(s);
}

/* The pause before writing s again is over. */
static void
dispatch_rewrite_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	dispatch_write(arg);
}

/* Write s again after a pause: 1 s, 2 s, 4 s, ... up to a minute. */
static void
dispatch_write_later(struct dispatch_send *s)
{
	struct timeval	 tv;
	long		 wait;

	wait = s->writes >= 7 ? DISPATCH_HOLD_MAX : 1L << (s->writes - 1);
	if (wait > DISPATCH_HOLD_MAX)
		wait = DISPATCH_HOLD_MAX;
	if (s->rewrite == NULL)
		s->rewrite = evtimer_new(s->d->base, dispatch_rewrite_cb, s);
	tv.tv_sec = wait;
	tv.tv_usec = 0;
	if (s->rewrite == NULL || evtimer_add(s->rewrite, &tv) == -1) {
		/* Cannot wait: the row is sent again at the next start. */
		log_warnx("request %s: a delivery result is lost", s->ref);
		dispatch_send_free(s);
	}
}

/*
 * Write the verdict on s to the store. A give-up carries the supervisors'
 * alert.failed rows, from the roster s was sent with, so that the failure
 * and telling them are one transaction. If the store cannot take the job
 * or fails it, s stays in flight and is written again later.
 */
static void
dispatch_write(struct dispatch_send *s)
{
	struct dispatch			*d = s->d;
	const struct roster		*r = conf_roster(s->conf);
	const struct roster_person	*sup[DISPATCH_PEOPLE];
	struct store_outbox		 tell[DISPATCH_PEOPLE * 4];
	struct store_result		 res;
	char				 detail[160];
	size_t				 nsup, i, n = 0;

	s->writes++;
	memset(&res, 0, sizeof(res));
	res.delivery = s->dv;
	res.next_at = s->next_at;
	res.error = s->dv == STORE_SENT ? NULL : s->why;
	if (s->dv == STORE_GAVE_UP && strcmp(s->kind, "alert.failed") != 0) {
		nsup = roster_supervisors(r, sup, DISPATCH_PEOPLE);
		if (nsup > DISPATCH_PEOPLE)
			nsup = DISPATCH_PEOPLE;
		for (i = 0; i < nsup; i++)
			n = dispatch_add(tell, n, sizeof(tell) /
			    sizeof(tell[0]), sup[i], "alert.failed");
		snprintf(detail, sizeof(detail), "alert to %s failed: "
		    "supervisors told", s->recipient);
		res.tell = tell;
		res.ntell = n;
		res.tell_detail = detail;
	}
	if (store_outbox_result(d->store, s->outbox_id, &res,
	    hclock_now(d->clock), dispatch_written_cb, s) == -1) {
		dispatch_hold(d);
		dispatch_write_later(s);
	}
}

/* Decide what one attempt came to, log it, and write it back. */
static void
dispatch_record(struct dispatch_send *s, enum notify_verdict v,
    const char *why, long retry_after)
{
	struct dispatch		*d = s->d;
	const struct roster	*r = conf_roster(s->conf);
	int64_t			 now = hclock_now(d->clock);
	long			 wait = 0;

	snprintf(s->why, sizeof(s->why), "%s", why);
	if (v == NOTIFY_SENT)
		s->dv = STORE_SENT;
	else if (v == NOTIFY_RETRY &&
	    s->attempts + 1 < roster_max_attempts(r)) {
		s->dv = STORE_RETRY;
		wait = notify_backoff(s->attempts + 1, roster_retry_first(r),
		    randombytes_random());
		if (retry_after > wait && retry_after <= DISPATCH_RETRY_MAX)
			wait = retry_after;
	} else
		s->dv = STORE_GAVE_UP;
	s->next_at = now + wait;
	metrics_alert(d->metrics, s->transport, s->dv == STORE_SENT);
	if (s->dv == STORE_SENT)
		log_info("request %s: %s to %s via %s delivered", s->ref,
		    s->kind, s->recipient, s->transport);
	else if (s->dv == STORE_RETRY)
		log_info("request %s: %s to %s via %s failed (%s), attempt "
		    "%d, next in %ld s", s->ref, s->kind, s->recipient,
		    s->transport, why, s->attempts + 1, wait);
	else
		log_warnx("request %s: %s to %s via %s given up (%s) after %d "
		    "attempt%s", s->ref, s->kind, s->recipient, s->transport,
		    why, s->attempts + 1, s->attempts == 0 ? "" : "s");
	dispatch_write(s);
}

/* A delivery finished. */
static void
dispatch_sent_cb(const struct fetch_result *res, void *arg)
{
	struct dispatch_send	*s = arg;
	enum notify_verdict	 v;
	char			 why[192];
	long			 retry_after = 0;

	v = notify_verdict(s->rt, res->status, res->curl_code, res->body);
	if (v == NOTIFY_SENT && s->d->on_sent != NULL)
		s->d->on_sent(s->rt, s->ref, res->body, s->d->on_sent_arg);
	if (res->status == 0)
		snprintf(why, sizeof(why), "no response: %s",
		    res->error ? res->error : "error");
	else
		snprintf(why, sizeof(why), "HTTP %ld", res->status);
	if (res->retry_after != NULL)
		retry_after = strtol(res->retry_after, NULL, 10);
	dispatch_record(s, v, why, retry_after);
}

/* Build and start the delivery of one due outbox row. */
static void
dispatch_send(struct dispatch *d, const struct store_due *due, int64_t now)
{
	const struct store_outbox	*o = &due->outbox;
	const struct store_callback	*c = &due->callback;
	const struct roster_person	*p;
	const struct roster_alert	*t = NULL;
	struct notify_alert		 a;
	struct notify_http		 h;
	struct fetch_request		 req;
	struct dispatch_send		*s;
	const char			*cause = NULL;
	char				 claim[512], open[512];

	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return;
	s->d = d;
	s->conf = conf_ref(*d->confp);
	s->outbox_id = o->id;
	s->callback_id = o->callback_id;
	s->attempts = o->attempts;
	snprintf(s->ref, sizeof(s->ref), "%s", c->ref);
	snprintf(s->recipient, sizeof(s->recipient), "%s", o->recipient);
	snprintf(s->transport, sizeof(s->transport), "%s", o->transport);
	snprintf(s->kind, sizeof(s->kind), "%s", o->kind);
	/* In flight from now until its result is durable. */
	d->inflight[d->ninflight++] = o->id;
	s->next = d->sends;
	if (s->next != NULL)
		s->next->prevp = &s->next;
	s->prevp = &d->sends;
	d->sends = s;

	p = roster_find(conf_roster(s->conf), o->recipient);
	if (p != NULL && o->target >= 0 && (size_t)o->target < p->nalerts &&
	    strcmp(p->alerts[o->target].transport->name, o->transport) == 0)
		t = &p->alerts[o->target];
	if (t == NULL) {
		dispatch_record(s, NOTIFY_GIVE_UP, "recipient no longer in "
		    "the roster", 0);
		return;
	}
	s->rt = t->transport;
	snprintf(claim, sizeof(claim), "%s/api/requests/%s/claim", d->api_url,
	    c->ref);
	memset(&a, 0, sizeof(a));
	a.kind = o->kind;
	a.msg_id = o->msg_id;
	a.ref = c->ref;
	a.urgent = c->urgent;
	a.window = c->window;
	a.province = c->province;
	a.topic = c->topic;
	a.created_at = c->created_at;
	a.claim_url = claim;
	/*
	 * A group chat is many people: its alert opens the console's page,
	 * which asks who she is. A personal alert carries a link that signs
	 * her in once.
	 */
	if (t->transport->group || d->console == NULL ||
	    console_link(d->console, d->api_url, p->id, c->ref, open,
	    sizeof(open)) == -1)
		snprintf(open, sizeof(open), "%s/console/#r/%s", d->api_url,
		    c->ref);
	a.open_url = open;
	a.phone = t->with_phone ? dispatch_number(c) : NULL;
	a.attempts = c->attempts;
	a.asked_again = c->asked_again;
	a.warn_unsafe = c->warn_unsafe;
	a.session_end = c->session_end;
	a.now_minutes = roster_now_minutes(conf_roster(s->conf));
	memset(&h, 0, sizeof(h));
	if (notify_build(conf_notify(s->conf), t, &a, (time_t)now, &h,
	    &cause) == -1) {
		dispatch_record(s, NOTIFY_GIVE_UP, cause ? cause :
		    "cannot build", 0);
		return;
	}
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = h.url;
	req.headers = (const char *const *)h.headers;
	req.body = h.body;
	req.body_len = h.body_len;
	if (fetch_start(d->fetch, &req, dispatch_sent_cb, s) == -1) {
		notify_http_clear(&h);
		dispatch_record(s, NOTIFY_RETRY, "cannot start a transfer", 0);
		return;
	}
	notify_http_clear(&h);
}

/* Due outbox rows arrived from the store. */
static void
dispatch_outbox_cb(enum store_rc rc, const struct store_due *rows, size_t n,
    void *arg)
{
	struct dispatch	*d = arg;
	int64_t		 now = hclock_now(d->clock);
	size_t		 i;

	d->busy_outbox = 0;
	if (rc != STORE_OK || conf_roster(*d->confp) == NULL)
		return;
	for (i = 0; i < n; i++) {
		if (dispatch_busy(d, rows[i].outbox.id))
			continue;
		if (d->ninflight == DISPATCH_INFLIGHT)
			break;
		dispatch_send(d, &rows[i], now);
	}
}

/* Ask the store for due requests and due deliveries. */
static void
dispatch_run(struct dispatch *d)
{
	int64_t	 now = hclock_now(d->clock);

	if (conf_roster(*d->confp) == NULL || now < d->hold_until ||
	    !lease_held(d->lease))
		return;
	if (!d->busy_due) {
		d->busy_due = 1;
		if (store_callback_due(d->store, now, DISPATCH_BATCH,
		    dispatch_due_cb, d) == -1)
			d->busy_due = 0;
	}
	if (!d->busy_outbox) {
		d->busy_outbox = 1;
		if (store_outbox_due(d->store, now, DISPATCH_BATCH,
		    dispatch_outbox_cb, d) == -1)
			d->busy_outbox = 0;
	}
}
