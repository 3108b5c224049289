/* SPDX-License-Identifier: ISC */
/*
 * jsonfile: the files an admin writes. It reads a JSON file (configuration,
 * menu, roster), parses it with jansson and indexes its positions, so that
 * both syntax and schema problems can be reported as file:line:col, and it
 * resolves the paths those JSON files name.
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

/*
 * file as named in a JSON file living in dir: unchanged if absolute or dir
 * is ".", else "dir/file". A new string, or NULL on allocation failure.
 */
char	*jsonfile_path(const char *dir, const char *file);


#endif
