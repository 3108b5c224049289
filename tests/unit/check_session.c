/* SPDX-License-Identifier: ISC */
/*
 * check_session: the table of live USSD sessions on a real event base,
 * with a configuration loaded from a temporary file and, where a request
 * is filed, a real store in a temporary SQLite file. A first hop starts a
 * session and later hops continue it; a retried hop gets the same reply
 * without moving on; idle time-out, maximum duration and the retry window
 * wipe sessions on the loop's (monotonic) timers; a full table evicts the
 * oldest or tells the caller the line is busy; the gateway's end notice;
 * replies that wait until a callback request is durable; and two tables
 * sharing one store, as two daemons on one database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>
#include <event2/event.h>

#include "channel.h"
#include "clock.h"
#include "conf.h"
#include "diag.h"
#include "session.h"
#include "store.h"
#include "testutil.h"

/* The daemon's clock: a Monday at 10:00 in Phnom Penh, c1 on duty. */
#define MONDAY_10	"2026-11-23T10:00:00+07:00"
#define SECRET		"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define TOKEN_C1	"token-c1-0123456789abcdefghij"
#define TOKEN_S1	"token-s1-0123456789abcdefghij"

#define EN(s)		"{\"en\": \"" s "\"}"
#define OPT(k, l, n)	"{\"key\": \"" k "\", \"label\": " EN(l) \
			", \"next\": \"" n "\"}"
#define CHOICE(k, l, v)	"{\"key\": \"" k "\", \"label\": " EN(l) \
			", \"value\": \"" v "\"}"

/*
 * The tree: a main menu, an END leaf, and a callback request filed at the
 * first answer ("request") and completed at its callback node.
 */
static const char menu_json[] =
    "{\"start\": \"main\", \"strings\": {"
    "\"invalid\": " EN("Invalid choice.") ", "
    "\"more\": " EN("More") ", \"back\": " EN("Back") ", "
    "\"expired\": " EN("Please dial again.") ", "
    "\"when_within\": " EN("within {minutes} minutes") ", "
    "\"when_today_before\": " EN("today before {time}") ", "
    "\"when_tonight_before\": " EN("tonight before {time}") ", "
    "\"when_today_from\": " EN("today from {time}") ", "
    "\"when_tomorrow_from\": " EN("tomorrow from {time}") ", "
    "\"when_day_from\": " EN("on {day} from {time}") ", "
    "\"when_unknown\": " EN("when a counsellor is free") ", "
    "\"days\": " EN("Sunday|Monday|Tuesday|Wednesday|Thursday|Friday|"
    "Saturday") "},\n"
    "\"nodes\": {"
    "\"main\": {\"type\": \"menu\", \"text\": " EN("Welcome") ", "
    "\"options\": [" OPT("1", "Call me back", "safe") ", "
    OPT("2", "Help", "help") ", {\"key\": \"99\", \"label\": " EN("Exit")
    ", \"action\": \"exit\"}]},\n"
    "\"help\": {\"type\": \"end\", \"text\": " EN("Police 117.") "},\n"
    "\"safe\": {\"type\": \"input\", \"text\": "
    EN("Can we call this number?") ", \"store\": \"safe\", "
    "\"request\": \"done\", \"accept\": {\"type\": \"choice\", "
    "\"choices\": [" CHOICE("1", "Yes", "yes") ", "
    CHOICE("2", "No", "no") "]}, \"next\": \"when\"},\n"
    "\"when\": {\"type\": \"input\", \"text\": " EN("When is it safe?") ", "
    "\"store\": \"window\", \"accept\": {\"type\": \"choice\", "
    "\"choices\": [" CHOICE("1", "Now", "now") ", "
    CHOICE("2", "Evening", "evening") "]}, \"next\": \"done\"},\n"
    "\"done\": {\"type\": \"callback\", \"fields\": {\"safe_to_call\": "
    "\"safe\", \"window\": \"window\"}, \"text\": "
    EN("A counsellor will call you {when}.") ", \"failed\": "
    EN("Sorry, we could not record it. Call 117.") "}}}\n";

static const char roster_json[] =
    "{\"people\": [{\"id\": \"c1\", \"name\": \"Counsellor One\", "
    "\"role\": \"counsellor\", \"token\": \"" TOKEN_C1 "\", "
    "\"alerts\": [{\"type\": \"webhook\", "
    "\"url\": \"http://127.0.0.1:9/c1\", \"secret\": \"" SECRET "\"}]}, "
    "{\"id\": \"s1\", \"name\": \"Supervisor\", \"role\": "
    "\"supervisor\", \"token\": \"" TOKEN_S1 "\", \"alerts\": [{\"type\": "
    "\"webhook\", \"url\": \"http://127.0.0.1:9/s1\", \"secret\": \""
    SECRET "\"}]}],"
    "\"shifts\": [{\"who\": \"c1\", \"days\": [\"mon\", \"tue\", \"wed\", "
    "\"thu\", \"fri\"], \"start\": \"08:00\", \"end\": \"17:00\"}]}\n";

/* The screens of the tree, exactly. */
#define S_MAIN		"Welcome\n1. Call me back\n2. Help\n99. Exit"
#define S_SAFE		"Can we call this number?\n1. Yes\n2. No\n0. Back"
#define S_WHEN		"When is it safe?\n1. Now\n2. Evening\n0. Back"
#define S_DONE		"A counsellor will call you within 30 minutes."
#define S_HELP		"Police 117."
#define S_EXPIRED	"Please dial again."
#define S_BUSY		"Busy. Call 117."

/* What a deferred reply brought. */
struct waiter {
	int			 called;
	enum session_result	 r;
	char			 text[256];
	int			 end;
};

/* The fields of a stored request the tests look at. */
struct row {
	char	 phone[32];
	char	 safe[8];
	char	 window[16];
	char	 session_end[32];
	int	 intake;
	int	 state;
};

/* A page of stored requests. */
struct rows {
	int		 done;
	enum store_rc	 rc;
	size_t		 n;
	struct row	 row[8];
};

static struct event_base	*base;
static struct conf		*conf;
static const struct channel	*ch;
static struct session_table	*table;
static struct store		*st;
static struct hclock		 clk;
static int			 stored_calls;
static struct timespec		 t0;

/* Count the table's "a request was stored" calls. */
static void
stored_cb(void *arg)
{
	(void)arg;
	stored_calls++;
}

/* An event base; the menu and roster in a temporary directory. */
static void
setup(void)
{
	const char	*dir = tu_tmpdir();
	time_t		 start;

	base = event_base_new();
	ck_assert_ptr_nonnull(base);
	free(tu_write(dir, "menus/m.json", menu_json));
	free(tu_write(dir, "roster.json", roster_json));
	ck_assert_int_eq(hclock_parse(MONDAY_10, &start), 0);
	hclock_init(&clk, start);
	stored_calls = 0;
	conf = NULL;
	table = NULL;
	st = NULL;
}

/* Stop and free in the daemon's order, then remove the files. */
static void
teardown(void)
{
	if (table != NULL)
		session_table_stop(table);
	store_free(st);
	session_table_free(table);
	conf_unref(conf);
	event_base_free(base);
	tu_cleanup();
}

/*
 * Load a configuration whose "session" block is session and make the
 * table, with a store in the temporary directory when with_store is set.
 */
static void
start(const char *session, int with_store)
{
	struct diag	*d = diag_new();
	char		*text, *path, *db, *cause = NULL;
	const char	*tok;
	int		 notice;

	ck_assert_ptr_nonnull(d);
	ck_assert_int_ne(asprintf(&text, "{\"session\": %s, "
	    "\"languages\": [\"en\"], \"exit_text\": \"Goodbye.\", "
	    "\"roster\": \"roster.json\", \"clock_start\": \"" MONDAY_10 "\", "
	    "\"menus\": {\"main\": \"menus/m.json\"}, \"channels\": "
	    "[{\"name\": \"at\", \"type\": \"africastalking\", "
	    "\"path\": \"/ussd/at\"}]}\n", session), -1);
	path = tu_write(tu_tmpdir(), "h.conf", text);
	conf = conf_load(path, d, NULL);
	ck_assert_msg(conf != NULL, "%s", tu_diag_all(d));
	free(path);
	free(text);
	diag_free(d);
	ch = conf_channel_for(conf, "/ussd/at", &tok, &notice);
	ck_assert_ptr_nonnull(ch);
	if (with_store) {
		ck_assert_int_ne(asprintf(&db, "%s/hotlined.db", tu_tmpdir()),
		    -1);
		st = store_new(base, db, NULL, &cause);
		ck_assert_msg(st != NULL, "store_new: %s", cause);
		free(db);
	}
	table = session_table_new(base, st, &clk, stored_cb, NULL);
	ck_assert_ptr_nonnull(table);
}

/* A session block with the shortest timers and room for max sessions. */
static void
start_short(int max, int with_store)
{
	char	 s[256];

	snprintf(s, sizeof(s), "{\"idle_timeout\": 5, \"max_duration\": 10, "
	    "\"retry_window\": 1, \"max_sessions\": %d, "
	    "\"busy_text\": \"" S_BUSY "\"}", max);
	start(s, with_store);
}

/* The caller's number: one per session id, so requests never merge. */
static const char *
phone_of(const char *id)
{
	static char	 buf[32];

	snprintf(buf, sizeof(buf), "+8551234560%c", id[strlen(id) - 1]);
	return buf;
}

/* A deferred reply arrived: copy it. */
static void
later_cb(enum session_result r, const struct channel_reply *rep, void *arg)
{
	struct waiter	*w = arg;

	w->called++;
	w->r = r;
	w->text[0] = '\0';
	if (r == SESSION_OK) {
		snprintf(w->text, sizeof(w->text), "%s", rep->text);
		w->end = rep->end;
	}
}

/*
 * One Africa's Talking hop of session id: the whole history so far, new
 * when it is empty, as channel_at.c translates it.
 */
static enum session_result
hop(const char *id, const char *history, struct channel_reply *rep,
    struct waiter *w)
{
	struct channel_event	 ev;

	memset(&ev, 0, sizeof(ev));
	ev.channel = "at";
	ev.session_id = id;
	ev.phone = phone_of(id);
	ev.service_code = "*1234#";
	ev.history = history;
	ev.separator = "*";
	ev.start = *history == '\0' ? CHANNEL_START_NEW :
	    CHANNEL_START_CONTINUE;
	return session_handle(table, conf, ch, &ev, rep, later_cb, w);
}

/* A hop answered at once with exactly want (END when end). */
static void
say(const char *id, const char *history, const char *want, int end)
{
	struct channel_reply	 rep;
	struct waiter		 w;

	memset(&w, 0, sizeof(w));
	ck_assert_int_eq(hop(id, history, &rep, &w), SESSION_OK);
	ck_assert_ptr_nonnull(rep.text);
	ck_assert_str_eq(rep.text, want);
	ck_assert_int_eq(rep.end, end);
	ck_assert_int_eq(w.called, 0);
	channel_reply_clear(&rep);
}

/* A hop whose reply must wait for the store. */
static void
say_later(const char *id, const char *history, struct waiter *w)
{
	struct channel_reply	 rep;

	memset(w, 0, sizeof(*w));
	ck_assert_int_eq(hop(id, history, &rep, w), SESSION_PENDING);
	ck_assert_ptr_null(rep.text);
	ck_assert_int_eq(w->called, 0);
}

/* Run the loop until *n reaches want, for at most ten seconds. */
static void
wait_n(const int *n, int want)
{
	ck_assert_msg(tu_loop_wait(base, n, want, 10) == 0,
	    "%d of %d completions", *n, want);
}

/* Seconds on the monotonic clock. */
static double
mono(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Take now as the origin of run_until. */
static void
mark(void)
{
	clock_gettime(CLOCK_MONOTONIC, &t0);
}

/* Run the loop (timers firing) until at seconds after mark(). */
static void
run_until(double at)
{
	struct timeval	 tv;
	double		 left;

	left = (double)t0.tv_sec + t0.tv_nsec / 1e9 + at - mono();
	if (left <= 0)
		return;
	tv.tv_sec = (time_t)left;
	tv.tv_usec = (suseconds_t)((left - (double)tv.tv_sec) * 1e6);
	event_base_loopexit(base, &tv);
	event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY);
}

/* Copy a listed page of requests. */
static void
page_cb(enum store_rc rc, const struct store_callback *r, size_t n,
    size_t total, void *arg)
{
	struct rows	*l = arg;
	size_t		 i;

	(void)total;
	l->rc = rc;
	l->n = n;
	for (i = 0; i < n && i < 8; i++) {
		snprintf(l->row[i].phone, sizeof(l->row[i].phone), "%s",
		    r[i].phone != NULL ? r[i].phone : "");
		snprintf(l->row[i].safe, sizeof(l->row[i].safe), "%s",
		    r[i].safe_to_call != NULL ? r[i].safe_to_call : "");
		snprintf(l->row[i].window, sizeof(l->row[i].window), "%s",
		    r[i].window != NULL ? r[i].window : "");
		snprintf(l->row[i].session_end, sizeof(l->row[i].session_end),
		    "%s", r[i].session_end != NULL ? r[i].session_end : "");
		l->row[i].intake = r[i].intake;
		l->row[i].state = (int)r[i].state;
	}
	l->done = 1;
}

/* Every request not completed, as stored now. */
static void
list_rows(struct rows *l)
{
	memset(l, 0, sizeof(*l));
	ck_assert_int_eq(store_callback_list(st, NULL, 0, page_cb, l), 0);
	wait_n(&l->done, 1);
	ck_assert_int_eq(l->rc, STORE_OK);
}

/* The stored request of session id (its number), which must exist. */
static const struct row *
row_of(const struct rows *l, const char *id)
{
	const char	*p = phone_of(id);
	size_t		 i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->row[i].phone, p) == 0)
			return &l->row[i];
	ck_abort_msg("no request from session %s", id);
	return NULL;
}

/*
 * A first hop starts a session, later hops continue it; another id is
 * another session; a new first hop under a used id starts over.
 */
START_TEST(test_new_continue)
{
	start_short(10, 0);
	ck_assert_uint_eq(session_count(table), 0);
	say("s1", "", S_MAIN, 0);
	ck_assert_uint_eq(session_count(table), 1);
	ck_assert_uint_eq(session_live(table), 1);
	say("s1", "1", S_SAFE, 0);
	say("s1", "1*7", "Invalid choice.\n" S_SAFE, 0);
	say("s1", "1*7*0", S_MAIN, 0);
	say("s2", "", S_MAIN, 0);
	ck_assert_uint_eq(session_count(table), 2);
	ck_assert_uint_eq(session_live(table), 2);
	/* s2 is at the start, s1 is not: they do not share a walk. */
	say("s2", "2", S_HELP, 1);
	ck_assert_uint_eq(session_live(table), 1);
	say("s1", "1*7*0*1", S_SAFE, 0);
	/* The gateway starts s1 over: a fresh walk, no error line. */
	say("s1", "", S_MAIN, 0);
	say("s1", "2", S_HELP, 1);
	ck_assert_uint_eq(session_count(table), 2);
	ck_assert_uint_eq(session_live(table), 0);
	/* A later hop of a session never seen: the expired text. */
	say("zz", "1", S_EXPIRED, 1);
	ck_assert_uint_eq(session_count(table), 2);
	ck_assert_uint_eq(session_evicted(table), 0);
	ck_assert_uint_eq(session_refused(table), 0);
	ck_assert_uint_eq(session_pending(table), 0);
}
END_TEST

/*
 * Forgetting a number wipes its sessions, live or ended, whatever form
 * the number is given in; the others stay; a later hop finds nothing.
 */
START_TEST(test_end_number)
{
	start_short(10, 0);
	say("s1", "", S_MAIN, 0);
	say("s1", "1", S_SAFE, 0);
	say("s2", "", S_MAIN, 0);
	say("s3", "", S_MAIN, 0);
	say("s3", "2", S_HELP, 1);	/* ended, held for retries */
	ck_assert_uint_eq(session_count(table), 3);
	ck_assert_uint_eq(session_live(table), 2);

	ck_assert_uint_eq(session_end_number(table, "012 345 601"), 1);
	ck_assert_uint_eq(session_count(table), 2);
	ck_assert_uint_eq(session_live(table), 1);
	say("s1", "1*1", S_EXPIRED, 1);
	ck_assert_uint_eq(session_end_number(table, "+85512345603"), 1);
	ck_assert_uint_eq(session_count(table), 1);
	ck_assert_uint_eq(session_end_number(table, "+85512345603"), 0);
	ck_assert_uint_eq(session_end_number(table, "not a number"), 0);
	ck_assert_uint_eq(session_end_number(table, "+85512345609"), 0);
	/* s2 goes on. */
	say("s2", "1", S_SAFE, 0);
	ck_assert_uint_eq(session_live(table), 1);
}
END_TEST

/*
 * A retried hop gets the same reply and does not move on (answering "1"
 * to the question again would file a request); so does a retried END,
 * until the retry window is over.
 */
START_TEST(test_retry)
{
	start_short(10, 0);
	say("s1", "", S_MAIN, 0);
	say("s1", "", S_MAIN, 0);
	say("s1", "1", S_SAFE, 0);
	say("s1", "1", S_SAFE, 0);
	say("s1", "1", S_SAFE, 0);
	say("s1", "1*7", "Invalid choice.\n" S_SAFE, 0);
	say("s1", "1*7", "Invalid choice.\n" S_SAFE, 0);
	say("s1", "1*7*0", S_MAIN, 0);
	say("s1", "1*7*0*2", S_HELP, 1);
	ck_assert_uint_eq(session_count(table), 1);
	ck_assert_uint_eq(session_live(table), 0);
	/* The ended session still answers its last hop, and nothing else. */
	say("s1", "1*7*0*2", S_HELP, 1);
	say("s1", "1*7*0*2*1", S_EXPIRED, 1);
	say("s1", "1*7*0*2", S_HELP, 1);
	ck_assert_uint_eq(session_count(table), 1);
	/* The quick exit's text is retried alike. */
	say("s2", "", S_MAIN, 0);
	say("s2", "99", "Goodbye.", 1);
	say("s2", "99", "Goodbye.", 1);
	ck_assert_uint_eq(session_count(table), 2);
	/* After retry_window (1 s) both are gone. */
	mark();
	run_until(1.6);
	ck_assert_uint_eq(session_count(table), 0);
	ck_assert_uint_eq(session_live(table), 0);
	say("s1", "1*7*0*2", S_EXPIRED, 1);
	ck_assert_uint_eq(session_count(table), 0);
}
END_TEST

/*
 * idle_timeout (5 s) without a hop wipes a session, and a request it
 * filed records "timeout"; a hop after that gets the expired text.
 */
START_TEST(test_idle_timeout)
{
	struct waiter	 w;
	struct rows	 l;

	start_short(10, 1);
	say("s1", "", S_MAIN, 0);
	say("s1", "1", S_SAFE, 0);
	say_later("s1", "1*1", &w);
	wait_n(&w.called, 1);
	mark();
	ck_assert_int_eq(w.r, SESSION_OK);
	ck_assert_str_eq(w.text, S_WHEN);
	list_rows(&l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_int_eq(row_of(&l, "s1")->intake, 1);
	ck_assert_str_eq(row_of(&l, "s1")->session_end, "");
	say("s2", "", S_MAIN, 0);
	run_until(4.4);
	ck_assert_uint_eq(session_count(table), 2);
	ck_assert_uint_eq(session_live(table), 2);
	/* s2 keeps itself alive; s1 says nothing. */
	say("s2", "1", S_SAFE, 0);
	run_until(5.6);
	ck_assert_uint_eq(session_count(table), 1);
	ck_assert_uint_eq(session_live(table), 1);
	say("s1", "1*1*1", S_EXPIRED, 1);
	say("s2", "1*7", "Invalid choice.\n" S_SAFE, 0);
	list_rows(&l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_int_eq(row_of(&l, "s1")->intake, 0);
	ck_assert_str_eq(row_of(&l, "s1")->session_end, "timeout");
	ck_assert_str_eq(row_of(&l, "s1")->safe, "yes");
	ck_assert_str_eq(row_of(&l, "s1")->window, "");
	/* Timing out is not eviction. */
	ck_assert_uint_eq(session_evicted(table), 0);
}
END_TEST

/* max_duration (10 s) wipes a session however often it hops. */
START_TEST(test_max_duration)
{
	start_short(10, 0);
	mark();
	say("s1", "", S_MAIN, 0);
	run_until(4.0);
	say("s1", "1", S_SAFE, 0);
	run_until(8.0);
	/* Twice the idle time-out since the start: still held. */
	say("s1", "1*7", "Invalid choice.\n" S_SAFE, 0);
	ck_assert_uint_eq(session_count(table), 1);
	/* Idle alone would keep it until 13 s; the limit ends it by 11 s. */
	run_until(11.3);
	ck_assert_uint_eq(session_count(table), 0);
	ck_assert_uint_eq(session_live(table), 0);
	say("s1", "1*7*0", S_EXPIRED, 1);
}
END_TEST

/*
 * A full table (max_sessions 2): the least recently used session gives
 * way, ended or idle, and is counted; a request it filed records
 * "evicted".
 */
START_TEST(test_evict)
{
	struct waiter	 w;
	struct rows	 l;

	start_short(2, 1);
	say("s1", "", S_MAIN, 0);
	say("s1", "2", S_HELP, 1);
	say("s2", "", S_MAIN, 0);
	ck_assert_uint_eq(session_count(table), 2);
	ck_assert_uint_eq(session_live(table), 1);
	/* s1 only answers retries: it goes first. */
	say("s3", "", S_MAIN, 0);
	ck_assert_uint_eq(session_count(table), 2);
	ck_assert_uint_eq(session_live(table), 2);
	ck_assert_uint_eq(session_evicted(table), 1);
	say("s1", "2", S_EXPIRED, 1);
	/* s3 was used last; s2, idle longest, gives way to s4. */
	say("s2", "1", S_SAFE, 0);
	say_later("s2", "1*1", &w);
	wait_n(&w.called, 1);
	ck_assert_str_eq(w.text, S_WHEN);
	say("s3", "1", S_SAFE, 0);
	say("s4", "", S_MAIN, 0);
	ck_assert_uint_eq(session_count(table), 2);
	ck_assert_uint_eq(session_evicted(table), 2);
	ck_assert_uint_eq(session_refused(table), 0);
	say("s2", "1*1*1", S_EXPIRED, 1);
	say("s3", "1*7", "Invalid choice.\n" S_SAFE, 0);
	say("s4", "2", S_HELP, 1);
	list_rows(&l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(row_of(&l, "s2")->session_end, "evicted");
	ck_assert_int_eq(row_of(&l, "s2")->intake, 0);
}
END_TEST

/*
 * When every session held is storing, a new caller gets the busy text
 * (an END, never an error) and is counted; once they are stored, room is
 * made again.
 */
START_TEST(test_busy)
{
	struct waiter	 w1, w2;
	struct rows	 l;

	start_short(2, 1);
	say("s1", "", S_MAIN, 0);
	say("s1", "1", S_SAFE, 0);
	say("s2", "", S_MAIN, 0);
	say("s2", "1", S_SAFE, 0);
	say_later("s1", "1*1", &w1);
	say_later("s2", "1*2", &w2);
	ck_assert_uint_eq(session_pending(table), 2);
	say("s3", "", S_BUSY, 1);
	say("s3", "", S_BUSY, 1);
	ck_assert_uint_eq(session_refused(table), 2);
	ck_assert_uint_eq(session_evicted(table), 0);
	ck_assert_uint_eq(session_count(table), 2);
	wait_n(&w1.called, 1);
	wait_n(&w2.called, 1);
	ck_assert_str_eq(w1.text, S_WHEN);
	ck_assert_str_eq(w2.text, S_WHEN);
	ck_assert_uint_eq(session_pending(table), 0);
	say("s3", "", S_MAIN, 0);
	ck_assert_uint_eq(session_count(table), 2);
	ck_assert_uint_eq(session_evicted(table), 1);
	ck_assert_uint_eq(session_refused(table), 2);
	list_rows(&l);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_str_eq(row_of(&l, "s1")->session_end, "evicted");
	ck_assert_str_eq(row_of(&l, "s2")->session_end, "");
	ck_assert_str_eq(row_of(&l, "s2")->safe, "no");
}
END_TEST

/*
 * The gateway's end notice wipes a session and records how on a request
 * it filed; unknown and repeated notices do nothing; a hop marked ended
 * wipes too and gets an empty END.
 */
START_TEST(test_gateway_end)
{
	struct channel_event	 ev;
	struct channel_reply	 rep;
	struct waiter		 w;
	struct rows		 l;
	int			 before;

	start_short(10, 1);
	say("s1", "", S_MAIN, 0);
	ck_assert_int_eq(session_gateway_end(table, "at", "s1", "completed"),
	    1);
	ck_assert_uint_eq(session_count(table), 0);
	ck_assert_int_eq(session_gateway_end(table, "at", "s1", "completed"),
	    0);
	ck_assert_int_eq(session_gateway_end(table, "at", "nope", "hung_up"),
	    0);
	ck_assert_int_eq(session_gateway_end(table, "other", "s2", "failed"),
	    0);
	say("s1", "1", S_EXPIRED, 1);

	/* A filed request learns how the session ended. */
	say("s2", "", S_MAIN, 0);
	say("s2", "1", S_SAFE, 0);
	say_later("s2", "1*1", &w);
	wait_n(&w.called, 1);
	before = stored_calls;
	ck_assert_int_eq(session_gateway_end(table, "at", "s2", "hung_up"), 1);
	ck_assert_int_eq(stored_calls, before + 1);
	ck_assert_uint_eq(session_count(table), 0);
	list_rows(&l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(row_of(&l, "s2")->session_end, "hung_up");
	ck_assert_int_eq(row_of(&l, "s2")->intake, 0);

	/* A hop that says the gateway ended it. */
	say("s3", "", S_MAIN, 0);
	memset(&ev, 0, sizeof(ev));
	ev.channel = "at";
	ev.session_id = "s3";
	ev.phone = phone_of("s3");
	ev.history = "1";
	ev.separator = "*";
	ev.start = CHANNEL_START_CONTINUE;
	ev.ended = 1;
	ck_assert_int_eq(session_handle(table, conf, ch, &ev, &rep, later_cb,
	    &w), SESSION_OK);
	ck_assert_str_eq(rep.text, "");
	ck_assert_int_eq(rep.end, 1);
	channel_reply_clear(&rep);
	ck_assert_uint_eq(session_count(table), 0);
	ck_assert_uint_eq(session_live(table), 0);
}
END_TEST

/*
 * A hop that files a request waits until the row is durable; retries of
 * it wait for the same outcome and store nothing more; a requester that
 * went away is forgotten; the completed request is retried at once.
 */
START_TEST(test_waiters)
{
	struct waiter	 w1, w2, w3, w4, w5;
	struct rows	 l;

	start_short(10, 1);
	say("s1", "", S_MAIN, 0);
	say("s1", "1", S_SAFE, 0);
	say_later("s1", "1*1", &w1);
	say_later("s1", "1*1", &w2);
	say_later("s1", "1*1", &w3);
	ck_assert_uint_eq(session_pending(table), 3);
	session_forget(table, &w3);
	ck_assert_uint_eq(session_pending(table), 2);
	/* Forgetting someone unknown changes nothing. */
	session_forget(table, &w4);
	ck_assert_uint_eq(session_pending(table), 2);
	ck_assert_uint_eq(session_count(table), 1);
	ck_assert_uint_eq(session_live(table), 1);
	ck_assert_int_eq(stored_calls, 0);

	wait_n(&w1.called, 1);
	wait_n(&w2.called, 1);
	ck_assert_int_eq(w1.r, SESSION_OK);
	ck_assert_str_eq(w1.text, S_WHEN);
	ck_assert_int_eq(w1.end, 0);
	ck_assert_int_eq(w2.r, SESSION_OK);
	ck_assert_str_eq(w2.text, S_WHEN);
	ck_assert_int_eq(w2.called, 1);
	ck_assert_int_eq(w3.called, 0);
	ck_assert_uint_eq(session_pending(table), 0);
	ck_assert_int_eq(stored_calls, 1);
	/* Once stored, the retry is answered at once. */
	say("s1", "1*1", S_WHEN, 0);
	list_rows(&l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(row_of(&l, "s1")->safe, "yes");
	ck_assert_str_eq(row_of(&l, "s1")->window, "");
	ck_assert_int_eq(row_of(&l, "s1")->intake, 1);
	ck_assert_int_eq(row_of(&l, "s1")->state, STORE_OPEN);

	/* The callback node completes the same request. */
	say_later("s1", "1*1*1", &w4);
	say_later("s1", "1*1*1", &w5);
	wait_n(&w4.called, 1);
	wait_n(&w5.called, 1);
	ck_assert_str_eq(w4.text, S_DONE);
	ck_assert_int_eq(w4.end, 1);
	ck_assert_str_eq(w5.text, S_DONE);
	ck_assert_int_eq(w5.end, 1);
	ck_assert_int_eq(stored_calls, 2);
	say("s1", "1*1*1", S_DONE, 1);
	ck_assert_uint_eq(session_count(table), 1);
	ck_assert_uint_eq(session_live(table), 0);
	list_rows(&l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(row_of(&l, "s1")->window, "now");
	ck_assert_int_eq(row_of(&l, "s1")->intake, 0);
	ck_assert_str_eq(row_of(&l, "s1")->session_end, "completed");
	ck_assert_int_eq(w3.called, 0);
}
END_TEST

/*
 * The gateway ends a session while its request is being stored: the
 * waiters still get their reply, then the session goes and the request
 * records how it ended.
 */
START_TEST(test_end_while_storing)
{
	struct waiter	 w;
	struct rows	 l;

	start_short(10, 1);
	say("s1", "", S_MAIN, 0);
	say("s1", "1", S_SAFE, 0);
	say_later("s1", "1*2", &w);
	ck_assert_int_eq(session_gateway_end(table, "at", "s1", "hung_up"), 1);
	ck_assert_uint_eq(session_count(table), 1);
	ck_assert_uint_eq(session_pending(table), 1);
	wait_n(&w.called, 1);
	ck_assert_int_eq(w.r, SESSION_OK);
	ck_assert_str_eq(w.text, S_WHEN);
	ck_assert_uint_eq(session_count(table), 0);
	ck_assert_uint_eq(session_pending(table), 0);
	list_rows(&l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(row_of(&l, "s1")->safe, "no");
	ck_assert_str_eq(row_of(&l, "s1")->session_end, "hung_up");
	ck_assert_int_eq(row_of(&l, "s1")->intake, 0);
}
END_TEST

/* Stopping the table records the end of requests still answering. */
START_TEST(test_stop)
{
	struct waiter	 w;
	struct rows	 l;

	start_short(10, 1);
	say("s1", "", S_MAIN, 0);
	say("s1", "1", S_SAFE, 0);
	say_later("s1", "1*1", &w);
	wait_n(&w.called, 1);
	session_table_stop(table);
	list_rows(&l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(row_of(&l, "s1")->session_end, "stopped");
	ck_assert_int_eq(row_of(&l, "s1")->intake, 0);
}
END_TEST

/* The suite: quick cases, then those that wait for timers. */
/* A hop of session id to table t, as hop() does to the table. */
static enum session_result
hop_on(struct session_table *t, const char *id, const char *history,
    struct channel_reply *rep, struct waiter *w)
{
	struct session_table	*was = table;
	enum session_result	 r;

	table = t;
	r = hop(id, history, rep, w);
	table = was;
	return r;
}

/* A hop of a shared session: answered later, with exactly want. */
static void
say_on(struct session_table *t, const char *id, const char *history,
    const char *want, int end)
{
	struct channel_reply	 rep;
	struct waiter		 w;

	memset(&w, 0, sizeof(w));
	ck_assert_int_eq(hop_on(t, id, history, &rep, &w), SESSION_PENDING);
	channel_reply_clear(&rep);
	wait_n(&w.called, 1);
	ck_assert_int_eq(w.r, SESSION_OK);
	ck_assert_str_eq(w.text, want);
	ck_assert_int_eq(w.end, end);
}

/*
 * Two tables on one store treated as shared, as two daemons on one
 * database: a session's hops alternate between them and each gets the
 * screen one table alone gives; a retry of the filing hop to the other
 * table gets the same screen and moves nothing on; the request is filed
 * once and completed; the state's text, written over a version, is taken
 * and played again by whichever table has the next hop.
 */
START_TEST(test_shared)
{
	struct session_table	*other;
	struct rows		 l;

	start_short(10, 1);
	store_share_for_tests(st);
	other = session_table_new(base, st, &clk, stored_cb, NULL);
	ck_assert_ptr_nonnull(other);
	session_table_set_store(table, st, NULL);
	session_table_set_store(other, st, NULL);

	say_on(table, "s1", "", S_MAIN, 0);
	say_on(other, "s1", "1", S_SAFE, 0);
	say_on(table, "s1", "1*1", S_WHEN, 0);
	/* The gateway's retry reaches the other daemon. */
	say_on(other, "s1", "1*1", S_WHEN, 0);
	list_rows(&l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(row_of(&l, "s1")->safe, "yes");
	/* Not moved on: the next answer is to "When is it safe?". */
	say_on(table, "s1", "1*1*1", S_DONE, 1);
	say_on(other, "s1", "1*1*1", S_DONE, 1);
	list_rows(&l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(row_of(&l, "s1")->window, "now");
	ck_assert_str_eq(row_of(&l, "s1")->session_end, "completed");
	/* An unknown session on either is new or expired, as alone. */
	say_on(other, "s2", "1", S_EXPIRED, 1);
	say_on(other, "s2", "", S_MAIN, 0);
	say_on(table, "s2", "2", S_HELP, 1);
	session_table_stop(other);
	session_table_free(other);
}
END_TEST

static Suite *
session_suite(void)
{
	Suite	*s = suite_create("session");
	TCase	*tc = tcase_create("table");
	TCase	*tt = tcase_create("timers");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_new_continue);
	tcase_add_test(tc, test_end_number);
	tcase_add_test(tc, test_evict);
	tcase_add_test(tc, test_busy);
	tcase_add_test(tc, test_gateway_end);
	tcase_add_test(tc, test_waiters);
	tcase_add_test(tc, test_end_while_storing);
	tcase_add_test(tc, test_stop);
	tcase_add_test(tc, test_shared);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(tt, setup, teardown);
	tcase_set_timeout(tt, 40);
	tcase_add_test(tt, test_retry);
	tcase_add_test(tt, test_idle_timeout);
	tcase_add_test(tt, test_max_duration);
	suite_add_tcase(s, tt);
	return s;
}

/* Run the suite. */
int
main(void)
{
	SRunner	*sr = srunner_create(session_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
