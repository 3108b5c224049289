/* SPDX-License-Identifier: ISC */
/*
 * session: a table of USSD sessions keyed by (channel, session id) with a
 * keyed hash, one libevent timer per session, a least-recently-used list
 * for eviction, and the per-hop logic around the engine: start, retry
 * detection, history bookkeeping, store steps and their waiting requests,
 * end, time-out. Logs name a session only by its reference ("s17"), never
 * by its phone number, id or answers; floods are counted, not logged line
 * by line. The entry points that may go through a shared store, and the
 * hops of shared sessions, are session_shared.c's.
 */
#include <sys/queue.h>

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
#include "hop.h"
#include "intake.h"
#include "log.h"
#include "menu.h"
#include "metrics.h"
#include "phone.h"
#include "ratelimit.h"
#include "secret.h"
#include "session.h"
#include "stats.h"
#include "stats_live.h"
#include "tally.h"

#define SESSION_TALLY	60	/* seconds between flood summaries */
#define SESSION_WHY_BUSY "callers told the line is busy"
#define SESSION_WHY_LIMITED "new sessions of a number over its limit " \
			"told the line is busy"

#include "session_impl.h"

static void	session_timer_cb(evutil_socket_t, short, void *);

/* Seconds on a clock that does not jump. */
time_t
session_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
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
	TAILQ_INIT(&t->lru);
	TAILQ_INIT(&t->waiting);
	TAILQ_INIT(&t->hops);
	TAILQ_INIT(&t->drops);
	t->nbuckets = 256;
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	t->flood = tally_new(base, "sessions", SESSION_TALLY);
	if (t->buckets == NULL || t->flood == NULL ||
	    hash_random_key(t->key) == -1) {
		tally_free(t->flood);
		free(t->buckets);
		free(t);
		return NULL;
	}
	return t;
}

/* Move to a state, logging the transition. */
void
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

/*
 * How long a session waits for the next input, and how long it may last
 * in all: the configuration's seconds for USSD; for an SMS conversation
 * its channel's idle time-out, renewed by every message.
 */
time_t
session_idle(const struct session *s)
{
	if (channel_kind(s->channel) == CHANNEL_SMS)
		return (time_t)channel_idle(s->channel);
	return conf_session(s->conf)->idle_timeout;
}

static time_t
session_lifetime(const struct session *s)
{
	if (channel_kind(s->channel) == CHANNEL_SMS)
		return (time_t)channel_idle(s->channel);
	return conf_session(s->conf)->max_duration;
}

/* Put s last in the use order (it was just used; created: not linked). */
static void
session_touch(struct session *s, int linked)
{
	struct session_table	*t = s->table;

	if (linked)
		TAILQ_REMOVE(&t->lru, s, lru);
	TAILQ_INSERT_TAIL(&t->lru, s, lru);
}

/* What intake needs from s for one step (phone: this hop's, or NULL). */
static void
session_ctx(struct session *s, const char *phone, struct intake_ctx *c)
{
	struct session_table	*t = s->table;
	time_t			 left = s->deadline - session_now();

	memset(c, 0, sizeof(*c));
	c->store = t->store;
	c->roster = conf_roster(s->conf);
	c->clock = t->clock;
	c->metrics = t->metrics;
	c->channel = channel_name(s->channel);
	c->phone = phone;
	c->lang = conf_language(s->conf, s->engine != NULL ?
	    engine_lang(s->engine) : 0);
	c->key = s->key;
	c->keylen = s->keylen;
	c->deadline = hclock_now(t->clock) + (left > 0 ? left : 0);
	c->window = (int64_t)session_lifetime(s) +
	    conf_session(s->conf)->retry_window;
	c->ref = s->ref;
}

/* Count a session's end once, under how (NULL: "other"). */
static void
session_count_end(struct session *s, const char *how)
{
	if (s->counted)
		return;
	s->counted = 1;
	metrics_session_end(s->table->metrics, channel_name(s->channel), how);
}

/*
 * Her session is over before its callback node (how it ended): a request
 * it filed stays, is marked so and becomes due. Then the answers go.
 */
void
session_finish(struct session *s, const char *how)
{
	struct intake_ctx	 c;

	session_count_end(s, how);
	stats_live_end(s->table->stats, channel_name(s->channel), how);
	if (intake_open(s->intake)) {
		session_ctx(s, NULL, &c);
		intake_end(s->intake, &c, how);
		if (s->table->stored != NULL)
			s->table->stored(s->table->stored_arg);
	}
}

/* Drop everything a session knows about the caller. */
void
session_wipe(struct session *s)
{
	/* A retried last hop still gets its reply. */
	if (s->reply != NULL && s->reply != s->reply_own) {
		secret_clear(&s->reply_own);
		s->reply_own = strdup(s->reply);
		s->reply = s->reply_own;
	}
	engine_free(s->engine);
	s->engine = NULL;
	secret_clear(&s->history);
	session_log_wipe(s);
}

/* Take s off the list of sessions with waiters. */
static void
session_unlist(struct session *s)
{
	if (s->listed)
		TAILQ_REMOVE(&s->table->waiting, s, waiting);
	s->listed = 0;
}

/* Unlink from the table and free. */
void
session_destroy(struct session *s)
{
	struct session_table	*t = s->table;
	struct session_waiter	*w;
	struct session		**pp;

	for (pp = &t->buckets[s->hash & (t->nbuckets - 1)]; *pp != NULL;
	    pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	TAILQ_REMOVE(&t->lru, s, lru);
	session_unlist(s);
	session_count_end(s, s->forgotten || s->gone == NULL ? NULL :
	    s->gone);
	if (s->state != SESSION_ENDED)
		t->live--;
	while ((w = s->waiters) != NULL) {
		s->waiters = w->next;
		t->pending--;
		free(w);
	}
	t->count--;
	session_wipe(s);
	intake_free(s->intake);
	if (s->timer != NULL)
		event_free(s->timer);
	explicit_bzero(s->key, s->keylen);
	free(s->key);
	secret_clear(&s->reply_own);
	conf_unref(s->conf);
	free(s);
}

/* End every session, recording requests still taking answers. */
void
session_table_stop(struct session_table *t)
{
	struct session	*s;

	/* Shared: another daemon takes her next hop. */
	if (t->shared)
		return;
	TAILQ_FOREACH(s, &t->lru, lru)
		if (s->state == SESSION_ACTIVE)
			session_finish(s, "stopped");
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
char *
session_key(const char *channel, const char *id, size_t *lenp)
{
	size_t	 a = strlen(channel), b = strlen(id);
	char	*k;

	k = malloc(a + 1 + b + 1);
	if (k == NULL)
		return NULL;
	memcpy(k, channel, a + 1);
	memcpy(k + a + 1, id, b + 1);
	*lenp = a + 1 + b;
	return k;
}

/* Find a session by key. */
struct session *
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
void
session_arm(struct session *s)
{
	struct timeval	 tv;
	time_t		 now = session_now(), left;

	if (s->state == SESSION_ENDED)
		left = conf_session(s->conf)->retry_window;
	else {
		left = s->deadline - now;
		if (left > session_idle(s))
			left = session_idle(s);
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
	/* Shared: only if the state stored is still the one it wrote. */
	if (s->table->expire != NULL && s->version > 0 &&
	    s->table->expire(s) == 0)
		return;
	if (s->state == SESSION_ACTIVE) {
		log_debug("session s%llu: timed out after %zu hop%s, wiped",
		    s->ref, s->hops, s->hops == 1 ? "" : "s");
		session_finish(s, "timeout");
	}
	session_destroy(s);
}

/*
 * Make room for one more session under conf's bound: the least recently
 * used sessions that are not waiting for the store give way (ended ones,
 * which only answer retries, are usually oldest). One whose state is in a
 * shared store only leaves this table: it goes on from the store. Returns
 * 0, or -1 if every session held is storing.
 */
static int
session_make_room(struct session_table *t, const struct conf *conf)
{
	struct session	*s, *next;

	for (s = TAILQ_FIRST(&t->lru); s != NULL &&
	    t->count >= conf_session(conf)->max_sessions; s = next) {
		next = TAILQ_NEXT(s, lru);
		if (s->state == SESSION_STORING)
			continue;
		if (s->state == SESSION_ACTIVE && s->version > 0) {
			/* Shared and stored: her next hop takes it again. */
			tally_add(t->flood, "idle sessions gave way (table "
			    "full)");
			s->counted = 1;
		} else if (s->state == SESSION_ACTIVE) {
			session_finish(s, "evicted");
			tally_add(t->flood, "idle sessions gave way (table "
			    "full)");
		} else
			tally_add(t->flood, "ended sessions gave way (table "
			    "full)");
		session_destroy(s);
	}
	return t->count < conf_session(conf)->max_sessions ? 0 : -1;
}

/*
 * Insert a new session for ev, holding a reference to conf; fresh: a new
 * conversation (counted), else one taken over from another daemon.
 */
struct session *
session_create(struct session_table *t, struct conf *conf,
    const struct channel *ch, char *key, size_t keylen, uint64_t h,
    int fresh)
{
	struct session	*s;

	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->timer = evtimer_new(t->base, session_timer_cb, s);
	s->engine = engine_new(channel_menu(ch), channel_limits(ch));
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
	s->deadline = session_now() + session_lifetime(s);
	if (t->count >= t->nbuckets)
		session_grow(t);
	s->next = t->buckets[h & (t->nbuckets - 1)];
	t->buckets[h & (t->nbuckets - 1)] = s;
	t->count++;
	t->live++;
	session_touch(s, 0);
	if (!fresh)
		return s;
	metrics_session_start(t->metrics, channel_name(ch));
	stats_live_count(t->stats, channel_name(ch), STATS_M_SESSIONS);
	return s;
}

/* Remember a hop's identity (for retries) and history. */
static void
session_record_hop(struct session *s, const struct channel_event *ev)
{
	s->hop_known = hop_id(s->table->key, ev, s->hops == 0,
	    &s->hop) == 0;
	s->hops++;
	metrics_hop(s->table->metrics, channel_name(s->channel));
	if (ev->history != NULL) {
		secret_clear(&s->history);
		s->history = strdup(ev->history);
	}
}

/*
 * Keep the reply (for retries), end the session if it ends, copy it out.
 * An end before the callback node leaves a filed request marked with how.
 */
static enum session_result
session_settle(struct session *s, const char *text, int end,
    struct channel_reply *reply)
{
	/* A screen may read back her number: no copy lingers. */
	secret_clear(&s->reply_own);
	s->reply = text;
	s->reply_end = end;
	reply->text = strdup(text);
	reply->end = end;
	if (end) {
		session_finish(s, s->engine != NULL &&
		    engine_exited(s->engine) ? "quick_exit" : "ended");
		/* Wipe now; keep only the reply for a retried last hop. */
		session_wipe(s);
		session_set_state(s, SESSION_ENDED);
		log_debug("session s%llu: ended after %zu hop%s", s->ref,
		    s->hops, s->hops == 1 ? "" : "s");
	}
	session_arm(s);
	return reply->text == NULL ? SESSION_ERR : SESSION_OK;
}

/* Answer with text, an END screen. */
static enum session_result
session_end_with(const char *text, struct channel_reply *reply)
{
	reply->text = strdup(text);
	reply->end = 1;
	return reply->text == NULL ? SESSION_ERR : SESSION_OK;
}

/* Answer with a tree's "expired" END text. */
static enum session_result
session_expired(const struct channel *ch, struct channel_reply *reply)
{
	return session_end_with(menu_string(channel_menu(ch),
	    MENU_STR_EXPIRED, 0), reply);
}

/* Resend the last reply unchanged (an aggregator's retry). */
static enum session_result
session_resend(struct session *s, struct channel_reply *reply)
{
	log_debug("session s%llu: retried hop, same reply", s->ref);
	if (s->reply == NULL)
		return SESSION_ERR;
	reply->text = strdup(s->reply);
	reply->end = s->reply_end;
	return reply->text == NULL ? SESSION_ERR : SESSION_OK;
}

/* Add a requester waiting for a stored hop's outcome; any number may. */
static enum session_result
session_wait(struct session *s, session_reply_cb later, void *arg)
{
	struct session_table	*t = s->table;
	struct session_waiter	*w;

	if (later == NULL)
		return SESSION_ERR;
	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return SESSION_ERR;
	w->cb = later;
	w->arg = arg;
	w->next = s->waiters;
	s->waiters = w;
	t->pending++;
	if (!s->listed) {
		TAILQ_INSERT_HEAD(&t->waiting, s, waiting);
		s->listed = 1;
	}
	return SESSION_PENDING;
}

/* Hand the reply to everyone waiting for it. */
static void
session_release(struct session *s, enum session_result r)
{
	struct session_waiter	*w, *next;
	struct channel_reply	 rep;

	/* Detach first: a waiter's callback may re-enter the table. */
	w = s->waiters;
	s->waiters = NULL;
	session_unlist(s);
	memset(&rep, 0, sizeof(rep));
	if (r == SESSION_OK && s->reply != NULL)
		rep.text = strdup(s->reply);
	if (r == SESSION_OK && rep.text == NULL)
		r = SESSION_ERR;
	rep.end = s->reply_end;
	for (; w != NULL; w = next) {
		next = w->next;
		s->table->pending--;
		w->cb(r, &rep, w->arg);
		free(w);
	}
	channel_reply_clear(&rep);
}

/* A store step is done: render what follows and answer the waiters. */
static void
session_saved_cb(enum engine_saved saved, const struct menu_when_info *when,
    int kick, void *arg)
{
	struct session		*s = arg;
	struct session_table	*t = s->table;
	struct channel_reply	 rep;
	enum engine_result	 r;
	const char		*text = NULL;
	const char		*gone = s->gone;

	r = engine_stored(s->engine, saved, when, &text);
	if (t->shared && r != ENGINE_ERROR &&
	    session_log_stored(s, saved, when) == -1)
		r = ENGINE_ERROR;
	session_set_state(s, SESSION_ACTIVE);
	memset(&rep, 0, sizeof(rep));
	if (r == ENGINE_ERROR || session_settle(s, text, r == ENGINE_END,
	    &rep) != SESSION_OK) {
		log_warnx("session s%llu: engine failure after a store step",
		    s->ref);
		channel_reply_clear(&rep);
		session_finish(s, "failed");
		session_release(s, SESSION_ERR);
		session_destroy(s);
		return;
	}
	channel_reply_clear(&rep);
	session_release(s, SESSION_OK);
	if (kick && t->stored != NULL)
		t->stored(t->stored_arg);
	if (gone != NULL) {
		/* The gateway ended it while the store worked (or her
		 * number is being forgotten: nothing more is recorded). */
		if (s->state == SESSION_ACTIVE && !s->forgotten)
			session_finish(s, gone);
		session_destroy(s);
	}
}

/*
 * The engine asked for a store step: file or change her request. The
 * next screen is rendered only once the row is durable.
 */
static enum session_result
session_store(struct session *s, const struct channel_event *ev,
    struct channel_reply *reply, session_reply_cb later, void *arg)
{
	struct intake_ctx	 c;
	const char		*text = NULL;
	enum engine_result	 r;

	session_record_hop(s, ev);
	if (s->intake == NULL)
		s->intake = intake_new();
	session_ctx(s, ev->phone, &c);
	if (later == NULL || s->intake == NULL ||
	    intake_save(s->intake, &c, s->engine, session_saved_cb, s) == -1) {
		enum engine_saved saved = intake_filed(s->intake) ?
		    ENGINE_SAVE_FAILED : ENGINE_NOT_FILED;

		log_warnx("session s%llu: callback request could not be "
		    "queued", s->ref);
		r = engine_stored(s->engine, saved, NULL, &text);
		if (r == ENGINE_ERROR || (s->table->shared &&
		    session_log_stored(s, saved, NULL) == -1))
			return SESSION_ERR;
		return session_settle(s, text, r == ENGINE_END, reply);
	}
	session_set_state(s, SESSION_STORING);
	return session_wait(s, later, arg);
}

/* Wipe every session of a number that is being forgotten. */
size_t
session_end_number(struct session_table *t, const char *phone)
{
	struct session	*s, *next;
	uint64_t	 h;
	size_t		 n = 0;

	if (session_phone_hash(t, phone, &h) == -1)
		return 0;
	for (s = TAILQ_FIRST(&t->lru); s != NULL; s = next) {
		next = TAILQ_NEXT(s, lru);
		if (!s->has_phone || s->phone != h)
			continue;
		n++;
		log_info("session s%llu: wiped: its number is forgotten",
		    s->ref);
		session_count_end(s, "forgotten");
		/* Its store job is queued before the forget: it goes too. */
		if (s->state == SESSION_STORING) {
			s->gone = "forgotten";
			s->forgotten = 1;
		} else
			session_destroy(s);
	}
	return n;
}

/* Replies pending. */
size_t
session_pending(const struct session_table *t)
{
	return t->pending + t->nhops;
}

/* Whether channel has a live session under id. */
int
session_exists(struct session_table *t, const char *channel, const char *id)
{
	struct session	*s;
	char		*key;
	size_t		 keylen;
	uint64_t	 h;

	key = session_key(channel, id, &keylen);
	if (key == NULL)
		return 0;
	h = hash_siphash(t->key, key, keylen);
	s = session_find(t, key, keylen, h);
	explicit_bzero(key, keylen);
	free(key);
	return s != NULL && s->state != SESSION_ENDED;
}

/* Handle one hop on the sessions this daemon holds. */
enum session_result
session_hop_local(struct session_table *t, struct conf *conf,
    const struct channel *ch, const struct channel_event *ev,
    struct channel_reply *reply, session_reply_cb later, void *arg)
{
	struct session		*s;
	enum engine_result	 r;
	char			*key;
	const char		*in, *text = NULL, *why;
	size_t			 keylen, page;
	uint64_t		 h, hop;

	memset(reply, 0, sizeof(*reply));
	key = session_key(ev->channel, ev->session_id, &keylen);
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
			log_debug("session s%llu: ended by the gateway after "
			    "%zu hop%s", s->ref, s->hops,
			    s->hops == 1 ? "" : "s");
			if (s->state == SESSION_ACTIVE)
				session_finish(s, "hung_up");
			session_destroy(s);
		}
		return session_end_with("", reply);
	}

	if (s != NULL && s->state == SESSION_ACTIVE &&
	    ev->start == CHANNEL_START_NEW && s->hops > 1) {
		/* The gateway starts over under the same id. */
		log_debug("session s%llu: restarted by the gateway", s->ref);
		session_finish(s, "restarted");
		session_destroy(s);
		s = NULL;
	}
	if (s != NULL && hop_id(t->key, ev, s->hops <= 1 &&
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
		session_touch(s, 1);
		session_note_phone(s, ev->phone);
		if (channel_kind(ch) == CHANNEL_SMS)
			s->deadline = session_now() + session_lifetime(s);
		in = ev->history != NULL ? hop_latest(s->history, ev) :
		    ev->input;
		page = engine_page(s->engine);
		r = engine_input(s->engine, in, &text);
		if (r != ENGINE_ERROR && t->shared &&
		    session_log_input(s, in) == -1)
			r = ENGINE_ERROR;
		if (r == ENGINE_ERROR) {
			log_warnx("session s%llu: engine failure", s->ref);
			return SESSION_ERR;
		}
		if (engine_page(s->engine) > page)
			metrics_page(t->metrics, channel_name(s->channel));
		/* Not the node: where a caller went says what she chose. */
		log_debug("session s%llu: hop %zu", s->ref, s->hops + 1);
		if (r == ENGINE_STORE)
			return session_store(s, ev, reply, later, arg);
		session_record_hop(s, ev);
		return session_settle(s, text, r == ENGINE_END, reply);
	}

	if (ev->start == CHANNEL_START_CONTINUE) {
		free(key);
		tally_add(t->flood, "hops for unknown or expired sessions");
		return session_expired(ch, reply);
	}
	why = session_over_limit(t, ch, ev) ? SESSION_WHY_LIMITED : NULL;
	if (why == NULL && t->count >= conf_session(conf)->max_sessions &&
	    session_make_room(t, conf) == -1)
		why = SESSION_WHY_BUSY;
	if (why != NULL) {
		/* Never an HTTP error: the numbers, and try again later. */
		free(key);
		tally_add(t->flood, why);
		return session_end_with(conf_session(conf)->busy_text, reply);
	}
	s = session_create(t, conf, ch, key, keylen, h, 1);
	if (s == NULL) {
		free(key);
		return SESSION_ERR;
	}
	session_note_phone(s, ev->phone);
	log_debug("session s%llu: started on channel %s", s->ref,
	    channel_name(ch));
	r = engine_start(s->engine, &text);
	if (r != ENGINE_CONTINUE && r != ENGINE_END) {
		session_destroy(s);
		return SESSION_ERR;
	}
	session_record_hop(s, ev);
	return session_settle(s, text, r == ENGINE_END, reply);
}

/* Count into m, and limit numbers by numbers, from now on. */
void
session_table_set_counters(struct session_table *t, struct metrics *m,
    struct ratelimit *numbers)
{
	t->metrics = m;
	t->numbers = numbers;
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

/* Sessions evicted since the start. */
unsigned long long
session_evicted(const struct session_table *t)
{
	return tally_total(t->flood, "idle sessions gave way (table full)") +
	    tally_total(t->flood, "ended sessions gave way (table full)");
}

/* Callers told the line is busy since the start. */
unsigned long long
session_refused(const struct session_table *t)
{
	return tally_total(t->flood, SESSION_WHY_BUSY);
}

/* New sessions refused for their number's limit since the start. */
unsigned long long
session_limited(const struct session_table *t)
{
	return tally_total(t->flood, SESSION_WHY_LIMITED);
}
