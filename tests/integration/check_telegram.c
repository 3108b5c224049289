/* SPDX-License-Identifier: ISC */
/*
 * Integration tests of Telegram alerts and their buttons, on the real
 * hotlined with tests/data/callback (flow.c) and a Bot API server of ours
 * (botapi.c): an alert carries Claim and Open and no number; a press by a
 * counsellor on duty claims the request once, edits the alerts to say who
 * has it and sends her a one-time console link in private, which signs
 * her in once; presses by strangers or people off duty claim nothing; two
 * presses racing make one claim; the poller backs off on errors and
 * recovers; its offset survives a restart; the webhook needs its secret.
 */
#include <sys/stat.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "botapi.h"
#include "flow.h"

#define BOT_TOKEN	"123456:TEST-token_abcdefghijklmnop"
#define HOOK_SECRET	"hook-secret-0123456789_ABC"
#define GROUP		(-100500LL)
#define TG_C1		111LL
#define TG_C2		222LL
#define TG_C3		333LL	/* on the roster, never on duty */
#define TG_S1		900LL
#define TG_STRANGER	777LL

static struct botapi	*bot;
static int		 webhook_mode;

/* The roster: c1 and c2 alerted in the group, c3 off duty, s1. */
static const char roster_tmpl[] =
    "{ \"escalate_after\": 600, \"retry_first\": 1, \"max_attempts\": 5,\n"
    "  \"people\": [\n"
    "  { \"id\": \"c1\", \"name\": \"Counsellor One\", \"role\": "
    "\"counsellor\", \"token\": \"" TOK_C1 "\", \"telegram_id\": 111,\n"
    "    \"alerts\": [ { \"type\": \"telegram\", \"chat_id\": \"-100500\" "
    "} ] },\n"
    "  { \"id\": \"c2\", \"name\": \"Counsellor Two\", \"role\": "
    "\"counsellor\", \"token\": \"" TOK_C2 "\", \"telegram_id\": 222,\n"
    "    \"alerts\": [ { \"type\": \"telegram\", \"chat_id\": \"-100500\" "
    "} ] },\n"
    "  { \"id\": \"c3\", \"name\": \"Counsellor Three\", \"role\": "
    "\"counsellor\", \"token\": \"token-c3-0123456789abcdefghij\", "
    "\"telegram_id\": 333,\n"
    "    \"alerts\": [ { \"type\": \"webhook\", \"url\": \"@URL@/c3\", "
    "\"secret\": \"" SECRET "\" } ] },\n"
    "  { \"id\": \"s1\", \"name\": \"Supervisor\", \"role\": "
    "\"supervisor\", \"token\": \"" TOK_S1 "\", \"telegram_id\": 900,\n"
    "    \"alerts\": [ { \"type\": \"webhook\", \"url\": \"@URL@/s1\", "
    "\"secret\": \"" SECRET "\" } ] } ],\n"
    "  \"shifts\": [\n"
    "  { \"who\": \"c1\", \"days\": [\"mon\", \"tue\", \"wed\", \"thu\", "
    "\"fri\"], \"start\": \"08:00\", \"end\": \"17:00\" },\n"
    "  { \"who\": \"c2\", \"days\": [\"mon\", \"tue\", \"wed\", \"thu\", "
    "\"fri\"], \"start\": \"08:00\", \"end\": \"17:00\" } ] }\n";

/* Write a private file in the daemon's directory. */
static void
write_private(const char *rel, const char *text)
{
	char	*path;

	ck_assert_int_eq(harness_write_file(h, rel, text), 0);
	path = harness_path(h, rel);
	ck_assert_int_eq(chmod(path, 0600), 0);
	free(path);
}

/* Before the launch: the roster, the bot token, the Bot API's URL. */
static void
prepare(void)
{
	json_t		*conf, *notify;
	json_error_t	 jerr;
	char		*path, *url, *roster;

	ck_assert_int_ne(asprintf(&url, "http://127.0.0.1:%d",
	    receiver_port(rcv)), -1);
	roster = replace_all(roster_tmpl, "@URL@", url);
	ck_assert_int_eq(harness_write_file(h, "roster.json", roster), 0);
	free(roster);
	free(url);
	write_private("tg.token", BOT_TOKEN "\n");
	ck_assert_int_ne(asprintf(&url, "http://127.0.0.1:%d",
	    botapi_port(bot)), -1);
	notify = json_pack("{s:s, s:s, s:i}", "telegram_api", url,
	    "telegram_token_file", "tg.token", "telegram_poll_timeout", 1);
	free(url);
	if (webhook_mode) {
		write_private("tg.secret", HOOK_SECRET "\n");
		json_object_set_new(notify, "telegram_updates",
		    json_string("webhook"));
		json_object_set_new(notify, "telegram_webhook_secret_file",
		    json_string("tg.secret"));
	}
	path = harness_path(h, "hotlined.conf");
	conf = json_load_file(path, 0, &jerr);
	ck_assert_msg(conf != NULL, "%s", jerr.text);
	json_object_set_new(conf, "notify", notify);
	ck_assert_int_eq(json_dump_file(conf, path, JSON_INDENT(2)), 0);
	json_decref(conf);
	free(path);
}

/* A daemon on duty whose alerts go to the Bot API of ours. */
static void
start_tg(int webhook)
{
	struct cb_opts	 o;

	bot = botapi_start(BOT_TOKEN);
	ck_assert_ptr_nonnull(bot);
	webhook_mode = webhook;
	memset(&o, 0, sizeof(o));
	o.escalate = 600;
	o.retry = 1;
	o.prepare = prepare;
	start(&o);
}

/* Stop the daemon (checked by flow's teardown), then the Bot API. */
static void
tg_teardown(void)
{
	teardown();
	botapi_stop(bot);
	bot = NULL;
}

/* An urgent "now" request; its reference (new string). */
static char *
urgent_request(const char *sid, const char *phone)
{
	char	*w, *f;

	w = walk(sid, phone, NULL, "1");
	f = last_hop(w, "1");
	free(w);
	free(at_hop(sid, phone, f));
	free(f);
	return listed_ref(0, 1);
}

/* The i-th call of method (a copy; clear it). */
static struct botapi_call
call(const char *method, size_t i)
{
	struct botapi_call	 c;

	ck_assert_msg(botapi_get(bot, method, i, &c) == 0, "no %s #%zu",
	    method, i);
	return c;
}

/* Wait for n calls of method. */
static void
wait_calls(const char *method, size_t n, int ms)
{
	ck_assert_msg(botapi_wait(bot, method, n, ms) == 0, "%zu %s calls "
	    "expected, %zu came", n, method, botapi_count(bot, method));
}

/* No call made to the Bot API so far holds the number, in any form. */
static void
no_number_sent(void)
{
	struct botapi_call	 c;
	size_t			 i, n = botapi_count(bot, NULL);

	for (i = 0; i < n; i++) {
		c = call(NULL, i);
		ck_assert_msg(strstr(c.body, PHONE_NSN) == NULL &&
		    strstr(c.query, PHONE_NSN) == NULL, "%s carried the "
		    "number: %s", c.method, c.body);
		botapi_call_clear(&c);
	}
}

/* The answerCallbackQuery text given to the press with update u. */
static char *
answer_to(long long u, int ms)
{
	long long		 deadline = harness_now_ms() +
	    harness_slow_ms(ms);
	struct botapi_call	 c;
	json_t			*v;
	char			 qid[64], *text = NULL;
	size_t			 i, n;

	botapi_query_id(u, qid, sizeof(qid));
	while (text == NULL) {
		n = botapi_count(bot, "answerCallbackQuery");
		for (i = 0; i < n && text == NULL; i++) {
			c = call("answerCallbackQuery", i);
			v = json_loads(c.body, 0, NULL);
			if (strcmp(json_string_value(json_object_get(v,
			    "callback_query_id")), qid) == 0)
				text = strdup(json_string_value(
				    json_object_get(v, "text")));
			json_decref(v);
			botapi_call_clear(&c);
		}
		if (text == NULL) {
			ck_assert_msg(harness_now_ms() < deadline, "press %lld "
			    "was never answered", u);
			harness_sleep_ms(50);
		}
	}
	return text;
}

/* The message id of the i-th alert sent to the group. */
static long long
alert_id(size_t i)
{
	struct botapi_call	 c = call("sendMessage", i);
	long long		 id = c.message_id;

	botapi_call_clear(&c);
	return id;
}

/* The secret of the one-time link in the private message to user (new
 * string): the link is <base>/console/#link/<secret>. */
static char *
private_link(long long user, int ms)
{
	long long		 deadline = harness_now_ms() +
	    harness_slow_ms(ms);
	struct botapi_call	 c;
	json_t			*v;
	const char		*text, *p;
	char			*link = NULL;
	size_t			 i, n;

	while (link == NULL) {
		n = botapi_count(bot, "sendMessage");
		for (i = 0; i < n && link == NULL; i++) {
			c = call("sendMessage", i);
			v = json_loads(c.body, 0, NULL);
			text = json_string_value(json_object_get(v, "text"));
			if (json_integer_value(json_object_get(v, "chat_id")) ==
			    user && (p = strstr(text, "/console/#link/")) !=
			    NULL) {
				ck_assert(json_is_true(json_object_get(v,
				    "protect_content")));
				ck_assert(json_is_true(json_object_get(
				    json_object_get(v, "link_preview_options"),
				    "is_disabled")));
				link = strndup(p + 15, strcspn(p, " \n") - 15);
			}
			json_decref(v);
			botapi_call_clear(&c);
		}
		if (link == NULL) {
			ck_assert_msg(harness_now_ms() < deadline, "no private "
			    "link to %lld", user);
			harness_sleep_ms(50);
		}
	}
	return link;
}

/* The state and holder of ref, from the API. */
static void
expect_state(const char *ref, const char *state, const char *holder)
{
	json_t	*v = api_get(ref, TOK_S1);

	ck_assert_str_eq(json_string_value(json_object_get(v, "state")),
	    state);
	if (holder == NULL)
		ck_assert_ptr_null(json_object_get(v, "claimed_by"));
	else
		ck_assert_str_eq(json_string_value(json_object_get(v,
		    "claimed_by")), holder);
	json_decref(v);
}

/*
 * 1. The alert has Claim and Open, protect_content and no number; c1's
 * press claims it; both alerts are edited to "claimed by Counsellor
 * One" without their buttons; c1 gets a one-time link in private that
 * signs her in (once) and shows her the number there, in the console.
 */
START_TEST(test_claim_press)
{
	struct botapi_call	 c;
	struct harness_reply	 rep;
	json_t			*v, *row;
	const char		*hdr[2] = { NULL, NULL };
	const char		*form = "token=" TOK_C1;
	char			*ref, *text, *link, *cookie, *loc, ch[128];
	long long		 u, m1, m2;
	size_t			 i;

	start_tg(0);
	ref = urgent_request("tg-1", PHONE);
	wait_calls("sendMessage", 2, 5000);
	for (i = 0; i < 2; i++) {
		c = call("sendMessage", i);
		v = json_loads(c.body, 0, NULL);
		ck_assert_ptr_nonnull(v);
		ck_assert_int_eq(json_integer_value(json_object_get(v,
		    "chat_id")), GROUP);
		ck_assert(json_is_true(json_object_get(v, "protect_content")));
		ck_assert_ptr_nonnull(strstr(json_string_value(
		    json_object_get(v, "text")), ref));
		row = json_array_get(json_object_get(json_object_get(v,
		    "reply_markup"), "inline_keyboard"), 0);
		ck_assert_int_eq(json_array_size(row), 2);
		snprintf(ch, sizeof(ch), "claim:%s", ref);
		ck_assert_str_eq(json_string_value(json_object_get(
		    json_array_get(row, 0), "callback_data")), ch);
		snprintf(ch, sizeof(ch), "open:%s", ref);
		ck_assert_str_eq(json_string_value(json_object_get(
		    json_array_get(row, 1), "callback_data")), ch);
		ck_assert_str_eq(json_string_value(json_object_get(
		    json_array_get(row, 0), "text")), "Claim");
		json_decref(v);
		botapi_call_clear(&c);
	}
	m1 = alert_id(0);
	m2 = alert_id(1);
	snprintf(ch, sizeof(ch), "claim:%s", ref);
	u = botapi_press(bot, TG_C1, "One", GROUP, m1, ch);
	text = answer_to(u, 5000);
	ck_assert_msg(strstr(text, "Claimed") != NULL, "%s", text);
	free(text);
	expect_state(ref, "claimed", "c1");
	history_expect(ref, 2, "claimed", "c1", NULL);

	/* Both alerts now say who has it, and lose their buttons. */
	wait_calls("editMessageText", 2, 5000);
	for (i = 0; i < 2; i++) {
		c = call("editMessageText", i);
		v = json_loads(c.body, 0, NULL);
		ck_assert_int_eq(json_integer_value(json_object_get(v,
		    "chat_id")), GROUP);
		u = json_integer_value(json_object_get(v, "message_id"));
		ck_assert(u == m1 || u == m2);
		ck_assert_ptr_nonnull(strstr(json_string_value(
		    json_object_get(v, "text")), "claimed by Counsellor One"));
		ck_assert_ptr_null(json_object_get(v, "reply_markup"));
		json_decref(v);
		botapi_call_clear(&c);
	}

	/*
	 * The link signs her in once and opens the request: the page posts
	 * the secret of its fragment, as JSON only.
	 */
	link = private_link(TG_C1, 5000);
	ck_assert_int_eq(strlen(link), 43);
	ck_assert_int_ne(asprintf(&loc, "{\"t\": \"%s\"}", link), -1);
	ck_assert_int_eq(harness_request_port(api_port, "GET",
	    "/console/link", NULL, NULL, 0, NULL, &rep), 0);
	ck_assert_int_eq(rep.status, 405);
	harness_reply_clear(&rep);
	ck_assert_int_eq(harness_request_port(api_port, "POST",
	    "/console/link", FORM_CT, loc, strlen(loc), NULL, &rep), 0);
	ck_assert_int_eq(rep.status, 415);
	harness_reply_clear(&rep);
	ck_assert_int_eq(harness_request_port(api_port, "POST",
	    "/console/link", JSON_CT, loc, strlen(loc), NULL, &rep), 0);
	ck_assert_int_eq(rep.status, 200);
	v = json_loads(rep.body, 0, NULL);
	ck_assert_str_eq(json_string_value(json_object_get(v, "id")), "c1");
	ck_assert_str_eq(json_string_value(json_object_get(v, "ref")), ref);
	ck_assert_int_eq(strlen(json_string_value(json_object_get(v,
	    "csrf"))), 43);
	json_decref(v);
	cookie = harness_reply_header(&rep, "Set-Cookie");
	ck_assert_ptr_nonnull(cookie);
	ck_assert_ptr_nonnull(strstr(cookie, "HttpOnly"));
	ck_assert_ptr_nonnull(strstr(cookie, "SameSite=Strict"));
	cookie[strcspn(cookie, ";")] = '\0';
	harness_reply_clear(&rep);
	ck_assert_int_ne(asprintf(&text, "Cookie: %s", cookie), -1);
	hdr[0] = text;
	snprintf(ch, sizeof(ch), "/api/requests/%s", ref);
	ck_assert_int_eq(harness_request_port(api_port, "GET", ch, NULL, NULL,
	    0, hdr, &rep), 0);
	ck_assert_int_eq(rep.status, 200);
	ck_assert_ptr_nonnull(strstr(rep.body, PHONE));
	harness_reply_clear(&rep);
	free(text);
	free(cookie);
	/* Used once: the second time it signs nobody in. */
	ck_assert_int_eq(harness_request_port(api_port, "POST",
	    "/console/link", JSON_CT, loc, strlen(loc), NULL, &rep), 0);
	ck_assert_int_eq(rep.status, 410);
	ck_assert_ptr_null(harness_reply_header(&rep, "Set-Cookie"));
	harness_reply_clear(&rep);
	free(loc);
	free(link);

	/* A sign-in posted as a form (as another site could) is refused. */
	ck_assert_int_eq(harness_request_port(api_port, "POST",
	    "/console/signin", FORM_CT, form, strlen(form), NULL, &rep), 0);
	ck_assert_int_eq(rep.status, 415);
	ck_assert_ptr_null(harness_reply_header(&rep, "Set-Cookie"));
	harness_reply_clear(&rep);

	no_number_sent();
	free(ref);
}
END_TEST

/*
 * 2. Presses that must not claim: a stranger in the group, a counsellor
 * not on duty, a button that is not ours. Each is answered; the request
 * stays unclaimed. A supervisor may claim.
 */
START_TEST(test_press_refused)
{
	struct harness_reply	 rep;
	char			*ref, *text, ch[64];
	long long		 u;

	start_tg(0);
	ref = urgent_request("tg-2", PHONE);
	wait_calls("sendMessage", 2, 5000);
	snprintf(ch, sizeof(ch), "claim:%s", ref);
	u = botapi_press(bot, TG_STRANGER, "Stranger", GROUP, alert_id(0), ch);
	text = answer_to(u, 5000);
	ck_assert_msg(strstr(text, "not on this hotline's roster") != NULL,
	    "%s", text);
	free(text);
	u = botapi_press(bot, TG_C3, "Three", GROUP, alert_id(0), ch);
	text = answer_to(u, 5000);
	ck_assert_msg(strstr(text, "not on duty") != NULL, "%s", text);
	free(text);
	u = botapi_press(bot, TG_C1, "One", GROUP, alert_id(0), "steal:X");
	text = answer_to(u, 5000);
	ck_assert_msg(strstr(text, "not hotlined's") != NULL, "%s", text);
	free(text);
	u = botapi_press(bot, TG_C1, "One", GROUP, alert_id(0),
	    "claim:NOSUCH1");
	text = answer_to(u, 5000);
	ck_assert_msg(strstr(text, "No such request") != NULL, "%s", text);
	free(text);
	expect_state(ref, "alerted", NULL);
	ck_assert_int_eq(botapi_count(bot, "editMessageText"), 0);
	/* A supervisor is not on a shift, and may claim. */
	u = botapi_press(bot, TG_S1, "Sup", GROUP, alert_id(0), ch);
	text = answer_to(u, 5000);
	ck_assert_msg(strstr(text, "Claimed") != NULL, "%s", text);
	free(text);
	expect_state(ref, "claimed", "s1");
	no_number_sent();
	/* Polling: there is no webhook to post presses to. */
	ck_assert_int_eq(harness_request_port(api_port, "POST",
	    "/telegram/webhook", JSON_CT, "{}", 2, NULL, &rep), 0);
	ck_assert_int_eq(rep.status, 404);
	harness_reply_clear(&rep);
	free(ref);
}
END_TEST

/*
 * 3. Two counsellors press Claim at once (one poll brings both): exactly
 * one claim; the other is told who has it. A claim made in the console or
 * the API afterwards loses too, and a later press is told the same.
 */
START_TEST(test_race)
{
	json_t		*v;
	char		*ref, *t1, *t2, ch[64];
	long long	 u1, u2;
	int		 one;

	start_tg(0);
	ref = urgent_request("tg-3", PHONE);
	wait_calls("sendMessage", 2, 5000);
	snprintf(ch, sizeof(ch), "claim:%s", ref);
	u1 = botapi_press(bot, TG_C1, "One", GROUP, alert_id(0), ch);
	u2 = botapi_press(bot, TG_C2, "Two", GROUP, alert_id(1), ch);
	t1 = answer_to(u1, 5000);
	t2 = answer_to(u2, 5000);
	one = strstr(t1, "Claimed") != NULL;
	ck_assert_msg(one != (strstr(t2, "Claimed") != NULL), "%s / %s", t1,
	    t2);
	ck_assert_ptr_nonnull(strstr(one ? t2 : t1, one ? "Already claimed "
	    "by Counsellor One" : "Already claimed by Counsellor Two"));
	expect_state(ref, "claimed", one ? "c1" : "c2");
	ck_assert_int_eq(db_int("SELECT count(*) FROM history WHERE event = "
	    "'claimed'"), 1);
	/* The API's claim is the same claim. */
	v = api_post(ref, "claim", one ? TOK_C2 : TOK_C1, NULL, 409);
	json_decref(v);
	free(t1);
	free(t2);
	free(ref);
}
END_TEST

/*
 * 4. A claim made through the API edits the Telegram alerts too, and a
 * press after it is told who has it.
 */
START_TEST(test_api_claim_edits)
{
	json_t		*v;
	char		*ref, *text, ch[64];
	long long	 u;

	start_tg(0);
	ref = urgent_request("tg-4", PHONE);
	wait_calls("sendMessage", 2, 5000);
	v = api_post(ref, "claim", TOK_C2, NULL, 200);
	json_decref(v);
	wait_calls("editMessageText", 2, 5000);
	snprintf(ch, sizeof(ch), "claim:%s", ref);
	u = botapi_press(bot, TG_C1, "One", GROUP, alert_id(0), ch);
	text = answer_to(u, 5000);
	ck_assert_msg(strstr(text, "Already claimed by Counsellor Two") !=
	    NULL, "%s", text);
	free(text);
	expect_state(ref, "claimed", "c2");
	free(ref);
}
END_TEST

/*
 * 5. getUpdates fails (502, three times): the poller backs off,
 * says so once, recovers, and a press made meanwhile is handled. The
 * offset it confirmed survives a restart: the first poll after it asks
 * for the update after the last one handled, and nothing is handled
 * twice.
 */
START_TEST(test_poller_recovers)
{
	struct botapi_call	 c;
	char			*ref, *text, ch[64];
	long long		 u, since;
	size_t			 n, i;

	bot = botapi_start(BOT_TOKEN);
	ck_assert_ptr_nonnull(bot);
	botapi_fail_updates(bot, 3, 502);
	{
		struct cb_opts	 o;

		memset(&o, 0, sizeof(o));
		o.escalate = 600;
		o.retry = 1;
		o.prepare = prepare;
		webhook_mode = 0;
		start(&o);
	}
	ref = urgent_request("tg-5", PHONE);
	wait_calls("sendMessage", 2, 5000);
	snprintf(ch, sizeof(ch), "claim:%s", ref);
	u = botapi_press(bot, TG_C1, "One", GROUP, alert_id(0), ch);
	text = answer_to(u, 15000);
	ck_assert_msg(strstr(text, "Claimed") != NULL, "%s", text);
	free(text);
	ck_assert_int_eq(harness_log_count(h, "telegram: getUpdates failed "
	    "(HTTP 502)"), 1);
	ck_assert_int_eq(harness_wait_log(h, "telegram: getUpdates works "
	    "again after 3 failures", 1, 2000), 0);

	/* Restart: the offset asked for first is the one after u. */
	stop_daemon();
	since = botapi_count(bot, "getUpdates");
	launch();
	wait_calls("getUpdates", (size_t)since + 1, 5000);
	c = call("getUpdates", (size_t)since);
	ck_assert_int_eq(c.offset, u + 1);
	botapi_call_clear(&c);
	harness_sleep_ms(1500);
	n = botapi_count(bot, "answerCallbackQuery");
	for (i = 0; i < n; i++) {
		c = call("answerCallbackQuery", i);
		ck_assert_ptr_null(strstr(c.body, "Already"));
		botapi_call_clear(&c);
	}
	ck_assert_int_eq(n, 1);
	free(ref);
}
END_TEST

/*
 * 6. Webhook mode: no polling; a POST to /telegram/webhook without the
 * secret token, or with a wrong one, is refused; with it, the press is
 * handled, and the same update delivered again is handled once.
 */
START_TEST(test_webhook)
{
	struct harness_reply	 rep;
	const char		*hdr[2] = { NULL, NULL };
	char			*ref, *body, *text, ch[64];

	start_tg(1);
	ref = urgent_request("tg-6", PHONE);
	wait_calls("sendMessage", 2, 5000);
	ck_assert_int_eq(botapi_count(bot, "getUpdates"), 0);
	snprintf(ch, sizeof(ch), "claim:%s", ref);
	ck_assert_int_ne(asprintf(&body, "{\"update_id\": 5001, "
	    "\"callback_query\": {\"id\": \"q-5001\", \"from\": {\"id\": 111, "
	    "\"is_bot\": false, \"first_name\": \"One\"}, \"message\": "
	    "{\"message_id\": %lld, \"chat\": {\"id\": -100500}}, "
	    "\"chat_instance\": \"1\", \"data\": \"%s\"}}", alert_id(0), ch),
	    -1);
	ck_assert_int_eq(harness_request_port(api_port, "POST",
	    "/telegram/webhook", JSON_CT, body, strlen(body), NULL, &rep), 0);
	ck_assert_int_eq(rep.status, 401);
	harness_reply_clear(&rep);
	hdr[0] = "X-Telegram-Bot-Api-Secret-Token: hook-secret-0123456789_ABD";
	ck_assert_int_eq(harness_request_port(api_port, "POST",
	    "/telegram/webhook", JSON_CT, body, strlen(body), hdr, &rep), 0);
	ck_assert_int_eq(rep.status, 401);
	harness_reply_clear(&rep);
	expect_state(ref, "alerted", NULL);
	hdr[0] = "X-Telegram-Bot-Api-Secret-Token: " HOOK_SECRET;
	/* The right secret, but no update in the body, or the wrong method. */
	ck_assert_int_eq(harness_request_port(api_port, "POST",
	    "/telegram/webhook", JSON_CT, "{\"update_id\":", 13, hdr, &rep),
	    0);
	ck_assert_int_eq(rep.status, 400);
	harness_reply_clear(&rep);
	ck_assert_int_eq(harness_request_port(api_port, "GET",
	    "/telegram/webhook", NULL, NULL, 0, hdr, &rep), 0);
	ck_assert_int_eq(rep.status, 405);
	harness_reply_clear(&rep);
	ck_assert_int_eq(botapi_count(bot, "answerCallbackQuery"), 0);
	ck_assert_int_eq(harness_request_port(api_port, "POST",
	    "/telegram/webhook", JSON_CT, body, strlen(body), hdr, &rep), 0);
	ck_assert_int_eq(rep.status, 200);
	harness_reply_clear(&rep);
	wait_calls("answerCallbackQuery", 1, 5000);
	ck_assert_int_eq(harness_request_port(api_port, "POST",
	    "/telegram/webhook", JSON_CT, body, strlen(body), hdr, &rep), 0);
	ck_assert_int_eq(rep.status, 200);
	harness_reply_clear(&rep);
	expect_state(ref, "claimed", "c1");
	harness_sleep_ms(300);
	ck_assert_int_eq(botapi_count(bot, "answerCallbackQuery"), 1);
	{
		struct botapi_call	 c = call("answerCallbackQuery", 0);

		text = strstr(c.body, "Claimed");
		ck_assert_ptr_nonnull(text);
		botapi_call_clear(&c);
	}
	ck_assert_int_eq(botapi_count(bot, "getUpdates"), 0);
	free(body);
	free(ref);
}
END_TEST

static Suite *
telegram_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("telegram");
	tc = tcase_create("telegram");
	tcase_add_checked_fixture(tc, setup, tg_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_claim_press);
	tcase_add_test(tc, test_press_refused);
	tcase_add_test(tc, test_race);
	tcase_add_test(tc, test_api_claim_edits);
	tcase_add_test(tc, test_poller_recovers);
	tcase_add_test(tc, test_webhook);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return flow_run("check_telegram", telegram_suite());
}
