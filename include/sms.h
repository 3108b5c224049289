/* SPDX-License-Identifier: ISC */
/*
 * sms: SMS conversations over the same menu trees as USSD. A message from
 * a gateway (already decoded into the one internal event by its channel's
 * adapter) is de-duplicated by the gateway's message id, checked against
 * the number's rate limit and opt-out, read for the conversation words
 * (keywords, STOP, START, the quick-exit word; digits ASCII or Khmer), and
 * handed to the session table keyed by (channel, number), whose engine
 * and intake work exactly as for USSD. The reply goes back in the answer
 * (Twilio) or, durable first, into the SMS outbox that smsout.c sends.
 * Parts of a message the gateway did not reassemble are joined here. It
 * never logs a number or a text.
 */
#ifndef HOTLINED_SMS_H
#define HOTLINED_SMS_H

#include <stddef.h>

struct channel;
struct channel_event;
struct channel_reply;
struct conf;
struct event_base;
struct hclock;
struct ratelimit;
struct session_table;
struct sms;
struct store;

/*
 * How an inbound message is to be answered: status 200 with the reply
 * to put in the answer (inline channels; NULL: an empty acknowledgement),
 * or status 500 when it could not be taken (the gateway may retry). rep
 * is valid during the call.
 */
typedef void (*sms_answer_cb)(int status, const struct channel_reply *rep,
    void *arg);

/* Called when messages were queued, to wake the sender. */
typedef void (*sms_queued_cb)(void *arg);

/*
 * The conversations of the sessions in t, storing in st (set later with
 * sms_set_store when NULL), reading the time from clock and the current
 * configuration through *confp. NULL on failure.
 */
struct sms	*sms_new(struct event_base *base, struct session_table *t,
		    struct store *st, const struct hclock *clock,
		    struct conf *const *confp, sms_queued_cb queued,
		    void *arg);

/* Give it the store once the database is open. */
void		 sms_set_store(struct sms *s, struct store *st);

/*
 * Count each inbound message against numbers (borrowed; the per-number
 * limit the USSD sessions share, keyed by the normalised number; NULL:
 * none). A message over it gets an empty 200 and nothing else.
 */
void		 sms_set_limit(struct sms *s, struct ratelimit *numbers);

/* Messages refused for their number's limit since the start. */
unsigned long long sms_limited(const struct sms *s);

/*
 * Free everything (NULL is fine). After store_free, whose last
 * completions may still reach messages in progress.
 */
void		 sms_free(struct sms *s);

/*
 * Take one inbound message of ch (a channel of conf): ev is borrowed for
 * the call only. answer(arg) is called exactly once, perhaps before this
 * returns, unless sms_forget(s, arg) is called first; the message is
 * handled to the end either way.
 */
void		 sms_inbound(struct sms *s, struct conf *conf,
		    const struct channel *ch, const struct channel_event *ev,
		    sms_answer_cb answer, void *arg);

/* The requester arg went away: answer it no more. */
void		 sms_forget(struct sms *s, void *arg);

/*
 * A delivery report of ch: ev->session_id is our message id, or
 * ev->hop_id the gateway's; how is delivered, failed or sent. Recorded
 * in the background.
 */
void		 sms_report(struct sms *s, const struct channel *ch,
		    const struct channel_event *ev, const char *how);

/* Counters since the start (for /health and tests). */
unsigned long long sms_count(const struct sms *s, const char *what);

#endif
