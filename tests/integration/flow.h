/* SPDX-License-Identifier: ISC */
/*
 * flow: what the call-back suites share. A daemon started on a copy of a
 * fixture (tests/data/callback by default) with the roster filled in from
 * roster.json.in, the counsellors' endpoints played by receiver.c,
 * Africa's Talking hops, the counsellor API, the SQLite file read
 * directly, alert checks and requests sent from threads. The suites say
 * what must happen; this file only drives and reads.
 */
#ifndef HOTLINED_FLOW_H
#define HOTLINED_FLOW_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <time.h>

#include <check.h>
#include <jansson.h>
#include <sqlite3.h>

#include "harness.h"
#include "receiver.h"

#define AT		"/ussd/africastalking"
#define FORM_CT		"application/x-www-form-urlencoded"
#define TEXT_CT		"text/plain; charset=utf-8"
#define JSON_CT		"application/json"
#define API_LINE	"hotlined: counsellor API listening on "

/* A distinctive caller, a second one, and a safe number typed by one. */
#define PHONE		"+85512345678"
#define PHONE_DIGITS	"85512345678"
#define PHONE_NSN	"12345678"
#define PHONE2		"+85587654321"
#define SAFE_TYPED	"098765432"
#define SAFE_E164	"+85598765432"
#define SAFE_NSN	"98765432"

/* The Standard Webhooks test secret (a 24-byte key). */
#define SECRET_B64	"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define SECRET		"whsec_" SECRET_B64

/* Tokens of tests/data/callback/roster.json.in. */
#define TOK_C1		"token-c1-0123456789abcdefghij"
#define TOK_C2		"token-c2-0123456789abcdefghij"
#define TOK_S1		"token-s1-0123456789abcdefghij"

/* Monday 2026-11-23 10:00 in Phnom Penh: c1 and c2 on duty. */
#define CLOCK_DAY	"2026-11-23T10:00:00+07:00"
#define CLOCK_EARLY	"2026-11-23T07:59:55+07:00"

/* The screens of tests/data/callback/menus/cb.json, in English. */
#define S_MAIN		"CON Welcome\n1. Call me back\n99. Exit"
#define S_SAFE		"CON Can we call this number?\n1. Yes\n2. No\n0. Back"
#define S_NUMBER	"CON Type a safe number\n0. Back"
#define S_WHEN		"CON When is it safe?\n1. Now\n2. Morning\n" \
			"3. Afternoon\n4. Evening\n0. Back"
#define S_COVER		"CON If someone else answers?\n1. Wrong number\n" \
			"2. Health survey\n0. Back"
#define S_DANGER	"CON Are you in danger now?\n1. Yes\n2. No\n0. Back"
#define S_DONE(when)	"END A counsellor will call you " when "."
#define S_FAILED	"END Sorry, we could not record it. Call 117 if in " \
			"danger."

/*
 * What the caller is told at 10:00 for "afternoon" and for "now" (the
 * roster's now_minutes is the default, 30).
 */
#define END_AFTERNOON	S_DONE("today from 12:00")
#define END_NOW		S_DONE("within 30 minutes")

/* How a test wants its daemon. */
struct cb_opts {
	int		 escalate;	/* escalate_after, s */
	int		 retry;		/* retry_first, s */
	int		 max_attempts;	/* 0: the fixture's 5 */
	const char	*clock_start;	/* NULL: CLOCK_DAY */
	int		 verbose;
	const char	*fixture;	/* NULL: tests/data/callback */
	const char	*roster_extra;	/* roster members to add, or NULL */
	void		(*prepare)(void); /* edits h's files before launch */
};

/* One HTTP request to run on a thread, released with others at once. */
struct par {
	pthread_barrier_t	*bar;
	int			 port;
	const char		*path;
	const char		*ct;
	char			*body;
	const char		*hdr[2];
	struct harness_reply	 rep;
	char			 slow_body[1024];	/* slow_post's */
	int			 rc;
	atomic_int		 done;
};

/* The running test's daemon, receiver and what was learnt at launch. */
extern struct harness	*h;		/* the daemon of the running test */
extern struct receiver	*rcv;		/* the counsellors' endpoints */
extern int		 api_port;	/* the daemon's counsellor API */
extern time_t		 clock_epoch;	/* its clock_start */
extern time_t		 launched;	/* time() just before the launch */

/* Nothing yet; each test starts what it needs. */
void	setup(void);

/*
 * Before the teardown's SIGTERM, let the daemon's work end: every request
 * alerted (none still OPEN) and every alert's delivery recorded (no
 * outbox row pending). Stopping with a delivery in flight is the business
 * of test_sigterm_during_delivery alone. Bounded (3 s), asserts nothing.
 */
void	settle(void);

/*
 * Every daemon must stop cleanly on SIGTERM (exit 0, which under ASan also
 * means no leak) and leave no sanitizer report in its log; then remove its
 * directory and stop the receiver. A failing test never gets here: its
 * daemon and receiver die with it and main() removes the files.
 */
void	teardown(void);

/* A path below $TOP_SRCDIR (new string). */
char	*src_path(const char *rel);

/* Copy of s with every from replaced by to (from must occur). */
char	*replace_all(const char *s, const char *from, const char *to);

/* "YYYY-MM-DDTHH:MM:SS+07:00" as Unix seconds. */
time_t	pp_time(const char *s);

/* Unix seconds as ISO 8601 UTC, as the webhook body writes them. */
void	iso_utc(time_t t, char *buf, size_t len);

/* (Re)start the daemon in h's directory and learn its API port. */
void	launch(void);

/*
 * Set the integer at a dotted key ("limits.per_number.requests") in h's
 * hotlined.conf, making the blocks on the way; before a launch.
 */
void	conf_set_int(const char *dotted, long v);

/* Set clock_start (and verbose when asked) in hotlined.conf. */
void	set_conf(const char *clock_start, int verbose);

/*
 * Start the receiver and a daemon on a fresh copy of o->fixture,
 * with roster.json filled in from roster.json.in and hotlined.conf
 * adjusted as o says.
 */
void	start(const struct cb_opts *o);

/* The usual daemon: on duty, no escalation in sight, fast retries. */
void	start_day(void);

/* Post one Africa's Talking hop; return the 200 text/plain body. */
char	*at_hop(const char *sid, const char *phone, const char *text);

/* Post one hop and check the exact reply. */
void	at_expect(const char *sid, const char *phone, const char *text,
	    const char *want);

/*
 * A request to the counsellor API with a bearer token (none when token is
 * NULL): check the status and the JSON content type, return the parsed
 * body (new reference).
 */
json_t	*api(const char *method, const char *path, const char *token,
	    const char *body, long want);

/* GET /api/requests as c1: the "requests" array (new reference). */
json_t	*api_list(void);

/* The reference of the i-th listed request (new string). */
char	*listed_ref(size_t i, size_t want_n);

/* GET /api/requests/<ref> as token (new reference). */
json_t	*api_get(const char *ref, const char *token);

/* POST /api/requests/<ref>/<verb> as token with body; the JSON answer. */
json_t	*api_post(const char *ref, const char *verb, const char *token,
	    const char *body, long want);

/* The history of ref as "created,alerted,..." (new string). */
char	*history(const char *ref);

/* The i-th history entry of ref (new reference). */
json_t	*history_entry(const char *ref, size_t i);

/* Poll the history of ref until it is exactly want; fail after ms. */
void	history_wait(const char *ref, const char *want, int ms);

/* Check one history entry exactly. */
void	history_expect(const char *ref, size_t i, const char *event,
	    const char *actor, const char *detail);

/* The daemon's database, opened read-only. */
sqlite3	*db_open(void);

/*
 * Hold the daemon's database from outside, as another program's write
 * lock would (SQLite: an exclusive transaction; PostgreSQL: its tables
 * locked): the daemon's writes wait, and fail after the store's busy
 * time-out, until db_release.
 */
struct db_hold	*db_hold(void);
void		 db_release(struct db_hold *d);

/* Run sql, which writes, on the daemon's database (either engine). */
void	db_write(const char *sql);

/* The PostgreSQL URI the suite runs on ($HOTLINED_TEST_DATABASE), or NULL. */
const char *db_pg(void);

/* The single integer sql yields. */
long long	db_int(const char *sql);

/* The single text sql yields (new string; "(null)" for NULL). */
char	*db_text(const char *sql);

/* Poll until sql yields want; fail after ms. */
void	db_wait_int(const char *sql, long long want, int ms);

/*
 * Whether sig (a space-separated list of "v1,<base64>") holds the
 * Standard Webhooks v1 signature of id.ts.body under secret.
 */
int	sig_ok(const char *secret, const char *id, const char *ts,
	    const char *body, size_t len, const char *sig);

/* The i-th request recorded under prefix (a copy; clear it). */
struct receiver_request	got(const char *prefix, size_t i);

/*
 * Check one alert exactly: a signed Standard Webhooks POST of kind about
 * ref, stamped with the daemon's clock, whose body says what the API says
 * about the request and carries phone (or no number at all when NULL).
 * Returns the parsed body (new reference).
 */
json_t	*check_alert(const struct receiver_request *q, const char *kind,
	    const char *ref, int urgent, const char *window, const char *phone);

/* The phone an alert to path must carry: only c1 has with_phone. */
const char	*phone_for(const char *path, const char *phone);

/* Wait for the others, then send; Check's asserts stay on the main thread. */
void	*par_main(void *arg);

/* Send n POSTs from n threads at the same moment and wait for all. */
void	par_run(struct par *p, size_t n);

/*
 * The store may take longer to answer than harness_request's 5 s: a POST
 * of an AT hop to the daemon with a 15 s limit, run on a thread. The
 * status goes to p->rep.status and the body to p->slow_body.
 */
void	*slow_post(void *arg);

/* An AT hop body for a par. */
char	*at_body(const char *sid, const char *phone, const char *text);

/* Stop the daemon with SIGTERM; it must exit 0. */
void	stop_daemon(void);

/*
 * Run "$HOTLINED_BIN -c <h's dir>/<conf> -B dest" to its end (at most
 * 30 s) and return its exit status; *out and *err (new strings, freed by
 * the caller) get what it printed. A run that did not exit, or that a
 * sanitizer reported on, fails the test.
 */
int	backup_run(const char *conf, const char *dest, char **out, char **err);

/*
 * Requests under prefix recorded at or after since (harness_now_ms): how
 * many, and the index (under prefix) of the first in *first.
 */
size_t	count_since(const char *prefix, long long since, size_t *first);

/*
 * The index of the first alert under prefix of kind about ref, or -1.
 */
int	find_alert(const char *prefix, const char *kind, const char *ref);

/*
 * Walk sid through the cb.json flow up to "Are you in danger now?",
 * checking every screen: "Yes" to "Can we call this number?" when safe is
 * NULL, else "No" and safe typed as the number to call; when is the
 * window's key. Returns the text so far (new string); the last hop
 * appends "*1" or "*2".
 */
char	*walk(const char *sid, const char *phone, const char *safe,
	    const char *when);

/* The last hop of a walk: answer the danger question with danger. */
char	*last_hop(const char *walked, const char *danger);

/* A whole request, not urgent, "afternoon": the confirmation is exact. */
void	request_afternoon(const char *sid, const char *phone);

/*
 * Initialise libsodium, then harness_main: check the environment
 * (HOTLINED_BIN, TOP_SRCDIR) and run suite s with every temporary file
 * below one directory, removed at the end. Returns the exit status for
 * main.
 */
int	flow_run(const char *name, Suite *s);

/*
 * For a suite of PostgreSQL's own: unless $HOTLINED_TEST_DATABASE names
 * a server (tests/pg.sh), start a throwaway cluster (scripts/pgtmp, in
 * /tmp) and set it, $HOTLINED_TEST_DATABASE_PASSWORD and _DIR. 0, or -1
 * after a message. flow_pg_end stops the cluster it started, if any.
 */
int	flow_pg_begin(const char *name);
void	flow_pg_end(const char *name);

#endif
