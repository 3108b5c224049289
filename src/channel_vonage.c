/* SPDX-License-Identifier: ISC */
/*
 * channel_vonage: Vonage's (Nexmo's) SMS API (aggregators.md §4.1-4.3).
 * An inbound message comes as a GET query, a form POST or a JSON POST
 * (all three are taken) of msisdn, to, messageId, text, type and, for a
 * part Vonage did not reassemble, concat-ref/-total/-part. With a
 * signature secret, the "sig" parameter must verify (§4.2: every other
 * parameter sorted, "&name=value" with '&' and '=' in values made '_',
 * then an HMAC or the legacy md5hash) and the timestamp be recent.
 * Delivery reports arrive at "<path>/dlr"; sending is a form POST to
 * /sms/json. The digests are digest.c's.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "channel_ops.h"
#include "channel_util.h"
#include "digest.h"
#include "form.h"
#include "notify_common.h"
#include "schema.h"

#define VONAGE_SMS_URL	"https://rest.nexmo.com/sms/json"

/* How "sig" is made: an HMAC, or the legacy MD5 of text and secret. */
enum vonage_sigtype { VONAGE_SIG_HMAC, VONAGE_SIG_MD5HASH };

/* A Vonage channel's settings (all owned). */
struct vonage {
	char			*sig_secret;	/* NULL: nothing is signed */
	enum vonage_sigtype	 sigtype;
	enum digest_alg		 alg;		/* of the HMAC */
	long			 skew;		/* seconds, 0: not checked */
	char			*api_key;	/* NULL: no sending */
	char			*api_secret;
	char			*url;
};

/* One received parameter, decoded (owned). */
struct vonage_param {
	char	*name;
	char	*value;
};

/* Every parameter of a request. */
struct vonage_params {
	struct vonage_param	*v;
	size_t			 n;
	size_t			 cap;
};

static const struct schema_key vonage_keys[] = {
	{ "vonage_signature_secret", SCHEMA_STR, 1, 256, NULL, 0, 0, NULL,
	  NULL, "vonage only: the signature secret (prefer the _file)" },
	{ "vonage_signature_secret_file", SCHEMA_STR, 1, 1024, NULL, 0, 0,
	  NULL, NULL, "vonage only: file holding the signature secret; "
	  "set it to require signed messages" },
	{ "vonage_signature_method", SCHEMA_STR, 1, 8, "md5", 0, 0,
	  "md5hash|md5|sha1|sha256|sha512", NULL,
	  "vonage only: the account's signature method (md5 is HMAC-MD5)" },
	{ "vonage_max_skew_seconds", SCHEMA_INT, 0, 86400, NULL, 300, 0, NULL,
	  NULL, "vonage only: how old a signed timestamp may be (0: not "
	  "checked)" },
	{ "vonage_api_key", SCHEMA_STR, 1, 64, NULL, 0, 0, NULL, NULL,
	  "vonage only: the API key (to send)" },
	{ "vonage_api_secret", SCHEMA_STR, 1, 256, NULL, 0, 0, NULL, NULL,
	  "vonage only: the API secret (prefer the _file)" },
	{ "vonage_api_secret_file", SCHEMA_STR, 1, 1024, NULL, 0, 0, NULL,
	  NULL, "vonage only: file holding the API secret (mode 0600)" },
	{ "vonage_sms_url", SCHEMA_STR, 8, 255, VONAGE_SMS_URL, 0, 0, NULL,
	  NULL, "vonage only: the SMS API endpoint" },
	SCHEMA_END
};

/* The sending account's members. */
static const struct channel_util_account vonage_account = {
	"Vonage", "vonage_api_key", "vonage_api_secret", "vonage_sms_url"
};

/* What the secrets must look like. */
static const struct schema_secret_rule vonage_secret_rule = {
	"secret", notify_token_ok, "text without spaces or controls"
};

/* Wipe and free a parameter list. */
static void
vonage_params_free(struct vonage_params *p)
{
	size_t	 i;

	for (i = 0; i < p->n; i++) {
		channel_util_wipe_free(p->v[i].name);
		channel_util_wipe_free(p->v[i].value);
	}
	free(p->v);
	memset(p, 0, sizeof(*p));
}

/* Append a parameter (taking name and value, NULL: no memory). 0, -1. */
static int
vonage_params_add(struct vonage_params *p, char *name, char *value)
{
	void	*nv;
	size_t	 cap;

	if (name == NULL || value == NULL)
		goto fail;
	if (p->n == p->cap) {
		cap = p->cap ? p->cap * 2 : 16;
		nv = reallocarray(p->v, cap, sizeof(*p->v));
		if (nv == NULL)
			goto fail;
		p->v = nv;
		p->cap = cap;
	}
	p->v[p->n].name = name;
	p->v[p->n].value = value;
	p->n++;
	return 0;

fail:
	channel_util_wipe_free(name);
	channel_util_wipe_free(value);
	return -1;
}

/* Copy every field of f into p. 0, or -1 (memory). */
static int
vonage_params_form(const struct form *f, struct vonage_params *p)
{
	size_t	 i;

	for (i = 0; i < form_count(f); i++)
		if (vonage_params_add(p, strdup(form_name(f, i)),
		    strdup(form_value(f, i))) == -1)
			return -1;
	return 0;
}

/*
 * A JSON member as text: a string as it is, an integer in decimal. A new
 * string in *out (NULL when v is neither). 0, or -1 (memory).
 */
static int
vonage_json_text(json_t *v, char **out)
{
	*out = NULL;
	if (json_is_string(v))
		*out = strdup(json_string_value(v));
	else if (json_is_integer(v)) {
		if (asprintf(out, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v)) == -1)
			*out = NULL;
	} else
		return 0;
	return *out == NULL ? -1 : 0;
}

/* Order parameters by name (byte order). */
static int
vonage_param_cmp(const void *a, const void *b)
{
	const struct vonage_param	*x = a, *y = b;

	return strcmp(x->name, y->name);
}

/*
 * Decode a request into ev's storage (the query of a GET, else a JSON
 * or form body) and every parameter into p, sorted by name. Returns 0,
 * or CHANNEL_BAD with *cause (a repeated name is refused: the signature
 * would not say which value counts).
 */
static int
vonage_read(const struct channel_request *req, struct channel_event *ev,
    struct vonage_params *p, const char **cause)
{
	json_error_t	 jerr;
	json_t		*obj, *v;
	const char	*q = req->query != NULL ? req->query : "", *key;
	char		*text;
	size_t		 i, blank;

	memset(p, 0, sizeof(*p));
	/* The body is not NUL-terminated: look at body_len bytes only. */
	for (blank = 0; blank < req->body_len; blank++)
		if (req->body[blank] != ' ' && req->body[blank] != '\t' &&
		    req->body[blank] != '\r' && req->body[blank] != '\n')
			break;
	if (req->method == CHANNEL_GET) {
		ev->form_query = form_parse(q, strlen(q), cause);
		if (ev->form_query == NULL)
			return CHANNEL_BAD;
		if (vonage_params_form(ev->form_query, p) == -1)
			goto nomem;
	} else if (blank < req->body_len && req->body[blank] == '{') {
		obj = json_loadb(req->body, req->body_len,
		    JSON_REJECT_DUPLICATES, &jerr);
		ev->json = obj;
		if (!json_is_object(obj)) {
			*cause = "invalid JSON body";
			return CHANNEL_BAD;
		}
		json_object_foreach(obj, key, v) {
			if (vonage_json_text(v, &text) == -1)
				goto nomem;
			if (text == NULL) {
				*cause = "a JSON field must be a string or "
				    "an integer";
				vonage_params_free(p);
				return CHANNEL_BAD;
			}
			if (vonage_params_add(p, strdup(key), text) == -1)
				goto nomem;
		}
	} else {
		ev->form_body = form_parse(req->body, req->body_len, cause);
		if (ev->form_body == NULL)
			return CHANNEL_BAD;
		if (vonage_params_form(ev->form_body, p) == -1)
			goto nomem;
	}
	if (p->n > 1)
		qsort(p->v, p->n, sizeof(*p->v), vonage_param_cmp);
	for (i = 1; i < p->n; i++)
		if (strcmp(p->v[i - 1].name, p->v[i].name) == 0) {
			*cause = "a field is repeated";
			vonage_params_free(p);
			return CHANNEL_BAD;
		}
	return 0;

nomem:
	vonage_params_free(p);
	*cause = "out of memory";
	return CHANNEL_BAD;
}

/* The parameter called name (borrowed from p), or NULL. */
static const char *
vonage_param(const struct vonage_params *p, const char *name)
{
	size_t	 i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].name, name) == 0)
			return p->v[i].value;
	return NULL;
}

/*
 * The string §4.2 signs: each parameter but sig, in name order, as
 * "&name=value" with every '&' and '=' of the value made '_'. A new
 * string, or NULL.
 */
static char *
vonage_signed_text(const struct vonage_params *p)
{
	const char	*v;
	char		*s, *o;
	size_t		 i, len = 1;

	for (i = 0; i < p->n; i++)
		len += strlen(p->v[i].name) + strlen(p->v[i].value) + 2;
	s = malloc(len);
	if (s == NULL)
		return NULL;
	o = s;
	for (i = 0; i < p->n; i++) {
		if (strcmp(p->v[i].name, "sig") == 0)
			continue;
		*o++ = '&';
		o = stpcpy(o, p->v[i].name);
		*o++ = '=';
		for (v = p->v[i].value; *v != '\0'; v++)
			*o++ = *v == '&' || *v == '=' ? '_' : *v;
	}
	*o = '\0';
	return s;
}

/* Parse a whole decimal number into *v; 0, or -1. */
static int
vonage_number(const char *s, long long *v)
{
	char	*end;

	if (s == NULL || *s == '\0' || (!isdigit((unsigned char)*s) &&
	    *s != '-'))
		return -1;
	errno = 0;
	*v = strtoll(s, &end, 10);
	return errno != 0 || *end != '\0' ? -1 : 0;
}

/*
 * Check sig: the lower-case hex of the HMAC (or md5hash) of the signed
 * text, compared case-insensitively in constant time; then that the
 * timestamp is within the allowed skew of now. Returns 0, or
 * CHANNEL_FORBIDDEN (CHANNEL_BAD out of memory) with *cause.
 */
static int
vonage_verify(const struct vonage *s, const struct vonage_params *p,
    const char **cause)
{
	uint8_t		 mac[DIGEST_MAX_LEN];
	char		 want[2 * DIGEST_MAX_LEN + 1];
	char		 got[2 * DIGEST_MAX_LEN + 1];
	char		*text, *full;
	const char	*sig = vonage_param(p, "sig");
	enum digest_alg	 alg;
	long long	 ts, now;
	size_t		 i, n;
	int		 eq;

	if (sig == NULL || *sig == '\0') {
		*cause = "missing signature";
		return CHANNEL_FORBIDDEN;
	}
	alg = s->sigtype == VONAGE_SIG_MD5HASH ? DIGEST_MD5 : s->alg;
	n = 2 * digest_len(alg);
	if (strlen(sig) != n) {
		*cause = "bad signature";
		return CHANNEL_FORBIDDEN;
	}
	text = vonage_signed_text(p);
	if (text == NULL) {
		*cause = "out of memory";
		return CHANNEL_BAD;
	}
	if (s->sigtype == VONAGE_SIG_MD5HASH) {
		if (asprintf(&full, "%s%s", text, s->sig_secret) == -1) {
			channel_util_wipe_free(text);
			*cause = "out of memory";
			return CHANNEL_BAD;
		}
		digest_hash(DIGEST_MD5, full, strlen(full), mac);
		channel_util_wipe_free(full);
	} else
		digest_hmac(alg, s->sig_secret, strlen(s->sig_secret), text,
		    strlen(text), mac);
	channel_util_wipe_free(text);
	sodium_bin2hex(want, sizeof(want), mac, digest_len(alg));
	for (i = 0; i < n; i++)
		got[i] = (char)tolower((unsigned char)sig[i]);
	eq = sodium_memcmp(want, got, n) == 0;
	explicit_bzero(mac, sizeof(mac));
	if (!eq) {
		*cause = "bad signature";
		return CHANNEL_FORBIDDEN;
	}
	if (s->skew == 0)
		return 0;
	if (vonage_number(vonage_param(p, "timestamp"), &ts) == -1) {
		*cause = "signed without a timestamp";
		return CHANNEL_FORBIDDEN;
	}
	now = (long long)time(NULL);
	if (ts < now - s->skew || ts > now + s->skew) {
		*cause = "stale signature";
		return CHANNEL_FORBIDDEN;
	}
	return 0;
}

/*
 * The field called name as event storage: a form's value, a JSON
 * string, or a JSON integer written into ev->owned. NULL when absent
 * (or, with *oom set, when memory ran out).
 */
static const char *
vonage_field(struct channel_event *ev, const char *name, int *oom)
{
	const char	*s;

	if (ev->form_query != NULL)
		return form_get(ev->form_query, name);
	if (ev->form_body != NULL)
		return form_get(ev->form_body, name);
	if (channel_util_json_text(ev, json_object_get(ev->json, name),
	    &s) == -1)
		*oom = 1;
	return s;
}

/* Parse a concat number: 1..255. 0, or -1. */
static int
vonage_concat_num(const char *s, unsigned *out)
{
	long long	 v;

	if (s == NULL || vonage_number(s, &v) == -1 || v < 1 || v > 255)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* Read the concat fields of a part Vonage did not reassemble. */
static int
vonage_concat(struct channel_event *ev, int *oom, const char **cause)
{
	const char	*c, *ref, *total, *part;

	c = vonage_field(ev, "concat", oom);
	ref = vonage_field(ev, "concat-ref", oom);
	total = vonage_field(ev, "concat-total", oom);
	part = vonage_field(ev, "concat-part", oom);
	if (ref == NULL && total == NULL && part == NULL &&
	    (c == NULL || strcmp(c, "true") != 0))
		return 0;
	if (ref == NULL || *ref == '\0' ||
	    vonage_concat_num(total, &ev->concat_total) == -1 ||
	    vonage_concat_num(part, &ev->concat_part) == -1 ||
	    ev->concat_part > ev->concat_total) {
		ev->concat_total = ev->concat_part = 0;
		*cause = "bad concat fields";
		return CHANNEL_BAD;
	}
	ev->concat_ref = ref;
	return 0;
}

/* Translate an inbound message (§4.1), checking its signature. */
static int
vonage_parse(const void *state, const struct channel_request *req,
    struct channel_event *ev, const char **cause)
{
	const struct vonage	*s = state;
	struct vonage_params	 p;
	const char		*type;
	int			 rc, oom = 0;

	rc = vonage_read(req, ev, &p, cause);
	if (rc != 0)
		return rc;
	if (s->sig_secret != NULL)
		rc = vonage_verify(s, &p, cause);
	vonage_params_free(&p);
	if (rc != 0)
		return rc;
	type = vonage_field(ev, "type", &oom);
	ev->phone = vonage_field(ev, "msisdn", &oom);
	ev->service_code = vonage_field(ev, "to", &oom);
	ev->hop_id = vonage_field(ev, "messageId", &oom);
	ev->input = vonage_field(ev, "text", &oom);
	rc = vonage_concat(ev, &oom, cause);
	if (oom) {
		*cause = "out of memory";
		return CHANNEL_BAD;
	}
	if (rc != 0)
		return rc;
	if (type != NULL && strcmp(type, "binary") == 0) {
		*cause = "binary messages are not taken";
		return CHANNEL_BAD;
	}
	return channel_util_inbound_check(ev, "missing field msisdn",
	    "missing field messageId", cause);
}

/*
 * Translate a delivery report (§4.3): delivered is delivered; expired,
 * failed and rejected are failed; accepted, buffered and unknown only
 * sent. A report that carries sig must verify (Vonage signs reports
 * only when the account signs everything, so an unsigned one is taken).
 */
static int
vonage_notice(const void *state, const struct channel_request *req,
    struct channel_event *ev, const char **how, const char **cause)
{
	const struct vonage	*s = state;
	struct vonage_params	 p;
	const char		*st;
	int			 rc, oom = 0;

	rc = vonage_read(req, ev, &p, cause);
	if (rc != 0)
		return rc;
	if (s->sig_secret != NULL && vonage_param(&p, "sig") != NULL)
		rc = vonage_verify(s, &p, cause);
	vonage_params_free(&p);
	if (rc != 0)
		return rc;
	ev->hop_id = vonage_field(ev, "messageId", &oom);
	st = vonage_field(ev, "status", &oom);
	if (oom) {
		*cause = "out of memory";
		return CHANNEL_BAD;
	}
	if (ev->hop_id == NULL || *ev->hop_id == '\0') {
		*cause = "missing field messageId";
		return CHANNEL_BAD;
	}
	if (st == NULL || *st == '\0') {
		*cause = "missing field status";
		return CHANNEL_BAD;
	}
	if (strcmp(st, "delivered") == 0)
		*how = "delivered";
	else if (strcmp(st, "expired") == 0 || strcmp(st, "failed") == 0 ||
	    strcmp(st, "rejected") == 0)
		*how = "failed";
	else
		*how = "sent";
	return 0;
}

/* Free the settings, wiping the secrets. */
static void
vonage_free(void *state)
{
	struct vonage	*s = state;

	if (s == NULL)
		return;
	channel_util_wipe_free(s->sig_secret);
	channel_util_wipe_free(s->api_key);
	channel_util_wipe_free(s->api_secret);
	free(s->url);
	free(s);
}

/* Read the signature settings: a secret, its method and the skew. */
static void
vonage_configure_sig(struct schema_doc *doc, json_t *entry, const char *ptr,
    const struct channel_setup *setup, struct vonage *s)
{
	const char	*m;
	int		 given;

	s->sig_secret = schema_secret(doc, entry, vonage_keys, ptr,
	    "vonage_signature_secret", "vonage_signature_secret_file",
	    &vonage_secret_rule, &given);
	m = schema_str(entry, vonage_keys, "vonage_signature_method");
	s->skew = schema_int(entry, vonage_keys, "vonage_max_skew_seconds");
	s->sigtype = VONAGE_SIG_HMAC;
	if (strcmp(m, "md5hash") == 0)
		s->sigtype = VONAGE_SIG_MD5HASH;
	else if (strcmp(m, "sha1") == 0)
		s->alg = DIGEST_SHA1;
	else if (strcmp(m, "sha256") == 0)
		s->alg = DIGEST_SHA256;
	else if (strcmp(m, "sha512") == 0)
		s->alg = DIGEST_SHA512;
	else
		s->alg = DIGEST_MD5;
	if (!given && (json_object_get(entry, "vonage_signature_method") !=
	    NULL || json_object_get(entry, "vonage_max_skew_seconds") != NULL))
		schema_err(doc, ptr, 0, "vonage_signature_method and "
		    "vonage_max_skew_seconds need "
		    "vonage_signature_secret_file");
	if (!given && !setup->token)
		schema_warn(doc, ptr, 0, "channel \"%s\" has neither a "
		    "signature secret nor a token: anyone who learns the URL "
		    "can post messages; set vonage_signature_secret_file or "
		    "token_file", setup->name);
}

/* Read the sending account: none of its keys, or a key and a secret. */
static int
vonage_configure_send(struct schema_doc *doc, json_t *entry,
    const char *ptr, struct vonage *s)
{
	const char	*key, *url;
	char		*secret;
	int		 given;

	key = schema_str(entry, vonage_keys, "vonage_api_key");
	url = schema_str(entry, vonage_keys, "vonage_sms_url");
	secret = schema_secret(doc, entry, vonage_keys, ptr,
	    "vonage_api_secret", "vonage_api_secret_file",
	    &vonage_secret_rule, &given);
	if (!channel_util_account_check(doc, entry, ptr, &vonage_account,
	    key, secret, given, url)) {
		channel_util_wipe_free(secret);
		return 0;
	}
	s->api_secret = secret;
	s->api_key = strdup(key);
	s->url = strdup(url);
	return s->api_key == NULL || s->url == NULL ? -1 : 0;
}

/* Read a Vonage entry's signature and sending settings. */
static int
vonage_configure(struct schema_doc *doc, json_t *entry, const char *ptr,
    const struct channel_setup *setup, void **state)
{
	struct vonage	*s;

	*state = NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -1;
	*state = s;
	vonage_configure_sig(doc, entry, ptr, setup, s);
	return vonage_configure_send(doc, entry, ptr, s);
}

/* Whether the entry has an account to send with. */
static int
vonage_can_send(const void *state)
{
	const struct vonage	*s = state;

	return s != NULL && s->api_key != NULL && s->api_secret != NULL;
}

/*
 * Build the /sms/json POST (§4.3): api_key, api_secret, from, to (digits
 * only), text, type=unicode for a text GSM-7 cannot carry, and a report
 * request with its callback when we take reports.
 */
static int
vonage_send(const void *state, const struct channel_sms *m,
    struct channel_http *out)
{
	const struct vonage	*s = state;
	char			*key = NULL, *sec = NULL, *from = NULL;
	char			*to = NULL, *text = NULL, *cb = NULL;
	const char		*digits;
	int			 rc = -1;

	memset(out, 0, sizeof(*out));
	if (!vonage_can_send(s) || m->from == NULL || *m->from == '\0')
		return -1;
	if ((digits = channel_util_digits(m->to)) == NULL ||
	    (to = strdup(digits)) == NULL)
		goto out;
	key = notify_urlencode(s->api_key, 1);
	sec = notify_urlencode(s->api_secret, 1);
	from = notify_urlencode(m->from, 1);
	text = notify_urlencode(m->text, 1);
	if (m->report_url != NULL)
		cb = notify_urlencode(m->report_url, 1);
	if (key == NULL || sec == NULL || from == NULL || text == NULL ||
	    (m->report_url != NULL && cb == NULL))
		goto out;
	if (channel_util_http_body(out, "api_key=%s&api_secret=%s&from=%s"
	    "&to=%s&text=%s%s%s%s", key, sec, from, to, text,
	    m->enc == TEXT_UCS2 ? "&type=unicode" : "",
	    cb != NULL ? "&status-report-req=1&callback=" : "",
	    cb != NULL ? cb : "") == -1)
		goto out;
	out->method = "POST";
	if ((out->url = strdup(s->url)) == NULL ||
	    channel_util_http_header(out, CHANNEL_UTIL_ACCEPT_JSON) == -1 ||
	    channel_util_http_header(out, CHANNEL_UTIL_TYPE_FORM) == -1)
		goto out;
	rc = 0;
out:
	channel_util_wipe_free(key);
	channel_util_wipe_free(sec);
	channel_util_wipe_free(from);
	channel_util_wipe_free(to);
	channel_util_wipe_free(text);
	channel_util_wipe_free(cb);
	if (rc == -1)
		channel_util_http_wipe(out);
	return rc;
}

/*
 * Judge the answer (§4.3): messages[0].status "0" is sent, with its
 * message-id; "1" (throttled) is retried, as are 429, 5xx and a body we
 * cannot read; any other status (a bad number, bad credentials, a
 * barred destination...) is final.
 */
static enum channel_verdict
vonage_sent(const void *state, const struct channel_answer *a,
    char **gateway_id, const char **why)
{
	json_t			*root, *m0, *st;
	const char		*code = NULL;
	char			 num[32];
	enum channel_verdict	 v;

	(void)state;
	*gateway_id = NULL;
	*why = NULL;
	if (channel_util_sent_json(a, &v, why, &root))
		return v;
	/* Borrowed references, all owned by root (NULL: none). */
	m0 = json_array_get(json_object_get(root, "messages"), 0);
	st = json_object_get(m0, "status");
	if (json_is_string(st))
		code = json_string_value(st);
	else if (json_is_integer(st)) {
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(st));
		code = num;
	}
	if (code == NULL) {
		*why = "unreadable answer";
		v = CHANNEL_RETRY;
	} else if (strcmp(code, "0") == 0) {
		*gateway_id = channel_util_json_id(json_object_get(m0,
		    "message-id"));
		v = CHANNEL_SENT;
	} else if (strcmp(code, "1") == 0) {
		*why = "throttled";
		v = CHANNEL_RETRY;
	} else {
		*why = "refused";
		v = CHANNEL_FAILED;
	}
	json_decref(root);
	return v;
}

/* The adapter, as channel.c lists it. */
const struct channel_ops channel_vonage = {
	.name = "vonage",
	.schema = vonage_keys,
	.configure = vonage_configure,
	.free = vonage_free,
	.parse = vonage_parse,
	.notice = vonage_notice,
	.notice_path = "/dlr",
	/* Vonage needs a 200 (or 204), whatever the body. */
	.format = channel_util_format_empty,
	/* Vonage delivers by GET or POST, as the account is set. */
	.methods = channel_util_methods_get_post,
	.kind = CHANNEL_SMS,
	.flags = 0,
	.send = vonage_send,
	.sent = vonage_sent,
	.auth = NULL,
	.authed = NULL,
	.can_send = vonage_can_send,
};
