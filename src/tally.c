/* SPDX-License-Identifier: ISC */
/*
 * tally: rate-limited counting for floods. One libevent timer per tally
 * runs only while something waits to be summarised; the first
 * TALLY_REASONS reasons are counted by name, any further one as "other".
 * Nothing here blocks or allocates per event.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "log.h"
#include "tally.h"

/* One reason: what it is, how many since the last line, since start. */
struct tally_reason {
	const char		*name;
	unsigned long long	 pending;
	unsigned long long	 total;
};

struct tally {
	char			 what[64];
	int			 interval;
	struct event		*timer;
	struct tally_reason	 r[TALLY_REASONS + 1];	/* and "other" */
	size_t			 n;
};

static void	tally_timer_cb(evutil_socket_t, short, void *);

/* Create a tally. */
struct tally *
tally_new(struct event_base *base, const char *what, int interval)
{
	struct tally	*t;

	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	snprintf(t->what, sizeof(t->what), "%s", what);
	t->interval = interval > 0 ? interval : 60;
	t->timer = evtimer_new(base, tally_timer_cb, t);
	if (t->timer == NULL) {
		free(t);
		return NULL;
	}
	return t;
}

/* The slot of reason, creating it; a slot past the named ones: "other". */
static struct tally_reason *
tally_slot(struct tally *t, const char *reason)
{
	size_t	 i;

	for (i = 0; i < t->n && i < TALLY_REASONS; i++)
		if (strcmp(t->r[i].name, reason) == 0)
			return &t->r[i];
	if (t->n == TALLY_REASONS + 1)
		return &t->r[TALLY_REASONS];
	t->r[t->n].name = t->n == TALLY_REASONS ? "other" : reason;
	return &t->r[t->n++];
}

/* Log the summary of what was counted since the last line. */
static int
tally_flush(struct tally *t)
{
	char		 line[512];
	size_t		 i, o = 0;
	int		 any = 0;

	for (i = 0; i < t->n; i++) {
		if (t->r[i].pending == 0)
			continue;
		o += (size_t)snprintf(line + o, o < sizeof(line) ?
		    sizeof(line) - o : 0, "%s%llu %s", any ? ", " : "",
		    t->r[i].pending, t->r[i].name);
		if (o >= sizeof(line))
			o = sizeof(line) - 1;
		t->r[i].pending = 0;
		any = 1;
	}
	if (any)
		log_warnx("%s: in the last %d s: %s", t->what, t->interval,
		    line);
	return any;
}

/* The interval ended: summarise, and stay quiet if nothing came. */
static void
tally_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tally	*t = arg;
	struct timeval	 tv = { t->interval, 0 };

	(void)fd;
	(void)what;
	if (tally_flush(t))
		evtimer_add(t->timer, &tv);
}

/* Count one event. */
void
tally_add(struct tally *t, const char *reason)
{
	struct tally_reason	*r;
	struct timeval		 tv = { t->interval, 0 };

	r = tally_slot(t, reason != NULL ? reason : "unnamed");
	r->total++;
	if (evtimer_pending(t->timer, NULL)) {
		r->pending++;
		return;
	}
	log_warnx("%s: %s (more are counted and logged at most every %d s)",
	    t->what, r->name, t->interval);
	evtimer_add(t->timer, &tv);
}

/* Events counted for reason since the start. */
unsigned long long
tally_total(const struct tally *t, const char *reason)
{
	size_t	 i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->r[i].name, reason) == 0)
			return t->r[i].total;
	return 0;
}

/* Free the tally, logging what it still held. */
void
tally_free(struct tally *t)
{
	if (t == NULL)
		return;
	tally_flush(t);
	event_free(t->timer);
	free(t);
}
