/* SPDX-License-Identifier: ISC */
/*
 * Integration tests of the survivor's journey on the real hotlined, with a
 * tree shaped as the shipped sample (tests/data/journey): the request is
 * filed at the danger question, before the rest. Covers: hanging up right
 * after an urgent "yes" (stored, alerted to everyone at once, recorded as
 * a time-out), the quick exit after filing, Africa's Talking's
 * end-of-session notice, reading back a typed number and changing it,
 * "no safe number", "now" outside every shift, the filing hop waiting for
 * its commit, many retries of a stored hop, and kill -9 during the intake.
 */
#include <sys/wait.h>

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>
#include <sqlite3.h>

#include "flow.h"

#define JOURNEY		"tests/data/journey"
#define AT_TOKEN	"/ussd/at-token/journey-token-0123456789"

#define J_MAIN		"CON Welcome\n1. Call me back\n99. Exit"
#define J_SAFE		"CON Is it safe to call this number?\n1. Yes\n" \
			"2. Another number\n3. No safe number\n0. Back"
#define J_NUMBER	"CON Type a safe number.\n0. Back"
#define J_NUMBER_BAD	"CON Not a Cambodian number, e.g. 012345678\n" \
			"Type a safe number.\n0. Back"
#define J_NUMBER_OK(n)	"CON " n "\nIs this right?\n1. Correct\n2. Change\n" \
			"0. Back"
#define J_DANGER	"CON Are you in danger now?\n1. Yes\n2. No\n0. Back"
#define J_URGENT(w)	"CON Police 117. We call you " w ".\n98. More\n0. Back"
#define J_WHEN		"CON When is it safe?\n1. Now (30 min)\n" \
			"2. Morning 8-12\n3. Afternoon 12-5\n4. Evening 5-9\n" \
			"0. Back"
#define J_COVER		"CON If someone else answers?\n1. Wrong number\n" \
			"2. Health survey\n0. Back"
#define J_DONE(w)	"END A counsellor will call you " w "."
#define J_FAILED	"END Sorry, we could not record it. Call 117 if in " \
			"danger."

/* The journey daemon at 10:00 on a Monday, or at clock_start. */
static void
start_journey(const char *clock_start, const char *roster_extra)
{
	struct cb_opts	 o;

	memset(&o, 0, sizeof(o));
	o.escalate = 600;
	o.retry = 1;
	o.clock_start = clock_start;
	o.fixture = JOURNEY;
	o.roster_extra = roster_extra;
	o.verbose = 1;		/* the per-session lines are debug lines */
	start(&o);
}

/* The journey's hop by the usual caller. */
static void
jx(const char *sid, const char *text, const char *want)
{
	at_expect(sid, PHONE, text, want);
}

/* Walk sid up to the danger question, this phone being safe. */
static void
to_danger(const char *sid)
{
	jx(sid, "", J_MAIN);
	jx(sid, "1", J_SAFE);
	jx(sid, "1*1", J_DANGER);
}

/* The only request's column (new string). */
static char *
col(const char *column)
{
	char	 sql[128];

	snprintf(sql, sizeof(sql), "SELECT %s FROM callback_clear", column);
	return db_text(sql);
}

/* Expect the only request's column to hold want. */
static void
col_expect(const char *column, const char *want)
{
	char	*v = col(column);

	ck_assert_msg(strcmp(v, want) == 0, "%s is \"%s\", want \"%s\"",
	    column, v, want);
	free(v);
}

/* The data of the i-th alert under prefix (new reference). */
static json_t *
alert_data(const char *prefix, size_t i, char **kind)
{
	struct receiver_request	 q;
	json_t			*v, *data;

	q = got(prefix, i);
	v = json_loadb(q.body, q.len, 0, NULL);
	ck_assert_msg(v != NULL, "not JSON: %s", q.body);
	if (kind != NULL)
		*kind = strdup(json_string_value(json_object_get(v, "type")));
	data = json_object_get(v, "data");
	json_incref(data);
	json_decref(v);
	receiver_request_clear(&q);
	return data;
}

/*
 * 1. She says she is in danger and hangs up at once: the request is on
 * disk before the next screen, which gives 117 and the honest time;
 * every counsellor on duty and the supervisor are alerted at once,
 * before the rest of the questions; when her session times out the
 * request stays, marked so, and is not alerted twice.
 */
START_TEST(test_urgent_hangup)
{
	const char	*paths[3] = { "/c1", "/c2", "/s1" };
	json_t		*data;
	char		*kind, *ref;
	size_t		 i;

	start_journey(NULL, NULL);
	to_danger("hang-1");
	jx("hang-1", "1*1*1", J_URGENT("within 30 minutes"));
	/* On disk the moment she reads it. */
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback_clear WHERE "
	    "urgent = 1 AND intake = 1 AND safe_to_call = 'yes' AND "
	    "\"window\" IS NULL AND phone = '" PHONE "'"), 1);
	for (i = 0; i < 3; i++) {
		ck_assert_msg(receiver_wait(rcv, paths[i], 1, 2000) == 0,
		    "no alert to %s", paths[i]);
		data = alert_data(paths[i], 0, &kind);
		ck_assert_str_eq(kind, "callback.created");
		ck_assert(json_is_true(json_object_get(data, "urgent")));
		ck_assert(json_is_null(json_object_get(data, "window")));
		ck_assert_ptr_null(json_object_get(data, "session_end"));
		free(kind);
		json_decref(data);
	}
	ref = listed_ref(0, 1);
	history_expect(ref, 1, "alerted", "system", "urgent: 2 on duty and 1 "
	    "supervisor");
	/* No further hop: the idle time-out (5 s) ends her session. */
	db_wait_int("SELECT count(*) FROM callback WHERE intake = 0 AND "
	    "session_end = 'timeout'", 1, 9000);
	ck_assert(harness_log_contains(h, "stays, session timeout"));
	harness_sleep_ms(1500);
	ck_assert_uint_eq(receiver_count(rcv, "/"), 3);
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), 1);
	ck_assert_int_eq(db_int("SELECT count(*) FROM outbox"), 3);
	/* The counsellor who claims it sees how the session ended. */
	data = api_post(ref, "claim", TOK_C1, NULL, 200);
	ck_assert_str_eq(json_string_value(json_object_get(data,
	    "session_end")), "timeout");
	ck_assert(json_is_false(json_object_get(data, "answering")));
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    data, "call"), "number")), PHONE);
	json_decref(data);
	free(ref);
}
END_TEST

/*
 * 2. Not in danger: the request is stored at that answer but alerted only
 * when she has finished or left, with what is known. She leaves by the
 * quick exit after giving her window: the request stays, says so, and
 * the counsellor is warned.
 */
START_TEST(test_quick_exit_keeps)
{
	json_t	*data, *w;
	char	*kind, *ref;

	start_journey(NULL, NULL);
	to_danger("qx-1");
	jx("qx-1", "1*1*2", J_WHEN);
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback WHERE urgent = "
	    "0 AND intake = 1"), 1);
	jx("qx-1", "1*1*2*3", J_COVER);
	col_expect("\"window\"", "afternoon");
	/* Two hours from when it was stored (a slow run may cross a few
	 * seconds: more under valgrind). */
	ck_assert_int_le(db_int("SELECT call_from - created_at FROM callback"),
	    2 * 3600);
	ck_assert_int_ge(db_int("SELECT call_from - created_at FROM callback"),
	    2 * 3600 - harness_slow_ms(5000) / 1000);
	/* Still answering: nobody is alerted yet (a fixed pause, not a
	 * wait that HARNESS_SLOW would stretch past the intake's end). */
	harness_sleep_ms(1500);
	ck_assert_uint_eq(receiver_count(rcv, "/"), 0);
	jx("qx-1", "1*1*2*3*99", "END OK.");
	ck_assert_int_eq(receiver_wait(rcv, "/c", 1, 3000), 0);
	data = alert_data("/c", 0, &kind);
	ck_assert_str_eq(kind, "callback.created");
	ck_assert_str_eq(json_string_value(json_object_get(data, "window")),
	    "afternoon");
	ck_assert_str_eq(json_string_value(json_object_get(data,
	    "session_end")), "quick_exit");
	w = json_object_get(data, "warnings");
	ck_assert_uint_eq(json_array_size(w), 1);
	ck_assert_str_eq(json_string_value(json_array_get(w, 0)),
	    "left_by_quick_exit");
	free(kind);
	json_decref(data);
	col_expect("session_end", "quick_exit");
	ck_assert_int_eq(db_int("SELECT intake FROM callback"), 0);
	ref = listed_ref(0, 1);
	data = api_get(ref, TOK_C2);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(data,
	    "warnings"), 0)), "left_by_quick_exit");
	json_decref(data);
	free(ref);
}
END_TEST

/* POST an end-of-session notice; the status and body of the answer. */
static long
notice(const char *path, const char *sid, const char *status, char **body)
{
	struct harness_reply	 rep;
	char			*form;
	long			 st;

	form = sid != NULL ? harness_form("date", "2026-11-23 10:01:00",
	    "sessionId", sid, "serviceCode", "*855#", "networkCode", "45601",
	    "phoneNumber", PHONE, "status", status, "cost", "KES 0.00",
	    "durationInMillis", "35000", "hopsCount", "4", "input", "1*1*2",
	    "lastAppResponse", "CON When is it safe?", "errorMessage", "",
	    NULL) : strdup("status=Success");
	ck_assert_ptr_nonnull(form);
	ck_assert_int_eq(harness_post(h, path, FORM_CT, form, NULL, &rep), 0);
	free(form);
	st = rep.status;
	if (body != NULL)
		*body = strdup(rep.body);
	harness_reply_clear(&rep);
	return st;
}

/* A hop on the channel whose token is in its path, with its exact reply. */
static void
token_hop(const char *sid, const char *text, const char *want)
{
	struct harness_reply	 rep;
	char			*body;

	body = harness_form("sessionId", sid, "serviceCode", "*855#",
	    "phoneNumber", PHONE, "networkCode", "45601", "text", text, NULL);
	ck_assert_ptr_nonnull(body);
	ck_assert_int_eq(harness_post(h, AT_TOKEN, FORM_CT, body, NULL, &rep),
	    0);
	free(body);
	ck_assert_int_eq(rep.status, 200);
	ck_assert_str_eq(rep.body, want);
	harness_reply_clear(&rep);
}

/*
 * 3. Africa's Talking's end-of-session notice: accepted on its own path
 * with 200, it wipes the session and records how a session with a
 * request ended (which then is alerted). Unknown and repeated notices are
 * harmless; a notice without a session id is a 400.
 */
START_TEST(test_end_notice)
{
	struct harness_reply	 rep;
	char			*body;

	start_journey(NULL, NULL);
	to_danger("end-1");
	jx("end-1", "1*1*2", J_WHEN);
	ck_assert_int_eq(notice(AT "/end", "end-1", "Incomplete", &body), 200);
	ck_assert_str_eq(body, "OK\n");
	free(body);
	/* Wiped: her next hop is an expired session. */
	jx("end-1", "1*1*2*1", "END Please dial again.");
	db_wait_int("SELECT count(*) FROM callback WHERE session_end = "
	    "'hung_up' AND intake = 0", 1, 2000);
	ck_assert_int_eq(receiver_wait(rcv, "/c", 1, 3000), 0);
	ck_assert(harness_log_contains(h, "ended by the gateway (hung_up)"));
	/* Again, and for a session nobody knows: 200, nothing changes. */
	ck_assert_int_eq(notice(AT "/end", "end-1", "Incomplete", NULL), 200);
	ck_assert_int_eq(notice(AT "/end", "never-seen", "Success", NULL),
	    200);
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), 1);
	ck_assert_int_eq(notice(AT "/end", NULL, NULL, NULL), 400);
	ck_assert_int_eq(harness_get(h, AT "/end", NULL, &rep), 0);
	ck_assert_int_eq(rep.status, 405);
	harness_reply_clear(&rep);
	/* A session without a request is simply wiped. */
	jx("end-2", "", J_MAIN);
	ck_assert_int_eq(notice(AT "/end", "end-2", "Success", NULL), 200);
	jx("end-2", "1", "END Please dial again.");

	/*
	 * A channel with its token in the path takes notices at
	 * <path>/<token>/end only; a wrong or missing token is 403 and
	 * changes nothing.
	 */
	token_hop("end-3", "", J_MAIN);
	ck_assert_int_eq(notice("/ussd/at-token/wrong-token-0123456789/end",
	    "end-3", "Success", NULL), 403);
	ck_assert_int_eq(notice("/ussd/at-token/end", "end-3", "Success",
	    NULL), 403);
	token_hop("end-3", "1", J_SAFE);
	ck_assert_int_eq(notice(AT_TOKEN "/end", "end-3", "Success", NULL),
	    200);
	token_hop("end-3", "1*1", "END Please dial again.");
}
END_TEST

/*
 * 4. A typed number is read back, grouped; "Change" asks again; a number
 * that is not Cambodian gets its own error line with an example, on the
 * same screen.
 */
START_TEST(test_readback)
{
	start_journey(NULL, NULL);
	jx("rb-1", "", J_MAIN);
	jx("rb-1", "1", J_SAFE);
	jx("rb-1", "1*2", J_NUMBER);
	jx("rb-1", "1*2*12345", J_NUMBER_BAD);
	jx("rb-1", "1*2*12345*098765432", J_NUMBER_OK("098 765 432"));
	jx("rb-1", "1*2*12345*098765432*7", "CON Invalid choice.\n"
	    "098 765 432\nIs this right?\n1. Correct\n2. Change\n0. Back");
	jx("rb-1", "1*2*12345*098765432*7*2", J_NUMBER);
	jx("rb-1", "1*2*12345*098765432*7*2*០១២៩៩៩៨៨៨",
	    J_NUMBER_OK("012 999 888"));
	jx("rb-1", "1*2*12345*098765432*7*2*០១២៩៩៩៨៨៨*1", J_DANGER);
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), 0);
	jx("rb-1", "1*2*12345*098765432*7*2*០១២៩៩៩៨៨៨*1*2", J_WHEN);
	jx("rb-1", "1*2*12345*098765432*7*2*០១២៩៩៩៨៨៨*1*2*3", J_COVER);
	jx("rb-1", "1*2*12345*098765432*7*2*០១២៩៩៩៨៨៨*1*2*3*2",
	    J_DONE("today from 12 noon"));
	col_expect("safe_number", "+85512999888");
	col_expect("safe_to_call", "no");
	col_expect("\"window\"", "afternoon");
	col_expect("session_end", "completed");
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), 1);
}
END_TEST

/* 5. "No safe number": an honest screen, no request, no alert. */
START_TEST(test_no_safe_number)
{
	start_journey(NULL, NULL);
	jx("ns-1", "", J_MAIN);
	jx("ns-1", "1", J_SAFE);
	jx("ns-1", "1*3", "END We cannot call you back. Police 117.");
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), 0);
	ck_assert_int_eq(receiver_wait(rcv, "/", 1, 1000), -1);
}
END_TEST

/*
 * 6. "Now" ten seconds before the 08:00 shift: she is told the next
 * shift, the supervisor hears of it at once, a counsellor when the shift
 * begins.
 */
START_TEST(test_now_outside_shifts)
{
	json_t	*data;
	char	*kind, *ref, detail[160];

	start_journey("2026-11-23T07:59:50+07:00", NULL);
	to_danger("now-1");
	jx("now-1", "1*1*2", J_WHEN);
	jx("now-1", "1*1*2*1", J_COVER);
	jx("now-1", "1*1*2*1*1", J_DONE("today from 8 am"));
	ck_assert_int_eq(receiver_wait(rcv, "/s1", 1, 2000), 0);
	ck_assert_uint_eq(receiver_count(rcv, "/c"), 0);
	data = alert_data("/s1", 0, &kind);
	ck_assert_str_eq(kind, "callback.created");
	ck_assert_str_eq(json_string_value(json_object_get(data, "window")),
	    "now");
	ck_assert_int_eq(json_integer_value(json_object_get(data,
	    "call_within_minutes")), 30);
	free(kind);
	json_decref(data);
	ref = listed_ref(0, 1);
	snprintf(detail, sizeof(detail), "asked for now, no counsellor on duty "
	    "until %lld: the supervisors",
	    (long long)pp_time("2026-11-23T08:00:00+07:00"));
	history_expect(ref, 1, "alerted", "system", detail);
	/* The shift begins: a counsellor on duty gets it. */
	ck_assert_msg(receiver_wait(rcv, "/c", 1, 15000) == 0, "no counsellor "
	    "alerted once the shift began");
	data = alert_data("/c", 0, &kind);
	ck_assert_str_eq(kind, "callback.escalated");
	free(kind);
	json_decref(data);
	free(ref);
}
END_TEST

/*
 * 7. The filing answer's next screen waits for the row: with another
 * process holding the write lock she gets no reply; the reply comes once
 * the row could be committed, and eight retries of that hop sent while
 * it waits all get the same screen (none gets an error, none files a
 * second request).
 */
START_TEST(test_filing_waits_and_retries)
{
	struct par	 p[8];
	pthread_t	 t[8];
	struct db_hold	*db;
	size_t		 i;

	start_journey(NULL, NULL);
	to_danger("wait-1");
	db = db_hold();
	memset(p, 0, sizeof(p));
	for (i = 0; i < 8; i++) {
		p[i].port = harness_port(h);
		p[i].path = AT;
		p[i].body = at_body("wait-1", PHONE, "1*1*2");
		ck_assert_int_eq(pthread_create(&t[i], NULL, slow_post, &p[i]),
		    0);
	}
	harness_sleep_ms(1500);
	for (i = 0; i < 8; i++)
		ck_assert_msg(!atomic_load(&p[i].done), "answered while the row "
		    "could not be written: \"%s\"", p[i].slow_body);
	db_release(db);
	for (i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		ck_assert_int_eq(p[i].rc, 0);
		ck_assert_int_eq(p[i].rep.status, 200);
		ck_assert_str_eq(p[i].slow_body, J_WHEN);
		free(p[i].body);
	}
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), 1);
	ck_assert_int_eq(db_int("SELECT count(*) FROM history WHERE event = "
	    "'created'"), 1);
	/* The session goes on from there. */
	jx("wait-1", "1*1*2*2", J_COVER);
}
END_TEST

/*
 * 8. When the row cannot be filed at all (the lock is held past the
 * store's busy time-out) she is told so, with 117, and nothing promises a
 * call.
 */
START_TEST(test_filing_fails_honestly)
{
	struct par	 p;
	pthread_t	 t;
	struct db_hold	*db;

	start_journey(NULL, NULL);
	to_danger("fail-1");
	db = db_hold();
	memset(&p, 0, sizeof(p));
	p.port = harness_port(h);
	p.path = AT;
	p.body = at_body("fail-1", PHONE, "1*1*1");
	ck_assert_int_eq(pthread_create(&t, NULL, slow_post, &p), 0);
	pthread_join(t, NULL);
	db_release(db);
	ck_assert_int_eq(p.rc, 0);
	ck_assert_int_eq(p.rep.status, 200);
	ck_assert_str_eq(p.slow_body, J_FAILED);
	free(p.body);
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), 0);
}
END_TEST

/*
 * 9. kill -9 while she is still answering (filed, not urgent, not yet
 * alerted): after the restart the request is alerted once her session
 * would have been over, with what was known.
 */
START_TEST(test_kill9_during_intake)
{
	json_t	*data;
	char	*kind, *path, *conf, *c2;

	start_journey(NULL, NULL);
	/* A short session limit keeps the wait short. */
	stop_daemon();
	path = harness_path(h, "hotlined.conf");
	conf = harness_read_file(path, NULL);
	ck_assert_ptr_nonnull(conf);
	c2 = replace_all(conf, "\"max_duration\": 60", "\"max_duration\": 10");
	ck_assert_int_eq(harness_write_file(h, "hotlined.conf", c2), 0);
	free(c2);
	free(conf);
	free(path);
	launch();
	to_danger("k9-1");
	jx("k9-1", "1*1*2", J_WHEN);
	jx("k9-1", "1*1*2*2", J_COVER);
	ck_assert_int_eq(harness_kill9(h), 0);
	launch();
	ck_assert_int_eq(receiver_wait(rcv, "/", 1, 1000), -1);
	ck_assert_msg(receiver_wait(rcv, "/c", 1, 20000) == 0, "not alerted "
	    "after the restart");
	data = alert_data("/c", 0, &kind);
	ck_assert_str_eq(kind, "callback.created");
	ck_assert_str_eq(json_string_value(json_object_get(data, "window")),
	    "morning");
	free(kind);
	json_decref(data);
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), 1);
}
END_TEST

/* Build the "journey" suite. */
static Suite *
journey_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("journey");
	tc = tcase_create("journey");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_urgent_hangup);
	tcase_add_test(tc, test_quick_exit_keeps);
	tcase_add_test(tc, test_end_notice);
	tcase_add_test(tc, test_readback);
	tcase_add_test(tc, test_no_safe_number);
	tcase_add_test(tc, test_filing_waits_and_retries);
	tcase_add_test(tc, test_filing_fails_honestly);
	tcase_add_test(tc, test_kill9_during_intake);
	suite_add_tcase(s, tc);

	/*
	 * Its clock starts ten seconds before a shift: a daemon slowed down
	 * by valgrind may not have walked the menu by then. scripts/valgrind
	 * leaves it out.
	 */
	tc = tcase_create("shift");
	tcase_set_tags(tc, "no-valgrind");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_now_outside_shifts);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return flow_run("check_journey", journey_suite());
}
