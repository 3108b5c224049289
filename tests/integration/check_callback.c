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

#include "harness.h"
#include "receiver.h"

#define AT		"/ussd/africastalking"
#define FORM_CT		"application/x-www-form-urlencoded"
#define TEXT_CT		"text/plain; charset=utf-8"
#define JSON_CT		"application/json"
#define API_LINE	"hotlined: counsellor API listening on "

/* A distinctive caller, a second one, and a safe number typed by one. */
#define PHONE		"+85512345678"
#define PHONE_DIGITS	"85512345678"
#define PHONE_NSN	"12345678"
#define PHONE2		"+85587654321"
#define SAFE_TYPED	"098765432"
#define SAFE_E164	"+85598765432"
#define SAFE_NSN	"98765432"

/* The Standard Webhooks test secret (a 24-byte key). */
#define SECRET_B64	"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define SECRET		"whsec_" SECRET_B64

/* Tokens of tests/data/callback/roster.json.in. */
#define TOK_C1		"token-c1-0123456789abcdefghij"
#define TOK_C2		"token-c2-0123456789abcdefghij"
#define TOK_S1		"token-s1-0123456789abcdefghij"

/* Monday 2026-11-23 10:00 in Phnom Penh: c1 and c2 on duty. */
#define CLOCK_DAY	"2026-11-23T10:00:00+07:00"
#define CLOCK_EARLY	"2026-11-23T07:59:55+07:00"

/* The screens of tests/data/callback/menus/cb.json, in English. */
#define S_MAIN		"CON Welcome\n1. Call me back\n99. Exit"
#define S_SAFE		"CON Can we call this number?\n1. Yes\n2. No\n0. Back"
#define S_NUMBER	"CON Type a safe number\n0. Back"
#define S_WHEN		"CON When is it safe?\n1. Now\n2. Morning\n" \
			"3. Afternoon\n4. Evening\n0. Back"
#define S_COVER		"CON If someone else answers?\n1. Wrong number\n" \
			"2. Health survey\n0. Back"
#define S_DANGER	"CON Are you in danger now?\n1. Yes\n2. No\n0. Back"
#define S_DONE(when)	"END A counsellor will call you " when "."
#define S_FAILED	"END Sorry, we could not record it. Call 117 if in " \
			"danger."

/* What the caller is told at 10:00 for "afternoon" and for "now". */
#define END_AFTERNOON	S_DONE("today from 12:00")
#define END_NOW		S_DONE("today before 17:00")

static struct harness	*h;		/* the daemon of the running test */
static struct receiver	*rcv;		/* the counsellors' endpoints */
static int		 api_port;	/* the daemon's counsellor API */
static time_t		 clock_epoch;	/* its clock_start */
static time_t		 launched;	/* time() just before the launch */

/* How a test wants its daemon. */
struct cb_opts {
	int		 escalate;	/* escalate_after, s */
	int		 retry;		/* retry_first, s */
	int		 max_attempts;	/* 0: the fixture's 5 */
	const char	*clock_start;	/* NULL: CLOCK_DAY */
	int		 verbose;
};

/* Nothing yet; each test starts what it needs. */
static void
setup(void)
{
	h = NULL;
	rcv = NULL;
	api_port = -1;
}

/* Forward: settle reads the database. */
static long long	db_int(const char *);

/*
 * Before the teardown's SIGTERM, let the daemon's work end: every request
 * alerted (none still OPEN) and every alert's delivery recorded (no
 * outbox row pending). Stopping with a delivery in flight is the business
 * of test_sigterm_during_delivery alone. Bounded (3 s), asserts nothing.
 */
static void
settle(void)
{
	long long	 deadline = harness_now_ms() + 3000;

	while (harness_now_ms() < deadline) {
		if (db_int("SELECT (SELECT count(*) FROM callback WHERE state = "
		    "0) + (SELECT count(*) FROM outbox WHERE state = 0)") == 0)
			return;
		harness_sleep_ms(10);
	}
}

/*
 * Every daemon must stop cleanly on SIGTERM (exit 0, which under ASan also
 * means no leak) and leave no sanitizer report in its log; then remove its
 * directory and stop the receiver. A failing test never gets here: its
 * daemon and receiver die with it and main() removes the files.
 */
static void
teardown(void)
{
	char	*log;
	int	 st;

	if (h != NULL) {
		if (harness_signal(h, 0) == 0)
			settle();
		if (harness_signal(h, SIGTERM) == 0) {
			ck_assert_msg(harness_wait_exit(h, 10000, &st) == 0,
			    "the daemon did not exit on SIGTERM");
			log = harness_log(h);
			ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
			    "the daemon ended with wait status %#x; "
			    "daemon.log:\n%s", (unsigned)st, log);
			free(log);
		}
		log = harness_log(h);
		ck_assert_ptr_nonnull(log);
		ck_assert_msg(strstr(log, "Sanitizer") == NULL &&
		    strstr(log, "runtime error:") == NULL, "daemon.log:\n%s",
		    log);
		free(log);
		harness_stop(h);
		h = NULL;
	}
	receiver_stop(rcv);
	rcv = NULL;
}

/* A path below $TOP_SRCDIR (new string). */
static char *
src_path(const char *rel)
{
	char	*p;

	ck_assert_int_ne(asprintf(&p, "%s/%s", getenv("TOP_SRCDIR"), rel),
	    -1);
	return p;
}

/* Copy of s with every from replaced by to (from must occur). */
static char *
replace_all(const char *s, const char *from, const char *to)
{
	const char	*p, *q;
	char		*out, *t;

	ck_assert_msg(strstr(s, from) != NULL, "\"%s\" not found", from);
	out = strdup("");
	ck_assert_ptr_nonnull(out);
	for (p = s; (q = strstr(p, from)) != NULL; p = q + strlen(from)) {
		ck_assert_int_ne(asprintf(&t, "%s%.*s%s", out, (int)(q - p), p,
		    to), -1);
		free(out);
		out = t;
	}
	ck_assert_int_ne(asprintf(&t, "%s%s", out, p), -1);
	free(out);
	return t;
}

/* "YYYY-MM-DDTHH:MM:SS+07:00" as Unix seconds. */
static time_t
pp_time(const char *s)
{
	struct tm	 tm;
	int		 y, mo, d, hh, mi, ss;

	ck_assert_int_eq(sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d+07:00", &y, &mo,
	    &d, &hh, &mi, &ss), 6);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = hh;
	tm.tm_min = mi;
	tm.tm_sec = ss;
	return timegm(&tm) - 7 * 3600;
}

/* Unix seconds as ISO 8601 UTC, as the webhook body writes them. */
static void
iso_utc(time_t t, char *buf, size_t len)
{
	struct tm	 tm;

	ck_assert_ptr_nonnull(gmtime_r(&t, &tm));
	ck_assert_uint_ne(strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm), 0);
}

/* (Re)start the daemon in h's directory and learn its API port. */
static void
launch(void)
{
	launched = time(NULL);
	ck_assert_msg(harness_launch(h, "hotlined.conf") == 0, "cannot start "
	    "hotlined (see stderr)");
	api_port = harness_log_port(h, API_LINE, 5000);
	ck_assert_msg(api_port > 0, "no \"%s\" line", API_LINE);
}

/* Set clock_start (and verbose when asked) in hotlined.conf. */
static void
set_conf(const char *clock_start, int verbose)
{
	json_t		*conf;
	json_error_t	 jerr;
	char		*path;

	path = harness_path(h, "hotlined.conf");
	conf = json_load_file(path, 0, &jerr);
	ck_assert_msg(conf != NULL, "%s", jerr.text);
	ck_assert_int_eq(json_object_set_new(conf, "clock_start",
	    json_string(clock_start)), 0);
	if (verbose)
		ck_assert_int_eq(json_object_set_new(conf, "verbose",
		    json_true()), 0);
	ck_assert_int_eq(json_dump_file(conf, path, JSON_INDENT(2)), 0);
	json_decref(conf);
	free(path);
	clock_epoch = pp_time(clock_start);
}

/*
 * Start the receiver and a daemon on a fresh copy of tests/data/callback,
 * with roster.json filled in from roster.json.in and hotlined.conf
 * adjusted as o says.
 */
static void
start(const struct cb_opts *o)
{
	char		*fix, *path, *in, *a, *b, *url, *num;
	const char	*cs = o->clock_start != NULL ? o->clock_start :
			    CLOCK_DAY;

	rcv = receiver_start();
	ck_assert_ptr_nonnull(rcv);
	fix = src_path("tests/data/callback");
	h = harness_new(fix);
	ck_assert_msg(h != NULL, "cannot copy %s", fix);
	free(fix);

	path = harness_path(h, "roster.json.in");
	in = harness_read_file(path, NULL);
	ck_assert_ptr_nonnull(in);
	free(path);
	ck_assert_int_ne(asprintf(&url, "http://127.0.0.1:%d",
	    receiver_port(rcv)), -1);
	a = replace_all(in, "@URL@", url);
	b = replace_all(a, "@SECRET@", SECRET);
	free(a);
	ck_assert_int_ne(asprintf(&num, "%d", o->escalate), -1);
	a = replace_all(b, "@ESCALATE@", num);
	free(b);
	free(num);
	ck_assert_int_ne(asprintf(&num, "%d", o->retry), -1);
	b = replace_all(a, "@RETRY@", num);
	free(a);
	free(num);
	if (o->max_attempts != 0) {
		ck_assert_int_ne(asprintf(&num, "\"max_attempts\": %d",
		    o->max_attempts), -1);
		a = replace_all(b, "\"max_attempts\": 5", num);
		free(b);
		free(num);
		b = a;
	}
	ck_assert_int_eq(harness_write_file(h, "roster.json", b), 0);
	free(b);
	free(in);
	free(url);

	set_conf(cs, o->verbose);
	launch();
}

/* The usual daemon: on duty, no escalation in sight, fast retries. */
static void
start_day(void)
{
	struct cb_opts	 o = { 600, 1, 0, NULL, 0 };

	start(&o);
}

/* Post one Africa's Talking hop; return the 200 text/plain body. */
static char *
at_hop(const char *sid, const char *phone, const char *text)
{
	struct harness_reply	 rep;
	char			*body, *out;

	body = harness_form("sessionId", sid, "serviceCode", "*855#",
	    "phoneNumber", phone, "networkCode", "45601", "text", text, NULL);
	ck_assert_ptr_nonnull(body);
	ck_assert_int_eq(harness_post(h, AT, FORM_CT, body, NULL, &rep), 0);
	free(body);
	ck_assert_msg(rep.status == 200, "%s text=\"%s\": status %ld: %s", sid,
	    text, rep.status, rep.body);
	ck_assert_str_eq(rep.content_type, TEXT_CT);
	out = rep.body;
	rep.body = NULL;
	harness_reply_clear(&rep);
	return out;
}

/* Post one hop and check the exact reply. */
static void
at_expect(const char *sid, const char *phone, const char *text,
    const char *want)
{
	char	*got;

	got = at_hop(sid, phone, text);
	ck_assert_msg(strcmp(got, want) == 0, "%s text=\"%s\":\n got \"%s\"\n"
	    "want \"%s\"", sid, text, got, want);
	free(got);
}

/*
 * Walk sid through the flow up to "Are you in danger now?", checking every
 * screen: "Yes" to "Can we call this number?" when safe is NULL, else "No"
 * and safe typed as the number to call; when is the window's key. Returns
 * the text so far (new string); the last hop appends "*1" or "*2".
 */
static char *
walk(const char *sid, const char *phone, const char *safe, const char *when)
{
	char	*t, *u;

	at_expect(sid, phone, "", S_MAIN);
	at_expect(sid, phone, "1", S_SAFE);
	if (safe == NULL) {
		t = strdup("1*1");
		ck_assert_ptr_nonnull(t);
	} else {
		at_expect(sid, phone, "1*2", S_NUMBER);
		ck_assert_int_ne(asprintf(&t, "1*2*%s", safe), -1);
	}
	at_expect(sid, phone, t, S_WHEN);
	ck_assert_int_ne(asprintf(&u, "%s*%s", t, when), -1);
	free(t);
	at_expect(sid, phone, u, S_COVER);
	ck_assert_int_ne(asprintf(&t, "%s*1", u), -1);
	free(u);
	at_expect(sid, phone, t, S_DANGER);
	return t;
}

/* The last hop of a walk: answer the danger question with danger. */
static char *
last_hop(const char *walked, const char *danger)
{
	char	*t;

	ck_assert_int_ne(asprintf(&t, "%s*%s", walked, danger), -1);
	return t;
}

/* A whole request, not urgent, "afternoon": the confirmation is exact. */
static void
request_afternoon(const char *sid, const char *phone)
{
	char	*w, *f;

	w = walk(sid, phone, NULL, "3");
	f = last_hop(w, "2");
	at_expect(sid, phone, f, END_AFTERNOON);
	free(f);
	free(w);
}

/*
 * A request to the counsellor API with a bearer token (none when token is
 * NULL): check the status and the JSON content type, return the parsed
 * body (new reference).
 */
static json_t *
api(const char *method, const char *path, const char *token,
    const char *body, long want)
{
	struct harness_reply	 rep;
	json_error_t		 jerr;
	json_t			*v;
	char			*auth = NULL;
	const char		*hdr[2] = { NULL, NULL };

	if (token != NULL) {
		ck_assert_int_ne(asprintf(&auth, "Authorization: Bearer %s",
		    token), -1);
		hdr[0] = auth;
	}
	ck_assert_int_eq(harness_request_port(api_port, method, path,
	    body != NULL ? JSON_CT : NULL, body, body != NULL ? strlen(body) :
	    0, hdr, &rep), 0);
	free(auth);
	ck_assert_msg(rep.status == want, "%s %s: status %ld, want %ld: %s",
	    method, path, rep.status, want, rep.body);
	ck_assert_str_eq(rep.content_type, JSON_CT);
	v = json_loadb(rep.body, rep.len, 0, &jerr);
	ck_assert_msg(v != NULL, "%s %s: not JSON (%s): %s", method, path,
	    jerr.text, rep.body);
	harness_reply_clear(&rep);
	return v;
}

/* GET /api/requests as c1: the "requests" array (new reference). */
static json_t *
api_list(void)
{
	json_t	*v, *arr;

	v = api("GET", "/api/requests", TOK_C1, NULL, 200);
	arr = json_object_get(v, "requests");
	ck_assert_msg(json_is_array(arr), "no requests array");
	json_incref(arr);
	json_decref(v);
	return arr;
}

/* The reference of the i-th listed request (new string). */
static char *
listed_ref(size_t i, size_t want_n)
{
	json_t		*arr;
	const char	*ref;
	char		*out;

	arr = api_list();
	ck_assert_uint_eq(json_array_size(arr), want_n);
	ref = json_string_value(json_object_get(json_array_get(arr, i),
	    "ref"));
	ck_assert_ptr_nonnull(ref);
	ck_assert_uint_ge(strlen(ref), 4);
	out = strdup(ref);
	json_decref(arr);
	return out;
}

/* GET /api/requests/<ref> as token (new reference). */
static json_t *
api_get(const char *ref, const char *token)
{
	char	*path;
	json_t	*v;

	ck_assert_int_ne(asprintf(&path, "/api/requests/%s", ref), -1);
	v = api("GET", path, token, NULL, 200);
	free(path);
	return v;
}

/* POST /api/requests/<ref>/<verb> as token with body; the JSON answer. */
static json_t *
api_post(const char *ref, const char *verb, const char *token,
    const char *body, long want)
{
	char	*path;
	json_t	*v;

	ck_assert_int_ne(asprintf(&path, "/api/requests/%s/%s", ref, verb),
	    -1);
	v = api("POST", path, token, body, want);
	free(path);
	return v;
}

/* The history of ref as "created,alerted,..." (new string). */
static char *
history(const char *ref)
{
	json_t		*v, *arr, *e;
	char		*s, *t;
	size_t		 i;

	ck_assert_int_ne(asprintf(&s, "/api/requests/%s/history", ref), -1);
	v = api("GET", s, TOK_C1, NULL, 200);
	free(s);
	arr = json_object_get(v, "history");
	ck_assert(json_is_array(arr));
	s = strdup("");
	ck_assert_ptr_nonnull(s);
	json_array_foreach(arr, i, e) {
		ck_assert_int_ne(asprintf(&t, "%s%s%s", s, i > 0 ? "," : "",
		    json_string_value(json_object_get(e, "event"))), -1);
		free(s);
		s = t;
	}
	json_decref(v);
	return s;
}

/* The i-th history entry of ref (new reference). */
static json_t *
history_entry(const char *ref, size_t i)
{
	json_t	*v, *e;
	char	*s;

	ck_assert_int_ne(asprintf(&s, "/api/requests/%s/history", ref), -1);
	v = api("GET", s, TOK_C1, NULL, 200);
	free(s);
	e = json_array_get(json_object_get(v, "history"), i);
	ck_assert_ptr_nonnull(e);
	json_incref(e);
	json_decref(v);
	return e;
}

/* Poll the history of ref until it is exactly want; fail after ms. */
static void
history_wait(const char *ref, const char *want, int ms)
{
	long long	 deadline = harness_now_ms() + ms;
	char		*got;

	for (;;) {
		got = history(ref);
		if (strcmp(got, want) == 0)
			break;
		ck_assert_msg(harness_now_ms() < deadline, "history of %s is "
		    "\"%s\", want \"%s\"", ref, got, want);
		free(got);
		harness_sleep_ms(50);
	}
	free(got);
}

/* Check one history entry exactly. */
static void
history_expect(const char *ref, size_t i, const char *event,
    const char *actor, const char *detail)
{
	json_t	*e;

	e = history_entry(ref, i);
	ck_assert_str_eq(json_string_value(json_object_get(e, "event")),
	    event);
	ck_assert_str_eq(json_string_value(json_object_get(e, "actor")),
	    actor);
	if (detail == NULL)
		ck_assert_ptr_null(json_object_get(e, "detail"));
	else
		ck_assert_str_eq(json_string_value(json_object_get(e,
		    "detail")), detail);
	json_decref(e);
}

/* The daemon's database, opened read-only. */
static sqlite3 *
db_open(void)
{
	sqlite3	*db = NULL;
	char	*path;

	path = harness_path(h, "hotlined.db");
	ck_assert_msg(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ==
	    SQLITE_OK, "%s: %s", path, sqlite3_errmsg(db));
	free(path);
	sqlite3_busy_timeout(db, 2000);
	return db;
}

/* The single integer sql yields. */
static long long
db_int(const char *sql)
{
	sqlite3		*db = db_open();
	sqlite3_stmt	*stmt = NULL;
	long long	 v;

	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) ==
	    SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(db));
	ck_assert_msg(sqlite3_step(stmt) == SQLITE_ROW, "%s: %s", sql,
	    sqlite3_errmsg(db));
	v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return v;
}

/* The single text sql yields (new string; "(null)" for NULL). */
static char *
db_text(const char *sql)
{
	sqlite3		*db = db_open();
	sqlite3_stmt	*stmt = NULL;
	const char	*t;
	char		*v;

	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) ==
	    SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(db));
	ck_assert_msg(sqlite3_step(stmt) == SQLITE_ROW, "%s: %s", sql,
	    sqlite3_errmsg(db));
	t = (const char *)sqlite3_column_text(stmt, 0);
	v = strdup(t != NULL ? t : "(null)");
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return v;
}

/* Poll until sql yields want; fail after ms. */
static void
db_wait_int(const char *sql, long long want, int ms)
{
	long long	 deadline = harness_now_ms() + ms, got;

	for (;;) {
		got = db_int(sql);
		if (got == want)
			return;
		ck_assert_msg(harness_now_ms() < deadline, "%s: %lld, want "
		    "%lld", sql, got, want);
		harness_sleep_ms(50);
	}
}

/*
 * Whether sig (a space-separated list of "v1,<base64>") holds the
 * Standard Webhooks v1 signature of id.ts.body under secret.
 */
static int
sig_ok(const char *secret, const char *id, const char *ts, const char *body,
    size_t len, const char *sig)
{
	crypto_auth_hmacsha256_state	 st;
	unsigned char			 key[64], mac[32];
	char				 b64[sodium_base64_ENCODED_LEN(32,
					    sodium_base64_VARIANT_ORIGINAL)];
	char				*want, *list, *tok, *save = NULL;
	const char			*enc = secret + strlen("whsec_");
	size_t				 keylen;
	int				 ok = 0;

	ck_assert(strncmp(secret, "whsec_", 6) == 0);
	ck_assert_int_eq(sodium_base642bin(key, sizeof(key), enc, strlen(enc),
	    NULL, &keylen, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	crypto_auth_hmacsha256_init(&st, key, keylen);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)id,
	    strlen(id));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts,
	    strlen(ts));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2base64(b64, sizeof(b64), mac, sizeof(mac),
	    sodium_base64_VARIANT_ORIGINAL);
	ck_assert_int_ne(asprintf(&want, "v1,%s", b64), -1);
	list = strdup(sig);
	ck_assert_ptr_nonnull(list);
	for (tok = strtok_r(list, " ", &save); tok != NULL;
	    tok = strtok_r(NULL, " ", &save))
		if (strlen(tok) == strlen(want) &&
		    sodium_memcmp(tok, want, strlen(want)) == 0)
			ok = 1;
	free(list);
	free(want);
	return ok;
}

/* The i-th request recorded under prefix (a copy; clear it). */
static struct receiver_request
got(const char *prefix, size_t i)
{
	struct receiver_request	 q;

	ck_assert_msg(receiver_get(rcv, prefix, i, &q) == 0, "no request %zu "
	    "under %s", i, prefix);
	return q;
}

/*
 * Check one alert exactly: a signed Standard Webhooks POST of kind about
 * ref, stamped with the daemon's clock, whose body says what the API says
 * about the request and carries phone (or no number at all when NULL).
 * Returns the parsed body (new reference).
 */
static json_t *
check_alert(const struct receiver_request *q, const char *kind,
    const char *ref, int urgent, const char *window, const char *phone)
{
	json_t		*v, *data, *req;
	json_error_t	 jerr;
	char		 iso[32], *claim, *end;
	long long	 ts, hi;

	ck_assert_str_eq(q->method, "POST");
	ck_assert_ptr_nonnull(q->content_type);
	ck_assert_str_eq(q->content_type, JSON_CT);
	ck_assert_msg(q->webhook_id != NULL && *q->webhook_id != '\0' &&
	    strchr(q->webhook_id, '.') == NULL, "bad webhook-id");
	ck_assert_ptr_nonnull(q->webhook_timestamp);
	ck_assert_ptr_nonnull(q->webhook_signature);
	ck_assert_msg(sig_ok(SECRET, q->webhook_id, q->webhook_timestamp,
	    q->body, q->len, q->webhook_signature), "bad signature \"%s\" on "
	    "%s", q->webhook_signature, q->body);

	/* The daemon's clock: clock_start plus the time since the launch. */
	ts = strtoll(q->webhook_timestamp, &end, 10);
	ck_assert_msg(*end == '\0', "webhook-timestamp \"%s\"",
	    q->webhook_timestamp);
	hi = (long long)clock_epoch + (long long)(time(NULL) - launched) + 1;
	ck_assert_msg(ts >= (long long)clock_epoch && ts <= hi, "webhook-"
	    "timestamp %lld outside [%lld, %lld]", ts, (long long)clock_epoch,
	    hi);

	v = json_loadb(q->body, q->len, 0, &jerr);
	ck_assert_msg(v != NULL, "alert body not JSON: %s", q->body);
	ck_assert_uint_eq(json_object_size(v), 3);
	ck_assert_str_eq(json_string_value(json_object_get(v, "type")), kind);
	iso_utc((time_t)ts, iso, sizeof(iso));
	ck_assert_str_eq(json_string_value(json_object_get(v, "timestamp")),
	    iso);
	data = json_object_get(v, "data");
	ck_assert_msg(json_is_object(data), "no data in %s", q->body);
	ck_assert_uint_eq(json_object_size(data), phone != NULL ? 6 : 5);
	ck_assert_str_eq(json_string_value(json_object_get(data, "ref")), ref);
	ck_assert(json_is_boolean(json_object_get(data, "urgent")));
	ck_assert_int_eq(json_is_true(json_object_get(data, "urgent")),
	    urgent);
	ck_assert_str_eq(json_string_value(json_object_get(data, "window")),
	    window);
	ck_assert_int_ne(asprintf(&claim, "http://127.0.0.1:%d/api/requests/"
	    "%s/claim", api_port, ref), -1);
	ck_assert_str_eq(json_string_value(json_object_get(data,
	    "claim_url")), claim);
	free(claim);
	req = api_get(ref, TOK_C1);
	iso_utc((time_t)json_integer_value(json_object_get(req, "created_at")),
	    iso, sizeof(iso));
	json_decref(req);
	ck_assert_str_eq(json_string_value(json_object_get(data,
	    "created_at")), iso);
	if (phone != NULL)
		ck_assert_str_eq(json_string_value(json_object_get(data,
		    "phone")), phone);
	else {
		ck_assert_ptr_null(json_object_get(data, "phone"));
		ck_assert_msg(strstr(q->body, PHONE_NSN) == NULL &&
		    strstr(q->body, SAFE_NSN) == NULL, "a number in %s",
		    q->body);
	}
	return v;
}

/* The phone an alert to path must carry: only c1 has with_phone. */
static const char *
phone_for(const char *path, const char *phone)
{
	return strcmp(path, "/c1") == 0 ? phone : NULL;
}

/* One HTTP request to run on a thread, released with others at once. */
struct par {
	pthread_barrier_t	*bar;
	int			 port;
	const char		*path;
	const char		*ct;
	char			*body;
	const char		*hdr[2];
	struct harness_reply	 rep;
	char			 slow_body[1024];	/* slow_post's */
	int			 rc;
	atomic_int		 done;
};

/* Wait for the others, then send; Check's asserts stay on the main thread. */
static void *
par_main(void *arg)
{
	struct par	*p = arg;

	if (p->bar != NULL)
		pthread_barrier_wait(p->bar);
	p->rc = harness_request_port(p->port, "POST", p->path, p->ct, p->body,
	    p->body != NULL ? strlen(p->body) : 0, p->hdr, &p->rep);
	atomic_store(&p->done, 1);
	return NULL;
}

/* Send n POSTs from n threads at the same moment and wait for all. */
static void
par_run(struct par *p, size_t n)
{
	pthread_barrier_t	 bar;
	pthread_t		 t[4];
	size_t			 i;

	ck_assert_uint_le(n, 4);
	ck_assert_int_eq(pthread_barrier_init(&bar, NULL, (unsigned)n), 0);
	for (i = 0; i < n; i++) {
		p[i].bar = &bar;
		ck_assert_int_eq(pthread_create(&t[i], NULL, par_main, &p[i]),
		    0);
	}
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&bar);
}

/* libcurl body sink for slow_post: keep what fits. */
static size_t
slow_body_cb(char *data, size_t size, size_t n, void *arg)
{
	char	*buf = arg;
	size_t	 have = strlen(buf), add = size * n;

	if (add > 1023 - have)
		add = 1023 - have;
	memcpy(buf + have, data, add);
	buf[have + add] = '\0';
	return size * n;
}

/*
 * The store may take longer to answer than harness_request's 5 s: a POST
 * of an AT hop to the daemon with a 15 s limit, run on a thread. The
 * status goes to p->rep.status and the body to p->slow_body.
 */
static void *
slow_post(void *arg)
{
	struct par	*p = arg;
	CURL		*c;
	char		*url;

	p->rc = -1;
	c = curl_easy_init();
	if (c != NULL && asprintf(&url, "http://127.0.0.1:%d%s", p->port,
	    p->path) != -1) {
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 15000L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, p->body);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, slow_body_cb);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, p->slow_body);
		if (curl_easy_perform(c) == CURLE_OK) {
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE,
			    &p->rep.status);
			p->rc = 0;
		}
		free(url);
	}
	if (c != NULL)
		curl_easy_cleanup(c);
	atomic_store(&p->done, 1);
	return NULL;
}

/* An AT hop body for a par. */
static char *
at_body(const char *sid, const char *phone, const char *text)
{
	char	*b;

	b = harness_form("sessionId", sid, "serviceCode", "*855#",
	    "phoneNumber", phone, "networkCode", "45601", "text", text, NULL);
	ck_assert_ptr_nonnull(b);
	return b;
}

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
	char		 sid[32], *w, *f;
	size_t		 i, k;
	const size_t	 nsess = 4;

	start_day();
	for (k = 0; k < nsess; k++) {
		snprintf(sid, sizeof(sid), "race-%zu", k);
		w = walk(sid, PHONE, NULL, "3");
		f = last_hop(w, "2");
		memset(p, 0, sizeof(p));
		for (i = 0; i < 2; i++) {
			p[i].port = harness_port(h);
			p[i].path = AT;
			p[i].ct = FORM_CT;
			p[i].body = at_body(sid, PHONE, f);
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
	char	*w, *f, *s, sid[32], sql[512];
	int	 k;

	start_day();
	for (k = 0; k < 3; k++) {
		snprintf(sid, sizeof(sid), "durable-%d", k);
		w = walk(sid, PHONE, NULL, "3");
		f = last_hop(w, "2");
		at_expect(sid, PHONE, f, END_AFTERNOON);
		/* No wait of any kind between the reply and the read. */
		ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), k + 1);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM callback "
		    "WHERE id = %d AND state IN (0, 1) AND phone = '" PHONE
		    "' AND safe_to_call = 'yes' AND safe_number IS NULL AND "
		    "\"window\" = 'afternoon' AND cover = 'wrong_number' AND "
		    "urgent = 0 AND lang = 'en' AND channel = 'at'", k + 1);
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
	sqlite3		*db = NULL;
	char		*path, *w, *f;

	start_day();
	w = walk("lock-1", PHONE, NULL, "3");
	f = last_hop(w, "2");
	path = harness_path(h, "hotlined.db");
	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	free(path);
	ck_assert_int_eq(sqlite3_exec(db, "BEGIN EXCLUSIVE", NULL, NULL, NULL),
	    SQLITE_OK);

	memset(&p, 0, sizeof(p));
	p.port = harness_port(h);
	p.path = AT;
	p.ct = FORM_CT;
	p.body = at_body("lock-1", PHONE, f);
	ck_assert_int_eq(pthread_create(&t, NULL, par_main, &p), 0);
	harness_sleep_ms(1500);
	ck_assert_msg(!atomic_load(&p.done), "confirmed while the row could "
	    "not be written: \"%s\"", p.rep.body);
	ck_assert_int_eq(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
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
	sqlite3		*db = NULL;
	json_t		*arr;
	char		*path, *w, *f;
	long long	 t0;

	start_day();
	w = walk("lockfail-1", PHONE, NULL, "3");
	f = last_hop(w, "2");
	path = harness_path(h, "hotlined.db");
	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	free(path);
	ck_assert_int_eq(sqlite3_exec(db, "BEGIN EXCLUSIVE", NULL, NULL, NULL),
	    SQLITE_OK);

	memset(&p, 0, sizeof(p));
	p.port = harness_port(h);
	p.path = AT;
	p.ct = FORM_CT;
	p.body = at_body("lockfail-1", PHONE, f);
	t0 = harness_now_ms();
	ck_assert_int_eq(pthread_create(&t, NULL, slow_post, &p), 0);
	while (!atomic_load(&p.done) && harness_now_ms() - t0 < 9000)
		harness_sleep_ms(20);
	ck_assert_int_eq(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
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

/* Stop the daemon with SIGTERM; it must exit 0. */
static void
stop_daemon(void)
{
	int	 st;

	ck_assert_int_eq(harness_signal(h, SIGTERM), 0);
	ck_assert_int_eq(harness_wait_exit(h, 10000, &st), 0);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "wait status %#x",
	    (unsigned)st);
}

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
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback WHERE phone = '"
	    PHONE2 "' AND id = 2"), 1);
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
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback WHERE phone = '"
	    PHONE2 "' AND urgent = 1 AND \"window\" = 'now'"), 1);
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
		ck_assert_msg(q[k].at_ms - t_end <= 1000, "alert %lld ms after "
		    "the confirmation", q[k].at_ms - t_end);
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
	struct cb_opts		 o = { 600, 1, 2, NULL, 0 };
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
 * Requests under prefix recorded at or after since (harness_now_ms): how
 * many, and the index (under prefix) of the first in *first.
 */
static size_t
count_since(const char *prefix, long long since, size_t *first)
{
	struct receiver_request	 q;
	size_t			 i, n = 0;

	for (i = 0; receiver_get(rcv, prefix, i, &q) == 0; i++) {
		if (q.at_ms >= since && n++ == 0)
			*first = i;
		receiver_request_clear(&q);
	}
	return n;
}

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
	deadline = harness_now_ms() + 5000;
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
	ck_assert_str_eq(p[lose].rep.body, "{\"error\":\"claimed by someone "
	    "else or already closed\"}\n");
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
 * The index of the first alert under prefix of kind about ref, or -1.
 */
static int
find_alert(const char *prefix, const char *kind, const char *ref)
{
	struct receiver_request	 q;
	char			*k, *r;
	size_t			 i;
	int			 found = -1;

	ck_assert_int_ne(asprintf(&k, "\"type\":\"%s\"", kind), -1);
	ck_assert_int_ne(asprintf(&r, "\"ref\":\"%s\"", ref), -1);
	for (i = 0; found == -1 && receiver_get(rcv, prefix, i, &q) == 0;
	    i++) {
		if (strstr(q.body, k) != NULL && strstr(q.body, r) != NULL)
			found = (int)i;
		receiver_request_clear(&q);
	}
	free(k);
	free(r);
	return found;
}

/*
 * 7. Unclaimed escalate_after (2 s) past the moment she can take the call,
 * a request escalates: a second round alerts the other counsellor and the
 * supervisor with callback.escalated. One asked for "now" escalates 2 s
 * after its alert; one asked for the afternoon (at 10:00) only at 12:00:02.
 */
START_TEST(test_escalation)
{
	struct cb_opts		 o = { 2, 1, 0, NULL, 0 };
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
	ck_assert_msg(qs.at_ms - q0.at_ms >= 900, "escalated %lld ms after "
	    "the first alert", qs.at_ms - q0.at_ms);
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

	/* A claim ends the rounds. */
	json_decref(api_post(ref, "claim", TOK_C1, NULL, 200));
	ck_assert_int_eq(db_int("SELECT next_action_at FROM callback WHERE id "
	    "= 1"), 0);
	receiver_request_clear(&q0);
	receiver_request_clear(&qs);
	receiver_request_clear(&qc);
	free(pm);
	free(ref);
}
END_TEST

/*
 * 8. Five seconds before the 08:00 shift nobody is on duty: the caller is
 * told "today from 08:00", the request waits, and the alert goes out once
 * the shift has begun.
 */
START_TEST(test_waits_for_shift)
{
	struct cb_opts		 o = { 600, 1, 0, CLOCK_EARLY, 0 };
	struct receiver_request	 q;
	json_t			*v;
	char			*w, *f, *ref, detail[64];
	long long		 t_end;

	start(&o);
	w = walk("early-1", PHONE, NULL, "1");
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
	v = check_alert(&q, "callback.created", ref, 0, "now",
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
	struct cb_opts	 o = { 600, 1, 0, NULL, 1 };
	const char	*never[] = { PHONE_DIGITS, PHONE_NSN, "012345678",
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
	request_afternoon("priv-2", PHONE);
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
	tcase_add_test(tc, test_waits_for_shift);
	suite_add_tcase(s, tc);

	tc = tcase_create("privacy");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_privacy);
	suite_add_tcase(s, tc);

	return s;
}

/*
 * Check the environment, then run the suite in Check's default fork mode
 * with every temporary file below one directory, removed at the end even
 * when a failing test (which leaves with _exit) could not clean up.
 */
int
main(void)
{
	SRunner		*sr;
	const char	*bin, *top, *tmp;
	char		*run_dir = NULL;
	int		 failed;

	bin = getenv("HOTLINED_BIN");
	top = getenv("TOP_SRCDIR");
	if (bin == NULL || *bin == '\0' || top == NULL || *top == '\0') {
		fprintf(stderr, "check_callback: set HOTLINED_BIN to the built "
		    "daemon and TOP_SRCDIR to the source tree\n");
		return EXIT_FAILURE;
	}
	if (access(bin, X_OK) == -1) {
		fprintf(stderr, "check_callback: HOTLINED_BIN=%s is not an "
		    "executable\n", bin);
		return EXIT_FAILURE;
	}
	if (sodium_init() == -1) {
		fprintf(stderr, "check_callback: sodium_init failed\n");
		return EXIT_FAILURE;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "check_callback: curl_global_init failed\n");
		return EXIT_FAILURE;
	}
	tmp = getenv("TMPDIR");
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	if (asprintf(&run_dir, "%s/check_callback.XXXXXX", tmp) == -1 ||
	    mkdtemp(run_dir) == NULL || setenv("TMPDIR", run_dir, 1) == -1) {
		fprintf(stderr, "check_callback: cannot make a directory in "
		    "%s\n", tmp);
		return EXIT_FAILURE;
	}

	sr = srunner_create(callback_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);

	if (getenv("HARNESS_KEEP") == NULL)
		harness_rmtree(run_dir);
	free(run_dir);
	curl_global_cleanup();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
