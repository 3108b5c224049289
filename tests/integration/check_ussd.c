/* SPDX-License-Identifier: ISC */
/*
 * Integration tests for USSD: the real hotlined, started by harness.c on a
 * copy of tests/data/ussd, driven through whole sessions over HTTP on every
 * channel format, with the exact reply of every hop. Also paging on a small
 * screen, aggregator retries, time-outs, refusals of bad requests, what the
 * log must never hold, reload under SIGHUP, SIGTERM/SIGINT, "hotlined -t"
 * and the shipped sample configuration. Needs HOTLINED_BIN and TOP_SRCDIR.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <curl/curl.h>
#include <jansson.h>

#include "harness.h"

#define AT		"/ussd/africastalking"
#define SMALL		"/ussd/small"
#define GFORM		"/ussd/gform"
#define GJSON		"/ussd/gjson/path-token-9876543210"
#define GHIST		"/ussd/ghist"
#define GFORM_TOKEN	"X-Hotlined-Token: test-token-0123456789"
#define FORM_CT		"application/x-www-form-urlencoded"
#define TEXT_CT		"text/plain; charset=utf-8"

/* A distinctive caller, and a safe number typed by that caller. */
#define PHONE		"+85512345678"
#define PHONE_DIGITS	"85512345678"
#define SAFE_TYPED	"098765432"
#define SAFE_DIGITS	"98765432"

#define ZWSP		"\xe2\x80\x8b"	/* U+200B, a Khmer word break */
#define COENG		0x17d2		/* must never end a page */

/* The screens of tests/data/ussd/menus/test.json. */
#define KM_WELCOME	"សូមស្វាគមន៍"
#define KM_MAIN_OPTS	"1. ជំនួយបន្ទាន់\n2. សុវត្ថិភាព\n3. ហៅមកវិញ\n" \
			"4. English\n99. ចាកចេញ"
#define KM_MAIN		KM_WELCOME "\n" KM_MAIN_OPTS
#define KM_MORE		"98. បន្ទាប់"
#define KM_BACK		"0. ថយក្រោយ"
#define KM_FOOT		"\n" KM_MORE "\n" KM_BACK
#define KM_INVALID	"ខុស"
#define KM_EXIT		"អរគុណ។"
#define KM_EXPIRED	"សូមចុចម្តងទៀត។"
#define KM_DANGER	"ប៉ូលិស 117"
#define KM_TIPS_P0	"ត្រៀមលេខទូរស័ព្ទ" ZWSP "និងឯកសារ" ZWSP \
			"ឱ្យរួចរាល់។ គិតទុកកន្លែង"
#define KM_TIPS_P1	"ដែលមានសុវត្ថិភាព។"
#define KM_TIPS2	"លុបសារ។"
#define KM_Q_SAFE	"ហៅលេខនេះបានទេ?\n1. បាន\n2. មិនបាន"
#define KM_Q_NUMBER	"វាយលេខដែលមានសុវត្ថិភាព"
#define KM_Q_WHEN	"ពេលណា?\n1. ឥឡូវនេះ\n2. ព្រឹក\n3. ល្ងាច"
#define KM_Q_AGE	"អាយុ?"
#define KM_DONE		"អរគុណ។ រួចរាល់។"
#define EN_MAIN		"Welcome\n1. Urgent help\n2. Safety\n" \
			"3. Call me back\n4. ភាសាខ្មែរ\n99. Exit"
#define EN_TIPS		"Keep important numbers and papers ready. Plan a " \
			"safe place to go. Agree a signal with a neighbour " \
			"you trust."
#define EN_FOOT		"\n98. More\n0. Back"

static struct harness	*h;	/* the daemon of the running test */

/*
 * Every daemon must stop cleanly (harness_check_stop). A failing test
 * never gets here: its daemon dies with it (harness.c) and main removes
 * the files. No setup: each test starts from h NULL, the daemon it needs
 * not started yet.
 */
static void
teardown(void)
{
	harness_check_stop(&h);
}

/* A path below $TOP_SRCDIR (new string). */
static char *
src_path(const char *rel)
{
	char	*p;

	ck_assert_int_ne(asprintf(&p, "%s/%s", getenv("TOP_SRCDIR"), rel),
	    -1);
	return p;
}

/* Start the daemon on a fresh copy of tests/data/ussd. */
static void
start_fixture(void)
{
	char	*fix;

	fix = src_path("tests/data/ussd");
	h = harness_start(fix);
	ck_assert_msg(h != NULL, "cannot start hotlined on %s (see stderr)",
	    fix);
	free(fix);
}

/*
 * UTF-16 code units of a UTF-8 string (what a UCS-2 screen budget counts:
 * 1 per code point, 2 above U+FFFF); *last gets the last code point.
 */
static size_t
utf16_units(const char *s, uint32_t *last)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n = 0, len, i;
	uint32_t		 cp;

	*last = 0;
	while (*p != '\0') {
		if (*p < 0x80) {
			cp = *p;
			len = 1;
		} else if ((*p & 0xe0) == 0xc0) {
			cp = *p & 0x1f;
			len = 2;
		} else if ((*p & 0xf0) == 0xe0) {
			cp = *p & 0x0f;
			len = 3;
		} else {
			ck_assert_msg((*p & 0xf8) == 0xf0, "bad UTF-8 lead");
			cp = *p & 0x07;
			len = 4;
		}
		for (i = 1; i < len; i++) {
			ck_assert_msg((p[i] & 0xc0) == 0x80, "bad UTF-8 in "
			    "\"%s\"", s);
			cp = cp << 6 | (p[i] & 0x3f);
		}
		n += cp > 0xffff ? 2 : 1;
		*last = cp;
		p += len;
	}
	return n;
}

/* Whether s holds a Khmer letter, sign or digit (U+1780..U+17FF). */
static int
has_khmer(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;

	/* U+1780..U+17FF is E1 9E 80 .. E1 9F BF in UTF-8. */
	for (; *p != '\0'; p++)
		if (p[0] == 0xe1 && (p[1] == 0x9e || p[1] == 0x9f))
			return 1;
	return 0;
}

/* A CON/END body fits limit units and does not end inside a cluster. */
static void
check_fits(const char *body, size_t limit)
{
	uint32_t	 last;
	size_t		 n;

	ck_assert_msg(strncmp(body, "CON ", 4) == 0 ||
	    strncmp(body, "END ", 4) == 0, "not CON/END: \"%s\"", body);
	n = utf16_units(body + 4, &last);
	ck_assert_msg(n <= limit, "screen of %zu units over %zu: \"%s\"", n,
	    limit, body + 4);
	ck_assert_msg(last != COENG, "screen ends in COENG: \"%s\"", body);
}

/* Post one Africa's Talking hop to path; return the 200 text/plain body. */
static char *
at_hop(const char *path, const char *sid, const char *text)
{
	struct harness_reply	 rep;
	char			*body, *out;

	body = harness_form("sessionId", sid, "serviceCode", "*855#",
	    "phoneNumber", PHONE, "networkCode", "45601", "text", text, NULL);
	ck_assert_ptr_nonnull(body);
	ck_assert_int_eq(harness_post(h, path, FORM_CT, body, NULL, &rep), 0);
	free(body);
	ck_assert_msg(rep.status == 200, "%s %s text=\"%s\": status %ld: %s",
	    path, sid, text, rep.status, rep.body);
	ck_assert_str_eq(rep.content_type, TEXT_CT);
	out = rep.body;
	rep.body = NULL;
	harness_reply_clear(&rep);
	return out;
}

/* Post one hop and check the exact reply. */
static void
at_expect(const char *path, const char *sid, const char *text,
    const char *want)
{
	char	*got;

	got = at_hop(path, sid, text);
	ck_assert_msg(strcmp(got, want) == 0, "%s %s text=\"%s\":\n got "
	    "\"%s\"\nwant \"%s\"", path, sid, text, got, want);
	free(got);
}

/* A hop on the small channel: within its 40 units, and exact. */
static void
small_expect(const char *sid, const char *text, const char *want)
{
	char	*got;

	got = at_hop(SMALL, sid, text);
	check_fits(got, 40);
	ck_assert_msg(strcmp(got, want) == 0, "%s %s text=\"%s\":\n got "
	    "\"%s\"\nwant \"%s\"", SMALL, sid, text, got, want);
	free(got);
}

/* Send a request and check status, content type and the exact body. */
static void
req_expect(const char *method, const char *path, const char *ct,
    const char *body, const char *const *headers, long status,
    const char *want_ct, const char *want)
{
	struct harness_reply	 rep;

	ck_assert_int_eq(harness_request(h, method, path, ct, body,
	    body != NULL ? strlen(body) : 0, headers, &rep), 0);
	ck_assert_msg(rep.status == status, "%s %s: status %ld, want %ld: %s",
	    method, path, rep.status, status, rep.body);
	ck_assert_str_eq(rep.content_type, want_ct);
	ck_assert_str_eq(rep.body, want);
	harness_reply_clear(&rep);
}

/*
 * The daemon still answers its liveness probe, with "ok" and no counter,
 * and its counters (logged on SIGUSR1) say n live sessions.
 */
static void
health_expect(unsigned n)
{
	struct harness_reply	 rep;

	ck_assert_int_eq(harness_get(h, "/health", NULL, &rep), 0);
	ck_assert_int_eq(rep.status, 200);
	ck_assert_str_eq(rep.content_type, "text/plain");
	ck_assert_str_eq(rep.body, "ok\n");
	harness_reply_clear(&rep);
	ck_assert_int_eq(harness_counter(h, "sessions"), n);
}

/* Copy of s with the first from replaced by to (which must occur). */
static char *
replace_once(const char *s, const char *from, const char *to)
{
	const char	*p;
	char		*out;

	p = strstr(s, from);
	ck_assert_msg(p != NULL, "\"%s\" not found", from);
	ck_assert_int_ne(asprintf(&out, "%.*s%s%s", (int)(p - s), s, to,
	    p + strlen(from)), -1);
	return out;
}

/* Line and column (both from 1, in code points) of needle in text. */
static void
locate(const char *text, const char *needle, int *line, int *col)
{
	const char	*p, *q;

	p = strstr(text, needle);
	ck_assert_msg(p != NULL, "\"%s\" not found", needle);
	*line = 1;
	*col = 1;
	for (q = text; q < p; q++) {
		if (*q == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)*q & 0xc0) != 0x80)
			(*col)++;
	}
}

/* Run "$HOTLINED_BIN -t -c conf"; collect status, stdout and stderr. */
static void
run_check(const char *conf, int *status, char **out, char **err)
{
	char	*argv[5];

	argv[0] = getenv("HOTLINED_BIN");
	argv[1] = (char *)"-t";
	argv[2] = (char *)"-c";
	argv[3] = (char *)conf;
	argv[4] = NULL;
	ck_assert_int_eq(harness_run(argv, 10000, status, out, err), 0);
	ck_assert_msg(WIFEXITED(*status), "hotlined -t did not exit");
}

/*
 * Started as root the daemon needs -u (and an unknown user is refused);
 * as anyone else, -u can only name themselves. It says why and exits 1
 * before it reads a file.
 */
START_TEST(test_user)
{
	char	*argv[6], *out, *err;
	int	 st;

	argv[0] = getenv("HOTLINED_BIN");
	argv[1] = (char *)"-c";
	argv[2] = (char *)"/nonexistent/hotlined.conf";
	argv[3] = NULL;
	ck_assert_int_eq(harness_run(argv, 10000, &st, &out, &err), 0);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	if (geteuid() == 0)
		ck_assert_msg(strstr(err, "refusing to run as root") != NULL,
		    "%s", err);
	free(out);
	free(err);
	argv[3] = (char *)"-u";
	argv[4] = (char *)"no-such-user-hl";
	argv[5] = NULL;
	ck_assert_int_eq(harness_run(argv, 10000, &st, &out, &err), 0);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	ck_assert_msg(strstr(err, "-u no-such-user-hl: no such user") != NULL,
	    "%s", err);
	free(out);
	free(err);
	if (geteuid() != 0)
		return;
	/* Root drops to nobody before reading the file (which nobody may
	 * not read anyway: it does not exist). */
	argv[4] = (char *)"nobody";
	ck_assert_int_eq(harness_run(argv, 10000, &st, &out, &err), 0);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	ck_assert_msg(strstr(err, "refusing") == NULL && strstr(err,
	    "/nonexistent/hotlined.conf") != NULL, "%s", err);
	free(out);
	free(err);
}
END_TEST

/* Whether s ends with suffix. */
static int
ends_with(const char *s, const char *suffix)
{
	size_t	 a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* A whole call-back request in Khmer, to its END screen. */
START_TEST(test_at_callback_walk)
{
	start_fixture();
	health_expect(0);
	at_expect(AT, "w1", "", "CON " KM_MAIN);
	at_expect(AT, "w1", "3", "CON " KM_Q_SAFE "\n" KM_BACK);
	at_expect(AT, "w1", "3*2", "CON " KM_Q_NUMBER "\n" KM_BACK);
	health_expect(1);
	at_expect(AT, "w1", "3*2*" SAFE_TYPED, "CON " KM_Q_WHEN "\n" KM_BACK);
	at_expect(AT, "w1", "3*2*" SAFE_TYPED "*2", "CON " KM_Q_AGE "\n"
	    KM_BACK);
	/* "១៨": Khmer digits are digits. */
	at_expect(AT, "w1", "3*2*" SAFE_TYPED "*2*១៨", "END " KM_DONE);
	health_expect(0);
	ck_assert(harness_log_contains(h, "ended after 6 hops"));
}
END_TEST

/* Paging an info screen, "more" into the next node, back and main. */
START_TEST(test_at_more_back_main)
{
	start_fixture();
	at_expect(AT, "m1", "", "CON " KM_MAIN);
	at_expect(AT, "m1", "2", "CON " KM_TIPS_P0 KM_FOOT);
	at_expect(AT, "m1", "2*98", "CON " KM_TIPS_P1 KM_FOOT);
	at_expect(AT, "m1", "2*98*98", "CON " KM_TIPS2 "\n" KM_BACK);
	/* Back returns to the page we left, then page by page. */
	at_expect(AT, "m1", "2*98*98*0", "CON " KM_TIPS_P1 KM_FOOT);
	at_expect(AT, "m1", "2*98*98*0*0", "CON " KM_TIPS_P0 KM_FOOT);
	at_expect(AT, "m1", "2*98*98*0*0*0", "CON " KM_MAIN);
	/* Back at the start is a no-op, not an error. */
	at_expect(AT, "m1", "2*98*98*0*0*0*0", "CON " KM_MAIN);
	at_expect(AT, "m1", "2*98*98*0*0*0*0*2", "CON " KM_TIPS_P0 KM_FOOT);
	at_expect(AT, "m1", "2*98*98*0*0*0*0*2*98", "CON " KM_TIPS_P1
	    KM_FOOT);
	at_expect(AT, "m1", "2*98*98*0*0*0*0*2*98*98", "CON " KM_TIPS2 "\n"
	    KM_BACK);
	at_expect(AT, "m1", "2*98*98*0*0*0*0*2*98*98*00", "CON " KM_MAIN);
	at_expect(AT, "m1", "2*98*98*0*0*0*0*2*98*98*00*1", "END " KM_DANGER);
}
END_TEST

/* Option 4 cycles the language; it lasts until switched back. */
START_TEST(test_at_language)
{
	start_fixture();
	at_expect(AT, "l1", "", "CON " KM_MAIN);
	at_expect(AT, "l1", "4", "CON " EN_MAIN);
	/* English tips are GSM-7: one page of the 182 septets. */
	at_expect(AT, "l1", "4*2", "CON " EN_TIPS EN_FOOT);
	at_expect(AT, "l1", "4*2*98", "CON Delete messages.\n0. Back");
	at_expect(AT, "l1", "4*2*98*00", "CON " EN_MAIN);
	/*
	 * With the error line the English menu needs two pages, each under
	 * the error line; "more" pages through them.
	 */
	at_expect(AT, "l1", "4*2*98*00*7", "CON Invalid choice.\nWelcome\n"
	    "1. Urgent help\n2. Safety\n3. Call me back\n98. More");
	at_expect(AT, "l1", "4*2*98*00*7*98", "CON Invalid choice.\n"
	    "4. ភាសាខ្មែរ\n99. Exit\n0. Back");
	at_expect(AT, "l1", "4*2*98*00*7*98*4", "CON " KM_MAIN);
	at_expect(AT, "l1", "4*2*98*00*7*98*4*4", "CON " EN_MAIN);
	/* The quick exit says the same in every language. */
	at_expect(AT, "l1", "4*2*98*00*7*98*4*4*99", "END " KM_EXIT);

	at_expect(AT, "l2", "", "CON " KM_MAIN);
	at_expect(AT, "l2", "99", "END " KM_EXIT);
}
END_TEST

/* A wrong answer re-shows the screen under the "invalid" line. */
START_TEST(test_at_invalid)
{
	start_fixture();
	at_expect(AT, "i1", "", "CON " KM_MAIN);
	at_expect(AT, "i1", "7", "CON " KM_INVALID "\n" KM_MAIN);
	/* "More" on the one page: the page again, no longer an error. */
	at_expect(AT, "i1", "7*98", "CON " KM_MAIN);
	/* "១" is Khmer one. */
	at_expect(AT, "i1", "7*98*១", "END " KM_DANGER);

	at_expect(AT, "i2", "", "CON " KM_MAIN);
	at_expect(AT, "i2", "3", "CON " KM_Q_SAFE "\n" KM_BACK);
	at_expect(AT, "i2", "3*5", "CON " KM_INVALID "\n" KM_Q_SAFE "\n"
	    KM_BACK);
	at_expect(AT, "i2", "3*5*2", "CON " KM_Q_NUMBER "\n" KM_BACK);
	at_expect(AT, "i2", "3*5*2*12345", "CON " KM_INVALID "\n"
	    KM_Q_NUMBER "\n" KM_BACK);
	at_expect(AT, "i2", "3*5*2*12345*+855 12 345 678", "CON " KM_Q_WHEN
	    "\n" KM_BACK);
	at_expect(AT, "i2", "3*5*2*12345*+855 12 345 678*3", "CON " KM_Q_AGE
	    "\n" KM_BACK);
	/* Outside 12..99, a letter; "99" is the exit key, not an age. */
	at_expect(AT, "i2", "3*5*2*12345*+855 12 345 678*3*11", "CON "
	    KM_INVALID "\n" KM_Q_AGE "\n" KM_BACK);
	at_expect(AT, "i2", "3*5*2*12345*+855 12 345 678*3*11*100", "CON "
	    KM_INVALID "\n" KM_Q_AGE "\n" KM_BACK);
	at_expect(AT, "i2", "3*5*2*12345*+855 12 345 678*3*11*100*2a", "CON "
	    KM_INVALID "\n" KM_Q_AGE "\n" KM_BACK);
	at_expect(AT, "i2", "3*5*2*12345*+855 12 345 678*3*11*100*2a*99",
	    "END " KM_EXIT);
}
END_TEST

/* A hop for a session the daemon never saw ends with "expired". */
START_TEST(test_at_unknown_session)
{
	start_fixture();
	at_expect(AT, "never-seen", "1", "END " KM_EXPIRED);
	at_expect(AT, "never-seen", "1*2", "END " KM_EXPIRED);
	health_expect(0);
	/* The id is then free for a real session. */
	at_expect(AT, "never-seen", "", "CON " KM_MAIN);
}
END_TEST

/* After idle_timeout (5 s) without a hop the session is wiped. */
START_TEST(test_at_idle_timeout)
{
	long long	 t0, waited;

	start_fixture();
	at_expect(AT, "t1", "", "CON " KM_MAIN);
	at_expect(AT, "t1", "3", "CON " KM_Q_SAFE "\n" KM_BACK);
	t0 = harness_now_ms();
	ck_assert_int_eq(harness_wait_log(h, "timed out after 2 hops, wiped",
	    1, 9000), 0);
	waited = harness_now_ms() - t0;
	ck_assert_msg(waited >= 4000, "wiped after %lld ms, before the idle "
	    "time-out", waited);
	health_expect(0);
	at_expect(AT, "t1", "3*1", "END " KM_EXPIRED);
}
END_TEST

/* The log never holds the caller's number, a typed number or an id. */
START_TEST(test_privacy)
{
	const char		*hist[] = { "", "3", "3*2", "3*2*" SAFE_TYPED,
				    "3*2*" SAFE_TYPED "*1",
				    "3*2*" SAFE_TYPED "*1*42" };
	const char		*hdr[] = { GFORM_TOKEN, NULL };
	struct harness_reply	 rep;
	json_t			*conf;
	json_error_t		 jerr;
	char			*fix, *path, *log, *q, *url;
	size_t			 i;

	/* Verbose, so that debug lines are searched too. */
	fix = src_path("tests/data/ussd");
	h = harness_new(fix);
	free(fix);
	ck_assert_ptr_nonnull(h);
	path = harness_path(h, "hotlined.conf");
	conf = json_load_file(path, 0, &jerr);
	ck_assert_msg(conf != NULL, "%s", jerr.text);
	ck_assert_int_eq(json_object_set_new(conf, "verbose", json_true()), 0);
	free(path);
	path = harness_path(h, "verbose.conf");
	ck_assert_int_eq(json_dump_file(conf, path, JSON_INDENT(2)), 0);
	json_decref(conf);
	free(path);
	ck_assert_int_eq(harness_launch(h, "verbose.conf"), 0);

	for (i = 0; i < sizeof(hist) / sizeof(hist[0]); i++)
		free(at_hop(AT, "ATUid_priv_7f3a", hist[i]));
	/* The same caller through a generic channel. */
	q = harness_form("session_id", "gen_priv_55aa", "session_msisdn",
	    PHONE, "session_msg", "", "session_operation", "begin", NULL);
	ck_assert_int_ne(asprintf(&url, GFORM "?%s", q), -1);
	ck_assert_int_eq(harness_get(h, url, hdr, &rep), 0);
	ck_assert_int_eq(rep.status, 200);
	harness_reply_clear(&rep);
	free(q);
	free(url);

	log = harness_log(h);
	ck_assert_ptr_nonnull(log);
	/* The log is written, verbosely, and the session ran to its end. */
	ck_assert_msg(strstr(log, "debug: ") != NULL, "no debug lines");
	ck_assert_msg(strstr(log, "ended after 6 hops") != NULL, "%s", log);
	ck_assert_msg(strstr(log, PHONE_DIGITS) == NULL, "phone in log:\n%s",
	    log);
	ck_assert_msg(strstr(log, SAFE_DIGITS) == NULL, "typed number in "
	    "log:\n%s", log);
	ck_assert_msg(strstr(log, "ATUid_priv_7f3a") == NULL, "session id in "
	    "log:\n%s", log);
	ck_assert_msg(strstr(log, "gen_priv_55aa") == NULL, "session id in "
	    "log:\n%s", log);
	free(log);
}
END_TEST

/* The main menu paged for a 40-unit screen, forwards and back. */
START_TEST(test_small_main_pages)
{
	start_fixture();
	small_expect("p1", "", "CON " KM_WELCOME "\n1. ជំនួយបន្ទាន់\n"
	    KM_MORE);
	small_expect("p1", "98", "CON 2. សុវត្ថិភាព" KM_FOOT);
	small_expect("p1", "98*98", "CON 3. ហៅមកវិញ" KM_FOOT);
	small_expect("p1", "98*98*98", "CON 4. English\n99. ចាកចេញ\n"
	    KM_BACK);
	small_expect("p1", "98*98*98*0", "CON 3. ហៅមកវិញ" KM_FOOT);
	small_expect("p1", "98*98*98*0*0", "CON 2. សុវត្ថិភាព" KM_FOOT);
	small_expect("p1", "98*98*98*0*0*0", "CON " KM_WELCOME "\n"
	    "1. ជំនួយបន្ទាន់\n" KM_MORE);
	/* An option works from any page: 3 was on page 2, we are on 0. */
	small_expect("p1", "98*98*98*0*0*0*3", "CON ហៅលេខនេះបានទេ?" KM_FOOT);
	small_expect("p1", "98*98*98*0*0*0*3*98", "CON 1. បាន\n2. មិនបាន\n"
	    KM_BACK);
	small_expect("p1", "98*98*98*0*0*0*3*98*2", "CON " KM_Q_NUMBER "\n"
	    KM_BACK);
}
END_TEST

/*
 * A wrong key re-shows the page she was on under the error line, again
 * and again; "more" past the last page is not an error. On the first page
 * of the 40-unit screen the error line cannot fit beside option 1 and
 * both footers (hotlined -t warns), so that page is shown as it is.
 */
START_TEST(test_small_error_pages)
{
	start_fixture();
	small_expect("e1", "", "CON " KM_WELCOME "\n1. ជំនួយបន្ទាន់\n"
	    KM_MORE);
	small_expect("e1", "7", "CON " KM_WELCOME "\n1. ជំនួយបន្ទាន់\n"
	    KM_MORE);
	small_expect("e1", "7*98", "CON 2. សុវត្ថិភាព" KM_FOOT);
	small_expect("e1", "7*98*7", "CON " KM_INVALID "\n2. សុវត្ថិភាព"
	    KM_FOOT);
	small_expect("e1", "7*98*7*7", "CON " KM_INVALID "\n2. សុវត្ថិភាព"
	    KM_FOOT);
	small_expect("e1", "7*98*7*7*98", "CON 3. ហៅមកវិញ" KM_FOOT);
	small_expect("e1", "7*98*7*7*98*0", "CON 2. សុវត្ថិភាព" KM_FOOT);
	small_expect("e1", "7*98*7*7*98*0*98", "CON 3. ហៅមកវិញ" KM_FOOT);
	small_expect("e1", "7*98*7*7*98*0*98*98", "CON 4. English\n"
	    "99. ចាកចេញ\n" KM_BACK);
	/* "More" on the last page shows it again; a wrong key there too. */
	small_expect("e1", "7*98*7*7*98*0*98*98*98", "CON 4. English\n"
	    "99. ចាកចេញ\n" KM_BACK);
	small_expect("e1", "7*98*7*7*98*0*98*98*98*5", "CON " KM_INVALID
	    "\n4. English\n99. ចាកចេញ\n" KM_BACK);
	/* Main menu drops the error line. */
	small_expect("e1", "7*98*7*7*98*0*98*98*98*5*00", "CON " KM_WELCOME
	    "\n1. ជំនួយបន្ទាន់\n" KM_MORE);
	small_expect("e1", "7*98*7*7*98*0*98*98*98*5*00*98", "CON "
	    "2. សុវត្ថិភាព" KM_FOOT);
}
END_TEST

/* A long Khmer info text split on cluster boundaries, and English. */
START_TEST(test_small_tips_pages)
{
	const char	*en[] = {
		"CON Keep important numbers and papers ready." EN_FOOT,
		"CON Plan a safe place to go. Agree a signal" EN_FOOT,
		"CON with a neighbour you trust." EN_FOOT,
	};

	start_fixture();
	small_expect("k1", "", "CON " KM_WELCOME "\n1. ជំនួយបន្ទាន់\n"
	    KM_MORE);
	small_expect("k1", "2", "CON ត្រៀមលេខទូរស័ព្ទ" KM_FOOT);
	small_expect("k1", "2*98", "CON និងឯកសារ" ZWSP "ឱ្យរួចរា" KM_FOOT);
	small_expect("k1", "2*98*98", "CON ល់។ គិតទុកកន្លែង" KM_FOOT);
	small_expect("k1", "2*98*98*98", "CON " KM_TIPS_P1 KM_FOOT);
	small_expect("k1", "2*98*98*98*98", "CON " KM_TIPS2 "\n" KM_BACK);
	small_expect("k1", "2*98*98*98*98*0", "CON " KM_TIPS_P1 KM_FOOT);
	/*
	 * A key on an info screen is an error: the same page under the error
	 * line, cut in two as 40 units require, then on to the next node.
	 */
	small_expect("k1", "2*98*98*98*98*0*5", "CON " KM_INVALID
	    "\nដែលមានសុវត្ថិ" KM_FOOT);
	small_expect("k1", "2*98*98*98*98*0*5*98", "CON " KM_INVALID
	    "\nភាព។" KM_FOOT);
	small_expect("k1", "2*98*98*98*98*0*5*98*98", "CON " KM_TIPS2 "\n"
	    KM_BACK);

	/* English is GSM-7 there: 60 septets, one per ASCII character. */
	small_expect("k2", "", "CON " KM_WELCOME "\n1. ជំនួយបន្ទាន់\n"
	    KM_MORE);
	at_expect(SMALL, "k2", "4", "CON Welcome\n1. Urgent help\n98. More");
	at_expect(SMALL, "k2", "4*2", en[0]);
	at_expect(SMALL, "k2", "4*2*98", en[1]);
	at_expect(SMALL, "k2", "4*2*98*98", en[2]);
	ck_assert_uint_le(strlen(en[0]) - 4, 60);
	ck_assert_uint_le(strlen(en[1]) - 4, 60);
	ck_assert_uint_le(strlen(en[2]) - 4, 60);
}
END_TEST

/* The same hop twice: one reply, byte for byte, applied once. */
START_TEST(test_retry_same_hop)
{
	char	*a, *b;

	start_fixture();
	a = at_hop(SMALL, "r1", "");
	b = at_hop(SMALL, "r1", "");
	ck_assert_str_eq(a, "CON " KM_WELCOME "\n1. ជំនួយបន្ទាន់\n" KM_MORE);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	a = at_hop(SMALL, "r1", "98");
	b = at_hop(SMALL, "r1", "98");
	ck_assert_str_eq(a, "CON 2. សុវត្ថិភាព" KM_FOOT);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	/* Applied twice, this would be page 3 ("4. English"). */
	small_expect("r1", "98*98", "CON 3. ហៅមកវិញ" KM_FOOT);
	health_expect(1);
	/* A fresh first hop under a used id: the gateway started over. */
	small_expect("r1", "", "CON " KM_WELCOME "\n1. ជំនួយបន្ទាន់\n"
	    KM_MORE);
	ck_assert(harness_log_contains(h, "restarted by the gateway"));
	small_expect("r1", "98", "CON 2. សុវត្ថិភាព" KM_FOOT);
	health_expect(1);
}
END_TEST

/*
 * After END, the last hop again gets the same END for retry_window (2 s);
 * any other hop gets "expired", and so does everything after the window.
 */
START_TEST(test_retry_after_end)
{
	long long	 t0, waited;
	char		*got;

	start_fixture();
	at_expect(AT, "x1", "", "CON " KM_MAIN);
	at_expect(AT, "x1", "1", "END " KM_DANGER);
	t0 = harness_now_ms();
	at_expect(AT, "x1", "1", "END " KM_DANGER);
	at_expect(AT, "x1", "1*1", "END " KM_EXPIRED);
	at_expect(AT, "x1", "1", "END " KM_DANGER);
	health_expect(0);
	/* Poll the retry until the window closes. */
	for (;;) {
		got = at_hop(AT, "x1", "1");
		waited = harness_now_ms() - t0;
		if (strcmp(got, "END " KM_EXPIRED) == 0)
			break;
		ck_assert_str_eq(got, "END " KM_DANGER);
		ck_assert_msg(waited < 5000, "still answered after %lld ms",
		    waited);
		free(got);
		harness_sleep_ms(50);
	}
	free(got);
	ck_assert_msg(waited >= 1500, "forgotten after %lld ms, inside the "
	    "retry window", waited);
}
END_TEST

/* GET gateway with a header token and the latest input only. */
START_TEST(test_gform_walk)
{
	const char	*hdr[] = { GFORM_TOKEN, NULL };
	const char	*steps[][4] = {
		{ "", "begin", "CON " KM_MAIN, NULL },
		{ "", "begin", "CON " KM_MAIN, NULL },	/* a retry */
		{ "3", "continue", "CON " KM_Q_SAFE "\n" KM_BACK, NULL },
		{ "1", "continue", "CON " KM_Q_WHEN "\n" KM_BACK, NULL },
		{ "២", "continue", "CON " KM_Q_AGE "\n" KM_BACK, NULL },
		{ "30", "continue", "END " KM_DONE, NULL },
	};
	char		*q, *url;
	size_t		 i;

	start_fixture();
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		q = harness_form("session_id", "g1", "session_msisdn", PHONE,
		    "session_msg", steps[i][0], "session_operation",
		    steps[i][1], NULL);
		ck_assert_int_ne(asprintf(&url, GFORM "?%s", q), -1);
		req_expect("GET", url, NULL, NULL, hdr, 200, TEXT_CT,
		    steps[i][2]);
		free(q);
		free(url);
	}
	ck_assert(harness_log_contains(h, "ended after 5 hops"));
	/* A continuation nobody began. */
	req_expect("GET", GFORM "?session_id=g2&session_msisdn=%2B85512345678"
	    "&session_msg=1&session_operation=continue", NULL, NULL, hdr, 200,
	    TEXT_CT, "END " KM_EXPIRED);
}
END_TEST

/* The gateway's "end" operation wipes the session at once. */
START_TEST(test_gform_end)
{
	const char	*hdr[] = { GFORM_TOKEN, NULL };

	start_fixture();
	req_expect("GET", GFORM "?session_id=g5&session_msisdn=%2B85512345678"
	    "&session_msg=&session_operation=begin", NULL, NULL, hdr, 200,
	    TEXT_CT, "CON " KM_MAIN);
	req_expect("GET", GFORM "?session_id=g5&session_msisdn=%2B85512345678"
	    "&session_msg=&session_operation=end", NULL, NULL, hdr, 200,
	    TEXT_CT, "END ");
	ck_assert(harness_log_contains(h, "ended by the gateway after 1 hop"));
	/* Nothing of it is left: a later hop is expired. */
	req_expect("GET", GFORM "?session_id=g5&session_msisdn=%2B85512345678"
	    "&session_msg=3&session_operation=continue", NULL, NULL, hdr, 200,
	    TEXT_CT, "END " KM_EXPIRED);
	/* An end for a session never seen is answered the same way. */
	req_expect("GET", GFORM "?session_id=g6&session_msisdn=%2B85512345678"
	    "&session_msg=&session_operation=end", NULL, NULL, hdr, 200,
	    TEXT_CT, "END ");
}
END_TEST

/* The GET gateway's secret header and method. */
START_TEST(test_gform_refusals)
{
	const char	*ok[] = { GFORM_TOKEN, NULL };
	const char	*bad[] = { "X-Hotlined-Token: test-token-012345678",
			    NULL };
	const char	*longer[] = {
		"X-Hotlined-Token: test-token-0123456789x", NULL };
	const char	*q = GFORM "?session_id=g3&session_msisdn=%2B855123"
			    "45678&session_msg=&session_operation=begin";

	start_fixture();
	req_expect("GET", q, NULL, NULL, NULL, 403, TEXT_CT, "wrong token\n");
	req_expect("GET", q, NULL, NULL, bad, 403, TEXT_CT, "wrong token\n");
	req_expect("GET", q, NULL, NULL, longer, 403, TEXT_CT,
	    "wrong token\n");
	req_expect("POST", q, FORM_CT, "", ok, 405, TEXT_CT,
	    "method not allowed\n");
	req_expect("GET", GFORM "?session_msisdn=1", NULL, NULL, ok, 400,
	    TEXT_CT, "missing session id field\n");
	req_expect("GET", GFORM "?session_id=g3&session_msg=%zz", NULL, NULL,
	    ok, 400, TEXT_CT, "invalid percent-encoding\n");
	health_expect(0);
	req_expect("GET", q, NULL, NULL, ok, 200, TEXT_CT, "CON " KM_MAIN);
}
END_TEST

/* POST one gjson hop and return the 200 application/json body. */
static char *
gjson_hop(const char *sid, const char *text, const char *msgid, int isnew)
{
	struct harness_reply	 rep;
	json_t			*o;
	char			*body, *out;

	o = json_pack("{s:s, s:s, s:s, s:s, s:i}", "sessionId", sid, "msisdn",
	    PHONE, "text", text, "messageId", msgid, "newRequest", isnew);
	ck_assert_ptr_nonnull(o);
	body = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	ck_assert_ptr_nonnull(body);
	ck_assert_int_eq(harness_post(h, GJSON, "application/json", body,
	    NULL, &rep), 0);
	free(body);
	ck_assert_msg(rep.status == 200, "gjson %s: status %ld: %s", msgid,
	    rep.status, rep.body);
	ck_assert_str_eq(rep.content_type, "application/json");
	out = rep.body;
	rep.body = NULL;
	harness_reply_clear(&rep);
	return out;
}

/* A gjson reply must be an object of exactly screen and action. */
static void
gjson_check(const char *got, const char *screen, const char *action)
{
	json_t		*o;
	json_error_t	 jerr;

	o = json_loads(got, JSON_REJECT_DUPLICATES, &jerr);
	ck_assert_msg(o != NULL, "reply is not JSON: %s", got);
	ck_assert_uint_eq(json_object_size(o), 2);
	ck_assert_str_eq(json_string_value(json_object_get(o, "response")),
	    screen);
	ck_assert_str_eq(json_string_value(json_object_get(o, "action")),
	    action);
	json_decref(o);
}

/* A gjson hop whose reply must carry exactly screen and action. */
static void
gjson_expect(const char *sid, const char *text, const char *msgid,
    int isnew, const char *screen, const char *action)
{
	char	*got;

	got = gjson_hop(sid, text, msgid, isnew);
	gjson_check(got, screen, action);
	free(got);
}

/* JSON gateway: path token, message ids for retries, JSON replies. */
START_TEST(test_gjson_walk)
{
	char	*a, *b;

	start_fixture();
	a = gjson_hop("j1", "", "m1", 1);
	ck_assert_str_eq(a, "{\"response\":\"" KM_WELCOME "\\n1. ជំនួយបន្ទាន់"
	    "\\n2. សុវត្ថិភាព\\n3. ហៅមកវិញ\\n4. English\\n99. ចាកចេញ\","
	    "\"action\":\"CON\"}");
	b = gjson_hop("j1", "", "m1", 1);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	a = gjson_hop("j1", "2", "m2", 0);
	b = gjson_hop("j1", "2", "m2", 0);
	gjson_check(a, KM_TIPS_P0 KM_FOOT, "CON");
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	gjson_expect("j1", "98", "m3", 0, KM_TIPS_P1 KM_FOOT, "CON");
	gjson_expect("j1", "98", "m4", 0, KM_TIPS2 "\n" KM_BACK, "CON");
	gjson_expect("j1", "00", "m5", 0, KM_MAIN, "CON");
	gjson_expect("j1", "1", "m6", 0, KM_DANGER, "END");
	gjson_expect("j1", "1", "m6", 0, KM_DANGER, "END");
	gjson_expect("j1", "1", "m7", 0, KM_EXPIRED, "END");
	a = gjson_hop("j2", "1", "n1", 0);
	ck_assert_str_eq(a, "{\"response\":\"" KM_EXPIRED "\",\"action\":"
	    "\"END\"}");
	free(a);
}
END_TEST

/* The JSON gateway's token segment and body checks. */
START_TEST(test_gjson_refusals)
{
	const char	*ok = "{\"sessionId\":\"j9\",\"msisdn\":"
			    "\"+85512345678\",\"text\":\"\",\"messageId\":"
			    "\"a\",\"newRequest\":1}";

	start_fixture();
	req_expect("POST", "/ussd/gjson/path-token-987654321", "application/"
	    "json", ok, NULL, 403, TEXT_CT, "wrong token\n");
	req_expect("POST", "/ussd/gjson", "application/json", ok, NULL, 403,
	    TEXT_CT, "wrong token\n");
	req_expect("POST", GJSON, "application/json", "{\"sessionId\":", NULL,
	    400, TEXT_CT, "invalid JSON body\n");
	req_expect("POST", GJSON, "application/json", "[1]", NULL, 400,
	    TEXT_CT, "the JSON body must be an object\n");
	req_expect("POST", GJSON, "application/json", "{\"msisdn\":\"1\"}",
	    NULL, 400, TEXT_CT, "missing session id field\n");
	req_expect("POST", GJSON, "application/json", "{\"sessionId\":\"j9\","
	    "\"msisdn\":{}}", NULL, 400, TEXT_CT, "a JSON field must be a "
	    "string or an integer\n");
	req_expect("GET", GJSON, NULL, NULL, NULL, 405, TEXT_CT,
	    "method not allowed\n");
	health_expect(0);
	req_expect("POST", GJSON, "application/json", ok, NULL, 200,
	    "application/json", "{\"response\":\"" KM_WELCOME "\\n1. "
	    "ជំនួយបន្ទាន់\\n2. សុវត្ថិភាព\\n3. ហៅមកវិញ\\n4. English\\n99. "
	    "ចាកចេញ\",\"action\":\"CON\"}");
}
END_TEST

/* POST one ghist hop: id in a header, phone in the query, history. */
static void
ghist_expect(const char *sid, const char *history, long status,
    const char *want)
{
	const char	*hl[2];
	char		*hdr, *body;

	ck_assert_int_ne(asprintf(&hdr, "X-Session: %s", sid), -1);
	hl[0] = hdr;
	hl[1] = NULL;
	body = harness_form("history", history, NULL);
	ck_assert_ptr_nonnull(body);
	req_expect("POST", GHIST "?msisdn=%2B85512345678", FORM_CT, body, hl,
	    status, TEXT_CT, want);
	free(body);
	free(hdr);
}

/* History gateway: a new session on empty history, retries by history. */
START_TEST(test_ghist_walk)
{
	const char	*sess[] = { "X-Session: h2", NULL };

	start_fixture();
	ghist_expect("h1", "", 200, "CON " KM_MAIN);
	ghist_expect("h1", "3", 200, "CON " KM_Q_SAFE "\n" KM_BACK);
	ghist_expect("h1", "3", 200, "CON " KM_Q_SAFE "\n" KM_BACK);
	/* Applied twice, "3" would have been an invalid choice here. */
	ghist_expect("h1", "3*2", 200, "CON " KM_Q_NUMBER "\n" KM_BACK);
	ghist_expect("h1", "3*2*012 345 678", 200, "CON " KM_Q_WHEN "\n"
	    KM_BACK);
	ghist_expect("h1", "3*2*012 345 678*3", 200, "CON " KM_Q_AGE "\n"
	    KM_BACK);
	ghist_expect("h1", "3*2*012 345 678*3*15", 200, "END " KM_DONE);
	ghist_expect("h1", "3*2*012 345 678*3*15", 200, "END " KM_DONE);
	ghist_expect("h1", "3*2*012 345 678*3*16", 200, "END " KM_EXPIRED);
	ck_assert(harness_log_contains(h, "ended after 6 hops"));

	req_expect("POST", GHIST "?msisdn=1", FORM_CT, "history=", NULL, 400,
	    TEXT_CT, "missing session id field\n");
	req_expect("POST", GHIST, FORM_CT, "history=", sess, 400, TEXT_CT,
	    "missing phone field\n");
	health_expect(0);
}
END_TEST

/* Missing fields and undecodable text: 400 with the reason, no session. */
START_TEST(test_bad_fields)
{
	const struct {
		const char	*body;
		const char	*want;
	} cases[] = {
		{ "serviceCode=*855%23&phoneNumber=%2B85512345678&text=",
		  "missing field sessionId\n" },
		{ "sessionId=&serviceCode=*855%23&phoneNumber=%2B85512345678"
		  "&text=", "missing field sessionId\n" },
		{ "sessionId=b1&serviceCode=*855%23&text=",
		  "missing field phoneNumber\n" },
		{ "sessionId=b1&phoneNumber=%2B85512345678&text=",
		  "missing field serviceCode\n" },
		{ "sessionId=b1&serviceCode=*855%23&phoneNumber=%2B85512345678",
		  "missing field text\n" },
		{ "sessionId=b1&serviceCode=*855%23&phoneNumber=%2B85512345678"
		  "&networkCode=45601&text=%zz", "invalid percent-encoding\n" },
		{ "sessionId=b1&serviceCode=*855%23&phoneNumber=%2B85512345678"
		  "&networkCode=45601&text=1%2", "invalid percent-encoding\n" },
		{ "sessionId=b1&serviceCode=*855%23&phoneNumber=%2B85512345678"
		  "&networkCode=45601&text=%FF", "invalid UTF-8\n" },
		{ "sessionId=b1&serviceCode=*855%23&phoneNumber=%2B85512345678"
		  "&networkCode=45601&text=%C0%AF", "invalid UTF-8\n" },
		{ "sessionId=b1&serviceCode=*855%23&phoneNumber=%2B85512345678"
		  "&networkCode=45601&text=1%00", "invalid UTF-8\n" },
	};
	size_t	 i;

	start_fixture();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		req_expect("POST", AT, FORM_CT, cases[i].body, NULL, 400,
		    TEXT_CT, cases[i].want);
	health_expect(0);
	at_expect(AT, "b1", "", "CON " KM_MAIN);
	health_expect(1);
}
END_TEST

/* limits.max_body is 16384: that many bytes pass, one more is refused. */
START_TEST(test_body_limit)
{
	struct harness_reply	 rep;
	const char		*head = "sessionId=big&serviceCode=*855%23&"
				    "phoneNumber=%2B85512345678&networkCode="
				    "45601&text=&pad=";
	char			*body;
	size_t			 n = 16385;

	start_fixture();
	body = malloc(n + 1);
	ck_assert_ptr_nonnull(body);
	memset(body, 'a', n);
	memcpy(body, head, strlen(head));
	body[n] = '\0';
	ck_assert_int_eq(harness_post(h, AT, FORM_CT, body, NULL, &rep), 0);
	ck_assert_int_eq(rep.status, 413);
	harness_reply_clear(&rep);
	health_expect(0);

	body[n - 1] = '\0';
	req_expect("POST", AT, FORM_CT, body, NULL, 200, TEXT_CT,
	    "CON " KM_MAIN);
	free(body);
	health_expect(1);
}
END_TEST

/* Wrong method (405 with Allow) and unknown paths (404). */
START_TEST(test_method_and_path)
{
	struct harness_reply	 rep;
	char			*allow;

	start_fixture();
	ck_assert_int_eq(harness_get(h, AT, NULL, &rep), 0);
	ck_assert_int_eq(rep.status, 405);
	ck_assert_str_eq(rep.body, "method not allowed\n");
	allow = harness_reply_header(&rep, "Allow");
	ck_assert_ptr_nonnull(allow);
	ck_assert_str_eq(allow, "POST");
	free(allow);
	harness_reply_clear(&rep);
	req_expect("PUT", AT, FORM_CT, "sessionId=1", NULL, 405, TEXT_CT,
	    "method not allowed\n");
	req_expect("GET", "/nope", NULL, NULL, NULL, 404, TEXT_CT,
	    "unknown path\n");
	req_expect("POST", AT "/extra", FORM_CT, "text=", NULL, 404, TEXT_CT,
	    "unknown path\n");
	req_expect("POST", "/ussd/africastalkingX", FORM_CT, "text=", NULL,
	    404, TEXT_CT, "unknown path\n");
	req_expect("POST", "/health", FORM_CT, "", NULL, 404, TEXT_CT,
	    "unknown path\n");
	health_expect(0);
	at_expect(AT, "mp1", "", "CON " KM_MAIN);
}
END_TEST

/*
 * SIGHUP twice with a broken menu in between: sessions keep the tree they
 * started with, new sessions get the new one, a failed reload changes
 * nothing.
 */
START_TEST(test_reload)
{
	char		*menu, *v1, *v2, *path, *want;
	const char	*new1 = "សួស្តី", *new2 = "ជម្រាបសួរ";

	start_fixture();
	path = harness_path(h, "menus/test.json");
	menu = harness_read_file(path, NULL);
	ck_assert_ptr_nonnull(menu);

	at_expect(AT, "rA", "", "CON " KM_MAIN);
	at_expect(AT, "rA", "3", "CON " KM_Q_SAFE "\n" KM_BACK);

	v1 = replace_once(menu, KM_WELCOME, new1);
	ck_assert_int_eq(harness_write_file(h, "menus/test.json", v1), 0);
	ck_assert_int_eq(harness_signal(h, SIGHUP), 0);
	ck_assert_int_eq(harness_wait_log(h, "hotlined: reloaded ", 1, 5000),
	    0);
	ck_assert_int_ne(asprintf(&want, "hotlined: reloaded %s/hotlined.conf"
	    ": 5 channels; live sessions finish on their old menus: 1\n",
	    harness_dir(h)), -1);
	ck_assert(harness_log_contains(h, want));
	free(want);

	/* New session, new text; the running one still has the old tree. */
	at_expect(AT, "rB", "", "CON សួស្តី\n" KM_MAIN_OPTS);
	at_expect(AT, "rA", "3*0", "CON " KM_MAIN);

	/* A broken menu: the reload fails, everything carries on. */
	ck_assert_int_eq(harness_write_file(h, "menus/test.json",
	    "{\n  \"start\": \"main\",\n  oops\n}\n"), 0);
	ck_assert_int_eq(harness_signal(h, SIGHUP), 0);
	ck_assert_int_eq(harness_wait_log(h, "reload failed", 1, 5000), 0);
	ck_assert_int_ne(asprintf(&want, "hotlined: warning: reload: "
	    "%s:3:6: string or '}' expected near 'oops'\nhotlined: warning: "
	    "reload failed (1 problem); keeping the running configuration\n",
	    path), -1);
	ck_assert_msg(harness_log_contains(h, want), "no \"%s\" in the log",
	    want);
	free(want);
	health_expect(2);
	at_expect(AT, "rA", "3*0*2", "CON " KM_TIPS_P0 KM_FOOT);
	at_expect(AT, "rB", "3", "CON " KM_Q_SAFE "\n" KM_BACK);
	/* The failed reload left the first reload's tree for new sessions. */
	at_expect(AT, "rC", "", "CON សួស្តី\n" KM_MAIN_OPTS);

	/* Fixed again: a third tree for new sessions only. */
	v2 = replace_once(menu, KM_WELCOME, new2);
	ck_assert_int_eq(harness_write_file(h, "menus/test.json", v2), 0);
	ck_assert_int_eq(harness_signal(h, SIGHUP), 0);
	ck_assert_int_eq(harness_wait_log(h, "hotlined: reloaded ", 2, 5000),
	    0);
	ck_assert_int_ne(asprintf(&want, "hotlined: reloaded %s/hotlined.conf"
	    ": 5 channels; live sessions finish on their old menus: 3\n",
	    harness_dir(h)), -1);
	ck_assert(harness_log_contains(h, want));
	free(want);
	at_expect(AT, "rD", "", "CON ជម្រាបសួរ\n" KM_MAIN_OPTS);
	at_expect(AT, "rA", "3*0*2*00", "CON " KM_MAIN);
	at_expect(AT, "rB", "3*0", "CON សួស្តី\n" KM_MAIN_OPTS);
	at_expect(AT, "rC", "99", "END " KM_EXIT);
	at_expect(AT, "rA", "3*0*2*00*1", "END " KM_DANGER);
	health_expect(2);
	free(menu);
	free(v1);
	free(v2);
	free(path);
}
END_TEST

/* Stop on sig with a session open: exit status 0 and the log says so. */
static void
stop_on(int sig)
{
	char	 want[64], *log;
	int	 st;

	start_fixture();
	at_expect(AT, "s1", "", "CON " KM_MAIN);
	ck_assert_int_eq(harness_signal(h, sig), 0);
	ck_assert_int_eq(harness_wait_exit(h, 10000, &st), 0);
	ck_assert_msg(WIFEXITED(st), "killed by signal %d",
	    WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	ck_assert_int_eq(WEXITSTATUS(st), 0);
	snprintf(want, sizeof(want), "hotlined: stopping on signal %d\n", sig);
	ck_assert(harness_log_contains(h, want));
	log = harness_log(h);
	ck_assert_ptr_nonnull(log);
	ck_assert_msg(ends_with(log, "hotlined: stopped\n"), "%s", log);
	free(log);
}

/* SIGTERM: orderly exit 0. */
START_TEST(test_sigterm)
{
	stop_on(SIGTERM);
}
END_TEST

/* SIGINT: orderly exit 0. */
START_TEST(test_sigint)
{
	stop_on(SIGINT);
}
END_TEST

/* SIGUSR1 logs the counters, SIGPIPE is harmless. */
START_TEST(test_sigusr1_sigpipe)
{
	start_fixture();
	at_expect(AT, "u1", "", "CON " KM_MAIN);
	ck_assert_int_eq(harness_signal(h, SIGUSR1), 0);
	ck_assert_int_eq(harness_wait_log(h, "hotlined: counters: sessions=1 "
	    "held=1 evicted=0 busy=0 webhook_connections=", 1, 5000), 0);
	ck_assert_int_eq(harness_signal(h, SIGPIPE), 0);
	health_expect(1);
	at_expect(AT, "u1", "2", "CON " KM_TIPS_P0 KM_FOOT);
}
END_TEST

/* "hotlined -t" accepts the fixture and reports every screen's size. */
START_TEST(test_check_ok)
{
	char	*conf, *out, *err, *want;
	int	 st;

	conf = src_path("tests/data/ussd");
	h = harness_new(conf);
	free(conf);
	ck_assert_ptr_nonnull(h);
	conf = harness_path(h, "hotlined.conf");
	run_check(conf, &st, &out, &err);
	/*
	 * Warnings only: the AT channels have no token, and the 40-unit
	 * screen is too small for one line under the error line.
	 */
	ck_assert_int_ne(asprintf(&want, "warning: %s/hotlined.conf:12:5: "
	    "/channels/0: channel \"at\" has no token: Africa's Talking signs "
	    "nothing, so anyone who learns the URL can post sessions; set "
	    "token_file and \"token_in\": \"path\"\nwarning: %s/hotlined.conf:"
	    "13:5: /channels/1: channel \"small\" has no token: Africa's "
	    "Talking signs nothing, so anyone who learns the URL can post "
	    "sessions; set token_file and \"token_in\": \"path\"\n"
	    "warning: %s/menus/test.json:30:9: "
	    "/nodes/main/options/0: option line [km] does not fit a page "
	    "under the error line (limit 40 UCS-2 units): after a wrong key "
	    "its page is shown without it\nwarning: %s/menus/test.json:30:9: "
	    "/nodes/main/options/0: option line [en] does not fit a page "
	    "under the error line (limit 40 UCS-2 units): after a wrong key "
	    "its page is shown without it\n", harness_dir(h), harness_dir(h),
	    harness_dir(h), harness_dir(h)), -1);
	ck_assert_str_eq(err, want);
	free(want);
	ck_assert_int_eq(WEXITSTATUS(st), 0);
	ck_assert_msg(ends_with(out, "\nconfiguration OK\n"), "%s", out);
	ck_assert(strstr(out, "screens of menu \"main\" on channel \"small\" "
	    "(limits: 60 GSM-7 septets, 40 UCS-2 units):\n") != NULL);
	/* The largest page as sent, footers included. */
	ck_assert_int_ne(asprintf(&want, "\n%s/menus/test.json: main         "
	    "        [km] UCS-2 39/40, 4 pages\n", harness_dir(h)), -1);
	ck_assert_msg(strstr(out, want) != NULL, "no \"%s\" in:\n%s", want,
	    out);
	free(want);
	free(out);
	free(err);
	free(conf);
}
END_TEST

/* A JSON syntax error is reported at its exact line and column. */
START_TEST(test_check_syntax_error)
{
	char	*fix, *conf, *path, *menu, *bad, *out, *err, *want;
	int	 st, line, col;

	fix = src_path("tests/data/ussd");
	h = harness_new(fix);
	free(fix);
	ck_assert_ptr_nonnull(h);
	path = harness_path(h, "menus/test.json");
	menu = harness_read_file(path, NULL);
	ck_assert_ptr_nonnull(menu);
	/* A ';' for the ',' after the main menu's key "2". */
	locate(menu, "\"key\": \"2\",", &line, &col);
	col += (int)strlen("\"key\": \"2\"");
	bad = replace_once(menu, "\"key\": \"2\",", "\"key\": \"2\";");
	ck_assert_int_eq(harness_write_file(h, "menus/test.json", bad), 0);
	conf = harness_path(h, "hotlined.conf");
	run_check(conf, &st, &out, &err);
	ck_assert_int_eq(WEXITSTATUS(st), 1);
	ck_assert_str_eq(out, "");
	ck_assert_int_ne(asprintf(&want, "%s:%d:%d: '}' expected near ';'\n"
	    "configuration check failed\n", path, line, col), -1);
	ck_assert_str_eq(err, want);
	free(want);
	free(out);
	free(err);
	free(conf);
	free(bad);
	free(menu);
	free(path);
}
END_TEST

/* A dangling "next" is named by file:line:col and JSON pointer. */
START_TEST(test_check_dangling_next)
{
	char	*fix, *conf, *path, *menu, *bad, *out, *err, *want;
	int	 st, line, col, nline, ncol;

	fix = src_path("tests/data/ussd");
	h = harness_new(fix);
	free(fix);
	ck_assert_ptr_nonnull(h);
	path = harness_path(h, "menus/test.json");
	menu = harness_read_file(path, NULL);
	ck_assert_ptr_nonnull(menu);
	bad = replace_once(menu, "\"next\": \"danger\"", "\"next\": \"dangr\"");
	/* The value's opening quote; the orphaned node's member name. */
	locate(bad, "\"dangr\"", &line, &col);
	locate(bad, "\"danger\": {", &nline, &ncol);
	ck_assert_int_eq(harness_write_file(h, "menus/test.json", bad), 0);
	conf = harness_path(h, "hotlined.conf");
	run_check(conf, &st, &out, &err);
	ck_assert_int_eq(WEXITSTATUS(st), 1);
	ck_assert_str_eq(out, "");
	ck_assert_int_ne(asprintf(&want, "%s:%d:%d: /nodes/main/options/0/next:"
	    " \"dangr\" is not a node of this tree\n%s:%d:%d: /nodes/danger: "
	    "node \"danger\" is unreachable from the start node\n"
	    "configuration check failed\n", path, line, col, path, nline,
	    ncol), -1);
	ck_assert_str_eq(err, want);
	free(want);
	free(out);
	free(err);
	free(conf);
	free(bad);
	free(menu);
	free(path);
}
END_TEST

/* The shipped sample configuration passes "hotlined -t". */
START_TEST(test_sample_check)
{
	char	*conf, *out, *err;
	int	 st;

	const char	*warned[] = {
		"sophea has the sample's EXAMPLE token",
		"/people/0/alerts/0: this webhook secret is a published sample",
		"/nodes/cb_nosafe: an EXAMPLE placeholder",
		"/nodes/svc_other: an EXAMPLE placeholder",
		"channel \"africastalking\" has no token",
		"channel \"local_form\" still has the sample's EXAMPLE token",
	};
	const char	*p;
	size_t		 i;

	conf = src_path("conf/hotlined.conf");
	run_check(conf, &st, &out, &err);
	ck_assert_msg(WEXITSTATUS(st) == 0, "exit %d:\n%s%s", WEXITSTATUS(st),
	    out, err);
	/* It works, and says loudly what is still a placeholder. */
	for (p = err; *p != '\0'; p = strchr(p, '\n') + 1)
		ck_assert_msg(strncmp(p, "warning: ", 9) == 0, "%s", p);
	for (i = 0; i < sizeof(warned) / sizeof(warned[0]); i++)
		ck_assert_msg(strstr(err, warned[i]) != NULL, "no warning "
		    "\"%s\" in:\n%s", warned[i], err);
	ck_assert_msg(ends_with(out, "\nconfiguration OK\n"), "%s", out);
	/* The root screen is one page in both languages. */
	ck_assert_msg(strstr(out, "main.json: main                 [km] UCS-2 "
	    "77/80, 1 page\n") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "main.json: main                 [en] UCS-2 "
	    "75/80, 1 page\n") != NULL, "%s", out);
	free(out);
	free(err);
	free(conf);
}
END_TEST

/*
 * A key file others may read refuses start-up with a message naming it;
 * the key never reaches the database. Then a private one is made on
 * first start (mode 0600) and used.
 */
START_TEST(test_key_file_mode)
{
	struct stat	 st;
	char		*argv[6], *out = NULL, *err = NULL, *fix, *conf, *key;
	int		 status;

	fix = src_path("tests/data/ussd");
	h = harness_new(fix);
	free(fix);
	ck_assert_ptr_nonnull(h);
	key = harness_path(h, "hotlined.db.key");
	ck_assert_int_eq(harness_write_file(h, "hotlined.db.key",
	    "00112233445566778899aabbccddeeff"
	    "00112233445566778899aabbccddeeff\n"), 0);
	ck_assert_int_eq(chmod(key, 0644), 0);
	conf = harness_path(h, "hotlined.conf");
	argv[0] = getenv("HOTLINED_BIN");
	argv[1] = (char *)"-c";
	argv[2] = conf;
	argv[3] = geteuid() == 0 ? (char *)"-u" : NULL;
	argv[4] = (char *)"root";
	argv[5] = NULL;
	ck_assert_int_eq(harness_run(argv, 10000, &status, &out, &err), 0);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1,
	    "status %d: %s", status, err);
	ck_assert_msg(strstr(err, "hotlined.db.key must not be readable by "
	    "group or others (chmod 600)") != NULL, "%s", err);
	free(out);
	free(err);

	/* Without one, it is made private and the daemon starts. */
	ck_assert_int_eq(unlink(key), 0);
	ck_assert_int_eq(harness_launch(h, "hotlined.conf"), 0);
	ck_assert_int_eq(stat(key, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(st.st_size, 65);
	ck_assert_int_eq(harness_log_contains(h, "created the key file"), 1);
	free(conf);
	free(key);
}
END_TEST

/* The sample answers the README's first request with a Khmer screen. */
START_TEST(test_sample_first_screen)
{
	struct harness_reply	 rep;
	json_t			*conf;
	json_error_t		 jerr;
	uint32_t		 last;
	char			*path, *fix;
	size_t			 n;

	fix = src_path("conf");
	h = harness_new(fix);
	free(fix);
	ck_assert_ptr_nonnull(h);
	path = harness_path(h, "hotlined.conf");
	conf = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	ck_assert_msg(conf != NULL, "%s:%d: %s", path, jerr.line, jerr.text);
	ck_assert_int_eq(json_object_set_new(json_object_get(conf, "listen"),
	    "port", json_integer(0)), 0);
	/* Its counsellor API and database too must stay in the test's dir. */
	ck_assert_int_eq(json_object_set_new(json_object_get(conf, "api"),
	    "port", json_integer(0)), 0);
	ck_assert_int_eq(json_object_set_new(conf, "database",
	    json_string("hotlined.db")), 0);
	ck_assert_int_eq(json_dump_file(conf, path, JSON_INDENT(2)), 0);
	json_decref(conf);
	free(path);
	ck_assert_int_eq(harness_launch(h, "hotlined.conf"), 0);

	ck_assert_int_eq(harness_post(h, "/ussd/africastalking", FORM_CT,
	    "sessionId=s1&serviceCode=*855%23&phoneNumber=%2B85512000000&"
	    "networkCode=45601&text=", NULL, &rep), 0);
	ck_assert_int_eq(rep.status, 200);
	ck_assert_str_eq(rep.content_type, TEXT_CT);
	ck_assert_msg(strncmp(rep.body, "CON ", 4) == 0, "%s", rep.body);
	ck_assert_msg(has_khmer(rep.body + 4), "no Khmer in %s", rep.body);
	n = utf16_units(rep.body + 4, &last);
	ck_assert_msg(n <= 80, "%zu units: %s", n, rep.body);
	ck_assert(last != COENG);
	/* One page: the quick exit is on it, no "more". */
	ck_assert_msg(strstr(rep.body, "\n99. ") != NULL, "%s", rep.body);
	ck_assert_msg(strstr(rep.body, "\n98. ") == NULL, "%s", rep.body);
	harness_reply_clear(&rep);
}
END_TEST

/* Build the "ussd" suite. */
static Suite *
ussd_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("ussd");

	tc = tcase_create("at");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_at_callback_walk);
	tcase_add_test(tc, test_at_more_back_main);
	tcase_add_test(tc, test_at_language);
	tcase_add_test(tc, test_at_invalid);
	tcase_add_test(tc, test_at_unknown_session);
	tcase_add_test(tc, test_at_idle_timeout);
	tcase_add_test(tc, test_privacy);
	suite_add_tcase(s, tc);

	tc = tcase_create("paging");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_small_main_pages);
	tcase_add_test(tc, test_small_error_pages);
	tcase_add_test(tc, test_small_tips_pages);
	suite_add_tcase(s, tc);

	tc = tcase_create("retry");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_retry_same_hop);
	tcase_add_test(tc, test_retry_after_end);
	suite_add_tcase(s, tc);

	tc = tcase_create("generic");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_gform_walk);
	tcase_add_test(tc, test_gform_end);
	tcase_add_test(tc, test_gform_refusals);
	tcase_add_test(tc, test_gjson_walk);
	tcase_add_test(tc, test_gjson_refusals);
	tcase_add_test(tc, test_ghist_walk);
	suite_add_tcase(s, tc);

	tc = tcase_create("bad_input");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_bad_fields);
	tcase_add_test(tc, test_body_limit);
	tcase_add_test(tc, test_method_and_path);
	suite_add_tcase(s, tc);

	tc = tcase_create("reload");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_reload);
	suite_add_tcase(s, tc);

	tc = tcase_create("signals");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_sigterm);
	tcase_add_test(tc, test_sigint);
	tcase_add_test(tc, test_sigusr1_sigpipe);
	suite_add_tcase(s, tc);

	tc = tcase_create("check_config");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_user);
	tcase_add_test(tc, test_check_ok);
	tcase_add_test(tc, test_check_syntax_error);
	tcase_add_test(tc, test_check_dangling_next);
	suite_add_tcase(s, tc);

	tc = tcase_create("sample");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_sample_check);
	tcase_add_test(tc, test_sample_first_screen);
	tcase_add_test(tc, test_key_file_mode);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return harness_main("check_ussd", ussd_suite());
}
