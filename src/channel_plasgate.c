/* SPDX-License-Identifier: ISC */
/*
 * channel_plasgate: SMS sent through PlasGate, the Cambodian aggregator
 * (shared/docs/aggregators.md §6): a JSON POST of sender, to and content
 * with the private key in the query string and the secret in X-Secret.
 * PlasGate documents no inbound messages and no delivery reports, so the
 * channel only sends (the replies of another channel, through reply_via
 * or the prefix route). By default the content is wrapped in
 * "#ma#...#ma#", which hides it in PlasGate's own reports.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "channel_ops.h"
#include "channel_util.h"
#include "notify_common.h"
#include "schema.h"

#define PLASGATE_URL	"https://cloudapi.plasgate.com/rest/send"
#define PLASGATE_MASK	"#ma#"

/* The account. */
struct plasgate {
	char	*url;
	char	*private_key;
	char	*secret;
	int	 mask;
};

/* The keys a PlasGate channel adds to its entry. */
static const struct schema_key plasgate_keys[] = {
	{ "plasgate_url", SCHEMA_STR, 8, 255, PLASGATE_URL, 0, 0, NULL, NULL,
	  "plasgate only: the send endpoint" },
	{ "plasgate_private_key", SCHEMA_STR, 1, 256, NULL, 0, 0, NULL, NULL,
	  "plasgate only: the account's private key" },
	{ "plasgate_private_key_file", SCHEMA_STR, 1, 1024, NULL, 0, 0, NULL,
	  NULL, "plasgate only: file holding the private key (mode 0600)" },
	{ "plasgate_secret", SCHEMA_STR, 1, 256, NULL, 0, 0, NULL, NULL,
	  "plasgate only: the account's X-Secret" },
	{ "plasgate_secret_file", SCHEMA_STR, 1, 1024, NULL, 0, 0, NULL, NULL,
	  "plasgate only: file holding the X-Secret (mode 0600)" },
	{ "plasgate_mask", SCHEMA_BOOL, 0, 0, NULL, 1, 0, NULL, NULL,
	  "plasgate only: wrap texts in #ma#...#ma# so that PlasGate's "
	  "reports hide them" },
	SCHEMA_END
};

/* A key or secret goes in a URL or a header: no spaces or controls. */
static const struct schema_secret_rule plasgate_rule = {
	"key", notify_token_ok, "printable text without spaces"
};

/* Free the account, wiping its key and secret. */
static void
plasgate_free(void *state)
{
	struct plasgate	*g = state;

	if (g == NULL)
		return;
	free(g->url);
	channel_util_wipe_free(g->private_key);
	channel_util_wipe_free(g->secret);
	free(g);
}

/*
 * Read the account: the private key and the secret (each inline or in a
 * file), the endpoint and the masking. Both secrets and the entry's
 * sender are required: the channel exists only to send.
 */
static int
plasgate_configure(struct schema_doc *doc, json_t *entry, const char *ptr,
    const struct channel_setup *setup, void **state)
{
	struct plasgate	*g;
	const char	*url;
	int		 given;

	(void)setup;
	*state = NULL;
	g = calloc(1, sizeof(*g));
	if (g == NULL)
		return -1;
	*state = g;
	url = schema_str(entry, plasgate_keys, "plasgate_url");
	channel_util_url_check(doc, ptr, "plasgate_url", url, 0);
	g->mask = schema_bool(entry, plasgate_keys, "plasgate_mask");
	g->private_key = schema_secret(doc, entry, plasgate_keys, ptr,
	    "plasgate_private_key", "plasgate_private_key_file",
	    &plasgate_rule, &given);
	if (!given)
		schema_err(doc, ptr, 0, "a plasgate channel needs "
		    "\"plasgate_private_key\" or "
		    "\"plasgate_private_key_file\"");
	g->secret = schema_secret(doc, entry, plasgate_keys, ptr,
	    "plasgate_secret", "plasgate_secret_file", &plasgate_rule,
	    &given);
	if (!given)
		schema_err(doc, ptr, 0, "a plasgate channel needs "
		    "\"plasgate_secret\" or \"plasgate_secret_file\"");
	if (json_object_get(entry, "sender") == NULL)
		schema_err(doc, ptr, 0, "a plasgate channel needs \"sender\" "
		    "(its registered sender id)");
	g->url = strdup(url);
	return g->url == NULL ? -1 : 0;
}

/*
 * The number PlasGate wants: m's "+855..." without its '+', which must
 * then be 6 to 15 digits. A pointer into s, or NULL.
 */
static const char *
plasgate_to(const char *s)
{
	s = channel_util_digits(s);
	if (s == NULL || strlen(s) < 6 || strlen(s) > 15)
		return NULL;
	return s;
}

/* Build the send request for m. */
static int
plasgate_send(const void *state, const struct channel_sms *m,
    struct channel_http *out)
{
	const struct plasgate	*g = state;
	json_t			*root = NULL;
	char			*content = NULL, *key = NULL;
	const char		*to;
	int			 rc = -1;

	memset(out, 0, sizeof(*out));
	if (g == NULL || g->private_key == NULL || g->secret == NULL ||
	    m->from == NULL || m->to == NULL || m->text == NULL ||
	    (to = plasgate_to(m->to)) == NULL)
		return -1;
	if (g->mask) {
		if (asprintf(&content, PLASGATE_MASK "%s" PLASGATE_MASK,
		    m->text) == -1) {
			content = NULL;
			goto out;
		}
	} else if ((content = strdup(m->text)) == NULL)
		goto out;
	root = json_pack("{s:s, s:s, s:s}", "sender", m->from, "to", to,
	    "content", content);
	if (root == NULL || channel_util_http_json(out, root) == -1)
		goto out;
	key = notify_urlencode(g->private_key, 0);
	if (key == NULL || channel_util_http_url(out, "%s%cprivate_key=%s",
	    g->url, strchr(g->url, '?') != NULL ? '&' : '?', key) == -1)
		goto out;
	if (notify_header(&out->headers[0], "X-Secret", g->secret) == -1 ||
	    channel_util_http_header(out, CHANNEL_UTIL_TYPE_JSON) == -1)
		goto out;
	out->method = "POST";
	rc = 0;
out:
	channel_util_wipe_free(content);
	channel_util_wipe_free(key);
	json_decref(root);
	if (rc == -1)
		channel_util_http_wipe(out);
	return rc;
}

/*
 * Judge the answer as the alert transport does: any 2xx is sent (the
 * answer's shape is not documented, so no id is read); no answer, 408,
 * 429 and 5xx are worth a retry; anything else is final.
 */
static enum channel_verdict
plasgate_sent(const void *state, const struct channel_answer *a,
    char **gateway_id, const char **why)
{
	(void)state;
	*gateway_id = NULL;
	*why = NULL;
	switch (notify_verdict_status(a->status, 0, a->body)) {
	case NOTIFY_SENT:
		return CHANNEL_SENT;
	case NOTIFY_RETRY:
		*why = a->status == 0 ? "no answer" : "temporary failure";
		return CHANNEL_RETRY;
	case NOTIFY_GIVE_UP:
		break;
	}
	*why = "refused by PlasGate";
	return CHANNEL_FAILED;
}

/* Nothing arrives from PlasGate: no request is accepted. */
static unsigned
plasgate_methods(const void *state)
{
	(void)state;
	return 0;
}

/* Whether the account is complete. */
static int
plasgate_can_send(const void *state)
{
	const struct plasgate	*g = state;

	return g != NULL && g->private_key != NULL && g->secret != NULL;
}

/* The adapter, as channel.c lists it. */
const struct channel_ops channel_plasgate = {
	.name = "plasgate",
	.schema = plasgate_keys,
	.configure = plasgate_configure,
	.free = plasgate_free,
	.parse = NULL,
	.notice = NULL,
	.notice_path = NULL,
	/* An empty answer, should the caller ever ask for one. */
	.format = channel_util_format_empty,
	.methods = plasgate_methods,
	.kind = CHANNEL_SMS,
	.flags = 0,
	.send = plasgate_send,
	.sent = plasgate_sent,
	.auth = NULL,
	.authed = NULL,
	.can_send = plasgate_can_send,
};
