/* SPDX-License-Identifier: ISC */
/*
 * fuzzutil: the temporary directory of the file-reading targets, reading
 * the shipped samples they start from, and reporting a failed property.
 * Fuzz-only; see fuzzutil.h.
 */
#include <sys/stat.h>

#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzzutil.h"

static char	fuzz_dir[PATH_MAX];

/* Remove one entry of the directory, deepest first. */
static int
fuzz_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* Remove the directory at exit. */
static void
fuzz_cleanup(void)
{
	if (fuzz_dir[0] != '\0')
		nftw(fuzz_dir, fuzz_rm, 16, FTW_DEPTH | FTW_PHYS);
}

/* Make the directory once, under $TMPDIR or /tmp. */
const char *
fuzz_tmpdir(void)
{
	const char	*base;

	if (fuzz_dir[0] != '\0')
		return fuzz_dir;
	base = getenv("TMPDIR");
	if (base == NULL || *base == '\0')
		base = "/tmp";
	snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/hotlined-fuzz.XXXXXX", base);
	if (mkdtemp(fuzz_dir) == NULL) {
		perror("fuzz: mkdtemp");
		abort();
	}
	atexit(fuzz_cleanup);
	return fuzz_dir;
}

/* Replace a file under the directory with the bytes given. */
char *
fuzz_write(const char *rel, const void *data, size_t len)
{
	char	*path, *slash;
	FILE	*fp;

	if (asprintf(&path, "%s/%s", fuzz_tmpdir(), rel) == -1)
		abort();
	slash = strrchr(path, '/');
	*slash = '\0';
	mkdir(path, 0700);
	*slash = '/';
	fp = fopen(path, "w");
	if (fp == NULL || (len > 0 && fwrite(data, 1, len, fp) != len) ||
	    fclose(fp) != 0) {
		perror(path);
		abort();
	}
	return path;
}

/* Read a file of the source tree. */
char *
fuzz_read_src(const char *rel, size_t *len)
{
	char	 path[PATH_MAX];
	char	*buf;
	FILE	*fp;
	long	 n;

	snprintf(path, sizeof(path), "%s/%s", FUZZ_TOP_SRCDIR, rel);
	fp = fopen(path, "r");
	n = -1;
	if (fp != NULL && fseek(fp, 0, SEEK_END) == 0)
		n = ftell(fp);
	if (n < 0 || fseek(fp, 0, SEEK_SET) != 0) {
		perror(path);
		abort();
	}
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, fp) != (size_t)n)
		abort();
	fclose(fp);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

/* Report a broken property and abort. */
void
fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: property failed: %s\n", file, line, what);
	abort();
}
