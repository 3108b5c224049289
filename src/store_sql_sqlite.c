/* SPDX-License-Identifier: ISC */
/*
 * store_sql_sqlite: the SQLite driver of the store's statements
 * (store_sql.h): each operation is the SQLite call of the same name. Its
 * answers are SQLite's own result codes, which store_sql.h's numbers are.
 */
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "store_sql.h"
#include "store_sqlite.h"

_Static_assert(STORE_SQL_OK == SQLITE_OK && STORE_SQL_ERROR == SQLITE_ERROR &&
    STORE_SQL_NOMEM == SQLITE_NOMEM && STORE_SQL_ROW == SQLITE_ROW &&
    STORE_SQL_DONE == SQLITE_DONE, "store_sql.h's results are SQLite's");
_Static_assert((int)STORE_SQL_INTEGER == SQLITE_INTEGER &&
    (int)STORE_SQL_TEXT == SQLITE_TEXT && (int)STORE_SQL_BLOB == SQLITE_BLOB &&
    (int)STORE_SQL_NULL == SQLITE_NULL, "store_sql.h's kinds are SQLite's");

static int
sq_bind_text(void *s, int i, const char *v)
{
	return sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

static int
sq_bind_int(void *s, int i, int64_t v)
{
	return sqlite3_bind_int64(s, i, v);
}

static int
sq_bind_null(void *s, int i)
{
	return sqlite3_bind_null(s, i);
}

static int
sq_bind_blob(void *s, int i, const void *v, size_t len)
{
	if (len > INT32_MAX)
		return SQLITE_TOOBIG;
	return sqlite3_bind_blob(s, i, v, (int)len, SQLITE_STATIC);
}

static int
sq_step(void *c, void *s)
{
	(void)c;
	return sqlite3_step(s);
}

static void
sq_reset(void *s)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

static enum store_sql_type
sq_type(void *s, int col)
{
	return (enum store_sql_type)sqlite3_column_type(s, col);
}

static int64_t
sq_integer(void *s, int col)
{
	return sqlite3_column_int64(s, col);
}

static const char *
sq_text(void *s, int col)
{
	return (const char *)sqlite3_column_text(s, col);
}

static const void *
sq_blob(void *s, int col)
{
	return sqlite3_column_blob(s, col);
}

static size_t
sq_bytes(void *s, int col)
{
	return (size_t)sqlite3_column_bytes(s, col);
}

static int64_t
sq_changes(void *c)
{
	return sqlite3_changes(c);
}

static const char *
sq_error(void *c)
{
	return sqlite3_errcode(c) == SQLITE_OK ? NULL : sqlite3_errmsg(c);
}

static int
sq_in_transaction(void *c)
{
	return !sqlite3_get_autocommit(c);
}

const struct store_sql_ops store_sql_sqlite = {
	.bind_text = sq_bind_text,
	.bind_int = sq_bind_int,
	.bind_null = sq_bind_null,
	.bind_blob = sq_bind_blob,
	.step = sq_step,
	.reset = sq_reset,
	.type = sq_type,
	.integer = sq_integer,
	.text = sq_text,
	.blob = sq_blob,
	.bytes = sq_bytes,
	.changes = sq_changes,
	.error = sq_error,
	.in_transaction = sq_in_transaction,
};
