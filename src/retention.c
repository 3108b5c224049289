/* SPDX-License-Identifier: ISC */
/*
 * retention: a libevent timer that has the store purge completed requests
 * and finished texts older than the configured limits. One run is a chain
 * of store_purge batches (each its own short transaction on the writer
 * thread, so the loop never waits) until a batch comes back short; then
 * one log line with the counts, and the timer is armed for the next
 * interval. What is deleted, and how, is the store's business.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "clock.h"
#include "conf.h"
#include "lease.h"
#include "log.h"
#include "retention.h"
#include "store.h"

#define RETENTION_WAIT	10	/* seconds between looks for the lease */

/* Where the schedule is. */
enum retention_state {
	RETENTION_IDLE,		/* waiting for the timer */
	RETENTION_PURGING,	/* a batch is with the store */
	RETENTION_CLOSED	/* the store refused: no more runs */
};

struct retention {
	struct store		*store;
	const struct hclock	*clock;
	struct conf_retention	 limits;
	struct event		*timer;
	const struct lease	*lease;		/* NULL: always ours */
	enum retention_state	 state;
	int			 again;		/* limits changed mid-run */
	struct store_purged	 total;		/* of the run so far */
	int64_t			 closed_before;	/* of the run */
	int64_t			 sms_before;
};

static void	retention_run(struct retention *);
static void	retention_purged_cb(enum store_rc,
		    const struct store_purged *, void *);

/* Move to state s (the only place that does). */
static void
retention_set_state(struct retention *r, enum retention_state s)
{
	log_debug("retention: state %d -> %d", (int)r->state, (int)s);
	r->state = s;
}

/* Arm the timer for secs seconds from now. */
static void
retention_arm(struct retention *r, int secs)
{
	struct timeval	 tv = { secs, 0 };

	evtimer_add(r->timer, &tv);
}

/* The timer fired: start a run. */
static void
retention_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct retention	*r = arg;

	(void)fd;
	(void)what;
	if (!lease_held(r->lease)) {
		retention_arm(r, RETENTION_WAIT);
		return;
	}
	if (r->state == RETENTION_IDLE)
		retention_run(r);
}

/* Submit the next batch of the run; on refusal the schedule stops. */
static void
retention_batch(struct retention *r)
{
	if (store_purge(r->store, r->closed_before, r->sms_before, 0,
	    retention_purged_cb, r) == -1) {
		log_warnx("retention: the store takes no more work");
		retention_set_state(r, RETENTION_CLOSED);
		return;
	}
	retention_set_state(r, RETENTION_PURGING);
}

/* Start a run under the current limits, from the clock's now. */
static void
retention_run(struct retention *r)
{
	int64_t	 now = (int64_t)hclock_now(r->clock);

	memset(&r->total, 0, sizeof(r->total));
	r->again = 0;
	r->closed_before = now - (int64_t)r->limits.closed_days * 86400;
	r->sms_before = now - (int64_t)r->limits.sms_hours * 3600;
	retention_batch(r);
}

/*
 * A batch is done: go on while one came back full, else log the run and
 * wait for the next (or start again at once under limits that changed).
 */
static void
retention_purged_cb(enum store_rc rc, const struct store_purged *n,
    void *arg)
{
	struct retention	*r = arg;

	if (r->state != RETENTION_PURGING)
		return;
	retention_set_state(r, RETENTION_IDLE);
	if (rc != STORE_OK) {
		log_warnx("retention: purge failed; trying again in %d "
		    "minutes", r->limits.interval_minutes);
		retention_arm(r, r->limits.interval_minutes * 60);
		return;
	}
	r->total.requests += n->requests;
	r->total.events += n->events;
	r->total.alerts += n->alerts;
	r->total.texts += n->texts;
	if (n->requests == STORE_PURGE_BATCH || n->texts == STORE_PURGE_BATCH) {
		retention_batch(r);
		return;
	}
	log_info("retention: purged %zu requests, %zu history events, "
	    "%zu alerts, %zu texts", r->total.requests, r->total.events,
	    r->total.alerts, r->total.texts);
	if (r->again)
		retention_run(r);
	else
		retention_arm(r, r->limits.interval_minutes * 60);
}

/* A schedule with a copy of the limits; not armed yet. */
struct retention *
retention_new(struct event_base *base, struct store *st,
    const struct hclock *clock, const struct conf_retention *limits)
{
	struct retention	*r;

	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return NULL;
	r->store = st;
	r->clock = clock;
	r->limits = *limits;
	r->state = RETENTION_IDLE;
	r->timer = evtimer_new(base, retention_timer_cb, r);
	if (r->timer == NULL) {
		free(r);
		return NULL;
	}
	return r;
}

/* Purge only under the lease. */
void
retention_set_lease(struct retention *r, const struct lease *l)
{
	r->lease = l;
}

/* The first purge, a second after start. */
int
retention_start(struct retention *r)
{
	struct timeval	 tv = { 1, 0 };

	return evtimer_add(r->timer, &tv);
}

/* New limits: purge under them now if they changed. */
void
retention_reload(struct retention *r, const struct conf_retention *limits)
{
	if (memcmp(&r->limits, limits, sizeof(*limits)) == 0)
		return;
	r->limits = *limits;
	log_info("retention: closed requests kept %d days, texts %d hours, "
	    "purged every %d minutes", limits->closed_days, limits->sms_hours,
	    limits->interval_minutes);
	if (r->state == RETENTION_PURGING) {
		r->again = 1;	/* once the running one is done */
		return;
	}
	if (r->state == RETENTION_IDLE) {
		evtimer_del(r->timer);
		retention_run(r);
	}
}

/* Stop the timer and free the schedule. */
void
retention_free(struct retention *r)
{
	if (r == NULL)
		return;
	event_free(r->timer);
	free(r);
}
