/* SPDX-License-Identifier: ISC */
/*
 * storeutil: the fixture the store suites share: a fresh directory with a
 * database path, its key file's path, an event loop and the store opened
 * on it; SQL of the test's own through a second connection; the request
 * of one survivor written and read back, and a search of the files on
 * disk for what must never be there in clear. Built on testutil.
 */
#ifndef HOTLINED_STOREUTIL_H
#define HOTLINED_STOREUTIL_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include <check.h>

#include "store.h"

struct event_base;
struct store;

#define SU_PHONE	"+85512345678"	/* the survivor's number */
#define SU_SAFE		"012345678"	/* the safe number she types */
#define SU_WAIT_S	10		/* for one completion */

/*
 * One test's state. Check runs each test in a process of its own (or
 * one after the other with CK_FORK=no), so one fixture serves them all.
 */
struct su_fixture {
	char			 dir[PATH_MAX];
	char			 path[PATH_MAX + 16];	/* dir/hotlined.db */
	char			 key[PATH_MAX + 24];	/* path.key */
	struct event_base	*base;
	struct store		*st;
};

extern struct su_fixture su;

/* A row completion's result, with copies of the strings tests look at. */
struct su_got {
	int			 done;
	enum store_rc		 rc;
	struct store_callback	 row;
	char			 ref[16];
	char			 phone[32];
	char			 cover[64];
	char			 province[64];
};

/*
 * Check fixture: a fresh directory below tu_tmpdir (which main removes),
 * the paths in it and an event base; no store open yet.
 */
void		 su_setup(void);

/* Check fixture: close the store (if open) and free the event base. */
void		 su_teardown(void);

/*
 * Run s in Check's default (fork) mode, every test's directory below
 * tu_tmpdir's, removed at the end. The exit status for main.
 */
int		 su_run(Suite *s);

/*
 * Run the tests that follow name (START_TEST's names, NULL-ended) as one
 * suite and test case called name, each between su_setup and su_teardown
 * and within 60 s, with su_run. The exit status for main.
 */
int		 su_main(const char *name, ...) __attribute__((sentinel));

/* Open the store on the test's file with o (or NULL), which must work. */
struct store	*su_open(const struct store_opts *o);

/* Run the loop until *done is set, for at most SU_WAIT_S seconds. */
void		 su_wait(const int *done);

/* Run SQL on the file through a second connection; it must work. */
void		 su_exec(const char *sql);

/*
 * The first integer of sql through a second, read-only connection, with
 * dec(value, column, id) under the key in key_file (NULL: none). -1 for
 * no row.
 */
long long	 su_query_key(const char *key_file, const char *sql);

/* su_query_key under the database's key file, when there is one. */
long long	 su_query_int(const char *sql);

/* A store_callback_cb that copies the row into the struct su_got arg. */
void		 su_row_cb(enum store_rc rc, const struct store_callback *row,
		    void *arg);

/* A store_done_cb that asserts STORE_OK and sets the int flag arg. */
void		 su_done_cb(enum store_rc rc, void *arg);

/*
 * Create a request of phone by session sid at now, with her answers (safe
 * number SU_SAFE, cover "survey_ខ្មែរ", province KH-12); the row in *g.
 */
enum store_rc	 su_create(const char *sid, const char *phone, int64_t now,
		    struct su_got *g);

/* Look request ref up into *g. */
enum store_rc	 su_get(const char *ref, struct su_got *g);

/*
 * Write one of everything personal: her request (into *g), a note with
 * her safe number and a text to her.
 */
void		 su_write_all(struct su_got *g);

/*
 * Claim request ref, complete it as unsafe (both her numbers marked) and
 * record her STOP.
 */
void		 su_mark_unsafe(const char *ref);

/* su_write_all's note on request ref and text to her read back whole. */
void		 su_assert_read(const char *ref);

/* Whether the database or its WAL holds s, in UTF-8 or UTF-16. */
int		 su_on_disk(const char *s);

/* None of the spellings of her number, nor her words, are on disk. */
void		 su_assert_clean(void);

#endif
