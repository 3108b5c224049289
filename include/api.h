/* SPDX-License-Identifier: ISC */
/*
 * api: the counsellor API, under /api/ of its own listener (default
 * 127.0.0.1:8081, shared with the console and Telegram's webhook).
 * Counsellors and supervisors authenticate with their roster token
 * ("Authorization: Bearer ...") or the console's session cookie (whose
 * changes must carry its CSRF token); they list open requests (never with a
 * phone number), claim one (the winner alone gets the number to call and
 * the safety answers), release it, complete it with an outcome, and read
 * its history. Every action is recorded by the store.
 */
#ifndef HOTLINED_API_H
#define HOTLINED_API_H

#include <stddef.h>

struct api;
struct evbuffer;
struct conf;
struct console;
struct dispatch;
struct hclock;
struct http;
struct metrics;
struct store;

/*
 * An API serving with the roster of *confp at each request and the
 * requests in st. d (may be NULL) is kicked when a release makes a
 * request due again; the session cookies of console c (may be NULL) sign
 * counsellors in as their tokens do. It serves nothing before api_mount.
 * NULL on failure.
 */
struct api	*api_new(struct store *st, struct dispatch *d,
		    struct console *c, const struct hclock *clock,
		    struct conf *const *confp);

/*
 * Take the paths under /api/ of the front end h, which must outlive a's
 * requests; a request over its address's rate on any path of h is
 * answered 429 with {"error": ...} and Retry-After. Returns 0, or -1 when
 * h has no room.
 */
int		 api_mount(struct api *a, struct http *h);

/* Told of every claim the API has won, by request and counsellor id. */
typedef void	(*api_claim_cb)(const char *ref, const char *who, void *arg);
void		 api_on_claim(struct api *a, api_claim_cb cb, void *arg);

/* Count the claims and completions made through the API into m. */
void		 api_set_metrics(struct api *a, struct metrics *m);

/*
 * Before a number is forgotten, cb(phone, arg) ends what the daemon holds
 * of it in memory (its live sessions); phone is "+855...", valid during
 * the call, and must not be kept or logged.
 */
typedef void	(*api_forgetting_cb)(const char *phone, void *arg);
void		 api_on_forget(struct api *a, api_forgetting_cb cb,
		    void *arg);

/* Free the API (NULL is fine) once its front end is freed. */
/*
 * Read the body of POST /api/forget from in: {"phone": "..."} normalised
 * into phone, or {"ref": "..."} (capitals and digits) into refbuf, exactly
 * one of them. 0, or -1 with *why saying what is wrong. in is wiped.
 * Public for the fuzzer.
 */
int		 api_forget_parse(struct evbuffer *in, char *phone,
		    size_t phonelen, char *refbuf, size_t reflen,
		    const char **why);

void		 api_free(struct api *a);

#endif
