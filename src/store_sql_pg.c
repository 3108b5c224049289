/* SPDX-License-Identifier: ISC */
/*
 * store_sql_pg: the PostgreSQL connections of the store (the password
 * from a file of mode 0600, never from the URI; durable commits) and the
 * driver of its statements (store_sql.h), over libpq on the thread that
 * owns the connection. A
 * statement is prepared once on the server under a name of its own; its
 * parameters are kept here as bound (integers and text as text, blobs in
 * binary), it runs on its first step, and its rows come back in binary,
 * read by their column's type. Errors are kept as their SQLSTATE and
 * primary message, never their detail: a detail may quote a row's value.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sodium.h>

#include "store_pg.h"
#include "store_sql.h"

/* The type OIDs of the columns the statements return (pg_type.dat). */
#define PG_BOOLOID	16
#define PG_BYTEAOID	17
#define PG_INT8OID	20
#define PG_INT2OID	21
#define PG_INT4OID	23
#define PG_TEXTOID	25
#define PG_VARCHAROID	1043

#define PG_MAXPARAMS	32	/* more than any statement binds */
#define PG_PASSWORD_MAX	1024

struct store_pg_conn {
	PGconn		*pg;
	int		 busy_ms;
	int		 reader;
	int64_t		 changes;	/* of the last write */
	char		 err[256];	/* the last error, "" for none */
};

struct store_pg_stmt {
	char		 name[16];
	int		 nparams;
	const char	*vals[PG_MAXPARAMS];
	int		 lens[PG_MAXPARAMS];
	int		 fmts[PG_MAXPARAMS];
	char		 ints[PG_MAXPARAMS][24];
	PGresult	*res;		/* rows of the current run, or NULL */
	int		 row;		/* current row, -1 before the first */
	int		 ran;
	int		 commit;	/* a COMMIT, which must say so */
	char		 num[24];	/* an integer column read as text */
};

/* Keep a result's error as its SQLSTATE and primary message. */
static void
pg_keep_error(struct store_pg_conn *c, const PGresult *res)
{
	const char	*state = NULL, *msg = NULL;

	if (res != NULL) {
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	}
	/* Class 22 (data exceptions) quotes the value it could not take. */
	if (state != NULL && strncmp(state, "22", 2) == 0)
		msg = "a value was refused";
	if (msg == NULL)
		msg = PQerrorMessage(c->pg);
	snprintf(c->err, sizeof(c->err), "%s%s%s", state != NULL ? state : "",
	    state != NULL ? " " : "", msg);
	c->err[strcspn(c->err, "\n")] = '\0';
}

struct store_pg_conn *
store_pg_conn_new(PGconn *pg)
{
	struct store_pg_conn	*c;

	c = calloc(1, sizeof(*c));
	if (c != NULL)
		c->pg = pg;
	return c;
}

PGconn *
store_pg_conn_pg(struct store_pg_conn *c)
{
	return c->pg;
}

const char *
store_pg_conn_error(struct store_pg_conn *c)
{
	return c->err[0] != '\0' ? c->err : PQerrorMessage(c->pg);
}

/* Notices (an index that exists already...) say nothing to an admin. */
static void
store_pg_notice(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/*
 * Read the password alone in file (a trailing newline dropped), refusing
 * a file that group or others may read. 0, or -1 with *cause.
 */
static int
store_pg_password(const char *file, char *buf, size_t size, char **cause)
{
	struct stat	 sb;
	ssize_t		 n;
	int		 fd;

	fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd == -1) {
		store_job_cause(cause, "%s: %s", file, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    (sb.st_mode & 077) != 0) {
		store_job_cause(cause, "%s: the database password file must be"
		    " a file of mode 0600 (chmod 600 %s)", file, file);
		close(fd);
		return -1;
	}
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0) {
		store_job_cause(cause, "%s: %s", file, strerror(errno));
		return -1;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if ((size_t)n == size - 1 || buf[0] == '\0') {
		store_job_cause(cause, "%s: %s", file, buf[0] == '\0' ?
		    "no password in it" : "longer than a password can be");
		sodium_memzero(buf, size);
		return -1;
	}
	return 0;
}

/* Whether the URI has a password in it: refused, it belongs in a file. */
static int
store_pg_uri_check(const char *uri, char **cause)
{
	PQconninfoOption	*opts, *o;
	char			*err = NULL;
	int			 rc = 0;

	opts = PQconninfoParse(uri, &err);
	if (opts == NULL) {
		/* libpq's message names the part, not a password. */
		store_job_cause(cause, "database: not a PostgreSQL URI: %s",
		    err != NULL ? err : "out of memory");
		PQfreemem(err);
		return -1;
	}
	for (o = opts; o->keyword != NULL; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val != NULL &&
		    o->val[0] != '\0') {
			store_job_cause(cause, "database: the URI holds a "
			    "password: put it alone in database_password_file "
			    "(mode 0600) instead");
			rc = -1;
		}
	PQconninfoFree(opts);
	return rc;
}

/* The session's settings: durable commits, a bounded wait for locks. */
static int
pg_setup(struct store_pg_conn *c)
{
	char	 sql[160];

	snprintf(sql, sizeof(sql), "SET synchronous_commit = on;"
	    " SET lock_timeout = %d; SET client_encoding = 'UTF8';"
	    " SET default_transaction_read_only = %s", c->busy_ms,
	    c->reader ? "on" : "off");
	return store_pg_conn_exec(c, sql);
}

/*
 * Connect to uri (the password from password_file, if any), durable
 * commits, locks waited for busy_ms at most. NULL with *cause.
 */
struct store_pg_conn *
store_pg_connect(const char *uri, const char *password_file, int busy_ms,
    int reader, char **cause)
{
	const char		*keys[10], *vals[10];
	char			 pw[PG_PASSWORD_MAX];
	struct store_pg_conn	*c;
	PGconn			*pg;
	int			 n = 0;

	if (store_pg_uri_check(uri, cause) == -1)
		return NULL;
	pw[0] = '\0';
	if (password_file != NULL &&
	    store_pg_password(password_file, pw, sizeof(pw), cause) == -1)
		return NULL;
	/*
	 * Defaults the URI may override (it comes after them): a server
	 * that stops answering fails a write within seconds instead of
	 * holding the writer for TCP's minutes.
	 */
	keys[n] = "application_name";
	vals[n++] = "hotlined";
	keys[n] = "connect_timeout";
	vals[n++] = "10";
	keys[n] = "keepalives_idle";
	vals[n++] = "10";
	keys[n] = "keepalives_interval";
	vals[n++] = "5";
	keys[n] = "keepalives_count";
	vals[n++] = "3";
	keys[n] = "tcp_user_timeout";
	vals[n++] = "15000";
	keys[n] = "dbname";
	vals[n++] = uri;
	if (pw[0] != '\0') {
		keys[n] = "password";
		vals[n++] = pw;
	}
	keys[n] = vals[n] = NULL;
	pg = PQconnectdbParams(keys, vals, 1);
	sodium_memzero(pw, sizeof(pw));
	if (pg == NULL) {
		store_job_cause(cause, "database: out of memory");
		return NULL;
	}
	if (PQstatus(pg) != CONNECTION_OK) {
		store_job_cause(cause, "database: cannot connect: %.*s",
		    (int)strcspn(PQerrorMessage(pg), "\n"), PQerrorMessage(pg));
		PQfinish(pg);
		return NULL;
	}
	PQsetNoticeProcessor(pg, store_pg_notice, NULL);
	c = store_pg_conn_new(pg);
	if (c == NULL) {
		PQfinish(pg);
		store_job_cause(cause, "database: out of memory");
		return NULL;
	}
	c->busy_ms = busy_ms;
	c->reader = reader;
	if (pg_setup(c) == -1) {
		store_job_cause(cause, "database: %s", store_pg_conn_error(c));
		store_pg_conn_free(c);
		return NULL;
	}
	return c;
}

/*
 * When the server closed c (restarted, failed over, cut the session),
 * connect again as before: 0 when c was fine, 1 when it is connected
 * anew (its prepared statements and session locks gone), -1 when the
 * server still cannot be reached (the error kept).
 */
int
store_pg_conn_revive(struct store_pg_conn *c)
{
	if (PQstatus(c->pg) == CONNECTION_OK)
		return 0;
	PQreset(c->pg);
	if (PQstatus(c->pg) != CONNECTION_OK) {
		snprintf(c->err, sizeof(c->err), "cannot connect: %.*s",
		    (int)strcspn(PQerrorMessage(c->pg), "\n"),
		    PQerrorMessage(c->pg));
		return -1;
	}
	PQsetNoticeProcessor(c->pg, store_pg_notice, NULL);
	return pg_setup(c) == -1 ? -1 : 1;
}

/* Close the connection (NULL is fine). */
void
store_pg_conn_free(struct store_pg_conn *c)
{
	if (c == NULL)
		return;
	PQfinish(c->pg);
	free(c);
}

/* Run sql, which returns no rows, on c: 0, or -1 with the error kept. */
int
store_pg_conn_exec(struct store_pg_conn *c, const char *sql)
{
	PGresult	*res;
	int		 rc = 0;

	c->err[0] = '\0';
	res = PQexec(c->pg, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK) {
		pg_keep_error(c, res);
		rc = -1;
	}
	PQclear(res);
	return rc;
}

/* The one integer query sql answers on c (0 without a row): 0, or -1. */
int
store_pg_conn_int(struct store_pg_conn *c, const char *sql, int64_t *v)
{
	PGresult	*res;
	int		 rc = 0;

	c->err[0] = '\0';
	*v = 0;
	res = PQexecParams(c->pg, sql, 0, NULL, NULL, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		pg_keep_error(c, res);
		rc = -1;
	} else if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
		*v = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return rc;
}

/* Prepare statement i's sql on c under a name of its own. */
struct store_pg_stmt *
store_pg_stmt_new(struct store_pg_conn *c, int i, const char *sql)
{
	struct store_pg_stmt	*s;
	PGresult		*res;

	c->err[0] = '\0';
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		snprintf(c->err, sizeof(c->err), "out of memory");
		return NULL;
	}
	snprintf(s->name, sizeof(s->name), "st%d", i);
	s->commit = strcmp(sql, "COMMIT") == 0;
	s->row = -1;
	res = PQprepare(c->pg, s->name, sql, 0, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		goto fail;
	PQclear(res);
	res = PQdescribePrepared(c->pg, s->name);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		goto fail;
	s->nparams = PQnparams(res);
	PQclear(res);
	if (s->nparams > PG_MAXPARAMS) {
		snprintf(c->err, sizeof(c->err), "%d parameters, at most %d",
		    s->nparams, PG_MAXPARAMS);
		free(s);
		return NULL;
	}
	return s;

fail:
	pg_keep_error(c, res);
	PQclear(res);
	free(s);
	return NULL;
}

void
store_pg_stmt_free(struct store_pg_stmt *s)
{
	if (s == NULL)
		return;
	PQclear(s->res);
	free(s);
}

static void
pg_reset(void *p)
{
	struct store_pg_stmt	*s = p;
	int			 i;

	PQclear(s->res);
	s->res = NULL;
	s->row = -1;
	s->ran = 0;
	for (i = 0; i < s->nparams; i++) {
		s->vals[i] = NULL;
		s->lens[i] = 0;
		s->fmts[i] = 0;
	}
}

static int
pg_param(struct store_pg_stmt *s, int i, const char *v, int len, int fmt)
{
	if (i < 1 || i > s->nparams)
		return STORE_SQL_ERROR;
	/*
	 * Bound again after a run that was not reset: start afresh (SQLite
	 * resets such a statement by itself at its next step).
	 */
	if (s->ran)
		pg_reset(s);
	s->vals[i - 1] = v;
	s->lens[i - 1] = len;
	s->fmts[i - 1] = fmt;
	return STORE_SQL_OK;
}

static int
pg_bind_text(void *p, int i, const char *v)
{
	return pg_param(p, i, v, 0, 0);
}

static int
pg_bind_int(void *p, int i, int64_t v)
{
	struct store_pg_stmt	*s = p;

	if (i < 1 || i > s->nparams)
		return STORE_SQL_ERROR;
	if (s->ran)
		pg_reset(s);
	snprintf(s->ints[i - 1], sizeof(s->ints[i - 1]), "%" PRId64, v);
	return pg_param(s, i, s->ints[i - 1], 0, 0);
}

static int
pg_bind_null(void *p, int i)
{
	return pg_param(p, i, NULL, 0, 0);
}

static int
pg_bind_blob(void *p, int i, const void *v, size_t len)
{
	if (len > INT32_MAX)
		return STORE_SQL_ERROR;
	/* A blob of no bytes is still a value, not NULL. */
	return pg_param(p, i, v != NULL ? v : "", (int)len, 1);
}

/* Run the statement on its first step; then one row per step. */
static int
pg_step(void *pc, void *p)
{
	struct store_pg_conn	*c = pc;
	struct store_pg_stmt	*s = p;
	ExecStatusType		 st;
	const char		*n;

	if (!s->ran) {
		c->err[0] = '\0';
		s->ran = 1;
		s->res = PQexecPrepared(c->pg, s->name, s->nparams, s->vals,
		    s->lens, s->fmts, 1);
		st = PQresultStatus(s->res);
		if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
			pg_keep_error(c, s->res);
			PQclear(s->res);
			s->res = NULL;
			return STORE_SQL_ERROR;
		}
		/*
		 * The COMMIT of a transaction that failed succeeds, as a
		 * ROLLBACK: nothing of it is durable.
		 */
		n = PQcmdStatus(s->res);
		if (s->commit && (n == NULL || strcmp(n, "COMMIT") != 0)) {
			snprintf(c->err, sizeof(c->err), "the transaction "
			    "failed and was rolled back");
			PQclear(s->res);
			s->res = NULL;
			return STORE_SQL_ERROR;
		}
		/* As SQLite's changes: the last INSERT, UPDATE or DELETE. */
		if (n != NULL && (strncmp(n, "INSERT", 6) == 0 ||
		    strncmp(n, "UPDATE", 6) == 0 ||
		    strncmp(n, "DELETE", 6) == 0)) {
			n = PQcmdTuples(s->res);
			c->changes = *n != '\0' ? strtoll(n, NULL, 10) : 0;
		}
	}
	if (s->res == NULL)
		return STORE_SQL_DONE;
	if (s->row + 1 >= PQntuples(s->res))
		return STORE_SQL_DONE;
	s->row++;
	return STORE_SQL_ROW;
}

/* Whether column col of the current row can be read. */
static int
pg_has(const struct store_pg_stmt *s, int col)
{
	return s->res != NULL && s->row >= 0 && s->row < PQntuples(s->res) &&
	    col >= 0 && col < PQnfields(s->res);
}

static enum store_sql_type
pg_type(void *p, int col)
{
	struct store_pg_stmt	*s = p;

	if (!pg_has(s, col) || PQgetisnull(s->res, s->row, col))
		return STORE_SQL_NULL;
	switch (PQftype(s->res, col)) {
	case PG_BOOLOID:
	case PG_INT2OID:
	case PG_INT4OID:
	case PG_INT8OID:
		return STORE_SQL_INTEGER;
	case PG_BYTEAOID:
		return STORE_SQL_BLOB;
	default:
		return STORE_SQL_TEXT;
	}
}

/* A big-endian integer of len bytes. */
static int64_t
pg_be(const unsigned char *v, int len)
{
	uint64_t	 u = 0;
	int		 i;

	for (i = 0; i < len; i++)
		u = u << 8 | v[i];
	if (len < 8 && len > 0 && (v[0] & 0x80))
		u |= ~(uint64_t)0 << (len * 8);	/* sign-extend */
	return (int64_t)u;
}

static int64_t
pg_integer(void *p, int col)
{
	struct store_pg_stmt	*s = p;
	const unsigned char	*v;
	int			 len;

	if (pg_type(s, col) == STORE_SQL_NULL)
		return 0;
	v = (const unsigned char *)PQgetvalue(s->res, s->row, col);
	len = PQgetlength(s->res, s->row, col);
	switch (PQftype(s->res, col)) {
	case PG_BOOLOID:
		return len == 1 && v[0] != 0;
	case PG_INT2OID:
		return len == 2 ? pg_be(v, 2) : 0;
	case PG_INT4OID:
		return len == 4 ? pg_be(v, 4) : 0;
	case PG_INT8OID:
		return len == 8 ? pg_be(v, 8) : 0;
	case PG_TEXTOID:
	case PG_VARCHAROID:
		return strtoll((const char *)v, NULL, 10);
	default:
		return 0;
	}
}

static const char *
pg_text(void *p, int col)
{
	struct store_pg_stmt	*s = p;

	switch (pg_type(s, col)) {
	case STORE_SQL_NULL:
		return NULL;
	case STORE_SQL_INTEGER:
		snprintf(s->num, sizeof(s->num), "%" PRId64,
		    pg_integer(s, col));
		return s->num;
	default:
		/* libpq ends every value with a NUL, binary ones too. */
		return PQgetvalue(s->res, s->row, col);
	}
}

static const void *
pg_blob(void *p, int col)
{
	struct store_pg_stmt	*s = p;

	if (pg_type(s, col) == STORE_SQL_NULL)
		return NULL;
	return PQgetvalue(s->res, s->row, col);
}

static size_t
pg_bytes(void *p, int col)
{
	struct store_pg_stmt	*s = p;

	switch (pg_type(s, col)) {
	case STORE_SQL_NULL:
		return 0;
	case STORE_SQL_INTEGER:
		return strlen(pg_text(s, col));
	default:
		return (size_t)PQgetlength(s->res, s->row, col);
	}
}

static int64_t
pg_changes(void *pc)
{
	return ((struct store_pg_conn *)pc)->changes;
}

static const char *
pg_error(void *pc)
{
	struct store_pg_conn	*c = pc;

	return c->err[0] != '\0' ? c->err : NULL;
}

static int
pg_in_transaction(void *pc)
{
	struct store_pg_conn	*c = pc;

	switch (PQtransactionStatus(c->pg)) {
	case PQTRANS_ACTIVE:
	case PQTRANS_INTRANS:
	case PQTRANS_INERROR:
		return 1;
	default:
		return 0;
	}
}

const struct store_sql_ops store_sql_pg = {
	.bind_text = pg_bind_text,
	.bind_int = pg_bind_int,
	.bind_null = pg_bind_null,
	.bind_blob = pg_bind_blob,
	.step = pg_step,
	.reset = pg_reset,
	.type = pg_type,
	.integer = pg_integer,
	.text = pg_text,
	.blob = pg_blob,
	.bytes = pg_bytes,
	.changes = pg_changes,
	.error = pg_error,
	.in_transaction = pg_in_transaction,
};
