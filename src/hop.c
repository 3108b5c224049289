/* SPDX-License-Identifier: ISC */
/*
 * hop: a gateway request's identity and latest input (hop.h). Pure
 * functions of the decoded event; the session table keeps what they say.
 */
#include <stdint.h>
#include <string.h>

#include "channel.h"
#include "hash.h"
#include "hop.h"

int
hop_id(const uint8_t key[HASH_KEY_LEN], const struct channel_event *ev,
    int first, uint64_t *out)
{
	const char	*id;
	char		 tag;
	uint8_t		 buf[1];

	if (ev->history != NULL) {
		id = ev->history;
		tag = 'h';
	} else if (ev->hop_id != NULL) {
		id = ev->hop_id;
		tag = 'i';
	} else if (first) {
		id = ev->input != NULL ? ev->input : "";
		tag = 'f';
	} else
		return -1;
	/* Mix the kind in so a history never equals a hop id. */
	buf[0] = (uint8_t)tag;
	*out = hash_siphash(key, id, strlen(id)) ^ hash_siphash(key, buf, 1);
	return 0;
}

const char *
hop_latest(const char *prev, const struct channel_event *ev)
{
	const char	*h = ev->history, *sep = ev->separator, *p, *last;
	size_t		 n, sl = strlen(sep);

	if (prev == NULL || *prev == '\0')
		return h;
	n = strlen(prev);
	if (strncmp(h, prev, n) == 0 && strncmp(h + n, sep, sl) == 0)
		return h + n + sl;
	last = h;
	for (p = strstr(h, sep); p != NULL; p = strstr(p + sl, sep))
		last = p + sl;
	return last;
}
