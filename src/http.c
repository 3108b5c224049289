/* SPDX-License-Identifier: ISC */
/*
 * http: one evhttp instance per listener. evhttp itself refuses a method
 * outside the listener's set (501), a header block or a body over its
 * limits (413) and a client too slow to send its request; what passes is
 * routed by path prefix to a mounted handler. A handler that answers later
 * marks its request deferred, so that a stop can wait for it; the front
 * end notices a client that leaves before its answer. It knows nothing of
 * USSD, JSON or counsellors.
 */
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "http.h"
#include "log.h"

#define HTTP_ROUTES	8

/* A handler mounted on a prefix. */
struct http_route {
	const char	*prefix;
	size_t		 len;
	http_handler_cb	 cb;
	void		*arg;
};

/* A request whose answer comes later. */
struct http_defer {
	struct http			*h;	/* NULL once h is freed */
	struct evhttp_request		*req;	/* NULL once the client left */
	struct evhttp_connection	*evcon;
	http_gone_cb			 gone;
	void				*arg;
	TAILQ_ENTRY(http_defer)		 entry;
};
TAILQ_HEAD(http_defers, http_defer);

struct http {
	struct event_base		*base;
	char				*name;
	struct evhttp			*evh;
	struct evhttp_bound_socket	*bound;
	int				 nodelay;
	struct http_route		 routes[HTTP_ROUTES];
	size_t				 nroutes;
	struct http_defers		 defers;
	size_t				 inflight;
};

static void	http_request_cb(struct evhttp_request *, void *);

/* Create the evhttp instance with the listener's limits. */
struct http *
http_new(struct event_base *base, const char *name,
    const struct http_limits *lim)
{
	struct http	*h;

	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return NULL;
	h->base = base;
	h->nodelay = lim->nodelay;
	TAILQ_INIT(&h->defers);
	h->name = strdup(name);
	h->evh = evhttp_new(base);
	if (h->name == NULL || h->evh == NULL) {
		http_free(h);
		return NULL;
	}
	evhttp_set_allowed_methods(h->evh, (ev_uint16_t)lim->methods);
	evhttp_set_max_body_size(h->evh, (ev_ssize_t)lim->max_body);
	evhttp_set_max_headers_size(h->evh, (ev_ssize_t)lim->max_headers);
	evhttp_set_timeout(h->evh, lim->timeout);
	evhttp_set_gencb(h->evh, http_request_cb, h);
	return h;
}

/* Bind the listening socket. */
int
http_listen(struct http *h, const char *address, int port, char **cause)
{
	int	 one = 1;

	h->bound = evhttp_bind_socket_with_handle(h->evh, address,
	    (ev_uint16_t)port);
	if (h->bound == NULL) {
		if (asprintf(cause, "cannot listen on %s:%d", address,
		    port) == -1)
			*cause = NULL;
		return -1;
	}
	/*
	 * The console's script is several TCP segments: without this, on a
	 * kept-alive connection, Nagle's algorithm holds its last one until
	 * the phone's delayed ACK, 40 ms a file. Linux passes the option on
	 * to the accepted sockets.
	 */
	if (h->nodelay && setsockopt(evhttp_bound_socket_get_fd(h->bound),
	    IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == -1)
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

/* The client of a deferred request left (or the front end is freed). */
static void
http_defer_closed_cb(struct evhttp_connection *evcon, void *arg)
{
	struct http_defer	*d = arg;

	(void)evcon;
	d->req = NULL;
	d->evcon = NULL;
	if (d->gone != NULL)
		d->gone(d->arg);
}

/* Count a request as answered later. */
struct http_defer *
http_defer(struct http *h, struct evhttp_request *req, http_gone_cb gone,
    void *arg)
{
	struct http_defer	*d;

	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return NULL;
	d->h = h;
	d->req = req;
	d->evcon = evhttp_request_get_connection(req);
	d->gone = gone;
	d->arg = arg;
	TAILQ_INSERT_TAIL(&h->defers, d, entry);
	h->inflight++;
	if (d->evcon != NULL)
		evhttp_connection_set_closecb(d->evcon, http_defer_closed_cb,
		    d);
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
	if (d->evcon != NULL)
		evhttp_connection_set_closecb(d->evcon, NULL, NULL);
	if (d->h != NULL) {
		TAILQ_REMOVE(&d->h->defers, d, entry);
		d->h->inflight--;
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

/* Give a request to the handler of its path's longest mounted prefix. */
static void
http_request_cb(struct evhttp_request *req, void *arg)
{
	struct http		*h = arg;
	const struct http_route	*best = NULL;
	const char		*path = http_path(req);
	size_t			 i;

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
	}
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

	if (h == NULL)
		return;
	if (h->evh != NULL)
		evhttp_free(h->evh);
	while ((d = TAILQ_FIRST(&h->defers)) != NULL) {
		TAILQ_REMOVE(&h->defers, d, entry);
		d->h = NULL;
		d->req = NULL;
		d->evcon = NULL;
	}
	free(h->name);
	free(h);
}
