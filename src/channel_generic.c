/* SPDX-License-Identifier: ISC */
/*
 * channel_generic: a USSD webhook whose shape comes from the configuration,
 * for the local gateways of Cambodian operators. Fields may sit in a form
 * or JSON body, the query string or headers; the input may be the latest
 * answer or the whole history; the first hop may be signalled by a field,
 * by an empty input, or not at all; the reply is CON/END text or JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "channel.h"
#include "form.h"
#include "text.h"

/* Keep a formatted copy alive as long as the event. */
static const char *
generic_own(struct channel_event *ev, char *s)
{
	if (s == NULL ||
	    ev->nowned == sizeof(ev->owned) / sizeof(ev->owned[0])) {
		free(s);
		return NULL;
	}
	ev->owned[ev->nowned++] = s;
	return s;
}

/* Look up a dotted path ("session.id") in a JSON object (borrowed). */
static json_t *
generic_json_path(json_t *obj, const char *path)
{
	char		 part[128];
	const char	*dot;
	size_t		 n;

	while (obj != NULL) {
		dot = strchr(path, '.');
		n = dot ? (size_t)(dot - path) : strlen(path);
		if (n >= sizeof(part))
			return NULL;
		memcpy(part, path, n);
		part[n] = '\0';
		obj = json_object_get(obj, part);
		if (dot == NULL)
			return obj;
		path = dot + 1;
	}
	return NULL;
}

/*
 * Fetch one field's value. Returns 0 with *out set (NULL when absent), or
 * -1 with *cause set when the value is unusable.
 */
static int
generic_get(const struct channel *ch, const struct channel_request *req,
    struct channel_event *ev, const struct channel_field *f,
    const char **out, const char **cause)
{
	json_t		*v;
	const char	*s;
	char		*num;

	*out = NULL;
	if (f->name == NULL)
		return 0;
	switch (f->where) {
	case CHANNEL_FROM_HEADER:
		s = req->header(req->header_arg, f->name);
		if (s != NULL && !text_utf8_valid(s, strlen(s))) {
			*cause = "invalid UTF-8 in a header";
			return -1;
		}
		*out = s;
		return 0;
	case CHANNEL_FROM_QUERY:
		*out = ev->form_query ? form_get(ev->form_query, f->name) :
		    NULL;
		return 0;
	case CHANNEL_FROM_BODY:
		break;
	}
	if (ch->method == CHANNEL_GET || ch->body == CHANNEL_BODY_FORM) {
		*out = form_get(ch->method == CHANNEL_GET ? ev->form_query :
		    ev->form_body, f->name);
		return 0;
	}
	v = generic_json_path(ev->json, f->name);
	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_string(v)) {
		/* jansson refuses \u0000 unless asked, so no NUL here. */
		*out = json_string_value(v);
		return 0;
	}
	if (json_is_integer(v)) {
		if (asprintf(&num, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v)) == -1)
			num = NULL;
		*out = generic_own(ev, num);
		if (*out == NULL) {
			*cause = "out of memory";
			return -1;
		}
		return 0;
	}
	*cause = "a JSON field must be a string or an integer";
	return -1;
}

/* Decode the query string and body the mapping needs. */
static int
generic_decode(const struct channel *ch, const struct channel_request *req,
    struct channel_event *ev, const char **cause)
{
	json_error_t	 jerr;
	const char	*q = req->query ? req->query : "";

	ev->form_query = form_parse(q, strlen(q), cause);
	if (ev->form_query == NULL)
		return -1;
	if (ch->method == CHANNEL_GET)
		return 0;
	if (ch->body == CHANNEL_BODY_FORM) {
		ev->form_body = form_parse(req->body, req->body_len, cause);
		return ev->form_body == NULL ? -1 : 0;
	}
	ev->json = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES,
	    &jerr);
	if (ev->json == NULL) {
		*cause = "invalid JSON body";
		return -1;
	}
	if (!json_is_object((json_t *)ev->json)) {
		*cause = "the JSON body must be an object";
		return -1;
	}
	return 0;
}

/* Translate a request through the configured mapping. */
int
channel_generic_parse(const struct channel *ch,
    const struct channel_request *req, struct channel_event *ev,
    const char **cause)
{
	const char	*input, *sig;

	if (generic_decode(ch, req, ev, cause) == -1)
		return -1;
	if (generic_get(ch, req, ev, &ch->f_session, &ev->session_id,
	    cause) == -1 ||
	    generic_get(ch, req, ev, &ch->f_phone, &ev->phone, cause) == -1 ||
	    generic_get(ch, req, ev, &ch->f_input, &input, cause) == -1 ||
	    generic_get(ch, req, ev, &ch->f_service, &ev->service_code,
	    cause) == -1 ||
	    generic_get(ch, req, ev, &ch->f_network, &ev->network,
	    cause) == -1 ||
	    generic_get(ch, req, ev, &ch->f_hop, &ev->hop_id, cause) == -1 ||
	    generic_get(ch, req, ev, &ch->f_new, &sig, cause) == -1)
		return -1;
	if (ev->session_id == NULL || *ev->session_id == '\0') {
		*cause = "missing session id field";
		return -1;
	}
	if (ev->phone == NULL || *ev->phone == '\0') {
		*cause = "missing phone field";
		return -1;
	}
	if (input == NULL)
		input = "";
	switch (ch->newsig) {
	case CHANNEL_NEW_UNKNOWN_SESSION:
		ev->start = CHANNEL_START_UNKNOWN;
		break;
	case CHANNEL_NEW_EMPTY_INPUT:
		ev->start = *input == '\0' ? CHANNEL_START_NEW :
		    CHANNEL_START_CONTINUE;
		break;
	case CHANNEL_NEW_FIELD:
		ev->start = sig != NULL && strcmp(sig, ch->new_value) == 0 ?
		    CHANNEL_START_NEW : CHANNEL_START_CONTINUE;
		ev->ended = sig != NULL && ch->end_value != NULL &&
		    strcmp(sig, ch->end_value) == 0;
		break;
	}
	if (ch->input_mode == CHANNEL_INPUT_HISTORY) {
		ev->history = input;
		ev->separator = ch->separator;
	} else
		ev->input = input;
	return 0;
}

/* Encode a reply as CON/END text or as the configured JSON object. */
int
channel_generic_format(const struct channel *ch,
    const struct channel_reply *reply, struct channel_response *out)
{
	json_t	*o;

	if (ch->reply == CHANNEL_REPLY_CONEND)
		return channel_conend(reply, out);
	o = json_object();
	if (o == NULL ||
	    json_object_set_new(o, ch->reply_text,
	    json_string(reply->text)) == -1 ||
	    json_object_set_new(o, ch->reply_action, json_string(reply->end ?
	    ch->reply_end : ch->reply_continue)) == -1) {
		json_decref(o);
		return -1;
	}
	out->body = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (out->body == NULL)
		return -1;
	out->len = strlen(out->body);
	out->content_type = "application/json";
	return 0;
}
