/* SPDX-License-Identifier: ISC */
/*
 * notify_common: what every alert transport shares, in a leaf that calls
 * nothing of notify.c: the check of an alert, its short text and
 * warnings, percent-encoding, header lines and URL checks, the general
 * verdict on an HTTP status, reading settings, and wiping what may hold a
 * secret or a number.
 */
#ifndef HOTLINED_NOTIFY_COMMON_H
#define HOTLINED_NOTIFY_COMMON_H

#include <stddef.h>

#include <jansson.h>

#include "notify.h"
#include "schema.h"

/* The member of a roster alert naming an SMS transport's number. */
extern const struct schema_key notify_sms_to[];

/*
 * Check the members of a that every transport relies on: a known kind, a
 * usable message id, a reference and a claim URL. 0, or -1 with *cause.
 */
int	notify_alert_check(const struct notify_alert *a, const char **cause);

/*
 * The short alert text used by Telegram and SMS: a new string, or NULL
 * for an unknown kind, a missing member, or no memory.
 */
char	*notify_text(const struct notify_alert *a);

/*
 * What a counsellor should be careful about, as the API and the webhook
 * name it: "marked_unsafe_before", "asked_again", "left_by_quick_exit".
 * *out is a new JSON array, or NULL when there is nothing; -1 on memory.
 */
int	notify_warnings(int warn_unsafe, int asked_again,
	    const char *session_end, json_t **out);

/*
 * Percent-encode s: RFC 3986 unreserved bytes stay, everything else is
 * "%XX", except that a space is '+' when form is set (a form body) and
 * "%20" otherwise (a query string). A new string, or NULL.
 */
char	*notify_urlencode(const char *s, int form);

/*
 * Set *slot to a new "name: value" header line. Returns 0, or -1 with
 * *slot NULL.
 */
int	notify_header(char **slot, const char *name, const char *value);

/* Return 1 if s is not empty and can go into a URL or a header: no
 * controls, no spaces. */
int	notify_token_ok(const char *s);

/* Return 1 if s is such a token and starts with http:// or https://. */
int	notify_http_url_ok(const char *s);

/*
 * The rule shared by every transport once its own cases are decided: 2xx
 * is delivered, no answer, 408, 429 and 5xx may succeed later, anything
 * else will not. curl_code and body are not looked at.
 */
enum notify_verdict notify_verdict_status(long status, int curl_code,
	    const char *body);

/*
 * The start of a provider's own verdict: for a 2xx, *v is NOTIFY_RETRY
 * (a body it cannot read) and the body parsed is returned (a new
 * reference, or NULL when it is not JSON) for the provider's rule to
 * decide; otherwise *v is the general rule and NULL is returned.
 */
json_t	*notify_answer(long status, const char *body, enum notify_verdict *v);

/* The setting called name in set (borrowed), or NULL / 0. */
const struct notify_setting *notify_setting(const struct notify_setting *set,
	    const char *name);
const char *notify_setting_str(const struct notify_setting *set,
	    const char *name);
long	notify_setting_num(const struct notify_setting *set,
	    const char *name);

/* Overwrite and free a string that may hold a secret or a number. */
void	notify_wipe_free(char *p);

/* Free a built request (wiping it: it may hold a phone number). */
void	notify_http_clear(struct notify_http *h);

#endif
