/* SPDX-License-Identifier: ISC */
/*
 * store_sqlite_backend: the SQLite backend's table of operations. It sits
 * in a file of its own so that the files behind it (store_sqlite.c, the
 * engine; store_sqlite_backup.c; store_sqlite_rotate.c, which opens an
 * engine of its own) depend on one another in one direction only.
 */
#include <stdatomic.h>
#include <stdint.h>

#include <sqlite3.h>

#include "store_backend.h"
#include "store_sqlite.h"

const struct store_backend store_backend_sqlite = {
	.name = "sqlite",
	.open = store_sqlite_open,
	.open_reader = store_sqlite_open_reader,
	.close = store_sqlite_close,
	.version = store_sqlite_version,
	.begin = store_sql_begin,
	.run = store_sql_run,
	.commit = store_sql_commit,
	.rollback = store_sql_rollback,
	.checkpoint = store_sqlite_checkpoint,
	.count_commits = store_sqlite_count_commits,
	.backup = store_sqlite_backup,
	.rotate = store_sqlite_rotate,
	.stats_read = store_sqlite_stats_read,
};
