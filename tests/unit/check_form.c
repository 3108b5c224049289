/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for form.c: decoding of application/x-www-form-urlencoded
 * text, the exact failure causes, field look-up rules, walking every
 * field in order, and decoding one component without the UTF-8 rule.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "form.h"

/*
 * Parse len bytes of s from an exact-size heap copy, so that a sanitizer
 * build catches any read past len and any pointer kept into the input.
 */
static struct form *
parse_copy(const char *s, size_t len, const char **cause)
{
	struct form	*f;
	char		*copy;

	copy = malloc(len > 0 ? len : 1);
	ck_assert_ptr_nonnull(copy);
	if (len > 0)
		memcpy(copy, s, len);
	f = form_parse(copy, len, cause);
	free(copy);
	return f;
}

/* Parse a NUL-terminated string, failing the test if parsing fails. */
static struct form *
parse_ok(const char *s)
{
	struct form	*f;
	const char	*cause = "unset";

	f = parse_copy(s, strlen(s), &cause);
	ck_assert_msg(f != NULL, "form_parse(\"%.60s\") failed: %s", s,
	    cause != NULL ? cause : "(null)");
	return f;
}

/* Check that parsing s fails with exactly the cause want. */
static void
parse_fails(const char *s, const char *want)
{
	struct form	*f;
	const char	*cause = NULL;

	f = parse_copy(s, strlen(s), &cause);
	ck_assert_msg(f == NULL, "form_parse(\"%.60s\") should fail", s);
	ck_assert_ptr_nonnull(cause);
	ck_assert_str_eq(cause, want);
}

/* Plain pairs come back in full. */
START_TEST(test_simple_pairs)
{
	struct form	*f;

	f = parse_ok("from=85512000000&text=hello&id=42");
	ck_assert_uint_eq(form_count(f), 3);
	ck_assert_str_eq(form_get(f, "from"), "85512000000");
	ck_assert_str_eq(form_get(f, "text"), "hello");
	ck_assert_str_eq(form_get(f, "id"), "42");
	form_free(f);
}
END_TEST

/* '+' and "%20" both decode to a space, in names and values. */
START_TEST(test_plus_and_space)
{
	struct form	*f;

	f = parse_ok("text=need+help%20now&my+key=x");
	ck_assert_str_eq(form_get(f, "text"), "need help now");
	ck_assert_str_eq(form_get(f, "my key"), "x");
	form_free(f);
}
END_TEST

/* Percent-encoded UTF-8 (Khmer SA, U+179F) decodes to the raw bytes. */
START_TEST(test_khmer)
{
	struct form	*f;

	f = parse_ok("text=%E1%9E%9F&lower=%e1%9e%9f");
	ck_assert_str_eq(form_get(f, "text"), "\xe1\x9e\x9f");
	ck_assert_str_eq(form_get(f, "lower"), "\xe1\x9e\x9f");
	ck_assert_uint_eq(strlen(form_get(f, "text")), 3);
	form_free(f);
}
END_TEST

/* "%2B" is a literal '+', unlike a bare '+'. */
START_TEST(test_encoded_plus)
{
	struct form	*f;

	f = parse_ok("msisdn=%2B85512000000");
	ck_assert_str_eq(form_get(f, "msisdn"), "+85512000000");
	form_free(f);
}
END_TEST

/* "k=" and a bare "k" both give an empty value; '=' in a value is kept. */
START_TEST(test_empty_values)
{
	struct form	*f;

	f = parse_ok("a=&b&c=x=y");
	ck_assert_uint_eq(form_count(f), 3);
	ck_assert_str_eq(form_get(f, "a"), "");
	ck_assert_str_eq(form_get(f, "b"), "");
	ck_assert_str_eq(form_get(f, "c"), "x=y");
	form_free(f);
}
END_TEST

/* Empty pairs, leading and trailing '&' are skipped; "" is an empty form. */
START_TEST(test_empty_pairs)
{
	struct form	*f;

	f = parse_ok("a=1&&b=2");
	ck_assert_uint_eq(form_count(f), 2);
	ck_assert_str_eq(form_get(f, "a"), "1");
	ck_assert_str_eq(form_get(f, "b"), "2");
	form_free(f);

	f = parse_ok("&a=1&");
	ck_assert_uint_eq(form_count(f), 1);
	ck_assert_str_eq(form_get(f, "a"), "1");
	form_free(f);

	f = parse_ok("");
	ck_assert_uint_eq(form_count(f), 0);
	ck_assert_ptr_null(form_get(f, "a"));
	form_free(f);
}
END_TEST

/* Only len bytes are parsed, even when more follow in memory. */
START_TEST(test_length_bound)
{
	struct form	*f;
	const char	*cause = NULL;

	f = parse_copy("a=12&b=3", 4, &cause);
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(form_count(f), 1);
	ck_assert_str_eq(form_get(f, "a"), "12");
	ck_assert_ptr_null(form_get(f, "b"));
	form_free(f);

	/* An escape cut by len is bad even if hex digits follow in memory. */
	f = parse_copy("a=%41", 4, &cause);
	ck_assert_ptr_null(f);
	ck_assert_str_eq(cause, "invalid percent-encoding");
	f = parse_copy("a=%41", 3, &cause);
	ck_assert_ptr_null(f);
	ck_assert_str_eq(cause, "invalid percent-encoding");
}
END_TEST

/* Bad percent-escapes fail with the exact cause. */
START_TEST(test_bad_percent)
{
	parse_fails("a=%zz", "invalid percent-encoding");
	parse_fails("a=%4", "invalid percent-encoding");
	parse_fails("a=%", "invalid percent-encoding");
	parse_fails("a=%4g", "invalid percent-encoding");
	parse_fails("%x1=b", "invalid percent-encoding");
	parse_fails("ok=1&a=%", "invalid percent-encoding");
}
END_TEST

/* Decoded bytes that are not UTF-8 fail with the exact cause. */
START_TEST(test_bad_utf8)
{
	parse_fails("a=%C0%AF", "invalid UTF-8");	/* overlong '/' */
	parse_fails("a=%FF", "invalid UTF-8");
	parse_fails("a=%E1%9E", "invalid UTF-8");	/* truncated */
	parse_fails("a=%ED%A0%80", "invalid UTF-8");	/* surrogate */
	parse_fails("%FF=1", "invalid UTF-8");
}
END_TEST

/* NUL is refused, whether encoded or raw inside the given length. */
START_TEST(test_nul)
{
	struct form	*f;
	const char	*cause = NULL;

	parse_fails("a=%00", "invalid UTF-8");
	parse_fails("%00=1", "invalid UTF-8");
	f = parse_copy("a=b\0c", 5, &cause);
	ck_assert_ptr_null(f);
	ck_assert_str_eq(cause, "invalid UTF-8");
}
END_TEST

/* Missing names give NULL; the first of duplicate names wins. */
START_TEST(test_lookup)
{
	struct form	*f;

	f = parse_ok("a=first&b=2&a=second");
	ck_assert_uint_eq(form_count(f), 3);
	ck_assert_str_eq(form_get(f, "a"), "first");
	ck_assert_ptr_null(form_get(f, "missing"));
	ck_assert_ptr_null(form_get(f, "A"));
	ck_assert_ptr_null(form_get(f, ""));
	form_free(f);
}
END_TEST

/* Many fields force the array to grow more than once. */
START_TEST(test_many_fields)
{
	struct form	*f;
	char		 buf[4096], name[16];
	size_t		 off = 0;
	int		 i, n;

	for (i = 0; i < 100; i++) {
		n = snprintf(buf + off, sizeof(buf) - off, "%sk%d=v%d",
		    i == 0 ? "" : "&", i, i);
		ck_assert_int_gt(n, 0);
		off += (size_t)n;
		ck_assert_uint_lt(off, sizeof(buf));
	}
	f = parse_ok(buf);
	ck_assert_uint_eq(form_count(f), 100);
	snprintf(name, sizeof(name), "k%d", 0);
	ck_assert_str_eq(form_get(f, name), "v0");
	snprintf(name, sizeof(name), "k%d", 99);
	ck_assert_str_eq(form_get(f, name), "v99");
	form_free(f);
}
END_TEST

/* form_free and the accessors accept NULL. */
START_TEST(test_free_null)
{
	form_free(NULL);
	ck_assert_uint_eq(form_count(NULL), 0);
	ck_assert_ptr_null(form_get(NULL, "a"));
	ck_assert_ptr_null(form_name(NULL, 0));
	ck_assert_ptr_null(form_value(NULL, 0));
}
END_TEST

/* Every field in the order received, repeated names and empty values too. */
START_TEST(test_walk)
{
	static const char *const want[][2] = {
		{ "b", "2" }, { "a", "first" }, { "my key", "x y" },
		{ "a", "second" }, { "c", "" }, { "", "v" }, { "d", "=" },
	};
	struct form	*f;
	size_t		 i;

	f = parse_ok("b=2&a=first&&my+key=x%20y&a=second&c&=v&d==");
	ck_assert_uint_eq(form_count(f), sizeof(want) / sizeof(want[0]));
	for (i = 0; i < form_count(f); i++) {
		ck_assert_str_eq(form_name(f, i), want[i][0]);
		ck_assert_str_eq(form_value(f, i), want[i][1]);
	}
	ck_assert_ptr_null(form_name(f, i));
	ck_assert_ptr_null(form_value(f, i));
	ck_assert_ptr_null(form_name(f, (size_t)-1));
	form_free(f);

	f = parse_ok("");
	ck_assert_ptr_null(form_name(f, 0));
	ck_assert_ptr_null(form_value(f, 0));
	form_free(f);
}
END_TEST

/* Decode s[0..len) with form_unescape and expect n bytes of want. */
static void
unescaped(const char *s, size_t len, const char *want, size_t n)
{
	const char	*cause = NULL;
	char		*out, *copy;
	size_t		 outlen = 12345;

	copy = malloc(len > 0 ? len : 1);
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, s, len);
	out = form_unescape(copy, len, &outlen, &cause);
	free(copy);
	ck_assert_msg(out != NULL, "form_unescape(\"%.60s\"): %s", s,
	    cause != NULL ? cause : "(null)");
	ck_assert_uint_eq(outlen, n);
	ck_assert_mem_eq(out, want, n);
	ck_assert_int_eq(out[n], '\0');
	free(out);
}

/* One component without the UTF-8 rule: NULs and any byte come back. */
START_TEST(test_unescape)
{
	const char	*cause = NULL;
	size_t		 n = 0;

	unescaped("%00H%00i%00%21", 14, "\0H\0i\0!", 6);
	unescaped("%17%87%17%BD", 12, "\x17\x87\x17\xbd", 4);
	unescaped("caf%E9+%80", 10, "caf\xe9 \x80", 6);
	unescaped("a%2Bb+c", 7, "a+b c", 5);
	unescaped("", 0, "", 0);
	/* Only len bytes: "%41" cut after "%4" is refused, "ab" is "a". */
	unescaped("ab", 1, "a", 1);
	ck_assert_ptr_null(form_unescape("%41", 2, &n, &cause));
	ck_assert_str_eq(cause, "invalid percent-encoding");
	cause = NULL;
	ck_assert_ptr_null(form_unescape("x%zz", 4, &n, &cause));
	ck_assert_str_eq(cause, "invalid percent-encoding");
	cause = NULL;
	ck_assert_ptr_null(form_unescape("%", 1, &n, &cause));
	ck_assert_str_eq(cause, "invalid percent-encoding");
}
END_TEST

/* Build the form suite. */
static Suite *
form_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("form");
	tc = tcase_create("core");
	tcase_add_test(tc, test_simple_pairs);
	tcase_add_test(tc, test_plus_and_space);
	tcase_add_test(tc, test_khmer);
	tcase_add_test(tc, test_encoded_plus);
	tcase_add_test(tc, test_empty_values);
	tcase_add_test(tc, test_empty_pairs);
	tcase_add_test(tc, test_length_bound);
	tcase_add_test(tc, test_bad_percent);
	tcase_add_test(tc, test_bad_utf8);
	tcase_add_test(tc, test_nul);
	tcase_add_test(tc, test_lookup);
	tcase_add_test(tc, test_many_fields);
	tcase_add_test(tc, test_free_null);
	tcase_add_test(tc, test_walk);
	tcase_add_test(tc, test_unescape);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the form suite. */
int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(form_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
