/* SPDX-License-Identifier: ISC */
/*
 * phone: the one place that knows what a phone number looks like. It
 * normalises what a survivor keys in to a callable +855 number, groups one
 * for reading back, and checks the international numbers admins write for
 * SMS alerts. It never logs or keeps a number.
 */
#include <stdio.h>
#include <string.h>

#include "phone.h"

/* Normalise a Cambodian phone number to +855 followed by 8 or 9 digits. */
int
phone_kh(const char *in, char *buf, size_t len)
{
	char	 d[32];
	size_t	 n = 0;
	const char *nsn;
	int	 plus = 0;

	for (; *in != '\0'; in++) {
		if (*in == ' ' || *in == '-' || *in == '.')
			continue;
		if (*in == '+' && n == 0 && !plus) {
			plus = 1;
			continue;
		}
		if (*in < '0' || *in > '9' || n + 1 >= sizeof(d))
			return -1;
		d[n++] = *in;
	}
	d[n] = '\0';
	if (n > 3 && memcmp(d, "855", 3) == 0) {
		nsn = d + 3;
		if (nsn[0] == '0')
			nsn++;	/* +855 0xx... is a common mistake */
	} else if (!plus && d[0] == '0')
		nsn = d + 1;
	else
		return -1;
	n = strlen(nsn);
	if (n < 8 || n > 9 || nsn[0] == '0')
		return -1;
	if (snprintf(buf, len, "+855%s", nsn) >= (int)len)
		return -1;
	return 0;
}

/* A +855 number grouped as a caller reads it: 0XX XXX XXX[X]. */
int
phone_show(const char *e164, char *buf, size_t len)
{
	const char	*nsn;
	size_t		 n;

	if (strncmp(e164, "+855", 4) != 0)
		return -1;
	nsn = e164 + 4;
	n = strlen(nsn);
	if (n < 8 || n > 9 || strspn(nsn, "0123456789") != n)
		return -1;
	if (snprintf(buf, len, "0%.2s %.3s %s", nsn, nsn + 2, nsn + 5) >=
	    (int)len)
		return -1;
	return 0;
}

/* Check an international number: "+" when plus, then 8 to 15 digits. */
int
phone_intl_ok(const char *s, int plus)
{
	size_t	 n;

	if (plus) {
		if (*s != '+')
			return 0;
		s++;
	}
	n = strlen(s);
	return n >= 8 && n <= 15 && s[0] != '0' &&
	    strspn(s, "0123456789") == n;
}

/*
 * Normalise a sender's number as a gateway gives it to "+" and 6 to 15
 * digits: "+855...", "00855..." and "855..." keep their country code, a
 * national "0..." is Cambodian.
 */
int
phone_e164(const char *in, char *buf, size_t len)
{
	char	 d[32];
	size_t	 n = 0, skip = 0;
	int	 plus = 0;

	for (; *in != '\0'; in++) {
		if (*in == ' ' || *in == '-' || *in == '.' || *in == '(' ||
		    *in == ')')
			continue;
		if (*in == '+' && n == 0 && !plus) {
			plus = 1;
			continue;
		}
		if (*in < '0' || *in > '9' || n + 1 >= sizeof(d))
			return -1;
		d[n++] = *in;
	}
	d[n] = '\0';
	if (!plus && n > 2 && d[0] == '0' && d[1] == '0')
		skip = 2;
	else if (!plus && n > 1 && d[0] == '0') {
		/* 855 and the national number: 15 digits at most, too. */
		if (n - 1 < 6 || 3 + n - 1 > 15 ||
		    snprintf(buf, len, "+855%s", d + 1) >= (int)len)
			return -1;
		return 0;
	}
	if (n - skip < 6 || n - skip > 15 || d[skip] == '0')
		return -1;
	if (snprintf(buf, len, "+%s", d + skip) >= (int)len)
		return -1;
	return 0;
}

/* A number as the store keeps it: Cambodian first, else international. */
int
phone_stored(const char *in, char *buf, size_t len)
{
	if (phone_kh(in, buf, len) == 0)
		return 0;
	return phone_e164(in, buf, len);
}
