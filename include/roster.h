/* SPDX-License-Identifier: ISC */
/*
 * roster: who works the hotline and when. Counsellors and supervisors with
 * their API tokens and alert channels, weekly shifts in Cambodia's time
 * (Asia/Phnom_Penh, UTC+07:00 all year, no daylight saving), public
 * holidays, and the safe-call windows a caller can pick. It answers who is
 * on duty at an instant and when a call can honestly be expected; it
 * sends nothing itself.
 */
#ifndef HOTLINED_ROSTER_H
#define HOTLINED_ROSTER_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "clock.h"
#include "schema.h"
#include "when.h"

struct diag;
struct notify_transport;
struct roster;

#define ROSTER_UTC_OFFSET	HCLOCK_UTC_OFFSET	/* Asia/Phnom_Penh */
#define ROSTER_TELEGRAM_ID_MAX	4503599627370495L	/* 2^52 - 1 */

/* One alert channel of a person. */
struct roster_alert {
	const struct notify_transport	*transport;	/* how it goes */
	char				*target;	/* URL, chat, number */
	char				*secret;	/* "whsec_..." */
	int				 with_phone;	/* with her number */
};

/* A counsellor or supervisor. */
struct roster_person {
	char			*id;		/* [a-z0-9_-], stable */
	char			*name;
	char			*token;		/* API bearer token */
	int			 supervisor;
	long long		 telegram_id;	/* Telegram user id, 0: none */
	struct roster_alert	*alerts;
	size_t			 nalerts;
};

/*
 * On duty inside the window now (at is now): WITHIN minutes for "now" when
 * the stretch lasts that long (or for any window when it runs on past
 * 06:00 of the next day); else TODAY_BEFORE the end of the stretch
 * (hh:mm), or TONIGHT_BEFORE when it ends after midnight, by 06:00. The
 * FROM kinds: hh:mm, wday and at are the start. UNKNOWN: at is -1 if
 * nothing is found within 14 days; if the start is 7 to 14 days away (a
 * weekday name would mislead), hh:mm, wday and at still say when.
 */
struct roster_when {
	enum when_kind	 kind;
	int			 hour;
	int			 minute;
	int			 wday;		/* 0 Sunday .. 6 Saturday */
	int			 minutes;	/* WITHIN */
	time_t			 at;		/* the instant itself */
};

/* A safe-call window: minutes of the day (to <= from: past midnight). */
struct roster_window {
	const char	*name;
	int		 from;
	int		 to;
};

/*
 * Load and check a roster file (JSON; see docs/roster.md). All problems go
 * to d with file:line:col. NULL if there was any.
 */
struct roster	*roster_load(const char *file, struct diag *d);

void		 roster_free(struct roster *r);

/*
 * Counsellors (not supervisors) on duty at now, in roster order, into
 * out[max]; returns how many there are (may exceed max). No one is on duty
 * on a holiday unless the shift says "holidays": true.
 */
size_t		 roster_on_duty(const struct roster *r, time_t now,
		    const struct roster_person **out, size_t max);

/* The next instant >= now when some counsellor is on duty; -1 if none in
 * the next 14 days. */
time_t		 roster_next_duty(const struct roster *r, time_t now);

/*
 * When a request made at now, for the caller's safe window ("now",
 * "morning", "afternoon", "evening" or NULL for any time), can honestly
 * expect a call: the first instant at or after now when a counsellor is on
 * duty inside the window, and how to say it. Returns 0, or -1 for an
 * unknown window name.
 */
int		 roster_expected(const struct roster *r, time_t now,
		    const char *window, struct roster_when *out);

/* Supervisors, in roster order; returns how many there are. */
size_t		 roster_supervisors(const struct roster *r,
		    const struct roster_person **out, size_t max);

/* Everyone (counsellors and supervisors), in roster order; returns how
 * many there are. */
size_t		 roster_people(const struct roster *r,
		    const struct roster_person **out, size_t max);

/* Return 1 if some person's alerts go through transport t. */
int		 roster_uses(const struct roster *r,
		    const struct notify_transport *t);

/* A person by id, or NULL. */
const struct roster_person *roster_find(const struct roster *r,
		    const char *id);

/* The person whose Telegram user id ("telegram_id") is id, or NULL. */
const struct roster_person *roster_by_telegram(const struct roster *r,
		    long long id);

/* The counsellor or supervisor whose API token is token (compared in
 * constant time, over every token), or NULL; NULL for NULL or "". */
const struct roster_person *roster_by_token(const struct roster *r,
		    const char *token);

/* Seconds a request may stay unclaimed before escalation. */
int		 roster_escalate_after(const struct roster *r);

/* Seconds before the first retry of a failed delivery ("retry_first"). */
long		 roster_retry_first(const struct roster *r);

/* Delivery failures of one alert before the supervisors are told. */
int		 roster_max_attempts(const struct roster *r);

/* Minutes within which "now" promises the call ("now_minutes"). */
int		 roster_now_minutes(const struct roster *r);

/* Seconds a claim may stay uncompleted before it is released. */
int		 roster_claim_expiry(const struct roster *r);

/* Unanswered calls ("no answer") before the supervisors decide. */
int		 roster_call_attempts(const struct roster *r);

/* Seconds from an unanswered call to the next attempt, at least. */
int		 roster_attempt_gap(const struct roster *r);

/* The safe-call windows into out[max]; returns how many there are. */
size_t		 roster_windows(const struct roster *r,
		    struct roster_window *out, size_t max);

/* Print the keys of a roster file (name, type, default, help). */
void		 roster_print_keys(FILE *fp, enum schema_format fmt);

#endif
