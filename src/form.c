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
	char	*name;		/* decoded, NUL-terminated */
	size_t	 namelen;
	char	*value;		/* decoded, NUL-terminated; wiped on free */
	size_t	 valuelen;
};

struct form {
	struct form_field	*fields;
	size_t			 count;
	size_t			 cap;
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

/* Decode s[0..len) without the UTF-8 rule; NULL with *cause on failure. */
char *
form_unescape(const char *s, size_t len, size_t *outlen, const char **cause)
{
	char	*out = NULL;
	size_t	 i, n = 0;
	int	 hi, lo;

	/* Decoding never grows the text, so len + 1 bytes always suffice. */
	if (len == SIZE_MAX) {
		*cause = form_err_nomem;
		goto fail;
	}
	out = malloc(len + 1);
	if (out == NULL) {
		*cause = form_err_nomem;
		goto fail;
	}
	for (i = 0; i < len; i++) {
		if (s[i] == '+')
			out[n++] = ' ';
		else if (s[i] == '%') {
			if (len - i < 3) {
				*cause = form_err_pct;
				goto fail;
			}
			hi = form_hexval((unsigned char)s[i + 1]);
			lo = form_hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0) {
				*cause = form_err_pct;
				goto fail;
			}
			out[n++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			out[n++] = s[i];
	}
	out[n] = '\0';
	*outlen = n;
	return out;

fail:
	if (out != NULL) {
		explicit_bzero(out, len + 1);
		free(out);
	}
	return NULL;
}

/*
 * Decode s[0..len) into a new NUL-terminated string, storing its length in
 * *outlen; NULL with *cause set on bad encoding, text that is not UTF-8 or
 * holds a NUL, or allocation failure.
 */
static char *
form_decode(const char *s, size_t len, size_t *outlen, const char **cause)
{
	char	*out;
	size_t	 n;

	out = form_unescape(s, len, &n, cause);
	if (out == NULL)
		return NULL;
	/* Also rejects NUL, so the result is safe to use as a C string. */
	if (!text_utf8_valid(out, n)) {
		*cause = form_err_utf8;
		explicit_bzero(out, n);
		free(out);
		return NULL;
	}
	*outlen = n;
	return out;
}

/* Wipe and free one field's strings. */
static void
form_field_clear(struct form_field *fld)
{
	if (fld->name != NULL) {
		explicit_bzero(fld->name, fld->namelen);
		free(fld->name);
	}
	if (fld->value != NULL) {
		explicit_bzero(fld->value, fld->valuelen);
		free(fld->value);
	}
	fld->name = NULL;
	fld->value = NULL;
}

/* Make room for one more field; 0 on success, -1 on allocation failure. */
static int
form_grow(struct form *f)
{
	struct form_field	*nf;
	size_t			 ncap;

	if (f->count < f->cap)
		return 0;
	ncap = f->cap == 0 ? 8 : f->cap * 2;
	if (ncap < f->cap || ncap > SIZE_MAX / sizeof(*nf))
		return -1;
	nf = realloc(f->fields, ncap * sizeof(*nf));
	if (nf == NULL)
		return -1;
	f->fields = nf;
	f->cap = ncap;
	return 0;
}

/* Decode the pair s[0..len) (non-empty) and append it to f. */
static int
form_add_pair(struct form *f, const char *s, size_t len, const char **cause)
{
	struct form_field	 fld = { NULL, 0, NULL, 0 };
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
	fld.name = form_decode(s, nlen, &fld.namelen, cause);
	if (fld.name == NULL)
		goto fail;
	fld.value = form_decode(eq != NULL ? eq + 1 : "", vlen,
	    &fld.valuelen, cause);
	if (fld.value == NULL)
		goto fail;
	if (form_grow(f) == -1) {
		*cause = form_err_nomem;
		goto fail;
	}
	f->fields[f->count++] = fld;
	return 0;

fail:
	form_field_clear(&fld);
	return -1;
}

/* Parse "k=v&k2=v2" into a new form; NULL with *cause set on failure. */
struct form *
form_parse(const char *s, size_t len, const char **cause)
{
	struct form	*f = NULL;
	const char	*dummy;
	const char	*amp;
	size_t		 off = 0, plen;

	if (cause == NULL)
		cause = &dummy;
	*cause = NULL;
	f = calloc(1, sizeof(*f));
	if (f == NULL) {
		*cause = form_err_nomem;
		goto fail;
	}
	if (s == NULL)
		len = 0;
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

/* Wipe and free every field, then the form itself. */
void
form_free(struct form *f)
{
	size_t	 i;

	if (f == NULL)
		return;
	for (i = 0; i < f->count; i++)
		form_field_clear(&f->fields[i]);
	free(f->fields);
	free(f);
}
