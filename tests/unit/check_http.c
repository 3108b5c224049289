/* SPDX-License-Identifier: ISC */
/*
 * check_http: the front end alone, on an ephemeral loopback port with a
 * real event loop, talked to with libevent's own HTTP client on the same
 * loop (and a plain socket where a client must vanish). Paths go to the
 * longest mounted prefix, others get the text/plain 404; bodies over the
 * limit get 413, methods outside the set 501; a deferred request counts
 * in http_inflight until it is done, and its owner is told when the
 * front end goes first; a stopped listener takes no one.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "http.h"
#include "testutil.h"

#define MAX_BODY	64

static struct event_base	*base;
static struct http		*h;
static int			 port;

/* One answer, as the client saw it. */
struct reply {
	int	 done;
	int	 status;		/* 0: no answer */
	char	 body[1024];
	char	 type[128];		/* Content-Type, "" when none */
	char	 cache[64];		/* Cache-Control, "" when none */
};

/* Copy a response header into buf ("" when absent). */
static void
header_copy(struct evhttp_request *req, const char *name, char *buf,
    size_t len)
{
	const char	*v;

	v = evhttp_find_header(evhttp_request_get_input_headers(req), name);
	snprintf(buf, len, "%s", v != NULL ? v : "");
}

/* The client's completion: keep what the server said. */
static void
reply_cb(struct evhttp_request *req, void *arg)
{
	struct reply	*r = arg;
	size_t		 n;

	r->done = 1;
	if (req == NULL || evhttp_request_get_response_code(req) == 0)
		return;
	r->status = evhttp_request_get_response_code(req);
	n = evbuffer_copyout(evhttp_request_get_input_buffer(req), r->body,
	    sizeof(r->body) - 1);
	r->body[n == (size_t)-1 ? 0 : n] = '\0';
	header_copy(req, "Content-Type", r->type, sizeof(r->type));
	header_copy(req, "Cache-Control", r->cache, sizeof(r->cache));
}

/* Run the loop until *flag is set, for at most 5 seconds. */
static void
wait_flag(const int *flag)
{
	ck_assert_msg(tu_loop_wait(base, flag, 1, 5) == 0, "timed out");
}

/* Run the loop for ms milliseconds. */
static void
pump(int ms)
{
	tu_loop_for(base, ms);
}

/*
 * Start a request (body may be NULL) on a new connection; the answer
 * lands in r. Returns the connection, for the caller to free.
 */
static struct evhttp_connection *
send_req(enum evhttp_cmd_type cmd, const char *path, const char *body,
    size_t len, struct reply *r)
{
	struct evhttp_connection	*evcon;
	struct evhttp_request		*req;

	memset(r, 0, sizeof(*r));
	evcon = evhttp_connection_base_new(base, NULL, "127.0.0.1",
	    (ev_uint16_t)port);
	ck_assert_ptr_nonnull(evcon);
	req = evhttp_request_new(reply_cb, r);
	ck_assert_ptr_nonnull(req);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Host",
	    "127.0.0.1");
	if (body != NULL)
		evbuffer_add(evhttp_request_get_output_buffer(req), body, len);
	ck_assert_int_eq(evhttp_make_request(evcon, req, cmd, path), 0);
	return evcon;
}

/* Send a request and wait for its answer. */
static void
request(enum evhttp_cmd_type cmd, const char *path, const char *body,
    size_t len, struct reply *r)
{
	struct evhttp_connection	*evcon;

	evcon = send_req(cmd, path, body, len, r);
	wait_flag(&r->done);
	evhttp_connection_free(evcon);
}

/* Answer 200 with "name path bytes", name being the mount's arg. */
static void
echo_cb(struct evhttp_request *req, void *arg)
{
	struct evbuffer	*buf = evbuffer_new();

	ck_assert_ptr_nonnull(buf);
	evbuffer_add_printf(buf, "%s %s %zu", (const char *)arg,
	    http_path(req),
	    evbuffer_get_length(evhttp_request_get_input_buffer(req)));
	evhttp_send_reply(req, 200, "OK", buf);
	evbuffer_free(buf);
}

/* What a deferring handler saw. */
struct later {
	struct http_defer	*d;
	int			 arrived;
	int			 gone;
	int			 done_on_gone;	/* call http_done when gone */
};

/* Defer every request; the test answers. */
static void
later_cb(struct evhttp_request *req, void *arg)
{
	struct later	*l = arg;

	l->d = http_defer(h, req, NULL, NULL);
	ck_assert_ptr_nonnull(l->d);
	l->arrived = 1;
}

/* The client of a deferred request left. */
static void
later_gone_cb(void *arg)
{
	struct later	*l = arg;

	l->gone = 1;
	if (l->done_on_gone) {
		http_done(l->d);
		l->d = NULL;
	}
}

/* Defer every request and watch for its client leaving. */
static void
later_watch_cb(struct evhttp_request *req, void *arg)
{
	struct later	*l = arg;

	l->d = http_defer(h, req, later_gone_cb, l);
	ck_assert_ptr_nonnull(l->d);
	l->arrived = 1;
}

/* A front end on a free loopback port, taking GET and POST. */
static void
setup(void)
{
	struct http_limits	 lim;
	char			*cause = NULL;

	base = event_base_new();
	ck_assert_ptr_nonnull(base);
	memset(&lim, 0, sizeof(lim));
	lim.max_body = MAX_BODY;
	lim.max_headers = 8192;
	lim.timeout = 10;
	lim.methods = EVHTTP_REQ_GET | EVHTTP_REQ_POST;
	lim.nodelay = 1;
	h = http_new(base, "test", &lim);
	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(http_port(h), -1);
	ck_assert_int_eq(http_listen(h, "127.0.0.1", 0, &cause), 0);
	port = http_port(h);
	ck_assert_int_gt(port, 0);
	ck_assert_uint_eq(http_inflight(h), 0);
}

/* Free the front end, then the loop. */
static void
teardown(void)
{
	http_free(h);
	h = NULL;
	event_base_free(base);
}

/* The longest mounted prefix takes a path; none is a text/plain 404. */
START_TEST(test_route_prefix)
{
	struct reply	 r;

	ck_assert_int_eq(http_mount(h, "/a/", echo_cb, "A"), 0);
	ck_assert_int_eq(http_mount(h, "/a/b/", echo_cb, "B"), 0);
	ck_assert_int_eq(http_mount(h, "/ab", echo_cb, "AB"), 0);

	request(EVHTTP_REQ_GET, "/a/x?q=1", NULL, 0, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "A /a/x 0");
	request(EVHTTP_REQ_GET, "/a/b/c", NULL, 0, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "B /a/b/c 0");
	request(EVHTTP_REQ_GET, "/a/b", NULL, 0, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "A /a/b 0");
	request(EVHTTP_REQ_GET, "/abc", NULL, 0, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "AB /abc 0");

	request(EVHTTP_REQ_GET, "/a", NULL, 0, &r);
	ck_assert_int_eq(r.status, 404);
	ck_assert_str_eq(r.body, "unknown path\n");
	ck_assert_str_eq(r.type, "text/plain; charset=utf-8");
	ck_assert_str_eq(r.cache, "no-store");
	request(EVHTTP_REQ_GET, "/", NULL, 0, &r);
	ck_assert_int_eq(r.status, 404);
	ck_assert_str_eq(r.body, "unknown path\n");
	ck_assert_uint_eq(http_inflight(h), 0);
}
END_TEST

/* "/" takes what no longer prefix takes, including an empty path. */
START_TEST(test_route_fallback)
{
	struct reply	 r;

	ck_assert_int_eq(http_mount(h, "/", echo_cb, "ROOT"), 0);
	ck_assert_int_eq(http_mount(h, "/api/", echo_cb, "API"), 0);

	request(EVHTTP_REQ_GET, "/zzz", NULL, 0, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "ROOT /zzz 0");
	request(EVHTTP_REQ_GET, "/api/me", NULL, 0, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "API /api/me 0");
	request(EVHTTP_REQ_GET, "/api", NULL, 0, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "ROOT /api 0");
	request(EVHTTP_REQ_GET, "?x=1", NULL, 0, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "ROOT / 0");
}
END_TEST

/* A prefix mounts once, and the table has room for eight. */
START_TEST(test_mount_table)
{
	static const char	*prefix[] = {
		"/1", "/2", "/3", "/4", "/5", "/6", "/7", "/8"
	};
	size_t			 i;

	ck_assert_int_eq(http_mount(h, "/1", echo_cb, "1"), 0);
	ck_assert_int_eq(http_mount(h, "/1", echo_cb, "again"), -1);
	for (i = 1; i < 8; i++)
		ck_assert_int_eq(http_mount(h, prefix[i], echo_cb, "n"), 0);
	ck_assert_int_eq(http_mount(h, "/9", echo_cb, "9"), -1);
}
END_TEST

/* A body over the limit is refused with 413; the limit can change. */
START_TEST(test_body_limit)
{
	struct reply	 r;
	char		 body[MAX_BODY * 2];

	memset(body, 'x', sizeof(body));
	ck_assert_int_eq(http_mount(h, "/", echo_cb, "E"), 0);
	request(EVHTTP_REQ_POST, "/in", body, MAX_BODY, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "E /in 64");
	request(EVHTTP_REQ_POST, "/in", body, MAX_BODY + 1, &r);
	ck_assert_int_eq(r.status, 413);

	http_set_max_body(h, MAX_BODY * 2);
	request(EVHTTP_REQ_POST, "/in", body, MAX_BODY + 1, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "E /in 65");
}
END_TEST

/* A method outside the listener's set never reaches a handler. */
START_TEST(test_methods)
{
	struct reply	 r;

	ck_assert_int_eq(http_mount(h, "/", echo_cb, "M"), 0);
	request(EVHTTP_REQ_PUT, "/x", "a", 1, &r);
	ck_assert_int_eq(r.status, 501);
	request(EVHTTP_REQ_DELETE, "/x", NULL, 0, &r);
	ck_assert_int_eq(r.status, 501);
	request(EVHTTP_REQ_POST, "/x", "a", 1, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "M /x 1");
}
END_TEST

/* http_text: the text, a new line, text/plain UTF-8, never cached. */
static void
text_cb(struct evhttp_request *req, void *arg)
{
	(void)arg;
	http_text(req, 418, "Teapot", "short and stout");
}

START_TEST(test_text)
{
	struct reply	 r;

	ck_assert_int_eq(http_mount(h, "/", text_cb, NULL), 0);
	request(EVHTTP_REQ_GET, "/t", NULL, 0, &r);
	ck_assert_int_eq(r.status, 418);
	ck_assert_str_eq(r.body, "short and stout\n");
	ck_assert_str_eq(r.type, "text/plain; charset=utf-8");
	ck_assert_str_eq(r.cache, "no-store");
}
END_TEST

/* A deferred reply counts until done, and then reaches the client. */
START_TEST(test_deferred)
{
	struct evhttp_connection	*evcon;
	struct evbuffer			*buf;
	struct later			 l;
	struct reply			 r;

	memset(&l, 0, sizeof(l));
	ck_assert_int_eq(http_mount(h, "/later", later_cb, &l), 0);
	evcon = send_req(EVHTTP_REQ_GET, "/later", NULL, 0, &r);
	wait_flag(&l.arrived);
	ck_assert_uint_eq(http_inflight(h), 1);
	pump(50);
	ck_assert_int_eq(r.done, 0);
	ck_assert_uint_eq(http_inflight(h), 1);

	ck_assert_ptr_nonnull(http_defer_req(l.d));
	buf = evbuffer_new();
	ck_assert_ptr_nonnull(buf);
	evbuffer_add_printf(buf, "late");
	evhttp_send_reply(http_defer_req(l.d), 200, "OK", buf);
	evbuffer_free(buf);
	http_done(l.d);
	ck_assert_uint_eq(http_inflight(h), 0);
	wait_flag(&r.done);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "late");
	evhttp_connection_free(evcon);
	http_done(NULL);
}
END_TEST

/* Connect a plain socket to the front end; -1 when refused. */
static int
plain_connect(void)
{
	struct sockaddr_in	 sin;
	int			 fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Send a GET of path on a plain socket and return it. */
static int
plain_get(const char *path)
{
	char	 line[256];
	int	 fd, n;

	fd = plain_connect();
	ck_assert_int_ge(fd, 0);
	n = snprintf(line, sizeof(line), "GET %s HTTP/1.1\r\n"
	    "Host: 127.0.0.1\r\n\r\n", path);
	ck_assert_int_eq(write(fd, line, (size_t)n), n);
	return fd;
}

/*
 * Freeing the front end with a request deferred tells its owner; the
 * deferral can still be done afterwards.
 */
START_TEST(test_free_deferred)
{
	struct later	 l;
	int		 fd;

	memset(&l, 0, sizeof(l));
	ck_assert_int_eq(http_mount(h, "/later", later_watch_cb, &l), 0);
	fd = plain_get("/later");
	wait_flag(&l.arrived);
	http_free(h);
	h = NULL;
	ck_assert_int_eq(l.gone, 1);
	ck_assert_ptr_null(http_defer_req(l.d));
	http_done(l.d);
	close(fd);
}
END_TEST

/* The owner may be done with its request when told it is gone. */
START_TEST(test_free_deferred_done)
{
	struct later	 l;
	int		 fd;

	memset(&l, 0, sizeof(l));
	l.done_on_gone = 1;
	ck_assert_int_eq(http_mount(h, "/later", later_watch_cb, &l), 0);
	fd = plain_get("/later");
	wait_flag(&l.arrived);
	ck_assert_uint_eq(http_inflight(h), 1);
	http_free(h);
	h = NULL;
	ck_assert_int_eq(l.gone, 1);
	ck_assert_ptr_null(l.d);
	close(fd);
}
END_TEST

/* After stop accepting: no port, no new connection; old ones finish. */
START_TEST(test_stop_accepting)
{
	struct evhttp_connection	*evcon;
	struct evbuffer			*buf;
	struct later			 l;
	struct reply			 r;
	int				 fd;

	memset(&l, 0, sizeof(l));
	ck_assert_int_eq(http_mount(h, "/later", later_cb, &l), 0);
	evcon = send_req(EVHTTP_REQ_GET, "/later", NULL, 0, &r);
	wait_flag(&l.arrived);

	http_stop_accepting(h);
	ck_assert_int_eq(http_port(h), -1);
	errno = 0;
	fd = plain_connect();
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(errno, ECONNREFUSED);
	http_stop_accepting(h);

	/* The request accepted before is still answered. */
	buf = evbuffer_new();
	ck_assert_ptr_nonnull(buf);
	evbuffer_add_printf(buf, "after stop");
	evhttp_send_reply(http_defer_req(l.d), 200, "OK", buf);
	evbuffer_free(buf);
	http_done(l.d);
	wait_flag(&r.done);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "after stop");
	ck_assert_uint_eq(http_inflight(h), 0);
	evhttp_connection_free(evcon);
}
END_TEST

/* A port already taken cannot be bound; the cause names it. */
START_TEST(test_listen_taken)
{
	struct http_limits	 lim;
	struct http		*h2;
	char			*cause = NULL, want[64];

	memset(&lim, 0, sizeof(lim));
	lim.max_body = 1;
	lim.methods = EVHTTP_REQ_GET;
	h2 = http_new(base, "second", &lim);
	ck_assert_ptr_nonnull(h2);
	ck_assert_int_eq(http_listen(h2, "127.0.0.1", port, &cause), -1);
	snprintf(want, sizeof(want), "cannot listen on 127.0.0.1:%d", port);
	ck_assert_ptr_nonnull(cause);
	ck_assert_str_eq(cause, want);
	free(cause);
	ck_assert_int_eq(http_port(h2), -1);
	http_free(h2);
	http_free(NULL);
}
END_TEST

/* The suite. */
static Suite *
http_suite(void)
{
	Suite	*s = suite_create("http");
	TCase	*tc = tcase_create("front end");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_route_prefix);
	tcase_add_test(tc, test_route_fallback);
	tcase_add_test(tc, test_mount_table);
	tcase_add_test(tc, test_body_limit);
	tcase_add_test(tc, test_methods);
	tcase_add_test(tc, test_text);
	tcase_add_test(tc, test_deferred);
	tcase_add_test(tc, test_free_deferred);
	tcase_add_test(tc, test_free_deferred_done);
	tcase_add_test(tc, test_stop_accepting);
	tcase_add_test(tc, test_listen_taken);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(http_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
