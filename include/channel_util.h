/* SPDX-License-Identifier: ISC */
/*
 * channel_util: what several gateway adapters share, kept in a leaf that
 * calls nothing of the channel registry: the CON/END text/plain body and
 * the empty acknowledgement, the field specs ("name", "body:name",
 * "query:name", "header:Name") that say where a value is found in a
 * request, the methods most webhooks take, the secret rules and
 * configuration checks that recur, the checks of an inbound message and
 * its storage in the event, the pieces of a request to send, and JSON
 * look-ups and the start of judging a JSON API's answer.
 */
#ifndef HOTLINED_CHANNEL_UTIL_H
#define HOTLINED_CHANNEL_UTIL_H

#include <jansson.h>

#include "channel.h"
#include "channel_ops.h"

/* Header lines the send requests carry. */
#define CHANNEL_UTIL_ACCEPT_JSON	"Accept: application/json"
#define CHANNEL_UTIL_TYPE_FORM \
	"Content-Type: application/x-www-form-urlencoded"
#define CHANNEL_UTIL_TYPE_JSON		"Content-Type: application/json"

/* Where a field is found in the request. */
enum channel_where {
	CHANNEL_FROM_BODY,	/* form or JSON body (query string for GET) */
	CHANNEL_FROM_QUERY,	/* the URL's query string */
	CHANNEL_FROM_HEADER	/* an HTTP header */
};

/* One field: where it is and its name (NULL when unset). */
struct channel_field {
	enum channel_where	 where;
	char			*name;
};

/* The members of a sending account, for the messages about them. */
struct channel_util_account {
	const char	*gateway;	/* "Vonage" */
	const char	*id;		/* "vonage_api_key" */
	const char	*secret;	/* "vonage_api_secret" (and _file) */
	const char	*url;		/* "vonage_sms_url" */
};

/* An API key sent in a header: "API key", no spaces or controls. */
extern const struct schema_secret_rule channel_util_api_key_rule;

/* A secret of printable text: "secret", no controls (spaces allowed). */
extern const struct schema_secret_rule channel_util_printable_rule;

/*
 * Parse a field spec into f, replacing (and freeing) the name it held;
 * the caller frees f->name. Returns 0, or -1 when the spec is not
 * [body:|query:|header:]name or memory ran out.
 */
int	channel_util_field_parse(const char *spec, struct channel_field *f);

/*
 * Parse the field spec in member name of obj (its keys t; the block is at
 * ptr) into f, as channel_util_field_parse, reporting a bad one. An
 * unset member leaves f as it is.
 */
void	channel_util_field_conf(struct schema_doc *doc, json_t *obj,
	    const struct schema_key *t, const char *ptr, const char *name,
	    struct channel_field *f);

/*
 * Encode reply as "CON text" or "END text", text/plain. Returns 0, or -1
 * out of memory.
 */
int	channel_util_conend(const struct channel_reply *reply,
	    struct channel_response *out);

/*
 * The empty acknowledgement (an empty text/plain 200) of a gateway that
 * does not read our answer; a channel_ops format. Returns 0, or -1 out
 * of memory.
 */
int	channel_util_format_empty(const void *state,
	    const struct channel_reply *reply, struct channel_response *out);

/* channel_ops methods: the webhook takes POSTs; GETs and POSTs. */
unsigned channel_util_methods_post(const void *state);
unsigned channel_util_methods_get_post(const void *state);

/* Return 1 if s is not empty and has no control characters. */
int	channel_util_printable(const char *s);

/* Wipe and free a string that may hold a secret, a number or a text. */
void	channel_util_wipe_free(char *s);

/*
 * Warn, when the channel has no token, that anyone who learns its URL
 * can post to it; why says what the gateway does not do ("Kannel signs
 * nothing").
 */
void	channel_util_warn_no_token(struct schema_doc *doc, const char *ptr,
	    const struct channel_setup *setup, const char *why);

/*
 * Check the entry's member name (at ptr) holding url: an http:// or
 * https:// URL, without a query or fragment when noquery is set; report
 * it otherwise. Returns 1 when url is usable or NULL, 0 when reported.
 */
int	channel_util_url_check(struct schema_doc *doc, const char *ptr,
	    const char *name, const char *url, int noquery);

/*
 * Check the sending account of the entry at ptr, as a's members name
 * it: none of them (the channel only receives; an endpoint alone is
 * reported), or the id, the secret (given: set inline or in a file;
 * secret NULL when it could not be read) and an http(s) endpoint url
 * together. Reports what is missing or wrong. Returns 1 when they make
 * an account to send with, else 0.
 */
int	channel_util_account_check(struct schema_doc *doc, json_t *entry,
	    const char *ptr, const struct channel_util_account *a,
	    const char *id, const char *secret, int given, const char *url);

/* A copy of a base URL without its trailing '/'s, or NULL (memory). */
char	*channel_util_url_base(const char *url);

/*
 * The digits of a number after its optional '+' (a pointer into s), or
 * NULL when they are none or not all digits.
 */
const char *channel_util_digits(const char *s);

/*
 * Keep s (a new string, or NULL) as long as ev. Returns s, or NULL when
 * s is NULL or ev keeps as many as it can (s is then wiped and freed).
 */
const char *channel_util_own(struct channel_event *ev, char *s);

/*
 * A JSON value as text of ev into *out: a string borrowed from v, an
 * integer in decimal that ev keeps. Returns 0; 1 when v is neither
 * (absent, null, another type), *out NULL; -1 out of memory.
 */
int	channel_util_json_text(struct channel_event *ev, json_t *v,
	    const char **out);

/*
 * The checks an inbound message read from a form or JSON ends with: the
 * sender (its "tel:" dropped) and the gateway's message id must be
 * there, or *cause is no_from or no_id; no text is an empty message.
 * Returns 0, or CHANNEL_BAD.
 */
int	channel_util_inbound_check(struct channel_event *ev,
	    const char *no_from, const char *no_id, const char **cause);

/* Wipe and free what h holds and zero it (an adapter's failed send). */
void	channel_util_http_wipe(struct channel_http *h);

/* Add a copy of a header line after h's last one. Returns 0, or -1. */
int	channel_util_http_header(struct channel_http *h, const char *line);

/*
 * Add "Authorization: Basic " and the base64 of "user:password", wiping
 * the copies made on the way. Returns 0, or -1 out of memory.
 */
int	channel_util_http_basic(struct channel_http *h, const char *user,
	    const char *password);

/* Set h's URL to a new string printed from fmt. Returns 0, or -1. */
int	channel_util_http_url(struct channel_http *h, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Set h's body and its length, printed from fmt. Returns 0, or -1. */
int	channel_util_http_body(struct channel_http *h, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Set h's body and its length to root as compact JSON. 0, or -1. */
int	channel_util_http_json(struct channel_http *h, const json_t *root);

/*
 * The start of judging a JSON API's answer to a send: no answer, 429 and
 * 5xx are CHANNEL_RETRY ("no answer", "throttled", "gateway error"), any
 * other status outside 2xx CHANNEL_FAILED ("refused"). Returns 1 when
 * that decides, with *v and *why set; 0 for a 2xx, with *root the body
 * parsed (a new reference, or NULL when it is not JSON).
 */
int	channel_util_sent_json(const struct channel_answer *a,
	    enum channel_verdict *v, const char **why, json_t **root);

/*
 * The member at a dotted path ("message.text", a part at most 127 bytes)
 * of obj: a borrowed reference, or NULL when there is none.
 */
json_t	*channel_util_json_path(json_t *obj, const char *path);

/* A copy of v when it is a non-empty JSON string (v borrowed), or NULL. */
char	*channel_util_json_id(const json_t *v);

#endif
