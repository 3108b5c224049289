/* SPDX-License-Identifier: ISC */
/*
 * check_fetch: the fetch module against a small evhttp server on the same
 * event_base, bound to 127.0.0.1 on a free port: status codes, bodies sent
 * and received, the 64 KiB cap, Retry-After, no redirects, timeouts,
 * refused connections, many transfers at once, and aborting on free.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <curl/curl.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "fetch.h"
#include "log.h"

#define BIG_LEN		(200 * 1024)
#define MAX_PENDING	16

/* What one completion delivered, copied out of the result. */
struct rec {
	int	 calls;
	long	 status;
	int	 curl_code;
	int	 has_error;
	char	 error[CURL_ERROR_SIZE];
	char	*body;
	size_t	 body_len;
	char	 retry_after[64];
	int	 has_retry_after;
	size_t	 active;	/* fetch_active during the completion */
};

/* What the server saw of the last request to /ok. */
struct seen {
	enum evhttp_cmd_type	 method;
	char			 body[4096];
	size_t			 body_len;
	char			 token[128];
	char			 ctype[128];
};

static struct event_base	*base;
static struct evhttp		*srv;
static int			 port;
static struct fetch		*f;
static struct evhttp_request	*pending[MAX_PENDING];
static int			 npending;
static int			 hits_ok;
static int			 completions;
static struct seen		 seen;

/* Copy a header value from the request into dst (empty if absent). */
static void
copy_header(struct evhttp_request *req, const char *name, char *dst,
    size_t size)
{
	const char	*v;

	v = evhttp_find_header(evhttp_request_get_input_headers(req), name);
	snprintf(dst, size, "%s", v != NULL ? v : "");
}

/* 200 echoing the request body (or "hello" when empty), noting the request. */
static void
srv_ok_cb(struct evhttp_request *req, void *arg)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(req);
	struct evbuffer	*out;
	size_t		 len = evbuffer_get_length(in);

	(void)arg;
	hits_ok++;
	memset(&seen, 0, sizeof(seen));
	seen.method = evhttp_request_get_command(req);
	ck_assert_uint_le(len, sizeof(seen.body));
	seen.body_len = len;
	evbuffer_copyout(in, seen.body, len);
	copy_header(req, "X-Token", seen.token, sizeof(seen.token));
	copy_header(req, "Content-Type", seen.ctype, sizeof(seen.ctype));
	out = evbuffer_new();
	ck_assert_ptr_nonnull(out);
	if (len > 0)
		evbuffer_add(out, seen.body, len);
	else
		evbuffer_add(out, "hello", 5);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "X-Served-By", "check_fetch");
	evhttp_send_reply(req, 200, "OK", out);
	evbuffer_free(out);
}

/* 500 with a short body. */
static void
srv_fail_cb(struct evhttp_request *req, void *arg)
{
	struct evbuffer	*out = evbuffer_new();

	(void)arg;
	evbuffer_add(out, "boom", 4);
	evhttp_send_reply(req, 500, "Internal Server Error", out);
	evbuffer_free(out);
}

/* Never answer; teardown does, so evhttp frees the request. */
static void
srv_slow_cb(struct evhttp_request *req, void *arg)
{
	(void)arg;
	ck_assert_int_lt(npending, MAX_PENDING);
	pending[npending++] = req;
}

/* 200 with BIG_LEN bytes of a known pattern. */
static void
srv_big_cb(struct evhttp_request *req, void *arg)
{
	struct evbuffer	*out = evbuffer_new();
	char		*p = malloc(BIG_LEN);
	size_t		 i;

	(void)arg;
	ck_assert_ptr_nonnull(p);
	for (i = 0; i < BIG_LEN; i++)
		p[i] = (char)('a' + i % 26);
	evbuffer_add(out, p, BIG_LEN);
	free(p);
	evhttp_send_reply(req, 200, "OK", out);
	evbuffer_free(out);
}

/* 429 with Retry-After: 7. */
static void
srv_retry_cb(struct evhttp_request *req, void *arg)
{
	(void)arg;
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Retry-After", "7");
	evhttp_send_reply(req, 429, "Too Many Requests", NULL);
}

/* 302 to /ok, which fetch must not follow. */
static void
srv_redirect_cb(struct evhttp_request *req, void *arg)
{
	(void)arg;
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Location", "/ok");
	evhttp_send_reply(req, 302, "Found", NULL);
}

/* The port a bound socket listens on. */
static int
socket_port(evutil_socket_t fd)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);

	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	return ntohs(sin.sin_port);
}

/* A fresh base, server and fetcher for every test. */
static void
setup(void)
{
	struct evhttp_bound_socket	*bound;

	base = event_base_new();
	ck_assert_ptr_nonnull(base);
	srv = evhttp_new(base);
	ck_assert_ptr_nonnull(srv);
	evhttp_set_allowed_methods(srv, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_PATCH);
	evhttp_set_cb(srv, "/ok", srv_ok_cb, NULL);
	evhttp_set_cb(srv, "/fail", srv_fail_cb, NULL);
	evhttp_set_cb(srv, "/slow", srv_slow_cb, NULL);
	evhttp_set_cb(srv, "/big", srv_big_cb, NULL);
	evhttp_set_cb(srv, "/retry", srv_retry_cb, NULL);
	evhttp_set_cb(srv, "/redirect", srv_redirect_cb, NULL);
	bound = evhttp_bind_socket_with_handle(srv, "127.0.0.1", 0);
	ck_assert_ptr_nonnull(bound);
	port = socket_port(evhttp_bound_socket_get_fd(bound));
	ck_assert_int_gt(port, 0);
	npending = 0;
	hits_ok = 0;
	completions = 0;
	memset(&seen, 0, sizeof(seen));
	f = fetch_new(base);
	ck_assert_ptr_nonnull(f);
}

/* Answer what /slow left pending (evhttp then frees it), free the rest. */
static void
teardown(void)
{
	int	 i;

	for (i = 0; i < npending; i++)
		evhttp_send_reply(pending[i], 503, "Gone", NULL);
	npending = 0;
	fetch_free(f);
	f = NULL;
	evhttp_free(srv);
	srv = NULL;
	event_base_free(base);
	base = NULL;
}

/* Stop run_until at its deadline. */
static void
deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	*(int *)arg = 1;
}

/* Run the loop until *counter reaches want or ms pass; 1 if reached. */
static int
run_until(const int *counter, int want, int ms)
{
	struct event	*t;
	struct timeval	 tv;
	int		 expired = 0;

	t = evtimer_new(base, deadline_cb, &expired);
	ck_assert_ptr_nonnull(t);
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(t, &tv);
	while (*counter < want && !expired)
		event_base_loop(base, EVLOOP_ONCE);
	event_free(t);
	return *counter >= want;
}

/* Milliseconds on the monotonic clock. */
static long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Record a completion. */
static void
done_cb(const struct fetch_result *r, void *arg)
{
	struct rec	*rec = arg;

	completions++;
	rec->calls++;
	rec->status = r->status;
	rec->curl_code = r->curl_code;
	rec->has_error = r->error != NULL;
	if (r->error != NULL)
		snprintf(rec->error, sizeof(rec->error), "%s", r->error);
	ck_assert_ptr_nonnull(r->body);
	ck_assert_int_eq(r->body[r->body_len], '\0');
	free(rec->body);
	rec->body = malloc(r->body_len + 1);
	ck_assert_ptr_nonnull(rec->body);
	memcpy(rec->body, r->body, r->body_len + 1);
	rec->body_len = r->body_len;
	rec->has_retry_after = r->retry_after != NULL;
	if (r->retry_after != NULL)
		snprintf(rec->retry_after, sizeof(rec->retry_after), "%s",
		    r->retry_after);
	rec->active = fetch_active(f);
}

/* Start a transfer to path on the test server. */
static int
start(const char *path, const char *method, const char *body,
    size_t body_len, const char *const *headers, long timeout_ms,
    fetch_done_cb cb, struct rec *rec)
{
	struct fetch_request	 req;
	char			 url[128];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", port, path);
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.url = url;
	req.headers = headers;
	req.body = body;
	req.body_len = body_len;
	req.timeout_ms = timeout_ms;
	return fetch_start(f, &req, cb, rec);
}

/* A GET completes later, from the loop, with the body and no Retry-After. */
START_TEST(test_get_ok)
{
	struct rec	 r = { 0 };

	ck_assert_uint_eq(fetch_active(f), 0);
	ck_assert_int_eq(start("/ok", "GET", NULL, 0, NULL, 0, done_cb, &r), 0);
	ck_assert_int_eq(r.calls, 0);
	ck_assert_uint_eq(fetch_active(f), 1);
	ck_assert(run_until(&r.calls, 1, 3000));
	ck_assert_int_eq(r.calls, 1);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(r.curl_code, CURLE_OK);
	ck_assert(!r.has_error);
	ck_assert_str_eq(r.body, "hello");
	ck_assert_uint_eq(r.body_len, 5);
	ck_assert(!r.has_retry_after);
	ck_assert_uint_eq(r.active, 0);
	ck_assert_uint_eq(fetch_active(f), 0);
	ck_assert_int_eq(seen.method, EVHTTP_REQ_GET);
	ck_assert_uint_eq(seen.body_len, 0);
	free(r.body);
}
END_TEST

/* A POST body (with a NUL and Khmer) and custom headers arrive exactly. */
START_TEST(test_post_exact)
{
	static const char	 body[] =
	    "{\"text\":\"\xe1\x9e\x81\xe1\x9f\x92\xe1\x9e\x98\"}\0tail";
	static const char *const headers[] = {
		"Content-Type: application/json; charset=utf-8",
		"X-Token: s3cr3t-t0ken",
		NULL
	};
	struct rec		 r = { 0 };

	ck_assert_int_eq(start("/ok", "POST", body, sizeof(body) - 1,
	    headers, 0, done_cb, &r), 0);
	ck_assert(run_until(&r.calls, 1, 3000));
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(seen.method, EVHTTP_REQ_POST);
	ck_assert_uint_eq(seen.body_len, sizeof(body) - 1);
	ck_assert_mem_eq(seen.body, body, sizeof(body) - 1);
	ck_assert_str_eq(seen.ctype, "application/json; charset=utf-8");
	ck_assert_str_eq(seen.token, "s3cr3t-t0ken");
	ck_assert_uint_eq(r.body_len, sizeof(body) - 1);
	ck_assert_mem_eq(r.body, body, sizeof(body) - 1);
	free(r.body);
}
END_TEST

/* An empty POST sends an empty body rather than reading stdin. */
START_TEST(test_post_empty)
{
	struct rec	 r = { 0 };

	ck_assert_int_eq(start("/ok", "POST", NULL, 0, NULL, 0, done_cb, &r),
	    0);
	ck_assert(run_until(&r.calls, 1, 3000));
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(seen.method, EVHTTP_REQ_POST);
	ck_assert_uint_eq(seen.body_len, 0);
	ck_assert_str_eq(r.body, "hello");
	free(r.body);
}
END_TEST

/* Other methods go out by name, with or without a body. */
START_TEST(test_custom_method)
{
	struct rec	 r = { 0 };

	ck_assert_int_eq(start("/ok", "PUT", "abc", 3, NULL, 0, done_cb, &r),
	    0);
	ck_assert(run_until(&r.calls, 1, 3000));
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(seen.method, EVHTTP_REQ_PUT);
	ck_assert_uint_eq(seen.body_len, 3);
	ck_assert_mem_eq(seen.body, "abc", 3);

	ck_assert_int_eq(start("/ok", "DELETE", NULL, 0, NULL, 0, done_cb,
	    &r), 0);
	ck_assert(run_until(&r.calls, 2, 3000));
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(seen.method, EVHTTP_REQ_DELETE);
	ck_assert_uint_eq(seen.body_len, 0);
	free(r.body);
}
END_TEST

/* A 500 is a response, not a curl error. */
START_TEST(test_fail_500)
{
	struct rec	 r = { 0 };

	ck_assert_int_eq(start("/fail", "GET", NULL, 0, NULL, 0, done_cb,
	    &r), 0);
	ck_assert(run_until(&r.calls, 1, 3000));
	ck_assert_int_eq(r.status, 500);
	ck_assert_int_eq(r.curl_code, CURLE_OK);
	ck_assert(!r.has_error);
	ck_assert_str_eq(r.body, "boom");
	free(r.body);
}
END_TEST

/* A server that never answers is cut off at timeout_ms. */
START_TEST(test_slow_timeout)
{
	struct rec	 r = { 0 };
	long		 t0, elapsed;

	t0 = now_ms();
	ck_assert_int_eq(start("/slow", "GET", NULL, 0, NULL, 300, done_cb,
	    &r), 0);
	ck_assert(run_until(&r.calls, 1, 3000));
	elapsed = now_ms() - t0;
	ck_assert_int_eq(npending, 1);
	ck_assert_int_eq(r.calls, 1);
	ck_assert_int_eq(r.status, 0);
	ck_assert_int_eq(r.curl_code, CURLE_OPERATION_TIMEDOUT);
	ck_assert(r.has_error);
	ck_assert_str_ne(r.error, "");
	ck_assert_uint_eq(r.body_len, 0);
	ck_assert_int_ge(elapsed, 280);
	ck_assert_int_lt(elapsed, 2000);
	free(r.body);
}
END_TEST

/* Only the first 64 KiB of a large body are kept. */
START_TEST(test_big_body)
{
	struct rec	 r = { 0 };
	size_t		 i;

	ck_assert_int_eq(start("/big", "GET", NULL, 0, NULL, 0, done_cb, &r),
	    0);
	ck_assert(run_until(&r.calls, 1, 3000));
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(r.curl_code, CURLE_OK);
	ck_assert_uint_eq(r.body_len, 65536);
	for (i = 0; i < r.body_len; i++) {
		if (r.body[i] != (char)('a' + i % 26))
			ck_abort_msg("body differs at %zu", i);
	}
	ck_assert_int_eq(r.body[65536], '\0');
	free(r.body);
}
END_TEST

/* Retry-After is handed back. */
START_TEST(test_retry_after)
{
	struct rec	 r = { 0 };

	ck_assert_int_eq(start("/retry", "POST", "x", 1, NULL, 0, done_cb,
	    &r), 0);
	ck_assert(run_until(&r.calls, 1, 3000));
	ck_assert_int_eq(r.status, 429);
	ck_assert_int_eq(r.curl_code, CURLE_OK);
	ck_assert(r.has_retry_after);
	ck_assert_str_eq(r.retry_after, "7");
	free(r.body);
}
END_TEST

/* A redirect is reported, not followed. */
START_TEST(test_redirect)
{
	struct rec	 r = { 0 };

	ck_assert_int_eq(start("/redirect", "GET", NULL, 0, NULL, 0, done_cb,
	    &r), 0);
	ck_assert(run_until(&r.calls, 1, 3000));
	ck_assert_int_eq(r.status, 302);
	ck_assert_int_eq(r.curl_code, CURLE_OK);
	ck_assert_int_eq(hits_ok, 0);
	free(r.body);
}
END_TEST

/* A refused connection: no status, a curl error with text. */
START_TEST(test_refused)
{
	struct rec		 r = { 0 };
	struct fetch_request	 req;
	struct sockaddr_in	 sin;
	char			 url[64];
	int			 fd;

	/* Bound but not listening: connects are refused, nobody takes it. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/ok", socket_port(fd));
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = url;
	ck_assert_int_eq(fetch_start(f, &req, done_cb, &r), 0);
	ck_assert_int_eq(r.calls, 0);
	ck_assert(run_until(&r.calls, 1, 3000));
	ck_assert_int_eq(r.calls, 1);
	ck_assert_int_eq(r.status, 0);
	ck_assert_int_eq(r.curl_code, CURLE_COULDNT_CONNECT);
	ck_assert(r.has_error);
	ck_assert_str_ne(r.error, "");
	close(fd);
	free(r.body);
}
END_TEST

/* Only http and https: other schemes fail, still from the loop. */
START_TEST(test_protocols)
{
	static const char *const urls[] = {
		"file:///etc/passwd", "ftp://127.0.0.1:1/",
		"gopher://127.0.0.1/"
	};
	struct rec		 r = { 0 };
	struct fetch_request	 req;
	size_t			 i;

	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		memset(&req, 0, sizeof(req));
		req.method = "GET";
		req.url = urls[i];
		ck_assert_int_eq(fetch_start(f, &req, done_cb, &r), 0);
		ck_assert_int_eq(r.calls, (int)i);
		ck_assert(run_until(&r.calls, (int)i + 1, 3000));
		ck_assert_int_eq(r.curl_code, CURLE_UNSUPPORTED_PROTOCOL);
		ck_assert_int_eq(r.status, 0);
		ck_assert(r.has_error);
	}
	free(r.body);
}
END_TEST

/* Bad requests are refused at once and never complete. */
START_TEST(test_bad_request)
{
	static const char *const crlf[] = { "X-A: 1\r\nX-B: 2", NULL };
	struct rec		 r = { 0 };
	struct fetch_request	 req;
	int			 never = 0;

	memset(&req, 0, sizeof(req));
	req.method = "GET";
	ck_assert_int_eq(fetch_start(f, &req, done_cb, &r), -1);
	ck_assert_int_eq(start("/ok", "GET", NULL, 0, crlf, 0, done_cb, &r),
	    -1);
	ck_assert_int_eq(start("/ok", "GE T", NULL, 0, NULL, 0, done_cb, &r),
	    -1);
	ck_assert_int_eq(start("/ok", "GET\r\nX: y", NULL, 0, NULL, 0,
	    done_cb, &r), -1);
	ck_assert_int_eq(start("/ok", "POST", NULL, 3, NULL, 0, done_cb, &r),
	    -1);
	ck_assert_int_eq(start("/ok", "GET", NULL, 0, NULL, 0, NULL, &r), -1);
	ck_assert_uint_eq(fetch_active(f), 0);
	run_until(&never, 1, 100);
	ck_assert_int_eq(r.calls, 0);
	ck_assert_int_eq(hits_ok, 0);
}
END_TEST

/* Twenty transfers at once each complete exactly once, with their body. */
START_TEST(test_concurrent)
{
	struct rec	 r[20];
	char		 body[20][16];
	size_t		 i;

	memset(r, 0, sizeof(r));
	for (i = 0; i < 20; i++) {
		snprintf(body[i], sizeof(body[i]), "n=%zu", i);
		ck_assert_int_eq(start("/ok", "POST", body[i],
		    strlen(body[i]), NULL, 0, done_cb, &r[i]), 0);
	}
	ck_assert_uint_eq(fetch_active(f), 20);
	ck_assert(run_until(&completions, 20, 5000));
	run_until(&completions, 21, 100);
	ck_assert_int_eq(completions, 20);
	ck_assert_int_eq(hits_ok, 20);
	ck_assert_uint_eq(fetch_active(f), 0);
	for (i = 0; i < 20; i++) {
		ck_assert_int_eq(r[i].calls, 1);
		ck_assert_int_eq(r[i].status, 200);
		ck_assert_str_eq(r[i].body, body[i]);
		free(r[i].body);
	}
}
END_TEST

/* The transfer chain_cb starts. */
static struct rec	 chain_second;

/* Complete, then start the next transfer from inside the completion. */
static void
chain_cb(const struct fetch_result *res, void *arg)
{
	done_cb(res, arg);
	ck_assert_int_eq(start("/ok", "POST", "second", 6, NULL, 0, done_cb,
	    &chain_second), 0);
	ck_assert_int_eq(chain_second.calls, 0);
	ck_assert_uint_eq(fetch_active(f), 1);
}

/* A completion may start another transfer. */
START_TEST(test_chain)
{
	struct rec	 first = { 0 };

	memset(&chain_second, 0, sizeof(chain_second));
	ck_assert_int_eq(start("/ok", "POST", "first", 5, NULL, 0, chain_cb,
	    &first), 0);
	ck_assert(run_until(&completions, 2, 3000));
	ck_assert_int_eq(first.calls, 1);
	ck_assert_int_eq(chain_second.calls, 1);
	ck_assert_str_eq(first.body, "first");
	ck_assert_str_eq(chain_second.body, "second");
	ck_assert_uint_eq(fetch_active(f), 0);
	free(first.body);
	free(chain_second.body);
}
END_TEST

/* fetch_free with transfers in flight calls no completion. */
START_TEST(test_free_inflight)
{
	struct rec	 r[4];
	int		 never = 0, i;

	memset(r, 0, sizeof(r));
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(start("/slow", "POST", "zzz", 3, NULL, 10000,
		    done_cb, &r[i]), 0);
	/* Let the server hold all three, so curl has live sockets. */
	ck_assert(run_until(&npending, 3, 3000));
	/* And one that has not even connected yet. */
	ck_assert_int_eq(start("/ok", "GET", NULL, 0, NULL, 0, done_cb, &r[3]),
	    0);
	ck_assert_uint_eq(fetch_active(f), 4);
	fetch_free(f);
	f = NULL;
	run_until(&never, 1, 200);
	ck_assert_int_eq(completions, 0);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(r[i].calls, 0);
}
END_TEST

/* Free the fetcher from inside a completion. */
static void
free_cb(const struct fetch_result *res, void *arg)
{
	done_cb(res, arg);
	fetch_free(f);
	f = NULL;
}

/* fetch_free from a completion drops the rest and frees afterwards. */
START_TEST(test_free_in_completion)
{
	struct rec	 a = { 0 }, b = { 0 };
	int		 never = 0;

	ck_assert_int_eq(start("/slow", "GET", NULL, 0, NULL, 10000, done_cb,
	    &b), 0);
	ck_assert(run_until(&npending, 1, 3000));
	ck_assert_int_eq(start("/ok", "GET", NULL, 0, NULL, 0, free_cb, &a),
	    0);
	ck_assert(run_until(&a.calls, 1, 3000));
	ck_assert_ptr_null(f);
	run_until(&never, 1, 200);
	ck_assert_int_eq(a.calls, 1);
	ck_assert_int_eq(b.calls, 0);
	ck_assert_int_eq(completions, 1);
	free(a.body);
}
END_TEST

/* NULL is fine for fetch_free and fetch_active. */
START_TEST(test_null)
{
	fetch_free(NULL);
	ck_assert_uint_eq(fetch_active(NULL), 0);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("fetch");
	TCase	*tc = tcase_create("loopback");
	SRunner	*sr;
	int	 failed;

	/* The test server may write to a connection curl has closed. */
	signal(SIGPIPE, SIG_IGN);
	log_init("check_fetch", getenv("FETCH_DEBUG") != NULL);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return EXIT_FAILURE;
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_get_ok);
	tcase_add_test(tc, test_post_exact);
	tcase_add_test(tc, test_post_empty);
	tcase_add_test(tc, test_custom_method);
	tcase_add_test(tc, test_fail_500);
	tcase_add_test(tc, test_slow_timeout);
	tcase_add_test(tc, test_big_body);
	tcase_add_test(tc, test_retry_after);
	tcase_add_test(tc, test_redirect);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_protocols);
	tcase_add_test(tc, test_bad_request);
	tcase_add_test(tc, test_concurrent);
	tcase_add_test(tc, test_chain);
	tcase_add_test(tc, test_free_inflight);
	tcase_add_test(tc, test_free_in_completion);
	tcase_add_test(tc, test_null);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	curl_global_cleanup();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
