/* SPDX-License-Identifier: ISC */
/*
 * ctl_callbacks: hotlinectl callbacks, a counsellor's commands on the
 * counsellor API of a running daemon (docs/counsellor-api.md): list, show,
 * claim, release and complete. It prints the API's answers as tables (or
 * raw with --json; a list as one answer of all its pages) and decides
 * nothing: a phone number appears only where
 * the API gives one, in the answer to the claimant.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "ctl.h"
#include "secret.h"

#define CTL_PAGE	200	/* requests per page of the list */

/* What a callbacks command was given. */
struct ctl_cb {
	const char	*verb;
	const char	*ref;
	const char	*outcome;
	const char	*view;
	const char	*conf;
	const char	*url;
	const char	*token_file;
	int		 json;
	char		*base;		/* the API's URL */
	char		*token;
};

/* Usage on fp. */
static void
ctl_cb_usage(FILE *fp)
{
	fprintf(fp, "usage: hotlinectl callbacks list [--view "
	    "all|mine|unassigned|claimed] [options]\n"
	    "       hotlinectl callbacks show REF [options]\n"
	    "       hotlinectl callbacks claim REF [options]\n"
	    "       hotlinectl callbacks release REF [options]\n"
	    "       hotlinectl callbacks complete REF --outcome "
	    "reached|no_answer|unsafe|wrong_number [options]\n"
	    "options:\n"
	    "  --url URL          the counsellor API (default: the \"api\"\n"
	    "                     listener of the configuration)\n"
	    "  -c, --config FILE  that configuration (default %s)\n"
	    "  --token-file FILE  your roster token, in a file only you can\n"
	    "                     read (default: $HOTLINED_TOKEN)\n"
	    "  --json             print the API's answer as it is (list:\n"
	    "                     one answer of all its pages)\n"
	    "Only a claim (and show, by the claimant) gives the number to "
	    "call.\n", ctl_default_conf());
}

/* A string member, or def. */
static const char *
ctl_str(const json_t *o, const char *k, const char *def)
{
	const char	*s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : def;
}

/* A time member as local "YYYY-MM-DD HH:MM", or "-". */
static const char *
ctl_time(const json_t *o, const char *k, char *buf, size_t len)
{
	json_t		*v = json_object_get(o, k);
	time_t		 t;
	struct tm	 tm;

	if (!json_is_integer(v))
		return "-";
	t = (time_t)json_integer_value(v);
	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M", &tm) == 0)
		return "-";
	return buf;
}

/* The warnings of a summary joined by commas into buf, or "-". */
static const char *
ctl_warnings(const json_t *o, char *buf, size_t len)
{
	json_t		*a = json_object_get(o, "warnings"), *w;
	size_t		 i, at = 0;

	buf[0] = '\0';
	json_array_foreach(a, i, w) {
		if (!json_is_string(w) || at >= len)
			continue;
		at += (size_t)snprintf(buf + at, at < len ? len - at : 0,
		    "%s%s", at > 0 ? "," : "", json_string_value(w));
	}
	return buf[0] != '\0' ? buf : "-";
}

/* The heading of the list table. */
static void
ctl_cb_head(void)
{
	printf("%-6s  %-9s  %-6s  %-9s  %-8s  %-4s  %-16s  %-8s  %-3s  %s\n",
	    "REF", "STATE", "URGENT", "WINDOW", "PROVINCE", "LANG",
	    "CALL FROM", "CLAIMED", "TRY", "WARNINGS");
}

/* One summary as a row of the list table. */
static void
ctl_cb_row(const json_t *o)
{
	char	 t[32], w[256];

	printf("%-6s  %-9s  %-6s  %-9s  %-8s  %-4s  %-16s  %-8s  %3lld  %s\n",
	    ctl_str(o, "ref", "?"), ctl_str(o, "state", "?"),
	    json_is_true(json_object_get(o, "urgent")) ? "yes" : "no",
	    ctl_str(o, "window", "-"), ctl_str(o, "province", "-"),
	    ctl_str(o, "lang", "-"), ctl_time(o, "call_from", t, sizeof(t)),
	    ctl_str(o, "claimed_by", "-"),
	    (long long)json_integer_value(json_object_get(o, "attempts")),
	    ctl_warnings(o, w, sizeof(w)));
}

/* One request as "name: value" lines, with its call details if given. */
static void
ctl_cb_detail(const json_t *o)
{
	json_t		*call = json_object_get(o, "call"), *num;
	char		 t[32], w[256];

	printf("ref:          %s\n", ctl_str(o, "ref", "?"));
	printf("state:        %s\n", ctl_str(o, "state", "?"));
	printf("urgent:       %s\n", json_is_true(json_object_get(o,
	    "urgent")) ? "yes" : "no");
	printf("window:       %s\n", ctl_str(o, "window", "-"));
	if (json_is_integer(json_object_get(o, "call_within_minutes")))
		printf("within:       %lld minutes\n", (long long)
		    json_integer_value(json_object_get(o,
		    "call_within_minutes")));
	printf("province:     %s\n", ctl_str(o, "province", "-"));
	if (json_object_get(o, "topic") != NULL)
		printf("topic:        %s\n", ctl_str(o, "topic", "-"));
	printf("language:     %s\n", ctl_str(o, "lang", "-"));
	printf("created:      %s\n", ctl_time(o, "created_at", t, sizeof(t)));
	printf("call from:    %s\n", ctl_time(o, "call_from", t, sizeof(t)));
	printf("attempts:     %lld\n", (long long)json_integer_value(
	    json_object_get(o, "attempts")));
	printf("answering:    %s\n", json_is_true(json_object_get(o,
	    "answering")) ? "yes, still on the menu: read it again" : "no");
	printf("session end:  %s\n", ctl_str(o, "session_end", "-"));
	printf("claimed by:   %s\n", ctl_str(o, "claimed_by", "-"));
	if (json_object_get(o, "outcome") != NULL)
		printf("outcome:      %s\n", ctl_str(o, "outcome", "-"));
	printf("warnings:     %s\n", ctl_warnings(o, w, sizeof(w)));
	if (!json_is_object(call))
		return;
	num = json_object_get(call, "number");
	printf("number:       %s\n", json_is_string(num) ?
	    json_string_value(num) : "none: she said her phone is not safe "
	    "and gave no other, do not call");
	printf("safe number:  %s\n", json_is_true(json_object_get(call,
	    "is_safe_number")) ? "yes, the other number she gave" : "no");
	printf("safe to call: %s\n", ctl_str(call, "safe_to_call", "-"));
	printf("if someone else answers: %s\n", ctl_str(call,
	    "if_someone_else_answers", "-"));
}

/* A history as a table. */
static void
ctl_cb_history(const json_t *o)
{
	json_t		*a = json_object_get(o, "history"), *e;
	size_t		 i;
	char		 t[32];

	printf("history:\n");
	json_array_foreach(a, i, e)
		printf("  %-16s  %-14s  %-8s  %s\n", ctl_time(e, "at", t,
		    sizeof(t)), ctl_str(e, "event", "?"), ctl_str(e, "actor",
		    "?"), ctl_str(e, "detail", ""));
}

/*
 * Send one request; on an answer other than 200 say what the daemon said
 * and return -1, else parse it into *jp (new reference; NULL when raw,
 * after printing the body).
 */
static int
ctl_cb_call(struct ctl_cb *cb, const char *method, const char *path,
    const char *body, int raw, json_t **jp)
{
	struct ctl_reply	 r;
	char			 e[256];
	json_error_t		 je;
	int			 rc = -1;

	*jp = NULL;
	if (ctl_http(method, cb->base, path, cb->token, body, &r) == -1)
		return -1;
	if (r.status != 200) {
		ctl_reply_error(&r, e, sizeof(e));
		if (r.status == 401)
			ctl_warnx("%s %s: %ld: the daemon does not know this "
			    "token (%s)", method, path, r.status, e[0] != '\0' ?
			    e : "unauthorized");
		else
			ctl_warnx("%s %s: %ld: %s", method, path, r.status,
			    e[0] != '\0' ? e : "no error given");
		goto out;
	}
	if (raw) {
		fputs(r.body, stdout);
		if (r.len == 0 || r.body[r.len - 1] != '\n')
			fputc('\n', stdout);
		rc = 0;
		goto out;
	}
	*jp = json_loads(r.body, 0, &je);
	if (!json_is_object(*jp)) {
		ctl_warnx("%s %s: the answer is not a JSON object: %s", method,
		    path, je.text);
		json_decref(*jp);
		*jp = NULL;
		goto out;
	}
	rc = 0;
out:
	ctl_reply_clear(&r);
	return rc;
}

/*
 * Requests per page: CTL_PAGE, or HOTLINECTL_PAGE (1 to CTL_PAGE), which
 * the tests set to see the pages followed without hundreds of requests.
 */
static int
ctl_cb_page(void)
{
	const char	*s = getenv("HOTLINECTL_PAGE");
	char		*end;
	long		 v;

	if (s == NULL || *s == '\0')
		return CTL_PAGE;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > CTL_PAGE) {
		ctl_warnx("HOTLINECTL_PAGE must be 1 to %d: pages of %d",
		    CTL_PAGE, CTL_PAGE);
		return CTL_PAGE;
	}
	return (int)v;
}

/*
 * Print the requests of every page (all, new reference) as one answer of
 * the API's shape, its "next" null. 0, or -1 on a write error.
 */
static int
ctl_cb_list_json(json_t *all, json_int_t total)
{
	json_t	*o;
	int	 rc;

	o = json_pack("{s:O, s:I, s:n}", "requests", all, "total", total,
	    "next");
	if (o == NULL)
		return -1;
	rc = json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (rc == -1 || fputc('\n', stdout) == EOF)
		return -1;
	return 0;
}

/*
 * callbacks list: every page of the view, followed by its "next" until
 * the last; with --json one answer of all of them.
 */
static int
ctl_cb_list(struct ctl_cb *cb)
{
	json_t		*j = NULL, *a, *o, *all = NULL;
	char		 path[512], *after = NULL;
	const char	*next;
	json_int_t	 total = 0;
	size_t		 i, rows = 0;
	int		 rc = CTL_FAIL, page = ctl_cb_page();

	if (cb->json) {
		all = json_array();
		if (all == NULL) {
			ctl_warnx("out of memory");
			goto out;
		}
	}
	for (;;) {
		snprintf(path, sizeof(path), "/api/requests?limit=%d&view=%s"
		    "%s%s", page, cb->view, after != NULL ? "&after=" : "",
		    after != NULL ? after : "");
		if (ctl_cb_call(cb, "GET", path, NULL, 0, &j) == -1)
			goto out;
		a = json_object_get(j, "requests");
		total = json_integer_value(json_object_get(j, "total"));
		if (cb->json) {
			if (json_is_array(a) && json_array_extend(all, a) ==
			    -1) {
				ctl_warnx("out of memory");
				goto out;
			}
		} else {
			if (rows == 0)
				ctl_cb_head();
			json_array_foreach(a, i, o) {
				ctl_cb_row(o);
				rows++;
			}
		}
		next = json_string_value(json_object_get(j, "next"));
		if (next == NULL)
			break;
		/* A page that leads back to itself would never end. */
		if (after != NULL && strcmp(next, after) == 0) {
			ctl_warnx("GET %s: the next page is this one", path);
			goto out;
		}
		free(after);
		after = strdup(next);
		if (after == NULL) {
			ctl_warnx("out of memory");
			goto out;
		}
		json_decref(j);
		j = NULL;
	}
	if (cb->json) {
		if (ctl_cb_list_json(all, total) == -1) {
			ctl_warnx("cannot write the list");
			goto out;
		}
	} else
		printf("%zu waiting\n", rows);
	rc = CTL_OK;
out:
	json_decref(j);
	json_decref(all);
	free(after);
	return rc;
}

/* A reference as the API takes it: 1 to 15 of A-Z and 0-9. */
static int
ctl_cb_ref_ok(const char *ref)
{
	size_t	 n = strspn(ref, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");

	return n > 0 && n < 16 && ref[n] == '\0';
}

/* show, claim, release or complete of one request. */
static int
ctl_cb_one(struct ctl_cb *cb)
{
	json_t		*j = NULL, *h = NULL, *body = NULL;
	char		 path[128], *text = NULL;
	int		 rc = CTL_FAIL;

	if (strcmp(cb->verb, "show") == 0) {
		snprintf(path, sizeof(path), "/api/requests/%s", cb->ref);
		if (ctl_cb_call(cb, "GET", path, NULL, cb->json, &j) == -1)
			goto out;
		snprintf(path, sizeof(path), "/api/requests/%s/history",
		    cb->ref);
		if (ctl_cb_call(cb, "GET", path, NULL, cb->json, &h) == -1)
			goto out;
		if (j != NULL) {
			ctl_cb_detail(j);
			ctl_cb_history(h);
		}
		rc = CTL_OK;
		goto out;
	}
	if (cb->outcome != NULL) {
		body = json_pack("{ss}", "outcome", cb->outcome);
		text = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
		if (text == NULL) {
			ctl_warnx("out of memory");
			goto out;
		}
	}
	snprintf(path, sizeof(path), "/api/requests/%s/%s", cb->ref, cb->verb);
	if (ctl_cb_call(cb, "POST", path, text, cb->json, &j) == -1)
		goto out;
	if (j != NULL)
		ctl_cb_detail(j);
	rc = CTL_OK;
out:
	json_decref(j);
	json_decref(h);
	json_decref(body);
	free(text);
	return rc;
}

/* The outcomes complete takes (docs/counsellor-api.md 4.5). */
static int
ctl_cb_outcome_ok(const char *s)
{
	return strcmp(s, "reached") == 0 || strcmp(s, "no_answer") == 0 ||
	    strcmp(s, "unsafe") == 0 || strcmp(s, "wrong_number") == 0;
}

/* Check the words after the options; 0, or -1 (usage printed). */
static int
ctl_cb_args(struct ctl_cb *cb, int argc, char *argv[])
{
	const char	*v = cb->view;

	if (argc < 1)
		goto usage;
	cb->verb = argv[0];
	if (strcmp(cb->verb, "list") == 0) {
		if (argc != 1 || cb->outcome != NULL)
			goto usage;
		if (strcmp(v, "all") != 0 && strcmp(v, "mine") != 0 &&
		    strcmp(v, "unassigned") != 0 && strcmp(v, "claimed") != 0) {
			ctl_warnx("--view %s: all, mine, unassigned or claimed",
			    v);
			return -1;
		}
		return 0;
	}
	if (strcmp(cb->verb, "show") != 0 && strcmp(cb->verb, "claim") != 0 &&
	    strcmp(cb->verb, "release") != 0 &&
	    strcmp(cb->verb, "complete") != 0) {
		ctl_warnx("callbacks %s: no such command", cb->verb);
		goto usage;
	}
	if (argc != 2)
		goto usage;
	cb->ref = argv[1];
	if (!ctl_cb_ref_ok(cb->ref)) {
		ctl_warnx("%s: a case reference is in capitals and digits "
		    "(e.g. K7QMXA)", cb->ref);
		return -1;
	}
	if ((strcmp(cb->verb, "complete") == 0) != (cb->outcome != NULL))
		goto usage;
	if (cb->outcome != NULL && !ctl_cb_outcome_ok(cb->outcome)) {
		ctl_warnx("--outcome %s: reached, no_answer, unsafe or "
		    "wrong_number", cb->outcome);
		return -1;
	}
	return 0;
usage:
	ctl_cb_usage(stderr);
	return -1;
}

/* hotlinectl callbacks. */
static int
ctl_cb_run(int argc, char *argv[])
{
	static const struct option	 opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "url", required_argument, NULL, 'u' },
		CTL_TOKEN_OPTIONS,
		{ "outcome", required_argument, NULL, 'o' },
		{ "view", required_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctl_cb			 cb;
	int				 ch, rc = CTL_FAIL;

	memset(&cb, 0, sizeof(cb));
	cb.conf = ctl_default_conf();
	cb.view = "all";
	ctl_getopt_reset();
	while ((ch = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cb.conf = optarg;
			break;
		case 'u':
			cb.url = optarg;
			break;
		case 't':
			cb.token_file = optarg;
			break;
		case 'T':
			return ctl_token_arg();
		case 'o':
			cb.outcome = optarg;
			break;
		case 'v':
			cb.view = optarg;
			break;
		case 'j':
			cb.json = 1;
			break;
		case 'h':
			ctl_cb_usage(stdout);
			return CTL_OK;
		default:
			ctl_cb_usage(stderr);
			return CTL_USAGE;
		}
	}
	if (ctl_cb_args(&cb, argc - optind, argv + optind) == -1)
		return CTL_USAGE;
	cb.base = ctl_api_url(cb.url, cb.conf);
	if (cb.base == NULL)
		return CTL_FAIL;
	cb.token = ctl_token(cb.token_file);
	if (cb.token != NULL)
		rc = strcmp(cb.verb, "list") == 0 ? ctl_cb_list(&cb) :
		    ctl_cb_one(&cb);
	secret_free(cb.token);
	free(cb.base);
	return rc;
}

const struct ctl_command ctl_cmd_callbacks = {
	"callbacks", "a counsellor's call-back requests: list, show, claim, "
	    "release, complete", ctl_cb_run
};
