/* SPDX-License-Identifier: ISC */
/*
 * Integration tests of the PostgreSQL backend on a real server: a
 * throwaway cluster of its own (scripts/pgtmp), unless tests/pg.sh gives
 * one ($HOTLINED_TEST_DATABASE). What is PostgreSQL's alone: nothing of
 * hers in the server's files (its data and its write-ahead log), the
 * refusals an admin must understand (the wrong key, a password file
 * others may read, a wrong password, a backup or a key rotation asked of
 * a server's database) and a server that goes away and comes back while
 * the daemon runs. Two daemons on one database are check_scale.c's; the
 * suites common to both engines run on it through tests/pg.sh.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>

#include "atrest.h"
#include "flow.h"

/*
 * Numbers of no run of digits: a new cluster's own files already hold
 * "012345678" and "98765432" (in UTF-16, in the server's tables).
 */
#define PG_PHONE	"+85517293846"
#define PG_PHONE2	"+85560718293"
#define PG_SAFE_TYPED	"093827164"
#define PG_SAFE_E164	"+85593827164"

static const char *const numbers[] = { PG_PHONE, PG_PHONE2, PG_SAFE_E164,
	NULL };

/* Search every file under dir, recursively; how many were searched. */
static int
clean_tree(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 sb;
	char		*path;
	int		 n;

	n = at_rest_clean(dir, numbers);
	d = opendir(dir);
	ck_assert_msg(d != NULL, "cannot open %s", dir);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		ck_assert_int_ne(asprintf(&path, "%s/%s", dir, e->d_name), -1);
		if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
			n += clean_tree(path);
		free(path);
	}
	closedir(d);
	return n;
}

/* Run hotlined with conf of h's directory and the flags; its status. */
static int
hotlined_run(const char *conf, const char *flag, char **err)
{
	char	*argv[7], *path, *out = NULL;
	int	 st;

	path = harness_path(h, conf);
	argv[0] = getenv("HOTLINED_BIN");
	argv[1] = (char *)"-c";
	argv[2] = path;
	argv[3] = (char *)flag;
	argv[4] = geteuid() == 0 ? (char *)"-u" : NULL;
	argv[5] = (char *)"root";
	argv[6] = NULL;
	ck_assert_int_eq(harness_run(argv, 30000, &st, &out, err), 0);
	free(out);
	free(path);
	ck_assert_msg(WIFEXITED(st), "hotlined did not exit (%#x)",
	    (unsigned)st);
	return WEXITSTATUS(st);
}

/* Write a copy of hotlined.conf as name, with member key set to v. */
static void
conf_copy(const char *name, const char *key, json_t *v)
{
	json_t		*conf;
	json_error_t	 jerr;
	char		*path;

	path = harness_path(h, "hotlined.conf");
	conf = json_load_file(path, 0, &jerr);
	ck_assert_msg(conf != NULL, "%s", jerr.text);
	free(path);
	ck_assert_int_eq(json_object_set_new(conf, key, v), 0);
	path = harness_path(h, name);
	ck_assert_int_eq(json_dump_file(conf, path, JSON_INDENT(2)), 0);
	json_decref(conf);
	free(path);
}

/*
 * 1. Her numbers, her answers and a counsellor's note that names one are
 * in no file of the server (tables, indexes, write-ahead log) nor of the
 * daemon's directory: they reach the server sealed.
 */
START_TEST(test_no_number_in_server_files)
{
	const char	*data = getenv("HOTLINED_TEST_DATABASE_DIR");
	char		*ref, *w, *f;
	int		 n;

	ck_assert_msg(data != NULL, "no $HOTLINED_TEST_DATABASE_DIR");
	start_day();
	request_afternoon("pg-1", PG_PHONE);
	ref = listed_ref(0, 1);
	history_wait(ref, "created,alerted", 3000);
	json_decref(api_post(ref, "claim", TOK_C1, NULL, 200));
	json_decref(api_post(ref, "note", TOK_C1, "{\"note\": \"Her sister: "
	    "call " PG_PHONE2 " after 18:00.\"}", 200));
	w = walk("pg-2", PG_PHONE2, PG_SAFE_TYPED, "1");
	f = last_hop(w, "2");
	at_expect("pg-2", PG_PHONE2, f, END_NOW);
	free(f);
	free(w);
	/* All of it is there, in the server's files, readable to the key. */
	db_wait_int("SELECT count(*) FROM callback_clear WHERE phone = '"
	    PG_PHONE2 "' AND safe_number = '" PG_SAFE_E164 "'", 1, 3000);
	ck_assert_int_eq(db_int("SELECT count(*) FROM history_clear WHERE "
	    "detail LIKE '%" PG_PHONE2 "%'"), 1);
	n = clean_tree(data);
	/* The tables, their indexes and at least one WAL segment. */
	ck_assert_int_ge(n, 20);
	stop_daemon();
	clean_tree(data);
	clean_tree(harness_dir(h));
	free(ref);
}
END_TEST

/*
 * 2. What an admin must be told, each before anything is written: a key
 * file that is not the database's; a password file others may read; a
 * wrong password (never shown); a backup or a key rotation, which are
 * the server's tools' business.
 */
START_TEST(test_refusals)
{
	char	*err = NULL, *out = NULL, *p;
	const char *pw;

	start_day();
	request_afternoon("pg-ref", PHONE);
	stop_daemon();

	p = harness_path(h, "other.key");
	ck_assert_int_eq(harness_write_file(h, "other.key",
	    "0101010101010101010101010101010101010101010101010101010101010101"
	    "\n"), 0);
	ck_assert_int_eq(chmod(p, 0600), 0);
	conf_copy("other-key.conf", "key_file", json_string(p));
	free(p);
	ck_assert_int_ne(hotlined_run("other-key.conf", "-v", &err), 0);
	ck_assert_msg(strstr(err, "encrypted under another key") != NULL,
	    "%s", err);
	free(err);

	ck_assert_int_eq(harness_write_file(h, "open.pw", "x\n"), 0);
	p = harness_path(h, "open.pw");
	ck_assert_int_eq(chmod(p, 0644), 0);
	conf_copy("open-pw.conf", "database_password_file", json_string(p));
	free(p);
	ck_assert_int_ne(hotlined_run("open-pw.conf", "-v", &err), 0);
	ck_assert_msg(strstr(err, "must be a file of mode 0600") != NULL,
	    "%s", err);
	free(err);

	pw = "wrong-password-0123456789";
	ck_assert_int_eq(harness_write_file(h, "wrong.pw", pw), 0);
	p = harness_path(h, "wrong.pw");
	ck_assert_int_eq(chmod(p, 0600), 0);
	conf_copy("wrong-pw.conf", "database_password_file", json_string(p));
	free(p);
	ck_assert_int_ne(hotlined_run("wrong-pw.conf", "-v", &err), 0);
	ck_assert_msg(strstr(err, "cannot connect") != NULL, "%s", err);
	ck_assert_msg(strstr(err, pw) == NULL, "the password shown: %s", err);
	free(err);

	p = harness_path(h, "copy.db");
	ck_assert_int_ne(backup_run("hotlined.conf", p, &out, &err), 0);
	ck_assert_msg(strstr(err, "postgresql store cannot make backups") !=
	    NULL, "%s", err);
	ck_assert_int_eq(access(p, F_OK), -1);
	free(out);
	free(err);
	free(p);
	ck_assert_int_ne(hotlined_run("hotlined.conf", "-R", &err), 0);
	ck_assert_msg(strstr(err, "cannot rotate") != NULL, "%s", err);
	free(err);

	/* None of that touched what was stored. */
	launch();
	free(listed_ref(0, 1));
}
END_TEST

/* Stop ("down") or start again ("up") the test's server. */
static void
server(const char *how)
{
	const char	*data = getenv("HOTLINED_TEST_DATABASE_DIR");
	char		*cmd;
	size_t		 n;

	ck_assert_ptr_nonnull(data);
	n = strlen(data);
	ck_assert(n > 5 && strcmp(data + n - 5, "/data") == 0);
	ck_assert_int_ne(asprintf(&cmd, "'%s'/scripts/pgtmp %s '%.*s'",
	    getenv("TOP_SRCDIR"), how, (int)(n - 5), data), -1);
	ck_assert_msg(system(cmd) == 0, "%s", cmd);
	free(cmd);
}

/*
 * 3. The server goes away while the daemon runs: a survivor filing then
 * is told it could not be recorded (never a promise), at once; once the
 * server is back the daemon connects again by itself (its store's
 * connections and the one that hears other daemons' hints), and the next
 * request is stored and alerted.
 */
START_TEST(test_server_restart)
{
	char		*w, *f;
	long long	 t0;

	start_day();
	request_afternoon("pg-r1", PG_PHONE);
	db_wait_int("SELECT count(*) FROM history WHERE event = 'alerted'",
	    1, 3000);
	w = walk("pg-r2", PG_PHONE2, NULL, "3");
	f = last_hop(w, "2");
	server("down");
	t0 = harness_now_ms();
	at_expect("pg-r2", PG_PHONE2, f, S_FAILED);
	ck_assert_msg(harness_now_ms() - t0 < 3000, "told after %lld ms",
	    harness_now_ms() - t0);
	free(f);
	free(w);
	ck_assert_int_eq(harness_wait_log(h, "connection lost", 1, 3000), 0);
	server("up");
	request_afternoon("pg-r3", PG_PHONE2);
	ck_assert_int_eq(harness_wait_log(h, "connected again", 1, 3000), 0);
	/* Its wake-up connection too, without blocking the loop. */
	ck_assert_int_eq(harness_wait_log(h, "wake-up connection is lost", 1,
	    3000), 0);
	ck_assert_int_eq(harness_wait_log(h, "wake-up connection is back", 1,
	    harness_slow_ms(12000)), 0);
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), 2);
	db_wait_int("SELECT count(*) FROM history WHERE event = 'alerted'",
	    2, 5000);
}
END_TEST

static Suite *
pg_suite(void)
{
	Suite	*s = suite_create("pg");
	TCase	*tc = tcase_create("pg");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_no_number_in_server_files);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_server_restart);
	suite_add_tcase(s, tc);
	return s;
}

/* On a cluster of our own (scripts/pgtmp) unless one is given. */
int
main(void)
{
	int	 rc;

	if (flow_pg_begin("check_pg") == -1)
		return EXIT_FAILURE;
	rc = flow_run("check_pg", pg_suite());
	flow_pg_end("check_pg");
	return rc;
}
