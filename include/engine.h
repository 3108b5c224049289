/* SPDX-License-Identifier: ISC */
/*
 * engine: one conversation walking a menu tree. It owns where the caller
 * is (node, page, language, the way back, whether an error line is shown)
 * and the answers collected, and turns each input into the next screen.
 * It does no I/O and keeps no timers: sessions, retries and time-outs
 * belong to session.c, storing the request to intake.c.
 */
#ifndef HOTLINED_ENGINE_H
#define HOTLINED_ENGINE_H

#include <stddef.h>

#include "menu.h"

struct engine;
struct menu;
struct menu_limits;

/* What an engine step produced. */
enum engine_result {
	ENGINE_CONTINUE,	/* show the text and wait for input (CON) */
	ENGINE_END,		/* show the text and end the session (END) */
	ENGINE_STORE,		/* the request must be filed or updated
				   before anything is shown: store it, then
				   call engine_stored; text is not set */
	ENGINE_ERROR		/* internal failure; text is not set */
};

/* How a store step ended, for engine_stored. */
enum engine_saved {
	ENGINE_SAVED,		/* the row holds every answer so far */
	ENGINE_SAVE_FAILED,	/* the row exists, this change is not in it */
	ENGINE_NOT_FILED	/* there is no row: nothing was stored */
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

/*
 * Render the start screen into *text. Every screen the engine gives in
 * *text is borrowed, from the tree or the engine's own, and stays valid
 * until the next call on e or engine_free.
 */
enum engine_result engine_start(struct engine *e, const char **text);

/*
 * Apply one input (ASCII or Khmer digits) and render the next screen into
 * *text. Global keys come first: exit, main, back, more; then the current
 * node's options or validation. A
 * reply that is not accepted shows the same page again under the error
 * line; "more" on the last page shows it again. ENGINE_STORE when an
 * accepted answer files the request (a "request" marker), changes a filed
 * one, or reaches a callback node.
 */
enum engine_result engine_input(struct engine *e, const char *input,
		    const char **text);

/*
 * Finish a store step: remember when the call can be expected (w; NULL
 * keeps the last) and render what comes next into *text: at a callback
 * node its confirmation, or its failed text unless saved; elsewhere the
 * next screen, or the failed text (END) when nothing could be filed. Returns ENGINE_CONTINUE, ENGINE_END or ENGINE_ERROR.
 */
enum engine_result engine_stored(struct engine *e, enum engine_saved saved,
		    const struct menu_when_info *w, const char **text);

/*
 * The callback node whose request this conversation files: the one a
 * "request" marker named, or the callback node on screen. NULL before.
 */
const struct menu_node *engine_request(const struct engine *e);

/* Return 1 if the conversation is at its callback node (the last step). */
int		 engine_final(const struct engine *e);

/* Return 1 if the conversation ended by the quick exit. */
int		 engine_exited(const struct engine *e);

/* The value the request's field f takes from the answers, or NULL. */
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
