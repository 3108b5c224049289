/* SPDX-License-Identifier: ISC */
/*
 * console: the page, sign-in, one-time links and sign-out. Sessions are
 * signin.c's; whose token is whose is the roster's. A cookie is
 * HttpOnly and SameSite=Strict (and Secure behind TLS); it carries no
 * expiry of its own, the idle expiry is kept here. Nothing personal is
 * logged: a sign-in is logged by roster id, a failure by address.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <sodium.h>

#include "clock.h"
#include "conf.h"
#include "console.h"
#include "http.h"
#include "log.h"
#include "roster.h"
#include "signin.h"

#define CONSOLE_TOKEN_MAX	512
#define CONSOLE_ETAG_LEN	(2 * 12 + 2 + 1)	/* "hex" */

struct console {
	struct signin		 *signin;
	const struct hclock	 *clock;
	struct conf *const	 *confp;
	char			(*etags)[CONSOLE_ETAG_LEN];
};

/* Create the console; the assets' ETags are their BLAKE2b hashes. */
struct console *
console_new(struct signin *s, const struct hclock *clock,
    struct conf *const *confp)
{
	struct console	*c;
	unsigned char	 h[12];
	size_t		 i;

	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->signin = s;
	c->clock = clock;
	c->confp = confp;
	c->etags = calloc(console_nassets + 1, sizeof(*c->etags));
	if (c->etags == NULL) {
		free(c);
		return NULL;
	}
	for (i = 0; i < console_nassets; i++) {
		crypto_generichash(h, sizeof(h), console_assets[i].data,
		    console_assets[i].len, NULL, 0);
		c->etags[i][0] = '"';
		sodium_bin2hex(c->etags[i] + 1, sizeof(c->etags[i]) - 2, h,
		    sizeof(h));
		c->etags[i][CONSOLE_ETAG_LEN - 2] = '"';
		c->etags[i][CONSOLE_ETAG_LEN - 1] = '\0';
	}
	return c;
}

/* Free the console (not the sessions). */
void
console_free(struct console *c)
{
	if (c == NULL)
		return;
	free(c->etags);
	free(c);
}

/* The security headers. */
void
console_headers(struct evhttp_request *req)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "Content-Security-Policy", "default-src 'self'; "
	    "img-src 'self' data:; style-src 'self'; script-src 'self'; "
	    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
	    "form-action 'self'");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "X-Frame-Options", "DENY");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
	evhttp_add_header(h, "Cross-Origin-Opener-Policy", "same-origin");
}

/* Send a JSON value (stolen), never cached; see console.h. */
void
console_json(struct evhttp_request *req, int code, const char *reason,
    json_t *v)
{
	struct evbuffer	*buf = evbuffer_new();
	char		*s = v != NULL ? json_dumps(v, JSON_COMPACT) : NULL;

	json_decref(v);
	if (buf != NULL && s != NULL)
		evbuffer_add_printf(buf, "%s\n", s);
	console_headers(req);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "application/json");
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Cache-Control", "no-store");
	evhttp_send_reply(req, s != NULL ? code : 500, s != NULL ? reason :
	    "Internal Server Error", buf);
	if (buf != NULL)
		evbuffer_free(buf);
	if (s != NULL)
		sodium_memzero(s, strlen(s));	/* a number, a CSRF token */
	free(s);
}

/* Send {"error": msg}. */
void
console_error(struct evhttp_request *req, int code, const char *reason,
    const char *msg)
{
	console_json(req, code, reason, json_pack("{s:s}", "error", msg));
}

/* Redirect to location (a path of ours). */
static void
console_redirect(struct evhttp_request *req, int code, const char *location)
{
	console_headers(req);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Location",
	    location);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Cache-Control", "no-store");
	evhttp_send_reply(req, code, code == 301 ? "Moved Permanently" :
	    code == 302 ? "Found" : "See Other", NULL);
}

/* The content type of an asset, by its name. */
static const char *
console_type(const char *name)
{
	const char	*dot = strrchr(name, '.');

	if (dot == NULL)
		return "application/octet-stream";
	if (strcmp(dot, ".html") == 0)
		return "text/html; charset=utf-8";
	if (strcmp(dot, ".css") == 0)
		return "text/css; charset=utf-8";
	if (strcmp(dot, ".js") == 0)
		return "text/javascript; charset=utf-8";
	if (strcmp(dot, ".svg") == 0)
		return "image/svg+xml";
	if (strcmp(dot, ".png") == 0)
		return "image/png";
	return "application/octet-stream";
}

/* Serve asset name, or 404. */
static void
console_asset(struct console *c, struct evhttp_request *req, const char *name)
{
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);
	const char		*inm;
	struct evbuffer		*buf;
	size_t			 i;

	for (i = 0; i < console_nassets; i++)
		if (strcmp(console_assets[i].name, name) == 0)
			break;
	if (i == console_nassets) {
		console_error(req, 404, "Not Found", "unknown path");
		return;
	}
	console_headers(req);
	evhttp_add_header(out, "ETag", c->etags[i]);
	/* Always ask again: a new daemon may ship a new page. */
	evhttp_add_header(out, "Cache-Control", "no-cache");
	inm = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "If-None-Match");
	if (inm != NULL && (strstr(inm, c->etags[i]) != NULL ||
	    strcmp(inm, "*") == 0)) {
		evhttp_send_reply(req, 304, "Not Modified", NULL);
		return;
	}
	evhttp_add_header(out, "Content-Type", console_type(name));
	buf = evbuffer_new();
	if (buf == NULL) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	evbuffer_add_reference(buf, console_assets[i].data,
	    console_assets[i].len, NULL, NULL);
	evhttp_send_reply(req, 200, "OK", buf);
	evbuffer_free(buf);
}

/* Copy the value of cookie name from req's Cookie header; -1 if none. */
static int
console_cookie(struct evhttp_request *req, const char *name, char *buf,
    size_t len)
{
	const char	*h, *p, *end;
	size_t		 nlen = strlen(name), vlen;

	h = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Cookie");
	for (p = h; p != NULL && *p != '\0'; p = end) {
		while (*p == ' ' || *p == ';')
			p++;
		end = strchr(p, ';');
		if (end == NULL)
			end = p + strlen(p);
		if ((size_t)(end - p) > nlen && strncmp(p, name, nlen) == 0 &&
		    p[nlen] == '=') {
			vlen = (size_t)(end - p) - nlen - 1;
			if (vlen >= len)
				return -1;
			memcpy(buf, p + nlen + 1, vlen);
			buf[vlen] = '\0';
			return 0;
		}
	}
	return -1;
}

/* The session of req's cookie. */
const struct signin_session *
console_session(struct console *c, struct evhttp_request *req)
{
	const struct signin_session	*ss;
	const struct roster		*r = conf_roster(*c->confp);
	char				 v[SIGNIN_SECRET_LEN + 2];

	if (console_cookie(req, CONSOLE_COOKIE, v, sizeof(v)) == -1)
		return NULL;
	ss = signin_find(c->signin, v, hclock_now(c->clock),
	    conf_console(*c->confp)->idle);
	sodium_memzero(v, sizeof(v));
	/* Someone taken off the roster is signed out at once. */
	if (ss != NULL && (r == NULL || roster_find(r, ss->id) == NULL)) {
		signin_close_all(c->signin, ss->id);
		return NULL;
	}
	return ss;
}

/* Set the session cookie (value NULL: clear it). */
static void
console_set_cookie(struct console *c, struct evhttp_request *req,
    const char *value)
{
	char	 h[256];

	snprintf(h, sizeof(h), "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s",
	    CONSOLE_COOKIE, value != NULL ? value : "",
	    conf_console(*c->confp)->behind_tls ? "; Secure" : "",
	    value == NULL ? "; Max-Age=0" : "");
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Set-Cookie", h);
	sodium_memzero(h, sizeof(h));
}

/* The peer's address, for counting failed sign-ins. */
static void
console_peer(struct evhttp_request *req, char *buf, size_t len)
{
	struct evhttp_connection	*evcon;
	char				*addr = NULL;
	ev_uint16_t			 port = 0;

	evcon = evhttp_request_get_connection(req);
	if (evcon != NULL)
		evhttp_connection_get_peer(evcon, &addr, &port);
	snprintf(buf, len, "%s", addr != NULL ? addr : "?");
}

/*
 * Open a session for p and answer who she is, with the cookie and, for a
 * link, the request it opens (ref, or NULL).
 */
static void
console_welcome(struct console *c, struct evhttp_request *req,
    const struct roster_person *p, const char *ref)
{
	char	 cookie[SIGNIN_SECRET_LEN + 1], csrf[SIGNIN_SECRET_LEN + 1];
	json_t	*o;

	if (signin_open(c->signin, p->id, hclock_now(c->clock), cookie,
	    sizeof(cookie), csrf, sizeof(csrf)) == -1) {
		console_error(req, 500, "Internal Server Error", "cannot open "
		    "a session");
		return;
	}
	console_set_cookie(c, req, cookie);
	o = json_pack("{s:s, s:s, s:b, s:s}", "id", p->id, "name", p->name,
	    "supervisor", p->supervisor, "csrf", csrf);
	if (o != NULL && ref != NULL && *ref != '\0')
		json_object_set_new(o, "ref", json_string(ref));
	console_json(req, 200, "OK", o);
	sodium_memzero(cookie, sizeof(cookie));
	sodium_memzero(csrf, sizeof(csrf));
}

/* A string member of the JSON object in req's body; see console.h. */
int
console_body_string(struct evhttp_request *req, const char *name, char *buf,
    size_t len)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(req);
	json_error_t	 err;
	json_t		*o;
	const char	*v;
	int		 rc = -1;

	o = json_loadb((const char *)evbuffer_pullup(in, -1),
	    evbuffer_get_length(in), 0, &err);
	v = json_string_value(json_object_get(o, name));
	if (v != NULL && strlen(v) < len) {
		snprintf(buf, len, "%s", v);
		rc = 0;
	}
	json_decref(o);
	return rc;
}

/*
 * The string member name of a JSON body into buf. Only JSON: a page of
 * another site can post a form here, not JSON, so nobody can be signed in
 * to someone else's session from elsewhere. 0; -1 when the body is not
 * JSON, -2 when it lacks the member (or it is too long).
 */
static int
console_body(struct evhttp_request *req, const char *name, char *buf,
    size_t len)
{
	size_t		 n;
	const char	*ct;

	ct = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Content-Type");
	if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0)
		return -1;
	n = evbuffer_get_length(evhttp_request_get_input_buffer(req));
	if (n == 0 || n > CONSOLE_TOKEN_MAX * 2)
		return -2;
	return console_body_string(req, name, buf, len) == 0 ? 0 : -2;
}

/* POST /console/signin: a roster token for a session. */
static void
console_signin(struct console *c, struct evhttp_request *req)
{
	const struct roster		*r = conf_roster(*c->confp);
	const struct roster_person	*p = NULL;
	char				 token[CONSOLE_TOKEN_MAX], addr[64];
	int64_t				 now = hclock_now(c->clock);
	int				 wait, rc;

	console_peer(req, addr, sizeof(addr));
	wait = signin_wait(c->signin, addr, now,
	    conf_console(*c->confp)->signin_failures);
	if (wait > 0) {
		snprintf(token, sizeof(token), "%d", wait);
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Retry-After", token);
		console_json(req, 429, "Too Many Requests", json_pack(
		    "{s:s, s:i}", "error", "too many failed sign-ins: wait",
		    "retry_after", wait));
		return;
	}
	if ((rc = console_body(req, "token", token, sizeof(token))) == -1) {
		console_error(req, 415, "Unsupported Media Type", "the body "
		    "must be JSON: {\"token\": \"...\"}");
		return;
	}
	if (rc == 0 && r != NULL)
		p = roster_by_token(r, token);
	sodium_memzero(token, sizeof(token));
	if (p == NULL) {
		signin_failed(c->signin, addr, now);
		log_info("console: failed sign-in from %s", addr);
		console_error(req, 401, "Unauthorized", "wrong token");
		return;
	}
	log_info("console: %s signed in", p->id);
	console_welcome(c, req, p, NULL);
}

/*
 * POST /console/link {"t": "..."}: a one-time link. The link an alert
 * carries is /console/#link/<secret>: a fragment never reaches a server,
 * so a link preview or a mail scanner that fetches it uses nothing; the
 * page posts the secret here and drops it from the address.
 */
static void
console_link_use(struct console *c, struct evhttp_request *req)
{
	const struct roster		*r = conf_roster(*c->confp);
	const struct roster_person	*p = NULL;
	char				 t[SIGNIN_SECRET_LEN + 2];
	char				 id[SIGNIN_ID_MAX], ref[SIGNIN_REF_MAX];
	int				 rc;

	if ((rc = console_body(req, "t", t, sizeof(t))) == -1) {
		console_error(req, 415, "Unsupported Media Type", "the body "
		    "must be JSON: {\"t\": \"...\"}");
		return;
	}
	if (rc == 0 && signin_link_take(c->signin, t, hclock_now(c->clock),
	    id, sizeof(id), ref, sizeof(ref)) == 0 && r != NULL)
		p = roster_find(r, id);
	sodium_memzero(t, sizeof(t));
	if (p == NULL) {
		console_error(req, 410, "Gone", "this link was used or has "
		    "expired: sign in with your token");
		return;
	}
	log_info("console: %s signed in by a one-time link", p->id);
	console_welcome(c, req, p, ref);
}

/* POST /console/signout. */
static void
console_signout(struct console *c, struct evhttp_request *req)
{
	const struct signin_session	*ss = console_session(c, req);
	char				 v[SIGNIN_SECRET_LEN + 2];

	if (ss == NULL) {
		console_set_cookie(c, req, NULL);
		console_json(req, 200, "OK", json_object());
		return;
	}
	if (!signin_csrf_ok(ss, evhttp_find_header(
	    evhttp_request_get_input_headers(req), "X-CSRF-Token"))) {
		console_error(req, 403, "Forbidden", "missing or wrong CSRF "
		    "token");
		return;
	}
	log_info("console: %s signed out", ss->id);
	if (console_cookie(req, CONSOLE_COOKIE, v, sizeof(v)) == 0)
		signin_close(c->signin, v);
	sodium_memzero(v, sizeof(v));
	console_set_cookie(c, req, NULL);
	console_json(req, 200, "OK", json_object());
}

/* Refuse a method; allow names what is allowed. */
static void
console_method(struct evhttp_request *req, const char *allow)
{
	evhttp_add_header(evhttp_request_get_output_headers(req), "Allow",
	    allow);
	console_error(req, 405, "Method Not Allowed", "method not allowed");
}

/* Serve the console's paths, and a 404 for any other. */
static void
console_request_cb(struct evhttp_request *req, void *arg)
{
	struct console		*c = arg;
	enum evhttp_cmd_type	 cmd = evhttp_request_get_command(req);
	const char		*path = http_path(req);
	int			 get = cmd == EVHTTP_REQ_GET ||
				    cmd == EVHTTP_REQ_HEAD;

	if (strcmp(path, "/") == 0 || strcmp(path, "/console") == 0) {
		if (!get)
			console_method(req, "GET");
		else
			console_redirect(req, 302, "/console/");
		return;
	}
	if (strncmp(path, "/console/", 9) != 0) {
		console_error(req, 404, "Not Found", "unknown path");
		return;
	}
	path += 9;
	if (strcmp(path, "signin") == 0) {
		if (cmd != EVHTTP_REQ_POST)
			console_method(req, "POST");
		else
			console_signin(c, req);
	} else if (strcmp(path, "signout") == 0) {
		if (cmd != EVHTTP_REQ_POST)
			console_method(req, "POST");
		else
			console_signout(c, req);
	} else if (strcmp(path, "link") == 0) {
		if (cmd != EVHTTP_REQ_POST)
			console_method(req, "POST");
		else
			console_link_use(c, req);
	} else if (!get)
		console_method(req, "GET");
	else
		console_asset(c, req, *path == '\0' ? "index.html" : path);
}

/* Take what no other handler of h takes. */
int
console_mount(struct console *c, struct http *h)
{
	return http_mount(h, "/", console_request_cb, c);
}

/* A one-time link. */
int
console_link(struct console *c, const char *base, const char *id,
    const char *ref, char *out, size_t outlen)
{
	char	 secret[SIGNIN_SECRET_LEN + 1];
	int	 n;

	if (signin_link_new(c->signin, id, ref, hclock_now(c->clock),
	    conf_console(*c->confp)->link_ttl, secret, sizeof(secret)) == -1)
		return -1;
	n = snprintf(out, outlen, "%s/console/#link/%s", base, secret);
	sodium_memzero(secret, sizeof(secret));
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}
