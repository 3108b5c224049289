/* SPDX-License-Identifier: ISC */
/*
 * notify_webhook: alerts as signed JSON POSTs in the Standard Webhooks v1
 * scheme (shared/docs/aggregators.md §8.4): webhook-id, webhook-timestamp
 * and an HMAC-SHA256 webhook-signature over "id.timestamp.body". It owns
 * the body's shape, the signing and what a webhook alert of the roster
 * must name (a URL and a "whsec_" secret); it needs no settings. The
 * counsellor tool verifies, fetch.c sends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "notify.h"
#include "notify_common.h"
#include "notify_webhook.h"

#define WEBHOOK_PREFIX		"whsec_"
/* Key length in bytes that Standard Webhooks allows. */
#define WEBHOOK_KEY_MIN		24
#define WEBHOOK_KEY_MAX		64
#define WEBHOOK_B64		sodium_base64_VARIANT_ORIGINAL
#define WEBHOOK_URL_MAX		2048	/* in the roster */

/* Write t as ISO 8601 UTC ("2021-02-25T15:02:10Z") into buf[20+]. */
static int
webhook_iso8601(time_t t, char *buf, size_t len)
{
	struct tm	 tm;

	if (gmtime_r(&t, &tm) == NULL)
		return -1;
	if (strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return -1;
	return 0;
}

/* An optional member: NULL when unset or empty, so the key is left out. */
static const char *
webhook_opt(const char *s)
{
	return s != NULL && *s != '\0' ? s : NULL;
}

/* Sign id.timestamp.body with a "whsec_" secret; see notify_webhook.h. */
int
notify_webhook_sign(const char *secret, const char *msg_id, long timestamp,
    const char *body, size_t body_len, char *out, size_t outlen)
{
	crypto_auth_hmacsha256_state	 st;
	unsigned char			 key[WEBHOOK_KEY_MAX];
	unsigned char			 mac[crypto_auth_hmacsha256_BYTES];
	char				 b64[sodium_base64_ENCODED_LEN(
					    crypto_auth_hmacsha256_BYTES,
					    WEBHOOK_B64)];
	char				 ts[24];
	const char			*enc;
	size_t				 keylen = 0;
	int				 n, rc = -1;

	if (outlen > 0)
		out[0] = '\0';
	if (secret == NULL || msg_id == NULL || (body == NULL && body_len > 0))
		goto done;
	if (sodium_init() < 0)
		goto done;
	if (strncmp(secret, WEBHOOK_PREFIX, strlen(WEBHOOK_PREFIX)) != 0)
		goto done;
	enc = secret + strlen(WEBHOOK_PREFIX);
	/* No end pointer: trailing junk and keys over 64 bytes fail here. */
	if (sodium_base642bin(key, sizeof(key), enc, strlen(enc), NULL,
	    &keylen, NULL, WEBHOOK_B64) != 0)
		goto done;
	if (keylen < WEBHOOK_KEY_MIN)
		goto done;
	n = snprintf(ts, sizeof(ts), "%ld", timestamp);
	if (n < 0 || (size_t)n >= sizeof(ts))
		goto done;

	crypto_auth_hmacsha256_init(&st, key, keylen);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg_id,
	    strlen(msg_id));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts,
	    (unsigned long long)n);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	if (body_len > 0)
		crypto_auth_hmacsha256_update(&st, (const unsigned char *)body,
		    body_len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2base64(b64, sizeof(b64), mac, sizeof(mac), WEBHOOK_B64);

	n = snprintf(out, outlen, "v1,%s", b64);
	if (n < 0 || (size_t)n >= outlen) {
		if (outlen > 0)
			out[0] = '\0';
		goto done;
	}
	rc = 0;

done:
	sodium_memzero(key, sizeof(key));
	sodium_memzero(&st, sizeof(st));
	sodium_memzero(mac, sizeof(mac));
	return rc;
}

/*
 * The members that say what to be careful about, each only when it
 * applies: how many calls went unanswered, how often she asked again,
 * "now" as minutes, how her session ended, and the warnings.
 */
static int
webhook_extras(json_t *data, const struct notify_alert *a)
{
	json_t	*w;
	int	 rc = 0;

	if (a->window != NULL && strcmp(a->window, "now") == 0 &&
	    a->now_minutes > 0)
		rc |= json_object_set_new(data, "call_within_minutes",
		    json_integer(a->now_minutes));
	if (a->attempts > 0)
		rc |= json_object_set_new(data, "attempts",
		    json_integer(a->attempts));
	if (a->asked_again > 0)
		rc |= json_object_set_new(data, "asked_again",
		    json_integer(a->asked_again));
	if (a->session_end != NULL && *a->session_end != '\0')
		rc |= json_object_set_new(data, "session_end",
		    json_string(a->session_end));
	if (a->open_url != NULL)
		rc |= json_object_set_new(data, "open_url",
		    json_string(a->open_url));
	if (rc != 0 || notify_warnings(a->warn_unsafe, a->asked_again,
	    a->session_end, &w) == -1)
		return -1;
	return w != NULL ? json_object_set_new(data, "warnings", w) : 0;
}

/*
 * The body. Returns a new reference, or NULL when a string is not UTF-8 or
 * memory runs out. The phone goes in only when the target allows it.
 */
static json_t *
webhook_body(const struct roster_alert *target, const struct notify_alert *a,
    const char *when, const char *created)
{
	json_t	*root;

	root = json_pack("{s:s, s:s, s:{s:s, s:b, s:s?, s:s*, s:s*, s:s, s:s,"
	    " s:s*}}",
	    "type", a->kind,
	    "timestamp", when,
	    "data",
	    "ref", a->ref,
	    "urgent", a->urgent != 0,
	    "window", a->window,
	    "province", webhook_opt(a->province),
	    "topic", webhook_opt(a->topic),
	    "created_at", created,
	    "claim_url", a->claim_url,
	    "phone", target->with_phone ? webhook_opt(a->phone) : NULL);
	if (root != NULL && webhook_extras(json_object_get(root, "data"),
	    a) != 0) {
		json_decref(root);
		return NULL;
	}
	return root;
}

/* Build the signed POST to target->target. */
static int
webhook_build(const void *state, const struct roster_alert *target,
    const struct notify_alert *a, time_t now, struct notify_http *out,
    const char **cause)
{
	json_t	*root = NULL;
	char	 when[32], created[32], sig[64], ts[24];

	(void)state;
	memset(out, 0, sizeof(*out));
	if (target->target == NULL || !notify_http_url_ok(target->target)) {
		*cause = "webhook target is not an http or https URL";
		goto fail;
	}
	if (webhook_iso8601(now, when, sizeof(when)) == -1 ||
	    webhook_iso8601((time_t)a->created_at, created,
	    sizeof(created)) == -1) {
		*cause = "alert time is out of range";
		goto fail;
	}
	root = webhook_body(target, a, when, created);
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
	if (notify_webhook_sign(target->secret, a->msg_id, (long)now,
	    out->body, out->body_len, sig, sizeof(sig)) == -1) {
		*cause = "webhook secret is missing or malformed";
		goto fail;
	}
	snprintf(ts, sizeof(ts), "%ld", (long)now);
	out->url = strdup(target->target);
	if (out->url == NULL ||
	    notify_header(&out->headers[0], "Content-Type",
	    "application/json") == -1 ||
	    notify_header(&out->headers[1], "webhook-id", a->msg_id) == -1 ||
	    notify_header(&out->headers[2], "webhook-timestamp", ts) == -1 ||
	    notify_header(&out->headers[3], "webhook-signature", sig) == -1) {
		*cause = "out of memory";
		goto fail;
	}
	json_decref(root);
	return 0;

fail:
	json_decref(root);
	notify_http_clear(out);
	return -1;
}

/*
 * Return 1 if s can be a webhook alert's URL in the roster: http:// or
 * https://, a host, and no spaces, controls or non-ASCII bytes.
 */
static int
webhook_target_ok(const char *s)
{
	const unsigned char	*p;
	size_t			 skip;

	if (strncmp(s, "https://", 8) == 0)
		skip = 8;
	else if (strncmp(s, "http://", 7) == 0)
		skip = 7;
	else
		return 0;
	if (strlen(s) > WEBHOOK_URL_MAX || s[skip] == '\0' || s[skip] == '/' ||
	    s[skip] == ':' || s[skip] == '?' || s[skip] == '#')
		return 0;
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p <= 0x20 || *p >= 0x7f)
			return 0;
	return 1;
}

/* Return 1 if s is "whsec_" and standard base64 of a 24- to 64-byte key. */
static int
webhook_secret_ok(const char *s)
{
	unsigned char	 key[WEBHOOK_KEY_MAX];
	size_t		 n = 0;
	int		 ok;

	if (strncmp(s, WEBHOOK_PREFIX, strlen(WEBHOOK_PREFIX)) != 0)
		return 0;
	s += strlen(WEBHOOK_PREFIX);
	/* Without an end pointer, trailing junk or a longer key fails. */
	ok = sodium_base642bin(key, sizeof(key), s, strlen(s), NULL, &n, NULL,
	    WEBHOOK_B64) == 0 && n >= WEBHOOK_KEY_MIN;
	sodium_memzero(key, sizeof(key));
	return ok;
}

/*
 * Whether a webhook secret is one anybody can read: its key says EXAMPLE
 * (the shipped sample's), or it is the Standard Webhooks test vector.
 */
static int
webhook_sample(const char *s)
{
	unsigned char	 key[WEBHOOK_KEY_MAX + 1];
	size_t		 n = 0;
	int		 sample;

	if (strcmp(s, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") == 0)
		return 1;
	if (strncmp(s, WEBHOOK_PREFIX, strlen(WEBHOOK_PREFIX)) != 0)
		return 0;
	s += strlen(WEBHOOK_PREFIX);
	if (sodium_base642bin(key, sizeof(key) - 1, s, strlen(s), NULL, &n,
	    NULL, WEBHOOK_B64) != 0)
		return 0;
	key[n] = '\0';
	sample = memmem(key, n, "EXAMPLE", 7) != NULL;
	sodium_memzero(key, sizeof(key));
	return sample;
}

/* What a webhook's signing secret must be. */
static const struct schema_secret_rule webhook_secret_rule = {
	"secret", webhook_secret_ok,
	"\"whsec_\" and the standard base64 of a 24- to 64-byte key"
};

/* Its members of a roster alert. */
static const struct schema_key webhook_alert_keys[] = {
	{ "url", SCHEMA_STR, 0, 0, NULL, 0, 0, NULL, NULL,
	  "webhook: the http:// or https:// URL alerts are POSTed to" },
	{ "secret", SCHEMA_STR, 0, 0, NULL, 0, 0, NULL, NULL,
	  "webhook: the \"whsec_\" signing secret (or secret_file)" },
	{ "secret_file", SCHEMA_STR, 1, 1024, NULL, 0, 0, NULL, NULL,
	  "webhook: file holding the signing secret (mode 0600)" },
	SCHEMA_END
};

/* Alerts as signed JSON to a counsellor tool; no settings needed. */
const struct notify_transport notify_webhook = {
	.name = "webhook",
	.alert_keys = webhook_alert_keys,
	.member = "url",
	.target_ok = webhook_target_ok,
	.target_rule = "an http:// or https:// URL",
	.secret = &webhook_secret_rule,
	.sample = webhook_sample,
	.build = webhook_build,
	.verdict = notify_verdict_status,
};
