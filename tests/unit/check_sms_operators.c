/* SPDX-License-Identifier: ISC */
/*
 * check_sms_operators: the SMS adapters of the Cambodian operators and
 * the configurable one, called through their ops as channel.c calls them.
 * Kannel's get-url and post-url (Khmer as raw UTF-16BE, Windows-1252,
 * UDH parts), its dlr-url reports and the exact sendsms URL of each part;
 * OneAPI's notifications, its request body byte for byte, the token
 * request and answer; PlasGate's masked send; generic_sms's mapping each
 * way; every verdict branch and the configuration errors.
 */
#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "channel.h"
#include "channel_ops.h"
#include "diag.h"
#include "form.h"
#include "schema.h"
#include "testutil.h"

extern const struct channel_ops channel_at;
extern const struct channel_ops channel_generic;
extern const struct channel_ops channel_kannel;
extern const struct channel_ops channel_oneapi;
extern const struct channel_ops channel_plasgate;
extern const struct channel_ops channel_generic_sms;

/* "ជួយ" (help): U+1787 U+17BD U+1799, in UTF-8, UTF-16BE and encoded. */
#define KM_HELP		"\xe1\x9e\x87\xe1\x9e\xbd\xe1\x9e\x99"
#define KM_HELP_16	"\x17\x87\x17\xbd\x17\x99"
#define KM_HELP_16_URL	"%17%87%17%BD%17%99"
#define KM_HELP_8_URL	"%E1%9E%87%E1%9E%BD%E1%9E%99"
/* "ខ្ញុំ" (I): U+1781 U+17D2 U+1789 U+17BB U+17C6. */
#define KM_I		"\xe1\x9e\x81\xe1\x9f\x92\xe1\x9e\x89\xe1\x9e\xbb" \
			"\xe1\x9f\x86"
#define KM_I_16_URL	"%17%81%17%D2%17%89%17%BB%17%C6"

#define PHONE		"+85512345678"

/* The common keys channel.c would check (and a token to vary). */
static const struct schema_key t_common[] = {
	{ "name", SCHEMA_STR, 1, 32, NULL, 0, 1, NULL, NULL, "" },
	{ "type", SCHEMA_STR, 1, 32, NULL, 0, 1, NULL, NULL, "" },
	{ "path", SCHEMA_STR, 2, 128, NULL, 0, 0, NULL, NULL, "" },
	{ "sender", SCHEMA_STR, 1, 32, NULL, 0, 0, NULL, NULL, "" },
	{ "report_url", SCHEMA_STR, 8, 512, NULL, 0, 0, NULL, NULL, "" },
	SCHEMA_END
};

/* What configuring an adapter came to. */
struct conf {
	const struct channel_ops	*ops;
	void				*state;
	struct diag			*d;
	size_t				 errors;
	int				 rc;
};

/*
 * Check entry against the common keys and ops's, as channel_new does,
 * then configure ops with it; secret files are looked up in dir.
 */
static struct conf
conf_in(const struct channel_ops *ops, const char *entry, int token,
    const char *dir)
{
	struct channel_setup	 setup = { "t", token, "/sms/t" };
	struct conf		 c;

	memset(&c, 0, sizeof(c));
	c.ops = ops;
	c.d = diag_new();
	c.rc = tu_channel_conf(ops, t_common, entry, &setup, dir, c.d,
	    &c.errors, &c.state);
	return c;
}

/* Configure with a token set and the current directory. */
static struct conf
conf(const struct channel_ops *ops, const char *entry)
{
	return conf_in(ops, entry, 1, ".");
}

/* Release what conf made. */
static void
conf_done(struct conf *c)
{
	c->ops->free(c->state);
	diag_free(c->d);
	memset(c, 0, sizeof(*c));
}

/* Configure an entry that must load without a problem; its state. */
static void *
conf_ok(const struct channel_ops *ops, const char *entry)
{
	struct conf	 c = conf(ops, entry);
	void		*st = c.state;

	ck_assert_int_eq(c.rc, 0);
	ck_assert_msg(c.errors == 0, "%s", tu_diag_all(c.d));
	diag_free(c.d);
	return st;
}

/* Configure an entry that must fail with a problem containing want. */
static void
conf_bad(const struct channel_ops *ops, const char *entry, const char *want)
{
	struct conf	 c = conf(ops, entry);

	ck_assert_int_eq(c.rc, 0);
	ck_assert_msg(c.errors > 0, "no error for %s", entry);
	ck_assert_msg(tu_diag_has(c.d, want), "want \"%s\", got %s", want,
	    tu_diag_all(c.d));
	conf_done(&c);
}

/* A request: len bytes of body (0 with a string: its length). */
static struct channel_request
rq(enum channel_method m, const char *query, const char *body, size_t len,
    const struct tu_hdr *h)
{
	struct channel_request	 r;

	memset(&r, 0, sizeof(r));
	r.method = m;
	r.query = query;
	r.body = body != NULL ? body : "";
	r.body_len = body != NULL && len == 0 ? strlen(body) : len;
	r.header = tu_hdr_get;
	r.header_arg = (void *)h;
	return r;
}

/* Parse and expect CHANNEL_BAD with exactly cause want. */
static void
refused(const struct channel_ops *ops, const void *st,
    struct channel_request r, const char *want)
{
	struct channel_event	 ev;
	const char		*cause;

	ck_assert_int_eq(tu_parse(ops, st, r, &ev, &cause), CHANNEL_BAD);
	ck_assert_str_eq(cause, want);
	channel_event_clear(&ev);
}

/* Read a report; *how is what it says (NULL when refused). */
static int
report(const struct channel_ops *ops, const void *st,
    struct channel_request r, struct channel_event *ev, const char **how,
    const char **cause)
{
	memset(ev, 0, sizeof(*ev));
	ev->channel = "t";
	*how = NULL;
	*cause = NULL;
	return ops->notice(st, &r, ev, how, cause);
}

/* The report's status and our id (or the gateway's), checked. */
static void
report_is(const struct channel_ops *ops, const void *st,
    struct channel_request r, const char *want_how, const char *want_id)
{
	struct channel_event	 ev;
	const char		*how, *cause;

	ck_assert_msg(report(ops, st, r, &ev, &how, &cause) == 0, "%s",
	    cause);
	ck_assert_str_eq(how, want_how);
	ck_assert_str_eq(ev.session_id != NULL ? ev.session_id : ev.hop_id,
	    want_id);
	channel_event_clear(&ev);
}

/* A report that must be refused with cause want. */
static void
report_refused(const struct channel_ops *ops, const void *st,
    struct channel_request r, const char *want)
{
	struct channel_event	 ev;
	const char		*how, *cause;

	ck_assert_int_eq(report(ops, st, r, &ev, &how, &cause), CHANNEL_BAD);
	ck_assert_str_eq(cause, want);
	channel_event_clear(&ev);
}

/* One message to send, Khmer, whole, with a report URL. */
static struct channel_sms
sms(const char *text, enum text_encoding enc)
{
	struct channel_sms	 m;

	memset(&m, 0, sizeof(m));
	m.to = PHONE;
	m.from = "1280";
	m.text = text;
	m.enc = enc;
	m.parts = 1;
	m.part = 0;
	m.msg_id = "m-7";
	return m;
}

/* The verdict on an answer; *id gets the gateway id (freed by caller). */
static enum channel_verdict
judge(const struct channel_ops *ops, const void *st, long status,
    const char *body, char **id, const char **why)
{
	struct channel_answer	 a;

	a.status = status;
	a.body = body;
	a.body_len = body != NULL ? strlen(body) : 0;
	*id = (char *)"unset";
	*why = "unset";
	return ops->sent(st, &a, id, why);
}

/* The verdict alone, with no gateway id expected. */
static enum channel_verdict
verdict(const struct channel_ops *ops, const void *st, long status,
    const char *body)
{
	enum channel_verdict	 v;
	const char		*why;
	char			*id;

	v = judge(ops, st, status, body, &id, &why);
	ck_assert_ptr_null(id);
	if (v == CHANNEL_SENT)
		ck_assert_ptr_null(why);
	else
		ck_assert(why != NULL && *why != '\0' &&
		    strcmp(why, "unset") != 0);
	return v;
}

/* An answer to a send and the verdict it must get. */
struct judged {
	long			 status;
	const char		*body;
	enum channel_verdict	 want;
};

/* Judge each of n answers, with no gateway id expected. */
static void
verdicts(const struct channel_ops *ops, const void *st,
    const struct judged *j, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		ck_assert_int_eq(verdict(ops, st, j[i].status, j[i].body),
		    j[i].want);
}

/* Every adapter answers an inbound request with an empty 200. */
static void
empty_answer(const struct channel_ops *ops, const void *st)
{
	struct channel_reply	 rep = { (char *)"x", 0, "note" };
	struct channel_response	 out;

	memset(&out, 0, sizeof(out));
	ck_assert_int_eq(ops->format(st, &rep, &out), 0);
	ck_assert_str_eq(out.body, "");
	ck_assert_uint_eq(out.len, 0);
	ck_assert_str_eq(out.content_type, "text/plain; charset=utf-8");
	free(out.body);
}

#define KANNEL_ENTRY(extra) \
	"{\"name\": \"cellcard\", \"type\": \"kannel\", " \
	"\"path\": \"/sms/cellcard\", \"sender\": \"1280\", " \
	"\"sendsms_url\": \"http://127.0.0.1:13013/cgi-bin/sendsms\", " \
	"\"kannel_username\": \"hotline\", " \
	"\"kannel_password\": \"s3cret pw\"" extra "}"
#define KANNEL_RECV \
	"{\"name\": \"cellcard\", \"type\": \"kannel\", " \
	"\"path\": \"/sms/cellcard\"}"
#define KANNEL_URL \
	"http://127.0.0.1:13013/cgi-bin/sendsms?username=hotline" \
	"&password=s3cret%20pw"
#define DLR_BASE	"http://10.0.0.5:8080/sms/cellcard/dlr"

/*
 * The documented get-url, a Khmer message with coding=2: %a holds the
 * raw UTF-16BE bytes, URL-encoded.
 */
START_TEST(test_kannel_get_khmer)
{
	void			*st = conf_ok(&channel_kannel, KANNEL_RECV);
	struct channel_event	 ev;
	const char		*cause;

	ck_assert_int_eq(tu_parse(&channel_kannel, st, rq(CHANNEL_GET,
	    "from=%2B85512345678&to=1280&text=" KM_HELP_16_URL
	    "&id=0b8e4f1c-2d3a-4b5c-9d6e-7f8091a2b3c4&coding=2"
	    "&charset=UTF-16BE", NULL, 0, NULL), &ev, &cause), 0);
	ck_assert_str_eq(ev.phone, PHONE);
	ck_assert_str_eq(ev.service_code, "1280");
	ck_assert_str_eq(ev.hop_id, "0b8e4f1c-2d3a-4b5c-9d6e-7f8091a2b3c4");
	ck_assert_str_eq(ev.input, KM_HELP);
	ck_assert_ptr_null(ev.concat_ref);
	ck_assert_uint_eq(ev.concat_total, 0);
	channel_event_clear(&ev);

	/* coding=2 alone, ASCII in UTF-16BE: NUL bytes in the text. */
	ck_assert_int_eq(tu_parse(&channel_kannel, st, rq(CHANNEL_GET,
	    "from=85512345678&text=%00H%00i%00%21&coding=2", NULL, 0, NULL),
	    &ev, &cause), 0);
	ck_assert_str_eq(ev.phone, "85512345678");
	ck_assert_str_eq(ev.input, "Hi!");
	ck_assert_ptr_null(ev.service_code);
	ck_assert_ptr_null(ev.hop_id);
	channel_event_clear(&ev);

	/* The charset alone says UTF-16BE too. */
	ck_assert_int_eq(tu_parse(&channel_kannel, st, rq(CHANNEL_GET,
	    "from=85512345678&text=" KM_I_16_URL "&charset=utf-16be", NULL, 0,
	    NULL), &ev, &cause), 0);
	ck_assert_str_eq(ev.input, KM_I);
	channel_event_clear(&ev);

	/* mo-recode: UTF-8 with its charset, whatever the coding. */
	tu_parsed_text(&channel_kannel, st, rq(CHANNEL_GET,
	    "from=85512345678&text=" KM_HELP_8_URL "&coding=0&charset=UTF-8",
	    NULL, 0, NULL), KM_HELP);

	/* An empty text is a message too. */
	tu_parsed_text(&channel_kannel, st, rq(CHANNEL_GET,
	    "from=85512345678&text=&coding=2", NULL, 0, NULL), "");
	channel_kannel.free(st);
}
END_TEST

/* 7-bit texts: UTF-8, or Windows-1252 when Kannel recoded them. */
START_TEST(test_kannel_get_latin)
{
	void	*st = conf_ok(&channel_kannel, KANNEL_RECV);

	tu_parsed_text(&channel_kannel, st, rq(CHANNEL_GET,
	    "from=85512345678&text=STOP+now&coding=0&charset=GSM", NULL, 0,
	    NULL), "STOP now");

	tu_parsed_text(&channel_kannel, st, rq(CHANNEL_GET,
	    "from=85512345678&text=caf%E9+%80%9620&coding=0"
	    "&charset=WINDOWS-1252", NULL, 0, NULL),
	    "caf\xc3\xa9 \xe2\x82\xac\xe2\x80\x93" "20");
	channel_kannel.free(st);
}
END_TEST

/* Each malformed get-url has its own reason. */
START_TEST(test_kannel_get_refusals)
{
	void	*st = conf_ok(&channel_kannel, KANNEL_RECV);

	refused(&channel_kannel, st, rq(CHANNEL_GET, "text=hi&coding=0",
	    NULL, 0, NULL), "missing field from");
	refused(&channel_kannel, st, rq(CHANNEL_GET, "from=&text=hi",
	    NULL, 0, NULL), "missing field from");
	refused(&channel_kannel, st, rq(CHANNEL_GET, NULL, NULL, 0, NULL),
	    "missing field from");
	refused(&channel_kannel, st, rq(CHANNEL_GET, "from=855123&id=1",
	    NULL, 0, NULL), "missing field text");
	refused(&channel_kannel, st, rq(CHANNEL_GET,
	    "from=855123&text=%17%87%17&coding=2", NULL, 0, NULL),
	    "text is not UTF-16BE");
	refused(&channel_kannel, st, rq(CHANNEL_GET,
	    "from=855123&text=%D8%00%00A&coding=2", NULL, 0, NULL),
	    "text is not UTF-16BE");
	refused(&channel_kannel, st, rq(CHANNEL_GET,
	    "from=855123&text=%FFx&coding=0", NULL, 0, NULL),
	    "text is not valid UTF-8");
	refused(&channel_kannel, st, rq(CHANNEL_GET,
	    "from=855123&text=a%00b", NULL, 0, NULL),
	    "text is not valid UTF-8");
	refused(&channel_kannel, st, rq(CHANNEL_GET,
	    "from=855123&text=%0", NULL, 0, NULL),
	    "invalid percent-encoding");
	refused(&channel_kannel, st, rq(CHANNEL_GET,
	    "from=%ZZ&text=hi", NULL, 0, NULL), "invalid percent-encoding");
	refused(&channel_kannel, st, rq(CHANNEL_GET,
	    "from=%FF&text=hi", NULL, 0, NULL), "invalid UTF-8");
	refused(&channel_kannel, st, rq(CHANNEL_GET,
	    "from=855&text=hi&charset=%FF", NULL, 0, NULL), "invalid UTF-8");
	refused(&channel_kannel, st, rq(CHANNEL_GET,
	    "from=855&text=%00%00&charset=WINDOWS-1252", NULL, 0, NULL),
	    "text holds a NUL");
	channel_kannel.free(st);
}
END_TEST

/* post-url: the body is the text, the numbers are X-Kannel headers. */
START_TEST(test_kannel_post)
{
	static const struct tu_hdr	 ucs2[] = {
		{ "X-Kannel-From", PHONE },
		{ "X-Kannel-To", "1280" },
		{ "X-Kannel-Coding", "2" },
		{ "Content-Type", "text/plain; charset=UTF-16BE" },
		{ NULL, NULL }
	}, utf8[] = {
		{ "X-Kannel-From", "85597111222" },
		{ "Content-Type", "text/plain; charset=\"utf-8\"" },
		{ "X-Kannel-UDH", "050003070302" },
		{ NULL, NULL }
	}, nofrom[] = {
		{ "X-Kannel-To", "1280" },
		{ NULL, NULL }
	}, badfrom[] = {
		{ "X-Kannel-From", "\xff" },
		{ NULL, NULL }
	};
	void			*st = conf_ok(&channel_kannel, KANNEL_RECV);
	struct channel_event	 ev;

	tu_parse_ok(&channel_kannel, st, rq(CHANNEL_POST, "id=k-1", KM_HELP_16,
	    6, ucs2), &ev);
	ck_assert_str_eq(ev.phone, PHONE);
	ck_assert_str_eq(ev.service_code, "1280");
	ck_assert_str_eq(ev.hop_id, "k-1");
	ck_assert_str_eq(ev.input, KM_HELP);
	ck_assert_uint_eq(ev.concat_total, 0);
	channel_event_clear(&ev);

	/* UTF-8, and a part Kannel did not reassemble. */
	tu_parse_ok(&channel_kannel, st, rq(CHANNEL_POST, NULL, KM_I, 0, utf8),
	    &ev);
	ck_assert_str_eq(ev.phone, "85597111222");
	ck_assert_ptr_null(ev.service_code);
	ck_assert_ptr_null(ev.hop_id);
	ck_assert_str_eq(ev.input, KM_I);
	ck_assert_str_eq(ev.concat_ref, "7");
	ck_assert_uint_eq(ev.concat_part, 2);
	ck_assert_uint_eq(ev.concat_total, 3);
	channel_event_clear(&ev);

	/* Without send-sender, the sender may come from the post-url. */
	tu_parse_ok(&channel_kannel, st, rq(CHANNEL_POST,
	    "from=85512000111&coding=2", KM_HELP_16, 6, nofrom), &ev);
	ck_assert_str_eq(ev.phone, "85512000111");
	ck_assert_str_eq(ev.input, KM_HELP);
	channel_event_clear(&ev);

	refused(&channel_kannel, st, rq(CHANNEL_POST, "id=1", "hi", 0,
	    nofrom), "missing field from");
	refused(&channel_kannel, st, rq(CHANNEL_POST, NULL, "hi", 0,
	    badfrom), "invalid UTF-8");
	refused(&channel_kannel, st, rq(CHANNEL_POST, NULL, "\x17\x87\x17",
	    3, ucs2), "text is not UTF-16BE");
	channel_kannel.free(st);
}
END_TEST

/* udh=%u on a get-url: 8-bit and 16-bit concatenation references. */
START_TEST(test_kannel_udh)
{
	void			*st = conf_ok(&channel_kannel, KANNEL_RECV);
	struct channel_event	 ev;

	tu_parse_ok(&channel_kannel, st, rq(CHANNEL_GET,
	    "from=855&text=a&udh=%05%00%03%2A%02%01", NULL, 0, NULL), &ev);
	ck_assert_str_eq(ev.concat_ref, "42");
	ck_assert_uint_eq(ev.concat_part, 1);
	ck_assert_uint_eq(ev.concat_total, 2);
	channel_event_clear(&ev);

	tu_parse_ok(&channel_kannel, st, rq(CHANNEL_GET,
	    "from=855&text=a&udh=%06%08%04%01%00%03%02", NULL, 0, NULL), &ev);
	ck_assert_str_eq(ev.concat_ref, "256");
	ck_assert_uint_eq(ev.concat_part, 2);
	ck_assert_uint_eq(ev.concat_total, 3);
	channel_event_clear(&ev);

	/* Truncated, or part 3 of 2: a whole message. */
	tu_parse_ok(&channel_kannel, st, rq(CHANNEL_GET,
	    "from=855&text=a&udh=%05%00%03%2A", NULL, 0, NULL), &ev);
	ck_assert_ptr_null(ev.concat_ref);
	ck_assert_uint_eq(ev.concat_total, 0);
	channel_event_clear(&ev);
	tu_parse_ok(&channel_kannel, st, rq(CHANNEL_GET,
	    "from=855&text=a&udh=%05%00%03%2A%02%03", NULL, 0, NULL), &ev);
	ck_assert_uint_eq(ev.concat_total, 0);
	channel_event_clear(&ev);
	channel_kannel.free(st);
}
END_TEST

/* dlr-url reports: the mask bit in status, our id, the part. */
START_TEST(test_kannel_dlr)
{
	void			*st = conf_ok(&channel_kannel, KANNEL_RECV);
	struct channel_event	 ev;
	const char		*how, *cause;

	ck_assert_int_eq(report(&channel_kannel, st, rq(CHANNEL_GET,
	    "id=m-7&part=2&status=1", NULL, 0, NULL), &ev, &how, &cause), 0);
	ck_assert_str_eq(how, "delivered");
	ck_assert_str_eq(ev.session_id, "m-7");
	ck_assert_ptr_null(ev.hop_id);
	ck_assert_uint_eq(ev.concat_part, 2);
	channel_event_clear(&ev);

	report_is(&channel_kannel, st, rq(CHANNEL_GET,
	    "id=m-7&part=1&status=2", NULL, 0, NULL), "failed", "m-7");
	report_is(&channel_kannel, st, rq(CHANNEL_GET,
	    "id=m-8&part=1&status=16", NULL, 0, NULL), "failed", "m-8");
	report_is(&channel_kannel, st, rq(CHANNEL_GET,
	    "id=m-9&status=4", NULL, 0, NULL), "sent", "m-9");
	report_is(&channel_kannel, st, rq(CHANNEL_GET,
	    "status=8&id=m-10", NULL, 0, NULL), "sent", "m-10");
	report_refused(&channel_kannel, st, rq(CHANNEL_GET,
	    "id=m-7&status=3", NULL, 0, NULL), "unknown status");
	report_refused(&channel_kannel, st, rq(CHANNEL_GET,
	    "id=m-7&status=%25d", NULL, 0, NULL), "unknown status");
	/* Found by fuzz_channel: long runs of digits overflowed an int (UB)
	 * before they were refused; the sanitizer build aborts on it. */
	report_refused(&channel_kannel, st, rq(CHANNEL_GET,
	    "id=8&status=2222222222222222222222222222222221", NULL, 0, NULL),
	    "unknown status");
	report_refused(&channel_kannel, st, rq(CHANNEL_GET,
	    "id=m-7&status=0001", NULL, 0, NULL), "unknown status");
	ck_assert_int_eq(report(&channel_kannel, st, rq(CHANNEL_GET,
	    "id=m-7&status=001&part=99999999999999999999", NULL, 0, NULL),
	    &ev, &how, &cause), 0);
	ck_assert_str_eq(how, "delivered");
	ck_assert_uint_eq(ev.concat_part, 0);
	channel_event_clear(&ev);
	report_refused(&channel_kannel, st, rq(CHANNEL_GET,
	    "part=1&status=1", NULL, 0, NULL), "missing field id");
	report_refused(&channel_kannel, st, rq(CHANNEL_GET,
	    "id=m-7", NULL, 0, NULL), "missing field status");
	report_refused(&channel_kannel, st, rq(CHANNEL_GET,
	    "id=%zz&status=1", NULL, 0, NULL), "invalid percent-encoding");
	channel_kannel.free(st);
}
END_TEST

/*
 * A 2-part Khmer message: each part a GET with its UTF-16BE bytes,
 * coding=2, no charset, the 6-octet UDH, and a dlr-url whose %d reaches
 * Kannel as "%d".
 */
START_TEST(test_kannel_send_khmer)
{
	void			*st;
	struct channel_sms	 m = sms(KM_HELP, TEXT_UCS2);
	struct channel_http	 h;

	st = conf_ok(&channel_kannel, KANNEL_ENTRY(
	    ", \"kannel_smsc\": \"cellcard\""));
	m.parts = 2;
	m.part = 1;
	m.ref = 0x2a;
	m.report_url = DLR_BASE;
	ck_assert_int_eq(channel_kannel.send(st, &m, &h), 0);
	ck_assert_str_eq(h.method, "GET");
	ck_assert_str_eq(h.url, KANNEL_URL "&from=1280&to=%2B85512345678"
	    "&text=" KM_HELP_16_URL "&coding=2&smsc=cellcard"
	    "&udh=%05%00%03%2A%02%01&dlr-mask=31"
	    "&dlr-url=http%3A%2F%2F10.0.0.5%3A8080%2Fsms%2Fcellcard%2Fdlr"
	    "%3Fid%3Dm-7%26part%3D1%26status%3D%25d");
	ck_assert_ptr_null(h.headers[0]);
	ck_assert_ptr_null(h.body);
	ck_assert_uint_eq(h.body_len, 0);
	channel_http_clear(&h);

	m.text = KM_I;
	m.part = 2;
	ck_assert_int_eq(channel_kannel.send(st, &m, &h), 0);
	ck_assert_str_eq(h.url, KANNEL_URL "&from=1280&to=%2B85512345678"
	    "&text=" KM_I_16_URL "&coding=2&smsc=cellcard"
	    "&udh=%05%00%03%2A%02%02&dlr-mask=31"
	    "&dlr-url=http%3A%2F%2F10.0.0.5%3A8080%2Fsms%2Fcellcard%2Fdlr"
	    "%3Fid%3Dm-7%26part%3D2%26status%3D%25d");
	ck_assert(strstr(h.url, "charset") == NULL);
	channel_http_clear(&h);

	/* No part 3 of 2, no 256 parts (the UDH counts in one octet). */
	m.part = 3;
	ck_assert_int_eq(channel_kannel.send(st, &m, &h), -1);
	m.parts = 256;
	m.part = 1;
	ck_assert_int_eq(channel_kannel.send(st, &m, &h), -1);
	channel_kannel.free(st);
}
END_TEST

/* A whole GSM-7 message: UTF-8 and coding=0, no UDH, no report. */
START_TEST(test_kannel_send_gsm)
{
	void			*st;
	struct channel_sms	 m = sms("Call 1280, we're here @ 24/7",
				    TEXT_GSM7);
	struct channel_http	 h;
	struct form		*f;
	const char		*cause, *q;

	st = conf_ok(&channel_kannel, KANNEL_ENTRY(""));
	m.from = NULL;
	ck_assert_int_eq(channel_kannel.send(st, &m, &h), 0);
	ck_assert_str_eq(h.url, KANNEL_URL "&to=%2B85512345678"
	    "&text=Call%201280%2C%20we%27re%20here%20%40%2024%2F7&coding=0");
	channel_http_clear(&h);

	/* The dlr-url as Kannel reads it, after decoding the parameter. */
	m.report_url = DLR_BASE "/tok?x=1";
	ck_assert_int_eq(channel_kannel.send(st, &m, &h), 0);
	q = strchr(h.url, '?');
	ck_assert_ptr_nonnull(q);
	f = form_parse(q + 1, strlen(q + 1), &cause);
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(form_get(f, "dlr-mask"), "31");
	ck_assert_str_eq(form_get(f, "dlr-url"),
	    DLR_BASE "/tok?x=1&id=m-7&part=1&status=%d");
	ck_assert_str_eq(form_get(f, "to"), PHONE);
	ck_assert_str_eq(form_get(f, "password"), "s3cret pw");
	ck_assert_ptr_null(form_get(f, "udh"));
	ck_assert_ptr_null(form_get(f, "charset"));
	form_free(f);
	channel_http_clear(&h);
	channel_kannel.free(st);

	/* A sendsms URL that already has a query. */
	st = conf_ok(&channel_kannel, "{\"name\": \"c\", \"type\": \"kannel\", "
	    "\"sendsms_url\": \"https://gw.example/cgi-bin/sendsms?a=b\", "
	    "\"kannel_username\": \"u\", \"kannel_password\": \"p\"}");
	m = sms("hi", TEXT_GSM7);
	ck_assert_int_eq(channel_kannel.send(st, &m, &h), 0);
	ck_assert_str_eq(h.url, "https://gw.example/cgi-bin/sendsms?a=b"
	    "&username=u&password=p&from=1280&to=%2B85512345678&text=hi"
	    "&coding=0");
	channel_http_clear(&h);
	channel_kannel.free(st);
}
END_TEST

/* sendsms's answers. */
START_TEST(test_kannel_verdicts)
{
	static const struct judged	 answers[] = {
		{ 202, "0: Accepted for delivery", CHANNEL_SENT },
		{ 202, "3: Queued for later delivery", CHANNEL_SENT },
		{ 503, "Temporal failure, try again later.", CHANNEL_RETRY },
		{ 500, "", CHANNEL_RETRY },
		{ 0, NULL, CHANNEL_RETRY },
		{ 429, "", CHANNEL_RETRY },
		{ 400, "Sender missing and no global set, rejected",
		    CHANNEL_FAILED },
		{ 403, "Authorization failed for sendsms", CHANNEL_FAILED },
		{ 401, "", CHANNEL_FAILED },
		{ 202, "Sent.", CHANNEL_FAILED },
		{ 202, NULL, CHANNEL_FAILED },
	};
	void				*st;

	st = conf_ok(&channel_kannel, KANNEL_ENTRY(""));
	verdicts(&channel_kannel, st, answers, nitems(answers));
	channel_kannel.free(st);
}
END_TEST

/* Receive-only entries, partial send blocks, a password file. */
START_TEST(test_kannel_configure)
{
	struct channel_sms	 m = sms("hi", TEXT_GSM7);
	struct channel_http	 h;
	struct conf		 c;
	const char		*dir;
	char			*pw;

	c = conf_in(&channel_kannel, KANNEL_RECV, 0, ".");
	ck_assert_int_eq(c.rc, 0);
	ck_assert_uint_eq(c.errors, 0);
	ck_assert(tu_warned(c.d, "has no token"));
	ck_assert_int_eq(channel_kannel.can_send(c.state), 0);
	ck_assert_int_eq(channel_kannel.send(c.state, &m, &h), -1);
	ck_assert_ptr_null(h.url);
	empty_answer(&channel_kannel, c.state);
	conf_done(&c);

	c = conf(&channel_kannel, KANNEL_ENTRY(""));
	ck_assert_int_eq(channel_kannel.can_send(c.state), 1);
	ck_assert_uint_eq(diag_warnings(c.d), 0);
	conf_done(&c);

	conf_bad(&channel_kannel, "{\"name\": \"c\", \"type\": \"kannel\", "
	    "\"sendsms_url\": \"http://127.0.0.1:13013/cgi-bin/sendsms\", "
	    "\"kannel_username\": \"u\"}", "needs \"kannel_password\"");
	conf_bad(&channel_kannel, "{\"name\": \"c\", \"type\": \"kannel\", "
	    "\"sendsms_url\": \"http://127.0.0.1:13013/cgi-bin/sendsms\", "
	    "\"kannel_password\": \"p\"}", "needs \"kannel_username\"");
	conf_bad(&channel_kannel, "{\"name\": \"c\", \"type\": \"kannel\", "
	    "\"kannel_username\": \"u\", \"kannel_password\": \"p\"}",
	    "need \"sendsms_url\"");
	conf_bad(&channel_kannel, "{\"name\": \"c\", \"type\": \"kannel\", "
	    "\"kannel_smsc\": \"x\"}", "need \"sendsms_url\"");
	conf_bad(&channel_kannel, "{\"name\": \"c\", \"type\": \"kannel\", "
	    "\"sendsms_url\": \"ftp://127.0.0.1/cgi-bin/sendsms\", "
	    "\"kannel_username\": \"u\", \"kannel_password\": \"p\"}",
	    "/channels/0/sendsms_url: must be an http:// or https:// URL");
	conf_bad(&channel_kannel, "{\"name\": \"c\", \"type\": \"kannel\", "
	    "\"sendsms_url\": \"http://x:1/s\", \"kannel_username\": \"u\", "
	    "\"kannel_password\": \"p\", \"kannel_password_file\": \"f\"}",
	    "use either");

	/* The password from a private file, and a file others can read. */
	dir = tu_tmpdir();
	pw = tu_write(dir, "kannel.pw", "pw&file\n");
	ck_assert_int_eq(chmod(pw, 0600), 0);
	c = conf_in(&channel_kannel, "{\"name\": \"c\", \"type\": \"kannel\", "
	    "\"sendsms_url\": \"http://x:1/s\", \"kannel_username\": \"u\", "
	    "\"kannel_password_file\": \"kannel.pw\"}", 1, dir);
	ck_assert_msg(c.errors == 0, "%s", tu_diag_all(c.d));
	ck_assert_int_eq(channel_kannel.send(c.state, &m, &h), 0);
	ck_assert_str_eq(h.url, "http://x:1/s?username=u&password=pw%26file"
	    "&from=1280&to=%2B85512345678&text=hi&coding=0");
	channel_http_clear(&h);
	conf_done(&c);
	ck_assert_int_eq(chmod(pw, 0644), 0);
	c = conf_in(&channel_kannel, "{\"name\": \"c\", \"type\": \"kannel\", "
	    "\"sendsms_url\": \"http://x:1/s\", \"kannel_username\": \"u\", "
	    "\"kannel_password_file\": \"kannel.pw\"}", 1, dir);
	ck_assert_uint_eq(c.errors, 1);
	ck_assert(tu_diag_has(c.d, "kannel_password_file"));
	ck_assert_int_eq(channel_kannel.can_send(c.state), 0);
	conf_done(&c);
	free(pw);
	tu_cleanup();

	ck_assert_str_eq(channel_kannel.name, "kannel");
	ck_assert_int_eq(channel_kannel.kind, CHANNEL_SMS);
	ck_assert_uint_eq(channel_kannel.flags, CHANNEL_SPLIT);
	ck_assert_str_eq(channel_kannel.notice_path, "/dlr");
	ck_assert_uint_eq(channel_kannel.methods(NULL),
	    CHANNEL_ALLOW_GET | CHANNEL_ALLOW_POST);
	ck_assert_ptr_null(channel_kannel.auth);
}
END_TEST

#define ONEAPI_ENTRY \
	"{\"name\": \"smart\", \"type\": \"oneapi\", " \
	"\"path\": \"/sms/smart\", \"sender\": \"1280\", " \
	"\"oneapi_url\": \"https://api.smart.example/\", " \
	"\"oneapi_token_url\": \"https://api.smart.example/token\", " \
	"\"oneapi_consumer_key\": \"AbCdEf123\", " \
	"\"oneapi_consumer_secret\": \"s3cr3tXyZ\"}"
/* An entry with the sender (or not) and the other keys as given. */
#define ONEAPI_BAD(sender, tok, key, secret) \
	"{\"name\": \"s\", \"type\": \"oneapi\", " sender \
	"\"oneapi_url\": \"https://a.example\", " \
	"\"oneapi_token_url\": \"" tok "\", " \
	"\"oneapi_consumer_key\": \"" key "\", " \
	"\"oneapi_consumer_secret\": \"" secret "\"}"
#define ONEAPI_INBOUND(msg) \
	"{\"inboundSMSMessageNotification\":{\"callbackData\":\"hl\"," \
	"\"inboundSMSMessage\":{\"dateTime\":\"2024-05-01T10:00:00Z\"," \
	"\"destinationAddress\":\"tel:+1280\",\"messageId\":\"mo-51\"," \
	"\"message\":" msg ",\"senderAddress\":\"tel:+85510123456\"}}}"
#define ONEAPI_DLR(st) \
	"{\"deliveryInfoNotification\":{\"callbackData\":\"m-7\"," \
	"\"deliveryInfo\":{\"address\":\"tel:+85510123456\"," \
	"\"deliveryStatus\":\"" st "\"}}}"

/* An inboundSMSMessageNotification, Khmer, "tel:" dropped. */
START_TEST(test_oneapi_inbound)
{
	void			*st = conf_ok(&channel_oneapi, ONEAPI_ENTRY);
	struct channel_event	 ev;
	const char		*cause;

	tu_parse_ok(&channel_oneapi, st, rq(CHANNEL_POST, NULL,
	    ONEAPI_INBOUND("\"" KM_HELP "\""), 0, NULL), &ev);
	ck_assert_str_eq(ev.phone, "+85510123456");
	ck_assert_str_eq(ev.service_code, "+1280");
	ck_assert_str_eq(ev.hop_id, "mo-51");
	ck_assert_str_eq(ev.input, KM_HELP);
	ck_assert_uint_eq(ev.concat_total, 0);
	channel_event_clear(&ev);

	/* Escaped in JSON, and without the optional fields. */
	ck_assert_int_eq(tu_parse(&channel_oneapi, st, rq(CHANNEL_POST, NULL,
	    "{\"inboundSMSMessageNotification\":{\"inboundSMSMessage\":"
	    "{\"message\":\"\\u1787\\u17bd\\u1799\","
	    "\"senderAddress\":\"85510123456\"}}}", 0, NULL), &ev, &cause),
	    0);
	ck_assert_str_eq(ev.phone, "85510123456");
	ck_assert_str_eq(ev.input, KM_HELP);
	ck_assert_ptr_null(ev.service_code);
	ck_assert_ptr_null(ev.hop_id);
	channel_event_clear(&ev);

	refused(&channel_oneapi, st, rq(CHANNEL_POST, NULL, "senderAddress=1",
	    0, NULL), "invalid JSON body");
	refused(&channel_oneapi, st, rq(CHANNEL_POST, NULL, "{\"a\":1}", 0,
	    NULL), "missing inboundSMSMessageNotification");
	refused(&channel_oneapi, st, rq(CHANNEL_POST, NULL,
	    "{\"inboundSMSMessageNotification\":{}}", 0, NULL),
	    "missing inboundSMSMessage");
	refused(&channel_oneapi, st, rq(CHANNEL_POST, NULL,
	    "{\"inboundSMSMessageNotification\":{\"inboundSMSMessage\":"
	    "{\"message\":\"hi\"}}}", 0, NULL), "missing senderAddress");
	refused(&channel_oneapi, st, rq(CHANNEL_POST, NULL,
	    "{\"inboundSMSMessageNotification\":{\"inboundSMSMessage\":"
	    "{\"message\":\"hi\",\"senderAddress\":\"tel:\"}}}", 0, NULL),
	    "missing senderAddress");
	refused(&channel_oneapi, st, rq(CHANNEL_POST, NULL,
	    "{\"inboundSMSMessageNotification\":{\"inboundSMSMessage\":"
	    "{\"senderAddress\":\"tel:+855\"}}}", 0, NULL),
	    "missing message");
	refused(&channel_oneapi, st, rq(CHANNEL_POST, NULL,
	    ONEAPI_INBOUND("42"), 0, NULL), "a field is not a string");
	refused(&channel_oneapi, st, rq(CHANNEL_POST, NULL,
	    ONEAPI_INBOUND("\"a\\u0000b\""), 0, NULL), "invalid JSON body");
	channel_oneapi.free(st);
}
END_TEST

/* deliveryInfoNotification: each status, our id from callbackData. */
START_TEST(test_oneapi_reports)
{
	void	*st = conf_ok(&channel_oneapi, ONEAPI_ENTRY);

	report_is(&channel_oneapi, st, rq(CHANNEL_POST, NULL,
	    ONEAPI_DLR("DeliveredToTerminal"), 0, NULL), "delivered", "m-7");
	report_is(&channel_oneapi, st, rq(CHANNEL_POST, NULL,
	    ONEAPI_DLR("DeliveryImpossible"), 0, NULL), "failed", "m-7");
	report_is(&channel_oneapi, st, rq(CHANNEL_POST, NULL,
	    ONEAPI_DLR("DeliveredToNetwork"), 0, NULL), "sent", "m-7");
	report_is(&channel_oneapi, st, rq(CHANNEL_POST, NULL,
	    ONEAPI_DLR("MessageWaiting"), 0, NULL), "sent", "m-7");
	report_is(&channel_oneapi, st, rq(CHANNEL_POST, NULL,
	    ONEAPI_DLR("DeliveryUncertain"), 0, NULL), "sent", "m-7");
	report_is(&channel_oneapi, st, rq(CHANNEL_POST, NULL,
	    "{\"deliveryInfoNotification\":{\"callbackData\":\"m-8\","
	    "\"deliveryInfo\":[{\"address\":\"tel:+855\","
	    "\"deliveryStatus\":\"DeliveredToTerminal\"}]}}", 0, NULL),
	    "delivered", "m-8");
	report_refused(&channel_oneapi, st, rq(CHANNEL_POST, NULL,
	    ONEAPI_DLR("Delivered"), 0, NULL), "unknown deliveryStatus");
	report_refused(&channel_oneapi, st, rq(CHANNEL_POST, NULL,
	    "{\"deliveryInfoNotification\":{\"deliveryInfo\":"
	    "{\"deliveryStatus\":\"DeliveredToTerminal\"}}}", 0, NULL),
	    "missing callbackData");
	report_refused(&channel_oneapi, st, rq(CHANNEL_POST, NULL,
	    "{\"deliveryInfoNotification\":{\"callbackData\":\"m\"}}", 0,
	    NULL), "missing deliveryInfo");
	report_refused(&channel_oneapi, st, rq(CHANNEL_POST, NULL,
	    "{\"deliveryInfoNotification\":{\"callbackData\":\"m\","
	    "\"deliveryInfo\":{}}}", 0, NULL), "missing deliveryStatus");
	report_refused(&channel_oneapi, st, rq(CHANNEL_POST, NULL,
	    ONEAPI_INBOUND("\"hi\""), 0, NULL),
	    "missing deliveryInfoNotification");
	report_refused(&channel_oneapi, st, rq(CHANNEL_POST, NULL, "", 0,
	    NULL), "invalid JSON body");
	channel_oneapi.free(st);
}
END_TEST

/* The outboundSMSMessageRequest, byte for byte. */
START_TEST(test_oneapi_send)
{
	void			*st = conf_ok(&channel_oneapi, ONEAPI_ENTRY);
	struct channel_sms	 m = sms(KM_HELP, TEXT_UCS2);
	struct channel_http	 h;

	m.to = "+85510123456";
	m.token = "eyJ4NXQiOiJOVGRtWmpNNFpEazNOalkwWXpjNU1tWm1PRGd3TVRFM01XWXd";
	m.report_url = "https://hotline.example.org/sms/smart/dlr";
	ck_assert_int_eq(channel_oneapi.send(st, &m, &h), 0);
	ck_assert_str_eq(h.method, "POST");
	ck_assert_str_eq(h.url, "https://api.smart.example/smsmessaging/v1/"
	    "outbound/tel%3A%2B1280/requests");
	ck_assert_str_eq(h.headers[0], "Authorization: Bearer "
	    "eyJ4NXQiOiJOVGRtWmpNNFpEazNOalkwWXpjNU1tWm1PRGd3TVRFM01XWXd");
	ck_assert_str_eq(h.headers[1], "Content-Type: application/json");
	ck_assert_ptr_null(h.headers[2]);
	ck_assert_str_eq(h.body, "{\"outboundSMSMessageRequest\":"
	    "{\"address\":[\"tel:+85510123456\"],"
	    "\"senderAddress\":\"tel:+1280\","
	    "\"outboundSMSTextMessage\":{\"message\":\"" KM_HELP "\"},"
	    "\"clientCorrelator\":\"m-7\","
	    "\"receiptRequest\":{\"notifyURL\":"
	    "\"https://hotline.example.org/sms/smart/dlr\","
	    "\"callbackData\":\"m-7\"}}}");
	ck_assert_uint_eq(h.body_len, strlen(h.body));
	channel_http_clear(&h);

	/* No report wanted; a sender id; a "+" sender kept as it is. */
	m.report_url = NULL;
	m.from = "HOTLINE";
	m.text = "a \"quoted\" line\n";
	ck_assert_int_eq(channel_oneapi.send(st, &m, &h), 0);
	ck_assert_str_eq(h.url, "https://api.smart.example/smsmessaging/v1/"
	    "outbound/tel%3AHOTLINE/requests");
	ck_assert_str_eq(h.body, "{\"outboundSMSMessageRequest\":"
	    "{\"address\":[\"tel:+85510123456\"],"
	    "\"senderAddress\":\"tel:HOTLINE\","
	    "\"outboundSMSTextMessage\":"
	    "{\"message\":\"a \\\"quoted\\\" line\\n\"},"
	    "\"clientCorrelator\":\"m-7\"}}");
	channel_http_clear(&h);
	m.from = "+85510999888";
	ck_assert_int_eq(channel_oneapi.send(st, &m, &h), 0);
	ck_assert(strstr(h.url, "/outbound/tel%3A%2B85510999888/requests"));
	ck_assert(strstr(h.body, "\"senderAddress\":\"tel:+85510999888\""));
	channel_http_clear(&h);

	/* No token, no sender, a token that would break the header. */
	m.token = NULL;
	ck_assert_int_eq(channel_oneapi.send(st, &m, &h), -1);
	m.token = "abc\r\nX-Evil: 1";
	ck_assert_int_eq(channel_oneapi.send(st, &m, &h), -1);
	m.token = "abc";
	m.from = NULL;
	ck_assert_int_eq(channel_oneapi.send(st, &m, &h), -1);
	ck_assert_ptr_null(h.url);
	channel_oneapi.free(st);
}
END_TEST

/* The gateway's answers, and the id in resourceURL. */
START_TEST(test_oneapi_verdicts)
{
	static const struct judged	 answers[] = {
		{ 200, "", CHANNEL_SENT },
		{ 201, "not json", CHANNEL_SENT },
		{ 201, "{\"resourceReference\":{\"resourceURL\":"
		    "\"https://x/\"}}", CHANNEL_SENT },
		{ 401, "{\"fault\":{\"code\":900901}}", CHANNEL_REAUTH },
		{ 429, "", CHANNEL_RETRY },
		{ 503, "", CHANNEL_RETRY },
		{ 0, NULL, CHANNEL_RETRY },
		{ 400, "{\"requestError\":{\"serviceException\":{\"messageId\":"
		    "\"SVC0004\"}}}", CHANNEL_FAILED },
		{ 403, "", CHANNEL_FAILED },
		{ 404, "", CHANNEL_FAILED },
	};
	void				*st;
	const char			*why;
	char				*id;

	st = conf_ok(&channel_oneapi, ONEAPI_ENTRY);
	ck_assert_int_eq(judge(&channel_oneapi, st, 201,
	    "{\"resourceReference\":{\"resourceURL\":"
	    "\"https://api.smart.example/smsmessaging/v1/outbound/"
	    "tel%3A%2B1280/requests/req-8f3a\"}}", &id, &why), CHANNEL_SENT);
	ck_assert_str_eq(id, "req-8f3a");
	ck_assert_ptr_null(why);
	free(id);
	verdicts(&channel_oneapi, st, answers, nitems(answers));
	channel_oneapi.free(st);
}
END_TEST

/* The client-credentials request and reading its answer. */
START_TEST(test_oneapi_token)
{
	void			*st = conf_ok(&channel_oneapi, ONEAPI_ENTRY);
	struct channel_answer	 a;
	struct channel_http	 h;
	char			*tok;
	long			 ttl;

	ck_assert_int_eq(channel_oneapi.auth(st, &h), 0);
	ck_assert_str_eq(h.method, "POST");
	ck_assert_str_eq(h.url, "https://api.smart.example/token");
	/* base64("AbCdEf123:s3cr3tXyZ") */
	ck_assert_str_eq(h.headers[0],
	    "Authorization: Basic QWJDZEVmMTIzOnMzY3IzdFh5Wg==");
	ck_assert_str_eq(h.headers[1],
	    "Content-Type: application/x-www-form-urlencoded");
	ck_assert_ptr_null(h.headers[2]);
	ck_assert_str_eq(h.body, "grant_type=client_credentials");
	ck_assert_uint_eq(h.body_len, 29);
	channel_http_clear(&h);

	a.status = 200;
	a.body = "{\"access_token\":\"e0b1f2a3-4c5d-6e7f-8091-a2b3c4d5e6f7\","
	    "\"scope\":\"am_application_scope default\","
	    "\"token_type\":\"Bearer\",\"expires_in\":3299}";
	a.body_len = strlen(a.body);
	ck_assert_int_eq(channel_oneapi.authed(st, &a, &tok, &ttl), 0);
	ck_assert_str_eq(tok, "e0b1f2a3-4c5d-6e7f-8091-a2b3c4d5e6f7");
	ck_assert_int_eq(ttl, 3299);
	free(tok);

	a.body = "{\"access_token\":\"t1\",\"expires_in\":\"1800\"}";
	a.body_len = strlen(a.body);
	ck_assert_int_eq(channel_oneapi.authed(st, &a, &tok, &ttl), 0);
	ck_assert_str_eq(tok, "t1");
	ck_assert_int_eq(ttl, 1800);
	free(tok);

	a.body = "{\"access_token\":\"t2\"}";
	a.body_len = strlen(a.body);
	ck_assert_int_eq(channel_oneapi.authed(st, &a, &tok, &ttl), 0);
	ck_assert_int_eq(ttl, 3600);
	free(tok);
	a.body = "{\"access_token\":\"t3\",\"expires_in\":\"soon\"}";
	a.body_len = strlen(a.body);
	ck_assert_int_eq(channel_oneapi.authed(st, &a, &tok, &ttl), 0);
	ck_assert_int_eq(ttl, 3600);
	free(tok);

	a.body = "{\"expires_in\":3600}";
	a.body_len = strlen(a.body);
	ck_assert_int_eq(channel_oneapi.authed(st, &a, &tok, &ttl), -1);
	ck_assert_ptr_null(tok);
	a.body = "{\"access_token\":\"two words\"}";
	a.body_len = strlen(a.body);
	ck_assert_int_eq(channel_oneapi.authed(st, &a, &tok, &ttl), -1);
	a.body = "<html>";
	a.body_len = strlen(a.body);
	ck_assert_int_eq(channel_oneapi.authed(st, &a, &tok, &ttl), -1);
	a.status = 401;
	a.body = "{\"error\":\"invalid_client\","
	    "\"error_description\":\"Client Authentication failed.\"}";
	a.body_len = strlen(a.body);
	ck_assert_int_eq(channel_oneapi.authed(st, &a, &tok, &ttl), -1);
	ck_assert_ptr_null(tok);
	channel_oneapi.free(st);
}
END_TEST

/* Receive-only, partial API blocks, the sender it needs. */
START_TEST(test_oneapi_configure)
{
	struct channel_http	 h;
	struct conf		 c;

	c = conf_in(&channel_oneapi, "{\"name\": \"s\", \"type\": \"oneapi\", "
	    "\"path\": \"/sms/smart\"}", 0, ".");
	ck_assert_int_eq(c.rc, 0);
	ck_assert_uint_eq(c.errors, 0);
	ck_assert(tu_warned(c.d, "has no token"));
	ck_assert_int_eq(channel_oneapi.can_send(c.state), 0);
	ck_assert_int_eq(channel_oneapi.auth(c.state, &h), -1);
	empty_answer(&channel_oneapi, c.state);
	conf_done(&c);

	c = conf(&channel_oneapi, ONEAPI_ENTRY);
	ck_assert_int_eq(channel_oneapi.can_send(c.state), 1);
	conf_done(&c);

	conf_bad(&channel_oneapi, "{\"name\": \"s\", \"type\": \"oneapi\", "
	    "\"sender\": \"1280\", \"oneapi_url\": \"https://a.example\"}",
	    "needs oneapi_url, oneapi_token_url, oneapi_consumer_key and "
	    "oneapi_consumer_secret");
	conf_bad(&channel_oneapi, "{\"name\": \"s\", \"type\": \"oneapi\", "
	    "\"oneapi_consumer_secret\": \"x\"}", "needs oneapi_url");
	conf_bad(&channel_oneapi, ONEAPI_BAD("\"sender\": \"1280\", ",
	    "a.example/token", "k", "x"),
	    "/channels/0/oneapi_token_url: must be");
	conf_bad(&channel_oneapi, ONEAPI_BAD("\"sender\": \"1280\", ",
	    "https://a.example/token", "k:1", "x"),
	    "/channels/0/oneapi_consumer_key: must be printable text "
	    "without ':'");
	conf_bad(&channel_oneapi, ONEAPI_BAD("", "https://a.example/token",
	    "k", "x"), "needs \"sender\"");
	conf_bad(&channel_oneapi, ONEAPI_BAD("\"sender\": \"1280\", ",
	    "https://a.example/token", "k", "x\\ty"),
	    "/channels/0/oneapi_consumer_secret: must be printable text");

	ck_assert_str_eq(channel_oneapi.name, "oneapi");
	ck_assert_int_eq(channel_oneapi.kind, CHANNEL_SMS);
	ck_assert_uint_eq(channel_oneapi.flags, 0);
	ck_assert_str_eq(channel_oneapi.notice_path, "/dlr");
	ck_assert_uint_eq(channel_oneapi.methods(NULL), CHANNEL_ALLOW_POST);
}
END_TEST

#define PLASGATE_ENTRY(extra) \
	"{\"name\": \"pg\", \"type\": \"plasgate\", \"sender\": \"HOTLINE\", " \
	"\"plasgate_private_key\": \"pk-0123456789abcdef\", " \
	"\"plasgate_secret\": \"sec-fedcba9876543210\"" extra "}"

/* The masked send, as the alert transport builds it. */
START_TEST(test_plasgate_send)
{
	void			*st = conf_ok(&channel_plasgate,
				    PLASGATE_ENTRY(""));
	struct channel_sms	 m = sms(KM_HELP, TEXT_UCS2);
	struct channel_http	 h;

	m.from = "HOTLINE";
	m.report_url = "https://hotline.example.org/dlr";
	ck_assert_int_eq(channel_plasgate.send(st, &m, &h), 0);
	ck_assert_str_eq(h.method, "POST");
	ck_assert_str_eq(h.url, "https://cloudapi.plasgate.com/rest/send"
	    "?private_key=pk-0123456789abcdef");
	ck_assert_str_eq(h.headers[0], "X-Secret: sec-fedcba9876543210");
	ck_assert_str_eq(h.headers[1], "Content-Type: application/json");
	ck_assert_ptr_null(h.headers[2]);
	ck_assert_str_eq(h.body, "{\"sender\":\"HOTLINE\","
	    "\"to\":\"85512345678\",\"content\":\"#ma#" KM_HELP "#ma#\"}");
	ck_assert_uint_eq(h.body_len, strlen(h.body));
	channel_http_clear(&h);

	m.to = "012345678";
	ck_assert_int_eq(channel_plasgate.send(st, &m, &h), 0);
	ck_assert(strstr(h.body, "\"to\":\"012345678\""));
	channel_http_clear(&h);
	m.to = "+855 12 345";
	ck_assert_int_eq(channel_plasgate.send(st, &m, &h), -1);
	m.to = "+85512345678";
	m.from = NULL;
	ck_assert_int_eq(channel_plasgate.send(st, &m, &h), -1);
	channel_plasgate.free(st);

	st = conf_ok(&channel_plasgate, PLASGATE_ENTRY(", \"plasgate_mask\": "
	    "false, \"plasgate_url\": \"https://pg.example/rest/send?v=2\""));
	m = sms("hi", TEXT_GSM7);
	ck_assert_int_eq(channel_plasgate.send(st, &m, &h), 0);
	ck_assert_str_eq(h.url, "https://pg.example/rest/send?v=2"
	    "&private_key=pk-0123456789abcdef");
	ck_assert_str_eq(h.body, "{\"sender\":\"1280\","
	    "\"to\":\"85512345678\",\"content\":\"hi\"}");
	channel_http_clear(&h);
	channel_plasgate.free(st);
}
END_TEST

/* PlasGate's answers and its entry. */
START_TEST(test_plasgate_rest)
{
	static const struct judged	 answers[] = {
		{ 200, "{\"status\":\"ok\"}", CHANNEL_SENT },
		{ 202, "", CHANNEL_SENT },
		{ 0, NULL, CHANNEL_RETRY },
		{ 429, "", CHANNEL_RETRY },
		{ 502, "", CHANNEL_RETRY },
		{ 400, "", CHANNEL_FAILED },
		{ 401, "", CHANNEL_FAILED },
	};
	void				*st;

	st = conf_ok(&channel_plasgate, PLASGATE_ENTRY(""));
	verdicts(&channel_plasgate, st, answers, nitems(answers));
	ck_assert_int_eq(channel_plasgate.can_send(st), 1);
	ck_assert_uint_eq(channel_plasgate.methods(st), 0);
	empty_answer(&channel_plasgate, st);
	channel_plasgate.free(st);

	ck_assert_ptr_null(channel_plasgate.parse);
	ck_assert_ptr_null(channel_plasgate.notice);
	ck_assert_int_eq(channel_plasgate.kind, CHANNEL_SMS);
	conf_bad(&channel_plasgate, "{\"name\": \"pg\", \"type\": "
	    "\"plasgate\", \"sender\": \"H\", \"plasgate_secret\": \"s\"}",
	    "needs \"plasgate_private_key\"");
	conf_bad(&channel_plasgate, "{\"name\": \"pg\", \"type\": "
	    "\"plasgate\", \"sender\": \"H\", \"plasgate_private_key\": "
	    "\"k\"}", "needs \"plasgate_secret\"");
	conf_bad(&channel_plasgate, "{\"name\": \"pg\", \"type\": "
	    "\"plasgate\", \"plasgate_private_key\": \"k\", "
	    "\"plasgate_secret\": \"s\"}", "needs \"sender\"");
	conf_bad(&channel_plasgate, PLASGATE_ENTRY(", \"plasgate_url\": "
	    "\"cloudapi.plasgate.com/rest/send\""),
	    "/channels/0/plasgate_url: must be");
	conf_bad(&channel_plasgate, "{\"name\": \"pg\", \"type\": "
	    "\"plasgate\", \"sender\": \"H\", \"plasgate_private_key\": "
	    "\"k k\", \"plasgate_secret\": \"s\"}",
	    "/channels/0/plasgate_private_key: must be printable text");
}
END_TEST

#define GSMS_FORM_IN \
	"{\"name\": \"g\", \"type\": \"generic_sms\", \"path\": \"/sms/g\", " \
	"\"sms_request\": {\"from\": \"msisdn\", \"to\": \"shortcode\", " \
	"\"text\": \"message\", \"id\": \"query:mid\"}}"
#define GSMS_JSON_IN \
	"{\"name\": \"g\", \"type\": \"generic_sms\", \"path\": \"/sms/g\", " \
	"\"sms_request\": {\"content\": \"json\", \"from\": \"sms.from\", " \
	"\"text\": \"sms.body\", \"id\": \"header:X-Msg-Id\"}}"
#define GSMS_SEND(send) \
	"{\"name\": \"g\", \"type\": \"generic_sms\", " \
	"\"sender\": \"HOTLINE\", " \
	"\"sms_send\": {\"url\": \"https://gw.example/api/send\"" send "}}"

/* Inbound messages from a form, JSON, the query string and headers. */
START_TEST(test_gsms_inbound)
{
	static const struct tu_hdr	 h[] = {
		{ "X-Msg-Id", "hdr-9" },
		{ NULL, NULL }
	};
	void			*st = conf_ok(&channel_generic_sms,
				    GSMS_FORM_IN);
	struct channel_event	 ev;
	const char		*cause;

	ck_assert_uint_eq(channel_generic_sms.methods(st), CHANNEL_ALLOW_POST);
	ck_assert_int_eq(tu_parse(&channel_generic_sms, st, rq(CHANNEL_POST,
	    "mid=g-1", "msisdn=%2B85512345678&shortcode=1280&message="
	    KM_HELP_8_URL "+now", 0, NULL), &ev, &cause), 0);
	ck_assert_str_eq(ev.phone, PHONE);
	ck_assert_str_eq(ev.service_code, "1280");
	ck_assert_str_eq(ev.hop_id, "g-1");
	ck_assert_str_eq(ev.input, KM_HELP " now");
	channel_event_clear(&ev);
	refused(&channel_generic_sms, st, rq(CHANNEL_POST, NULL,
	    "message=hi", 0, NULL), "missing from field");
	refused(&channel_generic_sms, st, rq(CHANNEL_POST, NULL,
	    "msisdn=855", 0, NULL), "missing text field");
	refused(&channel_generic_sms, st, rq(CHANNEL_POST, NULL,
	    "msisdn=855&message=%FF", 0, NULL), "invalid UTF-8");
	report_refused(&channel_generic_sms, st, rq(CHANNEL_POST, NULL,
	    "id=1", 0, NULL), "this channel takes no reports");
	channel_generic_sms.free(st);

	st = conf_ok(&channel_generic_sms, GSMS_JSON_IN);
	tu_parse_ok(&channel_generic_sms, st, rq(CHANNEL_POST, NULL,
	    "{\"sms\":{\"from\":85512345678,\"body\":\"" KM_I "\"}}", 0, h),
	    &ev);
	ck_assert_str_eq(ev.phone, "85512345678");
	ck_assert_str_eq(ev.input, KM_I);
	ck_assert_str_eq(ev.hop_id, "hdr-9");
	ck_assert_ptr_null(ev.service_code);
	channel_event_clear(&ev);
	refused(&channel_generic_sms, st, rq(CHANNEL_POST, NULL, "{", 0,
	    NULL), "invalid JSON body");
	refused(&channel_generic_sms, st, rq(CHANNEL_POST, NULL, "[1]", 0,
	    NULL), "the JSON body must be an object");
	refused(&channel_generic_sms, st, rq(CHANNEL_POST, NULL,
	    "{\"sms\":{\"from\":\"855\",\"body\":[\"x\"]}}", 0, NULL),
	    "a JSON field must be a string or an integer");
	refused(&channel_generic_sms, st, rq(CHANNEL_POST, NULL,
	    "{\"sms\":{\"from\":\"855\"}}", 0, NULL), "missing text field");
	channel_generic_sms.free(st);

	st = conf_ok(&channel_generic_sms, "{\"name\": \"g\", \"type\": "
	    "\"generic_sms\", \"path\": \"/sms/g\", \"sms_request\": "
	    "{\"content\": \"query\", \"from\": \"src\", \"text\": \"txt\"}}");
	ck_assert_uint_eq(channel_generic_sms.methods(st), CHANNEL_ALLOW_GET);
	tu_parsed_text(&channel_generic_sms, st, rq(CHANNEL_GET, "src=855&txt="
	    KM_HELP_8_URL, NULL, 0, NULL), KM_HELP);
	ck_assert_int_eq(channel_generic_sms.can_send(st), 0);
	channel_generic_sms.free(st);
}
END_TEST

/* Reports: the gateway's id and a mapped status. */
START_TEST(test_gsms_reports)
{
	void	*st = conf_ok(&channel_generic_sms, GSMS_SEND(
	    ", \"id_field\": \"data.id\"}, \"sms_report\": {\"content\": "
	    "\"json\", \"id\": \"msgId\", \"status\": \"state\", "
	    "\"statuses\": {\"DELIVRD\": \"delivered\", \"UNDELIV\": "
	    "\"failed\", \"ACCEPTD\": \"sent\"}"));

	ck_assert_uint_eq(channel_generic_sms.methods(st), CHANNEL_ALLOW_POST);
	report_is(&channel_generic_sms, st, rq(CHANNEL_POST, NULL,
	    "{\"msgId\":\"gw-1\",\"state\":\"DELIVRD\"}", 0, NULL),
	    "delivered", "gw-1");
	report_is(&channel_generic_sms, st, rq(CHANNEL_POST, NULL,
	    "{\"msgId\":77,\"state\":\"undeliv\"}", 0, NULL), "failed", "77");
	report_is(&channel_generic_sms, st, rq(CHANNEL_POST, NULL,
	    "{\"msgId\":\"gw-3\",\"state\":\"ACCEPTD\"}", 0, NULL), "sent",
	    "gw-3");
	report_refused(&channel_generic_sms, st, rq(CHANNEL_POST, NULL,
	    "{\"msgId\":\"gw-1\",\"state\":\"EXPIRED\"}", 0, NULL),
	    "unknown report status");
	report_refused(&channel_generic_sms, st, rq(CHANNEL_POST, NULL,
	    "{\"state\":\"DELIVRD\"}", 0, NULL), "missing id field");
	report_refused(&channel_generic_sms, st, rq(CHANNEL_POST, NULL,
	    "{\"msgId\":\"gw-1\"}", 0, NULL), "missing status field");
	refused(&channel_generic_sms, st, rq(CHANNEL_POST, NULL, "a=1", 0,
	    NULL), "this channel receives no messages");
	channel_generic_sms.free(st);

	/* Reports by GET beside messages by POST. */
	st = conf_ok(&channel_generic_sms, "{\"name\": \"g\", \"type\": "
	    "\"generic_sms\", \"path\": \"/sms/g\", \"sms_request\": "
	    "{\"from\": \"f\", \"text\": \"t\"}, \"sms_send\": {\"url\": "
	    "\"http://gw/s\", \"id_field\": \"id\"}, \"sms_report\": "
	    "{\"content\": \"query\", \"id\": \"id\", \"status\": \"s\", "
	    "\"statuses\": {\"1\": \"delivered\"}}}");
	ck_assert_uint_eq(channel_generic_sms.methods(st),
	    CHANNEL_ALLOW_GET | CHANNEL_ALLOW_POST);
	report_is(&channel_generic_sms, st, rq(CHANNEL_GET, "id=x9&s=1",
	    NULL, 0, NULL), "delivered", "x9");
	channel_generic_sms.free(st);
}
END_TEST

/* The send request: form POST with auth, JSON POST, GET. */
START_TEST(test_gsms_send)
{
	void			*st;
	struct channel_sms	 m = sms(KM_HELP " ok", TEXT_UCS2);
	struct channel_http	 h;

	st = conf_ok(&channel_generic_sms, GSMS_SEND(", \"to\": \"msisdn\", "
	    "\"text\": \"message\", \"from\": \"sender\", \"to_plus\": false, "
	    "\"auth_header\": \"Authorization\", \"auth_scheme\": \"Bearer\", "
	    "\"auth_secret\": \"abc123def456\""));
	ck_assert_int_eq(channel_generic_sms.send(st, &m, &h), 0);
	ck_assert_str_eq(h.method, "POST");
	ck_assert_str_eq(h.url, "https://gw.example/api/send");
	ck_assert_str_eq(h.headers[0],
	    "Content-Type: application/x-www-form-urlencoded");
	ck_assert_str_eq(h.headers[1], "Authorization: Bearer abc123def456");
	ck_assert_ptr_null(h.headers[2]);
	ck_assert_str_eq(h.body, "msisdn=85512345678&message=" KM_HELP_8_URL
	    "+ok&sender=1280");
	ck_assert_uint_eq(h.body_len, strlen(h.body));
	channel_http_clear(&h);
	m.from = NULL;
	ck_assert_int_eq(channel_generic_sms.send(st, &m, &h), -1);
	channel_generic_sms.free(st);

	st = conf_ok(&channel_generic_sms, GSMS_SEND(", \"content\": "
	    "\"json\""));
	m = sms(KM_HELP, TEXT_UCS2);
	ck_assert_int_eq(channel_generic_sms.send(st, &m, &h), 0);
	ck_assert_str_eq(h.headers[0], "Content-Type: application/json");
	ck_assert_ptr_null(h.headers[1]);
	ck_assert_str_eq(h.body, "{\"to\":\"+85512345678\",\"text\":\""
	    KM_HELP "\"}");
	channel_http_clear(&h);
	channel_generic_sms.free(st);

	st = conf_ok(&channel_generic_sms, "{\"name\": \"g\", \"type\": "
	    "\"generic_sms\", \"sms_send\": {\"url\": "
	    "\"http://gw.local/send?user=x\", \"method\": \"GET\", "
	    "\"auth_header\": \"X-Api-Key\", \"auth_secret\": \"k-1\"}}");
	m = sms("Hi there", TEXT_GSM7);
	ck_assert_int_eq(channel_generic_sms.send(st, &m, &h), 0);
	ck_assert_str_eq(h.method, "GET");
	ck_assert_str_eq(h.url, "http://gw.local/send?user=x"
	    "&to=%2B85512345678&text=Hi%20there");
	ck_assert_str_eq(h.headers[0], "X-Api-Key: k-1");
	ck_assert_ptr_null(h.headers[1]);
	ck_assert_ptr_null(h.body);
	channel_http_clear(&h);
	ck_assert_uint_eq(channel_generic_sms.methods(st), 0);
	refused(&channel_generic_sms, st, rq(CHANNEL_GET, "a=1", NULL, 0,
	    NULL), "this channel receives no messages");
	channel_generic_sms.free(st);
}
END_TEST

/* The verdicts: default 2xx, a configured set, the id in the answer. */
START_TEST(test_gsms_verdicts)
{
	static const struct judged	 answers[] = {
		{ 200, "", CHANNEL_SENT },
		{ 204, NULL, CHANNEL_SENT },
		{ 0, NULL, CHANNEL_RETRY },
		{ 408, "", CHANNEL_RETRY },
		{ 503, "", CHANNEL_RETRY },
		{ 401, "", CHANNEL_FAILED },
		{ 302, "", CHANNEL_FAILED },
	};
	void				*st;
	const char			*why;
	char				*id;

	st = conf_ok(&channel_generic_sms, GSMS_SEND(""));
	verdicts(&channel_generic_sms, st, answers, nitems(answers));
	channel_generic_sms.free(st);

	st = conf_ok(&channel_generic_sms, GSMS_SEND(", \"sent_status\": "
	    "[200, 202], \"id_field\": \"data.id\""));
	ck_assert_int_eq(judge(&channel_generic_sms, st, 202,
	    "{\"data\":{\"id\":\"q-55\"}}", &id, &why), CHANNEL_SENT);
	ck_assert_str_eq(id, "q-55");
	free(id);
	ck_assert_int_eq(judge(&channel_generic_sms, st, 200,
	    "{\"data\":{\"id\":9007}}", &id, &why), CHANNEL_SENT);
	ck_assert_str_eq(id, "9007");
	free(id);
	ck_assert_int_eq(verdict(&channel_generic_sms, st, 200, "{}"),
	    CHANNEL_SENT);
	ck_assert_int_eq(verdict(&channel_generic_sms, st, 201, ""),
	    CHANNEL_FAILED);
	channel_generic_sms.free(st);
}
END_TEST

/* Every configuration mistake is reported. */
START_TEST(test_gsms_configure)
{
	struct conf	 c;

	conf_bad(&channel_generic_sms, "{\"name\": \"g\", \"type\": "
	    "\"generic_sms\"}", "needs \"sms_request\", \"sms_send\" or both");
	conf_bad(&channel_generic_sms, "{\"name\": \"g\", \"type\": "
	    "\"generic_sms\", \"sms_request\": {\"from\": \"f\"}}",
	    "missing \"text\"");
	conf_bad(&channel_generic_sms, "{\"name\": \"g\", \"type\": "
	    "\"generic_sms\", \"sms_request\": {\"from\": \"cookie:f\", "
	    "\"text\": \"t\"}}", "/channels/0/sms_request/from: "
	    "\"cookie:f\" is not [body:|query:|header:]name");
	conf_bad(&channel_generic_sms, GSMS_SEND(", \"auth_header\": "
	    "\"Authorization\""), "auth_header needs \"auth_secret\"");
	conf_bad(&channel_generic_sms, GSMS_SEND(", \"auth_secret\": \"x\""),
	    "need \"auth_header\"");
	conf_bad(&channel_generic_sms, GSMS_SEND(", \"auth_header\": "
	    "\"X Key\", \"auth_secret\": \"x\""),
	    "/channels/0/sms_send/auth_header: must be a header name");
	conf_bad(&channel_generic_sms, GSMS_SEND(", \"auth_header\": "
	    "\"X-Key\", \"auth_secret\": \"x\\ny\""),
	    "/channels/0/sms_send/auth_secret: must be printable text");
	conf_bad(&channel_generic_sms, GSMS_SEND(", \"method\": \"GET\", "
	    "\"content\": \"json\""), "a GET has no JSON body");
	conf_bad(&channel_generic_sms, GSMS_SEND(", \"to\": \"text\""),
	    "must be different fields");
	conf_bad(&channel_generic_sms, GSMS_SEND(", \"sent_status\": "
	    "[200, 99]"), "/channels/0/sms_send/sent_status/1: must be an "
	    "HTTP status");
	conf_bad(&channel_generic_sms, "{\"name\": \"g\", \"type\": "
	    "\"generic_sms\", \"sms_send\": {\"url\": \"gw.example/send\"}}",
	    "/channels/0/sms_send/url: must be an http");
	conf_bad(&channel_generic_sms, "{\"name\": \"g\", \"type\": "
	    "\"generic_sms\", \"sms_send\": {\"url\": \"http://gw/s\", "
	    "\"from\": \"src\"}}", "which is not set");
	conf_bad(&channel_generic_sms, GSMS_SEND(", \"id_field\": \"id\"}, "
	    "\"sms_report\": {\"id\": \"i\", \"status\": \"s\", "
	    "\"statuses\": {\"OK\": \"done\"}"),
	    "/channels/0/sms_report/statuses/OK: must be \"delivered\"");

	c = conf_in(&channel_generic_sms, GSMS_SEND("}, \"sms_report\": "
	    "{\"id\": \"i\", \"status\": \"s\", \"statuses\": "
	    "{\"OK\": \"delivered\"}"), 0, ".");
	ck_assert_uint_eq(c.errors, 0);
	ck_assert(tu_warned(c.d, "no id_field"));
	ck_assert(!tu_warned(c.d, "has no token"));
	conf_done(&c);
	c = conf_in(&channel_generic_sms, GSMS_FORM_IN, 0, ".");
	ck_assert(tu_warned(c.d, "has no token"));
	empty_answer(&channel_generic_sms, c.state);
	conf_done(&c);
}
END_TEST

/*
 * The keys of every channel adapter are checked as one union: a name two
 * adapters share must have the same type and range.
 */
START_TEST(test_keys_union)
{
	const struct channel_ops	*all[] = { &channel_at,
					    &channel_generic, &channel_kannel,
					    &channel_oneapi, &channel_plasgate,
					    &channel_generic_sms };
	const struct schema_key		*a, *b;
	size_t				 i, j, n = sizeof(all) / sizeof(all[0]);

	for (i = 0; i < n; i++) {
		if (all[i]->schema == NULL)
			continue;
		for (a = all[i]->schema; a->name != NULL; a++) {
			ck_assert_msg(a->help != NULL && *a->help != '\0',
			    "%s has no help", a->name);
			for (j = i + 1; j < n; j++) {
				if (all[j]->schema == NULL ||
				    (b = schema_find(all[j]->schema,
				    a->name)) == NULL)
					continue;
				ck_assert_msg(a->type == b->type &&
				    a->min == b->min && a->max == b->max,
				    "%s differs in %s and %s", a->name,
				    all[i]->name, all[j]->name);
			}
		}
	}
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("sms_operators");
	TCase	*tk = tcase_create("kannel");
	TCase	*to = tcase_create("oneapi");
	TCase	*tp = tcase_create("plasgate");
	TCase	*tg = tcase_create("generic_sms");
	SRunner	*sr;
	int	 failed;

	tcase_add_test(tk, test_kannel_get_khmer);
	tcase_add_test(tk, test_kannel_get_latin);
	tcase_add_test(tk, test_kannel_get_refusals);
	tcase_add_test(tk, test_kannel_post);
	tcase_add_test(tk, test_kannel_udh);
	tcase_add_test(tk, test_kannel_dlr);
	tcase_add_test(tk, test_kannel_send_khmer);
	tcase_add_test(tk, test_kannel_send_gsm);
	tcase_add_test(tk, test_kannel_verdicts);
	tcase_add_test(tk, test_kannel_configure);
	tcase_add_test(to, test_oneapi_inbound);
	tcase_add_test(to, test_oneapi_reports);
	tcase_add_test(to, test_oneapi_send);
	tcase_add_test(to, test_oneapi_verdicts);
	tcase_add_test(to, test_oneapi_token);
	tcase_add_test(to, test_oneapi_configure);
	tcase_add_test(tp, test_plasgate_send);
	tcase_add_test(tp, test_plasgate_rest);
	tcase_add_test(tg, test_gsms_inbound);
	tcase_add_test(tg, test_gsms_reports);
	tcase_add_test(tg, test_gsms_send);
	tcase_add_test(tg, test_gsms_verdicts);
	tcase_add_test(tg, test_gsms_configure);
	tcase_add_test(tg, test_keys_union);
	suite_add_tcase(s, tk);
	suite_add_tcase(s, to);
	suite_add_tcase(s, tp);
	suite_add_tcase(s, tg);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
