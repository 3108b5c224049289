/* SPDX-License-Identifier: ISC */
/*
 * stats: the names and forms of the daily aggregates' cells (stats.h):
 * days and months in Phnom Penh time, category labels that cannot carry
 * a number or free text, the fixed buckets of durations, and the
 * "label=count" lines her answers are counted in. No state.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "stats.h"

/* Upper bounds: 1, 5, 15, 30 min; 1, 2, 4, 8, 24, 48 h; 1 week; more. */
static const int64_t stats_bounds[STATS_NBUCKETS] = {
	60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400, 172800,
	604800, INT64_MAX
};

/* The Phnom Penh day of t. */
void
stats_day_of(time_t t, char *out, size_t len)
{
	struct tm	 tm;

	hclock_local(t, &tm);
	snprintf(out, len, "%04d-%02d-%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday);
}

/* The Phnom Penh month of t. */
void
stats_month_of(time_t t, char *out, size_t len)
{
	struct tm	 tm;

	hclock_local(t, &tm);
	snprintf(out, len, "%04d-%02d", tm.tm_year + 1900, tm.tm_mon + 1);
}

/* s as a label, "none" or "other". */
void
stats_label(const char *s, char *out, size_t len)
{
	size_t	 i, n, digits = 0;

	if (s == NULL || *s == '\0') {
		snprintf(out, len, "none");
		return;
	}
	n = strlen(s);
	if (n > STATS_LABEL_MAX)
		goto other;
	for (i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			if (++digits > 2)
				goto other;
			continue;
		}
		digits = 0;
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_' ||
		    s[i] == '-' || s[i] == '.'))
			goto other;
	}
	snprintf(out, len, "%s", s);
	return;
other:
	snprintf(out, len, "other");
}

/* Bucket i's upper bound. */
int64_t
stats_bucket_bound(size_t i)
{
	return i < STATS_NBUCKETS ? stats_bounds[i] : INT64_MAX;
}

/* The first bucket whose bound holds secs. */
size_t
stats_bucket_of(int64_t secs)
{
	size_t	 i;

	for (i = 0; i < STATS_NBUCKETS - 1; i++)
		if (secs <= stats_bounds[i])
			break;
	return i;
}

/* The key of secs' bucket. */
void
stats_bucket_label(int64_t secs, char *out, size_t len)
{
	size_t	 i = stats_bucket_of(secs);

	if (i == STATS_NBUCKETS - 1)
		snprintf(out, len, "gt_%lld",
		    (long long)stats_bounds[STATS_NBUCKETS - 2]);
	else
		snprintf(out, len, "le_%lld", (long long)stats_bounds[i]);
}

/* The bucket key names. */
int
stats_bucket_parse(const char *key)
{
	char	 buf[STATS_LABEL_MAX + 1];
	size_t	 i;

	for (i = 0; i < STATS_NBUCKETS; i++) {
		stats_bucket_label(i == STATS_NBUCKETS - 1 ?
		    stats_bounds[STATS_NBUCKETS - 2] + 1 : stats_bounds[i],
		    buf, sizeof(buf));
		if (strcmp(buf, key) == 0)
			return (int)i;
	}
	return -1;
}

/* One "label=count" line at s: the label's length and the count. */
static const char *
stats_counts_line(const char *s, size_t *llen, int64_t *n)
{
	const char	*eq, *nl;
	char		*end;
	long long	 v;

	eq = strchr(s, '=');
	nl = strchr(s, '\n');
	if (eq == NULL || nl == NULL || eq > nl || eq == s)
		return NULL;
	v = strtoll(eq + 1, &end, 10);
	if (end != nl || v < 0)
		return NULL;
	*llen = (size_t)(eq - s);
	*n = v;
	return nl + 1;
}

/* counts with one more of label (a new string), or NULL. */
char *
stats_counts_add(const char *counts, const char *label)
{
	const char	*s, *next;
	char		*out, *p;
	size_t		 len, llen, room;
	int64_t		 n;
	int		 found = 0, w;

	if (counts == NULL)
		counts = "";
	len = strlen(label);
	room = strlen(counts) + len + 32;
	out = malloc(room);
	if (out == NULL)
		return NULL;
	p = out;
	*p = '\0';
	for (s = counts; *s != '\0'; s = next) {
		next = stats_counts_line(s, &llen, &n);
		if (next == NULL) {
			free(out);
			return NULL;
		}
		if (llen == len && strncmp(s, label, len) == 0) {
			n++;
			found = 1;
		}
		w = snprintf(p, room - (size_t)(p - out), "%.*s=%lld\n",
		    (int)llen, s, (long long)n);
		if (w < 0 || (size_t)w >= room - (size_t)(p - out)) {
			free(out);
			return NULL;
		}
		p += w;
	}
	if (!found) {
		w = snprintf(p, room - (size_t)(p - out), "%s=1\n", label);
		if (w < 0 || (size_t)w >= room - (size_t)(p - out)) {
			free(out);
			return NULL;
		}
	}
	return out;
}

/* Call cb for each label of counts. */
int
stats_counts_each(const char *counts, stats_counts_cb cb, void *arg)
{
	const char	*s, *next;
	char		 label[STATS_LABEL_MAX + 1];
	size_t		 llen;
	int64_t		 n;

	for (s = counts; *s != '\0'; s = next) {
		next = stats_counts_line(s, &llen, &n);
		if (next == NULL || llen > STATS_LABEL_MAX)
			return -1;
		memcpy(label, s, llen);
		label[llen] = '\0';
		if (cb(label, n, arg) != 0)
			return -1;
	}
	return 0;
}
