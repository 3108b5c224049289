/* SPDX-License-Identifier: ISC */
/*
 * Integration tests of hotlinectl, the real program against the real
 * daemon on the callback fixture: menu check prints the screens hotlined
 * -t measures, as a table, and fails on a broken menu; menu graph is DOT
 * that Graphviz renders, with the callback path marked; callbacks list,
 * show, claim, release, claim and complete a request a scripted USSD
 * session made, the number shown only after a claim; a wrong or missing
 * token is a clear error; backup makes a 0600 file; forget takes numbers
 * on stdin, from the database or through the API. Needs HOTLINED_BIN,
 * HOTLINECTL_BIN and TOP_SRCDIR, and Graphviz's dot.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>

#include "flow.h"

/* The screens `hotlinectl menu check` must list for cb.json, in part. */
#define ROW_HEAD	"MENU"
#define ROW_MAIN_EN	"  at       main       en    GSM-7     "

/*
 * Run hotlinectl with args (NULL-terminated, after the program) to its
 * end; its exit status, and what it printed in *out and *err.
 */
static int
ctl_v(char **out, char **err, const char *const *args)
{
	char	*argv[24];
	size_t	 i;
	int	 st;

	argv[0] = getenv("HOTLINECTL_BIN");
	ck_assert_msg(argv[0] != NULL && access(argv[0], X_OK) == 0,
	    "set HOTLINECTL_BIN to the built hotlinectl");
	for (i = 0; args[i] != NULL && i < 22; i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;
	ck_assert_int_eq(harness_run(argv, 30000, &st, out, err), 0);
	ck_assert_msg(WIFEXITED(st), "hotlinectl did not exit (%#x)",
	    (unsigned)st);
	ck_assert_msg(strstr(*err, "Sanitizer") == NULL &&
	    strstr(*err, "runtime error:") == NULL, "hotlinectl: %s", *err);
	return WEXITSTATUS(st);
}

/* ctl_v with the arguments inline. */
#define CTL(out, err, ...) \
	ctl_v((out), (err), (const char *const []){ __VA_ARGS__, NULL })

/* The API's URL ("http://127.0.0.1:PORT") into buf. */
static const char *
api_url(char *buf, size_t len)
{
	snprintf(buf, len, "http://127.0.0.1:%d", api_port);
	return buf;
}

/* Write a token file of mode mode in h's directory; its path (new). */
static char *
token_file(const char *name, const char *token, mode_t mode)
{
	char	*path;
	int	 fd;

	path = harness_path(h, name);
	ck_assert_ptr_nonnull(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, token, strlen(token)),
	    (ssize_t)strlen(token));
	ck_assert_int_eq(write(fd, "\n", 1), 1);
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
	return path;
}

/* Whom the database commands become: the running user (root: root). */
static const char *
user(void)
{
	static char	 buf[32];

	snprintf(buf, sizeof(buf), "%u", (unsigned)geteuid());
	return buf;
}

/* The configuration file of h (new string). */
static char *
conf_path(void)
{
	char	*p = harness_path(h, "hotlined.conf");

	ck_assert_ptr_nonnull(p);
	return p;
}

/*
 * menu check: a row for every screen hotlined -t measures, with the same
 * numbers; exit 0 and "configuration OK".
 */
START_TEST(test_menu_check)
{
	char		*conf, *out, *err, *tout, *terr, *line, *next;
	char		 node[64], lang[8], enc[8], want[160];
	unsigned	 used, limit, pages;
	char		*argv[6];
	size_t		 rows = 0;
	int		 st;

	start_day();
	conf = conf_path();
	ck_assert_int_eq(CTL(&out, &err, "menu", "check", "-c", conf), 0);
	ck_assert_msg(strncmp(out, ROW_HEAD, strlen(ROW_HEAD)) == 0, "%s",
	    out);
	ck_assert_msg(strstr(out, "CHANNEL") != NULL && strstr(out,
	    "ENCODING") != NULL && strstr(out, "UNITS/LIMIT") != NULL &&
	    strstr(out, "PAGES") != NULL && strstr(out, "SMS") != NULL, "%s",
	    out);
	ck_assert_msg(strstr(out, "\nconfiguration OK\n") != NULL, "%s", out);
	/* The callback confirmation is measured at its longest. */
	ck_assert_msg(strstr(out, "  cb_done    en    GSM-7     <=") != NULL,
	    "%s", out);

	/* Every line of hotlined -t is a row of the table. */
	argv[0] = getenv("HOTLINED_BIN");
	argv[1] = (char *)"-t";
	argv[2] = (char *)"-c";
	argv[3] = conf;
	argv[4] = NULL;
	ck_assert_int_eq(harness_run(argv, 30000, &st, &tout, &terr), 0);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	for (line = tout; line != NULL && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (sscanf(line, "%*[^:]: %63s [%7[^]]] %7s %u/%u, %u page",
		    node, lang, enc, &used, &limit, &pages) != 6)
			continue;
		snprintf(want, sizeof(want), "  %-9s  %-4s  %-8s  %u/%u",
		    node, lang, enc, used, limit);
		ck_assert_msg(strstr(out, want) != NULL, "no row \"%s\" in\n%s",
		    want, out);
		snprintf(want, sizeof(want), "  %-9s  %-4s  %-8s  %-11s  %5u  "
		    "-\n", node, lang, enc, strchr(want + 2, '/') != NULL ?
		    strrchr(want, ' ') + 1 : "", pages);
		ck_assert_msg(strstr(out, want) != NULL, "no row \"%s\" in\n%s",
		    want, out);
		rows++;
	}
	/* main, cb_safe, cb_number, cb_when, cb_cover, cb_danger: 2 each. */
	ck_assert_uint_eq(rows, 12);
	ck_assert_msg(strstr(out, ROW_MAIN_EN) != NULL, "%s", out);
	free(tout);
	free(terr);
	free(out);
	free(err);

	/* A config file as the argument, the same. */
	ck_assert_int_eq(CTL(&out, &err, "menu", "check", conf), 0);
	ck_assert_ptr_nonnull(strstr(out, ROW_MAIN_EN));
	free(out);
	free(err);
	free(conf);
}
END_TEST

/* A broken menu: every problem on stderr, no "OK", exit 1. */
START_TEST(test_menu_check_broken)
{
	char	*conf, *path, *json, *bad, *out, *err;

	start_day();
	path = harness_path(h, "menus/cb.json");
	json = harness_read_file(path, NULL);
	ck_assert_ptr_nonnull(json);
	bad = replace_all(json, "\"next\": \"cb_when\"",
	    "\"next\": \"nowhere\"");
	ck_assert_int_eq(harness_write_file(h, "menus/cb.json", bad), 0);
	conf = conf_path();
	ck_assert_int_eq(CTL(&out, &err, "menu", "check", "-c", conf), 1);
	ck_assert_msg(strstr(err, "\"nowhere\" is not a node of this tree") !=
	    NULL, "%s", err);
	ck_assert_msg(strstr(err, "configuration check failed") != NULL, "%s",
	    err);
	ck_assert_ptr_null(strstr(out, "configuration OK"));
	free(out);
	free(err);
	/* And no graph of it. */
	ck_assert_int_eq(CTL(&out, &err, "menu", "graph", "-c", conf), 1);
	ck_assert_str_eq(out, "");
	ck_assert_msg(strstr(err, "no graph") != NULL, "%s", err);
	free(out);
	free(err);
	/* Usage errors are 2. */
	ck_assert_int_eq(CTL(&out, &err, "menu", "check", "a", "b"), 2);
	ck_assert_ptr_nonnull(strstr(err, "usage: hotlinectl menu check"));
	free(out);
	free(err);
	ck_assert_int_eq(CTL(&out, &err, "nosuch"), 2);
	ck_assert_ptr_nonnull(strstr(err, "unknown command \"nosuch\""));
	free(out);
	free(err);
	free(conf);
	free(bad);
	free(json);
	free(path);
}
END_TEST

/* menu graph: DOT that dot renders, the callback path in blue. */
START_TEST(test_menu_graph)
{
	char	*conf, *out, *err, *dotf, *svgf, *svg, *dout, *derr;
	char	*argv[6];
	int	 st;

	start_day();
	conf = conf_path();
	ck_assert_int_eq(CTL(&out, &err, "menu", "graph", "-c", conf), 0);
	ck_assert_msg(strncmp(out, "digraph hotlined {\n", 19) == 0, "%s",
	    out);
	/* Each node: id, title, budget; the start drawn twice round. */
	ck_assert_msg(strstr(out, "\"main/main\" [label=\"main\\nWelcome\\n"
	    "UCS-2 33/80, 1 page\"") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "peripheries=2") != NULL, "%s", out);
	/* The way to the call back, and the callback node. */
	ck_assert_msg(strstr(out, "\"main/main\" -> \"main/cb_safe\" "
	    "[label=\"1. Call me back\", color=\"#1f5fbf\"") != NULL, "%s",
	    out);
	ck_assert_msg(strstr(out, "\"main/cb_done\" [label=\"cb_done") != NULL
	    && strstr(out, "shape=doubleoctagon") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "store: ") != NULL, "%s", out);

	dotf = harness_path(h, "menu.dot");
	svgf = harness_path(h, "menu.svg");
	ck_assert_int_eq(harness_write_file(h, "menu.dot", out), 0);
	argv[0] = (char *)"/usr/bin/dot";
	argv[1] = (char *)"-Tsvg";
	argv[2] = (char *)"-o";
	argv[3] = svgf;
	argv[4] = dotf;
	argv[5] = NULL;
	ck_assert_msg(access(argv[0], X_OK) == 0, "Graphviz is missing: "
	    "scripts/deps test installs it");
	ck_assert_int_eq(harness_run(argv, 30000, &st, &dout, &derr), 0);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "dot: %s", derr);
	svg = harness_read_file(svgf, NULL);
	ck_assert_ptr_nonnull(svg);
	ck_assert_msg(strstr(svg, "<svg") != NULL && strstr(svg,
	    "cb_done") != NULL, "%s", svg);
	free(svg);
	free(dout);
	free(derr);
	free(out);
	free(err);

	/* --svg pipes it through dot itself. */
	ck_assert_int_eq(CTL(&out, &err, "menu", "graph", "--svg", "-c",
	    conf), 0);
	ck_assert_msg(strstr(out, "<svg") != NULL && strstr(out,
	    "</svg>") != NULL, "%s", err);
	free(out);
	free(err);
	/* --menu of a name no channel uses. */
	ck_assert_int_eq(CTL(&out, &err, "menu", "graph", "--menu", "other",
	    "-c", conf), 1);
	ck_assert_msg(strstr(err, "no channel uses a menu called other") !=
	    NULL, "%s", err);
	free(out);
	free(err);
	free(dotf);
	free(svgf);
	free(conf);
}
END_TEST

/*
 * A counsellor's round trip: list, show (no number), claim (the number),
 * release, claim again, complete; then the list is empty.
 */
START_TEST(test_callbacks_round_trip)
{
	char	 url[64], *tok, *ref, *out, *err, *conf, want[128];

	start_day();
	request_afternoon("ctl-1", PHONE);
	ref = listed_ref(0, 1);
	history_wait(ref, "created,alerted", 3000);
	tok = token_file("c1.token", TOK_C1, 0600);
	api_url(url, sizeof(url));

	/* The URL from the configuration's api listener, else --url. */
	conf = conf_path();
	ck_assert_int_eq(CTL(&out, &err, "callbacks", "list", "-c", conf,
	    "--token-file", tok), 1);
	ck_assert_msg(strstr(err, "api.port is 0 (any free port): give --url")
	    != NULL, "%s", err);
	free(out);
	free(err);
	conf_set_int("api.port", api_port);	/* read at start only */
	ck_assert_int_eq(CTL(&out, &err, "callbacks", "list", "-c", conf,
	    "--token-file", tok), 0);
	snprintf(want, sizeof(want), "\n%s  alerted    no      afternoon  ",
	    ref);
	ck_assert_msg(strstr(out, want) != NULL, "%s", out);
	free(out);
	free(err);
	free(conf);

	ck_assert_int_eq(CTL(&out, &err, "callbacks", "list", "--url", url,
	    "--token-file", tok), 0);
	ck_assert_msg(strstr(out, want) != NULL, "%s", out);
	ck_assert_msg(strstr(out, "\n1 waiting\n") != NULL, "%s", out);
	ck_assert_ptr_null(strstr(out, PHONE_NSN));
	free(out);
	free(err);

	ck_assert_int_eq(CTL(&out, &err, "callbacks", "show", ref, "--url",
	    url, "--token-file", tok), 0);
	ck_assert_msg(strstr(out, "state:        alerted\n") != NULL && strstr(
	    out, "window:       afternoon\n") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "  created ") != NULL, "%s", out);
	ck_assert_ptr_null(strstr(out, PHONE_NSN));
	ck_assert_ptr_null(strstr(out, "number:"));
	free(out);
	free(err);

	ck_assert_int_eq(CTL(&out, &err, "callbacks", "claim", ref, "--url",
	    url, "--token-file", tok), 0);
	ck_assert_msg(strstr(out, "state:        claimed\n") != NULL && strstr(
	    out, "claimed by:   c1\n") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "number:       " PHONE "\n") != NULL, "%s",
	    out);
	ck_assert_msg(strstr(out, "if someone else answers: ") != NULL, "%s",
	    out);
	free(out);
	free(err);

	/* The same claim as JSON, raw. */
	ck_assert_int_eq(CTL(&out, &err, "callbacks", "claim", ref, "--json",
	    "--url", url, "--token-file", tok), 0);
	ck_assert_msg(out[0] == '{' && strstr(out, "\"number\":\"" PHONE
	    "\"") != NULL, "%s", out);
	free(out);
	free(err);

	ck_assert_int_eq(CTL(&out, &err, "callbacks", "release", ref, "--url",
	    url, "--token-file", tok), 0);
	ck_assert_msg(strstr(out, "state:        open\n") != NULL, "%s", out);
	ck_assert_ptr_null(strstr(out, PHONE_NSN));
	free(out);
	free(err);

	/* The token from the environment this time. */
	ck_assert_int_eq(setenv("HOTLINED_TOKEN", TOK_C1, 1), 0);
	ck_assert_int_eq(CTL(&out, &err, "callbacks", "claim", ref, "--url",
	    url), 0);
	unsetenv("HOTLINED_TOKEN");
	ck_assert_msg(strstr(out, "number:       " PHONE "\n") != NULL, "%s",
	    out);
	free(out);
	free(err);

	/* complete needs one of the four outcomes. */
	ck_assert_int_eq(CTL(&out, &err, "callbacks", "complete", ref,
	    "--url", url, "--token-file", tok), 2);
	free(out);
	free(err);
	ck_assert_int_eq(CTL(&out, &err, "callbacks", "complete", ref,
	    "--outcome", "done", "--url", url, "--token-file", tok), 2);
	ck_assert_msg(strstr(err, "reached, no_answer, unsafe or "
	    "wrong_number") != NULL, "%s", err);
	free(out);
	free(err);
	ck_assert_int_eq(CTL(&out, &err, "callbacks", "complete", ref,
	    "--outcome", "reached", "--url", url, "--token-file", tok), 0);
	ck_assert_msg(strstr(out, "state:        completed\n") != NULL &&
	    strstr(out, "outcome:      reached\n") != NULL, "%s", out);
	free(out);
	free(err);
	history_wait(ref, "created,alerted,claimed,released,escalated,"
	    "claimed,completed", 3000);

	/* A second claim of a completed request: what the API says. */
	ck_assert_int_eq(CTL(&out, &err, "callbacks", "claim", ref, "--url",
	    url, "--token-file", tok), 1);
	ck_assert_msg(strstr(err, ": 409: claimed by someone else or already "
	    "closed") != NULL, "%s", err);
	free(out);
	free(err);
	ck_assert_int_eq(CTL(&out, &err, "callbacks", "list", "--url", url,
	    "--token-file", tok), 0);
	ck_assert_msg(strstr(out, "\n0 waiting\n") != NULL, "%s", out);
	free(out);
	free(err);
	free(tok);
	free(ref);
}
END_TEST

#define NPAGED	5	/* requests of test_callbacks_pages */

/*
 * The list follows the API's pages to the last: five requests on pages of
 * two (HOTLINECTL_PAGE) are each listed once, as a table and, with
 * --json, as one answer whose "requests" hold all five and whose "next"
 * is null.
 */
START_TEST(test_callbacks_pages)
{
	static const char *const phones[NPAGED] = {
		"+85512000001", "+85512000002", "+85512000003",
		"+85512000004", "+85512000005"
	};
	char		 url[64], sid[32], *tok, *ref[NPAGED], *out, *err, *p;
	json_error_t	 jerr;
	json_t		*root, *arr;
	size_t		 i, j, seen;

	start_day();
	for (i = 0; i < NPAGED; i++) {
		snprintf(sid, sizeof(sid), "ctl-page-%zu", i);
		request_afternoon(sid, phones[i]);
	}
	for (i = 0; i < NPAGED; i++)
		ref[i] = listed_ref(i, NPAGED);
	tok = token_file("c1.token", TOK_C1, 0600);
	api_url(url, sizeof(url));
	ck_assert_int_eq(setenv("HOTLINECTL_PAGE", "2", 1), 0);

	ck_assert_int_eq(CTL(&out, &err, "callbacks", "list", "--url", url,
	    "--token-file", tok), 0);
	ck_assert_msg(strstr(out, "\n5 waiting\n") != NULL, "%s", out);
	ck_assert_int_eq(strncmp(out, "REF", 3), 0);
	ck_assert_ptr_null(strstr(out + 1, "\nREF"));
	for (i = 0; i < NPAGED; i++) {
		p = strstr(out, ref[i]);
		ck_assert_msg(p != NULL, "%s not in:\n%s", ref[i], out);
		ck_assert_msg(strstr(p + 1, ref[i]) == NULL, "%s twice:\n%s",
		    ref[i], out);
	}
	free(out);
	free(err);

	ck_assert_int_eq(CTL(&out, &err, "callbacks", "list", "--url", url,
	    "--token-file", tok, "--json"), 0);
	root = json_loads(out, 0, &jerr);
	ck_assert_msg(json_is_object(root), "%s: %s", jerr.text, out);
	ck_assert(json_is_null(json_object_get(root, "next")));
	ck_assert_int_eq(json_integer_value(json_object_get(root, "total")),
	    NPAGED);
	arr = json_object_get(root, "requests");
	ck_assert_uint_eq(json_array_size(arr), NPAGED);
	for (i = 0; i < NPAGED; i++) {
		for (seen = 0, j = 0; j < NPAGED; j++)
			if (strcmp(json_string_value(json_object_get(
			    json_array_get(arr, j), "ref")), ref[i]) == 0)
				seen++;
		ck_assert_msg(seen == 1, "%s %zu times in %s", ref[i], seen,
		    out);
	}
	/* In the API's order, as the table. */
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
	    arr, 0), "ref")), ref[0]);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
	    arr, NPAGED - 1), "ref")), ref[NPAGED - 1]);
	json_decref(root);
	free(out);
	free(err);
	/* A page size that is not one is said, and the list still whole. */
	ck_assert_int_eq(setenv("HOTLINECTL_PAGE", "2x", 1), 0);
	ck_assert_int_eq(CTL(&out, &err, "callbacks", "list", "--url", url,
	    "--token-file", tok), 0);
	ck_assert_msg(strstr(err, "HOTLINECTL_PAGE must be 1 to 200") !=
	    NULL, "%s", err);
	ck_assert_msg(strstr(out, "\n5 waiting\n") != NULL, "%s", out);
	free(out);
	free(err);
	unsetenv("HOTLINECTL_PAGE");
	for (i = 0; i < NPAGED; i++)
		free(ref[i]);
	free(tok);
}
END_TEST

/* A wrong, missing or readable token: a clear error, exit 1. */
START_TEST(test_callbacks_bad_token)
{
	char	 url[64], *tok, *out, *err;

	start_day();
	api_url(url, sizeof(url));
	tok = token_file("bad.token", "token-xx-0123456789abcdefghij", 0600);
	ck_assert_int_eq(CTL(&out, &err, "callbacks", "list", "--url", url,
	    "--token-file", tok), 1);
	ck_assert_msg(strstr(err, "401: the daemon does not know this token "
	    "(missing or wrong token)") != NULL, "%s", err);
	ck_assert_str_eq(out, "");
	free(out);
	free(err);
	free(tok);

	unsetenv("HOTLINED_TOKEN");
	ck_assert_int_eq(CTL(&out, &err, "callbacks", "list", "--url", url),
	    1);
	ck_assert_msg(strstr(err, "no token: give --token-file FILE or set "
	    "HOTLINED_TOKEN") != NULL, "%s", err);
	free(out);
	free(err);

	tok = token_file("open.token", TOK_C1, 0644);
	ck_assert_int_eq(CTL(&out, &err, "callbacks", "list", "--url", url,
	    "--token-file", tok), 1);
	ck_assert_msg(strstr(err, "open.token") != NULL, "%s", err);
	ck_assert_str_eq(out, "");
	free(out);
	free(err);
	free(tok);

	/* --token is no option: a token never goes on the command line. */
	ck_assert_int_eq(CTL(&out, &err, "callbacks", "list", "--url", url,
	    "--token", TOK_C1), 2);
	ck_assert_msg(strstr(err, "a token never goes on the command line") !=
	    NULL, "%s", err);
	free(out);
	free(err);
	/* Nor for simulate, whose --token-file getopt would take it for. */
	ck_assert_int_eq(CTL(&out, &err, "simulate", "--token", TOK_C1), 2);
	ck_assert_msg(strstr(err, "a token never goes on the command line") !=
	    NULL, "%s", err);
	ck_assert_ptr_null(strstr(err, TOK_C1));
	ck_assert_ptr_null(strstr(out, TOK_C1));
	free(out);
	free(err);
}
END_TEST

/* backup: a new 0600 file of the pages it reports. */
START_TEST(test_backup)
{
	struct stat	 sb;
	char		*conf, *dest, *out, *err;

	/* A SQLite file's; check_pg sees a server's refused. */
	if (db_pg() != NULL)
		return;
	start_day();
	request_afternoon("ctl-b", PHONE);
	conf = conf_path();
	dest = harness_path(h, "copy.db");
	/* Root must say whom to become, as for hotlined -B. */
	if (geteuid() == 0) {
		ck_assert_int_eq(CTL(&out, &err, "backup", "-c", conf, dest),
		    1);
		ck_assert_msg(access(dest, F_OK) == -1 && strstr(err,
		    "refusing to run as root") != NULL, "%s", err);
		free(out);
		free(err);
	}
	ck_assert_int_eq(CTL(&out, &err, "backup", "-c", conf, "-u", user(),
	    dest), 0);
	ck_assert_msg(strncmp(out, "backup: ", 8) == 0 && strstr(out,
	    " pages)\n") != NULL, "%s%s", out, err);
	ck_assert_int_eq(stat(dest, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 07777, 0600);
	ck_assert(S_ISREG(sb.st_mode));
	free(out);
	free(err);
	/* It never replaces a file. */
	ck_assert_int_eq(CTL(&out, &err, "backup", "-c", conf, "-u", user(),
	    dest), 1);
	ck_assert_msg(strstr(err, "hotlinectl: backup failed: ") != NULL,
	    "%s", err);
	free(out);
	free(err);
	free(dest);
	free(conf);
}
END_TEST

/* Run "printf LINES | hotlinectl ARGS" through sh; the exit status. */
static int
ctl_stdin(const char *lines, const char *args, char **out, char **err)
{
	char	*cmd, *argv[4];
	int	 st;

	ck_assert_int_ne(asprintf(&cmd, "printf '%s' | \"$HOTLINECTL_BIN\" %s",
	    lines, args), -1);
	argv[0] = (char *)"/bin/sh";
	argv[1] = (char *)"-c";
	argv[2] = cmd;
	argv[3] = NULL;
	ck_assert_int_eq(harness_run(argv, 30000, &st, out, err), 0);
	free(cmd);
	ck_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/* forget from stdin: in the database, then through the API. */
START_TEST(test_forget)
{
	char	*conf, *args, *out, *err, *tok, url[64];

	start_day();
	request_afternoon("ctl-f1", PHONE);
	request_afternoon("ctl-f2", PHONE2);
	settle();
	conf = conf_path();
	ck_assert_int_ne(asprintf(&args, "forget -c '%s' -u %s", conf, user()),
	    -1);
	ck_assert_int_eq(ctl_stdin(PHONE "\\n\\nnot-a-number\\n", args,
	    &out, &err), 1);
	ck_assert_msg(strncmp(out, "line 1: forgot 1 requests, ", 27) == 0,
	    "%s%s", out, err);
	ck_assert_msg(strstr(err, "line 3: not a phone number or a case "
	    "reference\n") != NULL, "%s", err);
	ck_assert_ptr_null(strstr(out, PHONE_NSN));
	free(out);
	free(err);
	free(args);
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), 1);

	/* Through the daemon, with a supervisor's token. */
	tok = token_file("s1.token", TOK_S1, 0600);
	ck_assert_int_ne(asprintf(&args, "forget --api --url %s "
	    "--token-file '%s'", api_url(url, sizeof(url)), tok), -1);
	ck_assert_int_eq(ctl_stdin(PHONE2 "\\n" PHONE2 "\\n", args, &out,
	    &err), 0);
	ck_assert_msg(strncmp(out, "line 1: forgot 1 requests, ", 27) == 0 &&
	    strstr(out, "\nline 2: nothing is kept of it\n") != NULL, "%s%s",
	    out, err);
	free(out);
	free(err);
	free(args);
	free(tok);
	ck_assert_int_eq(db_int("SELECT count(*) FROM callback"), 0);

	/* A counsellor may not. */
	tok = token_file("c1.token", TOK_C1, 0600);
	ck_assert_int_ne(asprintf(&args, "forget --api --url %s "
	    "--token-file '%s'", url, tok), -1);
	ck_assert_int_eq(ctl_stdin(PHONE "\\n", args, &out, &err), 1);
	ck_assert_msg(strstr(err, "line 1: 403: only a supervisor can forget "
	    "a number") != NULL, "%s", err);
	free(out);
	free(err);
	free(args);
	free(tok);
	free(conf);
}
END_TEST

/* --help of the program and of each command. */
START_TEST(test_help)
{
	static const char *const cmds[] = { "menu", "callbacks", "backup",
	    "forget" };
	char	*out, *err;
	size_t	 i;

	ck_assert_int_eq(CTL(&out, &err, "--help"), 0);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		ck_assert_msg(strstr(out, cmds[i]) != NULL, "%s", out);
	free(out);
	free(err);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		ck_assert_int_eq(CTL(&out, &err, cmds[i], "--help"), 0);
		ck_assert_msg(strncmp(out, "usage: hotlinectl ", 18) == 0,
		    "%s: %s", cmds[i], out);
		free(out);
		free(err);
	}
	ck_assert_int_eq(CTL(&out, &err, "menu", "graph", "--help"), 0);
	ck_assert_ptr_nonnull(strstr(out, "--svg"));
	free(out);
	free(err);
	ck_assert_int_eq(ctl_v(&out, &err, (const char *const []){ NULL }), 2);
	free(out);
	free(err);
}
END_TEST

static Suite *
ctl_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("ctl");

	tc = tcase_create("menu");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_menu_check);
	tcase_add_test(tc, test_menu_check_broken);
	tcase_add_test(tc, test_menu_graph);
	tcase_add_test(tc, test_help);
	suite_add_tcase(s, tc);

	tc = tcase_create("callbacks");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_callbacks_round_trip);
	tcase_add_test(tc, test_callbacks_bad_token);
	tcase_add_test(tc, test_callbacks_pages);
	suite_add_tcase(s, tc);

	tc = tcase_create("store");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_backup);
	tcase_add_test(tc, test_forget);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return flow_run("check_ctl", ctl_suite());
}
