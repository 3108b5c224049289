/* SPDX-License-Identifier: ISC */
/*
 * notify_telegram: the Telegram Bot API transport (notify_telegram.c) and
 * the bot's settings, for telegram.c, which receives the presses of the
 * alerts' buttons. Get the bot of a configuration with
 * notify_conf_state(nc, &notify_telegram).
 */
#ifndef HOTLINED_NOTIFY_TELEGRAM_H
#define HOTLINED_NOTIFY_TELEGRAM_H

#include "notify.h"

struct notify_telegram_bot;

extern const struct notify_transport notify_telegram;

/* How Telegram button presses reach hotlined ("telegram_updates"). */
enum notify_telegram_updates {
	NOTIFY_TELEGRAM_POLL,		/* long polling getUpdates (default) */
	NOTIFY_TELEGRAM_WEBHOOK,	/* POSTs to /telegram/webhook */
	NOTIFY_TELEGRAM_OFF
};

/*
 * The URL <telegram_api>/bot<token>/<method> of bot b (NULL: none) into
 * *out (a new string: it holds the token, never log it). 0, or -1 with
 * *cause (static).
 */
int	notify_telegram_url(const struct notify_telegram_bot *b,
	    const char *method, char **out, const char **cause);

/* How presses reach hotlined (b may be NULL: the default). */
enum notify_telegram_updates notify_telegram_updates(
	    const struct notify_telegram_bot *b);

/* Seconds each getUpdates long poll may wait. */
int	notify_telegram_poll_timeout(const struct notify_telegram_bot *b);

/* The webhook's secret_token (borrowed), or NULL when there is none. */
const char *notify_telegram_webhook_secret(
	    const struct notify_telegram_bot *b);

#endif
