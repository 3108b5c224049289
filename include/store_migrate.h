/* SPDX-License-Identifier: ISC */
/*
 * store_migrate: the copy of a SQLite database into a PostgreSQL one, as
 * hotlinectl migrate-store runs it, with no daemon on either. Values are
 * copied as they are stored (sealed values byte for byte: their row ids
 * and the key stay the same), table by table in key order, in batches
 * that each commit, so that a run cut short carries on where the last
 * commit left it. Taking the file's lock is the caller's business.
 */
#ifndef HOTLINED_STORE_MIGRATE_H
#define HOTLINED_STORE_MIGRATE_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* What became of one table. Counts only: never a value. */
struct store_migrate_table {
	const char	*name;
	int64_t		 source;	/* rows of the file */
	int64_t		 before;	/* rows the database held already */
	int64_t		 copied;	/* rows this run inserted */
	int64_t		 target;	/* rows the database holds now */
};

/* Called once a table is copied and counted. */
typedef void (*store_migrate_table_cb)(const struct store_migrate_table *t,
    void *arg);

/* Called after each batch is committed: how many so far in this run. */
typedef void (*store_migrate_batch_cb)(size_t batches, void *arg);

/* How store_migrate runs. */
struct store_migrate_opts {
	size_t			 batch;		/* rows per transaction; 0 means
						   500, at most 1000 */
	store_migrate_table_cb	 table;		/* or NULL */
	store_migrate_batch_cb	 committed;	/* or NULL */
	void			*arg;
};

/*
 * Copy the hotlined SQLite file from into the PostgreSQL database to
 * (its password file and key file in opts, the key the file's own),
 * making or migrating its schema as the daemon does, and holding the
 * daemon's lock on it meanwhile. Refused, before anything is written,
 * when to is not a server's database, from is not a current hotlined
 * file, is under another key or has a key rotation half done, or when the
 * database holds rows that are not the file's. Rows the database holds
 * already (an earlier run's) are not copied again. At the end every id
 * sequence is set above the highest id the file ever gave and each
 * table's rows are counted on both sides. Returns 0, or -1 with *cause
 * (a new string, which names no value).
 */
int		 store_migrate(const char *from, const char *to,
		    const struct store_opts *opts,
		    const struct store_migrate_opts *mo, char **cause);

#endif
