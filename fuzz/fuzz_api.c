/* SPDX-License-Identifier: ISC */
/*
 * fuzz_api: the JSON bodies of the counsellor API and the console's
 * sign-in. api.c reads each member it needs ("outcome" of a complete,
 * "note" of a note, "to" of a reassign; console.c "token" and the
 * one-time link's "t") with console_body_string from the request's input
 * buffer; the input is that buffer, read for every member at the buffer
 * sizes their callers use; then the whole body as POST /api/forget reads
 * it (api_forget_parse: a number or a case reference, exactly one).
 * api.c's own checks of the other values (api_note, api_outcome) are
 * static and not reached from here.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "api.h"
#include "console.h"
#include "fuzzutil.h"
#include "signin.h"
#include "store.h"

/* The body as a forget reads it: one of a number or a reference. */
static void
forget(const uint8_t *data, size_t size)
{
	struct evbuffer	*in;
	const char	*why = NULL;
	char		 phone[32], ref[16];

	in = evbuffer_new();
	if (in == NULL || evbuffer_add(in, data, size) == -1) {
		evbuffer_free(in);
		return;
	}
	memset(phone, 'x', sizeof(phone));
	memset(ref, 'x', sizeof(ref));
	phone[0] = ref[0] = '\0';
	if (api_forget_parse(in, phone, sizeof(phone), ref, sizeof(ref),
	    &why) == 0) {
		/* Exactly one, and a number in the stored form. */
		FUZZ_ASSERT((phone[0] == '\0') != (ref[0] == '\0'));
		FUZZ_ASSERT(phone[0] == '\0' || phone[0] == '+');
		FUZZ_ASSERT(memchr(ref, '\0', sizeof(ref)) != NULL);
	} else
		FUZZ_ASSERT(why != NULL);
	evbuffer_free(in);
}

/* Read every member the API and the console read from one body. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct {
		const char	*name;
		size_t		 len;
	} members[] = {
		{ "outcome", 32 },
		{ "note", STORE_NOTE_MAX + 2 },
		{ "to", 64 },
		{ "token", 512 },
		{ "t", SIGNIN_SECRET_LEN + 2 },
		{ "", 8 },
	};
	struct evhttp_request	*req;
	char			 buf[513];
	size_t			 i;

	req = evhttp_request_new(NULL, NULL);
	if (req == NULL)
		return 0;
	if (evbuffer_add(evhttp_request_get_input_buffer(req), data,
	    size) == -1) {
		evhttp_request_free(req);
		return 0;
	}
	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		memset(buf, 'x', sizeof(buf));
		if (console_body_string(req, members[i].name, buf,
		    members[i].len) == 0)
			FUZZ_ASSERT(memchr(buf, '\0', members[i].len) != NULL);
	}
	forget(data, size);
	evhttp_request_free(req);
	return 0;
}
