/* SPDX-License-Identifier: ISC */
/*
 * bench/floor: the least an evhttp program can do for an Africa's Talking
 * USSD hop, the floor hotlined is measured against. It reads the form
 * body, parses it (evhttp_parse_query_str), looks up the fields a gateway
 * sends, and answers a fixed CON screen (the sample's Khmer main menu,
 * with the bytes and headers of hotlined's first hop) as text/plain. Any
 * other request (another path, a GET) gets the same 200, so it also
 * serves as the sink for the daemon's webhook alerts in a run. Not a
 * test.
 * Usage: bench/floor [-c]
 *   -c  EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST ("changelist"; else "stock")
 * Listens on 127.0.0.1, a free port, and prints "port N" once bound.
 * TERM or INT stops it.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#define FLOOR_MAX_BODY	16384

/* The sample menu's first screen, byte for byte as hotlined renders it. */
static const char floor_screen[] =
    "CON សូមស្វាគមន៍\n"
    "1. ជំនួយបន្ទាន់\n"
    "2. សុំឱ្យហៅមកវិញ\n"
    "3. ព័ត៌មាន\n"
    "4. English\n"
    "99. ចាកចេញ";

/* Answers one request: the form parsed, the fixed screen sent. */
static void
floor_request_cb(struct evhttp_request *req, void *arg)
{
	struct evkeyvalq	 form;
	struct evbuffer		*in, *out;
	char			 body[FLOOR_MAX_BODY + 1];
	size_t			 len;
	int			 ok = 1;

	(void)arg;
	in = evhttp_request_get_input_buffer(req);
	len = evbuffer_get_length(in);
	if (len > FLOOR_MAX_BODY) {
		evhttp_send_error(req, 413, NULL);
		return;
	}
	evbuffer_remove(in, body, len);
	body[len] = '\0';
	if (evhttp_request_get_command(req) == EVHTTP_REQ_POST &&
	    strncmp(evhttp_request_get_uri(req), "/ussd/", 6) == 0) {
		/* It clears the list itself when it fails. */
		if (evhttp_parse_query_str(body, &form) != 0)
			ok = 0;
		else {
			if (evhttp_find_header(&form, "sessionId") == NULL ||
			    evhttp_find_header(&form, "phoneNumber") == NULL ||
			    evhttp_find_header(&form, "serviceCode") == NULL ||
			    evhttp_find_header(&form, "text") == NULL)
				ok = 0;
			(void)evhttp_find_header(&form, "networkCode");
			evhttp_clear_headers(&form);
		}
	}
	if (!ok) {
		evhttp_send_error(req, 400, NULL);
		return;
	}
	out = evhttp_request_get_output_buffer(req);
	evbuffer_add(out, floor_screen, sizeof(floor_screen) - 1);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; charset=utf-8");
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Cache-Control", "no-store");
	evhttp_send_reply(req, 200, "OK", NULL);
}

/* TERM or INT: leave the loop. */
static void
floor_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	event_base_loopbreak(arg);
}

/* The port a bound listener got, or 0. */
static unsigned
floor_port(struct evhttp_bound_socket *bound)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);

	if (getsockname(evhttp_bound_socket_get_fd(bound),
	    (struct sockaddr *)&sin, &len) != 0)
		return 0;
	return ntohs(sin.sin_port);
}

int
main(int argc, char **argv)
{
	struct event_config		*cfg = NULL;
	struct event_base		*base = NULL;
	struct evhttp			*http = NULL;
	struct evhttp_bound_socket	*bound;
	struct event			*sigterm = NULL, *sigint = NULL;
	int				 ch, changelist = 0, rc = 1;

	while ((ch = getopt(argc, argv, "c")) != -1) {
		switch (ch) {
		case 'c':
			changelist = 1;
			break;
		default:
			fprintf(stderr, "usage: floor [-c]\n");
			return 1;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	if ((cfg = event_config_new()) == NULL)
		goto fail;
	if (changelist &&
	    event_config_set_flag(cfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST))
		goto fail;
	if ((base = event_base_new_with_config(cfg)) == NULL)
		goto fail;
	if ((http = evhttp_new(base)) == NULL)
		goto fail;
	evhttp_set_max_body_size(http, FLOOR_MAX_BODY);
	evhttp_set_gencb(http, floor_request_cb, NULL);
	bound = evhttp_bind_socket_with_handle(http, "127.0.0.1", 0);
	if (bound == NULL)
		goto fail;
	sigterm = evsignal_new(base, SIGTERM, floor_signal_cb, base);
	sigint = evsignal_new(base, SIGINT, floor_signal_cb, base);
	if (sigterm == NULL || sigint == NULL ||
	    event_add(sigterm, NULL) != 0 || event_add(sigint, NULL) != 0)
		goto fail;
	printf("port %u\n", floor_port(bound));
	fflush(stdout);
	if (event_base_dispatch(base) == 0)
		rc = 0;
fail:
	if (rc != 0)
		fprintf(stderr, "floor: cannot start\n");
	if (sigterm != NULL)
		event_free(sigterm);
	if (sigint != NULL)
		event_free(sigint);
	if (http != NULL)
		evhttp_free(http);
	if (base != NULL)
		event_base_free(base);
	if (cfg != NULL)
		event_config_free(cfg);
	return rc;
}
