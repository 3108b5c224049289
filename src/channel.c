/* SPDX-License-Identifier: ISC */
/*
 * channel: dispatch between the internal USSD event/reply and the adapter
 * that speaks a channel's wire format, and the pieces adapters share (the
 * CON/END body, field specs, event storage). The formats themselves live
 * in channel_at.c and channel_generic.c.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "channel.h"
#include "form.h"

/* Free a channel's settings. */
void
channel_free(struct channel *c)
{
	struct channel_field	*f[] = { &c->f_session, &c->f_phone,
				    &c->f_input, &c->f_service, &c->f_network,
				    &c->f_hop, &c->f_new };
	size_t			 i;

	if (c == NULL)
		return;
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		free(f[i]->name);
	free(c->name);
	free(c->path);
	free(c->menu_name);
	if (c->token != NULL)
		explicit_bzero(c->token, strlen(c->token));
	free(c->token);
	free(c->token_header);
	free(c->separator);
	free(c->new_value);
	free(c->end_value);
	free(c->reply_text);
	free(c->reply_action);
	free(c->reply_continue);
	free(c->reply_end);
	free(c);
}

/* Parse a field spec: "name" or "body:", "query:", "header:" + name. */
int
channel_field_parse(const char *spec, struct channel_field *f)
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

/*
 * Refuse fields longer than any gateway sends: what a session keeps must
 * stay small however the fields are filled.
 */
static int
channel_lengths(const struct channel_event *ev, const char **cause)
{
	static const struct {
		size_t		 off;
		size_t		 max;
		const char	*cause;
	} lim[] = {
		{ offsetof(struct channel_event, session_id),
		  CHANNEL_MAX_ID, "session id too long" },
		{ offsetof(struct channel_event, phone),
		  CHANNEL_MAX_PHONE, "phone number too long" },
		{ offsetof(struct channel_event, service_code),
		  CHANNEL_MAX_CODE, "service code too long" },
		{ offsetof(struct channel_event, network),
		  CHANNEL_MAX_CODE, "network code too long" },
		{ offsetof(struct channel_event, hop_id),
		  CHANNEL_MAX_ID, "hop id too long" },
		{ offsetof(struct channel_event, input),
		  CHANNEL_MAX_INPUT, "input too long" },
		{ offsetof(struct channel_event, history),
		  CHANNEL_MAX_INPUT, "input history too long" },
	};
	const char	*v;
	size_t		 i;

	for (i = 0; i < sizeof(lim) / sizeof(lim[0]); i++) {
		memcpy(&v, (const char *)ev + lim[i].off, sizeof(v));
		if (v != NULL && strlen(v) > lim[i].max) {
			*cause = lim[i].cause;
			return -1;
		}
	}
	return 0;
}

/* Translate a request with the channel's adapter. */
int
channel_parse(const struct channel *ch, const struct channel_request *req,
    struct channel_event *ev, const char **cause)
{
	int	 rc;

	memset(ev, 0, sizeof(*ev));
	ev->channel = ch->name;
	if (ch->kind == CHANNEL_AT)
		rc = channel_at_parse(ch, req, ev, cause);
	else
		rc = channel_generic_parse(ch, req, ev, cause);
	if (rc == 0)
		rc = channel_lengths(ev, cause);
	return rc;
}

/* Translate an end-of-session notice. */
int
channel_notice_parse(const struct channel *ch,
    const struct channel_request *req, struct channel_event *ev,
    const char **how, const char **cause)
{
	memset(ev, 0, sizeof(*ev));
	ev->channel = ch->name;
	if (ch->kind != CHANNEL_AT) {
		*cause = "this channel takes no notices";
		return -1;
	}
	if (channel_at_notice(ch, req, ev, how, cause) == -1)
		return -1;
	return channel_lengths(ev, cause);
}

/* Free an event's storage; forms wipe their values as they go. */
void
channel_event_clear(struct channel_event *ev)
{
	size_t	 i;

	form_free(ev->form_body);
	form_free(ev->form_query);
	json_decref(ev->json);
	for (i = 0; i < ev->nowned; i++) {
		explicit_bzero(ev->owned[i], strlen(ev->owned[i]));
		free(ev->owned[i]);
	}
	memset(ev, 0, sizeof(*ev));
}

/* Wipe and free a reply; see channel.h. */
void
channel_reply_clear(struct channel_reply *rep)
{
	if (rep->text != NULL) {
		explicit_bzero(rep->text, strlen(rep->text));
		free(rep->text);
	}
	memset(rep, 0, sizeof(*rep));
}

/* Encode a reply in the channel's format. */
int
channel_format(const struct channel *ch, const struct channel_reply *reply,
    struct channel_response *out)
{
	if (ch->kind == CHANNEL_GENERIC)
		return channel_generic_format(ch, reply, out);
	return channel_conend(reply, out);
}

/* "CON text" or "END text", text/plain. */
int
channel_conend(const struct channel_reply *reply,
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
