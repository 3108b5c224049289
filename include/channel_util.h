/* SPDX-License-Identifier: ISC */
/*
 * channel_util: what several gateway adapters share, kept in a leaf that
 * calls nothing of the channel registry: the CON/END text/plain body and
 * the field specs ("name", "body:name", "query:name", "header:Name") that
 * say where a value is found in a request.
 */
#ifndef HOTLINED_CHANNEL_UTIL_H
#define HOTLINED_CHANNEL_UTIL_H

#include "channel.h"

/* Where a field is found in the request. */
enum channel_where {
	CHANNEL_FROM_BODY,	/* form or JSON body (query string for GET) */
	CHANNEL_FROM_QUERY,	/* the URL's query string */
	CHANNEL_FROM_HEADER	/* an HTTP header */
};

/* One field: where it is and its name (NULL when unset). */
struct channel_field {
	enum channel_where	 where;
	char			*name;
};

/*
 * Parse a field spec into f, replacing (and freeing) the name it held;
 * the caller frees f->name. Returns 0, or -1 when the spec is not
 * [body:|query:|header:]name or memory ran out.
 */
int	channel_util_field_parse(const char *spec, struct channel_field *f);

/*
 * Encode reply as "CON text" or "END text", text/plain. Returns 0, or -1
 * out of memory.
 */
int	channel_util_conend(const struct channel_reply *reply,
	    struct channel_response *out);

#endif
