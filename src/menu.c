/* SPDX-License-Identifier: ISC */
/*
 * menu: loads a menu tree from JSON, validates it against the format in
 * docs/menus.md (reporting every problem with file:line:col), and renders a
 * node into pages that fit a screen budget without splitting an option line
 * or a Khmer cluster. Trees are immutable once loaded, so sessions can keep
 * using an old tree after a reload swapped in a new one.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "diag.h"
#include "jsonfile.h"
#include "jsonpos.h"
#include "menu.h"
#include "text.h"

#define MENU_FILE_MAX	(4 * 1024 * 1024)	/* refuse larger files */
#define PTR_MAX		512

struct menu_option {
	char			*key;
	char			*label[MENU_MAX_LANG];
	char			*line[MENU_MAX_LANG];	/* "key. label" */
	enum menu_action	 action;
	char			*next_id;
	const struct menu_node	*next;
	char			*value;			/* input choices only */
};

struct menu_node {
	char			*id;
	enum menu_kind		 kind;
	char			*text[MENU_MAX_LANG];
	struct menu_option	*options;	/* menu options or choices */
	size_t			 noptions;
	char			*next_id;
	const struct menu_node	*next;
	char			*store;
	char			*fields[MENU_CB__COUNT];	/* callback */
	char			*failed[MENU_MAX_LANG];		/* callback */
	enum menu_accept	 accept;
	long			 min;
	long			 max;
	int			 reachable;
};

struct menu {
	char			*name;
	size_t			 nlang;
	char			*langs[MENU_MAX_LANG];
	struct menu_keys	 keys;
	char			*strings[MENU_STR__COUNT][MENU_MAX_LANG];
	char			*more_line[MENU_MAX_LANG];
	char			*back_line[MENU_MAX_LANG];
	struct menu_node	*nodes;
	size_t			 nnodes;
	const struct menu_node	*start;
	struct jsonpos		*jp;	/* kept for locating fit problems */
};

/* Loading context: what every validation helper needs to report. */
struct menu_ld {
	struct menu	*m;
	const char	*name;
	struct diag	*d;
	size_t		 errors;
};

static const char *menu_string_names[MENU_STR__COUNT] = {
	"invalid", "more", "back", "exit", "expired", "when_today_before",
	"when_today_from", "when_tomorrow_from", "when_day_from",
	"when_unknown", "days"
};

static const char *menu_cb_names[MENU_CB__COUNT] = {
	"safe_to_call", "safe_number", "window", "cover", "urgent",
	"province", "topic"
};

/* Report a problem at a JSON pointer (key: point at the member name). */
static void
menu_err(struct menu_ld *ld, const char *ptr, int key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
menu_err(struct menu_ld *ld, const char *ptr, int key, const char *fmt, ...)
{
	char	 msg[512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_at(ld->d, ld->name, ld->m->jp, ptr, key, "%s", msg);
	ld->errors++;
}

/* Append an escaped reference token to a JSON pointer (out may be base). */
static void
ptr_join(char *out, size_t len, const char *base, const char *tok)
{
	size_t	 o;

	/* Appending in place is allowed; snprintf may not overlap. */
	if (out == base)
		o = strlen(out);
	else
		o = (size_t)snprintf(out, len, "%s", base);
	if (o + 1 >= len)
		return;
	out[o++] = '/';
	for (; *tok != '\0' && o + 2 < len; tok++) {
		if (*tok == '~' || *tok == '/') {
			out[o++] = '~';
			out[o++] = *tok == '~' ? '0' : '1';
		} else
			out[o++] = *tok;
	}
	out[o] = '\0';
}

/* Append an array index to a JSON pointer. */
static void
ptr_index(char *out, size_t len, const char *base, size_t i)
{
	snprintf(out, len, "%s/%zu", base, i);
}

/* Report every member of obj whose name is not in the NULL-ended list. */
static void
menu_members(struct menu_ld *ld, json_t *obj, const char *ptr,
    const char *const *allowed)
{
	const char	*k;
	json_t		*v;
	char		 p[PTR_MAX];
	size_t		 i;

	json_object_foreach(obj, k, v) {
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(allowed[i], k) == 0)
				break;
		if (allowed[i] != NULL)
			continue;
		ptr_join(p, sizeof(p), ptr, k);
		menu_err(ld, p, 1, "unknown member \"%s\"", k);
	}
	(void)v;
}

/* Return a required string member as a new copy, or NULL after a report. */
static char *
menu_str(struct menu_ld *ld, json_t *obj, const char *ptr, const char *name,
    int required)
{
	json_t	*v;
	char	 p[PTR_MAX];

	v = json_object_get(obj, name);
	if (v == NULL) {
		if (required)
			menu_err(ld, ptr, 0, "missing \"%s\"", name);
		return NULL;
	}
	ptr_join(p, sizeof(p), ptr, name);
	if (!json_is_string(v) || json_string_length(v) == 0) {
		menu_err(ld, p, 0, "\"%s\" must be a non-empty string", name);
		return NULL;
	}
	if (strlen(json_string_value(v)) != json_string_length(v)) {
		menu_err(ld, p, 0, "\"%s\" must not contain NUL", name);
		return NULL;
	}
	return strdup(json_string_value(v));
}

/*
 * Read a translated text ({"km": "...", "en": "..."}) into out[], one
 * string per configured language. Reports missing translations.
 */
static void
menu_text(struct menu_ld *ld, json_t *obj, const char *ptr, const char *name,
    char **out)
{
	struct menu	*m = ld->m;
	json_t		*t, *v;
	const char	*k;
	char		 p[PTR_MAX], pk[PTR_MAX];
	size_t		 i;

	ptr_join(p, sizeof(p), ptr, name);
	t = json_object_get(obj, name);
	if (t == NULL) {
		menu_err(ld, ptr, 0, "missing \"%s\"", name);
		return;
	}
	if (!json_is_object(t)) {
		menu_err(ld, p, 0, "\"%s\" must be an object with one text "
		    "per language", name);
		return;
	}
	json_object_foreach(t, k, v) {
		for (i = 0; i < m->nlang; i++)
			if (strcmp(m->langs[i], k) == 0)
				break;
		if (i == m->nlang) {
			ptr_join(pk, sizeof(pk), p, k);
			menu_err(ld, pk, 1, "language \"%s\" is not configured",
			    k);
		}
	}
	for (i = 0; i < m->nlang; i++) {
		v = json_object_get(t, m->langs[i]);
		ptr_join(pk, sizeof(pk), p, m->langs[i]);
		if (v == NULL) {
			menu_err(ld, p, 0, "missing translation \"%s\"",
			    m->langs[i]);
			continue;
		}
		if (!json_is_string(v) || json_string_length(v) == 0 ||
		    strlen(json_string_value(v)) != json_string_length(v)) {
			menu_err(ld, pk, 0, "translation \"%s\" must be a "
			    "non-empty string", m->langs[i]);
			continue;
		}
		out[i] = strdup(json_string_value(v));
	}
}

/* Return 1 if s is made of ASCII digits only and fits a key buffer. */
static int
menu_key_ok(const char *s)
{
	size_t	 n;

	n = strlen(s);
	if (n == 0 || n >= MENU_KEY_MAX)
		return 0;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Return 1 if s is a valid node id or store name ([a-z0-9_]+). */
static int
menu_id_ok(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '_'))
			return 0;
	return 1;
}

/* Parse an action name; -1 if unknown. */
static int
menu_action_parse(const char *s)
{
	if (strcmp(s, "language") == 0)
		return MENU_ACT_LANGUAGE;
	if (strcmp(s, "exit") == 0)
		return MENU_ACT_EXIT;
	if (strcmp(s, "main") == 0)
		return MENU_ACT_MAIN;
	if (strcmp(s, "back") == 0)
		return MENU_ACT_BACK;
	return -1;
}

/*
 * Check an option key against the global keys: a global key may only be
 * used by an option that performs that same action.
 */
static void
menu_key_global(struct menu_ld *ld, const char *ptr, const char *key,
    int action)
{
	const struct menu_keys	*k = &ld->m->keys;

	if (strcmp(key, k->back) == 0 && action != MENU_ACT_BACK)
		menu_err(ld, ptr, 0, "key \"%s\" is the global back key", key);
	else if (strcmp(key, k->main) == 0 && action != MENU_ACT_MAIN)
		menu_err(ld, ptr, 0, "key \"%s\" is the global main-menu key",
		    key);
	else if (strcmp(key, k->exit) == 0 && action != MENU_ACT_EXIT)
		menu_err(ld, ptr, 0, "key \"%s\" is the global exit key", key);
	else if (strcmp(key, k->more) == 0)
		menu_err(ld, ptr, 0, "key \"%s\" is the global more key", key);
}

/* Build "key. label" lines for every language of an option. */
static int
menu_option_lines(struct menu *m, struct menu_option *o)
{
	size_t	 i;

	for (i = 0; i < m->nlang; i++) {
		if (o->label[i] == NULL)
			continue;
		if (asprintf(&o->line[i], "%s. %s", o->key,
		    o->label[i]) == -1) {
			o->line[i] = NULL;
			return -1;
		}
	}
	return 0;
}

/*
 * Parse the options array (menu) or choices array (input) of a node.
 * choice selects the member set: choices carry "value", options "action".
 */
static void
menu_options(struct menu_ld *ld, struct menu_node *n, json_t *arr,
    const char *ptr, int choice)
{
	static const char *const opt_members[] = {
		"key", "label", "next", "action", "comment", NULL
	};
	static const char *const choice_members[] = {
		"key", "label", "value", "next", "comment", NULL
	};
	struct menu_option	*o;
	json_t			*v;
	char			 p[PTR_MAX], pk[PTR_MAX];
	char			*act;
	size_t			 i, j;
	int			 a;

	if (!json_is_array(arr) || json_array_size(arr) == 0) {
		menu_err(ld, ptr, 0, "must be a non-empty array");
		return;
	}
	n->options = calloc(json_array_size(arr), sizeof(*n->options));
	if (n->options == NULL) {
		menu_err(ld, ptr, 0, "out of memory");
		return;
	}
	json_array_foreach(arr, i, v) {
		ptr_index(p, sizeof(p), ptr, i);
		if (!json_is_object(v)) {
			menu_err(ld, p, 0, "must be an object");
			continue;
		}
		o = &n->options[n->noptions++];
		menu_members(ld, v, p, choice ? choice_members : opt_members);
		o->key = menu_str(ld, v, p, "key", 1);
		menu_text(ld, v, p, "label", o->label);
		o->next_id = menu_str(ld, v, p, "next", 0);
		o->action = MENU_ACT_NEXT;
		if (choice)
			o->value = menu_str(ld, v, p, "value", 1);
		else {
			act = menu_str(ld, v, p, "action", 0);
			ptr_join(pk, sizeof(pk), p, "action");
			if (act != NULL) {
				a = menu_action_parse(act);
				if (a == -1)
					menu_err(ld, pk, 0, "unknown action "
					    "\"%s\" (language, exit, main, "
					    "back)", act);
				else
					o->action = a;
				if (o->next_id != NULL)
					menu_err(ld, pk, 0, "an option has "
					    "either \"next\" or \"action\"");
			} else if (o->next_id == NULL)
				menu_err(ld, p, 0, "option needs \"next\" or "
				    "\"action\"");
			free(act);
		}
		if (o->key == NULL)
			continue;
		ptr_join(pk, sizeof(pk), p, "key");
		if (!menu_key_ok(o->key)) {
			menu_err(ld, pk, 0, "key \"%s\" must be 1 to %d ASCII "
			    "digits", o->key, MENU_KEY_MAX - 1);
			continue;
		}
		menu_key_global(ld, pk, o->key, o->action);
		for (j = 0; j + 1 < n->noptions; j++)
			if (n->options[j].key != NULL &&
			    strcmp(n->options[j].key, o->key) == 0)
				menu_err(ld, pk, 0, "duplicate option key "
				    "\"%s\"", o->key);
		if (menu_option_lines(ld->m, o) == -1)
			menu_err(ld, p, 0, "out of memory");
	}
}

/* Parse an input node's "accept" object. */
static void
menu_accept_parse(struct menu_ld *ld, struct menu_node *n, json_t *acc,
    const char *ptr)
{
	static const char *const choice_m[] = { "type", "choices", NULL };
	static const char *const digits_m[] = { "type", "min", "max", NULL };
	static const char *const phone_m[] = { "type", NULL };
	json_t	*mn, *mx;
	char	*type;
	char	 p[PTR_MAX];

	if (acc == NULL) {
		menu_err(ld, ptr, 0, "missing \"accept\"");
		return;
	}
	ptr_join(p, sizeof(p), ptr, "accept");
	if (!json_is_object(acc)) {
		menu_err(ld, p, 0, "\"accept\" must be an object");
		return;
	}
	type = menu_str(ld, acc, p, "type", 1);
	if (type == NULL)
		return;
	if (strcmp(type, "choice") == 0) {
		n->accept = MENU_ACCEPT_CHOICE;
		menu_members(ld, acc, p, choice_m);
		ptr_join(p, sizeof(p), p, "choices");
		menu_options(ld, n, json_object_get(acc, "choices"), p, 1);
	} else if (strcmp(type, "digits") == 0) {
		n->accept = MENU_ACCEPT_DIGITS;
		menu_members(ld, acc, p, digits_m);
		mn = json_object_get(acc, "min");
		mx = json_object_get(acc, "max");
		if (!json_is_integer(mn) || !json_is_integer(mx) ||
		    json_integer_value(mn) < 0 ||
		    json_integer_value(mx) > 999999999 ||
		    json_integer_value(mn) > json_integer_value(mx))
			menu_err(ld, p, 0, "digits needs integers \"min\" <= "
			    "\"max\" within 0..999999999");
		else {
			n->min = (long)json_integer_value(mn);
			n->max = (long)json_integer_value(mx);
		}
	} else if (strcmp(type, "phone_kh") == 0) {
		n->accept = MENU_ACCEPT_PHONE_KH;
		menu_members(ld, acc, p, phone_m);
	} else {
		ptr_join(p, sizeof(p), p, "type");
		menu_err(ld, p, 0, "unknown accept type \"%s\" (choice, "
		    "digits, phone_kh)", type);
	}
	free(type);
}

/* Parse a callback node's "fields": answer -> store name. */
static void
menu_cb_fields(struct menu_ld *ld, struct menu_node *n, json_t *f,
    const char *ptr)
{
	const char	*k;
	json_t		*v;
	char		 p[PTR_MAX], pk[PTR_MAX];
	size_t		 i;

	ptr_join(p, sizeof(p), ptr, "fields");
	if (f == NULL) {
		menu_err(ld, ptr, 0, "missing \"fields\"");
		return;
	}
	if (!json_is_object(f)) {
		menu_err(ld, p, 0, "\"fields\" must map answers to store "
		    "names");
		return;
	}
	json_object_foreach(f, k, v) {
		ptr_join(pk, sizeof(pk), p, k);
		for (i = 0; i < MENU_CB__COUNT; i++)
			if (strcmp(k, menu_cb_names[i]) == 0)
				break;
		if (i == MENU_CB__COUNT) {
			menu_err(ld, pk, 1, "unknown field \"%s\" "
			    "(safe_to_call, safe_number, window, cover, "
			    "urgent, province, topic)", k);
			continue;
		}
		if (!json_is_string(v) || !menu_id_ok(json_string_value(v))) {
			menu_err(ld, pk, 0, "must name a store");
			continue;
		}
		n->fields[i] = strdup(json_string_value(v));
	}
}

/* Parse one node object into n. */
static void
menu_node_parse(struct menu_ld *ld, struct menu_node *n, json_t *obj,
    const char *ptr)
{
	static const char *const menu_m[] = {
		"type", "text", "options", "comment", NULL
	};
	static const char *const info_m[] = {
		"type", "text", "next", "comment", NULL
	};
	static const char *const input_m[] = {
		"type", "text", "store", "accept", "next", "comment", NULL
	};
	static const char *const end_m[] = { "type", "text", "comment", NULL };
	static const char *const cb_m[] = {
		"type", "text", "failed", "fields", "comment", NULL
	};
	char	*type;
	char	 p[PTR_MAX];
	size_t	 i;
	int	 all_next;

	if (!json_is_object(obj)) {
		menu_err(ld, ptr, 0, "a node must be an object");
		return;
	}
	type = menu_str(ld, obj, ptr, "type", 1);
	if (type == NULL)
		return;
	ptr_join(p, sizeof(p), ptr, "type");
	if (strcmp(type, "menu") == 0) {
		n->kind = MENU_NODE_MENU;
		menu_members(ld, obj, ptr, menu_m);
		ptr_join(p, sizeof(p), ptr, "options");
		if (json_object_get(obj, "options") == NULL)
			menu_err(ld, ptr, 0, "missing \"options\"");
		else
			menu_options(ld, n, json_object_get(obj, "options"),
			    p, 0);
	} else if (strcmp(type, "info") == 0) {
		n->kind = MENU_NODE_INFO;
		menu_members(ld, obj, ptr, info_m);
		n->next_id = menu_str(ld, obj, ptr, "next", 0);
	} else if (strcmp(type, "input") == 0) {
		n->kind = MENU_NODE_INPUT;
		menu_members(ld, obj, ptr, input_m);
		n->store = menu_str(ld, obj, ptr, "store", 1);
		if (n->store != NULL && !menu_id_ok(n->store)) {
			ptr_join(p, sizeof(p), ptr, "store");
			menu_err(ld, p, 0, "store name \"%s\" must be made of "
			    "a-z, 0-9 and _", n->store);
		}
		menu_accept_parse(ld, n, json_object_get(obj, "accept"), ptr);
		n->next_id = menu_str(ld, obj, ptr, "next", 0);
		all_next = n->accept == MENU_ACCEPT_CHOICE && n->noptions > 0;
		for (i = 0; i < n->noptions; i++)
			if (n->options[i].next_id == NULL)
				all_next = 0;
		if (n->next_id == NULL && !all_next)
			menu_err(ld, ptr, 0, "missing \"next\" (needed unless "
			    "every choice has its own)");
	} else if (strcmp(type, "end") == 0) {
		n->kind = MENU_NODE_END;
		menu_members(ld, obj, ptr, end_m);
	} else if (strcmp(type, "callback") == 0) {
		n->kind = MENU_NODE_CALLBACK;
		menu_members(ld, obj, ptr, cb_m);
		menu_text(ld, obj, ptr, "failed", n->failed);
		menu_cb_fields(ld, n, json_object_get(obj, "fields"), ptr);
	} else {
		menu_err(ld, p, 0, "unknown node type \"%s\" (menu, info, "
		    "input, end, callback)", type);
		free(type);
		return;
	}
	free(type);
	menu_text(ld, obj, ptr, "text", n->text);
}

/* Find a node by id, or NULL. */
static struct menu_node *
menu_find(struct menu *m, const char *id)
{
	size_t	 i;

	for (i = 0; i < m->nnodes; i++)
		if (m->nodes[i].id != NULL && strcmp(m->nodes[i].id, id) == 0)
			return &m->nodes[i];
	return NULL;
}

/* Resolve one reference, reporting a dangling one at ptr. */
static const struct menu_node *
menu_resolve1(struct menu_ld *ld, const char *id, const char *ptr)
{
	const struct menu_node	*t;

	t = menu_find(ld->m, id);
	if (t == NULL)
		menu_err(ld, ptr, 0, "\"%s\" is not a node of this tree", id);
	return t;
}

/* Turn every "next" id into a node pointer. */
static void
menu_resolve(struct menu_ld *ld)
{
	struct menu		*m = ld->m;
	struct menu_node	*n;
	char			 pn[PTR_MAX], p[PTR_MAX], po[PTR_MAX + 64];
	const char		*arr;
	size_t			 i, j;

	for (i = 0; i < m->nnodes; i++) {
		n = &m->nodes[i];
		ptr_join(pn, sizeof(pn), "/nodes", n->id);
		if (n->next_id != NULL) {
			ptr_join(p, sizeof(p), pn, "next");
			n->next = menu_resolve1(ld, n->next_id, p);
		}
		arr = n->kind == MENU_NODE_INPUT ? "accept/choices" : "options";
		for (j = 0; j < n->noptions; j++) {
			if (n->options[j].next_id == NULL)
				continue;
			snprintf(po, sizeof(po), "%s/%s/%zu/next", pn, arr, j);
			n->options[j].next = menu_resolve1(ld,
			    n->options[j].next_id, po);
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
	char		 p[PTR_MAX];
	size_t		 i;

	menu_mark(m->start);
	for (i = 0; i < m->nnodes; i++) {
		if (m->nodes[i].reachable)
			continue;
		ptr_join(p, sizeof(p), "/nodes", m->nodes[i].id);
		menu_err(ld, p, 1, "node \"%s\" is unreachable from the start "
		    "node", m->nodes[i].id);
	}
}

/* Return 1 if some input node of the tree stores under name. */
static int
menu_has_store(const struct menu *m, const char *name)
{
	size_t	 i;

	for (i = 0; i < m->nnodes; i++)
		if (m->nodes[i].store != NULL &&
		    strcmp(m->nodes[i].store, name) == 0)
			return 1;
	return 0;
}

/*
 * Callback nodes take their answers from stores that exist, and need the
 * "when" phrases and seven day names in every language.
 */
static void
menu_check_callbacks(struct menu_ld *ld)
{
	struct menu	*m = ld->m;
	char		 p[PTR_MAX], pf[PTR_MAX];
	const char	*s;
	size_t		 i, j, ncb = 0, bars;

	for (i = 0; i < m->nnodes; i++) {
		if (m->nodes[i].kind != MENU_NODE_CALLBACK)
			continue;
		ncb++;
		ptr_join(p, sizeof(p), "/nodes", m->nodes[i].id);
		ptr_join(p, sizeof(p), p, "fields");
		for (j = 0; j < MENU_CB__COUNT; j++) {
			s = m->nodes[i].fields[j];
			if (s == NULL || menu_has_store(m, s))
				continue;
			ptr_join(pf, sizeof(pf), p, menu_cb_names[j]);
			menu_err(ld, pf, 0, "no input node stores \"%s\"", s);
		}
		for (j = 0; j < m->nlang; j++)
			if (m->nodes[i].text[j] != NULL &&
			    strstr(m->nodes[i].text[j], "{when}") == NULL) {
				ptr_join(pf, sizeof(pf), "/nodes",
				    m->nodes[i].id);
				ptr_join(pf, sizeof(pf), pf, "text");
				ptr_join(pf, sizeof(pf), pf, m->langs[j]);
				menu_err(ld, pf, 0, "the confirmation must say "
				    "{when} the call will come");
			}
	}
	if (ncb == 0)
		return;
	for (i = MENU_STR__REQUIRED; i < MENU_STR__COUNT; i++) {
		if (m->strings[i][0] == NULL) {
			menu_err(ld, "/strings", 0, "missing \"%s\" (callback "
			    "nodes need it)", menu_string_names[i]);
			continue;
		}
		if (i != MENU_STR_DAYS)
			continue;
		for (j = 0; j < m->nlang; j++) {
			bars = 0;
			for (s = m->strings[i][j]; s != NULL && *s != '\0'; s++)
				bars += *s == '|';
			if (m->strings[i][j] != NULL && bars != 6) {
				snprintf(p, sizeof(p), "/strings/days/%s",
				    m->langs[j]);
				menu_err(ld, p, 0, "seven day names, Sunday "
				    "first, separated by |");
			}
		}
	}
}

/* A conversation keeps at most MENU_MAX_STORES distinct answers. */
static void
menu_count_stores(struct menu_ld *ld)
{
	struct menu	*m = ld->m;
	size_t		 i, j, n = 0;

	for (i = 0; i < m->nnodes; i++) {
		if (m->nodes[i].store == NULL)
			continue;
		for (j = 0; j < i; j++)
			if (m->nodes[j].store != NULL &&
			    strcmp(m->nodes[j].store, m->nodes[i].store) == 0)
				break;
		if (j == i)
			n++;
	}
	if (n > MENU_MAX_STORES)
		menu_err(ld, "/nodes", 0, "%zu distinct \"store\" names; at "
		    "most %d are kept per session", n, MENU_MAX_STORES);
}

/* Build the footer lines ("98. More", "0. Back") for every language. */
static int
menu_footers(struct menu *m)
{
	size_t	 i;
	char	*more, *back;

	for (i = 0; i < m->nlang; i++) {
		more = m->strings[MENU_STR_MORE][i];
		back = m->strings[MENU_STR_BACK][i];
		if (more == NULL || back == NULL)
			continue;
		if (asprintf(&m->more_line[i], "%s. %s", m->keys.more,
		    more) == -1) {
			m->more_line[i] = NULL;
			return -1;
		}
		if (asprintf(&m->back_line[i], "%s. %s", m->keys.back,
		    back) == -1) {
			m->back_line[i] = NULL;
			return -1;
		}
	}
	return 0;
}

/* Load, validate and prepare a tree. */
struct menu *
menu_load(const char *file, const char *name, const struct menu_env *env,
    struct diag *d)
{
	static const char *const root_m[] = {
		"start", "strings", "nodes", "comment", NULL
	};
	struct menu_ld	 ld;
	struct menu	*m = NULL;
	struct jsonfile	 jf;
	json_t		*root, *strings, *nodes, *v;
	char		*start = NULL;
	const char	*k;
	char		 p[PTR_MAX];
	size_t		 i;

	memset(&ld, 0, sizeof(ld));
	if (jsonfile_load(file, name, MENU_FILE_MAX, &jf, d) == -1)
		return NULL;
	root = jf.root;
	m = calloc(1, sizeof(*m));
	if (m == NULL || (m->name = strdup(name)) == NULL) {
		diag_add(d, "%s: out of memory", name);
		goto fail;
	}
	m->jp = jf.jp;
	jf.jp = NULL;
	m->nlang = env->nlang;
	for (i = 0; i < env->nlang; i++)
		m->langs[i] = strdup(env->languages[i]);
	m->keys = *env->keys;
	ld.m = m;
	ld.name = name;
	ld.d = d;

	if (!json_is_object(root)) {
		menu_err(&ld, "", 0, "a menu file must hold a JSON object");
		goto fail;
	}
	menu_members(&ld, root, "", root_m);

	strings = json_object_get(root, "strings");
	if (!json_is_object(strings))
		menu_err(&ld, strings ? "/strings" : "", 0,
		    "\"strings\" must be an object");
	else {
		static const char *const str_m[] = {
			"invalid", "more", "back", "exit", "expired",
			"when_today_before", "when_today_from",
			"when_tomorrow_from", "when_day_from", "when_unknown",
			"days", "comment", NULL
		};
		menu_members(&ld, strings, "/strings", str_m);
		for (i = 0; i < MENU_STR__COUNT; i++)
			if (i < MENU_STR__REQUIRED ||
			    json_object_get(strings, menu_string_names[i]))
				menu_text(&ld, strings, "/strings",
				    menu_string_names[i], m->strings[i]);
	}

	nodes = json_object_get(root, "nodes");
	if (!json_is_object(nodes) || json_object_size(nodes) == 0) {
		menu_err(&ld, nodes ? "/nodes" : "", 0,
		    "\"nodes\" must be a non-empty object");
		goto fail;
	}
	m->nodes = calloc(json_object_size(nodes), sizeof(*m->nodes));
	if (m->nodes == NULL) {
		diag_add(d, "%s: out of memory", name);
		goto fail;
	}
	json_object_foreach(nodes, k, v) {
		struct menu_node *n = &m->nodes[m->nnodes++];

		ptr_join(p, sizeof(p), "/nodes", k);
		n->id = strdup(k);
		if (!menu_id_ok(k))
			menu_err(&ld, p, 1, "node id \"%s\" must be made of "
			    "a-z, 0-9 and _", k);
		menu_node_parse(&ld, n, v, p);
	}
	menu_resolve(&ld);

	start = menu_str(&ld, root, "", "start", 1);
	if (start != NULL) {
		m->start = menu_resolve1(&ld, start, "/start");
		if (m->start != NULL && (m->start->kind == MENU_NODE_END ||
		    m->start->kind == MENU_NODE_CALLBACK))
			menu_err(&ld, "/start", 0, "the start node must not "
			    "be an end or callback node");
	}
	if (m->start != NULL)
		menu_reachability(&ld);
	menu_count_stores(&ld);
	menu_check_callbacks(&ld);
	if (menu_footers(m) == -1)
		diag_add(d, "%s: out of memory", name);
	if (ld.errors > 0)
		goto fail;
	free(start);
	jsonfile_clear(&jf);
	return m;
fail:
	free(start);
	jsonfile_clear(&jf);
	menu_free(m);
	return NULL;
}

/* Free an option's strings. */
static void
menu_option_free(struct menu_option *o)
{
	size_t	 i;

	free(o->key);
	for (i = 0; i < MENU_MAX_LANG; i++) {
		free(o->label[i]);
		free(o->line[i]);
	}
	free(o->next_id);
	free(o->value);
}

/* Free a tree and everything it owns. */
void
menu_free(struct menu *m)
{
	struct menu_node	*n;
	size_t			 i, j;

	if (m == NULL)
		return;
	for (i = 0; i < m->nnodes; i++) {
		n = &m->nodes[i];
		free(n->id);
		for (j = 0; j < MENU_MAX_LANG; j++)
			free(n->text[j]);
		for (j = 0; j < n->noptions; j++)
			menu_option_free(&n->options[j]);
		free(n->options);
		free(n->next_id);
		free(n->store);
		for (j = 0; j < MENU_CB__COUNT; j++)
			free(n->fields[j]);
		for (j = 0; j < MENU_MAX_LANG; j++)
			free(n->failed[j]);
	}
	free(m->nodes);
	for (i = 0; i < MENU_MAX_LANG; i++) {
		free(m->langs[i]);
		free(m->more_line[i]);
		free(m->back_line[i]);
		for (j = 0; j < MENU_STR__COUNT; j++)
			free(m->strings[j][i]);
	}
	jsonpos_free(m->jp);
	free(m->name);
	free(m);
}

/* The tree's name. */
const char *
menu_name(const struct menu *m)
{
	return m->name;
}

/* The start node. */
const struct menu_node *
menu_start(const struct menu *m)
{
	return m->start;
}

/* Whether the tree stores callback requests. */
int
menu_has_callback(const struct menu *m)
{
	size_t	 i;

	for (i = 0; i < m->nnodes; i++)
		if (m->nodes[i].kind == MENU_NODE_CALLBACK)
			return 1;
	return 0;
}

/* Number of languages. */
size_t
menu_nlang(const struct menu *m)
{
	return m->nlang;
}

/* The global keys. */
const struct menu_keys *
menu_keys(const struct menu *m)
{
	return &m->keys;
}

/* A tree-wide string. */
const char *
menu_string(const struct menu *m, enum menu_string s, size_t lang)
{
	return m->strings[s][lang < m->nlang ? lang : 0];
}

/* One piece of a screen: the text, whether it may be split, its size. */
struct menu_block {
	const char	*s;
	size_t		 len;
	int		 split;
	size_t		 size;
};

/* A growing output buffer for one page. */
struct menu_buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
	int	 oom;
};

/* Append bytes to a page buffer. */
static void
menu_buf_add(struct menu_buf *b, const char *s, size_t len)
{
	char	*ns;
	size_t	 ncap;

	if (b->oom)
		return;
	if (b->len + len + 1 > b->cap) {
		ncap = (b->len + len + 1) * 2;
		ns = realloc(b->s, ncap);
		if (ns == NULL) {
			b->oom = 1;
			return;
		}
		b->s = ns;
		b->cap = ncap;
	}
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

/* Append a line, with a newline before it unless it is the first. */
static void
menu_buf_line(struct menu_buf *b, const char *s, size_t len)
{
	if (b->len > 0)
		menu_buf_add(b, "\n", 1);
	menu_buf_add(b, s, len);
}

/* Store a finished page into the screen. */
static int
menu_push_page(struct menu_screen *out, struct menu_buf *b)
{
	char	**np;

	if (b->oom || b->s == NULL) {
		free(b->s);
		return -1;
	}
	np = reallocarray(out->pages, out->npages + 1, sizeof(*np));
	if (np == NULL) {
		free(b->s);
		return -1;
	}
	out->pages = np;
	out->pages[out->npages++] = b->s;
	return 0;
}

/*
 * Pack blocks into pages. A page carries "more" when another page follows
 * (or more_last is set), and "back" when it is not the first page or
 * can_back is set. Returns 0, or -1 with *bad set to the index of the
 * block that cannot fit any page (or nb on memory exhaustion).
 */
static int
menu_pack(struct menu_block *bl, size_t nb, enum text_encoding enc,
    size_t limit, const char *more, const char *back, int can_back,
    int more_last, struct menu_screen *out, size_t *bad)
{
	struct menu_buf	 b;
	size_t		 more_sz, back_sz, bi = 0, off = 0, used, rest, i;
	size_t		 fixed, budget, sep, sz, cut;
	int		 last;

	more_sz = text_measure(more, strlen(more), enc) + 1;
	back_sz = text_measure(back, strlen(back), enc) + 1;
	*bad = nb;
	while (bi < nb) {
		memset(&b, 0, sizeof(b));
		fixed = (out->npages > 0 || can_back) ? back_sz : 0;
		/* Does everything left fit on a last page? */
		rest = text_measure(bl[bi].s + off, bl[bi].len - off, enc);
		for (i = bi + 1; i < nb; i++)
			rest += 1 + bl[i].size;
		last = rest + fixed + (more_last ? more_sz : 0) <= limit;
		if (fixed + more_sz >= limit) {
			*bad = bi;
			return -1;
		}
		budget = limit - fixed - (last && !more_last ? 0 : more_sz);
		used = 0;
		while (bi < nb) {
			sep = used > 0 ? 1 : 0;
			sz = off == 0 ? bl[bi].size : text_measure(bl[bi].s +
			    off, bl[bi].len - off, enc);
			if (used + sep + sz <= budget) {
				menu_buf_line(&b, bl[bi].s + off,
				    bl[bi].len - off);
				used += sep + sz;
				bi++;
				off = 0;
				continue;
			}
			if (!bl[bi].split || used + sep >= budget)
				break;
			cut = text_cut(bl[bi].s + off, bl[bi].len - off, enc,
			    budget - used - sep);
			if (cut == 0)
				break;
			menu_buf_line(&b, bl[bi].s + off, cut);
			used += sep + text_measure(bl[bi].s + off, cut, enc);
			off += cut;
			off += text_skip_breaks(bl[bi].s + off,
			    bl[bi].len - off);
			if (off >= bl[bi].len) {
				bi++;
				off = 0;
			}
			break;
		}
		if (used == 0) {
			*bad = bi;
			free(b.s);
			return -1;
		}
		if (bi < nb || more_last)
			menu_buf_line(&b, more, strlen(more));
		if (fixed > 0)
			menu_buf_line(&b, back, strlen(back));
		if (menu_push_page(out, &b) == -1)
			return -1;
	}
	return 0;
}

/* Render n into at most a few blocks and pack them into pages. */
static int
menu_render1(const struct menu *m, const struct menu_node *n, size_t lang,
    const struct menu_limits *lim, int flags, struct menu_screen *out,
    size_t *bad)
{
	struct menu_block	*bl;
	enum text_encoding	 enc = TEXT_GSM7;
	const char		*more, *back;
	size_t			 nb = 0, i, total = 0;
	int			 rc = -1;

	memset(out, 0, sizeof(*out));
	*bad = 0;
	if (lang >= m->nlang)
		lang = 0;
	bl = calloc(n->noptions + 2, sizeof(*bl));
	if (bl == NULL)
		return -1;
	/* An END screen never takes input, so it never shows an error. */
	if (n->kind == MENU_NODE_END)
		flags &= ~MENU_RENDER_ERROR;
	if (flags & MENU_RENDER_ERROR)
		bl[nb++].s = m->strings[MENU_STR_INVALID][lang];
	bl[nb++].s = n->text[lang];
	for (i = 0; i < nb; i++)
		bl[i].split = 1;
	for (i = 0; i < n->noptions; i++)
		bl[nb++].s = n->options[i].line[lang];
	more = m->more_line[lang];
	back = m->back_line[lang];

	/* One encoding for the whole screen: any UCS-2 text makes it UCS-2. */
	for (i = 0; i < nb; i++) {
		bl[i].len = strlen(bl[i].s);
		if (text_encoding_of(bl[i].s, bl[i].len) == TEXT_UCS2)
			enc = TEXT_UCS2;
	}
	if (n->kind != MENU_NODE_END &&
	    (text_encoding_of(more, strlen(more)) == TEXT_UCS2 ||
	    text_encoding_of(back, strlen(back)) == TEXT_UCS2))
		enc = TEXT_UCS2;
	for (i = 0; i < nb; i++) {
		bl[i].size = text_measure(bl[i].s, bl[i].len, enc);
		total += bl[i].size + (i > 0 ? 1 : 0);
	}
	out->enc = enc;
	out->size = total;
	out->limit = enc == TEXT_GSM7 ? lim->gsm7 : lim->ucs2;

	if (n->kind == MENU_NODE_END) {
		/* An END screen cannot page: the session is over. */
		if (total > out->limit) {
			*bad = 0;
			goto done;
		}
		struct menu_buf b;
		memset(&b, 0, sizeof(b));
		for (i = 0; i < nb; i++)
			menu_buf_line(&b, bl[i].s, bl[i].len);
		rc = menu_push_page(out, &b);
		goto done;
	}
	rc = menu_pack(bl, nb, enc, out->limit, more, back,
	    (flags & MENU_RENDER_CAN_BACK) != 0,
	    n->kind == MENU_NODE_INFO && n->next != NULL, out, bad);
	/* Report the block index without the error line. */
	if (rc == -1 && (flags & MENU_RENDER_ERROR) && *bad > 0)
		(*bad)--;
done:
	free(bl);
	if (rc == -1)
		menu_screen_clear(out);
	return rc;
}

/* Render a node into pages. */
int
menu_render(const struct menu *m, const struct menu_node *n, size_t lang,
    const struct menu_limits *lim, int flags, struct menu_screen *out)
{
	size_t	 bad;

	return menu_render1(m, n, lang, lim, flags, out, &bad);
}

/* Release a rendered screen. */
void
menu_screen_clear(struct menu_screen *s)
{
	size_t	 i;

	for (i = 0; i < s->npages; i++)
		free(s->pages[i]);
	free(s->pages);
	s->pages = NULL;
	s->npages = 0;
}

/* Check that a tree-wide END text fits one screen. */
static size_t
menu_check_string(const struct menu *m, enum menu_string s,
    const struct menu_limits *lim, struct diag *d)
{
	enum text_encoding	 enc;
	const char		*t;
	size_t			 i, sz, limit, bad = 0;
	char			 p[PTR_MAX];

	for (i = 0; i < m->nlang; i++) {
		t = m->strings[s][i];
		enc = text_encoding_of(t, strlen(t));
		sz = text_measure(t, strlen(t), enc);
		limit = enc == TEXT_GSM7 ? lim->gsm7 : lim->ucs2;
		if (sz <= limit)
			continue;
		snprintf(p, sizeof(p), "/strings/%s/%s", menu_string_names[s],
		    m->langs[i]);
		diag_at(d, m->name, m->jp, p, 0, "%s text is %zu %s units, "
		    "over the one-screen limit of %zu", text_encoding_name(enc),
		    sz, text_encoding_name(enc), limit);
		bad++;
	}
	return bad;
}

/* Replace every "{key}" in tmpl by val; a new string or NULL. */
static char *
menu_subst(const char *tmpl, const char *key, const char *val)
{
	struct menu_buf	 b;
	const char	*p;
	size_t		 kl = strlen(key);

	memset(&b, 0, sizeof(b));
	menu_buf_add(&b, "", 0);
	while ((p = strstr(tmpl, key)) != NULL) {
		menu_buf_add(&b, tmpl, (size_t)(p - tmpl));
		menu_buf_add(&b, val, strlen(val));
		tmpl = p + kl;
	}
	menu_buf_add(&b, tmpl, strlen(tmpl));
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

/* Day name wday (0 Sunday) of the "days" string into buf. */
static void
menu_day(const struct menu *m, size_t lang, int wday, char *buf, size_t len)
{
	const char	*s = m->strings[MENU_STR_DAYS][lang], *bar;
	int		 i;

	buf[0] = '\0';
	if (s == NULL || wday < 0 || wday > 6)
		return;
	for (i = 0; i < wday && s != NULL; i++) {
		s = strchr(s, '|');
		if (s != NULL)
			s++;
	}
	if (s == NULL)
		return;
	bar = strchr(s, '|');
	snprintf(buf, len, "%.*s", (int)(bar ? (size_t)(bar - s) : strlen(s)),
	    s);
}

/* The confirmation with {when} filled in. */
char *
menu_callback_text(const struct menu *m, const struct menu_node *n,
    size_t lang, enum menu_when w, int hour, int minute, int wday)
{
	char	 hm[16], day[128], *a = NULL, *b = NULL, *out = NULL;

	if (lang >= m->nlang)
		lang = 0;
	snprintf(hm, sizeof(hm), "%02d:%02d", hour, minute);
	menu_day(m, lang, wday, day, sizeof(day));
	a = menu_subst(m->strings[MENU_STR_WHEN_TODAY_BEFORE + w][lang],
	    "{time}", hm);
	if (a != NULL)
		b = menu_subst(a, "{day}", day);
	if (b != NULL)
		out = menu_subst(n->text[lang], "{when}", b);
	free(a);
	free(b);
	return out;
}

/* The text shown when a request could not be stored. */
const char *
menu_callback_failed(const struct menu_node *n, size_t lang)
{
	return n->failed[lang < MENU_MAX_LANG && n->failed[lang] ? lang : 0];
}

/* The store a callback field comes from. */
const char *
menu_node_field(const struct menu_node *n, enum menu_cb_field f)
{
	return n->fields[f];
}

/* A callback field's name. */
const char *
menu_cb_field_name(enum menu_cb_field f)
{
	return menu_cb_names[f];
}

/* Size of one END text in its own encoding, and that encoding's limit. */
static size_t
menu_end_size(const char *t, const struct menu_limits *lim, size_t *limit,
    enum text_encoding *encp)
{
	enum text_encoding	 enc = text_encoding_of(t, strlen(t));

	*limit = enc == TEXT_GSM7 ? lim->gsm7 : lim->ucs2;
	*encp = enc;
	return text_measure(t, strlen(t), enc);
}

/*
 * Check a callback node: its longest confirmation (every "when" phrase,
 * every day name) and its failure text must fit one END screen.
 */
static size_t
menu_check_callback(const struct menu *m, const struct menu_node *n,
    const struct menu_limits *lim, struct diag *d, FILE *report)
{
	enum text_encoding	 enc, wenc = TEXT_GSM7;
	size_t			 l, sz, limit, worst, wlimit = 0, errors = 0;
	int			 w, day;
	char			*t, p[PTR_MAX];

	for (l = 0; l < m->nlang; l++) {
		worst = 0;
		for (w = MENU_WHEN_TODAY_BEFORE; w <= MENU_WHEN_UNKNOWN; w++)
			for (day = 0; day < 7; day++) {
				t = menu_callback_text(m, n, l, w, 23, 59,
				    day);
				if (t == NULL)
					return errors + 1;
				sz = menu_end_size(t, lim, &limit, &enc);
				if (sz > worst || (sz == worst &&
				    limit < wlimit)) {
					worst = sz;
					wlimit = limit;
					wenc = enc;
				}
				free(t);
			}
		ptr_join(p, sizeof(p), "/nodes", n->id);
		if (worst > wlimit) {
			diag_at(d, m->name, m->jp, p, 1, "confirmation [%s] "
			    "can take %zu %s units, over the one-screen limit "
			    "of %zu", m->langs[l], worst,
			    text_encoding_name(wenc), wlimit);
			errors++;
		}
		sz = menu_end_size(n->failed[l], lim, &limit, &enc);
		if (sz > limit) {
			diag_at(d, m->name, m->jp, p, 1, "failed text [%s] "
			    "does not fit one screen (%zu %s units, limit %zu)",
			    m->langs[l], sz, text_encoding_name(enc), limit);
			errors++;
		}
		if (report != NULL)
			fprintf(report, "%s: %-20s [%s] %s %zu/%zu at most, "
			    "1 page\n", m->name, n->id, m->langs[l],
			    text_encoding_name(wenc), worst, wlimit);
	}
	return errors;
}

/* Check and report every screen against a budget. */
size_t
menu_check_fit(const struct menu *m, const struct menu_limits *lim,
    struct diag *d, FILE *report)
{
	const struct menu_node	*n;
	struct menu_screen	 scr;
	char			 p[PTR_MAX];
	size_t			 i, l, bad, errors = 0;
	const char		*arr;

	errors += menu_check_string(m, MENU_STR_EXIT, lim, d);
	errors += menu_check_string(m, MENU_STR_EXPIRED, lim, d);
	for (i = 0; i < m->nnodes; i++) {
		n = &m->nodes[i];
		if (n->kind == MENU_NODE_CALLBACK) {
			errors += menu_check_callback(m, n, lim, d, report);
			continue;
		}
		for (l = 0; l < m->nlang; l++) {
			/* The worst case: error line and back footer. */
			if (menu_render1(m, n, l, lim, MENU_RENDER_ERROR |
			    MENU_RENDER_CAN_BACK, &scr, &bad) == -1) {
				errors++;
				ptr_join(p, sizeof(p), "/nodes", n->id);
				arr = n->kind == MENU_NODE_INPUT ?
				    "accept/choices" : "options";
				if (n->kind == MENU_NODE_END)
					diag_at(d, m->name, m->jp, p, 1,
					    "end text [%s] does not fit one "
					    "screen (%zu %s units, limit "
					    "%zu)", m->langs[l], scr.size,
					    text_encoding_name(scr.enc),
					    scr.limit);
				else if (bad >= 1 && bad - 1 < n->noptions) {
					char po[PTR_MAX + 64];

					snprintf(po, sizeof(po), "%s/%s/%zu",
					    p, arr, bad - 1);
					diag_at(d, m->name, m->jp, po, 0,
					    "option line [%s] cannot fit any "
					    "page with its footers (limit %zu "
					    "%s units)", m->langs[l],
					    scr.limit,
					    text_encoding_name(scr.enc));
				} else
					diag_at(d, m->name, m->jp, p, 1,
					    "screen [%s] cannot be paged "
					    "within %zu %s units", m->langs[l],
					    scr.limit,
					    text_encoding_name(scr.enc));
				continue;
			}
			menu_screen_clear(&scr);
			if (report == NULL)
				continue;
			if (menu_render1(m, n, l, lim, n == m->start ? 0 :
			    MENU_RENDER_CAN_BACK, &scr, &bad) == -1)
				continue;
			fprintf(report, "%s: %-20s [%s] %s %zu/%zu, %zu "
			    "page%s\n", m->name, n->id, m->langs[l],
			    text_encoding_name(scr.enc), scr.size, scr.limit,
			    scr.npages, scr.npages == 1 ? "" : "s");
			menu_screen_clear(&scr);
		}
	}
	return errors;
}

/* Node id. */
const char *
menu_node_id(const struct menu_node *n)
{
	return n->id;
}

/* Node kind. */
enum menu_kind
menu_node_kind(const struct menu_node *n)
{
	return n->kind;
}

/* The node an info or input node continues to. */
const struct menu_node *
menu_node_next(const struct menu_node *n)
{
	return n->next;
}

/* The answer name of an input node. */
const char *
menu_node_store(const struct menu_node *n)
{
	return n->store;
}

/* How an input node validates. */
enum menu_accept
menu_node_accept(const struct menu_node *n)
{
	return n->accept;
}

/* The range of a digits input. */
void
menu_node_range(const struct menu_node *n, long *min, long *max)
{
	*min = n->min;
	*max = n->max;
}

/* Find an option by key. */
const struct menu_option *
menu_node_option(const struct menu_node *n, const char *key)
{
	size_t	 i;

	for (i = 0; i < n->noptions; i++)
		if (strcmp(n->options[i].key, key) == 0)
			return &n->options[i];
	return NULL;
}

/* What an option does. */
enum menu_action
menu_option_action(const struct menu_option *o)
{
	return o->action;
}

/* Where an option leads. */
const struct menu_node *
menu_option_next(const struct menu_option *o)
{
	return o->next;
}

/* The value a choice stores. */
const char *
menu_option_value(const struct menu_option *o)
{
	return o->value;
}

/* Normalise a Cambodian phone number to +855 followed by 8 or 9 digits. */
int
menu_phone_kh(const char *in, char *buf, size_t len)
{
	char	 d[32];
	size_t	 n = 0;
	const char *nsn;
	int	 plus = 0;

	for (; *in != '\0'; in++) {
		if (*in == ' ' || *in == '-' || *in == '.')
			continue;
		if (*in == '+' && n == 0 && !plus) {
			plus = 1;
			continue;
		}
		if (*in < '0' || *in > '9' || n + 1 >= sizeof(d))
			return -1;
		d[n++] = *in;
	}
	d[n] = '\0';
	if (n > 3 && memcmp(d, "855", 3) == 0) {
		nsn = d + 3;
		if (nsn[0] == '0')
			nsn++;	/* +855 0xx... is a common mistake */
	} else if (!plus && d[0] == '0')
		nsn = d + 1;
	else
		return -1;
	n = strlen(nsn);
	if (n < 8 || n > 9 || nsn[0] == '0')
		return -1;
	if (snprintf(buf, len, "+855%s", nsn) >= (int)len)
		return -1;
	return 0;
}
