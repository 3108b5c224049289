/* SPDX-License-Identifier: ISC */
/*
 * api: the counsellor API under /api/ on the front end of its listener.
 * Routing its paths, bearer-token and cookie checks against the roster,
 * the CSRF check, reading JSON bodies and queries, and replies deferred
 * until the store job behind them is durable (and dropped if the client
 * went away). What an answer holds is api_view.c's. Phone numbers leave
 * only in the answer to a successful claim; logs carry case references
 * and roster ids.
 */
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <sodium.h>

#include "api.h"
#include "api_view.h"
#include "clock.h"
#include "conf.h"
#include "console.h"
#include "dispatch.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "phone.h"
#include "roster.h"
#include "signin.h"
#include "store.h"

#define API_REF_MAX	16
#define API_PAGE	50	/* requests listed per page */
#define API_PAGE_MAX	200
#define API_OVERVIEW_MAX 500	/* requests the supervisors' overview reads */
#define API_FAILING_SINCE 86400	/* alerts given up in the last day */

struct api {
	struct http			*http;	/* NULL until mounted */
	struct store			*store;
	struct dispatch			*dispatch;
	const struct hclock		*clock;
	struct conf *const		*confp;
	struct console			*console;	/* may be NULL */
	api_claim_cb			 claimed;
	void				*claimed_arg;
	api_forgetting_cb		 forgetting;
	void				*forgetting_arg;
	struct metrics			*metrics;	/* or NULL */
};

/* What a deferred request was. */
enum api_action {
	API_LIST, API_GET, API_CLAIM, API_RELEASE, API_COMPLETE, API_HISTORY,
	API_REASSIGN, API_NO_ANSWER, API_NOTE, API_OVERVIEW, API_ME,
	API_FORGET
};

/* A request waiting for the store. */
struct api_wait {
	struct api			*a;
	struct http_defer		*defer;	/* its request */
	enum api_action			 action;
	char				 who[64];
	int				 supervisor;
	int				 now_minutes;	/* for the view */
	int				 attempts;	/* no answer: max */
	size_t				 limit;		/* list: page size */
	json_t				*acc;		/* overview so far */
};

/* The paths of the API, then the verbs after /api/requests/REF. */
static const struct api_name {
	const char	*name;
	enum api_action	 action;
	int		 post;		/* a change: POST only */
} api_paths[] = {
	{ "/api/requests",	API_LIST,	0 },
	{ "/api/overview",	API_OVERVIEW,	0 },
	{ "/api/me",		API_ME,		0 },
	{ "/api/forget",	API_FORGET,	1 },
}, api_verbs[] = {
	{ "",			API_GET,	0 },
	{ "history",		API_HISTORY,	0 },
	{ "claim",		API_CLAIM,	1 },
	{ "release",		API_RELEASE,	1 },
	{ "complete",		API_COMPLETE,	1 },
	{ "reassign",		API_REASSIGN,	1 },
	{ "note",		API_NOTE,	1 },
};

static const char *api_outcomes[] = {
	"reached", "no_answer", "unsafe", "wrong_number", NULL
};

static void	api_request_cb(struct evhttp_request *, void *);

/* Create the API; it serves nothing before api_mount. */
struct api *
api_new(struct store *st, struct dispatch *d, struct console *console,
    const struct hclock *clock, struct conf *const *confp)
{
	struct api	*a;

	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return NULL;
	a->store = st;
	a->dispatch = d;
	a->console = console;
	a->clock = clock;
	a->confp = confp;
	return a;
}

/* A request over its address's rate, on any path of the listener. */
static void
api_limited_cb(struct evhttp_request *req, int retry, void *arg)
{
	char	 s[16];

	(void)arg;
	snprintf(s, sizeof(s), "%d", retry);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Retry-After", s);
	console_error(req, 429, "Too Many Requests", "too many requests, "
	    "try again later");
}

/* Take the paths under /api/ of h, and its answer to a flood. */
int
api_mount(struct api *a, struct http *h)
{
	a->http = h;
	http_on_limited(h, api_limited_cb, a);
	return http_mount(h, "/api/", api_request_cb, a);
}

/* Count claims and completions into m. */
void
api_set_metrics(struct api *a, struct metrics *m)
{
	a->metrics = m;
}

/* Be told of every claim won through the API. */
void
api_on_claim(struct api *a, api_claim_cb cb, void *arg)
{
	a->claimed = cb;
	a->claimed_arg = arg;
}

/* Be told of every number about to be forgotten. */
void
api_on_forget(struct api *a, api_forgetting_cb cb, void *arg)
{
	a->forgetting = cb;
	a->forgetting_arg = arg;
}

/* Free the API; its front end goes first. */
void
api_free(struct api *a)
{
	free(a);
}

/* A request as lists show it, with the roster of the moment. */
static json_t *
api_summary(const struct api *a, const struct store_callback *c,
    int now_minutes)
{
	return api_view_summary(conf_roster(*a->confp), a->clock, c,
	    now_minutes);
}

/* Finish a deferred request's bookkeeping. */
static void
api_wait_free(struct api_wait *w)
{
	http_done(w->defer);
	free(w);
}

/* Answer for a store result code other than OK. */
static void
api_store_error(struct evhttp_request *req, enum store_rc rc)
{
	if (rc == STORE_NOTFOUND)
		console_error(req, 404, "Not Found", "no such request");
	else if (rc == STORE_CONFLICT)
		console_error(req, 409, "Conflict", "claimed by someone "
		    "else or already closed");
	else
		console_error(req, 500, "Internal Server Error",
		    "store failure");
}

/*
 * The request a store answer is for when its client still waits and the
 * store said OK. Otherwise the failure is answered (if she waits) and
 * NULL returned.
 */
static struct evhttp_request *
api_wait_ok(struct api_wait *w, enum store_rc rc)
{
	struct evhttp_request	*req = http_defer_req(w->defer);

	if (req != NULL && rc != STORE_OK) {
		api_store_error(req, rc);
		return NULL;
	}
	return req;
}

/* Log what a change did and tell whoever must know. */
static void
api_changed(struct api_wait *w, const struct store_callback *c)
{
	struct api	*a = w->a;

	if (w->action == API_CLAIM) {
		log_info("request %s: claimed by %s", c->ref, w->who);
		metrics_count(a->metrics, METRICS_CB_CLAIMED);
		/* A claim won is a claim, even if she left: say so. */
		if (a->claimed != NULL)
			a->claimed(c->ref, w->who, a->claimed_arg);
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
		if (a->dispatch != NULL)
			dispatch_kick(a->dispatch);
	} else if (w->action == API_COMPLETE) {
		log_info("request %s: completed by %s (%s)", c->ref, w->who,
		    c->outcome ? c->outcome : "-");
		metrics_count(a->metrics, METRICS_CB_COMPLETED);
	}
}

/* One request's result (get, claim, release, complete). */
static void
api_one_cb(enum store_rc rc, const struct store_callback *c, void *arg)
{
	struct api_wait		*w = arg;
	struct evhttp_request	*req = http_defer_req(w->defer);
	const struct roster	*r = conf_roster(*w->a->confp);
	json_t			*v;
	int			 mine;

	if (req == NULL && (rc != STORE_OK || w->action != API_CLAIM))
		goto out;
	if (rc == STORE_CONFLICT && c != NULL) {
		/* Who has it, so that she does not call too. */
		console_json(req, 409, "Conflict", json_pack("{s:s, s:o}",
		    "error", "claimed by someone else or already closed",
		    "request", api_summary(w->a, c, w->now_minutes)));
		goto out;
	}
	if (rc != STORE_OK) {
		api_store_error(req, rc);
		goto out;
	}
	mine = c->state == STORE_CLAIMED && c->claimed_by != NULL &&
	    strcmp(c->claimed_by, w->who) == 0;
	/* The number goes only to the counsellor who holds the claim. */
	if (req != NULL) {
		v = mine && w->action != API_RELEASE ? api_view_call(r,
		    w->a->clock, c, w->now_minutes) : api_summary(w->a, c,
		    w->now_minutes);
		console_json(req, 200, "OK", v);
	}
	api_changed(w, c);
out:
	api_wait_free(w);
}

/* A page of the queue, with the cursor of the next one. */
static void
api_list_cb(enum store_rc rc, const struct store_callback *rows, size_t n,
    size_t total, void *arg)
{
	struct api_wait		*w = arg;
	struct evhttp_request	*req = api_wait_ok(w, rc);
	json_t			*arr, *next = NULL;
	char			 cur[64];
	size_t			 i;

	if (req == NULL)
		goto out;
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
	console_json(req, 200, "OK", json_pack("{s:o, s:I, s:o}", "requests",
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
	struct api_wait		*w = arg;
	struct evhttp_request	*req = api_wait_ok(w, rc);

	if (req != NULL)
		console_json(req, 200, "OK", api_view_history(ev, n));
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
	const struct roster *r = conf_roster(*a->confp);

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
	const struct conf	*c = *a->confp;

	console_json(req, 200, "OK", api_view_me(conf_roster(c), a->clock, p,
	    conf_console(c)->idle, ss != NULL ? ss->csrf : NULL));
}

/* The overview's last part: alerts that are failing. */
static void
api_failing_cb(enum store_rc rc, const struct store_failing *f, size_t n,
    void *arg)
{
	struct api_wait		*w = arg;
	struct evhttp_request	*req = api_wait_ok(w, rc);

	if (req != NULL) {
		json_object_set_new(w->acc, "failing_alerts",
		    api_view_failing(f, n));
		console_json(req, 200, "OK", json_incref(w->acc));
	}
	json_decref(w->acc);
	api_wait_free(w);
}

/* The overview's requests: open claims, past their window, escalated. */
static void
api_overview_cb(enum store_rc rc, const struct store_callback *rows,
    size_t n, size_t total, void *arg)
{
	struct api_wait		*w = arg;
	struct evhttp_request	*req = api_wait_ok(w, rc);
	json_t			*claims, *past, *esc, *o;
	size_t			 i;
	int64_t			 end, now = hclock_now(w->a->clock);

	if (req == NULL) {
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
		end = api_view_window_end(conf_roster(*w->a->confp), &rows[i],
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
		console_error(req, 503, "Service Unavailable", "store busy");
		json_decref(w->acc);
		api_wait_free(w);
	}
}

/* Read {"outcome": "..."} from the body; NULL if absent or unknown. */
static const char *
api_outcome(struct evhttp_request *req)
{
	char	 v[32];
	size_t	 i;

	if (console_body_string(req, "outcome", v, sizeof(v)) == -1)
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
	char			 ref[API_REF_MAX];
	const char		*outcome;
	const char		*to;		/* reassign */
	const char		*note;		/* note, in notebuf */
	char			 phone[32];	/* forget: normalised, or "" */
	char			 notebuf[STORE_NOTE_MAX + 2];
	size_t			 limit;		/* list */
	enum store_view		 view;
	struct store_cursor	 after;
	int			 has_after;
};

/*
 * Read a forget's body (api.h); the copy of the body and the number typed
 * are wiped.
 */
int
api_forget_parse(struct evbuffer *in, char *phone, size_t phonelen,
    char *refbuf, size_t reflen, const char **why)
{
	json_error_t	 err;
	json_t		*o, *ph, *ref;
	const char	*v;
	int		 rc = -1;
	size_t		 i;

	*why = "body must be {\"phone\": a number} or {\"ref\": a case "
	    "reference}";
	o = json_loadb((const char *)evbuffer_pullup(in, -1),
	    evbuffer_get_length(in), 0, &err);
	ph = json_object_get(o, "phone");
	ref = json_object_get(o, "ref");
	if (!json_is_object(o) || (ph == NULL) == (ref == NULL))
		goto out;
	if (ph != NULL) {
		v = json_string_value(ph);
		if (v == NULL || phone_stored(v, phone, phonelen) == -1) {
			*why = "\"phone\" is not a phone number";
			goto out;
		}
	} else {
		v = json_string_value(ref);
		if (v == NULL || *v == '\0' || strlen(v) >= reflen) {
			*why = "\"ref\" is not a case reference";
			goto out;
		}
		for (i = 0; v[i] != '\0'; i++)
			if ((v[i] < 'A' || v[i] > 'Z') &&
			    (v[i] < '0' || v[i] > '9')) {
				*why = "\"ref\" is not a case reference";
				goto out;
			}
		snprintf(refbuf, reflen, "%s", v);
	}
	rc = 0;
out:
	if (ph != NULL && json_is_string(ph))
		sodium_memzero((char *)json_string_value(ph),
		    json_string_length(ph));
	json_decref(o);
	/* Nothing reads the body after this: wipe the number in it. */
	sodium_memzero(evbuffer_pullup(in, -1), evbuffer_get_length(in));
	return rc;
}

/* What a forget removed, as the supervisor is told (never the number). */
static void
api_forget_cb(enum store_rc rc, const struct store_purged *n, void *arg)
{
	struct api_wait		*w = arg;
	struct evhttp_request	*req = http_defer_req(w->defer);

	if (rc == STORE_OK)
		log_info("forget by %s: %zu requests, %zu history events, "
		    "%zu alerts, %zu texts, %zu marks, %zu opt-outs, "
		    "%zu safe numbers", w->who, n->requests, n->events,
		    n->alerts, n->texts, n->marks, n->optouts,
		    n->safe_numbers);
	if (req == NULL)
		goto out;
	if (rc == STORE_NOTFOUND) {
		console_error(req, 404, "Not Found", "nothing of that number "
		    "or reference is kept");
		goto out;
	}
	if (rc != STORE_OK) {
		api_store_error(req, rc);
		goto out;
	}
	console_json(req, 200, "OK", json_pack("{s:I, s:I, s:I, s:I, s:I, "
	    "s:I, s:I}", "requests", (json_int_t)n->requests, "events",
	    (json_int_t)n->events, "alerts", (json_int_t)n->alerts, "texts",
	    (json_int_t)n->texts, "marks", (json_int_t)n->marks, "optouts",
	    (json_int_t)n->optouts, "safe_numbers",
	    (json_int_t)n->safe_numbers));
out:
	api_wait_free(w);
}

/*
 * Forget phone: first what the daemon holds of it in memory, then (so
 * that what those sessions queued goes too) the store's rows.
 */
static int
api_forget_phone(struct api_wait *w, const char *phone)
{
	struct api	*a = w->a;

	if (a->forgetting != NULL)
		a->forgetting(phone, a->forgetting_arg);
	return store_forget(a->store, phone, NULL, api_forget_cb, w);
}

/* The request named by reference: forget its number. */
static void
api_forget_ref_cb(enum store_rc rc, const struct store_callback *c,
    void *arg)
{
	struct api_wait		*w = arg;
	struct evhttp_request	*req;

	if (rc == STORE_OK && c != NULL && c->phone != NULL &&
	    api_forget_phone(w, c->phone) == 0)
		return;
	req = http_defer_req(w->defer);
	if (req != NULL && rc == STORE_NOTFOUND)
		console_error(req, 404, "Not Found", "nothing of that number "
		    "or reference is kept");
	else if (req != NULL && rc != STORE_OK)
		api_store_error(req, rc);
	else if (req != NULL)
		console_error(req, 503, "Service Unavailable", "store busy");
	api_wait_free(w);
}

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
		w->acc = api_view_people(conf_roster(*a->confp), a->clock);
		if (w->acc == NULL)
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
	case API_FORGET:
		if (g->phone[0] != '\0')
			return api_forget_phone(w, g->phone);
		return store_callback_get(a->store, g->ref, api_forget_ref_cb,
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
	if (console_body_string(req, "note", buf, len) == -1 || *buf == '\0' ||
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
	size_t		 i;

	*want_post = 0;
	for (i = 0; i < sizeof(api_paths) / sizeof(api_paths[0]); i++)
		if (strcmp(path, api_paths[i].name) == 0) {
			*want_post = api_paths[i].post;
			return api_paths[i].action;
		}
	if (strncmp(path, "/api/requests/", 14) != 0 ||
	    api_route(path, ref, reflen, &verb) == -1)
		return -1;
	for (i = 0; i < sizeof(api_verbs) / sizeof(api_verbs[0]); i++)
		if (strcmp(verb, api_verbs[i].name) == 0) {
			*want_post = api_verbs[i].post;
			return api_verbs[i].action;
		}
	return -1;
}

/*
 * Read what an authenticated request for action by p carries into g; the
 * action may become API_NO_ANSWER. Returns 0, or -1 once refused.
 */
static int
api_args_read(struct api *a, struct evhttp_request *req,
    const struct roster_person *p, int *action, struct api_args *g)
{
	const struct roster_person	*to;
	const char			*why = NULL;
	char				 tobuf[64];

	if (*action == API_LIST && api_list_query(
	    evhttp_request_get_evhttp_uri(req), &g->limit, &g->view,
	    &g->after, &g->has_after, &why) == -1) {
		console_error(req, 400, "Bad Request", why);
		return -1;
	}
	if (*action == API_OVERVIEW && !p->supervisor) {
		console_error(req, 403, "Forbidden", "only a supervisor sees "
		    "the overview");
		return -1;
	}
	if (*action == API_FORGET) {
		if (!p->supervisor) {
			console_error(req, 403, "Forbidden", "only a "
			    "supervisor can forget a number");
			return -1;
		}
		if (api_forget_parse(evhttp_request_get_input_buffer(req),
		    g->phone, sizeof(g->phone), g->ref, sizeof(g->ref),
		    &why) == -1) {
			console_error(req, 400, "Bad Request", why);
			return -1;
		}
	}
	if (*action == API_NOTE && (g->note = api_note(req, g->notebuf,
	    sizeof(g->notebuf), &why)) == NULL) {
		console_error(req, 400, "Bad Request", why);
		return -1;
	}
	if (*action == API_COMPLETE) {
		g->outcome = api_outcome(req);
		if (g->outcome == NULL) {
			console_error(req, 400, "Bad Request", "body must be "
			    "{\"outcome\": reached|no_answer|unsafe|"
			    "wrong_number}");
			return -1;
		}
		/* No answer: another attempt, not the end. */
		if (strcmp(g->outcome, "no_answer") == 0)
			*action = API_NO_ANSWER;
	}
	if (*action == API_REASSIGN) {
		if (!p->supervisor) {
			console_error(req, 403, "Forbidden", "only a "
			    "supervisor can reassign");
			return -1;
		}
		to = console_body_string(req, "to", tobuf, sizeof(tobuf)) == 0 ?
		    roster_find(conf_roster(*a->confp), tobuf) : NULL;
		if (to == NULL) {
			console_error(req, 400, "Bad Request", "body must be "
			    "{\"to\": the roster id of a counsellor or "
			    "supervisor}");
			return -1;
		}
		g->to = to->id;
	}
	return 0;
}

/*
 * Who sends req, if anyone may: the counsellor of its token or cookie,
 * when the method is the one action takes and a change by cookie carries
 * the CSRF token. NULL once refused (401, 405, 403).
 */
static const struct roster_person *
api_allowed(struct api *a, struct evhttp_request *req, int want_post,
    const struct signin_session **ss)
{
	const struct roster_person	*p;
	enum evhttp_cmd_type		 cmd = evhttp_request_get_command(req);

	p = api_auth(a, req, ss);
	if (p == NULL) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "WWW-Authenticate", "Bearer");
		console_error(req, 401, "Unauthorized", "missing or wrong "
		    "token");
		return NULL;
	}
	if ((want_post && cmd != EVHTTP_REQ_POST) ||
	    (!want_post && cmd != EVHTTP_REQ_GET)) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", want_post ? "POST" : "GET");
		console_error(req, 405, "Method Not Allowed", "method not "
		    "allowed");
		return NULL;
	}
	/* A cookie comes with every request the browser makes: a change
	 * needs the token only the console's own page can read. */
	if (want_post && *ss != NULL && !signin_csrf_ok(*ss,
	    evhttp_find_header(evhttp_request_get_input_headers(req),
	    "X-CSRF-Token"))) {
		log_info("console: %s: a change without the CSRF token refused",
		    p->id);
		console_error(req, 403, "Forbidden", "missing or wrong CSRF "
		    "token");
		return NULL;
	}
	return p;
}

/* Route, authenticate and queue one API request. */
static void
api_request_cb(struct evhttp_request *req, void *arg)
{
	struct api			*a = arg;
	const struct roster		*r = conf_roster(*a->confp);
	const struct roster_person	*p;
	const struct signin_session	*ss = NULL;
	struct api_wait			*w;
	struct api_args			 g;
	int				 action, want_post;

	memset(&g, 0, sizeof(g));
	action = api_action(http_path(req), g.ref, sizeof(g.ref), &want_post);
	if (action == -1) {
		console_error(req, 404, "Not Found", "unknown path");
		return;
	}
	if ((p = api_allowed(a, req, want_post, &ss)) == NULL)
		return;
	if (action == API_ME) {
		api_me(a, req, p, ss);
		return;
	}
	if (api_args_read(a, req, p, &action, &g) == -1)
		return;
	w = calloc(1, sizeof(*w));
	if (w != NULL)
		w->defer = http_defer(a->http, req, NULL, NULL);
	if (w == NULL || w->defer == NULL) {
		free(w);
		console_error(req, 500, "Internal Server Error",
		    "out of memory");
		return;
	}
	w->a = a;
	w->action = action;
	w->supervisor = p->supervisor;
	w->now_minutes = roster_now_minutes(r);
	w->attempts = roster_call_attempts(r);
	w->limit = action == API_OVERVIEW ? API_OVERVIEW_MAX : g.limit;
	snprintf(w->who, sizeof(w->who), "%s", p->id);
	if (api_dispatch(a, w, &g, r) == -1) {
		api_wait_free(w);
		console_error(req, 503, "Service Unavailable", "store busy");
	}
	sodium_memzero(g.phone, sizeof(g.phone));
}
