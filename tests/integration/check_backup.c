/* SPDX-License-Identifier: ISC */
/*
 * Integration tests of hotlined -B, the online backup, on the real daemon
 * while callers keep walking the USSD flow: the backup is a private file
 * (0600), intact, a rollback-journal file with no -wal beside it, of
 * exactly the pages it reports, holding her numbers only encrypted; a
 * second daemon started on it (with a copy of the key file) lists the
 * requests; made with the daemon stopped, it leaves no -wal or -shm
 * beside the database. It never replaces a file, and a missing directory,
 * database or key file or a wrong key each fail with their reason and
 * leave nothing behind. Needs HOTLINED_BIN and TOP_SRCDIR.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "atrest.h"
#include "dbkey.h"
#include "flow.h"

/* The caller who keeps asking while the backup is made. */
#define PHONE3		"+85511122233"

static const char *const numbers[] = { PHONE, PHONE2, SAFE_E164, PHONE3,
    NULL };

/* Callers walking the flow from a thread until told to stop. */
struct traffic {
	int		 port;
	atomic_int	 stop;
	atomic_int	 posts;		/* hops answered 200 */
	atomic_int	 failed;	/* hops answered otherwise */
};

/* Walk whole sessions of PHONE3, one after another (no Check here). */
static void *
traffic_main(void *arg)
{
	static const char *const hops[] = { "", "1", "1*1", "1*1*3",
	    "1*1*3*1", "1*1*3*1*2" };
	struct traffic		*t = arg;
	struct harness_reply	 rep;
	char			 sid[32], *body;
	size_t			 i;
	int			 n;

	for (n = 0; !atomic_load(&t->stop); n++) {
		snprintf(sid, sizeof(sid), "bak-t-%d", n);
		for (i = 0; i < sizeof(hops) / sizeof(hops[0]); i++) {
			body = harness_form("sessionId", sid, "serviceCode",
			    "*855#", "phoneNumber", PHONE3, "networkCode",
			    "45601", "text", hops[i], NULL);
			if (body == NULL || harness_request_port(t->port,
			    "POST", AT, FORM_CT, body, strlen(body), NULL,
			    &rep) == -1 || rep.status != 200)
				atomic_fetch_add(&t->failed, 1);
			else
				atomic_fetch_add(&t->posts, 1);
			if (body != NULL)
				harness_reply_clear(&rep);
			free(body);
		}
	}
	return NULL;
}

/* The names in dir, but . and .., as "a,b" sorted (new string). */
static char *
dir_names(const char *dir)
{
	struct dirent	**ents;
	char		 *s = NULL, *t;
	int		  n, i;

	n = scandir(dir, &ents, NULL, alphasort);
	ck_assert_msg(n >= 0, "%s: %s", dir, strerror(errno));
	s = strdup("");
	for (i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") != 0 &&
		    strcmp(ents[i]->d_name, "..") != 0) {
			ck_assert_int_ne(asprintf(&t, "%s%s%s", s,
			    *s != '\0' ? "," : "", ents[i]->d_name), -1);
			free(s);
			s = t;
		}
		free(ents[i]);
	}
	free(ents);
	ck_assert_ptr_nonnull(s);
	return s;
}

/* A new directory below h's, private; its path (new string). */
static char *
make_dir(const char *rel)
{
	char	*dir;

	dir = harness_path(h, rel);
	ck_assert_msg(mkdir(dir, 0700) == 0, "%s: %s", dir, strerror(errno));
	return dir;
}

/* Copy the file from into the new file to, mode 0600. */
static void
copy_file(const char *from, const char *to)
{
	char	*buf;
	size_t	 len;
	int	 fd;

	buf = harness_read_file(from, &len);
	ck_assert_msg(buf != NULL, "%s", from);
	fd = open(to, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_msg(fd != -1, "%s: %s", to, strerror(errno));
	ck_assert_int_eq(write(fd, buf, len), (ssize_t)len);
	ck_assert_int_eq(close(fd), 0);
	free(buf);
}

/* Write h's hotlined.conf as name, with key set to the string value. */
static void
conf_variant(const char *name, const char *key, const char *value)
{
	json_t		*conf;
	json_error_t	 jerr;
	char		*path, *out;

	path = harness_path(h, "hotlined.conf");
	conf = json_load_file(path, 0, &jerr);
	ck_assert_msg(conf != NULL, "%s", jerr.text);
	ck_assert_int_eq(json_object_set_new(conf, key, json_string(value)),
	    0);
	out = harness_path(h, name);
	ck_assert_int_eq(json_dump_file(conf, out, JSON_INDENT(2)), 0);
	json_decref(conf);
	free(out);
	free(path);
}

/* The single integer sql yields on the file db, read-only, under key. */
static long long
file_int(const char *db_path, const char *key, const char *sql)
{
	sqlite3		*db = NULL;
	sqlite3_stmt	*s = NULL;
	long long	 v;

	ck_assert_msg(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY,
	    NULL) == SQLITE_OK, "%s: %s", db_path, sqlite3_errmsg(db));
	if (key != NULL)
		ck_assert_int_eq(dbkey_attach(db, key), 0);
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK,
	    "%s: %s", sql, sqlite3_errmsg(db));
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/* The first text row of sql on the file db, read-only (new string). */
static char *
file_text(const char *db_path, const char *sql)
{
	sqlite3		*db = NULL;
	sqlite3_stmt	*s = NULL;
	char		*v;

	ck_assert_int_eq(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	v = strdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(db);
	ck_assert_ptr_nonnull(v);
	return v;
}

/* Whether the array of requests holds one of reference ref. */
static int
listed(json_t *arr, const char *ref)
{
	size_t	 i;

	for (i = 0; i < json_array_size(arr); i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(arr,
		    i), "ref")), ref) == 0)
			return 1;
	return 0;
}

/* Two requests, one with a safe number typed; their refs into ref[2]. */
static void
two_requests(char *ref[2])
{
	json_t	*arr;
	char	*w, *f;
	size_t	 i;

	request_afternoon("bak-1", PHONE);
	w = walk("bak-2", PHONE2, SAFE_TYPED, "1");
	f = last_hop(w, "2");
	at_expect("bak-2", PHONE2, f, END_NOW);
	free(f);
	free(w);
	arr = api_list();
	ck_assert_uint_eq(json_array_size(arr), 2);
	for (i = 0; i < 2; i++) {
		ref[i] = strdup(json_string_value(json_object_get(
		    json_array_get(arr, i), "ref")));
		ck_assert_ptr_nonnull(ref[i]);
	}
	json_decref(arr);
}

/*
 * Start a second daemon on a copy of h's configuration with the backup
 * as its database and a copy of the key file, and check that its API
 * lists both requests; stop it.
 */
static void
restore_and_list(const char *backup, const char *key, char *ref[2])
{
	struct harness	*first = h, *second;
	json_t		*arr, *v;
	char		*fix, *text, *path;
	int		 first_api = api_port, i;
	const char	*files[] = { "hotlined.conf", "roster.json" };

	fix = src_path("tests/data/callback");
	second = harness_new(fix);
	ck_assert_ptr_nonnull(second);
	free(fix);
	for (i = 0; i < 2; i++) {
		path = harness_path(first, files[i]);
		text = harness_read_file(path, NULL);
		ck_assert_ptr_nonnull(text);
		ck_assert_int_eq(harness_write_file(second, files[i], text), 0);
		free(text);
		free(path);
	}
	path = harness_path(second, "hotlined.db");
	copy_file(backup, path);
	free(path);
	path = harness_path(second, "hotlined.db.key");
	copy_file(key, path);
	free(path);

	h = second;
	launch();
	ck_assert_int_eq(harness_log_contains(h, "created the key file"), 0);
	arr = api_list();
	ck_assert_uint_ge(json_array_size(arr), 2);
	for (i = 0; i < 2; i++) {
		ck_assert_msg(listed(arr, ref[i]), "%s not listed", ref[i]);
		v = api_get(ref[i], TOK_C1);
		ck_assert_str_eq(json_string_value(json_object_get(v, "ref")),
		    ref[i]);
		json_decref(v);
	}
	json_decref(arr);
	stop_daemon();
	harness_stop(second);
	h = first;
	api_port = first_api;
}

/*
 * 1. A backup made while callers keep coming: exit 0 and "backup: FILE (N
 * pages)", one private file of exactly N pages, nothing else left in its
 * directory, no -wal, not in WAL mode, intact, her numbers there only
 * encrypted (they open under the key file), and a daemon started on it
 * lists the requests.
 */
START_TEST(test_backup_while_busy)
{
	struct traffic	 tr;
	struct stat	 sb;
	pthread_t	 thr;
	long long	 deadline, pages, psize;
	char		*dir, *dest, *out = NULL, *err = NULL, *want, *end;
	char		*names, *key, *ok, *ref[2], *wal, *head;
	size_t		 len;
	int		 rc;

	start_day();
	two_requests(ref);
	dir = make_dir("backups");
	ck_assert_int_ne(asprintf(&dest, "%s/hotlined-1.db", dir), -1);

	memset(&tr, 0, sizeof(tr));
	tr.port = harness_port(h);
	ck_assert_int_eq(pthread_create(&thr, NULL, traffic_main, &tr), 0);
	deadline = harness_now_ms() + 5000;
	while (atomic_load(&tr.posts) < 12 && harness_now_ms() < deadline)
		harness_sleep_ms(10);
	rc = backup_run("hotlined.conf", dest, &out, &err);
	atomic_store(&tr.stop, 1);
	ck_assert_int_eq(pthread_join(thr, NULL), 0);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
	ck_assert_int_ge(atomic_load(&tr.posts), 12);
	ck_assert_int_eq(atomic_load(&tr.failed), 0);

	ck_assert_int_ne(asprintf(&want, "backup: %s (", dest), -1);
	ck_assert_msg(strncmp(out, want, strlen(want)) == 0, "stdout: %s",
	    out);
	pages = strtoll(out + strlen(want), &end, 10);
	ck_assert_int_gt(pages, 0);
	ck_assert_str_eq(end, " pages)\n");
	free(want);

	ck_assert_int_eq(lstat(dest, &sb), 0);
	ck_assert(S_ISREG(sb.st_mode));
	ck_assert_uint_eq(sb.st_mode & 07777, 0600);
	ck_assert_uint_eq(sb.st_nlink, 1);
	psize = file_int(dest, NULL, "PRAGMA page_size");
	ck_assert_int_eq((long long)sb.st_size, pages * psize);
	names = dir_names(dir);
	ck_assert_str_eq(names, "hotlined-1.db");
	free(names);
	/* Bytes 18 and 19 of the header: 1 is a rollback journal, 2 WAL. */
	head = harness_read_file(dest, &len);
	ck_assert_ptr_nonnull(head);
	ck_assert_uint_ge(len, 100);
	ck_assert_int_eq(head[18], 1);
	ck_assert_int_eq(head[19], 1);
	free(head);

	ok = file_text(dest, "PRAGMA integrity_check");
	ck_assert_str_eq(ok, "ok");
	free(ok);
	ck_assert_int_eq(file_int(dest, NULL, "PRAGMA user_version"),
	    db_int("PRAGMA user_version"));
	key = harness_path(h, "hotlined.db.key");
	ck_assert_int_eq(file_int(dest, key, "SELECT count(*) FROM callback"
	    " WHERE dec(phone, 'callback.phone', id) = '" PHONE "'"), 1);
	ck_assert_int_eq(file_int(dest, key, "SELECT count(*) FROM callback"
	    " WHERE dec(safe_number, 'callback.safe_number', id) = '"
	    SAFE_E164 "'"), 1);
	ck_assert_int_eq(at_rest_clean(dir, numbers), 1);
	/* Opening it read-only made no -wal either. */
	ck_assert_int_ne(asprintf(&wal, "%s-wal", dest), -1);
	ck_assert_int_eq(access(wal, F_OK), -1);

	restore_and_list(dest, key, ref);
	free(wal);
	free(key);
	free(ref[0]);
	free(ref[1]);
	free(out);
	free(err);
	free(dest);
	free(dir);
}
END_TEST

/*
 * 2. With the daemon stopped the backup is the same, and the database's
 * directory is left as the daemon left it: no -wal, no -shm made.
 */
START_TEST(test_backup_stopped)
{
	char	*dir, *dest, *out = NULL, *err = NULL, *names, *key, *ok;

	start_day();
	request_afternoon("bak-s", PHONE);
	settle();
	stop_daemon();
	dir = make_dir("backups");
	ck_assert_int_ne(asprintf(&dest, "%s/offline.db", dir), -1);
	names = dir_names(harness_dir(h));
	ck_assert_ptr_null(strstr(names, "hotlined.db-wal"));
	free(names);
	ck_assert_msg(backup_run("hotlined.conf", dest, &out, &err) == 0,
	    "%s", err);
	names = dir_names(harness_dir(h));
	ck_assert_msg(strstr(names, "hotlined.db-") == NULL, "%s", names);
	free(names);
	ok = file_text(dest, "PRAGMA integrity_check");
	ck_assert_str_eq(ok, "ok");
	free(ok);
	key = harness_path(h, "hotlined.db.key");
	ck_assert_int_eq(file_int(dest, key, "SELECT count(*) FROM callback"
	    " WHERE dec(phone, 'callback.phone', id) = '" PHONE "'"), 1);
	ck_assert_int_eq(at_rest_clean(dir, numbers), 1);
	free(key);
	free(out);
	free(err);
	free(dest);
	free(dir);
}
END_TEST

/* Run -B with conf into dest: it must fail, saying why (on stderr). */
static void
refused(const char *conf, const char *dest, const char *why)
{
	char	*out = NULL, *err = NULL;
	int	 rc;

	rc = backup_run(conf, dest, &out, &err);
	ck_assert_msg(rc == 1, "exit %d", rc);
	ck_assert_str_eq(out, "");
	ck_assert_msg(strstr(err, "hotlined: backup failed: ") != NULL &&
	    strstr(err, why) != NULL, "stderr: %s (want \"%s\")", err, why);
	free(out);
	free(err);
}

/*
 * 3. An existing file is never replaced (not a byte of it changes), and
 * a missing directory, a missing database, a missing key file (which is
 * not made) and a wrong key each fail with their reason, leaving no file.
 */
START_TEST(test_backup_refuses)
{
	uint8_t		 raw[32];
	char		 hex[65];
	char		*dir, *dest, *nodir, *got, *absent, *other, *msg;
	size_t		 len;

	start_day();
	request_afternoon("bak-r", PHONE);
	dir = make_dir("backups");
	ck_assert_int_ne(asprintf(&dest, "%s/there.db", dir), -1);
	ck_assert_int_eq(harness_write_file(h, "backups/there.db",
	    "keep me\n"), 0);
	refused("hotlined.conf", dest, "there.db exists; a backup never "
	    "replaces a file");
	got = harness_read_file(dest, &len);
	ck_assert_str_eq(got, "keep me\n");
	free(got);
	got = dir_names(dir);
	ck_assert_str_eq(got, "there.db");
	free(got);
	ck_assert_int_eq(unlink(dest), 0);
	free(dest);

	ck_assert_int_ne(asprintf(&nodir, "%s/nope/b.db", dir), -1);
	refused("hotlined.conf", nodir, "/nope: No such file or directory");
	free(nodir);

	conf_variant("missing.conf", "database", "missing.db");
	ck_assert_int_ne(asprintf(&dest, "%s/b.db", dir), -1);
	refused("missing.conf", dest, "missing.db: No such file or directory");

	conf_variant("absent.conf", "key_file", "absent.key");
	absent = harness_path(h, "absent.key");
	refused("absent.conf", dest, "absent.key: No such file or directory");
	ck_assert_int_eq(access(absent, F_OK), -1);
	free(absent);

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
	other = harness_path(h, "other.key");
	ck_assert_int_eq(harness_write_file(h, "other.key", hex), 0);
	conf_variant("other.conf", "key_file", "other.key");
	ck_assert_int_ne(asprintf(&msg, "was encrypted under another key than "
	    "%s's", other), -1);
	refused("other.conf", dest, msg);
	free(msg);
	free(other);

	got = dir_names(dir);
	ck_assert_str_eq(got, "");
	free(got);
	free(dest);
	free(dir);
}
END_TEST

static Suite *
backup_suite(void)
{
	Suite	*s = suite_create("backup");
	TCase	*tc = tcase_create("backup");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, test_backup_while_busy);
	tcase_add_test(tc, test_backup_stopped);
	tcase_add_test(tc, test_backup_refuses);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return flow_run("check_backup", backup_suite());
}
