/* SPDX-License-Identifier: ISC */
/*
 * lease: whether this daemon runs the work that must run once among the
 * daemons of a shared database: alerts and escalation, claim expiry, SMS
 * out, the retention purge and the Telegram poller. It asks the store
 * every second (store_lease); another daemon takes over within seconds of
 * the holder's death, since the database drops a dead connection's lease.
 * On a database of one daemon (SQLite) it is held from the start and
 * never asked.
 */
#ifndef HOTLINED_LEASE_H
#define HOTLINED_LEASE_H

struct event_base;
struct lease;
struct store;

/* The lease was taken (held 1) or lost (held 0). */
typedef void (*lease_cb)(int held, void *arg);

/*
 * Follow the lease of st on base's loop, telling changed(arg) of each
 * change. NULL on failure.
 */
struct lease	*lease_new(struct event_base *base, struct store *st,
		    lease_cb changed, void *arg);

/* Stop following; a question in flight is let finish. NULL is fine. */
void		 lease_free(struct lease *l);

/* Whether this daemon holds the lease (a NULL lease: it does). */
int		 lease_held(const struct lease *l);

#endif
