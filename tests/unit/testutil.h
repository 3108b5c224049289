/* SPDX-License-Identifier: ISC */
/*
 * testutil: helpers shared by the unit suites: temporary files, loading a
 * menu or configuration from a string, searching collected problems,
 * configuring a channel adapter from a string and request headers.
 */
#ifndef HOTLINED_TESTUTIL_H
#define HOTLINED_TESTUTIL_H

#include <stddef.h>

#include "channel.h"
#include "menu.h"

struct channel_ops;
struct channel_setup;
struct diag;
struct event_base;
struct menu;
struct schema_key;

#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* One request header; tables of them end with a NULL name. */
struct tu_hdr {
	const char	*name;
	const char	*value;
};

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

/* Return 1 if some warning collected in d contains needle. */
int		 tu_warned(const struct diag *d, const char *needle);

/*
 * A channel_header_cb over a table of struct tu_hdr (arg, NULL for none):
 * the value of the first header called name, ignoring case, or NULL.
 */
const char	*tu_hdr_get(void *arg, const char *name);

/*
 * Check entry (JSON text, which must parse) against common and ops's
 * keys as channel_new does, then configure ops with it for setup at
 * "/channels/0" of a file "h.conf" in dir (secret files are relative to
 * it). Problems go to d and their number to *errors; *state is the
 * adapter's state. Returns what configure returned.
 */
int		 tu_channel_conf(const struct channel_ops *ops,
		    const struct schema_key *common, const char *entry,
		    const struct channel_setup *setup, const char *dir,
		    struct diag *d, size_t *errors, void **state);

/*
 * Parse r with ops (state st) into ev, zeroed first and named as
 * channel.c does. Returns what parse returned, with *cause its reason.
 */
int		 tu_parse(const struct channel_ops *ops, const void *st,
		    struct channel_request r, struct channel_event *ev,
		    const char **cause);

/* Parse r into ev (the caller clears it), which must succeed. */
void		 tu_parse_ok(const struct channel_ops *ops, const void *st,
		    struct channel_request r, struct channel_event *ev);

/* Parse r, which must succeed with the text want; ev is cleared. */
void		 tu_parsed_text(const struct channel_ops *ops,
		    const void *st, struct channel_request r,
		    const char *want);

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
