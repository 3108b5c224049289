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

#include "dblock.h"
#include "store.h"
#include "store_crypt.h"
#include "storeutil.h"

#define PHONE	SU_PHONE
#define SAFE	SU_SAFE
#define OTHER	"+85500000000"

/* An opt-out completion. */
static void
inbound_cb(enum store_rc rc, int opted_out, void *arg)
{
	struct su_got	*g = arg;

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

/* How many of her values open under the key in key_file. */
static long long
opened(const char *key_file)
{
	return su_query_key(key_file, "SELECT"
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
write_everything(struct su_got *g)
{
	struct su_got	 n;

	su_write_all(g);
	su_mark_unsafe(g->ref);
	memset(&n, 0, sizeof(n));
	ck_assert_int_eq(store_sms_inbound(su.st, "at", "gw-1", PHONE, 3600,
	    1006, inbound_cb, &n), 0);
	su_wait(&n.done);
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
	ck_assert_msg(store_rotate(su.path, NULL, &ro, &done, &cause) == 0,
	    "store_rotate: %s", cause);
	ck_assert_ptr_null(cause);
	return done;
}

/* Through the store, under the new key: she is found by every hash. */
static void
assert_found(const char *ref)
{
	struct su_got	 g, h;

	su.st = su_open(NULL);
	ck_assert_int_eq(su_get(ref, &g), STORE_OK);
	ck_assert_str_eq(g.phone, PHONE);
	ck_assert_str_eq(g.cover, "survey_ខ្មែរ");
	su_assert_read(ref);
	/* Her STOP holds; the gateway id seen was forgotten. */
	memset(&h, 0, sizeof(h));
	ck_assert_int_eq(store_sms_inbound(su.st, "at", "gw-1", PHONE, 3600,
	    1106, inbound_cb, &h), 0);
	su_wait(&h.done);
	ck_assert_int_eq(h.rc, STORE_OK);
	ck_assert_int_eq(h.row.rounds, 1);
	/* Her safe number's mark warns on another caller's request. */
	ck_assert_int_eq(su_create("at:s7", OTHER, 1100, &g), STORE_OK);
	ck_assert_int_eq(g.row.warn_unsafe, 1);
	/* Her own number's mark warns, and her new request is hers again. */
	ck_assert_int_eq(su_create("at:s8", PHONE, 1101, &g), STORE_OK);
	ck_assert_int_eq(g.row.warn_unsafe, 1);
	ck_assert_int_eq(su_create("at:s9", PHONE, 1102, &h), STORE_MERGED);
	ck_assert_str_eq(h.ref, g.ref);
	store_free(su.st);
	su.st = NULL;
}

/*
 * Everything sealed opens under the new key and nothing under the old;
 * the new key took the old one's place; the hashes find her again.
 */
START_TEST(test_rotate)
{
	struct su_got	 g;
	char		 old[128], oldkey[PATH_MAX + 32], next[PATH_MAX + 32];
	char		*cause = NULL;
	struct stat	 st;

	su.st = su_open(NULL);
	write_everything(&g);
	store_free(su.st);
	su.st = NULL;
	ck_assert_int_eq(opened(su.key), 6);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM sms_seen"), 1);
	snprintf(old, sizeof(old), "%s", read_key(su.key));
	snprintf(oldkey, sizeof(oldkey), "%s/old.key", su.dir);
	write_key(oldkey, old);

	ck_assert_int_eq(rotate(1, 0, 0), 1);
	snprintf(next, sizeof(next), "%s.new", su.key);
	ck_assert_int_eq(access(next, F_OK), -1);
	ck_assert_int_eq(stat(su.key, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_str_ne(read_key(su.key), old);
	ck_assert_int_eq(opened(su.key), 6);
	ck_assert_int_eq(opened(oldkey), 0);
	/* The sealed counts of her answers follow the key too. */
	ck_assert_int_eq(su_query_key(su.key, "SELECT count(*)"
	    " FROM stats_answer"
	    " WHERE dec(counts, 'stats_answer.counts', id) IS NOT NULL"), 2);
	ck_assert_int_eq(su_query_key(oldkey, "SELECT count(*)"
	    " FROM stats_answer"
	    " WHERE dec(counts, 'stats_answer.counts', id) IS NOT NULL"), 0);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM meta"
	    " WHERE key LIKE 'rotate%'"), 0);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM sms_seen"), 0);
	su_assert_clean();

	assert_found(g.ref);

	/* The old key opens the database no more. */
	write_key(next, read_key(su.key));
	write_key(su.key, old);
	ck_assert_int_eq(rename(next, oldkey), 0);
	ck_assert_ptr_null(store_new(su.base, su.path, NULL, &cause));
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
	struct su_got	 g, o;
	char		 next[PATH_MAX + 32], newkey[128], old[128];
	char		*cause = NULL;
	int		 i;

	su.st = su_open(NULL);
	write_everything(&g);
	for (i = 0; i < 4; i++) {
		char	 sid[16], phone[16];

		snprintf(sid, sizeof(sid), "at:o%d", i);
		snprintf(phone, sizeof(phone), "+8551111111%d", i);
		ck_assert_int_eq(su_create(sid, phone, 1200 + i, &o), STORE_OK);
	}
	store_free(su.st);
	su.st = NULL;
	snprintf(old, sizeof(old), "%s", read_key(su.key));

	/* Two batches of two: callback rows 1 to 4 of 5 done. */
	ck_assert_int_eq(rotate(2, 2, 0), 0);
	snprintf(next, sizeof(next), "%s.new", su.key);
	ck_assert_int_eq(access(next, F_OK), 0);
	snprintf(newkey, sizeof(newkey), "%s", read_key(next));
	ck_assert_str_eq(read_key(su.key), old);
	ck_assert_int_eq(su_query_int("SELECT value FROM meta"
	    " WHERE key = 'rotate_table'"), 0);
	ck_assert_int_eq(su_query_int("SELECT value FROM meta"
	    " WHERE key = 'rotate_after'"), 4);
	/* Rows 1 to 4 are under the new key, row 5 under the old. */
	ck_assert_int_eq(su_query_key(next, "SELECT max(id) FROM callback"
	    " WHERE dec(phone, 'callback.phone', id) IS NOT NULL"), 4);
	ck_assert_int_eq(su_query_key(next, "SELECT count(*) FROM callback"
	    " WHERE dec(phone, 'callback.phone', id) IS NOT NULL"), 4);
	ck_assert_int_eq(su_query_key(su.key, "SELECT max(id) FROM callback"
	    " WHERE dec(phone, 'callback.phone', id) IS NOT NULL"), 5);
	ck_assert_int_eq(su_query_key(su.key, "SELECT count(*) FROM callback"
	    " WHERE dec(phone, 'callback.phone', id) IS NOT NULL"), 1);

	ck_assert_ptr_null(store_new(su.base, su.path, NULL, &cause));
	ck_assert_msg(cause != NULL && strstr(cause, "hotlined -R") != NULL,
	    "%s", cause);
	free(cause);
	cause = NULL;

	ck_assert_int_eq(rotate(2, 0, 0), 1);
	ck_assert_int_eq(access(next, F_OK), -1);
	ck_assert_str_eq(read_key(su.key), newkey);
	ck_assert_int_eq(opened(su.key), 6);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM callback"
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
	struct su_got	 g;
	char		 old[128], newkey[128], next[PATH_MAX + 32];

	su.st = su_open(NULL);
	write_everything(&g);
	store_free(su.st);
	su.st = NULL;
	snprintf(old, sizeof(old), "%s", read_key(su.key));
	ck_assert_int_eq(rotate(0, 0, 0), 1);
	snprintf(newkey, sizeof(newkey), "%s", read_key(su.key));
	snprintf(next, sizeof(next), "%s.new", su.key);

	/* As the kill left it: the new key beside, the old in place. */
	write_key(next, newkey);
	write_key(su.key, old);
	assert_found(g.ref);
	ck_assert_int_eq(access(next, F_OK), -1);
	ck_assert_str_eq(read_key(su.key), newkey);

	write_key(next, newkey);
	write_key(su.key, old);
	ck_assert_int_eq(rotate(0, 0, 0), 1);
	ck_assert_int_eq(access(next, F_OK), -1);
	ck_assert_str_eq(read_key(su.key), newkey);
	/* And her request of assert_found. */
	ck_assert_int_eq(opened(su.key), 7);
}
END_TEST

/*
 * Write everything, alter it with sql (the store closed) and rotate,
 * which must refuse with a cause that holds want (and also, unless NULL)
 * and change nothing: the old key in place, no new key, no cursor in
 * meta. Returns what store_rotate said of done.
 */
static int
refused(const char *sql, const char *want, const char *also, struct su_got *g)
{
	struct store_rotate_opts	 ro;
	char				 old[128], next[PATH_MAX + 32];
	char				*cause = NULL;
	int				 done = -1;

	su.st = su_open(NULL);
	write_everything(g);
	store_free(su.st);
	su.st = NULL;
	su_exec(sql);
	snprintf(old, sizeof(old), "%s", read_key(su.key));
	snprintf(next, sizeof(next), "%s.new", su.key);

	memset(&ro, 0, sizeof(ro));
	ck_assert_int_eq(store_rotate(su.path, NULL, &ro, &done, &cause), -1);
	ck_assert_msg(cause != NULL && strstr(cause, want) != NULL &&
	    (also == NULL || strstr(cause, also) != NULL), "%s", cause);
	free(cause);
	ck_assert_int_eq(access(next, F_OK), -1);
	ck_assert_str_eq(read_key(su.key), old);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM meta"
	    " WHERE key LIKE 'rotate%'"), 0);
	return done;
}

/* The daemon opens the store, and her request ref reads. */
static void
assert_opens(const char *ref)
{
	struct su_got	 o;

	su.st = su_open(NULL);
	ck_assert_int_eq(su_get(ref, &o), STORE_OK);
	ck_assert_str_eq(o.phone, PHONE);
}

/*
 * An unsafe mark and an opt-out kept without their number (as schema 4
 * left those it could not match) cannot follow: refused, with nothing
 * changed and no new key left behind; -f drops them and goes on.
 */
START_TEST(test_force)
{
	struct su_got	 g;

	ck_assert_int_eq(refused("UPDATE mark SET number = NULL WHERE id = 1;"
	    "UPDATE sms_optout SET number = NULL;", "1 unsafe marks and 1 "
	    "opt-outs", "-R -f", &g), 0);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM mark"), 2);
	su.st = su_open(NULL);
	store_free(su.st);
	su.st = NULL;

	ck_assert_int_eq(rotate(0, 0, 1), 1);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM mark"), 1);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM sms_optout"), 0);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM mark WHERE"
	    " dec(number, 'mark.number', id) IN ('" PHONE "', '" SAFE "')"),
	    1);
	assert_opens(g.ref);
}
END_TEST

/*
 * A value that does not decrypt (altered on disk) stops the rotation
 * before it begins: nothing changed, no new key left, the daemon opens.
 */
START_TEST(test_bad_value)
{
	struct su_got	 g;

	refused("UPDATE sms_out SET text = zeroblob(60)", "1 values do not "
	    "decrypt", NULL, &g);
	ck_assert_int_eq(opened(su.key), 5);
	assert_opens(g.ref);
}
END_TEST

/* The database's lock: one holder at a time, free again once released. */
START_TEST(test_lock)
{
	struct dblock	*a, *b;
	char		*cause = NULL;
	char		 p[PATH_MAX + 24];
	struct stat	 st;

	a = dblock_new(su.path, &cause);
	ck_assert_msg(a != NULL, "%s", cause);
	snprintf(p, sizeof(p), "%s.lock", su.path);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_ptr_null(dblock_new(su.path, &cause));
	ck_assert_msg(cause != NULL && strstr(cause, "in use by another "
	    "hotlined") != NULL, "%s", cause);
	free(cause);
	dblock_free(a);
	b = dblock_new(su.path, &cause);
	ck_assert_msg(b != NULL, "%s", cause);
	dblock_free(b);
	dblock_free(NULL);
}
END_TEST

int
main(void)
{
	return su_main("rotate", test_rotate, test_resume, test_rename_cut,
	    test_force, test_bad_value, test_lock, NULL);
}
