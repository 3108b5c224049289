/* SPDX-License-Identifier: ISC */
/*
 * session_impl: the inside of the session table, shared by the files of
 * the session module (session.c the table and the hops, session_shared.c
 * the hops of sessions shared through the store, session_state.c such a
 * session's state as text, session_number.c what it knows of a caller's
 * number). Nothing outside the module includes it: other modules see only
 * include/session.h.
 */
#ifndef HOTLINED_SESSION_IMPL_H
#define HOTLINED_SESSION_IMPL_H

#include <sys/queue.h>

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "engine.h"
#include "hash.h"
#include "session.h"

struct channel;
struct channel_event;
struct channel_reply;
struct conf;
struct menu_when_info;

/* The life of a session. */
enum session_state {
	SESSION_ACTIVE,	/* waiting for the caller's next input */
	SESSION_STORING,/* her request is being filed or changed */
	SESSION_ENDED	/* data wiped; keeps its last reply for retries */
};

/* A request waiting for the outcome of a stored hop. */
struct session_waiter {
	struct session_waiter	*next;
	session_reply_cb	 cb;
	void			*arg;
};

struct session {
	struct session_table	*table;
	struct session		*next;		/* hash chain */
	TAILQ_ENTRY(session)	 lru;		/* least recently used first */
	TAILQ_ENTRY(session)	 waiting;	/* while it has waiters */
	int			 listed;	/* on the waiting list */
	uint64_t		 hash;
	char			*key;		/* channel NUL session id */
	size_t			 keylen;
	unsigned long long	 ref;		/* for logs */
	enum session_state	 state;
	struct conf		*conf;		/* the conf it started with */
	const struct channel	*channel;	/* of that conf */
	struct engine		*engine;
	struct intake		*intake;	/* once a store step came */
	char			*history;	/* history mode: last seen */
	uint64_t		 hop;		/* keyed hash of the last hop */
	uint64_t		 phone;		/* keyed hash of her number */
	int			 has_phone;
	int			 forgotten;	/* wipe without a trace */
	int			 hop_known;
	int			 counted;	/* its end is in the metrics */
	size_t			 hops;
	const char		*reply;		/* the last: the engine's
						   screen, or reply_own */
	char			*reply_own;	/* once the engine is gone */
	int			 reply_end;
	const char		*gone;		/* the gateway ended it while
						   storing: how */
	time_t			 deadline;	/* absolute limit (monotonic) */
	struct event		*timer;
	struct session_waiter	*waiters;

	/* Shared sessions (a shared store) alone. */
	int64_t			 version;	/* of its state in the store
						   (0: not written yet) */
	int			 dropping;	/* its time is up: the state
						   is being deleted */
	char			*log;		/* the inputs and store
						   outcomes, for a replay */
	size_t			 loglen;
	size_t			 logcap;
};

struct session_drop;
struct session_hop;

struct session_table {
	struct event_base	*base;
	uint8_t			 key[HASH_KEY_LEN];
	struct session		**buckets;
	size_t			 nbuckets;	/* a power of two */
	size_t			 count;
	size_t			 live;
	size_t			 pending;	/* waiters, all sessions */
	TAILQ_HEAD(, session)	 lru;		/* every session held */
	TAILQ_HEAD(, session)	 waiting;	/* sessions with waiters */
	unsigned long long	 next_ref;
	struct store		*store;
	const struct hclock	*clock;
	session_stored_cb	 stored;
	void			*stored_arg;
	struct tally		*flood;
	struct ratelimit	*numbers;	/* shared with SMS, or NULL */
	struct metrics		*metrics;	/* or NULL */
	struct stats_live	*stats;		/* the donor report's counts */
	int			 shared;	/* sessions live in the store */
	int			(*expire)(struct session *);	/* shared:
						   a session's time is up; 0,
						   or -1 to end it here */
	TAILQ_HEAD(, session_hop) hops;		/* shared hops on their way */
	TAILQ_HEAD(, session_drop) drops;	/* states being deleted */
	size_t			 nhops;
};

/*
 * session_state.c: a session's state as text for the store, and back.
 * The log of inputs and store outcomes a replay needs grows with each
 * (session_log_input, session_log_stored; 0, or -1 out of memory) and is
 * wiped with the session's answers.
 */
int	session_log_input(struct session *s, const char *in);
int	session_log_stored(struct session *s, enum engine_saved saved,
	    const struct menu_when_info *w);
void	session_log_wipe(struct session *s);

/*
 * The state of s as text (a new string: wipe it), with its deadline in
 * real time: now_mono and now_real are the same moment on the monotonic
 * and the real clock. NULL out of memory.
 */
char	*session_state_encode(const struct session *s, time_t now_mono,
	    time_t now_real);

/*
 * Fill s, a session just made with its engine at the start and no
 * intake, from a state: its inputs are played again. *ended is set if it
 * had ended (the caller moves it there). 0, or -1 when it cannot be
 * taken (another format, or a menu that changed: the replay fails).
 */
int	session_state_decode(struct session *s, const char *state,
	    time_t now_mono, time_t now_real, int *ended);

/*
 * The request a state filed, without playing it: its row id, reference
 * (into ref, len bytes) and whether its intake is over. 1 if it filed
 * one, 0 if not, -1 on a state this daemon cannot read.
 */
int	session_state_request(const char *state, int64_t *id, char *ref,
	    size_t len, int *ended);

/*
 * session.c, for session_shared.c: the table, a session's life, and one
 * hop on the sessions held here (see session.c for each).
 */
time_t	session_now(void);
void	session_set_state(struct session *s, enum session_state st);
time_t	session_idle(const struct session *s);
void	session_finish(struct session *s, const char *how);
void	session_wipe(struct session *s);
void	session_destroy(struct session *s);
char	*session_key(const char *channel, const char *id, size_t *lenp);
struct session *session_find(struct session_table *t, const char *key,
	    size_t len, uint64_t h);
void	session_arm(struct session *s);
struct session *session_create(struct session_table *t, struct conf *conf,
	    const struct channel *ch, char *key, size_t keylen, uint64_t h,
	    int fresh);
enum session_result session_hop_local(struct session_table *t,
	    struct conf *conf, const struct channel *ch,
	    const struct channel_event *ev, struct channel_reply *reply,
	    session_reply_cb later, void *arg);

/* The keyed hash of a number as the store keeps it; -1 if not one. */
int	session_phone_hash(const struct session_table *t, const char *phone,
	    uint64_t *out);

/* Remember whose session s is (the number of this hop), as a hash. */
void	session_note_phone(struct session *s, const char *phone);

/*
 * Whether a new USSD session of ev's number is over the per-number limit
 * (a number the gateway gives that is not one is not limited).
 */
int	session_over_limit(struct session_table *t, const struct channel *ch,
	    const struct channel_event *ev);

#endif
