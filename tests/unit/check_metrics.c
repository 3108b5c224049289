/* SPDX-License-Identifier: ISC */
/*
 * check_metrics: counting and the text exposition format. Each family's
 * HELP and TYPE lines, samples by channel and reason, a histogram's
 * cumulative buckets, label values escaped, names past the slots counted
 * under "other", and end reasons not known counted as "other".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <event2/buffer.h>

#include "metrics.h"

/* The rendering of m as a new string. */
static char *
render(const struct metrics *m)
{
	struct evbuffer	*b = evbuffer_new();
	char		*s;
	size_t		 n;

	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(metrics_render(m, b), 0);
	n = evbuffer_get_length(b);
	s = malloc(n + 1);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(evbuffer_remove(b, s, n), (int)n);
	s[n] = '\0';
	evbuffer_free(b);
	return s;
}

/* Whether text holds line as a whole line. */
static int
has_line(const char *text, const char *line)
{
	const char	*p = text;
	size_t		 n = strlen(line);

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return 1;
		p += n;
	}
	return 0;
}

START_TEST(test_sessions)
{
	struct metrics	*m = metrics_new();
	char		*t;

	ck_assert_ptr_nonnull(m);
	metrics_session_start(m, "at");
	metrics_session_start(m, "at");
	metrics_session_start(m, "kannel");
	metrics_session_end(m, "at", "ended");
	metrics_session_end(m, "at", "quick_exit");
	metrics_session_end(m, "kannel", "something new");
	metrics_hop(m, "at");
	metrics_hop(m, "at");
	metrics_hop(m, "at");
	metrics_page(m, "kannel");
	t = render(m);
	ck_assert(has_line(t, "# TYPE hotlined_sessions_started_total "
	    "counter"));
	ck_assert(has_line(t, "# HELP hotlined_sessions_started_total "
	    "Sessions started, by channel."));
	ck_assert(has_line(t, "hotlined_sessions_started_total"
	    "{channel=\"at\"} 2"));
	ck_assert(has_line(t, "hotlined_sessions_started_total"
	    "{channel=\"kannel\"} 1"));
	ck_assert(has_line(t, "hotlined_sessions_ended_total"
	    "{channel=\"at\",reason=\"completed\"} 1"));
	ck_assert(has_line(t, "hotlined_sessions_ended_total"
	    "{channel=\"at\",reason=\"quick_exit\"} 1"));
	ck_assert(has_line(t, "hotlined_sessions_ended_total"
	    "{channel=\"at\",reason=\"timeout\"} 0"));
	ck_assert(has_line(t, "hotlined_sessions_ended_total"
	    "{channel=\"kannel\",reason=\"other\"} 1"));
	ck_assert_ptr_null(strstr(t, "something new"));
	ck_assert(has_line(t, "hotlined_hops_total{channel=\"at\"} 3"));
	ck_assert(has_line(t, "hotlined_hops_total{channel=\"kannel\"} 0"));
	ck_assert(has_line(t, "hotlined_more_pages_total{channel=\"at\"} 0"));
	ck_assert(has_line(t, "hotlined_more_pages_total"
	    "{channel=\"kannel\"} 1"));
	free(t);
	metrics_free(m);
}
END_TEST

START_TEST(test_histogram)
{
	struct metrics	*m = metrics_new();
	char		*t;

	ck_assert_ptr_nonnull(m);
	metrics_latency(m, METRICS_WEBHOOKS, 3);
	metrics_latency(m, METRICS_WEBHOOKS, 40);
	metrics_latency(m, METRICS_WEBHOOKS, 60000);
	metrics_latency(m, METRICS_API, -5);	/* a clock step: 0 */
	t = render(m);
	ck_assert(has_line(t, "# TYPE hotlined_http_request_duration_seconds "
	    "histogram"));
	ck_assert(has_line(t, "hotlined_http_request_duration_seconds_bucket"
	    "{listener=\"webhooks\",le=\"0.005\"} 1"));
	ck_assert(has_line(t, "hotlined_http_request_duration_seconds_bucket"
	    "{listener=\"webhooks\",le=\"0.025\"} 1"));
	ck_assert(has_line(t, "hotlined_http_request_duration_seconds_bucket"
	    "{listener=\"webhooks\",le=\"0.05\"} 2"));
	ck_assert(has_line(t, "hotlined_http_request_duration_seconds_bucket"
	    "{listener=\"webhooks\",le=\"10\"} 2"));
	ck_assert(has_line(t, "hotlined_http_request_duration_seconds_bucket"
	    "{listener=\"webhooks\",le=\"+Inf\"} 3"));
	ck_assert(has_line(t, "hotlined_http_request_duration_seconds_sum"
	    "{listener=\"webhooks\"} 60.043"));
	ck_assert(has_line(t, "hotlined_http_request_duration_seconds_count"
	    "{listener=\"webhooks\"} 3"));
	ck_assert(has_line(t, "hotlined_http_request_duration_seconds_bucket"
	    "{listener=\"api\",le=\"0.005\"} 1"));
	ck_assert(has_line(t, "hotlined_http_request_duration_seconds_sum"
	    "{listener=\"api\"} 0.000"));
	free(t);
	metrics_free(m);
}
END_TEST

START_TEST(test_labels)
{
	struct metrics	*m = metrics_new();
	char		 name[16];
	char		*t;
	int		 i;

	ck_assert_ptr_nonnull(m);
	metrics_alert(m, "web\"hook\\x\ny", 1);
	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "t%d", i);
		metrics_alert(m, name, 0);
	}
	metrics_sms_parts(m, "UCS-2", 3);
	metrics_count(m, METRICS_CB_CREATED);
	metrics_set(m, METRICS_WAITING, 4);
	metrics_reload(m, 0, 1700000000);
	t = render(m);
	ck_assert(has_line(t, "hotlined_alerts_delivered_total"
	    "{transport=\"web\\\"hook\\\\x\\ny\"} 1"));
	/* 32 slots: the escaped one, t0..t29, and "other" for the rest. */
	ck_assert(has_line(t, "hotlined_alerts_failed_total"
	    "{transport=\"t29\"} 1"));
	ck_assert_ptr_null(strstr(t, "\"t30\""));
	ck_assert(has_line(t, "hotlined_alerts_failed_total"
	    "{transport=\"other\"} 10"));
	ck_assert(has_line(t, "hotlined_sms_parts_sent_total"
	    "{encoding=\"GSM-7\"} 0"));
	ck_assert(has_line(t, "hotlined_sms_parts_sent_total"
	    "{encoding=\"UCS-2\"} 3"));
	ck_assert(has_line(t, "hotlined_callbacks_created_total 1"));
	ck_assert(has_line(t, "hotlined_callbacks_waiting 4"));
	ck_assert(has_line(t, "hotlined_reloads_total{result=\"failed\"} 1"));
	ck_assert(has_line(t, "hotlined_last_reload_success 0"));
	ck_assert(has_line(t, "hotlined_last_reload_timestamp_seconds "
	    "1700000000"));
	free(t);
	metrics_free(m);
	/* Counting into no set is a no-op. */
	metrics_hop(NULL, "at");
	metrics_count(NULL, METRICS_CB_CLAIMED);
}
END_TEST

static Suite *
metrics_suite(void)
{
	Suite	*s = suite_create("metrics");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_sessions);
	tcase_add_test(tc, test_histogram);
	tcase_add_test(tc, test_labels);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(metrics_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
