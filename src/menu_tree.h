/* SPDX-License-Identifier: ISC */
/*
 * menu_tree: the inside of a loaded menu tree, shared by the three files
 * of the menu module (menu.c loads and checks, menu_render.c renders,
 * menu_fit.c measures). Nothing outside the module includes it: other
 * modules see only include/menu.h.
 */
#ifndef HOTLINED_MENU_TREE_H
#define HOTLINED_MENU_TREE_H

#include <stddef.h>

#include "menu.h"

#define MENU_PTR_MAX	512	/* a JSON pointer in a problem */

struct jsonpos;

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
};

/* Append an escaped reference token to a JSON pointer (out may be base). */
void	menu_ptr_join(char *out, size_t len, const char *base,
	    const char *tok);

/* The node called id, or NULL. */
const struct menu_node *menu_find_node(const struct menu *m, const char *id);

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

#endif
