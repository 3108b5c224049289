/* SPDX-License-Identifier: ISC */
/*
 * store_admin: what is done to a database with no daemon's writer thread
 * on it: where its key files are, the online backup (hotlined -B) and the
 * key rotation (hotlined -R) through the backend's operations, and, at
 * the daemon's open, the end of a rotation whose key rename was cut
 * short. store.c, the daemon's store, uses the key helpers.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "log.h"
#include "store.h"
#include "store_admin.h"
#include "store_backend.h"
#include "store_crypt.h"
#include "store_job.h"

/* The path of the key file of path under opts (a new string), or NULL. */
char *
store_key_path(const char *path, const struct store_opts *opts)
{
	char	*p;

	if (opts != NULL && opts->key_file != NULL)
		return strdup(opts->key_file);
	if (asprintf(&p, "%s.key", path) == -1)
		return NULL;
	return p;
}

/* The path of the new key of a rotation beside key_file, or NULL. */
char *
store_next_path(const char *key_file)
{
	char	*p;

	if (asprintf(&p, "%s.new", key_file) == -1)
		return NULL;
	return p;
}

/* Put the new key file in the old one's place, durably. */
int
store_rename_key(const char *next_file, const char *key_file, char **cause)
{
	if (rename(next_file, key_file) == -1) {
		store_job_cause(cause, "rename %s to %s: %s", next_file,
		    key_file, strerror(errno));
		return -1;
	}
	store_crypt_sync(key_file);
	log_info("store: %s is the key now; the old key is gone", key_file);
	return 0;
}

/*
 * The database is under another key than the key file's: when a rotation
 * left its new key beside it, the rename of that key was cut short. Open
 * under it and finish the rename. The engine, or NULL (*cause kept).
 */
struct store_engine *
store_open_next(const struct store_backend *ops, const char *path,
    const struct store_opts *opts, const char *key_file,
    struct store_keys *keys, char **cause)
{
	struct store_engine	*e = NULL;
	char			*next_file, *why = NULL;

	next_file = store_next_path(key_file);
	if (next_file == NULL || access(next_file, F_OK) == -1)
		goto out;
	store_crypt_wipe(keys);
	if (store_crypt_load(next_file, 0, keys, &why) == -1)
		goto out;
	keys->file = next_file;
	e = ops->open(path, opts, keys, &why);
	if (e == NULL)
		goto out;
	if (store_rename_key(next_file, key_file, &why) == -1) {
		ops->close(e);
		e = NULL;
		goto out;
	}
	free(*cause);
	*cause = NULL;
out:
	/* The first cause says more, unless this one is about .new. */
	if (why != NULL && e == NULL) {
		free(*cause);
		*cause = why;
		why = NULL;
	}
	free(why);
	keys->file = NULL;
	free(next_file);
	return e;
}

/* A new key left by a rotation that never began: say what it is. */
void
store_warn_next(const char *key_file)
{
	char	*next_file;

	next_file = store_next_path(key_file);
	if (next_file != NULL && access(next_file, F_OK) == 0)
		log_warnx("store: %s is left from a key rotation that did not "
		    "begin: hotlined -R goes on with it, or remove it",
		    next_file);
	free(next_file);
}

/* Back the database up through its backend, which may not know how. */
int
store_backup(const char *path, const struct store_opts *opts,
    const char *dest, int64_t *pages, char **cause)
{
	const struct store_backend *ops = store_backend_for(path);
	char		*key_file;
	int		 rc;

	*cause = NULL;
	*pages = 0;
	if (ops->backup == NULL) {
		store_job_cause(cause, "the %s store cannot make backups; "
		    "use its own tools", ops->name);
		return -1;
	}
	key_file = store_key_path(path, opts);
	if (key_file == NULL) {
		store_job_cause(cause, "out of memory");
		return -1;
	}
	rc = ops->backup(path, key_file, dest, pages, cause);
	free(key_file);
	return rc;
}

/* Read the daily aggregates (store.h says how). */
int
store_stats_read(const char *path, const struct store_opts *opts,
    const char *from, const char *to, store_stats_row_cb cb, void *arg,
    char **cause)
{
	const struct store_backend *ops = store_backend_for(path);
	char		*key_file;
	int		 rc;

	*cause = NULL;
	if (ops->stats_read == NULL) {
		store_job_cause(cause, "the %s store keeps no aggregates",
		    ops->name);
		return -1;
	}
	key_file = store_key_path(path, opts);
	if (key_file == NULL) {
		store_job_cause(cause, "out of memory");
		return -1;
	}
	rc = ops->stats_read(path, opts, key_file, from, to, cb, arg, cause);
	free(key_file);
	return rc;
}

/* Re-encrypt the database under a new key (store.h says how). */
int
store_rotate(const char *path, const struct store_opts *opts,
    const struct store_rotate_opts *ro, int *finished, char **cause)
{
	const struct store_backend *ops = store_backend_for(path);
	struct store_keys	 keys, next;
	char			*key_file = NULL, *next_file = NULL;
	int			 done = 0, rc = -1;

	*cause = NULL;
	memset(&keys, 0, sizeof(keys));
	memset(&next, 0, sizeof(next));
	if (finished != NULL)
		*finished = 0;
	if (sodium_init() == -1) {
		store_job_cause(cause, "libsodium cannot initialise");
		goto out;
	}
	if (ops->rotate == NULL) {
		store_job_cause(cause, "the %s store cannot rotate keys",
		    ops->name);
		goto out;
	}
	key_file = store_key_path(path, opts);
	next_file = key_file != NULL ? store_next_path(key_file) : NULL;
	if (next_file == NULL) {
		store_job_cause(cause, "out of memory");
		goto out;
	}
	if (store_crypt_load(key_file, 0, &keys, cause) == -1)
		goto out;
	keys.file = key_file;
	/* O_EXCL: a rotation cut short goes on with the key it began. */
	if (access(next_file, F_OK) == 0) {
		if (store_crypt_load(next_file, 0, &next, cause) == -1)
			goto out;
		log_info("store: going on with the new key %s", next_file);
	} else if (store_crypt_create(next_file, &next, cause) == -1)
		goto out;
	next.file = next_file;
	if (ops->rotate(path, opts, &keys, &next, ro, &done, cause) == -1) {
		/* Nothing was sealed under it: no new key to leave behind. */
		if (next.created && !next.bound)
			unlink(next_file);
		goto out;
	}
	if (done && store_rename_key(next_file, key_file, cause) == -1)
		goto out;
	if (finished != NULL)
		*finished = done;
	rc = 0;
out:
	store_crypt_wipe(&keys);
	store_crypt_wipe(&next);
	free(next_file);
	free(key_file);
	return rc;
}
