/* SPDX-License-Identifier: ISC */
/*
 * check_sms_gateways: the SMS gateway adapters Twilio, Africa's Talking
 * SMS, Vonage and Infobip, called through their channel_ops, and the
 * digest module their signatures rest on. The FIPS 180-4, RFC 1321, RFC
 * 2202 and RFC 4231 vectors; Twilio's published signature vectors and
 * Vonage's worked example (shared/docs/aggregators.md §3.4, §4.2); the
 * captured bodies of courier's tests; every parse refusal, report status,
 * request built byte for byte, verdict and configuration error.
 */
#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>
#include <jansson.h>
#include <sodium.h>

#include "channel.h"
#include "channel_ops.h"
#include "diag.h"
#include "digest.h"
#include "schema.h"
#include "testutil.h"

extern const struct channel_ops channel_twilio;
extern const struct channel_ops channel_atsms;
extern const struct channel_ops channel_vonage;
extern const struct channel_ops channel_infobip;

/* "Hello, help me" in Khmer, and the same percent-encoded. */
#define KH		"សួស្តី ជួយខ្ញុំផង"
#define KH_PCT \
	"%E1%9E%9F%E1%9E%BD%E1%9E%9F%E1%9F%92%E1%9E%8F%E1%9E%B8" \
	"%20%E1%9E%87%E1%9E%BD%E1%9E%99%E1%9E%81%E1%9F%92%E1%9E" \
	"%89%E1%9E%BB%E1%9F%86%E1%9E%95%E1%9E%84"
#define KH_FORM \
	"%E1%9E%9F%E1%9E%BD%E1%9E%9F%E1%9F%92%E1%9E%8F%E1%9E%B8" \
	"+%E1%9E%87%E1%9E%BD%E1%9E%99%E1%9E%81%E1%9F%92%E1%9E" \
	"%89%E1%9E%BB%E1%9F%86%E1%9E%95%E1%9E%84"

/* A request with a query (or NULL), a body and headers (or NULL). */
static struct channel_request
rq(enum channel_method m, const char *query, const char *body,
    const struct tu_hdr *h)
{
	struct channel_request	 r;

	memset(&r, 0, sizeof(r));
	r.method = m;
	r.query = query;
	r.body = body;
	r.body_len = strlen(body);
	r.header = tu_hdr_get;
	r.header_arg = (void *)h;
	return r;
}

/* The common keys channel.c owns, as far as these tests give them. */
static const struct schema_key stub_common[] = {
	{ "name", SCHEMA_STR, 1, 32, NULL, 0, 0, NULL, NULL, "" },
	{ "type", SCHEMA_STR, 1, 32, NULL, 0, 0, NULL, NULL, "" },
	{ "path", SCHEMA_STR, 2, 128, NULL, 0, 0, NULL, NULL, "" },
	{ "token_file", SCHEMA_STR, 1, 1024, NULL, 0, 0, NULL, NULL, "" },
	{ "token_in", SCHEMA_STR, 1, 16, NULL, 0, 0, NULL, NULL, "" },
	{ "sender", SCHEMA_STR, 1, 32, NULL, 0, 0, NULL, NULL, "" },
	{ "report_url", SCHEMA_STR, 1, 1024, NULL, 0, 0, NULL, NULL, "" },
	SCHEMA_END
};

/* A configured adapter state and what configuring it reported. */
struct conf {
	void		*state;
	size_t		 errors;
	struct diag	*d;
};

/*
 * Check entry (JSON text) against the adapter's keys, as channel.c does,
 * then configure it; token says whether the channel has a token. Secret
 * files are relative to tu_tmpdir().
 */
static struct conf
conf_load(const struct channel_ops *ops, const char *entry, int token)
{
	struct channel_setup	 setup = { "sms", token, "/sms" };
	struct conf		 c;

	memset(&c, 0, sizeof(c));
	c.d = diag_new();
	ck_assert_ptr_nonnull(c.d);
	ck_assert_int_eq(tu_channel_conf(ops, stub_common, entry, &setup,
	    tu_tmpdir(), c.d, &c.errors, &c.state), 0);
	return c;
}

/* Configure an entry that must load without a problem. */
static void *
conf_ok(const struct channel_ops *ops, const char *entry)
{
	struct conf	 c = conf_load(ops, entry, 1);

	ck_assert_msg(c.errors == 0, "%s", tu_diag_all(c.d));
	diag_free(c.d);
	return c.state;
}

/*
 * Configure an entry of a channel without a token, which must load
 * without an error but with a warning containing needle.
 */
static struct conf
conf_warned(const struct channel_ops *ops, const char *entry,
    const char *needle)
{
	struct conf	 c = conf_load(ops, entry, 0);

	ck_assert_uint_eq(c.errors, 0);
	ck_assert_msg(tu_warned(c.d, needle), "no warning");
	return c;
}

/* Release what conf_load made. */
static void
conf_done(const struct channel_ops *ops, struct conf *c)
{
	ops->free(c->state);
	diag_free(c->d);
	memset(c, 0, sizeof(*c));
}

/* Configure an entry that must fail with a problem containing needle. */
static void
conf_bad(const struct channel_ops *ops, const char *entry, const char *needle)
{
	struct conf	 c = conf_load(ops, entry, 1);

	ck_assert_msg(c.errors > 0, "no error for %s", entry);
	ck_assert_msg(tu_diag_has(c.d, needle), "%s", tu_diag_all(c.d));
	conf_done(ops, &c);
}

/* Write a secret file (mode 0600 unless told) under tu_tmpdir(). */
static void
secret_file(const char *rel, const char *text, mode_t mode)
{
	char	*path = tu_write(tu_tmpdir(), rel, text);

	ck_assert_int_eq(chmod(path, mode), 0);
	free(path);
}

/* Parse r, which must succeed; the event is dropped. */
static void
parses(const struct channel_ops *ops, const void *st,
    struct channel_request r)
{
	struct channel_event	 ev;

	tu_parse_ok(ops, st, r, &ev);
	channel_event_clear(&ev);
}

/* Parse and expect a refusal with the exact code and cause. */
static void
refused(const struct channel_ops *ops, const void *st,
    struct channel_request r, int rc, const char *want)
{
	struct channel_event	 ev;
	const char		*cause;

	ck_assert_int_eq(tu_parse(ops, st, r, &ev, &cause), rc);
	ck_assert_str_eq(cause, want);
	channel_event_clear(&ev);
}

/* A report's status and what it must be read as. */
struct mapped {
	const char	*status;
	const char	*how;
};

/* Read a report and expect the gateway's id and the mapping. */
static void
report(const struct channel_ops *ops, const void *st,
    struct channel_request r, const char *hop, const char *want)
{
	struct channel_event	 ev;
	const char		*how = NULL, *cause = NULL;

	memset(&ev, 0, sizeof(ev));
	ck_assert_msg(ops->notice(st, &r, &ev, &how, &cause) == 0, "%s",
	    cause);
	ck_assert_str_eq(ev.hop_id, hop);
	ck_assert_ptr_null(ev.session_id);
	ck_assert_str_eq(how, want);
	channel_event_clear(&ev);
}

/* Read a report and expect a refusal. */
static void
report_refused(const struct channel_ops *ops, const void *st,
    struct channel_request r, int rc, const char *want)
{
	struct channel_event	 ev;
	const char		*how = NULL, *cause = NULL;

	memset(&ev, 0, sizeof(ev));
	ck_assert_int_eq(ops->notice(st, &r, &ev, &how, &cause), rc);
	ck_assert_str_eq(cause, want);
	channel_event_clear(&ev);
}

/* One SMS to send. */
static struct channel_sms
sms(const char *to, const char *from, const char *text,
    enum text_encoding enc, const char *report_url)
{
	struct channel_sms	 m;

	memset(&m, 0, sizeof(m));
	m.to = to;
	m.from = from;
	m.text = text;
	m.enc = enc;
	m.parts = 1;
	m.msg_id = "m-42";
	m.report_url = report_url;
	return m;
}

/* Expect the request built: method, URL, headers and body exactly. */
static void
built(const struct channel_http *h, const char *url, const char *const *hdrs,
    const char *body)
{
	size_t	 i;

	ck_assert_str_eq(h->method, "POST");
	ck_assert_str_eq(h->url, url);
	for (i = 0; hdrs[i] != NULL; i++) {
		ck_assert_ptr_nonnull(h->headers[i]);
		ck_assert_str_eq(h->headers[i], hdrs[i]);
	}
	ck_assert_ptr_null(h->headers[i]);
	ck_assert_str_eq(h->body, body);
	ck_assert_uint_eq(h->body_len, strlen(body));
}

/* Send text to a number, from no sender, and expect header 0. */
static void
sent_header(const struct channel_ops *ops, const void *st, const char *text,
    const char *want)
{
	struct channel_http	 h;
	struct channel_sms	 m;

	m = sms("+85512345678", NULL, text, TEXT_GSM7, NULL);
	ck_assert_int_eq(ops->send(st, &m, &h), 0);
	ck_assert_str_eq(h.headers[0], want);
	channel_http_clear(&h);
}

/* Judge an answer and expect the verdict, id (or NULL) and reason. */
static void
verdict(const struct channel_ops *ops, const void *st, long status,
    const char *body, enum channel_verdict want, const char *id,
    const char *why)
{
	struct channel_answer	 a;
	char			*gid = (char *)"unset";
	const char		*w = "unset";

	a.status = status;
	a.body = body;
	a.body_len = body != NULL ? strlen(body) : 0;
	ck_assert_int_eq(ops->sent(st, &a, &gid, &w), want);
	if (id == NULL)
		ck_assert_ptr_null(gid);
	else {
		ck_assert_ptr_nonnull(gid);
		ck_assert_str_eq(gid, id);
	}
	if (why == NULL)
		ck_assert_ptr_null(w);
	else
		ck_assert_str_eq(w, why);
	free(gid);
}

/* An answer to a send and how it must be judged. */
struct judged {
	long			 status;
	const char		*body;
	enum channel_verdict	 want;
	const char		*id;	/* the gateway's id, or NULL */
	const char		*why;	/* or NULL */
};

/* Judge each of n answers as verdict does. */
static void
verdicts(const struct channel_ops *ops, const void *st,
    const struct judged *j, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		verdict(ops, st, j[i].status, j[i].body, j[i].want, j[i].id,
		    j[i].why);
}

/* Hex of a digest. */
static const char *
hex(const uint8_t *d, size_t n)
{
	static char	 buf[2 * DIGEST_MAX_LEN + 1];

	sodium_bin2hex(buf, sizeof(buf), d, n);
	return buf;
}

/* The hex digest of a string. */
static const char *
hash_hex(enum digest_alg alg, const char *s, size_t n)
{
	uint8_t	 d[DIGEST_MAX_LEN];

	digest_hash(alg, s, n, d);
	return hex(d, digest_len(alg));
}

/* The hex HMAC of a message under a key. */
static const char *
hmac_hex(enum digest_alg alg, const void *key, size_t klen, const char *msg,
    size_t mlen)
{
	uint8_t	 d[DIGEST_MAX_LEN];

	digest_hmac(alg, key, klen, msg, mlen, d);
	return hex(d, digest_len(alg));
}

/* The RFC 1321 appendix A.5 suite, and the lengths around padding. */
START_TEST(test_digest_md5)
{
	static const struct {
		const char	*in;
		const char	*out;
	} v[] = {
		{ "", "d41d8cd98f00b204e9800998ecf8427e" },
		{ "a", "0cc175b9c0f1b6a831c399e269772661" },
		{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
		{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
		{ "abcdefghijklmnopqrstuvwxyz",
		  "c3fcd3d76192e4007dfb496cca67e13b" },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		  "0123456789", "d174ab98d277d9f5a5611c2c9f419d9f" },
		{ "1234567890123456789012345678901234567890"
		  "1234567890123456789012345678901234567890",
		  "57edf4a22be3c955ac49da2e2107b67a" },
	};
	static const struct {
		size_t		 n;
		const char	*out;
	} pad[] = {
		{ 55, "ef1772b6dff9a122358552954ad0df65" },
		{ 56, "3b0c8ac703f828b04c6c197006d17218" },
		{ 63, "b06521f39153d618550606be297466d5" },
		{ 64, "014842d480b571495a4a0363793f7367" },
		{ 65, "c743a45e0d2e6a95cb859adae0248435" },
		{ 119, "8a7bd0732ed6a28ce75f6dabc90e1613" },
		{ 120, "5f61c0ccad4cac44c75ff505e1f1e537" },
	};
	char	 a[128];
	size_t	 i;

	ck_assert_uint_eq(digest_len(DIGEST_MD5), 16);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		ck_assert_str_eq(hash_hex(DIGEST_MD5, v[i].in,
		    strlen(v[i].in)), v[i].out);
	memset(a, 'a', sizeof(a));
	for (i = 0; i < sizeof(pad) / sizeof(pad[0]); i++)
		ck_assert_str_eq(hash_hex(DIGEST_MD5, a, pad[i].n),
		    pad[i].out);
}
END_TEST

/* FIPS 180-4's examples (one block, two blocks, a million 'a'). */
START_TEST(test_digest_sha1)
{
	static const struct {
		size_t		 n;
		const char	*out;
	} pad[] = {
		{ 55, "c1c8bbdc22796e28c0e15163d20899b65621d65a" },
		{ 56, "c2db330f6083854c99d4b5bfb6e8f29f201be699" },
		{ 63, "03f09f5b158a7a8cdad920bddc29b81c18a551f5" },
		{ 64, "0098ba824b5c16427bd7a1122a5a442a25ec644d" },
		{ 65, "11655326c708d70319be2610e8a57d9a5b959d3b" },
		{ 119, "ee971065aaa017e0632a8ca6c77bb3bf8b1dfc56" },
		{ 120, "f34c1488385346a55709ba056ddd08280dd4c6d6" },
	};
	const char	*two =
	    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char		*m;
	size_t		 i;

	ck_assert_uint_eq(digest_len(DIGEST_SHA1), 20);
	ck_assert_str_eq(hash_hex(DIGEST_SHA1, "abc", 3),
	    "a9993e364706816aba3e25717850c26c9cd0d89d");
	ck_assert_str_eq(hash_hex(DIGEST_SHA1, "", 0),
	    "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	ck_assert_str_eq(hash_hex(DIGEST_SHA1, two, strlen(two)),
	    "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
	m = malloc(1000000);
	ck_assert_ptr_nonnull(m);
	memset(m, 'a', 1000000);
	ck_assert_str_eq(hash_hex(DIGEST_SHA1, m, 1000000),
	    "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	for (i = 0; i < sizeof(pad) / sizeof(pad[0]); i++)
		ck_assert_str_eq(hash_hex(DIGEST_SHA1, m, pad[i].n),
		    pad[i].out);
	free(m);
}
END_TEST

/* SHA-256 and SHA-512 come from libsodium: "abc" from FIPS 180-4. */
START_TEST(test_digest_sha2)
{
	ck_assert_uint_eq(digest_len(DIGEST_SHA256), 32);
	ck_assert_uint_eq(digest_len(DIGEST_SHA512), 64);
	ck_assert_str_eq(hash_hex(DIGEST_SHA256, "abc", 3),
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	ck_assert_str_eq(hash_hex(DIGEST_SHA512, "abc", 3),
	    "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
	    "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}
END_TEST

/* RFC 2202 test cases 1, 2, 3, 6 and 7 for HMAC-MD5 and HMAC-SHA1. */
START_TEST(test_digest_hmac_rfc2202)
{
	static const char	 big1[] =
	    "Test Using Larger Than Block-Size Key - Hash Key First";
	static const char	 big2[] = "Test Using Larger Than Block-Size "
	    "Key and Larger Than One Block-Size Data";
	static const char	 jefe[] = "what do ya want for nothing?";
	uint8_t			 k[80];
	char			 dd[50];

	memset(k, 0x0b, sizeof(k));
	ck_assert_str_eq(hmac_hex(DIGEST_MD5, k, 16, "Hi There", 8),
	    "9294727a3638bb1c13f48ef8158bfc9d");
	ck_assert_str_eq(hmac_hex(DIGEST_SHA1, k, 20, "Hi There", 8),
	    "b617318655057264e28bc0b6fb378c8ef146be00");
	ck_assert_str_eq(hmac_hex(DIGEST_MD5, "Jefe", 4, jefe, strlen(jefe)),
	    "750c783e6ab0b503eaa86e310a5db738");
	ck_assert_str_eq(hmac_hex(DIGEST_SHA1, "Jefe", 4, jefe, strlen(jefe)),
	    "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
	memset(k, 0xaa, sizeof(k));
	memset(dd, 0xdd, sizeof(dd));
	ck_assert_str_eq(hmac_hex(DIGEST_MD5, k, 16, dd, sizeof(dd)),
	    "56be34521d144c88dbb8c733f0e8b3f6");
	ck_assert_str_eq(hmac_hex(DIGEST_SHA1, k, 20, dd, sizeof(dd)),
	    "125d7342b9ac11cd91a39af48aa17b4f63f175d3");
	ck_assert_str_eq(hmac_hex(DIGEST_MD5, k, 80, big1, strlen(big1)),
	    "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd");
	ck_assert_str_eq(hmac_hex(DIGEST_SHA1, k, 80, big1, strlen(big1)),
	    "aa4ae5e15272d00e95705637ce8a3b55ed402112");
	ck_assert_str_eq(hmac_hex(DIGEST_MD5, k, 80, big2, strlen(big2)),
	    "6f630fad67cda0ee1fb1f562db3aa53e");
	ck_assert_str_eq(hmac_hex(DIGEST_SHA1, k, 80, big2, strlen(big2)),
	    "e8e99d0f45237d786d6bbaa7965c7808bbff1a91");
}
END_TEST

/* RFC 4231 case 2 (a short key) and case 6 (a key longer than a block). */
START_TEST(test_digest_hmac_rfc4231)
{
	static const char	 jefe[] = "what do ya want for nothing?";
	static const char	 big[] =
	    "Test Using Larger Than Block-Size Key - Hash Key First";
	uint8_t			 k[131];

	ck_assert_str_eq(hmac_hex(DIGEST_SHA256, "Jefe", 4, jefe,
	    strlen(jefe)),
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	ck_assert_str_eq(hmac_hex(DIGEST_SHA512, "Jefe", 4, jefe,
	    strlen(jefe)),
	    "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
	    "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
	memset(k, 0xaa, sizeof(k));
	ck_assert_str_eq(hmac_hex(DIGEST_SHA256, k, sizeof(k), big,
	    strlen(big)),
	    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
	ck_assert_str_eq(hmac_hex(DIGEST_SHA512, k, sizeof(k), big,
	    strlen(big)),
	    "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
	    "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598");
}
END_TEST

/* Twilio: the entry of the SDK's vector (token 12345). */
#define TW_VEC_CONF(url) \
	"{\"name\": \"tw\", \"type\": \"twilio\", \"path\": \"/sms/tw\", " \
	"\"twilio_auth_token\": \"12345\", \"public_url\": \"" url "\"}"
#define TW_VEC_BODY \
	"CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234" \
	"&From=%2B14158675309&To=%2B18005551212"
#define TW_VEC_SIG	"RSOYDt4T1cUTdK1PDd93/VVr8B8="

/* Parse a Twilio request signed sig; the vectors carry no MessageSid. */
static int
tw_try(const void *st, const char *query, const char *body, const char *sig,
    const char **cause)
{
	struct channel_event	 ev;
	struct tu_hdr		 h[2] = { { "X-Twilio-Signature", sig },
				    { NULL, NULL } };
	int			 rc;

	rc = tu_parse(&channel_twilio, st, rq(CHANNEL_POST, query, body, h),
	    &ev, cause);
	channel_event_clear(&ev);
	return rc;
}

/*
 * Twilio's published vectors (§3.4): a signature that verifies leaves
 * only the missing MessageSid (the vectors are voice calls); any change
 * is a 403.
 */
START_TEST(test_twilio_vectors)
{
	void		*st;
	const char	*cause;

	st = conf_ok(&channel_twilio,
	    TW_VEC_CONF("https://mycompany.com/myapp.php"));
	ck_assert_int_eq(tw_try(st, "foo=1&bar=2", TW_VEC_BODY, TW_VEC_SIG,
	    &cause), CHANNEL_BAD);
	ck_assert_str_eq(cause, "missing field MessageSid");
	/* The order of the parameters does not matter. */
	ck_assert_int_eq(tw_try(st, "foo=1&bar=2", "To=%2B18005551212"
	    "&From=%2B14158675309&Digits=1234&Caller=%2B14158675309"
	    "&CallSid=CA1234567890ABCDE", TW_VEC_SIG, &cause), CHANNEL_BAD);
	ck_assert_str_eq(cause, "missing field MessageSid");
	/* The older vector from Twilio's docs. */
	ck_assert_int_eq(tw_try(st, "foo=1&bar=2", "CallSid=CA1234567890ABCDE"
	    "&Caller=%2B12349013030&Digits=1234&From=%2B12349013030"
	    "&To=%2B18005551212", "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", &cause),
	    CHANNEL_BAD);
	ck_assert_str_eq(cause, "missing field MessageSid");
	/* The signature covers the query, each value and each name. */
	ck_assert_int_eq(tw_try(st, NULL, TW_VEC_BODY, TW_VEC_SIG, &cause),
	    CHANNEL_FORBIDDEN);
	ck_assert_str_eq(cause, "bad signature");
	ck_assert_int_eq(tw_try(st, "foo=1&bar=3", TW_VEC_BODY, TW_VEC_SIG,
	    &cause), CHANNEL_FORBIDDEN);
	ck_assert_int_eq(tw_try(st, "foo=1&bar=2", "CallSid=CA1234567890ABCDE"
	    "&Caller=%2B14158675309&Digits=1235&From=%2B14158675309"
	    "&To=%2B18005551212", TW_VEC_SIG, &cause), CHANNEL_FORBIDDEN);
	ck_assert_int_eq(tw_try(st, "foo=1&bar=2", TW_VEC_BODY
	    "&Extra=", TW_VEC_SIG, &cause), CHANNEL_FORBIDDEN);
	ck_assert_int_eq(tw_try(st, "foo=1&bar=2", TW_VEC_BODY,
	    "RSOYDt4T1cUTdK1PDd93/VVr8B8", &cause), CHANNEL_FORBIDDEN);
	ck_assert_int_eq(tw_try(st, "foo=1&bar=2", TW_VEC_BODY,
	    "rsoydt4t1cutdk1pdd93/vvr8b8=", &cause), CHANNEL_FORBIDDEN);
	ck_assert_int_eq(tw_try(st, "foo=1&bar=2", TW_VEC_BODY, "", &cause),
	    CHANNEL_FORBIDDEN);
	ck_assert_str_eq(cause, "missing signature");
	ck_assert_int_eq(tw_try(st, "foo=1&bar=2", TW_VEC_BODY, NULL, &cause),
	    CHANNEL_FORBIDDEN);
	ck_assert_str_eq(cause, "missing signature");
	channel_twilio.free(st);
}
END_TEST

/*
 * Repeated names and ports, as twilio-python's tests (repeated values
 * sorted within a name and counted once; a URL accepted with or without
 * its port).
 */
START_TEST(test_twilio_edges)
{
	void		*st;
	const char	*cause;

	st = conf_ok(&channel_twilio,
	    TW_VEC_CONF("https://mycompany.com/myapp.php"));
	ck_assert_int_eq(tw_try(st, "foo=1&bar=2", "Sid=CA123&SidAccount=AC123"
	    "&Digits=5678&Digits=1234", "IK+Dwps556ElfBT0I3Rgjkr1wJU=",
	    &cause), CHANNEL_BAD);
	ck_assert_int_eq(tw_try(st, "foo=1&bar=2", "Digits=1234&Sid=CA123"
	    "&Digits=5678&SidAccount=AC123&Digits=1234",
	    "IK+Dwps556ElfBT0I3Rgjkr1wJU=", &cause), CHANNEL_BAD);
	ck_assert_str_eq(cause, "missing field MessageSid");
	/* Signed with the default port. */
	ck_assert_int_eq(tw_try(st, "foo=1&bar=2", TW_VEC_BODY,
	    "kvajT1Ptam85bY51eRf/AJRuM3w=", &cause), CHANNEL_BAD);
	channel_twilio.free(st);

	/* A public URL with a port takes the signature without it. */
	st = conf_ok(&channel_twilio,
	    TW_VEC_CONF("https://mycompany.com:1234/myapp.php"));
	ck_assert_int_eq(tw_try(st, "foo=1&bar=2", TW_VEC_BODY, TW_VEC_SIG,
	    &cause), CHANNEL_BAD);
	channel_twilio.free(st);

	st = conf_ok(&channel_twilio,
	    TW_VEC_CONF("http://mycompany.com:1234/myapp.php"));
	ck_assert_int_eq(tw_try(st, "foo=1&bar=2", TW_VEC_BODY,
	    "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=", &cause), CHANNEL_BAD);
	ck_assert_int_eq(tw_try(st, "foo=1&bar=2", TW_VEC_BODY, TW_VEC_SIG,
	    &cause), CHANNEL_FORBIDDEN);
	channel_twilio.free(st);

	st = conf_ok(&channel_twilio,
	    TW_VEC_CONF("http://mycompany.com/myapp.php"));
	ck_assert_int_eq(tw_try(st, "foo=1&bar=2", TW_VEC_BODY,
	    "0ZXoZLH/DfblKGATFgpif+LLRf4=", &cause), CHANNEL_BAD);
	channel_twilio.free(st);
}
END_TEST

/* Our Twilio channel: token 6789 as in courier's tests. */
#define TW_CONF \
	"{\"name\": \"tw\", \"type\": \"twilio\", \"path\": \"/sms/twilio\", " \
	"\"twilio_auth_token\": \"6789\", " \
	"\"public_url\": \"https://hotline.example.org/sms/twilio\""
/* courier handlers/twiml/handlers_test.go, receiveValid. */
#define TW_RECEIVE \
	"ToCountry=US&ToState=District+Of+Columbia&SmsMessageSid=" \
	"SMe287d7109a5a925f182f0e07fe5b223b&NumMedia=0&ToCity=&FromZip=01022" \
	"&SmsSid=SMe287d7109a5a925f182f0e07fe5b223b&FromState=MA&SmsStatus=" \
	"received&FromCity=CHICOPEE&Body=Msg&FromCountry=US&To=%2B12028831111" \
	"&ToZip=&NumSegments=1&MessageSid=SMe287d7109a5a925f182f0e07fe5b223b" \
	"&AccountSid=acctid&From=%2B14133881111&ApiVersion=2010-04-01"

/* A Twilio request signed sig (headers live as long as the test). */
static struct channel_request
tw_rq(enum channel_method m, const char *query, const char *body,
    struct tu_hdr h[2], const char *sig)
{
	h[0].name = "X-Twilio-Signature";
	h[0].value = sig;
	h[1].name = NULL;
	h[1].value = NULL;
	return rq(m, query, body, h);
}

/* Courier's captured message, by POST and by GET, and in Khmer. */
START_TEST(test_twilio_inbound)
{
	struct channel_event	 ev;
	struct tu_hdr		 h[2];
	const char		*cause;
	void			*st = conf_ok(&channel_twilio, TW_CONF "}");

	ck_assert_int_eq(tu_parse(&channel_twilio, st, tw_rq(CHANNEL_POST, NULL,
	    TW_RECEIVE, h, "Wklb3xEk0xkBIaq8NopEz0A+z8I="), &ev, &cause), 0);
	ck_assert_str_eq(ev.hop_id, "SMe287d7109a5a925f182f0e07fe5b223b");
	ck_assert_str_eq(ev.phone, "+14133881111");
	ck_assert_str_eq(ev.service_code, "+12028831111");
	ck_assert_str_eq(ev.input, "Msg");
	ck_assert_uint_eq(ev.concat_total, 0);
	channel_event_clear(&ev);

	ck_assert_int_eq(tu_parse(&channel_twilio, st, tw_rq(CHANNEL_GET,
	    TW_RECEIVE, "", h, "g0VxufCJUAt0TPH9vjJBrf9M90E="), &ev, &cause),
	    0);
	ck_assert_str_eq(ev.phone, "+14133881111");
	ck_assert_str_eq(ev.input, "Msg");
	channel_event_clear(&ev);

	ck_assert_int_eq(tu_parse(&channel_twilio, st, tw_rq(CHANNEL_POST, NULL,
	    "MessageSid=SM0b6e2697aae04182a9f5b5c7a8994c7f&AccountSid=acctid"
	    "&From=%2B85512345678&To=%2B85523900900&Body=" KH_PCT, h,
	    "vnfzWhRprMV3mAyvgLeZEX02RA0="), &ev, &cause), 0);
	ck_assert_str_eq(ev.hop_id, "SM0b6e2697aae04182a9f5b5c7a8994c7f");
	ck_assert_str_eq(ev.phone, "+85512345678");
	ck_assert_str_eq(ev.input, KH);
	channel_event_clear(&ev);
	channel_twilio.free(st);
}
END_TEST

/* Every way an inbound Twilio request is refused. */
START_TEST(test_twilio_refusals)
{
	struct tu_hdr	 h[2];
	void		*st = conf_ok(&channel_twilio, TW_CONF "}");

	refused(&channel_twilio, st, tw_rq(CHANNEL_POST, NULL, TW_RECEIVE, h,
	    NULL), CHANNEL_FORBIDDEN, "missing signature");
	refused(&channel_twilio, st, tw_rq(CHANNEL_POST, NULL, TW_RECEIVE, h,
	    "Wklb3xEk0xkBIaq8NopEz0A+z8J="), CHANNEL_FORBIDDEN,
	    "bad signature");
	/* Signed for the POST, replayed as a GET. */
	refused(&channel_twilio, st, tw_rq(CHANNEL_GET, TW_RECEIVE, "", h,
	    "Wklb3xEk0xkBIaq8NopEz0A+z8I="), CHANNEL_FORBIDDEN,
	    "bad signature");
	/* Signed, but without From. */
	refused(&channel_twilio, st, tw_rq(CHANNEL_POST, NULL,
	    "MessageSid=SMe287d7109a5a925f182f0e07fe5b223b&AccountSid=acctid"
	    "&To=%2B12028831111&Body=Msg", h, "+4kIbG0PfqiYffIsBu30sFpjNlE="),
	    CHANNEL_BAD, "missing field From");
	refused(&channel_twilio, st, tw_rq(CHANNEL_POST, NULL, "Body=%zz", h,
	    "Wklb3xEk0xkBIaq8NopEz0A+z8I="), CHANNEL_BAD,
	    "invalid percent-encoding");
	refused(&channel_twilio, st, tw_rq(CHANNEL_POST, NULL, "Body=%FF", h,
	    "Wklb3xEk0xkBIaq8NopEz0A+z8I="), CHANNEL_BAD, "invalid UTF-8");
	ck_assert_uint_eq(channel_twilio.methods(st),
	    CHANNEL_ALLOW_GET | CHANNEL_ALLOW_POST);
	ck_assert_uint_eq(channel_twilio.flags, CHANNEL_INLINE);
	ck_assert_int_eq(channel_twilio.kind, CHANNEL_SMS);
	ck_assert_str_eq(channel_twilio.notice_path, "/dlr");
	channel_twilio.free(st);
}
END_TEST

/* Status callbacks, signed over public_url + "/dlr" (§3.3). */
START_TEST(test_twilio_reports)
{
	struct tu_hdr	 h[2];
	void		*st = conf_ok(&channel_twilio, TW_CONF "}");

	report(&channel_twilio, st, tw_rq(CHANNEL_POST, NULL,
	    "ErrorCode=21610&MessageSid=SMe287d7109a5a925f182f0e07fe5b223b"
	    "&MessageStatus=failed&To=%2B12028831111", h,
	    "7Ak0QoL6ZoJikidJABgxx3KyQO0="),
	    "SMe287d7109a5a925f182f0e07fe5b223b", "failed");
	report(&channel_twilio, st, tw_rq(CHANNEL_POST, NULL,
	    "MessageSid=SMe287d7109a5a925f182f0e07fe5b223b"
	    "&MessageStatus=delivered", h, "4o1xira2vRJ5XQyu21U8SRjnfPw="),
	    "SMe287d7109a5a925f182f0e07fe5b223b", "delivered");
	report(&channel_twilio, st, tw_rq(CHANNEL_POST, NULL,
	    "MessageSid=SMe287d7109a5a925f182f0e07fe5b223b"
	    "&MessageStatus=read", h, "di5Z5vagNHuYtcTVorVs8hILagQ="),
	    "SMe287d7109a5a925f182f0e07fe5b223b", "delivered");
	report(&channel_twilio, st, tw_rq(CHANNEL_POST, NULL,
	    "MessageSid=SMe287d7109a5a925f182f0e07fe5b223b"
	    "&MessageStatus=undelivered", h, "cgLNMORg/hDBVk5DmN3kvdaJ3M8="),
	    "SMe287d7109a5a925f182f0e07fe5b223b", "failed");
	report(&channel_twilio, st, tw_rq(CHANNEL_POST, NULL,
	    "MessageSid=SMe287d7109a5a925f182f0e07fe5b223b"
	    "&MessageStatus=queued", h, "FrbCcz2R9GXubREFVK3I/gilHJE="),
	    "SMe287d7109a5a925f182f0e07fe5b223b", "sent");
	/* courier's tmsStatusExtra. */
	report(&channel_twilio, st, tw_rq(CHANNEL_POST, NULL,
	    "SmsStatus=sent&MessageStatus=sent&To=2021&MessagingServiceSid="
	    "MGdb23ec0f89ee2632e46e91d8128f5e2b&MessageSid="
	    "SM0b6e2697aae04182a9f5b5c7a8994c7f&AccountSid=acctid"
	    "&From=%2B14133881111&ApiVersion=2010-04-01", h,
	    "kDrHDKeKqPdiR+eq/HDtWjUoBWk="),
	    "SM0b6e2697aae04182a9f5b5c7a8994c7f", "sent");
	report_refused(&channel_twilio, st, tw_rq(CHANNEL_POST, NULL,
	    "MessageSid=SMe287d7109a5a925f182f0e07fe5b223b&ErrorCode=63018", h,
	    "YgCZPSo2BIjgOWDFac2DbTn5oyQ="), CHANNEL_BAD,
	    "missing field MessageStatus");
	/* The message's signature does not sign a report. */
	report_refused(&channel_twilio, st, tw_rq(CHANNEL_POST, NULL,
	    TW_RECEIVE, h, "Wklb3xEk0xkBIaq8NopEz0A+z8I="), CHANNEL_FORBIDDEN,
	    "bad signature");
	report_refused(&channel_twilio, st, tw_rq(CHANNEL_POST, NULL,
	    "MessageSid=SMe287d7109a5a925f182f0e07fe5b223b"
	    "&MessageStatus=delivered", h, NULL), CHANNEL_FORBIDDEN,
	    "missing signature");
	channel_twilio.free(st);
}
END_TEST

/* Format a reply and expect the body. */
static void
tw_format(const void *st, const char *notice, const char *text,
    const char *want)
{
	struct channel_reply	 rep;
	struct channel_response	 out;

	memset(&rep, 0, sizeof(rep));
	memset(&out, 0, sizeof(out));
	rep.notice = notice;
	rep.text = (char *)text;
	ck_assert_int_eq(channel_twilio.format(st, &rep, &out), 0);
	ck_assert_str_eq(out.body, want);
	ck_assert_uint_eq(out.len, strlen(want));
	ck_assert_str_eq(out.content_type, "text/xml; charset=utf-8");
	free(out.body);
}

/* TwiML: the notice, then the text, escaped; <Response/> for nothing. */
START_TEST(test_twilio_twiml)
{
	void	*st = conf_ok(&channel_twilio, TW_CONF "}");

	tw_format(st, NULL, NULL, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	    "<Response/>");
	tw_format(st, "", "", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	    "<Response/>");
	tw_format(st, NULL, KH, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	    "<Response><Message>" KH "</Message></Response>");
	tw_format(st, "Reply STOP to end", "1. Help\n2. Info",
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>"
	    "<Message>Reply STOP to end</Message>"
	    "<Message>1. Help\n2. Info</Message></Response>");
	tw_format(st, "a&b", "<x> \"q\" 'a'\x01",
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>"
	    "<Message>a&amp;b</Message>"
	    "<Message>&lt;x&gt; &quot;q&quot; &apos;a&apos;</Message>"
	    "</Response>");
	channel_twilio.free(st);
}
END_TEST

/* Twilio with an account: the Messages API request byte for byte. */
START_TEST(test_twilio_send)
{
	static const char *const hdrs[] = {
		"Authorization: Basic QUMwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFi"
		"Y2RlZjo2Nzg5",
		"Accept: application/json",
		"Content-Type: application/x-www-form-urlencoded",
		NULL
	};
	struct channel_http	 h;
	struct channel_sms	 m;
	void			*st;

	st = conf_ok(&channel_twilio, TW_CONF ", \"twilio_account_sid\": "
	    "\"AC0123456789abcdef0123456789abcdef\"}");
	ck_assert_int_eq(channel_twilio.can_send(st), 1);
	m = sms("+85512345678", "+85523900900", KH, TEXT_UCS2,
	    "https://hotline.example.org/sms/twilio/dlr");
	ck_assert_int_eq(channel_twilio.send(st, &m, &h), 0);
	built(&h, "https://api.twilio.com/2010-04-01/Accounts/"
	    "AC0123456789abcdef0123456789abcdef/Messages.json", hdrs,
	    "To=%2B85512345678&From=%2B85523900900&Body=" KH_FORM
	    "&StatusCallback=https%3A%2F%2Fhotline.example.org%2Fsms%2Ftwilio"
	    "%2Fdlr");
	channel_http_clear(&h);
	m = sms("+85512345678", "HOTLINE", "Hi & bye", TEXT_GSM7, NULL);
	ck_assert_int_eq(channel_twilio.send(st, &m, &h), 0);
	ck_assert_str_eq(h.body, "To=%2B85512345678&From=HOTLINE"
	    "&Body=Hi+%26+bye");
	channel_http_clear(&h);
	/* Twilio needs a From. */
	m = sms("+85512345678", NULL, "Hi", TEXT_GSM7, NULL);
	ck_assert_int_eq(channel_twilio.send(st, &m, &h), -1);
	ck_assert_ptr_null(h.url);
	ck_assert_ptr_null(h.body);
	channel_twilio.free(st);

	/* Another API base, its trailing '/' dropped. */
	st = conf_ok(&channel_twilio, TW_CONF ", \"twilio_account_sid\": "
	    "\"AC1\", \"twilio_api_url\": \"http://127.0.0.1:8099/tw/\"}");
	m = sms("+85512345678", "HOTLINE", "Hi", TEXT_GSM7, NULL);
	ck_assert_int_eq(channel_twilio.send(st, &m, &h), 0);
	ck_assert_str_eq(h.url, "http://127.0.0.1:8099/tw/2010-04-01/Accounts/"
	    "AC1/Messages.json");
	channel_http_clear(&h);
	channel_twilio.free(st);

	/* Receive only. */
	st = conf_ok(&channel_twilio, TW_CONF "}");
	ck_assert_int_eq(channel_twilio.can_send(st), 0);
	ck_assert_int_eq(channel_twilio.send(st, &m, &h), -1);
	channel_twilio.free(st);
}
END_TEST

/* Each branch of the Messages API verdict (§3.6). */
START_TEST(test_twilio_verdict)
{
	static const struct judged	 answers[] = {
		{ 201, "{\"sid\": \"SM0b6e2697aae04182a9f5b5c7a8994c7f\", "
		    "\"status\": \"queued\", \"num_segments\": \"1\"}",
		    CHANNEL_SENT, "SM0b6e2697aae04182a9f5b5c7a8994c7f", NULL },
		{ 201, "not json", CHANNEL_SENT, NULL, NULL },
		{ 400, "{\"code\": 21211, \"message\": \"The 'To' number is "
		    "not a valid phone number.\", \"more_info\": "
		    "\"https://www.twilio.com/docs/errors/21211\", \"status\": "
		    "400}", CHANNEL_FAILED, NULL, "refused" },
		{ 401, "{\"code\": 20003}", CHANNEL_FAILED, NULL, "refused" },
		{ 429, "{\"code\": 20429}", CHANNEL_RETRY, NULL, "throttled" },
		{ 503, "", CHANNEL_RETRY, NULL, "gateway error" },
		{ 0, NULL, CHANNEL_RETRY, NULL, "no answer" },
	};
	void				*st;

	st = conf_ok(&channel_twilio, TW_CONF "}");
	verdicts(&channel_twilio, st, answers, nitems(answers));
	channel_twilio.free(st);
}
END_TEST

/* Twilio's configuration errors, and the token from a file. */
START_TEST(test_twilio_conf)
{
	void	*st;

	conf_bad(&channel_twilio, "{\"public_url\": \"https://h.example/s\"}",
	    "needs twilio_auth_token_file");
	conf_bad(&channel_twilio, "{\"twilio_auth_token\": \"6789\"}",
	    "needs public_url");
	conf_bad(&channel_twilio, "{\"twilio_auth_token\": \"6789\", "
	    "\"public_url\": \"https://h.example/s?x=1\"}",
	    "URL without a query");
	conf_bad(&channel_twilio, "{\"twilio_auth_token\": \"6789\", "
	    "\"public_url\": \"ftp://h.example/s\"}", "URL without a query");
	conf_bad(&channel_twilio, "{\"twilio_auth_token\": \"6789\", "
	    "\"public_url\": \"https://h.example:44x/s\"}",
	    "URL without a query");
	conf_bad(&channel_twilio, "{\"twilio_auth_token\": \"67 89\", "
	    "\"public_url\": \"https://h.example/s\"}",
	    "without spaces or controls");
	conf_bad(&channel_twilio, "{\"twilio_auth_token\": \"6789\", "
	    "\"public_url\": \"https://h.example/s\", \"twilio_api_url\": "
	    "\"https://api.twilio.com\"}", "needs twilio_account_sid");
	conf_bad(&channel_twilio, "{\"twilio_auth_token\": \"6789\", "
	    "\"public_url\": \"https://h.example/s\", \"twilio_account_sid\": "
	    "\"AC/../x\"}", "only letters and digits");
	conf_bad(&channel_twilio, "{\"twilio_auth_token\": \"6789\", "
	    "\"public_url\": \"https://h.example/s\", \"twilio_account_sid\": "
	    "\"AC1\", \"twilio_api_url\": \"api.twilio.com\"}",
	    "http:// or https://");
	conf_bad(&channel_twilio, "{\"twilio_auth_token\": \"6789\", "
	    "\"twilio_auth_token_file\": \"tw.key\", "
	    "\"public_url\": \"https://h.example/s\"}", "use either");
	conf_bad(&channel_twilio, "{\"twilio_auth_token\": 6789, "
	    "\"public_url\": \"https://h.example/s\"}", "twilio_auth_token");
	conf_bad(&channel_twilio, "{\"twilio_auth_token_file\": \"none.key\", "
	    "\"public_url\": \"https://h.example/s\"}", "none.key");

	secret_file("tw-open.key", "6789\n", 0644);
	conf_bad(&channel_twilio, "{\"twilio_auth_token_file\": "
	    "\"tw-open.key\", \"public_url\": \"https://h.example/s\"}",
	    "chmod 600");
	secret_file("tw.key", "6789\n", 0600);
	st = conf_ok(&channel_twilio, "{\"twilio_auth_token_file\": "
	    "\"tw.key\", \"public_url\": \"https://hotline.example.org/sms/"
	    "twilio\"}");
	/* The token read from the file verifies courier's message. */
	{
		struct tu_hdr	 h[2];

		parses(&channel_twilio, st, tw_rq(CHANNEL_POST, NULL,
		    TW_RECEIVE, h, "Wklb3xEk0xkBIaq8NopEz0A+z8I="));
	}
	channel_twilio.free(st);
	tu_cleanup();
}
END_TEST

/* Africa's Talking SMS: a receiving channel, then one that sends. */
#define AT_CONF	"{\"name\": \"at\", \"type\": \"africastalking_sms\", " \
		"\"path\": \"/sms/at\""
#define AT_SEND	AT_CONF ", \"at_username\": \"hotline\", " \
		"\"at_api_key\": \"atsk_0123456789abcdef\"}"

/* Courier's captured messages (both date forms), and one in Khmer. */
START_TEST(test_atsms_inbound)
{
	struct channel_event	 ev;
	void			*st = conf_ok(&channel_atsms, AT_CONF "}");

	tu_parse_ok(&channel_atsms, st, rq(CHANNEL_POST, NULL,
	    "linkId=03090445075804249226&text=Msg&to=21512&id=ec9adc86-51d5-"
	    "4bc8-8eb0-d8ab0bb53dc3&date=2017-05-03T06%3A04%3A45Z&from="
	    "%2B254791541111", NULL), &ev);
	ck_assert_str_eq(ev.phone, "+254791541111");
	ck_assert_str_eq(ev.service_code, "21512");
	ck_assert_str_eq(ev.hop_id, "ec9adc86-51d5-4bc8-8eb0-d8ab0bb53dc3");
	ck_assert_str_eq(ev.input, "Msg");
	ck_assert_ptr_null(ev.network);
	channel_event_clear(&ev);

	tu_parse_ok(&channel_atsms, st, rq(CHANNEL_POST, NULL,
	    "linkId=03090445075804249226&text=Msg&to=21512&id=ec9adc86-51d5-"
	    "4bc8-8eb0-d8ab0bb53dc3&date=2017-05-03+06%3A04%3A45&from="
	    "%2B254791541111", NULL), &ev);
	ck_assert_str_eq(ev.phone, "+254791541111");
	channel_event_clear(&ev);

	tu_parse_ok(&channel_atsms, st, rq(CHANNEL_POST, NULL,
	    "from=%2B85512345678&to=1294&text=" KH_PCT "&id=ATXid_1"
	    "&date=2018-03-19T08%3A34%3A18.445Z&networkCode=45606", NULL), &ev);
	ck_assert_str_eq(ev.input, KH);
	ck_assert_str_eq(ev.network, "45606");
	channel_event_clear(&ev);

	/* No text is an empty message. */
	tu_parse_ok(&channel_atsms, st, rq(CHANNEL_POST, NULL,
	    "from=%2B85512345678&id=ATXid_2", NULL), &ev);
	ck_assert_str_eq(ev.input, "");
	ck_assert_ptr_null(ev.service_code);
	channel_event_clear(&ev);

	refused(&channel_atsms, st, rq(CHANNEL_POST, NULL, "empty", NULL),
	    CHANNEL_BAD, "missing field from");
	refused(&channel_atsms, st, rq(CHANNEL_POST, NULL, "linkId=0309&text="
	    "Msg&to=21512&date=2017-05-03T06%3A04%3A45Z&from=%2B254791541111",
	    NULL), CHANNEL_BAD, "missing field id");
	refused(&channel_atsms, st, rq(CHANNEL_POST, NULL, "from=%2B2547&id=1"
	    "&text=%E1%9E", NULL), CHANNEL_BAD, "invalid UTF-8");
	ck_assert_uint_eq(channel_atsms.methods(st), CHANNEL_ALLOW_POST);
	ck_assert_uint_eq(channel_atsms.flags, 0);
	channel_atsms.free(st);
}
END_TEST

/* Delivery reports (§2.2), courier's and the other statuses. */
START_TEST(test_atsms_reports)
{
	static const struct mapped	 map[] = {
		{ "Success", "delivered" },
		{ "Expired", "failed" },
		{ "Rejected", "failed" },
		{ "Failed", "failed" },
		{ "Sent", "sent" },
		{ "Submitted", "sent" },
		{ "Buffered", "sent" },
		{ "AbsentSubscriber", "sent" },
	};
	char	 body[256];
	size_t	 i;
	void	*st = conf_ok(&channel_atsms, AT_CONF "}");

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		snprintf(body, sizeof(body), "id=ATXid_dda018a640edfcc5d2ce455d"
		    "e3e4a6e7&status=%s", map[i].status);
		report(&channel_atsms, st, rq(CHANNEL_POST, NULL, body, NULL),
		    "ATXid_dda018a640edfcc5d2ce455de3e4a6e7", map[i].how);
	}
	report(&channel_atsms, st, rq(CHANNEL_POST, NULL, "id=ATXid_1&status="
	    "Failed&phoneNumber=%2B85512345678&networkCode=45606"
	    "&failureReason=UserInBlackList", NULL), "ATXid_1", "failed");
	report_refused(&channel_atsms, st, rq(CHANNEL_POST, NULL,
	    "id=ATXid_dda018a640edfcc5d2ce455de3e4a6e7", NULL), CHANNEL_BAD,
	    "missing field status");
	report_refused(&channel_atsms, st, rq(CHANNEL_POST, NULL,
	    "status=Success", NULL), CHANNEL_BAD, "missing field id");
	channel_atsms.free(st);
}
END_TEST

/* The legacy messaging POST byte for byte; the empty acknowledgement. */
START_TEST(test_atsms_send)
{
	static const char *const hdrs[] = {
		"apiKey: atsk_0123456789abcdef",
		"Accept: application/json",
		"Content-Type: application/x-www-form-urlencoded",
		NULL
	};
	struct channel_reply	 rep;
	struct channel_response	 out;
	struct channel_http	 h;
	struct channel_sms	 m;
	void			*st = conf_ok(&channel_atsms, AT_SEND);

	ck_assert_int_eq(channel_atsms.can_send(st), 1);
	m = sms("+85512345678", "HOTLINE", KH, TEXT_UCS2, NULL);
	ck_assert_int_eq(channel_atsms.send(st, &m, &h), 0);
	built(&h, "https://api.africastalking.com/version1/messaging", hdrs,
	    "username=hotline&to=%2B85512345678&message=" KH_FORM
	    "&from=HOTLINE");
	channel_http_clear(&h);
	m = sms("+250788383383", NULL, "Simple Message ☺", TEXT_UCS2,
	    "https://hotline.example.org/sms/at/dlr");
	ck_assert_int_eq(channel_atsms.send(st, &m, &h), 0);
	built(&h, "https://api.africastalking.com/version1/messaging", hdrs,
	    "username=hotline&to=%2B250788383383"
	    "&message=Simple+Message+%E2%98%BA");
	channel_http_clear(&h);

	memset(&rep, 0, sizeof(rep));
	rep.text = (char *)"ignored";
	ck_assert_int_eq(channel_atsms.format(st, &rep, &out), 0);
	ck_assert_str_eq(out.body, "");
	ck_assert_uint_eq(out.len, 0);
	ck_assert_str_eq(out.content_type, "text/plain; charset=utf-8");
	free(out.body);
	channel_atsms.free(st);

	st = conf_ok(&channel_atsms, AT_CONF ", \"at_username\": \"sandbox\", "
	    "\"at_api_key\": \"k\", \"at_sms_url\": "
	    "\"https://api.sandbox.africastalking.com/version1/messaging\"}");
	m = sms("+85512345678", NULL, "Hi", TEXT_GSM7, NULL);
	ck_assert_int_eq(channel_atsms.send(st, &m, &h), 0);
	ck_assert_str_eq(h.url,
	    "https://api.sandbox.africastalking.com/version1/messaging");
	ck_assert_str_eq(h.headers[0], "apiKey: k");
	channel_http_clear(&h);
	channel_atsms.free(st);
}
END_TEST

/* Each branch of the AT verdict (§2.3). */
START_TEST(test_atsms_verdict)
{
	static const struct judged	 answers[] = {
		{ 201, "{\"SMSMessageData\": {\"Message\": \"Sent to 1/1 Total "
		    "Cost: KES 0.8000\", \"Recipients\": [{\"statusCode\": "
		    "101, \"number\": \"+254711XXXYYY\", \"status\": "
		    "\"Success\", \"cost\": \"KES 0.8000\", \"messageId\": "
		    "\"ATPid_SampleTxnId123\"}]}}", CHANNEL_SENT,
		    "ATPid_SampleTxnId123", NULL },
		/*
		 * "Success" with statusCode 102 (Queued), as at-laravel
		 * recorded.
		 */
		{ 201, "{\"SMSMessageData\": {\"Message\": \"Sent to 1/1 Total "
		    "Cost: KES 0.8000\", \"Recipients\": [{\"statusCode\": "
		    "102, \"number\": \"+85512345678\", \"status\": "
		    "\"Success\", \"cost\": \"KES 0.8000\", \"messageId\": "
		    "\"ATXid_2\"}]}}", CHANNEL_SENT, "ATXid_2", NULL },
		{ 201, "{\"SMSMessageData\": {\"Message\": "
		    "\"InvalidSenderId\", \"Recipients\": []}}", CHANNEL_FAILED,
		    NULL, "no recipient accepted" },
		{ 201, "{\"SMSMessageData\": {\"Message\": \"Sent to 0/1 Total "
		    "Cost: 0\", \"Recipients\": [{\"statusCode\": 403, "
		    "\"number\": \"+85500\", \"status\": "
		    "\"InvalidPhoneNumber\", \"cost\": \"0\", \"messageId\": "
		    "\"None\"}]}}", CHANNEL_FAILED, NULL, "recipient refused" },
		{ 201, "{\"SMSMessageData\": {\"Message\": \"Sent to 0/1 Total "
		    "Cost: 0\", \"Recipients\": [{\"statusCode\": 500, "
		    "\"number\": \"+85512345678\", \"status\": "
		    "\"InternalServerError\", \"cost\": \"0\", \"messageId\": "
		    "\"None\"}]}}", CHANNEL_RETRY, NULL, "gateway error" },
		{ 201, "{\"SMSMessageData\": {\"Recipients\": [{\"status\": "
		    "\"GatewayError\"}]}}", CHANNEL_RETRY, NULL,
		    "gateway error" },
		{ 201, "The request has been accepted", CHANNEL_RETRY, NULL,
		    "unreadable answer" },
		{ 401, "{ \"error\": \"failed\" }", CHANNEL_FAILED, NULL,
		    "refused" },
		{ 429, "", CHANNEL_RETRY, NULL, "throttled" },
		{ 500, "", CHANNEL_RETRY, NULL, "gateway error" },
		{ 0, NULL, CHANNEL_RETRY, NULL, "no answer" },
	};
	void				*st = conf_ok(&channel_atsms, AT_SEND);

	verdicts(&channel_atsms, st, answers, nitems(answers));
	channel_atsms.free(st);
}
END_TEST

/* AT's configuration: receive only (with a warning), or a full account. */
START_TEST(test_atsms_conf)
{
	struct conf	 c;
	void		*st;

	c = conf_warned(&channel_atsms, AT_CONF "}", "has no token");
	ck_assert_int_eq(channel_atsms.can_send(c.state), 0);
	conf_done(&channel_atsms, &c);
	c = conf_load(&channel_atsms, AT_CONF "}", 1);
	ck_assert_uint_eq(diag_warnings(c.d), 0);
	conf_done(&channel_atsms, &c);

	conf_bad(&channel_atsms, AT_CONF ", \"at_username\": \"hotline\"}",
	    "needs at_api_key_file");
	conf_bad(&channel_atsms, AT_CONF ", \"at_api_key\": \"k\"}",
	    "needs at_username");
	conf_bad(&channel_atsms, AT_CONF ", \"at_sms_url\": "
	    "\"https://api.africastalking.com/version1/messaging\"}",
	    "at_sms_url needs at_username");
	conf_bad(&channel_atsms, AT_CONF ", \"at_username\": \"hotline\", "
	    "\"at_api_key\": \"k\", \"at_sms_url\": \"api.example\"}",
	    "http:// or https://");
	conf_bad(&channel_atsms, AT_CONF ", \"at_username\": \"hotline\", "
	    "\"at_api_key_file\": \"missing.key\"}", "missing.key");
	conf_bad(&channel_atsms, AT_CONF ", \"at_username\": \"hotline\", "
	    "\"at_api_key\": \"two words\"}", "without spaces or controls");
	secret_file("at.key", "atsk_from_file\n", 0600);
	st = conf_ok(&channel_atsms, AT_CONF ", \"at_username\": \"hotline\", "
	    "\"at_api_key_file\": \"at.key\"}");
	ck_assert_int_eq(channel_atsms.can_send(st), 1);
	sent_header(&channel_atsms, st, "Hi", "apiKey: atsk_from_file");
	channel_atsms.free(st);
	tu_cleanup();
}
END_TEST

/* Vonage: unsigned, and signed as in the doc's example (§4.2). */
#define VN_CONF	"{\"name\": \"vn\", \"type\": \"vonage\", \"path\": \"/sms/vn\""
#define VN_SIGNED(method, skew) VN_CONF ", \"vonage_signature_secret\": " \
	"\"mysecret\", \"vonage_signature_method\": \"" method "\", " \
	"\"vonage_max_skew_seconds\": " skew "}"
#define VN_SIG256 \
	"c2bab02262795f54084e3e06213a9c68a30be97289546f58d559cfd4a55e18d0"
/* The example's parameters, as Vonage might order them, without sig. */
#define VN_EX \
	"msisdn=447700900001&to=447700900000&messageId=0A0000000123ABCD1" \
	"&text=Hi+%26+bye+%3D+ok&type=text&keyword=HI" \
	"&message-timestamp=2020-01-01+12%3A00%3A00&timestamp=1577880000" \
	"&nonce=6a1c7bd5-0d4f-4a8e-9d8b-3f5e1c2a7b90"
#define VN_EX_JSON(ts, sig) \
	"{\"msisdn\": \"447700900001\", \"to\": \"447700900000\", " \
	"\"messageId\": \"0A0000000123ABCD1\", \"text\": \"Hi & bye = ok\", " \
	"\"type\": \"text\", \"keyword\": \"HI\", \"message-timestamp\": " \
	"\"2020-01-01 12:00:00\", \"timestamp\": " ts ", \"nonce\": " \
	"\"6a1c7bd5-0d4f-4a8e-9d8b-3f5e1c2a7b90\", \"sig\": \"" sig "\"}"

/* Expect the doc example's fields in ev. */
static void
vn_example(const struct channel_event *ev)
{
	ck_assert_str_eq(ev->phone, "447700900001");
	ck_assert_str_eq(ev->service_code, "447700900000");
	ck_assert_str_eq(ev->hop_id, "0A0000000123ABCD1");
	ck_assert_str_eq(ev->input, "Hi & bye = ok");
	ck_assert_uint_eq(ev->concat_total, 0);
}

/* The doc's example signature, by form POST, GET and JSON. */
START_TEST(test_vonage_signature)
{
	struct channel_event	 ev;
	void			*st;

	st = conf_ok(&channel_vonage, VN_SIGNED("sha256", "0"));
	tu_parse_ok(&channel_vonage, st, rq(CHANNEL_POST, NULL, VN_EX "&sig="
	    VN_SIG256, NULL), &ev);
	vn_example(&ev);
	channel_event_clear(&ev);
	tu_parse_ok(&channel_vonage, st, rq(CHANNEL_GET, "sig=" VN_SIG256 "&"
	    VN_EX, "", NULL), &ev);
	vn_example(&ev);
	channel_event_clear(&ev);
	tu_parse_ok(&channel_vonage, st, rq(CHANNEL_POST, NULL,
	    VN_EX_JSON("\"1577880000\"", VN_SIG256), NULL), &ev);
	vn_example(&ev);
	channel_event_clear(&ev);
	/* A JSON number signs as its digits. */
	parses(&channel_vonage, st, rq(CHANNEL_POST, NULL,
	    VN_EX_JSON("1577880000", VN_SIG256), NULL));
	/* Upper-case hex is the same signature. */
	parses(&channel_vonage, st, rq(CHANNEL_POST, NULL, VN_EX
	    "&sig=C2BAB02262795F54084E3E06213A9C68A30BE97289546F58D559C"
	    "FD4A55E18D0", NULL));

	refused(&channel_vonage, st, rq(CHANNEL_POST, NULL, VN_EX, NULL),
	    CHANNEL_FORBIDDEN, "missing signature");
	refused(&channel_vonage, st, rq(CHANNEL_POST, NULL, VN_EX "&sig="
	    "c2bab02262795f54084e3e06213a9c68a30be97289546f58d559cfd4a55e18d1",
	    NULL), CHANNEL_FORBIDDEN, "bad signature");
	refused(&channel_vonage, st, rq(CHANNEL_POST, NULL, VN_EX "&sig="
	    "c2bab02262795f54084e3e06213a9c68", NULL), CHANNEL_FORBIDDEN,
	    "bad signature");
	/*
	 * The signed text makes '&' and '=' '_', so a text that has '_'
	 * there verifies too (Vonage's scheme, not ours to fix).
	 */
	tu_parsed_text(&channel_vonage, st, rq(CHANNEL_POST, NULL,
	    "msisdn=447700900001&to=447700900000&messageId=0A0000000123ABCD1"
	    "&text=Hi+_+bye+_+ok&type=text&keyword=HI"
	    "&message-timestamp=2020-01-01+12%3A00%3A00&timestamp=1577880000"
	    "&nonce=6a1c7bd5-0d4f-4a8e-9d8b-3f5e1c2a7b90&sig=" VN_SIG256, NULL),
	    "Hi _ bye _ ok");
	/* Any other change to a value or a name breaks it. */
	refused(&channel_vonage, st, rq(CHANNEL_POST, NULL,
	    "msisdn=447700900002&to=447700900000&messageId=0A0000000123ABCD1"
	    "&text=Hi+%26+bye+%3D+ok&type=text&keyword=HI"
	    "&message-timestamp=2020-01-01+12%3A00%3A00&timestamp=1577880000"
	    "&nonce=6a1c7bd5-0d4f-4a8e-9d8b-3f5e1c2a7b90&sig=" VN_SIG256,
	    NULL), CHANNEL_FORBIDDEN, "bad signature");
	refused(&channel_vonage, st, rq(CHANNEL_POST, NULL, VN_EX "&x=&sig="
	    VN_SIG256, NULL), CHANNEL_FORBIDDEN, "bad signature");
	channel_vonage.free(st);

	/* The default skew: the example is from 2020. */
	st = conf_ok(&channel_vonage, VN_CONF ", \"vonage_signature_secret\": "
	    "\"mysecret\", \"vonage_signature_method\": \"sha256\"}");
	refused(&channel_vonage, st, rq(CHANNEL_POST, NULL, VN_EX "&sig="
	    VN_SIG256, NULL), CHANNEL_FORBIDDEN, "stale signature");
	channel_vonage.free(st);
}
END_TEST

/* The same parameters under each other method (computed with Python). */
START_TEST(test_vonage_methods)
{
	static const struct {
		const char	*method;
		const char	*sig;
	} v[] = {
		{ "md5", "920ec5b2273ecffd49f3bb6f8b14421e" },
		{ "sha1", "5e11a7084d464167c286060b1ddd977c39689769" },
		{ "sha512", "6d062a3a6e6cf69aca3bdb5bf97c8fbb2cfabac3cb6fd019"
		  "29f6da7eb9887db4999baafb7922ec39aecb158f580db0466944e771bb"
		  "3bb54cd3242566cd5cab9a" },
		{ "md5hash", "6f79d716227faf0803537347bd8951cd" },
	};
	struct channel_event	 ev;
	const char		*cause;
	char			 conf[512], body[1024];
	void			*st;
	size_t			 i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		snprintf(conf, sizeof(conf), VN_CONF ", "
		    "\"vonage_signature_secret\": \"mysecret\", "
		    "\"vonage_signature_method\": \"%s\", "
		    "\"vonage_max_skew_seconds\": 0}", v[i].method);
		st = conf_ok(&channel_vonage, conf);
		snprintf(body, sizeof(body), "%s&sig=%s", VN_EX, v[i].sig);
		ck_assert_msg(tu_parse(&channel_vonage, st, rq(CHANNEL_POST,
		    NULL, body, NULL), &ev, &cause) == 0, "%s: %s", v[i].method,
		    cause);
		vn_example(&ev);
		channel_event_clear(&ev);
		/* Another method's signature does not pass. */
		snprintf(body, sizeof(body), "%s&sig=%s", VN_EX,
		    v[(i + 1) % 4].sig);
		refused(&channel_vonage, st, rq(CHANNEL_POST, NULL, body,
		    NULL), CHANNEL_FORBIDDEN, "bad signature");
		channel_vonage.free(st);
	}
	/* HMAC-MD5 is the default method. */
	st = conf_ok(&channel_vonage, VN_CONF ", \"vonage_signature_secret\": "
	    "\"mysecret\", \"vonage_max_skew_seconds\": 0}");
	parses(&channel_vonage, st, rq(CHANNEL_POST, NULL, VN_EX
	    "&sig=920ec5b2273ecffd49f3bb6f8b14421e", NULL));
	channel_vonage.free(st);
}
END_TEST

/* A message signed now passes the skew check; an old or future one not. */
START_TEST(test_vonage_skew)
{
	struct channel_event	 ev;
	const char		*cause;
	char			 text[256], body[512];
	long long		 now = (long long)time(NULL), ts;
	void			*st;
	int			 i;

	st = conf_ok(&channel_vonage, VN_SIGNED("sha256", "300"));
	for (i = 0; i < 3; i++) {
		ts = now + (i == 0 ? -10 : i == 1 ? -1000 : 1000);
		snprintf(text, sizeof(text), "&messageId=X1&msisdn=85512345678"
		    "&nonce=n1&text=hi&timestamp=%lld&to=1294&type=text", ts);
		snprintf(body, sizeof(body), "msisdn=85512345678&to=1294"
		    "&messageId=X1&text=hi&type=text&timestamp=%lld&nonce=n1"
		    "&sig=%s", ts, hmac_hex(DIGEST_SHA256, "mysecret", 8, text,
		    strlen(text)));
		if (i == 0) {
			ck_assert_int_eq(tu_parse(&channel_vonage, st,
			    rq(CHANNEL_POST, NULL, body, NULL), &ev, &cause),
			    0);
			ck_assert_str_eq(ev.input, "hi");
			channel_event_clear(&ev);
		} else
			refused(&channel_vonage, st, rq(CHANNEL_POST, NULL,
			    body, NULL), CHANNEL_FORBIDDEN, "stale signature");
	}
	/* Signed without a timestamp. */
	snprintf(body, sizeof(body), "msisdn=85512345678&sig=%s",
	    hmac_hex(DIGEST_SHA256, "mysecret", 8, "&msisdn=85512345678", 19));
	refused(&channel_vonage, st, rq(CHANNEL_POST, NULL, body, NULL),
	    CHANNEL_FORBIDDEN, "signed without a timestamp");
	channel_vonage.free(st);
}
END_TEST

/* Courier's captures (GET and form POST), Khmer, concat and refusals. */
START_TEST(test_vonage_inbound)
{
	struct channel_event	 ev;
	const char		*cause;
	void			*st = conf_ok(&channel_vonage, VN_CONF "}");

	ck_assert_int_eq(tu_parse(&channel_vonage, st, rq(CHANNEL_GET,
	    "to=2020&msisdn=2349067554729&text=Join&messageId=external1", "",
	    NULL), &ev, &cause), 0);
	ck_assert_str_eq(ev.phone, "2349067554729");
	ck_assert_str_eq(ev.service_code, "2020");
	ck_assert_str_eq(ev.hop_id, "external1");
	ck_assert_str_eq(ev.input, "Join");
	channel_event_clear(&ev);
	tu_parse_ok(&channel_vonage, st, rq(CHANNEL_POST, NULL,
	    "to=2020&msisdn=2349067554729&text=Join&messageId=external1", NULL),
	    &ev);
	ck_assert_str_eq(ev.phone, "2349067554729");
	ck_assert_str_eq(ev.input, "Join");
	channel_event_clear(&ev);
	tu_parse_ok(&channel_vonage, st, rq(CHANNEL_POST, NULL,
	    " {\"msisdn\": 85512345678, \"to\": \"1294\", \"messageId\": "
	    "\"0B00000055\", \"text\": \"" KH "\", \"type\": \"unicode\"}",
	    NULL), &ev);
	ck_assert_str_eq(ev.phone, "85512345678");
	ck_assert_str_eq(ev.input, KH);
	channel_event_clear(&ev);

	/* Part 2 of 3 that Vonage did not reassemble. */
	tu_parse_ok(&channel_vonage, st, rq(CHANNEL_POST, NULL,
	    "msisdn=85512345678&to=1294&messageId=0B00000056&text=" KH_PCT
	    "&type=unicode&concat=true&concat-ref=108&concat-total=3"
	    "&concat-part=2", NULL), &ev);
	ck_assert_str_eq(ev.input, KH);
	ck_assert_str_eq(ev.concat_ref, "108");
	ck_assert_uint_eq(ev.concat_part, 2);
	ck_assert_uint_eq(ev.concat_total, 3);
	channel_event_clear(&ev);
	tu_parse_ok(&channel_vonage, st, rq(CHANNEL_POST, NULL,
	    "{\"msisdn\": \"85512345678\", \"messageId\": \"0B1\", "
	    "\"text\": \"a\", \"concat\": \"true\", \"concat-ref\": \"7\", "
	    "\"concat-total\": 255, \"concat-part\": 255}", NULL), &ev);
	ck_assert_str_eq(ev.concat_ref, "7");
	ck_assert_uint_eq(ev.concat_part, 255);
	ck_assert_uint_eq(ev.concat_total, 255);
	channel_event_clear(&ev);

	refused(&channel_vonage, st, rq(CHANNEL_POST, NULL, "msisdn=855&"
	    "messageId=1&concat=true&concat-ref=1&concat-total=2"
	    "&concat-part=3", NULL), CHANNEL_BAD, "bad concat fields");
	refused(&channel_vonage, st, rq(CHANNEL_POST, NULL, "msisdn=855&"
	    "messageId=1&concat=true&concat-ref=1&concat-total=256"
	    "&concat-part=3", NULL), CHANNEL_BAD, "bad concat fields");
	refused(&channel_vonage, st, rq(CHANNEL_POST, NULL, "msisdn=855&"
	    "messageId=1&concat=true&concat-ref=1&concat-total=2"
	    "&concat-part=0", NULL), CHANNEL_BAD, "bad concat fields");
	refused(&channel_vonage, st, rq(CHANNEL_POST, NULL, "msisdn=855&"
	    "messageId=1&concat=true&concat-total=2&concat-part=1", NULL),
	    CHANNEL_BAD, "bad concat fields");
	refused(&channel_vonage, st, rq(CHANNEL_POST, NULL, "msisdn=855&"
	    "messageId=1&concat=true", NULL), CHANNEL_BAD,
	    "bad concat fields");
	refused(&channel_vonage, st, rq(CHANNEL_POST, NULL, "msisdn=855&"
	    "messageId=1&concat-ref=1&concat-total=2x&concat-part=1", NULL),
	    CHANNEL_BAD, "bad concat fields");
	refused(&channel_vonage, st, rq(CHANNEL_POST, NULL, "msisdn=855&"
	    "messageId=1&type=binary&data=0102&udh=050003CC0201", NULL),
	    CHANNEL_BAD, "binary messages are not taken");
	refused(&channel_vonage, st, rq(CHANNEL_GET, "to=2020&text=Join"
	    "&messageId=external1", "", NULL), CHANNEL_BAD,
	    "missing field msisdn");
	refused(&channel_vonage, st, rq(CHANNEL_GET, "to=2020&text=Join"
	    "&msisdn=2349067554729", "", NULL), CHANNEL_BAD,
	    "missing field messageId");
	refused(&channel_vonage, st, rq(CHANNEL_GET, "to=2020&msisdn="
	    "2349067554729&text=%zz", "", NULL), CHANNEL_BAD,
	    "invalid percent-encoding");
	refused(&channel_vonage, st, rq(CHANNEL_GET, "msisdn=1&msisdn=2"
	    "&messageId=1", "", NULL), CHANNEL_BAD, "a field is repeated");
	refused(&channel_vonage, st, rq(CHANNEL_POST, NULL, "{\"msisdn\": "
	    "\"855\", \"messageId\": \"1\", \"x\": {}}", NULL), CHANNEL_BAD,
	    "a JSON field must be a string or an integer");
	refused(&channel_vonage, st, rq(CHANNEL_POST, NULL, "{\"msisdn\": ",
	    NULL), CHANNEL_BAD, "invalid JSON body");
	ck_assert_uint_eq(channel_vonage.methods(st),
	    CHANNEL_ALLOW_GET | CHANNEL_ALLOW_POST);
	channel_vonage.free(st);
}
END_TEST

/* Delivery reports (§4.3), courier's captures. */
START_TEST(test_vonage_reports)
{
	static const struct mapped	 map[] = {
		{ "delivered", "delivered" },
		{ "expired", "failed" },
		{ "failed", "failed" },
		{ "rejected", "failed" },
		{ "accepted", "sent" },
		{ "buffered", "sent" },
		{ "unknown", "sent" },
	};
	char	 q[256];
	size_t	 i;
	void	*st = conf_ok(&channel_vonage, VN_CONF "}");

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		snprintf(q, sizeof(q), "to=2020&messageId=external1&status=%s"
		    "&err-code=0", map[i].status);
		report(&channel_vonage, st, rq(CHANNEL_GET, q, "", NULL),
		    "external1", map[i].how);
	}
	report(&channel_vonage, st, rq(CHANNEL_POST, NULL, "to=2020&messageId="
	    "external1&status=failed&err-code=6", NULL), "external1",
	    "failed");
	report(&channel_vonage, st, rq(CHANNEL_POST, NULL, "{\"to\": \"2020\", "
	    "\"messageId\": \"external1\", \"status\": \"delivered\", "
	    "\"err-code\": \"0\"}", NULL), "external1", "delivered");
	report_refused(&channel_vonage, st, rq(CHANNEL_GET, "", "", NULL),
	    CHANNEL_BAD, "missing field messageId");
	report_refused(&channel_vonage, st, rq(CHANNEL_GET, "messageId=e1", "",
	    NULL), CHANNEL_BAD, "missing field status");
	channel_vonage.free(st);

	/* With a secret: a signed report must verify, an unsigned passes. */
	st = conf_ok(&channel_vonage, VN_SIGNED("sha256", "0"));
	report(&channel_vonage, st, rq(CHANNEL_GET, "to=2020&messageId="
	    "external1&status=delivered&err-code=0", "", NULL), "external1",
	    "delivered");
	report_refused(&channel_vonage, st, rq(CHANNEL_GET, "to=2020&messageId="
	    "external1&status=delivered&sig=" VN_SIG256, "", NULL),
	    CHANNEL_FORBIDDEN, "bad signature");
	channel_vonage.free(st);
}
END_TEST

/* Vonage's account. */
#define VN_SEND	VN_CONF ", \"vonage_api_key\": \"abcd1234\", " \
		"\"vonage_api_secret\": \"Secret0123456789\"}"

/* The /sms/json POST byte for byte, GSM-7 and Khmer. */
START_TEST(test_vonage_send)
{
	static const char *const hdrs[] = {
		"Accept: application/json",
		"Content-Type: application/x-www-form-urlencoded",
		NULL
	};
	struct channel_reply	 rep;
	struct channel_response	 out;
	struct channel_http	 h;
	struct channel_sms	 m;
	void			*st = conf_ok(&channel_vonage, VN_SEND);

	ck_assert_int_eq(channel_vonage.can_send(st), 1);
	m = sms("+85512345678", "HOTLINE", KH, TEXT_UCS2,
	    "https://hotline.example.org/sms/vn/dlr");
	ck_assert_int_eq(channel_vonage.send(st, &m, &h), 0);
	built(&h, "https://rest.nexmo.com/sms/json", hdrs, "api_key=abcd1234"
	    "&api_secret=Secret0123456789&from=HOTLINE&to=85512345678&text="
	    KH_FORM "&type=unicode&status-report-req=1&callback=https%3A%2F%2F"
	    "hotline.example.org%2Fsms%2Fvn%2Fdlr");
	channel_http_clear(&h);
	m = sms("+250788383383", "2020", "Simple Message", TEXT_GSM7, NULL);
	ck_assert_int_eq(channel_vonage.send(st, &m, &h), 0);
	built(&h, "https://rest.nexmo.com/sms/json", hdrs, "api_key=abcd1234"
	    "&api_secret=Secret0123456789&from=2020&to=250788383383"
	    "&text=Simple+Message");
	channel_http_clear(&h);
	m = sms("+855 12", "2020", "x", TEXT_GSM7, NULL);
	ck_assert_int_eq(channel_vonage.send(st, &m, &h), -1);
	m = sms("+85512345678", NULL, "x", TEXT_GSM7, NULL);
	ck_assert_int_eq(channel_vonage.send(st, &m, &h), -1);
	ck_assert_ptr_null(h.body);

	memset(&rep, 0, sizeof(rep));
	ck_assert_int_eq(channel_vonage.format(st, &rep, &out), 0);
	ck_assert_str_eq(out.body, "");
	ck_assert_uint_eq(out.len, 0);
	free(out.body);
	channel_vonage.free(st);

	st = conf_ok(&channel_vonage, VN_CONF "}");
	ck_assert_int_eq(channel_vonage.can_send(st), 0);
	m = sms("+85512345678", "2020", "x", TEXT_GSM7, NULL);
	ck_assert_int_eq(channel_vonage.send(st, &m, &h), -1);
	channel_vonage.free(st);
}
END_TEST

/* Each branch of the /sms/json verdict. */
START_TEST(test_vonage_verdict)
{
	static const struct judged	 answers[] = {
		{ 200, "{\"message-count\": \"1\", \"messages\": [{\"to\": "
		    "\"85512345678\", \"message-id\": \"0A0000000123ABCD1\", "
		    "\"status\": \"0\", \"remaining-balance\": \"3.14159265\", "
		    "\"message-price\": \"0.03330000\", \"network\": "
		    "\"45606\"}]}", CHANNEL_SENT, "0A0000000123ABCD1", NULL },
		{ 200, "{\"messages\": [{\"status\": \"1\", \"error-text\": "
		    "\"Throughput Rate Exceeded - please wait [ 10 ] and "
		    "retry\"}]}", CHANNEL_RETRY, NULL, "throttled" },
		{ 200, "{\"messages\": [{\"status\": \"10\"}]}", CHANNEL_FAILED,
		    NULL, "refused" },
		{ 200, "{\"messages\": [{\"status\": 4}]}", CHANNEL_FAILED,
		    NULL, "refused" },
		{ 200, "{\"messages\": [{\"status\": 0, \"message-id\": "
		    "\"X\"}]}", CHANNEL_SENT, "X", NULL },
		{ 200, "Error", CHANNEL_RETRY, NULL, "unreadable answer" },
		{ 400, "Error", CHANNEL_FAILED, NULL, "refused" },
		{ 401, "Invalid API token", CHANNEL_FAILED, NULL, "refused" },
		{ 429, "Error", CHANNEL_RETRY, NULL, "throttled" },
		{ 502, "", CHANNEL_RETRY, NULL, "gateway error" },
		{ 0, NULL, CHANNEL_RETRY, NULL, "no answer" },
	};
	void				*st = conf_ok(&channel_vonage, VN_SEND);

	verdicts(&channel_vonage, st, answers, nitems(answers));
	channel_vonage.free(st);
}
END_TEST

/* Vonage's configuration errors and warnings. */
START_TEST(test_vonage_conf)
{
	struct conf	 c;
	void		*st;

	c = conf_warned(&channel_vonage, VN_CONF "}",
	    "neither a signature secret nor a token");
	conf_done(&channel_vonage, &c);
	c = conf_load(&channel_vonage, VN_SIGNED("md5", "300"), 0);
	ck_assert_uint_eq(c.errors, 0);
	ck_assert_uint_eq(diag_warnings(c.d), 0);
	conf_done(&channel_vonage, &c);

	conf_bad(&channel_vonage, VN_CONF ", \"vonage_signature_method\": "
	    "\"sha256\"}", "need vonage_signature_secret_file");
	conf_bad(&channel_vonage, VN_CONF ", \"vonage_max_skew_seconds\": 60}",
	    "need vonage_signature_secret_file");
	conf_bad(&channel_vonage, VN_CONF ", \"vonage_signature_secret\": "
	    "\"s\", \"vonage_signature_method\": \"sha384\"}",
	    "vonage_signature_method");
	conf_bad(&channel_vonage, VN_CONF ", \"vonage_signature_secret\": "
	    "\"s\", \"vonage_max_skew_seconds\": -1}",
	    "vonage_max_skew_seconds");
	conf_bad(&channel_vonage, VN_CONF ", \"vonage_api_key\": \"k\"}",
	    "needs vonage_api_secret_file");
	conf_bad(&channel_vonage, VN_CONF ", \"vonage_api_secret\": \"s\"}",
	    "needs vonage_api_key");
	conf_bad(&channel_vonage, VN_CONF ", \"vonage_sms_url\": "
	    "\"https://rest.nexmo.com/sms/json\"}", "vonage_sms_url needs");
	conf_bad(&channel_vonage, VN_CONF ", \"vonage_api_key\": \"k\", "
	    "\"vonage_api_secret\": \"s\", \"vonage_sms_url\": "
	    "\"rest.nexmo.com/sms/json\"}", "http:// or https://");
	conf_bad(&channel_vonage, VN_CONF ", \"vonage_signature_secret_file\": "
	    "\"none.key\"}", "none.key");
	secret_file("vn.key", "mysecret\n", 0600);
	st = conf_ok(&channel_vonage, VN_CONF ", "
	    "\"vonage_signature_secret_file\": \"vn.key\", "
	    "\"vonage_signature_method\": \"sha256\", "
	    "\"vonage_max_skew_seconds\": 0}");
	parses(&channel_vonage, st, rq(CHANNEL_POST, NULL, VN_EX "&sig="
	    VN_SIG256, NULL));
	channel_vonage.free(st);
	tu_cleanup();
}
END_TEST

/* Infobip. courier handlers/infobip/handler_test.go, helloMsg. */
#define IB_CONF	"{\"name\": \"ib\", \"type\": \"infobip\", " \
		"\"path\": \"/sms/ib\""
#define IB_HELLO \
	"{\n  \t\"results\": [\n\t\t{\n\t\t\t\"messageId\": " \
	"\"817790313235066447\",\n\t\t\t\"from\": \"385916242493\",\n" \
	"\t\t\t\"to\": \"385921004026\",\n\t\t\t\"text\": \"QUIZ Correct " \
	"answer is Paris\",\n\t\t\t\"cleanText\": \"Correct answer is " \
	"Paris\",\n\t\t\t\"keyword\": \"QUIZ\",\n\t\t\t\"receivedAt\": " \
	"\"2016-10-06T09:28:39.220Z\",\n\t\t\t\"smsCount\": 1,\n\t\t\t" \
	"\"price\": {\n\t\t\t\t\"pricePerMessage\": 0,\n\t\t\t\t" \
	"\"currency\": \"EUR\"\n\t\t\t},\n\t\t\t\"callbackData\": " \
	"\"callbackData\"\n\t\t}\n\t],\n\t\"messageCount\": 1,\n\t" \
	"\"pendingMessageCount\": 0\n}"

/* Courier's captured message, Khmer, and every refusal. */
START_TEST(test_infobip_inbound)
{
	struct channel_event	 ev;
	void			*st = conf_ok(&channel_infobip, IB_CONF "}");

	tu_parse_ok(&channel_infobip, st, rq(CHANNEL_POST, NULL, IB_HELLO,
	    NULL), &ev);
	ck_assert_str_eq(ev.hop_id, "817790313235066447");
	ck_assert_str_eq(ev.phone, "385916242493");
	ck_assert_str_eq(ev.service_code, "385921004026");
	ck_assert_str_eq(ev.input, "QUIZ Correct answer is Paris");
	channel_event_clear(&ev);

	tu_parse_ok(&channel_infobip, st, rq(CHANNEL_POST, NULL,
	    "{\"results\": [{\"messageId\": \"ABC-1\", \"from\": "
	    "\"85512345678\", \"to\": 1294, \"text\": \"" KH "\", "
	    "\"cleanText\": \"" KH "\", \"keyword\": \"\", \"receivedAt\": "
	    "\"2016-10-06T09:28:39.220+0000\", \"smsCount\": 1}], "
	    "\"messageCount\": 1, \"pendingMessageCount\": 0}", NULL), &ev);
	ck_assert_str_eq(ev.service_code, "1294");
	ck_assert_str_eq(ev.input, KH);
	channel_event_clear(&ev);

	/* courier's missingText: an empty message. */
	tu_parsed_text(&channel_infobip, st, rq(CHANNEL_POST, NULL,
	    "{\"results\": [{\"messageId\": \"817790313235066447\", "
	    "\"from\": \"385916242493\", \"to\": \"385921004026\", "
	    "\"text\": \"\", \"cleanText\": \"Correct answer is Paris\"}], "
	    "\"messageCount\": 1, \"pendingMessageCount\": 0}", NULL), "");

	/* courier's missingResults, then no message at all. */
	refused(&channel_infobip, st, rq(CHANNEL_POST, NULL,
	    "{\"unexpected\": [{\"messageId\": \"817790313235066447\", "
	    "\"from\": \"385916242493\"}], \"messageCount\": 1, "
	    "\"pendingMessageCount\": 0}", NULL), CHANNEL_BAD, "no message");
	refused(&channel_infobip, st, rq(CHANNEL_POST, NULL, "{\"results\": "
	    "[], \"messageCount\": 0, \"pendingMessageCount\": 0}", NULL),
	    CHANNEL_BAD, "no message");
	refused(&channel_infobip, st, rq(CHANNEL_POST, NULL, "{\"results\": "
	    "[{\"messageId\": \"1\", \"from\": \"855\", \"text\": \"a\"}, "
	    "{\"messageId\": \"2\", \"from\": \"855\", \"text\": \"b\"}], "
	    "\"messageCount\": 2, \"pendingMessageCount\": 0}", NULL),
	    CHANNEL_BAD, "several messages in one request");
	refused(&channel_infobip, st, rq(CHANNEL_POST, NULL, "{\"results\": "
	    "[{\"messageId\": \"1\", \"to\": \"855\"}]}", NULL), CHANNEL_BAD,
	    "missing field from");
	refused(&channel_infobip, st, rq(CHANNEL_POST, NULL, "{\"results\": "
	    "[{\"from\": \"855\", \"text\": \"a\"}]}", NULL), CHANNEL_BAD,
	    "missing field messageId");
	refused(&channel_infobip, st, rq(CHANNEL_POST, NULL, "{\"results\": "
	    "{}}", NULL), CHANNEL_BAD, "results must be an array");
	refused(&channel_infobip, st, rq(CHANNEL_POST, NULL, "{\"results\": "
	    "[\"x\"]}", NULL), CHANNEL_BAD, "a result must be an object");
	refused(&channel_infobip, st, rq(CHANNEL_POST, NULL, "Invalid", NULL),
	    CHANNEL_BAD, "invalid JSON body");
	refused(&channel_infobip, st, rq(CHANNEL_POST, NULL, "[1]", NULL),
	    CHANNEL_BAD, "invalid JSON body");
	ck_assert_uint_eq(channel_infobip.methods(st), CHANNEL_ALLOW_POST);
	channel_infobip.free(st);
}
END_TEST

/* Delivery reports (§4.5), courier's captures. */
START_TEST(test_infobip_reports)
{
	static const struct mapped	 map[] = {
		{ "DELIVERED", "delivered" },
		{ "REJECTED", "failed" },
		{ "UNDELIVERABLE", "failed" },
		{ "EXPIRED", "failed" },
		{ "PENDING", "sent" },
	};
	char	 body[256];
	size_t	 i;
	void	*st = conf_ok(&channel_infobip, IB_CONF "}");

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		snprintf(body, sizeof(body), "{\n\t\"results\": [\n\t\t{\n"
		    "\t\t\t\"messageId\": \"12345\",\n\t\t\t\"status\": {\n"
		    "\t\t\t\t\"groupName\": \"%s\"\n\t\t\t}\n\t\t}\n\t]\n}",
		    map[i].status);
		report(&channel_infobip, st, rq(CHANNEL_POST, NULL, body, NULL),
		    "12345", map[i].how);
	}
	/* courier's statusMissingResultsKey and validStatusPending. */
	report_refused(&channel_infobip, st, rq(CHANNEL_POST, NULL,
	    "{\n\t\"deliveryReport\": [\n\t\t{\n\t\t\t\"messageId\": "
	    "\"12345\",\n\t\t\t\"status\": {\n\t\t\t\t\"groupName\": "
	    "\"DELIVERED\"\n\t\t\t}\n\t\t}\n\t]\n}", NULL), CHANNEL_BAD,
	    "no message");
	report_refused(&channel_infobip, st, rq(CHANNEL_POST, NULL,
	    "{\"results\": [{\"messageId\": \"12345\", \"status\": "
	    "{\"groupName\": \"PENDING\"}}, {\"messageId\": \"12347\", "
	    "\"status\": {\"groupName\": \"PENDING\"}}]}", NULL), CHANNEL_BAD,
	    "several messages in one request");
	report_refused(&channel_infobip, st, rq(CHANNEL_POST, NULL,
	    "{\"results\": [{\"messageId\": \"12345\"}]}", NULL), CHANNEL_BAD,
	    "missing field status.groupName");
	report_refused(&channel_infobip, st, rq(CHANNEL_POST, NULL,
	    "{\"results\": [{\"status\": {\"groupName\": \"DELIVERED\"}}]}",
	    NULL), CHANNEL_BAD, "missing field messageId");
	report_refused(&channel_infobip, st, rq(CHANNEL_POST, NULL, "Invalid",
	    NULL), CHANNEL_BAD, "invalid JSON body");
	channel_infobip.free(st);
}
END_TEST

/* Infobip's account. */
#define IB_SEND	IB_CONF ", \"infobip_api_key\": \"test-api-key\", " \
		"\"infobip_base_url\": \"https://xxxxx.api.infobip.com/\"}"

/* The /sms/3/messages POST byte for byte. */
START_TEST(test_infobip_send)
{
	static const char *const hdrs[] = {
		"Authorization: App test-api-key",
		"Content-Type: application/json",
		"Accept: application/json",
		NULL
	};
	struct channel_reply	 rep;
	struct channel_response	 out;
	struct channel_http	 h;
	struct channel_sms	 m;
	void			*st = conf_ok(&channel_infobip, IB_SEND);

	ck_assert_int_eq(channel_infobip.can_send(st), 1);
	m = sms("+85512345678", "HOTLINE", KH, TEXT_UCS2,
	    "https://hotline.example.org/sms/ib/dlr");
	ck_assert_int_eq(channel_infobip.send(st, &m, &h), 0);
	built(&h, "https://xxxxx.api.infobip.com/sms/3/messages", hdrs,
	    "{\"messages\":[{\"from\":\"HOTLINE\",\"destinations\":[{\"to\":"
	    "\"85512345678\",\"messageId\":\"m-42\"}],\"content\":{\"text\":"
	    "\"" KH "\"},\"webhooks\":{\"delivery\":{\"url\":"
	    "\"https://hotline.example.org/sms/ib/dlr\",\"contentType\":"
	    "\"application/json\"}}}]}");
	channel_http_clear(&h);
	m = sms("+250788383383", NULL, "Simple \"Message\"", TEXT_GSM7, NULL);
	ck_assert_int_eq(channel_infobip.send(st, &m, &h), 0);
	built(&h, "https://xxxxx.api.infobip.com/sms/3/messages", hdrs,
	    "{\"messages\":[{\"destinations\":[{\"to\":\"250788383383\","
	    "\"messageId\":\"m-42\"}],\"content\":{\"text\":"
	    "\"Simple \\\"Message\\\"\"}}]}");
	channel_http_clear(&h);
	m = sms("+85512x", NULL, "x", TEXT_GSM7, NULL);
	ck_assert_int_eq(channel_infobip.send(st, &m, &h), -1);
	ck_assert_ptr_null(h.body);

	memset(&rep, 0, sizeof(rep));
	ck_assert_int_eq(channel_infobip.format(st, &rep, &out), 0);
	ck_assert_str_eq(out.body, "");
	free(out.body);
	channel_infobip.free(st);

	/* The default base URL. */
	st = conf_ok(&channel_infobip, IB_CONF ", \"infobip_api_key\": "
	    "\"k\"}");
	m = sms("+85512345678", NULL, "x", TEXT_GSM7, NULL);
	ck_assert_int_eq(channel_infobip.send(st, &m, &h), 0);
	ck_assert_str_eq(h.url, "https://api.infobip.com/sms/3/messages");
	channel_http_clear(&h);
	channel_infobip.free(st);
}
END_TEST

/* Each branch of the verdict (courier's recorded answers). */
START_TEST(test_infobip_verdict)
{
	static const struct judged	 answers[] = {
		{ 200, "{\"messages\":[{\"status\":{\"groupId\": 1}, "
		    "\"messageId\": \"12345\"}]}", CHANNEL_SENT, "12345",
		    NULL },
		{ 200, "{\"messages\":[{\"status\":{\"groupId\": 3, "
		    "\"groupName\": \"DELIVERED\"}, \"messageId\": \"m-42\"}]}",
		    CHANNEL_SENT, "m-42", NULL },
		{ 200, "{\"messages\":[{\"status\":{\"groupId\": 1}}]}",
		    CHANNEL_SENT, NULL, NULL },
		{ 200, "{\"messages\":[{\"status\":{\"groupId\": 2}}]}",
		    CHANNEL_FAILED, NULL, "refused" },
		{ 200, "{\"messages\":[{\"status\":{\"groupId\": 5, "
		    "\"groupName\": \"REJECTED\"}}]}", CHANNEL_FAILED, NULL,
		    "refused" },
		{ 200, "{}", CHANNEL_RETRY, NULL, "unreadable answer" },
		{ 401, "{ \"error\": \"failed\" }", CHANNEL_FAILED, NULL,
		    "refused" },
		{ 400, "{}", CHANNEL_FAILED, NULL, "refused" },
		{ 429, "{ \"error\": \"failed\" }", CHANNEL_RETRY, NULL,
		    "throttled" },
		{ 500, "", CHANNEL_RETRY, NULL, "gateway error" },
		{ 0, NULL, CHANNEL_RETRY, NULL, "no answer" },
	};
	void				*st;

	st = conf_ok(&channel_infobip, IB_SEND);
	verdicts(&channel_infobip, st, answers, nitems(answers));
	channel_infobip.free(st);
}
END_TEST

/* Infobip's configuration errors and warning. */
START_TEST(test_infobip_conf)
{
	struct conf	 c;
	void		*st;

	c = conf_warned(&channel_infobip, IB_CONF "}", "Infobip signs nothing");
	ck_assert_int_eq(channel_infobip.can_send(c.state), 0);
	conf_done(&channel_infobip, &c);

	conf_bad(&channel_infobip, IB_CONF ", \"infobip_base_url\": "
	    "\"https://xxxxx.api.infobip.com\"}", "infobip_base_url needs");
	conf_bad(&channel_infobip, IB_CONF ", \"infobip_api_key\": \"k\", "
	    "\"infobip_base_url\": \"xxxxx.api.infobip.com\"}",
	    "http:// or https://");
	conf_bad(&channel_infobip, IB_CONF ", \"infobip_api_key\": \"k\", "
	    "\"infobip_api_key_file\": \"ib.key\"}", "use either");
	conf_bad(&channel_infobip, IB_CONF ", \"infobip_api_key\": \"\"}",
	    "infobip_api_key");
	secret_file("ib-open.key", "k\n", 0640);
	conf_bad(&channel_infobip, IB_CONF ", \"infobip_api_key_file\": "
	    "\"ib-open.key\"}", "chmod 600");
	secret_file("ib.key", "file-key\n", 0600);
	st = conf_ok(&channel_infobip, IB_CONF ", \"infobip_api_key_file\": "
	    "\"ib.key\"}");
	ck_assert_int_eq(channel_infobip.can_send(st), 1);
	sent_header(&channel_infobip, st, "x", "Authorization: App file-key");
	channel_infobip.free(st);
	tu_cleanup();
}
END_TEST

/*
 * Parse r with its body a copy of body without the NUL, as the webhook
 * passes one; *copy (freed by the caller) holds it.
 */
static int
parse_unterminated(const struct channel_ops *ops, const void *st,
    struct channel_request r, const char *body, struct channel_event *ev,
    char **copy)
{
	const char	*cause;

	*copy = malloc(strlen(body));
	ck_assert_ptr_nonnull(*copy);
	memcpy(*copy, body, strlen(body));
	r.body = *copy;
	r.body_len = strlen(body);
	return tu_parse(ops, st, r, ev, &cause);
}

/* Bodies are read within body_len: the webhook's are not terminated. */
START_TEST(test_unterminated_bodies)
{
	struct channel_event	 ev;
	struct tu_hdr		 h[2];
	char			*b;
	void			*st;

	st = conf_ok(&channel_twilio, TW_CONF "}");
	ck_assert_int_eq(parse_unterminated(&channel_twilio, st,
	    tw_rq(CHANNEL_POST, NULL, "", h, "Wklb3xEk0xkBIaq8NopEz0A+z8I="),
	    TW_RECEIVE, &ev, &b), 0);
	ck_assert_str_eq(ev.phone, "+14133881111");
	channel_event_clear(&ev);
	free(b);
	channel_twilio.free(st);

	st = conf_ok(&channel_vonage, VN_SIGNED("sha256", "0"));
	ck_assert_int_eq(parse_unterminated(&channel_vonage, st,
	    rq(CHANNEL_POST, NULL, "", NULL),
	    " " VN_EX_JSON("\"1577880000\"", VN_SIG256), &ev, &b), 0);
	vn_example(&ev);
	channel_event_clear(&ev);
	free(b);
	ck_assert_int_eq(parse_unterminated(&channel_vonage, st,
	    rq(CHANNEL_POST, NULL, "", NULL), "   ", &ev, &b),
	    CHANNEL_FORBIDDEN);
	channel_event_clear(&ev);
	free(b);
	channel_vonage.free(st);

	st = conf_ok(&channel_atsms, AT_CONF "}");
	ck_assert_int_eq(parse_unterminated(&channel_atsms, st,
	    rq(CHANNEL_POST, NULL, "", NULL),
	    "from=%2B85512345678&id=ATXid_1&text=hi", &ev, &b), 0);
	ck_assert_str_eq(ev.input, "hi");
	channel_event_clear(&ev);
	free(b);
	channel_atsms.free(st);

	st = conf_ok(&channel_infobip, IB_CONF "}");
	ck_assert_int_eq(parse_unterminated(&channel_infobip, st,
	    rq(CHANNEL_POST, NULL, "", NULL), IB_HELLO, &ev, &b), 0);
	ck_assert_str_eq(ev.hop_id, "817790313235066447");
	channel_event_clear(&ev);
	free(b);
	channel_infobip.free(st);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("sms_gateways");
	TCase	*tc;
	SRunner	*sr;
	int	 failed;

	tc = tcase_create("digest");
	tcase_add_test(tc, test_digest_md5);
	tcase_add_test(tc, test_digest_sha1);
	tcase_add_test(tc, test_digest_sha2);
	tcase_add_test(tc, test_digest_hmac_rfc2202);
	tcase_add_test(tc, test_digest_hmac_rfc4231);
	suite_add_tcase(s, tc);

	tc = tcase_create("twilio");
	tcase_add_test(tc, test_twilio_vectors);
	tcase_add_test(tc, test_twilio_edges);
	tcase_add_test(tc, test_twilio_inbound);
	tcase_add_test(tc, test_twilio_refusals);
	tcase_add_test(tc, test_twilio_reports);
	tcase_add_test(tc, test_twilio_twiml);
	tcase_add_test(tc, test_twilio_send);
	tcase_add_test(tc, test_twilio_verdict);
	tcase_add_test(tc, test_twilio_conf);
	suite_add_tcase(s, tc);

	tc = tcase_create("africastalking_sms");
	tcase_add_test(tc, test_atsms_inbound);
	tcase_add_test(tc, test_atsms_reports);
	tcase_add_test(tc, test_atsms_send);
	tcase_add_test(tc, test_atsms_verdict);
	tcase_add_test(tc, test_atsms_conf);
	suite_add_tcase(s, tc);

	tc = tcase_create("vonage");
	tcase_add_test(tc, test_vonage_signature);
	tcase_add_test(tc, test_vonage_methods);
	tcase_add_test(tc, test_vonage_skew);
	tcase_add_test(tc, test_vonage_inbound);
	tcase_add_test(tc, test_vonage_reports);
	tcase_add_test(tc, test_vonage_send);
	tcase_add_test(tc, test_vonage_verdict);
	tcase_add_test(tc, test_vonage_conf);
	suite_add_tcase(s, tc);

	tc = tcase_create("infobip");
	tcase_add_test(tc, test_infobip_inbound);
	tcase_add_test(tc, test_infobip_reports);
	tcase_add_test(tc, test_infobip_send);
	tcase_add_test(tc, test_infobip_verdict);
	tcase_add_test(tc, test_infobip_conf);
	suite_add_tcase(s, tc);

	tc = tcase_create("bodies");
	tcase_add_test(tc, test_unterminated_bodies);
	suite_add_tcase(s, tc);

	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
