/* SPDX-License-Identifier: ISC */
/*
 * harness: runs the real hotlined for integration suites. It owns the
 * temporary directory (a copy of a fixture), the daemon process and its
 * log, blocking HTTP over loopback with libcurl easy, and child programs
 * run for their output (hotlined -t), and, last, the Check side every
 * suite shares (its main, the start and the clean stop it asserts). What
 * replies must look like is the suites' business. Nothing here is used
 * by the daemon itself.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <check.h>
#include <curl/curl.h>

#include "harness.h"

#define HARNESS_START_MS	10000	/* to listen and answer /health */
#define HARNESS_STOP_MS		5000	/* after SIGTERM, before SIGKILL */
#define HARNESS_HTTP_MS		5000	/* one HTTP exchange */
#define HARNESS_POLL_MS		10	/* between two looks */
#define HARNESS_LISTEN		"hotlined: listening on "
#define HARNESS_NENV		8	/* variables set for the daemon */
#define HARNESS_PIDLEN		24	/* room for a process id's digits */

extern char **environ;

struct harness {
	char	*dir;		/* the temporary copy of the fixture */
	char	*log_path;	/* <dir>/daemon.log */
	pid_t	 pid;		/* the daemon; -1 when none or reaped */
	int	 port;		/* -1 until it listens */
	char	*env[HARNESS_NENV];	/* "NAME=value", "NAME=" */
	int	 env_pid[HARNESS_NENV];	/* 1: the pid follows = */
	size_t	 nenv;
};

/* A growing NUL-terminated byte buffer. */
struct hbuf {
	char	*s;
	size_t	 len;
	size_t	 cap;
	int	 oom;
};

/* Append n bytes to b, keeping it NUL-terminated. */
static void
hbuf_add(struct hbuf *b, const void *p, size_t n)
{
	char	*ns;
	size_t	 ncap;

	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		ncap = b->cap == 0 ? 256 : b->cap;
		while (ncap < b->len + n + 1)
			ncap *= 2;
		ns = realloc(b->s, ncap);
		if (ns == NULL) {
			b->oom = 1;
			return;
		}
		b->s = ns;
		b->cap = ncap;
	}
	if (n > 0)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* Append a NUL-terminated string. */
static void
hbuf_str(struct hbuf *b, const char *s)
{
	hbuf_add(b, s, strlen(s));
}

/* Hand over the buffer as a string ("" when empty), or NULL out of memory. */
static char *
hbuf_finish(struct hbuf *b, size_t *lenp)
{
	hbuf_add(b, "", 0);
	if (b->oom) {
		free(b->s);
		b->s = NULL;
		return NULL;
	}
	if (lenp != NULL)
		*lenp = b->len;
	return b->s;
}

/* Milliseconds on the monotonic clock. */
long long
harness_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleep for ms milliseconds, resuming after signals. */
void
harness_sleep_ms(int ms)
{
	struct timespec	 ts, rem;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000;
	while (nanosleep(&ts, &rem) == -1 && errno == EINTR)
		ts = rem;
}

/*
 * ms stretched by HARNESS_SLOW (a whole factor, 1 to 20; 1 when unset),
 * which scripts/valgrind sets: a daemon under valgrind starts, answers and
 * stops several times slower, and every wait of the harness allows for it.
 */
int
harness_slow_ms(int ms)
{
	const char	*v = getenv("HARNESS_SLOW");
	char		*end;
	long		 f;

	if (v == NULL || *v == '\0')
		return ms;
	errno = 0;
	f = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || f < 1 || f > 20)
		return ms;
	return ms * (int)f;
}

/* The monotonic instant timeout_ms from now, for a timed wait. */
void
harness_deadline(struct timespec *dl, int timeout_ms)
{
	timeout_ms = harness_slow_ms(timeout_ms);
	clock_gettime(CLOCK_MONOTONIC, dl);
	dl->tv_sec += timeout_ms / 1000;
	dl->tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (dl->tv_nsec >= 1000000000) {
		dl->tv_sec++;
		dl->tv_nsec -= 1000000000;
	}
}

/* Read everything from fd (from where it stands) into b. */
static int
harness_read_fd(int fd, struct hbuf *b)
{
	char	 chunk[8192];
	ssize_t	 n;

	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			return 0;
		hbuf_add(b, chunk, (size_t)n);
	}
}

/* Read a whole file. */
char *
harness_read_file(const char *path, size_t *lenp)
{
	struct hbuf	 b;
	int		 fd;

	memset(&b, 0, sizeof(b));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return NULL;
	if (harness_read_fd(fd, &b) == -1) {
		close(fd);
		free(b.s);
		return NULL;
	}
	close(fd);
	return hbuf_finish(&b, lenp);
}

/* Write all of buf to fd. */
static int
harness_write_all(int fd, const char *buf, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Copy one regular file with its permission bits (plus owner read and
 * write, so that tests can edit copies of read-only sources).
 */
static int
harness_copy_file(const char *src, const char *dst, mode_t mode)
{
	char	 chunk[8192];
	ssize_t	 n;
	int	 in = -1, out = -1, rc = -1;

	mode = (mode & 0777) | S_IRUSR | S_IWUSR;
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in == -1)
		goto done;
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (out == -1)
		goto done;
	for (;;) {
		n = read(in, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto done;
		if (n == 0)
			break;
		if (harness_write_all(out, chunk, (size_t)n) == -1)
			goto done;
	}
	/* The umask must not loosen or tighten what the fixture says. */
	if (fchmod(out, mode) == -1)
		goto done;
	rc = 0;
done:
	if (rc == -1)
		fprintf(stderr, "harness: copy %s to %s: %s\n", src, dst,
		    strerror(errno));
	if (in != -1)
		close(in);
	if (out != -1 && close(out) == -1)
		rc = -1;
	return rc;
}

/* Copy the contents of directory src into the existing directory dst. */
static int
harness_copy_tree(const char *src, const char *dst)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	char		*s = NULL, *t = NULL;
	int		 rc = 0;

	d = opendir(src);
	if (d == NULL) {
		fprintf(stderr, "harness: %s: %s\n", src, strerror(errno));
		return -1;
	}
	while (rc == 0) {
		de = readdir(d);
		if (de == NULL)
			break;
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (asprintf(&s, "%s/%s", src, de->d_name) == -1) {
			s = NULL;
			rc = -1;
			break;
		}
		if (asprintf(&t, "%s/%s", dst, de->d_name) == -1) {
			t = NULL;
			rc = -1;
			break;
		}
		if (stat(s, &st) == -1)
			rc = -1;
		else if (S_ISDIR(st.st_mode)) {
			if (mkdir(t, 0700) == -1)
				rc = -1;
			else
				rc = harness_copy_tree(s, t);
		} else if (S_ISREG(st.st_mode))
			rc = harness_copy_file(s, t, st.st_mode);
		if (rc == -1)
			fprintf(stderr, "harness: copy %s: %s\n", s,
			    strerror(errno));
		free(s);
		free(t);
		s = NULL;
		t = NULL;
	}
	free(s);
	free(t);
	closedir(d);
	return rc;
}

/* Remove one entry of a tree walked depth first. */
static int
harness_rm_cb(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	if (remove(path) == -1 && errno != ENOENT) {
		fprintf(stderr, "harness: remove %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* Remove a tree without following symbolic links. */
int
harness_rmtree(const char *path)
{
	struct stat	 st;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	return nftw(path, harness_rm_cb, 16, FTW_DEPTH | FTW_PHYS) == 0 ?
	    0 : -1;
}

/* Make a temporary directory and copy the fixture into it. */
struct harness *
harness_new(const char *fixture_dir)
{
	struct harness	*h;
	const char	*tmp;

	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return NULL;
	h->pid = -1;
	h->port = -1;
	tmp = getenv("TMPDIR");
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	if (asprintf(&h->dir, "%s/hotlined-it.XXXXXX", tmp) == -1) {
		h->dir = NULL;
		goto fail;
	}
	if (mkdtemp(h->dir) == NULL) {
		fprintf(stderr, "harness: mkdtemp %s: %s\n", h->dir,
		    strerror(errno));
		free(h->dir);
		h->dir = NULL;
		goto fail;
	}
	if (asprintf(&h->log_path, "%s/daemon.log", h->dir) == -1) {
		h->log_path = NULL;
		goto fail;
	}
	if (harness_copy_tree(fixture_dir, h->dir) == -1)
		goto fail;
	return h;
fail:
	harness_stop(h);
	return NULL;
}

/*
 * In a freshly forked child: die with the test process (a failing Check
 * test leaves with _exit and runs no teardown), undo inherited signal
 * state, and put the standard descriptors in place. Never returns on
 * failure.
 */
static void
harness_child_setup(pid_t parent, int in, int out, int err)
{
	sigset_t	 none;

#ifdef __linux__
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != parent)
		_exit(126);
#else
	(void)parent;
#endif
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (dup2(in, STDIN_FILENO) == -1 || dup2(out, STDOUT_FILENO) == -1 ||
	    dup2(err, STDERR_FILENO) == -1)
		_exit(126);
}

/* Set a variable for the daemons h launches. */
int
harness_setenv(struct harness *h, const char *name, const char *value)
{
	char	*e;
	size_t	 i, n = strlen(name);

	if (n == 0 || strchr(name, '=') != NULL) {
		fprintf(stderr, "harness: bad variable name \"%s\"\n", name);
		return -1;
	}
	if (asprintf(&e, "%s=%s", name, value != NULL ? value : "") == -1)
		return -1;
	for (i = 0; i < h->nenv; i++)
		if (strncmp(h->env[i], name, n) == 0 && h->env[i][n] == '=')
			break;
	if (i == h->nenv) {
		if (h->nenv == HARNESS_NENV) {
			fprintf(stderr, "harness: more than %d variables\n",
			    HARNESS_NENV);
			free(e);
			return -1;
		}
		h->nenv++;
	} else
		free(h->env[i]);
	h->env[i] = e;
	h->env_pid[i] = value == NULL;
	return 0;
}

/* 1 if the environment entry e sets one of h's variables. */
static int
harness_env_own(const struct harness *h, const char *e)
{
	size_t	 i, n;

	for (i = 0; i < h->nenv; i++) {
		n = strcspn(h->env[i], "=");
		if (strncmp(e, h->env[i], n) == 0 && e[n] == '=')
			return 1;
	}
	return 0;
}

/*
 * A daemon's environment, made before the fork: ours without the
 * variables h sets, then h's; a variable that takes the daemon's pid has
 * a slot of its own with room for the digits, filled in the child.
 */
struct harness_envp {
	char	**envp;
	char	 *slot[HARNESS_NENV];	/* "NAME=", room for a pid */
	size_t	  off[HARNESS_NENV];	/* where the digits go */
	size_t	  nslot;
};

/* Free what harness_env_build made. */
static void
harness_env_free(struct harness_envp *e)
{
	size_t	 i;

	for (i = 0; i < e->nslot; i++)
		free(e->slot[i]);
	free(e->envp);
	memset(e, 0, sizeof(*e));
}

/* Build e for h. 0, or -1 out of memory. */
static int
harness_env_build(const struct harness *h, struct harness_envp *e)
{
	size_t	 i, n = 0, k = 0, len;

	memset(e, 0, sizeof(*e));
	while (environ[n] != NULL)
		n++;
	e->envp = calloc(n + h->nenv + 1, sizeof(*e->envp));
	if (e->envp == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (!harness_env_own(h, environ[i]))
			e->envp[k++] = environ[i];
	for (i = 0; i < h->nenv; i++) {
		if (!h->env_pid[i]) {
			e->envp[k++] = h->env[i];
			continue;
		}
		len = strlen(h->env[i]);
		e->slot[e->nslot] = calloc(1, len + HARNESS_PIDLEN);
		if (e->slot[e->nslot] == NULL) {
			harness_env_free(e);
			return -1;
		}
		memcpy(e->slot[e->nslot], h->env[i], len);
		e->off[e->nslot] = len;
		e->envp[k++] = e->slot[e->nslot++];
	}
	return 0;
}

/*
 * In the child, after the fork: write our pid into every slot. Only
 * async-signal-safe work, since the parent may have threads.
 */
static void
harness_env_pid(struct harness_envp *e)
{
	char		 digits[HARNESS_PIDLEN];
	unsigned long	 v = (unsigned long)getpid();
	size_t		 i, j, n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0 && n < sizeof(digits) - 1);
	for (i = 0; i < e->nslot; i++)
		for (j = 0; j < n; j++)
			e->slot[i][e->off[i] + j] = digits[n - 1 - j];
}

/* Print why start-up failed, with the daemon's log. */
static void
harness_launch_failed(struct harness *h, const char *why)
{
	char	*log;

	log = harness_log(h);
	fprintf(stderr, "harness: %s (in %s); daemon.log:\n%s\n", why, h->dir,
	    log != NULL ? log : "(unreadable)");
	free(log);
}

/* Parse the port of the first complete "<text>ADDRESS:PORT" line. */
static int
harness_parse_port(const char *log, const char *text)
{
	const char	*p, *nl, *colon;
	char		*end;
	long		 v;

	p = strstr(log, text);
	if (p == NULL)
		return -1;
	nl = strchr(p, '\n');
	if (nl == NULL)
		return -1;	/* not written whole yet */
	colon = NULL;
	for (; p < nl; p++)
		if (*p == ':')
			colon = p;
	if (colon == NULL || colon + 1 == nl)
		return -1;
	errno = 0;
	v = strtol(colon + 1, &end, 10);
	if (errno != 0 || end != nl || v < 1 || v > 65535)
		return -1;
	return (int)v;
}

/* Start the daemon and wait until it serves. */
int
harness_launch(struct harness *h, const char *conf)
{
	struct harness_reply	 rep;
	struct harness_envp	 env;
	const char		*bin;
	char			*conf_path = NULL, *log;
	char			*argv[6];
	long long		 deadline;
	pid_t			 parent, pid;
	int			 logfd = -1, nullfd = -1, st, rc = -1;

	memset(&rep, 0, sizeof(rep));
	memset(&env, 0, sizeof(env));
	bin = getenv("HOTLINED_BIN");
	if (bin == NULL || *bin == '\0') {
		fprintf(stderr, "harness: HOTLINED_BIN is not set\n");
		return -1;
	}
	if (h->pid != -1) {
		fprintf(stderr, "harness: a daemon already runs\n");
		return -1;
	}
	h->port = -1;		/* a relaunch listens on a new port */
	if (asprintf(&conf_path, "%s/%s", h->dir, conf) == -1) {
		conf_path = NULL;
		goto done;
	}
	logfd = open(h->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND |
	    O_CLOEXEC, 0600);
	nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (logfd == -1 || nullfd == -1) {
		fprintf(stderr, "harness: %s: %s\n", h->log_path,
		    strerror(errno));
		goto done;
	}
	argv[0] = (char *)bin;
	argv[1] = (char *)"-c";
	argv[2] = conf_path;
	argv[3] = NULL;
	/* As root (CI), say so: the daemon refuses root otherwise. */
	if (geteuid() == 0) {
		argv[3] = (char *)"-u";
		argv[4] = (char *)"root";
		argv[5] = NULL;
	}
	if (harness_env_build(h, &env) == -1) {
		fprintf(stderr, "harness: out of memory\n");
		goto done;
	}
	parent = getpid();
	pid = fork();
	if (pid == -1) {
		fprintf(stderr, "harness: fork: %s\n", strerror(errno));
		goto done;
	}
	if (pid == 0) {
		harness_child_setup(parent, nullfd, logfd, logfd);
		harness_env_pid(&env);
		execve(bin, argv, env.envp);
		fprintf(stderr, "harness: exec %s: %s\n", bin,
		    strerror(errno));
		_exit(127);
	}
	h->pid = pid;

	deadline = harness_now_ms() + harness_slow_ms(HARNESS_START_MS);
	while (h->port == -1) {
		if (waitpid(h->pid, &st, WNOHANG) == h->pid) {
			h->pid = -1;
			harness_launch_failed(h, "the daemon exited at "
			    "start-up");
			goto done;
		}
		log = harness_log(h);
		if (log != NULL)
			h->port = harness_parse_port(log, HARNESS_LISTEN);
		free(log);
		if (h->port != -1)
			break;
		if (harness_now_ms() > deadline) {
			harness_launch_failed(h, "no \"listening on\" line "
			    "in time");
			goto done;
		}
		harness_sleep_ms(HARNESS_POLL_MS);
	}
	for (;;) {
		if (harness_get(h, "/health", NULL, &rep) == 0 &&
		    rep.status == 200)
			break;
		harness_reply_clear(&rep);
		if (harness_now_ms() > deadline) {
			harness_launch_failed(h, "GET /health did not answer "
			    "200 in time");
			goto done;
		}
		harness_sleep_ms(HARNESS_POLL_MS);
	}
	rc = 0;
done:
	harness_env_free(&env);
	harness_reply_clear(&rep);
	if (logfd != -1)
		close(logfd);
	if (nullfd != -1)
		close(nullfd);
	free(conf_path);
	return rc;
}

/* Copy a fixture and start the daemon on its hotlined.conf. */
struct harness *
harness_start(const char *fixture_dir)
{
	struct harness	*h;

	h = harness_new(fixture_dir);
	if (h == NULL)
		return NULL;
	if (harness_launch(h, "hotlined.conf") == -1) {
		harness_stop(h);
		return NULL;
	}
	return h;
}

/* Stop the daemon and remove every trace. */
void
harness_stop(struct harness *h)
{
	size_t	 i;
	int	 st;

	if (h == NULL)
		return;
	if (h->pid != -1) {
		kill(h->pid, SIGTERM);
		if (harness_wait_exit(h, HARNESS_STOP_MS, &st) == -1) {
			fprintf(stderr, "harness: the daemon ignored SIGTERM "
			    "for 5 s; killing it\n");
			kill(h->pid, SIGKILL);
			while (waitpid(h->pid, &st, 0) == -1 && errno == EINTR)
				;
			h->pid = -1;
		}
	}
	if (h->dir != NULL) {
		if (getenv("HARNESS_KEEP") != NULL)
			fprintf(stderr, "harness: kept %s\n", h->dir);
		else
			harness_rmtree(h->dir);
	}
	free(h->dir);
	free(h->log_path);
	for (i = 0; i < h->nenv; i++)
		free(h->env[i]);
	free(h);
}

/* The temporary directory. */
const char *
harness_dir(const struct harness *h)
{
	return h->dir;
}

/* The daemon's port. */
int
harness_port(const struct harness *h)
{
	return h->port;
}

/* The daemon's process id. */
pid_t
harness_pid(const struct harness *h)
{
	return h->pid;
}

/* An absolute path inside the temporary directory. */
char *
harness_path(const struct harness *h, const char *rel)
{
	char	*p;

	if (asprintf(&p, "%s/%s", h->dir, rel) == -1)
		return NULL;
	return p;
}

/* Replace a file inside the temporary directory atomically. */
int
harness_write_file(const struct harness *h, const char *rel,
    const char *text)
{
	char	*path = NULL, *tmp = NULL;
	int	 fd = -1, rc = -1;

	path = harness_path(h, rel);
	if (path == NULL || asprintf(&tmp, "%s.new", path) == -1) {
		tmp = NULL;
		goto done;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1 || harness_write_all(fd, text, strlen(text)) == -1)
		goto done;
	if (close(fd) == -1) {
		fd = -1;
		goto done;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto done;
	rc = 0;
done:
	if (rc == -1)
		fprintf(stderr, "harness: write %s: %s\n",
		    path != NULL ? path : rel, strerror(errno));
	if (fd != -1)
		close(fd);
	free(path);
	free(tmp);
	return rc;
}

/* libcurl body sink. */
static size_t
harness_body_cb(char *p, size_t size, size_t n, void *arg)
{
	struct hbuf	*b = arg;

	hbuf_add(b, p, size * n);
	return b->oom ? 0 : size * n;
}

/* libcurl header sink; an interim "100 Continue" block is dropped. */
static size_t
harness_header_cb(char *p, size_t size, size_t n, void *arg)
{
	struct hbuf	*b = arg;

	if (size * n >= 5 && strncmp(p, "HTTP/", 5) == 0)
		b->len = 0;
	hbuf_add(b, p, size * n);
	return b->oom ? 0 : size * n;
}

/* One blocking HTTP exchange with the daemon. */
int
harness_request(struct harness *h, const char *method, const char *path,
    const char *content_type, const char *body, size_t body_len,
    const char *const *headers, struct harness_reply *rep)
{
	return harness_request_port(h->port, method, path, content_type, body,
	    body_len, headers, rep);
}

/*
 * One blocking HTTP exchange with 127.0.0.1:port, from the local address
 * from (NULL: the system's choice, 127.0.0.1).
 */
static int
harness_exchange(int port, const char *from, const char *method,
    const char *path, const char *content_type, const char *body,
    size_t body_len, const char *const *headers, struct harness_reply *rep)
{
	struct curl_slist	*hl = NULL, *nl;
	struct hbuf		 bb, hb;
	CURL			*c;
	CURLcode		 cc;
	char			 err[CURL_ERROR_SIZE];
	char			*url = NULL, *ct = NULL, *got_ct = NULL;
	char			*iface = NULL;
	size_t			 i;
	int			 rc = -1;

	memset(rep, 0, sizeof(*rep));
	memset(&bb, 0, sizeof(bb));
	memset(&hb, 0, sizeof(hb));
	err[0] = '\0';
	c = curl_easy_init();
	if (c == NULL || port < 1)
		goto done;
	if (asprintf(&url, "http://127.0.0.1:%d%s", port, path) == -1) {
		url = NULL;
		goto done;
	}
	/* Never let curl add "Expect: 100-continue" and wait for it. */
	nl = curl_slist_append(hl, "Expect:");
	if (nl == NULL)
		goto done;
	hl = nl;
	if (content_type != NULL) {
		if (asprintf(&ct, "Content-Type: %s", content_type) == -1) {
			ct = NULL;
			goto done;
		}
		nl = curl_slist_append(hl, ct);
		if (nl == NULL)
			goto done;
		hl = nl;
	}
	for (i = 0; headers != NULL && headers[i] != NULL; i++) {
		nl = curl_slist_append(hl, headers[i]);
		if (nl == NULL)
			goto done;
		hl = nl;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
	    (long)harness_slow_ms(HARNESS_HTTP_MS));
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)harness_slow_ms(HARNESS_HTTP_MS));
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, harness_body_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &bb);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, harness_header_cb);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &hb);
	if (from != NULL && asprintf(&iface, "host!%s", from) != -1)
		curl_easy_setopt(c, CURLOPT_INTERFACE, iface);
	if (strcmp(method, "GET") == 0)
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	else {
		if (strcmp(method, "POST") == 0)
			curl_easy_setopt(c, CURLOPT_POST, 1L);
		else
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
		if (body != NULL || strcmp(method, "POST") == 0) {
			curl_easy_setopt(c, CURLOPT_POSTFIELDS,
			    body != NULL ? body : "");
			curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
			    (curl_off_t)(body != NULL ? body_len : 0));
		}
	}
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &rep->status);
	if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &got_ct) != CURLE_OK)
		got_ct = NULL;
	rep->content_type = strdup(got_ct != NULL ? got_ct : "");
	rep->body = hbuf_finish(&bb, &rep->len);
	rep->headers = hbuf_finish(&hb, NULL);
	bb.s = NULL;
	hb.s = NULL;
	if (rep->content_type == NULL || rep->body == NULL ||
	    rep->headers == NULL)
		goto done;
	/*
	 * A refused upload may end in a reset after the answer was read;
	 * what counts is that an answer came.
	 */
	if (cc != CURLE_OK && rep->status == 0)
		fprintf(stderr, "harness: %s %s: %s\n", method, path,
		    err[0] != '\0' ? err : curl_easy_strerror(cc));
	if (rep->status != 0)
		rc = 0;
done:
	if (rc == -1 && rep->status == 0) {
		harness_reply_clear(rep);
		rep->body = strdup("");
		rep->content_type = strdup("");
		rep->headers = strdup("");
	}
	free(bb.s);
	free(hb.s);
	free(url);
	free(ct);
	curl_slist_free_all(hl);
	if (c != NULL)
		curl_easy_cleanup(c);
	free(iface);
	return rc;
}

/* One blocking HTTP exchange with 127.0.0.1:port. */
int
harness_request_port(int port, const char *method, const char *path,
    const char *content_type, const char *body, size_t body_len,
    const char *const *headers, struct harness_reply *rep)
{
	return harness_exchange(port, NULL, method, path, content_type, body,
	    body_len, headers, rep);
}

/* The same, from another loopback address. */
int
harness_request_from(int port, const char *from, const char *method,
    const char *path, const char *content_type, const char *body,
    size_t body_len, const char *const *headers, struct harness_reply *rep)
{
	return harness_exchange(port, from, method, path, content_type, body,
	    body_len, headers, rep);
}

/* POST a string body. */
int
harness_post(struct harness *h, const char *path, const char *content_type,
    const char *body, const char *const *headers, struct harness_reply *rep)
{
	return harness_request(h, "POST", path, content_type, body,
	    strlen(body), headers, rep);
}

/* GET a path. */
int
harness_get(struct harness *h, const char *path, const char *const *headers,
    struct harness_reply *rep)
{
	return harness_request(h, "GET", path, NULL, NULL, 0, headers, rep);
}

/* Find one response header. */
char *
harness_reply_header(const struct harness_reply *rep, const char *name)
{
	const char	*line, *end, *v;
	size_t		 n = strlen(name);

	if (rep->headers == NULL)
		return NULL;
	for (line = rep->headers; *line != '\0'; line = end) {
		end = strchr(line, '\n');
		end = end != NULL ? end + 1 : line + strlen(line);
		if (strncasecmp(line, name, n) != 0 || line[n] != ':')
			continue;
		v = line + n + 1;
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		while (end > v && (end[-1] == '\n' || end[-1] == '\r' ||
		    end[-1] == ' ' || end[-1] == '\t'))
			end--;
		return strndup(v, (size_t)(end - v));
	}
	return NULL;
}

/* Release a reply. */
void
harness_reply_clear(struct harness_reply *rep)
{
	free(rep->body);
	free(rep->content_type);
	free(rep->headers);
	memset(rep, 0, sizeof(*rep));
}

/* Percent-encode into a buffer. */
static void
harness_encode(struct hbuf *b, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	unsigned char		 c;
	char			 esc[3];

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~') {
			hbuf_add(b, s, 1);
			continue;
		}
		esc[0] = '%';
		esc[1] = hex[c >> 4];
		esc[2] = hex[c & 0xf];
		hbuf_add(b, esc, 3);
	}
}

/* Percent-encode one string. */
char *
harness_urlencode(const char *s)
{
	struct hbuf	 b;

	memset(&b, 0, sizeof(b));
	harness_encode(&b, s);
	return hbuf_finish(&b, NULL);
}

/* Build a form body from name, value pairs. */
char *
harness_form(const char *name, ...)
{
	struct hbuf	 b;
	va_list		 ap;
	const char	*value;

	memset(&b, 0, sizeof(b));
	va_start(ap, name);
	while (name != NULL) {
		value = va_arg(ap, const char *);
		if (b.len > 0)
			hbuf_str(&b, "&");
		harness_encode(&b, name);
		hbuf_str(&b, "=");
		if (value != NULL)
			harness_encode(&b, value);
		name = va_arg(ap, const char *);
	}
	va_end(ap);
	return hbuf_finish(&b, NULL);
}

/* Signal the daemon. */
int
harness_signal(struct harness *h, int sig)
{
	if (h->pid == -1)
		return -1;
	return kill(h->pid, sig);
}

/* Kill the daemon outright and reap it; it may be launched again. */
int
harness_kill9(struct harness *h)
{
	int	 st;

	if (h->pid == -1)
		return -1;
	if (kill(h->pid, SIGKILL) == -1)
		return -1;
	while (waitpid(h->pid, &st, 0) == -1)
		if (errno != EINTR)
			return -1;
	h->pid = -1;
	h->port = -1;
	return 0;
}

/* Wait for a "<text>ADDRESS:PORT" line in the log and return the port. */
int
harness_log_port(const struct harness *h, const char *text, int timeout_ms)
{
	long long	 deadline = harness_now_ms() +
	    harness_slow_ms(timeout_ms);
	char		*log;
	int		 port;

	for (;;) {
		log = harness_log(h);
		port = log != NULL ? harness_parse_port(log, text) : -1;
		free(log);
		if (port != -1)
			return port;
		if (harness_now_ms() > deadline)
			return -1;
		harness_sleep_ms(HARNESS_POLL_MS);
	}
}

/* Reap the daemon within a bound. */
int
harness_wait_exit(struct harness *h, int timeout_ms, int *status)
{
	long long	 deadline = harness_now_ms() +
	    harness_slow_ms(timeout_ms);
	pid_t		 r;
	int		 st;

	if (h->pid == -1)
		return -1;
	for (;;) {
		r = waitpid(h->pid, &st, WNOHANG);
		if (r == h->pid) {
			h->pid = -1;
			if (status != NULL)
				*status = st;
			return 0;
		}
		if (r == -1 && errno != EINTR)
			return -1;
		if (harness_now_ms() > deadline)
			return -1;
		harness_sleep_ms(HARNESS_POLL_MS);
	}
}

/* The whole daemon log. */
char *
harness_log(const struct harness *h)
{
	char	*s;

	s = harness_read_file(h->log_path, NULL);
	if (s == NULL && errno == ENOENT)
		s = strdup("");
	return s;
}

/* Count occurrences of text in the log. */
size_t
harness_log_count(const struct harness *h, const char *text)
{
	const char	*p;
	char		*log;
	size_t		 n = 0;

	log = harness_log(h);
	if (log == NULL || *text == '\0') {
		free(log);
		return 0;
	}
	for (p = strstr(log, text); p != NULL; p = strstr(p + strlen(text),
	    text))
		n++;
	free(log);
	return n;
}

/* Whether the log holds text. */
int
harness_log_contains(const struct harness *h, const char *text)
{
	return harness_log_count(h, text) > 0;
}

/* Wait for text to appear count times in the log. */
int
harness_wait_log(const struct harness *h, const char *text, size_t count,
    int timeout_ms)
{
	long long	 deadline = harness_now_ms() +
	    harness_slow_ms(timeout_ms);

	for (;;) {
		if (harness_log_count(h, text) >= count)
			return 0;
		if (harness_now_ms() > deadline)
			return -1;
		harness_sleep_ms(HARNESS_POLL_MS);
	}
}

/* Ask for the counters line and read one value from it. */
long long
harness_counter(struct harness *h, const char *name)
{
	static const char	 tag[] = "counters: ";
	char			*log, *p, *line = NULL, key[64];
	size_t			 n;
	long long		 v = -1;

	n = harness_log_count(h, tag);
	if (harness_signal(h, SIGUSR1) == -1 ||
	    harness_wait_log(h, tag, n + 1, 5000) == -1)
		return -1;
	log = harness_log(h);
	if (log == NULL)
		return -1;
	for (p = strstr(log, tag); p != NULL; p = strstr(p + 1, tag))
		line = p;
	snprintf(key, sizeof(key), " %s=", name);
	/* The tag ends with a space too. */
	p = line != NULL ? strstr(line, key) : NULL;
	if (p != NULL && strchr(line, '\n') != NULL &&
	    p < strchr(line, '\n'))
		v = strtoll(p + strlen(key), NULL, 10);
	free(log);
	return v;
}

/* An unlinked temporary file to collect a child's output in. */
static int
harness_tmpfile(void)
{
	const char	*tmp;
	char		*path;
	int		 fd;

	tmp = getenv("TMPDIR");
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	if (asprintf(&path, "%s/hotlined-run.XXXXXX", tmp) == -1)
		return -1;
	fd = mkostemp(path, O_CLOEXEC);
	if (fd != -1)
		unlink(path);
	free(path);
	return fd;
}

/* Read a collected output from its start. */
static char *
harness_collect(int fd)
{
	struct hbuf	 b;

	memset(&b, 0, sizeof(b));
	if (lseek(fd, 0, SEEK_SET) == -1 || harness_read_fd(fd, &b) == -1) {
		free(b.s);
		return NULL;
	}
	return hbuf_finish(&b, NULL);
}

/* Run a program to its end and collect what it printed. */
int
harness_run(char *const argv[], int timeout_ms, int *status, char **out,
    char **err)
{
	long long	 deadline;
	pid_t		 parent, pid, r;
	int		 outfd, errfd, nullfd, st, rc = -1;

	*out = NULL;
	*err = NULL;
	outfd = harness_tmpfile();
	errfd = harness_tmpfile();
	nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (outfd == -1 || errfd == -1 || nullfd == -1) {
		fprintf(stderr, "harness: run %s: %s\n", argv[0],
		    strerror(errno));
		goto done;
	}
	parent = getpid();
	pid = fork();
	if (pid == -1)
		goto done;
	if (pid == 0) {
		harness_child_setup(parent, nullfd, outfd, errfd);
		execv(argv[0], argv);
		fprintf(stderr, "harness: exec %s: %s\n", argv[0],
		    strerror(errno));
		_exit(127);
	}
	deadline = harness_now_ms() + harness_slow_ms(timeout_ms);
	for (;;) {
		r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			break;
		if (r == -1 && errno != EINTR)
			goto done;
		if (harness_now_ms() > deadline) {
			fprintf(stderr, "harness: %s still runs after %d ms; "
			    "killing it\n", argv[0], timeout_ms);
			kill(pid, SIGKILL);
			while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
				;
			goto done;
		}
		harness_sleep_ms(HARNESS_POLL_MS);
	}
	*status = st;
	*out = harness_collect(outfd);
	*err = harness_collect(errfd);
	if (*out != NULL && *err != NULL)
		rc = 0;
done:
	if (outfd != -1)
		close(outfd);
	if (errfd != -1)
		close(errfd);
	if (nullfd != -1)
		close(nullfd);
	return rc;
}

/* A copy of a fixture of the source tree. */
struct harness *
harness_check_new(const char *rel)
{
	struct harness	*h;
	char		*fix;

	ck_assert_int_ne(asprintf(&fix, "%s/%s", getenv("TOP_SRCDIR"), rel),
	    -1);
	h = harness_new(fix);
	ck_assert_msg(h != NULL, "cannot copy %s (see stderr)", fix);
	free(fix);
	return h;
}

/* Start the daemon on the copy's hotlined.conf. */
void
harness_check_launch(struct harness *h)
{
	ck_assert_msg(harness_launch(h, "hotlined.conf") == 0,
	    "cannot start hotlined (see stderr)");
}

/* The daemon stops cleanly and leaves no sanitizer report; then clean up. */
void
harness_check_stop(struct harness **hp)
{
	struct harness	*h = *hp;
	char		*log;
	int		 st;

	*hp = NULL;
	if (h == NULL)
		return;
	if (harness_signal(h, SIGTERM) == 0) {
		ck_assert_msg(harness_wait_exit(h, 10000, &st) == 0,
		    "the daemon did not exit on SIGTERM");
		log = harness_log(h);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "the daemon ended with wait status %#x; daemon.log:\n%s",
		    (unsigned)st, log);
		free(log);
	}
	log = harness_log(h);
	ck_assert_ptr_nonnull(log);
	ck_assert_msg(strstr(log, "Sanitizer") == NULL &&
	    strstr(log, "runtime error:") == NULL, "daemon.log:\n%s", log);
	free(log);
	harness_stop(h);
}

/* Run a suite of the program name; see harness.h. */
int
harness_main(const char *name, struct Suite *s)
{
	SRunner		*sr;
	const char	*bin, *top, *tmp;
	char		*run_dir = NULL;
	int		 failed;

	bin = getenv("HOTLINED_BIN");
	top = getenv("TOP_SRCDIR");
	if (bin == NULL || *bin == '\0' || top == NULL || *top == '\0') {
		fprintf(stderr, "%s: set HOTLINED_BIN to the built daemon and "
		    "TOP_SRCDIR to the source tree\n", name);
		return EXIT_FAILURE;
	}
	if (access(bin, X_OK) == -1) {
		fprintf(stderr, "%s: HOTLINED_BIN=%s is not an executable\n",
		    name, bin);
		return EXIT_FAILURE;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "%s: curl_global_init failed\n", name);
		return EXIT_FAILURE;
	}
	tmp = getenv("TMPDIR");
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	if (asprintf(&run_dir, "%s/%s.XXXXXX", tmp, name) == -1 ||
	    mkdtemp(run_dir) == NULL || setenv("TMPDIR", run_dir, 1) == -1) {
		fprintf(stderr, "%s: cannot make a directory in %s\n", name,
		    tmp);
		return EXIT_FAILURE;
	}
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (getenv("HARNESS_KEEP") == NULL)
		harness_rmtree(run_dir);
	free(run_dir);
	curl_global_cleanup();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
