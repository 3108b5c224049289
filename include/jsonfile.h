/* SPDX-License-Identifier: ISC */
/*
 * jsonfile: reads a JSON file an admin wrote (configuration or menu),
 * parses it with jansson and indexes its positions, so that both syntax
 * and schema problems can be reported as file:line:col.
 */
#ifndef HOTLINED_JSONFILE_H
#define HOTLINED_JSONFILE_H

#include <stddef.h>

#include <jansson.h>

struct diag;
struct jsonpos;

struct jsonfile {
	json_t		*root;	/* owned reference */
	struct jsonpos	*jp;	/* owned; may be taken by setting it NULL */
};

/*
 * Load path (at most max bytes), naming it name in problems. Duplicate
 * object keys are errors. Returns 0, or -1 with the problem added to d.
 */
int	jsonfile_load(const char *path, const char *name, size_t max,
	    struct jsonfile *out, struct diag *d);

/* Release what jsonfile_load returned (safe on a zeroed struct). */
void	jsonfile_clear(struct jsonfile *jf);

#endif
