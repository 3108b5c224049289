/* SPDX-License-Identifier: ISC */
/*
 * session: the live USSD conversations, keyed by (channel, session id).
 * It owns their lifetime (idle and absolute time-outs on the event loop),
 * recognises an aggregator's retry of the same hop, wipes a session's data
 * when it ends, and holds the configuration a session started with so a
 * reload never changes a conversation mid-way. The walk through the menu
 * is engine.c's job.
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
struct session_table;
struct store;

enum session_result {
	SESSION_OK,	/* reply filled */
	SESSION_PENDING,/* the reply comes later, through the callback */
	SESSION_FULL,	/* too many live sessions: answer 503 */
	SESSION_ERR	/* internal failure: answer 500 */
};

/*
 * A reply that had to wait (for a callback request to be on disk). r is
 * SESSION_OK (reply valid during the call) or SESSION_ERR.
 */
typedef void (*session_reply_cb)(enum session_result r,
    const struct channel_reply *reply, void *arg);

/* Called after a callback request has been stored (to start alerting). */
typedef void (*session_stored_cb)(void *arg);

/*
 * An empty table whose timers run on base, storing callback requests in
 * st (NULL: none can be stored), telling stored(arg) after each, and
 * reading the time from clock. NULL on failure.
 */
struct session_table	*session_table_new(struct event_base *base,
			    struct store *st, const struct hclock *clock,
			    session_stored_cb stored, void *arg);

/* Wipe and free every session, then the table (NULL is fine). */
void			 session_table_free(struct session_table *t);

/*
 * Handle one hop of ch (a channel of conf, the current configuration) and
 * fill reply (reply->text is a new string the caller frees). A new session
 * takes a reference to conf. When the hop reaches a callback node the
 * request is stored first: SESSION_PENDING is returned and later(arg) is
 * called once the row is durable (or storing failed), unless
 * session_forget(t, arg) was called first. A retry of that hop while it is
 * being stored waits for the same outcome; it never stores twice.
 */
enum session_result	 session_handle(struct session_table *t,
			    struct conf *conf, const struct channel *ch,
			    const struct channel_event *ev,
			    struct channel_reply *reply,
			    session_reply_cb later, void *arg);

/* Give the table its store once the database is open. */
void			 session_table_set_store(struct session_table *t,
			    struct store *st);

/* Drop a pending reply whose requester went away. */
void			 session_forget(struct session_table *t, void *arg);

/* Replies still pending. */
size_t			 session_pending(const struct session_table *t);

/* Number of sessions held, live or ended (still answering retries). */
size_t			 session_count(const struct session_table *t);

/* Number of live sessions. */
size_t			 session_live(const struct session_table *t);

#endif
