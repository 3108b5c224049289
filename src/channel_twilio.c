/* SPDX-License-Identifier: ISC */
/*
 * channel_twilio: Twilio's SMS webhook (aggregators.md §3). An inbound
 * message is a form POST (or GET) signed with X-Twilio-Signature, the
 * HMAC-SHA1 under the account's auth token of the URL Twilio requested
 * followed by every POST parameter sorted by name (§3.4); the reply goes
 * back in the answer as TwiML. Status callbacks arrive, signed the same
 * way, at "<path>/dlr". With an account SID it also sends through the
 * Messages API (§3.6). It owns the signature check, the field names, the
 * TwiML and the API request; the HMAC itself is digest.c's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "channel_ops.h"
#include "channel_util.h"
#include "digest.h"
#include "form.h"
#include "notify_common.h"
#include "schema.h"

#define TWILIO_API_URL	"https://api.twilio.com"
#define TWILIO_XML_HEAD	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
/* A base64 HMAC-SHA1 with its padding. */
#define TWILIO_SIG_LEN	28

/* A Twilio channel's settings (all owned). */
struct twilio {
	char	*token;		/* auth token: the HMAC key, the password */
	char	*url_bare;	/* public_url without a port */
	char	*url_port;	/* public_url with its (default) port */
	char	*sid;		/* account SID, NULL: no sending */
	char	*api;		/* API base URL, no trailing '/' */
};

/* One decoded form parameter (borrowed from the form). */
struct twilio_param {
	const char	*name;
	const char	*value;
};

/* Every parameter of a form, sorted for the signature. */
struct twilio_params {
	struct twilio_param	*v;
	size_t			 n;
};

static const struct schema_key twilio_keys[] = {
	{ "twilio_auth_token", SCHEMA_STR, 1, 256, NULL, 0, 0, NULL, NULL,
	  "twilio only: the account's auth token (prefer the _file)" },
	{ "twilio_auth_token_file", SCHEMA_STR, 1, 1024, NULL, 0, 0, NULL,
	  NULL, "twilio only: file holding the auth token (mode 0600)" },
	{ "public_url", SCHEMA_STR, 8, 1024, NULL, 0, 0, NULL, NULL,
	  "the webhook's full public URL as the gateway requests it, "
	  "without a query (signatures cover it)" },
	{ "twilio_account_sid", SCHEMA_STR, 1, 64, NULL, 0, 0, NULL, NULL,
	  "twilio only: account SID; set it to send through the "
	  "Messages API" },
	{ "twilio_api_url", SCHEMA_STR, 8, 255, TWILIO_API_URL, 0, 0, NULL,
	  NULL, "twilio only: base URL of the REST API" },
	SCHEMA_END
};

/* What the auth token must look like. */
static const struct schema_secret_rule twilio_token_rule = {
	"auth token", notify_token_ok, "text without spaces or controls"
};

/* Order parameters by name, then value (byte order). */
static int
twilio_param_cmp(const void *a, const void *b)
{
	const struct twilio_param	*x = a, *y = b;
	int				 c;

	c = strcmp(x->name, y->name);
	return c != 0 ? c : strcmp(x->value, y->value);
}

/*
 * The parameters of a form (NULL: none), sorted by name and by value
 * within a name. Returns 0, or -1 out of memory.
 */
static int
twilio_params_read(const struct form *f, struct twilio_params *p)
{
	size_t	 i;

	memset(p, 0, sizeof(*p));
	if (form_count(f) == 0)
		return 0;
	p->v = reallocarray(NULL, form_count(f), sizeof(*p->v));
	if (p->v == NULL)
		return -1;
	for (i = 0; i < form_count(f); i++) {
		p->v[i].name = form_name(f, i);
		p->v[i].value = form_value(f, i);
	}
	p->n = form_count(f);
	qsort(p->v, p->n, sizeof(*p->v), twilio_param_cmp);
	return 0;
}

/*
 * The signed text: base, then "?query" when there is one, then each
 * distinct parameter as name and value with no separator, sorted by
 * name and by value within a name (twilio-python's rule). A new string,
 * or NULL.
 */
static char *
twilio_signed_text(const char *base, const char *query,
    const struct twilio_params *p)
{
	char	*s, *o;
	size_t	 i, len;

	len = strlen(base) + 2 + (query != NULL ? strlen(query) : 0);
	for (i = 0; i < p->n; i++)
		len += strlen(p->v[i].name) + strlen(p->v[i].value);
	s = malloc(len);
	if (s == NULL)
		return NULL;
	o = stpcpy(s, base);
	if (query != NULL && *query != '\0') {
		*o++ = '?';
		o = stpcpy(o, query);
	}
	for (i = 0; i < p->n; i++) {
		if (i > 0 && twilio_param_cmp(&p->v[i - 1], &p->v[i]) == 0)
			continue;
		o = stpcpy(o, p->v[i].name);
		o = stpcpy(o, p->v[i].value);
	}
	return s;
}

/*
 * Whether sig is the base64 HMAC-SHA1 of base's signed text under the
 * token: 1, 0, or -1 out of memory. Compared in constant time.
 */
static int
twilio_sig_eq(const struct twilio *t, const char *base, const char *query,
    const struct twilio_params *p, const char *sig)
{
	uint8_t	 mac[DIGEST_MAX_LEN];
	char	 b64[TWILIO_SIG_LEN + 1], *text;
	int	 eq;

	text = twilio_signed_text(base, query, p);
	if (text == NULL)
		return -1;
	digest_hmac(DIGEST_SHA1, t->token, strlen(t->token), text,
	    strlen(text), mac);
	channel_util_wipe_free(text);
	sodium_bin2base64(b64, sizeof(b64), mac, digest_len(DIGEST_SHA1),
	    sodium_base64_VARIANT_ORIGINAL);
	eq = sodium_memcmp(b64, sig, TWILIO_SIG_LEN) == 0;
	explicit_bzero(mac, sizeof(mac));
	return eq;
}

/*
 * Check X-Twilio-Signature over the URL (public_url plus suffix, with and
 * without its port, as twilio-python does since Twilio itself is not
 * consistent) and the POST parameters, the form post (NULL for a GET).
 * Returns 0, or CHANNEL_FORBIDDEN / CHANNEL_BAD with *cause.
 */
static int
twilio_verify(const struct twilio *t, const struct channel_request *req,
    const struct form *post, const char *suffix, const char **cause)
{
	struct twilio_params	 p;
	const char		*sig = NULL, *q;
	char			*b1 = NULL, *b2 = NULL;
	int			 e1, e2, rc = CHANNEL_BAD;

	memset(&p, 0, sizeof(p));
	if (t->token == NULL || t->url_bare == NULL) {
		/* configure reported it; such a channel is never built. */
		*cause = "no auth token";
		return CHANNEL_FORBIDDEN;
	}
	if (req->header != NULL)
		sig = req->header(req->header_arg, "X-Twilio-Signature");
	if (sig == NULL || *sig == '\0') {
		*cause = "missing signature";
		return CHANNEL_FORBIDDEN;
	}
	if (strlen(sig) != TWILIO_SIG_LEN) {
		*cause = "bad signature";
		return CHANNEL_FORBIDDEN;
	}
	*cause = "out of memory";
	if (twilio_params_read(post, &p) == -1)
		goto done;
	if (asprintf(&b1, "%s%s", t->url_bare, suffix) == -1) {
		b1 = NULL;
		goto done;
	}
	if (asprintf(&b2, "%s%s", t->url_port, suffix) == -1) {
		b2 = NULL;
		goto done;
	}
	q = req->query;
	e1 = twilio_sig_eq(t, b1, q, &p, sig);
	e2 = twilio_sig_eq(t, b2, q, &p, sig);
	if (e1 == -1 || e2 == -1)
		goto done;
	if (e1 || e2)
		rc = 0;
	else {
		rc = CHANNEL_FORBIDDEN;
		*cause = "bad signature";
	}

done:
	free(b1);
	free(b2);
	free(p.v);
	return rc;
}

/*
 * Decode the form of a request (the body of a POST, the query of a GET)
 * into ev. Returns the form, or NULL with *cause.
 */
static const struct form *
twilio_form(const struct channel_request *req, struct channel_event *ev,
    const char **cause)
{
	const char	*q = req->query != NULL ? req->query : "";

	if (req->method == CHANNEL_GET) {
		ev->form_query = form_parse(q, strlen(q), cause);
		return ev->form_query;
	}
	ev->form_body = form_parse(req->body, req->body_len, cause);
	return ev->form_body;
}

/* The message SID under its name or one of its legacy aliases. */
static const char *
twilio_sid(const struct form *f)
{
	const char	*s;

	s = form_get(f, "MessageSid");
	if (s == NULL || *s == '\0')
		s = form_get(f, "SmsMessageSid");
	if (s == NULL || *s == '\0')
		s = form_get(f, "SmsSid");
	return s != NULL && *s != '\0' ? s : NULL;
}

/* Translate an inbound message (§3.1) once its signature verifies. */
static int
twilio_parse(const void *state, const struct channel_request *req,
    struct channel_event *ev, const char **cause)
{
	const struct twilio	*t = state;
	const struct form	*f;
	int			 rc;

	f = twilio_form(req, ev, cause);
	if (f == NULL)
		return CHANNEL_BAD;
	rc = twilio_verify(t, req, ev->form_body, "", cause);
	if (rc != 0)
		return rc;
	ev->hop_id = twilio_sid(f);
	ev->phone = form_get(f, "From");
	ev->service_code = form_get(f, "To");
	ev->input = form_get(f, "Body");
	if (ev->hop_id == NULL) {
		*cause = "missing field MessageSid";
		return CHANNEL_BAD;
	}
	return channel_util_inbound_check(ev, "missing field From",
	    "missing field MessageSid", cause);
}

/*
 * Translate a status callback (§3.3): delivered and read are delivered,
 * undelivered, failed and canceled are failed, the rest (queued, sending,
 * sent, accepted, scheduled...) only sent.
 */
static int
twilio_notice(const void *state, const struct channel_request *req,
    struct channel_event *ev, const char **how, const char **cause)
{
	const struct twilio	*t = state;
	const struct form	*f;
	const char		*st;
	int			 rc;

	f = twilio_form(req, ev, cause);
	if (f == NULL)
		return CHANNEL_BAD;
	rc = twilio_verify(t, req, ev->form_body, "/dlr", cause);
	if (rc != 0)
		return rc;
	ev->hop_id = twilio_sid(f);
	if (ev->hop_id == NULL) {
		*cause = "missing field MessageSid";
		return CHANNEL_BAD;
	}
	st = form_get(f, "MessageStatus");
	if (st == NULL || *st == '\0')
		st = form_get(f, "SmsStatus");
	if (st == NULL || *st == '\0') {
		*cause = "missing field MessageStatus";
		return CHANNEL_BAD;
	}
	if (strcmp(st, "delivered") == 0 || strcmp(st, "read") == 0)
		*how = "delivered";
	else if (strcmp(st, "undelivered") == 0 || strcmp(st, "failed") == 0 ||
	    strcmp(st, "canceled") == 0)
		*how = "failed";
	else
		*how = "sent";
	return 0;
}

/* Bytes s takes once XML-escaped (controls XML cannot carry dropped). */
static size_t
twilio_xml_len(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			n += 5;
			break;
		case '<':
		case '>':
			n += 4;
			break;
		case '"':
		case '\'':
			n += 6;
			break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\t' ||
			    *s == '\n' || *s == '\r')
				n++;
			break;
		}
	}
	return n;
}

/* Write s XML-escaped at o; returns the end. */
static char *
twilio_xml_put(char *o, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			o = stpcpy(o, "&amp;");
			break;
		case '<':
			o = stpcpy(o, "&lt;");
			break;
		case '>':
			o = stpcpy(o, "&gt;");
			break;
		case '"':
			o = stpcpy(o, "&quot;");
			break;
		case '\'':
			o = stpcpy(o, "&apos;");
			break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\t' ||
			    *s == '\n' || *s == '\r')
				*o++ = *s;
			break;
		}
	}
	return o;
}

/*
 * The reply as TwiML (§3.2): one <Message> for the notice, then one for
 * the text; an empty <Response/> when there is neither.
 */
static int
twilio_format(const void *state, const struct channel_reply *reply,
    struct channel_response *out)
{
	const char	*msg[2];
	size_t		 i, len;
	char		*o;

	(void)state;
	msg[0] = reply->notice;
	msg[1] = reply->text;
	len = sizeof(TWILIO_XML_HEAD "<Response></Response>");
	for (i = 0; i < 2; i++)
		if (msg[i] != NULL && *msg[i] != '\0')
			len += sizeof("<Message></Message>") +
			    twilio_xml_len(msg[i]);
	out->body = malloc(len);
	if (out->body == NULL)
		return -1;
	o = stpcpy(out->body, TWILIO_XML_HEAD);
	if ((msg[0] == NULL || *msg[0] == '\0') &&
	    (msg[1] == NULL || *msg[1] == '\0'))
		o = stpcpy(o, "<Response/>");
	else {
		o = stpcpy(o, "<Response>");
		for (i = 0; i < 2; i++) {
			if (msg[i] == NULL || *msg[i] == '\0')
				continue;
			o = stpcpy(o, "<Message>");
			o = twilio_xml_put(o, msg[i]);
			o = stpcpy(o, "</Message>");
		}
		o = stpcpy(o, "</Response>");
	}
	out->len = (size_t)(o - out->body);
	out->content_type = "text/xml; charset=utf-8";
	return 0;
}

/*
 * Split url into the two forms a signature may cover: without a port,
 * and with one (the given one, else 443 for https and 80 for http).
 * Returns 0, 1 when url is not an http(s) URL without query or fragment,
 * or -1 out of memory.
 */
static int
twilio_urls(const char *url, char **bare, char **port)
{
	const char	*host, *end, *colon = NULL, *p, *dflt;

	*bare = *port = NULL;
	if (!notify_http_url_ok(url) || strpbrk(url, "?#") != NULL)
		return 1;
	dflt = strncmp(url, "https://", 8) == 0 ? "443" : "80";
	host = strstr(url, "://") + 3;
	end = host + strcspn(host, "/");
	for (p = host; p < end; p++) {
		if (*p == '@')
			host = p + 1;
	}
	for (p = host; p < end; p++) {
		if (*p == ']')
			colon = NULL;
		else if (*p == ':')
			colon = p;
	}
	if (colon == host || (colon == NULL && end == host))
		return 1;
	if (colon != NULL) {
		if (colon + 1 == end)
			return 1;
		for (p = colon + 1; p < end; p++)
			if (*p < '0' || *p > '9')
				return 1;
		if (asprintf(bare, "%.*s%s", (int)(colon - url), url,
		    end) == -1)
			*bare = NULL;
		*port = strdup(url);
	} else {
		if (asprintf(port, "%.*s:%s%s", (int)(end - url), url, dflt,
		    end) == -1)
			*port = NULL;
		*bare = strdup(url);
	}
	if (*bare == NULL || *port == NULL) {
		free(*bare);
		free(*port);
		*bare = *port = NULL;
		return -1;
	}
	return 0;
}

/* Free a Twilio channel's settings, wiping the token. */
static void
twilio_free(void *state)
{
	struct twilio	*t = state;

	if (t == NULL)
		return;
	channel_util_wipe_free(t->token);
	free(t->url_bare);
	free(t->url_port);
	free(t->sid);
	free(t->api);
	free(t);
}

/* Read the sending half: the account SID and the API's base URL. */
static int
twilio_configure_send(struct schema_doc *doc, json_t *entry,
    const char *ptr, struct twilio *t)
{
	const char	*sid, *api, *s;
	char		 p[SCHEMA_PTR_MAX];

	sid = schema_str(entry, twilio_keys, "twilio_account_sid");
	api = schema_str(entry, twilio_keys, "twilio_api_url");
	if (sid == NULL) {
		if (json_object_get(entry, "twilio_api_url") != NULL) {
			schema_ptr(p, sizeof(p), ptr, "twilio_api_url");
			schema_err(doc, p, 1, "twilio_api_url needs "
			    "twilio_account_sid");
		}
		return 0;
	}
	for (s = sid; *s != '\0'; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= 'A' && *s <= 'Z'))) {
			schema_ptr(p, sizeof(p), ptr, "twilio_account_sid");
			schema_err(doc, p, 0, "an account SID holds only "
			    "letters and digits");
			return 0;
		}
	if (!channel_util_url_check(doc, ptr, "twilio_api_url", api, 1))
		return 0;
	t->sid = strdup(sid);
	t->api = channel_util_url_base(api);
	return t->sid == NULL || t->api == NULL ? -1 : 0;
}

/* Read the auth token, the public URL and the optional send settings. */
static int
twilio_configure(struct schema_doc *doc, json_t *entry, const char *ptr,
    const struct channel_setup *setup, void **state)
{
	struct twilio	*t;
	const char	*url;
	char		 p[SCHEMA_PTR_MAX];
	int		 given, rc;

	*state = NULL;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return -1;
	*state = t;
	t->token = schema_secret(doc, entry, twilio_keys, ptr,
	    "twilio_auth_token", "twilio_auth_token_file", &twilio_token_rule,
	    &given);
	if (!given)
		schema_err(doc, ptr, 0, "channel \"%s\" needs "
		    "twilio_auth_token_file: Twilio's signature is checked "
		    "with it", setup->name);
	url = schema_str(entry, twilio_keys, "public_url");
	if (url == NULL)
		schema_err(doc, ptr, 0, "channel \"%s\" needs public_url, "
		    "the URL Twilio requests (signatures cover it)",
		    setup->name);
	else {
		rc = twilio_urls(url, &t->url_bare, &t->url_port);
		if (rc == -1)
			return -1;
		if (rc == 1) {
			schema_ptr(p, sizeof(p), ptr, "public_url");
			schema_err(doc, p, 0, "must be an http:// or https:// "
			    "URL without a query");
		}
	}
	return twilio_configure_send(doc, entry, ptr, t);
}

/* Whether the entry has an account to send with. */
static int
twilio_can_send(const void *state)
{
	const struct twilio	*t = state;

	return t != NULL && t->sid != NULL && t->token != NULL;
}

/*
 * Build the Messages API request (§3.6): a form POST of To, From, Body
 * and StatusCallback, with HTTP Basic SID:token. From is our sender,
 * which Twilio needs: without one there is nothing to send from.
 */
static int
twilio_send(const void *state, const struct channel_sms *m,
    struct channel_http *out)
{
	const struct twilio	*t = state;
	char			*to = NULL, *from = NULL, *body = NULL;
	char			*cb = NULL;
	int			 rc = -1;

	memset(out, 0, sizeof(*out));
	if (!twilio_can_send(t) || m->from == NULL || *m->from == '\0')
		return -1;
	to = notify_urlencode(m->to, 1);
	from = notify_urlencode(m->from, 1);
	body = notify_urlencode(m->text, 1);
	if (m->report_url != NULL)
		cb = notify_urlencode(m->report_url, 1);
	if (to == NULL || from == NULL || body == NULL ||
	    (cb == NULL && m->report_url != NULL))
		goto out;
	if (channel_util_http_body(out, "To=%s&From=%s&Body=%s%s%s", to, from,
	    body, cb != NULL ? "&StatusCallback=" : "", cb != NULL ? cb : "") ==
	    -1)
		goto out;
	out->method = "POST";
	if (channel_util_http_url(out, "%s/2010-04-01/Accounts/%s/"
	    "Messages.json", t->api, t->sid) == -1 ||
	    channel_util_http_basic(out, t->sid, t->token) == -1 ||
	    channel_util_http_header(out, CHANNEL_UTIL_ACCEPT_JSON) == -1 ||
	    channel_util_http_header(out, CHANNEL_UTIL_TYPE_FORM) == -1)
		goto out;
	rc = 0;
out:
	channel_util_wipe_free(to);
	channel_util_wipe_free(from);
	channel_util_wipe_free(body);
	channel_util_wipe_free(cb);
	if (rc == -1)
		channel_util_http_wipe(out);
	return rc;
}

/*
 * Judge the Messages API's answer: a 2xx (201) created the message, whose
 * id is "sid"; 429 (throttled, code 20429) and 5xx are retried; any
 * other refusal (a bad number, an opted-out one, bad credentials) is
 * final.
 */
static enum channel_verdict
twilio_sent(const void *state, const struct channel_answer *a,
    char **gateway_id, const char **why)
{
	json_t			*root;
	enum channel_verdict	 v;

	(void)state;
	*gateway_id = NULL;
	*why = NULL;
	if (channel_util_sent_json(a, &v, why, &root))
		return v;
	*gateway_id = channel_util_json_id(json_object_get(root, "sid"));
	json_decref(root);
	return CHANNEL_SENT;
}

/* The adapter, as channel.c lists it. */
const struct channel_ops channel_twilio = {
	.name = "twilio",
	.schema = twilio_keys,
	.configure = twilio_configure,
	.free = twilio_free,
	.parse = twilio_parse,
	.notice = twilio_notice,
	.notice_path = "/dlr",
	.format = twilio_format,
	/* The webhook may be set to GET or POST; callbacks are POSTs. */
	.methods = channel_util_methods_get_post,
	.kind = CHANNEL_SMS,
	.flags = CHANNEL_INLINE,
	.send = twilio_send,
	.sent = twilio_sent,
	.auth = NULL,
	.authed = NULL,
	.can_send = twilio_can_send,
};
