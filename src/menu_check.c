/* SPDX-License-Identifier: ISC */
/*
 * menu_check: the rules of a menu tree that no table of keys can say,
 * because they span nodes: references, reachability, the answers a
 * conversation keeps, the placeholders of every text, what callback nodes
 * need, and that no screen promises a call before a request is filed.
 * Reading the file and the shape of each object are menu_load.c's job.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "menu.h"
#include "menu_tree.h"
#include "schema.h"

/* The placeholders each when_* phrase may use (and must, marked '!'). */
static const char *menu_string_vars[MENU_STR__COUNT] = {
	[MENU_STR_WHEN_WITHIN] = "!minutes",
	[MENU_STR_WHEN_TODAY_BEFORE] = "!time",
	[MENU_STR_WHEN_TONIGHT_BEFORE] = "!time",
	[MENU_STR_WHEN_TODAY_FROM] = "!time",
	[MENU_STR_WHEN_TOMORROW_FROM] = "!time",
	[MENU_STR_WHEN_DAY_FROM] = "!time !day",
	[MENU_STR_WHEN_UNKNOWN] = "",
};

/* Return 1 if the word of allowed at a (up to a space) is name. */
static int
menu_var_is(const char *a, const char *name, size_t n)
{
	const char	*sp = strchr(a, ' ');
	size_t		 wn = sp != NULL ? (size_t)(sp - a) : strlen(a);

	return wn == n && strncmp(a, name, n) == 0;
}

/* The next word of a space-separated list, or NULL after the last. */
static const char *
menu_var_next(const char *a)
{
	const char	*sp = strchr(a, ' ');

	return sp != NULL ? sp + 1 : NULL;
}

/* Check the placeholders of a text. */
int
menu_vars_check(struct menu_ld *ld, const char *ptr, const char *s,
    const char *allowed, menu_var_cb check, const char *what)
{
	const char	*p, *q, *a;
	char		 name[64], want[64];
	size_t		 n, wn;
	int		 any = 0, ok;

	for (p = strchr(s, '{'); p != NULL; p = strchr(q, '{')) {
		q = strchr(p, '}');
		if (q == NULL)
			break;
		n = (size_t)(q - p - 1);
		any = 1;
		snprintf(name, sizeof(name), "%.*s", (int)(n < 63 ? n : 63),
		    p + 1);
		ok = 0;
		for (a = allowed; a != NULL && *a != '\0'; a = menu_var_next(a))
			if (menu_var_is(*a == '!' ? a + 1 : a, p + 1, n))
				ok = 1;
		if (!ok && check != NULL)
			ok = check(ld, ptr, p + 1, n);
		if (!ok)
			schema_err(&ld->doc, ptr, 0, "{%s} is not a "
			    "placeholder %s can use", name, what);
	}
	for (a = allowed; a != NULL && *a != '\0'; a = menu_var_next(a)) {
		if (*a != '!')
			continue;
		wn = strcspn(a + 1, " ");
		snprintf(want, sizeof(want), "{%.*s}", (int)wn, a + 1);
		if (strstr(s, want) == NULL)
			schema_err(&ld->doc, ptr, 0, "%s must say %s", what,
			    want);
	}
	return any;
}

/* Resolve one reference, reporting a dangling one at ptr. */
static const struct menu_node *
menu_resolve1(struct menu_ld *ld, const char *id, const char *ptr)
{
	const struct menu_node	*t;

	t = menu_find_node(ld->m, id);
	if (t == NULL)
		schema_err(&ld->doc, ptr, 0, "\"%s\" is not a node of this "
		    "tree", id);
	return t;
}

/* Resolve a "request" reference: it must name a callback node. */
static const struct menu_node *
menu_resolve_request(struct menu_ld *ld, const char *id, const char *ptr)
{
	const struct menu_node	*t;

	t = menu_resolve1(ld, id, ptr);
	if (t != NULL && t->kind != MENU_NODE_CALLBACK) {
		schema_err(&ld->doc, ptr, 0, "\"%s\" is not a callback node: "
		    "\"request\" names the callback node whose request the "
		    "answer files", id);
		return NULL;
	}
	return t;
}

/*
 * Resolve the "next" and "request" of a node or option whose pointer is
 * base (next_id and request_id may be NULL).
 */
static void
menu_resolve_pair(struct menu_ld *ld, const char *base, const char *next_id,
    const struct menu_node **next, const char *request_id,
    const struct menu_node **request)
{
	char	 p[SCHEMA_PTR_MAX];

	if (next_id != NULL)
		*next = menu_resolve1(ld, next_id, schema_ptr(p, sizeof(p),
		    base, "next"));
	if (request_id != NULL)
		*request = menu_resolve_request(ld, request_id,
		    schema_ptr(p, sizeof(p), base, "request"));
}

/* Turn every "next" and "request" id into a node pointer. */
static void
menu_resolve(struct menu_ld *ld)
{
	struct menu		*m = ld->m;
	struct menu_node	*n;
	struct menu_option	*o;
	char			 p[SCHEMA_PTR_MAX];
	size_t			 i, j;

	for (i = 0; i < m->nnodes; i++) {
		n = &m->nodes[i];
		menu_resolve_pair(ld, schema_ptr(p, sizeof(p), "/nodes",
		    n->id), n->next_id, &n->next, n->request_id, &n->request);
		for (j = 0; j < n->noptions; j++) {
			o = &n->options[j];
			menu_resolve_pair(ld, menu_option_ptr(p, sizeof(p), n,
			    j), o->next_id, &o->next, o->request_id,
			    &o->request);
		}
	}
}

/* Mark every node reachable from n. */
static void
menu_mark(const struct menu_node *cn)
{
	struct menu_node	*n = (struct menu_node *)cn;
	size_t			 i;

	if (n == NULL || n->reachable)
		return;
	n->reachable = 1;
	menu_mark(n->next);
	for (i = 0; i < n->noptions; i++)
		menu_mark(n->options[i].next);
}

/* Report nodes that no path from the start node reaches. */
static void
menu_reachability(struct menu_ld *ld)
{
	struct menu	*m = ld->m;
	char		 p[SCHEMA_PTR_MAX];
	size_t		 i;

	menu_mark(m->start);
	for (i = 0; i < m->nnodes; i++) {
		if (m->nodes[i].reachable)
			continue;
		schema_ptr(p, sizeof(p), "/nodes", m->nodes[i].id);
		schema_err(&ld->doc, p, 1, "node \"%s\" is unreachable from "
		    "the start node", m->nodes[i].id);
	}
}

/*
 * Mark (in seen, by node index) every node reachable from n before any
 * answer files a request: the edges out of a filing answer are not
 * followed.
 */
static void
menu_mark_unfiled(const struct menu *m, const struct menu_node *n,
    char *seen)
{
	const struct menu_option	*o;
	size_t				 i;

	if (n == NULL || seen[n - m->nodes])
		return;
	seen[n - m->nodes] = 1;
	if (n->request != NULL)
		return;			/* every answer here files */
	if (n->kind != MENU_NODE_INPUT || n->accept != MENU_ACCEPT_CHOICE)
		menu_mark_unfiled(m, n->next, seen);
	for (i = 0; i < n->noptions; i++) {
		o = &n->options[i];
		if (o->request != NULL)
			continue;
		menu_mark_unfiled(m, o->next != NULL ? o->next : n->next,
		    seen);
	}
}

/* The input node that stores under name. */
const struct menu_node *
menu_store_node(const struct menu *m, const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < m->nnodes; i++)
		if (m->nodes[i].store != NULL &&
		    strlen(m->nodes[i].store) == len &&
		    strncmp(m->nodes[i].store, name, len) == 0)
			return &m->nodes[i];
	return NULL;
}

/* A {name} in a node's text may show an earlier typed answer. */
static int
menu_store_var(struct menu_ld *ld, const char *ptr, const char *name,
    size_t len)
{
	const struct menu_node	*s;

	s = menu_store_node(ld->m, name, len);
	if (s == NULL)
		return 0;
	if (s->accept == MENU_ACCEPT_CHOICE)
		schema_err(&ld->doc, ptr, 0, "{%.*s} is a choice: only a typed "
		    "answer (phone_kh or digits) can be shown back", (int)len,
		    name);
	return 1;
}

/* The pointer /nodes/ID/MEMBER/LANG into buf. */
static const char *
menu_text_ptr(char *buf, size_t len, const struct menu *m,
    const struct menu_node *n, const char *member, size_t lang)
{
	schema_ptr(buf, len, "/nodes", n->id);
	schema_ptr(buf, len, buf, member);
	return schema_ptr(buf, len, buf, m->langs[lang]);
}

/* The placeholders of one node's text and failed text. */
static void
menu_node_vars(struct menu_ld *ld, struct menu_node *n)
{
	struct menu	*m = ld->m;
	char		 p[SCHEMA_PTR_MAX];
	size_t		 l;

	for (l = 0; l < m->nlang; l++) {
		if (n->text[l] == NULL)
			continue;
		menu_text_ptr(p, sizeof(p), m, n, "text", l);
		if (n->kind == MENU_NODE_CALLBACK)
			menu_vars_check(ld, p, n->text[l], "!when", NULL,
			    "the confirmation");
		else if (menu_vars_check(ld, p, n->text[l], "when",
		    menu_store_var, "a screen"))
			n->vars = 1;
	}
	for (l = 0; l < m->nlang; l++)
		if (n->failed[l] != NULL)
			menu_vars_check(ld, menu_text_ptr(p, sizeof(p), m, n,
			    "failed", l), n->failed[l], "", NULL,
			    "the failed text");
}

/* Return 1 if some text of n says {when}. */
static int
menu_says_when(const struct menu *m, const struct menu_node *n)
{
	size_t	 l;

	for (l = 0; l < m->nlang; l++)
		if (n->text[l] != NULL && strstr(n->text[l], "{when}") != NULL)
			return 1;
	return 0;
}

/*
 * The placeholders of every node's text: {when} (the honest time of the
 * filed request) and {store} of a typed answer; a callback node's
 * confirmation must say {when}; and a screen that says {when} must not be
 * reachable before an answer has filed the request, since it promises a
 * call.
 */
static void
menu_check_vars(struct menu_ld *ld)
{
	struct menu		*m = ld->m;
	struct menu_node	*n;
	char			 p[SCHEMA_PTR_MAX], *seen;
	size_t			 i;

	for (i = 0; i < m->nnodes; i++)
		menu_node_vars(ld, &m->nodes[i]);
	if (m->start == NULL)
		return;
	seen = calloc(m->nnodes, 1);
	if (seen == NULL) {
		schema_err(&ld->doc, "/nodes", 0, "out of memory");
		return;
	}
	menu_mark_unfiled(m, m->start, seen);
	for (i = 0; i < m->nnodes; i++) {
		n = &m->nodes[i];
		if (!seen[i] || n->kind == MENU_NODE_CALLBACK ||
		    !menu_says_when(m, n))
			continue;
		schema_ptr(p, sizeof(p), "/nodes", n->id);
		schema_err(&ld->doc, p, 1, "\"%s\" says {when} but can be "
		    "reached before any answer files the request "
		    "(\"request\"): it would promise a call that is not "
		    "stored", n->id);
	}
	free(seen);
}

/* The number of '|' in s. */
static size_t
menu_bars(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		n += *s == '|';
	return n;
}

/* The pointer /strings/NAME/LANG into buf. */
static const char *
menu_string_ptr(char *buf, size_t len, const struct menu *m,
    enum menu_string s, size_t lang)
{
	schema_ptr(buf, len, "/strings", menu_string_name(s));
	return schema_ptr(buf, len, buf, m->langs[lang]);
}

/*
 * Callback nodes take their answers from stores that exist, and need the
 * "when" phrases and seven day names in every language.
 */
static void
menu_check_callbacks(struct menu_ld *ld)
{
	struct menu	*m = ld->m;
	char		 p[SCHEMA_PTR_MAX], pf[SCHEMA_PTR_MAX];
	const char	*s;
	size_t		 i, j, ncb = 0;

	for (i = 0; i < m->nnodes; i++) {
		if (m->nodes[i].kind != MENU_NODE_CALLBACK)
			continue;
		ncb++;
		schema_ptr(p, sizeof(p), "/nodes", m->nodes[i].id);
		schema_ptr(p, sizeof(p), p, "fields");
		for (j = 0; j < MENU_CB__COUNT; j++) {
			s = m->nodes[i].fields[j];
			if (s == NULL || menu_store_node(m, s, strlen(s)))
				continue;
			schema_ptr(pf, sizeof(pf), p, menu_cb_field_name(j));
			schema_err(&ld->doc, pf, 0, "no input node stores "
			    "\"%s\"", s);
		}
	}
	if (ncb == 0)
		return;
	for (i = MENU_STR__CALLBACK; i < MENU_STR__COUNT; i++)
		if (m->strings[i][0] == NULL)
			schema_err(&ld->doc, "/strings", 0, "missing \"%s\" "
			    "(callback nodes need it)", menu_string_name(i));
	for (j = 0; j < m->nlang; j++) {
		s = m->strings[MENU_STR_DAYS][j];
		if (s != NULL && menu_bars(s) != 6)
			schema_err(&ld->doc, menu_string_ptr(p, sizeof(p), m,
			    MENU_STR_DAYS, j), 0, "seven day names, Sunday "
			    "first, separated by |");
	}
}

/* The placeholders of the strings, and the 24 names of "hours". */
static void
menu_check_strings(struct menu_ld *ld)
{
	struct menu	*m = ld->m;
	char		 p[SCHEMA_PTR_MAX];
	const char	*s;
	size_t		 i, j;

	for (i = 0; i < MENU_STR__COUNT; i++)
		for (j = 0; j < m->nlang; j++) {
			s = m->strings[i][j];
			if (s == NULL || i == MENU_STR_DAYS)
				continue;
			menu_string_ptr(p, sizeof(p), m, i, j);
			if (i == MENU_STR_HOURS) {
				if (menu_bars(s) != 23)
					schema_err(&ld->doc, p, 0, "24 ways to "
					    "say an hour, 0 to 23, separated "
					    "by |");
				menu_vars_check(ld, p, s, "h", NULL, "an hour");
			} else
				menu_vars_check(ld, p, s, menu_string_vars[i] ?
				    menu_string_vars[i] : "", NULL,
				    menu_string_name(i));
		}
}

/* A conversation keeps at most MENU_MAX_STORES distinct answers. */
static void
menu_count_stores(struct menu_ld *ld)
{
	struct menu	*m = ld->m;
	size_t		 i, n = 0;

	for (i = 0; i < m->nnodes; i++)
		if (m->nodes[i].store != NULL && menu_store_node(m,
		    m->nodes[i].store, strlen(m->nodes[i].store)) ==
		    &m->nodes[i])
			n++;
	if (n > MENU_MAX_STORES)
		schema_err(&ld->doc, "/nodes", 0, "%zu distinct \"store\" "
		    "names; at most %d are kept per session", n,
		    MENU_MAX_STORES);
}

/* Check the rules between the nodes of a parsed tree. */
void
menu_check_tree(struct menu_ld *ld, const char *start)
{
	struct menu	*m = ld->m;

	menu_resolve(ld);
	if (start != NULL) {
		m->start = menu_resolve1(ld, start, "/start");
		if (m->start != NULL && (m->start->kind == MENU_NODE_END ||
		    m->start->kind == MENU_NODE_CALLBACK))
			schema_err(&ld->doc, "/start", 0, "the start node must "
			    "not be an end or callback node");
	}
	if (m->start != NULL)
		menu_reachability(ld);
	menu_count_stores(ld);
	menu_check_strings(ld);
	menu_check_callbacks(ld);
	menu_check_vars(ld);
}
