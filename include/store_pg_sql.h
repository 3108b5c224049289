/* SPDX-License-Identifier: ISC */
/*
 * store_pg_sql: the store's SQL in PostgreSQL's dialect (15 and newer):
 * the text of every statement, by the names of store_sql.h, and the
 * schema as numbered steps. Only the PostgreSQL backend includes it; it
 * holds text, and knows nothing of connections or libpq.
 */
#ifndef HOTLINED_STORE_PG_SQL_H
#define HOTLINED_STORE_PG_SQL_H

#include "store_sql.h"

/*
 * The text of every statement, by enum store_stmt: the same parameters
 * ($1, $2, ... in the order of store_sqlite.c's ?) and the same columns,
 * in the same order, as SQLite's. Integers and text are bound as text,
 * blobs in binary; every result column is int2, int4, int8, bool, text or
 * bytea.
 */
extern const char *const store_pg_sql[ST__COUNT];

/*
 * The schema, one step per element, applied in order, each in its own
 * transaction. Element 0 makes a new database at schema 7 (SQLite's
 * user_version 7) in one go; element i after it is SQLite's step 7 + i,
 * so that both engines number a schema alike.
 */
extern const char *const store_pg_schema[];
extern const int store_pg_nschema;

/*
 * The lease of the daemons on a database (store_lease): an advisory lock
 * of two int4 keys, "hotl" in ASCII and 1, held by a writer connection.
 */
#define STORE_PG_LEASE_KEY1	"1752134764"
#define STORE_PG_LEASE_KEY2	"1"

/* The channel of the wake-up hints between daemons (store_hint). */
#define STORE_PG_HINT_CHANNEL	"hotlined_due"

#endif
