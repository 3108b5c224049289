/* SPDX-License-Identifier: ISC */
/*
 * check_dispatch: the dispatcher on a real event base, with a real store
 * in a temporary SQLite file, a real fetcher (libcurl on the loop) and a
 * small webhook receiver on 127.0.0.1 (tests/integration/receiver.c). A
 * stored request leads to exactly one signed alert to the counsellor on
 * duty; kicking again, or ticking while it is in flight, never sends it
 * twice; a 500 is retried under the same message id; with nobody on duty
 * the request waits for the shift, or goes to the supervisor.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>
#include <curl/curl.h>
#include <event2/event.h>
#include <jansson.h>
#include <sodium.h>

#include "clock.h"
#include "conf.h"
#include "diag.h"
#include "dispatch.h"
#include "fetch.h"
#include "store.h"
#include "testutil.h"
#include "../integration/harness.h"
#include "../integration/receiver.h"

#define MONDAY_10	"2026-11-23T10:00:00+07:00"	/* c1 on duty */
#define SATURDAY_10	"2026-11-28T10:00:00+07:00"	/* nobody */
#define NEXT_SHIFT	"2026-11-30T08:00:00+07:00"	/* Monday */
#define SECRET		"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define TOKEN_C1	"token-c1-0123456789abcdefghij"
#define TOKEN_S1	"token-s1-0123456789abcdefghij"
#define API_URL		"http://127.0.0.1:1"
#define PHONE		"+85512345678"

/* The history of a request alerted once, to c1. */
#define H_ALERTED	"created/system: -; alerted/system: to c1"

#define MENU_JSON \
	"{\"start\": \"main\", \"strings\": {" \
	"\"invalid\": {\"en\": \"Invalid.\"}, \"more\": {\"en\": \"More\"}, " \
	"\"back\": {\"en\": \"Back\"}, \"expired\": {\"en\": \"Again.\"}}, " \
	"\"nodes\": {\"main\": {\"type\": \"menu\", " \
	"\"text\": {\"en\": \"Welcome\"}, \"options\": [{\"key\": \"1\", " \
	"\"label\": {\"en\": \"Help\"}, \"next\": \"help\"}]}, " \
	"\"help\": {\"type\": \"end\", \"text\": {\"en\": \"Police 117.\"}}}}\n"

static struct event_base	*base;
static struct receiver		*rcv;
static struct store		*st;
static struct fetch		*fetcher;
static struct dispatch		*disp;
static struct conf		*conf;
static struct hclock		 clk;
static time_t			 epoch;		/* the clock's start */
static time_t			 launched;	/* time() at its start */

/* The receiver, an event base and the files of one test. */
static void
setup(void)
{
	rcv = receiver_start();
	ck_assert_ptr_nonnull(rcv);
	base = event_base_new();
	ck_assert_ptr_nonnull(base);
	st = NULL;
	fetcher = NULL;
	disp = NULL;
	conf = NULL;
}

/* Free in the daemon's order, then stop the receiver. */
static void
teardown(void)
{
	store_free(st);
	dispatch_free(disp);
	fetch_free(fetcher);
	conf_unref(conf);
	event_base_free(base);
	receiver_stop(rcv);
	tu_cleanup();
}

/*
 * Write the roster (c1 on duty on weekdays 08-17 by a webhook carrying
 * her number, s1 supervising) and the configuration, with the clock at
 * clock_start; open the store, the fetcher and the dispatcher.
 */
static void
start(const char *clock_start)
{
	struct diag	*d = diag_new();
	const char	*dir = tu_tmpdir();
	char		*text, *path, *cause = NULL;
	int		 port = receiver_port(rcv);

	ck_assert_ptr_nonnull(d);
	free(tu_write(dir, "menus/m.json", MENU_JSON));
	ck_assert_int_ne(asprintf(&text, "{\"retry_first\": 1, "
	    "\"escalate_after\": 3600, \"max_attempts\": 5, \"people\": ["
	    "{\"id\": \"c1\", \"name\": \"Counsellor One\", \"role\": "
	    "\"counsellor\", \"token\": \"" TOKEN_C1 "\", "
	    "\"alerts\": [{\"type\": \"webhook\", \"url\": "
	    "\"http://127.0.0.1:%d/c1\", \"secret\": \"" SECRET "\", "
	    "\"with_phone\": true}]}, "
	    "{\"id\": \"s1\", \"name\": \"Supervisor\", \"role\": "
	    "\"supervisor\", \"token\": \"" TOKEN_S1 "\", "
	    "\"alerts\": [{\"type\": \"webhook\", \"url\": "
	    "\"http://127.0.0.1:%d/s1\", \"secret\": \"" SECRET "\"}]}], "
	    "\"shifts\": [{\"who\": \"c1\", \"days\": [\"mon\", \"tue\", "
	    "\"wed\", \"thu\", \"fri\"], \"start\": \"08:00\", "
	    "\"end\": \"17:00\"}]}\n", port, port), -1);
	free(tu_write(dir, "roster.json", text));
	free(text);
	ck_assert_int_ne(asprintf(&text, "{\"languages\": [\"en\"], "
	    "\"roster\": \"roster.json\", \"clock_start\": \"%s\", "
	    "\"menus\": {\"main\": \"menus/m.json\"}, \"channels\": "
	    "[{\"name\": \"at\", \"type\": \"africastalking\", "
	    "\"path\": \"/ussd/at\"}]}\n", clock_start), -1);
	path = tu_write(dir, "h.conf", text);
	free(text);
	conf = conf_load(path, d, NULL);
	ck_assert_msg(conf != NULL, "%s", tu_diag_all(d));
	free(path);
	diag_free(d);

	ck_assert_int_eq(hclock_parse(clock_start, &epoch), 0);
	hclock_init(&clk, epoch);
	launched = time(NULL);
	ck_assert_int_ne(asprintf(&path, "%s/hotlined.db", dir), -1);
	st = store_new(base, path, NULL, &cause);
	ck_assert_msg(st != NULL, "store_new: %s", cause);
	free(path);
	fetcher = fetch_new(base);
	ck_assert_ptr_nonnull(fetcher);
	disp = dispatch_new(base, st, fetcher, &clk, &conf, API_URL);
	ck_assert_ptr_nonnull(disp);
}

/* Run the loop for ms milliseconds. */
static void
pump(int ms)
{
	tu_loop_for(base, ms);
}

/* Run the loop until *n reaches want, for at most ten seconds. */
static void
wait_n(const int *n, int want)
{
	ck_assert_msg(tu_loop_wait(base, n, want, 10) == 0,
	    "%d of %d completions", *n, want);
}

/*
 * Run the loop until the receiver has count requests under prefix and
 * nothing is in flight any more, for at most ten seconds.
 */
static void
pump_until(const char *prefix, size_t count)
{
	long long	 deadline = harness_now_ms() + 10000;

	while (receiver_count(rcv, prefix) < count ||
	    dispatch_inflight(disp) > 0 || store_pending(st) > 0) {
		ck_assert_msg(harness_now_ms() < deadline, "%zu of %zu "
		    "requests under %s, %zu in flight", receiver_count(rcv,
		    prefix), count, prefix, dispatch_inflight(disp));
		pump(20);
	}
}

/* What a row completion saw. */
struct made {
	int		 done;
	enum store_rc	 rc;
	char		 ref[16];
	long long	 created_at;
};

/* Copy a created row's reference. */
static void
made_cb(enum store_rc rc, const struct store_callback *row, void *arg)
{
	struct made	*m = arg;

	m->rc = rc;
	if (row != NULL) {
		snprintf(m->ref, sizeof(m->ref), "%s", row->ref);
		m->created_at = (long long)row->created_at;
	}
	m->done = 1;
}

/*
 * Store a finished request (not urgent) for window due at once, as
 * intake files one from the number phone, and return it in m.
 */
static void
create(struct made *m, const char *window, const char *phone)
{
	struct store_callback	 in;
	int64_t			 now = hclock_now(&clk);

	memset(&in, 0, sizeof(in));
	memset(m, 0, sizeof(*m));
	in.channel = "at";
	in.phone = phone;
	in.safe_to_call = "yes";
	in.window = window;
	in.cover = "wrong_number";
	in.lang = "en";
	in.next_action_at = now;
	in.call_from = now;
	in.session_end = "completed";
	ck_assert_int_eq(store_callback_create(st, &in, phone, strlen(phone),
	    3600, now, made_cb, m), 0);
	wait_n(&m->done, 1);
	ck_assert_int_eq(m->rc, STORE_OK);
	ck_assert_uint_eq(strlen(m->ref), 6);
}

/* A request's history, as "event/actor: detail" joined by "; ". */
struct hist {
	int		 done;
	enum store_rc	 rc;
	char		 text[512];
};

/* Join the events of a history. */
static void
hist_cb(enum store_rc rc, const struct store_event *ev, size_t n, void *arg)
{
	struct hist	*h = arg;
	size_t		 i, o = 0;
	int		 k;

	h->rc = rc;
	h->text[0] = '\0';
	for (i = 0; i < n; i++) {
		k = snprintf(h->text + o, sizeof(h->text) - o, "%s%s/%s: %s",
		    i > 0 ? "; " : "", ev[i].event, ev[i].actor,
		    ev[i].detail != NULL ? ev[i].detail : "-");
		if (k < 0 || (size_t)k >= sizeof(h->text) - o)
			break;
		o += (size_t)k;
	}
	h->done = 1;
}

/* The history of ref (static buffer). */
static const char *
history(const char *ref)
{
	static struct hist	 h;

	memset(&h, 0, sizeof(h));
	ck_assert_int_eq(store_callback_history(st, ref, hist_cb, &h), 0);
	wait_n(&h.done, 1);
	ck_assert_int_eq(h.rc, STORE_OK);
	return h.text;
}

/*
 * Whether sig (space-separated "v1,<base64>") holds the Standard Webhooks
 * signature of id.ts.body under SECRET, computed here independently.
 */
static int
signed_ok(const char *id, const char *ts, const char *body, size_t len,
    const char *sig)
{
	crypto_auth_hmacsha256_state	 hs;
	unsigned char			 key[64], mac[32];
	char				 b64[64], want[80];
	const char			*enc = &SECRET[strlen("whsec_")], *p;
	size_t				 keylen, wl;

	ck_assert_int_ge(sodium_init(), 0);
	ck_assert_int_eq(sodium_base642bin(key, sizeof(key), enc, strlen(enc),
	    NULL, &keylen, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	crypto_auth_hmacsha256_init(&hs, key, keylen);
	crypto_auth_hmacsha256_update(&hs, (const unsigned char *)id,
	    strlen(id));
	crypto_auth_hmacsha256_update(&hs, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&hs, (const unsigned char *)ts,
	    strlen(ts));
	crypto_auth_hmacsha256_update(&hs, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&hs, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&hs, mac);
	sodium_bin2base64(b64, sizeof(b64), mac, sizeof(mac),
	    sodium_base64_VARIANT_ORIGINAL);
	snprintf(want, sizeof(want), "v1,%s", b64);
	wl = strlen(want);
	for (p = sig; p != NULL && *p != '\0'; p = strchr(p, ' ')) {
		while (*p == ' ')
			p++;
		if (strncmp(p, want, wl) == 0 && (p[wl] == '\0' ||
		    p[wl] == ' '))
			return 1;
	}
	return 0;
}

/* "YYYY-MM-DDTHH:MM:SSZ" of t. */
static void
iso_utc(time_t t, char *buf, size_t len)
{
	struct tm	 tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Get a string member of o, failing the test when it is missing. */
static const char *
str_of(json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	ck_assert_msg(s != NULL, "no string \"%s\"", key);
	return s;
}

/*
 * Check one recorded alert exactly: a signed POST to /c1 about m, of kind
 * callback.created, stamped with the dispatcher's clock, with her number.
 */
static void
check_created(const struct receiver_request *q, const struct made *m)
{
	json_t		*v, *data;
	json_error_t	 jerr;
	char		 iso[32], want[128], *end;
	long long	 ts, hi;

	ck_assert_str_eq(q->method, "POST");
	ck_assert_str_eq(q->path, "/c1");
	ck_assert_ptr_nonnull(q->content_type);
	ck_assert_str_eq(q->content_type, "application/json");
	ck_assert_msg(q->webhook_id != NULL && *q->webhook_id != '\0',
	    "no webhook-id");
	ck_assert_ptr_nonnull(q->webhook_timestamp);
	ck_assert_ptr_nonnull(q->webhook_signature);
	ck_assert_msg(signed_ok(q->webhook_id, q->webhook_timestamp, q->body,
	    q->len, q->webhook_signature), "bad signature \"%s\" on %s",
	    q->webhook_signature, q->body);
	ts = strtoll(q->webhook_timestamp, &end, 10);
	ck_assert_msg(*end == '\0', "webhook-timestamp %s",
	    q->webhook_timestamp);
	hi = (long long)epoch + (long long)(time(NULL) - launched) + 1;
	ck_assert_msg(ts >= (long long)epoch && ts <= hi, "webhook-timestamp "
	    "%lld outside [%lld, %lld]", ts, (long long)epoch, hi);

	v = json_loadb(q->body, q->len, 0, &jerr);
	ck_assert_msg(v != NULL, "not JSON: %s", q->body);
	ck_assert_uint_eq(json_object_size(v), 3);
	ck_assert_str_eq(str_of(v, "type"), "callback.created");
	iso_utc((time_t)ts, iso, sizeof(iso));
	ck_assert_str_eq(str_of(v, "timestamp"), iso);
	data = json_object_get(v, "data");
	ck_assert_msg(json_is_object(data), "no data in %s", q->body);
	/* ref urgent window created_at claim_url phone, and three extras. */
	ck_assert_uint_eq(json_object_size(data), 9);
	ck_assert_str_eq(str_of(data, "ref"), m->ref);
	ck_assert(json_is_false(json_object_get(data, "urgent")));
	ck_assert_str_eq(str_of(data, "window"), "now");
	ck_assert_str_eq(str_of(data, "phone"), PHONE);
	iso_utc((time_t)m->created_at, iso, sizeof(iso));
	ck_assert_str_eq(str_of(data, "created_at"), iso);
	snprintf(want, sizeof(want), API_URL "/api/requests/%s/claim", m->ref);
	ck_assert_str_eq(str_of(data, "claim_url"), want);
	snprintf(want, sizeof(want), API_URL "/console/#r/%s", m->ref);
	ck_assert_str_eq(str_of(data, "open_url"), want);
	ck_assert_int_eq(json_integer_value(json_object_get(data,
	    "call_within_minutes")), 30);
	ck_assert_str_eq(str_of(data, "session_end"), "completed");
	json_decref(v);
}

/*
 * A request stored and a kick: one signed alert to c1 (on duty), none to
 * the supervisor; kicks and ticks after it send nothing more.
 */
START_TEST(test_created)
{
	struct receiver_request	 q;
	struct made		 m;

	start(MONDAY_10);
	create(&m, "now", PHONE);
	/* Kicks before anything came back must not double the round. */
	dispatch_kick(disp);
	dispatch_kick(disp);
	pump_until("/c1", 1);
	ck_assert_int_eq(receiver_get(rcv, "/c1", 0, &q), 0);
	ck_assert_int_eq(q.status, 200);
	check_created(&q, &m);
	receiver_request_clear(&q);
	ck_assert_str_eq(history(m.ref), H_ALERTED);

	/* Again, and two ticks: still one alert, one round. */
	dispatch_kick(disp);
	pump(2300);
	pump_until("/c1", 1);
	ck_assert_uint_eq(receiver_count(rcv, "/c1"), 1);
	ck_assert_uint_eq(receiver_count(rcv, ""), 1);
	ck_assert_uint_eq(dispatch_inflight(disp), 0);
	ck_assert_str_eq(history(m.ref), H_ALERTED);
}
END_TEST

/*
 * An alert whose answer is slow stays in flight: the ticks and kicks
 * meanwhile do not send it again, nor after it was delivered.
 */
START_TEST(test_in_flight)
{
	struct receiver_request	 q;
	struct made		 m;
	long long		 until;

	start(MONDAY_10);
	receiver_delay(rcv, "/c1", 3000);
	create(&m, "now", PHONE);
	dispatch_kick(disp);
	until = harness_now_ms() + 10000;
	while (receiver_count(rcv, "/c1") < 1) {
		ck_assert_msg(harness_now_ms() < until, "no alert");
		pump(20);
	}
	ck_assert_uint_eq(dispatch_inflight(disp), 1);
	dispatch_kick(disp);
	pump(1200);
	dispatch_kick(disp);
	pump(500);
	ck_assert_uint_eq(dispatch_inflight(disp), 1);
	pump_until("/c1", 1);
	dispatch_kick(disp);
	pump(1200);
	pump_until("/c1", 1);
	ck_assert_uint_eq(receiver_count(rcv, ""), 1);
	ck_assert_int_eq(receiver_get(rcv, "/c1", 0, &q), 0);
	ck_assert_int_eq(q.status, 200);
	check_created(&q, &m);
	receiver_request_clear(&q);
	ck_assert_str_eq(history(m.ref), H_ALERTED);
}
END_TEST

/*
 * The receiver answers the first alert with 500: it is sent again, under
 * the same message id, and only until it is delivered.
 */
START_TEST(test_retry)
{
	struct receiver_request	 q0, q1;
	struct made		 m;

	start(MONDAY_10);
	receiver_fail_first(rcv, "/c1", 1);
	create(&m, "now", PHONE);
	dispatch_kick(disp);
	pump_until("/c1", 2);
	ck_assert_int_eq(receiver_get(rcv, "/c1", 0, &q0), 0);
	ck_assert_int_eq(receiver_get(rcv, "/c1", 1, &q1), 0);
	ck_assert_int_eq(q0.status, 500);
	ck_assert_int_eq(q1.status, 200);
	check_created(&q0, &m);
	check_created(&q1, &m);
	ck_assert_str_eq(q0.webhook_id, q1.webhook_id);
	receiver_request_clear(&q0);
	receiver_request_clear(&q1);
	dispatch_kick(disp);
	pump(2300);
	pump_until("/c1", 2);
	ck_assert_uint_eq(receiver_count(rcv, "/c1"), 2);
	ck_assert_uint_eq(receiver_count(rcv, "/s1"), 0);
	ck_assert_str_eq(history(m.ref), H_ALERTED);
}
END_TEST

/*
 * With nobody on duty (a Saturday) a request for the evening waits for
 * the next shift, alerting no one; one for "now" goes to the supervisor
 * at once, without her number.
 */
START_TEST(test_off_duty)
{
	struct receiver_request	 q;
	struct made		 m, n;
	char			 want[256];
	time_t			 shift;

	ck_assert_int_eq(hclock_parse(NEXT_SHIFT, &shift), 0);
	start(SATURDAY_10);
	create(&m, "evening", PHONE);
	dispatch_kick(disp);
	pump(1500);
	pump_until("", 0);
	ck_assert_uint_eq(receiver_count(rcv, ""), 0);
	snprintf(want, sizeof(want), "created/system: -; waiting/system: no "
	    "counsellor on duty until %lld", (long long)shift);
	ck_assert_str_eq(history(m.ref), want);

	create(&n, "now", "+85512345679");
	dispatch_kick(disp);
	pump_until("/s1", 1);
	pump(1500);
	pump_until("/s1", 1);
	ck_assert_uint_eq(receiver_count(rcv, "/s1"), 1);
	ck_assert_uint_eq(receiver_count(rcv, ""), 1);
	ck_assert_int_eq(receiver_get(rcv, "/s1", 0, &q), 0);
	snprintf(want, sizeof(want), "\"ref\":\"%s\"", n.ref);
	ck_assert_msg(strstr(q.body, want) != NULL, "%s", q.body);
	ck_assert_ptr_null(strstr(q.body, "12345679"));
	receiver_request_clear(&q);
	snprintf(want, sizeof(want), "created/system: -; alerted/system: "
	    "asked for now, no counsellor on duty until %lld: the "
	    "supervisors", (long long)shift);
	ck_assert_str_eq(history(n.ref), want);
	/* The evening request still waits. */
	ck_assert_uint_eq(receiver_count(rcv, ""), 1);
}
END_TEST

/* The suite. */
static Suite *
dispatch_suite(void)
{
	Suite	*s = suite_create("dispatch");
	TCase	*tc = tcase_create("alerts");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_created);
	tcase_add_test(tc, test_in_flight);
	tcase_add_test(tc, test_retry);
	tcase_add_test(tc, test_off_duty);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the suite with libcurl initialised once. */
int
main(void)
{
	SRunner	*sr;
	int	 failed;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return EXIT_FAILURE;
	sr = srunner_create(dispatch_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	curl_global_cleanup();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
