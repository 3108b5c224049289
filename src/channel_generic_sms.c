/* SPDX-License-Identifier: ISC */
/*
 * channel_generic_sms: an SMS gateway whose shape comes from the
 * configuration, for local gateways none of the other adapters speak.
 * "sms_request" says where an inbound message's fields are (a form or
 * JSON body, the query string, headers: channel_util's field specs);
 * "sms_send" how to send (URL, method, form or JSON, field names, an
 * auth header, the statuses that mean sent, where the answer gives the
 * message's id); "sms_report" where a delivery report's id and status are
 * and what each status means. Every part is optional, but not all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "channel_ops.h"
#include "channel_util.h"
#include "form.h"
#include "notify_common.h"
#include "schema.h"
#include "text.h"

/* How a request we receive carries its fields. */
enum gsms_content { GSMS_FORM, GSMS_JSON, GSMS_QUERY };

/* The most report statuses and sent statuses an entry may list. */
#define GSMS_STATUSES	64
#define GSMS_SENT	16

/* One report status and what it means (how is static). */
struct gsms_status {
	char		*value;
	const char	*how;
};

/* A generic SMS channel's mapping. */
struct gsms {
	/* Inbound messages (has_in 0: none). */
	int			 has_in;
	enum gsms_content	 in_content;
	struct channel_field	 in_from, in_to, in_text, in_id;

	/* Delivery reports (has_report 0: none). */
	int			 has_report;
	enum gsms_content	 rep_content;
	struct channel_field	 rep_id, rep_status;
	struct gsms_status	 statuses[GSMS_STATUSES];
	size_t			 nstatuses;

	/* Sending (url NULL: none). */
	char			*url;
	int			 get;
	int			 json;
	char			*to, *text, *from;
	int			 to_plus;
	char			*auth;		/* "Name: value", or NULL */
	long			 sent[GSMS_SENT];
	size_t			 nsent;		/* 0: any 2xx */
	char			*id_field;
};

static const struct schema_key gsms_request_keys[] = {
	{ "content", SCHEMA_STR, 1, 8, "form", 0, 0, "form|json|query", NULL,
	  "a form POST, a JSON POST, or a GET with a query string" },
	{ "from", SCHEMA_STR, 1, 128, NULL, 0, 1, NULL, NULL,
	  "field holding the sender ([body:|query:|header:]name)" },
	{ "to", SCHEMA_STR, 1, 128, NULL, 0, 0, NULL, NULL,
	  "field holding our number" },
	{ "text", SCHEMA_STR, 1, 128, NULL, 0, 1, NULL, NULL,
	  "field holding the text (UTF-8)" },
	{ "id", SCHEMA_STR, 1, 128, NULL, 0, 0, NULL, NULL,
	  "field holding the gateway's message id" },
	SCHEMA_END
};

static const struct schema_key gsms_send_keys[] = {
	{ "url", SCHEMA_STR, 8, 1024, NULL, 0, 1, NULL, NULL,
	  "the gateway's send URL" },
	{ "method", SCHEMA_STR, 1, 8, "POST", 0, 0, "GET|POST", NULL,
	  "GET (fields in the query string) or POST" },
	{ "content", SCHEMA_STR, 1, 8, "form", 0, 0, "form|json", NULL,
	  "a POST's body: form or JSON" },
	{ "to", SCHEMA_STR, 1, 64, "to", 0, 0, NULL, NULL,
	  "field for the recipient" },
	{ "text", SCHEMA_STR, 1, 64, "text", 0, 0, NULL, NULL,
	  "field for the text" },
	{ "from", SCHEMA_STR, 1, 64, NULL, 0, 0, NULL, NULL,
	  "field for our sender (the entry's sender)" },
	{ "to_plus", SCHEMA_BOOL, 0, 0, NULL, 1, 0, NULL, NULL,
	  "the recipient as +855... (true) or 855... (false)" },
	{ "auth_header", SCHEMA_STR, 1, 64, NULL, 0, 0, NULL, NULL,
	  "header carrying the secret, e.g. Authorization" },
	{ "auth_scheme", SCHEMA_STR, 1, 32, NULL, 0, 0, NULL, NULL,
	  "word before the secret in that header, e.g. Bearer" },
	{ "auth_secret", SCHEMA_STR, 1, 512, NULL, 0, 0, NULL, NULL,
	  "the secret" },
	{ "auth_secret_file", SCHEMA_STR, 1, 1024, NULL, 0, 0, NULL, NULL,
	  "file holding the secret (mode 0600)" },
	{ "sent_status", SCHEMA_ARRAY, 1, GSMS_SENT, NULL, 0, 0, NULL, NULL,
	  "HTTP statuses that mean sent (default: any 2xx)" },
	{ "id_field", SCHEMA_STR, 1, 128, NULL, 0, 0, NULL, NULL,
	  "member of a JSON answer holding the message id (a.b for nested)" },
	SCHEMA_END
};

static const struct schema_key gsms_report_keys[] = {
	{ "content", SCHEMA_STR, 1, 8, "form", 0, 0, "form|json|query", NULL,
	  "a form POST, a JSON POST, or a GET with a query string" },
	{ "id", SCHEMA_STR, 1, 128, NULL, 0, 1, NULL, NULL,
	  "field holding the gateway's message id" },
	{ "status", SCHEMA_STR, 1, 128, NULL, 0, 1, NULL, NULL,
	  "field holding the status" },
	{ "statuses", SCHEMA_MAP, 1, GSMS_STATUSES, NULL, 0, 1, NULL, NULL,
	  "each status value -> delivered, failed or sent" },
	SCHEMA_END
};

/* The keys a generic_sms channel adds to its entry. */
static const struct schema_key gsms_keys[] = {
	{ "sms_request", SCHEMA_OBJ, 0, 0, NULL, 0, 0, NULL,
	  gsms_request_keys, "generic_sms only: where a message's fields are" },
	{ "sms_send", SCHEMA_OBJ, 0, 0, NULL, 0, 0, NULL, gsms_send_keys,
	  "generic_sms only: how to send" },
	{ "sms_report", SCHEMA_OBJ, 0, 0, NULL, 0, 0, NULL, gsms_report_keys,
	  "generic_sms only: where a delivery report's fields are" },
	SCHEMA_END
};

/* Free a mapping, wiping the secret. */
static void
gsms_free(void *state)
{
	struct gsms	*g = state;
	size_t		 i;

	if (g == NULL)
		return;
	free(g->in_from.name);
	free(g->in_to.name);
	free(g->in_text.name);
	free(g->in_id.name);
	free(g->rep_id.name);
	free(g->rep_status.name);
	for (i = 0; i < g->nstatuses; i++)
		free(g->statuses[i].value);
	free(g->url);
	free(g->to);
	free(g->text);
	free(g->from);
	channel_util_wipe_free(g->auth);
	free(g->id_field);
	free(g);
}

/* The content a block names. */
static enum gsms_content
gsms_content(json_t *obj, const struct schema_key *t)
{
	const char	*s = schema_str(obj, t, "content");

	if (strcmp(s, "json") == 0)
		return GSMS_JSON;
	if (strcmp(s, "query") == 0)
		return GSMS_QUERY;
	return GSMS_FORM;
}

/* Read "sms_request". */
static void
gsms_conf_request(struct schema_doc *doc, struct gsms *g, json_t *req,
    const char *ptr)
{
	char	 p[SCHEMA_PTR_MAX];

	schema_ptr(p, sizeof(p), ptr, "sms_request");
	g->has_in = 1;
	g->in_content = gsms_content(req, gsms_request_keys);
	channel_util_field_conf(doc, req, gsms_request_keys, p, "from",
	    &g->in_from);
	channel_util_field_conf(doc, req, gsms_request_keys, p, "to",
	    &g->in_to);
	channel_util_field_conf(doc, req, gsms_request_keys, p, "text",
	    &g->in_text);
	channel_util_field_conf(doc, req, gsms_request_keys, p, "id",
	    &g->in_id);
}

/* Read "sms_report" and its status map. */
static int
gsms_conf_report(struct schema_doc *doc, struct gsms *g, json_t *rep,
    const char *ptr)
{
	const char	*value, *how;
	json_t		*map, *v;
	char		 p[SCHEMA_PTR_MAX], q[SCHEMA_PTR_MAX];
	char		 r[SCHEMA_PTR_MAX];

	schema_ptr(p, sizeof(p), ptr, "sms_report");
	g->has_report = 1;
	g->rep_content = gsms_content(rep, gsms_report_keys);
	channel_util_field_conf(doc, rep, gsms_report_keys, p, "id",
	    &g->rep_id);
	channel_util_field_conf(doc, rep, gsms_report_keys, p, "status",
	    &g->rep_status);
	map = schema_get(rep, gsms_report_keys, "statuses");
	schema_ptr(q, sizeof(q), p, "statuses");
	json_object_foreach(map, value, v) {
		how = json_string_value(v);
		if (how == NULL)
			continue;
		if (strcmp(how, "delivered") == 0)
			how = "delivered";
		else if (strcmp(how, "failed") == 0)
			how = "failed";
		else if (strcmp(how, "sent") == 0)
			how = "sent";
		else {
			schema_ptr(r, sizeof(r), q, value);
			schema_err(doc, r, 0, "must be \"delivered\", "
			    "\"failed\" or \"sent\"");
			continue;
		}
		if (g->nstatuses == GSMS_STATUSES)
			break;
		g->statuses[g->nstatuses].how = how;
		g->statuses[g->nstatuses].value = strdup(value);
		if (g->statuses[g->nstatuses++].value == NULL)
			return -1;
	}
	return 0;
}

/* Read "sent_status": integers 100 to 599. */
static void
gsms_conf_sent(struct schema_doc *doc, struct gsms *g, json_t *snd,
    const char *ptr)
{
	json_t		*a, *v;
	char		 p[SCHEMA_PTR_MAX], q[SCHEMA_PTR_MAX];
	size_t		 i;

	a = schema_get(snd, gsms_send_keys, "sent_status");
	json_array_foreach(a, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 100 ||
		    json_integer_value(v) > 599) {
			schema_ptr(p, sizeof(p), ptr, "sent_status");
			schema_ptr_index(q, sizeof(q), p, i);
			schema_err(doc, q, 0, "must be an HTTP status "
			    "(100 to 599)");
			continue;
		}
		if (g->nsent < GSMS_SENT)
			g->sent[g->nsent++] = (long)json_integer_value(v);
	}
}

/* Read the auth header of "sms_send": a name and a secret, or neither. */
static int
gsms_conf_auth(struct schema_doc *doc, struct gsms *g, json_t *snd,
    const char *ptr)
{
	const char	*name, *scheme, *c;
	char		*secret;
	char		 p[SCHEMA_PTR_MAX];
	int		 given, r = 0;

	name = schema_str(snd, gsms_send_keys, "auth_header");
	scheme = schema_str(snd, gsms_send_keys, "auth_scheme");
	secret = schema_secret(doc, snd, gsms_send_keys, ptr, "auth_secret",
	    "auth_secret_file", &channel_util_printable_rule, &given);
	if (name == NULL) {
		if (given || scheme != NULL)
			schema_err(doc, ptr, 0, "auth_secret and auth_scheme "
			    "need \"auth_header\"");
		channel_util_wipe_free(secret);
		return 0;
	}
	for (c = name; *c != '\0'; c++)
		if (*c <= ' ' || *c >= 0x7f || *c == ':')
			break;
	if (*c != '\0') {
		schema_ptr(p, sizeof(p), ptr, "auth_header");
		schema_err(doc, p, 0, "must be a header name");
	}
	if (scheme != NULL && !notify_token_ok(scheme)) {
		schema_ptr(p, sizeof(p), ptr, "auth_scheme");
		schema_err(doc, p, 0, "must be one word");
	}
	if (!given)
		schema_err(doc, ptr, 0, "auth_header needs \"auth_secret\" or "
		    "\"auth_secret_file\"");
	if (secret != NULL && asprintf(&g->auth, "%s: %s%s%s", name,
	    scheme != NULL ? scheme : "", scheme != NULL ? " " : "",
	    secret) == -1) {
		g->auth = NULL;
		r = -1;
	}
	channel_util_wipe_free(secret);
	return r;
}

/* A copy of member name of snd (or its default), NULL when unset. */
static char *
gsms_dup(json_t *snd, const char *name, int *oom)
{
	const char	*s = schema_str(snd, gsms_send_keys, name);
	char		*d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		*oom = 1;
	return d;
}

/* Read "sms_send". */
static int
gsms_conf_send(struct schema_doc *doc, struct gsms *g, json_t *snd,
    json_t *entry, const char *ptr)
{
	char	 p[SCHEMA_PTR_MAX];
	int	 oom = 0;

	schema_ptr(p, sizeof(p), ptr, "sms_send");
	g->url = gsms_dup(snd, "url", &oom);
	g->to = gsms_dup(snd, "to", &oom);
	g->text = gsms_dup(snd, "text", &oom);
	g->from = gsms_dup(snd, "from", &oom);
	g->id_field = gsms_dup(snd, "id_field", &oom);
	if (oom)
		return -1;
	g->get = strcmp(schema_str(snd, gsms_send_keys, "method"), "GET") ==
	    0;
	g->json = strcmp(schema_str(snd, gsms_send_keys, "content"),
	    "json") == 0;
	g->to_plus = schema_bool(snd, gsms_send_keys, "to_plus");
	channel_util_url_check(doc, p, "url", g->url, 0);
	if (g->get && g->json)
		schema_err(doc, p, 0, "a GET has no JSON body");
	if (strcmp(g->to, g->text) == 0 || (g->from != NULL &&
	    (strcmp(g->from, g->to) == 0 || strcmp(g->from, g->text) == 0)))
		schema_err(doc, p, 0, "to, text and from must be different "
		    "fields");
	if (g->from != NULL && json_object_get(entry, "sender") == NULL)
		schema_err(doc, p, 0, "\"from\" sends the entry's sender, "
		    "which is not set");
	gsms_conf_sent(doc, g, snd, p);
	return gsms_conf_auth(doc, g, snd, p);
}

/* Read the three parts of the mapping. */
static int
gsms_configure(struct schema_doc *doc, json_t *entry, const char *ptr,
    const struct channel_setup *setup, void **state)
{
	struct gsms	*g;
	json_t		*req, *snd, *rep;

	*state = NULL;
	g = calloc(1, sizeof(*g));
	if (g == NULL)
		return -1;
	*state = g;
	req = json_object_get(entry, "sms_request");
	snd = json_object_get(entry, "sms_send");
	rep = json_object_get(entry, "sms_report");
	if (req == NULL && snd == NULL) {
		schema_err(doc, ptr, 0, "a generic_sms channel needs "
		    "\"sms_request\", \"sms_send\" or both");
		return 0;
	}
	if (req != NULL)
		gsms_conf_request(doc, g, req, ptr);
	if (snd != NULL && gsms_conf_send(doc, g, snd, entry, ptr) == -1)
		return -1;
	if (rep != NULL && gsms_conf_report(doc, g, rep, ptr) == -1)
		return -1;
	if (rep != NULL && g->id_field == NULL)
		schema_warn(doc, ptr, 0, "channel \"%s\": reports name the "
		    "gateway's message id, but sms_send has no id_field to "
		    "learn it from, so they match no message", setup->name);
	if (req != NULL && !setup->token)
		schema_warn(doc, ptr, 0, "channel \"%s\" has no token: anyone "
		    "who learns the URL can post messages; set token_file",
		    setup->name);
	return 0;
}

/* Decode the query string and the body the content needs. */
static int
gsms_decode(enum gsms_content content, const struct channel_request *req,
    struct channel_event *ev, const char **cause)
{
	json_error_t	 jerr;
	const char	*q = req->query != NULL ? req->query : "";

	ev->form_query = form_parse(q, strlen(q), cause);
	if (ev->form_query == NULL)
		return CHANNEL_BAD;
	if (content == GSMS_QUERY)
		return 0;
	if (content == GSMS_FORM) {
		ev->form_body = form_parse(req->body, req->body_len, cause);
		return ev->form_body == NULL ? CHANNEL_BAD : 0;
	}
	ev->json = json_loadb(req->body != NULL ? req->body : "",
	    req->body != NULL ? req->body_len : 0, JSON_REJECT_DUPLICATES,
	    &jerr);
	if (ev->json == NULL) {
		*cause = "invalid JSON body";
		return CHANNEL_BAD;
	}
	if (!json_is_object((json_t *)ev->json)) {
		*cause = "the JSON body must be an object";
		return CHANNEL_BAD;
	}
	return 0;
}

/*
 * One field's value into *out (NULL when absent): from a header (copied
 * into the event), the query string, or the body. Returns 0, or
 * CHANNEL_BAD with *cause when the value is unusable.
 */
static int
gsms_get(enum gsms_content content, const struct channel_request *req,
    struct channel_event *ev, const struct channel_field *f,
    const char **out, const char **cause)
{
	const char	*s;
	json_t		*v;
	int		 rc;

	*out = NULL;
	if (f->name == NULL)
		return 0;
	if (f->where == CHANNEL_FROM_HEADER) {
		s = req->header != NULL ? req->header(req->header_arg,
		    f->name) : NULL;
		if (s == NULL)
			return 0;
		if (!text_utf8_valid(s, strlen(s))) {
			*cause = "invalid UTF-8 in a header";
			return CHANNEL_BAD;
		}
		*out = channel_util_own(ev, strdup(s));
		rc = *out == NULL ? -1 : 0;
	} else if (f->where == CHANNEL_FROM_QUERY || content == GSMS_QUERY) {
		*out = form_get(ev->form_query, f->name);
		return 0;
	} else if (content == GSMS_FORM) {
		*out = form_get(ev->form_body, f->name);
		return 0;
	} else {
		v = channel_util_json_path(ev->json, f->name);
		if (v == NULL || json_is_null(v))
			return 0;
		rc = channel_util_json_text(ev, v, out);
		if (rc == 1) {
			*cause = "a JSON field must be a string or an integer";
			return CHANNEL_BAD;
		}
	}
	if (rc == -1) {
		*cause = "out of memory";
		return CHANNEL_BAD;
	}
	return 0;
}

/* Translate an inbound message through the mapping. */
static int
gsms_parse(const void *state, const struct channel_request *req,
    struct channel_event *ev, const char **cause)
{
	const struct gsms	*g = state;
	enum gsms_content	 c = g->in_content;

	if (!g->has_in) {
		*cause = "this channel receives no messages";
		return CHANNEL_BAD;
	}
	if (gsms_decode(c, req, ev, cause) == -1 ||
	    gsms_get(c, req, ev, &g->in_from, &ev->phone, cause) == -1 ||
	    gsms_get(c, req, ev, &g->in_to, &ev->service_code,
	    cause) == -1 ||
	    gsms_get(c, req, ev, &g->in_text, &ev->input, cause) == -1 ||
	    gsms_get(c, req, ev, &g->in_id, &ev->hop_id, cause) == -1)
		return CHANNEL_BAD;
	if (ev->phone == NULL || *ev->phone == '\0') {
		*cause = "missing from field";
		return CHANNEL_BAD;
	}
	if (ev->input == NULL) {
		*cause = "missing text field";
		return CHANNEL_BAD;
	}
	if (ev->service_code != NULL && *ev->service_code == '\0')
		ev->service_code = NULL;
	if (ev->hop_id != NULL && *ev->hop_id == '\0')
		ev->hop_id = NULL;
	return 0;
}

/* Translate a delivery report: the gateway's id and a mapped status. */
static int
gsms_notice(const void *state, const struct channel_request *req,
    struct channel_event *ev, const char **how, const char **cause)
{
	const struct gsms	*g = state;
	enum gsms_content	 c = g->rep_content;
	const char		*st;
	size_t			 i;

	if (!g->has_report) {
		*cause = "this channel takes no reports";
		return CHANNEL_BAD;
	}
	if (gsms_decode(c, req, ev, cause) == -1 ||
	    gsms_get(c, req, ev, &g->rep_id, &ev->hop_id, cause) == -1 ||
	    gsms_get(c, req, ev, &g->rep_status, &st, cause) == -1)
		return CHANNEL_BAD;
	if (ev->hop_id == NULL || *ev->hop_id == '\0') {
		*cause = "missing id field";
		return CHANNEL_BAD;
	}
	if (st == NULL) {
		*cause = "missing status field";
		return CHANNEL_BAD;
	}
	for (i = 0; i < g->nstatuses; i++)
		if (strcasecmp(st, g->statuses[i].value) == 0) {
			*how = g->statuses[i].how;
			return 0;
		}
	*cause = "unknown report status";
	return CHANNEL_BAD;
}

/* The method a content arrives by. */
static unsigned
gsms_method(enum gsms_content c)
{
	return c == GSMS_QUERY ? CHANNEL_ALLOW_GET : CHANNEL_ALLOW_POST;
}

/* The methods of the messages and the reports the mapping takes. */
static unsigned
gsms_methods(const void *state)
{
	const struct gsms	*g = state;
	unsigned		 m = 0;

	if (g->has_in)
		m |= gsms_method(g->in_content);
	if (g->has_report)
		m |= gsms_method(g->rep_content);
	return m;
}

/* Whether the mapping sends. */
static int
gsms_can_send(const void *state)
{
	const struct gsms	*g = state;

	return g != NULL && g->url != NULL;
}

/* Append "name=value" (both encoded, after sep) to *acc. 0, or -1. */
static int
gsms_form_add(char **acc, const char *name, const char *value, int form)
{
	char	*n, *v, *s = NULL;
	int	 r = -1;

	n = notify_urlencode(name, form);
	v = notify_urlencode(value, form);
	if (n != NULL && v != NULL && asprintf(&s, "%s%s%s=%s",
	    *acc != NULL ? *acc : "", *acc != NULL ? "&" : "", n, v) != -1) {
		channel_util_wipe_free(*acc);
		*acc = s;
		r = 0;
	}
	free(n);
	channel_util_wipe_free(v);
	return r;
}

/*
 * The fields as a form ("to=...&text=...&from=...") or, with json, a JSON
 * object in that order. A new string, or NULL.
 */
static char *
gsms_fields(const struct gsms *g, const char *to, const struct channel_sms *m,
    int json, int form)
{
	json_t	*o;
	char	*s = NULL;

	if (json) {
		o = json_object();
		if (o == NULL ||
		    json_object_set_new(o, g->to, json_string(to)) == -1 ||
		    json_object_set_new(o, g->text, json_string(m->text)) ==
		    -1 || (g->from != NULL && json_object_set_new(o, g->from,
		    json_string(m->from)) == -1)) {
			json_decref(o);
			return NULL;
		}
		s = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		return s;
	}
	if (gsms_form_add(&s, g->to, to, form) == -1 ||
	    gsms_form_add(&s, g->text, m->text, form) == -1 ||
	    (g->from != NULL && gsms_form_add(&s, g->from, m->from,
	    form) == -1)) {
		channel_util_wipe_free(s);
		return NULL;
	}
	return s;
}

/*
 * Build the send request: a GET with the fields in the query string, or
 * a POST of a form or a JSON object; the auth header when configured.
 */
static int
gsms_send(const void *state, const struct channel_sms *m,
    struct channel_http *out)
{
	const struct gsms	*g = state;
	const char		*to;
	char			*f = NULL;

	memset(out, 0, sizeof(*out));
	if (!gsms_can_send(g) || m->to == NULL || m->text == NULL ||
	    (g->from != NULL && m->from == NULL))
		return -1;
	to = !g->to_plus && *m->to == '+' ? m->to + 1 : m->to;
	f = gsms_fields(g, to, m, g->json, !g->get);
	if (f == NULL)
		goto fail;
	if (g->get) {
		if (channel_util_http_url(out, "%s%c%s", g->url,
		    strchr(g->url, '?') != NULL ? '&' : '?', f) == -1)
			goto fail;
		channel_util_wipe_free(f);
		f = NULL;
	} else {
		if ((out->url = strdup(g->url)) == NULL ||
		    channel_util_http_header(out, g->json ?
		    CHANNEL_UTIL_TYPE_JSON : CHANNEL_UTIL_TYPE_FORM) == -1)
			goto fail;
		out->body = f;
		out->body_len = strlen(f);
		f = NULL;
	}
	if (g->auth != NULL && channel_util_http_header(out, g->auth) == -1)
		goto fail;
	out->method = g->get ? "GET" : "POST";
	return 0;

fail:
	channel_util_wipe_free(f);
	channel_util_http_wipe(out);
	return -1;
}

/* The message id in a JSON answer at id_field. A new string, or NULL. */
static char *
gsms_answer_id(const struct gsms *g, const struct channel_answer *a)
{
	json_error_t	 jerr;
	json_t		*root, *v;
	char		*id = NULL;

	if (g->id_field == NULL || a->body == NULL || a->body_len == 0)
		return NULL;
	root = json_loadb(a->body, a->body_len, 0, &jerr);
	v = channel_util_json_path(root, g->id_field);
	if (json_is_string(v) && *json_string_value(v) != '\0' &&
	    strlen(json_string_value(v)) <= CHANNEL_MAX_ID)
		id = strdup(json_string_value(v));
	else if (json_is_integer(v) && asprintf(&id, "%" JSON_INTEGER_FORMAT,
	    json_integer_value(v)) == -1)
		id = NULL;
	json_decref(root);
	return id;
}

/*
 * Judge the answer: a status of sent_status (any 2xx by default) is sent;
 * no answer, 408, 429 and 5xx are worth a retry; anything else is final.
 */
static enum channel_verdict
gsms_sent(const void *state, const struct channel_answer *a,
    char **gateway_id, const char **why)
{
	const struct gsms	*g = state;
	size_t			 i;
	int			 ok;

	*gateway_id = NULL;
	*why = NULL;
	ok = g->nsent == 0 && a->status >= 200 && a->status < 300;
	for (i = 0; i < g->nsent; i++)
		if (a->status == g->sent[i])
			ok = 1;
	if (ok) {
		*gateway_id = gsms_answer_id(g, a);
		return CHANNEL_SENT;
	}
	if (a->status == 0) {
		*why = "no answer";
		return CHANNEL_RETRY;
	}
	if (a->status >= 500 || a->status == 408 || a->status == 429) {
		*why = "temporary failure";
		return CHANNEL_RETRY;
	}
	*why = "refused by the gateway";
	return CHANNEL_FAILED;
}

/* The adapter, as channel.c lists it. */
const struct channel_ops channel_generic_sms = {
	.name = "generic_sms",
	.schema = gsms_keys,
	.configure = gsms_configure,
	.free = gsms_free,
	.parse = gsms_parse,
	.notice = gsms_notice,
	.notice_path = "/dlr",
	.format = channel_util_format_empty,	/* 200 and nothing */
	.methods = gsms_methods,
	.kind = CHANNEL_SMS,
	.flags = 0,
	.send = gsms_send,
	.sent = gsms_sent,
	.auth = NULL,
	.authed = NULL,
	.can_send = gsms_can_send,
};
