/* SPDX-License-Identifier: ISC */
/*
 * signin: who is signed in to the console. Session cookies (with their
 * CSRF token and idle expiry), one-time sign-in links carried by alerts,
 * and the count of failed sign-ins per address that makes guessing slow.
 * Secrets are random (libsodium) and kept only as BLAKE2b hashes, so that
 * neither a memory dump nor a timing difference gives one away. It is all
 * memory: a restart signs everyone out and voids the links. No I/O.
 */
#ifndef HOTLINED_SIGNIN_H
#define HOTLINED_SIGNIN_H

#include <stddef.h>
#include <stdint.h>

struct signin;

#define SIGNIN_SECRET_LEN	43	/* 32 random bytes, base64url */
#define SIGNIN_ID_MAX		64	/* roster ids are shorter */
#define SIGNIN_REF_MAX		16

/* A signed-in counsellor, as a request's cookie finds her. */
struct signin_session {
	char		 id[SIGNIN_ID_MAX];	/* roster id */
	char		 csrf[SIGNIN_SECRET_LEN + 1];
	int64_t		 last;		/* last use, Unix seconds */
};

/* An empty table; NULL on memory failure. */
struct signin	*signin_new(void);

/* Free it, wiping what it holds. NULL is fine. */
void		 signin_free(struct signin *s);

/*
 * Open a session for roster id at now: the cookie's value goes into
 * cookie and the session's CSRF token into csrf (each at least
 * SIGNIN_SECRET_LEN + 1 bytes). At most a few thousand sessions are kept;
 * the least recently used goes first. Returns 0, or -1.
 */
int		 signin_open(struct signin *s, const char *id, int64_t now,
		    char *cookie, size_t cookielen, char *csrf, size_t csrflen);

/*
 * The session whose cookie value is cookie, if it was used less than idle
 * seconds before now; it counts as used now. An expired one is forgotten,
 * and so is one last used more than a minute after now (the clock went
 * back). NULL when there is none.
 */
const struct signin_session *signin_find(struct signin *s,
		    const char *cookie, int64_t now, int idle);

/* Sign out: forget the session of cookie (if any). */
void		 signin_close(struct signin *s, const char *cookie);

/* Forget every session of roster id (she left the roster). */
void		 signin_close_all(struct signin *s, const char *id);

/* 1 if token is the session's CSRF token (constant time), else 0. */
int		 signin_csrf_ok(const struct signin_session *ss,
		    const char *token);

/*
 * A one-time sign-in link for roster id that opens request ref (may be
 * NULL), valid for ttl seconds from now: its secret goes into out (at
 * least SIGNIN_SECRET_LEN + 1 bytes). Returns 0, or -1.
 */
int		 signin_link_new(struct signin *s, const char *id,
		    const char *ref, int64_t now, int ttl, char *out,
		    size_t outlen);

/*
 * Use a link: if secret is one not yet used nor expired, forget it and
 * copy whose it is into id and the request into ref ("" for none).
 * Returns 0, or -1 (unknown, used or expired).
 */
int		 signin_link_take(struct signin *s, const char *secret,
		    int64_t now, char *id, size_t idlen, char *ref,
		    size_t reflen);

/*
 * Seconds the address addr must wait before it may try to sign in again
 * (0: it may now): after max failures within SIGNIN_FAIL_WINDOW seconds,
 * until the window of the first of them is over.
 */
#define SIGNIN_FAIL_WINDOW	600
int		 signin_wait(struct signin *s, const char *addr, int64_t now,
		    int max);

/* Count a failed sign-in from addr at now. */
void		 signin_failed(struct signin *s, const char *addr,
		    int64_t now);

/* Sessions open (expired ones included until they are next looked at). */
size_t		 signin_count(const struct signin *s);

#endif
