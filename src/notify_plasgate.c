/* SPDX-License-Identifier: ISC */
/*
 * notify_plasgate: alerts as SMS through PlasGate, the Cambodian
 * aggregator (shared/docs/aggregators.md §6): a JSON POST of sender, to and
 * content to the send endpoint, with the private key in the query string
 * and the secret in X-Secret. A text that carries the caller's number is
 * wrapped in "#ma#...#ma#" so that PlasGate's own reports mask it. It owns
 * the account's settings; any 2xx is delivered.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "notify.h"
#include "notify_common.h"
#include "phone.h"

#define PLASGATE_URL	"https://cloudapi.plasgate.com/rest/send"
#define PLASGATE_MASK	"#ma#"

/* The account (strings borrowed from the notify_conf). */
struct plasgate_account {
	const char	*url;		/* NULL: the default */
	const char	*private_key;
	const char	*secret;
	const char	*sender;
};

/* Whether a setting is present and not empty. */
static int
plasgate_set(const char *s)
{
	return s != NULL && *s != '\0';
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

/* Build the send request. */
static int
plasgate_build(const void *state, const struct roster_alert *target,
    const struct notify_alert *a, time_t now, struct notify_http *out,
    const char **cause)
{
	const struct plasgate_account	*s = state;
	json_t				*root = NULL;
	char				*content = NULL, *key = NULL;
	const char			*base, *to;

	(void)now;
	memset(out, 0, sizeof(*out));
	if (s == NULL || !plasgate_set(s->private_key) ||
	    !plasgate_set(s->secret) || !plasgate_set(s->sender)) {
		*cause = "plasgate is not configured";
		goto fail;
	}
	base = s->url != NULL ? s->url : PLASGATE_URL;
	if (!notify_http_url_ok(base)) {
		*cause = "plasgate URL is malformed";
		goto fail;
	}
	if (!notify_token_ok(s->secret)) {
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
	root = json_pack("{s:s, s:s, s:s}", "sender", s->sender,
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
	key = notify_urlencode(s->private_key, 0);
	if (key == NULL || asprintf(&out->url, "%s%cprivate_key=%s", base,
	    strchr(base, '?') != NULL ? '&' : '?', key) == -1) {
		out->url = NULL;
		*cause = "out of memory";
		goto fail;
	}
	if (notify_header(&out->headers[0], "X-Secret", s->secret) == -1) {
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

/* The account from the settings. */
static void *
plasgate_configure(struct schema_doc *doc, const struct notify_setting *set,
    const char *ptr)
{
	struct plasgate_account	*s;

	(void)doc;
	(void)ptr;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->url = notify_setting_str(set, "plasgate_url");
	s->private_key = notify_setting_str(set, "plasgate_private_key_file");
	s->secret = notify_setting_str(set, "plasgate_secret_file");
	s->sender = notify_setting_str(set, "plasgate_sender");
	return s;
}

/* Whether there are a key and a secret to send with. */
static int
plasgate_ready(const void *state)
{
	const struct plasgate_account	*s = state;

	return s != NULL && s->private_key != NULL && s->secret != NULL;
}

/* Return 1 if s is a number PlasGate takes in the roster (no '+'). */
static int
plasgate_target_ok(const char *s)
{
	return phone_intl_ok(s, 0);
}

/* The account's keys of the notify block. */
static const struct schema_key plasgate_keys[] = {
	{ "plasgate_url", SCHEMA_STR, 8, 255, PLASGATE_URL, 0, 0, NULL, NULL,
	  "PlasGate send endpoint" },
	{ "plasgate_private_key_file", SCHEMA_STR, 1, 1024, NULL, 0, 0, NULL,
	  NULL, "file holding the PlasGate private key (mode 0600)" },
	{ "plasgate_secret_file", SCHEMA_STR, 1, 1024, NULL, 0, 0, NULL, NULL,
	  "file holding the PlasGate X-Secret (mode 0600)" },
	{ "plasgate_sender", SCHEMA_STR, 1, 32, NULL, 0, 0, NULL, NULL,
	  "PlasGate sender id" },
	SCHEMA_END
};

/* Alerts as SMS through a PlasGate account, masked where they must be. */
const struct notify_transport notify_plasgate = {
	.name = "sms_plasgate",
	.alert_keys = notify_sms_to,
	.member = "to",
	.target_ok = plasgate_target_ok,
	.target_rule = "8 to 15 digits without \"+\", e.g. \"85512345678\"",
	.schema = plasgate_keys,
	.needs = "PlasGate SMS: set notify.plasgate_private_key_file and "
	    "notify.plasgate_secret_file",
	.configure = plasgate_configure,
	.ready = plasgate_ready,
	.build = plasgate_build,
	.verdict = notify_verdict_status,
};
