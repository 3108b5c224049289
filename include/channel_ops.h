/* SPDX-License-Identifier: ISC */
/*
 * channel_ops: what a gateway adapter is, as OpenSMTPD's table backends or
 * curl's protocol handlers. Each adapter is one file exporting one const
 * struct channel_ops; channel.c lists them in one table and calls them
 * only through it. An adapter keeps its own settings in a private state,
 * reads its part of a channel entry into it, and never calls channel.c.
 */
#ifndef HOTLINED_CHANNEL_OPS_H
#define HOTLINED_CHANNEL_OPS_H

#include <jansson.h>

#include "channel.h"

struct schema_doc;
struct schema_key;

/* The methods an adapter's webhook accepts (a mask). */
#define CHANNEL_ALLOW_GET	(1u << CHANNEL_GET)
#define CHANNEL_ALLOW_POST	(1u << CHANNEL_POST)

/* What an adapter is told of the channel it configures (borrowed). */
struct channel_setup {
	const char	*name;		/* the channel's name */
	int		 token;		/* 1 when a secret token is set */
	const char	*path;		/* the webhook's path */
};

struct channel_ops {
	/* The entry's "type" in the configuration. */
	const char		*name;

	/* The keys this adapter adds to a channel entry, or NULL. */
	const struct schema_key	*schema;

	/*
	 * Read the adapter's part of entry (at pointer ptr, already checked
	 * against schema) into a new *state (NULL when it keeps none).
	 * Problems go to doc with schema_err. Returns 0, or -1 out of
	 * memory. May be NULL.
	 */
	int	(*configure)(struct schema_doc *doc, json_t *entry,
		    const char *ptr, const struct channel_setup *setup,
		    void **state);

	/* Free a state made by configure (NULL is fine). May be NULL. */
	void	(*free)(void *state);

	/*
	 * Translate a request into ev (zeroed, ev->channel set). Returns 0,
	 * or -1 with *cause a static reason for a 400 answer that never
	 * names a value.
	 */
	int	(*parse)(const void *state, const struct channel_request *req,
		    struct channel_event *ev, const char **cause);

	/*
	 * Translate an end-of-session notice into ev->session_id and *how
	 * (static: completed, hung_up, failed or ended). Returns 0, or -1
	 * with *cause. NULL when the gateway sends none.
	 */
	int	(*notice)(const void *state, const struct channel_request *req,
		    struct channel_event *ev, const char **how,
		    const char **cause);

	/* Where notices arrive, after the path ("/end"); NULL with notice. */
	const char		*notice_path;

	/* Encode a reply. Returns 0, or -1 out of memory. */
	int	(*format)(const void *state, const struct channel_reply *reply,
		    struct channel_response *out);

	/* The methods the webhook accepts: CHANNEL_ALLOW_* bits. */
	unsigned (*methods)(const void *state);

	/*
	 * What the adapter carries. An SMS adapter's parse fills the SMS
	 * fields of the event (channel.h) and returns CHANNEL_BAD or, when
	 * the gateway's signature does not verify, CHANNEL_FORBIDDEN; its
	 * notice reads a delivery report (*how: delivered, failed or sent);
	 * its format encodes the answer to an inbound message: an empty
	 * acknowledgement, or with CHANNEL_INLINE the reply itself (the
	 * notice, then the text, either may be NULL). parse is NULL for a
	 * gateway that only sends.
	 */
	enum channel_kind	 kind;

	/* SMS: CHANNEL_INLINE, CHANNEL_SPLIT bits (see below). */
	unsigned		 flags;

	/*
	 * SMS: build the request that sends m, with what configure read
	 * (URL, credentials). Returns 0, or -1 (OOM, or the entry has no
	 * send settings). NULL: the adapter cannot send.
	 */
	int	(*send)(const void *state, const struct channel_sms *m,
		    struct channel_http *out);

	/* SMS: judge a send's answer (see channel_send_verdict). */
	enum channel_verdict (*sent)(const void *state,
		    const struct channel_answer *a, char **gateway_id,
		    const char **why);

	/* SMS with OAuth: the token request and its answer. May be NULL. */
	int	(*auth)(const void *state, struct channel_http *out);
	int	(*authed)(const void *state, const struct channel_answer *a,
		    char **token, long *ttl);

	/* SMS: whether this entry configured sending. NULL: if send. */
	int	(*can_send)(const void *state);
};

/* Replies go in the answer to the inbound request (Twilio's TwiML). */
#define CHANNEL_INLINE	0x1u
/* The adapter is handed one part at a time and adds the UDH (Kannel). */
#define CHANNEL_SPLIT	0x2u

#endif
