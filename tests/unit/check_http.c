/* SPDX-License-Identifier: ISC */
/*
 * check_http: the front end alone, on an ephemeral loopback port with a
 * real event loop, talked to with libevent's own HTTP client on the same
 * loop (and a plain socket where a client must vanish). Paths go to the
 * longest mounted prefix, others get the text/plain 404; bodies over the
 * limit get 413, methods outside the set 501; a deferred request counts
 * in http_inflight until it is done, and its owner is told when the
 * front end goes first; a stopped listener takes no one. Connections: over
 * the cap the oldest idle one gives way and busy ones stay; a request not
 * whole within the deadline is cut, however it trickles, a deferred one
 * is not; two different Content-Length headers get 400; accept() out of
 * descriptors pauses instead of spinning, logs once, and recovers.
 */
#include <sys/resource.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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

/*
 * A front end on a free loopback port, taking GET and POST, with at most
 * max_conns connections (0: the default) and a deadline of deadline s.
 */
static void
start_front(size_t max_conns, int deadline)
{
	struct http_limits	 lim;
	char			*cause = NULL;

	memset(&lim, 0, sizeof(lim));
	lim.max_conns = max_conns;
	lim.deadline = deadline;
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
	ck_assert_uint_eq(http_connections(h), 0);
}

/* The usual front end: default cap and deadline. */
static void
setup(void)
{
	base = event_base_new();
	ck_assert_ptr_nonnull(base);
	start_front(0, 0);
}

/* Replace the front end with one capped at max_conns, deadline s. */
static void
restart_front(size_t max_conns, int deadline)
{
	http_free(h);
	start_front(max_conns, deadline);
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

/* Send a GET of path on a plain socket, closed after it, and return it. */
static int
plain_get(const char *path)
{
	char	 line[256];
	int	 fd, n;

	fd = plain_connect();
	ck_assert_int_ge(fd, 0);
	n = snprintf(line, sizeof(line), "GET %s HTTP/1.1\r\n"
	    "Host: 127.0.0.1\r\nConnection: close\r\n\r\n", path);
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

/* Milliseconds on a monotonic clock. */
static long long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 1 when the server has closed fd (EOF or reset), 0 while it is open. */
static int
is_closed(int fd)
{
	char	 c;
	ssize_t	 n;

	n = recv(fd, &c, 1, MSG_DONTWAIT | MSG_PEEK);
	if (n == 0 || (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK))
		return 1;
	return 0;
}

/* Run the loop until the server has closed fd, for at most ms. */
static int
closed_within(int fd, int ms)
{
	int	 waited;

	for (waited = 0; waited < ms; waited += 20) {
		if (is_closed(fd))
			return 1;
		pump(20);
	}
	return is_closed(fd);
}

/* Requests deferred by many_cb, in the order they came. */
struct many {
	struct http_defer	*d[8];
	int			 n;
};

/* Defer every request into a struct many. */
static void
many_cb(struct evhttp_request *req, void *arg)
{
	struct many	*m = arg;

	ck_assert_int_lt(m->n, 8);
	m->d[m->n] = http_defer(h, req, NULL, NULL);
	ck_assert_ptr_nonnull(m->d[m->n]);
	m->n++;
}

/* Answer a deferred request with text and be done with it. */
static void
answer(struct http_defer *d, const char *text)
{
	struct evbuffer	*buf = evbuffer_new();

	ck_assert_ptr_nonnull(buf);
	ck_assert_ptr_nonnull(http_defer_req(d));
	evbuffer_add_printf(buf, "%s", text);
	evhttp_send_reply(http_defer_req(d), 200, "OK", buf);
	evbuffer_free(buf);
	http_done(d);
}

/* Read what the server sends on fd until it closes, for at most 3 s. */
static void
read_all(int fd, char *buf, size_t len)
{
	size_t	 o = 0;
	ssize_t	 n;
	int	 waited;

	for (waited = 0; waited < 3000 && o < len - 1; waited += 20) {
		n = recv(fd, buf + o, len - 1 - o, MSG_DONTWAIT);
		if (n == 0)
			break;
		if (n > 0) {
			o += (size_t)n;
			continue;
		}
		ck_assert_msg(errno == EAGAIN || errno == EWOULDBLOCK,
		    "recv: %s", strerror(errno));
		pump(20);
	}
	buf[o] = '\0';
}

/*
 * Over the cap, the oldest idle connection is closed for a new one; one
 * whose request is deferred is busy and stays.
 */
START_TEST(test_cap_oldest_idle)
{
	struct many	 m;
	char		 got[1024];
	int		 busy, idle1, idle2, fresh;

	restart_front(3, 0);
	memset(&m, 0, sizeof(m));
	ck_assert_int_eq(http_mount(h, "/", many_cb, &m), 0);
	busy = plain_get("/slow");
	ck_assert_int_eq(tu_loop_wait(base, &m.n, 1, 5), 0);
	idle1 = plain_connect();
	pump(50);
	idle2 = plain_connect();
	pump(50);
	ck_assert_int_ge(idle1, 0);
	ck_assert_int_ge(idle2, 0);
	ck_assert_uint_eq(http_connections(h), 3);

	fresh = plain_connect();
	ck_assert_int_ge(fresh, 0);
	ck_assert(closed_within(idle1, 1000));
	ck_assert_int_eq(is_closed(idle2), 0);
	ck_assert_int_eq(is_closed(busy), 0);
	ck_assert_int_eq(is_closed(fresh), 0);
	ck_assert_uint_eq(http_connections(h), 3);

	/* The busy one is still answered. */
	answer(m.d[0], "kept");
	read_all(busy, got, sizeof(got));
	ck_assert_msg(strncmp(got, "HTTP/1.1 200 OK\r\n", 17) == 0, "%s", got);
	ck_assert_ptr_nonnull(strstr(got, "\r\n\r\nkept"));
	close(busy);
	close(idle1);
	close(idle2);
	close(fresh);
	pump(100);
	ck_assert_uint_eq(http_connections(h), 0);
}
END_TEST

/* When every connection is busy, a new one is closed, and they go on. */
START_TEST(test_cap_all_busy)
{
	struct many	 m;
	char		 got[1024];
	int		 a, b, c;

	restart_front(2, 0);
	memset(&m, 0, sizeof(m));
	ck_assert_int_eq(http_mount(h, "/", many_cb, &m), 0);
	a = plain_get("/a");
	b = plain_get("/b");
	ck_assert_int_eq(tu_loop_wait(base, &m.n, 2, 5), 0);
	c = plain_connect();
	ck_assert_int_ge(c, 0);
	ck_assert(closed_within(c, 1000));
	ck_assert_int_eq(is_closed(a), 0);
	ck_assert_int_eq(is_closed(b), 0);
	ck_assert_uint_eq(http_connections(h), 2);
	ck_assert_uint_eq(http_inflight(h), 2);

	answer(m.d[0], "first");
	answer(m.d[1], "second");
	read_all(a, got, sizeof(got));
	ck_assert_ptr_nonnull(strstr(got, "\r\n\r\nfirst"));
	read_all(b, got, sizeof(got));
	ck_assert_ptr_nonnull(strstr(got, "\r\n\r\nsecond"));
	ck_assert_uint_eq(http_inflight(h), 0);
	close(a);
	close(b);
	close(c);

	/* Answered, they are idle again: now a new one may take a place. */
	a = plain_get("/again");
	ck_assert_int_eq(tu_loop_wait(base, &m.n, 3, 5), 0);
	answer(m.d[2], "third");
	read_all(a, got, sizeof(got));
	ck_assert_ptr_nonnull(strstr(got, "\r\n\r\nthird"));
	close(a);
}
END_TEST

/* A lower cap (a reload's) is met as new connections come. */
START_TEST(test_cap_lowered)
{
	int	 fd[5], i, open_ = 0;

	restart_front(4, 0);
	for (i = 0; i < 4; i++) {
		fd[i] = plain_connect();
		ck_assert_int_ge(fd[i], 0);
		pump(30);
	}
	ck_assert_uint_eq(http_connections(h), 4);
	http_set_conns(h, 2, 0);
	pump(50);
	ck_assert_uint_eq(http_connections(h), 4);	/* none cut at once */
	fd[4] = plain_connect();
	ck_assert_int_ge(fd[4], 0);
	ck_assert(closed_within(fd[2], 1000));
	ck_assert(closed_within(fd[0], 10));
	ck_assert(closed_within(fd[1], 10));
	ck_assert_uint_eq(http_connections(h), 2);
	for (i = 0; i < 5; i++) {
		open_ += !is_closed(fd[i]);
		close(fd[i]);
	}
	ck_assert_int_eq(open_, 2);
}
END_TEST

/*
 * A request must be whole within the deadline however it trickles (the
 * silence time-out, 10 s, never fires); a whole one is answered and a
 * deferred one is not cut.
 */
START_TEST(test_deadline)
{
	static const char	 slow[] = "GET /x HTTP/1.1\r\nHost: a\r\n"
	    "X-Padding: 0123456789012345678901234567890123456789\r\n";
	struct many		 m;
	struct reply		 r;
	char			 got[1024];
	long long		 t0;
	size_t			 i;
	int			 fd, later;

	restart_front(0, 1);
	memset(&m, 0, sizeof(m));
	ck_assert_int_eq(http_mount(h, "/later", many_cb, &m), 0);
	ck_assert_int_eq(http_mount(h, "/", echo_cb, "E"), 0);

	later = plain_get("/later");
	ck_assert_int_eq(tu_loop_wait(base, &m.n, 1, 5), 0);
	fd = plain_connect();
	ck_assert_int_ge(fd, 0);
	t0 = now_ms();
	for (i = 0; i < sizeof(slow) - 1 && !is_closed(fd); i++) {
		/* One byte every 100 ms: never silent, never done. */
		(void)send(fd, slow + i, 1, MSG_NOSIGNAL);
		pump(100);
	}
	ck_assert_msg(is_closed(fd), "still open after %zu bytes", i);
	/* Cut at the deadline (1 s, checked each second), not before. */
	ck_assert_int_ge(now_ms() - t0, 900);
	ck_assert_int_le(now_ms() - t0, 2500);
	close(fd);

	/* The deferred request outlived it and is answered. */
	ck_assert_int_eq(is_closed(later), 0);
	answer(m.d[0], "late");
	read_all(later, got, sizeof(got));
	ck_assert_ptr_nonnull(strstr(got, "\r\n\r\nlate"));
	close(later);

	/* A whole request is answered as ever. */
	request(EVHTTP_REQ_GET, "/y", NULL, 0, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "E /y 0");
	pump(100);
	ck_assert_uint_eq(http_connections(h), 0);
}
END_TEST

/* Send raw on a new plain socket and read the answer until closed. */
static void
raw_exchange(const char *raw, char *got, size_t len)
{
	int	 fd;

	fd = plain_connect();
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, raw, strlen(raw)), (ssize_t)strlen(raw));
	read_all(fd, got, len);
	close(fd);
}

/* Two different Content-Length headers: 400, and the connection closes. */
START_TEST(test_content_length_twice)
{
	char	 got[2048];

	ck_assert_int_eq(http_mount(h, "/", echo_cb, "E"), 0);
	raw_exchange("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
	    "Content-Length: 8\r\n\r\nabcdefgh", got, sizeof(got));
	ck_assert_msg(strncmp(got, "HTTP/1.1 400 Bad Request\r\n", 26) == 0,
	    "%s", got);
	ck_assert_ptr_nonnull(strstr(got, "Connection: close\r\n"));
	ck_assert_ptr_nonnull(strstr(got, "\r\n\r\nconflicting "
	    "Content-Length\n"));
	/* Nothing after the 400: the rest was not read as a request. */
	ck_assert_ptr_null(strstr(got, "E /"));

	/* The same value twice is one length. */
	raw_exchange("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
	    "Content-Length: 3\r\nConnection: close\r\n\r\nabc", got,
	    sizeof(got));
	ck_assert_msg(strncmp(got, "HTTP/1.1 200 OK\r\n", 17) == 0, "%s", got);
	ck_assert_ptr_nonnull(strstr(got, "\r\n\r\nE /x 3"));
}
END_TEST

/* Lines of path holding needle. */
static int
count_in_file(const char *path, const char *needle)
{
	char	 line[1024];
	FILE	*fp;
	int	 n = 0;

	fp = fopen(path, "r");
	ck_assert_ptr_nonnull(fp);
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strstr(line, needle) != NULL)
			n++;
	fclose(fp);
	return n;
}

/* CPU seconds this process has used. */
static double
cpu_seconds(void)
{
	struct rusage	 ru;

	ck_assert_int_eq(getrusage(RUSAGE_SELF, &ru), 0);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/*
 * Out of descriptors, accept() fails: the listener pauses instead of
 * spinning, the log says it once, and once descriptors are back the
 * waiting connections are taken.
 */
START_TEST(test_accept_emfile)
{
	struct rlimit	 old, low;
	char		*logpath;
	double		 cpu;
	int		 fd[4], logfd, spare, i;

	logpath = tu_write(tu_tmpdir(), "emfile.log", "");
	logfd = open(logpath, O_WRONLY | O_APPEND);
	ck_assert_int_ge(logfd, 0);
	ck_assert_int_ge(dup2(logfd, STDERR_FILENO), 0);
	close(logfd);
	for (i = 0; i < 4; i++) {
		fd[i] = plain_connect();	/* queued until accepted */
		ck_assert_int_ge(fd[i], 0);
	}
	/* No descriptor left for accept(). */
	spare = dup(0);
	ck_assert_int_ge(spare, 0);
	close(spare);
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = old;
	low.rlim_cur = (rlim_t)spare;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);

	cpu = cpu_seconds();
	pump(1500);
	cpu = cpu_seconds() - cpu;
	ck_assert_uint_eq(http_connections(h), 0);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
	/* A spinning loop would burn the whole 1.5 s. */
	ck_assert_msg(cpu < 0.5, "%.2f s of CPU while paused", cpu);
	ck_assert_int_eq(count_in_file(logpath, "accept() failures"), 1);
	ck_assert_int_eq(count_in_file(logpath, "test: accept() failures: "
	    "too many open files (EMFILE), paused (more are counted"), 1);

	for (i = 0; i < 60 && http_connections(h) < 4; i++)
		pump(50);
	ck_assert_uint_eq(http_connections(h), 4);
	for (i = 0; i < 4; i++)
		close(fd[i]);
	free(logpath);
}
END_TEST

/* The suite. */
static Suite *
http_suite(void)
{
	Suite	*s = suite_create("http");
	TCase	*tc = tcase_create("front end");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
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
	tcase_add_test(tc, test_cap_oldest_idle);
	tcase_add_test(tc, test_cap_all_busy);
	tcase_add_test(tc, test_cap_lowered);
	tcase_add_test(tc, test_deadline);
	tcase_add_test(tc, test_content_length_twice);
	suite_add_tcase(s, tc);

	/*
	 * valgrind keeps descriptors of its own under the limit this
	 * lowers: scripts/valgrind leaves the case out (CK_EXCLUDE_TAGS).
	 */
	tc = tcase_create("descriptors");
	tcase_set_tags(tc, "no-valgrind");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_accept_emfile);
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
