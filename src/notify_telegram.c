/* SPDX-License-Identifier: ISC */
/*
 * notify_telegram: alerts as Bot API sendMessage calls
 * (shared/docs/aggregators.md §8.1), a JSON POST to
 * <api>/bot<token>/sendMessage with chat_id, a plain text (no
 * parse_mode, so nothing in it needs escaping), protect_content, and the
 * Claim and Open buttons whose presses telegram.c receives. It owns the
 * bot's settings, how presses come back included, so that telegram.c
 * reads them here without a cycle through the configuration. The URL
 * holds the bot token, so it must never be logged; fetch.c sends it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "notify.h"
#include "notify_common.h"
#include "notify_telegram.h"
#include "schema.h"

#define TELEGRAM_API	"https://api.telegram.org"

/* The bot: its settings (strings borrowed from the notify_conf). */
struct notify_telegram_bot {
	const char			*api;		/* NULL: the default */
	const char			*token;
	const char			*webhook_secret;
	enum notify_telegram_updates	 updates;
	int				 poll_timeout;	/* seconds */
};

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

/* The URL of a Bot API method; see notify_telegram.h. */
int
notify_telegram_url(const struct notify_telegram_bot *s, const char *method,
    char **out, const char **cause)
{
	const char	*api;
	size_t		 apilen;

	*out = NULL;
	if (s == NULL || s->token == NULL || *s->token == '\0') {
		*cause = "telegram is not configured";
		return -1;
	}
	if (!telegram_token_ok(s->token)) {
		*cause = "telegram token is malformed";
		return -1;
	}
	api = s->api != NULL ? s->api : TELEGRAM_API;
	apilen = strlen(api);
	if (apilen > 0 && api[apilen - 1] == '/')
		apilen--;
	if (apilen == 0 || apilen > INT32_MAX || !notify_token_ok(api)) {
		*cause = "telegram API URL is malformed";
		return -1;
	}
	if (asprintf(out, "%.*s/bot%s/%s", (int)apilen, api, s->token,
	    method) == -1) {
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

/* Build the sendMessage request. */
static int
telegram_build(const void *state, const struct roster_alert *target,
    const struct notify_alert *a, time_t now, struct notify_http *out,
    const char **cause)
{
	const struct notify_telegram_bot *s = state;
	json_t				*root = NULL, *keys;
	char				*text = NULL;
	int64_t				 chat;

	(void)now;
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
	notify_wipe_free(text);
	json_decref(root);
	return 0;

fail:
	notify_wipe_free(text);
	json_decref(root);
	notify_http_clear(out);
	return -1;
}

/*
 * Telegram: a 2xx needs "ok": true in the body. A 2xx without it (cut
 * short, not JSON) is retried, as a duplicate alert is better than none.
 * Otherwise the general rule: 429 (flood control) is retried, 400 (bad
 * chat) and 403 (bot blocked or removed) are given up.
 */
static enum notify_verdict
telegram_verdict(long status, int curl_code, const char *body)
{
	json_t			*root;
	enum notify_verdict	 v;

	(void)curl_code;
	root = notify_answer(status, body, &v);
	if (json_is_true(json_object_get(root, "ok")))
		v = NOTIFY_SENT;
	json_decref(root);
	return v;
}

/* Return 1 if s is a Telegram chat id: a non-zero 64-bit integer or
 * "@name" (5 to 32 of A-Z a-z 0-9 _). */
static int
telegram_chat_ok(const char *s)
{
	const char	*p = s;
	char		*end;
	long long	 v;
	size_t		 n;

	if (*s == '@') {
		n = strlen(s + 1);
		return n >= 5 && n <= 32 && strspn(s + 1, "ABCDEFGHIJKLMNOPQ"
		    "RSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") == n;
	}
	if (*p == '-')
		p++;
	if (*p < '1' || *p > '9' || strspn(p, "0123456789") != strlen(p))
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	return errno == 0 && *end == '\0' && v != 0;
}

/*
 * The bot from the settings. How presses come back is checked here: a
 * webhook needs its secret, which Telegram takes only of some bytes.
 */
static void *
telegram_configure(struct schema_doc *doc, const struct notify_setting *set,
    const char *ptr)
{
	struct notify_telegram_bot	*b;
	const char			*v;
	char				 p[SCHEMA_PTR_MAX];

	b = calloc(1, sizeof(*b));
	if (b == NULL)
		return NULL;
	b->api = notify_setting_str(set, "telegram_api");
	b->token = notify_setting_str(set, "telegram_token_file");
	b->webhook_secret = notify_setting_str(set,
	    "telegram_webhook_secret_file");
	b->poll_timeout = (int)notify_setting_num(set,
	    "telegram_poll_timeout");
	v = notify_setting_str(set, "telegram_updates");
	if (v != NULL && strcmp(v, "webhook") == 0)
		b->updates = NOTIFY_TELEGRAM_WEBHOOK;
	else if (v != NULL && strcmp(v, "off") == 0)
		b->updates = NOTIFY_TELEGRAM_OFF;
	else
		b->updates = NOTIFY_TELEGRAM_POLL;
	if (doc == NULL)
		return b;
	/* Telegram's setWebhook takes only these in a secret_token. */
	v = b->webhook_secret;
	if (v != NULL && strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(v))
		schema_err(doc, schema_ptr(p, sizeof(p), ptr,
		    "telegram_webhook_secret_file"), 0, "the secret may hold "
		    "only A-Z, a-z, 0-9, _ and - (Telegram refuses others)");
	if (b->updates == NOTIFY_TELEGRAM_WEBHOOK && v == NULL)
		schema_err(doc, schema_ptr(p, sizeof(p), ptr,
		    "telegram_updates"), 0, "\"webhook\" needs "
		    "telegram_webhook_secret_file: anyone could post presses "
		    "otherwise");
	return b;
}

/* Whether there is a token to send with. */
static int
telegram_ready(const void *state)
{
	const struct notify_telegram_bot	*b = state;

	return b != NULL && b->token != NULL;
}

/* How presses reach hotlined; see notify_telegram.h. */
enum notify_telegram_updates
notify_telegram_updates(const struct notify_telegram_bot *b)
{
	return b != NULL ? b->updates : NOTIFY_TELEGRAM_POLL;
}

/* Seconds each long poll may wait; see notify_telegram.h. */
int
notify_telegram_poll_timeout(const struct notify_telegram_bot *b)
{
	return b != NULL ? b->poll_timeout : 0;
}

/* The secret_token of the webhook; see notify_telegram.h. */
const char *
notify_telegram_webhook_secret(const struct notify_telegram_bot *b)
{
	return b != NULL ? b->webhook_secret : NULL;
}

/*
 * A Telegram alert's member of the roster. A number never goes to
 * Telegram, whatever with_phone says: bot chats are not end-to-end
 * encrypted, and a group is many phones.
 */
static const struct schema_key telegram_alert_keys[] = {
	{ "chat_id", SCHEMA_STR, 0, 0, NULL, 0, 0, NULL, NULL,
	  "telegram: the chat alerts go to, \"-100123\" or \"@name\"" },
	SCHEMA_END
};

/* The bot's keys of the notify block. */
static const struct schema_key telegram_keys[] = {
	{ "telegram_api", SCHEMA_STR, 8, 255, TELEGRAM_API, 0, 0, NULL, NULL,
	  "Telegram Bot API base URL" },
	{ "telegram_token_file", SCHEMA_STR, 1, 1024, NULL, 0, 0, NULL, NULL,
	  "file holding the bot token (mode 0600)" },
	SCHEMA_END
};

/* How button presses come back (telegram.c receives them). */
static const struct schema_key telegram_inbound[] = {
	{ "telegram_webhook_secret_file", SCHEMA_STR, 1, 1024, NULL, 0, 0, NULL,
	  NULL, "file holding the secret_token of the Telegram webhook "
	  "(mode 0600; updates \"webhook\")" },
	{ "telegram_updates", SCHEMA_STR, 1, 8, "poll", 0, 0,
	  "poll|webhook|off", NULL, "how button presses reach hotlined: long "
	  "polling getUpdates, a webhook at /telegram/webhook, or not at all" },
	{ "telegram_poll_timeout", SCHEMA_INT, 1, 50, NULL, 30, 0, NULL, NULL,
	  "seconds each getUpdates long poll may wait" },
	SCHEMA_END
};

/* Alerts to Telegram chats, the bot's settings, the presses' keys. */
const struct notify_transport notify_telegram = {
	.name = "telegram",
	.alert_keys = telegram_alert_keys,
	.member = "chat_id",
	.target_ok = telegram_chat_ok,
	.target_rule = "a Telegram chat id: an integer such as \"-100123\", "
	    "or \"@name\"",
	.no_phone = "a number never goes to Telegram: bot chats are not "
	    "end-to-end encrypted (the console shows it once she has claimed)",
	.group = 1,
	.schema = telegram_keys,
	.inbound = telegram_inbound,
	.needs = "Telegram alerts: set notify.telegram_token_file",
	.configure = telegram_configure,
	.ready = telegram_ready,
	.build = telegram_build,
	.verdict = telegram_verdict,
};
