/* SPDX-License-Identifier: ISC */
/*
 * Integration tests of GET /metrics and GET /healthz on the counsellor
 * API's listener, and of the log file: the counters a scripted USSD
 * session, its alert, claim and completion move, each by exactly what
 * happened; the text passes `promtool check metrics`; who may read
 * what; /healthz 503 while the database cannot be written; and the log
 * file reopened on SIGUSR1 after it was moved away.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>
#include <sqlite3.h>

#include "config.h"
#include "flow.h"

#define METRICS_TOKEN	"scraper-0123456789abcdefghij"

/* GET path on the API listener with token (NULL: none); the reply. */
static struct harness_reply
get_api(const char *path, const char *token)
{
	struct harness_reply	 rep;
	const char		*hdr[2] = { NULL, NULL };
	char			*auth = NULL;

	memset(&rep, 0, sizeof(rep));
	if (token != NULL) {
		ck_assert_int_ne(asprintf(&auth, "Authorization: Bearer %s",
		    token), -1);
		hdr[0] = auth;
	}
	ck_assert_int_eq(harness_request_port(api_port, "GET", path, NULL,
	    NULL, 0, hdr, &rep), 0);
	free(auth);
	return rep;
}

/* Scrape /metrics as the supervisor: the text (new string). */
static char *
scrape(void)
{
	struct harness_reply	 rep = get_api("/metrics", TOK_S1);
	char			*text;

	ck_assert_int_eq(rep.status, 200);
	ck_assert_str_eq(rep.content_type,
	    "text/plain; version=0.0.4; charset=utf-8");
	text = strdup(rep.body);
	ck_assert_ptr_nonnull(text);
	harness_reply_clear(&rep);
	return text;
}

/*
 * The value of the sample key ("name{labels}") in text, 0 when it is not
 * there (a label set not seen yet); the sample must be there at most once.
 */
static double
sample(const char *text, const char *key)
{
	const char	*p = text, *found = NULL;
	size_t		 n = strlen(key);

	while ((p = strstr(p, key)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == ' ') {
			ck_assert_msg(found == NULL, "%s twice", key);
			found = p;
		}
		p += n;
	}
	return found != NULL ? strtod(found + n + 1, NULL) : 0;
}

/* How much key moved from before to after. */
static double
moved(const char *before, const char *after, const char *key)
{
	return sample(after, key) - sample(before, key);
}

/* Write the metrics token file (mode 0600) and name it in the config. */
static void
prepare_token(void)
{
	json_t		*conf;
	json_error_t	 jerr;
	char		*path;

	ck_assert_int_eq(harness_write_file(h, "metrics.token",
	    METRICS_TOKEN "\n"), 0);
	path = harness_path(h, "metrics.token");
	ck_assert_int_eq(chmod(path, 0600), 0);
	free(path);
	path = harness_path(h, "hotlined.conf");
	conf = json_load_file(path, 0, &jerr);
	ck_assert_msg(conf != NULL, "%s", jerr.text);
	ck_assert_int_eq(json_object_set_new(conf, "metrics",
	    json_pack("{s:s}", "token_file", "metrics.token")), 0);
	ck_assert_int_eq(json_object_set_new(conf, "log_file",
	    json_string("hotlined.log")), 0);
	ck_assert_int_eq(json_dump_file(conf, path, JSON_INDENT(2)), 0);
	json_decref(conf);
	free(path);
}

/* The daemon with a metrics token and a log file. */
static void
start_token(void)
{
	struct cb_opts	 o;

	memset(&o, 0, sizeof(o));
	o.escalate = 3600;
	o.retry = 1;
	o.prepare = prepare_token;
	start(&o);
}

/*
 * 1. One scripted session, its alert, claim and completion: each counter
 * moves by exactly what happened, and nothing else of theirs moves.
 */
START_TEST(test_counters_move)
{
	json_t	*v;
	char	*a, *b, *c, *d, *ref;

	start_day();
	a = scrape();
	request_afternoon("metrics-1", PHONE);
	ref = listed_ref(0, 1);
	ck_assert_int_eq(receiver_wait(rcv, "/c", 1, 2000), 0);
	history_wait(ref, "created,alerted", 2000);
	settle();
	b = scrape();

	ck_assert_double_eq(moved(a, b,
	    "hotlined_sessions_started_total{channel=\"at\"}"), 1);
	ck_assert_double_eq(moved(a, b, "hotlined_sessions_ended_total"
	    "{channel=\"at\",reason=\"completed\"}"), 1);
	ck_assert_double_eq(moved(a, b, "hotlined_sessions_ended_total"
	    "{channel=\"at\",reason=\"timeout\"}"), 0);
	ck_assert_double_eq(moved(a, b, "hotlined_sessions_ended_total"
	    "{channel=\"at\",reason=\"quick_exit\"}"), 0);
	/* "", 1, 1*1, 1*1*3, 1*1*3*1 and the last: six hops. */
	ck_assert_double_eq(moved(a, b, "hotlined_hops_total{channel=\"at\"}"),
	    6);
	ck_assert_double_eq(moved(a, b, "hotlined_http_request_duration_"
	    "seconds_count{listener=\"webhooks\"}"), 6);
	ck_assert_double_eq(moved(a, b, "hotlined_http_request_duration_"
	    "seconds_bucket{listener=\"webhooks\",le=\"+Inf\"}"), 6);
	ck_assert_double_eq(moved(a, b, "hotlined_callbacks_created_total"),
	    1);
	ck_assert_double_eq(moved(a, b, "hotlined_callbacks_merged_total"), 0);
	ck_assert_double_eq(moved(a, b, "hotlined_callbacks_claimed_total"), 0);
	ck_assert_double_eq(moved(a, b,
	    "hotlined_alerts_delivered_total{transport=\"webhook\"}"),
	    (double)db_int("SELECT count(*) FROM outbox"));
	ck_assert_double_eq(moved(a, b,
	    "hotlined_alerts_delivered_total{transport=\"webhook\"}"), 1);
	ck_assert_double_eq(moved(a, b,
	    "hotlined_alerts_failed_total{transport=\"webhook\"}"), 0);
	/* Alerted, nobody has claimed it yet. */
	ck_assert_double_eq(sample(b, "hotlined_callbacks_waiting"), 1);
	ck_assert_double_eq(sample(b, "hotlined_sessions_live"), 0);
	ck_assert_double_eq(sample(b, "hotlined_outbox_depth{kind=\"alert\"}"),
	    0);
	ck_assert_double_eq(sample(b, "hotlined_last_reload_success"), 1);
	ck_assert_double_eq(sample(b, "hotlined_reloads_total{result=\"ok\"}"),
	    0);

	v = api_post(ref, "claim", TOK_C1, NULL, 200);
	json_decref(v);
	c = scrape();
	ck_assert_double_eq(moved(b, c, "hotlined_callbacks_claimed_total"), 1);
	ck_assert_double_eq(moved(b, c, "hotlined_callbacks_completed_total"),
	    0);
	ck_assert_double_eq(sample(c, "hotlined_callbacks_waiting"), 0);
	ck_assert_double_eq(sample(c, "hotlined_callbacks_oldest_wait_seconds"),
	    0);
	v = api_post(ref, "complete", TOK_C1, "{\"outcome\":\"reached\"}", 200);
	json_decref(v);

	/* A reload, a failing one, and a good one again. */
	ck_assert_int_eq(harness_signal(h, SIGHUP), 0);
	ck_assert_int_eq(harness_wait_log(h, "reloaded ", 1, 5000), 0);
	ck_assert_int_eq(harness_write_file(h, "hotlined.conf", "{"), 0);
	ck_assert_int_eq(harness_signal(h, SIGHUP), 0);
	ck_assert_int_eq(harness_wait_log(h, "reload failed", 1, 5000), 0);
	d = scrape();
	ck_assert_double_eq(moved(c, d, "hotlined_callbacks_completed_total"),
	    1);
	ck_assert_double_eq(moved(c, d, "hotlined_callbacks_claimed_total"), 0);
	ck_assert_double_eq(moved(c, d, "hotlined_sessions_started_total"
	    "{channel=\"at\"}"), 0);
	ck_assert_double_eq(sample(d, "hotlined_reloads_total{result=\"ok\"}"),
	    1);
	ck_assert_double_eq(sample(d,
	    "hotlined_reloads_total{result=\"failed\"}"), 1);
	ck_assert_double_eq(sample(d, "hotlined_last_reload_success"), 0);
	ck_assert(sample(d, "hotlined_last_reload_timestamp_seconds") > 0);
	/* No number in any label or value line. */
	ck_assert_ptr_null(strstr(d, PHONE_NSN));
	ck_assert_ptr_null(strstr(d, ref));
	free(a);
	free(b);
	free(c);
	free(d);
	free(ref);
	/* The teardown's daemon stops on SIGTERM; its conf is broken now. */
}
END_TEST

/*
 * 2. What the daemon serves passes promtool's check (Debian's prometheus
 * package): a scrape after a session, so that every family has samples.
 */
START_TEST(test_promtool)
{
	char	*text, *file, *cmd, *out = NULL, *err = NULL;
	char	*argv[4];
	int	 st = -1;

	start_day();
	request_afternoon("metrics-2", PHONE);
	settle();
	text = scrape();
	file = harness_path(h, "scrape.prom");
	ck_assert_int_eq(harness_write_file(h, "scrape.prom", text), 0);
	/* Not skipped when missing: the check is what this test is for. */
	ck_assert_msg(access("/usr/bin/promtool", X_OK) == 0 ||
	    system("command -v promtool >/dev/null") == 0,
	    "promtool is not installed (apt-get install prometheus, or "
	    "scripts/deps test)");
	ck_assert_int_ne(asprintf(&cmd, "promtool check metrics < '%s'",
	    file), -1);
	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = cmd;
	argv[3] = NULL;
	ck_assert_int_eq(harness_run(argv, harness_slow_ms(20000), &st, &out,
	    &err), 0);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "promtool check metrics failed:\n%s%s\n---\n%s", out, err, text);
	/* promtool prints its lint findings even when it exits 0. */
	ck_assert_msg(strlen(out) == 0 && strlen(err) == 0,
	    "promtool: %s%s", out, err);
	free(out);
	free(err);
	free(cmd);
	free(file);
	free(text);
}
END_TEST

/*
 * 3. /metrics wants a bearer token: the scrapers' (metrics.token_file) or
 * a supervisor's; a counsellor's or none is 401. /healthz says "ok" to
 * anyone and details only to a supervisor.
 */
START_TEST(test_access)
{
	struct harness_reply	 rep;
	json_t			*v;
	json_error_t		 jerr;
	char			*www;

	start_token();
	rep = get_api("/metrics", NULL);
	ck_assert_int_eq(rep.status, 401);
	www = harness_reply_header(&rep, "WWW-Authenticate");
	ck_assert_ptr_nonnull(www);
	ck_assert_str_eq(www, "Bearer");
	free(www);
	harness_reply_clear(&rep);
	rep = get_api("/metrics", TOK_C1);
	ck_assert_int_eq(rep.status, 401);
	harness_reply_clear(&rep);
	rep = get_api("/metrics", METRICS_TOKEN "x");
	ck_assert_int_eq(rep.status, 401);
	harness_reply_clear(&rep);
	rep = get_api("/metrics", METRICS_TOKEN);
	ck_assert_int_eq(rep.status, 200);
	ck_assert_ptr_nonnull(strstr(rep.body,
	    "# TYPE hotlined_sessions_started_total counter\n"));
	harness_reply_clear(&rep);
	rep = get_api("/metrics", TOK_S1);
	ck_assert_int_eq(rep.status, 200);
	harness_reply_clear(&rep);

	rep = get_api("/healthz", NULL);
	ck_assert_int_eq(rep.status, 200);
	ck_assert_str_eq(rep.body, "ok\n");
	harness_reply_clear(&rep);
	rep = get_api("/healthz", TOK_C1);
	ck_assert_int_eq(rep.status, 200);
	ck_assert_str_eq(rep.body, "ok\n");
	harness_reply_clear(&rep);
	rep = get_api("/healthz", TOK_S1);
	ck_assert_int_eq(rep.status, 200);
	v = json_loads(rep.body, 0, &jerr);
	ck_assert_msg(v != NULL, "%s", jerr.text);
	ck_assert_str_eq(json_string_value(json_object_get(v, "status")), "ok");
	ck_assert(json_is_true(json_object_get(json_object_get(v, "store"),
	    "ok")));
	ck_assert(json_integer_value(json_object_get(json_object_get(v,
	    "store"), "latency_ms")) >= 0);
	/* One daemon a database, which holds the lease; two on PostgreSQL. */
	ck_assert(json_boolean_value(json_object_get(json_object_get(v,
	    "store"), "shared")) == (db_pg() != NULL));
	ck_assert(json_is_true(json_object_get(json_object_get(v, "store"),
	    "lease")));
	ck_assert(json_is_true(json_object_get(v, "menus_loaded")));
	ck_assert_int_eq(json_integer_value(json_object_get(v, "channels")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(v, "version")),
	    PACKAGE_VERSION);
	ck_assert(json_is_integer(json_object_get(v, "uptime_seconds")));
	json_decref(v);
	harness_reply_clear(&rep);

	/* Only GET; and the paths are exact. */
	ck_assert_int_eq(harness_request_port(api_port, "POST", "/healthz",
	    NULL, "", 0, NULL, &rep), 0);
	ck_assert_int_eq(rep.status, 405);
	harness_reply_clear(&rep);
	rep = get_api("/healthzz", NULL);
	ck_assert_int_eq(rep.status, 404);
	harness_reply_clear(&rep);
}
END_TEST

/*
 * 4. While another process holds the database's write lock, /healthz
 * answers 503 (the probe's write cannot commit), details included; once
 * the lock is gone, 200 again.
 */
START_TEST(test_healthz_unwritable)
{
	struct harness_reply	 rep;
	struct db_hold		*db;
	json_t			*v;
	long long		 deadline;
	long			 status;

	start_day();
	rep = get_api("/healthz", NULL);
	ck_assert_int_eq(rep.status, 200);
	harness_reply_clear(&rep);

	db = db_hold();
	rep = get_api("/healthz", NULL);
	ck_assert_int_eq(rep.status, 503);
	ck_assert_str_eq(rep.body, "unavailable\n");
	harness_reply_clear(&rep);
	rep = get_api("/healthz", TOK_S1);
	ck_assert_int_eq(rep.status, 503);
	v = json_loads(rep.body, 0, NULL);
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(json_string_value(json_object_get(v, "status")),
	    "unavailable");
	ck_assert(json_is_false(json_object_get(json_object_get(v, "store"),
	    "ok")));
	json_decref(v);
	harness_reply_clear(&rep);
	db_release(db);

	/* The writes that waited finish; then a probe goes through again. */
	deadline = harness_now_ms() + harness_slow_ms(20000);
	do {
		rep = get_api("/healthz", NULL);
		status = rep.status;
		harness_reply_clear(&rep);
	} while (status != 200 && harness_now_ms() < deadline);
	ck_assert_int_eq(status, 200);
}
END_TEST

/*
 * 5. log_file: lines go to it too; after it is moved away (as logrotate
 * does), SIGUSR1 opens its name again: the next lines go to the new file,
 * none to the old one; the counters line still comes. The file is 0600.
 */
START_TEST(test_log_reopen)
{
	struct stat	 sb;
	char		*path, *old, *a, *b;
	long long	 deadline;

	start_token();
	path = harness_path(h, "hotlined.log");
	old = harness_path(h, "hotlined.log.1");
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	a = harness_read_file(path, NULL);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(strstr(a, "hotlined: counsellor API listening "
	    "on "));
	free(a);

	ck_assert_int_eq(rename(path, old), 0);
	ck_assert_int_ge(harness_counter(h, "sessions"), 0);
	/* The reopen comes before the counters line, which is in the new. */
	deadline = harness_now_ms() + harness_slow_ms(5000);
	while (access(path, F_OK) == -1 && harness_now_ms() < deadline)
		harness_sleep_ms(20);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	ck_assert_int_eq(harness_signal(h, SIGHUP), 0);
	ck_assert_int_eq(harness_wait_log(h, "reloaded ", 1, 5000), 0);
	b = harness_read_file(path, NULL);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(strstr(b, "hotlined: counters: sessions="));
	ck_assert_ptr_nonnull(strstr(b, "hotlined: reloaded "));
	ck_assert_ptr_null(strstr(b, "listening on"));
	free(b);
	a = harness_read_file(old, NULL);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_null(strstr(a, "counters: "));
	ck_assert_ptr_null(strstr(a, "reloaded "));
	free(a);
	free(old);
	free(path);
}
END_TEST

/*
 * 6. At the default level, a whole session writes no per-session line
 * ("started", "ended after"); the request's line (with its case
 * reference) stays.
 */
START_TEST(test_quiet_sessions)
{
	char	*ref;

	start_day();
	request_afternoon("metrics-6", PHONE);
	ref = listed_ref(0, 1);
	ck_assert_int_eq(harness_wait_log(h, ref, 1, 2000), 0);
	ck_assert_int_eq(harness_log_contains(h, "ended after"), 0);
	ck_assert_int_eq(harness_log_contains(h, "started on channel"), 0);
	ck_assert_int_eq(harness_log_contains(h, ": hop "), 0);
	free(ref);
}
END_TEST

static Suite *
metrics_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("metrics");
	tc = tcase_create("metrics");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_counters_move);
	tcase_add_test(tc, test_promtool);
	tcase_add_test(tc, test_access);
	tcase_add_test(tc, test_healthz_unwritable);
	tcase_add_test(tc, test_log_reopen);
	tcase_add_test(tc, test_quiet_sessions);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return flow_run("check_metrics", metrics_suite());
}
