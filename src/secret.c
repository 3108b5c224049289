/* SPDX-License-Identifier: ISC */
/*
 * secret: the one reader of secret files. It refuses anything but a
 * regular file that only its owner may read, checking before the open (so
 * a FIFO or a device cannot block or feed it) and again on the descriptor
 * (so nothing can be swapped in between), and wipes what it read. What a
 * secret must look like is checked by its owner.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "secret.h"

#define SECRET_MAX	512	/* the longest first line read */

/* Say why st is not a private regular file, or NULL if it is one. */
static const char *
secret_refuse(const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return "is not a regular file";
	if ((st->st_mode & 077) != 0)
		return "must not be readable by group or others (chmod 600)";
	return NULL;
}

/* Read the first line of a private file. */
char *
secret_read(const char *path, char **cause)
{
	struct stat	 before, st;
	const char	*why;
	char		 buf[SECRET_MAX + 1], *s = NULL;
	ssize_t		 n;
	size_t		 len = 0;
	int		 fd = -1, r = 0;

	*cause = NULL;
	if (stat(path, &before) == -1) {
		r = asprintf(cause, "%s: %s", path, strerror(errno));
		goto out;
	}
	if ((why = secret_refuse(&before)) != NULL) {
		r = asprintf(cause, "%s %s", path, why);
		goto out;
	}
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd == -1) {
		r = asprintf(cause, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) == -1 || st.st_dev != before.st_dev ||
	    st.st_ino != before.st_ino) {
		r = asprintf(cause, "%s changed while it was read", path);
		goto out;
	}
	if ((why = secret_refuse(&st)) != NULL) {
		r = asprintf(cause, "%s %s", path, why);
		goto out;
	}
	while (len < SECRET_MAX) {
		n = read(fd, buf + len, SECRET_MAX - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			r = asprintf(cause, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0 || memchr(buf + len, '\n', (size_t)n) != NULL) {
			len += (size_t)n;
			break;
		}
		len += (size_t)n;
	}
	buf[len] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (buf[0] == '\0')
		r = asprintf(cause, "%s is empty", path);
	else if ((s = strdup(buf)) == NULL)
		r = asprintf(cause, "%s: out of memory", path);
out:
	explicit_bzero(buf, sizeof(buf));
	if (fd != -1)
		close(fd);
	if (r == -1)
		*cause = NULL;
	return s;
}

/* Wipe and free a secret. */
void
secret_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

/* Overwrite and free the string at *sp, which becomes NULL. */
void
secret_clear(char **sp)
{
	secret_free(*sp);
	*sp = NULL;
}
