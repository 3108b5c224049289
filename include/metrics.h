/* SPDX-License-Identifier: ISC */
/*
 * metrics: the daemon's counters, gauges and request latency histogram,
 * and their rendering in the Prometheus text exposition format (version
 * 0.0.4). Every label set is fixed: label values are channel names,
 * alert transports, listeners, end reasons and encodings, never a number
 * or a text. Counting allocates nothing; a name not seen before takes one
 * of a fixed number of slots (names beyond them count under "other").
 * Who may read the rendering is the caller's business.
 */
#ifndef HOTLINED_METRICS_H
#define HOTLINED_METRICS_H

#include <stddef.h>
#include <stdint.h>

struct evbuffer;
struct metrics;

/* Counters without labels. */
enum metrics_counter {
	METRICS_CB_CREATED,	/* callback requests created */
	METRICS_CB_MERGED,	/* asked again: merged into an open one */
	METRICS_CB_CLAIMED,	/* claims accepted */
	METRICS_CB_COMPLETED,	/* requests completed */
	METRICS_CB_ESCALATED,	/* escalation rounds alerted */
	METRICS_NCOUNTERS
};

/* Gauges and counters the daemon reads from other modules when scraped. */
enum metrics_gauge {
	METRICS_SESSIONS_LIVE,		/* gauge */
	METRICS_SESSIONS_HELD,		/* gauge: live and ended, kept */
	METRICS_SESSIONS_EVICTED,	/* counter */
	METRICS_REFUSED_BUSY,		/* counter: told the line is busy */
	METRICS_LIMITED_USSD,		/* counter: per-number limit */
	METRICS_LIMITED_SMS,		/* counter */
	METRICS_LIMITED_WEBHOOK,	/* counter: per-address limit */
	METRICS_LIMITED_API,		/* counter */
	METRICS_CONNECTIONS_WEBHOOK,	/* gauge */
	METRICS_CONNECTIONS_API,	/* gauge */
	METRICS_STORE_PENDING,		/* gauge: store jobs not done */
	METRICS_WAITING,		/* gauge: requests nobody has */
	METRICS_OLDEST_WAIT,		/* gauge: seconds, its oldest */
	METRICS_OUTBOX_ALERTS,		/* gauge: alerts to send */
	METRICS_OUTBOX_TEXTS,		/* gauge: SMS to send */
	METRICS_START_TIME,		/* gauge: Unix time of the start */
	METRICS_LEASE_HELD,		/* gauge: 1 while this daemon holds
					   the lease */
	METRICS_NGAUGES
};

/* The listeners whose requests are timed. */
enum metrics_listener {
	METRICS_WEBHOOKS,
	METRICS_API,
	METRICS_NLISTENERS
};

/* A new, empty set of metrics, or NULL. */
struct metrics	*metrics_new(void);

void		 metrics_free(struct metrics *m);

/*
 * A session began on channel, or ended (how: session.c's end reasons,
 * "ended", "quick_exit", "timeout", "hung_up" ...; others count as
 * "other"). m may be NULL in all counting functions: nothing is counted.
 */
void		 metrics_session_start(struct metrics *m, const char *channel);
void		 metrics_session_end(struct metrics *m, const char *channel,
		    const char *how);

/* One hop of a session on channel. */
void		 metrics_hop(struct metrics *m, const char *channel);

/* A later page of a screen was shown (the caller chose "more"). */
void		 metrics_page(struct metrics *m, const char *channel);

/* Add one to c. */
void		 metrics_count(struct metrics *m, enum metrics_counter c);

/* An alert delivery through transport went out (ok) or failed. */
void		 metrics_alert(struct metrics *m, const char *transport,
		    int ok);

/* n SMS parts in encoding ("GSM-7", "UCS-2") were sent. */
void		 metrics_sms_parts(struct metrics *m, const char *encoding,
		    size_t n);

/* A request on listener l was answered ms milliseconds after it came. */
void		 metrics_latency(struct metrics *m, enum metrics_listener l,
		    long long ms);

/* A reload at when (Unix time) succeeded (ok) or failed. */
void		 metrics_reload(struct metrics *m, int ok, int64_t when);

/* Set a value read when scraped. */
void		 metrics_set(struct metrics *m, enum metrics_gauge g,
		    double v);

/*
 * Append every metric to out in the text exposition format, each family
 * with its HELP and TYPE lines. 0, or -1 out of memory.
 */
int		 metrics_render(const struct metrics *m, struct evbuffer *out);

#endif
