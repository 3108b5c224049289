/* SPDX-License-Identifier: ISC */
/*
 * Integration tests for `hotlinectl simulate`: the real hotlined, started
 * by harness.c on a copy of tests/data/ussd, dialled by the real
 * hotlinectl with --script. The screens must come boxed, wrapped without
 * breaking a Khmer cluster and losing nothing, with the encoding and the
 * units src/text.c measures; an END stops the session; a hang-up sends
 * the end-of-session notice; a wrong token or no daemon is exit 1; the
 * phone number and the token are never printed. Needs HOTLINED_BIN,
 * HOTLINECTL_BIN and TOP_SRCDIR.
 */
#include <sys/wait.h>

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <curl/curl.h>
#include <jansson.h>

#include "harness.h"
#include "text.h"

#define ZWSP		"\xe2\x80\x8b"	/* U+200B, a Khmer word break */
#define KA		"\xe1\x9e\x80"	/* U+1780, a consonant */

/* Screens of tests/data/ussd/menus/test.json (as check_ussd.c has them). */
#define KM_WELCOME	"សូមស្វាគមន៍"
#define KM_URGENT	"1. ជំនួយបន្ទាន់"
#define KM_MAIN		KM_WELCOME "\n" KM_URGENT "\n2. សុវត្ថិភាព\n" \
			"3. ហៅមកវិញ\n4. English\n99. ចាកចេញ"
#define KM_TIPS_P0	"ត្រៀមលេខទូរស័ព្ទ" ZWSP "និងឯកសារ" ZWSP \
			"ឱ្យរួចរាល់។ គិតទុកកន្លែង"
#define KM_FOOT		"\n98. បន្ទាប់\n0. ថយក្រោយ"
#define EN_TIPS		"Keep important numbers and papers ready. Plan a " \
			"safe place to go. Agree a signal with a neighbour " \
			"you trust."
#define EN_FOOT		"\n98. More\n0. Back"
#define EN_DANGER	"Police 117"

#define BORDER22	"+------------------------+\n"	/* 22 columns */
#define TOKEN		"simulate-token-0123456789abcdef"
#define PHONE_DIGITS	"98765432"

static struct harness	*h;	/* the daemon of the running test */

/* The daemon must stop cleanly; no setup: each test starts from h NULL. */
static void
teardown(void)
{
	harness_check_stop(&h);
}

/*
 * Run hotlinectl simulate -c <the fixture's conf> --url <port> with the
 * arguments that follow (NULL-ended); its output in *out and *err (new).
 * Returns its exit status.
 */
static int
simulate(int port, char **out, char **err, ...)
{
	char		*argv[24], *conf, *url;
	const char	*a;
	va_list		 ap;
	size_t		 n = 0;
	int		 st;

	conf = harness_path(h, "hotlined.conf");
	ck_assert_ptr_nonnull(conf);
	ck_assert_int_ne(asprintf(&url, "http://127.0.0.1:%d", port), -1);
	argv[n++] = getenv("HOTLINECTL_BIN");
	argv[n++] = (char *)"simulate";
	argv[n++] = (char *)"-c";
	argv[n++] = conf;
	argv[n++] = (char *)"--url";
	argv[n++] = url;
	va_start(ap, err);
	while ((a = va_arg(ap, const char *)) != NULL) {
		ck_assert_uint_lt(n, sizeof(argv) / sizeof(argv[0]) - 1);
		argv[n++] = (char *)a;
	}
	va_end(ap);
	argv[n] = NULL;
	ck_assert_int_eq(harness_run(argv, harness_slow_ms(20000), &st, out,
	    err), 0);
	free(conf);
	free(url);
	ck_assert_msg(WIFEXITED(st), "hotlinectl did not exit");
	return WEXITSTATUS(st);
}

/* The status line simulate prints under a screen of text, as text.c counts. */
static char *
status_line(const char *kind, const char *text, size_t gsm7, size_t ucs2,
    const char *tail)
{
	enum text_encoding	 enc = text_encoding_of(text, strlen(text));
	size_t			 used = text_measure(text, strlen(text), enc);
	size_t			 limit = enc == TEXT_GSM7 ? gsm7 : ucs2;
	char			*l;

	ck_assert_uint_le(used, limit);
	ck_assert_int_ne(asprintf(&l, "\n%s %s %zu/%zu units, %zu left%s\n",
	    kind, text_encoding_name(enc), used, limit, limit - used, tail),
	    -1);
	return l;
}

/* Assert that hay holds needle. */
static void
has(const char *hay, const char *needle)
{
	ck_assert_msg(strstr(hay, needle) != NULL, "no \"%s\" in:\n%s",
	    needle, hay);
}

/* Number of times needle occurs in hay. */
static size_t
count(const char *hay, const char *needle)
{
	size_t	 n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/*
 * The content of screen i (0 is the first) of out: its rows between the
 * borders, each "| ... |" without the frame and the padding, joined with
 * '\n' (new string); *rows gets their number.
 */
static char *
screen(const char *out, size_t i, size_t *rows)
{
	const char	*p = out, *e, *nl;
	char		*s = NULL, *t;
	size_t		 len;

	for (; i > 0; i--) {
		p = strstr(p, "\n+-");
		ck_assert_ptr_nonnull(p);
		p = strstr(p + 1, "\n+-");	/* its bottom border */
		ck_assert_ptr_nonnull(p);
		p++;
	}
	p = strstr(p, "\n+-");
	ck_assert_ptr_nonnull(p);
	p = strchr(p + 1, '\n') + 1;
	e = strstr(p, "\n+-");
	ck_assert_ptr_nonnull(e);
	*rows = 0;
	while (p <= e) {
		nl = strchr(p, '\n');
		ck_assert_msg(strncmp(p, "| ", 2) == 0 && nl - p >= 4 &&
		    strncmp(nl - 2, " |", 2) == 0, "not a row: %.*s",
		    (int)(nl - p), p);
		len = (size_t)(nl - 2 - (p + 2));
		while (len > 0 && p[2 + len - 1] == ' ')
			len--;
		ck_assert_int_ne(asprintf(&t, "%s%s%.*s", s != NULL ? s : "",
		    s != NULL ? "\n" : "", (int)len, p + 2), -1);
		free(s);
		s = t;
		(*rows)++;
		p = nl + 1;
	}
	return s;
}

/* s without its spaces, newlines and U+200B (new string). */
static char *
squeeze(const char *s)
{
	char	*o = malloc(strlen(s) + 1), *q = o;

	ck_assert_ptr_nonnull(o);
	while (*s != '\0') {
		if (*s == ' ' || *s == '\n')
			s++;
		else if (strncmp(s, ZWSP, 3) == 0)
			s += 3;
		else
			*q++ = *s++;
	}
	*q = '\0';
	return o;
}

/*
 * The first screen of the Khmer menu, boxed at 22 columns, with its
 * encoding and the units text_measure counts; then the script ends, the
 * phone hangs up and its end-of-session notice wipes the session at once
 * (it would otherwise live for the idle time-out).
 */
START_TEST(test_khmer_first_screen)
{
	char	*out, *err, *st, *scr;
	size_t	 rows;

	h = harness_check_new("tests/data/ussd");
	harness_check_launch(h);
	ck_assert_int_eq(simulate(harness_port(h), &out, &err, "--script", "",
	    NULL), 0);
	has(out, "channel at (africastalking) at http://127.0.0.1:");
	has(out, "phone: the fake test number, screen 22 columns\n");
	has(out, "\n" BORDER22 "| " KM_WELCOME " ");
	has(out, "\n| " KM_URGENT " ");
	st = status_line("CON", KM_MAIN, 182, 80, "");
	has(out, st);
	ck_assert(strstr(st, "UCS-2") != NULL);
	ck_assert_uint_eq(count(out, BORDER22), 2);
	scr = screen(out, 0, &rows);
	ck_assert_str_eq(scr, KM_MAIN);
	ck_assert_uint_eq(rows, 6);
	ck_assert_msg(strstr(out, "\n(hung up)\n") != NULL, "%s", out);
	ck_assert_msg(*err == '\0', "stderr: %s", err);
	ck_assert_int_eq(harness_counter(h, "sessions"), 0);
	free(scr);
	free(st);
	free(out);
	free(err);
}
END_TEST

/*
 * A script through the language switch, a long English screen (GSM-7,
 * wrapped at word breaks) and back to the main menu, to an END: every
 * screen is printed, the END one says the session ended, exit 0.
 */
START_TEST(test_script_to_end)
{
	char	*out, *err, *st, *scr, *want, *got;
	size_t	 rows;

	h = harness_check_new("tests/data/ussd");
	harness_check_launch(h);
	ck_assert_int_eq(simulate(harness_port(h), &out, &err, "--script",
	    "4,2,00,1", NULL), 0);
	ck_assert_uint_eq(count(out, BORDER22), 10);
	has(out, "\n> 4\n");
	has(out, "\n> 00\n");
	st = status_line("CON", EN_TIPS EN_FOOT, 182, 80, "");
	ck_assert(strstr(st, "GSM-7") != NULL);
	has(out, st);
	free(st);
	has(out, "\n| Keep important numbers |\n| and papers ready. Plan |\n");
	scr = screen(out, 2, &rows);
	want = squeeze(EN_TIPS EN_FOOT);
	got = squeeze(scr);
	ck_assert_str_eq(got, want);
	ck_assert_uint_eq(rows, 7);
	free(got);
	free(scr);
	free(want);
	st = status_line("END", EN_DANGER, 182, 80, ": the session ended");
	has(out, "\n| " EN_DANGER "             |\n" BORDER22);
	has(out, st);
	ck_assert_msg(strstr(out, "hung up") == NULL, "%s", out);
	ck_assert_msg(*err == '\0', "stderr: %s", err);
	ck_assert_int_eq(harness_counter(h, "sessions"), 0);
	free(st);
	free(out);
	free(err);

	/* Answers left over when the session ends are said on stderr. */
	ck_assert_int_eq(simulate(harness_port(h), &out, &err, "--script",
	    "1,2,3", NULL), 0);
	ck_assert_uint_eq(count(out, BORDER22), 4);
	has(err, "the session ended with 2 answers of --script unused");
	free(out);
	free(err);
}
END_TEST

/*
 * On a narrow screen a Khmer line is cut into rows, never inside a
 * cluster (no row starts with a mark or follows a COENG), and the rows
 * hold the screen exactly, less the break characters.
 */
START_TEST(test_khmer_narrow)
{
	char	*out, *err, *scr, *a, *b, *row, *nl, *t;
	size_t	 rows, len;

	h = harness_check_new("tests/data/ussd");
	harness_check_launch(h);
	ck_assert_int_eq(simulate(harness_port(h), &out, &err, "--width",
	    "10", "--script", "2", NULL), 0);
	has(out, "\n+------------+\n");
	scr = screen(out, 1, &rows);
	ck_assert_uint_gt(rows, 5);	/* 3 lines, the first cut in 3+ */
	a = squeeze(scr);
	b = squeeze(KM_TIPS_P0 KM_FOOT);
	ck_assert_str_eq(a, b);
	for (row = scr; row != NULL; row = nl != NULL ? nl + 1 : NULL) {
		nl = strchr(row, '\n');
		len = nl != NULL ? (size_t)(nl - row) : strlen(row);
		ck_assert_int_ne(asprintf(&t, KA "%.*s" KA, (int)len, row),
		    -1);
		ck_assert_msg(text_cut_ok(t, strlen(t), strlen(KA)) &&
		    text_cut_ok(t, strlen(t), strlen(KA) + len),
		    "row splits a cluster: %.*s", (int)len, row);
		free(t);
	}
	free(a);
	free(b);
	free(scr);
	free(out);
	free(err);
}
END_TEST

/*
 * A channel with a path token: simulate takes it from the configuration;
 * a wrong one from --token-file is a 403, exit 1. Neither token nor the
 * phone number given is ever printed.
 */
START_TEST(test_token)
{
	json_t		*root, *at;
	json_error_t	 jerr;
	char		*conf, *text, *out, *err;

	h = harness_check_new("tests/data/ussd");
	conf = harness_path(h, "hotlined.conf");
	root = json_load_file(conf, 0, &jerr);
	ck_assert_msg(root != NULL, "%s", jerr.text);
	at = json_array_get(json_object_get(root, "channels"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(at, "name")),
	    "at");
	json_object_set_new(at, "token", json_string(TOKEN));
	json_object_set_new(at, "token_in", json_string("path"));
	text = json_dumps(root, JSON_INDENT(2));
	ck_assert_int_eq(harness_write_file(h, "hotlined.conf", text), 0);
	ck_assert_int_eq(harness_write_file(h, "wrong.token",
	    "not-the-token-0123456789\n"), 0);
	free(text);
	json_decref(root);
	free(conf);
	harness_check_launch(h);

	ck_assert_int_eq(simulate(harness_port(h), &out, &err, "--phone",
	    "+855" PHONE_DIGITS, "--script", "1", NULL), 0);
	has(out, "/ussd/africastalking/<token>\n");
	has(out, "phone: as given,");
	has(out, "\n| " KM_WELCOME " ");
	ck_assert(strstr(out, TOKEN) == NULL && strstr(err, TOKEN) == NULL);
	ck_assert(strstr(out, PHONE_DIGITS) == NULL &&
	    strstr(err, PHONE_DIGITS) == NULL);
	free(out);
	free(err);

	conf = harness_path(h, "wrong.token");
	ck_assert_int_eq(simulate(harness_port(h), &out, &err, "--phone",
	    "+855" PHONE_DIGITS, "--token-file", conf, "--script", "1",
	    NULL), 1);
	has(err, "answered HTTP 403");
	ck_assert_msg(strstr(out, "+--") == NULL, "%s", out);
	ck_assert(strstr(out, "not-the-token") == NULL &&
	    strstr(err, "not-the-token") == NULL);
	ck_assert(strstr(out, PHONE_DIGITS) == NULL &&
	    strstr(err, PHONE_DIGITS) == NULL);
	free(conf);
	free(out);
	free(err);
}
END_TEST

/* No daemon on the port: exit 1 and why; a channel of another format: 2. */
START_TEST(test_unreachable)
{
	char	*out, *err;
	int	 port, st;

	h = harness_check_new("tests/data/ussd");
	harness_check_launch(h);
	port = harness_port(h);
	ck_assert_int_eq(simulate(port, &out, &err, "--channel", "gform",
	    "--script", "", NULL), 2);
	has(err, "channel \"gform\" is of type generic");
	free(out);
	free(err);
	ck_assert_int_eq(harness_signal(h, SIGTERM), 0);
	ck_assert_int_eq(harness_wait_exit(h, 10000, &st), 0);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_int_eq(simulate(port, &out, &err, "--script", "1", NULL),
	    1);
	has(err, "cannot reach http://127.0.0.1:");
	ck_assert_msg(strstr(out, "+--") == NULL, "%s", out);
	free(out);
	free(err);
}
END_TEST

static Suite *
simulate_suite(void)
{
	Suite	*s = suite_create("simulate");
	TCase	*tc;

	tc = tcase_create("simulate");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_khmer_first_screen);
	tcase_add_test(tc, test_script_to_end);
	tcase_add_test(tc, test_khmer_narrow);
	tcase_add_test(tc, test_token);
	tcase_add_test(tc, test_unreachable);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	const char	*ctl = getenv("HOTLINECTL_BIN");

	if (ctl == NULL || access(ctl, X_OK) == -1) {
		fprintf(stderr, "check_simulate: set HOTLINECTL_BIN to the "
		    "built hotlinectl\n");
		return EXIT_FAILURE;
	}
	return harness_main("check_simulate", simulate_suite());
}
