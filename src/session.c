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
#include "conf.h"
#include "engine.h"
#include "hash.h"
#include "log.h"
#include "menu.h"
#include "session.h"

/* The life of a session. */
enum session_state {
	SESSION_ACTIVE,	/* waiting for the caller's next input */
	SESSION_ENDED	/* data wiped; keeps its last reply for retries */
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
};

struct session_table {
	struct event_base	*base;
	uint8_t			 key[HASH_KEY_LEN];
	struct session		**buckets;
	size_t			 nbuckets;	/* a power of two */
	size_t			 count;
	size_t			 live;
	unsigned long long	 next_ref;
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
session_table_new(struct event_base *base)
{
	struct session_table	*t;

	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->base = base;
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
	static const char *names[] = { "active", "ended" };

	if (s->state == st)
		return;
	log_debug("session s%llu: %s -> %s", s->ref, names[s->state],
	    names[st]);
	if (s->state == SESSION_ACTIVE)
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
	if (s->state == SESSION_ACTIVE)
		t->live--;
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

/* Remember this hop and its reply; copy the reply for the caller. */
static enum session_result
session_answer(struct session *s, const struct channel_event *ev,
    char *text, int end, struct channel_reply *reply)
{
	free(s->reply);
	s->reply = text;
	s->reply_end = end;
	s->hop_known = session_hop_id(s->table, ev, s->hops == 0,
	    &s->hop) == 0;
	s->hops++;
	if (ev->history != NULL) {
		session_wipe_str(&s->history);
		s->history = strdup(ev->history);
	}
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

/* Handle one hop. */
enum session_result
session_handle(struct session_table *t, struct conf *conf,
    const struct channel *ch, const struct channel_event *ev,
    struct channel_reply *reply)
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

	if (ev->ended) {
		/* The caller hung up or the gateway gave up: wipe now. */
		free(key);
		if (s != NULL) {
			log_info("session s%llu: ended by the gateway after %zu "
			    "hop%s", s->ref, s->hops, s->hops == 1 ? "" : "s");
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
		return session_answer(s, ev, text, r == ENGINE_END, reply);
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
	if (r == ENGINE_ERROR) {
		session_destroy(s);
		return SESSION_ERR;
	}
	return session_answer(s, ev, text, r == ENGINE_END, reply);
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
