/* SPDX-License-Identifier: ISC */
/*
 * log: formatting and writing of diagnostic lines to stderr. The program
 * name and verbosity are the only process-wide state hotlined keeps; what
 * goes into a line is the caller's responsibility (no personal data). The
 * store's writer thread logs too, so the verbosity, which a reload changes
 * on the loop, is an atomic; the program name is set once before threads.
 * A log file, when one is configured, gets every line too, with a time
 * stamp; its descriptor is swapped under a lock, so that a line the
 * writer thread is writing never lands in a descriptor reused meanwhile.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static const char	*log_progname = "hotlined";
static atomic_int	 log_verbose;
static pthread_mutex_t	 log_lock = PTHREAD_MUTEX_INITIALIZER;
static int		 log_fd = -1;	/* the log file, under log_lock */
static char		*log_path;	/* its name, set on the loop */

/* Remember the program name and verbosity. */
void
log_init(const char *progname, int verbose)
{
	log_progname = progname;
	atomic_store_explicit(&log_verbose, verbose, memory_order_relaxed);
}

/* Change the verbosity. */
void
log_setverbose(int verbose)
{
	atomic_store_explicit(&log_verbose, verbose, memory_order_relaxed);
}

/* Open path for appending, private to its owner; -1 with errno. */
static int
log_open_path(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOCTTY | O_NOFOLLOW, 0600);
}

/* Also write lines to path (NULL: stop). */
int
log_open_file(const char *path)
{
	char	*copy = NULL;
	int	 fd = -1, old;

	if (path != NULL) {
		copy = strdup(path);
		if (copy == NULL)
			return -1;
		fd = log_open_path(path);
		if (fd == -1) {
			free(copy);
			return -1;
		}
	}
	pthread_mutex_lock(&log_lock);
	old = log_fd;
	log_fd = fd;
	pthread_mutex_unlock(&log_lock);
	if (old != -1)
		close(old);
	free(log_path);
	log_path = copy;
	return 0;
}

/* Open the log file's name again (it was moved away by rotation). */
int
log_reopen(void)
{
	int	 fd, old;

	if (log_path == NULL)
		return 0;
	fd = log_open_path(log_path);
	if (fd == -1)
		return -1;
	pthread_mutex_lock(&log_lock);
	old = log_fd;
	log_fd = fd;
	pthread_mutex_unlock(&log_lock);
	if (old != -1)
		close(old);
	return 1;
}

/* Write a line to the log file, if there is one, in one write(2). */
static void
log_file_write(const char *text)
{
	char		 buf[1200], stamp[32];
	struct tm	 tm;
	time_t		 now = time(NULL);
	int		 n;

	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		stamp[0] = '\0';
	n = snprintf(buf, sizeof(buf), "%s %s", stamp, text);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf)) {
		n = sizeof(buf) - 1;
		buf[n - 1] = '\n';
	}
	pthread_mutex_lock(&log_lock);
	if (log_fd != -1)
		(void)!write(log_fd, buf, (size_t)n);
	pthread_mutex_unlock(&log_lock);
}

/* Write one line: "prog: level: message[: strerror]". */
static void
log_vwrite(const char *level, int with_errno, int saved_errno,
    const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

static void
log_vwrite(const char *level, int with_errno, int saved_errno,
    const char *fmt, va_list ap)
{
	char	 line[1024], out[1152];

	vsnprintf(line, sizeof(line), fmt, ap);
	if (with_errno)
		snprintf(out, sizeof(out), "%s: %s%s: %s\n", log_progname,
		    level, line, strerror(saved_errno));
	else
		snprintf(out, sizeof(out), "%s: %s%s\n", log_progname, level,
		    line);
	/* One fprintf per line: lines from forked test children stay whole. */
	fputs(out, stderr);
	fflush(stderr);
	log_file_write(out);
}

/* Warning with errno. */
void
log_warn(const char *fmt, ...)
{
	int	 saved_errno = errno;
	va_list	 ap;

	va_start(ap, fmt);
	log_vwrite("warning: ", 1, saved_errno, fmt, ap);
	va_end(ap);
	errno = saved_errno;
}

/* Warning without errno. */
void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vwrite("warning: ", 0, 0, fmt, ap);
	va_end(ap);
}

/* Informational line. */
void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vwrite("", 0, 0, fmt, ap);
	va_end(ap);
}

/* Debug line, only when verbose. */
void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	if (!atomic_load_explicit(&log_verbose, memory_order_relaxed))
		return;
	va_start(ap, fmt);
	log_vwrite("debug: ", 0, 0, fmt, ap);
	va_end(ap);
}

/* Fatal error with errno. */
void
fatal(const char *fmt, ...)
{
	int	 saved_errno = errno;
	va_list	 ap;

	va_start(ap, fmt);
	log_vwrite("fatal: ", 1, saved_errno, fmt, ap);
	va_end(ap);
	exit(1);
}

/* Fatal error without errno. */
void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vwrite("fatal: ", 0, 0, fmt, ap);
	va_end(ap);
	exit(1);
}
