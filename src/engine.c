/* SPDX-License-Identifier: ISC */
/*
 * engine: the transitions of one conversation over a menu tree. Global
 * keys (exit, main, back, more) are applied first, then the current node's
 * options or input validation; every step renders the resulting screen.
 * Answers are wiped from memory when the engine is freed.
 */
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "menu.h"
#include "text.h"

#define ENGINE_DEPTH	32	/* remembered "back" steps */
#define ENGINE_ANSWERS	MENU_MAX_STORES	/* checked when a tree loads */

/* A place to come back to. */
struct engine_frame {
	const struct menu_node	*node;
	size_t			 page;
};

/* One collected answer. */
struct engine_answer {
	char	*name;
	char	*value;
};

struct engine {
	const struct menu		*menu;
	const struct menu_limits	*lim;
	const struct menu_node		*node;	/* on screen */
	size_t				 page;
	int				 err;	/* layout with error line */
	size_t				 lang;
	size_t				 nlang;
	struct engine_frame		 stack[ENGINE_DEPTH];
	size_t				 depth;
	struct engine_answer		 answers[ENGINE_ANSWERS];
	size_t				 nanswers;
};

/* Overwrite and free a string that may hold a survivor's answer. */
static void
engine_wipe(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

/* Start a conversation at the tree's start node. */
struct engine *
engine_new(const struct menu *m, const struct menu_limits *lim)
{
	struct engine	*e;

	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return NULL;
	e->menu = m;
	e->lim = lim;
	e->node = menu_start(m);
	e->nlang = menu_nlang(m);
	return e;
}

/* Free and wipe. */
void
engine_free(struct engine *e)
{
	size_t	 i;

	if (e == NULL)
		return;
	for (i = 0; i < e->nanswers; i++) {
		engine_wipe(e->answers[i].name);
		engine_wipe(e->answers[i].value);
	}
	explicit_bzero(e, sizeof(*e));
	free(e);
}

/* Copy a tree-wide END text. */
static enum engine_result
engine_end_string(struct engine *e, enum menu_string s, char **text)
{
	*text = strdup(menu_string(e->menu, s, e->lang));
	return *text == NULL ? ENGINE_ERROR : ENGINE_END;
}

/* Render flags for the current layout. */
static int
engine_flags(const struct engine *e)
{
	int	 flags = 0;

	if (e->err)
		flags |= MENU_RENDER_ERROR;
	if (e->depth > 0)
		flags |= MENU_RENDER_CAN_BACK;
	return flags;
}

/*
 * Render the current node and page. An END node ends the conversation.
 * With error set the screen is shown again from its first page with the
 * "invalid" line on top; that layout stays while the caller pages through
 * this screen, so "more" never skips what the error line pushed down.
 */
static enum engine_result
engine_show(struct engine *e, int error, char **text)
{
	struct menu_screen	 scr;
	enum engine_result	 r;

	if (error) {
		e->err = 1;
		e->page = 0;
	}
	if (menu_node_kind(e->node) == MENU_NODE_CALLBACK) {
		/* Nothing is shown until the request is on disk. */
		*text = NULL;
		return ENGINE_CALLBACK;
	}
	if (menu_render(e->menu, e->node, e->lang, e->lim, engine_flags(e),
	    &scr) == -1)
		return ENGINE_ERROR;
	if (e->page >= scr.npages)
		e->page = 0;
	*text = scr.pages[e->page];
	scr.pages[e->page] = NULL;
	r = menu_node_kind(e->node) == MENU_NODE_END ? ENGINE_END :
	    ENGINE_CONTINUE;
	menu_screen_clear(&scr);
	return r;
}

/* Number of pages the current node renders to. */
static size_t
engine_npages(struct engine *e)
{
	struct menu_screen	 scr;
	size_t			 n;

	if (menu_render(e->menu, e->node, e->lang, e->lim, engine_flags(e),
	    &scr) == -1)
		return 1;
	n = scr.npages;
	menu_screen_clear(&scr);
	return n;
}

/* Move to node n, remembering where we were for "back". */
static void
engine_go(struct engine *e, const struct menu_node *n)
{
	if (e->depth == ENGINE_DEPTH) {
		/* Forget the oldest step rather than refuse to move on. */
		memmove(&e->stack[0], &e->stack[1],
		    (ENGINE_DEPTH - 1) * sizeof(e->stack[0]));
		e->depth--;
	}
	e->stack[e->depth].node = e->node;
	e->stack[e->depth].page = e->page;
	e->depth++;
	e->node = n;
	e->page = 0;
	e->err = 0;
}

/* Store (or replace) an answer. Returns -1 on allocation failure. */
static int
engine_store(struct engine *e, const char *name, const char *value)
{
	struct engine_answer	*a = NULL;
	char			*v;
	size_t			 i;

	for (i = 0; i < e->nanswers; i++)
		if (strcmp(e->answers[i].name, name) == 0)
			a = &e->answers[i];
	if (a == NULL) {
		if (e->nanswers == ENGINE_ANSWERS)
			return -1;
		a = &e->answers[e->nanswers];
		a->name = strdup(name);
		if (a->name == NULL)
			return -1;
		a->value = NULL;
		e->nanswers++;
	}
	v = strdup(value);
	if (v == NULL)
		return -1;
	engine_wipe(a->value);
	a->value = v;
	return 0;
}

/* Go back one page, or to the previous node. */
static void
engine_back(struct engine *e)
{
	if (e->page > 0) {
		e->page--;
		return;
	}
	if (e->depth > 0) {
		e->depth--;
		e->node = e->stack[e->depth].node;
		e->page = e->stack[e->depth].page;
	}
	e->err = 0;
}

/* Back to the start node with an empty way back. */
static void
engine_main(struct engine *e)
{
	e->depth = 0;
	e->node = menu_start(e->menu);
	e->page = 0;
	e->err = 0;
}

/* Parse a whole number of ASCII digits within [min, max]. */
static int
engine_digits(const char *s, long min, long max, long *out)
{
	long	 v = 0;

	if (*s == '\0' || strlen(s) > 9)
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Apply input to an input node: validate, store, move on. */
static enum engine_result
engine_answer_input(struct engine *e, const char *in, char **text)
{
	const struct menu_node		*n = e->node, *next;
	const struct menu_option	*o;
	char				 buf[32];
	long				 v, min, max;

	next = menu_node_next(n);
	switch (menu_node_accept(n)) {
	case MENU_ACCEPT_CHOICE:
		o = menu_node_option(n, in);
		if (o == NULL)
			return engine_show(e, 1, text);
		if (engine_store(e, menu_node_store(n),
		    menu_option_value(o)) == -1)
			return ENGINE_ERROR;
		if (menu_option_next(o) != NULL)
			next = menu_option_next(o);
		break;
	case MENU_ACCEPT_DIGITS:
		menu_node_range(n, &min, &max);
		if (engine_digits(in, min, max, &v) == -1)
			return engine_show(e, 1, text);
		snprintf(buf, sizeof(buf), "%ld", v);
		if (engine_store(e, menu_node_store(n), buf) == -1)
			return ENGINE_ERROR;
		break;
	case MENU_ACCEPT_PHONE_KH:
		if (menu_phone_kh(in, buf, sizeof(buf)) == -1)
			return engine_show(e, 1, text);
		if (engine_store(e, menu_node_store(n), buf) == -1)
			return ENGINE_ERROR;
		explicit_bzero(buf, sizeof(buf));
		break;
	}
	engine_go(e, next);
	return engine_show(e, 0, text);
}

/* Apply input to a menu node's options. */
static enum engine_result
engine_choose(struct engine *e, const char *in, char **text)
{
	const struct menu_option	*o;

	o = menu_node_option(e->node, in);
	if (o == NULL)
		return engine_show(e, 1, text);
	switch (menu_option_action(o)) {
	case MENU_ACT_NEXT:
		engine_go(e, menu_option_next(o));
		break;
	case MENU_ACT_LANGUAGE:
		e->lang = (e->lang + 1) % e->nlang;
		e->page = 0;
		e->err = 0;
		break;
	case MENU_ACT_EXIT:
		return engine_end_string(e, MENU_STR_EXIT, text);
	case MENU_ACT_MAIN:
		engine_main(e);
		break;
	case MENU_ACT_BACK:
		engine_back(e);
		break;
	}
	return engine_show(e, 0, text);
}

/* Render the first screen. */
enum engine_result
engine_start(struct engine *e, char **text)
{
	return engine_show(e, 0, text);
}

/* Apply one input. */
enum engine_result
engine_input(struct engine *e, const char *input, char **text)
{
	const struct menu_keys	*k = menu_keys(e->menu);
	enum engine_result	 r;
	char			*in;

	*text = NULL;
	in = text_ascii_digits(input);
	if (in == NULL)
		return ENGINE_ERROR;
	if (strcmp(in, k->exit) == 0)
		r = engine_end_string(e, MENU_STR_EXIT, text);
	else if (strcmp(in, k->main) == 0) {
		engine_main(e);
		r = engine_show(e, 0, text);
	} else if (strcmp(in, k->back) == 0) {
		engine_back(e);
		r = engine_show(e, 0, text);
	} else if (strcmp(in, k->more) == 0) {
		if (e->page + 1 < engine_npages(e)) {
			e->page++;
			r = engine_show(e, 0, text);
		} else if (menu_node_kind(e->node) == MENU_NODE_INFO &&
		    menu_node_next(e->node) != NULL) {
			engine_go(e, menu_node_next(e->node));
			r = engine_show(e, 0, text);
		} else
			r = engine_show(e, 1, text);
	} else if (menu_node_kind(e->node) == MENU_NODE_MENU)
		r = engine_choose(e, in, text);
	else if (menu_node_kind(e->node) == MENU_NODE_INPUT)
		r = engine_answer_input(e, in, text);
	else
		r = engine_show(e, 1, text);
	engine_wipe(in);
	return r;
}

/* Render a callback node's confirmation or failure text. */
enum engine_result
engine_callback_done(struct engine *e, int stored, enum menu_when w,
    int hour, int minute, int wday, char **text)
{
	if (menu_node_kind(e->node) != MENU_NODE_CALLBACK)
		return ENGINE_ERROR;
	if (stored)
		*text = menu_callback_text(e->menu, e->node, e->lang, w, hour,
		    minute, wday);
	else
		*text = strdup(menu_callback_failed(e->node, e->lang));
	return *text == NULL ? ENGINE_ERROR : ENGINE_END;
}

/* A callback field's value from the answers. */
const char *
engine_callback_field(const struct engine *e, enum menu_cb_field f)
{
	const char	*store;

	if (menu_node_kind(e->node) != MENU_NODE_CALLBACK)
		return NULL;
	store = menu_node_field(e->node, f);
	return store != NULL ? engine_answer(e, store) : NULL;
}

/* Look up an answer. */
const char *
engine_answer(const struct engine *e, const char *name)
{
	size_t	 i;

	for (i = 0; i < e->nanswers; i++)
		if (strcmp(e->answers[i].name, name) == 0)
			return e->answers[i].value;
	return NULL;
}

/* The node on screen. */
const char *
engine_node_id(const struct engine *e)
{
	return menu_node_id(e->node);
}

/* The language index. */
size_t
engine_lang(const struct engine *e)
{
	return e->lang;
}

/* The page on screen. */
size_t
engine_page(const struct engine *e)
{
	return e->page;
}
