/* SPDX-License-Identifier: ISC */
/*
 * receiver: the counsellors' webhook endpoints, SMS gateways' send APIs
 * and OAuth token endpoints, for integration suites. One evhttp server on
 * its own event_base and thread; a mutex guards the recorded requests and
 * the per-prefix behaviour (failures, hangs, delays, scripted answers), and
 * a condition variable (on the monotonic clock) wakes the test thread
 * waiting for requests. Nothing here is used by the daemon itself.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>

#include "harness.h"
#include "receiver.h"

/* One answer to send: status, Content-Type (NULL: none) and body. */
struct receiver_reply {
	struct receiver_reply	*next;	/* in a rule's one-shot queue */
	int			 status;
	char			*content_type;
	char			*body;	/* NUL-terminated, never NULL */
};

/* How requests under one path prefix are answered. */
struct receiver_rule {
	struct receiver_rule	*next;
	char			*prefix;
	int			 fail;	/* 500s still to give */
	int			 hang;
	int			 delay_ms;	/* answer this late */
	struct receiver_reply	*answer;	/* standing, or NULL */
	struct receiver_reply	*once;		/* one-shots, oldest first */
	struct receiver_reply	**once_tail;
};

/* An answer that waits for its delay; it owns the reply. */
struct receiver_late {
	struct evhttp_request	*req;
	struct receiver_reply	*reply;
};

/* One recorded request, in arrival order. */
struct receiver_item {
	struct receiver_item	*next;
	struct receiver_request	 req;
};

struct receiver {
	struct event_base		*base;
	struct evhttp			*evh;
	struct evhttp_bound_socket	*bound;
	pthread_t			 thread;
	int				 running;	/* thread started */
	int				 port;
	pthread_mutex_t			 mu;
	pthread_cond_t			 cv;
	struct receiver_rule		*rules;
	struct receiver_item		*head;
	struct receiver_item		**tail;
};

static pthread_once_t	 receiver_once = PTHREAD_ONCE_INIT;
static int		 receiver_threads_ok;

/* libevent must know about threads before the base exists. */
static void
receiver_init_threads(void)
{
	receiver_threads_ok = evthread_use_pthreads() == 0;
}

/* strdup that keeps NULL. */
static char *
receiver_dup(const char *s, int *oom)
{
	char	*d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL)
		*oom = 1;
	return d;
}

/* Wipe and free a string that may have held a number, text or secret. */
static void
receiver_wipe(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

/* Free a reply (NULL is fine). */
static void
receiver_reply_free(struct receiver_reply *a)
{
	if (a == NULL)
		return;
	free(a->content_type);
	receiver_wipe(a->body);
	free(a);
}

/* A new reply holding copies of its arguments; NULL out of memory. */
static struct receiver_reply *
receiver_reply_new(int status, const char *content_type, const char *body)
{
	struct receiver_reply	*a;
	int			 oom = 0;

	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return NULL;
	a->status = status;
	a->content_type = receiver_dup(content_type, &oom);
	a->body = receiver_dup(body != NULL ? body : "", &oom);
	if (oom) {
		receiver_reply_free(a);
		return NULL;
	}
	return a;
}

/* Whether path starts with prefix (NULL or "" match everything). */
static int
receiver_match(const char *path, const char *prefix)
{
	if (prefix == NULL)
		return 1;
	return strncmp(path, prefix, strlen(prefix)) == 0;
}

/* The rule for exactly prefix, created when missing; NULL out of memory. */
static struct receiver_rule *
receiver_rule(struct receiver *r, const char *prefix)
{
	struct receiver_rule	*u;

	for (u = r->rules; u != NULL; u = u->next)
		if (strcmp(u->prefix, prefix) == 0)
			return u;
	u = calloc(1, sizeof(*u));
	if (u == NULL)
		return NULL;
	u->prefix = strdup(prefix);
	if (u->prefix == NULL) {
		free(u);
		return NULL;
	}
	u->once_tail = &u->once;
	u->next = r->rules;
	r->rules = u;
	return u;
}

/*
 * The matching rule with the longest prefix that has a one-shot answer
 * queued (one_shot) or a standing answer (!one_shot), or NULL.
 */
static struct receiver_rule *
receiver_longest(struct receiver *r, const char *path, int one_shot)
{
	struct receiver_rule	*u, *best = NULL;

	for (u = r->rules; u != NULL; u = u->next) {
		if ((one_shot ? u->once == NULL : u->answer == NULL) ||
		    !receiver_match(path, u->prefix))
			continue;
		if (best == NULL || strlen(u->prefix) > strlen(best->prefix))
			best = u;
	}
	return best;
}

/*
 * Decide how to answer path (with the lock held). Returns 0 to hang and
 * leaves *out NULL; else the status, with *out a reply the caller frees:
 * 500 while a receiver_fail_first count lasts (using one up), else the
 * oldest one-shot answer of the longest matching prefix that has one
 * (taken off its queue), else a copy of the standing answer of the longest
 * matching prefix that has one, else 200 "ok". Returns -1 out of memory.
 * *delay_ms says how late.
 */
static int
receiver_decide(struct receiver *r, const char *path, int *delay_ms,
    struct receiver_reply **out)
{
	struct receiver_rule	*u;
	struct receiver_reply	*a;

	*delay_ms = 0;
	*out = NULL;
	for (u = r->rules; u != NULL; u = u->next)
		if (u->delay_ms > 0 && receiver_match(path, u->prefix))
			*delay_ms = u->delay_ms;
	for (u = r->rules; u != NULL; u = u->next)
		if (u->hang && receiver_match(path, u->prefix))
			return 0;
	for (u = r->rules; u != NULL; u = u->next)
		if (u->fail > 0 && receiver_match(path, u->prefix))
			break;
	if (u != NULL) {
		a = receiver_reply_new(500, "text/plain", "fail\n");
		if (a == NULL)
			return -1;
		u->fail--;
		*out = a;
		return a->status;
	}
	u = receiver_longest(r, path, 1);
	if (u != NULL) {
		a = u->once;
		u->once = a->next;
		if (u->once == NULL)
			u->once_tail = &u->once;
		a->next = NULL;
		*out = a;
		return a->status;
	}
	u = receiver_longest(r, path, 0);
	if (u != NULL)
		a = receiver_reply_new(u->answer->status,
		    u->answer->content_type, u->answer->body);
	else
		a = receiver_reply_new(200, "text/plain", "ok\n");
	if (a == NULL)
		return -1;
	*out = a;
	return a->status;
}

/* The reason phrase of a status line. */
static const char *
receiver_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 202:
		return "Accepted";
	case 204:
		return "No Content";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 502:
		return "Bad Gateway";
	case 503:
		return "Service Unavailable";
	default:
		return "Answer";
	}
}

/* Send the answer a and free it. */
static void
receiver_reply(struct evhttp_request *req, struct receiver_reply *a)
{
	struct evbuffer	*out;

	out = evbuffer_new();
	if (out != NULL)
		evbuffer_add(out, a->body, strlen(a->body));
	if (a->content_type != NULL)
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Content-Type", a->content_type);
	evhttp_send_reply(req, a->status, receiver_reason(a->status), out);
	if (out != NULL)
		evbuffer_free(out);
	receiver_reply_free(a);
}

/* A delayed answer is due. */
static void
receiver_late_cb(evutil_socket_t fd, short what, void *arg)
{
	struct receiver_late	*l = arg;

	(void)fd;
	(void)what;
	receiver_reply(l->req, l->reply);
	free(l);
}

/* Record one request and answer it as told. Runs on the thread. */
static void
receiver_request_cb(struct evhttp_request *req, void *arg)
{
	struct receiver			*r = arg;
	struct receiver_item		*it;
	struct evkeyvalq		*in;
	struct evbuffer			*body;
	struct receiver_late		*late;
	struct receiver_reply		*reply;
	struct timeval			 tv;
	const struct evhttp_uri		*uri;
	const char			*path, *method;
	size_t				 len;
	int				 oom = 0, status, delay;

	it = calloc(1, sizeof(*it));
	if (it == NULL) {
		evhttp_send_error(req, 500, "out of memory");
		return;
	}
	in = evhttp_request_get_input_headers(req);
	uri = evhttp_request_get_evhttp_uri(req);
	path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	if (path == NULL || *path == '\0')
		path = "/";
	switch (evhttp_request_get_command(req)) {
	case EVHTTP_REQ_GET:
		method = "GET";
		break;
	case EVHTTP_REQ_POST:
		method = "POST";
		break;
	case EVHTTP_REQ_PUT:
		method = "PUT";
		break;
	default:
		method = "OTHER";
		break;
	}
	it->req.at_ms = harness_now_ms();
	it->req.method = receiver_dup(method, &oom);
	it->req.path = receiver_dup(path, &oom);
	it->req.query = receiver_dup(uri != NULL ? evhttp_uri_get_query(uri) :
	    NULL, &oom);
	it->req.content_type = receiver_dup(evhttp_find_header(in,
	    "Content-Type"), &oom);
	it->req.authorization = receiver_dup(evhttp_find_header(in,
	    "Authorization"), &oom);
	it->req.x_secret = receiver_dup(evhttp_find_header(in, "X-Secret"),
	    &oom);
	it->req.apikey = receiver_dup(evhttp_find_header(in, "apiKey"),
	    &oom);
	it->req.webhook_id = receiver_dup(evhttp_find_header(in,
	    "webhook-id"), &oom);
	it->req.webhook_timestamp = receiver_dup(evhttp_find_header(in,
	    "webhook-timestamp"), &oom);
	it->req.webhook_signature = receiver_dup(evhttp_find_header(in,
	    "webhook-signature"), &oom);
	body = evhttp_request_get_input_buffer(req);
	len = evbuffer_get_length(body);
	it->req.body = malloc(len + 1);
	if (it->req.body == NULL)
		oom = 1;
	else {
		if (len > 0)
			evbuffer_copyout(body, it->req.body, len);
		it->req.body[len] = '\0';
		it->req.len = len;
	}
	if (oom) {
		receiver_request_clear(&it->req);
		free(it);
		evhttp_send_error(req, 500, "out of memory");
		return;
	}

	pthread_mutex_lock(&r->mu);
	status = receiver_decide(r, it->req.path, &delay, &reply);
	if (status == -1) {
		pthread_mutex_unlock(&r->mu);
		receiver_request_clear(&it->req);
		free(it);
		evhttp_send_error(req, 500, "out of memory");
		return;
	}
	it->req.status = status;
	*r->tail = it;
	r->tail = &it->next;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);

	if (status == 0)
		return;		/* hang: evhttp keeps the request */
	if (delay > 0 && (late = malloc(sizeof(*late))) != NULL) {
		late->req = req;
		late->reply = reply;
		tv.tv_sec = delay / 1000;
		tv.tv_usec = (delay % 1000) * 1000;
		if (event_base_once(r->base, -1, EV_TIMEOUT, receiver_late_cb,
		    late, &tv) == 0)
			return;
		free(late);
	}
	receiver_reply(req, reply);
}

/* The server thread: run the loop until receiver_stop breaks it. */
static void *
receiver_main(void *arg)
{
	struct receiver	*r = arg;

	event_base_loop(r->base, EVLOOP_NO_EXIT_ON_EMPTY);
	return NULL;
}

/* Free everything the thread does not own any more. */
static void
receiver_free(struct receiver *r)
{
	struct receiver_rule	*u;
	struct receiver_reply	*a;
	struct receiver_item	*it;

	if (r->evh != NULL)
		evhttp_free(r->evh);	/* closes hanging connections */
	if (r->base != NULL)
		event_base_free(r->base);
	while ((u = r->rules) != NULL) {
		r->rules = u->next;
		while ((a = u->once) != NULL) {
			u->once = a->next;
			receiver_reply_free(a);
		}
		receiver_reply_free(u->answer);
		free(u->prefix);
		free(u);
	}
	while ((it = r->head) != NULL) {
		r->head = it->next;
		receiver_request_clear(&it->req);
		free(it);
	}
	pthread_cond_destroy(&r->cv);
	pthread_mutex_destroy(&r->mu);
	free(r);
}

/* Start the server and its thread. */
struct receiver *
receiver_start(void)
{
	struct receiver		*r;
	struct sockaddr_in	 sin;
	socklen_t		 slen = sizeof(sin);
	pthread_condattr_t	 ca;

	pthread_once(&receiver_once, receiver_init_threads);
	if (!receiver_threads_ok) {
		fprintf(stderr, "receiver: evthread_use_pthreads failed\n");
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return NULL;
	r->tail = &r->head;
	pthread_mutex_init(&r->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->cv, &ca);
	pthread_condattr_destroy(&ca);

	r->base = event_base_new();
	if (r->base == NULL)
		goto fail;
	r->evh = evhttp_new(r->base);
	if (r->evh == NULL)
		goto fail;
	evhttp_set_gencb(r->evh, receiver_request_cb, r);
	r->bound = evhttp_bind_socket_with_handle(r->evh, "127.0.0.1", 0);
	if (r->bound == NULL) {
		fprintf(stderr, "receiver: cannot listen on 127.0.0.1\n");
		goto fail;
	}
	if (getsockname(evhttp_bound_socket_get_fd(r->bound),
	    (struct sockaddr *)&sin, &slen) == -1 ||
	    sin.sin_family != AF_INET) {
		fprintf(stderr, "receiver: getsockname: %s\n",
		    strerror(errno));
		goto fail;
	}
	r->port = ntohs(sin.sin_port);
	if (pthread_create(&r->thread, NULL, receiver_main, r) != 0) {
		fprintf(stderr, "receiver: cannot start its thread\n");
		goto fail;
	}
	r->running = 1;
	return r;
fail:
	receiver_free(r);
	return NULL;
}

/* The port. */
int
receiver_port(const struct receiver *r)
{
	return r->port;
}

/* Fail the next n requests under prefix. */
void
receiver_fail_first(struct receiver *r, const char *prefix, int n)
{
	struct receiver_rule	*u;

	pthread_mutex_lock(&r->mu);
	u = receiver_rule(r, prefix);
	if (u != NULL)
		u->fail = n;
	pthread_mutex_unlock(&r->mu);
	if (u == NULL)
		fprintf(stderr, "receiver: out of memory\n");
}

/* Hang (or stop hanging) under prefix. */
void
receiver_hang(struct receiver *r, const char *prefix, int on)
{
	struct receiver_rule	*u;

	pthread_mutex_lock(&r->mu);
	u = receiver_rule(r, prefix);
	if (u != NULL)
		u->hang = on;
	pthread_mutex_unlock(&r->mu);
	if (u == NULL)
		fprintf(stderr, "receiver: out of memory\n");
}

/* Answer requests under prefix ms late (0: at once). */
void
receiver_delay(struct receiver *r, const char *prefix, int ms)
{
	struct receiver_rule	*u;

	pthread_mutex_lock(&r->mu);
	u = receiver_rule(r, prefix);
	if (u != NULL)
		u->delay_ms = ms;
	pthread_mutex_unlock(&r->mu);
	if (u == NULL)
		fprintf(stderr, "receiver: out of memory\n");
}

/* Answer requests under prefix with status, type and body from now on. */
void
receiver_answer(struct receiver *r, const char *prefix, int status,
    const char *content_type, const char *body)
{
	struct receiver_rule	*u;
	struct receiver_reply	*a = NULL;
	int			 oom;

	if (status != 0) {
		a = receiver_reply_new(status, content_type, body);
		if (a == NULL) {
			fprintf(stderr, "receiver: out of memory\n");
			return;
		}
	}
	pthread_mutex_lock(&r->mu);
	u = receiver_rule(r, prefix);
	oom = u == NULL;
	if (u != NULL) {
		receiver_reply_free(u->answer);
		u->answer = a;
	}
	pthread_mutex_unlock(&r->mu);
	if (oom) {
		receiver_reply_free(a);
		fprintf(stderr, "receiver: out of memory\n");
	}
}

/* Queue a one-shot answer for the next request under prefix. */
void
receiver_answer_next(struct receiver *r, const char *prefix, int status,
    const char *content_type, const char *body)
{
	struct receiver_rule	*u;
	struct receiver_reply	*a;

	a = receiver_reply_new(status, content_type, body);
	if (a == NULL) {
		fprintf(stderr, "receiver: out of memory\n");
		return;
	}
	pthread_mutex_lock(&r->mu);
	u = receiver_rule(r, prefix);
	if (u != NULL) {
		*u->once_tail = a;
		u->once_tail = &a->next;
	}
	pthread_mutex_unlock(&r->mu);
	if (u == NULL) {
		receiver_reply_free(a);
		fprintf(stderr, "receiver: out of memory\n");
	}
}

/* Count with the lock held. */
static size_t
receiver_count_locked(struct receiver *r, const char *prefix)
{
	struct receiver_item	*it;
	size_t			 n = 0;

	for (it = r->head; it != NULL; it = it->next)
		if (receiver_match(it->req.path, prefix))
			n++;
	return n;
}

/* Requests recorded under prefix. */
size_t
receiver_count(struct receiver *r, const char *prefix)
{
	size_t	 n;

	pthread_mutex_lock(&r->mu);
	n = receiver_count_locked(r, prefix);
	pthread_mutex_unlock(&r->mu);
	return n;
}

/* Wait for count requests under prefix, within a bound. */
int
receiver_wait(struct receiver *r, const char *prefix, size_t count,
    int timeout_ms)
{
	struct timespec	 dl;
	int		 rc = 0;

	harness_deadline(&dl, timeout_ms);
	pthread_mutex_lock(&r->mu);
	while (receiver_count_locked(r, prefix) < count) {
		if (pthread_cond_timedwait(&r->cv, &r->mu, &dl) == ETIMEDOUT) {
			if (receiver_count_locked(r, prefix) < count)
				rc = -1;
			break;
		}
	}
	pthread_mutex_unlock(&r->mu);
	return rc;
}

/* Copy the i-th request under prefix. */
int
receiver_get(struct receiver *r, const char *prefix, size_t i,
    struct receiver_request *out)
{
	struct receiver_item	*it;
	size_t			 n = 0;
	int			 oom = 0, rc = -1;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&r->mu);
	for (it = r->head; it != NULL; it = it->next) {
		if (!receiver_match(it->req.path, prefix))
			continue;
		if (n++ < i)
			continue;
		out->method = receiver_dup(it->req.method, &oom);
		out->path = receiver_dup(it->req.path, &oom);
		out->query = receiver_dup(it->req.query, &oom);
		out->content_type = receiver_dup(it->req.content_type, &oom);
		out->authorization = receiver_dup(it->req.authorization,
		    &oom);
		out->x_secret = receiver_dup(it->req.x_secret, &oom);
		out->apikey = receiver_dup(it->req.apikey, &oom);
		out->webhook_id = receiver_dup(it->req.webhook_id, &oom);
		out->webhook_timestamp = receiver_dup(
		    it->req.webhook_timestamp, &oom);
		out->webhook_signature = receiver_dup(
		    it->req.webhook_signature, &oom);
		out->body = malloc(it->req.len + 1);
		if (out->body == NULL)
			oom = 1;
		else {
			memcpy(out->body, it->req.body, it->req.len + 1);
			out->len = it->req.len;
		}
		out->at_ms = it->req.at_ms;
		out->status = it->req.status;
		rc = oom ? -1 : 0;
		break;
	}
	pthread_mutex_unlock(&r->mu);
	if (rc == -1)
		receiver_request_clear(out);
	return rc;
}

/* Free a copy, wiping what may hold numbers, texts or secrets. */
void
receiver_request_clear(struct receiver_request *req)
{
	free(req->method);
	free(req->path);
	receiver_wipe(req->query);
	free(req->content_type);
	receiver_wipe(req->authorization);
	receiver_wipe(req->x_secret);
	receiver_wipe(req->apikey);
	free(req->webhook_id);
	free(req->webhook_timestamp);
	receiver_wipe(req->webhook_signature);
	if (req->body != NULL) {
		explicit_bzero(req->body, req->len);
		free(req->body);
	}
	memset(req, 0, sizeof(*req));
}

/* Stop the thread and free everything. */
void
receiver_stop(struct receiver *r)
{
	if (r == NULL)
		return;
	if (r->running) {
		event_base_loopbreak(r->base);
		pthread_join(r->thread, NULL);
		r->running = 0;
	}
	receiver_free(r);
}
