/* SPDX-License-Identifier: ISC */
/*
 * channel_infobip: Infobip's SMS API (aggregators.md §4.4-4.5). An
 * inbound message is a JSON POST ("MO_JSON_2") whose results[] holds the
 * messages; delivery reports are JSON POSTs of results[] to "<path>/dlr";
 * sending is a JSON POST to "<base>/sms/3/messages" with an "App" key.
 * One request is one message here: a batch of several is refused until
 * the conversation layer takes batches. Infobip signs nothing, so the
 * channel's token is the only protection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "channel_ops.h"
#include "channel_util.h"
#include "notify_common.h"
#include "schema.h"

#define INFOBIP_BASE_URL	"https://api.infobip.com"

/* An Infobip channel's sending account (owned; NULL: no sending). */
struct infobip {
	char	*api_key;
	char	*base;		/* no trailing '/' */
};

static const struct schema_key infobip_keys[] = {
	{ "infobip_api_key", SCHEMA_STR, 1, 256, NULL, 0, 0, NULL, NULL,
	  "infobip only: the API key (prefer the _file)" },
	{ "infobip_api_key_file", SCHEMA_STR, 1, 1024, NULL, 0, 0, NULL,
	  NULL, "infobip only: file holding the API key (mode 0600); set "
	  "it to send" },
	{ "infobip_base_url", SCHEMA_STR, 8, 255, INFOBIP_BASE_URL, 0, 0,
	  NULL, NULL, "infobip only: the account's API base URL" },
	SCHEMA_END
};

/* Free the account, wiping the key. */
static void
infobip_free(void *state)
{
	struct infobip	*s = state;

	if (s == NULL)
		return;
	channel_util_wipe_free(s->api_key);
	free(s->base);
	free(s);
}

/*
 * Read the sending account: no key (receive only), or a key and the base
 * URL. Warn about a channel without a token.
 */
static int
infobip_configure(struct schema_doc *doc, json_t *entry, const char *ptr,
    const struct channel_setup *setup, void **state)
{
	struct infobip	*s;
	const char	*base;
	char		*key, p[SCHEMA_PTR_MAX];
	int		 given;

	*state = NULL;
	channel_util_warn_no_token(doc, ptr, setup, "Infobip signs nothing");
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -1;
	*state = s;
	base = schema_str(entry, infobip_keys, "infobip_base_url");
	key = schema_secret(doc, entry, infobip_keys, ptr, "infobip_api_key",
	    "infobip_api_key_file", &channel_util_api_key_rule, &given);
	if (!given) {
		if (json_object_get(entry, "infobip_base_url") != NULL) {
			schema_ptr(p, sizeof(p), ptr, "infobip_base_url");
			schema_err(doc, p, 1, "infobip_base_url needs "
			    "infobip_api_key_file");
		}
		return 0;
	}
	if (!channel_util_url_check(doc, ptr, "infobip_base_url", base, 1)) {
		channel_util_wipe_free(key);
		return 0;
	}
	if (key == NULL)
		return 0;
	s->api_key = key;
	s->base = channel_util_url_base(base);
	return s->base == NULL ? -1 : 0;
}

/*
 * Load a JSON body into ev->json and return its single results[] entry
 * (borrowed), or NULL with *cause: not JSON, no results, or several.
 */
static json_t *
infobip_result(const struct channel_request *req, struct channel_event *ev,
    const char **cause)
{
	json_error_t	 jerr;
	json_t		*root, *list;

	root = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES,
	    &jerr);
	ev->json = root;
	if (!json_is_object(root)) {
		*cause = "invalid JSON body";
		return NULL;
	}
	list = json_object_get(root, "results");
	if (list != NULL && !json_is_array(list)) {
		*cause = "results must be an array";
		return NULL;
	}
	if (json_array_size(list) == 0) {
		*cause = "no message";
		return NULL;
	}
	if (json_array_size(list) > 1) {
		*cause = "several messages in one request";
		return NULL;
	}
	if (!json_is_object(json_array_get(list, 0))) {
		*cause = "a result must be an object";
		return NULL;
	}
	return json_array_get(list, 0);
}

/*
 * The member name of r as event storage: a JSON string, or an integer
 * written into ev->owned. NULL when absent or of another type (*oom set
 * when memory ran out).
 */
static const char *
infobip_field(struct channel_event *ev, json_t *r, const char *name,
    int *oom)
{
	const char	*s;

	if (channel_util_json_text(ev, json_object_get(r, name), &s) == -1)
		*oom = 1;
	return s;
}

/* Translate an inbound message (§4.4): messageId, from, to and text. */
static int
infobip_parse(const void *state, const struct channel_request *req,
    struct channel_event *ev, const char **cause)
{
	json_t	*r;
	int	 oom = 0;

	(void)state;
	r = infobip_result(req, ev, cause);
	if (r == NULL)
		return CHANNEL_BAD;
	ev->hop_id = infobip_field(ev, r, "messageId", &oom);
	ev->phone = infobip_field(ev, r, "from", &oom);
	ev->service_code = infobip_field(ev, r, "to", &oom);
	ev->input = infobip_field(ev, r, "text", &oom);
	if (oom) {
		*cause = "out of memory";
		return CHANNEL_BAD;
	}
	return channel_util_inbound_check(ev, "missing field from",
	    "missing field messageId", cause);
}

/*
 * Translate a delivery report (§4.5) by status.groupName: DELIVERED is
 * delivered; EXPIRED, REJECTED and UNDELIVERABLE are failed; PENDING
 * (and any other) only sent.
 */
static int
infobip_notice(const void *state, const struct channel_request *req,
    struct channel_event *ev, const char **how, const char **cause)
{
	json_t		*r;
	const char	*g;
	int		 oom = 0;

	(void)state;
	r = infobip_result(req, ev, cause);
	if (r == NULL)
		return CHANNEL_BAD;
	ev->hop_id = infobip_field(ev, r, "messageId", &oom);
	if (oom) {
		*cause = "out of memory";
		return CHANNEL_BAD;
	}
	if (ev->hop_id == NULL || *ev->hop_id == '\0') {
		*cause = "missing field messageId";
		return CHANNEL_BAD;
	}
	g = json_string_value(json_object_get(json_object_get(r, "status"),
	    "groupName"));
	if (g == NULL || *g == '\0') {
		*cause = "missing field status.groupName";
		return CHANNEL_BAD;
	}
	if (strcmp(g, "DELIVERED") == 0)
		*how = "delivered";
	else if (strcmp(g, "EXPIRED") == 0 || strcmp(g, "REJECTED") == 0 ||
	    strcmp(g, "UNDELIVERABLE") == 0)
		*how = "failed";
	else
		*how = "sent";
	return 0;
}

/* Whether the entry has a key to send with. */
static int
infobip_can_send(const void *state)
{
	const struct infobip	*s = state;

	return s != NULL && s->api_key != NULL;
}

/*
 * The JSON body of a send (§4.5): one message from our sender to one
 * destination (digits only, with our message id), its text, and where
 * to report delivery (as JSON, which is what infobip_notice reads). A
 * new reference, or NULL.
 */
static json_t *
infobip_message(const struct channel_sms *m, const char *to)
{
	json_t	*msg, *dest, *root;
	int	 bad = 0;

	msg = json_object();
	dest = json_pack("{s:s}", "to", to);
	if (msg == NULL || dest == NULL)
		goto fail;
	if (m->msg_id != NULL)
		bad |= json_object_set_new(dest, "messageId",
		    json_string(m->msg_id));
	if (m->from != NULL && *m->from != '\0')
		bad |= json_object_set_new(msg, "from", json_string(m->from));
	bad |= json_object_set_new(msg, "destinations", json_pack("[O]",
	    dest));
	bad |= json_object_set_new(msg, "content", json_pack("{s:s}", "text",
	    m->text));
	if (m->report_url != NULL)
		bad |= json_object_set_new(msg, "webhooks",
		    json_pack("{s:{s:s, s:s}}", "delivery", "url",
		    m->report_url, "contentType", "application/json"));
	if (bad)
		goto fail;
	root = json_pack("{s:[O]}", "messages", msg);
	json_decref(dest);
	json_decref(msg);
	return root;

fail:
	json_decref(dest);
	json_decref(msg);
	return NULL;
}

/*
 * Build the /sms/3/messages POST with the key in an "App" Authorization
 * header.
 */
static int
infobip_send(const void *state, const struct channel_sms *m,
    struct channel_http *out)
{
	const struct infobip	*s = state;
	json_t			*root = NULL;
	const char		*p;
	char			*to = NULL, *auth = NULL;
	int			 rc = -1;

	memset(out, 0, sizeof(*out));
	if (!infobip_can_send(s) || (p = channel_util_digits(m->to)) == NULL)
		return -1;
	if ((to = strdup(p)) == NULL ||
	    (root = infobip_message(m, to)) == NULL ||
	    channel_util_http_json(out, root) == -1)
		goto out;
	out->method = "POST";
	if (channel_util_http_url(out, "%s/sms/3/messages", s->base) == -1)
		goto out;
	if (asprintf(&auth, "App %s", s->api_key) == -1) {
		auth = NULL;
		goto out;
	}
	if (notify_header(&out->headers[0], "Authorization", auth) == -1 ||
	    channel_util_http_header(out, CHANNEL_UTIL_TYPE_JSON) == -1 ||
	    channel_util_http_header(out, CHANNEL_UTIL_ACCEPT_JSON) == -1)
		goto out;
	rc = 0;
out:
	channel_util_wipe_free(to);
	channel_util_wipe_free(auth);
	json_decref(root);
	if (rc == -1)
		channel_util_http_wipe(out);
	return rc;
}

/*
 * Judge the answer (§4.5): messages[0].status.groupId 1 (PENDING) or 3
 * (DELIVERED) is sent, with messages[0].messageId; another group is a
 * refusal; 429, 5xx and a body we cannot read are retried.
 */
static enum channel_verdict
infobip_sent(const void *state, const struct channel_answer *a,
    char **gateway_id, const char **why)
{
	json_t			*root, *m0, *gid;
	enum channel_verdict	 v;

	(void)state;
	*gateway_id = NULL;
	*why = NULL;
	if (channel_util_sent_json(a, &v, why, &root))
		return v;
	/* Borrowed references, all owned by root (NULL: none). */
	m0 = json_array_get(json_object_get(root, "messages"), 0);
	gid = json_object_get(json_object_get(m0, "status"), "groupId");
	if (!json_is_integer(gid)) {
		*why = "unreadable answer";
		v = CHANNEL_RETRY;
	} else if (json_integer_value(gid) == 1 ||
	    json_integer_value(gid) == 3) {
		*gateway_id = channel_util_json_id(json_object_get(m0,
		    "messageId"));
		v = CHANNEL_SENT;
	} else {
		*why = "refused";
		v = CHANNEL_FAILED;
	}
	json_decref(root);
	return v;
}

/* The adapter, as channel.c lists it. */
const struct channel_ops channel_infobip = {
	.name = "infobip",
	.schema = infobip_keys,
	.configure = infobip_configure,
	.free = infobip_free,
	.parse = infobip_parse,
	.notice = infobip_notice,
	.notice_path = "/dlr",
	.format = channel_util_format_empty,	/* Infobip wants a 200 */
	.methods = channel_util_methods_post,
	.kind = CHANNEL_SMS,
	.flags = 0,
	.send = infobip_send,
	.sent = infobip_sent,
	.auth = NULL,
	.authed = NULL,
	.can_send = infobip_can_send,
};
