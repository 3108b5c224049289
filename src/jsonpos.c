/* SPDX-License-Identifier: ISC */
/*
 * jsonpos: a single-pass scanner that records where every value and member
 * name of a JSON text sits (line and column, columns in code points), and
 * look-ups of those positions by JSON Pointer (RFC 6901). It checks the
 * grammar only so far as to fail cleanly on malformed text; building values
 * is jansson's job, and what a position is wrong about is the caller's.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonpos.h"
#include "text.h"

/* Nesting limit; the same as jansson's default, so we accept what it does. */
#define JP_MAXDEPTH	2048

enum jp_role {
	JP_ROOT,	/* the whole document */
	JP_MEMBER,	/* a value inside an object, with a name */
	JP_ELEMENT	/* a value inside an array, with an index */
};

/*
 * One value. Entries are stored in document order (a value, then all its
 * descendants), so a value's children start right after it and each child's
 * end leads to its next sibling. This keeps memory linear in the document
 * size, where storing a full pointer string per value would not be for deep
 * documents.
 */
struct jp_entry {
	char		*key;		/* decoded member name, members only */
	size_t		 keylen;	/* may include NUL bytes from \u0000 */
	size_t		 index;		/* array position, elements only */
	size_t		 end;		/* entry index just past this subtree */
	enum jp_role	 role;
	char		 type;		/* '{', '[', or 0 for any scalar */
	int		 line;		/* the value's first character */
	int		 col;
	int		 kline;		/* the member name's opening quote */
	int		 kcol;
};

struct jsonpos {
	struct jp_entry	*entries;	/* entries[0] is the document */
	size_t		 count;
	size_t		 cap;
};

struct jp_scan {
	const char	*s;
	size_t		 len;
	size_t		 pos;
	int		 line;		/* of s[pos] */
	int		 col;		/* of s[pos], in code points */
	int		 overflow;	/* line or column passed INT_MAX */
	int		 depth;
	struct jsonpos	*jp;
	char		*buf;		/* scratch space for decoding names */
	size_t		 buflen;
	size_t		 bufcap;
};

static int	jp_value(struct jp_scan *, size_t);

/* Next byte of the text, or -1 at its end. */
static int
jp_peek(const struct jp_scan *sc)
{
	if (sc->pos >= sc->len)
		return -1;
	return (unsigned char)sc->s[sc->pos];
}

/* Consume one byte, keeping line and column (in code points) up to date. */
static void
jp_advance(struct jp_scan *sc)
{
	unsigned char	 c;

	if (sc->pos >= sc->len)
		return;
	c = (unsigned char)sc->s[sc->pos++];
	if (c == '\n') {
		if (sc->line == INT_MAX)
			sc->overflow = 1;
		else
			sc->line++;
		sc->col = 1;
	} else if ((c & 0xc0) != 0x80) {
		/* The text is valid UTF-8: count lead bytes only. */
		if (sc->col == INT_MAX)
			sc->overflow = 1;
		else
			sc->col++;
	}
}

/* Skip JSON whitespace (space, tab, newline, carriage return). */
static void
jp_skip_ws(struct jp_scan *sc)
{
	int	 c;

	for (;;) {
		c = jp_peek(sc);
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			return;
		jp_advance(sc);
	}
}

/* Consume c if it is next; 0 if it was, -1 if not. */
static int
jp_expect(struct jp_scan *sc, int c)
{
	if (jp_peek(sc) != c)
		return -1;
	jp_advance(sc);
	return 0;
}

/* Consume the literal word (true, false or null); 0 or -1. */
static int
jp_literal(struct jp_scan *sc, const char *word)
{
	size_t	 n = strlen(word);

	if (sc->len - sc->pos < n || memcmp(sc->s + sc->pos, word, n) != 0)
		return -1;
	while (n-- > 0)
		jp_advance(sc);
	return 0;
}

/* Consume one or more decimal digits; 0 or -1 if there is none. */
static int
jp_digits(struct jp_scan *sc)
{
	int	 c, n = 0;

	for (;;) {
		c = jp_peek(sc);
		if (c < '0' || c > '9')
			break;
		jp_advance(sc);
		n++;
	}
	return n > 0 ? 0 : -1;
}

/* Consume a number as RFC 8259 spells it; 0 or -1. */
static int
jp_number(struct jp_scan *sc)
{
	int	 c;

	if (jp_peek(sc) == '-')
		jp_advance(sc);
	c = jp_peek(sc);
	if (c == '0')
		jp_advance(sc);
	else if (c >= '1' && c <= '9') {
		if (jp_digits(sc) == -1)
			return -1;
	} else
		return -1;
	if (jp_peek(sc) == '.') {
		jp_advance(sc);
		if (jp_digits(sc) == -1)
			return -1;
	}
	c = jp_peek(sc);
	if (c == 'e' || c == 'E') {
		jp_advance(sc);
		c = jp_peek(sc);
		if (c == '+' || c == '-')
			jp_advance(sc);
		if (jp_digits(sc) == -1)
			return -1;
	}
	return 0;
}

/* Append n bytes to the scratch buffer; 0 or -1 on allocation failure. */
static int
jp_buf_put(struct jp_scan *sc, const char *p, size_t n)
{
	char	*nb;
	size_t	 ncap;

	if (sc->bufcap - sc->buflen < n) {
		ncap = sc->bufcap == 0 ? 64 : sc->bufcap;
		while (ncap - sc->buflen < n) {
			if (ncap > SIZE_MAX / 2)
				return -1;
			ncap *= 2;
		}
		nb = realloc(sc->buf, ncap);
		if (nb == NULL)
			return -1;
		sc->buf = nb;
		sc->bufcap = ncap;
	}
	memcpy(sc->buf + sc->buflen, p, n);
	sc->buflen += n;
	return 0;
}

/* Append code point cp (not a surrogate, <= U+10FFFF) as UTF-8. */
static int
jp_buf_put_utf8(struct jp_scan *sc, uint32_t cp)
{
	char	 u[4];
	size_t	 n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return jp_buf_put(sc, u, n);
}

/* Consume four hex digits into *v; 0 or -1. */
static int
jp_hex4(struct jp_scan *sc, uint32_t *v)
{
	int	 c, i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		c = jp_peek(sc);
		if (c >= '0' && c <= '9')
			c -= '0';
		else if (c >= 'a' && c <= 'f')
			c = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			c = c - 'A' + 10;
		else
			return -1;
		*v = *v << 4 | (uint32_t)c;
		jp_advance(sc);
	}
	return 0;
}

/* Consume the rest of a \u escape (after the 'u') into *cp; 0 or -1. */
static int
jp_unicode_escape(struct jp_scan *sc, uint32_t *cp)
{
	uint32_t	 lo;

	if (jp_hex4(sc, cp) == -1)
		return -1;
	if (*cp >= 0xdc00 && *cp <= 0xdfff)
		return -1;	/* a low surrogate on its own */
	if (*cp < 0xd800 || *cp > 0xdbff)
		return 0;
	/* A high surrogate must be followed by an escaped low one. */
	if (jp_expect(sc, '\\') == -1 || jp_expect(sc, 'u') == -1)
		return -1;
	if (jp_hex4(sc, &lo) == -1 || lo < 0xdc00 || lo > 0xdfff)
		return -1;
	*cp = 0x10000 + ((*cp - 0xd800) << 10) + (lo - 0xdc00);
	return 0;
}

/*
 * Consume a string, decoding it into the scratch buffer if keep; 0, or -1
 * on bad syntax or allocation failure.
 */
static int
jp_string(struct jp_scan *sc, int keep)
{
	uint32_t	 cp;
	char		 ch;
	int		 c;

	sc->buflen = 0;
	if (jp_expect(sc, '"') == -1)
		return -1;
	for (;;) {
		c = jp_peek(sc);
		if (c == -1 || c < 0x20)
			return -1;	/* unterminated, or a raw control */
		jp_advance(sc);
		if (c == '"')
			return 0;
		if (c != '\\') {
			ch = (char)c;
			if (keep && jp_buf_put(sc, &ch, 1) == -1)
				return -1;
			continue;
		}
		c = jp_peek(sc);
		jp_advance(sc);
		switch (c) {
		case '"':
		case '\\':
		case '/':
			cp = (uint32_t)c;
			break;
		case 'b':
			cp = '\b';
			break;
		case 'f':
			cp = '\f';
			break;
		case 'n':
			cp = '\n';
			break;
		case 'r':
			cp = '\r';
			break;
		case 't':
			cp = '\t';
			break;
		case 'u':
			if (jp_unicode_escape(sc, &cp) == -1)
				return -1;
			break;
		default:
			return -1;
		}
		if (keep && jp_buf_put_utf8(sc, cp) == -1)
			return -1;
	}
}

/*
 * Append an entry (which takes over key on success) for the value at the
 * current position, storing its index in *idx; 0 or -1.
 */
static int
jp_add(struct jp_scan *sc, enum jp_role role, char *key, size_t keylen,
    size_t index, int kline, int kcol, size_t *idx)
{
	struct jsonpos	*jp = sc->jp;
	struct jp_entry	*ne, *e;
	size_t		 ncap;

	if (jp->count == jp->cap) {
		ncap = jp->cap == 0 ? 32 : jp->cap * 2;
		if (ncap < jp->cap || ncap > SIZE_MAX / sizeof(*ne))
			return -1;
		ne = realloc(jp->entries, ncap * sizeof(*ne));
		if (ne == NULL)
			return -1;
		jp->entries = ne;
		jp->cap = ncap;
	}
	e = &jp->entries[jp->count];
	e->key = key;
	e->keylen = keylen;
	e->index = index;
	e->end = jp->count + 1;
	e->role = role;
	e->type = 0;
	e->line = sc->line;
	e->col = sc->col;
	e->kline = kline;
	e->kcol = kcol;
	*idx = jp->count++;
	return 0;
}

/* Consume an object, recording its members and their names. */
static int
jp_object(struct jp_scan *sc)
{
	char	*key = NULL;
	size_t	 child;
	int	 kline, kcol, more;

	jp_advance(sc);		/* '{' */
	jp_skip_ws(sc);
	more = jp_peek(sc) != '}';
	while (more) {
		jp_skip_ws(sc);
		kline = sc->line;
		kcol = sc->col;
		if (jp_string(sc, 1) == -1)
			goto fail;
		/* Copy with a NUL so the name is also safe to print. */
		key = malloc(sc->buflen + 1);
		if (key == NULL)
			goto fail;
		if (sc->buflen > 0)
			memcpy(key, sc->buf, sc->buflen);
		key[sc->buflen] = '\0';
		jp_skip_ws(sc);
		if (jp_expect(sc, ':') == -1)
			goto fail;
		jp_skip_ws(sc);
		if (jp_add(sc, JP_MEMBER, key, sc->buflen, 0, kline, kcol,
		    &child) == -1)
			goto fail;
		key = NULL;	/* owned by the entry now */
		if (jp_value(sc, child) == -1)
			goto fail;
		jp_skip_ws(sc);
		more = jp_expect(sc, ',') == 0;
	}
	if (jp_expect(sc, '}') == -1)
		goto fail;
	return 0;

fail:
	free(key);
	return -1;
}

/* Consume an array, recording its elements. */
static int
jp_array(struct jp_scan *sc)
{
	size_t	 child, n = 0;

	jp_advance(sc);		/* '[' */
	jp_skip_ws(sc);
	if (jp_expect(sc, ']') == 0)
		return 0;
	for (;;) {
		jp_skip_ws(sc);
		if (jp_add(sc, JP_ELEMENT, NULL, 0, n++, 0, 0, &child) == -1)
			return -1;
		if (jp_value(sc, child) == -1)
			return -1;
		jp_skip_ws(sc);
		if (jp_expect(sc, ',') == 0)
			continue;
		return jp_expect(sc, ']');
	}
}

/*
 * Consume the value at the current position (no leading whitespace) whose
 * entry is idx, then close that entry's subtree; 0 or -1.
 */
static int
jp_value(struct jp_scan *sc, size_t idx)
{
	int	 c, rc;

	c = jp_peek(sc);
	switch (c) {
	case '{':
	case '[':
		/* Bound the recursion: a run of '[' must not crash us. */
		if (sc->depth >= JP_MAXDEPTH)
			return -1;
		sc->depth++;
		sc->jp->entries[idx].type = (char)c;
		rc = c == '{' ? jp_object(sc) : jp_array(sc);
		sc->depth--;
		break;
	case '"':
		rc = jp_string(sc, 0);
		break;
	case 't':
		rc = jp_literal(sc, "true");
		break;
	case 'f':
		rc = jp_literal(sc, "false");
		break;
	case 'n':
		rc = jp_literal(sc, "null");
		break;
	default:
		rc = jp_number(sc);
		break;
	}
	/* Entries may have moved while children were added: index again. */
	sc->jp->entries[idx].end = sc->jp->count;
	return rc;
}

/* Scan a JSON text and index the position of every value. */
struct jsonpos *
jsonpos_scan(const char *text, size_t len)
{
	struct jp_scan	 sc;
	struct jsonpos	*jp = NULL;
	size_t		 root;

	memset(&sc, 0, sizeof(sc));
	if (text == NULL || len == 0)
		goto fail;
	/*
	 * JSON text is UTF-8 (RFC 8259), and jansson insists. Checking it up
	 * front means columns can be counted by lead bytes alone.
	 */
	if (!text_utf8_valid(text, len))
		goto fail;
	jp = calloc(1, sizeof(*jp));
	if (jp == NULL)
		goto fail;
	sc.s = text;
	sc.len = len;
	sc.line = 1;
	sc.col = 1;
	sc.jp = jp;
	jp_skip_ws(&sc);
	if (jp_add(&sc, JP_ROOT, NULL, 0, 0, 0, 0, &root) == -1)
		goto fail;
	if (jp_value(&sc, root) == -1)
		goto fail;
	jp_skip_ws(&sc);
	if (sc.pos != sc.len || sc.overflow)
		goto fail;
	free(sc.buf);
	return jp;

fail:
	free(sc.buf);
	jsonpos_free(jp);
	return NULL;
}

/* Return 1 if every '~' in the pointer token is "~0" or "~1", else 0. */
static int
jp_token_ok(const char *tok, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		if (tok[i] != '~')
			continue;
		if (i + 1 == len || (tok[i + 1] != '0' && tok[i + 1] != '1'))
			return 0;
		i++;
	}
	return 1;
}

/* Return 1 if the (checked) pointer token names the member key, else 0. */
static int
jp_token_eq(const char *tok, size_t len, const char *key, size_t keylen)
{
	size_t	 i = 0, k = 0;
	char	 c;

	while (i < len) {
		c = tok[i++];
		if (c == '~')
			c = tok[i++] == '0' ? '~' : '/';
		if (k == keylen || key[k++] != c)
			return 0;
	}
	return k == keylen;
}

/* Parse a pointer token as an array index ("0" or no leading zero). */
static int
jp_token_index(const char *tok, size_t len, size_t *index)
{
	size_t	 i, v = 0, d;

	if (len == 0 || (len > 1 && tok[0] == '0'))
		return -1;
	for (i = 0; i < len; i++) {
		if (tok[i] < '0' || tok[i] > '9')
			return -1;
		d = (size_t)(tok[i] - '0');
		if (v > (SIZE_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*index = v;
	return 0;
}

/* Find the entry the pointer names, or NULL. */
static const struct jp_entry *
jp_find(const struct jsonpos *jp, const char *pointer)
{
	const struct jp_entry	*e;
	const char		*tok, *slash;
	size_t			 cur = 0, i, found, len, index;

	if (jp == NULL || pointer == NULL || jp->count == 0)
		return NULL;
	if (*pointer == '\0')
		return &jp->entries[0];
	if (*pointer != '/')
		return NULL;
	tok = pointer + 1;
	for (;;) {
		slash = strchr(tok, '/');
		len = slash != NULL ? (size_t)(slash - tok) : strlen(tok);
		if (!jp_token_ok(tok, len))
			return NULL;
		found = SIZE_MAX;
		e = &jp->entries[cur];
		if (e->type == '{') {
			/* The last duplicate wins, as in jansson. */
			for (i = cur + 1; i < e->end; i = jp->entries[i].end) {
				if (jp_token_eq(tok, len, jp->entries[i].key,
				    jp->entries[i].keylen))
					found = i;
			}
		} else if (e->type == '[') {
			if (jp_token_index(tok, len, &index) == -1)
				return NULL;
			for (i = cur + 1; i < e->end; i = jp->entries[i].end) {
				if (jp->entries[i].index == index) {
					found = i;
					break;
				}
			}
		}
		if (found == SIZE_MAX)
			return NULL;
		cur = found;
		if (slash == NULL)
			return &jp->entries[cur];
		tok = slash + 1;
	}
}

/* Position of the value at pointer; 0, or -1 if there is none. */
int
jsonpos_value(const struct jsonpos *jp, const char *pointer, int *line,
    int *col)
{
	const struct jp_entry	*e;

	e = jp_find(jp, pointer);
	if (e == NULL)
		return -1;
	if (line != NULL)
		*line = e->line;
	if (col != NULL)
		*col = e->col;
	return 0;
}

/* Position of the name of the member at pointer; 0, or -1 if none. */
int
jsonpos_key(const struct jsonpos *jp, const char *pointer, int *line,
    int *col)
{
	const struct jp_entry	*e;

	e = jp_find(jp, pointer);
	if (e == NULL || e->role != JP_MEMBER)
		return -1;
	if (line != NULL)
		*line = e->kline;
	if (col != NULL)
		*col = e->kcol;
	return 0;
}

/* Free the index and every member name it holds. */
void
jsonpos_free(struct jsonpos *jp)
{
	size_t	 i;

	if (jp == NULL)
		return;
	for (i = 0; i < jp->count; i++)
		free(jp->entries[i].key);
	free(jp->entries);
	free(jp);
}
