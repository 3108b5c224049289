/* SPDX-License-Identifier: ISC */
/*
 * ctl: main() of hotlinectl. It owns the table of commands, the tool's
 * --help and the choice of the command to run; each command parses its
 * own options (ctl_<name>.c). Usage errors exit 2.
 */
#include <stdio.h>
#include <string.h>

#include "ctl.h"

static const struct ctl_command *const ctl_commands[] = {
	&ctl_cmd_simulate,
	NULL
};

/* Print the list of commands to fp. */
static void
ctl_usage(FILE *fp)
{
	size_t	 i;

	fprintf(fp, "usage: hotlinectl COMMAND [OPTION...]\n"
	    "       hotlinectl COMMAND --help\n\ncommands:\n");
	for (i = 0; ctl_commands[i] != NULL; i++)
		fprintf(fp, "  %-12s %s\n", ctl_commands[i]->name,
		    ctl_commands[i]->summary);
}

int
main(int argc, char *argv[])
{
	size_t	 i;

	if (argc < 2) {
		ctl_usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		ctl_usage(stdout);
		return 0;
	}
	for (i = 0; ctl_commands[i] != NULL; i++)
		if (strcmp(argv[1], ctl_commands[i]->name) == 0)
			return ctl_commands[i]->run(argc - 1, argv + 1);
	fprintf(stderr, "hotlinectl: unknown command \"%s\"\n", argv[1]);
	ctl_usage(stderr);
	return 2;
}
