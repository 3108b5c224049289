/* SPDX-License-Identifier: ISC */
/*
 * clock: the daemon's clock with an optional offset, and strict parsing
 * of the ISO 8601 instants the configuration uses. No global state: the
 * daemon context owns its clock and passes it down.
 */
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
