/* SPDX-License-Identifier: ISC */
/*
 * stats_live: the daemon's counts of what the store never sees (sessions
 * started, quick exits, time-outs), kept in memory by Phnom Penh day and
 * channel and added to the store's daily aggregates by one store job a
 * minute and at shutdown, so that counting never waits for the disk and
 * costs one transaction a minute, not one a session. A crash loses at
 * most a minute of these counts; the store's own counts are exact.
 */
#ifndef HOTLINED_STATS_LIVE_H
#define HOTLINED_STATS_LIVE_H

struct event_base;
struct hclock;
struct store;
struct stats_live;

/* Counts on base, dated by clock (borrowed). NULL on failure. */
struct stats_live *stats_live_new(struct event_base *base,
		    const struct hclock *clock);

/* Flush into st (borrowed) every minute from now on. 0, or -1. */
int		 stats_live_start(struct stats_live *sl, struct store *st);

/*
 * Count one metric (STATS_M_SESSIONS ...) of channel (a label) today.
 * NULL is fine and counts nothing.
 */
void		 stats_live_count(struct stats_live *sl, const char *channel,
		    const char *metric);

/*
 * Count a session of channel that ended how (session_finish's words):
 * quick exits and time-outs are in the report; other ends count nothing.
 */
void		 stats_live_end(struct stats_live *sl, const char *channel,
		    const char *how);

/* Hand what is counted to the store now (before store_free). */
void		 stats_live_flush(struct stats_live *sl);

/* Stop the timer and free; counts not flushed are lost. NULL is fine. */
void		 stats_live_free(struct stats_live *sl);

#endif
