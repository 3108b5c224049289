/* SPDX-License-Identifier: ISC */
/*
 * Integration tests: a flood never answers a survivor's gateway with an
 * HTTP error, and the session table stays bounded. The real hotlined on
 * tests/data/journey (flow.c) with a small session.max_sessions: ten
 * times as many new sessions all get 200 while the oldest idle ones give
 * way (a request one of them filed stays, marked "evicted"; on PostgreSQL,
 * where sessions are shared, the session only leaves the table and goes
 * on from its state in the database); when every
 * session is busy storing, a new caller gets the busy text; memory does
 * not grow with the flood; fields over sane lengths are refused; and the
 * log says it once, not once per request.
 */
#include <sys/types.h>

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <sqlite3.h>

#include "flow.h"

#define J_MAIN		"CON Welcome\n1. Call me back\n99. Exit"
#define J_WHEN_HEAD	"CON When is it safe?"
#define J_COVER_HEAD	"CON If someone else answers?\n1. Wrong number\n" \
			"2. Health survey\n0. Back"

/* The journey daemon holding at most max sessions. */
static void
start_small(int max)
{
	struct cb_opts	 o;
	char		*path, *conf, *c2, num[64];

	memset(&o, 0, sizeof(o));
	o.escalate = 600;
	o.retry = 1;
	o.fixture = "tests/data/journey";
	start(&o);
	stop_daemon();
	path = harness_path(h, "hotlined.conf");
	conf = harness_read_file(path, NULL);
	ck_assert_ptr_nonnull(conf);
	snprintf(num, sizeof(num), "\"max_sessions\": %d", max);
	c2 = replace_all(conf, "\"max_sessions\": 1000", num);
	ck_assert_int_eq(harness_write_file(h, "hotlined.conf", c2), 0);
	free(c2);
	free(conf);
	free(path);
	/* One address and number floods: the table is what is tested. */
	conf_set_int("limits.per_source.per_second", 0);
	conf_set_int("limits.per_number.requests", 0);
	launch();
}

/* The daemon's resident memory in kB. */
static long
rss_kb(void)
{
	char	 path[64], *st, *p;
	long	 kb;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)harness_pid(h));
	st = harness_read_file(path, NULL);
	ck_assert_ptr_nonnull(st);
	p = strstr(st, "VmRSS:");
	ck_assert_ptr_nonnull(p);
	kb = strtol(p + 6, NULL, 10);
	free(st);
	return kb;
}

/* A flooding client: first hops of new sessions, every answer checked. */
struct flooder {
	pthread_t	 t;
	int		 port;
	int		 first;
	int		 n;
	int		 bad;
	char		 why[160];
};

/* Send first hops of sessions first .. first + n. */
static void *
flood_main(void *arg)
{
	struct flooder		*f = arg;
	struct harness_reply	 rep;
	char			 sid[32], phone[24], *body;
	int			 i;

	for (i = f->first; i < f->first + f->n; i++) {
		snprintf(sid, sizeof(sid), "flood-%d", i);
		snprintf(phone, sizeof(phone), "+8551%07d", i);
		body = harness_form("sessionId", sid, "serviceCode", "*855#",
		    "phoneNumber", phone, "networkCode", "45601", "text", "",
		    NULL);
		if (body == NULL || harness_request_port(f->port, "POST", AT,
		    FORM_CT, body, strlen(body), NULL, &rep) == -1) {
			f->bad++;
			free(body);
			continue;
		}
		free(body);
		if (rep.status != 200 || strcmp(rep.body, J_MAIN) != 0) {
			if (f->bad++ == 0)
				snprintf(f->why, sizeof(f->why), "%s: %ld %s",
				    sid, rep.status, rep.body);
		}
		harness_reply_clear(&rep);
	}
	return NULL;
}

/* n new sessions from 4 threads; every answer must be the main menu. */
static void
flood(int from, int n)
{
	struct flooder	 f[4];
	int		 i;

	memset(f, 0, sizeof(f));
	for (i = 0; i < 4; i++) {
		f[i].port = harness_port(h);
		f[i].first = from + i * (n / 4);
		f[i].n = n / 4;
		ck_assert_int_eq(pthread_create(&f[i].t, NULL, flood_main,
		    &f[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(f[i].t, NULL);
		ck_assert_msg(f[i].bad == 0, "%d bad answers: %s", f[i].bad,
		    f[i].why);
	}
}

/*
 * The daemon's counter name, from the line SIGUSR1 logs (/health says
 * only "ok").
 */
static long
health(const char *name)
{
	long long	 v;

	v = harness_counter(h, name);
	ck_assert_msg(v >= 0, "no counter %s", name);
	return (long)v;
}

/*
 * 1. max_sessions 20 and 200 new sessions, then 2,000 more: every one gets
 * 200 and the main menu; the table holds at most 20; the oldest idle
 * session, which had filed a request, gives way and its request stays,
 * marked "evicted", and is alerted; memory does not grow with the flood;
 * the log says it once.
 */
START_TEST(test_flood_bounded)
{
	long	 rss200, rss2200;

	start_small(20);
	at_expect("first", PHONE, "", J_MAIN);
	at_expect("first", PHONE, "1", "CON Is it safe to call this number?\n"
	    "1. Yes\n2. Another number\n3. No safe number\n0. Back");
	at_expect("first", PHONE, "1*1", "CON Are you in danger now?\n"
	    "1. Yes\n2. No\n0. Back");
	free(at_hop("first", PHONE, "1*1*2"));
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback WHERE intake = "
	    "1"), 1);

	flood(0, 200);
	ck_assert_int_le(health("held"), 20);
	ck_assert_int_ge(health("evicted"), 180);
	ck_assert_int_eq(health("busy"), 0);
	rss200 = rss_kb();
	if (db_pg() == NULL) {
		db_wait_int("SELECT count(*) FROM callback WHERE intake = 0 "
		    "AND session_end = 'evicted'", 1, 3000);
		ck_assert_int_eq(receiver_wait(rcv, "/c", 1, 3000), 0);
		/* Her next hop finds no session: the neutral expired text. */
		at_expect("first", PHONE, "1*1*2*1", "END Please dial again.");
	} else {
		/*
		 * Sessions shared in PostgreSQL only leave the table: hers
		 * goes on from its state there, and her request stays open.
		 */
		at_expect("first", PHONE, "1*1*2*1", J_COVER_HEAD);
		ck_assert_int_eq(db_int("SELECT count(*) FROM callback WHERE "
		    "intake = 1 AND session_end IS NULL"), 1);
	}

	flood(1000, 2000);
	rss2200 = rss_kb();
	ck_assert_int_le(health("held"), 20);
	ck_assert_int_ge(health("evicted"), 2180);
	/* Ten times more sessions, the same memory (within 2 MB). */
	ck_assert_msg(rss2200 - rss200 < 2048, "RSS grew from %ld to %ld kB",
	    rss200, rss2200);
	ck_assert_uint_eq(harness_log_count(h, "sessions: idle sessions gave "
	    "way"), 1);
	ck_assert_uint_eq(harness_log_count(h, "refusing"), 0);
}
END_TEST

/*
 * 2. max_sessions 3, each waiting for the store (the database is locked):
 * nothing can give way, and a new caller gets 200 with the busy text;
 * then the three go on as if nothing happened.
 */
START_TEST(test_flood_busy)
{
	struct harness_reply	 rep;
	struct par		 p[3];
	pthread_t		 t[3];
	struct db_hold		*db;
	char			 sid[16], *body;
	size_t			 i;

	start_small(3);
	for (i = 0; i < 3; i++) {
		snprintf(sid, sizeof(sid), "busy-%zu", i);
		free(at_hop(sid, PHONE, ""));
		free(at_hop(sid, PHONE, "1"));
		free(at_hop(sid, PHONE, "1*1"));
	}
	db = db_hold();
	memset(p, 0, sizeof(p));
	for (i = 0; i < 3; i++) {
		snprintf(sid, sizeof(sid), "busy-%zu", i);
		p[i].port = harness_port(h);
		p[i].path = AT;
		/* Three callers: one number asking again would merge. */
		p[i].body = at_body(sid, i == 0 ? PHONE : i == 1 ? PHONE2 :
		    "+85511111111", "1*1*2");
		ck_assert_int_eq(pthread_create(&t[i], NULL, slow_post, &p[i]),
		    0);
	}
	harness_sleep_ms(800);
	body = at_body("busy-new", "+85522222222", "");
	ck_assert_int_eq(harness_post(h, AT, FORM_CT, body, NULL, &rep), 0);
	free(body);
	ck_assert_int_eq(rep.status, 200);
	ck_assert_str_eq(rep.body, "END Police 117. Busy, try again soon.");
	harness_reply_clear(&rep);
	ck_assert_int_eq(health("busy"), 1);
	db_release(db);
	for (i = 0; i < 3; i++) {
		pthread_join(t[i], NULL);
		ck_assert_int_eq(p[i].rep.status, 200);
		ck_assert_msg(strncmp(p[i].slow_body, J_WHEN_HEAD,
		    strlen(J_WHEN_HEAD)) == 0, "%s", p[i].slow_body);
		free(p[i].body);
	}
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), 3);
	ck_assert(harness_log_contains(h, "sessions: callers told the line is "
	    "busy"));
}
END_TEST

/* POST an AT hop with these fields; the answer's status and body. */
static long
hop_fields(const char *sid, const char *code, const char *phone,
    const char *text, char **body)
{
	struct harness_reply	 rep;
	char			*form;
	long			 st;

	form = harness_form("sessionId", sid, "serviceCode", code,
	    "phoneNumber", phone, "networkCode", "45601", "text", text, NULL);
	ck_assert_ptr_nonnull(form);
	ck_assert_int_eq(harness_post(h, AT, FORM_CT, form, NULL, &rep), 0);
	free(form);
	st = rep.status;
	*body = strdup(rep.body);
	harness_reply_clear(&rep);
	return st;
}

/* 3. A session id, service code, phone or input over a sane length: 400. */
START_TEST(test_field_limits)
{
	char	 big[1100], *b;

	start_small(20);
	memset(big, 'a', sizeof(big));
	big[129] = '\0';
	ck_assert_int_eq(hop_fields(big, "*855#", PHONE, "", &b), 400);
	ck_assert_str_eq(b, "session id too long\n");
	free(b);
	big[128] = '\0';
	ck_assert_int_eq(hop_fields(big, "*855#", PHONE, "", &b), 200);
	free(b);
	memset(big, '1', sizeof(big));
	big[33] = '\0';
	ck_assert_int_eq(hop_fields("f-1", big, PHONE, "", &b), 400);
	ck_assert_str_eq(b, "service code too long\n");
	free(b);
	ck_assert_int_eq(hop_fields("f-2", "*855#", big, "", &b), 400);
	ck_assert_str_eq(b, "phone number too long\n");
	free(b);
	big[33] = '1';
	big[1025] = '\0';
	ck_assert_int_eq(hop_fields("f-3", "*855#", PHONE, big, &b), 400);
	ck_assert_str_eq(b, "input history too long\n");
	free(b);
	ck_assert_int_eq(health("held"), 1);
	/* Counted, logged once. */
	ck_assert_uint_eq(harness_log_count(h, "webhooks refused: session id "
	    "too long (more are counted"), 1);
}
END_TEST

/* Build the "flood" suite. */
static Suite *
flood_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("flood");
	tc = tcase_create("flood");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, test_flood_bounded);
	tcase_add_test(tc, test_flood_busy);
	tcase_add_test(tc, test_field_limits);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	const char	*asan = getenv("ASAN_OPTIONS");
	char		 opts[512];

	/*
	 * Under AddressSanitizer freed memory waits in a quarantine (256 MB)
	 * before reuse, so RSS would grow with any churn: measure the
	 * daemon's own memory instead. Ignored by a normal build.
	 */
	snprintf(opts, sizeof(opts), "%s%squarantine_size_mb=0",
	    asan != NULL ? asan : "", asan != NULL && *asan != '\0' ? ":" :
	    "");
	setenv("ASAN_OPTIONS", opts, 1);
	return flow_run("check_flood", flood_suite());
}
