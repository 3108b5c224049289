/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the text module: strict UTF-8, GSM 03.38 and UTF-16
 * measurement, Khmer-safe cutting, SMS parts, UTF-16BE and Khmer digits.
 * The cut and split rules are checked against
 * tests/data/khmer-text-cases.json (found through TEST_DATA_DIR), where
 * every UTF-16 offset not listed as safe must be refused.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "text.h"

#define CASES_FILE	"khmer-text-cases.json"
#define SENTENCE_MAX	4096

#define ZWSP	"\xe2\x80\x8b"	/* U+200B ZERO WIDTH SPACE */
#define KHAN	"\xe1\x9f\x94"	/* U+17D4 KHMER SIGN KHAN */
#define COENG	"\xe1\x9f\x92"	/* U+17D2 KHMER SIGN COENG */

/* Return the size of the NUL-terminated s in UTF-16 code units. */
static size_t
u16(const char *s)
{
	return text_measure(s, strlen(s), TEXT_UCS2);
}

/* Encode cp as UTF-8 into buf (4 bytes at least); return the length. */
static size_t
put_utf8(char *buf, uint32_t cp)
{
	unsigned char	*p = (unsigned char *)buf;

	if (cp < 0x80) {
		p[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		p[0] = (unsigned char)(0xc0 | (cp >> 6));
		p[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		p[0] = (unsigned char)(0xe0 | (cp >> 12));
		p[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		p[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	p[0] = (unsigned char)(0xf0 | (cp >> 18));
	p[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	p[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	p[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Load the Khmer test cases; returns a new reference to the top-level
 * array (the caller decrefs it), failing the test if the file is unusable.
 */
static json_t *
load_cases(void)
{
	const char	*dir;
	char		 path[1024];
	json_t		*cases;
	json_error_t	 err;
	int		 n;

	dir = getenv("TEST_DATA_DIR");
	if (dir == NULL || *dir == '\0')
		dir = "tests/data";
	n = snprintf(path, sizeof(path), "%s/%s", dir, CASES_FILE);
	ck_assert_msg(n > 0 && (size_t)n < sizeof(path), "path too long");
	cases = json_load_file(path, 0, &err);
	ck_assert_msg(cases != NULL, "%s:%d:%d: %s", path, err.line,
	    err.column, err.text);
	ck_assert_msg(json_is_array(cases) && json_array_size(cases) > 0,
	    "%s: not a non-empty array", path);
	return cases;
}

/* Text of one case (borrowed from the case object). */
static const char *
case_text(json_t *c)
{
	const char	*s;

	s = json_string_value(json_object_get(c, "text"));
	ck_assert_ptr_nonnull(s);
	return s;
}

/* Integer field of one case, which must be present and non-negative. */
static size_t
case_size(json_t *c, const char *key)
{
	json_t	*v;

	v = json_object_get(c, key);
	ck_assert_msg(json_is_integer(v) && json_integer_value(v) >= 0,
	    "%s: not a non-negative integer", key);
	return (size_t)json_integer_value(v);
}

/* Return 1 if the array of safe offsets (borrowed) holds unit. */
static int
case_safe(json_t *c, size_t unit)
{
	json_t	*list, *v;
	size_t	 i;

	list = json_object_get(c, "safe_cut_offsets_utf16");
	ck_assert(json_is_array(list));
	json_array_foreach(list, i, v) {
		if (json_is_integer(v) && json_integer_value(v) >= 0 &&
		    (size_t)json_integer_value(v) == unit)
			return 1;
	}
	return 0;
}

/*
 * Byte offset of UTF-16 offset unit in s, decoding as we go; returns
 * (size_t)-1 when unit falls inside a surrogate pair or past the end.
 */
static size_t
unit_to_byte(const char *s, size_t len, size_t unit)
{
	size_t		off, u, n;
	uint32_t	cp;

	off = 0;
	u = 0;
	while (u < unit && off < len) {
		n = text_utf8_next(s + off, len - off, &cp);
		ck_assert_uint_gt(n, 0);
		u += cp > 0xffff ? 2 : 1;
		off += n;
	}
	return u == unit ? off : (size_t)-1;
}

/* Return 1 if the page s[0..n) ends with U+17D2 (a dangling COENG). */
static int
ends_with_coeng(const char *s, size_t n)
{
	return n >= 3 && memcmp(s + n - 3, COENG, 3) == 0;
}

START_TEST(test_utf8_valid)
{
	static const char	*ok[] = {
		"",
		"hello, world",
		"សុវត្ថិភាព",
		"\xf0\x9f\x98\x80",		/* U+1F600 */
		"\xf4\x8f\xbf\xbf",		/* U+10FFFF, the last */
		"\xed\x9f\xbf",			/* U+D7FF, before surrogates */
		"\xee\x80\x80",			/* U+E000, after them */
		"a\xc2\x80z",			/* U+0080, shortest 2-byte */
	};
	size_t			 i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		ck_assert_msg(text_utf8_valid(ok[i], strlen(ok[i])),
		    "case %zu should be valid", i);
}
END_TEST

START_TEST(test_utf8_invalid)
{
	static const struct {
		const char	*s;
		size_t		 len;
		const char	*what;
	} bad[] = {
		{ "\xc0\xaf", 2, "overlong 2-byte '/'" },
		{ "\xc1\xbf", 2, "overlong 2-byte" },
		{ "\xe0\x80\xaf", 3, "overlong 3-byte" },
		{ "\xe0\x9f\xbf", 3, "overlong 3-byte U+07FF" },
		{ "\xf0\x80\x80\xaf", 4, "overlong 4-byte" },
		{ "\xf0\x8f\xbf\xbf", 4, "overlong 4-byte U+FFFF" },
		{ "\xed\xa0\x80", 3, "surrogate U+D800" },
		{ "\xed\xbf\xbf", 3, "surrogate U+DFFF" },
		{ "\xe1\x9e", 2, "truncated Khmer" },
		{ "\xf0\x9f\x98", 3, "truncated emoji" },
		{ "\xc3", 1, "truncated 2-byte" },
		{ "\xe1\x9e\x41", 3, "ASCII inside a sequence" },
		{ "\x80", 1, "stray continuation" },
		{ "a\xbfz", 3, "stray continuation inside" },
		{ "\xf4\x90\x80\x80", 4, "above U+10FFFF" },
		{ "\xf5\x80\x80\x80", 4, "lead byte 0xf5" },
		{ "\xff", 1, "byte 0xff" },
	};
	size_t		i;
	uint32_t	cp;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(!text_utf8_valid(bad[i].s, bad[i].len),
		    "%s accepted", bad[i].what);
		ck_assert_msg(text_utf8_next(bad[i].s, bad[i].len, &cp) == 0 ||
		    bad[i].s[0] == 'a', "%s decoded", bad[i].what);
	}
	/* NUL decodes, but is never part of valid text. */
	ck_assert_uint_eq(text_utf8_next("\0", 1, &cp), 1);
	ck_assert_uint_eq(cp, 0);
	ck_assert_int_eq(text_utf8_valid("a\0b", 3), 0);
	ck_assert_int_eq(text_utf8_valid("\0", 1), 0);
}
END_TEST

START_TEST(test_utf8_next)
{
	uint32_t	cp;

	ck_assert_uint_eq(text_utf8_next("A", 1, &cp), 1);
	ck_assert_uint_eq(cp, 'A');
	ck_assert_uint_eq(text_utf8_next("\xc3\xa9", 2, &cp), 2);
	ck_assert_uint_eq(cp, 0xe9);
	ck_assert_uint_eq(text_utf8_next("ស្", 6, &cp), 3);
	ck_assert_uint_eq(cp, 0x179f);
	ck_assert_uint_eq(text_utf8_next("\xf0\x9f\x98\x80", 4, &cp), 4);
	ck_assert_uint_eq(cp, 0x1f600);
	ck_assert_uint_eq(text_utf8_next("\xf4\x8f\xbf\xbf", 4, &cp), 4);
	ck_assert_uint_eq(cp, 0x10ffff);
	ck_assert_uint_eq(text_utf8_next("x", 0, &cp), 0);
	/* Only len bytes may be read, even when more follow. */
	ck_assert_uint_eq(text_utf8_next("\xe1\x9e\x9f", 2, &cp), 0);
}
END_TEST

START_TEST(test_gsm7_ascii)
{
	const char	*s = "Hello, world! 0-9 @$_%&'()*+/:;<=>?\"#\n\r";

	ck_assert_int_eq(text_encoding_of(s, strlen(s)), TEXT_GSM7);
	ck_assert_uint_eq(text_measure(s, strlen(s), TEXT_GSM7), strlen(s));
	ck_assert_int_eq(text_gsm7_septets('@'), 1);
	ck_assert_int_eq(text_gsm7_septets('$'), 1);
	ck_assert_int_eq(text_gsm7_septets('\t'), 0);
	ck_assert_int_eq(text_gsm7_septets(0x1b), 0);
	ck_assert_int_eq(text_gsm7_septets(0x7f), 0);
	ck_assert_str_eq(text_encoding_name(TEXT_GSM7), "GSM-7");
	ck_assert_str_eq(text_encoding_name(TEXT_UCS2), "UCS-2");
}
END_TEST

START_TEST(test_gsm7_extension)
{
	const char	*ext = "\f^{}\\[~]|\xe2\x82\xac";
	const char	*s = "a{b}\xe2\x82\xac";
	size_t		 off, n;
	uint32_t	 cp;

	for (off = 0; off < strlen(ext); off += n) {
		n = text_utf8_next(ext + off, strlen(ext) - off, &cp);
		ck_assert_uint_gt(n, 0);
		ck_assert_msg(text_gsm7_septets(cp) == 2, "U+%04X not 2",
		    (unsigned)cp);
	}
	ck_assert_int_eq(text_encoding_of(s, strlen(s)), TEXT_GSM7);
	/* a 1 + { 2 + b 1 + } 2 + € 2 */
	ck_assert_uint_eq(text_measure(s, strlen(s), TEXT_GSM7), 8);
	ck_assert_uint_eq(text_measure(ext, strlen(ext), TEXT_GSM7), 20);
}
END_TEST

START_TEST(test_gsm7_other)
{
	const char	*latin = "\xc3\xa9\xc3\x87\xc3\xa7\xc2\xa4\xc3\x9f";
	const char	*tick = "a`b";
	const char	*khmer = "សុវត្ថិភាព";

	ck_assert_int_eq(text_gsm7_septets(0xe9), 1);	/* é */
	ck_assert_int_eq(text_gsm7_septets(0xc7), 1);	/* Ç */
	ck_assert_int_eq(text_gsm7_septets(0xe7), 1);	/* ç */
	ck_assert_int_eq(text_gsm7_septets(0x394), 1);	/* Δ */
	ck_assert_int_eq(text_gsm7_septets(0xe1), 0);	/* á */
	ck_assert_int_eq(text_gsm7_septets('`'), 0);
	ck_assert_int_eq(text_encoding_of(latin, strlen(latin)), TEXT_GSM7);
	ck_assert_uint_eq(text_measure(latin, strlen(latin), TEXT_GSM7), 5);
	ck_assert_int_eq(text_encoding_of(tick, strlen(tick)), TEXT_UCS2);
	ck_assert_int_eq(text_encoding_of(khmer, strlen(khmer)), TEXT_UCS2);
	ck_assert_int_eq(text_encoding_of("", 0), TEXT_GSM7);
}
END_TEST

START_TEST(test_gsm7_table_size)
{
	uint32_t	cp;
	size_t		basic, ext;

	/* 127 basic positions (0x1b is ESC) plus 'ç'; 10 extension ones. */
	basic = 0;
	ext = 0;
	for (cp = 0; cp <= 0x10ffff; cp++) {
		switch (text_gsm7_septets(cp)) {
		case 1:
			basic++;
			break;
		case 2:
			ext++;
			break;
		}
	}
	ck_assert_uint_eq(basic, 128);
	ck_assert_uint_eq(ext, 10);
}
END_TEST

START_TEST(test_utf16_units)
{
	ck_assert_uint_eq(u16("សុវត្ថិភាព"), 10);
	ck_assert_uint_eq(u16("ស្ត្រី"), 6);
	ck_assert_uint_eq(u16("\xf0\x9f\x98\x80"), 2);
	ck_assert_uint_eq(u16("a\xf0\x9f\x98\x80" "b"), 4);
	ck_assert_uint_eq(u16("ជំនួយ" ZWSP "បន្ទាន់"), 13);
	ck_assert_uint_eq(u16(""), 0);
}
END_TEST

START_TEST(test_data_cases)
{
	json_t		*cases, *c;
	const char	*s;
	size_t		 i, len, units, u, off, safe, checked;

	cases = load_cases();
	checked = 0;
	json_array_foreach(cases, i, c) {
		s = case_text(c);
		len = strlen(s);
		units = case_size(c, "utf16_units");
		ck_assert_msg(text_utf8_valid(s, len), "case %zu", i);
		ck_assert_uint_eq(len, case_size(c, "utf8_bytes"));
		ck_assert_uint_eq(text_measure(s, len, TEXT_UCS2), units);
		ck_assert_int_eq(text_encoding_of(s, len), TEXT_UCS2);
		ck_assert(case_safe(c, 0) && case_safe(c, units));
		for (u = 0; u <= units; u++) {
			off = unit_to_byte(s, len, u);
			safe = case_safe(c, u);
			if (off == (size_t)-1) {
				ck_assert_msg(!safe, "%s: safe offset %zu is "
				    "inside a surrogate pair", s, u);
				continue;
			}
			ck_assert_msg(text_cut_ok(s, len, off) == (int)safe,
			    "%s: UTF-16 offset %zu (byte %zu): expected %s",
			    s, u, off, safe ? "safe" : "unsafe");
			checked++;
		}
	}
	ck_assert_uint_gt(checked, 100);
	json_decref(cases);
}
END_TEST

START_TEST(test_data_cut)
{
	json_t		*cases, *c;
	const char	*s;
	size_t		 i, len, units, budget, r, u, best;

	cases = load_cases();
	json_array_foreach(cases, i, c) {
		s = case_text(c);
		len = strlen(s);
		units = case_size(c, "utf16_units");
		for (budget = 0; budget <= units + 1; budget++) {
			r = text_cut(s, len, TEXT_UCS2, budget);
			u = text_measure(s, r, TEXT_UCS2);
			ck_assert_msg(u <= budget, "%s at %zu: %zu units", s,
			    budget, u);
			ck_assert_msg(case_safe(c, u) &&
			    unit_to_byte(s, len, u) == r,
			    "%s at %zu: cut at unsafe %zu", s, budget, u);
			ck_assert(!ends_with_coeng(s, r));
			/* Without break characters: the last safe cut. */
			if (strstr(s, ZWSP) != NULL || strstr(s, KHAN) != NULL)
				continue;
			best = budget < units ? budget : units;
			while (best > 0 && !case_safe(c, best))
				best--;
			ck_assert_msg(u == best, "%s at %zu: %zu, not %zu", s,
			    budget, u, best);
		}
	}
	json_decref(cases);
}
END_TEST

START_TEST(test_cut_clusters)
{
	static const struct {
		const char	*s;
		size_t		 bounds[8];	/* safe cuts (bytes), then 0 */
	} words[] = {
		{ "ស្ត្រី", { 0, 18 } },
		{ "ក្រុម", { 0, 12, 15 } },
		{ "សុវត្ថិភាព", { 0, 6, 9, 21, 27, 30 } },
	};
	size_t	 i, j, len, budget, r, best;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		len = strlen(words[i].s);
		for (budget = 1; budget <= u16(words[i].s); budget++) {
			r = text_cut(words[i].s, len, TEXT_UCS2, budget);
			best = 0;
			for (j = 1; j < 8 && words[i].bounds[j] != 0; j++)
				if (words[i].bounds[j] / 3 <= budget)
					best = words[i].bounds[j];
			ck_assert_msg(r == best, "%s at %zu: %zu, not %zu",
			    words[i].s, budget, r, best);
			ck_assert(!ends_with_coeng(words[i].s, r));
		}
	}
}
END_TEST

START_TEST(test_cut_too_small)
{
	const char	*w = "ស្ត្រី";

	ck_assert_uint_eq(text_cut(w, strlen(w), TEXT_UCS2, 5), 0);
	ck_assert_uint_eq(text_cut(w, strlen(w), TEXT_UCS2, 6), strlen(w));
	ck_assert_uint_eq(text_cut("a", 1, TEXT_GSM7, 0), 0);
	ck_assert_uint_eq(text_cut("", 0, TEXT_GSM7, 0), 0);
	ck_assert_uint_eq(text_cut("\xf0\x9f\x98\x80", 4, TEXT_UCS2, 1), 0);
}
END_TEST

START_TEST(test_cut_sentence)
{
	json_t		*cases, *c;
	char		 text[SENTENCE_MAX], out[SENTENCE_MAX];
	unsigned char	 safe[SENTENCE_MAX + 1];
	const char	*w;
	size_t		 i, len, wlen, n, k, off, olen, p, u, best, brk;
	size_t		 units, pieces, at_zwsp;
	json_t		*v;
	const size_t	 budget = 20;

	/* Join every data word with U+200B; mark the data's safe cuts. */
	cases = load_cases();
	memset(safe, 0, sizeof(safe));
	len = 0;
	json_array_foreach(cases, i, c) {
		w = case_text(c);
		wlen = strlen(w);
		ck_assert_uint_lt(len + wlen + 3, SENTENCE_MAX);
		if (len > 0) {
			memcpy(text + len, ZWSP, 3);
			len += 3;
		}
		json_array_foreach(json_object_get(c,
		    "safe_cut_offsets_utf16"), k, v) {
			off = unit_to_byte(w, wlen,
			    (size_t)json_integer_value(v));
			ck_assert_uint_ne(off, (size_t)-1);
			safe[len + off] = 1;
		}
		memcpy(text + len, w, wlen);
		len += wlen;
	}
	json_decref(cases);
	/* Every character below is a three-byte BMP one. */
	ck_assert_uint_eq(len % 3, 0);
	ck_assert_uint_gt(text_measure(text, len, TEXT_UCS2), 200);

	off = 0;
	olen = 0;
	pieces = 0;
	at_zwsp = 0;
	while (off < len) {
		n = text_cut(text + off, len - off, TEXT_UCS2, budget);
		ck_assert_uint_gt(n, 0);
		units = text_measure(text + off, n, TEXT_UCS2);
		ck_assert_uint_le(units, budget);
		ck_assert_msg(safe[off + n], "cut at byte %zu splits a "
		    "cluster", off + n);
		ck_assert(!ends_with_coeng(text + off, n));

		/* Where the cut belongs, from the data's safe offsets. */
		best = 0;
		brk = 0;
		u = 0;
		for (p = off; p <= len && u <= budget; ) {
			if (p > off && safe[p]) {
				best = p - off;
				if (2 * u >= budget && (p == len ||
				    memcmp(text + p, ZWSP, 3) == 0 ||
				    memcmp(text + p - 3, KHAN, 3) == 0))
					brk = p - off;
			}
			if (p == len)
				break;
			p += 3;		/* all of it is three-byte BMP */
			u++;
		}
		if (off + n < len) {
			ck_assert_msg(n == (brk != 0 ? brk : best),
			    "piece %zu: cut at %zu, expected %zu", pieces, n,
			    brk != 0 ? brk : best);
			if (memcmp(text + off + n, ZWSP, 3) == 0)
				at_zwsp++;
		}
		memcpy(out + olen, text + off, n);
		olen += n;
		off += n;
		k = text_skip_breaks(text + off, len - off);
		memcpy(out + olen, text + off, k);
		olen += k;
		off += k;
		pieces++;
	}
	ck_assert_uint_eq(olen, len);
	ck_assert(memcmp(out, text, len) == 0);
	ck_assert_uint_gt(pieces, 10);
	ck_assert_uint_gt(at_zwsp, 3);
}
END_TEST

START_TEST(test_cut_zwsp)
{
	const char	*s = "ជំនួយ" ZWSP "បន្ទាន់";
	size_t		 len = strlen(s);

	/* U+200B at unit 5 is taken while it is in the second half. */
	ck_assert_uint_eq(text_cut(s, len, TEXT_UCS2, 4), 12);
	ck_assert_uint_eq(text_cut(s, len, TEXT_UCS2, 5), 15);
	ck_assert_uint_eq(text_cut(s, len, TEXT_UCS2, 7), 15);
	ck_assert_uint_eq(text_cut(s, len, TEXT_UCS2, 10), 15);
	ck_assert_uint_eq(text_cut(s, len, TEXT_UCS2, 11), 33);
	ck_assert_uint_eq(text_cut(s, len, TEXT_UCS2, 12), 33);
	ck_assert_uint_eq(text_skip_breaks(s + 15, len - 15), 3);
	ck_assert_uint_eq(text_skip_breaks(s, len), 0);
}
END_TEST

START_TEST(test_cut_khan)
{
	const char	*s = "ស្ត្រី" KHAN "ក្រុមសុវត្ថិភាព";
	const char	*t = "ក" KHAN "សុវត្ថិភាព";
	size_t		 n;

	/* After the khan (unit 7 of 12): the khan stays on this page. */
	n = text_cut(s, strlen(s), TEXT_UCS2, 12);
	ck_assert_uint_eq(n, 21);
	ck_assert(memcmp(s + n - 3, KHAN, 3) == 0);
	ck_assert_uint_eq(text_skip_breaks(s + n, strlen(s) - n), 0);
	/* A khan in the first half does not make a nearly empty page. */
	ck_assert_uint_eq(text_cut(t, strlen(t), TEXT_UCS2, 10), 27);
}
END_TEST

START_TEST(test_cut_ascii)
{
	const char	*s = "hello world foo";
	size_t		 n;

	n = text_cut(s, strlen(s), TEXT_GSM7, 13);
	ck_assert_uint_eq(n, 11);
	ck_assert_uint_eq(text_skip_breaks(s + n, strlen(s) - n), 1);
	ck_assert_uint_eq(text_cut(s, strlen(s), TEXT_GSM7, 5), 5);
	ck_assert_uint_eq(text_cut(s, strlen(s), TEXT_GSM7, 4), 4);
	ck_assert_uint_eq(text_cut(s, strlen(s), TEXT_GSM7, 15), 15);
	/* A run of breaks: cut before its first character. */
	ck_assert_uint_eq(text_cut("ab \n cd", 7, TEXT_GSM7, 4), 2);
	ck_assert_uint_eq(text_skip_breaks(&"ab \n cd"[2], 5), 3);
	/* Before a newline; the space after "2." does not fit. */
	ck_assert_uint_eq(text_cut("1. Help\n2. Info", 15, TEXT_GSM7, 9), 7);
}
END_TEST

START_TEST(test_cut_wide)
{
	/* An extension character or an emoji never straddles the budget. */
	ck_assert_uint_eq(text_cut("abc{", 4, TEXT_GSM7, 4), 3);
	ck_assert_uint_eq(text_cut("abc{", 4, TEXT_GSM7, 5), 4);
	ck_assert_uint_eq(text_cut("a\xf0\x9f\x98\x80" "b", 6, TEXT_UCS2, 2),
	    1);
	ck_assert_uint_eq(text_cut("a\xf0\x9f\x98\x80" "b", 6, TEXT_UCS2, 3),
	    5);
}
END_TEST

START_TEST(test_cut_ok_rules)
{
	static const uint32_t	 marks[] = {
		0x0300, 0x036f, 0x0903, 0x093e, 0x17b4, 0x17b6, 0x17c6,
		0x17d2, 0x17d3, 0x17dd, 0xfe0f, 0x1d165, 0xe0100, 0xe01ef
	};
	static const uint32_t	 others[] = {
		'b', 0x02ff, 0x0370, 0x1780, 0x17d4, 0x17d6, 0x17e0, 0x200b,
		0x1f600, 0xe01f0, 0x10ffff
	};
	char			 buf[16];
	size_t			 i, n;

	buf[0] = 'a';
	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		n = 1 + put_utf8(buf + 1, marks[i]);
		ck_assert_msg(!text_cut_ok(buf, n, 1), "cut before U+%04X",
		    (unsigned)marks[i]);
	}
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		n = 1 + put_utf8(buf + 1, others[i]);
		ck_assert_msg(text_cut_ok(buf, n, 1), "no cut before U+%04X",
		    (unsigned)others[i]);
	}
	/* Joiners: never before ZWNJ or ZWJ, never after ZWJ or COENG. */
	ck_assert(!text_cut_ok("a\xe2\x80\x8c" "b", 5, 1));
	ck_assert(text_cut_ok("a\xe2\x80\x8c" "b", 5, 4));
	ck_assert(!text_cut_ok("a\xe2\x80\x8d" "b", 5, 1));
	ck_assert(!text_cut_ok("a\xe2\x80\x8d" "b", 5, 4));
	ck_assert(!text_cut_ok("ស" COENG "ត", 9, 6));
	ck_assert(!text_cut_ok("ស" COENG " ", 7, 6));
	/* Code point boundaries; 0 and len always; nothing past len. */
	ck_assert(!text_cut_ok("\xc3\xa9", 2, 1));
	ck_assert(!text_cut_ok("a\xf0\x9f\x98\x80", 5, 3));
	ck_assert(text_cut_ok("a\xf0\x9f\x98\x80", 5, 1));
	ck_assert(text_cut_ok("\xcc\x81", 2, 0));
	ck_assert(text_cut_ok(COENG, 3, 3));
	ck_assert(!text_cut_ok("ab", 2, 3));
}
END_TEST

START_TEST(test_malformed)
{
	static const struct {
		const char	*s;
		size_t		 len;
	} bad[] = {
		{ "a\xff", 2 },
		{ "\xe1\x9f", 2 },
		{ "\x80\x80\x80\x80\x80", 5 },
		{ "ស\xe1\x9f\x92\xed\xa0\x80" "b", 10 },
		{ "\xc3\xa9\xf0\x9f\x98", 5 },
	};
	size_t		 i, budget, r;

	/* Outside the contract, but fuzzed: stay in bounds, stay safe. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(text_encoding_of(bad[i].s, bad[i].len),
		    TEXT_UCS2);
		ck_assert_uint_le(text_skip_breaks(bad[i].s, bad[i].len),
		    bad[i].len);
		for (budget = 0; budget <= bad[i].len + 1; budget++) {
			r = text_cut(bad[i].s, bad[i].len, TEXT_UCS2, budget);
			ck_assert_uint_le(r, bad[i].len);
			ck_assert_uint_le(text_measure(bad[i].s, r, TEXT_UCS2),
			    budget);
			ck_assert(text_cut_ok(bad[i].s, bad[i].len, r));
		}
	}
	ck_assert_uint_eq(text_measure("a\xff", 2, TEXT_UCS2), 2);
	ck_assert_uint_eq(text_measure("\x80\x80\x80", 3, TEXT_UCS2), 3);
}
END_TEST

START_TEST(test_ascii_digits)
{
	static const struct {
		const char	*in;
		const char	*out;
	} cases[] = {
		{ "១២", "12" },
		{ " ០ ", "0" },
		{ "1២", "12" },
		{ "០១២៣៤៥៦៧៨៩", "0123456789" },
		{ "ក១x", "ក1x" },
		{ "  ៩ ៨  ", "9 8" },
		{ "៖", "៖" },	/* U+17D6 is not a digit */
		{ "   ", "" },
		{ "", "" },
	};
	size_t			 i;
	char			*s;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = text_ascii_digits(cases[i].in);
		ck_assert_ptr_nonnull(s);
		ck_assert_str_eq(s, cases[i].out);
		free(s);
	}
}
END_TEST

/* Check text_dangling_coeng on the whole NUL-terminated s. */
static size_t
dangling(const char *s)
{
	return text_dangling_coeng(s, strlen(s));
}

/* A COENG with no consonant after it is found by its code point. */
START_TEST(test_dangling_coeng)
{
	/* Well-formed subscripts, and texts without a COENG. */
	ck_assert_uint_eq(dangling("ស្វា"), 0);
	ck_assert_uint_eq(dangling("ក្ដ"), 0);
	ck_assert_uint_eq(dangling("ន្ត្រ"), 0);
	ck_assert_uint_eq(dangling("ស្ត្រី។"), 0);
	ck_assert_uint_eq(dangling("ព័ត៌មាន"), 0);
	ck_assert_uint_eq(dangling("hello"), 0);
	ck_assert_uint_eq(dangling(""), 0);
	/* At the end, before a vowel sign, a space, ASCII or a ZWSP. */
	ck_assert_uint_eq(dangling("ក" COENG), 2);
	ck_assert_uint_eq(dangling("ក" COENG "ា"), 2);
	ck_assert_uint_eq(dangling("ក" COENG " ក"), 2);
	ck_assert_uint_eq(dangling("ក" COENG "a"), 2);
	ck_assert_uint_eq(dangling("ក" COENG ZWSP "ក"), 2);
	ck_assert_uint_eq(dangling("ក" COENG COENG "ក"), 2);
	ck_assert_uint_eq(dangling(COENG), 1);
	/* The first broken one counts, in code points, not bytes or units. */
	ck_assert_uint_eq(dangling("ស្វា ក" COENG), 7);
	ck_assert_uint_eq(dangling("ក្ក" COENG), 4);
	ck_assert_uint_eq(dangling("ក្ក" COENG "ក" COENG), 6);
	ck_assert_uint_eq(dangling("a" COENG), 2);
	ck_assert_uint_eq(dangling("\xf0\x9f\x98\x80" "ក" COENG "!"), 3);
	/* Only len bytes are looked at: the consonant beyond is not there. */
	ck_assert_uint_eq(text_dangling_coeng("ក" COENG "ក", 6), 2);
	ck_assert_uint_eq(text_dangling_coeng("ក" COENG "ក", 9), 0);
	ck_assert_uint_eq(text_dangling_coeng("ក" COENG "ក", 3), 0);
}
END_TEST

/* After a COENG, U+1780..U+17A2 are consonants and nothing else is. */
START_TEST(test_dangling_coeng_range)
{
	char		 buf[16];
	size_t		 n;
	uint32_t	 cp;

	for (cp = 0x1760; cp <= 0x17ff; cp++) {
		n = put_utf8(buf, 0x1780);
		n += put_utf8(buf + n, 0x17d2);
		n += put_utf8(buf + n, cp);
		ck_assert_msg(text_dangling_coeng(buf, n) ==
		    (cp >= 0x1780 && cp <= 0x17a2 ? 0u : 2u),
		    "COENG before U+%04X", (unsigned)cp);
	}
}
END_TEST

/* The Khmer cases are whole; cut just after any COENG, they are not. */
START_TEST(test_data_dangling)
{
	json_t		*cases, *c;
	const char	*s;
	size_t		 i, len, off, n, cps, cut;
	uint32_t	 cp;

	cases = load_cases();
	cut = 0;
	json_array_foreach(cases, i, c) {
		s = case_text(c);
		len = strlen(s);
		ck_assert_msg(text_dangling_coeng(s, len) == 0, "%s", s);
		cps = 0;
		for (off = 0; off < len; off += n) {
			n = text_utf8_next(s + off, len - off, &cp);
			ck_assert_uint_gt(n, 0);
			cps++;
			if (cp != 0x17d2)
				continue;
			ck_assert_msg(text_dangling_coeng(s, off + n) == cps,
			    "%s cut at byte %zu", s, off + n);
			cut++;
		}
		ck_assert_uint_eq(cps, case_size(c, "code_points"));
	}
	ck_assert_uint_gt(cut, 20);
	json_decref(cases);
}
END_TEST

/* Fill buf with n copies of c, NUL-terminated; return buf. */
static char *
repeat_char(char *buf, size_t n, char c)
{
	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

/*
 * Check what every split must hold: parts start at 0, follow each other,
 * re-join to s byte for byte, measure what they claim, hold at most
 * budget units (one part: the single-SMS size) and end where text_cut_ok
 * allows. n parts were filled.
 */
static void
check_parts(const char *s, size_t len, enum text_encoding enc,
    const struct text_part *parts, size_t n)
{
	char	*joined;
	size_t	 i, off, limit;

	if (n == 1)
		limit = enc == TEXT_GSM7 ? TEXT_SMS_GSM7 : TEXT_SMS_UCS2;
	else
		limit = enc == TEXT_GSM7 ? TEXT_PART_GSM7 : TEXT_PART_UCS2;
	joined = malloc(len + 1);
	ck_assert_ptr_nonnull(joined);
	off = 0;
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(parts[i].off, off);
		ck_assert_uint_gt(parts[i].len, 0);
		ck_assert_uint_le(parts[i].off + parts[i].len, len);
		ck_assert_uint_eq(parts[i].units,
		    text_measure(s + parts[i].off, parts[i].len, enc));
		ck_assert_msg(parts[i].units <= limit, "part %zu: %zu units",
		    i, parts[i].units);
		memcpy(joined + off, s + parts[i].off, parts[i].len);
		off += parts[i].len;
		ck_assert(text_cut_ok(s, len, off));
	}
	ck_assert_uint_eq(off, len);
	ck_assert(memcmp(joined, s, len) == 0);
	free(joined);
}

/* 160 GSM-7 characters are one SMS; 161 make parts of 153 and 8. */
START_TEST(test_sms_ascii)
{
	char			 buf[512];
	struct text_part	 p[4];
	enum text_encoding	 enc;

	repeat_char(buf, 160, 'a');
	ck_assert_uint_eq(text_sms_split(buf, 160, &enc, p, 4), 1);
	ck_assert_int_eq(enc, TEXT_GSM7);
	ck_assert_uint_eq(p[0].off, 0);
	ck_assert_uint_eq(p[0].len, 160);
	ck_assert_uint_eq(p[0].units, 160);

	repeat_char(buf, 161, 'a');
	ck_assert_uint_eq(text_sms_split(buf, 161, &enc, p, 4), 2);
	ck_assert_int_eq(enc, TEXT_GSM7);
	ck_assert_uint_eq(p[0].len, 153);
	ck_assert_uint_eq(p[0].units, 153);
	ck_assert_uint_eq(p[1].off, 153);
	ck_assert_uint_eq(p[1].len, 8);
	ck_assert_uint_eq(p[1].units, 8);
	check_parts(buf, 161, enc, p, 2);

	/* 2 * 153 is two full parts; one more character makes a third. */
	repeat_char(buf, 306, 'a');
	ck_assert_uint_eq(text_sms_split(buf, 306, &enc, p, 4), 2);
	ck_assert_uint_eq(p[1].len, 153);
	repeat_char(buf, 307, 'a');
	ck_assert_uint_eq(text_sms_split(buf, 307, &enc, p, 4), 3);
	ck_assert_uint_eq(p[2].off, 306);
	ck_assert_uint_eq(p[2].units, 1);
	check_parts(buf, 307, enc, p, 3);
}
END_TEST

/* An extension character is two septets and never straddles a part. */
START_TEST(test_sms_extension)
{
	char			 buf[512];
	struct text_part	 p[4];
	enum text_encoding	 enc;
	size_t			 len;

	/* 158 + 2 = 160 septets: one SMS; 159 + 2 = 161: two parts. */
	repeat_char(buf, 158, 'a');
	buf[158] = '{';
	ck_assert_uint_eq(text_sms_split(buf, 159, &enc, p, 4), 1);
	ck_assert_int_eq(enc, TEXT_GSM7);
	ck_assert_uint_eq(p[0].units, 160);
	repeat_char(buf, 159, 'a');
	buf[159] = '{';
	ck_assert_uint_eq(text_sms_split(buf, 160, &enc, p, 4), 2);
	ck_assert_uint_eq(p[0].len, 153);
	ck_assert_uint_eq(p[1].units, 8);

	/* '{' would take septets 153 and 154: it starts part two. */
	repeat_char(buf, 152, 'a');
	buf[152] = '{';
	repeat_char(buf + 153, 10, 'b');
	len = 163;
	ck_assert_uint_eq(text_sms_split(buf, len, &enc, p, 4), 2);
	ck_assert_int_eq(enc, TEXT_GSM7);
	ck_assert_uint_eq(p[0].len, 152);
	ck_assert_uint_eq(p[0].units, 152);
	ck_assert_uint_eq(p[1].off, 152);
	ck_assert_int_eq(buf[p[1].off], '{');
	ck_assert_uint_eq(p[1].units, 12);
	check_parts(buf, len, enc, p, 2);

	/* One septet earlier it fits exactly: septets 152 and 153. */
	repeat_char(buf, 151, 'a');
	buf[151] = '{';
	repeat_char(buf + 152, 10, 'b');
	len = 162;
	ck_assert_uint_eq(text_sms_split(buf, len, &enc, p, 4), 2);
	ck_assert_uint_eq(p[0].len, 152);
	ck_assert_uint_eq(p[0].units, 153);
	ck_assert_uint_eq(p[1].units, 10);

	/* The euro sign: three bytes, two septets, also moved whole. */
	repeat_char(buf, 152, 'a');
	memcpy(buf + 152, "\xe2\x82\xac", 3);
	repeat_char(buf + 155, 10, 'b');
	len = 165;
	ck_assert_uint_eq(text_sms_split(buf, len, &enc, p, 4), 2);
	ck_assert_int_eq(enc, TEXT_GSM7);
	ck_assert_uint_eq(p[0].len, 152);
	ck_assert_uint_eq(p[1].off, 152);
	ck_assert_uint_eq(p[1].len, 13);
	ck_assert_uint_eq(p[1].units, 12);
	check_parts(buf, len, enc, p, 2);

	/* One character outside GSM 03.38 makes the whole text UCS-2. */
	repeat_char(buf, 100, 'a');
	buf[50] = '`';
	ck_assert_uint_eq(text_sms_split(buf, 100, &enc, p, 4), 2);
	ck_assert_int_eq(enc, TEXT_UCS2);
	ck_assert_uint_eq(p[0].units, 67);
	ck_assert_uint_eq(p[1].units, 33);
}
END_TEST

/* Append n copies of the NUL-terminated w to buf at *len. */
static void
append_word(char *buf, size_t size, size_t *len, const char *w, size_t n)
{
	size_t	wlen = strlen(w), i;

	for (i = 0; i < n; i++) {
		ck_assert_uint_lt(*len + wlen, size);
		memcpy(buf + *len, w, wlen);
		*len += wlen;
	}
	buf[*len] = '\0';
}

/* 70 Khmer units are one SMS; at 71 the cut falls back to a cluster. */
START_TEST(test_sms_khmer_70)
{
	char			 buf[512];
	struct text_part	 p[4];
	enum text_encoding	 enc;
	size_t			 len;

	/* ស្ត្រី is one 6-unit cluster; ក្រុម is [ក្រុ][ម], 4 + 1. */
	len = 0;
	append_word(buf, sizeof(buf), &len, "ស្ត្រី", 10);
	append_word(buf, sizeof(buf), &len, "ក្រុម", 2);
	ck_assert_uint_eq(u16(buf), 70);
	ck_assert_uint_eq(text_sms_split(buf, len, &enc, p, 4), 1);
	ck_assert_int_eq(enc, TEXT_UCS2);
	ck_assert_uint_eq(p[0].len, len);
	ck_assert_uint_eq(p[0].units, 70);

	/*
	 * 71 units. Unit 67 falls right after the COENG of the second
	 * ក្រុម and unit 66 before it, so the part ends at unit 65 (after
	 * the first ក្រុម); the second one and the ក follow.
	 */
	append_word(buf, sizeof(buf), &len, "ក", 1);
	ck_assert_uint_eq(u16(buf), 71);
	ck_assert_uint_eq(text_sms_split(buf, len, &enc, p, 4), 2);
	ck_assert_uint_eq(p[0].units, 65);
	ck_assert_uint_eq(p[0].len, 65 * 3);
	ck_assert_uint_eq(p[1].units, 6);
	ck_assert(!ends_with_coeng(buf, p[0].len));
	ck_assert(memcmp(buf + p[1].off, "ក្រុម", strlen("ក្រុម")) == 0);
	check_parts(buf, len, enc, p, 2);
	ck_assert_uint_eq(text_dangling_coeng(buf + p[0].off, p[0].len), 0);
	ck_assert_uint_eq(text_dangling_coeng(buf + p[1].off, p[1].len), 0);
}
END_TEST

/*
 * Every data case, repeated to more than four parts' worth: the split
 * must agree with the data's own safe cuts. The expected parts are found
 * without text.c: from unit 0, jump to the farthest safe offset (those of
 * the case, shifted by each repetition) at most 67 units on, until the
 * end. That greedy walk gives the longest possible parts and also the
 * fewest of them, so both the boundaries and the count must match it;
 * the count is also at least ceil(units / 67).
 */
START_TEST(test_sms_data)
{
	json_t			*cases, *c;
	char			 text[SENTENCE_MAX];
	struct text_part	 p[32];
	enum text_encoding	 enc;
	const char		*w;
	size_t			 i, k, wlen, wunits, reps, len, total, n;
	size_t			 at, next, cand, expect, u;

	cases = load_cases();
	json_array_foreach(cases, i, c) {
		w = case_text(c);
		wlen = strlen(w);
		wunits = case_size(c, "utf16_units");
		reps = 4 * TEXT_PART_UCS2 / wunits + 1;
		len = 0;
		append_word(text, sizeof(text), &len, w, reps);
		total = reps * wunits;
		ck_assert_uint_eq(u16(text), total);
		ck_assert_uint_eq(len, reps * wlen);

		n = text_sms_split(text, len, &enc, p, 32);
		ck_assert_int_eq(enc, TEXT_UCS2);
		ck_assert_uint_le(n, 32);
		ck_assert_uint_ge(n, (total + TEXT_PART_UCS2 - 1) /
		    TEXT_PART_UCS2);
		check_parts(text, len, enc, p, n);

		/* The greedy walk over the data's safe offsets. */
		expect = 0;
		at = 0;
		while (at < total) {
			next = at;
			for (cand = at + 1; cand <= total &&
			    cand - at <= TEXT_PART_UCS2; cand++)
				if (case_safe(c, cand % wunits))
					next = cand;
			ck_assert_uint_gt(next, at);
			ck_assert_msg(expect < n, "%s: only %zu parts", w, n);
			u = text_measure(text, p[expect].off + p[expect].len,
			    TEXT_UCS2);
			ck_assert_msg(u == next, "%s part %zu ends at unit "
			    "%zu, not %zu", w, expect, u, next);
			ck_assert_msg(case_safe(c, u % wunits),
			    "%s: unit %zu is not safe", w, u);
			ck_assert(!ends_with_coeng(text, u * 3));
			expect++;
			at = next;
		}
		ck_assert_uint_eq(n, expect);
		for (k = 0; k < n; k++)
			ck_assert_uint_le(p[k].units, TEXT_PART_UCS2);
	}
	json_decref(cases);
}
END_TEST

/* An emoji is a surrogate pair: two units that move together. */
START_TEST(test_sms_emoji)
{
	char			 buf[512];
	struct text_part	 p[4];
	enum text_encoding	 enc;
	size_t			 len;

	/* 66 + 2 + 10 units: the emoji would be units 67 and 68. */
	len = 0;
	append_word(buf, sizeof(buf), &len, "a", 66);
	append_word(buf, sizeof(buf), &len, "\xf0\x9f\x98\x80", 1);
	append_word(buf, sizeof(buf), &len, "b", 10);
	ck_assert_uint_eq(text_sms_split(buf, len, &enc, p, 4), 2);
	ck_assert_int_eq(enc, TEXT_UCS2);
	ck_assert_uint_eq(p[0].len, 66);
	ck_assert_uint_eq(p[0].units, 66);
	ck_assert_uint_eq(p[1].off, 66);
	ck_assert_uint_eq(p[1].units, 12);
	check_parts(buf, len, enc, p, 2);

	/* One unit earlier it fills the part exactly. */
	len = 0;
	append_word(buf, sizeof(buf), &len, "a", 65);
	append_word(buf, sizeof(buf), &len, "\xf0\x9f\x98\x80", 1);
	append_word(buf, sizeof(buf), &len, "b", 10);
	ck_assert_uint_eq(text_sms_split(buf, len, &enc, p, 4), 2);
	ck_assert_uint_eq(p[0].len, 69);
	ck_assert_uint_eq(p[0].units, 67);
	ck_assert_uint_eq(p[1].units, 10);

	/* 35 emoji are 70 units, one SMS; 36 are 33 + 3 of them. */
	len = 0;
	append_word(buf, sizeof(buf), &len, "\xf0\x9f\x98\x80", 35);
	ck_assert_uint_eq(text_sms_split(buf, len, &enc, p, 4), 1);
	ck_assert_uint_eq(p[0].units, 70);
	append_word(buf, sizeof(buf), &len, "\xf0\x9f\x98\x80", 1);
	ck_assert_uint_eq(text_sms_split(buf, len, &enc, p, 4), 2);
	ck_assert_uint_eq(p[0].len, 33 * 4);
	ck_assert_uint_eq(p[0].units, 66);
	ck_assert_uint_eq(p[1].units, 6);
	check_parts(buf, len, enc, p, 2);
}
END_TEST

/* A cluster longer than a part is cut at a code point, not looped on. */
START_TEST(test_sms_long_cluster)
{
	char			 buf[1024];
	struct text_part	 p[4];
	enum text_encoding	 enc;
	size_t			 len, i;

	/* 'a' and 100 U+0301 COMBINING ACUTE ACCENT: no safe cut at all. */
	len = 0;
	append_word(buf, sizeof(buf), &len, "a", 1);
	append_word(buf, sizeof(buf), &len, "\xcc\x81", 100);
	ck_assert_uint_eq(text_sms_split(buf, len, &enc, p, 4), 2);
	ck_assert_int_eq(enc, TEXT_UCS2);
	ck_assert_uint_eq(p[0].units, 67);
	ck_assert_uint_eq(p[0].len, 1 + 66 * 2);
	ck_assert_uint_eq(p[1].units, 34);
	ck_assert_uint_eq(p[0].len + p[1].len, len);

	/* ក and 101 COENG + ក: each cut is after a COENG or before one. */
	len = 0;
	append_word(buf, sizeof(buf), &len, "ក", 1);
	append_word(buf, sizeof(buf), &len, COENG "ក", 101);
	for (i = 3; i < len; i += 3)
		ck_assert(!text_cut_ok(buf, len, i));
	ck_assert_uint_eq(text_sms_split(buf, len, &enc, p, 4), 4);
	ck_assert_uint_eq(p[0].units, 67);
	ck_assert_uint_eq(p[1].units, 67);
	ck_assert_uint_eq(p[2].units, 67);
	ck_assert_uint_eq(p[3].units, 203 - 3 * 67);
	ck_assert_uint_eq(p[3].off + p[3].len, len);
}
END_TEST

/* The count covers every part needed; only max entries are written. */
START_TEST(test_sms_count)
{
	char			 buf[1024];
	struct text_part	 p[3];
	enum text_encoding	 enc;

	enc = TEXT_UCS2;
	ck_assert_uint_eq(text_sms_split("", 0, &enc, p, 3), 0);
	ck_assert_int_eq(enc, TEXT_GSM7);
	ck_assert_uint_eq(text_sms_split("hi", 2, &enc, NULL, 0), 1);

	repeat_char(buf, 1000, 'x');
	ck_assert_uint_eq(text_sms_split(buf, 1000, &enc, NULL, 0), 7);
	memset(p, 0xa5, sizeof(p));
	ck_assert_uint_eq(text_sms_split(buf, 1000, &enc, p, 2), 7);
	ck_assert_uint_eq(p[1].off, 153);
	ck_assert_uint_eq(p[1].len, 153);
	ck_assert_uint_eq(p[2].off, (size_t)0xa5a5a5a5a5a5a5a5ULL);
	ck_assert_uint_eq(text_sms_split(buf, 1000, &enc, p, 3), 7);
	ck_assert_uint_eq(p[2].off, 306);
}
END_TEST

/* Encode s as UTF-16BE, compare with want, and decode it back. */
static void
roundtrip(const char *s, const char *want, size_t wantlen)
{
	char	*b, *back;
	size_t	 blen, backlen;

	b = text_to_utf16be(s, strlen(s), &blen);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(blen, 2 * u16(s));
	if (want != NULL) {
		ck_assert_uint_eq(blen, wantlen);
		ck_assert(memcmp(b, want, wantlen) == 0);
	}
	back = text_from_utf16be(b, blen, &backlen);
	ck_assert_ptr_nonnull(back);
	ck_assert_uint_eq(backlen, strlen(s));
	ck_assert_str_eq(back, s);
	free(back);
	free(b);
}

START_TEST(test_utf16be_roundtrip)
{
	json_t		*cases, *c;
	size_t		 i;

	roundtrip("", "", 0);
	roundtrip("A", "\x00\x41", 2);
	roundtrip("\xc3\xa9", "\x00\xe9", 2);
	roundtrip("ស", "\x17\x9f", 2);
	roundtrip("\xf0\x9f\x98\x80", "\xd8\x3d\xde\x00", 4);
	roundtrip("a\xf0\x9f\x98\x80" "b", "\x00\x61\xd8\x3d\xde\x00\x00\x62",
	    8);
	roundtrip("\xf4\x8f\xbf\xbf", "\xdb\xff\xdf\xff", 4);	/* U+10FFFF */
	roundtrip("\xf0\x90\x80\x80", "\xd8\x00\xdc\x00", 4);	/* U+10000 */
	roundtrip("\xef\xbf\xbf", "\xff\xff", 2);		/* U+FFFF */
	roundtrip("\xed\x9f\xbf\xee\x80\x80", "\xd7\xff\xe0\x00", 4);
	roundtrip("ស្ត្រី" ZWSP "\xf0\x9f\x98\x80" "{€}", NULL, 0);
	cases = load_cases();
	json_array_foreach(cases, i, c)
		roundtrip(case_text(c), NULL, 0);
	json_decref(cases);
}
END_TEST

START_TEST(test_utf16be_malformed)
{
	static const struct {
		const char	*b;
		size_t		 len;
		const char	*what;
	} bad[] = {
		{ "\x00", 1, "odd length" },
		{ "\x00\x41\x00", 3, "odd length after a unit" },
		{ "\xd8\x3d", 2, "high surrogate at the end" },
		{ "\xd8\x3d\x00\x41", 4, "high surrogate before 'A'" },
		{ "\xd8\x3d\xd8\x3d\xde\x00", 6, "two high surrogates" },
		{ "\xde\x00", 2, "lone low surrogate" },
		{ "\xde\x00\xd8\x3d", 4, "pair in the wrong order" },
		{ "\x00\x41\xdf\xff\x00\x42", 6, "low surrogate inside" },
		{ "\x00\x00", 2, "NUL" },
		{ "\x00\x41\x00\x00\x00\x42", 6, "NUL inside" },
	};
	char		*s;
	size_t		 i, n;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		s = text_from_utf16be(bad[i].b, bad[i].len, &n);
		ck_assert_msg(s == NULL, "%s accepted", bad[i].what);
	}
	/* The same bytes without the fault are fine. */
	s = text_from_utf16be("\x00\x41\x00\x42", 4, &n);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(s, "AB");
	free(s);
}
END_TEST

/* Build the "text" suite. */
static Suite *
text_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("text");

	tc = tcase_create("utf8");
	tcase_add_test(tc, test_utf8_valid);
	tcase_add_test(tc, test_utf8_invalid);
	tcase_add_test(tc, test_utf8_next);
	suite_add_tcase(s, tc);

	tc = tcase_create("measure");
	tcase_add_test(tc, test_gsm7_ascii);
	tcase_add_test(tc, test_gsm7_extension);
	tcase_add_test(tc, test_gsm7_other);
	tcase_add_test(tc, test_gsm7_table_size);
	tcase_add_test(tc, test_utf16_units);
	suite_add_tcase(s, tc);

	tc = tcase_create("data");
	tcase_add_test(tc, test_data_cases);
	tcase_add_test(tc, test_data_cut);
	suite_add_tcase(s, tc);

	tc = tcase_create("cut");
	tcase_add_test(tc, test_cut_clusters);
	tcase_add_test(tc, test_cut_too_small);
	tcase_add_test(tc, test_cut_sentence);
	tcase_add_test(tc, test_cut_zwsp);
	tcase_add_test(tc, test_cut_khan);
	tcase_add_test(tc, test_cut_ascii);
	tcase_add_test(tc, test_cut_wide);
	tcase_add_test(tc, test_cut_ok_rules);
	tcase_add_test(tc, test_malformed);
	suite_add_tcase(s, tc);

	tc = tcase_create("digits");
	tcase_add_test(tc, test_ascii_digits);
	suite_add_tcase(s, tc);

	tc = tcase_create("coeng");
	tcase_add_test(tc, test_dangling_coeng);
	tcase_add_test(tc, test_dangling_coeng_range);
	tcase_add_test(tc, test_data_dangling);
	suite_add_tcase(s, tc);

	tc = tcase_create("sms");
	tcase_add_test(tc, test_sms_ascii);
	tcase_add_test(tc, test_sms_extension);
	tcase_add_test(tc, test_sms_khmer_70);
	tcase_add_test(tc, test_sms_data);
	tcase_add_test(tc, test_sms_emoji);
	tcase_add_test(tc, test_sms_long_cluster);
	tcase_add_test(tc, test_sms_count);
	suite_add_tcase(s, tc);

	tc = tcase_create("utf16be");
	tcase_add_test(tc, test_utf16be_roundtrip);
	tcase_add_test(tc, test_utf16be_malformed);
	suite_add_tcase(s, tc);

	return s;
}

/* Run the suite in Check's default fork mode. */
int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(text_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
