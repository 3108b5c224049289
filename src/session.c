/* SPDX-License-Identifier: ISC */
/*
 * session: a table of USSD sessions keyed by (channel, session id) with a
 * keyed hash, one libevent timer per session, and the per-hop logic around
 * the engine: start, retry detection, history bookkeeping, end, time-out.
 * Logs name a session only by its reference ("s17"), never by its phone
 * number, id or answers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "channel.h"
#include "clock.h"
#include "conf.h"
#include "engine.h"
#include "hash.h"
#include "log.h"
#include "menu.h"
#include "roster.h"
#include "session.h"
#include "store.h"

#define SESSION_WAITERS	4	/* requests waiting on one stored hop */

/* The life of a session. */
enum session_state {
	SESSION_ACTIVE,	/* waiting for the caller's next input */
	SESSION_STORING,/* its callback request is being made durable */
	SESSION_ENDED	/* data wiped; keeps its last reply for retries */
};

/* A request waiting for the outcome of a stored hop. */
struct session_waiter {
	session_reply_cb	 cb;
	void			*arg;
};

struct session {
	struct session_table	*table;
	struct session		*next;		/* hash chain */
	uint64_t		 hash;
	char			*key;		/* channel NUL session id */
	size_t			 keylen;
	unsigned long long	 ref;		/* for logs */
	enum session_state	 state;
	struct conf		*conf;		/* the conf it started with */
	const struct channel	*channel;	/* of that conf */
	struct engine		*engine;
	char			*history;	/* history mode: last seen */
	uint64_t		 hop;		/* keyed hash of the last hop */
	int			 hop_known;
	size_t			 hops;
	char			*reply;
	int			 reply_end;
	time_t			 deadline;	/* absolute limit */
	struct event		*timer;
	struct session_waiter	 waiters[SESSION_WAITERS];
	size_t			 nwaiters;
};

struct session_table {
	struct event_base	*base;
	uint8_t			 key[HASH_KEY_LEN];
	struct session		**buckets;
	size_t			 nbuckets;	/* a power of two */
	size_t			 count;
	size_t			 live;
	size_t			 pending;	/* waiters, all sessions */
	unsigned long long	 next_ref;
	struct store		*store;
	const struct hclock	*clock;
	session_stored_cb	 stored;
	void			*stored_arg;
};

static void	session_timer_cb(evutil_socket_t, short, void *);

/* Seconds on a clock that does not jump. */
static time_t
session_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Overwrite and free a string that may hold personal data. */
static void
session_wipe_str(char **s)
{
	if (*s == NULL)
		return;
	explicit_bzero(*s, strlen(*s));
	free(*s);
	*s = NULL;
}

/* Create a table. */
struct session_table *
session_table_new(struct event_base *base, struct store *st,
    const struct hclock *clock, session_stored_cb stored, void *arg)
{
	struct session_table	*t;

	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->base = base;
	t->store = st;
	t->clock = clock;
	t->stored = stored;
	t->stored_arg = arg;
	t->nbuckets = 256;
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	if (t->buckets == NULL || hash_random_key(t->key) == -1) {
		free(t->buckets);
		free(t);
		return NULL;
	}
	return t;
}

/* Move to a state, logging the transition. */
static void
session_set_state(struct session *s, enum session_state st)
{
	static const char *names[] = { "active", "storing", "ended" };

	if (s->state == st)
		return;
	log_debug("session s%llu: %s -> %s", s->ref, names[s->state],
	    names[st]);
	if (s->state != SESSION_ENDED && st == SESSION_ENDED)
		s->table->live--;
	s->state = st;
}

/* Drop everything a session knows about the caller. */
static void
session_wipe(struct session *s)
{
	engine_free(s->engine);
	s->engine = NULL;
	session_wipe_str(&s->history);
}

/* Unlink from the table and free. */
static void
session_destroy(struct session *s)
{
	struct session_table	*t = s->table;
	struct session		**pp;

	for (pp = &t->buckets[s->hash & (t->nbuckets - 1)]; *pp != NULL;
	    pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	if (s->state != SESSION_ENDED)
		t->live--;
	t->pending -= s->nwaiters;
	t->count--;
	session_wipe(s);
	if (s->timer != NULL)
		event_free(s->timer);
	explicit_bzero(s->key, s->keylen);
	free(s->key);
	free(s->reply);
	conf_unref(s->conf);
	free(s);
}

/* Free all sessions and the table. */
void
session_table_free(struct session_table *t)
{
	size_t	 i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nbuckets; i++)
		while (t->buckets[i] != NULL)
			session_destroy(t->buckets[i]);
	free(t->buckets);
	explicit_bzero(t->key, sizeof(t->key));
	free(t);
}

/* Double the bucket array when the table gets crowded. */
static void
session_grow(struct session_table *t)
{
	struct session	**nb, *s, *next;
	size_t		  n = t->nbuckets * 2, i;

	nb = calloc(n, sizeof(*nb));
	if (nb == NULL)
		return;		/* longer chains, still correct */
	for (i = 0; i < t->nbuckets; i++)
		for (s = t->buckets[i]; s != NULL; s = next) {
			next = s->next;
			s->next = nb[s->hash & (n - 1)];
			nb[s->hash & (n - 1)] = s;
		}
	free(t->buckets);
	t->buckets = nb;
	t->nbuckets = n;
}

/* Build the key "channel\0id" into a new buffer. */
static char *
session_key(const struct channel_event *ev, size_t *lenp)
{
	size_t	 a = strlen(ev->channel), b = strlen(ev->session_id);
	char	*k;

	k = malloc(a + 1 + b + 1);
	if (k == NULL)
		return NULL;
	memcpy(k, ev->channel, a + 1);
	memcpy(k + a + 1, ev->session_id, b + 1);
	*lenp = a + 1 + b;
	return k;
}

/* Find a session by key. */
static struct session *
session_find(struct session_table *t, const char *key, size_t len,
    uint64_t h)
{
	struct session	*s;

	for (s = t->buckets[h & (t->nbuckets - 1)]; s != NULL; s = s->next)
		if (s->hash == h && s->keylen == len &&
		    memcmp(s->key, key, len) == 0)
			return s;
	return NULL;
}

/* Arm the timer for the next idle, absolute or retry-window deadline. */
static void
session_arm(struct session *s)
{
	struct timeval	 tv;
	time_t		 now = session_now(), left;

	if (s->state == SESSION_ENDED)
		left = s->conf->retry_window;
	else {
		left = s->deadline - now;
		if (left > s->conf->idle_timeout)
			left = s->conf->idle_timeout;
		if (left < 0)
			left = 0;
	}
	tv.tv_sec = left;
	tv.tv_usec = 0;
	evtimer_add(s->timer, &tv);
}

/* A session's time is up: an idle or absolute time-out, or end of grace. */
static void
session_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session	*s = arg;

	(void)fd;
	(void)what;
	if (s->state == SESSION_STORING) {
		/* Never drop a request the store has not answered yet. */
		struct timeval tv = { 1, 0 };

		evtimer_add(s->timer, &tv);
		return;
	}
	if (s->state == SESSION_ACTIVE)
		log_info("session s%llu: timed out after %zu hop%s, wiped",
		    s->ref, s->hops, s->hops == 1 ? "" : "s");
	session_destroy(s);
}

/* Insert a new session for ev, holding a reference to conf. */
static struct session *
session_create(struct session_table *t, struct conf *conf,
    const struct channel *ch, char *key, size_t keylen, uint64_t h)
{
	struct session	*s;

	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->timer = evtimer_new(t->base, session_timer_cb, s);
	s->engine = engine_new(ch->menu, &ch->limits);
	if (s->timer == NULL || s->engine == NULL) {
		if (s->timer != NULL)
			event_free(s->timer);
		engine_free(s->engine);
		free(s);
		return NULL;
	}
	s->table = t;
	s->key = key;
	s->keylen = keylen;
	s->hash = h;
	s->ref = ++t->next_ref;
	s->state = SESSION_ACTIVE;
	s->conf = conf_ref(conf);
	s->channel = ch;
	s->deadline = session_now() + conf->max_duration;
	if (t->count >= t->nbuckets)
		session_grow(t);
	s->next = t->buckets[h & (t->nbuckets - 1)];
	t->buckets[h & (t->nbuckets - 1)] = s;
	t->count++;
	t->live++;
	return s;
}

/*
 * The identity of a hop for retry detection: the whole history, or the
 * gateway's hop id, or (first hop of a latest-input gateway) the input.
 * Returns 0 with *out set, or -1 when the hop cannot be told apart.
 */
static int
session_hop_id(struct session_table *t, const struct channel_event *ev,
    int first, uint64_t *out)
{
	const char	*id;
	char		 tag;
	uint8_t		 buf[1];

	if (ev->history != NULL) {
		id = ev->history;
		tag = 'h';
	} else if (ev->hop_id != NULL) {
		id = ev->hop_id;
		tag = 'i';
	} else if (first) {
		id = ev->input != NULL ? ev->input : "";
		tag = 'f';
	} else
		return -1;
	/* Mix the kind in so a history never equals a hop id. */
	buf[0] = (uint8_t)tag;
	*out = hash_siphash(t->key, id, strlen(id)) ^
	    hash_siphash(t->key, buf, 1);
	return 0;
}

/* Remember a hop's identity (for retries) and history. */
static void
session_record_hop(struct session *s, const struct channel_event *ev)
{
	s->hop_known = session_hop_id(s->table, ev, s->hops == 0,
	    &s->hop) == 0;
	s->hops++;
	if (ev->history != NULL) {
		session_wipe_str(&s->history);
		s->history = strdup(ev->history);
	}
}

/* Keep the reply (for retries), end the session if it ends, copy it out. */
static enum session_result
session_settle(struct session *s, char *text, int end,
    struct channel_reply *reply)
{
	free(s->reply);
	s->reply = text;
	s->reply_end = end;
	reply->text = strdup(text);
	reply->end = end;
	if (end) {
		/* Wipe now; keep only the reply for a retried last hop. */
		session_wipe(s);
		session_set_state(s, SESSION_ENDED);
		log_info("session s%llu: ended after %zu hop%s", s->ref,
		    s->hops, s->hops == 1 ? "" : "s");
	}
	session_arm(s);
	return reply->text == NULL ? SESSION_ERR : SESSION_OK;
}

/* Answer with the channel's "expired" END text. */
static enum session_result
session_expired(const struct channel *ch, struct channel_reply *reply)
{
	reply->text = strdup(menu_string(ch->menu, MENU_STR_EXPIRED, 0));
	reply->end = 1;
	return reply->text == NULL ? SESSION_ERR : SESSION_OK;
}

/* Resend the last reply unchanged (an aggregator's retry). */
static enum session_result
session_resend(struct session *s, struct channel_reply *reply)
{
	log_debug("session s%llu: retried hop, same reply", s->ref);
	reply->text = strdup(s->reply);
	reply->end = s->reply_end;
	return reply->text == NULL ? SESSION_ERR : SESSION_OK;
}

/*
 * The latest input of a history-mode hop: what follows the previous
 * history and its separator. When the gateway's history does not extend
 * ours, fall back to the last entry.
 */
static const char *
session_latest(struct session *s, const struct channel_event *ev)
{
	const char	*h = ev->history, *sep = ev->separator, *p, *last;
	size_t		 n, sl = strlen(sep);

	if (s->history == NULL || *s->history == '\0')
		return h;
	n = strlen(s->history);
	if (strncmp(h, s->history, n) == 0 && strncmp(h + n, sep, sl) == 0)
		return h + n + sl;
	log_debug("session s%llu: history does not extend the last one",
	    s->ref);
	last = h;
	for (p = strstr(h, sep); p != NULL; p = strstr(p + sl, sep))
		last = p + sl;
	return last;
}

/* Add a requester waiting for a stored hop's outcome. */
static enum session_result
session_wait(struct session *s, session_reply_cb later, void *arg)
{
	if (later == NULL || s->nwaiters == SESSION_WAITERS)
		return SESSION_ERR;
	s->waiters[s->nwaiters].cb = later;
	s->waiters[s->nwaiters].arg = arg;
	s->nwaiters++;
	s->table->pending++;
	return SESSION_PENDING;
}

/* Hand the final reply to everyone waiting for it. */
static void
session_release(struct session *s, enum session_result r)
{
	struct session_waiter	 w[SESSION_WAITERS];
	struct channel_reply	 rep;
	size_t			 i, n = s->nwaiters;

	/* Copy first: a waiter's callback may re-enter the table. */
	memcpy(w, s->waiters, n * sizeof(w[0]));
	s->table->pending -= n;
	s->nwaiters = 0;
	rep.text = s->reply;
	rep.end = s->reply_end;
	for (i = 0; i < n; i++)
		w[i].cb(r, &rep, w[i].arg);
}

/* The store answered: render the confirmation (or the failure text). */
static void
session_store_done_cb(enum store_rc rc, const struct store_callback *row,
    void *arg)
{
	struct session		*s = arg;
	struct session_table	*t = s->table;
	struct roster_when	 w;
	struct channel_reply	 rep;
	const char		*window;
	char			*text = NULL;
	enum engine_result	 r;
	int			 stored = rc == STORE_OK || rc == STORE_DUP;

	if (stored) {
		window = engine_callback_field(s->engine, MENU_CB_WINDOW);
		if (roster_expected(s->conf->roster, hclock_now(t->clock),
		    window, &w) == -1)
			roster_expected(s->conf->roster, hclock_now(t->clock),
			    NULL, &w);
		log_info("session s%llu: callback request %s %s", s->ref,
		    row->ref, rc == STORE_DUP ? "already stored" : "stored");
		r = engine_callback_done(s->engine, 1, (enum menu_when)w.kind,
		    w.hour, w.minute, w.wday, &text);
	} else {
		log_warnx("session s%llu: callback request could not be "
		    "stored", s->ref);
		r = engine_callback_done(s->engine, 0, MENU_WHEN_UNKNOWN, 0, 0,
		    0, &text);
	}
	memset(&rep, 0, sizeof(rep));
	if (r == ENGINE_ERROR || session_settle(s, text, 1, &rep) !=
	    SESSION_OK) {
		free(rep.text);
		session_release(s, SESSION_ERR);
		session_destroy(s);
		return;
	}
	free(rep.text);
	session_release(s, SESSION_OK);
	if (stored && rc == STORE_OK && t->stored != NULL)
		t->stored(t->stored_arg);
}

/* Overwrite and free a buffer that holds personal data. */
static void
session_wipe_buf(char *b, size_t len)
{
	if (b == NULL)
		return;
	explicit_bzero(b, len);
	free(b);
}

/*
 * What makes two requests the same: the session, the caller and every
 * answer. The store merges only such exact duplicates (a retried hop that
 * escaped the session table); a gateway reusing a session id for another
 * caller, or the same caller answering differently, makes a new request.
 * The store keeps only a keyed hash of it.
 */
static char *
session_dedup(const struct session *s, const struct store_callback *in,
    size_t *lenp)
{
	const char	*part[10];
	char		*b, *p;
	size_t		 i, n = 0, len = s->keylen + 1;

	part[n++] = in->phone;
	part[n++] = in->safe_to_call;
	part[n++] = in->safe_number;
	part[n++] = in->window;
	part[n++] = in->cover;
	part[n++] = in->urgent ? "urgent" : "";
	part[n++] = in->province;
	part[n++] = in->topic;
	for (i = 0; i < n; i++)
		len += (part[i] != NULL ? strlen(part[i]) : 0) + 1;
	b = malloc(len);
	if (b == NULL)
		return NULL;
	memcpy(b, s->key, s->keylen);
	p = b + s->keylen;
	*p++ = '\0';
	for (i = 0; i < n; i++) {
		if (part[i] != NULL) {
			memcpy(p, part[i], strlen(part[i]));
			p += strlen(part[i]);
		}
		*p++ = '\0';	/* NUL-separated: no two lists collide */
	}
	*lenp = len;
	return b;
}

/*
 * The caller finished a callback flow: queue her request for the store.
 * The confirmation is rendered only once the row is durable.
 */
static enum session_result
session_store(struct session *s, const struct channel_event *ev,
    struct channel_reply *reply, session_reply_cb later, void *arg)
{
	struct session_table	*t = s->table;
	struct store_callback	 in;
	const char		*urgent;
	char			*text = NULL, *dedup;
	size_t			 dlen = 0;

	memset(&in, 0, sizeof(in));
	in.channel = s->channel->name;
	in.phone = ev->phone;
	in.safe_to_call = engine_callback_field(s->engine,
	    MENU_CB_SAFE_TO_CALL);
	in.safe_number = engine_callback_field(s->engine, MENU_CB_SAFE_NUMBER);
	in.window = engine_callback_field(s->engine, MENU_CB_WINDOW);
	in.cover = engine_callback_field(s->engine, MENU_CB_COVER);
	urgent = engine_callback_field(s->engine, MENU_CB_URGENT);
	in.urgent = urgent != NULL && strcmp(urgent, "yes") == 0;
	in.province = engine_callback_field(s->engine, MENU_CB_PROVINCE);
	in.topic = engine_callback_field(s->engine, MENU_CB_TOPIC);
	in.lang = s->conf->languages[engine_lang(s->engine)];
	session_record_hop(s, ev);
	dedup = session_dedup(s, &in, &dlen);
	if (t->store == NULL || later == NULL || dedup == NULL ||
	    store_callback_create(t->store, &in, dedup, dlen,
	    (int64_t)s->conf->max_duration + s->conf->retry_window,
	    hclock_now(t->clock), session_store_done_cb, s) == -1) {
		session_wipe_buf(dedup, dlen);
		log_warnx("session s%llu: callback request could not be "
		    "queued", s->ref);
		if (engine_callback_done(s->engine, 0, MENU_WHEN_UNKNOWN, 0, 0,
		    0, &text) == ENGINE_ERROR)
			return SESSION_ERR;
		return session_settle(s, text, 1, reply);
	}
	session_wipe_buf(dedup, dlen);
	session_set_state(s, SESSION_STORING);
	return session_wait(s, later, arg);
}

/* Set the store. */
void
session_table_set_store(struct session_table *t, struct store *st)
{
	t->store = st;
}

/* Forget a requester that went away. */
void
session_forget(struct session_table *t, void *arg)
{
	struct session	*s;
	size_t		 i, j;

	for (i = 0; i < t->nbuckets; i++)
		for (s = t->buckets[i]; s != NULL; s = s->next)
			for (j = 0; j < s->nwaiters; j++) {
				if (s->waiters[j].arg != arg)
					continue;
				s->waiters[j] = s->waiters[--s->nwaiters];
				t->pending--;
				return;
			}
}

/* Replies pending. */
size_t
session_pending(const struct session_table *t)
{
	return t->pending;
}

/* Handle one hop. */
enum session_result
session_handle(struct session_table *t, struct conf *conf,
    const struct channel *ch, const struct channel_event *ev,
    struct channel_reply *reply, session_reply_cb later, void *arg)
{
	struct session		*s;
	enum engine_result	 r;
	char			*key, *text = NULL;
	const char		*in;
	size_t			 keylen;
	uint64_t		 h, hop;

	memset(reply, 0, sizeof(*reply));
	key = session_key(ev, &keylen);
	if (key == NULL)
		return SESSION_ERR;
	h = hash_siphash(t->key, key, keylen);
	s = session_find(t, key, keylen, h);

	if (s != NULL && s->state == SESSION_STORING) {
		/* A retry while her request is being stored: same outcome. */
		free(key);
		return session_wait(s, later, arg);
	}
	if (ev->ended) {
		/* The caller hung up or the gateway gave up: wipe now. */
		free(key);
		if (s != NULL) {
			log_info("session s%llu: ended by the gateway after "
			    "%zu hop%s", s->ref, s->hops,
			    s->hops == 1 ? "" : "s");
			session_destroy(s);
		}
		reply->text = strdup("");
		reply->end = 1;
		return reply->text == NULL ? SESSION_ERR : SESSION_OK;
	}

	if (s != NULL && s->state == SESSION_ACTIVE &&
	    ev->start == CHANNEL_START_NEW && s->hops > 1) {
		/* The gateway starts over under the same id. */
		log_info("session s%llu: restarted by the gateway", s->ref);
		session_destroy(s);
		s = NULL;
	}
	if (s != NULL && session_hop_id(t, ev, s->hops <= 1 &&
	    ev->start != CHANNEL_START_CONTINUE, &hop) == 0 &&
	    s->hop_known && hop == s->hop) {
		free(key);
		return session_resend(s, reply);
	}
	if (s != NULL && s->state == SESSION_ENDED &&
	    ev->start == CHANNEL_START_NEW) {
		/* Not a retry: the id is being used for a new session. */
		session_destroy(s);
		s = NULL;
	}
	if (s != NULL) {
		free(key);
		if (s->state == SESSION_ENDED)
			return session_expired(s->channel, reply);
		in = ev->history != NULL ? session_latest(s, ev) : ev->input;
		r = engine_input(s->engine, in, &text);
		if (r == ENGINE_ERROR) {
			log_warnx("session s%llu: engine failure", s->ref);
			return SESSION_ERR;
		}
		/* Not the node: where a caller went says what she chose. */
		log_debug("session s%llu: hop %zu", s->ref, s->hops + 1);
		if (r == ENGINE_CALLBACK)
			return session_store(s, ev, reply, later, arg);
		session_record_hop(s, ev);
		return session_settle(s, text, r == ENGINE_END, reply);
	}

	if (ev->start == CHANNEL_START_CONTINUE) {
		free(key);
		log_info("channel %s: hop for an unknown or expired session",
		    ch->name);
		return session_expired(ch, reply);
	}
	if (t->live >= conf->max_sessions) {
		free(key);
		log_warnx("channel %s: %zu live sessions, refusing a new one",
		    ch->name, t->live);
		return SESSION_FULL;
	}
	s = session_create(t, conf, ch, key, keylen, h);
	if (s == NULL) {
		free(key);
		return SESSION_ERR;
	}
	log_info("session s%llu: started on channel %s", s->ref, ch->name);
	r = engine_start(s->engine, &text);
	if (r != ENGINE_CONTINUE && r != ENGINE_END) {
		session_destroy(s);
		return SESSION_ERR;
	}
	session_record_hop(s, ev);
	return session_settle(s, text, r == ENGINE_END, reply);
}

/* Sessions held. */
size_t
session_count(const struct session_table *t)
{
	return t->count;
}

/* Live sessions. */
size_t
session_live(const struct session_table *t)
{
	return t->live;
}
