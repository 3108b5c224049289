/* SPDX-License-Identifier: ISC */
/*
 * jsonfile: one place that turns an admin's JSON file into a jansson tree
 * and a position index, with size limits and exact syntax error locations.
 * What the document means is the caller's business.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "diag.h"
#include "jsonfile.h"
#include "jsonpos.h"

/* Read at most max bytes of path into a NUL-terminated buffer. */
static char *
jsonfile_read(const char *path, const char *name, size_t max, size_t *lenp,
    struct diag *d)
{
	FILE	*fp;
	char	*buf = NULL, *nb;
	size_t	 len = 0, cap = 0, n;

	fp = fopen(path, "r");
	if (fp == NULL) {
		diag_add(d, "%s: %s", name, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (cap - len < 2) {
			cap = cap ? cap * 2 : 16384;
			nb = realloc(buf, cap);
			if (nb == NULL) {
				diag_add(d, "%s: out of memory", name);
				goto fail;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len - 1, fp);
		len += n;
		if (len > max) {
			diag_add(d, "%s: larger than %zu bytes", name, max);
			goto fail;
		}
		if (n == 0)
			break;
	}
	if (ferror(fp)) {
		diag_add(d, "%s: read error", name);
		goto fail;
	}
	fclose(fp);
	buf[len] = '\0';
	*lenp = len;
	return buf;
fail:
	fclose(fp);
	free(buf);
	return NULL;
}

/* Load, parse and index a JSON file. */
int
jsonfile_load(const char *path, const char *name, size_t max,
    struct jsonfile *out, struct diag *d)
{
	json_error_t	 jerr;
	char		*buf;
	size_t		 len;

	memset(out, 0, sizeof(*out));
	buf = jsonfile_read(path, name, max, &len, d);
	if (buf == NULL)
		return -1;
	out->root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (out->root == NULL) {
		diag_add(d, "%s:%d:%d: %s", name, jerr.line, jerr.column,
		    jerr.text);
		free(buf);
		return -1;
	}
	/* Without an index, problems are still reported by JSON pointer. */
	out->jp = jsonpos_scan(buf, len);
	free(buf);
	return 0;
}

/* Resolve a file named relative to its JSON file's directory. */
char *
jsonfile_path(const char *dir, const char *file)
{
	char	*p;

	if (file[0] == '/' || strcmp(dir, ".") == 0)
		return strdup(file);
	if (asprintf(&p, "%s/%s", dir, file) == -1)
		return NULL;
	return p;
}

/* Release the tree and the index. */
void
jsonfile_clear(struct jsonfile *jf)
{
	json_decref(jf->root);
	jsonpos_free(jf->jp);
	jf->root = NULL;
	jf->jp = NULL;
}
