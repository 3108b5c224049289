/* SPDX-License-Identifier: ISC */
/*
 * channel_util: the pieces gateway adapters share, the CON/END body and
 * field specs. A leaf: it knows the wire, not channels, and calls nothing
 * in channel.c, so adapters can use it without a cycle.
 */
#include <stdlib.h>
#include <string.h>

#include "channel_util.h"

/* Parse a field spec: "name" or "body:", "query:", "header:" + name. */
int
channel_util_field_parse(const char *spec, struct channel_field *f)
{
	static const struct {
		const char		*prefix;
		enum channel_where	 where;
	} pre[] = {
		{ "body:", CHANNEL_FROM_BODY },
		{ "query:", CHANNEL_FROM_QUERY },
		{ "header:", CHANNEL_FROM_HEADER },
	};
	const char	*name = spec;
	size_t		 i, n;

	f->where = CHANNEL_FROM_BODY;
	for (i = 0; i < sizeof(pre) / sizeof(pre[0]); i++) {
		n = strlen(pre[i].prefix);
		if (strncmp(spec, pre[i].prefix, n) == 0) {
			f->where = pre[i].where;
			name = spec + n;
			break;
		}
	}
	if (*name == '\0' || strchr(name, ':') != NULL)
		return -1;
	free(f->name);
	f->name = strdup(name);
	return f->name == NULL ? -1 : 0;
}

/* "CON text" or "END text", text/plain. */
int
channel_util_conend(const struct channel_reply *reply,
    struct channel_response *out)
{
	size_t	 n = strlen(reply->text);

	out->body = malloc(n + 5);
	if (out->body == NULL)
		return -1;
	memcpy(out->body, reply->end ? "END " : "CON ", 4);
	memcpy(out->body + 4, reply->text, n + 1);
	out->len = n + 4;
	out->content_type = "text/plain; charset=utf-8";
	return 0;
}
