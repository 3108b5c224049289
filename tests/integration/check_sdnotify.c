/* SPDX-License-Identifier: ISC */
/*
 * Integration tests for what hotlined tells systemd (src/sdnotify.c): the
 * test plays systemd's side, a unix datagram socket it binds and names in
 * the daemon's NOTIFY_SOCKET, and reads each message with the sender's
 * credentials. The real daemon, started by harness.c on a copy of
 * tests/data/ussd, must send READY=1 once it serves, RELOADING=1 (with
 * MONOTONIC_USEC) then READY=1 at each SIGHUP, also a failed one,
 * STOPPING=1 at SIGTERM, and WATCHDOG=1 at half of WATCHDOG_USEC when
 * WATCHDOG_PID names it. Needs HOTLINED_BIN and TOP_SRCDIR.
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <curl/curl.h>

#include "config.h"
#include "harness.h"

#define MSG_MAX		4096	/* sd_notify messages are short */
#define WAIT_MS		5000	/* for one message */

static struct harness	*h;	/* the daemon of the running test */
static int		 sock = -1;	/* systemd's end of the socket */

/* One message as systemd receives it. */
struct sdmsg {
	char	 text[MSG_MAX + 1];
	pid_t	 pid;		/* the sender's, by SCM_CREDENTIALS */
};

static void
setup(void)
{
	h = NULL;
	sock = -1;
}

/* The daemon must stop cleanly unless the test reaped it. */
static void
teardown(void)
{
	harness_check_stop(&h);
	if (sock != -1)
		close(sock);
	sock = -1;
}

/*
 * A copy of tests/data/ussd with a datagram socket bound in it as
 * NOTIFY_SOCKET for the daemon; not started yet.
 */
static void
prepare(void)
{
	struct sockaddr_un	 sun;
	char			*path;
	int			 on = 1;

	h = harness_check_new("tests/data/ussd");
	path = harness_path(h, "notify.sock");
	ck_assert_ptr_nonnull(path);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	ck_assert_msg(strlen(path) < sizeof(sun.sun_path),
	    "%s: too long for a socket's path (set a shorter TMPDIR)", path);
	memcpy(sun.sun_path, path, strlen(path));
	sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ne(sock, -1);
	ck_assert_int_eq(setsockopt(sock, SOL_SOCKET, SO_PASSCRED, &on,
	    sizeof(on)), 0);
	ck_assert_msg(bind(sock, (struct sockaddr *)&sun, sizeof(sun)) == 0,
	    "bind %s: %s", path, strerror(errno));
	ck_assert_int_eq(harness_setenv(h, "NOTIFY_SOCKET", path), 0);
	free(path);
}

/*
 * The next message within WAIT_MS (stretched under valgrind), skipping
 * watchdog pings when skip_pings; fails the test when none comes.
 */
static void
next_msg(struct sdmsg *m, int skip_pings)
{
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(struct ucred))];
	}			 ctl;
	struct pollfd		 pfd;
	struct msghdr		 mh;
	struct iovec		 iov;
	struct cmsghdr		*c;
	struct ucred		 cred;
	long long		 deadline;
	ssize_t			 n;
	int			 left;

	deadline = harness_now_ms() + harness_slow_ms(WAIT_MS);
	for (;;) {
		left = (int)(deadline - harness_now_ms());
		ck_assert_msg(left > 0, "no sd_notify message in %d ms",
		    harness_slow_ms(WAIT_MS));
		pfd.fd = sock;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, left) <= 0)
			continue;
		memset(&mh, 0, sizeof(mh));
		memset(m, 0, sizeof(*m));
		iov.iov_base = m->text;
		iov.iov_len = MSG_MAX;
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		n = recvmsg(sock, &mh, MSG_DONTWAIT);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			continue;
		ck_assert_msg(n >= 0, "recvmsg: %s", strerror(errno));
		m->text[n] = '\0';
		m->pid = -1;
		for (c = CMSG_FIRSTHDR(&mh); c != NULL;
		    c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == SOL_SOCKET &&
			    c->cmsg_type == SCM_CREDENTIALS) {
				memcpy(&cred, CMSG_DATA(c), sizeof(cred));
				m->pid = cred.pid;
			}
		ck_assert_msg(m->pid == harness_pid(h), "\"%s\" from pid %d, "
		    "not the daemon's %d", m->text, (int)m->pid,
		    (int)harness_pid(h));
		if (skip_pings && strcmp(m->text, "WATCHDOG=1") == 0)
			continue;
		return;
	}
}

/* 1 if the message has the whole line line. */
static int
has_line(const struct sdmsg *m, const char *line)
{
	const char	*p = m->text;
	size_t		 n = strlen(line);

	while ((p = strstr(p, line)) != NULL) {
		if ((p == m->text || p[-1] == '\n') &&
		    (p[n] == '\0' || p[n] == '\n'))
			return 1;
		p += n;
	}
	return 0;
}

/* The next message (pings skipped) must have line and status. */
static void
expect(const char *line, const char *status)
{
	struct sdmsg	 m;
	char		 st[256];

	next_msg(&m, 1);
	ck_assert_msg(has_line(&m, line), "expected %s, got \"%s\"", line,
	    m.text);
	if (status != NULL) {
		snprintf(st, sizeof(st), "STATUS=%s", status);
		ck_assert_msg(has_line(&m, st), "expected %s, got \"%s\"", st,
		    m.text);
	}
}

/* Microseconds on the monotonic clock, as MONOTONIC_USEC counts them. */
static unsigned long long
mono_usec(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000 +
	    (unsigned long long)ts.tv_nsec / 1000;
}

/*
 * SIGHUP: RELOADING=1 whose MONOTONIC_USEC lies between the signal and
 * its receipt, then READY=1 with status.
 */
static void
expect_reload(const char *status)
{
	struct sdmsg		 m;
	const char		*p;
	char			*end;
	unsigned long long	 before, after, at;

	before = mono_usec();
	ck_assert_int_eq(harness_signal(h, SIGHUP), 0);
	next_msg(&m, 1);
	after = mono_usec();
	ck_assert_msg(has_line(&m, "RELOADING=1"), "expected RELOADING=1, "
	    "got \"%s\"", m.text);
	p = strstr(m.text, "MONOTONIC_USEC=");
	ck_assert_msg(p != NULL, "no MONOTONIC_USEC in \"%s\"", m.text);
	errno = 0;
	at = strtoull(p + strlen("MONOTONIC_USEC="), &end, 10);
	ck_assert_msg(errno == 0 && (*end == '\0' || *end == '\n'),
	    "bad MONOTONIC_USEC in \"%s\"", m.text);
	ck_assert_msg(at >= before && at <= after, "MONOTONIC_USEC=%llu "
	    "not between %llu and %llu", at, before, after);
	expect("READY=1", status);
}

/*
 * READY=1 first, once the daemon serves; a reload and a failed reload
 * each say RELOADING=1 then READY=1; SIGTERM says STOPPING=1 and the
 * daemon exits 0. No watchdog is asked for, so none is pinged.
 */
START_TEST(test_lifecycle)
{
	struct sdmsg	 m;
	int		 st;

	prepare();
	harness_check_launch(h);
	next_msg(&m, 0);
	ck_assert_msg(has_line(&m, "READY=1") &&
	    has_line(&m, "STATUS=serving"), "first message \"%s\"", m.text);
	ck_assert(!harness_log_contains(h, "watchdog"));

	expect_reload("serving");
	ck_assert_int_eq(harness_wait_log(h, "hotlined: reloaded ", 1, 5000),
	    0);

	/* A broken menu: the reload fails, the daemon is ready again. */
	ck_assert_int_eq(harness_write_file(h, "menus/test.json",
	    "{\n  \"start\": \"main\",\n  oops\n}\n"), 0);
	expect_reload("serving; the last reload failed (see the log)");
	ck_assert(harness_log_contains(h, "reload failed"));

	ck_assert_int_eq(harness_signal(h, SIGTERM), 0);
	next_msg(&m, 0);
	ck_assert_msg(has_line(&m, "STOPPING=1"), "expected STOPPING=1, got "
	    "\"%s\"", m.text);
	ck_assert_int_eq(harness_wait_exit(h, 10000, &st), 0);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "wait status %#x", (unsigned)st);
}
END_TEST

/*
 * WATCHDOG_USEC with WATCHDOG_PID naming the daemon: WATCHDOG=1 pings,
 * from the daemon, at half the interval (which the log states), before
 * and after a reload.
 */
START_TEST(test_watchdog)
{
	struct sdmsg	 m;
	int		 i;

	prepare();
	ck_assert_int_eq(harness_setenv(h, "WATCHDOG_USEC", "200000"), 0);
	ck_assert_int_eq(harness_setenv(h, "WATCHDOG_PID", NULL), 0);
	harness_check_launch(h);
	ck_assert(harness_log_contains(h,
	    "hotlined: systemd watchdog: a ping every 100 ms\n"));
	expect("READY=1", "serving");
	for (i = 0; i < 3; i++) {
		next_msg(&m, 0);
		ck_assert_str_eq(m.text, "WATCHDOG=1");
	}
	expect_reload("serving");
	for (i = 0; i < 2; i++) {
		next_msg(&m, 0);
		ck_assert_str_eq(m.text, "WATCHDOG=1");
	}
}
END_TEST

/* A WATCHDOG_USEC that is no number: a warning, no pings, still ready. */
START_TEST(test_watchdog_bad)
{
	int	 st;

	prepare();
	ck_assert_int_eq(harness_setenv(h, "WATCHDOG_USEC", "soon"), 0);
	ck_assert_int_eq(harness_setenv(h, "WATCHDOG_PID", NULL), 0);
	harness_check_launch(h);
	ck_assert(harness_log_contains(h, "hotlined: warning: systemd "
	    "watchdog: Invalid argument; not pinging it\n"));
	expect("READY=1", "serving");
	ck_assert_int_eq(harness_signal(h, SIGTERM), 0);
	expect("STOPPING=1", "stopping");
	ck_assert_int_eq(harness_wait_exit(h, 10000, &st), 0);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "wait status %#x", (unsigned)st);
}
END_TEST

static Suite *
sdnotify_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("sdnotify");
	tc = tcase_create("notify");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_lifecycle);
	tcase_add_test(tc, test_watchdog);
	tcase_add_test(tc, test_watchdog_bad);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * Built --without-systemd, the daemon notifies nothing: the program says
 * so and is skipped (77).
 */
int
main(void)
{
#ifndef HAVE_LIBSYSTEMD
	fprintf(stderr, "check_sdnotify: built --without-systemd\n");
	return 77;
#endif
	return harness_main("check_sdnotify", sdnotify_suite());
}
