/* SPDX-License-Identifier: ISC */
/*
 * check_clock: ISO 8601 instants as the configuration writes them, and a
 * clock started at another instant.
 */
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

int
main(void)
{
	Suite	*s = suite_create("clock");
	TCase	*tc = tcase_create("clock");
	SRunner	*sr;
	int	 failed;

	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_offset);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
