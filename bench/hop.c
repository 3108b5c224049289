/* SPDX-License-Identifier: ISC */
/*
 * bench/hop: server-side cost of one USSD hop without the network. It
 * loads a configuration, then drives many whole sessions through the
 * session table (channel event -> session -> engine -> rendered page) and
 * prints the mean time per hop. Not a test: timings are only reported.
 * Usage: bench/hop CONF [SESSIONS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "channel.h"
#include "clock.h"
#include "conf.h"
#include "diag.h"
#include "session.h"

/* A walk through the sample tree, as AT histories (first hop empty). */
static const char *const path[] = {
	"", "98", "98*2", "98*2*1", "98*2*1*2", "98*2*1*2*1", "98*2*1*2*1*2",
	"98*2*1*2*1*2*98"
};

/* Seconds since an arbitrary point, with nanoseconds. */
static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char *argv[])
{
	struct event_base	*base;
	struct hclock		 clock;
	struct session_table	*t;
	struct diag		*d;
	struct conf		*c;
	struct channel_event	 ev;
	struct channel_reply	 rep;
	size_t			 n, i, j, hops = 0, bytes = 0;
	char			 sid[32];
	double			 t0, t1;

	if (argc < 2) {
		fprintf(stderr, "usage: hop CONF [SESSIONS]\n");
		return 1;
	}
	n = argc > 2 ? strtoul(argv[2], NULL, 10) : 100000;
	d = diag_new();
	c = conf_load(argv[1], d, NULL);
	if (c == NULL) {
		diag_print(d, stderr, "");
		return 1;
	}
	diag_free(d);
	base = event_base_new();
	/* No store: the walk below never reaches a callback node. */
	hclock_init(&clock, 0);
	t = session_table_new(base, NULL, &clock, NULL, NULL);
	t0 = now();
	for (i = 0; i < n; i++) {
		snprintf(sid, sizeof(sid), "bench-%zu", i);
		for (j = 0; j < sizeof(path) / sizeof(path[0]); j++) {
			memset(&ev, 0, sizeof(ev));
			ev.channel = c->channels[0]->name;
			ev.session_id = sid;
			ev.phone = "+85512000000";
			ev.history = path[j];
			ev.separator = "*";
			ev.start = j == 0 ? CHANNEL_START_NEW :
			    CHANNEL_START_CONTINUE;
			if (session_handle(t, c, c->channels[0], &ev, &rep,
			    NULL, NULL) != SESSION_OK) {
				fprintf(stderr, "hop failed\n");
				return 1;
			}
			bytes += strlen(rep.text);
			free(rep.text);
			hops++;
		}
	}
	t1 = now();
	printf("%zu sessions, %zu hops in %.3f s: %.2f us per hop "
	    "(%.0f hops/s on one core), %zu reply bytes\n", n, hops, t1 - t0,
	    (t1 - t0) * 1e6 / hops, hops / (t1 - t0), bytes);
	session_table_free(t);
	event_base_free(base);
	conf_unref(c);
	return 0;
}
