/* SPDX-License-Identifier: ISC */
/*
 * store_pg_listen: the wake-up hints between daemons sharing a PostgreSQL
 * database. A daemon that stored work the lease holder must act on sends
 * NOTIFY (SJ_HINT, after its commit); each daemon LISTENs on a connection
 * of its own, watched by the event loop, and wakes its dispatcher. A hint
 * is only a hint: one missed (the connection lost, the daemon busy) is
 * caught by the next one-second scan. The connection is made at start
 * (blocking, as the store's are) and, when the server drops it, made
 * again without blocking the loop (PQresetStart and PQresetPoll, driven
 * by the socket's events), every few seconds until it is back.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <libpq-fe.h>

#include "log.h"
#include "store_backend.h"
#include "store_pg.h"
#include "store_pg_sql.h"

#define LISTEN_RETRY	5	/* seconds between tries to connect again */

struct store_listen {
	struct event_base	*base;
	struct store_pg_conn	*conn;
	PGconn			*pg;
	struct event		*ev;		/* the socket, or NULL */
	struct event		*retry;		/* the next try to reset */
	void			(*woken)(void *);
	void			*arg;
	int			 resetting;	/* PQresetPoll's turn */
	int			 listening;	/* LISTEN sent and answered */
	int			 lost;		/* logged once */
};

static void	listen_socket_cb(evutil_socket_t, short, void *);

/* Watch the socket for what (EV_READ or EV_WRITE), as it is now. */
static int
listen_watch(struct store_listen *l, short what)
{
	if (l->ev != NULL)
		event_free(l->ev);
	l->ev = NULL;
	if (PQsocket(l->pg) < 0)
		return -1;
	l->ev = event_new(l->base, PQsocket(l->pg), what |
	    (what == EV_READ ? EV_PERSIST : 0), listen_socket_cb, l);
	if (l->ev == NULL || event_add(l->ev, NULL) == -1)
		return -1;
	return 0;
}

/* The connection is gone: stop watching it, try again later. */
static void
listen_lost(struct store_listen *l)
{
	struct timeval	 tv = { LISTEN_RETRY, 0 };

	if (!l->lost)
		log_warnx("store: database: the wake-up connection is lost: "
		    "%.*s (the one-second scan goes on)",
		    (int)strcspn(PQerrorMessage(l->pg), "\n"),
		    PQerrorMessage(l->pg));
	l->lost = 1;
	l->resetting = l->listening = 0;
	if (l->ev != NULL)
		event_free(l->ev);
	l->ev = NULL;
	evtimer_add(l->retry, &tv);
}

/* Try to connect again, without blocking. */
static void
listen_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct store_listen	*l = arg;

	(void)fd;
	(void)what;
	if (PQresetStart(l->pg) != 1) {
		listen_lost(l);
		return;
	}
	l->resetting = 1;
	if (listen_watch(l, EV_WRITE) == -1)
		listen_lost(l);
}

/* One step of the reset; on success, LISTEN again. */
static void
listen_reset_step(struct store_listen *l)
{
	switch (PQresetPoll(l->pg)) {
	case PGRES_POLLING_READING:
		if (listen_watch(l, EV_READ) == -1)
			listen_lost(l);
		return;
	case PGRES_POLLING_WRITING:
		if (listen_watch(l, EV_WRITE) == -1)
			listen_lost(l);
		return;
	case PGRES_POLLING_OK:
		break;
	default:
		listen_lost(l);
		return;
	}
	l->resetting = 0;
	if (PQsetnonblocking(l->pg, 1) == -1 ||
	    PQsendQuery(l->pg, "LISTEN " STORE_PG_HINT_CHANNEL) != 1 ||
	    listen_watch(l, EV_READ) == -1) {
		listen_lost(l);
		return;
	}
	if (PQflush(l->pg) == -1)
		listen_lost(l);
}

/* The socket is ready: a reset step, or results and notifications. */
static void
listen_socket_cb(evutil_socket_t fd, short what, void *arg)
{
	struct store_listen	*l = arg;
	PGnotify		*n;
	PGresult		*res;
	int			 woken = 0;

	(void)fd;
	(void)what;
	if (l->resetting) {
		listen_reset_step(l);
		return;
	}
	if (PQconsumeInput(l->pg) != 1 || PQstatus(l->pg) != CONNECTION_OK) {
		listen_lost(l);
		return;
	}
	while (!PQisBusy(l->pg) && (res = PQgetResult(l->pg)) != NULL) {
		if (PQresultStatus(res) == PGRES_COMMAND_OK && !l->listening) {
			l->listening = 1;
			if (l->lost)
				log_info("store: database: the wake-up "
				    "connection is back");
			l->lost = 0;
			woken = 1;	/* hints may have been missed */
		}
		PQclear(res);
	}
	while ((n = PQnotifies(l->pg)) != NULL) {
		PQfreemem(n);
		woken = 1;
	}
	if (woken && l->woken != NULL)
		l->woken(l->arg);
}

/* Listen on a connection of our own; see store_backend.h. */
struct store_listen *
store_pg_listen_new(const char *uri, const struct store_opts *opts,
    struct event_base *base, void (*woken)(void *), void *arg, char **cause)
{
	struct store_listen	*l;
	PGresult		*res;

	*cause = NULL;
	l = calloc(1, sizeof(*l));
	if (l == NULL) {
		store_job_cause(cause, "out of memory");
		return NULL;
	}
	l->base = base;
	l->woken = woken;
	l->arg = arg;
	l->conn = store_pg_connect(uri, opts != NULL ? opts->password_file :
	    NULL, 0, 0, cause);
	if (l->conn == NULL) {
		free(l);
		return NULL;
	}
	l->pg = store_pg_conn_pg(l->conn);
	l->retry = evtimer_new(base, listen_retry_cb, l);
	res = PQexec(l->pg, "LISTEN " STORE_PG_HINT_CHANNEL);
	if (l->retry == NULL || PQresultStatus(res) != PGRES_COMMAND_OK ||
	    PQsetnonblocking(l->pg, 1) == -1 ||
	    listen_watch(l, EV_READ) == -1) {
		store_job_cause(cause, "database: cannot listen: %.*s",
		    (int)strcspn(PQerrorMessage(l->pg), "\n"),
		    PQerrorMessage(l->pg));
		PQclear(res);
		store_pg_listen_free(l);
		return NULL;
	}
	PQclear(res);
	l->listening = 1;
	return l;
}

/* Stop listening. */
void
store_pg_listen_free(struct store_listen *l)
{
	if (l == NULL)
		return;
	if (l->ev != NULL)
		event_free(l->ev);
	if (l->retry != NULL)
		event_free(l->retry);
	store_pg_conn_free(l->conn);
	free(l);
}
