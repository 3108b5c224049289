/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the text module: strict UTF-8, GSM 03.38 and UTF-16
 * measurement, Khmer-safe cutting and Khmer digits. The cut rules are
 * checked against tests/data/khmer-text-cases.json (found through
 * TEST_DATA_DIR), where every UTF-16 offset not listed as safe must be
 * refused.
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
	ck_assert_uint_eq(text_skip_breaks("ab \n cd" + 2, 5), 3);
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
