/* SPDX-License-Identifier: ISC */
/*
 * atrest: what a stolen disk would show. Every file the daemon keeps in
 * its directory (the database, its -wal and -shm, backups) is read as
 * bytes and searched for a phone number in each form it may have taken on
 * the way in: "+855...", "855...", "0...", "%2B855...", and each of those
 * as UTF-16 (both byte orders, as Kannel and UCS-2 SMS carry text).
 */
#ifndef HOTLINED_ATREST_H
#define HOTLINED_ATREST_H

/*
 * Fail the running test if any regular file below dir (not descending
 * into directories) holds one of the numbers (E.164, "+855" and 8 or 9
 * digits; a NULL-terminated array) in any of those forms, naming the file,
 * the form and the offset. Returns the number of files read.
 */
int	at_rest_clean(const char *dir, const char *const *numbers);

#endif
