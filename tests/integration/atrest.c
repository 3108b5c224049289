/* SPDX-License-Identifier: ISC */
/*
 * atrest: search the daemon's files for phone numbers (atrest.h).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "atrest.h"
#include "harness.h"

#define FORMS	4	/* +855..., 855..., 0..., %2B855... */

/* The textual forms of one E.164 number "+855NSN" into f[FORMS]. */
static void
forms(const char *e164, char f[FORMS][40])
{
	const char	*nsn;

	ck_assert_msg(strncmp(e164, "+855", 4) == 0 && strlen(e164) <= 16,
	    "not a Cambodian E.164 number: %s", e164);
	nsn = e164 + 4;
	snprintf(f[0], sizeof(f[0]), "%s", e164);
	snprintf(f[1], sizeof(f[1]), "855%s", nsn);
	snprintf(f[2], sizeof(f[2]), "0%s", nsn);
	snprintf(f[3], sizeof(f[3]), "%%2B855%s", nsn);
}

/* s as UTF-16 (ASCII only), big-endian when be, into out; its length. */
static size_t
utf16(const char *s, int be, char *out)
{
	size_t	 i, n = strlen(s);

	for (i = 0; i < n; i++) {
		out[2 * i + (be ? 0 : 1)] = '\0';
		out[2 * i + (be ? 1 : 0)] = s[i];
	}
	return 2 * n;
}

/* Is name one of the test's own inputs (configuration, roster, menus)? */
static int
input(const char *name)
{
	const char *const	 ext[] = { ".json", ".json.in", ".conf", NULL };
	size_t			 i, n = strlen(name), k;

	for (i = 0; ext[i] != NULL; i++) {
		k = strlen(ext[i]);
		if (n >= k && strcmp(name + n - k, ext[i]) == 0)
			return 1;
	}
	return 0;
}

/* Fail if buf holds needle; what says which form it is. */
static void
search(const char *file, const char *buf, size_t len, const void *needle,
    size_t nlen, const char *what)
{
	const char	*at;

	at = memmem(buf, len, needle, nlen);
	ck_assert_msg(at == NULL, "%s holds a phone number as %s at offset "
	    "%zu", file, what, (size_t)(at - buf));
}

int
at_rest_clean(const char *dir, const char *const *numbers)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 sb;
	char		 f[FORMS][40], wide[80], what[64], *path, *buf;
	size_t		 len, wlen, i, k;
	int		 files = 0, be;

	d = opendir(dir);
	ck_assert_msg(d != NULL, "cannot open %s", dir);
	while ((e = readdir(d)) != NULL) {
		ck_assert_int_ne(asprintf(&path, "%s/%s", dir, e->d_name), -1);
		if (input(e->d_name) || stat(path, &sb) == -1 ||
		    !S_ISREG(sb.st_mode)) {
			free(path);
			continue;
		}
		buf = harness_read_file(path, &len);
		ck_assert_msg(buf != NULL, "cannot read %s", path);
		for (i = 0; numbers[i] != NULL; i++) {
			forms(numbers[i], f);
			for (k = 0; k < FORMS; k++) {
				snprintf(what, sizeof(what), "text form %zu",
				    k);
				search(e->d_name, buf, len, f[k], strlen(f[k]),
				    what);
				for (be = 0; be <= 1; be++) {
					wlen = utf16(f[k], be, wide);
					snprintf(what, sizeof(what), "UTF-16%s "
					    "form %zu", be ? "BE" : "LE", k);
					search(e->d_name, buf, len, wide, wlen,
					    what);
				}
			}
		}
		free(buf);
		free(path);
		files++;
	}
	closedir(d);
	return files;
}
