/* SPDX-License-Identifier: ISC */
/*
 * check_ratelimit: the token bucket table with time passed in. A burst
 * passes and the next is refused once as "tripped", then as "over"; tokens
 * come back at the rate; a block holds for its length; keys are
 * independent; a flood of distinct keys stays within the slots, the
 * least recently used giving way; off passes everything; a reload cuts
 * buckets down.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "ratelimit.h"

/* Take one for the NUL-terminated key k at t. */
static enum ratelimit_result
take(struct ratelimit *rl, const char *k, int64_t t)
{
	return ratelimit_take(rl, k, strlen(k), t, NULL);
}

START_TEST(test_burst_then_rate)
{
	struct ratelimit	*rl = ratelimit_new(16);
	int64_t			 retry = -1;
	int			 i;

	ck_assert_ptr_nonnull(rl);
	/* 2 a second, bursts of 5, no block. */
	ratelimit_set(rl, 2, 1000, 5, 0);
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(take(rl, "a", 1000), RATELIMIT_PASS);
	ck_assert_int_eq(ratelimit_take(rl, "a", 1, 1000, &retry),
	    RATELIMIT_TRIPPED);
	ck_assert_int_eq(retry, 500);
	ck_assert_int_eq(take(rl, "a", 1100), RATELIMIT_OVER);
	/* One token every 500 ms. */
	ck_assert_int_eq(take(rl, "a", 1499), RATELIMIT_OVER);
	ck_assert_int_eq(take(rl, "a", 1500), RATELIMIT_PASS);
	ck_assert_int_eq(take(rl, "a", 1500), RATELIMIT_TRIPPED);
	/* A long pause fills the bucket, no further. */
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(take(rl, "a", 1000000), RATELIMIT_PASS);
	ck_assert_int_eq(take(rl, "a", 1000000), RATELIMIT_TRIPPED);
	ratelimit_free(rl);
}
END_TEST

START_TEST(test_keys_apart)
{
	struct ratelimit	*rl = ratelimit_new(16);

	ratelimit_set(rl, 1, 60000, 2, 0);
	ck_assert_int_eq(take(rl, "+85512000001", 0), RATELIMIT_PASS);
	ck_assert_int_eq(take(rl, "+85512000001", 0), RATELIMIT_PASS);
	ck_assert_int_eq(take(rl, "+85512000001", 0), RATELIMIT_TRIPPED);
	ck_assert_int_eq(take(rl, "+85512000002", 0), RATELIMIT_PASS);
	ck_assert_int_eq(take(rl, "+85512000002", 0), RATELIMIT_PASS);
	/* Binary keys: an address with a NUL in it. */
	ck_assert_int_eq(ratelimit_take(rl, "\x7f\0\0\x01", 4, 0, NULL),
	    RATELIMIT_PASS);
	ck_assert_int_eq(ratelimit_take(rl, "\x7f\0\0\x02", 4, 0, NULL),
	    RATELIMIT_PASS);
	ck_assert_uint_eq(ratelimit_held(rl), 4);
	ratelimit_free(rl);
}
END_TEST

START_TEST(test_block)
{
	struct ratelimit	*rl = ratelimit_new(16);
	int64_t			 retry = 0;
	int			 i;

	/* 20 in ten minutes, blocked an hour. */
	ratelimit_set(rl, 20, 600000, 20, 3600000);
	for (i = 0; i < 20; i++)
		ck_assert_int_eq(take(rl, "n", i * 1000), RATELIMIT_PASS);
	ck_assert_int_eq(ratelimit_take(rl, "n", 1, 20000, &retry),
	    RATELIMIT_TRIPPED);
	ck_assert_int_eq(retry, 3600000);
	/* Tokens came back meanwhile, but the block holds. */
	ck_assert_int_eq(ratelimit_take(rl, "n", 1, 1820000, &retry),
	    RATELIMIT_OVER);
	ck_assert_int_eq(retry, 1800000);
	ck_assert_int_eq(take(rl, "n", 3619999), RATELIMIT_OVER);
	ck_assert_int_eq(take(rl, "n", 3620000), RATELIMIT_PASS);
	ratelimit_free(rl);
}
END_TEST

START_TEST(test_bounded)
{
	struct ratelimit	*rl = ratelimit_new(64);
	char			 k[32];
	int			 i;

	ratelimit_set(rl, 1, 1000, 1, 0);
	ck_assert_int_eq(take(rl, "old", 0), RATELIMIT_PASS);
	ck_assert_int_eq(take(rl, "old", 0), RATELIMIT_TRIPPED);
	ck_assert_int_eq(take(rl, "kept", 0), RATELIMIT_PASS);
	for (i = 0; i < 10000; i++) {
		snprintf(k, sizeof(k), "flood%d", i);
		ck_assert_int_eq(take(rl, k, 0), RATELIMIT_PASS);
		if (i % 32 == 0)	/* kept recently used */
			ck_assert_int_ne(take(rl, "kept", 0), RATELIMIT_PASS);
	}
	ck_assert_uint_eq(ratelimit_held(rl), 64);
	ck_assert_uint_eq(ratelimit_evicted(rl), 10000 + 2 - 64);
	/* "old" gave way long ago: it starts again with a full bucket. */
	ck_assert_int_eq(take(rl, "old", 0), RATELIMIT_PASS);
	/* "kept" did not: still over. */
	ck_assert_int_eq(take(rl, "kept", 0), RATELIMIT_OVER);
	ratelimit_free(rl);
}
END_TEST

START_TEST(test_off_and_reload)
{
	struct ratelimit	*rl = ratelimit_new(8);
	int			 i;

	ck_assert(!ratelimit_on(rl));
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(take(rl, "x", 0), RATELIMIT_PASS);
	ck_assert_uint_eq(ratelimit_held(rl), 0);
	ratelimit_set(rl, 10, 1000, 10, 0);
	ck_assert(ratelimit_on(rl));
	ck_assert_int_eq(take(rl, "x", 0), RATELIMIT_PASS);
	/* Same rate, a smaller burst: the bucket is cut down to it. */
	ratelimit_set(rl, 10, 1000, 2, 0);
	ck_assert_int_eq(take(rl, "x", 0), RATELIMIT_PASS);
	ck_assert_int_eq(take(rl, "x", 0), RATELIMIT_PASS);
	ck_assert_int_eq(take(rl, "x", 0), RATELIMIT_TRIPPED);
	ratelimit_set(rl, 0, 1000, 2, 0);
	ck_assert_int_eq(take(rl, "x", 0), RATELIMIT_PASS);
	ck_assert_ptr_null(ratelimit_new(1));
	ratelimit_free(rl);
	ratelimit_free(NULL);
}
END_TEST

START_TEST(test_clock_backwards)
{
	struct ratelimit	*rl = ratelimit_new(8);

	ratelimit_set(rl, 1, 1000, 1, 0);
	ck_assert_int_eq(take(rl, "x", 5000), RATELIMIT_PASS);
	/* An earlier instant adds nothing (and breaks nothing). */
	ck_assert_int_eq(take(rl, "x", 1000), RATELIMIT_TRIPPED);
	ck_assert_int_eq(take(rl, "x", 6000), RATELIMIT_PASS);
	ratelimit_free(rl);
}
END_TEST

/* Run the ratelimit suite in Check's default fork mode. */
int
main(void)
{
	Suite	*s = suite_create("ratelimit");
	TCase	*tc = tcase_create("ratelimit");
	SRunner	*sr;
	int	 failed;

	tcase_add_test(tc, test_burst_then_rate);
	tcase_add_test(tc, test_keys_apart);
	tcase_add_test(tc, test_block);
	tcase_add_test(tc, test_bounded);
	tcase_add_test(tc, test_off_and_reload);
	tcase_add_test(tc, test_clock_backwards);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
