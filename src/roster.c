/* SPDX-License-Identifier: ISC */
/*
 * roster: loads the roster file (people with their API tokens and alert
 * channels, weekly shifts, public holidays, safe-call windows), checks it
 * against docs/roster.md reporting every problem with file:line:col, and
 * answers who is on duty and when a call can be expected. Time is Phnom
 * Penh local time computed by plain arithmetic (UTC+07:00, no TZ, no
 * localtime()). It sends nothing and does not choose whom to alert.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "diag.h"
#include "jsonfile.h"
#include "roster.h"

#define ROSTER_FILE_MAX		(1024 * 1024)
#define ROSTER_PTR_MAX		256
#define ROSTER_DAY		86400
#define ROSTER_MINUTES		1440		/* in a day */
#define ROSTER_HORIZON		14		/* days searched ahead */
#define ROSTER_SMALL_HOURS	6		/* "tonight" ends by 06:00 */
#define ROSTER_ID_MAX		32
#define ROSTER_TOKEN_MIN	24
#define ROSTER_TOKEN_MAX	256
#define ROSTER_KEY_MIN		24		/* webhook key, decoded bytes */
#define ROSTER_KEY_MAX		64
#define ROSTER_URL_MAX		2048
#define ROSTER_NWINDOWS		3
#define ROSTER_HASH		crypto_generichash_BYTES

/* A stretch of local time: minutes of a day, or local seconds. */
struct roster_span {
	int64_t		 b;		/* first, included */
	int64_t		 e;		/* last, excluded */
};

/* A weekly shift of one counsellor. */
struct roster_shift {
	size_t		 person;	/* index into people */
	unsigned	 days;		/* bit n: starts on wday n */
	int		 start;		/* minutes, 0..1439 */
	int		 end;		/* minutes, 1..1440; <= start: the
					   next day */
	int		 holidays;	/* runs even if it starts on a
					   holiday */
};

struct roster {
	struct roster_person	*people;
	size_t			 npeople;
	unsigned char		(*tokhash)[ROSTER_HASH];	/* per person */
	struct roster_shift	*shifts;
	size_t			 nshifts;
	int64_t			*holidays;	/* local day numbers, sorted */
	size_t			 nholidays;
	struct roster_span	 windows[ROSTER_NWINDOWS];	/* minutes */
	int			 escalate_after;
	long			 retry_first;
	int			 max_attempts;
	int			 now_minutes;
	int			 claim_expiry;
	int			 call_attempts;
	int			 attempt_gap;
};

static const char *const roster_window_names[ROSTER_NWINDOWS] = {
	"morning", "afternoon", "evening"
};

static const struct roster_span roster_window_defaults[ROSTER_NWINDOWS] = {
	{ 8 * 60, 12 * 60 }, { 12 * 60, 17 * 60 }, { 17 * 60, 21 * 60 }
};

static const char *const roster_day_names[7] = {
	"sun", "mon", "tue", "wed", "thu", "fri", "sat"
};

static const char *const roster_transport_names[] = {
	"webhook", "telegram", "sms_at", "sms_plasgate"
};

enum rk_type {
	RK_STR,		/* string; min..max bytes unless max is 0 */
	RK_INT,		/* integer within min..max */
	RK_BOOL,
	RK_ARRAY,	/* array of min..max entries, checked by the caller */
	RK_OBJ		/* object, checked by the caller */
};

/* One key of a roster object. */
struct rkey {
	const char	*name;
	enum rk_type	 type;
	long		 min;
	long		 max;
	long		 def;		/* integer or boolean default */
	int		 required;
};

static const struct rkey rk_top[] = {
	{ "comment", RK_STR, 0, 4096, 0, 0 },
	{ "escalate_after", RK_INT, 1, 86400, 600, 0 },
	{ "retry_first", RK_INT, 1, 3600, 5, 0 },
	{ "max_attempts", RK_INT, 1, 50, 5, 0 },
	{ "now_minutes", RK_INT, 5, 240, 30, 0 },
	{ "claim_expiry", RK_INT, 1, 86400, 1800, 0 },
	{ "call_attempts", RK_INT, 1, 10, 3, 0 },
	{ "attempt_gap", RK_INT, 1, 86400, 900, 0 },
	{ "windows", RK_OBJ, 0, 0, 0, 0 },
	{ "people", RK_ARRAY, 0, 256, 0, 1 },
	{ "shifts", RK_ARRAY, 1, 1024, 0, 1 },
	{ "holidays", RK_ARRAY, 0, 1024, 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 }
};

static const struct rkey rk_person[] = {
	{ "id", RK_STR, 0, 0, 0, 1 },
	{ "name", RK_STR, 1, 128, 0, 1 },
	{ "role", RK_STR, 0, 0, 0, 1 },
	{ "token", RK_STR, 0, 0, 0, 0 },
	{ "token_file", RK_STR, 1, 1024, 0, 0 },
	{ "telegram_id", RK_INT, 1, ROSTER_TELEGRAM_ID_MAX, 0, 0 },
	{ "alerts", RK_ARRAY, 0, 16, 0, 0 },
	{ "comment", RK_STR, 0, 4096, 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 }
};

static const struct rkey rk_alert[] = {
	{ "type", RK_STR, 0, 0, 0, 1 },
	{ "url", RK_STR, 0, 0, 0, 0 },
	{ "secret", RK_STR, 0, 0, 0, 0 },
	{ "secret_file", RK_STR, 1, 1024, 0, 0 },
	{ "chat_id", RK_STR, 0, 0, 0, 0 },
	{ "to", RK_STR, 0, 0, 0, 0 },
	{ "with_phone", RK_BOOL, 0, 1, 0, 0 },
	{ "comment", RK_STR, 0, 4096, 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 }
};

static const struct rkey rk_shift[] = {
	{ "who", RK_STR, 0, 0, 0, 1 },
	{ "days", RK_ARRAY, 1, 7, 0, 1 },
	{ "start", RK_STR, 0, 0, 0, 1 },
	{ "end", RK_STR, 0, 0, 0, 1 },
	{ "holidays", RK_BOOL, 0, 1, 0, 0 },
	{ "comment", RK_STR, 0, 4096, 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 }
};

static const struct rkey rk_holiday[] = {
	{ "date", RK_STR, 0, 0, 0, 1 },
	{ "name", RK_STR, 1, 128, 0, 1 },
	{ "comment", RK_STR, 0, 4096, 0, 0 },
	{ NULL, 0, 0, 0, 0, 0 }
};

/* What a secret is, for checks and messages. */
struct roster_secret_kind {
	const char	*what;		/* "token" */
	int		(*ok)(const char *);
	const char	*rule;		/* "must be ..." completes it */
};

/* Loading context. */
struct roster_ld {
	const char		*name;	/* the file as named to the admin */
	char			*dir;	/* its directory, for relative paths */
	const struct jsonpos	*jp;
	struct diag		*d;
	size_t			 errors;
	int			*role;	/* per person: 0 counsellor,
					   1 supervisor, -1 unknown */
	size_t			*hol_index;	/* JSON index of each holiday */
};

/* Report a problem at a pointer (at the member name when key is set). */
static void
roster_err(struct roster_ld *ld, const char *ptr, int key, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static void
roster_err(struct roster_ld *ld, const char *ptr, int key, const char *fmt,
    ...)
{
	char	 msg[512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_at(ld->d, ld->name, ld->jp, ptr, key, "%s", msg);
	ld->errors++;
}

/* Build "base/member" into buf; truncation only blurs a location. */
static const char *
roster_ptr(char *buf, size_t len, const char *base, const char *member)
{
	if (snprintf(buf, len, "%s/%s", base, member) >= (int)len)
		buf[len - 1] = '\0';
	return buf;
}

/* Build "base/index" into buf. */
static const char *
roster_ptr_index(char *buf, size_t len, const char *base, size_t i)
{
	char	 num[24];

	snprintf(num, sizeof(num), "%zu", i);
	return roster_ptr(buf, len, base, num);
}

/* Find a key in a table, or NULL. */
static const struct rkey *
rk_find(const struct rkey *t, const char *name)
{
	for (; t->name != NULL; t++)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

/* Return 1 if v has the type, size or range that key k asks for. */
static int
rk_valid(const struct rkey *k, json_t *v)
{
	json_int_t	 iv;
	size_t		 n;

	switch (k->type) {
	case RK_STR:
		if (!json_is_string(v))
			return 0;
		n = json_string_length(v);
		return k->max == 0 || ((long)n >= k->min && (long)n <= k->max);
	case RK_INT:
		if (!json_is_integer(v))
			return 0;
		iv = json_integer_value(v);
		return iv >= k->min && iv <= k->max;
	case RK_BOOL:
		return json_is_boolean(v);
	case RK_ARRAY:
		if (!json_is_array(v))
			return 0;
		n = json_array_size(v);
		return (long)n >= k->min && (long)n <= k->max;
	case RK_OBJ:
		return json_is_object(v);
	}
	return 0;
}

/* Report why v does not suit key k. */
static void
rk_complain(struct roster_ld *ld, const struct rkey *k, json_t *v,
    const char *ptr)
{
	switch (k->type) {
	case RK_STR:
		if (!json_is_string(v))
			roster_err(ld, ptr, 0, "must be a string");
		else
			roster_err(ld, ptr, 0, "must be %ld to %ld bytes long",
			    k->min, k->max);
		break;
	case RK_INT:
		if (!json_is_integer(v))
			roster_err(ld, ptr, 0, "must be an integer");
		else
			roster_err(ld, ptr, 0, "must be within %ld..%ld",
			    k->min, k->max);
		break;
	case RK_BOOL:
		roster_err(ld, ptr, 0, "must be true or false");
		break;
	case RK_ARRAY:
		roster_err(ld, ptr, 0, "must be an array of %ld to %ld entries",
		    k->min, k->max);
		break;
	case RK_OBJ:
		roster_err(ld, ptr, 0, "must be an object");
		break;
	}
}

/* Check every member of obj against table t, and the required members. */
static void
rk_walk(struct roster_ld *ld, json_t *obj, const char *ptr,
    const struct rkey *t)
{
	const struct rkey	*k;
	const char		*name;
	json_t			*v;
	char			 p[ROSTER_PTR_MAX];

	json_object_foreach(obj, name, v) {
		roster_ptr(p, sizeof(p), ptr, name);
		k = rk_find(t, name);
		if (k == NULL)
			roster_err(ld, p, 1, "unknown key \"%s\"", name);
		else if (!rk_valid(k, v))
			rk_complain(ld, k, v, p);
	}
	for (k = t; k->name != NULL; k++)
		if (k->required && json_object_get(obj, k->name) == NULL)
			roster_err(ld, ptr, 0, "missing \"%s\"", k->name);
}

/* The member name of obj if it passed its check, else NULL (borrowed). */
static json_t *
rk_get(json_t *obj, const struct rkey *t, const char *name)
{
	json_t	*v = json_object_get(obj, name);

	if (v == NULL || !rk_valid(rk_find(t, name), v))
		return NULL;
	return v;
}

/* A checked string member, or NULL (borrowed). */
static const char *
rk_str(json_t *obj, const struct rkey *t, const char *name)
{
	json_t	*v = rk_get(obj, t, name);

	return v != NULL ? json_string_value(v) : NULL;
}

/* A checked integer or boolean member, or the table default. */
static long
rk_int(json_t *obj, const struct rkey *t, const char *name)
{
	json_t	*v = obj != NULL ? rk_get(obj, t, name) : NULL;

	if (json_is_integer(v))
		return (long)json_integer_value(v);
	if (json_is_boolean(v))
		return json_is_true(v);
	return rk_find(t, name)->def;
}

/* Floor division, so that instants before 1970 land on the right day. */
static int64_t
roster_div(int64_t a, int64_t b)
{
	int64_t	 q = a / b;

	if (a % b != 0 && (a < 0) != (b < 0))
		q--;
	return q;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t
roster_days_from_civil(int y, int m, int d)
{
	int64_t		 era, yoe, doy, doe;

	/* H. Hinnant's algorithm: years start in March, so leap days end. */
	y -= m <= 2;
	era = roster_div(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Weekday (0 Sunday) of a day number; 1970-01-01 was a Thursday. */
static int
roster_wday(int64_t day)
{
	int64_t	 w = (day + 4) % 7;

	return (int)(w < 0 ? w + 7 : w);
}

/* Local seconds since 1970-01-01 00:00 Phnom Penh time. */
static int64_t
roster_lsec(time_t t)
{
	return (int64_t)t + ROSTER_UTC_OFFSET;
}

/* Parse "HH:MM" into minutes; "24:00" only if allow24. -1 if malformed. */
static int
roster_parse_time(const char *s, int allow24)
{
	int	 h, m;

	if (strlen(s) != 5 || s[2] != ':')
		return -1;
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' ||
	    s[3] < '0' || s[3] > '9' || s[4] < '0' || s[4] > '9')
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h == 24 && m == 0 && allow24)
		return ROSTER_MINUTES;
	if (h > 23 || m > 59)
		return -1;
	return h * 60 + m;
}

/* Parse an existing date "YYYY-MM-DD" (2000..2099) into a day number. */
static int
roster_parse_date(const char *s, int64_t *day)
{
	static const int	 mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31,
				    30, 31, 30, 31 };
	int			 y = 0, m, d, i, leap;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	for (i = 0; i < 4; i++)
		y = y * 10 + (s[i] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 2000 || y > 2099 || m < 1 || m > 12 || d < 1)
		return -1;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d > mdays[m - 1] + (m == 2 && leap))
		return -1;
	*day = roster_days_from_civil(y, m, d);
	return 0;
}

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

/* Return 1 if s is "whsec_" and standard base64 of a 24- to 64-byte key. */
static int
roster_whsec_ok(const char *s)
{
	unsigned char	 key[ROSTER_KEY_MAX];
	size_t		 n = 0;
	int		 ok;

	if (strncmp(s, "whsec_", 6) != 0)
		return 0;
	/* Without an end pointer, trailing junk or a longer key fails. */
	ok = sodium_base642bin(key, sizeof(key), s + 6, strlen(s + 6), NULL,
	    &n, NULL, sodium_base64_VARIANT_ORIGINAL) == 0 &&
	    n >= ROSTER_KEY_MIN;
	sodium_memzero(key, sizeof(key));
	return ok;
}

/* Return 1 if s is an http:// or https:// URL with a host and no
 * spaces, controls or non-ASCII bytes. */
static int
roster_url_ok(const char *s)
{
	const unsigned char	*p;
	size_t			 skip;

	if (strncmp(s, "https://", 8) == 0)
		skip = 8;
	else if (strncmp(s, "http://", 7) == 0)
		skip = 7;
	else
		return 0;
	if (strlen(s) > ROSTER_URL_MAX || s[skip] == '\0' || s[skip] == '/' ||
	    s[skip] == ':' || s[skip] == '?' || s[skip] == '#')
		return 0;
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p <= 0x20 || *p >= 0x7f)
			return 0;
	return 1;
}

/* Return 1 if s is a Telegram chat id: a non-zero 64-bit integer or
 * "@name" (5 to 32 of A-Z a-z 0-9 _). */
static int
roster_chat_ok(const char *s)
{
	const char	*p = s;
	char		*end;
	long long	 v;
	size_t		 n;

	if (*s == '@') {
		n = strlen(s + 1);
		return n >= 5 && n <= 32 && strspn(s + 1, "ABCDEFGHIJKLMNOPQ"
		    "RSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") == n;
	}
	if (*p == '-')
		p++;
	if (*p < '1' || *p > '9' || strspn(p, "0123456789") != strlen(p))
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	return errno == 0 && *end == '\0' && v != 0;
}

/* Return 1 if s is an international number: "+" (if plus) then 8 to 15
 * digits, the first not 0. */
static int
roster_phone_ok(const char *s, int plus)
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
 * Whether a webhook secret is one anybody can read: its key says EXAMPLE
 * (the shipped sample's), or it is the Standard Webhooks test vector.
 */
static int
roster_sample_secret(const char *s)
{
	unsigned char	 key[ROSTER_KEY_MAX + 1];
	size_t		 n = 0;
	int		 sample;

	if (strcmp(s, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") == 0)
		return 1;
	if (strncmp(s, "whsec_", 6) != 0 || sodium_base642bin(key,
	    sizeof(key) - 1, s + 6, strlen(s + 6), NULL, &n, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0)
		return 0;
	key[n] = '\0';
	sample = memmem(key, n, "EXAMPLE", 7) != NULL;
	sodium_memzero(key, sizeof(key));
	return sample;
}

static const struct roster_secret_kind roster_kind_token = {
	"token", roster_token_ok,
	"24 to 256 characters of A-Z a-z 0-9 _ -"
};

static const struct roster_secret_kind roster_kind_whsec = {
	"secret", roster_whsec_ok,
	"\"whsec_\" and the standard base64 of a 24- to 64-byte key"
};

/*
 * Read a secret (the first line) from a file that only its owner can read
 * and check it; a new string, or NULL with the problem reported at ptr.
 */
static char *
roster_secret_file(struct roster_ld *ld, const char *file, const char *ptr,
    const struct roster_secret_kind *kind)
{
	char	*path, *s, *cause = NULL;

	path = jsonfile_path(ld->dir, file);
	if (path == NULL) {
		roster_err(ld, ptr, 0, "out of memory");
		return NULL;
	}
	s = jsonfile_secret(path, &cause);
	if (s == NULL)
		roster_err(ld, ptr, 0, "%s", cause ? cause : "out of memory");
	else if (!kind->ok(s)) {
		roster_err(ld, ptr, 0, "the %s in %s must be %s", kind->what,
		    path, kind->rule);
		explicit_bzero(s, strlen(s));
		free(s);
		s = NULL;
	}
	free(cause);
	free(path);
	return s;
}

/*
 * A secret given inline (member key) or in a private file (member fkey) of
 * obj: a new string, or NULL if there is none or it is bad (reported).
 * *given says whether either member was there.
 */
static char *
roster_secret(struct roster_ld *ld, json_t *obj, const struct rkey *t,
    const char *ptr, const char *key, const char *fkey,
    const struct roster_secret_kind *kind, int *given)
{
	const char	*s, *file;
	char		 p[ROSTER_PTR_MAX], *out = NULL;

	*given = json_object_get(obj, key) != NULL ||
	    json_object_get(obj, fkey) != NULL;
	s = rk_str(obj, t, key);
	file = rk_str(obj, t, fkey);
	if (json_object_get(obj, key) != NULL &&
	    json_object_get(obj, fkey) != NULL) {
		roster_ptr(p, sizeof(p), ptr, fkey);
		roster_err(ld, p, 1, "use either \"%s\" or \"%s\"", key, fkey);
	} else if (file != NULL) {
		roster_ptr(p, sizeof(p), ptr, fkey);
		out = roster_secret_file(ld, file, p, kind);
	} else if (s != NULL) {
		roster_ptr(p, sizeof(p), ptr, key);
		if (!kind->ok(s))
			roster_err(ld, p, 0, "must be %s", kind->rule);
		else {
			out = strdup(s);
			if (out == NULL)
				roster_err(ld, p, 0, "out of memory");
		}
	}
	return out;
}

/* Check and read one alert channel of a person. */
static void
roster_alert_parse(struct roster_ld *ld, struct roster_alert *a, json_t *obj,
    const char *ptr)
{
	/* Which target member each transport needs, in enum order. */
	static const char	*const need[] = { "url", "chat_id", "to",
				    "to" };
	static const char	*const opt[] = { "url", "secret", "secret_file",
				    "chat_id", "to" };
	const char		*s;
	char			 p[ROSTER_PTR_MAX];
	size_t			 i;
	int			 t = -1, given;

	if (!json_is_object(obj)) {
		roster_err(ld, ptr, 0, "must be an object");
		return;
	}
	rk_walk(ld, obj, ptr, rk_alert);
	a->with_phone = (int)rk_int(obj, rk_alert, "with_phone");
	s = rk_str(obj, rk_alert, "type");
	if (s == NULL)
		return;
	for (i = 0; i < 4; i++)
		if (strcmp(s, roster_transport_names[i]) == 0)
			t = (int)i;
	if (t == -1) {
		roster_ptr(p, sizeof(p), ptr, "type");
		roster_err(ld, p, 0, "must be one of webhook|telegram|sms_at|"
		    "sms_plasgate");
		return;
	}
	a->transport = (enum roster_transport)t;
	if (t == ROSTER_TELEGRAM && a->with_phone) {
		roster_ptr(p, sizeof(p), ptr, "with_phone");
		roster_err(ld, p, 0, "a number never goes to Telegram: bot "
		    "chats are not end-to-end encrypted (the console shows it "
		    "once she has claimed)");
	}
	for (i = 0; i < sizeof(opt) / sizeof(opt[0]); i++) {
		if (json_object_get(obj, opt[i]) == NULL ||
		    strcmp(opt[i], need[t]) == 0 ||
		    (t == ROSTER_WEBHOOK && strncmp(opt[i], "secret", 6) == 0))
			continue;
		roster_ptr(p, sizeof(p), ptr, opt[i]);
		roster_err(ld, p, 1, "\"%s\" is not for %s alerts", opt[i], s);
	}

	roster_ptr(p, sizeof(p), ptr, need[t]);
	s = rk_str(obj, rk_alert, need[t]);
	if (json_object_get(obj, need[t]) == NULL) {
		roster_err(ld, ptr, 0, "missing \"%s\"", need[t]);
	} else if (s != NULL) {
		if (t == ROSTER_WEBHOOK && !roster_url_ok(s))
			roster_err(ld, p, 0, "must be an http:// or https:// "
			    "URL");
		else if (t == ROSTER_TELEGRAM && !roster_chat_ok(s))
			roster_err(ld, p, 0, "must be a Telegram chat id: an "
			    "integer such as \"-100123\", or \"@name\"");
		else if (t == ROSTER_SMS_AT && !roster_phone_ok(s, 1))
			roster_err(ld, p, 0, "must be \"+\" and 8 to 15 "
			    "digits, e.g. \"+85512345678\"");
		else if (t == ROSTER_SMS_PLASGATE && !roster_phone_ok(s, 0))
			roster_err(ld, p, 0, "must be 8 to 15 digits without "
			    "\"+\", e.g. \"85512345678\"");
		else {
			a->target = strdup(s);
			if (a->target == NULL)
				roster_err(ld, p, 0, "out of memory");
		}
	}
	if (t == ROSTER_WEBHOOK) {
		a->secret = roster_secret(ld, obj, rk_alert, ptr, "secret",
		    "secret_file", &roster_kind_whsec, &given);
		if (a->secret != NULL && roster_sample_secret(a->secret))
			diag_warn_at(ld->d, ld->name, ld->jp, ptr, 0, "this "
			    "webhook secret is a published sample: make a new "
			    "random one (secret_file)");
		if (!given)
			roster_err(ld, ptr, 0, "missing \"secret\" or "
			    "\"secret_file\"");
	}
}

/* Check and read person i of "people". */
static void
roster_person_parse(struct roster_ld *ld, struct roster *r, size_t i,
    json_t *obj)
{
	struct roster_person	*pp = &r->people[i];
	const char		*s;
	char			 ptr[ROSTER_PTR_MAX], p[ROSTER_PTR_MAX];
	char			 ap[ROSTER_PTR_MAX];
	json_t			*alerts, *v;
	size_t			 j;
	int			 given;

	roster_ptr_index(ptr, sizeof(ptr), "/people", i);
	ld->role[i] = -1;
	if (!json_is_object(obj)) {
		roster_err(ld, ptr, 0, "must be an object");
		return;
	}
	rk_walk(ld, obj, ptr, rk_person);

	s = rk_str(obj, rk_person, "id");
	if (s != NULL) {
		roster_ptr(p, sizeof(p), ptr, "id");
		if (!roster_id_ok(s))
			roster_err(ld, p, 0, "\"%s\" is not an id (1 to 32 of "
			    "a-z, 0-9, _ and -)", s);
		for (j = 0; j < i; j++)
			if (r->people[j].id != NULL &&
			    strcmp(r->people[j].id, s) == 0)
				roster_err(ld, p, 0, "duplicate id \"%s\" "
				    "(also /people/%zu)", s, j);
		/* Kept even when malformed, so shifts naming it resolve. */
		pp->id = strdup(s);
		if (pp->id == NULL)
			roster_err(ld, p, 0, "out of memory");
	}
	s = rk_str(obj, rk_person, "name");
	if (s != NULL) {
		pp->name = strdup(s);
		if (pp->name == NULL)
			roster_err(ld, ptr, 0, "out of memory");
	}
	s = rk_str(obj, rk_person, "role");
	if (s != NULL) {
		if (strcmp(s, "counsellor") == 0)
			ld->role[i] = 0;
		else if (strcmp(s, "supervisor") == 0)
			ld->role[i] = 1;
		else
			roster_err(ld, roster_ptr(p, sizeof(p), ptr, "role"), 0,
			    "must be \"counsellor\" or \"supervisor\"");
	}
	pp->supervisor = ld->role[i] == 1;

	pp->token = roster_secret(ld, obj, rk_person, ptr, "token",
	    "token_file", &roster_kind_token, &given);
	if (pp->token != NULL && strstr(pp->token, "EXAMPLE") != NULL)
		diag_warn_at(ld->d, ld->name, ld->jp, ptr, 0, "%s has the "
		    "sample's EXAMPLE token: give them a new random one "
		    "(token_file)", pp->id != NULL ? pp->id : "this person");
	if (!given && ld->role[i] == 0)
		roster_err(ld, ptr, 0, "a counsellor needs \"token\" or "
		    "\"token_file\"");
	for (j = 0; j < i && pp->token != NULL; j++)
		if (r->people[j].token != NULL &&
		    strcmp(r->people[j].token, pp->token) == 0)
			roster_err(ld, roster_ptr(p, sizeof(p), ptr,
			    json_object_get(obj, "token") != NULL ? "token" :
			    "token_file"), 0, "the same token as /people/%zu",
			    j);

	/* Whose button presses in Telegram count as hers. */
	pp->telegram_id = rk_int(obj, rk_person, "telegram_id");
	for (j = 0; j < i && pp->telegram_id != 0; j++)
		if (r->people[j].telegram_id == pp->telegram_id)
			roster_err(ld, roster_ptr(p, sizeof(p), ptr,
			    "telegram_id"), 0, "the same Telegram id as "
			    "/people/%zu", j);

	alerts = json_object_get(obj, "alerts");
	roster_ptr(p, sizeof(p), ptr, "alerts");
	if (ld->role[i] == 0 && (alerts == NULL ||
	    (json_is_array(alerts) && json_array_size(alerts) == 0)))
		roster_err(ld, alerts != NULL ? p : ptr, 0, "a counsellor "
		    "needs at least one alert");
	alerts = rk_get(obj, rk_person, "alerts");
	if (alerts == NULL || json_array_size(alerts) == 0)
		return;
	pp->alerts = calloc(json_array_size(alerts), sizeof(*pp->alerts));
	if (pp->alerts == NULL) {
		roster_err(ld, p, 0, "out of memory");
		return;
	}
	pp->nalerts = json_array_size(alerts);
	json_array_foreach(alerts, j, v) {
		roster_ptr_index(ap, sizeof(ap), p, j);
		roster_alert_parse(ld, &pp->alerts[j], v, ap);
	}
}

/* Check and read shift i of "shifts". */
static void
roster_shift_parse(struct roster_ld *ld, struct roster *r, size_t i,
    json_t *obj)
{
	struct roster_shift	 sh;
	const char		*s;
	char			 ptr[ROSTER_PTR_MAX], p[ROSTER_PTR_MAX];
	char			 dp[ROSTER_PTR_MAX];
	json_t			*days, *v;
	size_t			 j, k;
	int			 ok = 1, d;

	memset(&sh, 0, sizeof(sh));
	roster_ptr_index(ptr, sizeof(ptr), "/shifts", i);
	if (!json_is_object(obj)) {
		roster_err(ld, ptr, 0, "must be an object");
		return;
	}
	rk_walk(ld, obj, ptr, rk_shift);

	s = rk_str(obj, rk_shift, "who");
	ok = s != NULL;
	if (s != NULL) {
		roster_ptr(p, sizeof(p), ptr, "who");
		for (j = 0; j < r->npeople; j++)
			if (r->people[j].id != NULL &&
			    strcmp(r->people[j].id, s) == 0)
				break;
		if (j == r->npeople) {
			roster_err(ld, p, 0, "no person with id \"%s\" in "
			    "\"people\"", s);
			ok = 0;
		} else if (ld->role[j] == 1) {
			roster_err(ld, p, 0, "\"%s\" is a supervisor; shifts "
			    "are for counsellors", s);
			ok = 0;
		}
		sh.person = j;
	}

	days = rk_get(obj, rk_shift, "days");
	if (days == NULL)
		ok = 0;
	roster_ptr(p, sizeof(p), ptr, "days");
	json_array_foreach(days, j, v) {
		roster_ptr_index(dp, sizeof(dp), p, j);
		d = -1;
		if (!json_is_string(v)) {
			roster_err(ld, dp, 0, "must be a string");
			ok = 0;
			continue;
		}
		for (k = 0; k < 7; k++)
			if (strcmp(json_string_value(v),
			    roster_day_names[k]) == 0)
				d = (int)k;
		if (d == -1) {
			roster_err(ld, dp, 0, "\"%s\" is not a day (mon, tue, "
			    "wed, thu, fri, sat, sun)", json_string_value(v));
			ok = 0;
		} else if (sh.days & (1u << d))
			roster_err(ld, dp, 0, "\"%s\" is listed twice",
			    json_string_value(v));
		else
			sh.days |= 1u << d;
	}

	s = rk_str(obj, rk_shift, "start");
	sh.start = s != NULL ? roster_parse_time(s, 0) : -1;
	if (s != NULL && sh.start == -1)
		roster_err(ld, roster_ptr(p, sizeof(p), ptr, "start"), 0,
		    "\"%s\" is not a time (HH:MM, 00:00 to 23:59)", s);
	s = rk_str(obj, rk_shift, "end");
	sh.end = s != NULL ? roster_parse_time(s, 1) : -1;
	if (s != NULL && sh.end == -1)
		roster_err(ld, roster_ptr(p, sizeof(p), ptr, "end"), 0,
		    "\"%s\" is not a time (HH:MM, 00:00 to 24:00)", s);
	if (sh.start != -1 && sh.end != -1 && sh.start == sh.end) {
		roster_err(ld, roster_ptr(p, sizeof(p), ptr, "end"), 0,
		    "a shift must not end when it starts (a whole day is "
		    "00:00 to 24:00)");
		ok = 0;
	}
	if (sh.start == -1 || sh.end == -1)
		ok = 0;
	sh.holidays = (int)rk_int(obj, rk_shift, "holidays");
	if (ok)
		r->shifts[r->nshifts++] = sh;
}

/* Check and read holiday i of "holidays". */
static void
roster_holiday_parse(struct roster_ld *ld, struct roster *r, size_t i,
    json_t *obj)
{
	const char	*s;
	char		 ptr[ROSTER_PTR_MAX], p[ROSTER_PTR_MAX];
	int64_t		 day;
	size_t		 j;

	roster_ptr_index(ptr, sizeof(ptr), "/holidays", i);
	if (!json_is_object(obj)) {
		roster_err(ld, ptr, 0, "must be an object");
		return;
	}
	rk_walk(ld, obj, ptr, rk_holiday);
	s = rk_str(obj, rk_holiday, "date");
	if (s == NULL)
		return;
	roster_ptr(p, sizeof(p), ptr, "date");
	if (roster_parse_date(s, &day) == -1) {
		roster_err(ld, p, 0, "\"%s\" is not a date (YYYY-MM-DD, years "
		    "2000 to 2099)", s);
		return;
	}
	for (j = 0; j < r->nholidays; j++)
		if (r->holidays[j] == day) {
			roster_err(ld, p, 0, "\"%s\" is listed twice (also "
			    "/holidays/%zu)", s, ld->hol_index[j]);
			return;
		}
	ld->hol_index[r->nholidays] = i;
	r->holidays[r->nholidays++] = day;
}

/* Check and read the safe-call windows over their defaults. */
static void
roster_windows_parse(struct roster_ld *ld, struct roster *r, json_t *obj)
{
	const char	*name;
	json_t		*v, *e;
	char		 p[ROSTER_PTR_MAX], ep[ROSTER_PTR_MAX];
	size_t		 i, j;
	int		 t[2];

	memcpy(r->windows, roster_window_defaults, sizeof(r->windows));
	json_object_foreach(obj, name, v) {
		roster_ptr(p, sizeof(p), "/windows", name);
		for (i = 0; i < ROSTER_NWINDOWS; i++)
			if (strcmp(name, roster_window_names[i]) == 0)
				break;
		if (i == ROSTER_NWINDOWS) {
			roster_err(ld, p, 1, "unknown window \"%s\" (morning, "
			    "afternoon or evening)", name);
			continue;
		}
		if (!json_is_array(v) || json_array_size(v) != 2 ||
		    !json_is_string(json_array_get(v, 0)) ||
		    !json_is_string(json_array_get(v, 1))) {
			roster_err(ld, p, 0, "must be [\"HH:MM\", \"HH:MM\"]");
			continue;
		}
		json_array_foreach(v, j, e) {
			t[j] = roster_parse_time(json_string_value(e), j == 1);
			roster_ptr_index(ep, sizeof(ep), p, j);
			if (t[j] == -1)
				roster_err(ld, ep, 0, "\"%s\" is not a time "
				    "(HH:MM, 00:00 to %s)",
				    json_string_value(e),
				    j == 1 ? "24:00" : "23:59");
		}
		if (t[0] == -1 || t[1] == -1)
			continue;
		if (t[0] == t[1])
			roster_err(ld, ep, 0, "a window must not end when it "
			    "starts");
		r->windows[i].b = t[0];
		r->windows[i].e = t[1];
	}
}

/* Order day numbers. */
static int
roster_day_cmp(const void *a, const void *b)
{
	int64_t	 x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Checks over all people: counsellors, supervisors and who hears of
 * escalations. */
static void
roster_people_check(struct roster_ld *ld, struct roster *r)
{
	size_t	 i, nc = 0, ns = 0, nsa = 0;

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
		roster_err(ld, "/people", 0, "at least one counsellor is "
		    "needed");
	if (ns == 0)
		roster_err(ld, "/people", 0, "at least one supervisor is "
		    "needed");
	else if (nsa == 0)
		roster_err(ld, "/people", 0, "at least one supervisor needs an "
		    "alert, or escalations reach no one");
}

/* Read every section of the (object) root into r. */
static void
roster_parse(struct roster_ld *ld, struct roster *r, json_t *root)
{
	json_t	*o, *v;
	size_t	 i, n;

	rk_walk(ld, root, "", rk_top);
	r->escalate_after = (int)rk_int(root, rk_top, "escalate_after");
	r->retry_first = rk_int(root, rk_top, "retry_first");
	r->max_attempts = (int)rk_int(root, rk_top, "max_attempts");
	r->now_minutes = (int)rk_int(root, rk_top, "now_minutes");
	r->claim_expiry = (int)rk_int(root, rk_top, "claim_expiry");
	r->call_attempts = (int)rk_int(root, rk_top, "call_attempts");
	r->attempt_gap = (int)rk_int(root, rk_top, "attempt_gap");
	memcpy(r->windows, roster_window_defaults, sizeof(r->windows));
	o = rk_get(root, rk_top, "windows");
	if (o != NULL)
		roster_windows_parse(ld, r, o);

	o = json_object_get(root, "people");
	n = json_array_size(o);
	if (n > 0) {
		r->people = calloc(n, sizeof(*r->people));
		ld->role = calloc(n, sizeof(*ld->role));
		if (r->people == NULL || ld->role == NULL) {
			roster_err(ld, "/people", 0, "out of memory");
			return;
		}
		r->npeople = n;
	}
	json_array_foreach(o, i, v)
		roster_person_parse(ld, r, i, v);
	if (rk_get(root, rk_top, "people") != NULL)
		roster_people_check(ld, r);

	o = json_object_get(root, "shifts");
	n = json_array_size(o);
	if (n > 0) {
		r->shifts = calloc(n, sizeof(*r->shifts));
		if (r->shifts == NULL) {
			roster_err(ld, "/shifts", 0, "out of memory");
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
			roster_err(ld, "/holidays", 0, "out of memory");
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
	char			*slash;
	size_t			 i;

	memset(&ld, 0, sizeof(ld));
	memset(&jf, 0, sizeof(jf));
	ld.name = file;
	ld.d = d;
	if (sodium_init() < 0) {
		diag_add(d, "%s: cannot initialise libsodium", file);
		goto fail;
	}
	ld.dir = strdup(file);
	r = calloc(1, sizeof(*r));
	if (ld.dir == NULL || r == NULL) {
		diag_add(d, "%s: out of memory", file);
		goto fail;
	}
	slash = strrchr(ld.dir, '/');
	if (slash == NULL)
		snprintf(ld.dir, strlen(ld.dir) + 1, ".");
	else if (slash == ld.dir)
		slash[1] = '\0';
	else
		*slash = '\0';

	if (jsonfile_load(file, file, ROSTER_FILE_MAX, &jf, d) == -1)
		goto fail;
	ld.jp = jf.jp;
	if (!json_is_object(jf.root)) {
		roster_err(&ld, "", 0, "the roster must be a JSON object");
		goto fail;
	}
	roster_parse(&ld, r, jf.root);
	if (ld.errors > 0)
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
	free(ld.dir);
	free(ld.role);
	free(ld.hol_index);
	return r;
fail:
	jsonfile_clear(&jf);
	free(ld.dir);
	free(ld.role);
	free(ld.hol_index);
	roster_free(r);
	return NULL;
}

/* Free a string after wiping it: it may be a secret. */
static void
roster_wipe(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
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
			roster_wipe(p->alerts[j].secret);
		}
		free(p->alerts);
		free(p->id);
		free(p->name);
		roster_wipe(p->token);
	}
	free(r->people);
	if (r->tokhash != NULL)
		sodium_memzero(r->tokhash, r->npeople * sizeof(*r->tokhash));
	free(r->tokhash);
	free(r->shifts);
	free(r->holidays);
	free(r);
}

/* Return 1 if local day day is a public holiday. */
static int
roster_is_holiday(const struct roster *r, int64_t day)
{
	return r->nholidays > 0 && bsearch(&day, r->holidays, r->nholidays,
	    sizeof(*r->holidays), roster_day_cmp) != NULL;
}

/*
 * The local-seconds span of shift s when it starts on local day day.
 * Returns 0 if it does not run then (wrong weekday, or a holiday it skips).
 */
static int
roster_instance(const struct roster *r, const struct roster_shift *s,
    int64_t day, struct roster_span *out)
{
	int	 end = s->end > s->start ? s->end : s->end + ROSTER_MINUTES;

	if ((s->days & (1u << roster_wday(day))) == 0)
		return 0;
	if (!s->holidays && roster_is_holiday(r, day))
		return 0;
	out->b = day * ROSTER_DAY + (int64_t)s->start * 60;
	out->e = day * ROSTER_DAY + (int64_t)end * 60;
	return 1;
}

/* Return 1 if a shift of person i covers local second l. */
static int
roster_covers(const struct roster *r, size_t i, int64_t l)
{
	struct roster_span	 sp;
	int64_t			 day = roster_div(l, ROSTER_DAY);
	size_t			 j;

	/* A shift is shorter than a day: only today's and yesterday's. */
	for (j = 0; j < r->nshifts; j++) {
		if (r->shifts[j].person != i)
			continue;
		if (roster_instance(r, &r->shifts[j], day, &sp) &&
		    sp.b <= l && l < sp.e)
			return 1;
		if (roster_instance(r, &r->shifts[j], day - 1, &sp) &&
		    sp.b <= l && l < sp.e)
			return 1;
	}
	return 0;
}

/* Counsellors on duty at now, in roster order. */
size_t
roster_on_duty(const struct roster *r, time_t now,
    const struct roster_person **out, size_t max)
{
	int64_t	 l = roster_lsec(now);
	size_t	 i, n = 0;

	for (i = 0; i < r->npeople; i++) {
		if (r->people[i].supervisor || !roster_covers(r, i, l))
			continue;
		if (n < max)
			out[n] = &r->people[i];
		n++;
	}
	return n;
}

/* The first instant >= now when a counsellor is on duty, or -1. */
time_t
roster_next_duty(const struct roster *r, time_t now)
{
	struct roster_span	 sp;
	int64_t			 l = roster_lsec(now), day, best = INT64_MAX;
	size_t			 j;

	if (roster_on_duty(r, now, NULL, 0) > 0)
		return now;
	/* Off duty now, so the answer is the earliest shift start. */
	for (day = roster_div(l, ROSTER_DAY);
	    day <= roster_div(l, ROSTER_DAY) + ROSTER_HORIZON; day++)
		for (j = 0; j < r->nshifts; j++)
			if (!r->people[r->shifts[j].person].supervisor &&
			    roster_instance(r, &r->shifts[j], day, &sp) &&
			    sp.b >= l && sp.b < best)
				best = sp.b;
	if (best > l + (int64_t)ROSTER_HORIZON * ROSTER_DAY)
		return -1;
	return (time_t)(best - ROSTER_UTC_OFFSET);
}

/* Order spans by their start. */
static int
roster_span_cmp(const void *a, const void *b)
{
	const struct roster_span	*x = a, *y = b;

	return (x->b > y->b) - (x->b < y->b);
}

/*
 * Append to sp the parts of span s that lie inside window w (minutes, every
 * day; NULL: all of s). The window instances that can meet a shift start
 * the day before, the day of, or the day after its start.
 */
static size_t
roster_clip(const struct roster_span *s, const struct roster_span *w,
    struct roster_span *sp)
{
	struct roster_span	 wi;
	int64_t			 day, sday = roster_div(s->b, ROSTER_DAY);
	int64_t			 we;
	size_t			 n = 0;

	if (w == NULL) {
		sp[0] = *s;
		return 1;
	}
	we = w->e > w->b ? w->e : w->e + ROSTER_MINUTES;
	for (day = sday - 1; day <= sday + 1; day++) {
		wi.b = day * ROSTER_DAY + w->b * 60;
		wi.e = day * ROSTER_DAY + we * 60;
		if (wi.b < s->b)
			wi.b = s->b;
		if (wi.e > s->e)
			wi.e = s->e;
		if (wi.b < wi.e)
			sp[n++] = wi;
	}
	return n;
}

/* When a request at now, for a safe window, can expect a call. */
int
roster_expected(const struct roster *r, time_t now, const char *window,
    struct roster_when *out)
{
	const struct roster_span	*w = NULL;
	struct roster_span		*sp = NULL, inst;
	int64_t				 l = roster_lsec(now), today, day;
	int64_t				 cb = 0, ce = 0, at, sod;
	size_t				 i, j, n = 0, cap;
	int				 found = 0, diff, now_window;

	now_window = window != NULL && strcmp(window, "now") == 0;
	if (window != NULL && !now_window) {
		for (i = 0; i < ROSTER_NWINDOWS; i++)
			if (strcmp(window, roster_window_names[i]) == 0)
				w = &r->windows[i];
		if (w == NULL)
			return -1;
	}
	memset(out, 0, sizeof(*out));
	out->kind = ROSTER_WHEN_UNKNOWN;
	out->at = -1;
	today = roster_div(l, ROSTER_DAY);

	/* Every counsellor shift from yesterday to the horizon, clipped to
	 * the window; then the first merged stretch that has not ended. */
	cap = r->nshifts * (ROSTER_HORIZON + 2) * 3;
	if (cap == 0)
		return 0;
	sp = calloc(cap, sizeof(*sp));
	if (sp == NULL)
		return 0;	/* cannot tell: say so honestly */
	for (day = today - 1; day <= today + ROSTER_HORIZON; day++)
		for (j = 0; j < r->nshifts; j++)
			if (!r->people[r->shifts[j].person].supervisor &&
			    roster_instance(r, &r->shifts[j], day, &inst))
				n += roster_clip(&inst, w, sp + n);
	qsort(sp, n, sizeof(*sp), roster_span_cmp);
	for (i = 0; i < n && !found;) {
		cb = sp[i].b;
		ce = sp[i].e;
		for (i++; i < n && sp[i].b <= ce; i++)
			if (sp[i].e > ce)
				ce = sp[i].e;
		found = ce > l;
	}
	free(sp);
	if (!found || cb > l + (int64_t)ROSTER_HORIZON * ROSTER_DAY)
		return 0;

	if (cb <= l) {
		/*
		 * On duty inside her window now. "Now" means within the next
		 * now_minutes when the stretch lasts that long; otherwise the
		 * end of the stretch, said as people say it: before an hour
		 * today, or tonight before an hour of the small hours. A
		 * stretch that runs on into the next day's morning or later
		 * is as good as "now".
		 */
		out->at = now;
		out->wday = roster_wday(today);
		day = roster_div(ce, ROSTER_DAY);
		sod = ce - day * ROSTER_DAY;
		out->hour = (int)(sod / 3600);
		out->minute = (int)(sod % 3600 / 60);
		out->minutes = r->now_minutes;
		if ((now_window && ce - l >= (int64_t)r->now_minutes * 60) ||
		    day > today + 1 || (day == today + 1 &&
		    sod > ROSTER_SMALL_HOURS * 3600))
			out->kind = ROSTER_WHEN_WITHIN;
		else if (day == today)
			out->kind = ROSTER_WHEN_TODAY_BEFORE;
		else
			out->kind = ROSTER_WHEN_TONIGHT_BEFORE;
		return 0;
	}
	at = cb;
	day = roster_div(at, ROSTER_DAY);
	diff = (int)(day - today);
	sod = at - day * ROSTER_DAY;
	out->hour = (int)(sod / 3600);
	out->minute = (int)(sod % 3600 / 60);
	out->wday = roster_wday(day);
	out->at = (time_t)(at - ROSTER_UTC_OFFSET);
	if (diff == 0)
		out->kind = ROSTER_WHEN_TODAY_FROM;
	else if (diff == 1)
		out->kind = ROSTER_WHEN_TOMORROW_FROM;
	else if (diff < 7)
		out->kind = ROSTER_WHEN_DAY_FROM;
	/* A week or more away a weekday name would mislead: UNKNOWN. */
	return 0;
}

/* Supervisors in roster order. */
size_t
roster_supervisors(const struct roster *r, const struct roster_person **out,
    size_t max)
{
	size_t	 i, n = 0;

	for (i = 0; i < r->npeople; i++) {
		if (!r->people[i].supervisor)
			continue;
		if (n < max)
			out[n] = &r->people[i];
		n++;
	}
	return n;
}

/* Everyone, in roster order. */
size_t
roster_people(const struct roster *r, const struct roster_person **out,
    size_t max)
{
	size_t	 i;

	for (i = 0; i < r->npeople && i < max; i++)
		out[i] = &r->people[i];
	return r->npeople;
}

/* Whether some person is alerted through transport t. */
int
roster_uses(const struct roster *r, enum roster_transport t)
{
	size_t	 i, j;

	for (i = 0; i < r->npeople; i++)
		for (j = 0; j < r->people[i].nalerts; j++)
			if (r->people[i].alerts[j].transport == t)
				return 1;
	return 0;
}

/* A person by id, or NULL. */
const struct roster_person *
roster_find(const struct roster *r, const char *id)
{
	size_t	 i;

	if (id == NULL)
		return NULL;
	for (i = 0; i < r->npeople; i++)
		if (strcmp(r->people[i].id, id) == 0)
			return &r->people[i];
	return NULL;
}

/* The person whose Telegram user id is id, or NULL. */
const struct roster_person *
roster_by_telegram(const struct roster *r, long long id)
{
	size_t	 i;

	if (id <= 0)
		return NULL;
	for (i = 0; i < r->npeople; i++)
		if (r->people[i].telegram_id == id)
			return &r->people[i];
	return NULL;
}

/* The person whose token is token, comparing hashes of every token. */
const struct roster_person *
roster_by_token(const struct roster *r, const char *token)
{
	const struct roster_person	*found = NULL;
	unsigned char			 h[ROSTER_HASH];
	size_t				 i;
	int				 eq;

	if (token == NULL || *token == '\0')
		return NULL;
	/*
	 * Hashing first makes every comparison the same length; no early
	 * exit, so the time does not depend on who matched or how closely.
	 */
	crypto_generichash(h, sizeof(h), (const unsigned char *)token,
	    strlen(token), NULL, 0);
	for (i = 0; i < r->npeople; i++) {
		eq = sodium_memcmp(h, r->tokhash[i], sizeof(h)) == 0;
		if (eq && r->people[i].token != NULL)
			found = &r->people[i];
	}
	sodium_memzero(h, sizeof(h));
	return found;
}

/* Seconds before escalation. */
int
roster_escalate_after(const struct roster *r)
{
	return r->escalate_after;
}

/* Seconds before the first retry of a failed delivery. */
long
roster_retry_first(const struct roster *r)
{
	return r->retry_first;
}

/* Delivery failures before the supervisors are told. */
int
roster_max_attempts(const struct roster *r)
{
	return r->max_attempts;
}

/* Minutes within which "now" promises the call. */
int
roster_now_minutes(const struct roster *r)
{
	return r->now_minutes;
}

/* Seconds a claim may stay open before it is released. */
int
roster_claim_expiry(const struct roster *r)
{
	return r->claim_expiry;
}

/* Unanswered calls before the supervisors decide. */
int
roster_call_attempts(const struct roster *r)
{
	return r->call_attempts;
}

/* Seconds between an unanswered call and the next attempt. */
int
roster_attempt_gap(const struct roster *r)
{
	return r->attempt_gap;
}

/* The safe-call windows, in minutes of the day. */
size_t
roster_windows(const struct roster *r, struct roster_window *out, size_t max)
{
	size_t	 i;

	for (i = 0; i < ROSTER_NWINDOWS && i < max; i++) {
		out[i].name = roster_window_names[i];
		out[i].from = (int)r->windows[i].b;
		out[i].to = (int)r->windows[i].e;
	}
	return ROSTER_NWINDOWS;
}

/* Phnom Penh local broken-down time of t. */
void
roster_local(time_t t, struct tm *out)
{
	time_t	 lt = (time_t)roster_lsec(t);

	if (gmtime_r(&lt, out) == NULL)
		memset(out, 0, sizeof(*out));
}
