/* SPDX-License-Identifier: ISC */
/*
 * main: the command line of hotlined. It parses flags, runs the
 * configuration check (-t), prints versions (-V), backs the database up
 * (-B), or loads the configuration and hands over to the daemon context
 * in hotlined.c.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <event2/event.h>
#include <jansson.h>
#include <sqlite3.h>

#include "config.h"
#include "admin.h"
#include "conf.h"
#include "forget.h"
#include "hotlined.h"
#include "log.h"
#include "priv.h"
#include "schema.h"

#ifndef HOTLINED_CONF
#define HOTLINED_CONF	"/etc/hotlined/hotlined.conf"
#endif

/* Print usage and exit 1. */
static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
	    "usage: hotlined [-FtVvkK] [-B file] [-R [-f]] [-c file] "
	    "[-u user]\n"
	    "  -B file  back the database up into the new file, then exit\n"
	    "  -c file  configuration file (default %s)\n"
	    "  -u user  run as user (needed when started as root)\n"
	    "  -t       check the configuration and every menu, then exit\n"
	    "  -F       forget each number or case reference read from\n"
	    "           stdin, one a line, and exit\n"
	    "  -R       re-encrypt the database under a new key, then exit\n"
	    "  -f       with -R: drop unsafe marks and opt-outs kept without\n"
	    "           their number\n"
	    "  -V       print versions and exit\n"
	    "  -v       log debug lines\n"
	    "  -k       list every key of the configuration, roster and menu\n"
	    "           files and exit\n"
	    "  -K       the same list in mdoc, as hotlined.conf(5) has it\n",
	    HOTLINED_CONF);
	exit(1);
}

int
main(int argc, char *argv[])
{
	struct conf_report	 rep;
	struct hotlined		*d;
	struct conf		*c;
	const char		*file = HOTLINED_CONF, *user = NULL;
	const char		*dest = NULL;
	char			 why[256];
	int			 ch, check = 0, forget = 0, verbose = 0;
	int			 rotate = 0, force = 0, rc;

	/* Every file the daemon makes is its own alone. */
	umask(077);
	while ((ch = getopt(argc, argv, "B:c:fFRtu:VvkKh")) != -1) {
		switch (ch) {
		case 'B':
			dest = optarg;
			break;
		case 'c':
			file = optarg;
			break;
		case 'F':
			forget = 1;
			break;
		case 'f':
			force = 1;
			break;
		case 'R':
			rotate = 1;
			break;
		case 't':
			check = 1;
			break;
		case 'u':
			user = optarg;
			break;
		case 'V':
			hotlined_versions(stdout);
			return 0;
		case 'v':
			verbose = 1;
			break;
		case 'k':
		case 'K':
			conf_print_keys(stdout, ch == 'k' ? SCHEMA_TEXT :
			    SCHEMA_ROFF);
			return 0;
		default:
			usage();
		}
	}
	if (optind != argc || (force && !rotate) ||
	    check + forget + rotate + (dest != NULL) > 1)
		usage();
	log_init("hotlined", verbose);
	admin_json_wipe();

	if (check) {
		admin_report_file(&rep, stdout);
		c = admin_load(file, &rep);
		if (c == NULL) {
			fprintf(stderr, "configuration check failed\n");
			return 1;
		}
		conf_unref(c);
		printf("configuration OK\n");
		return 0;
	}

	/* Before any file is read: the rights it keeps are the ones used. */
	if (priv_drop(user, why, sizeof(why)) == -1)
		fatalx("%s", why);
	if (dest != NULL)
		return admin_backup("hotlined", file, dest);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		fatalx("libcurl initialisation failed");
	c = admin_load(file, NULL);
	if (c == NULL)
		fatalx("%s: configuration has errors, not starting", file);
	if (forget) {
		rc = forget_run(c, stdin, stdout, stderr);
		conf_unref(c);
		curl_global_cleanup();
		return rc;
	}
	if (conf_verbose(c))
		log_setverbose(1);
	if (rotate) {
		rc = hotlined_rotate(c, force);
		conf_unref(c);
		curl_global_cleanup();
		return rc;
	}
	if (conf_log_file(c) != NULL && log_open_file(conf_log_file(c)) == -1)
		fatal("cannot open the log file %s", conf_log_file(c));
	log_info("hotlined %s starting (libevent %s, libcurl %s, SQLite %s, "
	    "jansson %s)", PACKAGE_VERSION, event_get_version(),
	    curl_version_info(CURLVERSION_NOW)->version, sqlite3_libversion(),
	    jansson_version_str());
	d = hotlined_new(file, c, verbose);
	if (d == NULL)
		fatalx("out of memory");
	if (hotlined_start(d) == -1) {
		hotlined_free(d);
		return 1;
	}
	rc = hotlined_run(d);
	hotlined_free(d);
	curl_global_cleanup();
	return rc;
}
