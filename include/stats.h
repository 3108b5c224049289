/* SPDX-License-Identifier: ISC */
/*
 * stats: what the daily aggregates count and how their cells are named,
 * shared by the store that adds to them, the daemon that counts sessions
 * and the report that reads them: the metrics, the Phnom Penh day and
 * month of an instant, the one form a category label may take (so that no
 * number or free text reaches a count), and the fixed buckets durations
 * are counted in. It is a leaf: it knows no store, loop or report.
 */
#ifndef HOTLINED_STATS_H
#define HOTLINED_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define STATS_DAY_LEN		10	/* "YYYY-MM-DD" */
#define STATS_MONTH_LEN		7	/* "YYYY-MM" */
#define STATS_LABEL_MAX		32	/* a category label, in bytes */
#define STATS_METRIC_MAX	16
#define STATS_CALLER_LEN	16	/* a unique caller's hash */

/* The metrics (the aggregate's metric column). */
#define STATS_M_SESSIONS	"sessions"	/* channel */
#define STATS_M_QUICK_EXITS	"quick_exits"	/* channel */
#define STATS_M_TIMEOUTS	"timeouts"	/* channel */
#define STATS_M_REQUESTS	"requests"	/* channel: callbacks asked */
#define STATS_M_OPTOUTS		"optouts"	/* "sms": numbers that STOP */
#define STATS_M_CALLERS		"callers"	/* channel: first in month */
#define STATS_M_OUTCOME		"outcome"	/* key: the outcome */
#define STATS_M_ESCALATIONS	"escalations"
#define STATS_M_CLAIM_TIME	"claim_time"	/* key: a bucket */
#define STATS_M_ATTEMPT_TIME	"attempt_time"	/* key: a bucket */
#define STATS_M_TOPIC		"topic"		/* sealed, by month */
#define STATS_M_PROVINCE	"province"	/* sealed, by month */

/* One cell to add to: a day, channel, metric and key (all labels). */
struct stats_count {
	char		 day[STATS_DAY_LEN + 1];
	char		 channel[STATS_LABEL_MAX + 1];
	char		 metric[STATS_METRIC_MAX + 1];
	char		 key[STATS_LABEL_MAX + 1];
	int64_t		 count;
};

/* The Phnom Penh day ("YYYY-MM-DD") of t into out (len >= 11). */
void		 stats_day_of(time_t t, char *out, size_t len);

/* The Phnom Penh month ("YYYY-MM") of t into out (len >= 8). */
void		 stats_month_of(time_t t, char *out, size_t len);

/*
 * s as a category label into out (len > STATS_LABEL_MAX): s itself
 * when it is 1 to STATS_LABEL_MAX of a-z, A-Z, 0-9, '_', '-' and '.'
 * with at most two digits in a row (no number gets through), "none" for
 * NULL or "", else "other".
 */
void		 stats_label(const char *s, char *out, size_t len);

/* How many duration buckets there are. */
#define STATS_NBUCKETS		12

/*
 * The upper bound in seconds of bucket i (0 <= i < STATS_NBUCKETS); the
 * last is INT64_MAX (longer than a week).
 */
int64_t		 stats_bucket_bound(size_t i);

/* The bucket of a duration of secs (negative counts as 0). */
size_t		 stats_bucket_of(int64_t secs);

/* The key of the bucket of secs ("le_300", ..., "gt_604800") into out. */
void		 stats_bucket_label(int64_t secs, char *out, size_t len);

/* The bucket a key names, or -1 when it names none. */
int		 stats_bucket_parse(const char *key);

/*
 * Her answers are counted by month in one sealed value per metric:
 * "label=count" lines. counts (NULL: none) with one more of label, as a
 * new string the caller frees, or NULL when counts is malformed or out of
 * memory.
 */
char		*stats_counts_add(const char *counts, const char *label);

/* One label of a counts value, for stats_counts_each; non-zero stops. */
typedef int	(*stats_counts_cb)(const char *label, int64_t n, void *arg);

/* Call cb for each line of counts. 0, or -1 (malformed, or cb stopped). */
int		 stats_counts_each(const char *counts, stats_counts_cb cb,
		    void *arg);

#endif
