/* SPDX-License-Identifier: ISC */
/*
 * Integration tests of the per-address rate limits on the real hotlined
 * (tests/data/callback, flow.c). On the webhook listener a burst from one
 * address past limits.per_source gets, on the USSD channel's path, the
 * busy END screen with 200 (never an HTTP error for a survivor's
 * gateway), elsewhere a 429 with Retry-After, while a second address
 * (127.0.0.2) is answered as usual; on the API listener the same gets a
 * JSON 429. Every refusal is counted (limited_webhook, limited_api).
 * Rates are 1 a second, so each burst is sent until its first refusal,
 * with no assumption about how fast the machine is. The per-number limit
 * shared by USSD and SMS is in check_sms.c, beside the SMS helpers.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "flow.h"

#define BUSY		"END Police 117. Ambulance 119. Try again in a few " \
			"minutes."
#define OTHER		"127.0.0.2"
#define TRIES		200	/* requests sent at most for one burst */

/* 1 request a second per address, bursts of 10 (webhooks), 3 (API). */
static void
prepare_rates(void)
{
	conf_set_int("limits.per_source.per_second", 1);
	conf_set_int("limits.per_source.burst", 10);
	conf_set_int("limits.api_per_source.per_second", 1);
	conf_set_int("limits.api_per_source.burst", 3);
}

/* The daemon with prepare_rates. */
static void
start_rates(void)
{
	struct cb_opts	 o = { 600, 1, 0, NULL, 0, NULL, NULL,
			    prepare_rates };

	start(&o);
}

/* The first hop of a new session sid from address from (NULL: .1). */
static void
first_hop(const char *from, const char *sid, const char *phone,
    struct harness_reply *rep)
{
	char	*body;

	body = harness_form("sessionId", sid, "serviceCode", "*855#",
	    "phoneNumber", phone, "networkCode", "45601", "text", "", NULL);
	ck_assert_ptr_nonnull(body);
	ck_assert_int_eq(harness_request_from(harness_port(h), from, "POST",
	    AT, FORM_CT, body, strlen(body), NULL, rep), 0);
	free(body);
}

/* Retry-After of rep as a number of seconds (asserted present). */
static long
retry_after(const struct harness_reply *rep)
{
	char	*v;
	long	 n;

	v = harness_reply_header(rep, "Retry-After");
	ck_assert_msg(v != NULL, "no Retry-After in %s", rep->headers);
	n = strtol(v, NULL, 10);
	free(v);
	return n;
}

/*
 * 1. New sessions from one address until the first refusal: each is the
 * main menu with 200, the refused one the busy END screen with 200. The
 * other address starts a session and carries on as usual meanwhile; a
 * path that is not a USSD channel's gets 429 with Retry-After.
 */
START_TEST(test_webhook_burst)
{
	struct harness_reply	 rep;
	char			 sid[32], phone[24];
	int			 i, served = 0, refused = 0;

	start_rates();
	for (i = 0; i < TRIES && refused == 0; i++) {
		snprintf(sid, sizeof(sid), "burst-%d", i);
		snprintf(phone, sizeof(phone), "+8551200%04d", i);
		first_hop(NULL, sid, phone, &rep);
		ck_assert_int_eq(rep.status, 200);
		ck_assert_str_eq(rep.content_type, TEXT_CT);
		if (strcmp(rep.body, S_MAIN) == 0)
			served++;
		else {
			ck_assert_str_eq(rep.body, BUSY);
			refused++;
		}
		harness_reply_clear(&rep);
	}
	ck_assert_int_eq(refused, 1);
	/* At least the burst was served (the launch's /health took some). */
	ck_assert_int_ge(served, 5);

	/* Another gateway is not held back. */
	first_hop(OTHER, "other-1", PHONE2, &rep);
	ck_assert_int_eq(rep.status, 200);
	ck_assert_str_eq(rep.body, S_MAIN);
	harness_reply_clear(&rep);

	/* Anything else from the flooding address: 429. */
	for (i = 0; i < TRIES; i++) {
		ck_assert_int_eq(harness_request_port(harness_port(h), "GET",
		    "/health", NULL, NULL, 0, NULL, &rep), 0);
		if (rep.status != 200)
			break;
		harness_reply_clear(&rep);
	}
	ck_assert_int_eq(rep.status, 429);
	ck_assert_str_eq(rep.body, "too many requests\n");
	ck_assert_int_ge(retry_after(&rep), 1);
	harness_reply_clear(&rep);
	refused++;

	ck_assert_int_eq(harness_counter(h, "limited_webhook"), refused);
	ck_assert_int_eq(harness_counter(h, "limited_api"), 0);
	ck_assert_int_eq(harness_counter(h, "limited_ussd"), 0);
	ck_assert(harness_log_contains(h, "webhooks: addresses over their "
	    "rate"));
}
END_TEST

/*
 * 2. The API from one address until the first refusal: a JSON 429 with
 * Retry-After. The other address is served, and so are the webhooks of
 * the same address (a table of their own).
 */
START_TEST(test_api_burst)
{
	struct harness_reply	 rep;
	json_error_t		 jerr;
	json_t			*v;
	const char		*hdr[2] = { "Authorization: Bearer " TOK_C1,
				    NULL };
	int			 i;

	start_rates();
	for (i = 0; i < TRIES; i++) {
		ck_assert_int_eq(harness_request_port(api_port, "GET",
		    "/api/requests", NULL, NULL, 0, hdr, &rep), 0);
		if (rep.status != 200)
			break;
		harness_reply_clear(&rep);
	}
	ck_assert_int_ge(i, 1);
	ck_assert_int_eq(rep.status, 429);
	ck_assert_str_eq(rep.content_type, JSON_CT);
	v = json_loadb(rep.body, rep.len, 0, &jerr);
	ck_assert_msg(v != NULL, "%s", jerr.text);
	ck_assert_str_eq(json_string_value(json_object_get(v, "error")),
	    "too many requests, try again later");
	json_decref(v);
	ck_assert_int_ge(retry_after(&rep), 1);
	harness_reply_clear(&rep);

	ck_assert_int_eq(harness_request_from(api_port, OTHER, "GET",
	    "/api/requests", NULL, NULL, 0, hdr, &rep), 0);
	ck_assert_int_eq(rep.status, 200);
	harness_reply_clear(&rep);
	at_expect("api-burst", PHONE, "", S_MAIN);

	ck_assert_int_eq(harness_counter(h, "limited_api"), 1);
	ck_assert_int_eq(harness_counter(h, "limited_webhook"), 0);
}
END_TEST

/*
 * 3. A reload turns the webhook limit off: the address refused before
 * is served again, however much it sends.
 */
START_TEST(test_reload_off)
{
	struct harness_reply	 rep;
	char			 sid[32], phone[24];
	int			 i, refused = 0;

	start_rates();
	for (i = 0; i < TRIES && refused == 0; i++) {
		snprintf(sid, sizeof(sid), "before-%d", i);
		snprintf(phone, sizeof(phone), "+8551200%04d", i);
		first_hop(NULL, sid, phone, &rep);
		ck_assert_int_eq(rep.status, 200);
		refused = strcmp(rep.body, BUSY) == 0;
		harness_reply_clear(&rep);
	}
	ck_assert_int_eq(refused, 1);
	conf_set_int("limits.per_source.per_second", 0);
	ck_assert_int_eq(harness_signal(h, SIGHUP), 0);
	ck_assert_int_eq(harness_wait_log(h, "reloaded ", 1, 5000), 0);
	for (i = 0; i < 30; i++) {
		snprintf(sid, sizeof(sid), "after-%d", i);
		snprintf(phone, sizeof(phone), "+8551300%04d", i);
		first_hop(NULL, sid, phone, &rep);
		ck_assert_int_eq(rep.status, 200);
		ck_assert_str_eq(rep.body, S_MAIN);
		harness_reply_clear(&rep);
	}
	ck_assert_int_eq(harness_counter(h, "limited_webhook"), 1);
}
END_TEST

/* The rates suite. */
static Suite *
rates_suite(void)
{
	Suite	*s = suite_create("rates");
	TCase	*tc = tcase_create("rates");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_webhook_burst);
	tcase_add_test(tc, test_api_burst);
	tcase_add_test(tc, test_reload_off);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return flow_run("check_rates", rates_suite());
}
