/* SPDX-License-Identifier: ISC */
/*
 * dblock: the database's lock file, "<database>.lock", held with an
 * exclusive flock(2) for as long as the daemon or a key rotation runs. It
 * knows nothing of what is in the database. A server's database
 * (PostgreSQL) is shared by several instances on purpose: its lock holds
 * no file, and the server itself keeps them apart.
 */
#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dblock.h"
#include "store.h"

struct dblock {
	int	 fd;
};

/* Set *cause to a new string, or NULL when out of memory. */
static void
dblock_cause(char **cause, const char *what, const char *path, int err)
{
	if (asprintf(cause, "%s: %s%s%s", path, what, err != 0 ? ": " : "",
	    err != 0 ? strerror(err) : "") == -1)
		*cause = NULL;
}

/* Take the lock of the database at path, or say who holds it. */
struct dblock *
dblock_new(const char *path, char **cause)
{
	struct dblock	*l;
	char		*file = NULL;

	*cause = NULL;
	if (!store_is_file(path)) {
		l = calloc(1, sizeof(*l));
		if (l == NULL)
			dblock_cause(cause, "out of memory", path, 0);
		else
			l->fd = -1;
		return l;
	}
	l = calloc(1, sizeof(*l));
	if (l == NULL || asprintf(&file, "%s.lock", path) == -1) {
		free(l);
		dblock_cause(cause, "out of memory", path, 0);
		return NULL;
	}
	l->fd = open(file, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (l->fd == -1) {
		dblock_cause(cause, "cannot open the lock file", file, errno);
		goto fail;
	}
	if (flock(l->fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK)
			dblock_cause(cause, "in use by another hotlined (a "
			    "running daemon, or a key rotation): stop it "
			    "first", path, 0);
		else
			dblock_cause(cause, "cannot lock", file, errno);
		goto fail;
	}
	free(file);
	return l;

fail:
	if (l->fd != -1)
		close(l->fd);
	free(l);
	free(file);
	return NULL;
}

/* Release the lock. */
void
dblock_free(struct dblock *l)
{
	if (l == NULL)
		return;
	if (l->fd != -1)
		close(l->fd);
	free(l);
}
