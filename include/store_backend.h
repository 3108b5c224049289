/* SPDX-License-Identifier: ISC */
/*
 * store_backend: what the store needs from a database engine, as a table
 * of operations (after OpenSMTPD's queue_backend). The store opens one
 * engine, the writer thread runs batches of jobs on it (begin, run each
 * job, commit), and the store closes it. SQLite is the embedded default;
 * another engine is one more file exporting one struct store_backend.
 * Nothing outside the store includes it.
 */
#ifndef HOTLINED_STORE_BACKEND_H
#define HOTLINED_STORE_BACKEND_H

#include <stdatomic.h>
#include <stdint.h>

#include "store.h"
#include "store_crypt.h"
#include "store_job.h"

/* One open database of a backend; each backend defines its own. */
struct event_base;
struct store_engine;
struct store_listen;

/*
 * open and version run on the loop thread before the writer thread
 * starts, close after it stopped; every other operation runs on the
 * writer thread alone, which then owns the engine.
 */
struct store_backend {
	const char	*name;
	/*
	 * The prefixes of the database names it opens ("postgresql://"),
	 * NULL-terminated; NULL: a file path, the default.
	 */
	const char *const *schemes;

	/*
	 * 1 if several daemons may share a database of it: they keep their
	 * sessions in it (store_session_put) and run the work that must run
	 * once under its lease (store_lease). 0: one daemon a database.
	 */
	int		 shared;

	/*
	 * Open (creating if needed) the database at path, bring its schema
	 * up to date (encrypting a plaintext one under keys), check that
	 * keys are the database's, and keep the sealing key. Sets
	 * keys->bound once the database needs these keys. NULL with a
	 * message in *cause (a new string) on failure.
	 */
	struct store_engine *(*open)(const char *path,
	    const struct store_opts *opts, struct store_keys *keys,
	    char **cause);

	/*
	 * A second engine on the database w has open (its path), for reads
	 * alone on a thread of its own, so that a long listing never holds
	 * up a write: same keys and schema, no migration, its batches read
	 * transactions. Opened on the loop thread before either thread
	 * starts. NULL with *cause: the store then reads on the writer.
	 * May be NULL.
	 */
	struct store_engine *(*open_reader)(const char *path,
	    const struct store_engine *w, char **cause);
	/* Release everything of an engine (NULL is fine). */
	void		 (*close)(struct store_engine *e);

	/* The schema version the database is at. */
	int		 (*version)(const struct store_engine *e);

	/* Start the transaction of a batch. 0, or -1 (logged). */
	int		 (*begin)(struct store_engine *e);

	/*
	 * Run one job inside the batch, setting j->rc and its results; a
	 * job that fails (neither STORE_OK, STORE_DUP nor STORE_MERGED)
	 * leaves no change behind. Returns 0, or -1 (logged) when the
	 * transaction itself is lost and the batch must be rolled back.
	 */
	int		 (*run)(struct store_engine *e, struct store_job *j);

	/* Make the batch durable. 0, or -1 (logged). */
	int		 (*commit)(struct store_engine *e);

	/* Undo the batch, if one is still open (failures logged). */
	void		 (*rollback)(struct store_engine *e);

	/*
	 * After a committed batch that deleted rows (a job set
	 * checkpoint): fold the WAL into the file and truncate it, so that
	 * deleted values leave the log too. Failures are logged. May be
	 * NULL.
	 */
	void		 (*checkpoint)(struct store_engine *e);

	/*
	 * Tests only: from now on add one to *counter (NULL: stop) for
	 * every transaction the engine commits. May be NULL.
	 */
	void		 (*count_commits)(struct store_engine *e,
			    atomic_ulong *counter);

	/*
	 * Copy the database at path into a new file dest (never replacing
	 * one), while a daemon may be using the database: only what the
	 * database holds (ciphertext), checked under the key in key_file
	 * before it takes dest's name. Runs without an engine, on the
	 * calling thread. 0 with the pages copied in *pages, or -1 with
	 * *cause (a new string) and no file left. NULL: the backend makes
	 * no backups of its own (use the engine's tools).
	 */
	int		 (*backup)(const char *path, const char *key_file,
			    const char *dest, int64_t *pages, char **cause);

	/*
	 * Re-encrypt the database at path (no engine open) from keys to
	 * next, resumably, as store_rotate says; or, when it is under next
	 * already, only say so. Sets next->bound once the database needs
	 * next, and *finished once it is wholly under next. 0, or -1 with
	 * *cause set. May be NULL: the backend cannot rotate.
	 */
	int		 (*rotate)(const char *path,
			    const struct store_opts *opts,
			    struct store_keys *keys, struct store_keys *next,
			    const struct store_rotate_opts *ro, int *finished,
			    char **cause);

	/*
	 * Read the daily aggregates of the days from to to (inclusive,
	 * "YYYY-MM-DD") of the database at path, opened read-only beside a
	 * running daemon, summed by month, and the sealed counts of those
	 * months under the key in key_file, as store_stats_read says. May
	 * be NULL: the backend keeps none.
	 */
	int		 (*stats_read)(const char *path,
			    const struct store_opts *opts, const char *key_file,
			    const char *from, const char *to,
			    store_stats_row_cb cb, void *arg, char **cause);

	/*
	 * Hear the wake-up hints the other daemons on the database send
	 * (SJ_HINT), on a connection of its own watched by base's loop:
	 * woken(arg) on each. Connected at start (blocking, as open is);
	 * made again without blocking when the server drops it. NULL with
	 * *cause on failure. May be NULL (with listen_free): no hints.
	 */
	struct store_listen *(*listen)(const char *path,
			    const struct store_opts *opts,
			    struct event_base *base, void (*woken)(void *),
			    void *arg, char **cause);
	void		 (*listen_free)(struct store_listen *l);
};

/* The embedded default: one SQLite file (store_sqlite.c, store_jobs*.c). */
extern const struct store_backend	store_backend_sqlite;

/* A PostgreSQL database, shared by several instances (store_pg.c). */
extern const struct store_backend	store_backend_pg;

/* The backend of database name path: by its scheme, else SQLite. */
const struct store_backend *store_backend_for(const char *path);

#endif
