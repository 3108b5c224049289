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
 * delivery reports; the per-number limit (the old sms.per_number, and
 * limits.per_number shared with USSD sessions); the prefix table; the other
 * gateways' wire formats in and out.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>
#include <sodium.h>

#include "atrest.h"
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

static const char *const her_number[] = { PHONE, NULL };

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
"      \"reply_via\": \"route\",\n"
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
 * no number reaches the log or the disk.
 */
START_TEST(test_kannel_conversation)
{
	const char	*paths[3] = { "/c1", "/c2", "/s1" };
	struct part	 p;
	char		*log;
	size_t		 cur = 0, i;
	int		 n;

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
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback_clear WHERE "
	    "urgent = 1 AND intake = 1 AND channel = 'cellcard' AND phone = '"
	    PHONE "' AND safe_to_call = 'yes'"), 1);
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
	db_wait_int("SELECT count(*) FROM callback_clear WHERE intake = 0 AND "
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
	/*
	 * Nor anywhere on disk, running or stopped (the database's files
	 * are the directory's on SQLite; check_pg searches the server's).
	 */
	n = at_rest_clean(harness_dir(h), her_number);
	if (db_pg() == NULL)
		ck_assert_int_ge(n, 4);
	stop_daemon();
	n = at_rest_clean(harness_dir(h), her_number);
	if (db_pg() == NULL)
		ck_assert_int_ge(n, 3);
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
	/* In English, a screen every character of which is GSM-7. */
	ck_assert_int_eq(kannel_mo("p5", PHONE_DIGITS, "00"), 200);
	kannel_expect(&cur, K_MAIN);
	ck_assert_int_eq(kannel_mo("p6", PHONE_DIGITS, "4"), 200);
	t = kannel_next(&cur, NULL);
	free(t);
	ck_assert_int_eq(kannel_mo("p7", PHONE_DIGITS, "3"), 200);
	sendsms_part(cur, &p[0]);
	ck_assert_ptr_nonnull(strstr(p[0].query, "&coding=0"));
	ck_assert_uint_eq(p[0].parts, 0);
	ck_assert_str_eq(p[0].text, "Information\n1. Staying safe\n"
	    "2. Your rights\n3. Services\n0. Back");
	part_clear(&p[0]);
	db_wait_int("SELECT count(*) FROM sms_out WHERE encoding = 'GSM-7' AND "
	    "state = 1", 1, 3000);
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

/* A name and its value, for signing. */
struct kv {
	const char	*k;
	const char	*v;
};

/* Byte order of names, then of values (twilio-python's rule). */
static int
kv_cmp(const void *a, const void *b)
{
	const struct kv	*x = a, *y = b;
	int		 c = strcmp(x->k, y->k);

	return c != 0 ? c : strcmp(x->v, y->v);
}

/* X-Twilio-Signature of url and the form fields (new string). */
static char *
twilio_sig(const char *url, struct kv *f, size_t n)
{
	uint8_t		 mac[20];
	char		*msg, *t, b64[64];
	size_t		 i;

	qsort(f, n, sizeof(*f), kv_cmp);
	msg = strdup(url);
	for (i = 0; i < n; i++) {
		ck_assert_int_ne(asprintf(&t, "%s%s%s", msg, f[i].k, f[i].v),
		    -1);
		free(msg);
		msg = t;
	}
	digest_hmac(DIGEST_SHA1, TW_AUTH, strlen(TW_AUTH), msg, strlen(msg),
	    mac);
	free(msg);
	sodium_bin2base64(b64, sizeof(b64), mac, sizeof(mac),
	    sodium_base64_VARIANT_ORIGINAL);
	return strdup(b64);
}

/*
 * POST a Twilio webhook (an inbound message, or with dlr a status
 * callback) with body fields f, signed over the public URL unless sig is
 * given; the answer in rep.
 */
static void
twilio_post(int dlr, struct kv *f, size_t n, const char *sig,
    struct harness_reply *rep)
{
	char		*body = strdup(""), *t, *ek, *ev, *mine = NULL, hdr[128];
	const char	*hdrs[2];
	size_t		 i;

	for (i = 0; i < n; i++) {
		ek = harness_urlencode(f[i].k);
		ev = harness_urlencode(f[i].v);
		ck_assert_int_ne(asprintf(&t, "%s%s%s=%s", body, i ? "&" : "",
		    ek, ev), -1);
		free(ek);
		free(ev);
		free(body);
		body = t;
	}
	if (sig == NULL)
		sig = mine = twilio_sig(dlr ? TW_PUBLIC "/dlr" : TW_PUBLIC, f,
		    n);
	snprintf(hdr, sizeof(hdr), "X-Twilio-Signature: %s", sig);
	hdrs[0] = hdr;
	hdrs[1] = NULL;
	ck_assert_int_eq(harness_post(h, dlr ? TWILIO "/dlr" : TWILIO, FORM_CT,
	    body, *sig != '\0' ? hdrs : NULL, rep), 0);
	free(mine);
	free(body);
}

/* A message from PHONE as Twilio delivers it; the TwiML answered. */
static char *
twilio_mo(const char *sid, const char *text)
{
	struct harness_reply	 rep;
	struct kv		 f[] = {
		{ "ToCountry", "KH" }, { "SmsMessageSid", sid },
		{ "NumMedia", "0" }, { "SmsSid", sid },
		{ "SmsStatus", "received" }, { "Body", text },
		{ "To", "+85523900000" }, { "NumSegments", "1" },
		{ "MessageSid", sid }, { "AccountSid", "AC0123456789abcdef" },
		{ "From", PHONE }, { "ApiVersion", "2010-04-01" },
	};
	char			*xml;

	twilio_post(0, f, sizeof(f) / sizeof(f[0]), NULL, &rep);
	ck_assert_int_eq(rep.status, 200);
	ck_assert_ptr_nonnull(strstr(rep.content_type, "xml"));
	xml = strdup(rep.body);
	harness_reply_clear(&rep);
	return xml;
}

#define TWIML_HEAD	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
#define TWIML(m)	TWIML_HEAD "<Response><Message>" m \
			"</Message></Response>"
#define TWIML2(a, b)	TWIML_HEAD "<Response><Message>" a \
			"</Message><Message>" b "</Message></Response>"

/* Expect Twilio's answer to a message to be want. */
static void
twilio_expect(const char *sid, const char *text, const char *want)
{
	char	*xml = twilio_mo(sid, text);

	ck_assert_msg(strcmp(xml, want) == 0, "answered:\n%s\nwanted:\n%s",
	    xml, want);
	free(xml);
}

/*
 * 6. The Khmer conversation over Twilio: signed webhooks, the replies in
 * TwiML (the notice and the root as two messages), "not in danger": the
 * request is stored at that answer and alerted when the intake ends. A
 * bad, missing or misplaced signature is a 403 and changes nothing; a
 * retried MessageSid gets an empty TwiML answer; status callbacks are
 * signed too.
 */
START_TEST(test_twilio_conversation)
{
	struct harness_reply	 rep;
	struct kv		 f[] = {
		{ "MessageSid", "SM-bad" }, { "AccountSid", "AC0123" },
		{ "From", PHONE }, { "To", "+85523900000" },
		{ "Body", "HELP" },
	};
	struct kv		 st[] = {
		{ "MessageSid", "SM-t1" }, { "MessageStatus", "delivered" },
		{ "AccountSid", "AC0123" }, { "To", PHONE },
	};
	char			*xml, *sig;

	start_sms();
	twilio_post(0, f, 5, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", &rep);
	ck_assert_int_eq(rep.status, 403);
	harness_reply_clear(&rep);
	twilio_post(0, f, 5, "", &rep);
	ck_assert_int_eq(rep.status, 403);
	harness_reply_clear(&rep);
	sig = twilio_sig("https://hotline.example.org/sms/other", f, 5);
	twilio_post(0, f, 5, sig, &rep);
	free(sig);
	ck_assert_int_eq(rep.status, 403);
	harness_reply_clear(&rep);

	twilio_expect("SM-t1", KM_HELP, TWIML2(NOTICE, K_MAIN));
	twilio_expect("SM-t1", KM_HELP, TWIML_HEAD "<Response/>");
	twilio_expect("SM-t2", "2", TWIML(K_SAFE));
	twilio_expect("SM-t3", "1", TWIML(K_DANGER));
	twilio_expect("SM-t4", "2", TWIML(K_WHEN));
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback_clear WHERE "
	    "urgent = 0 AND intake = 1 AND channel = 'twilio' AND phone = '"
	    PHONE "'"), 1);
	ck_assert_int_eq(receiver_wait(rcv, "/c", 1, 1000), -1);
	twilio_expect("SM-t5", "3", TWIML(K_COVER));
	xml = twilio_mo("SM-t6", "3");
	ck_assert_msg(strncmp(xml, TWIML_HEAD "<Response><Message>" K_PROVINCE,
	    strlen(TWIML_HEAD "<Response><Message>" K_PROVINCE)) == 0, "%s",
	    xml);
	free(xml);
	xml = twilio_mo("SM-t7", "1");
	ck_assert_msg(strncmp(xml, TWIML_HEAD "<Response><Message>អ្នកប្រឹក្សា"
	    "នឹងហៅមកអ្នកវិញ ថ្ងៃនេះ", strlen(TWIML_HEAD "<Response><Message>"
	    "អ្នកប្រឹក្សានឹងហៅមកអ្នកវិញ ថ្ងៃនេះ")) == 0, "%s", xml);
	free(xml);
	db_wait_int("SELECT count(*) FROM callback_clear WHERE intake = 0 AND "
	    "session_end = 'completed' AND \"window\" = 'afternoon' AND cover = "
	    "'friend' AND province = 'none'", 1, 3000);
	ck_assert_int_eq(receiver_wait(rcv, "/c", 1, 3000), 0);
	/* Nothing went through an outbox: the answers were the replies. */
	ck_assert_int_eq(db_int("SELECT count(*) FROM sms_out"), 0);
	twilio_post(1, st, 4, NULL, &rep);
	ck_assert_int_eq(rep.status, 200);
	harness_reply_clear(&rep);
	twilio_post(1, st, 4, "AAAA", &rep);
	ck_assert_int_eq(rep.status, 403);
	harness_reply_clear(&rep);
}
END_TEST

/* POST a JSON body to path; the status. */
static long
post_json(const char *path, const char *json)
{
	struct harness_reply	 rep;
	long			 st;

	ck_assert_int_eq(harness_post(h, path, JSON_CT, json, NULL, &rep), 0);
	st = rep.status;
	harness_reply_clear(&rep);
	return st;
}

/* A OneAPI inbound notification from +85510234567. */
static long
oneapi_mo(const char *id, const char *text)
{
	char	*body;
	long	 st;

	ck_assert_int_ne(asprintf(&body, "{\"inboundSMSMessageNotification\":"
	    "{\"callbackData\":\"hotline\",\"inboundSMSMessage\":{\"dateTime\":"
	    "\"2026-11-23T03:00:00Z\",\"destinationAddress\":\"tel:1280\","
	    "\"messageId\":\"%s\",\"message\":\"%s\",\"senderAddress\":"
	    "\"tel:+85510234567\"}}}", id, text), -1);
	st = post_json(SMART, body);
	free(body);
	return st;
}

/* The token endpoint's answer: access_token tok, valid ttl seconds. */
static void
token_answer(const char *tok, int ttl)
{
	char	 body[128];

	snprintf(body, sizeof(body), "{\"access_token\":\"%s\",\"token_type\":"
	    "\"Bearer\",\"expires_in\":%d}", tok, ttl);
	receiver_answer(rcv, "/token", 200, JSON_CT, body);
}

/* The i-th request to the OneAPI gateway: its bearer and its message. */
static char *
oneapi_sent(size_t i, char **msg_id)
{
	struct receiver_request	 q;
	json_t			*v, *r;
	char			*text;

	ck_assert_msg(receiver_wait(rcv, "/oneapi", i + 1, 5000) == 0,
	    "no OneAPI send %zu", i + 1);
	q = got("/oneapi", i);
	ck_assert_str_eq(q.method, "POST");
	ck_assert_str_eq(q.path, "/oneapi/smsmessaging/v1/outbound/"
	    "tel%3A%2B1280/requests");
	v = json_loadb(q.body, q.len, 0, NULL);
	ck_assert_ptr_nonnull(v);
	r = json_object_get(v, "outboundSMSMessageRequest");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(r,
	    "address"), 0)), "tel:+85510234567");
	ck_assert_str_eq(json_string_value(json_object_get(r,
	    "senderAddress")), "tel:+1280");
	text = strdup(json_string_value(json_object_get(json_object_get(r,
	    "outboundSMSTextMessage"), "message")));
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(r,
	    "receiptRequest"), "notifyURL")), "http://127.0.0.1:8080" SMART
	    "/dlr");
	if (msg_id != NULL)
		*msg_id = strdup(json_string_value(json_object_get(
		    json_object_get(r, "receiptRequest"), "callbackData")));
	json_decref(v);
	ck_assert_ptr_nonnull(q.authorization);
	free(text);
	text = strdup(q.authorization);
	receiver_request_clear(&q);
	return text;
}

/*
 * 7. Smart's OneAPI gateway: a token is fetched with the client
 * credentials before the first send and used until it expires; a 401
 * (the token revoked mid-run) fetches a new one and the message goes out
 * with it; a delivery notification is recorded against our id.
 */
START_TEST(test_oneapi_oauth)
{
	struct receiver_request	 q;
	char			*auth, *id, body[512];

	start_sms();
	receiver_answer(rcv, "/oneapi", 201, JSON_CT, "{\"resourceReference\":"
	    "{\"resourceURL\":\"http://gw/smsmessaging/v1/outbound/tel%3A%2B1280"
	    "/requests/req-17\"}}");
	token_answer("tok-A", 32);	/* good for two seconds of use */
	ck_assert_int_eq(oneapi_mo("o1", "HELP"), 200);
	auth = oneapi_sent(0, NULL);
	ck_assert_str_eq(auth, "Bearer tok-A");
	free(auth);
	auth = oneapi_sent(1, &id);
	ck_assert_str_eq(auth, "Bearer tok-A");
	free(auth);
	ck_assert_uint_eq(receiver_count(rcv, "/token"), 1);
	q = got("/token", 0);
	ck_assert_str_eq(q.method, "POST");
	ck_assert_str_eq(q.body, "grant_type=client_credentials");
	/* base64("consumer-key-0123456789:consumer-secret-0123456789") */
	ck_assert_str_eq(q.authorization, "Basic Y29uc3VtZXIta2V5LTAxMjM0NTY3"
	    "ODk6Y29uc3VtZXItc2VjcmV0LTAxMjM0NTY3ODk=");
	receiver_request_clear(&q);
	db_wait_int("SELECT count(*) FROM sms_out WHERE state = 1 AND "
	    "gateway_id = 'req-17'", 2, 3000);

	/* The token runs out: a new one before the next send. */
	harness_sleep_ms(2500);
	token_answer("tok-B", 3600);
	ck_assert_int_eq(oneapi_mo("o2", "3"), 200);
	auth = oneapi_sent(2, NULL);
	ck_assert_str_eq(auth, "Bearer tok-B");
	free(auth);
	ck_assert_uint_eq(receiver_count(rcv, "/token"), 2);

	/* Revoked mid-run: 401, a new token, the same message again. */
	token_answer("tok-C", 3600);
	receiver_answer_next(rcv, "/oneapi", 401, JSON_CT, "{\"fault\":"
	    "{\"code\":900901,\"message\":\"Invalid Credentials\"}}");
	ck_assert_int_eq(oneapi_mo("o3", "1"), 200);
	auth = oneapi_sent(3, NULL);
	ck_assert_str_eq(auth, "Bearer tok-B");
	free(auth);
	auth = oneapi_sent(4, NULL);
	ck_assert_str_eq(auth, "Bearer tok-C");
	free(auth);
	ck_assert_uint_eq(receiver_count(rcv, "/token"), 3);
	db_wait_int("SELECT count(*) FROM sms_out WHERE state = 1 AND "
	    "attempts = 2", 1, 3000);

	snprintf(body, sizeof(body), "{\"deliveryInfoNotification\":"
	    "{\"callbackData\":\"%s\",\"deliveryInfo\":{\"address\":"
	    "\"tel:+85510234567\",\"deliveryStatus\":\"DeliveredToTerminal\"}}}",
	    id);
	ck_assert_int_eq(post_json(SMART "/dlr", body), 200);
	db_wait_int("SELECT count(*) FROM sms_out WHERE state = 2 AND report = "
	    "'delivered'", 1, 2000);
	free(id);
	ck_assert_int_eq(post_json(SMART, "{\"inboundSMSMessageNotification\":"
	    "{}}"), 400);
	ck_assert_int_eq(post_json("/sms/smart/wrong-token-0123456789",
	    "{}"), 403);
}
END_TEST

/* The value of field name in a form body (new string, NULL if absent). */
static char *
fget(const char *body, const char *name)
{
	return qget(body, name, NULL);
}

/* Expect field name of a recorded form body to be want. */
static void
field_is(const struct receiver_request *q, const char *name,
    const char *want)
{
	char	*v = fget(q->body, name);

	ck_assert_msg(v != NULL && strcmp(v, want) == 0, "%s is \"%s\", want "
	    "\"%s\"", name, v != NULL ? v : "(none)", want);
	free(v);
}

/* The hex HMAC-SHA256 Vonage signs the sorted fields with. */
static char *
vonage_sig(struct kv *f, size_t n)
{
	uint8_t		 mac[32];
	char		*msg = strdup(""), *t, *v, *p, hex[65];
	size_t		 i;

	qsort(f, n, sizeof(*f), kv_cmp);
	for (i = 0; i < n; i++) {
		v = strdup(f[i].v);
		for (p = v; *p != '\0'; p++)
			if (*p == '&' || *p == '=')
				*p = '_';
		ck_assert_int_ne(asprintf(&t, "%s&%s=%s", msg, f[i].k, v), -1);
		free(v);
		free(msg);
		msg = t;
	}
	digest_hmac(DIGEST_SHA256, "vonage-signature-0123456789",
	    strlen("vonage-signature-0123456789"), msg, strlen(msg), mac);
	free(msg);
	sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
	return strdup(hex);
}

/*
 * GET a Vonage inbound message, signed (or with sig as given), with the
 * concatenation fields of part of total when total is not 0.
 */
static long
vonage_part(const char *id, const char *text, const char *sig,
    unsigned part, unsigned total)
{
	struct harness_reply	 rep;
	char			 ps[8], ts[8];
	struct kv		 f[13] = {
		{ "msisdn", PHONE_DIGITS }, { "to", "85599000000" },
		{ "messageId", id }, { "text", text }, { "type", "text" },
		{ "keyword", text }, { "message-timestamp",
		  "2026-11-23 03:00:00" }, { "timestamp", "1795402800" },
		{ "nonce", "6a1c7bd5-0d4f-4a8e-9d8b-3f5e1c2a7b90" },
	};
	char			*q = strdup(""), *t, *ek, *ev, *mine;
	size_t			 i, n = 9;
	long			 st;

	if (total != 0) {
		snprintf(ps, sizeof(ps), "%u", part);
		snprintf(ts, sizeof(ts), "%u", total);
		f[n].k = "concat";
		f[n++].v = "true";
		f[n].k = "concat-ref";
		f[n++].v = "108";
		f[n].k = "concat-part";
		f[n++].v = ps;
		f[n].k = "concat-total";
		f[n++].v = ts;
	}
	mine = vonage_sig(f, n);
	for (i = 0; i < n; i++) {
		ek = harness_urlencode(f[i].k);
		ev = harness_urlencode(f[i].v);
		ck_assert_int_ne(asprintf(&t, "%s&%s=%s", q, ek, ev), -1);
		free(ek);
		free(ev);
		free(q);
		q = t;
	}
	ck_assert_int_ne(asprintf(&t, "/sms/vonage?sig=%s%s", sig != NULL ?
	    sig : mine, q), -1);
	ck_assert_int_eq(harness_get(h, t, NULL, &rep), 0);
	st = rep.status;
	harness_reply_clear(&rep);
	free(t);
	free(q);
	free(mine);
	return st;
}

/* GET a whole Vonage inbound message. */
static long
vonage_mo(const char *id, const char *text, const char *sig)
{
	return vonage_part(id, text, sig, 0, 0);
}

/*
 * 8. The other gateways, in and out as each one speaks: Africa's
 * Talking (form in, its messaging API out with apiKey, its report by
 * its id), Vonage (a signed GET in, a bad sig refused, sms/json out as
 * unicode), Infobip (results[] in, the reply through the prefix table:
 * a Metfone number goes out through PlasGate, masked, with X-Secret).
 */
START_TEST(test_other_gateways)
{
	struct receiver_request	 q;
	struct harness_reply	 rep;
	char			*form, *v;
	json_t			*j;

	start_sms();
	receiver_answer(rcv, "/at/messaging", 201, JSON_CT, "{\"SMSMessageData\""
	    ":{\"Message\":\"Sent to 1/1 Total Cost: USD 0.01\",\"Recipients\":"
	    "[{\"statusCode\":101,\"number\":\"" PHONE "\",\"status\":"
	    "\"Success\",\"cost\":\"USD 0.01\",\"messageId\":\"ATXid_7\"}]}}");
	form = harness_form("linkId", "03090445075804249226", "text", "HELP",
	    "to", "1280", "id", "ec9adc86-51d5-4bc8-8eb0-d8ab0bb53dc6", "date",
	    "2017-05-03T06:04:45Z", "from", PHONE, NULL);
	ck_assert_int_eq(harness_post(h, "/sms/at/at-sms-token-0123456789",
	    FORM_CT, form, NULL, &rep), 0);
	ck_assert_int_eq(rep.status, 200);
	harness_reply_clear(&rep);
	free(form);
	ck_assert_int_eq(receiver_wait(rcv, "/at/messaging", 2, 5000), 0);
	q = got("/at/messaging", 0);
	ck_assert_str_eq(q.method, "POST");
	ck_assert_str_eq(q.apikey, "at-api-key-0123456789");
	field_is(&q, "username", "ngo");
	field_is(&q, "to", PHONE);
	field_is(&q, "from", "1280");
	field_is(&q, "message", NOTICE);
	receiver_request_clear(&q);
	db_wait_int("SELECT count(*) FROM sms_out WHERE channel = 'at_sms' AND "
	    "state = 1 AND gateway_id = 'ATXid_7'", 2, 3000);
	form = harness_form("id", "ATXid_7", "status", "Success",
	    "phoneNumber", PHONE, "networkCode", "45601", NULL);
	ck_assert_int_eq(harness_post(h, "/sms/at/at-sms-token-0123456789/dlr",
	    FORM_CT, form, NULL, &rep), 0);
	ck_assert_int_eq(rep.status, 200);
	harness_reply_clear(&rep);
	free(form);
	db_wait_int("SELECT count(*) FROM sms_out WHERE state = 2", 2, 2000);

	receiver_answer(rcv, "/vonage", 200, JSON_CT, "{\"message-count\":\"1\","
	    "\"messages\":[{\"to\":\"" PHONE_DIGITS "\",\"message-id\":"
	    "\"0A00000012345678\",\"status\":\"0\"}]}");
	ck_assert_int_eq(vonage_mo("v-1", "HELP", "0123abcd"), 403);
	ck_assert_int_eq(vonage_mo("v-1", "HELP", NULL), 200);
	ck_assert_int_eq(receiver_wait(rcv, "/vonage/sms/json", 2, 5000), 0);
	q = got("/vonage/sms/json", 1);
	field_is(&q, "api_key", "vonagekey");
	field_is(&q, "api_secret", "vonage-secret-0123456789");
	field_is(&q, "from", "85599000000");
	field_is(&q, "to", PHONE_DIGITS);
	field_is(&q, "type", "unicode");
	field_is(&q, "text", K_MAIN);
	receiver_request_clear(&q);
	/* A message in two parts Vonage did not join, the last first. */
	ck_assert_int_eq(vonage_part("v-3", "LP", NULL, 2, 2), 200);
	harness_sleep_ms(500);
	ck_assert_uint_eq(receiver_count(rcv, "/vonage/sms/json"), 2);
	ck_assert_int_eq(vonage_part("v-2", "HE", NULL, 1, 2), 200);
	ck_assert_int_eq(receiver_wait(rcv, "/vonage/sms/json", 4, 5000), 0);
	q = got("/vonage/sms/json", 3);
	field_is(&q, "text", K_MAIN);
	receiver_request_clear(&q);

	ck_assert_int_eq(post_json("/sms/infobip/infobip-token-0123456789",
	    "{\"results\":[{\"messageId\":\"ib-1\",\"from\":\"85597123456\","
	    "\"to\":\"1280\",\"text\":\"HELP\",\"cleanText\":\"\",\"keyword\":"
	    "\"HELP\",\"receivedAt\":\"2016-10-06T09:28:39.220+0000\","
	    "\"smsCount\":1,\"price\":{\"pricePerMessage\":0,\"currency\":"
	    "\"EUR\"},\"callbackData\":null}],\"messageCount\":1,"
	    "\"pendingMessageCount\":0}"), 200);
	ck_assert_int_eq(receiver_wait(rcv, "/plasgate", 2, 5000), 0);
	q = got("/plasgate", 1);
	ck_assert_str_eq(q.method, "POST");
	ck_assert_str_eq(q.query, "private_key=plasgate-key-0123456789");
	ck_assert_str_eq(q.x_secret, "plasgate-secret-0123456789");
	j = json_loadb(q.body, q.len, 0, NULL);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(json_string_value(json_object_get(j, "sender")),
	    "HOTLINE");
	ck_assert_str_eq(json_string_value(json_object_get(j, "to")),
	    "85597123456");
	ck_assert_int_ne(asprintf(&v, "#ma#%s#ma#", K_MAIN), -1);
	ck_assert_str_eq(json_string_value(json_object_get(j, "content")), v);
	free(v);
	json_decref(j);
	receiver_request_clear(&q);
	ck_assert_uint_eq(receiver_count(rcv, "/infobip"), 0);
	db_wait_int("SELECT count(*) FROM sms_out WHERE channel = 'plasgate' "
	    "AND state = 1", 2, 3000);
}
END_TEST

/* The limit at 3 messages per number. */
static void
prepare_limit(void)
{
	char	*path, *c, *d;

	prepare_sms();
	path = harness_path(h, "hotlined.conf");
	c = harness_read_file(path, NULL);
	d = replace_all(c, "\"messages\": 40", "\"messages\": 3");
	ck_assert_int_eq(harness_write_file(h, "hotlined.conf", d), 0);
	free(d);
	free(c);
	free(path);
}

/*
 * 9. A number over its limit gets no reply and no error (a gateway must
 * not retry), and is counted; another number is served as usual.
 */
START_TEST(test_number_limit)
{
	struct cb_opts	 o;
	size_t		 cur = 0;

	memset(&o, 0, sizeof(o));
	o.escalate = 600;
	o.retry = 1;
	o.fixture = "tests/data/journey";
	o.prepare = prepare_limit;
	start(&o);
	ck_assert_int_eq(kannel_mo("l1", PHONE_DIGITS, "HELP"), 200);
	kannel_expect(&cur, NOTICE);
	kannel_expect(&cur, K_MAIN);
	ck_assert_int_eq(kannel_mo("l2", PHONE_DIGITS, "3"), 200);
	kannel_expect(&cur, K_INFO);
	ck_assert_int_eq(kannel_mo("l3", PHONE_DIGITS, "0"), 200);
	kannel_expect(&cur, K_MAIN);
	ck_assert_int_eq(kannel_mo("l4", PHONE_DIGITS, "3"), 200);
	ck_assert_int_eq(kannel_mo("l5", PHONE_DIGITS, "HELP"), 200);
	harness_sleep_ms(1200);
	ck_assert_uint_eq(receiver_count(rcv, SENDSMS), cur);
	ck_assert(harness_log_contains(h, "numbers blocked for a while"));
	ck_assert(harness_log_contains(h, "messages over a number's limit"));
	ck_assert_int_eq(kannel_mo("l6", "85512000111", "HELP"), 200);
	ck_assert_int_eq(receiver_wait(rcv, SENDSMS, cur + 2, 5000), 0);
}
END_TEST

/* The shared limit at 3 per number; sms.per_number stays (ignored). */
static void
prepare_shared(void)
{
	prepare_sms();
	conf_set_int("limits.per_number.requests", 3);
	conf_set_int("limits.per_number.minutes", 10);
	conf_set_int("limits.per_number.block_minutes", 60);
}

/*
 * 9b. One number's new USSD sessions and SMS count against one limit:
 * two sessions and a message pass; the next session gets the busy END
 * screen with 200 and the next message no reply; the session already
 * open carries on, and another number is served. Both are counted.
 */
START_TEST(test_number_shared)
{
	struct cb_opts	 o;
	size_t		 cur = 0;
	char		*got;

	memset(&o, 0, sizeof(o));
	o.escalate = 600;
	o.retry = 1;
	o.fixture = "tests/data/journey";
	o.prepare = prepare_shared;
	start(&o);
	ck_assert(harness_log_contains(h, "deprecated and ignored: "
	    "limits.per_number is set"));
	got = at_hop("u1", PHONE, "");
	ck_assert_msg(strncmp(got, "CON ", 4) == 0, "%s", got);
	free(got);
	ck_assert_int_eq(kannel_mo("n1", PHONE_DIGITS, "HELP"), 200);
	kannel_expect(&cur, NOTICE);
	kannel_expect(&cur, K_MAIN);
	got = at_hop("u2", PHONE, "");
	ck_assert_msg(strncmp(got, "CON ", 4) == 0, "%s", got);
	free(got);
	/* The fourth of the number: over the limit. */
	at_expect("u3", PHONE, "", "END Police 117. Busy, try again soon.");
	ck_assert_int_eq(kannel_mo("n2", PHONE_DIGITS, "3"), 200);
	/* A session already open is not a new one. */
	got = at_hop("u1", PHONE, "2");
	ck_assert_msg(strncmp(got, "CON ", 4) == 0, "%s", got);
	free(got);
	got = at_hop("v1", PHONE2, "");
	ck_assert_msg(strncmp(got, "CON ", 4) == 0, "%s", got);
	free(got);
	harness_sleep_ms(1200);
	ck_assert_uint_eq(receiver_count(rcv, SENDSMS), cur);
	ck_assert_int_eq(harness_counter(h, "limited_ussd"), 1);
	ck_assert_int_eq(harness_counter(h, "limited_sms"), 1);
	ck_assert(harness_log_contains(h, "sessions: numbers over their "
	    "limit"));
}
END_TEST

/*
 * 10. The outbox survives a crash: replies queued while the gateway
 * refused them go out after kill -9 and a restart, and the message id
 * seen before the crash still gets no second reply.
 */
START_TEST(test_outbox_restart)
{
	start_sms();
	receiver_answer(rcv, SENDSMS, 503, "text/plain",
	    "Temporal failure, try again later");
	ck_assert_int_eq(kannel_mo("x1", PHONE_DIGITS, "HELP"), 200);
	/* Answered 200: both replies are on disk. */
	ck_assert_int_eq(db_int("SELECT count(*) FROM sms_out WHERE state = "
	    "0"), 2);
	ck_assert_int_eq(receiver_wait(rcv, SENDSMS, 1, 5000), 0);
	ck_assert_int_eq(harness_kill9(h), 0);
	receiver_answer(rcv, SENDSMS, 202, "text/plain",
	    "0: Accepted for delivery");
	launch();
	db_wait_int("SELECT count(*) FROM sms_out WHERE state = 1", 2, 8000);
	ck_assert_int_eq(kannel_mo("x1", PHONE_DIGITS, "HELP"), 200);
	harness_sleep_ms(1000);
	ck_assert_int_eq(db_int("SELECT count(*) FROM sms_out"), 2);
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
	tcase_add_test(tc, test_twilio_conversation);
	tcase_add_test(tc, test_oneapi_oauth);
	tcase_add_test(tc, test_other_gateways);
	tcase_add_test(tc, test_number_limit);
	tcase_add_test(tc, test_number_shared);
	tcase_add_test(tc, test_outbox_restart);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return flow_run("check_sms", sms_suite());
}
