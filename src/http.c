/* SPDX-License-Identifier: ISC */
/*
 * http: evhttp listener for the USSD webhooks. evhttp itself refuses a
 * body over limits.max_body (413) while reading it; every other request is
 * checked in one order — path (404), secret (403), method (405), decoding
 * (400) — then translated by its channel adapter, answered by the session
 * table and encoded back. Refusals carry a short reason and never echo a
 * value from the request; logs name the channel, not the path (which may
 * hold a secret) or any field.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "channel.h"
#include "conf.h"
#include "http.h"
#include "log.h"
#include "session.h"
#include "tally.h"

#define HTTP_MAX_HEADERS	8192
#define HTTP_TIMEOUT		10	/* seconds to receive a request */

struct http {
	struct event_base		*base;
	struct evhttp			*evh;
	struct evhttp_bound_socket	*bound;
	struct session_table		*sessions;
	struct conf *const		*confp;
	size_t				 inflight;	/* deferred replies */
	struct tally			*refused;	/* 4xx, counted */
};

/* A request whose reply waits for the store. */
struct http_wait {
	struct http			*h;
	struct evhttp_request		*req;
	struct evhttp_connection	*evcon;
	struct conf			*conf;	/* keeps the channel alive */
	const struct channel		*ch;
};

static void	http_request_cb(struct evhttp_request *, void *);

/* Create the evhttp instance with all methods allowed (we answer 405). */
struct http *
http_new(struct event_base *base, struct session_table *t,
    struct conf *const *confp)
{
	struct http	*h;

	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return NULL;
	h->base = base;
	h->sessions = t;
	h->confp = confp;
	h->evh = evhttp_new(base);
	h->refused = tally_new(base, "webhooks refused", 60);
	if (h->evh == NULL || h->refused == NULL) {
		if (h->evh != NULL)
			evhttp_free(h->evh);
		tally_free(h->refused);
		free(h);
		return NULL;
	}
	evhttp_set_allowed_methods(h->evh, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH | EVHTTP_REQ_TRACE |
	    EVHTTP_REQ_CONNECT);
	evhttp_set_max_headers_size(h->evh, HTTP_MAX_HEADERS);
	evhttp_set_timeout(h->evh, HTTP_TIMEOUT);
	evhttp_set_gencb(h->evh, http_request_cb, h);
	http_configure(h, *confp);
	return h;
}

/* Apply a configuration's limits. */
void
http_configure(struct http *h, const struct conf *c)
{
	evhttp_set_max_body_size(h->evh, (ev_ssize_t)c->max_body);
}

/* Bind the listening socket. */
int
http_listen(struct http *h, const char *address, int port, char **cause)
{
	h->bound = evhttp_bind_socket_with_handle(h->evh, address,
	    (ev_uint16_t)port);
	if (h->bound == NULL) {
		if (asprintf(cause, "cannot listen on %s:%d", address,
		    port) == -1)
			*cause = NULL;
		return -1;
	}
	return 0;
}

/* The bound port. */
int
http_port(const struct http *h)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	evutil_socket_t		 fd;

	if (h->bound == NULL)
		return -1;
	fd = evhttp_bound_socket_get_fd(h->bound);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return -1;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return -1;
}

/* Requests in flight. */
size_t
http_inflight(const struct http *h)
{
	return h->inflight;
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

/* Free the listener and its connections. */
void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	evhttp_free(h->evh);
	tally_free(h->refused);
	free(h);
}

/* Send a short text/plain refusal. */
static void
http_refuse(struct evhttp_request *req, int code, const char *reason,
    const char *body)
{
	struct evbuffer	*buf;

	buf = evbuffer_new();
	if (buf != NULL)
		evbuffer_add_printf(buf, "%s\n", body);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; charset=utf-8");
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Cache-Control", "no-store");
	evhttp_send_reply(req, code, reason, buf);
	if (buf != NULL)
		evbuffer_free(buf);
}

/* Compare a presented secret with the expected one in constant time. */
static int
http_token_ok(const char *given, const char *want)
{
	size_t		 gl, wl, i;
	unsigned char	 diff;

	if (given == NULL)
		return 0;
	gl = strlen(given);
	wl = strlen(want);
	diff = gl != wl;
	for (i = 0; i < wl; i++)
		diff |= (unsigned char)want[i] ^
		    (unsigned char)(i < gl ? given[i] : 0);
	return diff == 0;
}

/* Header lookup for the adapters. */
static const char *
http_header(void *arg, const char *name)
{
	return evhttp_find_header(arg, name);
}

/* Name of an HTTP method for the Allow header. */
static const char *
http_allow(const struct channel *ch)
{
	if (ch->kind == CHANNEL_GENERIC && ch->method == CHANNEL_GET)
		return "GET";
	return "POST";
}

/* Serve the liveness probe. */
static void
http_health(struct evhttp_request *req, struct http *h)
{
	struct evbuffer	*buf;

	buf = evbuffer_new();
	if (buf == NULL) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	evbuffer_add_printf(buf, "ok sessions=%zu held=%zu evicted=%llu "
	    "busy=%llu\n", session_live(h->sessions),
	    session_count(h->sessions), session_evicted(h->sessions),
	    session_refused(h->sessions));
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain");
	evhttp_send_reply(req, 200, "OK", buf);
	evbuffer_free(buf);
}

/* Encode and send a channel reply (or a 500). */
static void
http_send(struct evhttp_request *req, const struct channel *ch,
    const struct channel_reply *rep)
{
	struct channel_response	 out;
	struct evbuffer		*ob;

	memset(&out, 0, sizeof(out));
	if (channel_format(ch, rep, &out) == -1) {
		http_refuse(req, 500, "Internal Server Error",
		    "internal error");
		return;
	}
	ob = evbuffer_new();
	if (ob == NULL || evbuffer_add(ob, out.body, out.len) == -1) {
		if (ob != NULL)
			evbuffer_free(ob);
		explicit_bzero(out.body, out.len);
		free(out.body);
		http_refuse(req, 500, "Internal Server Error",
		    "internal error");
		return;
	}
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", out.content_type);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Cache-Control", "no-store");
	evhttp_send_reply(req, 200, "OK", ob);
	evbuffer_free(ob);
	explicit_bzero(out.body, out.len);	/* may read back a number */
	free(out.body);
}

/* Release a deferred request's bookkeeping. */
static void
http_wait_free(struct http_wait *w)
{
	w->h->inflight--;
	conf_unref(w->conf);
	free(w);
}

/* The client went away before its deferred reply was ready. */
static void
http_wait_closed_cb(struct evhttp_connection *evcon, void *arg)
{
	struct http_wait	*w = arg;

	(void)evcon;
	log_debug("a gateway closed its connection before the reply");
	session_forget(w->h->sessions, w);
	http_wait_free(w);
}

/* The deferred reply is ready: send it. */
static void
http_wait_done_cb(enum session_result r, const struct channel_reply *rep,
    void *arg)
{
	struct http_wait	*w = arg;

	evhttp_connection_set_closecb(w->evcon, NULL, NULL);
	if (r == SESSION_OK)
		http_send(w->req, w->ch, rep);
	else
		http_refuse(w->req, 500, "Internal Server Error",
		    "internal error");
	http_wait_free(w);
}

/*
 * An end-of-session notice (Africa's Talking "USSD notifications"): wipe
 * the session and record how it ended on a request it filed. Unknown or
 * repeated notices change nothing; each gets 200.
 */
static void
http_notice(struct http *h, struct evhttp_request *req,
    const struct channel *ch, const struct channel_request *creq)
{
	struct channel_event	 ev;
	struct evbuffer		*ob;
	const char		*how = NULL, *cause = NULL;

	memset(&ev, 0, sizeof(ev));
	if (channel_notice_parse(ch, creq, &ev, &how, &cause) == -1) {
		tally_add(h->refused, cause);
		http_refuse(req, 400, "Bad Request", cause);
		channel_event_clear(&ev);
		return;
	}
	session_gateway_end(h->sessions, ch->name, ev.session_id, how);
	channel_event_clear(&ev);
	ob = evbuffer_new();
	if (ob != NULL)
		evbuffer_add_printf(ob, "OK\n");
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; charset=utf-8");
	evhttp_send_reply(req, 200, "OK", ob);
	if (ob != NULL)
		evbuffer_free(ob);
}

/* Answer one webhook request. */
static void
http_request_cb(struct evhttp_request *req, void *arg)
{
	struct http			*h = arg;
	struct conf			*c = *h->confp;
	const struct evhttp_uri		*uri;
	const struct channel		*ch;
	struct channel_request		 creq;
	struct channel_event		 ev;
	struct channel_reply		 rep;
	struct http_wait		*w = NULL;
	struct evbuffer			*in;
	struct evkeyvalq		*hdrs;
	enum evhttp_cmd_type		 cmd;
	enum session_result		 sr;
	const char			*path, *tok, *given, *cause = NULL;
	char				*body = NULL;
	size_t				 len = 0;
	int				 method_ok, notice = 0;
	char				 tokbuf[300];

	memset(&ev, 0, sizeof(ev));
	memset(&rep, 0, sizeof(rep));
	uri = evhttp_request_get_evhttp_uri(req);
	path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	if (path == NULL || *path == '\0')
		path = "/";
	cmd = evhttp_request_get_command(req);
	hdrs = evhttp_request_get_input_headers(req);

	if (strcmp(path, "/health") == 0 && cmd == EVHTTP_REQ_GET) {
		http_health(req, h);
		return;
	}
	ch = conf_channel_for(c, path, &tok, &notice);
	if (ch == NULL) {
		tally_add(h->refused, "unknown path (404)");
		http_refuse(req, 404, "Not Found", "unknown path");
		return;
	}
	if (ch->token != NULL) {
		given = ch->token_in == CHANNEL_TOKEN_PATH ? tok :
		    evhttp_find_header(hdrs, ch->token_header);
		if (notice && given == tok && tok != NULL) {
			/* "<token>/end": compare the token alone. */
			snprintf(tokbuf, sizeof(tokbuf), "%.*s",
			    (int)strcspn(tok, "/"), tok);
			given = tokbuf;
		}
		if (!http_token_ok(given, ch->token)) {
			tally_add(h->refused, "wrong or missing token (403)");
			http_refuse(req, 403, "Forbidden", "wrong token");
			return;
		}
	}
	if (notice)
		method_ok = cmd == EVHTTP_REQ_POST;
	else if (ch->kind == CHANNEL_GENERIC && ch->method == CHANNEL_GET)
		method_ok = cmd == EVHTTP_REQ_GET;
	else
		method_ok = cmd == EVHTTP_REQ_POST;
	if (!method_ok) {
		tally_add(h->refused, "method not allowed (405)");
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", notice ? "POST" : http_allow(ch));
		http_refuse(req, 405, "Method Not Allowed",
		    "method not allowed");
		return;
	}
	/* evhttp has already answered 413 to a body over limits.max_body. */
	in = evhttp_request_get_input_buffer(req);
	len = evbuffer_get_length(in);
	body = len > 0 ? (char *)evbuffer_pullup(in, -1) : NULL;
	memset(&creq, 0, sizeof(creq));
	creq.method = cmd == EVHTTP_REQ_GET ? CHANNEL_GET : CHANNEL_POST;
	creq.query = uri != NULL ? evhttp_uri_get_query(uri) : NULL;
	creq.body = body != NULL ? body : "";
	creq.body_len = len;
	creq.header = http_header;
	creq.header_arg = hdrs;
	if (notice) {
		http_notice(h, req, ch, &creq);
		goto done;
	}
	if (channel_parse(ch, &creq, &ev, &cause) == -1) {
		tally_add(h->refused, cause);
		http_refuse(req, 400, "Bad Request", cause);
		goto done;
	}
	/* Ready in case the reply must wait for the store. */
	w = calloc(1, sizeof(*w));
	if (w == NULL) {
		http_refuse(req, 500, "Internal Server Error",
		    "internal error");
		goto done;
	}
	sr = session_handle(h->sessions, c, ch, &ev, &rep, http_wait_done_cb,
	    w);
	if (sr == SESSION_PENDING) {
		w->h = h;
		w->req = req;
		w->evcon = evhttp_request_get_connection(req);
		w->conf = conf_ref(c);
		w->ch = ch;
		h->inflight++;
		evhttp_connection_set_closecb(w->evcon, http_wait_closed_cb, w);
		w = NULL;
	} else if (sr != SESSION_OK)
		http_refuse(req, 500, "Internal Server Error",
		    "internal error");
	else
		http_send(req, ch, &rep);
done:
	explicit_bzero(tokbuf, sizeof(tokbuf));
	free(w);
	/* The body holds a phone number and answers: leave none behind. */
	if (body != NULL)
		explicit_bzero(body, len);
	channel_event_clear(&ev);
	channel_reply_clear(&rep);
}
