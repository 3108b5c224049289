/* SPDX-License-Identifier: ISC */
/*
 * check_rotate: key rotation (store_rotate, hotlined -R) on a real SQLite
 * file. After it every value opens under the new key and none under the
 * old, the keyed hashes find her again (asking again, unsafe marks, STOP,
 * her texts), the old key file is gone; a run stopped at a batch boundary
 * resumes where it stopped (and the daemon's open refuses meanwhile); a
 * rename of the key cut short is finished at the next open; unsafe marks
 * kept without their number are refused unless forced; the database's
 * lock is held by one at a time.
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

#include "dblock.h"
#include "dbkey.h"
#include "store.h"
#include "store_crypt.h"
#include "testutil.h"

#define PHONE	"+85512345678"
#define SAFE	"012345678"
#define OTHER	"+85500000000"
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

/* An opt-out completion. */
static void
inbound_cb(enum store_rc rc, int opted_out, void *arg)
{
	struct got	*g = arg;

	g->rc = rc;
	g->row.rounds = opted_out;
	g->done = 1;
}

/* The content of a small file (static buffer). */
static const char *
read_key(const char *path)
{
	static char	 buf[128];
	FILE		*fp;
	size_t		 n;

	fp = fopen(path, "r");
	ck_assert_ptr_nonnull(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	return buf;
}

/* Write text to path, mode 0600. */
static void
write_key(const char *path, const char *text)
{
	FILE	*fp;

	(void)unlink(path);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(fputs(text, fp) >= 0, 1);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_int_eq(chmod(path, 0600), 0);
}

/* The first integer of sql with dec() under the key in key_file. */
static long long
query_key(const char *key_file, const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	long long	 n = -1;

	ck_assert_int_eq(sqlite3_open_v2(fx.path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	ck_assert_int_eq(dbkey_attach(db, key_file), 0);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

/* How many of her values open under the key in key_file. */
static long long
opened(const char *key_file)
{
	return query_key(key_file, "SELECT"
	    " (SELECT count(*) FROM callback WHERE"
	    "  dec(phone, 'callback.phone', id) = '" PHONE "'"
	    "  AND dec(safe_number, 'callback.safe_number', id) = '" SAFE "'"
	    "  AND dec(cover, 'callback.cover', id) = 'survey_ខ្មែរ') +"
	    " (SELECT count(*) FROM history WHERE"
	    "  dec(detail, 'history.detail', id) LIKE 'she lives%') +"
	    " (SELECT count(*) FROM sms_out WHERE"
	    "  dec(phone, 'sms_out.phone', id) = '" PHONE "'"
	    "  AND dec(text, 'sms_out.text', id) LIKE 'call me%') +"
	    " (SELECT count(*) FROM mark WHERE"
	    "  dec(number, 'mark.number', id) IN ('" PHONE "', '" SAFE "')) +"
	    " (SELECT count(*) FROM sms_optout WHERE"
	    "  dec(number, 'sms_optout.number', id) = '" PHONE "')");
}

/*
 * One of everything: her request, a note, a text, both her numbers
 * marked unsafe, her STOP, a gateway id seen: 6 rows for opened().
 */
static void
write_everything(struct got *g)
{
	struct got	 n;
	int		 d = 0;

	write_all(g);
	memset(&n, 0, sizeof(n));
	ck_assert_int_eq(store_callback_claim(fx.st, g->ref, "c1", 5000, 1003,
	    row_cb, &n), 0);
	wait_done(&n.done);
	memset(&n, 0, sizeof(n));
	ck_assert_int_eq(store_callback_complete(fx.st, g->ref, "c1",
	    "unsafe", 1004, row_cb, &n), 0);
	wait_done(&n.done);
	ck_assert_int_eq(n.rc, STORE_OK);
	ck_assert_int_eq(store_sms_optout(fx.st, PHONE, 1, 1005, done_cb,
	    &d), 0);
	wait_done(&d);
	memset(&n, 0, sizeof(n));
	ck_assert_int_eq(store_sms_inbound(fx.st, "at", "gw-1", PHONE, 3600,
	    1006, inbound_cb, &n), 0);
	wait_done(&n.done);
}

/* Rotate, which must work; returns whether it finished. */
static int
rotate(size_t batch, size_t max_batches, int force)
{
	struct store_rotate_opts	 ro;
	char				*cause = NULL;
	int				 done = -1;

	memset(&ro, 0, sizeof(ro));
	ro.batch = batch;
	ro.max_batches = max_batches;
	ro.force = force;
	ck_assert_msg(store_rotate(fx.path, NULL, &ro, &done, &cause) == 0,
	    "store_rotate: %s", cause);
	ck_assert_ptr_null(cause);
	return done;
}

/* Through the store, under the new key: she is found by every hash. */
static void
assert_found(const char *ref)
{
	struct got	 g, h;

	fx.st = open_store();
	ck_assert_int_eq(get(ref, &g), STORE_OK);
	ck_assert_str_eq(g.phone, PHONE);
	ck_assert_str_eq(g.cover, "survey_ខ្មែរ");
	memset(&h, 0, sizeof(h));
	ck_assert_int_eq(store_callback_history(fx.st, ref, hist_cb, &h), 0);
	wait_done(&h.done);
	ck_assert_str_eq(h.cover, "she lives near the market, " SAFE);
	memset(&h, 0, sizeof(h));
	ck_assert_int_eq(store_sms_list(fx.st, PHONE, sms_cb, &h), 0);
	wait_done(&h.done);
	ck_assert_str_eq(h.phone, PHONE);
	ck_assert_str_eq(h.cover, "call me after 5 " PHONE);
	/* Her STOP holds; the gateway id seen was forgotten. */
	memset(&h, 0, sizeof(h));
	ck_assert_int_eq(store_sms_inbound(fx.st, "at", "gw-1", PHONE, 3600,
	    1106, inbound_cb, &h), 0);
	wait_done(&h.done);
	ck_assert_int_eq(h.rc, STORE_OK);
	ck_assert_int_eq(h.row.rounds, 1);
	/* Her safe number's mark warns on another caller's request. */
	ck_assert_int_eq(create("at:s7", OTHER, 1100, &g), STORE_OK);
	ck_assert_int_eq(g.row.warn_unsafe, 1);
	/* Her own number's mark warns, and her new request is hers again. */
	ck_assert_int_eq(create("at:s8", PHONE, 1101, &g), STORE_OK);
	ck_assert_int_eq(g.row.warn_unsafe, 1);
	ck_assert_int_eq(create("at:s9", PHONE, 1102, &h), STORE_MERGED);
	ck_assert_str_eq(h.ref, g.ref);
	store_free(fx.st);
	fx.st = NULL;
}

/*
 * Everything sealed opens under the new key and nothing under the old;
 * the new key took the old one's place; the hashes find her again.
 */
START_TEST(test_rotate)
{
	struct got	 g;
	char		 old[128], oldkey[PATH_MAX + 32], next[PATH_MAX + 32];
	char		*cause = NULL;
	struct stat	 st;

	fx.st = open_store();
	write_everything(&g);
	store_free(fx.st);
	fx.st = NULL;
	ck_assert_int_eq(opened(fx.key), 6);
	ck_assert_int_eq(query_int("SELECT count(*) FROM sms_seen"), 1);
	snprintf(old, sizeof(old), "%s", read_key(fx.key));
	snprintf(oldkey, sizeof(oldkey), "%s/old.key", fx.dir);
	write_key(oldkey, old);

	ck_assert_int_eq(rotate(1, 0, 0), 1);
	snprintf(next, sizeof(next), "%s.new", fx.key);
	ck_assert_int_eq(access(next, F_OK), -1);
	ck_assert_int_eq(stat(fx.key, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_str_ne(read_key(fx.key), old);
	ck_assert_int_eq(opened(fx.key), 6);
	ck_assert_int_eq(opened(oldkey), 0);
	/* The sealed counts of her answers follow the key too. */
	ck_assert_int_eq(query_key(fx.key, "SELECT count(*) FROM stats_answer"
	    " WHERE dec(counts, 'stats_answer.counts', id) IS NOT NULL"), 2);
	ck_assert_int_eq(query_key(oldkey, "SELECT count(*) FROM stats_answer"
	    " WHERE dec(counts, 'stats_answer.counts', id) IS NOT NULL"), 0);
	ck_assert_int_eq(query_int("SELECT count(*) FROM meta"
	    " WHERE key LIKE 'rotate%'"), 0);
	ck_assert_int_eq(query_int("SELECT count(*) FROM sms_seen"), 0);
	assert_clean();

	assert_found(g.ref);

	/* The old key opens the database no more. */
	write_key(next, read_key(fx.key));
	write_key(fx.key, old);
	ck_assert_int_eq(rename(next, oldkey), 0);
	ck_assert_ptr_null(store_new(fx.base, fx.path, NULL, &cause));
	ck_assert_msg(cause != NULL && strstr(cause, "another key") != NULL,
	    "%s", cause);
	free(cause);
}
END_TEST

/*
 * A rotation stopped at a batch boundary: the cursor in meta says how
 * far it got, the daemon's open refuses, and the next run goes on with
 * the same new key from there to the end.
 */
START_TEST(test_resume)
{
	struct got	 g, o;
	char		 next[PATH_MAX + 32], newkey[128], old[128];
	char		*cause = NULL;
	int		 i;

	fx.st = open_store();
	write_everything(&g);
	for (i = 0; i < 4; i++) {
		char	 sid[16], phone[16];

		snprintf(sid, sizeof(sid), "at:o%d", i);
		snprintf(phone, sizeof(phone), "+8551111111%d", i);
		ck_assert_int_eq(create(sid, phone, 1200 + i, &o), STORE_OK);
	}
	store_free(fx.st);
	fx.st = NULL;
	snprintf(old, sizeof(old), "%s", read_key(fx.key));

	/* Two batches of two: callback rows 1 to 4 of 5 done. */
	ck_assert_int_eq(rotate(2, 2, 0), 0);
	snprintf(next, sizeof(next), "%s.new", fx.key);
	ck_assert_int_eq(access(next, F_OK), 0);
	snprintf(newkey, sizeof(newkey), "%s", read_key(next));
	ck_assert_str_eq(read_key(fx.key), old);
	ck_assert_int_eq(query_int("SELECT value FROM meta"
	    " WHERE key = 'rotate_table'"), 0);
	ck_assert_int_eq(query_int("SELECT value FROM meta"
	    " WHERE key = 'rotate_after'"), 4);
	/* Rows 1 to 4 are under the new key, row 5 under the old. */
	ck_assert_int_eq(query_key(next, "SELECT max(id) FROM callback"
	    " WHERE dec(phone, 'callback.phone', id) IS NOT NULL"), 4);
	ck_assert_int_eq(query_key(next, "SELECT count(*) FROM callback"
	    " WHERE dec(phone, 'callback.phone', id) IS NOT NULL"), 4);
	ck_assert_int_eq(query_key(fx.key, "SELECT max(id) FROM callback"
	    " WHERE dec(phone, 'callback.phone', id) IS NOT NULL"), 5);
	ck_assert_int_eq(query_key(fx.key, "SELECT count(*) FROM callback"
	    " WHERE dec(phone, 'callback.phone', id) IS NOT NULL"), 1);

	ck_assert_ptr_null(store_new(fx.base, fx.path, NULL, &cause));
	ck_assert_msg(cause != NULL && strstr(cause, "hotlined -R") != NULL,
	    "%s", cause);
	free(cause);
	cause = NULL;

	ck_assert_int_eq(rotate(2, 0, 0), 1);
	ck_assert_int_eq(access(next, F_OK), -1);
	ck_assert_str_eq(read_key(fx.key), newkey);
	ck_assert_int_eq(opened(fx.key), 6);
	ck_assert_int_eq(query_int("SELECT count(*) FROM callback"
	    " WHERE dec(phone, 'callback.phone', id) IS NULL"), 0);
	assert_found(g.ref);
}
END_TEST

/*
 * The database took the new key but the rename of its file was cut
 * short: the next open finishes it, and so does the next rotation.
 */
START_TEST(test_rename_cut)
{
	struct got	 g;
	char		 old[128], newkey[128], next[PATH_MAX + 32];

	fx.st = open_store();
	write_everything(&g);
	store_free(fx.st);
	fx.st = NULL;
	snprintf(old, sizeof(old), "%s", read_key(fx.key));
	ck_assert_int_eq(rotate(0, 0, 0), 1);
	snprintf(newkey, sizeof(newkey), "%s", read_key(fx.key));
	snprintf(next, sizeof(next), "%s.new", fx.key);

	/* As the kill left it: the new key beside, the old in place. */
	write_key(next, newkey);
	write_key(fx.key, old);
	assert_found(g.ref);
	ck_assert_int_eq(access(next, F_OK), -1);
	ck_assert_str_eq(read_key(fx.key), newkey);

	write_key(next, newkey);
	write_key(fx.key, old);
	ck_assert_int_eq(rotate(0, 0, 0), 1);
	ck_assert_int_eq(access(next, F_OK), -1);
	ck_assert_str_eq(read_key(fx.key), newkey);
	/* And her request of assert_found. */
	ck_assert_int_eq(opened(fx.key), 7);
}
END_TEST

/*
 * An unsafe mark and an opt-out kept without their number (as schema 4
 * left those it could not match) cannot follow: refused, with nothing
 * changed and no new key left behind; -f drops them and goes on.
 */
START_TEST(test_force)
{
	struct store_rotate_opts	 ro;
	struct got			 g, o;
	char				 old[128], next[PATH_MAX + 32];
	char				*cause = NULL;
	int				 done = -1;

	fx.st = open_store();
	write_everything(&g);
	store_free(fx.st);
	fx.st = NULL;
	exec_sql("UPDATE mark SET number = NULL WHERE id = 1;"
	    "UPDATE sms_optout SET number = NULL;");
	snprintf(old, sizeof(old), "%s", read_key(fx.key));
	snprintf(next, sizeof(next), "%s.new", fx.key);

	memset(&ro, 0, sizeof(ro));
	ck_assert_int_eq(store_rotate(fx.path, NULL, &ro, &done, &cause), -1);
	ck_assert_msg(cause != NULL && strstr(cause, "1 unsafe marks and 1 "
	    "opt-outs") != NULL && strstr(cause, "-R -f") != NULL, "%s",
	    cause);
	free(cause);
	ck_assert_int_eq(done, 0);
	ck_assert_int_eq(access(next, F_OK), -1);
	ck_assert_str_eq(read_key(fx.key), old);
	ck_assert_int_eq(query_int("SELECT count(*) FROM meta"
	    " WHERE key LIKE 'rotate%'"), 0);
	ck_assert_int_eq(query_int("SELECT count(*) FROM mark"), 2);
	fx.st = open_store();
	store_free(fx.st);
	fx.st = NULL;

	ck_assert_int_eq(rotate(0, 0, 1), 1);
	ck_assert_int_eq(query_int("SELECT count(*) FROM mark"), 1);
	ck_assert_int_eq(query_int("SELECT count(*) FROM sms_optout"), 0);
	ck_assert_int_eq(query_int("SELECT count(*) FROM mark WHERE"
	    " dec(number, 'mark.number', id) IN ('" PHONE "', '" SAFE "')"),
	    1);
	fx.st = open_store();
	ck_assert_int_eq(get(g.ref, &o), STORE_OK);
	ck_assert_str_eq(o.phone, PHONE);
}
END_TEST

/*
 * A value that does not decrypt (altered on disk) stops the rotation
 * before it begins: nothing changed, no new key left, the daemon opens.
 */
START_TEST(test_bad_value)
{
	struct store_rotate_opts	 ro;
	struct got			 g, o;
	char				 old[128], next[PATH_MAX + 32];
	char				*cause = NULL;
	int				 done = -1;

	fx.st = open_store();
	write_everything(&g);
	store_free(fx.st);
	fx.st = NULL;
	exec_sql("UPDATE sms_out SET text = zeroblob(60)");
	snprintf(old, sizeof(old), "%s", read_key(fx.key));
	snprintf(next, sizeof(next), "%s.new", fx.key);

	memset(&ro, 0, sizeof(ro));
	ck_assert_int_eq(store_rotate(fx.path, NULL, &ro, &done, &cause), -1);
	ck_assert_msg(cause != NULL && strstr(cause, "1 values do not "
	    "decrypt") != NULL, "%s", cause);
	free(cause);
	ck_assert_int_eq(access(next, F_OK), -1);
	ck_assert_str_eq(read_key(fx.key), old);
	ck_assert_int_eq(query_int("SELECT count(*) FROM meta"
	    " WHERE key LIKE 'rotate%'"), 0);
	ck_assert_int_eq(opened(fx.key), 5);
	fx.st = open_store();
	ck_assert_int_eq(get(g.ref, &o), STORE_OK);
	ck_assert_str_eq(o.phone, PHONE);
}
END_TEST

/* The database's lock: one holder at a time, free again once released. */
START_TEST(test_lock)
{
	struct dblock	*a, *b;
	char		*cause = NULL;
	char		 p[PATH_MAX + 24];
	struct stat	 st;

	a = dblock_new(fx.path, &cause);
	ck_assert_msg(a != NULL, "%s", cause);
	snprintf(p, sizeof(p), "%s.lock", fx.path);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_ptr_null(dblock_new(fx.path, &cause));
	ck_assert_msg(cause != NULL && strstr(cause, "in use by another "
	    "hotlined") != NULL, "%s", cause);
	free(cause);
	dblock_free(a);
	b = dblock_new(fx.path, &cause);
	ck_assert_msg(b != NULL, "%s", cause);
	dblock_free(b);
	dblock_free(NULL);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("rotate");
	TCase	*tc = tcase_create("rotate");
	SRunner	*sr;
	int	 failed;

	tu_tmpdir();
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_rotate);
	tcase_add_test(tc, test_resume);
	tcase_add_test(tc, test_rename_cut);
	tcase_add_test(tc, test_force);
	tcase_add_test(tc, test_bad_value);
	tcase_add_test(tc, test_lock);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	tu_cleanup();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
