/* SPDX-License-Identifier: ISC */
/*
 * channel: a gateway's webhook, USSD or SMS. It owns a channel's settings
 * (name, path, menu, screen budget, secret token, and for SMS the part
 * cap, conversation time-out, send rate, reply route, report URL and
 * sender), builds them from the configuration entry, routes request paths
 * to it and checks its token, and passes requests, replies and sends to
 * the adapter its "type" names. The adapters are listed in one table below
 * and called only through their channel_ops; the wire formats themselves
 * live in channel_<gateway>.c, one file each.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "channel.h"
#include "channel_ops.h"
#include "form.h"
#include "schema.h"
#include "text.h"

/* The adapters, one file each. Adding a gateway is one line here. */
extern const struct channel_ops channel_at;
extern const struct channel_ops channel_generic;
extern const struct channel_ops channel_kannel;
extern const struct channel_ops channel_oneapi;
extern const struct channel_ops channel_twilio;
extern const struct channel_ops channel_atsms;
extern const struct channel_ops channel_vonage;
extern const struct channel_ops channel_infobip;
extern const struct channel_ops channel_plasgate;
extern const struct channel_ops channel_generic_sms;

static const struct channel_ops *const channel_adapters[] = {
	&channel_at,		/* USSD */
	&channel_generic,
	&channel_kannel,	/* SMS: Cellcard, Metfone, Seatel */
	&channel_oneapi,	/* SMS: Smart */
	&channel_twilio,
	&channel_atsms,
	&channel_vonage,
	&channel_infobip,
	&channel_plasgate,	/* sends only */
	&channel_generic_sms,
	NULL
};

#define CHANNEL_NADAPTERS \
	(sizeof(channel_adapters) / sizeof(channel_adapters[0]) - 1)

/* Where the secret token is presented. */
enum channel_token {
	CHANNEL_TOKEN_NONE,
	CHANNEL_TOKEN_PATH,	/* the last path segment */
	CHANNEL_TOKEN_HEADER	/* a header */
};

struct channel {
	char				*name;
	char				*path;
	char				*menu_name;
	const struct menu		*menu;		/* borrowed */
	struct menu_limits		 limits;
	enum channel_token		 token_in;
	char				*token;
	char				*token_header;
	const struct channel_ops	*ops;
	void				*state;		/* the adapter's */

	/* SMS channels only. */
	size_t				 max_parts;
	unsigned			 idle;		/* seconds */
	unsigned			 rate;		/* messages/s */
	char				*reply_via;
	char				*report_url;
	char				*sender;
};

static const struct schema_key ck_screen[] = {
	{ "gsm7", SCHEMA_INT, 20, 1000, NULL, 182, 0, NULL, NULL,
	  "screen budget in GSM-7 septets" },
	{ "ucs2", SCHEMA_INT, 10, 500, NULL, 80, 0, NULL, NULL,
	  "screen budget in UTF-16 units (UCS-2 screens, e.g. Khmer)" },
	SCHEMA_END
};

/* The keys of every channel; "type" gets its choices from the adapters. */
static const struct schema_key ck_common[] = {
	{ "name", SCHEMA_STR, 1, 32, NULL, 0, 1, NULL, NULL,
	  "channel name, used in logs and session keys" },
	{ "type", SCHEMA_STR, 1, 32, NULL, 0, 1, NULL, NULL,
	  "webhook format" },
	{ "path", SCHEMA_STR, 2, 128, NULL, 0, 0, NULL, NULL,
	  "URL path of the webhook (not needed by a send-only gateway)" },
	{ "menu", SCHEMA_STR, 1, 64, "main", 0, 0, NULL, NULL,
	  "menu tree this channel shows" },
	{ "screen", SCHEMA_OBJ, 0, 0, NULL, 0, 0, NULL, ck_screen,
	  "screen budget" },
	{ "token", SCHEMA_STR, 16, 256, NULL, 0, 0, NULL, NULL,
	  "shared secret the gateway must present" },
	{ "token_file", SCHEMA_STR, 1, 1024, NULL, 0, 0, NULL, NULL,
	  "file holding the secret (mode 0600 or 0400)" },
	{ "token_in", SCHEMA_STR, 1, 16, "header", 0, 0, "header|path", NULL,
	  "where the secret is: a header or the last path segment" },
	{ "token_header", SCHEMA_STR, 1, 64, "X-Hotlined-Token", 0, 0, NULL,
	  NULL, "header carrying the secret" },
	SCHEMA_END
};

/* The keys of every SMS channel. */
static const struct schema_key ck_sms[] = {
	{ "max_parts", SCHEMA_INT, 1, 10, NULL, 3, 0, NULL, NULL,
	  "SMS: the most parts one reply may take (its screen budget)" },
	{ "idle_minutes", SCHEMA_INT, 1, 1440, NULL, 30, 0, NULL, NULL,
	  "SMS: minutes a conversation waits for her next message" },
	{ "rate", SCHEMA_INT, 1, 1000, NULL, 10, 0, NULL, NULL,
	  "SMS: messages per second the gateway takes" },
	{ "reply_via", SCHEMA_STR, 1, 32, NULL, 0, 0, NULL, NULL,
	  "SMS: the channel that sends the replies, or \"route\" for the "
	  "prefix table (default: this one)" },
	{ "report_url", SCHEMA_STR, 8, 512, NULL, 0, 0, NULL, NULL,
	  "SMS: the URL the gateway sends delivery reports to (our "
	  "<path>/dlr as it reaches us)" },
	{ "sender", SCHEMA_STR, 1, 32, NULL, 0, 0, NULL, NULL,
	  "SMS: our number, short code or sender id" },
	SCHEMA_END
};

/* Listed after the adapters' keys. */
static const struct schema_key ck_tail[] = {
	SCHEMA_COMMENT,
	SCHEMA_END
};

/* The tables a channel entry is checked against and listed from. */
struct channel_keys {
	struct schema_key	 common[sizeof(ck_common) /
				    sizeof(ck_common[0])];
	char			 choices[512];	/* "africastalking|generic..." */
	const struct schema_key	*tables[CHANNEL_NADAPTERS + 4];
};

/*
 * Fill keys: the common table with the adapters' names as the choices of
 * "type", then each adapter's table, then the tail.
 */
static void
channel_keys(struct channel_keys *keys)
{
	struct schema_key	*k;
	size_t			 i, n = 0, len;

	memcpy(keys->common, ck_common, sizeof(ck_common));
	keys->choices[0] = '\0';
	for (i = 0; channel_adapters[i] != NULL; i++) {
		len = strlen(keys->choices);
		snprintf(keys->choices + len, sizeof(keys->choices) - len,
		    "%s%s", i > 0 ? "|" : "", channel_adapters[i]->name);
	}
	for (k = keys->common; k->name != NULL; k++)
		if (strcmp(k->name, "type") == 0)
			k->choices = keys->choices;
	keys->tables[n++] = keys->common;
	keys->tables[n++] = ck_sms;
	for (i = 0; channel_adapters[i] != NULL; i++)
		if (channel_adapters[i]->schema != NULL)
			keys->tables[n++] = channel_adapters[i]->schema;
	keys->tables[n++] = ck_tail;
	keys->tables[n] = NULL;
}

/* Return 1 if a webhook path is acceptable: /segment[/segment...]. */
static int
channel_path_ok(const char *path)
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

/* Read the secret: inline or from a private file, in a header or path. */
static int
channel_token(struct schema_doc *doc, struct channel *ch, json_t *entry,
    const char *ptr)
{
	const char	*s, *tokfile;
	char		 p[SCHEMA_PTR_MAX];

	tokfile = schema_str(entry, ck_common, "token_file");
	ch->token = schema_secret(doc, entry, ck_common, ptr, "token",
	    "token_file", &schema_shared_secret, NULL);
	if (ch->token != NULL) {
		ch->token_in = strcmp(schema_str(entry, ck_common, "token_in"),
		    "path") == 0 ? CHANNEL_TOKEN_PATH : CHANNEL_TOKEN_HEADER;
		for (s = ch->token; *s != '\0'; s++)
			if (!isalnum((unsigned char)*s) && *s != '_' &&
			    *s != '-') {
				schema_err(doc, ptr, 0, "the token may hold "
				    "only letters, digits, _ and -");
				break;
			}
	} else if (tokfile == NULL &&
	    json_object_get(entry, "token_in") != NULL) {
		schema_ptr(p, sizeof(p), ptr, "token_in");
		schema_err(doc, p, 1, "\"token_in\" without a token");
	}
	ch->token_header = strdup(schema_str(entry, ck_common,
	    "token_header"));
	if (ch->token != NULL && strstr(ch->token, "EXAMPLE") != NULL)
		schema_warn(doc, ptr, 0, "channel \"%s\" "
		    "still has the sample's EXAMPLE token: make a new random "
		    "one (token_file)", ch->name);
	return ch->token_header == NULL ? -1 : 0;
}

/* Refuse the keys of other adapters that ch's adapter does not have. */
static void
channel_foreign(struct schema_doc *doc, const struct channel_ops *ops,
    json_t *entry, const char *ptr)
{
	const struct schema_key	*k;
	char			 p[SCHEMA_PTR_MAX];
	size_t			 i;

	for (i = 0; channel_adapters[i] != NULL; i++) {
		if (channel_adapters[i] == ops ||
		    channel_adapters[i]->schema == NULL)
			continue;
		for (k = channel_adapters[i]->schema; k->name != NULL; k++) {
			if (json_object_get(entry, k->name) == NULL ||
			    (ops->schema != NULL &&
			    schema_find(ops->schema, k->name) != NULL))
				continue;
			schema_ptr(p, sizeof(p), ptr, k->name);
			schema_err(doc, p, 1, "\"%s\" is for %s channels only",
			    k->name, channel_adapters[i]->name);
		}
	}
}

/*
 * Read the SMS keys of an SMS channel, refuse them on a USSD one. An SMS
 * channel's screen budget is its part cap unless "screen" says otherwise.
 */
static int
channel_sms_keys(struct schema_doc *doc, struct channel *ch, json_t *entry,
    const char *ptr)
{
	const struct schema_key	*k;
	const char		*v;
	char			 p[SCHEMA_PTR_MAX];

	if (ch->ops->kind != CHANNEL_SMS) {
		for (k = ck_sms; k->name != NULL; k++) {
			if (json_object_get(entry, k->name) == NULL)
				continue;
			schema_ptr(p, sizeof(p), ptr, k->name);
			schema_err(doc, p, 1, "\"%s\" is for SMS channels only",
			    k->name);
		}
		return 0;
	}
	ch->max_parts = (size_t)schema_int(entry, ck_sms, "max_parts");
	ch->limits.sms = ch->max_parts;
	ch->idle = 60u * (unsigned)schema_int(entry, ck_sms, "idle_minutes");
	ch->rate = (unsigned)schema_int(entry, ck_sms, "rate");
	if (json_object_get(entry, "screen") == NULL) {
		ch->limits.gsm7 = ch->max_parts == 1 ? TEXT_SMS_GSM7 :
		    TEXT_PART_GSM7 * ch->max_parts;
		ch->limits.ucs2 = ch->max_parts == 1 ? TEXT_SMS_UCS2 :
		    TEXT_PART_UCS2 * ch->max_parts;
	}
	if ((v = schema_str(entry, ck_sms, "reply_via")) != NULL &&
	    (ch->reply_via = strdup(v)) == NULL)
		return -1;
	if ((v = schema_str(entry, ck_sms, "report_url")) != NULL) {
		if (strncmp(v, "http://", 7) != 0 &&
		    strncmp(v, "https://", 8) != 0) {
			schema_ptr(p, sizeof(p), ptr, "report_url");
			schema_err(doc, p, 0, "report_url must be an http:// "
			    "or https:// URL");
		}
		if ((ch->report_url = strdup(v)) == NULL)
			return -1;
	}
	if ((v = schema_str(entry, ck_sms, "sender")) != NULL &&
	    (ch->sender = strdup(v)) == NULL)
		return -1;
	return 0;
}

/* Build a channel from its entry; see channel.h. */
struct channel *
channel_new(struct schema_doc *doc, json_t *entry, const char *ptr,
    json_t *menus)
{
	struct channel_keys	 keys;
	struct channel_setup	 setup;
	struct channel		*ch = NULL;
	json_t			*scr;
	const char		*type, *path;
	char			 p[SCHEMA_PTR_MAX];
	size_t			 i, errors = doc->errors;

	channel_keys(&keys);
	schema_check_union(doc, entry, ptr, keys.tables);
	if (doc->errors > errors)
		return NULL;	/* the reads below rely on a clean entry */
	ch = calloc(1, sizeof(*ch));
	if (ch == NULL)
		goto fail;
	type = schema_str(entry, keys.common, "type");
	for (i = 0; channel_adapters[i] != NULL; i++)
		if (strcmp(channel_adapters[i]->name, type) == 0)
			ch->ops = channel_adapters[i];
	ch->name = strdup(schema_str(entry, ck_common, "name"));
	path = schema_str(entry, ck_common, "path");
	ch->path = strdup(path != NULL ? path : "");
	ch->menu_name = strdup(schema_str(entry, ck_common, "menu"));
	if (ch->ops == NULL || ch->name == NULL || ch->path == NULL ||
	    ch->menu_name == NULL)
		goto fail;
	scr = json_object_get(entry, "screen");
	ch->limits.gsm7 = (size_t)schema_int(scr, ck_screen, "gsm7");
	ch->limits.ucs2 = (size_t)schema_int(scr, ck_screen, "ucs2");
	if (channel_sms_keys(doc, ch, entry, ptr) == -1)
		goto fail;

	if (path == NULL && ch->ops->parse != NULL)
		schema_err(doc, ptr, 0, "missing key \"path\"");
	else if (path == NULL)
		;	/* a gateway that only sends */
	else if (!channel_path_ok(ch->path)) {
		schema_ptr(p, sizeof(p), ptr, "path");
		schema_err(doc, p, 0, "path must look like /ussd/name "
		    "(letters, digits, _ . - and /, no trailing /)");
	}
	/* Name check against the file, so it holds even if a tree failed. */
	if (json_object_get(menus, ch->menu_name) == NULL) {
		schema_ptr(p, sizeof(p), ptr, "menu");
		schema_err(doc, json_object_get(entry, "menu") ? p : ptr, 0,
		    "no menu tree called \"%s\" in \"menus\"", ch->menu_name);
	}
	if (channel_token(doc, ch, entry, ptr) == -1)
		goto fail;
	setup.name = ch->name;
	setup.token = ch->token != NULL;
	setup.path = ch->path;
	if (ch->ops->configure != NULL &&
	    ch->ops->configure(doc, entry, ptr, &setup, &ch->state) == -1)
		goto fail;
	channel_foreign(doc, ch->ops, entry, ptr);
	return ch;
fail:
	schema_err(doc, ptr, 0, "out of memory");
	channel_free(ch);
	return NULL;
}

/* Free a channel and its adapter's state. */
void
channel_free(struct channel *ch)
{
	if (ch == NULL)
		return;
	if (ch->ops != NULL && ch->ops->free != NULL)
		ch->ops->free(ch->state);
	free(ch->name);
	free(ch->path);
	free(ch->menu_name);
	if (ch->token != NULL)
		explicit_bzero(ch->token, strlen(ch->token));
	free(ch->token);
	free(ch->token_header);
	free(ch->reply_via);
	free(ch->report_url);
	free(ch->sender);
	free(ch);
}

/* The channel's name. */
const char *
channel_name(const struct channel *ch)
{
	return ch->name;
}

/* The channel's URL path. */
const char *
channel_path(const struct channel *ch)
{
	return ch->path;
}

/* The name of the menu tree the channel shows. */
const char *
channel_menu_name(const struct channel *ch)
{
	return ch->menu_name;
}

/* The menu tree the channel shows. */
const struct menu *
channel_menu(const struct channel *ch)
{
	return ch->menu;
}

/* Set the menu tree the channel shows. */
void
channel_set_menu(struct channel *ch, const struct menu *m)
{
	ch->menu = m;
}

/* The channel's screen budget. */
const struct menu_limits *
channel_limits(const struct channel *ch)
{
	return &ch->limits;
}

/* The adapter's name: the entry's "type". */
const char *
channel_type(const struct channel *ch)
{
	return ch->ops->name;
}

/* The secret a client presents, and the header that carries it. */
const char *
channel_secret(const struct channel *ch, const char **header)
{
	*header = ch->token_in == CHANNEL_TOKEN_HEADER ? ch->token_header :
	    NULL;
	return ch->token;
}

/* Whether rest (what follows the path) is where ch's notices arrive. */
static int
channel_notice_at(const struct channel *ch, const char *rest)
{
	return ch->ops->notice_path != NULL &&
	    strcmp(rest, ch->ops->notice_path) == 0;
}

/* Whether ch serves path; see channel.h. */
int
channel_match(const struct channel *ch, const char *path,
    const char **token_seg, int *notice)
{
	const char	*rest, *slash;
	size_t		 n = strlen(ch->path);

	*token_seg = NULL;
	*notice = 0;
	if (n == 0 || strncmp(path, ch->path, n) != 0)
		return 0;	/* a gateway that only sends has no path */
	rest = path + n;
	if (ch->token_in == CHANNEL_TOKEN_PATH) {
		if (rest[0] == '/' && rest[1] != '\0') {
			slash = strchr(rest + 1, '/');
			if (slash == NULL) {
				*token_seg = rest + 1;
				return 1;
			}
			if (channel_notice_at(ch, slash)) {
				/* "<path>/<token>/end" */
				*token_seg = rest + 1;
				*notice = 1;
				return 1;
			}
		}
		return rest[0] == '\0';	/* the caller answers 403 */
	}
	if (rest[0] == '\0')
		return 1;
	if (channel_notice_at(ch, rest)) {
		*notice = 1;
		return 1;
	}
	return 0;
}

/* Compare a presented secret with the expected one in constant time. */
static int
channel_token_eq(const char *given, const char *want)
{
	size_t		 gl, wl, i;
	unsigned char	 diff;

	if (given == NULL)
		return 0;
	gl = strlen(given);
	wl = strlen(want);
	diff = gl != wl;
	for (i = 0; i < wl; i++)
		diff |= (unsigned char)want[i] ^
		    (unsigned char)(i < gl ? given[i] : 0);
	return diff == 0;
}

/* Whether a request carries the channel's secret. */
int
channel_authorised(const struct channel *ch, const char *token_seg,
    int notice, channel_header_cb header, void *arg)
{
	const char	*given;
	char		 buf[300];
	int		 ok;

	if (ch->token == NULL)
		return 1;
	if (ch->token_in != CHANNEL_TOKEN_PATH)
		given = header(arg, ch->token_header);
	else if (notice && token_seg != NULL) {
		/* "<token>/end": compare the token alone. */
		snprintf(buf, sizeof(buf), "%.*s",
		    (int)strcspn(token_seg, "/"), token_seg);
		given = buf;
	} else
		given = token_seg;
	ok = channel_token_eq(given, ch->token);
	explicit_bzero(buf, sizeof(buf));
	return ok;
}

/* Whether the webhook, or its notices, take method m. */
int
channel_method_ok(const struct channel *ch, enum channel_method m,
    int notice)
{
	if (notice && ch->ops->kind == CHANNEL_USSD)
		return m == CHANNEL_POST;
	return (ch->ops->methods(ch->state) & (1u << m)) != 0;
}

/* The methods of the webhook, or its notices, for an Allow header. */
const char *
channel_allow(const struct channel *ch, int notice)
{
	unsigned	 m;

	if (notice && ch->ops->kind == CHANNEL_USSD)
		return "POST";
	m = ch->ops->methods(ch->state);
	if (m == (CHANNEL_ALLOW_GET | CHANNEL_ALLOW_POST))
		return "GET, POST";
	return m == CHANNEL_ALLOW_GET ? "GET" : "POST";
}

/*
 * Refuse fields longer than any gateway sends: what a session keeps must
 * stay small however the fields are filled.
 */
static int
channel_lengths(const struct channel *ch, const struct channel_event *ev,
    const char **cause)
{
	static const struct {
		size_t		 off;
		size_t		 max;
		const char	*cause;
	} lim[] = {
		{ offsetof(struct channel_event, session_id),
		  CHANNEL_MAX_ID, "session id too long" },
		{ offsetof(struct channel_event, phone),
		  CHANNEL_MAX_PHONE, "phone number too long" },
		{ offsetof(struct channel_event, service_code),
		  CHANNEL_MAX_CODE, "service code too long" },
		{ offsetof(struct channel_event, network),
		  CHANNEL_MAX_CODE, "network code too long" },
		{ offsetof(struct channel_event, hop_id),
		  CHANNEL_MAX_ID, "hop id too long" },
		{ offsetof(struct channel_event, input),
		  CHANNEL_MAX_INPUT, "input too long" },
		{ offsetof(struct channel_event, history),
		  CHANNEL_MAX_INPUT, "input history too long" },
	};
	const char	*v;
	size_t		 i;

	for (i = 0; i < sizeof(lim) / sizeof(lim[0]); i++) {
		/* An SMS text is bounded by the body limit alone. */
		if (ch->ops->kind == CHANNEL_SMS &&
		    lim[i].off == offsetof(struct channel_event, input))
			continue;
		memcpy(&v, (const char *)ev + lim[i].off, sizeof(v));
		if (v != NULL && strlen(v) > lim[i].max) {
			*cause = lim[i].cause;
			return -1;
		}
	}
	return 0;
}

/* Translate a request with the channel's adapter. */
int
channel_parse(const struct channel *ch, const struct channel_request *req,
    struct channel_event *ev, const char **cause)
{
	int	 rc;

	memset(ev, 0, sizeof(*ev));
	ev->channel = ch->name;
	if (ch->ops->parse == NULL) {
		*cause = "this channel only sends";
		return CHANNEL_BAD;
	}
	if ((rc = ch->ops->parse(ch->state, req, ev, cause)) != 0)
		return rc == CHANNEL_FORBIDDEN ? CHANNEL_FORBIDDEN :
		    CHANNEL_BAD;
	if (ch->ops->kind == CHANNEL_SMS && (ev->phone == NULL ||
	    ev->input == NULL || !text_utf8_valid(ev->input,
	    strlen(ev->input)))) {
		*cause = ev->phone == NULL ? "missing sender" :
		    "text is not UTF-8";
		return CHANNEL_BAD;
	}
	return channel_lengths(ch, ev, cause);
}

/* Translate an end-of-session notice. */
int
channel_notice_parse(const struct channel *ch,
    const struct channel_request *req, struct channel_event *ev,
    const char **how, const char **cause)
{
	int	 rc;

	memset(ev, 0, sizeof(*ev));
	ev->channel = ch->name;
	if (ch->ops->notice == NULL) {
		*cause = "this channel takes no notices";
		return -1;
	}
	if ((rc = ch->ops->notice(ch->state, req, ev, how, cause)) != 0)
		return rc == CHANNEL_FORBIDDEN ? CHANNEL_FORBIDDEN :
		    CHANNEL_BAD;
	return channel_lengths(ch, ev, cause);
}

/* Free an event's storage; forms wipe their values as they go. */
void
channel_event_clear(struct channel_event *ev)
{
	size_t	 i;

	form_free(ev->form_body);
	form_free(ev->form_query);
	json_decref(ev->json);
	for (i = 0; i < ev->nowned; i++) {
		explicit_bzero(ev->owned[i], strlen(ev->owned[i]));
		free(ev->owned[i]);
	}
	memset(ev, 0, sizeof(*ev));
}

/* Wipe and free a reply; see channel.h. */
void
channel_reply_clear(struct channel_reply *rep)
{
	if (rep->text != NULL) {
		explicit_bzero(rep->text, strlen(rep->text));
		free(rep->text);
	}
	memset(rep, 0, sizeof(*rep));
}

/* Encode a reply in the channel's format. */
int
channel_format(const struct channel *ch, const struct channel_reply *reply,
    struct channel_response *out)
{
	return ch->ops->format(ch->state, reply, out);
}

/* Print the common keys, each adapter's, then the tail. */
void
channel_print_keys(FILE *fp, enum schema_format fmt, const char *prefix)
{
	struct channel_keys	 keys;
	size_t			 i;

	channel_keys(&keys);
	for (i = 0; keys.tables[i] != NULL; i++)
		schema_print(fp, fmt, prefix, keys.tables[i]);
}

/* USSD or SMS. */
enum channel_kind
channel_kind(const struct channel *ch)
{
	return ch->ops->kind;
}

/* Replies in the answer (TwiML). */
int
channel_inline(const struct channel *ch)
{
	return (ch->ops->flags & CHANNEL_INLINE) != 0;
}

/* Whether the channel sends: its adapter can and the entry says how. */
int
channel_can_send(const struct channel *ch)
{
	if (ch->ops->kind != CHANNEL_SMS || ch->ops->send == NULL)
		return 0;
	return ch->ops->can_send == NULL || ch->ops->can_send(ch->state);
}

/* Parts handed over one by one. */
int
channel_split(const struct channel *ch)
{
	return (ch->ops->flags & CHANNEL_SPLIT) != 0;
}

/* Sending needs a token. */
int
channel_needs_auth(const struct channel *ch)
{
	return ch->ops->auth != NULL && ch->ops->authed != NULL;
}

/* The part cap. */
size_t
channel_max_parts(const struct channel *ch)
{
	return ch->max_parts;
}

/* The conversation's idle time-out, seconds. */
unsigned
channel_idle(const struct channel *ch)
{
	return ch->idle;
}

/* Messages per second. */
unsigned
channel_rate(const struct channel *ch)
{
	return ch->rate;
}

/* Who sends the replies. */
const char *
channel_reply_via(const struct channel *ch)
{
	return ch->reply_via;
}

/* Our delivery-report URL. */
const char *
channel_report_url(const struct channel *ch)
{
	return ch->report_url;
}

/* Our number. */
const char *
channel_sender(const struct channel *ch)
{
	return ch->sender;
}

/* Build a send. */
int
channel_send_build(const struct channel *ch, const struct channel_sms *m,
    struct channel_http *out)
{
	memset(out, 0, sizeof(*out));
	if (!channel_can_send(ch))
		return -1;
	if (ch->ops->send(ch->state, m, out) == -1) {
		channel_http_clear(out);
		return -1;
	}
	return 0;
}

/* Judge a send's answer. */
enum channel_verdict
channel_send_verdict(const struct channel *ch,
    const struct channel_answer *a, char **gateway_id, const char **why)
{
	*gateway_id = NULL;
	*why = NULL;
	return ch->ops->sent(ch->state, a, gateway_id, why);
}

/* Build the token request. */
int
channel_auth_build(const struct channel *ch, struct channel_http *out)
{
	memset(out, 0, sizeof(*out));
	if (!channel_needs_auth(ch))
		return -1;
	if (ch->ops->auth(ch->state, out) == -1) {
		channel_http_clear(out);
		return -1;
	}
	return 0;
}

/* Read a token. */
int
channel_auth_parse(const struct channel *ch, const struct channel_answer *a,
    char **token, long *ttl)
{
	*token = NULL;
	*ttl = 0;
	if (!channel_needs_auth(ch))
		return -1;
	return ch->ops->authed(ch->state, a, token, ttl);
}

/* Wipe one string of a request and free it. */
static void
channel_http_wipe(char **s, size_t len)
{
	if (*s == NULL)
		return;
	explicit_bzero(*s, len);
	free(*s);
	*s = NULL;
}

/* Wipe and free a built request. */
void
channel_http_clear(struct channel_http *h)
{
	size_t	 i;

	if (h->url != NULL)
		channel_http_wipe(&h->url, strlen(h->url));
	for (i = 0; i < CHANNEL_HTTP_HEADERS && h->headers[i] != NULL; i++)
		channel_http_wipe(&h->headers[i], strlen(h->headers[i]));
	channel_http_wipe(&h->body, h->body_len);
	memset(h, 0, sizeof(*h));
}
