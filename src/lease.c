/* SPDX-License-Identifier: ISC */
/*
 * lease: a one-second timer that asks the store for the lease and tells
 * its owner when it is taken or lost, and, while it is held, has the
 * session states of daemons that died purged now and then. A question the
 * store cannot answer (a locked or unreachable database) changes nothing:
 * the lease is the connection's, and goes only with it; the first answer
 * on a connection made again says whether it is still this daemon's.
 */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <event2/event.h>

#include "lease.h"
#include "log.h"
#include "store.h"

#define LEASE_TICK	1	/* seconds between questions */
#define LEASE_EXPIRE	30	/* ticks between purges of dead states */

struct lease {
	struct store	*store;
	struct event	*tick;
	lease_cb	 changed;
	void		*arg;
	int		 held;
	int		 ticks;
	int		 asking;	/* a question is in flight */
	int		 gone;		/* freed while asking */
};

/* The store answered. */
static void
lease_answer_cb(enum store_rc rc, size_t told, void *arg)
{
	struct lease	*l = arg;
	int		 held = told == 1;

	l->asking = 0;
	if (l->gone) {
		free(l);
		return;
	}
	if (rc != STORE_OK || held == l->held)
		return;
	l->held = held;
	if (held)
		log_info("lease: taken: this daemon now sends the alerts and "
		    "runs the timers");
	else
		log_warnx("lease: lost: another daemon sends the alerts and "
		    "runs the timers");
	if (l->changed != NULL)
		l->changed(held, l->arg);
}

/* Ask again, unless the last question is still out. */
static void
lease_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct lease	*l = arg;

	(void)fd;
	(void)what;
	if (l->held && ++l->ticks >= LEASE_EXPIRE) {
		l->ticks = 0;
		if (store_session_expire(l->store, (int64_t)time(NULL), NULL,
		    NULL) == -1)
			log_warnx("lease: the purge of expired sessions could "
			    "not be queued");
	}
	if (l->asking || store_lease(l->store, lease_answer_cb, l) == -1)
		return;
	l->asking = 1;
}

/* Follow st's lease. */
struct lease *
lease_new(struct event_base *base, struct store *st, lease_cb changed,
    void *arg)
{
	struct lease	*l;
	struct timeval	 tv = { LEASE_TICK, 0 };

	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return NULL;
	l->store = st;
	l->changed = changed;
	l->arg = arg;
	if (!store_shared(st)) {
		l->held = 1;
		return l;
	}
	l->tick = event_new(base, -1, EV_PERSIST, lease_tick_cb, l);
	if (l->tick == NULL || event_add(l->tick, &tv) == -1) {
		lease_free(l);
		return NULL;
	}
	lease_tick_cb(-1, 0, l);
	return l;
}

/* Stop; the answer in flight frees it. */
void
lease_free(struct lease *l)
{
	if (l == NULL)
		return;
	if (l->tick != NULL)
		event_free(l->tick);
	l->tick = NULL;
	if (l->asking) {
		l->gone = 1;
		return;
	}
	free(l);
}

/* Whether the lease is this daemon's. */
int
lease_held(const struct lease *l)
{
	return l == NULL || l->held;
}
