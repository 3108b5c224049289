/* SPDX-License-Identifier: ISC */
/*
 * fetch: outgoing HTTP on the event loop with libcurl's multi socket
 * interface (one socket event per curl socket, one timer, the way curl's
 * hiperfifo example drives it). It owns the CURLM handle and every
 * transfer; callers describe a request and get exactly one completion.
 * It never blocks and never follows redirects; only http and https.
 */
#ifndef HOTLINED_FETCH_H
#define HOTLINED_FETCH_H

#include <stddef.h>

struct event_base;
struct fetch;

/* A request. Everything is copied by fetch_start. */
struct fetch_request {
	const char		*method;	/* "POST" or "GET" */
	const char		*url;
	const char *const	*headers;	/* "Name: value", NULL-ended;
						   may be NULL */
	const char		*body;		/* may be NULL for GET */
	size_t			 body_len;
	long			 timeout_ms;	/* whole transfer; 0: 15000 */
};

/* The outcome of one transfer. */
struct fetch_result {
	long		 status;	/* HTTP status, 0 if no response */
	int		 curl_code;	/* CURLE_OK or the transfer's error */
	const char	*error;		/* short text when curl_code != 0 */
	const char	*body;		/* response body, NUL-terminated */
	size_t		 body_len;	/* at most 64 KiB are kept */
	const char	*retry_after;	/* Retry-After header value, or NULL */
};

/* Called once per transfer, on the loop; result is valid during the call. */
typedef void (*fetch_done_cb)(const struct fetch_result *result, void *arg);

/* A fetcher on base. NULL on failure. curl_global_init is the caller's. */
struct fetch	*fetch_new(struct event_base *base);

/*
 * Start a transfer. Returns 0 (done will be called exactly once, from the
 * loop, never from inside fetch_start), or -1 if it could not start.
 */
int		 fetch_start(struct fetch *f, const struct fetch_request *req,
		    fetch_done_cb done, void *arg);

/* Transfers in progress. */
size_t		 fetch_active(const struct fetch *f);

/*
 * Abort every transfer (their completions are not called) and free the
 * fetcher. NULL is fine.
 */
void		 fetch_free(struct fetch *f);

#endif
