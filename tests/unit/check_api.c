/* SPDX-License-Identifier: ISC */
/*
 * check_api: the counsellor API module on its own front end, mounted with
 * the console as the daemon mounts them, against a real store in a
 * temporary SQLite file and a real configuration and roster written to a
 * temporary directory, on 127.0.0.1 with a real event loop. It is talked
 * to with libevent's HTTP client on the same loop. Sign-in by bearer
 * token or cookie, 401 without, listing and paging, one claim winning and
 * the second getting 409, and the CSRF check of a change by cookie.
 */
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "api.h"
#include "clock.h"
#include "conf.h"
#include "console.h"
#include "diag.h"
#include "http.h"
#include "signin.h"
#include "store.h"
#include "testutil.h"

#define MONDAY_10	"2026-11-23T10:00:00+07:00"	/* c1 on duty */
#define SECRET		"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define TOKEN_C1	"token-c1-0123456789abcdefghij"
#define TOKEN_C2	"token-c2-0123456789abcdefghij"
#define TOKEN_S1	"token-s1-0123456789abcdefghij"
#define PHONE		"+85512345678"
#define PHONE2		"+85598765432"

#define MENU_JSON \
	"{\"start\": \"main\", \"strings\": {" \
	"\"invalid\": {\"en\": \"Invalid.\"}, \"more\": {\"en\": \"More\"}, " \
	"\"back\": {\"en\": \"Back\"}, \"expired\": {\"en\": \"Again.\"}}, " \
	"\"nodes\": {\"main\": {\"type\": \"menu\", " \
	"\"text\": {\"en\": \"Welcome\"}, \"options\": [{\"key\": \"1\", " \
	"\"label\": {\"en\": \"Help\"}, \"next\": \"help\"}]}, " \
	"\"help\": {\"type\": \"end\", \"text\": {\"en\": \"Police 117.\"}}}}\n"

#define PERSON(id, name, role, token) \
	"{\"id\": \"" id "\", \"name\": \"" name "\", \"role\": \"" role \
	"\", \"token\": \"" token "\", \"alerts\": [{\"type\": " \
	"\"webhook\", \"url\": \"http://127.0.0.1:1/" id "\", " \
	"\"secret\": \"" SECRET "\"}]}"

#define ROSTER_JSON \
	"{\"people\": [" \
	PERSON("c1", "Counsellor One", "counsellor", TOKEN_C1) ", " \
	PERSON("c2", "Counsellor Two", "counsellor", TOKEN_C2) ", " \
	PERSON("s1", "Supervisor", "supervisor", TOKEN_S1) "], " \
	"\"shifts\": [{\"who\": \"c1\", \"days\": [\"mon\", \"tue\", " \
	"\"wed\", \"thu\", \"fri\"], \"start\": \"08:00\", " \
	"\"end\": \"17:00\"}]}\n"

#define CONF_JSON \
	"{\"languages\": [\"en\"], \"roster\": \"roster.json\", " \
	"\"clock_start\": \"" MONDAY_10 "\", " \
	"\"menus\": {\"main\": \"menus/m.json\"}, \"channels\": " \
	"[{\"name\": \"at\", \"type\": \"africastalking\", " \
	"\"path\": \"/ussd/at\"}]}\n"

static struct event_base	*base;
static struct store		*st;
static struct conf		*conf;
static struct hclock		 clk;
static struct signin		*sessions;
static struct console		*console;
static struct api		*api;
static struct http		*front;
static int			 port;
static char			 claims[256];	/* "ref:who " per claim */

/* One answer, as the client saw it. */
struct reply {
	int	 done;
	int	 status;		/* 0: no answer */
	char	 body[8192];
	char	 headers[4096];		/* "Name: value\n" each */
	json_t	*json;			/* the body parsed, or NULL */
};

/* Run the loop until *flag is set, for at most 3 seconds. */
static void
wait_flag(const int *flag)
{
	ck_assert_msg(tu_loop_wait(base, flag, 1, 3) == 0, "timed out");
}

/* The client's completion: keep the status, headers and body. */
static void
reply_cb(struct evhttp_request *req, void *arg)
{
	struct reply		*r = arg;
	struct evkeyvalq	*hs;
	struct evkeyval		*kv;
	json_error_t		 err;
	size_t			 n, o = 0;
	int			 k;

	r->done = 1;
	if (req == NULL || evhttp_request_get_response_code(req) == 0)
		return;
	r->status = evhttp_request_get_response_code(req);
	n = evbuffer_copyout(evhttp_request_get_input_buffer(req), r->body,
	    sizeof(r->body) - 1);
	r->body[n == (size_t)-1 ? 0 : n] = '\0';
	hs = evhttp_request_get_input_headers(req);
	TAILQ_FOREACH(kv, hs, next) {
		k = snprintf(r->headers + o, sizeof(r->headers) - o, "%s: %s\n",
		    kv->key, kv->value);
		if (k < 0 || (size_t)k >= sizeof(r->headers) - o)
			break;
		o += (size_t)k;
	}
	r->json = json_loads(r->body, 0, &err);
}

/*
 * Send method path with the headers (NULL-terminated "Name", "value"
 * pairs, or NULL) and body (may be NULL, sent as JSON), and wait for the
 * answer in r. Free it with reply_clear.
 */
static void
request(enum evhttp_cmd_type cmd, const char *path,
    const char *const *headers, const char *body, struct reply *r)
{
	struct evhttp_connection	*evcon;
	struct evhttp_request		*req;
	struct evkeyvalq		*out;
	size_t				 i;

	memset(r, 0, sizeof(*r));
	evcon = evhttp_connection_base_new(base, NULL, "127.0.0.1",
	    (ev_uint16_t)port);
	ck_assert_ptr_nonnull(evcon);
	req = evhttp_request_new(reply_cb, r);
	ck_assert_ptr_nonnull(req);
	out = evhttp_request_get_output_headers(req);
	evhttp_add_header(out, "Host", "127.0.0.1");
	for (i = 0; headers != NULL && headers[i] != NULL; i += 2)
		evhttp_add_header(out, headers[i], headers[i + 1]);
	if (body != NULL) {
		evhttp_add_header(out, "Content-Type", "application/json");
		evbuffer_add(evhttp_request_get_output_buffer(req), body,
		    strlen(body));
	}
	ck_assert_int_eq(evhttp_make_request(evcon, req, cmd, path), 0);
	wait_flag(&r->done);
	evhttp_connection_free(evcon);
	ck_assert_uint_eq(http_inflight(front), 0);
}

/* Release a reply's JSON. */
static void
reply_clear(struct reply *r)
{
	json_decref(r->json);
	r->json = NULL;
}

/* The value of response header name, "" when absent (static buffer). */
static const char *
header(const struct reply *r, const char *name)
{
	static char	 v[1024];
	const char	*p = r->headers, *end;
	size_t		 n = strlen(name);

	v[0] = '\0';
	while (*p != '\0') {
		end = strchr(p, '\n');
		if (strncmp(p, name, n) == 0 && p[n] == ':') {
			snprintf(v, sizeof(v), "%.*s", (int)(end - p - n - 2),
			    p + n + 2);
			break;
		}
		p = end + 1;
	}
	return v;
}

/* A string member of the reply's JSON, or "(none)". */
static const char *
member(const json_t *o, const char *name)
{
	const char	*v = json_string_value(json_object_get(o, name));

	return v != NULL ? v : "(none)";
}

/* Note every claim the API reports. */
static void
claimed_cb(const char *ref, const char *who, void *arg)
{
	size_t	 n = strlen(claims);

	(void)arg;
	snprintf(claims + n, sizeof(claims) - n, "%s:%s ", ref, who);
}

/*
 * Write the menu, the roster (c1 on duty at the clock's start, c2 not,
 * s1 supervising) and the configuration; load it; open the store; mount
 * the API and the console on a front end on a free loopback port.
 */
static void
setup(void)
{
	struct http_limits	 lim;
	struct diag		*d = diag_new();
	const char		*dir = tu_tmpdir();
	char			*path, *cause = NULL;
	time_t			 epoch;

	ck_assert_ptr_nonnull(d);
	base = event_base_new();
	ck_assert_ptr_nonnull(base);
	free(tu_write(dir, "menus/m.json", MENU_JSON));
	free(tu_write(dir, "roster.json", ROSTER_JSON));
	path = tu_write(dir, "h.conf", CONF_JSON);
	conf = conf_load(path, d, NULL);
	ck_assert_msg(conf != NULL, "%s", tu_diag_all(d));
	free(path);
	diag_free(d);
	ck_assert_int_eq(hclock_parse(MONDAY_10, &epoch), 0);
	hclock_init(&clk, epoch);

	ck_assert_int_ne(asprintf(&path, "%s/hotlined.db", dir), -1);
	st = store_new(base, path, NULL, &cause);
	ck_assert_msg(st != NULL, "store_new: %s", cause);
	free(path);

	memset(&lim, 0, sizeof(lim));
	lim.max_body = 16384;
	lim.max_headers = 8192;
	lim.timeout = 10;
	lim.methods = EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD;
	front = http_new(base, "counsellor API", &lim);
	ck_assert_ptr_nonnull(front);
	sessions = signin_new();
	ck_assert_ptr_nonnull(sessions);
	console = console_new(sessions, &clk, &conf);
	ck_assert_ptr_nonnull(console);
	api = api_new(st, NULL, console, &clk, &conf);
	ck_assert_ptr_nonnull(api);
	claims[0] = '\0';
	api_on_claim(api, claimed_cb, NULL);
	ck_assert_int_eq(api_mount(api, front), 0);
	ck_assert_int_eq(console_mount(console, front), 0);
	ck_assert_int_eq(http_listen(front, "127.0.0.1", 0, &cause), 0);
	port = http_port(front);
	ck_assert_int_gt(port, 0);
}

/* Free in the daemon's order. */
static void
teardown(void)
{
	store_free(st);
	http_free(front);
	api_free(api);
	console_free(console);
	signin_free(sessions);
	conf_unref(conf);
	event_base_free(base);
	tu_cleanup();
}

/* A row's completion: keep its reference. */
struct made {
	int		 done;
	enum store_rc	 rc;
	char		 ref[16];
};

/* Copy a created row's reference. */
static void
made_cb(enum store_rc rc, const struct store_callback *row, void *arg)
{
	struct made	*m = arg;

	m->rc = rc;
	if (row != NULL)
		snprintf(m->ref, sizeof(m->ref), "%s", row->ref);
	m->done = 1;
}

/* Store a finished request from phone, "now", as intake files one. */
static void
create(const char *phone, const char *dedup, char *ref, size_t len)
{
	struct store_callback	 in;
	struct made		 m;
	int64_t			 now = hclock_now(&clk);

	memset(&in, 0, sizeof(in));
	memset(&m, 0, sizeof(m));
	in.channel = "at";
	in.phone = phone;
	in.safe_to_call = "yes";
	in.window = "now";
	in.cover = "wrong_number";
	in.lang = "en";
	in.next_action_at = now;
	in.call_from = now;
	in.session_end = "completed";
	ck_assert_int_eq(store_callback_create(st, &in, dedup, strlen(dedup),
	    3600, now, made_cb, &m), 0);
	wait_flag(&m.done);
	ck_assert_int_eq(m.rc, STORE_OK);
	ck_assert_uint_eq(strlen(m.ref), 6);
	snprintf(ref, len, "%s", m.ref);
}

static const char *const auth_c1[] = {
	"Authorization", "Bearer " TOKEN_C1, NULL
};
static const char *const auth_c2[] = {
	"Authorization", "Bearer " TOKEN_C2, NULL
};

/* A bearer token signs its counsellor in; the scheme's case is free. */
START_TEST(test_bearer_me)
{
	static const char *const lower[] = {
		"Authorization", "bearer " TOKEN_S1, NULL
	};
	struct reply	 r;
	json_int_t	 now;

	request(EVHTTP_REQ_GET, "/api/me", auth_c1, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(header(&r, "Content-Type"), "application/json");
	ck_assert_str_eq(header(&r, "Cache-Control"), "no-store");
	ck_assert_str_eq(header(&r, "X-Frame-Options"), "DENY");
	ck_assert_ptr_nonnull(r.json);
	ck_assert_str_eq(member(r.json, "id"), "c1");
	ck_assert_str_eq(member(r.json, "name"), "Counsellor One");
	ck_assert(json_is_false(json_object_get(r.json, "supervisor")));
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "idle")),
	    conf_console(conf)->idle);
	now = json_integer_value(json_object_get(r.json, "now"));
	ck_assert_int_ge(now, hclock_now(&clk) - 2);
	ck_assert_int_le(now, hclock_now(&clk));
	ck_assert_ptr_null(json_object_get(r.json, "csrf"));
	reply_clear(&r);

	request(EVHTTP_REQ_GET, "/api/me", lower, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(member(r.json, "id"), "s1");
	ck_assert(json_is_true(json_object_get(r.json, "supervisor")));
	reply_clear(&r);
}
END_TEST

/* No token, a wrong one or another scheme: 401, and nothing is said. */
START_TEST(test_unauthorised)
{
	static const char *const wrong[] = {
		"Authorization", "Bearer token-c1-0123456789abcdefghiX", NULL
	};
	static const char *const basic[] = {
		"Authorization", "Basic " TOKEN_C1, NULL
	};
	const char *const	*cases[] = { NULL, wrong, basic };
	struct reply		 r;
	char			 ref[16];
	size_t			 i;

	create(PHONE, "at:s1", ref, sizeof(ref));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		request(EVHTTP_REQ_GET, "/api/requests", cases[i], NULL, &r);
		ck_assert_int_eq(r.status, 401);
		ck_assert_str_eq(r.body,
		    "{\"error\":\"missing or wrong token\"}\n");
		ck_assert_str_eq(header(&r, "WWW-Authenticate"), "Bearer");
		reply_clear(&r);
	}
	request(EVHTTP_REQ_POST, "/api/requests/" "XXXXXX" "/claim", NULL,
	    "{}", &r);
	ck_assert_int_eq(r.status, 401);
	reply_clear(&r);
}
END_TEST

/* The queue, without numbers, one page at a time. */
START_TEST(test_list)
{
	struct reply	 r;
	json_t		*rows, *row;
	char		 a[16], b[16], first[16], path[128];
	const char	*next;

	create(PHONE, "at:s1", a, sizeof(a));
	create(PHONE2, "at:s2", b, sizeof(b));
	ck_assert_str_ne(a, b);

	request(EVHTTP_REQ_GET, "/api/requests", auth_c1, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_nonnull(r.json);
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "total")),
	    2);
	ck_assert(json_is_null(json_object_get(r.json, "next")));
	rows = json_object_get(r.json, "requests");
	ck_assert_uint_eq(json_array_size(rows), 2);
	row = json_array_get(rows, 0);
	ck_assert_str_eq(member(row, "state"), "open");
	ck_assert_str_eq(member(row, "window"), "now");
	ck_assert_ptr_null(json_object_get(row, "call"));
	ck_assert_ptr_null(json_object_get(row, "phone"));
	ck_assert_ptr_null(strstr(r.body, "8551234"));
	ck_assert_ptr_null(strstr(r.body, "8559876"));
	reply_clear(&r);

	request(EVHTTP_REQ_GET, "/api/requests?limit=1", auth_c1, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "total")),
	    2);
	rows = json_object_get(r.json, "requests");
	ck_assert_uint_eq(json_array_size(rows), 1);
	snprintf(first, sizeof(first), "%s",
	    member(json_array_get(rows, 0), "ref"));
	next = member(r.json, "next");
	ck_assert_int_eq(strncmp(next, "0.", 2), 0);
	snprintf(path, sizeof(path), "/api/requests?limit=1&after=%s", next);
	reply_clear(&r);

	request(EVHTTP_REQ_GET, path, auth_c1, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	rows = json_object_get(r.json, "requests");
	ck_assert_uint_eq(json_array_size(rows), 1);
	ck_assert_str_ne(member(json_array_get(rows, 0), "ref"), first);
	ck_assert(strcmp(first, a) == 0 || strcmp(first, b) == 0);
	reply_clear(&r);

	request(EVHTTP_REQ_GET, "/api/requests?limit=0", auth_c1, NULL, &r);
	ck_assert_int_eq(r.status, 400);
	ck_assert_str_eq(r.body, "{\"error\":\"limit must be 1 to 200\"}\n");
	reply_clear(&r);
	request(EVHTTP_REQ_GET, "/api/requests?view=nobody", auth_c1, NULL,
	    &r);
	ck_assert_int_eq(r.status, 400);
	ck_assert_str_eq(r.body, "{\"error\":\"view must be all, mine, "
	    "unassigned or claimed\"}\n");
	reply_clear(&r);
}
END_TEST

/* The first claim wins the number; the second gets 409 and who has it. */
START_TEST(test_claim_conflict)
{
	struct reply	 r;
	json_t		*call, *req;
	char		 ref[16], path[64], want[64];

	create(PHONE, "at:s1", ref, sizeof(ref));
	snprintf(path, sizeof(path), "/api/requests/%s/claim", ref);

	request(EVHTTP_REQ_POST, path, auth_c1, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(member(r.json, "ref"), ref);
	ck_assert_str_eq(member(r.json, "state"), "claimed");
	ck_assert_str_eq(member(r.json, "claimed_by"), "c1");
	ck_assert_str_eq(member(r.json, "claimed_by_name"), "Counsellor One");
	call = json_object_get(r.json, "call");
	ck_assert_ptr_nonnull(call);
	ck_assert_str_eq(member(call, "number"), PHONE);
	ck_assert_str_eq(member(call, "safe_to_call"), "yes");
	ck_assert_str_eq(member(call, "if_someone_else_answers"),
	    "wrong_number");
	reply_clear(&r);
	snprintf(want, sizeof(want), "%s:c1 ", ref);
	ck_assert_str_eq(claims, want);

	request(EVHTTP_REQ_POST, path, auth_c2, NULL, &r);
	ck_assert_int_eq(r.status, 409);
	ck_assert_str_eq(member(r.json, "error"),
	    "claimed by someone else or already closed");
	req = json_object_get(r.json, "request");
	ck_assert_ptr_nonnull(req);
	ck_assert_str_eq(member(req, "claimed_by"), "c1");
	ck_assert_ptr_null(json_object_get(req, "call"));
	ck_assert_ptr_null(strstr(r.body, "8551234"));
	reply_clear(&r);
	ck_assert_str_eq(claims, want);

	/* She who holds it sees the number again; anyone else does not. */
	snprintf(path, sizeof(path), "/api/requests/%s", ref);
	request(EVHTTP_REQ_GET, path, auth_c1, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(member(json_object_get(r.json, "call"), "number"),
	    PHONE);
	reply_clear(&r);
	request(EVHTTP_REQ_GET, path, auth_c2, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_null(json_object_get(r.json, "call"));
	reply_clear(&r);
}
END_TEST

/* Sign in at the console; return the cookie header and the CSRF token. */
static void
signin_c1(char *cookie, size_t clen, char *csrf, size_t slen)
{
	struct reply	 r;
	const char	*sc;

	request(EVHTTP_REQ_POST, "/console/signin", NULL,
	    "{\"token\": \"" TOKEN_C1 "\"}", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(member(r.json, "id"), "c1");
	snprintf(csrf, slen, "%s", member(r.json, "csrf"));
	ck_assert_uint_gt(strlen(csrf), 16);
	sc = header(&r, "Set-Cookie");
	ck_assert_int_eq(strncmp(sc, CONSOLE_COOKIE "=", 11), 0);
	ck_assert_ptr_nonnull(strstr(sc, "; Path=/; HttpOnly; "
	    "SameSite=Strict"));
	snprintf(cookie, clen, "%.*s", (int)strcspn(sc, ";"), sc);
	reply_clear(&r);
}

/* A change by cookie needs the CSRF token; a read does not. */
START_TEST(test_csrf_cookie)
{
	struct reply	 r;
	char		 ref[16], path[64], cookie[256], csrf[128];
	const char	*bare[3], *wrong[5], *right[5];

	create(PHONE, "at:s1", ref, sizeof(ref));
	signin_c1(cookie, sizeof(cookie), csrf, sizeof(csrf));
	bare[0] = "Cookie";
	bare[1] = cookie;
	bare[2] = NULL;
	wrong[0] = right[0] = "Cookie";
	wrong[1] = right[1] = cookie;
	wrong[2] = right[2] = "X-CSRF-Token";
	wrong[3] = "not-the-token";
	right[3] = csrf;
	wrong[4] = right[4] = NULL;

	request(EVHTTP_REQ_GET, "/api/me", bare, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(member(r.json, "id"), "c1");
	ck_assert_str_eq(member(r.json, "csrf"), csrf);
	reply_clear(&r);

	snprintf(path, sizeof(path), "/api/requests/%s/claim", ref);
	request(EVHTTP_REQ_POST, path, bare, NULL, &r);
	ck_assert_int_eq(r.status, 403);
	ck_assert_str_eq(r.body,
	    "{\"error\":\"missing or wrong CSRF token\"}\n");
	reply_clear(&r);
	request(EVHTTP_REQ_POST, path, wrong, NULL, &r);
	ck_assert_int_eq(r.status, 403);
	ck_assert_str_eq(r.body,
	    "{\"error\":\"missing or wrong CSRF token\"}\n");
	reply_clear(&r);
	ck_assert_str_eq(claims, "");

	request(EVHTTP_REQ_POST, path, right, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(member(r.json, "claimed_by"), "c1");
	reply_clear(&r);

	/* A bearer token is no cookie: no CSRF token needed. */
	snprintf(path, sizeof(path), "/api/requests/%s/release", ref);
	request(EVHTTP_REQ_POST, path, auth_c1, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(member(r.json, "state"), "open");
	ck_assert_ptr_null(json_object_get(r.json, "call"));
	reply_clear(&r);
}
END_TEST

/* Unknown paths, wrong methods and unknown requests, on one listener. */
START_TEST(test_paths)
{
	struct reply	 r;

	request(EVHTTP_REQ_GET, "/api/nope", auth_c1, NULL, &r);
	ck_assert_int_eq(r.status, 404);
	ck_assert_str_eq(r.body, "{\"error\":\"unknown path\"}\n");
	reply_clear(&r);
	request(EVHTTP_REQ_GET, "/api", auth_c1, NULL, &r);
	ck_assert_int_eq(r.status, 404);
	ck_assert_str_eq(r.body, "{\"error\":\"unknown path\"}\n");
	ck_assert_str_eq(header(&r, "X-Content-Type-Options"), "nosniff");
	reply_clear(&r);
	request(EVHTTP_REQ_GET, "/", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 302);
	ck_assert_str_eq(header(&r, "Location"), "/console/");
	reply_clear(&r);

	request(EVHTTP_REQ_GET, "/api/requests/ABCDEF/claim", auth_c1, NULL,
	    &r);
	ck_assert_int_eq(r.status, 405);
	ck_assert_str_eq(header(&r, "Allow"), "POST");
	ck_assert_str_eq(r.body, "{\"error\":\"method not allowed\"}\n");
	reply_clear(&r);
	request(EVHTTP_REQ_POST, "/api/requests", auth_c1, "{}", &r);
	ck_assert_int_eq(r.status, 405);
	ck_assert_str_eq(header(&r, "Allow"), "GET");
	reply_clear(&r);

	request(EVHTTP_REQ_GET, "/api/requests/ABCDEF", auth_c1, NULL, &r);
	ck_assert_int_eq(r.status, 404);
	ck_assert_str_eq(r.body, "{\"error\":\"no such request\"}\n");
	reply_clear(&r);
	request(EVHTTP_REQ_GET, "/api/overview", auth_c1, NULL, &r);
	ck_assert_int_eq(r.status, 403);
	ck_assert_str_eq(r.body, "{\"error\":\"only a supervisor sees the "
	    "overview\"}\n");
	reply_clear(&r);
}
END_TEST

/* The suite. */
static Suite *
api_suite(void)
{
	Suite	*s = suite_create("api");
	TCase	*tc = tcase_create("api");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_bearer_me);
	tcase_add_test(tc, test_unauthorised);
	tcase_add_test(tc, test_list);
	tcase_add_test(tc, test_claim_conflict);
	tcase_add_test(tc, test_csrf_cookie);
	tcase_add_test(tc, test_paths);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(api_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
