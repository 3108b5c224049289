/* SPDX-License-Identifier: ISC */
/*
 * testutil: temporary files, string-to-menu loading, problem-list
 * searching and channel adapter configuration for the unit suites.
 * Test-only; never linked into the daemon.
 */
#include <sys/stat.h>

#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <check.h>
#include <event2/event.h>
#include <jansson.h>

#include "channel_ops.h"
#include "diag.h"
#include "menu.h"
#include "schema.h"
#include "testutil.h"

static char	tu_dir[PATH_MAX];

/* The test data directory. */
const char *
tu_data_dir(void)
{
	const char	*d = getenv("TEST_DATA_DIR");

	return d != NULL ? d : "tests/data";
}

/* Path under the test data directory. */
const char *
tu_data(const char *rel)
{
	static char	 buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s/%s", tu_data_dir(), rel);
	return buf;
}

/* Make (once per process) a temporary directory. */
const char *
tu_tmpdir(void)
{
	if (tu_dir[0] == '\0') {
		snprintf(tu_dir, sizeof(tu_dir), "/tmp/hotlined-unit.XXXXXX");
		if (mkdtemp(tu_dir) == NULL)
			abort();
	}
	return tu_dir;
}

/* Write a file, creating one level of parent directory. */
char *
tu_write(const char *dir, const char *rel, const char *text)
{
	char	*path, *slash;
	FILE	*fp;

	if (asprintf(&path, "%s/%s", dir, rel) == -1)
		abort();
	slash = strrchr(path, '/');
	*slash = '\0';
	mkdir(path, 0700);
	*slash = '/';
	fp = fopen(path, "w");
	if (fp == NULL)
		abort();
	fputs(text, fp);
	fclose(fp);
	return path;
}

/* Remove one entry during the tree walk. */
static int
tu_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Remove the temporary directory. */
void
tu_cleanup(void)
{
	if (tu_dir[0] != '\0')
		nftw(tu_dir, tu_rm, 8, FTW_DEPTH | FTW_PHYS);
	tu_dir[0] = '\0';
}

/* The test environment: the sample's keys and windows, "now" 30 min. */
void
tu_menu_env(struct menu_env *env, const char *lang0, const char *lang1)
{
	static const struct menu_keys	 keys = { "0", "00", "98", "99" };

	memset(env, 0, sizeof(*env));
	env->languages[0] = lang0;
	env->languages[1] = lang1;
	env->nlang = 2;
	env->keys = &keys;
	env->exit_text = "អរគុណ។";
	env->windows[0] = (struct menu_window){ "morning", 8 * 60, 12 * 60 };
	env->windows[1] = (struct menu_window){ "afternoon", 12 * 60,
	    17 * 60 };
	env->windows[2] = (struct menu_window){ "evening", 17 * 60, 21 * 60 };
	env->nwindows = 3;
	env->now_minutes = 30;
}

/* Load a menu file with the test environment. */
struct menu *
tu_menu_load_file(const char *path, const char *name, const char *lang0,
    const char *lang1, struct diag *d)
{
	struct menu_env	 env;

	tu_menu_env(&env, lang0, lang1);
	return menu_load(path, name, &env, d);
}

/* Load a menu from a string with the default environment. */
struct menu *
tu_menu_load_string(const char *json, struct diag *d)
{
	struct menu	*m;
	char		*path;

	path = tu_write(tu_tmpdir(), "m.json", json);
	m = tu_menu_load_file(path, "m.json", "km", "en", d);
	free(path);
	return m;
}

/* Search collected problems. */
int
tu_diag_has(const struct diag *d, const char *needle)
{
	size_t	 i;

	for (i = 0; i < diag_count(d); i++)
		if (diag_get(d, i) != NULL && strstr(diag_get(d, i), needle))
			return 1;
	return 0;
}

/* Join all problems. */
const char *
tu_diag_all(const struct diag *d)
{
	static char	 buf[4096];
	size_t		 i, o = 0;
	int		 n;

	buf[0] = '\0';
	for (i = 0; i < diag_count(d) && o < sizeof(buf); i++) {
		n = snprintf(buf + o, sizeof(buf) - o, "%s\n",
		    diag_get(d, i) ? diag_get(d, i) : "?");
		if (n < 0)
			break;
		o += (size_t)n;
	}
	return buf;
}

/* Search collected warnings. */
int
tu_warned(const struct diag *d, const char *needle)
{
	size_t	 i;

	for (i = 0; i < diag_warnings(d); i++)
		if (strstr(diag_warning(d, i), needle) != NULL)
			return 1;
	return 0;
}

/* Look a header up in a table, ignoring case. */
const char *
tu_hdr_get(void *arg, const char *name)
{
	const struct tu_hdr	*h = arg;

	for (; h != NULL && h->name != NULL; h++)
		if (strcasecmp(h->name, name) == 0)
			return h->value;
	return NULL;
}

/* Check an entry as channel_new does and configure the adapter. */
int
tu_channel_conf(const struct channel_ops *ops,
    const struct schema_key *common, const char *entry,
    const struct channel_setup *setup, const char *dir, struct diag *d,
    size_t *errors, void **state)
{
	const struct schema_key	*tables[3] = { common, ops->schema, NULL };
	struct schema_doc	 doc;
	json_error_t		 jerr;
	json_t			*e;
	int			 rc;

	memset(&doc, 0, sizeof(doc));
	doc.name = "h.conf";
	doc.dir = dir;
	doc.d = d;
	e = json_loads(entry, 0, &jerr);
	ck_assert_msg(e != NULL, "%s", jerr.text);
	schema_check_union(&doc, e, "/channels/0", tables);
	rc = ops->configure(&doc, e, "/channels/0", setup, state);
	*errors = doc.errors;
	json_decref(e);
	return rc;
}

/* Parse a request with an adapter, as channel_parse does. */
int
tu_parse(const struct channel_ops *ops, const void *st,
    struct channel_request r, struct channel_event *ev, const char **cause)
{
	memset(ev, 0, sizeof(*ev));
	ev->channel = "sms";
	*cause = NULL;
	return ops->parse(st, &r, ev, cause);
}

/* Parse a request that must be taken. */
void
tu_parse_ok(const struct channel_ops *ops, const void *st,
    struct channel_request r, struct channel_event *ev)
{
	const char	*cause;

	ck_assert_msg(tu_parse(ops, st, r, ev, &cause) == 0, "%s", cause);
}

/* Parse a request that must be taken with the text want. */
void
tu_parsed_text(const struct channel_ops *ops, const void *st,
    struct channel_request r, const char *want)
{
	struct channel_event	 ev;

	tu_parse_ok(ops, st, r, &ev);
	ck_assert_str_eq(ev.input, want);
	channel_event_clear(&ev);
}

/* Count UTF-16 units: one per code point, two above U+FFFF. */
size_t
tu_utf16_units(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n = 0;

	for (; *p != '\0'; p++) {
		if ((*p & 0xC0) == 0x80)
			continue;
		n += *p >= 0xF0 ? 2 : 1;
	}
	return n;
}

/* Set a flag when the time-out timer fires. */
static void
tu_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	*(int *)arg = 1;
}

/* Run base until *n reaches want or seconds pass. */
int
tu_loop_wait(struct event_base *base, const int *n, int want, int seconds)
{
	struct timeval	 tv = { seconds, 0 };
	struct event	*ev;
	int		 timed_out = 0;

	ev = evtimer_new(base, tu_timeout_cb, &timed_out);
	if (ev == NULL)
		return -1;
	evtimer_add(ev, &tv);
	while (*n < want && !timed_out)
		event_base_loop(base, EVLOOP_ONCE);
	event_free(ev);
	return *n >= want ? 0 : -1;
}

/* Run base for ms milliseconds. */
void
tu_loop_for(struct event_base *base, int ms)
{
	struct timeval	 tv = { ms / 1000, (ms % 1000) * 1000 };

	event_base_loopexit(base, &tv);
	event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY);
}
