/* SPDX-License-Identifier: ISC */
/*
 * ctl: hotlinectl, one command-line tool for admins and counsellors. Each
 * command lives in its own file (ctl_<name>.c) and exports one const
 * struct ctl_command; ctl.c lists them, prints the help and runs one.
 */
#ifndef HOTLINED_CTL_H
#define HOTLINED_CTL_H

/*
 * One command. run gets the command's own arguments, argv[0] being its
 * name, handles its --help (usage on stdout, 0) and returns the exit
 * status: 0 done, 1 failed, 2 usage error.
 */
struct ctl_command {
	const char	*name;
	const char	*summary;	/* one line for hotlinectl --help */
	int		(*run)(int argc, char *argv[]);
};

extern const struct ctl_command ctl_cmd_simulate;

#endif
