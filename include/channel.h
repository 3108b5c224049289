/* SPDX-License-Identifier: ISC */
/*
 * channel: a gateway's webhook as the daemon sees it, for USSD or SMS. A
 * channel is built from its configuration entry (name, path, menu, screen
 * budget, secret token, the SMS keys of an SMS gateway, and the keys of
 * its gateway's adapter) and is opaque; it routes request paths, checks
 * the token, and translates between its gateway's wire format and the one
 * internal event and reply. An SMS gateway's adapter also builds the
 * request that sends a message and judges the answer. The adapters live in
 * one file each (channel_at.c, channel_kannel.c, ...; see channel_ops.h).
 */
#ifndef HOTLINED_CHANNEL_H
#define HOTLINED_CHANNEL_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "menu.h"
#include "schema.h"
#include "text.h"

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

/* What a channel carries. */
enum channel_kind { CHANNEL_USSD, CHANNEL_SMS };

/* channel_parse's refusals (its return values). */
#define CHANNEL_BAD		(-1)	/* malformed: 400 */
#define CHANNEL_FORBIDDEN	(-2)	/* bad signature: 403 */

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

/*
 * The one internal event (strings borrowed from the event's storage). For
 * an SMS channel: phone is the sender, service_code our number (may be
 * NULL), hop_id the gateway's message id (may be NULL), input the text in
 * UTF-8 (never NULL), and the concat_* fields say which part of a message
 * the gateway did not reassemble (concat_total 0: a whole message);
 * channel.c sets session_id to phone. A delivery report (an SMS channel's
 * notice) sets hop_id to the gateway's message id or session_id to ours.
 */
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
	const char		*concat_ref;	/* SMS: message reference */
	unsigned		 concat_part;	/* SMS: 1..concat_total */
	unsigned		 concat_total;

	/* Storage the strings above point into (freed by _clear). */
	struct form		*form_body;
	struct form		*form_query;
	void			*json;
	char			*owned[8];
	size_t			 nowned;
};

/*
 * The one internal reply. For an SMS channel whose replies go in the
 * answer (Twilio's TwiML), text may be NULL (nothing to send) and notice,
 * when set, is sent first as a message of its own.
 */
struct channel_reply {
	char		*text;
	int		 end;		/* 1: END (last screen), 0: CON */
	const char	*notice;	/* SMS: borrowed, or NULL */
};

/* An encoded HTTP answer body. */
struct channel_response {
	char		*body;		/* owned */
	size_t		 len;
	const char	*content_type;	/* static */
};

/*
 * One SMS to send (borrowed). An adapter that sends parts one by one
 * (CHANNEL_SPLIT) gets one part at a time: text is that part and part its
 * number (1..parts), with ref the message's concatenation reference;
 * otherwise text is the whole message and part 0.
 */
struct channel_sms {
	const char		*to;		/* "+855...", E.164 with '+' */
	const char		*from;		/* our number, or NULL */
	const char		*text;		/* UTF-8 */
	enum text_encoding	 enc;		/* as the network carries it */
	size_t			 parts;		/* of the whole message */
	size_t			 part;
	unsigned		 ref;		/* 0..255 */
	const char		*msg_id;	/* ours, stable across retries */
	const char		*report_url;	/* for delivery reports, or
						   NULL (none asked) */
	const char		*token;		/* OAuth access token, or NULL */
};

/* An HTTP request an adapter builds: all owned, wiped by _clear. */
#define CHANNEL_HTTP_HEADERS	8
struct channel_http {
	const char	*method;	/* static: "GET" or "POST" */
	char		*url;
	char		*headers[CHANNEL_HTTP_HEADERS + 1]; /* NULL-ended */
	char		*body;		/* NULL for none */
	size_t		 body_len;
};

/* A gateway's answer to a request we sent (borrowed). */
struct channel_answer {
	long		 status;	/* HTTP status, 0: no answer */
	const char	*body;		/* NUL-terminated */
	size_t		 body_len;
};

/* What a send came to. */
enum channel_verdict {
	CHANNEL_SENT,		/* accepted: done */
	CHANNEL_RETRY,		/* try again later (5xx, throttled, ...) */
	CHANNEL_FAILED,		/* refused for good (bad number, 4xx) */
	CHANNEL_REAUTH		/* the token was refused: fetch a new one */
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

/* The adapter's name, the entry's "type" ("africastalking"; static). */
const char	*channel_type(const struct channel *ch);

/*
 * The secret a client of the webhook presents (hotlinectl simulate):
 * returns the token (borrowed; NULL when the channel has none) and sets
 * *header to the header that carries it, or to NULL when the token is the
 * last path segment (or there is none).
 */
const char	*channel_secret(const struct channel *ch, const char **header);

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
 * Translate a request into an event with ch's adapter. Returns 0, or
 * CHANNEL_BAD (400) or CHANNEL_FORBIDDEN (403: the gateway's signature
 * does not verify) with *cause set to a short static reason (it never
 * names a value, which may be personal).
 */
int	channel_parse(const struct channel *ch,
	    const struct channel_request *req, struct channel_event *ev,
	    const char **cause);

/* USSD or SMS. */
enum channel_kind channel_kind(const struct channel *ch);

/* SMS: whether replies go in the answer to the inbound request. */
int	channel_inline(const struct channel *ch);

/* SMS: whether the adapter can send (it has a send API configured). */
int	channel_can_send(const struct channel *ch);

/* SMS: whether the adapter sends parts one by one (with its own UDH). */
int	channel_split(const struct channel *ch);

/* SMS: whether sending needs an OAuth token (channel_auth_build). */
int	channel_needs_auth(const struct channel *ch);

/*
 * SMS settings: the most parts one message may take; the conversation's
 * idle time-out (seconds); messages per second the gateway takes; the
 * channel that sends this one's replies (borrowed name), "route" for the
 * prefix table, or NULL for itself; our delivery-report URL (absolute,
 * borrowed) or NULL; our number as the gateway knows it, or NULL.
 */
size_t		 channel_max_parts(const struct channel *ch);
unsigned	 channel_idle(const struct channel *ch);
unsigned	 channel_rate(const struct channel *ch);
const char	*channel_reply_via(const struct channel *ch);
const char	*channel_report_url(const struct channel *ch);
const char	*channel_sender(const struct channel *ch);

/* SMS: build the request that sends m. Returns 0, or -1 (OOM, cannot). */
int	channel_send_build(const struct channel *ch,
	    const struct channel_sms *m, struct channel_http *out);

/*
 * SMS: judge the gateway's answer to a send. *gateway_id gets the id the
 * gateway gave the message (a new string, or NULL); *why a short static
 * reason when it is not CHANNEL_SENT.
 */
enum channel_verdict channel_send_verdict(const struct channel *ch,
	    const struct channel_answer *a, char **gateway_id,
	    const char **why);

/* SMS with OAuth: build the token request. 0, or -1. */
int	channel_auth_build(const struct channel *ch, struct channel_http *out);

/*
 * SMS with OAuth: read the token from the answer into *token (a new
 * string) and its lifetime in seconds into *ttl. 0, or -1 (refused).
 */
int	channel_auth_parse(const struct channel *ch,
	    const struct channel_answer *a, char **token, long *ttl);

/* Wipe and free a built request (it may hold a number, a text, a key). */
void	channel_http_clear(struct channel_http *h);

/*
 * Translate an end-of-session notice (for gateways that send them, such
 * as Africa's Talking, aggregators.md §1.4) into ev->session_id and *how
 * (static: completed, hung_up, failed or ended); for an SMS channel, a
 * delivery report (see struct channel_event). Returns 0, or CHANNEL_BAD
 * (400) or CHANNEL_FORBIDDEN (403) with *cause (static).
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
