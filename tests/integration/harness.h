/* SPDX-License-Identifier: ISC */
/*
 * harness: what an integration suite needs to drive the real hotlined. It
 * copies a fixture directory into a fresh temporary directory, starts
 * $HOTLINED_BIN on it with its output in daemon.log, waits until the
 * daemon listens and answers /health, talks HTTP to it over loopback
 * (libcurl easy, blocking), signals it, and removes everything again.
 * It knows nothing about USSD; the suites say what the replies must be.
 */
#ifndef HOTLINED_HARNESS_H
#define HOTLINED_HARNESS_H

#include <sys/types.h>

#include <stddef.h>
#include <time.h>

struct harness;
struct Suite;

/* One HTTP answer. Every pointer is owned; free with harness_reply_clear. */
struct harness_reply {
	long	 status;	/* HTTP status, 0 when no answer came */
	char	*body;		/* NUL-terminated (may also hold NULs) */
	size_t	 len;		/* of body, without the added NUL */
	char	*content_type;	/* "" when the answer had none */
	char	*headers;	/* the raw header block of the final answer */
};

/*
 * Create a temporary directory under $TMPDIR (or /tmp) and copy the
 * fixture directory into it, recursively; no daemon runs yet, so files can
 * be edited first. Returns NULL, after a message on stderr, on failure.
 */
struct harness	*harness_new(const char *fixture_dir);

/*
 * Start $HOTLINED_BIN -c <dir>/<conf> (conf relative to the temporary
 * directory) with stdout and stderr in <dir>/daemon.log, wait (at most
 * 10 s) for its "listening on ADDRESS:PORT" line and then for GET /health
 * to answer 200. Also starts it again once the last one was reaped
 * (harness_wait_exit, harness_kill9). Returns 0, or -1 after a message and
 * the log on stderr.
 */
int		 harness_launch(struct harness *h, const char *conf);

/*
 * Set name=value in the environment of every daemon h launches from now
 * on, or with value NULL name=<the daemon's own pid> (as WATCHDOG_PID
 * wants); a second call for a name replaces the first. At most 8 names.
 * Returns 0, or -1 after a message on stderr.
 */
int		 harness_setenv(struct harness *h, const char *name,
		    const char *value);

/*
 * harness_new followed by harness_launch of "hotlined.conf". Returns NULL
 * (having cleaned up) on failure.
 */
struct harness	*harness_start(const char *fixture_dir);

/*
 * Stop the daemon if it still runs (SIGTERM, then SIGKILL after 5 s),
 * remove the temporary directory (kept when $HARNESS_KEEP is set) and free
 * h. NULL is fine.
 */
void		 harness_stop(struct harness *h);

/* The temporary directory (borrowed). */
const char	*harness_dir(const struct harness *h);

/* The port the daemon listens on, or -1 before it does. */
int		 harness_port(const struct harness *h);

/* The daemon's process id, or -1 when none runs. */
pid_t		 harness_pid(const struct harness *h);

/* Absolute path of rel inside the temporary directory (new string). */
char		*harness_path(const struct harness *h, const char *rel);

/*
 * Replace <dir>/<rel> with text, atomically (write a sibling, rename), so
 * a reload never reads half a file. Returns 0 or -1.
 */
int		 harness_write_file(const struct harness *h, const char *rel,
		    const char *text);

/* Whole content of a file as a new NUL-terminated string, or NULL. */
char		*harness_read_file(const char *path, size_t *lenp);

/*
 * Send a request to 127.0.0.1:<port><path> (path may carry a query) and
 * fill rep. method is "GET", "POST" or another verb; body and
 * content_type may be NULL; headers is a NULL-terminated list of
 * "Name: value" lines (or NULL). Gives up after 5 s. Returns 0 when an
 * HTTP answer came (whatever its status), -1 otherwise.
 */
int		 harness_request(struct harness *h, const char *method,
		    const char *path, const char *content_type,
		    const char *body, size_t body_len,
		    const char *const *headers, struct harness_reply *rep);

/*
 * harness_request to 127.0.0.1:<port> instead of the daemon's main port
 * (e.g. its counsellor API). Safe to call from several threads at once
 * once curl_global_init has run.
 */
int		 harness_request_port(int port, const char *method,
		    const char *path, const char *content_type,
		    const char *body, size_t body_len,
		    const char *const *headers, struct harness_reply *rep);

/*
 * harness_request_port from the local address from ("127.0.0.2"; any of
 * 127.0.0.0/8 is this machine's on Linux), so that the daemon sees
 * another peer.
 */
int		 harness_request_from(int port, const char *from,
		    const char *method, const char *path,
		    const char *content_type, const char *body,
		    size_t body_len, const char *const *headers,
		    struct harness_reply *rep);

/* POST a NUL-terminated body; see harness_request. */
int		 harness_post(struct harness *h, const char *path,
		    const char *content_type, const char *body,
		    const char *const *headers, struct harness_reply *rep);

/* GET path (with its query, if any); see harness_request. */
int		 harness_get(struct harness *h, const char *path,
		    const char *const *headers, struct harness_reply *rep);

/*
 * Value of the response header name (case-insensitive) without its
 * surrounding blanks, as a new string; NULL when absent.
 */
char		*harness_reply_header(const struct harness_reply *rep,
		    const char *name);

/* Free what a reply holds and zero it. */
void		 harness_reply_clear(struct harness_reply *rep);

/*
 * Build an application/x-www-form-urlencoded body from name, value pairs
 * ending with NULL: every byte but ALPHA / DIGIT / "-._~" is percent
 * encoded. Returns a new string, or NULL out of memory.
 */
char		*harness_form(const char *name, ...)
		    __attribute__((sentinel));

/* Percent-encode s as harness_form does (new string, or NULL). */
char		*harness_urlencode(const char *s);

/* Send sig to the daemon. Returns 0, or -1 when it is not running. */
int		 harness_signal(struct harness *h, int sig);

/*
 * Send SIGKILL to the daemon and reap it, leaving the directory (database,
 * daemon.log) as the crash left it; harness_launch may start it again
 * there (and then starts daemon.log afresh). Returns 0, or -1 when no
 * daemon runs.
 */
int		 harness_kill9(struct harness *h);

/*
 * Wait at most timeout_ms for a complete daemon.log line holding text
 * followed by ADDRESS:PORT (e.g. "counsellor API listening on ") and
 * return the first such port, or -1.
 */
int		 harness_log_port(const struct harness *h, const char *text,
		    int timeout_ms);

/*
 * Wait at most timeout_ms for the daemon to exit and store its wait
 * status. Returns 0 once it has been reaped, -1 on time-out.
 */
int		 harness_wait_exit(struct harness *h, int timeout_ms,
		    int *status);

/*
 * Send SIGUSR1, wait (at most 5 s) for the daemon's next "counters: "
 * line and return the value of its counter name ("sessions", "held",
 * "evicted", "busy", "webhook_connections", ...), or -1.
 */
long long	 harness_counter(struct harness *h, const char *name);

/* The whole daemon.log as a new string ("" when empty), or NULL. */
char		*harness_log(const struct harness *h);

/* Number of times text occurs in daemon.log. */
size_t		 harness_log_count(const struct harness *h, const char *text);

/* 1 if daemon.log contains text, else 0. */
int		 harness_log_contains(const struct harness *h,
		    const char *text);

/*
 * Poll daemon.log until text occurs at least count times or timeout_ms
 * pass. Returns 0 when it does, -1 on time-out.
 */
int		 harness_wait_log(const struct harness *h, const char *text,
		    size_t count, int timeout_ms);

/*
 * Run argv[0] (a path) with argv, stdin from /dev/null, and collect its
 * stdout and stderr (new strings) and wait status; it is killed after
 * timeout_ms. Returns 0 when it ran to its end, -1 otherwise.
 */
int		 harness_run(char *const argv[], int timeout_ms, int *status,
		    char **out, char **err);

/* Remove a directory tree (or a file). Returns 0 or -1. */
int		 harness_rmtree(const char *path);

/* Milliseconds on a monotonic clock, for bounded polling. */
long long	 harness_now_ms(void);

/* The CLOCK_MONOTONIC instant timeout_ms from now into *dl (for
 * pthread_cond_timedwait on a condition set to that clock). */
void		 harness_deadline(struct timespec *dl, int timeout_ms);

/* ms stretched by the factor HARNESS_SLOW names (scripts/valgrind sets
 * it); every wait of the harness goes through it. */
int		 harness_slow_ms(int ms);

/* Sleep for ms milliseconds. */
void		 harness_sleep_ms(int ms);

/*
 * What follows asserts with Check (a failure ends the test) and is for
 * the suites' fixtures and main.
 */

/* harness_new on a copy of $TOP_SRCDIR/rel, which must work. */
struct harness	*harness_check_new(const char *rel);

/* harness_launch of "hotlined.conf", which must work. */
void		 harness_check_launch(struct harness *h);

/*
 * For a teardown: take *hp (NULL is fine) and set *hp to NULL; a daemon
 * still running must exit 0 on SIGTERM within 10 s (which under ASan
 * also means no leak) and daemon.log must hold no sanitizer report; then
 * harness_stop.
 */
void		 harness_check_stop(struct harness **hp);

/*
 * main of the suite program name: check the environment (HOTLINED_BIN
 * an executable, TOP_SRCDIR set), initialise libcurl, then run s in
 * Check's default fork mode with every temporary file below one
 * directory (TMPDIR), removed at the end even when a failing test (which
 * leaves with _exit) could not clean up. Returns the exit status.
 */
int		 harness_main(const char *name, struct Suite *s);

#endif
