/* SPDX-License-Identifier: ISC */
/*
 * fetch: libcurl's multi socket interface on the libevent loop, shaped
 * like curl's hiperfifo example: one event per socket curl asks about, one
 * timer for curl's timeouts, and a drain of curl_multi_info_read after every
 * curl_multi_socket_action. This file owns the only CURLM, every easy handle
 * and every transfer; it knows nothing about what the requests mean, and it
 * never logs a URL, a header or a body (paths can hold tokens).
 */
#include <sys/queue.h>
#include <sys/time.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "fetch.h"
#include "log.h"

#define FETCH_MAX_BODY		(64 * 1024)	/* response bytes kept */
#define FETCH_TIMEOUT		15000L		/* ms, when the request has 0 */
#define FETCH_CONNECT_TIMEOUT	5000L		/* ms, at most */
#define FETCH_MAX_RETRY_AFTER	128		/* longer values are ignored */

/* The life of a transfer; fetch_xfer_set_state checks every step. */
enum fetch_state {
	FETCH_NEW,		/* built, not yet in the multi handle */
	FETCH_RUNNING,		/* in the multi handle, curl drives it */
	FETCH_FINISHED,		/* out of the multi handle, completion queued */
	FETCH_DONE		/* completion running; freed right after */
};

/* One socket curl asked us to watch, attached to it with curl_multi_assign. */
struct fetch_sock {
	struct event		*ev;		/* NULL: curl wants nothing */
	LIST_ENTRY(fetch_sock)	 entry;
};

/* One transfer: everything the request said, and what came back. */
struct fetch_xfer {
	unsigned long long	 id;		/* logged instead of the URL */
	enum fetch_state	 state;
	CURL			*easy;
	struct curl_slist	*headers;
	char			*reqbody;	/* never NULL: curl must not
						   fall back to reading stdin */
	size_t			 reqlen;
	char			 errbuf[CURL_ERROR_SIZE];
	char			*body;		/* <= FETCH_MAX_BODY + NUL */
	size_t			 body_len;
	size_t			 body_size;
	char			*retry_after;
	CURLcode		 code;
	long			 status;
	fetch_done_cb		 done;
	void			*arg;
	TAILQ_ENTRY(fetch_xfer)	 entry;
};

TAILQ_HEAD(fetch_xfers, fetch_xfer);

struct fetch {
	struct event_base	*base;
	CURLM			*multi;
	struct event		*timer;
	LIST_HEAD(, fetch_sock)	 socks;
	struct fetch_xfers	 running;	/* FETCH_RUNNING */
	struct fetch_xfers	 finished;	/* FETCH_FINISHED, in order */
	size_t			 active;	/* RUNNING + FINISHED */
	unsigned long long	 next_id;
	int			 completing;	/* inside fetch_check */
	int			 dying;		/* fetch_free was deferred */
};

static void	fetch_event_cb(evutil_socket_t, short, void *);
static void	fetch_timeout_cb(evutil_socket_t, short, void *);
static int	fetch_socket_cb(CURL *, curl_socket_t, int, void *, void *);
static int	fetch_timer_cb(CURLM *, long, void *);
static void	fetch_destroy(struct fetch *);

/* Create the multi handle and its timer, and hook both into base. */
struct fetch *
fetch_new(struct event_base *base)
{
	struct fetch			*f = NULL;
	const curl_version_info_data	*vi;
	int				 bad = 0;

	f = calloc(1, sizeof(*f));
	if (f == NULL)
		goto fail;
	f->base = base;
	LIST_INIT(&f->socks);
	TAILQ_INIT(&f->running);
	TAILQ_INIT(&f->finished);
	f->timer = evtimer_new(base, fetch_timeout_cb, f);
	if (f->timer == NULL)
		goto fail;
	f->multi = curl_multi_init();
	if (f->multi == NULL)
		goto fail;
	bad |= curl_multi_setopt(f->multi, CURLMOPT_SOCKETFUNCTION,
	    fetch_socket_cb) != CURLM_OK;
	bad |= curl_multi_setopt(f->multi, CURLMOPT_SOCKETDATA, f) != CURLM_OK;
	bad |= curl_multi_setopt(f->multi, CURLMOPT_TIMERFUNCTION,
	    fetch_timer_cb) != CURLM_OK;
	bad |= curl_multi_setopt(f->multi, CURLMOPT_TIMERDATA, f) != CURLM_OK;
	if (bad)
		goto fail;

	/* A synchronous resolver would block the whole loop on DNS. */
	vi = curl_version_info(CURLVERSION_NOW);
	if (vi != NULL && (vi->features & CURL_VERSION_ASYNCHDNS) == 0)
		log_warnx("fetch: libcurl %s resolves names synchronously",
		    vi->version);
	return f;

fail:
	fetch_destroy(f);
	return NULL;
}

/* Move a transfer one state on; any other step is a broken invariant. */
static void
fetch_xfer_set_state(struct fetch_xfer *x, enum fetch_state next)
{
	static const char *const names[] = {
		"new", "running", "finished", "done"
	};

	/* Routine steps are not logged: fetch_xfer_complete logs the end. */
	if ((unsigned)next != (unsigned)x->state + 1)
		fatalx("fetch: #%llu: bad transition %s -> %s", x->id,
		    names[x->state], names[next]);
	x->state = next;
}

/* Free a transfer that is in no list and no multi handle. NULL is fine. */
static void
fetch_xfer_free(struct fetch_xfer *x)
{
	struct curl_slist	*l;

	if (x == NULL)
		return;
	if (x->easy != NULL)
		curl_easy_cleanup(x->easy);
	/* Bodies and headers may hold a number, a text or a secret. */
	for (l = x->headers; l != NULL; l = l->next)
		explicit_bzero(l->data, strlen(l->data));
	curl_slist_free_all(x->headers);
	if (x->reqbody != NULL)
		explicit_bzero(x->reqbody, x->reqlen + 1);
	free(x->reqbody);
	if (x->body != NULL)
		explicit_bzero(x->body, x->body_size);
	free(x->body);
	if (x->retry_after != NULL)
		explicit_bzero(x->retry_after, strlen(x->retry_after));
	free(x->retry_after);
	explicit_bzero(x->errbuf, sizeof(x->errbuf));
	free(x);
}

/* Keep up to FETCH_MAX_BODY bytes of the response; swallow the rest. */
static size_t
fetch_write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct fetch_xfer	*x = arg;
	size_t			 n = size * nmemb, keep, want;
	char			*p;

	keep = FETCH_MAX_BODY - x->body_len;
	if (keep > n)
		keep = n;
	if (keep == 0)
		return n;
	if (x->body_len + keep + 1 > x->body_size) {
		want = x->body_size == 0 ? 4096 : x->body_size * 2;
		while (want < x->body_len + keep + 1)
			want *= 2;
		if (want > FETCH_MAX_BODY + 1)
			want = FETCH_MAX_BODY + 1;
		/* Not realloc: the old block would keep a copy. */
		p = malloc(want);
		if (p == NULL)
			return 0;	/* curl fails: CURLE_WRITE_ERROR */
		if (x->body != NULL) {
			memcpy(p, x->body, x->body_len);
			explicit_bzero(x->body, x->body_size);
			free(x->body);
		}
		x->body = p;
		x->body_size = want;
	}
	memcpy(x->body + x->body_len, data, keep);
	x->body_len += keep;
	x->body[x->body_len] = '\0';
	return n;
}

/* Remember the last response's Retry-After value, trimmed. */
static size_t
fetch_header_cb(char *line, size_t size, size_t nitems, void *arg)
{
	static const char	 name[] = "Retry-After:";
	struct fetch_xfer	*x = arg;
	size_t			 n = size * nitems, start, end;
	char			*v;

	/* A status line starts a new response (after 1xx or a proxy). */
	if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		free(x->retry_after);
		x->retry_after = NULL;
		return n;
	}
	if (n < sizeof(name) - 1 ||
	    strncasecmp(line, name, sizeof(name) - 1) != 0)
		return n;
	start = sizeof(name) - 1;
	end = n;
	while (start < end && (line[start] == ' ' || line[start] == '\t'))
		start++;
	while (end > start && (line[end - 1] == '\r' ||
	    line[end - 1] == '\n' || line[end - 1] == ' ' ||
	    line[end - 1] == '\t'))
		end--;
	if (end == start || end - start > FETCH_MAX_RETRY_AFTER)
		return n;
	v = strndup(line + start, end - start);
	if (v == NULL)
		return n;	/* a missing hint is not worth failing for */
	free(x->retry_after);
	x->retry_after = v;
	return n;
}

/* Return 1 if method is a plain HTTP token we may put on the wire. */
static int
fetch_method_ok(const char *method)
{
	const char	*p;

	if (*method == '\0' || strlen(method) > 32)
		return 0;
	for (p = method; *p != '\0'; p++) {
		if ((*p < 'A' || *p > 'Z') && *p != '-' && *p != '_')
			return 0;
	}
	return 1;
}

/* Build the list of request headers; reject a line break (injection). */
static int
fetch_xfer_headers(struct fetch_xfer *x, const char *const *headers)
{
	struct curl_slist	*l;
	size_t			 i;

	if (headers == NULL)
		return 0;
	for (i = 0; headers[i] != NULL; i++) {
		if (strpbrk(headers[i], "\r\n") != NULL)
			return -1;
		l = curl_slist_append(x->headers, headers[i]);
		if (l == NULL)
			return -1;
		x->headers = l;
	}
	return 0;
}

/* Start a transfer; its completion always comes later, from the loop. */
int
fetch_start(struct fetch *f, const struct fetch_request *req,
    fetch_done_cb done, void *arg)
{
	struct fetch_xfer	*x = NULL;
	const char		*method;
	long			 timeout, connect_timeout;
	CURLMcode		 mc;
	int			 bad = 0;

	if (f == NULL || f->dying || req == NULL || req->url == NULL ||
	    done == NULL || (req->body == NULL && req->body_len != 0))
		goto fail;
	method = req->method != NULL ? req->method : "GET";
	if (!fetch_method_ok(method))
		goto fail;
	timeout = req->timeout_ms > 0 ? req->timeout_ms : FETCH_TIMEOUT;
	connect_timeout = timeout < FETCH_CONNECT_TIMEOUT ? timeout :
	    FETCH_CONNECT_TIMEOUT;

	x = calloc(1, sizeof(*x));
	if (x == NULL)
		goto fail;
	x->id = ++f->next_id;
	x->state = FETCH_NEW;
	x->done = done;
	x->arg = arg;
	if (fetch_xfer_headers(x, req->headers) == -1)
		goto fail;
	/* curl does not copy POSTFIELDS; one spare byte keeps it non-NULL. */
	x->reqbody = malloc(req->body_len + 1);
	x->reqlen = req->body_len;
	if (x->reqbody == NULL)
		goto fail;
	if (req->body_len > 0)
		memcpy(x->reqbody, req->body, req->body_len);
	x->reqbody[req->body_len] = '\0';
	x->easy = curl_easy_init();
	if (x->easy == NULL)
		goto fail;

	/* String options (the URL, the method) are copied by curl. */
	bad |= curl_easy_setopt(x->easy, CURLOPT_URL, req->url) != CURLE_OK;
	bad |= curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x) != CURLE_OK;
	bad |= curl_easy_setopt(x->easy, CURLOPT_ERRORBUFFER, x->errbuf) !=
	    CURLE_OK;
	bad |= curl_easy_setopt(x->easy, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
#if LIBCURL_VERSION_NUM >= 0x075500
	bad |= curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, "http,https") !=
	    CURLE_OK;
	bad |= curl_easy_setopt(x->easy, CURLOPT_REDIR_PROTOCOLS_STR,
	    "http,https") != CURLE_OK;
#else
	bad |= curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS)) != CURLE_OK;
	bad |= curl_easy_setopt(x->easy, CURLOPT_REDIR_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS)) != CURLE_OK;
#endif
	bad |= curl_easy_setopt(x->easy, CURLOPT_FOLLOWLOCATION, 0L) !=
	    CURLE_OK;
	bad |= curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS, timeout) !=
	    CURLE_OK;
	bad |= curl_easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT_MS,
	    connect_timeout) != CURLE_OK;
	bad |= curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION,
	    fetch_write_cb) != CURLE_OK;
	bad |= curl_easy_setopt(x->easy, CURLOPT_WRITEDATA, x) != CURLE_OK;
	bad |= curl_easy_setopt(x->easy, CURLOPT_HEADERFUNCTION,
	    fetch_header_cb) != CURLE_OK;
	bad |= curl_easy_setopt(x->easy, CURLOPT_HEADERDATA, x) != CURLE_OK;
	if (x->headers != NULL)
		bad |= curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER,
		    x->headers) != CURLE_OK;
	if (strcmp(method, "GET") == 0) {
		bad |= curl_easy_setopt(x->easy, CURLOPT_HTTPGET, 1L) !=
		    CURLE_OK;
	} else {
		if (strcmp(method, "POST") != 0)
			bad |= curl_easy_setopt(x->easy, CURLOPT_CUSTOMREQUEST,
			    method) != CURLE_OK;
		if (strcmp(method, "POST") == 0 || req->body != NULL) {
			bad |= curl_easy_setopt(x->easy,
			    CURLOPT_POSTFIELDSIZE_LARGE,
			    (curl_off_t)req->body_len) != CURLE_OK;
			bad |= curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS,
			    x->reqbody) != CURLE_OK;
		}
	}
	if (bad)
		goto fail;

	/*
	 * Adding only arms curl's timer (see fetch_timer_cb), so nothing can
	 * complete before we return: the completion comes from the loop.
	 */
	mc = curl_multi_add_handle(f->multi, x->easy);
	if (mc != CURLM_OK) {
		log_warnx("fetch: #%llu: cannot start: %s", x->id,
		    curl_multi_strerror(mc));
		goto fail;
	}
	fetch_xfer_set_state(x, FETCH_RUNNING);
	TAILQ_INSERT_TAIL(&f->running, x, entry);
	f->active++;
	return 0;

fail:
	fetch_xfer_free(x);
	return -1;
}

/*
 * Move every transfer curl reports as done from running to finished. The
 * CURLMsg is only valid until the handle is removed, so read it first.
 */
static void
fetch_drain(struct fetch *f)
{
	struct fetch_xfer	*x;
	CURLMsg			*msg;
	CURL			*easy;
	CURLcode		 code;
	char			*priv;
	int			 left;

	for (;;) {
		msg = curl_multi_info_read(f->multi, &left);
		if (msg == NULL)
			break;
		if (msg->msg != CURLMSG_DONE)
			continue;
		easy = msg->easy_handle;
		code = msg->data.result;
		priv = NULL;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
		x = (struct fetch_xfer *)priv;
		if (x == NULL || x->state != FETCH_RUNNING)
			fatalx("fetch: done message for an unknown transfer");
		x->code = code;
		x->status = 0;
		curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &x->status);
		curl_multi_remove_handle(f->multi, easy);
		TAILQ_REMOVE(&f->running, x, entry);
		fetch_xfer_set_state(x, FETCH_FINISHED);
		TAILQ_INSERT_TAIL(&f->finished, x, entry);
	}
}

/* Call one finished transfer's completion. */
static void
fetch_xfer_complete(struct fetch_xfer *x)
{
	struct fetch_result	 r;

	memset(&r, 0, sizeof(r));
	r.status = x->status;
	r.curl_code = (int)x->code;
	if (x->code != CURLE_OK)
		r.error = x->errbuf[0] != '\0' ? x->errbuf :
		    curl_easy_strerror(x->code);
	r.body = x->body != NULL ? x->body : "";
	r.body_len = x->body_len;
	r.retry_after = x->retry_after;
	/* The code and status only: the error text may name the host. */
	log_debug("fetch: #%llu: status %ld, curl %d (%s)", x->id, x->status,
	    (int)x->code, curl_easy_strerror(x->code));
	x->done(&r, x->arg);
}

/*
 * Drain curl's messages, then run the completions. Completions run only
 * here, after curl_multi_socket_action has returned, so a completion may
 * start a new transfer without re-entering curl; a nested call (there is
 * none today) would only queue. If a completion calls fetch_free, the
 * remaining completions are dropped and the fetcher is freed here.
 */
static void
fetch_check(struct fetch *f)
{
	struct fetch_xfer	*x;

	fetch_drain(f);
	if (f->completing)
		return;
	f->completing = 1;
	while (!f->dying) {
		x = TAILQ_FIRST(&f->finished);
		if (x == NULL)
			break;
		TAILQ_REMOVE(&f->finished, x, entry);
		f->active--;
		fetch_xfer_set_state(x, FETCH_DONE);
		fetch_xfer_complete(x);
		fetch_xfer_free(x);
	}
	f->completing = 0;
	if (f->dying)
		fetch_destroy(f);
}

/* A curl socket is ready: tell curl, then collect what finished. */
static void
fetch_event_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fetch	*f = arg;
	CURLMcode	 mc;
	int		 flags = 0, running;

	if (what & EV_READ)
		flags |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		flags |= CURL_CSELECT_OUT;
	/* This may free the event we are running in (CURL_POLL_REMOVE). */
	mc = curl_multi_socket_action(f->multi, fd, flags, &running);
	if (mc != CURLM_OK)
		log_warnx("fetch: socket action: %s", curl_multi_strerror(mc));
	fetch_check(f);
}

/* Curl's timer expired: let it run its timeouts, then collect. */
static void
fetch_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fetch	*f = arg;
	CURLMcode	 mc;
	int		 running;

	(void)fd;
	(void)what;
	mc = curl_multi_socket_action(f->multi, CURL_SOCKET_TIMEOUT, 0,
	    &running);
	if (mc != CURLM_OK)
		log_warnx("fetch: timeout action: %s", curl_multi_strerror(mc));
	fetch_check(f);
}

/* Curl (re)sets its one timer. Zero means "soon, from the loop". */
static int
fetch_timer_cb(CURLM *multi, long timeout_ms, void *arg)
{
	struct fetch	*f = arg;
	struct timeval	 tv;

	(void)multi;
	if (timeout_ms < 0) {
		evtimer_del(f->timer);
		return 0;
	}
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	return evtimer_add(f->timer, &tv) == 0 ? 0 : -1;
}

/* Free one watched socket's event and record. */
static void
fetch_sock_free(struct fetch_sock *s)
{
	LIST_REMOVE(s, entry);
	if (s->ev != NULL)
		event_free(s->ev);
	free(s);
}

/* Curl says what to wait for on a socket: add, change or drop its event. */
static int
fetch_socket_cb(CURL *easy, curl_socket_t fd, int what, void *arg,
    void *sockp)
{
	struct fetch		*f = arg;
	struct fetch_sock	*s = sockp;
	short			 kind = EV_PERSIST;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (s != NULL)
			fetch_sock_free(s);
		return 0;
	}
	if (s == NULL) {
		s = calloc(1, sizeof(*s));
		if (s == NULL)
			return -1;
		LIST_INSERT_HEAD(&f->socks, s, entry);
		if (curl_multi_assign(f->multi, fd, s) != CURLM_OK) {
			fetch_sock_free(s);
			return -1;
		}
	}
	if (s->ev != NULL) {
		event_free(s->ev);
		s->ev = NULL;
	}
	if (what & CURL_POLL_IN)
		kind |= EV_READ;
	if (what & CURL_POLL_OUT)
		kind |= EV_WRITE;
	if ((kind & (EV_READ | EV_WRITE)) == 0)
		return 0;
	s->ev = event_new(f->base, fd, kind, fetch_event_cb, f);
	if (s->ev == NULL)
		return -1;
	if (event_add(s->ev, NULL) == -1) {
		event_free(s->ev);
		s->ev = NULL;
		return -1;
	}
	return 0;
}

/* Transfers started and not yet completed. */
size_t
fetch_active(const struct fetch *f)
{
	return f != NULL ? f->active : 0;
}

/*
 * Abort every transfer without completions, then free curl, the events and
 * the fetcher. Handles leave the multi handle before it is cleaned up, and
 * curl may still call fetch_socket_cb and fetch_timer_cb while closing
 * cached connections, so the timer and f outlive curl_multi_cleanup.
 */
static void
fetch_destroy(struct fetch *f)
{
	struct fetch_xfer	*x;
	struct fetch_sock	*s;

	if (f == NULL)
		return;
	for (x = TAILQ_FIRST(&f->running); x != NULL;
	    x = TAILQ_FIRST(&f->running)) {
		TAILQ_REMOVE(&f->running, x, entry);
		log_debug("fetch: #%llu: aborted", x->id);
		curl_multi_remove_handle(f->multi, x->easy);
		fetch_xfer_free(x);
	}
	for (x = TAILQ_FIRST(&f->finished); x != NULL;
	    x = TAILQ_FIRST(&f->finished)) {
		TAILQ_REMOVE(&f->finished, x, entry);
		log_debug("fetch: #%llu: completion dropped", x->id);
		fetch_xfer_free(x);
	}
	f->active = 0;
	if (f->multi != NULL)
		curl_multi_cleanup(f->multi);
	for (s = LIST_FIRST(&f->socks); s != NULL; s = LIST_FIRST(&f->socks))
		fetch_sock_free(s);
	if (f->timer != NULL)
		event_free(f->timer);
	free(f);
}

/*
 * Free the fetcher. From inside a completion the free is deferred until
 * that completion returns (fetch_check), and no other completion runs.
 */
void
fetch_free(struct fetch *f)
{
	if (f == NULL)
		return;
	if (f->completing) {
		f->dying = 1;
		return;
	}
	fetch_destroy(f);
}
