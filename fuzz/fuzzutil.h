/* SPDX-License-Identifier: ISC */
/*
 * fuzzutil: what the libFuzzer targets in fuzz/ share: the entry points
 * libFuzzer calls, one private temporary directory per process for the
 * targets whose parser reads a file, and a failed property's report.
 * Fuzz-only; never linked into the daemon or the tests.
 */
#ifndef HOTLINED_FUZZUTIL_H
#define HOTLINED_FUZZUTIL_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's entry points (each target defines the first, some both). */
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int	LLVMFuzzerInitialize(int *argc, char ***argv);

/*
 * The process's temporary directory, made on first use and removed with
 * everything in it at exit. Aborts if it cannot be made.
 */
const char	*fuzz_tmpdir(void);

/*
 * Write len bytes to rel under fuzz_tmpdir() (one level of parent
 * directory is made), replacing the file. Returns the path (owned by the
 * caller); aborts on failure.
 */
char		*fuzz_write(const char *rel, const void *data, size_t len);

/*
 * Read file rel of the source tree (FUZZ_TOP_SRCDIR) into a new
 * NUL-terminated buffer of *len bytes; aborts on failure.
 */
char		*fuzz_read_src(const char *rel, size_t *len);

/* A property failed: say which, then abort so that libFuzzer keeps the
 * input. */
#define FUZZ_ASSERT(cond) do {						\
	if (!(cond))							\
		fuzz_fail(__FILE__, __LINE__, #cond);			\
} while (0)
void		 fuzz_fail(const char *file, int line, const char *what)
		    __attribute__((noreturn));

#endif
