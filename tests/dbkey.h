/* SPDX-License-Identifier: ISC */
/*
 * dbkey: for tests that read the database directly. It gives a SQLite
 * connection the function dec(value, column, id), which opens a value the
 * store sealed for column ("callback.phone") of row id under the key
 * file's key: the text, or NULL for NULL or a value that does not open.
 */
#ifndef HOTLINED_TESTS_DBKEY_H
#define HOTLINED_TESTS_DBKEY_H

#include <sqlite3.h>

/* Register dec() on db under the key in key_file: 0, or -1 (printed). */
int	 dbkey_attach(sqlite3 *db, const char *key_file);

#endif
