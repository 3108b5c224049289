/* SPDX-License-Identifier: ISC */
/*
 * fuzz_form: the form decoder every form-speaking gateway's body and query
 * goes through. The input is the raw text; what form_parse accepts must
 * hold valid UTF-8 names and values without NUL, each found again by
 * form_get, and form_unescape must NUL-terminate what it returns.
 */
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "fuzzutil.h"
#include "text.h"

/* Parse the input, walk what it holds, and unescape it whole. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*s = (const char *)data;
	const char	*cause = NULL, *name, *value, *first;
	struct form	*f;
	char		*u;
	size_t		 i, n, ulen;

	f = form_parse(s, size, &cause);
	if (f == NULL)
		FUZZ_ASSERT(cause != NULL);
	else {
		n = form_count(f);
		for (i = 0; i < n; i++) {
			name = form_name(f, i);
			value = form_value(f, i);
			FUZZ_ASSERT(name != NULL && value != NULL);
			FUZZ_ASSERT(text_utf8_valid(name, strlen(name)));
			FUZZ_ASSERT(text_utf8_valid(value, strlen(value)));
			first = form_get(f, name);
			FUZZ_ASSERT(first != NULL);
		}
		FUZZ_ASSERT(form_name(f, n) == NULL);
		FUZZ_ASSERT(form_value(f, n) == NULL);
		form_free(f);
	}

	cause = NULL;
	u = form_unescape(s, size, &ulen, &cause);
	if (u == NULL)
		FUZZ_ASSERT(cause != NULL);
	else {
		FUZZ_ASSERT(ulen <= size && u[ulen] == '\0');
		explicit_bzero(u, ulen);
		free(u);
	}
	return 0;
}
