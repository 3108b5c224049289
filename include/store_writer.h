/* SPDX-License-Identifier: ISC */
/*
 * store_writer: the store's writer thread and its queue. The loop submits
 * jobs; the thread takes up to max_batch of them at a time, runs them in
 * one transaction of a backend (group commit) and hands them back through
 * a notify descriptor, so that their completions run on the loop once the
 * batch is durable. It knows no SQL; the backend knows no thread. Nothing
 * outside the store includes it.
 */
#ifndef HOTLINED_STORE_WRITER_H
#define HOTLINED_STORE_WRITER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct event_base;
struct store_backend;
struct store_engine;
struct store_job;
struct store_writer;

/*
 * Start the writer thread on engine (opened by ops, and the thread's
 * alone from now on until store_writer_free returns), and watch its
 * notifications on base. max_batch is the most jobs in one transaction
 * (1: no group commit). NULL with a message in *cause (a new string).
 */
struct store_writer	*store_writer_new(struct event_base *base,
			    const struct store_backend *ops,
			    struct store_engine *engine, size_t max_batch,
			    char **cause);

/*
 * Finish every queued job and run their completions on the calling
 * thread, then stop the thread; jobs submitted meanwhile (from those
 * completions) are refused. The engine is left open. NULL is fine.
 */
void		 store_writer_free(struct store_writer *w);

/*
 * Queue j for the writer thread, which owns it until its completion has
 * run on the loop; then it is freed. Returns 0, or -1 once closing or
 * when w is NULL (j is freed).
 */
int		 store_writer_submit(struct store_writer *w,
		    struct store_job *j);

/* Jobs submitted whose completion has not run yet (loop thread). */
size_t		 store_writer_pending(const struct store_writer *w);

/*
 * Have w's thread run nice steps kinder than the daemon (to 19 at most)
 * from its next batch on: the reader gives way to the loop that answers
 * the gateways.
 */
void		 store_writer_set_nice(struct store_writer *w, int nice);

/* Jobs submitted since w started (loop thread), completed or not. */
uint64_t	 store_writer_submitted(const struct store_writer *w);

/* Jobs whose completion has run (loop thread). */
uint64_t	 store_writer_completed(const struct store_writer *w);

/*
 * Call cb(arg) on the loop after each run of completions (NULL: none),
 * once the completed count has moved on.
 */
void		 store_writer_on_drain(struct store_writer *w,
		    void (*cb)(void *), void *arg);

/*
 * Tests only: have the engine count its COMMITs in *counter from the next
 * batch on (see the backend's count_commits). Returns -1 if the backend
 * cannot.
 */
int		 store_writer_count_commits(struct store_writer *w,
		    atomic_ulong *counter);

#endif
