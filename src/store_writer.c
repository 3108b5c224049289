/* SPDX-License-Identifier: ISC */
/*
 * store_writer: the thread that owns the store's engine, its queue, and
 * the way back to the loop. Queued jobs run together in one transaction,
 * each isolated by the backend, and go back through a pipe once COMMIT
 * has returned (group commit: the loop never waits on fsync). It calls
 * the backend only through its table of operations, and decides nothing
 * about what a job does.
 */
#include <sys/resource.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "store_backend.h"
#include "store_job.h"
#include "store_writer.h"

struct store_writer {
	const struct store_backend *ops;
	struct store_engine	*engine;	/* writer thread only, once
						   started */
	size_t			 max_batch;
	size_t			 pending;	/* loop thread only */
	uint64_t		 submitted;	/* loop thread only */
	uint64_t		 completed;	/* loop thread only */
	void			(*drained)(void *);
	void			*drained_arg;

	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	int			 sync_ready;
	pthread_t		 thread;
	int			 thread_started;
	struct store_job	*queue;		/* under lock */
	struct store_job	**queue_tail;
	struct store_job	*done;		/* under lock */
	struct store_job	**done_tail;
	int			 closing;	/* under lock */
	atomic_ulong		*commits;	/* under lock: tests' counter */
	int			 commits_new;	/* under lock: to install */
	int			 nice;		/* under lock: steps kinder */
	int			 nice_new;	/* under lock: to apply */

	int			 notify[2];	/* pipe: thread -> loop */
	struct event		*ev;
};

/* Queue a job for the writer thread; on failure the job is freed. */
int
store_writer_submit(struct store_writer *w, struct store_job *j)
{
	int	 closing;

	if (w == NULL) {	/* stopped and freed */
		store_job_free(j);
		return -1;
	}
	pthread_mutex_lock(&w->lock);
	closing = w->closing;
	if (!closing) {
		*w->queue_tail = j;
		w->queue_tail = &j->next;
		pthread_cond_signal(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
	if (closing) {
		store_job_free(j);
		return -1;
	}
	w->pending++;
	w->submitted++;
	return 0;
}

/* Take the done list and run its completions, in submission order. */
static void
store_writer_drain(struct store_writer *w)
{
	struct store_job	*list, *j, *next;

	pthread_mutex_lock(&w->lock);
	list = w->done;
	w->done = NULL;
	w->done_tail = &w->done;
	pthread_mutex_unlock(&w->lock);
	for (j = list; j != NULL; j = next) {
		next = j->next;
		w->pending--;
		w->completed++;
		store_job_complete(j);
		store_job_free(j);
	}
	if (list != NULL && w->drained != NULL)
		w->drained(w->drained_arg);
}

/* The writer thread finished a batch: drain the pipe, then the list. */
static void
store_writer_notify_cb(evutil_socket_t fd, short what, void *arg)
{
	struct store_writer	*w = arg;
	char			 buf[64];

	(void)what;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	store_writer_drain(w);
}

/* Fail every job of a list from j on (their results are dropped). */
static void
store_writer_fail_from(struct store_job *j)
{
	for (; j != NULL; j = j->next) {
		j->rc = STORE_ERR;
		j->nres = 0;
	}
}

/*
 * Lower the calling thread's own priority by nice steps, to 19 at most
 * (Linux keeps one per thread, and lowering needs no privilege): a
 * failure only leaves it where it was.
 */
static void
store_writer_renice(int nice)
{
#ifdef __linux__
	id_t	 tid = (id_t)gettid();
	int	 cur;

	errno = 0;
	cur = getpriority(PRIO_PROCESS, tid);
	if ((cur == -1 && errno != 0) || setpriority(PRIO_PROCESS, tid,
	    cur + nice > 19 ? 19 : cur + nice) == -1)
		log_warnx("store: cannot lower a thread's priority");
#else
	(void)nice;
#endif
}

/*
 * Run a batch in one transaction, each job isolated by the backend so
 * that a failing job is undone alone. If the transaction itself fails
 * (begin, commit, or the engine losing it), every job of the batch fails.
 */
static void
store_writer_batch(struct store_writer *w, struct store_job *batch)
{
	const struct store_backend	*ops = w->ops;
	struct store_job		*j;

	if (ops->begin(w->engine) == -1) {
		store_writer_fail_from(batch);
		return;
	}
	for (j = batch; j != NULL; j = j->next)
		if (ops->run(w->engine, j) == -1)
			goto abort;
	if (ops->commit(w->engine) == 0) {
		/* Outside the transaction: a checkpoint cannot run in one. */
		for (j = batch; j != NULL; j = j->next)
			if (j->checkpoint && j->rc == STORE_OK)
				break;
		if (j != NULL && ops->checkpoint != NULL)
			ops->checkpoint(w->engine);
		return;
	}

abort:
	ops->rollback(w->engine);
	store_writer_fail_from(batch);
}

/* Wake the loop; a full pipe already means "look". */
static void
store_writer_wake(struct store_writer *w)
{
	ssize_t	 n;

	do {
		n = write(w->notify[1], "", 1);
	} while (n == -1 && errno == EINTR);
}

/*
 * The writer thread: take up to max_batch jobs, run them in a transaction,
 * hand them to the loop. Exits when closing and the queue is empty.
 */
static void *
store_writer_thread(void *arg)
{
	struct store_writer	*w = arg;
	struct store_job	*batch, *last;
	atomic_ulong		*commits;
	size_t			 n;
	int			 wake, count, nice;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (w->queue == NULL && !w->closing)
			pthread_cond_wait(&w->cond, &w->lock);
		if (w->queue == NULL)
			break;
		batch = last = w->queue;
		for (n = 1; n < w->max_batch && last->next != NULL; n++)
			last = last->next;
		w->queue = last->next;
		if (w->queue == NULL)
			w->queue_tail = &w->queue;
		last->next = NULL;
		count = w->commits_new;
		commits = w->commits;
		w->commits_new = 0;
		nice = w->nice_new ? w->nice : 0;
		w->nice_new = 0;
		pthread_mutex_unlock(&w->lock);
		if (nice != 0)
			store_writer_renice(nice);

		/* The engine is this thread's: change its hook here. */
		if (count)
			w->ops->count_commits(w->engine, commits);
		store_writer_batch(w, batch);

		pthread_mutex_lock(&w->lock);
		wake = w->done == NULL;
		*w->done_tail = batch;
		w->done_tail = &last->next;
		pthread_mutex_unlock(&w->lock);
		if (wake)
			store_writer_wake(w);
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* Make the pipe back to the loop, watch it, and start the thread. */
struct store_writer *
store_writer_new(struct event_base *base, const struct store_backend *ops,
    struct store_engine *engine, size_t max_batch, char **cause)
{
	struct store_writer	*w;
	sigset_t		 all, old;
	int			 i, rc;

	*cause = NULL;
	w = calloc(1, sizeof(*w));
	if (w == NULL) {
		store_job_cause(cause, "out of memory");
		return NULL;
	}
	w->ops = ops;
	w->engine = engine;
	w->max_batch = max_batch > 0 ? max_batch : 1;
	w->notify[0] = w->notify[1] = -1;
	w->queue_tail = &w->queue;
	w->done_tail = &w->done;

	if (pipe(w->notify) == -1) {
		w->notify[0] = w->notify[1] = -1;
		store_job_cause(cause, "pipe: %s", strerror(errno));
		goto fail;
	}
	for (i = 0; i < 2; i++) {
		if (fcntl(w->notify[i], F_SETFL, O_NONBLOCK) == -1 ||
		    fcntl(w->notify[i], F_SETFD, FD_CLOEXEC) == -1) {
			store_job_cause(cause, "fcntl: %s", strerror(errno));
			goto fail;
		}
	}
	w->ev = event_new(base, w->notify[0], EV_READ | EV_PERSIST,
	    store_writer_notify_cb, w);
	if (w->ev == NULL || event_add(w->ev, NULL) == -1) {
		store_job_cause(cause,
		    "cannot watch the store's notifications");
		goto fail;
	}

	if (pthread_mutex_init(&w->lock, NULL) != 0)
		goto fail_thread;
	if (pthread_cond_init(&w->cond, NULL) != 0) {
		pthread_mutex_destroy(&w->lock);
		goto fail_thread;
	}
	w->sync_ready = 1;
	/* Signals are the loop's business: the thread blocks them all. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&w->thread, NULL, store_writer_thread, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		goto fail_thread;
	w->thread_started = 1;
	return w;

fail_thread:
	store_job_cause(cause, "cannot start the store thread");
fail:
	store_writer_free(w);
	return NULL;
}

/* Drain, stop the thread, and release the queue's resources. */
void
store_writer_free(struct store_writer *w)
{
	int	 i;

	if (w == NULL)
		return;
	if (w->thread_started) {
		pthread_mutex_lock(&w->lock);
		w->closing = 1;
		pthread_cond_signal(&w->cond);
		pthread_mutex_unlock(&w->lock);
		pthread_join(w->thread, NULL);
		/* Completions may submit more: store_writer_submit says no. */
		store_writer_drain(w);
	}
	if (w->ev != NULL)
		event_free(w->ev);
	for (i = 0; i < 2; i++)
		if (w->notify[i] != -1)
			close(w->notify[i]);
	if (w->sync_ready) {
		pthread_cond_destroy(&w->cond);
		pthread_mutex_destroy(&w->lock);
	}
	free(w);
}

/* Jobs whose completion has not run yet. */
size_t
store_writer_pending(const struct store_writer *w)
{
	return w->pending;
}

/* Ask the thread to run at nice from its next batch on. */
void
store_writer_set_nice(struct store_writer *w, int nice)
{
	pthread_mutex_lock(&w->lock);
	w->nice = nice;
	w->nice_new = 1;
	pthread_mutex_unlock(&w->lock);
}

/* Jobs submitted so far. */
uint64_t
store_writer_submitted(const struct store_writer *w)
{
	return w->submitted;
}

/* Jobs completed so far. */
uint64_t
store_writer_completed(const struct store_writer *w)
{
	return w->completed;
}

/* Be told after each run of completions. */
void
store_writer_on_drain(struct store_writer *w, void (*cb)(void *), void *arg)
{
	w->drained = cb;
	w->drained_arg = arg;
}

/* Ask the thread to install the tests' COMMIT counter before its next batch. */
int
store_writer_count_commits(struct store_writer *w, atomic_ulong *counter)
{
	if (w->ops->count_commits == NULL)
		return -1;
	pthread_mutex_lock(&w->lock);
	w->commits = counter;
	w->commits_new = 1;
	pthread_mutex_unlock(&w->lock);
	return 0;
}
