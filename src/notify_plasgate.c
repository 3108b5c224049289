/* SPDX-License-Identifier: ISC */
/*
 * notify_plasgate: alerts as SMS through PlasGate, the Cambodian
 * aggregator (shared/docs/aggregators.md §6): a JSON POST of sender, to and
 * content to the send endpoint, with the private key in the query string
 * and the secret in X-Secret. A text that carries the caller's number is
 * wrapped in "#ma#...#ma#" so that PlasGate's own reports mask it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "notify.h"

#define PLASGATE_URL	"https://cloudapi.plasgate.com/rest/send"
#define PLASGATE_MASK	"#ma#"

/* Whether a setting is present and not empty. */
static int
plasgate_set(const char *s)
{
	return s != NULL && *s != '\0';
}

/* Check that s can go into a URL or header: no controls, no spaces. */
static int
plasgate_token_ok(const char *s)
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
 * The number PlasGate wants: the target without its leading '+', which
 * must then be 6 to 15 digits. A pointer into s, or NULL.
 */
static const char *
plasgate_to(const char *s)
{
	const char	*p;

	if (*s == '+')
		s++;
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return NULL;
	}
	if (p - s < 6 || p - s > 15)
		return NULL;
	return s;
}

/*
 * The content: notify_text, and when the target may carry the caller's
 * number, that number too with the whole text masked. A new string, or
 * NULL.
 */
static char *
plasgate_content(const struct roster_alert *target,
    const struct notify_alert *a)
{
	char	*text, *full;

	text = notify_text(a);
	if (text == NULL || !target->with_phone || a->phone == NULL ||
	    *a->phone == '\0')
		return text;
	if (asprintf(&full, PLASGATE_MASK "%s\nCall: %s" PLASGATE_MASK, text,
	    a->phone) == -1)
		full = NULL;
	notify_wipe_free(text);
	return full;
}

/* Build the send request; see notify.h. */
int
notify_plasgate_build(const struct notify_settings *s,
    const struct roster_alert *target, const struct notify_alert *a,
    struct notify_http *out, const char **cause)
{
	json_t		*root = NULL;
	char		*content = NULL, *key = NULL;
	const char	*base, *to;

	memset(out, 0, sizeof(*out));
	if (s == NULL || !plasgate_set(s->plasgate_private_key) ||
	    !plasgate_set(s->plasgate_secret) ||
	    !plasgate_set(s->plasgate_sender)) {
		*cause = "plasgate is not configured";
		goto fail;
	}
	base = s->plasgate_url != NULL ? s->plasgate_url : PLASGATE_URL;
	if (!plasgate_token_ok(base) || (strncmp(base, "https://", 8) != 0 &&
	    strncmp(base, "http://", 7) != 0)) {
		*cause = "plasgate URL is malformed";
		goto fail;
	}
	if (!plasgate_token_ok(s->plasgate_secret)) {
		*cause = "plasgate secret is malformed";
		goto fail;
	}
	to = target->target != NULL ? plasgate_to(target->target) : NULL;
	if (to == NULL) {
		*cause = "sms target is not a phone number";
		goto fail;
	}
	content = plasgate_content(target, a);
	if (content == NULL) {
		*cause = "cannot make the alert text";
		goto fail;
	}
	root = json_pack("{s:s, s:s, s:s}", "sender", s->plasgate_sender,
	    "to", to, "content", content);
	if (root == NULL) {
		*cause = "cannot encode the alert as JSON";
		goto fail;
	}
	out->body = json_dumps(root, JSON_COMPACT);
	if (out->body == NULL) {
		*cause = "out of memory";
		goto fail;
	}
	out->body_len = strlen(out->body);
	key = notify_urlencode(s->plasgate_private_key, 0);
	if (key == NULL || asprintf(&out->url, "%s%cprivate_key=%s", base,
	    strchr(base, '?') != NULL ? '&' : '?', key) == -1) {
		out->url = NULL;
		*cause = "out of memory";
		goto fail;
	}
	if (asprintf(&out->headers[0], "X-Secret: %s", s->plasgate_secret) ==
	    -1) {
		out->headers[0] = NULL;
		*cause = "out of memory";
		goto fail;
	}
	out->headers[1] = strdup("Content-Type: application/json");
	if (out->headers[1] == NULL) {
		*cause = "out of memory";
		goto fail;
	}
	notify_wipe_free(content);
	notify_wipe_free(key);
	json_decref(root);
	return 0;

fail:
	notify_wipe_free(content);
	notify_wipe_free(key);
	json_decref(root);
	notify_http_clear(out);
	return -1;
}
