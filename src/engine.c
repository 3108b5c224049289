/* SPDX-License-Identifier: ISC */
/*
 * engine: the transitions of one conversation over a menu tree. Global
 * keys (exit, main, back, more) are applied first, then the current node's
 * options or input validation; every step renders the resulting screen,
 * or asks for a store step first when an answer files or changes the
 * callback request. A reply that is not accepted keeps the caller on the
 * page she was on, under the error line. Answers are wiped from memory
 * when the engine is freed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "menu.h"
#include "phone.h"
#include "text.h"

#define ENGINE_DEPTH	32	/* remembered "back" steps */
#define ENGINE_ANSWERS	MENU_MAX_STORES	/* checked when a tree loads */

/*
 * A place to come back to: the node's index in the tree and the page.
 * Small, because 100,000 live sessions each keep ENGINE_DEPTH of them.
 */
struct engine_frame {
	uint32_t	 node;
	uint32_t	 page;
};

/* One collected answer; the name is the tree's. */
struct engine_answer {
	const char	*name;
	char		*value;
};

struct engine {
	const struct menu		*menu;
	const struct menu_limits	*lim;
	const struct menu_node		*node;	/* on screen */
	size_t				 page;	/* of the plain layout */
	int				 err;	/* page shown under the error
						   line, as sub-pages */
	size_t				 sub;	/* which of them */
	size_t				 lang;
	size_t				 nlang;
	struct engine_frame		 stack[ENGINE_DEPTH];
	size_t				 depth;
	struct engine_answer		*answers;	/* only once
							   there is one */
	size_t				 nanswers;
	const struct menu_node		*request;	/* filed into */
	char				*shown;		/* the last screen
							   with placeholders */
	struct menu_when_info		 when;
	int				 has_when;
	int				 exited;
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

/*
 * Keep t (a new string, or NULL) as the screen on show, wiping the one
 * before: it may have read her number back. Returns t.
 */
static const char *
engine_own(struct engine *e, char *t)
{
	engine_wipe(e->shown);
	e->shown = t;
	return t;
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
	for (i = 0; i < e->nanswers; i++)
		engine_wipe(e->answers[i].value);
	free(e->answers);
	engine_wipe(e->shown);
	explicit_bzero(e, sizeof(*e));
	free(e);
}

/* An answer for a {name} placeholder. */
static const char *
engine_var_answer(const char *name, void *arg)
{
	return engine_answer(arg, name);
}

/* What the current screen fills its placeholders with. */
static void
engine_vars(struct engine *e, struct menu_vars *v)
{
	v->when = e->has_when ? &e->when : NULL;
	v->answer = engine_var_answer;
	v->arg = e;
}

/* Render flags for the current place. */
static int
engine_flags(const struct engine *e)
{
	int	 flags = 0;

	if (e->depth > 0)
		flags |= MENU_RENDER_CAN_BACK;
	/* The way home helps two steps away, and never at home. */
	if (e->depth > 1 && e->node != menu_start(e->menu))
		flags |= MENU_RENDER_CAN_MAIN;
	return flags;
}

/* Render the current screen: the plain layout, or the error pages. */
static int
engine_render(struct engine *e, int error, struct menu_screen *scr)
{
	struct menu_vars	 v;

	engine_vars(e, &v);
	if (error)
		return menu_render_error(e->menu, e->node, e->lang, e->lim,
		    engine_flags(e), &v, e->page, scr);
	return menu_render(e->menu, e->node, e->lang, e->lim,
	    engine_flags(e), &v, scr);
}

/*
 * The kept screen of the current place (the error pages of its page when
 * error is set), or NULL when it has placeholders and must be rendered.
 */
static const struct menu_screen *
engine_kept(const struct engine *e, int error)
{
	return menu_screen_of(e->menu, e->node, e->lang, e->lim,
	    engine_flags(e), error, e->page);
}

/*
 * Number of pages of the plain layout, or (error set) of the error pages
 * of the current page; 1 when it cannot be rendered.
 */
static size_t
engine_count(struct engine *e, int error)
{
	const struct menu_screen	*kept = engine_kept(e, error);
	struct menu_screen		 scr;
	size_t				 n;

	if (kept != NULL)
		return kept->npages;
	if (engine_render(e, error, &scr) == -1)
		return 1;
	n = scr.npages;
	menu_screen_clear(&scr);
	return n;
}

/* Leave the error pages: back to the plain layout. */
static void
engine_plain(struct engine *e)
{
	e->err = 0;
	e->sub = 0;
}

/* A copy of the current page of a kept screen, and what it means. */
static enum engine_result
engine_take(struct engine *e, const struct menu_screen *kept, const char **text)
{
	if (e->err && e->sub >= kept->npages)
		e->sub = kept->npages - 1;
	if (!e->err && e->page >= kept->npages)
		e->page = 0;
	*text = kept->pages[e->err ? e->sub : e->page];
	return menu_node_kind(e->node) == MENU_NODE_END ? ENGINE_END :
	    ENGINE_CONTINUE;
}

/*
 * Render the current node and page. An END node ends the conversation; a
 * callback node asks for the store first (nothing is shown until the
 * request is on disk). With error set the page is shown again under the
 * error line, keeping the sub-page when it already was.
 */
static enum engine_result
engine_show(struct engine *e, int error, const char **text)
{
	const struct menu_screen	*kept;
	struct menu_screen		 scr;
	enum engine_result		 r;
	size_t				 i;

	*text = NULL;
	if (menu_node_kind(e->node) == MENU_NODE_CALLBACK) {
		if (e->request == NULL)
			e->request = e->node;
		return ENGINE_STORE;
	}
	if (menu_node_kind(e->node) == MENU_NODE_END)
		error = 0;
	if (error && !e->err) {
		e->err = 1;
		e->sub = 0;
	}
	kept = engine_kept(e, e->err);
	if (kept != NULL)
		return engine_take(e, kept, text);
	if (engine_render(e, e->err, &scr) == -1) {
		/* A checked tree always renders; fall back to the page. */
		if (!e->err)
			return ENGINE_ERROR;
		engine_plain(e);
		if (engine_render(e, e->err, &scr) == -1)
			return ENGINE_ERROR;
	}
	if (e->err && e->sub >= scr.npages)
		e->sub = scr.npages - 1;
	if (!e->err && e->page >= scr.npages)
		e->page = 0;
	i = e->err ? e->sub : e->page;
	*text = engine_own(e, scr.pages[i]);
	scr.pages[i] = NULL;
	r = menu_node_kind(e->node) == MENU_NODE_END ? ENGINE_END :
	    ENGINE_CONTINUE;
	menu_screen_clear(&scr);
	return r;
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
	e->stack[e->depth].node = (uint32_t)menu_node_index(e->menu, e->node);
	e->stack[e->depth].page = (uint32_t)e->page;
	e->depth++;
	e->node = n;
	e->page = 0;
	engine_plain(e);
}

/* Store (or replace) an answer. Returns -1 on allocation failure. */
static int
engine_store(struct engine *e, const char *name, const char *value)
{
	struct engine_answer	*a = NULL, *na;
	char			*v;
	size_t			 i;

	for (i = 0; i < e->nanswers; i++)
		if (strcmp(e->answers[i].name, name) == 0)
			a = &e->answers[i];
	if (a == NULL) {
		if (e->nanswers == ENGINE_ANSWERS)
			return -1;
		/* Grown one at a time: a tree stores a handful at most. */
		na = reallocarray(e->answers, e->nanswers + 1, sizeof(*na));
		if (na == NULL)
			return -1;
		e->answers = na;
		a = &e->answers[e->nanswers++];
		a->name = name;
		a->value = NULL;
	}
	v = strdup(value);
	if (v == NULL)
		return -1;
	engine_wipe(a->value);
	a->value = v;
	return 0;
}

/* Go back one page (or error page), or to the previous node. */
static void
engine_back(struct engine *e)
{
	if (e->err && e->sub > 0) {
		e->sub--;
		return;
	}
	engine_plain(e);
	if (e->page > 0) {
		e->page--;
		return;
	}
	if (e->depth > 0) {
		e->depth--;
		e->node = menu_node_at(e->menu, e->stack[e->depth].node);
		e->page = e->stack[e->depth].page;
	}
}

/* The next page (or error page); past the last, the info's next node. */
static void
engine_more(struct engine *e)
{
	if (e->err && e->sub + 1 < engine_count(e, 1)) {
		e->sub++;
		return;
	}
	if (e->page + 1 < engine_count(e, 0)) {
		engine_plain(e);
		e->page++;
	} else if (menu_node_kind(e->node) == MENU_NODE_INFO &&
	    menu_node_next(e->node) != NULL)
		engine_go(e, menu_node_next(e->node));
	else
		engine_plain(e);	/* the last page again, not an error */
}

/* Back to the start node with an empty way back. */
static void
engine_main(struct engine *e)
{
	e->depth = 0;
	e->node = menu_start(e->menu);
	e->page = 0;
	engine_plain(e);
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

/*
 * Apply input to an input node: validate, store, move on. An answer that
 * files the request, or changes one already filed, is a store step.
 */
static enum engine_result
engine_answer_input(struct engine *e, const char *in, const char **text)
{
	const struct menu_node		*n = e->node, *next, *files;
	const struct menu_option	*o;
	char				 buf[32];
	long				 v, min, max;

	next = menu_node_next(n);
	files = menu_node_request(n);
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
		if (menu_option_request(o) != NULL)
			files = menu_option_request(o);
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
		if (phone_kh(in, buf, sizeof(buf)) == -1)
			return engine_show(e, 1, text);
		if (engine_store(e, menu_node_store(n), buf) == -1)
			return ENGINE_ERROR;
		explicit_bzero(buf, sizeof(buf));
		break;
	}
	engine_go(e, next);
	if (files != NULL && e->request == NULL)
		e->request = files;
	if (e->request != NULL) {
		*text = NULL;
		return ENGINE_STORE;
	}
	return engine_show(e, 0, text);
}

/* Apply input to a menu node's options. */
static enum engine_result
engine_choose(struct engine *e, const char *in, const char **text)
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
		engine_plain(e);
		break;
	case MENU_ACT_EXIT:
		e->exited = 1;
		*text = menu_exit_text(e->menu);
		return ENGINE_END;
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
engine_start(struct engine *e, const char **text)
{
	return engine_show(e, 0, text);
}

/* Apply one input. */
enum engine_result
engine_input(struct engine *e, const char *input, const char **text)
{
	const struct menu_keys	*k = menu_keys(e->menu);
	enum engine_result	 r;
	char			*in;

	*text = NULL;
	in = text_ascii_digits(input);
	if (in == NULL)
		return ENGINE_ERROR;
	if (strcmp(in, k->exit) == 0) {
		/* One neutral text, whatever the language or screen. */
		e->exited = 1;
		*text = menu_exit_text(e->menu);
		r = ENGINE_END;
	} else if (strcmp(in, k->main) == 0) {
		engine_main(e);
		r = engine_show(e, 0, text);
	} else if (strcmp(in, k->back) == 0) {
		engine_back(e);
		r = engine_show(e, 0, text);
	} else if (strcmp(in, k->more) == 0) {
		engine_more(e);
		r = engine_show(e, 0, text);
	} else if (menu_node_kind(e->node) == MENU_NODE_MENU)
		r = engine_choose(e, in, text);
	else if (menu_node_kind(e->node) == MENU_NODE_INPUT)
		r = engine_answer_input(e, in, text);
	else
		r = engine_show(e, 1, text);
	engine_wipe(in);
	return r;
}

/* Render what follows a store step. */
enum engine_result
engine_stored(struct engine *e, enum engine_saved saved,
    const struct menu_when_info *w, const char **text)
{
	const struct menu_node	*req = engine_request(e);
	enum engine_result	 r;

	*text = NULL;
	if (req == NULL)
		return ENGINE_ERROR;
	if (w != NULL) {
		e->when = *w;
		e->has_when = 1;
	}
	if (engine_final(e)) {
		if (saved == ENGINE_SAVED)
			*text = engine_own(e, menu_callback_text(e->menu,
			    e->node, e->lang, e->has_when ? &e->when : NULL));
		else
			*text = menu_callback_failed(e->node, e->lang);
		return *text == NULL ? ENGINE_ERROR : ENGINE_END;
	}
	if (saved == ENGINE_NOT_FILED) {
		/* Nothing is on disk: promise nothing, give the number. */
		*text = menu_callback_failed(req, e->lang);
		return *text == NULL ? ENGINE_ERROR : ENGINE_END;
	}
	r = engine_show(e, 0, text);
	/* A store step never lands on another one. */
	return r == ENGINE_STORE ? ENGINE_ERROR : r;
}

/* The callback node this conversation files into. */
const struct menu_node *
engine_request(const struct engine *e)
{
	if (e->request != NULL)
		return e->request;
	return menu_node_kind(e->node) == MENU_NODE_CALLBACK ? e->node : NULL;
}

/* Whether the callback node is on screen. */
int
engine_final(const struct engine *e)
{
	return menu_node_kind(e->node) == MENU_NODE_CALLBACK;
}

/* Whether the caller left by the quick exit. */
int
engine_exited(const struct engine *e)
{
	return e->exited;
}

/* A callback field's value from the answers. */
const char *
engine_callback_field(const struct engine *e, enum menu_cb_field f)
{
	const struct menu_node	*req = engine_request(e);
	const char		*store;

	if (req == NULL)
		return NULL;
	store = menu_node_field(req, f);
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
