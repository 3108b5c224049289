/* SPDX-License-Identifier: ISC */
/*
 * check_crypt: encryption at rest. After writes, neither the database
 * nor its WAL holds a survivor's number (in any of its spellings, in
 * UTF-8 or UTF-16) or her answers; values round-trip; another key, an
 * altered value or one moved to another row or column does not open and
 * fails the job; a plaintext file of schema 3 is encrypted in place with
 * its hashes recomputed; a key file others may read is refused.
 */
#include <sys/stat.h>

#include <limits.h>
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
#include "store_crypt.h"
#include "testutil.h"

#define PHONE	"+85512345678"
#define SAFE	"012345678"
#define WAIT_S	10

static struct {
	char			 dir[PATH_MAX];
	char			 path[PATH_MAX + 16];
	char			 key[PATH_MAX + 24];
	struct event_base	*base;
	struct store		*st;
} fx;

/* A row completion's result. */
struct got {
	int			 done;
	enum store_rc		 rc;
	struct store_callback	 row;
	char			 ref[16];
	char			 phone[32];
	char			 cover[64];
	char			 province[64];
};

/* Fresh directory, paths and event base. */
static void
setup(void)
{
	snprintf(fx.dir, sizeof(fx.dir), "%s/t.XXXXXX", tu_tmpdir());
	ck_assert_ptr_nonnull(mkdtemp(fx.dir));
	snprintf(fx.path, sizeof(fx.path), "%s/hotlined.db", fx.dir);
	snprintf(fx.key, sizeof(fx.key), "%s.key", fx.path);
	fx.base = event_base_new();
	ck_assert_ptr_nonnull(fx.base);
	fx.st = NULL;
}

/* Close the store; main removes the tree. */
static void
teardown(void)
{
	store_free(fx.st);
	fx.st = NULL;
	event_base_free(fx.base);
}

/* Open the store on the test's file, which must work. */
static struct store *
open_store(void)
{
	char		*cause = NULL;
	struct store	*st;

	st = store_new(fx.base, fx.path, NULL, &cause);
	ck_assert_msg(st != NULL, "store_new: %s", cause);
	return st;
}

/* Copy a row's strings out of the completion. */
static void
row_cb(enum store_rc rc, const struct store_callback *row, void *arg)
{
	struct got	*g = arg;

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
static void
done_cb(enum store_rc rc, void *arg)
{
	int	*d = arg;

	ck_assert_int_eq(rc, STORE_OK);
	*d = 1;
}

/* Wait for a flag. */
static void
wait_done(const int *done)
{
	ck_assert_msg(tu_loop_wait(fx.base, done, 1, WAIT_S) == 0,
	    "no completion");
}

/* Create a request of phone by session sid, with her answers. */
static enum store_rc
create(const char *sid, const char *phone, int64_t now, struct got *g)
{
	struct store_callback	 in;

	memset(&in, 0, sizeof(in));
	memset(g, 0, sizeof(*g));
	in.channel = "at";
	in.phone = phone;
	in.safe_to_call = "no";
	in.safe_number = SAFE;
	in.window = "evening";
	in.cover = "survey_ខ្មែរ";
	in.province = "KH-12";
	in.topic = "violence";
	in.lang = "km";
	in.next_action_at = now;
	in.call_from = now;
	ck_assert_int_eq(store_callback_create(fx.st, &in, sid, strlen(sid),
	    3600, now, row_cb, g), 0);
	wait_done(&g->done);
	return g->rc;
}

/* Look a request up. */
static enum store_rc
get(const char *ref, struct got *g)
{
	memset(g, 0, sizeof(*g));
	ck_assert_int_eq(store_callback_get(fx.st, ref, row_cb, g), 0);
	wait_done(&g->done);
	return g->rc;
}

/* Run SQL on the file through another connection. */
static void
exec_sql(const char *sql)
{
	sqlite3	*db;
	char	*err = NULL;

	ck_assert_int_eq(sqlite3_open(fx.path, &db), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, &err) == SQLITE_OK,
	    "%s: %s", sql, err);
	sqlite3_close(db);
}

/* Flip the low bit of byte at (from the end when < 0) of row id's phone. */
static void
flip(int64_t id, int at)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	unsigned char	 buf[256];
	int		 len;

	ck_assert_int_eq(sqlite3_open(fx.path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT phone FROM callback"
	    " WHERE id = ?", -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_int64(s, 1, id);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	len = sqlite3_column_bytes(s, 0);
	ck_assert(len > 0 && len <= (int)sizeof(buf));
	memcpy(buf, sqlite3_column_blob(s, 0), (size_t)len);
	sqlite3_finalize(s);
	buf[at < 0 ? len + at : at] ^= 1;
	ck_assert_int_eq(sqlite3_prepare_v2(db, "UPDATE callback SET"
	    " phone = ? WHERE id = ?", -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_blob(s, 1, buf, len, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, id);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
	sqlite3_close(db);
}

/* The first integer of a query through another connection (with dec). */
static long long
query_int(const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	long long	 n = -1;

	ck_assert_int_eq(sqlite3_open_v2(fx.path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	if (access(fx.key, F_OK) == 0)
		ck_assert_int_eq(dbkey_attach(db, fx.key), 0);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

/* Append a file's bytes (if it exists) to *buf. */
static void
slurp_add(const char *path, char **buf, size_t *len)
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
utf16(const char *s, int le, char *out)
{
	size_t	 i, n = strlen(s);

	for (i = 0; i < n; i++) {
		out[2 * i + (le ? 0 : 1)] = s[i];
		out[2 * i + (le ? 1 : 0)] = '\0';
	}
	return 2 * n;
}

/* Whether the database or its WAL holds s, in UTF-8 or UTF-16. */
static int
on_disk(const char *s)
{
	char	 p[PATH_MAX + 24], *buf = NULL, w[128];
	size_t	 len = 0, n;
	int	 found;

	slurp_add(fx.path, &buf, &len);
	snprintf(p, sizeof(p), "%s-wal", fx.path);
	slurp_add(p, &buf, &len);
	if (buf == NULL)
		return 0;
	found = memmem(buf, len, s, strlen(s)) != NULL;
	n = utf16(s, 1, w);
	found |= memmem(buf, len, w, n) != NULL;
	n = utf16(s, 0, w);
	found |= memmem(buf, len, w, n) != NULL;
	free(buf);
	return found;
}

/* None of the spellings of her number, nor her words, are on disk. */
static void
assert_clean(void)
{
	static const char *const never[] = {
		PHONE, "85512345678", SAFE, "12345678", "survey_",
		"she lives near the market", "KH-12", "violence", "evening",
		"call me after 5",
	};
	size_t	 i;

	for (i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		ck_assert_msg(!on_disk(never[i]), "\"%s\" is on disk",
		    never[i]);
}

/* Write one of everything personal. */
static void
write_all(struct got *g)
{
	static const char *const texts[] = { "call me after 5 " PHONE };
	struct got	 n;
	int		 d = 0;

	ck_assert_int_eq(create("at:s1", PHONE, 1000, g), STORE_OK);
	memset(&n, 0, sizeof(n));
	ck_assert_int_eq(store_callback_note(fx.st, g->ref, "c1",
	    "she lives near the market, " SAFE, 1001, row_cb, &n), 0);
	wait_done(&n.done);
	ck_assert_int_eq(n.rc, STORE_OK);
	ck_assert_int_eq(store_sms_queue(fx.st, "at", PHONE, texts, 1, 1002,
	    done_cb, &d), 0);
	wait_done(&d);
}

/* The history's note as opened by the store. */
static void
hist_cb(enum store_rc rc, const struct store_event *ev, size_t n, void *arg)
{
	struct got	*g = arg;
	size_t		 i;

	g->rc = rc;
	for (i = 0; i < n; i++)
		if (strcmp(ev[i].event, "note") == 0)
			snprintf(g->cover, sizeof(g->cover), "%s",
			    ev[i].detail);
	g->done = 1;
}

/* The text queued to PHONE, as opened by the store. */
static void
sms_cb(enum store_rc rc, const struct store_sms *rows, size_t n, void *arg)
{
	struct got	*g = arg;

	g->rc = rc;
	if (n > 0) {
		snprintf(g->phone, sizeof(g->phone), "%s", rows[0].phone);
		snprintf(g->cover, sizeof(g->cover), "%s", rows[0].text);
	}
	g->done = 1;
}

/* Neither the file nor its WAL holds her number, while open or after. */
START_TEST(test_no_plaintext)
{
	struct got	 g;
	char		 p[PATH_MAX + 24];
	struct stat	 st;

	fx.st = open_store();
	write_all(&g);
	snprintf(p, sizeof(p), "%s-wal", fx.path);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_gt(st.st_size, 0);	/* the WAL is searched too */
	assert_clean();
	store_free(fx.st);
	fx.st = NULL;
	assert_clean();
	/* The search itself works: the case reference is there. */
	ck_assert(on_disk(g.ref));
	ck_assert_int_eq(query_int("SELECT count(*) FROM callback WHERE "
	    "typeof(phone) = 'blob' AND length(phone) = 40 + 12"), 1);
}
END_TEST

/* What is sealed opens again, through the store and with the key file. */
START_TEST(test_roundtrip)
{
	struct got	 g, g2, h;

	fx.st = open_store();
	write_all(&g);
	store_free(fx.st);
	fx.st = open_store();
	ck_assert_int_eq(get(g.ref, &g2), STORE_OK);
	ck_assert_str_eq(g2.phone, PHONE);
	ck_assert_str_eq(g2.cover, "survey_ខ្មែរ");
	ck_assert_str_eq(g2.province, "KH-12");
	ck_assert_int_eq(query_int("SELECT count(*) FROM callback WHERE "
	    "dec(safe_to_call, 'callback.safe_to_call', id) = 'no'"), 1);
	memset(&h, 0, sizeof(h));
	ck_assert_int_eq(store_callback_history(fx.st, g.ref, hist_cb, &h),
	    0);
	wait_done(&h.done);
	ck_assert_str_eq(h.cover, "she lives near the market, " SAFE);
	memset(&h, 0, sizeof(h));
	ck_assert_int_eq(store_sms_list(fx.st, PHONE, sms_cb, &h), 0);
	wait_done(&h.done);
	ck_assert_int_eq(h.rc, STORE_OK);
	ck_assert_str_eq(h.phone, PHONE);
	ck_assert_str_eq(h.cover, "call me after 5 " PHONE);
	/* She asks again: found by her number's keyed hash. */
	ck_assert_int_eq(create("at:s2", PHONE, 1100, &g2), STORE_MERGED);
	ck_assert_int_eq(query_int("SELECT count(*) FROM callback WHERE "
	    "dec(safe_number, 'callback.safe_number', id) = '" SAFE "'"), 1);
}
END_TEST

/*
 * Another key file is refused at open; a lost key file is not silently
 * replaced (the one made for the attempt is removed again).
 */
START_TEST(test_wrong_key)
{
	struct store_keys	 k;
	struct got		 g;
	char			*cause = NULL;

	fx.st = open_store();
	ck_assert_int_eq(create("at:s1", PHONE, 1000, &g), STORE_OK);
	store_free(fx.st);
	fx.st = NULL;

	ck_assert_int_eq(unlink(fx.key), 0);
	ck_assert_ptr_null(store_new(fx.base, fx.path, NULL, &cause));
	ck_assert_msg(cause != NULL && strstr(cause, "another key") != NULL,
	    "%s", cause);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(access(fx.key, F_OK), -1);

	ck_assert_int_eq(store_crypt_create(fx.key, &k, &cause), 0);
	store_crypt_wipe(&k);
	ck_assert_ptr_null(store_new(fx.base, fx.path, NULL, &cause));
	ck_assert_msg(cause != NULL && strstr(cause, "another key") != NULL,
	    "%s", cause);
	free(cause);
	ck_assert_int_eq(access(fx.key, F_OK), 0);	/* not ours to drop */
}
END_TEST

/*
 * A sealed value altered, moved to another row or to another column does
 * not open: the job fails (STORE_ERR, logged by column and row), and the
 * other rows still read.
 */
START_TEST(test_tampered)
{
	struct got	 a, b, g;

	fx.st = open_store();
	ck_assert_int_eq(create("at:s1", PHONE, 1000, &a), STORE_OK);
	ck_assert_int_eq(create("at:s2", "+85599999999", 1000, &b), STORE_OK);
	store_free(fx.st);
	fx.st = NULL;

	/* Row 2 gets row 1's number: the row id is bound, it fails. */
	exec_sql("UPDATE callback SET phone = (SELECT phone FROM callback"
	    " WHERE id = 1) WHERE id = 2");
	fx.st = open_store();
	ck_assert_int_eq(get(b.ref, &g), STORE_ERR);
	ck_assert_int_eq(get(a.ref, &g), STORE_OK);
	ck_assert_str_eq(g.phone, PHONE);
	store_free(fx.st);
	fx.st = NULL;

	/* Row 1's cover becomes its own province: the column is bound. */
	exec_sql("UPDATE callback SET cover = province WHERE id = 1");
	fx.st = open_store();
	ck_assert_int_eq(get(a.ref, &g), STORE_ERR);
	store_free(fx.st);
	fx.st = NULL;

	/* One bit flipped in a value: in its nonce, its text or its tag. */
	exec_sql("UPDATE callback SET cover = NULL WHERE id = 1");
	flip(2, 0);
	fx.st = open_store();
	ck_assert_int_eq(get(a.ref, &g), STORE_OK);
	ck_assert_int_eq(get(b.ref, &g), STORE_ERR);
	store_free(fx.st);
	fx.st = NULL;
	flip(1, 30);
	flip(1, -1);
	fx.st = open_store();
	ck_assert_int_eq(get(a.ref, &g), STORE_ERR);
	flip(1, 30);
	flip(1, -1);
	ck_assert_int_eq(get(a.ref, &g), STORE_OK);
	ck_assert_str_eq(g.phone, PHONE);
	/* A value in clear where a sealed one belongs fails too. */
	store_free(fx.st);
	fx.st = NULL;
	exec_sql("UPDATE callback SET cover = NULL, province = NULL,"
	    " phone = '" PHONE "' WHERE id = 1");
	fx.st = open_store();
	ck_assert_int_eq(get(a.ref, &g), STORE_ERR);
}
END_TEST

/*
 * A plaintext file of schema 3 (numbers, answers, notes and texts in
 * clear, hashes under the in-file key, no key file yet) is encrypted in
 * place on start: a key file is made, nothing of hers is left on disk,
 * her marks and opt-outs follow her number, the in-file key is gone.
 */
START_TEST(test_migrate_v3)
{
	struct got	 g, n;
	char		 p[PATH_MAX + 24];
	struct stat	 st;
	int		 d = 0;

	/* Made by this hotlined, then written back to what 3 held. */
	fx.st = open_store();
	write_all(&g);
	memset(&n, 0, sizeof(n));
	ck_assert_int_eq(store_callback_claim(fx.st, g.ref, "c1", 5000, 1003,
	    row_cb, &n), 0);
	wait_done(&n.done);
	memset(&n, 0, sizeof(n));
	ck_assert_int_eq(store_callback_complete(fx.st, g.ref, "c1",
	    "unsafe", 1004, row_cb, &n), 0);
	wait_done(&n.done);
	ck_assert_int_eq(n.rc, STORE_OK);
	ck_assert_int_eq(store_sms_optout(fx.st, PHONE, 1, 1005, done_cb,
	    &d), 0);
	wait_done(&d);
	store_free(fx.st);
	fx.st = NULL;
	ck_assert_int_eq(query_int("SELECT count(*) FROM mark"), 2);
	exec_sql("UPDATE callback SET phone = '" PHONE "', safe_to_call = 'no',"
	    " safe_number = '" SAFE "', \"window\" = 'evening',"
	    " cover = 'survey_x', province = 'KH-12', topic = 'violence';"
	    "UPDATE history SET detail = 'she lives near the market, " SAFE
	    "' WHERE event = 'note';"
	    "UPDATE history SET detail = NULL WHERE event != 'note';"
	    "UPDATE sms_out SET phone = '" PHONE "',"
	    " text = 'call me after 5 " PHONE "';"
	    "DELETE FROM meta WHERE key = 'key_check';"
	    "INSERT INTO meta VALUES ('dedup_key', zeroblob(32));"
	    /* Schema 3 had no aggregates, sealed ones least of all. */
	    "DROP TABLE IF EXISTS stats_answer;"
	    "PRAGMA user_version = 3;");
	ck_assert_int_eq(unlink(fx.key), 0);
	ck_assert(on_disk(PHONE));
	ck_assert(on_disk("she lives near the market"));

	fx.st = open_store();
	ck_assert_int_eq(store_schema_version(fx.st), 6);
	ck_assert_int_eq(stat(fx.key, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	snprintf(p, sizeof(p), "%s-wal", fx.path);
	ck_assert(stat(p, &st) == -1 || st.st_size == 0);
	assert_clean();
	ck_assert_int_eq(query_int("SELECT count(*) FROM meta WHERE "
	    "key = 'dedup_key'"), 0);
	ck_assert_int_eq(query_int("SELECT count(*) FROM history WHERE "
	    "dec(detail, 'history.detail', id) = 'she lives near the market, "
	    SAFE "'"), 1);
	ck_assert_int_eq(query_int("SELECT count(*) FROM sms_out WHERE "
	    "dec(text, 'sms_out.text', id) = 'call me after 5 " PHONE "'"), 1);
	ck_assert_int_eq(get(g.ref, &n), STORE_OK);
	ck_assert_str_eq(n.phone, PHONE);
	ck_assert_str_eq(n.cover, "survey_x");

	/* The unsafe marks of both her numbers and her STOP carried over. */
	ck_assert_int_eq(query_int("SELECT count(*) FROM mark"), 2);
	ck_assert_int_eq(create("at:s3", "+85500000000", 1100, &n), STORE_OK);
	ck_assert_int_eq(n.row.warn_unsafe, 1);		/* SAFE marked */
	memset(&n, 0, sizeof(n));
	ck_assert_int_eq(store_sms_inbound(fx.st, "at", NULL, PHONE, 60,
	    1101, NULL, NULL), 0);
	store_free(fx.st);
	fx.st = NULL;
	assert_clean();
	ck_assert_int_eq(query_int("SELECT count(*) FROM sms_optout"), 1);
}
END_TEST

/* A key file group or others may read or write refuses start-up. */
START_TEST(test_key_mode)
{
	struct got	 g, g2;
	char		*cause = NULL;

	fx.st = open_store();
	ck_assert_int_eq(create("at:s1", PHONE, 1000, &g), STORE_OK);
	store_free(fx.st);
	fx.st = NULL;
	ck_assert_int_eq(chmod(fx.key, 0644), 0);
	ck_assert_ptr_null(store_new(fx.base, fx.path, NULL, &cause));
	ck_assert_msg(cause != NULL && strstr(cause, "hotlined.db.key must "
	    "not be readable by group or others") != NULL, "%s", cause);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(chmod(fx.key, 0620), 0);
	ck_assert_ptr_null(store_new(fx.base, fx.path, NULL, &cause));
	ck_assert_ptr_nonnull(cause);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(chmod(fx.key, 0600), 0);
	fx.st = open_store();
	ck_assert_int_eq(get(g.ref, &g2), STORE_OK);
	ck_assert_str_eq(g2.phone, PHONE);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("crypt");
	TCase	*tc = tcase_create("crypt");
	SRunner	*sr;
	int	 failed;

	tu_tmpdir();
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_no_plaintext);
	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_wrong_key);
	tcase_add_test(tc, test_tampered);
	tcase_add_test(tc, test_migrate_v3);
	tcase_add_test(tc, test_key_mode);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	tu_cleanup();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
