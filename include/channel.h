/* SPDX-License-Identifier: ISC */
/*
 * channel: the one internal USSD event and reply that every gateway format
 * is translated to and from, and a channel's settings (path, secret token,
 * screen budget, wire mapping). The adapters themselves live in one file
 * each: channel_at.c (Africa's Talking CON/END) and channel_generic.c (a
 * mapping set in the configuration).
 */
#ifndef HOTLINED_CHANNEL_H
#define HOTLINED_CHANNEL_H

#include <stddef.h>

#include "menu.h"

struct form;
struct menu;

/* The longest fields accepted (bytes); longer ones are a 400. */
#define CHANNEL_MAX_ID		128	/* session id, hop id */
#define CHANNEL_MAX_PHONE	32
#define CHANNEL_MAX_CODE	32	/* service code, network code */
#define CHANNEL_MAX_INPUT	1024	/* an input, or the whole history */

enum channel_kind {
	CHANNEL_AT,		/* Africa's Talking USSD */
	CHANNEL_GENERIC		/* configurable mapping */
};

/* What the gateway says about the start of a session. */
enum channel_start {
	CHANNEL_START_UNKNOWN,	/* the gateway does not say */
	CHANNEL_START_NEW,	/* first hop of a session */
	CHANNEL_START_CONTINUE	/* a later hop */
};

/* Where a generic field is found in the request. */
enum channel_where {
	CHANNEL_FROM_BODY,	/* form or JSON body (query string for GET) */
	CHANNEL_FROM_QUERY,	/* the URL's query string */
	CHANNEL_FROM_HEADER	/* an HTTP header */
};

/* One generic field: where it is and its name (NULL when unset). */
struct channel_field {
	enum channel_where	 where;
	char			*name;
};

enum channel_method { CHANNEL_GET, CHANNEL_POST };
enum channel_body { CHANNEL_BODY_FORM, CHANNEL_BODY_JSON };
enum channel_input { CHANNEL_INPUT_LATEST, CHANNEL_INPUT_HISTORY };
enum channel_newsig {
	CHANNEL_NEW_UNKNOWN_SESSION,	/* new when the session id is unknown */
	CHANNEL_NEW_EMPTY_INPUT,	/* new when the input is empty */
	CHANNEL_NEW_FIELD		/* new when a field has a value */
};
enum channel_replyfmt { CHANNEL_REPLY_CONEND, CHANNEL_REPLY_JSON };
enum channel_token { CHANNEL_TOKEN_NONE, CHANNEL_TOKEN_PATH,
	CHANNEL_TOKEN_HEADER };

/* A channel's settings, as loaded by conf.c. */
struct channel {
	char			*name;
	enum channel_kind	 kind;
	char			*path;
	char			*menu_name;
	const struct menu	*menu;		/* borrowed from the conf */
	struct menu_limits	 limits;
	enum channel_token	 token_in;
	char			*token;
	char			*token_header;

	/* Generic mapping (CHANNEL_GENERIC only). */
	enum channel_method	 method;
	enum channel_body	 body;
	struct channel_field	 f_session, f_phone, f_input, f_service,
				 f_network, f_hop, f_new;
	enum channel_input	 input_mode;
	char			*separator;
	enum channel_newsig	 newsig;
	char			*new_value;
	char			*end_value;	/* field value: gateway ended */
	enum channel_replyfmt	 reply;
	char			*reply_text;
	char			*reply_action;
	char			*reply_continue;
	char			*reply_end;
};

/* The request as the adapters see it (filled by http.c). */
struct channel_request {
	enum channel_method	 method;
	const char		*query;		/* raw, may be NULL */
	const char		*body;
	size_t			 body_len;
	/* Look up a request header (borrowed), NULL if absent. */
	const char		*(*header)(void *arg, const char *name);
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

/* Free a channel's settings (NULL is fine). */
void	channel_free(struct channel *c);

/*
 * Translate a request into an event with ch's adapter. Returns 0, or -1
 * with *cause set to a short static reason for a 400 answer (it never
 * names a value, which may be personal).
 */
int	channel_parse(const struct channel *ch,
	    const struct channel_request *req, struct channel_event *ev,
	    const char **cause);

/*
 * Translate an end-of-session notice (Africa's Talking channels only,
 * aggregators.md §1.4) into ev->session_id and *how (static: completed,
 * hung_up, failed or ended). Returns 0, or -1 with *cause (static) for a
 * 400 answer.
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

/* The CON/END text/plain body both adapters can use. */
int	channel_conend(const struct channel_reply *reply,
	    struct channel_response *out);

/* Adapters (one file each). */
int	channel_at_parse(const struct channel *ch,
	    const struct channel_request *req, struct channel_event *ev,
	    const char **cause);
int	channel_at_notice(const struct channel *ch,
	    const struct channel_request *req, struct channel_event *ev,
	    const char **how, const char **cause);
int	channel_generic_parse(const struct channel *ch,
	    const struct channel_request *req, struct channel_event *ev,
	    const char **cause);
int	channel_generic_format(const struct channel *ch,
	    const struct channel_reply *reply, struct channel_response *out);

/* Parse a field spec ("name", "body:name", "query:name", "header:Name"). */
int	channel_field_parse(const char *spec, struct channel_field *f);

#endif
