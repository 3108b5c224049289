/* SPDX-License-Identifier: ISC */
/*
 * webhook: the gateways' webhook requests, USSD and SMS. The front end
 * has already refused a body over limits.max_body (413); every other
 * request is checked in one order — path (404), secret (403), method
 * (405), decoding (400) — then translated by its channel adapter (a
 * signature that does not verify is a 403), answered by the session table
 * (USSD) or sms.c (SMS) and encoded back; an SMS channel's delivery
 * reports go to sms.c. Refusals carry a short reason and never echo a
 * value from the request; logs name the channel, not the path (which may
 * hold a secret) or any field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "channel.h"
#include "conf.h"
#include "http.h"
#include "log.h"
#include "session.h"
#include "sms.h"
#include "tally.h"
#include "webhook.h"

struct webhook {
	struct http			*http;
	struct session_table		*sessions;
	struct sms			*sms;
	struct conf *const		*confp;
	struct tally			*refused;	/* 4xx, counted */
	struct webhook_wait		*spare;		/* for reuse */
	size_t				 nspare;
};

/* A request whose reply waits for the store. */
struct webhook_wait {
	struct webhook			*w;
	struct http_defer		*defer;
	struct conf			*conf;	/* keeps the channel alive */
	const struct channel		*ch;
	struct webhook_wait		*next;		/* spare */
};

#define WEBHOOK_SPARE	256	/* finished waits kept for reuse */

static void	webhook_request_cb(struct evhttp_request *, void *);
static void	webhook_wait_gone_cb(void *);
static const char *webhook_header(void *, const char *);
static void	webhook_send(struct evhttp_request *, const struct channel *,
		    const struct channel_reply *);

/* Create the webhooks and their tally of refusals. */
struct webhook *
webhook_new(struct event_base *base, struct session_table *t,
    struct conf *const *confp)
{
	struct webhook	*w;

	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return NULL;
	w->sessions = t;
	w->confp = confp;
	w->refused = tally_new(base, "webhooks refused", 60);
	if (w->refused == NULL) {
		free(w);
		return NULL;
	}
	return w;
}

/*
 * A request over its address's rate. A USSD gateway's (its channel's
 * path and token) gets the busy END screen with 200: a survivor on a
 * shared gateway must never see an error. Anything else gets a 429.
 */
static void
webhook_limited_cb(struct evhttp_request *req, int retry, void *arg)
{
	struct webhook		*w = arg;
	struct conf		*c = *w->confp;
	const struct channel	*ch;
	struct channel_reply	 rep;
	const char		*tok;
	char			 s[16];
	int			 notice = 0;

	ch = conf_channel_for(c, http_path(req), &tok, &notice);
	if (ch != NULL && !notice && channel_kind(ch) == CHANNEL_USSD &&
	    channel_authorised(ch, tok, notice, webhook_header,
	    evhttp_request_get_input_headers(req))) {
		memset(&rep, 0, sizeof(rep));
		rep.text = conf_session(c)->busy_text;
		rep.end = 1;
		webhook_send(req, ch, &rep);
		return;
	}
	snprintf(s, sizeof(s), "%d", retry);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Retry-After", s);
	http_text(req, 429, "Too Many Requests", "too many requests");
}

/* Take the whole path space of h: channel paths come from the conf. */
int
webhook_mount(struct webhook *w, struct http *h)
{
	w->http = h;
	http_on_limited(h, webhook_limited_cb, w);
	return http_mount(h, "/", webhook_request_cb, w);
}

/* Hand SMS channels' messages to s. */
void
webhook_set_sms(struct webhook *w, struct sms *s)
{
	w->sms = s;
}

/* Free the webhooks. */
void
webhook_free(struct webhook *w)
{
	struct webhook_wait	*ww;

	if (w == NULL)
		return;
	while ((ww = w->spare) != NULL) {
		w->spare = ww->next;
		free(ww);
	}
	tally_free(w->refused);
	free(w);
}

/* Count a refusal and send it. */
static void
webhook_refuse(struct webhook *w, struct evhttp_request *req, int code,
    const char *reason, const char *why, const char *body)
{
	tally_add(w->refused, why);
	http_text(req, code, reason, body);
}

/* Header lookup for the adapters. */
static const char *
webhook_header(void *arg, const char *name)
{
	return evhttp_find_header(arg, name);
}

/*
 * Serve the liveness probe: "ok" and nothing else. Counters would tell a
 * flood what works; SIGUSR1 logs them.
 */
static void
webhook_health(struct evhttp_request *req)
{
	struct evbuffer	*buf;

	buf = evbuffer_new();
	if (buf == NULL) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	evbuffer_add_printf(buf, "ok\n");
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain");
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Cache-Control", "no-store");
	evhttp_send_reply(req, 200, "OK", buf);
	evbuffer_free(buf);
}

/* Encode and send a channel reply (or a 500). */
static void
webhook_send(struct evhttp_request *req, const struct channel *ch,
    const struct channel_reply *rep)
{
	struct channel_response	 out;
	struct evbuffer		*ob = evhttp_request_get_output_buffer(req);

	memset(&out, 0, sizeof(out));
	if (channel_format(ch, rep, &out) == -1) {
		http_text(req, 500, "Internal Server Error", "internal error");
		return;
	}
	/* Straight into the request's own buffer: no copy of our own. */
	if (evbuffer_add(ob, out.body, out.len) == -1) {
		explicit_bzero(out.body, out.len);
		free(out.body);
		http_text(req, 500, "Internal Server Error", "internal error");
		return;
	}
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", out.content_type);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Cache-Control", "no-store");
	evhttp_send_reply(req, 200, "OK", NULL);
	explicit_bzero(out.body, out.len);	/* may read back a number */
	free(out.body);
}

/*
 * The bookkeeping for req's reply, should it wait: one a request, reused
 * rather than allocated under a flood. NULL when memory ran out.
 */
static struct webhook_wait *
webhook_wait_new(struct webhook *w, struct evhttp_request *req)
{
	struct webhook_wait	*ww = w->spare;

	if (ww != NULL) {
		w->spare = ww->next;
		w->nspare--;
		memset(ww, 0, sizeof(*ww));
	} else
		ww = calloc(1, sizeof(*ww));
	if (ww == NULL)
		return NULL;
	ww->w = w;
	ww->defer = http_defer(w->http, req, webhook_wait_gone_cb, ww);
	if (ww->defer == NULL) {
		free(ww);
		return NULL;
	}
	return ww;
}

/* Release a deferred request's bookkeeping. */
static void
webhook_wait_free(struct webhook_wait *ww)
{
	struct webhook	*w = ww->w;

	http_done(ww->defer);
	conf_unref(ww->conf);
	if (w->nspare < WEBHOOK_SPARE) {
		ww->next = w->spare;
		w->spare = ww;
		w->nspare++;
	} else
		free(ww);
}

/* The gateway went away before its deferred reply was ready. */
static void
webhook_wait_gone_cb(void *arg)
{
	struct webhook_wait	*ww = arg;

	log_debug("a gateway closed its connection before the reply");
	session_forget(ww->w->sessions, ww);
	if (ww->w->sms != NULL)
		sms_forget(ww->w->sms, ww);
	webhook_wait_free(ww);
}

/* The deferred reply is ready: send it. */
static void
webhook_wait_done_cb(enum session_result r, const struct channel_reply *rep,
    void *arg)
{
	struct webhook_wait	*ww = arg;
	struct evhttp_request	*req = http_defer_req(ww->defer);

	if (r == SESSION_OK)
		webhook_send(req, ww->ch, rep);
	else
		http_text(req, 500, "Internal Server Error", "internal error");
	webhook_wait_free(ww);
}

/*
 * An end-of-session notice (Africa's Talking "USSD notifications"): wipe
 * the session and record how it ended on a request it filed. Unknown or
 * repeated notices change nothing; each gets 200.
 */
static void
webhook_notice(struct webhook *w, struct evhttp_request *req,
    const struct channel *ch, const struct channel_request *creq)
{
	struct channel_event	 ev;
	struct evbuffer		*ob;
	const char		*how = NULL, *cause = NULL;
	int			 rc;

	memset(&ev, 0, sizeof(ev));
	if ((rc = channel_notice_parse(ch, creq, &ev, &how, &cause)) != 0) {
		if (rc == CHANNEL_FORBIDDEN)
			webhook_refuse(w, req, 403, "Forbidden",
			    "signature does not verify (403)",
			    "bad signature");
		else
			webhook_refuse(w, req, 400, "Bad Request", cause,
			    cause);
		channel_event_clear(&ev);
		return;
	}
	if (channel_kind(ch) == CHANNEL_SMS) {
		if (w->sms != NULL)
			sms_report(w->sms, ch, &ev, how);
	} else
		session_gateway_end(w->sessions, channel_name(ch),
		    ev.session_id, how);
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

/*
 * Hand a decoded event to the session table and send its reply, at once
 * or, when it waits for the store, once it comes.
 */
static void
webhook_event(struct webhook *w, struct evhttp_request *req, struct conf *c,
    const struct channel *ch, const struct channel_event *ev)
{
	struct channel_reply	 rep;
	struct webhook_wait	*ww;
	enum session_result	 sr;

	memset(&rep, 0, sizeof(rep));
	/* Ready in case the reply must wait for the store. */
	ww = webhook_wait_new(w, req);
	if (ww == NULL) {
		http_text(req, 500, "Internal Server Error", "internal error");
		return;
	}
	sr = session_handle(w->sessions, c, ch, ev, &rep, webhook_wait_done_cb,
	    ww);
	if (sr == SESSION_PENDING) {
		ww->conf = conf_ref(c);
		ww->ch = ch;
		ww = NULL;
	} else if (sr != SESSION_OK)
		http_text(req, 500, "Internal Server Error", "internal error");
	else
		webhook_send(req, ch, &rep);
	if (ww != NULL)
		webhook_wait_free(ww);
	channel_reply_clear(&rep);
}

/* sms.c's answer to an inbound message: the acknowledgement or reply. */
static void
webhook_sms_answer_cb(int status, const struct channel_reply *rep, void *arg)
{
	struct webhook_wait	*ww = arg;
	struct evhttp_request	*req = http_defer_req(ww->defer);
	struct channel_reply	 none;

	memset(&none, 0, sizeof(none));
	if (status == 200)
		webhook_send(req, ww->ch, rep != NULL ? rep : &none);
	else
		http_text(req, 500, "Internal Server Error", "internal error");
	webhook_wait_free(ww);
}

/*
 * Hand an SMS to sms.c, which answers when the message is taken: its
 * reply queued (or, inline, ready) or nothing to send.
 */
static void
webhook_sms(struct webhook *w, struct evhttp_request *req, struct conf *c,
    const struct channel *ch, const struct channel_event *ev)
{
	struct webhook_wait	*ww;

	ww = w->sms != NULL ? webhook_wait_new(w, req) : NULL;
	if (ww == NULL) {
		http_text(req, 500, "Internal Server Error", "internal error");
		return;
	}
	ww->conf = conf_ref(c);
	ww->ch = ch;
	sms_inbound(w->sms, c, ch, ev, webhook_sms_answer_cb, ww);
}

/* Answer one webhook request. */
static void
webhook_request_cb(struct evhttp_request *req, void *arg)
{
	struct webhook			*w = arg;
	struct conf			*c = *w->confp;
	const struct evhttp_uri		*uri;
	const struct channel		*ch;
	struct channel_request		 creq;
	struct channel_event		 ev;
	struct evbuffer			*in;
	struct evkeyvalq		*hdrs;
	enum evhttp_cmd_type		 cmd;
	const char			*path, *tok, *cause = NULL;
	char				*body = NULL;
	size_t				 len = 0;
	int				 notice = 0, rc;

	memset(&ev, 0, sizeof(ev));
	uri = evhttp_request_get_evhttp_uri(req);
	path = http_path(req);
	cmd = evhttp_request_get_command(req);
	hdrs = evhttp_request_get_input_headers(req);

	if (strcmp(path, "/health") == 0 && cmd == EVHTTP_REQ_GET) {
		webhook_health(req);
		return;
	}
	ch = conf_channel_for(c, path, &tok, &notice);
	if (ch == NULL) {
		webhook_refuse(w, req, 404, "Not Found", "unknown path (404)",
		    "unknown path");
		return;
	}
	if (!channel_authorised(ch, tok, notice, webhook_header, hdrs)) {
		webhook_refuse(w, req, 403, "Forbidden",
		    "wrong or missing token (403)", "wrong token");
		return;
	}
	if ((cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_POST) ||
	    !channel_method_ok(ch, cmd == EVHTTP_REQ_GET ? CHANNEL_GET :
	    CHANNEL_POST, notice)) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", channel_allow(ch, notice));
		webhook_refuse(w, req, 405, "Method Not Allowed",
		    "method not allowed (405)", "method not allowed");
		return;
	}
	in = evhttp_request_get_input_buffer(req);
	len = evbuffer_get_length(in);
	body = len > 0 ? (char *)evbuffer_pullup(in, -1) : NULL;
	memset(&creq, 0, sizeof(creq));
	creq.method = cmd == EVHTTP_REQ_GET ? CHANNEL_GET : CHANNEL_POST;
	creq.query = uri != NULL ? evhttp_uri_get_query(uri) : NULL;
	creq.body = body != NULL ? body : "";
	creq.body_len = len;
	creq.header = webhook_header;
	creq.header_arg = hdrs;
	if (notice)
		webhook_notice(w, req, ch, &creq);
	else if ((rc = channel_parse(ch, &creq, &ev, &cause)) ==
	    CHANNEL_FORBIDDEN)
		webhook_refuse(w, req, 403, "Forbidden",
		    "signature does not verify (403)", "bad signature");
	else if (rc != 0)
		webhook_refuse(w, req, 400, "Bad Request", cause, cause);
	else if (channel_kind(ch) == CHANNEL_SMS)
		webhook_sms(w, req, c, ch, &ev);
	else
		webhook_event(w, req, c, ch, &ev);
	/* The body holds a phone number and answers: leave none behind. */
	if (body != NULL)
		explicit_bzero(body, len);
	channel_event_clear(&ev);
}
