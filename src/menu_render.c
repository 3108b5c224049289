/* SPDX-License-Identifier: ISC */
/*
 * menu_render: a node of a loaded tree as the pages of a screen. It fills
 * the placeholders ({when}, a typed answer read back), chooses one
 * encoding for the screen, and packs the text and option lines into pages
 * within the budget without splitting an option line or a Khmer cluster,
 * with the footers (more, main menu, back) each page needs; and it lays
 * out the same page again under an error line. It also words {when}.
 * Loading is menu_load.c's job, the fit report menu_fit.c's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "menu.h"
#include "phone.h"
#include "menu_tree.h"
#include "text.h"

/* One piece of a screen: the text, whether it may be split, its size. */
struct menu_block {
	const char	*s;
	size_t		 len;
	int		 split;
	size_t		 size;
};

/* Where a page starts: a block and a byte offset into it. */
struct menu_pos {
	size_t		 bi;
	size_t		 off;
};

/* How to pack: the encoding, budget, header and footers. */
struct menu_pack {
	enum text_encoding	 enc;
	size_t			 limit;
	const char		*header;	/* on every page, or NULL */
	const char		*more;
	const char		*back;
	const char		*main;		/* or NULL */
	int			 can_back;	/* "back" on the first page */
	int			 more_last;	/* "more" on the last page */
	int			 main_last;	/* "main" on the last page */
};

/* A growing output buffer for one page. */
struct menu_buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
	int	 oom;
};

/* The when_* phrase of each kind. */
static const enum menu_string menu_when_strings[WHEN__COUNT] = {
	[WHEN_WITHIN] = MENU_STR_WHEN_WITHIN,
	[WHEN_TODAY_BEFORE] = MENU_STR_WHEN_TODAY_BEFORE,
	[WHEN_TONIGHT_BEFORE] = MENU_STR_WHEN_TONIGHT_BEFORE,
	[WHEN_TODAY_FROM] = MENU_STR_WHEN_TODAY_FROM,
	[WHEN_TOMORROW_FROM] = MENU_STR_WHEN_TOMORROW_FROM,
	[WHEN_DAY_FROM] = MENU_STR_WHEN_DAY_FROM,
	[WHEN_UNKNOWN] = MENU_STR_WHEN_UNKNOWN,
};

/* Append bytes to a page buffer. */
static void
menu_buf_add(struct menu_buf *b, const char *s, size_t len)
{
	char	*ns;
	size_t	 ncap;

	if (b->oom)
		return;
	if (b->len + len + 1 > b->cap) {
		ncap = (b->len + len + 1) * 2;
		ns = realloc(b->s, ncap);
		if (ns == NULL) {
			b->oom = 1;
			return;
		}
		b->s = ns;
		b->cap = ncap;
	}
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

/* Append a line, with a newline before it unless it is the first. */
static void
menu_buf_line(struct menu_buf *b, const char *s, size_t len)
{
	if (b->len > 0)
		menu_buf_add(b, "\n", 1);
	menu_buf_add(b, s, len);
}

/* The buffer's string (owned by the caller), or NULL out of memory. */
static char *
menu_buf_take(struct menu_buf *b)
{
	menu_buf_add(b, "", 0);
	if (b->oom) {
		free(b->s);
		return NULL;
	}
	return b->s;
}

/* Store a finished page into the screen. */
static int
menu_push_page(struct menu_screen *out, struct menu_buf *b)
{
	char	**np;

	if (b->oom || b->s == NULL) {
		free(b->s);
		return -1;
	}
	np = reallocarray(out->pages, out->npages + 1, sizeof(*np));
	if (np == NULL) {
		free(b->s);
		return -1;
	}
	out->pages = np;
	out->pages[out->npages++] = b->s;
	return 0;
}

/* Size of a footer or header line on air, with its newline. */
static size_t
menu_line_size(const char *s, enum text_encoding enc)
{
	return s != NULL ? text_measure(s, strlen(s), enc) + 1 : 0;
}

/*
 * Pack blocks into pages. Every page starts with the header when there is
 * one; a page carries "more" when another page follows (or more_last is
 * set), "main" on the last page when main_last is set and it fits there,
 * and "back" when it is not the first page or can_back is set. When
 * starts is not NULL it gets where each page begins (a new array).
 * Returns 0, or -1 with *bad set to the index of the block that cannot
 * fit any page (or nb on memory exhaustion).
 */
static int
menu_pack(struct menu_block *bl, size_t nb, const struct menu_pack *pk,
    struct menu_screen *out, struct menu_pos **starts, size_t *bad)
{
	struct menu_buf	 b;
	struct menu_pos	*st = NULL, *ns;
	size_t		 more_sz, back_sz, main_sz, head_sz, bi = 0, off = 0;
	size_t		 used, rest, i, fixed, budget, sep, sz, cut, tail;
	int		 last;

	more_sz = menu_line_size(pk->more, pk->enc);
	back_sz = menu_line_size(pk->back, pk->enc);
	main_sz = pk->main_last ? menu_line_size(pk->main, pk->enc) : 0;
	head_sz = menu_line_size(pk->header, pk->enc);
	*bad = nb;
	if (starts != NULL)
		*starts = NULL;
	while (bi < nb) {
		memset(&b, 0, sizeof(b));
		if (starts != NULL) {
			ns = reallocarray(st, out->npages + 1, sizeof(*st));
			if (ns == NULL)
				goto fail;
			st = ns;
			st[out->npages].bi = bi;
			st[out->npages].off = off;
		}
		fixed = head_sz + ((out->npages > 0 || pk->can_back) ?
		    back_sz : 0);
		/* Does everything left fit on a last page? */
		rest = text_measure(bl[bi].s + off, bl[bi].len - off, pk->enc);
		for (i = bi + 1; i < nb; i++)
			rest += 1 + bl[i].size;
		tail = pk->more_last ? more_sz : 0;
		last = rest + fixed + tail <= pk->limit;
		if (fixed + more_sz >= pk->limit) {
			*bad = bi;
			goto fail;
		}
		/* A page that was not expected to be last may turn out so. */
		budget = pk->limit - fixed - (last ? tail : more_sz > tail ?
		    more_sz : tail);
		used = 0;
		if (pk->header != NULL)
			menu_buf_line(&b, pk->header, strlen(pk->header));
		while (bi < nb) {
			sep = used > 0 ? 1 : 0;
			sz = off == 0 ? bl[bi].size : text_measure(bl[bi].s +
			    off, bl[bi].len - off, pk->enc);
			if (used + sep + sz <= budget) {
				menu_buf_line(&b, bl[bi].s + off,
				    bl[bi].len - off);
				used += sep + sz;
				bi++;
				off = 0;
				continue;
			}
			if (!bl[bi].split || used + sep >= budget)
				break;
			cut = text_cut(bl[bi].s + off, bl[bi].len - off,
			    pk->enc, budget - used - sep);
			if (cut == 0)
				break;
			menu_buf_line(&b, bl[bi].s + off, cut);
			used += sep + text_measure(bl[bi].s + off, cut,
			    pk->enc);
			off += cut;
			off += text_skip_breaks(bl[bi].s + off,
			    bl[bi].len - off);
			if (off >= bl[bi].len) {
				bi++;
				off = 0;
			}
			break;
		}
		if (used == 0) {
			*bad = bi;
			free(b.s);
			goto fail;
		}
		last = bi == nb;
		if (!last || pk->more_last)
			menu_buf_line(&b, pk->more, strlen(pk->more));
		/* The way home only where it fits: it never adds a page. */
		if (last && main_sz > 0 && fixed + used + tail + main_sz <=
		    pk->limit)
			menu_buf_line(&b, pk->main, strlen(pk->main));
		if (fixed > head_sz)
			menu_buf_line(&b, pk->back, strlen(pk->back));
		if (menu_push_page(out, &b) == -1)
			goto fail;
	}
	if (starts != NULL)
		*starts = st;
	return 0;
fail:
	free(st);
	return -1;
}

/* The encoding of a screen: UCS-2 if any of its pieces needs it. */
static enum text_encoding
menu_screen_enc(const struct menu_block *bl, size_t nb,
    const char *const *extra, size_t nextra)
{
	size_t	 i;

	for (i = 0; i < nb; i++)
		if (text_encoding_of(bl[i].s, bl[i].len) == TEXT_UCS2)
			return TEXT_UCS2;
	for (i = 0; i < nextra; i++)
		if (extra[i] != NULL && text_encoding_of(extra[i],
		    strlen(extra[i])) == TEXT_UCS2)
			return TEXT_UCS2;
	return TEXT_GSM7;
}

/* Measure every block in enc; the total with separating newlines. */
static size_t
menu_measure_blocks(struct menu_block *bl, size_t nb, enum text_encoding enc)
{
	size_t	 i, total = 0;

	for (i = 0; i < nb; i++) {
		bl[i].size = text_measure(bl[i].s, bl[i].len, enc);
		total += bl[i].size + (i > 0 ? 1 : 0);
	}
	return total;
}

/* The largest page of a screen, as sent. */
static size_t
menu_largest(const struct menu_screen *s)
{
	size_t	 i, sz, max = 0;

	for (i = 0; i < s->npages; i++) {
		sz = text_measure(s->pages[i], strlen(s->pages[i]), s->enc);
		if (sz > max)
			max = sz;
	}
	return max;
}

/* The length of s[0..len) without the break characters it ends with. */
static size_t
menu_trim_breaks(const char *s, size_t len)
{
	for (;;) {
		if (len >= 1 && (s[len - 1] == ' ' || s[len - 1] == '\n'))
			len--;
		else if (len >= 3 && memcmp(s + len - 3, "\xe2\x80\x8b", 3) ==
		    0)
			len -= 3;	/* U+200B */
		else
			return len;
	}
}

/* Render into pages; see menu_tree.h. */
int
menu_render_at(const struct menu *m, const struct menu_node *n, size_t lang,
    const struct menu_limits *lim, int flags, const struct menu_vars *vars,
    int error, size_t page, struct menu_screen *out, size_t *bad)
{
	struct menu_block	*bl = NULL, *sub = NULL;
	struct menu_pos		*starts = NULL, s, e;
	struct menu_screen	 plain;
	struct menu_pack	 pk;
	struct menu_buf		 b;
	const char		*extra[4];
	char			*text = NULL;
	size_t			 nb = 0, i, nsub = 0, from, to;
	int			 rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&plain, 0, sizeof(plain));
	*bad = 0;
	if (lang >= m->nlang)
		lang = 0;
	text = menu_node_text(m, n, lang, vars);
	bl = calloc(n->noptions + 1, sizeof(*bl));
	if (text == NULL || bl == NULL)
		goto done;
	bl[nb].s = text;
	bl[nb++].split = 1;
	for (i = 0; i < n->noptions; i++)
		bl[nb++].s = n->options[i].line[lang];
	for (i = 0; i < nb; i++)
		bl[i].len = strlen(bl[i].s);

	memset(&pk, 0, sizeof(pk));
	if (n->kind == MENU_NODE_END || n->kind == MENU_NODE_CALLBACK) {
		/* An END screen cannot page and takes no input. */
		pk.enc = menu_screen_enc(bl, nb, NULL, 0);
		out->enc = pk.enc;
		out->size = menu_measure_blocks(bl, nb, pk.enc);
		out->limit = pk.enc == TEXT_GSM7 ? lim->gsm7 : lim->ucs2;
		if (out->size > out->limit)
			goto done;
		memset(&b, 0, sizeof(b));
		for (i = 0; i < nb; i++)
			menu_buf_line(&b, bl[i].s, bl[i].len);
		rc = menu_push_page(out, &b);
		out->largest = out->size;
		goto done;
	}
	pk.more = m->more_line[lang];
	pk.back = m->back_line[lang];
	if ((flags & MENU_RENDER_CAN_MAIN) && m->main_line[lang] != NULL &&
	    (n->kind == MENU_NODE_INFO || n->kind == MENU_NODE_MENU))
		pk.main = m->main_line[lang];
	pk.can_back = (flags & MENU_RENDER_CAN_BACK) != 0;
	pk.more_last = n->kind == MENU_NODE_INFO && n->next != NULL;
	pk.main_last = pk.main != NULL;
	extra[0] = pk.more;
	extra[1] = pk.back;
	extra[2] = pk.main;
	extra[3] = n->invalid[lang] != NULL ? n->invalid[lang] :
	    m->strings[MENU_STR_INVALID][lang];

	if (!error || page == (size_t)-1) {
		pk.header = error ? extra[3] : NULL;
		pk.enc = menu_screen_enc(bl, nb, extra, error ? 4 : 3);
		out->enc = pk.enc;
		out->size = menu_measure_blocks(bl, nb, pk.enc);
		out->limit = pk.limit = pk.enc == TEXT_GSM7 ? lim->gsm7 :
		    lim->ucs2;
		rc = menu_pack(bl, nb, &pk, out, NULL, bad);
		if (rc == 0)
			out->largest = menu_largest(out);
		goto done;
	}

	/* The plain layout first, to find where page `page` starts. */
	pk.enc = menu_screen_enc(bl, nb, extra, 3);
	plain.enc = pk.enc;
	plain.size = menu_measure_blocks(bl, nb, pk.enc);
	pk.limit = pk.enc == TEXT_GSM7 ? lim->gsm7 : lim->ucs2;
	if (menu_pack(bl, nb, &pk, &plain, &starts, bad) == -1)
		goto done;
	if (page >= plain.npages)
		page = plain.npages - 1;
	s = starts[page];
	if (page + 1 < plain.npages)
		e = starts[page + 1];
	else {
		e.bi = nb;
		e.off = 0;
	}
	/* That page's content, as blocks of their own. */
	sub = calloc(nb, sizeof(*sub));
	if (sub == NULL)
		goto done;
	for (i = s.bi; i < nb && i <= e.bi; i++) {
		from = i == s.bi ? s.off : 0;
		to = i == e.bi ? e.off : bl[i].len;
		if (to <= from)
			continue;
		to = from + menu_trim_breaks(bl[i].s + from, to - from);
		if (to <= from)
			continue;
		sub[nsub].s = bl[i].s + from;
		sub[nsub].len = to - from;
		sub[nsub].split = bl[i].split;
		nsub++;
	}
	pk.header = extra[3];
	pk.can_back = pk.can_back || page > 0;
	pk.more_last = pk.more_last || page + 1 < plain.npages;
	pk.main_last = pk.main != NULL && page + 1 == plain.npages;
	pk.enc = menu_screen_enc(sub, nsub, extra, 4);
	out->enc = pk.enc;
	out->size = menu_measure_blocks(sub, nsub, pk.enc);
	out->limit = pk.limit = pk.enc == TEXT_GSM7 ? lim->gsm7 : lim->ucs2;
	rc = menu_pack(sub, nsub, &pk, out, NULL, bad);
	if (rc == 0)
		out->largest = menu_largest(out);
	*bad = 0;	/* a sub-block index would mislead */

done:
	free(starts);
	menu_screen_clear(&plain);
	free(sub);
	free(bl);
	if (text != NULL) {
		/* It may read a number back. */
		explicit_bzero(text, strlen(text));
		free(text);
	}
	if (rc == -1)
		menu_screen_clear(out);
	return rc;
}

/* Render a node into pages. */
int
menu_render(const struct menu *m, const struct menu_node *n, size_t lang,
    const struct menu_limits *lim, int flags, const struct menu_vars *vars,
    struct menu_screen *out)
{
	size_t	 bad;

	return menu_render_at(m, n, lang, lim, flags, vars, 0, (size_t)-1,
	    out, &bad);
}

/* Render page `page` again under the error line. */
int
menu_render_error(const struct menu *m, const struct menu_node *n,
    size_t lang, const struct menu_limits *lim, int flags,
    const struct menu_vars *vars, size_t page, struct menu_screen *out)
{
	size_t	 bad;

	return menu_render_at(m, n, lang, lim, flags, vars, 1, page, out,
	    &bad);
}

/* Release a rendered screen. */
void
menu_screen_clear(struct menu_screen *s)
{
	size_t	 i;

	for (i = 0; i < s->npages; i++) {
		if (s->pages[i] == NULL)
			continue;	/* taken by the caller */
		explicit_bzero(s->pages[i], strlen(s->pages[i]));
		free(s->pages[i]);
	}
	free(s->pages);
	s->pages = NULL;
	s->npages = 0;
}

/* Entry i of a '|'-separated list into buf ("" when there is none). */
static void
menu_list_item(const char *s, int i, char *buf, size_t len)
{
	const char	*bar;
	int		 k;

	buf[0] = '\0';
	if (s == NULL || i < 0)
		return;
	for (k = 0; k < i && s != NULL; k++) {
		s = strchr(s, '|');
		if (s != NULL)
			s++;
	}
	if (s == NULL)
		return;
	bar = strchr(s, '|');
	snprintf(buf, len, "%.*s", (int)(bar ? (size_t)(bar - s) : strlen(s)),
	    s);
}

/* Replace every "{key}" in tmpl by val; a new string or NULL. */
char *
menu_subst(const char *tmpl, const char *key, const char *val)
{
	struct menu_buf	 b;
	const char	*p;
	size_t		 kl = strlen(key);

	memset(&b, 0, sizeof(b));
	while ((p = strstr(tmpl, key)) != NULL) {
		menu_buf_add(&b, tmpl, (size_t)(p - tmpl));
		menu_buf_add(&b, val, strlen(val));
		tmpl = p + kl;
	}
	menu_buf_add(&b, tmpl, strlen(tmpl));
	return menu_buf_take(&b);
}

/* An hour and minute on a 12-hour clock, ":MM" only when needed. */
void
menu_clock12(int hour, int minute, char *buf, size_t len)
{
	int	 h12 = hour % 12 == 0 ? 12 : hour % 12;

	if (minute == 0)
		snprintf(buf, len, "%d", h12);
	else
		snprintf(buf, len, "%d:%02d", h12, minute);
}

/*
 * A time of day as the tree says it: its "hours" entry for the hour with
 * {h} the hour on a 12-hour clock (":MM" added when minutes are not 0),
 * else HH:MM.
 */
static void
menu_time(const struct menu *m, size_t lang, int hour, int minute, char *buf,
    size_t len)
{
	char	 name[128], h[16], *t;

	if (m->strings[MENU_STR_HOURS][lang] == NULL) {
		snprintf(buf, len, "%02d:%02d", hour, minute);
		return;
	}
	menu_list_item(m->strings[MENU_STR_HOURS][lang], hour, name,
	    sizeof(name));
	menu_clock12(hour, minute, h, sizeof(h));
	t = menu_subst(name, "{h}", h);
	snprintf(buf, len, "%s", t != NULL ? t : name);
	free(t);
}

/* The {when} phrase. */
char *
menu_when_text(const struct menu *m, size_t lang,
    const struct menu_when_info *w)
{
	const char	*tmpl;
	char		 hm[128], day[128], mins[16], *a = NULL, *b = NULL;
	char		*out = NULL;
	enum when_kind	 k = w != NULL ? w->kind : WHEN_UNKNOWN;

	if (lang >= m->nlang)
		lang = 0;
	if ((int)k < 0 || k >= WHEN__COUNT)
		k = WHEN_UNKNOWN;
	tmpl = m->strings[menu_when_strings[k]][lang];
	if (tmpl == NULL)
		return strdup("");
	if (w != NULL) {
		menu_time(m, lang, w->hour % 24, w->minute, hm, sizeof(hm));
		menu_list_item(m->strings[MENU_STR_DAYS][lang], w->wday, day,
		    sizeof(day));
		snprintf(mins, sizeof(mins), "%d", w->minutes);
	} else
		hm[0] = day[0] = mins[0] = '\0';
	a = menu_subst(tmpl, "{time}", hm);
	if (a != NULL)
		b = menu_subst(a, "{day}", day);
	if (b != NULL)
		out = menu_subst(b, "{minutes}", mins);
	free(a);
	free(b);
	return out;
}

/* Every text {when} can make. */
int
menu_when_each(const struct menu *m, const struct menu_node *n, size_t lang,
    int minutes, void (*fn)(const char *t, void *arg), void *arg)
{
	struct menu_when_info	 w;
	char			*t;
	int			 k, day, hour;

	memset(&w, 0, sizeof(w));
	w.minutes = minutes;
	w.minute = 59;
	for (k = 0; k < WHEN__COUNT; k++)
		for (day = 0; day < 7; day++)
			for (hour = 0; hour < 24; hour++) {
				w.kind = (enum when_kind)k;
				w.wday = day;
				w.hour = hour;
				t = n != NULL ? menu_callback_text(m, n, lang,
				    &w) : menu_when_text(m, lang, &w);
				if (t == NULL)
					return -1;
				fn(t, arg);
				free(t);
			}
	return 0;
}

/* The longest {when} phrase so far, and its weight. */
struct menu_longest {
	char	*best;
	size_t	 size;
};

/*
 * Keep t if it is the longest yet, in the units of the encoding it needs
 * (UCS-2 weighs more than any GSM-7 text).
 */
static void
menu_longest_cb(const char *t, void *arg)
{
	struct menu_longest	*l = arg;
	size_t			 sz;

	sz = text_measure(t, strlen(t), TEXT_UCS2) +
	    (text_encoding_of(t, strlen(t)) == TEXT_UCS2 ? 1000 : 0);
	if (l->best != NULL && sz <= l->size)
		return;
	free(l->best);
	l->best = strdup(t);
	l->size = sz;
}

/*
 * The longest {when} phrase of the tree in lang, measured in the units of
 * the encoding it needs (UCS-2 as soon as one does): for checking that
 * every screen that says it fits. A new string or NULL.
 */
static char *
menu_when_longest(const struct menu *m, size_t lang)
{
	struct menu_longest	 l;

	memset(&l, 0, sizeof(l));
	(void)menu_when_each(m, NULL, lang, 999, menu_longest_cb, &l);
	return l.best != NULL ? l.best : strdup("");
}

/* A stored answer for {name}: a phone number grouped, or as typed. */
static void
menu_answer(const struct menu *m, const char *name, size_t nlen,
    const struct menu_vars *vars, char *buf, size_t len)
{
	const struct menu_node	*s = NULL;
	const char		*v;
	char			 key[64];
	size_t			 i;
	long			 max;

	buf[0] = '\0';
	snprintf(key, sizeof(key), "%.*s", (int)nlen, name);
	for (i = 0; i < m->nnodes && s == NULL; i++)
		if (m->nodes[i].store != NULL &&
		    strcmp(m->nodes[i].store, key) == 0)
			s = &m->nodes[i];
	if (s == NULL)
		return;
	if (vars == NULL) {
		/* The longest it can be. */
		if (s->accept == MENU_ACCEPT_PHONE_KH)
			snprintf(buf, len, "012 345 6789");
		else
			for (max = s->max, i = 0; i + 1 < len &&
			    (max > 0 || i == 0); max /= 10, i++) {
				buf[i] = '9';
				buf[i + 1] = '\0';
			}
		return;
	}
	v = vars->answer != NULL ? vars->answer(key, vars->arg) : NULL;
	if (v == NULL)
		return;
	if (s->accept != MENU_ACCEPT_PHONE_KH ||
	    phone_show(v, buf, len) == -1)
		snprintf(buf, len, "%s", v);
}

/* A node's text with its placeholders filled in. */
char *
menu_node_text(const struct menu *m, const struct menu_node *n, size_t lang,
    const struct menu_vars *vars)
{
	struct menu_buf	 b;
	const char	*t = n->text[lang], *p, *q;
	char		*when, val[64];

	if (!n->vars || n->kind == MENU_NODE_CALLBACK)
		return strdup(t);
	memset(&b, 0, sizeof(b));
	while ((p = strchr(t, '{')) != NULL && (q = strchr(p, '}')) != NULL) {
		menu_buf_add(&b, t, (size_t)(p - t));
		if (q - p == 5 && strncmp(p, "{when}", 6) == 0) {
			when = vars != NULL ? menu_when_text(m, lang,
			    vars->when) : menu_when_longest(m, lang);
			if (when == NULL)
				b.oom = 1;
			else
				menu_buf_add(&b, when, strlen(when));
			free(when);
		} else {
			menu_answer(m, p + 1, (size_t)(q - p - 1), vars, val,
			    sizeof(val));
			menu_buf_add(&b, val, strlen(val));
			explicit_bzero(val, sizeof(val));
		}
		t = q + 1;
	}
	menu_buf_add(&b, t, strlen(t));
	return menu_buf_take(&b);
}

/* The confirmation with {when} filled in. */
char *
menu_callback_text(const struct menu *m, const struct menu_node *n,
    size_t lang, const struct menu_when_info *w)
{
	char	*when, *out;

	if (lang >= m->nlang)
		lang = 0;
	when = menu_when_text(m, lang, w);
	if (when == NULL)
		return NULL;
	out = menu_subst(n->text[lang], "{when}", when);
	free(when);
	return out;
}
