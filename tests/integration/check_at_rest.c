/* SPDX-License-Identifier: ISC */
/*
 * Integration tests of what hotlined leaves on disk, on the real daemon:
 * after a run of USSD call-back sessions (her own number, a safe number
 * typed, a counsellor's note that names a number, an "unsafe" outcome,
 * asking again), nothing in the daemon's directory (the database, its
 * -wal and -shm, the log, a backup made by hotlined -B) holds a test
 * number in any common form, while it runs and after it stopped; and a plaintext database of schema 3, as
 * the previous version wrote it, is encrypted in place on start-up with
 * nothing of hers left readable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>
#include <sqlite3.h>

#include "atrest.h"
#include "dbkey.h"
#include "flow.h"

static const char *const numbers[] = { PHONE, PHONE2, SAFE_E164, NULL };

/* The text of member k of the object o. */
static const char *
str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/*
 * The sessions of a busy hour: her request, claimed, a note naming her
 * number, two unanswered calls, closed as unsafe; a second caller who
 * gives a safe number and asks to be called now; the first asking again.
 * Returns the first request's reference (a new string).
 */
static char *
busy_hour(void)
{
	json_t	*v;
	char	*ref, *w, *f;

	request_afternoon("rest-1", PHONE);
	ref = listed_ref(0, 1);
	history_wait(ref, "created,alerted", 3000);
	json_decref(api_post(ref, "claim", TOK_C1, NULL, 200));
	json_decref(api_post(ref, "note", TOK_C1, "{\"note\": \"Sister has "
	    "her phone: try 012345678 after 18:00.\"}", 200));
	v = api_get(ref, TOK_C1);
	ck_assert_str_eq(str(json_object_get(v, "call"), "number"), PHONE);
	json_decref(v);

	w = walk("rest-2", PHONE2, SAFE_TYPED, "1");
	f = last_hop(w, "2");
	at_expect("rest-2", PHONE2, f, END_NOW);
	free(f);
	free(w);
	json_decref(api_post(ref, "complete", TOK_C1, "{\"outcome\": "
	    "\"unsafe\"}", 200));
	request_afternoon("rest-3", PHONE);
	db_wait_int("SELECT count(*) FROM callback_clear WHERE phone = '"
	    PHONE "' OR safe_number = '" SAFE_E164 "'", 3, 3000);
	ck_assert_int_eq(db_int("SELECT count(*) FROM mark"), 1);
	ck_assert_int_eq(db_int("SELECT count(*) FROM history_clear WHERE "
	    "detail LIKE '%012345678%'"), 1);
	return ref;
}

/*
 * 1. While the daemon runs (the -wal and -shm are there) and after it
 * stopped, no file of its directory holds any of the test numbers; nor
 * does a backup made into it while it runs (one more file searched).
 */
START_TEST(test_no_number_on_disk)
{
	char	*ref, *wal, *backup, *out = NULL, *err = NULL;
	size_t	 len;
	int	 n;

	start_day();
	ref = busy_hour();
	wal = harness_path(h, "hotlined.db-wal");
	free(harness_read_file(wal, &len));
	ck_assert_msg(len > 0, "no -wal to search");
	n = at_rest_clean(harness_dir(h), numbers);
	ck_assert_int_ge(n, 4);
	backup = harness_path(h, "hotlined.db.backup");
	ck_assert_msg(backup_run("hotlined.conf", backup, &out, &err) == 0,
	    "hotlined -B: %s", err);
	ck_assert_int_eq(access(backup, R_OK), 0);
	ck_assert_int_eq(at_rest_clean(harness_dir(h), numbers), n + 1);
	stop_daemon();
	ck_assert_int_ge(at_rest_clean(harness_dir(h), numbers), 4);
	free(backup);
	free(out);
	free(err);
	free(wal);
	free(ref);
}
END_TEST

/* Run sql on the daemon's database, writable, with dec(). */
static void
db_exec(const char *sql)
{
	sqlite3	*db = NULL;
	char	*path, *key, *err = NULL;

	path = harness_path(h, "hotlined.db");
	key = harness_path(h, "hotlined.db.key");
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(dbkey_attach(db, key), 0);
	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, &err) == SQLITE_OK,
	    "%s: %s", sql, err);
	sqlite3_close(db);
	free(key);
	free(path);
}

/* Does any file of the daemon's directory hold s? */
static int
on_disk(const char *s)
{
	const char	*files[] = { "hotlined.db", "hotlined.db-wal", NULL };
	char		*path, *buf;
	size_t		 i, len;
	int		 found = 0;

	for (i = 0; files[i] != NULL; i++) {
		path = harness_path(h, files[i]);
		buf = harness_read_file(path, &len);
		if (buf != NULL && memmem(buf, len, s, strlen(s)) != NULL)
			found = 1;
		free(buf);
		free(path);
	}
	return found;
}

/*
 * 2. The previous version's file: everything in clear, the hashes under
 * a key kept in the file itself, no key file. The daemon encrypts it in
 * place on start: a new key file, her requests and notes still there
 * for the counsellors, and not one of her numbers left readable.
 */
START_TEST(test_plaintext_migrates)
{
	json_t	*v;
	char	*ref, *key;

	start_day();
	ref = busy_hour();
	stop_daemon();
	db_exec("UPDATE callback SET"
	    " phone = dec(phone, 'callback.phone', id),"
	    " safe_to_call = dec(safe_to_call, 'callback.safe_to_call', id),"
	    " safe_number = dec(safe_number, 'callback.safe_number', id),"
	    " \"window\" = dec(\"window\", 'callback.window', id),"
	    " cover = dec(cover, 'callback.cover', id),"
	    " province = dec(province, 'callback.province', id),"
	    " topic = dec(topic, 'callback.topic', id);"
	    "UPDATE history SET detail = dec(detail, 'history.detail', id);"
	    "UPDATE sms_out SET phone = dec(phone, 'sms_out.phone', id),"
	    " text = dec(text, 'sms_out.text', id);"
	    "DELETE FROM meta WHERE key = 'key_check';"
	    "INSERT INTO meta VALUES ('dedup_key', randomblob(32));"
	    /* Schema 3 had no aggregates, sealed ones least of all. */
	    "DROP TABLE IF EXISTS stats_answer;"
	    "PRAGMA user_version = 3;"
	    "PRAGMA wal_checkpoint(TRUNCATE);");
	key = harness_path(h, "hotlined.db.key");
	ck_assert_int_eq(unlink(key), 0);
	/* The search can fail: her number is there in clear now. */
	ck_assert(on_disk(PHONE));
	ck_assert(on_disk("012345678 after 18:00"));

	launch();
	ck_assert_int_eq(access(key, F_OK), 0);
	ck_assert_int_eq(harness_wait_log(h, "schema migrated to version 5", 1,
	    5000), 0);
	ck_assert_int_eq(harness_wait_log(h, "schema migrated to version 6", 1,
	    5000), 0);
	v = api_get(ref, TOK_S1);
	ck_assert_str_eq(str(v, "ref"), ref);
	json_decref(v);
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback_clear WHERE "
	    "phone = '" PHONE "'"), 2);
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback_clear WHERE "
	    "safe_number = '" SAFE_E164 "'"), 1);
	ck_assert_int_eq(db_int("SELECT count(*) FROM history_clear WHERE "
	    "detail LIKE '%012345678 after 18:00%'"), 1);
	ck_assert_int_ge(at_rest_clean(harness_dir(h), numbers), 3);
	/* Her marked number still warns on her next request. */
	request_afternoon("rest-4", PHONE);
	db_wait_int("SELECT count(*) FROM callback_clear WHERE phone = '"
	    PHONE "' AND warn_unsafe = 1", 1, 3000);
	stop_daemon();
	ck_assert_int_ge(at_rest_clean(harness_dir(h), numbers), 3);
	free(key);
	free(ref);
}
END_TEST

static Suite *
at_rest_suite(void)
{
	Suite	*s = suite_create("at_rest");
	TCase	*tc = tcase_create("at_rest");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_no_number_on_disk);
	tcase_add_test(tc, test_plaintext_migrates);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return flow_run("check_at_rest", at_rest_suite());
}
