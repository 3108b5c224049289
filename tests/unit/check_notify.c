/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the notify transports: the published Standard Webhooks
 * signature, the exact request each transport builds, the verdict on every
 * kind of answer, the retry schedule and the alert texts. Run it with
 * CK_FORK=no under ASan to check that notify_http_clear frees everything.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>
#include <sodium.h>

#include "notify.h"
#include "notify_common.h"
#include "notify_webhook.h"

#define VEC_SECRET	"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define VEC_ID		"msg_p5jXN8AQM9LWM0D4loKWxJek"
#define VEC_TS		1614265330L
#define VEC_BODY	"{\"test\": 2432232314}"
#define VEC_SIG		"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

/* 2021-02-25T15:02:10Z and 2021-02-25T13:33:20Z. */
#define NOW		((time_t)1614265330)
#define CREATED		1614260000
#define CLAIM		"http://127.0.0.1:8081/api/requests/7/claim"
#define PHONE		"+85512345678"

#define TEXT_CREATED	"Hotline callback request R-7 URGENT\n" \
			"Safe time: evening\n" \
			"Claim: " CLAIM
#define FORM_CREATED	"Hotline+callback+request+R-7+URGENT%0A" \
			"Safe+time%3A+evening%0A" \
			"Claim%3A+http%3A%2F%2F127.0.0.1%3A8081%2Fapi%2F" \
			"requests%2F7%2Fclaim"

/* A complete callback.created alert with a phone number. */
static struct notify_alert
alert_created(void)
{
	struct notify_alert	 a;

	memset(&a, 0, sizeof(a));
	a.kind = "callback.created";
	a.msg_id = "a7-1";
	a.ref = "R-7";
	a.urgent = 1;
	a.window = "evening";
	a.province = "Siem Reap";
	a.topic = "legal";
	a.created_at = CREATED;
	a.claim_url = CLAIM;
	a.phone = PHONE;
	return a;
}

/* Provider settings as the tests vary them (NULL: not set). */
struct settings {
	const char	*telegram_api;
	const char	*telegram_token;
	const char	*at_sms_url;
	const char	*at_username;
	const char	*at_api_key;
	const char	*at_from;
	const char	*plasgate_url;
	const char	*plasgate_private_key;
	const char	*plasgate_secret;
	const char	*plasgate_sender;
};

/* The notify_conf of s (NULL: none), as the secrets' files would say. */
static struct notify_conf *
conf_of(const struct settings *s)
{
	struct notify_conf	*nc;

	if (s == NULL)
		return NULL;
	{
		const struct notify_setting	 set[] = {
			{ "telegram_api", s->telegram_api, 0 },
			{ "telegram_token_file", s->telegram_token, 0 },
			{ "at_sms_url", s->at_sms_url, 0 },
			{ "at_username", s->at_username, 0 },
			{ "at_api_key_file", s->at_api_key, 0 },
			{ "at_from", s->at_from, 0 },
			{ "plasgate_url", s->plasgate_url, 0 },
			{ "plasgate_private_key_file", s->plasgate_private_key,
			    0 },
			{ "plasgate_secret_file", s->plasgate_secret, 0 },
			{ "plasgate_sender", s->plasgate_sender, 0 },
			{ NULL, NULL, 0 }
		};

		nc = notify_conf_new(set);
	}
	ck_assert_ptr_nonnull(nc);
	return nc;
}

/* Settings with every provider configured. */
static struct settings
settings_all(void)
{
	struct settings	 s;

	memset(&s, 0, sizeof(s));
	s.telegram_token = "123456:ABC-def_ghi";
	s.at_username = "hotline";
	s.at_api_key = "atsk_0123abcd";
	s.at_from = "HOTLINE";
	s.plasgate_private_key = "pk+/= x";
	s.plasgate_secret = "ps3cr3t";
	s.plasgate_sender = "HOTLINE";
	return s;
}

/* A target of the transport called type. */
static struct roster_alert
target_of(const char *type, const char *to, const char *secret,
    int with_phone)
{
	struct roster_alert	 r;

	memset(&r, 0, sizeof(r));
	r.transport = notify_transport_find(type);
	ck_assert_ptr_nonnull(r.transport);
	r.target = (char *)to;
	r.secret = (char *)secret;
	r.with_phone = with_phone;
	return r;
}

/* Build a request that must succeed. */
static void
build_ok(const struct settings *s, const struct roster_alert *t,
    const struct notify_alert *a, struct notify_http *h)
{
	struct notify_conf	*nc = conf_of(s);
	const char		*cause = NULL;
	int			 rc;

	rc = notify_build(nc, t, a, NOW, h, &cause);
	notify_conf_free(nc);
	ck_assert_msg(rc == 0, "notify_build failed: %s",
	    cause != NULL ? cause : "(null)");
	ck_assert_ptr_nonnull(h->url);
	ck_assert_ptr_nonnull(h->body);
	ck_assert_uint_eq(h->body_len, strlen(h->body));
}

/* Check that a build fails with exactly want and leaves h empty. */
static void
build_fails(const struct settings *s, const struct roster_alert *t,
    const struct notify_alert *a, const char *want)
{
	struct notify_conf	*nc = conf_of(s);
	struct notify_http	 h;
	const char		*cause = NULL;
	size_t			 i;

	memset(&h, 0xa5, sizeof(h));
	ck_assert_int_eq(notify_build(nc, t, a, NOW, &h, &cause), -1);
	notify_conf_free(nc);
	ck_assert_ptr_nonnull(cause);
	ck_assert_str_eq(cause, want);
	ck_assert_ptr_null(h.url);
	ck_assert_ptr_null(h.body);
	ck_assert_uint_eq(h.body_len, 0);
	for (i = 0; i < 8; i++)
		ck_assert_ptr_null(h.headers[i]);
}

/* Check the header lines of h against the NULL-ended want. */
static void
headers_are(const struct notify_http *h, const char *const *want)
{
	size_t	 i;

	for (i = 0; want[i] != NULL; i++) {
		ck_assert_ptr_nonnull(h->headers[i]);
		ck_assert_str_eq(h->headers[i], want[i]);
	}
	ck_assert_ptr_null(h->headers[i]);
}

/* The value of header name in h, or NULL. */
static const char *
header_value(const struct notify_http *h, const char *name)
{
	size_t	 i, n = strlen(name);

	for (i = 0; i < 8 && h->headers[i] != NULL; i++) {
		if (strncmp(h->headers[i], name, n) == 0 &&
		    strncmp(h->headers[i] + n, ": ", 2) == 0)
			return h->headers[i] + n + 2;
	}
	return NULL;
}

/*
 * The Standard Webhooks signature computed here, independently of
 * notify_webhook_sign, into out[64].
 */
static void
recompute_signature(const char *secret, const char *id, const char *ts,
    const char *body, size_t body_len, char *out)
{
	crypto_auth_hmacsha256_state	 st;
	unsigned char	 key[64], mac[crypto_auth_hmacsha256_BYTES];
	char		 b64[48], *msg;
	size_t		 keylen, msglen;
	const char	*enc = secret + strlen("whsec_");

	ck_assert_int_ge(sodium_init(), 0);
	ck_assert_int_eq(sodium_base642bin(key, sizeof(key), enc, strlen(enc),
	    NULL, &keylen, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	msglen = strlen(id) + 1 + strlen(ts) + 1 + body_len;
	msg = malloc(msglen + 1);
	ck_assert_ptr_nonnull(msg);
	snprintf(msg, msglen + 1, "%s.%s.%.*s", id, ts, (int)body_len, body);
	crypto_auth_hmacsha256_init(&st, key, keylen);
	crypto_auth_hmacsha256_update(&st, (unsigned char *)msg, msglen);
	crypto_auth_hmacsha256_final(&st, mac);
	free(msg);
	sodium_bin2base64(b64, sizeof(b64), mac, sizeof(mac),
	    sodium_base64_VARIANT_ORIGINAL);
	snprintf(out, 64, "v1,%s", b64);
}

/* The published Standard Webhooks test vector, byte for byte. */
START_TEST(test_sign_vector)
{
	char	 sig[64];

	ck_assert_int_eq(notify_webhook_sign(VEC_SECRET, VEC_ID, VEC_TS,
	    VEC_BODY, strlen(VEC_BODY), sig, sizeof(sig)), 0);
	ck_assert_str_eq(sig, VEC_SIG);
	/* Exactly enough room: 47 characters and the NUL. */
	ck_assert_int_eq(notify_webhook_sign(VEC_SECRET, VEC_ID, VEC_TS,
	    VEC_BODY, strlen(VEC_BODY), sig, strlen(VEC_SIG) + 1), 0);
	ck_assert_str_eq(sig, VEC_SIG);
}
END_TEST

/* Malformed secrets and a short buffer are refused. */
START_TEST(test_sign_bad)
{
	static const char *const bad[] = {
		/* No prefix, a wrong prefix, no key. */
		"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
		"whsk_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
		"whsec_",
		/* Bad base64, trailing junk, a 9-byte key. */
		"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS!",
		"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw ",
		"whsec_c2hvcnQta2V5",
		NULL
	};
	char	 sig[64], big[128];
	size_t	 i;

	for (i = 0; bad[i] != NULL; i++) {
		memset(sig, 'x', sizeof(sig));
		ck_assert_msg(notify_webhook_sign(bad[i], VEC_ID, VEC_TS,
		    VEC_BODY, strlen(VEC_BODY), sig, sizeof(sig)) == -1,
		    "secret %zu accepted", i);
		ck_assert_str_eq(sig, "");
	}
	/* A 65-byte key is over the limit of 64. */
	memcpy(big, "whsec_", 6);
	ck_assert_ptr_nonnull(sodium_bin2base64(big + 6, sizeof(big) - 6,
	    (const unsigned char *)"0123456789012345678901234567890123456789"
	    "0123456789012345678901234", 65, sodium_base64_VARIANT_ORIGINAL));
	ck_assert_int_eq(notify_webhook_sign(big, VEC_ID, VEC_TS, VEC_BODY,
	    strlen(VEC_BODY), sig, sizeof(sig)), -1);
	ck_assert_int_eq(notify_webhook_sign(NULL, VEC_ID, VEC_TS, VEC_BODY,
	    strlen(VEC_BODY), sig, sizeof(sig)), -1);
	ck_assert_int_eq(notify_webhook_sign(VEC_SECRET, VEC_ID, VEC_TS,
	    VEC_BODY, strlen(VEC_BODY), sig, strlen(VEC_SIG)), -1);
	ck_assert_str_eq(sig, "");
}
END_TEST

/* The webhook request: URL, headers, body and a verifiable signature. */
START_TEST(test_webhook_build)
{
	struct notify_alert	 a = alert_created();
	struct roster_alert	 t;
	struct notify_http	 h;
	json_t			*root, *data;
	json_error_t		 err;
	char			 sig[64], line[96];
	const char		*want[] = {
		"Content-Type: application/json",
		"webhook-id: a7-1",
		"webhook-timestamp: 1614265330",
		NULL,
		NULL
	};

	t = target_of("webhook", "https://tools.example.org/hook",
	    VEC_SECRET, 0);
	build_ok(NULL, &t, &a, &h);
	ck_assert_str_eq(h.url, "https://tools.example.org/hook");
	recompute_signature(VEC_SECRET, "a7-1", "1614265330", h.body,
	    h.body_len, sig);
	snprintf(line, sizeof(line), "webhook-signature: %s", sig);
	want[3] = line;
	headers_are(&h, want);
	ck_assert_str_eq(h.body, "{\"type\":\"callback.created\","
	    "\"timestamp\":\"2021-02-25T15:02:10Z\",\"data\":{\"ref\":\"R-7\","
	    "\"urgent\":true,\"window\":\"evening\",\"province\":\"Siem Reap\","
	    "\"topic\":\"legal\",\"created_at\":\"2021-02-25T13:33:20Z\","
	    "\"claim_url\":\"" CLAIM "\"}}");

	root = json_loadb(h.body, h.body_len, 0, &err);
	ck_assert_ptr_nonnull(root);
	ck_assert_str_eq(json_string_value(json_object_get(root, "type")),
	    "callback.created");
	ck_assert_str_eq(json_string_value(json_object_get(root,
	    "timestamp")), "2021-02-25T15:02:10Z");
	data = json_object_get(root, "data");
	ck_assert(json_is_object(data));
	ck_assert_str_eq(json_string_value(json_object_get(data, "ref")),
	    "R-7");
	ck_assert(json_is_true(json_object_get(data, "urgent")));
	ck_assert_str_eq(json_string_value(json_object_get(data, "window")),
	    "evening");
	ck_assert_str_eq(json_string_value(json_object_get(data,
	    "province")), "Siem Reap");
	ck_assert_str_eq(json_string_value(json_object_get(data, "topic")),
	    "legal");
	ck_assert_str_eq(json_string_value(json_object_get(data,
	    "created_at")), "2021-02-25T13:33:20Z");
	ck_assert_str_eq(json_string_value(json_object_get(data,
	    "claim_url")), CLAIM);
	ck_assert_ptr_null(json_object_get(data, "phone"));
	ck_assert_uint_eq(json_object_size(data), 7);
	ck_assert_uint_eq(json_object_size(root), 3);
	json_decref(root);

	ck_assert_int_eq(strncmp(header_value(&h, "webhook-signature"),
	    "v1,", 3), 0);
	notify_http_clear(&h);
}
END_TEST

/* The phone goes in only when the target allows it and there is one. */
START_TEST(test_webhook_phone)
{
	struct notify_alert	 a = alert_created();
	struct roster_alert	 t;
	struct notify_http	 h;
	json_t			*root, *data;
	json_error_t		 err;

	t = target_of("webhook", "http://127.0.0.1:9/hook", VEC_SECRET, 1);
	build_ok(NULL, &t, &a, &h);
	root = json_loadb(h.body, h.body_len, 0, &err);
	ck_assert_ptr_nonnull(root);
	data = json_object_get(root, "data");
	ck_assert_str_eq(json_string_value(json_object_get(data, "phone")),
	    PHONE);
	json_decref(root);
	notify_http_clear(&h);

	/* Allowed, but no number and no province or topic: keys left out. */
	a.phone = NULL;
	a.province = NULL;
	a.topic = "";
	a.urgent = 0;
	a.kind = "callback.escalated";
	build_ok(NULL, &t, &a, &h);
	ck_assert_str_eq(h.body, "{\"type\":\"callback.escalated\","
	    "\"timestamp\":\"2021-02-25T15:02:10Z\",\"data\":{\"ref\":\"R-7\","
	    "\"urgent\":false,\"window\":\"evening\","
	    "\"created_at\":\"2021-02-25T13:33:20Z\","
	    "\"claim_url\":\"" CLAIM "\"}}");
	notify_http_clear(&h);
}
END_TEST

/* Unusable webhook targets and alerts are refused with a cause. */
START_TEST(test_webhook_bad)
{
	struct notify_alert	 a = alert_created();
	struct roster_alert	 t;

	t = target_of("webhook", "https://tools.example.org/hook",
	    "whsec_not!base64", 0);
	build_fails(NULL, &t, &a, "webhook secret is missing or malformed");
	t.secret = NULL;
	build_fails(NULL, &t, &a, "webhook secret is missing or malformed");
	t.secret = VEC_SECRET;
	t.target = "ftp://tools.example.org/hook";
	build_fails(NULL, &t, &a, "webhook target is not an http or https URL");
	t.target = "https://tools.example.org/hook\r\nX-Evil: 1";
	build_fails(NULL, &t, &a, "webhook target is not an http or https URL");
	t.target = "";
	build_fails(NULL, &t, &a, "alert target is empty");
	t.target = "https://tools.example.org/hook";
	a.msg_id = "a7.1";
	build_fails(NULL, &t, &a, "alert message id is missing or malformed");
	a.msg_id = "a7\r\n1";
	build_fails(NULL, &t, &a, "alert message id is missing or malformed");
	a.msg_id = "a7-1";
	a.kind = "callback.deleted";
	build_fails(NULL, &t, &a, "unknown alert kind");
	a.kind = "callback.created";
	a.claim_url = NULL;
	build_fails(NULL, &t, &a, "alert has no reference or claim URL");
	a.claim_url = CLAIM;
	a.ref = "";
	build_fails(NULL, &t, &a, "alert has no reference or claim URL");
	a.ref = "R-7";
	a.window = "\xff";
	build_fails(NULL, &t, &a, "cannot encode the alert as JSON");
	a.window = "evening";
	t.transport = NULL;
	build_fails(NULL, &t, &a, "unknown alert transport");
}
END_TEST

/* What every Telegram alert of R-7 ends with: its buttons. */
#define TG_BUTTONS	"\",\"reply_markup\":{\"inline_keyboard\":[[" \
	"{\"text\":\"Claim\",\"callback_data\":\"claim:R-7\"}," \
	"{\"text\":\"Open\",\"callback_data\":\"open:R-7\"}]]}," \
	"\"protect_content\":true," \
	"\"link_preview_options\":{\"is_disabled\":true}}"

/* Telegram: the token in the URL, numeric and @channel chat ids. */
START_TEST(test_telegram_build)
{
	struct settings	 s = settings_all();
	struct notify_alert	 a = alert_created();
	struct roster_alert	 t;
	struct notify_http	 h;
	static const char *const want[] = {
		"Content-Type: application/json", NULL
	};

	t = target_of("telegram", "-1001234567890", NULL, 0);
	build_ok(&s, &t, &a, &h);
	ck_assert_str_eq(h.url,
	    "https://api.telegram.org/bot123456:ABC-def_ghi/sendMessage");
	headers_are(&h, want);
	ck_assert_str_eq(h.body, "{\"chat_id\":-1001234567890,"
	    "\"text\":\"Hotline callback request R-7 URGENT\\n"
	    "Safe time: evening\\nClaim: " CLAIM TG_BUTTONS);
	notify_http_clear(&h);

	/* Over 32 bits, positive. */
	t.target = "9007199254740993";
	build_ok(&s, &t, &a, &h);
	ck_assert_int_eq(strncmp(h.body, "{\"chat_id\":9007199254740993,", 28),
	    0);
	notify_http_clear(&h);

	/*
	 * A channel name, a local API with a trailing slash; the phone
	 * never, even where with_phone says so; the console's page.
	 */
	s.telegram_api = "http://127.0.0.1:9/";
	t.target = "@hotline_alerts";
	t.with_phone = 1;
	a.open_url = "http://127.0.0.1:8081/console/#r/R-7";
	build_ok(&s, &t, &a, &h);
	ck_assert_str_eq(h.url,
	    "http://127.0.0.1:9/bot123456:ABC-def_ghi/sendMessage");
	ck_assert_str_eq(h.body, "{\"chat_id\":\"@hotline_alerts\","
	    "\"text\":\"Hotline callback request R-7 URGENT\\n"
	    "Safe time: evening\\nOpen: "
	    "http://127.0.0.1:8081/console/#r/R-7" TG_BUTTONS);
	ck_assert_ptr_null(strstr(h.body, PHONE));
	notify_http_clear(&h);

	/* alert.failed is about deliveries: Open only. */
	a.kind = "alert.failed";
	build_ok(&s, &t, &a, &h);
	ck_assert_ptr_null(strstr(h.body, "claim:"));
	ck_assert_ptr_nonnull(strstr(h.body, "\"callback_data\":\"open:R-7\""));
	notify_http_clear(&h);
}
END_TEST

/* Telegram refuses a missing token and unusable chat ids. */
START_TEST(test_telegram_bad)
{
	struct settings	 s = settings_all();
	struct notify_alert	 a = alert_created();
	struct roster_alert	 t;

	t = target_of("telegram", "hotline", NULL, 0);
	build_fails(&s, &t, &a,
	    "telegram chat id is neither a number nor @channel");
	t.target = "@";
	build_fails(&s, &t, &a,
	    "telegram chat id is neither a number nor @channel");
	t.target = "99999999999999999999";
	build_fails(&s, &t, &a,
	    "telegram chat id is neither a number nor @channel");
	t.target = "12 34";
	build_fails(&s, &t, &a,
	    "telegram chat id is neither a number nor @channel");
	t.target = "-100";
	s.telegram_token = "123456:ABC/../x";
	build_fails(&s, &t, &a, "telegram token is malformed");
	s.telegram_token = NULL;
	build_fails(&s, &t, &a, "telegram is not configured");
	build_fails(NULL, &t, &a, "telegram is not configured");
	s = settings_all();
	s.telegram_api = "http://bad host";
	build_fails(&s, &t, &a, "telegram API URL is malformed");
}
END_TEST

/* Africa's Talking: URL, headers and the exact form body. */
START_TEST(test_sms_at_build)
{
	struct settings	 s = settings_all();
	struct notify_alert	 a = alert_created();
	struct roster_alert	 t;
	struct notify_http	 h;
	static const char *const want[] = {
		"apiKey: atsk_0123abcd",
		"Accept: application/json",
		"Content-Type: application/x-www-form-urlencoded",
		NULL
	};

	t = target_of("sms_at", PHONE, NULL, 0);
	build_ok(&s, &t, &a, &h);
	ck_assert_str_eq(h.url,
	    "https://api.africastalking.com/version1/messaging");
	headers_are(&h, want);
	ck_assert_str_eq(h.body, "username=hotline&to=%2B85512345678"
	    "&message=" FORM_CREATED "&from=HOTLINE");
	notify_http_clear(&h);

	/* No sender id, a sandbox URL, the phone allowed, escalated. */
	s.at_from = NULL;
	s.at_sms_url = "https://api.sandbox.africastalking.com/version1/"
	    "messaging";
	s.at_username = "sand box";
	t.with_phone = 1;
	a.kind = "callback.escalated";
	build_ok(&s, &t, &a, &h);
	ck_assert_str_eq(h.url,
	    "https://api.sandbox.africastalking.com/version1/messaging");
	ck_assert_str_eq(h.body, "username=sand+box&to=%2B85512345678"
	    "&message=ESCALATED%3A+" FORM_CREATED
	    "%0ACall%3A+%2B85512345678");
	notify_http_clear(&h);

	/* UTF-8 and reserved bytes are percent-encoded byte by byte. */
	a.kind = "alert.failed";
	a.ref = "R&7=\xe1\x9e\x80~";
	t.with_phone = 0;
	build_ok(&s, &t, &a, &h);
	ck_assert_str_eq(h.body, "username=sand+box&to=%2B85512345678"
	    "&message=Hotline%3A+alerts+for+request+R%267%3D%E1%9E%80~+could"
	    "+not+be+delivered.+Please+check+the+queue%3A+http%3A%2F%2F"
	    "127.0.0.1%3A8081%2Fapi%2Frequests%2F7%2Fclaim");
	notify_http_clear(&h);
}
END_TEST

/* Africa's Talking refuses missing settings and bad numbers. */
START_TEST(test_sms_at_bad)
{
	struct settings	 s = settings_all();
	struct notify_alert	 a = alert_created();
	struct roster_alert	 t;

	t = target_of("sms_at", "+855 12 345 678", NULL, 0);
	build_fails(&s, &t, &a, "sms target is not a phone number");
	t.target = "+85512345678,+85598765432";
	build_fails(&s, &t, &a, "sms target is not a phone number");
	t.target = "+";
	build_fails(&s, &t, &a, "sms target is not a phone number");
	t.target = PHONE;
	s.at_api_key = "key\r\nX: 1";
	build_fails(&s, &t, &a, "africastalking api key is malformed");
	s.at_api_key = NULL;
	build_fails(&s, &t, &a, "africastalking sms is not configured");
	s = settings_all();
	s.at_username = "";
	build_fails(&s, &t, &a, "africastalking sms is not configured");
	s = settings_all();
	s.at_sms_url = "file:///etc/passwd";
	build_fails(&s, &t, &a, "africastalking sms URL is malformed");
}
END_TEST

/* PlasGate: encoded key, headers, '+' stripped, mask only with a phone. */
START_TEST(test_plasgate_build)
{
	struct settings	 s = settings_all();
	struct notify_alert	 a = alert_created();
	struct roster_alert	 t;
	struct notify_http	 h;
	static const char *const want[] = {
		"X-Secret: ps3cr3t",
		"Content-Type: application/json",
		NULL
	};

	t = target_of("sms_plasgate", PHONE, NULL, 0);
	build_ok(&s, &t, &a, &h);
	ck_assert_str_eq(h.url, "https://cloudapi.plasgate.com/rest/send"
	    "?private_key=pk%2B%2F%3D%20x");
	headers_are(&h, want);
	ck_assert_str_eq(h.body, "{\"sender\":\"HOTLINE\","
	    "\"to\":\"85512345678\",\"content\":\"Hotline callback request "
	    "R-7 URGENT\\nSafe time: evening\\nClaim: " CLAIM "\"}");
	notify_http_clear(&h);

	/* With the phone: masked. A URL with a query already; no '+'. */
	s.plasgate_url = "http://127.0.0.1:9/rest/send?v=2";
	t.target = "85512345678";
	t.with_phone = 1;
	build_ok(&s, &t, &a, &h);
	ck_assert_str_eq(h.url, "http://127.0.0.1:9/rest/send?v=2"
	    "&private_key=pk%2B%2F%3D%20x");
	ck_assert_str_eq(h.body, "{\"sender\":\"HOTLINE\","
	    "\"to\":\"85512345678\",\"content\":\"#ma#Hotline callback "
	    "request R-7 URGENT\\nSafe time: evening\\nClaim: " CLAIM
	    "\\nCall: " PHONE "#ma#\"}");
	notify_http_clear(&h);

	/* Allowed but no number: nothing to mask. */
	a.phone = NULL;
	build_ok(&s, &t, &a, &h);
	ck_assert_ptr_null(strstr(h.body, "#ma#"));
	ck_assert_ptr_null(strstr(h.body, "Call:"));
	notify_http_clear(&h);
}
END_TEST

/* PlasGate refuses missing settings and bad numbers. */
START_TEST(test_plasgate_bad)
{
	struct settings	 s = settings_all();
	struct notify_alert	 a = alert_created();
	struct roster_alert	 t;

	t = target_of("sms_plasgate", "++85512345678", NULL, 0);
	build_fails(&s, &t, &a, "sms target is not a phone number");
	t.target = "855-123";
	build_fails(&s, &t, &a, "sms target is not a phone number");
	t.target = PHONE;
	s.plasgate_secret = "a b";
	build_fails(&s, &t, &a, "plasgate secret is malformed");
	s.plasgate_secret = NULL;
	build_fails(&s, &t, &a, "plasgate is not configured");
	s = settings_all();
	s.plasgate_sender = "";
	build_fails(&s, &t, &a, "plasgate is not configured");
	s = settings_all();
	s.plasgate_private_key = NULL;
	build_fails(&s, &t, &a, "plasgate is not configured");
	build_fails(NULL, &t, &a, "plasgate is not configured");
	s = settings_all();
	s.plasgate_url = "cloudapi.plasgate.com/rest/send";
	build_fails(&s, &t, &a, "plasgate URL is malformed");
}
END_TEST

struct verdict_case {
	const char		*t;	/* the transport's name */
	long			 status;
	int			 curl;
	const char		*body;
	enum notify_verdict	 want;
};

#define AT_OK	"{\"SMSMessageData\":{\"Message\":\"Sent to 1/1 " \
		"Total Cost: KES 0.8000\",\"Recipients\":[{" \
		"\"statusCode\":101,\"number\":\"+85512345678\"," \
		"\"status\":\"Success\",\"cost\":\"KES 0.8000\"," \
		"\"messageId\":\"ATPid_1\"}]}}"
#define AT_Q	"{\"SMSMessageData\":{\"Recipients\":[{" \
		"\"statusCode\":102,\"status\":\"Success\"}]}}"
#define AT_BAD	"{\"SMSMessageData\":{\"Recipients\":[{" \
		"\"statusCode\":403,\"status\":\"InvalidPhoneNumber\"}]}}"
#define AT_NONE	"{\"SMSMessageData\":{\"Message\":\"InvalidSenderId\"," \
		"\"Recipients\":[]}}"

/* Every branch of every transport's verdict. */
START_TEST(test_verdict)
{
	static const struct verdict_case cases[] = {
		/* Webhook: the general rule. */
		{ "webhook", 200, 0, "", NOTIFY_SENT },
		{ "webhook", 204, 0, NULL, NOTIFY_SENT },
		{ "webhook", 299, 0, NULL, NOTIFY_SENT },
		{ "webhook", 0, 7, NULL, NOTIFY_RETRY },
		{ "webhook", 0, 28, NULL, NOTIFY_RETRY },
		{ "webhook", 408, 0, NULL, NOTIFY_RETRY },
		{ "webhook", 429, 0, NULL, NOTIFY_RETRY },
		{ "webhook", 500, 0, NULL, NOTIFY_RETRY },
		{ "webhook", 502, 0, NULL, NOTIFY_RETRY },
		{ "webhook", 599, 0, NULL, NOTIFY_RETRY },
		{ "webhook", 410, 0, NULL, NOTIFY_GIVE_UP },
		{ "webhook", 400, 0, NULL, NOTIFY_GIVE_UP },
		{ "webhook", 401, 0, NULL, NOTIFY_GIVE_UP },
		{ "webhook", 404, 0, NULL, NOTIFY_GIVE_UP },
		{ "webhook", 301, 0, NULL, NOTIFY_GIVE_UP },
		/* Telegram: 2xx needs "ok": true. */
		{ "telegram", 200, 0,
		    "{\"ok\":true,\"result\":{\"message_id\":1}}",
		    NOTIFY_SENT },
		{ "telegram", 200, 0, "{\"ok\":false}", NOTIFY_RETRY },
		{ "telegram", 200, 0, "{\"ok\":\"true\"}", NOTIFY_RETRY },
		{ "telegram", 200, 0, "{\"ok\":tr", NOTIFY_RETRY },
		{ "telegram", 200, 0, NULL, NOTIFY_RETRY },
		{ "telegram", 429, 0,
		    "{\"ok\":false,\"error_code\":429,\"parameters\":"
		    "{\"retry_after\":3}}", NOTIFY_RETRY },
		{ "telegram", 400, 0, "{\"ok\":false}", NOTIFY_GIVE_UP },
		{ "telegram", 403, 0, "{\"ok\":false}", NOTIFY_GIVE_UP },
		{ "telegram", 401, 0, "{\"ok\":false}", NOTIFY_GIVE_UP },
		{ "telegram", 404, 0, NULL, NOTIFY_GIVE_UP },
		{ "telegram", 408, 0, NULL, NOTIFY_RETRY },
		{ "telegram", 500, 0, NULL, NOTIFY_RETRY },
		{ "telegram", 502, 0, NULL, NOTIFY_RETRY },
		{ "telegram", 0, 6, NULL, NOTIFY_RETRY },
		/* Africa's Talking: the recipient's status string. */
		{ "sms_at", 201, 0, AT_OK, NOTIFY_SENT },
		{ "sms_at", 200, 0, AT_OK, NOTIFY_SENT },
		{ "sms_at", 201, 0, AT_Q, NOTIFY_SENT },
		{ "sms_at", 201, 0, AT_BAD, NOTIFY_GIVE_UP },
		{ "sms_at", 201, 0, AT_NONE, NOTIFY_GIVE_UP },
		{ "sms_at", 201, 0, "{\"SMSMessageData\":{}}",
		    NOTIFY_RETRY },
		{ "sms_at", 201, 0, "<html>", NOTIFY_RETRY },
		{ "sms_at", 201, 0, NULL, NOTIFY_RETRY },
		{ "sms_at", 0, 28, NULL, NOTIFY_RETRY },
		{ "sms_at", 500, 0, AT_OK, NOTIFY_RETRY },
		{ "sms_at", 503, 0, NULL, NOTIFY_RETRY },
		{ "sms_at", 408, 0, NULL, NOTIFY_RETRY },
		{ "sms_at", 429, 0, NULL, NOTIFY_RETRY },
		{ "sms_at", 401, 0, "The supplied authentication is "
		    "invalid", NOTIFY_GIVE_UP },
		{ "sms_at", 403, 0, NULL, NOTIFY_GIVE_UP },
		{ "sms_at", 400, 0, NULL, NOTIFY_GIVE_UP },
		/* PlasGate: status only. */
		{ "sms_plasgate", 200, 0, "{}", NOTIFY_SENT },
		{ "sms_plasgate", 201, 0, NULL, NOTIFY_SENT },
		{ "sms_plasgate", 0, 7, NULL, NOTIFY_RETRY },
		{ "sms_plasgate", 408, 0, NULL, NOTIFY_RETRY },
		{ "sms_plasgate", 429, 0, NULL, NOTIFY_RETRY },
		{ "sms_plasgate", 500, 0, NULL, NOTIFY_RETRY },
		{ "sms_plasgate", 504, 0, NULL, NOTIFY_RETRY },
		{ "sms_plasgate", 400, 0, NULL, NOTIFY_GIVE_UP },
		{ "sms_plasgate", 401, 0, NULL, NOTIFY_GIVE_UP },
		{ "sms_plasgate", 403, 0, NULL, NOTIFY_GIVE_UP },
		{ "sms_plasgate", 410, 0, NULL, NOTIFY_GIVE_UP },
	};
	size_t	 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_msg(notify_verdict(notify_transport_find(cases[i].t),
		    cases[i].status, cases[i].curl, cases[i].body) ==
		    cases[i].want, "case %zu: transport %s status %ld", i,
		    cases[i].t, cases[i].status);
	}
}
END_TEST

/* The retry schedule: bounds, the cap and determinism. */
START_TEST(test_backoff)
{
	uint32_t	 r;
	long		 v;

	for (r = 0; r < 1000; r++) {
		v = notify_backoff(1, 5, r);
		ck_assert(v >= 2 && v <= 5);
		v = notify_backoff(3, 5, r * 7919u);
		ck_assert(v >= 10 && v <= 20);
		v = notify_backoff(20, 5, r * 104729u);
		ck_assert(v >= 1800 && v <= 3600);
	}
	ck_assert_int_eq(notify_backoff(1, 5, 0), 2);
	ck_assert_int_eq(notify_backoff(1, 5, 2), 4);
	ck_assert_int_eq(notify_backoff(2, 5, 0), 5);
	ck_assert_int_eq(notify_backoff(3, 5, 0), 10);
	ck_assert_int_eq(notify_backoff(3, 5, 10), 20);
	ck_assert_int_eq(notify_backoff(3, 5, 11), 10);
	ck_assert_int_eq(notify_backoff(10, 5, 0), 1280);
	ck_assert_int_eq(notify_backoff(10, 5, 1280), 2560);
	ck_assert_int_eq(notify_backoff(11, 5, 0), 1800);
	ck_assert_int_eq(notify_backoff(20, 5, 1800), 3600);
	ck_assert_int_eq(notify_backoff(2147483647, 5, UINT32_MAX),
	    1800 + (long)(UINT32_MAX % 1801));
	ck_assert_int_eq(notify_backoff(0, 5, 1), notify_backoff(1, 5, 1));
	ck_assert_int_eq(notify_backoff(-5, 5, 2), notify_backoff(1, 5, 2));
	ck_assert_int_eq(notify_backoff(7, 5, 123456789u),
	    notify_backoff(7, 5, 123456789u));
	/* A smaller first step (tests) scales the whole schedule. */
	ck_assert_int_eq(notify_backoff(1, 1, 0), 0);
	ck_assert_int_eq(notify_backoff(1, 2, 0), 1);
	ck_assert_int_eq(notify_backoff(3, 2, 0), 4);
	ck_assert_int_eq(notify_backoff(3, 0, 0), notify_backoff(3, 5, 0));
}
END_TEST

/* The alert texts, exactly, and none for an unknown kind. */
START_TEST(test_text)
{
	struct notify_alert	 a = alert_created();
	char			*s;

	s = notify_text(&a);
	ck_assert_str_eq(s, TEXT_CREATED);
	free(s);

	a.urgent = 0;
	a.window = "morning";
	s = notify_text(&a);
	ck_assert_str_eq(s, "Hotline callback request R-7\n"
	    "Safe time: morning\nClaim: " CLAIM);
	free(s);

	a.kind = "callback.escalated";
	a.urgent = 1;
	a.window = "evening";
	s = notify_text(&a);
	ck_assert_str_eq(s, "ESCALATED: " TEXT_CREATED);
	free(s);

	a.kind = "alert.failed";
	s = notify_text(&a);
	ck_assert_str_eq(s, "Hotline: alerts for request R-7 could not be "
	    "delivered. Please check the queue: " CLAIM);
	free(s);

	/* Never the phone, the province or the topic. */
	a.kind = "callback.created";
	a.window = NULL;
	s = notify_text(&a);
	ck_assert_str_eq(s, "Hotline callback request R-7 URGENT\n"
	    "Safe time: not given\nClaim: " CLAIM);
	ck_assert_ptr_null(strstr(s, "855"));
	ck_assert_ptr_null(strstr(s, "Siem"));
	free(s);

	a.kind = "callback.unknown";
	ck_assert_ptr_null(notify_text(&a));
	a.kind = NULL;
	ck_assert_ptr_null(notify_text(&a));
}
END_TEST

/* Each new kind's lead, on the same text as a new request. */
START_TEST(test_text_kinds)
{
	static const struct {
		const char	*kind;
		const char	*lead;
	} kinds[] = {
		{ "callback.created", "" },
		{ "callback.escalated", "ESCALATED: " },
		{ "callback.asked_again", "ASKED AGAIN: " },
		{ "callback.retry", "CALL AGAIN: " },
		{ "callback.assigned", "ASSIGNED TO YOU: " },
		{ "callback.unreached", "NOT REACHED: " },
	};
	struct notify_alert	 a = alert_created();
	char			 want[512];
	char			*s;
	size_t			 i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		a.kind = kinds[i].kind;
		s = notify_text(&a);
		ck_assert_ptr_nonnull(s);
		snprintf(want, sizeof(want), "%s%s", kinds[i].lead,
		    TEXT_CREATED);
		ck_assert_str_eq(s, want);
		free(s);
	}
	/* Near misses of a kind's name are unknown. */
	a.kind = "callback.retry ";
	ck_assert_ptr_null(notify_text(&a));
	a.kind = "CALLBACK.RETRY";
	ck_assert_ptr_null(notify_text(&a));
	a.kind = "callback.asked";
	ck_assert_ptr_null(notify_text(&a));
	a.kind = "";
	ck_assert_ptr_null(notify_text(&a));
}
END_TEST

/* "Now" in minutes, and every line of care, in their order. */
START_TEST(test_text_careful)
{
	struct notify_alert	 a = alert_created();
	char			*s;

	a.kind = "callback.asked_again";
	a.window = "now";
	a.now_minutes = 30;
	s = notify_text(&a);
	ck_assert_str_eq(s, "ASKED AGAIN: Hotline callback request R-7 URGENT\n"
	    "Safe time: now (within 30 min)\nClaim: " CLAIM);
	free(s);

	a.warn_unsafe = 1;
	a.session_end = "quick_exit";
	a.asked_again = 1;
	a.attempts = 2;
	s = notify_text(&a);
	ck_assert_str_eq(s, "ASKED AGAIN: Hotline callback request R-7 URGENT\n"
	    "Safe time: now (within 30 min)\n"
	    "Careful: marked unsafe before\n"
	    "Careful: she left by quick exit\n"
	    "She asked again\n"
	    "Unanswered calls: 2\n"
	    "Claim: " CLAIM);
	ck_assert_ptr_null(strstr(s, "855"));
	free(s);

	/* Each alone; another way of ending is no warning. */
	a.kind = "callback.retry";
	a.window = "afternoon";
	a.warn_unsafe = 0;
	a.session_end = "hung_up";
	a.asked_again = 0;
	a.attempts = 1;
	s = notify_text(&a);
	ck_assert_str_eq(s, "CALL AGAIN: Hotline callback request R-7 URGENT\n"
	    "Safe time: afternoon\nUnanswered calls: 1\nClaim: " CLAIM);
	free(s);

	a.kind = "callback.unreached";
	a.urgent = 0;
	a.warn_unsafe = 1;
	a.session_end = NULL;
	a.attempts = 0;
	s = notify_text(&a);
	ck_assert_str_eq(s, "NOT REACHED: Hotline callback request R-7\n"
	    "Safe time: afternoon\nCareful: marked unsafe before\n"
	    "Claim: " CLAIM);
	free(s);

	a.kind = "callback.assigned";
	a.warn_unsafe = 0;
	a.asked_again = 3;
	s = notify_text(&a);
	ck_assert_str_eq(s, "ASSIGNED TO YOU: Hotline callback request R-7\n"
	    "Safe time: afternoon\nShe asked again\nClaim: " CLAIM);
	free(s);

	/* "Now" without minutes is just "now". */
	a.asked_again = 0;
	a.window = "now";
	a.now_minutes = 0;
	s = notify_text(&a);
	ck_assert_str_eq(s, "ASSIGNED TO YOU: Hotline callback request R-7\n"
	    "Safe time: now\nClaim: " CLAIM);
	free(s);
}
END_TEST

/* The transports carry the new text; an SMS adds the number only if
 * allowed. */
START_TEST(test_text_transports)
{
	struct settings	 s = settings_all();
	struct notify_alert	 a = alert_created();
	struct roster_alert	 t;
	struct notify_http	 h;

	a.kind = "callback.retry";
	a.window = "now";
	a.now_minutes = 30;
	a.attempts = 1;
	t = target_of("telegram", "-100", NULL, 0);
	build_ok(&s, &t, &a, &h);
	ck_assert_str_eq(h.body, "{\"chat_id\":-100,\"text\":\"CALL AGAIN: "
	    "Hotline callback request R-7 URGENT\\n"
	    "Safe time: now (within 30 min)\\nUnanswered calls: 1\\n"
	    "Claim: " CLAIM TG_BUTTONS);
	notify_http_clear(&h);

	a.kind = "callback.unreached";
	t = target_of("sms_at", PHONE, NULL, 0);
	build_ok(&s, &t, &a, &h);
	ck_assert_str_eq(h.body, "username=hotline&to=%2B85512345678"
	    "&message=NOT+REACHED%3A+Hotline+callback+request+R-7+URGENT%0A"
	    "Safe+time%3A+now+%28within+30+min%29%0A"
	    "Unanswered+calls%3A+1%0A"
	    "Claim%3A+http%3A%2F%2F127.0.0.1%3A8081%2Fapi%2Frequests%2F7%2F"
	    "claim&from=HOTLINE");
	notify_http_clear(&h);
}
END_TEST

/* Parse a built webhook body; returns a new reference to the root. */
static json_t *
webhook_root(const struct notify_http *h)
{
	json_t		*root;
	json_error_t	 err;

	root = json_loadb(h->body, h->body_len, 0, &err);
	ck_assert_msg(root != NULL, "%s: %s", err.text, h->body);
	ck_assert(json_is_object(json_object_get(root, "data")));
	return root;
}

/* The webhook's care members, exactly, and only when they apply. */
START_TEST(test_webhook_extras)
{
	struct notify_alert	 a = alert_created();
	struct roster_alert	 t;
	struct notify_http	 h;
	json_t			*root, *data, *w;

	a.kind = "callback.retry";
	a.window = "now";
	a.now_minutes = 30;
	a.attempts = 2;
	a.asked_again = 1;
	a.warn_unsafe = 1;
	a.session_end = "quick_exit";
	t = target_of("webhook", "https://tools.example.org/hook",
	    VEC_SECRET, 0);
	build_ok(NULL, &t, &a, &h);
	ck_assert_str_eq(h.body, "{\"type\":\"callback.retry\","
	    "\"timestamp\":\"2021-02-25T15:02:10Z\",\"data\":{\"ref\":\"R-7\","
	    "\"urgent\":true,\"window\":\"now\",\"province\":\"Siem Reap\","
	    "\"topic\":\"legal\",\"created_at\":\"2021-02-25T13:33:20Z\","
	    "\"claim_url\":\"" CLAIM "\",\"call_within_minutes\":30,"
	    "\"attempts\":2,\"asked_again\":1,\"session_end\":\"quick_exit\","
	    "\"warnings\":[\"marked_unsafe_before\",\"asked_again\","
	    "\"left_by_quick_exit\"]}}");
	notify_http_clear(&h);

	/* Allowed: the phone joins them. */
	t.with_phone = 1;
	build_ok(NULL, &t, &a, &h);
	root = webhook_root(&h);
	data = json_object_get(root, "data");
	ck_assert_str_eq(json_string_value(json_object_get(data, "phone")),
	    PHONE);
	ck_assert_uint_eq(json_object_size(data), 13);
	json_decref(root);
	notify_http_clear(&h);

	/* A session that ended otherwise is said, but warns of nothing. */
	t.with_phone = 0;
	a.kind = "callback.assigned";
	a.window = "evening";
	a.attempts = 0;
	a.asked_again = 0;
	a.warn_unsafe = 0;
	a.session_end = "completed";
	build_ok(NULL, &t, &a, &h);
	root = webhook_root(&h);
	data = json_object_get(root, "data");
	ck_assert_str_eq(json_string_value(json_object_get(root, "type")),
	    "callback.assigned");
	ck_assert_str_eq(json_string_value(json_object_get(data,
	    "session_end")), "completed");
	ck_assert_ptr_null(json_object_get(data, "call_within_minutes"));
	ck_assert_ptr_null(json_object_get(data, "attempts"));
	ck_assert_ptr_null(json_object_get(data, "asked_again"));
	ck_assert_ptr_null(json_object_get(data, "warnings"));
	ck_assert_ptr_null(json_object_get(data, "phone"));
	ck_assert_uint_eq(json_object_size(data), 8);
	json_decref(root);
	notify_http_clear(&h);

	/* One warning alone; "now" without minutes has no minutes. */
	a.kind = "callback.unreached";
	a.window = "now";
	a.now_minutes = 0;
	a.session_end = NULL;
	a.warn_unsafe = 1;
	build_ok(NULL, &t, &a, &h);
	root = webhook_root(&h);
	data = json_object_get(root, "data");
	w = json_object_get(data, "warnings");
	ck_assert(json_is_array(w));
	ck_assert_uint_eq(json_array_size(w), 1);
	ck_assert_str_eq(json_string_value(json_array_get(w, 0)),
	    "marked_unsafe_before");
	ck_assert_ptr_null(json_object_get(data, "call_within_minutes"));
	ck_assert_ptr_null(json_object_get(data, "session_end"));
	ck_assert_uint_eq(json_object_size(data), 8);
	json_decref(root);
	notify_http_clear(&h);

	/* Asked again: a count and a warning. */
	a.kind = "callback.asked_again";
	a.warn_unsafe = 0;
	a.asked_again = 2;
	build_ok(NULL, &t, &a, &h);
	root = webhook_root(&h);
	data = json_object_get(root, "data");
	ck_assert_int_eq(json_integer_value(json_object_get(data,
	    "asked_again")), 2);
	w = json_object_get(data, "warnings");
	ck_assert_uint_eq(json_array_size(w), 1);
	ck_assert_str_eq(json_string_value(json_array_get(w, 0)),
	    "asked_again");
	ck_assert_uint_eq(json_object_size(data), 9);
	json_decref(root);
	notify_http_clear(&h);
}
END_TEST

/* notify_http_clear frees every member of every transport's request. */
START_TEST(test_http_clear)
{
	struct settings	 s = settings_all();
	struct notify_alert	 a = alert_created();
	struct notify_http	 h, zero;
	struct roster_alert	 t[4];
	size_t			 i, j;

	t[0] = target_of("webhook", "https://x.example/h", VEC_SECRET, 1);
	t[1] = target_of("telegram", "-100", NULL, 1);
	t[2] = target_of("sms_at", PHONE, NULL, 1);
	t[3] = target_of("sms_plasgate", PHONE, NULL, 1);
	memset(&zero, 0, sizeof(zero));
	for (i = 0; i < 4; i++) {
		build_ok(&s, &t[i], &a, &h);
		for (j = 0; h.headers[j] != NULL; j++)
			ck_assert(j < 7);
		notify_http_clear(&h);
		ck_assert(memcmp(&h, &zero, sizeof(h)) == 0);
		/* Clearing twice is harmless. */
		notify_http_clear(&h);
	}
	notify_http_clear(NULL);
}
END_TEST

/* Build the notify suite. */
static Suite *
notify_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("notify");
	tc = tcase_create("core");
	tcase_add_test(tc, test_sign_vector);
	tcase_add_test(tc, test_sign_bad);
	tcase_add_test(tc, test_webhook_build);
	tcase_add_test(tc, test_webhook_phone);
	tcase_add_test(tc, test_webhook_bad);
	tcase_add_test(tc, test_telegram_build);
	tcase_add_test(tc, test_telegram_bad);
	tcase_add_test(tc, test_sms_at_build);
	tcase_add_test(tc, test_sms_at_bad);
	tcase_add_test(tc, test_plasgate_build);
	tcase_add_test(tc, test_plasgate_bad);
	tcase_add_test(tc, test_verdict);
	tcase_add_test(tc, test_backoff);
	tcase_add_test(tc, test_text);
	tcase_add_test(tc, test_text_kinds);
	tcase_add_test(tc, test_text_careful);
	tcase_add_test(tc, test_text_transports);
	tcase_add_test(tc, test_webhook_extras);
	tcase_add_test(tc, test_http_clear);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the notify suite. */
int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(notify_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
