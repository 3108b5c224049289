/* SPDX-License-Identifier: ISC */
/*
 * health: the probes behind GET /healthz and GET /metrics. Each request
 * is deferred while one store job runs on the writer thread (a meta write
 * for /healthz, the counts of waiting work for /metrics) and answered when
 * it completes or when HEALTH_TIMEOUT runs out, whichever comes first; a
 * probe lives until its store job completes. It never touches SQLite or
 * reads another module's fields: the daemon's fill callback does that.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <sodium.h>

#include "clock.h"
#include "conf.h"
#include "config.h"
#include "console.h"
#include "health.h"
#include "http.h"
#include "lease.h"
#include "log.h"
#include "metrics.h"
#include "roster.h"
#include "store.h"

#define HEALTH_TIMEOUT	3		/* seconds a probe waits */
#define HEALTH_KEY	"state.healthz"	/* the meta row /healthz writes */

struct health {
	struct event_base	*base;
	struct http		*http;	/* NULL until mounted */
	struct store		*store;
	struct metrics		*metrics;
	const struct hclock	*clock;
	struct conf *const	*confp;
	health_fill_cb		 fill;
	void			*fill_arg;
	const struct lease	*lease;		/* NULL: none followed */
	struct timespec		 started;	/* monotonic */
};

/* What a probe answers. */
enum health_kind {
	HEALTH_HEALTHZ,
	HEALTH_METRICS
};

/* A request waiting for its store job. */
struct health_probe {
	struct health		*hl;
	enum health_kind	 kind;
	struct http_defer	*defer;	/* NULL once answered or gone */
	struct event		*timer;
	int			 detail;	/* a supervisor asks */
	long long		 since;		/* ms, monotonic */
};

/* Milliseconds on a monotonic clock. */
static long long
health_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void	health_request_cb(struct evhttp_request *, void *);

/* Make the front of the probes. */
struct health *
health_new(struct event_base *base, struct store *st, struct metrics *m,
    const struct hclock *clock, struct conf *const *confp,
    health_fill_cb fill, void *arg)
{
	struct health	*hl;

	hl = calloc(1, sizeof(*hl));
	if (hl == NULL)
		return NULL;
	hl->base = base;
	hl->store = st;
	hl->metrics = m;
	hl->clock = clock;
	hl->confp = confp;
	hl->fill = fill;
	hl->fill_arg = arg;
	clock_gettime(CLOCK_MONOTONIC, &hl->started);
	return hl;
}

/* Mount the two paths. */
int
health_mount(struct health *hl, struct http *h)
{
	hl->http = h;
	if (http_mount(h, "/healthz", health_request_cb, hl) == -1 ||
	    http_mount(h, "/metrics", health_request_cb, hl) == -1)
		return -1;
	return 0;
}

/* Free the front; see health.h for the probes. */
void
health_free(struct health *hl)
{
	free(hl);
}

/* The person behind req's bearer token, or NULL. */
static const struct roster_person *
health_bearer(struct health *hl, struct evhttp_request *req,
    const char **token)
{
	const struct roster	*r = conf_roster(*hl->confp);
	const char		*h;

	*token = NULL;
	h = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization");
	/* The scheme's name is case-insensitive (RFC 7235). */
	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	*token = h + 7;
	return r != NULL ? roster_by_token(r, h + 7) : NULL;
}

/* Whether req carries a supervisor's token. */
static int
health_supervisor(struct health *hl, struct evhttp_request *req)
{
	const struct roster_person	*p;
	const char			*token;

	p = health_bearer(hl, req, &token);
	return p != NULL && p->supervisor;
}

/* Whether req may read /metrics: the scrapers' token or a supervisor's. */
static int
health_may_scrape(struct health *hl, struct evhttp_request *req)
{
	const struct roster_person	*p;
	const char			*token, *want;
	size_t				 n;

	p = health_bearer(hl, req, &token);
	if (p != NULL)
		return p->supervisor;
	want = conf_metrics_token(*hl->confp);
	if (token == NULL || want == NULL)
		return 0;
	n = strlen(want);
	return strlen(token) == n && sodium_memcmp(token, want, n) == 0;
}

/* Name the lease /healthz reports. */
void
health_set_lease(struct health *hl, const struct lease *l)
{
	hl->lease = l;
}

/* Free a probe whose store job is done and whose request is answered. */
static void
health_probe_free(struct health_probe *p)
{
	if (p->timer != NULL)
		event_free(p->timer);
	free(p);
}

/* Answer /healthz: ok when the write went through and menus are loaded. */
static void
health_answer_healthz(struct health_probe *p, int store_ok)
{
	struct health		*hl = p->hl;
	struct evhttp_request	*req = http_defer_req(p->defer);
	const struct conf	*c = *hl->confp;
	struct timespec		 now;
	size_t			 nch = c != NULL ? conf_nchannels(c) : 0;
	int			 ok = store_ok && nch > 0;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (req == NULL)
		return;
	if (!ok)
		log_warnx("healthz: unhealthy (database %s, %zu channel%s)",
		    store_ok ? "writable" : "not writable", nch,
		    nch == 1 ? "" : "s");
	if (!p->detail) {
		if (ok)
			http_text(req, 200, "OK", "ok");
		else
			http_text(req, 503, "Service Unavailable",
			    "unavailable");
		return;
	}
	console_json(req, ok ? 200 : 503, ok ? "OK" : "Service Unavailable",
	    json_pack("{s:s, s:{s:b, s:I, s:b, s:b}, s:b, s:I, s:s, s:I}",
	    "status", ok ? "ok" : "unavailable",
	    "store", "ok", store_ok, "latency_ms",
	    (json_int_t)(store_ok ? health_ms() - p->since : -1),
	    "shared", store_shared(hl->store), "lease", lease_held(hl->lease),
	    "menus_loaded", nch > 0,
	    "channels", (json_int_t)nch,
	    "version", PACKAGE_VERSION,
	    "uptime_seconds", (json_int_t)(now.tv_sec - hl->started.tv_sec)));
}

/* Answer /metrics with what is counted now. */
static void
health_answer_metrics(struct health_probe *p)
{
	struct health		*hl = p->hl;
	struct evhttp_request	*req = http_defer_req(p->defer);
	struct evbuffer		*buf;

	if (req == NULL)
		return;
	if (hl->fill != NULL)
		hl->fill(hl->metrics, hl->fill_arg);
	buf = evbuffer_new();
	if (buf == NULL || metrics_render(hl->metrics, buf) == -1) {
		if (buf != NULL)
			evbuffer_free(buf);
		http_text(req, 500, "Internal Server Error", "out of memory");
		return;
	}
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Cache-Control", "no-store");
	evhttp_send_reply(req, 200, "OK", buf);
	evbuffer_free(buf);
}

/* Answer a probe's request once (ok: its store job succeeded). */
static void
health_answer(struct health_probe *p, int ok)
{
	if (p->defer == NULL)
		return;
	if (p->kind == HEALTH_HEALTHZ)
		health_answer_healthz(p, ok);
	else
		health_answer_metrics(p);
	http_done(p->defer);
	p->defer = NULL;
}

/* The store took too long: answer without it. */
static void
health_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct health_probe	*p = arg;

	(void)fd;
	(void)what;
	if (p->kind == HEALTH_HEALTHZ)
		log_warnx("healthz: the database did not answer within %d s",
		    HEALTH_TIMEOUT);
	health_answer(p, 0);
}

/* The client of a probe went away. */
static void
health_gone_cb(void *arg)
{
	struct health_probe	*p = arg;

	/* Its store job is still out: the completion frees the probe. */
	http_done(p->defer);
	p->defer = NULL;
}

/* The probe's store job is done: answer if not yet, then free. */
static void
health_finish(struct health_probe *p, int ok)
{
	health_answer(p, ok);
	health_probe_free(p);
}

/* /healthz's write went through, or not. */
static void
health_wrote_cb(enum store_rc rc, void *arg)
{
	health_finish(arg, rc == STORE_OK);
}

/* The counts of waiting work for /metrics. */
static void
health_gauges_cb(enum store_rc rc, const struct store_gauges *g, void *arg)
{
	struct health_probe	*p = arg;
	struct health		*hl = p->hl;
	int64_t			 now = hclock_now(hl->clock);

	if (rc == STORE_OK) {
		metrics_set(hl->metrics, METRICS_WAITING, (double)g->waiting);
		metrics_set(hl->metrics, METRICS_OLDEST_WAIT, g->oldest > 0 &&
		    now > g->oldest ? (double)(now - g->oldest) : 0);
		metrics_set(hl->metrics, METRICS_OUTBOX_ALERTS,
		    (double)g->alerts);
		metrics_set(hl->metrics, METRICS_OUTBOX_TEXTS,
		    (double)g->texts);
	}
	health_finish(p, rc == STORE_OK);
}

/* Start a probe of kind for req: its store job and its time-out. */
static void
health_probe(struct health *hl, struct evhttp_request *req,
    enum health_kind kind, int detail)
{
	struct health_probe	*p;
	struct timeval		 tv = { HEALTH_TIMEOUT, 0 };
	char			 v[32];
	int			 rc;

	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		http_text(req, 503, "Service Unavailable", "out of memory");
		return;
	}
	p->hl = hl;
	p->kind = kind;
	p->detail = detail;
	p->since = health_ms();
	p->timer = evtimer_new(hl->base, health_timeout_cb, p);
	p->defer = http_defer(hl->http, req, health_gone_cb, p);
	if (p->timer == NULL || p->defer == NULL) {
		http_done(p->defer);
		health_probe_free(p);
		http_text(req, 503, "Service Unavailable", "out of memory");
		return;
	}
	if (kind == HEALTH_HEALTHZ) {
		snprintf(v, sizeof(v), "%lld", (long long)time(NULL));
		rc = store_meta_set(hl->store, HEALTH_KEY, v, health_wrote_cb,
		    p);
	} else
		rc = store_gauges(hl->store, health_gauges_cb, p);
	if (rc == -1) {
		/* Not queued: no completion will come. */
		health_answer(p, 0);
		health_probe_free(p);
		return;
	}
	evtimer_add(p->timer, &tv);
}

/* GET /healthz or GET /metrics. */
static void
health_request_cb(struct evhttp_request *req, void *arg)
{
	struct health	*hl = arg;
	const char	*path = http_path(req);
	int		 metrics;

	if (strcmp(path, "/healthz") != 0 && strcmp(path, "/metrics") != 0) {
		http_text(req, 404, "Not Found", "unknown path");
		return;
	}
	metrics = strcmp(path, "/metrics") == 0;
	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "GET");
		http_text(req, 405, "Method Not Allowed", "GET only");
		return;
	}
	if (metrics && !health_may_scrape(hl, req)) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "WWW-Authenticate", "Bearer");
		http_text(req, 401, "Unauthorized", "a bearer token is needed");
		return;
	}
	health_probe(hl, req, metrics ? HEALTH_METRICS : HEALTH_HEALTHZ,
	    !metrics && health_supervisor(hl, req));
}
