/* SPDX-License-Identifier: ISC */
/*
 * Integration tests of two daemons on one PostgreSQL database, behind
 * Debian's haproxy (round robin, on a loopback port of the test's): a
 * Khmer session of the shipped sample whose hops alternate between them,
 * with the same screens as one daemon alone gives, and a gateway's retry
 * that lands on the other daemon, which answers the same and files
 * nothing twice; 200 sessions at once while the daemon without the lease
 * is killed (SIGKILL) in the middle of their filing hop, after which every
 * confirmed request is stored once and alerted once, by the other; and
 * the lease holder killed, whose alerts and escalation the other takes
 * over, once; a request filed on the daemon without the lease wakes the
 * holder at once (LISTEN/NOTIFY). Real daemons, a real server
 * (scripts/pgtmp unless tests/pg.sh gives one), a real haproxy; the
 * counsellors' endpoints are receiver.c's.
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>

#include "flow.h"

#define HAPROXY		"/usr/sbin/haproxy"
#define LEASE_LINE	"lease: taken"
#define FLOOD_N		200
#define SERVED_BY	"X-Served-By"

/* The second daemon and the proxy of the running test. */
static struct harness	*h2;
static pid_t		 proxy = -1;
static int		 proxy_port = -1;

/* The screens of cb.json, one per hop of a request for the afternoon. */
static const char *const flow_texts[] = {
	"", "1", "1*1", "1*1*3", "1*1*3*1", "1*1*3*1*2"
};
static const char *const flow_screens[] = {
	S_MAIN, S_SAFE, S_WHEN, S_COVER, S_DANGER, END_AFTERNOON
};
#define FLOW_HOPS	(sizeof(flow_texts) / sizeof(flow_texts[0]))

/* Stop the proxy and the second daemon, then what flow.c stops. */
static void
scale_teardown(void)
{
	int	 st;

	if (proxy > 0) {
		kill(proxy, SIGTERM);
		waitpid(proxy, &st, 0);
	}
	proxy = -1;
	proxy_port = -1;
	if (h2 != NULL && harness_signal(h2, 0) == 0)
		settle();
	harness_check_stop(&h2);
	teardown();
}

/* A port nothing listens on now, for the proxy. */
static int
free_port(void)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);
	int			 fd, port;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

/*
 * A second daemon on h's database: a copy of h's directory (its
 * configuration, roster and menus; its key file is h's, by path), on
 * ports of its own.
 */
static void
second_daemon(void)
{
	h2 = harness_new(harness_dir(h));
	ck_assert_ptr_nonnull(h2);
	ck_assert_int_eq(harness_launch(h2, "hotlined.conf"), 0);
}

/* The daemon that took the lease (the other must not have it). */
static struct harness *
lease_holder(void)
{
	long long	 deadline = harness_now_ms() + harness_slow_ms(5000);
	int		 a, b;

	do {
		a = harness_log_contains(h, LEASE_LINE);
		b = harness_log_contains(h2, LEASE_LINE);
		if (a || b)
			break;
		harness_sleep_ms(50);
	} while (harness_now_ms() < deadline);
	ck_assert_msg(a != b, "lease taken by %s", a ? "both" : "neither");
	return a ? h : h2;
}

/* What d's /healthz says of the lease, to a supervisor. */
static int
healthz_lease(struct harness *d)
{
	struct harness_reply	 rep;
	const char		*hdr[] = { "Authorization: Bearer " TOK_S1,
				    NULL };
	json_t			*v, *st;
	json_error_t		 jerr;
	int			 port = harness_log_port(d, API_LINE, 1000),
				 held;

	ck_assert_int_gt(port, 0);
	ck_assert_int_eq(harness_request_port(port, "GET", "/healthz", NULL,
	    NULL, 0, hdr, &rep), 0);
	ck_assert_int_eq(rep.status, 200);
	v = json_loads(rep.body, 0, &jerr);
	ck_assert_msg(v != NULL, "%s", jerr.text);
	st = json_object_get(v, "store");
	ck_assert(json_is_true(json_object_get(st, "shared")));
	held = json_is_true(json_object_get(st, "lease"));
	json_decref(v);
	harness_reply_clear(&rep);
	return held;
}

/*
 * haproxy in front of h and h2, round robin, each answer saying which
 * daemon gave it (X-Served-By: a or b); it stays in the foreground, its
 * log in h's directory.
 */
static void
proxy_start(void)
{
	char		*cfg, *path, *log, *argv[5];
	long long	 deadline;
	struct harness_reply rep;
	int		 fd;

	proxy_port = free_port();
	ck_assert_int_ne(asprintf(&cfg,
	    "global\n"
	    "  maxconn 1024\n"
	    "defaults\n"
	    "  mode http\n"
	    "  timeout connect 2s\n"
	    "  timeout client 20s\n"
	    "  timeout server 20s\n"
	    "  retries 3\n"
	    "  option redispatch\n"
	    "frontend gateways\n"
	    "  bind 127.0.0.1:%d\n"
	    "  default_backend hotlined\n"
	    "backend hotlined\n"
	    "  balance roundrobin\n"
	    "  http-response set-header " SERVED_BY " %%[srv_name]\n"
	    "  server a 127.0.0.1:%d check inter 300ms fall 1 rise 2\n"
	    "  server b 127.0.0.1:%d check inter 300ms fall 1 rise 2\n",
	    proxy_port, harness_port(h), harness_port(h2)), -1);
	ck_assert_int_eq(harness_write_file(h, "haproxy.cfg", cfg), 0);
	free(cfg);
	path = harness_path(h, "haproxy.cfg");
	log = harness_path(h, "haproxy.log");
	ck_assert_msg(access(HAPROXY, X_OK) == 0, "no %s (scripts/deps test "
	    "installs haproxy)", HAPROXY);
	proxy = fork();
	ck_assert_int_ne(proxy, -1);
	if (proxy == 0) {
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd == -1 || dup2(fd, 1) == -1 || dup2(fd, 2) == -1)
			_exit(126);
		argv[0] = (char *)HAPROXY;
		argv[1] = (char *)"-db";
		argv[2] = (char *)"-f";
		argv[3] = path;
		argv[4] = NULL;
		execv(argv[0], argv);
		_exit(127);
	}
	free(path);
	free(log);
	/* Up when it answers, with both daemons behind it. */
	deadline = harness_now_ms() + harness_slow_ms(5000);
	for (;;) {
		memset(&rep, 0, sizeof(rep));
		if (harness_request_port(proxy_port, "GET", "/health", NULL,
		    NULL, 0, NULL, &rep) == 0 && rep.status == 200) {
			harness_reply_clear(&rep);
			break;
		}
		harness_reply_clear(&rep);
		ck_assert_msg(harness_now_ms() < deadline, "haproxy did not "
		    "answer on port %d", proxy_port);
		harness_sleep_ms(50);
	}
	harness_sleep_ms(700);		/* both checked up */
}

/*
 * One AT hop to port; the 200 text/plain body (new string) and, when
 * by is not NULL, which daemon answered (its X-Served-By) into by.
 */
static char *
hop_at(int port, const char *sid, const char *phone, const char *text,
    char by[8])
{
	struct harness_reply	 rep;
	char			*body, *out, *v;

	body = at_body(sid, phone, text);
	ck_assert_int_eq(harness_request_port(port, "POST", AT, FORM_CT, body,
	    strlen(body), NULL, &rep), 0);
	free(body);
	ck_assert_msg(rep.status == 200, "%s text=\"%s\": status %ld: %s", sid,
	    text, rep.status, rep.body);
	if (by != NULL) {
		v = harness_reply_header(&rep, SERVED_BY);
		ck_assert_msg(v != NULL, "no " SERVED_BY " header");
		snprintf(by, 8, "%s", v);
		free(v);
	}
	out = rep.body;
	rep.body = NULL;
	harness_reply_clear(&rep);
	return out;
}

/* Whether s holds a Khmer letter (U+1780..U+17FF: E1 9E/9F xx). */
static int
has_khmer(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)s[0] == 0xe1 && ((unsigned char)s[1] ==
		    0x9e || (unsigned char)s[1] == 0x9f))
			return 1;
	return 0;
}

/* The shipped sample (conf/), Khmer first, on the test's database. */
static void
start_sample(void)
{
	json_t		*conf;
	json_error_t	 jerr;
	char		*path, *fix;

	rcv = receiver_start();
	ck_assert_ptr_nonnull(rcv);
	fix = src_path("conf");
	h = harness_new(fix);
	free(fix);
	ck_assert_ptr_nonnull(h);
	path = harness_path(h, "hotlined.conf");
	conf = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	ck_assert_msg(conf != NULL, "%s:%d: %s", path, jerr.line, jerr.text);
	ck_assert_int_eq(json_object_set_new(json_object_get(conf, "listen"),
	    "port", json_integer(0)), 0);
	ck_assert_int_eq(json_object_set_new(json_object_get(conf, "api"),
	    "port", json_integer(0)), 0);
	/* A Monday morning: the same {when} from both daemons. */
	ck_assert_int_eq(json_object_set_new(conf, "clock_start",
	    json_string(CLOCK_DAY)), 0);
	ck_assert_int_eq(json_dump_file(conf, path, JSON_INDENT(2)), 0);
	json_decref(conf);
	free(path);
	launch();
}

/*
 * 1. The sample's Khmer session, through haproxy, whose hops alternate
 * between the two daemons: every screen is the one a single daemon gives
 * (a walk on h alone), Khmer, within the screen; a retry of a hop, which
 * the proxy sends to the other daemon, is answered the same and moves
 * nothing on, even the retry of the hop that files her request; the
 * request is stored once, with her answers.
 */
START_TEST(test_khmer_alternating)
{
	static const char *const texts[] = {
		"", "2", "2*1", "2*1*2", "2*1*2*3", "2*1*2*3*1",
		"2*1*2*3*1*2"
	};
	const size_t	 n = sizeof(texts) / sizeof(texts[0]);
	char		*want[sizeof(texts) / sizeof(texts[0])], *got;
	char		 by[8], last[8] = "";
	size_t		 i;

	start_sample();
	second_daemon();
	(void)lease_holder();
	proxy_start();
	/* One daemon alone: the screens to expect. */
	for (i = 0; i < n; i++)
		want[i] = hop_at(harness_port(h), "km-ref", PHONE2, texts[i],
		    NULL);
	ck_assert_msg(strncmp(want[n - 1], "END ", 4) == 0, "%s",
	    want[n - 1]);
	for (i = 0; i < n; i++) {
		ck_assert_msg(has_khmer(want[i]), "hop %zu: %s", i, want[i]);
		got = hop_at(proxy_port, "km-alt", PHONE, texts[i], by);
		ck_assert_msg(strcmp(got, want[i]) == 0, "hop %zu by %s: "
		    "%s\nwanted: %s", i, by, got, want[i]);
		ck_assert_msg(strcmp(by, last) != 0, "hop %zu by %s again", i,
		    by);
		free(got);
		snprintf(last, sizeof(last), "%s", by);
		if (i == 2 || i == 3) {
			/* The gateway retries: the proxy picks the other. */
			got = hop_at(proxy_port, "km-alt", PHONE, texts[i],
			    by);
			ck_assert_str_ne(by, last);
			ck_assert_msg(strcmp(got, want[i]) == 0, "retry of hop "
			    "%zu by %s: %s", i, by, got);
			free(got);
			snprintf(last, sizeof(last), "%s", by);
		}
	}
	for (i = 0; i < n; i++)
		free(want[i]);
	/* Filed at hop 3 (retried), completed at the last: once, hers. */
	db_wait_int("SELECT count(*) FROM callback_clear WHERE phone = '"
	    PHONE "' AND session_end = 'completed' AND \"window\" = "
	    "'afternoon' AND cover = 'wrong_number' AND province = 'KH-12' "
	    "AND urgent = 0", 1, 3000);
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback_clear WHERE "
	    "phone = '" PHONE "'"), 1);
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), 2);
	/* Each daemon wrote its hops' states, under the version it read. */
	ck_assert_int_eq(db_int("SELECT count(*) FROM session_state"), 2);
}
END_TEST

/*
 * The callback fixture's daemon (its debug lines logged when verbose),
 * its per-source limit off, then a twin.
 */
static void
start_two(int escalate, int verbose)
{
	struct cb_opts	 o = { 600, 1, 0, NULL, 0, NULL, NULL, NULL };

	o.escalate = escalate;
	o.verbose = verbose;
	start(&o);
	stop_daemon();
	/* One address sends the whole flood: the daemons are tested. */
	conf_set_int("limits.per_source.per_second", 0);
	conf_set_int("limits.api_per_source.per_second", 0);
	launch();
	second_daemon();
}

/* Kill a daemon once it has stored its first request of the round. */
static void *
killer_main(void *arg)
{
	struct harness	*victim = arg;
	long long	 deadline = harness_now_ms() + 10000;

	while (harness_log_count(victim, "callback request") == 0 &&
	    harness_now_ms() < deadline)
		harness_sleep_ms(1);
	kill(harness_pid(victim), SIGKILL);
	return NULL;
}

/*
 * Send hop r of every session through the proxy, all at once; retry
 * what fails (the daemon it reached died: the gateway retries, and the
 * proxy sends it to the other) until each has its answer. Counts into
 * served[] which daemon answered; returns how many hops were retried.
 */
static size_t
flood_round(struct par *p, size_t n, size_t r, int served[2])
{
	pthread_barrier_t	 bar;
	pthread_t		*t;
	char			 sid[32], phone[24], *v;
	size_t			 i, tries, retried = 0;

	t = calloc(n, sizeof(*t));
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(pthread_barrier_init(&bar, NULL, (unsigned)n), 0);
	for (i = 0; i < n; i++) {
		snprintf(sid, sizeof(sid), "fl-%zu", i);
		snprintf(phone, sizeof(phone), "+8551%07zu", 2000000 + i);
		harness_reply_clear(&p[i].rep);
		free(p[i].body);
		memset(&p[i], 0, sizeof(p[i]));
		p[i].bar = &bar;
		p[i].port = proxy_port;
		p[i].path = AT;
		p[i].ct = FORM_CT;
		p[i].body = at_body(sid, phone, flow_texts[r]);
		ck_assert_int_eq(pthread_create(&t[i], NULL, par_main, &p[i]),
		    0);
	}
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&bar);
	free(t);
	for (i = 0; i < n; i++) {
		for (tries = 0; p[i].rc != 0 || p[i].rep.status != 200;
		    tries++) {
			ck_assert_msg(tries < 20, "session %zu hop %zu: no "
			    "answer (status %ld)", i, r, p[i].rep.status);
			harness_sleep_ms(100);
			retried += tries == 0;
			harness_reply_clear(&p[i].rep);
			p[i].bar = NULL;
			par_main(&p[i]);
		}
		ck_assert_msg(strcmp(p[i].rep.body, flow_screens[r]) == 0,
		    "session %zu hop %zu: %s", i, r, p[i].rep.body);
		v = harness_reply_header(&p[i].rep, SERVED_BY);
		ck_assert_ptr_nonnull(v);
		served[strcmp(v, "a") == 0 ? 0 : 1]++;
		free(v);
	}
	return retried;
}

/* Every alert delivered exactly once: no webhook id twice. */
static void
assert_alerted_once(size_t want)
{
	struct receiver_request	 q;
	json_t			*seen;
	size_t			 n, i;

	db_wait_int("SELECT count(*) FROM outbox WHERE state = 0", 0, 30000);
	/* Give a duplicate every chance to show up. */
	harness_sleep_ms(2500);
	n = receiver_count(rcv, "/");
	seen = json_object();
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(receiver_get(rcv, "/", i, &q), 0);
		ck_assert_ptr_nonnull(q.webhook_id);
		ck_assert_msg(json_object_get(seen, q.webhook_id) == NULL,
		    "alert %s delivered twice", q.webhook_id);
		json_object_set_new(seen, q.webhook_id, json_true());
		receiver_request_clear(&q);
	}
	json_decref(seen);
	ck_assert_uint_eq(n, want);
	ck_assert_int_eq(db_int("SELECT count(*) FROM outbox"), (long long)n);
	ck_assert_int_eq(db_int("SELECT count(*) FROM outbox WHERE state = 1 "
	    "AND attempts = 1"), (long long)n);
}

/*
 * 2. 200 sessions at once through the proxy, spread over both daemons,
 * hop by hop; the daemon without the lease is killed with SIGKILL while
 * their filing hop is on its way. Every session is confirmed (a gateway
 * retry reaches the survivor, which takes her session from the database)
 * and every confirmed request is stored once and alerted once.
 */
START_TEST(test_kill_mid_flood)
{
	struct par	*p;
	pthread_t	 kt;
	struct harness	*holder, *victim;
	int		 served[2] = { 0, 0 };
	size_t		 r, i, retried;

	start_two(600, 0);
	holder = lease_holder();
	victim = holder == h ? h2 : h;
	ck_assert(healthz_lease(holder));
	ck_assert(!healthz_lease(victim));
	proxy_start();
	p = calloc(FLOOD_N, sizeof(*p));
	ck_assert_ptr_nonnull(p);
	for (r = 0; r + 1 < FLOW_HOPS; r++)
		flood_round(p, FLOOD_N, r, served);
	ck_assert_msg(served[0] > FLOOD_N && served[1] > FLOOD_N, "served "
	    "%d and %d", served[0], served[1]);
	ck_assert_int_eq(pthread_create(&kt, NULL, killer_main, victim), 0);
	retried = flood_round(p, FLOOD_N, FLOW_HOPS - 1, served);
	pthread_join(kt, NULL);
	ck_assert_int_eq(harness_wait_exit(victim, 5000, NULL), 0);
	/* It died with hops on their way: their gateways had to retry. */
	ck_assert_uint_gt(retried, 0);
	fprintf(stderr, "check_scale: %zu filing hops retried after the kill\n",
	    retried);
	for (i = 0; i < FLOOD_N; i++) {
		harness_reply_clear(&p[i].rep);
		free(p[i].body);
	}
	free(p);
	/* Confirmed, so stored: each once. */
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), FLOOD_N);
	ck_assert_int_eq(db_int("SELECT count(DISTINCT phone) FROM "
	    "callback_clear WHERE session_end = 'completed'"), FLOOD_N);
	assert_alerted_once(FLOOD_N);
	ck_assert(!harness_log_contains(holder, "lease: lost"));
}
END_TEST

/*
 * 3. The lease holder dies (SIGKILL) with a request for "now" alerted and
 * not claimed: the other daemon takes the lease within seconds and
 * escalates it when its time comes (escalate_after 3 s), each round once,
 * until it is claimed; and it alerts a request filed after.
 */
START_TEST(test_holder_killed)
{
	struct harness	*holder, *other;
	char		*w, *f, *ref, *ref2;
	long long	 t0, n;
	size_t		 i;

	start_two(3, 0);
	holder = lease_holder();
	other = holder == h ? h2 : h;
	w = walk("tk-1", PHONE, NULL, "1");
	f = last_hop(w, "2");
	at_expect("tk-1", PHONE, f, END_NOW);
	free(f);
	free(w);
	ref = listed_ref(0, 1);
	history_wait(ref, "created,alerted", 3000);
	ck_assert_int_eq(harness_kill9(holder), 0);
	t0 = harness_now_ms();
	ck_assert_int_eq(harness_wait_log(other, LEASE_LINE, 1, 5000), 0);
	ck_assert_msg(harness_now_ms() - t0 < harness_slow_ms(3000),
	    "taken over after %lld ms", harness_now_ms() - t0);
	if (holder == h) {
		/* flow.c's hops, API calls and settle go to h: the survivor. */
		harness_check_stop(&h);
		h = h2;
		h2 = NULL;
	}
	api_port = harness_log_port(h, API_LINE, 1000);
	ck_assert_int_gt(api_port, 0);
	/*
	 * Escalated by the survivor, every escalate_after while nobody
	 * claims it: each round once, and the supervisor hears each once.
	 */
	db_wait_int("SELECT count(*) FROM history WHERE event = 'escalated'",
	    1, 10000);
	ck_assert_int_eq(receiver_wait(rcv, "/s1", 1, 5000), 0);
	ck_assert_int_ge(find_alert("/s1", "callback.escalated", ref), 0);
	json_decref(api_post(ref, "claim", TOK_C1, NULL, 200));
	harness_sleep_ms(1500);
	n = db_int("SELECT count(*) FROM history WHERE event = 'escalated'");
	/* One event a round, the rounds the request went through. */
	ck_assert_int_eq(db_int("SELECT max(rounds) - 1 FROM callback"), n);
	ck_assert_uint_eq(receiver_count(rcv, "/s1"), (size_t)n);
	for (i = 1; i < (size_t)n; i++) {
		struct receiver_request	 q0 = got("/s1", i - 1), q1 = got("/s1",
					     i);

		ck_assert_str_ne(q0.webhook_id, q1.webhook_id);
		receiver_request_clear(&q0);
		receiver_request_clear(&q1);
	}
	/* And a request filed now is alerted by it. */
	request_afternoon("tk-2", PHONE2);
	ref2 = listed_ref(1, 2);
	history_wait(ref2, "created,alerted", 3000);
	free(ref2);
	free(ref);
}
END_TEST

/*
 * 4. A request filed on the daemon without the lease wakes the holder
 * (NOTIFY, on its listening connection) rather than waiting for its
 * scan; the holder alerts it, once; the other does not act on hints.
 */
START_TEST(test_hint)
{
	struct harness	*holder, *other;
	char		*got, *ref;
	size_t		 r;

	start_two(600, 1);
	holder = lease_holder();
	other = holder == h ? h2 : h;
	for (r = 0; r < FLOW_HOPS; r++) {
		got = hop_at(harness_port(other), "hint-1", PHONE,
		    flow_texts[r], NULL);
		ck_assert_str_eq(got, flow_screens[r]);
		free(got);
	}
	ck_assert_int_eq(harness_wait_log(holder, "woken by another daemon",
	    1, 3000), 0);
	ref = listed_ref(0, 1);
	history_wait(ref, "created,alerted", 3000);
	ck_assert_int_eq(receiver_wait(rcv, "/c", 1, 3000), 0);
	harness_sleep_ms(1500);
	ck_assert_uint_eq(receiver_count(rcv, "/"), 1);
	ck_assert(!harness_log_contains(other, "woken by another daemon"));
	free(ref);
}
END_TEST

static Suite *
scale_suite(void)
{
	Suite	*s = suite_create("scale");
	TCase	*tc = tcase_create("two");

	tcase_add_checked_fixture(tc, setup, scale_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_khmer_alternating);
	tcase_add_test(tc, test_kill_mid_flood);
	tcase_add_test(tc, test_holder_killed);
	tcase_add_test(tc, test_hint);
	suite_add_tcase(s, tc);
	return s;
}

/* On a cluster of our own (scripts/pgtmp) unless one is given. */
int
main(void)
{
	int	 rc;

	if (flow_pg_begin("check_scale") == -1)
		return EXIT_FAILURE;
	rc = flow_run("check_scale", scale_suite());
	flow_pg_end("check_scale");
	return rc;
}
