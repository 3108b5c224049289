/* SPDX-License-Identifier: ISC */
/*
 * receiver: a small HTTP server standing in for the counsellors' and
 * supervisors' webhook endpoints, SMS gateways' send APIs and OAuth token
 * endpoints in integration suites. It runs evhttp on 127.0.0.1 (a free
 * port) in a thread of its own, records every request (path, query, a few
 * headers, the raw body, when it came) and answers 200, unless the test
 * asked it to fail the first requests on a path with 500, to give scripted
 * answers, to answer late, or to hang there (never answer). The test
 * thread sets the behaviour, counts and waits; all of it is safe across
 * the two threads.
 */
#ifndef HOTLINED_RECEIVER_H
#define HOTLINED_RECEIVER_H

#include <stddef.h>

struct receiver;

/* One recorded request. Every pointer is owned by the copy. */
struct receiver_request {
	char		*method;	/* "POST", "GET", ... */
	char		*path;		/* without the query */
	char		*query;		/* after the '?', NULL when none */
	char		*content_type;	/* NULL when absent */
	char		*authorization;	/* NULL when absent, as all below */
	char		*x_secret;	/* X-Secret */
	char		*apikey;	/* apiKey (Africa's Talking) */
	char		*webhook_id;	/* NULL when absent */
	char		*webhook_timestamp;
	char		*webhook_signature;
	char		*body;		/* NUL-terminated, "" when empty */
	size_t		 len;		/* of body, without the NUL */
	long long	 at_ms;		/* arrival, on harness_now_ms's clock */
	int		 status;	/* as answered, 0 when left hanging */
};

/*
 * Start a receiver on 127.0.0.1 and an ephemeral port, answering 200 to
 * everything. Returns NULL (after a message on stderr) on failure.
 */
struct receiver	*receiver_start(void);

/* The port it listens on. */
int		 receiver_port(const struct receiver *r);

/*
 * Answer the next n requests whose path starts with prefix with 500, then
 * 200 again. A later call for the same prefix replaces the count.
 */
void		 receiver_fail_first(struct receiver *r, const char *prefix,
		    int n);

/*
 * From now on, answer requests whose path starts with prefix with status,
 * a Content-Type of content_type (NULL: none of ours; evhttp then adds its
 * default) and body (NULL: empty), instead of 200 "ok". When several
 * prefixes match, the longest wins. A later call for the same prefix
 * replaces the answer; status 0 removes it. receiver_fail_first,
 * receiver_hang and receiver_answer_next come first.
 */
void		 receiver_answer(struct receiver *r, const char *prefix,
		    int status, const char *content_type, const char *body);

/*
 * Queue a one-shot answer (as receiver_answer's) for the next request
 * whose path starts with prefix: successive calls make a FIFO, so "500,
 * 500, then 202" is three calls. One-shots are used before any standing
 * receiver_answer (when several prefixes have some queued, the longest
 * matching prefix gives its oldest), but after receiver_fail_first's
 * 500s; a hanging request uses none.
 */
void		 receiver_answer_next(struct receiver *r, const char *prefix,
		    int status, const char *content_type, const char *body);

/*
 * on: requests whose path starts with prefix are recorded but never
 * answered (the connection is closed at receiver_stop, or by the client).
 * off: answer them again (requests already left hanging stay so).
 */
void		 receiver_hang(struct receiver *r, const char *prefix, int on);

/*
 * Answer requests whose path starts with prefix ms milliseconds after they
 * came (0: at once again), as a slow endpoint would.
 */
void		 receiver_delay(struct receiver *r, const char *prefix, int ms);

/* Requests recorded so far whose path starts with prefix ("" for all). */
size_t		 receiver_count(struct receiver *r, const char *prefix);

/*
 * Wait at most timeout_ms until count requests whose path starts with
 * prefix have been recorded. Returns 0 when they have, -1 on time-out.
 */
int		 receiver_wait(struct receiver *r, const char *prefix,
		    size_t count, int timeout_ms);

/*
 * Copy the i-th (from 0, in arrival order) recorded request whose path
 * starts with prefix into *out. Returns 0, or -1 when there is no such
 * request or memory ran out (*out is then zeroed).
 */
int		 receiver_get(struct receiver *r, const char *prefix,
		    size_t i, struct receiver_request *out);

/* Free what a copy holds and zero it. */
void		 receiver_request_clear(struct receiver_request *req);

/*
 * Stop the thread, close every connection (hanging ones too) and free
 * everything. NULL is fine.
 */
void		 receiver_stop(struct receiver *r);

#endif
