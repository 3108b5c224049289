/* SPDX-License-Identifier: ISC */
/*
 * sdnotify: what the daemon tells systemd (sd_notify(3)) under
 * Type=notify: READY=1 once it serves, RELOADING=1 and READY=1 around a
 * reload, STOPPING=1 at a stop, and WATCHDOG=1 from a timer on the event
 * loop at half the interval WatchdogSec= sets, so a stuck loop is noticed.
 * Without $NOTIFY_SOCKET (not under systemd) every call does nothing; so
 * does a build --without-systemd, which warns once when systemd waits.
 */
#ifndef HOTLINED_SDNOTIFY_H
#define HOTLINED_SDNOTIFY_H

struct event_base;
struct sdnotify;

/* A notifier whose watchdog timer runs on base. NULL out of memory. */
struct sdnotify	*sdnotify_new(struct event_base *base);

/*
 * Arm the watchdog timer when systemd asks for pings ($WATCHDOG_USEC for
 * this process). 0, or -1 logged.
 */
int		 sdnotify_start(struct sdnotify *n);

/* READY=1, with status (may be NULL) for systemctl status. */
void		 sdnotify_ready(struct sdnotify *n, const char *status);

/* RELOADING=1 with the monotonic time, before a reload is read. */
void		 sdnotify_reloading(struct sdnotify *n);

/* STOPPING=1, as a stop begins. */
void		 sdnotify_stopping(struct sdnotify *n);

/* Stop the timer and free n (NULL is fine). */
void		 sdnotify_free(struct sdnotify *n);

#endif
