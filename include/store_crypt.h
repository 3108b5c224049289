/* SPDX-License-Identifier: ISC */
/*
 * store_crypt: the store's key and what it does with it. The key lives
 * in its own file (never in the database or the configuration), made on
 * first start; two sub-keys are derived from it, one to encrypt each
 * personal value (XChaCha20-Poly1305, a random nonce per value, the
 * table, column and row id bound as associated data) and one for the
 * keyed hashes numbers are looked up by. A leaf: it knows no database.
 * Nothing outside the store (and its tests) includes it.
 */
#ifndef HOTLINED_STORE_CRYPT_H
#define HOTLINED_STORE_CRYPT_H

#include <stddef.h>
#include <stdint.h>

#define STORE_CRYPT_KEY_LEN	32
/* What sealing adds to a value: the nonce before it, the tag after. */
#define STORE_CRYPT_OVERHEAD	(24 + 16)

/* The sub-keys of one key file. */
struct store_keys {
	uint8_t		 aead[STORE_CRYPT_KEY_LEN];	/* values */
	uint8_t		 hash[STORE_CRYPT_KEY_LEN];	/* keyed hashes */
	const char	*file;		/* its path, for messages */
	int		 created;	/* the file was made by this load */
	int		 bound;		/* the database now needs this key
					   (set by the backend's open) */
	int		 mismatch;	/* the database is under another
					   key (set by the backend's open) */
};

/*
 * Read the key file at path into k, or, when there is none and create is
 * set, make one (32 random bytes as hex, mode 0600, never replacing a
 * file) and log that it did. A file that group or others may read or
 * write is refused. Returns 0, or -1 with *cause a new string naming path.
 */
int	 store_crypt_load(const char *path, int create, struct store_keys *k,
	    char **cause);

/*
 * Make a key file at path (it must not exist) and derive its sub-keys
 * into k. Returns 0, or -1 with *cause set.
 */
int	 store_crypt_create(const char *path, struct store_keys *k,
	    char **cause);

/*
 * Make the directory entry of path durable (fsync of its directory), as
 * after a key file was made or renamed; failures are ignored.
 */
void	 store_crypt_sync(const char *path);

/* Wipe the sub-keys. NULL is fine. */
void	 store_crypt_wipe(struct store_keys *k);

/*
 * Random nonces drawn in bulk, for one thread that seals many values: one
 * system call for STORE_CRYPT_NONCES seals rather than one each. A zeroed
 * one is ready (empty: it draws at its first use).
 */
#define STORE_CRYPT_NONCE_LEN	24
#define STORE_CRYPT_NONCES	32
struct store_nonces {
	uint8_t		 pool[STORE_CRYPT_NONCES * STORE_CRYPT_NONCE_LEN];
	size_t		 left;		/* nonces not handed out yet */
};

/*
 * Seal len bytes of plain as the value of column (e.g. "callback.phone")
 * of row id: nonce || ciphertext || tag, len + STORE_CRYPT_OVERHEAD bytes
 * into out, the nonce from nonces (NULL: a draw of its own). Returns 0 or
 * -1.
 */
int	 store_crypt_seal(const uint8_t key[STORE_CRYPT_KEY_LEN],
	    struct store_nonces *nonces, const char *column, int64_t id,
	    const void *plain, size_t len, uint8_t *out);

/*
 * Open a value sealed by store_crypt_seal for the same column and row:
 * inlen - STORE_CRYPT_OVERHEAD bytes and a NUL into out. Returns 0, or -1
 * when it is too short, was sealed under another key, for another row or
 * column, or was altered.
 */
int	 store_crypt_open(const uint8_t key[STORE_CRYPT_KEY_LEN],
	    const char *column, int64_t id, const uint8_t *in, size_t inlen,
	    char *out);

/*
 * The check value a database keeps of the key it was encrypted under (a
 * keyed hash, which says nothing of the key), into out.
 */
void	 store_crypt_check(const struct store_keys *k,
	    uint8_t out[STORE_CRYPT_KEY_LEN]);

#endif
