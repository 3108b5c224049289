/* SPDX-License-Identifier: ISC */
/*
 * store: the interface to everything hotlined keeps durably, and the
 * daemon's whole view of storage: callback requests, their history (every
 * state change, with who and when, and counsellors' notes), the outbox of
 * alerts, claims, what sessions leave behind, and a few named values other
 * modules keep across restarts. Behind it is a backend (store_backend.h);
 * SQLite, one file, is the embedded default. All work runs on one writer
 * thread that owns the database: the event loop submits a job and gets
 * its completion back on the loop, after the job's transaction is durable
 * (synchronous=FULL). Jobs queued together commit together (group
 * commit), so the loop never waits on fsync.
 */
#ifndef HOTLINED_STORE_H
#define HOTLINED_STORE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct event_base;
struct store;

enum store_rc {
	STORE_OK,
	STORE_DUP,		/* create: this session already has a request */
	STORE_MERGED,		/* create: she asked again; her open request
				   was updated instead */
	STORE_NOTFOUND,		/* no such request */
	STORE_CONFLICT,		/* claimed by someone else / not yours */
	STORE_ERR		/* database failure (logged) */
};

/* Where a callback request is in its life. */
enum store_state {
	STORE_OPEN,		/* stored, no alert sent yet (or released) */
	STORE_ALERTED,		/* alerts sent, nobody has claimed it */
	STORE_CLAIMED,		/* a counsellor is on it */
	STORE_COMPLETED		/* closed with an outcome */
};

/* A callback request as stored. Strings may be NULL when not asked. */
struct store_callback {
	int64_t		 id;
	char		 ref[16];	/* case reference, e.g. "K7Q2MX" */
	const char	*channel;
	const char	*phone;		/* the caller's number */
	const char	*safe_to_call;	/* "yes" or "no" */
	const char	*safe_number;	/* number to call instead, or NULL */
	const char	*window;	/* now, morning... */
	const char	*cover;		/* if someone else answers */
	int		 urgent;
	const char	*province;
	const char	*topic;
	const char	*lang;
	enum store_state state;
	const char	*claimed_by;	/* counsellor id */
	const char	*outcome;
	int64_t		 created_at;	/* Unix seconds */
	int64_t		 updated_at;
	int64_t		 next_action_at; /* 0: never */
	int		 rounds;	/* alert rounds (escalations+1) */
	int		 failures;	/* alert deliveries given up */
	int		 attempts;	/* calls that were not answered */
	int		 asked_again;	/* times she asked again while open */
	int		 warn_unsafe;	/* a number of hers was marked unsafe */
	int		 intake;	/* her session is still answering */
	const char	*session_end;	/* how her session ended, or NULL */
	const char	*reason;	/* why it is due again, or NULL:
					   asked_again, attempt, assigned,
					   unreached, claim_expired */
	int64_t		 claimed_at;	/* 0 when not claimed */
	int64_t		 call_from;	/* when she can first be called */
};

/* One alert to deliver: to whom, how, about which request. */
struct store_outbox {
	int64_t		 id;
	int64_t		 callback_id;
	const char	*recipient;	/* roster person id */
	const char	*transport;	/* webhook telegram sms_at ... */
	int		 target;	/* index of that person's alert entry */
	const char	*kind;		/* callback.created, callback.escalated,
					   alert.failed */
	int		 attempts;
	int64_t		 next_at;
	const char	*msg_id;	/* stable across retries */
};

/* An alert due for delivery, with the request it is about. */
struct store_due {
	struct store_outbox	outbox;
	struct store_callback	callback;
};

/* One history event. */
struct store_event {
	int64_t		 at;
	const char	*event;		/* created alerted escalated claimed
					   released completed alert_failed
					   waiting note */
	const char	*actor;		/* counsellor id, "system" */
	const char	*detail;	/* may be NULL; never personal data
					   (but a note is a counsellor's
					   own words) */
};

/* Outcome of one delivery attempt. */
enum store_delivery {
	STORE_SENT,		/* delivered: done */
	STORE_RETRY,		/* failed: try again at next_at */
	STORE_GAVE_UP		/* failed for good */
};

/*
 * Completions. They run on the event loop thread, after the job's
 * transaction committed; every pointer they get is valid only during the
 * call. A row completion gets the row for STORE_OK and STORE_DUP, the
 * current (unchanged) row for STORE_CONFLICT, NULL otherwise. Lists are
 * empty unless STORE_OK. A NULL completion is allowed (fire and forget).
 */
typedef void (*store_callback_cb)(enum store_rc rc,
    const struct store_callback *row, void *arg);
typedef void (*store_list_cb)(enum store_rc rc,
    const struct store_callback *rows, size_t n, void *arg);
typedef void (*store_due_cb)(enum store_rc rc, const struct store_due *rows,
    size_t n, void *arg);
typedef void (*store_history_cb)(enum store_rc rc,
    const struct store_event *ev, size_t n, void *arg);
typedef void (*store_done_cb)(enum store_rc rc, void *arg);

/* A value of store_meta_get: the value, or NULL unless STORE_OK. */
typedef void (*store_value_cb)(enum store_rc rc, const char *value,
    void *arg);

/* Options for store_new. */
struct store_opts {
	size_t	max_batch;	/* jobs per transaction; 1 disables group
				   commit (benchmarks); 0 means 256 */
	int	busy_timeout_ms; /* 0 means 5000 */
	const char *key_file;	/* the key file; NULL: the database's path
				   and ".key" */
	const char *password_file; /* a database server's password, alone
				   in a file of mode 0600; NULL: none */
};

/*
 * Read the key file (opts->key_file), or make it when there is none (32
 * random bytes, mode 0600; logged), refusing one that group or others may
 * read or write; open (creating if needed) the database at path, apply
 * the PRAGMAs and every pending migration (a plaintext file is encrypted
 * in place under the key), check that the key is the database's, prepare
 * every statement, start the writer thread and its notification back to
 * base. Returns NULL with a message in *cause (a new string the caller
 * frees).
 */
struct store	*store_new(struct event_base *base, const char *path,
		    const struct store_opts *opts, char **cause);

/*
 * Whether the database named path is a file of this machine (SQLite),
 * which one daemon alone opens, or a server's (a "postgresql://" URI),
 * which several instances share.
 */
int		 store_is_file(const char *path);

/* How store_rotate runs. */
struct store_rotate_opts {
	int	force;		/* drop the unsafe marks and opt-outs that
				   keep no number (made before schema 5) */
	size_t	batch;		/* rows per transaction; 0 means 200 */
	int	pause_ms;	/* tests: sleep after each transaction */
	size_t	max_batches;	/* tests: stop after this many (0: none) */
};

/*
 * Re-encrypt the database at path under a new key, in place, with no
 * daemon running (the caller holds the database's lock, dblock.h): make
 * the key file's sibling "<key file>.new" (0600), or resume with the one
 * there; open every sealed value under the old key and seal it under the
 * new, hash every number anew, clear the caches of keyed hashes that
 * cannot be hashed again (gateway message ids seen, session ids), in
 * transactions of ro->batch rows, each recording how far it got, so that
 * a killed run resumes where it stopped; then record the new key's check
 * value and rename the new key file over the old one. A rotation whose
 * rename was cut short is finished. Unsafe marks and opt-outs that keep
 * no number are refused unless ro->force drops them (logged). *finished
 * (may be NULL) is set to 1 once the new key is in place, 0 when
 * ro->max_batches stopped it first. 0, or -1 with *cause set (a new
 * string).
 */
int		 store_rotate(const char *path, const struct store_opts *opts,
		    const struct store_rotate_opts *ro, int *finished,
		    char **cause);

/*
 * Finish every queued job (their completions run first, on the calling
 * thread), stop the thread, finalize statements and close the database.
 * Jobs submitted once it began (e.g. from those completions) get -1. Not
 * from inside a store completion. NULL is fine.
 */
void		 store_free(struct store *st);

/*
 * hotlined -B: back the database at path up into the new file dest, while
 * a daemon may be running on it: a copy of what the database holds (its
 * values encrypted), made under a temporary name beside dest, checked
 * (intact, and under the key file of opts, which is never made here),
 * written to disk and then linked to dest; dest is never replaced. Not
 * from the daemon's loop: it blocks. 0 with the number of pages copied in
 * *pages, or -1 with a message in *cause (a new string the caller frees)
 * and no file left behind.
 */
int		 store_backup(const char *path, const struct store_opts *opts,
		    const char *dest, int64_t *pages, char **cause);

/* The schema version the file is at (PRAGMA user_version). */
int		 store_schema_version(const struct store *st);

/* Jobs submitted whose completion has not run yet. */
size_t		 store_pending(const struct store *st);

/*
 * For tests only: from the writer thread's next batch on, add one to
 * *counter (which must outlive the store, or be unset with NULL) for each
 * transaction the database commits, to show how jobs are grouped. The
 * writer thread adds to it; read it with atomic_load. Returns -1 if the
 * backend cannot count.
 */
int		 store_count_commits(struct store *st, atomic_ulong *counter);

/*
 * Store a new callback request, in one transaction with a "created"
 * history event: ref, id and state (OPEN) are the store's; the answers,
 * next_action_at (when the dispatcher first looks at it: now, or when her
 * session will be over at the latest), call_from and intake come from in.
 * The phone number and the safe number are also kept as keyed hashes, to
 * find her other requests and the numbers marked unsafe (warn_unsafe).
 *
 * dedup identifies the request (intake.c uses the channel, session id,
 * number and the answers); it is kept only as a keyed hash. A second
 * request with the same dedup made within window seconds gets STORE_DUP
 * and the existing row; an older one's dedup is retired. A request from a
 * number that has one not completed updates that one instead (the answers
 * given now replace the old ones, urgency only grows, "asked_again" is
 * counted, recorded and becomes its reason to alert again, and it is due
 * no later than in->next_action_at): STORE_MERGED and that row. Returns
 * 0, or -1 if the job could not be queued.
 */
int		 store_callback_create(struct store *st,
		    const struct store_callback *in, const void *dedup,
		    size_t dedup_len, int64_t window, int64_t now,
		    store_callback_cb cb, void *arg);

/*
 * Her session answered again: write every answer of in (urgency only
 * grows), call_from and intake into request id, and ended, when set, as
 * how the session ended. The request becomes due no later than
 * in->next_action_at when it still waits for its first alert (OPEN) or
 * has a reason to alert again; an alerted or claimed request keeps its
 * schedule. A completed request is left alone: STORE_CONFLICT. cb gets
 * the row after the change.
 */
int		 store_callback_update(struct store *st, int64_t id,
		    const struct store_callback *in, const char *ended,
		    int64_t now, store_callback_cb cb, void *arg);

/*
 * Her session ended (how: quick_exit, hung_up, timeout, ...) while the
 * request was still taking answers: record it, and make the request due
 * now under the same rule as store_callback_update. Does nothing once
 * intake is over. cb may be NULL.
 */
int		 store_callback_end(struct store *st, int64_t id,
		    const char *how, int64_t now, store_done_cb cb, void *arg);

/*
 * Requests OPEN or ALERTED whose next_action_at is due (<= now, != 0),
 * soonest first, at most max (0: all).
 */
int		 store_callback_due(struct store *st, int64_t now, size_t max,
		    store_list_cb cb, void *arg);

/*
 * What the dispatcher decided for request id, in one transaction: set its
 * state (only from OPEN or ALERTED, or CLAIMED to CLAIMED when the
 * claimant is told something; otherwise STORE_CONFLICT and nothing
 * changes), next_action_at and rounds, record a history event (event,
 * "system", detail) and queue one outbox row per entry of out[] (their id,
 * callback_id, attempts, next_at and msg_id are set by the store; next_at
 * is now). Alerts clear the request's reason. STORE_NOTFOUND for an
 * unknown id. If anything fails, nothing of it is kept.
 */
int		 store_callback_dispatch(struct store *st, int64_t id,
		    enum store_state state, int64_t next_action_at, int rounds,
		    const char *event, const char *detail,
		    const struct store_outbox *out, size_t nout, int64_t now,
		    store_done_cb cb, void *arg);

/*
 * Outbox rows due (next_at <= now, not sent, not given up), soonest first,
 * at most max (0: all).
 */
int		 store_outbox_due(struct store *st, int64_t now, size_t max,
		    store_due_cb cb, void *arg);

/* What one delivery attempt came to, for store_outbox_result. */
struct store_result {
	enum store_delivery	 delivery;
	int64_t			 next_at;	/* RETRY: when to try again */
	const char		*error;		/* short reason, or NULL */
	/*
	 * GAVE_UP: the alert.failed alerts that tell the supervisors, and
	 * the detail of the "escalated" event that records it.
	 */
	const struct store_outbox *tell;
	size_t			 ntell;
	const char		*tell_detail;
};

/*
 * Result of store_outbox_result: told is how many supervisors' alerts it
 * queued (deliver them now).
 */
typedef void (*store_result_cb)(enum store_rc rc, size_t told, void *arg);

/*
 * Record a delivery attempt of outbox row id, in one transaction:
 * attempts++, and SENT (done), RETRY (next_at, error kept), or GAVE_UP
 * (the request's failures++, an "alert_failed" history event with the
 * error and, unless the row was itself an alert.failed or the request is
 * claimed or closed, r->tell queued with an "escalated" event). The
 * supervisors' alerts get message ids derived from the failed one, so a
 * give-up tells each of them once, under one stable id. error is a short
 * technical reason, never personal data. STORE_NOTFOUND for an unknown
 * id, STORE_CONFLICT for a row already sent or given up.
 */
int		 store_outbox_result(struct store *st, int64_t id,
		    const struct store_result *r, int64_t now,
		    store_result_cb cb, void *arg);

/* An alert that is failing: retrying (not sent, attempts > 0) or given up. */
struct store_failing {
	char		 ref[16];	/* the request's case reference */
	const char	*recipient;	/* roster person id */
	const char	*transport;
	const char	*kind;
	const char	*error;		/* last_error, may be NULL */
	int		 attempts;
	int		 gave_up;	/* 1: given up, 0: still retrying */
	int64_t		 at;		/* created_at of the outbox row */
};

/* Failing alerts, for store_outbox_failing; empty unless STORE_OK. */
typedef void (*store_failing_cb)(enum store_rc rc,
    const struct store_failing *rows, size_t n, void *arg);

/*
 * The alerts that are failing, of requests not COMPLETED: every outbox row
 * still pending after at least one attempt (attempts > 0), and the rows
 * given up that were created at or after since; newest first (created_at,
 * then id), at most max (0: all). Returns 0, or -1 if the job could not be
 * queued.
 */
int		 store_outbox_failing(struct store *st, int64_t since,
		    size_t max, store_failing_cb cb, void *arg);

/* Where a page of the queue ends: the last row it held. */
struct store_cursor {
	int		 urgent;
	int64_t		 call_from;
	int64_t		 id;
};

/* A page of the queue, and how many requests its view holds. */
typedef void (*store_page_cb)(enum store_rc rc,
    const struct store_callback *rows, size_t n, size_t total, void *arg);

/* Which part of the queue a list shows. */
enum store_view {
	STORE_VIEW_ALL,		/* every request not completed */
	STORE_VIEW_MINE,	/* claimed by who */
	STORE_VIEW_UNASSIGNED,	/* open or alerted: nobody has it */
	STORE_VIEW_CLAIMED	/* claimed, by anyone */
};

/*
 * A page of one view of the queue of requests not COMPLETED, urgent first,
 * then by when she can first be called (call_from), then as they came: at
 * most limit rows (0: all) after the cursor (NULL: from the start). total
 * is how many requests the whole view holds. who is the counsellor of
 * STORE_VIEW_MINE and is ignored by the others (NULL is fine there).
 * Returns -1 for an unknown view, MINE without who, or a job that could
 * not be queued.
 */
int		 store_callback_view(struct store *st, enum store_view view,
		    const char *who, const struct store_cursor *after,
		    size_t limit, store_page_cb cb, void *arg);

/* store_callback_view of STORE_VIEW_ALL. */
int		 store_callback_list(struct store *st,
		    const struct store_cursor *after, size_t limit,
		    store_page_cb cb, void *arg);

/* One request by case reference (STORE_NOTFOUND if none). */
int		 store_callback_get(struct store *st, const char *ref,
		    store_callback_cb cb, void *arg);

/*
 * Claim ref for counsellor until expiry_at, when an uncompleted claim is
 * released by the dispatcher: from OPEN or ALERTED it becomes CLAIMED by
 * them (next_action_at = expiry_at, claimed_at = now, "claimed" event);
 * already CLAIMED by them is OK again (unchanged); CLAIMED by another or
 * COMPLETED is STORE_CONFLICT. Exactly one of concurrent claimants wins.
 * cb gets the row after the change.
 */
int		 store_callback_claim(struct store *st, const char *ref,
		    const char *counsellor, int64_t expiry_at, int64_t now,
		    store_callback_cb cb, void *arg);

/*
 * Release a claim: CLAIMED by who (or by anyone when any is set: a
 * supervisor) becomes OPEN with next_action_at = now ("released" event,
 * with whose claim it was) so it is alerted again; else STORE_CONFLICT.
 */
int		 store_callback_release(struct store *st, const char *ref,
		    const char *who, int any, int64_t now, store_callback_cb cb,
		    void *arg);

/*
 * A supervisor (who) gives ref to counsellor to: it becomes CLAIMED by
 * them from now, with reason "assigned" and due now so that they are
 * alerted ("reassigned" event). STORE_CONFLICT once COMPLETED.
 */
int		 store_callback_reassign(struct store *st, const char *ref,
		    const char *who, const char *to, int64_t now,
		    store_callback_cb cb, void *arg);

/*
 * The claimant's call was not answered: attempts++, the claim is released
 * and the request becomes due at next_at with reason "attempt" (another
 * call inside her window), or, at max_attempts, due now with reason
 * "unreached" (the supervisors decide). "no_answer" event ("attempt 1 of
 * 3"). STORE_CONFLICT unless CLAIMED by counsellor.
 */
int		 store_callback_attempt(struct store *st, const char *ref,
		    const char *counsellor, int max_attempts, int64_t next_at,
		    int64_t now, store_callback_cb cb, void *arg);

/*
 * The claim of request id made at claimed_at ran out: it becomes OPEN,
 * due now with reason "claim_expired" ("claim_expired" event by system).
 * STORE_CONFLICT if it was completed, released or claimed again.
 */
int		 store_callback_expire(struct store *st, int64_t id,
		    int64_t claimed_at, int64_t now, store_callback_cb cb,
		    void *arg);

/*
 * Complete: CLAIMED by counsellor becomes COMPLETED with outcome
 * ("completed" event, detail = outcome); else STORE_CONFLICT. The outcome
 * "unsafe" also marks her numbers (keyed hashes), so that a later request
 * from them carries warn_unsafe.
 */
int		 store_callback_complete(struct store *st, const char *ref,
		    const char *counsellor, const char *outcome, int64_t now,
		    store_callback_cb cb, void *arg);

/* The history of ref, oldest first. */
int		 store_callback_history(struct store *st, const char *ref,
		    store_history_cb cb, void *arg);

/* The longest note, in bytes. */
#define STORE_NOTE_MAX	280

/*
 * A note on ref for the next counsellor, by who: a "note" history event
 * (actor who, detail text), in any state; the request itself is left
 * unchanged. STORE_NOTFOUND for an unknown ref. cb gets the row. Returns
 * -1 when who or text is NULL, or text is longer than STORE_NOTE_MAX
 * bytes (callers check first), or the job could not be queued.
 */
int		 store_callback_note(struct store *st, const char *ref,
		    const char *who, const char *text, int64_t now,
		    store_callback_cb cb, void *arg);

/* How much work waits, for store_gauges. */
struct store_gauges {
	int64_t		 waiting;	/* requests OPEN or ALERTED */
	int64_t		 oldest;	/* the oldest one's created_at; 0 */
	int64_t		 alerts;	/* outbox rows not sent yet */
	int64_t		 texts;		/* SMS queued to send */
};
typedef void (*store_gauges_cb)(enum store_rc rc,
    const struct store_gauges *g, void *arg);

/*
 * Count the requests nobody has claimed (and find the oldest) and the
 * alerts and texts waiting to be sent, for the metrics. g is zeroed
 * unless STORE_OK.
 */
int		 store_gauges(struct store *st, store_gauges_cb cb, void *arg);

/*
 * Small named values that survive restarts (a poller's offset), kept in
 * the meta table. Only keys that begin with "state." can be read or
 * written: the table also holds the store's own secrets, which never
 * leave it; any other key (or NULL) is -1 at submission.
 */

/* The value stored under key, or STORE_NOTFOUND when there is none. */
int		 store_meta_get(struct store *st, const char *key,
		    store_value_cb cb, void *arg);

/*
 * Set key to value (a string, not NULL), inserting or replacing it,
 * durable before cb runs. cb may be NULL.
 */
int		 store_meta_set(struct store *st, const char *key,
		    const char *value, store_done_cb cb, void *arg);

/*
 * SMS. The outbox of texts to send (survives restarts), each message's
 * delivery, the gateway message ids already seen (a retried delivery is
 * answered once), and the numbers that wrote STOP. Numbers are also kept
 * as keyed hashes (the store's secret), which is all the seen and opt-out
 * tables hold.
 */

/* Where an SMS is in its life. */
enum store_sms_state {
	STORE_SMS_QUEUED,	/* waiting to be sent (or retried) */
	STORE_SMS_SENT,		/* the gateway took it */
	STORE_SMS_DELIVERED,	/* a report says the phone has it */
	STORE_SMS_FAILED,	/* given up, refused or reported failed */
	STORE_SMS_OPTED_OUT	/* not sent: the number wrote STOP */
};

/* One outbound SMS as stored. */
struct store_sms {
	int64_t			 id;
	const char		*channel;	/* the channel that sends it */
	const char		*phone;		/* "+855..." */
	const char		*text;		/* UTF-8, the whole message */
	const char		*msg_id;	/* ours, stable across retries */
	enum store_sms_state	 state;
	int			 attempts;
	int64_t			 next_at;
	int			 parts;		/* parts it went out as, 0 */
	const char		*encoding;	/* "GSM-7", "UCS-2" or NULL */
	const char		*gateway_id;	/* the gateway's id, or NULL */
	const char		*error;		/* last failure, or NULL */
	const char		*report;	/* last delivery report: the
						   status, or NULL */
	int64_t			 created_at;
	int64_t			 updated_at;
};

/* Rows of an SMS job (empty unless STORE_OK). */
typedef void (*store_sms_cb)(enum store_rc rc, const struct store_sms *rows,
    size_t n, void *arg);

/* An inbound check: rc STORE_OK (new) or STORE_DUP (seen before). */
typedef void (*store_inbound_cb)(enum store_rc rc, int opted_out,
    void *arg);

/*
 * An inbound message: record (channel, gateway_id) as seen (kept as a
 * keyed hash for keep seconds; older ones are purged on the way) and say
 * whether phone wrote STOP. STORE_DUP, and nothing changes, when the same
 * id was seen on that channel within keep. gateway_id NULL: nothing to
 * de-duplicate, STORE_OK. Returns 0, or -1 if it could not be queued.
 */
int		 store_sms_inbound(struct store *st, const char *channel,
		    const char *gateway_id, const char *phone, int64_t keep,
		    int64_t now, store_inbound_cb cb, void *arg);

/*
 * Queue the n texts to phone through channel, in this order (ascending
 * ids), in one transaction: queued, due now, each with a new msg_id.
 * Returns 0, or -1 if it could not be queued. cb may be NULL.
 */
int		 store_sms_queue(struct store *st, const char *channel,
		    const char *phone, const char *const *texts, size_t n,
		    int64_t now, store_done_cb cb, void *arg);

/*
 * Queued rows due (next_at <= now): the max soonest due (0: all), by id.
 * A row among them to a number that wrote STOP is not returned: it
 * becomes OPTED_OUT in the same transaction, and the rows after it fill
 * the page.
 */
int		 store_sms_due(struct store *st, int64_t now, size_t max,
		    store_sms_cb cb, void *arg);

/*
 * What sending row id came to: SENT (gateway_id may be NULL), RETRY at
 * next_at (attempts + 1), GAVE_UP (FAILED). error is a short reason or
 * NULL; parts and encoding how it went out (0 / NULL: unknown). cb may be
 * NULL. STORE_NOTFOUND for an unknown id.
 */
int		 store_sms_result(struct store *st, int64_t id,
		    enum store_delivery d, int64_t next_at,
		    const char *gateway_id, const char *error, int parts,
		    const char *encoding, int64_t now, store_done_cb cb,
		    void *arg);

/*
 * A delivery report on channel about the message with our msg_id, or
 * (msg_id NULL) the gateway's gateway_id: status is "delivered", "failed"
 * or "sent". It is recorded as the row's report; delivered makes it
 * DELIVERED and failed FAILED, unless it is already FAILED (a failed part
 * wins), and sent changes no state. STORE_NOTFOUND when no row matches.
 */
int		 store_sms_report(struct store *st, const char *channel,
		    const char *msg_id, const char *gateway_id,
		    const char *status, int64_t now, store_done_cb cb,
		    void *arg);

/*
 * phone wrote STOP (out 1) or START (out 0): record or clear its opt-out,
 * kept as a keyed hash. Rows already queued to it are left queued (and
 * become OPTED_OUT when due while it is out). cb may be NULL.
 */
int		 store_sms_optout(struct store *st, const char *phone,
		    int out, int64_t now, store_done_cb cb, void *arg);

/*
 * The outbound SMS to phone (all of them, by id), for tests and the
 * admin's view; the most recent last.
 */
int		 store_sms_list(struct store *st, const char *phone,
		    store_sms_cb cb, void *arg);

/*
 * The daily aggregates of a donor report: counts of category labels (no
 * number, no free text) by Phnom Penh day, channel, metric and key
 * (stats.h names them). Requests, calls, outcomes, escalations, answers
 * and STOPs are counted in the store, in the transaction of what they
 * count (her answers by month, sealed); sessions are counted by the
 * daemon and added in batches here. Retention never purges them.
 */
struct stats_count;

/*
 * Add the n counts of c (copied) to the aggregates, in one transaction.
 * cb may be NULL. Returns 0, or -1 if the job could not be queued.
 */
int		 store_stats_add(struct store *st, const struct stats_count *c,
		    size_t n, store_done_cb cb, void *arg);

/* One cell of store_stats_read: its month ("YYYY-MM") and sum. */
typedef int (*store_stats_row_cb)(const char *month, const char *channel,
    const char *metric, const char *key, int64_t count, void *arg);

/*
 * Read the aggregates of the days from to to ("YYYY-MM-DD", inclusive)
 * of the database at path, opened read-only (a daemon may be running on
 * it), summed by month, channel, metric and key, calling cb for each (a
 * non-zero return stops the read and is an error); then the monthly
 * counts of her answers of those months, which are sealed: the key file
 * of opts is read for them (never made). For hotlinectl: it blocks. 0,
 * or -1 with a message in *cause (a new string).
 */
int		 store_stats_read(const char *path,
		    const struct store_opts *opts, const char *from,
		    const char *to, store_stats_row_cb cb, void *arg,
		    char **cause);

/*
 * Retention and forgetting. What a purge or a forget removed, by kind.
 */
struct store_purged {
	size_t		 requests;	/* callback requests */
	size_t		 events;	/* their history events and notes */
	size_t		 alerts;	/* their alert outbox rows */
	size_t		 texts;		/* SMS outbox rows */
	size_t		 marks;		/* unsafe marks (forget only) */
	size_t		 optouts;	/* STOP records (forget only) */
	size_t		 safe_numbers;	/* the number cleared where it was
					   another request's safe number
					   (forget only) */
};

/*
 * Result of store_purge and store_forget: what went (all zero unless
 * STORE_OK), valid during the call.
 */
typedef void (*store_purged_cb)(enum store_rc rc,
    const struct store_purged *n, void *arg);

/*
 * Delete, in one transaction, at most max (0: 500) COMPLETED requests
 * last changed before closed_before, with their history events, notes
 * and alerts, and at most max SMS outbox rows no longer queued (sent,
 * delivered, failed or opted out) last changed before sms_before. Row
 * ids are never used again. After the commit the WAL is checkpointed
 * (TRUNCATE) so the deleted pages leave it too (secure_delete zeroes
 * them in the main file). Call again while a count reaches max. Returns
 * 0, or -1 if the job could not be queued.
 */
int		 store_purge(struct store *st, int64_t closed_before,
		    int64_t sms_before, size_t max, store_purged_cb cb,
		    void *arg);

/* The number of rows store_purge deletes of each kind when max is 0. */
#define STORE_PURGE_BATCH	500

/*
 * Forget one woman: by phone (a normalised "+855..." number, as the
 * store was given it) or by ref (one of her case references: then the
 * number of that request), exactly one of them non-NULL. In one
 * transaction it deletes every request from that number (whatever its
 * state) with their history, notes and alerts, every SMS to it, the
 * session states of it (store_session_put), its STOP record, the unsafe
 * marks of it and of the safe numbers of her requests, and clears it
 * where it is the safe number of someone else's request;
 * then checkpoints the WAL as store_purge does. STORE_NOTFOUND when
 * nothing matched. Returns 0, or -1 if the job could not be queued (or
 * both or neither of phone and ref are given).
 */
int		 store_forget(struct store *st, const char *phone,
		    const char *ref, store_purged_cb cb, void *arg);

/*
 * Shared sessions and the lease, for a database several daemons share
 * (store_shared). A USSD session's state lives in the database between
 * hops, so that any daemon can take the next one; each change is made
 * only over the version it was read at, so that two daemons never both
 * advance a session. The lease says which daemon runs the work that
 * must run once (alerts, escalation, claim expiry, SMS out, retention,
 * the Telegram poller); it is the database's, so it goes with the
 * connection of a daemon that dies.
 */

/* Whether the database is meant to be shared by several daemons. */
int		 store_shared(const struct store *st);

/*
 * For tests only: treat st as shared (a SQLite file has every table and
 * statement of it), so that session tables on one store behave as the
 * daemons of one database. Call before session_table_set_store.
 */
void		 store_share_for_tests(struct store *st);

/*
 * Fill out (len bytes) with a key derived from the key file's hash key for
 * purpose (a short name): the same in every daemon on the database, and
 * never one the store itself hashes under. 0, or -1.
 */
int		 store_derive_key(const struct store *st, const char *purpose,
		    uint8_t *out, size_t len);

/*
 * Result of store_session_get: version (0 with STORE_NOTFOUND) and the
 * state (a string, valid during the call) stored under a key.
 */
typedef void (*store_session_cb)(enum store_rc rc, int64_t version,
    const char *state, void *arg);

/*
 * Read the state stored under the session key (channel NUL id, keylen
 * bytes; only its keyed hash reaches the database). It is read on the
 * reading connection at once, not after the writes queued before it, so
 * that a locked or slow writer never holds up a hop: the caller's own
 * write of a state is answered before the reply it waits for goes out,
 * and so before the next hop. With after_writes it is read on the writer,
 * after every write queued before it: for a key whose state this daemon
 * is deleting (an end notice, a time-out), lest an older snapshot bring
 * it back. Returns 0, or -1.
 */
int		 store_session_get(struct store *st, const char *key,
		    size_t keylen, int after_writes, store_session_cb cb,
		    void *arg);

/*
 * Store state (sealed) under the key as version + 1, if the row is at
 * version (0: there is none), with the number it is of (a normalised
 * number or NULL, kept as a keyed hash so that forgetting her number
 * deletes it) and the time after which it may be purged. told is 1 if it
 * was written, 0 if the row is not at version (another daemon changed or
 * deleted it first). Returns 0, or -1.
 */
int		 store_session_put(struct store *st, const char *key,
		    size_t keylen, int64_t version, const char *state,
		    const char *phone, int64_t expires, store_result_cb cb,
		    void *arg);

/*
 * Delete the state under the key whatever its version, and hand it out
 * (the gateway ended the session: its next hop, on any daemon, finds
 * none). Returns 0, or -1.
 */
int		 store_session_end(struct store *st, const char *key,
		    size_t keylen, store_session_cb cb, void *arg);

/*
 * Delete the row under the key if it is still at version; told is 1 if
 * it was. Returns 0, or -1.
 */
int		 store_session_drop(struct store *st, const char *key,
		    size_t keylen, int64_t version, store_result_cb cb,
		    void *arg);

/* Another daemon on the database hinted that work is due. */
typedef void (*store_woken_cb)(void *arg);

/*
 * Call cb(arg) on the loop whenever another daemon on a shared database
 * sends a hint (NULL: nobody). Hints are LISTEN/NOTIFY on PostgreSQL, on
 * a connection of their own; a missed one (that connection lost) is only
 * late work: the scans find it.
 */
void		 store_on_woken(struct store *st, store_woken_cb cb,
		    void *arg);

/*
 * Wake the other daemons on a shared database once the writes queued
 * before this are committed (a request or an SMS the lease holder must
 * act on). Nothing on a database of one daemon. Returns 0, or -1.
 */
int		 store_hint(struct store *st);

/*
 * Delete the session states that expired before now (seconds, the real
 * clock: those of a daemon that died); told is how many. The lease
 * holder's work. Returns 0, or -1.
 */
int		 store_session_expire(struct store *st, int64_t now,
		    store_result_cb cb, void *arg);

/*
 * Take the lease, or find it still held: told is 1 while this daemon
 * holds it. Always held on a database that is not shared. Returns 0, or
 * -1.
 */
int		 store_lease(struct store *st, store_result_cb cb, void *arg);

#endif
