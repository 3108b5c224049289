/* SPDX-License-Identifier: ISC */
/*
 * api_view: the JSON of the counsellor API's answers. A phone number is
 * written only by api_view_call, which the API calls for the counsellor
 * who holds the claim and nobody else; names come from the roster, never
 * from the row. Routing, sign-in and sending are api.c's.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "api_view.h"
#include "clock.h"
#include "notify.h"
#include "notify_common.h"
#include "roster.h"
#include "store.h"

#define API_VIEW_WINDOWS	16
#define API_VIEW_PEOPLE		256

static const char *api_view_states[] = {
	"open", "alerted", "claimed", "completed"
};

/* Add a string member when set. */
static void
api_view_set(json_t *o, const char *k, const char *v)
{
	if (v != NULL)
		json_object_set_new(o, k, json_string(v));
}

/* The end of a request's first safe window; see api_view.h. */
int64_t
api_view_window_end(const struct roster *r, const struct store_callback *c,
    int now_minutes)
{
	struct roster_window	 w[API_VIEW_WINDOWS];
	size_t			 n, i;
	int64_t			 local, d;

	if (c->window == NULL || c->call_from <= 0)
		return 0;
	if (strcmp(c->window, "now") == 0)
		return now_minutes > 0 ? c->call_from + now_minutes * 60 : 0;
	if (r == NULL)
		return 0;
	n = roster_windows(r, w, API_VIEW_WINDOWS);
	for (i = 0; i < n && i < API_VIEW_WINDOWS; i++) {
		if (strcmp(w[i].name, c->window) != 0)
			continue;
		local = (c->call_from + ROSTER_UTC_OFFSET) % 86400;
		d = ((int64_t)w[i].to * 60 - local) % 86400;
		if (d <= 0)
			d += 86400;
		return c->call_from + d;
	}
	return 0;
}

/* A request as lists show it: no number, no cover story. */
json_t *
api_view_summary(const struct roster *r, const struct hclock *clock,
    const struct store_callback *c, int now_minutes)
{
	const struct roster_person	*p;
	json_t				*o = json_object(), *w;
	int64_t				 end;

	if (o == NULL)
		return NULL;
	api_view_set(o, "ref", c->ref);
	api_view_set(o, "state", api_view_states[c->state]);
	json_object_set_new(o, "urgent", json_boolean(c->urgent));
	api_view_set(o, "window", c->window);
	if (c->window != NULL && strcmp(c->window, "now") == 0 &&
	    now_minutes > 0)
		json_object_set_new(o, "call_within_minutes",
		    json_integer(now_minutes));
	api_view_set(o, "province", c->province);
	api_view_set(o, "topic", c->topic);
	api_view_set(o, "lang", c->lang);
	json_object_set_new(o, "created_at", json_integer(c->created_at));
	json_object_set_new(o, "call_from", json_integer(c->call_from));
	json_object_set_new(o, "rounds", json_integer(c->rounds));
	json_object_set_new(o, "attempts", json_integer(c->attempts));
	json_object_set_new(o, "asked_again", json_integer(c->asked_again));
	json_object_set_new(o, "answering", json_boolean(c->intake));
	api_view_set(o, "session_end", c->session_end);
	api_view_set(o, "claimed_by", c->claimed_by);
	if (c->claimed_by != NULL && r != NULL &&
	    (p = roster_find(r, c->claimed_by)) != NULL)
		api_view_set(o, "claimed_by_name", p->name);
	end = api_view_window_end(r, c, now_minutes);
	json_object_set_new(o, "past_window", json_boolean(c->state !=
	    STORE_COMPLETED && end > 0 && hclock_now(clock) > end));
	if (c->claimed_at > 0)
		json_object_set_new(o, "claimed_at",
		    json_integer(c->claimed_at));
	api_view_set(o, "outcome", c->outcome);
	if (notify_warnings(c->warn_unsafe, c->asked_again, c->session_end,
	    &w) == 0 && w != NULL)
		json_object_set_new(o, "warnings", w);
	return o;
}

/* What the claimant needs to call safely. */
json_t *
api_view_call(const struct roster *r, const struct hclock *clock,
    const struct store_callback *c, int now_minutes)
{
	json_t		*o, *call = json_object();
	const char	*number = NULL;

	o = api_view_summary(r, clock, c, now_minutes);
	if (o == NULL || call == NULL) {
		json_decref(o);
		json_decref(call);
		return NULL;
	}
	if (c->safe_number != NULL && *c->safe_number != '\0')
		number = c->safe_number;
	else if (c->safe_to_call == NULL || strcmp(c->safe_to_call, "no") != 0)
		number = c->phone;
	if (number != NULL)
		api_view_set(call, "number", number);
	else
		json_object_set_new(call, "number", json_null());
	api_view_set(call, "safe_to_call", c->safe_to_call);
	json_object_set_new(call, "is_safe_number",
	    json_boolean(c->safe_number != NULL && *c->safe_number != '\0'));
	api_view_set(call, "window", c->window);
	api_view_set(call, "if_someone_else_answers", c->cover);
	json_object_set_new(o, "call", call);
	return o;
}

/* A request's history. */
json_t *
api_view_history(const struct store_event *ev, size_t n)
{
	json_t	*arr, *o;
	size_t	 i;

	arr = json_array();
	for (i = 0; arr != NULL && i < n; i++) {
		o = json_pack("{s:I,s:s,s:s}", "at", (json_int_t)ev[i].at,
		    "event", ev[i].event, "actor", ev[i].actor ? ev[i].actor :
		    "");
		api_view_set(o, "detail", ev[i].detail);
		json_array_append_new(arr, o);
	}
	return json_pack("{s:o}", "history", arr);
}

/* Who she is, her CSRF token, and what the console shows. */
json_t *
api_view_me(const struct roster *r, const struct hclock *clock,
    const struct roster_person *p, int idle, const char *csrf)
{
	struct roster_window	 win[API_VIEW_WINDOWS];
	json_t			*o, *arr;
	char			 from[24], to[24];
	size_t			 n, i;

	arr = json_array();
	n = roster_windows(r, win, API_VIEW_WINDOWS);
	for (i = 0; arr != NULL && i < n && i < API_VIEW_WINDOWS; i++) {
		snprintf(from, sizeof(from), "%02d:%02d", win[i].from / 60,
		    win[i].from % 60);
		snprintf(to, sizeof(to), "%02d:%02d", win[i].to / 60,
		    win[i].to % 60);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "name",
		    win[i].name, "from", from, "to", to));
	}
	o = json_pack("{s:s, s:s, s:b, s:I, s:i, s:i, s:o}", "id", p->id,
	    "name", p->name, "supervisor", p->supervisor, "now",
	    (json_int_t)hclock_now(clock), "now_minutes",
	    roster_now_minutes(r), "idle", idle,
	    "windows", arr != NULL ? arr : json_array());
	if (o != NULL && csrf != NULL)
		json_object_set_new(o, "csrf", json_string(csrf));
	return o;
}

/* The roster part of the supervisors' overview: on duty, everyone. */
json_t *
api_view_people(const struct roster *r, const struct hclock *clock)
{
	const struct roster_person	*pp[API_VIEW_PEOPLE];
	json_t				*duty, *all;
	size_t				 n, i;

	duty = json_array();
	all = json_array();
	n = roster_on_duty(r, (time_t)hclock_now(clock), pp, API_VIEW_PEOPLE);
	for (i = 0; duty != NULL && i < n && i < API_VIEW_PEOPLE; i++)
		json_array_append_new(duty, json_pack("{s:s, s:s}", "id",
		    pp[i]->id, "name", pp[i]->name));
	n = roster_people(r, pp, API_VIEW_PEOPLE);
	for (i = 0; all != NULL && i < n && i < API_VIEW_PEOPLE; i++)
		json_array_append_new(all, json_pack("{s:s, s:s, s:b}", "id",
		    pp[i]->id, "name", pp[i]->name, "supervisor",
		    pp[i]->supervisor));
	return json_pack("{s:o, s:o}", "on_duty", duty != NULL ? duty :
	    json_array(), "people", all != NULL ? all : json_array());
}

/* The alerts that are failing. */
json_t *
api_view_failing(const struct store_failing *f, size_t n)
{
	json_t	*arr, *o;
	size_t	 i;

	arr = json_array();
	for (i = 0; arr != NULL && i < n; i++) {
		o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:b, s:I}", "ref",
		    f[i].ref, "recipient", f[i].recipient, "transport",
		    f[i].transport, "kind", f[i].kind, "attempts",
		    f[i].attempts, "gave_up", f[i].gave_up, "at",
		    (json_int_t)f[i].at);
		api_view_set(o, "error", f[i].error);
		json_array_append_new(arr, o);
	}
	return arr;
}
