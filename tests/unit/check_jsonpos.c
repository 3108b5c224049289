/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for jsonpos.c: exact line:column of values and member names
 * looked up by JSON Pointer, columns in code points, pointer escaping, and
 * refusal of malformed text.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "jsonpos.h"

/*
 * A menu-like document. Lines are indented with tabs (one column each).
 * Line 5 holds six Khmer code points (18 bytes) before "lang", and line 9
 * one ("៣", 3 bytes) before "next", so byte counting would be caught.
 */
static const char menu_doc[] =
    "{\n"						/* 1 */
    "\t\"version\": 1,\n"				/* 2 */
    "\t\"nodes\": {\n"					/* 3 */
    "\t\t\"main\": {\n"					/* 4 */
    "\t\t\t\"text\": \"សួស្តី\", \"lang\": \"km\",\n"	/* 5 */
    "\t\t\t\"options\": [\n"				/* 6 */
    "\t\t\t\t{\"key\": \"1\", \"next\": \"rights\"},\n"	/* 7 */
    "\t\t\t\t{\"key\": \"2\", \"next\": \"help\"},\n"	/* 8 */
    "\t\t\t\t{\"key\": \"៣\", \"next\": \"counsel\"}\n"	/* 9 */
    "\t\t\t]\n"						/* 10 */
    "\t\t}\n"						/* 11 */
    "\t},\n"						/* 12 */
    "\t\"a/b~c\": [true, false, null, -1.5e3],\n"	/* 13 */
    "\t\"\\u00e9t\\u00e9\": {\"x\": 0},\n"		/* 14 */
    "\t\"emoji\\ud83d\\ude00\": 7,\n"			/* 15 */
    "\t\"dup\": 1,\n"					/* 16 */
    "\t\"dup\": [2]\n"					/* 17 */
    "}\n";						/* 18 */

/*
 * Scan len bytes of text from an exact-size heap copy, so that a sanitizer
 * build catches any read past len, and the copy is gone before look-ups.
 */
static struct jsonpos *
scan_copy(const char *text, size_t len)
{
	struct jsonpos	*jp;
	char		*copy;

	copy = malloc(len > 0 ? len : 1);
	ck_assert_ptr_nonnull(copy);
	if (len > 0)
		memcpy(copy, text, len);
	jp = jsonpos_scan(text != NULL ? copy : NULL, len);
	free(copy);
	return jp;
}

/* Scan a NUL-terminated text, failing the test if scanning fails. */
static struct jsonpos *
scan_ok(const char *text)
{
	struct jsonpos	*jp;

	jp = scan_copy(text, strlen(text));
	ck_assert_msg(jp != NULL, "jsonpos_scan failed on \"%.60s\"", text);
	return jp;
}

/* Check that the value at pointer is at line:col. */
static void
value_at(const struct jsonpos *jp, const char *pointer, int line, int col)
{
	int	 l = -1, c = -1;

	ck_assert_msg(jsonpos_value(jp, pointer, &l, &c) == 0,
	    "no value at \"%s\"", pointer);
	ck_assert_msg(l == line && c == col,
	    "value \"%s\": got %d:%d, want %d:%d", pointer, l, c, line, col);
}

/* Check that the member name of pointer is at line:col. */
static void
key_at(const struct jsonpos *jp, const char *pointer, int line, int col)
{
	int	 l = -1, c = -1;

	ck_assert_msg(jsonpos_key(jp, pointer, &l, &c) == 0,
	    "no key at \"%s\"", pointer);
	ck_assert_msg(l == line && c == col,
	    "key \"%s\": got %d:%d, want %d:%d", pointer, l, c, line, col);
}

/* Check that pointer names no value and no key, leaving outputs alone. */
static void
absent(const struct jsonpos *jp, const char *pointer)
{
	int	 l = -7, c = -7;

	ck_assert_msg(jsonpos_value(jp, pointer, &l, &c) == -1,
	    "unexpected value at \"%s\"", pointer);
	ck_assert_msg(jsonpos_key(jp, pointer, &l, &c) == -1,
	    "unexpected key at \"%s\"", pointer);
	ck_assert_int_eq(l, -7);
	ck_assert_int_eq(c, -7);
}

/* Check that scanning len bytes of text fails. */
static void
scan_fails(const char *text, size_t len)
{
	struct jsonpos	*jp;

	jp = scan_copy(text, len);
	/* Check's failure messages are short: show at most 60 bytes. */
	ck_assert_msg(jp == NULL, "jsonpos_scan accepted \"%.*s\" (%zu bytes)",
	    len > 60 ? 60 : (int)len, text != NULL ? text : "", len);
}

/* Values of the nested menu document, including after Khmer text. */
START_TEST(test_values)
{
	struct jsonpos	*jp;

	jp = scan_ok(menu_doc);
	value_at(jp, "", 1, 1);
	value_at(jp, "/version", 2, 13);
	value_at(jp, "/nodes", 3, 11);
	value_at(jp, "/nodes/main", 4, 11);
	value_at(jp, "/nodes/main/text", 5, 12);
	value_at(jp, "/nodes/main/lang", 5, 30);
	value_at(jp, "/nodes/main/options", 6, 15);
	value_at(jp, "/nodes/main/options/0", 7, 5);
	value_at(jp, "/nodes/main/options/0/next", 7, 26);
	value_at(jp, "/nodes/main/options/1/key", 8, 13);
	value_at(jp, "/nodes/main/options/2", 9, 5);
	value_at(jp, "/nodes/main/options/2/next", 9, 26);
	jsonpos_free(jp);
}
END_TEST

/* Member names are found at their opening quote. */
START_TEST(test_keys)
{
	struct jsonpos	*jp;

	jp = scan_ok(menu_doc);
	key_at(jp, "/version", 2, 2);
	key_at(jp, "/nodes", 3, 2);
	key_at(jp, "/nodes/main", 4, 3);
	key_at(jp, "/nodes/main/lang", 5, 22);
	key_at(jp, "/nodes/main/options", 6, 4);
	key_at(jp, "/nodes/main/options/2/next", 9, 18);
	jsonpos_free(jp);
}
END_TEST

/* '/' and '~' in names are "~1" and "~0" in pointers; bad escapes fail. */
START_TEST(test_escaped_pointer)
{
	struct jsonpos	*jp;

	jp = scan_ok(menu_doc);
	value_at(jp, "/a~1b~0c", 13, 11);
	key_at(jp, "/a~1b~0c", 13, 2);
	value_at(jp, "/a~1b~0c/0", 13, 12);
	value_at(jp, "/a~1b~0c/1", 13, 18);
	value_at(jp, "/a~1b~0c/2", 13, 25);
	value_at(jp, "/a~1b~0c/3", 13, 31);
	absent(jp, "/a/b~0c");
	absent(jp, "/a~1b~c");
	absent(jp, "/a~1b~2c");
	absent(jp, "/a~1b~");
	absent(jp, "/a~0b~1c");
	jsonpos_free(jp);
}
END_TEST

/* Names are matched after decoding JSON escapes, surrogate pairs too. */
START_TEST(test_escaped_key)
{
	struct jsonpos	*jp;

	jp = scan_ok(menu_doc);
	value_at(jp, "/\xc3\xa9t\xc3\xa9", 14, 19);	/* "été" */
	key_at(jp, "/\xc3\xa9t\xc3\xa9", 14, 2);
	value_at(jp, "/\xc3\xa9t\xc3\xa9/x", 14, 25);
	value_at(jp, "/emoji\xf0\x9f\x98\x80", 15, 23);	/* U+1F600 */
	absent(jp, "/\\u00e9t\\u00e9");
	absent(jp, "/emoji\\ud83d\\ude00");
	jsonpos_free(jp);
}
END_TEST

/* With duplicate names the last member counts, as in jansson. */
START_TEST(test_duplicate)
{
	struct jsonpos	*jp;

	jp = scan_ok(menu_doc);
	value_at(jp, "/dup", 17, 9);
	key_at(jp, "/dup", 17, 2);
	value_at(jp, "/dup/0", 17, 10);
	jsonpos_free(jp);
}
END_TEST

/* Pointers to nothing give -1; array elements and the root have no key. */
START_TEST(test_missing)
{
	struct jsonpos	*jp;
	int		 l = -7, c = -7;

	jp = scan_ok(menu_doc);
	absent(jp, "/nosuch");
	absent(jp, "/nodes/main/options/3");
	absent(jp, "/nodes/main/options/02");
	absent(jp, "/nodes/main/options/-");
	absent(jp, "/nodes/main/options/x");
	absent(jp, "/nodes/main/options/");
	absent(jp, "/nodes/main/options/18446744073709551617");
	absent(jp, "/version/0");
	absent(jp, "/nodes/");
	absent(jp, "nodes");
	absent(jp, "/Nodes");
	ck_assert_int_eq(jsonpos_key(jp, "/nodes/main/options/2", &l, &c), -1);
	ck_assert_int_eq(jsonpos_key(jp, "/a~1b~0c/0", &l, &c), -1);
	ck_assert_int_eq(jsonpos_key(jp, "", &l, &c), -1);
	ck_assert_int_eq(l, -7);
	ck_assert_int_eq(c, -7);
	jsonpos_free(jp);
}
END_TEST

/* Empty names, scalar documents and leading whitespace. */
START_TEST(test_small_documents)
{
	struct jsonpos	*jp;

	jp = scan_ok("{\"\": {\"\": 1}, \"x\": {}}");
	value_at(jp, "/", 1, 6);
	key_at(jp, "/", 1, 2);
	value_at(jp, "//", 1, 11);
	key_at(jp, "//", 1, 7);
	value_at(jp, "/x", 1, 20);
	absent(jp, "/x/");
	jsonpos_free(jp);

	jp = scan_ok("\r\n\t 42 ");
	value_at(jp, "", 2, 3);
	absent(jp, "/0");
	jsonpos_free(jp);

	jp = scan_ok("[[], [\"\\\"]\", 0.5], \"ស\"]");
	value_at(jp, "/0", 1, 2);
	value_at(jp, "/1/0", 1, 7);
	value_at(jp, "/1/1", 1, 14);
	value_at(jp, "/2", 1, 20);
	absent(jp, "/0/0");
	jsonpos_free(jp);

	jp = scan_ok("[1E+2,-0.0e-1,0,true]");
	value_at(jp, "/1", 1, 7);
	value_at(jp, "/2", 1, 15);
	value_at(jp, "/3", 1, 17);
	jsonpos_free(jp);
}
END_TEST

/* Every truncation of a valid document is refused. */
START_TEST(test_truncated)
{
	size_t	 len = strlen(menu_doc), n;

	for (n = 0; n < len; n++) {
		/* The final newline is whitespace: only it may go. */
		if (n == len - 1)
			continue;
		scan_fails(menu_doc, n);
	}
	jsonpos_free(scan_ok(menu_doc));
}
END_TEST

/* Malformed text is refused without crashing. */
START_TEST(test_malformed)
{
	static const char *const bad[] = {
		"{} x", "{} {}", "[1] ,", "1 2", "", "   ",
		"[1,]", "{\"a\":1,}", "{,}", "[,1]", "{\"a\" 1}", "{1: 2}",
		"{\"a\":}", "{\"a\"}", "[1 2]", "[01]", "-", "1.", "1e", "1e+",
		".5", "+1", "tru", "nul", "truex", "\"abc", "\"\\x\"",
		"\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
		"\"a\x01\"", "\"\xff\"", "\"\xc0\xaf\"", "'a'", "[", "{",
		"{\"a\":[}]", "\xef\xbb\xbf{}", "nan", "[-]"
	};
	char	 deep[3000], nul[] = "[1,\0 2]";
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		scan_fails(bad[i], strlen(bad[i]));
	scan_fails(nul, sizeof(nul) - 1);
	/* Only len bytes count, whatever follows them in memory. */
	scan_fails("true", 3);
	scan_fails("[1]", 2);
	scan_fails("\"ab\"", 3);
	scan_fails("12e5", 3);
	scan_fails(NULL, 0);

	/* Unbalanced nesting deeper than the limit: no stack overflow. */
	memset(deep, '[', sizeof(deep));
	scan_fails(deep, sizeof(deep));
}
END_TEST

/* Return a new text of depth nested arrays, closed or not. */
static char *
nested(size_t depth, int closed)
{
	char	*s;

	s = malloc(2 * depth + 1);
	ck_assert_ptr_nonnull(s);
	memset(s, '[', depth);
	memset(s + depth, closed ? ']' : ' ', depth);
	s[2 * depth] = '\0';
	return s;
}

/* Nesting is limited as in jansson (2048), and a 1 MB '[' run is refused. */
START_TEST(test_depth_limit)
{
	struct jsonpos	*jp;
	char		*s;

	s = nested(2048, 1);
	jp = scan_ok(s);
	jsonpos_free(jp);
	free(s);

	s = nested(2049, 1);
	scan_fails(s, strlen(s));
	free(s);

	/* Without the limit this recursion would overflow the stack. */
	s = nested(1024 * 1024, 0);
	scan_fails(s, strlen(s));
	free(s);
}
END_TEST

/* Deep but reasonable nesting is accepted and indexed. */
START_TEST(test_deep)
{
	struct jsonpos	*jp;
	char		 doc[400], ptr[400];
	size_t		 i, depth = 150;

	for (i = 0; i < depth; i++) {
		doc[i] = '[';
		doc[depth + i] = ']';
	}
	doc[2 * depth] = '\0';
	jp = scan_ok(doc);
	for (i = 0; i < depth - 1; i++) {
		ptr[2 * i] = '/';
		ptr[2 * i + 1] = '0';
	}
	ptr[2 * (depth - 1)] = '\0';
	value_at(jp, ptr, 1, (int)depth);
	jsonpos_free(jp);
	jsonpos_free(NULL);
}
END_TEST

/* Build the jsonpos suite. */
static Suite *
jsonpos_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("jsonpos");
	tc = tcase_create("core");
	tcase_add_test(tc, test_values);
	tcase_add_test(tc, test_keys);
	tcase_add_test(tc, test_escaped_pointer);
	tcase_add_test(tc, test_escaped_key);
	tcase_add_test(tc, test_duplicate);
	tcase_add_test(tc, test_missing);
	tcase_add_test(tc, test_small_documents);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_depth_limit);
	tcase_add_test(tc, test_deep);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the jsonpos suite. */
int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(jsonpos_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
