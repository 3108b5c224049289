/* SPDX-License-Identifier: ISC */
/*
 * hash: SipHash-2-4, a keyed hash. It keys the session table (session ids
 * come from outside, so an unkeyed hash could be flooded) and gives short
 * references that cannot be reversed without the key.
 */
#ifndef HOTLINED_HASH_H
#define HOTLINED_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_KEY_LEN	16

/* SipHash-2-4 of data under a 16-byte key. */
uint64_t	hash_siphash(const uint8_t key[HASH_KEY_LEN], const void *data,
		    size_t len);

/* Fill key with random bytes from the kernel. Returns 0 or -1. */
int		hash_random_key(uint8_t key[HASH_KEY_LEN]);

#endif
