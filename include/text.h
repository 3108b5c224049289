/* SPDX-License-Identifier: ISC */
/*
 * text: everything hotlined knows about characters. UTF-8 validation and
 * decoding, the size of a text as it goes on air (GSM 03.38 septets or
 * UTF-16 code units), the points where a page may be cut without breaking
 * a Khmer cluster, and Khmer digit normalisation. Pure functions, no state;
 * it does not know about menus, pages or channels.
 */
#ifndef HOTLINED_TEXT_H
#define HOTLINED_TEXT_H

#include <stddef.h>
#include <stdint.h>

enum text_encoding {
	TEXT_GSM7,	/* all characters in GSM 03.38 (basic or extension) */
	TEXT_UCS2	/* anything else: counted in UTF-16 code units */
};

/*
 * Decode the code point at s (len bytes available). Returns the number of
 * bytes it takes (1 to 4) and stores it in *cp, or 0 if the bytes are not
 * well-formed UTF-8 (overlong forms, surrogates, > U+10FFFF, truncation).
 */
size_t	text_utf8_next(const char *s, size_t len, uint32_t *cp);

/* Return 1 if s[0..len) is well-formed UTF-8 without NUL bytes, else 0. */
int	text_utf8_valid(const char *s, size_t len);

/*
 * Septets cp takes in the GSM 03.38 default alphabet: 1 for the basic
 * table, 2 for the extension table (ESC + code), 0 if not representable.
 */
int	text_gsm7_septets(uint32_t cp);

/* TEXT_GSM7 if every character of the (valid UTF-8) text is in GSM 03.38. */
enum text_encoding text_encoding_of(const char *s, size_t len);

/* Short name of an encoding for reports: "GSM-7" or "UCS-2". */
const char *text_encoding_name(enum text_encoding enc);

/*
 * Size of the (valid UTF-8) text on air: septets for TEXT_GSM7 (the caller
 * has checked that the text is GSM-7), UTF-16 code units for TEXT_UCS2.
 * Should the text break that promise, a character outside GSM 03.38 and a
 * malformed byte count one unit each.
 */
size_t	text_measure(const char *s, size_t len, enum text_encoding enc);

/*
 * Return 1 if a page may end at byte offset off of s (0 and len always may):
 * off is on a code point boundary, the previous character is not U+17D2
 * (COENG) nor U+200D (ZWJ), and the next character is not a combining mark
 * (general category Mn or Mc), U+200C (ZWNJ) or U+200D (ZWJ).
 */
int	text_cut_ok(const char *s, size_t len, size_t off);

/*
 * Choose where to end a page of at most budget units (in enc) taken from
 * the start of s. Returns the byte length of the page (len itself when the
 * whole text fits), or 0 when not even one cluster fits. The cut is always
 * text_cut_ok(); among those it prefers, in the second half of the budget
 * (the page holds at least budget / 2 units, rounded up), the last break
 * point: before a newline, space or U+200B that starts a run of them, or
 * right after U+17D4 (KHAN, "។", which stays on this page). Otherwise it
 * takes the last safe cut that fits. The breaks stay at the start of the
 * rest; drop them with text_skip_breaks().
 */
size_t	text_cut(const char *s, size_t len, enum text_encoding enc,
	    size_t budget);

/*
 * Number of bytes of break characters (newline, space, U+200B) at the start
 * of s: what the next page drops after a cut.
 */
size_t	text_skip_breaks(const char *s, size_t len);

/*
 * Copy of s with Khmer digits U+17E0..U+17E9 replaced by ASCII '0'..'9' and
 * surrounding spaces trimmed. Caller frees. NULL on allocation failure.
 */
char	*text_ascii_digits(const char *s);

/*
 * Where a Khmer subscript is broken: the position (1 for the first code
 * point) of the first U+17D2 COENG that no consonant (U+1780..U+17A2)
 * follows, or 0 if every COENG has one. s is valid UTF-8.
 */
size_t	text_dangling_coeng(const char *s, size_t len);

/* The longest part of a message sent alone, and of a concatenated one. */
#define TEXT_SMS_GSM7	160
#define TEXT_SMS_UCS2	70
#define TEXT_PART_GSM7	153
#define TEXT_PART_UCS2	67

/* One SMS part: bytes [off, off + len) of the text, units on air. */
struct text_part {
	size_t	off;
	size_t	len;
	size_t	units;
};

/*
 * Split the (valid UTF-8) text s into SMS parts as the network carries
 * it: *enc gets TEXT_GSM7 when every character is in GSM 03.38, else
 * TEXT_UCS2. A text that fits one SMS (160 septets, 70 units) is one
 * part; a longer one is cut into parts of at most 153 septets or 67 units,
 * each as long as it can be, never inside a cluster (text_cut_ok), an
 * extension character or a surrogate pair. Parts re-join to s exactly.
 * Fills at most max entries of parts (NULL when max is 0) and returns the
 * number of parts the text needs (possibly more than max); 0 for "".
 */
size_t	text_sms_split(const char *s, size_t len, enum text_encoding *enc,
	    struct text_part *parts, size_t max);

/*
 * The (valid UTF-8) text as UTF-16BE bytes: a new buffer of *outlen bytes
 * (not NUL-terminated; may be 0), NULL when out of memory.
 */
char	*text_to_utf16be(const char *s, size_t len, size_t *outlen);

/*
 * UTF-16BE bytes as UTF-8: a new NUL-terminated string of *outlen bytes,
 * or NULL when out of memory or the bytes are not UTF-16BE (odd length, a
 * lone surrogate, a NUL).
 */
char	*text_from_utf16be(const char *b, size_t len, size_t *outlen);

#endif
