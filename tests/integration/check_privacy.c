/* SPDX-License-Identifier: ISC */
/*
 * Integration tests of how long hotlined keeps what it keeps, and of
 * forgetting a number, on the real daemon with a real database: the
 * retention purge a month on (the clock started later) deletes the
 * closed request with its history and alerts, and the texts sent, and
 * keeps the open request; a reload with a lower limit purges at once;
 * POST /api/forget by number removes every row keyed to her (counted
 * through a second connection to the file) and her live session, and is
 * for supervisors only;
 * hotlined -F forgets what it reads on stdin and never echoes it.
 */
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>

#include "flow.h"

#define K_TOKEN		"kannel-token-0123456789"
#define KANNEL		"/sms/cellcard/" K_TOKEN
#define SENDSMS		"/cgi-bin/sendsms"
#define PHONE3_DIGITS	"85511222333"
#define MONTH_ON	"2026-12-24T10:00:00+07:00"
#define TEN_DAYS_ON	"2026-12-03T10:00:00+07:00"

/* A retention block for prepare_*: set by the test before start. */
static const char	*retention_json;

/* Add a Kannel SMS channel (sending to the receiver) and retention. */
static void
prepare_privacy(void)
{
	json_t		*conf, *chans, *ret;
	json_error_t	 jerr;
	char		*path, *url;

	path = harness_path(h, "hotlined.conf");
	conf = json_load_file(path, 0, &jerr);
	ck_assert_msg(conf != NULL, "%s", jerr.text);
	ck_assert_int_ne(asprintf(&url, "http://127.0.0.1:%d" SENDSMS,
	    receiver_port(rcv)), -1);
	chans = json_object_get(conf, "channels");
	ck_assert_int_eq(json_array_append_new(chans, json_pack("{s:s, s:s, "
	    "s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "name", "cellcard", "type",
	    "kannel", "path", "/sms/cellcard", "token", K_TOKEN, "token_in",
	    "path", "sender", "1280", "sendsms_url", url, "kannel_username",
	    "hotlined", "kannel_password", "kannel-pass-0123456789")), 0);
	if (retention_json != NULL) {
		ret = json_loads(retention_json, 0, &jerr);
		ck_assert_msg(ret != NULL, "%s", jerr.text);
		ck_assert_int_eq(json_object_set_new(conf, "retention", ret),
		    0);
	}
	ck_assert_int_eq(json_dump_file(conf, path, JSON_INDENT(2)), 0);
	json_decref(conf);
	free(url);
	free(path);
	receiver_answer(rcv, SENDSMS, 202, "text/plain",
	    "0: Accepted for delivery");
}

/* The daemon on duty with the SMS channel and retention as given. */
static void
start_privacy(const char *retention)
{
	struct cb_opts	 o;

	memset(&o, 0, sizeof(o));
	o.escalate = 600;
	o.retry = 1;
	o.prepare = prepare_privacy;
	retention_json = retention;
	start(&o);
}

/* A text from digits over Kannel's get-url; the replies go out (sent). */
static void
text_in(const char *id, const char *digits)
{
	struct harness_reply	 rep;
	char			*path;

	ck_assert_int_ne(asprintf(&path, KANNEL "?from=%s&to=1280&text=help&"
	    "id=%s", digits, id), -1);
	ck_assert_int_eq(harness_get(h, path, NULL, &rep), 0);
	ck_assert_msg(rep.status == 200, "kannel: %ld", rep.status);
	harness_reply_clear(&rep);
	free(path);
}

/* A request of PHONE claimed and completed by c1 with outcome. */
static char *
closed_request(const char *sid, const char *outcome)
{
	char	*ref, body[64];

	request_afternoon(sid, PHONE);
	ref = listed_ref(0, 1);
	history_wait(ref, "created,alerted", 3000);
	json_decref(api_post(ref, "claim", TOK_C1, NULL, 200));
	snprintf(body, sizeof(body), "{\"outcome\": \"%s\"}", outcome);
	json_decref(api_post(ref, "complete", TOK_C1, body, 200));
	return ref;
}

/* The id of request ref, through the file. */
static long long
id_of(const char *ref)
{
	char	 sql[96];

	snprintf(sql, sizeof(sql), "SELECT id FROM callback WHERE ref = '%s'",
	    ref);
	return db_int(sql);
}

/* Rows of table keyed by callback_id to request id. */
static long long
rows_of(const char *table, long long id)
{
	char	 sql[96];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE "
	    "callback_id = %lld", table, id);
	return db_int(sql);
}

/* GET /api/requests/<ref> must be 404. */
static void
gone(const char *ref)
{
	char	*path;

	ck_assert_int_ne(asprintf(&path, "/api/requests/%s", ref), -1);
	json_decref(api("GET", path, TOK_S1, NULL, 404));
	free(path);
}

/*
 * (a) A month on, the first purge (a second after start) deletes the
 * closed request with its history and alerts and the sent texts, keeps
 * the open request, and logs the counts.
 */
START_TEST(test_retention_month)
{
	long long	 id, events, alerts, texts;
	char		*closed, *open, line[160];
	json_t		*v;

	start_privacy(NULL);
	closed = closed_request("ret-1", "reached");
	request_afternoon("ret-2", PHONE2);
	open = listed_ref(0, 1);
	text_in("k1", PHONE3_DIGITS);
	db_wait_int("SELECT count(*) FROM sms_out WHERE state = 0", 0, 5000);
	texts = db_int("SELECT count(*) FROM sms_out");
	ck_assert_int_gt(texts, 0);
	id = id_of(closed);
	events = rows_of("history", id);
	alerts = rows_of("outbox", id);
	ck_assert_int_eq(events, 4);	/* created alerted claimed completed */
	ck_assert_int_gt(alerts, 0);
	/* A purge now keeps everything: nothing is old enough. */
	ck_assert_int_eq(harness_wait_log(h, "retention: purged 0 requests, "
	    "0 history events, 0 alerts, 0 texts", 1, 5000), 0);
	settle();
	stop_daemon();

	set_conf(MONTH_ON, 0);
	launch();
	snprintf(line, sizeof(line), "retention: purged 1 requests, %lld "
	    "history events, %lld alerts, %lld texts", events, alerts, texts);
	ck_assert_msg(harness_wait_log(h, line, 1, 5000) == 0, "no \"%s\"",
	    line);
	gone(closed);
	v = api_get(open, TOK_S1);
	ck_assert_str_eq(json_string_value(json_object_get(v, "ref")), open);
	json_decref(v);
	ck_assert_int_eq(rows_of("history", id), 0);
	ck_assert_int_eq(rows_of("outbox", id), 0);
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), 1);
	ck_assert_int_eq(db_int("SELECT count(*) FROM sms_out"), 0);
	free(closed);
	free(open);
}
END_TEST

/*
 * (b) Ten days on, 30 days keep the closed request; a reload with 5
 * purges it at once, without waiting for the interval; a reload with
 * the same limits does not purge again.
 */
START_TEST(test_retention_reload)
{
	char	*closed, *conf, *path, *lower;

	start_privacy("{\"closed_days\": 30, \"interval_minutes\": 1440}");
	closed = closed_request("rel-1", "reached");
	settle();
	stop_daemon();
	set_conf(TEN_DAYS_ON, 0);
	launch();
	ck_assert_int_eq(harness_wait_log(h, "retention: purged 0 requests",
	    1, 5000), 0);

	path = harness_path(h, "hotlined.conf");
	conf = harness_read_file(path, NULL);
	ck_assert_ptr_nonnull(conf);
	lower = replace_all(conf, "\"closed_days\": 30", "\"closed_days\": 5");
	ck_assert_int_eq(harness_write_file(h, "hotlined.conf", lower), 0);
	ck_assert_int_eq(harness_signal(h, SIGHUP), 0);
	ck_assert_int_eq(harness_wait_log(h, "retention: purged 1 requests",
	    1, 5000), 0);
	gone(closed);
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), 0);
	ck_assert_int_eq(db_int("SELECT count(*) FROM history"), 0);

	ck_assert_int_eq(harness_signal(h, SIGHUP), 0);
	ck_assert_int_eq(harness_wait_log(h, "reloaded ", 2, 5000), 0);
	ck_assert_int_eq(harness_log_count(h, "retention: purged"), 2);
	free(lower);
	free(conf);
	free(path);
	free(closed);
}
END_TEST

/* Every row of the file keyed to PHONE (its requests, their rows, marks). */
static long long
traces_of_phone(void)
{
	return db_int("SELECT (SELECT count(*) FROM callback_clear WHERE "
	    "phone = '" PHONE "' OR safe_number = '" PHONE "') + "
	    "(SELECT count(*) FROM history WHERE callback_id NOT IN "
	    "(SELECT id FROM callback)) + "
	    "(SELECT count(*) FROM outbox WHERE callback_id NOT IN "
	    "(SELECT id FROM callback)) + "
	    "(SELECT count(*) FROM mark) + (SELECT count(*) FROM sms_optout)");
}

/* POST /api/forget with body as token; the JSON answer. */
static json_t *
forget(const char *token, const char *body, long want)
{
	return api("POST", "/api/forget", token, body, want);
}

/* Member k of o as an integer. */
static long long
num(json_t *o, const char *k)
{
	json_t	*v = json_object_get(o, k);

	ck_assert_msg(json_is_integer(v), "no \"%s\"", k);
	return json_integer_value(v);
}

/*
 * (c) A supervisor forgets her by number, in the national form: both of
 * her requests (one closed unsafe, one open with a note), their history
 * and alerts, the unsafe mark, her live session, go; the other caller's
 * request and session stay.
 * Counsellors may not; bad bodies and methods are refused.
 */
START_TEST(test_api_forget)
{
	char	*closed, *open, *other, *body;
	json_t	*v, *arr;

	start_privacy(NULL);
	closed = closed_request("fg-1", "unsafe");
	request_afternoon("fg-2", PHONE);
	request_afternoon("fg-3", PHONE2);
	db_wait_int("SELECT count(*) FROM callback", 3, 3000);
	ck_assert_int_eq(db_int("SELECT count(*) FROM mark"), 1);
	open = db_text("SELECT ref FROM callback_clear WHERE phone = '" PHONE
	    "' AND state != 3");
	other = db_text("SELECT ref FROM callback_clear WHERE phone = '"
	    PHONE2 "'");
	history_wait(open, "created,alerted", 3000);
	json_decref(api_post(open, "note", TOK_C1, "{\"note\": \"call after "
	    "six\"}", 200));
	ck_assert_int_gt(traces_of_phone(), 0);

	json_decref(forget(TOK_C1, "{\"phone\": \"012345678\"}", 403));
	json_decref(forget(NULL, "{\"phone\": \"012345678\"}", 401));
	json_decref(api("GET", "/api/forget", TOK_S1, NULL, 405));
	json_decref(forget(TOK_S1, "{\"phone\": ", 400));
	json_decref(forget(TOK_S1, "{}", 400));
	json_decref(forget(TOK_S1, "{\"phone\": \"012345678\", \"ref\": \""
	    "ABCDEF\"}", 400));
	json_decref(forget(TOK_S1, "{\"phone\": \"hello\"}", 400));
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), 3);

	/* She is mid-way through another session; so is someone else. */
	free(at_hop("fg-live", PHONE, ""));
	free(at_hop("fg-live2", PHONE2, ""));
	ck_assert_int_eq(harness_counter(h, "sessions"), 2);

	v = forget(TOK_S1, "{\"phone\": \"012 345 678\"}", 200);
	ck_assert_int_eq(num(v, "requests"), 2);
	ck_assert_int_eq(num(v, "marks"), 1);
	ck_assert_int_ge(num(v, "events"), 7);
	ck_assert_int_ge(num(v, "alerts"), 2);
	json_decref(v);
	/* Her live session is wiped from memory; the other one goes on. */
	ck_assert_int_eq(harness_counter(h, "sessions"), 1);
	ck_assert(harness_log_contains(h, "live session"));
	ck_assert_int_eq(traces_of_phone(), 0);
	gone(closed);
	gone(open);
	arr = api_list();
	ck_assert_uint_eq(json_array_size(arr), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(arr,
	    0), "ref")), other);
	json_decref(arr);
	json_decref(forget(TOK_S1, "{\"phone\": \"+85512345678\"}", 404));
	json_decref(forget(TOK_S1, "{\"ref\": \"ZZZZZZ\"}", 404));
	json_decref(forget(TOK_S1, "{\"ref\": \"\"}", 400));
	/* By reference: everything of that number. */
	ck_assert_int_ne(asprintf(&body, "{\"ref\": \"%s\"}", other), -1);
	v = forget(TOK_S1, body, 200);
	free(body);
	ck_assert_int_eq(num(v, "requests"), 1);
	json_decref(v);
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), 0);
	ck_assert_int_eq(db_int("SELECT count(*) FROM history"), 0);
	ck_assert(!harness_log_contains(h, PHONE_NSN));
	free(closed);
	free(open);
	free(other);
}
END_TEST

/*
 * (d) hotlined -F beside the running daemon: a number and a reference
 * read from stdin are forgotten, a bad line is named by its number, and
 * neither the number nor the reference is printed.
 */
START_TEST(test_forget_stdin)
{
	char	*closed, *other, *in, *conf, *cmd, *out = NULL, *err = NULL;
	char	*argv[5];
	FILE	*fp;
	int	 st;

	start_privacy(NULL);
	closed = closed_request("cli-1", "reached");
	request_afternoon("cli-2", PHONE2);
	db_wait_int("SELECT count(*) FROM callback", 2, 3000);
	other = db_text("SELECT ref FROM callback_clear WHERE phone = '"
	    PHONE2 "'");
	in = harness_path(h, "forget.txt");
	fp = fopen(in, "w");
	ck_assert_ptr_nonnull(fp);
	fprintf(fp, "0%s\nnot a number\n  %s  \n\n", PHONE_NSN, other);
	fclose(fp);
	conf = harness_path(h, "hotlined.conf");
	/* As root (CI), say so, as the harness does for the daemon. */
	ck_assert_int_ne(asprintf(&cmd, "exec \"$0\" -F %s-c '%s' < '%s'",
	    geteuid() == 0 ? "-u root " : "", conf, in), -1);
	/* The number goes in on stdin: it is in no process's arguments. */
	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = cmd;
	argv[3] = getenv("HOTLINED_BIN");
	argv[4] = NULL;
	ck_assert_int_eq(harness_run(argv, 20000, &st, &out, &err), 0);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status %#x: %s",
	    (unsigned)st, err);
	ck_assert_msg(strstr(out, "line 1: forgot 1 requests, 4 history "
	    "events") != NULL, "stdout: %s\nstderr: %s", out, err);
	ck_assert_ptr_nonnull(strstr(err, "line 2: not a phone number or a "
	    "case reference"));
	ck_assert_ptr_nonnull(strstr(out, "line 3: forgot 1 requests"));
	ck_assert_ptr_null(strstr(out, PHONE_NSN));
	ck_assert_ptr_null(strstr(err, PHONE_NSN));
	ck_assert_ptr_null(strstr(out, other));
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), 0);
	ck_assert_int_eq(db_int("SELECT count(*) FROM history"), 0);
	/* The daemon carries on. */
	json_decref(api("GET", "/api/requests", TOK_C1, NULL, 200));
	free(out);
	free(err);
	free(cmd);
	free(conf);
	free(in);
	free(other);
	free(closed);
}
END_TEST

static Suite *
privacy_suite(void)
{
	Suite	*s = suite_create("privacy");
	TCase	*tc = tcase_create("privacy");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_retention_month);
	tcase_add_test(tc, test_retention_reload);
	tcase_add_test(tc, test_api_forget);
	tcase_add_test(tc, test_forget_stdin);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return flow_run("check_privacy", privacy_suite());
}
