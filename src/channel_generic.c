/* SPDX-License-Identifier: ISC */
/*
 * channel_generic: a USSD webhook whose shape comes from the configuration,
 * for the local gateways of Cambodian operators. Fields may sit in a form
 * or JSON body, the query string or headers; the input may be the latest
 * answer or the whole history; the first hop may be signalled by a field,
 * by an empty input, or not at all; the reply is CON/END text or JSON.
 * The mapping is read from the entry's "request" and "reply" objects.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "channel_ops.h"
#include "channel_util.h"
#include "form.h"
#include "schema.h"
#include "text.h"

enum generic_body { GENERIC_BODY_FORM, GENERIC_BODY_JSON };
enum generic_input { GENERIC_INPUT_LATEST, GENERIC_INPUT_HISTORY };
enum generic_newsig {
	GENERIC_NEW_UNKNOWN_SESSION,	/* new when the session id is unknown */
	GENERIC_NEW_EMPTY_INPUT,	/* new when the input is empty */
	GENERIC_NEW_FIELD		/* new when a field has a value */
};
enum generic_replyfmt { GENERIC_REPLY_CONEND, GENERIC_REPLY_JSON };

/* A generic channel's mapping. */
struct generic {
	enum channel_method	 method;
	enum generic_body	 body;
	struct channel_field	 f_session, f_phone, f_input, f_service,
				 f_network, f_hop, f_new;
	enum generic_input	 input_mode;
	char			*separator;
	enum generic_newsig	 newsig;
	char			*new_value;
	char			*end_value;	/* field value: gateway ended */
	enum generic_replyfmt	 reply;
	char			*reply_text;
	char			*reply_action;
	char			*reply_continue;
	char			*reply_end;
};

static const struct schema_key ck_request[] = {
	{ "method", SCHEMA_STR, 1, 8, "POST", 0, 0, "GET|POST", NULL,
	  "HTTP method the gateway uses" },
	{ "body", SCHEMA_STR, 1, 8, "form", 0, 0, "form|json", NULL,
	  "body format of a POST" },
	{ "session_id", SCHEMA_STR, 1, 128, NULL, 0, 1, NULL, NULL,
	  "field holding the session id ([body:|query:|header:]name)" },
	{ "phone", SCHEMA_STR, 1, 128, NULL, 0, 1, NULL, NULL,
	  "field holding the caller's number" },
	{ "input", SCHEMA_STR, 1, 128, NULL, 0, 1, NULL, NULL,
	  "field holding the input" },
	{ "service_code", SCHEMA_STR, 1, 128, NULL, 0, 0, NULL, NULL,
	  "field holding the dialled code" },
	{ "network", SCHEMA_STR, 1, 128, NULL, 0, 0, NULL, NULL,
	  "field holding the network code" },
	{ "hop_id", SCHEMA_STR, 1, 128, NULL, 0, 0, NULL, NULL,
	  "field holding a per-hop id (lets latest-input gateways retry)" },
	{ "input_mode", SCHEMA_STR, 1, 16, "latest", 0, 0, "latest|history",
	  NULL, "input is the latest answer or the whole history" },
	{ "separator", SCHEMA_STR, 1, 4, "*", 0, 0, NULL, NULL,
	  "separator of history entries" },
	{ "new_session", SCHEMA_STR, 1, 32, "unknown-session", 0, 0,
	  "unknown-session|empty-input|field", NULL,
	  "how the gateway signals the first hop" },
	{ "new_session_field", SCHEMA_STR, 1, 128, NULL, 0, 0, NULL, NULL,
	  "field that signals the first hop (new_session: field)" },
	{ "new_session_value", SCHEMA_STR, 1, 64, NULL, 0, 0, NULL, NULL,
	  "value of that field on the first hop" },
	{ "end_session_value", SCHEMA_STR, 1, 64, NULL, 0, 0, NULL, NULL,
	  "value of that field when the gateway ends the session" },
	SCHEMA_END
};

static const struct schema_key ck_reply[] = {
	{ "format", SCHEMA_STR, 1, 16, "conend", 0, 0, "conend|json", NULL,
	  "CON/END text/plain, or a JSON object" },
	{ "text_field", SCHEMA_STR, 1, 64, "text", 0, 0, NULL, NULL,
	  "JSON member holding the screen text" },
	{ "action_field", SCHEMA_STR, 1, 64, "action", 0, 0, NULL, NULL,
	  "JSON member saying continue or end" },
	{ "continue_value", SCHEMA_STR, 1, 64, "CON", 0, 0, NULL, NULL,
	  "action value: wait for more input" },
	{ "end_value", SCHEMA_STR, 1, 64, "END", 0, 0, NULL, NULL,
	  "action value: end the session" },
	SCHEMA_END
};

/* The keys a generic channel adds to its entry. */
static const struct schema_key ck_generic[] = {
	{ "request", SCHEMA_OBJ, 0, 0, NULL, 0, 0, NULL, ck_request,
	  "generic only: where the fields are" },
	{ "reply", SCHEMA_OBJ, 0, 0, NULL, 0, 0, NULL, ck_reply,
	  "generic only: how to answer" },
	SCHEMA_END
};

/* strdup that tolerates NULL; *oom is set when memory ran out. */
static char *
generic_strdup(const char *s, int *oom)
{
	char	*d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL)
		*oom = 1;
	return d;
}

/* Read how the first hop is signalled (and the gateway's end). */
static void
generic_newsig(struct schema_doc *doc, struct generic *g, json_t *req,
    const char *p, int *oom)
{
	const char	*s;

	s = schema_str(req, ck_request, "new_session");
	if (strcmp(s, "empty-input") == 0)
		g->newsig = GENERIC_NEW_EMPTY_INPUT;
	else if (strcmp(s, "field") == 0) {
		g->newsig = GENERIC_NEW_FIELD;
		channel_util_field_conf(doc, req, ck_request, p,
		    "new_session_field", &g->f_new);
		g->new_value = generic_strdup(schema_str(req, ck_request,
		    "new_session_value"), oom);
		if (g->f_new.name == NULL || g->new_value == NULL)
			schema_err(doc, p, 0, "new_session \"field\" needs "
			    "new_session_field and new_session_value");
	} else
		g->newsig = GENERIC_NEW_UNKNOWN_SESSION;
	if (g->method == CHANNEL_GET && g->body == GENERIC_BODY_JSON)
		schema_err(doc, p, 0, "a GET request has no JSON body");
	if (g->newsig != GENERIC_NEW_FIELD &&
	    (json_object_get(req, "new_session_field") != NULL ||
	    json_object_get(req, "new_session_value") != NULL))
		schema_err(doc, p, 0, "new_session_field and new_session_value "
		    "need new_session \"field\"");
	s = schema_str(req, ck_request, "end_session_value");
	if (s != NULL) {
		if (g->newsig != GENERIC_NEW_FIELD)
			schema_err(doc, p, 0, "end_session_value needs "
			    "new_session \"field\"");
		else if (g->new_value != NULL &&
		    strcmp(s, g->new_value) == 0)
			schema_err(doc, p, 0, "end_session_value must differ "
			    "from new_session_value");
		g->end_value = generic_strdup(s, oom);
	}
}

/* Read how to answer: CON/END text or a JSON object. */
static void
generic_reply(struct schema_doc *doc, struct generic *g, json_t *rep,
    const char *ptr, int *oom)
{
	char	 p[SCHEMA_PTR_MAX];

	g->reply = strcmp(schema_str(rep, ck_reply, "format"), "json") == 0 ?
	    GENERIC_REPLY_JSON : GENERIC_REPLY_CONEND;
	g->reply_text = generic_strdup(schema_str(rep, ck_reply,
	    "text_field"), oom);
	g->reply_action = generic_strdup(schema_str(rep, ck_reply,
	    "action_field"), oom);
	g->reply_continue = generic_strdup(schema_str(rep, ck_reply,
	    "continue_value"), oom);
	g->reply_end = generic_strdup(schema_str(rep, ck_reply, "end_value"),
	    oom);
	if (*oom)
		return;
	schema_ptr(p, sizeof(p), ptr, "reply");
	if (strcmp(g->reply_text, g->reply_action) == 0)
		schema_err(doc, p, 0, "text_field and action_field must "
		    "differ");
	if (strcmp(g->reply_continue, g->reply_end) == 0)
		schema_err(doc, p, 0, "continue_value and end_value must "
		    "differ");
}

/* Free a generic channel's mapping. */
static void
generic_free(void *state)
{
	struct generic		*g = state;
	struct channel_field	*f[7];
	size_t			 i;

	if (g == NULL)
		return;
	f[0] = &g->f_session;
	f[1] = &g->f_phone;
	f[2] = &g->f_input;
	f[3] = &g->f_service;
	f[4] = &g->f_network;
	f[5] = &g->f_hop;
	f[6] = &g->f_new;
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		free(f[i]->name);
	free(g->separator);
	free(g->new_value);
	free(g->end_value);
	free(g->reply_text);
	free(g->reply_action);
	free(g->reply_continue);
	free(g->reply_end);
	free(g);
}

/* Read a generic channel's request and reply mapping. */
static int
generic_configure(struct schema_doc *doc, json_t *entry, const char *ptr,
    const struct channel_setup *setup, void **state)
{
	struct generic	*g;
	json_t		*req = json_object_get(entry, "request");
	char		 p[SCHEMA_PTR_MAX];
	int		 oom = 0;

	(void)setup;
	*state = NULL;
	g = calloc(1, sizeof(*g));
	if (g == NULL)
		return -1;
	g->method = CHANNEL_POST;
	*state = g;
	if (req == NULL) {
		schema_err(doc, ptr, 0, "a generic channel needs \"request\"");
		return 0;
	}
	schema_ptr(p, sizeof(p), ptr, "request");
	g->method = strcmp(schema_str(req, ck_request, "method"), "GET") == 0 ?
	    CHANNEL_GET : CHANNEL_POST;
	g->body = strcmp(schema_str(req, ck_request, "body"), "json") == 0 ?
	    GENERIC_BODY_JSON : GENERIC_BODY_FORM;
	channel_util_field_conf(doc, req, ck_request, p, "session_id",
	    &g->f_session);
	channel_util_field_conf(doc, req, ck_request, p, "phone", &g->f_phone);
	channel_util_field_conf(doc, req, ck_request, p, "input", &g->f_input);
	channel_util_field_conf(doc, req, ck_request, p, "service_code",
	    &g->f_service);
	channel_util_field_conf(doc, req, ck_request, p, "network",
	    &g->f_network);
	channel_util_field_conf(doc, req, ck_request, p, "hop_id", &g->f_hop);
	g->input_mode = strcmp(schema_str(req, ck_request, "input_mode"),
	    "history") == 0 ? GENERIC_INPUT_HISTORY : GENERIC_INPUT_LATEST;
	g->separator = generic_strdup(schema_str(req, ck_request,
	    "separator"), &oom);
	generic_newsig(doc, g, req, p, &oom);
	generic_reply(doc, g, json_object_get(entry, "reply"), ptr, &oom);
	return oom ? -1 : 0;
}

/*
 * Fetch one field's value. Returns 0 with *out set (NULL when absent), or
 * -1 with *cause set when the value is unusable.
 */
static int
generic_get(const struct generic *g, const struct channel_request *req,
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
	if (g->method == CHANNEL_GET || g->body == GENERIC_BODY_FORM) {
		*out = form_get(g->method == CHANNEL_GET ? ev->form_query :
		    ev->form_body, f->name);
		return 0;
	}
	v = channel_util_json_path(ev->json, f->name);
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
		*out = channel_util_own(ev, num);
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
generic_decode(const struct generic *g, const struct channel_request *req,
    struct channel_event *ev, const char **cause)
{
	json_error_t	 jerr;
	const char	*q = req->query ? req->query : "";

	ev->form_query = form_parse(q, strlen(q), cause);
	if (ev->form_query == NULL)
		return -1;
	if (g->method == CHANNEL_GET)
		return 0;
	if (g->body == GENERIC_BODY_FORM) {
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
static int
generic_parse(const void *state, const struct channel_request *req,
    struct channel_event *ev, const char **cause)
{
	const struct generic	*g = state;
	const char		*input, *sig;

	if (generic_decode(g, req, ev, cause) == -1)
		return -1;
	if (generic_get(g, req, ev, &g->f_session, &ev->session_id,
	    cause) == -1 ||
	    generic_get(g, req, ev, &g->f_phone, &ev->phone, cause) == -1 ||
	    generic_get(g, req, ev, &g->f_input, &input, cause) == -1 ||
	    generic_get(g, req, ev, &g->f_service, &ev->service_code,
	    cause) == -1 ||
	    generic_get(g, req, ev, &g->f_network, &ev->network,
	    cause) == -1 ||
	    generic_get(g, req, ev, &g->f_hop, &ev->hop_id, cause) == -1 ||
	    generic_get(g, req, ev, &g->f_new, &sig, cause) == -1)
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
	switch (g->newsig) {
	case GENERIC_NEW_UNKNOWN_SESSION:
		ev->start = CHANNEL_START_UNKNOWN;
		break;
	case GENERIC_NEW_EMPTY_INPUT:
		ev->start = *input == '\0' ? CHANNEL_START_NEW :
		    CHANNEL_START_CONTINUE;
		break;
	case GENERIC_NEW_FIELD:
		ev->start = sig != NULL && strcmp(sig, g->new_value) == 0 ?
		    CHANNEL_START_NEW : CHANNEL_START_CONTINUE;
		ev->ended = sig != NULL && g->end_value != NULL &&
		    strcmp(sig, g->end_value) == 0;
		break;
	}
	if (g->input_mode == GENERIC_INPUT_HISTORY) {
		ev->history = input;
		ev->separator = g->separator;
	} else
		ev->input = input;
	return 0;
}

/* Encode a reply as CON/END text or as the configured JSON object. */
static int
generic_format(const void *state, const struct channel_reply *reply,
    struct channel_response *out)
{
	const struct generic	*g = state;
	json_t			*o;

	if (g->reply == GENERIC_REPLY_CONEND)
		return channel_util_conend(reply, out);
	o = json_object();
	if (o == NULL ||
	    json_object_set_new(o, g->reply_text,
	    json_string(reply->text)) == -1 ||
	    json_object_set_new(o, g->reply_action, json_string(reply->end ?
	    g->reply_end : g->reply_continue)) == -1) {
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

/* The one method the mapping names. */
static unsigned
generic_methods(const void *state)
{
	const struct generic	*g = state;

	return g->method == CHANNEL_GET ? CHANNEL_ALLOW_GET :
	    CHANNEL_ALLOW_POST;
}

/* The adapter, as channel.c lists it. */
const struct channel_ops channel_generic = {
	.name = "generic",
	.schema = ck_generic,
	.configure = generic_configure,
	.free = generic_free,
	.parse = generic_parse,
	.notice = NULL,
	.notice_path = NULL,
	.format = generic_format,
	.methods = generic_methods,
};
