/* SPDX-License-Identifier: ISC */
/*
 * log: the daemon's diagnostics, OpenBSD style. Lines go to stderr (systemd
 * and journald add the time stamp), and to a log file when one is set.
 * Callers must never pass a phone number, a message text or a survivor's
 * answer: log a session reference instead.
 */
#ifndef HOTLINED_LOG_H
#define HOTLINED_LOG_H

#include <stdarg.h>

/* Set the program name and verbosity (0 info, 1 debug). Call once, early. */
void	log_init(const char *progname, int verbose);

/* Change verbosity at run time. */
void	log_setverbose(int verbose);

/*
 * Write every line to path too (appended, created mode 0600, with a UTC
 * time stamp), besides stderr; NULL stops. 0, or -1 with errno (the file
 * in use, if any, stays).
 */
int	log_open_file(const char *path);

/*
 * Open the log file again under its name, as after log rotation moved it
 * (SIGUSR1). 1 when reopened, 0 when there is no log file, or -1 with
 * errno (lines keep going to the old one).
 */
int	log_reopen(void);

/* Warning with ": strerror(errno)" appended. */
void	log_warn(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
/* Warning without errno. */
void	log_warnx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

/* Log with strerror(errno) and exit(1). Start-up and broken invariants only. */
void	fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
/* Log and exit(1). */
void	fatalx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
