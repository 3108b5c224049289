/* SPDX-License-Identifier: ISC */
/*
 * log: formatting and writing of diagnostic lines to stderr. The program
 * name and verbosity are the only process-wide state hotlined keeps; what
 * goes into a line is the caller's responsibility (no personal data). The
 * store's writer thread logs too, so the verbosity, which a reload changes
 * on the loop, is an atomic; the program name is set once before threads.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static const char	*log_progname = "hotlined";
static atomic_int	 log_verbose;

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

/* Write one line: "prog: level: message[: strerror]". */
static void
log_vwrite(const char *level, int with_errno, int saved_errno,
    const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

static void
log_vwrite(const char *level, int with_errno, int saved_errno,
    const char *fmt, va_list ap)
{
	char	 line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	/* One fprintf per line: lines from forked test children stay whole. */
	if (with_errno)
		fprintf(stderr, "%s: %s%s: %s\n", log_progname, level, line,
		    strerror(saved_errno));
	else
		fprintf(stderr, "%s: %s%s\n", log_progname, level, line);
	fflush(stderr);
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
