/* SPDX-License-Identifier: ISC */
/*
 * conf: the daemon configuration (hotlined.conf, JSON) and everything it
 * references: menu trees and channels. A conf is loaded whole beside the
 * running one, checked against one key table that reports every problem at
 * once, and reference-counted so that sessions keep the conf (and menus)
 * they started with after a reload swaps in a new one.
 */
#ifndef HOTLINED_CONF_H
#define HOTLINED_CONF_H

#include <stddef.h>
#include <stdio.h>

#include "menu.h"
#include "notify.h"

struct channel;
struct diag;
struct roster;

/* Owned copies of the notify settings' strings (see conf.c). */
#define CONF_NOTIFY_STRINGS	11

/* How Telegram button presses reach hotlined ("telegram_updates"). */
#define CONF_TG_POLL	0	/* long polling getUpdates (the default) */
#define CONF_TG_WEBHOOK	1	/* POSTs to /telegram/webhook */
#define CONF_TG_OFF	2

/* A loaded menu tree and the name channels refer to it by. */
struct conf_menu {
	char		*name;
	char		*file;
	struct menu	*menu;
};

/* A loaded configuration. Read-only once loaded. */
struct conf {
	int			  refs;
	char			 *file;
	char			 *listen_addr;
	int			  listen_port;
	size_t			  max_body;
	int			  idle_timeout;		/* seconds */
	int			  max_duration;		/* seconds */
	int			  retry_window;		/* seconds */
	size_t			  max_sessions;
	char			 *busy_text;	/* END text when full */
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
	char			 *roster_file;
	struct roster		 *roster;	/* NULL without "roster" */
	char			 *api_addr;	/* counsellor API listener */
	int			  api_port;
	char			 *api_url;	/* its public base URL */
	struct notify_settings	  notify;	/* points into notify_str */
	char			 *notify_str[CONF_NOTIFY_STRINGS];
	int			  telegram_updates;	/* CONF_TG_* */
	int			  telegram_poll_timeout; /* seconds */
	int			  console_idle;		/* seconds */
	int			  console_tls;		/* Secure cookies */
	int			  console_link_ttl;	/* seconds */
	int			  signin_failures;	/* per address */
	time_t			  clock_start;	/* 0: the system clock */
};

/*
 * Load file and every menu it names; check every screen against its
 * channel's budget. All problems go to d. When report is not NULL, the
 * per-screen sizes are printed to it. Returns a conf with one reference,
 * or NULL if there was any problem.
 */
struct conf	*conf_load(const char *file, struct diag *d, FILE *report);

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

/* Print the configuration key table (name, type, default, help). */
void		 conf_print_keys(FILE *fp);

#endif
