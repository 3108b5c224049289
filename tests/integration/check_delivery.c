/* SPDX-License-Identifier: ISC */
/*
 * Integration tests: every alert reaches a counsellor once. The real
 * hotlined on a copy of tests/data/callback (flow.c), callers in many
 * threads at once, the counsellors' endpoints played by receiver.c and
 * counted by webhook-id. Covers: 300 concurrent callback flows, a
 * database that cannot be written for a while, and a reload to a
 * configuration without a roster while an alert is on its way.
 */
#include <sys/wait.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <curl/curl.h>
#include <sodium.h>
#include <sqlite3.h>

#include "flow.h"

#define FLOWS		300	/* concurrent callback flows */
#define WORKERS		30	/* threads that walk them */

/* The hops of one whole cb.json flow, "afternoon", not in danger. */
static const char *const flow_hops[] = {
	"", "1", "1*1", "1*1*3", "1*1*3*1", "1*1*3*1*2"
};

/* One thread's share of the callers, and what went wrong for them. */
struct walker {
	pthread_t	 t;
	int		 port;
	int		 first;		/* index of its first caller */
	int		 n;
	int		 bad;		/* hops not answered as expected */
	char		 why[256];
};

/* Walk n callers, one after another, each through the whole flow. */
static void *
walker_main(void *arg)
{
	struct walker		*w = arg;
	struct harness_reply	 rep;
	char			 sid[32], phone[24], *body;
	size_t			 k;
	int			 i, last;

	for (i = w->first; i < w->first + w->n; i++) {
		snprintf(sid, sizeof(sid), "once-%d", i);
		snprintf(phone, sizeof(phone), "+8551200%04d", i);
		for (k = 0; k < sizeof(flow_hops) / sizeof(flow_hops[0]); k++) {
			last = k + 1 == sizeof(flow_hops) / sizeof(flow_hops[0]);
			body = harness_form("sessionId", sid, "serviceCode",
			    "*855#", "phoneNumber", phone, "networkCode",
			    "45601", "text", flow_hops[k], NULL);
			if (body == NULL || harness_request_port(w->port,
			    "POST", AT, FORM_CT, body, strlen(body), NULL,
			    &rep) == -1) {
				w->bad++;
				free(body);
				continue;
			}
			free(body);
			if (rep.status != 200 || (last &&
			    strcmp(rep.body, END_AFTERNOON) != 0)) {
				if (w->bad++ == 0)
					snprintf(w->why, sizeof(w->why),
					    "%s hop %zu: %ld %s", sid, k,
					    rep.status, rep.body);
			}
			harness_reply_clear(&rep);
		}
	}
	return NULL;
}

/* Order webhook-ids. */
static int
id_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Every request the receiver recorded, by webhook-id: each id exactly
 * once, and as many as the outbox holds rows (all delivered).
 */
static void
assert_each_once(void)
{
	struct receiver_request	 q;
	char			**ids;
	size_t			 n = receiver_count(rcv, "/"), i, dups = 0;

	ck_assert_uint_gt(n, 0);
	ids = calloc(n, sizeof(*ids));
	ck_assert_ptr_nonnull(ids);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(receiver_get(rcv, "/", i, &q), 0);
		ck_assert_ptr_nonnull(q.webhook_id);
		ck_assert_int_eq(q.status, 200);
		ids[i] = strdup(q.webhook_id);
		receiver_request_clear(&q);
	}
	qsort(ids, n, sizeof(*ids), id_cmp);
	for (i = 1; i < n; i++)
		dups += strcmp(ids[i - 1], ids[i]) == 0;
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	ck_assert_msg(dups == 0, "%zu of %zu deliveries were duplicates", dups,
	    n);
	ck_assert_int_eq(db_int("SELECT count(*) FROM outbox"), (long long)n);
	ck_assert_int_eq(db_int("SELECT count(*) FROM outbox WHERE state = 1 "
	    "AND attempts = 1"), (long long)n);
}

/* 1800 hops from one address: past limits.per_source, so it is off. */
static void
prepare_no_rate(void)
{
	conf_set_int("limits.per_source.per_second", 0);
}

/*
 * 1. 300 callers finish their flows at once: 300 requests, one alert each,
 * and the receiver sees every webhook-id exactly once.
 */
START_TEST(test_concurrent_once)
{
	struct cb_opts	 o = { 600, 1, 0, NULL, 0, NULL, NULL,
			    prepare_no_rate };
	struct walker	 w[WORKERS];
	int		 i, bad = 0;

	start(&o);
	memset(w, 0, sizeof(w));
	for (i = 0; i < WORKERS; i++) {
		w[i].port = harness_port(h);
		w[i].first = i * (FLOWS / WORKERS);
		w[i].n = FLOWS / WORKERS;
		ck_assert_int_eq(pthread_create(&w[i].t, NULL, walker_main,
		    &w[i]), 0);
	}
	for (i = 0; i < WORKERS; i++) {
		pthread_join(w[i].t, NULL);
		ck_assert_msg(w[i].bad == 0, "%d bad hops: %s", w[i].bad,
		    w[i].why);
		bad += w[i].bad;
	}
	ck_assert_int_eq(bad, 0);
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), FLOWS);
	ck_assert_int_eq(receiver_wait(rcv, "/", FLOWS, 20000), 0);
	db_wait_int("SELECT count(*) FROM outbox WHERE state = 0", 0, 10000);
	/* Give a duplicate every chance to show up. */
	harness_sleep_ms(2500);
	assert_each_once();
	ck_assert_uint_eq(receiver_count(rcv, "/"), FLOWS);
}
END_TEST

/*
 * 2. The alerts of ten requests are delivered while another process holds
 * the database's write lock (12 s, past the 5 s busy time-out), so their
 * results cannot be recorded: nothing is sent twice meanwhile or after,
 * the daemon says once that it waits, and once the lock is gone every
 * result is recorded.
 */
START_TEST(test_unwritable_once)
{
	struct db_hold	*db;
	char		 sid[32], phone[24];
	int		 i;

	start_day();
	receiver_delay(rcv, "/", 3000);
	for (i = 0; i < 10; i++) {
		snprintf(sid, sizeof(sid), "lock-%d", i);
		snprintf(phone, sizeof(phone), "+8551230%04d", i);
		request_afternoon(sid, phone);
	}
	/* Every alert is on its way (answered 3 s late) before the lock. */
	ck_assert_int_eq(receiver_wait(rcv, "/", 10, 5000), 0);
	db = db_hold();
	ck_assert_int_eq(db_int("SELECT count(*) FROM outbox WHERE state = 0"),
	    10);
	harness_sleep_ms(12000);
	ck_assert_uint_eq(receiver_count(rcv, "/"), 10);
	db_release(db);

	db_wait_int("SELECT count(*) FROM outbox WHERE state = 0", 0, 30000);
	harness_sleep_ms(2500);
	assert_each_once();
	ck_assert_uint_eq(receiver_count(rcv, "/"), 10);
	ck_assert_uint_eq(harness_log_count(h, "store: cannot write"), 1);
	ck_assert(harness_log_contains(h, "store: writable again"));
}
END_TEST

/*
 * 3. A reload to a configuration without a roster while an alert is on
 * its way (the endpoint answers after 2 s): the delivery ends as it began,
 * with the roster it was sent with, and its result is recorded; the daemon
 * carries on.
 */
START_TEST(test_reload_during_delivery)
{
	start_day();
	receiver_delay(rcv, "/", 2000);
	request_afternoon("reload-1", PHONE);
	ck_assert_int_eq(receiver_wait(rcv, "/", 1, 3000), 0);
	ck_assert_int_eq(harness_write_file(h, "hotlined.conf",
	    "{ \"listen\": { \"address\": \"127.0.0.1\", \"port\": 0 },"
	    " \"api\": { \"address\": \"127.0.0.1\", \"port\": 0 },"
	    " \"database\": \"hotlined.db\", \"languages\": [\"en\", \"km\"],"
	    " \"menus\": { \"main\": \"menus/plain.json\" },"
	    " \"channels\": [ { \"name\": \"at\", \"type\": \"africastalking\","
	    " \"path\": \"/ussd/africastalking\" } ] }"), 0);
	ck_assert_int_eq(harness_signal(h, SIGHUP), 0);
	ck_assert_int_eq(harness_wait_log(h, "reloaded", 1, 2000), 0);
	db_wait_int("SELECT count(*) FROM outbox WHERE state = 1", 1, 5000);
	ck_assert_int_eq(harness_signal(h, 0), 0);
	at_expect("after-1", PHONE2, "", "CON Welcome\n1. Police");
	ck_assert(harness_log_contains(h, "via webhook delivered"));
	ck_assert_uint_eq(receiver_count(rcv, "/"), 1);
}
END_TEST

/* Build the "delivery" suite. */
static Suite *
delivery_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("delivery");
	tc = tcase_create("once");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, test_concurrent_once);
	tcase_add_test(tc, test_unwritable_once);
	tcase_add_test(tc, test_reload_during_delivery);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return flow_run("check_delivery", delivery_suite());
}
