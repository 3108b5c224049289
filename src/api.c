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
#include <netinet/tcp.h>
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
#include "console.h"
#include "dispatch.h"
#include "log.h"
#include "notify.h"
#include "roster.h"
#include "signin.h"
#include "store.h"

#define API_MAX_BODY	16384	/* a Telegram update with its message */
#define API_REF_MAX	16
#define API_PAGE	50	/* requests listed per page */
#define API_PAGE_MAX	200
#define API_MOUNTS	4
#define API_OVERVIEW_MAX 500	/* requests the supervisors' overview reads */
#define API_PEOPLE	256
#define API_FAILING_SINCE 86400	/* alerts given up in the last day */

/* Someone else's paths on this listener (the Telegram webhook). */
struct api_mount {
	const char	*prefix;
	api_handler_cb	 cb;
	void		*arg;
};

struct api {
	struct event_base		*base;
	struct evhttp			*evh;
	struct evhttp_bound_socket	*bound;
	struct store			*store;
	struct dispatch			*dispatch;
	const struct hclock		*clock;
	struct conf *const		*confp;
	struct console			*console;	/* may be NULL */
	struct api_mount		 mounts[API_MOUNTS];
	size_t				 nmounts;
	api_claim_cb			 claimed;
	void				*claimed_arg;
	size_t				 inflight;
};

/* What a deferred request was. */
enum api_action {
	API_LIST, API_GET, API_CLAIM, API_RELEASE, API_COMPLETE, API_HISTORY,
	API_REASSIGN, API_NO_ANSWER, API_NOTE, API_OVERVIEW, API_ME
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
	json_t				*acc;		/* overview so far */
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
	int	 one;

	a->bound = evhttp_bind_socket_with_handle(a->evh, address,
	    (ev_uint16_t)port);
	if (a->bound == NULL) {
		if (asprintf(cause, "cannot listen on %s:%d for the counsellor "
		    "API", address, port) == -1)
			*cause = NULL;
		return -1;
	}
	/*
	 * The page's script is several TCP segments: without this, on a
	 * kept-alive connection, Nagle's algorithm holds its last one until
	 * the phone's delayed ACK, 40 ms a file. Linux passes the option on
	 * to the accepted sockets.
	 */
	one = 1;
	if (setsockopt(evhttp_bound_socket_get_fd(a->bound), IPPROTO_TCP,
	    TCP_NODELAY, &one, sizeof(one)) == -1)
		log_info("counsellor API: cannot set TCP_NODELAY");
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

/* Set the console whose cookies sign API requests in. */
void
api_set_console(struct api *a, struct console *c)
{
	a->console = c;
}

/* Give the paths under prefix to cb. */
int
api_mount(struct api *a, const char *prefix, api_handler_cb cb, void *arg)
{
	if (a->nmounts == API_MOUNTS)
		return -1;
	a->mounts[a->nmounts].prefix = prefix;
	a->mounts[a->nmounts].cb = cb;
	a->mounts[a->nmounts].arg = arg;
	a->nmounts++;
	return 0;
}

/* Be told of every claim won through the API. */
void
api_on_claim(struct api *a, api_claim_cb cb, void *arg)
{
	a->claimed = cb;
	a->claimed_arg = arg;
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

/* Send {"error": msg}. */
static void
api_error(struct evhttp_request *req, int code, const char *reason,
    const char *msg)
{
	console_json(req, code, reason, json_pack("{s:s}", "error", msg));
}

/* Add a string member when set. */
static void
api_set(json_t *o, const char *k, const char *v)
{
	if (v != NULL)
		json_object_set_new(o, k, json_string(v));
}

/*
 * The end of the safe window c can first be called in: call_from plus
 * now_minutes for "now", the end of the named window around call_from
 * otherwise; 0 for "any time" or an unknown window.
 */
static int64_t
api_window_end(const struct roster *r, const struct store_callback *c,
    int now_minutes)
{
	struct roster_window	 w[16];
	size_t			 n, i;
	int64_t			 local, d;

	if (c->window == NULL || c->call_from <= 0)
		return 0;
	if (strcmp(c->window, "now") == 0)
		return now_minutes > 0 ? c->call_from + now_minutes * 60 : 0;
	if (r == NULL)
		return 0;
	n = roster_windows(r, w, sizeof(w) / sizeof(w[0]));
	for (i = 0; i < n && i < sizeof(w) / sizeof(w[0]); i++) {
		if (strcmp(w[i].name, c->window) != 0)
			continue;
		local = (c->call_from + ROSTER_UTC_OFFSET) % 86400;
		d = ((int64_t)w[i].to * 60 - local) % 86400;
		if (d <= 0)
			d += 86400;
		return c->call_from + d;
	}
	return 0;
}

/*
 * A request as counsellors see it in lists: no number, no cover story.
 * now_minutes says what "now" means (0: not known).
 */
static json_t *
api_summary(const struct api *a, const struct store_callback *c,
    int now_minutes)
{
	const struct roster		*r = (*a->confp)->roster;
	const struct roster_person	*p;
	json_t				*o = json_object(), *w;
	int64_t				 end;

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
	if (c->claimed_by != NULL && r != NULL &&
	    (p = roster_find(r, c->claimed_by)) != NULL)
		api_set(o, "claimed_by_name", p->name);
	end = api_window_end(r, c, now_minutes);
	json_object_set_new(o, "past_window", json_boolean(c->state !=
	    STORE_COMPLETED && end > 0 && hclock_now(a->clock) > end));
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
api_call_details(const struct api *a, const struct store_callback *c,
    int now_minutes)
{
	json_t		*o, *call = json_object();
	const char	*number = NULL;

	o = api_summary(a, c, now_minutes);
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

	if (w->req == NULL && (rc != STORE_OK || w->action != API_CLAIM))
		goto out;
	if (rc == STORE_CONFLICT && c != NULL) {
		/* Who has it, so that she does not call too. */
		console_json(w->req, 409, "Conflict", json_pack("{s:s, s:o}",
		    "error", "claimed by someone else or already closed",
		    "request", api_summary(w->a, c, w->now_minutes)));
		goto out;
	}
	if (rc != STORE_OK) {
		api_store_error(w->req, rc);
		goto out;
	}
	mine = c->state == STORE_CLAIMED && c->claimed_by != NULL &&
	    strcmp(c->claimed_by, w->who) == 0;
	/* The number goes only to the counsellor who holds the claim. */
	if (w->req != NULL) {
		v = mine && w->action != API_RELEASE ? api_call_details(w->a, c,
		    w->now_minutes) : api_summary(w->a, c, w->now_minutes);
		console_json(w->req, 200, "OK", v);
	}
	if (w->action == API_CLAIM) {
		log_info("request %s: claimed by %s", c->ref, w->who);
		/* A claim won is a claim, even if she left: say so. */
		if (w->a->claimed != NULL)
			w->a->claimed(c->ref, w->who, w->a->claimed_arg);
	} else if (w->action == API_NOTE)
		log_info("request %s: note by %s", c->ref, w->who);
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
		json_array_append_new(arr, api_summary(w->a, &rows[i],
		    w->now_minutes));
	if (n > 0 && n == w->limit) {
		snprintf(cur, sizeof(cur), "%d.%lld.%lld", rows[n - 1].urgent,
		    (long long)rows[n - 1].call_from,
		    (long long)rows[n - 1].id);
		next = json_string(cur);
	}
	console_json(w->req, 200, "OK", json_pack("{s:o, s:I, s:o}", "requests",
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
	console_json(w->req, 200, "OK", json_pack("{s:o}", "history", arr));
out:
	api_wait_free(w);
}

/*
 * The counsellor behind the bearer token or, without one, behind the
 * console's session cookie (*ss is then her session), or NULL.
 */
static const struct roster_person *
api_auth(struct api *a, struct evhttp_request *req,
    const struct signin_session **ss)
{
	const char	*h;
	const struct roster *r = (*a->confp)->roster;

	*ss = NULL;
	if (r == NULL)
		return NULL;
	h = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization");
	/* The scheme's name is case-insensitive (RFC 7235). */
	if (h != NULL)
		return strncasecmp(h, "Bearer ", 7) == 0 ?
		    roster_by_token(r, h + 7) : NULL;
	if (a->console == NULL ||
	    (*ss = console_session(a->console, req)) == NULL)
		return NULL;
	return roster_find(r, (*ss)->id);
}

/* GET /api/me: who she is, her CSRF token, and what the console shows. */
static void
api_me(struct api *a, struct evhttp_request *req,
    const struct roster_person *p, const struct signin_session *ss)
{
	const struct roster	*r = (*a->confp)->roster;
	struct roster_window	 win[16];
	json_t			*o, *arr;
	char			 from[24], to[24];
	size_t			 n, i;

	arr = json_array();
	n = roster_windows(r, win, sizeof(win) / sizeof(win[0]));
	for (i = 0; arr != NULL && i < n && i < sizeof(win) / sizeof(win[0]);
	    i++) {
		snprintf(from, sizeof(from), "%02d:%02d", win[i].from / 60,
		    win[i].from % 60);
		snprintf(to, sizeof(to), "%02d:%02d", win[i].to / 60,
		    win[i].to % 60);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "name",
		    win[i].name, "from", from, "to", to));
	}
	o = json_pack("{s:s, s:s, s:b, s:I, s:i, s:i, s:o}", "id", p->id,
	    "name", p->name, "supervisor", p->supervisor, "now",
	    (json_int_t)hclock_now(a->clock), "now_minutes",
	    roster_now_minutes(r), "idle", (*a->confp)->console_idle,
	    "windows", arr != NULL ? arr : json_array());
	if (o != NULL && ss != NULL)
		json_object_set_new(o, "csrf", json_string(ss->csrf));
	console_json(req, 200, "OK", o);
}

/* The roster part of the supervisors' overview: on duty, everyone. */
static json_t *
api_people(const struct api *a)
{
	const struct roster		*r = (*a->confp)->roster;
	const struct roster_person	*pp[API_PEOPLE];
	json_t				*duty, *all;
	size_t				 n, i;

	duty = json_array();
	all = json_array();
	n = roster_on_duty(r, (time_t)hclock_now(a->clock), pp, API_PEOPLE);
	for (i = 0; duty != NULL && i < n && i < API_PEOPLE; i++)
		json_array_append_new(duty, json_pack("{s:s, s:s}", "id",
		    pp[i]->id, "name", pp[i]->name));
	n = roster_people(r, pp, API_PEOPLE);
	for (i = 0; all != NULL && i < n && i < API_PEOPLE; i++)
		json_array_append_new(all, json_pack("{s:s, s:s, s:b}", "id",
		    pp[i]->id, "name", pp[i]->name, "supervisor",
		    pp[i]->supervisor));
	return json_pack("{s:o, s:o}", "on_duty", duty != NULL ? duty :
	    json_array(), "people", all != NULL ? all : json_array());
}

/* The overview's last part: alerts that are failing. */
static void
api_failing_cb(enum store_rc rc, const struct store_failing *f, size_t n,
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
		o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:b, s:I}", "ref",
		    f[i].ref, "recipient", f[i].recipient, "transport",
		    f[i].transport, "kind", f[i].kind, "attempts",
		    f[i].attempts, "gave_up", f[i].gave_up, "at",
		    (json_int_t)f[i].at);
		if (o != NULL && f[i].error != NULL)
			json_object_set_new(o, "error",
			    json_string(f[i].error));
		json_array_append_new(arr, o);
	}
	json_object_set_new(w->acc, "failing_alerts", arr);
	console_json(w->req, 200, "OK", json_incref(w->acc));
out:
	json_decref(w->acc);
	api_wait_free(w);
}

/* The overview's requests: open claims, past their window, escalated. */
static void
api_overview_cb(enum store_rc rc, const struct store_callback *rows,
    size_t n, size_t total, void *arg)
{
	struct api_wait	*w = arg;
	json_t		*claims, *past, *esc, *o;
	size_t		 i;
	int64_t		 end, now = hclock_now(w->a->clock);

	if (w->req == NULL || rc != STORE_OK) {
		if (w->req != NULL)
			api_store_error(w->req, rc);
		json_decref(w->acc);
		api_wait_free(w);
		return;
	}
	claims = json_array();
	past = json_array();
	esc = json_array();
	for (i = 0; i < n; i++) {
		if (rows[i].state == STORE_CLAIMED)
			json_array_append_new(claims, api_summary(w->a,
			    &rows[i], w->now_minutes));
		end = api_window_end((*w->a->confp)->roster, &rows[i],
		    w->now_minutes);
		if (end > 0 && now > end)
			json_array_append_new(past, api_summary(w->a, &rows[i],
			    w->now_minutes));
		if (rows[i].rounds > 1 || rows[i].failures > 0 ||
		    (rows[i].reason != NULL &&
		    strcmp(rows[i].reason, "unreached") == 0))
			json_array_append_new(esc, api_summary(w->a, &rows[i],
			    w->now_minutes));
	}
	o = w->acc;
	json_object_set_new(o, "claims", claims);
	json_object_set_new(o, "past_window", past);
	json_object_set_new(o, "escalations", esc);
	json_object_set_new(o, "open", json_integer((json_int_t)total));
	if (store_outbox_failing(w->a->store, now - API_FAILING_SINCE, 100,
	    api_failing_cb, w) == -1) {
		api_error(w->req, 503, "Service Unavailable", "store busy");
		json_decref(w->acc);
		api_wait_free(w);
	}
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
    enum store_view *view, struct store_cursor *after, int *has_after,
    const char **why)
{
	struct evkeyvalq	 q;
	const char		*v, *query;
	char			*end;
	long long		 u, cf, id;
	long			 l;
	int			 rc = 0;

	*limit = API_PAGE;
	*view = STORE_VIEW_ALL;
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
	v = evhttp_find_header(&q, "view");
	if (v != NULL && rc == 0) {
		if (strcmp(v, "all") == 0)
			*view = STORE_VIEW_ALL;
		else if (strcmp(v, "mine") == 0)
			*view = STORE_VIEW_MINE;
		else if (strcmp(v, "unassigned") == 0)
			*view = STORE_VIEW_UNASSIGNED;
		else if (strcmp(v, "claimed") == 0)
			*view = STORE_VIEW_CLAIMED;
		else {
			*why = "view must be all, mine, unassigned or claimed";
			rc = -1;
		}
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
	const char		*note;		/* note */
	enum store_view		 view;		/* list */
	struct store_cursor	 after;
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
		return store_callback_view(a->store, g->view, w->who,
		    g->has_after ? &g->after : NULL, w->limit, api_list_cb, w);
	case API_OVERVIEW:
		if ((w->acc = api_people(a)) == NULL)
			return -1;
		if (store_callback_view(a->store, STORE_VIEW_ALL, NULL, NULL,
		    API_OVERVIEW_MAX, api_overview_cb, w) == -1) {
			json_decref(w->acc);
			return -1;
		}
		return 0;
	case API_NOTE:
		return store_callback_note(a->store, g->ref, w->who, g->note,
		    now, api_one_cb, w);
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
	case API_ME:		/* answered at once, from the roster */
		break;
	}
	return -1;
}

/*
 * Read {"note": "..."} from the body into buf: 1 to STORE_NOTE_MAX bytes
 * of text, new lines allowed, no other control characters. NULL with *why
 * set otherwise.
 */
static const char *
api_note(struct evhttp_request *req, char *buf, size_t len, const char **why)
{
	const unsigned char	*p;

	*why = "body must be {\"note\": 1 to 280 bytes of text}";
	if (api_body_string(req, "note", buf, len) == -1 || *buf == '\0' ||
	    strlen(buf) > STORE_NOTE_MAX)
		return NULL;
	for (p = (const unsigned char *)buf; *p != '\0'; p++)
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f) {
			*why = "a note may not hold control characters";
			return NULL;
		}
	return buf;
}

/* Which action a path and verb name, and whether it must be a POST. */
static int
api_action(const char *path, char *ref, size_t reflen, int *want_post)
{
	const char	*verb;

	*want_post = 0;
	if (strcmp(path, "/api/requests") == 0)
		return API_LIST;
	if (strcmp(path, "/api/overview") == 0)
		return API_OVERVIEW;
	if (strcmp(path, "/api/me") == 0)
		return API_ME;
	if (strncmp(path, "/api/requests/", 14) != 0 ||
	    api_route(path, ref, reflen, &verb) == -1)
		return -1;
	if (*verb == '\0')
		return API_GET;
	if (strcmp(verb, "history") == 0)
		return API_HISTORY;
	*want_post = 1;
	if (strcmp(verb, "claim") == 0)
		return API_CLAIM;
	if (strcmp(verb, "release") == 0)
		return API_RELEASE;
	if (strcmp(verb, "complete") == 0)
		return API_COMPLETE;
	if (strcmp(verb, "reassign") == 0)
		return API_REASSIGN;
	if (strcmp(verb, "note") == 0)
		return API_NOTE;
	return -1;
}

/* Route and authenticate one API request. */
static void
api_request_cb(struct evhttp_request *req, void *arg)
{
	struct api			*a = arg;
	const struct roster		*r = (*a->confp)->roster;
	const struct roster_person	*p, *to;
	const struct signin_session	*ss;
	const struct evhttp_uri		*uri;
	struct api_wait			*w;
	struct api_args			 g;
	enum evhttp_cmd_type		 cmd = evhttp_request_get_command(req);
	const char			*path, *why = NULL;
	char				 ref[API_REF_MAX] = "", tobuf[64];
	char				 note[STORE_NOTE_MAX + 2];
	size_t				 limit = 0, i;
	int				 action, want_post;

	memset(&g, 0, sizeof(g));
	uri = evhttp_request_get_evhttp_uri(req);
	path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	if (path == NULL)
		path = "/";
	for (i = 0; i < a->nmounts; i++)
		if (strncmp(path, a->mounts[i].prefix,
		    strlen(a->mounts[i].prefix)) == 0) {
			a->mounts[i].cb(req, a->mounts[i].arg);
			return;
		}
	if (strncmp(path, "/api/", 5) != 0 && a->console != NULL &&
	    console_serve(a->console, req))
		return;
	action = api_action(path, ref, sizeof(ref), &want_post);
	if (action == -1) {
		api_error(req, 404, "Not Found", "unknown path");
		return;
	}
	p = api_auth(a, req, &ss);
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
	/* A cookie comes with every request the browser makes: a change
	 * needs the token only the console's own page can read. */
	if (want_post && ss != NULL && !signin_csrf_ok(ss, evhttp_find_header(
	    evhttp_request_get_input_headers(req), "X-CSRF-Token"))) {
		log_info("console: %s: a change without the CSRF token refused",
		    p->id);
		api_error(req, 403, "Forbidden", "missing or wrong CSRF token");
		return;
	}
	if (action == API_ME) {
		api_me(a, req, p, ss);
		return;
	}
	g.ref = ref;
	if (action == API_LIST && api_list_query(uri, &limit, &g.view,
	    &g.after, &g.has_after, &why) == -1) {
		api_error(req, 400, "Bad Request", why);
		return;
	}
	if (action == API_OVERVIEW && !p->supervisor) {
		api_error(req, 403, "Forbidden", "only a supervisor sees the "
		    "overview");
		return;
	}
	if (action == API_NOTE &&
	    (g.note = api_note(req, note, sizeof(note), &why)) == NULL) {
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
	w->limit = action == API_OVERVIEW ? API_OVERVIEW_MAX : limit;
	snprintf(w->who, sizeof(w->who), "%s", p->id);
	if (api_dispatch(a, w, &g, r) == -1) {
		free(w);
		api_error(req, 503, "Service Unavailable", "store busy");
		return;
	}
	a->inflight++;
	evhttp_connection_set_closecb(w->evcon, api_wait_closed_cb, w);
}
