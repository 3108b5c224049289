/* SPDX-License-Identifier: ISC */
/*
 * ctl: hotlinectl's main and its table of commands. A command's own
 * options, output and checks live in its file, the helpers they share in
 * ctl_util.c; the configuration, the store and the daemon's API do the
 * work, as they do for hotlined.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <string.h>

#include <curl/curl.h>
#include <sodium.h>

#include "config.h"
#include "admin.h"
#include "ctl.h"
#include "log.h"

/* Every command, in the order --help lists them. */
static const struct ctl_command *const ctl_commands[] = {
	&ctl_cmd_menu,
	&ctl_cmd_callbacks,
	&ctl_cmd_simulate,
	&ctl_cmd_stats,
	&ctl_cmd_backup,
	&ctl_cmd_migrate,
	&ctl_cmd_forget,
};

#define CTL_NCOMMANDS	(sizeof(ctl_commands) / sizeof(ctl_commands[0]))

/* The list of commands, on fp. */
static void
ctl_usage(FILE *fp)
{
	size_t	 i;

	fprintf(fp, "usage: hotlinectl COMMAND [ARGS]\n"
	    "       hotlinectl COMMAND --help\n"
	    "       hotlinectl --help | --version\n\ncommands:\n");
	for (i = 0; i < CTL_NCOMMANDS; i++)
		fprintf(fp, "  %-13s %s\n", ctl_commands[i]->name,
		    ctl_commands[i]->summary);
}

int
main(int argc, char *argv[])
{
	size_t	 i;
	int	 rc;

	/* A backup or anything else it writes is its owner's alone. */
	umask(077);
	if (argc < 2) {
		ctl_usage(stderr);
		return CTL_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		ctl_usage(stdout);
		return CTL_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("hotlinectl %s\n", PACKAGE_VERSION);
		return CTL_OK;
	}
	for (i = 0; i < CTL_NCOMMANDS; i++)
		if (strcmp(argv[1], ctl_commands[i]->name) == 0)
			break;
	if (i == CTL_NCOMMANDS) {
		ctl_warnx("unknown command \"%s\"", argv[1]);
		ctl_usage(stderr);
		return CTL_USAGE;
	}
	log_init("hotlinectl", 0);
	admin_json_wipe();
	if (sodium_init() == -1 ||
	    curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		ctl_warnx("cannot initialise libsodium or libcurl");
		return CTL_FAIL;
	}
	ctl_getopt_reset();
	rc = ctl_commands[i]->run(argc - 1, argv + 1);
	curl_global_cleanup();
	return rc;
}
