/* SPDX-License-Identifier: ISC */
/*
 * secret: reading a secret (a token, a key) from a file only its owner
 * may read. The file is checked before it is opened (a regular file, not
 * a link, no group or other permission bits), opened without following
 * links or blocking, and checked again once open, so that nothing can be
 * swapped in between. What a secret must look like is the caller's rule.
 */
#ifndef HOTLINED_SECRET_H
#define HOTLINED_SECRET_H

/*
 * The first line (without its newline) of path. A new string the caller
 * wipes (explicit_bzero) and frees, or NULL with *cause set to a new
 * string naming path and the problem (NULL when memory ran out).
 */
char	*secret_read(const char *path, char **cause);

/* Overwrite and free a secret (NULL is fine). */
void	 secret_free(char *s);

/* The same for the string at *sp (NULL is fine), which becomes NULL:
 * for anything that held a number, an answer or a text as well. */
void	 secret_clear(char **sp);

#endif
