/* SPDX-License-Identifier: ISC */
/*
 * menu_tree: the inside of a loaded menu tree, shared by the files of the
 * menu module (menu.c the tree and its accessors, menu_load.c reading and
 * checking a file, menu_check.c the rules between nodes, menu_render.c
 * rendering, menu_fit.c measuring). Nothing outside the module includes
 * it: other modules see only include/menu.h.
 */
#ifndef HOTLINED_MENU_TREE_H
#define HOTLINED_MENU_TREE_H

#include <stddef.h>

#include "menu.h"
#include "schema.h"

struct jsonpos;
struct menu_cache;

struct menu_option {
	char			*key;
	char			*label[MENU_MAX_LANG];
	char			*line[MENU_MAX_LANG];	/* "key. label" */
	enum menu_action	 action;
	char			*next_id;
	const struct menu_node	*next;
	char			*value;			/* input choices only */
	char			*request_id;		/* choices: files it */
	const struct menu_node	*request;
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
	char			*invalid[MENU_MAX_LANG];	/* input */
	char			*request_id;			/* input */
	const struct menu_node	*request;
	char			*fields[MENU_CB__COUNT];	/* callback */
	char			*failed[MENU_MAX_LANG];		/* callback */
	enum menu_accept	 accept;
	long			 min;
	long			 max;
	int			 vars;		/* text has placeholders */
	int			 reachable;
};

struct menu {
	char			*name;
	size_t			 nlang;
	char			*langs[MENU_MAX_LANG];
	struct menu_keys	 keys;
	char			*exit_text;
	int			 now_minutes;	/* "now" from the roster */
	char			*strings[MENU_STR__COUNT][MENU_MAX_LANG];
	char			*more_line[MENU_MAX_LANG];
	char			*back_line[MENU_MAX_LANG];
	char			*main_line[MENU_MAX_LANG];	/* or NULL */
	struct menu_node	*nodes;
	size_t			 nnodes;
	const struct menu_node	*start;
	struct jsonpos		*jp;	/* kept for locating fit problems */
	struct menu_cache	*cache;	/* rendered fixed screens */
};

/* A tree being loaded: the file as the schema walker sees it, and more. */
struct menu_ld {
	struct schema_doc	 doc;	/* name, positions, problems */
	struct menu		*m;
	const struct menu_env	*env;
};

/* A placeholder check beyond a fixed list: 1 if name (len bytes) is one. */
typedef int (*menu_var_cb)(struct menu_ld *ld, const char *ptr,
    const char *name, size_t len);

/* The name of tree-wide text s as a menu file spells it ("invalid"). */
const char *menu_string_name(enum menu_string s);

/*
 * Check the {placeholders} of s against allowed, a space-separated list
 * (a '!' in front: it must occur); check (may be NULL) may accept more
 * names. what names the text in messages. Each problem is reported at
 * ptr; returns 1 if s has any placeholder.
 */
int	menu_vars_check(struct menu_ld *ld, const char *ptr, const char *s,
	    const char *allowed, menu_var_cb check, const char *what);

/*
 * The rules between the nodes of a parsed tree, in order: references
 * (start, next, request), reachability, the number of stores, the
 * tree-wide strings, callback nodes and placeholders. Every problem goes
 * to ld; start is the "start" member, or NULL.
 */
void	menu_check_tree(struct menu_ld *ld, const char *start);

/* The node called id, or NULL. */
const struct menu_node *menu_find_node(const struct menu *m, const char *id);

/*
 * The pointer of option i of n into buf: /nodes/ID/options/i, or
 * /nodes/ID/accept/choices/i for an input node. Returns buf.
 */
const char *menu_option_ptr(char *buf, size_t len, const struct menu_node *n,
	    size_t i);

/* The input node that stores under name (len bytes), or NULL. */
const struct menu_node *menu_store_node(const struct menu *m,
	    const char *name, size_t len);

/* An hour and minute on a 12-hour clock ("9", "5:30") into buf. */
void	menu_clock12(int hour, int minute, char *buf, size_t len);

/* tmpl with every occurrence of key replaced by val: new, or NULL. */
char	*menu_subst(const char *tmpl, const char *key, const char *val);

/*
 * Call fn with every text {when} can make in lang (every phrase, day and
 * hour, at minute 59, with minutes for {minutes}): node n's confirmation
 * when n is set, else the phrase alone. Returns 0, or -1 when memory ran
 * out.
 */
int	menu_when_each(const struct menu *m, const struct menu_node *n,
	    size_t lang, int minutes, void (*fn)(const char *t, void *arg),
	    void *arg);

/*
 * Node n's text in lang with its placeholders filled from vars (NULL: the
 * longest values they can take, for measuring). A new string, or NULL.
 */
char	*menu_node_text(const struct menu *m, const struct menu_node *n,
	    size_t lang, const struct menu_vars *vars);

/*
 * Render as menu_render, with the error line on every page when error is
 * set, and only the content of page `page` of the plain layout (every
 * page when page is (size_t)-1). *bad is the index of a block that cannot
 * fit any page (0 the text, 1 + i option i), for the fit report.
 */
int	menu_render_at(const struct menu *m, const struct menu_node *n,
	    size_t lang, const struct menu_limits *lim, int flags,
	    const struct menu_vars *vars, int error, size_t page,
	    struct menu_screen *out, size_t *bad);

/* An empty cache of rendered screens for nnodes nodes, or NULL. */
struct menu_cache *menu_cache_new(size_t nnodes);

/* Free a cache and its screens (accepts NULL). */
void	menu_cache_free(struct menu_cache *c);

#define MENU_FILE_MAX	(4 * 1024 * 1024)	/* refuse larger files */
#define MENU_TEXT_MAX	MENU_FILE_MAX		/* a string fits its file */
#define MENU_LIST_MAX	(MENU_FILE_MAX / 16)	/* more than a file holds */
#define MENU_DIGITS_MAX	999999999L		/* largest digits answer */

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* A note for admins, allowed in most objects and never read. */
#define MK_COMMENT \
	{ "comment", SCHEMA_ANY, 0, 0, NULL, 0, 0, NULL, NULL, \
	  "a note for admins; hotlined ignores it" }

/* A text shown to callers: an object of one string per language. */
#define MK_TEXT(name, required, help) \
	{ name, SCHEMA_OBJ, 0, 0, NULL, 0, required, NULL, NULL, help }

/* A string of any length (a node id, a store name, a stored value). */
#define MK_STR(name, required, help) \
	{ name, SCHEMA_STR, 1, MENU_TEXT_MAX, NULL, 0, required, NULL, NULL, \
	  help }

/*
 * The tree-wide texts (in the order of enum menu_string) and the answers a
 * callback node files (in the order of enum menu_cb_field): the loader's
 * tables, and the names every part of the module reports them by.
 */
extern const struct schema_key menu_string_keys[];
extern const struct schema_key menu_field_keys[];

#endif
