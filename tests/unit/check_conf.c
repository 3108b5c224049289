/* SPDX-License-Identifier: ISC */
/*
 * check_conf: the configuration loader. The shipped sample and the test
 * fixture load; each kind of mistake is reported with its location, all at
 * once; defaults apply; secrets in files must be private; channel routing
 * by path and path token; reference counting keeps a conf alive; the
 * console block and how Telegram button presses arrive.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "admin.h"
#include "channel.h"
#include "conf.h"
#include "diag.h"
#include "notify.h"
#include "notify_telegram.h"
#include "phone.h"
#include "sms_conf.h"
#include "testutil.h"

#define MENU_OK \
	"{\"start\": \"main\", \"strings\": {\n" \
	"\"invalid\": {\"km\": \"ខុស\", \"en\": \"Invalid.\"},\n" \
	"\"more\": {\"km\": \"បន្ទាប់\", \"en\": \"More\"},\n" \
	"\"back\": {\"km\": \"ថយក្រោយ\", \"en\": \"Back\"},\n" \
	"\"comment\": \"the quick exit's text is in hotlined.conf\",\n" \
	"\"expired\": {\"km\": \"ម្តងទៀត។\", \"en\": \"Again.\"}},\n" \
	"\"nodes\": {\"main\": {\"type\": \"menu\", \"text\": {\"km\": \"ក\", " \
	"\"en\": \"A\"}, \"options\": [{\"key\": \"1\", \"label\": " \
	"{\"km\": \"ក\", \"en\": \"A\"}, \"next\": \"a\"}]},\n" \
	"\"a\": {\"type\": \"end\", \"text\": {\"km\": \"ក\", \"en\": \"A\"}}}}\n"

static struct diag	*d;
static const char	*dir;

/* A temporary directory holding a valid menu, and a problem list. */
static void
setup(void)
{
	d = diag_new();
	dir = tu_tmpdir();
	free(tu_write(dir, "menus/m.json", MENU_OK));
}

/* Free the list and remove the files. */
static void
teardown(void)
{
	diag_free(d);
	tu_cleanup();
}

/* Write a configuration and load it. */
static struct conf *
load(const char *text)
{
	char		*path;
	struct conf	*c;

	path = tu_write(dir, "h.conf", text);
	c = conf_load(path, d, NULL);
	free(path);
	return c;
}

/* The Telegram bot's settings in c. */
static const struct notify_telegram_bot *
bot(const struct conf *c)
{
	return notify_conf_state(conf_notify(c), &notify_telegram);
}

/* A configuration that must be refused with a problem containing needle. */
static void
refused(const char *text, const char *needle)
{
	struct conf	*c = load(text);

	ck_assert_msg(c == NULL, "accepted; expected \"%s\"", needle);
	ck_assert_msg(tu_diag_has(d, needle), "expected \"%s\", got:\n%s",
	    needle, tu_diag_all(d));
}

/* Every header reads as arg (a token, or NULL). */
static const char *
any_header(void *arg, const char *name)
{
	(void)name;
	return arg;
}

#define CH_AT "{\"name\": \"at\", \"type\": \"africastalking\", " \
	"\"path\": \"/ussd/at\"}"

/* The shipped sample and the integration fixture load. */
START_TEST(test_shipped)
{
	struct conf	*c;
	char		 path[1024];
	const char	*top = getenv("TOP_SRCDIR");

	snprintf(path, sizeof(path), "%s/conf/hotlined.conf",
	    top != NULL ? top : ".");
	c = conf_load(path, d, NULL);
	ck_assert_msg(c != NULL, "%s", tu_diag_all(d));
	ck_assert_uint_eq(conf_nchannels(c), 8);
	ck_assert_str_eq(conf_language(c, 0), "km");
	ck_assert_int_eq(conf_listen(c)->port, 8080);
	conf_unref(c);
	c = conf_load(tu_data("ussd/hotlined.conf"), d, NULL);
	ck_assert_msg(c != NULL, "%s", tu_diag_all(d));
	ck_assert_uint_eq(conf_nchannels(c), 5);
	conf_unref(c);
}
END_TEST

/* Defaults fill what the file leaves out. */
START_TEST(test_defaults)
{
	struct conf	*c;

	c = load("{\"menus\": {\"main\": \"menus/m.json\"}, "
	    "\"channels\": [" CH_AT "]}");
	ck_assert_msg(c != NULL, "%s", tu_diag_all(d));
	ck_assert_str_eq(conf_listen(c)->address, "127.0.0.1");
	ck_assert_int_eq(conf_listen(c)->port, 8080);
	ck_assert_uint_eq(conf_listen(c)->max_body, 16384);
	ck_assert_uint_eq(conf_listen(c)->max_conns, 512);
	ck_assert_int_eq(conf_listen(c)->deadline, 10);
	ck_assert_uint_eq(conf_api(c)->max_conns, 256);
	ck_assert_int_eq(conf_api(c)->deadline, 10);
	ck_assert_int_eq(conf_session(c)->idle_timeout, 60);
	ck_assert_int_eq(conf_session(c)->max_duration, 300);
	ck_assert_str_eq(conf_keys(c)->exit, "99");
	ck_assert_str_eq(conf_keys(c)->more, "98");
	ck_assert_uint_eq(channel_limits(conf_channel_at(c, 0))->gsm7, 182);
	ck_assert_uint_eq(channel_limits(conf_channel_at(c, 0))->ucs2, 80);
	ck_assert_ptr_nonnull(channel_menu(conf_channel_at(c, 0)));
	/* References: the last unref frees (checked under ASan). */
	conf_ref(c);
	conf_unref(c);
	ck_assert_int_eq(conf_refs(c), 1);
	conf_unref(c);
}
END_TEST

/* The connection limits: both listeners' caps, one deadline, ranges. */
START_TEST(test_connection_limits)
{
	struct conf	*c;

	c = load("{\"menus\": {\"main\": \"menus/m.json\"}, "
	    "\"listen\": {\"max_connections\": 3000}, \"api\": "
	    "{\"max_connections\": 40}, \"limits\": "
	    "{\"request_deadline\": 4}, \"channels\": [" CH_AT "]}");
	ck_assert_msg(c != NULL, "%s", tu_diag_all(d));
	ck_assert_uint_eq(conf_listen(c)->max_conns, 3000);
	ck_assert_uint_eq(conf_api(c)->max_conns, 40);
	ck_assert_int_eq(conf_listen(c)->deadline, 4);
	ck_assert_int_eq(conf_api(c)->deadline, 4);
	conf_unref(c);
	refused("{\"menus\": {\"main\": \"menus/m.json\"}, "
	    "\"listen\": {\"max_connections\": 1}, \"limits\": "
	    "{\"request_deadline\": 0}, \"channels\": [" CH_AT "]}",
	    "/listen/max_connections: must be within 2..65536");
	ck_assert(tu_diag_has(d, "/limits/request_deadline: must be within "
	    "1..600"));
}
END_TEST

/*
 * The rate limits: defaults, values, 0 for off, ranges; the old
 * sms.per_number read as limits.per_number with a warning, or ignored
 * (warned) beside it.
 */
START_TEST(test_rate_limits)
{
	const struct conf_per_number	*pn;
	struct conf			*c;
	size_t				 n;

	c = load("{\"menus\": {\"main\": \"menus/m.json\"}, "
	    "\"channels\": [" CH_AT "]}");
	ck_assert_msg(c != NULL, "%s", tu_diag_all(d));
	ck_assert_uint_eq(conf_listen(c)->per_second, 500);
	ck_assert_uint_eq(conf_listen(c)->burst, 1000);
	ck_assert_uint_eq(conf_api(c)->per_second, 50);
	ck_assert_uint_eq(conf_api(c)->burst, 100);
	pn = conf_per_number(c);
	ck_assert_uint_eq(pn->requests, 20);
	ck_assert_uint_eq(pn->minutes, 10);
	ck_assert_uint_eq(pn->block_minutes, 60);
	/* The channel's own warning (no token) only. */
	ck_assert_uint_eq(diag_warnings(d), 1);
	conf_unref(c);

	c = load("{\"menus\": {\"main\": \"menus/m.json\"}, \"limits\": "
	    "{\"per_source\": {\"per_second\": 0}, \"api_per_source\": "
	    "{\"per_second\": 7, \"burst\": 9}, \"per_number\": "
	    "{\"requests\": 5, \"minutes\": 2, \"block_minutes\": 0}}, "
	    "\"channels\": [" CH_AT "]}");
	ck_assert_msg(c != NULL, "%s", tu_diag_all(d));
	ck_assert_uint_eq(conf_listen(c)->per_second, 0);
	ck_assert_uint_eq(conf_listen(c)->burst, 1000);
	ck_assert_uint_eq(conf_api(c)->per_second, 7);
	ck_assert_uint_eq(conf_api(c)->burst, 9);
	pn = conf_per_number(c);
	ck_assert_uint_eq(pn->requests, 5);
	ck_assert_uint_eq(pn->minutes, 2);
	ck_assert_uint_eq(pn->block_minutes, 0);
	conf_unref(c);

	/* The old key alone: read as the new one, with a warning. */
	n = diag_warnings(d);
	c = load("{\"menus\": {\"main\": \"menus/m.json\"}, \"sms\": "
	    "{\"per_number\": {\"messages\": 3, \"minutes\": 4, "
	    "\"block_minutes\": 5}}, \"channels\": [" CH_AT "]}");
	ck_assert_msg(c != NULL, "%s", tu_diag_all(d));
	pn = conf_per_number(c);
	ck_assert_uint_eq(pn->requests, 3);
	ck_assert_uint_eq(pn->minutes, 4);
	ck_assert_uint_eq(pn->block_minutes, 5);
	ck_assert_uint_eq(diag_warnings(d), n + 2);
	ck_assert_msg(strstr(diag_warning(d, n + 1), "/sms/per_number") !=
	    NULL && strstr(diag_warning(d, n + 1), "deprecated: read as "
	    "limits.per_number") != NULL, "%s", diag_warning(d, n + 1));
	conf_unref(c);

	/* Both: the new one wins, the old one is warned about. */
	n = diag_warnings(d);
	c = load("{\"menus\": {\"main\": \"menus/m.json\"}, \"sms\": "
	    "{\"per_number\": {\"messages\": 3}}, \"limits\": "
	    "{\"per_number\": {\"requests\": 8}}, "
	    "\"channels\": [" CH_AT "]}");
	ck_assert_msg(c != NULL, "%s", tu_diag_all(d));
	ck_assert_uint_eq(conf_per_number(c)->requests, 8);
	ck_assert_uint_eq(diag_warnings(d), n + 2);
	ck_assert(strstr(diag_warning(d, n + 1), "deprecated and ignored") !=
	    NULL);
	conf_unref(c);

	refused("{\"menus\": {\"main\": \"menus/m.json\"}, \"limits\": "
	    "{\"per_source\": {\"burst\": 0}, \"per_number\": "
	    "{\"minutes\": 0}}, \"channels\": [" CH_AT "]}",
	    "/limits/per_source/burst: must be within 1..1000000");
	ck_assert(tu_diag_has(d, "/limits/per_number/minutes: must be within "
	    "1..1440"));
}
END_TEST

/* Syntax errors give file:line:col. */
START_TEST(test_syntax)
{
	refused("{\n\"menus\": {\"main\": \"menus/m.json\"},\n"
	    "\"channels\": [" CH_AT "],\n}\n", "h.conf:4:1:");
}
END_TEST

/* Unknown keys, wrong types and ranges: all reported, each located. */
START_TEST(test_schema)
{
	refused("{\n\"menus\": {\"main\": \"menus/m.json\"},\n"
	    "\"listen\": {\"port\": 70000, \"adress\": \"x\"},\n"
	    "\"session\": {\"idle_timeout\": \"60\"},\n"
	    "\"channels\": [" CH_AT "]\n}\n",
	    "h.conf:3:20: /listen/port: must be within 0..65535");
	ck_assert(tu_diag_has(d, "h.conf:3:27: /listen/adress: unknown key "
	    "\"adress\""));
	ck_assert(tu_diag_has(d, "/session/idle_timeout: must be an "
	    "integer"));
	ck_assert_uint_eq(diag_count(d), 3);
}
END_TEST

/* Required keys, choices and cross-checks. */
START_TEST(test_semantics)
{
	refused("{\"channels\": [" CH_AT "]}", "missing \"menus\"");
	diag_free(d);
	d = diag_new();
	refused("{\"menus\": {\"main\": \"menus/m.json\"}, \"channels\": ["
	    "{\"name\": \"x\", \"type\": \"smpp\", \"path\": \"/u\"}]}",
	    "/channels/0/type: must be one of africastalking|generic|kannel|"
	    "oneapi|twilio|africastalking_sms|vonage|infobip|plasgate|"
	    "generic_sms");
	diag_free(d);
	d = diag_new();
	refused("{\"menus\": {\"main\": \"menus/m.json\"}, \"channels\": ["
	    CH_AT ", " CH_AT "]}", "duplicate channel name \"at\"");
	ck_assert(tu_diag_has(d, "duplicate channel path \"/ussd/at\""));
	diag_free(d);
	d = diag_new();
	refused("{\"menus\": {\"main\": \"menus/m.json\"}, \"channels\": ["
	    "{\"name\": \"at\", \"type\": \"africastalking\", \"path\": "
	    "\"/u/\", \"menu\": \"other\"}]}",
	    "no menu tree called \"other\"");
	ck_assert(tu_diag_has(d, "path must look like"));
	diag_free(d);
	d = diag_new();
	refused("{\"menus\": {\"main\": \"menus/m.json\"}, \"keys\": "
	    "{\"main\": \"0\"}, \"channels\": [" CH_AT "]}",
	    "/keys/main: key \"0\" is also the back key");
	diag_free(d);
	d = diag_new();
	refused("{\"menus\": {\"main\": \"menus/m.json\"}, \"session\": "
	    "{\"idle_timeout\": 600, \"max_duration\": 300}, "
	    "\"channels\": [" CH_AT "]}", "must not exceed max_duration");
}
END_TEST

/* 183 septets: one more than a GSM-7 screen. */
#define X10	"xxxxxxxxxx"
#define X183	X10 X10 X10 X10 X10 X10 X10 X10 X10 X10 X10 X10 X10 X10 X10 \
		X10 X10 X10 "xxx"

/* The busy and quick-exit END texts must fit one screen of every channel. */
START_TEST(test_end_texts)
{
	struct conf	*c;

	refused("{\"menus\": {\"main\": \"menus/m.json\"}, \"session\": "
	    "{\"busy_text\": \"" X183 "\"}, "
	    "\"channels\": [" CH_AT "]}", "/session/busy_text: 183 GSM-7 "
	    "units, over the one-screen limit of 182 of channel \"at\"");
	diag_free(d);
	d = diag_new();
	refused("{\"menus\": {\"main\": \"menus/m.json\"}, \"exit_text\": "
	    "\"" X183 "\", \"channels\": [" CH_AT "]}",
	    "the quick exit text (exit_text) is 183 GSM-7 units, over the "
	    "one-screen limit of 182");
	diag_free(d);
	d = diag_new();
	refused("{\"menus\": {\"main\": \"menus/m.json\"}, \"exit_text\": "
	    "\"\", \"channels\": [" CH_AT "]}", "/exit_text");

	/* Accepted, with a warning: an AT channel without a token. */
	diag_free(d);
	d = diag_new();
	c = load("{\"menus\": {\"main\": \"menus/m.json\"}, \"exit_text\": "
	    "\"OK.\", \"session\": {\"busy_text\": \"Busy.\"}, "
	    "\"channels\": [" CH_AT "]}");
	ck_assert_msg(c != NULL, "%s", tu_diag_all(d));
	ck_assert_str_eq(conf_exit_text(c), "OK.");
	ck_assert_str_eq(conf_session(c)->busy_text, "Busy.");
	ck_assert_uint_eq(diag_warnings(d), 1);
	ck_assert_ptr_nonnull(strstr(diag_warning(d, 0), "channel \"at\" has "
	    "no token: Africa's Talking signs nothing"));
	conf_unref(c);
}
END_TEST

/* Generic channels need a mapping; AT channels refuse one. */
START_TEST(test_generic)
{
	refused("{\"menus\": {\"main\": \"menus/m.json\"}, \"channels\": ["
	    "{\"name\": \"g\", \"type\": \"generic\", \"path\": \"/g\"}]}",
	    "a generic channel needs \"request\"");
	diag_free(d);
	d = diag_new();
	refused("{\"menus\": {\"main\": \"menus/m.json\"}, \"channels\": ["
	    "{\"name\": \"g\", \"type\": \"generic\", \"path\": \"/g\", "
	    "\"request\": {\"session_id\": \"cookie:s\", \"phone\": \"p\", "
	    "\"input\": \"i\", \"new_session\": \"field\"}}]}",
	    "\"cookie:s\" is not [body:|query:|header:]name");
	ck_assert(tu_diag_has(d, "needs new_session_field and "
	    "new_session_value"));
	diag_free(d);
	d = diag_new();
	refused("{\"menus\": {\"main\": \"menus/m.json\"}, \"channels\": ["
	    "{\"name\": \"at\", \"type\": \"africastalking\", \"path\": "
	    "\"/a\", \"reply\": {}}]}",
	    "\"reply\" is for generic channels only");
	diag_free(d);
	d = diag_new();
	refused("{\"menus\": {\"main\": \"menus/m.json\"}, \"channels\": ["
	    "{\"name\": \"g\", \"type\": \"generic\", \"path\": \"/g\", "
	    "\"request\": {\"method\": \"GET\", \"body\": \"json\", "
	    "\"session_id\": \"s\", \"phone\": \"p\", \"input\": \"i\"}}]}",
	    "a GET request has no JSON body");
	diag_free(d);
	d = diag_new();
	refused("{\"menus\": {\"main\": \"menus/m.json\"}, \"channels\": ["
	    "{\"name\": \"g\", \"type\": \"generic\", \"path\": \"/g\", "
	    "\"request\": {\"session_id\": \"s\", \"phone\": \"p\", "
	    "\"input\": \"i\", \"new_session_value\": \"b\", "
	    "\"end_session_value\": \"e\"}, \"reply\": {\"format\": "
	    "\"json\", \"text_field\": \"t\", \"action_field\": \"t\"}}]}",
	    "new_session_field and new_session_value need new_session "
	    "\"field\"");
	ck_assert(tu_diag_has(d, "end_session_value needs new_session"));
	ck_assert(tu_diag_has(d, "/channels/0/reply: text_field and "
	    "action_field must differ"));
}
END_TEST

/* One mistake is reported once, without follow-on noise. */
START_TEST(test_no_follow_on)
{
	refused("{\"menus\": {\"main\": \"menus/m.json\"}, \"session\": "
	    "{\"idle_timeout\": 1}, \"channels\": [" CH_AT "]}",
	    "/session/idle_timeout: must be within 5..3600");
	ck_assert_msg(diag_count(d) == 1, "%s", tu_diag_all(d));
}
END_TEST

/* A secret in a file readable by others is refused; a private one loads. */
START_TEST(test_token_file)
{
	struct conf	*c;
	char		*p;
	const char	*tok;
	int		 nt;
	const char	*conf = "{\"menus\": {\"main\": \"menus/m.json\"}, "
	    "\"channels\": [{\"name\": \"at\", \"type\": \"africastalking\", "
	    "\"path\": \"/a\", \"token_file\": \"secret\", \"token_in\": "
	    "\"path\"}]}";

	/* A directory is no secret file. */
	free(tu_write(dir, "secret.d/x", ""));
	refused("{\"menus\": {\"main\": \"menus/m.json\"}, \"channels\": "
	    "[{\"name\": \"at\", \"type\": \"africastalking\", \"path\": "
	    "\"/a\", \"token_file\": \"secret.d\"}]}",
	    "secret.d is not a regular file");
	diag_free(d);
	d = diag_new();
	p = tu_write(dir, "secret", "abcdefghijklmnopqrstuvwxyz012345\n");
	chmod(p, 0644);
	refused(conf, "must not be readable by group or others");
	chmod(p, 0600);
	diag_free(d);
	d = diag_new();
	c = load(conf);
	ck_assert_msg(c != NULL, "%s", tu_diag_all(d));
	/* The token is the file's line, presented in the path only. */
	ck_assert(channel_match(conf_channel_at(c, 0),
	    "/a/abcdefghijklmnopqrstuvwxyz012345", &tok, &nt));
	ck_assert_str_eq(tok, "abcdefghijklmnopqrstuvwxyz012345");
	ck_assert(channel_authorised(conf_channel_at(c, 0), tok, 0, any_header,
	    NULL));
	ck_assert(!channel_authorised(conf_channel_at(c, 0),
	    "abcdefghijklmnopqrstuvwxyz01234", 0, any_header, NULL));
	ck_assert(!channel_authorised(conf_channel_at(c, 0),
	    "abcdefghijklmnopqrstuvwxyz0123456", 0, any_header, NULL));
	ck_assert(!channel_authorised(conf_channel_at(c, 0), NULL, 0, any_header,
	    "abcdefghijklmnopqrstuvwxyz012345"));
	conf_unref(c);
	free(p);
}
END_TEST

/* Menu problems surface through the configuration load. */
START_TEST(test_menu_problems)
{
	free(tu_write(dir, "menus/bad.json", "{\"start\": \"main\",\n\"x\"\n"));
	refused("{\"menus\": {\"main\": \"menus/bad.json\"}, "
	    "\"channels\": [" CH_AT "]}",
	    "/menus/bad.json:3:0: ':' expected near end of file");
}
END_TEST

/* Paths route to channels; path tokens are split off; AT notices. */
START_TEST(test_routing)
{
	struct conf		*c;
	const char		*tok;
	int			 nt;

	c = conf_load(tu_data("ussd/hotlined.conf"), d, NULL);
	ck_assert_msg(c != NULL, "%s", tu_diag_all(d));
	ck_assert_str_eq(channel_name(conf_channel_for(c,
	    "/ussd/africastalking", &tok, &nt)), "at");
	ck_assert_ptr_null(tok);
	ck_assert_int_eq(nt, 0);
	ck_assert_ptr_null(conf_channel_for(c, "/ussd/africastalkingx",
	    &tok, &nt));
	ck_assert_ptr_null(conf_channel_for(c, "/ussd", &tok, &nt));
	ck_assert_str_eq(channel_name(conf_channel_for(c, "/ussd/gjson/abc",
	    &tok, &nt)), "gjson");
	ck_assert_str_eq(tok, "abc");
	ck_assert_ptr_null(conf_channel_for(c, "/ussd/gjson/a/b", &tok, &nt));
	ck_assert_ptr_null(conf_channel_for(c, "/ussd/africastalking/x",
	    &tok, &nt));
	/* The end-of-session notices of an AT channel; none for others. */
	ck_assert_str_eq(channel_name(conf_channel_for(c,
	    "/ussd/africastalking/end", &tok, &nt)), "at");
	ck_assert_int_eq(nt, 1);
	ck_assert_ptr_null(tok);
	ck_assert_ptr_null(conf_channel_for(c, "/ussd/gform/end", &tok, &nt));
	ck_assert_ptr_null(conf_channel_for(c, "/ussd/gjson/abc/end", &tok,
	    &nt));
	conf_unref(c);
}
END_TEST

/* Callback menus need a roster; the test clock must be an instant. */
START_TEST(test_services)
{
	struct conf	*c;
	char		*p;
	char		 conf[2048];
	const char	*roster;

	/* The fixture's callback tree, copied beside this config. */
	{
		FILE	*in = fopen(tu_data("callback/menus/cb.json"), "r");
		char	 buf[16384];
		size_t	 n;

		ck_assert_ptr_nonnull(in);
		n = fread(buf, 1, sizeof(buf) - 1, in);
		buf[n] = '\0';
		fclose(in);
		free(tu_write(dir, "menus/cb.json", buf));
	}
	snprintf(conf, sizeof(conf), "{\"languages\": [\"en\", \"km\"], "
	    "\"menus\": {\"main\": \"menus/cb.json\"}, \"clock_start\": "
	    "\"2026-02-30T10:00:00+07:00\", \"channels\": [" CH_AT "]}");
	refused(conf, "a menu has a callback node: \"roster\" is needed");
	ck_assert(tu_diag_has(d, "/clock_start: not an instant like"));

	roster = "{\"people\": [{\"id\": \"c1\", \"name\": \"C\", "
	    "\"role\": \"counsellor\", \"token\": "
	    "\"token-c1-0123456789abcdefghij\", \"alerts\": [{\"type\": "
	    "\"telegram\", \"chat_id\": \"-100\"}]}, {\"id\": \"s1\", "
	    "\"name\": \"S\", \"role\": \"supervisor\", \"alerts\": "
	    "[{\"type\": \"telegram\", \"chat_id\": \"-200\"}]}], "
	    "\"shifts\": [{\"who\": \"c1\", \"days\": [\"mon\"], "
	    "\"start\": \"08:00\", \"end\": \"17:00\"}], \"holidays\": []}";
	free(tu_write(dir, "roster.json", roster));
	/* Telegram alerts without the bot token are found by -t. */
	refused("{\"languages\": [\"en\", \"km\"], \"menus\": {\"main\": "
	    "\"menus/cb.json\"}, \"roster\": \"roster.json\", "
	    "\"channels\": [" CH_AT "]}", "/roster: the roster sends Telegram "
	    "alerts: set notify.telegram_token_file");
	p = tu_write(dir, "tg", "123456:ABCdefGHIjklMNOpqrSTUvwxYZ\n");
	chmod(p, 0600);
	free(p);
	diag_free(d);
	d = diag_new();
	c = load("{\"languages\": [\"en\", \"km\"], \"menus\": {\"main\": "
	    "\"menus/cb.json\"}, \"roster\": \"roster.json\", \"database\": "
	    "\"state.db\", \"api\": {\"port\": 0}, \"notify\": "
	    "{\"telegram_token_file\": \"tg\"}, \"clock_start\": "
	    "\"2026-11-23T10:00:00+07:00\", \"channels\": [" CH_AT "]}");
	ck_assert_msg(c != NULL, "%s", tu_diag_all(d));
	ck_assert_ptr_nonnull(conf_roster(c));
	ck_assert_int_eq(conf_api(c)->port, 0);
	ck_assert_str_eq(conf_api(c)->address, "127.0.0.1");
	ck_assert_ptr_nonnull(strstr(conf_database(c), "/state.db"));
	ck_assert_str_eq(notify_conf_str(conf_notify(c),
	    "telegram_token_file"), "123456:ABCdefGHIjklMNOpqrSTUvwxYZ");
	ck_assert_str_eq(notify_conf_str(conf_notify(c), "telegram_api"),
	    "https://api.telegram.org");
	ck_assert_ptr_null(notify_conf_str(conf_notify(c), "at_api_key_file"));
	/* 2026-11-23 10:00 in Phnom Penh is 03:00 UTC. */
	ck_assert_int_eq(conf_clock_start(c), 1795402800);
	conf_unref(c);
}
END_TEST

#define BASE	"\"menus\": {\"main\": \"menus/m.json\"}, " \
	"\"channels\": [" CH_AT "]"

/*
 * The database: a PostgreSQL URI is kept as written (a name, not a path
 * beside the file), needs key_file, and never holds the password, which
 * belongs in database_password_file; a SQLite file has none.
 */
START_TEST(test_database)
{
	struct conf	*c;

	c = load("{" BASE ", \"database\": \"postgresql://hl@/hl?host=/run/pg"
	    "\", \"key_file\": \"k\", \"database_password_file\": \"pw\"}");
	ck_assert_msg(c != NULL, "%s", tu_diag_all(d));
	ck_assert_str_eq(conf_database(c), "postgresql://hl@/hl?host=/run/pg");
	ck_assert_ptr_nonnull(strstr(conf_password_file(c), "/pw"));
	ck_assert_ptr_nonnull(strstr(conf_key_file(c), "/k"));
	conf_unref(c);
	refused("{" BASE ", \"database\": \"postgres://hl@db.example/hl\"}",
	    "/database: a PostgreSQL database needs key_file");
	refused("{" BASE ", \"database\": \"postgresql://hl:s3cret@db/hl\","
	    " \"key_file\": \"k\"}", "/database: the URI holds a password: "
	    "put it alone in database_password_file");
	refused("{" BASE ", \"database\": \"h.db\", \"database_password_file"
	    "\": \"pw\"}", "/database_password_file: only a PostgreSQL "
	    "database has a password");
	/* A colon after the '@' is a port, not a password. */
	diag_free(d);
	d = diag_new();
	c = load("{" BASE ", \"database\": \"postgresql://hl@db:5433/hl\", "
	    "\"key_file\": \"k\"}");
	ck_assert_msg(c != NULL, "%s", tu_diag_all(d));
	conf_unref(c);
}
END_TEST

/* The console block: defaults, both ends of each range, and mistakes. */
START_TEST(test_console)
{
	struct conf	*c;

	c = load("{" BASE "}");
	ck_assert_msg(c != NULL, "%s", tu_diag_all(d));
	ck_assert_int_eq(conf_console(c)->idle, 900);
	ck_assert_int_eq(conf_console(c)->behind_tls, 0);
	ck_assert_int_eq(conf_console(c)->link_ttl, 600);
	ck_assert_int_eq(conf_console(c)->signin_failures, 5);
	conf_unref(c);

	c = load("{" BASE ", \"console\": {\"idle\": 2, \"behind_tls\": true, "
	    "\"link_ttl\": 3600, \"signin_failures\": 100, \"comment\": "
	    "\"x\"}}");
	ck_assert_msg(c != NULL, "%s", tu_diag_all(d));
	ck_assert_int_eq(conf_console(c)->idle, 2);
	ck_assert_int_eq(conf_console(c)->behind_tls, 1);
	ck_assert_int_eq(conf_console(c)->link_ttl, 3600);
	ck_assert_int_eq(conf_console(c)->signin_failures, 100);
	conf_unref(c);

	c = load("{" BASE ", \"console\": {\"idle\": 86400, \"behind_tls\": "
	    "false, \"link_ttl\": 30, \"signin_failures\": 1}}");
	ck_assert_msg(c != NULL, "%s", tu_diag_all(d));
	ck_assert_int_eq(conf_console(c)->idle, 86400);
	ck_assert_int_eq(conf_console(c)->behind_tls, 0);
	ck_assert_int_eq(conf_console(c)->link_ttl, 30);
	ck_assert_int_eq(conf_console(c)->signin_failures, 1);
	conf_unref(c);

	/* Only the keys given change; the others keep their defaults. */
	c = load("{" BASE ", \"console\": {\"link_ttl\": 120}}");
	ck_assert_msg(c != NULL, "%s", tu_diag_all(d));
	ck_assert_int_eq(conf_console(c)->idle, 900);
	ck_assert_int_eq(conf_console(c)->link_ttl, 120);
	ck_assert_int_eq(conf_console(c)->signin_failures, 5);
	conf_unref(c);
	ck_assert_uint_eq(diag_count(d), 0);

	refused("{" BASE ",\n\"console\": {\"idle\": 1, \"behind_tls\": "
	    "\"yes\", \"link_ttl\": 29, \"signin_failures\": 0, \"idel\": 5}"
	    "\n}", "h.conf:2:21: /console/idle: must be within 2..86400");
	ck_assert(tu_diag_has(d, "h.conf:2:38: /console/behind_tls: must be "
	    "true or false"));
	ck_assert(tu_diag_has(d, "h.conf:2:57: /console/link_ttl: must be "
	    "within 30..3600"));
	ck_assert(tu_diag_has(d, "h.conf:2:80: /console/signin_failures: "
	    "must be within 1..100"));
	ck_assert(tu_diag_has(d, "h.conf:2:83: /console/idel: unknown key "
	    "\"idel\""));
	ck_assert_msg(diag_count(d) == 5, "%s", tu_diag_all(d));

	diag_free(d);
	d = diag_new();
	refused("{" BASE ", \"console\": {\"idle\": 86401, \"link_ttl\": 3601, "
	    "\"signin_failures\": 101}}", "/console/idle: must be within "
	    "2..86400");
	ck_assert(tu_diag_has(d, "/console/link_ttl: must be within "
	    "30..3600"));
	ck_assert(tu_diag_has(d, "/console/signin_failures: must be within "
	    "1..100"));
	ck_assert_msg(diag_count(d) == 3, "%s", tu_diag_all(d));

	diag_free(d);
	d = diag_new();
	refused("{" BASE ", \"console\": {\"idle\": \"900\"}}",
	    "/console/idle: must be an integer");
	diag_free(d);
	d = diag_new();
	refused("{" BASE ", \"console\": [900]}", "/console: must be an "
	    "object");
}
END_TEST

/* The retention block: defaults, limits given, and every bad value. */
START_TEST(test_retention)
{
	struct conf	*c;

	c = load("{" BASE "}");
	ck_assert_msg(c != NULL, "%s", tu_diag_all(d));
	ck_assert_int_eq(conf_retention(c)->closed_days, 30);
	ck_assert_int_eq(conf_retention(c)->sms_hours, 24);
	ck_assert_int_eq(conf_retention(c)->interval_minutes, 60);
	conf_unref(c);

	c = load("{" BASE ", \"retention\": {\"closed_days\": 1, "
	    "\"sms_hours\": 8760, \"interval_minutes\": 1440, "
	    "\"comment\": \"x\"}}");
	ck_assert_msg(c != NULL, "%s", tu_diag_all(d));
	ck_assert_int_eq(conf_retention(c)->closed_days, 1);
	ck_assert_int_eq(conf_retention(c)->sms_hours, 8760);
	ck_assert_int_eq(conf_retention(c)->interval_minutes, 1440);
	conf_unref(c);
	ck_assert_uint_eq(diag_count(d), 0);

	refused("{" BASE ", \"retention\": {\"closed_days\": 0, "
	    "\"sms_hours\": 0, \"interval_minutes\": 1441, \"days\": 3}}",
	    "/retention/closed_days: must be within 1..3650");
	ck_assert(tu_diag_has(d, "/retention/sms_hours: must be within "
	    "1..8760"));
	ck_assert(tu_diag_has(d, "/retention/interval_minutes: must be "
	    "within 1..1440"));
	ck_assert(tu_diag_has(d, "/retention/days: unknown key \"days\""));
	ck_assert_msg(diag_count(d) == 4, "%s", tu_diag_all(d));
	diag_free(d);
	d = diag_new();
	refused("{" BASE ", \"retention\": {\"interval_minutes\": 0}}",
	    "/retention/interval_minutes: must be within 1..1440");
}
END_TEST

/* How Telegram presses arrive: poll (default), webhook (with a secret)
 * or off; and the long poll's timeout. */
START_TEST(test_telegram_updates)
{
	struct conf	*c;
	char		*p;

	c = load("{" BASE "}");
	ck_assert_msg(c != NULL, "%s", tu_diag_all(d));
	ck_assert_int_eq(notify_telegram_updates(bot(c)), NOTIFY_TELEGRAM_POLL);
	ck_assert_int_eq(notify_telegram_poll_timeout(bot(c)), 30);
	ck_assert_ptr_null(notify_telegram_webhook_secret(bot(c)));
	conf_unref(c);

	c = load("{" BASE ", \"notify\": {\"telegram_updates\": \"off\", "
	    "\"telegram_poll_timeout\": 1}}");
	ck_assert_msg(c != NULL, "%s", tu_diag_all(d));
	ck_assert_int_eq(notify_telegram_updates(bot(c)), NOTIFY_TELEGRAM_OFF);
	ck_assert_int_eq(notify_telegram_poll_timeout(bot(c)), 1);
	conf_unref(c);
	c = load("{" BASE ", \"notify\": {\"telegram_updates\": \"poll\", "
	    "\"telegram_poll_timeout\": 50}}");
	ck_assert_msg(c != NULL, "%s", tu_diag_all(d));
	ck_assert_int_eq(notify_telegram_updates(bot(c)), NOTIFY_TELEGRAM_POLL);
	ck_assert_int_eq(notify_telegram_poll_timeout(bot(c)), 50);
	conf_unref(c);

	refused("{" BASE ",\n\"notify\": {\"telegram_updates\": \"hook\", "
	    "\"telegram_poll_timeout\": 0}}", "h.conf:2:32: "
	    "/notify/telegram_updates: must be one of poll|webhook|off");
	ck_assert(tu_diag_has(d, "h.conf:2:65: /notify/telegram_poll_timeout: "
	    "must be within 1..50"));
	ck_assert_msg(diag_count(d) == 2, "%s", tu_diag_all(d));
	diag_free(d);
	d = diag_new();
	refused("{" BASE ", \"notify\": {\"telegram_updates\": \"\", "
	    "\"telegram_poll_timeout\": 51}}", "/notify/telegram_updates: "
	    "must be 1 to 8 bytes long");
	ck_assert(tu_diag_has(d, "/notify/telegram_poll_timeout: must be "
	    "within 1..50"));
	diag_free(d);
	d = diag_new();
	refused("{" BASE ", \"notify\": {\"telegram_updates\": \"POLL\", "
	    "\"telegram_poll_timeout\": \"30\"}}", "/notify/telegram_updates: "
	    "must be one of poll|webhook|off");
	ck_assert(tu_diag_has(d, "/notify/telegram_poll_timeout: must be an "
	    "integer"));

	/* A webhook anyone could post to is refused. */
	diag_free(d);
	d = diag_new();
	refused("{" BASE ", \"notify\": {\"telegram_updates\": \"webhook\"}}",
	    "/notify/telegram_updates: \"webhook\" needs "
	    "telegram_webhook_secret_file");
	ck_assert_msg(diag_count(d) == 1, "%s", tu_diag_all(d));

	/* Its secret must be private, and long enough. */
	diag_free(d);
	d = diag_new();
	p = tu_write(dir, "tgwh", "wh-secret_0123456789abcdefXYZ\n");
	chmod(p, 0644);
	refused("{" BASE ", \"notify\": {\"telegram_updates\": \"webhook\", "
	    "\"telegram_webhook_secret_file\": \"tgwh\"}}",
	    "/notify/telegram_webhook_secret_file: ");
	ck_assert(tu_diag_has(d, "must not be readable by group or others"));
	diag_free(d);
	d = diag_new();
	free(tu_write(dir, "tgwh", "short\n"));
	chmod(p, 0600);
	refused("{" BASE ", \"notify\": {\"telegram_updates\": \"webhook\", "
	    "\"telegram_webhook_secret_file\": \"tgwh\"}}",
	    "/tgwh must be 16 to 256 bytes");
	diag_free(d);
	d = diag_new();
	free(tu_write(dir, "tgwh", "wh secret 0123456789abcdef!\n"));
	chmod(p, 0600);
	refused("{" BASE ", \"notify\": {\"telegram_updates\": \"webhook\", "
	    "\"telegram_webhook_secret_file\": \"tgwh\"}}",
	    "may hold only A-Z, a-z, 0-9, _ and -");

	diag_free(d);
	d = diag_new();
	free(tu_write(dir, "tgwh", "wh-secret_0123456789abcdefXYZ\n"));
	chmod(p, 0600);
	c = load("{" BASE ", \"notify\": {\"telegram_updates\": \"webhook\", "
	    "\"telegram_webhook_secret_file\": \"tgwh\"}}");
	ck_assert_msg(c != NULL, "%s", tu_diag_all(d));
	ck_assert_int_eq(notify_telegram_updates(bot(c)),
	    NOTIFY_TELEGRAM_WEBHOOK);
	ck_assert_int_eq(notify_telegram_poll_timeout(bot(c)), 30);
	ck_assert_str_eq(notify_telegram_webhook_secret(bot(c)),
	    "wh-secret_0123456789abcdefXYZ");
	conf_unref(c);
	free(p);
}
END_TEST

/* A Kannel channel that can send, with extra keys first. */
#define KANNEL_CH(extra) "{" extra "\"name\": \"k\", \"type\": " \
	"\"kannel\", \"path\": \"/sms/k\", \"sendsms_url\": " \
	"\"http://127.0.0.1:13013/cgi-bin/sendsms\", \"kannel_username\": " \
	"\"u\", \"kannel_password\": \"p\"}"

#define SMS_CONF(block, ch) "{\"menus\": {\"main\": \"menus/m.json\"}, " \
	"\"sms\": " block ", \"channels\": [" CH_AT ch "]}"

/* The sms block: defaults, the words, the prefix table and its checks. */
START_TEST(test_sms_block)
{
	struct conf		*c;
	const struct sms_conf	*sc;

	c = load(SMS_CONF("{}", ""));
	ck_assert_msg(c != NULL, "%s", tu_diag_all(d));
	sc = conf_sms(c);
	ck_assert(sms_word(&sc->keywords, " help "));
	ck_assert(sms_word(&sc->keywords, "Help!"));
	ck_assert(sms_word(&sc->keywords, "\xe1\x9e\x87\xe1\x9e\xbd"
	    "\xe1\x9e\x99"));
	ck_assert(sms_word(&sc->keywords, "chuoy"));
	ck_assert(!sms_word(&sc->keywords, "helpme"));
	ck_assert(!sms_word(&sc->keywords, "1"));
	ck_assert(sms_word(&sc->stop, "Stop."));
	ck_assert(sms_word(&sc->start, "start"));
	ck_assert(sms_word(&sc->exit, "EXIT"));
	ck_assert(!sms_word(&sc->exit, "STOP"));
	ck_assert_ptr_null(sc->notice);
	ck_assert_uint_eq(sc->per_number, 20);
	ck_assert_uint_eq(sc->per_minutes, 10);
	ck_assert_uint_eq(sc->block_minutes, 60);
	ck_assert_uint_eq(sc->max_attempts, 10);
	ck_assert_uint_eq(sc->retry_seconds, 5);
	ck_assert_uint_eq(sc->seen_hours, 48);
	ck_assert_uint_eq(sc->nroutes, 0);
	ck_assert_ptr_null(sms_route(sc, "+85512345678"));
	conf_unref(c);

	/* Words replace the defaults. */
	c = load(SMS_CONF("{\"keywords\": [\"SOS\"], \"notice\": \"N\", "
	    "\"per_number\": {\"messages\": 3}}", ""));
	ck_assert_msg(c != NULL, "%s", tu_diag_all(d));
	sc = conf_sms(c);
	ck_assert(sms_word(&sc->keywords, "sos"));
	ck_assert(!sms_word(&sc->keywords, "HELP"));
	ck_assert_str_eq(sc->notice, "N");
	ck_assert_uint_eq(sc->per_number, 3);
	conf_unref(c);

	refused(SMS_CONF("{\"routes\": {\"+855\": \"at\"}}", ""),
	    "a prefix is 1 to 15 digits");
	refused(SMS_CONF("{\"routes\": {\"85512\": \"nowhere\"}}", ""),
	    "no channel called \"nowhere\"");
	refused(SMS_CONF("{\"routes\": {\"85512\": \"at\"}}", ""),
	    "channel \"at\" cannot send SMS");
	refused(SMS_CONF("{\"keywords\": [\"two words\"]}", ""),
	    "a word, without spaces");
	refused(SMS_CONF("{\"per_number\": {\"messages\": 0}}", ""),
	    "/sms/per_number/messages");
	refused("{\"menus\": {\"main\": \"menus/m.json\"}, \"channels\": "
	    "[{\"name\": \"at\", \"type\": \"africastalking\", \"path\": "
	    "\"/ussd/at\", \"max_parts\": 2}]}",
	    "\"max_parts\" is for SMS channels only");
	/* An SMS channel's own keys: a report URL, a way to reply. */
	refused(SMS_CONF("{}", ", " KANNEL_CH("\"report_url\": "
	    "\"ftp://h/dlr\", ")), "report_url must be an http:// or "
	    "https:// URL");
	refused(SMS_CONF("{}", ", " KANNEL_CH("\"reply_via\": \"nowhere\", ")),
	    "no channel called \"nowhere\"");
	refused(SMS_CONF("{}", ", " KANNEL_CH("\"reply_via\": \"at\", ")),
	    "channel \"at\" cannot send SMS");
	refused(SMS_CONF("{}", ", " KANNEL_CH("\"reply_via\": \"route\", ")),
	    "\"reply_via\": \"route\" needs");
	refused(SMS_CONF("{}", ", {\"name\": \"k\", \"type\": \"kannel\", "
	    "\"path\": \"/sms/k\"}"), "SMS channel \"k\" has no way to "
	    "reply");
	refused(SMS_CONF("{}", ", " KANNEL_CH("\"max_parts\": 11, ")),
	    "/channels/1/max_parts");
}
END_TEST

/* hotlined -t shows each SMS screen's encoding and parts. */
START_TEST(test_sms_report)
{
	struct conf	*c;
	char		*path, *out = NULL;
	size_t		 len = 0;
	FILE		*fp;
	struct conf_report rep;

	path = tu_write(dir, "h.conf", "{\"menus\": {\"main\": "
	    "\"menus/m.json\"}, \"channels\": [{\"name\": \"k\", \"type\": "
	    "\"kannel\", \"path\": \"/sms/k\", \"max_parts\": 2, "
	    "\"sendsms_url\": \"http://127.0.0.1:13013/cgi-bin/sendsms\", "
	    "\"kannel_username\": \"u\", \"kannel_password\": \"p\"}]}");
	fp = open_memstream(&out, &len);
	ck_assert_ptr_nonnull(fp);
	admin_report_file(&rep, fp);
	c = conf_load(path, d, &rep);
	fclose(fp);
	free(path);
	ck_assert_msg(c != NULL, "%s", tu_diag_all(d));
	ck_assert_msg(strstr(out, "(limits: 306 GSM-7 septets, 134 UCS-2 "
	    "units)") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "main                 [km] UCS-2 ") != NULL &&
	    strstr(out, ", SMS UCS-2 1 part\n") != NULL, "%s", out);
	ck_assert_ptr_nonnull(strstr(out, ", SMS GSM-7 1 part\n"));
	ck_assert_uint_eq(channel_max_parts(conf_channel_at(c, 0)), 2);
	ck_assert_uint_eq(channel_idle(conf_channel_at(c, 0)), 1800);
	ck_assert_int_eq(channel_kind(conf_channel_at(c, 0)), CHANNEL_SMS);
	ck_assert(channel_can_send(conf_channel_at(c, 0)));
	free(out);
	conf_unref(c);
}
END_TEST

/* A gateway's sender, as SMS conversations are keyed. */
START_TEST(test_phone_e164)
{
	char	 b[32];

	ck_assert_int_eq(phone_e164("+85512345678", b, sizeof(b)), 0);
	ck_assert_str_eq(b, "+85512345678");
	ck_assert_int_eq(phone_e164("85512345678", b, sizeof(b)), 0);
	ck_assert_str_eq(b, "+85512345678");
	ck_assert_int_eq(phone_e164("0085512345678", b, sizeof(b)), 0);
	ck_assert_str_eq(b, "+85512345678");
	ck_assert_int_eq(phone_e164("012 345 678", b, sizeof(b)), 0);
	ck_assert_str_eq(b, "+85512345678");
	ck_assert_int_eq(phone_e164("+1 (415) 867-5309", b, sizeof(b)), 0);
	ck_assert_str_eq(b, "+14158675309");
	ck_assert_int_eq(phone_e164("", b, sizeof(b)), -1);
	ck_assert_int_eq(phone_e164("12345", b, sizeof(b)), -1);
	ck_assert_int_eq(phone_e164("+0123456789", b, sizeof(b)), -1);
	ck_assert_int_eq(phone_e164("1234567890123456", b, sizeof(b)), -1);
	/* Found by fuzz_phone: a national number took +855 whatever its
	 * length, past E.164's 15 digits. 855 and 12 digits still do. */
	ck_assert_int_eq(phone_e164("097-123-456712 345 678", b, sizeof(b)),
	    -1);
	ck_assert_int_eq(phone_e164("01234567890123", b, sizeof(b)), -1);
	ck_assert_int_eq(phone_e164("0123456789012", b, sizeof(b)), 0);
	ck_assert_str_eq(b, "+855123456789012");
	ck_assert_int_eq(phone_e164("8551234abc", b, sizeof(b)), -1);
	ck_assert_int_eq(phone_e164("HOTLINE", b, sizeof(b)), -1);
	ck_assert_int_eq(phone_e164("+85512345678", b, 8), -1);
}
END_TEST

/*
 * The manual's key index is what the tables print: a key added, removed
 * or changed without "scripts/man-keys" fails here.
 */
START_TEST(test_manual_keys)
{
	const char	*top = getenv("TOP_SRCDIR");
	char		 path[1024], *want = NULL, *got = NULL, *b, *e;
	size_t		 wlen = 0, glen = 0;
	FILE		*fp;

	snprintf(path, sizeof(path), "%s/docs/hotlined.conf.5",
	    top != NULL ? top : ".");
	fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "%s", path);
	ck_assert_int_ne(getdelim(&want, &wlen, '\0', fp), -1);
	fclose(fp);
	b = strstr(want, ".\\\" BEGIN KEYS");
	ck_assert_ptr_nonnull(b);
	b = strchr(b, '\n') + 1;
	e = strstr(b, ".\\\" END KEYS");
	ck_assert_ptr_nonnull(e);
	*e = '\0';

	fp = open_memstream(&got, &glen);
	ck_assert_ptr_nonnull(fp);
	conf_print_keys(fp, SCHEMA_ROFF);
	fclose(fp);
	ck_assert_msg(strcmp(b, got) == 0, "docs/hotlined.conf.5 lists other "
	    "keys than hotlined -K: run scripts/man-keys");
	/* Every key of every block is there, nested ones too. */
	ck_assert_ptr_nonnull(strstr(got, ".It Ic session.idle_timeout\n"
	    "integer, 60 (5..3600): "));
	free(want);
	free(got);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("conf");
	TCase	*tc = tcase_create("load");
	SRunner	*sr;
	int	 failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_shipped);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_connection_limits);
	tcase_add_test(tc, test_rate_limits);
	tcase_add_test(tc, test_syntax);
	tcase_add_test(tc, test_schema);
	tcase_add_test(tc, test_semantics);
	tcase_add_test(tc, test_end_texts);
	tcase_add_test(tc, test_generic);
	tcase_add_test(tc, test_no_follow_on);
	tcase_add_test(tc, test_token_file);
	tcase_add_test(tc, test_menu_problems);
	tcase_add_test(tc, test_routing);
	tcase_add_test(tc, test_services);
	tcase_add_test(tc, test_database);
	tcase_add_test(tc, test_console);
	tcase_add_test(tc, test_retention);
	tcase_add_test(tc, test_telegram_updates);
	tcase_add_test(tc, test_sms_block);
	tcase_add_test(tc, test_sms_report);
	tcase_add_test(tc, test_phone_e164);
	tcase_add_test(tc, test_manual_keys);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
