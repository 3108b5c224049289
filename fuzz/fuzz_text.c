/* SPDX-License-Identifier: ISC */
/*
 * fuzz_text: the measurer, the Khmer-safe cutter and the SMS splitter,
 * with the properties their callers rely on asserted. Byte 0 chooses the
 * page budget (1 to 255 units, or one of the real ones) and whether pages
 * are measured as UCS-2 whatever the text; the rest is the text, which
 * may be any bytes. For valid UTF-8, text_cut's pages (with the breaks it
 * leaves to skip) re-join to the text, none is over the budget, each
 * ends where text_cut_ok allows and so never after COENG (U+17D2);
 * text_sms_split's parts re-join, each is measured right, none is over
 * 153/67 units (160/70 for a text sent in one), each ends where
 * text_cut_ok allows unless its cluster is longer than a whole part, and
 * each is as long as it can be. UTF-16BE decodes and encodes back to the
 * same bytes, and valid UTF-8 makes the round trip the other way.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzzutil.h"
#include "text.h"

#define COENG	0x17d2

/* The code point that ends at s[off], or 0 at the start. */
static uint32_t
fuzz_last_cp(const char *s, size_t off)
{
	uint32_t	cp;
	size_t		start;

	start = off;
	while (start > 0 && off - start < 4) {
		start--;
		if (((unsigned char)s[start] & 0xc0) != 0x80)
			break;
	}
	if (start == off || text_utf8_next(s + start, off - start, &cp) !=
	    off - start)
		return 0;
	return cp;
}

/* Whether off starts a code point of s (or is its end). */
static int
fuzz_boundary(const char *s, size_t len, size_t off)
{
	return off == len || ((unsigned char)s[off] & 0xc0) != 0x80;
}

/* Page s with text_cut, as menu_render does, checking every page. */
static void
fuzz_pages(const char *s, size_t len, enum text_encoding enc, size_t budget)
{
	char	*joined;
	size_t	 off, n, k, o;

	joined = malloc(len + 1);
	if (joined == NULL)
		return;
	off = 0;
	o = 0;
	while (off < len) {
		n = text_cut(s + off, len - off, enc, budget);
		FUZZ_ASSERT(n <= len - off);
		if (n == 0)
			break;	/* one cluster is over the budget */
		FUZZ_ASSERT(text_measure(s + off, n, enc) <= budget);
		FUZZ_ASSERT(text_cut_ok(s, len, off + n));
		FUZZ_ASSERT(off + n == len || fuzz_last_cp(s, off + n) !=
		    COENG);
		memcpy(joined + o, s + off, n);
		o += n;
		off += n;
		k = text_skip_breaks(s + off, len - off);
		memcpy(joined + o, s + off, k);
		o += k;
		off += k;
	}
	if (off == len)
		FUZZ_ASSERT(o == len && memcmp(joined, s, len) == 0);
	free(joined);
}

/* Split s into SMS parts and check each. */
static void
fuzz_parts(const char *s, size_t len)
{
	struct text_part	*p;
	enum text_encoding	 enc;
	size_t			 n, i, off, end, q, part, single, last;
	uint32_t		 cp;

	n = text_sms_split(s, len, &enc, NULL, 0);
	FUZZ_ASSERT(enc == text_encoding_of(s, len));
	FUZZ_ASSERT((n == 0) == (len == 0));
	if (n == 0)
		return;
	p = calloc(n, sizeof(*p));
	if (p == NULL)
		return;
	FUZZ_ASSERT(text_sms_split(s, len, &enc, p, n) == n);
	single = enc == TEXT_GSM7 ? TEXT_SMS_GSM7 : TEXT_SMS_UCS2;
	part = enc == TEXT_GSM7 ? TEXT_PART_GSM7 : TEXT_PART_UCS2;
	if (n == 1)
		FUZZ_ASSERT(p[0].units <= single);
	off = 0;
	for (i = 0; i < n; i++) {
		FUZZ_ASSERT(p[i].off == off && p[i].len > 0);
		end = off + p[i].len;
		FUZZ_ASSERT(end <= len && fuzz_boundary(s, len, end));
		FUZZ_ASSERT(p[i].units == text_measure(s + off, p[i].len,
		    enc));
		if (n == 1)
			break;
		FUZZ_ASSERT(p[i].units <= part);
		if (end == len)
			break;
		if (text_cut_ok(s, len, end)) {
			/* As long as it can be: the next safe cut is over. */
			for (q = end + 1; q < len; q++)
				if (fuzz_boundary(s, len, q) &&
				    text_cut_ok(s, len, q))
					break;
			FUZZ_ASSERT(text_measure(s + off, q - off, enc) > part);
		} else {
			/* Cut inside a cluster only when it has no safe cut
			 * in the whole part, at the last character that
			 * fits. */
			for (q = off + 1; q < end; q++)
				FUZZ_ASSERT(!fuzz_boundary(s, len, q) ||
				    !text_cut_ok(s, len, q));
			last = text_utf8_next(s + end, len - end, &cp);
			FUZZ_ASSERT(last > 0);
			FUZZ_ASSERT(text_measure(s + off, end + last - off,
			    enc) > part);
		}
		off = end;
	}
	free(p);
}

/* UTF-16BE to UTF-8 and back, and UTF-8 to UTF-16BE and back. */
static void
fuzz_utf16(const char *b, size_t len, int utf8)
{
	char	*u, *w;
	size_t	 ulen, wlen;

	u = text_from_utf16be(b, len, &ulen);
	if (u != NULL) {
		FUZZ_ASSERT(strlen(u) == ulen);
		FUZZ_ASSERT(text_utf8_valid(u, ulen));
		w = text_to_utf16be(u, ulen, &wlen);
		FUZZ_ASSERT(w != NULL || wlen == 0);
		FUZZ_ASSERT(wlen == len && (len == 0 ||
		    memcmp(w, b, len) == 0));
		free(w);
		free(u);
	}
	if (!utf8)
		return;
	w = text_to_utf16be(b, len, &wlen);
	if (w == NULL)
		return;
	FUZZ_ASSERT(wlen == 2 * text_measure(b, len, TEXT_UCS2));
	u = text_from_utf16be(w, wlen, &ulen);
	FUZZ_ASSERT(u != NULL && ulen == len && memcmp(u, b, len) == 0);
	free(u);
	free(w);
}

/* Check the properties on one input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t	 real[] = { 80, 182, 67, 153 };
	enum text_encoding	 enc;
	const char		*s;
	char			*z, *digits;
	size_t			 len, budget;
	int			 valid;

	if (size < 1)
		return 0;
	budget = data[0] & 0x7f;
	budget = budget < 4 ? real[budget] : budget * 2 - 6;
	s = (const char *)data + 1;
	len = size - 1;
	valid = text_utf8_valid(s, len);
	enc = text_encoding_of(s, len);
	if (data[0] & 0x80)
		enc = TEXT_UCS2;

	/* Whatever the bytes: bounded walks and no crash. */
	(void)text_measure(s, len, enc);
	(void)text_cut(s, len, enc, budget);
	(void)text_skip_breaks(s, len);
	fuzz_utf16(s, len, valid);
	if (!valid)
		return 0;

	fuzz_pages(s, len, enc, budget);
	fuzz_parts(s, len);
	(void)text_dangling_coeng(s, len);
	z = malloc(len + 1);
	if (z == NULL)
		return 0;
	memcpy(z, s, len);
	z[len] = '\0';
	digits = text_ascii_digits(z);
	if (digits != NULL) {
		FUZZ_ASSERT(strlen(digits) <= len);
		FUZZ_ASSERT(text_utf8_valid(digits, strlen(digits)));
		free(digits);
	}
	free(z);
	return 0;
}
