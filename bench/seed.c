/* SPDX-License-Identifier: ISC */
/*
 * bench/seed: fill a database with N open callback requests, as many
 * callers would have left them, for the counsellor-list workload
 * (bench/workload-console). Every request has its own number, a mix of
 * urgent ones and safe windows, and its first alert due in 30 days, so
 * that the daemon's dispatcher leaves them be while they are listed. The
 * key file is the database's path and ".key", made here if missing: the
 * daemon reads the same one. Prints the rows stored and the time taken.
 * Usage: bench/seed FILE N
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "bench_clock.h"
#include "store.h"

#define SEED_INFLIGHT	4096
#define SEED_DAYS	30

/* The run. */
struct seed {
	struct event_base	*base;
	struct store		*st;
	size_t			 n;
	size_t			 submitted;
	size_t			 completed;
	size_t			 failed;
	int64_t			 now;
};

static const char *const seed_window[] = {
	"now", "morning", "afternoon", "evening"
};

static void	seed_submit(struct seed *);

/* A create completed: count it and keep the queue full. */
static void
seed_created_cb(enum store_rc rc, const struct store_callback *row, void *arg)
{
	struct seed	*s = arg;

	(void)row;
	if (rc != STORE_OK)
		s->failed++;
	s->completed++;
	if (s->submitted < s->n)
		seed_submit(s);
	else if (s->completed == s->n)
		event_base_loopbreak(s->base);
}

/* Queue the next request. */
static void
seed_submit(struct seed *s)
{
	struct store_callback	 in;
	char			 dedup[64], phone[24];
	size_t			 i = s->submitted;
	int64_t			 at;

	memset(&in, 0, sizeof(in));
	in.channel = "africastalking";
	/* One caller each: the same number would ask again (a merge). */
	snprintf(phone, sizeof(phone), "+855%llu",
	    20000000ULL + (unsigned long long)i);
	in.phone = phone;
	in.safe_to_call = "yes";
	in.window = seed_window[i % 4];
	in.cover = "wrong_number";
	in.urgent = i % 10 == 0;
	in.province = "KH-12";
	in.lang = i % 5 == 0 ? "en" : "km";
	/* Filed over the last N seconds, oldest first. */
	at = s->now - (int64_t)(s->n - i);
	in.call_from = at;
	in.next_action_at = s->now + SEED_DAYS * 86400;
	snprintf(dedup, sizeof(dedup), "seed:%zu", i);
	if (store_callback_create(s->st, &in, dedup, strlen(dedup), 3600, at,
	    seed_created_cb, s) == -1) {
		fprintf(stderr, "seed: cannot queue\n");
		exit(1);
	}
	s->submitted++;
}

int
main(int argc, char *argv[])
{
	struct store_opts	 o = { 2048, 0, NULL, NULL, 0 };
	struct seed		 s;
	char			*cause = NULL, *end;
	double			 t0, t;
	size_t			 i;

	if (argc != 3) {
		fprintf(stderr, "usage: seed FILE N\n");
		return 1;
	}
	memset(&s, 0, sizeof(s));
	s.n = strtoul(argv[2], &end, 10);
	if (*argv[2] == '\0' || *end != '\0' || s.n == 0 || s.n > 10000000) {
		fprintf(stderr, "seed: bad N\n");
		return 1;
	}
	s.now = (int64_t)time(NULL);
	if ((s.base = event_base_new()) == NULL)
		return 1;
	s.st = store_new(s.base, argv[1], &o, &cause);
	if (s.st == NULL) {
		fprintf(stderr, "seed: %s\n", cause);
		return 1;
	}
	t0 = bench_now();
	for (i = 0; i < SEED_INFLIGHT && i < s.n; i++)
		seed_submit(&s);
	event_base_dispatch(s.base);
	t = bench_now() - t0;
	store_free(s.st);
	event_base_free(s.base);
	printf("seeded: %zu open requests in %.1f s (%.0f rows/s)%s\n",
	    s.completed - s.failed, t, (double)s.completed / t,
	    s.failed > 0 ? " (FAILURES)" : "");
	return s.failed > 0;
}
