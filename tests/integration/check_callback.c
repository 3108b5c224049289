/* SPDX-License-Identifier: ISC */
/*
 * Integration tests for call-back requests, end to end: the real hotlined
 * (harness.c) on a copy of tests/data/callback, a caller walking the USSD
 * flow over HTTP, the counsellors' webhook endpoints played by receiver.c,
 * the counsellor API, and the SQLite file read directly. Covers: one
 * request however often the last hop comes, the row durable before the
 * confirmation, signed alerts within a second, retries, kill -9 and
 * restart, concurrent claims, escalation, shifts, urgency and what the log
 * must never hold. Needs HOTLINED_BIN and TOP_SRCDIR.
 */
#include <sys/wait.h>

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "flow.h"


/*
 * 1. The last hop twice in a row (an aggregator's retry): the same
 * confirmation, one request in the API and one row in the database.
 */
START_TEST(test_last_hop_twice)
{
	struct receiver_request	 q;
	json_t			*arr, *r;
	char			*w, *f, *a, *b, *ref, *dbref;

	start_day();
	w = walk("dup-7781", PHONE, NULL, "3");
	f = last_hop(w, "2");
	a = at_hop("dup-7781", PHONE, f);
	b = at_hop("dup-7781", PHONE, f);
	ck_assert_str_eq(a, END_AFTERNOON);
	ck_assert_str_eq(b, a);
	free(a);
	free(b);
	free(f);
	free(w);

	arr = api_list();
	ck_assert_uint_eq(json_array_size(arr), 1);
	r = json_array_get(arr, 0);
	ref = strdup(json_string_value(json_object_get(r, "ref")));
	ck_assert_str_eq(json_string_value(json_object_get(r, "window")),
	    "afternoon");
	ck_assert(json_is_false(json_object_get(r, "urgent")));
	ck_assert_str_eq(json_string_value(json_object_get(r, "lang")), "en");
	ck_assert_ptr_null(json_object_get(r, "phone"));
	json_decref(arr);
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), 1);
	dbref = db_text("SELECT ref FROM callback");
	ck_assert_str_eq(dbref, ref);
	free(dbref);

	/* One request, one alert round, one alert. */
	ck_assert_int_eq(receiver_wait(rcv, "/c", 1, 2000), 0);
	history_wait(ref, "created,alerted", 2000);
	q = got("/c", 0);
	json_decref(check_alert(&q, "callback.created", ref, 0, "afternoon",
	    phone_for(q.path, PHONE)));
	receiver_request_clear(&q);
	ck_assert_int_eq(db_int("SELECT count(*) FROM outbox"), 1);
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), 1);
	free(ref);
}
END_TEST

/*
 * 1b. The last hop posted twice at the same moment, in several sessions:
 * both posts of a session get the same confirmation, and each session
 * makes exactly one request.
 */
START_TEST(test_last_hop_concurrent)
{
	struct par	 p[2];
	char		 sid[32], phone[24], *w, *f;
	size_t		 i, k;
	const size_t	 nsess = 4;

	start_day();
	for (k = 0; k < nsess; k++) {
		/* Four callers (one number asking again would merge). */
		snprintf(sid, sizeof(sid), "race-%zu", k);
		snprintf(phone, sizeof(phone), "+8551234567%zu", k);
		w = walk(sid, phone, NULL, "3");
		f = last_hop(w, "2");
		memset(p, 0, sizeof(p));
		for (i = 0; i < 2; i++) {
			p[i].port = harness_port(h);
			p[i].path = AT;
			p[i].ct = FORM_CT;
			p[i].body = at_body(sid, phone, f);
		}
		par_run(p, 2);
		for (i = 0; i < 2; i++) {
			ck_assert_int_eq(p[i].rc, 0);
			ck_assert_int_eq(p[i].rep.status, 200);
			ck_assert_str_eq(p[i].rep.body, END_AFTERNOON);
			harness_reply_clear(&p[i].rep);
			free(p[i].body);
		}
		free(f);
		free(w);
		ck_assert_int_eq(db_int("SELECT count(*) FROM callback"),
		    (long long)k + 1);
	}
	free(listed_ref(0, nsess));
	ck_assert_int_eq(db_int("SELECT count(DISTINCT dedup) FROM callback"),
	    (long long)nsess);
	ck_assert_int_eq(db_int("SELECT count(*) FROM history WHERE event = "
	    "'created'"), (long long)nsess);
}
END_TEST

/*
 * 2. The row is there the moment the confirmation is: read the file
 * right after each END reply.
 */
START_TEST(test_row_before_confirmation)
{
	char	*w, *f, *s, sid[32], phone[24], sql[512];
	int	 k;

	start_day();
	for (k = 0; k < 3; k++) {
		snprintf(sid, sizeof(sid), "durable-%d", k);
		snprintf(phone, sizeof(phone), "+8551234567%d", k);
		w = walk(sid, phone, NULL, "3");
		f = last_hop(w, "2");
		at_expect(sid, phone, f, END_AFTERNOON);
		/* No wait of any kind between the reply and the read. */
		ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), k + 1);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM callback_clear "
		    "WHERE id = %d AND state IN (0, 1) AND phone = '%s"
		    "' AND safe_to_call = 'yes' AND safe_number IS NULL AND "
		    "\"window\" = 'afternoon' AND cover = 'wrong_number' AND "
		    "urgent = 0 AND lang = 'en' AND channel = 'at'", k + 1,
		    phone);
		ck_assert_int_eq(db_int(sql), 1);
		/* In the table itself, her number and answers are sealed. */
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM callback "
		    "WHERE id = %d AND typeof(phone) = 'blob' AND "
		    "typeof(\"window\") = 'blob' AND typeof(cover) = 'blob'",
		    k + 1);
		ck_assert_int_eq(db_int(sql), 1);
		snprintf(sql, sizeof(sql), "SELECT group_concat(event) FROM "
		    "history WHERE callback_id = %d AND event = 'created'",
		    k + 1);
		s = db_text(sql);
		ck_assert_str_eq(s, "created");
		free(s);
		free(f);
		free(w);
	}
}
END_TEST

/*
 * 2b. While another process holds the database's write lock, the caller
 * gets no confirmation; it comes once the row could be committed.
 */
START_TEST(test_reply_waits_for_commit)
{
	struct par	 p;
	pthread_t	 t;
	struct db_hold	*db;
	char		*w, *f;

	start_day();
	w = walk("lock-1", PHONE, NULL, "3");
	f = last_hop(w, "2");
	db = db_hold();

	memset(&p, 0, sizeof(p));
	p.port = harness_port(h);
	p.path = AT;
	p.ct = FORM_CT;
	p.body = at_body("lock-1", PHONE, f);
	ck_assert_int_eq(pthread_create(&t, NULL, par_main, &p), 0);
	harness_sleep_ms(1500);
	ck_assert_msg(!atomic_load(&p.done), "confirmed while the row could "
	    "not be written: \"%s\"", p.rep.body);
	db_release(db);
	pthread_join(t, NULL);
	ck_assert_int_eq(p.rc, 0);
	ck_assert_int_eq(p.rep.status, 200);
	ck_assert_str_eq(p.rep.body, END_AFTERNOON);
	harness_reply_clear(&p.rep);
	free(p.body);
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), 1);
	free(f);
	free(w);
}
END_TEST

/*
 * 2c. When the row cannot be written at all (the lock is held past the
 * store's 5 s busy time-out), the caller is told so, with the emergency
 * number, instead of a confirmation; nothing is stored or alerted.
 */
START_TEST(test_store_failure_told)
{
	struct par	 p;
	pthread_t	 t;
	struct db_hold	*db;
	json_t		*arr;
	char		*w, *f;
	long long	 t0;

	start_day();
	w = walk("lockfail-1", PHONE, NULL, "3");
	f = last_hop(w, "2");
	db = db_hold();

	memset(&p, 0, sizeof(p));
	p.port = harness_port(h);
	p.path = AT;
	p.ct = FORM_CT;
	p.body = at_body("lockfail-1", PHONE, f);
	t0 = harness_now_ms();
	ck_assert_int_eq(pthread_create(&t, NULL, slow_post, &p), 0);
	while (!atomic_load(&p.done) && harness_now_ms() - t0 < 9000)
		harness_sleep_ms(20);
	db_release(db);
	pthread_join(t, NULL);
	ck_assert_int_eq(p.rc, 0);
	ck_assert_int_eq(p.rep.status, 200);
	ck_assert_str_eq(p.slow_body, S_FAILED);
	ck_assert_msg(harness_now_ms() - t0 >= 4000, "failed after %lld ms, "
	    "before the busy time-out", harness_now_ms() - t0);
	free(p.body);
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), 0);
	arr = api_list();
	ck_assert_uint_eq(json_array_size(arr), 0);
	json_decref(arr);
	ck_assert_uint_eq(receiver_count(rcv, "/"), 0);
	free(f);
	free(w);
}
END_TEST


/*
 * 2d. A gateway that reuses a session id long after (beyond max_duration +
 * retry_window; here the daemon is restarted five minutes later on its
 * clock) starts a new session: a new request, made, stored and alerted,
 * not the old one's confirmation.
 */
START_TEST(test_session_id_reused_later)
{
	char	*ref;

	start_day();
	request_afternoon("reused-1", PHONE);
	ck_assert_int_eq(receiver_wait(rcv, "/c", 1, 2000), 0);
	settle();
	stop_daemon();
	set_conf("2026-11-23T10:05:00+07:00", 0);
	launch();
	request_afternoon("reused-1", PHONE2);
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), 2);
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback_clear WHERE "
	    "phone = '" PHONE2 "' AND id = 2"), 1);
	ck_assert_int_eq(receiver_wait(rcv, "/c", 2, 2000), 0);
	ref = listed_ref(1, 2);
	history_wait(ref, "created,alerted", 2000);
	free(ref);
}
END_TEST

/*
 * 2e. A gateway that reuses a session id at once, for another caller (the
 * first session ended; the new one starts from the main menu): hers is a
 * new request too. She must not be told hers is recorded when it is not.
 */
START_TEST(test_session_id_reused_at_once)
{
	struct receiver_request	 q;
	char			*w, *f;
	size_t			 i, urgent = 0;

	start_day();
	request_afternoon("reused-2", PHONE);
	w = walk("reused-2", PHONE2, NULL, "1");
	f = last_hop(w, "1");
	at_expect("reused-2", PHONE2, f, END_NOW);
	free(f);
	free(w);
	ck_assert_msg(db_int("SELECT count(*) FROM callback") == 2, "the "
	    "second caller was told \"%s\", but the database holds %lld "
	    "request(s): %s", END_NOW, db_int("SELECT count(*) FROM callback"),
	    harness_log_contains(h, "already stored") ? "merged into the first "
	    "(\"already stored\")" : "?");
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback_clear WHERE "
	    "phone = '" PHONE2 "' AND urgent = 1 AND \"window\" = 'now'"), 1);
	/* She is in danger: the supervisor hears of it at once. */
	ck_assert_int_eq(receiver_wait(rcv, "/s1", 1, 2000), 0);
	for (i = 0; receiver_get(rcv, "/s1", i, &q) == 0; i++) {
		urgent += strstr(q.body, "\"urgent\":true") != NULL;
		receiver_request_clear(&q);
	}
	ck_assert_uint_eq(urgent, 1);
}
END_TEST

/*
 * 3. Each request alerts one counsellor on duty, the next one for the next
 * request, within a second of the confirmation, with a Standard Webhooks
 * signature; only c1's alerts (with_phone) carry the number.
 */
START_TEST(test_signed_alert)
{
	struct receiver_request	 q[2];
	json_t			*v;
	const char		*phones[2] = { PHONE, PHONE2 };
	char			*w, *f, *ref[2], sid[32];
	long long		 t_end;
	size_t			 k;

	/* The verifier itself, on the published test vector. */
	ck_assert(sig_ok(SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330",
	    "{\"test\": 2432232314}", 20, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJ"
	    "ELVlNIOLJ1OE="));
	ck_assert(!sig_ok(SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265331",
	    "{\"test\": 2432232314}", 20, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJ"
	    "ELVlNIOLJ1OE="));

	start_day();
	for (k = 0; k < 2; k++) {
		snprintf(sid, sizeof(sid), "sig-%zu", k);
		w = walk(sid, phones[k], NULL, "3");
		f = last_hop(w, "2");
		at_expect(sid, phones[k], f, END_AFTERNOON);
		t_end = harness_now_ms();
		free(f);
		free(w);
		ck_assert_msg(receiver_wait(rcv, "/", k + 1, 3000) == 0,
		    "no alert for request %zu", k + 1);
		q[k] = got("/", k);
		ck_assert_msg(q[k].at_ms - t_end <= harness_slow_ms(1000),
		    "alert %lld ms after the confirmation", q[k].at_ms - t_end);
		ck_assert_int_eq(q[k].status, 200);
		ck_assert_msg(strcmp(q[k].path, "/c1") == 0 ||
		    strcmp(q[k].path, "/c2") == 0, "alert to %s", q[k].path);
		ref[k] = listed_ref(k, k + 1);
		v = check_alert(&q[k], "callback.created", ref[k], 0,
		    "afternoon", phone_for(q[k].path, phones[k]));
		json_decref(v);
	}
	/* Round robin over the two counsellors on duty. */
	ck_assert_str_ne(q[0].path, q[1].path);
	ck_assert_str_ne(q[0].webhook_id, q[1].webhook_id);
	ck_assert_str_ne(ref[0], ref[1]);
	ck_assert_uint_eq(receiver_count(rcv, "/s1"), 0);
	for (k = 0; k < 2; k++) {
		history_wait(ref[k], "created,alerted", 2000);
		receiver_request_clear(&q[k]);
		free(ref[k]);
	}
}
END_TEST

/*
 * 4. A counsellor endpoint that fails three times gets the alert on the
 * fourth attempt (retry_first 1: after about 0, 1-2 and 2-4 s), always
 * under the same webhook-id, each attempt signed anew.
 */
START_TEST(test_retry_until_delivered)
{
	struct receiver_request	 q[4];
	json_t			*v;
	char			*ref;
	long long		 t_end;
	size_t			 i;

	start_day();
	receiver_fail_first(rcv, "/c1", 3);
	receiver_fail_first(rcv, "/c2", 3);
	request_afternoon("retry-1", PHONE);
	t_end = harness_now_ms();
	ref = listed_ref(0, 1);
	ck_assert_msg(receiver_wait(rcv, "/c", 4, 10000) == 0, "%zu attempts "
	    "in 10 s", receiver_count(rcv, "/c"));
	for (i = 0; i < 4; i++) {
		q[i] = got("/c", i);
		ck_assert_str_eq(q[i].path, q[0].path);
		ck_assert_str_eq(q[i].webhook_id, q[0].webhook_id);
		ck_assert_int_eq(q[i].status, i < 3 ? 500 : 200);
		v = check_alert(&q[i], "callback.created", ref, 0,
		    "afternoon", phone_for(q[i].path, PHONE));
		json_decref(v);
		if (i > 0)
			ck_assert(q[i].at_ms >= q[i - 1].at_ms);
	}
	ck_assert_msg(q[3].at_ms - t_end <= 10000, "delivered after %lld ms",
	    q[3].at_ms - t_end);
	/* The last error stays; a success adds none. */
	db_wait_int("SELECT count(*) FROM outbox WHERE state = 1 AND "
	    "attempts = 4 AND last_error = 'HTTP 500'", 1, 3000);
	ck_assert_int_eq(db_int("SELECT count(*) FROM outbox"), 1);
	history_wait(ref, "created,alerted", 1000);
	ck_assert_uint_eq(receiver_count(rcv, "/s1"), 0);
	ck_assert_uint_eq(receiver_count(rcv, "/"), 4);
	ck_assert(harness_log_contains(h, "failed (HTTP 500), attempt 3"));
	ck_assert(harness_log_contains(h, "via webhook delivered"));
	for (i = 0; i < 4; i++)
		receiver_request_clear(&q[i]);
	free(ref);
}
END_TEST

/*
 * 4b. An alert that cannot be delivered in max_attempts is given up on,
 * and the supervisors are told.
 */
START_TEST(test_give_up_tells_supervisors)
{
	struct cb_opts		 o = { 600, 1, 2, NULL, 0, NULL, NULL, NULL };
	struct receiver_request	 q;
	json_t			*v;
	char			*ref, *cx, *detail;

	start(&o);
	receiver_fail_first(rcv, "/c", 1000);
	request_afternoon("giveup-1", PHONE);
	ref = listed_ref(0, 1);
	ck_assert_int_eq(receiver_wait(rcv, "/s1", 1, 8000), 0);
	ck_assert_uint_eq(receiver_count(rcv, "/c"), 2);
	q = got("/c", 0);
	cx = strdup(q.path + 1);
	receiver_request_clear(&q);
	q = got("/s1", 0);
	ck_assert_int_eq(q.status, 200);
	v = check_alert(&q, "alert.failed", ref, 0, "afternoon", NULL);
	json_decref(v);
	receiver_request_clear(&q);
	history_wait(ref, "created,alerted,alert_failed,escalated", 3000);
	history_expect(ref, 2, "alert_failed", "system", "HTTP 500");
	ck_assert_int_ne(asprintf(&detail, "alert to %s failed: supervisors "
	    "told", cx), -1);
	history_expect(ref, 3, "escalated", "system", detail);
	free(detail);
	db_wait_int("SELECT count(*) FROM outbox WHERE state = 2 AND "
	    "attempts = 2", 1, 2000);
	ck_assert_int_eq(db_int("SELECT failures FROM callback"), 1);
	free(cx);
	free(ref);
}
END_TEST


/*
 * 5. kill -9 right after the confirmation, with the alert not delivered
 * (the endpoints hang): after a restart on the same directory the alert
 * arrives, once, and the request is still listed.
 */
START_TEST(test_kill9_before_delivery)
{
	struct receiver_request	 q, q0;
	json_t			*v;
	long long		 t_relaunch, deadline;
	size_t			 i, n, first = 0;
	char			*ref, *ev;

	start_day();
	receiver_hang(rcv, "/", 1);
	request_afternoon("crash-1", PHONE);
	ck_assert_int_eq(harness_kill9(h), 0);
	receiver_hang(rcv, "/", 0);

	t_relaunch = harness_now_ms();
	launch();
	deadline = harness_now_ms() + harness_slow_ms(5000);
	while ((n = count_since("/", t_relaunch, &first)) == 0) {
		ck_assert_msg(harness_now_ms() < deadline, "no alert within 5 s "
		    "of the restart");
		harness_sleep_ms(20);
	}
	ref = listed_ref(0, 1);
	q = got("/", first);
	ck_assert_int_eq(q.status, 200);
	v = check_alert(&q, "callback.created", ref, 0, "afternoon",
	    phone_for(q.path, PHONE));
	json_decref(v);
	/* An attempt cut short by the kill was the same message. */
	for (i = 0; i < first; i++) {
		q0 = got("/", i);
		ck_assert_str_eq(q0.webhook_id, q.webhook_id);
		ck_assert_str_eq(q0.path, q.path);
		receiver_request_clear(&q0);
	}
	receiver_request_clear(&q);
	db_wait_int("SELECT count(*) FROM outbox WHERE state = 1 AND "
	    "attempts = 1 AND last_error IS NULL", 1, 3000);
	ck_assert_int_eq(db_int("SELECT count(*) FROM outbox"), 1);
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), 1);
	history_wait(ref, "created,alerted", 1000);
	ev = history(ref);
	ck_assert_str_eq(ev, "created,alerted");
	free(ev);
	ck_assert_uint_eq(count_since("/", t_relaunch, &first), 1);
	free(ref);
}
END_TEST

/*
 * 5b. kill -9 while the first attempt is in flight (the endpoint holds it
 * unanswered): after the restart the same message (same webhook-id) is
 * delivered.
 */
START_TEST(test_kill9_during_delivery)
{
	struct receiver_request	 q0, q1;
	json_t			*v;
	char			*ref;

	start_day();
	receiver_hang(rcv, "/", 1);
	request_afternoon("crash-2", PHONE);
	ck_assert_int_eq(receiver_wait(rcv, "/", 1, 3000), 0);
	ck_assert_int_eq(harness_kill9(h), 0);
	receiver_hang(rcv, "/", 0);
	q0 = got("/", 0);
	ck_assert_int_eq(q0.status, 0);

	launch();
	ck_assert_int_eq(receiver_wait(rcv, "/", 2, 5000), 0);
	ref = listed_ref(0, 1);
	v = api_list();
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(v,
	    0), "state")), "alerted");
	json_decref(v);
	q1 = got("/", 1);
	ck_assert_int_eq(q1.status, 200);
	ck_assert_str_eq(q1.path, q0.path);
	ck_assert_str_eq(q1.webhook_id, q0.webhook_id);
	v = check_alert(&q1, "callback.created", ref, 0, "afternoon",
	    phone_for(q1.path, PHONE));
	json_decref(v);
	db_wait_int("SELECT count(*) FROM outbox WHERE state = 1", 1, 3000);
	history_wait(ref, "created,alerted", 1000);
	receiver_request_clear(&q0);
	receiver_request_clear(&q1);
	free(ref);
}
END_TEST

/*
 * 6. Two counsellors claim at the same moment: one wins and alone gets the
 * number; the other gets 409. Tokens are checked; completing needs a known
 * outcome and the claim; a completed request leaves the list.
 */
START_TEST(test_claims)
{
	struct par		 p[2];
	const char		*tok[2] = { TOK_C1, TOK_C2 };
	const char		*ids[2] = { "c1", "c2" };
	struct harness_reply	 rep;
	const char		*lower[2] = { NULL, NULL };
	json_t			*v, *call, *arr;
	char			*ref, *path, *hdr[2], *www;
	int			 win, lose;
	size_t			 i;

	start_day();
	request_afternoon("claim-1", PHONE);
	ref = listed_ref(0, 1);
	ck_assert_int_eq(receiver_wait(rcv, "/c", 1, 2000), 0);
	history_wait(ref, "created,alerted", 2000);

	/* No token, a wrong one, a malformed header: 401, nothing changes. */
	ck_assert_int_ne(asprintf(&path, "/api/requests/%s/claim", ref), -1);
	ck_assert_int_eq(harness_request_port(api_port, "POST", path, NULL, "",
	    0, NULL, &rep), 0);
	ck_assert_int_eq(rep.status, 401);
	www = harness_reply_header(&rep, "WWW-Authenticate");
	ck_assert_ptr_nonnull(www);
	ck_assert_str_eq(www, "Bearer");
	free(www);
	harness_reply_clear(&rep);
	json_decref(api_post(ref, "claim", "token-c1-0123456789abcdefghiX",
	    NULL, 401));
	json_decref(api_post(ref, "claim", "", NULL, 401));
	json_decref(api("GET", "/api/requests", NULL, NULL, 401));
	json_decref(api("GET", "/api/requests", "wrong-token-0123456789abcd",
	    NULL, 401));
	/* The scheme is case-insensitive (RFC 7235); the token is not. */
	lower[0] = "authorization: bearer " TOK_C2;
	ck_assert_int_eq(harness_request_port(api_port, "GET", "/api/requests",
	    NULL, NULL, 0, lower, &rep), 0);
	ck_assert_int_eq(rep.status, 200);
	harness_reply_clear(&rep);
	lower[0] = "Authorization: Bearer TOKEN-C2-0123456789ABCDEFGHIJ";
	ck_assert_int_eq(harness_request_port(api_port, "GET", "/api/requests",
	    NULL, NULL, 0, lower, &rep), 0);
	ck_assert_int_eq(rep.status, 401);
	harness_reply_clear(&rep);
	v = api_get(ref, TOK_C1);
	ck_assert_str_eq(json_string_value(json_object_get(v, "state")),
	    "alerted");
	ck_assert_ptr_null(json_object_get(v, "call"));
	json_decref(v);

	/* Both at once. */
	memset(p, 0, sizeof(p));
	for (i = 0; i < 2; i++) {
		ck_assert_int_ne(asprintf(&hdr[i], "Authorization: Bearer %s",
		    tok[i]), -1);
		p[i].port = api_port;
		p[i].path = path;
		p[i].hdr[0] = hdr[i];
	}
	par_run(p, 2);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(p[i].rc, 0);
		free(hdr[i]);
	}
	ck_assert_msg((p[0].rep.status == 200 && p[1].rep.status == 409) ||
	    (p[0].rep.status == 409 && p[1].rep.status == 200), "claims: %ld "
	    "and %ld", p[0].rep.status, p[1].rep.status);
	win = p[0].rep.status == 200 ? 0 : 1;
	lose = 1 - win;
	v = json_loads(p[win].rep.body, 0, NULL);
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(json_string_value(json_object_get(v, "state")),
	    "claimed");
	ck_assert_str_eq(json_string_value(json_object_get(v, "claimed_by")),
	    ids[win]);
	call = json_object_get(v, "call");
	ck_assert_str_eq(json_string_value(json_object_get(call, "number")),
	    PHONE);
	ck_assert_str_eq(json_string_value(json_object_get(call,
	    "safe_to_call")), "yes");
	ck_assert(json_is_false(json_object_get(call, "is_safe_number")));
	ck_assert_str_eq(json_string_value(json_object_get(call, "window")),
	    "afternoon");
	ck_assert_str_eq(json_string_value(json_object_get(call,
	    "if_someone_else_answers")), "wrong_number");
	json_decref(v);
	/* The loser is told who has it, and nothing more. */
	v = json_loads(p[lose].rep.body, 0, NULL);
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(json_string_value(json_object_get(v, "error")),
	    "claimed by someone else or already closed");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(v,
	    "request"), "claimed_by")), ids[win]);
	ck_assert_ptr_null(json_object_get(json_object_get(v, "request"),
	    "call"));
	json_decref(v);
	ck_assert_msg(strstr(p[lose].rep.body, PHONE_NSN) == NULL, "number "
	    "leaked to the loser");
	for (i = 0; i < 2; i++)
		harness_reply_clear(&p[i].rep);
	free(path);

	/* The claim holds: the winner sees the number, nobody else does. */
	v = api_get(ref, tok[win]);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(v,
	    "call"), "number")), PHONE);
	json_decref(v);
	v = api_get(ref, tok[lose]);
	ck_assert_ptr_null(json_object_get(v, "call"));
	ck_assert_str_eq(json_string_value(json_object_get(v, "claimed_by")),
	    ids[win]);
	json_decref(v);
	v = api_post(ref, "claim", tok[win], NULL, 200);	/* again: OK */
	json_decref(v);
	json_decref(api_post(ref, "claim", TOK_S1, NULL, 409));

	/* Completing: a known outcome, by the claimant only. */
	json_decref(api_post(ref, "complete", tok[win], "{\"outcome\":"
	    "\"maybe\"}", 400));
	json_decref(api_post(ref, "complete", tok[win], "{}", 400));
	json_decref(api_post(ref, "complete", tok[win], "not json", 400));
	json_decref(api_post(ref, "complete", tok[lose], "{\"outcome\":"
	    "\"reached\"}", 409));
	v = api_post(ref, "complete", tok[win], "{\"outcome\":\"reached\"}",
	    200);
	ck_assert_str_eq(json_string_value(json_object_get(v, "state")),
	    "completed");
	ck_assert_str_eq(json_string_value(json_object_get(v, "outcome")),
	    "reached");
	json_decref(v);
	arr = api_list();
	ck_assert_uint_eq(json_array_size(arr), 0);
	json_decref(arr);
	json_decref(api_post(ref, "complete", tok[lose], "{\"outcome\":"
	    "\"reached\"}", 409));
	json_decref(api_post(ref, "complete", tok[win], "{\"outcome\":"
	    "\"no_answer\"}", 409));
	json_decref(api_post(ref, "claim", tok[lose], NULL, 409));
	json_decref(api_post("NOSUCH", "claim", tok[lose], NULL, 404));

	history_wait(ref, "created,alerted,claimed,completed", 1000);
	history_expect(ref, 0, "created", "system", NULL);
	history_expect(ref, 2, "claimed", ids[win], NULL);
	history_expect(ref, 3, "completed", ids[win], "reached");
	ck_assert_int_eq(db_int("SELECT state FROM callback"), 3);
	free(ref);
}
END_TEST


/*
 * 7. Unclaimed escalate_after (2 s) past the moment she can take the call,
 * a request escalates: a second round alerts the other counsellor and the
 * supervisor with callback.escalated. One asked for "now" escalates 2 s
 * after its alert; one asked for the afternoon (at 10:00) only at 12:00:02.
 */
START_TEST(test_escalation)
{
	struct cb_opts		 o = { 2, 1, 0, NULL, 0, NULL, NULL, NULL };
	struct receiver_request	 q0, qs, qc;
	json_t			*v;
	char			*w, *f, *ref, *pm, *detail, other[4];
	long long		 t_end;
	int			 i;

	start(&o);
	w = walk("esc-now", PHONE, NULL, "1");
	f = last_hop(w, "2");
	at_expect("esc-now", PHONE, f, END_NOW);
	t_end = harness_now_ms();
	free(f);
	free(w);
	request_afternoon("esc-pm", PHONE2);
	ref = listed_ref(0, 2);
	pm = listed_ref(1, 2);
	ck_assert_int_eq(receiver_wait(rcv, "/c", 2, 2000), 0);
	i = find_alert("/c", "callback.created", ref);
	ck_assert_int_ge(i, 0);
	q0 = got("/c", (size_t)i);
	v = check_alert(&q0, "callback.created", ref, 0, "now",
	    phone_for(q0.path, PHONE));
	json_decref(v);
	snprintf(other, sizeof(other), "%s", strcmp(q0.path, "/c1") == 0 ?
	    "c2" : "c1");

	ck_assert_msg(receiver_wait(rcv, "/s1", 1, 5000) == 0, "no escalation "
	    "within 5 s");
	qs = got("/s1", 0);
	ck_assert_int_eq(qs.status, 200);
	/* A second after the request was made; its first alert may come
	 * 100 ms after that (longer in a daemon slowed down by valgrind). */
	ck_assert_msg(qs.at_ms - q0.at_ms >= 1000 - harness_slow_ms(100),
	    "escalated %lld ms after the first alert", qs.at_ms - q0.at_ms);
	ck_assert_msg(qs.at_ms - t_end <= 5000, "escalated after %lld ms",
	    qs.at_ms - t_end);
	v = check_alert(&qs, "callback.escalated", ref, 0, "now", NULL);
	json_decref(v);
	ck_assert_str_ne(qs.webhook_id, q0.webhook_id);

	ck_assert_int_eq(receiver_wait(rcv, "/c", 3, 2000), 0);
	i = find_alert("/c", "callback.escalated", ref);
	ck_assert_int_ge(i, 0);
	qc = got("/c", (size_t)i);
	ck_assert_str_eq(qc.path + 1, other);
	v = check_alert(&qc, "callback.escalated", ref, 0, "now",
	    phone_for(qc.path, PHONE));
	json_decref(v);

	history_expect(ref, 1, "alerted", "system", strcmp(q0.path, "/c1") ==
	    0 ? "to c1" : "to c2");
	ck_assert_int_ne(asprintf(&detail, "to %s and the supervisors", other),
	    -1);
	history_expect(ref, 2, "escalated", "system", detail);
	free(detail);
	v = api_get(ref, TOK_C1);
	ck_assert_int_ge(json_integer_value(json_object_get(v, "rounds")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(v, "state")),
	    "alerted");
	json_decref(v);

	/* The afternoon request: alerted, not escalated before 12:00:02. */
	ck_assert_int_eq(find_alert("/", "callback.escalated", pm), -1);
	ck_assert_int_ge(find_alert("/c", "callback.created", pm), 0);
	history_wait(pm, "created,alerted", 1000);
	ck_assert_int_eq(db_int("SELECT next_action_at FROM callback WHERE id "
	    "= 2"), (long long)pp_time("2026-11-23T12:00:00+07:00") + 2);

	/* A claim ends the rounds; what is due then is its expiry. */
	json_decref(api_post(ref, "claim", TOK_C1, NULL, 200));
	ck_assert_int_eq(db_int("SELECT next_action_at - claimed_at FROM "
	    "callback WHERE id = 1 AND state = 2"), 1800);
	receiver_request_clear(&q0);
	receiver_request_clear(&qs);
	receiver_request_clear(&qc);
	free(pm);
	free(ref);
}
END_TEST

/*
 * 8. Five seconds before the 08:00 shift nobody is on duty: the caller who
 * asks for the morning is told "today from 08:00", the request waits, and
 * the alert goes out once the shift has begun.
 */
START_TEST(test_waits_for_shift)
{
	struct cb_opts		 o = { 600, 1, 0, CLOCK_EARLY, 0, NULL, NULL,
				    NULL };
	struct receiver_request	 q;
	json_t			*v;
	char			*w, *f, *ref, detail[64];
	long long		 t_end;

	start(&o);
	w = walk("early-1", PHONE, NULL, "2");
	f = last_hop(w, "2");
	at_expect("early-1", PHONE, f, S_DONE("today from 08:00"));
	t_end = harness_now_ms();
	free(f);
	free(w);
	ref = listed_ref(0, 1);
	history_wait(ref, "created,waiting", 2000);
	snprintf(detail, sizeof(detail), "no counsellor on duty until %lld",
	    (long long)pp_time("2026-11-23T08:00:00+07:00"));
	history_expect(ref, 1, "waiting", "system", detail);

	ck_assert_msg(receiver_wait(rcv, "/", 1, 3000) == -1, "alerted before "
	    "the shift");
	ck_assert_msg(receiver_wait(rcv, "/", 1, 5000) == 0, "no alert after "
	    "the shift began");
	q = got("/", 0);
	ck_assert_msg(q.at_ms - t_end <= 8000, "alert %lld ms after the "
	    "request", q.at_ms - t_end);
	ck_assert_msg(strcmp(q.path, "/c1") == 0 || strcmp(q.path, "/c2") == 0,
	    "alert to %s", q.path);
	v = check_alert(&q, "callback.created", ref, 0, "morning",
	    phone_for(q.path, PHONE));
	ck_assert_int_ge(strtoll(q.webhook_timestamp, NULL, 10),
	    (long long)pp_time("2026-11-23T08:00:00+07:00"));
	json_decref(v);
	receiver_request_clear(&q);
	history_wait(ref, "created,waiting,alerted", 2000);
	free(ref);
}
END_TEST

/*
 * 9. "In danger now": everyone on duty and the supervisor at once. The
 * caller said her phone is not safe: c1's alert carries the safe number,
 * never hers.
 */
START_TEST(test_urgent)
{
	struct receiver_request	 q;
	json_t			*v, *call;
	const char		*paths[3] = { "/c1", "/c2", "/s1" };
	char			*w, *f, *ref;
	long long		 t_end;
	size_t			 i;

	start_day();
	w = walk("urgent-1", PHONE, SAFE_TYPED, "1");
	f = last_hop(w, "1");
	at_expect("urgent-1", PHONE, f, END_NOW);
	t_end = harness_now_ms();
	free(f);
	free(w);
	ref = listed_ref(0, 1);
	for (i = 0; i < 3; i++) {
		ck_assert_msg(receiver_wait(rcv, paths[i], 1, 2000) == 0,
		    "no alert to %s", paths[i]);
		q = got(paths[i], 0);
		ck_assert_msg(q.at_ms - t_end <= 1000, "alert to %s %lld ms "
		    "after the confirmation", paths[i], q.at_ms - t_end);
		v = check_alert(&q, "callback.created", ref, 1, "now",
		    i == 0 ? SAFE_E164 : NULL);
		ck_assert_msg(strstr(q.body, PHONE_NSN) == NULL, "the unsafe "
		    "number in %s", q.body);
		json_decref(v);
		receiver_request_clear(&q);
	}
	history_wait(ref, "created,alerted", 1000);
	history_expect(ref, 1, "alerted", "system", "urgent: 2 on duty and 1 "
	    "supervisor");
	ck_assert_uint_eq(receiver_count(rcv, "/"), 3);

	v = api_list();
	ck_assert(json_is_true(json_object_get(json_array_get(v, 0),
	    "urgent")));
	json_decref(v);
	v = api_post(ref, "claim", TOK_C2, NULL, 200);
	call = json_object_get(v, "call");
	ck_assert_str_eq(json_string_value(json_object_get(call, "number")),
	    SAFE_E164);
	ck_assert_str_eq(json_string_value(json_object_get(call,
	    "safe_to_call")), "no");
	ck_assert(json_is_true(json_object_get(call, "is_safe_number")));
	json_decref(v);
	free(ref);
}
END_TEST

/*
 * 10. With debug logging, through a whole life (a typed safe number, an
 * urgent request, a failed and retried delivery, a claim with the number,
 * wrong tokens), daemon.log holds no number, no secret and no token.
 */
START_TEST(test_privacy)
{
	struct cb_opts	 o = { 600, 1, 0, NULL, 1, NULL, NULL, NULL };
	const char	*never[] = { PHONE_DIGITS, PHONE_NSN, "87654321",
			    "012345678",
			    SAFE_NSN, SAFE_TYPED, SECRET_B64, "whsec_",
			    "0123456789abcdefghij", "wrong-token" };
	json_t		*v;
	char		*w, *f, *ref, *log;
	size_t		 i;

	start(&o);
	receiver_fail_first(rcv, "/c1", 1);
	w = walk("priv-1", PHONE, SAFE_TYPED, "1");
	f = last_hop(w, "1");
	at_expect("priv-1", PHONE, f, END_NOW);
	free(f);
	free(w);
	request_afternoon("priv-2", PHONE2);
	ck_assert_int_eq(receiver_wait(rcv, "/c1", 2, 5000), 0);
	ck_assert_int_eq(receiver_wait(rcv, "/s1", 1, 2000), 0);
	ref = listed_ref(0, 2);
	json_decref(api_post(ref, "claim", "wrong-token-0123456789abcd", NULL,
	    401));
	v = api_post(ref, "claim", TOK_C1, NULL, 200);
	json_decref(v);
	json_decref(api_post(ref, "complete", TOK_C1, "{\"outcome\":"
	    "\"reached\"}", 200));
	db_wait_int("SELECT count(*) FROM outbox WHERE state = 0", 0, 5000);

	log = harness_log(h);
	ck_assert_ptr_nonnull(log);
	ck_assert_msg(strstr(log, "debug: ") != NULL, "no debug lines");
	ck_assert_msg(strstr(log, "failed (HTTP 500)") != NULL, "%s", log);
	ck_assert_msg(strstr(log, "completed by c1 (reached)") != NULL, "%s",
	    log);
	for (i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		ck_assert_msg(strstr(log, never[i]) == NULL, "\"%s\" in "
		    "daemon.log:\n%s", never[i], log);
	free(log);
	free(ref);
}
END_TEST

/*
 * 11. SIGTERM while an alert is in flight (the endpoint hangs): the daemon
 * still stops promptly and cleanly (teardown: exit 0, no sanitizer
 * report), and the undelivered alert stays queued in the database.
 */
START_TEST(test_sigterm_during_delivery)
{
	long long	 t0;
	char		*log;
	int		 st;

	start_day();
	receiver_hang(rcv, "/", 1);
	request_afternoon("term-1", PHONE);
	ck_assert_int_eq(receiver_wait(rcv, "/", 1, 3000), 0);
	t0 = harness_now_ms();
	ck_assert_int_eq(harness_signal(h, SIGTERM), 0);
	ck_assert_msg(harness_wait_exit(h, 5000, &st) == 0, "no exit within "
	    "5 s of SIGTERM");
	ck_assert_msg(harness_now_ms() - t0 < 3000, "stopping took %lld ms",
	    harness_now_ms() - t0);
	log = harness_log(h);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "wait status %#x; "
	    "daemon.log:\n%s", (unsigned)st, log);
	free(log);
	ck_assert_int_eq(db_int("SELECT count(*) FROM outbox WHERE state = 0"),
	    1);
}
END_TEST

/* Build the "callback" suite. */
static Suite *
callback_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("callback");

	tc = tcase_create("request");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_last_hop_twice);
	tcase_add_test(tc, test_last_hop_concurrent);
	tcase_add_test(tc, test_row_before_confirmation);
	tcase_add_test(tc, test_reply_waits_for_commit);
	tcase_add_test(tc, test_store_failure_told);
	tcase_add_test(tc, test_session_id_reused_later);
	tcase_add_test(tc, test_session_id_reused_at_once);
	suite_add_tcase(s, tc);

	tc = tcase_create("alert");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_signed_alert);
	tcase_add_test(tc, test_retry_until_delivered);
	tcase_add_test(tc, test_give_up_tells_supervisors);
	tcase_add_test(tc, test_urgent);
	suite_add_tcase(s, tc);

	tc = tcase_create("crash");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_kill9_before_delivery);
	tcase_add_test(tc, test_kill9_during_delivery);
	tcase_add_test(tc, test_sigterm_during_delivery);
	suite_add_tcase(s, tc);

	tc = tcase_create("api");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_claims);
	suite_add_tcase(s, tc);

	tc = tcase_create("time");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_escalation);
	suite_add_tcase(s, tc);

	/*
	 * Its clock starts five seconds before a shift: a daemon slowed
	 * down by valgrind starts after it. scripts/valgrind leaves it out.
	 */
	tc = tcase_create("shift");
	tcase_set_tags(tc, "no-valgrind");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_waits_for_shift);
	suite_add_tcase(s, tc);

	tc = tcase_create("privacy");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_privacy);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return flow_run("check_callback", callback_suite());
}
