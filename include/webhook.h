/* SPDX-License-Identifier: ISC */
/*
 * webhook: the USSD webhooks on the front end of the gateways' listener.
 * It owns routing a path to its channel, the secret token check, the HTTP
 * status of every refusal, handing the decoded event to the session table
 * and sending its reply, now or once the store has it; and /health. Wire
 * formats are the channel adapters' business, sockets the front end's.
 */
#ifndef HOTLINED_WEBHOOK_H
#define HOTLINED_WEBHOOK_H

struct conf;
struct event_base;
struct http;
struct session_table;
struct sms;
struct webhook;

/*
 * Webhooks served with the channels of the configuration *confp points to
 * at the time of each request (so a reload takes effect on the next
 * request) and the sessions in t; refusals are counted and logged on
 * base. NULL on failure.
 */
struct webhook	*webhook_new(struct event_base *base, struct session_table *t,
		    struct conf *const *confp);

/*
 * Take every path of the front end h: /health and the channels' paths.
 * A request over its address's rate gets, on a USSD channel's path with
 * its token, the busy END screen with 200, elsewhere a 429. Returns 0, or
 * -1 when h has no room.
 */
int		 webhook_mount(struct webhook *w, struct http *h);

/* Hand SMS channels' messages and delivery reports to s. */
void		 webhook_set_sms(struct webhook *w, struct sms *s);

/* Free (NULL is fine); the front end it is mounted on goes first. */
void		 webhook_free(struct webhook *w);

#endif
