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

#include <stdio.h>

struct conf;

/*
 * Open the database of c (beside a running daemon if need be: SQLite's
 * WAL lets both write), forget every line of in, report on out and errors
 * on err. Returns 0 when every line was done (forgotten, or nothing was
 * kept of it), 1 when a line was not a number or reference or the store
 * failed.
 */
int	forget_run(const struct conf *c, FILE *in, FILE *out, FILE *err);

#endif
