/* SPDX-License-Identifier: ISC */
/*
 * Integration tests: no slow client takes the line down. The real
 * hotlined on tests/data/callback (flow.c) with 2,000 connections that
 * each trickle a byte every two seconds and never finish a request (the
 * attack that once kept every survivor out): a caller's USSD session is
 * still answered within a second, the connections open stay under
 * listen.max_connections, and the log says so once. A request that never
 * ends is cut at limits.request_deadline. And with the daemon out of
 * descriptors (a low RLIMIT_NOFILE set on it while it runs), accept()
 * fails with EMFILE: the log grows by a few lines, not hundreds of
 * megabytes, and once the flood stops the daemon answers again.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>

#include "flow.h"

#define FLOOD		2000	/* trickling connections */
#define SLICES		20	/* one slice gets a byte each tick */
#define TICK_MS		100	/* so each one, a byte every 2 s */
#define RECONNECTS	20	/* at most, per tick */

/*
 * What a trickler sends, a byte at a time: a request that is never whole
 * (its headers never end).
 */
static const char	 drip[] = "POST /ussd/africastalking HTTP/1.1\r\n"
    "Host: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";

/* A thread holding n connections to port that trickle drip. */
struct trickle {
	pthread_t	 t;
	int		 port;
	int		 n;
	int		*fd;
	size_t		*pos;
	atomic_int	 stop;
	atomic_int	 opened;	/* connects started, first round */
	atomic_long	 closed;	/* connections the daemon closed */
};

/* Start a non-blocking connect to 127.0.0.1:port; -1 when none. */
static int
nb_connect(int port)
{
	struct sockaddr_in	 sin;
	int			 fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 &&
	    errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Whether the daemon has closed fd (EOF, reset, refused). */
static int
nb_closed(int fd)
{
	char	 c;
	ssize_t	 n;

	n = recv(fd, &c, 1, MSG_DONTWAIT | MSG_PEEK);
	return n == 0 || (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK &&
	    errno != ENOTCONN);
}

/* Send the next byte on connection i, or reopen it if it was closed. */
static void
trickle_one(struct trickle *t, int i, int *reconnects)
{
	ssize_t	 n;

	if (t->fd[i] != -1 && nb_closed(t->fd[i])) {
		close(t->fd[i]);
		t->fd[i] = -1;
		atomic_fetch_add(&t->closed, 1);
	}
	if (t->fd[i] == -1) {
		if (*reconnects >= RECONNECTS)
			return;
		(*reconnects)++;
		t->fd[i] = nb_connect(t->port);
		t->pos[i] = 0;
		return;
	}
	n = send(t->fd[i], drip + t->pos[i], 1, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n == 1)
		t->pos[i] = (t->pos[i] + 1) % (sizeof(drip) - 1);
	else if (errno != EAGAIN && errno != EWOULDBLOCK) {
		close(t->fd[i]);
		t->fd[i] = -1;
		atomic_fetch_add(&t->closed, 1);
	}
}

/* Open every connection (paced), then trickle until told to stop. */
static void *
trickle_main(void *arg)
{
	struct trickle	*t = arg;
	int		 i, slice = 0, reconnects;

	for (i = 0; i < t->n && !atomic_load(&t->stop); i++) {
		t->fd[i] = nb_connect(t->port);
		atomic_store(&t->opened, i + 1);
		if (i % 100 == 99)
			harness_sleep_ms(10);	/* not a SYN flood */
	}
	while (!atomic_load(&t->stop)) {
		reconnects = 0;
		for (i = slice; i < t->n; i += SLICES)
			trickle_one(t, i, &reconnects);
		slice = (slice + 1) % SLICES;
		harness_sleep_ms(TICK_MS);
	}
	return NULL;
}

/* Start n trickling connections to the daemon's webhook port. */
static struct trickle *
trickle_start(int n)
{
	struct trickle	*t;
	int		 i;

	t = calloc(1, sizeof(*t));
	ck_assert_ptr_nonnull(t);
	t->port = harness_port(h);
	t->n = n;
	t->fd = calloc((size_t)n, sizeof(*t->fd));
	t->pos = calloc((size_t)n, sizeof(*t->pos));
	ck_assert_ptr_nonnull(t->fd);
	ck_assert_ptr_nonnull(t->pos);
	for (i = 0; i < n; i++)
		t->fd[i] = -1;
	ck_assert_int_eq(pthread_create(&t->t, NULL, trickle_main, t), 0);
	return t;
}

/* Stop the trickler and close its connections. */
static void
trickle_stop(struct trickle *t)
{
	int	 i;

	atomic_store(&t->stop, 1);
	pthread_join(t->t, NULL);
	for (i = 0; i < t->n; i++)
		if (t->fd[i] != -1)
			close(t->fd[i]);
	free(t->fd);
	free(t->pos);
	free(t);
}

/* Set block.key to v in the test's hotlined.conf. */
static void
conf_int(const char *block, const char *key, long v)
{
	json_t		*conf, *o;
	json_error_t	 jerr;
	char		*path;

	path = harness_path(h, "hotlined.conf");
	conf = json_load_file(path, 0, &jerr);
	ck_assert_msg(conf != NULL, "%s", jerr.text);
	o = json_object_get(conf, block);
	if (o == NULL) {
		o = json_object();
		ck_assert_int_eq(json_object_set_new(conf, block, o), 0);
	}
	ck_assert_int_eq(json_object_set_new(o, key, json_integer(v)), 0);
	ck_assert_int_eq(json_dump_file(conf, path, JSON_INDENT(2)), 0);
	json_decref(conf);
	free(path);
}

/* One hop answered exactly, in at most a second. */
static void
hop_within_a_second(const char *sid, const char *text, const char *want)
{
	long long	 t0 = harness_now_ms(), ms;

	at_expect(sid, PHONE, text, want);
	ms = harness_now_ms() - t0;
	ck_assert_msg(ms <= 1000, "%s text=\"%s\": %lld ms", sid, text, ms);
}

/* A caller's first three hops, each answered within a second. */
static void
answered_within_a_second(const char *sid)
{
	hop_within_a_second(sid, "", S_MAIN);
	hop_within_a_second(sid, "1", S_SAFE);
	hop_within_a_second(sid, "1*1", S_WHEN);
}

/* Lines in the daemon's log. */
static size_t
log_lines(void)
{
	return harness_log_count(h, "\n");
}

/*
 * 1. 2,000 connections trickle a byte every two seconds (and come back
 * when closed): survivors' hops are answered within a second, the daemon
 * holds no more than its cap, and says so in one line.
 */
START_TEST(test_trickle_flood)
{
	struct trickle	*t;
	long long	 n, until;
	char		 sid[32];
	int		 i;

	start_day();
	t = trickle_start(FLOOD);
	until = harness_now_ms() + harness_slow_ms(10000);
	while (atomic_load(&t->opened) < FLOOD && harness_now_ms() < until)
		harness_sleep_ms(50);
	ck_assert_int_eq(atomic_load(&t->opened), FLOOD);
	harness_sleep_ms(1000);		/* the cap is reached */
	n = harness_counter(h, "webhook_connections");
	ck_assert_msg(n >= 400 && n <= 512, "%lld connections open", n);
	for (i = 0; i < 5; i++) {
		snprintf(sid, sizeof(sid), "flood-%d", i);
		answered_within_a_second(sid);
		harness_sleep_ms(500);
	}
	ck_assert_int_le(harness_counter(h, "webhook_connections"), 512);
	ck_assert_int_gt(atomic_load(&t->closed), FLOOD - 512);
	trickle_stop(t);
	ck_assert_uint_eq(harness_log_count(h, "webhooks: idle "
	    "connections closed for new ones (more are counted"), 1);
	ck_assert_uint_eq(harness_log_count(h, "accept() failures"), 0);
	answered_within_a_second("after");
}
END_TEST

/* Before launch: a two-second request deadline. */
static void
short_deadline(void)
{
	conf_int("limits", "request_deadline", 2);
}

/*
 * 2. Under the cap, a request that never ends is cut at the deadline
 * however it trickles, and counted once in the log.
 */
START_TEST(test_trickle_deadline)
{
	struct cb_opts	 o = { 600, 1, 0, NULL, 0, NULL, NULL,
			       short_deadline };
	struct trickle	*t;
	long long	 until;

	start(&o);
	t = trickle_start(50);
	/* Each gets a byte every 2 s: the 10 s silence time-out never ends
	 * them, only the deadline (2 s, checked each second). */
	until = harness_now_ms() + harness_slow_ms(6000);
	while (atomic_load(&t->closed) < 50 && harness_now_ms() < until)
		harness_sleep_ms(50);
	ck_assert_int_ge(atomic_load(&t->closed), 50);
	answered_within_a_second("deadline");
	trickle_stop(t);
	ck_assert_uint_eq(harness_log_count(h, "webhooks: connections "
	    "without a whole request by the deadline, closed (more are "
	    "counted"), 1);
}
END_TEST

/*
 * 3. Out of descriptors (RLIMIT_NOFILE 64 on the running daemon), a flood
 * makes accept() fail with EMFILE: the listener pauses instead of
 * spinning, the log grows by a few lines, and once the flood is over the
 * daemon answers again.
 */
START_TEST(test_emfile)
{
	struct rlimit	 low;
	struct trickle	*t;
	size_t		 before;

	start_day();
	at_expect("before", PHONE, "", S_MAIN);
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &low), 0);
	low.rlim_cur = 64;
	ck_assert_int_eq(prlimit(harness_pid(h), RLIMIT_NOFILE, &low, NULL),
	    0);
	before = log_lines();
	t = trickle_start(300);
	ck_assert_int_eq(harness_wait_log(h, "accept() failures: too many "
	    "open files (EMFILE)", 1, 10000), 0);
	harness_sleep_ms(3000);
	trickle_stop(t);
	harness_sleep_ms(1500);		/* the last pause (1 s) ends */
	answered_within_a_second("after-emfile");
	/*
	 * Once per kind: EMFILE, and connections closed for new ones or
	 * at the deadline; the minute's summaries come later.
	 */
	ck_assert_msg(log_lines() - before <= 5, "the log grew by %zu lines:"
	    "\n%s", log_lines() - before, harness_log(h));
	ck_assert_uint_eq(harness_log_count(h, "accept() failures"), 1);
}
END_TEST

/* Build the "limits" suite. */
static Suite *
limits_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("limits");
	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, test_trickle_flood);
	tcase_add_test(tc, test_trickle_deadline);
	tcase_add_test(tc, test_emfile);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	struct rlimit	 rl;

	/* 2,000 sockets here, and as many accepted by the daemon it forks. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 4096) {
		rl.rlim_cur = rl.rlim_max < 4096 ? rl.rlim_max : 4096;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur < FLOOD + 200) {
		fprintf(stderr, "check_limits: RLIMIT_NOFILE is below %d\n",
		    FLOOD + 200);
		return 77;	/* skipped */
	}
	return flow_run("check_limits", limits_suite());
}
