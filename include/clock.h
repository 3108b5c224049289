/* SPDX-License-Identifier: ISC */
/*
 * clock: the daemon's idea of now. Normally the system clock; for tests and
 * demonstrations the configuration may start it at another instant
 * (clock_start), after which it runs at the normal rate. Everything that
 * compares with the roster asks this clock, never time() directly. The
 * calendar arithmetic of Phnom Penh local time (UTC+07:00 all year, no
 * daylight saving) is here too, computed without TZ or localtime().
 */
#ifndef HOTLINED_CLOCK_H
#define HOTLINED_CLOCK_H

#include <stdint.h>
#include <time.h>

#define HCLOCK_UTC_OFFSET	(7 * 3600)	/* Asia/Phnom_Penh */
#define HCLOCK_DAY		86400		/* seconds */
#define HCLOCK_MINUTES		1440		/* in a day */

struct hclock {
	time_t	offset;		/* seconds added to the system clock */
};

/* Start the clock at start (0: the system clock). */
void	hclock_init(struct hclock *c, time_t start);

/* Now, in Unix seconds. */
time_t	hclock_now(const struct hclock *c);

/*
 * Milliseconds on a clock that never jumps (CLOCK_MONOTONIC), for rates
 * and time-outs; clock_start does not move it.
 */
int64_t	hclock_mono_ms(void);

/*
 * Parse "YYYY-MM-DDTHH:MM:SS+HH:MM" (or "Z") into Unix seconds. Returns 0,
 * or -1 if it is not such a time.
 */
int	hclock_parse(const char *s, time_t *out);

/* a / b rounded towards minus infinity (b > 0), so that instants before
 * 1970 land on the right day. */
int64_t	hclock_div(int64_t a, int64_t b);

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
int64_t	hclock_days_from_civil(int y, int m, int d);

/* The weekday (0 Sunday .. 6 Saturday) of a day number. */
int	hclock_wday(int64_t day);

/* Local seconds of t: since 1970-01-01 00:00 Phnom Penh time. */
int64_t	hclock_lsec(time_t t);

/*
 * Parse "HH:MM" into minutes of the day; "24:00" (1440) only when allow24
 * is set. -1 if malformed.
 */
int	hclock_parse_hhmm(const char *s, int allow24);

/*
 * Parse an existing date "YYYY-MM-DD" of the years 2000 to 2099 into a
 * day number. Returns 0, or -1.
 */
int	hclock_parse_date(const char *s, int64_t *day);

/* Split t into Phnom Penh local date and time (struct tm fields). */
void	hclock_local(time_t t, struct tm *out);

#endif
