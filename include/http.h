/* SPDX-License-Identifier: ISC */
/*
 * http: the USSD webhook listener on libevent's evhttp. It owns binding,
 * request limits, routing a path to its channel, the secret token check,
 * the HTTP status of every refusal, and handing the decoded event to the
 * session table. Wire formats are the channel adapters' business.
 */
#ifndef HOTLINED_HTTP_H
#define HOTLINED_HTTP_H

#include <stddef.h>

struct conf;
struct event_base;
struct http;
struct session_table;

/*
 * A listener whose requests are served with the configuration *confp
 * points to at the time of each request (so a reload takes effect on the
 * next request) and the sessions in t. NULL on failure.
 */
struct http	*http_new(struct event_base *base, struct session_table *t,
		    struct conf *const *confp);

/*
 * Bind address:port (port 0 picks a free one). Returns 0, or -1 with a
 * message in *cause (a new string the caller frees).
 */
int		 http_listen(struct http *h, const char *address, int port,
		    char **cause);

/* The port actually bound (after port 0), or -1. */
int		 http_port(const struct http *h);

/* Apply the limits of a (new) configuration. */
void		 http_configure(struct http *h, const struct conf *c);

/* Close the listening sockets: no new connections. */
void		 http_stop_accepting(struct http *h);

/* Requests accepted whose answer has not been sent yet. */
size_t		 http_inflight(const struct http *h);

void		 http_free(struct http *h);

#endif
