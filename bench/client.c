/* SPDX-License-Identifier: ISC */
/*
 * bench/client: a load generator on libevent's HTTP client for the
 * bench/workload-* scripts, over kept-alive connections to 127.0.0.1.
 *  -m at      Africa's Talking USSD sessions: every session a new
 *             sessionId and a new number, its hops the inputs of -s
 *             (the first empty), as AT sends them ("", "3", "3*1").
 *  -m kannel  SMS as Kannel's get-url sends them (from, to, text, id,
 *             coding, charset): every conversation a new number, its
 *             messages the texts of -s.
 *  -m list    the counsellors' console: GET /api/requests in its views
 *             and pages (the "all" view walked page by page with its
 *             cursor), /api/me and, with -T, the supervisors' overview.
 * As fast as the connections go, or -r hops a second at a steady pace
 * (how late the client itself sent them is printed apart: a loaded box
 * delays its timer; each request is timed from when it left).
 * It stops after -n sessions or -d seconds and prints "LABEL name: value
 * unit" lines: counts, errors, rate and latency p50/p99/max.
 * Usage: client [-m at|kannel|list] [-c conns] [-n sessions] [-d secs]
 *        [-r rate] [-s inputs] [-b first] [-p prefix] [-l label]
 *        [-t token] [-T token] URL...   (several URLs: round robin)
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "bench_clock.h"

#define CLIENT_MAX_CONNS	1024
#define CLIENT_MAX_STEPS	32
#define CLIENT_MAX_URLS		8

enum client_mode {
	CLIENT_AT,
	CLIENT_KANNEL,
	CLIENT_LIST
};

/* The console's calls, in the order one worker makes them. */
enum client_call {
	CALL_FIRST_PAGE,	/* /api/requests: the default page of 50 */
	CALL_UNASSIGNED,	/* view=unassigned, 200 */
	CALL_MINE,		/* view=mine */
	CALL_WALK,		/* view=all, 200, the next page of a walk */
	CALL_ME,		/* /api/me */
	CALL_OVERVIEW,		/* /api/overview (supervisor token) */
	CALL_COUNT
};

static const char *const call_name[CALL_COUNT] = {
	"first page", "unassigned", "mine", "all (paged)", "me", "overview"
};

/* Latencies in seconds, kept to sort. */
struct lat {
	double	*v;
	size_t	 n;
	size_t	 cap;
};

/* Where requests go. */
struct target {
	char	 host[64];
	int	 port;
	char	 path[512];
};

struct client;

/* One connection and the session it is in. */
struct worker {
	struct client			*cl;
	struct evhttp_connection	*conn;
	const struct target		*t;
	int				 busy;
	int				 live;		/* in a session */
	size_t				 session;
	size_t				 step;		/* next hop */
	double				 sent;		/* when it left */
	enum client_call		 call;		/* list mode */
	char				 after[128];	/* walk cursor */
};

/* The whole run. */
struct client {
	struct event_base	*base;
	enum client_mode	 mode;
	struct target		 targets[CLIENT_MAX_URLS];
	size_t			 ntargets;
	char			*steps[CLIENT_MAX_STEPS];
	size_t			 nsteps;
	size_t			 max_sessions;	/* 0: no bound */
	double			 seconds;	/* 0: no bound */
	double			 rate;		/* 0: as fast as possible */
	unsigned long		 first;		/* first number's index */
	const char		*prefix;
	const char		*label;
	const char		*token;
	const char		*super_token;
	struct worker		*w;
	size_t			 nw;
	size_t			*idle;		/* stack of idle workers */
	size_t			 nidle;
	double			 t0;
	size_t			 started;	/* sessions */
	size_t			 finished;	/* sessions */
	size_t			 issued;	/* hops due (rate mode) */
	size_t			 owed;		/* due, no idle worker yet */
	double			 owed_at[4096];	/* their due times (ring) */
	size_t			 owed_head;
	size_t			 late;		/* sent late for want of one */
	size_t			 inflight;
	size_t			 ok;
	size_t			 errors;
	size_t			 ended;		/* END before the last input */
	size_t			 pages;		/* list: pages walked */
	size_t			 walks;		/* list: walks to the end */
	int			 stopping;
	struct event		*tick;
	struct lat		 all;
	struct lat		 lag;		/* send time - due time */
	struct lat		 by_step[CLIENT_MAX_STEPS];
	struct lat		 by_call[CALL_COUNT];
};

static void	worker_send(struct worker *, double);

/* Append one latency. */
static void
lat_add(struct lat *l, double v)
{
	double	*p;
	size_t	 cap;

	if (l->n == l->cap) {
		cap = l->cap == 0 ? 4096 : l->cap * 2;
		p = realloc(l->v, cap * sizeof(*p));
		if (p == NULL) {
			fprintf(stderr, "client: out of memory\n");
			exit(1);
		}
		l->v = p;
		l->cap = cap;
	}
	l->v[l->n++] = v;
}

/* Order doubles for qsort. */
static int
lat_cmp(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile of a sorted list, in milliseconds. */
static double
lat_q(const struct lat *l, double q)
{
	size_t	 i;

	if (l->n == 0)
		return 0;
	i = (size_t)ceil(q * (double)l->n);
	if (i > 0)
		i--;
	if (i >= l->n)
		i = l->n - 1;
	return l->v[i] * 1e3;
}

/* Print a list's p50, p99 and max under name. */
static void
lat_print(const struct client *cl, struct lat *l, const char *name)
{
	if (l->n == 0)
		return;
	qsort(l->v, l->n, sizeof(*l->v), lat_cmp);
	printf("%s %s latency: p50 %.2f ms, p99 %.2f ms, max %.2f ms "
	    "(%zu)\n", cl->label, name, lat_q(l, 0.5), lat_q(l, 0.99),
	    l->v[l->n - 1] * 1e3, l->n);
}

/* Percent-encode s onto out. */
static void
pct(struct evbuffer *out, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    *p == '.' || *p == '~')
			evbuffer_add(out, p, 1);
		else
			evbuffer_add_printf(out, "%%%c%c", hex[*p >> 4],
			    hex[*p & 15]);
	}
}

/* Copy a buffer's bytes out as a string (truncated to len-1). */
static void
take(struct evbuffer *b, char *s, size_t len)
{
	ev_ssize_t	 n;

	n = evbuffer_copyout(b, s, len - 1);
	s[n < 0 ? 0 : n] = '\0';
}

/* Leave the loop once stopping and nothing is in flight. */
static void
client_maybe_done(struct client *cl)
{
	if (cl->inflight == 0 && (cl->stopping ||
	    (cl->max_sessions > 0 && cl->finished >= cl->max_sessions)))
		event_base_loopbreak(cl->base);
}

/* A worker has nothing to send: park it, or give it an owed hop. */
static void
worker_idle(struct worker *w)
{
	struct client	*cl = w->cl;
	double		 due;

	w->busy = 0;
	if (cl->stopping)
		return;
	if (cl->rate == 0) {
		worker_send(w, bench_now());
		return;
	}
	if (cl->owed > 0) {
		due = cl->owed_at[cl->owed_head];
		cl->owed_head = (cl->owed_head + 1) % 4096;
		cl->owed--;
		cl->late++;
		worker_send(w, due);
		return;
	}
	cl->idle[cl->nidle++] = (size_t)(w - cl->w);
}

/* Account a USSD or SMS reply. */
static void
client_hop_done(struct worker *w, struct evhttp_request *req)
{
	struct client	*cl = w->cl;
	struct evbuffer	*in;
	char		 head[8];
	double		 l = bench_now() - w->sent;
	int		 last = w->step + 1 >= cl->nsteps;

	lat_add(&cl->all, l);
	lat_add(&cl->by_step[w->step], l);
	if (req == NULL || evhttp_request_get_response_code(req) != 200) {
		cl->errors++;
		w->live = 0;
	} else if (cl->mode == CLIENT_AT) {
		in = evhttp_request_get_input_buffer(req);
		take(in, head, sizeof(head));
		if (strncmp(head, "CON ", 4) == 0 || (last &&
		    cl->nsteps > 1 && strncmp(head, "END ", 4) == 0))
			cl->ok++;
		else {
			cl->ended++;
			w->live = 0;
		}
	} else
		cl->ok++;
	w->step++;
	if (w->step >= cl->nsteps)
		w->live = 0;
	if (!w->live)
		cl->finished++;
}

/* Find the "next" cursor of a list page; empty on the last page. */
static void
client_cursor(struct evbuffer *in, char *after, size_t len)
{
	struct evbuffer_ptr	 p;
	char			 s[160], *q;

	after[0] = '\0';
	p = evbuffer_search(in, "\"next\":\"", 8, NULL);
	if (p.pos < 0)
		return;
	if (evbuffer_ptr_set(in, &p, 8, EVBUFFER_PTR_ADD) == -1)
		return;
	if (evbuffer_copyout_from(in, &p, s, sizeof(s) - 1) <= 0)
		return;
	s[sizeof(s) - 1] = '\0';
	if ((q = strchr(s, '"')) == NULL || (size_t)(q - s) >= len)
		return;
	*q = '\0';
	memcpy(after, s, (size_t)(q - s) + 1);
}

/* Account a console call. */
static void
client_call_done(struct worker *w, struct evhttp_request *req)
{
	struct client	*cl = w->cl;
	double		 l = bench_now() - w->sent;

	lat_add(&cl->all, l);
	lat_add(&cl->by_call[w->call], l);
	if (req == NULL || evhttp_request_get_response_code(req) != 200) {
		cl->errors++;
		w->after[0] = '\0';
	} else {
		cl->ok++;
		if (w->call == CALL_WALK) {
			cl->pages++;
			client_cursor(evhttp_request_get_input_buffer(req),
			    w->after, sizeof(w->after));
			if (w->after[0] == '\0')
				cl->walks++;
		}
	}
	do {
		w->call = (w->call + 1) % CALL_COUNT;
	} while (w->call == CALL_OVERVIEW && cl->super_token == NULL);
}

/* A reply, or a failure (req NULL or no status). */
static void
client_reply_cb(struct evhttp_request *req, void *arg)
{
	struct worker	*w = arg;
	struct client	*cl = w->cl;

	cl->inflight--;
	if (req != NULL && evhttp_request_get_response_code(req) == 0)
		req = NULL;
	if (cl->mode == CLIENT_LIST)
		client_call_done(w, req);
	else
		client_hop_done(w, req);
	if (cl->seconds > 0 && bench_now() - cl->t0 >= cl->seconds)
		cl->stopping = 1;
	worker_idle(w);
	client_maybe_done(cl);
}

/* The number of session i, as digits: 855 and 8 more. */
static void
client_number(const struct client *cl, size_t i, char *s, size_t len)
{
	snprintf(s, len, "855%llu",
	    10000000ULL + (unsigned long long)(cl->first + i));
}

/* Fill a USSD hop's or an SMS's request; returns its URI. */
static int
client_fill(struct worker *w, struct evhttp_request *req, char *uri,
    size_t len)
{
	struct client	*cl = w->cl;
	struct evbuffer	*b = evbuffer_new(), *out;
	char		 num[32];
	size_t		 i;

	if (b == NULL)
		return -1;
	client_number(cl, w->session, num, sizeof(num));
	if (cl->mode == CLIENT_AT) {
		out = evhttp_request_get_output_buffer(req);
		evbuffer_add_printf(out, "sessionId=%s-%zu&serviceCode=%%2A855"
		    "%%23&phoneNumber=%%2B%s&networkCode=45601&text=",
		    cl->prefix, w->session, num);
		for (i = 1; i <= w->step; i++) {
			if (i > 1)
				evbuffer_add(b, "*", 1);
			evbuffer_add(b, cl->steps[i], strlen(cl->steps[i]));
		}
		evbuffer_add(b, "", 1);
		pct(out, (const char *)evbuffer_pullup(b, -1));
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Content-Type", "application/x-www-form-urlencoded");
		snprintf(uri, len, "%s", w->t->path);
	} else {
		evbuffer_add_printf(b, "%s?from=%s&to=1280&text=", w->t->path,
		    num);
		pct(b, cl->steps[w->step]);
		evbuffer_add_printf(b, "&id=%s-%zu-%zu&coding=0&charset=UTF-8",
		    cl->prefix, w->session, w->step);
		take(b, uri, len);
	}
	evbuffer_free(b);
	return 0;
}

/* The URI of the worker's next console call. */
static void
client_call_uri(struct worker *w, char *uri, size_t len)
{
	switch (w->call) {
	case CALL_FIRST_PAGE:
		snprintf(uri, len, "/api/requests");
		break;
	case CALL_UNASSIGNED:
		snprintf(uri, len, "/api/requests?view=unassigned&limit=200");
		break;
	case CALL_MINE:
		snprintf(uri, len, "/api/requests?view=mine");
		break;
	case CALL_WALK:
		snprintf(uri, len, "/api/requests?view=all&limit=200%s%s",
		    w->after[0] != '\0' ? "&after=" : "", w->after);
		break;
	case CALL_ME:
		snprintf(uri, len, "/api/me");
		break;
	default:
		snprintf(uri, len, "/api/overview");
		break;
	}
}

/* Send the worker's next request, due at the time given. */
static void
worker_send(struct worker *w, double due)
{
	struct client		*cl = w->cl;
	struct evhttp_request	*req;
	struct evkeyvalq	*h;
	enum evhttp_cmd_type	 type = EVHTTP_REQ_GET;
	char			 uri[2048], auth[512];
	const char		*tok;

	if (cl->mode != CLIENT_LIST && !w->live) {
		if (cl->max_sessions > 0 && cl->started >= cl->max_sessions) {
			w->busy = 0;
			return;
		}
		w->session = cl->started++;
		w->step = 0;
		w->live = 1;
	}
	if ((req = evhttp_request_new(client_reply_cb, w)) == NULL)
		goto fail;
	h = evhttp_request_get_output_headers(req);
	evhttp_add_header(h, "Host", w->t->host);
	if (cl->mode == CLIENT_LIST) {
		client_call_uri(w, uri, sizeof(uri));
		tok = w->call == CALL_OVERVIEW ? cl->super_token : cl->token;
		snprintf(auth, sizeof(auth), "Bearer %s", tok);
		evhttp_add_header(h, "Authorization", auth);
	} else {
		if (client_fill(w, req, uri, sizeof(uri)) == -1)
			goto fail;
		if (cl->mode == CLIENT_AT)
			type = EVHTTP_REQ_POST;
	}
	w->busy = 1;
	w->sent = bench_now();
	if (cl->rate > 0)
		lat_add(&cl->lag, w->sent - due);
	cl->inflight++;
	if (evhttp_make_request(w->conn, req, type, uri) == -1) {
		/* libevent freed req. */
		cl->inflight--;
		goto fail;
	}
	return;
fail:
	fprintf(stderr, "client: cannot send a request\n");
	exit(1);
}

/* Rate mode: hand the hops now due to idle workers, owe the rest. */
static void
client_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct client	*cl = arg;
	double		 t = bench_now(), due;
	size_t		 want;

	(void)fd;
	(void)what;
	if (cl->seconds > 0 && t - cl->t0 >= cl->seconds) {
		cl->stopping = 1;
		event_del(cl->tick);
		client_maybe_done(cl);
		return;
	}
	want = (size_t)((t - cl->t0) * cl->rate);
	while (cl->issued < want) {
		cl->issued++;
		/* The k-th hop is due k / rate seconds in. */
		due = cl->t0 + (double)cl->issued / cl->rate;
		if (cl->nidle > 0)
			worker_send(&cl->w[cl->idle[--cl->nidle]], due);
		else if (cl->owed < 4096) {
			cl->owed_at[(cl->owed_head + cl->owed) % 4096] = due;
			cl->owed++;
		}
	}
}

/* Parse a URL into a target. */
static int
target_parse(struct target *t, const char *url)
{
	struct evhttp_uri	*u;
	const char		*host, *path;

	if ((u = evhttp_uri_parse(url)) == NULL)
		return -1;
	host = evhttp_uri_get_host(u);
	path = evhttp_uri_get_path(u);
	t->port = evhttp_uri_get_port(u);
	if (host == NULL || t->port <= 0) {
		evhttp_uri_free(u);
		return -1;
	}
	snprintf(t->host, sizeof(t->host), "%s", host);
	snprintf(t->path, sizeof(t->path), "%s",
	    path == NULL || *path == '\0' ? "/" : path);
	evhttp_uri_free(u);
	return 0;
}

/* Split the comma-separated inputs of -s. */
static void
client_steps(struct client *cl, char *s)
{
	char	*comma;

	cl->nsteps = 0;
	for (;;) {
		if (cl->nsteps == CLIENT_MAX_STEPS) {
			fprintf(stderr, "client: too many inputs\n");
			exit(1);
		}
		cl->steps[cl->nsteps++] = s;
		if ((comma = strchr(s, ',')) == NULL)
			break;
		*comma = '\0';
		s = comma + 1;
	}
}

/* A number option, checked. */
static double
client_num(const char *s, double max)
{
	char	*end;
	double	 v;

	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || v < 0 || v > max) {
		fprintf(stderr, "client: bad number: %s\n", s);
		exit(1);
	}
	return v;
}

/* Print what the run did. */
static void
client_report(struct client *cl, double t)
{
	char	 name[64];
	size_t	 i;

	printf("%s requests: %zu ok, %zu errors in %.2f s\n", cl->label,
	    cl->ok, cl->errors, t);
	if (cl->ended > 0)
		printf("%s ended early (END or busy): %zu\n", cl->label,
		    cl->ended);
	printf("%s rate: %.0f req/s\n", cl->label,
	    (double)(cl->ok + cl->errors) / t);
	if (cl->mode != CLIENT_LIST)
		printf("%s %s: %zu\n", cl->label, cl->mode == CLIENT_AT ?
		    "sessions" : "conversations", cl->finished);
	if (cl->rate > 0)
		printf("%s sent late (no idle connection): %zu\n", cl->label,
		    cl->late);
	lat_print(cl, &cl->all, "all");
	lat_print(cl, &cl->lag, "client send lag");
	if (cl->mode == CLIENT_LIST) {
		printf("%s pages walked: %zu (%zu whole walks)\n", cl->label,
		    cl->pages, cl->walks);
		for (i = 0; i < CALL_COUNT; i++)
			lat_print(cl, &cl->by_call[i], call_name[i]);
	} else if (cl->nsteps > 1) {
		for (i = 0; i < cl->nsteps; i++) {
			snprintf(name, sizeof(name), "%s %zu",
			    cl->mode == CLIENT_AT ? "hop" : "message", i + 1);
			lat_print(cl, &cl->by_step[i], name);
		}
	}
}

int
main(int argc, char *argv[])
{
	static struct client	 c;
	struct client		*cl = &c;
	struct timeval		 tv = { 0, 1000 };
	char			 dflt[] = "";
	double			 t;
	size_t			 i;
	int			 ch;

	cl->mode = CLIENT_AT;
	cl->nw = 4;
	cl->prefix = "bench";
	cl->label = "client";
	client_steps(cl, dflt);
	while ((ch = getopt(argc, argv, "b:c:d:l:m:n:p:r:s:t:T:")) != -1) {
		switch (ch) {
		case 'b':
			cl->first = (unsigned long)client_num(optarg, 8e7);
			break;
		case 'c':
			cl->nw = (size_t)client_num(optarg, CLIENT_MAX_CONNS);
			break;
		case 'd':
			cl->seconds = client_num(optarg, 86400);
			break;
		case 'l':
			cl->label = optarg;
			break;
		case 'm':
			if (strcmp(optarg, "at") == 0)
				cl->mode = CLIENT_AT;
			else if (strcmp(optarg, "kannel") == 0)
				cl->mode = CLIENT_KANNEL;
			else if (strcmp(optarg, "list") == 0)
				cl->mode = CLIENT_LIST;
			else
				goto usage;
			break;
		case 'n':
			cl->max_sessions = (size_t)client_num(optarg, 1e7);
			break;
		case 'p':
			cl->prefix = optarg;
			break;
		case 'r':
			cl->rate = client_num(optarg, 1e6);
			break;
		case 's':
			client_steps(cl, optarg);
			break;
		case 't':
			cl->token = optarg;
			break;
		case 'T':
			cl->super_token = optarg;
			break;
		default:
			goto usage;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > CLIENT_MAX_URLS || cl->nw == 0 ||
	    (cl->max_sessions == 0 && cl->seconds == 0) ||
	    (cl->mode == CLIENT_LIST && cl->token == NULL))
		goto usage;
	for (i = 0; i < (size_t)argc; i++)
		if (target_parse(&cl->targets[cl->ntargets++], argv[i]) == -1)
			goto usage;
	if ((cl->base = event_base_new()) == NULL)
		return 1;
	cl->w = calloc(cl->nw, sizeof(*cl->w));
	cl->idle = calloc(cl->nw, sizeof(*cl->idle));
	if (cl->w == NULL || cl->idle == NULL)
		return 1;
	for (i = 0; i < cl->nw; i++) {
		cl->w[i].cl = cl;
		cl->w[i].t = &cl->targets[i % cl->ntargets];
		cl->w[i].conn = evhttp_connection_base_new(cl->base, NULL,
		    cl->w[i].t->host, (unsigned short)cl->w[i].t->port);
		if (cl->w[i].conn == NULL)
			return 1;
		evhttp_connection_set_timeout(cl->w[i].conn, 60);
		cl->w[i].call = i % (CALL_COUNT - 1);
	}
	cl->t0 = bench_now();
	if (cl->rate > 0) {
		for (i = cl->nw; i > 0; i--)
			cl->idle[cl->nidle++] = i - 1;
		cl->tick = event_new(cl->base, -1, EV_PERSIST, client_tick_cb,
		    cl);
		if (cl->tick == NULL || event_add(cl->tick, &tv) == -1)
			return 1;
	} else
		for (i = 0; i < cl->nw; i++)
			worker_send(&cl->w[i], bench_now());
	event_base_dispatch(cl->base);
	t = bench_now() - cl->t0;
	client_report(cl, t);
	for (i = 0; i < cl->nw; i++)
		evhttp_connection_free(cl->w[i].conn);
	if (cl->tick != NULL)
		event_free(cl->tick);
	event_base_free(cl->base);
	return cl->errors > 0 && cl->ok == 0;
usage:
	fprintf(stderr, "usage: client [-m at|kannel|list] [-c conns] "
	    "[-n sessions] [-d secs] [-r rate]\n"
	    "    [-s inputs] [-b first] [-p prefix] [-l label] [-t token] "
	    "[-T token] URL...\n");
	return 1;
}
