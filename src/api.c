/* SPDX-License-Identifier: ISC */
/*
 * api: the counsellor API on evhttp. Routing, bearer-token checks against
 * the roster, JSON in and out, and replies deferred until the store job
 * behind them is durable (and dropped if the client went away). Phone
 * numbers leave only in the answer to a successful claim; logs carry case
 * references and roster ids.
 */
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "api.h"
#include "clock.h"
#include "conf.h"
#include "dispatch.h"
#include "log.h"
#include "notify.h"
#include "roster.h"
#include "store.h"

#define API_MAX_BODY	4096
#define API_REF_MAX	16
#define API_PAGE	50	/* requests listed per page */
#define API_PAGE_MAX	200

struct api {
	struct event_base		*base;
	struct evhttp			*evh;
	struct evhttp_bound_socket	*bound;
	struct store			*store;
	struct dispatch			*dispatch;
	const struct hclock		*clock;
	struct conf *const		*confp;
	size_t				 inflight;
};

/* What a deferred request was. */
enum api_action {
	API_LIST, API_GET, API_CLAIM, API_RELEASE, API_COMPLETE, API_HISTORY,
	API_REASSIGN, API_NO_ANSWER
};

/* A request waiting for the store. */
struct api_wait {
	struct api			*a;
	struct evhttp_request		*req;	/* NULL once the client left */
	struct evhttp_connection	*evcon;
	enum api_action			 action;
	char				 who[64];
	int				 supervisor;
	int				 now_minutes;	/* for the view */
	int				 attempts;	/* no answer: max */
	size_t				 limit;		/* list: page size */
};

static const char *api_states[] = { "open", "alerted", "claimed", "completed" };
static const char *api_outcomes[] = {
	"reached", "no_answer", "unsafe", "wrong_number", NULL
};

static void	api_request_cb(struct evhttp_request *, void *);

/* Create the evhttp instance. */
struct api *
api_new(struct event_base *base, struct store *st, struct dispatch *d,
    const struct hclock *clock, struct conf *const *confp)
{
	struct api	*a;

	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return NULL;
	a->base = base;
	a->store = st;
	a->dispatch = d;
	a->clock = clock;
	a->confp = confp;
	a->evh = evhttp_new(base);
	if (a->evh == NULL) {
		free(a);
		return NULL;
	}
	evhttp_set_allowed_methods(a->evh, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_PATCH | EVHTTP_REQ_OPTIONS);
	evhttp_set_max_body_size(a->evh, API_MAX_BODY);
	evhttp_set_max_headers_size(a->evh, 8192);
	evhttp_set_timeout(a->evh, 10);
	evhttp_set_gencb(a->evh, api_request_cb, a);
	return a;
}

/* Bind the listener. */
int
api_listen(struct api *a, const char *address, int port, char **cause)
{
	a->bound = evhttp_bind_socket_with_handle(a->evh, address,
	    (ev_uint16_t)port);
	if (a->bound == NULL) {
		if (asprintf(cause, "cannot listen on %s:%d for the counsellor "
		    "API", address, port) == -1)
			*cause = NULL;
		return -1;
	}
	return 0;
}

/* The bound port. */
int
api_port(const struct api *a)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);

	if (a->bound == NULL || getsockname(evhttp_bound_socket_get_fd(
	    a->bound), (struct sockaddr *)&ss, &len) == -1)
		return -1;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return -1;
}

/* Close the listener. */
void
api_stop_accepting(struct api *a)
{
	if (a->bound != NULL) {
		evhttp_del_accept_socket(a->evh, a->bound);
		a->bound = NULL;
	}
}

/* Set the dispatcher. */
void
api_set_dispatch(struct api *a, struct dispatch *d)
{
	a->dispatch = d;
}

/* Requests waiting. */
size_t
api_inflight(const struct api *a)
{
	return a->inflight;
}

/* Free the listener and its connections. */
void
api_free(struct api *a)
{
	if (a == NULL)
		return;
	evhttp_free(a->evh);
	free(a);
}

/* Send a JSON value (stolen) with a status. */
static void
api_json(struct evhttp_request *req, int code, const char *reason, json_t *v)
{
	struct evbuffer	*buf;
	char		*s;

	s = v != NULL ? json_dumps(v, JSON_COMPACT) : NULL;
	json_decref(v);
	buf = evbuffer_new();
	if (buf != NULL && s != NULL)
		evbuffer_add_printf(buf, "%s\n", s);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "application/json");
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Cache-Control", "no-store");
	evhttp_send_reply(req, s != NULL ? code : 500, s != NULL ? reason :
	    "Internal Server Error", buf);
	if (buf != NULL)
		evbuffer_free(buf);
	if (s != NULL)
		explicit_bzero(s, strlen(s));	/* may hold a number */
	free(s);
}

/* Send {"error": msg}. */
static void
api_error(struct evhttp_request *req, int code, const char *reason,
    const char *msg)
{
	api_json(req, code, reason, json_pack("{s:s}", "error", msg));
}

/* Add a string member when set. */
static void
api_set(json_t *o, const char *k, const char *v)
{
	if (v != NULL)
		json_object_set_new(o, k, json_string(v));
}

/*
 * A request as counsellors see it in lists: no number, no cover story.
 * now_minutes says what "now" means (0: not known).
 */
static json_t *
api_summary(const struct store_callback *c, int now_minutes)
{
	json_t	*o = json_object(), *w;

	if (o == NULL)
		return NULL;
	api_set(o, "ref", c->ref);
	api_set(o, "state", api_states[c->state]);
	json_object_set_new(o, "urgent", json_boolean(c->urgent));
	api_set(o, "window", c->window);
	if (c->window != NULL && strcmp(c->window, "now") == 0 &&
	    now_minutes > 0)
		json_object_set_new(o, "call_within_minutes",
		    json_integer(now_minutes));
	api_set(o, "province", c->province);
	api_set(o, "topic", c->topic);
	api_set(o, "lang", c->lang);
	json_object_set_new(o, "created_at", json_integer(c->created_at));
	json_object_set_new(o, "call_from", json_integer(c->call_from));
	json_object_set_new(o, "rounds", json_integer(c->rounds));
	json_object_set_new(o, "attempts", json_integer(c->attempts));
	json_object_set_new(o, "asked_again", json_integer(c->asked_again));
	json_object_set_new(o, "answering", json_boolean(c->intake));
	api_set(o, "session_end", c->session_end);
	api_set(o, "claimed_by", c->claimed_by);
	if (c->claimed_at > 0)
		json_object_set_new(o, "claimed_at",
		    json_integer(c->claimed_at));
	api_set(o, "outcome", c->outcome);
	if (notify_warnings(c->warn_unsafe, c->asked_again, c->session_end,
	    &w) == 0 && w != NULL)
		json_object_set_new(o, "warnings", w);
	return o;
}

/* What the claimant needs to call safely. */
static json_t *
api_call_details(const struct store_callback *c, int now_minutes)
{
	json_t		*o = api_summary(c, now_minutes), *call = json_object();
	const char	*number = NULL;

	if (o == NULL || call == NULL) {
		json_decref(o);
		json_decref(call);
		return NULL;
	}
	if (c->safe_number != NULL && *c->safe_number != '\0')
		number = c->safe_number;
	else if (c->safe_to_call == NULL || strcmp(c->safe_to_call, "no") != 0)
		number = c->phone;
	if (number != NULL)
		api_set(call, "number", number);
	else
		json_object_set_new(call, "number", json_null());
	api_set(call, "safe_to_call", c->safe_to_call);
	json_object_set_new(call, "is_safe_number",
	    json_boolean(c->safe_number != NULL && *c->safe_number != '\0'));
	api_set(call, "window", c->window);
	api_set(call, "if_someone_else_answers", c->cover);
	json_object_set_new(o, "call", call);
	return o;
}

/* Finish a deferred request's bookkeeping. */
static void
api_wait_free(struct api_wait *w)
{
	if (w->req != NULL)
		evhttp_connection_set_closecb(w->evcon, NULL, NULL);
	w->a->inflight--;
	free(w);
}

/* The client left before the store answered. */
static void
api_wait_closed_cb(struct evhttp_connection *evcon, void *arg)
{
	struct api_wait	*w = arg;

	(void)evcon;
	w->req = NULL;
}

/* Answer for a store result code other than OK. */
static void
api_store_error(struct evhttp_request *req, enum store_rc rc)
{
	if (rc == STORE_NOTFOUND)
		api_error(req, 404, "Not Found", "no such request");
	else if (rc == STORE_CONFLICT)
		api_error(req, 409, "Conflict", "claimed by someone else or "
		    "already closed");
	else
		api_error(req, 500, "Internal Server Error", "store failure");
}

/* One request's result (get, claim, release, complete). */
static void
api_one_cb(enum store_rc rc, const struct store_callback *c, void *arg)
{
	struct api_wait	*w = arg;
	json_t		*v;
	int		 mine;

	if (w->req == NULL)
		goto out;
	if (rc != STORE_OK) {
		api_store_error(w->req, rc);
		goto out;
	}
	mine = c->state == STORE_CLAIMED && c->claimed_by != NULL &&
	    strcmp(c->claimed_by, w->who) == 0;
	/* The number goes only to the counsellor who holds the claim. */
	v = mine && w->action != API_RELEASE ? api_call_details(c,
	    w->now_minutes) : api_summary(c, w->now_minutes);
	api_json(w->req, 200, "OK", v);
	if (w->action == API_CLAIM)
		log_info("request %s: claimed by %s", c->ref, w->who);
	else if (w->action == API_RELEASE || w->action == API_REASSIGN ||
	    w->action == API_NO_ANSWER) {
		if (w->action == API_RELEASE)
			log_info("request %s: released by %s", c->ref, w->who);
		else if (w->action == API_REASSIGN)
			log_info("request %s: reassigned by %s to %s", c->ref,
			    w->who, c->claimed_by);
		else
			log_info("request %s: no answer (call %d of %d), by "
			    "%s", c->ref, c->attempts, w->attempts, w->who);
		if (w->a->dispatch != NULL)
			dispatch_kick(w->a->dispatch);
	} else if (w->action == API_COMPLETE)
		log_info("request %s: completed by %s (%s)", c->ref, w->who,
		    c->outcome ? c->outcome : "-");
out:
	api_wait_free(w);
}

/* A page of the queue, with the cursor of the next one. */
static void
api_list_cb(enum store_rc rc, const struct store_callback *rows, size_t n,
    size_t total, void *arg)
{
	struct api_wait	*w = arg;
	json_t		*arr, *next = NULL;
	char		 cur[64];
	size_t		 i;

	if (w->req == NULL)
		goto out;
	if (rc != STORE_OK) {
		api_store_error(w->req, rc);
		goto out;
	}
	arr = json_array();
	for (i = 0; arr != NULL && i < n; i++)
		json_array_append_new(arr, api_summary(&rows[i],
		    w->now_minutes));
	if (n > 0 && n == w->limit) {
		snprintf(cur, sizeof(cur), "%d.%lld.%lld", rows[n - 1].urgent,
		    (long long)rows[n - 1].call_from,
		    (long long)rows[n - 1].id);
		next = json_string(cur);
	}
	api_json(w->req, 200, "OK", json_pack("{s:o, s:I, s:o}", "requests",
	    arr, "total", (json_int_t)total, "next", next != NULL ? next :
	    json_null()));
out:
	api_wait_free(w);
}

/* A request's history. */
static void
api_history_cb(enum store_rc rc, const struct store_event *ev, size_t n,
    void *arg)
{
	struct api_wait	*w = arg;
	json_t		*arr, *o;
	size_t		 i;

	if (w->req == NULL)
		goto out;
	if (rc != STORE_OK) {
		api_store_error(w->req, rc);
		goto out;
	}
	arr = json_array();
	for (i = 0; arr != NULL && i < n; i++) {
		o = json_pack("{s:I,s:s,s:s}", "at", (json_int_t)ev[i].at,
		    "event", ev[i].event, "actor", ev[i].actor ? ev[i].actor :
		    "");
		if (o != NULL && ev[i].detail != NULL)
			json_object_set_new(o, "detail",
			    json_string(ev[i].detail));
		json_array_append_new(arr, o);
	}
	api_json(w->req, 200, "OK", json_pack("{s:o}", "history", arr));
out:
	api_wait_free(w);
}

/* The counsellor behind the bearer token, or NULL. */
static const struct roster_person *
api_auth(struct api *a, struct evhttp_request *req)
{
	const char	*h;
	const struct roster *r = (*a->confp)->roster;

	h = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization");
	/* The scheme's name is case-insensitive (RFC 7235). */
	if (r == NULL || h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	return roster_by_token(r, h + 7);
}

/*
 * The string member name of the JSON object in the body, copied into buf;
 * -1 if the body is not such an object or the value does not fit.
 */
static int
api_body_string(struct evhttp_request *req, const char *name, char *buf,
    size_t len)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(req);
	size_t		 n = evbuffer_get_length(in);
	json_t		*o;
	json_error_t	 err;
	const char	*v;
	int		 rc = -1;

	o = json_loadb((const char *)evbuffer_pullup(in, -1), n, 0, &err);
	v = json_string_value(json_object_get(o, name));
	if (v != NULL && strlen(v) < len) {
		snprintf(buf, len, "%s", v);
		rc = 0;
	}
	json_decref(o);
	return rc;
}

/* Read {"outcome": "..."} from the body; NULL if absent or unknown. */
static const char *
api_outcome(struct evhttp_request *req)
{
	char	 v[32];
	size_t	 i;

	if (api_body_string(req, "outcome", v, sizeof(v)) == -1)
		return NULL;
	for (i = 0; api_outcomes[i] != NULL; i++)
		if (strcmp(v, api_outcomes[i]) == 0)
			return api_outcomes[i];
	return NULL;
}

/*
 * Parse the list's query: limit (1..200) and after (a cursor from the
 * last page, "urgent.call_from.id"). Returns 0, or -1 with *why set.
 */
static int
api_list_query(const struct evhttp_uri *uri, size_t *limit,
    struct store_cursor *after, int *has_after, const char **why)
{
	struct evkeyvalq	 q;
	const char		*v, *query;
	char			*end;
	long long		 u, cf, id;
	long			 l;
	int			 rc = 0;

	*limit = API_PAGE;
	*has_after = 0;
	query = uri != NULL ? evhttp_uri_get_query(uri) : NULL;
	if (query == NULL || *query == '\0')
		return 0;
	TAILQ_INIT(&q);
	if (evhttp_parse_query_str(query, &q) == -1) {
		*why = "malformed query";
		return -1;
	}
	v = evhttp_find_header(&q, "limit");
	if (v != NULL) {
		l = strtol(v, &end, 10);
		if (*v == '\0' || *end != '\0' || l < 1 || l > API_PAGE_MAX) {
			*why = "limit must be 1 to 200";
			rc = -1;
		} else
			*limit = (size_t)l;
	}
	v = evhttp_find_header(&q, "after");
	if (v != NULL && rc == 0) {
		if (sscanf(v, "%1lld.%18lld.%18lld", &u, &cf, &id) != 3 ||
		    (u != 0 && u != 1) || cf < 0 || id < 0) {
			*why = "after must be the \"next\" of a page";
			rc = -1;
		} else {
			after->urgent = (int)u;
			after->call_from = cf;
			after->id = id;
			*has_after = 1;
		}
	}
	evhttp_clear_headers(&q);
	return rc;
}

/* Split "/api/requests/REF/verb" into ref and verb (verb may be ""). */
static int
api_route(const char *path, char *ref, size_t reflen, const char **verb)
{
	const char	*p = path + strlen("/api/requests/"), *slash;
	size_t		 n;

	slash = strchr(p, '/');
	n = slash ? (size_t)(slash - p) : strlen(p);
	if (n == 0 || n >= reflen)
		return -1;
	memcpy(ref, p, n);
	ref[n] = '\0';
	*verb = slash ? slash + 1 : "";
	return strchr(*verb, '/') == NULL ? 0 : -1;
}

/* What an authenticated request carries to its store job. */
struct api_args {
	const char		*ref;
	const char		*outcome;
	const char		*to;		/* reassign */
	struct store_cursor	 after;		/* list */
	int			 has_after;
};

/* Queue the store job behind an authenticated request. */
static int
api_dispatch(struct api *a, struct api_wait *w, const struct api_args *g,
    const struct roster *r)
{
	int64_t	 now = hclock_now(a->clock);

	switch (w->action) {
	case API_LIST:
		return store_callback_list(a->store, g->has_after ? &g->after :
		    NULL, w->limit, api_list_cb, w);
	case API_GET:
		return store_callback_get(a->store, g->ref, api_one_cb, w);
	case API_CLAIM:
		return store_callback_claim(a->store, g->ref, w->who, now +
		    roster_claim_expiry(r), now, api_one_cb, w);
	case API_RELEASE:
		return store_callback_release(a->store, g->ref, w->who,
		    w->supervisor, now, api_one_cb, w);
	case API_REASSIGN:
		return store_callback_reassign(a->store, g->ref, w->who, g->to,
		    now, api_one_cb, w);
	case API_NO_ANSWER:
		/* Not before attempt_gap; the dispatcher waits on for her
		 * window if it is not open then. */
		return store_callback_attempt(a->store, g->ref, w->who,
		    w->attempts, now + roster_attempt_gap(r), now, api_one_cb,
		    w);
	case API_COMPLETE:
		return store_callback_complete(a->store, g->ref, w->who,
		    g->outcome, now, api_one_cb, w);
	case API_HISTORY:
		return store_callback_history(a->store, g->ref, api_history_cb,
		    w);
	}
	return -1;
}

/* Route and authenticate one API request. */
static void
api_request_cb(struct evhttp_request *req, void *arg)
{
	struct api			*a = arg;
	const struct roster		*r = (*a->confp)->roster;
	const struct roster_person	*p, *to;
	const struct evhttp_uri		*uri;
	struct api_wait			*w;
	struct api_args			 g;
	enum evhttp_cmd_type		 cmd = evhttp_request_get_command(req);
	const char			*path, *verb = "", *why = NULL;
	char				 ref[API_REF_MAX] = "", tobuf[64];
	size_t				 limit = 0;
	int				 action, want_post;

	memset(&g, 0, sizeof(g));
	uri = evhttp_request_get_evhttp_uri(req);
	path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	if (path == NULL)
		path = "/";
	if (strcmp(path, "/api/requests") == 0) {
		action = API_LIST;
		want_post = 0;
	} else if (strncmp(path, "/api/requests/", 14) == 0 &&
	    api_route(path, ref, sizeof(ref), &verb) == 0) {
		want_post = 1;
		if (*verb == '\0') {
			action = API_GET;
			want_post = 0;
		} else if (strcmp(verb, "history") == 0) {
			action = API_HISTORY;
			want_post = 0;
		} else if (strcmp(verb, "claim") == 0)
			action = API_CLAIM;
		else if (strcmp(verb, "release") == 0)
			action = API_RELEASE;
		else if (strcmp(verb, "complete") == 0)
			action = API_COMPLETE;
		else if (strcmp(verb, "reassign") == 0)
			action = API_REASSIGN;
		else {
			api_error(req, 404, "Not Found", "unknown path");
			return;
		}
	} else {
		api_error(req, 404, "Not Found", "unknown path");
		return;
	}
	p = api_auth(a, req);
	if (p == NULL) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "WWW-Authenticate", "Bearer");
		api_error(req, 401, "Unauthorized", "missing or wrong token");
		return;
	}
	if ((want_post && cmd != EVHTTP_REQ_POST) ||
	    (!want_post && cmd != EVHTTP_REQ_GET)) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", want_post ? "POST" : "GET");
		api_error(req, 405, "Method Not Allowed", "method not allowed");
		return;
	}
	g.ref = ref;
	if (action == API_LIST && api_list_query(uri, &limit, &g.after,
	    &g.has_after, &why) == -1) {
		api_error(req, 400, "Bad Request", why);
		return;
	}
	if (action == API_COMPLETE) {
		g.outcome = api_outcome(req);
		if (g.outcome == NULL) {
			api_error(req, 400, "Bad Request", "body must be "
			    "{\"outcome\": reached|no_answer|unsafe|"
			    "wrong_number}");
			return;
		}
		/* No answer: another attempt, not the end. */
		if (strcmp(g.outcome, "no_answer") == 0)
			action = API_NO_ANSWER;
	}
	if (action == API_REASSIGN) {
		if (!p->supervisor) {
			api_error(req, 403, "Forbidden", "only a supervisor "
			    "can reassign");
			return;
		}
		to = api_body_string(req, "to", tobuf, sizeof(tobuf)) == 0 ?
		    roster_find(r, tobuf) : NULL;
		if (to == NULL) {
			api_error(req, 400, "Bad Request", "body must be "
			    "{\"to\": the roster id of a counsellor or "
			    "supervisor}");
			return;
		}
		g.to = to->id;
	}
	w = calloc(1, sizeof(*w));
	if (w == NULL) {
		api_error(req, 500, "Internal Server Error", "out of memory");
		return;
	}
	w->a = a;
	w->req = req;
	w->evcon = evhttp_request_get_connection(req);
	w->action = action;
	w->supervisor = p->supervisor;
	w->now_minutes = roster_now_minutes(r);
	w->attempts = roster_call_attempts(r);
	w->limit = limit;
	snprintf(w->who, sizeof(w->who), "%s", p->id);
	if (api_dispatch(a, w, &g, r) == -1) {
		free(w);
		api_error(req, 503, "Service Unavailable", "store busy");
		return;
	}
	a->inflight++;
	evhttp_connection_set_closecb(w->evcon, api_wait_closed_cb, w);
}
