/* SPDX-License-Identifier: ISC */
/*
 * clock: the daemon's clock with an optional offset, strict parsing of
 * the ISO 8601 instants the configuration uses, and the calendar
 * arithmetic of Phnom Penh local time (days, weekdays, "HH:MM", dates) by
 * plain integer arithmetic. No global state: the daemon context owns its
 * clock and passes it down.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"

/* Set the offset so that now is start (or the system clock). */
void
hclock_init(struct hclock *c, time_t start)
{
	c->offset = start != 0 ? start - time(NULL) : 0;
}

/* Now. */
time_t
hclock_now(const struct hclock *c)
{
	return time(NULL) + c->offset;
}

/* Milliseconds on the monotonic clock. */
int64_t
hclock_mono_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read exactly n digits into *out; -1 if they are not digits. */
static int
hclock_digits(const char *s, int n, int *out)
{
	int	 v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Parse an ISO 8601 instant with a zone. */
int
hclock_parse(const char *s, time_t *out)
{
	struct tm	 tm;
	int		 y, mo, d, h, mi, se, zh = 0, zm = 0, sign = 1;
	time_t		 t;

	if (strlen(s) < 20 || hclock_digits(s, 4, &y) == -1 || s[4] != '-' ||
	    hclock_digits(s + 5, 2, &mo) == -1 || s[7] != '-' ||
	    hclock_digits(s + 8, 2, &d) == -1 || s[10] != 'T' ||
	    hclock_digits(s + 11, 2, &h) == -1 || s[13] != ':' ||
	    hclock_digits(s + 14, 2, &mi) == -1 || s[16] != ':' ||
	    hclock_digits(s + 17, 2, &se) == -1)
		return -1;
	if (strcmp(s + 19, "Z") != 0) {
		if ((s[19] != '+' && s[19] != '-') || strlen(s) != 25 ||
		    hclock_digits(s + 20, 2, &zh) == -1 || s[22] != ':' ||
		    hclock_digits(s + 23, 2, &zm) == -1 || zh > 14 || zm > 59)
			return -1;
		sign = s[19] == '-' ? -1 : 1;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    se > 60)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	t = timegm(&tm);
	if (t == (time_t)-1 || tm.tm_mday != d)
		return -1;	/* normalised away: no such date */
	*out = t - sign * (zh * 3600 + zm * 60);
	return 0;
}

/* Floor division. */
int64_t
hclock_div(int64_t a, int64_t b)
{
	int64_t	 q = a / b;

	if (a % b != 0 && (a < 0) != (b < 0))
		q--;
	return q;
}

/* Days from 1970-01-01 to y-m-d. */
int64_t
hclock_days_from_civil(int y, int m, int d)
{
	int64_t		 era, yoe, doy, doe;

	/* H. Hinnant's algorithm: years start in March, so leap days end. */
	y -= m <= 2;
	era = hclock_div(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Weekday of a day number; 1970-01-01 was a Thursday. */
int
hclock_wday(int64_t day)
{
	int64_t	 w = (day + 4) % 7;

	return (int)(w < 0 ? w + 7 : w);
}

/* Local seconds since 1970-01-01 00:00 Phnom Penh time. */
int64_t
hclock_lsec(time_t t)
{
	return (int64_t)t + HCLOCK_UTC_OFFSET;
}

/* Parse "HH:MM" into minutes. */
int
hclock_parse_hhmm(const char *s, int allow24)
{
	int	 h, m;

	if (strlen(s) != 5 || s[2] != ':')
		return -1;
	if (hclock_digits(s, 2, &h) == -1 || hclock_digits(s + 3, 2, &m) == -1)
		return -1;
	if (h == 24 && m == 0 && allow24)
		return HCLOCK_MINUTES;
	if (h > 23 || m > 59)
		return -1;
	return h * 60 + m;
}

/* Parse an existing date "YYYY-MM-DD" (2000..2099) into a day number. */
int
hclock_parse_date(const char *s, int64_t *day)
{
	static const int	 mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31,
				    30, 31, 30, 31 };
	int			 y, m, d, leap;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    hclock_digits(s, 4, &y) == -1 ||
	    hclock_digits(s + 5, 2, &m) == -1 ||
	    hclock_digits(s + 8, 2, &d) == -1)
		return -1;
	if (y < 2000 || y > 2099 || m < 1 || m > 12 || d < 1)
		return -1;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d > mdays[m - 1] + (m == 2 && leap))
		return -1;
	*day = hclock_days_from_civil(y, m, d);
	return 0;
}

/* Phnom Penh local broken-down time of t. */
void
hclock_local(time_t t, struct tm *out)
{
	time_t	 lt = (time_t)hclock_lsec(t);

	if (gmtime_r(&lt, out) == NULL)
		memset(out, 0, sizeof(*out));
}
