/* SPDX-License-Identifier: ISC */
/*
 * smsout: the sender of the SMS outbox. On a one-second tick (and when
 * sms.c queues replies) it takes the due messages from the store, picks
 * each one's channel, measures it as the network carries it (GSM-7 or
 * UCS-2, parts), keeps to the channel's rate (messages per second), keeps
 * one number's messages in order, fetches and refreshes an OAuth token
 * where the gateway needs one, sends through libcurl's multi interface on
 * the loop (fetch.c), and records each result: sent, a retry with
 * backoff, or given up. Delivery reports are recorded by sms.c. It never
 * logs a number or a text.
 */
#ifndef HOTLINED_SMSOUT_H
#define HOTLINED_SMSOUT_H

#include <stddef.h>

struct conf;
struct event_base;
struct fetch;
struct hclock;
struct lease;
struct metrics;
struct smsout;
struct store;

/*
 * A sender on base, sending through f, reading the outbox of st (set
 * later with smsout_set_store when NULL), the time from clock and the
 * channels from *confp. NULL on failure.
 */
struct smsout	*smsout_new(struct event_base *base, struct fetch *f,
		    struct store *st, const struct hclock *clock,
		    struct conf *const *confp);

/* Give it the store once the database is open, and start the tick. */
int		 smsout_start(struct smsout *o, struct store *st);

/*
 * Look at the outbox again soon (messages were queued); without the
 * lease, wake the daemon that holds it instead (store_hint).
 */
void		 smsout_kick(struct smsout *o);

/* Send only while l (borrowed; NULL: always) is held. */
void		 smsout_set_lease(struct smsout *o, const struct lease *l);

/* Count the SMS parts sent, by encoding, into m. */
void		 smsout_set_metrics(struct smsout *o, struct metrics *m);

/* Messages being sent now. */
size_t		 smsout_inflight(const struct smsout *o);

/* Free it (NULL is fine); after store_free. */
void		 smsout_free(struct smsout *o);

#endif
