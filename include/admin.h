/* SPDX-License-Identifier: ISC */
/*
 * admin: the offline work that hotlined's flags (-t, -B) and hotlinectl
 * (menu check, backup) share, so that both say and do the same: loading
 * the configuration with its problems printed, and backing the database
 * up. Forgetting from stdin is forget.c's.
 */
#ifndef HOTLINED_ADMIN_H
#define HOTLINED_ADMIN_H

#include <stdio.h>

struct conf;
struct conf_report;

/* Fill r to print the screen report on fp as hotlined -t does. */
void		 admin_report_file(struct conf_report *r, FILE *fp);

/* Have jansson overwrite every block it frees (before any JSON is read). */
void		 admin_json_wipe(void);

/*
 * Load the configuration file, printing every problem on stderr, or when
 * there is none every warning (on stderr when report is not NULL, as for
 * a check, else in the log, as for the daemon); report hears the screen
 * budgets. Returns the conf (one reference), or NULL if there was any
 * problem.
 */
struct conf	*admin_load(const char *file,
		    const struct conf_report *report);

/*
 * Copy the database of the configuration file into the new file dest
 * (mode 0600), online: a running daemon may go on writing. prog names
 * the program in messages on stderr; the result goes to stdout. Returns
 * the exit status: 0, or 1.
 */
int		 admin_backup(const char *prog, const char *file,
		    const char *dest);

#endif
