/* SPDX-License-Identifier: ISC */
/*
 * ctl_migrate: hotlinectl migrate-store, the move of an existing SQLite
 * file into the PostgreSQL database of the configuration. It parses the
 * command line, loads the configuration, holds the file's lock (dblock:
 * no daemon on it meanwhile) and prints one line of counts a table; the
 * copy itself, its checks and refusals are store_migrate's. It never
 * prints a value, only counts.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "conf.h"
#include "ctl.h"
#include "dblock.h"
#include "priv.h"
#include "store.h"
#include "store_migrate.h"

/* What the run prints and counts, and its test hooks. */
struct ctl_migrate {
	size_t		 kill_after;	/* tests: SIGKILL after so many
					   batches (0: never) */
	int64_t		 rows;
	int		 tables;
};

/* Usage of migrate-store on fp. */
static void
ctl_migrate_usage(FILE *fp)
{
	fprintf(fp, "usage: hotlinectl migrate-store [-c conf] [-u user] "
	    "--from FILE\n"
	    "  Copy the hotlined SQLite database FILE into the PostgreSQL\n"
	    "  database of the configuration (default %s), under its\n"
	    "  key_file, which must be FILE's key. Stop the daemon first.\n"
	    "  Run again after an interruption: it carries on.\n"
	    "  -u user: the daemon's user, to become first (needed as "
	    "root).\n",
	    ctl_default_conf());
}

/* A size from the environment variable name (tests), or 0. */
static size_t
ctl_migrate_env(const char *name)
{
	const char	*v = getenv(name);
	char		*end;
	unsigned long	 n;

	if (v == NULL || *v == '\0')
		return 0;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno != 0 || *end != '\0' || n > INT_MAX) {
		ctl_warnx("%s=%s: not a number, ignored", name, v);
		return 0;
	}
	return n;
}

/* One table copied and counted: its line of the summary. */
static void
ctl_migrate_table_cb(const struct store_migrate_table *t, void *arg)
{
	struct ctl_migrate	*cm = arg;

	printf("%-13s %8lld rows: %lld copied now, %lld there before\n",
	    t->name, (long long)t->target, (long long)t->copied,
	    (long long)t->before);
	cm->rows += t->target;
	cm->tables++;
}

/*
 * A batch committed. Tests (HOTLINECTL_MIGRATE_KILL_AFTER) die here as
 * kill -9 would end a run: connections open, nothing cleaned up.
 */
static void
ctl_migrate_batch_cb(size_t batches, void *arg)
{
	struct ctl_migrate	*cm = arg;

	if (cm->kill_after > 0 && batches >= cm->kill_after) {
		fflush(stdout);
		raise(SIGKILL);
	}
}

/* hotlinectl migrate-store. */
static int
ctl_migrate_run(int argc, char *argv[])
{
	static const struct option	 opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "from", required_argument, NULL, 'f' },
		{ "user", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct store_migrate_opts	 mo;
	struct store_opts		 so;
	struct ctl_migrate		 cm;
	struct stat			 sb;
	struct dblock			*lock = NULL;
	struct conf			*c = NULL;
	const char			*file = ctl_default_conf();
	const char			*from = NULL, *user = NULL;
	char				*cause = NULL, why[256];
	int				 ch, rc = CTL_FAIL;

	ctl_getopt_reset();
	while ((ch = getopt_long(argc, argv, "c:f:u:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			file = optarg;
			break;
		case 'f':
			from = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'h':
			ctl_migrate_usage(stdout);
			return CTL_OK;
		default:
			ctl_migrate_usage(stderr);
			return CTL_USAGE;
		}
	}
	if (optind != argc || from == NULL) {
		if (from == NULL)
			ctl_warnx("migrate-store: --from FILE, the SQLite "
			    "database to copy, is needed");
		ctl_migrate_usage(stderr);
		return CTL_USAGE;
	}
	/* As the daemon: the lock file it makes beside FILE stays its. */
	if (priv_drop(user, why, sizeof(why)) == -1) {
		ctl_warnx("%s", why);
		return CTL_FAIL;
	}
	c = admin_load(file, NULL);
	if (c == NULL) {
		ctl_warnx("%s: configuration has errors, nothing copied",
		    file);
		return CTL_FAIL;
	}
	if (stat(from, &sb) == -1) {
		ctl_warnx("migrate-store: %s: %s", from, strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		ctl_warnx("migrate-store: %s: not a file", from);
		goto out;
	}
	/* The daemon's own lock: it cannot start on the file meanwhile. */
	lock = dblock_new(from, &cause);
	if (lock == NULL) {
		ctl_warnx("migrate-store: %s", cause != NULL ? cause :
		    "out of memory");
		goto out;
	}

	memset(&cm, 0, sizeof(cm));
	cm.kill_after = ctl_migrate_env("HOTLINECTL_MIGRATE_KILL_AFTER");
	memset(&mo, 0, sizeof(mo));
	mo.batch = ctl_migrate_env("HOTLINECTL_MIGRATE_BATCH");
	mo.table = ctl_migrate_table_cb;
	mo.committed = ctl_migrate_batch_cb;
	mo.arg = &cm;
	memset(&so, 0, sizeof(so));
	so.key_file = conf_key_file(c);
	so.password_file = conf_password_file(c);
	if (store_migrate(from, conf_database(c), &so, &mo, &cause) == -1) {
		ctl_warnx("migrate-store: %s", cause != NULL ? cause :
		    "out of memory");
		goto out;
	}
	printf("migrate-store: done: %lld rows in %d tables, every count "
	    "the same in both\n", (long long)cm.rows, cm.tables);
	rc = CTL_OK;
out:
	free(cause);
	dblock_free(lock);
	conf_unref(c);
	return rc;
}

const struct ctl_command ctl_cmd_migrate = {
	"migrate-store", "copy a SQLite database into PostgreSQL, resumably",
	ctl_migrate_run
};
