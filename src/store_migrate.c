/* SPDX-License-Identifier: ISC */
/*
 * store_migrate: the copy of a hotlined SQLite file into a PostgreSQL
 * database (hotlinectl migrate-store). It reads the file in one snapshot
 * (store_migrate_file.c opens and checks it, and lists the tables),
 * opens the database through the PostgreSQL backend (schema, key check,
 * the daemon's lock) and then speaks libpq on that connection. Each table
 * is first compared with what the database holds, then copied in key
 * order from the first row it lacks, a batch a transaction; then the id
 * sequences are set and every table counted on both sides. It takes no
 * lock of the file and prints nothing.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <sodium.h>
#include <sqlite3.h>

#include "store.h"
#include "store_backend.h"
#include "store_crypt.h"
#include "store_job.h"
#include "store_migrate.h"
#include "store_migrate_file.h"
#include "store_pg.h"
#include "store_pg_sql.h"

#define MIG_BATCH	500	/* rows a transaction, by default */
#define MIG_BATCH_MAX	1000	/* 1000 rows of 32 columns: 32,000 of
				   libpq's 65,535 parameters */
#define MIG_PAGE	500	/* rows of the database read at once */
#define MIG_KEY_MAX	4	/* columns of a key, at most */

/* PostgreSQL's type OIDs of the columns (pg_type.dat). */
#define MIG_BYTEAOID	17
#define MIG_INT8OID	20
#define MIG_TEXTOID	25

/* A value: NULL, or len bytes (an integer as 8 bytes, big-endian). */
struct mig_cell {
	int		 null;
	const uint8_t	*p;
	size_t		 len;
};

/* A value held in a mig_rows, by offset into its buffer. */
struct mig_val {
	int		 null;
	size_t		 off;
	size_t		 len;
};

/* Rows read from the file (her values: wiped when reset or freed). */
struct mig_rows {
	const struct store_migrate_tab *t;
	size_t		 n;
	size_t		 cap;
	struct mig_val	*v;		/* n * t->ncols */
	uint8_t		*buf;
	size_t		 used;
	size_t		 size;
};

/* SQL text being built. */
struct mig_sql {
	char		*s;
	size_t		 len;
	size_t		 size;
	int		 oom;
};

/* One run. */
struct mig {
	const char		*from;
	sqlite3			*db;
	struct store_engine	*e;
	PGconn			*pg;
	const struct store_migrate_opts *mo;
	size_t			 batch;
	size_t			 batches;
	/* Of each table: the file's first row the database lacks. */
	struct mig_rows		 resume[STORE_MIGRATE_NTABS];
	int			 has_resume[STORE_MIGRATE_NTABS];
	int64_t			 before[STORE_MIGRATE_NTABS];
	int64_t			 copied[STORE_MIGRATE_NTABS];
};

/* Append to q; on failure q->oom. */
static void __attribute__((format(printf, 2, 3)))
mig_add(struct mig_sql *q, const char *fmt, ...)
{
	va_list	 ap;
	char	*p;
	size_t	 size;
	int	 n;

	if (q->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(q->s != NULL ? q->s + q->len : NULL,
		    q->s != NULL ? q->size - q->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			q->oom = 1;
			return;
		}
		if (q->s != NULL && (size_t)n < q->size - q->len) {
			q->len += (size_t)n;
			return;
		}
		size = q->size * 2 + (size_t)n + 256;
		p = realloc(q->s, size);
		if (p == NULL) {
			q->oom = 1;
			return;
		}
		q->s = p;
		q->size = size;
	}
}

/* The columns of t, quoted, comma-separated. */
static void
mig_add_cols(struct mig_sql *q, const struct store_migrate_tab *t, int n)
{
	int	 c;

	for (c = 0; c < n; c++)
		mig_add(q, "%s\"%s\"", c > 0 ? ", " : "", t->cols[c].name);
}

/*
 * The key of t as an ORDER BY or a row to compare. Text compares
 * bytewise in both engines: SQLite's BINARY, PostgreSQL's "C".
 */
static void
mig_add_key(struct mig_sql *q, const struct store_migrate_tab *t, int pg)
{
	int	 c;

	for (c = 0; c < t->npk; c++)
		mig_add(q, "%s\"%s\"%s", c > 0 ? ", " : "", t->cols[c].name,
		    pg && t->cols[c].type == SMT_TEXT ? " COLLATE \"C\"" : "");
}

/* $n::type for each column of the key (PostgreSQL), from $first. */
static void
mig_add_params(struct mig_sql *q, const struct store_migrate_tab *t, int n,
    int first)
{
	static const char *const types[] = { "bigint", "text", "bytea" };
	int			 c;

	for (c = 0; c < n; c++)
		mig_add(q, "%s$%d::%s", c > 0 ? ", " : "", first + c,
		    types[t->cols[c].type]);
}

static void
mig_sql_free(struct mig_sql *q)
{
	free(q->s);
	memset(q, 0, sizeof(*q));
}

/* Wipe the rows, keeping the room. */
static void
mig_rows_reset(struct mig_rows *r)
{
	if (r->buf != NULL)
		sodium_memzero(r->buf, r->used);
	r->n = 0;
	r->used = 0;
}

static void
mig_rows_free(struct mig_rows *r)
{
	mig_rows_reset(r);
	free(r->buf);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* Make room for len more bytes in r's buffer. 0, or -1. */
static int
mig_rows_grow(struct mig_rows *r, size_t len)
{
	uint8_t	*p;
	size_t	 size;

	if (r->size - r->used >= len)
		return 0;
	size = r->size * 2 + len + 4096;
	/* Not realloc: what it leaves behind is her values. */
	p = malloc(size);
	if (p == NULL)
		return -1;
	if (r->buf != NULL) {
		memcpy(p, r->buf, r->used);
		sodium_memzero(r->buf, r->size);
		free(r->buf);
	}
	r->buf = p;
	r->size = size;
	return 0;
}

/* Append a value of len bytes at p (NULL, len 0: SQL's NULL). */
static int
mig_rows_put(struct mig_rows *r, struct mig_val *v, int null,
    const void *p, size_t len)
{
	v->null = null;
	v->off = r->used;
	v->len = len;
	if (null || len == 0)
		return 0;
	if (mig_rows_grow(r, len) == -1)
		return -1;
	memcpy(r->buf + r->used, p, len);
	r->used += len;
	return 0;
}

/* Append the row s stands on (its columns in t's order). 0, or -1. */
static int
mig_rows_add(struct mig_rows *r, sqlite3_stmt *s)
{
	const struct store_migrate_tab	*t = r->t;
	struct mig_val				*v;
	uint8_t					 be[8];
	uint64_t				 u;
	int					 c, k, null, rc = 0;

	if (r->n == r->cap) {
		v = reallocarray(r->v, r->cap * 2 + 16,
		    (size_t)t->ncols * sizeof(*v));
		if (v == NULL)
			return -1;
		r->v = v;
		r->cap = r->cap * 2 + 16;
	}
	v = &r->v[r->n * (size_t)t->ncols];
	for (c = 0; c < t->ncols && rc == 0; c++) {
		null = sqlite3_column_type(s, c) == SQLITE_NULL;
		if (null)
			rc = mig_rows_put(r, &v[c], 1, NULL, 0);
		else if (t->cols[c].type == SMT_INT) {
			u = (uint64_t)sqlite3_column_int64(s, c);
			for (k = 7; k >= 0; k--, u >>= 8)
				be[k] = (uint8_t)(u & 0xff);
			rc = mig_rows_put(r, &v[c], 0, be, sizeof(be));
		} else if (t->cols[c].type == SMT_TEXT)
			rc = mig_rows_put(r, &v[c], 0,
			    sqlite3_column_text(s, c),
			    (size_t)sqlite3_column_bytes(s, c));
		else
			rc = mig_rows_put(r, &v[c], 0,
			    sqlite3_column_blob(s, c),
			    (size_t)sqlite3_column_bytes(s, c));
	}
	if (rc == 0)
		r->n++;
	return rc;
}

/* Value c of row i of r. */
static struct mig_cell
mig_rows_cell(const struct mig_rows *r, size_t i, int c)
{
	const struct mig_val	*v = &r->v[i * (size_t)r->t->ncols + c];
	struct mig_cell		 x;

	x.null = v->null;
	x.p = v->len > 0 ? r->buf + v->off : (const uint8_t *)"";
	x.len = v->len;
	return x;
}

/* Value c of row i of a binary result. */
static struct mig_cell
mig_pg_cell(const PGresult *res, int i, int c)
{
	struct mig_cell	 x;

	x.null = PQgetisnull(res, i, c);
	x.p = (const uint8_t *)PQgetvalue(res, i, c);
	x.len = (size_t)PQgetlength(res, i, c);
	return x;
}

/* An 8-byte big-endian integer. */
static int64_t
mig_int(const struct mig_cell *x)
{
	uint64_t	 u = 0;
	size_t		 i;

	for (i = 0; i < x->len && i < 8; i++)
		u = u << 8 | x->p[i];
	return (int64_t)u;
}

/* Order two values of a key column as both engines order them. */
static int
mig_cmp(enum store_migrate_type type, const struct mig_cell *a,
    const struct mig_cell *b)
{
	int64_t	 ia, ib;
	int	 d;

	if (a->null || b->null)
		return b->null - a->null;
	if (type == SMT_INT) {
		ia = mig_int(a);
		ib = mig_int(b);
		return ia < ib ? -1 : ia > ib;
	}
	d = memcmp(a->p, b->p, a->len < b->len ? a->len : b->len);
	if (d != 0)
		return d < 0 ? -1 : 1;
	return a->len < b->len ? -1 : a->len > b->len;
}

/* Whether two values are the same. */
static int
mig_same(const struct mig_cell *a, const struct mig_cell *b)
{
	if (a->null || b->null)
		return a->null == b->null;
	return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

/* Set *cause from a failed result: SQLSTATE and primary message only. */
static void
mig_pg_cause(char **cause, const char *table, PGconn *pg,
    const PGresult *res)
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
		msg = PQerrorMessage(pg);
	store_job_cause(cause, "database: table %s: %s%s%.*s", table,
	    state != NULL ? state : "", state != NULL ? " " : "",
	    (int)strcspn(msg, "\n"), msg);
}

/*
 * The file's rows of t in key order, from the row held in from (NULL:
 * all). A statement to step, or NULL with *cause.
 */
static sqlite3_stmt *
mig_source_rows(struct mig *m, const struct store_migrate_tab *t,
    const struct mig_rows *from, char **cause)
{
	struct mig_sql	 q;
	struct mig_cell	 x;
	sqlite3_stmt	*s = NULL;
	int		 c, rc = SQLITE_OK;

	memset(&q, 0, sizeof(q));
	mig_add(&q, "SELECT ");
	mig_add_cols(&q, t, t->ncols);
	mig_add(&q, " FROM \"%s\" WHERE %s", t->name,
	    t->filter != NULL ? t->filter : "1");
	if (from != NULL) {
		mig_add(&q, " AND (");
		mig_add_key(&q, t, 0);
		mig_add(&q, ") >= (");
		for (c = 0; c < t->npk; c++)
			mig_add(&q, "%s?", c > 0 ? ", " : "");
		mig_add(&q, ")");
	}
	mig_add(&q, " ORDER BY ");
	mig_add_key(&q, t, 0);
	if (q.oom) {
		store_job_cause(cause, "out of memory");
		goto out;
	}
	if (sqlite3_prepare_v2(m->db, q.s, -1, &s, NULL) != SQLITE_OK) {
		store_job_cause(cause, "%s: table %s: %s", m->from, t->name,
		    sqlite3_errmsg(m->db));
		goto out;
	}
	for (c = 0; from != NULL && c < t->npk && rc == SQLITE_OK; c++) {
		x = mig_rows_cell(from, 0, c);
		if (t->cols[c].type == SMT_INT)
			rc = sqlite3_bind_int64(s, c + 1, mig_int(&x));
		else if (t->cols[c].type == SMT_TEXT)
			rc = sqlite3_bind_text(s, c + 1, (const char *)x.p,
			    (int)x.len, SQLITE_TRANSIENT);
		else
			rc = sqlite3_bind_blob(s, c + 1, x.p, (int)x.len,
			    SQLITE_TRANSIENT);
	}
	if (rc != SQLITE_OK) {
		store_job_cause(cause, "%s: %s", m->from,
		    sqlite3_errmsg(m->db));
		sqlite3_finalize(s);
		s = NULL;
	}
out:
	mig_sql_free(&q);
	return s;
}

/*
 * A page of the database's rows of t in key order, after the key of row
 * last of prev (prev NULL: from the first). A binary result, or NULL
 * with *cause.
 */
static PGresult *
mig_target_page(struct mig *m, const struct store_migrate_tab *t,
    const PGresult *prev, int last, char **cause)
{
	static const Oid	 oids[] = { MIG_INT8OID, MIG_TEXTOID,
				    MIG_BYTEAOID };
	struct mig_sql		 q;
	struct mig_cell		 x;
	const char		*vals[MIG_KEY_MAX];
	int			 lens[MIG_KEY_MAX], fmts[MIG_KEY_MAX];
	PGresult		*res = NULL;
	int			 c;

	memset(&q, 0, sizeof(q));
	mig_add(&q, "SELECT ");
	mig_add_cols(&q, t, t->ncols);
	mig_add(&q, " FROM \"%s\"", t->name);
	if (prev != NULL) {
		mig_add(&q, " WHERE (");
		mig_add_key(&q, t, 1);
		mig_add(&q, ") > (");
		mig_add_params(&q, t, t->npk, 1);
		mig_add(&q, ")");
		for (c = 0; c < t->npk; c++) {
			x = mig_pg_cell(prev, last, c);
			vals[c] = (const char *)x.p;
			lens[c] = (int)x.len;
			fmts[c] = 1;
		}
	}
	mig_add(&q, " ORDER BY ");
	mig_add_key(&q, t, 1);
	mig_add(&q, " LIMIT %d", MIG_PAGE);
	if (q.oom) {
		store_job_cause(cause, "out of memory");
		goto out;
	}
	res = PQexecParams(m->pg, q.s, prev != NULL ? t->npk : 0, NULL,
	    vals, lens, fmts, 1);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		mig_pg_cause(cause, t->name, m->pg, res);
		goto fail;
	}
	for (c = 0; c < t->ncols; c++)
		if (PQftype(res, c) != oids[t->cols[c].type]) {
			store_job_cause(cause, "database: table %s: column %s "
			    "is not of the type this hotlinectl knows", t->name,
			    t->cols[c].name);
			goto fail;
		}
	goto out;
fail:
	PQclear(res);
	res = NULL;
out:
	mig_sql_free(&q);
	return res;
}

/* Compare the key of row i of r with row j of res. */
static int
mig_key_cmp(const struct store_migrate_tab *t, const struct mig_rows *r,
    size_t i, const PGresult *res, int j)
{
	struct mig_cell	 a, b;
	int		 c, d;

	for (c = 0; c < t->npk; c++) {
		a = mig_rows_cell(r, i, c);
		b = mig_pg_cell(res, j, c);
		d = mig_cmp(t->cols[c].type, &a, &b);
		if (d != 0)
			return d;
	}
	return 0;
}

/* Whether row i of r and row j of res hold the same values. */
static int
mig_row_same(const struct store_migrate_tab *t, const struct mig_rows *r,
    size_t i, const PGresult *res, int j)
{
	struct mig_cell	 a, b;
	int		 c;

	for (c = 0; c < t->ncols; c++) {
		a = mig_rows_cell(r, i, c);
		b = mig_pg_cell(res, j, c);
		if (!mig_same(&a, &b))
			return 0;
	}
	return 1;
}

/*
 * Step s to the file's next row and hold it in r: 1, 0 at the end, or
 * -1 with *cause.
 */
static int
mig_step(struct mig *m, const struct store_migrate_tab *t, sqlite3_stmt *s,
    struct mig_rows *r, char **cause)
{
	int	 rc;

	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW) {
		store_job_cause(cause, "%s: table %s: %s", m->from, t->name,
		    sqlite3_errmsg(m->db));
		return -1;
	}
	if (mig_rows_add(r, s) == -1) {
		store_job_cause(cause, "out of memory");
		return -1;
	}
	return 1;
}

/*
 * Walk the database's rows of table ti beside the file's, in key order:
 * each must be one of the file's, with the same values (an earlier run's
 * copy), or nothing is written. Keep the file's first row the database
 * lacks, where the copy starts. Reads only. 0, or -1 with *cause.
 */
static int
mig_check(struct mig *m, int ti, char **cause)
{
	const struct store_migrate_tab	*t = &store_migrate_tabs[ti];
	struct mig_rows				 cur;
	sqlite3_stmt				*s;
	PGresult				*res, *next;
	int					 j = 0, has, d, rc = -1;

	memset(&cur, 0, sizeof(cur));
	cur.t = t;
	m->resume[ti].t = t;
	s = mig_source_rows(m, t, NULL, cause);
	if (s == NULL)
		return -1;
	res = mig_target_page(m, t, NULL, 0, cause);
	if (res == NULL)
		goto out;
	has = mig_step(m, t, s, &cur, cause);
	if (has == -1)
		goto out;
	while (j < PQntuples(res)) {
		d = has ? mig_key_cmp(t, &cur, 0, res, j) : 1;
		if (d > 0 || (d == 0 && !mig_row_same(t, &cur, 0, res, j))) {
			store_job_cause(cause, "database: table %s holds rows "
			    "that are not %s's (or the file changed since they "
			    "were copied): nothing copied; copy into a new, "
			    "empty database (or drop this one's tables) and "
			    "run migrate-store again", t->name, m->from);
			goto out;
		}
		if (d < 0 && !m->has_resume[ti]) {
			if (mig_rows_add(&m->resume[ti], s) == -1)
				goto oom;
			m->has_resume[ti] = 1;
		}
		if (d == 0) {
			m->before[ti]++;
			if (++j == PQntuples(res) && j == MIG_PAGE) {
				next = mig_target_page(m, t, res, j - 1, cause);
				PQclear(res);
				res = next;
				j = 0;
				if (res == NULL)
					goto out;
			}
		}
		mig_rows_reset(&cur);
		has = mig_step(m, t, s, &cur, cause);
		if (has == -1)
			goto out;
	}
	if (has && !m->has_resume[ti]) {
		if (mig_rows_add(&m->resume[ti], s) == -1)
			goto oom;
		m->has_resume[ti] = 1;
	}
	rc = 0;
	goto out;
oom:
	store_job_cause(cause, "out of memory");
out:
	PQclear(res);
	sqlite3_finalize(s);
	mig_rows_free(&cur);
	return rc;
}

/*
 * Insert the rows of r into the database in one transaction; rows it
 * holds already (by key) are left as they are. Adds those it inserted to
 * *copied. 0, or -1 with *cause.
 */
static int
mig_insert(struct mig *m, const struct mig_rows *r, int64_t *copied,
    char **cause)
{
	const struct store_migrate_tab	*t = r->t;
	struct mig_sql				 q;
	struct mig_cell				 x;
	const char				**vals = NULL;
	int					*lens = NULL, *fmts = NULL;
	PGresult				*res = NULL;
	size_t					 i, n, k;
	int					 c, rc = -1;

	n = r->n * (size_t)t->ncols;
	memset(&q, 0, sizeof(q));
	vals = calloc(n, sizeof(*vals));
	lens = calloc(n, sizeof(*lens));
	fmts = calloc(n, sizeof(*fmts));
	mig_add(&q, "INSERT INTO \"%s\" (", t->name);
	mig_add_cols(&q, t, t->ncols);
	mig_add(&q, ") VALUES ");
	for (i = 0, k = 0; i < r->n; i++) {
		mig_add(&q, "%s(", i > 0 ? ", " : "");
		mig_add_params(&q, t, t->ncols, (int)(i * (size_t)t->ncols) +
		    1);
		mig_add(&q, ")");
		for (c = 0; c < t->ncols && vals != NULL && lens != NULL &&
		    fmts != NULL; c++, k++) {
			x = mig_rows_cell(r, i, c);
			vals[k] = x.null ? NULL : (const char *)x.p;
			lens[k] = (int)x.len;
			fmts[k] = 1;
		}
	}
	mig_add(&q, " ON CONFLICT (");
	mig_add_cols(&q, t, t->npk);
	mig_add(&q, ") DO NOTHING");
	if (q.oom || vals == NULL || lens == NULL || fmts == NULL) {
		store_job_cause(cause, "out of memory");
		goto out;
	}
	if (store_pg_conn_exec(m->e->conn, "BEGIN") == -1) {
		store_job_cause(cause, "database: %s",
		    store_pg_conn_error(m->e->conn));
		goto out;
	}
	res = PQexecParams(m->pg, q.s, (int)n, NULL, vals, lens, fmts, 1);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		mig_pg_cause(cause, t->name, m->pg, res);
		store_pg_conn_exec(m->e->conn, "ROLLBACK");
		goto out;
	}
	if (store_pg_conn_exec(m->e->conn, "COMMIT") == -1) {
		store_job_cause(cause, "database: %s",
		    store_pg_conn_error(m->e->conn));
		goto out;
	}
	*copied += strtoll(PQcmdTuples(res), NULL, 10);
	rc = 0;
out:
	PQclear(res);
	free(vals);
	free(lens);
	free(fmts);
	mig_sql_free(&q);
	return rc;
}

/*
 * Copy the file's rows of table ti from its first row the database
 * lacks, a batch a transaction. 0, or -1 with *cause.
 */
static int
mig_copy(struct mig *m, int ti, char **cause)
{
	const struct store_migrate_tab	*t = &store_migrate_tabs[ti];
	struct mig_rows				 r;
	sqlite3_stmt				*s;
	int					 step = SQLITE_ROW, rc = -1;

	if (!m->has_resume[ti])
		return 0;
	memset(&r, 0, sizeof(r));
	r.t = t;
	s = mig_source_rows(m, t, &m->resume[ti], cause);
	if (s == NULL)
		return -1;
	while (step == SQLITE_ROW) {
		mig_rows_reset(&r);
		while (r.n < m->batch &&
		    (step = sqlite3_step(s)) == SQLITE_ROW)
			if (mig_rows_add(&r, s) == -1) {
				store_job_cause(cause, "out of memory");
				goto out;
			}
		if (step != SQLITE_ROW && step != SQLITE_DONE) {
			store_job_cause(cause, "%s: table %s: %s", m->from,
			    t->name, sqlite3_errmsg(m->db));
			goto out;
		}
		if (r.n == 0)
			break;
		if (mig_insert(m, &r, &m->copied[ti], cause) == -1)
			goto out;
		m->batches++;
		if (m->mo != NULL && m->mo->committed != NULL)
			m->mo->committed(m->batches, m->mo->arg);
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	mig_rows_free(&r);
	return rc;
}

/*
 * Set the sequence of t's ids above every id the file gave (its rows and
 * its floor), never lowering it. 0, or -1 with *cause.
 */
static int
mig_sequence(struct mig *m, const struct store_migrate_tab *t, char **cause)
{
	const char	*vals[2];
	char		 sql[192], top[24];
	PGresult	*res;
	int64_t		 v;
	int		 ok;

	snprintf(sql, sizeof(sql), "SELECT max(coalesce((SELECT max(id)"
	    " FROM \"%s\"), 0), coalesce((SELECT value FROM meta"
	    " WHERE key = 'floor.%s'), 0))", t->name, t->name);
	v = store_migrate_file_int(m->db, sql);
	if (v < 0) {
		store_job_cause(cause, "%s: table %s: %s", m->from, t->name,
		    sqlite3_errmsg(m->db));
		return -1;
	}
	snprintf(top, sizeof(top), "%lld", (long long)v);
	vals[0] = t->name;
	vals[1] = top;
	res = PQexecParams(m->pg, "SELECT setval(s, v) FROM (SELECT s,"
	    " greatest($2::bigint, coalesce(pg_sequence_last_value(s), 0))"
	    " AS v FROM (SELECT pg_get_serial_sequence($1::text, 'id')"
	    "::regclass AS s) a) b WHERE v > 0", 2, NULL, vals, NULL, NULL,
	    0);
	/* A table without its sequence would give ids twice: refused. */
	ok = PQresultStatus(res) == PGRES_TUPLES_OK &&
	    (PQntuples(res) == 0 || !PQgetisnull(res, 0, 0));
	if (!ok && PQresultStatus(res) == PGRES_TUPLES_OK)
		store_job_cause(cause, "database: table %s has no sequence "
		    "of its ids", t->name);
	else if (!ok)
		mig_pg_cause(cause, t->name, m->pg, res);
	PQclear(res);
	return ok ? 0 : -1;
}

/* Count t on both sides; they must agree. 0, or -1 with *cause. */
static int
mig_count(struct mig *m, int ti, struct store_migrate_table *out,
    char **cause)
{
	const struct store_migrate_tab	*t = &store_migrate_tabs[ti];
	char					 sql[128];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\" WHERE %s",
	    t->name, t->filter != NULL ? t->filter : "1");
	memset(out, 0, sizeof(*out));
	out->name = t->name;
	out->before = m->before[ti];
	out->copied = m->copied[ti];
	out->source = store_migrate_file_int(m->db, sql);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\"", t->name);
	if (out->source < 0 ||
	    store_pg_conn_int(m->e->conn, sql, &out->target) == -1) {
		store_job_cause(cause, "table %s: cannot count its rows",
		    t->name);
		return -1;
	}
	if (out->source != out->target) {
		store_job_cause(cause, "table %s: %lld rows in %s but %lld in "
		    "the database", t->name, (long long)out->source, m->from,
		    (long long)out->target);
		return -1;
	}
	return 0;
}

/* Check, then copy every table; set the sequences; count. */
static int
mig_run(struct mig *m, char **cause)
{
	struct store_migrate_table	 out;
	int				 i;

	for (i = 0; i < STORE_MIGRATE_NTABS; i++)
		if (mig_check(m, i, cause) == -1)
			return -1;
	for (i = 0; i < STORE_MIGRATE_NTABS; i++)
		if (mig_copy(m, i, cause) == -1)
			return -1;
	for (i = 0; i < STORE_MIGRATE_NTABS; i++)
		if (store_migrate_tabs[i].seq &&
		    mig_sequence(m, &store_migrate_tabs[i], cause) == -1)
			return -1;
	for (i = 0; i < STORE_MIGRATE_NTABS; i++) {
		if (mig_count(m, i, &out, cause) == -1)
			return -1;
		if (m->mo != NULL && m->mo->table != NULL)
			m->mo->table(&out, m->mo->arg);
	}
	return 0;
}

/* Copy the file from into the database to. */
int
store_migrate(const char *from, const char *to,
    const struct store_opts *opts, const struct store_migrate_opts *mo,
    char **cause)
{
	struct store_keys	 keys;
	struct mig		 m;
	int64_t			 held = -1;
	int			 i, rc = -1;

	*cause = NULL;
	memset(&keys, 0, sizeof(keys));
	memset(&m, 0, sizeof(m));
	m.from = from;
	m.mo = mo;
	m.batch = mo != NULL && mo->batch > 0 ? mo->batch : MIG_BATCH;
	if (m.batch > MIG_BATCH_MAX)
		m.batch = MIG_BATCH_MAX;
	if (store_is_file(to)) {
		store_job_cause(cause, "the configuration's database is %s, a "
		    "file: migrate-store copies into a PostgreSQL database "
		    "(database: \"postgresql://...\")", to);
		return -1;
	}
	if (opts == NULL || opts->key_file == NULL) {
		store_job_cause(cause, "a PostgreSQL database needs a key file"
		    " (key_file): the key of %s", from);
		return -1;
	}
	if (store_crypt_load(opts->key_file, 0, &keys, cause) == -1)
		return -1;
	keys.file = opts->key_file;
	m.db = store_migrate_file_open(from, &keys, cause);
	if (m.db == NULL)
		goto out;

	m.e = store_backend_pg.open(to, opts, &keys, cause);
	if (m.e == NULL)
		goto out;
	m.pg = store_pg_conn_pg(m.e->conn);
	/*
	 * No daemon on the database while it is copied: the lease, which
	 * every daemon takes (or waits for), is held by the copy until it
	 * ends, and one a daemon holds refuses it.
	 */
	if (store_pg_conn_int(m.e->conn, "SELECT pg_try_advisory_lock("
	    STORE_PG_LEASE_KEY1 ", " STORE_PG_LEASE_KEY2 ")::int",
	    &held) == -1 || held != 1) {
		store_job_cause(cause, "%s", held == 0 ? "the database is in "
		    "use by a hotlined daemon: stop every daemon on it first" :
		    store_pg_conn_error(m.e->conn));
		goto out;
	}
	rc = mig_run(&m, cause);
out:
	if (m.e != NULL)
		store_backend_pg.close(m.e);
	if (m.db != NULL)
		sqlite3_close(m.db);	/* ends the read transaction */
	for (i = 0; i < STORE_MIGRATE_NTABS; i++)
		mig_rows_free(&m.resume[i]);
	store_crypt_wipe(&keys);
	return rc;
}
