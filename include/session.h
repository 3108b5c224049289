/* SPDX-License-Identifier: ISC */
/*
 * session: the live USSD sessions. It owns the table of sessions keyed by
 * (channel, gateway session id), each session's lifetime and timers,
 * retry detection, the requests waiting for a stored hop, and the bound on
 * how many sessions are held: when the table is full the oldest idle ones
 * give way, and if none can, the caller gets the busy text, never an HTTP
 * error. It wipes a session's data when it ends, times out or is evicted,
 * so nothing personal outlives a conversation mid-way. The walk through
 * the menu is engine.c's job; filing the request is intake.c's.
 */
#ifndef HOTLINED_SESSION_H
#define HOTLINED_SESSION_H

#include <stddef.h>

struct channel;
struct channel_event;
struct channel_reply;
struct conf;
struct event_base;
struct hclock;
struct metrics;
struct ratelimit;
struct session_table;
struct stats_live;
struct store;

enum session_result {
	SESSION_OK,	/* reply filled */
	SESSION_PENDING,/* the reply comes later, through the callback */
	SESSION_ERR	/* internal failure: answer 500 */
};

/*
 * A reply that had to wait (for a callback request to be on disk). r is
 * SESSION_OK (reply valid during the call) or SESSION_ERR.
 */
typedef void (*session_reply_cb)(enum session_result r,
    const struct channel_reply *reply, void *arg);

/* Called after a callback request was stored or changed (to alert). */
typedef void (*session_stored_cb)(void *arg);

/*
 * An empty table whose timers run on base, storing callback requests in
 * st (NULL: none can be stored), telling stored(arg) after each, and
 * reading the time from clock. NULL on failure.
 */
struct session_table	*session_table_new(struct event_base *base,
			    struct store *st, const struct hclock *clock,
			    session_stored_cb stored, void *arg);

/*
 * End every session: the requests of those still answering are recorded
 * as ended by the stop and made due. Call before the store goes.
 */
void			 session_table_stop(struct session_table *t);

/* Wipe and free every session, then the table (NULL is fine). */
void			 session_table_free(struct session_table *t);

/*
 * Handle one hop of ch (a channel of conf, the current configuration) and
 * fill reply (reply->text is a new string the caller frees). A new session
 * takes a reference to conf. When the hop must wait for the store (an
 * answer that files or changes a callback request), SESSION_PENDING is
 * returned and later(arg) is called once the row is durable (or storing
 * failed), unless session_forget(t, arg) was called first. Any number of
 * retries of that hop wait for the same outcome; none stores twice.
 */
enum session_result	 session_handle(struct session_table *t,
			    struct conf *conf, const struct channel *ch,
			    const struct channel_event *ev,
			    struct channel_reply *reply,
			    session_reply_cb later, void *arg);

/*
 * The gateway says session id of channel ended (how: hung_up, completed,
 * failed): wipe it, and record how it ended on a request it filed. A
 * session still storing is wiped once its outcome is handed out. Unknown
 * or repeated notices do nothing. Returns 1 if a session was found. On a
 * shared store a USSD session may be held by another daemon: its state is
 * taken out of the store, and the end recorded, once the store answers
 * (1 is returned at once).
 */
int			 session_gateway_end(struct session_table *t,
			    const char *channel, const char *id,
			    const char *how);

/*
 * Whether channel has a live session (taking answers, or storing one)
 * under id: an SMS conversation in progress.
 */
int			 session_exists(struct session_table *t,
			    const char *channel, const char *id);

/*
 * Her number is being forgotten: wipe every session (USSD or SMS) whose
 * last hop came from phone (any form a caller writes), at once, or once
 * its store step is done. Call before store_forget, so that what those
 * sessions queued is deleted too. Returns how many there were.
 */
size_t			 session_end_number(struct session_table *t,
			    const char *phone);

/*
 * Give the table its store once the database is open, and sl (borrowed;
 * NULL: none), where each new session and those that end by quick exit
 * or time out are counted for the donor report.
 */
void			 session_table_set_store(struct session_table *t,
			    struct store *st, struct stats_live *sl);

/*
 * Count sessions and hops into m (NULL: stop counting), and each new USSD
 * session against numbers (borrowed: the per-number limit SMS shares,
 * keyed by the number as phone_e164 writes it; NULL: none). A new session
 * over it gets the busy text as an END screen.
 */
void			 session_table_set_counters(struct session_table *t,
			    struct metrics *m, struct ratelimit *numbers);

/* Drop a pending reply whose requester went away. */
void			 session_forget(struct session_table *t, void *arg);

/* Replies still pending. */
size_t			 session_pending(const struct session_table *t);

/* Number of sessions held, live or ended (still answering retries). */
size_t			 session_count(const struct session_table *t);

/* Number of live sessions. */
size_t			 session_live(const struct session_table *t);

/* Sessions evicted, and callers told to try again, since the start. */
unsigned long long	 session_evicted(const struct session_table *t);
unsigned long long	 session_refused(const struct session_table *t);

/* New sessions refused for their number's limit since the start. */
unsigned long long	 session_limited(const struct session_table *t);

#endif
