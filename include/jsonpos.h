/* SPDX-License-Identifier: ISC */
/*
 * jsonpos: where things are in a JSON text. jansson reports line:column for
 * syntax errors only; this module scans a text jansson has already accepted
 * and records the position of every value and member name by its JSON
 * Pointer (RFC 6901), so that schema and menu errors can name file:line:col.
 */
#ifndef HOTLINED_JSONPOS_H
#define HOTLINED_JSONPOS_H

#include <stddef.h>

struct jsonpos;

/*
 * Scan text (len bytes of valid JSON). Returns a new index (free with
 * jsonpos_free), or NULL if the text is not valid JSON or memory runs out.
 */
struct jsonpos	*jsonpos_scan(const char *text, size_t len);

/*
 * Position of the value at pointer ("" is the whole document, "/nodes/main"
 * a member, "/options/2" an array element; "~1" is '/', "~0" is '~').
 * Lines and columns start at 1; columns count code points. Returns 0 and
 * fills *line and *col, or -1 if there is no such value.
 */
int		 jsonpos_value(const struct jsonpos *jp, const char *pointer,
		    int *line, int *col);

/*
 * Position of the member name (the opening quote of the key) of the member
 * at pointer. Returns 0 or -1 as jsonpos_value; -1 for array elements.
 */
int		 jsonpos_key(const struct jsonpos *jp, const char *pointer,
		    int *line, int *col);

void		 jsonpos_free(struct jsonpos *jp);

#endif
