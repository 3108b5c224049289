/* SPDX-License-Identifier: ISC */
/*
 * store_admin: the key files of a database and the end of a cut-short
 * rotation, shared by the daemon's store (store.c) and the offline
 * operations (store_admin.c: store_backup, store_rotate in store.h).
 */
#ifndef HOTLINED_STORE_ADMIN_H
#define HOTLINED_STORE_ADMIN_H

#include "store.h"
#include "store_backend.h"
#include "store_crypt.h"

/* The path of the key file of path under opts (a new string), or NULL. */
char		*store_key_path(const char *path,
		    const struct store_opts *opts);

/* The path of the new key of a rotation beside key_file, or NULL. */
char		*store_next_path(const char *key_file);

/* Put the new key file in the old one's place, durably: 0, or -1. */
int		 store_rename_key(const char *next_file, const char *key_file,
		    char **cause);

/*
 * The database is under another key than the key file's: when a rotation
 * left its new key beside it, the rename of that key was cut short. Open
 * under it through ops and finish the rename. The engine, or NULL
 * (*cause kept).
 */
struct store_engine *store_open_next(const struct store_backend *ops,
		    const char *path, const struct store_opts *opts,
		    const char *key_file, struct store_keys *keys,
		    char **cause);

/* A new key left by a rotation that never began: say what it is. */
void		 store_warn_next(const char *key_file);

#endif
