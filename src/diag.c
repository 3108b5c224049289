/* SPDX-License-Identifier: ISC */
/*
 * diag: a growing list of formatted problem lines with their locations. It
 * formats and stores; deciding what is a problem belongs to the loaders.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "jsonpos.h"

/* One list of lines. */
struct diag_list {
	char	**lines;
	size_t	  n;
	size_t	  cap;
};

struct diag {
	struct diag_list	 err;
	struct diag_list	 warn;
	int			 oom;	/* a line could not be stored */
};

/* Allocate an empty list. */
struct diag *
diag_new(void)
{
	return calloc(1, sizeof(struct diag));
}

/* Free every line and the list. */
void
diag_free(struct diag *d)
{
	size_t	 i;

	if (d == NULL)
		return;
	for (i = 0; i < d->err.n; i++)
		free(d->err.lines[i]);
	free(d->err.lines);
	for (i = 0; i < d->warn.n; i++)
		free(d->warn.lines[i]);
	free(d->warn.lines);
	free(d);
}

/* Store an already formatted line in l, taking ownership of it. */
static void
diag_push_list(struct diag *d, struct diag_list *l, char *line)
{
	char	**nl;
	size_t	  ncap;

	if (line == NULL) {
		d->oom = 1;
		return;
	}
	if (l->n == l->cap) {
		ncap = l->cap ? l->cap * 2 : 8;
		nl = reallocarray(l->lines, ncap, sizeof(*nl));
		if (nl == NULL) {
			free(line);
			d->oom = 1;
			return;
		}
		l->lines = nl;
		l->cap = ncap;
	}
	l->lines[l->n++] = line;
}

/* Store a problem line. */
static void
diag_push(struct diag *d, char *line)
{
	diag_push_list(d, &d->err, line);
}

static char	*diag_vformat(const char *, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));

/* Format with a prefix into a new string, or NULL. */
static char *
diag_vformat(const char *prefix, const char *fmt, va_list ap)
{
	char	*msg = NULL;
	char	*line = NULL;

	if (vasprintf(&msg, fmt, ap) == -1)
		return NULL;
	if (asprintf(&line, "%s%s", prefix, msg) == -1)
		line = NULL;
	free(msg);
	return line;
}

/* Append a formatted problem. */
void
diag_add(struct diag *d, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	diag_push(d, diag_vformat("", fmt, ap));
	va_end(ap);
}

/* The "file:line:col: pointer: " of a location into prefix. */
static void
diag_where(char *prefix, size_t len, const char *file,
    const struct jsonpos *jp, const char *pointer, int key)
{
	int	 line, col, rc = -1;

	if (jp != NULL) {
		if (key)
			rc = jsonpos_key(jp, pointer, &line, &col);
		if (rc == -1)
			rc = jsonpos_value(jp, pointer, &line, &col);
	}
	if (rc == 0)
		snprintf(prefix, len, "%s:%d:%d: %s: ", file, line, col,
		    *pointer != '\0' ? pointer : "/");
	else
		snprintf(prefix, len, "%s: %s: ", file, *pointer != '\0' ?
		    pointer : "/");
}

/* Append a warning with a location. */
void
diag_warn_at(struct diag *d, const char *file, const struct jsonpos *jp,
    const char *pointer, int key, const char *fmt, ...)
{
	char	 prefix[512];
	va_list	 ap;

	diag_where(prefix, sizeof(prefix), file, jp, pointer, key);
	va_start(ap, fmt);
	diag_push_list(d, &d->warn, diag_vformat(prefix, fmt, ap));
	va_end(ap);
}

/* Append a problem with a file:line:col location from a JSON pointer. */
void
diag_at(struct diag *d, const char *file, const struct jsonpos *jp,
    const char *pointer, int key, const char *fmt, ...)
{
	char	 prefix[512];
	va_list	 ap;

	diag_where(prefix, sizeof(prefix), file, jp, pointer, key);
	va_start(ap, fmt);
	diag_push(d, diag_vformat(prefix, fmt, ap));
	va_end(ap);
}

/* Number of problems, counting one for lines lost to memory exhaustion. */
size_t
diag_count(const struct diag *d)
{
	return d->err.n + (d->oom ? 1 : 0);
}

/* Line i, or NULL. */
const char *
diag_get(const struct diag *d, size_t i)
{
	return i < d->err.n ? d->err.lines[i] : NULL;
}

/* Number of warnings. */
size_t
diag_warnings(const struct diag *d)
{
	return d->warn.n;
}

/* Warning i, or NULL. */
const char *
diag_warning(const struct diag *d, size_t i)
{
	return i < d->warn.n ? d->warn.lines[i] : NULL;
}

/* Print every problem line. */
void
diag_print(const struct diag *d, FILE *fp, const char *prefix)
{
	size_t	 i;

	for (i = 0; i < d->err.n; i++)
		fprintf(fp, "%s%s\n", prefix, d->err.lines[i]);
	if (d->oom)
		fprintf(fp, "%sout of memory while collecting errors\n",
		    prefix);
}

/* Print every warning line. */
void
diag_print_warnings(const struct diag *d, FILE *fp, const char *prefix)
{
	size_t	 i;

	for (i = 0; i < d->warn.n; i++)
		fprintf(fp, "%swarning: %s\n", prefix, d->warn.lines[i]);
}
