/* SPDX-License-Identifier: ISC */
/*
 * store_sql: how the store uses its prepared statements on any engine,
 * through the engine's driver: binding parameters (the first error of a
 * series kept; personal values sealed), stepping, resetting, copying rows
 * into a job's memory (personal values opened). It holds no SQL text
 * (each backend does) and decides nothing about requests (store_jobs*.c
 * do); store_sql_batch.c runs the jobs.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "log.h"
#include "store_crypt.h"
#include "store_sql.h"

_Static_assert(sizeof(((struct store_callback *)0)->ref) == STORE_REF_SIZE &&
    sizeof(((struct store_failing *)0)->ref) == STORE_REF_SIZE,
    "store_sql_ref copies case references of STORE_REF_SIZE");

/*
 * Log the connection's last error; the drivers' messages carry no row
 * values. Without one, a row could not be read (out of memory, or a value
 * that does not open, already logged).
 */
void
store_sql_err(struct store_engine *e, const char *what)
{
	const char	*msg;

	msg = e->ops->error(e->conn);
	if (msg == NULL)
		log_warnx("store: %s: a row could not be read", what);
	else
		log_warnx("store: %s: %s", what, msg);
}

/* Reset a statement and drop its bindings, ready for the next use. */
void
store_sql_reset(struct store_bind *b)
{
	b->e->ops->reset(b->s);
}

/* Start binding statement i from parameter 1. */
void
store_sql_bind(struct store_engine *e, enum store_stmt i,
    struct store_bind *b)
{
	b->e = e;
	b->s = e->stmt[i];
	b->i = 1;
	b->rc = STORE_SQL_OK;
}

/* Keep the first error of a series of binds. */
static void
store_sql_bound(struct store_bind *b, int rc)
{
	b->i++;
	if (b->rc == STORE_SQL_OK)
		b->rc = rc;
}

/* Bind the next parameter to text (NULL binds NULL). */
void
store_sql_text(struct store_bind *b, const char *v)
{
	if (v == NULL)
		store_sql_null(b);
	else
		store_sql_bound(b, b->e->ops->bind_text(b->s, b->i, v));
}

/* Bind the next parameter to an integer. */
void
store_sql_int(struct store_bind *b, int64_t v)
{
	store_sql_bound(b, b->e->ops->bind_int(b->s, b->i, v));
}

/* Bind the next parameter to NULL. */
void
store_sql_null(struct store_bind *b)
{
	store_sql_bound(b, b->e->ops->bind_null(b->s, b->i));
}

/* Bind the next parameter to a blob. */
void
store_sql_blob(struct store_bind *b, const void *v, size_t len)
{
	store_sql_bound(b, b->e->ops->bind_blob(b->s, b->i, v, len));
}

/* The current row's column col: its kind, integer, text, blob, size. */
enum store_sql_type
store_sql_type(const struct store_bind *r, int col)
{
	return r->e->ops->type(r->s, col);
}

int64_t
store_sql_integer(const struct store_bind *r, int col)
{
	return r->e->ops->integer(r->s, col);
}

const char *
store_sql_text_of(const struct store_bind *r, int col)
{
	return r->e->ops->text(r->s, col);
}

const void *
store_sql_blob_of(const struct store_bind *r, int col)
{
	return r->e->ops->blob(r->s, col);
}

size_t
store_sql_bytes(const struct store_bind *r, int col)
{
	return r->e->ops->bytes(r->s, col);
}

/* The rows the last write of e changed. */
int64_t
store_sql_changes(struct store_engine *e)
{
	return e->ops->changes(e->conn);
}

/* Step a bound write statement once and reset it; STORE_SQL_OK or an error. */
int
store_sql_write(struct store_bind *b)
{
	int	 rc = b->rc;

	if (rc == STORE_SQL_OK) {
		rc = b->e->ops->step(b->e->conn, b->s);
		if (rc == STORE_SQL_DONE)
			rc = STORE_SQL_OK;
	}
	store_sql_reset(b);
	return rc;
}

/* Run a statement without parameters or rows (BEGIN, COMMIT...). */
int
store_sql_exec(struct store_engine *e, enum store_stmt i)
{
	struct store_bind	 b;

	store_sql_bind(e, i, &b);
	return store_sql_write(&b);
}

/* Step a bound statement of one row; the caller reads it and resets. */
int
store_sql_step(struct store_bind *b)
{
	if (b->rc != STORE_SQL_OK)
		return b->rc;
	return b->e->ops->step(b->e->conn, b->s);
}

/* Copy text column col into the job. */
int
store_sql_col(struct store_job *j, const struct store_bind *s, int col,
    const char **out)
{
	const char	*v;

	*out = NULL;
	if (store_sql_type(s, col) == STORE_SQL_NULL)
		return 0;
	v = store_sql_text_of(s, col);
	if (v == NULL)
		return -1;	/* out of memory converting */
	return store_job_copy(j, v, store_sql_bytes(s, col), out);
}

/* Seal v as column of row id into the job and bind it; NULL binds NULL. */
void
store_sql_sealed(struct store_engine *e, struct store_job *j,
    struct store_bind *b, const char *column, int64_t id, const char *v)
{
	uint8_t	*buf;
	size_t	 len;

	if (v == NULL) {
		store_sql_null(b);
		return;
	}
	len = strlen(v);
	buf = store_job_alloc(j, len + STORE_CRYPT_OVERHEAD);
	if (buf == NULL || store_crypt_seal(e->key, &e->nonces, column, id, v,
	    len, buf) == -1) {
		if (b->rc == STORE_SQL_OK)
			b->rc = STORE_SQL_NOMEM;
		b->i++;
		return;
	}
	store_sql_blob(b, buf, len + STORE_CRYPT_OVERHEAD);
}

/* Open the sealed column col of s (column of row id) into the job. */
int
store_sql_opened(struct store_engine *e, struct store_job *j,
    const struct store_bind *s, int col, const char *column, int64_t id,
    const char **out)
{
	const uint8_t	*v;
	char		*p;
	int		 len;

	*out = NULL;
	if (store_sql_type(s, col) == STORE_SQL_NULL)
		return 0;
	if (store_sql_type(s, col) != STORE_SQL_BLOB)
		goto bad;
	v = store_sql_blob_of(s, col);
	len = store_sql_bytes(s, col);
	if (v == NULL || len < STORE_CRYPT_OVERHEAD)
		goto bad;
	p = store_job_alloc(j, (size_t)len - STORE_CRYPT_OVERHEAD + 1);
	if (p == NULL)
		return -1;
	if (store_crypt_open(e->key, column, id, v, (size_t)len, p) == -1)
		goto bad;
	*out = p;
	return 0;

bad:
	/* Names the value, never shows it. */
	log_warnx("store: %s of row %lld does not decrypt (another key, "
	    "another row's value, or altered)", column, (long long)id);
	return -1;
}

/* Read the STORE_CB_COLS of the current row from column c on into r. */
int
store_sql_row(struct store_engine *e, struct store_job *j,
    const struct store_bind *s, int c, struct store_callback *r)
{
	int64_t	 id;
	int	 state;

	id = r->id = store_sql_integer(s, c + 0);
	if (store_sql_ref(s, c + 1, r->ref) == -1 ||
	    store_sql_col(j, s, c + 2, &r->channel) == -1 ||
	    store_sql_opened(e, j, s, c + 3, STORE_COL_PHONE, id,
	    &r->phone) == -1 ||
	    store_sql_opened(e, j, s, c + 4, STORE_COL_SAFE_TO_CALL, id,
	    &r->safe_to_call) == -1 ||
	    store_sql_opened(e, j, s, c + 5, STORE_COL_SAFE_NUMBER, id,
	    &r->safe_number) == -1 ||
	    store_sql_opened(e, j, s, c + 6, STORE_COL_WINDOW, id,
	    &r->window) == -1 ||
	    store_sql_opened(e, j, s, c + 7, STORE_COL_COVER, id,
	    &r->cover) == -1)
		return -1;
	r->urgent = (int)store_sql_integer(s, c + 8);
	if (store_sql_opened(e, j, s, c + 9, STORE_COL_PROVINCE, id,
	    &r->province) == -1 ||
	    store_sql_opened(e, j, s, c + 10, STORE_COL_TOPIC, id,
	    &r->topic) == -1 ||
	    store_sql_col(j, s, c + 11, &r->lang) == -1)
		return -1;
	state = (int)store_sql_integer(s, c + 12);
	if (state < STORE_OPEN || state > STORE_COMPLETED) {
		log_warnx("store: row %lld has an invalid state %d",
		    (long long)r->id, state);
		return -1;
	}
	r->state = (enum store_state)state;
	if (store_sql_col(j, s, c + 13, &r->claimed_by) == -1 ||
	    store_sql_col(j, s, c + 14, &r->outcome) == -1)
		return -1;
	r->created_at = store_sql_integer(s, c + 15);
	r->updated_at = store_sql_integer(s, c + 16);
	r->next_action_at = store_sql_integer(s, c + 17);
	r->rounds = (int)store_sql_integer(s, c + 18);
	r->failures = (int)store_sql_integer(s, c + 19);
	r->attempts = (int)store_sql_integer(s, c + 20);
	r->asked_again = (int)store_sql_integer(s, c + 21);
	r->warn_unsafe = (int)store_sql_integer(s, c + 22);
	r->intake = (int)store_sql_integer(s, c + 23);
	if (store_sql_col(j, s, c + 24, &r->session_end) == -1 ||
	    store_sql_col(j, s, c + 25, &r->reason) == -1)
		return -1;
	r->claimed_at = store_sql_integer(s, c + 26);
	r->call_from = store_sql_integer(s, c + 27);
	return 0;
}

/* Step a bound query, one result element of size elem made by fill a row. */
int
store_sql_each(struct store_engine *e, struct store_job *j,
    struct store_bind *b, size_t elem, store_sql_fill_fn fill)
{
	void	*p;
	int	 rc = b->rc;

	while (rc == STORE_SQL_OK || rc == STORE_SQL_ROW) {
		rc = b->e->ops->step(b->e->conn, b->s);
		if (rc != STORE_SQL_ROW)
			break;
		p = store_job_res_add(j, elem);
		if (p == NULL || fill(e, j, b, p) == -1)
			rc = STORE_SQL_NOMEM;
	}
	if (rc == STORE_SQL_DONE)
		rc = STORE_SQL_OK;
	store_sql_reset(b);
	return rc;
}

/* Fill a callback row from the current row. */
int
store_sql_fill_row(struct store_engine *e, struct store_job *j,
    const struct store_bind *s, void *p)
{
	return store_sql_row(e, j, s, 0, p);
}

/* Append each callback row of a bound query to the job's results. */
int
store_sql_rows(struct store_engine *e, struct store_job *j,
    struct store_bind *b)
{
	return store_sql_each(e, j, b, sizeof(struct store_callback),
	    store_sql_fill_row);
}

/* Run a listing query with parameters (v, j->max) into the job's results. */
enum store_rc
store_sql_list(struct store_engine *e, struct store_job *j,
    enum store_stmt i, int64_t v, size_t elem, store_sql_fill_fn fill,
    const char *what)
{
	struct store_bind	 b;

	store_sql_bind(e, i, &b);
	store_sql_int(&b, v);
	store_sql_int(&b, j->max);
	if (store_sql_each(e, j, &b, elem, fill) != STORE_SQL_OK) {
		store_sql_err(e, what);
		return STORE_ERR;
	}
	return STORE_OK;
}

/* Step a bound query of one row and read its first column as an integer. */
int
store_sql_one(struct store_bind *b, int64_t *v)
{
	int	 rc;

	rc = store_sql_step(b);
	if (rc == STORE_SQL_ROW)
		*v = store_sql_integer(b, 0);
	store_sql_reset(b);
	return rc;
}

/* Copy a case reference from column col; -1 if NULL or too long. */
int
store_sql_ref(const struct store_bind *s, int col, char ref[STORE_REF_SIZE])
{
	const char	*v;
	size_t		 len;

	v = store_sql_text_of(s, col);
	if (v == NULL)
		return -1;
	len = strlen(v);
	if (len >= STORE_REF_SIZE)
		return -1;
	memcpy(ref, v, len + 1);
	return 0;
}

/* Append the one row of ref, id or dedup (whichever stmt i takes). */
int
store_sql_fetch(struct store_engine *e, struct store_job *j,
    enum store_stmt i, const char *ref, int64_t id)
{
	struct store_bind	 b;

	store_sql_bind(e, i, &b);
	if (i == ST_CB_BY_REF)
		store_sql_text(&b, ref);
	else if (i == ST_CB_BY_ID)
		store_sql_int(&b, id);
	else
		store_sql_blob(&b, j->dedup, sizeof(j->dedup));
	return store_sql_rows(e, j, &b);
}

/* Why a write of request id changed nothing: no such row, or a conflict. */
enum store_rc
store_sql_unchanged(struct store_engine *e, struct store_job *j, int64_t id,
    const char *what)
{
	if (store_sql_fetch(e, j, ST_CB_BY_ID, NULL, id) != STORE_SQL_OK) {
		store_sql_err(e, what);
		return STORE_ERR;
	}
	return j->nres > 0 ? STORE_CONFLICT : STORE_NOTFOUND;
}

/* The next row id of a table, picked first: it is sealed into values. */
int
store_sql_next_id(struct store_engine *e, enum store_stmt i, int64_t *id)
{
	struct store_bind	 b;

	*id = 0;
	store_sql_bind(e, i, &b);
	return store_sql_one(&b, id) == STORE_SQL_ROW && *id > 0 ? 0 : -1;
}

/* Bind a keyed hash, or NULL when there is none. */
void
store_sql_hash(struct store_bind *b, const uint8_t *h, int have)
{
	if (have)
		store_sql_blob(b, h, STORE_DEDUP_LEN);
	else
		store_sql_null(b);
}
