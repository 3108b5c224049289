/* SPDX-License-Identifier: ISC */
/*
 * channel: a USSD webhook as the daemon sees it. A channel is built from
 * its configuration entry (name, path, menu, screen budget, secret token,
 * and the keys of its gateway's adapter) and is opaque; it routes request
 * paths, checks the token, and translates between its gateway's wire
 * format and the one internal USSD event and reply. The adapters live in
 * one file each (channel_at.c, channel_generic.c; see channel_ops.h).
 */
#ifndef HOTLINED_CHANNEL_H
#define HOTLINED_CHANNEL_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "menu.h"
#include "schema.h"

struct channel;
struct form;
struct menu;

/* The longest fields accepted (bytes); longer ones are a 400. */
#define CHANNEL_MAX_ID		128	/* session id, hop id */
#define CHANNEL_MAX_PHONE	32
#define CHANNEL_MAX_CODE	32	/* service code, network code */
#define CHANNEL_MAX_INPUT	1024	/* an input, or the whole history */

/* What the gateway says about the start of a session. */
enum channel_start {
	CHANNEL_START_UNKNOWN,	/* the gateway does not say */
	CHANNEL_START_NEW,	/* first hop of a session */
	CHANNEL_START_CONTINUE	/* a later hop */
};

enum channel_method { CHANNEL_GET, CHANNEL_POST };

/* Look up a request header (borrowed), NULL if absent. */
typedef const char *(*channel_header_cb)(void *arg, const char *name);

/* The request as the adapters see it (filled by the webhook handler). */
struct channel_request {
	enum channel_method	 method;
	const char		*query;		/* raw, may be NULL */
	const char		*body;
	size_t			 body_len;
	channel_header_cb	 header;
	void			*header_arg;
};

/* The one internal USSD event (strings borrowed from the event's storage). */
struct channel_event {
	const char		*channel;
	const char		*session_id;
	const char		*phone;
	const char		*service_code;	/* may be NULL */
	const char		*network;	/* may be NULL */
	const char		*hop_id;	/* may be NULL */
	enum channel_start	 start;
	int			 ended;		/* the gateway ended it */
	const char		*input;		/* latest input, or NULL */
	const char		*history;	/* full history, or NULL */
	const char		*separator;	/* of history entries */

	/* Storage the strings above point into (freed by _clear). */
	struct form		*form_body;
	struct form		*form_query;
	void			*json;
	char			*owned[8];
	size_t			 nowned;
};

/* The one internal reply. */
struct channel_reply {
	char	*text;
	int	 end;		/* 1: END (last screen), 0: CON */
};

/* An encoded HTTP answer body. */
struct channel_response {
	char		*body;		/* owned */
	size_t		 len;
	const char	*content_type;	/* static */
};

/*
 * Build a channel from its configuration entry at pointer ptr of doc: the
 * common keys and those of the adapter its "type" names are checked, and
 * every problem (and warning) goes to doc. menus is the file's "menus"
 * object (borrowed), for the name check; the tree itself is set later
 * with channel_set_menu. Returns a new channel, or NULL when the entry's
 * keys are wrong or memory ran out (reported to doc too).
 */
struct channel	*channel_new(struct schema_doc *doc, json_t *entry,
		    const char *ptr, json_t *menus);

/* Free a channel (NULL is fine). */
void		 channel_free(struct channel *ch);

/* The channel's name, URL path and menu tree name (borrowed). */
const char	*channel_name(const struct channel *ch);
const char	*channel_path(const struct channel *ch);
const char	*channel_menu_name(const struct channel *ch);

/* The menu tree the channel shows (borrowed), NULL until set. */
const struct menu *channel_menu(const struct channel *ch);

/* Set the tree (borrowed: it must outlive the channel). */
void		 channel_set_menu(struct channel *ch, const struct menu *m);

/* The channel's screen budget (borrowed). */
const struct menu_limits *channel_limits(const struct channel *ch);

/*
 * Whether path is served by ch. For a channel whose token is a path
 * segment, path must be "<channel path>/<token>"; *token_seg is set to
 * what follows the path's '/' (borrowed from path) or NULL. A channel
 * whose gateway sends end-of-session notices also takes them at
 * "<path>/end" (or "<path>/<token>/end"): *notice is set to 1 for those.
 * A path-token channel also matches its bare path, with no token, so
 * that the caller answers 403. Returns 1 on a match, else 0.
 */
int		 channel_match(const struct channel *ch, const char *path,
		    const char **token_seg, int *notice);

/*
 * Whether a request carries ch's secret: the token segment from
 * channel_match, or the configured header looked up with header(arg).
 * Compared in constant time. Returns 1 when it does or ch has no token.
 */
int		 channel_authorised(const struct channel *ch,
		    const char *token_seg, int notice, channel_header_cb header,
		    void *arg);

/* Whether ch's webhook (or its notices, when notice) takes method m. */
int		 channel_method_ok(const struct channel *ch,
		    enum channel_method m, int notice);

/* The Allow header of a 405 from ch ("POST", "GET"; static). */
const char	*channel_allow(const struct channel *ch, int notice);

/*
 * Translate a request into an event with ch's adapter. Returns 0, or -1
 * with *cause set to a short static reason for a 400 answer (it never
 * names a value, which may be personal).
 */
int	channel_parse(const struct channel *ch,
	    const struct channel_request *req, struct channel_event *ev,
	    const char **cause);

/*
 * Translate an end-of-session notice (for gateways that send them, such
 * as Africa's Talking, aggregators.md §1.4) into ev->session_id and *how
 * (static: completed, hung_up, failed or ended). Returns 0, or -1 with
 * *cause (static) for a 400 answer.
 */
int	channel_notice_parse(const struct channel *ch,
	    const struct channel_request *req, struct channel_event *ev,
	    const char **how, const char **cause);

/* Release the storage of an event and wipe its decoded values. */
void	channel_event_clear(struct channel_event *ev);

/*
 * Wipe and free a reply's text: a screen may read back a number she
 * typed. The reply is zeroed.
 */
void	channel_reply_clear(struct channel_reply *rep);

/* Encode a reply for ch's gateway. Returns 0, or -1 out of memory. */
int	channel_format(const struct channel *ch,
	    const struct channel_reply *reply, struct channel_response *out);

/*
 * Print the keys of a channel entry, the common ones and each adapter's,
 * names prefixed by prefix ("channels[].").
 */
void	channel_print_keys(FILE *fp, enum schema_format fmt,
	    const char *prefix);

#endif
