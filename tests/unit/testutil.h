/* SPDX-License-Identifier: ISC */
/*
 * testutil: helpers shared by the unit suites: temporary files, loading a
 * menu or configuration from a string, searching collected problems.
 */
#ifndef HOTLINED_TESTUTIL_H
#define HOTLINED_TESTUTIL_H

#include <stddef.h>

#include "menu.h"

struct diag;
struct event_base;
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

/*
 * The test menu environment: languages lang0, lang1; keys 0, 00, 98, 99;
 * exit text "អរគុណ។"; the default windows (8-12, 12-17, 17-21); "now" 30 min.
 */
void		 tu_menu_env(struct menu_env *env, const char *lang0,
		    const char *lang1);

/* Load the menu file path (named name) in the test environment. */
struct menu	*tu_menu_load_file(const char *path, const char *name,
		    const char *lang0, const char *lang1, struct diag *d);

/* Load a menu from a string in the test environment (km, en). */
struct menu	*tu_menu_load_string(const char *json, struct diag *d);

/* Return 1 if some collected problem contains needle. */
int		 tu_diag_has(const struct diag *d, const char *needle);

/* All problems joined by newlines (static buffer), for messages. */
const char	*tu_diag_all(const struct diag *d);

/* UTF-16 code units of a UTF-8 string. */
size_t		 tu_utf16_units(const char *s);

/*
 * Run base until *n reaches want (a completion counter or a flag with
 * want 1), for at most seconds. Returns 0, or -1 on time-out.
 */
int		 tu_loop_wait(struct event_base *base, const int *n, int want,
		    int seconds);

/* Run base for ms milliseconds, whatever is pending. */
void		 tu_loop_for(struct event_base *base, int ms);

#endif
