/* SPDX-License-Identifier: ISC */
/*
 * store_sqlite_stmt: how the SQLite backend uses its prepared statements:
 * binding parameters (the first error of a series kept; personal values
 * sealed), stepping, resetting, and copying rows into a job's memory
 * (personal values opened). It holds no SQL text
 * (store_sqlite.c does) and decides nothing about requests (store_jobs*.c
 * do).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <sqlite3.h>

#include "log.h"
#include "store_crypt.h"
#include "store_sqlite.h"

_Static_assert(sizeof(((struct store_callback *)0)->ref) == STORE_REF_SIZE &&
    sizeof(((struct store_failing *)0)->ref) == STORE_REF_SIZE,
    "store_sqlite_ref copies case references of STORE_REF_SIZE");

/*
 * Log the connection's last error; SQLite messages carry no row values.
 * Without one, a row could not be read (out of memory, or a value that
 * does not open, already logged).
 */
void
store_sqlite_err(struct store_engine *e, const char *what)
{
	if (sqlite3_errcode(e->db) == SQLITE_OK)
		log_warnx("store: %s: a row could not be read", what);
	else
		log_warnx("store: %s: %s", what, sqlite3_errmsg(e->db));
}

/* Reset a statement and drop its bindings, ready for the next use. */
void
store_sqlite_reset(sqlite3_stmt *s)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

/* Start binding statement i from parameter 1. */
sqlite3_stmt *
store_sqlite_bind(struct store_engine *e, enum store_stmt i,
    struct store_bind *b)
{
	b->s = e->stmt[i];
	b->i = 1;
	b->rc = SQLITE_OK;
	return b->s;
}

/* Bind the next parameter to text (NULL binds NULL). */
void
store_sqlite_text(struct store_bind *b, const char *v)
{
	int	 rc;

	if (v == NULL)
		rc = sqlite3_bind_null(b->s, b->i++);
	else
		rc = sqlite3_bind_text(b->s, b->i++, v, -1, SQLITE_STATIC);
	if (b->rc == SQLITE_OK)
		b->rc = rc;
}

/* Bind the next parameter to an integer. */
void
store_sqlite_int(struct store_bind *b, int64_t v)
{
	int	 rc;

	rc = sqlite3_bind_int64(b->s, b->i++, v);
	if (b->rc == SQLITE_OK)
		b->rc = rc;
}

/* Bind the next parameter to NULL. */
void
store_sqlite_null(struct store_bind *b)
{
	int	 rc;

	rc = sqlite3_bind_null(b->s, b->i++);
	if (b->rc == SQLITE_OK)
		b->rc = rc;
}

/* Bind the next parameter to a blob. */
void
store_sqlite_blob(struct store_bind *b, const void *v, size_t len)
{
	int	 rc;

	rc = sqlite3_bind_blob(b->s, b->i++, v, (int)len, SQLITE_STATIC);
	if (b->rc == SQLITE_OK)
		b->rc = rc;
}

/* Step a bound write statement once and reset it; SQLITE_OK or an error. */
int
store_sqlite_write(struct store_bind *b)
{
	int	 rc = b->rc;

	if (rc == SQLITE_OK) {
		rc = sqlite3_step(b->s);
		if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	store_sqlite_reset(b->s);
	return rc;
}

/* Run a statement without parameters or rows (BEGIN, COMMIT...). */
int
store_sqlite_exec(struct store_engine *e, enum store_stmt i)
{
	struct store_bind	 b;

	store_sqlite_bind(e, i, &b);
	return store_sqlite_write(&b);
}

/* Step a bound statement of one row; the caller reads it and resets. */
int
store_sqlite_step(struct store_bind *b)
{
	return b->rc == SQLITE_OK ? sqlite3_step(b->s) : b->rc;
}

/* Copy text column col into the job. */
int
store_sqlite_col(struct store_job *j, sqlite3_stmt *s, int col,
    const char **out)
{
	const char	*v;

	*out = NULL;
	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return 0;
	v = (const char *)sqlite3_column_text(s, col);
	if (v == NULL)
		return -1;	/* out of memory converting */
	return store_job_copy(j, v, (size_t)sqlite3_column_bytes(s, col), out);
}

/* Seal v as column of row id into the job and bind it; NULL binds NULL. */
void
store_sqlite_sealed(struct store_engine *e, struct store_job *j,
    struct store_bind *b, const char *column, int64_t id, const char *v)
{
	uint8_t	*buf;
	size_t	 len;

	if (v == NULL) {
		store_sqlite_null(b);
		return;
	}
	len = strlen(v);
	buf = store_job_alloc(j, len + STORE_CRYPT_OVERHEAD);
	if (buf == NULL ||
	    store_crypt_seal(e->key, &e->nonces, column, id, v, len, buf) == -1) {
		if (b->rc == SQLITE_OK)
			b->rc = SQLITE_NOMEM;
		b->i++;
		return;
	}
	store_sqlite_blob(b, buf, len + STORE_CRYPT_OVERHEAD);
}

/* Open the sealed column col of s (column of row id) into the job. */
int
store_sqlite_opened(struct store_engine *e, struct store_job *j,
    sqlite3_stmt *s, int col, const char *column, int64_t id,
    const char **out)
{
	const uint8_t	*v;
	char		*p;
	int		 len;

	*out = NULL;
	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return 0;
	if (sqlite3_column_type(s, col) != SQLITE_BLOB)
		goto bad;
	v = sqlite3_column_blob(s, col);
	len = sqlite3_column_bytes(s, col);
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
store_sqlite_row(struct store_engine *e, struct store_job *j, sqlite3_stmt *s,
    int c, struct store_callback *r)
{
	int64_t	 id;
	int	 state;

	id = r->id = sqlite3_column_int64(s, c + 0);
	if (store_sqlite_ref(s, c + 1, r->ref) == -1 ||
	    store_sqlite_col(j, s, c + 2, &r->channel) == -1 ||
	    store_sqlite_opened(e, j, s, c + 3, STORE_COL_PHONE, id,
	    &r->phone) == -1 ||
	    store_sqlite_opened(e, j, s, c + 4, STORE_COL_SAFE_TO_CALL, id,
	    &r->safe_to_call) == -1 ||
	    store_sqlite_opened(e, j, s, c + 5, STORE_COL_SAFE_NUMBER, id,
	    &r->safe_number) == -1 ||
	    store_sqlite_opened(e, j, s, c + 6, STORE_COL_WINDOW, id,
	    &r->window) == -1 ||
	    store_sqlite_opened(e, j, s, c + 7, STORE_COL_COVER, id,
	    &r->cover) == -1)
		return -1;
	r->urgent = sqlite3_column_int(s, c + 8);
	if (store_sqlite_opened(e, j, s, c + 9, STORE_COL_PROVINCE, id,
	    &r->province) == -1 ||
	    store_sqlite_opened(e, j, s, c + 10, STORE_COL_TOPIC, id,
	    &r->topic) == -1 ||
	    store_sqlite_col(j, s, c + 11, &r->lang) == -1)
		return -1;
	state = sqlite3_column_int(s, c + 12);
	if (state < STORE_OPEN || state > STORE_COMPLETED) {
		log_warnx("store: row %lld has an invalid state %d",
		    (long long)r->id, state);
		return -1;
	}
	r->state = (enum store_state)state;
	if (store_sqlite_col(j, s, c + 13, &r->claimed_by) == -1 ||
	    store_sqlite_col(j, s, c + 14, &r->outcome) == -1)
		return -1;
	r->created_at = sqlite3_column_int64(s, c + 15);
	r->updated_at = sqlite3_column_int64(s, c + 16);
	r->next_action_at = sqlite3_column_int64(s, c + 17);
	r->rounds = sqlite3_column_int(s, c + 18);
	r->failures = sqlite3_column_int(s, c + 19);
	r->attempts = sqlite3_column_int(s, c + 20);
	r->asked_again = sqlite3_column_int(s, c + 21);
	r->warn_unsafe = sqlite3_column_int(s, c + 22);
	r->intake = sqlite3_column_int(s, c + 23);
	if (store_sqlite_col(j, s, c + 24, &r->session_end) == -1 ||
	    store_sqlite_col(j, s, c + 25, &r->reason) == -1)
		return -1;
	r->claimed_at = sqlite3_column_int64(s, c + 26);
	r->call_from = sqlite3_column_int64(s, c + 27);
	return 0;
}

/* Step a bound query, one result element of size elem made by fill a row. */
int
store_sqlite_each(struct store_engine *e, struct store_job *j,
    struct store_bind *b, size_t elem, store_sqlite_fill_fn fill)
{
	void	*p;
	int	 rc = b->rc;

	while (rc == SQLITE_OK || rc == SQLITE_ROW) {
		rc = sqlite3_step(b->s);
		if (rc != SQLITE_ROW)
			break;
		p = store_job_res_add(j, elem);
		if (p == NULL || fill(e, j, b->s, p) == -1)
			rc = SQLITE_NOMEM;
	}
	if (rc == SQLITE_DONE)
		rc = SQLITE_OK;
	store_sqlite_reset(b->s);
	return rc;
}

/* Fill a callback row from the current row. */
int
store_sqlite_fill_row(struct store_engine *e, struct store_job *j,
    sqlite3_stmt *s, void *p)
{
	return store_sqlite_row(e, j, s, 0, p);
}

/* Append each callback row of a bound query to the job's results. */
int
store_sqlite_rows(struct store_engine *e, struct store_job *j,
    struct store_bind *b)
{
	return store_sqlite_each(e, j, b, sizeof(struct store_callback),
	    store_sqlite_fill_row);
}

/* Run a listing query with parameters (v, j->max) into the job's results. */
enum store_rc
store_sqlite_list(struct store_engine *e, struct store_job *j,
    enum store_stmt i, int64_t v, size_t elem, store_sqlite_fill_fn fill,
    const char *what)
{
	struct store_bind	 b;

	store_sqlite_bind(e, i, &b);
	store_sqlite_int(&b, v);
	store_sqlite_int(&b, j->max);
	if (store_sqlite_each(e, j, &b, elem, fill) != SQLITE_OK) {
		store_sqlite_err(e, what);
		return STORE_ERR;
	}
	return STORE_OK;
}

/* Step a bound query of one row and read its first column as an integer. */
int
store_sqlite_one(struct store_bind *b, int64_t *v)
{
	int	 rc;

	rc = store_sqlite_step(b);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(b->s, 0);
	store_sqlite_reset(b->s);
	return rc;
}

/* Copy a case reference from column col; -1 if NULL or too long. */
int
store_sqlite_ref(sqlite3_stmt *s, int col, char ref[STORE_REF_SIZE])
{
	const char	*v;
	size_t		 len;

	v = (const char *)sqlite3_column_text(s, col);
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
store_sqlite_fetch(struct store_engine *e, struct store_job *j,
    enum store_stmt i, const char *ref, int64_t id)
{
	struct store_bind	 b;

	store_sqlite_bind(e, i, &b);
	if (i == ST_CB_BY_REF)
		store_sqlite_text(&b, ref);
	else if (i == ST_CB_BY_ID)
		store_sqlite_int(&b, id);
	else
		store_sqlite_blob(&b, j->dedup, sizeof(j->dedup));
	return store_sqlite_rows(e, j, &b);
}

/* Why a write of request id changed nothing: no such row, or a conflict. */
enum store_rc
store_sqlite_unchanged(struct store_engine *e, struct store_job *j, int64_t id,
    const char *what)
{
	if (store_sqlite_fetch(e, j, ST_CB_BY_ID, NULL, id) != SQLITE_OK) {
		store_sqlite_err(e, what);
		return STORE_ERR;
	}
	return j->nres > 0 ? STORE_CONFLICT : STORE_NOTFOUND;
}

/* The next row id of a table, picked first: it is sealed into values. */
int
store_sqlite_next_id(struct store_engine *e, enum store_stmt i, int64_t *id)
{
	struct store_bind	 b;

	*id = 0;
	store_sqlite_bind(e, i, &b);
	return store_sqlite_one(&b, id) == SQLITE_ROW && *id > 0 ? 0 : -1;
}

/* Bind a keyed hash, or NULL when there is none. */
void
store_sqlite_hash(struct store_bind *b, const uint8_t *h, int have)
{
	if (have)
		store_sqlite_blob(b, h, STORE_DEDUP_LEN);
	else
		store_sqlite_null(b);
}
