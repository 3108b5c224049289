/* SPDX-License-Identifier: ISC */
/*
 * channel_at: the Africa's Talking USSD callback. A form POST with
 * sessionId, serviceCode, phoneNumber, networkCode and text, where text is
 * every input of the session joined by '*' (empty on the first hop). The
 * reply is text/plain "CON ..." or "END ..." (channel_util_conend). Its
 * end-of-session notice is a form POST to "<path>/end" with sessionId and
 * status. It adds no keys to a channel entry and keeps no state.
 */
#include <string.h>

#include "channel_ops.h"
#include "channel_util.h"
#include "form.h"
#include "schema.h"

/* Warn about a channel anyone who learns the URL could post to. */
static int
at_configure(struct schema_doc *doc, json_t *entry, const char *ptr,
    const struct channel_setup *setup, void **state)
{
	(void)entry;
	*state = NULL;
	if (!setup->token)
		schema_warn(doc, ptr, 0, "channel \"%s\" "
		    "has no token: Africa's Talking signs nothing, so anyone "
		    "who learns the URL can post sessions; set token_file and "
		    "\"token_in\": \"path\"", setup->name);
	return 0;
}

/* Translate an AT callback into the internal event. */
static int
at_parse(const void *state, const struct channel_request *req,
    struct channel_event *ev, const char **cause)
{
	(void)state;
	ev->form_body = form_parse(req->body, req->body_len, cause);
	if (ev->form_body == NULL)
		return -1;
	ev->session_id = form_get(ev->form_body, "sessionId");
	ev->phone = form_get(ev->form_body, "phoneNumber");
	ev->service_code = form_get(ev->form_body, "serviceCode");
	ev->network = form_get(ev->form_body, "networkCode");
	ev->history = form_get(ev->form_body, "text");
	ev->separator = "*";
	if (ev->session_id == NULL || *ev->session_id == '\0') {
		*cause = "missing field sessionId";
		return -1;
	}
	if (ev->phone == NULL || *ev->phone == '\0') {
		*cause = "missing field phoneNumber";
		return -1;
	}
	if (ev->service_code == NULL) {
		*cause = "missing field serviceCode";
		return -1;
	}
	if (ev->history == NULL) {
		*cause = "missing field text";
		return -1;
	}
	ev->start = *ev->history == '\0' ? CHANNEL_START_NEW :
	    CHANNEL_START_CONTINUE;
	return 0;
}

/*
 * Translate an end-of-session notice: sessionId, and status Success (the
 * session reached its end), Incomplete (it ended on a screen that waited
 * for input: she hung up or timed out) or Failed (our answer was an
 * error). Other fields (phoneNumber, input, lastAppResponse...) are not
 * read.
 */
static int
at_notice(const void *state, const struct channel_request *req,
    struct channel_event *ev, const char **how, const char **cause)
{
	const char	*st;

	(void)state;
	ev->form_body = form_parse(req->body, req->body_len, cause);
	if (ev->form_body == NULL)
		return -1;
	ev->session_id = form_get(ev->form_body, "sessionId");
	if (ev->session_id == NULL || *ev->session_id == '\0') {
		*cause = "missing field sessionId";
		return -1;
	}
	st = form_get(ev->form_body, "status");
	if (st != NULL && strcmp(st, "Success") == 0)
		*how = "completed";
	else if (st != NULL && strcmp(st, "Incomplete") == 0)
		*how = "hung_up";
	else if (st != NULL && strcmp(st, "Failed") == 0)
		*how = "failed";
	else
		*how = "ended";
	return 0;
}

/* Encode a reply as CON/END text. */
static int
at_format(const void *state, const struct channel_reply *reply,
    struct channel_response *out)
{
	(void)state;
	return channel_util_conend(reply, out);
}

/* AT posts its callbacks and notices. */
static unsigned
at_methods(const void *state)
{
	(void)state;
	return CHANNEL_ALLOW_POST;
}

/* The adapter, as channel.c lists it. */
const struct channel_ops channel_at = {
	.name = "africastalking",
	.schema = NULL,
	.configure = at_configure,
	.free = NULL,
	.parse = at_parse,
	.notice = at_notice,
	.notice_path = "/end",
	.format = at_format,
	.methods = at_methods,
};
