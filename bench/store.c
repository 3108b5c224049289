/* SPDX-License-Identifier: ISC */
/*
 * bench/store: what group commit buys on a real file with synchronous=FULL.
 * It stores N callback requests twice: (a) one transaction per row, the
 * next create submitted only when the previous one completed, like a
 * single stream of requests; (b) with group commit and 64 creates in
 * flight, like many sessions at once. Prints rows/s, mean latency and the
 * ratio. Not a test: timings are only reported.
 * Usage: bench/store FILE [N]   (FILE and its -wal/-shm are replaced)
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "store.h"

#define INFLIGHT	64

/* One run. */
struct run {
	struct event_base	*base;
	struct store		*st;
	const char		*name;
	size_t			 n;
	size_t			 submitted;
	size_t			 completed;
	size_t			 failed;
	double			*start;		/* per request */
	double			 latency;	/* sum */
};

/* Seconds since an arbitrary point, with nanoseconds. */
static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void	submit(struct run *);

/* A create completed: account for it and keep the stream going. */
static void
created_cb(enum store_rc rc, const struct store_callback *row, void *arg)
{
	struct run	*r = arg;

	(void)row;
	if (rc != STORE_OK)
		r->failed++;
	r->latency += now() - r->start[r->completed];
	r->completed++;
	if (r->submitted < r->n)
		submit(r);
	else if (r->completed == r->n)
		event_base_loopbreak(r->base);
}

/* Submit the next create. */
static void
submit(struct run *r)
{
	struct store_callback	 in;
	char			 sid[64], phone[24];

	memset(&in, 0, sizeof(in));
	in.channel = "bench";
	/* One caller each: the same number would ask again (a merge). */
	snprintf(phone, sizeof(phone), "+8551%07zu", r->submitted);
	in.phone = phone;
	in.safe_to_call = "yes";
	in.window = "now";
	in.cover = "wrong number";
	in.province = "Phnom Penh";
	in.topic = "violence";
	in.lang = "km";
	snprintf(sid, sizeof(sid), "bench:%s:%zu", r->name, r->submitted);
	/* Completions come back in submission order: start[] by index. */
	r->start[r->submitted] = now();
	if (store_callback_create(r->st, &in, sid, strlen(sid), 3600,
	    (int64_t)r->submitted, created_cb, r) == -1) {
		fprintf(stderr, "store: cannot queue\n");
		exit(1);
	}
	r->submitted++;
}

/* Remove the database and its side files. */
static void
scrub(const char *path)
{
	char	 p[PATH_MAX];

	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s.key", path);
	unlink(p);
}

/* Store n requests with inflight in flight; returns rows per second. */
static double
bench(const char *path, const char *name, size_t n, size_t max_batch,
    size_t inflight)
{
	struct store_opts	 o = { max_batch, 0, NULL, NULL };
	struct run		 r;
	char			*cause = NULL;
	double			 t0, t;
	size_t			 i;

	scrub(path);
	memset(&r, 0, sizeof(r));
	r.name = name;
	r.n = n;
	r.base = event_base_new();
	r.start = calloc(n, sizeof(*r.start));
	if (r.base == NULL || r.start == NULL)
		exit(1);
	r.st = store_new(r.base, path, &o, &cause);
	if (r.st == NULL) {
		fprintf(stderr, "%s\n", cause);
		exit(1);
	}
	t0 = now();
	for (i = 0; i < inflight && i < n; i++)
		submit(&r);
	event_base_dispatch(r.base);
	t = now() - t0;
	store_free(r.st);
	event_base_free(r.base);
	free(r.start);
	printf("%-34s %6zu rows %8.3f s %9.1f rows/s  latency %7.2f ms%s\n",
	    name, r.completed, t, r.completed / t,
	    r.latency / (double)r.completed * 1e3,
	    r.failed > 0 ? "  (FAILURES)" : "");
	return r.completed / t;
}

int
main(int argc, char *argv[])
{
	double	 a, b;
	size_t	 n;
	char	*end;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: store FILE [N]\n");
		return 1;
	}
	n = 2000;
	if (argc == 3) {
		n = strtoul(argv[2], &end, 10);
		if (*argv[2] == '\0' || *end != '\0' || n == 0 ||
		    n > 10000000) {
			fprintf(stderr, "store: bad N\n");
			return 1;
		}
	}
	a = bench(argv[1], "one transaction per row", n, 1, 1);
	b = bench(argv[1], "group commit, 64 in flight", n, 0, INFLIGHT);
	scrub(argv[1]);
	printf("group commit / one per row: %.1fx\n", b / a);
	return 0;
}
