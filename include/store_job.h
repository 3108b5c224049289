/* SPDX-License-Identifier: ISC */
/*
 * store_job: one unit of the store's work, as the store's own files share
 * it: what the loop asks, the memory its copies live in, the results the
 * writer thread copies back, and the completion that hands them over. It
 * is a leaf: the public functions build jobs, the writer queues them and
 * a backend runs them, and none of that is known here. Nothing outside
 * the store includes it; other modules see only include/store.h.
 */
#ifndef HOTLINED_STORE_JOB_H
#define HOTLINED_STORE_JOB_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define STORE_SECRET_LEN	32	/* the key file's hash sub-key */
#define STORE_DEDUP_LEN		32	/* BLAKE2b-256 */
#define STORE_META_PREFIX	"state."	/* the keys callers may use */

/* What a job does. */
enum store_kind {
	SJ_CREATE,
	SJ_UPDATE,
	SJ_END,
	SJ_DUE,
	SJ_DISPATCH,
	SJ_OUTBOX_DUE,
	SJ_OUTBOX_RESULT,
	SJ_VIEW,
	SJ_GET,
	SJ_CLAIM,
	SJ_RELEASE,
	SJ_COMPLETE,
	SJ_REASSIGN,
	SJ_ATTEMPT,
	SJ_EXPIRE,
	SJ_HISTORY,
	SJ_NOTE,
	SJ_OUTBOX_FAILING,
	SJ_META_GET,
	SJ_META_SET,
	SJ_SMS_INBOUND,
	SJ_SMS_QUEUE,
	SJ_SMS_DUE,
	SJ_SMS_RESULT,
	SJ_SMS_REPORT,
	SJ_SMS_OPTOUT,
	SJ_SMS_LIST,
	SJ_PURGE,
	SJ_FORGET,
	SJ_GAUGES,
	SJ_STATS_ADD,
	SJ_LEASE,
	SJ_SESSION_GET,
	SJ_SESSION_TAKE,
	SJ_SESSION_PUT,
	SJ_SESSION_DROP,
	SJ_SESSION_EXPIRE,
	SJ_HINT
};

struct stats_count;
struct store_chunk;

/*
 * One unit of work. The loop fills the inputs and owns the job until it is
 * queued; then the writer thread owns it until it is on the done list; then
 * the loop again, which runs the completion and frees it.
 */
struct store_job {
	struct store_job	*next;
	enum store_kind		 kind;
	uint64_t		 barrier;	/* a read: writes before it */
	enum store_rc		 rc;

	/* Inputs, copied at submission. */
	struct store_callback	 in;
	uint8_t			 dedup[STORE_DEDUP_LEN];
	uint8_t			 phone_hash[STORE_DEDUP_LEN];
	uint8_t			 safe_hash[STORE_DEDUP_LEN];
	int			 has_safe_hash;
	int			 has_phone_hash;	/* session put */
	int64_t			 id;
	int64_t			 now;
	int64_t			 window;	/* create: dedup window */
	int64_t			 when;		/* next_action_at or next_at */
	int64_t			 max;		/* LIMIT; -1 none */
	enum store_state	 state;
	enum store_delivery	 delivery;
	int			 rounds;		/* also: a count out */
	int			 any;		/* release: by a supervisor */
	int64_t			 after_call_from;	/* list: cursor */
	int64_t			 after_id;
	int			 after_urgent;
	int			 has_after;
	enum store_view		 view;		/* list: which part */
	const char		*ref;
	const char		*who;		/* counsellor */
	const char		*text;		/* event, outcome or error */
	const char		*detail;
	const char		*key;		/* meta */
	const char		*value;		/* meta: in (set), out (get) */
	struct store_outbox	*out;
	size_t			 nout;
	struct store_sms	 sms;		/* SMS: channel, phone, ids,
						   parts, encoding, error,
						   report (status) */
	const char		**texts;	/* sms queue: the texts */
	size_t			 ntexts;
	int			 has_seen;	/* sms inbound: dedup is the
						   key of an id seen */
	int64_t			 sms_before;	/* purge: texts before */
	int			 checkpoint;	/* the engine checkpoints
						   after the commit */
	struct store_purged	 purged;	/* purge, forget: out */
	struct store_gauges	 gauges;	/* gauges: out */
	struct stats_count	*counts;	/* stats: the cells to add */
	size_t			 ncounts;

	/* Results, copied by the writer thread. */
	void			*res;		/* rows, due rows, events or
						   failing alerts */
	size_t			 nres;
	size_t			 capres;

	struct store_chunk	*mem;
	union {
		store_callback_cb	 row;
		store_list_cb		 list;
		store_due_cb		 due;
		store_history_cb	 history;
		store_done_cb		 done;
		store_result_cb		 result;
		store_page_cb		 page;
		store_failing_cb	 failing;
		store_value_cb		 value;
		store_sms_cb		 sms;
		store_inbound_cb	 inbound;
		store_purged_cb		 purged;
		store_gauges_cb		 gauges;
		store_session_cb	 session;
	} cb;
	void			*arg;
};

/* A new job of kind for a completion with arg (rc STORE_ERR), or NULL. */
struct store_job	*store_job_new(enum store_kind kind, void *arg);

/* Free a job, wiping the copies of case data it held. NULL is fine. */
void		 store_job_free(struct store_job *j);

/*
 * n bytes, suitably aligned, that live (and are wiped) with the job, or
 * NULL when out of memory.
 */
void		*store_job_alloc(struct store_job *j, size_t n);

/*
 * Copy len bytes of s and a NUL into the job, *out pointing at the copy
 * (NULL for a NULL s). Returns 0, or -1 when out of memory.
 */
int		 store_job_copy(struct store_job *j, const char *s, size_t len,
		    const char **out);

/* store_job_copy of a C string. */
int		 store_job_strdup(struct store_job *j, const char *s,
		    const char **out);

/*
 * Append a zeroed result element of size elem to j->res (owned by the
 * job) and return it, or NULL when out of memory.
 */
void		*store_job_res_add(struct store_job *j, size_t elem);

/*
 * Run the job's completion, if any, with its results: on the loop thread,
 * once the job is done. The job stays the caller's to free.
 */
void		 store_job_complete(const struct store_job *j);

/* Whether callers may use meta key: only their own, never our secrets. */
int		 store_job_meta_key_ok(const char *key);

/*
 * The keyed hash of a number under the hash key (a domain apart from
 * dedup keys), into out. Returns 0 or -1.
 */
int		 store_job_hash_number(const uint8_t secret[STORE_SECRET_LEN],
		    const char *number, uint8_t out[STORE_DEDUP_LEN]);

/*
 * The keyed hash under the hash key of the gateway message id
 * gateway_id seen on channel (a domain apart from numbers and dedup
 * keys), into out. Returns 0 or -1.
 */
int		 store_job_hash_seen(const uint8_t secret[STORE_SECRET_LEN],
		    const char *channel, const char *gateway_id,
		    uint8_t out[STORE_DEDUP_LEN]);

/* len random characters of set (n of them, 1 to 256) and a NUL into out. */
void		 store_job_random_chars(char *out, size_t len, const char *set,
		    size_t n);

/* Set *cause to a new formatted message (NULL if that fails). */
void		 store_job_cause(char **cause, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

#endif
