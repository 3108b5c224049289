/* SPDX-License-Identifier: ISC */
/*
 * intake: a survivor's callback request, seen from her conversation. It
 * turns the answers of the engine into a request row (her number as a
 * callable +855 number, the fields the callback node maps), files it at
 * the answer a "request" marker names (or at the callback node), writes
 * every later answer into the same row, records how her session ended,
 * and words the honest time of the call from the roster. One per session
 * that files; the session table owns it. The SQL is store.c's.
 */
#ifndef HOTLINED_INTAKE_H
#define HOTLINED_INTAKE_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "menu.h"

struct hclock;
struct intake;
struct metrics;
struct roster;
struct store;

/* What the session lends for one step (all borrowed, for the call only). */
struct intake_ctx {
	struct store		*store;
	const struct roster	*roster;
	const struct hclock	*clock;
	const char		*channel;
	const char		*phone;		/* as the gateway sent it */
	const char		*lang;
	const char		*key;		/* channel NUL session id */
	size_t			 keylen;
	int64_t			 deadline;	/* the session is over by then
						   (the daemon's clock) */
	int64_t			 window;	/* seconds a retry is a dup */
	unsigned long long	 ref;		/* the session, for logs */
	struct metrics		*metrics;	/* counts requests, or NULL */
};

/*
 * A save finished: how (engine_stored's argument), when the call can be
 * expected, and whether the dispatcher should look now (a new or changed
 * row it may act on).
 */
typedef void (*intake_done_cb)(enum engine_saved saved,
    const struct menu_when_info *when, int kick, void *arg);

/* A request not filed yet. NULL out of memory. */
struct intake	*intake_new(void);

/*
 * The intake of a request filed earlier in the same conversation by
 * another daemon (its row id, case reference and whether its intake is
 * over), for a session taken over. NULL out of memory or on a bad id.
 */
struct intake	*intake_restore(int64_t id, const char *ref, int ended);

/* The row id (0 before it is filed), the case reference ("" before). */
int64_t		 intake_id(const struct intake *in);
const char	*intake_ref(const struct intake *in);

/* Free (NULL is fine). Jobs already queued finish on their own. */
void		 intake_free(struct intake *in);

/*
 * Queue the store step the engine asked for: file the request (the first
 * time) or write every answer so far into it; at the callback node the
 * intake ends as "completed". The request is due for its first alert now
 * when she is in danger or has finished, else when her session will be
 * over at the latest (if the daemon dies meanwhile, it is still alerted).
 * done(arg) is called once, from the loop, after the transaction is
 * durable or has failed. Returns 0, or -1 if nothing could be queued
 * (done is not called).
 */
int		 intake_save(struct intake *in, const struct intake_ctx *c,
		    const struct engine *e, intake_done_cb done, void *arg);

/*
 * Her session ended before the callback node (how: quick_exit, hung_up,
 * timeout, ...): record it and make the request due now. Nothing happens
 * if nothing was filed or the intake is over. Fire and forget.
 */
void		 intake_end(struct intake *in, const struct intake_ctx *c,
		    const char *how);

/* Return 1 once a row exists for the request. */
int		 intake_filed(const struct intake *in);

/* Return 1 once the intake is over (completed or ended). */
int		 intake_ended(const struct intake *in);

/* Return 1 while the request still takes answers (filed, not ended). */
int		 intake_open(const struct intake *in);

#endif
