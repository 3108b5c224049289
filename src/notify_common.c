/* SPDX-License-Identifier: ISC */
/*
 * notify_common: the helpers every alert transport shares: the alert
 * kinds and their check, the short text and warnings, percent-encoding,
 * header lines, URL checks, the general verdict on a status, reading
 * settings and wiping. A leaf: it calls nothing of notify.c or of the
 * transports, so that they can all call it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "notify_common.h"
#include "schema.h"

/* The "to" member of an SMS alert, for sms_at and sms_plasgate. */
const struct schema_key notify_sms_to[] = {
	{ "to", SCHEMA_STR, 0, 0, NULL, 0, 0, NULL, NULL,
	  "sms_at, sms_plasgate: the number an SMS alert goes to" },
	SCHEMA_END
};

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


/* The warnings of a request; see notify_common.h. */
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
int
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
enum notify_verdict
notify_verdict_status(long status, int curl_code, const char *body)
{
	(void)curl_code;
	(void)body;
	if (status >= 200 && status <= 299)
		return NOTIFY_SENT;
	if (status == 0 || status == 408 || status == 429 ||
	    (status >= 500 && status <= 599))
		return NOTIFY_RETRY;
	return NOTIFY_GIVE_UP;
}

/* The general verdict, or the parsed body of a 2xx for the provider's. */
json_t *
notify_answer(long status, const char *body, enum notify_verdict *v)
{
	json_error_t	 err;

	if (status < 200 || status > 299) {
		*v = notify_verdict_status(status, 0, NULL);
		return NULL;
	}
	*v = NOTIFY_RETRY;
	return body != NULL ? json_loads(body, 0, &err) : NULL;
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

/* Set *slot to a new "name: value" header line. */
int
notify_header(char **slot, const char *name, const char *value)
{
	if (asprintf(slot, "%s: %s", name, value) == -1) {
		*slot = NULL;	/* asprintf leaves it undefined */
		return -1;
	}
	return 0;
}

/* Check that s can go into a URL or a header: no controls, no spaces. */
int
notify_token_ok(const char *s)
{
	const unsigned char	*p;

	if (*s == '\0')
		return 0;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p <= 0x20 || *p == 0x7f)
			return 0;
	}
	return 1;
}

/* Check that s is such a token and an http or https URL. */
int
notify_http_url_ok(const char *s)
{
	return notify_token_ok(s) && (strncmp(s, "https://", 8) == 0 ||
	    strncmp(s, "http://", 7) == 0);
}

/* The setting called name, or NULL. */
const struct notify_setting *
notify_setting(const struct notify_setting *set, const char *name)
{
	for (; set != NULL && set->name != NULL; set++)
		if (strcmp(set->name, name) == 0)
			return set;
	return NULL;
}

/* The string setting called name, or NULL. */
const char *
notify_setting_str(const struct notify_setting *set, const char *name)
{
	const struct notify_setting	*s = notify_setting(set, name);

	return s != NULL ? s->str : NULL;
}

/* The number setting called name, or 0. */
long
notify_setting_num(const struct notify_setting *set, const char *name)
{
	const struct notify_setting	*s = notify_setting(set, name);

	return s != NULL ? s->num : 0;
}
