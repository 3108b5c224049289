/* SPDX-License-Identifier: ISC */
/*
 * ctl: hotlinectl, the command line for admins and counsellors. ctl.c
 * holds main and the table of commands; ctl_util.c what every command
 * shares: the default configuration file, the bearer token (from a file
 * or the environment, never the command line), the counsellor API's URL
 * and a blocking HTTP client to it. Each command is one file
 * (ctl_menu.c, ctl_callbacks.c, ctl_store.c, ...) exporting one struct
 * ctl_command.
 */
#ifndef HOTLINED_CTL_H
#define HOTLINED_CTL_H

#include <stddef.h>
#include <stdio.h>

/* Exit statuses of every command. */
#define CTL_OK		0	/* done */
#define CTL_FAIL	1	/* a problem: the check failed, the API said no */
#define CTL_USAGE	2	/* the command line was wrong */

/*
 * One command: its name, one line for `hotlinectl --help`, and run, which
 * gets argv from the command's name on (argv[0] is "menu") and returns an
 * exit status. run handles its own --help (usage on stdout, CTL_OK).
 */
struct ctl_command {
	const char	*name;
	const char	*summary;
	int		(*run)(int argc, char *argv[]);
};

extern const struct ctl_command ctl_cmd_backup;
extern const struct ctl_command ctl_cmd_callbacks;
extern const struct ctl_command ctl_cmd_forget;
extern const struct ctl_command ctl_cmd_menu;
extern const struct ctl_command ctl_cmd_migrate;
extern const struct ctl_command ctl_cmd_simulate;
extern const struct ctl_command ctl_cmd_stats;

/* An answer of the daemon. Free with ctl_reply_clear. */
struct ctl_reply {
	long	 status;	/* HTTP status */
	char	*body;		/* NUL-terminated */
	size_t	 len;
};

/* The configuration file when no -c is given (hotlined's default). */
const char	*ctl_default_conf(void);

/* Print "hotlinectl: " and the message on stderr. */
void		 ctl_warnx(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));

/*
 * Reset getopt for a command's own options (every run parses from its
 * argv[1]).
 */
void		 ctl_getopt_reset(void);

/*
 * The options of a command that sends the caller's token: --token-file
 * ('t') and --token ('T'), which is there to be refused (ctl_token_arg).
 * For a struct option table; needs <getopt.h>.
 */
#define CTL_TOKEN_OPTIONS						\
	{ "token-file", required_argument, NULL, 't' },			\
	{ "token", required_argument, NULL, 'T' }

/*
 * --token TOKEN was given: say on stderr why a token never goes on the
 * command line. Returns CTL_USAGE.
 */
int		 ctl_token_arg(void);

/*
 * The caller's bearer token: the first line of file (which only its owner
 * may read) when file is not NULL, else $HOTLINED_TOKEN. A new string to
 * free with secret_free, or NULL after a message on stderr.
 */
char		*ctl_token(const char *file);

/*
 * The counsellor API's base URL: url when not NULL, else from the "api"
 * listener of the configuration file conf. A new string, or NULL after a
 * message on stderr.
 */
char		*ctl_api_url(const char *url, const char *conf);

/*
 * Send method base+path with the bearer token and, when body is not
 * NULL, a JSON body; wait for the answer (at most 15 s). Returns 0 when
 * an answer came (whatever its status), -1 after a message on stderr.
 */
int		 ctl_http(const char *method, const char *base,
		    const char *path, const char *token, const char *body,
		    struct ctl_reply *r);

/*
 * The "error" of a JSON answer, or "" (borrowed from r's body when it can
 * be; the result lives as long as buf).
 */
const char	*ctl_reply_error(const struct ctl_reply *r, char *buf,
		    size_t len);

/* Wipe and free what r holds (it may hold a phone number). */
void		 ctl_reply_clear(struct ctl_reply *r);

#endif
