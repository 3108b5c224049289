/* SPDX-License-Identifier: ISC */
/*
 * Integration tests of key rotation on the real daemon and the real
 * hotlined -R: requests made over USSD (one closed as unsafe, one with a
 * safe number, a counsellor's note), the daemon stopped, a rotation slowed
 * down and killed with SIGKILL once its cursor moved, the daemon refusing
 * to start on the half-done file, a second run finishing it; then the
 * daemon serves every request, the old key file is gone and the unsafe
 * mark still warns. A second daemon, or a rotation, on a database in use
 * is refused by its lock. Needs HOTLINED_BIN and TOP_SRCDIR.
 */
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>
#include <sqlite3.h>

#include "atrest.h"
#include "flow.h"

#define NREQ	4

static const char *const numbers[] = { PHONE, PHONE2, SAFE_E164, NULL };

/* The text of member k of the object o. */
static const char *
str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* argv of hotlined with -c and flags (static; root needs -u root). */
static char **
argv_of(const char *flag1, const char *flag2)
{
	static char	*argv[8];
	static char	*conf;
	int		 i = 0;

	free(conf);
	conf = harness_path(h, "hotlined.conf");
	argv[i++] = getenv("HOTLINED_BIN");
	argv[i++] = (char *)"-c";
	argv[i++] = conf;
	if (geteuid() == 0) {
		argv[i++] = (char *)"-u";
		argv[i++] = (char *)"root";
	}
	if (flag1 != NULL)
		argv[i++] = (char *)flag1;
	if (flag2 != NULL)
		argv[i++] = (char *)flag2;
	argv[i] = NULL;
	return argv;
}

/*
 * Run hotlined with flag to its end: its exit status; its stderr must hold
 * want (when not NULL).
 */
static int
run(const char *flag, const char *want)
{
	char	*out = NULL, *err = NULL;
	int	 st = 0, rc;

	ck_assert_int_eq(harness_run(argv_of(flag, NULL), 30000, &st, &out,
	    &err), 0);
	ck_assert_msg(WIFEXITED(st), "wait status %#x", (unsigned)st);
	rc = WEXITSTATUS(st);
	if (want != NULL)
		ck_assert_msg(strstr(err, want) != NULL, "\"%s\" not in: %s",
		    want, err);
	free(out);
	free(err);
	return rc;
}

/* The content of a file of the daemon's directory (new string). */
static char *
file_of(const char *rel)
{
	char	*p, *s;

	p = harness_path(h, rel);
	s = harness_read_file(p, NULL);
	free(p);
	return s;
}

/* Whether a file of the daemon's directory is there. */
static int
exists(const char *rel)
{
	char	*p;
	int	 rc;

	p = harness_path(h, rel);
	rc = access(p, F_OK) == 0;
	free(p);
	return rc;
}

/*
 * Start hotlined -R slowed down (a row per transaction, 300 ms after
 * each), its stderr in rotate.log; returns its pid.
 */
static pid_t
spawn_slow_rotation(void)
{
	char	**argv, *log;
	pid_t	  pid;
	int	  fd;

	argv = argv_of("-R", NULL);
	log = harness_path(h, "rotate.log");
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_int_ne(fd, -1);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		setenv("HOTLINED_ROTATE_BATCH", "1", 1);
		setenv("HOTLINED_ROTATE_PAUSE_MS", "300", 1);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fd);
	free(log);
	return pid;
}

/*
 * Her requests: closed as unsafe after a note, one with a safe number,
 * two more callers. The references, by row id, into refs.
 */
static void
make_requests(char *refs[NREQ])
{
	char	*ref, *w, *f, sql[64];
	int	 i;

	request_afternoon("rot-1", PHONE);
	ref = listed_ref(0, 1);
	history_wait(ref, "created,alerted", 3000);
	json_decref(api_post(ref, "claim", TOK_C1, NULL, 200));
	json_decref(api_post(ref, "note", TOK_C1, "{\"note\": \"Her sister "
	    "answers after 18:00.\"}", 200));
	json_decref(api_post(ref, "complete", TOK_C1, "{\"outcome\": "
	    "\"unsafe\"}", 200));
	free(ref);
	w = walk("rot-2", PHONE2, SAFE_TYPED, "1");
	f = last_hop(w, "2");
	at_expect("rot-2", PHONE2, f, END_NOW);
	free(f);
	free(w);
	request_afternoon("rot-3", "+85511111113");
	request_afternoon("rot-4", "+85511111114");
	db_wait_int("SELECT count(*) FROM callback", NREQ, 3000);
	ck_assert_int_eq(db_int("SELECT count(*) FROM mark"), 1);
	for (i = 0; i < NREQ; i++) {
		snprintf(sql, sizeof(sql), "SELECT ref FROM callback"
		    " WHERE id = %d", i + 1);
		refs[i] = db_text(sql);
	}
	settle();
}

/*
 * 1. A rotation killed halfway resumes: the daemon refuses the file
 * meanwhile, the second run finishes, and the daemon serves it all under
 * the new key.
 */
START_TEST(test_rotation_killed)
{
	char		*refs[NREQ], *old, *now;
	json_t		*v;
	pid_t		 pid;
	long long	 deadline;
	int		 i, st;

	start_day();
	make_requests(refs);
	stop_daemon();
	old = file_of("hotlined.db.key");
	ck_assert_ptr_nonnull(old);

	pid = spawn_slow_rotation();
	deadline = harness_now_ms() + 10000;
	while (db_int("SELECT count(*) FROM meta WHERE"
	    " key = 'rotate_after' AND value > 0") == 0) {
		ck_assert_msg(harness_now_ms() < deadline, "the rotation's "
		    "cursor did not move");
		ck_assert_int_eq(waitpid(pid, &st, WNOHANG), 0);
		harness_sleep_ms(20);
	}
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);

	/* Half done: the new key beside the old, the state in meta. */
	ck_assert(exists("hotlined.db.key.new"));
	now = file_of("hotlined.db.key");
	ck_assert_str_eq(now, old);
	free(now);
	ck_assert_int_eq(db_int("SELECT count(*) FROM meta"
	    " WHERE key = 'rotate_check'"), 1);
	ck_assert_int_lt(db_int("SELECT value FROM meta"
	    " WHERE key = 'rotate_table'"), 5);
	ck_assert_int_eq(run(NULL, "a key rotation is half done: run "
	    "hotlined -R again"), 1);

	ck_assert_int_eq(run("-R", "resuming the key rotation"), 0);
	ck_assert(!exists("hotlined.db.key.new"));
	now = file_of("hotlined.db.key");
	ck_assert_str_ne(now, old);
	free(now);
	ck_assert_int_eq(db_int("SELECT count(*) FROM meta"
	    " WHERE key LIKE 'rotate%'"), 0);
	/* Every value opens under the new key file. */
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback_clear"
	    " WHERE phone LIKE '+855%'"), NREQ);
	ck_assert_int_eq(db_int("SELECT count(*) FROM history_clear"
	    " WHERE detail = 'Her sister answers after 18:00.'"), 1);
	ck_assert_int_ge(at_rest_clean(harness_dir(h), numbers), 2);

	launch();
	for (i = 0; i < NREQ; i++) {
		v = api_get(refs[i], TOK_S1);
		ck_assert_str_eq(str(v, "ref"), refs[i]);
		json_decref(v);
	}
	/* Her safe number, as the claimant sees it. */
	json_decref(api_post(refs[1], "claim", TOK_C1, NULL, 200));
	v = api_get(refs[1], TOK_C1);
	ck_assert_str_eq(str(json_object_get(v, "call"), "number"),
	    SAFE_E164);
	json_decref(v);
	/* Her marked number still warns on her next request. */
	request_afternoon("rot-5", PHONE);
	db_wait_int("SELECT count(*) FROM callback_clear WHERE phone = '"
	    PHONE "' AND warn_unsafe = 1", 1, 3000);
	/* And she is still one caller: her new request is found again. */
	request_afternoon("rot-6", PHONE);
	db_wait_int("SELECT count(*) FROM callback_clear WHERE phone = '"
	    PHONE "' AND asked_again = 1", 1, 3000);
	settle();
	for (i = 0; i < NREQ; i++)
		free(refs[i]);
	free(old);
}
END_TEST

/*
 * 2. While a daemon runs on the database, a second daemon and a rotation
 * are refused by its lock, and change nothing.
 */
START_TEST(test_lock_refuses)
{
	char	*refs[NREQ], *old, *now;
	int	 i;

	start_day();
	make_requests(refs);
	old = file_of("hotlined.db.key");
	ck_assert_int_eq(run(NULL, "in use by another hotlined"), 1);
	ck_assert_int_eq(run("-R", "in use by another hotlined"), 1);
	ck_assert(!exists("hotlined.db.key.new"));
	now = file_of("hotlined.db.key");
	ck_assert_str_eq(now, old);
	/* The first daemon serves on. */
	json_decref(api_get(refs[0], TOK_S1));
	stop_daemon();
	/* Once it stopped, a rotation may go ahead. */
	ck_assert_int_eq(run("-R", "key rotation of"), 0);
	launch();
	json_decref(api_get(refs[0], TOK_S1));
	for (i = 0; i < NREQ; i++)
		free(refs[i]);
	free(now);
	free(old);
}
END_TEST

static Suite *
rotate_suite(void)
{
	Suite	*s = suite_create("rotate");
	TCase	*tc = tcase_create("rotate");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, test_rotation_killed);
	tcase_add_test(tc, test_lock_refuses);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return flow_run("check_rotate", rotate_suite());
}
