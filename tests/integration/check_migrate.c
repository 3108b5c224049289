/* SPDX-License-Identifier: ISC */
/*
 * Integration tests of hotlinectl migrate-store on a real server: a
 * throwaway cluster of its own (scripts/pgtmp), unless one is given
 * ($HOTLINED_TEST_DATABASE, whose database it empties). A SQLite file is
 * made by the real daemon from real requests, copied, and compared with
 * the copy table by table, byte for byte; a daemon started on the copy
 * shows the same requests, numbers and history through its API and files
 * a new one on the next ids. A run killed with SIGKILL after a few
 * batches is carried on by the next; and what must be refused is refused
 * before anything is written, with a message that says why. Needs
 * HOTLINED_BIN, HOTLINECTL_BIN and TOP_SRCDIR.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <sqlite3.h>

#include "flow.h"

/* A third caller, for the request filed on the copy. */
#define PHONE3		"+85511223344"

/* Every table of the schema, read in key order (meta without floors). */
static const char *const tables[][2] = {
	{ "meta", "SELECT * FROM meta WHERE key NOT GLOB 'floor.*'"
	  " ORDER BY 1" },
	{ "callback", "SELECT * FROM callback ORDER BY 1" },
	{ "history", "SELECT * FROM history ORDER BY 1" },
	{ "outbox", "SELECT * FROM outbox ORDER BY 1" },
	{ "mark", "SELECT * FROM mark ORDER BY 1" },
	{ "sms_out", "SELECT * FROM sms_out ORDER BY 1" },
	{ "sms_seen", "SELECT * FROM sms_seen ORDER BY 1" },
	{ "sms_optout", "SELECT * FROM sms_optout ORDER BY 1" },
	{ "stats_day", "SELECT * FROM stats_day ORDER BY 1, 2, 3, 4" },
	{ "stats_caller", "SELECT * FROM stats_caller ORDER BY 1, 2" },
	{ "stats_answer", "SELECT * FROM stats_answer ORDER BY 1" },
};
#define NTABLES	(sizeof(tables) / sizeof(tables[0]))

/* The server, as main found or made it. */
static const char *pg_uri;

/* Read the SQLite file from now on (flow.c's db_* and launch). */
static void
on_sqlite(void)
{
	ck_assert_int_eq(unsetenv("HOTLINED_TEST_DATABASE"), 0);
}

/* Read the PostgreSQL database from now on. */
static void
on_pg(void)
{
	ck_assert_int_eq(setenv("HOTLINED_TEST_DATABASE", pg_uri, 1), 0);
}

/* Run sql on the server as the daemon's role; PQresultStatus. */
static ExecStatusType
pg_exec(const char *sql, long long *v)
{
	const char	*keys[] = { "dbname", "password", NULL };
	const char	*vals[] = { pg_uri, NULL, NULL };
	ExecStatusType	 st;
	PGresult	*res;
	PGconn		*pg;
	char		*pw;

	pw = harness_read_file(getenv("HOTLINED_TEST_DATABASE_PASSWORD"),
	    NULL);
	ck_assert_ptr_nonnull(pw);
	pw[strcspn(pw, "\n")] = '\0';
	vals[1] = pw;
	pg = PQconnectdbParams(keys, vals, 1);
	free(pw);
	ck_assert_msg(PQstatus(pg) == CONNECTION_OK, "%s", PQerrorMessage(pg));
	res = PQexec(pg, sql);
	st = PQresultStatus(res);
	ck_assert_msg(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK,
	    "%s: %s", sql, PQerrorMessage(pg));
	if (v != NULL && st == PGRES_TUPLES_OK)
		*v = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	PQfinish(pg);
	return st;
}

/* Make the server's database empty: no table at all. */
static void
pg_empty(void)
{
	pg_exec("SET client_min_messages = warning;"
	    " DROP SCHEMA public CASCADE; CREATE SCHEMA public", NULL);
}

/* How many tables the server's database has. */
static long long
pg_tables(void)
{
	long long	 n = -1;

	pg_exec("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
	    &n);
	return n;
}

/* Every row of every table of the server's database. */
static long long
pg_total(void)
{
	long long	 n = -1;

	pg_exec("SELECT (SELECT count(*) FROM meta) + (SELECT count(*) FROM"
	    " callback) + (SELECT count(*) FROM history) + (SELECT count(*)"
	    " FROM outbox) + (SELECT count(*) FROM mark) + (SELECT count(*)"
	    " FROM sms_out) + (SELECT count(*) FROM sms_seen) + (SELECT"
	    " count(*) FROM sms_optout) + (SELECT count(*) FROM stats_day) +"
	    " (SELECT count(*) FROM stats_caller) + (SELECT count(*) FROM"
	    " stats_answer)", &n);
	return n;
}

/*
 * Write h's hotlined.conf as name, on the server's database under key
 * (NULL: the SQLite file's key, hotlined.db.key).
 */
static void
conf_pg(const char *name, const char *key)
{
	json_t		*conf;
	json_error_t	 jerr;
	char		*path, *k;

	path = harness_path(h, "hotlined.conf");
	conf = json_load_file(path, 0, &jerr);
	ck_assert_msg(conf != NULL, "%s", jerr.text);
	free(path);
	k = harness_path(h, key != NULL ? key : "hotlined.db.key");
	ck_assert_int_eq(json_object_set_new(conf, "database",
	    json_string(pg_uri)), 0);
	ck_assert_int_eq(json_object_set_new(conf, "database_password_file",
	    json_string(getenv("HOTLINED_TEST_DATABASE_PASSWORD"))), 0);
	ck_assert_int_eq(json_object_set_new(conf, "key_file",
	    json_string(k)), 0);
	path = harness_path(h, name);
	ck_assert_int_eq(json_dump_file(conf, path, JSON_INDENT(2)), 0);
	json_decref(conf);
	free(path);
	free(k);
}

/*
 * Run hotlinectl migrate-store -c <h's dir>/conf [-u root] --from
 * <h's dir>/from (from NULL: no --from) to its end; its wait status, and
 * what it printed in *out and *err (new strings).
 */
static int
migrate(const char *conf, const char *from, char **out, char **err)
{
	char	*argv[9], *c, *f = NULL;
	int	 st, i = 4;

	argv[0] = getenv("HOTLINECTL_BIN");
	ck_assert_msg(argv[0] != NULL && access(argv[0], X_OK) == 0,
	    "set HOTLINECTL_BIN to the built hotlinectl");
	c = harness_path(h, conf);
	argv[1] = (char *)"migrate-store";
	argv[2] = (char *)"-c";
	argv[3] = c;
	/* As the daemon is started: root names its user. */
	if (geteuid() == 0) {
		argv[i++] = (char *)"-u";
		argv[i++] = (char *)"root";
	}
	if (from != NULL) {
		f = from[0] == '/' ? strdup(from) : harness_path(h, from);
		argv[i++] = (char *)"--from";
		argv[i++] = f;
	}
	argv[i] = NULL;
	ck_assert_int_eq(harness_run(argv, 60000, &st, out, err), 0);
	ck_assert_msg(strstr(*err, "Sanitizer") == NULL &&
	    strstr(*err, "runtime error:") == NULL, "hotlinectl: %s", *err);
	/* Counts only: no number of hers, in any form, ever. */
	ck_assert_msg(strstr(*out, PHONE_NSN) == NULL &&
	    strstr(*err, PHONE_NSN) == NULL && strstr(*out, "87654321") ==
	    NULL && strstr(*err, "87654321") == NULL &&
	    strstr(*out, "11223344") == NULL, "a number printed");
	free(c);
	free(f);
	return st;
}

/* migrate, which must exit with status want. */
static void
migrate_expect(const char *conf, const char *from, int want, char **out,
    char **err)
{
	int	 st;

	st = migrate(conf, from, out, err);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == want,
	    "status %#x, not exit %d: %s%s", (unsigned)st, want, *out, *err);
}

/*
 * The rows of sql on the database flow.c reads now, as a digest of their
 * bytes (an integer as its digits; NULL apart from ""), into hex.
 */
static void
digest(const char *sql, char hex[65])
{
	crypto_generichash_state	 st;
	unsigned char			 d[32], tag;
	sqlite3				*db;
	sqlite3_stmt			*s = NULL;
	int				 c, len;

	db = db_open();
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK,
	    "%s: %s", sql, sqlite3_errmsg(db));
	crypto_generichash_init(&st, NULL, 0, sizeof(d));
	while (sqlite3_step(s) == SQLITE_ROW)
		for (c = 0; c < sqlite3_column_count(s); c++) {
			tag = sqlite3_column_type(s, c) == SQLITE_NULL;
			len = sqlite3_column_bytes(s, c);
			crypto_generichash_update(&st, &tag, 1);
			crypto_generichash_update(&st,
			    (const unsigned char *)&len, sizeof(len));
			if (len > 0)
				crypto_generichash_update(&st,
				    sqlite3_column_blob(s, c), (size_t)len);
		}
	sqlite3_finalize(s);
	sqlite3_close(db);
	crypto_generichash_final(&st, d, sizeof(d));
	sodium_bin2hex(hex, 65, d, sizeof(d));
}

/* What a database holds: each table's count and digest. */
struct snapshot {
	long long	 n[NTABLES];
	char		 d[NTABLES][65];
};

static void
snapshot(struct snapshot *s)
{
	char	*sql;
	size_t	 i;

	for (i = 0; i < NTABLES; i++) {
		ck_assert_int_ne(asprintf(&sql, "SELECT count(*) FROM (%s)",
		    tables[i][1]), -1);
		s->n[i] = db_int(sql);
		free(sql);
		digest(tables[i][1], s->d[i]);
	}
}

/* The file's snapshot and the server's are the same, table by table. */
static void
same(const struct snapshot *a, const struct snapshot *b)
{
	size_t	 i;

	for (i = 0; i < NTABLES; i++) {
		ck_assert_msg(a->n[i] == b->n[i], "%s: %lld rows, then %lld",
		    tables[i][0], a->n[i], b->n[i]);
		ck_assert_msg(strcmp(a->d[i], b->d[i]) == 0, "%s: the rows "
		    "differ", tables[i][0]);
	}
}

/* The summary line of table t: "t  N rows: C copied now, B there before". */
static void
summary(const char *out, const char *t, long long n, long long copied,
    long long before)
{
	char	*line;

	ck_assert_int_ne(asprintf(&line, "%-13s %8lld rows: %lld copied now, "
	    "%lld there before\n", t, n, copied, before), -1);
	ck_assert_msg(strstr(out, line) != NULL, "no \"%s\" in: %s", line,
	    out);
	free(line);
}

/*
 * A day of real requests on the SQLite file: two filed and alerted, the
 * first claimed by c1 with a note that names a number. Its reference and
 * the number c1 is shown into *ref and *number; its history into *hist;
 * the references as listed ("ref,ref") into *list.
 */
static void
make_file(char **ref, char **number, char **hist, char **list)
{
	json_t	*v;
	char	*r2, *a, *b;

	on_sqlite();
	start_day();
	request_afternoon("mig-1", PHONE);
	request_afternoon("mig-2", PHONE2);
	*ref = listed_ref(0, 2);
	r2 = listed_ref(1, 2);
	history_wait(*ref, "created,alerted", 3000);
	history_wait(r2, "created,alerted", 3000);
	json_decref(api_post(*ref, "claim", TOK_C1, NULL, 200));
	json_decref(api_post(*ref, "note", TOK_C1, "{\"note\": \"Her sister: "
	    "call " PHONE2 " after 18:00.\"}", 200));
	v = api_get(*ref, TOK_C1);
	*number = strdup(json_string_value(json_object_get(
	    json_object_get(v, "call"), "number")));
	ck_assert_ptr_nonnull(*number);
	json_decref(v);
	*hist = history(*ref);
	a = listed_ref(0, 2);
	b = listed_ref(1, 2);
	ck_assert_int_ne(asprintf(list, "%s,%s", a, b), -1);
	free(a);
	free(b);
	free(r2);
	settle();
	stop_daemon();
}

/*
 * 1. A whole copy: every table the same, byte for byte; a run again
 * copies nothing; a daemon on the copy shows the same requests, numbers
 * and history, keeps migrate-store off its database, and files the next
 * request on the next ids.
 */
START_TEST(test_copy)
{
	struct snapshot	 file, copy;
	json_t		*v;
	char		*ref, *number, *hist, *list, *out, *err, *s, *t;
	long long	 max_cb, max_hist;
	size_t		 i;

	make_file(&ref, &number, &hist, &list);
	snapshot(&file);
	max_cb = db_int("SELECT max(id) FROM callback");
	max_hist = db_int("SELECT max(id) FROM history");
	ck_assert_int_eq(file.n[1], 2);
	ck_assert_int_ge(file.n[2], 5);
	ck_assert_int_ge(file.n[3], 2);

	pg_empty();
	conf_pg("hotlined.conf", NULL);
	migrate_expect("hotlined.conf", "hotlined.db", 0, &out, &err);
	summary(out, "callback", 2, 2, 0);
	summary(out, "history", file.n[2], file.n[2], 0);
	summary(out, "outbox", file.n[3], file.n[3], 0);
	/* The key check the open recorded was there before. */
	summary(out, "meta", file.n[0], file.n[0] - 1, 1);
	ck_assert_msg(strstr(out, "migrate-store: done: ") != NULL, "%s", out);
	free(out);
	free(err);
	on_pg();
	snapshot(&copy);
	same(&file, &copy);

	/* Again: nothing left to copy, and nothing changes. */
	migrate_expect("hotlined.conf", "hotlined.db", 0, &out, &err);
	summary(out, "callback", 2, 0, 2);
	summary(out, "history", file.n[2], 0, file.n[2]);
	free(out);
	free(err);
	snapshot(&copy);
	same(&file, &copy);

	/* The daemon on the copy: the same requests, opened by the key. */
	launch();
	s = listed_ref(0, 2);
	t = listed_ref(1, 2);
	ck_assert_int_eq(strncmp(list, s, strlen(s)), 0);
	ck_assert_str_eq(list + strlen(s) + 1, t);
	free(s);
	free(t);
	v = api_get(ref, TOK_C1);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(v,
	    "call"), "number")), number);
	ck_assert_str_eq(json_string_value(json_object_get(v, "claimed_by")),
	    "c1");
	json_decref(v);
	s = history(ref);
	ck_assert_str_eq(s, hist);
	free(s);
	/* The note, sealed to its row, opens on the copy. */
	for (i = 1, t = hist; (t = strchr(t, ',')) != NULL; t++)
		i++;
	ck_assert_ptr_nonnull(strstr(hist, "note"));
	do {
		ck_assert_uint_gt(i, 0);
		v = history_entry(ref, --i);
		if (strcmp(json_string_value(json_object_get(v, "event")),
		    "note") == 0)
			break;
		json_decref(v);
	} while (1);
	ck_assert_str_eq(json_string_value(json_object_get(v, "detail")),
	    "Her sister: call " PHONE2 " after 18:00.");
	json_decref(v);

	/* The daemon on the database keeps migrate-store off it. */
	migrate_expect("hotlined.conf", "hotlined.db", 1, &out, &err);
	ck_assert_msg(strstr(err, "in use by a hotlined daemon") !=
	    NULL, "%s", err);
	free(out);
	free(err);

	/* A new request takes the next ids: no collision with the copy's. */
	request_afternoon("mig-3", PHONE3);
	free(listed_ref(0, 3));
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), 3);
	ck_assert_int_eq(db_int("SELECT max(id) FROM callback"), max_cb + 1);
	db_wait_int("SELECT count(*) FROM history WHERE callback_id = (SELECT"
	    " max(id) FROM callback) AND event = 'alerted'", 1, 3000);
	ck_assert_int_gt(db_int("SELECT min(id) FROM history WHERE"
	    " callback_id = (SELECT max(id) FROM callback)"), max_hist);
	free(ref);
	free(number);
	free(hist);
	free(list);
}
END_TEST

/*
 * 2. A run killed (SIGKILL) after three batches of one row leaves part of
 * the copy; the next run carries on from there, copies no row twice, and
 * ends with what one run would have made. The floor a purge left in the
 * file (SQLite's way never to give an id again) raises the sequence.
 */
START_TEST(test_resume)
{
	struct snapshot	 file, copy;
	char		*ref, *number, *hist, *list, *out, *err;
	long long	 n;
	int		 st;

	make_file(&ref, &number, &hist, &list);
	/*
	 * A purge once deleted requests up to id 40: never given again (the
	 * daemon's first retention run may have left a lower floor).
	 */
	db_write("INSERT OR REPLACE INTO meta (key, value) VALUES "
	    "('floor.callback', 40)");
	snapshot(&file);
	pg_empty();
	conf_pg("hotlined.conf", NULL);

	ck_assert_int_eq(setenv("HOTLINECTL_MIGRATE_BATCH", "1", 1), 0);
	ck_assert_int_eq(setenv("HOTLINECTL_MIGRATE_KILL_AFTER", "3", 1), 0);
	st = migrate("hotlined.conf", "hotlined.db", &out, &err);
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	    "status %#x: %s%s", (unsigned)st, out, err);
	ck_assert_ptr_null(strstr(out, "done"));
	free(out);
	free(err);
	/* Three rows, each its own commit, besides the open's key check. */
	ck_assert_int_eq(pg_total(), 1 + 3);
	n = -1;
	pg_exec("SELECT count(*) FROM callback", &n);
	ck_assert_int_ge(n, 1);

	/* A second kill, further on, then the rest. */
	ck_assert_int_eq(setenv("HOTLINECTL_MIGRATE_KILL_AFTER", "2", 1), 0);
	st = migrate("hotlined.conf", "hotlined.db", &out, &err);
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	    "status %#x: %s%s", (unsigned)st, out, err);
	free(out);
	free(err);
	ck_assert_int_eq(pg_total(), 1 + 3 + 2);
	ck_assert_int_eq(unsetenv("HOTLINECTL_MIGRATE_KILL_AFTER"), 0);
	migrate_expect("hotlined.conf", "hotlined.db", 0, &out, &err);
	summary(out, "callback", 2, 0, 2);
	ck_assert_int_eq(pg_total(), db_int("SELECT count(*) FROM meta WHERE"
	    " key NOT GLOB 'floor.*'") + file.n[1] + file.n[2] + file.n[3] +
	    file.n[4] + file.n[5] + file.n[6] + file.n[7] + file.n[8] +
	    file.n[9] + file.n[10]);
	ck_assert_msg(strstr(out, "migrate-store: done: ") != NULL, "%s", out);
	free(out);
	free(err);
	on_pg();
	snapshot(&copy);
	same(&file, &copy);

	/* The daemon on it sees both requests, and files above the floor. */
	launch();
	free(listed_ref(0, 2));
	request_afternoon("mig-4", PHONE3);
	free(listed_ref(0, 3));
	ck_assert_int_eq(db_int("SELECT max(id) FROM callback"), 41);
	free(ref);
	free(number);
	free(hist);
	free(list);
}
END_TEST

/*
 * 3. A table longer than a page of the check (500 rows): 1,200 events
 * more, copied 300 a batch and killed after 600 of them; the next run
 * walks both pages of what is there, then copies the rest.
 */
START_TEST(test_resume_pages)
{
	struct snapshot	 file, copy;
	char		*ref, *number, *hist, *list, *out, *err;
	long long	 n = -1;
	int		 st;

	make_file(&ref, &number, &hist, &list);
	db_write("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1"
	    " FROM n WHERE i < 1200) INSERT INTO history (id, callback_id, at,"
	    " event, actor, detail) SELECT 1000 + i, (SELECT min(id) FROM"
	    " callback), i, 'note', 'c1', NULL FROM n");
	snapshot(&file);
	ck_assert_int_ge(file.n[2], 1200);
	pg_empty();
	conf_pg("hotlined.conf", NULL);
	ck_assert_int_eq(setenv("HOTLINECTL_MIGRATE_BATCH", "300", 1), 0);
	ck_assert_int_eq(setenv("HOTLINECTL_MIGRATE_KILL_AFTER", "3", 1), 0);
	st = migrate("hotlined.conf", "hotlined.db", &out, &err);
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	    "status %#x: %s%s", (unsigned)st, out, err);
	free(out);
	free(err);
	pg_exec("SELECT count(*) FROM history", &n);
	ck_assert_int_eq(n, 600);
	ck_assert_int_eq(unsetenv("HOTLINECTL_MIGRATE_KILL_AFTER"), 0);
	migrate_expect("hotlined.conf", "hotlined.db", 0, &out, &err);
	summary(out, "history", file.n[2], file.n[2] - 600, 600);
	free(out);
	free(err);
	on_pg();
	snapshot(&copy);
	same(&file, &copy);
	free(ref);
	free(number);
	free(hist);
	free(list);
}
END_TEST

/*
 * 4. kill -9 from outside, wherever the copy is (inside a transaction,
 * most likely): 5,000 more events, 10 a batch, killed once some are on
 * the server; the next run ends with what one run would have made.
 */
START_TEST(test_kill9)
{
	struct snapshot	 file, copy;
	char		*ref, *number, *hist, *list, *out, *err, *c, *f;
	char		*argv[9];
	long long	 n = 0, deadline;
	pid_t		 pid;
	int		 st, i = 4;

	make_file(&ref, &number, &hist, &list);
	db_write("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1"
	    " FROM n WHERE i < 5000) INSERT INTO history (id, callback_id, at,"
	    " event, actor, detail) SELECT 1000 + i, (SELECT min(id) FROM"
	    " callback), i, 'note', 'c1', NULL FROM n");
	snapshot(&file);
	pg_empty();
	conf_pg("hotlined.conf", NULL);
	ck_assert_int_eq(setenv("HOTLINECTL_MIGRATE_BATCH", "10", 1), 0);

	c = harness_path(h, "hotlined.conf");
	f = harness_path(h, "hotlined.db");
	argv[0] = getenv("HOTLINECTL_BIN");
	argv[1] = (char *)"migrate-store";
	argv[2] = (char *)"-c";
	argv[3] = c;
	if (geteuid() == 0) {
		argv[i++] = (char *)"-u";
		argv[i++] = (char *)"root";
	}
	argv[i++] = (char *)"--from";
	argv[i++] = f;
	argv[i] = NULL;
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		if (freopen("/dev/null", "w", stdout) == NULL ||
		    freopen("/dev/null", "w", stderr) == NULL)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	/* The schema is made first: wait for it, then for some rows. */
	deadline = harness_now_ms() + harness_slow_ms(20000);
	while (n < 100 && harness_now_ms() < deadline) {
		harness_sleep_ms(5);
		/* Its 11 tables, session_state and hotlined_schema. */
		if (pg_tables() == 13)
			pg_exec("SELECT count(*) FROM history", &n);
	}
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFSIGNALED(st), "it ended first (%#x)", (unsigned)st);
	pg_exec("SELECT count(*) FROM history", &n);
	ck_assert_msg(n >= 100 && n < file.n[2], "%lld rows of history", n);
	free(c);
	free(f);

	migrate_expect("hotlined.conf", "hotlined.db", 0, &out, &err);
	summary(out, "history", file.n[2], file.n[2] - n, n);
	free(out);
	free(err);
	on_pg();
	snapshot(&copy);
	same(&file, &copy);
	free(ref);
	free(number);
	free(hist);
	free(list);
}
END_TEST

/*
 * 5. Refusals, each before anything is written and each saying why: the
 * file in use by a running daemon, a target that is a SQLite file, no
 * --from, a --from that is missing, a directory, or not a hotlined
 * database, the wrong key, and a database that holds other rows.
 */
START_TEST(test_refusals)
{
	char		*out, *err, *p;
	long long	 n = -1;

	on_sqlite();
	start_day();
	request_afternoon("mig-r", PHONE);
	pg_empty();
	conf_pg("pg.conf", NULL);

	migrate_expect("pg.conf", "hotlined.db", 1, &out, &err);
	ck_assert_msg(strstr(err, "in use by another hotlined") != NULL,
	    "%s", err);
	free(out);
	free(err);
	ck_assert_int_eq(pg_tables(), 0);
	settle();
	stop_daemon();

	migrate_expect("hotlined.conf", "hotlined.db", 1, &out, &err);
	ck_assert_msg(strstr(err, "a file: migrate-store copies into a "
	    "PostgreSQL database") != NULL, "%s", err);
	free(out);
	free(err);

	migrate_expect("pg.conf", NULL, 2, &out, &err);
	ck_assert_msg(strstr(err, "--from FILE, the SQLite database to copy, "
	    "is needed") != NULL, "%s", err);
	free(out);
	free(err);
	migrate_expect("pg.conf", "none.db", 1, &out, &err);
	ck_assert_msg(strstr(err, "none.db: No such file or directory") !=
	    NULL, "%s", err);
	free(out);
	free(err);
	migrate_expect("pg.conf", "menus", 1, &out, &err);
	ck_assert_msg(strstr(err, "menus: not a file") != NULL, "%s", err);
	free(out);
	free(err);
	migrate_expect("pg.conf", "roster.json", 1, &out, &err);
	ck_assert_msg(strstr(err, "roster.json: not a hotlined database") !=
	    NULL, "%s", err);
	free(out);
	free(err);

	ck_assert_int_eq(harness_write_file(h, "other.key",
	    "0101010101010101010101010101010101010101010101010101010101010101"
	    "\n"), 0);
	p = harness_path(h, "other.key");
	ck_assert_int_eq(chmod(p, 0600), 0);
	free(p);
	conf_pg("other-key.conf", "other.key");
	migrate_expect("other-key.conf", "hotlined.db", 1, &out, &err);
	ck_assert_msg(strstr(err, "encrypted under another key than") !=
	    NULL, "%s", err);
	free(out);
	free(err);
	ck_assert_int_eq(pg_tables(), 0);

	/* A copy, then a row of it changed: not the file's any more. */
	migrate_expect("pg.conf", "hotlined.db", 0, &out, &err);
	free(out);
	free(err);
	pg_exec("UPDATE callback SET state = 3", NULL);
	migrate_expect("pg.conf", "hotlined.db", 1, &out, &err);
	ck_assert_msg(strstr(err, "table callback holds rows that are not") !=
	    NULL && strstr(err, "copy into a new, empty database") != NULL,
	    "%s", err);
	free(out);
	free(err);
	/* Nor a row of its own in a table after one still to copy. */
	pg_empty();
	migrate_expect("pg.conf", "hotlined.db", 0, &out, &err);
	free(out);
	free(err);
	pg_exec("DELETE FROM history; INSERT INTO stats_caller"
	    " VALUES ('2000-01', '\\x00')", NULL);
	migrate_expect("pg.conf", "hotlined.db", 1, &out, &err);
	ck_assert_msg(strstr(err, "table stats_caller holds rows that are "
	    "not") != NULL, "%s", err);
	free(out);
	free(err);
	pg_exec("SELECT count(*) FROM history", &n);
	ck_assert_int_eq(n, 0);
}
END_TEST

static Suite *
migrate_suite(void)
{
	Suite	*s = suite_create("migrate");
	TCase	*tc = tcase_create("migrate");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_copy);
	tcase_add_test(tc, test_resume);
	tcase_add_test(tc, test_resume_pages);
	tcase_add_test(tc, test_kill9);
	tcase_add_test(tc, test_refusals);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * Start a cluster of our own (scripts/pgtmp) unless one was given, run
 * the suite on it, stop it. The daemons read the SQLite file until a test
 * turns to the server (on_pg).
 */
int
main(void)
{
	int	 rc;

	if (flow_pg_begin("check_migrate") == -1)
		return EXIT_FAILURE;
	/* Its daemons run on SQLite: the server is the copy's alone. */
	pg_uri = strdup(getenv("HOTLINED_TEST_DATABASE"));
	unsetenv("HOTLINED_TEST_DATABASE");
	rc = flow_run("check_migrate", migrate_suite());
	flow_pg_end("check_migrate");
	return rc;
}
