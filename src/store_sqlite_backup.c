/* SPDX-License-Identifier: ISC */
/*
 * store_sqlite_backup: online backups of the SQLite backend (hotlined -B).
 * The database is copied page by page with SQLite's backup API while a
 * daemon may be writing to it (WAL: readers never block the writer), so
 * the copy holds what the file holds: ciphertext and keyed hashes only.
 * The copy is made under a private temporary name beside the backup,
 * checked (integrity, and that the key file is the database's), made
 * durable and only then linked into place; it never replaces a file and
 * a failure leaves nothing behind. It does not restore: that is a copy
 * of the file back, with the daemon stopped (docs/privacy.md).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "store_crypt.h"
#include "store_job.h"
#include "store_sqlite.h"

/*
 * Pages copied per step: the source's read transaction ends between
 * steps, so that checkpoints of the daemon are held back only briefly.
 */
#define BACKUP_STEP		256
/* A copy restarted this often (the daemon kept writing) ends in one. */
#define BACKUP_RESTARTS		4
/* A busy or locked database is tried again this often, so far apart. */
#define BACKUP_BUSY_TRIES	200
#define BACKUP_BUSY_MS		50
#define BACKUP_TIMEOUT_MS	5000

/* What a backup holds while it is being made. */
struct backup {
	const char	*path;		/* the database */
	const char	*dest;		/* the backup's name */
	char		*tmp;		/* its name until it is checked */
	int		 fd;		/* tmp, open: fsync */
	sqlite3		*src;
	sqlite3		*dst;
	int64_t		 pages;
};

/* Open file read-write without creating it, as the backup uses it. */
static int
backup_open(const char *file, sqlite3 **db, char **cause)
{
	int	 rc;

	rc = sqlite3_open_v2(file, db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		store_job_cause(cause, "%s: %s", file, *db != NULL ?
		    sqlite3_errmsg(*db) : sqlite3_errstr(rc));
		return -1;
	}
	sqlite3_extended_result_codes(*db, 1);
	sqlite3_busy_timeout(*db, BACKUP_TIMEOUT_MS);
	/* integrity_check sorts: not into a file of /tmp */
	if (sqlite3_exec(*db, "PRAGMA temp_store = MEMORY", NULL, NULL,
	    NULL) != SQLITE_OK) {
		store_job_cause(cause, "%s: %s", file, sqlite3_errmsg(*db));
		return -1;
	}
	return 0;
}

/* The one text value of a PRAGMA into buf ("" for none): 0, or -1. */
static int
backup_pragma(sqlite3 *db, const char *sql, char *buf, size_t len)
{
	sqlite3_stmt	*s = NULL;
	const char	*v;
	int		 rc;

	buf[0] = '\0';
	rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW) {
			v = (const char *)sqlite3_column_text(s, 0);
			snprintf(buf, len, "%s", v != NULL ? v : "");
			/* integrity_check: the first problem of several */
			rc = sqlite3_step(s);
		}
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

/*
 * That file (the database or its copy, open as db) is a hotlined
 * database this hotlined knows, encrypted under keys.
 */
static int
backup_check(sqlite3 *db, const char *file, struct store_keys *keys,
    char **cause)
{
	struct store_engine	*e;
	char			 v[32];
	long			 version;
	int			 rc;

	if (backup_pragma(db, "PRAGMA user_version", v, sizeof(v)) == -1) {
		store_job_cause(cause, "%s: %s", file, sqlite3_errmsg(db));
		return -1;
	}
	version = strtol(v, NULL, 10);
	if (version == 0) {
		store_job_cause(cause, "%s is not a hotlined database", file);
		return -1;
	}
	if (version != STORE_SCHEMA) {
		store_job_cause(cause, "%s is at schema version %ld, this "
		    "hotlined backs up %d only (start it on the file once)",
		    file, version, STORE_SCHEMA);
		return -1;
	}
	/* The check of the daemon's open, on a connection of our own. */
	e = calloc(1, sizeof(*e));
	if (e == NULL) {
		store_job_cause(cause, "out of memory");
		return -1;
	}
	e->conn = db;
	rc = store_sqlite_crypt_check(e, keys, file, cause);
	free(e);
	return rc;
}

/*
 * Create the temporary file, private to us, beside the backup (a link
 * cannot cross file systems): dest, a random suffix, ".tmp".
 */
static int
backup_temp(struct backup *b, char **cause)
{
	uint32_t	 r;
	int		 i;

	for (i = 0; i < 16; i++) {
		free(b->tmp);
		r = randombytes_random();
		if (asprintf(&b->tmp, "%s.%08x.tmp", b->dest,
		    (unsigned)r) == -1) {
			b->tmp = NULL;
			break;
		}
		b->fd = open(b->tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		if (b->fd != -1)
			return 0;
		if (errno != EEXIST) {
			store_job_cause(cause, "%s: %s", b->tmp,
			    strerror(errno));
			free(b->tmp);
			b->tmp = NULL;
			return -1;
		}
	}
	free(b->tmp);
	b->tmp = NULL;
	store_job_cause(cause, "%s: cannot make a temporary file", b->dest);
	return -1;
}

/*
 * Copy every page of the database into the temporary file, a step at a
 * time. A step that finds the source busy or locked is tried again; one
 * that finds it changed by the daemon starts over (SQLite does), and
 * after a few of those the rest is copied in one step, which in WAL mode
 * holds a read snapshot but never keeps the daemon from writing.
 */
static int
backup_copy(struct backup *b, char **cause)
{
	sqlite3_backup	*bk;
	int		 rc, step = BACKUP_STEP, busy = 0, restarts = 0;
	int		 left, last = -1;

	bk = sqlite3_backup_init(b->dst, "main", b->src, "main");
	if (bk == NULL) {
		store_job_cause(cause, "%s: %s", b->tmp,
		    sqlite3_errmsg(b->dst));
		return -1;
	}
	for (;;) {
		rc = sqlite3_backup_step(bk, step);
		if (rc == SQLITE_DONE)
			break;
		if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) ==
		    SQLITE_LOCKED) {
			if (++busy > BACKUP_BUSY_TRIES)
				break;
			sqlite3_sleep(BACKUP_BUSY_MS);
			continue;
		}
		if (rc != SQLITE_OK)
			break;
		left = sqlite3_backup_remaining(bk);
		if (last >= 0 && left >= last && ++restarts >= BACKUP_RESTARTS)
			step = -1;
		last = left;
	}
	b->pages = sqlite3_backup_pagecount(bk);
	if (rc != SQLITE_DONE) {
		store_job_cause(cause, "%s: copying: %s", b->path,
		    (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED ?
		    "the database stayed busy" : sqlite3_errstr(rc));
		sqlite3_backup_finish(bk);
		return -1;
	}
	rc = sqlite3_backup_finish(bk);
	if (rc != SQLITE_OK) {
		store_job_cause(cause, "%s: %s", b->tmp,
		    sqlite3_errmsg(b->dst));
		return -1;
	}
	return 0;
}

/*
 * Check the copy afresh (its own connection): intact, and under keys; then
 * make it a file of its own, with no -wal beside it (rollback journal; the
 * daemon turns WAL back on when it opens a restored file).
 */
static int
backup_verify(struct backup *b, struct store_keys *keys, char **cause)
{
	char	 v[128];
	char	*wal = NULL;
	int	 rc = -1;

	if (backup_open(b->tmp, &b->dst, cause) == -1)
		goto out;
	if (backup_pragma(b->dst, "PRAGMA integrity_check", v,
	    sizeof(v)) == -1 || strcmp(v, "ok") != 0) {
		store_job_cause(cause, "%s: the copy is damaged: %s", b->dest,
		    v[0] != '\0' ? v : sqlite3_errmsg(b->dst));
		goto out;
	}
	if (backup_check(b->dst, b->dest, keys, cause) == -1)
		goto out;
	if (backup_pragma(b->dst, "PRAGMA journal_mode = DELETE", v,
	    sizeof(v)) == -1 || strcmp(v, "delete") != 0) {
		store_job_cause(cause, "%s: journal mode: %s", b->dest,
		    v[0] != '\0' ? v : sqlite3_errmsg(b->dst));
		goto out;
	}
	if (sqlite3_close(b->dst) != SQLITE_OK) {
		store_job_cause(cause, "%s: %s", b->tmp,
		    sqlite3_errmsg(b->dst));
		goto out;
	}
	b->dst = NULL;
	if (asprintf(&wal, "%s-wal", b->tmp) == -1) {
		wal = NULL;
		store_job_cause(cause, "out of memory");
		goto out;
	}
	if (access(wal, F_OK) == 0) {
		store_job_cause(cause, "%s: a -wal was left beside the copy",
		    b->dest);
		goto out;
	}
	rc = 0;
out:
	free(wal);
	return rc;
}

/* Make the name dest durable: fsync its directory. */
static int
backup_sync_dir(const char *dest, char **cause)
{
	char	*copy, *dir;
	int	 fd, rc = -1;

	copy = strdup(dest);
	if (copy == NULL) {
		store_job_cause(cause, "out of memory");
		return -1;
	}
	dir = dirname(copy);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1 || fsync(fd) == -1)
		store_job_cause(cause, "%s: %s", dir, strerror(errno));
	else
		rc = 0;
	if (fd != -1)
		close(fd);
	free(copy);
	return rc;
}

/* The directory dest goes in must be there, and dest must not be. */
static int
backup_place(const char *dest, char **cause)
{
	struct stat	 sb;
	char		*copy, *dir;
	int		 rc = -1;

	copy = strdup(dest);
	if (copy == NULL) {
		store_job_cause(cause, "out of memory");
		return -1;
	}
	dir = dirname(copy);
	if (stat(dir, &sb) == -1)
		store_job_cause(cause, "%s: directory %s: %s", dest, dir,
		    strerror(errno));
	else if (!S_ISDIR(sb.st_mode))
		store_job_cause(cause, "%s: %s is not a directory", dest, dir);
	else if (lstat(dest, &sb) == 0)
		store_job_cause(cause, "%s exists; a backup never replaces "
		    "a file", dest);
	else if (errno != ENOENT)
		store_job_cause(cause, "%s: %s", dest, strerror(errno));
	else
		rc = 0;
	free(copy);
	return rc;
}

/* Remove the temporary file and whatever SQLite made beside it. */
static void
backup_discard(const char *tmp)
{
	static const char *const sfx[] = { "-journal", "-wal", "-shm" };
	char	 name[4096];
	size_t	 i;

	unlink(tmp);
	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++)
		if ((size_t)snprintf(name, sizeof(name), "%s%s", tmp,
		    sfx[i]) < sizeof(name))
			unlink(name);
}

/* Back the database at path up into dest, under the key in key_file. */
int
store_sqlite_backup(const char *path, const char *key_file,
    const char *dest, int64_t *pages, char **cause)
{
	struct backup		 b;
	struct store_keys	 keys;
	struct stat		 sb;
	int			 rc = -1;

	*cause = NULL;
	*pages = 0;
	memset(&b, 0, sizeof(b));
	memset(&keys, 0, sizeof(keys));
	b.path = path;
	b.dest = dest;
	b.fd = -1;
	if (sodium_init() == -1) {
		store_job_cause(cause, "libsodium cannot initialise");
		goto out;
	}
	if (stat(path, &sb) == -1) {
		store_job_cause(cause, "database %s: %s", path,
		    strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		store_job_cause(cause, "database %s is not a file", path);
		goto out;
	}
	if (backup_place(dest, cause) == -1)
		goto out;
	/* Never made here: a backup under a new key would be no backup. */
	if (store_crypt_load(key_file, 0, &keys, cause) == -1)
		goto out;
	keys.file = key_file;
	if (backup_open(path, &b.src, cause) == -1 ||
	    backup_check(b.src, path, &keys, cause) == -1)
		goto out;

	if (backup_temp(&b, cause) == -1)
		goto out;
	if (backup_open(b.tmp, &b.dst, cause) == -1 ||
	    backup_copy(&b, cause) == -1)
		goto out;
	sqlite3_close(b.dst);
	b.dst = NULL;
	sqlite3_close(b.src);
	b.src = NULL;
	if (backup_verify(&b, &keys, cause) == -1)
		goto out;
	if (fsync(b.fd) == -1) {
		store_job_cause(cause, "%s: %s", b.tmp, strerror(errno));
		goto out;
	}
	/* link, not rename: it fails rather than replace a file. */
	if (link(b.tmp, dest) == -1) {
		if (errno == EEXIST)
			store_job_cause(cause, "%s exists; a backup never "
			    "replaces a file", dest);
		else
			store_job_cause(cause, "%s: %s", dest,
			    strerror(errno));
		goto out;
	}
	if (backup_sync_dir(dest, cause) == -1) {
		unlink(dest);
		goto out;
	}
	*pages = b.pages;
	rc = 0;

out:
	sqlite3_close(b.dst);
	sqlite3_close(b.src);
	if (b.fd != -1)
		close(b.fd);
	if (b.tmp != NULL)
		backup_discard(b.tmp);
	free(b.tmp);
	store_crypt_wipe(&keys);
	return rc;
}
