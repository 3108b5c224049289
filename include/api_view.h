/* SPDX-License-Identifier: ISC */
/*
 * api_view: what the counsellor API shows, in JSON: a request as lists
 * show it (never with a number or a cover story), the call details only
 * its claimant gets, a history, a counsellor's own page (/api/me), and the
 * roster and failing alerts of the supervisors' overview. Each is built
 * from rows the store gave, the roster and the clock; nothing is sent.
 * Every function returns a new reference, or NULL out of memory.
 */
#ifndef HOTLINED_API_VIEW_H
#define HOTLINED_API_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct hclock;
struct roster;
struct roster_person;
struct store_callback;
struct store_event;
struct store_failing;

/*
 * The end of the safe window c can first be called in: call_from plus
 * now_minutes for "now", the end of the named window of r around
 * call_from otherwise; 0 for "any time" or an unknown window. r may be
 * NULL.
 */
int64_t		 api_view_window_end(const struct roster *r,
		    const struct store_callback *c, int now_minutes);

/*
 * Request c as lists show it, with names from r (may be NULL) and
 * whether its window has passed by clock; now_minutes says what "now"
 * means (0: not known).
 */
json_t		*api_view_summary(const struct roster *r,
		    const struct hclock *clock, const struct store_callback *c,
		    int now_minutes);

/* The summary with what the claimant needs to call safely ("call"). */
json_t		*api_view_call(const struct roster *r,
		    const struct hclock *clock, const struct store_callback *c,
		    int now_minutes);

/* {"history": [...]} of the n events ev. */
json_t		*api_view_history(const struct store_event *ev, size_t n);

/*
 * GET /api/me for p: who she is, the time, the windows of r, the
 * console's idle expiry and, signed in by cookie, csrf (may be NULL).
 */
json_t		*api_view_me(const struct roster *r, const struct hclock *clock,
		    const struct roster_person *p, int idle, const char *csrf);

/* The roster part of the overview: {"on_duty": [...], "people": [...]}. */
json_t		*api_view_people(const struct roster *r,
		    const struct hclock *clock);

/* The n alerts f that are failing, as an array. */
json_t		*api_view_failing(const struct store_failing *f, size_t n);

#endif
