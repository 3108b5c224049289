/* SPDX-License-Identifier: ISC */
/*
 * sdnotify: the daemon's messages to systemd, through libsystemd's
 * sd_notify(3), which sends one datagram to $NOTIFY_SOCKET and does
 * nothing when it is unset. The watchdog is a persistent libevent timer
 * at half of sd_watchdog_enabled()'s interval: it fires only while the
 * loop turns, which is what systemd needs to know. Built without
 * libsystemd, every call is a no-op.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "log.h"
#include "sdnotify.h"

struct sdnotify {
	struct event_base	*base;
	struct event		*watchdog;	/* NULL: no pings asked */
	int			 failed;	/* a ping failed, said */
};

/* Create the notifier. */
struct sdnotify *
sdnotify_new(struct event_base *base)
{
	struct sdnotify	*n;

	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return NULL;
	n->base = base;
	return n;
}

#ifdef HAVE_LIBSYSTEMD
/* Send msg to systemd; log a failure (quiet is for the watchdog's pings). */
static int
sdnotify_send(struct sdnotify *n, const char *what, const char *msg,
    int quiet)
{
	int	 r;

	r = sd_notify(0, msg);
	if (r < 0 && (!quiet || !n->failed)) {
		log_warnx("sd_notify %s: %s%s", what, strerror(-r),
		    quiet ? " (further failures not logged)" : "");
		if (quiet)
			n->failed = 1;
	}
	return r;
}

/* The watchdog timer: the loop still turns. */
static void
sdnotify_watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sdnotify	*n = arg;

	(void)fd;
	(void)what;
	sdnotify_send(n, "WATCHDOG", "WATCHDOG=1", 1);
}

/* Arm the watchdog when systemd asks for one. */
int
sdnotify_start(struct sdnotify *n)
{
	struct timeval	 tv;
	uint64_t	 usec = 0;
	int		 r;

	r = sd_watchdog_enabled(0, &usec);
	if (r < 0) {
		log_warnx("systemd watchdog: %s; not pinging it",
		    strerror(-r));
		return 0;
	}
	if (r == 0 || usec == 0)
		return 0;
	usec /= 2;
	if (usec == 0)
		usec = 1;
	tv.tv_sec = (time_t)(usec / 1000000);
	tv.tv_usec = (suseconds_t)(usec % 1000000);
	n->watchdog = event_new(n->base, -1, EV_PERSIST, sdnotify_watchdog_cb,
	    n);
	if (n->watchdog == NULL || event_add(n->watchdog, &tv) == -1) {
		log_warnx("cannot arm the systemd watchdog's timer");
		return -1;
	}
	log_info("systemd watchdog: a ping every %llu ms",
	    (unsigned long long)(usec / 1000));
	return 0;
}

/* READY=1. */
void
sdnotify_ready(struct sdnotify *n, const char *status)
{
	char	*msg;

	if (status == NULL) {
		sdnotify_send(n, "READY", "READY=1", 0);
		return;
	}
	if (asprintf(&msg, "READY=1\nSTATUS=%s", status) == -1) {
		sdnotify_send(n, "READY", "READY=1", 0);
		return;
	}
	sdnotify_send(n, "READY", msg, 0);
	free(msg);
}

/* RELOADING=1 with MONOTONIC_USEC, as Type=notify-reload wants it. */
void
sdnotify_reloading(struct sdnotify *n)
{
	struct timespec	 ts;
	char		 msg[128];

	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(msg, sizeof(msg), "RELOADING=1\nSTATUS=reloading\n"
	    "MONOTONIC_USEC=%llu", (unsigned long long)ts.tv_sec * 1000000 +
	    (unsigned long long)ts.tv_nsec / 1000);
	sdnotify_send(n, "RELOADING", msg, 0);
}

/* STOPPING=1. */
void
sdnotify_stopping(struct sdnotify *n)
{
	sdnotify_send(n, "STOPPING", "STOPPING=1\nSTATUS=stopping", 0);
}
#else
/* Built without libsystemd: say so once if systemd waits for READY=1. */
int
sdnotify_start(struct sdnotify *n)
{
	const char	*s = getenv("NOTIFY_SOCKET");

	(void)n;
	if (s != NULL && *s != '\0')
		log_warnx("NOTIFY_SOCKET is set but hotlined was built "
		    "--without-systemd: run it with Type=simple");
	return 0;
}

void
sdnotify_ready(struct sdnotify *n, const char *status)
{
	(void)n;
	(void)status;
}

void
sdnotify_reloading(struct sdnotify *n)
{
	(void)n;
}

void
sdnotify_stopping(struct sdnotify *n)
{
	(void)n;
}
#endif

/* Free the notifier. */
void
sdnotify_free(struct sdnotify *n)
{
	if (n == NULL)
		return;
	if (n->watchdog != NULL)
		event_free(n->watchdog);
	free(n);
}
