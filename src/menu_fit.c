/* SPDX-License-Identifier: ISC */
/*
 * menu_fit: the screen budget of a whole tree, as `hotlined -t` reports
 * it. Every screen is rendered the worst way it can go on air (the error
 * line on every page, every footer, the longest value of each
 * placeholder) to find lines that cannot fit, and the plain way to print
 * its encoding, largest page and page count. END texts and confirmations
 * must fit one page. Rendering itself is menu_render.c's job.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "menu.h"
#include "menu_tree.h"
#include "schema.h"
#include "text.h"

/* Size of one END text in its own encoding, and that encoding's limit. */
static size_t
menu_end_size(const char *t, const struct menu_limits *lim, size_t *limit,
    enum text_encoding *encp)
{
	enum text_encoding	 enc = text_encoding_of(t, strlen(t));

	*limit = enc == TEXT_GSM7 ? lim->gsm7 : lim->ucs2;
	*encp = enc;
	return text_measure(t, strlen(t), enc);
}

/* Check that a tree-wide END text fits one screen. */
static size_t
menu_check_string(const struct menu *m, enum menu_string s,
    const struct menu_limits *lim, struct diag *d)
{
	enum text_encoding	 enc;
	const char		*t;
	size_t			 i, sz, limit, bad = 0;
	char			 p[SCHEMA_PTR_MAX];

	for (i = 0; i < m->nlang; i++) {
		t = m->strings[s][i];
		sz = menu_end_size(t, lim, &limit, &enc);
		if (sz <= limit)
			continue;
		schema_ptr(p, sizeof(p), "/strings", menu_string_name(s));
		schema_ptr(p, sizeof(p), p, m->langs[i]);
		diag_at(d, m->name, m->jp, p, 0, "%s text is %zu %s units, "
		    "over the one-screen limit of %zu", text_encoding_name(enc),
		    sz, text_encoding_name(enc), limit);
		bad++;
	}
	return bad;
}

/* The worst confirmation so far: its size, limit and encoding. */
struct menu_worst {
	const struct menu_limits	*lim;
	size_t				 size;
	size_t				 limit;
	enum text_encoding		 enc;
};

/* Keep t if it is the worst yet against its encoding's limit. */
static void
menu_worst_cb(const char *t, void *arg)
{
	struct menu_worst	*w = arg;
	enum text_encoding	 enc;
	size_t			 sz, limit;

	sz = menu_end_size(t, w->lim, &limit, &enc);
	if (sz > w->size || (sz == w->size && limit < w->limit)) {
		w->size = sz;
		w->limit = limit;
		w->enc = enc;
	}
}

/*
 * Check a callback node: its longest confirmation (every "when" phrase,
 * every day name and hour) and its failure text must fit one END screen.
 */
static size_t
menu_check_callback(const struct menu *m, const struct menu_node *n,
    const struct menu_limits *lim, struct diag *d, menu_fit_cb cb, void *arg)
{
	struct menu_fit_row	 row;
	struct menu_worst	 w;
	enum text_encoding	 enc;
	size_t			 l, sz, limit, errors = 0;
	char			 p[SCHEMA_PTR_MAX];

	memset(&w, 0, sizeof(w));
	w.lim = lim;
	w.enc = TEXT_GSM7;
	schema_ptr(p, sizeof(p), "/nodes", n->id);
	for (l = 0; l < m->nlang; l++) {
		w.size = 0;
		if (menu_when_each(m, n, l, m->now_minutes > 0 ?
		    m->now_minutes : 99, menu_worst_cb, &w) == -1)
			return errors + 1;
		if (w.size > w.limit) {
			diag_at(d, m->name, m->jp, p, 1, "confirmation [%s] "
			    "can take %zu %s units, over the one-screen limit "
			    "of %zu", m->langs[l], w.size,
			    text_encoding_name(w.enc), w.limit);
			errors++;
		}
		sz = menu_end_size(n->failed[l], lim, &limit, &enc);
		if (sz > limit) {
			diag_at(d, m->name, m->jp, p, 1, "failed text [%s] "
			    "does not fit one screen (%zu %s units, limit %zu)",
			    m->langs[l], sz, text_encoding_name(enc), limit);
			errors++;
		}
		if (cb == NULL)
			continue;
		memset(&row, 0, sizeof(row));
		row.menu = m->name;
		row.node = n->id;
		row.lang = m->langs[l];
		row.kind = n->kind;
		row.enc = w.enc;
		row.used = w.size;
		row.limit = w.limit;
		row.pages = 1;
		row.at_most = 1;
		cb(&row, arg);
	}
	return errors;
}

/* Report why node n cannot be laid out in language l. */
static void
menu_fit_problem(const struct menu *m, const struct menu_node *n, size_t l,
    const struct menu_screen *scr, size_t bad, struct diag *d)
{
	char	 p[SCHEMA_PTR_MAX];

	schema_ptr(p, sizeof(p), "/nodes", n->id);
	if (n->kind == MENU_NODE_END)
		diag_at(d, m->name, m->jp, p, 1, "end text [%s] does not fit "
		    "one screen (%zu %s units, limit %zu)", m->langs[l],
		    scr->size, text_encoding_name(scr->enc), scr->limit);
	else if (bad >= 1 && bad - 1 < n->noptions)
		diag_at(d, m->name, m->jp, menu_option_ptr(p, sizeof(p), n,
		    bad - 1), 0, "option line [%s] cannot fit any page with "
		    "its footers (limit %zu %s units)", m->langs[l],
		    scr->limit, text_encoding_name(scr->enc));
	else
		diag_at(d, m->name, m->jp, p, 1, "screen [%s] cannot be paged "
		    "within %zu %s units", m->langs[l], scr->limit,
		    text_encoding_name(scr->enc));
}

/* Warn that a line of n cannot be shown under the error line. */
static void
menu_fit_warning(const struct menu *m, const struct menu_node *n, size_t l,
    const struct menu_screen *scr, size_t bad, struct diag *d)
{
	char	 p[SCHEMA_PTR_MAX];

	if (bad >= 1 && bad - 1 < n->noptions)
		diag_warn_at(d, m->name, m->jp, menu_option_ptr(p, sizeof(p),
		    n, bad - 1), 0, "option line [%s] does not fit a page "
		    "under the error line (limit %zu %s units): after a wrong "
		    "key its page is shown without it", m->langs[l],
		    scr->limit, text_encoding_name(scr->enc));
	else
		diag_warn_at(d, m->name, m->jp, schema_ptr(p, sizeof(p),
		    "/nodes", n->id), 1, "screen [%s] cannot be "
		    "paged under the error line within %zu %s units",
		    m->langs[l], scr->limit, text_encoding_name(scr->enc));
}

/*
 * For an SMS channel: how its largest page goes on air (each page is one
 * message), into row.
 */
static void
menu_fit_parts(const struct menu_screen *scr, struct menu_fit_row *row)
{
	enum text_encoding	 enc, worst = TEXT_GSM7;
	size_t			 i, n, most = 0;

	for (i = 0; i < scr->npages; i++) {
		n = text_sms_split(scr->pages[i], strlen(scr->pages[i]), &enc,
		    NULL, 0);
		if (n > most)
			most = n;
		if (enc == TEXT_UCS2)
			worst = TEXT_UCS2;
	}
	row->sms_enc = worst;
	row->sms_parts = most;
}

/* Print row as hotlined -t does, one line. */
void
menu_fit_print(const struct menu_fit_row *row, void *fp)
{
	if (row->at_most) {
		fprintf(fp, "%s: %-20s [%s] %s %zu/%zu at most, 1 page\n",
		    row->menu, row->node, row->lang,
		    text_encoding_name(row->enc), row->used, row->limit);
		return;
	}
	fprintf(fp, "%s: %-20s [%s] %s %zu/%zu, %zu page%s", row->menu,
	    row->node, row->lang, text_encoding_name(row->enc), row->used,
	    row->limit, row->pages, row->pages == 1 ? "" : "s");
	if (row->sms_parts > 0)
		fprintf(fp, ", SMS %s %zu part%s",
		    text_encoding_name(row->sms_enc), row->sms_parts,
		    row->sms_parts == 1 ? "" : "s");
	fputc('\n', fp);
}

/* Check and report every screen against a budget. */
size_t
menu_check_fit(const struct menu *m, const struct menu_limits *lim,
    struct diag *d, menu_fit_cb cb, void *arg)
{
	const struct menu_node	*n;
	struct menu_fit_row	 row;
	struct menu_screen	 scr;
	enum text_encoding	 enc;
	size_t			 i, l, bad, sz, limit, errors = 0;
	int			 flags;

	errors += menu_check_string(m, MENU_STR_EXPIRED, lim, d);
	sz = menu_end_size(m->exit_text, lim, &limit, &enc);
	if (sz > limit) {
		diag_add(d, "%s: the quick exit text (exit_text) is %zu %s "
		    "units, over the one-screen limit of %zu", m->name, sz,
		    text_encoding_name(enc), limit);
		errors++;
	}
	for (i = 0; i < m->nnodes; i++) {
		n = &m->nodes[i];
		if (n->kind == MENU_NODE_CALLBACK) {
			errors += menu_check_callback(m, n, lim, d, cb,
			    arg);
			continue;
		}
		for (l = 0; l < m->nlang; l++) {
			/* The worst: every footer and the longest values. */
			if (menu_render_at(m, n, l, lim, MENU_RENDER_CAN_BACK |
			    MENU_RENDER_CAN_MAIN, NULL, 0, (size_t)-1, &scr,
			    &bad) == -1) {
				errors++;
				menu_fit_problem(m, n, l, &scr, bad, d);
				continue;
			}
			menu_screen_clear(&scr);
			/*
			 * With the error line on top as well: else a wrong key
			 * shows the page again without saying why.
			 */
			if (n->kind != MENU_NODE_END &&
			    menu_render_at(m, n, l, lim, MENU_RENDER_CAN_BACK |
			    MENU_RENDER_CAN_MAIN, NULL, 1, (size_t)-1, &scr,
			    &bad) == -1)
				menu_fit_warning(m, n, l, &scr, bad, d);
			else if (n->kind != MENU_NODE_END)
				menu_screen_clear(&scr);
			if (cb == NULL)
				continue;
			flags = n == m->start ? 0 : MENU_RENDER_CAN_BACK;
			if (menu_render_at(m, n, l, lim, flags, NULL, 0,
			    (size_t)-1, &scr, &bad) == -1)
				continue;
			memset(&row, 0, sizeof(row));
			row.menu = m->name;
			row.node = n->id;
			row.lang = m->langs[l];
			row.kind = n->kind;
			row.enc = scr.enc;
			row.used = scr.largest;
			row.limit = scr.limit;
			row.pages = scr.npages;
			if (lim->sms > 0)
				menu_fit_parts(&scr, &row);
			menu_screen_clear(&scr);
			cb(&row, arg);
		}
	}
	return errors;
}
