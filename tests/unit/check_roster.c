/* SPDX-License-Identifier: ISC */
/*
 * check_roster: the roster. Phnom Penh local time without TZ; who is on
 * duty at the edges of a shift, across midnight and on holidays; the next
 * duty; what a caller is told for each safe window; token and Telegram id
 * look-up; every kind of mistake in a roster file, each with its location,
 * all at once; and the shipped sample. Instants are built from explicit
 * local dates.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "clock.h"
#include "diag.h"
#include "notify.h"
#include "roster.h"

#define TOK_DARA	"EXAMPLE_dara_0123456789abcdef"
#define TOK_SOKHA	"EXAMPLE_sokha_0123456789abcdef"
#define TOK_BOPHA	"EXAMPLE_bopha_0123456789abcdef"
#define WHSEC		"whsec_RVhBTVBMRS1rZXktZm9yLXRlc3RzLW9ubHktMDAwMXg="

/* Two counsellors and a supervisor; shifts and holidays come after. */
#define PEOPLE \
	"\"people\": [\n" \
	"{\"id\": \"dara\", \"name\": \"Dara\", \"role\": \"counsellor\", " \
	"\"token\": \"" TOK_DARA "\", \"alerts\": [{\"type\": \"webhook\", " \
	"\"url\": \"http://127.0.0.1:9000/a\", " \
	"\"secret\": \"" WHSEC "\"}]},\n" \
	"{\"id\": \"sokha\", \"name\": \"Sokha\", \"role\": \"counsellor\", " \
	"\"token\": \"" TOK_SOKHA "\", \"alerts\": [{\"type\": \"sms_at\", " \
	"\"to\": \"+85512345678\", \"with_phone\": true}]},\n" \
	"{\"id\": \"bopha\", \"name\": \"Bopha\", \"role\": \"supervisor\", " \
	"\"token\": \"" TOK_BOPHA "\", \"alerts\": [{\"type\": \"telegram\", " \
	"\"chat_id\": \"-100123\"}]}\n],\n"

#define ROSTER_WITH(extra, shifts, holidays) \
	"{" extra PEOPLE "\"shifts\": [" shifts "],\n\"holidays\": [" \
	holidays "]}\n"
#define ROSTER(shifts, holidays)	ROSTER_WITH("", shifts, holidays)

#define WEEKDAYS	"[\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]"
#define SHIFT(who, days, start, end) \
	"{\"who\": \"" who "\", \"days\": " days ", \"start\": \"" start \
	"\", \"end\": \"" end "\"}"
#define SHIFT_HOL(who, days, start, end) \
	"{\"who\": \"" who "\", \"days\": " days ", \"start\": \"" start \
	"\", \"end\": \"" end "\", \"holidays\": true}"
#define HOLIDAY(date)	"{\"date\": \"" date "\", \"name\": \"test\"}"

#define MADE_MAX	8

static struct diag	*d;
static char		 dir[512];
static char		 rpath[600];
static char		 made[MADE_MAX][600];
static size_t		 nmade;

/* A temporary directory for roster files, and a problem list. */
static void
setup(void)
{
	const char	*tmp = getenv("TMPDIR");

	d = diag_new();
	ck_assert_ptr_nonnull(d);
	snprintf(dir, sizeof(dir), "%s/check_roster.XXXXXX",
	    tmp != NULL ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(rpath, sizeof(rpath), "%s/r.json", dir);
	nmade = 0;
}

/* Remove the files and the directory, and free the list. */
static void
teardown(void)
{
	size_t	 i;

	for (i = 0; i < nmade; i++)
		unlink(made[i]);
	rmdir(dir);
	diag_free(d);
}

/* Write text to dir/rel with the given mode; returns the path. */
static const char *
put(const char *rel, const char *text, mode_t mode)
{
	char	 path[600];
	FILE	*fp;
	size_t	 i;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	for (i = 0; i < nmade; i++)
		if (strcmp(made[i], path) == 0)
			break;
	if (i == nmade) {
		ck_assert_uint_lt(nmade, MADE_MAX);
		snprintf(made[nmade++], sizeof(made[0]), "%s", path);
	}
	fp = fopen(made[i], "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
	ck_assert_int_eq(chmod(made[i], mode), 0);
	return made[i];
}

/* All problems joined by newlines, for failure messages. */
static const char *
all(void)
{
	static char	 buf[8192];
	size_t		 i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < diag_count(d) && n < sizeof(buf); i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s\n",
		    diag_get(d, i) != NULL ? diag_get(d, i) : "(lost)");
	return buf;
}

/* Return 1 if some problem is exactly "<roster path>:rest". */
static int
has(const char *rest)
{
	char	 want[1024];
	size_t	 i;

	snprintf(want, sizeof(want), "%s:%s", rpath, rest);
	for (i = 0; i < diag_count(d); i++)
		if (diag_get(d, i) != NULL && strcmp(diag_get(d, i), want) == 0)
			return 1;
	return 0;
}

#define HAS(rest) ck_assert_msg(has(rest), "expected \"%s\", got:\n%s", \
	(rest), all())
#define COUNT(n) ck_assert_msg(diag_count(d) == (n), "expected %d " \
	"problems, got:\n%s", (n), all())

/* Write text as the roster file (mode 0644) and load it. */
static struct roster *
load(const char *text)
{
	put("r.json", text, 0644);
	return roster_load(rpath, d);
}

/* Load text, which must succeed. */
static struct roster *
good(const char *text)
{
	struct roster	*r = load(text);

	ck_assert_msg(r != NULL, "refused:\n%s", all());
	return r;
}

/* Load text, which must be refused. */
static void
bad(const char *text)
{
	struct roster	*r = load(text);

	ck_assert_msg(r == NULL, "accepted");
	roster_free(r);
}

/* The instant of a Phnom Penh local date and time (timegm, not ours). */
static time_t
pp(int y, int mo, int dd, int h, int mi)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = dd;
	tm.tm_hour = h;
	tm.tm_min = mi;
	return timegm(&tm) - 7 * 3600;
}

/* Ids of the counsellors on duty at t, joined by commas (static). */
static const char *
duty(const struct roster *r, time_t t)
{
	static char			 buf[256];
	const struct roster_person	*on[8];
	size_t				 i, n, len = 0;

	n = roster_on_duty(r, t, on, 8);
	ck_assert_uint_le(n, 8);
	buf[0] = '\0';
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
		    i > 0 ? "," : "", on[i]->id);
	return buf;
}

/* Check roster_expected for window at now. */
static void
expect(const struct roster *r, time_t now, const char *window,
    enum when_kind kind, int hour, int minute, int wday, time_t at)
{
	struct roster_when	 w;

	ck_assert_int_eq(roster_expected(r, now, window, &w), 0);
	ck_assert_int_eq(w.kind, kind);
	ck_assert_int_eq(w.at, at);
	if (kind == WHEN_UNKNOWN && at == -1)
		return;
	ck_assert_int_eq(w.hour, hour);
	ck_assert_int_eq(w.minute, minute);
	ck_assert_int_eq(w.wday, wday);
}

/* Check that a request at now for window is promised within minutes. */
static void
expect_within(const struct roster *r, time_t now, const char *window,
    int minutes)
{
	struct roster_when	 w;

	ck_assert_int_eq(roster_expected(r, now, window, &w), 0);
	ck_assert_int_eq(w.kind, WHEN_WITHIN);
	ck_assert_int_eq(w.minutes, minutes);
	ck_assert_int_eq(w.at, now);
}

/* 08:00 in Phnom Penh is 01:00 UTC the same day; no TZ involved. */
START_TEST(test_local)
{
	struct tm	 tm;
	time_t		 t = pp(2026, 11, 23, 8, 0);

	ck_assert_int_eq(t, 1795395600);	/* 2026-11-23T01:00:00Z */
	setenv("TZ", "America/New_York", 1);
	tzset();
	hclock_local(t, &tm);
	ck_assert_int_eq(tm.tm_year, 2026 - 1900);
	ck_assert_int_eq(tm.tm_mon, 10);
	ck_assert_int_eq(tm.tm_mday, 23);
	ck_assert_int_eq(tm.tm_hour, 8);
	ck_assert_int_eq(tm.tm_min, 0);
	ck_assert_int_eq(tm.tm_wday, 1);
	/* 20:00 UTC is already tomorrow, 03:00, in Phnom Penh. */
	hclock_local(1795395600 + 19 * 3600, &tm);
	ck_assert_int_eq(tm.tm_mday, 24);
	ck_assert_int_eq(tm.tm_hour, 3);
	ck_assert_int_eq(tm.tm_wday, 2);
}
END_TEST

/* A day shift: on from its start, off at its end, off at the weekend. */
START_TEST(test_day_shift)
{
	struct roster	*r;

	r = good(ROSTER(SHIFT("dara", WEEKDAYS, "08:00", "17:00"), ""));
	ck_assert_str_eq(duty(r, pp(2026, 11, 23, 10, 0)), "dara");
	ck_assert_str_eq(duty(r, pp(2026, 11, 23, 7, 59)), "");
	ck_assert_str_eq(duty(r, pp(2026, 11, 23, 8, 0)), "dara");
	ck_assert_str_eq(duty(r, pp(2026, 11, 23, 16, 59) + 59), "dara");
	ck_assert_str_eq(duty(r, pp(2026, 11, 23, 17, 0)), "");
	ck_assert_str_eq(duty(r, pp(2026, 11, 27, 12, 0)), "dara");
	ck_assert_str_eq(duty(r, pp(2026, 11, 28, 10, 0)), "");
	ck_assert_str_eq(duty(r, pp(2026, 11, 29, 10, 0)), "");
	roster_free(r);
}
END_TEST

/* Roster order, each counsellor once, and the count beyond max. */
START_TEST(test_order)
{
	struct roster			*r;
	const struct roster_person	*on[1];

	r = good(ROSTER(SHIFT("sokha", WEEKDAYS, "08:00", "17:00") ",\n"
	    SHIFT("dara", "[\"mon\"]", "09:00", "12:00") ",\n"
	    SHIFT("dara", WEEKDAYS, "08:00", "17:00"), ""));
	ck_assert_str_eq(duty(r, pp(2026, 11, 23, 10, 0)), "dara,sokha");
	ck_assert_uint_eq(roster_on_duty(r, pp(2026, 11, 23, 10, 0), on, 1),
	    2);
	ck_assert_str_eq(on[0]->id, "dara");
	ck_assert_uint_eq(roster_on_duty(r, pp(2026, 11, 23, 10, 0), NULL, 0),
	    2);
	roster_free(r);
}
END_TEST

/* Fri 22:00-06:00 belongs to Friday and covers Saturday morning. */
START_TEST(test_night_shift)
{
	struct roster	*r;

	r = good(ROSTER(SHIFT("sokha", "[\"fri\"]", "22:00", "06:00"), ""));
	ck_assert_str_eq(duty(r, pp(2026, 11, 27, 21, 59)), "");
	ck_assert_str_eq(duty(r, pp(2026, 11, 27, 22, 0)), "sokha");
	ck_assert_str_eq(duty(r, pp(2026, 11, 28, 0, 0)), "sokha");
	ck_assert_str_eq(duty(r, pp(2026, 11, 28, 3, 0)), "sokha");
	ck_assert_str_eq(duty(r, pp(2026, 11, 28, 5, 59) + 59), "sokha");
	ck_assert_str_eq(duty(r, pp(2026, 11, 28, 6, 0)), "");
	/* Thursday night is not Friday's shift. */
	ck_assert_str_eq(duty(r, pp(2026, 11, 27, 3, 0)), "");
	ck_assert_str_eq(duty(r, pp(2026, 11, 28, 23, 0)), "");
	roster_free(r);
}
END_TEST

/* A holiday stops a shift that starts on it, unless "holidays": true. */
START_TEST(test_holiday)
{
	struct roster	*r;

	r = good(ROSTER(SHIFT("dara", WEEKDAYS, "08:00", "17:00") ",\n"
	    SHIFT_HOL("sokha", WEEKDAYS, "08:00", "17:00"),
	    HOLIDAY("2026-11-23")));
	ck_assert_str_eq(duty(r, pp(2026, 11, 23, 10, 0)), "sokha");
	ck_assert_str_eq(duty(r, pp(2026, 11, 24, 10, 0)), "dara,sokha");
	ck_assert_int_eq(roster_next_duty(r, pp(2026, 11, 23, 7, 0)),
	    pp(2026, 11, 23, 8, 0));
	roster_free(r);

	diag_free(d);
	d = diag_new();
	r = good(ROSTER(SHIFT("dara", WEEKDAYS, "08:00", "17:00"),
	    HOLIDAY("2026-11-23")));
	ck_assert_str_eq(duty(r, pp(2026, 11, 23, 10, 0)), "");
	ck_assert_int_eq(roster_next_duty(r, pp(2026, 11, 23, 7, 0)),
	    pp(2026, 11, 24, 8, 0));
	roster_free(r);
}
END_TEST

/* A night shift that began the day before a holiday runs to its end;
 * one that would begin on the holiday does not. */
START_TEST(test_holiday_night)
{
	struct roster	*r;

	r = good(ROSTER(SHIFT("dara", "[\"sun\", \"mon\"]", "22:00", "06:00")
	    ",\n" SHIFT_HOL("sokha", "[\"mon\"]", "22:00", "06:00"),
	    HOLIDAY("2026-11-23")));
	ck_assert_str_eq(duty(r, pp(2026, 11, 23, 3, 0)), "dara");
	ck_assert_str_eq(duty(r, pp(2026, 11, 23, 22, 0)), "sokha");
	ck_assert_str_eq(duty(r, pp(2026, 11, 24, 3, 0)), "sokha");
	roster_free(r);

	/* The holiday is the Sunday: its night shift never starts. */
	diag_free(d);
	d = diag_new();
	r = good(ROSTER(SHIFT("dara", "[\"sun\", \"mon\"]", "22:00", "06:00"),
	    HOLIDAY("2026-11-22")));
	ck_assert_str_eq(duty(r, pp(2026, 11, 22, 23, 0)), "");
	ck_assert_str_eq(duty(r, pp(2026, 11, 23, 3, 0)), "");
	ck_assert_str_eq(duty(r, pp(2026, 11, 23, 22, 0)), "dara");
	roster_free(r);
}
END_TEST

/* The next duty: now itself, a shift start, or -1 beyond 14 days. */
START_TEST(test_next_duty)
{
	struct roster	*r;

	r = good(ROSTER(SHIFT("dara", WEEKDAYS, "08:00", "17:00"), ""));
	ck_assert_int_eq(roster_next_duty(r, pp(2026, 11, 27, 18, 0)),
	    pp(2026, 11, 30, 8, 0));
	ck_assert_int_eq(roster_next_duty(r, pp(2026, 11, 27, 17, 0)),
	    pp(2026, 11, 30, 8, 0));
	ck_assert_int_eq(roster_next_duty(r, pp(2026, 11, 27, 10, 0) + 17),
	    pp(2026, 11, 27, 10, 0) + 17);
	ck_assert_int_eq(roster_next_duty(r, pp(2026, 11, 23, 7, 59) + 59),
	    pp(2026, 11, 23, 8, 0));
	roster_free(r);

	/* Sundays only; two Sundays are holidays: the third is too far. */
	diag_free(d);
	d = diag_new();
	r = good(ROSTER(SHIFT("dara", "[\"sun\"]", "08:00", "09:00"),
	    HOLIDAY("2026-11-29") ", " HOLIDAY("2026-12-06")));
	ck_assert_int_eq(roster_next_duty(r, pp(2026, 11, 22, 9, 0)), -1);
	expect(r, pp(2026, 11, 22, 9, 0), NULL, WHEN_UNKNOWN, 0, 0, 0,
	    -1);
	roster_free(r);
	diag_free(d);
	d = diag_new();
	r = good(ROSTER(SHIFT("dara", "[\"sun\"]", "08:00", "09:00"),
	    HOLIDAY("2026-11-29")));
	ck_assert_int_eq(roster_next_duty(r, pp(2026, 11, 22, 9, 0)),
	    pp(2026, 12, 6, 8, 0));
	roster_free(r);
}
END_TEST

/* What a caller is told with day shifts Mon-Fri and Saturday morning. */
START_TEST(test_expected_day)
{
	struct roster		*r;
	struct roster_when	 w;
	time_t			 mon10 = pp(2026, 11, 23, 10, 0);

	r = good(ROSTER(SHIFT("dara", WEEKDAYS, "08:00", "17:00") ",\n"
	    SHIFT("sokha", "[\"sat\"]", "08:00", "12:00"), ""));
	expect(r, mon10, NULL, WHEN_TODAY_BEFORE, 17, 0, 1, mon10);
	/* "Now" means within now_minutes (30) while the shift lasts. */
	expect(r, mon10, "now", WHEN_WITHIN, 17, 0, 1, mon10);
	ck_assert_int_eq(roster_expected(r, mon10, "now", &w), 0);
	ck_assert_int_eq(w.minutes, 30);
	expect(r, pp(2026, 11, 23, 16, 30), "now", WHEN_WITHIN, 17, 0,
	    1, pp(2026, 11, 23, 16, 30));
	expect(r, pp(2026, 11, 23, 16, 45), "now", WHEN_TODAY_BEFORE,
	    17, 0, 1, pp(2026, 11, 23, 16, 45));
	expect(r, pp(2026, 11, 23, 7, 0), NULL, WHEN_TODAY_FROM, 8, 0,
	    1, pp(2026, 11, 23, 8, 0));
	expect(r, pp(2026, 11, 23, 18, 0), NULL, WHEN_TOMORROW_FROM, 8,
	    0, 2, pp(2026, 11, 24, 8, 0));
	expect(r, pp(2026, 11, 23, 17, 0), "now", WHEN_TOMORROW_FROM,
	    8, 0, 2, pp(2026, 11, 24, 8, 0));
	expect(r, pp(2026, 11, 27, 18, 0), NULL, WHEN_TOMORROW_FROM, 8,
	    0, 6, pp(2026, 11, 28, 8, 0));
	expect(r, pp(2026, 11, 28, 13, 0), NULL, WHEN_DAY_FROM, 8, 0, 1,
	    pp(2026, 11, 30, 8, 0));
	/* Windows: the default morning 08-12 and afternoon 12-17. */
	expect(r, mon10, "morning", WHEN_TODAY_BEFORE, 12, 0, 1, mon10);
	expect(r, mon10, "afternoon", WHEN_TODAY_FROM, 12, 0, 1,
	    pp(2026, 11, 23, 12, 0));
	expect(r, pp(2026, 11, 23, 13, 0), "morning",
	    WHEN_TOMORROW_FROM, 8, 0, 2, pp(2026, 11, 24, 8, 0));
	expect(r, pp(2026, 11, 27, 13, 0), "afternoon",
	    WHEN_TODAY_BEFORE, 17, 0, 5, pp(2026, 11, 27, 13, 0));
	expect(r, pp(2026, 11, 28, 10, 0), "afternoon", WHEN_DAY_FROM,
	    12, 0, 1, pp(2026, 11, 30, 12, 0));
	/* Nobody works in the evening. */
	expect(r, mon10, "evening", WHEN_UNKNOWN, 0, 0, 0, -1);
	ck_assert_int_eq(roster_expected(r, mon10, "night", &w), -1);
	ck_assert_int_eq(roster_expected(r, mon10, "", &w), -1);
	roster_free(r);
}
END_TEST

/* An evening shift: the evening window, and a stretch across two
 * counsellors; the worked example of docs/roster.md section 7. */
START_TEST(test_expected_evening)
{
	struct roster	*r;
	time_t		 mon10 = pp(2026, 11, 23, 10, 0);
	time_t		 mon22 = pp(2026, 11, 23, 22, 0);
	time_t		 sat22 = pp(2026, 11, 28, 22, 0);
	time_t		 t;

	r = good(ROSTER(SHIFT("dara", WEEKDAYS, "08:00", "17:00") ",\n"
	    SHIFT("sokha", WEEKDAYS, "17:00", "21:00"), ""));
	expect(r, mon10, "evening", WHEN_TODAY_FROM, 17, 0, 1,
	    pp(2026, 11, 23, 17, 0));
	expect(r, pp(2026, 11, 23, 18, 0), "evening", WHEN_TODAY_BEFORE,
	    21, 0, 1, pp(2026, 11, 23, 18, 0));
	expect(r, mon10, NULL, WHEN_TODAY_BEFORE, 21, 0, 1, mon10);
	expect(r, pp(2026, 11, 27, 21, 30), "evening", WHEN_DAY_FROM,
	    17, 0, 1, pp(2026, 11, 30, 17, 0));
	/* "Now" at 10:00: the stretch runs to 21:00, across both shifts. */
	expect(r, mon10, "now", WHEN_WITHIN, 21, 0, 1, mon10);
	expect_within(r, mon10, "now", 30);
	expect(r, mon10, "morning", WHEN_TODAY_BEFORE, 12, 0, 1, mon10);
	/* At 20:30 exactly 30 minutes are left; at 20:45 only 15. */
	t = pp(2026, 11, 23, 20, 30);
	expect_within(r, t, "now", 30);
	t = pp(2026, 11, 23, 20, 45);
	expect(r, t, "now", WHEN_TODAY_BEFORE, 21, 0, 1, t);
	/* After the last shift of the day: tomorrow, each in its window. */
	expect(r, mon22, "evening", WHEN_TOMORROW_FROM, 17, 0, 2,
	    pp(2026, 11, 24, 17, 0));
	expect(r, mon22, NULL, WHEN_TOMORROW_FROM, 8, 0, 2,
	    pp(2026, 11, 24, 8, 0));
	expect(r, mon22, "now", WHEN_TOMORROW_FROM, 8, 0, 2,
	    pp(2026, 11, 24, 8, 0));
	/* Saturday night: Monday, by its weekday; Sunday: tomorrow. */
	expect(r, sat22, NULL, WHEN_DAY_FROM, 8, 0, 1,
	    pp(2026, 11, 30, 8, 0));
	expect(r, sat22, "now", WHEN_DAY_FROM, 8, 0, 1,
	    pp(2026, 11, 30, 8, 0));
	expect(r, sat22, "evening", WHEN_DAY_FROM, 17, 0, 1,
	    pp(2026, 11, 30, 17, 0));
	expect(r, pp(2026, 11, 29, 10, 0), "evening",
	    WHEN_TOMORROW_FROM, 17, 0, 1, pp(2026, 11, 30, 17, 0));
	roster_free(r);
}
END_TEST

/* A night shift 20:00-02:00: "now" late in the evening and after
 * midnight, and a shift that ends a quarter past midnight. */
START_TEST(test_expected_night)
{
	struct roster	*r;
	time_t		 t;

	r = good(ROSTER(SHIFT("dara", WEEKDAYS, "20:00", "02:00"), ""));
	/* Monday 23:50: 130 minutes left. */
	t = pp(2026, 11, 23, 23, 50);
	expect(r, t, "now", WHEN_WITHIN, 2, 0, 1, t);
	expect_within(r, t, "now", 30);
	expect(r, t, NULL, WHEN_TONIGHT_BEFORE, 2, 0, 1, t);
	expect(r, t, "evening", WHEN_TOMORROW_FROM, 20, 0, 2,
	    pp(2026, 11, 24, 20, 0));
	/* Tuesday 01:45: 15 minutes left, and 02:00 is today now. */
	t = pp(2026, 11, 24, 1, 45);
	expect(r, t, "now", WHEN_TODAY_BEFORE, 2, 0, 2, t);
	expect(r, t, NULL, WHEN_TODAY_BEFORE, 2, 0, 2, t);
	/* Saturday 01:45 is still Friday's shift; then Monday evening. */
	t = pp(2026, 11, 28, 1, 45);
	expect(r, t, "now", WHEN_TODAY_BEFORE, 2, 0, 6, t);
	expect(r, pp(2026, 11, 28, 2, 0), "now", WHEN_DAY_FROM, 20, 0,
	    1, pp(2026, 11, 30, 20, 0));
	roster_free(r);

	/* Ending at 00:15, 23:50 leaves 25 minutes: tonight before 00:15. */
	diag_free(d);
	d = diag_new();
	r = good(ROSTER(SHIFT("dara", WEEKDAYS, "20:00", "00:15"), ""));
	t = pp(2026, 11, 23, 23, 50);
	expect(r, t, "now", WHEN_TONIGHT_BEFORE, 0, 15, 1, t);
	t = pp(2026, 11, 23, 23, 45);
	expect_within(r, t, "now", 30);
	roster_free(r);

	/*
	 * A night shift into a day shift: at Monday 22:00 the stretch runs
	 * to Tuesday 17:00, past the small hours: as good as now, never
	 * "tonight before 5 pm". A night shift alone to 08:00 likewise.
	 */
	diag_free(d);
	d = diag_new();
	r = good(ROSTER(SHIFT("dara", "[\"mon\"]", "20:00", "08:00") ","
	    SHIFT("sokha", "[\"tue\"]", "08:00", "17:00"), ""));
	t = pp(2026, 11, 23, 22, 0);
	expect_within(r, t, NULL, 30);
	expect_within(r, t, "now", 30);
	roster_free(r);
	diag_free(d);
	d = diag_new();
	r = good(ROSTER(SHIFT("dara", "[\"mon\"]", "20:00", "08:00"), ""));
	expect_within(r, pp(2026, 11, 23, 22, 0), NULL, 30);
	/* At 07:45 the end, 08:00, is today. */
	t = pp(2026, 11, 24, 7, 45);
	expect(r, t, NULL, WHEN_TODAY_BEFORE, 8, 0, 2, t);
	roster_free(r);

	/* Ending at 24:00: never "today before 24:00". */
	diag_free(d);
	d = diag_new();
	r = good(ROSTER(SHIFT("dara", WEEKDAYS, "20:00", "24:00"), ""));
	t = pp(2026, 11, 23, 23, 45);
	expect(r, t, "now", WHEN_TONIGHT_BEFORE, 0, 0, 1, t);
	t = pp(2026, 11, 23, 21, 0);
	expect(r, t, NULL, WHEN_TONIGHT_BEFORE, 0, 0, 1, t);
	roster_free(r);
}
END_TEST

/* now_minutes sets what "now" promises and when it can no longer. */
START_TEST(test_expected_now_minutes)
{
	struct roster	*r;
	time_t		 t;

	r = good(ROSTER_WITH("\"now_minutes\": 60,\n", SHIFT("dara",
	    WEEKDAYS, "08:00", "17:00"), ""));
	t = pp(2026, 11, 23, 16, 0);
	expect_within(r, t, "now", 60);
	t = pp(2026, 11, 23, 16, 1);
	expect(r, t, "now", WHEN_TODAY_BEFORE, 17, 0, 1, t);
	/* Other windows never promise minutes while the day lasts. */
	t = pp(2026, 11, 23, 10, 0);
	expect(r, t, NULL, WHEN_TODAY_BEFORE, 17, 0, 1, t);
	expect(r, t, "afternoon", WHEN_TODAY_FROM, 12, 0, 1,
	    pp(2026, 11, 23, 12, 0));
	roster_free(r);
}
END_TEST

/* Round the clock: any window on duty past tomorrow is "within". */
START_TEST(test_expected_always)
{
	struct roster	*r;
	time_t		 mon10 = pp(2026, 11, 23, 10, 0);
	time_t		 t;

	r = good(ROSTER(SHIFT("dara", "[\"mon\", \"tue\", \"wed\", \"thu\", "
	    "\"fri\", \"sat\", \"sun\"]", "00:00", "24:00"), ""));
	expect_within(r, mon10, NULL, 30);
	expect_within(r, mon10, "now", 30);
	/* A window still cuts the stretch: evening is later today. */
	expect(r, mon10, "evening", WHEN_TODAY_FROM, 17, 0, 1,
	    pp(2026, 11, 23, 17, 0));
	t = pp(2026, 11, 23, 18, 0);
	expect(r, t, "evening", WHEN_TODAY_BEFORE, 21, 0, 1, t);
	expect(r, mon10, "morning", WHEN_TODAY_BEFORE, 12, 0, 1, mon10);
	roster_free(r);
}
END_TEST

/* The safe-call windows in minutes: the defaults, and our own. */
START_TEST(test_windows)
{
	struct roster		*r;
	struct roster_window	 w[4];

	r = good(ROSTER(SHIFT("dara", WEEKDAYS, "08:00", "17:00"), ""));
	ck_assert_uint_eq(roster_windows(r, w, 4), 3);
	ck_assert_str_eq(w[0].name, "morning");
	ck_assert_int_eq(w[0].from, 8 * 60);
	ck_assert_int_eq(w[0].to, 12 * 60);
	ck_assert_str_eq(w[1].name, "afternoon");
	ck_assert_int_eq(w[1].from, 12 * 60);
	ck_assert_int_eq(w[1].to, 17 * 60);
	ck_assert_str_eq(w[2].name, "evening");
	ck_assert_int_eq(w[2].from, 17 * 60);
	ck_assert_int_eq(w[2].to, 21 * 60);
	roster_free(r);

	/* Ours: morning to 24:00 is 1440, evening crosses midnight. */
	diag_free(d);
	d = diag_new();
	r = good(ROSTER_WITH("\"windows\": {\"evening\": [\"20:30\", "
	    "\"02:00\"], \"morning\": [\"06:15\", \"24:00\"]},\n",
	    SHIFT("dara", WEEKDAYS, "08:00", "17:00"), ""));
	ck_assert_uint_eq(roster_windows(r, w, 4), 3);
	ck_assert_str_eq(w[0].name, "morning");
	ck_assert_int_eq(w[0].from, 6 * 60 + 15);
	ck_assert_int_eq(w[0].to, 1440);
	ck_assert_int_eq(w[1].from, 12 * 60);
	ck_assert_int_eq(w[1].to, 17 * 60);
	ck_assert_str_eq(w[2].name, "evening");
	ck_assert_int_eq(w[2].from, 20 * 60 + 30);
	ck_assert_int_eq(w[2].to, 2 * 60);
	/* A short array gets what fits; the count is still all of them. */
	memset(w, 0, sizeof(w));
	ck_assert_uint_eq(roster_windows(r, w, 1), 3);
	ck_assert_str_eq(w[0].name, "morning");
	ck_assert_ptr_null(w[1].name);
	ck_assert_uint_eq(roster_windows(r, NULL, 0), 3);
	roster_free(r);
}
END_TEST

/* Past midnight: "before 24:00"; a window of our own that crosses
 * midnight; and a start a week or more away is not named by weekday. */
START_TEST(test_expected_midnight)
{
	struct roster	*r;
	time_t		 t;

	r = good(ROSTER_WITH("\"windows\": {\"evening\": [\"20:00\", "
	    "\"02:00\"]},\n", SHIFT("dara", WEEKDAYS, "22:00", "06:00"), ""));
	t = pp(2026, 11, 23, 23, 0);
	/* Never "today before 24:00": tonight, before an hour after it. */
	expect(r, t, NULL, WHEN_TONIGHT_BEFORE, 6, 0, 1, t);
	expect(r, t, "evening", WHEN_TONIGHT_BEFORE, 2, 0, 1, t);
	expect(r, t, "now", WHEN_WITHIN, 6, 0, 1, t);
	t = pp(2026, 11, 24, 1, 0);
	expect(r, t, "evening", WHEN_TODAY_BEFORE, 2, 0, 2, t);
	expect(r, t, NULL, WHEN_TODAY_BEFORE, 6, 0, 2, t);
	expect(r, pp(2026, 11, 23, 12, 0), "evening", WHEN_TODAY_FROM,
	    22, 0, 1, pp(2026, 11, 23, 22, 0));
	expect(r, pp(2026, 11, 23, 12, 0), "morning", WHEN_UNKNOWN, 0,
	    0, 0, -1);
	roster_free(r);

	diag_free(d);
	d = diag_new();
	r = good(ROSTER(SHIFT("dara", "[\"mon\"]", "08:00", "17:00"),
	    HOLIDAY("2026-11-30")));
	t = pp(2026, 11, 24, 10, 0);
	ck_assert_int_eq(roster_next_duty(r, t), pp(2026, 12, 7, 8, 0));
	expect(r, t, NULL, WHEN_UNKNOWN, 8, 0, 1, pp(2026, 12, 7, 8, 0));
	roster_free(r);
}
END_TEST

/* Tokens find their owner; near misses find no one. */
START_TEST(test_by_token)
{
	struct roster			*r;
	const struct roster_person	*p;

	r = good(ROSTER(SHIFT("dara", WEEKDAYS, "08:00", "17:00"), ""));
	p = roster_by_token(r, TOK_DARA);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->id, "dara");
	p = roster_by_token(r, TOK_BOPHA);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->id, "bopha");
	ck_assert_ptr_null(roster_by_token(r, "EXAMPLE_dara_0123456789abcdeg"));
	ck_assert_ptr_null(roster_by_token(r, "EXAMPLE_dara_0123456789abcde"));
	ck_assert_ptr_null(roster_by_token(r, TOK_DARA "f"));
	ck_assert_ptr_null(roster_by_token(r, "example_dara_0123456789abcdef"));
	ck_assert_ptr_null(roster_by_token(r, ""));
	ck_assert_ptr_null(roster_by_token(r, NULL));
	roster_free(r);
}
END_TEST

/* The largest Telegram user id accepted: 2^52 - 1. */
#define TG_MAX	"4503599627370495"

/* Dara and Bopha have Telegram ids, Sokha none. */
#define PEOPLE_TG \
	"{\"people\": [\n" \
	"{\"id\": \"dara\", \"name\": \"Dara\", \"role\": \"counsellor\", " \
	"\"token\": \"" TOK_DARA "\", \"telegram_id\": 123456789, " \
	"\"alerts\": [{\"type\": \"telegram\", \"chat_id\": \"123456789\", " \
	"\"with_phone\": false}]},\n" \
	"{\"id\": \"sokha\", \"name\": \"Sokha\", \"role\": \"counsellor\", " \
	"\"token\": \"" TOK_SOKHA "\", \"alerts\": [{\"type\": \"sms_at\", " \
	"\"to\": \"+85512345678\", \"with_phone\": true}]},\n" \
	"{\"id\": \"bopha\", \"name\": \"Bopha\", \"role\": \"supervisor\", " \
	"\"telegram_id\": " TG_MAX ", \"alerts\": [{\"type\": \"telegram\", " \
	"\"chat_id\": \"-100123\"}]}\n],\n" \
	"\"shifts\": [" SHIFT("dara", WEEKDAYS, "08:00", "17:00") "]}\n"

/* A Telegram id finds its person; 0, negative and unknown ids no one. */
START_TEST(test_by_telegram)
{
	struct roster			*r;
	const struct roster_person	*p;

	r = good(PEOPLE_TG);
	p = roster_by_telegram(r, 123456789);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->id, "dara");
	ck_assert_int_eq(p->telegram_id, 123456789);
	ck_assert_int_eq(p->alerts[0].with_phone, 0);
	p = roster_by_telegram(r, ROSTER_TELEGRAM_ID_MAX);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->id, "bopha");
	/* Sokha has none: 0 must not find her. */
	ck_assert_int_eq(roster_find(r, "sokha")->telegram_id, 0);
	ck_assert_ptr_null(roster_by_telegram(r, 0));
	ck_assert_ptr_null(roster_by_telegram(r, -123456789));
	ck_assert_ptr_null(roster_by_telegram(r, 123456788));
	ck_assert_ptr_null(roster_by_telegram(r, 1234567890));
	roster_free(r);

	/* Without any telegram_id no one is found. */
	diag_free(d);
	d = diag_new();
	r = good(ROSTER(SHIFT("dara", WEEKDAYS, "08:00", "17:00"), ""));
	ck_assert_ptr_null(roster_by_telegram(r, 0));
	ck_assert_ptr_null(roster_by_telegram(r, 123456789));
	ck_assert_int_eq(roster_find(r, "bopha")->telegram_id, 0);
	roster_free(r);
}
END_TEST

/* Everyone, counsellors and supervisors, in roster order. */
START_TEST(test_people)
{
	struct roster			*r;
	const struct roster_person	*out[4], *one[2];

	r = good(ROSTER(SHIFT("dara", WEEKDAYS, "08:00", "17:00"), ""));
	memset(out, 0, sizeof(out));
	ck_assert_uint_eq(roster_people(r, out, 4), 3);
	ck_assert_str_eq(out[0]->id, "dara");
	ck_assert_str_eq(out[1]->id, "sokha");
	ck_assert_str_eq(out[2]->id, "bopha");
	ck_assert_int_eq(out[2]->supervisor, 1);
	ck_assert_ptr_null(out[3]);
	ck_assert_ptr_eq(out[1], roster_find(r, "sokha"));
	/* A short array gets what fits; the count is still everyone. */
	memset(one, 0, sizeof(one));
	ck_assert_uint_eq(roster_people(r, one, 1), 3);
	ck_assert_str_eq(one[0]->id, "dara");
	ck_assert_ptr_null(one[1]);
	ck_assert_uint_eq(roster_people(r, NULL, 0), 3);
	roster_free(r);
}
END_TEST

/* People, alerts, supervisors and the defaults as loaded. */
START_TEST(test_contents)
{
	struct roster			*r;
	const struct roster_person	*p, *sup[2];

	r = good(ROSTER(SHIFT("dara", WEEKDAYS, "08:00", "17:00"), ""));
	ck_assert_int_eq(roster_escalate_after(r), 600);
	ck_assert_int_eq(roster_retry_first(r), 5);
	ck_assert_int_eq(roster_max_attempts(r), 5);
	ck_assert_int_eq(roster_now_minutes(r), 30);
	ck_assert_int_eq(roster_claim_expiry(r), 1800);
	ck_assert_int_eq(roster_call_attempts(r), 3);
	ck_assert_int_eq(roster_attempt_gap(r), 900);
	p = roster_find(r, "dara");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->name, "Dara");
	ck_assert_str_eq(p->token, TOK_DARA);
	ck_assert_int_eq(p->supervisor, 0);
	ck_assert_uint_eq(p->nalerts, 1);
	ck_assert_ptr_eq(p->alerts[0].transport,
	    notify_transport_find("webhook"));
	ck_assert_str_eq(p->alerts[0].target, "http://127.0.0.1:9000/a");
	ck_assert_str_eq(p->alerts[0].secret, WHSEC);
	ck_assert_int_eq(p->alerts[0].with_phone, 0);
	p = roster_find(r, "sokha");
	ck_assert_ptr_eq(p->alerts[0].transport,
	    notify_transport_find("sms_at"));
	ck_assert_str_eq(p->alerts[0].target, "+85512345678");
	ck_assert_ptr_null(p->alerts[0].secret);
	ck_assert_int_eq(p->alerts[0].with_phone, 1);
	ck_assert_ptr_null(roster_find(r, "nobody"));
	ck_assert_ptr_null(roster_find(r, NULL));
	ck_assert_uint_eq(roster_supervisors(r, sup, 2), 1);
	ck_assert_str_eq(sup[0]->id, "bopha");
	ck_assert_int_eq(sup[0]->supervisor, 1);
	ck_assert_ptr_eq(sup[0]->alerts[0].transport,
	    notify_transport_find("telegram"));
	ck_assert_int_eq(roster_uses(r, notify_transport_find("telegram")),
	    1);
	ck_assert_int_eq(roster_uses(r, notify_transport_find("sms_plasgate")),
	    0);
	ck_assert_str_eq(sup[0]->alerts[0].target, "-100123");
	roster_free(r);

	diag_free(d);
	d = diag_new();
	r = good(ROSTER_WITH("\"escalate_after\": 900, \"max_attempts\": 3,\n"
	    "\"retry_first\": 60, \"comment\": \"x\",\n", SHIFT("dara",
	    WEEKDAYS, "08:00", "17:00"), ""));
	ck_assert_int_eq(roster_escalate_after(r), 900);
	ck_assert_int_eq(roster_retry_first(r), 60);
	ck_assert_int_eq(roster_max_attempts(r), 3);
	roster_free(r);

	diag_free(d);
	d = diag_new();
	r = good(ROSTER_WITH("\"now_minutes\": 45, \"claim_expiry\": 600,\n"
	    "\"call_attempts\": 5, \"attempt_gap\": 300,\n", SHIFT("dara",
	    WEEKDAYS, "08:00", "17:00"), ""));
	ck_assert_int_eq(roster_now_minutes(r), 45);
	ck_assert_int_eq(roster_claim_expiry(r), 600);
	ck_assert_int_eq(roster_call_attempts(r), 5);
	ck_assert_int_eq(roster_attempt_gap(r), 300);
	/* The other defaults are untouched. */
	ck_assert_int_eq(roster_escalate_after(r), 600);
	ck_assert_int_eq(roster_max_attempts(r), 5);
	roster_free(r);

	/* Both ends of every range are accepted. */
	diag_free(d);
	d = diag_new();
	r = good(ROSTER_WITH("\"now_minutes\": 5, \"claim_expiry\": 1,\n"
	    "\"call_attempts\": 1, \"attempt_gap\": 1,\n", SHIFT("dara",
	    WEEKDAYS, "08:00", "17:00"), ""));
	ck_assert_int_eq(roster_now_minutes(r), 5);
	ck_assert_int_eq(roster_claim_expiry(r), 1);
	ck_assert_int_eq(roster_call_attempts(r), 1);
	ck_assert_int_eq(roster_attempt_gap(r), 1);
	roster_free(r);
	diag_free(d);
	d = diag_new();
	r = good(ROSTER_WITH("\"now_minutes\": 240, \"claim_expiry\": 86400,"
	    "\n\"call_attempts\": 10, \"attempt_gap\": 86400,\n",
	    SHIFT("dara", WEEKDAYS, "08:00", "17:00"), ""));
	ck_assert_int_eq(roster_now_minutes(r), 240);
	ck_assert_int_eq(roster_claim_expiry(r), 86400);
	ck_assert_int_eq(roster_call_attempts(r), 10);
	ck_assert_int_eq(roster_attempt_gap(r), 86400);
	roster_free(r);
	roster_free(NULL);
}
END_TEST

#define PEOPLE_FILES \
	"{\"people\": [\n" \
	"{\"id\": \"dara\", \"name\": \"Dara\", \"role\": \"counsellor\", " \
	"\"token_file\": \"dara.tok\", \"alerts\": [{\"type\": \"webhook\", " \
	"\"url\": \"https://x.example/a\", " \
	"\"secret_file\": \"dara.key\"}]},\n" \
	"{\"id\": \"bopha\", \"name\": \"Bopha\", \"role\": \"supervisor\", " \
	"\"alerts\": [{\"type\": \"sms_plasgate\", \"to\": \"85512345678\"}]}" \
	"],\n\"shifts\": [" SHIFT("dara", WEEKDAYS, "08:00", "17:00") "]}\n"

/* Secrets in files readable by others are refused; private ones load. */
START_TEST(test_secret_files)
{
	struct roster			*r;
	const struct roster_person	*p;
	char				 want[1024];

	put("dara.tok", TOK_DARA "\n", 0644);
	put("dara.key", WHSEC "\n", 0640);
	bad(PEOPLE_FILES);
	snprintf(want, sizeof(want), "2:68: /people/0/token_file: %s/dara.tok "
	    "must not be readable by group or others (chmod 600)", dir);
	HAS(want);
	snprintf(want, sizeof(want), "2:156: /people/0/alerts/0/secret_file: "
	    "%s/dara.key must not be readable by group or others (chmod 600)",
	    dir);
	HAS(want);
	COUNT(2);

	diag_free(d);
	d = diag_new();
	put("dara.tok", TOK_DARA "\n", 0600);
	put("dara.key", "whsec_MDEyMzQ1Njc4OWFiY2RlZg==\n", 0400);
	bad(PEOPLE_FILES);
	snprintf(want, sizeof(want), "2:156: /people/0/alerts/0/secret_file: "
	    "the secret in %s/dara.key must be \"whsec_\" and the standard "
	    "base64 of a 24- to 64-byte key", dir);
	HAS(want);
	COUNT(1);

	diag_free(d);
	d = diag_new();
	put("dara.key", WHSEC "\r\n", 0400);
	r = good(PEOPLE_FILES);
	p = roster_by_token(r, TOK_DARA);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->token, TOK_DARA);
	ck_assert_str_eq(p->alerts[0].secret, WHSEC);
	p = roster_find(r, "bopha");
	ck_assert_ptr_null(p->token);
	ck_assert_ptr_eq(p->alerts[0].transport,
	    notify_transport_find("sms_plasgate"));
	ck_assert_str_eq(p->alerts[0].target, "85512345678");
	roster_free(r);

	diag_free(d);
	d = diag_new();
	unlink(made[0]);
	bad(PEOPLE_FILES);
	snprintf(want, sizeof(want), "2:68: /people/0/token_file: %s/dara.tok: "
	    "No such file or directory", dir);
	HAS(want);
}
END_TEST

/* Syntax errors, a root that is not an object, a missing file. */
START_TEST(test_errors_file)
{
	char	 want[1024];

	bad("{\n\"people\": [],\n}\n");
	HAS("3:1: string or '}' expected near '}'");
	COUNT(1);
	diag_free(d);
	d = diag_new();
	bad("[]\n");
	HAS("1:1: /: the roster must be a JSON object");
	diag_free(d);
	d = diag_new();
	snprintf(rpath, sizeof(rpath), "%s/none.json", dir);
	ck_assert_ptr_null(roster_load(rpath, d));
	snprintf(want, sizeof(want), "%s: No such file or directory", rpath);
	ck_assert_str_eq(diag_get(d, 0), want);
}
END_TEST

/* Top-level keys, ranges and windows. */
START_TEST(test_errors_top)
{
	bad("{\n"
	    "\"escalate_after\": 0, \"retry_first\": 0,\n"
	    "\"max_attempts\": \"5\",\n"
	    "\"colour\": \"red\",\n"
	    "\"windows\": {\"morning\": [\"8:00\", \"12:00\"], \"night\": "
	    "[\"21:00\", \"23:00\"],\n"
	    "  \"evening\": \"17:00\", "
	    "\"afternoon\": [\"13:00\", \"13:00\"]},\n"
	    "\"people\": [],\n"
	    "\"holidays\": {}\n"
	    "}\n");
	HAS("2:19: /escalate_after: must be within 1..86400");
	HAS("2:37: /retry_first: must be within 1..3600");
	HAS("3:17: /max_attempts: must be an integer");
	HAS("4:1: /colour: unknown key \"colour\"");
	HAS("8:13: /holidays: must be an array of 0 to 1024 entries");
	HAS("1:1: /: missing \"shifts\"");
	HAS("5:25: /windows/morning/0: \"8:00\" is not a time (HH:MM, 00:00 "
	    "to 23:59)");
	HAS("5:43: /windows/night: unknown window \"night\" (morning, "
	    "afternoon or evening)");
	HAS("6:14: /windows/evening: must be [\"HH:MM\", \"HH:MM\"]");
	HAS("6:46: /windows/afternoon/1: a window must not end when it "
	    "starts");
	HAS("7:11: /people: at least one counsellor is needed");
	HAS("7:11: /people: at least one supervisor is needed");
	COUNT(12);
}
END_TEST

/* The claim and call limits: out of range or not integers, each located. */
START_TEST(test_errors_limits)
{
	bad(ROSTER_WITH("\"now_minutes\": 4, \"claim_expiry\": 0,\n"
	    "\"call_attempts\": 11, \"attempt_gap\": 86401,\n",
	    SHIFT("dara", WEEKDAYS, "08:00", "17:00"), ""));
	HAS("1:17: /now_minutes: must be within 5..240");
	HAS("1:36: /claim_expiry: must be within 1..86400");
	HAS("2:18: /call_attempts: must be within 1..10");
	HAS("2:37: /attempt_gap: must be within 1..86400");
	COUNT(4);

	diag_free(d);
	d = diag_new();
	bad(ROSTER_WITH("\"now_minutes\": 241, \"claim_expiry\": -1,\n"
	    "\"call_attempts\": \"3\", \"attempt_gap\": 900.5,\n",
	    SHIFT("dara", WEEKDAYS, "08:00", "17:00"), ""));
	HAS("1:17: /now_minutes: must be within 5..240");
	HAS("1:38: /claim_expiry: must be within 1..86400");
	HAS("2:18: /call_attempts: must be an integer");
	HAS("2:38: /attempt_gap: must be an integer");
	COUNT(4);
}
END_TEST

/* People: ids, roles, tokens, duplicates, alerts, shape. */
START_TEST(test_errors_people)
{
	bad("{\"people\": [\n"
	    "{\"id\": \"Dara\", \"name\": \"Dara\", \"role\": \"counselor\", "
	    "\"token\": \"short\"},\n"
	    "{\"id\": \"sokha\", \"name\": \"Sokha\", "
	    "\"role\": \"counsellor\", "
	    "\"token\": \"" TOK_SOKHA "\", \"alerts\": []},\n"
	    "{\"id\": \"sokha\", \"name\": \"\", \"role\": \"counsellor\", "
	    "\"token\": \"" TOK_SOKHA "\", \"token_file\": \"x\", "
	    "\"alerts\": [{\"type\": \"sms_at\", \"to\": \"+85512345678\"}]},\n"
	    "{\"id\": \"vanna\", \"name\": \"Vanna\", "
	    "\"role\": \"counsellor\", "
	    "\"phone\": \"1\", "
	    "\"alerts\": [{\"type\": \"sms_at\", \"to\": \"+85512345678\"}]},\n"
	    "{\"id\": \"dara\", \"name\": \"Dara\", \"role\": \"counsellor\", "
	    "\"token\": \"" TOK_DARA "\", "
	    "\"alerts\": [{\"type\": \"sms_at\", \"to\": \"+85512345678\"}]},\n"
	    "{\"id\": \"chan\", \"name\": \"Chan\", \"role\": \"counsellor\", "
	    "\"token\": \"" TOK_DARA "\", "
	    "\"alerts\": [{\"type\": \"sms_at\", \"to\": \"+85512345678\"}]},\n"
	    "\"bopha\"\n"
	    "],\n"
	    "\"shifts\": [" SHIFT("sokha", "[\"mon\"]",
	    "08:00", "17:00") "]}\n");
	HAS("2:8: /people/0/id: \"Dara\" is not an id (1 to 32 of a-z, 0-9, _ "
	    "and -)");
	HAS("2:40: /people/0/role: must be \"counsellor\" or \"supervisor\"");
	HAS("2:62: /people/0/token: must be 24 to 256 characters of A-Z a-z "
	    "0-9 _ -");
	HAS("3:109: /people/1/alerts: a counsellor needs at least one alert");
	HAS("4:25: /people/2/name: must be 1 to 128 bytes long");
	HAS("4:8: /people/2/id: duplicate id \"sokha\" (also /people/1)");
	HAS("4:94: /people/2/token_file: use either \"token\" or "
	    "\"token_file\"");
	HAS("5:56: /people/3/phone: unknown key \"phone\"");
	HAS("5:1: /people/3: a counsellor needs \"token\" or \"token_file\"");
	HAS("7:63: /people/5/token: the same token as /people/4");
	HAS("8:1: /people/6: must be an object");
	COUNT(11);
}
END_TEST

/* Alerts: each transport's target, secrets, foreign keys, types. */
START_TEST(test_errors_alerts)
{
	bad("{\"people\": [\n"
	    "{\"id\": \"dara\", \"name\": \"Dara\", \"role\": \"counsellor\", "
	    "\"token\": \"" TOK_DARA "\", \"alerts\": [\n"
	    "{\"type\": \"webhook\", \"url\": \"ftp://x\", \"secret\": "
	    "\"whsec_abc\"},\n"
	    "{\"type\": \"webhook\", \"url\": \"https://x.example/a\"},\n"
	    "{\"type\": \"webhook\", \"url\": \"https://x.example/a\", "
	    "\"secret\": \"" WHSEC "\", \"chat_id\": \"1\"},\n"
	    "{\"type\": \"telegram\", \"chat_id\": \"12ab\"},\n"
	    "{\"type\": \"telegram\", \"chat_id\": \"@ab\", \"with_phone\": "
	    "\"yes\"},\n"
	    "{\"type\": \"telegram\"},\n"
	    "{\"type\": \"sms_at\", \"to\": \"012345678\"},\n"
	    "{\"type\": \"sms_plasgate\", \"to\": \"+85512345678\"},\n"
	    "{\"type\": \"pager\"},\n"
	    "{\"url\": \"http://127.0.0.1/\"},\n"
	    "{\"type\": \"webhook\", \"url\": \"http:// x\", \"secret\": "
	    "\"whsec_MDEyMzQ1Njc4OWFiY2RlZg==\"}\n"
	    "]},\n"
	    "{\"id\": \"bopha\", \"name\": \"Bopha\", "
	    "\"role\": \"supervisor\", "
	    "\"alerts\": [{\"type\": \"telegram\", "
	    "\"chat_id\": \"@hotline_sup\"}]}"
	    "],\n"
	    "\"shifts\": [" SHIFT("dara", "[\"mon\"]",
	    "08:00", "17:00") "]}\n");
	HAS("3:28: /people/0/alerts/0/url: must be an http:// or https:// URL");
	HAS("3:49: /people/0/alerts/0/secret: must be \"whsec_\" and the "
	    "standard base64 of a 24- to 64-byte key");
	HAS("4:1: /people/0/alerts/1: missing \"secret\" or \"secret_file\"");
	HAS("5:115: /people/0/alerts/2/chat_id: \"chat_id\" is not for webhook "
	    "alerts");
	HAS("6:33: /people/0/alerts/3/chat_id: must be a Telegram chat id: an "
	    "integer such as \"-100123\", or \"@name\"");
	HAS("7:54: /people/0/alerts/4/with_phone: must be true or false");
	HAS("7:33: /people/0/alerts/4/chat_id: must be a Telegram chat id: an "
	    "integer such as \"-100123\", or \"@name\"");
	HAS("8:1: /people/0/alerts/5: missing \"chat_id\"");
	HAS("9:26: /people/0/alerts/6/to: must be \"+\" and 8 to 15 digits, "
	    "e.g. \"+85512345678\"");
	HAS("10:32: /people/0/alerts/7/to: must be 8 to 15 digits without "
	    "\"+\", e.g. \"85512345678\"");
	HAS("11:10: /people/0/alerts/8/type: must be one of "
	    "webhook|telegram|sms_at|sms_plasgate");
	HAS("12:1: /people/0/alerts/9: missing \"type\"");
	HAS("13:28: /people/0/alerts/10/url: must be an http:// or https:// "
	    "URL");
	HAS("13:51: /people/0/alerts/10/secret: must be \"whsec_\" and the "
	    "standard base64 of a 24- to 64-byte key");
	COUNT(14);
}
END_TEST

#define TOK_VANNA	"token-vanna-0123456789abcdef"
#define TOK_CHAN	"token-chan-0123456789abcdef"
#define TOK_NITA	"token-nita-0123456789abcdef"
#define TOK_RITH	"token-rith-0123456789abcdef"
#define TG_ALERT	"\"alerts\": [{\"type\": \"telegram\", \"chat_id\": " \
	"\"-100123\"}]"

/* Telegram ids: duplicates, wrong types, ranges; no number to Telegram. */
START_TEST(test_errors_telegram)
{
	bad("{\"people\": [\n"
	    "{\"id\": \"dara\", \"name\": \"Dara\", \"role\": \"counsellor\", "
	    "\"token\": \"" TOK_DARA "\", \"telegram_id\": 42, " TG_ALERT
	    "},\n"
	    "{\"id\": \"sokha\", \"name\": \"Sokha\", "
	    "\"role\": \"counsellor\", "
	    "\"token\": \"" TOK_SOKHA "\", \"telegram_id\": 42, " TG_ALERT
	    "},\n"
	    "{\"id\": \"vanna\", \"name\": \"Vanna\", "
	    "\"role\": \"counsellor\", "
	    "\"token\": \"" TOK_VANNA "\", \"telegram_id\": \"43\", " TG_ALERT
	    "},\n"
	    "{\"id\": \"chan\", \"name\": \"Chan\", \"role\": \"counsellor\", "
	    "\"token\": \"" TOK_CHAN "\", \"telegram_id\": 0, " TG_ALERT "},\n"
	    "{\"id\": \"nita\", \"name\": \"Nita\", \"role\": \"counsellor\", "
	    "\"token\": \"" TOK_NITA "\", \"telegram_id\": -44, " TG_ALERT
	    "},\n"
	    "{\"id\": \"rith\", \"name\": \"Rith\", \"role\": \"counsellor\", "
	    "\"token\": \"" TOK_RITH "\", \"telegram_id\": 4503599627370496, "
	    TG_ALERT "},\n"
	    "{\"id\": \"bopha\", \"name\": \"Bopha\", "
	    "\"role\": \"supervisor\", "
	    "\"telegram_id\": 45, \"alerts\": [{\"type\": \"telegram\", "
	    "\"chat_id\": \"-100123\", \"with_phone\": true}, "
	    "{\"type\": \"sms_at\", \"to\": \"+85512345678\", "
	    "\"with_phone\": true}]}\n"
	    "],\n"
	    "\"shifts\": [" SHIFT("dara", "[\"mon\"]", "08:00", "17:00")
	    "]}\n");
	HAS("3:114: /people/1/telegram_id: the same Telegram id as /people/0");
	HAS("4:112: /people/2/telegram_id: must be an integer");
	HAS("5:109: /people/3/telegram_id: must be within "
	    "1..4503599627370495");
	HAS("6:109: /people/4/telegram_id: must be within "
	    "1..4503599627370495");
	HAS("7:109: /people/5/telegram_id: must be within "
	    "1..4503599627370495");
	HAS("8:143: /people/6/alerts/0/with_phone: a number never goes to "
	    "Telegram: bot chats are not end-to-end encrypted (the console "
	    "shows it once she has claimed)");
	COUNT(6);
}
END_TEST

/* Shifts: who, days, times, and their shape. */
START_TEST(test_errors_shifts)
{
	bad("{" PEOPLE "\"shifts\": [\n"
	    "{\"who\": \"nobody\", \"days\": [\"mon\", "
	    "\"monday\", \"mon\", 3], "
	    "\"start\": \"8:00\", \"end\": \"25:00\"},\n"
	    "{\"who\": \"bopha\", \"days\": [\"sat\"], \"start\": \"09:00\", "
	    "\"end\": \"09:00\", \"holiday\": true},\n"
	    "{\"who\": \"dara\", \"days\": [], \"start\": \"24:00\", \"end\": "
	    "\"24:00\"},\n"
	    "{\"who\": \"dara\", \"days\": [\"sun\"], \"start\": \"00:00\", "
	    "\"end\": \"24:00\", \"holidays\": 1},\n"
	    "\"x\", {\"days\": [\"Mon\"], \"start\": \"08:00\", \"end\": "
	    "\"8:00pm\"}\n"
	    "]}\n");
	HAS("7:9: /shifts/0/who: no person with id \"nobody\" in \"people\"");
	HAS("7:35: /shifts/0/days/1: \"monday\" is not a day (mon, tue, wed, "
	    "thu, fri, sat, sun)");
	HAS("7:45: /shifts/0/days/2: \"mon\" is listed twice");
	HAS("7:52: /shifts/0/days/3: must be a string");
	HAS("7:65: /shifts/0/start: \"8:00\" is not a time (HH:MM, 00:00 to "
	    "23:59)");
	HAS("7:80: /shifts/0/end: \"25:00\" is not a time (HH:MM, 00:00 to "
	    "24:00)");
	HAS("8:69: /shifts/1/holiday: unknown key \"holiday\"");
	HAS("8:9: /shifts/1/who: \"bopha\" is a supervisor; shifts are for "
	    "counsellors");
	HAS("8:60: /shifts/1/end: a shift must not end when it starts (a whole "
	    "day is 00:00 to 24:00)");
	HAS("9:25: /shifts/2/days: must be an array of 1 to 7 entries");
	HAS("9:38: /shifts/2/start: \"24:00\" is not a time (HH:MM, 00:00 to "
	    "23:59)");
	HAS("10:80: /shifts/3/holidays: must be true or false");
	HAS("11:1: /shifts/4: must be an object");
	HAS("11:6: /shifts/5: missing \"who\"");
	HAS("11:16: /shifts/5/days/0: \"Mon\" is not a day (mon, tue, wed, "
	    "thu, fri, sat, sun)");
	HAS("11:49: /shifts/5/end: \"8:00pm\" is not a time (HH:MM, 00:00 to "
	    "24:00)");
	COUNT(16);
}
END_TEST

/* Holidays: dates that do not exist, duplicates, shape. */
START_TEST(test_errors_holidays)
{
	bad(ROSTER(SHIFT("dara", WEEKDAYS, "08:00", "17:00"), "\n"
	    "{\"date\": \"2026-02-30\", \"name\": \"x\"},\n"
	    "{\"date\": \"2026-04-14\", \"name\": \"Khmer New Year\"},\n"
	    "{\"date\": \"2026-04-14\", \"name\": \"again\"},\n"
	    "{\"date\": \"2026-4-14\", \"name\": \"y\"},\n"
	    "{\"date\": \"2028-02-29\", \"name\": \"leap day\"},\n"
	    "{\"date\": \"2027-02-29\", \"name\": \"no leap day\"},\n"
	    "{\"date\": \"2100-01-01\", \"name\": \"z\"},\n"
	    "{\"name\": \"no date\", \"date \": \"2026-01-01\"}\n"));
	HAS("8:10: /holidays/0/date: \"2026-02-30\" is not a date (YYYY-MM-DD, "
	    "years 2000 to 2099)");
	HAS("10:10: /holidays/2/date: \"2026-04-14\" is listed twice (also "
	    "/holidays/1)");
	HAS("11:10: /holidays/3/date: \"2026-4-14\" is not a date (YYYY-MM-DD, "
	    "years 2000 to 2099)");
	HAS("13:10: /holidays/5/date: \"2027-02-29\" is not a date "
	    "(YYYY-MM-DD, years 2000 to 2099)");
	HAS("14:10: /holidays/6/date: \"2100-01-01\" is not a date "
	    "(YYYY-MM-DD, years 2000 to 2099)");
	HAS("15:21: /holidays/7/date : unknown key \"date \"");
	HAS("15:1: /holidays/7: missing \"date\"");
	COUNT(7);
}
END_TEST

/* Who is needed: a counsellor, a supervisor, one who hears alerts. */
START_TEST(test_errors_roles)
{
	bad("{\"people\": [{\"id\": \"bopha\", \"name\": \"Bopha\", \"role\": "
	    "\"supervisor\", \"alerts\": [{\"type\": \"telegram\", "
	    "\"chat_id\": \"-100123\"}]}],\n\"shifts\": [" SHIFT("bopha",
	    "[\"mon\"]", "08:00", "17:00") "]}");
	HAS("1:12: /people: at least one counsellor is needed");
	HAS("2:20: /shifts/0/who: \"bopha\" is a supervisor; shifts are for "
	    "counsellors");
	COUNT(2);

	diag_free(d);
	d = diag_new();
	bad("{\"people\": [{\"id\": \"dara\", \"name\": \"Dara\", \"role\": "
	    "\"counsellor\", \"token\": \"" TOK_DARA "\", \"alerts\": "
	    "[{\"type\": \"telegram\", \"chat_id\": \"-100123\"}]}],\n"
	    "\"shifts\": [" SHIFT("dara", "[\"mon\"]", "08:00", "17:00") "]}");
	HAS("1:12: /people: at least one supervisor is needed");
	COUNT(1);

	diag_free(d);
	d = diag_new();
	bad("{\"people\": [{\"id\": \"dara\", \"name\": \"Dara\", \"role\": "
	    "\"counsellor\", \"token\": \"" TOK_DARA "\", \"alerts\": "
	    "[{\"type\": \"telegram\", \"chat_id\": \"-100123\"}]},\n"
	    "{\"id\": \"bopha\", \"name\": \"Bopha\", \"role\": "
	    "\"supervisor\", \"token\": \"" TOK_BOPHA "\"}],\n"
	    "\"shifts\": [" SHIFT("dara", "[\"mon\"]", "08:00", "17:00") "]}");
	HAS("1:12: /people: at least one supervisor needs an alert, or "
	    "escalations reach no one");
	COUNT(1);

	diag_free(d);
	d = diag_new();
	bad("{\"people\": []}");
	HAS("1:1: /: missing \"shifts\"");
	HAS("1:12: /people: at least one counsellor is needed");
	HAS("1:12: /people: at least one supervisor is needed");
	COUNT(3);
}
END_TEST

/* One mistake in each part of the file: all are reported together. */
START_TEST(test_errors_all_at_once)
{
	bad("{\"max_attempts\": 0,\n"
	    "\"windows\": {\"evening\": [\"17:00\", \"21:60\"]},\n"
	    "\"people\": [\n"
	    "{\"id\": \"dara\", \"name\": \"Dara\", \"role\": \"counsellor\", "
	    "\"token\": \"" TOK_DARA "\", \"alerts\": [{\"type\": \"sms_at\", "
	    "\"to\": \"+855\"}]},\n"
	    "{\"id\": \"bopha\", \"name\": \"Bopha\", "
	    "\"role\": \"supervisor\", "
	    "\"alerts\": [{\"type\": \"telegram\", \"chat_id\": \"-100123\"}]}"
	    "],\n"
	    "\"shifts\": [" SHIFT("dara", "[\"mon\", \"fry\"]", "08:00",
	    "17:00") "],\n"
	    "\"holidays\": [" HOLIDAY("2026-13-01") "]}\n");
	HAS("1:18: /max_attempts: must be within 1..50");
	HAS("2:34: /windows/evening/1: \"21:60\" is not a time (HH:MM, 00:00 "
	    "to 24:00)");
	HAS("4:132: /people/0/alerts/0/to: must be \"+\" and 8 to 15 digits, "
	    "e.g. \"+85512345678\"");
	HAS("6:44: /shifts/0/days/1: \"fry\" is not a day (mon, tue, wed, thu, "
	    "fri, sat, sun)");
	HAS("7:23: /holidays/0/date: \"2026-13-01\" is not a date (YYYY-MM-DD, "
	    "years 2000 to 2099)");
	COUNT(5);
}
END_TEST

/* The shipped sample loads and says what the docs say it says. */
START_TEST(test_shipped)
{
	struct roster			*r;
	const struct roster_person	*sup[4];
	const char			*top = getenv("TOP_SRCDIR");
	const char			*data = getenv("TEST_DATA_DIR");

	/* make check sets TOP_SRCDIR; by hand, TEST_DATA_DIR is enough. */
	if (top != NULL)
		snprintf(rpath, sizeof(rpath), "%s/conf/roster.json", top);
	else if (data != NULL)
		snprintf(rpath, sizeof(rpath), "%s/../../conf/roster.json",
		    data);
	else
		snprintf(rpath, sizeof(rpath), "./conf/roster.json");
	r = roster_load(rpath, d);
	ck_assert_msg(r != NULL, "%s", all());
	ck_assert_int_eq(roster_escalate_after(r), 600);
	ck_assert_int_eq(roster_max_attempts(r), 5);
	ck_assert_uint_eq(roster_supervisors(r, sup, 4), 1);
	/* A webhook: the sample needs no provider secrets to pass -t. */
	ck_assert_ptr_eq(sup[0]->alerts[0].transport,
	    notify_transport_find("webhook"));
	ck_assert_int_eq(roster_uses(r, notify_transport_find("webhook")),
	    1);
	ck_assert_int_eq(roster_uses(r, notify_transport_find("telegram")),
	    0);
	/* A Monday: two counsellors by day, one in the evening. */
	ck_assert_str_eq(duty(r, pp(2026, 11, 23, 10, 0)), "sophea,channy");
	ck_assert_str_eq(duty(r, pp(2026, 11, 23, 18, 0)), "dara");
	ck_assert_str_eq(duty(r, pp(2026, 11, 23, 21, 0)), "");
	ck_assert_str_eq(duty(r, pp(2026, 11, 28, 11, 0)), "channy");
	ck_assert_str_eq(duty(r, pp(2026, 11, 29, 11, 0)), "");
	/* Khmer New Year 2026 (Tue 14 to Thu 16 April): back on Friday. */
	ck_assert_str_eq(duty(r, pp(2026, 4, 14, 10, 0)), "");
	ck_assert_str_eq(duty(r, pp(2026, 4, 16, 18, 0)), "");
	expect(r, pp(2026, 4, 14, 10, 0), NULL, WHEN_DAY_FROM, 8, 0, 5,
	    pp(2026, 4, 17, 8, 0));
	ck_assert_int_eq(roster_next_duty(r, pp(2026, 4, 14, 10, 0)),
	    pp(2026, 4, 17, 8, 0));
	roster_free(r);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("roster");
	TCase	*tc = tcase_create("roster");
	SRunner	*sr;
	int	 failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_local);
	tcase_add_test(tc, test_day_shift);
	tcase_add_test(tc, test_order);
	tcase_add_test(tc, test_night_shift);
	tcase_add_test(tc, test_holiday);
	tcase_add_test(tc, test_holiday_night);
	tcase_add_test(tc, test_next_duty);
	tcase_add_test(tc, test_expected_day);
	tcase_add_test(tc, test_expected_evening);
	tcase_add_test(tc, test_expected_midnight);
	tcase_add_test(tc, test_expected_night);
	tcase_add_test(tc, test_expected_now_minutes);
	tcase_add_test(tc, test_expected_always);
	tcase_add_test(tc, test_windows);
	tcase_add_test(tc, test_by_token);
	tcase_add_test(tc, test_by_telegram);
	tcase_add_test(tc, test_people);
	tcase_add_test(tc, test_contents);
	tcase_add_test(tc, test_secret_files);
	tcase_add_test(tc, test_errors_file);
	tcase_add_test(tc, test_errors_top);
	tcase_add_test(tc, test_errors_limits);
	tcase_add_test(tc, test_errors_people);
	tcase_add_test(tc, test_errors_alerts);
	tcase_add_test(tc, test_errors_telegram);
	tcase_add_test(tc, test_errors_shifts);
	tcase_add_test(tc, test_errors_holidays);
	tcase_add_test(tc, test_errors_roles);
	tcase_add_test(tc, test_errors_all_at_once);
	tcase_add_test(tc, test_shipped);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
