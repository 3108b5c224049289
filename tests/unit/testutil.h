/* SPDX-License-Identifier: ISC */
/*
 * testutil: helpers shared by the unit suites: temporary files, loading a
 * menu or configuration from a string, searching collected problems.
 */
#ifndef HOTLINED_TESTUTIL_H
#define HOTLINED_TESTUTIL_H

#include <stddef.h>

struct diag;
struct menu;

/* Directory of test data ($TEST_DATA_DIR, default "tests/data"). */
const char	*tu_data_dir(void);

/* Path of a file under the test data directory (static buffer). */
const char	*tu_data(const char *rel);

/* A new temporary directory (static buffer; removed by tu_cleanup). */
const char	*tu_tmpdir(void);

/* Write text to dir/rel (creating dir/rel's parent); returns its path. */
char		*tu_write(const char *dir, const char *rel, const char *text);

/* Remove the temporary directory made by tu_tmpdir. */
void		 tu_cleanup(void);

/* The default menu environment: km, en; keys 0, 00, 98, 99. */
struct menu	*tu_menu_load_string(const char *json, struct diag *d);

/* Return 1 if some collected problem contains needle. */
int		 tu_diag_has(const struct diag *d, const char *needle);

/* All problems joined by newlines (static buffer), for messages. */
const char	*tu_diag_all(const struct diag *d);

/* UTF-16 code units of a UTF-8 string. */
size_t		 tu_utf16_units(const char *s);

#endif
