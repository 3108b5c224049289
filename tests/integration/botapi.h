/* SPDX-License-Identifier: ISC */
/*
 * botapi: a small fake of the Telegram Bot API for integration suites. It
 * runs evhttp on 127.0.0.1 (a free port) in a thread of its own and serves
 * http://127.0.0.1:PORT/bot<TOKEN>/<method>: getUpdates (long polling over
 * a queue of updates the test pushes, with Telegram's offset confirmation),
 * sendMessage (numbered messages), and answerCallbackQuery,
 * editMessageText, editMessageReplyMarkup, deleteWebhook and getMe. It
 * records every request, and can fail getUpdates or the messages to one
 * chat on demand. The test thread pushes, sets the behaviour, counts and
 * waits; all of it is safe across the two threads.
 */
#ifndef HOTLINED_BOTAPI_H
#define HOTLINED_BOTAPI_H

#include <stddef.h>

struct botapi;

/* One recorded request. Every pointer is owned by the copy. */
struct botapi_call {
	char		*method;	/* as in the URL, e.g. "getUpdates"; ""
					   when not /bot<TOKEN>/<name> */
	char		*path;		/* without the query */
	char		*content_type;	/* NULL when absent */
	char		*body;		/* NUL-terminated, "" when empty */
	size_t		 len;		/* of body, without the NUL */
	char		*query;		/* raw, without the '?'; "" when none */
	long long	 at_ms;		/* arrival, on harness_now_ms's clock */
	int		 status;	/* HTTP status answered (200 also for a
					   poll that is still held) */
	long long	 offset;	/* getUpdates: offset asked for, 0 when
					   none */
	int		 timeout;	/* getUpdates: seconds asked for */
	long long	 message_id;	/* sendMessage: the id given, 0 when it
					   failed */
};

/*
 * Start a fake Bot API for the bot token (e.g. "123456:ABC-def") on
 * 127.0.0.1 and an ephemeral port. Requests for another token answer 404.
 * Returns NULL (after a message on stderr) on failure.
 */
struct botapi	*botapi_start(const char *token);

/* The port it listens on. */
int		 botapi_port(const struct botapi *b);

/*
 * Queue a callback_query update, as when user from_id (first name
 * from_name, NULL for "Tester") presses a button carrying data under
 * message message_id in chat chat_id. The message's text is the one
 * sendMessage got for that id, if any. A held getUpdates is answered at
 * once. Returns the update_id (ids start at 700000001 and grow by one),
 * or -1 out of memory or for text that is not UTF-8.
 */
long long	 botapi_press(struct botapi *b, long long from_id,
		    const char *from_name, long long chat_id,
		    long long message_id, const char *data);

/*
 * Queue any update: json is a JSON object, e.g. {"message":{...}}, to
 * which the update_id is added (replacing one already there). Returns the
 * update_id, or -1 when json is not an object or memory ran out.
 */
long long	 botapi_push(struct botapi *b, const char *json);

/*
 * The id string of the callback_query in update update_id (as
 * botapi_press made it): the decimal digits of 4000000000000000000 +
 * update_id, written to buf. Returns buf.
 */
char		*botapi_query_id(long long update_id, char *buf, size_t size);

/* Updates queued and not yet confirmed by a getUpdates offset. */
size_t		 botapi_pending(struct botapi *b);

/*
 * Answer the next n getUpdates with HTTP status (e.g. 502, 409, 429) and
 * Telegram's {"ok":false,"error_code":status,"description":...}, then
 * normally again; such calls confirm nothing. A later call replaces the
 * count (0 clears it).
 */
void		 botapi_fail_updates(struct botapi *b, int n, int status);

/*
 * Answer every sendMessage to chat_id with HTTP status, e.g. 403 ("Forbidden:
 * bot can't initiate conversation with a user"), 400 ("Bad Request: chat
 * not found") or 429 (with parameters.retry_after 1); 0 clears it.
 */
void		 botapi_fail_chat(struct botapi *b, long long chat_id,
		    int status);

/*
 * Requests recorded so far for method (compared ignoring case, as Telegram
 * does; NULL for all, "" for those with a wrong token or path).
 */
size_t		 botapi_count(struct botapi *b, const char *method);

/*
 * Wait at most timeout_ms until count requests for method (as in
 * botapi_count) have been recorded. Returns 0 when they have, -1 on
 * time-out.
 */
int		 botapi_wait(struct botapi *b, const char *method, size_t count,
		    int timeout_ms);

/*
 * Copy the i-th (from 0, in arrival order) recorded request for method
 * (as in botapi_count) into *out. Returns 0, or -1 when there is no such
 * request or memory ran out (*out is then zeroed).
 */
int		 botapi_get(struct botapi *b, const char *method, size_t i,
		    struct botapi_call *out);

/* Free what a copy holds and zero it. */
void		 botapi_call_clear(struct botapi_call *c);

/*
 * Answer every held getUpdates with an empty result (waiting up to a
 * second for those answers to be written), stop the thread, close every
 * connection and free everything. NULL is fine.
 */
void		 botapi_stop(struct botapi *b);

#endif
