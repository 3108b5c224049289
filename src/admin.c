/* SPDX-License-Identifier: ISC */
/*
 * admin: loading the configuration for a check or an offline command,
 * and the online backup, as hotlined -t/-B and hotlinectl run them. It
 * only prints and calls: the checks are conf.c's and menu's, the copy is
 * store_backup's.
 */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "admin.h"
#include "conf.h"
#include "diag.h"
#include "log.h"
#include "store.h"

/*
 * jansson's free: JSON webhook bodies and API answers carry phone numbers
 * and answers, so every block jansson releases is overwritten first.
 */
static void
admin_json_free(void *p)
{
	if (p == NULL)
		return;
	explicit_bzero(p, malloc_usable_size(p));
	free(p);
}

/* Have jansson wipe what it frees. */
void
admin_json_wipe(void)
{
	json_set_alloc_funcs(malloc, admin_json_free);
}

/* The heading of a channel's screens, as hotlined -t prints it. */
static void
admin_report_channel_cb(const char *menu, const char *channel,
    const struct menu_limits *lim, void *fp)
{
	fprintf(fp, "screens of menu \"%s\" on channel \"%s\" (limits: %zu "
	    "GSM-7 septets, %zu UCS-2 units):\n", menu, channel, lim->gsm7,
	    lim->ucs2);
}

/* A report printed on fp as hotlined -t prints it. */
void
admin_report_file(struct conf_report *r, FILE *fp)
{
	r->channel = admin_report_channel_cb;
	r->screen = menu_fit_print;
	r->arg = fp;
}

/* Load file, printing its problems or warnings. */
struct conf *
admin_load(const char *file, const struct conf_report *report)
{
	struct diag	*d;
	struct conf	*c;
	size_t		 i;

	d = diag_new();
	if (d == NULL)
		fatalx("out of memory");
	c = conf_load(file, d, report);
	if (c == NULL)
		diag_print(d, stderr, "");	/* warnings would hide them */
	else if (report != NULL)
		diag_print_warnings(d, stderr, "");
	else	/* log_warnx says "warning:" itself */
		for (i = 0; i < diag_warnings(d); i++)
			log_warnx("%s", diag_warning(d, i));
	diag_free(d);
	return c;
}

/* Copy the database of file into dest; the exit status. */
int
admin_backup(const char *prog, const char *file, const char *dest)
{
	struct store_opts	 so;
	struct conf		*c;
	char			*cause = NULL;
	int64_t			 pages;
	int			 rc = 0;

	c = admin_load(file, NULL);
	if (c == NULL) {
		fprintf(stderr, "%s: configuration has errors, no backup\n",
		    file);
		return 1;
	}
	memset(&so, 0, sizeof(so));
	so.key_file = conf_key_file(c);
	so.password_file = conf_password_file(c);
	if (store_backup(conf_database(c), &so, dest, &pages, &cause) == -1) {
		fprintf(stderr, "%s: backup failed: %s\n", prog,
		    cause != NULL ? cause : "out of memory");
		rc = 1;
	} else
		printf("backup: %s (%lld pages)\n", dest, (long long)pages);
	free(cause);
	conf_unref(c);
	return rc;
}
