/* SPDX-License-Identifier: ISC */
/*
 * store_migrate_file: what store_migrate.c copies and where from: every
 * table of the schema as both engines have it (store_sqlite.c's and
 * store_pg_sql.c's, the same columns in the same order) with each
 * column's type in PostgreSQL, and the SQLite file, opened read-only and
 * checked to be a current hotlined database under the key. Nothing but
 * store_migrate*.c includes it.
 */
#ifndef HOTLINED_STORE_MIGRATE_FILE_H
#define HOTLINED_STORE_MIGRATE_FILE_H

#include <stdint.h>

#include <sqlite3.h>

#include "store_crypt.h"

/* A column's type in PostgreSQL: bigint, text or bytea. */
enum store_migrate_type {
	SMT_INT,
	SMT_TEXT,
	SMT_BLOB
};

/* A column of a table. */
struct store_migrate_col {
	const char		*name;
	enum store_migrate_type	 type;
};

/* One table of the schema, as both engines have it. */
struct store_migrate_tab {
	const char			*name;
	const struct store_migrate_col	*cols;
	int				 ncols;
	int				 npk;	 /* the key: the first npk
						    columns (1 to 4) */
	const char			*filter; /* SQLite: rows to copy, or
						    NULL */
	int				 seq;	 /* ids from a sequence of
						    its own */
};

/* The tables, parents before the tables that refer to them. */
#define STORE_MIGRATE_NTABS	11
extern const struct store_migrate_tab store_migrate_tabs[STORE_MIGRATE_NTABS];

/* The one integer sql yields on db, or -1. */
int64_t		 store_migrate_file_int(sqlite3 *db, const char *sql);

/*
 * Open the SQLite file at path read-only and check that it is a current
 * hotlined database with the tables and columns of store_migrate_tabs,
 * under keys, with no key rotation half done; then begin the one read
 * transaction every later read of the copy is in. The connection (close
 * it with sqlite3_close), or NULL with *cause.
 */
sqlite3		*store_migrate_file_open(const char *path,
		    const struct store_keys *keys, char **cause);

#endif
