/* SPDX-License-Identifier: ISC */
/*
 * priv: who the daemon runs as. It never runs as root by accident: root
 * must name the user to become (-u), and the switch is done before any
 * file is read, so that the configuration, the secrets and the database
 * are opened with the rights the daemon keeps, as under systemd's User=.
 */
#ifndef HOTLINED_PRIV_H
#define HOTLINED_PRIV_H

#include <stddef.h>

/*
 * Become user (a name or a numeric uid) if given; refuse to go on as root
 * without one. Sets the groups, gid and uid, then checks root cannot be
 * regained. "root" is taken as asked for and only warned about. Returns
 * 0, or -1 with a reason in buf.
 */
int	priv_drop(const char *user, char *buf, size_t len);

#endif
