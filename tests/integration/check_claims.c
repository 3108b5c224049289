/* SPDX-License-Identifier: ISC */
/*
 * Integration tests of claims that cannot be forgotten, on the real
 * hotlined with tests/data/callback (flow.c): a claim not completed in
 * time is released and alerted again; a supervisor releases and
 * reassigns anyone's claim; "no answer" schedules another call, up to the
 * roster's call_attempts, then tells the supervisors; "unsafe" marks the
 * number for later requests; a number that asks again while its request
 * is open updates it and re-alerts; the queue is ordered and paginated.
 */
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "flow.h"

/* A daemon on duty with these roster members added. */
static void
start_with(const char *extra)
{
	struct cb_opts	 o;

	memset(&o, 0, sizeof(o));
	o.escalate = 600;
	o.retry = 1;
	o.roster_extra = extra;
	start(&o);
}

/* The kind of the i-th alert under prefix (new string). */
static char *
kind_of(const char *prefix, size_t i)
{
	struct receiver_request	 q;
	json_t			*v;
	char			*k;

	q = got(prefix, i);
	v = json_loadb(q.body, q.len, 0, NULL);
	ck_assert_ptr_nonnull(v);
	k = strdup(json_string_value(json_object_get(v, "type")));
	json_decref(v);
	receiver_request_clear(&q);
	return k;
}

/* Wait until an alert of kind reaches prefix; its index. */
static size_t
wait_kind(const char *prefix, const char *kind, int ms)
{
	long long	 deadline = harness_now_ms() + harness_slow_ms(ms);
	size_t		 i, n;
	char		*k;

	for (;;) {
		n = receiver_count(rcv, prefix);
		for (i = 0; i < n; i++) {
			k = kind_of(prefix, i);
			if (strcmp(k, kind) == 0) {
				free(k);
				return i;
			}
			free(k);
		}
		ck_assert_msg(harness_now_ms() < deadline, "no %s alert to %s",
		    kind, prefix);
		harness_sleep_ms(50);
	}
}

/* Wait until an alert about request ref reaches prefix; its index. */
static size_t
wait_ref(const char *prefix, const char *ref, int ms)
{
	long long		 deadline = harness_now_ms() +
	    harness_slow_ms(ms);
	struct receiver_request	 q;
	char			 want[32];
	size_t			 i, n;
	int			 hit;

	snprintf(want, sizeof(want), "\"ref\":\"%s\"", ref);
	for (;;) {
		n = receiver_count(rcv, prefix);
		for (i = 0; i < n; i++) {
			q = got(prefix, i);
			hit = strstr(q.body, want) != NULL;
			receiver_request_clear(&q);
			if (hit)
				return i;
		}
		ck_assert_msg(harness_now_ms() < deadline, "no alert about %s "
		    "to %s", ref, prefix);
		harness_sleep_ms(50);
	}
}

/* A string member of a JSON object. */
static const char *
str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/*
 * 1. A claim not completed within claim_expiry (2 s here) is released by
 * the dispatcher and the request alerted again.
 */
START_TEST(test_claim_expires)
{
	json_t	*v;
	char	*ref;

	start_with("\"claim_expiry\": 2");
	request_afternoon("exp-1", PHONE);
	ref = listed_ref(0, 1);
	ck_assert_int_eq(receiver_wait(rcv, "/c", 1, 2000), 0);
	v = api_post(ref, "claim", TOK_C1, NULL, 200);
	ck_assert_str_eq(str(v, "state"), "claimed");
	json_decref(v);
	history_wait(ref, "created,alerted,claimed,claim_expired,escalated",
	    6000);
	history_expect(ref, 3, "claim_expired", "system", "claim of c1 not "
	    "completed");
	v = api_get(ref, TOK_C2);
	ck_assert_str_eq(str(v, "state"), "alerted");
	ck_assert_ptr_null(json_object_get(v, "claimed_by"));
	json_decref(v);
	wait_kind("/s1", "callback.escalated", 2000);
	/* Claimed and completed in time, nothing expires. */
	v = api_post(ref, "claim", TOK_C2, NULL, 200);
	json_decref(v);
	v = api_post(ref, "complete", TOK_C2, "{\"outcome\": \"reached\"}",
	    200);
	json_decref(v);
	harness_sleep_ms(2500);
	history_wait(ref, "created,alerted,claimed,claim_expired,escalated,"
	    "claimed,completed", 1000);
	free(ref);
}
END_TEST

/*
 * 2. A supervisor releases anyone's claim and reassigns a request; the
 * new holder is alerted; only supervisors may, and only to someone in the
 * roster.
 */
START_TEST(test_supervisor)
{
	json_t	*v;
	char	*ref;

	start_with(NULL);
	request_afternoon("sup-1", PHONE);
	ref = listed_ref(0, 1);
	json_decref(api_post(ref, "claim", TOK_C1, NULL, 200));
	/* Another counsellor cannot release it; the supervisor can. */
	json_decref(api_post(ref, "release", TOK_C2, NULL, 409));
	v = api_post(ref, "release", TOK_S1, NULL, 200);
	ck_assert_str_eq(str(v, "state"), "open");
	json_decref(v);
	history_expect(ref, 3, "released", "s1", "claim of c1");

	json_decref(api_post(ref, "claim", TOK_C1, NULL, 200));
	json_decref(api_post(ref, "reassign", TOK_C1, "{\"to\": \"c2\"}",
	    403));
	json_decref(api_post(ref, "reassign", TOK_S1, "{\"to\": \"nobody\"}",
	    400));
	json_decref(api_post(ref, "reassign", TOK_S1, "{}", 400));
	v = api_post(ref, "reassign", TOK_S1, "{\"to\": \"c2\"}", 200);
	ck_assert_str_eq(str(v, "claimed_by"), "c2");
	json_decref(v);
	wait_kind("/c2", "callback.assigned", 3000);
	history_wait(ref, "created,alerted,claimed,released,escalated,claimed,"
	    "reassigned,alerted", 3000);
	json_decref(api_post(ref, "complete", TOK_C1, "{\"outcome\": "
	    "\"reached\"}", 409));
	/* The new holder sees the number. */
	v = api_get(ref, TOK_C2);
	ck_assert_str_eq(str(json_object_get(v, "call"), "number"), PHONE);
	json_decref(v);
	json_decref(api_post(ref, "complete", TOK_C2, "{\"outcome\": "
	    "\"reached\"}", 200));
	free(ref);
}
END_TEST

/*
 * 3. "No answer" releases the claim and schedules another call after
 * attempt_gap; the third unanswered call tells the supervisors.
 */
START_TEST(test_attempts)
{
	json_t		*v;
	char		*ref, want[64];
	int		 k;
	long long	 gap;

	start_with("\"call_attempts\": 3, \"attempt_gap\": 600");
	request_afternoon("att-1", PHONE);
	ref = listed_ref(0, 1);
	for (k = 1; k <= 3; k++) {
		json_decref(api_post(ref, "claim", TOK_C1, NULL, 200));
		v = api_post(ref, "complete", TOK_C1, "{\"outcome\": "
		    "\"no_answer\"}", 200);
		ck_assert_str_eq(str(v, "state"), "open");
		ck_assert_ptr_null(json_object_get(v, "claimed_by"));
		ck_assert_int_eq(json_integer_value(json_object_get(v,
		    "attempts")), k);
		json_decref(v);
		snprintf(want, sizeof(want), "attempt %d of 3%s", k, k == 3 ?
		    ": supervisors told" : "");
		history_expect(ref, (size_t)(1 + 2 * k), "no_answer", "c1",
		    want);
		if (k < 3) {
			/* Not before the gap. */
			gap = db_int("SELECT next_action_at - updated_at FROM "
			    "callback");
			ck_assert_int_eq(gap, 600);
		}
	}
	wait_kind("/s1", "callback.unreached", 3000);
	history_wait(ref, "created,alerted,claimed,no_answer,claimed,no_answer,"
	    "claimed,no_answer,escalated", 2000);
	history_expect(ref, 7, "no_answer", "c1", "attempt 3 of 3: "
	    "supervisors told");
	history_expect(ref, 8, "escalated", "system", "3 calls unanswered: "
	    "the supervisors");
	/* Nothing more happens on its own: the supervisors decide. */
	ck_assert_int_eq(db_int("SELECT next_action_at FROM callback"), 0);
	free(ref);
}
END_TEST

/*
 * 3b. Another call after no answer is offered to a counsellor on duty
 * (callback.retry, with the attempts so far), not to the supervisors.
 */
START_TEST(test_retry_alert)
{
	struct receiver_request	 q;
	json_t			*v;
	char			*ref, *w, *f;
	size_t			 i;

	start_with("\"attempt_gap\": 1");
	w = walk("retry-1", PHONE, NULL, "1");
	f = last_hop(w, "2");
	at_expect("retry-1", PHONE, f, END_NOW);
	free(f);
	free(w);
	ref = listed_ref(0, 1);
	ck_assert_int_eq(receiver_wait(rcv, "/c", 1, 2000), 0);
	json_decref(api_post(ref, "claim", TOK_C1, NULL, 200));
	json_decref(api_post(ref, "complete", TOK_C1, "{\"outcome\": "
	    "\"no_answer\"}", 200));
	i = wait_kind("/c", "callback.retry", 5000);
	q = got("/c", i);
	v = json_loadb(q.body, q.len, 0, NULL);
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(v,
	    "data"), "attempts")), 1);
	json_decref(v);
	receiver_request_clear(&q);
	history_wait(ref, "created,alerted,claimed,no_answer,escalated", 2000);
	/* The supervisors heard nothing of it. */
	harness_sleep_ms(500);
	for (i = 0; i < receiver_count(rcv, "/s1"); i++) {
		f = kind_of("/s1", i);
		ck_assert_str_ne(f, "callback.retry");
		free(f);
	}
	free(ref);
}
END_TEST

/*
 * 4. "Unsafe - do not call again" marks her number: a later request from
 * it carries the warning, in the alert and in the counsellor's view.
 */
START_TEST(test_unsafe_mark)
{
	struct receiver_request	 q;
	json_t			*v, *w;
	char			*ref;

	start_with(NULL);
	request_afternoon("uns-1", PHONE);
	ref = listed_ref(0, 1);
	json_decref(api_post(ref, "claim", TOK_C1, NULL, 200));
	json_decref(api_post(ref, "complete", TOK_C1, "{\"outcome\": "
	    "\"unsafe\"}", 200));
	free(ref);
	ck_assert_int_eq(db_int("SELECT count(*) FROM mark WHERE kind = "
	    "'unsafe'"), 1);
	request_afternoon("uns-2", PHONE);
	ref = listed_ref(0, 1);
	v = api_get(ref, TOK_C2);
	w = json_object_get(v, "warnings");
	ck_assert_str_eq(json_string_value(json_array_get(w, 0)),
	    "marked_unsafe_before");
	json_decref(v);
	/* Its own alert: the first request's may come late, under load. */
	q = got("/c", wait_ref("/c", ref, 3000));
	ck_assert_msg(strstr(q.body, "\"warnings\":[\"marked_unsafe_before\"]")
	    != NULL, "%s", q.body);
	receiver_request_clear(&q);
	/* Another caller's request carries no such warning. */
	request_afternoon("uns-3", PHONE2);
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback_clear WHERE "
	    "phone = '" PHONE2 "' AND warn_unsafe = 0"), 1);
	free(ref);
}
END_TEST

/*
 * 5. A number that asks again while its request is open updates that
 * request and re-alerts it as "asked again" (to its claimant once it is
 * claimed); she gets her confirmation each time.
 */
START_TEST(test_asked_again)
{
	json_t	*v;
	char	*ref;

	start_with(NULL);
	request_afternoon("again-1", PHONE);
	ref = listed_ref(0, 1);
	ck_assert_int_eq(receiver_wait(rcv, "/c", 1, 2000), 0);
	request_afternoon("again-2", PHONE);
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), 1);
	ck_assert_int_eq(db_int("SELECT asked_again FROM callback"), 1);
	wait_kind("/c", "callback.asked_again", 3000);
	history_wait(ref, "created,alerted,asked_again,escalated", 2000);
	/* Claimed: the claimant hears of the next ask. */
	json_decref(api_post(ref, "claim", TOK_C1, NULL, 200));
	request_afternoon("again-3", PHONE);
	ck_assert_int_eq(db_int("SELECT asked_again FROM callback"), 2);
	ck_assert_int_eq(receiver_wait(rcv, "/c1", 1, 3000), 0);
	wait_kind("/c1", "callback.asked_again", 3000);
	v = api_get(ref, TOK_C1);
	ck_assert_str_eq(str(v, "state"), "claimed");
	ck_assert_int_eq(json_integer_value(json_object_get(v, "asked_again")),
	    2);
	json_decref(v);
	free(ref);
}
END_TEST

/*
 * 5b. A claimant who is no longer in the roster (a reload) cannot be told
 * that she asked again: the claim is released and the request goes to
 * whoever is on duty, instead of waiting on someone who is gone.
 */
START_TEST(test_claimant_gone)
{
	char	*ref, *path, *r, *a, *b, *r2;

	start_with(NULL);
	request_afternoon("gone-1", PHONE);
	ref = listed_ref(0, 1);
	ck_assert_int_eq(receiver_wait(rcv, "/c", 1, 2000), 0);
	json_decref(api_post(ref, "claim", TOK_C2, NULL, 200));

	/* c2 leaves the roster: her entry and her shift. */
	path = harness_path(h, "roster.json");
	r = harness_read_file(path, NULL);
	ck_assert_ptr_nonnull(r);
	a = strstr(r, "{ \"id\": \"c2\"");
	b = strstr(r, "{ \"id\": \"s1\"");
	ck_assert(a != NULL && b != NULL && a < b);
	memmove(a, b, strlen(b) + 1);
	r2 = replace_all(r, ",\n    { \"who\": \"c2\", \"days\": [\"mon\", "
	    "\"tue\", \"wed\", \"thu\", \"fri\"], \"start\": \"08:00\", "
	    "\"end\": \"17:00\" }", "");
	ck_assert_ptr_null(strstr(r2, "c2"));
	ck_assert_int_eq(harness_write_file(h, "roster.json", r2), 0);
	free(r);
	free(r2);
	free(path);
	ck_assert_int_eq(harness_signal(h, SIGHUP), 0);
	ck_assert_int_eq(harness_wait_log(h, "reloaded", 1, 2000), 0);

	request_afternoon("gone-2", PHONE);
	history_wait(ref, "created,alerted,claimed,asked_again,claim_expired,"
	    "escalated", 3000);
	wait_kind("/s1", "callback.escalated", 3000);
	free(ref);
}
END_TEST

/*
 * 6. The queue: urgent first, then by when she can be called, paginated
 * with a cursor; bad parameters are refused.
 */
START_TEST(test_queue_order)
{
	const char	*phones[5] = { "+85512000001", "+85512000002",
			    "+85512000003", "+85512000004", "+85512000005" };
	/* window key, danger key: 1 now, 2 morning, 3 afternoon. */
	const char	*when[5] = { "3", "1", "2", "1", "3" };
	const char	*danger[5] = { "2", "2", "2", "1", "1" };
	json_t		*v, *arr;
	char		 sid[16], *w, *f, path[128];
	const char	*next;
	size_t		 i, seen = 0;

	start_with(NULL);
	for (i = 0; i < 5; i++) {
		snprintf(sid, sizeof(sid), "q-%zu", i);
		w = walk(sid, phones[i], NULL, when[i]);
		f = last_hop(w, danger[i]);
		free(at_hop(sid, phones[i], f));
		free(f);
		free(w);
	}
	v = api("GET", "/api/requests?limit=2", TOK_C1, NULL, 200);
	ck_assert_int_eq(json_integer_value(json_object_get(v, "total")), 5);
	arr = json_object_get(v, "requests");
	ck_assert_uint_eq(json_array_size(arr), 2);
	/* Urgent first (both urgent: "now", then the afternoon). */
	ck_assert(json_is_true(json_object_get(json_array_get(arr, 0),
	    "urgent")));
	ck_assert_str_eq(str(json_array_get(arr, 0), "window"), "now");
	ck_assert_str_eq(str(json_array_get(arr, 1), "window"), "afternoon");
	next = str(v, "next");
	ck_assert_ptr_nonnull(next);
	snprintf(path, sizeof(path), "/api/requests?limit=2&after=%s", next);
	json_decref(v);
	v = api("GET", path, TOK_C1, NULL, 200);
	arr = json_object_get(v, "requests");
	ck_assert_uint_eq(json_array_size(arr), 2);
	/*
	 * Then the others: "now" and the morning (at 10:00 both can be
	 * called at once; the older first), then the afternoon (12:00).
	 */
	ck_assert(json_is_false(json_object_get(json_array_get(arr, 0),
	    "urgent")));
	ck_assert_str_eq(str(json_array_get(arr, 0), "window"), "now");
	ck_assert_str_eq(str(json_array_get(arr, 1), "window"), "morning");
	seen = 4;
	snprintf(path, sizeof(path), "/api/requests?limit=2&after=%s",
	    str(v, "next"));
	json_decref(v);
	v = api("GET", path, TOK_C1, NULL, 200);
	arr = json_object_get(v, "requests");
	ck_assert_uint_eq(json_array_size(arr), 1);
	ck_assert_str_eq(str(json_array_get(arr, 0), "window"), "afternoon");
	ck_assert(json_is_null(json_object_get(v, "next")));
	seen++;
	ck_assert_uint_eq(seen, 5);
	json_decref(v);
	json_decref(api("GET", "/api/requests?limit=0", TOK_C1, NULL, 400));
	json_decref(api("GET", "/api/requests?limit=201", TOK_C1, NULL, 400));
	json_decref(api("GET", "/api/requests?after=x.y.z", TOK_C1, NULL,
	    400));
	/* Without a limit: the first 50. */
	v = api("GET", "/api/requests", TOK_C1, NULL, 200);
	ck_assert_uint_eq(json_array_size(json_object_get(v, "requests")), 5);
	json_decref(v);
}
END_TEST

/* Build the "claims" suite. */
/* The error member of a JSON answer. */
static void
error_is(json_t *v, const char *want)
{
	ck_assert_str_eq(str(v, "error"), want);
	json_decref(v);
}

/*
 * 9. Notes for the next counsellor: kept in the history with who wrote
 * them; an empty, too long or control-character note, or an unknown
 * request, is refused and changes nothing.
 */
START_TEST(test_notes)
{
	json_t	*v;
	char	*ref, *body, *path, longnote[300];

	start_with(NULL);
	request_afternoon("note-1", PHONE);
	ref = listed_ref(0, 1);
	history_wait(ref, "created,alerted", 3000);
	v = api_post(ref, "note", TOK_C2, "{\"note\": \"Sister answered; "
	    "try after 18:00.\\nSay: a friend.\"}", 200);
	ck_assert_str_eq(str(v, "ref"), ref);
	ck_assert_ptr_null(json_object_get(v, "call"));
	json_decref(v);
	history_expect(ref, 2, "note", "c2", "Sister answered; try after "
	    "18:00.\nSay: a friend.");
	error_is(api_post(ref, "note", TOK_C1, "{\"note\": \"\"}", 400),
	    "body must be {\"note\": 1 to 280 bytes of text}");
	error_is(api_post(ref, "note", TOK_C1, "{\"text\": \"x\"}", 400),
	    "body must be {\"note\": 1 to 280 bytes of text}");
	error_is(api_post(ref, "note", TOK_C1, "not json", 400),
	    "body must be {\"note\": 1 to 280 bytes of text}");
	memset(longnote, 'a', 281);
	longnote[281] = '\0';
	ck_assert_int_ne(asprintf(&body, "{\"note\": \"%s\"}", longnote), -1);
	error_is(api_post(ref, "note", TOK_C1, body, 400),
	    "body must be {\"note\": 1 to 280 bytes of text}");
	free(body);
	longnote[280] = '\0';	/* 280 bytes is still a note */
	ck_assert_int_ne(asprintf(&body, "{\"note\": \"%s\"}", longnote), -1);
	json_decref(api_post(ref, "note", TOK_C1, body, 200));
	free(body);
	error_is(api_post(ref, "note", TOK_C1, "{\"note\": \"a\\u0007b\"}",
	    400), "a note may not hold control characters");
	error_is(api_post("NOSUCH1", "note", TOK_C1, "{\"note\": \"x\"}",
	    404), "no such request");
	ck_assert_int_ne(asprintf(&path, "/api/requests/%s/note", ref), -1);
	error_is(api("GET", path, TOK_C1, NULL, 405), "method not allowed");
	error_is(api("POST", path, NULL, "{\"note\": \"x\"}", 401),
	    "missing or wrong token");
	free(path);
	history_wait(ref, "created,alerted,note,note", 1000);
	free(ref);
}
END_TEST

/*
 * 10. The queue by view; the supervisors' overview and who may see it;
 * /api/me. A view that is not one, or an overview asked by a counsellor,
 * is refused.
 */
START_TEST(test_views_overview)
{
	json_t	*v, *arr;
	char	*a, *b, *dump;

	start_with(NULL);
	request_afternoon("view-1", PHONE);
	request_afternoon("view-2", PHONE2);
	a = listed_ref(0, 2);
	b = listed_ref(1, 2);
	json_decref(api_post(a, "claim", TOK_C1, NULL, 200));
	v = api("GET", "/api/requests?view=mine", TOK_C1, NULL, 200);
	arr = json_object_get(v, "requests");
	ck_assert_int_eq(json_array_size(arr), 1);
	ck_assert_str_eq(str(json_array_get(arr, 0), "ref"), a);
	ck_assert_str_eq(str(json_array_get(arr, 0), "claimed_by_name"),
	    "Counsellor One");
	ck_assert_int_eq(json_integer_value(json_object_get(v, "total")), 1);
	json_decref(v);
	v = api("GET", "/api/requests?view=unassigned", TOK_C1, NULL, 200);
	arr = json_object_get(v, "requests");
	ck_assert_int_eq(json_array_size(arr), 1);
	ck_assert_str_eq(str(json_array_get(arr, 0), "ref"), b);
	json_decref(v);
	v = api("GET", "/api/requests?view=mine", TOK_C2, NULL, 200);
	ck_assert_int_eq(json_array_size(json_object_get(v, "requests")), 0);
	json_decref(v);
	v = api("GET", "/api/requests?view=claimed&limit=1", TOK_C2, NULL,
	    200);
	ck_assert_int_eq(json_array_size(json_object_get(v, "requests")), 1);
	json_decref(v);
	error_is(api("GET", "/api/requests?view=nobody", TOK_C1, NULL, 400),
	    "view must be all, mine, unassigned or claimed");
	error_is(api("GET", "/api/requests?view=", TOK_C1, NULL, 400),
	    "view must be all, mine, unassigned or claimed");

	error_is(api("GET", "/api/overview", TOK_C1, NULL, 403),
	    "only a supervisor sees the overview");
	error_is(api("POST", "/api/overview", TOK_S1, "{}", 405),
	    "method not allowed");
	v = api("GET", "/api/overview", TOK_S1, NULL, 200);
	arr = json_object_get(v, "on_duty");
	ck_assert_int_eq(json_array_size(arr), 2);
	ck_assert_str_eq(str(json_array_get(arr, 0), "id"), "c1");
	ck_assert_int_eq(json_array_size(json_object_get(v, "people")), 3);
	arr = json_object_get(v, "claims");
	ck_assert_int_eq(json_array_size(arr), 1);
	ck_assert_str_eq(str(json_array_get(arr, 0), "ref"), a);
	ck_assert_int_eq(json_integer_value(json_object_get(v, "open")), 2);
	ck_assert(json_is_array(json_object_get(v, "failing_alerts")));
	dump = json_dumps(v, 0);
	ck_assert_ptr_null(strstr(dump, PHONE_NSN));
	free(dump);
	json_decref(v);

	v = api("GET", "/api/me", TOK_C2, NULL, 200);
	ck_assert_str_eq(str(v, "id"), "c2");
	ck_assert_ptr_null(json_object_get(v, "csrf"));	/* a token: none */
	ck_assert_int_eq(json_integer_value(json_object_get(v, "now_minutes")),
	    30);
	json_decref(v);
	error_is(api("GET", "/api/me", NULL, NULL, 401),
	    "missing or wrong token");
	free(a);
	free(b);
}
END_TEST

/*
 * 11. Console sign-in: a wrong token is 401, five of them make the
 * address wait (429 with Retry-After, even for the right token then); a
 * form body is 415; a link that is garbage is 410.
 */
START_TEST(test_signin_limit)
{
	struct harness_reply	 rep;
	const char		*wrong = "{\"token\": "
				    "\"token-xx-0123456789abcdefghij\"}";
	const char		*right = "{\"token\": \"" TOK_C1 "\"}";
	char			*ra;
	int			 i;

	start_with(NULL);
	ck_assert_int_eq(harness_request_port(api_port, "POST",
	    "/console/link", JSON_CT, "{\"t\": \"nonsense\"}", 17, NULL, &rep),
	    0);
	ck_assert_int_eq(rep.status, 410);
	harness_reply_clear(&rep);
	ck_assert_int_eq(harness_request_port(api_port, "POST",
	    "/console/signin", JSON_CT, "{\"tok", 5, NULL, &rep), 0);
	ck_assert_int_eq(rep.status, 401);
	harness_reply_clear(&rep);
	for (i = 1; i < 5; i++) {
		ck_assert_int_eq(harness_request_port(api_port, "POST",
		    "/console/signin", JSON_CT, wrong, strlen(wrong), NULL,
		    &rep), 0);
		ck_assert_int_eq(rep.status, 401);
		ck_assert_ptr_null(harness_reply_header(&rep, "Set-Cookie"));
		harness_reply_clear(&rep);
	}
	ck_assert_int_eq(harness_request_port(api_port, "POST",
	    "/console/signin", JSON_CT, right, strlen(right), NULL, &rep), 0);
	ck_assert_int_eq(rep.status, 429);
	ra = harness_reply_header(&rep, "Retry-After");
	ck_assert_msg(ra != NULL && atoi(ra) > 500 && atoi(ra) <= 600,
	    "Retry-After: %s", ra ? ra : "-");
	free(ra);
	ck_assert_ptr_null(harness_reply_header(&rep, "Set-Cookie"));
	ck_assert_ptr_nonnull(strstr(rep.body, "\"retry_after\""));
	harness_reply_clear(&rep);
	ck_assert_int_eq(harness_wait_log(h, "console: failed sign-in from "
	    "127.0.0.1", 5, 2000), 0);
	ra = harness_log(h);
	ck_assert_ptr_null(strstr(ra, "token-xx"));
	free(ra);
}
END_TEST

static Suite *
claims_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("claims");
	tc = tcase_create("claims");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_claim_expires);
	tcase_add_test(tc, test_supervisor);
	tcase_add_test(tc, test_attempts);
	tcase_add_test(tc, test_retry_alert);
	tcase_add_test(tc, test_unsafe_mark);
	tcase_add_test(tc, test_asked_again);
	tcase_add_test(tc, test_claimant_gone);
	tcase_add_test(tc, test_queue_order);
	tcase_add_test(tc, test_notes);
	tcase_add_test(tc, test_views_overview);
	tcase_add_test(tc, test_signin_limit);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return flow_run("check_claims", claims_suite());
}
