/* SPDX-License-Identifier: ISC */
/*
 * menu: a loaded menu tree and what the conversation reads from it: its
 * nodes, options, texts and keys. Trees are immutable once loaded, so
 * sessions can keep using an old tree after a reload swapped in a new
 * one. Reading and checking a file is menu_load.c's job (the rules
 * between nodes menu_check.c's), rendering menu_render.c's and the fit
 * report menu_fit.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "jsonpos.h"
#include "menu.h"
#include "menu_tree.h"
#include "schema.h"

/* The tree-wide texts, in the order of enum menu_string. */
const struct schema_key menu_string_keys[] = {
	MK_TEXT("invalid", 1, "error line above a screen shown again after "
	    "a reply that was not accepted"),
	MK_TEXT("more", 1, "label of the next-page key"),
	MK_TEXT("back", 1, "label of the back key"),
	MK_TEXT("expired", 1, "END text for an unknown or timed-out session; "
	    "neutral"),
	MK_TEXT("main", 0, "label of the main-menu key, shown where it fits"),
	MK_TEXT("hours", 0, "24 ways to say an hour, 0 to 23, each with {h}, "
	    "separated by |"),
	MK_TEXT("when_within", 0, "{when} for a call within {minutes} "
	    "minutes (this and the next seven: trees with a callback node)"),
	MK_TEXT("when_today_before", 0, "{when} for a call from now until "
	    "{time} today"),
	MK_TEXT("when_tonight_before", 0, "{when} for a call from now until "
	    "{time} after midnight"),
	MK_TEXT("when_today_from", 0, "{when} for a call later today, from "
	    "{time}"),
	MK_TEXT("when_tomorrow_from", 0, "{when} for a call tomorrow, from "
	    "{time}"),
	MK_TEXT("when_day_from", 0, "{when} for a call on {day}, from {time}"),
	MK_TEXT("when_unknown", 0, "{when} when no time can be promised"),
	MK_TEXT("days", 0, "seven day names for {day}, Sunday first, "
	    "separated by |"),
	MK_COMMENT,
	SCHEMA_END
};

/* The answers a callback node files, in the order of enum menu_cb_field. */
const struct schema_key menu_field_keys[] = {
	MK_STR("safe_to_call", 0, "store of yes or no: may she be called on "
	    "the number she dialled from"),
	MK_STR("safe_number", 0, "store of a phone_kh answer: the number to "
	    "call instead"),
	MK_STR("window", 0, "store of now, morning, afternoon or evening: "
	    "when it is safe to call"),
	MK_STR("cover", 0, "store of what to say if someone else answers"),
	MK_STR("urgent", 0, "store of yes: she is in danger now"),
	MK_STR("province", 0, "store shown in lists and alerts"),
	MK_STR("topic", 0, "store shown in lists and alerts"),
	SCHEMA_END
};

/* A tree-wide text's name. */
const char *
menu_string_name(enum menu_string s)
{
	return menu_string_keys[s].name;
}

/* A callback field's name. */
const char *
menu_cb_field_name(enum menu_cb_field f)
{
	return menu_field_keys[f].name;
}

/* The node called id, or NULL. */
const struct menu_node *
menu_find_node(const struct menu *m, const char *id)
{
	size_t	 i;

	for (i = 0; i < m->nnodes; i++)
		if (m->nodes[i].id != NULL && strcmp(m->nodes[i].id, id) == 0)
			return &m->nodes[i];
	return NULL;
}

/* The pointer of an option or choice. */
const char *
menu_option_ptr(char *buf, size_t len, const struct menu_node *n, size_t i)
{
	schema_ptr(buf, len, "/nodes", n->id);
	if (n->kind == MENU_NODE_INPUT) {
		schema_ptr(buf, len, buf, "accept");
		schema_ptr(buf, len, buf, "choices");
	} else
		schema_ptr(buf, len, buf, "options");
	return schema_ptr_index(buf, len, buf, i);
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
	menu_cache_free(m->cache);
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

/* Node i in file order. */
const struct menu_node *
menu_node_at(const struct menu *m, size_t i)
{
	return i < m->nnodes ? &m->nodes[i] : NULL;
}

/* The index of node n in m's file order. */
size_t
menu_node_index(const struct menu *m, const struct menu_node *n)
{
	return (size_t)(n - m->nodes);
}

/* A node's text as written. */
const char *
menu_node_title(const struct menu_node *n, size_t lang)
{
	return lang < MENU_MAX_LANG ? n->text[lang] : NULL;
}

/* Option i of a node. */
const struct menu_option *
menu_node_option_at(const struct menu_node *n, size_t i)
{
	return i < n->noptions ? &n->options[i] : NULL;
}

/* An option's key. */
const char *
menu_option_key(const struct menu_option *o)
{
	return o->key;
}

/* An option's label as written. */
const char *
menu_option_label(const struct menu_option *o, size_t lang)
{
	return lang < MENU_MAX_LANG ? o->label[lang] : NULL;
}
