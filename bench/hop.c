/* SPDX-License-Identifier: ISC */
/*
 * bench/hop: server-side cost of one USSD hop without the network. It
 * loads a configuration, then drives many whole sessions through the
 * session table (channel event -> session -> engine -> rendered page) and
 * prints the mean time per hop. Then a flood: first hops of new sessions
 * only, once with room for all of them and once with max_sessions 1,000
 * (the least recently used give way), with the time per hop and the
 * resident memory after each. Not a test: figures are only reported.
 * Usage: bench/hop CONF [SESSIONS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <jansson.h>

#include "channel.h"
#include "clock.h"
#include "conf.h"
#include "diag.h"
#include "session.h"

/*
 * A walk through the sample tree, as AT histories (first hop empty):
 * Information, Staying safe, the four chained tips, the quick exit.
 */
static const char *const path[] = {
	"", "3", "3*1", "3*1*1", "3*1*1*98", "3*1*1*98*98", "3*1*1*98*98*98",
	"3*1*1*98*98*98*99"
};

/*
 * The configuration at path with session.max_sessions set to max: a copy
 * written beside it (so that its menus resolve the same way) and loaded.
 * The conf is read-only once loaded, so each bound is its own file.
 */
static struct conf *
load_with_max(const char *path, size_t max)
{
	json_t		*root, *sess;
	json_error_t	 jerr;
	struct diag	*d;
	struct conf	*c = NULL;
	char		 copy[4096];
	const char	*slash = strrchr(path, '/');

	root = json_load_file(path, 0, &jerr);
	if (root == NULL) {
		fprintf(stderr, "%s:%d: %s\n", path, jerr.line, jerr.text);
		return NULL;
	}
	sess = json_object_get(root, "session");
	if (sess == NULL) {
		sess = json_object();
		json_object_set_new(root, "session", sess);
	}
	json_object_set_new(sess, "max_sessions",
	    json_integer((json_int_t)max));
	snprintf(copy, sizeof(copy), "%.*shop-bench.conf",
	    slash != NULL ? (int)(slash - path + 1) : 0, path);
	d = diag_new();
	if (json_dump_file(root, copy, JSON_INDENT(1)) == 0)
		c = conf_load(copy, d, NULL);
	if (c == NULL)
		diag_print(d, stderr, "");
	diag_free(d);
	remove(copy);
	json_decref(root);
	return c;
}

/* Seconds since an arbitrary point, with nanoseconds. */
static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Resident memory of this process in kB, or -1. */
static long
rss_kb(void)
{
	FILE	*f;
	char	 line[128];
	long	 kb = -1;

	if ((f = fopen("/proc/self/status", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb;
}

/* n first hops of new sessions (ids from base); seconds taken. */
static double
flood(struct session_table *t, struct conf *c, size_t from, size_t n)
{
	struct channel_event	 ev;
	struct channel_reply	 rep;
	char			 sid[32];
	double			 t0 = now();
	size_t			 i;

	for (i = from; i < from + n; i++) {
		snprintf(sid, sizeof(sid), "flood-%zu", i);
		memset(&ev, 0, sizeof(ev));
		ev.channel = channel_name(conf_channel_at(c, 0));
		ev.session_id = sid;
		ev.phone = "+85512000000";
		ev.history = "";
		ev.separator = "*";
		ev.start = CHANNEL_START_NEW;
		if (session_handle(t, c, conf_channel_at(c, 0), &ev, &rep, NULL,
		    NULL) != SESSION_OK) {
			fprintf(stderr, "hop failed\n");
			exit(1);
		}
		free(rep.text);
	}
	return now() - t0;
}

int
main(int argc, char *argv[])
{
	struct event_base	*base;
	struct hclock		 clock;
	struct session_table	*t;
	struct conf		*c;
	struct channel_event	 ev;
	struct channel_reply	 rep;
	size_t			 n, i, j, hops = 0, bytes = 0;
	char			 sid[32];
	double			 t0, t1;
	long			 rss0, rss1;

	if (argc < 2) {
		fprintf(stderr, "usage: hop CONF [SESSIONS]\n");
		return 1;
	}
	n = argc > 2 ? strtoul(argv[2], NULL, 10) : 100000;
	c = load_with_max(argv[1], 1000);
	if (c == NULL)
		return 1;
	base = event_base_new();
	/* No store: no walk below reaches a callback node. */
	hclock_init(&clock, 0);

	/* A flood first, on a fresh heap: max_sessions 1000 bounds it. */
	rss0 = rss_kb();
	t = session_table_new(base, NULL, &clock, NULL, NULL);
	t0 = flood(t, c, 0, n);
	rss1 = rss_kb();
	t1 = flood(t, c, n, n);
	printf("flood, %zu then %zu more new sessions, max_sessions 1000: "
	    "%.2f and %.2f us per first hop, %zu held, %llu gave way, RSS %ld "
	    "kB at start, %ld and %ld kB after\n", n, n, t0 * 1e6 / n,
	    t1 * 1e6 / n, session_count(t), session_evicted(t), rss0, rss1,
	    rss_kb());
	session_table_free(t);

	t = session_table_new(base, NULL, &clock, NULL, NULL);
	t0 = now();
	for (i = 0; i < n; i++) {
		snprintf(sid, sizeof(sid), "bench-%zu", i);
		for (j = 0; j < sizeof(path) / sizeof(path[0]); j++) {
			memset(&ev, 0, sizeof(ev));
			ev.channel = channel_name(conf_channel_at(c, 0));
			ev.session_id = sid;
			ev.phone = "+85512000000";
			ev.history = path[j];
			ev.separator = "*";
			ev.start = j == 0 ? CHANNEL_START_NEW :
			    CHANNEL_START_CONTINUE;
			if (session_handle(t, c, conf_channel_at(c, 0), &ev,
			    &rep, NULL, NULL) != SESSION_OK) {
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

	/* Then with room for every one: memory grows with the flood. */
	conf_unref(c);
	c = load_with_max(argv[1], 2 * n + 1);
	if (c == NULL)
		return 1;
	t = session_table_new(base, NULL, &clock, NULL, NULL);
	t0 = flood(t, c, 0, 2 * n);
	printf("flood, %zu new sessions, all held: %.2f us per first hop, "
	    "%zu held, RSS %ld kB\n", 2 * n, t0 * 1e6 / (2 * n),
	    session_count(t), rss_kb());
	session_table_free(t);
	event_base_free(base);
	conf_unref(c);
	return 0;
}
