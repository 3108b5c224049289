/* SPDX-License-Identifier: ISC */
/*
 * store_crypt: the key file (read through secret.c's checks, or made on
 * first start), its two sub-keys (crypto_kdf), and sealing and opening
 * one value with XChaCha20-Poly1305 bound to its table, column and row.
 * It knows no database; the SQLite backend decides what is sealed.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "log.h"
#include "secret.h"
#include "store_crypt.h"

#define STORE_CRYPT_CONTEXT	"hotlined"	/* crypto_kdf: 8 bytes */
#define STORE_CRYPT_SUB_AEAD	1
#define STORE_CRYPT_SUB_HASH	2
#define STORE_CRYPT_HEX_LEN	(2 * STORE_CRYPT_KEY_LEN)

_Static_assert(STORE_CRYPT_OVERHEAD ==
    crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +
    crypto_aead_xchacha20poly1305_ietf_ABYTES &&
    STORE_CRYPT_NONCE_LEN == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
    "nonce and tag sizes");
_Static_assert(STORE_CRYPT_KEY_LEN ==
    crypto_aead_xchacha20poly1305_ietf_KEYBYTES &&
    STORE_CRYPT_KEY_LEN == crypto_kdf_KEYBYTES, "key sizes");

/* Derive the sub-keys of a master key into k. */
static int
store_crypt_derive(const uint8_t *master, struct store_keys *k)
{
	if (crypto_kdf_derive_from_key(k->aead, sizeof(k->aead),
	    STORE_CRYPT_SUB_AEAD, STORE_CRYPT_CONTEXT, master) != 0 ||
	    crypto_kdf_derive_from_key(k->hash, sizeof(k->hash),
	    STORE_CRYPT_SUB_HASH, STORE_CRYPT_CONTEXT, master) != 0)
		return -1;
	return 0;
}

/* Make the directory entry of path durable: the key must outlive a crash. */
void
store_crypt_sync(const char *path)
{
	char	*copy;
	int	 fd;

	copy = strdup(path);
	if (copy == NULL)
		return;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd != -1) {
		(void)fsync(fd);
		close(fd);
	}
	free(copy);
}

/* Make a new key file at path, and derive its sub-keys. */
int
store_crypt_create(const char *path, struct store_keys *k, char **cause)
{
	uint8_t		 master[STORE_CRYPT_KEY_LEN];
	char		 hex[STORE_CRYPT_HEX_LEN + 2];
	size_t		 len, off = 0;
	ssize_t		 n;
	int		 fd, rc = -1;

	*cause = NULL;
	randombytes_buf(master, sizeof(master));
	sodium_bin2hex(hex, sizeof(hex), master, sizeof(master));
	len = strlen(hex);
	hex[len++] = '\n';
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		if (asprintf(cause, "%s: %s", path, strerror(errno)) == -1)
			*cause = NULL;
		goto out;
	}
	while (off < len) {
		n = write(fd, hex + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	if (off != len || fsync(fd) == -1) {
		if (asprintf(cause, "%s: %s", path, strerror(errno)) == -1)
			*cause = NULL;
		close(fd);
		unlink(path);
		goto out;
	}
	close(fd);
	store_crypt_sync(path);
	if (store_crypt_derive(master, k) == -1) {
		if (asprintf(cause, "%s: cannot derive keys", path) == -1)
			*cause = NULL;
		goto out;
	}
	k->created = 1;
	rc = 0;
out:
	sodium_memzero(master, sizeof(master));
	sodium_memzero(hex, sizeof(hex));
	return rc;
}

/* Read (or make) the key file and derive its sub-keys. */
int
store_crypt_load(const char *path, int create, struct store_keys *k,
    char **cause)
{
	uint8_t		 master[STORE_CRYPT_KEY_LEN];
	char		*hex = NULL;
	size_t		 bin = 0;
	int		 rc = -1;

	*cause = NULL;
	memset(k, 0, sizeof(*k));
	if (create && access(path, F_OK) == -1 && errno == ENOENT) {
		if (store_crypt_create(path, k, cause) == 0) {
			log_info("store: created the key file %s: keep a copy "
			    "apart from the database's backups", path);
			return 0;
		}
		/* Another daemon made it meanwhile: read that one. */
		if (access(path, F_OK) == -1)
			return -1;
		free(*cause);
		*cause = NULL;
	}
	hex = secret_read(path, cause);
	if (hex == NULL) {
		if (*cause == NULL && asprintf(cause, "%s: out of memory",
		    path) == -1)
			*cause = NULL;
		return -1;
	}
	if (strlen(hex) != STORE_CRYPT_HEX_LEN ||
	    sodium_hex2bin(master, sizeof(master), hex, strlen(hex), NULL,
	    &bin, NULL) != 0 || bin != sizeof(master)) {
		if (asprintf(cause, "%s: not a key (%d hexadecimal digits "
		    "expected)", path, STORE_CRYPT_HEX_LEN) == -1)
			*cause = NULL;
		goto out;
	}
	if (store_crypt_derive(master, k) == -1) {
		if (asprintf(cause, "%s: cannot derive keys", path) == -1)
			*cause = NULL;
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(master, sizeof(master));
	secret_free(hex);
	if (rc == -1)
		store_crypt_wipe(k);
	return rc;
}

/* Wipe the sub-keys. */
void
store_crypt_wipe(struct store_keys *k)
{
	if (k != NULL)
		sodium_memzero(k, sizeof(*k));
}

/* The associated data of a value: its column, a NUL, its row id. */
static size_t
store_crypt_ad(const char *column, int64_t id, uint8_t *ad, size_t size)
{
	size_t	 len = strlen(column) + 1;
	uint64_t u = (uint64_t)id;
	int	 i;

	if (len + 8 > size)
		return 0;
	memcpy(ad, column, len);
	for (i = 0; i < 8; i++)
		ad[len + (size_t)i] = (uint8_t)(u >> (8 * i));
	return len + 8;
}

/*
 * A fresh random nonce into out: the next one of the pool (drawing a new
 * pool when it is spent; each is handed out once), or a draw of its own
 * without a pool. Nonces are no secret: the sealed value carries its own.
 */
static void
store_crypt_nonce(struct store_nonces *n, uint8_t out[STORE_CRYPT_NONCE_LEN])
{
	if (n == NULL) {
		randombytes_buf(out, STORE_CRYPT_NONCE_LEN);
		return;
	}
	if (n->left == 0) {
		randombytes_buf(n->pool, sizeof(n->pool));
		n->left = STORE_CRYPT_NONCES;
	}
	n->left--;
	memcpy(out, n->pool + n->left * STORE_CRYPT_NONCE_LEN,
	    STORE_CRYPT_NONCE_LEN);
}

/* Seal a value of a column of row id: nonce || ciphertext || tag. */
int
store_crypt_seal(const uint8_t key[STORE_CRYPT_KEY_LEN],
    struct store_nonces *nonces, const char *column, int64_t id,
    const void *plain, size_t len, uint8_t *out)
{
	uint8_t			 ad[64];
	size_t			 adlen;
	unsigned long long	 clen;

	adlen = store_crypt_ad(column, id, ad, sizeof(ad));
	if (adlen == 0)
		return -1;
	store_crypt_nonce(nonces, out);
	return crypto_aead_xchacha20poly1305_ietf_encrypt(out +
	    crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen, plain, len,
	    ad, adlen, NULL, out, key) == 0 ? 0 : -1;
}

/* Open a value sealed for the same column and row, NUL-terminated. */
int
store_crypt_open(const uint8_t key[STORE_CRYPT_KEY_LEN], const char *column,
    int64_t id, const uint8_t *in, size_t inlen, char *out)
{
	uint8_t			 ad[64];
	size_t			 adlen;
	unsigned long long	 plen;

	if (inlen < STORE_CRYPT_OVERHEAD)
		return -1;
	adlen = store_crypt_ad(column, id, ad, sizeof(ad));
	if (adlen == 0)
		return -1;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)out,
	    &plen, NULL, in + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
	    inlen - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, ad, adlen,
	    in, key) != 0)
		return -1;
	out[plen] = '\0';
	return 0;
}

/* The check value of a key, as the database keeps it. */
void
store_crypt_check(const struct store_keys *k,
    uint8_t out[STORE_CRYPT_KEY_LEN])
{
	static const char	 what[] = "hotlined key check";

	crypto_generichash(out, STORE_CRYPT_KEY_LEN,
	    (const unsigned char *)what, sizeof(what) - 1, k->hash,
	    sizeof(k->hash));
}
