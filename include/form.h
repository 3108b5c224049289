/* SPDX-License-Identifier: ISC */
/*
 * form: strict parsing of application/x-www-form-urlencoded text (request
 * bodies and query strings). It owns decoding and validation only; what the
 * fields mean is the channel adapters' business.
 */
#ifndef HOTLINED_FORM_H
#define HOTLINED_FORM_H

#include <stddef.h>

struct form;

/*
 * Parse "k=v&k2=v2". '+' decodes to a space; '%' must be followed by two
 * hex digits. Decoded names and values must be valid UTF-8 without NUL.
 * Empty pairs ("a=1&&b=2") are skipped; a pair without '=' has value "".
 * Returns a new form (free with form_free) or NULL with *cause set to a
 * static string saying what is wrong ("invalid percent-encoding",
 * "invalid UTF-8", "out of memory").
 */
struct form	*form_parse(const char *s, size_t len, const char **cause);

/* Value of the first field called name (borrowed), or NULL if absent. */
const char	*form_get(const struct form *f, const char *name);

/* Number of fields. */
size_t		 form_count(const struct form *f);

/*
 * Name and value of field i (borrowed), in the order received, repeated
 * names included; NULL when i is not below form_count(f). For walking
 * every field, as a signature over all of them needs.
 */
const char	*form_name(const struct form *f, size_t i);
const char	*form_value(const struct form *f, size_t i);

/*
 * Decode one component s[0..len) of form text ('+' is a space, "%XX" a
 * byte) without the UTF-8 rule: the result may hold NULs (a UTF-16BE
 * text). Returns a new buffer of *outlen bytes plus a NUL, which the
 * caller wipes and frees, or NULL with *cause set to a static string
 * ("invalid percent-encoding", "out of memory").
 */
char		*form_unescape(const char *s, size_t len, size_t *outlen,
		    const char **cause);

/* Free a form and wipe its decoded values (they may hold phone numbers). */
void		 form_free(struct form *f);

#endif
