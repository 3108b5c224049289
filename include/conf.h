/* SPDX-License-Identifier: ISC */
/*
 * conf: the daemon configuration (hotlined.conf, JSON) and everything it
 * references: menu trees and channels. A conf is loaded whole beside the
 * running one, checked against the key tables of its blocks (every problem
 * at once), and reference-counted so that sessions keep the conf (and
 * menus) they started with after a reload swaps in a new one. The conf is
 * opaque: each module reads its own section through one accessor.
 */
#ifndef HOTLINED_CONF_H
#define HOTLINED_CONF_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "menu.h"
#include "schema.h"

struct channel;
struct diag;
struct notify_conf;
struct sms_conf;
struct roster;

/* A loaded menu tree and the name channels refer to it by. */
struct conf_menu {
	char		*name;
	char		*file;
	struct menu	*menu;
};

/*
 * What one module reads of the configuration: each section belongs to the
 * module named, which gets it whole from one accessor below and reads no
 * other part. Strings are owned by the conf.
 */

/* A listener: "listen" and "limits" (webhooks), or "api" (counsellors). */
struct conf_listen {
	char		*address;
	int		 port;
	size_t		 max_body;	/* webhooks only */
	size_t		 max_conns;	/* open connections */
	int		 deadline;	/* s for a whole request */
	char		*public_url;	/* api only: base URL in alerts */
	unsigned	 per_second;	/* per peer address, 0: no limit */
	unsigned	 burst;		/* ... at once */
};

/*
 * The per-number limit ("limits.per_number", or the old sms.per_number),
 * shared by new USSD sessions and inbound SMS; the daemon applies it.
 */
struct conf_per_number {
	unsigned	 requests;	/* in the window, 0: no limit */
	unsigned	 minutes;	/* the window */
	unsigned	 block_minutes;	/* refused after going over */
};

/* The session table's: "session". */
struct conf_session {
	int		 idle_timeout;		/* seconds */
	int		 max_duration;		/* seconds */
	int		 retry_window;		/* seconds */
	size_t		 max_sessions;
	char		*busy_text;		/* END text when full */
};

/* The console's sign-in: "console". */
struct conf_console {
	int		 idle;			/* seconds */
	int		 behind_tls;		/* Secure cookies */
	int		 link_ttl;		/* seconds */
	int		 signin_failures;	/* per address */
};

/* How long closed requests and sent texts are kept: "retention". */
struct conf_retention {
	int		 closed_days;		/* completed requests */
	int		 sms_hours;		/* texts no longer queued */
	int		 interval_minutes;	/* between purges */
};

/* A loaded configuration (opaque). Read-only once loaded. */
struct conf;

/*
 * Who hears the screen budgets conf_load measures: channel (may be NULL)
 * before the screens of a menu on a channel (once per menu and budget),
 * then screen once per screen and language.
 */
struct conf_report {
	void		(*channel)(const char *menu, const char *channel,
			    const struct menu_limits *lim, void *arg);
	menu_fit_cb	  screen;
	void		 *arg;
};

/*
 * Load file and every menu it names; check every screen against its
 * channel's budget. All problems go to d. When report is not NULL, it
 * hears the per-screen sizes. Returns a conf with one reference, or NULL
 * if there was any problem.
 */
struct conf	*conf_load(const char *file, struct diag *d,
		    const struct conf_report *report);

/* Take a reference. */
struct conf	*conf_ref(struct conf *c);

/* Drop a reference; the last one frees the conf and its menus. */
void		 conf_unref(struct conf *c);

/*
 * The channel serving an HTTP path, or NULL. For a channel whose token is
 * a path segment, path must be "<channel path>/<token>"; *token_seg is set
 * to that segment (borrowed from path) or NULL. An Africa's Talking
 * channel also takes its end-of-session notices at "<path>/end" (or
 * "<path>/<token>/end"): *notice is set to 1 for those.
 */
const struct channel *conf_channel_for(const struct conf *c, const char *path,
		    const char **token_seg, int *notice);

/* The alert providers' settings ("notify"; borrowed). */
/* The file the daemon also logs to (log_file), or NULL. */
const char	*conf_log_file(const struct conf *c);

/* The bearer token of metrics.token_file (borrowed), or NULL. */
const char	*conf_metrics_token(const struct conf *c);

const struct notify_conf *conf_notify(const struct conf *c);

/* The "sms" block: conversation words, limits, prefix table. */
const struct sms_conf *conf_sms(const struct conf *c);

/* The channel called name, or NULL. */
const struct channel *conf_channel_by_name(const struct conf *c,
		    const char *name);

/* The sections above, the roster (NULL without one) and the rest. */
const struct conf_listen	*conf_listen(const struct conf *c);
const struct conf_listen	*conf_api(const struct conf *c);
const struct conf_session	*conf_session(const struct conf *c);
const struct conf_console	*conf_console(const struct conf *c);
const struct conf_retention	*conf_retention(const struct conf *c);
int		 conf_stats_k(const struct conf *c);	/* stats.k */
const struct conf_per_number	*conf_per_number(const struct conf *c);
const struct roster		*conf_roster(const struct conf *c);
const char	*conf_file(const struct conf *c);
const char	*conf_database(const struct conf *c);	/* SQLite file */
const char	*conf_key_file(const struct conf *c);	/* NULL: default */
const char	*conf_password_file(const struct conf *c);	/* or NULL */
time_t		 conf_clock_start(const struct conf *c);	/* 0: system */
int		 conf_verbose(const struct conf *c);
size_t		 conf_nchannels(const struct conf *c);

/* Language i (0 is the default), or NULL past the last. */
const char	*conf_language(const struct conf *c, size_t i);

/* Channel i (borrowed), or NULL past the last. */
const struct channel *conf_channel_at(const struct conf *c, size_t i);

/* The global keys and the quick exit's END text (borrowed). */
const struct menu_keys *conf_keys(const struct conf *c);
const char	*conf_exit_text(const struct conf *c);

/* References held (the reload log, tests). */
int		 conf_refs(const struct conf *c);

/*
 * Print every key of the configuration file, then of the roster and menu
 * files (name, type, default or range, help), from the tables the loaders
 * check them with: as text for -k, or as mdoc for hotlined.conf(5).
 */
void		 conf_print_keys(FILE *fp, enum schema_format fmt);

#endif
