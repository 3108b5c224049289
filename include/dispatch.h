/* SPDX-License-Identifier: ISC */
/*
 * dispatch: the life of a callback request after it is stored. It decides
 * whom to alert (roster on duty, urgency, escalation rounds), waits for the
 * next shift when nobody is on duty, delivers the outbox through notify
 * and fetch with retries and backoff, and tells the supervisors when an
 * alert cannot be delivered. All state lives in the store, so a restart
 * picks up where the last run stopped.
 */
#ifndef HOTLINED_DISPATCH_H
#define HOTLINED_DISPATCH_H

struct conf;
struct console;
struct dispatch;
struct event_base;
struct fetch;
struct hclock;
struct lease;
struct metrics;
struct notify_transport;
struct store;

/*
 * A dispatcher working every second (and when kicked) with the roster and
 * providers of *confp at that moment. api_url is the counsellor API's base
 * URL for claim links (borrowed; must outlive the dispatcher). NULL on
 * failure.
 */
struct dispatch	*dispatch_new(struct event_base *base, struct store *st,
		    struct fetch *f, const struct hclock *clock,
		    struct conf *const *confp, const char *api_url);

/*
 * Send and escalate only while l (borrowed; NULL: always) is held: of the
 * daemons of a shared database, only the lease holder does.
 */
void		 dispatch_set_lease(struct dispatch *d, const struct lease *l);

/* Count alert deliveries by transport and escalations into m. */
void		 dispatch_set_metrics(struct dispatch *d, struct metrics *m);

/* Sign personal alerts' links in once, through console c. */
void		 dispatch_set_console(struct dispatch *d, struct console *c);

/*
 * Told of every alert delivered: its transport, case reference and the
 * provider's answer (a Telegram message's id).
 */
typedef void	(*dispatch_delivered_cb)(const struct notify_transport *t,
		    const char *ref, const char *body, void *arg);
void		 dispatch_on_sent(struct dispatch *d, dispatch_delivered_cb cb,
		    void *arg);

/*
 * Look for work now (e.g. a request was just stored); without the lease,
 * wake the daemon that holds it instead (store_hint).
 */
void		 dispatch_kick(struct dispatch *d);

/* Deliveries in flight. */
size_t		 dispatch_inflight(const struct dispatch *d);

/* Stop working; transfers in flight are fetch's to abort. NULL is fine. */
void		 dispatch_free(struct dispatch *d);

#endif
