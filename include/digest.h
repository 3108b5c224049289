/* SPDX-License-Identifier: ISC */
/*
 * digest: the message digests and HMACs that gateways sign webhooks with.
 * libsodium has SHA-256 and SHA-512 but no SHA-1 or MD5, which Twilio
 * (HMAC-SHA1, aggregators.md §3.4) and Vonage (HMAC-MD5, HMAC-SHA1 and a
 * plain MD5, §4.2) still use, so this leaf carries its own SHA-1 (FIPS
 * 180-4) and MD5 (RFC 1321), and one HMAC (RFC 2104) over all four. These
 * only check what a gateway sent; nothing of ours is protected by MD5 or
 * SHA-1.
 */
#ifndef HOTLINED_DIGEST_H
#define HOTLINED_DIGEST_H

#include <stddef.h>
#include <stdint.h>

enum digest_alg {
	DIGEST_MD5,		/* 16 bytes */
	DIGEST_SHA1,		/* 20 bytes */
	DIGEST_SHA256,		/* 32 bytes (libsodium) */
	DIGEST_SHA512		/* 64 bytes (libsodium) */
};

/* The longest digest, for output buffers. */
#define DIGEST_MAX_LEN	64

/* The length in bytes of alg's digest. */
size_t	digest_len(enum digest_alg alg);

/* The digest of data[0..len) into out (digest_len(alg) bytes). */
void	digest_hash(enum digest_alg alg, const void *data, size_t len,
	    uint8_t *out);

/*
 * The HMAC (RFC 2104) of msg[0..len) under key[0..keylen) (any length)
 * into out (digest_len(alg) bytes).
 */
void	digest_hmac(enum digest_alg alg, const void *key, size_t keylen,
	    const void *msg, size_t len, uint8_t *out);

#endif
