/* SPDX-License-Identifier: ISC */
/*
 * conf: the configuration file. Its own blocks are key tables checked by
 * the schema walker; a channel entry is checked by channel.c and its
 * adapter, the notify block by notify.c and its transports, all in one
 * report. Then the typed values are read into one section per module, the
 * menus and the roster loaded and every screen checked against the budget
 * of each channel that shows it. conf.c knows the shape of its blocks,
 * not what the modules do with them.
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
#include "notify.h"
#include "roster.h"
#include "schema.h"
#include "secret.h"
#include "sms_conf.h"
#include "store.h"
#include "conf_impl.h"
#include "text.h"

#define CONF_FILE_MAX	(1024 * 1024)

/* A loaded configuration. */
struct conf {
	int			  refs;
	char			 *file;
	struct conf_listen	  listen;
	struct conf_listen	  api;
	struct conf_session	  session;
	struct conf_console	  console;
	struct conf_retention	  retention;
	int			  stats_k;	/* stats.k */
	struct conf_per_number	  per_number;
	int			  per_number_set;	/* in the file */
	char			 *exit_text;	/* the quick exit's END text */
	int			  verbose;
	struct menu_keys	  keys;
	char			 *languages[MENU_MAX_LANG];
	size_t			  nlang;
	struct conf_menu	 *menus;
	size_t			  nmenus;
	struct channel		**channels;
	size_t			  nchannels;
	char			 *database;	/* SQLite file */
	char			 *key_file;	/* its key, or NULL */
	char			 *password_file; /* a server's, or NULL */
	char			 *roster_file;
	struct roster		 *roster;	/* NULL without "roster" */
	struct notify_conf	 *notify;	/* alert providers */
	struct sms_conf		 *sms;		/* SMS conversations */
	time_t			  clock_start;	/* 0: the system clock */
	char			 *log_file;	/* NULL: stderr only */
	char			 *metrics_token; /* NULL: supervisors only */
};

static const struct schema_key ck_listen[] = {
	{ "address", SCHEMA_STR, 1, 255, "127.0.0.1", 0, 0, NULL, NULL,
	  "IPv4 or IPv6 address the USSD listener binds" },
	{ "port", SCHEMA_INT, 0, 65535, NULL, 8080, 0, NULL, NULL,
	  "TCP port of the USSD listener (0: any free port)" },
	{ "max_connections", SCHEMA_INT, 2, 65536, NULL, 512, 0, NULL, NULL,
	  "connections open at once; a new one closes the oldest idle one" },
	SCHEMA_END
};

static const struct schema_key ck_per_source[] = {
	{ "per_second", SCHEMA_INT, 0, 1000000, NULL, 500, 0, NULL, NULL,
	  "requests one address may send a second, on average (0: no "
	  "limit)" },
	{ "burst", SCHEMA_INT, 1, 1000000, NULL, 1000, 0, NULL, NULL,
	  "requests one address may send at once" },
	SCHEMA_END
};

static const struct schema_key ck_api_per_source[] = {
	{ "per_second", SCHEMA_INT, 0, 1000000, NULL, 50, 0, NULL, NULL,
	  "requests one address may send a second, on average (0: no "
	  "limit)" },
	{ "burst", SCHEMA_INT, 1, 1000000, NULL, 100, 0, NULL, NULL,
	  "requests one address may send at once" },
	SCHEMA_END
};

static const struct schema_key ck_per_number[] = {
	{ "requests", SCHEMA_INT, 0, 100000, NULL, 20, 0, NULL, NULL,
	  "new USSD sessions and SMS one number may start in the window, "
	  "counted together (0: no limit)" },
	{ "minutes", SCHEMA_INT, 1, 1440, NULL, 10, 0, NULL, NULL,
	  "the window, in minutes" },
	{ "block_minutes", SCHEMA_INT, 0, 10080, NULL, 60, 0, NULL, NULL,
	  "minutes a number over the limit is refused (0: until the rate "
	  "lets it in again)" },
	SCHEMA_END
};

static const struct schema_key ck_limits[] = {
	{ "max_body", SCHEMA_INT, 256, 1048576, NULL, 16384, 0, NULL, NULL,
	  "largest webhook body accepted, in bytes (larger: 413)" },
	{ "request_deadline", SCHEMA_INT, 1, 600, NULL, 10, 0, NULL, NULL,
	  "seconds a connection has to send a whole request (both "
	  "listeners)" },
	{ "per_source", SCHEMA_OBJ, 0, 0, NULL, 0, 0, NULL, ck_per_source,
	  "rate limit per peer address on the webhook listener: over it, a "
	  "USSD gateway gets the busy END screen (200), others 429" },
	{ "api_per_source", SCHEMA_OBJ, 0, 0, NULL, 0, 0, NULL,
	  ck_api_per_source,
	  "rate limit per peer address on the API listener (429)" },
	{ "per_number", SCHEMA_OBJ, 0, 0, NULL, 0, 0, NULL, ck_per_number,
	  "rate limit per phone number, USSD and SMS together: over it, the "
	  "busy END screen or no SMS reply (counted)" },
	SCHEMA_END
};

static const struct schema_key ck_session[] = {
	{ "idle_timeout", SCHEMA_INT, 5, 3600, NULL, 60, 0, NULL, NULL,
	  "seconds without a hop before a session is wiped" },
	{ "max_duration", SCHEMA_INT, 10, 86400, NULL, 300, 0, NULL, NULL,
	  "seconds after its start when a session is wiped regardless" },
	{ "retry_window", SCHEMA_INT, 1, 600, NULL, 30, 0, NULL, NULL,
	  "seconds an ended session still answers a retried last hop" },
	{ "max_sessions", SCHEMA_INT, 1, 1000000, NULL, 20000, 0, NULL, NULL,
	  "sessions held at once, ended ones included; when full the oldest "
	  "idle ones give way" },
	{ "busy_text", SCHEMA_STR, 1, 512, "Police 117. Ambulance 119. Try "
	  "again in a few minutes.", 0, 0, NULL, NULL,
	  "END text for a new caller when every session is busy storing" },
	SCHEMA_END
};

static const struct schema_key ck_keys[] = {
	{ "back", SCHEMA_STR, 1, MENU_KEY_MAX - 1, "0", 0, 0, NULL, NULL,
	  "key for the previous page or screen" },
	{ "main", SCHEMA_STR, 1, MENU_KEY_MAX - 1, "00", 0, 0, NULL, NULL,
	  "key for the main menu" },
	{ "more", SCHEMA_STR, 1, MENU_KEY_MAX - 1, "98", 0, 0, NULL, NULL,
	  "key for the next page" },
	{ "exit", SCHEMA_STR, 1, MENU_KEY_MAX - 1, "99", 0, 0, NULL, NULL,
	  "quick exit: ends the session with one neutral text" },
	SCHEMA_END
};

static const struct schema_key ck_api[] = {
	{ "address", SCHEMA_STR, 1, 255, "127.0.0.1", 0, 0, NULL, NULL,
	  "address the counsellor API binds (keep it private)" },
	{ "port", SCHEMA_INT, 0, 65535, NULL, 8081, 0, NULL, NULL,
	  "TCP port of the counsellor API (0: any free port)" },
	{ "public_url", SCHEMA_STR, 8, 255, NULL, 0, 0, NULL, NULL,
	  "base URL counsellors reach the API at, used in alerts" },
	{ "max_connections", SCHEMA_INT, 2, 65536, NULL, 256, 0, NULL, NULL,
	  "connections open at once on the API listener" },
	SCHEMA_END
};

static const struct schema_key ck_console[] = {
	{ "idle", SCHEMA_INT, 2, 86400, NULL, 900, 0, NULL, NULL,
	  "seconds a console sign-in lasts without use" },
	{ "behind_tls", SCHEMA_BOOL, 0, 1, NULL, 0, 0, NULL, NULL,
	  "the console is reached over HTTPS (a TLS proxy): cookies are "
	  "Secure" },
	{ "link_ttl", SCHEMA_INT, 30, 3600, NULL, 600, 0, NULL, NULL,
	  "seconds a one-time sign-in link from an alert stays valid" },
	{ "signin_failures", SCHEMA_INT, 1, 100, NULL, 5, 0, NULL, NULL,
	  "failed sign-ins from one address before it must wait" },
	SCHEMA_COMMENT,
	SCHEMA_END
};

static const struct schema_key ck_retention[] = {
	{ "closed_days", SCHEMA_INT, 1, 3650, NULL, 30, 0, NULL, NULL,
	  "days a completed request is kept (with its history, notes and "
	  "alerts) after its last change" },
	{ "sms_hours", SCHEMA_INT, 1, 8760, NULL, 24, 0, NULL, NULL,
	  "hours a text no longer queued (sent, delivered, failed) is kept" },
	{ "interval_minutes", SCHEMA_INT, 1, 1440, NULL, 60, 0, NULL, NULL,
	  "minutes between purges (the first runs a second after start)" },
	SCHEMA_COMMENT,
	SCHEMA_END
};

static const struct schema_key ck_metrics[] = {
	{ "token_file", SCHEMA_STR, 1, 1024, NULL, 0, 0, NULL, NULL,
	  "private file of the bearer token a scraper sends for /metrics "
	  "(supervisors' API tokens work too)" },
	SCHEMA_COMMENT,
	SCHEMA_END
};

static const struct schema_key ck_stats[] = {
	{ "k", SCHEMA_INT, 3, 1000, NULL, 5, 0, NULL, NULL,
	  "hotlinectl stats: counts under k print as <k (never below 3)" },
	SCHEMA_COMMENT,
	SCHEMA_END
};

static const struct schema_key ck_top[] = {
	{ "listen", SCHEMA_OBJ, 0, 0, NULL, 0, 0, NULL, ck_listen,
	  "USSD webhook listener" },
	{ "limits", SCHEMA_OBJ, 0, 0, NULL, 0, 0, NULL, ck_limits,
	  "request limits" },
	{ "session", SCHEMA_OBJ, 0, 0, NULL, 0, 0, NULL, ck_session,
	  "session lifetime" },
	{ "keys", SCHEMA_OBJ, 0, 0, NULL, 0, 0, NULL, ck_keys,
	  "global keys, valid on every screen" },
	{ "exit_text", SCHEMA_STR, 1, 512, "Thank you.", 0, 0, NULL, NULL,
	  "the quick exit's one neutral END text, in every language" },
	{ "languages", SCHEMA_STRLIST, 1, MENU_MAX_LANG, NULL, 0, 0, NULL, NULL,
	  "language codes, default first (default: km, en)" },
	{ "menus", SCHEMA_MAP, 1, 64, NULL, 0, 1, NULL, NULL,
	  "menu tree name -> file, relative to this file" },
	{ "channels", SCHEMA_OBJLIST, 1, 64, NULL, 0, 1, NULL, NULL,
	  "USSD webhooks" },
	{ "verbose", SCHEMA_BOOL, 0, 1, NULL, 0, 0, NULL, NULL,
	  "log debug lines" },
	{ "database", SCHEMA_STR, 1, 1024, "hotlined.db", 0, 0, NULL, NULL,
	  "SQLite file of callback requests, or a postgresql:// URI of a"
	  " database several instances share (read at start only)" },
	{ "database_password_file", SCHEMA_STR, 1, 1024, NULL, 0, 0, NULL,
	  NULL, "file holding the PostgreSQL password alone, mode 0600"
	  " (read at start only)" },
	{ "key_file", SCHEMA_STR, 1, 1024, NULL, 0, 0, NULL, NULL,
	  "file of the database's encryption key, made on first start,"
	  " mode 0600 (default: the database's path with .key added;"
	  " needed with PostgreSQL; read at start only)" },
	{ "roster", SCHEMA_STR, 1, 1024, NULL, 0, 0, NULL, NULL,
	  "roster file; needed by menus with a callback node" },
	{ "api", SCHEMA_OBJ, 0, 0, NULL, 0, 0, NULL, ck_api,
	  "counsellor API listener (read at start only)" },
	{ "console", SCHEMA_OBJ, 0, 0, NULL, 0, 0, NULL, ck_console,
	  "the counsellors' web console on the API listener" },
	{ "retention", SCHEMA_OBJ, 0, 0, NULL, 0, 0, NULL, ck_retention,
	  "how long closed requests and sent texts are kept" },
	{ "stats", SCHEMA_OBJ, 0, 0, NULL, 0, 0, NULL, ck_stats,
	  "the donor report of hotlinectl stats" },
	{ "notify", SCHEMA_OBJ, 0, 0, NULL, 0, 0, NULL, NULL,
	  "alert providers: Telegram, Africa's Talking, PlasGate" },
	{ "sms", SCHEMA_OBJ, 0, 0, NULL, 0, 0, NULL, NULL,
	  "SMS conversations: words, notice, limits, prefix table" },
	{ "clock_start", SCHEMA_STR, 20, 25, NULL, 0, 0, NULL, NULL,
	  "tests only: start the clock at this ISO 8601 instant" },
	{ "log_file", SCHEMA_STR, 1, 1024, NULL, 0, 0, NULL, NULL,
	  "file the daemon also logs to (appended, mode 0600, reopened on "
	  "SIGUSR1; read at start only)" },
	{ "metrics", SCHEMA_OBJ, 0, 0, NULL, 0, 0, NULL, ck_metrics,
	  "who may read /metrics on the API listener" },
	SCHEMA_COMMENT,
	SCHEMA_END
};

/* The top table, for conf_print.c's key index. */
const struct schema_key *const conf_top_keys = ck_top;

/* strdup that tolerates NULL. */
static char *
conf_strdup(const char *s)
{
	return s == NULL ? NULL : strdup(s);
}

/*
 * Whether a URI ("scheme://user:password@host/...") holds a password: a
 * colon in what comes before an '@' of its authority.
 */
static int
conf_uri_password(const char *uri)
{
	const char	*a, *end, *at;

	a = strstr(uri, "://");
	if (a == NULL)
		return 0;
	a += 3;
	end = a + strcspn(a, "/?#");
	at = memchr(a, '@', (size_t)(end - a));
	return at != NULL && memchr(a, ':', (size_t)(at - a)) != NULL;
}

/* Resolve a path relative to the configuration file's directory. */
static char *
conf_path(struct schema_doc *ld, const char *file)
{
	return jsonfile_path(ld->dir, file);
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
conf_keys_load(struct schema_doc *ld, struct conf *c, json_t *keys)
{
	char		*dst[4] = { c->keys.back, c->keys.main, c->keys.more,
			    c->keys.exit };
	const char	*names[4] = { "back", "main", "more", "exit" };
	const char	*s;
	char		 p[SCHEMA_PTR_MAX];
	size_t		 i, j;

	for (i = 0; i < 4; i++) {
		s = schema_str(keys, ck_keys, names[i]);
		snprintf(p, sizeof(p), "/keys/%s", names[i]);
		snprintf(dst[i], MENU_KEY_MAX, "%s", s);
		if (strspn(s, "0123456789") != strlen(s))
			schema_err(ld, p, 0, "a key must be ASCII digits");
		for (j = 0; j < i; j++)
			if (strcmp(dst[i], dst[j]) == 0)
				schema_err(ld, p, 0, "key \"%s\" is also the "
				    "%s key", s, names[j]);
	}
}

/* Load every menu tree named in "menus". */
static void
conf_menus(struct schema_doc *ld, struct conf *c, json_t *menus)
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
conf_fit(struct schema_doc *ld, struct conf *c,
    const struct conf_report *report)
{
	const struct menu_limits	*lim, *plim;
	struct channel			*ch, *prev;
	enum text_encoding		 enc;
	const char			*busy;
	size_t				 i, j, sz, limit;

	for (i = 0; i < c->nchannels; i++) {
		ch = c->channels[i];
		lim = channel_limits(ch);
		if (channel_menu(ch) == NULL)
			continue;
		busy = c->session.busy_text;
		enc = text_encoding_of(busy, strlen(busy));
		sz = text_measure(busy, strlen(busy), enc);
		limit = enc == TEXT_GSM7 ? lim->gsm7 : lim->ucs2;
		if (sz > limit)
			schema_err(ld, "/session/busy_text", 0, "%zu %s units, "
			    "over the one-screen limit of %zu of channel "
			    "\"%s\"", sz, text_encoding_name(enc), limit,
			    channel_name(ch));
		for (j = 0; j < i; j++) {
			prev = c->channels[j];
			plim = channel_limits(prev);
			if (channel_menu(prev) == channel_menu(ch) &&
			    plim->gsm7 == lim->gsm7 && plim->ucs2 == lim->ucs2)
				break;
		}
		if (j < i)
			continue;
		if (report != NULL && report->channel != NULL)
			report->channel(channel_menu_name(ch),
			    channel_name(ch), lim, report->arg);
		ld->errors += menu_check_fit(channel_menu(ch), lim, ld->d,
		    report != NULL ? report->screen : NULL,
		    report != NULL ? report->arg : NULL);
		menu_cache_warm(channel_menu(ch), lim);
	}
}

/*
 * Every transport the roster alerts through must be configured: an alert
 * that cannot be sent is found now, not at 3 a.m.
 */
static void
conf_notify_roster(struct schema_doc *ld, const struct conf *c)
{
	const struct notify_transport	*t;
	size_t				 i;

	for (i = 0, t = notify_transport_at(0); t != NULL;
	    t = notify_transport_at(++i))
		if (roster_uses(c->roster, t) &&
		    !notify_conf_ready(c->notify, t))
			schema_err(ld, "/roster", 0, "the roster sends %s",
			    t->needs != NULL ? t->needs : t->name);
}

/* The roster, read before the menus: their labels may show its hours. */
static void
conf_roster_load(struct schema_doc *ld, struct conf *c, json_t *root)
{
	const char	*v;

	v = schema_str(root, ck_top, "roster");
	if (v == NULL)
		return;
	c->roster_file = conf_path(ld, v);
	if (c->roster_file == NULL)
		return;
	c->roster = roster_load(c->roster_file, ld->d);
	if (c->roster == NULL)
		ld->errors++;
}

/* The channel called name, or NULL. */
static const struct channel *
conf_channel_named(const struct conf *c, const char *name)
{
	size_t	 i;

	for (i = 0; i < c->nchannels; i++)
		if (strcmp(channel_name(c->channels[i]), name) == 0)
			return c->channels[i];
	return NULL;
}

/*
 * The old sms.per_number: its values become limits.per_number (which now
 * counts new USSD sessions too), unless that is set, which wins.
 */
static void
conf_sms_limit(struct schema_doc *ld, struct conf *c)
{
	if (c->sms == NULL || !c->sms->per_number_set)
		return;
	if (c->per_number_set) {
		schema_warn(ld, "/sms/per_number", 1, "deprecated and ignored: "
		    "limits.per_number is set");
		return;
	}
	schema_warn(ld, "/sms/per_number", 1, "deprecated: read as "
	    "limits.per_number {\"requests\": %u, \"minutes\": %u, "
	    "\"block_minutes\": %u}, which counts new USSD sessions too",
	    c->sms->per_number, c->sms->per_minutes, c->sms->block_minutes);
	c->per_number.requests = c->sms->per_number;
	c->per_number.minutes = c->sms->per_minutes;
	c->per_number.block_minutes = c->sms->block_minutes;
}

/* The database, counsellor API, providers, test clock; roster checks. */
static void
conf_services(struct schema_doc *ld, struct conf *c, json_t *root)
{
	json_t		*api = json_object_get(root, "api"), *con;
	const char	*v;
	size_t		 i, ncb = 0;

	v = schema_str(root, ck_top, "database");
	/* A server's URI is a name, not a path beside the file. */
	c->database = store_is_file(v) ? conf_path(ld, v) : conf_strdup(v);
	v = schema_str(root, ck_top, "key_file");
	c->key_file = v != NULL ? conf_path(ld, v) : NULL;
	v = schema_str(root, ck_top, "database_password_file");
	c->password_file = v != NULL ? conf_path(ld, v) : NULL;
	if (!store_is_file(c->database) && conf_uri_password(c->database))
		schema_err(ld, "/database", 0, "the URI holds a password: put "
		    "it alone in database_password_file (mode 0600) instead");
	if (!store_is_file(c->database) && c->key_file == NULL)
		schema_err(ld, "/database", 0, "a PostgreSQL database needs "
		    "key_file: the same key file on every instance");
	if (store_is_file(c->database) && c->password_file != NULL)
		schema_err(ld, "/database_password_file", 0, "only a "
		    "PostgreSQL database has a password");
	c->api.address = conf_strdup(schema_str(api, ck_api, "address"));
	c->api.port = (int)schema_int(api, ck_api, "port");
	c->api.public_url = conf_strdup(schema_str(api, ck_api, "public_url"));
	c->api.max_conns = (size_t)schema_int(api, ck_api, "max_connections");
	c->api.deadline = (int)schema_int(json_object_get(root, "limits"),
	    ck_limits, "request_deadline");
	con = json_object_get(root, "console");
	c->console.idle = (int)schema_int(con, ck_console, "idle");
	c->console.behind_tls = (int)schema_int(con, ck_console, "behind_tls");
	c->console.link_ttl = (int)schema_int(con, ck_console, "link_ttl");
	c->console.signin_failures = (int)schema_int(con, ck_console,
	    "signin_failures");
	con = json_object_get(root, "retention");
	c->retention.closed_days = (int)schema_int(con, ck_retention,
	    "closed_days");
	c->retention.sms_hours = (int)schema_int(con, ck_retention,
	    "sms_hours");
	c->retention.interval_minutes = (int)schema_int(con, ck_retention,
	    "interval_minutes");
	c->stats_k = (int)schema_int(json_object_get(root, "stats"),
	    ck_stats, "k");
	c->notify = notify_configure(ld, json_object_get(root, "notify"),
	    "/notify");
	c->sms = sms_configure(ld, json_object_get(root, "sms"), "/sms");
	if (c->sms != NULL)
		sms_conf_check(ld, c->sms,
		    (const struct channel *const *)c->channels, c->nchannels);
	conf_sms_limit(ld, c);

	v = schema_str(root, ck_top, "log_file");
	c->log_file = v != NULL ? conf_path(ld, v) : NULL;
	con = json_object_get(root, "metrics");
	v = schema_str(con, ck_metrics, "token_file");
	if (v != NULL)
		c->metrics_token = schema_secret_file(ld, v,
		    "/metrics/token_file", &schema_shared_secret);

	v = schema_str(root, ck_top, "clock_start");
	if (v != NULL && hclock_parse(v, &c->clock_start) == -1)
		schema_err(ld, "/clock_start", 0, "not an instant like "
		    "2026-11-23T08:00:00+07:00");

	for (i = 0; i < c->nmenus; i++)
		if (c->menus[i].menu != NULL &&
		    menu_has_callback(c->menus[i].menu))
			ncb++;
	if (c->roster == NULL) {
		if (ncb > 0 && schema_str(root, ck_top, "roster") == NULL)
			schema_err(ld, "", 0, "a menu has a callback node: "
			    "\"roster\" is needed to alert counsellors");
		return;
	}
	conf_notify_roster(ld, c);
}

/* Load a configuration and everything it references. */
struct conf *
conf_load(const char *file, struct diag *d, const struct conf_report *report)
{
	struct schema_doc	 ld;
	struct conf	*c = NULL;
	struct jsonfile	 jf;
	json_t		*root, *o, *v;
	struct channel	*ch;
	char		*dir = NULL, *slash, p[SCHEMA_PTR_MAX];
	size_t		 i, j;

	memset(&ld, 0, sizeof(ld));
	memset(&jf, 0, sizeof(jf));
	ld.name = file;
	ld.d = d;
	dir = strdup(file);
	ld.dir = dir;
	c = calloc(1, sizeof(*c));
	if (dir == NULL || c == NULL) {
		diag_add(d, "%s: out of memory", file);
		goto fail;
	}
	c->refs = 1;
	slash = strrchr(dir, '/');
	if (slash == NULL)
		snprintf(dir, strlen(dir) + 1, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';

	if (jsonfile_load(file, file, CONF_FILE_MAX, &jf, d) == -1)
		goto fail;
	root = jf.root;
	ld.jp = jf.jp;
	if (!json_is_object(root)) {
		schema_err(&ld, "", 0, "the configuration must be a JSON "
		    "object");
		goto fail;
	}
	schema_check(&ld, root, "", ck_top);
	/* Each channel's adapter checks its entry, in the same report. */
	o = json_object_get(root, "channels");
	c->channels = calloc(json_array_size(o) + 1, sizeof(*c->channels));
	if (c->channels == NULL) {
		diag_add(d, "%s: out of memory", file);
		goto fail;
	}
	json_array_foreach(o, i, v) {
		if (!json_is_object(v))
			continue;	/* reported by the walker */
		schema_ptr_index(p, sizeof(p), "/channels", i);
		ch = channel_new(&ld, v, p, json_object_get(root, "menus"));
		if (ch == NULL)
			continue;	/* reported */
		c->channels[c->nchannels++] = ch;
		for (j = 0; j + 1 < c->nchannels; j++) {
			if (strcmp(channel_name(c->channels[j]),
			    channel_name(ch)) == 0)
				schema_err(&ld, p, 0, "duplicate channel name "
				    "\"%s\"", channel_name(ch));
			if (*channel_path(ch) != '\0' &&
			    strcmp(channel_path(c->channels[j]),
			    channel_path(ch)) == 0)
				schema_err(&ld, p, 0, "duplicate channel path "
				    "\"%s\"", channel_path(ch));
		}
	}
	if (ld.errors > 0)
		goto fail;	/* typed reads below rely on a clean schema */

	c->file = strdup(file);
	o = json_object_get(root, "listen");
	c->listen.address = conf_strdup(schema_str(o, ck_listen, "address"));
	c->listen.port = (int)schema_int(o, ck_listen, "port");
	c->listen.max_conns = (size_t)schema_int(o, ck_listen,
	    "max_connections");
	o = json_object_get(root, "limits");
	c->listen.max_body = (size_t)schema_int(o, ck_limits, "max_body");
	c->listen.deadline = (int)schema_int(o, ck_limits, "request_deadline");
	v = schema_get(o, ck_limits, "per_source");
	c->listen.per_second = (unsigned)schema_int(v, ck_per_source,
	    "per_second");
	c->listen.burst = (unsigned)schema_int(v, ck_per_source, "burst");
	v = schema_get(o, ck_limits, "api_per_source");
	c->api.per_second = (unsigned)schema_int(v, ck_api_per_source,
	    "per_second");
	c->api.burst = (unsigned)schema_int(v, ck_api_per_source, "burst");
	v = schema_get(o, ck_limits, "per_number");
	c->per_number.requests = (unsigned)schema_int(v, ck_per_number,
	    "requests");
	c->per_number.minutes = (unsigned)schema_int(v, ck_per_number,
	    "minutes");
	c->per_number.block_minutes = (unsigned)schema_int(v, ck_per_number,
	    "block_minutes");
	c->per_number_set = v != NULL;
	o = json_object_get(root, "session");
	c->session.idle_timeout = (int)schema_int(o, ck_session,
	    "idle_timeout");
	c->session.max_duration = (int)schema_int(o, ck_session,
	    "max_duration");
	c->session.retry_window = (int)schema_int(o, ck_session,
	    "retry_window");
	c->session.max_sessions = (size_t)schema_int(o, ck_session,
	    "max_sessions");
	c->session.busy_text = conf_strdup(schema_str(o, ck_session,
	    "busy_text"));
	c->exit_text = conf_strdup(schema_str(root, ck_top, "exit_text"));
	if (c->session.idle_timeout > c->session.max_duration)
		schema_err(&ld, "/session/idle_timeout", 0, "must not exceed "
		    "max_duration (%d)", c->session.max_duration);
	c->verbose = (int)schema_int(root, ck_top, "verbose");
	conf_keys_load(&ld, c, json_object_get(root, "keys"));

	o = json_object_get(root, "languages");
	if (o == NULL) {
		c->languages[c->nlang++] = strdup("km");
		c->languages[c->nlang++] = strdup("en");
	} else {
		json_array_foreach(o, i, v) {
			snprintf(p, sizeof(p), "/languages/%zu", i);
			if (!conf_lang_ok(json_string_value(v)))
				schema_err(&ld, p, 0, "\"%s\" is not a "
				    "language code like \"km\"",
				    json_string_value(v));
			for (j = 0; j < c->nlang; j++)
				if (strcmp(c->languages[j],
				    json_string_value(v)) == 0)
					schema_err(&ld, p, 0, "duplicate "
					    "language");
			c->languages[c->nlang++] = strdup(json_string_value(v));
		}
	}
	if (ld.errors == 0)
		conf_roster_load(&ld, c, root);
	if (ld.errors == 0)
		conf_menus(&ld, c, json_object_get(root, "menus"));

	for (i = 0; i < c->nchannels; i++) {
		ch = c->channels[i];
		for (j = 0; j < c->nmenus; j++)
			if (strcmp(c->menus[j].name,
			    channel_menu_name(ch)) == 0)
				channel_set_menu(ch, c->menus[j].menu);
	}
	if (ld.errors == 0)
		conf_services(&ld, c, root);
	if (ld.errors == 0)
		conf_fit(&ld, c, report);
	if (ld.errors > 0 || diag_count(d) > 0)
		goto fail;
	jsonfile_clear(&jf);
	free(dir);
	return c;
fail:
	jsonfile_clear(&jf);
	free(dir);
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
	free(c->key_file);
	free(c->password_file);
	free(c->log_file);
	secret_free(c->metrics_token);
	free(c->api.address);
	free(c->api.public_url);
	notify_conf_free(c->notify);
	sms_conf_free(c->sms);
	free(c->listen.address);
	free(c->session.busy_text);
	free(c->exit_text);
	free(c->file);
	free(c);
}

/* The log file, or NULL. */
const char *
conf_log_file(const struct conf *c)
{
	return c->log_file;
}

/* The scrapers' token for /metrics, or NULL. */
const char *
conf_metrics_token(const struct conf *c)
{
	return c->metrics_token;
}

/* The alert providers' settings. */
const struct notify_conf *
conf_notify(const struct conf *c)
{
	return c->notify;
}

/* Find the channel for a request path. */
const struct channel *
conf_channel_for(const struct conf *c, const char *path,
    const char **token_seg, int *notice)
{
	size_t	 i;

	*token_seg = NULL;
	*notice = 0;
	for (i = 0; i < c->nchannels; i++)
		if (channel_match(c->channels[i], path, token_seg, notice))
			return c->channels[i];
	return NULL;
}

/* The SMS rules. */
const struct sms_conf *
conf_sms(const struct conf *c)
{
	return c->sms;
}

/* A channel by name, or NULL. */
const struct channel *
conf_channel_by_name(const struct conf *c, const char *name)
{
	return conf_channel_named(c, name);
}

/* The webhooks' listener. */
const struct conf_listen *
conf_listen(const struct conf *c)
{
	return &c->listen;
}

/* The counsellor API's listener. */
const struct conf_listen *
conf_api(const struct conf *c)
{
	return &c->api;
}

/* The session table's settings. */
const struct conf_session *
conf_session(const struct conf *c)
{
	return &c->session;
}

/* The per-number limit. */
const struct conf_per_number *
conf_per_number(const struct conf *c)
{
	return &c->per_number;
}

/* The console's settings. */
const struct conf_console *
conf_console(const struct conf *c)
{
	return &c->console;
}

/* The smallest count the donor report shows. */
int
conf_stats_k(const struct conf *c)
{
	return c->stats_k;
}

/* The retention limits. */
const struct conf_retention *
conf_retention(const struct conf *c)
{
	return &c->retention;
}

/* The roster, or NULL. */
const struct roster *
conf_roster(const struct conf *c)
{
	return c->roster;
}

/* The file the conf was loaded from. */
const char *
conf_file(const struct conf *c)
{
	return c->file;
}

/* The database file. */
const char *
conf_database(const struct conf *c)
{
	return c->database;
}

/* The database server's password file, or NULL. */
const char *
conf_password_file(const struct conf *c)
{
	return c->password_file;
}

/* The database's key file, or NULL for the store's default. */
const char *
conf_key_file(const struct conf *c)
{
	return c->key_file;
}

/* The instant the clock starts at (tests), or 0. */
time_t
conf_clock_start(const struct conf *c)
{
	return c->clock_start;
}

/* Whether debug lines are logged. */
int
conf_verbose(const struct conf *c)
{
	return c->verbose;
}

/* How many channels there are. */
size_t
conf_nchannels(const struct conf *c)
{
	return c->nchannels;
}

/* A language code by rank. */
const char *
conf_language(const struct conf *c, size_t i)
{
	return i < c->nlang ? c->languages[i] : NULL;
}

/* Channel i, or NULL past the last. */
const struct channel *
conf_channel_at(const struct conf *c, size_t i)
{
	return i < c->nchannels ? c->channels[i] : NULL;
}

/* The global keys. */
const struct menu_keys *
conf_keys(const struct conf *c)
{
	return &c->keys;
}

/* The quick exit's END text. */
const char *
conf_exit_text(const struct conf *c)
{
	return c->exit_text;
}

/* References held. */
int
conf_refs(const struct conf *c)
{
	return c->refs;
}
