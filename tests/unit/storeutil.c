/* SPDX-License-Identifier: ISC */
/*
 * storeutil: the temporary database, its loop and store, second
 * connections and one survivor's rows for the store suites (check_store,
 * check_store_sms, check_crypt, check_rotate). Test-only; never linked
 * into the daemon.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <event2/event.h>
#include <sqlite3.h>

#include "dbkey.h"
#include "store.h"
#include "storeutil.h"
#include "testutil.h"

struct su_fixture	 su;

/* Fresh directory, paths and event base. */
void
su_setup(void)
{
	snprintf(su.dir, sizeof(su.dir), "%s/t.XXXXXX", tu_tmpdir());
	ck_assert_ptr_nonnull(mkdtemp(su.dir));
	snprintf(su.path, sizeof(su.path), "%s/hotlined.db", su.dir);
	snprintf(su.key, sizeof(su.key), "%s.key", su.path);
	su.base = event_base_new();
	ck_assert_ptr_nonnull(su.base);
	su.st = NULL;
}

/* Close the store; main removes the tree. */
void
su_teardown(void)
{
	store_free(su.st);
	su.st = NULL;
	event_base_free(su.base);
	su.base = NULL;
}

/* Run the suite; its directory is made first, so that main removes it. */
int
su_run(Suite *s)
{
	SRunner	*sr;
	int	 failed;

	tu_tmpdir();
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	tu_cleanup();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* One suite of one test case of the tests listed, around the fixture. */
int
su_main(const char *name, ...)
{
	Suite		*s = suite_create(name);
	TCase		*tc = tcase_create(name);
	const TTest	*t;
	va_list		 ap;

	tcase_add_checked_fixture(tc, su_setup, su_teardown);
	tcase_set_timeout(tc, 60);
	va_start(ap, name);
	while ((t = va_arg(ap, const TTest *)) != NULL)
		tcase_add_test(tc, t);
	va_end(ap);
	suite_add_tcase(s, tc);
	return su_run(s);
}

/* Open the store on the test's file, which must work. */
struct store *
su_open(const struct store_opts *o)
{
	char		*cause = NULL;
	struct store	*st;

	st = store_new(su.base, su.path, o, &cause);
	ck_assert_msg(st != NULL, "store_new: %s", cause);
	return st;
}

/* Wait for a flag. */
void
su_wait(const int *done)
{
	ck_assert_msg(tu_loop_wait(su.base, done, 1, SU_WAIT_S) == 0,
	    "no completion within %d s", SU_WAIT_S);
}

/* Run SQL on the file through another connection. */
void
su_exec(const char *sql)
{
	sqlite3	*db;
	char	*err = NULL;

	ck_assert_int_eq(sqlite3_open(su.path, &db), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, &err) == SQLITE_OK,
	    "%s: %s", sql, err);
	sqlite3_close(db);
}

/* The first integer of sql, with dec() under key_file when not NULL. */
long long
su_query_key(const char *key_file, const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	long long	 n = -1;

	ck_assert_int_eq(sqlite3_open_v2(su.path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	if (key_file != NULL)
		ck_assert_int_eq(dbkey_attach(db, key_file), 0);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

/* The first integer of sql, with dec() once the key file exists. */
long long
su_query_int(const char *sql)
{
	return su_query_key(access(su.key, F_OK) == 0 ? su.key : NULL, sql);
}

/* Copy a row's strings out of the completion. */
void
su_row_cb(enum store_rc rc, const struct store_callback *row, void *arg)
{
	struct su_got	*g = arg;

	g->rc = rc;
	if (row != NULL) {
		g->row = *row;
		snprintf(g->ref, sizeof(g->ref), "%s", row->ref);
		snprintf(g->phone, sizeof(g->phone), "%s",
		    row->phone != NULL ? row->phone : "");
		snprintf(g->cover, sizeof(g->cover), "%s",
		    row->cover != NULL ? row->cover : "");
		snprintf(g->province, sizeof(g->province), "%s",
		    row->province != NULL ? row->province : "");
	}
	g->done = 1;
}

/* Flag a plain completion. */
void
su_done_cb(enum store_rc rc, void *arg)
{
	int	*d = arg;

	ck_assert_int_eq(rc, STORE_OK);
	*d = 1;
}

/* The history's note as opened by the store. */
static void
su_hist_cb(enum store_rc rc, const struct store_event *ev, size_t n,
    void *arg)
{
	struct su_got	*g = arg;
	size_t		 i;

	g->rc = rc;
	for (i = 0; i < n; i++)
		if (strcmp(ev[i].event, "note") == 0)
			snprintf(g->cover, sizeof(g->cover), "%s",
			    ev[i].detail);
	g->done = 1;
}

/* The text queued to her, as opened by the store. */
static void
su_sms_cb(enum store_rc rc, const struct store_sms *rows, size_t n,
    void *arg)
{
	struct su_got	*g = arg;

	g->rc = rc;
	if (n > 0) {
		snprintf(g->phone, sizeof(g->phone), "%s", rows[0].phone);
		snprintf(g->cover, sizeof(g->cover), "%s", rows[0].text);
	}
	g->done = 1;
}

/* Create a request of phone by session sid, with her answers. */
enum store_rc
su_create(const char *sid, const char *phone, int64_t now, struct su_got *g)
{
	struct store_callback	 in;

	memset(&in, 0, sizeof(in));
	memset(g, 0, sizeof(*g));
	in.channel = "at";
	in.phone = phone;
	in.safe_to_call = "no";
	in.safe_number = SU_SAFE;
	in.window = "evening";
	in.cover = "survey_ខ្មែរ";
	in.province = "KH-12";
	in.topic = "violence";
	in.lang = "km";
	in.next_action_at = now;
	in.call_from = now;
	ck_assert_int_eq(store_callback_create(su.st, &in, sid, strlen(sid),
	    3600, now, su_row_cb, g), 0);
	su_wait(&g->done);
	return g->rc;
}

/* Look a request up. */
enum store_rc
su_get(const char *ref, struct su_got *g)
{
	memset(g, 0, sizeof(*g));
	ck_assert_int_eq(store_callback_get(su.st, ref, su_row_cb, g), 0);
	su_wait(&g->done);
	return g->rc;
}

/* Write one of everything personal. */
void
su_write_all(struct su_got *g)
{
	static const char *const texts[] = { "call me after 5 " SU_PHONE };
	struct su_got	 n;
	int		 d = 0;

	ck_assert_int_eq(su_create("at:s1", SU_PHONE, 1000, g), STORE_OK);
	memset(&n, 0, sizeof(n));
	ck_assert_int_eq(store_callback_note(su.st, g->ref, "c1",
	    "she lives near the market, " SU_SAFE, 1001, su_row_cb, &n), 0);
	su_wait(&n.done);
	ck_assert_int_eq(n.rc, STORE_OK);
	ck_assert_int_eq(store_sms_queue(su.st, "at", SU_PHONE, texts, 1,
	    1002, su_done_cb, &d), 0);
	su_wait(&d);
}

/* Her request completed as unsafe, her STOP recorded. */
void
su_mark_unsafe(const char *ref)
{
	struct su_got	 n;
	int		 d = 0;

	memset(&n, 0, sizeof(n));
	ck_assert_int_eq(store_callback_claim(su.st, ref, "c1", 5000, 1003,
	    su_row_cb, &n), 0);
	su_wait(&n.done);
	memset(&n, 0, sizeof(n));
	ck_assert_int_eq(store_callback_complete(su.st, ref, "c1", "unsafe",
	    1004, su_row_cb, &n), 0);
	su_wait(&n.done);
	ck_assert_int_eq(n.rc, STORE_OK);
	ck_assert_int_eq(store_sms_optout(su.st, SU_PHONE, 1, 1005,
	    su_done_cb, &d), 0);
	su_wait(&d);
}

/* The note and the text, as the store opens them. */
void
su_assert_read(const char *ref)
{
	struct su_got	 h;

	memset(&h, 0, sizeof(h));
	ck_assert_int_eq(store_callback_history(su.st, ref, su_hist_cb, &h),
	    0);
	su_wait(&h.done);
	ck_assert_str_eq(h.cover, "she lives near the market, " SU_SAFE);
	memset(&h, 0, sizeof(h));
	ck_assert_int_eq(store_sms_list(su.st, SU_PHONE, su_sms_cb, &h), 0);
	su_wait(&h.done);
	ck_assert_int_eq(h.rc, STORE_OK);
	ck_assert_str_eq(h.phone, SU_PHONE);
	ck_assert_str_eq(h.cover, "call me after 5 " SU_PHONE);
}

/* Append a file's bytes (if it exists) to *buf. */
static void
su_slurp_add(const char *path, char **buf, size_t *len)
{
	FILE	*fp;
	char	 chunk[65536];
	size_t	 n;

	fp = fopen(path, "rb");
	if (fp == NULL)
		return;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		*buf = realloc(*buf, *len + n);
		ck_assert_ptr_nonnull(*buf);
		memcpy(*buf + *len, chunk, n);
		*len += n;
	}
	fclose(fp);
}

/* s in UTF-16 (little-endian when le, else big), into out. */
static size_t
su_utf16(const char *s, int le, char *out)
{
	size_t	 i, n = strlen(s);

	for (i = 0; i < n; i++) {
		out[2 * i + (le ? 0 : 1)] = s[i];
		out[2 * i + (le ? 1 : 0)] = '\0';
	}
	return 2 * n;
}

/* Whether the database or its WAL holds s, in UTF-8 or UTF-16. */
int
su_on_disk(const char *s)
{
	char	 p[PATH_MAX + 24], *buf = NULL, w[128];
	size_t	 len = 0, n;
	int	 found;

	su_slurp_add(su.path, &buf, &len);
	snprintf(p, sizeof(p), "%s-wal", su.path);
	su_slurp_add(p, &buf, &len);
	if (buf == NULL)
		return 0;
	found = memmem(buf, len, s, strlen(s)) != NULL;
	n = su_utf16(s, 1, w);
	found |= memmem(buf, len, w, n) != NULL;
	n = su_utf16(s, 0, w);
	found |= memmem(buf, len, w, n) != NULL;
	free(buf);
	return found;
}

/* None of the spellings of her number, nor her words, are on disk. */
void
su_assert_clean(void)
{
	static const char *const never[] = {
		SU_PHONE, "85512345678", SU_SAFE, "12345678", "survey_",
		"she lives near the market", "KH-12", "violence", "evening",
		"call me after 5",
	};
	size_t	 i;

	for (i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		ck_assert_msg(!su_on_disk(never[i]), "\"%s\" is on disk",
		    never[i]);
}
