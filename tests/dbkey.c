/* SPDX-License-Identifier: ISC */
/*
 * dbkey: dec(value, column, id) for tests that read the store's file,
 * built on the store's own store_crypt (the key is read as the daemon
 * reads it).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "dbkey.h"
#include "store_crypt.h"

/* dec(value, column, id): the opened text, or NULL. */
static void
dbkey_dec(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct store_keys	*k = sqlite3_user_data(ctx);
	const unsigned char	*column;
	char			*out;
	int			 len;

	(void)argc;
	if (sqlite3_value_type(argv[0]) != SQLITE_BLOB) {
		sqlite3_result_null(ctx);
		return;
	}
	len = sqlite3_value_bytes(argv[0]);
	column = sqlite3_value_text(argv[1]);
	out = malloc((size_t)len + 1);
	if (out == NULL || column == NULL ||
	    store_crypt_open(k->aead, (const char *)column,
	    sqlite3_value_int64(argv[2]), sqlite3_value_blob(argv[0]),
	    (size_t)len, out) == -1)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
	free(out);
}

/* Register dec() with the keys of key_file, freed with the connection. */
int
dbkey_attach(sqlite3 *db, const char *key_file)
{
	struct store_keys	*k;
	char			*cause = NULL;

	k = calloc(1, sizeof(*k));
	if (k == NULL)
		return -1;
	if (store_crypt_load(key_file, 0, k, &cause) == -1) {
		fprintf(stderr, "dbkey: %s\n", cause != NULL ? cause : "?");
		free(cause);
		free(k);
		return -1;
	}
	return sqlite3_create_function_v2(db, "dec", 3, SQLITE_UTF8, k,
	    dbkey_dec, NULL, NULL, free) == SQLITE_OK ? 0 : -1;
}
