/* SPDX-License-Identifier: ISC */
/*
 * channel_kannel: SMS through a Kannel smsbox, as Cellcard, Metfone and
 * Seatel deliver it (shared/docs/aggregators.md §5). Messages arrive from
 * an sms-service's get-url (a GET with from, to, text, id, coding and
 * charset) or post-url (the text as the body, the numbers in X-Kannel-*
 * headers); a UCS-2 text is raw UTF-16BE. Replies go out one part at a
 * time through the sendsms CGI with our own concatenation UDH, and
 * delivery reports come back to "<path>/dlr" with our message id.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <sodium.h>

#include "channel_ops.h"
#include "channel_util.h"
#include "form.h"
#include "schema.h"
#include "text.h"

/* Our dlr-mask: every kind of report (1, 2, 4, 8 and 16). */
#define KANNEL_DLR_MASK	"31"

/* The entry's sendsms settings; url NULL: the channel only receives. */
struct kannel {
	char	*url;
	char	*username;
	char	*password;
	char	*smsc;
};

/* A growing byte buffer whose old copies are wiped (URLs hold numbers). */
struct kannel_buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	int	 oom;
};

/* The keys a Kannel channel adds to its entry. */
static const struct schema_key kannel_keys[] = {
	{ "sendsms_url", SCHEMA_STR, 8, 1024, NULL, 0, 0, NULL, NULL,
	  "kannel only: the smsbox sendsms URL, e.g. "
	  "http://127.0.0.1:13013/cgi-bin/sendsms" },
	{ "kannel_username", SCHEMA_STR, 1, 128, NULL, 0, 0, NULL, NULL,
	  "kannel only: the sendsms-user's username" },
	{ "kannel_password", SCHEMA_STR, 1, 256, NULL, 0, 0, NULL, NULL,
	  "kannel only: the sendsms-user's password" },
	{ "kannel_password_file", SCHEMA_STR, 1, 1024, NULL, 0, 0, NULL, NULL,
	  "kannel only: file holding that password (mode 0600)" },
	{ "kannel_smsc", SCHEMA_STR, 1, 64, NULL, 0, 0, NULL, NULL,
	  "kannel only: the smsc-id to send through (smsc=)" },
	SCHEMA_END
};

/* Return 1 if a password can be used: not empty. */
static int
kannel_password_ok(const char *s)
{
	return *s != '\0';
}

static const struct schema_secret_rule kannel_password_rule = {
	"password", kannel_password_ok, "not empty"
};

/* Windows-1252's 0x80..0x9F (0: undefined there, read as U+FFFD). */
static const uint16_t kannel_cp1252[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178
};

/* Make room for n more bytes and a NUL; the old buffer is wiped. */
static int
kannel_buf_room(struct kannel_buf *b, size_t n)
{
	char	*np;
	size_t	 ncap;

	if (b->oom)
		return -1;
	if (b->cap - b->len > n)
		return 0;
	if (n > SIZE_MAX / 2 - b->len - 1) {
		b->oom = 1;
		return -1;
	}
	ncap = b->cap == 0 ? 256 : b->cap;
	while (ncap - b->len <= n)
		ncap *= 2;
	np = malloc(ncap);
	if (np == NULL) {
		b->oom = 1;
		return -1;
	}
	if (b->p != NULL) {
		memcpy(np, b->p, b->len);
		explicit_bzero(b->p, b->cap);
		free(b->p);
	}
	b->p = np;
	b->cap = ncap;
	return 0;
}

/* Append n bytes of s. */
static void
kannel_buf_add(struct kannel_buf *b, const char *s, size_t n)
{
	if (kannel_buf_room(b, n) == -1)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Append a string. */
static void
kannel_buf_str(struct kannel_buf *b, const char *s)
{
	kannel_buf_add(b, s, strlen(s));
}

/*
 * Append n bytes of s percent-encoded: RFC 3986 unreserved bytes stay
 * unless all is set, everything else (NUL too) becomes "%XX".
 */
static void
kannel_buf_pct(struct kannel_buf *b, const char *s, size_t n, int all)
{
	static const char	 hex[] = "0123456789ABCDEF";
	unsigned char		 c;
	char			 e[3];
	size_t			 i;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (!all && ((c >= '0' && c <= '9') ||
		    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    c == '-' || c == '.' || c == '_' || c == '~')) {
			kannel_buf_add(b, s + i, 1);
			continue;
		}
		e[0] = '%';
		e[1] = hex[c >> 4];
		e[2] = hex[c & 0x0f];
		kannel_buf_add(b, e, 3);
	}
}

/* Append "&name=" and n bytes of value, percent-encoded. */
static void
kannel_buf_param(struct kannel_buf *b, const char *name, const char *value,
    size_t n)
{
	kannel_buf_str(b, "&");
	kannel_buf_str(b, name);
	kannel_buf_str(b, "=");
	kannel_buf_pct(b, value, n, 0);
}

/* Wipe and free a buffer. */
static void
kannel_buf_wipe(struct kannel_buf *b)
{
	if (b->p != NULL) {
		explicit_bzero(b->p, b->cap);
		free(b->p);
	}
	memset(b, 0, sizeof(*b));
}

/* Free a channel's settings, wiping the password. */
static void
kannel_free(void *state)
{
	struct kannel	*k = state;

	if (k == NULL)
		return;
	free(k->url);
	free(k->username);
	channel_util_wipe_free(k->password);
	free(k->smsc);
	free(k);
}

/*
 * Read the sendsms settings: none at all (the channel only receives, its
 * replies go through another), or the URL, username and password together.
 */
static int
kannel_configure(struct schema_doc *doc, json_t *entry, const char *ptr,
    const struct channel_setup *setup, void **state)
{
	struct kannel	*k;
	const char	*url, *user, *smsc;
	int		 given;

	*state = NULL;
	k = calloc(1, sizeof(*k));
	if (k == NULL)
		return -1;
	*state = k;
	channel_util_warn_no_token(doc, ptr, setup, "Kannel signs nothing");
	url = schema_str(entry, kannel_keys, "sendsms_url");
	user = schema_str(entry, kannel_keys, "kannel_username");
	smsc = schema_str(entry, kannel_keys, "kannel_smsc");
	k->password = schema_secret(doc, entry, kannel_keys, ptr,
	    "kannel_password", "kannel_password_file", &kannel_password_rule,
	    &given);
	if (url == NULL) {
		if (user != NULL || given || smsc != NULL)
			schema_err(doc, ptr, 0, "kannel_username, "
			    "kannel_password and kannel_smsc need "
			    "\"sendsms_url\"");
		return 0;
	}
	channel_util_url_check(doc, ptr, "sendsms_url", url, 0);
	if (user == NULL)
		schema_err(doc, ptr, 0, "sending through Kannel needs "
		    "\"kannel_username\"");
	if (!given)
		schema_err(doc, ptr, 0, "sending through Kannel needs "
		    "\"kannel_password\" or \"kannel_password_file\"");
	k->url = strdup(url);
	k->username = user != NULL ? strdup(user) : NULL;
	k->smsc = smsc != NULL ? strdup(smsc) : NULL;
	if (k->url == NULL || (user != NULL && k->username == NULL) ||
	    (smsc != NULL && k->smsc == NULL))
		return -1;
	return 0;
}

/*
 * The first query parameter called name, decoded as bytes (which may
 * hold NULs) into *out. Returns 1, 0 when absent (*out NULL), or -1 with
 * *cause. form_parse is no use here: it refuses the NULs of UTF-16BE.
 */
static int
kannel_query(const char *q, const char *name, char **out, size_t *outlen,
    const char **cause)
{
	const char	*amp, *eq;
	char		*key;
	size_t		 plen, klen, n = strlen(name);
	int		 same;

	*out = NULL;
	*outlen = 0;
	if (q == NULL)
		return 0;
	for (; *q != '\0'; q = amp != NULL ? amp + 1 : q + plen) {
		amp = strchr(q, '&');
		plen = amp != NULL ? (size_t)(amp - q) : strlen(q);
		eq = memchr(q, '=', plen);
		key = form_unescape(q, eq != NULL ? (size_t)(eq - q) : plen,
		    &klen, cause);
		if (key == NULL)
			return -1;
		same = klen == n && memcmp(key, name, n) == 0;
		free(key);
		if (!same)
			continue;
		klen = eq != NULL ? (size_t)(eq + 1 - q) : plen;
		*out = form_unescape(q + klen, plen - klen, outlen, cause);
		return *out == NULL ? -1 : 1;
	}
	return 0;
}

/* A request header (borrowed), NULL when absent. */
static const char *
kannel_header(const struct channel_request *req, const char *name)
{
	if (req->header == NULL)
		return NULL;
	return req->header(req->header_arg, name);
}

/*
 * A field as a string the event keeps (*out NULL when absent or empty),
 * from the query or, when hdr is set and the request has it, a header.
 * Returns 0, or CHANNEL_BAD with *cause.
 */
static int
kannel_field(const struct channel_request *req, struct channel_event *ev,
    const char *hdr, const char *name, const char **out, const char **cause)
{
	const char	*h = NULL;
	char		*v = NULL;
	size_t		 n;

	*out = NULL;
	if (hdr != NULL)
		h = kannel_header(req, hdr);
	if (h != NULL) {
		n = strlen(h);
		if ((v = strdup(h)) == NULL) {
			*cause = "out of memory";
			return CHANNEL_BAD;
		}
	} else if (kannel_query(req->query, name, &v, &n, cause) == -1)
		return CHANNEL_BAD;
	if (v == NULL)
		return 0;
	if (!text_utf8_valid(v, n)) {
		channel_util_wipe_free(v);
		*cause = "invalid UTF-8";
		return CHANNEL_BAD;
	}
	if (*v == '\0') {
		free(v);
		return 0;
	}
	if ((*out = channel_util_own(ev, v)) == NULL) {
		*cause = "out of memory";
		return CHANNEL_BAD;
	}
	return 0;
}

/* Windows-1252 (or Latin-1) bytes as a new UTF-8 string, NULL if a NUL. */
static char *
kannel_from_cp1252(const char *b, size_t len)
{
	char		*out, *o;
	unsigned char	 c;
	uint32_t	 cp;
	size_t		 i;

	if (len > (SIZE_MAX - 1) / 3 || (out = malloc(len * 3 + 1)) == NULL)
		return NULL;
	o = out;
	for (i = 0; i < len; i++) {
		c = (unsigned char)b[i];
		if (c == 0) {
			explicit_bzero(out, len * 3 + 1);
			free(out);
			return NULL;
		}
		cp = c;
		if (c >= 0x80 && c < 0xa0)
			cp = kannel_cp1252[c - 0x80] ? kannel_cp1252[c - 0x80] :
			    0xfffd;
		if (cp < 0x80)
			*o++ = (char)cp;
		else if (cp < 0x800) {
			*o++ = (char)(0xc0 | cp >> 6);
			*o++ = (char)(0x80 | (cp & 0x3f));
		} else {
			*o++ = (char)(0xe0 | cp >> 12);
			*o++ = (char)(0x80 | (cp >> 6 & 0x3f));
			*o++ = (char)(0x80 | (cp & 0x3f));
		}
	}
	*o = '\0';
	return out;
}

/*
 * The text as UTF-8 into ev->input: UTF-16BE when the charset says so, or
 * coding is 2 and no charset is given; Windows-1252 when the charset says
 * so (Kannel's recoding); otherwise it must already be UTF-8. Returns 0,
 * or CHANNEL_BAD with *cause.
 */
static int
kannel_text(struct channel_event *ev, const char *b, size_t len,
    const char *coding, const char *charset, const char **cause)
{
	char	*s = NULL;
	size_t	 n;

	if (charset != NULL && (strcasecmp(charset, "UTF-16BE") == 0 ||
	    strcasecmp(charset, "UCS-2") == 0 ||
	    strcasecmp(charset, "UTF-16") == 0 ||
	    strcasecmp(charset, "ISO-10646-UCS-2") == 0 ||
	    strcasecmp(charset, "UCS-2BE") == 0)) {
		coding = "2";
		charset = NULL;
	}
	if (charset == NULL && coding != NULL && strcmp(coding, "2") == 0) {
		s = len == 0 ? strdup("") : text_from_utf16be(b, len, &n);
		if (s == NULL) {
			*cause = "text is not UTF-16BE";
			return CHANNEL_BAD;
		}
	} else if (charset != NULL &&
	    (strcasecmp(charset, "WINDOWS-1252") == 0 ||
	    strcasecmp(charset, "ISO-8859-1") == 0 ||
	    strcasecmp(charset, "LATIN1") == 0)) {
		s = kannel_from_cp1252(b, len);
		if (s == NULL) {
			*cause = "text holds a NUL";
			return CHANNEL_BAD;
		}
	} else {
		if (!text_utf8_valid(b, len)) {
			*cause = "text is not valid UTF-8";
			return CHANNEL_BAD;
		}
		s = malloc(len + 1);
		if (s != NULL) {
			memcpy(s, b, len);
			s[len] = '\0';
		}
	}
	if ((ev->input = channel_util_own(ev, s)) == NULL) {
		*cause = "out of memory";
		return CHANNEL_BAD;
	}
	return 0;
}

/*
 * Read a concatenation element of a user data header (the part of a
 * message Kannel did not reassemble, with sms-combine-concatenated-mo
 * off): IEI 0 (8-bit reference) or 8 (16-bit). Anything else, or a header
 * that does not parse, leaves the event a whole message.
 */
static int
kannel_udh(struct channel_event *ev, const unsigned char *u, size_t n,
    const char **cause)
{
	unsigned	 ref = 0, total = 0, seq = 0;
	size_t		 i, end;
	char		*s;

	if (n < 1 || (size_t)u[0] + 1 > n)
		return 0;
	end = (size_t)u[0] + 1;
	for (i = 1; i + 2 <= end && i + 2 + u[i + 1] <= end;
	    i += 2 + u[i + 1]) {
		if (u[i] == 0x00 && u[i + 1] == 3) {
			ref = u[i + 2];
			total = u[i + 3];
			seq = u[i + 4];
		} else if (u[i] == 0x08 && u[i + 1] == 4) {
			ref = (unsigned)u[i + 2] << 8 | u[i + 3];
			total = u[i + 4];
			seq = u[i + 5];
		}
	}
	if (total < 2 || seq < 1 || seq > total)
		return 0;
	if (asprintf(&s, "%u", ref) == -1)
		s = NULL;
	if ((ev->concat_ref = channel_util_own(ev, s)) == NULL) {
		*cause = "out of memory";
		return CHANNEL_BAD;
	}
	ev->concat_part = seq;
	ev->concat_total = total;
	return 0;
}

/* The UDH of a post-url request: hex in X-Kannel-UDH. */
static int
kannel_udh_hex(struct channel_event *ev, const char *hex, const char **cause)
{
	unsigned char	 u[140];
	size_t		 n = strlen(hex), len;

	/* Not hex (or too long): not a header we read, a whole message. */
	if (n % 2 != 0 || n / 2 > sizeof(u) ||
	    strspn(hex, "0123456789abcdefABCDEF") != n ||
	    sodium_hex2bin(u, sizeof(u), hex, n, NULL, &len, NULL) != 0)
		return 0;
	return kannel_udh(ev, u, len, cause);
}

/*
 * The charset parameter of a Content-Type ("text/plain; charset=UTF-8")
 * into buf, or NULL when it has none.
 */
static const char *
kannel_charset(const char *ctype, char *buf, size_t len)
{
	const char	*p;
	size_t		 n;

	if (ctype == NULL)
		return NULL;
	for (p = ctype; (p = strchr(p, ';')) != NULL; ) {
		p++;
		p += strspn(p, " \t");
		if (strncasecmp(p, "charset=", 8) != 0)
			continue;
		p += 8;
		if (*p == '"')
			p++;
		n = strcspn(p, "\"; \t");
		if (n == 0 || n >= len)
			return NULL;
		memcpy(buf, p, n);
		buf[n] = '\0';
		return buf;
	}
	return NULL;
}

/*
 * A get-url request: from, to, text, id, coding, charset (and, if the
 * admin adds udh=%u, the UDH) in the query string.
 */
static int
kannel_parse_get(const struct channel_request *req, struct channel_event *ev,
    const char **cause)
{
	char	*text = NULL, *coding = NULL, *charset = NULL, *udh = NULL;
	size_t	 tlen = 0, clen, cslen, ulen;
	int	 rc = CHANNEL_BAD, has;

	if (kannel_query(req->query, "coding", &coding, &clen, cause) == -1 ||
	    kannel_query(req->query, "charset", &charset, &cslen,
	    cause) == -1 ||
	    kannel_query(req->query, "udh", &udh, &ulen, cause) == -1)
		goto out;
	if ((coding != NULL && !text_utf8_valid(coding, clen)) ||
	    (charset != NULL && !text_utf8_valid(charset, cslen))) {
		*cause = "invalid UTF-8";
		goto out;
	}
	if (charset != NULL && *charset == '\0') {
		free(charset);
		charset = NULL;
	}
	if (udh != NULL && kannel_udh(ev, (unsigned char *)udh, ulen,
	    cause) == -1)
		goto out;
	has = kannel_query(req->query, "text", &text, &tlen, cause);
	if (has == -1)
		goto out;
	if (has == 0) {
		*cause = "missing field text";
		goto out;
	}
	if (kannel_text(ev, text, tlen, coding, charset, cause) == -1)
		goto out;
	rc = 0;
out:
	if (text != NULL) {
		explicit_bzero(text, tlen);
		free(text);
	}
	free(coding);
	free(charset);
	free(udh);
	return rc;
}

/*
 * A post-url request: the body is the text, X-Kannel-Coding and the
 * Content-Type's charset say how it is encoded, X-Kannel-UDH (hex) may
 * carry a concatenation header. coding and charset may also be in the
 * query string.
 */
static int
kannel_parse_post(const struct channel_request *req, struct channel_event *ev,
    const char **cause)
{
	const char	*h, *charset;
	char		*coding = NULL, *qcs = NULL, cs[64];
	size_t		 n;
	int		 rc = CHANNEL_BAD;

	h = kannel_header(req, "X-Kannel-Coding");
	if (h != NULL && (coding = strdup(h)) == NULL) {
		*cause = "out of memory";
		goto out;
	}
	if (coding == NULL && kannel_query(req->query, "coding", &coding, &n,
	    cause) == -1)
		goto out;
	if (coding != NULL && h == NULL && !text_utf8_valid(coding, n)) {
		*cause = "invalid UTF-8";
		goto out;
	}
	charset = kannel_charset(kannel_header(req, "Content-Type"), cs,
	    sizeof(cs));
	if (charset == NULL) {
		if (kannel_query(req->query, "charset", &qcs, &n,
		    cause) == -1)
			goto out;
		if (qcs != NULL && *qcs != '\0' && text_utf8_valid(qcs, n))
			charset = qcs;
	}
	h = kannel_header(req, "X-Kannel-UDH");
	if (h != NULL && kannel_udh_hex(ev, h, cause) == -1)
		goto out;
	if (kannel_text(ev, req->body != NULL ? req->body : "",
	    req->body != NULL ? req->body_len : 0, coding, charset,
	    cause) == -1)
		goto out;
	rc = 0;
out:
	free(coding);
	free(qcs);
	return rc;
}

/* Translate a message from an sms-service into the internal event. */
static int
kannel_parse(const void *state, const struct channel_request *req,
    struct channel_event *ev, const char **cause)
{
	int	 post = req->method == CHANNEL_POST;

	(void)state;
	if (kannel_field(req, ev, post ? "X-Kannel-From" : NULL, "from",
	    &ev->phone, cause) == -1 ||
	    kannel_field(req, ev, post ? "X-Kannel-To" : NULL, "to",
	    &ev->service_code, cause) == -1 ||
	    kannel_field(req, ev, NULL, "id", &ev->hop_id, cause) == -1)
		return CHANNEL_BAD;
	if (ev->phone == NULL) {
		*cause = "missing field from";
		return CHANNEL_BAD;
	}
	if (post)
		return kannel_parse_post(req, ev, cause);
	return kannel_parse_get(req, ev, cause);
}

/*
 * Parse a decimal number of 1 to 3 digits; -1 if s is not one. It stops
 * at the fourth digit: a longer run would overflow v before it is refused.
 */
static int
kannel_small(const char *s)
{
	int	 v = 0;
	size_t	 n;

	for (n = 0; n < 4 && s[n] >= '0' && s[n] <= '9'; n++)
		v = v * 10 + (s[n] - '0');
	return n >= 1 && n <= 3 && s[n] == '\0' ? v : -1;
}

/*
 * A delivery report from our dlr-url: id (ours), part, and status, the
 * dlr-mask bit Kannel substituted for %d: 1 delivered to the phone, 2 not
 * delivered, 4 queued on the SMSC, 8 delivered to the SMSC, 16 refused by
 * the SMSC.
 */
static int
kannel_notice(const void *state, const struct channel_request *req,
    struct channel_event *ev, const char **how, const char **cause)
{
	const char	*q = req->query != NULL ? req->query : "";
	const char	*st, *part;
	int		 v;

	(void)state;
	ev->form_query = form_parse(q, strlen(q), cause);
	if (ev->form_query == NULL)
		return CHANNEL_BAD;
	ev->session_id = form_get(ev->form_query, "id");
	if (ev->session_id == NULL || *ev->session_id == '\0') {
		*cause = "missing field id";
		return CHANNEL_BAD;
	}
	st = form_get(ev->form_query, "status");
	if (st == NULL) {
		*cause = "missing field status";
		return CHANNEL_BAD;
	}
	switch (kannel_small(st)) {
	case 1:
		*how = "delivered";
		break;
	case 2:
	case 16:
		*how = "failed";
		break;
	case 4:
	case 8:
		*how = "sent";
		break;
	default:
		*cause = "unknown status";
		return CHANNEL_BAD;
	}
	part = form_get(ev->form_query, "part");
	if (part != NULL && (v = kannel_small(part)) >= 1 && v <= 255)
		ev->concat_part = (unsigned)v;
	return 0;
}

/* Whether the entry configured sendsms. */
static int
kannel_can_send(const void *state)
{
	const struct kannel	*k = state;

	return k != NULL && k->url != NULL && k->username != NULL &&
	    k->password != NULL;
}

/*
 * The dlr-url for part of m, as Kannel must receive it: our report URL
 * with id, part and status=%d, which kannel_buf_param then encodes (so
 * Kannel sees "%d" in it after decoding the parameter once).
 */
static void
kannel_dlr_url(struct kannel_buf *b, const struct channel_sms *m,
    size_t part)
{
	char	 num[32];

	kannel_buf_str(b, m->report_url);
	kannel_buf_str(b, strchr(m->report_url, '?') != NULL ? "&id=" :
	    "?id=");
	kannel_buf_pct(b, m->msg_id, strlen(m->msg_id), 0);
	snprintf(num, sizeof(num), "&part=%zu", part);
	kannel_buf_str(b, num);
	kannel_buf_str(b, "&status=%d");
}

/*
 * Build the sendsms GET for one part of m: UCS-2 as UTF-16BE bytes with
 * coding=2 and no charset (as courier does: Kannel builds without iconv
 * refuse a charset), GSM-7 as UTF-8 with coding=0; a part of several
 * carries a 6-octet concatenation UDH.
 */
static int
kannel_send(const void *state, const struct channel_sms *m,
    struct channel_http *out)
{
	const struct kannel	*k = state;
	struct kannel_buf	 u, dlr;
	unsigned char		 udh[6];
	char			*u16 = NULL;
	const char		*text;
	size_t			 tlen, parts, part;

	memset(out, 0, sizeof(*out));
	memset(&u, 0, sizeof(u));
	memset(&dlr, 0, sizeof(dlr));
	if (!kannel_can_send(k) || m->to == NULL || m->text == NULL)
		return -1;
	parts = m->parts == 0 ? 1 : m->parts;
	part = m->part == 0 ? 1 : m->part;
	if (parts > 255 || part > parts)
		return -1;
	text = m->text;
	tlen = strlen(m->text);
	if (m->enc == TEXT_UCS2) {
		u16 = text_to_utf16be(m->text, tlen, &tlen);
		if (u16 == NULL)
			goto fail;
		text = u16;
	}
	kannel_buf_str(&u, k->url);
	kannel_buf_str(&u, strchr(k->url, '?') != NULL ? "&" : "?");
	kannel_buf_str(&u, "username=");
	kannel_buf_pct(&u, k->username, strlen(k->username), 0);
	kannel_buf_param(&u, "password", k->password, strlen(k->password));
	if (m->from != NULL)
		kannel_buf_param(&u, "from", m->from, strlen(m->from));
	kannel_buf_param(&u, "to", m->to, strlen(m->to));
	kannel_buf_param(&u, "text", text, tlen);
	kannel_buf_str(&u, m->enc == TEXT_UCS2 ? "&coding=2" : "&coding=0");
	if (k->smsc != NULL)
		kannel_buf_param(&u, "smsc", k->smsc, strlen(k->smsc));
	if (parts > 1) {
		udh[0] = 5;		/* UDHL */
		udh[1] = 0x00;		/* IEI: concatenation, 8-bit ref */
		udh[2] = 3;		/* IEDL */
		udh[3] = (unsigned char)(m->ref & 0xff);
		udh[4] = (unsigned char)parts;
		udh[5] = (unsigned char)part;
		kannel_buf_str(&u, "&udh=");
		kannel_buf_pct(&u, (const char *)udh, sizeof(udh), 1);
	}
	if (m->report_url != NULL && m->msg_id != NULL) {
		kannel_dlr_url(&dlr, m, part);
		kannel_buf_str(&u, "&dlr-mask=" KANNEL_DLR_MASK);
		if (!dlr.oom)
			kannel_buf_param(&u, "dlr-url", dlr.p, dlr.len);
	}
	if (u.oom || dlr.oom)
		goto fail;
	out->method = "GET";
	out->url = u.p;
	kannel_buf_wipe(&dlr);
	if (u16 != NULL) {
		explicit_bzero(u16, tlen);
		free(u16);
	}
	return 0;

fail:
	kannel_buf_wipe(&u);
	kannel_buf_wipe(&dlr);
	if (u16 != NULL) {
		explicit_bzero(u16, tlen);
		free(u16);
	}
	return -1;
}

/*
 * Judge sendsms's answer: 202 "0: Accepted for delivery" or "3: Queued
 * for later delivery" is sent (Kannel gives no id we could use); 503
 * "Temporal failure", other 5xx, 408, 429 and no answer are worth a retry;
 * any other 4xx is a bad request or configuration that a retry repeats.
 */
static enum channel_verdict
kannel_sent(const void *state, const struct channel_answer *a,
    char **gateway_id, const char **why)
{
	(void)state;
	*gateway_id = NULL;
	*why = NULL;
	if (a->status == 0) {
		*why = "no answer";
		return CHANNEL_RETRY;
	}
	if (a->status >= 200 && a->status < 300) {
		if (a->body != NULL && a->body_len >= 2 &&
		    (strncmp(a->body, "0:", 2) == 0 ||
		    strncmp(a->body, "3:", 2) == 0))
			return CHANNEL_SENT;
		*why = "unexpected answer from sendsms";
		return CHANNEL_FAILED;
	}
	if (a->status >= 500 || a->status == 408 || a->status == 429) {
		*why = "temporary failure";
		return CHANNEL_RETRY;
	}
	*why = "refused by sendsms";
	return CHANNEL_FAILED;
}

/* The adapter, as channel.c lists it. */
const struct channel_ops channel_kannel = {
	.name = "kannel",
	.schema = kannel_keys,
	.configure = kannel_configure,
	.free = kannel_free,
	.parse = kannel_parse,
	.notice = kannel_notice,
	.notice_path = "/dlr",
	/* 200 and nothing: replies go by sendsms. */
	.format = channel_util_format_empty,
	/* get-url and our dlr-url are GETs; post-url is a POST. */
	.methods = channel_util_methods_get_post,
	.kind = CHANNEL_SMS,
	.flags = CHANNEL_SPLIT,
	.send = kannel_send,
	.sent = kannel_sent,
	.auth = NULL,
	.authed = NULL,
	.can_send = kannel_can_send,
};
