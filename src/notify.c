/* SPDX-License-Identifier: ISC */
/*
 * notify: the part of alerting that every transport shares. It owns the
 * dispatch from a roster target to its transport's builder, the short alert
 * text used by Telegram and SMS, the verdict on each provider's answer and
 * the retry schedule. Each request's exact shape lives in notify_<transport>.c;
 * sending it is fetch.c's job, choosing whom to alert is dispatch.c's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "notify.h"

#define NOTIFY_BACKOFF_FIRST	5	/* seconds before the first retry */
#define NOTIFY_BACKOFF_CAP	3600	/* at most an hour */

/* The alert kinds dispatch.c sends. */
enum notify_kind {
	NOTIFY_KIND_CREATED,	/* callback.created: a new request */
	NOTIFY_KIND_ESCALATED,	/* callback.escalated: still unclaimed */
	NOTIFY_KIND_ASKED,	/* callback.asked_again: she asked again */
	NOTIFY_KIND_RETRY,	/* callback.retry: call her again */
	NOTIFY_KIND_ASSIGNED,	/* callback.assigned: to this counsellor */
	NOTIFY_KIND_UNREACHED,	/* callback.unreached: calls unanswered */
	NOTIFY_KIND_FAILED,	/* alert.failed: to supervisors */
	NOTIFY_KIND_UNKNOWN
};

/* Each kind's name, and what the short text puts first. */
static const struct {
	const char	*name;
	const char	*lead;
} notify_kinds[NOTIFY_KIND_UNKNOWN] = {
	[NOTIFY_KIND_CREATED] = { "callback.created", "" },
	[NOTIFY_KIND_ESCALATED] = { "callback.escalated", "ESCALATED: " },
	[NOTIFY_KIND_ASKED] = { "callback.asked_again", "ASKED AGAIN: " },
	[NOTIFY_KIND_RETRY] = { "callback.retry", "CALL AGAIN: " },
	[NOTIFY_KIND_ASSIGNED] = { "callback.assigned", "ASSIGNED TO YOU: " },
	[NOTIFY_KIND_UNREACHED] = { "callback.unreached", "NOT REACHED: " },
	[NOTIFY_KIND_FAILED] = { "alert.failed", "" },
};

/* The kind named by s. */
static enum notify_kind
notify_kind(const char *s)
{
	int	 k;

	if (s == NULL)
		return NOTIFY_KIND_UNKNOWN;
	for (k = 0; k < NOTIFY_KIND_UNKNOWN; k++)
		if (strcmp(s, notify_kinds[k].name) == 0)
			return (enum notify_kind)k;
	return NOTIFY_KIND_UNKNOWN;
}

/* The warnings of a request; see notify.h. */
int
notify_warnings(int warn_unsafe, int asked_again, const char *session_end,
    json_t **out)
{
	const char	*names[3];
	json_t		*w;
	size_t		 i, n = 0;

	*out = NULL;
	if (warn_unsafe)
		names[n++] = "marked_unsafe_before";
	if (asked_again > 0)
		names[n++] = "asked_again";
	if (session_end != NULL && strcmp(session_end, "quick_exit") == 0)
		names[n++] = "left_by_quick_exit";
	if (n == 0)
		return 0;
	if ((w = json_array()) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (json_array_append_new(w, json_string(names[i])) == -1) {
			json_decref(w);
			return -1;
		}
	*out = w;
	return 0;
}

/* The safe window as counsellors read it: "now (within 30 min)". */
static void
notify_window_text(const struct notify_alert *a, char *buf, size_t len)
{
	if (a->window == NULL)
		snprintf(buf, len, "not given");
	else if (strcmp(a->window, "now") == 0 && a->now_minutes > 0)
		snprintf(buf, len, "now (within %d min)", a->now_minutes);
	else
		snprintf(buf, len, "%s", a->window);
}

/*
 * Check that s is a usable message id: it goes into a header and into the
 * signed bytes, where Standard Webhooks forbids '.', so only visible ASCII
 * other than '.' is allowed.
 */
static int
notify_msg_id_ok(const char *s)
{
	const unsigned char	*p;

	if (s == NULL || *s == '\0')
		return 0;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p <= 0x20 || *p >= 0x7f || *p == '.')
			return 0;
	}
	return 1;
}

/* Check the members of a that every transport relies on. */
static int
notify_alert_check(const struct notify_alert *a, const char **cause)
{
	if (notify_kind(a->kind) == NOTIFY_KIND_UNKNOWN) {
		*cause = "unknown alert kind";
		return -1;
	}
	if (!notify_msg_id_ok(a->msg_id)) {
		*cause = "alert message id is missing or malformed";
		return -1;
	}
	if (a->ref == NULL || *a->ref == '\0' || a->claim_url == NULL ||
	    *a->claim_url == '\0') {
		*cause = "alert has no reference or claim URL";
		return -1;
	}
	return 0;
}

/* Build the request of target's transport; see notify.h. */
int
notify_build(const struct notify_settings *s,
    const struct roster_alert *target, const struct notify_alert *a,
    time_t now, struct notify_http *out, const char **cause)
{
	memset(out, 0, sizeof(*out));
	if (notify_alert_check(a, cause) == -1)
		return -1;
	if (target->target == NULL || *target->target == '\0') {
		*cause = "alert target is empty";
		return -1;
	}
	switch (target->transport) {
	case ROSTER_WEBHOOK:
		return notify_webhook_build(target, a, now, out, cause);
	case ROSTER_TELEGRAM:
		return notify_telegram_build(s, target, a, out, cause);
	case ROSTER_SMS_AT:
		return notify_sms_at_build(s, target, a, out, cause);
	case ROSTER_SMS_PLASGATE:
		return notify_plasgate_build(s, target, a, out, cause);
	}
	*cause = "unknown alert transport";
	return -1;
}

/* Wipe and free one string (NULL is fine). */
void
notify_wipe_free(char *p)
{
	if (p == NULL)
		return;
	explicit_bzero(p, strlen(p));
	free(p);
}

/* Wipe and free every member of h, leaving it empty. */
void
notify_http_clear(struct notify_http *h)
{
	size_t	 i;

	if (h == NULL)
		return;
	notify_wipe_free(h->url);
	for (i = 0; i < sizeof(h->headers) / sizeof(h->headers[0]); i++)
		notify_wipe_free(h->headers[i]);
	if (h->body != NULL) {
		explicit_bzero(h->body, h->body_len);
		free(h->body);
	}
	memset(h, 0, sizeof(*h));
}

/*
 * The rule shared by every transport once its own cases are decided: 2xx
 * is delivered, no answer, 408, 429 and 5xx may succeed later, anything
 * else (410 Gone, other 4xx, a redirect fetch.c does not follow) will not.
 */
static enum notify_verdict
notify_verdict_status(long status)
{
	if (status >= 200 && status <= 299)
		return NOTIFY_SENT;
	if (status == 0 || status == 408 || status == 429 ||
	    (status >= 500 && status <= 599))
		return NOTIFY_RETRY;
	return NOTIFY_GIVE_UP;
}

/*
 * Telegram: a 2xx needs "ok": true in the body. A 2xx without it (cut
 * short, not JSON) is retried, as a duplicate alert is better than none.
 * Otherwise the general rule: 429 (flood control) is retried, 400 (bad
 * chat) and 403 (bot blocked or removed) are given up.
 */
static enum notify_verdict
notify_verdict_telegram(long status, const char *body)
{
	json_t		*root = NULL;
	json_error_t	 err;
	enum notify_verdict v;

	if (status < 200 || status > 299)
		return notify_verdict_status(status);
	v = NOTIFY_RETRY;
	if (body != NULL)
		root = json_loads(body, 0, &err);
	if (json_is_true(json_object_get(root, "ok")))
		v = NOTIFY_SENT;
	json_decref(root);
	return v;
}

/*
 * Africa's Talking: a 2xx carries SMSMessageData.Recipients, and only the
 * first recipient's status string "Success" means sent (statusCode varies,
 * see shared/docs/aggregators.md §2.3). An empty list or another status is a
 * refusal (InvalidSenderId, InvalidPhoneNumber, ...); a body we cannot
 * read at all is retried.
 */
static enum notify_verdict
notify_verdict_sms_at(long status, const char *body)
{
	json_t		*root = NULL, *recipients, *st;
	json_error_t	 err;
	enum notify_verdict v;

	if (status < 200 || status > 299)
		return notify_verdict_status(status);
	v = NOTIFY_RETRY;
	if (body != NULL)
		root = json_loads(body, 0, &err);
	/* Borrowed references, all owned by root. */
	recipients = json_object_get(json_object_get(root, "SMSMessageData"),
	    "Recipients");
	if (!json_is_array(recipients))
		goto done;
	v = NOTIFY_GIVE_UP;
	st = json_object_get(json_array_get(recipients, 0), "status");
	if (json_is_string(st) && strcmp(json_string_value(st), "Success") == 0)
		v = NOTIFY_SENT;

done:
	json_decref(root);
	return v;
}

/*
 * Judge one attempt. The status alone decides: curl_code says why there
 * was no answer (status 0, always retried), and a transfer that failed
 * after the status line still got the provider's verdict.
 */
enum notify_verdict
notify_verdict(enum roster_transport t, long status, int curl_code,
    const char *body)
{
	(void)curl_code;
	switch (t) {
	case ROSTER_TELEGRAM:
		return notify_verdict_telegram(status, body);
	case ROSTER_SMS_AT:
		return notify_verdict_sms_at(status, body);
	case ROSTER_WEBHOOK:
	case ROSTER_SMS_PLASGATE:
		break;
	}
	return notify_verdict_status(status);
}

/* Seconds before retry number attempt, jittered by r; see notify.h. */
long
notify_backoff(int attempt, long first, uint32_t r)
{
	long	 base = first > 0 ? first : NOTIFY_BACKOFF_FIRST;
	int	 i;

	if (attempt < 1)
		attempt = 1;
	/* Double step by step so that a huge attempt cannot overflow. */
	for (i = 1; i < attempt && base < NOTIFY_BACKOFF_CAP; i++)
		base *= 2;
	if (base > NOTIFY_BACKOFF_CAP)
		base = NOTIFY_BACKOFF_CAP;
	return base / 2 + (long)(r % (uint32_t)(base / 2 + 1));
}

/* Percent-encode for a form body (form set) or a query string. */
char *
notify_urlencode(const char *s, int form)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*p;
	char			*out, *o;
	size_t			 len;

	len = strlen(s);
	if (len > (SIZE_MAX - 1) / 3)
		return NULL;
	out = malloc(len * 3 + 1);
	if (out == NULL)
		return NULL;
	o = out;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z') || *p == '-' || *p == '.' ||
		    *p == '_' || *p == '~')
			*o++ = (char)*p;
		else if (*p == ' ' && form)
			*o++ = '+';
		else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 0x0f];
		}
	}
	*o = '\0';
	return out;
}

/*
 * The alert text for Telegram and SMS: English and short, with the case
 * reference, urgency, safe window, what to be careful about, and the claim
 * link, and nothing about the caller. NULL for an unknown kind, a missing
 * member, or no memory.
 */
char *
notify_text(const struct notify_alert *a)
{
	enum notify_kind	 kind;
	char			*s = NULL, win[48], warn[160];
	int			 n;

	kind = notify_kind(a->kind);
	if (kind == NOTIFY_KIND_UNKNOWN || a->ref == NULL ||
	    a->claim_url == NULL)
		return NULL;
	if (kind == NOTIFY_KIND_FAILED) {
		n = asprintf(&s, "Hotline: alerts for request %s could not be "
		    "delivered. Please check the queue: %s", a->ref,
		    a->open_url != NULL ? a->open_url : a->claim_url);
		return n == -1 ? NULL : s;
	}
	notify_window_text(a, win, sizeof(win));
	n = snprintf(warn, sizeof(warn), "%s%s%s", a->warn_unsafe ?
	    "\nCareful: marked unsafe before" : "", a->session_end != NULL &&
	    strcmp(a->session_end, "quick_exit") == 0 ?
	    "\nCareful: she left by quick exit" : "", a->asked_again > 0 ?
	    "\nShe asked again" : "");
	if (a->attempts > 0 && n >= 0 && (size_t)n < sizeof(warn))
		snprintf(warn + n, sizeof(warn) - (size_t)n, "\nUnanswered "
		    "calls: %d", a->attempts);
	/* A phone opens the console's page; the API's URL needs a POST. */
	n = asprintf(&s, "%sHotline callback request %s%s\nSafe time: %s%s\n"
	    "%s: %s", notify_kinds[kind].lead, a->ref, a->urgent ?
	    " URGENT" : "", win, warn, a->open_url != NULL ? "Open" : "Claim",
	    a->open_url != NULL ? a->open_url : a->claim_url);
	if (n == -1)
		return NULL;
	return s;
}
