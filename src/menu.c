/* SPDX-License-Identifier: ISC */
/*
 * menu: loads a menu tree from JSON and validates it against the format in
 * docs/menus.md, reporting every problem with file:line:col: members,
 * translations, keys, references, reachability, placeholders, the answers
 * that file a callback request and the screens that may only follow them.
 * Trees are immutable once loaded, so sessions can keep using an old tree
 * after a reload swapped in a new one. Rendering is menu_render.c's job,
 * the fit report menu_fit.c's.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "diag.h"
#include "jsonfile.h"
#include "jsonpos.h"
#include "menu.h"
#include "menu_tree.h"
#include "text.h"

#define MENU_FILE_MAX	(4 * 1024 * 1024)	/* refuse larger files */
#define PTR_MAX		MENU_PTR_MAX

/* Loading context: what every validation helper needs to report. */
struct menu_ld {
	struct menu		*m;
	const struct menu_env	*env;
	const char		*name;
	struct diag		*d;
	size_t			 errors;
};

static const char *menu_string_names[MENU_STR__COUNT] = {
	"invalid", "more", "back", "expired", "main", "hours",
	"when_within", "when_today_before", "when_tonight_before",
	"when_today_from", "when_tomorrow_from", "when_day_from",
	"when_unknown", "days"
};

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
void
menu_ptr_join(char *out, size_t len, const char *base, const char *tok)
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

#define ptr_join menu_ptr_join

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

/* Report a Khmer subscript that lost its consonant. */
static void
menu_coeng(struct menu_ld *ld, const char *ptr, const char *s)
{
	size_t	 at;

	at = text_dangling_coeng(s, strlen(s));
	if (at != 0)
		menu_err(ld, ptr, 0, "a COENG (U+17D2) with no consonant after "
		    "it, at character %zu: the subscript is lost", at);
}

/*
 * Read a translated text ({"km": "...", "en": "..."}) into out[], one
 * string per configured language. Reports missing translations, and a
 * missing text when required.
 */
static void
menu_text_opt(struct menu_ld *ld, json_t *obj, const char *ptr,
    const char *name, char **out, int required)
{
	struct menu	*m = ld->m;
	json_t		*t, *v;
	const char	*k;
	char		 p[PTR_MAX], pk[PTR_MAX];
	size_t		 i;

	ptr_join(p, sizeof(p), ptr, name);
	t = json_object_get(obj, name);
	if (t == NULL) {
		if (required)
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
		menu_coeng(ld, pk, json_string_value(v));
		out[i] = strdup(json_string_value(v));
	}
}

/* A required translated text. */
static void
menu_text(struct menu_ld *ld, json_t *obj, const char *ptr, const char *name,
    char **out)
{
	menu_text_opt(ld, obj, ptr, name, out, 1);
}

/*
 * Check the {placeholders} of s against allowed, a space-separated list
 * (a '!' in front: it must occur). check(name) may accept more names.
 * Reports each problem at ptr; returns 1 if s has any placeholder.
 */
static int
menu_vars_check(struct menu_ld *ld, const char *ptr, const char *s,
    const char *allowed, int (*check)(struct menu_ld *, const char *,
    const char *, size_t), const char *what)
{
	const char	*p, *q, *a, *sp;
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
		for (a = allowed; a != NULL && *a != '\0'; a = sp) {
			if (*a == '!')
				a++;
			sp = strchr(a, ' ');
			wn = sp != NULL ? (size_t)(sp - a) : strlen(a);
			if (wn == n && strncmp(a, p + 1, n) == 0)
				ok = 1;
			if (sp != NULL)
				sp++;
		}
		if (!ok && check != NULL)
			ok = check(ld, ptr, p + 1, n);
		if (!ok)
			menu_err(ld, ptr, 0, "{%s} is not a placeholder %s can "
			    "use", name, what);
	}
	for (a = allowed; a != NULL && *a != '\0'; a = sp) {
		sp = strchr(a, ' ');
		wn = sp != NULL ? (size_t)(sp - a) : strlen(a);
		if (*a == '!') {
			snprintf(want, sizeof(want), "{%.*s}", (int)(wn - 1),
			    a + 1);
			if (strstr(s, want) == NULL)
				menu_err(ld, ptr, 0, "%s must say %s", what,
				    want);
		}
		if (sp != NULL)
			sp++;
	}
	return any;
}

/* A text of every language (ptr names it) that takes no placeholder. */
static void
menu_plain_text(struct menu_ld *ld, char *const text[], const char *ptr,
    const char *what)
{
	char	 p[PTR_MAX];
	size_t	 i;

	for (i = 0; i < ld->m->nlang; i++) {
		if (text[i] == NULL || strchr(text[i], '{') == NULL)
			continue;
		ptr_join(p, sizeof(p), ptr, ld->m->langs[i]);
		menu_vars_check(ld, p, text[i], "", NULL, what);
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

/* An hour of a window as a label says it: 12-hour, ":MM" if needed. */
static void
menu_clock12(int minutes, char *buf, size_t len)
{
	int	 h = minutes / 60 % 24, m = minutes % 60;

	h = h % 12 == 0 ? 12 : h % 12;
	if (m == 0)
		snprintf(buf, len, "%d", h);
	else
		snprintf(buf, len, "%d:%02d", h, m);
}

/* Replace every occurrence of key in *s by val (s is owned). */
static int
menu_replace(char **s, const char *key, const char *val)
{
	char	*p, *out;
	size_t	 kl = strlen(key), vl = strlen(val), n;

	while ((p = strstr(*s, key)) != NULL) {
		n = strlen(*s) - kl + vl + 1;
		out = malloc(n);
		if (out == NULL)
			return -1;
		snprintf(out, n, "%.*s%s%s", (int)(p - *s), *s, val, p + kl);
		free(*s);
		*s = out;
	}
	return 0;
}

/*
 * Fill a choice label's {hours} (the roster's hours of the window the
 * choice stores, "8-12") and {minutes} (how soon "now" means).
 */
static void
menu_label_vars(struct menu_ld *ld, struct menu_option *o, const char *label)
{
	const struct menu_env	*env = ld->env;
	char			 a[16], b[16], hours[40], mins[16];
	char			 ptr[PTR_MAX];
	size_t			 i, w;
	int			 rc = 0;

	for (i = 0; i < ld->m->nlang; i++) {
		if (o->label[i] == NULL || strchr(o->label[i], '{') == NULL)
			continue;
		ptr_join(ptr, sizeof(ptr), label, ld->m->langs[i]);
		menu_vars_check(ld, ptr, o->label[i], "hours minutes", NULL,
		    "a label");
		if (strstr(o->label[i], "{hours}") != NULL) {
			for (w = 0; w < env->nwindows; w++)
				if (o->value != NULL &&
				    strcmp(env->windows[w].name, o->value) == 0)
					break;
			if (w == env->nwindows) {
				menu_err(ld, ptr, 0, "{hours} needs a choice "
				    "whose value is a window of the roster "
				    "(morning, afternoon, evening)");
				continue;
			}
			menu_clock12(env->windows[w].from, a, sizeof(a));
			menu_clock12(env->windows[w].to, b, sizeof(b));
			snprintf(hours, sizeof(hours), "%s-%s", a, b);
			rc |= menu_replace(&o->label[i], "{hours}", hours);
		}
		if (strstr(o->label[i], "{minutes}") != NULL) {
			if (env->now_minutes <= 0) {
				menu_err(ld, ptr, 0, "{minutes} needs the "
				    "roster (\"roster\" in hotlined.conf)");
				continue;
			}
			snprintf(mins, sizeof(mins), "%d", env->now_minutes);
			rc |= menu_replace(&o->label[i], "{minutes}", mins);
		}
	}
	if (rc != 0)
		menu_err(ld, label, 0, "out of memory");
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
		"key", "label", "value", "next", "request", "comment", NULL
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
		if (choice) {
			o->value = menu_str(ld, v, p, "value", 1);
			o->request_id = menu_str(ld, v, p, "request", 0);
			ptr_join(pk, sizeof(pk), p, "label");
			menu_label_vars(ld, o, pk);
		} else {
			/* A menu option's label says what it is, no more. */
			ptr_join(pk, sizeof(pk), p, "label");
			menu_plain_text(ld, o->label, pk, "a menu option's "
			    "label");
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

/* Warn about an object whose comment says it is an EXAMPLE to replace. */
static void
menu_example(struct menu_ld *ld, json_t *obj, const char *ptr)
{
	const char	*c = json_string_value(json_object_get(obj, "comment"));

	if (c != NULL && strstr(c, "EXAMPLE") != NULL)
		diag_warn_at(ld->d, ld->name, ld->m->jp, ptr, 1, "an EXAMPLE "
		    "placeholder (its comment says so): replace it with real, "
		    "checked content before survivors use this line");
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
		"type", "text", "store", "accept", "next", "invalid",
		"request", "comment", NULL
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
	menu_example(ld, obj, ptr);
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
		n->request_id = menu_str(ld, obj, ptr, "request", 0);
		menu_text_opt(ld, obj, ptr, "invalid", n->invalid, 0);
		ptr_join(p, sizeof(p), ptr, "invalid");
		menu_plain_text(ld, n->invalid, p, "an error line");
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

/* The node called id, or NULL. */
const struct menu_node *
menu_find_node(const struct menu *m, const char *id)
{
	return menu_find((struct menu *)m, id);
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

/* Resolve a "request" reference: it must name a callback node. */
static const struct menu_node *
menu_resolve_request(struct menu_ld *ld, const char *id, const char *ptr)
{
	const struct menu_node	*t;

	t = menu_resolve1(ld, id, ptr);
	if (t != NULL && t->kind != MENU_NODE_CALLBACK) {
		menu_err(ld, ptr, 0, "\"%s\" is not a callback node: "
		    "\"request\" names the callback node whose request the "
		    "answer files", id);
		return NULL;
	}
	return t;
}

/* Turn every "next" and "request" id into a node pointer. */
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
		if (n->request_id != NULL) {
			ptr_join(p, sizeof(p), pn, "request");
			n->request = menu_resolve_request(ld, n->request_id,
			    p);
		}
		arr = n->kind == MENU_NODE_INPUT ? "accept/choices" : "options";
		for (j = 0; j < n->noptions; j++) {
			if (n->options[j].next_id != NULL) {
				snprintf(po, sizeof(po), "%s/%s/%zu/next", pn,
				    arr, j);
				n->options[j].next = menu_resolve1(ld,
				    n->options[j].next_id, po);
			}
			if (n->options[j].request_id != NULL) {
				snprintf(po, sizeof(po), "%s/%s/%zu/request",
				    pn, arr, j);
				n->options[j].request = menu_resolve_request(
				    ld, n->options[j].request_id, po);
			}
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

/* Return 1 if some input node of the tree stores under name. */
static const struct menu_node *
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
	if (s->accept == MENU_ACCEPT_CHOICE) {
		menu_err(ld, ptr, 0, "{%.*s} is a choice: only a typed answer "
		    "(phone_kh or digits) can be shown back", (int)len, name);
		return 1;
	}
	return 1;
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
	char			 p[PTR_MAX], *seen;
	size_t			 i, l;

	for (i = 0; i < m->nnodes; i++) {
		n = &m->nodes[i];
		for (l = 0; l < m->nlang; l++) {
			if (n->text[l] == NULL)
				continue;
			ptr_join(p, sizeof(p), "/nodes", n->id);
			ptr_join(p, sizeof(p), p, "text");
			ptr_join(p, sizeof(p), p, m->langs[l]);
			if (n->kind == MENU_NODE_CALLBACK)
				menu_vars_check(ld, p, n->text[l], "!when",
				    NULL, "the confirmation");
			else if (menu_vars_check(ld, p, n->text[l], "when",
			    menu_store_var, "a screen"))
				n->vars = 1;
		}
		for (l = 0; l < m->nlang; l++)
			if (n->failed[l] != NULL) {
				ptr_join(p, sizeof(p), "/nodes", n->id);
				ptr_join(p, sizeof(p), p, "failed");
				ptr_join(p, sizeof(p), p, m->langs[l]);
				menu_vars_check(ld, p, n->failed[l], "", NULL,
				    "the failed text");
			}
	}
	if (m->start == NULL)
		return;
	seen = calloc(m->nnodes, 1);
	if (seen == NULL) {
		menu_err(ld, "/nodes", 0, "out of memory");
		return;
	}
	menu_mark_unfiled(m, m->start, seen);
	for (i = 0; i < m->nnodes; i++) {
		n = &m->nodes[i];
		if (!seen[i] || n->kind == MENU_NODE_CALLBACK)
			continue;
		for (l = 0; l < m->nlang; l++)
			if (n->text[l] != NULL &&
			    strstr(n->text[l], "{when}") != NULL)
				break;
		if (l == m->nlang)
			continue;
		ptr_join(p, sizeof(p), "/nodes", n->id);
		menu_err(ld, p, 1, "\"%s\" says {when} but can be reached "
		    "before any answer files the request (\"request\"): it "
		    "would promise a call that is not stored", n->id);
	}
	free(seen);
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
			if (s == NULL || menu_store_node(m, s, strlen(s)))
				continue;
			ptr_join(pf, sizeof(pf), p, menu_cb_names[j]);
			menu_err(ld, pf, 0, "no input node stores \"%s\"", s);
		}
	}
	if (ncb == 0)
		return;
	for (i = MENU_STR__CALLBACK; i < MENU_STR__COUNT; i++)
		if (m->strings[i][0] == NULL)
			menu_err(ld, "/strings", 0, "missing \"%s\" (callback "
			    "nodes need it)", menu_string_names[i]);
	for (j = 0; j < m->nlang; j++) {
		bars = 0;
		for (s = m->strings[MENU_STR_DAYS][j]; s != NULL && *s != '\0';
		    s++)
			bars += *s == '|';
		if (m->strings[MENU_STR_DAYS][j] != NULL && bars != 6) {
			snprintf(p, sizeof(p), "/strings/days/%s",
			    m->langs[j]);
			menu_err(ld, p, 0, "seven day names, Sunday first, "
			    "separated by |");
		}
	}
}

/* The placeholders of the strings, and the 24 names of "hours". */
static void
menu_check_strings(struct menu_ld *ld)
{
	struct menu	*m = ld->m;
	char		 p[PTR_MAX];
	const char	*s;
	size_t		 i, j, bars;

	for (i = 0; i < MENU_STR__COUNT; i++)
		for (j = 0; j < m->nlang; j++) {
			s = m->strings[i][j];
			if (s == NULL)
				continue;
			snprintf(p, sizeof(p), "/strings/%s/%s",
			    menu_string_names[i], m->langs[j]);
			if (i == MENU_STR_HOURS) {
				for (bars = 0; *s != '\0'; s++)
					bars += *s == '|';
				if (bars != 23)
					menu_err(ld, p, 0, "24 ways to say an "
					    "hour, 0 to 23, separated by |");
				menu_vars_check(ld, p, m->strings[i][j], "h",
				    NULL, "an hour");
			} else if (i != MENU_STR_DAYS)
				menu_vars_check(ld, p, s, menu_string_vars[i] ?
				    menu_string_vars[i] : "", NULL,
				    menu_string_names[i]);
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
		if (main != NULL && asprintf(&m->main_line[i], "%s. %s",
		    m->keys.main, main) == -1) {
			m->main_line[i] = NULL;
			return -1;
		}
	}
	return 0;
}

/* Read the "strings" object. */
static void
menu_strings(struct menu_ld *ld, json_t *strings)
{
	struct menu	*m = ld->m;
	const char	*k;
	json_t		*v;
	char		 p[PTR_MAX];
	size_t		 i;

	if (!json_is_object(strings)) {
		menu_err(ld, strings ? "/strings" : "", 0,
		    "\"strings\" must be an object");
		return;
	}
	json_object_foreach(strings, k, v) {
		for (i = 0; i < MENU_STR__COUNT; i++)
			if (strcmp(k, menu_string_names[i]) == 0)
				break;
		if (i < MENU_STR__COUNT || strcmp(k, "comment") == 0)
			continue;
		ptr_join(p, sizeof(p), "/strings", k);
		if (strcmp(k, "exit") == 0)
			menu_err(ld, p, 1, "the quick exit has one text for "
			    "every language and screen: set \"exit_text\" "
			    "in hotlined.conf instead");
		else
			menu_err(ld, p, 1, "unknown member \"%s\"", k);
	}
	(void)v;
	for (i = 0; i < MENU_STR__COUNT; i++)
		if (i < MENU_STR__REQUIRED ||
		    json_object_get(strings, menu_string_names[i]))
			menu_text(ld, strings, "/strings",
			    menu_string_names[i], m->strings[i]);
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
	json_t		*root, *nodes, *v;
	char		*start = NULL;
	const char	*k;
	char		 p[PTR_MAX];
	size_t		 i;

	memset(&ld, 0, sizeof(ld));
	if (jsonfile_load(file, name, MENU_FILE_MAX, &jf, d) == -1)
		return NULL;
	root = jf.root;
	m = calloc(1, sizeof(*m));
	if (m == NULL || (m->name = strdup(name)) == NULL ||
	    (m->exit_text = strdup(env->exit_text != NULL ? env->exit_text :
	    "Thank you.")) == NULL) {
		diag_add(d, "%s: out of memory", name);
		goto fail;
	}
	m->jp = jf.jp;
	jf.jp = NULL;
	m->nlang = env->nlang;
	for (i = 0; i < env->nlang; i++)
		m->langs[i] = strdup(env->languages[i]);
	m->keys = *env->keys;
	m->now_minutes = env->now_minutes;
	ld.m = m;
	ld.env = env;
	ld.name = name;
	ld.d = d;

	if (!json_is_object(root)) {
		menu_err(&ld, "", 0, "a menu file must hold a JSON object");
		goto fail;
	}
	menu_members(&ld, root, "", root_m);
	menu_strings(&ld, json_object_get(root, "strings"));

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
	menu_check_strings(&ld);
	menu_check_callbacks(&ld);
	menu_check_vars(&ld);
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
	free(o->request_id);
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
		for (j = 0; j < MENU_MAX_LANG; j++) {
			free(n->text[j]);
			free(n->invalid[j]);
			free(n->failed[j]);
		}
		for (j = 0; j < n->noptions; j++)
			menu_option_free(&n->options[j]);
		free(n->options);
		free(n->next_id);
		free(n->request_id);
		free(n->store);
		for (j = 0; j < MENU_CB__COUNT; j++)
			free(n->fields[j]);
	}
	free(m->nodes);
	for (i = 0; i < MENU_MAX_LANG; i++) {
		free(m->langs[i]);
		free(m->more_line[i]);
		free(m->back_line[i]);
		free(m->main_line[i]);
		for (j = 0; j < MENU_STR__COUNT; j++)
			free(m->strings[j][i]);
	}
	jsonpos_free(m->jp);
	free(m->exit_text);
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

/* The quick exit's text. */
const char *
menu_exit_text(const struct menu *m)
{
	return m->exit_text;
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

/* The callback node an answer to n files. */
const struct menu_node *
menu_node_request(const struct menu_node *n)
{
	return n->request;
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

/* The text shown when a request could not be stored. */
const char *
menu_callback_failed(const struct menu_node *n, size_t lang)
{
	return n->failed[lang < MENU_MAX_LANG && n->failed[lang] ? lang : 0];
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

/* The callback node choosing o files. */
const struct menu_node *
menu_option_request(const struct menu_option *o)
{
	return o->request;
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

/* A +855 number grouped as a caller reads it: 0XX XXX XXX[X]. */
int
menu_phone_show(const char *e164, char *buf, size_t len)
{
	const char	*nsn;
	size_t		 n;

	if (strncmp(e164, "+855", 4) != 0)
		return -1;
	nsn = e164 + 4;
	n = strlen(nsn);
	if (n < 8 || n > 9 || strspn(nsn, "0123456789") != n)
		return -1;
	if (snprintf(buf, len, "0%.2s %.3s %s", nsn, nsn + 2, nsn + 5) >=
	    (int)len)
		return -1;
	return 0;
}
