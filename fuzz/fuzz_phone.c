/* SPDX-License-Identifier: ISC */
/*
 * fuzz_phone: the numbers that come from outside: what a survivor keys in
 * as a safe number (phone_kh) and the sender an SMS gateway gives
 * (phone_e164). The input is the text up to its first NUL. What phone_kh
 * accepts must be +855 and 8 or 9 digits, read back by phone_show and
 * normalised to itself again; what phone_e164 accepts must be "+" and 6
 * to 15 digits, the first not 0, normalised to itself again.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzzutil.h"
#include "phone.h"

/* Whether s is "+" then min to max digits, the first not 0. */
static int
fuzz_e164(const char *s, size_t min, size_t max)
{
	size_t	 n;

	if (s[0] != '+' || s[1] == '0')
		return 0;
	n = strlen(s + 1);
	return n >= min && n <= max && strspn(s + 1, "0123456789") == n;
}

/* Normalise the input both ways and check what comes out. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*in, out[64], again[64], shown[64];

	in = malloc(size + 1);
	if (in == NULL)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';

	if (phone_kh(in, out, sizeof(out)) == 0) {
		FUZZ_ASSERT(strncmp(out, "+855", 4) == 0 &&
		    fuzz_e164(out, 11, 12));
		FUZZ_ASSERT(phone_show(out, shown, sizeof(shown)) == 0);
		FUZZ_ASSERT(phone_kh(out, again, sizeof(again)) == 0 &&
		    strcmp(out, again) == 0);
		FUZZ_ASSERT(phone_kh(shown, again, sizeof(again)) == 0 &&
		    strcmp(out, again) == 0);
	}
	if (phone_e164(in, out, sizeof(out)) == 0) {
		FUZZ_ASSERT(fuzz_e164(out, 6, 15));
		FUZZ_ASSERT(phone_e164(out, again, sizeof(again)) == 0 &&
		    strcmp(out, again) == 0);
	}
	(void)phone_intl_ok(in, 0);
	(void)phone_intl_ok(in, 1);
	free(in);
	return 0;
}
