/* SPDX-License-Identifier: ISC */
/*
 * sms: one inbound message from its event to its reply. The steps, each
 * in its own function below: join a part the gateway did not reassemble
 * (sms_concat_*), the number's rate limit and block (the table shared
 * with the USSD sessions, see sms_set_limit), the
 * durable "seen" check with the opt-out (store_sms_inbound), the words
 * (sms_words), the session table, and the reply: in the answer for an
 * inline channel, else queued in the SMS outbox before the gateway is
 * answered. Numbers are normalised once (phone_e164) and kept only as
 * long as the message is handled; logs name a channel, never a number.
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
#include "hash.h"
#include "log.h"
#include "menu.h"
#include "phone.h"
#include "ratelimit.h"
#include "secret.h"
#include "session.h"
#include "sms.h"
#include "sms_conf.h"
#include "store.h"
#include "tally.h"
#include "text.h"

#define SMS_CONCAT_MAX		64	/* partial messages held */
#define SMS_CONCAT_TTL		600	/* seconds a partial one waits */
#define SMS_CONCAT_PARTS	16	/* parts of one message, at most */
#define SMS_WORD_MAX		64	/* longer texts are never words */
#define SMS_WHY_LIMITED		"messages over a number's limit"

/* What the conversation words make of a message. */
enum sms_word {
	SMS_W_INPUT,		/* an answer (or the first message) */
	SMS_W_KEYWORD,		/* start again at the root */
	SMS_W_STOP,
	SMS_W_START,
	SMS_W_EXIT
};

/* A message the gateway delivered in parts, while parts are missing. */
struct sms_concat {
	uint64_t	 tag;		/* channel, number and reference */
	time_t		 since;
	unsigned	 total;
	char		*part[SMS_CONCAT_PARTS];
};

/* One message being handled. */
struct sms_msg {
	TAILQ_ENTRY(sms_msg)	 entry;
	struct sms		*sms;
	struct conf		*conf;		/* holds ch */
	const struct channel	*ch;
	char			*phone;		/* normalised */
	char			*text;
	char			*msg_id;	/* the gateway's, or ours */
	int			 have_id;	/* the gateway gave one */
	enum sms_word		 word;
	int			 fresh;		/* a new conversation */
	sms_answer_cb		 answer;	/* NULL once answered/gone */
	void			*arg;
};

struct sms {
	struct event_base	*base;
	struct session_table	*sessions;
	struct store		*store;
	const struct hclock	*clock;
	struct conf *const	*confp;
	sms_queued_cb		 queued;
	void			*queued_arg;
	uint8_t			 key[HASH_KEY_LEN];
	struct ratelimit	*numbers;	/* shared, or NULL */
	struct sms_concat	 concat[SMS_CONCAT_MAX];
	unsigned long long	 next_id;
	TAILQ_HEAD(, sms_msg)	 msgs;
	struct tally		*ignored;	/* messages with no reply */
	struct tally		*events;	/* what happened, counted */
};

static void	sms_converse(struct sms_msg *);

/* Seconds on a clock that does not jump. */
static time_t
sms_mono(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Create the conversations' state. */
struct sms *
sms_new(struct event_base *base, struct session_table *t, struct store *st,
    const struct hclock *clock, struct conf *const *confp,
    sms_queued_cb queued, void *arg)
{
	struct sms	*s;

	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->base = base;
	s->sessions = t;
	s->store = st;
	s->clock = clock;
	s->confp = confp;
	s->queued = queued;
	s->queued_arg = arg;
	TAILQ_INIT(&s->msgs);
	s->ignored = tally_new(base, "sms ignored", 60);
	s->events = tally_new(base, "sms", 60);
	if (s->ignored == NULL || s->events == NULL ||
	    hash_random_key(s->key) == -1) {
		tally_free(s->ignored);
		tally_free(s->events);
		free(s);
		return NULL;
	}
	return s;
}

/* Set the store. */
void
sms_set_store(struct sms *s, struct store *st)
{
	s->store = st;
}

/* Set the per-number limit's table. */
void
sms_set_limit(struct sms *s, struct ratelimit *numbers)
{
	s->numbers = numbers;
}

/* Messages refused for their number's limit. */
unsigned long long
sms_limited(const struct sms *s)
{
	return tally_total(s->ignored, SMS_WHY_LIMITED);
}

/* Free one message. */
static void
sms_msg_free(struct sms_msg *m)
{
	TAILQ_REMOVE(&m->sms->msgs, m, entry);
	secret_clear(&m->phone);
	secret_clear(&m->text);
	free(m->msg_id);
	conf_unref(m->conf);
	free(m);
}

/* Drop the parts of a partial message. */
static void
sms_concat_clear(struct sms_concat *c)
{
	size_t	 i;

	for (i = 0; i < SMS_CONCAT_PARTS; i++)
		secret_clear(&c->part[i]);
	memset(c, 0, sizeof(*c));
}

/* Free everything. */
void
sms_free(struct sms *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	while (!TAILQ_EMPTY(&s->msgs))
		sms_msg_free(TAILQ_FIRST(&s->msgs));
	for (i = 0; i < SMS_CONCAT_MAX; i++)
		sms_concat_clear(&s->concat[i]);
	tally_free(s->ignored);
	tally_free(s->events);
	explicit_bzero(s, sizeof(*s));
	free(s);
}

/* Answer the gateway, once. */
static void
sms_answer(struct sms_msg *m, int status, const struct channel_reply *rep)
{
	sms_answer_cb	 cb = m->answer;

	m->answer = NULL;
	if (cb != NULL)
		cb(status, rep, m->arg);
}

/* Answer with an empty acknowledgement and count why nothing follows. */
static void
sms_ignore(struct sms_msg *m, const char *why)
{
	tally_add(m->sms->ignored, why);
	sms_answer(m, 200, NULL);
}

/* Forget a requester. */
void
sms_forget(struct sms *s, void *arg)
{
	struct sms_msg	*m;

	TAILQ_FOREACH(m, &s->msgs, entry)
		if (m->arg == arg)
			m->answer = NULL;
}

/* A keyed hash of the parts of a key, NUL-separated. */
static uint64_t
sms_tag(const struct sms *s, const char *a, const char *b, const char *c)
{
	char		 buf[256];
	int		 n;
	uint64_t	 h;

	n = snprintf(buf, sizeof(buf), "%s%c%s%c%s", a, 0, b, 0,
	    c != NULL ? c : "");
	if (n < 0 || (size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	h = hash_siphash(s->key, buf, (size_t)n);
	explicit_bzero(buf, sizeof(buf));
	return h == 0 ? 1 : h;
}

/*
 * Count a message against its number's limit (shared with new USSD
 * sessions). Returns 0 when it may be answered, -1 when the number is
 * over the limit or blocked.
 */
static int
sms_limit_take(struct sms *s, const char *phone)
{
	enum ratelimit_result	 r;

	r = ratelimit_take(s->numbers, phone, strlen(phone),
	    hclock_mono_ms(), NULL);
	if (r == RATELIMIT_TRIPPED)
		tally_add(s->events, "numbers blocked for a while (over the "
		    "limit)");
	return r == RATELIMIT_PASS ? 0 : -1;
}

/*
 * Hold one part of a message the gateway did not join. Returns the whole
 * text (a new string) once every part is in, else NULL: *held is 1 when
 * the part was kept, 0 when it was refused (too many parts or partial
 * messages: the oldest gives way).
 */
static char *
sms_concat_add(struct sms *s, const struct channel_event *ev,
    const char *phone, int *held)
{
	struct sms_concat	*c = NULL, *oldest = NULL;
	uint64_t		 tag;
	time_t			 now = sms_mono();
	size_t			 i, len;
	char			*whole;

	*held = 0;
	if (ev->concat_total > SMS_CONCAT_PARTS || ev->concat_part < 1 ||
	    ev->concat_part > ev->concat_total)
		return NULL;
	tag = sms_tag(s, ev->channel, phone, ev->concat_ref);
	for (i = 0; i < SMS_CONCAT_MAX; i++) {
		if (s->concat[i].tag != 0 &&
		    now - s->concat[i].since > SMS_CONCAT_TTL)
			sms_concat_clear(&s->concat[i]);
		if (s->concat[i].tag == tag)
			c = &s->concat[i];
		if (oldest == NULL || s->concat[i].tag == 0 ||
		    (oldest->tag != 0 && s->concat[i].since < oldest->since))
			oldest = &s->concat[i];
	}
	if (c == NULL) {
		c = oldest;
		if (c->tag != 0)
			tally_add(s->events, "partial messages given up");
		sms_concat_clear(c);
		c->tag = tag;
		c->since = now;
		c->total = ev->concat_total;
	}
	*held = 1;
	if (c->total != ev->concat_total)
		return NULL;
	if (c->part[ev->concat_part - 1] == NULL &&
	    (c->part[ev->concat_part - 1] = strdup(ev->input)) == NULL)
		return NULL;
	for (i = 0, len = 0; i < c->total; i++) {
		if (c->part[i] == NULL)
			return NULL;
		len += strlen(c->part[i]);
	}
	if ((whole = malloc(len + 1)) == NULL)
		return NULL;
	for (i = 0, len = 0; i < c->total; i++) {
		memcpy(whole + len, c->part[i], strlen(c->part[i]));
		len += strlen(c->part[i]);
	}
	whole[len] = '\0';
	sms_concat_clear(c);
	return whole;
}

/* What the words of the configuration make of a text. */
static enum sms_word
sms_words(const struct sms_conf *sc, const char *text)
{
	if (strlen(text) > SMS_WORD_MAX)
		return SMS_W_INPUT;
	if (sms_word(&sc->stop, text))
		return SMS_W_STOP;
	if (sms_word(&sc->start, text))
		return SMS_W_START;
	if (sms_word(&sc->exit, text))
		return SMS_W_EXIT;
	if (sms_word(&sc->keywords, text))
		return SMS_W_KEYWORD;
	return SMS_W_INPUT;
}

/* The reply is in the outbox: the gateway may be answered. */
static void
sms_outbox_cb(enum store_rc rc, void *arg)
{
	struct sms_msg	*m = arg;

	if (rc != STORE_OK) {
		log_warnx("sms: channel %s: a reply could not be queued",
		    channel_name(m->ch));
		sms_answer(m, 500, NULL);
	} else {
		sms_answer(m, 200, NULL);
		if (m->sms->queued != NULL)
			m->sms->queued(m->sms->queued_arg);
	}
	sms_msg_free(m);
}

/* The channel that sends m's replies, or NULL (logged). */
static const struct channel *
sms_sender(struct sms_msg *m)
{
	const char		*via = channel_reply_via(m->ch);
	const struct channel	*to = m->ch;

	if (via != NULL && strcmp(via, "route") == 0)
		via = sms_route(conf_sms(m->conf), m->phone);
	else if (via == NULL && !channel_can_send(m->ch))
		via = sms_route(conf_sms(m->conf), m->phone);
	if (via != NULL)
		to = conf_channel_by_name(m->conf, via);
	if (to == NULL || !channel_can_send(to)) {
		tally_add(m->sms->ignored, "replies with no channel to send "
		    "them (check reply_via and sms.routes)");
		return NULL;
	}
	return to;
}

/*
 * Send what the session answered: nothing after a quick exit; the notice
 * first in a new conversation; in the answer, or queued.
 */
static void
sms_reply(struct sms_msg *m, const struct channel_reply *rep)
{
	const struct sms_conf	*sc = conf_sms(m->conf);
	const struct channel	*to;
	struct channel_reply	 out;
	const char		*texts[2];
	size_t			 n = 0;

	memset(&out, 0, sizeof(out));
	if (rep->text == NULL || *rep->text == '\0' || (rep->end &&
	    strcmp(rep->text, conf_exit_text(m->conf)) == 0)) {
		/* The quick exit leaves no message on her phone. */
		sms_ignore(m, "quick exits (nothing sent)");
		sms_msg_free(m);
		return;
	}
	if (m->fresh && sc->notice != NULL)
		texts[n++] = sc->notice;
	texts[n++] = rep->text;
	if (channel_inline(m->ch)) {
		out.text = rep->text;
		out.end = rep->end;
		out.notice = n == 2 ? texts[0] : NULL;
		sms_answer(m, 200, &out);
		sms_msg_free(m);
		return;
	}
	if ((to = sms_sender(m)) == NULL) {
		sms_answer(m, 200, NULL);
		sms_msg_free(m);
		return;
	}
	if (m->sms->store == NULL || store_sms_queue(m->sms->store,
	    channel_name(to), m->phone, texts, n, hclock_now(m->sms->clock),
	    sms_outbox_cb, m) == -1) {
		log_warnx("sms: channel %s: a reply could not be queued",
		    channel_name(m->ch));
		sms_answer(m, 500, NULL);
		sms_msg_free(m);
	}
}

/* A reply that waited for her request to be on disk. */
static void
sms_later_cb(enum session_result r, const struct channel_reply *rep,
    void *arg)
{
	struct sms_msg	*m = arg;

	if (r != SESSION_OK) {
		sms_answer(m, 500, NULL);
		sms_msg_free(m);
		return;
	}
	sms_reply(m, rep);
}

/* STOP or START is on disk. */
static void
sms_optout_cb(enum store_rc rc, void *arg)
{
	struct sms_msg	*m = arg;

	if (rc != STORE_OK) {
		sms_answer(m, 500, NULL);
		sms_msg_free(m);
		return;
	}
	if (m->word == SMS_W_STOP) {
		tally_add(m->sms->events, "opt-outs (STOP)");
		sms_answer(m, 200, NULL);
		sms_msg_free(m);
		return;
	}
	tally_add(m->sms->events, "opt-ins (START)");
	sms_converse(m);
}

/* Hand the message to the session table as one hop. */
static void
sms_converse(struct sms_msg *m)
{
	struct channel_event	 ev;
	struct channel_reply	 rep;
	enum session_result	 r;
	const char		*name = channel_name(m->ch);
	char			*digits = NULL;

	memset(&ev, 0, sizeof(ev));
	memset(&rep, 0, sizeof(rep));
	if (m->word == SMS_W_KEYWORD || m->word == SMS_W_START) {
		session_gateway_end(m->sms->sessions, name, m->phone,
		    "restarted");
		m->fresh = 1;
	} else
		m->fresh = !session_exists(m->sms->sessions, name, m->phone);
	ev.channel = name;
	ev.session_id = m->phone;
	ev.phone = m->phone;
	ev.hop_id = m->msg_id;
	ev.start = m->fresh ? CHANNEL_START_NEW : CHANNEL_START_CONTINUE;
	if (!m->fresh && (digits = text_ascii_digits(m->text)) == NULL) {
		sms_answer(m, 500, NULL);
		sms_msg_free(m);
		return;
	}
	ev.input = digits != NULL ? digits : "";
	r = session_handle(m->sms->sessions, m->conf, m->ch, &ev, &rep,
	    sms_later_cb, m);
	secret_clear(&digits);
	if (r == SESSION_PENDING)
		return;		/* sms_later_cb */
	if (r != SESSION_OK) {
		channel_reply_clear(&rep);
		sms_answer(m, 500, NULL);
		sms_msg_free(m);
		return;
	}
	sms_reply(m, &rep);
	channel_reply_clear(&rep);
}

/* The message was recorded as seen (or had been). */
static void
sms_seen_cb(enum store_rc rc, int opted_out, void *arg)
{
	struct sms_msg	*m = arg;

	if (rc == STORE_DUP) {
		sms_ignore(m, "deliveries seen before (gateway retries)");
		sms_msg_free(m);
		return;
	}
	if (rc != STORE_OK) {
		sms_answer(m, 500, NULL);
		sms_msg_free(m);
		return;
	}
	switch (m->word) {
	case SMS_W_STOP:
		session_gateway_end(m->sms->sessions, channel_name(m->ch),
		    m->phone, "opted_out");
		/* FALLTHROUGH */
	case SMS_W_START:
		if (m->sms->store == NULL || store_sms_optout(m->sms->store,
		    m->phone, m->word == SMS_W_STOP,
		    hclock_now(m->sms->clock), sms_optout_cb, m) == -1) {
			sms_answer(m, 500, NULL);
			sms_msg_free(m);
		}
		return;
	case SMS_W_EXIT:
		session_gateway_end(m->sms->sessions, channel_name(m->ch),
		    m->phone, "quick_exit");
		sms_ignore(m, "quick exits (nothing sent)");
		sms_msg_free(m);
		return;
	default:
		break;
	}
	if (opted_out) {
		sms_ignore(m, "messages from opted-out numbers");
		sms_msg_free(m);
		return;
	}
	sms_converse(m);
}

/* Take one inbound message. */
void
sms_inbound(struct sms *s, struct conf *conf, const struct channel *ch,
    const struct channel_event *ev, sms_answer_cb answer, void *arg)
{
	const struct sms_conf	*sc = conf_sms(conf);
	struct sms_msg		*m;
	char			 phone[32], id[32];
	char			*whole = NULL;
	int			 held;

	if (phone_e164(ev->phone, phone, sizeof(phone)) == -1) {
		tally_add(s->ignored, "messages from no usable number");
		answer(200, NULL, arg);
		return;
	}
	if (ev->concat_total > 1) {
		whole = sms_concat_add(s, ev, phone, &held);
		if (whole == NULL) {
			tally_add(s->ignored, held ? "parts of messages "
			    "(waiting for the rest)" : "parts refused");
			explicit_bzero(phone, sizeof(phone));
			answer(200, NULL, arg);
			return;
		}
	}
	if (sms_limit_take(s, phone) == -1) {
		tally_add(s->ignored, SMS_WHY_LIMITED);
		secret_clear(&whole);
		explicit_bzero(phone, sizeof(phone));
		answer(200, NULL, arg);
		return;
	}
	m = calloc(1, sizeof(*m));
	if (m == NULL) {
		secret_clear(&whole);
		answer(500, NULL, arg);
		return;
	}
	TAILQ_INSERT_TAIL(&s->msgs, m, entry);
	m->sms = s;
	m->conf = conf_ref(conf);
	m->ch = ch;
	m->answer = answer;
	m->arg = arg;
	m->phone = strdup(phone);
	explicit_bzero(phone, sizeof(phone));
	m->text = whole != NULL ? whole : strdup(ev->input);
	m->have_id = ev->hop_id != NULL && *ev->hop_id != '\0';
	if (!m->have_id) {
		/* A hop id of our own, so each message is a new hop. */
		snprintf(id, sizeof(id), "h%llu", ++s->next_id);
		m->msg_id = strdup(id);
	} else
		m->msg_id = strdup(ev->hop_id);
	if (m->phone == NULL || m->text == NULL || m->msg_id == NULL) {
		sms_answer(m, 500, NULL);
		sms_msg_free(m);
		return;
	}
	m->word = sms_words(sc, m->text);
	if (s->store == NULL || store_sms_inbound(s->store, channel_name(ch),
	    m->have_id ? m->msg_id : NULL, m->phone,
	    (int64_t)sc->seen_hours * 3600, hclock_now(s->clock), sms_seen_cb,
	    m) == -1) {
		sms_answer(m, 500, NULL);
		sms_msg_free(m);
	}
}

/* A report was recorded (or matched nothing). */
static void
sms_report_cb(enum store_rc rc, void *arg)
{
	struct sms	*s = arg;

	if (rc == STORE_NOTFOUND)
		tally_add(s->events, "delivery reports about no message");
}

/* Record a delivery report. */
void
sms_report(struct sms *s, const struct channel *ch,
    const struct channel_event *ev, const char *how)
{
	if (s->store == NULL || store_sms_report(s->store, channel_name(ch),
	    ev->session_id, ev->session_id == NULL ? ev->hop_id : NULL, how,
	    hclock_now(s->clock), sms_report_cb, s) == -1)
		log_warnx("sms: channel %s: a delivery report could not be "
		    "recorded", channel_name(ch));
}

/* Counters. */
unsigned long long
sms_count(const struct sms *s, const char *what)
{
	return tally_total(s->ignored, what) + tally_total(s->events, what);
}
