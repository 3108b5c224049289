/* SPDX-License-Identifier: ISC */
/*
 * notify_telegram: alerts as Bot API sendMessage calls
 * (shared/docs/aggregators.md §8.1), a JSON POST to
 * <api>/bot<token>/sendMessage with chat_id, a plain text (no
 * parse_mode, so nothing in it needs escaping), protect_content, and the
 * Claim and Open buttons whose presses telegram.c receives. The URL
 * holds the bot token, so it must never be logged; fetch.c sends it.
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

/* The URL of a Bot API method; see notify.h. */
int
notify_telegram_url(const struct notify_settings *s, const char *method,
    char **out, const char **cause)
{
	const char	*api;
	size_t		 apilen;

	*out = NULL;
	if (s == NULL || s->telegram_token == NULL ||
	    *s->telegram_token == '\0') {
		*cause = "telegram is not configured";
		return -1;
	}
	if (!telegram_token_ok(s->telegram_token)) {
		*cause = "telegram token is malformed";
		return -1;
	}
	api = s->telegram_api != NULL ? s->telegram_api : TELEGRAM_API;
	apilen = strlen(api);
	if (apilen > 0 && api[apilen - 1] == '/')
		apilen--;
	if (apilen == 0 || apilen > INT32_MAX || !telegram_url_safe(api)) {
		*cause = "telegram API URL is malformed";
		return -1;
	}
	if (asprintf(out, "%.*s/bot%s/%s", (int)apilen, api,
	    s->telegram_token, method) == -1) {
		*out = NULL;
		*cause = "out of memory";
		return -1;
	}
	return 0;
}

/*
 * The buttons under an alert: Claim (not for alert.failed, which is about
 * deliveries) and Open, each carrying "verb:REF" and nothing else.
 */
static json_t *
telegram_buttons(const struct notify_alert *a)
{
	json_t	*row = json_array();
	char	 data[64];

	if (row == NULL)
		return NULL;
	if (strcmp(a->kind, "alert.failed") != 0) {
		snprintf(data, sizeof(data), "claim:%s", a->ref);
		json_array_append_new(row, json_pack("{s:s, s:s}", "text",
		    "Claim", "callback_data", data));
	}
	snprintf(data, sizeof(data), "open:%s", a->ref);
	json_array_append_new(row, json_pack("{s:s, s:s}", "text", "Open",
	    "callback_data", data));
	return json_pack("{s:[o]}", "inline_keyboard", row);
}

/* Build the sendMessage request; see notify.h. */
int
notify_telegram_build(const struct notify_settings *s,
    const struct roster_alert *target, const struct notify_alert *a,
    struct notify_http *out, const char **cause)
{
	json_t		*root = NULL, *keys;
	char		*text = NULL;
	int64_t		 chat;

	memset(out, 0, sizeof(*out));
	if (notify_telegram_url(s, "sendMessage", &out->url, cause) == -1)
		goto fail;
	if (target->target == NULL || *target->target == '\0') {
		*cause = "telegram chat id is empty";
		goto fail;
	}

	/* Never her number, whatever with_phone says: bot chats are not
	 * end-to-end encrypted, and a group is many phones. */
	text = notify_text(a);
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
	if (root == NULL || (keys = telegram_buttons(a)) == NULL ||
	    json_object_set_new(root, "reply_markup", keys) == -1 ||
	    json_object_set_new(root, "protect_content", json_true()) == -1 ||
	    json_object_set_new(root, "link_preview_options", json_pack("{s:b}",
	    "is_disabled", 1)) == -1) {
		*cause = "cannot encode the alert as JSON";
		goto fail;
	}
	out->body = json_dumps(root, JSON_COMPACT);
	if (out->body == NULL) {
		*cause = "out of memory";
		goto fail;
	}
	out->body_len = strlen(out->body);
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
