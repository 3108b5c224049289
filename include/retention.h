/* SPDX-License-Identifier: ISC */
/*
 * retention: the schedule of forgetting. A second after start, and then
 * every interval, it asks the store to delete the completed requests and
 * the sent texts older than the configured limits, batch after batch,
 * and logs one line of counts (never a number or a reference). The
 * deleting itself is the store's; the limits are the configuration's.
 */
#ifndef HOTLINED_RETENTION_H
#define HOTLINED_RETENTION_H

struct conf_retention;
struct event_base;
struct hclock;
struct lease;
struct retention;
struct store;

/*
 * A schedule on base purging st under limits (copied), reading the time
 * from clock (which must outlive it). NULL on failure.
 */
struct retention	*retention_new(struct event_base *base,
			    struct store *st, const struct hclock *clock,
			    const struct conf_retention *limits);

/* Arm the first purge, a second from now. 0, or -1. */
int			 retention_start(struct retention *r);

/*
 * Purge only while l (borrowed; NULL: always) is held; a run that is
 * due meanwhile waits for it.
 */
void			 retention_set_lease(struct retention *r,
			    const struct lease *l);

/*
 * New limits (copied), from a reload: when they differ from the running
 * ones, purge under them at once and count the interval from then.
 */
void			 retention_reload(struct retention *r,
			    const struct conf_retention *limits);

/* Stop and free it (NULL is fine); after store_free. */
void			 retention_free(struct retention *r);

#endif
