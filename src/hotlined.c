/* SPDX-License-Identifier: ISC */
/*
 * hotlined: the daemon context and its life: start, the signal switch,
 * reload (build the new configuration beside the old, swap only if it is
 * wholly good; sessions keep the one they started with), and an orderly
 * stop. It wires modules together and holds no protocol logic itself.
 */
#include <sys/resource.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "api.h"
#include "clock.h"
#include "config.h"
#include "conf.h"
#include "console.h"
#include "dblock.h"
#include "diag.h"
#include "dispatch.h"
#include "fetch.h"
#include "health.h"
#include "hotlined.h"
#include "http.h"
#include "lease.h"
#include "log.h"
#include "metrics.h"
#include "notify_telegram.h"
#include "ratelimit.h"
#include "retention.h"
#include "stats_live.h"
#include "roster.h"
#include "sdnotify.h"
#include "session.h"
#include "sms.h"
#include "smsout.h"
#include "signin.h"
#include "store.h"
#include "telegram.h"
#include "webhook.h"

#define HOTLINED_NSIG	5
#define HOTLINED_DRAIN	10	/* seconds to finish requests on stop */
#define HOTLINED_NUMBERS 16384	/* numbers the per-number limit tracks */

/*
 * The gateways' listener takes every method to the webhooks, which answer
 * 405 with the channel's Allow; its body limit is limits.max_body.
 */
static const struct http_limits hotlined_webhook_limits = {
	.max_body = 0,
	.max_headers = 8192,
	.timeout = 10,
	.methods = EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS |
	    EVHTTP_REQ_PATCH | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT,
	.nodelay = 0,
};

/* The counsellors' listener: the API, the console and Telegram's posts. */
static const struct http_limits hotlined_api_limits = {
	.max_body = 16384,	/* a Telegram update with its message */
	.max_headers = 8192,
	.timeout = 10,
	.methods = EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_PATCH |
	    EVHTTP_REQ_OPTIONS,
	.nodelay = 1,		/* the console's page, see http.c */
};

struct hotlined {
	struct event_base	*base;
	char			*conf_file;
	struct conf		*conf;
	struct hclock		 clock;
	struct dblock		*lock;		/* the database's lock */
	struct store		*store;
	struct lease		*lease;		/* the work that runs once */
	struct fetch		*fetch;
	struct session_table	*sessions;
	struct ratelimit	*numbers;	/* per number, USSD and SMS */
	struct http		*http;		/* the gateways' listener */
	struct webhook		*webhook;
	struct sms		*sms;		/* SMS conversations */
	struct smsout		*smsout;	/* the SMS outbox's sender */
	struct dispatch		*dispatch;
	struct http		*api_http;	/* the counsellors' listener */
	struct api		*api;
	struct signin		*signin;	/* console sessions */
	struct console		*console;
	struct telegram		*telegram;
	struct retention	*retention;	/* the purge's schedule */
	struct metrics		*metrics;
	struct health		*health;	/* /healthz and /metrics */
	struct sdnotify		*sd;		/* what systemd is told */
	struct stats_live	*stats;		/* session counts, flushed */
	char			*api_url;	/* base of claim links */
	struct event		*sig[HOTLINED_NSIG];
	struct event		*drain;
	time_t			 drain_until;
	int			 stopping;
	int			 verbose;	/* -v on the command line */
};

/* A callback request was stored: alert without waiting for the tick. */
static void
hotlined_stored(void *arg)
{
	struct hotlined	*d = arg;

	if (d->dispatch != NULL)
		dispatch_kick(d->dispatch);
}

/* SMS replies were queued: send without waiting for the tick. */
static void
hotlined_sms_queued(void *arg)
{
	struct hotlined	*d = arg;

	if (d->smsout != NULL)
		smsout_kick(d->smsout);
}

/*
 * The lease was taken: the alerts and SMS others left are this daemon's
 * now (the poller and the purge look at their next turn).
 */
static void
hotlined_lease_cb(int held, void *arg)
{
	struct hotlined	*d = arg;

	if (!held)
		return;
	if (d->dispatch != NULL)
		dispatch_kick(d->dispatch);
	if (d->smsout != NULL)
		smsout_kick(d->smsout);
}

/* Another daemon stored work: the holder of the lease does it now. */
static void
hotlined_woken(void *arg)
{
	struct hotlined	*d = arg;

	if (!lease_held(d->lease))
		return;
	log_debug("woken by another daemon: looking for work");
	if (d->dispatch != NULL)
		dispatch_kick(d->dispatch);
	if (d->smsout != NULL)
		smsout_kick(d->smsout);
}

static void	hotlined_signal_cb(evutil_socket_t, short, void *);
static void	hotlined_check_nofile(struct hotlined *);

/* A reply on the gateways' listener was written. */
static void
hotlined_webhook_replied(long long ms, void *arg)
{
	struct hotlined	*d = arg;

	metrics_latency(d->metrics, METRICS_WEBHOOKS, ms);
}

/* A reply on the counsellors' listener was written. */
static void
hotlined_api_replied(long long ms, void *arg)
{
	struct hotlined	*d = arg;

	metrics_latency(d->metrics, METRICS_API, ms);
}

/* Read what other modules count, for a scrape of /metrics. */
static void
hotlined_fill(struct metrics *m, void *arg)
{
	struct hotlined	*d = arg;

	metrics_set(m, METRICS_SESSIONS_LIVE,
	    (double)session_live(d->sessions));
	metrics_set(m, METRICS_SESSIONS_HELD,
	    (double)session_count(d->sessions));
	metrics_set(m, METRICS_SESSIONS_EVICTED,
	    (double)session_evicted(d->sessions));
	metrics_set(m, METRICS_REFUSED_BUSY,
	    (double)session_refused(d->sessions));
	metrics_set(m, METRICS_LIMITED_USSD,
	    (double)session_limited(d->sessions));
	metrics_set(m, METRICS_LIMITED_SMS, (double)sms_limited(d->sms));
	metrics_set(m, METRICS_LIMITED_WEBHOOK, (double)http_limited(d->http));
	metrics_set(m, METRICS_LIMITED_API, (double)http_limited(d->api_http));
	metrics_set(m, METRICS_CONNECTIONS_WEBHOOK,
	    (double)http_connections(d->http));
	metrics_set(m, METRICS_CONNECTIONS_API,
	    (double)http_connections(d->api_http));
	metrics_set(m, METRICS_STORE_PENDING, (double)store_pending(d->store));
	metrics_set(m, METRICS_LEASE_HELD, lease_held(d->lease) ? 1.0 : 0.0);
}

/* Apply conf's rate limits (at the start and on each reload). */
static void
hotlined_rates(struct hotlined *d, const struct conf *c)
{
	const struct conf_per_number	*pn = conf_per_number(c);

	ratelimit_set(d->numbers, pn->requests, (int64_t)pn->minutes * 60000,
	    pn->requests, (int64_t)pn->block_minutes * 60000);
	http_set_rate(d->http, conf_listen(c)->per_second,
	    conf_listen(c)->burst);
	if (d->api_http != NULL)
		http_set_rate(d->api_http, conf_api(c)->per_second,
		    conf_api(c)->burst);
}

/*
 * The daemon's event base. With epoll's change list, the changes a loop
 * turn makes to one descriptor (a reply written, the next request read)
 * reach the kernel as one epoll_ctl at the end of the turn instead of
 * one each: about a quarter more requests a second under a flood. Its
 * one caveat, a descriptor cloned with dup(), does not apply: the loop
 * never watches one.
 */
static struct event_base *
hotlined_base(void)
{
	struct event_config	*cfg;
	struct event_base	*base;

	cfg = event_config_new();
	if (cfg == NULL)
		return NULL;
	event_config_set_flag(cfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	return base;
}

/* Create the context; takes over the reference to conf. */
struct hotlined *
hotlined_new(const char *conf_file, struct conf *conf, int verbose)
{
	struct hotlined		*d;
	struct http_limits	 lim;

	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return NULL;
	d->verbose = verbose;
	d->conf = conf;
	d->conf_file = strdup(conf_file);
	d->base = hotlined_base();
	if (d->conf_file == NULL || d->base == NULL)
		goto fail;
	hclock_init(&d->clock, conf_clock_start(conf));
	if (conf_clock_start(conf) != 0)
		log_warnx("clock_start is set: the clock is shifted by %lld s "
		    "(tests only)", (long long)d->clock.offset);
	d->fetch = fetch_new(d->base);
	d->metrics = metrics_new();
	d->sd = sdnotify_new(d->base);
	if (d->fetch == NULL || d->metrics == NULL || d->sd == NULL)
		goto fail;
	metrics_set(d->metrics, METRICS_START_TIME, (double)time(NULL));
	d->sessions = session_table_new(d->base, NULL, &d->clock,
	    hotlined_stored, d);
	if (d->sessions == NULL)
		goto fail;
	lim = hotlined_webhook_limits;
	lim.max_body = conf_listen(conf)->max_body;
	lim.max_conns = conf_listen(conf)->max_conns;
	lim.deadline = conf_listen(conf)->deadline;
	d->http = http_new(d->base, "webhooks", &lim);
	d->webhook = webhook_new(d->base, d->sessions, &d->conf);
	d->sms = sms_new(d->base, d->sessions, NULL, &d->clock, &d->conf,
	    hotlined_sms_queued, d);
	d->smsout = smsout_new(d->base, d->fetch, NULL, &d->clock, &d->conf);
	if (d->http == NULL || d->webhook == NULL || d->sms == NULL ||
	    d->smsout == NULL || webhook_mount(d->webhook, d->http) == -1)
		goto fail;
	webhook_set_sms(d->webhook, d->sms);
	smsout_set_metrics(d->smsout, d->metrics);
	http_on_replied(d->http, hotlined_webhook_replied, d);
	d->numbers = ratelimit_new(HOTLINED_NUMBERS);
	if (d->numbers == NULL)
		goto fail;
	session_table_set_counters(d->sessions, d->metrics, d->numbers);
	sms_set_limit(d->sms, d->numbers);
	hotlined_rates(d, conf);
	return d;
fail:
	hotlined_free(d);
	return NULL;
}

/* A claim won through the API or the console: tell Telegram. */
static void
hotlined_claimed(const char *ref, const char *who, void *arg)
{
	struct hotlined	*d = arg;

	telegram_claimed(d->telegram, ref, who);
}

/* An alert was delivered: a Telegram one may be edited later. */
static void
hotlined_sent(const struct notify_transport *t, const char *ref,
    const char *body, void *arg)
{
	struct hotlined	*d = arg;

	if (t == &notify_telegram)
		telegram_sent(d->telegram, ref, body);
}

/* A number is being forgotten: wipe its live sessions first. */
static void
hotlined_forgetting(const char *phone, void *arg)
{
	struct hotlined	*d = arg;
	size_t		 n;

	n = session_end_number(d->sessions, phone);
	if (n > 0)
		log_info("forget: %zu live session%s wiped", n,
		    n == 1 ? "" : "s");
}

/* The counsellor API and the dispatcher that links to it. */
static int
hotlined_start_api(struct hotlined *d)
{
	struct http_limits	 lim;
	char			*cause = NULL;

	lim = hotlined_api_limits;
	lim.max_conns = conf_api(d->conf)->max_conns;
	lim.deadline = conf_api(d->conf)->deadline;
	d->api_http = http_new(d->base, "counsellor API", &lim);
	if (d->api_http == NULL) {
		log_warn("cannot start the API");
		return -1;
	}
	hotlined_rates(d, d->conf);
	http_on_replied(d->api_http, hotlined_api_replied, d);
	if (http_listen(d->api_http, conf_api(d->conf)->address,
	    conf_api(d->conf)->port, &cause) == -1) {
		if (cause != NULL)
			log_warn("%s for the counsellor API", cause);
		else
			log_warn("cannot start the API");
		free(cause);
		return -1;
	}
	if (conf_api(d->conf)->public_url != NULL)
		d->api_url = strdup(conf_api(d->conf)->public_url);
	else if (asprintf(&d->api_url, strchr(conf_api(d->conf)->address, ':') ?
	    "http://[%s]:%d" : "http://%s:%d", conf_api(d->conf)->address,
	    http_port(d->api_http)) == -1)
		d->api_url = NULL;
	if (d->api_url == NULL)
		return -1;
	d->dispatch = dispatch_new(d->base, d->store, d->fetch, &d->clock,
	    &d->conf, d->api_url);
	if (d->dispatch == NULL)
		return -1;
	/* The console and Telegram's buttons, on the same listener. */
	d->signin = signin_new();
	if (d->signin == NULL)
		return -1;
	d->console = console_new(d->signin, &d->clock, &d->conf);
	d->telegram = telegram_new(d->base, d->fetch, d->store, &d->clock,
	    &d->conf, d->console, d->api_url);
	d->api = api_new(d->store, d->dispatch, d->console, &d->clock,
	    &d->conf);
	d->health = health_new(d->base, d->store, d->metrics, &d->clock,
	    &d->conf, hotlined_fill, d);
	if (d->console == NULL || d->telegram == NULL || d->api == NULL ||
	    d->health == NULL || health_mount(d->health, d->api_http) == -1 ||
	    api_mount(d->api, d->api_http) == -1 ||
	    console_mount(d->console, d->api_http) == -1 ||
	    telegram_mount(d->telegram, d->api_http) == -1)
		return -1;
	api_on_claim(d->api, hotlined_claimed, d);
	api_on_forget(d->api, hotlined_forgetting, d);
	dispatch_set_console(d->dispatch, d->console);
	dispatch_set_lease(d->dispatch, d->lease);
	health_set_lease(d->health, d->lease);
	telegram_set_lease(d->telegram, d->lease);
	dispatch_set_metrics(d->dispatch, d->metrics);
	api_set_metrics(d->api, d->metrics);
	telegram_set_metrics(d->telegram, d->metrics);
	dispatch_on_sent(d->dispatch, hotlined_sent, d);
	telegram_start(d->telegram);
	dispatch_kick(d->dispatch);	/* work left by the last run */
	return 0;
}

/* Bind and install signals. */
int
hotlined_start(struct hotlined *d)
{
	static const int	 sigs[HOTLINED_NSIG] = {
		SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGPIPE
	};
	struct store_opts	 so;
	char			*cause = NULL;
	int			 i;

	/* One daemon per database, and none while its key rotates. */
	d->lock = dblock_new(conf_database(d->conf), &cause);
	if (d->lock == NULL) {
		log_warnx("%s", cause ? cause : "cannot lock the database");
		free(cause);
		return -1;
	}
	memset(&so, 0, sizeof(so));
	so.key_file = conf_key_file(d->conf);
	so.password_file = conf_password_file(d->conf);
	d->store = store_new(d->base, conf_database(d->conf), &so, &cause);
	if (d->store == NULL) {
		/* The store's message names the file already. */
		log_warnx("%s", cause ? cause : "cannot open the database");
		free(cause);
		return -1;
	}
	d->stats = stats_live_new(d->base, &d->clock);
	if (d->stats == NULL || stats_live_start(d->stats, d->store) == -1) {
		log_warnx("cannot schedule the session counts");
		return -1;
	}
	d->lease = lease_new(d->base, d->store, hotlined_lease_cb, d);
	if (d->lease == NULL) {
		log_warnx("cannot follow the lease");
		return -1;
	}
	smsout_set_lease(d->smsout, d->lease);
	store_on_woken(d->store, hotlined_woken, d);
	session_table_set_store(d->sessions, d->store, d->stats);
	sms_set_store(d->sms, d->store);
	if (smsout_start(d->smsout, d->store) == -1)
		return -1;
	d->retention = retention_new(d->base, d->store, &d->clock,
	    conf_retention(d->conf));
	if (d->retention != NULL)
		retention_set_lease(d->retention, d->lease);
	if (d->retention == NULL || retention_start(d->retention) == -1) {
		log_warnx("cannot schedule the retention purge");
		return -1;
	}
	if (http_listen(d->http, conf_listen(d->conf)->address,
	    conf_listen(d->conf)->port, &cause) == -1) {
		log_warn("%s", cause ? cause : "cannot listen");
		free(cause);
		return -1;
	}
	if (hotlined_start_api(d) == -1)
		return -1;
	for (i = 0; i < HOTLINED_NSIG; i++) {
		d->sig[i] = evsignal_new(d->base, sigs[i], hotlined_signal_cb,
		    d);
		if (d->sig[i] == NULL || evsignal_add(d->sig[i], NULL) == -1) {
			log_warnx("cannot install signal %d", sigs[i]);
			return -1;
		}
	}
	hotlined_check_nofile(d);
	log_info("listening on %s:%d", conf_listen(d->conf)->address,
	    http_port(d->http));
	log_info("counsellor API listening on %s:%d",
	    conf_api(d->conf)->address, http_port(d->api_http));
	log_info("database %s at schema version %d", conf_database(d->conf),
	    store_schema_version(d->store));
	/* Both listeners listen and the store is open: systemd may go on. */
	if (sdnotify_start(d->sd) == -1)
		return -1;
	sdnotify_ready(d->sd, "serving");
	return 0;
}

/* Load the configuration beside the running one and swap if good. */
int
hotlined_reload(struct hotlined *d)
{
	struct diag	*dg;
	struct conf			*nc;
	const struct conf_listen	*ol, *nl, *oa, *na;
	size_t		 i;

	dg = diag_new();
	if (dg == NULL) {
		log_warnx("reload failed: out of memory; keeping the running "
		    "configuration");
		return -1;
	}
	nc = conf_load(d->conf_file, dg, NULL);
	if (nc == NULL) {
		for (i = 0; i < diag_count(dg); i++)
			if (diag_get(dg, i) != NULL)
				log_warnx("reload: %s", diag_get(dg, i));
		log_warnx("reload failed (%zu problem%s); keeping the running "
		    "configuration", diag_count(dg),
		    diag_count(dg) == 1 ? "" : "s");
		diag_free(dg);
		metrics_reload(d->metrics, 0, time(NULL));
		return -1;
	}
	for (i = 0; i < diag_warnings(dg); i++)
		log_warnx("reload: warning: %s", diag_warning(dg, i));
	diag_free(dg);
	ol = conf_listen(d->conf);
	nl = conf_listen(nc);
	oa = conf_api(d->conf);
	na = conf_api(nc);
	if (strcmp(nl->address, ol->address) != 0 || nl->port != ol->port ||
	    strcmp(na->address, oa->address) != 0 || na->port != oa->port)
		log_warnx("reload: listen addresses change only on restart");
	if (strcmp(conf_database(nc), conf_database(d->conf)) != 0)
		log_warnx("reload: the database changes only on restart");
	if ((na->public_url == NULL) != (oa->public_url == NULL) ||
	    (na->public_url != NULL &&
	    strcmp(na->public_url, oa->public_url) != 0))
		log_warnx("reload: api.public_url changes only on restart");
	if (conf_clock_start(nc) != conf_clock_start(d->conf))
		log_warnx("reload: clock_start changes only on restart");
	/* Live sessions hold their own reference to the old configuration. */
	conf_unref(d->conf);
	d->conf = nc;
	http_set_max_body(d->http, conf_listen(nc)->max_body);
	http_set_conns(d->http, nl->max_conns, nl->deadline);
	/* The API's cap, like the rest of its block, waits for a restart. */
	http_set_conns(d->api_http, 0, na->deadline);
	hotlined_rates(d, nc);
	log_setverbose(d->verbose || conf_verbose(nc));
	if (d->retention != NULL)
		retention_reload(d->retention, conf_retention(nc));
	metrics_reload(d->metrics, 1, time(NULL));
	log_info("reloaded %s: %zu channel%s; live sessions finish on "
	    "their old menus: %zu", d->conf_file, conf_nchannels(nc),
	    conf_nchannels(nc) == 1 ? "" : "s", session_live(d->sessions));
	return 0;
}

/* Exit the loop once nothing is owed to anyone (or the drain ran out). */
static void
hotlined_drain_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hotlined	*d = arg;
	struct timeval	 tv = { 0, 50 * 1000 };
	size_t		 owed;

	(void)fd;
	(void)what;
	owed = http_inflight(d->http) + http_inflight(d->api_http) +
	    store_pending(d->store);
	if (owed == 0 || time(NULL) >= d->drain_until) {
		if (owed > 0)
			log_warnx("stopping with %zu request%s unanswered",
			    owed, owed == 1 ? "" : "s");
		event_base_loopexit(d->base, NULL);
		return;
	}
	if (d->drain == NULL)
		d->drain = evtimer_new(d->base, hotlined_drain_cb, d);
	if (d->drain != NULL)
		evtimer_add(d->drain, &tv);
	else
		event_base_loopexit(d->base, NULL);
}

/*
 * Log the counters an admin may want in a flood (SIGUSR1): they are not
 * served to anyone, since they tell an attacker what works.
 */
static void
hotlined_counters(struct hotlined *d)
{
	log_info("counters: sessions=%zu held=%zu evicted=%llu busy=%llu "
	    "webhook_connections=%zu api_connections=%zu limited_ussd=%llu "
	    "limited_sms=%llu limited_webhook=%llu limited_api=%llu",
	    session_live(d->sessions), session_count(d->sessions),
	    session_evicted(d->sessions), session_refused(d->sessions),
	    http_connections(d->http),
	    d->api_http != NULL ? http_connections(d->api_http) : 0,
	    session_limited(d->sessions), sms_limited(d->sms),
	    http_limited(d->http),
	    d->api_http != NULL ? http_limited(d->api_http) : 0);
}

/*
 * Warn when the connection caps do not fit the descriptors the process
 * may open: accept() would fail before the cap applies (which the front
 * end survives, but slowly). 64 are left for the database, outgoing
 * requests and the rest.
 */
static void
hotlined_check_nofile(struct hotlined *d)
{
	struct rlimit	 rl;
	size_t		 want;

	want = conf_listen(d->conf)->max_conns + conf_api(d->conf)->max_conns +
	    64;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur !=
	    RLIM_INFINITY && rl.rlim_cur < want)
		log_warnx("RLIMIT_NOFILE is %llu, below the %zu that "
		    "listen.max_connections and api.max_connections need",
		    (unsigned long long)rl.rlim_cur, want);
}

/* The one place signals are handled. */
static void
hotlined_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct hotlined	*d = arg;

	(void)what;
	switch (sig) {
	case SIGTERM:
	case SIGINT:
		if (d->stopping)
			break;
		d->stopping = 1;
		log_info("stopping on signal %d", (int)sig);
		sdnotify_stopping(d->sd);
		/* No new requests; those already accepted are answered. */
		http_stop_accepting(d->http);
		http_stop_accepting(d->api_http);
		d->drain_until = time(NULL) + HOTLINED_DRAIN;
		hotlined_drain_cb(-1, 0, d);
		break;
	case SIGHUP:
		log_info("reloading on SIGHUP");
		sdnotify_reloading(d->sd);
		/* Ready again either way: a failed reload keeps serving. */
		sdnotify_ready(d->sd, hotlined_reload(d) == 0 ? "serving" :
		    "serving; the last reload failed (see the log)");
		break;
	case SIGUSR1:
		/* Rotation moved the log file away: open its name again. */
		if (log_reopen() == -1)
			log_warn("cannot reopen the log file");
		hotlined_counters(d);
		break;
	case SIGPIPE:
		break;
	}
}

/* Run the loop. */
int
hotlined_run(struct hotlined *d)
{
	if (event_base_dispatch(d->base) == -1) {
		log_warnx("event loop failed");
		return 1;
	}
	log_info("stopped");
	return 0;
}

/* Free everything; sessions first, as they hold configuration refs. */
void
hotlined_free(struct hotlined *d)
{
	sigset_t	 stop;
	int		 i;

	if (d == NULL)
		return;
	/*
	 * Freeing the signal events gives TERM and INT their default action
	 * back: a second stop signal from now on must not kill the process
	 * halfway through closing the database. (The writer thread blocks
	 * every signal already.)
	 */
	if (d->stopping) {
		sigemptyset(&stop);
		sigaddset(&stop, SIGTERM);
		sigaddset(&stop, SIGINT);
		pthread_sigmask(SIG_BLOCK, &stop, NULL);
	}
	for (i = 0; i < HOTLINED_NSIG; i++)
		if (d->sig[i] != NULL)
			event_free(d->sig[i]);
	if (d->drain != NULL)
		event_free(d->drain);
	sdnotify_free(d->sd);
	/*
	 * Requests of sessions still answering are recorded as ended by
	 * the stop; then the store: its last completions still reach the
	 * sessions, listeners and dispatcher, which go after it.
	 */
	if (d->sessions != NULL)
		session_table_stop(d->sessions);
	/* The last minute's session counts, before the store finishes. */
	stats_live_flush(d->stats);
	store_free(d->store);
	lease_free(d->lease);
	health_free(d->health);
	stats_live_free(d->stats);
	retention_free(d->retention);
	dblock_free(d->lock);
	telegram_free(d->telegram);
	dispatch_free(d->dispatch);
	http_free(d->api_http);
	api_free(d->api);
	http_free(d->http);
	sms_free(d->sms);
	session_table_free(d->sessions);
	/* After the two: a reply they drop comes back to its spare list. */
	webhook_free(d->webhook);
	ratelimit_free(d->numbers);
	smsout_free(d->smsout);
	fetch_free(d->fetch);
	console_free(d->console);
	signin_free(d->signin);
	free(d->api_url);
	conf_unref(d->conf);
	metrics_free(d->metrics);
	if (d->base != NULL)
		event_base_free(d->base);
	free(d->conf_file);
	free(d);
}

/* A whole number from the environment (a test knob), or deflt. */
static long
hotlined_env(const char *name, long deflt)
{
	const char	*v = getenv(name);
	char		*end;
	long		 n;

	if (v == NULL || *v == '\0')
		return deflt;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < 0 || n > 1000000) {
		log_warnx("%s: not a number from 0 to 1000000, ignored", name);
		return deflt;
	}
	return n;
}

/* Re-encrypt the database of conf under a new key (hotlined -R). */
int
hotlined_rotate(const struct conf *conf, int force)
{
	struct store_opts	 so;
	struct store_rotate_opts ro;
	struct dblock		*lock;
	char			*cause = NULL;
	int			 done = 0, rc;

	lock = dblock_new(conf_database(conf), &cause);
	if (lock == NULL) {
		log_warnx("%s", cause ? cause : "cannot lock the database");
		free(cause);
		return 1;
	}
	memset(&so, 0, sizeof(so));
	so.key_file = conf_key_file(conf);
	so.password_file = conf_password_file(conf);
	memset(&ro, 0, sizeof(ro));
	ro.force = force;
	ro.batch = (size_t)hotlined_env("HOTLINED_ROTATE_BATCH", 0);
	ro.pause_ms = (int)hotlined_env("HOTLINED_ROTATE_PAUSE_MS", 0);
	log_info("rotating the key of %s", conf_database(conf));
	rc = store_rotate(conf_database(conf), &so, &ro, &done, &cause);
	if (rc == -1)
		log_warnx("key rotation failed: %s", cause ? cause :
		    "out of memory");
	else
		log_info("key rotation of %s done", conf_database(conf));
	free(cause);
	dblock_free(lock);
	return rc == 0 && done ? 0 : 1;
}

/* Versions of hotlined and its libraries. */
void
hotlined_versions(FILE *fp)
{
	fprintf(fp, "hotlined %s\n", PACKAGE_VERSION);
	fprintf(fp, "libevent %s\n", event_get_version());
	fprintf(fp, "libcurl %s\n",
	    curl_version_info(CURLVERSION_NOW)->version);
	fprintf(fp, "SQLite %s\n", sqlite3_libversion());
	fprintf(fp, "jansson %s\n", jansson_version_str());
	fprintf(fp, "libsodium %s\n", sodium_version_string());
}
