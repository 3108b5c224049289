/* SPDX-License-Identifier: ISC */
/*
 * check_clock: ISO 8601 instants as the configuration writes them, a
 * clock started at another instant, and the calendar arithmetic of Phnom
 * Penh local time: floor division, day numbers, weekdays, "HH:MM" and
 * dates, without TZ.
 */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <check.h>

#include "clock.h"

/* Zones, the UTC designator, and every kind of malformed instant. */
START_TEST(test_parse)
{
	time_t	 t;

	ck_assert_int_eq(hclock_parse("2026-11-23T10:00:00+07:00", &t), 0);
	ck_assert_int_eq(t, 1795402800);
	ck_assert_int_eq(hclock_parse("2026-11-23T03:00:00Z", &t), 0);
	ck_assert_int_eq(t, 1795402800);
	ck_assert_int_eq(hclock_parse("2026-11-22T22:30:00-04:30", &t), 0);
	ck_assert_int_eq(t, 1795402800);
	ck_assert_int_eq(hclock_parse("2026-02-29T10:00:00Z", &t), -1);
	ck_assert_int_eq(hclock_parse("2028-02-29T10:00:00Z", &t), 0);
	ck_assert_int_eq(hclock_parse("2026-11-23 10:00:00+07:00", &t), -1);
	ck_assert_int_eq(hclock_parse("2026-11-23T10:00:00", &t), -1);
	ck_assert_int_eq(hclock_parse("2026-11-23T24:00:00Z", &t), -1);
	ck_assert_int_eq(hclock_parse("2026-11-23T10:00:00+0700", &t), -1);
	ck_assert_int_eq(hclock_parse("2026-13-01T10:00:00Z", &t), -1);
	ck_assert_int_eq(hclock_parse("2026-11-23T10:00:00+07:00x", &t), -1);
	ck_assert_int_eq(hclock_parse("", &t), -1);
}
END_TEST

/* A clock started elsewhere runs at the normal rate from there. */
START_TEST(test_offset)
{
	struct hclock	 c;
	time_t		 now;

	hclock_init(&c, 1795402800);
	now = hclock_now(&c);
	ck_assert(now >= 1795402800 && now <= 1795402802);
	hclock_init(&c, 0);
	ck_assert_int_eq(c.offset, 0);
	now = time(NULL);
	ck_assert(hclock_now(&c) - now <= 1);
}
END_TEST

/* Floor division rounds towards minus infinity, unlike C's. */
START_TEST(test_div)
{
	ck_assert_int_eq(hclock_div(7, 2), 3);
	ck_assert_int_eq(hclock_div(-7, 2), -4);
	ck_assert_int_eq(hclock_div(-8, 2), -4);
	ck_assert_int_eq(hclock_div(0, 86400), 0);
	ck_assert_int_eq(hclock_div(-1, 86400), -1);
	ck_assert_int_eq(hclock_div(86399, 86400), 0);
	ck_assert_int_eq(hclock_div(86400, 86400), 1);
	ck_assert_int_eq(hclock_div(-86400, 86400), -1);
	ck_assert_int_eq(hclock_div(-86401, 86400), -2);
}
END_TEST

/* Day numbers and weekdays, across leap days and before 1970. */
START_TEST(test_days)
{
	ck_assert_int_eq(hclock_days_from_civil(1970, 1, 1), 0);
	ck_assert_int_eq(hclock_days_from_civil(1970, 1, 2), 1);
	ck_assert_int_eq(hclock_days_from_civil(1969, 12, 31), -1);
	ck_assert_int_eq(hclock_days_from_civil(2000, 3, 1), 11017);
	ck_assert_int_eq(hclock_days_from_civil(2000, 2, 29), 11016);
	ck_assert_int_eq(hclock_days_from_civil(2026, 11, 23), 20780);
	ck_assert_int_eq(hclock_days_from_civil(1900, 3, 1), -25508);
	/* 1970-01-01 was a Thursday, 2026-11-23 a Monday. */
	ck_assert_int_eq(hclock_wday(0), 4);
	ck_assert_int_eq(hclock_wday(-1), 3);
	ck_assert_int_eq(hclock_wday(-4), 0);
	ck_assert_int_eq(hclock_wday(-7), 4);
	ck_assert_int_eq(hclock_wday(20780), 1);
	ck_assert_int_eq(hclock_wday(20780 + 6), 0);
}
END_TEST

/* Local seconds and the broken-down local time, whatever TZ says. */
START_TEST(test_local)
{
	struct tm	 tm;

	ck_assert_int_eq(hclock_lsec(0), 7 * 3600);
	ck_assert_int_eq(hclock_lsec(1795395600), 1795395600 + 25200);
	setenv("TZ", "America/New_York", 1);
	tzset();
	/* 2026-11-23T17:30:00Z is 00:30 on the 24th in Phnom Penh. */
	hclock_local(1795455000, &tm);
	ck_assert_int_eq(tm.tm_year, 2026 - 1900);
	ck_assert_int_eq(tm.tm_mon, 10);
	ck_assert_int_eq(tm.tm_mday, 24);
	ck_assert_int_eq(tm.tm_hour, 0);
	ck_assert_int_eq(tm.tm_min, 30);
	ck_assert_int_eq(tm.tm_wday, 2);
	ck_assert_int_eq(hclock_div(hclock_lsec(1795455000), HCLOCK_DAY),
	    hclock_days_from_civil(2026, 11, 24));
}
END_TEST

/* "HH:MM": the edges, 24:00 only at an end, and malformed times. */
START_TEST(test_hhmm)
{
	ck_assert_int_eq(hclock_parse_hhmm("00:00", 0), 0);
	ck_assert_int_eq(hclock_parse_hhmm("08:30", 0), 510);
	ck_assert_int_eq(hclock_parse_hhmm("23:59", 0), 1439);
	ck_assert_int_eq(hclock_parse_hhmm("24:00", 1), HCLOCK_MINUTES);
	ck_assert_int_eq(hclock_parse_hhmm("24:00", 0), -1);
	ck_assert_int_eq(hclock_parse_hhmm("24:01", 1), -1);
	ck_assert_int_eq(hclock_parse_hhmm("23:60", 0), -1);
	ck_assert_int_eq(hclock_parse_hhmm("8:30", 0), -1);
	ck_assert_int_eq(hclock_parse_hhmm("08:30:00", 0), -1);
	ck_assert_int_eq(hclock_parse_hhmm("08-30", 0), -1);
	ck_assert_int_eq(hclock_parse_hhmm("0a:30", 0), -1);
	ck_assert_int_eq(hclock_parse_hhmm("+8:30", 0), -1);
	ck_assert_int_eq(hclock_parse_hhmm("", 0), -1);
}
END_TEST

/* Dates: only existing days of 2000 to 2099. */
START_TEST(test_date)
{
	int64_t	 day = -1;

	ck_assert_int_eq(hclock_parse_date("2026-11-23", &day), 0);
	ck_assert_int_eq(day, 20780);
	ck_assert_int_eq(hclock_parse_date("2000-01-01", &day), 0);
	ck_assert_int_eq(day, 10957);
	ck_assert_int_eq(hclock_parse_date("2028-02-29", &day), 0);
	ck_assert_int_eq(hclock_parse_date("2000-02-29", &day), 0);
	ck_assert_int_eq(hclock_parse_date("2099-12-31", &day), 0);
	day = 7;
	ck_assert_int_eq(hclock_parse_date("2026-02-29", &day), -1);
	ck_assert_int_eq(hclock_parse_date("2026-04-31", &day), -1);
	ck_assert_int_eq(hclock_parse_date("2026-13-01", &day), -1);
	ck_assert_int_eq(hclock_parse_date("2026-00-10", &day), -1);
	ck_assert_int_eq(hclock_parse_date("2026-01-00", &day), -1);
	ck_assert_int_eq(hclock_parse_date("1999-12-31", &day), -1);
	ck_assert_int_eq(hclock_parse_date("2100-01-01", &day), -1);
	ck_assert_int_eq(hclock_parse_date("2026-1-23", &day), -1);
	ck_assert_int_eq(hclock_parse_date("2026/11/23", &day), -1);
	ck_assert_int_eq(hclock_parse_date("2026-11-23T", &day), -1);
	ck_assert_int_eq(hclock_parse_date("20x6-11-23", &day), -1);
	ck_assert_int_eq(day, 7);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("clock");
	TCase	*tc = tcase_create("clock");
	SRunner	*sr;
	int	 failed;

	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_offset);
	tcase_add_test(tc, test_div);
	tcase_add_test(tc, test_days);
	tcase_add_test(tc, test_local);
	tcase_add_test(tc, test_hhmm);
	tcase_add_test(tc, test_date);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
