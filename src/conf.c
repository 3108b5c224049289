/* SPDX-License-Identifier: ISC */
/*
 * conf: the configuration file. One table per JSON object lists every key
 * with its type, range, default and help; a walker checks the file against
 * the tables and reports all problems at once with file:line:col. Then the
 * typed values are read, the menus loaded and every screen checked against
 * the budget of each channel that shows it. conf.c knows the shape of the
 * configuration, not what channels or menus do with it.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "channel.h"
#include "clock.h"
#include "conf.h"
#include "diag.h"
#include "jsonfile.h"
#include "jsonpos.h"
#include "menu.h"
#include "roster.h"
#include "text.h"

#define CONF_FILE_MAX	(1024 * 1024)
#define CONF_PTR_MAX	256

enum ck_type {
	CK_STR,		/* string, min..max bytes, optional choices */
	CK_INT,		/* integer within min..max */
	CK_BOOL,
	CK_OBJ,		/* object described by sub */
	CK_STRLIST,	/* array of min..max strings */
	CK_MAP,		/* object of name -> string */
	CK_OBJLIST	/* array of min..max objects described by sub */
};

/* One configuration key. */
struct ckey {
	const char		*name;
	enum ck_type		 type;
	long			 min;
	long			 max;
	const char		*sdef;	/* string default, NULL for none */
	long			 idef;	/* integer or boolean default */
	int			 required;
	const char		*choices;	/* "a|b|c" */
	const struct ckey	*sub;
	const char		*help;
};

static const struct ckey ck_listen[] = {
	{ "address", CK_STR, 1, 255, "127.0.0.1", 0, 0, NULL, NULL,
	  "IPv4 or IPv6 address the USSD listener binds" },
	{ "port", CK_INT, 0, 65535, NULL, 8080, 0, NULL, NULL,
	  "TCP port of the USSD listener (0: any free port)" },
	{ NULL, 0, 0, 0, NULL, 0, 0, NULL, NULL, NULL }
};

static const struct ckey ck_limits[] = {
	{ "max_body", CK_INT, 256, 1048576, NULL, 16384, 0, NULL, NULL,
	  "largest webhook body accepted, in bytes (larger: 413)" },
	{ NULL, 0, 0, 0, NULL, 0, 0, NULL, NULL, NULL }
};

static const struct ckey ck_session[] = {
	{ "idle_timeout", CK_INT, 5, 3600, NULL, 60, 0, NULL, NULL,
	  "seconds without a hop before a session is wiped" },
	{ "max_duration", CK_INT, 10, 86400, NULL, 300, 0, NULL, NULL,
	  "seconds after its start when a session is wiped regardless" },
	{ "retry_window", CK_INT, 1, 600, NULL, 30, 0, NULL, NULL,
	  "seconds an ended session still answers a retried last hop" },
	{ "max_sessions", CK_INT, 1, 1000000, NULL, 20000, 0, NULL, NULL,
	  "sessions held at once, ended ones included; when full the oldest "
	  "idle ones give way" },
	{ "busy_text", CK_STR, 1, 512, "Police 117. Ambulance 119. Try again "
	  "in a few minutes.", 0, 0, NULL, NULL,
	  "END text for a new caller when every session is busy storing" },
	{ NULL, 0, 0, 0, NULL, 0, 0, NULL, NULL, NULL }
};

static const struct ckey ck_keys[] = {
	{ "back", CK_STR, 1, MENU_KEY_MAX - 1, "0", 0, 0, NULL, NULL,
	  "key for the previous page or screen" },
	{ "main", CK_STR, 1, MENU_KEY_MAX - 1, "00", 0, 0, NULL, NULL,
	  "key for the main menu" },
	{ "more", CK_STR, 1, MENU_KEY_MAX - 1, "98", 0, 0, NULL, NULL,
	  "key for the next page" },
	{ "exit", CK_STR, 1, MENU_KEY_MAX - 1, "99", 0, 0, NULL, NULL,
	  "quick exit: ends the session with one neutral text" },
	{ NULL, 0, 0, 0, NULL, 0, 0, NULL, NULL, NULL }
};

static const struct ckey ck_screen[] = {
	{ "gsm7", CK_INT, 20, 1000, NULL, 182, 0, NULL, NULL,
	  "screen budget in GSM-7 septets" },
	{ "ucs2", CK_INT, 10, 500, NULL, 80, 0, NULL, NULL,
	  "screen budget in UTF-16 units (UCS-2 screens, e.g. Khmer)" },
	{ NULL, 0, 0, 0, NULL, 0, 0, NULL, NULL, NULL }
};

static const struct ckey ck_request[] = {
	{ "method", CK_STR, 1, 8, "POST", 0, 0, "GET|POST", NULL,
	  "HTTP method the gateway uses" },
	{ "body", CK_STR, 1, 8, "form", 0, 0, "form|json", NULL,
	  "body format of a POST" },
	{ "session_id", CK_STR, 1, 128, NULL, 0, 1, NULL, NULL,
	  "field holding the session id ([body:|query:|header:]name)" },
	{ "phone", CK_STR, 1, 128, NULL, 0, 1, NULL, NULL,
	  "field holding the caller's number" },
	{ "input", CK_STR, 1, 128, NULL, 0, 1, NULL, NULL,
	  "field holding the input" },
	{ "service_code", CK_STR, 1, 128, NULL, 0, 0, NULL, NULL,
	  "field holding the dialled code" },
	{ "network", CK_STR, 1, 128, NULL, 0, 0, NULL, NULL,
	  "field holding the network code" },
	{ "hop_id", CK_STR, 1, 128, NULL, 0, 0, NULL, NULL,
	  "field holding a per-hop id (lets latest-input gateways retry)" },
	{ "input_mode", CK_STR, 1, 16, "latest", 0, 0, "latest|history",
	  NULL, "input is the latest answer or the whole history" },
	{ "separator", CK_STR, 1, 4, "*", 0, 0, NULL, NULL,
	  "separator of history entries" },
	{ "new_session", CK_STR, 1, 32, "unknown-session", 0, 0,
	  "unknown-session|empty-input|field", NULL,
	  "how the gateway signals the first hop" },
	{ "new_session_field", CK_STR, 1, 128, NULL, 0, 0, NULL, NULL,
	  "field that signals the first hop (new_session: field)" },
	{ "new_session_value", CK_STR, 1, 64, NULL, 0, 0, NULL, NULL,
	  "value of that field on the first hop" },
	{ "end_session_value", CK_STR, 1, 64, NULL, 0, 0, NULL, NULL,
	  "value of that field when the gateway ends the session" },
	{ NULL, 0, 0, 0, NULL, 0, 0, NULL, NULL, NULL }
};

static const struct ckey ck_reply[] = {
	{ "format", CK_STR, 1, 16, "conend", 0, 0, "conend|json", NULL,
	  "CON/END text/plain, or a JSON object" },
	{ "text_field", CK_STR, 1, 64, "text", 0, 0, NULL, NULL,
	  "JSON member holding the screen text" },
	{ "action_field", CK_STR, 1, 64, "action", 0, 0, NULL, NULL,
	  "JSON member saying continue or end" },
	{ "continue_value", CK_STR, 1, 64, "CON", 0, 0, NULL, NULL,
	  "action value: wait for more input" },
	{ "end_value", CK_STR, 1, 64, "END", 0, 0, NULL, NULL,
	  "action value: end the session" },
	{ NULL, 0, 0, 0, NULL, 0, 0, NULL, NULL, NULL }
};

static const struct ckey ck_channel[] = {
	{ "name", CK_STR, 1, 32, NULL, 0, 1, NULL, NULL,
	  "channel name, used in logs and session keys" },
	{ "type", CK_STR, 1, 32, NULL, 0, 1, "africastalking|generic", NULL,
	  "webhook format" },
	{ "path", CK_STR, 2, 128, NULL, 0, 1, NULL, NULL,
	  "URL path of the webhook" },
	{ "menu", CK_STR, 1, 64, "main", 0, 0, NULL, NULL,
	  "menu tree this channel shows" },
	{ "screen", CK_OBJ, 0, 0, NULL, 0, 0, NULL, ck_screen,
	  "screen budget" },
	{ "token", CK_STR, 16, 256, NULL, 0, 0, NULL, NULL,
	  "shared secret the gateway must present" },
	{ "token_file", CK_STR, 1, 1024, NULL, 0, 0, NULL, NULL,
	  "file holding the secret (mode 0600 or 0400)" },
	{ "token_in", CK_STR, 1, 16, "header", 0, 0, "header|path", NULL,
	  "where the secret is: a header or the last path segment" },
	{ "token_header", CK_STR, 1, 64, "X-Hotlined-Token", 0, 0, NULL,
	  NULL, "header carrying the secret" },
	{ "request", CK_OBJ, 0, 0, NULL, 0, 0, NULL, ck_request,
	  "generic only: where the fields are" },
	{ "reply", CK_OBJ, 0, 0, NULL, 0, 0, NULL, ck_reply,
	  "generic only: how to answer" },
	{ "comment", CK_STR, 0, 4096, NULL, 0, 0, NULL, NULL,
	  "free text for admins" },
	{ NULL, 0, 0, 0, NULL, 0, 0, NULL, NULL, NULL }
};

static const struct ckey ck_api[] = {
	{ "address", CK_STR, 1, 255, "127.0.0.1", 0, 0, NULL, NULL,
	  "address the counsellor API binds (keep it private)" },
	{ "port", CK_INT, 0, 65535, NULL, 8081, 0, NULL, NULL,
	  "TCP port of the counsellor API (0: any free port)" },
	{ "public_url", CK_STR, 8, 255, NULL, 0, 0, NULL, NULL,
	  "base URL counsellors reach the API at, used in alerts" },
	{ NULL, 0, 0, 0, NULL, 0, 0, NULL, NULL, NULL }
};

/* Order matters: conf_notify stores these into notify_str[] by index. */
static const struct ckey ck_notify[] = {
	{ "telegram_api", CK_STR, 8, 255, "https://api.telegram.org", 0, 0,
	  NULL, NULL, "Telegram Bot API base URL" },
	{ "telegram_token_file", CK_STR, 1, 1024, NULL, 0, 0, NULL, NULL,
	  "file holding the bot token (mode 0600)" },
	{ "at_sms_url", CK_STR, 8, 255,
	  "https://api.africastalking.com/version1/messaging", 0, 0, NULL,
	  NULL, "Africa's Talking SMS endpoint" },
	{ "at_username", CK_STR, 1, 64, NULL, 0, 0, NULL, NULL,
	  "Africa's Talking user name" },
	{ "at_api_key_file", CK_STR, 1, 1024, NULL, 0, 0, NULL, NULL,
	  "file holding the Africa's Talking API key (mode 0600)" },
	{ "at_from", CK_STR, 1, 32, NULL, 0, 0, NULL, NULL,
	  "Africa's Talking sender id" },
	{ "plasgate_url", CK_STR, 8, 255,
	  "https://cloudapi.plasgate.com/rest/send", 0, 0, NULL, NULL,
	  "PlasGate send endpoint" },
	{ "plasgate_private_key_file", CK_STR, 1, 1024, NULL, 0, 0, NULL,
	  NULL, "file holding the PlasGate private key (mode 0600)" },
	{ "plasgate_secret_file", CK_STR, 1, 1024, NULL, 0, 0, NULL, NULL,
	  "file holding the PlasGate X-Secret (mode 0600)" },
	{ "plasgate_sender", CK_STR, 1, 32, NULL, 0, 0, NULL, NULL,
	  "PlasGate sender id" },
	{ "telegram_webhook_secret_file", CK_STR, 1, 1024, NULL, 0, 0, NULL,
	  NULL, "file holding the secret_token of the Telegram webhook "
	  "(mode 0600; updates \"webhook\")" },
	/* Not strings kept: these stay after the CONF_NOTIFY_STRINGS above. */
	{ "telegram_updates", CK_STR, 1, 8, "poll", 0, 0, "poll|webhook|off",
	  NULL, "how button presses reach hotlined: long polling getUpdates, "
	  "a webhook at /telegram/webhook, or not at all" },
	{ "telegram_poll_timeout", CK_INT, 1, 50, NULL, 30, 0, NULL, NULL,
	  "seconds each getUpdates long poll may wait" },
	{ "comment", CK_STR, 0, 4096, NULL, 0, 0, NULL, NULL,
	  "free text for admins" },
	{ NULL, 0, 0, 0, NULL, 0, 0, NULL, NULL, NULL }
};

static const struct ckey ck_console[] = {
	{ "idle", CK_INT, 2, 86400, NULL, 900, 0, NULL, NULL,
	  "seconds a console sign-in lasts without use" },
	{ "behind_tls", CK_BOOL, 0, 1, NULL, 0, 0, NULL, NULL,
	  "the console is reached over HTTPS (a TLS proxy): cookies are "
	  "Secure" },
	{ "link_ttl", CK_INT, 30, 3600, NULL, 600, 0, NULL, NULL,
	  "seconds a one-time sign-in link from an alert stays valid" },
	{ "signin_failures", CK_INT, 1, 100, NULL, 5, 0, NULL, NULL,
	  "failed sign-ins from one address before it must wait" },
	{ "comment", CK_STR, 0, 4096, NULL, 0, 0, NULL, NULL,
	  "free text for admins" },
	{ NULL, 0, 0, 0, NULL, 0, 0, NULL, NULL, NULL }
};

static const struct ckey ck_top[] = {
	{ "listen", CK_OBJ, 0, 0, NULL, 0, 0, NULL, ck_listen,
	  "USSD webhook listener" },
	{ "limits", CK_OBJ, 0, 0, NULL, 0, 0, NULL, ck_limits,
	  "request limits" },
	{ "session", CK_OBJ, 0, 0, NULL, 0, 0, NULL, ck_session,
	  "session lifetime" },
	{ "keys", CK_OBJ, 0, 0, NULL, 0, 0, NULL, ck_keys,
	  "global keys, valid on every screen" },
	{ "exit_text", CK_STR, 1, 512, "Thank you.", 0, 0, NULL, NULL,
	  "the quick exit's one neutral END text, in every language" },
	{ "languages", CK_STRLIST, 1, MENU_MAX_LANG, NULL, 0, 0, NULL, NULL,
	  "language codes, default first (default: km, en)" },
	{ "menus", CK_MAP, 1, 64, NULL, 0, 1, NULL, NULL,
	  "menu tree name -> file, relative to this file" },
	{ "channels", CK_OBJLIST, 1, 64, NULL, 0, 1, NULL, ck_channel,
	  "USSD webhooks" },
	{ "verbose", CK_BOOL, 0, 1, NULL, 0, 0, NULL, NULL,
	  "log debug lines" },
	{ "database", CK_STR, 1, 1024, "hotlined.db", 0, 0, NULL, NULL,
	  "SQLite file of callback requests (read at start only)" },
	{ "roster", CK_STR, 1, 1024, NULL, 0, 0, NULL, NULL,
	  "roster file; needed by menus with a callback node" },
	{ "api", CK_OBJ, 0, 0, NULL, 0, 0, NULL, ck_api,
	  "counsellor API listener (read at start only)" },
	{ "console", CK_OBJ, 0, 0, NULL, 0, 0, NULL, ck_console,
	  "the counsellors' web console on the API listener" },
	{ "notify", CK_OBJ, 0, 0, NULL, 0, 0, NULL, ck_notify,
	  "alert providers: Telegram, Africa's Talking, PlasGate" },
	{ "clock_start", CK_STR, 20, 25, NULL, 0, 0, NULL, NULL,
	  "tests only: start the clock at this ISO 8601 instant" },
	{ "comment", CK_STR, 0, 4096, NULL, 0, 0, NULL, NULL,
	  "free text for admins" },
	{ NULL, 0, 0, 0, NULL, 0, 0, NULL, NULL, NULL }
};

/* Loading context. */
struct conf_ld {
	const char		*name;	/* the file as named to the admin */
	char			*dir;	/* its directory, for relative paths */
	const struct jsonpos	*jp;
	struct diag		*d;
	size_t			 errors;
};

/* Report a problem at a pointer. */
static void
conf_err(struct conf_ld *ld, const char *ptr, int key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
conf_err(struct conf_ld *ld, const char *ptr, int key, const char *fmt, ...)
{
	char	 msg[512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_at(ld->d, ld->name, ld->jp, ptr, key, "%s", msg);
	ld->errors++;
}

/* Build "base/member" (a JSON pointer); a truncated pointer only blurs
 * the location of a message, so truncation is tolerated. */
static const char *
conf_ptr(char *buf, size_t len, const char *base, const char *member)
{
	if (snprintf(buf, len, "%s/%s", base, member) >= (int)len)
		buf[len - 1] = '\0';
	return buf;
}

/* Build "base/index". */
static const char *
conf_ptr_index(char *buf, size_t len, const char *base, size_t i)
{
	char	 num[24];

	snprintf(num, sizeof(num), "%zu", i);
	return conf_ptr(buf, len, base, num);
}

/* Find a key in a table. */
static const struct ckey *
ck_find(const struct ckey *t, const char *name)
{
	for (; t->name != NULL; t++)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

/* Return 1 if s is one of the '|'-separated choices. */
static int
ck_choice(const char *choices, const char *s)
{
	size_t	 n = strlen(s);
	const char *p = choices, *bar;

	for (;;) {
		bar = strchr(p, '|');
		if ((bar ? (size_t)(bar - p) : strlen(p)) == n &&
		    strncmp(p, s, n) == 0)
			return 1;
		if (bar == NULL)
			return 0;
		p = bar + 1;
	}
}

static void ck_walk(struct conf_ld *, json_t *, const char *,
    const struct ckey *);

/* Check one value against its key. */
static void
ck_value(struct conf_ld *ld, const struct ckey *k, json_t *v, const char *ptr)
{
	const char	*name;
	json_t		*e;
	size_t		 i, n;
	char		 p[CONF_PTR_MAX];
	json_int_t	 iv;

	switch (k->type) {
	case CK_STR:
		if (!json_is_string(v)) {
			conf_err(ld, ptr, 0, "must be a string");
			return;
		}
		n = json_string_length(v);
		if (strlen(json_string_value(v)) != n)
			conf_err(ld, ptr, 0, "must not contain NUL");
		else if ((long)n < k->min || (long)n > k->max)
			conf_err(ld, ptr, 0, "must be %ld to %ld bytes long",
			    k->min, k->max);
		else if (k->choices != NULL &&
		    !ck_choice(k->choices, json_string_value(v)))
			conf_err(ld, ptr, 0, "must be one of %s", k->choices);
		break;
	case CK_INT:
		if (!json_is_integer(v)) {
			conf_err(ld, ptr, 0, "must be an integer");
			return;
		}
		iv = json_integer_value(v);
		if (iv < k->min || iv > k->max)
			conf_err(ld, ptr, 0, "must be within %ld..%ld", k->min,
			    k->max);
		break;
	case CK_BOOL:
		if (!json_is_boolean(v))
			conf_err(ld, ptr, 0, "must be true or false");
		break;
	case CK_OBJ:
		if (!json_is_object(v))
			conf_err(ld, ptr, 0, "must be an object");
		else
			ck_walk(ld, v, ptr, k->sub);
		break;
	case CK_MAP:
		if (!json_is_object(v) ||
		    json_object_size(v) < (size_t)k->min ||
		    json_object_size(v) > (size_t)k->max) {
			conf_err(ld, ptr, 0, "must be an object of %ld to %ld "
			    "names", k->min, k->max);
			return;
		}
		json_object_foreach(v, name, e) {
			conf_ptr(p, sizeof(p), ptr, name);
			if (!json_is_string(e) || json_string_length(e) == 0)
				conf_err(ld, p, 0, "must be a file name");
		}
		break;
	case CK_STRLIST:
	case CK_OBJLIST:
		if (!json_is_array(v) || json_array_size(v) < (size_t)k->min ||
		    json_array_size(v) > (size_t)k->max) {
			conf_err(ld, ptr, 0, "must be an array of %ld to %ld "
			    "entries", k->min, k->max);
			return;
		}
		json_array_foreach(v, i, e) {
			conf_ptr_index(p, sizeof(p), ptr, i);
			if (k->type == CK_STRLIST && !json_is_string(e))
				conf_err(ld, p, 0, "must be a string");
			else if (k->type == CK_OBJLIST && !json_is_object(e))
				conf_err(ld, p, 0, "must be an object");
			else if (k->type == CK_OBJLIST)
				ck_walk(ld, e, p, k->sub);
		}
		break;
	}
}

/* Check every member of obj against table t, and required members. */
static void
ck_walk(struct conf_ld *ld, json_t *obj, const char *ptr,
    const struct ckey *t)
{
	const struct ckey	*k;
	const char		*name;
	json_t			*v;
	char			 p[CONF_PTR_MAX];

	json_object_foreach(obj, name, v) {
		conf_ptr(p, sizeof(p), ptr, name);
		k = ck_find(t, name);
		if (k == NULL) {
			conf_err(ld, p, 1, "unknown key \"%s\"", name);
			continue;
		}
		ck_value(ld, k, v, p);
	}
	for (k = t; k->name != NULL; k++)
		if (k->required && json_object_get(obj, k->name) == NULL)
			conf_err(ld, ptr, 0, "missing \"%s\"", k->name);
}

/* A string value of obj, or the table default (borrowed; may be NULL). */
static const char *
ck_str(json_t *obj, const struct ckey *t, const char *name)
{
	json_t	*v = obj ? json_object_get(obj, name) : NULL;

	if (json_is_string(v))
		return json_string_value(v);
	return ck_find(t, name)->sdef;
}

/* An integer value of obj, or the table default. */
static long
ck_int(json_t *obj, const struct ckey *t, const char *name)
{
	json_t	*v = obj ? json_object_get(obj, name) : NULL;

	if (json_is_integer(v))
		return (long)json_integer_value(v);
	if (json_is_boolean(v))
		return json_is_true(v);
	return ck_find(t, name)->idef;
}

/* strdup that tolerates NULL. */
static char *
conf_strdup(const char *s)
{
	return s == NULL ? NULL : strdup(s);
}

/* Resolve a path relative to the configuration file's directory. */
static char *
conf_path(struct conf_ld *ld, const char *file)
{
	return jsonfile_path(ld->dir, file);
}

/* Read a secret (16 to 256 bytes) from a file only its owner can read. */
static char *
conf_secret_file(struct conf_ld *ld, const char *file, const char *ptr)
{
	char	*path, *s = NULL, *cause = NULL;
	size_t	 n;

	path = conf_path(ld, file);
	if (path == NULL)
		return NULL;
	s = jsonfile_secret(path, &cause);
	if (s == NULL)
		conf_err(ld, ptr, 0, "%s", cause ? cause : "out of memory");
	else if ((n = strlen(s)) < 16 || n > 256) {
		conf_err(ld, ptr, 0, "the secret in %s must be 16 to 256 "
		    "bytes", path);
		explicit_bzero(s, n);
		free(s);
		s = NULL;
	}
	free(cause);
	free(path);
	return s;
}

/* Parse a generic field spec member into f, reporting bad specs. */
static void
conf_field(struct conf_ld *ld, json_t *req, const char *name,
    const char *ptr, struct channel_field *f)
{
	const char	*spec = ck_str(req, ck_request, name);
	char		 p[CONF_PTR_MAX];

	if (spec == NULL)
		return;
	if (channel_field_parse(spec, f) == -1) {
		conf_ptr(p, sizeof(p), ptr, name);
		conf_err(ld, p, 0, "\"%s\" is not [body:|query:|header:]name",
		    spec);
	}
}

/* Read a generic channel's request and reply mapping. */
static void
conf_generic(struct conf_ld *ld, struct channel *ch, json_t *obj,
    const char *ptr)
{
	json_t		*req = json_object_get(obj, "request");
	json_t		*rep = json_object_get(obj, "reply");
	const char	*s;
	char		 p[CONF_PTR_MAX];

	if (req == NULL) {
		conf_err(ld, ptr, 0, "a generic channel needs \"request\"");
		return;
	}
	conf_ptr(p, sizeof(p), ptr, "request");
	ch->method = strcmp(ck_str(req, ck_request, "method"), "GET") == 0 ?
	    CHANNEL_GET : CHANNEL_POST;
	ch->body = strcmp(ck_str(req, ck_request, "body"), "json") == 0 ?
	    CHANNEL_BODY_JSON : CHANNEL_BODY_FORM;
	conf_field(ld, req, "session_id", p, &ch->f_session);
	conf_field(ld, req, "phone", p, &ch->f_phone);
	conf_field(ld, req, "input", p, &ch->f_input);
	conf_field(ld, req, "service_code", p, &ch->f_service);
	conf_field(ld, req, "network", p, &ch->f_network);
	conf_field(ld, req, "hop_id", p, &ch->f_hop);
	ch->input_mode = strcmp(ck_str(req, ck_request, "input_mode"),
	    "history") == 0 ? CHANNEL_INPUT_HISTORY : CHANNEL_INPUT_LATEST;
	ch->separator = conf_strdup(ck_str(req, ck_request, "separator"));
	s = ck_str(req, ck_request, "new_session");
	if (strcmp(s, "empty-input") == 0)
		ch->newsig = CHANNEL_NEW_EMPTY_INPUT;
	else if (strcmp(s, "field") == 0) {
		ch->newsig = CHANNEL_NEW_FIELD;
		conf_field(ld, req, "new_session_field", p, &ch->f_new);
		ch->new_value = conf_strdup(ck_str(req, ck_request,
		    "new_session_value"));
		if (ch->f_new.name == NULL || ch->new_value == NULL)
			conf_err(ld, p, 0, "new_session \"field\" needs "
			    "new_session_field and new_session_value");
	} else
		ch->newsig = CHANNEL_NEW_UNKNOWN_SESSION;
	if (ch->method == CHANNEL_GET && ch->body == CHANNEL_BODY_JSON)
		conf_err(ld, p, 0, "a GET request has no JSON body");
	if (ch->newsig != CHANNEL_NEW_FIELD &&
	    (json_object_get(req, "new_session_field") != NULL ||
	    json_object_get(req, "new_session_value") != NULL))
		conf_err(ld, p, 0, "new_session_field and new_session_value "
		    "need new_session \"field\"");
	s = ck_str(req, ck_request, "end_session_value");
	if (s != NULL) {
		if (ch->newsig != CHANNEL_NEW_FIELD)
			conf_err(ld, p, 0, "end_session_value needs "
			    "new_session \"field\"");
		else if (ch->new_value != NULL &&
		    strcmp(s, ch->new_value) == 0)
			conf_err(ld, p, 0, "end_session_value must differ from "
			    "new_session_value");
		ch->end_value = strdup(s);
	}

	ch->reply = strcmp(ck_str(rep, ck_reply, "format"), "json") == 0 ?
	    CHANNEL_REPLY_JSON : CHANNEL_REPLY_CONEND;
	ch->reply_text = conf_strdup(ck_str(rep, ck_reply, "text_field"));
	ch->reply_action = conf_strdup(ck_str(rep, ck_reply, "action_field"));
	ch->reply_continue = conf_strdup(ck_str(rep, ck_reply,
	    "continue_value"));
	ch->reply_end = conf_strdup(ck_str(rep, ck_reply, "end_value"));
	if (strcmp(ch->reply_text, ch->reply_action) == 0) {
		conf_ptr(p, sizeof(p), ptr, "reply");
		conf_err(ld, p, 0, "text_field and action_field must differ");
	}
	if (strcmp(ch->reply_continue, ch->reply_end) == 0) {
		conf_ptr(p, sizeof(p), ptr, "reply");
		conf_err(ld, p, 0, "continue_value and end_value must differ");
	}
}

/* Return 1 if a webhook path is acceptable: /segment[/segment...]. */
static int
conf_path_ok(const char *path)
{
	const char	*p;

	if (path[0] != '/' || path[strlen(path) - 1] == '/' ||
	    strstr(path, "//") != NULL)
		return 0;
	for (p = path; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("/_.-", *p) == NULL)
			return 0;
	return 1;
}

/* Build one channel from its (schema-checked) object. */
static struct channel *
conf_channel(struct conf_ld *ld, struct conf *c, json_t *menus, json_t *obj,
    const char *ptr)
{
	struct channel	*ch;
	json_t		*scr;
	const char	*s, *tokfile;
	char		 p[CONF_PTR_MAX];
	size_t		 i;

	ch = calloc(1, sizeof(*ch));
	if (ch == NULL)
		return NULL;
	ch->name = conf_strdup(ck_str(obj, ck_channel, "name"));
	ch->path = conf_strdup(ck_str(obj, ck_channel, "path"));
	ch->menu_name = conf_strdup(ck_str(obj, ck_channel, "menu"));
	s = ck_str(obj, ck_channel, "type");
	ch->kind = s != NULL && strcmp(s, "generic") == 0 ? CHANNEL_GENERIC :
	    CHANNEL_AT;
	scr = json_object_get(obj, "screen");
	ch->limits.gsm7 = (size_t)ck_int(scr, ck_screen, "gsm7");
	ch->limits.ucs2 = (size_t)ck_int(scr, ck_screen, "ucs2");

	if (ch->path != NULL && !conf_path_ok(ch->path)) {
		conf_ptr(p, sizeof(p), ptr, "path");
		conf_err(ld, p, 0, "path must look like /ussd/name (letters, "
		    "digits, _ . - and /, no trailing /)");
	}
	/* Name check against the file, so it holds even if a tree failed. */
	if (ch->menu_name != NULL &&
	    json_object_get(menus, ch->menu_name) == NULL) {
		conf_ptr(p, sizeof(p), ptr, "menu");
		conf_err(ld, json_object_get(obj, "menu") ? p : ptr, 0,
		    "no menu tree called \"%s\" in \"menus\"", ch->menu_name);
	}
	for (i = 0; i < c->nmenus && ch->menu_name != NULL; i++)
		if (strcmp(c->menus[i].name, ch->menu_name) == 0)
			ch->menu = c->menus[i].menu;

	/* The secret: inline or from a private file, in a header or path. */
	tokfile = ck_str(obj, ck_channel, "token_file");
	s = ck_str(obj, ck_channel, "token");
	conf_ptr(p, sizeof(p), ptr, "token_file");
	if (s != NULL && tokfile != NULL)
		conf_err(ld, p, 1, "use either \"token\" or \"token_file\"");
	else if (tokfile != NULL)
		ch->token = conf_secret_file(ld, tokfile, p);
	else
		ch->token = conf_strdup(s);
	if (ch->token != NULL) {
		ch->token_in = strcmp(ck_str(obj, ck_channel, "token_in"),
		    "path") == 0 ? CHANNEL_TOKEN_PATH : CHANNEL_TOKEN_HEADER;
		for (s = ch->token; *s != '\0'; s++)
			if (!isalnum((unsigned char)*s) && *s != '_' &&
			    *s != '-') {
				conf_err(ld, ptr, 0, "the token may hold only "
				    "letters, digits, _ and -");
				break;
			}
	} else if (tokfile == NULL &&
	    json_object_get(obj, "token_in") != NULL) {
		conf_ptr(p, sizeof(p), ptr, "token_in");
		conf_err(ld, p, 1, "\"token_in\" without a token");
	}
	ch->token_header = conf_strdup(ck_str(obj, ck_channel,
	    "token_header"));

	if (ch->token != NULL && strstr(ch->token, "EXAMPLE") != NULL)
		diag_warn_at(ld->d, ld->name, ld->jp, ptr, 0, "channel \"%s\" "
		    "still has the sample's EXAMPLE token: make a new random "
		    "one (token_file)", ch->name);
	if (ch->kind == CHANNEL_AT && ch->token == NULL)
		diag_warn_at(ld->d, ld->name, ld->jp, ptr, 0, "channel \"%s\" "
		    "has no token: Africa's Talking signs nothing, so anyone "
		    "who learns the URL can post sessions; set token_file and "
		    "\"token_in\": \"path\"", ch->name);
	if (ch->kind == CHANNEL_GENERIC)
		conf_generic(ld, ch, obj, ptr);
	else {
		if (json_object_get(obj, "request") != NULL) {
			conf_ptr(p, sizeof(p), ptr, "request");
			conf_err(ld, p, 1, "\"request\" is for generic "
			    "channels only");
		}
		if (json_object_get(obj, "reply") != NULL) {
			conf_ptr(p, sizeof(p), ptr, "reply");
			conf_err(ld, p, 1, "\"reply\" is for generic "
			    "channels only");
		}
	}
	return ch;
}

/* Return 1 if s is a plausible language code (ISO 639, e.g. "km"). */
static int
conf_lang_ok(const char *s)
{
	size_t	 n = strlen(s), i;

	if (n < 2 || n > 8)
		return 0;
	for (i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) && s[i] != '-')
			return 0;
	return 1;
}

/* Read the global keys and check they are digits and distinct. */
static void
conf_keys(struct conf_ld *ld, struct conf *c, json_t *keys)
{
	char		*dst[4] = { c->keys.back, c->keys.main, c->keys.more,
			    c->keys.exit };
	const char	*names[4] = { "back", "main", "more", "exit" };
	const char	*s;
	char		 p[CONF_PTR_MAX];
	size_t		 i, j;

	for (i = 0; i < 4; i++) {
		s = ck_str(keys, ck_keys, names[i]);
		snprintf(p, sizeof(p), "/keys/%s", names[i]);
		snprintf(dst[i], MENU_KEY_MAX, "%s", s);
		if (strspn(s, "0123456789") != strlen(s))
			conf_err(ld, p, 0, "a key must be ASCII digits");
		for (j = 0; j < i; j++)
			if (strcmp(dst[i], dst[j]) == 0)
				conf_err(ld, p, 0, "key \"%s\" is also the %s "
				    "key", s, names[j]);
	}
}

/* Load every menu tree named in "menus". */
static void
conf_menus(struct conf_ld *ld, struct conf *c, json_t *menus)
{
	struct menu_env	 env;
	const char	*name;
	json_t		*v;
	char		*path;
	size_t		 i;

	memset(&env, 0, sizeof(env));
	for (i = 0; i < c->nlang; i++)
		env.languages[i] = c->languages[i];
	env.nlang = c->nlang;
	env.keys = &c->keys;
	env.exit_text = c->exit_text;
	if (c->roster != NULL) {
		/* Choice labels may show the roster's hours ({hours}). */
		struct roster_window	 w[MENU_MAX_WINDOWS];

		env.nwindows = roster_windows(c->roster, w, MENU_MAX_WINDOWS);
		if (env.nwindows > MENU_MAX_WINDOWS)
			env.nwindows = MENU_MAX_WINDOWS;
		for (i = 0; i < env.nwindows; i++) {
			env.windows[i].name = w[i].name;
			env.windows[i].from = w[i].from;
			env.windows[i].to = w[i].to;
		}
		env.now_minutes = roster_now_minutes(c->roster);
	}
	c->menus = calloc(json_object_size(menus), sizeof(*c->menus));
	if (c->menus == NULL) {
		ld->errors++;
		return;
	}
	json_object_foreach(menus, name, v) {
		if (!json_is_string(v))
			continue;
		path = conf_path(ld, json_string_value(v));
		c->menus[c->nmenus].name = strdup(name);
		c->menus[c->nmenus].file = path;
		if (path != NULL) {
			c->menus[c->nmenus].menu = menu_load(path, path, &env,
			    ld->d);
			if (c->menus[c->nmenus].menu == NULL)
				ld->errors++;
		}
		c->nmenus++;
	}
}

/* Check each channel's tree against the channel's budget (once per pair). */
static void
conf_fit(struct conf_ld *ld, struct conf *c, FILE *report)
{
	struct channel		*ch, *prev;
	enum text_encoding	 enc;
	size_t			 i, j, sz, limit;

	for (i = 0; i < c->nchannels; i++) {
		ch = c->channels[i];
		if (ch->menu == NULL)
			continue;
		enc = text_encoding_of(c->busy_text, strlen(c->busy_text));
		sz = text_measure(c->busy_text, strlen(c->busy_text), enc);
		limit = enc == TEXT_GSM7 ? ch->limits.gsm7 : ch->limits.ucs2;
		if (sz > limit)
			conf_err(ld, "/session/busy_text", 0, "%zu %s units, over "
			    "the one-screen limit of %zu of channel \"%s\"",
			    sz, text_encoding_name(enc), limit, ch->name);
		for (j = 0; j < i; j++) {
			prev = c->channels[j];
			if (prev->menu == ch->menu &&
			    prev->limits.gsm7 == ch->limits.gsm7 &&
			    prev->limits.ucs2 == ch->limits.ucs2)
				break;
		}
		if (j < i)
			continue;
		if (report != NULL)
			fprintf(report, "screens of menu \"%s\" on channel "
			    "\"%s\" (limits: %zu GSM-7 septets, %zu UCS-2 "
			    "units):\n", ch->menu_name, ch->name,
			    ch->limits.gsm7, ch->limits.ucs2);
		ld->errors += menu_check_fit(ch->menu, &ch->limits, ld->d,
		    report);
	}
}

/* Read the alert providers' settings; secrets come from private files. */
static void
conf_notify(struct conf_ld *ld, struct conf *c, json_t *n)
{
	struct notify_settings	*s = &c->notify;
	const struct ckey	*k;
	const char		*v;
	char			 p[CONF_PTR_MAX];
	size_t			 i;

	for (i = 0, k = ck_notify; i < CONF_NOTIFY_STRINGS; k++, i++) {
		v = ck_str(n, ck_notify, k->name);
		if (v == NULL)
			continue;
		if (strstr(k->name, "_file") != NULL) {
			conf_ptr(p, sizeof(p), "/notify", k->name);
			c->notify_str[i] = conf_secret_file(ld, v, p);
		} else
			c->notify_str[i] = strdup(v);
	}
	s->telegram_api = c->notify_str[0];
	s->telegram_token = c->notify_str[1];
	s->at_sms_url = c->notify_str[2];
	s->at_username = c->notify_str[3];
	s->at_api_key = c->notify_str[4];
	s->at_from = c->notify_str[5];
	s->plasgate_url = c->notify_str[6];
	s->plasgate_private_key = c->notify_str[7];
	s->plasgate_secret = c->notify_str[8];
	s->plasgate_sender = c->notify_str[9];
	s->telegram_webhook_secret = c->notify_str[10];
	v = ck_str(n, ck_notify, "telegram_updates");
	if (strcmp(v, "webhook") == 0)
		c->telegram_updates = CONF_TG_WEBHOOK;
	else if (strcmp(v, "off") == 0)
		c->telegram_updates = CONF_TG_OFF;
	else
		c->telegram_updates = CONF_TG_POLL;
	c->telegram_poll_timeout = (int)ck_int(n, ck_notify,
	    "telegram_poll_timeout");
	/* Telegram's setWebhook takes only these in a secret_token. */
	if (s->telegram_webhook_secret != NULL &&
	    strspn(s->telegram_webhook_secret, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789_-") !=
	    strlen(s->telegram_webhook_secret))
		conf_err(ld, "/notify/telegram_webhook_secret_file", 0, "the "
		    "secret may hold only A-Z, a-z, 0-9, _ and - (Telegram "
		    "refuses others)");
	if (c->telegram_updates == CONF_TG_WEBHOOK &&
	    s->telegram_webhook_secret == NULL)
		conf_err(ld, "/notify/telegram_updates", 0, "\"webhook\" needs "
		    "telegram_webhook_secret_file: anyone could post presses "
		    "otherwise");
}

/* The roster, read before the menus: their labels may show its hours. */
static void
conf_roster(struct conf_ld *ld, struct conf *c, json_t *root)
{
	const char	*v;

	v = ck_str(root, ck_top, "roster");
	if (v == NULL)
		return;
	c->roster_file = conf_path(ld, v);
	if (c->roster_file == NULL)
		return;
	c->roster = roster_load(c->roster_file, ld->d);
	if (c->roster == NULL)
		ld->errors++;
}

/* The database, counsellor API, providers, test clock; roster checks. */
static void
conf_services(struct conf_ld *ld, struct conf *c, json_t *root)
{
	json_t		*api = json_object_get(root, "api"), *con;
	const char	*v;
	size_t		 i, ncb = 0;

	c->database = conf_path(ld, ck_str(root, ck_top, "database"));
	c->api_addr = conf_strdup(ck_str(api, ck_api, "address"));
	c->api_port = (int)ck_int(api, ck_api, "port");
	c->api_url = conf_strdup(ck_str(api, ck_api, "public_url"));
	con = json_object_get(root, "console");
	c->console_idle = (int)ck_int(con, ck_console, "idle");
	c->console_tls = (int)ck_int(con, ck_console, "behind_tls");
	c->console_link_ttl = (int)ck_int(con, ck_console, "link_ttl");
	c->signin_failures = (int)ck_int(con, ck_console, "signin_failures");
	conf_notify(ld, c, json_object_get(root, "notify"));

	v = ck_str(root, ck_top, "clock_start");
	if (v != NULL && hclock_parse(v, &c->clock_start) == -1)
		conf_err(ld, "/clock_start", 0, "not an instant like "
		    "2026-11-23T08:00:00+07:00");

	for (i = 0; i < c->nmenus; i++)
		if (c->menus[i].menu != NULL &&
		    menu_has_callback(c->menus[i].menu))
			ncb++;
	if (c->roster == NULL) {
		if (ncb > 0 && ck_str(root, ck_top, "roster") == NULL)
			conf_err(ld, "", 0, "a menu has a callback node: "
			    "\"roster\" is needed to alert counsellors");
		return;
	}
	/* An alert that cannot be sent is found now, not at 3 a.m. */
	if (roster_uses(c->roster, ROSTER_TELEGRAM) &&
	    c->notify.telegram_token == NULL)
		conf_err(ld, "/roster", 0, "the roster sends Telegram alerts: "
		    "set notify.telegram_token_file");
	if (roster_uses(c->roster, ROSTER_SMS_AT) &&
	    (c->notify.at_username == NULL || c->notify.at_api_key == NULL))
		conf_err(ld, "/roster", 0, "the roster sends Africa's Talking "
		    "SMS: set notify.at_username and notify.at_api_key_file");
	if (roster_uses(c->roster, ROSTER_SMS_PLASGATE) &&
	    (c->notify.plasgate_private_key == NULL ||
	    c->notify.plasgate_secret == NULL))
		conf_err(ld, "/roster", 0, "the roster sends PlasGate SMS: set "
		    "notify.plasgate_private_key_file and "
		    "notify.plasgate_secret_file");
}

/* Load a configuration and everything it references. */
struct conf *
conf_load(const char *file, struct diag *d, FILE *report)
{
	struct conf_ld	 ld;
	struct conf	*c = NULL;
	struct jsonfile	 jf;
	json_t		*root, *o, *v;
	char		*slash, p[CONF_PTR_MAX];
	size_t		 i, j;

	memset(&ld, 0, sizeof(ld));
	memset(&jf, 0, sizeof(jf));
	ld.name = file;
	ld.d = d;
	ld.dir = strdup(file);
	c = calloc(1, sizeof(*c));
	if (ld.dir == NULL || c == NULL) {
		diag_add(d, "%s: out of memory", file);
		goto fail;
	}
	c->refs = 1;
	slash = strrchr(ld.dir, '/');
	if (slash == NULL)
		snprintf(ld.dir, strlen(ld.dir) + 1, ".");
	else if (slash == ld.dir)
		slash[1] = '\0';
	else
		*slash = '\0';

	if (jsonfile_load(file, file, CONF_FILE_MAX, &jf, d) == -1)
		goto fail;
	root = jf.root;
	ld.jp = jf.jp;
	if (!json_is_object(root)) {
		conf_err(&ld, "", 0, "the configuration must be a JSON object");
		goto fail;
	}
	ck_walk(&ld, root, "", ck_top);
	if (ld.errors > 0)
		goto fail;	/* typed reads below rely on a clean schema */

	c->file = strdup(file);
	o = json_object_get(root, "listen");
	c->listen_addr = conf_strdup(ck_str(o, ck_listen, "address"));
	c->listen_port = (int)ck_int(o, ck_listen, "port");
	o = json_object_get(root, "limits");
	c->max_body = (size_t)ck_int(o, ck_limits, "max_body");
	o = json_object_get(root, "session");
	c->idle_timeout = (int)ck_int(o, ck_session, "idle_timeout");
	c->max_duration = (int)ck_int(o, ck_session, "max_duration");
	c->retry_window = (int)ck_int(o, ck_session, "retry_window");
	c->max_sessions = (size_t)ck_int(o, ck_session, "max_sessions");
	c->busy_text = conf_strdup(ck_str(o, ck_session, "busy_text"));
	c->exit_text = conf_strdup(ck_str(root, ck_top, "exit_text"));
	if (c->idle_timeout > c->max_duration)
		conf_err(&ld, "/session/idle_timeout", 0, "must not exceed "
		    "max_duration (%d)", c->max_duration);
	c->verbose = (int)ck_int(root, ck_top, "verbose");
	conf_keys(&ld, c, json_object_get(root, "keys"));

	o = json_object_get(root, "languages");
	if (o == NULL) {
		c->languages[c->nlang++] = strdup("km");
		c->languages[c->nlang++] = strdup("en");
	} else {
		json_array_foreach(o, i, v) {
			snprintf(p, sizeof(p), "/languages/%zu", i);
			if (!conf_lang_ok(json_string_value(v)))
				conf_err(&ld, p, 0, "\"%s\" is not a language "
				    "code like \"km\"", json_string_value(v));
			for (j = 0; j < c->nlang; j++)
				if (strcmp(c->languages[j],
				    json_string_value(v)) == 0)
					conf_err(&ld, p, 0, "duplicate "
					    "language");
			c->languages[c->nlang++] = strdup(json_string_value(v));
		}
	}
	if (ld.errors == 0)
		conf_roster(&ld, c, root);
	if (ld.errors == 0)
		conf_menus(&ld, c, json_object_get(root, "menus"));

	o = json_object_get(root, "channels");
	c->channels = calloc(json_array_size(o), sizeof(*c->channels));
	if (c->channels == NULL) {
		diag_add(d, "%s: out of memory", file);
		goto fail;
	}
	json_array_foreach(o, i, v) {
		struct channel *ch;

		snprintf(p, sizeof(p), "/channels/%zu", i);
		ch = conf_channel(&ld, c, json_object_get(root, "menus"), v, p);
		if (ch == NULL) {
			diag_add(d, "%s: out of memory", file);
			goto fail;
		}
		c->channels[c->nchannels++] = ch;
		for (j = 0; j + 1 < c->nchannels; j++) {
			if (strcmp(c->channels[j]->name, ch->name) == 0)
				conf_err(&ld, p, 0, "duplicate channel name "
				    "\"%s\"", ch->name);
			if (strcmp(c->channels[j]->path, ch->path) == 0)
				conf_err(&ld, p, 0, "duplicate channel path "
				    "\"%s\"", ch->path);
		}
	}
	if (ld.errors == 0)
		conf_services(&ld, c, root);
	if (ld.errors == 0)
		conf_fit(&ld, c, report);
	if (ld.errors > 0 || diag_count(d) > 0)
		goto fail;
	jsonfile_clear(&jf);
	free(ld.dir);
	return c;
fail:
	jsonfile_clear(&jf);
	free(ld.dir);
	conf_unref(c);
	return NULL;
}

/* Take a reference. */
struct conf *
conf_ref(struct conf *c)
{
	c->refs++;
	return c;
}

/* Drop a reference, freeing on the last. */
void
conf_unref(struct conf *c)
{
	size_t	 i;

	if (c == NULL || --c->refs > 0)
		return;
	for (i = 0; i < c->nchannels; i++)
		channel_free(c->channels[i]);
	free(c->channels);
	for (i = 0; i < c->nmenus; i++) {
		free(c->menus[i].name);
		free(c->menus[i].file);
		menu_free(c->menus[i].menu);
	}
	free(c->menus);
	for (i = 0; i < c->nlang; i++)
		free(c->languages[i]);
	roster_free(c->roster);
	free(c->roster_file);
	free(c->database);
	free(c->api_addr);
	free(c->api_url);
	for (i = 0; i < CONF_NOTIFY_STRINGS; i++) {
		if (c->notify_str[i] != NULL)
			explicit_bzero(c->notify_str[i],
			    strlen(c->notify_str[i]));
		free(c->notify_str[i]);
	}
	free(c->listen_addr);
	free(c->busy_text);
	free(c->exit_text);
	free(c->file);
	free(c);
}

/*
 * Whether rest (what follows a channel's path) is "/end", the suffix of
 * an Africa's Talking end-of-session notice.
 */
static int
conf_notice_suffix(const struct channel *ch, const char *rest)
{
	return ch->kind == CHANNEL_AT && strcmp(rest, "/end") == 0;
}

/* Find the channel for a request path. */
const struct channel *
conf_channel_for(const struct conf *c, const char *path,
    const char **token_seg, int *notice)
{
	const struct channel	*ch;
	const char		*rest, *slash;
	size_t			 i, n;

	*token_seg = NULL;
	*notice = 0;
	for (i = 0; i < c->nchannels; i++) {
		ch = c->channels[i];
		n = strlen(ch->path);
		if (strncmp(path, ch->path, n) != 0)
			continue;
		rest = path + n;
		if (ch->token_in == CHANNEL_TOKEN_PATH) {
			if (rest[0] == '/' && rest[1] != '\0') {
				slash = strchr(rest + 1, '/');
				if (slash == NULL) {
					*token_seg = rest + 1;
					return ch;
				}
				if (conf_notice_suffix(ch, slash)) {
					/* "<path>/<token>/end" */
					*token_seg = rest + 1;
					*notice = 1;
					return ch;
				}
			}
			if (rest[0] == '\0')
				return ch;	/* caller answers 403 */
			continue;
		}
		if (rest[0] == '\0')
			return ch;
		if (conf_notice_suffix(ch, rest)) {
			*notice = 1;
			return ch;
		}
	}
	return NULL;
}

/* Print one table of keys under a prefix. */
static void
conf_print_table(FILE *fp, const char *prefix, const struct ckey *t)
{
	static const char	*types[] = { "string", "integer", "boolean",
				    "object", "strings", "map", "objects" };
	char			 name[128], def[64];

	for (; t->name != NULL; t++) {
		snprintf(name, sizeof(name), "%s%s", prefix, t->name);
		if (t->type == CK_OBJ || t->type == CK_OBJLIST) {
			fprintf(fp, "%-34s %-8s %s\n", name, types[t->type],
			    t->help);
			snprintf(name, sizeof(name), "%s%s%s.", prefix,
			    t->name, t->type == CK_OBJLIST ? "[]" : "");
			conf_print_table(fp, name, t->sub);
			continue;
		}
		if (t->required)
			snprintf(def, sizeof(def), "required");
		else if (t->type == CK_STR && t->sdef != NULL)
			snprintf(def, sizeof(def), "\"%s\"", t->sdef);
		else if (t->type == CK_INT)
			snprintf(def, sizeof(def), "%ld (%ld..%ld)", t->idef,
			    t->min, t->max);
		else if (t->type == CK_BOOL)
			snprintf(def, sizeof(def), "%s", t->idef ? "true" :
			    "false");
		else
			snprintf(def, sizeof(def), "-");
		fprintf(fp, "%-34s %-8s %-20s %s%s%s\n", name, types[t->type],
		    def, t->help, t->choices ? ": " : "",
		    t->choices ? t->choices : "");
	}
}

/* Print the whole key table. */
void
conf_print_keys(FILE *fp)
{
	conf_print_table(fp, "", ck_top);
}
