/* SPDX-License-Identifier: ISC */
/*
 * diag: a list of problems a person must read, each with its location
 * ("menus/main.json:14:9: ..."), and of warnings beside them. Loaders
 * collect every problem into one list so that `hotlined -t` can report
 * them all at once; only problems make a configuration fail.
 */
#ifndef HOTLINED_DIAG_H
#define HOTLINED_DIAG_H

#include <stddef.h>
#include <stdio.h>

struct diag;
struct jsonpos;

/* New empty list, or NULL on allocation failure. */
struct diag	*diag_new(void);

/* Free the list (NULL is fine). */
void		 diag_free(struct diag *d);

/* Append a formatted problem. */
void		 diag_add(struct diag *d, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

/*
 * Append a problem located at the JSON value (or, when key is non-zero, the
 * member name) at pointer in file: "file:line:col: message". Falls back to
 * "file: pointer: message" when the position is unknown (jp may be NULL).
 */
void		 diag_at(struct diag *d, const char *file,
		    const struct jsonpos *jp, const char *pointer, int key,
		    const char *fmt, ...)
		    __attribute__((format(printf, 6, 7)));

/*
 * Append a warning: something an admin should see (a placeholder left in,
 * a sample token) that does not stop the daemon. Located like diag_at.
 */
void		 diag_warn_at(struct diag *d, const char *file,
		    const struct jsonpos *jp, const char *pointer, int key,
		    const char *fmt, ...)
		    __attribute__((format(printf, 6, 7)));

/* Number of warnings, and warning i (borrowed) or NULL. */
size_t		 diag_warnings(const struct diag *d);
const char	*diag_warning(const struct diag *d, size_t i);

/* Print every warning as "prefix warning: ..." to fp. */
void		 diag_print_warnings(const struct diag *d, FILE *fp,
		    const char *prefix);

/* Number of problems collected (warnings not counted). */
size_t		 diag_count(const struct diag *d);

/* Problem i (borrowed), or NULL when out of range. */
const char	*diag_get(const struct diag *d, size_t i);

/* Print every problem on its own line to fp, each prefixed by prefix. */
void		 diag_print(const struct diag *d, FILE *fp, const char *prefix);

#endif
