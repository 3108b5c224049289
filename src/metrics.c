/* SPDX-License-Identifier: ISC */
/*
 * metrics: counters, gauges and one latency histogram in fixed arrays, and
 * their rendering in the Prometheus text exposition format. It owns no
 * event and reads no other module: the daemon counts into it and sets the
 * values read at a scrape; serving the text is the health module's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "metrics.h"

#define METRICS_SLOTS	32	/* channels, transports or encodings */
#define METRICS_NAMELEN	48
#define METRICS_OTHER	"other"

/* Why a session ended, as session.c says it, and as the label says it. */
static const struct metrics_reason {
	const char	*how;
	const char	*label;
} metrics_reasons[] = {
	{ "ended",	"completed" },
	{ "quick_exit",	"quick_exit" },
	{ "timeout",	"timeout" },
	{ "hung_up",	"hung_up" },
	{ "evicted",	"evicted" },
	{ "restarted",	"restarted" },
	{ "failed",	"failed" },
	{ "stopped",	"stopped" },
	{ "forgotten",	"forgotten" },
	{ NULL,		METRICS_OTHER },
};
#define METRICS_NREASONS \
	(sizeof(metrics_reasons) / sizeof(metrics_reasons[0]))

/* The upper bounds of the latency buckets, in milliseconds. */
static const long long metrics_bounds[] = {
	5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000
};
#define METRICS_NBOUNDS	(sizeof(metrics_bounds) / sizeof(metrics_bounds[0]))

static const char *const metrics_listeners[METRICS_NLISTENERS] = {
	"webhooks", "api"
};

/* Names seen, each the index of its row in the arrays beside it. */
struct metrics_names {
	char	 name[METRICS_SLOTS][METRICS_NAMELEN];
	size_t	 n;
};

/* The latency of one listener's requests. */
struct metrics_hist {
	unsigned long long	 bucket[METRICS_NBOUNDS];	/* not
							   cumulative */
	unsigned long long	 count;
	long long		 sum_ms;
};

struct metrics {
	struct metrics_names	 channels;
	unsigned long long	 started[METRICS_SLOTS];
	unsigned long long	 ended[METRICS_SLOTS][METRICS_NREASONS];
	unsigned long long	 hops[METRICS_SLOTS];
	unsigned long long	 pages[METRICS_SLOTS];

	struct metrics_names	 transports;
	unsigned long long	 delivered[METRICS_SLOTS];
	unsigned long long	 failed[METRICS_SLOTS];

	struct metrics_names	 encodings;
	unsigned long long	 parts[METRICS_SLOTS];

	unsigned long long	 counter[METRICS_NCOUNTERS];
	double			 gauge[METRICS_NGAUGES];
	struct metrics_hist	 latency[METRICS_NLISTENERS];

	unsigned long long	 reloads_ok;
	unsigned long long	 reloads_failed;
	int			 reloaded;	/* a reload happened */
	int			 reload_ok;	/* the last one's result */
	int64_t			 reload_at;
};

static size_t	metrics_slot(struct metrics_names *, const char *);

/* Make an empty set. */
struct metrics *
metrics_new(void)
{
	struct metrics	*m;

	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return NULL;
	/* Both encodings are shown from the start, at 0. */
	metrics_slot(&m->encodings, "GSM-7");
	metrics_slot(&m->encodings, "UCS-2");
	return m;
}

/* Free the set. */
void
metrics_free(struct metrics *m)
{
	free(m);
}

/*
 * The slot of name in t, taking a free one for a new name; the last slot
 * is kept for "other" (names too long, or too many). No allocation.
 */
static size_t
metrics_slot(struct metrics_names *t, const char *name)
{
	size_t	 i, len;

	if (name == NULL)
		name = METRICS_OTHER;
	len = strlen(name);
	if (len >= METRICS_NAMELEN)
		name = METRICS_OTHER;
	for (i = 0; i < t->n; i++)
		if (strcmp(t->name[i], name) == 0)
			return i;
	if (t->n >= METRICS_SLOTS - 1 && strcmp(name, METRICS_OTHER) != 0)
		return metrics_slot(t, METRICS_OTHER);
	if (t->n >= METRICS_SLOTS)
		return METRICS_SLOTS - 1;	/* not reached */
	snprintf(t->name[t->n], METRICS_NAMELEN, "%s", name);
	return t->n++;
}

/* Count a session's start. */
void
metrics_session_start(struct metrics *m, const char *channel)
{
	if (m != NULL)
		m->started[metrics_slot(&m->channels, channel)]++;
}

/* Count a session's end under its reason. */
void
metrics_session_end(struct metrics *m, const char *channel, const char *how)
{
	size_t	 r;

	if (m == NULL)
		return;
	for (r = 0; metrics_reasons[r].how != NULL; r++)
		if (how != NULL && strcmp(how, metrics_reasons[r].how) == 0)
			break;
	m->ended[metrics_slot(&m->channels, channel)][r]++;
}

/* Count a hop. */
void
metrics_hop(struct metrics *m, const char *channel)
{
	if (m != NULL)
		m->hops[metrics_slot(&m->channels, channel)]++;
}

/* Count a later page shown. */
void
metrics_page(struct metrics *m, const char *channel)
{
	if (m != NULL)
		m->pages[metrics_slot(&m->channels, channel)]++;
}

/* Count one event without labels. */
void
metrics_count(struct metrics *m, enum metrics_counter c)
{
	if (m != NULL && c >= 0 && c < METRICS_NCOUNTERS)
		m->counter[c]++;
}

/* Count an alert delivery or its failure. */
void
metrics_alert(struct metrics *m, const char *transport, int ok)
{
	size_t	 i;

	if (m == NULL)
		return;
	i = metrics_slot(&m->transports, transport);
	if (ok)
		m->delivered[i]++;
	else
		m->failed[i]++;
}

/* Count SMS parts sent. */
void
metrics_sms_parts(struct metrics *m, const char *encoding, size_t n)
{
	if (m != NULL)
		m->parts[metrics_slot(&m->encodings, encoding)] += n;
}

/* Put one request's time in its bucket. */
void
metrics_latency(struct metrics *m, enum metrics_listener l, long long ms)
{
	struct metrics_hist	*h;
	size_t			 i;

	if (m == NULL || l < 0 || l >= METRICS_NLISTENERS)
		return;
	if (ms < 0)
		ms = 0;
	h = &m->latency[l];
	for (i = 0; i < METRICS_NBOUNDS; i++)
		if (ms <= metrics_bounds[i]) {
			h->bucket[i]++;
			break;
		}
	h->count++;
	h->sum_ms += ms;
}

/* Count a reload and remember its result. */
void
metrics_reload(struct metrics *m, int ok, int64_t when)
{
	if (m == NULL)
		return;
	if (ok)
		m->reloads_ok++;
	else
		m->reloads_failed++;
	m->reloaded = 1;
	m->reload_ok = ok != 0;
	m->reload_at = when;
}

/* Set a value read at a scrape. */
void
metrics_set(struct metrics *m, enum metrics_gauge g, double v)
{
	if (m != NULL && g >= 0 && g < METRICS_NGAUGES)
		m->gauge[g] = v;
}

/* Append a label value, escaped as the format says (\\, \", \n). */
static void
metrics_value(struct evbuffer *out, const char *v)
{
	for (; *v != '\0'; v++) {
		if (*v == '\\')
			evbuffer_add(out, "\\\\", 2);
		else if (*v == '"')
			evbuffer_add(out, "\\\"", 2);
		else if (*v == '\n')
			evbuffer_add(out, "\\n", 2);
		else
			evbuffer_add(out, v, 1);
	}
}

/* A family's HELP and TYPE lines. */
static void
metrics_family(struct evbuffer *out, const char *name, const char *type,
    const char *help)
{
	evbuffer_add_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help,
	    name, type);
}

/* One sample with one label (label NULL: none). */
static void
metrics_sample(struct evbuffer *out, const char *name, const char *label,
    const char *value, unsigned long long n)
{
	evbuffer_add_printf(out, "%s", name);
	if (label != NULL) {
		evbuffer_add_printf(out, "{%s=\"", label);
		metrics_value(out, value);
		evbuffer_add(out, "\"}", 2);
	}
	evbuffer_add_printf(out, " %llu\n", n);
}

/* A counter family with one label over the names of t. */
static void
metrics_by_name(struct evbuffer *out, const char *name, const char *help,
    const char *label, const struct metrics_names *t,
    const unsigned long long *v)
{
	size_t	 i;

	metrics_family(out, name, "counter", help);
	for (i = 0; i < t->n; i++)
		metrics_sample(out, name, label, t->name[i], v[i]);
}

/* A family of one sample without labels. */
static void
metrics_single(struct evbuffer *out, const char *name, const char *type,
    const char *help, double v)
{
	metrics_family(out, name, type, help);
	evbuffer_add_printf(out, "%s %.17g\n", name, v);
}

/* The sessions' families. */
static void
metrics_render_sessions(const struct metrics *m, struct evbuffer *out)
{
	const char	*n;
	size_t		 i, r;

	metrics_by_name(out, "hotlined_sessions_started_total",
	    "Sessions started, by channel.", "channel", &m->channels,
	    m->started);
	n = "hotlined_sessions_ended_total";
	metrics_family(out, n, "counter", "Sessions ended, by channel and "
	    "reason.");
	for (i = 0; i < m->channels.n; i++)
		for (r = 0; r < METRICS_NREASONS; r++) {
			evbuffer_add_printf(out, "%s{channel=\"", n);
			metrics_value(out, m->channels.name[i]);
			evbuffer_add_printf(out, "\",reason=\"%s\"} %llu\n",
			    metrics_reasons[r].label, m->ended[i][r]);
		}
	metrics_by_name(out, "hotlined_hops_total",
	    "Hops (requests of a session) handled, by channel.", "channel",
	    &m->channels, m->hops);
	metrics_by_name(out, "hotlined_more_pages_total",
	    "Later pages of a screen shown (the caller chose \"more\"), by "
	    "channel.", "channel", &m->channels, m->pages);
	metrics_single(out, "hotlined_sessions_live", "gauge",
	    "Sessions taking input now.", m->gauge[METRICS_SESSIONS_LIVE]);
	metrics_single(out, "hotlined_sessions_held", "gauge",
	    "Sessions held, live or ended and answering retries.",
	    m->gauge[METRICS_SESSIONS_HELD]);
	metrics_single(out, "hotlined_sessions_evicted_total", "counter",
	    "Idle or ended sessions that gave way when the table was full.",
	    m->gauge[METRICS_SESSIONS_EVICTED]);
	n = "hotlined_sessions_refused_total";
	metrics_family(out, n, "counter", "New sessions refused: the table "
	    "was full (busy) or the number over its limit (limited).");
	evbuffer_add_printf(out, "%s{reason=\"busy\"} %.17g\n", n,
	    m->gauge[METRICS_REFUSED_BUSY]);
	evbuffer_add_printf(out, "%s{reason=\"limited\"} %.17g\n", n,
	    m->gauge[METRICS_LIMITED_USSD]);
	metrics_single(out, "hotlined_sms_limited_total", "counter",
	    "SMS refused for their number's limit.",
	    m->gauge[METRICS_LIMITED_SMS]);
}

/* The callback requests' and alerts' families. */
static void
metrics_render_callbacks(const struct metrics *m, struct evbuffer *out)
{
	static const struct {
		const char		*name;
		const char		*help;
		enum metrics_counter	 c;
	} cs[] = {
		{ "hotlined_callbacks_created_total",
		    "Callback requests created.", METRICS_CB_CREATED },
		{ "hotlined_callbacks_merged_total",
		    "Callback requests asked for again, merged into an open "
		    "one.", METRICS_CB_MERGED },
		{ "hotlined_callbacks_claimed_total",
		    "Claims of callback requests accepted.",
		    METRICS_CB_CLAIMED },
		{ "hotlined_callbacks_completed_total",
		    "Callback requests completed.", METRICS_CB_COMPLETED },
		{ "hotlined_callbacks_escalated_total",
		    "Escalation rounds alerted for unclaimed requests.",
		    METRICS_CB_ESCALATED },
	};
	const char	*n;
	size_t		 i;

	for (i = 0; i < sizeof(cs) / sizeof(cs[0]); i++)
		metrics_single(out, cs[i].name, "counter", cs[i].help,
		    (double)m->counter[cs[i].c]);
	metrics_single(out, "hotlined_callbacks_waiting", "gauge",
	    "Callback requests nobody has claimed (open or alerted).",
	    m->gauge[METRICS_WAITING]);
	metrics_single(out, "hotlined_callbacks_oldest_wait_seconds", "gauge",
	    "Seconds the oldest unclaimed request has waited (0: none).",
	    m->gauge[METRICS_OLDEST_WAIT]);
	n = "hotlined_outbox_depth";
	metrics_family(out, n, "gauge", "Messages waiting to be sent, by "
	    "kind: alerts to counsellors, SMS replies.");
	evbuffer_add_printf(out, "%s{kind=\"alert\"} %.17g\n", n,
	    m->gauge[METRICS_OUTBOX_ALERTS]);
	evbuffer_add_printf(out, "%s{kind=\"sms\"} %.17g\n", n,
	    m->gauge[METRICS_OUTBOX_TEXTS]);
	metrics_by_name(out, "hotlined_alerts_delivered_total",
	    "Alert deliveries accepted, by transport.", "transport",
	    &m->transports, m->delivered);
	metrics_by_name(out, "hotlined_alerts_failed_total",
	    "Alert deliveries that failed (retried or given up), by "
	    "transport.", "transport", &m->transports, m->failed);
	metrics_by_name(out, "hotlined_sms_parts_sent_total",
	    "SMS parts the gateways took, by encoding.", "encoding",
	    &m->encodings, m->parts);
}

/* The listeners' families: latency, connections, refusals. */
static void
metrics_render_http(const struct metrics *m, struct evbuffer *out)
{
	const struct metrics_hist	*h;
	const char			*n, *l;
	unsigned long long		 cum;
	size_t				 i, b;

	n = "hotlined_http_request_duration_seconds";
	metrics_family(out, n, "histogram", "Time from a request's arrival "
	    "to its reply written, by listener.");
	for (i = 0; i < METRICS_NLISTENERS; i++) {
		h = &m->latency[i];
		l = metrics_listeners[i];
		cum = 0;
		for (b = 0; b < METRICS_NBOUNDS; b++) {
			cum += h->bucket[b];
			evbuffer_add_printf(out, "%s_bucket{listener=\"%s\","
			    "le=\"%g\"} %llu\n", n, l,
			    (double)metrics_bounds[b] / 1000.0, cum);
		}
		evbuffer_add_printf(out, "%s_bucket{listener=\"%s\","
		    "le=\"+Inf\"} %llu\n", n, l, h->count);
		evbuffer_add_printf(out, "%s_sum{listener=\"%s\"} %.3f\n", n,
		    l, (double)h->sum_ms / 1000.0);
		evbuffer_add_printf(out, "%s_count{listener=\"%s\"} %llu\n",
		    n, l, h->count);
	}
	n = "hotlined_http_connections";
	metrics_family(out, n, "gauge", "Connections held, by listener.");
	evbuffer_add_printf(out, "%s{listener=\"webhooks\"} %.17g\n", n,
	    m->gauge[METRICS_CONNECTIONS_WEBHOOK]);
	evbuffer_add_printf(out, "%s{listener=\"api\"} %.17g\n", n,
	    m->gauge[METRICS_CONNECTIONS_API]);
	n = "hotlined_http_limited_total";
	metrics_family(out, n, "counter", "Requests refused for their "
	    "address's rate, by listener.");
	evbuffer_add_printf(out, "%s{listener=\"webhooks\"} %.17g\n", n,
	    m->gauge[METRICS_LIMITED_WEBHOOK]);
	evbuffer_add_printf(out, "%s{listener=\"api\"} %.17g\n", n,
	    m->gauge[METRICS_LIMITED_API]);
}

/* Render everything. */
int
metrics_render(const struct metrics *m, struct evbuffer *out)
{
	const char	*n;

	metrics_render_sessions(m, out);
	metrics_render_callbacks(m, out);
	metrics_render_http(m, out);
	metrics_single(out, "hotlined_store_pending_jobs", "gauge",
	    "Store jobs submitted and not completed.",
	    m->gauge[METRICS_STORE_PENDING]);
	metrics_single(out, "hotlined_lease_held", "gauge",
	    "1 while this daemon sends the alerts and runs the timers (the "
	    "lease of the daemons sharing a database), else 0.",
	    m->gauge[METRICS_LEASE_HELD]);
	n = "hotlined_reloads_total";
	metrics_family(out, n, "counter", "Configuration reloads, by "
	    "result.");
	evbuffer_add_printf(out, "%s{result=\"ok\"} %llu\n", n,
	    m->reloads_ok);
	evbuffer_add_printf(out, "%s{result=\"failed\"} %llu\n", n,
	    m->reloads_failed);
	metrics_single(out, "hotlined_last_reload_success", "gauge",
	    "1 if the last reload succeeded (or none was tried), 0 if it "
	    "failed.", m->reloaded ? m->reload_ok : 1);
	metrics_single(out, "hotlined_last_reload_timestamp_seconds", "gauge",
	    "Unix time of the last reload (0: none).",
	    (double)m->reload_at);
	metrics_single(out, "hotlined_start_time_seconds", "gauge",
	    "Unix time the daemon started.", m->gauge[METRICS_START_TIME]);
	return evbuffer_get_length(out) > 0 ? 0 : -1;
}
