/* SPDX-License-Identifier: ISC */
/*
 * notify_sms_at: alerts as SMS through Africa's Talking's legacy messaging
 * endpoint (shared/docs/aggregators.md §2.3): a form POST of username, to,
 * message and from, authenticated by an apiKey header. It owns the
 * account's settings, the form encoding and the verdict on the answer;
 * the request is sent by fetch.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "notify.h"
#include "notify_common.h"
#include "phone.h"

#define AT_SMS_URL	"https://api.africastalking.com/version1/messaging"

/* The account (strings borrowed from the notify_conf). */
struct at_account {
	const char	*url;		/* NULL: the default */
	const char	*username;
	const char	*api_key;
	const char	*from;		/* sender id, may be NULL */
};

/* Check that s is one phone number: an optional '+' and 6 to 15 digits. */
static int
at_phone_ok(const char *s)
{
	size_t	 n = 0;

	if (*s == '+')
		s++;
	for (; *s != '\0'; s++, n++) {
		if (*s < '0' || *s > '9')
			return 0;
	}
	return n >= 6 && n <= 15;
}

/*
 * The SMS text: notify_text plus the caller's number when the target may
 * carry it. A new string, or NULL.
 */
static char *
at_text(const struct roster_alert *target, const struct notify_alert *a)
{
	char	*text, *full;

	text = notify_text(a);
	if (text == NULL || !target->with_phone || a->phone == NULL ||
	    *a->phone == '\0')
		return text;
	if (asprintf(&full, "%s\nCall: %s", text, a->phone) == -1)
		full = NULL;
	notify_wipe_free(text);
	return full;
}

/* Build the messaging POST. */
static int
at_build(const void *state, const struct roster_alert *target,
    const struct notify_alert *a, time_t now, struct notify_http *out,
    const char **cause)
{
	const struct at_account	*s = state;
	char			*text = NULL, *user = NULL, *to = NULL;
	char			*msg = NULL, *from = NULL;
	const char		*url;

	(void)now;
	memset(out, 0, sizeof(*out));
	if (s == NULL || s->username == NULL || *s->username == '\0' ||
	    s->api_key == NULL || *s->api_key == '\0') {
		*cause = "africastalking sms is not configured";
		goto fail;
	}
	url = s->url != NULL ? s->url : AT_SMS_URL;
	if (!notify_http_url_ok(url)) {
		*cause = "africastalking sms URL is malformed";
		goto fail;
	}
	if (!notify_token_ok(s->api_key)) {
		*cause = "africastalking api key is malformed";
		goto fail;
	}
	if (target->target == NULL || !at_phone_ok(target->target)) {
		*cause = "sms target is not a phone number";
		goto fail;
	}
	text = at_text(target, a);
	if (text == NULL) {
		*cause = "cannot make the alert text";
		goto fail;
	}
	user = notify_urlencode(s->username, 1);
	to = notify_urlencode(target->target, 1);
	msg = notify_urlencode(text, 1);
	if (s->from != NULL && *s->from != '\0')
		from = notify_urlencode(s->from, 1);
	if (user == NULL || to == NULL || msg == NULL ||
	    (from == NULL && s->from != NULL && *s->from != '\0')) {
		*cause = "out of memory";
		goto fail;
	}
	if (asprintf(&out->body, "username=%s&to=%s&message=%s%s%s", user, to,
	    msg, from != NULL ? "&from=" : "", from != NULL ? from : "") ==
	    -1) {
		out->body = NULL;
		*cause = "out of memory";
		goto fail;
	}
	out->body_len = strlen(out->body);
	out->url = strdup(url);
	if (out->url == NULL ||
	    notify_header(&out->headers[0], "apiKey", s->api_key) == -1) {
		*cause = "out of memory";
		goto fail;
	}
	out->headers[1] = strdup("Accept: application/json");
	out->headers[2] = strdup(
	    "Content-Type: application/x-www-form-urlencoded");
	if (out->headers[1] == NULL || out->headers[2] == NULL) {
		*cause = "out of memory";
		goto fail;
	}
	notify_wipe_free(text);
	notify_wipe_free(user);
	notify_wipe_free(to);
	notify_wipe_free(msg);
	notify_wipe_free(from);
	return 0;

fail:
	notify_wipe_free(text);
	notify_wipe_free(user);
	notify_wipe_free(to);
	notify_wipe_free(msg);
	notify_wipe_free(from);
	notify_http_clear(out);
	return -1;
}

/*
 * Africa's Talking: a 2xx carries SMSMessageData.Recipients, and only the
 * first recipient's status string "Success" means sent (statusCode varies,
 * see shared/docs/aggregators.md §2.3). An empty list or another status is a
 * refusal (InvalidSenderId, InvalidPhoneNumber, ...); a body we cannot
 * read at all is retried.
 */
static enum notify_verdict
at_verdict(long status, int curl_code, const char *body)
{
	json_t			*root, *recipients, *st;
	enum notify_verdict	 v;

	(void)curl_code;
	root = notify_answer(status, body, &v);
	/* Borrowed references, all owned by root (NULL: none). */
	recipients = json_object_get(json_object_get(root, "SMSMessageData"),
	    "Recipients");
	if (json_is_array(recipients)) {
		v = NOTIFY_GIVE_UP;
		st = json_object_get(json_array_get(recipients, 0), "status");
		if (json_is_string(st) &&
		    strcmp(json_string_value(st), "Success") == 0)
			v = NOTIFY_SENT;
	}
	json_decref(root);
	return v;
}

/* The account from the settings. */
static void *
at_configure(struct schema_doc *doc, const struct notify_setting *set,
    const char *ptr)
{
	struct at_account	*s;

	(void)doc;
	(void)ptr;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->url = notify_setting_str(set, "at_sms_url");
	s->username = notify_setting_str(set, "at_username");
	s->api_key = notify_setting_str(set, "at_api_key_file");
	s->from = notify_setting_str(set, "at_from");
	return s;
}

/* Whether there is a user name and a key to send with. */
static int
at_ready(const void *state)
{
	const struct at_account	*s = state;

	return s != NULL && s->username != NULL && s->api_key != NULL;
}

/* Return 1 if s is a number Africa's Talking takes in the roster. */
static int
at_target_ok(const char *s)
{
	return phone_intl_ok(s, 1);
}

/* The account's keys of the notify block. */
static const struct schema_key at_keys[] = {
	{ "at_sms_url", SCHEMA_STR, 8, 255, AT_SMS_URL, 0, 0, NULL, NULL,
	  "Africa's Talking SMS endpoint" },
	{ "at_username", SCHEMA_STR, 1, 64, NULL, 0, 0, NULL, NULL,
	  "Africa's Talking user name" },
	{ "at_api_key_file", SCHEMA_STR, 1, 1024, NULL, 0, 0, NULL, NULL,
	  "file holding the Africa's Talking API key (mode 0600)" },
	{ "at_from", SCHEMA_STR, 1, 32, NULL, 0, 0, NULL, NULL,
	  "Africa's Talking sender id" },
	SCHEMA_END
};

/* Alerts as SMS through an Africa's Talking account. */
const struct notify_transport notify_sms_at = {
	.name = "sms_at",
	.alert_keys = notify_sms_to,
	.member = "to",
	.target_ok = at_target_ok,
	.target_rule = "\"+\" and 8 to 15 digits, e.g. \"+85512345678\"",
	.schema = at_keys,
	.needs = "Africa's Talking SMS: set notify.at_username and "
	    "notify.at_api_key_file",
	.configure = at_configure,
	.ready = at_ready,
	.build = at_build,
	.verdict = at_verdict,
};
