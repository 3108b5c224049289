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
struct session_table;

enum session_result {
	SESSION_OK,	/* reply filled */
	SESSION_FULL,	/* too many live sessions: answer 503 */
	SESSION_ERR	/* internal failure: answer 500 */
};

/* An empty table whose timers run on base. NULL on failure. */
struct session_table	*session_table_new(struct event_base *base);

/* Wipe and free every session, then the table (NULL is fine). */
void			 session_table_free(struct session_table *t);

/*
 * Handle one hop of ch (a channel of conf, the current configuration) and
 * fill reply (reply->text is a new string the caller frees). A new session
 * takes a reference to conf.
 */
enum session_result	 session_handle(struct session_table *t,
			    struct conf *conf, const struct channel *ch,
			    const struct channel_event *ev,
			    struct channel_reply *reply);

/* Number of sessions held, live or ended (still answering retries). */
size_t			 session_count(const struct session_table *t);

/* Number of live sessions. */
size_t			 session_live(const struct session_table *t);

#endif
