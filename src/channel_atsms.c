/* SPDX-License-Identifier: ISC */
/*
 * channel_atsms: Africa's Talking SMS (aggregators.md §2). An inbound
 * message is a form POST of from, to, text, id, date, linkId and
 * networkCode; delivery reports are form POSTs of id and status to
 * "<path>/dlr"; sending is a form POST to the legacy messaging endpoint
 * with an apiKey header (§2.3), judged by the first recipient's status
 * string. AT signs nothing: the channel's token is the only protection.
 * The key names follow notify_sms_at.c, the alert transport.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "channel_ops.h"
#include "form.h"
#include "notify_common.h"
#include "schema.h"

#define ATSMS_URL	"https://api.africastalking.com/version1/messaging"

/* An AT SMS channel's sending account (all owned; NULL: no sending). */
struct atsms {
	char	*url;
	char	*username;
	char	*api_key;
};

static const struct schema_key atsms_keys[] = {
	{ "at_sms_url", SCHEMA_STR, 8, 255, ATSMS_URL, 0, 0, NULL, NULL,
	  "africastalking_sms only: the messaging endpoint" },
	{ "at_username", SCHEMA_STR, 1, 64, NULL, 0, 0, NULL, NULL,
	  "africastalking_sms only: the account's user name (to send)" },
	{ "at_api_key", SCHEMA_STR, 1, 256, NULL, 0, 0, NULL, NULL,
	  "africastalking_sms only: the API key (prefer the _file)" },
	{ "at_api_key_file", SCHEMA_STR, 1, 1024, NULL, 0, 0, NULL, NULL,
	  "africastalking_sms only: file holding the API key (mode 0600)" },
	SCHEMA_END
};

/* The API key goes in a header. */
static const struct schema_secret_rule atsms_key_rule = {
	"API key", notify_token_ok, "text without spaces or controls"
};

/* Wipe and free a string that may hold a secret, a number or a text. */
static void
atsms_wipe(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

/* Free the account, wiping the key. */
static void
atsms_free(void *state)
{
	struct atsms	*s = state;

	if (s == NULL)
		return;
	free(s->url);
	free(s->username);
	atsms_wipe(s->api_key);
	free(s);
}

/*
 * Read the sending account: none of its keys (receive only), or a user
 * name and an API key, with the endpoint's default. Warn about a channel
 * without a token, since anyone who learns the URL could post to it.
 */
static int
atsms_configure(struct schema_doc *doc, json_t *entry, const char *ptr,
    const struct channel_setup *setup, void **state)
{
	struct atsms	*s;
	const char	*user, *url;
	char		*key, p[SCHEMA_PTR_MAX];
	int		 given;

	*state = NULL;
	if (!setup->token)
		schema_warn(doc, ptr, 0, "channel \"%s\" has no token: "
		    "Africa's Talking signs nothing, so anyone who learns the "
		    "URL can post messages; set token_file and \"token_in\": "
		    "\"path\"", setup->name);
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -1;
	*state = s;
	user = schema_str(entry, atsms_keys, "at_username");
	url = schema_str(entry, atsms_keys, "at_sms_url");
	key = schema_secret(doc, entry, atsms_keys, ptr, "at_api_key",
	    "at_api_key_file", &atsms_key_rule, &given);
	if (user == NULL && !given) {
		if (json_object_get(entry, "at_sms_url") != NULL) {
			schema_ptr(p, sizeof(p), ptr, "at_sms_url");
			schema_err(doc, p, 1, "at_sms_url needs at_username "
			    "and at_api_key_file");
		}
		return 0;
	}
	if (user == NULL)
		schema_err(doc, ptr, 0, "sending through Africa's Talking "
		    "needs at_username");
	if (!given)
		schema_err(doc, ptr, 0, "sending through Africa's Talking "
		    "needs at_api_key_file");
	if (!notify_http_url_ok(url)) {
		schema_ptr(p, sizeof(p), ptr, "at_sms_url");
		schema_err(doc, p, 0, "must be an http:// or https:// URL");
	}
	if (user == NULL || key == NULL || !notify_http_url_ok(url)) {
		atsms_wipe(key);
		return 0;
	}
	s->api_key = key;
	s->username = strdup(user);
	s->url = strdup(url);
	return s->username == NULL || s->url == NULL ? -1 : 0;
}

/* Translate an inbound message (§2.1); from and id are required. */
static int
atsms_parse(const void *state, const struct channel_request *req,
    struct channel_event *ev, const char **cause)
{
	(void)state;
	ev->form_body = form_parse(req->body, req->body_len, cause);
	if (ev->form_body == NULL)
		return CHANNEL_BAD;
	ev->phone = form_get(ev->form_body, "from");
	ev->service_code = form_get(ev->form_body, "to");
	ev->hop_id = form_get(ev->form_body, "id");
	ev->network = form_get(ev->form_body, "networkCode");
	ev->input = form_get(ev->form_body, "text");
	if (ev->phone != NULL && strncmp(ev->phone, "tel:", 4) == 0)
		ev->phone += 4;
	if (ev->phone == NULL || *ev->phone == '\0') {
		*cause = "missing field from";
		return CHANNEL_BAD;
	}
	if (ev->hop_id == NULL || *ev->hop_id == '\0') {
		*cause = "missing field id";
		return CHANNEL_BAD;
	}
	if (ev->input == NULL)
		ev->input = "";
	return 0;
}

/*
 * Translate a delivery report (§2.2). Success is delivered; Rejected,
 * Failed and Expired are failed; Sent, Submitted, Buffered and
 * AbsentSubscriber (not final: AT may still deliver) are sent.
 */
static int
atsms_notice(const void *state, const struct channel_request *req,
    struct channel_event *ev, const char **how, const char **cause)
{
	const char	*st;

	(void)state;
	ev->form_body = form_parse(req->body, req->body_len, cause);
	if (ev->form_body == NULL)
		return CHANNEL_BAD;
	ev->hop_id = form_get(ev->form_body, "id");
	if (ev->hop_id == NULL || *ev->hop_id == '\0') {
		*cause = "missing field id";
		return CHANNEL_BAD;
	}
	st = form_get(ev->form_body, "status");
	if (st == NULL || *st == '\0') {
		*cause = "missing field status";
		return CHANNEL_BAD;
	}
	if (strcmp(st, "Success") == 0)
		*how = "delivered";
	else if (strcmp(st, "Rejected") == 0 || strcmp(st, "Failed") == 0 ||
	    strcmp(st, "Expired") == 0)
		*how = "failed";
	else
		*how = "sent";
	return 0;
}

/* AT does not read the answer: an empty 200. */
static int
atsms_format(const void *state, const struct channel_reply *reply,
    struct channel_response *out)
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

/* AT posts its messages and reports. */
static unsigned
atsms_methods(const void *state)
{
	(void)state;
	return CHANNEL_ALLOW_POST;
}

/* Whether the entry has an account to send with. */
static int
atsms_can_send(const void *state)
{
	const struct atsms	*s = state;

	return s != NULL && s->api_key != NULL;
}

/*
 * Build the messaging POST (§2.3): username, to, message and, when we
 * have a sender id, from; the key in an apiKey header.
 */
static int
atsms_send(const void *state, const struct channel_sms *m,
    struct channel_http *out)
{
	const struct atsms	*s = state;
	char			*user = NULL, *to = NULL, *msg = NULL;
	char			*from = NULL;
	size_t			 i;
	int			 n, want_from;

	memset(out, 0, sizeof(*out));
	if (!atsms_can_send(s))
		return -1;
	want_from = m->from != NULL && *m->from != '\0';
	user = notify_urlencode(s->username, 1);
	to = notify_urlencode(m->to, 1);
	msg = notify_urlencode(m->text, 1);
	if (want_from)
		from = notify_urlencode(m->from, 1);
	if (user == NULL || to == NULL || msg == NULL ||
	    (want_from && from == NULL))
		goto fail;
	n = asprintf(&out->body, "username=%s&to=%s&message=%s%s%s", user, to,
	    msg, want_from ? "&from=" : "", want_from ? from : "");
	if (n == -1) {
		out->body = NULL;
		goto fail;
	}
	out->body_len = (size_t)n;
	out->method = "POST";
	out->url = strdup(s->url);
	if (out->url == NULL ||
	    notify_header(&out->headers[0], "apiKey", s->api_key) == -1)
		goto fail;
	out->headers[1] = strdup("Accept: application/json");
	out->headers[2] = strdup(
	    "Content-Type: application/x-www-form-urlencoded");
	if (out->headers[1] == NULL || out->headers[2] == NULL)
		goto fail;
	atsms_wipe(user);
	atsms_wipe(to);
	atsms_wipe(msg);
	atsms_wipe(from);
	return 0;

fail:
	atsms_wipe(user);
	atsms_wipe(to);
	atsms_wipe(msg);
	atsms_wipe(from);
	atsms_wipe(out->url);
	atsms_wipe(out->body);
	for (i = 0; i < CHANNEL_HTTP_HEADERS; i++)
		atsms_wipe(out->headers[i]);
	memset(out, 0, sizeof(*out));
	return -1;
}

/*
 * Judge a recipient that is not "Success": AT's own errors (500
 * InternalServerError, 501 GatewayError) may pass later; the others
 * (an invalid number, a blacklisted one, no credit...) will not.
 */
static enum channel_verdict
atsms_recipient(json_t *r, const char **why)
{
	json_t		*code = json_object_get(r, "statusCode");
	const char	*st = json_string_value(json_object_get(r, "status"));

	if ((json_is_integer(code) && (json_integer_value(code) == 500 ||
	    json_integer_value(code) == 501)) || (st != NULL &&
	    (strcmp(st, "InternalServerError") == 0 ||
	    strcmp(st, "GatewayError") == 0))) {
		*why = "gateway error";
		return CHANNEL_RETRY;
	}
	*why = "recipient refused";
	return CHANNEL_FAILED;
}

/*
 * Judge the answer (§2.3): a 2xx (201) whose first recipient has status
 * "Success" is sent, with its messageId; an empty recipient list (an
 * invalid sender id) is a refusal; an unreadable body, 429 and 5xx are
 * retried, other statuses refused.
 */
static enum channel_verdict
atsms_sent(const void *state, const struct channel_answer *a,
    char **gateway_id, const char **why)
{
	json_t			*root, *list, *r, *id;
	const char		*st;
	enum channel_verdict	 v;

	(void)state;
	*gateway_id = NULL;
	*why = NULL;
	if (a->status == 0) {
		*why = "no answer";
		return CHANNEL_RETRY;
	}
	if (a->status == 429) {
		*why = "throttled";
		return CHANNEL_RETRY;
	}
	if (a->status >= 500) {
		*why = "gateway error";
		return CHANNEL_RETRY;
	}
	if (a->status < 200 || a->status >= 300) {
		*why = "refused";
		return CHANNEL_FAILED;
	}
	root = a->body != NULL ? json_loadb(a->body, a->body_len, 0, NULL) :
	    NULL;
	/* Borrowed references, all owned by root (NULL: none). */
	list = json_object_get(json_object_get(root, "SMSMessageData"),
	    "Recipients");
	r = json_array_get(list, 0);
	st = json_string_value(json_object_get(r, "status"));
	if (!json_is_array(list)) {
		*why = "unreadable answer";
		v = CHANNEL_RETRY;
	} else if (r == NULL) {
		*why = "no recipient accepted";
		v = CHANNEL_FAILED;
	} else if (st != NULL && strcmp(st, "Success") == 0) {
		id = json_object_get(r, "messageId");
		if (json_is_string(id) && *json_string_value(id) != '\0')
			*gateway_id = strdup(json_string_value(id));
		v = CHANNEL_SENT;
	} else
		v = atsms_recipient(r, why);
	json_decref(root);
	return v;
}

/* The adapter, as channel.c lists it. */
const struct channel_ops channel_atsms = {
	.name = "africastalking_sms",
	.schema = atsms_keys,
	.configure = atsms_configure,
	.free = atsms_free,
	.parse = atsms_parse,
	.notice = atsms_notice,
	.notice_path = "/dlr",
	.format = atsms_format,
	.methods = atsms_methods,
	.kind = CHANNEL_SMS,
	.flags = 0,
	.send = atsms_send,
	.sent = atsms_sent,
	.auth = NULL,
	.authed = NULL,
	.can_send = atsms_can_send,
};
