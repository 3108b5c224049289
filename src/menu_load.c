/* SPDX-License-Identifier: ISC */
/*
 * menu_load: reads a menu file (docs/menus.md) into a tree. Each object of
 * the format is one table of keys, checked by the schema walker and
 * printed by menu_print_keys; what a table cannot say about one object
 * (translations, option keys, ids, a label's placeholders) is checked
 * here as it is read, and the rules between nodes in menu_check.c. The
 * tree itself and its accessors are menu.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "diag.h"
#include "jsonfile.h"
#include "jsonpos.h"
#include "menu.h"
#include "menu_tree.h"
#include "schema.h"
#include "text.h"

/* The "type" that selects a table: its one choice is the table's name. */
#define MK_TYPE(name, help) \
	{ "type", SCHEMA_STR, 1, 16, NULL, 0, 1, name, NULL, help }


/* Strings that moved out of menu files: refused with their own words. */
static const struct schema_key menu_string_keys_moved[] = {
	{ "exit", SCHEMA_ANY, 0, 0, NULL, 0, 0, NULL, NULL,
	  "moved to exit_text in hotlined.conf" },
	SCHEMA_END
};

/* The top of a menu file. */
static const struct schema_key mk_root[] = {
	MK_STR("start", 1, "id of the node every session starts at (not an "
	    "end or callback node)"),
	{ "strings", SCHEMA_OBJ, 0, 0, NULL, 0, 1, NULL, NULL,
	  "the tree-wide texts (strings.*)" },
	{ "nodes", SCHEMA_OBJ, 0, 0, NULL, 0, 1, NULL, NULL,
	  "node id (a-z, 0-9 and _) -> node (nodes.NAME.*), at least one" },
	MK_COMMENT,
	SCHEMA_END
};

/* An option of a menu node. */
static const struct schema_key mk_option[] = {
	{ "key", SCHEMA_STR, 1, MENU_KEY_MAX - 1, NULL, 0, 1, NULL, NULL,
	  "ASCII digits, unique in the node; a global key only for its own "
	  "action" },
	MK_TEXT("label", 1, "what the option is, in each language"),
	MK_STR("next", 0, "node the option leads to (either next or action)"),
	{ "action", SCHEMA_STR, 0, 0, NULL, 0, 0, "language|exit|main|back",
	  NULL, "instead of next: next language, quick exit, start node or "
	  "back" },
	MK_COMMENT,
	SCHEMA_END
};

/* A choice of an input node that accepts a choice. */
static const struct schema_key mk_choice[] = {
	{ "key", SCHEMA_STR, 1, MENU_KEY_MAX - 1, NULL, 0, 1, NULL, NULL,
	  "ASCII digits, unique in the node; never a global key" },
	MK_TEXT("label", 1, "what the choice is, in each language; may say "
	    "{hours} and {minutes}"),
	MK_STR("value", 1, "the string kept under the node's store"),
	MK_STR("next", 0, "node after this choice, instead of the node's next"),
	MK_STR("request", 0, "callback node whose request this answer files"),
	MK_COMMENT,
	SCHEMA_END
};

/* What an input node accepts, by its "type". */
static const struct schema_key mk_accept_choice[] = {
	MK_TYPE("choice", "kind of answer (one of numbered choices)"),
	{ "choices", SCHEMA_OBJLIST, 1, MENU_LIST_MAX, NULL, 0, 1, NULL,
	  mk_choice, "the choices, shown in this order" },
	SCHEMA_END
};

static const struct schema_key mk_accept_digits[] = {
	MK_TYPE("digits", "kind of answer (a whole number within min..max)"),
	{ "min", SCHEMA_INT, 0, MENU_DIGITS_MAX, NULL, 0, 1, NULL, NULL,
	  "smallest number accepted" },
	{ "max", SCHEMA_INT, 0, MENU_DIGITS_MAX, NULL, 0, 1, NULL, NULL,
	  "largest number accepted, not below min" },
	SCHEMA_END
};

static const struct schema_key mk_accept_phone[] = {
	MK_TYPE("phone_kh", "kind of answer (a Cambodian phone number, "
	    "kept as +855...)"),
	SCHEMA_END
};

static const struct schema_key *const menu_accepts[] = {
	[MENU_ACCEPT_CHOICE] = mk_accept_choice,
	[MENU_ACCEPT_DIGITS] = mk_accept_digits,
	[MENU_ACCEPT_PHONE_KH] = mk_accept_phone,
};


/* A node, by its "type". */
static const struct schema_key mk_menu[] = {
	MK_TYPE("menu", "kind of node (numbered options leading "
	    "elsewhere)"),
	MK_TEXT("text", 1, "title or prompt above the options"),
	{ "options", SCHEMA_OBJLIST, 1, MENU_LIST_MAX, NULL, 0, 1, NULL,
	  mk_option, "the options, shown in this order" },
	MK_COMMENT,
	SCHEMA_END
};

static const struct schema_key mk_info[] = {
	MK_TYPE("info", "kind of node (text, paged when long)"),
	MK_TEXT("text", 1, "the text, any length"),
	MK_STR("next", 0, "node the more key opens from the last page"),
	MK_COMMENT,
	SCHEMA_END
};

static const struct schema_key mk_input[] = {
	MK_TYPE("input", "kind of node (a question whose answer is "
	    "kept)"),
	MK_TEXT("text", 1, "the question; {store} shows a typed answer back"),
	MK_STR("store", 1, "name the answer is kept under: a-z, 0-9 and _"),
	{ "accept", SCHEMA_OBJ, 0, 0, NULL, 0, 1, NULL, NULL,
	  "what counts as an answer (nodes.NAME.accept.*)" },
	MK_STR("next", 0, "node after a valid answer (unless every choice "
	    "has its own)"),
	MK_TEXT("invalid", 0, "this node's own error line, instead of "
	    "strings.invalid"),
	MK_STR("request", 0, "callback node whose request every answer here "
	    "files"),
	MK_COMMENT,
	SCHEMA_END
};

static const struct schema_key mk_end[] = {
	MK_TYPE("end", "kind of node (the last screen)"),
	MK_TEXT("text", 1, "the last screen; one page"),
	MK_COMMENT,
	SCHEMA_END
};

static const struct schema_key mk_callback[] = {
	MK_TYPE("callback", "kind of node (files a callback request, then "
	    "ends)"),
	MK_TEXT("text", 1, "the confirmation, one page; says {when}"),
	MK_TEXT("failed", 1, "END text when the request could not be stored"),
	{ "fields", SCHEMA_OBJ, 0, 0, NULL, 0, 1, NULL, NULL,
	  "request field -> store name (nodes.NAME.fields.*)" },
	MK_COMMENT,
	SCHEMA_END
};

static const struct schema_key *const menu_kinds[] = {
	[MENU_NODE_MENU] = mk_menu,
	[MENU_NODE_INFO] = mk_info,
	[MENU_NODE_INPUT] = mk_input,
	[MENU_NODE_END] = mk_end,
	[MENU_NODE_CALLBACK] = mk_callback,
};

/* Print the tables of a menu file. */
void
menu_print_keys(FILE *fp, enum schema_format fmt)
{
	size_t	 i;

	schema_print(fp, fmt, "", mk_root);
	schema_print(fp, fmt, "strings.", menu_string_keys);
	for (i = 0; i < nitems(menu_kinds); i++)
		schema_print(fp, fmt, "nodes.NAME.", menu_kinds[i]);
	for (i = 0; i < nitems(menu_accepts); i++)
		schema_print(fp, fmt, "nodes.NAME.accept.", menu_accepts[i]);
	schema_print(fp, fmt, "nodes.NAME.fields.", menu_field_keys);
}


/* A copy of s (NULL stays NULL); out of memory is reported at ptr. */
static char *
menu_dup(struct menu_ld *ld, const char *ptr, const char *s)
{
	char	*c;

	if (s == NULL)
		return NULL;
	c = strdup(s);
	if (c == NULL)
		schema_err(&ld->doc, ptr, 0, "out of memory");
	return c;
}

/*
 * Check obj against the table of tables[] (n of them, by kind) that its
 * "type" names, the one choice of each table's first key; what names the
 * family in messages ("node"). Returns the kind, or -1 after a report.
 */
static int
menu_variant(struct menu_ld *ld, json_t *obj, const char *ptr,
    const struct schema_key *const *tables, size_t n, const char *what)
{
	const char	*type;
	char		 p[SCHEMA_PTR_MAX], list[128];
	size_t		 i, o = 0;

	if (json_object_get(obj, "type") == NULL) {
		schema_err(&ld->doc, ptr, 0, "missing \"type\"");
		return -1;
	}
	schema_ptr(p, sizeof(p), ptr, "type");
	type = json_string_value(json_object_get(obj, "type"));
	if (type == NULL || *type == '\0') {
		schema_err(&ld->doc, p, 0, "\"type\" must be a non-empty "
		    "string");
		return -1;
	}
	list[0] = '\0';
	for (i = 0; i < n; i++) {
		if (strcmp(type, tables[i][0].choices) == 0) {
			schema_check(&ld->doc, obj, ptr, tables[i]);
			return (int)i;
		}
		if (o < sizeof(list))
			o += (size_t)snprintf(list + o, sizeof(list) - o,
			    "%s%s", i > 0 ? ", " : "", tables[i][0].choices);
	}
	schema_err(&ld->doc, p, 0, "unknown %s type \"%s\" (%s)", what, type,
	    list);
	return -1;
}

/* Report a Khmer subscript that lost its consonant. */
static void
menu_coeng(struct menu_ld *ld, const char *ptr, const char *s)
{
	size_t	 at;

	at = text_dangling_coeng(s, strlen(s));
	if (at != 0)
		schema_err(&ld->doc, ptr, 0, "a COENG (U+17D2) with no "
		    "consonant after it, at character %zu: the subscript is "
		    "lost", at);
}

/*
 * Read the translated text member name of obj ({"km": "...", "en":
 * "..."}), whose shape the walker checked, into out[], one string per
 * configured language; languages that are not configured, missing or
 * empty translations and lost subscripts are reported.
 */
static void
menu_text(struct menu_ld *ld, json_t *obj, const char *ptr, const char *name,
    char **out)
{
	struct menu	*m = ld->m;
	json_t		*t, *v;
	const char	*k;
	char		 p[SCHEMA_PTR_MAX], pk[SCHEMA_PTR_MAX];
	size_t		 i;

	t = json_object_get(obj, name);
	if (!json_is_object(t))
		return;		/* absent, or the walker said */
	schema_ptr(p, sizeof(p), ptr, name);
	json_object_foreach(t, k, v) {
		for (i = 0; i < m->nlang; i++)
			if (strcmp(m->langs[i], k) == 0)
				break;
		if (i == m->nlang)
			schema_err(&ld->doc, schema_ptr(pk, sizeof(pk), p, k),
			    1, "language \"%s\" is not configured", k);
	}
	for (i = 0; i < m->nlang; i++) {
		v = json_object_get(t, m->langs[i]);
		schema_ptr(pk, sizeof(pk), p, m->langs[i]);
		if (v == NULL) {
			schema_err(&ld->doc, p, 0, "missing translation "
			    "\"%s\"", m->langs[i]);
			continue;
		}
		if (!json_is_string(v) || json_string_length(v) == 0 ||
		    strlen(json_string_value(v)) != json_string_length(v)) {
			schema_err(&ld->doc, pk, 0, "translation \"%s\" must "
			    "be a non-empty string", m->langs[i]);
			continue;
		}
		menu_coeng(ld, pk, json_string_value(v));
		out[i] = menu_dup(ld, pk, json_string_value(v));
	}
}

/* A text of every language (ptr names it) that takes no placeholder. */
static void
menu_plain_text(struct menu_ld *ld, char *const text[], const char *ptr,
    const char *what)
{
	char	 p[SCHEMA_PTR_MAX];
	size_t	 i;

	for (i = 0; i < ld->m->nlang; i++) {
		if (text[i] == NULL || strchr(text[i], '{') == NULL)
			continue;
		schema_ptr(p, sizeof(p), ptr, ld->m->langs[i]);
		menu_vars_check(ld, p, text[i], "", NULL, what);
	}
}

/* Return 1 if s is made of ASCII digits only and fits a key buffer. */
static int
menu_key_ok(const char *s)
{
	size_t	 n;

	n = strlen(s);
	return n > 0 && n < MENU_KEY_MAX && strspn(s, "0123456789") == n;
}

/* Return 1 if s is a valid node id or store name ([a-z0-9_]+). */
static int
menu_id_ok(const char *s)
{
	return *s != '\0' && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "0123456789_") == strlen(s);
}

/* The actions an option may name (the choices of its "action" key). */
static const struct {
	const char		*name;
	enum menu_action	 action;
} menu_actions[] = {
	{ "language", MENU_ACT_LANGUAGE },
	{ "exit", MENU_ACT_EXIT },
	{ "main", MENU_ACT_MAIN },
	{ "back", MENU_ACT_BACK },
};

/* Parse an action name the walker checked. */
static enum menu_action
menu_action_parse(const char *s)
{
	size_t	 i;

	for (i = 0; i < nitems(menu_actions); i++)
		if (strcmp(s, menu_actions[i].name) == 0)
			return menu_actions[i].action;
	return MENU_ACT_NEXT;
}

/*
 * Check an option key against the global keys: a global key may only be
 * used by an option that performs that same action.
 */
static void
menu_key_global(struct menu_ld *ld, const char *ptr, const char *key,
    enum menu_action action)
{
	const struct menu_keys	*k = &ld->m->keys;

	if (strcmp(key, k->back) == 0 && action != MENU_ACT_BACK)
		schema_err(&ld->doc, ptr, 0, "key \"%s\" is the global back "
		    "key", key);
	else if (strcmp(key, k->main) == 0 && action != MENU_ACT_MAIN)
		schema_err(&ld->doc, ptr, 0, "key \"%s\" is the global "
		    "main-menu key", key);
	else if (strcmp(key, k->exit) == 0 && action != MENU_ACT_EXIT)
		schema_err(&ld->doc, ptr, 0, "key \"%s\" is the global exit "
		    "key", key);
	else if (strcmp(key, k->more) == 0)
		schema_err(&ld->doc, ptr, 0, "key \"%s\" is the global more "
		    "key", key);
}

/* An hour of a window as a label says it: 12-hour, ":MM" if needed. */
static void
menu_window_hour(int minutes, char *buf, size_t len)
{
	menu_clock12(minutes / 60 % 24, minutes % 60, buf, len);
}

/* Replace every key in *s (owned) by val. */
static int
menu_replace(char **s, const char *key, const char *val)
{
	char	*out;

	out = menu_subst(*s, key, val);
	if (out == NULL)
		return -1;
	free(*s);
	*s = out;
	return 0;
}

/* The roster's window a choice stores, or NULL. */
static const struct menu_window *
menu_window_of(const struct menu_env *env, const struct menu_option *o)
{
	size_t	 w;

	for (w = 0; w < env->nwindows; w++)
		if (o->value != NULL &&
		    strcmp(env->windows[w].name, o->value) == 0)
			return &env->windows[w];
	return NULL;
}

/*
 * Fill a choice label's {hours} (the roster's hours of the window the
 * choice stores, "8-12") and {minutes} (how soon "now" means).
 */
static void
menu_label_vars(struct menu_ld *ld, struct menu_option *o, const char *label)
{
	const struct menu_env		*env = ld->env;
	const struct menu_window	*win;
	char				 a[16], b[16], hours[40], mins[16];
	char				 ptr[SCHEMA_PTR_MAX];
	size_t				 i;
	int				 rc = 0;

	for (i = 0; i < ld->m->nlang; i++) {
		if (o->label[i] == NULL || strchr(o->label[i], '{') == NULL)
			continue;
		schema_ptr(ptr, sizeof(ptr), label, ld->m->langs[i]);
		menu_vars_check(ld, ptr, o->label[i], "hours minutes", NULL,
		    "a label");
		if (strstr(o->label[i], "{hours}") != NULL) {
			win = menu_window_of(env, o);
			if (win == NULL) {
				schema_err(&ld->doc, ptr, 0, "{hours} needs a "
				    "choice whose value is a window of the "
				    "roster (morning, afternoon, evening)");
				continue;
			}
			menu_window_hour(win->from, a, sizeof(a));
			menu_window_hour(win->to, b, sizeof(b));
			snprintf(hours, sizeof(hours), "%s-%s", a, b);
			rc |= menu_replace(&o->label[i], "{hours}", hours);
		}
		if (strstr(o->label[i], "{minutes}") != NULL) {
			if (env->now_minutes <= 0) {
				schema_err(&ld->doc, ptr, 0, "{minutes} needs "
				    "the roster (\"roster\" in hotlined.conf)");
				continue;
			}
			snprintf(mins, sizeof(mins), "%d", env->now_minutes);
			rc |= menu_replace(&o->label[i], "{minutes}", mins);
		}
	}
	if (rc != 0)
		schema_err(&ld->doc, label, 0, "out of memory");
}

/* Build "key. label" into *out; -1 out of memory. */
static int
menu_line(char **out, const char *key, const char *label)
{
	if (asprintf(out, "%s. %s", key, label) == -1) {
		*out = NULL;
		return -1;
	}
	return 0;
}

/* Build "key. label" lines for every language of an option. */
static int
menu_option_lines(struct menu *m, struct menu_option *o)
{
	size_t	 i;

	for (i = 0; i < m->nlang; i++)
		if (o->label[i] != NULL &&
		    menu_line(&o->line[i], o->key, o->label[i]) == -1)
			return -1;
	return 0;
}

/* What a menu option does: its "next", or its "action". */
static void
menu_option_what(struct menu_ld *ld, struct menu_option *o, json_t *v,
    const char *ptr)
{
	const char	*act = schema_str(v, mk_option, "action");
	char		 p[SCHEMA_PTR_MAX];

	if (json_object_get(v, "action") != NULL) {
		if (act != NULL)
			o->action = menu_action_parse(act);
		if (o->next_id != NULL)
			schema_err(&ld->doc, schema_ptr(p, sizeof(p), ptr,
			    "action"), 0, "an option has either \"next\" or "
			    "\"action\"");
	} else if (json_object_get(v, "next") == NULL)
		schema_err(&ld->doc, ptr, 0, "option needs \"next\" or "
		    "\"action\"");
}

/* Check an option's key: digits, not a global key, unique in n. */
static void
menu_load_option_key(struct menu_ld *ld, struct menu_node *n,
    struct menu_option *o, const char *ptr)
{
	char	 p[SCHEMA_PTR_MAX];
	size_t	 j;

	schema_ptr(p, sizeof(p), ptr, "key");
	if (!menu_key_ok(o->key)) {
		schema_err(&ld->doc, p, 0, "key \"%s\" must be 1 to %d ASCII "
		    "digits", o->key, MENU_KEY_MAX - 1);
		return;
	}
	menu_key_global(ld, p, o->key, o->action);
	for (j = 0; n->options + j < o; j++)
		if (n->options[j].key != NULL &&
		    strcmp(n->options[j].key, o->key) == 0)
			schema_err(&ld->doc, p, 0, "duplicate option key "
			    "\"%s\"", o->key);
	if (menu_option_lines(ld->m, o) == -1)
		schema_err(&ld->doc, ptr, 0, "out of memory");
}

/*
 * Read the checked options array (menu) or choices array (input) of a
 * node, at ptr; arr is NULL when the walker found it wrong.
 */
static void
menu_options(struct menu_ld *ld, struct menu_node *n, json_t *arr,
    const char *ptr, int choice)
{
	const struct schema_key	*t = choice ? mk_choice : mk_option;
	struct menu_option	*o;
	json_t			*v;
	char			 p[SCHEMA_PTR_MAX], pl[SCHEMA_PTR_MAX];
	size_t			 i;

	if (arr == NULL)
		return;
	n->options = calloc(json_array_size(arr), sizeof(*n->options));
	if (n->options == NULL) {
		schema_err(&ld->doc, ptr, 0, "out of memory");
		return;
	}
	json_array_foreach(arr, i, v) {
		if (!json_is_object(v))
			continue;	/* the walker said */
		schema_ptr_index(p, sizeof(p), ptr, i);
		schema_ptr(pl, sizeof(pl), p, "label");
		o = &n->options[n->noptions++];
		o->key = menu_dup(ld, p, schema_str(v, t, "key"));
		menu_text(ld, v, p, "label", o->label);
		o->next_id = menu_dup(ld, p, schema_str(v, t, "next"));
		o->action = MENU_ACT_NEXT;
		if (choice) {
			o->value = menu_dup(ld, p, schema_str(v, t, "value"));
			o->request_id = menu_dup(ld, p, schema_str(v, t,
			    "request"));
			menu_label_vars(ld, o, pl);
		} else {
			/* A menu option's label says what it is, no more. */
			menu_plain_text(ld, o->label, pl, "a menu option's "
			    "label");
			menu_option_what(ld, o, v, p);
		}
		if (o->key != NULL)
			menu_load_option_key(ld, n, o, p);
	}
}

/* Read an input node's checked "accept" object (NULL: the walker said). */
static void
menu_accept(struct menu_ld *ld, struct menu_node *n, json_t *acc,
    const char *ptr)
{
	const struct schema_key	*t;
	char			 p[SCHEMA_PTR_MAX], pc[SCHEMA_PTR_MAX];
	int			 a;

	if (acc == NULL)
		return;
	schema_ptr(p, sizeof(p), ptr, "accept");
	a = menu_variant(ld, acc, p, menu_accepts, nitems(menu_accepts),
	    "accept");
	if (a == -1)
		return;
	n->accept = (enum menu_accept)a;
	t = menu_accepts[a];
	switch (n->accept) {
	case MENU_ACCEPT_CHOICE:
		menu_options(ld, n, schema_get(acc, t, "choices"),
		    schema_ptr(pc, sizeof(pc), p, "choices"), 1);
		break;
	case MENU_ACCEPT_DIGITS:
		if (schema_get(acc, t, "min") == NULL ||
		    schema_get(acc, t, "max") == NULL)
			break;		/* the walker said */
		n->min = schema_int(acc, t, "min");
		n->max = schema_int(acc, t, "max");
		if (n->min > n->max)
			schema_err(&ld->doc, p, 0, "digits needs integers "
			    "\"min\" <= \"max\" within 0..999999999");
		break;
	case MENU_ACCEPT_PHONE_KH:
		break;
	}
}

/* Read a callback node's checked "fields": answer -> store name. */
static void
menu_cb_fields(struct menu_ld *ld, struct menu_node *n, json_t *f,
    const char *ptr)
{
	const char	*s;
	char		 p[SCHEMA_PTR_MAX], pk[SCHEMA_PTR_MAX];
	size_t		 i;

	if (f == NULL)
		return;		/* the walker said */
	schema_ptr(p, sizeof(p), ptr, "fields");
	ld->doc.noun = "field";
	schema_check(&ld->doc, f, p, menu_field_keys);
	ld->doc.noun = "member";
	for (i = 0; i < MENU_CB__COUNT; i++) {
		s = schema_str(f, menu_field_keys, menu_field_keys[i].name);
		if (s == NULL)
			continue;
		schema_ptr(pk, sizeof(pk), p, menu_field_keys[i].name);
		if (!menu_id_ok(s))
			schema_err(&ld->doc, pk, 0, "must name a store");
		else
			n->fields[i] = menu_dup(ld, pk, s);
	}
}

/* Read an input node. */
static void
menu_input(struct menu_ld *ld, struct menu_node *n, json_t *obj,
    const char *ptr)
{
	char	 p[SCHEMA_PTR_MAX];
	size_t	 i;
	int	 all_next;

	n->store = menu_dup(ld, ptr, schema_str(obj, mk_input, "store"));
	if (n->store != NULL && !menu_id_ok(n->store))
		schema_err(&ld->doc, schema_ptr(p, sizeof(p), ptr, "store"),
		    0, "store name \"%s\" must be made of a-z, 0-9 and _",
		    n->store);
	menu_accept(ld, n, schema_get(obj, mk_input, "accept"), ptr);
	n->next_id = menu_dup(ld, ptr, schema_str(obj, mk_input, "next"));
	n->request_id = menu_dup(ld, ptr, schema_str(obj, mk_input,
	    "request"));
	menu_text(ld, obj, ptr, "invalid", n->invalid);
	menu_plain_text(ld, n->invalid, schema_ptr(p, sizeof(p), ptr,
	    "invalid"), "an error line");
	all_next = n->accept == MENU_ACCEPT_CHOICE && n->noptions > 0;
	for (i = 0; i < n->noptions; i++)
		if (n->options[i].next_id == NULL)
			all_next = 0;
	if (json_object_get(obj, "next") == NULL && !all_next)
		schema_err(&ld->doc, ptr, 0, "missing \"next\" (needed unless "
		    "every choice has its own)");
}

/* Warn about an object whose comment says it is an EXAMPLE to replace. */
static void
menu_example(struct menu_ld *ld, json_t *obj, const char *ptr)
{
	const char	*c = json_string_value(json_object_get(obj, "comment"));

	if (c != NULL && strstr(c, "EXAMPLE") != NULL)
		schema_warn(&ld->doc, ptr, 1, "an EXAMPLE placeholder (its "
		    "comment says so): replace it with real, checked content "
		    "before survivors use this line");
}

/* Read one node object into n. */
static void
menu_node_parse(struct menu_ld *ld, struct menu_node *n, json_t *obj,
    const char *ptr)
{
	const struct schema_key	*t;
	char			 p[SCHEMA_PTR_MAX];
	int			 k;

	if (!json_is_object(obj)) {
		schema_err(&ld->doc, ptr, 0, "a node must be an object");
		return;
	}
	menu_example(ld, obj, ptr);
	k = menu_variant(ld, obj, ptr, menu_kinds, nitems(menu_kinds), "node");
	if (k == -1)
		return;
	n->kind = (enum menu_kind)k;
	t = menu_kinds[k];
	switch (n->kind) {
	case MENU_NODE_MENU:
		menu_options(ld, n, schema_get(obj, t, "options"),
		    schema_ptr(p, sizeof(p), ptr, "options"), 0);
		break;
	case MENU_NODE_INFO:
		n->next_id = menu_dup(ld, ptr, schema_str(obj, t, "next"));
		break;
	case MENU_NODE_INPUT:
		menu_input(ld, n, obj, ptr);
		break;
	case MENU_NODE_END:
		break;
	case MENU_NODE_CALLBACK:
		menu_text(ld, obj, ptr, "failed", n->failed);
		menu_cb_fields(ld, n, schema_get(obj, t, "fields"), ptr);
		break;
	}
	menu_text(ld, obj, ptr, "text", n->text);
}

/* Read the nodes object (checked to be one) into the tree. */
static int
menu_nodes(struct menu_ld *ld, json_t *nodes)
{
	struct menu		*m = ld->m;
	struct menu_node	*n;
	const char		*k;
	json_t			*v;
	char			 p[SCHEMA_PTR_MAX];

	if (json_object_size(nodes) == 0) {
		schema_err(&ld->doc, "/nodes", 0, "\"nodes\" must be a "
		    "non-empty object");
		return -1;
	}
	m->nodes = calloc(json_object_size(nodes), sizeof(*m->nodes));
	if (m->nodes == NULL) {
		schema_err(&ld->doc, "/nodes", 0, "out of memory");
		return -1;
	}
	json_object_foreach(nodes, k, v) {
		n = &m->nodes[m->nnodes++];
		schema_ptr(p, sizeof(p), "/nodes", k);
		n->id = menu_dup(ld, p, k);
		if (n->id == NULL)
			return -1;
		if (!menu_id_ok(k))
			schema_err(&ld->doc, p, 1, "node id \"%s\" must be "
			    "made of a-z, 0-9 and _", k);
		menu_node_parse(ld, n, v, p);
	}
	return 0;
}

/* Build the footer lines ("98. More", "0. Back", "00. Main menu"). */
static int
menu_footers(struct menu *m)
{
	size_t	 i;
	char	*more, *back, *main;

	for (i = 0; i < m->nlang; i++) {
		more = m->strings[MENU_STR_MORE][i];
		back = m->strings[MENU_STR_BACK][i];
		main = m->strings[MENU_STR_MAIN][i];
		if (more == NULL || back == NULL)
			continue;
		if (menu_line(&m->more_line[i], m->keys.more, more) == -1 ||
		    menu_line(&m->back_line[i], m->keys.back, back) == -1 ||
		    (main != NULL && menu_line(&m->main_line[i], m->keys.main,
		    main) == -1))
			return -1;
	}
	return 0;
}

/* Read the checked "strings" object (NULL: the walker said). */
static void
menu_strings(struct menu_ld *ld, json_t *strings)
{
	const struct schema_key *const	 tables[] = {
		menu_string_keys, menu_string_keys_moved, NULL
	};
	size_t				 i;

	if (strings == NULL)
		return;
	schema_check_union(&ld->doc, strings, "/strings", tables);
	if (json_object_get(strings, "exit") != NULL)
		schema_err(&ld->doc, "/strings/exit", 1, "the quick exit has "
		    "one text for every language and screen: set "
		    "\"exit_text\" in hotlined.conf instead");
	for (i = 0; i < MENU_STR__COUNT; i++)
		menu_text(ld, strings, "/strings", menu_string_keys[i].name,
		    ld->m->strings[i]);
}

/* A new, empty tree for env, named name; NULL out of memory. */
static struct menu *
menu_new(const char *name, const struct menu_env *env)
{
	struct menu	*m;
	size_t		 i;

	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return NULL;
	m->name = strdup(name);
	m->exit_text = strdup(env->exit_text != NULL ? env->exit_text :
	    "Thank you.");
	m->nlang = env->nlang;
	for (i = 0; i < env->nlang; i++) {
		m->langs[i] = strdup(env->languages[i]);
		if (m->langs[i] == NULL)
			m->nlang = 0;
	}
	m->keys = *env->keys;
	m->now_minutes = env->now_minutes;
	if (m->name == NULL || m->exit_text == NULL || m->nlang != env->nlang) {
		menu_free(m);
		return NULL;
	}
	return m;
}

/* Load, validate and prepare a tree. */
struct menu *
menu_load(const char *file, const char *name, const struct menu_env *env,
    struct diag *d)
{
	struct menu_ld	 ld;
	struct jsonfile	 jf;
	json_t		*root, *nodes;

	memset(&ld, 0, sizeof(ld));
	if (jsonfile_load(file, name, MENU_FILE_MAX, &jf, d) == -1)
		return NULL;
	root = jf.root;
	ld.m = menu_new(name, env);
	if (ld.m == NULL) {
		diag_add(d, "%s: out of memory", name);
		goto fail;
	}
	ld.m->jp = jf.jp;
	jf.jp = NULL;
	ld.env = env;
	ld.doc.name = name;
	ld.doc.jp = ld.m->jp;
	ld.doc.d = d;
	ld.doc.noun = "member";

	if (!json_is_object(root)) {
		schema_err(&ld.doc, "", 0, "a menu file must hold a JSON "
		    "object");
		goto fail;
	}
	schema_check(&ld.doc, root, "", mk_root);
	menu_strings(&ld, schema_get(root, mk_root, "strings"));
	nodes = schema_get(root, mk_root, "nodes");
	if (nodes == NULL || menu_nodes(&ld, nodes) == -1)
		goto fail;
	menu_check_tree(&ld, schema_str(root, mk_root, "start"));
	ld.m->cache = menu_cache_new(ld.m->nnodes);
	if (menu_footers(ld.m) == -1 || ld.m->cache == NULL)
		schema_err(&ld.doc, "", 0, "out of memory");
	if (ld.doc.errors > 0)
		goto fail;
	jsonfile_clear(&jf);
	return ld.m;
fail:
	jsonfile_clear(&jf);
	menu_free(ld.m);
	return NULL;
}
