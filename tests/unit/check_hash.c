/* SPDX-License-Identifier: ISC */
/*
 * check_hash: SipHash-2-4 against the reference vectors of the SipHash
 * paper (key 00..0f, message 00..(n-1)), and random key generation.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "hash.h"

/* Key 00 01 .. 0f and message 00 01 .. (len-1), as in the paper. */
static uint64_t
vector(size_t len)
{
	uint8_t	 key[HASH_KEY_LEN], msg[64] = { 0 };
	size_t	 i;

	for (i = 0; i < HASH_KEY_LEN; i++)
		key[i] = (uint8_t)i;
	for (i = 0; i < len; i++)
		msg[i] = (uint8_t)i;
	return hash_siphash(key, msg, len);
}

/* The paper's worked example and the first vectors of the reference. */
START_TEST(test_vectors)
{
	ck_assert_uint_eq(vector(0), 0x726fdb47dd0e0e31ULL);
	ck_assert_uint_eq(vector(1), 0x74f839c593dc67fdULL);
	ck_assert_uint_eq(vector(15), 0xa129ca6149be45e5ULL);
}
END_TEST

/* Different keys give different hashes for the same input. */
START_TEST(test_keyed)
{
	uint8_t	 a[HASH_KEY_LEN], b[HASH_KEY_LEN];

	ck_assert_int_eq(hash_random_key(a), 0);
	ck_assert_int_eq(hash_random_key(b), 0);
	ck_assert_mem_ne(a, b, sizeof(a));
	ck_assert_uint_ne(hash_siphash(a, "s1", 2), hash_siphash(b, "s1", 2));
	ck_assert_uint_eq(hash_siphash(a, "s1", 2), hash_siphash(a, "s1", 2));
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("hash");
	TCase	*tc = tcase_create("siphash");
	SRunner	*sr;
	int	 failed;

	tcase_add_test(tc, test_vectors);
	tcase_add_test(tc, test_keyed);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
