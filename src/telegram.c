/* SPDX-License-Identifier: ISC */
/*
 * telegram: button presses under Telegram alerts (aggregators.md §8.2).
 *
 * Polling: one getUpdates long poll at a time, through fetch on the loop.
 * Its offset (the next update_id wanted) is read from the store at start
 * and written back after each batch, so a restart neither loses presses
 * nor handles them twice (a claim repeated by its claimant is harmless
 * anyway). Failures back off from 1 s to a minute, with jitter.
 *
 * A press: "claim:REF" or "open:REF" in callback_data. The presser's user
 * id must be a roster person's telegram_id, a counsellor on duty or a
 * supervisor. A claim goes to the store like any other (one winner); the
 * press is always answered (answerCallbackQuery), the winner gets a
 * one-time console link in her private chat with the bot, and the alerts
 * of the request, as far as this run sent them, are edited to say who has
 * it. Messages sent are remembered in memory only: after a restart an
 * older alert keeps its buttons, and a press on it is told who has it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <jansson.h>
#include <sodium.h>

#include "clock.h"
#include "conf.h"
#include "console.h"
#include "fetch.h"
#include "lease.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "notify.h"
#include "notify_common.h"
#include "notify_telegram.h"
#include "roster.h"
#include "store.h"
#include "telegram.h"

#define TG_OFFSET_KEY	"state.telegram.offset"
#define TG_MSGS		512	/* alert messages remembered */
#define TG_BACKOFF_CAP	60	/* seconds */
#define TG_IDLE_CHECK	5	/* seconds between looks when not polling */
#define TG_REF_MAX	16
#define TG_PEOPLE	256
#define TG_MAX_BODY	65536

/* An alert message sent, to edit once its request is claimed. */
struct tg_msg {
	char		 ref[TG_REF_MAX];
	long long	 chat;
	long long	 id;
};

struct telegram {
	struct event_base	*base;
	struct fetch		*fetch;
	struct store		*store;
	const struct hclock	*clock;
	struct conf *const	*confp;
	const struct lease	*lease;		/* NULL: always ours */
	struct console		*console;
	struct metrics		*metrics;	/* or NULL */
	const char		*base_url;
	struct event		*timer;		/* the next poll */
	int			 busy;		/* a poll or the offset read */
	int			 loaded;	/* offset read from the store */
	long long		 offset;
	long long		 saved;		/* offset last written */
	int			 failures;	/* polls failed in a row */
	long long		 last_hook;	/* highest update by webhook */
	struct tg_msg		 msgs[TG_MSGS];
	size_t			 nextmsg;
};

/* One press, from the update to its answer. */
struct tg_press {
	struct telegram	*t;
	char		 query[128];	/* callback_query id */
	long long	 from;		/* the presser's user id */
	long long	 chat;		/* the message pressed, 0 if none */
	long long	 msg;
	char		 ref[TG_REF_MAX];
	char		 who[64];	/* roster id */
};

static void	tg_poll(struct telegram *);

/* Run tg_poll after secs seconds. */
static void
tg_later(struct telegram *t, long secs)
{
	struct timeval	 tv = { secs, 0 };

	if (t->timer != NULL)
		evtimer_add(t->timer, &tv);
}

/* The timer. */
static void
tg_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	tg_poll(arg);
}

/* Create the receiver. */
struct telegram *
telegram_new(struct event_base *base, struct fetch *f, struct store *st,
    const struct hclock *clock, struct conf *const *confp,
    struct console *console, const char *base_url)
{
	struct telegram	*t;

	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->base = base;
	t->fetch = f;
	t->store = st;
	t->clock = clock;
	t->confp = confp;
	t->console = console;
	t->base_url = base_url;
	t->timer = evtimer_new(base, tg_timer_cb, t);
	if (t->timer == NULL) {
		free(t);
		return NULL;
	}
	return t;
}

/* Free it. */
void
telegram_free(struct telegram *t)
{
	if (t == NULL)
		return;
	event_free(t->timer);
	free(t);
}

/* The bot's settings in the configuration of now (borrowed). */
static const struct notify_telegram_bot *
tg_bot(const struct telegram *t)
{
	return notify_conf_state(conf_notify(*t->confp), &notify_telegram);
}

/* A Bot API call ended: only a failure is worth a line. */
static void
tg_called_cb(const struct fetch_result *res, void *arg)
{
	const char	*method = arg;

	if (res->status != 200)
		log_info("telegram: %s failed (%s%ld)", method,
		    res->status == 0 ? "no response, " : "HTTP ",
		    res->status == 0 ? (long)res->curl_code : res->status);
}

/*
 * Call method (a string literal: it is the completion's argument, so that
 * nothing is left to free when the daemon stops with the call in flight)
 * with body (stolen), fire and forget.
 */
static void
tg_call(struct telegram *t, const char *method, json_t *body)
{
	struct fetch_request	 req;
	const char		*hdrs[] = { "Content-Type: application/json",
				    NULL };
	const char		*cause = NULL;
	char			*url = NULL, *s = NULL;

	if (body == NULL)
		return;
	s = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (s == NULL || notify_telegram_url(tg_bot(t), method,
	    &url, &cause) == -1)
		goto fail;
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = url;
	req.headers = hdrs;
	req.body = s;
	req.body_len = strlen(s);
	if (fetch_start(t->fetch, &req, tg_called_cb, (void *)method) == -1)
		goto fail;
	notify_wipe_free(url);
	free(s);
	return;
fail:
	log_info("telegram: cannot call %s (%s)", method, cause ? cause :
	    "out of memory");
	notify_wipe_free(url);
	free(s);
}

/* Answer a press; every press is answered, or the button spins. */
static void
tg_answer(struct telegram *t, const char *query, const char *text, int alert)
{
	tg_call(t, "answerCallbackQuery", json_pack("{s:s, s:s, s:b}",
	    "callback_query_id", query, "text", text, "show_alert", alert));
}

/* Send roster person p (Telegram user from) a one-time link to ref. */
static void
tg_link(struct telegram *t, const struct roster_person *p, long long from,
    const char *ref, const char *lead)
{
	char	 link[512], *text;
	int	 ttl = conf_console(*t->confp)->link_ttl;

	if (t->console == NULL || console_link(t->console, t->base_url, p->id,
	    ref, link, sizeof(link)) == -1)
		return;
	if (asprintf(&text, "%s\nOpen request %s in the console (a link for "
	    "you alone, once, within %d minutes):\n%s", lead, ref,
	    ttl / 60 > 0 ? ttl / 60 : 1, link) == -1)
		text = NULL;
	sodium_memzero(link, sizeof(link));
	if (text == NULL)
		return;
	/* Her private chat: the chat id of a user is her user id. */
	tg_call(t, "sendMessage", json_pack("{s:I, s:s, s:b, s:{s:b}}",
	    "chat_id", (json_int_t)from, "text", text, "protect_content", 1,
	    "link_preview_options", "is_disabled", 1));
	sodium_memzero(text, strlen(text));
	free(text);
}

/* Remember an alert message of ref. */
static void
tg_remember(struct telegram *t, const char *ref, long long chat, long long id)
{
	struct tg_msg	*m;
	size_t		 i;

	for (i = 0; i < TG_MSGS; i++)
		if (t->msgs[i].chat == chat && t->msgs[i].id == id)
			return;
	m = &t->msgs[t->nextmsg];
	t->nextmsg = (t->nextmsg + 1) % TG_MSGS;
	snprintf(m->ref, sizeof(m->ref), "%s", ref);
	m->chat = chat;
	m->id = id;
}

/* An alert was sent: remember where, from the sendMessage answer. */
void
telegram_sent(struct telegram *t, const char *ref, const char *body)
{
	json_t		*o, *res;
	json_error_t	 err;
	json_int_t	 chat, id;

	if (body == NULL || (o = json_loads(body, 0, &err)) == NULL)
		return;
	res = json_object_get(o, "result");
	id = json_integer_value(json_object_get(res, "message_id"));
	chat = json_integer_value(json_object_get(json_object_get(res,
	    "chat"), "id"));
	if (json_is_true(json_object_get(o, "ok")) && id > 0 && chat != 0)
		tg_remember(t, ref, (long long)chat, (long long)id);
	json_decref(o);
}

/* Edit every remembered alert of ref to say who has it. */
void
telegram_claimed(struct telegram *t, const char *ref, const char *who)
{
	const struct roster		*r = conf_roster(*t->confp);
	const struct roster_person	*p;
	char				 text[256];
	size_t				 i;

	p = r != NULL ? roster_find(r, who) : NULL;
	snprintf(text, sizeof(text), "Hotline callback request %s: claimed by "
	    "%s.", ref, p != NULL ? p->name : who);
	for (i = 0; i < TG_MSGS; i++) {
		if (t->msgs[i].id == 0 || strcmp(t->msgs[i].ref, ref) != 0)
			continue;
		/* No reply_markup: the buttons go with the edit. */
		tg_call(t, "editMessageText", json_pack("{s:I, s:I, s:s}",
		    "chat_id", (json_int_t)t->msgs[i].chat, "message_id",
		    (json_int_t)t->msgs[i].id, "text", text));
		memset(&t->msgs[i], 0, sizeof(t->msgs[i]));
	}
}

/* The store's answer to a claim pressed in Telegram. */
static void
tg_claimed_cb(enum store_rc rc, const struct store_callback *c, void *arg)
{
	struct tg_press			*pr = arg;
	struct telegram			*t = pr->t;
	const struct roster		*r = conf_roster(*t->confp);
	const struct roster_person	*p, *holder;
	char				 text[192];

	p = r != NULL ? roster_find(r, pr->who) : NULL;
	if (rc == STORE_OK && p != NULL) {
		log_info("request %s: claimed by %s via Telegram", c->ref,
		    p->id);
		metrics_count(t->metrics, METRICS_CB_CLAIMED);
		tg_answer(t, pr->query, "Claimed: it is yours. The link to it "
		    "is in your private chat with this bot.", 0);
		tg_link(t, p, pr->from, c->ref, "You claimed it.");
		telegram_claimed(t, c->ref, p->id);
	} else if (rc == STORE_CONFLICT && c != NULL) {
		holder = c->claimed_by != NULL && r != NULL ?
		    roster_find(r, c->claimed_by) : NULL;
		if (c->state == STORE_COMPLETED)
			snprintf(text, sizeof(text), "Request %s is closed.",
			    c->ref);
		else
			snprintf(text, sizeof(text), "Already claimed by %s.",
			    holder != NULL ? holder->name : c->claimed_by ?
			    c->claimed_by : "someone");
		tg_answer(t, pr->query, text, 1);
	} else if (rc == STORE_NOTFOUND)
		tg_answer(t, pr->query, "No such request.", 1);
	else
		tg_answer(t, pr->query, "It could not be claimed just now: "
		    "please press again.", 1);
	free(pr);
}

/* Whether p is a counsellor on duty now. */
static int
tg_on_duty(const struct roster *r, const struct roster_person *p,
    time_t now)
{
	const struct roster_person	*duty[TG_PEOPLE];
	size_t				 n, i;

	n = roster_on_duty(r, now, duty, TG_PEOPLE);
	for (i = 0; i < n && i < TG_PEOPLE; i++)
		if (duty[i] == p)
			return 1;
	return 0;
}

/* Check that s is a case reference as the store makes them. */
static int
tg_ref_ok(const char *s)
{
	size_t	 n = strlen(s), i;

	if (n == 0 || n >= TG_REF_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' &&
		    s[i] <= '9')))
			return 0;
	return 1;
}

/* Handle one update; only button presses mean anything. */
static void
tg_update(struct telegram *t, json_t *u)
{
	const struct roster		*r = conf_roster(*t->confp);
	const struct roster_person	*p;
	struct tg_press			*pr;
	json_t				*cq, *msg;
	const char			*id, *data;
	long long			 from;
	int64_t				 now = hclock_now(t->clock);
	int				 claim;

	cq = json_object_get(u, "callback_query");
	id = json_string_value(json_object_get(cq, "id"));
	if (cq == NULL || id == NULL || strlen(id) >= sizeof(pr->query))
		return;
	from = json_integer_value(json_object_get(json_object_get(cq, "from"),
	    "id"));
	data = json_string_value(json_object_get(cq, "data"));
	p = r != NULL ? roster_by_telegram(r, from) : NULL;
	if (p == NULL) {
		/* Anyone in a group can press: only the roster counts. */
		log_info("telegram: a press by someone not on the roster "
		    "refused");
		tg_answer(t, id, "You are not on this hotline's roster. Ask "
		    "a supervisor to add your Telegram id.", 1);
		return;
	}
	if (data != NULL && strncmp(data, "claim:", 6) == 0)
		claim = 1;
	else if (data != NULL && strncmp(data, "open:", 5) == 0)
		claim = 0;
	else {
		tg_answer(t, id, "This button is not hotlined's.", 1);
		return;
	}
	data += claim ? 6 : 5;
	if (!tg_ref_ok(data)) {
		tg_answer(t, id, "No such request.", 1);
		return;
	}
	if (!p->supervisor && !tg_on_duty(r, p, (time_t)now)) {
		log_info("request %s: a press by %s, who is not on duty, "
		    "refused", data, p->id);
		tg_answer(t, id, "You are not on duty now: a counsellor on "
		    "duty will take it.", 1);
		return;
	}
	if (!claim) {
		tg_answer(t, id, "The link is in your private chat with this "
		    "bot.", 0);
		tg_link(t, p, from, data, "You asked to open it.");
		return;
	}
	pr = calloc(1, sizeof(*pr));
	if (pr == NULL) {
		tg_answer(t, id, "Please press again.", 1);
		return;
	}
	pr->t = t;
	snprintf(pr->query, sizeof(pr->query), "%s", id);
	snprintf(pr->ref, sizeof(pr->ref), "%s", data);
	snprintf(pr->who, sizeof(pr->who), "%s", p->id);
	pr->from = from;
	msg = json_object_get(cq, "message");
	pr->chat = json_integer_value(json_object_get(json_object_get(msg,
	    "chat"), "id"));
	pr->msg = json_integer_value(json_object_get(msg, "message_id"));
	/* The message pressed is an alert of ref, even one sent before a
	 * restart: it is edited with the others. */
	if (pr->chat != 0 && pr->msg > 0)
		tg_remember(t, pr->ref, pr->chat, pr->msg);
	if (store_callback_claim(t->store, pr->ref, p->id, now +
	    roster_claim_expiry(r), now, tg_claimed_cb, pr) == -1) {
		tg_answer(t, id, "It could not be claimed just now: please "
		    "press again.", 1);
		free(pr);
	}
}

/* The webhook: one update per POST, with the secret token. */
static void
tg_webhook_cb(struct evhttp_request *req, void *arg)
{
	struct telegram			*t = arg;
	const struct notify_telegram_bot *bot = tg_bot(t);
	const char			*secret, *h;
	struct evbuffer			*in, *out;
	json_t				*u;
	json_error_t			 err;
	long long			 uid;

	secret = notify_telegram_webhook_secret(bot);
	if (notify_telegram_updates(bot) != NOTIFY_TELEGRAM_WEBHOOK ||
	    secret == NULL) {
		evhttp_send_error(req, 404, "Not Found");
		return;
	}
	if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "POST");
		evhttp_send_error(req, 405, "Method Not Allowed");
		return;
	}
	h = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "X-Telegram-Bot-Api-Secret-Token");
	if (h == NULL || strlen(h) != strlen(secret) ||
	    sodium_memcmp(h, secret, strlen(secret)) != 0) {
		log_info("telegram: a webhook POST without the secret token "
		    "refused");
		evhttp_send_error(req, 401, "Unauthorized");
		return;
	}
	in = evhttp_request_get_input_buffer(req);
	u = json_loadb((const char *)evbuffer_pullup(in, -1),
	    evbuffer_get_length(in), 0, &err);
	if (!json_is_object(u)) {
		json_decref(u);
		evhttp_send_error(req, 400, "Bad Request");
		return;
	}
	/* Telegram may deliver an update again: once is enough. */
	uid = json_integer_value(json_object_get(u, "update_id"));
	if (uid > t->last_hook) {
		t->last_hook = uid;
		tg_update(t, u);
	}
	json_decref(u);
	out = evbuffer_new();
	if (out != NULL)
		evbuffer_add_printf(out, "{}\n");
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "application/json");
	evhttp_send_reply(req, 200, "OK", out);
	if (out != NULL)
		evbuffer_free(out);
}

/* Take the webhook's path on the API's front end. */
int
telegram_mount(struct telegram *t, struct http *h)
{
	return http_mount(h, "/telegram/webhook", tg_webhook_cb, t);
}

/* Seconds before the next poll after n failures: 1, 2, 4 .. 60, jitter. */
static long
tg_backoff(int n)
{
	long	 w = 1L << (n > 6 ? 6 : n - 1);

	if (w > TG_BACKOFF_CAP)
		w = TG_BACKOFF_CAP;
	return w / 2 + (long)randombytes_uniform((uint32_t)(w - w / 2) + 1);
}

/* A poll failed: say so (the first time, then every tenth) and wait. */
static void
tg_poll_failed(struct telegram *t, long status, const char *why)
{
	long	 wait;

	t->failures++;
	wait = tg_backoff(t->failures);
	if (t->failures == 1 || t->failures % 10 == 0)
		log_warnx("telegram: getUpdates failed (%s%s), %d in a row; "
		    "next try in %ld s", why, status == 409 ? ": a webhook is "
		    "set for this bot, or another program polls it" : "",
		    t->failures, wait);
	tg_later(t, wait);
}

/* A getUpdates answer. */
static void
tg_polled_cb(const struct fetch_result *res, void *arg)
{
	struct telegram	*t = arg;
	json_t		*o, *arr, *u;
	json_error_t	 err;
	json_int_t	 uid;
	size_t		 i;
	char		 why[64], v[32];

	t->busy = 0;
	if (res->status != 200) {
		if (res->status == 0)
			snprintf(why, sizeof(why), "no response: %s",
			    res->error ? res->error : "error");
		else
			snprintf(why, sizeof(why), "HTTP %ld", res->status);
		tg_poll_failed(t, res->status, why);
		return;
	}
	o = json_loadb(res->body, res->body_len, 0, &err);
	arr = json_object_get(o, "result");
	if (!json_is_true(json_object_get(o, "ok")) || !json_is_array(arr)) {
		json_decref(o);
		tg_poll_failed(t, res->status, "not a Bot API answer");
		return;
	}
	if (t->failures > 0)
		log_info("telegram: getUpdates works again after %d "
		    "failure%s", t->failures, t->failures == 1 ? "" : "s");
	t->failures = 0;
	json_array_foreach(arr, i, u) {
		uid = json_integer_value(json_object_get(u, "update_id"));
		if (uid < t->offset)
			continue;	/* confirmed before */
		t->offset = (long long)uid + 1;
		tg_update(t, u);
	}
	json_decref(o);
	if (t->offset != t->saved) {
		snprintf(v, sizeof(v), "%lld", t->offset);
		if (store_meta_set(t->store, TG_OFFSET_KEY, v, NULL,
		    NULL) == 0)
			t->saved = t->offset;
	}
	tg_later(t, 0);
}

/* The offset kept by the last run. */
static void
tg_offset_cb(enum store_rc rc, const char *value, void *arg)
{
	struct telegram	*t = arg;
	char		*end;
	long long	 v;

	t->busy = 0;
	if (rc == STORE_OK && value != NULL) {
		v = strtoll(value, &end, 10);
		if (*end == '\0' && v >= 0)
			t->offset = t->saved = v;
	} else if (rc != STORE_NOTFOUND)
		log_warnx("telegram: cannot read the last update offset: "
		    "presses already handled may come again");
	t->loaded = 1;
	tg_poll(t);
}

/* Poll once, if the configuration says so. */
static void
tg_poll(struct telegram *t)
{
	const struct notify_telegram_bot *bot = tg_bot(t);
	struct fetch_request		 req;
	const char			*hdrs[] = {
					    "Content-Type: application/json",
					    NULL };
	const char			*cause = NULL;
	char				*url = NULL, *body;

	if (t->busy)
		return;
	if (!lease_held(t->lease)) {
		/* Another daemon polls: its offset is read afresh here. */
		t->loaded = 0;
		tg_later(t, 1);
		return;
	}
	if (notify_telegram_updates(bot) != NOTIFY_TELEGRAM_POLL ||
	    !notify_conf_ready(conf_notify(*t->confp), &notify_telegram)) {
		tg_later(t, TG_IDLE_CHECK);
		return;
	}
	if (!t->loaded) {
		if (store_meta_get(t->store, TG_OFFSET_KEY, tg_offset_cb,
		    t) == -1) {
			tg_later(t, 1);
			return;
		}
		t->busy = 1;
		return;
	}
	body = NULL;
	if (notify_telegram_url(bot, "getUpdates", &url,
	    &cause) == -1 || asprintf(&body, "{\"offset\":%lld,\"timeout\":%d,"
	    "\"allowed_updates\":[\"callback_query\"]}", t->offset,
	    notify_telegram_poll_timeout(bot)) == -1) {
		body = NULL;
		notify_wipe_free(url);
		tg_poll_failed(t, 0, cause != NULL ? cause : "out of memory");
		return;
	}
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = url;
	req.headers = hdrs;
	req.body = body;
	req.body_len = strlen(body);
	req.timeout_ms = (notify_telegram_poll_timeout(bot) + 15) * 1000L;
	if (fetch_start(t->fetch, &req, tg_polled_cb, t) == -1)
		tg_poll_failed(t, 0, "cannot start a transfer");
	else
		t->busy = 1;
	notify_wipe_free(url);
	free(body);
}

/* Poll only under the lease. */
void
telegram_set_lease(struct telegram *t, const struct lease *l)
{
	t->lease = l;
}

/* Count the claims pressed in Telegram into m. */
void
telegram_set_metrics(struct telegram *t, struct metrics *m)
{
	t->metrics = m;
}

/* Begin. */
void
telegram_start(struct telegram *t)
{
	tg_later(t, 0);
}
