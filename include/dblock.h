/* SPDX-License-Identifier: ISC */
/*
 * dblock: the lock that keeps one process at a time on a database: the
 * daemon holds it while it runs, and so does a key rotation (hotlined -R),
 * so that neither starts while the other works on the file. It is an
 * exclusive flock(2) on "<database>.lock", released when the process ends,
 * however it ends; the file itself stays.
 */
#ifndef HOTLINED_DBLOCK_H
#define HOTLINED_DBLOCK_H

struct dblock;

/*
 * Take the lock of the database at path without waiting, making its lock
 * file (mode 0600) if needed. Returns NULL with a message in *cause (a
 * new string) when another process holds it or the file cannot be made.
 */
struct dblock	*dblock_new(const char *path, char **cause);

/* Release the lock. NULL is fine. */
void		 dblock_free(struct dblock *l);

#endif
