/* SPDX-License-Identifier: ISC */
/*
 * channel_at: the Africa's Talking USSD callback. A form POST with
 * sessionId, serviceCode, phoneNumber, networkCode and text, where text is
 * every input of the session joined by '*' (empty on the first hop). The
 * reply is text/plain "CON ..." or "END ..." (channel_conend). Its
 * end-of-session notice is a form POST with sessionId and status.
 */
#include <string.h>

#include "channel.h"
#include "form.h"

/* Translate an AT callback into the internal event. */
int
channel_at_parse(const struct channel *ch, const struct channel_request *req,
    struct channel_event *ev, const char **cause)
{
	(void)ch;
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
int
channel_at_notice(const struct channel *ch, const struct channel_request *req,
    struct channel_event *ev, const char **how, const char **cause)
{
	const char	*st;

	(void)ch;
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
