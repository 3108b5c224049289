/* SPDX-License-Identifier: ISC */
/*
 * roster_load: reading the roster file (people with their API tokens and
 * alert channels, weekly shifts, public holidays, safe-call windows) and
 * checking it against its key tables and docs/roster.md, reporting every
 * problem with file:line:col. What an alert channel must name is its
 * transport's rule (notify.h); what the loaded roster answers is
 * roster.c's.
 */

#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "clock.h"
#include "diag.h"
#include "jsonfile.h"
#include "notify.h"
#include "roster.h"
#include "roster_impl.h"
#include "schema.h"
#include "secret.h"

#define ROSTER_FILE_MAX		(1024 * 1024)
#define ROSTER_ID_MAX		32
#define ROSTER_TOKEN_MIN	24
#define ROSTER_TOKEN_MAX	256
#define ROSTER_TABLES_MAX	32	/* alert key tables */
#define ROSTER_ALERT_KEYS_MAX	64	/* alert keys, for -k */

static const struct roster_span roster_window_defaults[ROSTER_NWINDOWS] = {
	{ 8 * 60, 12 * 60 }, { 12 * 60, 17 * 60 }, { 17 * 60, 21 * 60 }
};

static const char *const roster_day_names[7] = {
	"sun", "mon", "tue", "wed", "thu", "fri", "sat"
};

/* The top of a roster file. */
static const struct schema_key roster_keys[] = {
	SCHEMA_COMMENT,
	{ "escalate_after", SCHEMA_INT, 1, 86400, NULL, 600, 0, NULL, NULL,
	  "seconds a request may stay unclaimed before escalation" },
	{ "retry_first", SCHEMA_INT, 1, 3600, NULL, 5, 0, NULL, NULL,
	  "seconds before the first retry of a failed delivery" },
	{ "max_attempts", SCHEMA_INT, 1, 50, NULL, 5, 0, NULL, NULL,
	  "delivery failures of one alert before the supervisors are told" },
	{ "now_minutes", SCHEMA_INT, 5, 240, NULL, 30, 0, NULL, NULL,
	  "minutes within which \"now\" promises the call" },
	{ "claim_expiry", SCHEMA_INT, 1, 86400, NULL, 1800, 0, NULL, NULL,
	  "seconds a claim may stay uncompleted before it is released" },
	{ "call_attempts", SCHEMA_INT, 1, 10, NULL, 3, 0, NULL, NULL,
	  "unanswered calls before the supervisors decide" },
	{ "attempt_gap", SCHEMA_INT, 1, 86400, NULL, 900, 0, NULL, NULL,
	  "seconds from an unanswered call to the next attempt, at least" },
	{ "windows", SCHEMA_OBJ, 0, 0, NULL, 0, 0, NULL, NULL,
	  "the safe-call windows a caller can pick, over their defaults" },
	{ "people", SCHEMA_ARRAY, 0, 256, NULL, 0, 1, NULL, NULL,
	  "counsellors and supervisors" },
	{ "shifts", SCHEMA_ARRAY, 1, 1024, NULL, 0, 1, NULL, NULL,
	  "weekly shifts of counsellors, in Phnom Penh time" },
	{ "holidays", SCHEMA_ARRAY, 0, 1024, NULL, 0, 0, NULL, NULL,
	  "public holidays: no shift runs unless it says \"holidays\"" },
	SCHEMA_END
};

/* The windows, in the order of roster_window_names (for -k). */
static const struct schema_key roster_window_keys[] = {
	{ "morning", SCHEMA_ARRAY, 2, 2, NULL, 0, 0, NULL, NULL,
	  "[\"HH:MM\", \"HH:MM\"], default 08:00 to 12:00" },
	{ "afternoon", SCHEMA_ARRAY, 2, 2, NULL, 0, 0, NULL, NULL,
	  "[\"HH:MM\", \"HH:MM\"], default 12:00 to 17:00" },
	{ "evening", SCHEMA_ARRAY, 2, 2, NULL, 0, 0, NULL, NULL,
	  "[\"HH:MM\", \"HH:MM\"], default 17:00 to 21:00" },
	SCHEMA_END
};

/* A person of "people". */
static const struct schema_key roster_person_keys[] = {
	{ "id", SCHEMA_STR, 0, 0, NULL, 0, 1, NULL, NULL,
	  "1 to 32 of a-z, 0-9, _ and -; stable" },
	{ "name", SCHEMA_STR, 1, 128, NULL, 0, 1, NULL, NULL,
	  "the name colleagues know her by" },
	{ "role", SCHEMA_STR, 0, 0, NULL, 0, 1, NULL, NULL,
	  "\"counsellor\" or \"supervisor\"" },
	{ "token", SCHEMA_STR, 0, 0, NULL, 0, 0, NULL, NULL,
	  "API bearer token, 24 to 256 of A-Z a-z 0-9 _ - (or token_file)" },
	{ "token_file", SCHEMA_STR, 1, 1024, NULL, 0, 0, NULL, NULL,
	  "file holding the API token (mode 0600)" },
	{ "telegram_id", SCHEMA_INT, 1, ROSTER_TELEGRAM_ID_MAX, NULL, 0, 0,
	  NULL, NULL, "Telegram user id whose button presses count as hers" },
	{ "alerts", SCHEMA_ARRAY, 0, 16, NULL, 0, 0, NULL, NULL,
	  "how alerts reach her" },
	SCHEMA_COMMENT,
	SCHEMA_END
};

/* The members of every alert; each transport adds its own. */
static const struct schema_key roster_alert_keys[] = {
	{ "type", SCHEMA_STR, 0, 0, NULL, 0, 1, NULL, NULL,
	  "the transport that sends it; its members follow" },
	{ "with_phone", SCHEMA_BOOL, 0, 1, NULL, 0, 0, NULL, NULL,
	  "the alert may carry the caller's number" },
	SCHEMA_COMMENT,
	SCHEMA_END
};

/* A shift of "shifts". */
static const struct schema_key roster_shift_keys[] = {
	{ "who", SCHEMA_STR, 0, 0, NULL, 0, 1, NULL, NULL,
	  "the counsellor's id" },
	{ "days", SCHEMA_ARRAY, 1, 7, NULL, 0, 1, NULL, NULL,
	  "the days it starts on: mon, tue, wed, thu, fri, sat, sun" },
	{ "start", SCHEMA_STR, 0, 0, NULL, 0, 1, NULL, NULL,
	  "HH:MM, 00:00 to 23:59" },
	{ "end", SCHEMA_STR, 0, 0, NULL, 0, 1, NULL, NULL,
	  "HH:MM, 00:00 to 24:00; before the start: the next day" },
	{ "holidays", SCHEMA_BOOL, 0, 1, NULL, 0, 0, NULL, NULL,
	  "it runs on public holidays too" },
	SCHEMA_COMMENT,
	SCHEMA_END
};

/* A holiday of "holidays". */
static const struct schema_key roster_holiday_keys[] = {
	{ "date", SCHEMA_STR, 0, 0, NULL, 0, 1, NULL, NULL,
	  "YYYY-MM-DD, years 2000 to 2099" },
	{ "name", SCHEMA_STR, 1, 128, NULL, 0, 1, NULL, NULL,
	  "what the day is" },
	SCHEMA_COMMENT,
	SCHEMA_END
};

/* Loading context. */
struct roster_ld {
	struct schema_doc	 doc;
	int			*role;	/* per person: 0 counsellor,
					   1 supervisor, -1 unknown */
	size_t			*hol_index;	/* JSON index of each holiday */
};

/* Return 1 if s is a person id: 1 to 32 of a-z, 0-9, _ and -. */
static int
roster_id_ok(const char *s)
{
	size_t	 n = strlen(s);

	return n >= 1 && n <= ROSTER_ID_MAX &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/* Return 1 if s is an API token: 24 to 256 of A-Z a-z 0-9 _ -. */
static int
roster_token_ok(const char *s)
{
	size_t	 n = strlen(s);

	return n >= ROSTER_TOKEN_MIN && n <= ROSTER_TOKEN_MAX &&
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_-") == n;
}

/* What a person's API token must be. */
static const struct schema_secret_rule roster_token_rule = {
	"token", roster_token_ok,
	"24 to 256 characters of A-Z a-z 0-9 _ -"
};

/*
 * The key tables of an alert: its own members, then each transport's.
 * NULL-ended.
 */
static void
roster_alert_tables(const struct schema_key **out)
{
	const struct notify_transport	*t;
	size_t				 i, n = 0;

	out[n++] = roster_alert_keys;
	for (i = 0, t = notify_transport_at(0); t != NULL &&
	    n < ROSTER_TABLES_MAX - 1; t = notify_transport_at(++i))
		if (t->alert_keys != NULL)
			out[n++] = t->alert_keys;
	out[n] = NULL;
}

/* The types an alert may have, as "a|b|c", into buf. */
static void
roster_alert_types(char *buf, size_t len)
{
	const struct notify_transport	*t;
	size_t				 i, n = 0;
	int				 w;

	buf[0] = '\0';
	for (i = 0, t = notify_transport_at(0); t != NULL && n < len;
	    t = notify_transport_at(++i)) {
		w = snprintf(buf + n, len - n, "%s%s", i > 0 ? "|" : "",
		    t->name);
		if (w < 0)
			break;
		n += (size_t)w;
	}
}

/*
 * Report the members of other transports in an alert of transport t, in
 * the order of the tables, each name once.
 */
static void
roster_alert_foreign(struct schema_doc *doc, json_t *obj, const char *ptr,
    const struct notify_transport *t, const struct schema_key **tables)
{
	const struct schema_key	*k;
	char			 p[SCHEMA_PTR_MAX];
	size_t			 i, j;
	int			 seen;

	for (i = 1; tables[i] != NULL; i++)
		for (k = tables[i]; k->name != NULL; k++) {
			for (j = 1, seen = 0; j < i && !seen; j++)
				seen = schema_find(tables[j], k->name) != NULL;
			if (seen || json_object_get(obj, k->name) == NULL ||
			    schema_find(t->alert_keys, k->name) != NULL)
				continue;
			schema_ptr(p, sizeof(p), ptr, k->name);
			schema_err(doc, p, 1, "\"%s\" is not for %s alerts",
			    k->name, t->name);
		}
}

/* Check and read one alert channel of a person. */
static void
roster_alert_parse(struct schema_doc *doc, struct roster_alert *a,
    json_t *obj, const char *ptr)
{
	const struct schema_key		*tables[ROSTER_TABLES_MAX];
	const struct notify_transport	*t;
	const char			*s;
	char				 p[SCHEMA_PTR_MAX], types[128];
	int				 given;

	if (!json_is_object(obj)) {
		schema_err(doc, ptr, 0, "must be an object");
		return;
	}
	roster_alert_tables(tables);
	schema_check_union(doc, obj, ptr, tables);
	a->with_phone = schema_bool(obj, roster_alert_keys, "with_phone");
	s = schema_str(obj, roster_alert_keys, "type");
	if (s == NULL)
		return;
	t = notify_transport_find(s);
	if (t == NULL) {
		roster_alert_types(types, sizeof(types));
		schema_err(doc, schema_ptr(p, sizeof(p), ptr, "type"), 0,
		    "must be one of %s", types);
		return;
	}
	a->transport = t;
	if (t->no_phone != NULL && a->with_phone)
		schema_err(doc, schema_ptr(p, sizeof(p), ptr, "with_phone"), 0,
		    "%s", t->no_phone);
	roster_alert_foreign(doc, obj, ptr, t, tables);

	schema_ptr(p, sizeof(p), ptr, t->member);
	s = schema_str(obj, t->alert_keys, t->member);
	if (json_object_get(obj, t->member) == NULL)
		schema_err(doc, ptr, 0, "missing \"%s\"", t->member);
	else if (s != NULL && !t->target_ok(s))
		schema_err(doc, p, 0, "must be %s", t->target_rule);
	else if (s != NULL) {
		a->target = strdup(s);
		if (a->target == NULL)
			schema_err(doc, p, 0, "out of memory");
	}
	if (t->secret == NULL)
		return;
	a->secret = schema_secret(doc, obj, t->alert_keys, ptr, "secret",
	    "secret_file", t->secret, &given);
	if (a->secret != NULL && t->sample != NULL && t->sample(a->secret))
		schema_warn(doc, ptr, 0, "this %s secret is a published "
		    "sample: make a new random one (secret_file)", t->name);
	if (!given)
		schema_err(doc, ptr, 0, "missing \"secret\" or "
		    "\"secret_file\"");
}

/* Check and read person i of "people". */
static void
roster_person_parse(struct roster_ld *ld, struct roster *r, size_t i,
    json_t *obj)
{
	struct schema_doc	*doc = &ld->doc;
	struct roster_person	*pp = &r->people[i];
	const char		*s;
	char			 ptr[SCHEMA_PTR_MAX], p[SCHEMA_PTR_MAX];
	char			 ap[SCHEMA_PTR_MAX];
	json_t			*alerts, *v;
	size_t			 j;
	int			 given;

	schema_ptr_index(ptr, sizeof(ptr), "/people", i);
	ld->role[i] = -1;
	if (!json_is_object(obj)) {
		schema_err(doc, ptr, 0, "must be an object");
		return;
	}
	schema_check(doc, obj, ptr, roster_person_keys);

	s = schema_str(obj, roster_person_keys, "id");
	if (s != NULL) {
		schema_ptr(p, sizeof(p), ptr, "id");
		if (!roster_id_ok(s))
			schema_err(doc, p, 0, "\"%s\" is not an id (1 to 32 of "
			    "a-z, 0-9, _ and -)", s);
		for (j = 0; j < i; j++)
			if (r->people[j].id != NULL &&
			    strcmp(r->people[j].id, s) == 0)
				schema_err(doc, p, 0, "duplicate id \"%s\" "
				    "(also /people/%zu)", s, j);
		/* Kept even when malformed, so shifts naming it resolve. */
		pp->id = strdup(s);
		if (pp->id == NULL)
			schema_err(doc, p, 0, "out of memory");
	}
	s = schema_str(obj, roster_person_keys, "name");
	if (s != NULL) {
		pp->name = strdup(s);
		if (pp->name == NULL)
			schema_err(doc, ptr, 0, "out of memory");
	}
	s = schema_str(obj, roster_person_keys, "role");
	if (s != NULL) {
		if (strcmp(s, "counsellor") == 0)
			ld->role[i] = 0;
		else if (strcmp(s, "supervisor") == 0)
			ld->role[i] = 1;
		else
			schema_err(doc, schema_ptr(p, sizeof(p), ptr, "role"),
			    0, "must be \"counsellor\" or \"supervisor\"");
	}
	pp->supervisor = ld->role[i] == 1;

	pp->token = schema_secret(doc, obj, roster_person_keys, ptr,
	    "token", "token_file", &roster_token_rule, &given);
	if (pp->token != NULL && strstr(pp->token, "EXAMPLE") != NULL)
		schema_warn(doc, ptr, 0, "%s has the "
		    "sample's EXAMPLE token: give them a new random one "
		    "(token_file)", pp->id != NULL ? pp->id : "this person");
	if (!given && ld->role[i] == 0)
		schema_err(doc, ptr, 0, "a counsellor needs \"token\" or "
		    "\"token_file\"");
	for (j = 0; j < i && pp->token != NULL; j++)
		if (r->people[j].token != NULL &&
		    strcmp(r->people[j].token, pp->token) == 0)
			schema_err(doc, schema_ptr(p, sizeof(p), ptr,
			    json_object_get(obj, "token") != NULL ? "token" :
			    "token_file"), 0, "the same token as /people/%zu",
			    j);

	/* Whose button presses in Telegram count as hers. */
	pp->telegram_id = schema_int(obj, roster_person_keys, "telegram_id");
	for (j = 0; j < i && pp->telegram_id != 0; j++)
		if (r->people[j].telegram_id == pp->telegram_id)
			schema_err(doc, schema_ptr(p, sizeof(p), ptr,
			    "telegram_id"), 0, "the same Telegram id as "
			    "/people/%zu", j);

	alerts = json_object_get(obj, "alerts");
	schema_ptr(p, sizeof(p), ptr, "alerts");
	if (ld->role[i] == 0 && (alerts == NULL ||
	    (json_is_array(alerts) && json_array_size(alerts) == 0)))
		schema_err(doc, alerts != NULL ? p : ptr, 0, "a counsellor "
		    "needs at least one alert");
	alerts = schema_get(obj, roster_person_keys, "alerts");
	if (alerts == NULL || json_array_size(alerts) == 0)
		return;
	pp->alerts = calloc(json_array_size(alerts), sizeof(*pp->alerts));
	if (pp->alerts == NULL) {
		schema_err(doc, p, 0, "out of memory");
		return;
	}
	pp->nalerts = json_array_size(alerts);
	json_array_foreach(alerts, j, v) {
		schema_ptr_index(ap, sizeof(ap), p, j);
		roster_alert_parse(doc, &pp->alerts[j], v, ap);
	}
}

/* Check and read shift i of "shifts". */
static void
roster_shift_parse(struct roster_ld *ld, struct roster *r, size_t i,
    json_t *obj)
{
	struct schema_doc	*doc = &ld->doc;
	struct roster_shift	 sh;
	const char		*s;
	char			 ptr[SCHEMA_PTR_MAX], p[SCHEMA_PTR_MAX];
	char			 dp[SCHEMA_PTR_MAX];
	json_t			*days, *v;
	size_t			 j, k;
	int			 ok = 1, d;

	memset(&sh, 0, sizeof(sh));
	schema_ptr_index(ptr, sizeof(ptr), "/shifts", i);
	if (!json_is_object(obj)) {
		schema_err(doc, ptr, 0, "must be an object");
		return;
	}
	schema_check(doc, obj, ptr, roster_shift_keys);

	s = schema_str(obj, roster_shift_keys, "who");
	ok = s != NULL;
	if (s != NULL) {
		schema_ptr(p, sizeof(p), ptr, "who");
		for (j = 0; j < r->npeople; j++)
			if (r->people[j].id != NULL &&
			    strcmp(r->people[j].id, s) == 0)
				break;
		if (j == r->npeople) {
			schema_err(doc, p, 0, "no person with id \"%s\" in "
			    "\"people\"", s);
			ok = 0;
		} else if (ld->role[j] == 1) {
			schema_err(doc, p, 0, "\"%s\" is a supervisor; shifts "
			    "are for counsellors", s);
			ok = 0;
		}
		sh.person = j;
	}

	days = schema_get(obj, roster_shift_keys, "days");
	if (days == NULL)
		ok = 0;
	schema_ptr(p, sizeof(p), ptr, "days");
	json_array_foreach(days, j, v) {
		schema_ptr_index(dp, sizeof(dp), p, j);
		d = -1;
		if (!json_is_string(v)) {
			schema_err(doc, dp, 0, "must be a string");
			ok = 0;
			continue;
		}
		for (k = 0; k < 7; k++)
			if (strcmp(json_string_value(v),
			    roster_day_names[k]) == 0)
				d = (int)k;
		if (d == -1) {
			schema_err(doc, dp, 0, "\"%s\" is not a day (mon, tue, "
			    "wed, thu, fri, sat, sun)", json_string_value(v));
			ok = 0;
		} else if (sh.days & (1u << d))
			schema_err(doc, dp, 0, "\"%s\" is listed twice",
			    json_string_value(v));
		else
			sh.days |= 1u << d;
	}

	s = schema_str(obj, roster_shift_keys, "start");
	sh.start = s != NULL ? hclock_parse_hhmm(s, 0) : -1;
	if (s != NULL && sh.start == -1)
		schema_err(doc, schema_ptr(p, sizeof(p), ptr, "start"), 0,
		    "\"%s\" is not a time (HH:MM, 00:00 to 23:59)", s);
	s = schema_str(obj, roster_shift_keys, "end");
	sh.end = s != NULL ? hclock_parse_hhmm(s, 1) : -1;
	if (s != NULL && sh.end == -1)
		schema_err(doc, schema_ptr(p, sizeof(p), ptr, "end"), 0,
		    "\"%s\" is not a time (HH:MM, 00:00 to 24:00)", s);
	if (sh.start != -1 && sh.end != -1 && sh.start == sh.end) {
		schema_err(doc, schema_ptr(p, sizeof(p), ptr, "end"), 0,
		    "a shift must not end when it starts (a whole day is "
		    "00:00 to 24:00)");
		ok = 0;
	}
	if (sh.start == -1 || sh.end == -1)
		ok = 0;
	sh.holidays = (int)schema_int(obj, roster_shift_keys, "holidays");
	if (ok)
		r->shifts[r->nshifts++] = sh;
}

/* Check and read holiday i of "holidays". */
static void
roster_holiday_parse(struct roster_ld *ld, struct roster *r, size_t i,
    json_t *obj)
{
	struct schema_doc	*doc = &ld->doc;
	const char		*s;
	char			 ptr[SCHEMA_PTR_MAX], p[SCHEMA_PTR_MAX];
	int64_t			 day;
	size_t			 j;

	schema_ptr_index(ptr, sizeof(ptr), "/holidays", i);
	if (!json_is_object(obj)) {
		schema_err(doc, ptr, 0, "must be an object");
		return;
	}
	schema_check(doc, obj, ptr, roster_holiday_keys);
	s = schema_str(obj, roster_holiday_keys, "date");
	if (s == NULL)
		return;
	schema_ptr(p, sizeof(p), ptr, "date");
	if (hclock_parse_date(s, &day) == -1) {
		schema_err(doc, p, 0, "\"%s\" is not a date (YYYY-MM-DD, years "
		    "2000 to 2099)", s);
		return;
	}
	for (j = 0; j < r->nholidays; j++)
		if (r->holidays[j] == day) {
			schema_err(doc, p, 0, "\"%s\" is listed twice (also "
			    "/holidays/%zu)", s, ld->hol_index[j]);
			return;
		}
	ld->hol_index[r->nholidays] = i;
	r->holidays[r->nholidays++] = day;
}

/* Check and read the safe-call windows over their defaults. */
static void
roster_windows_parse(struct schema_doc *doc, struct roster *r, json_t *obj)
{
	const char	*name;
	json_t		*v, *e;
	char		 p[SCHEMA_PTR_MAX], ep[SCHEMA_PTR_MAX];
	size_t		 i, j;
	int		 t[2];

	memcpy(r->windows, roster_window_defaults, sizeof(r->windows));
	json_object_foreach(obj, name, v) {
		schema_ptr(p, sizeof(p), "/windows", name);
		for (i = 0; i < ROSTER_NWINDOWS; i++)
			if (strcmp(name, roster_window_names[i]) == 0)
				break;
		if (i == ROSTER_NWINDOWS) {
			schema_err(doc, p, 1, "unknown window \"%s\" (morning, "
			    "afternoon or evening)", name);
			continue;
		}
		if (!json_is_array(v) || json_array_size(v) != 2 ||
		    !json_is_string(json_array_get(v, 0)) ||
		    !json_is_string(json_array_get(v, 1))) {
			schema_err(doc, p, 0, "must be [\"HH:MM\", \"HH:MM\"]");
			continue;
		}
		json_array_foreach(v, j, e) {
			t[j] = hclock_parse_hhmm(json_string_value(e), j == 1);
			schema_ptr_index(ep, sizeof(ep), p, j);
			if (t[j] == -1)
				schema_err(doc, ep, 0, "\"%s\" is not a time "
				    "(HH:MM, 00:00 to %s)",
				    json_string_value(e),
				    j == 1 ? "24:00" : "23:59");
		}
		if (t[0] == -1 || t[1] == -1)
			continue;
		if (t[0] == t[1])
			schema_err(doc, ep, 0, "a window must not end when it "
			    "starts");
		r->windows[i].b = t[0];
		r->windows[i].e = t[1];
	}
}

/* Checks over all people: counsellors, supervisors and who hears of
 * escalations. */
static void
roster_people_check(struct roster_ld *ld, struct roster *r)
{
	struct schema_doc	*doc = &ld->doc;
	size_t			 i, nc = 0, ns = 0, nsa = 0;

	for (i = 0; i < r->npeople; i++)
		if (ld->role[i] == -1)
			return;	/* reported; counting would mislead */
	for (i = 0; i < r->npeople; i++) {
		if (ld->role[i] == 0)
			nc++;
		else {
			ns++;
			if (r->people[i].nalerts > 0)
				nsa++;
		}
	}
	if (nc == 0)
		schema_err(doc, "/people", 0, "at least one counsellor is "
		    "needed");
	if (ns == 0)
		schema_err(doc, "/people", 0, "at least one supervisor is "
		    "needed");
	else if (nsa == 0)
		schema_err(doc, "/people", 0, "at least one supervisor needs "
		    "an alert, or escalations reach no one");
}

/* Read every section of the (object) root into r. */
static void
roster_parse(struct roster_ld *ld, struct roster *r, json_t *root)
{
	struct schema_doc	*doc = &ld->doc;
	json_t			*o, *v;
	size_t			 i, n;

	schema_check(doc, root, "", roster_keys);
	r->escalate_after = (int)schema_int(root, roster_keys,
	    "escalate_after");
	r->retry_first = schema_int(root, roster_keys, "retry_first");
	r->max_attempts = (int)schema_int(root, roster_keys, "max_attempts");
	r->now_minutes = (int)schema_int(root, roster_keys, "now_minutes");
	r->claim_expiry = (int)schema_int(root, roster_keys, "claim_expiry");
	r->call_attempts = (int)schema_int(root, roster_keys, "call_attempts");
	r->attempt_gap = (int)schema_int(root, roster_keys, "attempt_gap");
	memcpy(r->windows, roster_window_defaults, sizeof(r->windows));
	o = schema_get(root, roster_keys, "windows");
	if (o != NULL)
		roster_windows_parse(&ld->doc, r, o);

	o = json_object_get(root, "people");
	n = json_array_size(o);
	if (n > 0) {
		r->people = calloc(n, sizeof(*r->people));
		ld->role = calloc(n, sizeof(*ld->role));
		if (r->people == NULL || ld->role == NULL) {
			schema_err(doc, "/people", 0, "out of memory");
			return;
		}
		r->npeople = n;
	}
	json_array_foreach(o, i, v)
		roster_person_parse(ld, r, i, v);
	if (schema_get(root, roster_keys, "people") != NULL)
		roster_people_check(ld, r);

	o = json_object_get(root, "shifts");
	n = json_array_size(o);
	if (n > 0) {
		r->shifts = calloc(n, sizeof(*r->shifts));
		if (r->shifts == NULL) {
			schema_err(doc, "/shifts", 0, "out of memory");
			return;
		}
	}
	json_array_foreach(o, i, v)
		roster_shift_parse(ld, r, i, v);

	o = json_object_get(root, "holidays");
	n = json_array_size(o);
	if (n > 0) {
		r->holidays = calloc(n, sizeof(*r->holidays));
		ld->hol_index = calloc(n, sizeof(*ld->hol_index));
		if (r->holidays == NULL || ld->hol_index == NULL) {
			schema_err(doc, "/holidays", 0, "out of memory");
			return;
		}
	}
	json_array_foreach(o, i, v)
		roster_holiday_parse(ld, r, i, v);
	if (r->nholidays > 0)
		qsort(r->holidays, r->nholidays, sizeof(*r->holidays),
		    roster_day_cmp);
}

/* Load and check a roster file. */
struct roster *
roster_load(const char *file, struct diag *d)
{
	struct roster_ld	 ld;
	struct roster		*r = NULL;
	struct jsonfile		 jf;
	char			*dir = NULL;
	size_t			 i;

	memset(&ld, 0, sizeof(ld));
	memset(&jf, 0, sizeof(jf));
	ld.doc.name = file;
	ld.doc.d = d;
	if (sodium_init() < 0) {
		diag_add(d, "%s: cannot initialise libsodium", file);
		goto fail;
	}
	dir = strdup(file);
	r = calloc(1, sizeof(*r));
	if (dir == NULL || r == NULL) {
		diag_add(d, "%s: out of memory", file);
		goto fail;
	}
	ld.doc.dir = dirname(dir);	/* into dir, or a static "." */

	if (jsonfile_load(file, file, ROSTER_FILE_MAX, &jf, d) == -1)
		goto fail;
	ld.doc.jp = jf.jp;
	if (!json_is_object(jf.root)) {
		schema_err(&ld.doc, "", 0, "the roster must be a JSON object");
		goto fail;
	}
	roster_parse(&ld, r, jf.root);
	if (ld.doc.errors > 0)
		goto fail;

	/* Tokens are compared as hashes: equal length, constant time. */
	r->tokhash = calloc(r->npeople, sizeof(*r->tokhash));
	if (r->tokhash == NULL) {
		diag_add(d, "%s: out of memory", file);
		goto fail;
	}
	for (i = 0; i < r->npeople; i++)
		if (r->people[i].token != NULL)
			crypto_generichash(r->tokhash[i], ROSTER_HASH,
			    (const unsigned char *)r->people[i].token,
			    strlen(r->people[i].token), NULL, 0);
	jsonfile_clear(&jf);
	free(dir);
	free(ld.role);
	free(ld.hol_index);
	return r;
fail:
	jsonfile_clear(&jf);
	free(dir);
	free(ld.role);
	free(ld.hol_index);
	roster_free(r);
	return NULL;
}

/* Free a roster, wiping its secrets. */
void
roster_free(struct roster *r)
{
	struct roster_person	*p;
	size_t			 i, j;

	if (r == NULL)
		return;
	for (i = 0; i < r->npeople; i++) {
		p = &r->people[i];
		for (j = 0; j < p->nalerts; j++) {
			free(p->alerts[j].target);
			secret_free(p->alerts[j].secret);
		}
		free(p->alerts);
		free(p->id);
		free(p->name);
		secret_free(p->token);
	}
	free(r->people);
	if (r->tokhash != NULL)
		sodium_memzero(r->tokhash, r->npeople * sizeof(*r->tokhash));
	free(r->tokhash);
	free(r->shifts);
	free(r->holidays);
	free(r);
}

/*
 * The keys of an alert for -k: its own, then each transport's, a name
 * shared by two transports once. Into out[max], NULL-name ended.
 */
static void
roster_alert_merged(struct schema_key *out, size_t max)
{
	const struct schema_key	*tables[ROSTER_TABLES_MAX], *k;
	size_t			 i, n = 0;

	roster_alert_tables(tables);
	memset(out, 0, max * sizeof(*out));
	for (i = 0; tables[i] != NULL; i++)
		for (k = tables[i]; k->name != NULL && n < max - 1; k++)
			if (schema_find(out, k->name) == NULL)
				out[n++] = *k;
}

/* Print every key of a roster file, each nested list after its key. */
void
roster_print_keys(FILE *fp, enum schema_format fmt)
{
	struct schema_key	 one[2], alert[ROSTER_ALERT_KEYS_MAX];
	const struct schema_key	*k;

	memset(one, 0, sizeof(one));
	roster_alert_merged(alert, ROSTER_ALERT_KEYS_MAX);
	for (k = roster_keys; k->name != NULL; k++) {
		one[0] = *k;
		schema_print(fp, fmt, "", one);
		if (strcmp(k->name, "windows") == 0)
			schema_print(fp, fmt, "windows.", roster_window_keys);
		else if (strcmp(k->name, "people") == 0) {
			schema_print(fp, fmt, "people[].", roster_person_keys);
			schema_print(fp, fmt, "people[].alerts[].", alert);
		} else if (strcmp(k->name, "shifts") == 0)
			schema_print(fp, fmt, "shifts[].", roster_shift_keys);
		else if (strcmp(k->name, "holidays") == 0)
			schema_print(fp, fmt, "holidays[].",
			    roster_holiday_keys);
	}
}
