/* SPDX-License-Identifier: ISC */
/*
 * check_channel: the wire adapters in isolation. Africa's Talking fields,
 * required fields and the new-session rule; the generic mapping reading
 * form, query, header and JSON (dotted paths, integers); every way a
 * request is refused; and the CON/END and JSON replies.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "channel.h"

/* Headers for the generic tests: X-Session and X-Phone. */
static const char *
hdr(void *arg, const char *name)
{
	(void)arg;
	if (strcasecmp(name, "X-Session") == 0)
		return "hs1";
	if (strcasecmp(name, "X-Bad") == 0)
		return "\xff";
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

/* An Africa's Talking channel. */
static struct channel *
at_channel(void)
{
	struct channel	*ch = calloc(1, sizeof(*ch));

	ch->name = strdup("at");
	ch->kind = CHANNEL_AT;
	return ch;
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

/* A generic channel over GET: query fields, a header, a begin flag. */
START_TEST(test_generic_get)
{
	struct channel		 ch;
	struct channel_request	 r;
	struct channel_event	 ev;
	const char		*cause;

	memset(&ch, 0, sizeof(ch));
	ch.name = "g";
	ch.kind = CHANNEL_GENERIC;
	ch.method = CHANNEL_GET;
	ck_assert_int_eq(channel_field_parse("header:X-Session",
	    &ch.f_session), 0);
	ck_assert_int_eq(channel_field_parse("msisdn", &ch.f_phone), 0);
	ck_assert_int_eq(channel_field_parse("query:msg", &ch.f_input), 0);
	ck_assert_int_eq(channel_field_parse("op", &ch.f_new), 0);
	ch.newsig = CHANNEL_NEW_FIELD;
	ch.new_value = "begin";
	ch.end_value = "end";
	ch.input_mode = CHANNEL_INPUT_LATEST;

	r = req(CHANNEL_GET, "msisdn=855&msg=%E1%9F%A1&op=begin", "");
	ck_assert_int_eq(channel_parse(&ch, &r, &ev, &cause), 0);
	ck_assert_str_eq(ev.session_id, "hs1");
	ck_assert_str_eq(ev.phone, "855");
	ck_assert_str_eq(ev.input, "១");
	ck_assert_ptr_null(ev.history);
	ck_assert_int_eq(ev.start, CHANNEL_START_NEW);
	channel_event_clear(&ev);

	r = req(CHANNEL_GET, "msisdn=855&op=continue", "");
	ck_assert_int_eq(channel_parse(&ch, &r, &ev, &cause), 0);
	ck_assert_str_eq(ev.input, "");
	ck_assert_int_eq(ev.start, CHANNEL_START_CONTINUE);
	ck_assert_int_eq(ev.ended, 0);
	channel_event_clear(&ev);

	r = req(CHANNEL_GET, "msisdn=855&op=end", "");
	ck_assert_int_eq(channel_parse(&ch, &r, &ev, &cause), 0);
	ck_assert_int_eq(ev.ended, 1);
	channel_event_clear(&ev);

	refused(&ch, req(CHANNEL_GET, "op=begin", ""), "missing phone field");
	refused(&ch, req(CHANNEL_GET, "msisdn=1&x=%4", ""),
	    "invalid percent-encoding");
	/* channel_field_parse replaces (and frees) the previous name. */
	ck_assert_int_eq(channel_field_parse("header:X-Bad", &ch.f_phone), 0);
	refused(&ch, req(CHANNEL_GET, "", ""), "invalid UTF-8 in a header");
	free(ch.f_session.name);
	free(ch.f_phone.name);
	free(ch.f_input.name);
	free(ch.f_new.name);
}
END_TEST

/* A generic JSON channel: dotted paths, integers, bad bodies. */
START_TEST(test_generic_json)
{
	struct channel		 ch;
	struct channel_request	 r;
	struct channel_event	 ev;
	const char		*cause;

	memset(&ch, 0, sizeof(ch));
	ch.name = "j";
	ch.kind = CHANNEL_GENERIC;
	ch.method = CHANNEL_POST;
	ch.body = CHANNEL_BODY_JSON;
	channel_field_parse("session.id", &ch.f_session);
	channel_field_parse("msisdn", &ch.f_phone);
	channel_field_parse("text", &ch.f_input);
	channel_field_parse("messageId", &ch.f_hop);
	ch.newsig = CHANNEL_NEW_UNKNOWN_SESSION;
	ch.input_mode = CHANNEL_INPUT_HISTORY;
	ch.separator = "*";

	r = req(CHANNEL_POST, NULL, "{\"session\": {\"id\": 42}, \"msisdn\": "
	    "\"855\", \"text\": \"1*2\", \"messageId\": 7}");
	ck_assert_int_eq(channel_parse(&ch, &r, &ev, &cause), 0);
	ck_assert_str_eq(ev.session_id, "42");
	ck_assert_str_eq(ev.hop_id, "7");
	ck_assert_str_eq(ev.history, "1*2");
	ck_assert_str_eq(ev.separator, "*");
	ck_assert_int_eq(ev.start, CHANNEL_START_UNKNOWN);
	channel_event_clear(&ev);

	refused(&ch, req(CHANNEL_POST, NULL, "{\"msisdn\": "), "invalid JSON "
	    "body");
	refused(&ch, req(CHANNEL_POST, NULL, "[1]"), "the JSON body must be "
	    "an object");
	refused(&ch, req(CHANNEL_POST, NULL, "{\"session\": {\"id\": [1]}, "
	    "\"msisdn\": \"1\"}"), "a JSON field must be a string or an "
	    "integer");
	refused(&ch, req(CHANNEL_POST, NULL, "{\"msisdn\": \"1\"}"),
	    "missing session id field");
	refused(&ch, req(CHANNEL_POST, NULL, "{\"a\": 1, \"a\": 2}"),
	    "invalid JSON body");
	free(ch.f_session.name);
	free(ch.f_phone.name);
	free(ch.f_input.name);
	free(ch.f_hop.name);
}
END_TEST

/* Field specs: prefixes and refusals. */
START_TEST(test_field_spec)
{
	struct channel_field	 f;

	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(channel_field_parse("query:a", &f), 0);
	ck_assert_int_eq(f.where, CHANNEL_FROM_QUERY);
	ck_assert_str_eq(f.name, "a");
	ck_assert_int_eq(channel_field_parse("body:b.c", &f), 0);
	ck_assert_int_eq(f.where, CHANNEL_FROM_BODY);
	ck_assert_str_eq(f.name, "b.c");
	ck_assert_int_eq(channel_field_parse("header:", &f), -1);
	ck_assert_int_eq(channel_field_parse("cookie:x", &f), -1);
	free(f.name);
}
END_TEST

/* Replies: CON/END text and the configured JSON object. */
START_TEST(test_replies)
{
	struct channel		 ch;
	struct channel_reply	 rep = { "សួស្តី\n1. ក", 0 };
	struct channel_response	 out;

	memset(&ch, 0, sizeof(ch));
	ch.kind = CHANNEL_AT;
	ck_assert_int_eq(channel_format(&ch, &rep, &out), 0);
	ck_assert_str_eq(out.body, "CON សួស្តី\n1. ក");
	ck_assert_uint_eq(out.len, strlen("CON សួស្តី\n1. ក"));
	ck_assert_str_eq(out.content_type, "text/plain; charset=utf-8");
	free(out.body);
	rep.end = 1;
	ck_assert_int_eq(channel_format(&ch, &rep, &out), 0);
	ck_assert_str_eq(out.body, "END សួស្តី\n1. ក");
	free(out.body);

	ch.kind = CHANNEL_GENERIC;
	ch.reply = CHANNEL_REPLY_JSON;
	ch.reply_text = "response";
	ch.reply_action = "action";
	ch.reply_continue = "FC";
	ch.reply_end = "FB";
	ck_assert_int_eq(channel_format(&ch, &rep, &out), 0);
	ck_assert_str_eq(out.body,
	    "{\"response\":\"សួស្តី\\n1. ក\",\"action\":\"FB\"}");
	ck_assert_str_eq(out.content_type, "application/json");
	free(out.body);

	/* Clearing a reply frees its text and leaves it empty; twice is fine. */
	rep.text = strdup("012 999 888\n1. Correct");
	ck_assert_ptr_nonnull(rep.text);
	channel_reply_clear(&rep);
	ck_assert_ptr_null(rep.text);
	ck_assert_int_eq(rep.end, 0);
	channel_reply_clear(&rep);
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
	tcase_add_test(tc, test_generic_get);
	tcase_add_test(tc, test_generic_json);
	tcase_add_test(tc, test_field_spec);
	tcase_add_test(tc, test_replies);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
