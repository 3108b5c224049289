/* SPDX-License-Identifier: ISC */
/*
 * notify_sms_at: alerts as SMS through Africa's Talking's legacy messaging
 * endpoint (shared/docs/aggregators.md §2.3): a form POST of username, to,
 * message and from, authenticated by an apiKey header. It owns the form
 * encoding; the answer is judged in notify.c and the request is sent by
 * fetch.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notify.h"

#define AT_SMS_URL	"https://api.africastalking.com/version1/messaging"

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

/* Check that s can be a header value or URL: no controls, no spaces. */
static int
at_token_ok(const char *s)
{
	const unsigned char	*p;

	if (*s == '\0')
		return 0;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p <= 0x20 || *p == 0x7f)
			return 0;
	}
	return 1;
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

/* Build the messaging POST; see notify.h. */
int
notify_sms_at_build(const struct notify_settings *s,
    const struct roster_alert *target, const struct notify_alert *a,
    struct notify_http *out, const char **cause)
{
	char		*text = NULL, *user = NULL, *to = NULL, *msg = NULL;
	char		*from = NULL;
	const char	*url;

	memset(out, 0, sizeof(*out));
	if (s == NULL || s->at_username == NULL || *s->at_username == '\0' ||
	    s->at_api_key == NULL || *s->at_api_key == '\0') {
		*cause = "africastalking sms is not configured";
		goto fail;
	}
	url = s->at_sms_url != NULL ? s->at_sms_url : AT_SMS_URL;
	if (!at_token_ok(url) || (strncmp(url, "https://", 8) != 0 &&
	    strncmp(url, "http://", 7) != 0)) {
		*cause = "africastalking sms URL is malformed";
		goto fail;
	}
	if (!at_token_ok(s->at_api_key)) {
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
	user = notify_urlencode(s->at_username, 1);
	to = notify_urlencode(target->target, 1);
	msg = notify_urlencode(text, 1);
	if (s->at_from != NULL && *s->at_from != '\0')
		from = notify_urlencode(s->at_from, 1);
	if (user == NULL || to == NULL || msg == NULL ||
	    (from == NULL && s->at_from != NULL && *s->at_from != '\0')) {
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
	    asprintf(&out->headers[0], "apiKey: %s", s->at_api_key) == -1) {
		out->headers[0] = NULL;
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
