/* SPDX-License-Identifier: ISC */
/*
 * forget: hotlined -F, an admin forgetting numbers from the command line.
 * It reads one phone number or case reference per line (never from the
 * command line, so none is left in shell history or ps), has the store
 * delete everything kept of each, and prints the counts by line number,
 * never the number itself.
 */
#ifndef HOTLINED_FORGET_H
#define HOTLINED_FORGET_H

#include <stddef.h>
#include <stdio.h>

struct conf;
struct store_purged;

/* One line to forget (trimmed, not blank) and its number; 0, or 1. */
typedef int	(*forget_line_cb)(const char *line, size_t n, void *arg);

/*
 * Open the database of c (beside a running daemon if need be: SQLite's
 * WAL lets both write), forget every line of in, report on out and errors
 * on err. Returns 0 when every line was done (forgotten, or nothing was
 * kept of it), 1 when a line was not a number or reference or the store
 * failed.
 */
int	forget_run(const struct conf *c, FILE *in, FILE *out, FILE *err);

/*
 * Hand every line of in that is not blank, trimmed, to fn with its line
 * number, wiping each line after; hotlined -F and hotlinectl forget --api
 * read the same way. Returns 1 if any call returned 1, else 0.
 */
int	forget_lines(FILE *in, forget_line_cb fn, void *arg);

/*
 * Whether s is a case reference (4 to 15 of A-Z and 0-9 with a letter)
 * rather than a phone number.
 */
int	forget_is_ref(const char *s);

/* Print "line N: forgot ..." with what went. */
void	forget_print(FILE *out, size_t n, const struct store_purged *p);

#endif
