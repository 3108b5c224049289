/* SPDX-License-Identifier: ISC */
/*
 * flow: the shared driving and reading of the call-back suites (flow.h).
 */
#include <sys/wait.h>

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "dbkey.h"
#include "flow.h"

struct harness		*h;
struct receiver		*rcv;
int			 api_port;
time_t			 clock_epoch;
time_t			 launched;


/* Nothing yet; each test starts what it needs. */
void
setup(void)
{
	h = NULL;
	rcv = NULL;
	api_port = -1;
}

/*
 * Before the teardown's SIGTERM, let the daemon's work end: every request
 * alerted (none still OPEN) and every alert's delivery recorded (no
 * outbox row pending). Stopping with a delivery in flight is the business
 * of test_sigterm_during_delivery alone. Bounded (3 s), asserts nothing.
 */
void
settle(void)
{
	long long	 deadline = harness_now_ms() + harness_slow_ms(3000);

	while (harness_now_ms() < deadline) {
		if (db_int("SELECT (SELECT count(*) FROM callback WHERE state = "
		    "0) + (SELECT count(*) FROM outbox WHERE state = 0)") == 0)
			return;
		harness_sleep_ms(10);
	}
}

/*
 * Every daemon must stop cleanly on SIGTERM (exit 0, which under ASan also
 * means no leak) and leave no sanitizer report in its log; then remove its
 * directory and stop the receiver. A failing test never gets here: its
 * daemon and receiver die with it and main() removes the files.
 */
void
teardown(void)
{
	if (h != NULL && harness_signal(h, 0) == 0)
		settle();
	harness_check_stop(&h);
	receiver_stop(rcv);
	rcv = NULL;
}

/* A path below $TOP_SRCDIR (new string). */
char *
src_path(const char *rel)
{
	char	*p;

	ck_assert_int_ne(asprintf(&p, "%s/%s", getenv("TOP_SRCDIR"), rel),
	    -1);
	return p;
}

/* Copy of s with every from replaced by to (from must occur). */
char *
replace_all(const char *s, const char *from, const char *to)
{
	const char	*p, *q;
	char		*out, *t;

	ck_assert_msg(strstr(s, from) != NULL, "\"%s\" not found", from);
	out = strdup("");
	ck_assert_ptr_nonnull(out);
	for (p = s; (q = strstr(p, from)) != NULL; p = q + strlen(from)) {
		ck_assert_int_ne(asprintf(&t, "%s%.*s%s", out, (int)(q - p), p,
		    to), -1);
		free(out);
		out = t;
	}
	ck_assert_int_ne(asprintf(&t, "%s%s", out, p), -1);
	free(out);
	return t;
}

/* "YYYY-MM-DDTHH:MM:SS+07:00" as Unix seconds. */
time_t
pp_time(const char *s)
{
	struct tm	 tm;
	int		 y, mo, d, hh, mi, ss;

	ck_assert_int_eq(sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d+07:00", &y, &mo,
	    &d, &hh, &mi, &ss), 6);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = hh;
	tm.tm_min = mi;
	tm.tm_sec = ss;
	return timegm(&tm) - 7 * 3600;
}

/* Unix seconds as ISO 8601 UTC, as the webhook body writes them. */
void
iso_utc(time_t t, char *buf, size_t len)
{
	struct tm	 tm;

	ck_assert_ptr_nonnull(gmtime_r(&t, &tm));
	ck_assert_uint_ne(strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm), 0);
}

/*
 * The PostgreSQL database the suite runs on instead of a SQLite file
 * ($HOTLINED_TEST_DATABASE, tests/pg.sh sets it), or NULL.
 */
const char *
db_pg(void)
{
	const char	*uri = getenv("HOTLINED_TEST_DATABASE");

	return uri != NULL && uri[0] != '\0' ? uri : NULL;
}

/* A connection to db_pg()'s database, as the daemon's role. */
static PGconn *
db_pg_connect(void)
{
	const char	*keys[] = { "dbname", "password", NULL };
	const char	*vals[] = { db_pg(), NULL, NULL };
	char		*pw;
	PGconn		*pg;

	pw = harness_read_file(getenv("HOTLINED_TEST_DATABASE_PASSWORD"),
	    NULL);
	ck_assert_msg(pw != NULL, "no $HOTLINED_TEST_DATABASE_PASSWORD");
	pw[strcspn(pw, "\n")] = '\0';
	vals[1] = pw;
	pg = PQconnectdbParams(keys, vals, 1);
	free(pw);
	ck_assert_msg(PQstatus(pg) == CONNECTION_OK, "%s", PQerrorMessage(pg));
	return pg;
}

/* Make db_pg()'s database empty, as a new SQLite file would be. */
static void
db_pg_empty(void)
{
	PGconn		*pg = db_pg_connect();
	PGresult	*res;

	res = PQexec(pg, "SET client_min_messages = warning;"
	    " DROP SCHEMA public CASCADE; CREATE SCHEMA public");
	ck_assert_msg(PQresultStatus(res) == PGRES_COMMAND_OK, "%s",
	    PQerrorMessage(pg));
	PQclear(res);
	PQfinish(pg);
}

/*
 * With db_pg(): the daemon's database is that one, under a key file where
 * a SQLite file's would be; emptied when the test's configuration first
 * points at it (a daemon launched again keeps what it stored).
 */
static void
db_pg_conf(void)
{
	json_t		*conf, *v;
	json_error_t	 jerr;
	char		*path, *key;

	if (db_pg() == NULL)
		return;
	path = harness_path(h, "hotlined.conf");
	key = harness_path(h, "hotlined.db.key");
	conf = json_load_file(path, 0, &jerr);
	ck_assert_msg(conf != NULL, "%s", jerr.text);
	v = json_object_get(conf, "database");
	if (!json_is_string(v) || strcmp(json_string_value(v), db_pg()) != 0)
		db_pg_empty();
	ck_assert_int_eq(json_object_set_new(conf, "database",
	    json_string(db_pg())), 0);
	ck_assert_int_eq(json_object_set_new(conf, "database_password_file",
	    json_string(getenv("HOTLINED_TEST_DATABASE_PASSWORD"))), 0);
	ck_assert_int_eq(json_object_set_new(conf, "key_file",
	    json_string(key)), 0);
	ck_assert_int_eq(json_dump_file(conf, path, JSON_INDENT(2)), 0);
	json_decref(conf);
	free(key);
	free(path);
}

/* (Re)start the daemon in h's directory and learn its API port. */
void
launch(void)
{
	launched = time(NULL);
	db_pg_conf();
	harness_check_launch(h);
	api_port = harness_log_port(h, API_LINE, 5000);
	ck_assert_msg(api_port > 0, "no \"%s\" line", API_LINE);
}

/* Set the integer at a dotted key in hotlined.conf. */
void
conf_set_int(const char *dotted, long v)
{
	json_t		*conf, *o, *sub;
	json_error_t	 jerr;
	char		*path, *keys, *k, *dot;

	path = harness_path(h, "hotlined.conf");
	conf = json_load_file(path, 0, &jerr);
	ck_assert_msg(conf != NULL, "%s", jerr.text);
	keys = strdup(dotted);
	ck_assert_ptr_nonnull(keys);
	o = conf;
	for (k = keys; (dot = strchr(k, '.')) != NULL; k = dot + 1) {
		*dot = '\0';
		sub = json_object_get(o, k);
		if (sub == NULL) {
			sub = json_object();
			ck_assert_int_eq(json_object_set_new(o, k, sub), 0);
		}
		o = sub;
	}
	ck_assert_int_eq(json_object_set_new(o, k, json_integer(v)), 0);
	ck_assert_int_eq(json_dump_file(conf, path, JSON_INDENT(2)), 0);
	json_decref(conf);
	free(keys);
	free(path);
}

/* Set clock_start (and verbose when asked) in hotlined.conf. */
void
set_conf(const char *clock_start, int verbose)
{
	json_t		*conf;
	json_error_t	 jerr;
	char		*path;

	path = harness_path(h, "hotlined.conf");
	conf = json_load_file(path, 0, &jerr);
	ck_assert_msg(conf != NULL, "%s", jerr.text);
	ck_assert_int_eq(json_object_set_new(conf, "clock_start",
	    json_string(clock_start)), 0);
	if (verbose)
		ck_assert_int_eq(json_object_set_new(conf, "verbose",
		    json_true()), 0);
	ck_assert_int_eq(json_dump_file(conf, path, JSON_INDENT(2)), 0);
	json_decref(conf);
	free(path);
	clock_epoch = pp_time(clock_start);
}

/*
 * Start the receiver and a daemon on a fresh copy of o->fixture,
 * with roster.json filled in from roster.json.in and hotlined.conf
 * adjusted as o says.
 */
void
start(const struct cb_opts *o)
{
	char		*fix, *path, *in, *a, *b, *url, *num;
	const char	*cs = o->clock_start != NULL ? o->clock_start :
			    CLOCK_DAY;

	rcv = receiver_start();
	ck_assert_ptr_nonnull(rcv);
	fix = src_path(o->fixture != NULL ? o->fixture :
	    "tests/data/callback");
	h = harness_new(fix);
	ck_assert_msg(h != NULL, "cannot copy %s", fix);
	free(fix);

	path = harness_path(h, "roster.json.in");
	in = harness_read_file(path, NULL);
	ck_assert_ptr_nonnull(in);
	free(path);
	ck_assert_int_ne(asprintf(&url, "http://127.0.0.1:%d",
	    receiver_port(rcv)), -1);
	a = replace_all(in, "@URL@", url);
	b = replace_all(a, "@SECRET@", SECRET);
	free(a);
	ck_assert_int_ne(asprintf(&num, "%d", o->escalate), -1);
	a = replace_all(b, "@ESCALATE@", num);
	free(b);
	free(num);
	ck_assert_int_ne(asprintf(&num, "%d", o->retry), -1);
	b = replace_all(a, "@RETRY@", num);
	free(a);
	free(num);
	if (o->max_attempts != 0) {
		ck_assert_int_ne(asprintf(&num, "\"max_attempts\": %d",
		    o->max_attempts), -1);
		a = replace_all(b, "\"max_attempts\": 5", num);
		free(b);
		free(num);
		b = a;
	}
	if (o->roster_extra != NULL) {
		ck_assert_int_ne(asprintf(&num, "%s, \"retry_first\": ",
		    o->roster_extra), -1);
		a = replace_all(b, "\"retry_first\": ", num);
		free(b);
		free(num);
		b = a;
	}
	ck_assert_int_eq(harness_write_file(h, "roster.json", b), 0);
	free(b);
	free(in);
	free(url);

	set_conf(cs, o->verbose);
	if (o->prepare != NULL)
		o->prepare();
	launch();
}

/* The usual daemon: on duty, no escalation in sight, fast retries. */
void
start_day(void)
{
	struct cb_opts	 o = { 600, 1, 0, NULL, 0, NULL, NULL, NULL };

	start(&o);
}

/* Post one Africa's Talking hop; return the 200 text/plain body. */
char *
at_hop(const char *sid, const char *phone, const char *text)
{
	struct harness_reply	 rep;
	char			*body, *out;

	body = harness_form("sessionId", sid, "serviceCode", "*855#",
	    "phoneNumber", phone, "networkCode", "45601", "text", text, NULL);
	ck_assert_ptr_nonnull(body);
	ck_assert_int_eq(harness_post(h, AT, FORM_CT, body, NULL, &rep), 0);
	free(body);
	ck_assert_msg(rep.status == 200, "%s text=\"%s\": status %ld: %s", sid,
	    text, rep.status, rep.body);
	ck_assert_str_eq(rep.content_type, TEXT_CT);
	out = rep.body;
	rep.body = NULL;
	harness_reply_clear(&rep);
	return out;
}

/* Post one hop and check the exact reply. */
void
at_expect(const char *sid, const char *phone, const char *text,
    const char *want)
{
	char	*got;

	got = at_hop(sid, phone, text);
	ck_assert_msg(strcmp(got, want) == 0, "%s text=\"%s\":\n got \"%s\"\n"
	    "want \"%s\"", sid, text, got, want);
	free(got);
}


/*
 * A request to the counsellor API with a bearer token (none when token is
 * NULL): check the status and the JSON content type, return the parsed
 * body (new reference).
 */
json_t *
api(const char *method, const char *path, const char *token,
    const char *body, long want)
{
	struct harness_reply	 rep;
	json_error_t		 jerr;
	json_t			*v;
	char			*auth = NULL;
	const char		*hdr[2] = { NULL, NULL };

	if (token != NULL) {
		ck_assert_int_ne(asprintf(&auth, "Authorization: Bearer %s",
		    token), -1);
		hdr[0] = auth;
	}
	ck_assert_int_eq(harness_request_port(api_port, method, path,
	    body != NULL ? JSON_CT : NULL, body, body != NULL ? strlen(body) :
	    0, hdr, &rep), 0);
	free(auth);
	ck_assert_msg(rep.status == want, "%s %s: status %ld, want %ld: %s",
	    method, path, rep.status, want, rep.body);
	ck_assert_str_eq(rep.content_type, JSON_CT);
	v = json_loadb(rep.body, rep.len, 0, &jerr);
	ck_assert_msg(v != NULL, "%s %s: not JSON (%s): %s", method, path,
	    jerr.text, rep.body);
	harness_reply_clear(&rep);
	return v;
}

/* GET /api/requests as c1: the "requests" array (new reference). */
json_t *
api_list(void)
{
	json_t	*v, *arr;

	v = api("GET", "/api/requests", TOK_C1, NULL, 200);
	arr = json_object_get(v, "requests");
	ck_assert_msg(json_is_array(arr), "no requests array");
	json_incref(arr);
	json_decref(v);
	return arr;
}

/* The reference of the i-th listed request (new string). */
char *
listed_ref(size_t i, size_t want_n)
{
	json_t		*arr;
	const char	*ref;
	char		*out;

	arr = api_list();
	ck_assert_uint_eq(json_array_size(arr), want_n);
	ref = json_string_value(json_object_get(json_array_get(arr, i),
	    "ref"));
	ck_assert_ptr_nonnull(ref);
	ck_assert_uint_ge(strlen(ref), 4);
	out = strdup(ref);
	json_decref(arr);
	return out;
}

/* GET /api/requests/<ref> as token (new reference). */
json_t *
api_get(const char *ref, const char *token)
{
	char	*path;
	json_t	*v;

	ck_assert_int_ne(asprintf(&path, "/api/requests/%s", ref), -1);
	v = api("GET", path, token, NULL, 200);
	free(path);
	return v;
}

/* POST /api/requests/<ref>/<verb> as token with body; the JSON answer. */
json_t *
api_post(const char *ref, const char *verb, const char *token,
    const char *body, long want)
{
	char	*path;
	json_t	*v;

	ck_assert_int_ne(asprintf(&path, "/api/requests/%s/%s", ref, verb),
	    -1);
	v = api("POST", path, token, body, want);
	free(path);
	return v;
}

/* The history of ref as "created,alerted,..." (new string). */
char *
history(const char *ref)
{
	json_t		*v, *arr, *e;
	char		*s, *t;
	size_t		 i;

	ck_assert_int_ne(asprintf(&s, "/api/requests/%s/history", ref), -1);
	v = api("GET", s, TOK_C1, NULL, 200);
	free(s);
	arr = json_object_get(v, "history");
	ck_assert(json_is_array(arr));
	s = strdup("");
	ck_assert_ptr_nonnull(s);
	json_array_foreach(arr, i, e) {
		ck_assert_int_ne(asprintf(&t, "%s%s%s", s, i > 0 ? "," : "",
		    json_string_value(json_object_get(e, "event"))), -1);
		free(s);
		s = t;
	}
	json_decref(v);
	return s;
}

/* The i-th history entry of ref (new reference). */
json_t *
history_entry(const char *ref, size_t i)
{
	json_t	*v, *e;
	char	*s;

	ck_assert_int_ne(asprintf(&s, "/api/requests/%s/history", ref), -1);
	v = api("GET", s, TOK_C1, NULL, 200);
	free(s);
	e = json_array_get(json_object_get(v, "history"), i);
	ck_assert_ptr_nonnull(e);
	json_incref(e);
	json_decref(v);
	return e;
}

/* Poll the history of ref until it is exactly want; fail after ms. */
void
history_wait(const char *ref, const char *want, int ms)
{
	long long	 deadline = harness_now_ms() + harness_slow_ms(ms);
	char		*got;

	for (;;) {
		got = history(ref);
		if (strcmp(got, want) == 0)
			break;
		ck_assert_msg(harness_now_ms() < deadline, "history of %s is "
		    "\"%s\", want \"%s\"", ref, got, want);
		free(got);
		harness_sleep_ms(50);
	}
	free(got);
}

/* Check one history entry exactly. */
void
history_expect(const char *ref, size_t i, const char *event,
    const char *actor, const char *detail)
{
	json_t	*e;

	e = history_entry(ref, i);
	ck_assert_str_eq(json_string_value(json_object_get(e, "event")),
	    event);
	ck_assert_str_eq(json_string_value(json_object_get(e, "actor")),
	    actor);
	if (detail == NULL)
		ck_assert_ptr_null(json_object_get(e, "detail"));
	else
		ck_assert_str_eq(json_string_value(json_object_get(e,
		    "detail")), detail);
	json_decref(e);
}

/*
 * Views of the tables with personal columns, each value opened with the
 * daemon's key file: what a test reads of her answers, in clear. The
 * tables themselves hold only sealed blobs.
 */
static const char db_views[] =
	"CREATE TEMP VIEW callback_clear AS SELECT id, ref, channel,"
	" dec(phone, 'callback.phone', id) AS phone,"
	" dec(safe_to_call, 'callback.safe_to_call', id) AS safe_to_call,"
	" dec(safe_number, 'callback.safe_number', id) AS safe_number,"
	" dec(\"window\", 'callback.window', id) AS \"window\","
	" dec(cover, 'callback.cover', id) AS cover,"
	" dec(province, 'callback.province', id) AS province,"
	" dec(topic, 'callback.topic', id) AS topic,"
	" urgent, lang, state, claimed_by, outcome, created_at, updated_at,"
	" next_action_at, intake, session_end, warn_unsafe, asked_again"
	" FROM main.callback;"
	"CREATE TEMP VIEW sms_out_clear AS SELECT id, channel, state,"
	" dec(phone, 'sms_out.phone', id) AS phone,"
	" dec(text, 'sms_out.text', id) AS text FROM main.sms_out;"
	"CREATE TEMP VIEW history_clear AS SELECT id, callback_id, at, event,"
	" actor, dec(detail, 'history.detail', id) AS detail"
	" FROM main.history;";

/* A big-endian integer of PostgreSQL's binary format. */
static long long
db_pg_be(const unsigned char *v, int len)
{
	unsigned long long	 u = 0;
	int			 i;

	for (i = 0; i < len; i++)
		u = u << 8 | v[i];
	if (len > 0 && len < 8 && (v[0] & 0x80))
		u |= ~0ULL << (len * 8);
	return (long long)u;
}

/* Copy table t of pg, every row, into a table of the same name in db. */
static void
db_pg_copy_table(PGconn *pg, sqlite3 *db, const char *t)
{
	PGresult	*res;
	sqlite3_stmt	*ins = NULL;
	char		*sql, *cols = NULL, *marks = NULL, *p;
	const char	*v;
	int		 r, c, nf, len, rc;

	ck_assert_int_ne(asprintf(&sql, "SELECT * FROM \"%s\"", t), -1);
	res = PQexecParams(pg, sql, 0, NULL, NULL, NULL, NULL, 1);
	ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s: %s", sql,
	    PQerrorMessage(pg));
	free(sql);
	nf = PQnfields(res);
	for (c = 0; c < nf; c++) {
		ck_assert_int_ne(asprintf(&p, "%s%s\"%s\"", cols ? cols : "",
		    cols ? ", " : "", PQfname(res, c)), -1);
		free(cols);
		cols = p;
		ck_assert_int_ne(asprintf(&p, "%s%s?", marks ? marks : "",
		    marks ? ", " : ""), -1);
		free(marks);
		marks = p;
	}
	ck_assert_int_ne(asprintf(&sql, "CREATE TABLE \"%s\" (%s)", t, cols),
	    -1);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	free(sql);
	ck_assert_int_ne(asprintf(&sql, "INSERT INTO \"%s\" VALUES (%s)", t,
	    marks), -1);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &ins, NULL),
	    SQLITE_OK);
	free(sql);
	for (r = 0; r < PQntuples(res); r++) {
		for (c = 0; c < nf; c++) {
			v = PQgetvalue(res, r, c);
			len = PQgetlength(res, r, c);
			if (PQgetisnull(res, r, c))
				rc = sqlite3_bind_null(ins, c + 1);
			else if (PQftype(res, c) == 16)		/* bool */
				rc = sqlite3_bind_int(ins, c + 1, v[0] != 0);
			else if (PQftype(res, c) == 20 ||	/* int8 */
			    PQftype(res, c) == 21 || PQftype(res, c) == 23)
				rc = sqlite3_bind_int64(ins, c + 1,
				    db_pg_be((const unsigned char *)v, len));
			else if (PQftype(res, c) == 17)		/* bytea */
				rc = sqlite3_bind_blob(ins, c + 1, v, len,
				    SQLITE_TRANSIENT);
			else
				rc = sqlite3_bind_text(ins, c + 1, v, len,
				    SQLITE_TRANSIENT);
			ck_assert_int_eq(rc, SQLITE_OK);
		}
		ck_assert_int_eq(sqlite3_step(ins), SQLITE_DONE);
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	PQclear(res);
	free(cols);
	free(marks);
}

/*
 * The PostgreSQL database as it is now, copied into a SQLite database in
 * memory, table by table, with the same names, columns and values, so
 * that every test reads either engine with the same SQL.
 */
static sqlite3 *
db_pg_copy(void)
{
	PGconn		*pg = db_pg_connect();
	PGresult	*res;
	sqlite3		*db = NULL;
	int		 i;

	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	/* One snapshot of every table, as a SQLite reader has. */
	res = PQexec(pg, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	ck_assert_int_eq(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
	res = PQexec(pg, "SELECT tablename FROM pg_tables WHERE schemaname ="
	    " 'public' ORDER BY 1");
	ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s",
	    PQerrorMessage(pg));
	for (i = 0; i < PQntuples(res); i++)
		db_pg_copy_table(pg, db, PQgetvalue(res, i, 0));
	PQclear(res);
	PQfinish(pg);
	return db;
}

/*
 * The daemon's database, opened read-only, with dec() and the _clear
 * views once its key file is there. On PostgreSQL, a copy of it in a
 * SQLite database in memory (db_pg_copy).
 */
sqlite3 *
db_open(void)
{
	sqlite3	*db = NULL;
	char	*path, *key, *err = NULL;

	path = harness_path(h, "hotlined.db");
	key = harness_path(h, "hotlined.db.key");
	if (db_pg() != NULL)
		db = db_pg_copy();
	else
		ck_assert_msg(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
		    NULL) == SQLITE_OK, "%s: %s", path, sqlite3_errmsg(db));
	sqlite3_busy_timeout(db, 2000);
	if (access(key, F_OK) == 0) {
		ck_assert_msg(dbkey_attach(db, key) == 0, "%s", key);
		ck_assert_msg(sqlite3_exec(db, db_views, NULL, NULL, &err) ==
		    SQLITE_OK, "views: %s", err);
	}
	free(key);
	free(path);
	return db;
}

/* The single integer sql yields. */
long long
db_int(const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*stmt = NULL;
	long long	 v;

	db = db_open();

	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) ==
	    SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(db));
	ck_assert_msg(sqlite3_step(stmt) == SQLITE_ROW, "%s: %s", sql,
	    sqlite3_errmsg(db));
	v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return v;
}

/* The single text sql yields (new string; "(null)" for NULL). */
char *
db_text(const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*stmt = NULL;
	const char	*t;
	char		*v;

	db = db_open();
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) ==
	    SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(db));
	ck_assert_msg(sqlite3_step(stmt) == SQLITE_ROW, "%s: %s", sql,
	    sqlite3_errmsg(db));
	t = (const char *)sqlite3_column_text(stmt, 0);
	v = strdup(t != NULL ? t : "(null)");
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return v;
}

/* What db_hold holds: a SQLite connection or a PostgreSQL one. */
struct db_hold {
	sqlite3		*db;
	PGconn		*pg;
};

/*
 * Hold the daemon's database from outside, as another program would: its
 * writes wait (and fail after the store's busy time-out) until
 * db_release. SQLite: an exclusive transaction on the file. PostgreSQL:
 * every table locked in EXCLUSIVE mode (reads go on, as in WAL mode).
 */
struct db_hold *
db_hold(void)
{
	struct db_hold	*d;
	PGresult	*res;
	char		*path;

	d = calloc(1, sizeof(*d));
	ck_assert_ptr_nonnull(d);
	if (db_pg() != NULL) {
		d->pg = db_pg_connect();
		res = PQexec(d->pg, "BEGIN; DO $$ DECLARE t text; BEGIN"
		    " FOR t IN SELECT tablename FROM pg_tables WHERE"
		    " schemaname = 'public' LOOP EXECUTE format('LOCK TABLE"
		    " %I IN EXCLUSIVE MODE', t); END LOOP; END $$");
		ck_assert_msg(PQresultStatus(res) == PGRES_COMMAND_OK, "%s",
		    PQerrorMessage(d->pg));
		PQclear(res);
		return d;
	}
	path = harness_path(h, "hotlined.db");
	ck_assert_int_eq(sqlite3_open_v2(path, &d->db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	free(path);
	/* The daemon's own batch of the moment finishes first. */
	sqlite3_busy_timeout(d->db, 5000);
	ck_assert_int_eq(sqlite3_exec(d->db, "BEGIN EXCLUSIVE", NULL, NULL,
	    NULL), SQLITE_OK);
	return d;
}

/* Let the daemon's writes through again. */
void
db_release(struct db_hold *d)
{
	PGresult	*res;

	if (d->pg != NULL) {
		res = PQexec(d->pg, "COMMIT");
		ck_assert_int_eq(PQresultStatus(res), PGRES_COMMAND_OK);
		PQclear(res);
		PQfinish(d->pg);
	} else {
		ck_assert_int_eq(sqlite3_exec(d->db, "COMMIT", NULL, NULL,
		    NULL), SQLITE_OK);
		sqlite3_close(d->db);
	}
	free(d);
}

/* Run sql, which writes, on the daemon's database (either engine). */
void
db_write(const char *sql)
{
	sqlite3		*db = NULL;
	PGconn		*pg;
	PGresult	*res;
	char		*path, *err = NULL;

	if (db_pg() != NULL) {
		pg = db_pg_connect();
		res = PQexec(pg, sql);
		ck_assert_msg(PQresultStatus(res) == PGRES_COMMAND_OK, "%s: %s",
		    sql, PQerrorMessage(pg));
		PQclear(res);
		PQfinish(pg);
		return;
	}
	path = harness_path(h, "hotlined.db");
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, &err) == SQLITE_OK,
	    "%s: %s", sql, err);
	sqlite3_close(db);
	free(path);
}

/* Poll until sql yields want; fail after ms. */
void
db_wait_int(const char *sql, long long want, int ms)
{
	long long	 deadline = harness_now_ms() + harness_slow_ms(ms), got;

	for (;;) {
		got = db_int(sql);
		if (got == want)
			return;
		ck_assert_msg(harness_now_ms() < deadline, "%s: %lld, want "
		    "%lld", sql, got, want);
		harness_sleep_ms(50);
	}
}

/*
 * Whether sig (a space-separated list of "v1,<base64>") holds the
 * Standard Webhooks v1 signature of id.ts.body under secret.
 */
int
sig_ok(const char *secret, const char *id, const char *ts, const char *body,
    size_t len, const char *sig)
{
	crypto_auth_hmacsha256_state	 st;
	unsigned char			 key[64], mac[32];
	char				 b64[sodium_base64_ENCODED_LEN(32,
					    sodium_base64_VARIANT_ORIGINAL)];
	char				*want, *list, *tok, *save = NULL;
	const char			*enc = secret + strlen("whsec_");
	size_t				 keylen;
	int				 ok = 0;

	ck_assert(strncmp(secret, "whsec_", 6) == 0);
	ck_assert_int_eq(sodium_base642bin(key, sizeof(key), enc, strlen(enc),
	    NULL, &keylen, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	crypto_auth_hmacsha256_init(&st, key, keylen);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)id,
	    strlen(id));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts,
	    strlen(ts));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2base64(b64, sizeof(b64), mac, sizeof(mac),
	    sodium_base64_VARIANT_ORIGINAL);
	ck_assert_int_ne(asprintf(&want, "v1,%s", b64), -1);
	list = strdup(sig);
	ck_assert_ptr_nonnull(list);
	for (tok = strtok_r(list, " ", &save); tok != NULL;
	    tok = strtok_r(NULL, " ", &save))
		if (strlen(tok) == strlen(want) &&
		    sodium_memcmp(tok, want, strlen(want)) == 0)
			ok = 1;
	free(list);
	free(want);
	return ok;
}

/* The i-th request recorded under prefix (a copy; clear it). */
struct receiver_request
got(const char *prefix, size_t i)
{
	struct receiver_request	 q;

	ck_assert_msg(receiver_get(rcv, prefix, i, &q) == 0, "no request %zu "
	    "under %s", i, prefix);
	return q;
}

/*
 * Check one alert exactly: a signed Standard Webhooks POST of kind about
 * ref, stamped with the daemon's clock, whose body says what the API says
 * about the request and carries phone (or no number at all when NULL).
 * Returns the parsed body (new reference).
 */
json_t *
check_alert(const struct receiver_request *q, const char *kind,
    const char *ref, int urgent, const char *window, const char *phone)
{
	json_t		*v, *data, *req;
	json_error_t	 jerr;
	char		 iso[32], *claim, *end;
	long long	 ts, hi;

	ck_assert_str_eq(q->method, "POST");
	ck_assert_ptr_nonnull(q->content_type);
	ck_assert_str_eq(q->content_type, JSON_CT);
	ck_assert_msg(q->webhook_id != NULL && *q->webhook_id != '\0' &&
	    strchr(q->webhook_id, '.') == NULL, "bad webhook-id");
	ck_assert_ptr_nonnull(q->webhook_timestamp);
	ck_assert_ptr_nonnull(q->webhook_signature);
	ck_assert_msg(sig_ok(SECRET, q->webhook_id, q->webhook_timestamp,
	    q->body, q->len, q->webhook_signature), "bad signature \"%s\" on "
	    "%s", q->webhook_signature, q->body);

	/* The daemon's clock: clock_start plus the time since the launch. */
	ts = strtoll(q->webhook_timestamp, &end, 10);
	ck_assert_msg(*end == '\0', "webhook-timestamp \"%s\"",
	    q->webhook_timestamp);
	hi = (long long)clock_epoch + (long long)(time(NULL) - launched) + 1;
	ck_assert_msg(ts >= (long long)clock_epoch && ts <= hi, "webhook-"
	    "timestamp %lld outside [%lld, %lld]", ts, (long long)clock_epoch,
	    hi);

	v = json_loadb(q->body, q->len, 0, &jerr);
	ck_assert_msg(v != NULL, "alert body not JSON: %s", q->body);
	ck_assert_uint_eq(json_object_size(v), 3);
	ck_assert_str_eq(json_string_value(json_object_get(v, "type")), kind);
	iso_utc((time_t)ts, iso, sizeof(iso));
	ck_assert_str_eq(json_string_value(json_object_get(v, "timestamp")),
	    iso);
	data = json_object_get(v, "data");
	ck_assert_msg(json_is_object(data), "no data in %s", q->body);
	/*
	 * Five members, the number for a with_phone target, what "now"
	 * means, how her session ended (these flows end at the callback
	 * node), and the console's one-time link.
	 */
	ck_assert_uint_eq(json_object_size(data), 5 + (phone != NULL) +
	    (strcmp(window, "now") == 0) + 1 + 1);
	ck_assert_str_eq(json_string_value(json_object_get(data,
	    "session_end")), "completed");
	if (strcmp(window, "now") == 0)
		ck_assert_int_eq(json_integer_value(json_object_get(data,
		    "call_within_minutes")), 30);
	ck_assert_str_eq(json_string_value(json_object_get(data, "ref")), ref);
	ck_assert(json_is_boolean(json_object_get(data, "urgent")));
	ck_assert_int_eq(json_is_true(json_object_get(data, "urgent")),
	    urgent);
	ck_assert_str_eq(json_string_value(json_object_get(data, "window")),
	    window);
	ck_assert_int_ne(asprintf(&claim, "http://127.0.0.1:%d/api/requests/"
	    "%s/claim", api_port, ref), -1);
	ck_assert_str_eq(json_string_value(json_object_get(data,
	    "claim_url")), claim);
	free(claim);
	ck_assert_int_ne(asprintf(&claim, "http://127.0.0.1:%d/console/#link/",
	    api_port), -1);
	end = (char *)json_string_value(json_object_get(data, "open_url"));
	ck_assert_msg(end != NULL && strncmp(end, claim, strlen(claim)) == 0 &&
	    strlen(end + strlen(claim)) == 43, "open_url %s", end ? end : "-");
	free(claim);
	req = api_get(ref, TOK_C1);
	iso_utc((time_t)json_integer_value(json_object_get(req, "created_at")),
	    iso, sizeof(iso));
	json_decref(req);
	ck_assert_str_eq(json_string_value(json_object_get(data,
	    "created_at")), iso);
	if (phone != NULL)
		ck_assert_str_eq(json_string_value(json_object_get(data,
		    "phone")), phone);
	else {
		ck_assert_ptr_null(json_object_get(data, "phone"));
		ck_assert_msg(strstr(q->body, PHONE_NSN) == NULL &&
		    strstr(q->body, SAFE_NSN) == NULL, "a number in %s",
		    q->body);
	}
	return v;
}

/* The phone an alert to path must carry: only c1 has with_phone. */
const char *
phone_for(const char *path, const char *phone)
{
	return strcmp(path, "/c1") == 0 ? phone : NULL;
}


/* Wait for the others, then send; Check's asserts stay on the main thread. */
void *
par_main(void *arg)
{
	struct par	*p = arg;

	if (p->bar != NULL)
		pthread_barrier_wait(p->bar);
	p->rc = harness_request_port(p->port, "POST", p->path, p->ct, p->body,
	    p->body != NULL ? strlen(p->body) : 0, p->hdr, &p->rep);
	atomic_store(&p->done, 1);
	return NULL;
}

/* Send n POSTs from n threads at the same moment and wait for all. */
void
par_run(struct par *p, size_t n)
{
	pthread_barrier_t	 bar;
	pthread_t		 t[4];
	size_t			 i;

	ck_assert_uint_le(n, 4);
	ck_assert_int_eq(pthread_barrier_init(&bar, NULL, (unsigned)n), 0);
	for (i = 0; i < n; i++) {
		p[i].bar = &bar;
		ck_assert_int_eq(pthread_create(&t[i], NULL, par_main, &p[i]),
		    0);
	}
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&bar);
}

/* libcurl body sink for slow_post: keep what fits. */
static size_t
slow_body_cb(char *data, size_t size, size_t n, void *arg)
{
	char	*buf = arg;
	size_t	 have = strlen(buf), add = size * n;

	if (add > 1023 - have)
		add = 1023 - have;
	memcpy(buf + have, data, add);
	buf[have + add] = '\0';
	return size * n;
}

/*
 * The store may take longer to answer than harness_request's 5 s: a POST
 * of an AT hop to the daemon with a 15 s limit, run on a thread. The
 * status goes to p->rep.status and the body to p->slow_body.
 */
void *
slow_post(void *arg)
{
	struct par	*p = arg;
	CURL		*c;
	char		*url;

	p->rc = -1;
	c = curl_easy_init();
	if (c != NULL && asprintf(&url, "http://127.0.0.1:%d%s", p->port,
	    p->path) != -1) {
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 15000L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, p->body);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, slow_body_cb);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, p->slow_body);
		if (curl_easy_perform(c) == CURLE_OK) {
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE,
			    &p->rep.status);
			p->rc = 0;
		}
		free(url);
	}
	if (c != NULL)
		curl_easy_cleanup(c);
	atomic_store(&p->done, 1);
	return NULL;
}

/* An AT hop body for a par. */
char *
at_body(const char *sid, const char *phone, const char *text)
{
	char	*b;

	b = harness_form("sessionId", sid, "serviceCode", "*855#",
	    "phoneNumber", phone, "networkCode", "45601", "text", text, NULL);
	ck_assert_ptr_nonnull(b);
	return b;
}

/* Stop the daemon with SIGTERM; it must exit 0. */
void
stop_daemon(void)
{
	int	 st;

	ck_assert_int_eq(harness_signal(h, SIGTERM), 0);
	ck_assert_int_eq(harness_wait_exit(h, 10000, &st), 0);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "wait status %#x",
	    (unsigned)st);
}

/*
 * Run hotlined -B dest on conf of h's directory (as root, -u root, as the
 * daemon is started); its exit status.
 */
int
backup_run(const char *conf, const char *dest, char **out, char **err)
{
	char	*argv[8], *path;
	int	 st;

	path = harness_path(h, conf);
	ck_assert_ptr_nonnull(path);
	argv[0] = getenv("HOTLINED_BIN");
	argv[1] = (char *)"-c";
	argv[2] = path;
	argv[3] = (char *)"-B";
	argv[4] = (char *)dest;
	argv[5] = geteuid() == 0 ? (char *)"-u" : NULL;
	argv[6] = (char *)"root";
	argv[7] = NULL;
	ck_assert_int_eq(harness_run(argv, 30000, &st, out, err), 0);
	free(path);
	ck_assert_msg(WIFEXITED(st), "hotlined -B did not exit (%#x)",
	    (unsigned)st);
	ck_assert_msg(strstr(*err, "Sanitizer") == NULL &&
	    strstr(*err, "runtime error:") == NULL, "hotlined -B: %s", *err);
	return WEXITSTATUS(st);
}

/*
 * Requests under prefix recorded at or after since (harness_now_ms): how
 * many, and the index (under prefix) of the first in *first.
 */
size_t
count_since(const char *prefix, long long since, size_t *first)
{
	struct receiver_request	 q;
	size_t			 i, n = 0;

	for (i = 0; receiver_get(rcv, prefix, i, &q) == 0; i++) {
		if (q.at_ms >= since && n++ == 0)
			*first = i;
		receiver_request_clear(&q);
	}
	return n;
}

/*
 * The index of the first alert under prefix of kind about ref, or -1.
 */
int
find_alert(const char *prefix, const char *kind, const char *ref)
{
	struct receiver_request	 q;
	char			*k, *r;
	size_t			 i;
	int			 found = -1;

	ck_assert_int_ne(asprintf(&k, "\"type\":\"%s\"", kind), -1);
	ck_assert_int_ne(asprintf(&r, "\"ref\":\"%s\"", ref), -1);
	for (i = 0; found == -1 && receiver_get(rcv, prefix, i, &q) == 0;
	    i++) {
		if (strstr(q.body, k) != NULL && strstr(q.body, r) != NULL)
			found = (int)i;
		receiver_request_clear(&q);
	}
	free(k);
	free(r);
	return found;
}

/*
 * Walk sid through the flow up to "Are you in danger now?", checking every
 * screen: "Yes" to "Can we call this number?" when safe is NULL, else "No"
 * and safe typed as the number to call; when is the window's key. Returns
 * the text so far (new string); the last hop appends "*1" or "*2".
 */
char *
walk(const char *sid, const char *phone, const char *safe, const char *when)
{
	char	*t, *u;

	at_expect(sid, phone, "", S_MAIN);
	at_expect(sid, phone, "1", S_SAFE);
	if (safe == NULL) {
		t = strdup("1*1");
		ck_assert_ptr_nonnull(t);
	} else {
		at_expect(sid, phone, "1*2", S_NUMBER);
		ck_assert_int_ne(asprintf(&t, "1*2*%s", safe), -1);
	}
	at_expect(sid, phone, t, S_WHEN);
	ck_assert_int_ne(asprintf(&u, "%s*%s", t, when), -1);
	free(t);
	at_expect(sid, phone, u, S_COVER);
	ck_assert_int_ne(asprintf(&t, "%s*1", u), -1);
	free(u);
	at_expect(sid, phone, t, S_DANGER);
	return t;
}

/* The last hop of a walk: answer the danger question with danger. */
char *
last_hop(const char *walked, const char *danger)
{
	char	*t;

	ck_assert_int_ne(asprintf(&t, "%s*%s", walked, danger), -1);
	return t;
}

/* A whole request, not urgent, "afternoon": the confirmation is exact. */
void
request_afternoon(const char *sid, const char *phone)
{
	char	*w, *f;

	w = walk(sid, phone, NULL, "3");
	f = last_hop(w, "2");
	at_expect(sid, phone, f, END_AFTERNOON);
	free(f);
	free(w);
}

/* Run suite s of the program name; see flow.h. */
int
flow_run(const char *name, Suite *s)
{
	if (sodium_init() == -1) {
		fprintf(stderr, "%s: cannot initialise libsodium\n", name);
		return EXIT_FAILURE;
	}
	return harness_main(name, s);
}

/* The cluster flow_pg_begin started ("" when given one). */
static char	pg_dir[64];

/* Start the suite's PostgreSQL server unless one is given; see flow.h. */
int
flow_pg_begin(const char *name)
{
	const char	*top = getenv("TOP_SRCDIR");
	char		 cmd[256], uri[256], pw[128], data[128];
	FILE		*p;

	if (getenv("HOTLINED_TEST_DATABASE") != NULL)
		return 0;
	snprintf(pg_dir, sizeof(pg_dir), "/tmp/hlpg.%ld", (long)getpid());
	snprintf(cmd, sizeof(cmd), "'%s'/scripts/pgtmp start %s",
	    top != NULL ? top : ".", pg_dir);
	p = popen(cmd, "r");
	if (p == NULL || fgets(uri, sizeof(uri), p) == NULL) {
		fprintf(stderr, "%s: %s failed\n", name, cmd);
		if (p != NULL)
			pclose(p);
		return -1;
	}
	if (pclose(p) != 0)
		return -1;
	uri[strcspn(uri, "\n")] = '\0';
	snprintf(pw, sizeof(pw), "%s/password", pg_dir);
	snprintf(data, sizeof(data), "%s/data", pg_dir);
	setenv("HOTLINED_TEST_DATABASE", uri, 1);
	setenv("HOTLINED_TEST_DATABASE_PASSWORD", pw, 1);
	setenv("HOTLINED_TEST_DATABASE_DIR", data, 1);
	return 0;
}

/* Stop the server flow_pg_begin started, if it did. */
void
flow_pg_end(const char *name)
{
	const char	*top = getenv("TOP_SRCDIR");
	char		 cmd[256];

	if (pg_dir[0] == '\0')
		return;
	snprintf(cmd, sizeof(cmd), "'%s'/scripts/pgtmp stop %s >/dev/null",
	    top != NULL ? top : ".", pg_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "%s: %s failed\n", name, cmd);
}
