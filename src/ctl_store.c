/* SPDX-License-Identifier: ISC */
/*
 * ctl_store: hotlinectl backup and forget, the database commands. They
 * run what hotlined -B and -F run (admin_backup, forget_run) on the
 * database of the configuration; forget --api instead asks a running
 * daemon (POST /api/forget, a supervisor's token), which also wipes her
 * live conversations. Numbers are read from stdin only, never printed.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "admin.h"
#include "conf.h"
#include "ctl.h"
#include "forget.h"
#include "priv.h"
#include "secret.h"
#include "store.h"

/*
 * Become user before the database is opened, as hotlined does: files
 * SQLite makes beside it (-wal, -shm) must stay the daemon's. 0, or -1.
 */
static int
ctl_become(const char *user)
{
	char	 why[256];

	if (priv_drop(user, why, sizeof(why)) == -1) {
		ctl_warnx("%s", why);
		return -1;
	}
	return 0;
}

/* Usage of backup on fp. */
static void
ctl_backup_usage(FILE *fp)
{
	fprintf(fp, "usage: hotlinectl backup [-c conf] [-u user] FILE\n"
	    "  Copy the database of the configuration (default %s)\n"
	    "  into the new FILE (mode 0600), online, as hotlined -B does.\n"
	    "  -u user: the daemon's user, to become first (needed as "
	    "root).\n",
	    ctl_default_conf());
}

/* hotlinectl backup. */
static int
ctl_backup_run(int argc, char *argv[])
{
	static const struct option	 opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "user", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char			*file = ctl_default_conf();
	const char			*user = NULL;
	int				 ch;

	ctl_getopt_reset();
	while ((ch = getopt_long(argc, argv, "c:u:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			file = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'h':
			ctl_backup_usage(stdout);
			return CTL_OK;
		default:
			ctl_backup_usage(stderr);
			return CTL_USAGE;
		}
	}
	if (argc - optind != 1) {
		ctl_backup_usage(stderr);
		return CTL_USAGE;
	}
	if (ctl_become(user) == -1)
		return CTL_FAIL;
	return admin_backup("hotlinectl", file, argv[optind]);
}

const struct ctl_command ctl_cmd_backup = {
	"backup", "copy the database into a new file, online", ctl_backup_run
};

/* Usage of forget on fp. */
static void
ctl_forget_usage(FILE *fp)
{
	fprintf(fp, "usage: hotlinectl forget [-c conf] [-u user]\n"
	    "       hotlinectl forget --api [--url URL] [--token-file FILE] "
	    "[-c conf]\n"
	    "  Forget everything kept of each phone number or case\n"
	    "  reference read from stdin, one a line, as hotlined -F does\n"
	    "  (the database of the configuration, default %s;\n"
	    "  -u user: the daemon's user, to become first, needed as root).\n"
	    "  --api: ask the running daemon instead (POST /api/forget, a\n"
	    "  supervisor's token from --token-file or $HOTLINED_TOKEN),\n"
	    "  which also wipes her live conversations.\n",
	    ctl_default_conf());
}

/* The daemon to ask, for each line. */
struct ctl_forget_api {
	char	*base;
	char	*token;
};

/* A count of the answer, 0 if absent. */
static size_t
ctl_count(const json_t *o, const char *k)
{
	json_int_t	 v = json_integer_value(json_object_get(o, k));

	return v > 0 ? (size_t)v : 0;
}

/* Forget one line through the API; 0, or 1 (reported). */
static int
ctl_forget_api_cb(const char *line, size_t n, void *arg)
{
	struct ctl_forget_api	*fa = arg;
	struct store_purged	 p;
	struct ctl_reply	 r;
	json_t			*req, *ans = NULL;
	char			*body, e[256];
	int			 rc = 1;

	req = json_pack("{ss}", forget_is_ref(line) ? "ref" : "phone", line);
	body = req != NULL ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	if (body == NULL) {
		fprintf(stderr, "line %zu: out of memory\n", n);
		return 1;
	}
	if (ctl_http("POST", fa->base, "/api/forget", fa->token, body,
	    &r) == -1) {
		fprintf(stderr, "line %zu: no answer (see above)\n", n);
		goto out;
	}
	if (r.status == 200)
		ans = json_loads(r.body, 0, NULL);
	if (r.status == 404) {
		printf("line %zu: nothing is kept of it\n", n);
		rc = 0;
	} else if (r.status != 200)
		fprintf(stderr, "line %zu: %ld: %s\n", n, r.status,
		    ctl_reply_error(&r, e, sizeof(e))[0] != '\0' ? e :
		    "no error given");
	else if (ans == NULL)
		fprintf(stderr, "line %zu: the answer is not JSON\n", n);
	else {
		memset(&p, 0, sizeof(p));
		p.requests = ctl_count(ans, "requests");
		p.events = ctl_count(ans, "events");
		p.alerts = ctl_count(ans, "alerts");
		p.texts = ctl_count(ans, "texts");
		p.marks = ctl_count(ans, "marks");
		p.optouts = ctl_count(ans, "optouts");
		p.safe_numbers = ctl_count(ans, "safe_numbers");
		forget_print(stdout, n, &p);
		rc = 0;
	}
	ctl_reply_clear(&r);
out:
	json_decref(ans);
	secret_free(body);
	return rc;
}

/* hotlinectl forget. */
static int
ctl_forget_run(int argc, char *argv[])
{
	static const struct option	 opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "api", no_argument, NULL, 'a' },
		{ "user", required_argument, NULL, 'U' },
		{ "url", required_argument, NULL, 'l' },
		CTL_TOKEN_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctl_forget_api		 fa;
	struct conf			*c;
	const char			*file = ctl_default_conf();
	const char			*url = NULL, *token_file = NULL;
	const char			*user = NULL;
	int				 ch, api = 0, rc = CTL_FAIL;

	ctl_getopt_reset();
	while ((ch = getopt_long(argc, argv, "c:u:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			api = 1;
			break;
		case 'c':
			file = optarg;
			break;
		case 'l':
			url = optarg;
			break;
		case 'u':
		case 'U':
			user = optarg;
			break;
		case 't':
			token_file = optarg;
			break;
		case 'T':
			return ctl_token_arg();
		case 'h':
			ctl_forget_usage(stdout);
			return CTL_OK;
		default:
			ctl_forget_usage(stderr);
			return CTL_USAGE;
		}
	}
	if (optind != argc || (!api && (url != NULL || token_file != NULL)) ||
	    (api && user != NULL)) {
		ctl_forget_usage(stderr);
		return CTL_USAGE;
	}
	if (!api) {
		if (ctl_become(user) == -1)
			return CTL_FAIL;
		c = admin_load(file, NULL);
		if (c == NULL) {
			ctl_warnx("%s: configuration has errors", file);
			return CTL_FAIL;
		}
		rc = forget_run(c, stdin, stdout, stderr);
		conf_unref(c);
		return rc;
	}
	memset(&fa, 0, sizeof(fa));
	fa.base = ctl_api_url(url, file);
	if (fa.base != NULL)
		fa.token = ctl_token(token_file);
	if (fa.token != NULL)
		rc = forget_lines(stdin, ctl_forget_api_cb, &fa);
	secret_free(fa.token);
	free(fa.base);
	return rc;
}

const struct ctl_command ctl_cmd_forget = {
	"forget", "forget every number or reference read from stdin",
	ctl_forget_run
};
