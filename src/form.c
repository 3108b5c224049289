/* SPDX-License-Identifier: ISC */
/*
 * form: strict application/x-www-form-urlencoded parsing. It owns splitting
 * on '&' and '=', '+' and "%XX" decoding, and the rule that every decoded
 * name and value is valid UTF-8 without NUL (checked by text.c); a caller
 * that must take other bytes (Kannel's UTF-16BE) decodes a component with
 * form_unescape. It does not know what any field means; the channel
 * adapters do.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "text.h"

struct form_field {
	const char	*name;		/* decoded, NUL-terminated */
	size_t		 namelen;
	const char	*value;		/* decoded, NUL-terminated */
	size_t		 valuelen;
};

/*
 * A form is one allocation: this header, room for every pair the text can
 * hold, and the decoded names and values, wiped together when it is freed.
 */
struct form {
	struct form_field	*fields;
	size_t			 count;
	char			*buf;
	size_t			 buflen;
	size_t			 used;
};

static const char	 form_err_pct[] = "invalid percent-encoding";
static const char	 form_err_utf8[] = "invalid UTF-8";
static const char	 form_err_nomem[] = "out of memory";

/* Value of the hex digit c, or -1 if c is not one. */
static int
form_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decode s[0..len) into out (len + 1 bytes: decoding never grows the
 * text), NUL-terminated, its length in *outlen; -1 with *cause on a bad
 * percent-encoding.
 */
static int
form_unescape_into(const char *s, size_t len, char *out, size_t *outlen,
    const char **cause)
{
	size_t	 i, n = 0;
	int	 hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] == '+')
			out[n++] = ' ';
		else if (s[i] == '%') {
			if (len - i < 3) {
				*cause = form_err_pct;
				return -1;
			}
			hi = form_hexval((unsigned char)s[i + 1]);
			lo = form_hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0) {
				*cause = form_err_pct;
				return -1;
			}
			out[n++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			out[n++] = s[i];
	}
	out[n] = '\0';
	*outlen = n;
	return 0;
}

/* Decode s[0..len) without the UTF-8 rule; NULL with *cause on failure. */
char *
form_unescape(const char *s, size_t len, size_t *outlen, const char **cause)
{
	char	*out;

	if (len == SIZE_MAX) {
		*cause = form_err_nomem;
		return NULL;
	}
	out = malloc(len + 1);
	if (out == NULL) {
		*cause = form_err_nomem;
		return NULL;
	}
	if (form_unescape_into(s, len, out, outlen, cause) == -1) {
		explicit_bzero(out, len + 1);
		free(out);
		return NULL;
	}
	return out;
}

/*
 * Decode s[0..len) into the form's buffer, storing where in *out and its
 * length in *outlen; -1 with *cause set on bad encoding, or text that is
 * not UTF-8 or holds a NUL.
 */
static int
form_decode(struct form *f, const char *s, size_t len, const char **out,
    size_t *outlen, const char **cause)
{
	char	*at = f->buf + f->used;

	if (form_unescape_into(s, len, at, outlen, cause) == -1)
		return -1;
	/* Also rejects NUL, so the result is safe to use as a C string. */
	if (!text_utf8_valid(at, *outlen)) {
		*cause = form_err_utf8;
		return -1;
	}
	f->used += *outlen + 1;
	*out = at;
	return 0;
}

/* Decode the pair s[0..len) (non-empty) and append it to f. */
static int
form_add_pair(struct form *f, const char *s, size_t len, const char **cause)
{
	struct form_field	*fld = &f->fields[f->count];
	const char		*eq;
	size_t			 nlen, vlen;

	eq = memchr(s, '=', len);
	if (eq != NULL) {
		nlen = (size_t)(eq - s);
		vlen = len - nlen - 1;
	} else {
		nlen = len;
		vlen = 0;
	}
	if (form_decode(f, s, nlen, &fld->name, &fld->namelen, cause) == -1 ||
	    form_decode(f, eq != NULL ? eq + 1 : "", vlen, &fld->value,
	    &fld->valuelen, cause) == -1)
		return -1;
	f->count++;
	return 0;
}

/* Parse "k=v&k2=v2" into a new form; NULL with *cause set on failure. */
struct form *
form_parse(const char *s, size_t len, const char **cause)
{
	struct form	*f = NULL;
	const char	*dummy;
	const char	*amp;
	size_t		 off = 0, plen, pairs = 1, i, room;

	if (cause == NULL)
		cause = &dummy;
	*cause = NULL;
	if (s == NULL)
		len = 0;
	for (i = 0; i < len; i++)
		if (s[i] == '&')
			pairs++;
	/*
	 * A pair of p bytes decodes to at most p bytes and two NULs, and the
	 * pairs and their '&'s add up to len: 2 * len + 2 always suffice.
	 */
	if (len > SIZE_MAX / 64) {	/* then nothing below overflows */
		*cause = form_err_nomem;
		return NULL;
	}
	room = sizeof(*f) + pairs * sizeof(*f->fields) + 2 * len + 2;
	f = malloc(room);
	if (f == NULL) {
		*cause = form_err_nomem;
		return NULL;
	}
	f->fields = (struct form_field *)(f + 1);
	f->count = 0;
	f->buf = (char *)(f->fields + pairs);
	f->buflen = 2 * len + 2;
	f->used = 0;
	while (off < len) {
		amp = memchr(s + off, '&', len - off);
		plen = amp != NULL ? (size_t)(amp - (s + off)) : len - off;
		/* Empty pairs ("a=1&&b=2", a trailing '&') are skipped. */
		if (plen > 0 && form_add_pair(f, s + off, plen, cause) == -1)
			goto fail;
		off += plen + 1;
	}
	return f;

fail:
	form_free(f);
	return NULL;
}

/* Value of the first field called name, or NULL. */
const char *
form_get(const struct form *f, const char *name)
{
	size_t	 i;

	if (f == NULL || name == NULL)
		return NULL;
	for (i = 0; i < f->count; i++) {
		if (strcmp(f->fields[i].name, name) == 0)
			return f->fields[i].value;
	}
	return NULL;
}

/* Number of fields in f. */
size_t
form_count(const struct form *f)
{
	return f == NULL ? 0 : f->count;
}

/* Name of field i, or NULL. */
const char *
form_name(const struct form *f, size_t i)
{
	return f == NULL || i >= f->count ? NULL : f->fields[i].name;
}

/* Value of field i, or NULL. */
const char *
form_value(const struct form *f, size_t i)
{
	return f == NULL || i >= f->count ? NULL : f->fields[i].value;
}

/* Wipe every decoded name and value, then free the form. */
void
form_free(struct form *f)
{
	if (f == NULL)
		return;
	explicit_bzero(f->buf, f->buflen);
	free(f);
}
