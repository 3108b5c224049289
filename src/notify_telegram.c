/* SPDX-License-Identifier: ISC */
/*
 * notify_telegram: alerts as Bot API sendMessage calls
 * (shared/docs/aggregators.md §8.1), a JSON POST to
 * <api>/bot<token>/sendMessage with chat_id and a plain text (no
 * parse_mode, so nothing in it needs escaping). The URL holds the bot
 * token, so it must never be logged; fetch.c sends it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "notify.h"

#define TELEGRAM_API	"https://api.telegram.org"

/* Check that s is free of controls and spaces (it goes into a URL). */
static int
telegram_url_safe(const char *s)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p <= 0x20 || *p == 0x7f)
			return 0;
	}
	return 1;
}

/* Check that a bot token looks like "123456:ABC-def_ghi". */
static int
telegram_token_ok(const char *s)
{
	const char	*p;

	if (*s == '\0' || strchr(s, ':') == NULL)
		return 0;
	for (p = s; *p != '\0'; p++) {
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z') || *p == ':' || *p == '_' ||
		    *p == '-'))
			return 0;
	}
	return 1;
}

/*
 * Parse a numeric chat id (groups are negative, ids may need 52 bits) into
 * *id; 0, or -1 if s is not exactly a 64-bit decimal integer.
 */
static int
telegram_chat_number(const char *s, int64_t *id)
{
	const char	*p = s;
	char		*end;
	long long	 v;

	if (*p == '-')
		p++;
	if (*p < '0' || *p > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*id = (int64_t)v;
	return 0;
}

/*
 * The message text: notify_text plus the caller's number when the target
 * may carry it. A new string, or NULL.
 */
static char *
telegram_text(const struct roster_alert *target, const struct notify_alert *a)
{
	char	*text, *full;

	text = notify_text(a);
	if (text == NULL || !target->with_phone || a->phone == NULL ||
	    *a->phone == '\0')
		return text;
	if (asprintf(&full, "%s\nCall: %s", text, a->phone) == -1)
		full = NULL;
	explicit_bzero(text, strlen(text));
	free(text);
	return full;
}

/* Build the sendMessage request; see notify.h. */
int
notify_telegram_build(const struct notify_settings *s,
    const struct roster_alert *target, const struct notify_alert *a,
    struct notify_http *out, const char **cause)
{
	json_t		*root = NULL;
	char		*text = NULL;
	const char	*api;
	size_t		 apilen;
	int64_t		 chat;

	memset(out, 0, sizeof(*out));
	if (s == NULL || s->telegram_token == NULL ||
	    *s->telegram_token == '\0') {
		*cause = "telegram is not configured";
		goto fail;
	}
	if (!telegram_token_ok(s->telegram_token)) {
		*cause = "telegram token is malformed";
		goto fail;
	}
	api = s->telegram_api != NULL ? s->telegram_api : TELEGRAM_API;
	apilen = strlen(api);
	if (apilen > 0 && api[apilen - 1] == '/')
		apilen--;
	if (apilen == 0 || apilen > INT32_MAX || !telegram_url_safe(api)) {
		*cause = "telegram API URL is malformed";
		goto fail;
	}
	if (target->target == NULL || *target->target == '\0') {
		*cause = "telegram chat id is empty";
		goto fail;
	}

	text = telegram_text(target, a);
	if (text == NULL) {
		*cause = "cannot make the alert text";
		goto fail;
	}
	if (telegram_chat_number(target->target, &chat) == 0)
		root = json_pack("{s:I, s:s}", "chat_id", (json_int_t)chat,
		    "text", text);
	else if (target->target[0] == '@' && target->target[1] != '\0')
		root = json_pack("{s:s, s:s}", "chat_id", target->target,
		    "text", text);
	else {
		*cause = "telegram chat id is neither a number nor @channel";
		goto fail;
	}
	if (root == NULL) {
		*cause = "cannot encode the alert as JSON";
		goto fail;
	}
	out->body = json_dumps(root, JSON_COMPACT);
	if (out->body == NULL) {
		*cause = "out of memory";
		goto fail;
	}
	out->body_len = strlen(out->body);
	if (asprintf(&out->url, "%.*s/bot%s/sendMessage", (int)apilen, api,
	    s->telegram_token) == -1) {
		out->url = NULL;
		*cause = "out of memory";
		goto fail;
	}
	out->headers[0] = strdup("Content-Type: application/json");
	if (out->headers[0] == NULL) {
		*cause = "out of memory";
		goto fail;
	}
	explicit_bzero(text, strlen(text));
	free(text);
	json_decref(root);
	return 0;

fail:
	if (text != NULL) {
		explicit_bzero(text, strlen(text));
		free(text);
	}
	json_decref(root);
	notify_http_clear(out);
	return -1;
}
