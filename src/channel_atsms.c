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
#include "channel_util.h"
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

/* The sending account's members. */
static const struct channel_util_account atsms_account = {
	"Africa's Talking", "at_username", "at_api_key", "at_sms_url"
};

/* Free the account, wiping the key. */
static void
atsms_free(void *state)
{
	struct atsms	*s = state;

	if (s == NULL)
		return;
	free(s->url);
	free(s->username);
	channel_util_wipe_free(s->api_key);
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
	char		*key;
	int		 given;

	*state = NULL;
	channel_util_warn_no_token(doc, ptr, setup,
	    "Africa's Talking signs nothing");
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -1;
	*state = s;
	user = schema_str(entry, atsms_keys, "at_username");
	url = schema_str(entry, atsms_keys, "at_sms_url");
	key = schema_secret(doc, entry, atsms_keys, ptr, "at_api_key",
	    "at_api_key_file", &channel_util_api_key_rule, &given);
	if (!channel_util_account_check(doc, entry, ptr, &atsms_account,
	    user, key, given, url)) {
		channel_util_wipe_free(key);
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
	return channel_util_inbound_check(ev, "missing field from",
	    "missing field id", cause);
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
	int			 want_from, rc = -1;

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
		goto out;
	if (channel_util_http_body(out, "username=%s&to=%s&message=%s%s%s",
	    user, to, msg, want_from ? "&from=" : "",
	    want_from ? from : "") == -1)
		goto out;
	out->method = "POST";
	if ((out->url = strdup(s->url)) == NULL ||
	    notify_header(&out->headers[0], "apiKey", s->api_key) == -1 ||
	    channel_util_http_header(out, CHANNEL_UTIL_ACCEPT_JSON) == -1 ||
	    channel_util_http_header(out, CHANNEL_UTIL_TYPE_FORM) == -1)
		goto out;
	rc = 0;
out:
	channel_util_wipe_free(user);
	channel_util_wipe_free(to);
	channel_util_wipe_free(msg);
	channel_util_wipe_free(from);
	if (rc == -1)
		channel_util_http_wipe(out);
	return rc;
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
	json_t			*root, *list, *r;
	const char		*st;
	enum channel_verdict	 v;

	(void)state;
	*gateway_id = NULL;
	*why = NULL;
	if (channel_util_sent_json(a, &v, why, &root))
		return v;
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
		*gateway_id = channel_util_json_id(json_object_get(r,
		    "messageId"));
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
	.format = channel_util_format_empty,	/* AT does not read it */
	.methods = channel_util_methods_post,
	.kind = CHANNEL_SMS,
	.flags = 0,
	.send = atsms_send,
	.sent = atsms_sent,
	.auth = NULL,
	.authed = NULL,
	.can_send = atsms_can_send,
};
