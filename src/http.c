/* SPDX-License-Identifier: ISC */
/*
 * http: one evhttp instance per listener. evhttp itself refuses a method
 * outside the listener's set (501), a header block or a body over its
 * limits (413) and a client silent for too long; this file adds what
 * libevent 2.1 lacks: a cap on open connections (the oldest idle one gives
 * way), a deadline for a whole request, a pause when accept() fails, and
 * a 400 for two different Content-Length headers, and a rate limit per
 * peer address checked before anything else is read of a request (its
 * answer is the mounting module's, or a 429). What passes is routed
 * by path prefix to a mounted handler. A handler that answers later marks
 * its request deferred, so that a stop can wait for it; the front end
 * notices a client that leaves before its answer. It knows nothing of
 * USSD, JSON or counsellors.
 */
#include <sys/queue.h>
#include <sys/socket.h>

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "clock.h"
#include "http.h"
#include "log.h"
#include "ratelimit.h"
#include "tally.h"

#define HTTP_ROUTES		8
#define HTTP_BUCKETS		1024	/* by evhttp's connection */
#define HTTP_BACKLOG		1024	/* evhttp listens with 128 */
#define HTTP_MAX_CONNS		512
#define HTTP_DEADLINE		10	/* seconds */
#define HTTP_BACKOFF_MIN	100	/* ms paused after accept() fails */
#define HTTP_BACKOFF_MAX	1000
#define HTTP_RATE_SLOTS		4096	/* peer addresses tracked */
#define HTTP_SPARE		256	/* finished defers kept for reuse */

/*
 * Reasons counted in the front end's tally, static text without client
 * data, worded to follow a count ("in the last 60 s: 12 ...").
 */
#define HTTP_WHY_EVICT	"idle connections closed for new ones"
#define HTTP_WHY_FULL	"new connections closed: every connection busy"
#define HTTP_WHY_LATE	"connections without a whole request by the " \
			"deadline, closed"
#define HTTP_WHY_LENGTH	"requests with two different Content-Length " \
			"headers (400)"
#define HTTP_WHY_RATE	"requests over the rate of their address, refused"
#define HTTP_WHY_TRIP	"addresses over their rate"

/* A handler mounted on a prefix. */
struct http_route {
	const char	*prefix;
	size_t		 len;
	http_handler_cb	 cb;
	void		*arg;
};

/* Where a connection is in its life. */
enum http_conn_state {
	HTTP_CONN_FRESH,	/* accepted: evhttp is still setting it up */
	HTTP_CONN_IDLE,		/* waiting for or reading a request: the
				   deadline runs and it may give way */
	HTTP_CONN_BUSY		/* its request is with a handler or
				   deferred, or its reply is written */
};

struct http_conn;
TAILQ_HEAD(http_conns, http_conn);

/* A request whose answer comes later. */
struct http_defer {
	struct http		*h;	/* NULL once h is freed */
	struct evhttp_request	*req;	/* NULL: the client left */
	struct http_conn	*conn;	/* NULL once it closed */
	http_gone_cb		 gone;
	void			*arg;
	TAILQ_ENTRY(http_defer)	 entry;
};
TAILQ_HEAD(http_defers, http_defer);

/* One accepted connection. */
struct http_conn {
	struct http		 *h;
	struct bufferevent	 *bev;
	struct evhttp_connection *evcon;	/* NULL while fresh */
	struct evhttp_request	 *req;	/* busy: the request */
	struct http_defer	 *defer;	/* busy: deferral or NULL */
	enum http_conn_state	  state;
	long long		  since;	/* ms: accept, last reply */
	long long		  started;	/* ms: its request came */
	unsigned long		  requests;	/* given to handlers */
	TAILQ_ENTRY(http_conn)	  entry;	/* in its state's list */
	struct http_conn	 *next;		/* in its hash bucket */
};

struct http {
	struct event_base		*base;
	char				*name;
	struct evhttp			*evh;
	struct evhttp_bound_socket	*bound;
	struct evconnlistener		*lev;	/* NULL: stopped */
	int				 nodelay;
	struct http_route		 routes[HTTP_ROUTES];
	size_t				 nroutes;
	struct http_defers		 defers;
	size_t				 inflight;
	struct http_defers		 spare;	/* done, for reuse */
	size_t				 nspare;

	struct http_conns		 conns[3];	/* by state */
	size_t				 nconns[3];
	struct http_conn		*bucket[HTTP_BUCKETS];
	size_t				 max_conns;
	int				 deadline;	/* s */
	struct event			*adopt;	/* fresh ones */
	struct event			*tick;	/* each second */
	struct event			*retry;	/* accept again */
	int				 backoff; /* ms, 0: accepting */
	struct tally			*tally;
	struct ratelimit		*rate;	/* per peer address */
	struct tally			*rated;	/* its refusals */
	http_limited_cb			 limited;
	void				*limited_arg;
	http_replied_cb			 replied;
	void				*replied_arg;
};

static void	http_request_cb(struct evhttp_request *, void *);
static struct bufferevent *http_bev_cb(struct event_base *, void *);
static void	http_adopt_cb(evutil_socket_t, short, void *);
static void	http_tick_cb(evutil_socket_t, short, void *);
static void	http_retry_cb(evutil_socket_t, short, void *);

/* Milliseconds on a monotonic clock. */
static long long
http_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Create the evhttp instance with the listener's limits. */
struct http *
http_new(struct event_base *base, const char *name,
    const struct http_limits *lim)
{
	struct http	*h;
	struct timeval	 sec = { 1, 0 };
	int		 i;

	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return NULL;
	h->base = base;
	h->nodelay = lim->nodelay;
	TAILQ_INIT(&h->defers);
	TAILQ_INIT(&h->spare);
	for (i = 0; i < 3; i++)
		TAILQ_INIT(&h->conns[i]);
	h->max_conns = lim->max_conns > 0 ? lim->max_conns : HTTP_MAX_CONNS;
	h->deadline = lim->deadline > 0 ? lim->deadline : HTTP_DEADLINE;
	h->name = strdup(name);
	h->evh = evhttp_new(base);
	h->tally = tally_new(base, name, 60);
	h->adopt = event_new(base, -1, 0, http_adopt_cb, h);
	h->tick = event_new(base, -1, EV_PERSIST, http_tick_cb, h);
	h->retry = evtimer_new(base, http_retry_cb, h);
	h->rate = ratelimit_new(HTTP_RATE_SLOTS);
	h->rated = tally_new(base, name, 60);
	if (h->name == NULL || h->evh == NULL || h->tally == NULL ||
	    h->rate == NULL || h->rated == NULL ||
	    h->adopt == NULL || h->tick == NULL || h->retry == NULL ||
	    event_add(h->tick, &sec) == -1) {
		http_free(h);
		return NULL;
	}
	evhttp_set_allowed_methods(h->evh, (ev_uint16_t)lim->methods);
	evhttp_set_max_body_size(h->evh, (ev_ssize_t)lim->max_body);
	evhttp_set_max_headers_size(h->evh, (ev_ssize_t)lim->max_headers);
	evhttp_set_timeout(h->evh, lim->timeout);
	evhttp_set_gencb(h->evh, http_request_cb, h);
	evhttp_set_bevcb(h->evh, http_bev_cb, h);
	return h;
}

/* The hash bucket of an evhttp connection. */
static struct http_conn **
http_bucket(struct http *h, const struct evhttp_connection *evcon)
{
	uintptr_t	 p = (uintptr_t)evcon;

	p = (p >> 4) * (uintptr_t)0x9E3779B97F4A7C15ULL;
	return &h->bucket[(p >> 20) % HTTP_BUCKETS];
}

/* Our record of evcon, or NULL. */
static struct http_conn *
http_conn_find(struct http *h, const struct evhttp_connection *evcon)
{
	struct http_conn	*c;

	if (evcon == NULL)
		return NULL;
	for (c = *http_bucket(h, evcon); c != NULL; c = c->next)
		if (c->evcon == evcon)
			return c;
	return NULL;
}

/*
 * Move c to state. Fresh becomes idle (adopted) and busy and idle turn
 * into each other; the idle list stays in the order connections became
 * idle, which is the order of their deadlines.
 */
static void
http_conn_set_state(struct http_conn *c, enum http_conn_state state)
{
	struct http	*h = c->h;

	if (state == HTTP_CONN_FRESH || state == c->state) {
		log_warnx("%s: connection state %d to %d", h->name, c->state,
		    state);
		return;
	}
	TAILQ_REMOVE(&h->conns[c->state], c, entry);
	h->nconns[c->state]--;
	c->state = state;
	if (state == HTTP_CONN_IDLE && c->requests > 0)
		c->since = http_now_ms();
	TAILQ_INSERT_TAIL(&h->conns[state], c, entry);
	h->nconns[state]++;
}

/*
 * Forget c: out of its list and bucket; its deferral learns the client
 * left, and its request no longer reports to c. Frees c.
 */
static void
http_conn_drop(struct http_conn *c)
{
	struct http		*h = c->h;
	struct http_conn	**pp;
	struct http_defer	*d = c->defer;

	TAILQ_REMOVE(&h->conns[c->state], c, entry);
	h->nconns[c->state]--;
	if (c->evcon != NULL) {
		for (pp = http_bucket(h, c->evcon); *pp != NULL;
		    pp = &(*pp)->next)
			if (*pp == c) {
				*pp = c->next;
				break;
			}
	}
	if (c->req != NULL)
		evhttp_request_set_on_complete_cb(c->req, NULL, NULL);
	free(c);
	if (d != NULL) {
		d->conn = NULL;
		d->req = NULL;
		if (d->gone != NULL)
			d->gone(d->arg);
	}
}

/* evhttp is closing a connection (the client left, a time-out, a reply). */
static void
http_conn_closed_cb(struct evhttp_connection *evcon, void *arg)
{
	struct http_conn	*c = arg;

	(void)evcon;
	http_conn_drop(c);
}

/* Close an adopted connection ourselves. */
static void
http_conn_close(struct http_conn *c)
{
	struct evhttp_connection	*evcon = c->evcon;

	evhttp_connection_set_closecb(evcon, NULL, NULL);
	http_conn_drop(c);
	evhttp_connection_free(evcon);
}

/* Close the oldest idle connection. Returns 0, or -1 when none is idle. */
static int
http_shed(struct http *h)
{
	struct http_conn	*c;

	c = TAILQ_FIRST(&h->conns[HTTP_CONN_IDLE]);
	if (c == NULL)
		return -1;
	http_conn_close(c);
	return 0;
}

/*
 * evhttp accepted a connection and asks for its bufferevent (libevent
 * 2.1's only hook at accept time). Make the one evhttp would, and keep a
 * reference until http_adopt_cb, once evhttp has set it up, learns which
 * evhttp connection it belongs to.
 */
static struct bufferevent *
http_bev_cb(struct event_base *base, void *arg)
{
	struct http		*h = arg;
	struct http_conn	*c;
	struct bufferevent	*bev;

	h->backoff = 0;
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return bev;	/* served, but neither counted nor timed */
	c->h = h;
	c->bev = bev;
	c->state = HTTP_CONN_FRESH;
	c->since = http_now_ms();
	bufferevent_incref(bev);
	TAILQ_INSERT_TAIL(&h->conns[HTTP_CONN_FRESH], c, entry);
	h->nconns[HTTP_CONN_FRESH]++;
	event_active(h->adopt, EV_TIMEOUT, 1);
	return bev;
}

/*
 * Take in the connections accepted since the last turn: find each one's
 * evhttp connection, which evhttp makes the argument of its bufferevent's
 * callbacks (libevent 2.0 to 2.2 do), watch it close, and make room for
 * it under the cap, or close it when nothing can give way.
 */
static void
http_adopt_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http		*h = arg;
	struct http_conn	*c, **pp;
	bufferevent_data_cb	 readcb;
	void			*cbarg;

	(void)fd;
	(void)what;
	while ((c = TAILQ_FIRST(&h->conns[HTTP_CONN_FRESH])) != NULL) {
		readcb = NULL;
		cbarg = NULL;
		bufferevent_getcb(c->bev, &readcb, NULL, NULL, &cbarg);
		bufferevent_decref(c->bev);
		if (readcb == NULL || cbarg == NULL) {
			/* evhttp dropped it at once (out of memory). */
			http_conn_drop(c);
			continue;
		}
		c->evcon = cbarg;
		while (h->nconns[HTTP_CONN_IDLE] + h->nconns[HTTP_CONN_BUSY] >=
		    h->max_conns && http_shed(h) == 0)
			tally_add(h->tally, HTTP_WHY_EVICT);
		if (h->nconns[HTTP_CONN_IDLE] + h->nconns[HTTP_CONN_BUSY] >=
		    h->max_conns) {
			tally_add(h->tally, HTTP_WHY_FULL);
			c->evcon = NULL;
			http_conn_drop(c);
			evhttp_connection_free(cbarg);
			continue;
		}
		pp = http_bucket(h, c->evcon);
		c->next = *pp;
		*pp = c;
		evhttp_connection_set_closecb(c->evcon, http_conn_closed_cb, c);
		http_conn_set_state(c, HTTP_CONN_IDLE);
	}
}

/* Close the idle connections whose whole request is overdue. */
static void
http_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http		*h = arg;
	struct http_conn	*c;
	long long		 due;

	(void)fd;
	(void)what;
	due = http_now_ms() - (long long)h->deadline * 1000;
	while ((c = TAILQ_FIRST(&h->conns[HTTP_CONN_IDLE])) != NULL &&
	    c->since <= due) {
		/* A kept-alive connection left idle is no news. */
		if (c->requests == 0)
			tally_add(h->tally, HTTP_WHY_LATE);
		http_conn_close(c);
	}
}

/* The pause after a failed accept() is over. */
static void
http_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http	*h = arg;

	(void)fd;
	(void)what;
	if (h->lev != NULL)
		evconnlistener_enable(h->lev);
}

/*
 * accept() failed with err: pause the listener (libevent would try again
 * at once, for ever, logging each time), longer while it keeps failing;
 * out of descriptors, free one.
 */
static void
http_accept_failed(struct http *h, int err)
{
	struct timeval	 tv;
	const char	*why;

	evconnlistener_disable(h->lev);
	if (h->backoff == 0)
		h->backoff = HTTP_BACKOFF_MIN;
	else if ((h->backoff *= 2) > HTTP_BACKOFF_MAX)
		h->backoff = HTTP_BACKOFF_MAX;
	tv.tv_sec = h->backoff / 1000;
	tv.tv_usec = (h->backoff % 1000) * 1000;
	evtimer_add(h->retry, &tv);
	switch (err) {
	case EMFILE:
		why = "accept() failures: too many open files (EMFILE), "
		    "paused";
		break;
	case ENFILE:
		why = "accept() failures: system file table full (ENFILE), "
		    "paused";
		break;
	case ENOBUFS:
	case ENOMEM:
		why = "accept() failures: out of memory, paused";
		break;
	default:
		why = "accept() failures, paused";
		break;
	}
	tally_add(h->tally, why);
	if (err == EMFILE || err == ENFILE)
		(void)http_shed(h);
}

/* What http_find_cb looks for: the front end of a listener. */
struct http_find {
	struct evconnlistener	*lev;
	struct http		*h;
};

/* Is ev the tick of the front end that owns f->lev? */
static int
http_find_cb(const struct event_base *base, const struct event *ev,
    void *arg)
{
	struct http_find	*f = arg;
	struct http		*h;

	(void)base;
	if (event_get_callback(ev) != http_tick_cb)
		return 0;
	h = event_get_callback_arg(ev);
	if (h->lev != f->lev)
		return 0;
	f->h = h;
	return 1;
}

/*
 * The listener's accept() failed. libevent hands this callback evhttp's
 * pointer, not ours, so the front end is found by its tick, which is
 * always pending; it is rare (at most once per pause).
 */
static void
http_accept_error_cb(struct evconnlistener *lev, void *arg)
{
	struct http_find	 f;
	int			 err = EVUTIL_SOCKET_ERROR();

	(void)arg;
	f.lev = lev;
	f.h = NULL;
	event_base_foreach_event(evconnlistener_get_base(lev), http_find_cb,
	    &f);
	if (f.h != NULL)
		http_accept_failed(f.h, err);
	else
		evconnlistener_disable(lev);	/* cannot happen */
}

/* Bind the listening socket. */
int
http_listen(struct http *h, const char *address, int port, char **cause)
{
	int	 fd, one = 1;

	h->bound = evhttp_bind_socket_with_handle(h->evh, address,
	    (ev_uint16_t)port);
	if (h->bound == NULL) {
		if (asprintf(cause, "cannot listen on %s:%d", address,
		    port) == -1)
			*cause = NULL;
		return -1;
	}
	fd = evhttp_bound_socket_get_fd(h->bound);
	h->lev = evhttp_bound_socket_get_listener(h->bound);
	evconnlistener_set_error_cb(h->lev, http_accept_error_cb);
	/*
	 * A flood of connections fills evhttp's backlog of 128, and a
	 * gateway's SYN then waits a second for its retransmission: a longer
	 * queue lets the cap decide instead.
	 */
	if (listen(fd, HTTP_BACKLOG) == -1)
		log_info("%s: cannot lengthen the listen queue", h->name);
	/*
	 * The console's script is several TCP segments: without this, on a
	 * kept-alive connection, Nagle's algorithm holds its last one until
	 * the phone's delayed ACK, 40 ms a file. Linux passes the option on
	 * to the accepted sockets.
	 */
	if (h->nodelay && setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
	    sizeof(one)) == -1)
		log_info("%s: cannot set TCP_NODELAY", h->name);
	return 0;
}

/* The bound port. */
int
http_port(const struct http *h)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);

	if (h->bound == NULL || getsockname(evhttp_bound_socket_get_fd(
	    h->bound), (struct sockaddr *)&ss, &len) == -1)
		return -1;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return -1;
}

/* Set the body limit. */
void
http_set_max_body(struct http *h, size_t max)
{
	evhttp_set_max_body_size(h->evh, (ev_ssize_t)max);
}

/* Set the connection cap and the deadline. */
void
http_set_conns(struct http *h, size_t max_conns, int deadline)
{
	if (max_conns > 0)
		h->max_conns = max_conns;
	if (deadline > 0)
		h->deadline = deadline;
}

/* Set the rate limit per peer address. */
void
http_set_rate(struct http *h, unsigned per_second, unsigned burst)
{
	ratelimit_set(h->rate, per_second, 1000, burst, 0);
}

/* Say who answers a request over the rate. */
void
http_on_limited(struct http *h, http_limited_cb cb, void *arg)
{
	h->limited = cb;
	h->limited_arg = arg;
}

/* Be told of each reply written and how long its request took. */
void
http_on_replied(struct http *h, http_replied_cb cb, void *arg)
{
	h->replied = cb;
	h->replied_arg = arg;
}

/* Requests refused for their address's rate. */
unsigned long long
http_limited(const struct http *h)
{
	return tally_total(h->rated, HTTP_WHY_RATE);
}

/* Connections held: taken in, not closed. */
size_t
http_connections(const struct http *h)
{
	return h->nconns[HTTP_CONN_IDLE] + h->nconns[HTTP_CONN_BUSY];
}

/* Mount a handler on a prefix. */
int
http_mount(struct http *h, const char *prefix, http_handler_cb cb, void *arg)
{
	size_t	 i;

	if (h->nroutes == HTTP_ROUTES)
		return -1;
	for (i = 0; i < h->nroutes; i++)
		if (strcmp(h->routes[i].prefix, prefix) == 0)
			return -1;
	h->routes[h->nroutes].prefix = prefix;
	h->routes[h->nroutes].len = strlen(prefix);
	h->routes[h->nroutes].cb = cb;
	h->routes[h->nroutes].arg = arg;
	h->nroutes++;
	return 0;
}

/* Count a request as answered later. */
struct http_defer *
http_defer(struct http *h, struct evhttp_request *req, http_gone_cb gone,
    void *arg)
{
	struct http_defer	*d;

	/* One a request: reused, not allocated, under a flood. */
	d = TAILQ_FIRST(&h->spare);
	if (d != NULL) {
		TAILQ_REMOVE(&h->spare, d, entry);
		h->nspare--;
		memset(d, 0, sizeof(*d));
	} else
		d = calloc(1, sizeof(*d));
	if (d == NULL)
		return NULL;
	d->h = h;
	d->req = req;
	d->gone = gone;
	d->arg = arg;
	/* evhttp reads no next request before this one's reply: one each. */
	d->conn = http_conn_find(h, evhttp_request_get_connection(req));
	if (d->conn != NULL)
		d->conn->defer = d;
	TAILQ_INSERT_TAIL(&h->defers, d, entry);
	h->inflight++;
	return d;
}

/* The deferred request, while its client waits. */
struct evhttp_request *
http_defer_req(const struct http_defer *d)
{
	return d->req;
}

/* A deferred request is finished with. */
void
http_done(struct http_defer *d)
{
	if (d == NULL)
		return;
	if (d->conn != NULL)
		d->conn->defer = NULL;
	if (d->h != NULL) {
		TAILQ_REMOVE(&d->h->defers, d, entry);
		d->h->inflight--;
		if (d->h->nspare < HTTP_SPARE) {
			TAILQ_INSERT_HEAD(&d->h->spare, d, entry);
			d->h->nspare++;
			return;
		}
	}
	free(d);
}

/* Requests deferred. */
size_t
http_inflight(const struct http *h)
{
	return h->inflight;
}

/* The request's path. */
const char *
http_path(struct evhttp_request *req)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*path;

	path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	return path == NULL || *path == '\0' ? "/" : path;
}

/* Send a short text/plain answer. */
void
http_text(struct evhttp_request *req, int code, const char *reason,
    const char *text)
{
	struct evbuffer	*buf;

	buf = evbuffer_new();
	if (buf != NULL)
		evbuffer_add_printf(buf, "%s\n", text);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; charset=utf-8");
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Cache-Control", "no-store");
	evhttp_send_reply(req, code, reason, buf);
	if (buf != NULL)
		evbuffer_free(buf);
}

/* A reply has been written: the connection waits for its next request. */
static void
http_reply_done_cb(struct evhttp_request *req, void *arg)
{
	struct http_conn	*c = arg;

	(void)req;
	c->req = NULL;
	if (c->h->replied != NULL)
		c->h->replied(http_now_ms() - c->started, c->h->replied_arg);
	http_conn_set_state(c, HTTP_CONN_IDLE);
}

/*
 * Whether req has Content-Length headers that disagree. evhttp reads the
 * body by the first one; a proxy in front may have used another, and
 * what follows would be read as a request of its own.
 */
static int
http_length_conflict(struct evhttp_request *req)
{
	struct evkeyvalq	*hdrs = evhttp_request_get_input_headers(req);
	struct evkeyval		*kv;
	const char		*first = NULL;

	TAILQ_FOREACH(kv, hdrs, next) {
		if (strcasecmp(kv->key, "Content-Length") != 0)
			continue;
		if (first == NULL)
			first = kv->value;
		else if (strcmp(first, kv->value) != 0)
			return 1;
	}
	return 0;
}

/*
 * Whether req's peer address is over its rate; *retry is then the whole
 * seconds to wait. The key is the address alone, not the port.
 */
static int
http_over_rate(struct http *h, struct evhttp_request *req, int *retry)
{
	struct evhttp_connection	*evcon;
	const struct sockaddr		*sa;
	uint8_t				 key[1 + 16];
	size_t				 len;
	int64_t				 wait = 0;
	enum ratelimit_result		 r;

	if (!ratelimit_on(h->rate))
		return 0;
	evcon = evhttp_request_get_connection(req);
	sa = evcon != NULL ? evhttp_connection_get_addr(evcon) : NULL;
	if (sa == NULL)
		return 0;
	key[0] = (uint8_t)sa->sa_family;
	if (sa->sa_family == AF_INET) {
		memcpy(key + 1, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		len = 1 + 4;
	} else if (sa->sa_family == AF_INET6) {
		memcpy(key + 1, &((const struct sockaddr_in6 *)sa)->sin6_addr,
		    16);
		len = 1 + 16;
	} else
		return 0;
	r = ratelimit_take(h->rate, key, len, hclock_mono_ms(), &wait);
	if (r == RATELIMIT_PASS)
		return 0;
	if (r == RATELIMIT_TRIPPED)
		tally_add(h->rated, HTTP_WHY_TRIP);
	tally_add(h->rated, HTTP_WHY_RATE);
	*retry = (int)((wait + 999) / 1000);
	if (*retry < 1)
		*retry = 1;
	return 1;
}

/* Answer a request over its address's rate: 429, unless told otherwise. */
static void
http_refuse_rate(struct http *h, struct evhttp_request *req, int retry)
{
	char	 s[16];

	if (h->limited != NULL) {
		h->limited(req, retry, h->limited_arg);
		return;
	}
	snprintf(s, sizeof(s), "%d", retry);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Retry-After", s);
	http_text(req, 429, "Too Many Requests", "too many requests");
}

/* Give a request to the handler of its path's longest mounted prefix. */
static void
http_request_cb(struct evhttp_request *req, void *arg)
{
	struct http		*h = arg;
	struct http_conn	*c;
	const struct http_route	*best = NULL;
	const char		*path = http_path(req);
	size_t			 i;
	int			 retry;

	c = http_conn_find(h, evhttp_request_get_connection(req));
	if (c != NULL && c->state == HTTP_CONN_IDLE) {
		c->req = req;
		c->started = http_now_ms();
		c->requests++;
		http_conn_set_state(c, HTTP_CONN_BUSY);
		evhttp_request_set_on_complete_cb(req, http_reply_done_cb, c);
	}
	if (http_over_rate(h, req, &retry)) {
		http_refuse_rate(h, req, retry);
		return;
	}
	if (http_length_conflict(req)) {
		tally_add(h->tally, HTTP_WHY_LENGTH);
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Connection", "close");
		http_text(req, 400, "Bad Request", "conflicting "
		    "Content-Length");
		return;
	}
	for (i = 0; i < h->nroutes; i++)
		if ((best == NULL || h->routes[i].len > best->len) &&
		    strncmp(path, h->routes[i].prefix, h->routes[i].len) == 0)
			best = &h->routes[i];
	if (best == NULL) {
		http_text(req, 404, "Not Found", "unknown path");
		return;
	}
	best->cb(req, best->arg);
}

/* Close the listener. */
void
http_stop_accepting(struct http *h)
{
	if (h->bound != NULL) {
		evhttp_del_accept_socket(h->evh, h->bound);
		h->bound = NULL;
		h->lev = NULL;
	}
	if (h->retry != NULL)
		evtimer_del(h->retry);
}

/*
 * Free the listener and its connections. Closing them tells every
 * deferred request's owner that its client is gone; a deferral not done
 * by then is let go of, and http_done only frees it later.
 */
void
http_free(struct http *h)
{
	struct http_defer	*d;
	struct http_conn	*c;
	int			 i;

	if (h == NULL)
		return;
	if (h->evh != NULL)
		evhttp_free(h->evh);
	/* Connections evhttp had not finished setting up: our references. */
	while ((c = TAILQ_FIRST(&h->conns[HTTP_CONN_FRESH])) != NULL) {
		bufferevent_decref(c->bev);
		http_conn_drop(c);
	}
	/* evhttp told us of every other close; in case it did not: */
	for (i = HTTP_CONN_IDLE; i <= HTTP_CONN_BUSY; i++)
		while ((c = TAILQ_FIRST(&h->conns[i])) != NULL) {
			c->req = NULL;
			http_conn_drop(c);
		}
	while ((d = TAILQ_FIRST(&h->spare)) != NULL) {
		TAILQ_REMOVE(&h->spare, d, entry);
		free(d);
	}
	while ((d = TAILQ_FIRST(&h->defers)) != NULL) {
		TAILQ_REMOVE(&h->defers, d, entry);
		d->h = NULL;
		d->req = NULL;
		if (d->conn != NULL)
			d->conn->defer = NULL;
		d->conn = NULL;
	}
	if (h->adopt != NULL)
		event_free(h->adopt);
	if (h->tick != NULL)
		event_free(h->tick);
	if (h->retry != NULL)
		event_free(h->retry);
	tally_free(h->tally);
	tally_free(h->rated);
	ratelimit_free(h->rate);
	free(h->name);
	free(h);
}
