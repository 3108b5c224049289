/* SPDX-License-Identifier: ISC */
/*
 * http: the evhttp front end both listeners use, the USSD webhooks' and
 * the counsellor API's. It owns binding, the connections (how many may be
 * open, which gives way, how long one may take to send its request, and
 * pausing when accept() fails), the limits a request meets before any
 * handler sees it, routing a path to the handler mounted at its longest
 * matching prefix, the count of replies that wait for later, and closing.
 * What a path means is its handler's business.
 */
#ifndef HOTLINED_HTTP_H
#define HOTLINED_HTTP_H

#include <stddef.h>

struct event_base;
struct evhttp_request;
struct http;
struct http_defer;

/* What every request on a listener must meet. */
struct http_limits {
	size_t		 max_body;	/* bytes; evhttp answers 413 above */
	size_t		 max_headers;	/* bytes of the header block */
	int		 timeout;	/* seconds of silence while reading
					   or writing */
	int		 deadline;	/* s for a whole request; 0: 10 */
	size_t		 max_conns;	/* open connections; 0: 512 */
	int		 methods;	/* EVHTTP_REQ_* mask; others get 501 */
	int		 nodelay;	/* 1: TCP_NODELAY on accepted sockets */
};

/* A handler for the paths under a prefix; arg is the one mounted. */
typedef void	(*http_handler_cb)(struct evhttp_request *req, void *arg);

/*
 * Answers a request refused for its peer address's rate (before any
 * handler saw it); retry is the seconds it should wait.
 */
typedef void	(*http_limited_cb)(struct evhttp_request *req, int retry,
		    void *arg);

/* A reply was written ms milliseconds after its request came in. */
typedef void	(*http_replied_cb)(long long ms, void *arg);

/* Told that the client of a deferred request went away. */
typedef void	(*http_gone_cb)(void *arg);

/*
 * A front end on base with the limits lim (copied); name says whose it is
 * in log lines ("counsellor API"). It serves nothing before http_listen,
 * and answers a path no handler is mounted on with a text/plain 404
 * "unknown path", a request with two different Content-Length headers
 * with a 400 (closing its connection).
 *
 * Connections: at most lim->max_conns are open. A new one beyond that
 * closes the oldest idle one (waiting for or reading a request, not one
 * whose request is with its handler or whose reply is being written or
 * deferred); when none is idle, the new one is closed. An idle connection
 * must deliver a whole request within lim->deadline seconds of its accept
 * or of its last reply (checked every second), however slowly it
 * trickles, or it is closed; a deferred reply is never cut by it. When
 * accept() fails (EMFILE: out of descriptors), the listener pauses for
 * 100 ms, doubling up to 1 s while it keeps failing, and closes the oldest
 * idle connection to free a descriptor. All of these are counted and
 * logged at most once a minute. NULL on failure.
 */
struct http	*http_new(struct event_base *base, const char *name,
		    const struct http_limits *lim);

/*
 * Bind address:port (port 0 picks a free one). Returns 0, or -1 with
 * "cannot listen on ADDRESS:PORT" in *cause (a new string the caller
 * frees, or NULL out of memory); errno is the bind's.
 */
int		 http_listen(struct http *h, const char *address, int port,
		    char **cause);

/* The port actually bound (after port 0), or -1. */
int		 http_port(const struct http *h);

/* Change the largest body accepted (a reload's new limit). */
void		 http_set_max_body(struct http *h, size_t max);

/*
 * Change the connection cap and the request deadline (a reload's new
 * limits; 0 keeps one). Connections over a lower cap give way as new ones
 * come.
 */
void		 http_set_conns(struct http *h, size_t max_conns,
		    int deadline);

/*
 * Let each peer address send per_second requests a second on average and
 * burst at once (per_second 0: no limit, the start). A request over it is
 * answered by the callback of http_on_limited, or with a text/plain 429
 * "too many requests" and Retry-After; counted and logged at most once a
 * minute. The rate is checked before anything but the headers is read.
 */
void		 http_set_rate(struct http *h, unsigned per_second,
		    unsigned burst);

/* Answer requests over the rate with cb(req, retry, arg) instead. */
void		 http_on_limited(struct http *h, http_limited_cb cb,
		    void *arg);

/*
 * Call cb(ms, arg) after each reply is written, with the time from the
 * whole request's arrival to the reply's last byte handed to the kernel.
 */
void		 http_on_replied(struct http *h, http_replied_cb cb,
		    void *arg);

/* Requests refused for their address's rate since the start. */
unsigned long long http_limited(const struct http *h);

/*
 * Connections held now: taken in under the cap and not closed. One just
 * accepted counts once it is taken in or closed, in the same loop turn.
 */
size_t		 http_connections(const struct http *h);

/*
 * Give the paths beginning with prefix (borrowed: it must outlive h) to
 * cb(req, arg); the longest matching prefix wins, so "/" takes what no
 * other takes. Returns 0, or -1 when the table is full or prefix is
 * taken.
 */
int		 http_mount(struct http *h, const char *prefix,
		    http_handler_cb cb, void *arg);

/*
 * Say that req, being handled now, will be answered later: it counts in
 * http_inflight until http_done, and its connection is neither idle nor
 * under the request deadline meanwhile. If its connection closes first
 * (libevent notices that when it writes to it or when h is freed, not
 * while the request waits), http_defer_req turns NULL and gone(arg) is
 * called (gone may be NULL; it may call http_done). Returns the deferral
 * (freed by http_done), or NULL out of memory.
 */
struct http_defer *http_defer(struct http *h, struct evhttp_request *req,
		    http_gone_cb gone, void *arg);

/* The deferred request (borrowed), or NULL once its client has gone. */
struct evhttp_request *http_defer_req(const struct http_defer *d);

/*
 * The deferred request was answered, or need not be: stop counting it and
 * free d (NULL is fine). Answer before calling this.
 */
void		 http_done(struct http_defer *d);

/* Requests deferred and not done yet. */
size_t		 http_inflight(const struct http *h);

/* The path of req (borrowed), "/" when it has none. */
const char	*http_path(struct evhttp_request *req);

/*
 * Answer req with code and reason, text and a new line as text/plain
 * UTF-8, never cached.
 */
void		 http_text(struct evhttp_request *req, int code,
		    const char *reason, const char *text);

/* Close the listening socket: no new connections. */
void		 http_stop_accepting(struct http *h);

/* Free the front end and its connections (NULL is fine). */
void		 http_free(struct http *h);

#endif
