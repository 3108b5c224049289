/* SPDX-License-Identifier: ISC */
/*
 * check_channel: channels and their wire adapters, built from entries as
 * the configuration gives them. Africa's Talking fields, required fields
 * and the new-session rule; the generic mapping reading form, query,
 * header and JSON (dotted paths, integers); every way a request is
 * refused; the CON/END and JSON replies; and routing, tokens and methods.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "channel.h"
#include "channel_util.h"
#include "diag.h"
#include "schema.h"
#include "testutil.h"

/* Headers for the generic tests: X-Session and X-Phone. */
static const char *
hdr(void *arg, const char *name)
{
	(void)arg;
	if (strcasecmp(name, "X-Session") == 0)
		return "hs1";
	if (strcasecmp(name, "X-Bad") == 0)
		return "\xff";
	if (strcasecmp(name, "X-Hotlined-Token") == 0)
		return "tok-0123456789abcdef";
	return NULL;
}

/* A request with a body and optional query. */
static struct channel_request
req(enum channel_method m, const char *query, const char *body)
{
	struct channel_request	 r;

	memset(&r, 0, sizeof(r));
	r.method = m;
	r.query = query;
	r.body = body;
	r.body_len = strlen(body);
	r.header = hdr;
	return r;
}

/*
 * A channel built from its entry (JSON text), which must load without a
 * problem; warnings are allowed.
 */
static struct channel *
mk(const char *entry)
{
	struct schema_doc	 doc;
	struct diag		*d = diag_new();
	struct channel		*ch;
	json_error_t		 jerr;
	json_t			*e, *menus;

	memset(&doc, 0, sizeof(doc));
	doc.name = "h.conf";
	doc.dir = ".";
	doc.d = d;
	e = json_loads(entry, 0, &jerr);
	ck_assert_msg(e != NULL, "%s", jerr.text);
	menus = json_pack("{s:s}", "main", "menus/m.json");
	ch = channel_new(&doc, e, "/channels/0", menus);
	ck_assert_msg(ch != NULL && doc.errors == 0, "%s", tu_diag_all(d));
	json_decref(e);
	json_decref(menus);
	diag_free(d);
	return ch;
}

/* An Africa's Talking channel. */
static struct channel *
at_channel(void)
{
	return mk("{\"name\": \"at\", \"type\": \"africastalking\", "
	    "\"path\": \"/ussd/at\"}");
}

/* Parse and expect a refusal with the exact cause. */
static void
refused(struct channel *ch, struct channel_request r, const char *want)
{
	struct channel_event	 ev;
	const char		*cause = NULL;

	ck_assert_int_eq(channel_parse(ch, &r, &ev, &cause), -1);
	ck_assert_str_eq(cause, want);
	channel_event_clear(&ev);
}

/* The Africa's Talking fields land in the event. */
START_TEST(test_at_fields)
{
	struct channel		*ch = at_channel();
	struct channel_request	 r;
	struct channel_event	 ev;
	const char		*cause;

	r = req(CHANNEL_POST, NULL, "sessionId=ATUid_1&serviceCode=%2A855%23"
	    "&phoneNumber=%2B85512000000&networkCode=45601&text=1%2A2");
	ck_assert_int_eq(channel_parse(ch, &r, &ev, &cause), 0);
	ck_assert_str_eq(ev.channel, "at");
	ck_assert_str_eq(ev.session_id, "ATUid_1");
	ck_assert_str_eq(ev.service_code, "*855#");
	ck_assert_str_eq(ev.phone, "+85512000000");
	ck_assert_str_eq(ev.network, "45601");
	ck_assert_str_eq(ev.history, "1*2");
	ck_assert_ptr_null(ev.input);
	ck_assert_int_eq(ev.start, CHANNEL_START_CONTINUE);
	channel_event_clear(&ev);

	r = req(CHANNEL_POST, NULL, "sessionId=s&serviceCode=x&phoneNumber=1"
	    "&text=");
	ck_assert_int_eq(channel_parse(ch, &r, &ev, &cause), 0);
	ck_assert_int_eq(ev.start, CHANNEL_START_NEW);
	ck_assert_ptr_null(ev.network);
	channel_event_clear(&ev);
	channel_free(ch);
}
END_TEST

/* Each missing field and each decoding error has its own reason. */
START_TEST(test_at_refusals)
{
	struct channel	*ch = at_channel();

	refused(ch, req(CHANNEL_POST, NULL, "serviceCode=x&phoneNumber=1"
	    "&text="), "missing field sessionId");
	refused(ch, req(CHANNEL_POST, NULL, "sessionId=s&serviceCode=x"
	    "&text="), "missing field phoneNumber");
	refused(ch, req(CHANNEL_POST, NULL, "sessionId=s&phoneNumber=1"
	    "&text="), "missing field serviceCode");
	refused(ch, req(CHANNEL_POST, NULL, "sessionId=s&serviceCode=x"
	    "&phoneNumber=1"), "missing field text");
	refused(ch, req(CHANNEL_POST, NULL, "sessionId=s&text=%zz"),
	    "invalid percent-encoding");
	refused(ch, req(CHANNEL_POST, NULL, "sessionId=s&text=%FF"),
	    "invalid UTF-8");
	refused(ch, req(CHANNEL_POST, NULL, ""), "missing field sessionId");
	channel_free(ch);
}
END_TEST

/* An AT end-of-session notice; a generic channel takes none. */
START_TEST(test_notices)
{
	struct channel		*ch = at_channel();
	struct channel_request	 r;
	struct channel_event	 ev;
	const char		*how = NULL, *cause = NULL;

	r = req(CHANNEL_POST, NULL, "sessionId=s1&status=Incomplete");
	ck_assert_int_eq(channel_notice_parse(ch, &r, &ev, &how, &cause), 0);
	ck_assert_str_eq(ev.session_id, "s1");
	ck_assert_str_eq(how, "hung_up");
	channel_event_clear(&ev);
	r = req(CHANNEL_POST, NULL, "sessionId=s1");
	ck_assert_int_eq(channel_notice_parse(ch, &r, &ev, &how, &cause), 0);
	ck_assert_str_eq(how, "ended");
	channel_event_clear(&ev);
	r = req(CHANNEL_POST, NULL, "status=Success");
	ck_assert_int_eq(channel_notice_parse(ch, &r, &ev, &how, &cause), -1);
	ck_assert_str_eq(cause, "missing field sessionId");
	channel_event_clear(&ev);
	channel_free(ch);

	ch = mk("{\"name\": \"g\", \"type\": \"generic\", \"path\": \"/g\", "
	    "\"request\": {\"session_id\": \"s\", \"phone\": \"p\", "
	    "\"input\": \"i\"}}");
	ck_assert_int_eq(channel_notice_parse(ch, &r, &ev, &how, &cause), -1);
	ck_assert_str_eq(cause, "this channel takes no notices");
	channel_event_clear(&ev);
	channel_free(ch);
}
END_TEST

/* A generic channel over GET: query fields, a header, a begin flag. */
START_TEST(test_generic_get)
{
	struct channel		*ch;
	struct channel_request	 r;
	struct channel_event	 ev;
	const char		*cause;

	ch = mk("{\"name\": \"g\", \"type\": \"generic\", \"path\": \"/g\", "
	    "\"request\": {\"method\": \"GET\", \"session_id\": "
	    "\"header:X-Session\", \"phone\": \"msisdn\", \"input\": "
	    "\"query:msg\", \"new_session\": \"field\", "
	    "\"new_session_field\": \"op\", \"new_session_value\": \"begin\", "
	    "\"end_session_value\": \"end\", \"input_mode\": \"latest\"}}");

	r = req(CHANNEL_GET, "msisdn=855&msg=%E1%9F%A1&op=begin", "");
	ck_assert_int_eq(channel_parse(ch, &r, &ev, &cause), 0);
	ck_assert_str_eq(ev.channel, "g");
	ck_assert_str_eq(ev.session_id, "hs1");
	ck_assert_str_eq(ev.phone, "855");
	ck_assert_str_eq(ev.input, "១");
	ck_assert_ptr_null(ev.history);
	ck_assert_int_eq(ev.start, CHANNEL_START_NEW);
	channel_event_clear(&ev);

	r = req(CHANNEL_GET, "msisdn=855&op=continue", "");
	ck_assert_int_eq(channel_parse(ch, &r, &ev, &cause), 0);
	ck_assert_str_eq(ev.input, "");
	ck_assert_int_eq(ev.start, CHANNEL_START_CONTINUE);
	ck_assert_int_eq(ev.ended, 0);
	channel_event_clear(&ev);

	r = req(CHANNEL_GET, "msisdn=855&op=end", "");
	ck_assert_int_eq(channel_parse(ch, &r, &ev, &cause), 0);
	ck_assert_int_eq(ev.ended, 1);
	channel_event_clear(&ev);

	refused(ch, req(CHANNEL_GET, "op=begin", ""), "missing phone field");
	refused(ch, req(CHANNEL_GET, "msisdn=1&x=%4", ""),
	    "invalid percent-encoding");
	channel_free(ch);

	/* A header that is not UTF-8. */
	ch = mk("{\"name\": \"g\", \"type\": \"generic\", \"path\": \"/g\", "
	    "\"request\": {\"method\": \"GET\", \"session_id\": "
	    "\"header:X-Session\", \"phone\": \"header:X-Bad\", \"input\": "
	    "\"query:msg\"}}");
	refused(ch, req(CHANNEL_GET, "", ""), "invalid UTF-8 in a header");
	channel_free(ch);
}
END_TEST

/* A generic JSON channel: dotted paths, integers, bad bodies. */
START_TEST(test_generic_json)
{
	struct channel		*ch;
	struct channel_request	 r;
	struct channel_event	 ev;
	const char		*cause;

	ch = mk("{\"name\": \"j\", \"type\": \"generic\", \"path\": \"/j\", "
	    "\"request\": {\"method\": \"POST\", \"body\": \"json\", "
	    "\"session_id\": \"session.id\", \"phone\": \"msisdn\", "
	    "\"input\": \"text\", \"hop_id\": \"messageId\", "
	    "\"new_session\": \"unknown-session\", \"input_mode\": "
	    "\"history\", \"separator\": \"*\"}}");

	r = req(CHANNEL_POST, NULL, "{\"session\": {\"id\": 42}, \"msisdn\": "
	    "\"855\", \"text\": \"1*2\", \"messageId\": 7}");
	ck_assert_int_eq(channel_parse(ch, &r, &ev, &cause), 0);
	ck_assert_str_eq(ev.session_id, "42");
	ck_assert_str_eq(ev.hop_id, "7");
	ck_assert_str_eq(ev.history, "1*2");
	ck_assert_str_eq(ev.separator, "*");
	ck_assert_int_eq(ev.start, CHANNEL_START_UNKNOWN);
	channel_event_clear(&ev);

	refused(ch, req(CHANNEL_POST, NULL, "{\"msisdn\": "), "invalid JSON "
	    "body");
	refused(ch, req(CHANNEL_POST, NULL, "[1]"), "the JSON body must be "
	    "an object");
	refused(ch, req(CHANNEL_POST, NULL, "{\"session\": {\"id\": [1]}, "
	    "\"msisdn\": \"1\"}"), "a JSON field must be a string or an "
	    "integer");
	refused(ch, req(CHANNEL_POST, NULL, "{\"msisdn\": \"1\"}"),
	    "missing session id field");
	refused(ch, req(CHANNEL_POST, NULL, "{\"a\": 1, \"a\": 2}"),
	    "invalid JSON body");
	channel_free(ch);
}
END_TEST

/* Field specs: prefixes and refusals; a parse replaces the old name. */
START_TEST(test_field_spec)
{
	struct channel_field	 f;

	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(channel_util_field_parse("query:a", &f), 0);
	ck_assert_int_eq(f.where, CHANNEL_FROM_QUERY);
	ck_assert_str_eq(f.name, "a");
	ck_assert_int_eq(channel_util_field_parse("body:b.c", &f), 0);
	ck_assert_int_eq(f.where, CHANNEL_FROM_BODY);
	ck_assert_str_eq(f.name, "b.c");
	ck_assert_int_eq(channel_util_field_parse("header:X-Bad", &f), 0);
	ck_assert_int_eq(f.where, CHANNEL_FROM_HEADER);
	ck_assert_str_eq(f.name, "X-Bad");
	ck_assert_int_eq(channel_util_field_parse("header:", &f), -1);
	ck_assert_int_eq(channel_util_field_parse("cookie:x", &f), -1);
	free(f.name);
}
END_TEST

/* Replies: CON/END text and the configured JSON object. */
START_TEST(test_replies)
{
	struct channel		*ch;
	struct channel_reply	 rep = { "សួស្តី\n1. ក", 0, NULL };
	struct channel_response	 out;

	ch = at_channel();
	ck_assert_int_eq(channel_format(ch, &rep, &out), 0);
	ck_assert_str_eq(out.body, "CON សួស្តី\n1. ក");
	ck_assert_uint_eq(out.len, strlen("CON សួស្តី\n1. ក"));
	ck_assert_str_eq(out.content_type, "text/plain; charset=utf-8");
	free(out.body);
	rep.end = 1;
	ck_assert_int_eq(channel_format(ch, &rep, &out), 0);
	ck_assert_str_eq(out.body, "END សួស្តី\n1. ក");
	free(out.body);
	channel_free(ch);

	ch = mk("{\"name\": \"g\", \"type\": \"generic\", \"path\": \"/g\", "
	    "\"request\": {\"session_id\": \"s\", \"phone\": \"p\", "
	    "\"input\": \"i\"}, \"reply\": {\"format\": \"json\", "
	    "\"text_field\": \"response\", \"action_field\": \"action\", "
	    "\"continue_value\": \"FC\", \"end_value\": \"FB\"}}");
	ck_assert_int_eq(channel_format(ch, &rep, &out), 0);
	ck_assert_str_eq(out.body,
	    "{\"response\":\"សួស្តី\\n1. ក\",\"action\":\"FB\"}");
	ck_assert_str_eq(out.content_type, "application/json");
	free(out.body);
	channel_free(ch);

	/* Clearing a reply frees its text and leaves it empty; twice too. */
	rep.text = strdup("012 999 888\n1. Correct");
	ck_assert_ptr_nonnull(rep.text);
	channel_reply_clear(&rep);
	ck_assert_ptr_null(rep.text);
	ck_assert_int_eq(rep.end, 0);
	channel_reply_clear(&rep);
}
END_TEST

/* Paths, path and header tokens, notices' paths, and methods. */
START_TEST(test_routing)
{
	struct channel	*ch;
	const char	*tok, *hname;
	int		 nt;

	ch = mk("{\"name\": \"at\", \"type\": \"africastalking\", \"path\": "
	    "\"/ussd/at\", \"token\": \"tok-0123456789abcdef\", "
	    "\"token_in\": \"path\"}");
	ck_assert_str_eq(channel_name(ch), "at");
	ck_assert_str_eq(channel_path(ch), "/ussd/at");
	ck_assert_str_eq(channel_menu_name(ch), "main");
	ck_assert_ptr_null(channel_menu(ch));
	ck_assert_str_eq(channel_type(ch), "africastalking");
	ck_assert_str_eq(channel_secret(ch, &hname), "tok-0123456789abcdef");
	ck_assert_ptr_null(hname);
	ck_assert_int_eq(channel_match(ch, "/ussd/at/tok-0123456789abcdef",
	    &tok, &nt), 1);
	ck_assert_str_eq(tok, "tok-0123456789abcdef");
	ck_assert_int_eq(nt, 0);
	ck_assert(channel_authorised(ch, tok, nt, hdr, NULL));
	ck_assert(!channel_authorised(ch, "tok-0123456789abcde", 0, hdr,
	    NULL));
	ck_assert_int_eq(channel_match(ch,
	    "/ussd/at/tok-0123456789abcdef/end", &tok, &nt), 1);
	ck_assert_str_eq(tok, "tok-0123456789abcdef/end");
	ck_assert_int_eq(nt, 1);
	ck_assert(channel_authorised(ch, tok, nt, hdr, NULL));
	ck_assert(!channel_authorised(ch, tok, 0, hdr, NULL));
	/* The bare path matches, without a token: a 403. */
	ck_assert_int_eq(channel_match(ch, "/ussd/at", &tok, &nt), 1);
	ck_assert_ptr_null(tok);
	ck_assert(!channel_authorised(ch, tok, nt, hdr, NULL));
	ck_assert_int_eq(channel_match(ch, "/ussd/at/a/b", &tok, &nt), 0);
	ck_assert_int_eq(channel_match(ch, "/ussd/atx", &tok, &nt), 0);
	ck_assert(channel_method_ok(ch, CHANNEL_POST, 0));
	ck_assert(!channel_method_ok(ch, CHANNEL_GET, 0));
	ck_assert_str_eq(channel_allow(ch, 0), "POST");
	channel_free(ch);

	/* A header token; a GET gateway; its notices are POSTs. */
	ch = mk("{\"name\": \"g\", \"type\": \"generic\", \"path\": \"/g\", "
	    "\"token\": \"tok-0123456789abcdef\", \"request\": {\"method\": "
	    "\"GET\", \"session_id\": \"s\", \"phone\": \"p\", \"input\": "
	    "\"i\"}, \"screen\": {\"gsm7\": 60, \"ucs2\": 40}}");
	ck_assert_uint_eq(channel_limits(ch)->gsm7, 60);
	ck_assert_uint_eq(channel_limits(ch)->ucs2, 40);
	ck_assert_str_eq(channel_type(ch), "generic");
	ck_assert_str_eq(channel_secret(ch, &hname), "tok-0123456789abcdef");
	ck_assert_str_eq(hname, "X-Hotlined-Token");
	ck_assert_int_eq(channel_match(ch, "/g", &tok, &nt), 1);
	ck_assert_ptr_null(tok);
	ck_assert(channel_authorised(ch, tok, nt, hdr, NULL));
	ck_assert_int_eq(channel_match(ch, "/g/end", &tok, &nt), 0);
	ck_assert_int_eq(channel_match(ch, "/g/x", &tok, &nt), 0);
	ck_assert(channel_method_ok(ch, CHANNEL_GET, 0));
	ck_assert(!channel_method_ok(ch, CHANNEL_POST, 0));
	ck_assert(channel_method_ok(ch, CHANNEL_POST, 1));
	ck_assert_str_eq(channel_allow(ch, 0), "GET");
	ck_assert_str_eq(channel_allow(ch, 1), "POST");
	channel_free(ch);

	/* No token: anything passes; AT notices at "<path>/end". */
	ch = at_channel();
	ck_assert_ptr_null(channel_secret(ch, &hname));
	ck_assert_ptr_null(hname);
	ck_assert(channel_authorised(ch, NULL, 0, hdr, NULL));
	ck_assert_int_eq(channel_match(ch, "/ussd/at/end", &tok, &nt), 1);
	ck_assert_ptr_null(tok);
	ck_assert_int_eq(nt, 1);
	channel_free(ch);
}
END_TEST

/* The key list: common keys, then the adapters', then the comment. */
START_TEST(test_keys)
{
	char	*got = NULL;
	size_t	 len = 0;
	FILE	*fp = open_memstream(&got, &len);

	ck_assert_ptr_nonnull(fp);
	channel_print_keys(fp, SCHEMA_TEXT, "channels[].");
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(got, "webhook format: "
	    "africastalking|generic|kannel|oneapi|twilio|africastalking_sms|"
	    "vonage|infobip|plasgate|generic_sms\n"));
	ck_assert_ptr_nonnull(strstr(got, "\nchannels[].request.method "));
	ck_assert_ptr_nonnull(strstr(got, "\nchannels[].token_header "));
	ck_assert(strstr(got, "token_header") < strstr(got, "request"));
	ck_assert(strstr(got, "reply.end_value") < strstr(got, "comment"));
	free(got);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("channel");
	TCase	*tc = tcase_create("adapters");
	SRunner	*sr;
	int	 failed;

	tcase_add_test(tc, test_at_fields);
	tcase_add_test(tc, test_at_refusals);
	tcase_add_test(tc, test_notices);
	tcase_add_test(tc, test_generic_get);
	tcase_add_test(tc, test_generic_json);
	tcase_add_test(tc, test_field_spec);
	tcase_add_test(tc, test_replies);
	tcase_add_test(tc, test_routing);
	tcase_add_test(tc, test_keys);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
