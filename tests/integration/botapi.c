/* SPDX-License-Identifier: ISC */
/*
 * botapi: the Telegram Bot API, faked for integration suites. One evhttp
 * server on its own event_base and thread; a mutex guards the recorded
 * requests, the queue of updates and the injected failures, and a
 * condition variable (on the monotonic clock) wakes the test thread
 * waiting for requests. Held long polls live on the server thread only;
 * the test thread reaches them through one user event ("wake"). Nothing
 * here is used by the daemon itself.
 */
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>
#include <jansson.h>

#include "harness.h"
#include "botapi.h"

#define BOTAPI_FIRST_UPDATE	700000001LL	/* Telegram-sized ids */
#define BOTAPI_QUERY_BASE	4000000000000000000LL
#define BOTAPI_LIMIT		100	/* getUpdates' default and maximum */
#define BOTAPI_FLUSH_MS		1000	/* for the last answers, at stop */
#define BOTAPI_BOT_NAME		"Hotline Test Bot"
#define BOTAPI_BOT_USER		"hotline_test_bot"
#define BOTAPI_PRESS_TEXT	"Menu"	/* when sendMessage never sent it */

/* What a method does; the table below maps names to these. */
enum botapi_kind {
	BOTAPI_NONE,		/* unknown method or wrong token: 404 */
	BOTAPI_UPDATES,		/* getUpdates: the queue, long polling */
	BOTAPI_SEND,		/* sendMessage: a numbered message */
	BOTAPI_TRUE,		/* record and answer "result":true */
	BOTAPI_ME		/* getMe: the bot's user object */
};

/* The methods served, by name (Telegram ignores the case of names). */
static const struct {
	const char		*name;
	enum botapi_kind	 kind;
} botapi_methods[] = {
	{ "getUpdates", BOTAPI_UPDATES },
	{ "sendMessage", BOTAPI_SEND },
	{ "answerCallbackQuery", BOTAPI_TRUE },
	{ "editMessageText", BOTAPI_TRUE },
	{ "editMessageReplyMarkup", BOTAPI_TRUE },
	{ "deleteWebhook", BOTAPI_TRUE },
	{ "getMe", BOTAPI_ME },
};

/* One queued update, serialized once when pushed. */
struct botapi_update {
	struct botapi_update	*next;
	long long		 id;
	char			*json;	/* the whole update, compact */
};

/* A chat whose messages fail. */
struct botapi_chat {
	struct botapi_chat	*next;
	long long		 id;
	int			 status;
};

/* One recorded request, in arrival order. */
struct botapi_item {
	struct botapi_item	*next;
	struct botapi_call	 call;
};

/* A getUpdates left waiting for an update or its timeout (thread only). */
struct botapi_poll {
	struct botapi_poll	*next;
	struct botapi		*b;
	struct evhttp_request	*req;
	struct event		*timer;
	long long		 offset;
	int			 limit;
};

struct botapi {
	struct event_base		*base;
	struct evhttp			*evh;
	struct evhttp_bound_socket	*bound;
	struct event			*wake;	/* updates pushed, or stop */
	struct event			*flush;	/* gives up flushing, at stop */
	pthread_t			 thread;
	int				 running;	/* thread started */
	int				 port;
	char				*token;
	long long			 bot_id;	/* from the token */

	/* Server thread only. */
	struct botapi_poll		*polls;
	int				 closing;	/* stop seen */
	int				 flushing;	/* answers unwritten */

	/* Under mu. */
	pthread_mutex_t			 mu;
	pthread_cond_t			 cv;
	int				 stopping;
	struct botapi_item		*head;
	struct botapi_item		**tail;
	struct botapi_update		*updates;
	struct botapi_update		**utail;
	long long			 next_update;
	long long			 last_message;
	int				 fail_n;	/* getUpdates to fail */
	int				 fail_status;
	struct botapi_chat		*chats;
};

static pthread_once_t	 botapi_once = PTHREAD_ONCE_INIT;
static int		 botapi_threads_ok;

/* libevent must know about threads before the base exists. */
static void
botapi_init_threads(void)
{
	botapi_threads_ok = evthread_use_pthreads() == 0;
}

/* strdup that keeps NULL and notes a failure in *oom. */
static char *
botapi_dup(const char *s, int *oom)
{
	char	*d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL)
		*oom = 1;
	return d;
}

/* Whether a recorded method matches a look-up (NULL matches all). */
static int
botapi_match(const char *method, const char *want)
{
	if (want == NULL)
		return 1;
	return strcasecmp(method, want) == 0;
}

/* A decimal integer, whole and in range. Returns 0 or -1. */
static int
botapi_parse_ll(const char *s, long long *v)
{
	char	*end;

	if (*s == '\0')
		return -1;
	errno = 0;
	*v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	return 0;
}

/*
 * An integer parameter: a JSON integer or a decimal string (from a query
 * or a form). Returns 0 with *v set, 1 when absent, -1 when malformed.
 */
static int
botapi_param_ll(json_t *params, const char *key, long long *v)
{
	json_t	*j;

	j = json_object_get(params, key);	/* borrowed */
	if (j == NULL || json_is_null(j))
		return 1;
	if (json_is_integer(j)) {
		*v = (long long)json_integer_value(j);
		return 0;
	}
	if (json_is_string(j))
		return botapi_parse_ll(json_string_value(j), v);
	return -1;
}

/* Put every name=value of a query string or form into params. */
static int
botapi_params_form(json_t *params, const char *s)
{
	struct evkeyvalq	 kv;
	struct evkeyval		*e;
	int			 rc = 0;

	TAILQ_INIT(&kv);
	if (evhttp_parse_query_str(s, &kv) == -1)
		rc = -1;
	TAILQ_FOREACH(e, &kv, next) {
		/* Strings only: the value may not be valid UTF-8. */
		if (json_object_set_new(params, e->key,
		    json_string(e->value)) == -1)
			rc = -1;
	}
	evhttp_clear_headers(&kv);
	return rc;
}

/*
 * Every parameter of a call as one JSON object (a new reference): those
 * of the query, then those of the body, which win. A body is read as JSON
 * or as a form according to its Content-Type and ignored otherwise, as
 * Telegram does. Returns NULL when the query, the form or the JSON is
 * malformed.
 */
static json_t *
botapi_params(const struct botapi_call *c)
{
	json_t		*params = NULL, *body = NULL;
	const char	*ct = c->content_type != NULL ? c->content_type : "";

	params = json_object();
	if (params == NULL)
		goto fail;
	if (*c->query != '\0' && botapi_params_form(params, c->query) == -1)
		goto fail;
	if (c->len == 0)
		return params;
	if (strncasecmp(ct, "application/json", 16) == 0) {
		body = json_loadb(c->body, c->len, 0, NULL);
		if (!json_is_object(body) || json_object_update(params, body)
		    == -1)
			goto fail;
	} else if (strncasecmp(ct, "application/x-www-form-urlencoded", 33)
	    == 0) {
		if (botapi_params_form(params, c->body) == -1)
			goto fail;
	}
	json_decref(body);
	return params;
fail:
	json_decref(body);
	json_decref(params);
	return NULL;
}

/* The reason phrase of a status line. */
static const char *
botapi_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 409:
		return "Conflict";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 502:
		return "Bad Gateway";
	default:
		return "Error";
	}
}

/* What Telegram says with a status, when the caller has nothing better. */
static const char *
botapi_description(int status)
{
	switch (status) {
	case 400:
		return "Bad Request: chat not found";
	case 403:
		return "Forbidden: bot can't initiate conversation with a user";
	case 409:
		return "Conflict: terminated by other getUpdates request; "
		    "make sure that only one bot instance is running";
	case 429:
		return "Too Many Requests: retry after 1";
	default:
		return botapi_reason(status);
	}
}

/* Send a JSON answer (a status and a body) and release the body. */
static void
botapi_reply(struct evhttp_request *req, int status, struct evbuffer *out)
{
	/* A request whose client left is freed by the send, not written. */
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "application/json");
	evhttp_send_reply(req, status, botapi_reason(status), out);
	if (out != NULL)
		evbuffer_free(out);
}

/* Send a JSON value (borrowed) with a status. */
static void
botapi_reply_json(struct evhttp_request *req, int status, json_t *j)
{
	struct evbuffer	*out;
	char		*s = NULL;

	out = evbuffer_new();
	if (j != NULL)
		s = json_dumps(j, JSON_COMPACT);
	if (out == NULL || s == NULL) {
		free(s);
		if (out != NULL)
			evbuffer_free(out);
		evhttp_send_error(req, 500, "out of memory");
		return;
	}
	evbuffer_add(out, s, strlen(s));
	free(s);
	botapi_reply(req, status, out);
}

/*
 * Send Telegram's error object; description NULL for the usual one of
 * status. A 429 carries parameters.retry_after, as Telegram's does.
 */
static void
botapi_reply_error(struct evhttp_request *req, int status,
    const char *description)
{
	json_t	*j;

	if (description == NULL)
		description = botapi_description(status);
	j = json_pack("{s:b,s:i,s:s}", "ok", 0, "error_code", status,
	    "description", description);	/* new */
	if (j != NULL && status == 429)
		json_object_set_new(j, "parameters", json_pack("{s:i}",
		    "retry_after", 1));
	botapi_reply_json(req, status, j);
	json_decref(j);
}

/* Send {"ok":true,"result":<result>}, taking the reference to result. */
static void
botapi_reply_result(struct evhttp_request *req, json_t *result)
{
	json_t	*j;

	j = json_pack("{s:b,s:o}", "ok", 1, "result", result);	/* new */
	botapi_reply_json(req, 200, j);
	json_decref(j);
}

/* The bot's own user object (a new reference). */
static json_t *
botapi_me(const struct botapi *b)
{
	return json_pack("{s:I,s:b,s:s,s:s}", "id", (json_int_t)b->bot_id,
	    "is_bot", 1, "first_name", BOTAPI_BOT_NAME, "username",
	    BOTAPI_BOT_USER);
}

/* Keep a finished record and wake the waiters (with the lock held). */
static void
botapi_keep_locked(struct botapi *b, struct botapi_item *it)
{
	*b->tail = it;
	b->tail = &it->next;
	pthread_cond_broadcast(&b->cv);
}

/*
 * Forget the updates that offset confirms and write the answer for it:
 * {"ok":true,"result":[...]} with at most limit updates, the first with an
 * id at least offset (offset 0: from the oldest; -n: the newest n, the
 * others being forgotten). Runs with the lock held. Returns how many
 * updates went in, or -1 out of memory.
 */
static int
botapi_select_locked(struct botapi *b, long long offset, int limit,
    struct evbuffer *out)
{
	struct botapi_update	*u;
	size_t			 n = 0, drop = 0;
	int			 k = 0;

	if (offset < 0) {
		for (u = b->updates; u != NULL; u = u->next)
			n++;
		if (n > (size_t)(-(offset + 1)) + 1)
			drop = n - ((size_t)(-(offset + 1)) + 1);
	}
	while ((u = b->updates) != NULL && (drop > 0 ||
	    (offset > 0 && u->id < offset))) {
		b->updates = u->next;
		free(u->json);
		free(u);
		if (drop > 0)
			drop--;
	}
	if (b->updates == NULL)
		b->utail = &b->updates;

	if (evbuffer_add_printf(out, "{\"ok\":true,\"result\":[") == -1)
		return -1;
	for (u = b->updates; u != NULL && k < limit; u = u->next) {
		if (evbuffer_add_printf(out, "%s%s", k > 0 ? "," : "",
		    u->json) == -1)
			return -1;
		k++;
	}
	if (evbuffer_add_printf(out, "]}") == -1)
		return -1;
	return k;
}

/* Unlink a held poll from the list and free it (not its request). */
static void
botapi_poll_free(struct botapi_poll *p)
{
	struct botapi_poll	**pp;

	for (pp = &p->b->polls; *pp != NULL; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	if (p->timer != NULL)
		event_free(p->timer);
	free(p);
}

/* All answers written at stop: the loop may end. */
static void
botapi_flushed_cb(struct evhttp_request *req, void *arg)
{
	struct botapi	*b = arg;

	(void)req;
	b->flushing--;
	if (b->flushing == 0 && b->closing)
		event_base_loopbreak(b->base);
}

/*
 * Answer a held poll if it has updates now, or with none at all when
 * forced (its timeout, or stop); then it is freed. Returns 1 if it was
 * answered.
 */
static int
botapi_poll_try(struct botapi_poll *p, int force)
{
	struct botapi		*b = p->b;
	struct evbuffer		*out;
	int			 n;

	out = evbuffer_new();
	if (out == NULL)
		return 0;	/* try again on the next wake or time-out */
	pthread_mutex_lock(&b->mu);
	n = botapi_select_locked(b, p->offset, p->limit, out);
	pthread_mutex_unlock(&b->mu);
	if (n == 0 && !force) {
		evbuffer_free(out);
		return 0;
	}
	/*
	 * At stop, count the answers still to be written, so that the loop
	 * ends only once they are (or after BOTAPI_FLUSH_MS).
	 */
	if (b->closing && evhttp_request_get_connection(p->req) != NULL) {
		evhttp_request_set_on_complete_cb(p->req, botapi_flushed_cb,
		    b);
		b->flushing++;
	}
	if (n == -1) {
		evbuffer_free(out);
		botapi_reply_error(p->req, 500, NULL);
	} else
		botapi_reply(p->req, 200, out);
	botapi_poll_free(p);
	return 1;
}

/* A held poll's timeout has come: answer it, empty. */
static void
botapi_poll_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	botapi_poll_try(arg, 1);
}

/* Flushing at stop took too long: end the loop anyway. */
static void
botapi_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	struct botapi	*b = arg;

	(void)fd;
	(void)what;
	event_base_loopbreak(b->base);
}

/*
 * Updates were pushed, or stop was asked for: answer the held polls that
 * can be answered (all of them at stop). Runs on the thread.
 */
static void
botapi_wake_cb(evutil_socket_t fd, short what, void *arg)
{
	struct botapi		*b = arg;
	struct botapi_poll	*p, *next;
	struct timeval		 tv;

	(void)fd;
	(void)what;
	pthread_mutex_lock(&b->mu);
	b->closing = b->stopping;
	pthread_mutex_unlock(&b->mu);
	for (p = b->polls; p != NULL; p = next) {
		next = p->next;		/* p may be freed */
		botapi_poll_try(p, b->closing);
	}
	if (!b->closing)
		return;
	if (b->flushing == 0) {
		event_base_loopbreak(b->base);
		return;
	}
	tv.tv_sec = BOTAPI_FLUSH_MS / 1000;
	tv.tv_usec = (BOTAPI_FLUSH_MS % 1000) * 1000;
	if (evtimer_add(b->flush, &tv) == -1)
		event_base_loopbreak(b->base);
}

/* getUpdates: answer from the queue, fail as told, or hold the request. */
static void
botapi_updates(struct botapi *b, struct evhttp_request *req,
    struct botapi_item *it, json_t *params)
{
	struct botapi_poll	*p = NULL;
	struct evbuffer		*out = NULL;
	struct timeval		 tv;
	long long		 offset = 0, timeout = 0, limit = BOTAPI_LIMIT;
	int			 n = 0, status = 200, stopping;

	if (botapi_param_ll(params, "offset", &offset) == -1 ||
	    botapi_param_ll(params, "timeout", &timeout) == -1 ||
	    botapi_param_ll(params, "limit", &limit) == -1)
		status = 400;
	if (timeout < 0)
		timeout = 0;
	if (timeout > INT_MAX)
		timeout = INT_MAX;
	if (limit < 1 || limit > BOTAPI_LIMIT)
		limit = BOTAPI_LIMIT;
	out = evbuffer_new();
	if (out == NULL)
		status = 500;

	pthread_mutex_lock(&b->mu);
	it->call.offset = offset;
	it->call.timeout = (int)timeout;
	if (status == 200 && b->fail_n > 0) {
		/* A failed call confirms nothing: the queue stays. */
		b->fail_n--;
		status = b->fail_status;
	}
	if (status == 200) {
		n = botapi_select_locked(b, offset, (int)limit, out);
		if (n == -1)
			status = 500;
	}
	stopping = b->stopping;
	it->call.status = status;
	botapi_keep_locked(b, it);
	pthread_mutex_unlock(&b->mu);

	if (status != 200) {
		if (out != NULL)
			evbuffer_free(out);
		botapi_reply_error(req, status, status == 400 ?
		    "Bad Request: wrong parameter" : NULL);
		return;
	}
	if (n > 0 || timeout == 0 || stopping || b->closing)
		goto answer;

	/*
	 * Nothing to give: hold the request. An update pushed meanwhile
	 * activates "wake", whose callback runs after this one on this
	 * thread and so finds the poll in the list.
	 */
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		goto answer;
	p->b = b;
	p->req = req;
	p->offset = offset;
	p->limit = (int)limit;
	p->timer = evtimer_new(b->base, botapi_poll_cb, p);
	tv.tv_sec = (time_t)timeout;
	tv.tv_usec = 0;
	if (p->timer == NULL || evtimer_add(p->timer, &tv) == -1) {
		if (p->timer != NULL)
			event_free(p->timer);
		free(p);
		goto answer;
	}
	p->next = b->polls;
	b->polls = p;
	evbuffer_free(out);
	return;
answer:
	botapi_reply(req, 200, out);
}

/* The failure status set for a chat (with the lock held), or 0. */
static int
botapi_chat_status_locked(struct botapi *b, long long id)
{
	struct botapi_chat	*c;

	for (c = b->chats; c != NULL; c = c->next)
		if (c->id == id)
			return c->status;
	return 0;
}

/* sendMessage: number the message and echo it, or fail as told. */
static void
botapi_send(struct botapi *b, struct evhttp_request *req,
    struct botapi_item *it, json_t *params)
{
	json_t		*chat, *text, *msg = NULL, *id = NULL;
	const char	*why = NULL;
	long long	 chat_id = 0, message_id = 0;
	int		 status = 200, numeric;

	chat = json_object_get(params, "chat_id");	/* borrowed */
	text = json_object_get(params, "text");		/* borrowed */
	numeric = botapi_param_ll(params, "chat_id", &chat_id) == 0;
	if (chat == NULL || (json_is_string(chat) &&
	    *json_string_value(chat) == '\0') || (!numeric &&
	    !json_is_string(chat))) {
		status = 400;
		why = "Bad Request: chat_id is empty";
	} else if (!json_is_string(text) || *json_string_value(text) ==
	    '\0') {
		status = 400;
		why = "Bad Request: message text is empty";
	}
	/* A numeric id comes back as a number; "@name" as it was given. */
	if (status == 200)
		id = numeric ? json_integer(chat_id) : json_copy(chat);

	pthread_mutex_lock(&b->mu);
	if (status == 200 && numeric)
		status = botapi_chat_status_locked(b, chat_id);
	if (status == 0)
		status = 200;
	if (status == 200)
		message_id = ++b->last_message;
	it->call.message_id = message_id;
	it->call.status = status;
	botapi_keep_locked(b, it);
	pthread_mutex_unlock(&b->mu);

	if (status != 200) {
		json_decref(id);
		botapi_reply_error(req, status, why);
		return;
	}
	msg = json_pack("{s:I,s:o,s:{s:o,s:s},s:I,s:O}",
	    "message_id", (json_int_t)message_id, "from", botapi_me(b),
	    "chat", "id", id, "type", "group", "date", (json_int_t)time(NULL),
	    "text", text);	/* new; takes from and id */
	if (msg != NULL && json_object_get(params, "reply_markup") != NULL)
		json_object_set(msg, "reply_markup",
		    json_object_get(params, "reply_markup"));
	botapi_reply_result(req, msg);
}

/* Find what a path names: a method of our token, or nothing. */
static enum botapi_kind
botapi_route(const struct botapi *b, const char *path, const char **name,
    size_t *namelen)
{
	const char	*tok, *slash, *m;
	size_t		 i, toklen = strlen(b->token);

	*name = "";
	*namelen = 0;
	if (strncmp(path, "/bot", 4) != 0)
		return BOTAPI_NONE;
	tok = path + 4;
	slash = strchr(tok, '/');
	if (slash == NULL || (size_t)(slash - tok) != toklen ||
	    strncmp(tok, b->token, toklen) != 0)
		return BOTAPI_NONE;
	m = slash + 1;
	*name = m;
	*namelen = strlen(m);
	for (i = 0; i < sizeof(botapi_methods) / sizeof(botapi_methods[0]);
	    i++)
		if (strcasecmp(m, botapi_methods[i].name) == 0)
			return botapi_methods[i].kind;
	return BOTAPI_NONE;
}

/* Record one request and answer it as its method does. Runs on the thread. */
static void
botapi_request_cb(struct evhttp_request *req, void *arg)
{
	struct botapi			*b = arg;
	struct botapi_item		*it;
	struct evbuffer			*body;
	const struct evhttp_uri		*uri;
	const char			*path, *query, *name;
	json_t				*params = NULL, *me;
	enum botapi_kind		 kind;
	size_t				 len, namelen;
	int				 oom = 0;

	it = calloc(1, sizeof(*it));
	if (it == NULL) {
		evhttp_send_error(req, 500, "out of memory");
		return;
	}
	uri = evhttp_request_get_evhttp_uri(req);
	path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	if (path == NULL || *path == '\0')
		path = "/";
	query = uri != NULL ? evhttp_uri_get_query(uri) : NULL;
	kind = botapi_route(b, path, &name, &namelen);

	it->call.at_ms = harness_now_ms();
	it->call.method = strndup(name, namelen);
	if (it->call.method == NULL)
		oom = 1;
	it->call.path = botapi_dup(path, &oom);
	it->call.query = botapi_dup(query != NULL ? query : "", &oom);
	it->call.content_type = botapi_dup(evhttp_find_header(
	    evhttp_request_get_input_headers(req), "Content-Type"), &oom);
	body = evhttp_request_get_input_buffer(req);
	len = evbuffer_get_length(body);
	it->call.body = malloc(len + 1);
	if (it->call.body == NULL)
		oom = 1;
	else {
		if (len > 0)
			evbuffer_copyout(body, it->call.body, len);
		it->call.body[len] = '\0';
		it->call.len = len;
	}
	if (oom) {
		botapi_call_clear(&it->call);
		free(it);
		evhttp_send_error(req, 500, "out of memory");
		return;
	}

	if (kind != BOTAPI_NONE) {
		params = botapi_params(&it->call);	/* new */
		if (params == NULL) {
			it->call.status = 400;
			kind = BOTAPI_NONE;
		}
	} else
		it->call.status = 404;

	switch (kind) {
	case BOTAPI_UPDATES:
		botapi_updates(b, req, it, params);
		break;
	case BOTAPI_SEND:
		botapi_send(b, req, it, params);
		break;
	case BOTAPI_TRUE:
	case BOTAPI_ME:
		me = kind == BOTAPI_ME ? botapi_me(b) : json_true();
		it->call.status = 200;
		pthread_mutex_lock(&b->mu);
		botapi_keep_locked(b, it);
		pthread_mutex_unlock(&b->mu);
		botapi_reply_result(req, me);
		break;
	case BOTAPI_NONE:
		pthread_mutex_lock(&b->mu);
		botapi_keep_locked(b, it);
		pthread_mutex_unlock(&b->mu);
		if (it->call.status == 400)
			botapi_reply_error(req, 400,
			    "Bad Request: can't parse request body");
		else
			botapi_reply_error(req, 404, NULL);
		break;
	}
	json_decref(params);
}

/* The server thread: run the loop until stop breaks it. */
static void *
botapi_main(void *arg)
{
	struct botapi	*b = arg;
	sigset_t	 set;

	/*
	 * Answering a poll whose client hung up may write to a dead socket;
	 * that must fail with EPIPE here, not kill the test with SIGPIPE.
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	event_base_loop(b->base, EVLOOP_NO_EXIT_ON_EMPTY);
	return NULL;
}

/* Free everything the thread does not own any more. */
static void
botapi_free(struct botapi *b)
{
	struct botapi_item	*it;
	struct botapi_update	*u;
	struct botapi_chat	*c;
	struct botapi_poll	*p;

	/*
	 * Polls left (none after a stop that ran) lose their timers here;
	 * their requests belong to evhttp, which frees them with the
	 * connections.
	 */
	while ((p = b->polls) != NULL) {
		b->polls = p->next;
		event_free(p->timer);
		free(p);
	}
	if (b->wake != NULL)
		event_free(b->wake);
	if (b->flush != NULL)
		event_free(b->flush);
	if (b->evh != NULL)
		evhttp_free(b->evh);
	if (b->base != NULL)
		event_base_free(b->base);
	while ((it = b->head) != NULL) {
		b->head = it->next;
		botapi_call_clear(&it->call);
		free(it);
	}
	while ((u = b->updates) != NULL) {
		b->updates = u->next;
		free(u->json);
		free(u);
	}
	while ((c = b->chats) != NULL) {
		b->chats = c->next;
		free(c);
	}
	free(b->token);
	pthread_cond_destroy(&b->cv);
	pthread_mutex_destroy(&b->mu);
	free(b);
}

/* Start the server and its thread. */
struct botapi *
botapi_start(const char *token)
{
	struct botapi		*b;
	struct sockaddr_in	 sin;
	socklen_t		 slen = sizeof(sin);
	pthread_condattr_t	 ca;
	char			*end;

	pthread_once(&botapi_once, botapi_init_threads);
	if (!botapi_threads_ok) {
		fprintf(stderr, "botapi: evthread_use_pthreads failed\n");
		return NULL;
	}
	if (token == NULL || *token == '\0' || strchr(token, '/') != NULL) {
		fprintf(stderr, "botapi: bad token\n");
		return NULL;
	}
	b = calloc(1, sizeof(*b));
	if (b == NULL)
		return NULL;
	b->tail = &b->head;
	b->utail = &b->updates;
	b->next_update = BOTAPI_FIRST_UPDATE;
	pthread_mutex_init(&b->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&b->cv, &ca);
	pthread_condattr_destroy(&ca);

	b->token = strdup(token);
	if (b->token == NULL)
		goto fail;
	/* Telegram's tokens start with the bot's id: "123456:ABC...". */
	b->bot_id = strtoll(token, &end, 10);
	if (*end != ':' || b->bot_id <= 0)
		b->bot_id = 1;

	b->base = event_base_new();
	if (b->base == NULL)
		goto fail;
	b->wake = event_new(b->base, -1, 0, botapi_wake_cb, b);
	b->flush = evtimer_new(b->base, botapi_flush_cb, b);
	b->evh = evhttp_new(b->base);
	if (b->wake == NULL || b->flush == NULL || b->evh == NULL)
		goto fail;
	evhttp_set_allowed_methods(b->evh, EVHTTP_REQ_GET | EVHTTP_REQ_POST);
	/* Longer than any poll a suite holds, so evhttp never cuts one. */
	evhttp_set_timeout(b->evh, 3600);
	evhttp_set_gencb(b->evh, botapi_request_cb, b);
	b->bound = evhttp_bind_socket_with_handle(b->evh, "127.0.0.1", 0);
	if (b->bound == NULL) {
		fprintf(stderr, "botapi: cannot listen on 127.0.0.1\n");
		goto fail;
	}
	if (getsockname(evhttp_bound_socket_get_fd(b->bound),
	    (struct sockaddr *)&sin, &slen) == -1 ||
	    sin.sin_family != AF_INET) {
		fprintf(stderr, "botapi: getsockname: %s\n", strerror(errno));
		goto fail;
	}
	b->port = ntohs(sin.sin_port);
	if (pthread_create(&b->thread, NULL, botapi_main, b) != 0) {
		fprintf(stderr, "botapi: cannot start its thread\n");
		goto fail;
	}
	b->running = 1;
	return b;
fail:
	botapi_free(b);
	return NULL;
}

/* The port. */
int
botapi_port(const struct botapi *b)
{
	return b->port;
}

/*
 * Give upd (taken) the next update_id and queue it, with the lock held.
 * Returns the id, or -1.
 */
static long long
botapi_queue_locked(struct botapi *b, json_t *upd)
{
	struct botapi_update	*u = NULL;
	json_t			*whole = NULL;
	long long		 id = b->next_update;

	if (upd == NULL)
		return -1;
	/* update_id first, as Telegram writes it. */
	json_object_del(upd, "update_id");
	whole = json_pack("{s:I}", "update_id", (json_int_t)id); /* new */
	u = calloc(1, sizeof(*u));
	if (whole == NULL || u == NULL || json_object_update(whole, upd) == -1)
		goto fail;
	u->id = id;
	u->json = json_dumps(whole, JSON_COMPACT);
	if (u->json == NULL)
		goto fail;
	json_decref(whole);
	json_decref(upd);
	*b->utail = u;
	b->utail = &u->next;
	b->next_update++;
	return id;
fail:
	free(u);
	json_decref(whole);
	json_decref(upd);
	return -1;
}

/* Tell the thread that updates came, so held polls get them now. */
static void
botapi_kick(struct botapi *b)
{
	/* Thread-safe: libevent locks the base and wakes its loop. */
	event_active(b->wake, EV_READ, 0);
}

/*
 * The text sendMessage got for message_id, with the lock held (a new
 * reference), or NULL.
 */
static json_t *
botapi_sent_text_locked(struct botapi *b, long long message_id)
{
	struct botapi_item	*it;
	json_t			*params, *text = NULL;

	for (it = b->head; it != NULL; it = it->next) {
		if (it->call.message_id != message_id ||
		    strcasecmp(it->call.method, "sendMessage") != 0)
			continue;
		params = botapi_params(&it->call);	/* new */
		text = json_incref(json_object_get(params, "text"));
		json_decref(params);
		break;
	}
	return text;
}

/* Queue a button press. */
long long
botapi_press(struct botapi *b, long long from_id, const char *from_name,
    long long chat_id, long long message_id, const char *data)
{
	json_t		*upd, *text;
	char		 qid[32], inst[32];
	long long	 id;

	if (from_name == NULL)
		from_name = "Tester";
	if (data == NULL)
		data = "";
	/* Telegram's chat_instance is opaque, one per chat. */
	snprintf(inst, sizeof(inst), "%lld", chat_id < 0 ? -chat_id :
	    chat_id);
	pthread_mutex_lock(&b->mu);
	botapi_query_id(b->next_update, qid, sizeof(qid));
	text = botapi_sent_text_locked(b, message_id);	/* new */
	if (text == NULL)
		text = json_string(BOTAPI_PRESS_TEXT);
	upd = json_pack("{s:{s:s,s:{s:I,s:b,s:s},s:{s:I,s:o,s:{s:I,s:s},"
	    "s:I,s:o},s:s,s:s}}", "callback_query",
	    "id", qid,
	    "from", "id", (json_int_t)from_id, "is_bot", 0, "first_name",
	    from_name,
	    "message", "message_id", (json_int_t)message_id,
	    "from", botapi_me(b),
	    "chat", "id", (json_int_t)chat_id, "type", "group",
	    "date", (json_int_t)time(NULL),
	    "text", text,
	    "chat_instance", inst,
	    "data", data);	/* new; takes the bot and text */
	id = botapi_queue_locked(b, upd);
	pthread_mutex_unlock(&b->mu);
	if (id != -1)
		botapi_kick(b);
	return id;
}

/* Queue any update. */
long long
botapi_push(struct botapi *b, const char *json)
{
	json_t		*upd;
	long long	 id;

	upd = json_loads(json, 0, NULL);	/* new */
	if (!json_is_object(upd)) {
		json_decref(upd);
		return -1;
	}
	pthread_mutex_lock(&b->mu);
	id = botapi_queue_locked(b, upd);
	pthread_mutex_unlock(&b->mu);
	if (id != -1)
		botapi_kick(b);
	return id;
}

/* The callback_query id of an update. */
char *
botapi_query_id(long long update_id, char *buf, size_t size)
{
	snprintf(buf, size, "%lld", BOTAPI_QUERY_BASE + update_id);
	return buf;
}

/* Updates not confirmed yet. */
size_t
botapi_pending(struct botapi *b)
{
	struct botapi_update	*u;
	size_t			 n = 0;

	pthread_mutex_lock(&b->mu);
	for (u = b->updates; u != NULL; u = u->next)
		n++;
	pthread_mutex_unlock(&b->mu);
	return n;
}

/* Fail the next n getUpdates with status. */
void
botapi_fail_updates(struct botapi *b, int n, int status)
{
	pthread_mutex_lock(&b->mu);
	b->fail_n = n > 0 ? n : 0;
	b->fail_status = status;
	pthread_mutex_unlock(&b->mu);
}

/* Fail (or stop failing) the messages to one chat. */
void
botapi_fail_chat(struct botapi *b, long long chat_id, int status)
{
	struct botapi_chat	*c, **cp;

	pthread_mutex_lock(&b->mu);
	for (cp = &b->chats; *cp != NULL; cp = &(*cp)->next)
		if ((*cp)->id == chat_id)
			break;
	c = *cp;
	if (c != NULL && status == 0) {
		*cp = c->next;
		free(c);
	} else if (c != NULL)
		c->status = status;
	else if (status != 0) {
		c = calloc(1, sizeof(*c));
		if (c != NULL) {
			c->id = chat_id;
			c->status = status;
			c->next = b->chats;
			b->chats = c;
		} else
			fprintf(stderr, "botapi: out of memory\n");
	}
	pthread_mutex_unlock(&b->mu);
}

/* Count with the lock held. */
static size_t
botapi_count_locked(struct botapi *b, const char *method)
{
	struct botapi_item	*it;
	size_t			 n = 0;

	for (it = b->head; it != NULL; it = it->next)
		if (botapi_match(it->call.method, method))
			n++;
	return n;
}

/* Requests recorded for method. */
size_t
botapi_count(struct botapi *b, const char *method)
{
	size_t	 n;

	pthread_mutex_lock(&b->mu);
	n = botapi_count_locked(b, method);
	pthread_mutex_unlock(&b->mu);
	return n;
}

/* Wait for count requests for method, within a bound. */
int
botapi_wait(struct botapi *b, const char *method, size_t count,
    int timeout_ms)
{
	struct timespec	 dl;
	int		 rc = 0;

	harness_deadline(&dl, timeout_ms);
	pthread_mutex_lock(&b->mu);
	while (botapi_count_locked(b, method) < count) {
		if (pthread_cond_timedwait(&b->cv, &b->mu, &dl) == ETIMEDOUT) {
			if (botapi_count_locked(b, method) < count)
				rc = -1;
			break;
		}
	}
	pthread_mutex_unlock(&b->mu);
	return rc;
}

/* Copy the i-th request for method. */
int
botapi_get(struct botapi *b, const char *method, size_t i,
    struct botapi_call *out)
{
	struct botapi_item	*it;
	size_t			 n = 0;
	int			 oom = 0, rc = -1;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&b->mu);
	for (it = b->head; it != NULL; it = it->next) {
		if (!botapi_match(it->call.method, method))
			continue;
		if (n++ < i)
			continue;
		*out = it->call;	/* the numbers; strings copied below */
		out->method = botapi_dup(it->call.method, &oom);
		out->path = botapi_dup(it->call.path, &oom);
		out->content_type = botapi_dup(it->call.content_type, &oom);
		out->query = botapi_dup(it->call.query, &oom);
		out->body = malloc(it->call.len + 1);
		if (out->body == NULL)
			oom = 1;
		else
			memcpy(out->body, it->call.body, it->call.len + 1);
		rc = oom ? -1 : 0;
		break;
	}
	pthread_mutex_unlock(&b->mu);
	if (rc == -1)
		botapi_call_clear(out);
	return rc;
}

/* Free a copy. */
void
botapi_call_clear(struct botapi_call *c)
{
	free(c->method);
	free(c->path);
	free(c->content_type);
	free(c->body);
	free(c->query);
	memset(c, 0, sizeof(*c));
}

/* Answer held polls, stop the thread and free everything. */
void
botapi_stop(struct botapi *b)
{
	if (b == NULL)
		return;
	if (b->running) {
		/*
		 * The loop answers its held polls itself (evhttp is not ours
		 * to touch from here) and ends once they are written.
		 */
		pthread_mutex_lock(&b->mu);
		b->stopping = 1;
		pthread_mutex_unlock(&b->mu);
		botapi_kick(b);
		pthread_join(b->thread, NULL);
		b->running = 0;
	}
	botapi_free(b);
}
