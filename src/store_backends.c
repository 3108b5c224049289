/* SPDX-License-Identifier: ISC */
/*
 * store_backends: the list of the store's backends, and which one a
 * database name is for: the first whose scheme it starts with, else the
 * file-backed default (SQLite). Adding a backend is one line here.
 */
#include <stddef.h>
#include <string.h>

#include "store_backend.h"

static const struct store_backend *const store_backends[] = {
	&store_backend_pg,
};

/* The backend of path, by its scheme; SQLite for a file. */
const struct store_backend *
store_backend_for(const char *path)
{
	const struct store_backend	*b;
	size_t				 i, k;

	for (i = 0; i < sizeof(store_backends) / sizeof(store_backends[0]);
	    i++) {
		b = store_backends[i];
		for (k = 0; b->schemes != NULL && b->schemes[k] != NULL; k++)
			if (strncmp(path, b->schemes[k],
			    strlen(b->schemes[k])) == 0)
				return b;
	}
	return &store_backend_sqlite;
}

/* Whether path names a database file of this machine. */
int
store_is_file(const char *path)
{
	return store_backend_for(path)->schemes == NULL;
}
