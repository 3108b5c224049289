/* SPDX-License-Identifier: ISC */
/*
 * menu_cache: the screens of a loaded tree, rendered once per node,
 * language, layout and budget and kept with the tree, so that a hop on a
 * fixed screen costs a look-up instead of measuring every Khmer cluster
 * again. Only screens without placeholders are kept: {when} and a typed
 * answer change from one conversation to the next. Rendering itself is
 * menu_render.c's job. The cache is filled from the thread that renders
 * (the daemon's loop), never from two at once.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "menu.h"
#include "menu_tree.h"

/* One rendered layout of a node. */
struct menu_cached {
	struct menu_cached	*next;
	size_t			 lang;
	int			 flags;
	int			 error;
	size_t			 page;		/* error pages: of which */
	size_t			 gsm7;		/* the budget it fits */
	size_t			 ucs2;
	struct menu_screen	 scr;
};

struct menu_cache {
	struct menu_cached	**nodes;	/* one list per node */
	size_t			  nnodes;
};

/* An empty cache for a tree of nnodes nodes, or NULL. */
struct menu_cache *
menu_cache_new(size_t nnodes)
{
	struct menu_cache	*c;

	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->nodes = calloc(nnodes > 0 ? nnodes : 1, sizeof(*c->nodes));
	if (c->nodes == NULL) {
		free(c);
		return NULL;
	}
	c->nnodes = nnodes;
	return c;
}

/* Free a cache and every screen in it. */
void
menu_cache_free(struct menu_cache *c)
{
	struct menu_cached	*e, *next;
	size_t			 i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nnodes; i++)
		for (e = c->nodes[i]; e != NULL; e = next) {
			next = e->next;
			menu_screen_clear(&e->scr);
			free(e);
		}
	free(c->nodes);
	free(c);
}

/* The kept screen of node, or NULL. */
const struct menu_screen *
menu_screen_of(const struct menu *m, const struct menu_node *n, size_t lang,
    const struct menu_limits *lim, int flags, int error, size_t page)
{
	struct menu_cache	*c = m->cache;
	struct menu_cached	*e, **head;
	size_t			 i, bad;

	if (c == NULL || n->vars || n->kind == MENU_NODE_CALLBACK ||
	    n < m->nodes || n >= m->nodes + m->nnodes)
		return NULL;
	if (lang >= m->nlang)
		lang = 0;
	if (!error)
		page = (size_t)-1;
	i = (size_t)(n - m->nodes);
	head = &c->nodes[i];
	for (e = *head; e != NULL; e = e->next)
		if (e->lang == lang && e->flags == flags &&
		    e->error == error && e->page == page &&
		    e->gsm7 == lim->gsm7 && e->ucs2 == lim->ucs2)
			return &e->scr;
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return NULL;
	if (menu_render_at(m, n, lang, lim, flags, NULL, error, page, &e->scr,
	    &bad) == -1) {
		free(e);
		return NULL;
	}
	e->lang = lang;
	e->flags = flags;
	e->error = error;
	e->page = page;
	e->gsm7 = lim->gsm7;
	e->ucs2 = lim->ucs2;
	e->next = *head;
	*head = e;
	return &e->scr;
}

/* Render every fixed screen's plain layouts for lim. */
void
menu_cache_warm(const struct menu *m, const struct menu_limits *lim)
{
	static const int	 layouts[] = {
		0, MENU_RENDER_CAN_BACK,
		MENU_RENDER_CAN_BACK | MENU_RENDER_CAN_MAIN
	};
	size_t			 i, l, k;

	for (i = 0; i < m->nnodes; i++)
		for (l = 0; l < m->nlang; l++)
			for (k = 0; k < nitems(layouts); k++)
				(void)menu_screen_of(m, &m->nodes[i], l, lim,
				    layouts[k], 0, 0);
}
