/* SPDX-License-Identifier: ISC */
/*
 * channel_oneapi: SMS through a GSMA OneAPI gateway as Smart Axiata's
 * WSO2-style API manager speaks it (shared/docs/aggregators.md §6).
 * Inbound messages and delivery reports are JSON POSTs
 * (inboundSMSMessageNotification, deliveryInfoNotification with our
 * message id as callbackData); a message goes out as one
 * outboundSMSMessageRequest with a bearer token, fetched with the OAuth2
 * client-credentials grant. It owns the entry's API settings; when to
 * fetch or renew the token is the caller's business.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "channel_ops.h"
#include "channel_util.h"
#include "notify_common.h"
#include "schema.h"
#include "text.h"

/* A token's lifetime when the answer does not give a usable one. */
#define ONEAPI_TTL	3600

/* The entry's API settings; api_url NULL: the channel only receives. */
struct oneapi {
	char	*api_url;	/* without a trailing '/' */
	char	*token_url;
	char	*key;
	char	*secret;
};

/* The keys a OneAPI channel adds to its entry. */
static const struct schema_key oneapi_keys[] = {
	{ "oneapi_url", SCHEMA_STR, 8, 1024, NULL, 0, 0, NULL, NULL,
	  "oneapi only: the API's base URL (before /smsmessaging)" },
	{ "oneapi_token_url", SCHEMA_STR, 8, 1024, NULL, 0, 0, NULL, NULL,
	  "oneapi only: the OAuth2 token endpoint" },
	{ "oneapi_consumer_key", SCHEMA_STR, 1, 256, NULL, 0, 0, NULL, NULL,
	  "oneapi only: the application's consumer key" },
	{ "oneapi_consumer_secret", SCHEMA_STR, 1, 256, NULL, 0, 0, NULL, NULL,
	  "oneapi only: the application's consumer secret" },
	{ "oneapi_consumer_secret_file", SCHEMA_STR, 1, 1024, NULL, 0, 0, NULL,
	  NULL, "oneapi only: file holding the consumer secret (mode 0600)" },
	SCHEMA_END
};

/* Free a channel's settings, wiping the credentials. */
static void
oneapi_free(void *state)
{
	struct oneapi	*o = state;

	if (o == NULL)
		return;
	free(o->api_url);
	free(o->token_url);
	channel_util_wipe_free(o->key);
	channel_util_wipe_free(o->secret);
	free(o);
}

/*
 * Read the API settings: none (the channel only receives) or all four of
 * oneapi_url, oneapi_token_url, oneapi_consumer_key and
 * oneapi_consumer_secret. Sending also
 * needs the entry's sender, the address OneAPI sends from.
 */
static int
oneapi_configure(struct schema_doc *doc, json_t *entry, const char *ptr,
    const struct channel_setup *setup, void **state)
{
	struct oneapi	*o;
	const char	*api, *tok, *key;
	char		 p[SCHEMA_PTR_MAX];
	int		 given;

	*state = NULL;
	o = calloc(1, sizeof(*o));
	if (o == NULL)
		return -1;
	*state = o;
	channel_util_warn_no_token(doc, ptr, setup,
	    "OneAPI notifications are not signed");
	api = schema_str(entry, oneapi_keys, "oneapi_url");
	tok = schema_str(entry, oneapi_keys, "oneapi_token_url");
	key = schema_str(entry, oneapi_keys, "oneapi_consumer_key");
	o->secret = schema_secret(doc, entry, oneapi_keys, ptr,
	    "oneapi_consumer_secret", "oneapi_consumer_secret_file",
	    &channel_util_printable_rule, &given);
	if (api == NULL && tok == NULL && key == NULL && !given)
		return 0;
	if (api == NULL || tok == NULL || key == NULL || !given)
		schema_err(doc, ptr, 0, "sending through OneAPI needs "
		    "oneapi_url, oneapi_token_url, oneapi_consumer_key and "
		    "oneapi_consumer_secret (or oneapi_consumer_secret_file)");
	channel_util_url_check(doc, ptr, "oneapi_url", api, 0);
	channel_util_url_check(doc, ptr, "oneapi_token_url", tok, 0);
	if (key != NULL && (!channel_util_printable(key) ||
	    strchr(key, ':') != NULL)) {
		schema_ptr(p, sizeof(p), ptr, "oneapi_consumer_key");
		schema_err(doc, p, 0, "must be printable text without ':'");
	}
	if (json_object_get(entry, "sender") == NULL)
		schema_err(doc, ptr, 0, "sending through OneAPI needs "
		    "\"sender\" (the number or sender id messages come from)");
	if (api != NULL && (o->api_url = channel_util_url_base(api)) == NULL)
		return -1;
	if ((tok != NULL && (o->token_url = strdup(tok)) == NULL) ||
	    (key != NULL && (o->key = strdup(key)) == NULL))
		return -1;
	return 0;
}

/* An address without its "tel:" prefix. */
static const char *
oneapi_untel(const char *s)
{
	if (strncasecmp(s, "tel:", 4) == 0)
		s += 4;
	return s;
}

/*
 * The string member name of obj (borrowed) into *out: NULL when absent or
 * null. Returns 0, or CHANNEL_BAD with *cause when it is not a string.
 */
static int
oneapi_str(json_t *obj, const char *name, const char **out,
    const char **cause)
{
	json_t	*v = json_object_get(obj, name);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v)) {
		*cause = "a field is not a string";
		return CHANNEL_BAD;
	}
	/* jansson refuses \u0000 unless asked, so no NUL here. */
	*out = json_string_value(v);
	return 0;
}

/*
 * Load the JSON body into ev->json and return its member top (borrowed),
 * an object; NULL with *cause (missing when there is no such object).
 */
static json_t *
oneapi_load(const struct channel_request *req, struct channel_event *ev,
    const char *top, const char *missing, const char **cause)
{
	json_error_t	 jerr;
	json_t		*o;

	ev->json = json_loadb(req->body != NULL ? req->body : "",
	    req->body != NULL ? req->body_len : 0, JSON_REJECT_DUPLICATES,
	    &jerr);
	if (ev->json == NULL) {
		*cause = "invalid JSON body";
		return NULL;
	}
	o = json_object_get(ev->json, top);
	if (!json_is_object(o)) {
		*cause = missing;
		return NULL;
	}
	return o;
}

/*
 * An inboundSMSMessageNotification: senderAddress (the sender, "tel:"
 * dropped), destinationAddress (our number), messageId and message.
 */
static int
oneapi_parse(const void *state, const struct channel_request *req,
    struct channel_event *ev, const char **cause)
{
	json_t		*n, *m;
	const char	*from, *to;

	(void)state;
	if ((n = oneapi_load(req, ev, "inboundSMSMessageNotification",
	    "missing inboundSMSMessageNotification", cause)) == NULL)
		return CHANNEL_BAD;
	m = json_object_get(n, "inboundSMSMessage");
	if (!json_is_object(m)) {
		*cause = "missing inboundSMSMessage";
		return CHANNEL_BAD;
	}
	if (oneapi_str(m, "senderAddress", &from, cause) == -1 ||
	    oneapi_str(m, "destinationAddress", &to, cause) == -1 ||
	    oneapi_str(m, "messageId", &ev->hop_id, cause) == -1 ||
	    oneapi_str(m, "message", &ev->input, cause) == -1)
		return CHANNEL_BAD;
	if (from == NULL || *(from = oneapi_untel(from)) == '\0') {
		*cause = "missing senderAddress";
		return CHANNEL_BAD;
	}
	if (ev->input == NULL) {
		*cause = "missing message";
		return CHANNEL_BAD;
	}
	if (!text_utf8_valid(ev->input, strlen(ev->input))) {
		*cause = "message is not valid UTF-8";
		return CHANNEL_BAD;
	}
	ev->phone = from;
	if (to != NULL && *(to = oneapi_untel(to)) != '\0')
		ev->service_code = to;
	if (ev->hop_id != NULL && *ev->hop_id == '\0')
		ev->hop_id = NULL;
	return 0;
}

/*
 * A deliveryInfoNotification: callbackData is our message id, and
 * deliveryInfo.deliveryStatus says what became of it.
 */
static int
oneapi_notice(const void *state, const struct channel_request *req,
    struct channel_event *ev, const char **how, const char **cause)
{
	static const struct {
		const char	*status;
		const char	*how;
	} map[] = {
		{ "DeliveredToTerminal", "delivered" },
		{ "DeliveryImpossible", "failed" },
		{ "DeliveredToNetwork", "sent" },
		{ "MessageWaiting", "sent" },
		{ "DeliveryUncertain", "sent" },
		{ "DeliveryNotificationNotSupported", "sent" },
	};
	json_t		*n, *info;
	const char	*st;
	size_t		 i;

	(void)state;
	if ((n = oneapi_load(req, ev, "deliveryInfoNotification",
	    "missing deliveryInfoNotification", cause)) == NULL)
		return CHANNEL_BAD;
	if (oneapi_str(n, "callbackData", &ev->session_id, cause) == -1)
		return CHANNEL_BAD;
	if (ev->session_id == NULL || *ev->session_id == '\0') {
		*cause = "missing callbackData";
		return CHANNEL_BAD;
	}
	info = json_object_get(n, "deliveryInfo");
	if (json_is_array(info))
		info = json_array_get(info, 0);
	if (!json_is_object(info)) {
		*cause = "missing deliveryInfo";
		return CHANNEL_BAD;
	}
	if (oneapi_str(info, "deliveryStatus", &st, cause) == -1)
		return CHANNEL_BAD;
	if (st == NULL) {
		*cause = "missing deliveryStatus";
		return CHANNEL_BAD;
	}
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(st, map[i].status) == 0) {
			*how = map[i].how;
			return 0;
		}
	*cause = "unknown deliveryStatus";
	return CHANNEL_BAD;
}

/* Whether the entry configured the API. */
static int
oneapi_can_send(const void *state)
{
	const struct oneapi	*o = state;

	return o != NULL && o->api_url != NULL && o->token_url != NULL &&
	    o->key != NULL && o->secret != NULL;
}

/*
 * Our address as OneAPI writes it: "tel:+<digits>" for a number (with or
 * without its '+'), "tel:<id>" for a sender id, as given if it already
 * starts with "tel:". A new string, or NULL.
 */
static char *
oneapi_tel(const char *s)
{
	char	*out;
	size_t	 n = strlen(s);

	if (strncasecmp(s, "tel:", 4) == 0)
		return strdup(s);
	if (asprintf(&out, "tel:%s%s", n > 0 && strspn(s, "0123456789") == n ?
	    "+" : "", s) == -1)
		return NULL;
	return out;
}

/*
 * Build the outboundSMSMessageRequest for m: POST to
 * <oneapi_url>/smsmessaging/v1/outbound/<our address>/requests, our message
 * id as the clientCorrelator (the gateway drops a retried duplicate) and,
 * when reports are wanted, as the callbackData of the receiptRequest.
 */
static int
oneapi_send(const void *state, const struct channel_sms *m,
    struct channel_http *out)
{
	const struct oneapi	*o = state;
	json_t			*root = NULL, *req = NULL, *rr;
	char			*from = NULL, *to = NULL, *path = NULL;
	int			 set, rc = -1;

	memset(out, 0, sizeof(*out));
	if (!oneapi_can_send(o) || m->from == NULL || m->to == NULL ||
	    m->text == NULL || m->msg_id == NULL || m->token == NULL ||
	    !notify_token_ok(m->token))
		return -1;
	from = oneapi_tel(m->from);
	to = oneapi_tel(m->to);
	if (from == NULL || to == NULL)
		goto out;
	req = json_pack("{s:[s], s:s, s:{s:s}, s:s}", "address", to,
	    "senderAddress", from, "outboundSMSTextMessage", "message",
	    m->text, "clientCorrelator", m->msg_id);
	if (req == NULL)
		goto out;
	if (m->report_url != NULL) {
		rr = json_pack("{s:s, s:s}", "notifyURL", m->report_url,
		    "callbackData", m->msg_id);
		if (json_object_set_new(req, "receiptRequest", rr) == -1)
			goto out;
	}
	if ((root = json_object()) == NULL)
		goto out;
	set = json_object_set_new(root, "outboundSMSMessageRequest", req);
	req = NULL;	/* stolen, even on failure */
	if (set == -1 || channel_util_http_json(out, root) == -1)
		goto out;
	path = notify_urlencode(from, 0);
	if (path == NULL || channel_util_http_url(out,
	    "%s/smsmessaging/v1/outbound/%s/requests", o->api_url,
	    path) == -1)
		goto out;
	if (asprintf(&out->headers[0], "Authorization: Bearer %s",
	    m->token) == -1) {
		out->headers[0] = NULL;
		goto out;
	}
	if (channel_util_http_header(out, CHANNEL_UTIL_TYPE_JSON) == -1)
		goto out;
	out->method = "POST";
	rc = 0;
out:
	json_decref(req);
	json_decref(root);
	channel_util_wipe_free(from);
	channel_util_wipe_free(to);
	free(path);
	if (rc == -1)
		channel_util_http_wipe(out);
	return rc;
}

/*
 * The gateway's id of a sent message: the last path segment of
 * resourceReference.resourceURL. A new string, or NULL.
 */
static char *
oneapi_resource_id(const struct channel_answer *a)
{
	json_error_t	 jerr;
	json_t		*root, *v;
	const char	*url, *slash;
	char		*id = NULL;

	if (a->body == NULL || a->body_len == 0)
		return NULL;
	root = json_loadb(a->body, a->body_len, 0, &jerr);
	v = json_object_get(json_object_get(root, "resourceReference"),
	    "resourceURL");
	if (json_is_string(v)) {
		url = json_string_value(v);
		slash = strrchr(url, '/');
		slash = slash != NULL ? slash + 1 : url;
		if (*slash != '\0' && strlen(slash) <= CHANNEL_MAX_ID &&
		    notify_token_ok(slash))
			id = strdup(slash);
	}
	json_decref(root);
	return id;
}

/*
 * Judge the gateway's answer: 201 (or another 2xx) is sent, with the id
 * of the resource it made; 401 means the token expired or was revoked;
 * no answer, 408, 429 and 5xx are worth a retry; any other 4xx (an
 * invalid address, a policy refusal) is final.
 */
static enum channel_verdict
oneapi_sent(const void *state, const struct channel_answer *a,
    char **gateway_id, const char **why)
{
	(void)state;
	*gateway_id = NULL;
	*why = NULL;
	if (a->status >= 200 && a->status < 300) {
		*gateway_id = oneapi_resource_id(a);
		return CHANNEL_SENT;
	}
	if (a->status == 401) {
		*why = "token refused";
		return CHANNEL_REAUTH;
	}
	if (a->status == 0) {
		*why = "no answer";
		return CHANNEL_RETRY;
	}
	if (a->status >= 500 || a->status == 408 || a->status == 429) {
		*why = a->status == 429 ? "throttled" : "temporary failure";
		return CHANNEL_RETRY;
	}
	*why = "refused by the gateway";
	return CHANNEL_FAILED;
}

/*
 * The token request: the client-credentials grant, the consumer key and
 * secret as HTTP Basic credentials.
 */
static int
oneapi_auth(const void *state, struct channel_http *out)
{
	const struct oneapi	*o = state;

	memset(out, 0, sizeof(*out));
	if (!oneapi_can_send(o))
		return -1;
	if ((out->url = strdup(o->token_url)) == NULL ||
	    channel_util_http_basic(out, o->key, o->secret) == -1 ||
	    channel_util_http_header(out, CHANNEL_UTIL_TYPE_FORM) == -1 ||
	    channel_util_http_body(out, "grant_type=client_credentials") ==
	    -1) {
		channel_util_http_wipe(out);
		return -1;
	}
	out->method = "POST";
	return 0;
}

/* A lifetime in seconds: a positive integer or numeric string, or -1. */
static long
oneapi_ttl(json_t *v)
{
	const char	*s;
	long		 n = 0;

	if (json_is_integer(v))
		return json_integer_value(v) > 0 &&
		    json_integer_value(v) <= 86400L * 365 ?
		    (long)json_integer_value(v) : -1;
	if (json_is_real(v))
		return json_real_value(v) >= 1 &&
		    json_real_value(v) <= 86400.0 * 365 ?
		    (long)json_real_value(v) : -1;
	if (!json_is_string(v))
		return -1;
	s = json_string_value(v);
	if (*s == '\0' || strlen(s) > 9)
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		n = n * 10 + (*s - '0');
	}
	return n > 0 ? n : -1;
}

/*
 * Read the token answer: on 200, access_token and expires_in (seconds, a
 * number or a numeric string; ONEAPI_TTL when absent or unusable).
 */
static int
oneapi_authed(const void *state, const struct channel_answer *a,
    char **token, long *ttl)
{
	json_error_t	 jerr;
	json_t		*root;
	const char	*t;
	long		 n;

	(void)state;
	*token = NULL;
	*ttl = 0;
	if (a->status != 200 || a->body == NULL)
		return -1;
	root = json_loadb(a->body, a->body_len, 0, &jerr);
	t = json_string_value(json_object_get(root, "access_token"));
	if (t == NULL || !notify_token_ok(t) || strlen(t) > 4096 ||
	    (*token = strdup(t)) == NULL) {
		json_decref(root);
		return -1;
	}
	n = oneapi_ttl(json_object_get(root, "expires_in"));
	*ttl = n > 0 ? n : ONEAPI_TTL;
	json_decref(root);
	return 0;
}

/* The adapter, as channel.c lists it. */
const struct channel_ops channel_oneapi = {
	.name = "oneapi",
	.schema = oneapi_keys,
	.configure = oneapi_configure,
	.free = oneapi_free,
	.parse = oneapi_parse,
	.notice = oneapi_notice,
	.notice_path = "/dlr",
	/* 200 and nothing: replies are sent apart. */
	.format = channel_util_format_empty,
	.methods = channel_util_methods_post,	/* notifications */
	.kind = CHANNEL_SMS,
	.flags = 0,
	.send = oneapi_send,
	.sent = oneapi_sent,
	.auth = oneapi_auth,
	.authed = oneapi_authed,
	.can_send = oneapi_can_send,
};
