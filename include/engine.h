/* SPDX-License-Identifier: ISC */
/*
 * engine: one conversation walking a menu tree. It owns where the caller
 * is (node, page, language, the way back) and the answers collected, and
 * turns each input into the next screen. It does no I/O and keeps no
 * timers: sessions, retries and time-outs belong to session.c.
 */
#ifndef HOTLINED_ENGINE_H
#define HOTLINED_ENGINE_H

#include <stddef.h>

#include "menu.h"

struct engine;
struct menu;
struct menu_limits;

/* Whether the screen an engine step produced continues or ends the session. */
enum engine_result {
	ENGINE_CONTINUE,	/* show the text and wait for input (CON) */
	ENGINE_END,		/* show the text and end the session (END) */
	ENGINE_CALLBACK,	/* a callback node was reached: store the
				   request, then call engine_callback_done;
				   text is not set */
	ENGINE_ERROR		/* internal failure; text is not set */
};

/*
 * A conversation on tree m with screen budget lim (both borrowed: they must
 * outlive the engine). The language starts as the tree's first. NULL on
 * allocation failure.
 */
struct engine	*engine_new(const struct menu *m,
		    const struct menu_limits *lim);

/* Free the conversation, wiping every answer it holds (NULL is fine). */
void		 engine_free(struct engine *e);

/* Render the start screen into *text (a new string the caller frees). */
enum engine_result engine_start(struct engine *e, char **text);

/*
 * Apply one input (ASCII or Khmer digits) and render the next screen into
 * *text (a new string the caller frees). Global keys come first: exit,
 * main, back, more; then the current node's options or validation.
 */
enum engine_result engine_input(struct engine *e, const char *input,
		    char **text);

/*
 * Finish a callback node: render its confirmation (stored set: the request
 * is durable; w, hour, minute, wday say when to expect the call) or its
 * failure text into *text (a new string). Returns ENGINE_END, or
 * ENGINE_ERROR.
 */
enum engine_result engine_callback_done(struct engine *e, int stored,
		    enum menu_when w, int hour, int minute, int wday,
		    char **text);

/* The value a callback node's field f takes from the answers, or NULL. */
const char	*engine_callback_field(const struct engine *e,
		    enum menu_cb_field f);

/* The answer stored under name (borrowed), or NULL. */
const char	*engine_answer(const struct engine *e, const char *name);

/* Id of the node on screen (borrowed; for logs and tests). */
const char	*engine_node_id(const struct engine *e);

/* Index of the language in use, and the page on screen. */
size_t		 engine_lang(const struct engine *e);
size_t		 engine_page(const struct engine *e);

#endif
