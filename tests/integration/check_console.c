/* SPDX-License-Identifier: ISC */
/*
 * The counsellors' console in a real browser: headless Chromium driven by
 * Selenium (tests/browser/console_test.py, run with Debian's python3),
 * against the real hotlined with tests/data/callback (flow.c), an urgent
 * request stored by a USSD session first (its alert to c1 carries the
 * one-time link the "link" scenario opens). One test per scenario of the
 * script; each gets a fresh daemon. Screenshots go to $CONSOLE_SHOTS
 * (default ./console-shots): console-queue.png and console-request.png
 * are the ones docs/console.md shows.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "flow.h"

#define PYTHON		"/usr/bin/python3"
#define SCRIPT		"tests/browser/console_test.py"
#define IDLE_SHORT	3	/* seconds: the "expired" scenario */

static int	idle;	/* console.idle of the next daemon, 0: default */

/* Before the launch: a short idle expiry when the scenario needs one. */
static void
prepare(void)
{
	json_t		*conf;
	json_error_t	 jerr;
	char		*path;

	if (idle == 0)
		return;
	path = harness_path(h, "hotlined.conf");
	conf = json_load_file(path, 0, &jerr);
	ck_assert_msg(conf != NULL, "%s", jerr.text);
	json_object_set_new(conf, "console", json_pack("{s:i}", "idle", idle));
	ck_assert_int_eq(json_dump_file(conf, path, JSON_INDENT(2)), 0);
	json_decref(conf);
	free(path);
}

/* A daemon on duty with one urgent request; its reference. */
static char *
start_console(int idle_seconds)
{
	struct cb_opts	 o;
	char		*w, *f;

	idle = idle_seconds;
	memset(&o, 0, sizeof(o));
	o.escalate = 600;
	o.retry = 1;
	o.prepare = prepare;
	start(&o);
	w = walk("console-1", PHONE, NULL, "1");
	f = last_hop(w, "1");
	free(w);
	free(at_hop("console-1", PHONE, f));
	free(f);
	return listed_ref(0, 1);
}

/* The one-time link the first alert to c1 carried about ref (new string). */
static char *
alert_link(const char *ref)
{
	struct receiver_request	 q;
	json_t			*v, *data;
	char			*link;

	ck_assert_int_eq(receiver_wait(rcv, "/c1", 1, 5000), 0);
	q = got("/c1", 0);
	v = json_loadb(q.body, q.len, 0, NULL);
	ck_assert_ptr_nonnull(v);
	data = json_object_get(v, "data");
	ck_assert_str_eq(json_string_value(json_object_get(data, "ref")), ref);
	link = strdup(json_string_value(json_object_get(data, "open_url")));
	json_decref(v);
	receiver_request_clear(&q);
	return link;
}

/* Run one scenario of the browser script; it must pass. */
static void
scenario(const char *name, int idle_seconds)
{
	const char	*shots = getenv("CONSOLE_SHOTS");
	char		*ref, *script, *url, *out = NULL, *err = NULL;
	char		*link;
	int		 st = -1, rc;

	if (shots == NULL)
		shots = "console-shots";
	(void)mkdir(shots, 0755);
	ref = start_console(idle_seconds);
	link = alert_link(ref);
	script = src_path(SCRIPT);
	ck_assert_int_ne(asprintf(&url, "http://127.0.0.1:%d", api_port), -1);
	{
		char *const argv[] = {
			PYTHON, script, (char *)name, "--url", url,
			"--token", TOK_C1, "--token2", TOK_C2,
			"--supervisor-token", TOK_S1, "--ref", ref,
			"--number", PHONE, "--shots", (char *)shots,
			"--link", link, NULL
		};

		rc = harness_run(argv, 150000, &st, &out, &err);
	}
	ck_assert_msg(rc == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "scenario %s failed (run %d, status %#x):\n%s\n%s", name, rc,
	    (unsigned)st, out ? out : "", err ? err : "");
	free(out);
	free(err);
	free(link);
	free(url);
	free(script);
	free(ref);
}

/*
 * 1. Sign in, the queue in Khmer, no number before the claim; claim, the
 * number as a tel: link, complete (the screenshots of docs/console.md).
 */
START_TEST(test_claim)
{
	scenario("claim", 0);
}
END_TEST

/* 2. A second counsellor sees who has it, and her claim is refused. */
START_TEST(test_second)
{
	scenario("second", 0);
}
END_TEST

/* 3. A change without the CSRF token is refused; with it, it works. */
START_TEST(test_csrf)
{
	scenario("csrf", 0);
}
END_TEST

/* 4. An idle session ends: the page goes back to sign-in. */
START_TEST(test_expired)
{
	scenario("expired", IDLE_SHORT);
}
END_TEST

/* 5. no-store, the CSP, the cookie's attributes, ETags, a wrong token. */
START_TEST(test_headers)
{
	scenario("headers", 0);
}
END_TEST

/* 6. The supervisors' overview: on duty, open claims, reassign. */
START_TEST(test_supervisor)
{
	scenario("supervisor", 0);
}
END_TEST

/* 7. The language chosen is remembered. */
START_TEST(test_lang)
{
	scenario("lang", 0);
}
END_TEST

/* 8. A one-time link from an alert signs her in once and opens it. */
START_TEST(test_link)
{
	scenario("link", 0);
}
END_TEST

static Suite *
console_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("console");
	tc = tcase_create("console");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_claim);
	tcase_add_test(tc, test_second);
	tcase_add_test(tc, test_csrf);
	tcase_add_test(tc, test_expired);
	tcase_add_test(tc, test_headers);
	tcase_add_test(tc, test_supervisor);
	tcase_add_test(tc, test_lang);
	tcase_add_test(tc, test_link);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return flow_run("check_console", console_suite());
}
