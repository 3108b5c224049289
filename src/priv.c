/* SPDX-License-Identifier: ISC */
/*
 * priv: dropping root, as OpenSMTPD and tmux's servers do: resolve the
 * user, set the supplementary groups to its own, then the gid, then the
 * uid, and check that setuid(0) no longer works.
 */
#include <sys/types.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "priv.h"

/* Look a user up by name, or by number when it is all digits. */
static struct passwd *
priv_user(const char *user)
{
	char		*end;
	unsigned long	 uid;

	if (user[0] >= '0' && user[0] <= '9') {
		errno = 0;
		uid = strtoul(user, &end, 10);
		if (*end == '\0' && errno == 0 && uid == (uid_t)uid)
			return getpwuid((uid_t)uid);
	}
	return getpwnam(user);
}

/* Become user; see priv.h. */
int
priv_drop(const char *user, char *buf, size_t len)
{
	struct passwd	*pw;

	if (user == NULL) {
		if (geteuid() != 0)
			return 0;
		snprintf(buf, len, "refusing to run as root: name the user "
		    "to run as with -u (hotlined(8))");
		return -1;
	}
	if ((pw = priv_user(user)) == NULL) {
		snprintf(buf, len, "-u %s: no such user", user);
		return -1;
	}
	if (pw->pw_uid == 0) {
		log_warnx("running as root, as -u %s asks: not recommended",
		    user);
		return 0;
	}
	if (geteuid() != 0) {
		if (geteuid() == pw->pw_uid)
			return 0;
		snprintf(buf, len, "-u %s: only root can change user", user);
		return -1;
	}
	if (setgroups(1, &pw->pw_gid) == -1 || setgid(pw->pw_gid) == -1 ||
	    setuid(pw->pw_uid) == -1) {
		snprintf(buf, len, "cannot become %s: %s", user,
		    strerror(errno));
		return -1;
	}
	if (setuid(0) != -1 || getuid() == 0 || geteuid() == 0) {
		snprintf(buf, len, "root could be regained after becoming %s",
		    user);
		return -1;
	}
	return 0;
}
