/* SPDX-License-Identifier: ISC */
/*
 * telegram: the Claim and Open buttons under Telegram alerts. It receives
 * button presses, by long polling getUpdates through fetch (the default;
 * the offset is kept in the store so that it survives restarts) or as
 * POSTs to /telegram/webhook carrying the secret_token, checks the presser
 * against the roster (a counsellor on duty, or a supervisor), claims
 * through the store (the same claim as the console's and the API's),
 * answers every press, edits the alerts of a claimed request to say who
 * has it, and sends the winner a one-time link to the console in her
 * private chat with the bot. No number and no answer ever goes to
 * Telegram; what it sends is the case reference and names.
 */
#ifndef HOTLINED_TELEGRAM_H
#define HOTLINED_TELEGRAM_H

struct conf;
struct console;
struct event_base;
struct fetch;
struct hclock;
struct http;
struct lease;
struct metrics;
struct store;
struct telegram;

/*
 * A receiver of presses for the bot of *confp, linking to the console at
 * base (borrowed). NULL on failure. Nothing happens before
 * telegram_start.
 */
struct telegram	*telegram_new(struct event_base *base, struct fetch *f,
		    struct store *st, const struct hclock *clock,
		    struct conf *const *confp, struct console *console,
		    const char *base_url);

/* Start polling when the configuration asks for it (it is re-read on
 * every poll, so a reload turns polling on or off). */
void		 telegram_start(struct telegram *t);

/*
 * Poll only while l (borrowed; NULL: always) is held: one poller a bot.
 * Webhook updates are taken by whichever daemon they reach.
 */
void		 telegram_set_lease(struct telegram *t, const struct lease *l);

/* Count the claims pressed in Telegram into m. */
void		 telegram_set_metrics(struct telegram *t, struct metrics *m);

/*
 * Take /telegram/webhook of the front end h (the API's listener), where
 * the Bot API posts presses when the configuration says "webhook".
 * Returns 0, or -1 when h has no room.
 */
int		 telegram_mount(struct telegram *t, struct http *h);

/* A Telegram alert about ref was sent; body is the Bot API's answer,
 * which says where the message is, to edit it once ref is claimed. */
void		 telegram_sent(struct telegram *t, const char *ref,
		    const char *body);

/* ref was claimed by roster id who (from anywhere): edit its alerts. */
void		 telegram_claimed(struct telegram *t, const char *ref,
		    const char *who);

/* Stop; transfers in flight are fetch's to abort. NULL is fine. */
void		 telegram_free(struct telegram *t);

#endif
