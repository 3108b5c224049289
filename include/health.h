/* SPDX-License-Identifier: ISC */
/*
 * health: GET /healthz and GET /metrics on the counsellor API's listener.
 * /healthz answers 200 "ok" only when a write to the database went through
 * the store's writer thread within a few seconds and the configuration
 * (with its menus) is loaded, else 503; a supervisor's bearer token gets
 * the details as JSON. /metrics answers the Prometheus text format to a
 * bearer token: metrics.token_file's, or a supervisor's. What is counted
 * is metrics.c's; the values other modules hold are read through the
 * daemon's fill callback at each scrape.
 */
#ifndef HOTLINED_HEALTH_H
#define HOTLINED_HEALTH_H

struct conf;
struct event_base;
struct hclock;
struct health;
struct http;
struct lease;
struct metrics;
struct store;

/*
 * Say in /healthz's details whether this daemon holds l (borrowed; the
 * lease of the daemons sharing a database).
 */
void		 health_set_lease(struct health *hl, const struct lease *l);

/* Set the values of m that other modules hold, just before rendering. */
typedef void	(*health_fill_cb)(struct metrics *m, void *arg);

/*
 * Serve the health of st and the metrics m (both borrowed; they must
 * outlive it), with timers on base, under the configuration *confp;
 * fill(m, arg) is called at each scrape. NULL out of memory.
 */
struct health	*health_new(struct event_base *base, struct store *st,
		    struct metrics *m,
		    const struct hclock *clock, struct conf *const *confp,
		    health_fill_cb fill, void *arg);

/* Mount /healthz and /metrics on h. 0, or -1. */
int		 health_mount(struct health *hl, struct http *h);

/*
 * Free it (NULL is fine), after the store: store_free runs the completions
 * of the probes still waiting for it, which answer and free them.
 */
void		 health_free(struct health *hl);

#endif
