/* SPDX-License-Identifier: ISC */
/*
 * channel_util: the pieces gateway adapters share: bodies they answer
 * with, field specs, secret rules and configuration checks, inbound
 * checks and event storage, the request to send, JSON look-ups and the
 * start of a verdict. A leaf: it knows the wire, not channels, and calls
 * nothing in channel.c, so adapters can use it without a cycle.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "channel_util.h"
#include "notify_common.h"

const struct schema_secret_rule channel_util_api_key_rule = {
	"API key", notify_token_ok, "text without spaces or controls"
};

const struct schema_secret_rule channel_util_printable_rule = {
	"secret", channel_util_printable, "printable text"
};

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

/* Parse a field spec member, reporting a bad one. */
void
channel_util_field_conf(struct schema_doc *doc, json_t *obj,
    const struct schema_key *t, const char *ptr, const char *name,
    struct channel_field *f)
{
	const char	*spec = schema_str(obj, t, name);
	char		 p[SCHEMA_PTR_MAX];

	if (spec == NULL)
		return;
	if (channel_util_field_parse(spec, f) == -1) {
		schema_ptr(p, sizeof(p), ptr, name);
		schema_err(doc, p, 0, "\"%s\" is not "
		    "[body:|query:|header:]name", spec);
	}
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

/* An empty text/plain body. */
int
channel_util_format_empty(const void *state,
    const struct channel_reply *reply, struct channel_response *out)
{
	(void)state;
	(void)reply;
	out->body = strdup("");
	if (out->body == NULL)
		return -1;
	out->len = 0;
	out->content_type = "text/plain; charset=utf-8";
	return 0;
}

/* POSTs only. */
unsigned
channel_util_methods_post(const void *state)
{
	(void)state;
	return CHANNEL_ALLOW_POST;
}

/* GETs and POSTs. */
unsigned
channel_util_methods_get_post(const void *state)
{
	(void)state;
	return CHANNEL_ALLOW_GET | CHANNEL_ALLOW_POST;
}

/* Not empty, no controls. */
int
channel_util_printable(const char *s)
{
	const unsigned char	*p;

	if (*s == '\0')
		return 0;
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* Overwrite and free a string (NULL is fine). */
void
channel_util_wipe_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

/* The warning of a channel without a token whose gateway signs nothing. */
void
channel_util_warn_no_token(struct schema_doc *doc, const char *ptr,
    const struct channel_setup *setup, const char *why)
{
	if (setup->token)
		return;
	schema_warn(doc, ptr, 0, "channel \"%s\" has no token: %s, so anyone "
	    "who learns the URL can post messages; set token_file and "
	    "\"token_in\": \"path\"", setup->name, why);
}

/* Check an http(s) URL member, reporting a bad one. */
int
channel_util_url_check(struct schema_doc *doc, const char *ptr,
    const char *name, const char *url, int noquery)
{
	char	 p[SCHEMA_PTR_MAX];

	if (url == NULL || (notify_http_url_ok(url) &&
	    (!noquery || strpbrk(url, "?#") == NULL)))
		return 1;
	schema_ptr(p, sizeof(p), ptr, name);
	schema_err(doc, p, 0, "must be an http:// or https:// URL");
	return 0;
}

/* Check a sending account: all of it or none. */
int
channel_util_account_check(struct schema_doc *doc, json_t *entry,
    const char *ptr, const struct channel_util_account *a, const char *id,
    const char *secret, int given, const char *url)
{
	char	 p[SCHEMA_PTR_MAX];
	int	 url_ok;

	if (id == NULL && !given) {
		if (json_object_get(entry, a->url) != NULL) {
			schema_ptr(p, sizeof(p), ptr, a->url);
			schema_err(doc, p, 1, "%s needs %s and %s_file",
			    a->url, a->id, a->secret);
		}
		return 0;
	}
	if (id == NULL)
		schema_err(doc, ptr, 0, "sending through %s needs %s",
		    a->gateway, a->id);
	if (!given)
		schema_err(doc, ptr, 0, "sending through %s needs %s_file",
		    a->gateway, a->secret);
	url_ok = channel_util_url_check(doc, ptr, a->url, url, 0);
	return id != NULL && secret != NULL && url_ok;
}

/* A base URL without trailing '/'s. */
char *
channel_util_url_base(const char *url)
{
	char	*s;
	size_t	 n;

	if ((s = strdup(url)) == NULL)
		return NULL;
	n = strlen(s);
	while (n > 0 && s[n - 1] == '/')
		s[--n] = '\0';
	return s;
}

/* The digits after an optional '+', or NULL. */
const char *
channel_util_digits(const char *s)
{
	const char	*p;

	if (*s == '+')
		s++;
	if (*s == '\0')
		return NULL;
	for (p = s; *p != '\0'; p++)
		if (*p < '0' || *p > '9')
			return NULL;
	return s;
}

/* Keep s alive as long as the event. Returns s, or NULL (freed). */
const char *
channel_util_own(struct channel_event *ev, char *s)
{
	if (s == NULL ||
	    ev->nowned == sizeof(ev->owned) / sizeof(ev->owned[0])) {
		channel_util_wipe_free(s);
		return NULL;
	}
	ev->owned[ev->nowned++] = s;
	return s;
}

/* A JSON string (borrowed) or integer (kept by ev) as text. */
int
channel_util_json_text(struct channel_event *ev, json_t *v,
    const char **out)
{
	char	*s;

	*out = NULL;
	if (json_is_string(v)) {
		/* jansson refuses \u0000 unless asked, so no NUL here. */
		*out = json_string_value(v);
		return 0;
	}
	if (!json_is_integer(v))
		return 1;
	if (asprintf(&s, "%" JSON_INTEGER_FORMAT, json_integer_value(v)) ==
	    -1)
		s = NULL;
	if ((*out = channel_util_own(ev, s)) == NULL)
		return -1;
	return 0;
}

/* The sender and id an inbound message needs; "" for no text. */
int
channel_util_inbound_check(struct channel_event *ev, const char *no_from,
    const char *no_id, const char **cause)
{
	if (ev->phone != NULL && strncmp(ev->phone, "tel:", 4) == 0)
		ev->phone += 4;
	if (ev->phone == NULL || *ev->phone == '\0') {
		*cause = no_from;
		return CHANNEL_BAD;
	}
	if (ev->hop_id == NULL || *ev->hop_id == '\0') {
		*cause = no_id;
		return CHANNEL_BAD;
	}
	if (ev->input == NULL)
		ev->input = "";
	return 0;
}

/* Wipe and free a request being built. */
void
channel_util_http_wipe(struct channel_http *h)
{
	size_t	 i;

	channel_util_wipe_free(h->url);
	for (i = 0; i < CHANNEL_HTTP_HEADERS; i++)
		channel_util_wipe_free(h->headers[i]);
	channel_util_wipe_free(h->body);
	memset(h, 0, sizeof(*h));
}

/* Append a copy of line to the headers. */
int
channel_util_http_header(struct channel_http *h, const char *line)
{
	size_t	 i;

	for (i = 0; i < CHANNEL_HTTP_HEADERS && h->headers[i] != NULL; i++)
		;
	if (i == CHANNEL_HTTP_HEADERS)
		return -1;
	h->headers[i] = strdup(line);
	return h->headers[i] == NULL ? -1 : 0;
}

/* Append HTTP Basic credentials. */
int
channel_util_http_basic(struct channel_http *h, const char *user,
    const char *password)
{
	char	*cred = NULL, *b64 = NULL, *line = NULL;
	size_t	 clen, blen;
	int	 rc = -1;

	if (asprintf(&cred, "%s:%s", user, password) == -1) {
		cred = NULL;
		goto out;
	}
	clen = strlen(cred);
	blen = sodium_base64_ENCODED_LEN(clen,
	    sodium_base64_VARIANT_ORIGINAL);
	if ((b64 = malloc(blen)) == NULL)
		goto out;
	sodium_bin2base64(b64, blen, (const unsigned char *)cred, clen,
	    sodium_base64_VARIANT_ORIGINAL);
	if (asprintf(&line, "Authorization: Basic %s", b64) == -1) {
		line = NULL;
		goto out;
	}
	rc = channel_util_http_header(h, line);
out:
	channel_util_wipe_free(cred);
	channel_util_wipe_free(b64);
	channel_util_wipe_free(line);
	return rc;
}

/* Print the URL. */
int
channel_util_http_url(struct channel_http *h, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(&h->url, fmt, ap);
	va_end(ap);
	if (n == -1) {
		h->url = NULL;
		return -1;
	}
	return 0;
}

/* Print the body. */
int
channel_util_http_body(struct channel_http *h, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(&h->body, fmt, ap);
	va_end(ap);
	if (n == -1) {
		h->body = NULL;
		return -1;
	}
	h->body_len = (size_t)n;
	return 0;
}

/* The body as compact JSON. */
int
channel_util_http_json(struct channel_http *h, const json_t *root)
{
	h->body = json_dumps(root, JSON_COMPACT);
	if (h->body == NULL)
		return -1;
	h->body_len = strlen(h->body);
	return 0;
}

/* The verdict on a status, or a 2xx's body. */
int
channel_util_sent_json(const struct channel_answer *a,
    enum channel_verdict *v, const char **why, json_t **root)
{
	*root = NULL;
	if (a->status == 0) {
		*why = "no answer";
		*v = CHANNEL_RETRY;
		return 1;
	}
	if (a->status == 429) {
		*why = "throttled";
		*v = CHANNEL_RETRY;
		return 1;
	}
	if (a->status >= 500) {
		*why = "gateway error";
		*v = CHANNEL_RETRY;
		return 1;
	}
	if (a->status < 200 || a->status >= 300) {
		*why = "refused";
		*v = CHANNEL_FAILED;
		return 1;
	}
	if (a->body != NULL)
		*root = json_loadb(a->body, a->body_len, 0, NULL);
	return 0;
}

/* Look up a dotted path in a JSON object. */
json_t *
channel_util_json_path(json_t *obj, const char *path)
{
	char		 part[128];
	const char	*dot;
	size_t		 n;

	while (obj != NULL) {
		dot = strchr(path, '.');
		n = dot != NULL ? (size_t)(dot - path) : strlen(path);
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

/* A copy of a non-empty JSON string. */
char *
channel_util_json_id(const json_t *v)
{
	if (!json_is_string(v) || *json_string_value(v) == '\0')
		return NULL;
	return strdup(json_string_value(v));
}
