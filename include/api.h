/* SPDX-License-Identifier: ISC */
/*
 * api: the counsellor API, on its own listener (default 127.0.0.1:8081).
 * Counsellors and supervisors authenticate with their roster token
 * ("Authorization: Bearer ...") or the console's session cookie (whose
 * changes must carry its CSRF token); they list open requests (never with a
 * phone number), claim one (the winner alone gets the number to call and
 * the safety answers), release it, complete it with an outcome, and read
 * its history. Every action is recorded by the store.
 */
#ifndef HOTLINED_API_H
#define HOTLINED_API_H

struct api;
struct conf;
struct console;
struct evhttp_request;
struct dispatch;
struct event_base;
struct hclock;
struct store;

/*
 * An API serving with the roster of *confp at each request. d is kicked
 * when a release makes a request due again. NULL on failure.
 */
struct api	*api_new(struct event_base *base, struct store *st,
		    struct dispatch *d, const struct hclock *clock,
		    struct conf *const *confp);

/* Bind address:port. 0, or -1 with *cause (a new string). */
int		 api_listen(struct api *a, const char *address, int port,
		    char **cause);

/* The port bound, or -1. */
int		 api_port(const struct api *a);

/* Close the listener. */
void		 api_stop_accepting(struct api *a);

/* Set the dispatcher to kick when a release makes a request due. */
void		 api_set_dispatch(struct api *a, struct dispatch *d);

/* Take the console's session cookies as sign-in, and serve its page. */
void		 api_set_console(struct api *a, struct console *c);

/* A handler for the paths under a prefix of this listener. */
typedef void	(*api_handler_cb)(struct evhttp_request *req, void *arg);

/* Give paths beginning with prefix (borrowed) to cb; 0, or -1 if full. */
int		 api_mount(struct api *a, const char *prefix,
		    api_handler_cb cb, void *arg);

/* Told of every claim the API has won, by request and counsellor id. */
typedef void	(*api_claim_cb)(const char *ref, const char *who, void *arg);
void		 api_on_claim(struct api *a, api_claim_cb cb, void *arg);

/* Requests waiting for the store. */
size_t		 api_inflight(const struct api *a);

void		 api_free(struct api *a);

#endif
