/* SPDX-License-Identifier: ISC */
/*
 * store_pg: the PostgreSQL backend of the store, for several instances on
 * one database. It connects with libpq (the password from a file of mode
 * 0600, never from the URI), brings the schema up to date under an
 * advisory lock (two instances starting at once migrate it once), checks
 * that the key file is the database's (or records it on a new one), and
 * prepares every statement once. Its batches are store_sql_batch.c's, on
 * the writer thread, which alone uses the connection once started: libpq
 * blocks that thread, never the loop. A commit returns once the server
 * says it is durable (synchronous_commit on, whatever the server's
 * default).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <sodium.h>

#include "log.h"
#include "store_backend.h"
#include "store_pg.h"
#include "store_pg_sql.h"
#include "store_sql.h"

#define STORE_PG_BUSY_MS	5000
/* The version element 0 of store_pg_schema makes (SQLite's numbering). */
#define STORE_PG_BASE		7
/* pg_advisory_xact_lock's key for migrations: "hotlined" in ASCII. */
#define STORE_PG_MIGRATE_LOCK	"7526676851017901668"

/* What an engine keeps of how it was opened (its priv). */
struct store_pg_priv {
	char		*password_file;	/* for the reader, or NULL */
	int		 lost;		/* the connection is gone (logged) */
	int		 unready;	/* connected anew, not yet prepared */
};

static const char *const store_pg_schemes[] = {
	"postgresql://", "postgres://", NULL
};

/*
 * On a new database record the key's check value; on one made before,
 * compare it. Inside the migration's transaction. 0, or -1 with *cause.
 */
static int
store_pg_key(struct store_pg_conn *c, struct store_keys *k, int fresh,
    char **cause)
{
	uint8_t		 check[STORE_CRYPT_KEY_LEN];
	const char	*vals[1];
	int		 lens[1], fmts[1] = { 1 }, ok = 0;
	PGresult	*res;

	store_crypt_check(k, check);
	vals[0] = (const char *)check;
	lens[0] = (int)sizeof(check);
	if (fresh) {
		res = PQexecParams(store_pg_conn_pg(c), "INSERT INTO meta"
		    " (key, value) VALUES ('key_check', $1::bytea)", 1, NULL,
		    vals, lens, fmts, 1);
		ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	} else {
		res = PQexecParams(store_pg_conn_pg(c), "SELECT value FROM meta"
		    " WHERE key = 'key_check'", 0, NULL, NULL, NULL, NULL, 1);
		ok = PQresultStatus(res) == PGRES_TUPLES_OK &&
		    PQntuples(res) == 1 &&
		    PQgetlength(res, 0, 0) == (int)sizeof(check) &&
		    sodium_memcmp(PQgetvalue(res, 0, 0), check,
		    sizeof(check)) == 0;
	}
	PQclear(res);
	sodium_memzero(check, sizeof(check));
	if (!ok) {
		if (fresh)
			store_job_cause(cause, "database: the key check cannot"
			    " be recorded: %s", store_pg_conn_error(c));
		else {
			store_job_cause(cause, "database was encrypted under "
			    "another key than %s's", k->file);
			k->mismatch = 1;
		}
		return -1;
	}
	k->bound = 1;
	return 0;
}

/*
 * Bring the schema up to date in one transaction under the migration
 * lock, and check (or record) the key. *version is the schema's version.
 * 0, or -1 with *cause.
 */
static int
store_pg_migrate(struct store_pg_conn *c, struct store_keys *k,
    int *version, char **cause)
{
	int64_t	 v, known = STORE_PG_BASE - 1 + store_pg_nschema;
	char	 sql[96];
	int	 i, from;

	if (store_pg_conn_exec(c, "BEGIN; SELECT pg_advisory_xact_lock("
	    STORE_PG_MIGRATE_LOCK "); CREATE TABLE IF NOT EXISTS"
	    " hotlined_schema (version bigint NOT NULL)") == -1 ||
	    store_pg_conn_int(c, "SELECT coalesce(max(version), 0) FROM"
	    " hotlined_schema", &v) == -1)
		goto fail;
	if (v > known) {
		store_job_cause(cause, "database: schema version %lld is newer"
		    " than this hotlined knows (%lld)", (long long)v,
		    (long long)known);
		goto undo;
	}
	from = v == 0 ? 0 : (int)(v - STORE_PG_BASE + 1);
	for (i = from; i < store_pg_nschema; i++)
		if (store_pg_conn_exec(c, store_pg_schema[i]) == -1)
			goto fail;
	snprintf(sql, sizeof(sql), "DELETE FROM hotlined_schema;"
	    " INSERT INTO hotlined_schema VALUES (%lld)", (long long)known);
	if (store_pg_conn_exec(c, sql) == -1)
		goto fail;
	if (store_pg_key(c, k, v == 0, cause) == -1)
		goto undo;
	if (store_pg_conn_exec(c, "COMMIT") == -1)
		goto fail;
	if (v != 0 && v != known)
		log_info("store: database: schema migrated to version %lld",
		    (long long)known);
	*version = (int)known;
	return 0;

fail:
	store_job_cause(cause, "database: schema: %s", store_pg_conn_error(c));
undo:
	store_pg_conn_exec(c, "ROLLBACK");
	return -1;
}

/* Prepare every statement of e, once. 0, or -1 with *cause. */
static int
store_pg_prepare(struct store_engine *e, char **cause)
{
	int	 i;

	for (i = 0; i < ST__COUNT; i++) {
		store_pg_stmt_free(e->stmt[i]);
		e->stmt[i] = store_pg_stmt_new(e->conn, i, store_pg_sql[i]);
		if (e->stmt[i] == NULL) {
			store_job_cause(cause, "database: statement %d: %s", i,
			    store_pg_conn_error(e->conn));
			return -1;
		}
	}
	return 0;
}

static void
store_pg_close(struct store_engine *e)
{
	int	 i;

	if (e == NULL)
		return;
	for (i = 0; i < ST__COUNT; i++)
		store_pg_stmt_free(e->stmt[i]);
	store_pg_conn_free(e->conn);
	if (e->priv != NULL)
		free(((struct store_pg_priv *)e->priv)->password_file);
	free(e->priv);
	sodium_memzero(e->key, sizeof(e->key));
	free(e);
}

/* A new engine of uri's database, connected; NULL with *cause. */
static struct store_engine *
store_pg_engine(const char *uri, const char *password_file, int busy_ms,
    int reader, char **cause)
{
	struct store_engine	*e;
	struct store_pg_priv	*p;

	e = calloc(1, sizeof(*e));
	if (e == NULL) {
		store_job_cause(cause, "out of memory");
		return NULL;
	}
	e->ops = &store_sql_pg;
	e->reader = reader;
	e->busy_ms = busy_ms;
	e->priv = p = calloc(1, sizeof(*p));
	if (p == NULL || (password_file != NULL &&
	    (p->password_file = strdup(password_file)) == NULL)) {
		store_job_cause(cause, "out of memory");
		goto fail;
	}
	e->conn = store_pg_connect(uri, password_file, busy_ms, reader,
	    cause);
	if (e->conn == NULL)
		goto fail;
	return e;

fail:
	store_pg_close(e);
	return NULL;
}

static struct store_engine *
store_pg_open(const char *uri, const struct store_opts *opts,
    struct store_keys *keys, char **cause)
{
	struct store_engine	*e;

	*cause = NULL;
	e = store_pg_engine(uri, opts != NULL ? opts->password_file : NULL,
	    opts != NULL && opts->busy_timeout_ms > 0 ?
	    opts->busy_timeout_ms : STORE_PG_BUSY_MS, 0, cause);
	if (e == NULL)
		return NULL;
	memcpy(e->key, keys->aead, sizeof(e->key));
	if (store_pg_migrate(e->conn, keys, &e->version, cause) == -1 ||
	    store_pg_prepare(e, cause) == -1) {
		store_pg_close(e);
		return NULL;
	}
	return e;
}

/* A second connection, for reads alone: listings never wait on writes. */
static struct store_engine *
store_pg_open_reader(const char *uri, const struct store_engine *w,
    char **cause)
{
	struct store_engine	*e;

	*cause = NULL;
	e = store_pg_engine(uri,
	    ((const struct store_pg_priv *)w->priv)->password_file,
	    w->busy_ms, 1, cause);
	if (e == NULL)
		return NULL;
	e->version = w->version;
	memcpy(e->key, w->key, sizeof(e->key));
	if (store_pg_prepare(e, cause) == -1) {
		store_pg_close(e);
		return NULL;
	}
	return e;
}

/*
 * If the server closed the connection (a restart, a fail-over), connect
 * again and prepare the statements anew (the lease, which went with the
 * old connection, is taken again by the next SJ_LEASE, or found held by
 * another daemon). 0, or -1 (logged once).
 */
static int
store_pg_ready(struct store_engine *e)
{
	struct store_pg_priv	*p = e->priv;
	char			*cause = NULL;
	int			 rc;

	rc = store_pg_conn_revive(e->conn);
	if (rc == -1) {
		if (!p->lost)
			log_warnx("store: database: connection lost: %s",
			    store_pg_conn_error(e->conn));
		p->lost = 1;
		return -1;
	}
	if (rc == 1)
		p->unready = 1;
	if (p->unready) {
		if (store_pg_prepare(e, &cause) == -1) {
			if (!p->lost)
				log_warnx("store: %s", cause != NULL ? cause :
				    "out of memory");
			free(cause);
			p->lost = 1;
			return -1;
		}
		log_info("store: database: connected again%s",
		    e->reader ? " (reader)" : "");
		p->unready = p->lost = 0;
	}
	return 0;
}

/*
 * Start a batch on a connection made ready. A connection the server
 * closed since the last batch is only found out here: it is made again
 * and the BEGIN tried once more. Until the server is back every batch
 * fails, as a write to a locked file does on SQLite.
 */
static int
store_pg_begin(struct store_engine *e)
{
	int	 tries;

	for (tries = 0; tries < 2; tries++) {
		if (store_pg_ready(e) == -1)
			return -1;
		if (store_sql_exec(e, e->reader ? ST_BEGIN_READ : ST_BEGIN) ==
		    STORE_SQL_OK)
			return 0;
		if (PQstatus(store_pg_conn_pg(e->conn)) == CONNECTION_OK)
			break;
	}
	store_sql_err(e, "begin");
	return -1;
}

static int
store_pg_version(const struct store_engine *e)
{
	return e->version;
}

const struct store_backend store_backend_pg = {
	.name = "postgresql",
	.schemes = store_pg_schemes,
	.shared = 1,
	.listen = store_pg_listen_new,
	.listen_free = store_pg_listen_free,
	.open = store_pg_open,
	.open_reader = store_pg_open_reader,
	.close = store_pg_close,
	.version = store_pg_version,
	.begin = store_pg_begin,
	.run = store_sql_run,
	.commit = store_sql_commit,
	.rollback = store_sql_rollback,
	.stats_read = store_pg_stats_read,
	/* PostgreSQL vacuums on its own; backups are pg_dump's. */
};
