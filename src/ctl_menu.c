/* SPDX-License-Identifier: ISC */
/*
 * ctl_menu: hotlinectl menu check and menu graph. Both load the
 * configuration as hotlined -t does (admin_load, the same checks) and
 * listen to the screen budgets it measures: check prints them as a table,
 * graph draws the tree in Graphviz's DOT with each node's budget, piped
 * through dot -Tsvg when asked. The measuring is menu_fit.c's.
 */
#include <sys/wait.h>

#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "channel.h"
#include "conf.h"
#include "ctl.h"
#include "menu.h"
#include "text.h"

#define CTL_MANY_PAGES	3	/* a screen of this many pages is long */
#define CTL_NEAR_PCT	90	/* a page this full is near the limit */
#define CTL_TITLE_MAX	24	/* characters of a node's title */

/* One measured screen, copied out of the report. */
struct ctl_row {
	char			*menu;
	char			*channel;
	char			*node;
	char			*lang;
	enum text_encoding	 enc;
	size_t			 used;
	size_t			 limit;
	size_t			 pages;
	int			 at_most;
	size_t			 sms_parts;
	enum text_encoding	 sms_enc;
};

/* Every row of a report and the channel being reported. */
struct ctl_rows {
	struct ctl_row	*v;
	size_t		 n;
	size_t		 cap;
	const char	*channel;	/* borrowed while loading */
	char		*cur;		/* copy of channel */
	int		 oom;
};

/* Free the rows. */
static void
ctl_rows_free(struct ctl_rows *rs)
{
	size_t	 i;

	for (i = 0; i < rs->n; i++) {
		free(rs->v[i].menu);
		free(rs->v[i].channel);
		free(rs->v[i].node);
		free(rs->v[i].lang);
	}
	free(rs->v);
	free(rs->cur);
	memset(rs, 0, sizeof(*rs));
}

/* The report names the channel whose screens follow. */
static void
ctl_rows_channel_cb(const char *menu, const char *channel,
    const struct menu_limits *lim, void *arg)
{
	struct ctl_rows	*rs = arg;

	(void)menu;
	(void)lim;
	free(rs->cur);
	rs->cur = strdup(channel);
	if (rs->cur == NULL)
		rs->oom = 1;
}

/* Keep a copy of one screen's row. */
static void
ctl_rows_screen_cb(const struct menu_fit_row *row, void *arg)
{
	struct ctl_rows	*rs = arg;
	struct ctl_row	*r, *v;

	if (rs->n == rs->cap) {
		v = reallocarray(rs->v, rs->cap ? rs->cap * 2 : 64,
		    sizeof(*v));
		if (v == NULL) {
			rs->oom = 1;
			return;
		}
		rs->v = v;
		rs->cap = rs->cap ? rs->cap * 2 : 64;
	}
	r = &rs->v[rs->n];
	memset(r, 0, sizeof(*r));
	r->menu = strdup(row->menu);
	r->channel = strdup(rs->cur != NULL ? rs->cur : "");
	r->node = strdup(row->node);
	r->lang = strdup(row->lang);
	if (r->menu == NULL || r->channel == NULL || r->node == NULL ||
	    r->lang == NULL)
		rs->oom = 1;
	r->enc = row->enc;
	r->used = row->used;
	r->limit = row->limit;
	r->pages = row->pages;
	r->at_most = row->at_most;
	r->sms_parts = row->sms_parts;
	r->sms_enc = row->sms_enc;
	rs->n++;
}

/* Load file as hotlined -t does, keeping every row in rs. */
static struct conf *
ctl_menu_load(const char *file, struct ctl_rows *rs)
{
	struct conf_report	 rep;

	memset(rs, 0, sizeof(*rs));
	rep.channel = ctl_rows_channel_cb;
	rep.screen = ctl_rows_screen_cb;
	rep.arg = rs;
	return admin_load(file, &rep);
}

/* The width of the widest of the strings at offset off of each row. */
static int
ctl_width(const struct ctl_rows *rs, const char *head, size_t off)
{
	size_t	 i, w = strlen(head), n;

	for (i = 0; i < rs->n; i++) {
		n = strlen(*(char **)((char *)&rs->v[i] + off));
		if (n > w)
			w = n;
	}
	return (int)w;
}

/* Print the rows as a table. */
static void
ctl_check_table(const struct ctl_rows *rs)
{
	const struct ctl_row	*r;
	char			 units[48], sms[32];
	size_t			 i;
	int			 wm, wc, wn;

	wm = ctl_width(rs, "MENU", offsetof(struct ctl_row, menu));
	wc = ctl_width(rs, "CHANNEL", offsetof(struct ctl_row, channel));
	wn = ctl_width(rs, "NODE", offsetof(struct ctl_row, node));
	printf("%-*s  %-*s  %-*s  %-4s  %-8s  %-11s  %5s  %s\n", wm, "MENU",
	    wc, "CHANNEL", wn, "NODE", "LANG", "ENCODING", "UNITS/LIMIT",
	    "PAGES", "SMS");
	for (i = 0; i < rs->n; i++) {
		r = &rs->v[i];
		snprintf(units, sizeof(units), "%s%zu/%zu", r->at_most ?
		    "<=" : "", r->used, r->limit);
		if (r->sms_parts > 0)
			snprintf(sms, sizeof(sms), "%zu %s", r->sms_parts,
			    text_encoding_name(r->sms_enc));
		else
			snprintf(sms, sizeof(sms), "-");
		printf("%-*s  %-*s  %-*s  %-4s  %-8s  %-11s  %5zu  %s\n", wm,
		    r->menu, wc, r->channel, wn, r->node, r->lang,
		    text_encoding_name(r->enc), units, r->pages, sms);
	}
}

/* Usage of menu check on fp. */
static void
ctl_check_usage(FILE *fp)
{
	fprintf(fp, "usage: hotlinectl menu check [-c conf] [FILE]\n"
	    "  Check the configuration FILE (default: -c, else %s)\n"
	    "  and every menu it names, as hotlined -t does, and print\n"
	    "  each screen: menu, channel, node, language, encoding,\n"
	    "  units of the largest page against the limit, pages and SMS\n"
	    "  parts. Exit 0 when all is well, 1 on any problem.\n",
	    ctl_default_conf());
}

/* hotlinectl menu check. */
static int
ctl_menu_check(int argc, char *argv[])
{
	static const struct option	 opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctl_rows			 rs;
	struct conf			*c;
	const char			*file = ctl_default_conf();
	int				 ch, rc;

	ctl_getopt_reset();
	while ((ch = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			file = optarg;
			break;
		case 'h':
			ctl_check_usage(stdout);
			return CTL_OK;
		default:
			ctl_check_usage(stderr);
			return CTL_USAGE;
		}
	}
	if (argc - optind > 1) {
		ctl_check_usage(stderr);
		return CTL_USAGE;
	}
	if (argc - optind == 1)
		file = argv[optind];
	fflush(stdout);
	c = ctl_menu_load(file, &rs);
	if (rs.oom) {
		ctl_warnx("out of memory");
		rc = CTL_FAIL;
	} else {
		ctl_check_table(&rs);
		rc = c != NULL ? CTL_OK : CTL_FAIL;
		if (c != NULL)
			printf("configuration OK\n");
		else
			fprintf(stderr, "configuration check failed\n");
	}
	conf_unref(c);
	ctl_rows_free(&rs);
	return rc;
}

/* Write s as the inside of a DOT string: quotes and backslashes escaped. */
static void
ctl_dot_str(FILE *fp, const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n && s[i] != '\0'; i++) {
		if (s[i] == '"' || s[i] == '\\')
			fputc('\\', fp);
		if (s[i] == '\n')
			fputs("\\n", fp);
		else if ((unsigned char)s[i] >= 0x20)
			fputc(s[i], fp);
	}
}

/*
 * The first line of t cut after about CTL_TITLE_MAX characters, never
 * inside a Khmer cluster (text_cut_ok), written escaped.
 */
static void
ctl_dot_title(FILE *fp, const char *t)
{
	size_t	 i, chars = 0, n = strcspn(t, "\n");

	for (i = 0; i < n; i++) {
		if (((unsigned char)t[i] & 0xc0) == 0x80)
			continue;
		if (chars >= CTL_TITLE_MAX && text_cut_ok(t, n, i))
			break;
		chars++;
	}
	ctl_dot_str(fp, t, i);
	if (i < n)
		fputs("...", fp);
}

/* The worst row of node id of menu (largest share of its limit). */
static const struct ctl_row *
ctl_worst(const struct ctl_rows *rs, const char *menu, const char *id,
    size_t *most_pages)
{
	const struct ctl_row	*r, *w = NULL;
	size_t			 i;

	*most_pages = 0;
	for (i = 0; i < rs->n; i++) {
		r = &rs->v[i];
		if (strcmp(r->menu, menu) != 0 || strcmp(r->node, id) != 0)
			continue;
		if (r->pages > *most_pages)
			*most_pages = r->pages;
		if (w == NULL || r->used * w->limit > w->used * r->limit)
			w = r;
	}
	return w;
}

/*
 * Mark in path (by node index) the nodes from which a callback node can
 * be reached, the callback nodes included: the way to a call back.
 */
static int
ctl_mark_path(const struct menu *m, const struct menu_node *n, char *path,
    char *seen)
{
	const struct menu_option	*o;
	const struct menu_node		*t;
	size_t				 i, idx;
	int				 on = 0;

	for (idx = 0; menu_node_at(m, idx) != n; idx++)
		;
	if (seen[idx])
		return path[idx];
	seen[idx] = 1;
	if (menu_node_kind(n) == MENU_NODE_CALLBACK)
		on = 1;
	if (menu_node_request(n) != NULL)
		on = 1;
	t = menu_node_next(n);
	if (t != NULL && ctl_mark_path(m, t, path, seen))
		on = 1;
	for (i = 0; (o = menu_node_option_at(n, i)) != NULL; i++) {
		if (menu_option_request(o) != NULL)
			on = 1;
		t = menu_option_next(o);
		if (t != NULL && ctl_mark_path(m, t, path, seen))
			on = 1;
	}
	path[idx] = (char)on;
	return on;
}

/* The index of n in m. */
static size_t
ctl_index(const struct menu *m, const struct menu_node *n)
{
	size_t	 i;

	for (i = 0; menu_node_at(m, i) != n; i++)
		;
	return i;
}

/* The DOT name of a node: "menu/id". */
static void
ctl_dot_name(FILE *fp, const char *menu, const struct menu_node *n)
{
	fputc('"', fp);
	ctl_dot_str(fp, menu, (size_t)-1);
	fputc('/', fp);
	ctl_dot_str(fp, menu_node_id(n), (size_t)-1);
	fputc('"', fp);
}

/* The shape of a kind of node. */
static const char *
ctl_shape(enum menu_kind k)
{
	switch (k) {
	case MENU_NODE_MENU:
		return "box";
	case MENU_NODE_INFO:
		return "note";
	case MENU_NODE_INPUT:
		return "parallelogram";
	case MENU_NODE_END:
		return "oval";
	case MENU_NODE_CALLBACK:
		return "doubleoctagon";
	}
	return "box";
}

/* One node's statement: its label, shape and colours. */
static void
ctl_dot_node(FILE *fp, const char *mname, const struct menu *m,
    const struct menu_node *n, const struct ctl_rows *rs, int on_path)
{
	const struct ctl_row	*w;
	const char		*t, *fill = "white";
	size_t			 pages;

	w = ctl_worst(rs, menu_name(m), menu_node_id(n), &pages);
	fputs("\t\t", fp);
	ctl_dot_name(fp, mname, n);
	fputs(" [label=\"", fp);
	ctl_dot_str(fp, menu_node_id(n), (size_t)-1);
	t = menu_node_title(n, 0);
	if (t != NULL) {
		fputs("\\n", fp);
		ctl_dot_title(fp, t);
	}
	if (menu_node_store(n) != NULL) {
		fputs("\\nstore: ", fp);
		ctl_dot_str(fp, menu_node_store(n), (size_t)-1);
	}
	if (w != NULL) {
		fprintf(fp, "\\n%s %s%zu/%zu, %zu page%s",
		    text_encoding_name(w->enc), w->at_most ? "<=" : "",
		    w->used, w->limit, pages, pages == 1 ? "" : "s");
		if (w->used > w->limit)
			fill = "#f4a6a6";		/* over the budget */
		else if (pages >= CTL_MANY_PAGES)
			fill = "#ffe08a";		/* many pages */
		else if (w->used * 100 >= w->limit * CTL_NEAR_PCT)
			fill = "#ffd0a0";		/* near the limit */
	}
	fprintf(fp, "\", shape=%s, style=filled, fillcolor=\"%s\"", ctl_shape(
	    menu_node_kind(n)), fill);
	if (on_path)
		fputs(", color=\"#1f5fbf\", penwidth=2.5", fp);
	if (n == menu_start(m))
		fputs(", peripheries=2", fp);
	fputs("];\n", fp);
}

/* One edge a to b with a label (may be NULL); on the callback path: bold. */
static void
ctl_dot_edge(FILE *fp, const char *mname, const struct menu_node *a,
    const struct menu_node *b, const char *key, const char *label,
    int on_path, int files)
{
	fputs("\t\t", fp);
	ctl_dot_name(fp, mname, a);
	fputs(" -> ", fp);
	ctl_dot_name(fp, mname, b);
	fputs(" [label=\"", fp);
	if (key != NULL) {
		ctl_dot_str(fp, key, (size_t)-1);
		fputs(". ", fp);
	}
	if (label != NULL)
		ctl_dot_title(fp, label);
	fputc('"', fp);
	if (files)
		fputs(", style=dashed, color=\"#1f5fbf\", fontcolor="
		    "\"#1f5fbf\"", fp);
	else if (on_path)
		fputs(", color=\"#1f5fbf\", penwidth=2.5", fp);
	fputs("];\n", fp);
}

/* The edges out of node n. */
static void
ctl_dot_edges(FILE *fp, const char *mname, const struct menu *m,
    const struct menu_node *n, const char *path)
{
	const struct menu_option	*o;
	const struct menu_node		*t;
	size_t				 i;
	int				 on;

	on = path[ctl_index(m, n)];
	t = menu_node_next(n);
	if (t != NULL)
		ctl_dot_edge(fp, mname, n, t, NULL, menu_node_kind(n) ==
		    MENU_NODE_INPUT ? "answer" : "next", on &&
		    path[ctl_index(m, t)], 0);
	if (menu_node_request(n) != NULL)
		ctl_dot_edge(fp, mname, n, menu_node_request(n), NULL,
		    "files the request", 1, 1);
	for (i = 0; (o = menu_node_option_at(n, i)) != NULL; i++) {
		t = menu_option_next(o);
		if (t != NULL && menu_option_action(o) == MENU_ACT_NEXT)
			ctl_dot_edge(fp, mname, n, t, menu_option_key(o),
			    menu_option_label(o, 0), on &&
			    path[ctl_index(m, t)], 0);
		if (menu_option_request(o) != NULL)
			ctl_dot_edge(fp, mname, n, menu_option_request(o),
			    menu_option_key(o), "files the request", 1, 1);
	}
}

/* One menu as a cluster; 0, or -1 out of memory. */
static int
ctl_dot_menu(FILE *fp, const char *mname, const struct menu *m,
    const struct ctl_rows *rs, size_t nth)
{
	const struct menu_node	*n;
	char			*path, *seen;
	size_t			 i, nn;

	for (nn = 0; menu_node_at(m, nn) != NULL; nn++)
		;
	path = calloc(nn + 1, 1);
	seen = calloc(nn + 1, 1);
	if (path == NULL || seen == NULL) {
		free(path);
		free(seen);
		return -1;
	}
	if (menu_start(m) != NULL)
		ctl_mark_path(m, menu_start(m), path, seen);
	fprintf(fp, "\tsubgraph cluster_%zu {\n\t\tlabel=\"menu ", nth);
	ctl_dot_str(fp, mname, (size_t)-1);
	fputs("\";\n", fp);
	for (i = 0; (n = menu_node_at(m, i)) != NULL; i++)
		ctl_dot_node(fp, mname, m, n, rs, path[i]);
	for (i = 0; (n = menu_node_at(m, i)) != NULL; i++)
		ctl_dot_edges(fp, mname, m, n, path);
	fputs("\t}\n", fp);
	free(path);
	free(seen);
	return 0;
}

/*
 * The graph of every menu of c that channels use (only the one called
 * only, when not NULL) on fp. Returns 0, 1 when no menu is called only,
 * -1 out of memory.
 */
static int
ctl_dot(FILE *fp, const struct conf *c, const struct ctl_rows *rs,
    const char *only)
{
	const struct channel	*ch, *prev;
	size_t			 i, j, nth = 0;

	fputs("digraph hotlined {\n"
	    "\tgraph [rankdir=LR, fontname=\"Noto Sans\", "
	    "labelloc=t];\n"
	    "\tnode [fontname=\"Noto Sans\", fontsize=10];\n"
	    "\tedge [fontname=\"Noto Sans\", fontsize=9];\n", fp);
	for (i = 0; (ch = conf_channel_at(c, i)) != NULL; i++) {
		if (channel_menu(ch) == NULL)
			continue;
		if (only != NULL && strcmp(channel_menu_name(ch), only) != 0)
			continue;
		for (j = 0; j < i; j++) {
			prev = conf_channel_at(c, j);
			if (channel_menu(prev) == channel_menu(ch))
				break;
		}
		if (j < i)
			continue;
		if (ctl_dot_menu(fp, channel_menu_name(ch), channel_menu(ch),
		    rs, nth++) == -1)
			return -1;
	}
	fputs("}\n", fp);
	return nth == 0 ? 1 : 0;
}

/* Whether prog is an executable in $PATH. */
static int
ctl_in_path(const char *prog)
{
	const char	*p = getenv("PATH"), *q;
	char		 buf[4096];
	size_t		 n;

	for (; p != NULL && *p != '\0'; p = *q != '\0' ? q + 1 : q) {
		q = strchr(p, ':');
		if (q == NULL)
			q = p + strlen(p);
		n = (size_t)(q - p);
		if (n == 0 || n + strlen(prog) + 2 > sizeof(buf))
			continue;
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, p, prog);
		if (access(buf, X_OK) == 0)
			return 1;
	}
	return 0;
}

/* Usage of menu graph on fp. */
static void
ctl_graph_usage(FILE *fp)
{
	fprintf(fp, "usage: hotlinectl menu graph [-c conf] [--svg] "
	    "[--menu NAME]\n"
	    "  Print the menu trees of the configuration (default %s)\n"
	    "  as a Graphviz DOT graph: each node with its id, title and\n"
	    "  budget; long or nearly full screens coloured, the way to a\n"
	    "  call back in blue. --svg: as SVG, through Graphviz's dot.\n"
	    "  --menu NAME: only that menu.\n", ctl_default_conf());
}

/* hotlinectl menu graph. */
static int
ctl_menu_graph(int argc, char *argv[])
{
	static const struct option	 opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "menu", required_argument, NULL, 'm' },
		{ "svg", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctl_rows			 rs;
	struct conf			*c = NULL;
	const char			*file = ctl_default_conf();
	const char			*only = NULL;
	FILE				*fp = stdout;
	int				 ch, svg = 0, rc = CTL_FAIL, st, g;

	ctl_getopt_reset();
	while ((ch = getopt_long(argc, argv, "c:m:sh", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			file = optarg;
			break;
		case 'm':
			only = optarg;
			break;
		case 's':
			svg = 1;
			break;
		case 'h':
			ctl_graph_usage(stdout);
			return CTL_OK;
		default:
			ctl_graph_usage(stderr);
			return CTL_USAGE;
		}
	}
	if (optind != argc) {
		ctl_graph_usage(stderr);
		return CTL_USAGE;
	}
	if (svg && !ctl_in_path("dot")) {
		ctl_warnx("--svg needs Graphviz's dot, which is not in PATH "
		    "(apt-get install graphviz), or leave --svg out for DOT");
		return CTL_FAIL;
	}
	c = ctl_menu_load(file, &rs);
	if (c == NULL) {
		ctl_warnx("%s: the configuration has errors (see hotlinectl "
		    "menu check): no graph", file);
		goto out;
	}
	if (rs.oom) {
		ctl_warnx("out of memory");
		goto out;
	}
	fflush(stdout);
	if (svg) {
		fp = popen("dot -Tsvg", "w");
		if (fp == NULL) {
			ctl_warnx("cannot run dot: %s", strerror(errno));
			goto out;
		}
	}
	g = ctl_dot(fp, c, &rs, only);
	if (svg) {
		st = pclose(fp);
		if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			ctl_warnx("dot -Tsvg failed");
			g = g == 0 ? -1 : g;
		}
	} else if (fflush(stdout) == EOF || ferror(stdout)) {
		ctl_warnx("stdout: %s", strerror(errno));
		g = -1;
	}
	if (g == 1)
		ctl_warnx("no channel uses a menu%s%s", only != NULL ?
		    " called " : "", only != NULL ? only : "");
	else if (g == -1 && !svg)
		ctl_warnx("out of memory");
	rc = g == 0 ? CTL_OK : CTL_FAIL;
out:
	conf_unref(c);
	ctl_rows_free(&rs);
	return rc;
}

/* Usage of menu on fp. */
static void
ctl_menu_usage(FILE *fp)
{
	fprintf(fp, "usage: hotlinectl menu check [-c conf] [FILE]\n"
	    "       hotlinectl menu graph [-c conf] [--svg] [--menu NAME]\n"
	    "  check: every screen's budget, as hotlined -t checks it\n"
	    "  graph: the menu tree as a Graphviz graph\n");
}

/* hotlinectl menu: check or graph. */
static int
ctl_menu_run(int argc, char *argv[])
{
	if (argc >= 2 && strcmp(argv[1], "check") == 0)
		return ctl_menu_check(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "graph") == 0)
		return ctl_menu_graph(argc - 1, argv + 1);
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		ctl_menu_usage(stdout);
		return CTL_OK;
	}
	ctl_menu_usage(stderr);
	return CTL_USAGE;
}

const struct ctl_command ctl_cmd_menu = {
	"menu", "check a menu's screens, or draw it as a graph",
	ctl_menu_run
};
