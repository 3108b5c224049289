/* SPDX-License-Identifier: ISC */
/*
 * hash: SipHash-2-4 (Aumasson and Bernstein, 2012) and random keys for it.
 * Written from the paper's description; checked against its test vectors
 * in tests/unit/check_hash.c.
 */
#include <sys/random.h>

#include <errno.h>
#include <string.h>

#include "hash.h"

#define ROTL(x, b)	(uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND do {							\
	v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);	\
	v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;				\
	v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;				\
	v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);	\
} while (0)

/* Read 8 bytes little-endian. */
static uint64_t
hash_le64(const uint8_t *p)
{
	uint64_t	 v = 0;
	int		 i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* SipHash-2-4. */
uint64_t
hash_siphash(const uint8_t key[HASH_KEY_LEN], const void *data, size_t len)
{
	const uint8_t	*in = data;
	uint64_t	 k0 = hash_le64(key), k1 = hash_le64(key + 8);
	uint64_t	 v0 = 0x736f6d6570736575ULL ^ k0;
	uint64_t	 v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t	 v2 = 0x6c7967656e657261ULL ^ k0;
	uint64_t	 v3 = 0x7465646279746573ULL ^ k1;
	uint64_t	 m, b = (uint64_t)len << 56;
	size_t		 i, left = len & 7;

	for (i = 0; i + 8 <= len; i += 8) {
		m = hash_le64(in + i);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	for (; left > 0; left--)
		b |= (uint64_t)in[i + left - 1] << (8 * (left - 1));
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

/* Random key from getrandom(2); blocks only before the pool is seeded. */
int
hash_random_key(uint8_t key[HASH_KEY_LEN])
{
	ssize_t	 n;

	do {
		n = getrandom(key, HASH_KEY_LEN, 0);
	} while (n == -1 && errno == EINTR);
	return n == HASH_KEY_LEN ? 0 : -1;
}
