/* SPDX-License-Identifier: ISC */
/*
 * hotlined: the daemon context. One struct owns the event base, the current
 * configuration, the session table and the two listeners' front ends (the
 * gateways' webhooks; the counsellor API, console and Telegram's webhook),
 * wires the modules onto them, and handles signals:
 * TERM/INT stop, HUP reloads, USR1 is accepted for log reopening (stderr
 * needs none), PIPE is ignored.
 */
#ifndef HOTLINED_HOTLINED_H
#define HOTLINED_HOTLINED_H

#include <stdio.h>

struct conf;
struct hotlined;

/*
 * A daemon serving conf (the reference is taken over), reloading from
 * conf_file on SIGHUP. verbose (-v) keeps debug lines on across reloads
 * whatever the file says. NULL on failure.
 */
struct hotlined	*hotlined_new(const char *conf_file, struct conf *conf,
		    int verbose);

/* Bind the listeners and install the signal events. 0, or -1 logged. */
int		 hotlined_start(struct hotlined *d);

/* Run the event loop until a stop signal; returns the exit status. */
int		 hotlined_run(struct hotlined *d);

/* Reload the configuration now (what SIGHUP does). 0, or -1 kept old. */
int		 hotlined_reload(struct hotlined *d);

void		 hotlined_free(struct hotlined *d);

/*
 * hotlined -R: with no daemon on it (the database's lock), re-encrypt the
 * database of conf under a new key, resuming one cut short; force (-f)
 * drops the unsafe marks and opt-outs that cannot follow. Test knobs in
 * the environment: HOTLINED_ROTATE_BATCH (rows per transaction) and
 * HOTLINED_ROTATE_PAUSE_MS (a sleep after each). Returns the exit status.
 */
int		 hotlined_rotate(const struct conf *conf, int force);

/* Print our version and the libraries' versions, one per line. */
void		 hotlined_versions(FILE *fp);

#endif
