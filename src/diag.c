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

struct diag {
	char	**lines;
	size_t	  n;
	size_t	  cap;
	int	  oom;		/* a line could not be stored */
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
	for (i = 0; i < d->n; i++)
		free(d->lines[i]);
	free(d->lines);
	free(d);
}

/* Store an already formatted line, taking ownership of it. */
static void
diag_push(struct diag *d, char *line)
{
	char	**nl;
	size_t	  ncap;

	if (line == NULL) {
		d->oom = 1;
		return;
	}
	if (d->n == d->cap) {
		ncap = d->cap ? d->cap * 2 : 8;
		nl = reallocarray(d->lines, ncap, sizeof(*nl));
		if (nl == NULL) {
			free(line);
			d->oom = 1;
			return;
		}
		d->lines = nl;
		d->cap = ncap;
	}
	d->lines[d->n++] = line;
}

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

/* Append a problem with a file:line:col location from a JSON pointer. */
void
diag_at(struct diag *d, const char *file, const struct jsonpos *jp,
    const char *pointer, int key, const char *fmt, ...)
{
	char	 prefix[512];
	int	 line, col, rc = -1;
	va_list	 ap;

	if (jp != NULL) {
		if (key)
			rc = jsonpos_key(jp, pointer, &line, &col);
		if (rc == -1)
			rc = jsonpos_value(jp, pointer, &line, &col);
	}
	if (rc == 0)
		snprintf(prefix, sizeof(prefix), "%s:%d:%d: %s: ", file, line,
		    col, *pointer != '\0' ? pointer : "/");
	else
		snprintf(prefix, sizeof(prefix), "%s: %s: ", file,
		    *pointer != '\0' ? pointer : "/");
	va_start(ap, fmt);
	diag_push(d, diag_vformat(prefix, fmt, ap));
	va_end(ap);
}

/* Number of problems, counting one for lines lost to memory exhaustion. */
size_t
diag_count(const struct diag *d)
{
	return d->n + (d->oom ? 1 : 0);
}

/* Line i, or NULL. */
const char *
diag_get(const struct diag *d, size_t i)
{
	return i < d->n ? d->lines[i] : NULL;
}

/* Print every line. */
void
diag_print(const struct diag *d, FILE *fp, const char *prefix)
{
	size_t	 i;

	for (i = 0; i < d->n; i++)
		fprintf(fp, "%s%s\n", prefix, d->lines[i]);
	if (d->oom)
		fprintf(fp, "%sout of memory while collecting errors\n",
		    prefix);
}
