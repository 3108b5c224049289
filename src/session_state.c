/* SPDX-License-Identifier: ISC */
/*
 * session_state: a session's state as text, and back, for daemons that
 * share a database (the store seals the text; session_shared.c reads and
 * writes it around each hop). The engine's place is not written as such: what
 * is written is what was put into it, the inputs of the conversation in
 * order and the outcome of each store step, and a daemon that takes the
 * session over plays them again into an engine of its own, which is
 * where the first one was (the engine does no I/O and reads no clock).
 * Around them: the hop identity and count (for retries), the keyed hash
 * of her number, the real-time deadline, the request filed (id and
 * reference, never an answer of it), the history a gateway sends, and the
 * last reply. Strings are hex, so that no input can break a line.
 *
 *	v1
 *	st <0 active|1 ended> <reply_end> <hops> <deadline, unix time>
 *	hk <0|1> <hop hash, hex>
 *	ph <0|1> <number hash, hex>
 *	in <row id> <ended> <reference>
 *	hi <history, hex>
 *	r <reply, hex>
 *	l <input, hex>
 *	s <saved> <kind> <hour> <minute> <wday> <minutes>
 *
 * Everything but v1 and st is optional; the l and s lines keep their
 * order. Every copy is wiped once used.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "channel.h"
#include "engine.h"
#include "intake.h"
#include "menu.h"
#include "secret.h"
#include "session.h"

#include "session_impl.h"

#define SHARE_MAGIC	"v1"

/* A growable string, wiped as it grows and when freed. */
struct share_buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	int	 failed;
};

/* Append n bytes of s. */
static void
share_add(struct share_buf *b, const char *s, size_t n)
{
	char	*np;
	size_t	 cap;

	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		cap = b->cap == 0 ? 256 : b->cap;
		while (cap < b->len + n + 1)
			cap *= 2;
		np = malloc(cap);
		if (np == NULL) {
			b->failed = 1;
			return;
		}
		if (b->p != NULL) {
			memcpy(np, b->p, b->len);
			explicit_bzero(b->p, b->cap);
			free(b->p);
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Append a formatted part (short: numbers). */
static void __attribute__((format(printf, 2, 3)))
share_addf(struct share_buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	 tmp[96];
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		b->failed = 1;
		return;
	}
	share_add(b, tmp, (size_t)n);
}

/* Append s in hex. */
static void
share_hex(struct share_buf *b, const char *s)
{
	static const char	 digits[] = "0123456789abcdef";
	char			 two[2];

	for (; *s != '\0'; s++) {
		two[0] = digits[(unsigned char)*s >> 4];
		two[1] = digits[(unsigned char)*s & 15];
		share_add(b, two, 2);
	}
}

/* Append "tag <hex of s>\n". */
static void
share_line(struct share_buf *b, const char *tag, const char *s)
{
	share_add(b, tag, strlen(tag));
	share_add(b, " ", 1);
	share_hex(b, s);
	share_add(b, "\n", 1);
}

/* Note an input given to the engine, for another daemon's replay. */
int
session_log_input(struct session *s, const char *in)
{
	struct share_buf	 b = { s->log, s->loglen, s->logcap, 0 };

	share_line(&b, "l", in != NULL ? in : "");
	s->log = b.p;
	s->loglen = b.len;
	s->logcap = b.cap;
	return b.failed ? -1 : 0;
}

/* Note the outcome of a store step. */
int
session_log_stored(struct session *s, enum engine_saved saved,
    const struct menu_when_info *w)
{
	struct share_buf	 b = { s->log, s->loglen, s->logcap, 0 };
	struct menu_when_info	 none;

	if (w == NULL) {
		memset(&none, 0, sizeof(none));
		none.kind = (enum when_kind)-1;
		w = &none;
	}
	share_addf(&b, "s %d %d %d %d %d %d\n", (int)saved, (int)w->kind,
	    w->hour, w->minute, w->wday, w->minutes);
	s->log = b.p;
	s->loglen = b.len;
	s->logcap = b.cap;
	return b.failed ? -1 : 0;
}

/* Drop the log (it holds her answers). */
void
session_log_wipe(struct session *s)
{
	if (s->log != NULL) {
		explicit_bzero(s->log, s->logcap);
		free(s->log);
	}
	s->log = NULL;
	s->loglen = s->logcap = 0;
}

/* The state of s; see the top of the file. */
char *
session_state_encode(const struct session *s, time_t now_mono,
    time_t now_real)
{
	struct share_buf	 b = { NULL, 0, 0, 0 };

	share_add(&b, SHARE_MAGIC "\n", sizeof(SHARE_MAGIC));
	share_addf(&b, "st %d %d %zu %lld\n", s->state == SESSION_ENDED,
	    s->reply_end, s->hops,
	    (long long)(now_real + (s->deadline - now_mono)));
	share_addf(&b, "hk %d %016llx\n", s->hop_known,
	    (unsigned long long)s->hop);
	share_addf(&b, "ph %d %016llx\n", s->has_phone,
	    (unsigned long long)s->phone);
	if (intake_filed(s->intake)) {
		share_addf(&b, "in %lld %d", (long long)intake_id(s->intake),
		    intake_ended(s->intake));
		share_line(&b, "", intake_ref(s->intake));
	}
	if (s->history != NULL)
		share_line(&b, "hi", s->history);
	if (s->reply != NULL)
		share_line(&b, "r", s->reply);
	if (s->state != SESSION_ENDED && s->log != NULL)
		share_add(&b, s->log, s->loglen);
	if (b.failed || b.p == NULL) {
		if (b.p != NULL) {
			explicit_bzero(b.p, b.cap);
			free(b.p);
		}
		return NULL;
	}
	return b.p;
}

/* The value of one hex digit, or -1. */
static int
share_nibble(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decode the hex field of a line (up to its end) into a new string. */
static char *
share_unhex(const char *p, const char *end)
{
	char	*out;
	size_t	 n = (size_t)(end - p), i;
	int	 hi, lo;

	if (n % 2 != 0)
		return NULL;
	out = malloc(n / 2 + 1);
	if (out == NULL)
		return NULL;
	for (i = 0; i < n / 2; i++) {
		hi = share_nibble(p[2 * i]);
		lo = share_nibble(p[2 * i + 1]);
		if (hi == -1 || lo == -1 || (hi == 0 && lo == 0)) {
			explicit_bzero(out, i);
			free(out);
			return NULL;
		}
		out[i] = (char)(hi << 4 | lo);
	}
	out[n / 2] = '\0';
	return out;
}

/* The request a state filed; see session_impl.h. */
int
session_state_request(const char *state, int64_t *id, char *ref, size_t len,
    int *ended)
{
	const char	*p, *end, *h;
	long long	 a, b;
	char		*v;

	if (strncmp(state, SHARE_MAGIC "\n", sizeof(SHARE_MAGIC)) != 0)
		return -1;
	for (p = state; (end = strchr(p, '\n')) != NULL; p = end + 1) {
		if (strncmp(p, "in ", 3) != 0)
			continue;
		for (h = end; h > p && h[-1] != ' '; h--)
			;
		if (sscanf(p, "in %lld %lld", &a, &b) != 2 || h - p <= 3 ||
		    (v = share_unhex(h, end)) == NULL)
			return -1;
		if (strlen(v) >= len) {
			free(v);
			return -1;
		}
		memcpy(ref, v, strlen(v) + 1);
		free(v);
		*id = a;
		*ended = b != 0;
		return 1;
	}
	return 0;
}

/* Play one store outcome line ("s ...") into the engine. */
static int
share_play_stored(struct session *s, const char *line, const char **text)
{
	struct menu_when_info	 w;
	long long		 v[6];
	enum engine_result	 r;

	if (sscanf(line, "s %lld %lld %lld %lld %lld %lld", &v[0], &v[1],
	    &v[2], &v[3], &v[4], &v[5]) != 6 || v[0] < ENGINE_SAVED ||
	    v[0] > ENGINE_NOT_FILED)
		return -1;
	memset(&w, 0, sizeof(w));
	w.kind = (enum when_kind)v[1];
	w.hour = (int)v[2];
	w.minute = (int)v[3];
	w.wday = (int)v[4];
	w.minutes = (int)v[5];
	r = engine_stored(s->engine, (enum engine_saved)v[0], v[1] < 0 ?
	    NULL : &w, text);
	if (r == ENGINE_ERROR || session_log_stored(s,
	    (enum engine_saved)v[0], v[1] < 0 ? NULL : &w) == -1)
		return -1;
	return 0;
}

/*
 * Read the state into s, a session just made (its engine at the start,
 * no intake): play the inputs again, and copy the rest; *ended says if it
 * had ended (the caller moves it there). 0, or -1 when
 * the text is not a state this daemon can take (another version, or a
 * menu that changed under it).
 */
int
session_state_decode(struct session *s, const char *state, time_t now_mono,
    time_t now_real, int *ended)
{
	const char		*p, *end, *text = NULL;
	long long		 a, b, c, d;
	unsigned long long	 h;
	char			*v;
	enum engine_result	 r;
	int			 storing = 0, rc = -1;

	*ended = 0;
	if (strncmp(state, SHARE_MAGIC "\n", sizeof(SHARE_MAGIC)) != 0)
		return -1;
	r = engine_start(s->engine, &text);
	if (r != ENGINE_CONTINUE && r != ENGINE_END)
		return -1;
	for (p = state + sizeof(SHARE_MAGIC); *p != '\0'; p = end + 1) {
		end = strchr(p, '\n');
		if (end == NULL)
			goto out;
		v = NULL;
		if (strncmp(p, "st ", 3) == 0) {
			if (sscanf(p, "st %lld %lld %lld %lld", &a, &b, &c,
			    &d) != 4)
				goto out;
			*ended = a != 0;
			s->reply_end = b != 0;
			s->hops = (size_t)c;
			s->deadline = now_mono + (time_t)(d - now_real);
		} else if (strncmp(p, "hk ", 3) == 0) {
			if (sscanf(p, "hk %lld %llx", &a, &h) != 2)
				goto out;
			s->hop_known = a != 0;
			s->hop = (uint64_t)h;
		} else if (strncmp(p, "ph ", 3) == 0) {
			if (sscanf(p, "ph %lld %llx", &a, &h) != 2)
				goto out;
			s->has_phone = a != 0;
			s->phone = (uint64_t)h;
		} else if (strncmp(p, "in ", 3) == 0) {
			const char *ref = end;

			while (ref > p && ref[-1] != ' ')
				ref--;
			if (sscanf(p, "in %lld %lld", &a, &b) != 2 ||
			    ref - p <= 3 || (v = share_unhex(ref, end)) == NULL)
				goto out;
			intake_free(s->intake);
			s->intake = intake_restore(a, v, (int)b);
			free(v);
			if (s->intake == NULL)
				goto out;
		} else if (strncmp(p, "hi ", 3) == 0) {
			if ((v = share_unhex(p + 3, end)) == NULL)
				goto out;
			secret_clear(&s->history);
			s->history = v;
		} else if (strncmp(p, "r ", 2) == 0) {
			if ((v = share_unhex(p + 2, end)) == NULL)
				goto out;
			secret_clear(&s->reply_own);
			s->reply_own = v;
		} else if (strncmp(p, "l ", 2) == 0) {
			/* An empty input is no hex at all. */
			if (storing || (end > p + 2 &&
			    (v = share_unhex(p + 2, end)) == NULL))
				goto out;
			r = engine_input(s->engine, v != NULL ? v : "", &text);
			if (session_log_input(s, v != NULL ? v : "") == -1)
				r = ENGINE_ERROR;
			secret_clear(&v);
			if (r == ENGINE_ERROR)
				goto out;
			storing = r == ENGINE_STORE;
		} else if (strncmp(p, "s ", 2) == 0) {
			char	 line[96];

			if (!storing || (size_t)(end - p) >= sizeof(line))
				goto out;
			memcpy(line, p, (size_t)(end - p));
			line[end - p] = '\0';
			if (share_play_stored(s, line, &text) == -1)
				goto out;
			storing = 0;
		} else
			goto out;
	}
	rc = storing || s->reply_own == NULL ? -1 : 0;
out:
	s->reply = s->reply_own;
	return rc;
}
