/* SPDX-License-Identifier: ISC */
/*
 * notify: turning an alert into the HTTP request of one transport, and the
 * transport's answer into a verdict. One file per transport behind this
 * interface: notify_webhook.c (Standard Webhooks signed JSON),
 * notify_telegram.c (Bot API sendMessage), notify_sms_at.c (Africa's
 * Talking SMS) and notify_plasgate.c (PlasGate SMS). Sending is fetch.c's
 * job and deciding whom to alert is dispatch.c's. Alert texts carry a case
 * reference, urgency and the safe window; never the caller's number unless
 * the target allows it (with_phone), never an answer's free text.
 */
#ifndef HOTLINED_NOTIFY_H
#define HOTLINED_NOTIFY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "roster.h"

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

/* Provider settings from the configuration (NULL members: not set). */
struct notify_settings {
	const char	*telegram_api;		/* Bot API base URL */
	const char	*telegram_token;
	const char	*at_sms_url;		/* AT messaging endpoint */
	const char	*at_username;
	const char	*at_api_key;
	const char	*at_from;		/* sender id, may be NULL */
	const char	*plasgate_url;		/* PlasGate send endpoint */
	const char	*plasgate_private_key;
	const char	*plasgate_secret;
	const char	*plasgate_sender;
	const char	*telegram_webhook_secret; /* presses by webhook */
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
 * Build the request for alert a to target at time now. Returns 0, or -1
 * with *cause (static) when the transport is not configured or the target
 * is unusable.
 */
int	notify_build(const struct notify_settings *s,
	    const struct roster_alert *target, const struct notify_alert *a,
	    time_t now, struct notify_http *out, const char **cause);

/* Overwrite and free a string that may hold a secret or a number. */
void	notify_wipe_free(char *p);

/* Free a built request (wiping it: it may hold a phone number). */
void	notify_http_clear(struct notify_http *h);

/*
 * Judge an attempt: HTTP status (0 when there was no response), curl's
 * result code, and the response body.
 */
enum notify_verdict notify_verdict(enum roster_transport t, long status,
	    int curl_code, const char *body);

/*
 * Seconds to wait before attempt number attempt (1 = the first retry):
 * exponential from first seconds (5 in production; <= 0 means 5), doubling
 * each attempt, capped at 1 hour, with jitter between half and all of it
 * drawn from r (a uniform random 32-bit value).
 */
long	notify_backoff(int attempt, long first, uint32_t r);

/*
 * Standard Webhooks v1 signature of id.timestamp.body with the secret
 * "whsec_<base64 key>" into out as "v1,<base64 HMAC-SHA256>". Returns 0,
 * or -1 if the secret is malformed or out is too small.
 */
int	notify_webhook_sign(const char *secret, const char *msg_id,
	    long timestamp, const char *body, size_t body_len, char *out,
	    size_t outlen);

/*
 * Percent-encode s: RFC 3986 unreserved bytes stay, everything else is
 * "%XX", except that a space is '+' when form is set (a form body) and
 * "%20" otherwise (a query string). A new string, or NULL.
 */
char	*notify_urlencode(const char *s, int form);

/*
 * What a counsellor should be careful about, as the API and the webhook
 * name it: "marked_unsafe_before", "asked_again", "left_by_quick_exit".
 * *out is a new JSON array, or NULL when there is nothing; -1 on memory.
 */
int	notify_warnings(int warn_unsafe, int asked_again,
	    const char *session_end, json_t **out);

/* The short alert text used by Telegram and SMS (a new string). */
char	*notify_text(const struct notify_alert *a);

/*
 * The URL <telegram_api>/bot<token>/<method> into *out (a new string:
 * it holds the token, never log it). 0, or -1 with *cause.
 */
int	notify_telegram_url(const struct notify_settings *s,
	    const char *method, char **out, const char **cause);

/* Per-transport builders (one file each). */
int	notify_webhook_build(const struct roster_alert *target,
	    const struct notify_alert *a, time_t now, struct notify_http *out,
	    const char **cause);
int	notify_telegram_build(const struct notify_settings *s,
	    const struct roster_alert *target, const struct notify_alert *a,
	    struct notify_http *out, const char **cause);
int	notify_sms_at_build(const struct notify_settings *s,
	    const struct roster_alert *target, const struct notify_alert *a,
	    struct notify_http *out, const char **cause);
int	notify_plasgate_build(const struct notify_settings *s,
	    const struct roster_alert *target, const struct notify_alert *a,
	    struct notify_http *out, const char **cause);

#endif
