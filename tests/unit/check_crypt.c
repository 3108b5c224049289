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
#include <sqlite3.h>

#include "store.h"
#include "store_crypt.h"
#include "store_sqlite.h"
#include "storeutil.h"

#define PHONE	SU_PHONE
#define SAFE	SU_SAFE

/* Flip the low bit of byte at (from the end when < 0) of row id's phone. */
static void
flip(int64_t id, int at)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	unsigned char	 buf[256];
	int		 len;

	ck_assert_int_eq(sqlite3_open(su.path, &db), SQLITE_OK);
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

/* Neither the file nor its WAL holds her number, while open or after. */
START_TEST(test_no_plaintext)
{
	struct su_got	 g;
	char		 p[PATH_MAX + 24];
	struct stat	 st;

	su.st = su_open(NULL);
	su_write_all(&g);
	snprintf(p, sizeof(p), "%s-wal", su.path);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_gt(st.st_size, 0);	/* the WAL is searched too */
	su_assert_clean();
	store_free(su.st);
	su.st = NULL;
	su_assert_clean();
	/* The search itself works: the case reference is there. */
	ck_assert(su_on_disk(g.ref));
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM callback WHERE "
	    "typeof(phone) = 'blob' AND length(phone) = 40 + 12"), 1);
}
END_TEST

/* What is sealed opens again, through the store and with the key file. */
START_TEST(test_roundtrip)
{
	struct su_got	 g, g2;

	su.st = su_open(NULL);
	su_write_all(&g);
	store_free(su.st);
	su.st = su_open(NULL);
	ck_assert_int_eq(su_get(g.ref, &g2), STORE_OK);
	ck_assert_str_eq(g2.phone, PHONE);
	ck_assert_str_eq(g2.cover, "survey_ខ្មែរ");
	ck_assert_str_eq(g2.province, "KH-12");
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM callback WHERE "
	    "dec(safe_to_call, 'callback.safe_to_call', id) = 'no'"), 1);
	su_assert_read(g.ref);
	/* She asks again: found by her number's keyed hash. */
	ck_assert_int_eq(su_create("at:s2", PHONE, 1100, &g2), STORE_MERGED);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM callback WHERE "
	    "dec(safe_number, 'callback.safe_number', id) = '" SAFE "'"), 1);
}
END_TEST

/*
 * Seals with a pool of nonces: three pools' worth of the same value under
 * one key, every nonce different and every seal opening to the value;
 * and one without a pool.
 */
START_TEST(test_nonce_pool)
{
	enum { N = 3 * STORE_CRYPT_NONCES + 1 };
	enum { LEN = 12 + STORE_CRYPT_OVERHEAD };
	static const char	 v[] = "+85512345678";
	struct store_nonces	 pool;
	uint8_t			 key[STORE_CRYPT_KEY_LEN];
	uint8_t			 sealed[N][LEN];
	char			 out[sizeof(v)];
	size_t			 i, k;

	memset(&pool, 0, sizeof(pool));
	memset(key, 7, sizeof(key));
	for (i = 0; i < N; i++) {
		ck_assert_int_eq(store_crypt_seal(key, i == N - 1 ? NULL :
		    &pool, "callback.phone", 42, v, sizeof(v) - 1, sealed[i]),
		    0);
		ck_assert_int_eq(store_crypt_open(key, "callback.phone", 42,
		    sealed[i], sizeof(sealed[i]), out), 0);
		ck_assert_str_eq(out, v);
		for (k = 0; k < i; k++)
			ck_assert_int_ne(memcmp(sealed[i], sealed[k],
			    STORE_CRYPT_NONCE_LEN), 0);
	}
}
END_TEST

/*
 * Another key file is refused at open; a lost key file is not silently
 * replaced (the one made for the attempt is removed again).
 */
START_TEST(test_wrong_key)
{
	struct store_keys	 k;
	struct su_got		 g;
	char			*cause = NULL;

	su.st = su_open(NULL);
	ck_assert_int_eq(su_create("at:s1", PHONE, 1000, &g), STORE_OK);
	store_free(su.st);
	su.st = NULL;

	ck_assert_int_eq(unlink(su.key), 0);
	ck_assert_ptr_null(store_new(su.base, su.path, NULL, &cause));
	ck_assert_msg(cause != NULL && strstr(cause, "another key") != NULL,
	    "%s", cause);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(access(su.key, F_OK), -1);

	ck_assert_int_eq(store_crypt_create(su.key, &k, &cause), 0);
	store_crypt_wipe(&k);
	ck_assert_ptr_null(store_new(su.base, su.path, NULL, &cause));
	ck_assert_msg(cause != NULL && strstr(cause, "another key") != NULL,
	    "%s", cause);
	free(cause);
	ck_assert_int_eq(access(su.key, F_OK), 0);	/* not ours to drop */
}
END_TEST

/*
 * A sealed value altered, moved to another row or to another column does
 * not open: the job fails (STORE_ERR, logged by column and row), and the
 * other rows still read.
 */
START_TEST(test_tampered)
{
	struct su_got	 a, b, g;

	su.st = su_open(NULL);
	ck_assert_int_eq(su_create("at:s1", PHONE, 1000, &a), STORE_OK);
	ck_assert_int_eq(su_create("at:s2", "+85599999999", 1000, &b),
	    STORE_OK);
	store_free(su.st);
	su.st = NULL;

	/* Row 2 gets row 1's number: the row id is bound, it fails. */
	su_exec("UPDATE callback SET phone = (SELECT phone FROM callback"
	    " WHERE id = 1) WHERE id = 2");
	su.st = su_open(NULL);
	ck_assert_int_eq(su_get(b.ref, &g), STORE_ERR);
	ck_assert_int_eq(su_get(a.ref, &g), STORE_OK);
	ck_assert_str_eq(g.phone, PHONE);
	store_free(su.st);
	su.st = NULL;

	/* Row 1's cover becomes its own province: the column is bound. */
	su_exec("UPDATE callback SET cover = province WHERE id = 1");
	su.st = su_open(NULL);
	ck_assert_int_eq(su_get(a.ref, &g), STORE_ERR);
	store_free(su.st);
	su.st = NULL;

	/* One bit flipped in a value: in its nonce, its text or its tag. */
	su_exec("UPDATE callback SET cover = NULL WHERE id = 1");
	flip(2, 0);
	su.st = su_open(NULL);
	ck_assert_int_eq(su_get(a.ref, &g), STORE_OK);
	ck_assert_int_eq(su_get(b.ref, &g), STORE_ERR);
	store_free(su.st);
	su.st = NULL;
	flip(1, 30);
	flip(1, -1);
	su.st = su_open(NULL);
	ck_assert_int_eq(su_get(a.ref, &g), STORE_ERR);
	flip(1, 30);
	flip(1, -1);
	ck_assert_int_eq(su_get(a.ref, &g), STORE_OK);
	ck_assert_str_eq(g.phone, PHONE);
	/* A value in clear where a sealed one belongs fails too. */
	store_free(su.st);
	su.st = NULL;
	su_exec("UPDATE callback SET cover = NULL, province = NULL,"
	    " phone = '" PHONE "' WHERE id = 1");
	su.st = su_open(NULL);
	ck_assert_int_eq(su_get(a.ref, &g), STORE_ERR);
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
	struct su_got	 g, n;
	char		 p[PATH_MAX + 24];
	struct stat	 st;

	/* Made by this hotlined, then written back to what 3 held. */
	su.st = su_open(NULL);
	su_write_all(&g);
	su_mark_unsafe(g.ref);
	store_free(su.st);
	su.st = NULL;
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM mark"), 2);
	su_exec("UPDATE callback SET phone = '" PHONE "', safe_to_call = 'no',"
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
	ck_assert_int_eq(unlink(su.key), 0);
	ck_assert(su_on_disk(PHONE));
	ck_assert(su_on_disk("she lives near the market"));

	su.st = su_open(NULL);
	ck_assert_int_eq(store_schema_version(su.st), STORE_SCHEMA);
	ck_assert_int_eq(stat(su.key, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	snprintf(p, sizeof(p), "%s-wal", su.path);
	ck_assert(stat(p, &st) == -1 || st.st_size == 0);
	su_assert_clean();
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM meta WHERE "
	    "key = 'dedup_key'"), 0);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM history WHERE "
	    "dec(detail, 'history.detail', id) = 'she lives near the market, "
	    SAFE "'"), 1);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM sms_out WHERE "
	    "dec(text, 'sms_out.text', id) = 'call me after 5 " PHONE "'"), 1);
	ck_assert_int_eq(su_get(g.ref, &n), STORE_OK);
	ck_assert_str_eq(n.phone, PHONE);
	ck_assert_str_eq(n.cover, "survey_x");

	/* The unsafe marks of both her numbers and her STOP carried over. */
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM mark"), 2);
	ck_assert_int_eq(su_create("at:s3", "+85500000000", 1100, &n),
	    STORE_OK);
	ck_assert_int_eq(n.row.warn_unsafe, 1);		/* SAFE marked */
	memset(&n, 0, sizeof(n));
	ck_assert_int_eq(store_sms_inbound(su.st, "at", NULL, PHONE, 60,
	    1101, NULL, NULL), 0);
	store_free(su.st);
	su.st = NULL;
	su_assert_clean();
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM sms_optout"), 1);
}
END_TEST

/* A key file group or others may read or write refuses start-up. */
START_TEST(test_key_mode)
{
	struct su_got	 g, g2;
	char		*cause = NULL;

	su.st = su_open(NULL);
	ck_assert_int_eq(su_create("at:s1", PHONE, 1000, &g), STORE_OK);
	store_free(su.st);
	su.st = NULL;
	ck_assert_int_eq(chmod(su.key, 0644), 0);
	ck_assert_ptr_null(store_new(su.base, su.path, NULL, &cause));
	ck_assert_msg(cause != NULL && strstr(cause, "hotlined.db.key must "
	    "not be readable by group or others") != NULL, "%s", cause);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(chmod(su.key, 0620), 0);
	ck_assert_ptr_null(store_new(su.base, su.path, NULL, &cause));
	ck_assert_ptr_nonnull(cause);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(chmod(su.key, 0600), 0);
	su.st = su_open(NULL);
	ck_assert_int_eq(su_get(g.ref, &g2), STORE_OK);
	ck_assert_str_eq(g2.phone, PHONE);
}
END_TEST

int
main(void)
{
	return su_main("crypt", test_no_plaintext, test_roundtrip,
	    test_nonce_pool, test_wrong_key, test_tampered, test_migrate_v3,
	    test_key_mode, NULL);
}
