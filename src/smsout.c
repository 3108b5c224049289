/* SPDX-License-Identifier: ISC */
/*
 * smsout: sending the SMS outbox. A pass asks the store for due rows and
 * starts what the channels' rates allow: per channel a token bucket
 * (rate messages per second, each part one message) and, for a gateway
 * with OAuth, one token request at a time. A number's messages go out in
 * order, one at a time. Each message is measured (text_sms_split) and
 * refused when it is over its channel's part cap; a channel that takes
 * parts one by one (Kannel) gets them in order, with one reference. The
 * result of every attempt is recorded before the next pass takes the row
 * again: sent, retried after a doubling wait, or given up after
 * sms.max_attempts.
 */
#include <sys/queue.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "channel.h"
#include "clock.h"
#include "conf.h"
#include "fetch.h"
#include "lease.h"
#include "log.h"
#include "metrics.h"
#include "secret.h"
#include "sms_conf.h"
#include "smsout.h"
#include "store.h"
#include "tally.h"
#include "text.h"

#define SMSOUT_BATCH	64	/* due rows one pass looks at */
#define SMSOUT_INFLIGHT	32	/* messages being sent at once */
#define SMSOUT_MAX_WAIT	600	/* seconds, the longest retry wait */
#define SMSOUT_PARTS	10	/* the part cap's maximum */
#define SMSOUT_AUTH_GAP	5	/* seconds between failed token requests */

/* What one channel's sending has: its bucket and its token. */
struct smsout_gw {
	SLIST_ENTRY(smsout_gw)	 entry;
	struct smsout		*o;
	char			*name;
	double			 tokens;
	double			 last;		/* monotonic seconds */
	char			*token;		/* OAuth, or NULL */
	double			 token_until;
	double			 auth_after;	/* no request before */
	int			 authing;
	struct conf		*auth_conf;	/* while authing */
};

/*
 * A message waiting for its retry: the number's later messages wait for
 * it, so that they arrive in order.
 */
struct smsout_hold {
	TAILQ_ENTRY(smsout_hold) entry;
	int64_t			 id;
	char			*phone;
};

/* One message being sent. */
struct smsout_job {
	TAILQ_ENTRY(smsout_job)	 entry;
	struct smsout		*o;
	struct conf		*conf;		/* holds ch */
	const struct channel	*ch;
	struct smsout_gw	*gw;
	int64_t			 id;
	int			 attempts;
	char			*phone;
	char			*text;
	char			*msg_id;
	enum text_encoding	 enc;
	struct text_part	 parts[SMSOUT_PARTS];
	size_t			 nparts;
	size_t			 part;		/* being sent, 1-based */
	unsigned		 ref;
	char			*gateway_id;
};

struct smsout {
	struct event_base	*base;
	struct fetch		*fetch;
	struct store		*store;
	const struct hclock	*clock;
	struct conf *const	*confp;
	const struct lease	*lease;		/* NULL: always ours */
	struct metrics		*metrics;	/* or NULL */
	struct event		*tick;
	struct event		*soon;
	int			 busy;		/* a due query is out */
	int			 again;		/* kicked while busy */
	TAILQ_HEAD(, smsout_job) jobs;
	size_t			 njobs;
	TAILQ_HEAD(, smsout_hold) holds;
	SLIST_HEAD(, smsout_gw)	 gws;
	unsigned		 next_ref;
	struct tally		*tally;
};

static void	smsout_pass(struct smsout *);
static void	smsout_send_part(struct smsout_job *);

/* Seconds on a clock that does not jump, with fractions. */
static double
smsout_mono(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The tick. */
static void
smsout_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	smsout_pass(arg);
}

/* Create the sender. */
struct smsout *
smsout_new(struct event_base *base, struct fetch *f, struct store *st,
    const struct hclock *clock, struct conf *const *confp)
{
	struct smsout	*o;

	o = calloc(1, sizeof(*o));
	if (o == NULL)
		return NULL;
	o->base = base;
	o->fetch = f;
	o->store = st;
	o->clock = clock;
	o->confp = confp;
	TAILQ_INIT(&o->jobs);
	TAILQ_INIT(&o->holds);
	SLIST_INIT(&o->gws);
	o->tick = event_new(base, -1, EV_PERSIST, smsout_tick_cb, o);
	o->soon = evtimer_new(base, smsout_tick_cb, o);
	o->tally = tally_new(base, "sms out", 60);
	if (o->tick == NULL || o->soon == NULL || o->tally == NULL) {
		smsout_free(o);
		return NULL;
	}
	return o;
}

/* Start the tick. */
int
smsout_start(struct smsout *o, struct store *st)
{
	struct timeval	 tv = { 1, 0 };

	o->store = st;
	if (event_add(o->tick, &tv) == -1)
		return -1;
	smsout_kick(o);
	return 0;
}

/* Send only under the lease. */
void
smsout_set_lease(struct smsout *o, const struct lease *l)
{
	o->lease = l;
}

/* Count the parts sent into m. */
void
smsout_set_metrics(struct smsout *o, struct metrics *m)
{
	o->metrics = m;
}

/* A pass soon, from the loop (never inside a caller's callback). */
void
smsout_kick(struct smsout *o)
{
	struct timeval	 tv = { 0, 0 };

	if (!lease_held(o->lease)) {
		if (o->store != NULL && store_hint(o->store) == -1)
			log_warnx("sms out: the lease holder cannot be woken "
			    "(its scan finds the texts)");
		return;
	}
	if (o->busy) {
		o->again = 1;
		return;
	}
	evtimer_add(o->soon, &tv);
}

/* Messages being sent. */
size_t
smsout_inflight(const struct smsout *o)
{
	return o->njobs;
}

/* Free a job. */
static void
smsout_job_free(struct smsout_job *j)
{
	TAILQ_REMOVE(&j->o->jobs, j, entry);
	j->o->njobs--;
	secret_clear(&j->phone);
	secret_clear(&j->text);
	free(j->msg_id);
	free(j->gateway_id);
	conf_unref(j->conf);
	free(j);
}

/* Hold (on 1) or release (on 0) the number's later messages behind j. */
static void
smsout_hold(struct smsout *o, int64_t id, const char *phone, int on)
{
	struct smsout_hold	*hd;

	TAILQ_FOREACH(hd, &o->holds, entry)
		if (hd->id == id)
			break;
	if (hd != NULL && !on) {
		TAILQ_REMOVE(&o->holds, hd, entry);
		secret_clear(&hd->phone);
		free(hd);
	} else if (hd == NULL && on && (hd = calloc(1, sizeof(*hd))) != NULL) {
		hd->id = id;
		if ((hd->phone = strdup(phone)) == NULL)
			free(hd);
		else
			TAILQ_INSERT_TAIL(&o->holds, hd, entry);
	}
}

/* Whether an earlier message to phone waits for its retry. */
static int
smsout_held(const struct smsout *o, int64_t id, const char *phone)
{
	const struct smsout_hold	*hd;

	TAILQ_FOREACH(hd, &o->holds, entry)
		if (hd->id < id && strcmp(hd->phone, phone) == 0)
			return 1;
	return 0;
}

/* Free the sender. */
void
smsout_free(struct smsout *o)
{
	struct smsout_gw	*gw;
	struct smsout_hold	*hd;

	if (o == NULL)
		return;
	while (!TAILQ_EMPTY(&o->jobs))
		smsout_job_free(TAILQ_FIRST(&o->jobs));
	while ((hd = TAILQ_FIRST(&o->holds)) != NULL) {
		TAILQ_REMOVE(&o->holds, hd, entry);
		secret_clear(&hd->phone);
		free(hd);
	}
	while ((gw = SLIST_FIRST(&o->gws)) != NULL) {
		SLIST_REMOVE_HEAD(&o->gws, entry);
		secret_clear(&gw->token);
		free(gw->name);
		conf_unref(gw->auth_conf);
		free(gw);
	}
	if (o->tick != NULL)
		event_free(o->tick);
	if (o->soon != NULL)
		event_free(o->soon);
	tally_free(o->tally);
	free(o);
}

/* The sending state of the channel called name (made on first use). */
static struct smsout_gw *
smsout_gw(struct smsout *o, const char *name, unsigned rate)
{
	struct smsout_gw	*gw;

	SLIST_FOREACH(gw, &o->gws, entry)
		if (strcmp(gw->name, name) == 0)
			return gw;
	gw = calloc(1, sizeof(*gw));
	if (gw == NULL || (gw->name = strdup(name)) == NULL) {
		free(gw);
		return NULL;
	}
	gw->o = o;
	gw->tokens = rate;
	gw->last = smsout_mono();
	SLIST_INSERT_HEAD(&o->gws, gw, entry);
	return gw;
}

/*
 * Take cost messages from the channel's bucket (refilled at rate a
 * second, holding at most rate; a message of more parts than that may
 * go when the bucket is full). Returns 0, or -1 to wait.
 */
static int
smsout_take(struct smsout_gw *gw, unsigned rate, size_t cost)
{
	double	 now = smsout_mono();

	gw->tokens += (now - gw->last) * rate;
	gw->last = now;
	if (gw->tokens > rate)
		gw->tokens = rate;
	if (gw->tokens < (double)cost && gw->tokens < (double)rate)
		return -1;
	gw->tokens -= (double)cost;
	return 0;
}

/* The result is on disk: the row may be taken again. */
static void
smsout_recorded_cb(enum store_rc rc, void *arg)
{
	struct smsout_job	*j = arg;
	struct smsout		*o = j->o;

	(void)rc;
	smsout_job_free(j);
	smsout_kick(o);
}

/* Record what sending j came to. */
static void
smsout_finish(struct smsout_job *j, enum store_delivery d, const char *why)
{
	struct smsout		*o = j->o;
	const struct sms_conf	*sc = conf_sms(j->conf);
	int64_t			 now = hclock_now(o->clock), wait;
	int			 i;

	wait = sc->retry_seconds;
	for (i = 0; i < j->attempts && wait < SMSOUT_MAX_WAIT; i++)
		wait *= 2;
	if (wait > SMSOUT_MAX_WAIT)
		wait = SMSOUT_MAX_WAIT;
	if (d == STORE_RETRY && (unsigned)j->attempts + 1 >=
	    sc->max_attempts) {
		d = STORE_GAVE_UP;
		tally_add(o->tally, "messages given up after every try");
	} else if (d == STORE_GAVE_UP)
		tally_add(o->tally, "messages refused by a gateway");
	else if (d == STORE_RETRY)
		tally_add(o->tally, "sends to retry");
	smsout_hold(o, j->id, j->phone, d == STORE_RETRY);
	if (d == STORE_SENT && j->nparts > 0)
		metrics_sms_parts(o->metrics, text_encoding_name(j->enc),
		    j->nparts);
	if (d == STORE_SENT)
		log_debug("sms: channel %s: message %lld sent (%zu part%s)",
		    channel_name(j->ch), (long long)j->id, j->nparts,
		    j->nparts == 1 ? "" : "s");
	else
		log_debug("sms: channel %s: message %lld not sent: %s",
		    channel_name(j->ch), (long long)j->id,
		    why != NULL ? why : "?");
	if (o->store == NULL || store_sms_result(o->store, j->id, d,
	    now + wait, j->gateway_id, why, (int)j->nparts,
	    j->nparts > 0 ? text_encoding_name(j->enc) : NULL, now,
	    smsout_recorded_cb, j) == -1) {
		smsout_job_free(j);
		smsout_kick(o);
	}
}

/* A gateway answered a send. */
static void
smsout_sent_cb(const struct fetch_result *res, void *arg)
{
	struct smsout_job	*j = arg;
	struct channel_answer	 a;
	enum channel_verdict	 v;
	const char		*why = NULL;
	char			*gid = NULL;

	memset(&a, 0, sizeof(a));
	a.status = res->curl_code == 0 ? res->status : 0;
	a.body = res->body != NULL ? res->body : "";
	a.body_len = res->body != NULL ? res->body_len : 0;
	v = channel_send_verdict(j->ch, &a, &gid, &why);
	if (gid != NULL && j->gateway_id == NULL)
		j->gateway_id = gid;
	else
		free(gid);
	switch (v) {
	case CHANNEL_SENT:
		if (channel_split(j->ch) && j->part < j->nparts) {
			j->part++;
			smsout_send_part(j);
			return;
		}
		smsout_finish(j, STORE_SENT, NULL);
		return;
	case CHANNEL_REAUTH:
		secret_clear(&j->gw->token);
		smsout_finish(j, STORE_RETRY, "the token was refused");
		return;
	case CHANNEL_FAILED:
		smsout_finish(j, STORE_GAVE_UP, why != NULL ? why :
		    "refused by the gateway");
		return;
	case CHANNEL_RETRY:
	default:
		smsout_finish(j, STORE_RETRY, why != NULL ? why :
		    res->curl_code != 0 ? "no answer" : "gateway failure");
		return;
	}
}

/* Send the current part (or the whole message). */
static void
smsout_send_part(struct smsout_job *j)
{
	struct channel_sms	 m;
	struct channel_http	 h;
	struct fetch_request	 req;
	char			*part = NULL;
	int			 rc;

	memset(&m, 0, sizeof(m));
	m.to = j->phone;
	m.from = channel_sender(j->ch);
	m.enc = j->enc;
	m.parts = j->nparts;
	m.msg_id = j->msg_id;
	m.report_url = channel_report_url(j->ch);
	m.token = j->gw->token;
	m.text = j->text;
	if (channel_split(j->ch)) {
		part = strndup(j->text + j->parts[j->part - 1].off,
		    j->parts[j->part - 1].len);
		if (part == NULL) {
			smsout_finish(j, STORE_RETRY, "out of memory");
			return;
		}
		m.text = part;
		m.part = j->part;
		m.ref = j->ref;
	}
	rc = channel_send_build(j->ch, &m, &h);
	secret_clear(&part);
	if (rc == -1) {
		smsout_finish(j, STORE_GAVE_UP, "the request cannot be built");
		return;
	}
	memset(&req, 0, sizeof(req));
	req.method = h.method;
	req.url = h.url;
	req.headers = (const char *const *)h.headers;
	req.body = h.body;
	req.body_len = h.body_len;
	rc = fetch_start(j->o->fetch, &req, smsout_sent_cb, j);
	channel_http_clear(&h);
	if (rc == -1)
		smsout_finish(j, STORE_RETRY, "cannot start a transfer");
}

/* A token request was answered. */
static void
smsout_authed_cb(const struct fetch_result *res, void *arg)
{
	struct smsout_gw	*gw = arg;
	const struct channel	*ch;
	struct channel_answer	 a;
	char			*token = NULL;
	long			 ttl = 0;

	gw->authing = 0;
	ch = conf_channel_by_name(gw->auth_conf, gw->name);
	memset(&a, 0, sizeof(a));
	a.status = res->curl_code == 0 ? res->status : 0;
	a.body = res->body != NULL ? res->body : "";
	a.body_len = res->body != NULL ? res->body_len : 0;
	if (ch == NULL || channel_auth_parse(ch, &a, &token, &ttl) == -1) {
		/* Counted, not logged each time: it is asked every 5 s. */
		tally_add(gw->o->tally, "token requests that failed (check "
		    "the channel's credentials and token URL)");
		gw->auth_after = smsout_mono() + SMSOUT_AUTH_GAP;
	} else {
		secret_clear(&gw->token);
		gw->token = token;
		gw->token_until = smsout_mono() + (ttl > 0 ? ttl : 3600);
		log_debug("sms: channel %s: new token, valid %lds", gw->name,
		    ttl);
	}
	conf_unref(gw->auth_conf);
	gw->auth_conf = NULL;
	smsout_kick(gw->o);
}

/*
 * Whether the channel's token is good for a while; if not, ask for one
 * (once at a time). Returns 1 when sends may go.
 */
static int
smsout_authorised(struct smsout *o, const struct channel *ch,
    struct smsout_gw *gw)
{
	struct channel_http	 h;
	struct fetch_request	 req;
	double			 now = smsout_mono();
	int			 rc;

	if (!channel_needs_auth(ch))
		return 1;
	if (gw->token != NULL && now < gw->token_until - 30)
		return 1;
	if (gw->authing || now < gw->auth_after)
		return 0;
	if (channel_auth_build(ch, &h) == -1) {
		gw->auth_after = now + SMSOUT_AUTH_GAP;
		return 0;
	}
	memset(&req, 0, sizeof(req));
	req.method = h.method;
	req.url = h.url;
	req.headers = (const char *const *)h.headers;
	req.body = h.body;
	req.body_len = h.body_len;
	gw->auth_conf = conf_ref(*o->confp);
	rc = fetch_start(o->fetch, &req, smsout_authed_cb, gw);
	channel_http_clear(&h);
	if (rc == -1) {
		conf_unref(gw->auth_conf);
		gw->auth_conf = NULL;
		gw->auth_after = now + SMSOUT_AUTH_GAP;
		return 0;
	}
	gw->authing = 1;
	return 0;
}

/* Whether row id is being sent, or a message to phone is. */
static int
smsout_busy(const struct smsout *o, int64_t id, const char *phone)
{
	const struct smsout_job	*j;

	TAILQ_FOREACH(j, &o->jobs, entry)
		if (j->id == id || strcmp(j->phone, phone) == 0)
			return 1;
	return 0;
}

/* Give up a row without sending it: record why. */
static void
smsout_refuse(struct smsout *o, const struct store_sms *r, const char *why)
{
	tally_add(o->tally, why);
	smsout_hold(o, r->id, r->phone, 0);
	if (store_sms_result(o->store, r->id, STORE_GAVE_UP, 0, NULL, why, 0,
	    NULL, hclock_now(o->clock), NULL, NULL) == -1)
		log_warnx("sms: a result could not be recorded");
}

/*
 * Start sending row r if its channel, rate and token allow. Returns 0 when
 * started or refused for good, -1 when it must wait for a later pass.
 */
static int
smsout_start_row(struct smsout *o, const struct store_sms *r)
{
	struct conf		*c = *o->confp;
	const struct channel	*ch;
	struct smsout_gw	*gw;
	struct smsout_job	*j;
	enum text_encoding	 enc;
	size_t			 n;

	ch = conf_channel_by_name(c, r->channel);
	if (ch == NULL || !channel_can_send(ch)) {
		smsout_refuse(o, r, "messages for a channel that no longer "
		    "sends");
		return 0;
	}
	n = text_sms_split(r->text, strlen(r->text), &enc, NULL, 0);
	if (n == 0 || n > channel_max_parts(ch) || n > SMSOUT_PARTS) {
		smsout_refuse(o, r, "messages over the channel's part cap");
		return 0;
	}
	if ((gw = smsout_gw(o, r->channel, channel_rate(ch))) == NULL ||
	    !smsout_authorised(o, ch, gw) ||
	    smsout_take(gw, channel_rate(ch), n) == -1)
		return -1;
	j = calloc(1, sizeof(*j));
	if (j == NULL)
		return -1;
	j->o = o;
	j->conf = conf_ref(c);
	j->ch = ch;
	j->gw = gw;
	j->id = r->id;
	j->attempts = r->attempts;
	j->phone = strdup(r->phone);
	j->text = strdup(r->text);
	j->msg_id = strdup(r->msg_id);
	j->nparts = text_sms_split(r->text, strlen(r->text), &j->enc,
	    j->parts, SMSOUT_PARTS);
	j->part = 1;
	j->ref = o->next_ref++ & 0xff;
	TAILQ_INSERT_TAIL(&o->jobs, j, entry);
	o->njobs++;
	if (j->phone == NULL || j->text == NULL || j->msg_id == NULL) {
		smsout_job_free(j);
		return -1;
	}
	smsout_send_part(j);
	return 0;
}

/* Due rows came. */
static void
smsout_due_cb(enum store_rc rc, const struct store_sms *rows, size_t n,
    void *arg)
{
	struct smsout	*o = arg;
	size_t		 i, k;
	int		 held;

	o->busy = 0;
	if (rc == STORE_OK)
		for (i = 0; i < n && o->njobs < SMSOUT_INFLIGHT; i++) {
			/* One number's messages in order, one at a time. */
			for (k = 0, held = 0; k < i && !held; k++)
				held = strcmp(rows[k].phone,
				    rows[i].phone) == 0;
			if (held || smsout_busy(o, rows[i].id, rows[i].phone) ||
			    smsout_held(o, rows[i].id, rows[i].phone))
				continue;
			smsout_start_row(o, &rows[i]);
		}
	if (o->again) {
		o->again = 0;
		smsout_kick(o);
	}
}

/* Look at the outbox. */
static void
smsout_pass(struct smsout *o)
{
	if (o->store == NULL || o->busy || !lease_held(o->lease))
		return;
	if (store_sms_due(o->store, hclock_now(o->clock), SMSOUT_BATCH,
	    smsout_due_cb, o) == -1)
		return;
	o->busy = 1;
}
