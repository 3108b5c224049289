/* SPDX-License-Identifier: ISC */
/*
 * menu: one menu tree loaded from a JSON file. It owns the menu file's
 * tables of keys, parsing and validation (with file:line:col locations),
 * rendering a node into pages that fit a channel's screen budget, and the
 * fit report of `hotlined -t`. The code is split by job: menu.c holds the
 * tree, menu_load.c reads and checks a file, menu_check.c the rules
 * between nodes, menu_render.c renders, menu_fit.c measures every screen.
 * It does not know about sessions or channels: the conversation itself
 * (which node is current, what was answered) lives in engine.c.
 */
#ifndef HOTLINED_MENU_H
#define HOTLINED_MENU_H

#include <stddef.h>
#include <stdio.h>

#include "schema.h"
#include "text.h"
#include "when.h"

#define MENU_MAX_LANG	4	/* languages a tree may carry */
#define MENU_KEY_MAX	8	/* bytes of a key, with its NUL */
#define MENU_MAX_STORES	16	/* distinct answer names in one tree */
#define MENU_MAX_WINDOWS 4	/* safe-call windows the roster names */

struct diag;
struct menu;
struct menu_node;
struct menu_option;

/* The kinds of node a tree is made of. */
enum menu_kind {
	MENU_NODE_MENU,		/* numbered options leading elsewhere */
	MENU_NODE_INFO,		/* text, paged when long, optional next */
	MENU_NODE_INPUT,	/* a question whose answer is validated */
	MENU_NODE_END,		/* last screen: the session ends */
	MENU_NODE_CALLBACK	/* store a callback request, then END with
				   when to expect the call */
};

/* What choosing an option does. */
enum menu_action {
	MENU_ACT_NEXT,		/* go to the option's node */
	MENU_ACT_LANGUAGE,	/* switch to the next language, re-show */
	MENU_ACT_EXIT,		/* quick exit */
	MENU_ACT_MAIN,		/* back to the start node */
	MENU_ACT_BACK		/* previous page or node */
};

/* How an input node validates its answer. */
enum menu_accept {
	MENU_ACCEPT_CHOICE,	/* one of the listed choices (by key) */
	MENU_ACCEPT_DIGITS,	/* a whole number within [min, max] */
	MENU_ACCEPT_PHONE_KH	/* a Cambodian phone number */
};

/* The tree-wide texts. */
enum menu_string {
	MENU_STR_INVALID,	/* error line above a re-shown screen */
	MENU_STR_MORE,		/* label of the "more" key */
	MENU_STR_BACK,		/* label of the "back" key */
	MENU_STR_EXPIRED,	/* END text: unknown or timed-out session */
	/* Optional in every tree: */
	MENU_STR_MAIN,		/* label of the main-menu key (footer) */
	MENU_STR_HOURS,		/* 24 ways to say an hour, '|' */
	/* Required only by trees with a callback node: */
	MENU_STR_WHEN_WITHIN,		/* "within {minutes} minutes" */
	MENU_STR_WHEN_TODAY_BEFORE,	/* "today before {time}" */
	MENU_STR_WHEN_TONIGHT_BEFORE,	/* "tonight before {time}" */
	MENU_STR_WHEN_TODAY_FROM,	/* "today from {time}" */
	MENU_STR_WHEN_TOMORROW_FROM,	/* "tomorrow from {time}" */
	MENU_STR_WHEN_DAY_FROM,		/* "on {day} from {time}" */
	MENU_STR_WHEN_UNKNOWN,		/* no counsellor on duty soon */
	MENU_STR_DAYS,			/* seven day names, Sunday first, '|' */
	MENU_STR__COUNT
};
#define MENU_STR__REQUIRED	(MENU_STR_EXPIRED + 1)
#define MENU_STR__CALLBACK	MENU_STR_WHEN_WITHIN

/* The answers a callback node records, each taken from a store name. */
enum menu_cb_field {
	MENU_CB_SAFE_TO_CALL,	/* "yes"/"no": may we call her number */
	MENU_CB_SAFE_NUMBER,	/* a different, safe number */
	MENU_CB_WINDOW,		/* now, morning, afternoon, evening */
	MENU_CB_COVER,		/* what to say if someone else answers */
	MENU_CB_URGENT,		/* "yes": in danger now */
	MENU_CB_PROVINCE,
	MENU_CB_TOPIC,
	MENU_CB__COUNT
};

/* When to expect the call: the phrase and what fills it in. */
struct menu_when_info {
	enum when_kind	 kind;
	int		 hour;		/* 0..23, Phnom Penh time */
	int		 minute;
	int		 wday;		/* 0 Sunday .. 6 Saturday */
	int		 minutes;	/* WITHIN: how many */
};

/* The global keys, from the daemon configuration. */
struct menu_keys {
	char	back[MENU_KEY_MAX];
	char	main[MENU_KEY_MAX];
	char	more[MENU_KEY_MAX];
	char	exit[MENU_KEY_MAX];
};

/* A channel's screen budget: septets when GSM-7, UTF-16 units otherwise. */
struct menu_limits {
	size_t	gsm7;
	size_t	ucs2;
	size_t	sms;	/* an SMS channel's part cap; 0 for USSD */
};

/* A safe-call window as the roster defines it: minutes of the day. */
struct menu_window {
	const char	*name;		/* morning, afternoon, evening */
	int		 from;
	int		 to;		/* <= from: past midnight */
};

/*
 * What the caller of menu_load supplies: languages (first is default),
 * the global keys and the quick exit's one text; and, from the roster when
 * there is one, the safe-call windows and how many minutes "now" means,
 * which choice labels may show as {hours} and {minutes}.
 */
struct menu_env {
	const char		*languages[MENU_MAX_LANG];
	size_t			 nlang;
	const struct menu_keys	*keys;
	const char		*exit_text;
	struct menu_window	 windows[MENU_MAX_WINDOWS];
	size_t			 nwindows;
	int			 now_minutes;	/* 0: no roster */
};

/* Flags for menu_render. */
#define MENU_RENDER_CAN_BACK	0x2	/* show "back" on the first page too */
#define MENU_RENDER_CAN_MAIN	0x4	/* show "main menu" on the last page */

/*
 * What a screen fills in at render time: {when}, from the request the
 * conversation has filed (NULL: none yet, the "unknown" phrase), and
 * {name}, an earlier answer (phone numbers grouped for reading back).
 */
struct menu_vars {
	const struct menu_when_info	*when;
	const char			*(*answer)(const char *name, void *arg);
	void				*arg;
};

/* A rendered screen: its pages, encoding and sizes. */
struct menu_screen {
	char			**pages;
	size_t			  npages;
	enum text_encoding	  enc;
	size_t			  size;		/* content without footers */
	size_t			  largest;	/* largest page, footers too */
	size_t			  limit;	/* budget for enc */
};

/*
 * Load and validate the tree in file (name is how errors refer to it, e.g.
 * "menus/main.json"). Every problem found is added to d. Returns the tree,
 * or NULL if there was any problem.
 */
struct menu	*menu_load(const char *file, const char *name,
		    const struct menu_env *env, struct diag *d);

void		 menu_free(struct menu *m);

/*
 * Print every key of a menu file (the top, strings.*, each kind of node
 * as nodes.NAME.*, its accept and fields) with its type, default and
 * help, for hotlined -k (SCHEMA_TEXT) and the manual (SCHEMA_ROFF).
 */
void		 menu_print_keys(FILE *fp, enum schema_format fmt);

/* The name the tree was loaded under (borrowed). */
const char	*menu_name(const struct menu *m);

/* The start node. */
const struct menu_node *menu_start(const struct menu *m);

/* Return 1 if the tree has a callback node. */
int		 menu_has_callback(const struct menu *m);

/* Number of languages the tree carries (the first is the default). */
size_t		 menu_nlang(const struct menu *m);

/* The global keys the tree was validated and renders with. */
const struct menu_keys *menu_keys(const struct menu *m);

/* A tree-wide text in language lang (borrowed; NULL if optional, unset). */
const char	*menu_string(const struct menu *m, enum menu_string s,
		    size_t lang);

/* The quick exit's text: one, whatever the language (borrowed). */
const char	*menu_exit_text(const struct menu *m);

/* One screen in one language, as the fit report measures it. */
struct menu_fit_row {
	const char		*menu;		/* the tree's name */
	const char		*node;		/* its id */
	const char		*lang;
	enum menu_kind		 kind;
	enum text_encoding	 enc;
	size_t			 used;		/* largest page as sent */
	size_t			 limit;		/* budget for enc */
	size_t			 pages;
	int			 at_most;	/* a confirmation: its longest */
	size_t			 sms_parts;	/* 0: not an SMS channel */
	enum text_encoding	 sms_enc;	/* ... the parts' encoding */
};

/* Called once per row of a fit report; the row is borrowed. */
typedef void	(*menu_fit_cb)(const struct menu_fit_row *row, void *arg);

/* A menu_fit_cb that prints row on the FILE * fp, as hotlined -t does. */
void		 menu_fit_print(const struct menu_fit_row *row, void *fp);

/*
 * Check that every screen of the tree renders within lim, with the error
 * line and every footer it can carry and the longest values its
 * placeholders can take (adds a problem per option line or END text that
 * cannot fit), and, when cb is not NULL, call it once per screen and
 * language with its encoding, the largest page as sent against the limit,
 * and the page count. Returns the number of problems added.
 */
size_t		 menu_check_fit(const struct menu *m,
		    const struct menu_limits *lim, struct diag *d,
		    menu_fit_cb cb, void *arg);

/*
 * Render node n in language lang into pages that fit lim, filling its
 * placeholders from vars (may be NULL). Returns 0 and fills out (release
 * with menu_screen_clear), or -1 if some line cannot fit any page or
 * memory ran out.
 */
int		 menu_render(const struct menu *m, const struct menu_node *n,
		    size_t lang, const struct menu_limits *lim, int flags,
		    const struct menu_vars *vars, struct menu_screen *out);

/*
 * The pages that stand for page `page` of menu_render's layout after a
 * reply that was not accepted: the same content, each page headed by the
 * error line (the node's own, or the tree's "invalid"), so that the caller
 * stays where she was. One page when it fits, more when the error line
 * pushes content over. Returns 0 or -1 as menu_render.
 */
int		 menu_render_error(const struct menu *m,
		    const struct menu_node *n, size_t lang,
		    const struct menu_limits *lim, int flags,
		    const struct menu_vars *vars, size_t page,
		    struct menu_screen *out);

void		 menu_screen_clear(struct menu_screen *s);

/*
 * The screen menu_render (or, with error set, menu_render_error for page
 * `page`) lays out for node n, rendered once and kept with the tree: a
 * borrowed screen, valid while the tree lives. NULL when n's text has
 * placeholders (render those each time), or it cannot be rendered. Only
 * the thread that renders may call it.
 */
const struct menu_screen *menu_screen_of(const struct menu *m,
		    const struct menu_node *n, size_t lang,
		    const struct menu_limits *lim, int flags, int error,
		    size_t page);

/*
 * Render and keep the plain layouts of every fixed screen of m for lim,
 * so that the first hops after a load find them ready.
 */
void		 menu_cache_warm(const struct menu *m,
		    const struct menu_limits *lim);

/* Node i of the tree in file order, or NULL past the last. */
const struct menu_node *menu_node_at(const struct menu *m, size_t i);

/* The index menu_node_at gives node n of m by. */
size_t		 menu_node_index(const struct menu *m,
		    const struct menu_node *n);

/* Node accessors (all returned pointers are borrowed from the tree). */
/* The node's text in lang as written, placeholders unfilled, or NULL. */
const char	*menu_node_title(const struct menu_node *n, size_t lang);
/* Option (or input choice) i of n, or NULL past the last. */
const struct menu_option *menu_node_option_at(const struct menu_node *n,
		    size_t i);
const char	*menu_node_id(const struct menu_node *n);
enum menu_kind	 menu_node_kind(const struct menu_node *n);
const struct menu_node *menu_node_next(const struct menu_node *n);
const char	*menu_node_store(const struct menu_node *n);
enum menu_accept menu_node_accept(const struct menu_node *n);
void		 menu_node_range(const struct menu_node *n, long *min,
		    long *max);

/*
 * The callback node whose request an accepted answer to input node n
 * files (or updates), or NULL: from this answer on, the request exists.
 */
const struct menu_node *menu_node_request(const struct menu_node *n);

/* The store name a callback node takes field f from, or NULL. */
const char	*menu_node_field(const struct menu_node *n,
		    enum menu_cb_field f);

/* Name of a callback field as written in menu files ("safe_number"). */
const char	*menu_cb_field_name(enum menu_cb_field f);

/*
 * The {when} phrase w in language lang: the tree's when_* text with
 * {time} said as the "hours" string says hours (else HH:MM), {day} from
 * "days" and {minutes}. A new string the caller frees, or NULL.
 */
char		*menu_when_text(const struct menu *m, size_t lang,
		    const struct menu_when_info *w);

/*
 * The confirmation of callback node n in language lang, its {when} filled
 * from w. A new string the caller frees; NULL on allocation failure.
 */
char		*menu_callback_text(const struct menu *m,
		    const struct menu_node *n, size_t lang,
		    const struct menu_when_info *w);

/* The END text of callback node n when the request could not be stored. */
const char	*menu_callback_failed(const struct menu_node *n, size_t lang);

/* The option (or input choice) of n whose key is key, or NULL. */
const struct menu_option *menu_node_option(const struct menu_node *n,
		    const char *key);

enum menu_action menu_option_action(const struct menu_option *o);
const char	*menu_option_key(const struct menu_option *o);
/* The option's label in lang as written, or NULL. */
const char	*menu_option_label(const struct menu_option *o, size_t lang);
/* Where the option leads; NULL for a choice that uses its node's next. */
const struct menu_node *menu_option_next(const struct menu_option *o);
/* The value an input choice stores (NULL for menu options). */
const char	*menu_option_value(const struct menu_option *o);
/* The callback node whose request choosing o files, or NULL. */
const struct menu_node *menu_option_request(const struct menu_option *o);

#endif
