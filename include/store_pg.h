/* SPDX-License-Identifier: ISC */
/*
 * store_pg: the inside of the PostgreSQL backend, shared by its files:
 * store_pg.c (connecting, the schema, the key check, the table of
 * operations) and store_sql_pg.c (its driver of the statements over
 * libpq, store_sql.h). Everything here runs on the thread that owns the
 * connection. Nothing outside the backend includes it: the store sees
 * only include/store_backend.h.
 */
#ifndef HOTLINED_STORE_PG_H
#define HOTLINED_STORE_PG_H

#include <libpq-fe.h>

#include "store_sql.h"

struct event_base;
struct store_listen;

/* A connection, with the last error and write count of its statements. */
struct store_pg_conn;
/* A statement prepared on a connection. */
struct store_pg_stmt;

/* The PostgreSQL driver of the statements (store_sql_pg.c). */
extern const struct store_sql_ops	store_sql_pg;

/*
 * Connect to the database of uri (the password alone in password_file,
 * NULL: none): durable commits, locks waited for busy_ms at most, every
 * transaction read-only if reader. NULL with *cause.
 */
struct store_pg_conn *store_pg_connect(const char *uri,
		    const char *password_file, int busy_ms, int reader,
		    char **cause);

/* The backend's listen and listen_free (store_pg_listen.c). */
struct store_listen *store_pg_listen_new(const char *uri,
		    const struct store_opts *opts, struct event_base *base,
		    void (*woken)(void *), void *arg, char **cause);
void		 store_pg_listen_free(struct store_listen *l);

/* The backend's stats_read (store_pg_stats.c). */
int		 store_pg_stats_read(const char *uri,
		    const struct store_opts *opts, const char *key_file,
		    const char *from, const char *to, store_stats_row_cb cb,
		    void *arg, char **cause);

/* Wrap an open connection (then owned); NULL when out of memory. */
struct store_pg_conn *store_pg_conn_new(PGconn *pg);
/*
 * Connect c again when the server closed it: 0 (it was fine), 1 (anew:
 * its prepared statements and session locks are gone) or -1 (kept).
 */
int		 store_pg_conn_revive(struct store_pg_conn *c);
/* Close the connection (NULL is fine). */
void		 store_pg_conn_free(struct store_pg_conn *c);
PGconn		*store_pg_conn_pg(struct store_pg_conn *c);
/* The last error on c, as its SQLSTATE and primary message. */
const char	*store_pg_conn_error(struct store_pg_conn *c);
/* Run sql (no parameters) on c: 0, or -1 with its error kept. */
int		 store_pg_conn_exec(struct store_pg_conn *c, const char *sql);

/* The one integer query sql answers on c into *v: 0, or -1 (kept). */
int		 store_pg_conn_int(struct store_pg_conn *c, const char *sql,
		    int64_t *v);

/*
 * Prepare statement i's sql on c under a name of its own; NULL with the
 * error kept on c.
 */
struct store_pg_stmt *store_pg_stmt_new(struct store_pg_conn *c, int i,
		    const char *sql);
void		 store_pg_stmt_free(struct store_pg_stmt *s);

#endif
