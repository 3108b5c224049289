/* SPDX-License-Identifier: ISC */
/*
 * check_diag: the list of problems and warnings a person must read.
 * Problems and warnings are counted and kept apart, in the order they
 * came; diag_at and diag_warn_at name "file:line:col: pointer:" when the
 * position is known (the value, or the member name when asked) and
 * "file: pointer:" when it is not; printing adds the caller's prefix.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "diag.h"
#include "jsonpos.h"

/*
 * A small configuration. Line 3 puts the key "idle_timeout" at column 5
 * and its value at column 21; line 4's key holds a '/' (pointer "~1").
 */
static const char conf_doc[] =
    "{\n"					/* 1 */
    "  \"session\": {\n"			/* 2 */
    "    \"idle_timeout\": 1,\n"		/* 3 */
    "    \"a/b\": [true, \"x\"]\n"		/* 4 */
    "  }\n"					/* 5 */
    "}\n";					/* 6 */

static struct diag	*d;

/* A fresh list for every test. */
static void
setup(void)
{
	d = diag_new();
	ck_assert_ptr_nonnull(d);
}

/* Free it (under ASan, every line must go with it). */
static void
teardown(void)
{
	diag_free(d);
	d = NULL;
}

/* The positions of conf_doc. */
static struct jsonpos *
doc_positions(void)
{
	struct jsonpos	*jp;

	jp = jsonpos_scan(conf_doc, strlen(conf_doc));
	ck_assert_ptr_nonnull(jp);
	return jp;
}

/* What the print function wrote to fp, as a new string. */
static char *
read_back(FILE *fp)
{
	char	*buf;
	long	 n;

	ck_assert_int_eq(fflush(fp), 0);
	n = ftell(fp);
	ck_assert_int_ge(n, 0);
	rewind(fp);
	buf = calloc(1, (size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	return buf;
}

/* An empty list has nothing; out-of-range indexes are NULL. */
START_TEST(test_empty)
{
	ck_assert_uint_eq(diag_count(d), 0);
	ck_assert_uint_eq(diag_warnings(d), 0);
	ck_assert_ptr_null(diag_get(d, 0));
	ck_assert_ptr_null(diag_warning(d, 0));
}
END_TEST

/* Problems and warnings are counted apart and never mixed. */
START_TEST(test_counts)
{
	diag_add(d, "first %s", "problem");
	diag_warn_at(d, "h.conf", NULL, "/token", 0, "a sample token");
	diag_add(d, "second, %d", 2);
	ck_assert_uint_eq(diag_count(d), 2);
	ck_assert_uint_eq(diag_warnings(d), 1);
	ck_assert_str_eq(diag_get(d, 0), "first problem");
	ck_assert_str_eq(diag_get(d, 1), "second, 2");
	ck_assert_ptr_null(diag_get(d, 2));
	ck_assert_str_eq(diag_warning(d, 0), "h.conf: /token: a sample token");
	ck_assert_ptr_null(diag_warning(d, 1));

	/* Warnings alone never make a problem. */
	diag_free(d);
	d = diag_new();
	ck_assert_ptr_nonnull(d);
	diag_warn_at(d, "m.json", NULL, "", 0, "placeholder left in");
	diag_warn_at(d, "m.json", NULL, "/x", 1, "another");
	ck_assert_uint_eq(diag_count(d), 0);
	ck_assert_uint_eq(diag_warnings(d), 2);
	ck_assert_ptr_null(diag_get(d, 0));
}
END_TEST

/* A known position: file:line:col of the value, or of the member name. */
START_TEST(test_at_positions)
{
	struct jsonpos	*jp = doc_positions();

	diag_at(d, "h.conf", jp, "/session/idle_timeout", 0,
	    "must be within %d..%d", 5, 3600);
	diag_at(d, "h.conf", jp, "/session/idle_timeout", 1,
	    "unknown key \"%s\"", "idle_timeout");
	diag_at(d, "h.conf", jp, "/session", 0, "value");
	diag_at(d, "h.conf", jp, "/session", 1, "key");
	/* The whole document is "/" in the message. */
	diag_at(d, "h.conf", jp, "", 0, "must be an object");
	/* An escaped pointer is kept as it was given. */
	diag_at(d, "h.conf", jp, "/session/a~1b", 1, "escaped");
	diag_at(d, "h.conf", jp, "/session/a~1b/1", 0, "element");
	/* No member name for an array element: its value is used. */
	diag_at(d, "h.conf", jp, "/session/a~1b/1", 1, "element key");
	ck_assert_uint_eq(diag_count(d), 8);
	ck_assert_str_eq(diag_get(d, 0), "h.conf:3:21: /session/idle_timeout: "
	    "must be within 5..3600");
	ck_assert_str_eq(diag_get(d, 1), "h.conf:3:5: /session/idle_timeout: "
	    "unknown key \"idle_timeout\"");
	ck_assert_str_eq(diag_get(d, 2), "h.conf:2:14: /session: value");
	ck_assert_str_eq(diag_get(d, 3), "h.conf:2:3: /session: key");
	ck_assert_str_eq(diag_get(d, 4), "h.conf:1:1: /: must be an object");
	ck_assert_str_eq(diag_get(d, 5), "h.conf:4:5: /session/a~1b: escaped");
	ck_assert_str_eq(diag_get(d, 6), "h.conf:4:19: /session/a~1b/1: "
	    "element");
	ck_assert_str_eq(diag_get(d, 7), "h.conf:4:19: /session/a~1b/1: "
	    "element key");
	ck_assert_uint_eq(diag_warnings(d), 0);

	/* Warnings are located the same way. */
	diag_warn_at(d, "h.conf", jp, "/session/idle_timeout", 0, "low");
	diag_warn_at(d, "h.conf", jp, "/session/idle_timeout", 1, "odd");
	ck_assert_uint_eq(diag_warnings(d), 2);
	ck_assert_str_eq(diag_warning(d, 0),
	    "h.conf:3:21: /session/idle_timeout: low");
	ck_assert_str_eq(diag_warning(d, 1),
	    "h.conf:3:5: /session/idle_timeout: odd");
	ck_assert_uint_eq(diag_count(d), 8);
	jsonpos_free(jp);
}
END_TEST

/* An unknown position: "file: pointer: message". */
START_TEST(test_at_no_positions)
{
	struct jsonpos	*jp = doc_positions();

	diag_at(d, "menus/main.json", NULL, "/nodes/main/options/2", 0,
	    "option \"%s\" points to unknown node \"%s\"", "3", "rights");
	diag_at(d, "menus/main.json", NULL, "/nodes/main", 1, "key");
	diag_at(d, "menus/main.json", NULL, "", 0, "not JSON");
	/* A pointer the document does not hold, with positions. */
	diag_at(d, "h.conf", jp, "/session/nope", 0, "missing");
	diag_at(d, "h.conf", jp, "/session/nope", 1, "missing key");
	ck_assert_uint_eq(diag_count(d), 5);
	ck_assert_str_eq(diag_get(d, 0), "menus/main.json: "
	    "/nodes/main/options/2: option \"3\" points to unknown node "
	    "\"rights\"");
	ck_assert_str_eq(diag_get(d, 1), "menus/main.json: /nodes/main: key");
	ck_assert_str_eq(diag_get(d, 2), "menus/main.json: /: not JSON");
	ck_assert_str_eq(diag_get(d, 3), "h.conf: /session/nope: missing");
	ck_assert_str_eq(diag_get(d, 4), "h.conf: /session/nope: missing key");
	jsonpos_free(jp);
}
END_TEST

/* Lines come back in the order they were added, past any growth. */
START_TEST(test_order)
{
	char	 want[32];
	int	 i;

	for (i = 0; i < 40; i++) {
		diag_add(d, "problem %d", i);
		if (i % 2 == 0)
			diag_warn_at(d, "f", NULL, "/w", 0, "warning %d", i);
	}
	ck_assert_uint_eq(diag_count(d), 40);
	ck_assert_uint_eq(diag_warnings(d), 20);
	for (i = 0; i < 40; i++) {
		snprintf(want, sizeof(want), "problem %d", i);
		ck_assert_str_eq(diag_get(d, (size_t)i), want);
	}
	for (i = 0; i < 20; i++) {
		snprintf(want, sizeof(want), "f: /w: warning %d", 2 * i);
		ck_assert_str_eq(diag_warning(d, (size_t)i), want);
	}
	ck_assert_ptr_null(diag_get(d, 40));
	ck_assert_ptr_null(diag_warning(d, 20));
}
END_TEST

/* Printing: one line each, the prefix first; warnings say so. */
START_TEST(test_print)
{
	FILE	*fp;
	char	*out;

	diag_add(d, "h.conf:4:1: syntax");
	diag_at(d, "h.conf", NULL, "/listen/port", 0, "must be within 0..%d",
	    65535);
	diag_warn_at(d, "roster.json", NULL, "/people/0/token", 0,
	    "a sample token");

	fp = tmpfile();
	ck_assert_ptr_nonnull(fp);
	diag_print(d, fp, "hotlined: ");
	out = read_back(fp);
	ck_assert_str_eq(out, "hotlined: h.conf:4:1: syntax\n"
	    "hotlined: h.conf: /listen/port: must be within 0..65535\n");
	free(out);
	fclose(fp);

	fp = tmpfile();
	ck_assert_ptr_nonnull(fp);
	diag_print_warnings(d, fp, "hotlined: ");
	out = read_back(fp);
	ck_assert_str_eq(out, "hotlined: warning: roster.json: "
	    "/people/0/token: a sample token\n");
	free(out);
	fclose(fp);

	/* An empty prefix, and an empty list, print exactly that. */
	fp = tmpfile();
	ck_assert_ptr_nonnull(fp);
	diag_print(d, fp, "");
	diag_free(d);
	d = diag_new();
	ck_assert_ptr_nonnull(d);
	diag_print(d, fp, "x: ");
	diag_print_warnings(d, fp, "x: ");
	out = read_back(fp);
	ck_assert_str_eq(out, "h.conf:4:1: syntax\n"
	    "h.conf: /listen/port: must be within 0..65535\n");
	free(out);
	fclose(fp);
}
END_TEST

/* A long message is kept whole. */
START_TEST(test_long)
{
	char	 big[2000];

	memset(big, 'k', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	diag_at(d, "f", NULL, "/p", 0, "%s", big);
	ck_assert_uint_eq(strlen(diag_get(d, 0)), strlen("f: /p: ") +
	    sizeof(big) - 1);
	ck_assert_int_eq(strncmp(diag_get(d, 0), "f: /p: kkk", 10), 0);
}
END_TEST

/* diag_free takes NULL, and a list holding both kinds of lines. */
START_TEST(test_free)
{
	struct diag	*e;

	diag_free(NULL);
	e = diag_new();
	ck_assert_ptr_nonnull(e);
	diag_add(e, "one");
	diag_warn_at(e, "f", NULL, "", 0, "two");
	diag_free(e);
}
END_TEST

/* The suite. */
static Suite *
diag_suite(void)
{
	Suite	*s = suite_create("diag");
	TCase	*tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_counts);
	tcase_add_test(tc, test_at_positions);
	tcase_add_test(tc, test_at_no_positions);
	tcase_add_test(tc, test_order);
	tcase_add_test(tc, test_print);
	tcase_add_test(tc, test_long);
	tcase_add_test(tc, test_free);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the suite. */
int
main(void)
{
	SRunner	*sr = srunner_create(diag_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
