/* SPDX-License-Identifier: ISC */
/*
 * stats_live: session counts in memory, flushed to the store's daily
 * aggregates by a store job every minute and at shutdown (stats_live.h).
 * It never touches the database itself and never blocks the loop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "clock.h"
#include "log.h"
#include "stats.h"
#include "stats_live.h"
#include "store.h"

#define STATS_LIVE_CELLS	128	/* distinct cells between flushes */
#define STATS_LIVE_EVERY	60	/* seconds between flushes */

struct stats_live {
	struct event_base	*base;
	const struct hclock	*clock;
	struct store		*store;
	struct event		*timer;
	struct stats_count	 cells[STATS_LIVE_CELLS];
	size_t			 n;
};

static void	stats_live_timer_cb(evutil_socket_t, short, void *);

/* A new, empty set of counts. */
struct stats_live *
stats_live_new(struct event_base *base, const struct hclock *clock)
{
	struct stats_live	*sl;

	sl = calloc(1, sizeof(*sl));
	if (sl == NULL)
		return NULL;
	sl->base = base;
	sl->clock = clock;
	sl->timer = event_new(base, -1, EV_PERSIST, stats_live_timer_cb, sl);
	if (sl->timer == NULL) {
		free(sl);
		return NULL;
	}
	return sl;
}

/* Arm the minute's flush. */
int
stats_live_start(struct stats_live *sl, struct store *st)
{
	struct timeval	 tv = { STATS_LIVE_EVERY, 0 };

	sl->store = st;
	return event_add(sl->timer, &tv);
}

/* The minute is up: flush. */
static void
stats_live_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	stats_live_flush(arg);
}

/* Count one today. */
void
stats_live_count(struct stats_live *sl, const char *channel,
    const char *metric)
{
	struct stats_count	*c;
	char			 day[STATS_DAY_LEN + 1];
	char			 label[STATS_LABEL_MAX + 1];
	size_t			 i;

	if (sl == NULL)
		return;
	stats_day_of(hclock_now(sl->clock), day, sizeof(day));
	stats_label(channel, label, sizeof(label));
	for (i = 0; i < sl->n; i++) {
		c = &sl->cells[i];
		if (strcmp(c->day, day) == 0 && strcmp(c->channel, label) ==
		    0 && strcmp(c->metric, metric) == 0) {
			c->count++;
			return;
		}
	}
	if (sl->n == STATS_LIVE_CELLS) {
		stats_live_flush(sl);
		if (sl->n == STATS_LIVE_CELLS)
			return;		/* not even queued: lost, logged */
	}
	c = &sl->cells[sl->n++];
	memset(c, 0, sizeof(*c));
	memcpy(c->day, day, sizeof(c->day));
	memcpy(c->channel, label, sizeof(c->channel));
	snprintf(c->metric, sizeof(c->metric), "%s", metric);
	c->count = 1;
}

/* Queue the counts as one store job; keep them if that fails. */
void
stats_live_flush(struct stats_live *sl)
{
	if (sl == NULL || sl->n == 0 || sl->store == NULL)
		return;
	if (store_stats_add(sl->store, sl->cells, sl->n, NULL, NULL) == -1) {
		log_warnx("stats: %zu session counts could not be queued",
		    sl->n);
		return;
	}
	sl->n = 0;
}

/* Stop and free. */
void
stats_live_free(struct stats_live *sl)
{
	if (sl == NULL)
		return;
	event_free(sl->timer);
	free(sl);
}

/* A session's end: the report counts quick exits and time-outs. */
void
stats_live_end(struct stats_live *sl, const char *channel, const char *how)
{
	if (how != NULL && strcmp(how, "quick_exit") == 0)
		stats_live_count(sl, channel, STATS_M_QUICK_EXITS);
	else if (how != NULL && strcmp(how, "timeout") == 0)
		stats_live_count(sl, channel, STATS_M_TIMEOUTS);
}
