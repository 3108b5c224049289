/* SPDX-License-Identifier: ISC */
/*
 * session_shared: the session table's entry points that may go through
 * the store (session_handle, session_gateway_end, session_forget,
 * session_table_set_store, session_table_free), and USSD sessions shared
 * through a store several daemons share (PostgreSQL). A hop reads the
 * session's state from the store, takes it into this daemon's table
 * unless the session held here is at that state already, runs as one
 * daemon's hop (session_hop_local), and
 * writes the state back over the version it read before its reply goes
 * out (session_state.c writes and reads the state). A
 * write that finds the version moved on (another daemon took a retry of
 * the same hop) lets go of what was done here and runs the hop again on
 * the state now stored, where it is a retry: the reply stored is sent,
 * and nothing is stepped twice. A request the hop files is the store's to
 * de-duplicate (its key is the session's), so filing it again, here or
 * on another daemon, finds the first. Timers stay this daemon's: a
 * session whose time is up is deleted from the store only at the version
 * this daemon wrote, and ended (its request marked) only if it was.
 */
#include <sys/queue.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "channel.h"
#include "conf.h"
#include "engine.h"
#include "hash.h"
#include "intake.h"
#include "log.h"
#include "menu.h"
#include "phone.h"
#include "secret.h"
#include "session.h"
#include "store.h"
#include "tally.h"

#include "session_impl.h"

#define SESSION_SHARE_TRIES	3	/* runs of one hop */
#define SESSION_SHARE_GRACE	30	/* s a state outlives its timers */
#define SESSION_SHARE_NSTR	7	/* strings of an event copied */

/* One hop of a shared session on its way through the store. */
struct session_hop {
	TAILQ_ENTRY(session_hop) entry;
	struct session_table	*t;
	struct conf		*conf;
	const struct channel	*ch;
	struct channel_event	 ev;		/* strings: the copies */
	char			*copies[SESSION_SHARE_NSTR];
	char			*key;
	size_t			 keylen;
	uint64_t		 hash;
	session_reply_cb	 later;		/* NULL once forgotten */
	void			*arg;
	int64_t			 version;	/* as read */
	int			 tries;
	int			 dropping;	/* the write is a delete */
	struct channel_reply	 reply;
};

/*
 * A session whose time is up while its state is deleted, or one the
 * gateway ended (how) while its state is taken out.
 */
struct session_drop {
	TAILQ_ENTRY(session_drop) entry;	/* on the table's drops */
	struct session_table	*t;
	char			*key;
	size_t			 keylen;
	uint64_t		 hash;
	int64_t			 version;
	const char		*how;
	unsigned long long	 ref;		/* the session held at the
						   notice, or 0 */
};

static void	session_share_read(struct session_hop *);
static int	session_dropping(struct session_table *, const char *, size_t,
		    uint64_t);

/* Let go of a session another daemon moved on: no end, no count. */
static void
session_let_go(struct session *s)
{
	if (s->state == SESSION_STORING)
		return;		/* its outcome is handed out first */
	log_debug("session s%llu: moved on by another daemon", s->ref);
	s->counted = 1;
	session_destroy(s);
}

/* Free a hop (its copies wiped). */
static void
session_hop_free(struct session_hop *hop)
{
	size_t	 i;

	TAILQ_REMOVE(&hop->t->hops, hop, entry);
	hop->t->nhops--;
	for (i = 0; i < SESSION_SHARE_NSTR; i++)
		secret_clear(&hop->copies[i]);
	if (hop->key != NULL) {
		explicit_bzero(hop->key, hop->keylen);
		free(hop->key);
	}
	channel_reply_clear(&hop->reply);
	conf_unref(hop->conf);
	free(hop);
}

/* Copy src into the hop's slot i; 0, or -1 out of memory. */
static int
session_hop_copy(struct session_hop *hop, size_t i, const char *src,
    const char **dst)
{
	*dst = NULL;
	if (src == NULL)
		return 0;
	hop->copies[i] = strdup(src);
	*dst = hop->copies[i];
	return hop->copies[i] == NULL ? -1 : 0;
}

/* A hop of ev to take through the store. */
static struct session_hop *
session_hop_new(struct session_table *t, struct conf *conf,
    const struct channel *ch, const struct channel_event *ev, char *key,
    size_t keylen, uint64_t h)
{
	struct session_hop	*hop;
	struct channel_event	*c;
	int			 bad = 0;

	hop = calloc(1, sizeof(*hop));
	if (hop == NULL)
		return NULL;
	hop->t = t;
	hop->key = key;
	hop->keylen = keylen;
	hop->hash = h;
	hop->ch = ch;
	hop->conf = conf_ref(conf);
	TAILQ_INSERT_TAIL(&t->hops, hop, entry);
	t->nhops++;
	c = &hop->ev;
	c->start = ev->start;
	c->ended = ev->ended;
	bad |= session_hop_copy(hop, 0, ev->channel, &c->channel);
	bad |= session_hop_copy(hop, 1, ev->session_id, &c->session_id);
	bad |= session_hop_copy(hop, 2, ev->phone, &c->phone);
	bad |= session_hop_copy(hop, 3, ev->hop_id, &c->hop_id);
	bad |= session_hop_copy(hop, 4, ev->input, &c->input);
	bad |= session_hop_copy(hop, 5, ev->history, &c->history);
	bad |= session_hop_copy(hop, 6, ev->separator, &c->separator);
	if (bad) {
		session_hop_free(hop);
		return NULL;
	}
	return hop;
}

/* Hand the hop's reply (or r's failure) to its requester, then free it. */
static void
session_share_deliver(struct session_hop *hop, enum session_result r)
{
	if (r == SESSION_OK && hop->reply.text == NULL)
		r = SESSION_ERR;
	if (hop->later != NULL)
		hop->later(r, &hop->reply, hop->arg);
	session_hop_free(hop);
}

/* Answer with an END text of the hop's tree or conf, never an error. */
static void
session_share_end_with(struct session_hop *hop, const char *text)
{
	channel_reply_clear(&hop->reply);
	hop->reply.text = strdup(text);
	hop->reply.end = 1;
	session_share_deliver(hop, SESSION_OK);
}

/*
 * Take the state another daemon stored into a session of this table.
 * NULL when it cannot be taken (logged) or, with *oom set, when memory
 * ran out first (the state stays for the next try).
 */
static struct session *
session_share_take(struct session_hop *hop, const char *state,
    int64_t version, int *oom)
{
	struct session_table	*t = hop->t;
	struct session		*s;
	char			*key;
	int			 ended;

	*oom = 1;
	key = malloc(hop->keylen + 1);
	if (key == NULL)
		return NULL;
	memcpy(key, hop->key, hop->keylen + 1);
	s = session_create(t, hop->conf, hop->ch, key, hop->keylen,
	    hop->hash, 0);
	if (s == NULL) {
		free(key);
		return NULL;
	}
	*oom = 0;
	if (session_state_decode(s, state, session_now(), time(NULL),
	    &ended) == -1) {
		log_info("session s%llu: the state another daemon stored "
		    "cannot be taken (its menu changed?): the session ends",
		    s->ref);
		s->counted = 1;
		session_destroy(s);
		return NULL;
	}
	s->version = version;
	if (ended) {
		session_wipe(s);
		session_set_state(s, SESSION_ENDED);
	}
	session_arm(s);
	log_debug("session s%llu: taken over at hop %zu", s->ref, s->hops);
	return s;
}

/* The state was written (or deleted), or found moved on. */
static void
session_share_wrote_cb(enum store_rc rc, size_t told, void *arg)
{
	struct session_hop	*hop = arg;
	struct session_table	*t = hop->t;
	struct session		*s;

	s = session_find(t, hop->key, hop->keylen, hop->hash);
	if (rc != STORE_OK) {
		/* Her next hop is right only on this daemon. */
		log_warnx("session s%llu: its state could not be written to "
		    "the shared store", s != NULL ? s->ref : 0ULL);
		session_share_deliver(hop, SESSION_OK);
		return;
	}
	if (told == 1 || hop->dropping) {
		if (told == 1 && s != NULL && !hop->dropping)
			s->version = hop->version + 1;
		session_share_deliver(hop, SESSION_OK);
		return;
	}
	/*
	 * A hop of this daemon wrote it since (a retry answered here at the
	 * same time): the reply stands, from the same state.
	 */
	if (s != NULL && s->version > hop->version) {
		session_share_deliver(hop, SESSION_OK);
		return;
	}
	/* Another daemon took this hop first: its outcome is the one. */
	if (s != NULL)
		session_let_go(s);
	if (hop->later == NULL) {
		session_share_deliver(hop, SESSION_OK);
		return;
	}
	if (++hop->tries >= SESSION_SHARE_TRIES) {
		log_warnx("session: a shared session kept moving on under "
		    "this daemon: its reply is sent unstored");
		session_share_deliver(hop, SESSION_OK);
		return;
	}
	channel_reply_clear(&hop->reply);
	session_share_read(hop);
}

/* Write what the hop left of the session (or delete it, gone). */
static void
session_share_write(struct session_hop *hop)
{
	struct session_table	*t = hop->t;
	struct session		*s;
	char			 phone[32], *state;
	const char		*number = NULL;
	time_t			 now = session_now(), left;
	int			 rc;

	s = session_find(t, hop->key, hop->keylen, hop->hash);
	if (s == NULL || s->state == SESSION_STORING) {
		if (s != NULL || hop->version == 0) {
			session_share_deliver(hop, SESSION_OK);
			return;
		}
		hop->dropping = 1;
		if (store_session_drop(t->store, hop->key, hop->keylen,
		    hop->version, session_share_wrote_cb, hop) == -1)
			session_share_wrote_cb(STORE_ERR, 0, hop);
		return;
	}
	if (s->version > hop->version) {
		/* Written since by a retry of this hop here: nothing new. */
		session_share_deliver(hop, SESSION_OK);
		return;
	}
	if (s->state == SESSION_ENDED)
		left = conf_session(s->conf)->retry_window;
	else {
		left = s->deadline - now;
		if (left > session_idle(s))
			left = session_idle(s);
	}
	if (left < 0)
		left = 0;
	if (hop->ev.phone != NULL && phone_stored(hop->ev.phone, phone,
	    sizeof(phone)) == 0)
		number = phone;
	state = session_state_encode(s, now, time(NULL));
	rc = state == NULL ? -1 : store_session_put(t->store, hop->key,
	    hop->keylen, hop->version, state, number, (int64_t)time(NULL) +
	    left + SESSION_SHARE_GRACE, session_share_wrote_cb, hop);
	secret_clear(&state);
	explicit_bzero(phone, sizeof(phone));
	if (rc == -1)
		session_share_wrote_cb(STORE_ERR, 0, hop);
}

/* The hop ran on this table: keep its reply, then write. */
static void
session_share_ran_cb(enum session_result r, const struct channel_reply *rep,
    void *arg)
{
	struct session_hop	*hop = arg;

	if (r != SESSION_OK || rep->text == NULL) {
		session_share_deliver(hop, SESSION_ERR);
		return;
	}
	channel_reply_clear(&hop->reply);
	hop->reply.text = strdup(rep->text);
	hop->reply.end = rep->end;
	if (hop->reply.text == NULL) {
		session_share_deliver(hop, SESSION_ERR);
		return;
	}
	if (hop->reply.end && hop->later != NULL) {
		/*
		 * The conversation is over (what she filed is on disk): the
		 * END need not wait for its state. A retry elsewhere in the
		 * meantime plays the same hop again, to the same screen.
		 */
		hop->later(SESSION_OK, &hop->reply, hop->arg);
		hop->later = NULL;
	}
	session_share_write(hop);
}

/* The state is read: take it, run the hop on it, write it back. */
static void
session_share_read_cb(enum store_rc rc, int64_t version, const char *state,
    void *arg)
{
	struct session_hop	*hop = arg;
	struct session_table	*t = hop->t;
	struct session		*s;
	struct channel_reply	 rep;
	enum session_result	 r;
	int			 oom;

	s = session_find(t, hop->key, hop->keylen, hop->hash);
	if (rc != STORE_OK && rc != STORE_NOTFOUND) {
		/*
		 * The database does not answer: nobody can move the session
		 * on meanwhile, so the one held here goes on (its store steps
		 * fail honestly, as with one daemon); without one, the busy
		 * text, never an HTTP error.
		 */
		if (s == NULL) {
			log_warnx("session: a shared session's state cannot "
			    "be read: the caller is told the line is busy");
			session_share_end_with(hop,
			    conf_session(hop->conf)->busy_text);
			return;
		}
		version = s->version;
	}
	hop->version = rc == STORE_NOTFOUND ? 0 : version;
	if (s != NULL && s->state != SESSION_STORING &&
	    s->version != hop->version) {
		session_let_go(s);
		s = NULL;
	}
	if (s == NULL && rc == STORE_OK &&
	    session_share_take(hop, state, version, &oom) == NULL) {
		if (oom) {
			session_share_end_with(hop,
			    conf_session(hop->conf)->busy_text);
			return;
		}
		hop->dropping = 1;
		channel_reply_clear(&hop->reply);
		hop->reply.text = strdup(menu_string(channel_menu(hop->ch),
		    MENU_STR_EXPIRED, 0));
		hop->reply.end = 1;
		if (store_session_drop(t->store, hop->key, hop->keylen,
		    hop->version, session_share_wrote_cb, hop) == -1)
			session_share_wrote_cb(STORE_ERR, 0, hop);
		return;
	}
	memset(&rep, 0, sizeof(rep));
	r = session_hop_local(t, hop->conf, hop->ch, &hop->ev, &rep,
	    session_share_ran_cb, hop);
	if (r != SESSION_PENDING)
		session_share_ran_cb(r, &rep, hop);
	channel_reply_clear(&rep);
}

/* Read the hop's session state (again). */
static void
session_share_read(struct session_hop *hop)
{
	if (store_session_get(hop->t->store, hop->key, hop->keylen,
	    session_dropping(hop->t, hop->key, hop->keylen, hop->hash),
	    session_share_read_cb, hop) == -1)
		session_share_read_cb(STORE_ERR, 0, NULL, hop);
}

/* A drop of key for the table (key taken); NULL out of memory. */
static struct session_drop *
session_drop_new(struct session_table *t, char *key, size_t keylen,
    uint64_t h)
{
	struct session_drop	*d;

	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return NULL;
	d->t = t;
	d->key = key;
	d->keylen = keylen;
	d->hash = h;
	TAILQ_INSERT_TAIL(&t->drops, d, entry);
	return d;
}

/* Whether the state of key is being deleted by this daemon. */
static int
session_dropping(struct session_table *t, const char *key, size_t keylen,
    uint64_t h)
{
	struct session_drop	*d;

	TAILQ_FOREACH(d, &t->drops, entry)
		if (d->hash == h && d->keylen == keylen &&
		    memcmp(d->key, key, keylen) == 0)
			return 1;
	return 0;
}

/* Free a drop (its key wiped). */
static void
session_drop_free(struct session_drop *d)
{
	TAILQ_REMOVE(&d->t->drops, d, entry);
	explicit_bzero(d->key, d->keylen);
	free(d->key);
	free(d);
}

/* A session's time is up: delete its state if it is still ours. */
static void
session_share_dropped_cb(enum store_rc rc, size_t told, void *arg)
{
	struct session_drop	*d = arg;
	struct session		*s;

	s = session_find(d->t, d->key, d->keylen, d->hash);
	if (s != NULL && s->version == d->version &&
	    s->state != SESSION_STORING) {
		if (rc == STORE_OK && told == 0)
			session_let_go(s);
		else {
			if (s->state == SESSION_ACTIVE) {
				log_debug("session s%llu: timed out after "
				    "%zu hop%s, wiped", s->ref, s->hops,
				    s->hops == 1 ? "" : "s");
				session_finish(s, "timeout");
			}
			session_destroy(s);
		}
	} else if (s != NULL)
		s->dropping = 0;
	session_drop_free(d);
}

/* Start deleting the state of a session whose time is up. 0, or -1. */
static int
session_share_expire(struct session *s)
{
	struct session_drop	*d;

	char			*key;

	if (s->dropping)
		return 0;
	key = malloc(s->keylen + 1);
	if (key == NULL)
		return -1;
	memcpy(key, s->key, s->keylen + 1);
	d = session_drop_new(s->table, key, s->keylen, s->hash);
	if (d == NULL) {
		free(key);
		return -1;
	}
	d->version = s->version;
	if (store_session_drop(s->table->store, s->key, s->keylen,
	    s->version, session_share_dropped_cb, d) == -1) {
		session_drop_free(d);
		return -1;
	}
	s->dropping = 1;
	return 0;
}

/*
 * The state of a session the gateway ended is out of the store: end the
 * session here if this is where it is, else record how it ended on the
 * request it filed elsewhere.
 */
static void
session_share_ended_cb(enum store_rc rc, int64_t version, const char *state,
    void *arg)
{
	struct session_drop	*d = arg;
	struct session_table	*t = d->t;
	struct session		*s;
	struct intake_ctx	 c;
	struct intake		*in;
	int64_t			 id;
	char			 ref[16];
	int			 ended;

	s = session_find(t, d->key, d->keylen, d->hash);
	/* Not one begun since (an SMS conversation is never shared). */
	if (s != NULL && (d->ref != 0 ? s->ref != d->ref :
	    channel_kind(s->channel) != CHANNEL_USSD))
		s = NULL;
	if (s != NULL && (s->state == SESSION_STORING || s->version ==
	    (rc == STORE_OK ? version : 0))) {
		log_debug("session s%llu: ended by the gateway (%s) after "
		    "%zu hop%s", s->ref, d->how, s->hops,
		    s->hops == 1 ? "" : "s");
		if (s->state == SESSION_STORING)
			s->gone = d->how;
		else {
			if (s->state == SESSION_ACTIVE)
				session_finish(s, d->how);
			session_destroy(s);
		}
	} else {
		if (s != NULL)
			session_let_go(s);
		if (rc == STORE_OK && session_state_request(state, &id, ref,
		    sizeof(ref), &ended) == 1 && !ended &&
		    (in = intake_restore(id, ref, 0)) != NULL) {
			memset(&c, 0, sizeof(c));
			c.store = t->store;
			c.clock = t->clock;
			intake_end(in, &c, d->how);
			intake_free(in);
			if (t->stored != NULL)
				t->stored(t->stored_arg);
		}
	}
	session_drop_free(d);
}

/* The gateway ended a shared session: take its state out of the store. */
static void
session_share_gateway_end(struct session_table *t, char *key, size_t keylen,
    uint64_t h, const char *how, unsigned long long ref)
{
	struct session_drop	*d;

	d = session_drop_new(t, key, keylen, h);
	if (d == NULL) {
		explicit_bzero(key, keylen);
		free(key);
		return;
	}
	d->how = how;
	d->ref = ref;
	if (store_session_end(t->store, key, keylen, session_share_ended_cb,
	    d) == -1) {
		log_warnx("session: a gateway's end notice could not be "
		    "recorded");
		session_drop_free(d);
	}
}

/* Start a hop through the store. */
static enum session_result
session_share_start(struct session_table *t, struct conf *conf,
    const struct channel *ch, const struct channel_event *ev, char *key,
    size_t keylen, uint64_t h, session_reply_cb later, void *arg)
{
	struct session_hop	*hop;

	hop = session_hop_new(t, conf, ch, ev, key, keylen, h);
	if (hop == NULL) {
		explicit_bzero(key, keylen);
		free(key);
		return SESSION_ERR;
	}
	hop->later = later;
	hop->arg = arg;
	session_share_read(hop);
	return SESSION_PENDING;
}

/* Forget the requester of a hop on its way; 1 if one was found. */
static int
session_share_forget(struct session_table *t, void *arg)
{
	struct session_hop	*hop;

	TAILQ_FOREACH(hop, &t->hops, entry)
		if (hop->later != NULL && hop->arg == arg) {
			hop->later = NULL;
			return 1;
		}
	return 0;
}

/* Free the hops still on their way (the store is gone). */
static void
session_share_free_all(struct session_table *t)
{
	while (!TAILQ_EMPTY(&t->hops))
		session_hop_free(TAILQ_FIRST(&t->hops));
}

/* Free all sessions and the table. */
void
session_table_free(struct session_table *t)
{
	size_t	 i;

	if (t == NULL)
		return;
	session_share_free_all(t);
	for (i = 0; i < t->nbuckets; i++)
		while (t->buckets[i] != NULL)
			session_destroy(t->buckets[i]);
	free(t->buckets);
	tally_free(t->flood);
	explicit_bzero(t->key, sizeof(t->key));
	free(t);
}

/* Set the store and the donor report's counts. */
void
session_table_set_store(struct session_table *t, struct store *st,
    struct stats_live *sl)
{
	t->store = st;
	t->stats = sl;
	/* Daemons that share sessions must know the same hops. */
	t->shared = st != NULL && store_shared(st);
	if (t->shared && store_derive_key(st, "session hops", t->key,
	    sizeof(t->key)) == -1)
		t->shared = 0;
	t->expire = t->shared ? session_share_expire : NULL;
}

/* Forget a requester that went away. */
void
session_forget(struct session_table *t, void *arg)
{
	struct session		*s;
	struct session_waiter	**wp, *w;

	if (session_share_forget(t, arg))
		return;
	TAILQ_FOREACH(s, &t->waiting, waiting)
		for (wp = &s->waiters; *wp != NULL; wp = &(*wp)->next) {
			if ((*wp)->arg != arg)
				continue;
			w = *wp;
			*wp = w->next;
			free(w);
			t->pending--;
			return;
		}
}

/* The gateway ended a session. */
int
session_gateway_end(struct session_table *t, const char *channel,
    const char *id, const char *how)
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
	if (t->shared && t->store != NULL && (s == NULL ||
	    channel_kind(s->channel) == CHANNEL_USSD)) {
		/* Wherever it is held, its state goes (found or not). */
		session_share_gateway_end(t, key, keylen, h, how,
		    s != NULL ? s->ref : 0);
		return 1;
	}
	explicit_bzero(key, keylen);
	free(key);
	if (s == NULL)
		return 0;
	log_debug("session s%llu: ended by the gateway (%s) after %zu hop%s",
	    s->ref, how, s->hops, s->hops == 1 ? "" : "s");
	if (s->state == SESSION_STORING) {
		s->gone = how;
		return 1;
	}
	if (s->state == SESSION_ACTIVE)
		session_finish(s, how);
	session_destroy(s);
	return 1;
}

/* Handle one hop. */
enum session_result
session_handle(struct session_table *t, struct conf *conf,
    const struct channel *ch, const struct channel_event *ev,
    struct channel_reply *reply, session_reply_cb later, void *arg)
{
	char	*key;
	size_t	 keylen;

	if (!t->shared || t->store == NULL || later == NULL ||
	    channel_kind(ch) != CHANNEL_USSD)
		return session_hop_local(t, conf, ch, ev, reply, later, arg);
	memset(reply, 0, sizeof(*reply));
	key = session_key(ev->channel, ev->session_id, &keylen);
	if (key == NULL)
		return SESSION_ERR;
	return session_share_start(t, conf, ch, ev, key, keylen,
	    hash_siphash(t->key, key, keylen), later, arg);
}
