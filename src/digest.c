/* SPDX-License-Identifier: ISC */
/*
 * digest: SHA-1 (FIPS 180-4) and MD5 (RFC 1321) written here, SHA-256 and
 * SHA-512 from libsodium, and HMAC (RFC 2104) over any of them through
 * one streaming interface. It owns no state beyond a call; what is signed
 * and how the result is encoded are the adapters' business.
 */
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "digest.h"

/* MD5 and SHA-1 share a block size, a length count and their padding. */
struct digest_md {
	uint32_t	 h[5];
	uint64_t	 bytes;		/* message length so far */
	uint8_t		 buf[64];
	size_t		 used;
};

/* A digest in progress. */
struct digest_ctx {
	enum digest_alg			 alg;
	union {
		struct digest_md		 md;
		crypto_hash_sha256_state	 s256;
		crypto_hash_sha512_state	 s512;
	} u;
};

/* MD5's sines (RFC 1321 §3.4): floor(abs(sin(i + 1)) * 2^32). */
static const uint32_t md5_t[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee,
	0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
	0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
	0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
	0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa,
	0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
	0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
	0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
	0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
	0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
	0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05,
	0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
	0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039,
	0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
	0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
	0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391
};

/* MD5's rotations, four per round. */
static const uint8_t md5_s[16] = {
	7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21
};

/* Rotate x left by n (0 < n < 32). */
static uint32_t
digest_rol(uint32_t x, unsigned n)
{
	return (x << n) | (x >> (32 - n));
}

/* The 32-bit big-endian word at p. */
static uint32_t
digest_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* The 32-bit little-endian word at p. */
static uint32_t
digest_le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | (uint32_t)p[0];
}

/* Run MD5's four rounds over one 64-byte block. */
static void
digest_md5_block(uint32_t h[5], const uint8_t *blk)
{
	uint32_t	 x[16], a, b, c, d, f, t;
	unsigned	 i, g;

	for (i = 0; i < 16; i++)
		x[i] = digest_le32(blk + 4 * i);
	a = h[0];
	b = h[1];
	c = h[2];
	d = h[3];
	for (i = 0; i < 64; i++) {
		switch (i / 16) {
		case 0:
			f = (b & c) | (~b & d);
			g = i;
			break;
		case 1:
			f = (b & d) | (c & ~d);
			g = (5 * i + 1) % 16;
			break;
		case 2:
			f = b ^ c ^ d;
			g = (3 * i + 5) % 16;
			break;
		default:
			f = c ^ (b | ~d);
			g = (7 * i) % 16;
			break;
		}
		t = d;
		d = c;
		c = b;
		b = b + digest_rol(a + f + md5_t[i] + x[g],
		    md5_s[(i / 16) * 4 + i % 4]);
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	explicit_bzero(x, sizeof(x));
}

/* Run SHA-1's eighty steps over one 64-byte block. */
static void
digest_sha1_block(uint32_t h[5], const uint8_t *blk)
{
	uint32_t	 w[80], a, b, c, d, e, f, k, t;
	unsigned	 i;

	for (i = 0; i < 16; i++)
		w[i] = digest_be32(blk + 4 * i);
	for (; i < 80; i++)
		w[i] = digest_rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16],
		    1);
	a = h[0];
	b = h[1];
	c = h[2];
	d = h[3];
	e = h[4];
	for (i = 0; i < 80; i++) {
		if (i < 20) {
			f = (b & c) ^ (~b & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & c) ^ (b & d) ^ (c & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6;
		}
		t = digest_rol(a, 5) + f + e + k + w[i];
		e = d;
		d = c;
		c = digest_rol(b, 30);
		b = a;
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
	explicit_bzero(w, sizeof(w));
}

/* Compress one block with ctx's algorithm (MD5 or SHA-1). */
static void
digest_md_block(struct digest_ctx *ctx, const uint8_t *blk)
{
	if (ctx->alg == DIGEST_MD5)
		digest_md5_block(ctx->u.md.h, blk);
	else
		digest_sha1_block(ctx->u.md.h, blk);
}

/* Start a digest. */
static void
digest_init(struct digest_ctx *ctx, enum digest_alg alg)
{
	static const uint32_t	 iv[5] = {
		0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0
	};

	memset(ctx, 0, sizeof(*ctx));
	ctx->alg = alg;
	switch (alg) {
	case DIGEST_MD5:
	case DIGEST_SHA1:
		/* MD5 takes the first four of SHA-1's initial words. */
		memcpy(ctx->u.md.h, iv, sizeof(iv));
		break;
	case DIGEST_SHA256:
		crypto_hash_sha256_init(&ctx->u.s256);
		break;
	case DIGEST_SHA512:
		crypto_hash_sha512_init(&ctx->u.s512);
		break;
	}
}

/* Feed data[0..len) to a digest. */
static void
digest_update(struct digest_ctx *ctx, const void *data, size_t len)
{
	struct digest_md	*md = &ctx->u.md;
	const uint8_t		*p = data;
	size_t			 n;

	switch (ctx->alg) {
	case DIGEST_SHA256:
		crypto_hash_sha256_update(&ctx->u.s256, p, len);
		return;
	case DIGEST_SHA512:
		crypto_hash_sha512_update(&ctx->u.s512, p, len);
		return;
	case DIGEST_MD5:
	case DIGEST_SHA1:
		break;
	}
	md->bytes += len;
	while (len > 0) {
		if (md->used == 0 && len >= sizeof(md->buf)) {
			digest_md_block(ctx, p);
			p += sizeof(md->buf);
			len -= sizeof(md->buf);
			continue;
		}
		n = sizeof(md->buf) - md->used;
		if (n > len)
			n = len;
		memcpy(md->buf + md->used, p, n);
		md->used += n;
		p += n;
		len -= n;
		if (md->used == sizeof(md->buf)) {
			digest_md_block(ctx, md->buf);
			md->used = 0;
		}
	}
}

/*
 * Finish a digest into out and wipe ctx. MD5 and SHA-1 pad the same way
 * (0x80, zeros, the bit length in the last 8 bytes) but MD5 writes words
 * little-endian and SHA-1 big-endian.
 */
static void
digest_final(struct digest_ctx *ctx, uint8_t *out)
{
	struct digest_md	*md = &ctx->u.md;
	uint64_t		 bits;
	size_t			 i, words;
	int			 le = ctx->alg == DIGEST_MD5;

	switch (ctx->alg) {
	case DIGEST_SHA256:
		crypto_hash_sha256_final(&ctx->u.s256, out);
		goto done;
	case DIGEST_SHA512:
		crypto_hash_sha512_final(&ctx->u.s512, out);
		goto done;
	case DIGEST_MD5:
	case DIGEST_SHA1:
		break;
	}
	bits = md->bytes * 8;
	md->buf[md->used++] = 0x80;
	if (md->used > 56) {
		memset(md->buf + md->used, 0, sizeof(md->buf) - md->used);
		digest_md_block(ctx, md->buf);
		md->used = 0;
	}
	memset(md->buf + md->used, 0, 56 - md->used);
	for (i = 0; i < 8; i++)
		md->buf[le ? 56 + i : 63 - i] = (uint8_t)(bits >> (8 * i));
	digest_md_block(ctx, md->buf);
	words = le ? 4 : 5;
	for (i = 0; i < 4 * words; i++) {
		if (le)
			out[i] = (uint8_t)(md->h[i / 4] >> (8 * (i % 4)));
		else
			out[i] = (uint8_t)(md->h[i / 4] >> (24 - 8 * (i % 4)));
	}
done:
	explicit_bzero(ctx, sizeof(*ctx));
}

/* The length of alg's digest. */
size_t
digest_len(enum digest_alg alg)
{
	switch (alg) {
	case DIGEST_MD5:
		return 16;
	case DIGEST_SHA1:
		return 20;
	case DIGEST_SHA256:
		return crypto_hash_sha256_BYTES;
	case DIGEST_SHA512:
		return crypto_hash_sha512_BYTES;
	}
	return 0;
}

/* The input block size of alg, which HMAC pads the key to. */
static size_t
digest_block_len(enum digest_alg alg)
{
	return alg == DIGEST_SHA512 ? 128 : 64;
}

/* The digest of data. */
void
digest_hash(enum digest_alg alg, const void *data, size_t len, uint8_t *out)
{
	struct digest_ctx	 ctx;

	digest_init(&ctx, alg);
	digest_update(&ctx, data, len);
	digest_final(&ctx, out);
}

/* HMAC: H((K ^ opad) || H((K ^ ipad) || msg)), K hashed when too long. */
void
digest_hmac(enum digest_alg alg, const void *key, size_t keylen,
    const void *msg, size_t len, uint8_t *out)
{
	struct digest_ctx	 ctx;
	uint8_t			 k[128], pad[128], inner[DIGEST_MAX_LEN];
	size_t			 i, b = digest_block_len(alg);

	memset(k, 0, sizeof(k));
	if (keylen > b)
		digest_hash(alg, key, keylen, k);
	else if (keylen > 0)
		memcpy(k, key, keylen);
	for (i = 0; i < b; i++)
		pad[i] = k[i] ^ 0x36;
	digest_init(&ctx, alg);
	digest_update(&ctx, pad, b);
	digest_update(&ctx, msg, len);
	digest_final(&ctx, inner);
	for (i = 0; i < b; i++)
		pad[i] = k[i] ^ 0x5c;
	digest_init(&ctx, alg);
	digest_update(&ctx, pad, b);
	digest_update(&ctx, inner, digest_len(alg));
	digest_final(&ctx, out);
	explicit_bzero(k, sizeof(k));
	explicit_bzero(pad, sizeof(pad));
	explicit_bzero(inner, sizeof(inner));
}
