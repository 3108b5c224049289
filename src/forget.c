/* SPDX-License-Identifier: ISC */
/*
 * forget: the command-line side of forgetting (hotlined -F). It owns the
 * reading of lines, their normalising and the report; the deleting is
 * store_forget's, run on a store of its own with its own event base, one
 * line at a time. A running daemon's live sessions are in its memory,
 * out of reach here: POST /api/forget wipes those too.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <sodium.h>

#include "conf.h"
#include "forget.h"
#include "phone.h"
#include "store.h"

/* One line's outcome, filled by the completion. */
struct forget_line {
	int			 done;
	enum store_rc		 rc;
	struct store_purged	 n;
};

/* A forget is done: keep what it says. */
static void
forget_done_cb(enum store_rc rc, const struct store_purged *n, void *arg)
{
	struct forget_line	*l = arg;

	l->rc = rc;
	l->n = *n;
	l->done = 1;
}

/*
 * Whether s is a case reference: 4 to 15 of A-Z and 0-9, a letter among
 * them (digits alone are a number).
 */
int
forget_is_ref(const char *s)
{
	size_t	 i;
	int	 letter = 0;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] >= 'A' && s[i] <= 'Z')
			letter = 1;
		else if (s[i] < '0' || s[i] > '9')
			return 0;
	}
	return letter && i >= 4 && i < 16;
}

/* Strip the blanks around s, in place; returns its start. */
static char *
forget_trim(char *s)
{
	size_t	 n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Print what forgetting line n took away. */
void
forget_print(FILE *out, size_t n, const struct store_purged *p)
{
	fprintf(out, "line %zu: forgot %zu requests, %zu history events, "
	    "%zu alerts, %zu texts, %zu marks, %zu opt-outs, %zu safe "
	    "numbers\n", n, p->requests, p->events, p->alerts, p->texts,
	    p->marks, p->optouts, p->safe_numbers);
}

/* Read in line by line, handing each non-blank one to fn; wipe them. */
int
forget_lines(FILE *in, forget_line_cb fn, void *arg)
{
	char	*line = NULL, *s;
	size_t	 cap = 0, n = 0;
	int	 failed = 0;

	while (getline(&line, &cap, in) != -1) {
		n++;
		s = forget_trim(line);
		if (*s != '\0')
			failed |= fn(s, n, arg);
		sodium_memzero(line, cap);
	}
	if (line != NULL)
		sodium_memzero(line, cap);
	free(line);
	return failed;
}

/* A store and its loop, for forget_one. */
struct forget_run {
	struct event_base	*base;
	struct store		*st;
	FILE			*out;
	FILE			*err;
};

/* Forget one line (n is its number); 0, or 1 on failure (reported). */
static int
forget_one(const char *s, size_t n, void *arg)
{
	struct forget_run	*r = arg;
	struct event_base	*base = r->base;
	struct store		*st = r->st;
	FILE			*out = r->out, *err = r->err;
	struct forget_line	 l;
	char			 phone[32];
	int			 rc;

	memset(&l, 0, sizeof(l));
	if (forget_is_ref(s))
		rc = store_forget(st, NULL, s, forget_done_cb, &l);
	else if (phone_stored(s, phone, sizeof(phone)) == 0)
		rc = store_forget(st, phone, NULL, forget_done_cb, &l);
	else {
		fprintf(err, "line %zu: not a phone number or a case "
		    "reference\n", n);
		return 1;
	}
	sodium_memzero(phone, sizeof(phone));
	if (rc == -1) {
		fprintf(err, "line %zu: the store took no job\n", n);
		return 1;
	}
	while (!l.done && event_base_loop(base, EVLOOP_ONCE) == 0)
		;
	if (l.rc == STORE_NOTFOUND) {
		fprintf(out, "line %zu: nothing is kept of it\n", n);
		return 0;
	}
	if (!l.done || l.rc != STORE_OK) {
		fprintf(err, "line %zu: the store failed (see above)\n", n);
		return 1;
	}
	forget_print(out, n, &l.n);
	return 0;
}

/* Open the store, forget line after line, close it. */
int
forget_run(const struct conf *c, FILE *in, FILE *out, FILE *err)
{
	struct forget_run	 r;
	struct event_base	*base;
	struct store_opts	 so;
	struct store		*st = NULL;
	char			*cause = NULL;
	int			 failed;

	/* Forgetting never makes a database (nor a key for one). */
	if (store_is_file(conf_database(c)) &&
	    access(conf_database(c), F_OK) == -1) {
		fprintf(err, "%s: %s\n", conf_database(c), strerror(errno));
		return 1;
	}
	base = event_base_new();
	if (base == NULL) {
		fprintf(err, "out of memory\n");
		return 1;
	}
	memset(&so, 0, sizeof(so));
	so.key_file = conf_key_file(c);
	so.password_file = conf_password_file(c);
	st = store_new(base, conf_database(c), &so, &cause);
	if (st == NULL) {
		fprintf(err, "%s\n", cause != NULL ? cause :
		    "cannot open the database");
		free(cause);
		event_base_free(base);
		return 1;
	}
	r.base = base;
	r.st = st;
	r.out = out;
	r.err = err;
	failed = forget_lines(in, forget_one, &r);
	store_free(st);
	event_base_free(base);
	return failed;
}
