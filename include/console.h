/* SPDX-License-Identifier: ISC */
/*
 * console: the counsellors' web console on the API's listener. It serves
 * the page (HTML, CSS and JavaScript built into the daemon, with ETags),
 * signs counsellors in with their roster token or a one-time link from an
 * alert, holds their session cookie, and signs them out. The data itself
 * comes from the API (api.c), which asks the console whose cookie a
 * request carries. Every answer carries the security headers: a strict
 * Content-Security-Policy, no sniffing, no framing, no referrer.
 */
#ifndef HOTLINED_CONSOLE_H
#define HOTLINED_CONSOLE_H

#include <stddef.h>

struct conf;
struct console;
struct evhttp_request;
struct hclock;
struct http;
struct json_t;
struct signin;
struct signin_session;

#define CONSOLE_COOKIE	"hl_session"

/* A page built into the daemon (console_assets.c, generated). */
struct console_asset {
	const char		*name;		/* "index.html", ... */
	const unsigned char	*data;
	size_t			 len;
};
extern const struct console_asset	console_assets[];
extern const size_t			console_nassets;

/*
 * A console signing in against the roster of *confp, with sessions in s.
 * NULL on failure.
 */
struct console	*console_new(struct signin *s, const struct hclock *clock,
		    struct conf *const *confp);

void		 console_free(struct console *c);

/*
 * Take the paths of the front end h that no one else has: the console's
 * ("/", "/console", "/console/...") are served, any other gets a JSON
 * 404. Returns 0, or -1 when h has no room.
 */
int		 console_mount(struct console *c, struct http *h);

/*
 * The session the cookie of req belongs to, still valid at now (it counts
 * as used), or NULL.
 */
const struct signin_session *console_session(struct console *c,
		    struct evhttp_request *req);

/* The security headers every console and API answer carries. */
void		 console_headers(struct evhttp_request *req);

/*
 * Answer req with the JSON value v (a reference is stolen; NULL gives a
 * 500), the security headers and Cache-Control: no-store, wiping the
 * text sent (it may hold a number or a CSRF token).
 */
void		 console_json(struct evhttp_request *req, int code,
		    const char *reason, struct json_t *v);

/* Answer req with {"error": msg}, as console_json does. */
void		 console_error(struct evhttp_request *req, int code,
		    const char *reason, const char *msg);

/*
 * Copy the string member name of the JSON object in req's body into buf
 * (len bytes). Returns 0, or -1 when the body is no such object or the
 * value does not fit.
 */
int		 console_body_string(struct evhttp_request *req,
		    const char *name, char *buf, size_t len);

/*
 * The one-time link that signs roster id in and opens request ref, at
 * base (the API's public URL), into out. Returns 0, or -1.
 */
int		 console_link(struct console *c, const char *base,
		    const char *id, const char *ref, char *out, size_t outlen);

#endif
