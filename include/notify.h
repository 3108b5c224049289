/* SPDX-License-Identifier: ISC */
/*
 * notify: alert transports as a table of operations, as OpenSMTPD's
 * backends. Each transport is one file exporting one struct
 * notify_transport (notify_webhook.c, notify_telegram.c, notify_sms_at.c,
 * notify_plasgate.c) and notify.c lists them. This module owns the
 * "notify" block of the configuration, turns an alert into the HTTP
 * request of its target's transport and the answer into a verdict, and
 * keeps the retry schedule. Sending is fetch.c's job and deciding whom to
 * alert is dispatch.c's. Alert texts carry a case reference, urgency and
 * the safe window; never the caller's number unless the target allows it
 * (with_phone), never an answer's free text.
 */
#ifndef HOTLINED_NOTIFY_H
#define HOTLINED_NOTIFY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <jansson.h>

#include "roster.h"
#include "schema.h"

struct notify_conf;

/* What an alert says. */
struct notify_alert {
	const char	*kind;		/* callback.created, callback.escalated,
					   callback.asked_again, callback.retry,
					   callback.assigned,
					   callback.unreached, alert.failed */
	const char	*msg_id;	/* stable across retries */
	const char	*ref;		/* case reference */
	int		 urgent;
	const char	*window;	/* now, morning, afternoon, evening */
	const char	*province;	/* may be NULL */
	const char	*topic;		/* may be NULL */
	int64_t		 created_at;
	const char	*claim_url;	/* e.g. http://127.0.0.1:8081/api/... */
	const char	*open_url;	/* the console's page of the request
					   (a one-time link for one person),
					   or NULL */
	const char	*phone;		/* the number to call, or NULL */
	int		 attempts;	/* calls not answered so far */
	int		 asked_again;	/* times she asked again */
	int		 warn_unsafe;	/* a number of hers was marked unsafe */
	const char	*session_end;	/* how her session ended, or NULL */
	int		 now_minutes;	/* "now" means within these minutes */
};

/* A request ready for fetch.c; every member is owned. */
struct notify_http {
	char	*url;
	char	*headers[8];	/* "Name: value", NULL-ended */
	char	*body;
	size_t	 body_len;
};

/* The verdict on one attempt. */
enum notify_verdict {
	NOTIFY_SENT,	/* 2xx (and the provider says so) */
	NOTIFY_RETRY,	/* network error, 5xx, 408, 429: try again later */
	NOTIFY_GIVE_UP	/* other 4xx, or a provider refusal: stop */
};

/*
 * One setting of the "notify" block as read: a string (a "_file" key's
 * is the secret read from that file; NULL when not set) or a number. A
 * list ends with a NULL name.
 */
struct notify_setting {
	const char	*name;
	const char	*str;
	long		 num;
};

/*
 * A transport. Its members of a roster alert are checked by the roster
 * with the rules given here; its keys of the "notify" block are read by
 * notify.c into settings that configure turns into its own state.
 */
struct notify_transport {
	const char	*name;		/* the roster alert's "type" */

	/* A roster alert of this transport. */
	const struct schema_key	*alert_keys;	/* its members */
	const char	*member;		/* the one naming the target */
	int		(*target_ok)(const char *);
	const char	*target_rule;		/* completes "must be " */
	/* A signing secret ("secret" or "secret_file"), or NULL. */
	const struct schema_secret_rule *secret;
	int		(*sample)(const char *);  /* a published secret */
	const char	*no_phone;	/* why with_phone is refused; NULL:
					   the number may go with alerts */
	int		 group;		/* a target may be many people: no
					   personal sign-in links */

	/* Its part of the "notify" block. */
	const struct schema_key	*schema;	/* its keys, or NULL */
	const struct schema_key	*inbound;	/* keys of what comes back
						   (button presses), listed
						   after every transport's
						   own; or NULL */
	const char	*needs;		/* completes "the roster sends " when
					   it is not configured */
	/*
	 * A new state from set (strings borrowed: they live as long as the
	 * state), reporting problems to doc (NULL: nothing to report).
	 * NULL when memory ran out. May be NULL: no state.
	 */
	void		*(*configure)(struct schema_doc *doc,
			    const struct notify_setting *set, const char *ptr);
	void		(*free)(void *state);	/* NULL: free(3) */
	int		(*ready)(const void *state);	/* NULL: always */

	/* Sending. state may be NULL (not configured). */
	int		(*build)(const void *state,
			    const struct roster_alert *target,
			    const struct notify_alert *a, time_t now,
			    struct notify_http *out, const char **cause);
	enum notify_verdict (*verdict)(long status, int curl_code,
			    const char *body);
};

/* The transport called name (a roster alert's "type"), or NULL. */
const struct notify_transport *notify_transport_find(const char *name);

/* Transport number i of the table, or NULL past its end. */
const struct notify_transport *notify_transport_at(size_t i);

/*
 * Check the "notify" block (block may be NULL or not an object, already
 * reported) at pointer ptr against every transport's keys, read its
 * secrets and configure every transport; problems go to doc. A new
 * notify_conf, or NULL (reported) when memory ran out.
 */
struct notify_conf *notify_configure(struct schema_doc *doc, json_t *block,
	    const char *ptr);

/*
 * A notify_conf from settings given directly (copied), nothing checked:
 * for tests and tools. NULL when memory ran out.
 */
struct notify_conf *notify_conf_new(const struct notify_setting *set);

/* Free a notify_conf, wiping its secrets. NULL is fine. */
void	notify_conf_free(struct notify_conf *nc);

/* The state transport t made from nc (borrowed), or NULL. */
const void *notify_conf_state(const struct notify_conf *nc,
	    const struct notify_transport *t);

/* Return 1 if t can send with the settings of nc. */
int	notify_conf_ready(const struct notify_conf *nc,
	    const struct notify_transport *t);

/* The string setting called name in nc (borrowed), or NULL. */
const char *notify_conf_str(const struct notify_conf *nc, const char *name);

/* Print the keys of the "notify" block, names prefixed by prefix. */
void	notify_print_keys(FILE *fp, enum schema_format fmt,
	    const char *prefix);

/*
 * Build the request for alert a to target at time now with the settings
 * of nc (NULL: none). Returns 0, or -1 with *cause (static) when the
 * transport is not configured or the target is unusable.
 */
int	notify_build(const struct notify_conf *nc,
	    const struct roster_alert *target, const struct notify_alert *a,
	    time_t now, struct notify_http *out, const char **cause);

/*
 * Judge an attempt through transport t: HTTP status (0 when there was no
 * response), curl's result code, and the response body.
 */
enum notify_verdict notify_verdict(const struct notify_transport *t,
	    long status, int curl_code, const char *body);

/*
 * Seconds to wait before attempt number attempt (1 = the first retry):
 * exponential from first seconds (5 in production; <= 0 means 5), doubling
 * each attempt, capped at 1 hour, with jitter between half and all of it
 * drawn from r (a uniform random 32-bit value).
 */
long	notify_backoff(int attempt, long first, uint32_t r);

#endif
