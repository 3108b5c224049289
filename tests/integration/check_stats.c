/* SPDX-License-Identifier: ISC */
/*
 * Integration tests of the donor report, on the real hotlined with
 * tests/data/callback (flow.c) and the real hotlinectl: scripted USSD
 * sessions over two days (the clock set by clock_start, the daemon
 * restarted between them on the same database) that ask for callbacks,
 * quick-exit and time out; counsellors claim and complete through the
 * API; then hotlinectl stats reads the database (beside the running
 * daemon, and after it stopped) and the counts, the "<5" cells and their
 * complements are checked in CSV, JSON and text. A seeded database adds
 * a second channel; bad periods and a k under 3 are refused.
 */
#include <sys/wait.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>
#include <sqlite3.h>

#include "flow.h"

#define DAY1		"2026-11-23T10:00:00+07:00"
#define DAY2		"2026-11-24T10:00:00+07:00"

/* Callers, each a number of her own. */
static const char *const callers[] = {
	PHONE, PHONE2, "+85512000001", "+85512000002", "+85512000003",
	"+85512000004", "+85512000005"
};

/* Sessions time out after 5 s of silence. */
static void
short_idle(void)
{
	conf_set_int("session.idle_timeout", 5);
}

/* A daemon on duty at clock, sessions timing out quickly. */
static void
start_at(const char *clock)
{
	struct cb_opts	 o;

	memset(&o, 0, sizeof(o));
	o.escalate = 600;
	o.retry = 1;
	o.clock_start = clock;
	o.prepare = short_idle;
	o.verbose = 1;		/* the time-out's line is a debug line */
	start(&o);
}

/*
 * Run hotlinectl with args (NULL-ended) on h's hotlined.conf; its exit
 * status, with stdout and stderr in *out and *err (new strings).
 */
static int
ctl(char **out, char **err, ...)
{
	char	*argv[16], *path;
	va_list	 ap;
	size_t	 n = 0;
	int	 st;

	path = harness_path(h, "hotlined.conf");
	ck_assert_ptr_nonnull(path);
	argv[n++] = getenv("HOTLINECTL_BIN");
	ck_assert_msg(argv[0] != NULL, "set HOTLINECTL_BIN");
	va_start(ap, err);
	while (n < 12 && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	argv[n++] = (char *)"-c";
	argv[n++] = path;
	argv[n] = NULL;
	ck_assert_int_eq(harness_run(argv, 30000, &st, out, err), 0);
	free(path);
	ck_assert_msg(WIFEXITED(st), "hotlinectl did not exit (%#x)",
	    (unsigned)st);
	ck_assert_msg(strstr(*err, "Sanitizer") == NULL &&
	    strstr(*err, "runtime error:") == NULL, "hotlinectl: %s", *err);
	return WEXITSTATUS(st);
}

/* hotlinectl stats of 2026-11 as CSV, which must succeed (new string). */
static char *
csv(const char *from, const char *to)
{
	char	*out, *err;

	ck_assert_msg(ctl(&out, &err, "stats", "--from", from, "--to", to,
	    "--format", "csv", NULL) == 0, "hotlinectl stats: %s", err);
	free(err);
	return out;
}

/* The CSV line of (month, table, row, column) says value. */
static void
cell_is(const char *s, const char *month, const char *table,
    const char *row, const char *col, const char *value)
{
	char	*want;

	ck_assert_int_ne(asprintf(&want, "\n%s,%s,%s,%s,%s,", month, table,
	    row, col, value), -1);
	ck_assert_msg(strstr(s, want) != NULL, "no line %s in:\n%s", want + 1,
	    s);
	free(want);
}

/* One whole request from phone, claimed by c1 and closed with outcome. */
static void
request_done(const char *sid, const char *phone, const char *outcome)
{
	char	*ref, *body;

	request_afternoon(sid, phone);
	ref = listed_ref(0, 1);
	json_decref(api_post(ref, "claim", TOK_C1, NULL, 200));
	ck_assert_int_ne(asprintf(&body, "{\"outcome\": \"%s\"}", outcome),
	    -1);
	json_decref(api_post(ref, "complete", TOK_C1, body, 200));
	free(body);
	free(ref);
}

/* A session that quick-exits on the first screen. */
static void
quick_leave(const char *sid, const char *phone)
{
	char	*r;

	at_expect(sid, phone, "", S_MAIN);
	r = at_hop(sid, phone, "99");
	ck_assert_str_eq(r, "END Thank you.");
	free(r);
}

/*
 * Day one: six requests from six numbers (five reached, one unsafe), a
 * quick exit and a session left to time out; day two, the daemon started
 * again on the same file: two more requests, one from a number of day
 * one. The report reads it while the daemon runs and after it stopped.
 */
START_TEST(test_two_days)
{
	char	 sid[32];
	char	*s, *out, *err;
	size_t	 i;

	start_at(DAY1);
	for (i = 0; i < 6; i++) {
		snprintf(sid, sizeof(sid), "st-d1-%zu", i);
		request_done(sid, callers[i], i == 5 ? "unsafe" : "reached");
	}
	quick_leave("st-qx", PHONE);
	at_expect("st-to", PHONE2, "", S_MAIN);
	ck_assert_int_eq(harness_wait_log(h, "timed out after 1 hop", 1,
	    15000), 0);
	settle();
	stop_daemon();

	set_conf(DAY2, 0);
	launch();
	request_done("st-d2-0", callers[0], "reached");
	request_done("st-d2-1", callers[6], "reached");

	/* Beside the running daemon: what the store counted itself. */
	s = csv("2026-11", "2026-11");
	cell_is(s, "2026-11", "channels", "at", "requests", "8");
	cell_is(s, "2026-11", "outcomes", "total", "count", "8");
	free(s);

	settle();
	stop_daemon();
	s = csv("2026-11", "2026-11");
	/* Day one's sessions flushed at its stop, day two's at this one. */
	cell_is(s, "2026-11", "channels", "at", "sessions", "10");
	cell_is(s, "2026-11", "channels", "total", "sessions", "10");
	cell_is(s, "2026-11", "channels", "at", "requests", "8");
	/* One quick exit, one time-out: under 5, their totals too. */
	cell_is(s, "2026-11", "channels", "at", "quick_exits", "<5");
	cell_is(s, "2026-11", "channels", "total", "quick_exits", "<5");
	cell_is(s, "2026-11", "channels", "at", "timeouts", "<5");
	cell_is(s, "2026-11", "channels", "at", "optouts", "0");
	/* One unsafe: hidden, and reached hidden with it; the total shows. */
	cell_is(s, "2026-11", "outcomes", "unsafe", "count", "<5");
	cell_is(s, "2026-11", "outcomes", "reached", "count", "x");
	cell_is(s, "2026-11", "outcomes", "total", "count", "8");
	cell_is(s, "2026-11", "escalations", "all", "count", "0");
	/* Seven numbers, one of them twice: 7, rounded to 5. */
	cell_is(s, "2026-11", "callers", "all", "count", "5");
	/* Claimed and completed within the minute. */
	cell_is(s, "2026-11", "claim_time", "median", "value", "le_60");
	cell_is(s, "2026-11", "claim_time", "p90", "value", "le_60");
	cell_is(s, "2026-11", "attempt_time", "median", "value", "le_60");
	/* The fixture's menu asks neither topic nor province. */
	cell_is(s, "2026-11", "provinces", "none", "count", "8");
	cell_is(s, "2026-11", "topics", "none", "count", "8");
	/* No number of hers, no counsellor. */
	ck_assert_ptr_null(strstr(s, PHONE_NSN));
	ck_assert_ptr_null(strstr(s, "c1"));
	free(s);

	/* Text: Khmer, then English; counts in their own column. */
	ck_assert_int_eq(ctl(&out, &err, "stats", "--from", "2026-11",
	    "--to", "2026-11", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "\n  ការហៅត្រឡប់មកវិញតាមលទ្ធផល / "
	    "Callbacks by outcome\n"));
	ck_assert_ptr_nonnull(strstr(out, "\n          <5  "
	    "មិនមានសុវត្ថិភាពក្នុងការនិយាយ / Not safe to talk\n"));
	ck_assert_ptr_nonnull(strstr(out, "\n           x  បានទាក់ទង / "
	    "Reached\n"));
	ck_assert_ptr_nonnull(strstr(out, "\n  វគ្គ / Sessions\n"
	    "          10  at\n"
	    "          10  សរុប / Total\n"));
	ck_assert_ptr_nonnull(strstr(out, "\n  តាមប្រធានបទ / By topic\n"
	    "           8  មិនបានប្រាប់ / Not given\n"));
	free(out);
	free(err);
}
END_TEST

/*
 * Sessions time out quickly, and the menu records the cover story as her
 * topic too: a topic question whose choices the menu words in Khmer and
 * English, without a new screen to walk.
 */
static void
cover_as_topic(void)
{
	json_error_t	 jerr;
	json_t		*menu, *fields;
	char		*path;

	short_idle();
	path = harness_path(h, "menus/cb.json");
	ck_assert_ptr_nonnull(path);
	menu = json_load_file(path, 0, &jerr);
	ck_assert_msg(menu != NULL, "%s", jerr.text);
	fields = json_object_get(json_object_get(json_object_get(menu,
	    "nodes"), "cb_done"), "fields");
	ck_assert_ptr_nonnull(fields);
	ck_assert_int_eq(json_object_set_new(fields, "topic",
	    json_string("cover")), 0);
	ck_assert_int_eq(json_dump_file(menu, path, JSON_INDENT(2)), 0);
	json_decref(menu);
	free(path);
}

/*
 * Her topic in the menu's words: the cover story's "wrong_number" is the
 * menu's "ខុសលេខ / Wrong number" under topics, while the outcome of the
 * same code keeps the report's "លេខខុស / Wrong number"; CSV and JSON
 * carry both languages in fields of their own.
 */
START_TEST(test_menu_words)
{
	struct cb_opts	 o;
	json_error_t	 jerr;
	json_t		*root, *cells, *c;
	char		*s, *out, *err;
	size_t		 i;
	int		 seen = 0;

	memset(&o, 0, sizeof(o));
	o.escalate = 600;
	o.retry = 1;
	o.clock_start = DAY1;
	o.prepare = cover_as_topic;
	start(&o);
	request_done("st-mw-0", callers[0], "wrong_number");
	settle();
	stop_daemon();

	ck_assert_int_eq(ctl(&out, &err, "stats", "--from", "2026-11",
	    "--to", "2026-11", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "\n  តាមប្រធានបទ / By topic\n"
	    "          <5  ខុសលេខ / Wrong number\n"
	    "          <5  សរុប / Total\n"));
	ck_assert_ptr_nonnull(strstr(out, "\n          <5  លេខខុស / Wrong "
	    "number\n"));
	ck_assert_ptr_nonnull(strstr(out, "\n  តាមរាជធានី/ខេត្ត / By "
	    "province\n          <5  មិនបានប្រាប់ / Not given\n"));
	free(out);
	free(err);

	s = csv("2026-11", "2026-11");
	ck_assert_ptr_nonnull(strstr(s, "month,table,row,column,value,"
	    "table_km,table_en,row_km,row_en,column_km,column_en,value_km,"
	    "value_en\n"));
	ck_assert_ptr_nonnull(strstr(s, "\n2026-11,topics,wrong_number,"
	    "count,<5,តាមប្រធានបទ,By topic,ខុសលេខ,Wrong number,ចំនួន,Count,,"
	    "\n"));
	ck_assert_ptr_nonnull(strstr(s, "\n2026-11,claim_time,median,value,"
	    "<5,"));
	free(s);

	ck_assert_int_eq(ctl(&out, &err, "stats", "--from", "2026-11",
	    "--to", "2026-11", "--format", "json", NULL), 0);
	root = json_loads(out, 0, &jerr);
	ck_assert_msg(root != NULL, "%s: %s", jerr.text, out);
	cells = json_object_get(json_array_get(json_object_get(root,
	    "months"), 0), "cells");
	json_array_foreach(cells, i, c) {
		if (strcmp(json_string_value(json_object_get(c, "table")),
		    "topics") != 0 || strcmp(json_string_value(
		    json_object_get(c, "row")), "wrong_number") != 0)
			continue;
		ck_assert_str_eq(json_string_value(json_object_get(c,
		    "row_km")), "ខុសលេខ");
		ck_assert_str_eq(json_string_value(json_object_get(c,
		    "row_en")), "Wrong number");
		seen++;
	}
	ck_assert_int_eq(seen, 1);
	json_decref(root);
	free(out);
	free(err);
}
END_TEST

/* The JSON value of (table, row, column) in month 0 of root. */
static json_t *
json_cell(json_t *root, const char *table, const char *row,
    const char *col)
{
	json_t	*cells, *c;
	size_t	 i;

	cells = json_object_get(json_array_get(json_object_get(root,
	    "months"), 0), "cells");
	json_array_foreach(cells, i, c) {
		if (strcmp(json_string_value(json_object_get(c, "table")),
		    table) == 0 && strcmp(json_string_value(json_object_get(c,
		    "row")), row) == 0 && strcmp(json_string_value(
		    json_object_get(c, "column")), col) == 0)
			return json_object_get(c, "value");
	}
	ck_abort_msg("no cell %s/%s/%s", table, row, col);
	return NULL;
}

/* Add count to the aggregates of h's database (seeding). */
static void
seed(const char *day, const char *channel, const char *metric,
    const char *key, int count)
{
	char	*sql;

	sql = sqlite3_mprintf("INSERT INTO stats_day VALUES (%Q, %Q, %Q, %Q,"
	    " %d)", day, channel, metric, key, count);
	db_write(sql);
	sqlite3_free(sql);
}

/*
 * A seeded database of two channels and two months: small cells, their
 * complements across channels, months apart, JSON numbers and strings.
 */
START_TEST(test_seeded)
{
	json_error_t	 jerr;
	json_t		*root;
	char		*s, *out, *err;

	start_at(DAY2);
	stop_daemon();
	seed("2026-10-02", "at", "sessions", "", 30);
	seed("2026-10-20", "at", "sessions", "", 10);
	seed("2026-10-03", "sms", "sessions", "", 3);
	seed("2026-10-03", "at", "requests", "", 12);
	seed("2026-10-04", "sms", "requests", "", 9);
	seed("2026-10-04", "sms", "optouts", "", 2);
	seed("2026-10-05", "at", "outcome", "reached", 7);
	seed("2026-10-05", "at", "outcome", "no_answer", 6);
	seed("2026-10-05", "sms", "outcome", "wrong_number", 1);
	seed("2026-11-01", "at", "sessions", "", 4);
	/* A key that is not a label never prints. */
	seed("2026-10-06", "at", "outcome", "+85512345678", 9);

	s = csv("2026-10", "2026-11");
	/* sms's 3 sessions hide; at's 40 hides with them; total shows. */
	cell_is(s, "2026-10", "channels", "sms", "sessions", "<5");
	cell_is(s, "2026-10", "channels", "at", "sessions", "x");
	cell_is(s, "2026-10", "channels", "total", "sessions", "43");
	cell_is(s, "2026-10", "channels", "at", "requests", "12");
	cell_is(s, "2026-10", "channels", "sms", "requests", "9");
	cell_is(s, "2026-10", "channels", "total", "requests", "21");
	cell_is(s, "2026-10", "channels", "sms", "optouts", "<5");
	cell_is(s, "2026-10", "channels", "total", "optouts", "<5");
	/* One wrong number: the smallest other outcome hides with it. */
	cell_is(s, "2026-10", "outcomes", "wrong_number", "count", "<5");
	cell_is(s, "2026-10", "outcomes", "no_answer", "count", "x");
	cell_is(s, "2026-10", "outcomes", "reached", "count", "7");
	cell_is(s, "2026-10", "outcomes", "other", "count", "9");
	cell_is(s, "2026-10", "outcomes", "total", "count", "23");
	ck_assert_ptr_null(strstr(s, "85512345678"));
	/* November apart: its 4 sessions are under 5. */
	cell_is(s, "2026-11", "channels", "at", "sessions", "<5");
	free(s);

	ck_assert_int_eq(ctl(&out, &err, "stats", "--from", "2026-10",
	    "--to", "2026-10", "--format", "json", NULL), 0);
	root = json_loads(out, 0, &jerr);
	ck_assert_msg(root != NULL, "%s: %s", jerr.text, out);
	ck_assert_int_eq(json_integer_value(json_object_get(root, "k")), 5);
	ck_assert_str_eq(json_string_value(json_cell(root, "channels", "sms",
	    "sessions")), "<5");
	ck_assert_str_eq(json_string_value(json_cell(root, "channels", "at",
	    "sessions")), "x");
	ck_assert_int_eq(json_integer_value(json_cell(root, "channels",
	    "total", "sessions")), 43);
	ck_assert_int_eq(json_integer_value(json_cell(root, "outcomes",
	    "reached", "count")), 7);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    json_object_get(root, "labels"), "sessions"), "km")), "វគ្គ");
	json_decref(root);
	free(out);
	free(err);

	/* k = 3: the 3 sessions show, and nothing hides for them. */
	conf_set_int("stats.k", 3);
	s = csv("2026-10", "2026-10");
	cell_is(s, "2026-10", "channels", "sms", "sessions", "3");
	cell_is(s, "2026-10", "channels", "at", "sessions", "40");
	cell_is(s, "2026-10", "channels", "sms", "optouts", "<3");
	free(s);
}
END_TEST

/* Bad periods and formats are usage errors; k under 3 is refused. */
START_TEST(test_refused)
{
	char	*out, *err;

	start_at(DAY2);
	stop_daemon();
	ck_assert_int_eq(ctl(&out, &err, "stats", "--from", "2026-11",
	    "--to", "2026-10", NULL), 2);
	ck_assert_ptr_nonnull(strstr(err, "--from 2026-11 is after --to "
	    "2026-10"));
	ck_assert_str_eq(out, "");
	free(out);
	free(err);
	ck_assert_int_eq(ctl(&out, &err, "stats", "--from", "2026-13",
	    "--to", "2026-11", NULL), 2);
	ck_assert_ptr_nonnull(strstr(err, "--from 2026-13: not a month"));
	free(out);
	free(err);
	ck_assert_int_eq(ctl(&out, &err, "stats", "--from", "2026-11",
	    "--to", "2026-11-01", NULL), 2);
	ck_assert_ptr_nonnull(strstr(err, "--to 2026-11-01: not a month"));
	free(out);
	free(err);
	ck_assert_int_eq(ctl(&out, &err, "stats", "--from", "2026-11",
	    "--to", "2026-12", NULL), 2);
	ck_assert_ptr_nonnull(strstr(err, "the month has not come yet"));
	free(out);
	free(err);
	ck_assert_int_eq(ctl(&out, &err, "stats", "--from", "2026-11",
	    "--to", "2026-11", "--format", "xml", NULL), 2);
	ck_assert_ptr_nonnull(strstr(err, "--format xml"));
	free(out);
	free(err);
	ck_assert_int_eq(ctl(&out, &err, "stats", NULL), 2);
	free(out);
	free(err);

	/* Three days into a month: shorter than a week. */
	set_conf("2026-11-03T10:00:00+07:00", 0);
	ck_assert_int_eq(ctl(&out, &err, "stats", "--from", "2026-10",
	    "--to", "2026-11", NULL), 2);
	ck_assert_ptr_nonnull(strstr(err, "only 3 days of it so far"));
	ck_assert_str_eq(out, "");
	free(out);
	free(err);

	conf_set_int("stats.k", 2);
	ck_assert_int_eq(ctl(&out, &err, "stats", "--from", "2026-10",
	    "--to", "2026-10", NULL), 1);
	ck_assert_ptr_nonnull(strstr(err, "/stats/k"));
	ck_assert_str_eq(out, "");
	free(out);
	free(err);
}
END_TEST

static Suite *
stats_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("stats");
	tc = tcase_create("stats");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, test_two_days);
	tcase_add_test(tc, test_seeded);
	tcase_add_test(tc, test_menu_words);
	tcase_add_test(tc, test_refused);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return flow_run("check_stats", stats_suite());
}
