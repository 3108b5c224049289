/* SPDX-License-Identifier: ISC */
/*
 * Integration tests of SMS conversations on the real hotlined, with the
 * shipped Khmer sample menu and the journey fixture's roster: the
 * gateways' webhooks posted as each gateway does, and receiver.c standing
 * in for every send API (Kannel's sendsms, the OneAPI gateway and its
 * OAuth token endpoint, Africa's Talking, Vonage, Infobip, PlasGate) and
 * for the counsellors' alert endpoints. Covers: a whole Khmer
 * conversation ending in a stored callback request and its alerts, over
 * Kannel (get-url, UTF-16BE, sendsms with coding=2 and a UDH per part)
 * and over Twilio (signed, TwiML); signatures that fail; duplicate
 * deliveries; STOP and START; a long Khmer page in exact parts; a send
 * failing twice then going out; the OAuth token refused and expiring;
 * delivery reports; the per-number limit; the prefix table; the other
 * gateways' wire formats in and out.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>
#include <sodium.h>

#include "digest.h"
#include "flow.h"
#include "text.h"

#define K_TOKEN		"kannel-token-0123456789"
#define KANNEL		"/sms/cellcard/" K_TOKEN
#define SMART_TOKEN	"smart-token-0123456789ab"
#define SMART		"/sms/smart/" SMART_TOKEN
#define TWILIO		"/sms/twilio"
#define TW_AUTH		"twilio-auth-token-0123456789"
#define TW_PUBLIC	"https://hotline.example.org/sms/twilio"
#define SENDSMS		"/cgi-bin/sendsms"
#define NOTICE		"\xe1\x9e\x9f\xe1\x9e\xb6\xe1\x9e\x9a\xe1\x9e\x93\xe1" \
			"\x9f\x85\xe1\x9e\x9b\xe1\x9e\xbe\xe1\x9e\x91\xe1\x9e" \
			"\xbc\xe1\x9e\x9a\xe1\x9e\x9f\xe1\x9f\x90\xe1\x9e\x96" \
			"\xe1\x9f\x92\xe1\x9e\x91\xe1\x9f\x94 Delete texts."
#define KM_HELP		"\xe1\x9e\x87\xe1\x9e\xbd\xe1\x9e\x99"	/* ជួយ */
#define KM_TWO		"\xe1\x9f\xa2"				/* ២ */

/* The configuration, @URL@ being the receiver's base URL. */
static const char sms_conf[] =
"{\n"
"  \"listen\": { \"address\": \"127.0.0.1\", \"port\": 0 },\n"
"  \"api\": { \"address\": \"127.0.0.1\", \"port\": 0 },\n"
"  \"database\": \"hotlined.db\",\n"
"  \"roster\": \"roster.json\",\n"
"  \"clock_start\": \"2026-11-23T10:00:00+07:00\",\n"
"  \"session\": { \"idle_timeout\": 30, \"max_duration\": 120,\n"
"    \"retry_window\": 5, \"max_sessions\": 1000,\n"
"    \"busy_text\": \"Police 117. Busy, try again soon.\" },\n"
"  \"keys\": { \"back\": \"0\", \"main\": \"00\", \"more\": \"98\",\n"
"    \"exit\": \"99\" },\n"
"  \"exit_text\": \"OK.\",\n"
"  \"languages\": [\"km\", \"en\"],\n"
"  \"menus\": { \"main\": \"menus/main.json\" },\n"
"  \"sms\": {\n"
"    \"notice\": \"" NOTICE "\",\n"
"    \"retry_seconds\": 1,\n"
"    \"max_attempts\": 4,\n"
"    \"per_number\": { \"messages\": 40, \"minutes\": 10,\n"
"      \"block_minutes\": 1 },\n"
"    \"routes\": { \"85510\": \"smart\", \"85512\": \"cellcard\",\n"
"      \"85597\": \"plasgate\" }\n"
"  },\n"
"  \"channels\": [\n"
"    { \"name\": \"at\", \"type\": \"africastalking\",\n"
"      \"path\": \"/ussd/africastalking\" },\n"
"    { \"name\": \"cellcard\", \"type\": \"kannel\", \"path\": "
"\"/sms/cellcard\",\n"
"      \"token\": \"" K_TOKEN "\", \"token_in\": \"path\",\n"
"      \"sender\": \"1280\",\n"
"      \"report_url\": \"http://127.0.0.1:8080" KANNEL "/dlr\",\n"
"      \"sendsms_url\": \"@URL@" SENDSMS "\",\n"
"      \"kannel_username\": \"hotlined\",\n"
"      \"kannel_password\": \"kannel-pass-0123456789\" },\n"
"    { \"name\": \"smart\", \"type\": \"oneapi\", \"path\": \"/sms/smart\",\n"
"      \"token\": \"" SMART_TOKEN "\", \"token_in\": \"path\",\n"
"      \"sender\": \"1280\",\n"
"      \"report_url\": \"http://127.0.0.1:8080" SMART "/dlr\",\n"
"      \"oneapi_url\": \"@URL@/oneapi\",\n"
"      \"oneapi_token_url\": \"@URL@/token\",\n"
"      \"oneapi_consumer_key\": \"consumer-key-0123456789\",\n"
"      \"oneapi_consumer_secret\": \"consumer-secret-0123456789\" },\n"
"    { \"name\": \"twilio\", \"type\": \"twilio\", \"path\": \"" TWILIO "\",\n"
"      \"public_url\": \"" TW_PUBLIC "\",\n"
"      \"twilio_auth_token\": \"" TW_AUTH "\" },\n"
"    { \"name\": \"plasgate\", \"type\": \"plasgate\",\n"
"      \"sender\": \"HOTLINE\", \"plasgate_url\": \"@URL@/plasgate\",\n"
"      \"plasgate_private_key\": \"plasgate-key-0123456789\",\n"
"      \"plasgate_secret\": \"plasgate-secret-0123456789\" },\n"
"    { \"name\": \"at_sms\", \"type\": \"africastalking_sms\",\n"
"      \"path\": \"/sms/at\", \"token\": \"at-sms-token-0123456789\",\n"
"      \"token_in\": \"path\", \"sender\": \"1280\",\n"
"      \"at_sms_url\": \"@URL@/at/messaging\", \"at_username\": \"ngo\",\n"
"      \"at_api_key\": \"at-api-key-0123456789\" },\n"
"    { \"name\": \"vonage\", \"type\": \"vonage\", \"path\": \"/sms/vonage\",\n"
"      \"sender\": \"85599000000\",\n"
"      \"vonage_signature_secret\": \"vonage-signature-0123456789\",\n"
"      \"vonage_signature_method\": \"sha256\",\n"
"      \"vonage_max_skew_seconds\": 0,\n"
"      \"vonage_sms_url\": \"@URL@/vonage/sms/json\",\n"
"      \"vonage_api_key\": \"vonagekey\",\n"
"      \"vonage_api_secret\": \"vonage-secret-0123456789\" },\n"
"    { \"name\": \"infobip\", \"type\": \"infobip\", \"path\": "
"\"/sms/infobip\",\n"
"      \"token\": \"infobip-token-0123456789\", \"token_in\": \"path\",\n"
"      \"sender\": \"HOTLINE\", \"infobip_base_url\": \"@URL@/infobip\",\n"
"      \"infobip_api_key\": \"infobip-key-0123456789\" }\n"
"  ]\n"
"}\n";

/* Write the configuration and the sample menu into h's directory. */
static void
prepare_sms(void)
{
	char	*url, *conf, *path, *menu;

	ck_assert_int_ne(asprintf(&url, "http://127.0.0.1:%d",
	    receiver_port(rcv)), -1);
	conf = replace_all(sms_conf, "@URL@", url);
	ck_assert_int_eq(harness_write_file(h, "hotlined.conf", conf), 0);
	free(conf);
	free(url);
	path = src_path("conf/menus/main.json");
	menu = harness_read_file(path, NULL);
	ck_assert_ptr_nonnull(menu);
	ck_assert_int_eq(harness_write_file(h, "menus/main.json", menu), 0);
	free(menu);
	free(path);
	receiver_answer(rcv, SENDSMS, 202, "text/plain",
	    "0: Accepted for delivery");
}

/* The SMS daemon, its gateways answering as they do when all is well. */
static void
start_sms(void)
{
	struct cb_opts	 o;

	memset(&o, 0, sizeof(o));
	o.escalate = 600;
	o.retry = 1;
	o.fixture = "tests/data/journey";
	o.prepare = prepare_sms;
	start(&o);
}

/* Percent-encode len bytes (every byte but unreserved ones). */
static char *
pct(const char *b, size_t len)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			*out, *o;
	size_t			 i;
	unsigned char		 c;

	o = out = malloc(len * 3 + 1);
	ck_assert_ptr_nonnull(out);
	for (i = 0; i < len; i++) {
		c = (unsigned char)b[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || (c != 0 && strchr("-._~", c) != NULL))
			*o++ = (char)c;
		else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o = '\0';
	return out;
}

/* The value of name in a query, percent-decoded (new; NULL if absent). */
static char *
qget(const char *query, const char *name, size_t *lenp)
{
	const char	*p = query, *end, *v;
	size_t		 n = strlen(name), len = 0;
	char		*out;
	unsigned int	 x;

	while (p != NULL && *p != '\0') {
		end = strchr(p, '&');
		if (end == NULL)
			end = p + strlen(p);
		if ((size_t)(end - p) > n && strncmp(p, name, n) == 0 &&
		    p[n] == '=') {
			out = malloc((size_t)(end - p) + 1);
			ck_assert_ptr_nonnull(out);
			for (v = p + n + 1; v < end; v++) {
				if (*v == '%' && v + 2 < end + 1 &&
				    sscanf(v + 1, "%2x", &x) == 1) {
					out[len++] = (char)x;
					v += 2;
				} else
					out[len++] = *v == '+' ? ' ' : *v;
			}
			out[len] = '\0';
			if (lenp != NULL)
				*lenp = len;
			return out;
		}
		p = *end == '&' ? end + 1 : NULL;
	}
	return NULL;
}

/* A message from phone (digits, as Kannel's %p gives them) by get-url. */
static long
kannel_mo(const char *id, const char *phone, const char *text)
{
	struct harness_reply	 rep;
	char			*u16, *enc, *path;
	size_t			 n;
	long			 st;

	u16 = text_to_utf16be(text, strlen(text), &n);
	ck_assert_ptr_nonnull(u16);
	enc = pct(u16, n);
	ck_assert_int_ne(asprintf(&path, KANNEL "?from=%s&to=1280&text=%s&"
	    "id=%s&coding=2&charset=UTF-16BE", phone, enc, id), -1);
	ck_assert_int_eq(harness_get(h, path, NULL, &rep), 0);
	st = rep.status;
	if (st == 200)
		ck_assert_str_eq(rep.body, "");
	harness_reply_clear(&rep);
	free(path);
	free(enc);
	free(u16);
	return st;
}

/* One part as Kannel's sendsms got it. */
struct part {
	char		*to;
	char		*text;		/* UTF-8 */
	unsigned	 ref, parts, seq;	/* 0 without a UDH */
	char		*dlr;		/* the dlr-url, or NULL */
	char		*query;
};

/* Free a part. */
static void
part_clear(struct part *p)
{
	free(p->to);
	free(p->text);
	free(p->dlr);
	free(p->query);
	memset(p, 0, sizeof(*p));
}

/* The i-th sendsms request, waited for, decoded and checked. */
static void
sendsms_part(size_t i, struct part *p)
{
	struct receiver_request	 q;
	char			*v, *raw;
	size_t			 n, ulen;

	memset(p, 0, sizeof(*p));
	ck_assert_msg(receiver_wait(rcv, SENDSMS, i + 1, 5000) == 0,
	    "no sendsms request %zu", i + 1);
	q = got(SENDSMS, i);
	ck_assert_str_eq(q.method, "GET");
	ck_assert_ptr_nonnull(q.query);
	p->query = strdup(q.query);
	v = qget(q.query, "username", NULL);
	ck_assert_str_eq(v, "hotlined");
	free(v);
	v = qget(q.query, "password", NULL);
	ck_assert_str_eq(v, "kannel-pass-0123456789");
	free(v);
	v = qget(q.query, "from", NULL);
	ck_assert_str_eq(v, "1280");
	free(v);
	p->to = qget(q.query, "to", NULL);
	raw = qget(q.query, "text", &n);
	ck_assert_ptr_nonnull(raw);
	v = qget(q.query, "coding", NULL);
	if (strcmp(v, "2") == 0)
		p->text = text_from_utf16be(raw, n, &ulen);
	else
		p->text = strdup(raw);
	ck_assert_ptr_nonnull(p->text);
	free(v);
	free(raw);
	v = qget(q.query, "udh", &n);
	if (v != NULL) {
		ck_assert_uint_eq(n, 6);
		ck_assert_int_eq(memcmp(v, "\x05\x00\x03", 3), 0);
		p->ref = (unsigned char)v[3];
		p->parts = (unsigned char)v[4];
		p->seq = (unsigned char)v[5];
		free(v);
	}
	p->dlr = qget(q.query, "dlr-url", NULL);
	receiver_request_clear(&q);
}

/*
 * The next whole message sendsms got from *cur on (its parts joined,
 * which must be in order, with one reference); *nparts its parts.
 */
static char *
kannel_next(size_t *cur, size_t *nparts)
{
	struct part	 p;
	char		*whole, *t;
	unsigned	 ref, total, k;

	sendsms_part((*cur)++, &p);
	ck_assert_str_eq(p.to, PHONE);
	whole = strdup(p.text);
	ref = p.ref;
	total = p.parts;
	if (nparts != NULL)
		*nparts = total == 0 ? 1 : total;
	ck_assert_uint_eq(p.seq, total == 0 ? 0 : 1);
	part_clear(&p);
	for (k = 2; k <= total; k++) {
		sendsms_part((*cur)++, &p);
		ck_assert_uint_eq(p.ref, ref);
		ck_assert_uint_eq(p.parts, total);
		ck_assert_uint_eq(p.seq, k);
		ck_assert_int_ne(asprintf(&t, "%s%s", whole, p.text), -1);
		free(whole);
		whole = t;
		part_clear(&p);
	}
	return whole;
}

/* The next message, which must begin with want (printed when not). */
static void
kannel_begins(size_t *cur, const char *want)
{
	char	*t = kannel_next(cur, NULL);

	ck_assert_msg(strncmp(t, want, strlen(want)) == 0, "sent:\n%s\n"
	    "wanted it to begin with:\n%s", t, want);
	free(t);
}

/* Expect the next message to be want. */
static void
kannel_expect(size_t *cur, const char *want)
{
	char	*got_text = kannel_next(cur, NULL);

	ck_assert_msg(strcmp(got_text, want) == 0, "sent:\n%s\nwanted:\n%s",
	    got_text, want);
	free(got_text);
}

/* The screens of the sample menu in Khmer, as SMS. */
#define K_MAIN		"សូមស្វាគមន៍\n1. ជំនួយបន្ទាន់\n2. សុំឱ្យហៅមកវិញ\n" \
			"3. ព័ត៌មាន\n4. English\n99. ចាកចេញ"
#define K_BACK		"\n0. ថយក្រោយ"
#define K_HOME		"\n00. ម៉ឺនុយដើម"
#define K_SAFE		"តើហៅលេខនេះមានសុវត្ថិភាពទេ?\n1. បាន\n2. លេខផ្សេង\n" \
			"3. គ្មានលេខសុវត្ថិភាព" K_BACK
#define K_DANGER	"តើអ្នកកំពុងមានគ្រោះថ្នាក់ឥឡូវនេះទេ?\n1. មាន\n" \
			"2. មិនមាន" K_BACK
#define K_INFO		"ព័ត៌មាន\n1. សុវត្ថិភាព\n2. សិទ្ធិរបស់អ្នក\n" \
			"3. សេវាជំនួយ" K_BACK
#define K_RIGHTS	"សិទ្ធិរបស់អ្នក\n1. ច្បាប់\n2. កិច្ចការពារ\n" \
			"3. ការសម្រុះសម្រួល\n4. មេធាវី" K_HOME K_BACK
#define K_LAW		"អំពើហិង្សាក្នុងគ្រួសារជាបទល្មើស។ ច្បាប់ឆ្នាំ២០០៥ " \
			"ការពារអ្នក និងកូនៗ។" K_HOME K_BACK

#define K_URGENT	"ប៉ូលិស\u00a0117 បើអាច។ យើងហៅមក ក្នុងរយៈពេល 30 នាទី។\n" \
			"98. បន្ទាប់" K_HOME K_BACK
#define K_WHEN	"ហៅពេលណាមានសុវត្ថិភាព?\n1. ឥឡូវ\n2. ព្រឹក 8-12\n3. រសៀល 12-5\n4. ល្ងាច 5-9\n0. ថយក្រោយ"
#define K_COVER	"បើអ្នកផ្សេងលើក យើងនិយាយអ្វី?\n1. ខុសលេខ\n2. ស្ទង់មតិសុខភាព\n3. មិត្តហៅមក\n0. ថយក្រោយ"
#define K_PROVINCE	"តើអ្នកនៅរាជធានី/ខេត្តណា?"
#define K_DONE	"អ្នកប្រឹក្សានឹងហៅមកអ្នកវិញ ថ្ងៃនេះ មុនម៉ោង 12 ថ្ងៃត្រង់។ អរគុណ។"

/* sms_out rows in state st (0 queued, 1 sent, 2 delivered, 3 failed). */
static long long
out_state(int st)
{
	char	 sql[96];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM sms_out WHERE "
	    "state = %d", st);
	return db_int(sql);
}

/*
 * 1. A whole Khmer conversation over Kannel: the keyword in Khmer
 * (UTF-16BE, coding=2), the notice and the root, a Khmer digit, the
 * callback questions; "yes, in danger" stores the request before its
 * screen is sent, every counsellor on duty and the supervisor are
 * alerted, and the last answer ends the intake with the confirmation.
 * Each reply goes out by sendsms with coding=2, our sender and a dlr-url;
 * no number reaches the log.
 */
START_TEST(test_kannel_conversation)
{
	const char	*paths[3] = { "/c1", "/c2", "/s1" };
	struct part	 p;
	char		*log;
	size_t		 cur = 0, i;

	start_sms();
	ck_assert_int_eq(kannel_mo("k1", PHONE_DIGITS, KM_HELP), 200);
	kannel_expect(&cur, NOTICE);
	kannel_expect(&cur, K_MAIN);
	sendsms_part(1, &p);
	ck_assert_ptr_nonnull(p.dlr);
	ck_assert_msg(strncmp(p.dlr, "http://127.0.0.1:8080" KANNEL
	    "/dlr?id=", strlen("http://127.0.0.1:8080" KANNEL "/dlr?id=")) ==
	    0 && strstr(p.dlr, "&status=%d") != NULL, "dlr-url %s", p.dlr);
	ck_assert_ptr_nonnull(strstr(p.query, "&coding=2"));
	ck_assert_ptr_nonnull(strstr(p.query, "&dlr-mask=31"));
	part_clear(&p);

	ck_assert_int_eq(kannel_mo("k2", PHONE_DIGITS, KM_TWO), 200);
	kannel_expect(&cur, K_SAFE);
	ck_assert_int_eq(kannel_mo("k3", PHONE_DIGITS, "1"), 200);
	kannel_expect(&cur, K_DANGER);
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), 0);
	ck_assert_int_eq(kannel_mo("k4", PHONE_DIGITS, " 1 "), 200);
	kannel_expect(&cur, K_URGENT);
	/* On disk before she could read it. */
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback WHERE urgent = "
	    "1 AND intake = 1 AND channel = 'cellcard' AND phone = '" PHONE
	    "' AND safe_to_call = 'yes'"), 1);
	for (i = 0; i < 3; i++)
		ck_assert_msg(receiver_wait(rcv, paths[i], 1, 3000) == 0,
		    "no alert to %s", paths[i]);
	ck_assert_int_eq(kannel_mo("k5", PHONE_DIGITS, "98"), 200);
	kannel_expect(&cur, K_WHEN);
	ck_assert_int_eq(kannel_mo("k6", PHONE_DIGITS, "2"), 200);
	kannel_expect(&cur, K_COVER);
	ck_assert_int_eq(kannel_mo("k7", PHONE_DIGITS, "1"), 200);
	kannel_begins(&cur, K_PROVINCE);
	ck_assert_int_eq(kannel_mo("k8", PHONE_DIGITS, "២"), 200);
	kannel_expect(&cur, K_DONE);
	db_wait_int("SELECT count(*) FROM callback WHERE intake = 0 AND "
	    "session_end = 'completed' AND province = 'KH-12' AND \"window\" = "
	    "'morning' AND cover = 'wrong_number'", 1, 3000);
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), 1);
	/* Every reply recorded as sent, with its encoding. */
	db_wait_int("SELECT count(*) FROM sms_out WHERE state = 1 AND "
	    "encoding = 'UCS-2' AND parts >= 1", 9, 3000);
	ck_assert_int_eq(db_int("SELECT count(*) FROM sms_out"), 9);
	/* A retried delivery of the last message: no second reply. */
	ck_assert_int_eq(kannel_mo("k8", PHONE_DIGITS, "២"), 200);
	harness_sleep_ms(1200);
	ck_assert_uint_eq(receiver_count(rcv, SENDSMS), cur);
	log = harness_log(h);
	ck_assert_msg(strstr(log, PHONE_DIGITS) == NULL && strstr(log,
	    PHONE_NSN) == NULL, "a number in the log:\n%s", log);
	free(log);
}
END_TEST

/*
 * 2. A long Khmer page goes out in parts, each a sendsms request with
 * the same UDH reference, no part over 67 units, no cut inside a
 * cluster; the parts are exactly these.
 */
START_TEST(test_kannel_parts)
{
	struct part	 p[2];
	size_t		 cur = 0, n, i;
	char		*t;
	enum text_encoding enc;

	start_sms();
	ck_assert_int_eq(kannel_mo("p1", PHONE_DIGITS, "HELP"), 200);
	kannel_expect(&cur, NOTICE);
	kannel_expect(&cur, K_MAIN);
	ck_assert_int_eq(kannel_mo("p2", PHONE_DIGITS, "3"), 200);
	kannel_expect(&cur, K_INFO);
	ck_assert_int_eq(kannel_mo("p3", PHONE_DIGITS, "2"), 200);
	kannel_expect(&cur, K_RIGHTS);
	ck_assert_int_eq(kannel_mo("p4", PHONE_DIGITS, "1"), 200);
	for (i = 0; i < 2; i++)
		sendsms_part(cur + i, &p[i]);
	ck_assert_uint_eq(p[0].parts, 2);
	ck_assert_uint_eq(p[0].ref, p[1].ref);
	ck_assert_str_eq(p[0].text, "អំពើហិង្សាក្នុងគ្រួសារជាបទល្មើស។ "
	    "ច្បាប់ឆ្នាំ២០០៥ ការពារអ្នក និងកូនៗ");
	ck_assert_str_eq(p[1].text, "។" K_HOME K_BACK);
	for (i = 0; i < 2; i++) {
		ck_assert_uint_eq(p[i].seq, i + 1);
		ck_assert_uint_le(text_measure(p[i].text, strlen(p[i].text),
		    TEXT_UCS2), TEXT_PART_UCS2);
		part_clear(&p[i]);
	}
	t = kannel_next(&cur, &n);
	ck_assert_str_eq(t, K_LAW);
	ck_assert_uint_eq(text_sms_split(t, strlen(t), &enc, NULL, 0), n);
	ck_assert_int_eq(enc, TEXT_UCS2);
	free(t);
	db_wait_int("SELECT parts FROM sms_out WHERE state = 1 ORDER BY id "
	    "DESC LIMIT 1", 2, 3000);
}
END_TEST

/*
 * 3. STOP: nothing more is sent to the number, whatever it writes, until
 * START, which opts it back in and shows the root with the notice.
 */
START_TEST(test_stop_start)
{
	size_t	 cur = 0;

	start_sms();
	ck_assert_int_eq(kannel_mo("s1", PHONE_DIGITS, "HELP"), 200);
	kannel_expect(&cur, NOTICE);
	kannel_expect(&cur, K_MAIN);
	ck_assert_int_eq(kannel_mo("s2", PHONE_DIGITS, "stop"), 200);
	db_wait_int("SELECT count(*) FROM sms_optout", 1, 2000);
	ck_assert_int_eq(kannel_mo("s3", PHONE_DIGITS, "HELP"), 200);
	ck_assert_int_eq(kannel_mo("s4", PHONE_DIGITS, "2"), 200);
	harness_sleep_ms(1500);
	ck_assert_uint_eq(receiver_count(rcv, SENDSMS), cur);
	ck_assert_int_eq(db_int("SELECT count(*) FROM sms_out"), 2);
	/* Only a hash of the number is kept. */
	ck_assert_int_eq(db_int("SELECT length(key) FROM sms_optout"), 32);
	ck_assert_int_eq(kannel_mo("s5", PHONE_DIGITS, "START"), 200);
	kannel_expect(&cur, NOTICE);
	kannel_expect(&cur, K_MAIN);
	ck_assert_int_eq(db_int("SELECT count(*) FROM sms_optout"), 0);
	ck_assert_int_eq(kannel_mo("s6", PHONE_DIGITS, "3"), 200);
	kannel_expect(&cur, K_INFO);
	/* The quick-exit word ends it and sends nothing. */
	ck_assert_int_eq(kannel_mo("s7", PHONE_DIGITS, "exit"), 200);
	ck_assert_int_eq(kannel_mo("s8", PHONE_DIGITS, "1"), 200);
	kannel_expect(&cur, NOTICE);
	kannel_expect(&cur, K_MAIN);
	harness_sleep_ms(800);
	ck_assert_uint_eq(receiver_count(rcv, SENDSMS), cur);
}
END_TEST

/*
 * 4. Kannel answers 503 twice, then takes the message: it goes out on
 * the third try, after the waits, and the number's next message follows
 * it, in order. A 4xx is not retried.
 */
START_TEST(test_send_retry)
{
	size_t	 cur = 0;

	start_sms();
	receiver_answer_next(rcv, SENDSMS, 503, "text/plain",
	    "Temporal failure, try again later");
	receiver_answer_next(rcv, SENDSMS, 503, "text/plain",
	    "Temporal failure, try again later");
	ck_assert_int_eq(kannel_mo("r1", PHONE_DIGITS, "HELP"), 200);
	kannel_expect(&cur, NOTICE);	/* refused */
	kannel_expect(&cur, NOTICE);	/* refused */
	kannel_expect(&cur, NOTICE);
	kannel_expect(&cur, K_MAIN);
	db_wait_int("SELECT count(*) FROM sms_out WHERE state = 1 AND "
	    "attempts = 3 AND error IS NOT NULL", 1, 3000);
	db_wait_int("SELECT count(*) FROM sms_out WHERE state = 1 AND "
	    "attempts = 1", 1, 3000);

	receiver_answer_next(rcv, SENDSMS, 400, "text/plain", "Bad request");
	ck_assert_int_eq(kannel_mo("r2", PHONE_DIGITS, "3"), 200);
	kannel_expect(&cur, K_INFO);
	db_wait_int("SELECT count(*) FROM sms_out WHERE state = 3", 1, 3000);
	harness_sleep_ms(1500);
	ck_assert_uint_eq(receiver_count(rcv, SENDSMS), cur);
}
END_TEST

/* GET a Kannel delivery report for our message id; the status. */
static long
kannel_dlr(const char *dlr_url, int status)
{
	struct harness_reply	 rep;
	char			*path, *q;
	long			 st;

	q = strstr(dlr_url, KANNEL "/dlr?");
	ck_assert_ptr_nonnull(q);
	path = replace_all(q, "%d", "");
	free(path);
	ck_assert_int_ne(asprintf(&path, "%.*s%d", (int)(strlen(q) - 2), q,
	    status), -1);
	ck_assert_int_eq(harness_get(h, path, NULL, &rep), 0);
	st = rep.status;
	harness_reply_clear(&rep);
	free(path);
	return st;
}

/*
 * 5. Delivery reports are recorded per message: delivered, or failed
 * (which a later "delivered" of another part does not undo); reports
 * about no message are answered and change nothing; a bad one is 400.
 */
START_TEST(test_kannel_reports)
{
	struct part	 p;
	struct harness_reply rep;
	size_t		 cur = 0;

	start_sms();
	ck_assert_int_eq(kannel_mo("d1", PHONE_DIGITS, "HELP"), 200);
	kannel_expect(&cur, NOTICE);
	kannel_expect(&cur, K_MAIN);
	db_wait_int("SELECT count(*) FROM sms_out WHERE state = 1", 2, 3000);
	sendsms_part(0, &p);
	ck_assert_int_eq(kannel_dlr(p.dlr, 8), 200);	/* on the SMSC */
	ck_assert_int_eq(kannel_dlr(p.dlr, 1), 200);
	db_wait_int("SELECT count(*) FROM sms_out WHERE state = 2 AND report "
	    "= 'delivered'", 1, 2000);
	part_clear(&p);
	sendsms_part(1, &p);
	ck_assert_int_eq(kannel_dlr(p.dlr, 16), 200);
	db_wait_int("SELECT count(*) FROM sms_out WHERE state = 3 AND report "
	    "= 'failed'", 1, 2000);
	ck_assert_int_eq(kannel_dlr(p.dlr, 1), 200);
	harness_sleep_ms(300);
	ck_assert_int_eq(out_state(3), 1);
	part_clear(&p);
	ck_assert_int_eq(harness_get(h, KANNEL "/dlr?id=nosuchmessage&part=1&"
	    "status=1", NULL, &rep), 0);
	ck_assert_int_eq(rep.status, 200);
	harness_reply_clear(&rep);
	ck_assert_int_eq(harness_get(h, KANNEL "/dlr?part=1&status=1", NULL,
	    &rep), 0);
	ck_assert_int_eq(rep.status, 400);
	harness_reply_clear(&rep);
	ck_assert_int_eq(harness_get(h, "/sms/cellcard/wrong-token-0123456/dlr"
	    "?id=x&status=1", NULL, &rep), 0);
	ck_assert_int_eq(rep.status, 403);
	harness_reply_clear(&rep);
}
END_TEST

/* Build the "sms" suite. */
static Suite *
sms_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("sms");
	tc = tcase_create("sms");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_kannel_conversation);
	tcase_add_test(tc, test_kannel_parts);
	tcase_add_test(tc, test_stop_start);
	tcase_add_test(tc, test_send_retry);
	tcase_add_test(tc, test_kannel_reports);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return flow_run("check_sms", sms_suite());
}
