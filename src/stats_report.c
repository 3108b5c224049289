/* SPDX-License-Identifier: ISC */
/*
 * stats_report: tables with small counts hidden (and their complements),
 * and the donor report laid out from the monthly sums of the aggregates
 * as text, CSV or JSON, labelled in English and Khmer (stats_report.h).
 * It reads no database and keeps no number, counsellor or free text:
 * only the category labels and counts it is handed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "stats.h"
#include "stats_report.h"

struct stats_table {
	size_t		 nrows;
	size_t		 ncols;
	int		 row_totals;
	int		 col_totals;
	int64_t		*v;		/* (nrows + 1) x (ncols + 1) */
	enum stats_cell	*show;
};

/* The index of (r, c) in a table's grid, margins included. */
static size_t
stats_at(const struct stats_table *t, size_t r, size_t c)
{
	return r * (t->ncols + 1) + c;
}

/* A new table of zeros. */
struct stats_table *
stats_table_new(size_t nrows, size_t ncols, int row_totals, int col_totals)
{
	struct stats_table	*t;
	size_t			 n = (nrows + 1) * (ncols + 1);

	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->nrows = nrows;
	t->ncols = ncols;
	t->row_totals = row_totals;
	t->col_totals = col_totals;
	t->v = calloc(n, sizeof(*t->v));
	t->show = calloc(n, sizeof(*t->show));
	if (t->v == NULL || t->show == NULL) {
		stats_table_free(t);
		return NULL;
	}
	return t;
}

/* Set one count. */
void
stats_table_set(struct stats_table *t, size_t r, size_t c, int64_t v)
{
	if (r < t->nrows && c < t->ncols)
		t->v[stats_at(t, r, c)] = v;
}

/* Sum the margins from the cells. */
static void
stats_table_totals(struct stats_table *t)
{
	size_t	 r, c;

	for (r = 0; r <= t->nrows; r++)
		t->v[stats_at(t, r, t->ncols)] = 0;
	for (c = 0; c < t->ncols; c++)
		t->v[stats_at(t, t->nrows, c)] = 0;
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			t->v[stats_at(t, r, t->ncols)] += t->v[stats_at(t, r,
			    c)];
			t->v[stats_at(t, t->nrows, c)] += t->v[stats_at(t, r,
			    c)];
			t->v[stats_at(t, t->nrows, t->ncols)] +=
			    t->v[stats_at(t, r, c)];
		}
}

/* Whether entry (r, c) is printed at all. */
static int
stats_table_has(const struct stats_table *t, size_t r, size_t c)
{
	if (r == t->nrows && c == t->ncols)
		return t->row_totals && t->col_totals;
	if (r == t->nrows)
		return t->col_totals;
	if (c == t->ncols)
		return t->row_totals;
	return 1;
}

/*
 * One line a total sums: n entries from (r, c) stepping by (dr, dc).
 * When exactly one is hidden, hide the smallest other (non-zero first).
 * Returns 1 when it hid one.
 */
static int
stats_table_line(struct stats_table *t, size_t r, size_t c, size_t dr,
    size_t dc, size_t n)
{
	size_t	 i, at, hidden = 0, best = SIZE_MAX;
	int64_t	 bv = 0;

	for (i = 0; i < n; i++) {
		at = stats_at(t, r + i * dr, c + i * dc);
		if (t->show[at] != STATS_SHOWN)
			hidden++;
	}
	if (hidden != 1)
		return 0;
	for (i = 0; i < n; i++) {
		at = stats_at(t, r + i * dr, c + i * dc);
		if (t->show[at] != STATS_SHOWN)
			continue;
		if (best == SIZE_MAX || (bv == 0 && t->v[at] > 0) ||
		    (t->v[at] > 0 && t->v[at] < bv)) {
			best = at;
			bv = t->v[at];
		}
	}
	if (best == SIZE_MAX)
		return 0;
	t->show[best] = STATS_HIDDEN;
	return 1;
}

/* Hide small counts and their complements (stats_report.h says how). */
int
stats_table_suppress(struct stats_table *t, int k)
{
	size_t	 r, c, nr, nc;
	int	 changed;

	if (k < STATS_K_MIN)
		return -1;
	stats_table_totals(t);
	for (r = 0; r <= t->nrows; r++)
		for (c = 0; c <= t->ncols; c++) {
			size_t	 at = stats_at(t, r, c);

			t->show[at] = STATS_SHOWN;
			if (stats_table_has(t, r, c) && t->v[at] > 0 &&
			    t->v[at] < k)
				t->show[at] = STATS_SMALL;
		}
	/* The lines: a row and its total, a column and its total. */
	nr = t->nrows + (t->col_totals ? 1 : 0);
	nc = t->ncols + (t->row_totals ? 1 : 0);
	do {
		changed = 0;
		if (t->row_totals)
			for (r = 0; r < nr; r++)
				changed |= stats_table_line(t, r, 0, 0, 1, nc);
		if (t->col_totals)
			for (c = 0; c < nc; c++)
				changed |= stats_table_line(t, 0, c, 1, 0, nr);
	} while (changed);
	return 0;
}

/* How one entry shows. */
enum stats_cell
stats_table_cell(const struct stats_table *t, size_t r, size_t c,
    int64_t *v)
{
	size_t	 at;

	if (r > t->nrows || c > t->ncols) {
		*v = 0;
		return STATS_HIDDEN;
	}
	at = stats_at(t, r, c);
	*v = t->v[at];
	return t->show[at];
}

/* Free a table. */
void
stats_table_free(struct stats_table *t)
{
	if (t == NULL)
		return;
	free(t->v);
	free(t->show);
	free(t);
}

/* n to the nearest 5. */
int64_t
stats_round5(int64_t n)
{
	return (n + 2) / 5 * 5;
}

/* A label in both languages. */
struct stats_label {
	const char	*code;
	const char	*en;
	const char	*km;
};

static const struct stats_label stats_labels[] = {
	{ "report", "Donor report", "របាយការណ៍សម្រាប់ម្ចាស់ជំនួយ" },
	{ "channels", "By channel", "តាមឆានែល" },
	{ STATS_M_SESSIONS, "Sessions", "វគ្គ" },
	{ STATS_M_REQUESTS, "Callback requests", "សំណើឱ្យហៅត្រឡប់មកវិញ" },
	{ STATS_M_QUICK_EXITS, "Quick exits", "ការចាកចេញរហ័ស" },
	{ STATS_M_TIMEOUTS, "Time-outs", "វគ្គដែលអស់ពេល" },
	{ STATS_M_OPTOUTS, "Opt-outs (STOP)", "ការឈប់ទទួលសារ (STOP)" },
	{ "outcomes", "Callbacks by outcome",
	  "ការហៅត្រឡប់មកវិញតាមលទ្ធផល" },
	{ "reached", "Reached", "បានទាក់ទង" },
	{ "no_answer", "No answer", "គ្មានអ្នកលើក" },
	{ "unsafe", "Not safe to talk", "មិនមានសុវត្ថិភាពក្នុងការនិយាយ" },
	{ "wrong_number", "Wrong number", "លេខខុស" },
	{ STATS_M_ESCALATIONS, "Escalations", "ការបញ្ជូនទៅអ្នកគ្រប់គ្រង" },
	{ "topics", "By topic", "តាមប្រធានបទ" },
	{ "provinces", "By province", "តាមរាជធានី/ខេត្ត" },
	{ STATS_M_CALLERS, "Unique callers (rounded to 5)",
	  "អ្នកហៅមិនស្ទួន (បង្គត់ជាពហុគុណ ៥)" },
	{ STATS_M_CLAIM_TIME, "Time to claim", "រយៈពេលរហូតដល់មានអ្នកទទួលយក" },
	{ STATS_M_ATTEMPT_TIME, "Time to first call",
	  "រយៈពេលរហូតដល់ការហៅលើកដំបូង" },
	{ "median", "Median", "មេដ្យាន" },
	{ "p90", "90th percentile", "ភាគរយទី ៩០" },
	{ "count", "Count", "ចំនួន" },
	{ "value", "Value", "តម្លៃ" },
	{ "all", "All channels", "គ្រប់ឆានែល" },
	{ "total", "Total", "សរុប" },
	{ "none", "Not given", "មិនបានប្រាប់" },
	{ "other", "Other", "ផ្សេងទៀត" },
	{ "no_data", "No data", "គ្មានទិន្នន័យ" },
	/* Provinces, as the sample menu stores them (ISO 3166-2:KH). */
	{ "KH-1", "Banteay Meanchey", "បន្ទាយមានជ័យ" },
	{ "KH-2", "Battambang", "បាត់ដំបង" },
	{ "KH-3", "Kampong Cham", "កំពង់ចាម" },
	{ "KH-4", "Kampong Chhnang", "កំពង់ឆ្នាំង" },
	{ "KH-5", "Kampong Speu", "កំពង់ស្ពឺ" },
	{ "KH-6", "Kampong Thom", "កំពង់ធំ" },
	{ "KH-7", "Kampot", "កំពត" },
	{ "KH-8", "Kandal", "កណ្ដាល" },
	{ "KH-9", "Koh Kong", "កោះកុង" },
	{ "KH-10", "Kratie", "ក្រចេះ" },
	{ "KH-11", "Mondulkiri", "មណ្ឌលគិរី" },
	{ "KH-12", "Phnom Penh", "ភ្នំពេញ" },
	{ "KH-13", "Preah Vihear", "ព្រះវិហារ" },
	{ "KH-14", "Prey Veng", "ព្រៃវែង" },
	{ "KH-15", "Pursat", "ពោធិ៍សាត់" },
	{ "KH-16", "Ratanakiri", "រតនគិរី" },
	{ "KH-17", "Siem Reap", "សៀមរាប" },
	{ "KH-18", "Preah Sihanouk", "ព្រះសីហនុ" },
	{ "KH-19", "Stung Treng", "ស្ទឹងត្រែង" },
	{ "KH-20", "Svay Rieng", "ស្វាយរៀង" },
	{ "KH-21", "Takeo", "តាកែវ" },
	{ "KH-22", "Oddar Meanchey", "ឧត្ដរមានជ័យ" },
	{ "KH-23", "Kep", "កែប" },
	{ "KH-24", "Pailin", "ប៉ៃលិន" },
	{ "KH-25", "Tbong Khmum", "ត្បូងឃ្មុំ" },
	/* Duration buckets. */
	{ "le_60", "up to 1 minute", "មិនលើស ១ នាទី" },
	{ "le_300", "up to 5 minutes", "មិនលើស ៥ នាទី" },
	{ "le_900", "up to 15 minutes", "មិនលើស ១៥ នាទី" },
	{ "le_1800", "up to 30 minutes", "មិនលើស ៣០ នាទី" },
	{ "le_3600", "up to 1 hour", "មិនលើស ១ ម៉ោង" },
	{ "le_7200", "up to 2 hours", "មិនលើស ២ ម៉ោង" },
	{ "le_14400", "up to 4 hours", "មិនលើស ៤ ម៉ោង" },
	{ "le_28800", "up to 8 hours", "មិនលើស ៨ ម៉ោង" },
	{ "le_86400", "up to 1 day", "មិនលើស ១ ថ្ងៃ" },
	{ "le_172800", "up to 2 days", "មិនលើស ២ ថ្ងៃ" },
	{ "le_604800", "up to 1 week", "មិនលើស ១ សប្ដាហ៍" },
	{ "gt_604800", "more than 1 week", "លើសពី ១ សប្ដាហ៍" },
};

/* The columns of the table by channel, in order. */
static const char *const stats_channel_metrics[] = {
	STATS_M_SESSIONS, STATS_M_REQUESTS, STATS_M_QUICK_EXITS,
	STATS_M_TIMEOUTS, STATS_M_OPTOUTS
};
#define STATS_NCHANNEL_METRICS \
	(sizeof(stats_channel_metrics) / sizeof(stats_channel_metrics[0]))

/* One of her answers as the menu words it (stats_report_answer). */
struct stats_answer {
	char		 metric[STATS_METRIC_MAX + 1];
	char		 code[STATS_LABEL_MAX + 1];
	char		*km;
	char		*en;
};

/* One monthly sum as handed in. */
struct stats_row {
	char		 month[STATS_MONTH_LEN + 1];
	char		 channel[STATS_LABEL_MAX + 1];
	char		 metric[STATS_METRIC_MAX + 1];
	char		 key[STATS_LABEL_MAX + 1];
	int64_t		 count;
};

struct stats_report {
	char		 from[STATS_MONTH_LEN + 1];
	char		 to[STATS_MONTH_LEN + 1];
	int		 k;
	struct stats_row *rows;
	size_t		 n;
	size_t		 cap;
	struct stats_answer *answers;	/* the menus' words for her answers */
	size_t		 nanswers;
};

/* Where the entries of a report go while it is printed. */
struct stats_out {
	enum stats_format fmt;
	const struct stats_report *rep;
	FILE		*fp;
	int		 k;
	char		 last[64];	/* text: the heading printed last */
	json_t		*labels;	/* json: every label used */
	json_t		*months;	/* json: the array of months */
	json_t		*cells;		/* json: the current month's */
	int		 err;
};

/* A new report. */
struct stats_report *
stats_report_new(const char *from, const char *to, int k)
{
	struct stats_report	*rep;

	if (k < STATS_K_MIN || strlen(from) != STATS_MONTH_LEN ||
	    strlen(to) != STATS_MONTH_LEN)
		return NULL;
	rep = calloc(1, sizeof(*rep));
	if (rep == NULL)
		return NULL;
	memcpy(rep->from, from, sizeof(rep->from));
	memcpy(rep->to, to, sizeof(rep->to));
	rep->k = k;
	return rep;
}

/*
 * The label of code in table: for a topic or province, the menu's words
 * when it gave them, else the report's own; a code neither knows is its
 * own label.
 */
static struct stats_label
stats_label_of(const struct stats_report *rep, const char *table,
    const char *code)
{
	struct stats_label	 l = { code, code, code };
	const char		*metric = NULL;
	size_t			 i;

	if (strcmp(table, "topics") == 0)
		metric = STATS_M_TOPIC;
	else if (strcmp(table, "provinces") == 0)
		metric = STATS_M_PROVINCE;
	for (i = 0; metric != NULL && i < rep->nanswers; i++)
		if (strcmp(rep->answers[i].metric, metric) == 0 &&
		    strcmp(rep->answers[i].code, code) == 0) {
			l.en = rep->answers[i].en;
			l.km = rep->answers[i].km;
			return l;
		}
	for (i = 0; i < sizeof(stats_labels) / sizeof(stats_labels[0]); i++)
		if (strcmp(stats_labels[i].code, code) == 0)
			return stats_labels[i];
	return l;
}

/* Whether s is a label fit for one line: not empty, no control byte. */
static int
stats_words_ok(const char *s)
{
	const unsigned char	*p;

	if (s == NULL || *s == '\0')
		return 0;
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* Keep the menu's Khmer and English words for one of her answers. */
int
stats_report_answer(struct stats_report *rep, const char *metric,
    const char *value, const char *km, const char *en)
{
	struct stats_answer	*a;
	char			 code[STATS_LABEL_MAX + 1];
	void			*p;
	size_t			 i;

	if (metric == NULL || (strcmp(metric, STATS_M_TOPIC) != 0 &&
	    strcmp(metric, STATS_M_PROVINCE) != 0) || value == NULL ||
	    !stats_words_ok(km) || !stats_words_ok(en))
		return 0;
	/* Only a value counted as itself; none and other keep theirs. */
	stats_label(value, code, sizeof(code));
	if (strcmp(code, value) != 0 || strcmp(code, "none") == 0 ||
	    strcmp(code, "other") == 0 || strcmp(code, "total") == 0)
		return 0;
	for (i = 0; i < rep->nanswers; i++)
		if (strcmp(rep->answers[i].metric, metric) == 0 &&
		    strcmp(rep->answers[i].code, code) == 0)
			return 0;
	p = reallocarray(rep->answers, rep->nanswers + 1,
	    sizeof(*rep->answers));
	if (p == NULL)
		return -1;
	rep->answers = p;
	a = &rep->answers[rep->nanswers];
	memset(a, 0, sizeof(*a));
	snprintf(a->metric, sizeof(a->metric), "%s", metric);
	snprintf(a->code, sizeof(a->code), "%s", code);
	a->km = strdup(km);
	a->en = strdup(en);
	if (a->km == NULL || a->en == NULL) {
		free(a->km);
		free(a->en);
		return -1;
	}
	rep->nanswers++;
	return 0;
}

/* Whether the report shows metric. */
static int
stats_known(const char *metric)
{
	static const char *const known[] = {
		STATS_M_SESSIONS, STATS_M_QUICK_EXITS, STATS_M_TIMEOUTS,
		STATS_M_REQUESTS, STATS_M_OPTOUTS, STATS_M_CALLERS,
		STATS_M_OUTCOME, STATS_M_ESCALATIONS, STATS_M_CLAIM_TIME,
		STATS_M_ATTEMPT_TIME, STATS_M_TOPIC, STATS_M_PROVINCE
	};
	size_t	 i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(known[i], metric) == 0)
			return 1;
	return 0;
}

/* Keep one monthly sum, its labels made safe once more. */
int
stats_report_add(const char *month, const char *channel, const char *metric,
    const char *key, int64_t count, void *arg)
{
	struct stats_report	*rep = arg;
	struct stats_row	*r;
	void			*p;

	if (month == NULL || metric == NULL || strlen(month) !=
	    STATS_MONTH_LEN || !stats_known(metric) || count <= 0)
		return 0;
	if (rep->n == rep->cap) {
		p = reallocarray(rep->rows, rep->cap ? rep->cap * 2 : 64,
		    sizeof(*rep->rows));
		if (p == NULL)
			return -1;
		rep->rows = p;
		rep->cap = rep->cap ? rep->cap * 2 : 64;
	}
	r = &rep->rows[rep->n++];
	memset(r, 0, sizeof(*r));
	memcpy(r->month, month, sizeof(r->month));
	stats_label(channel, r->channel, sizeof(r->channel));
	snprintf(r->metric, sizeof(r->metric), "%s", metric);
	/* Bucket keys hold long numbers of seconds: only theirs pass. */
	if ((strcmp(metric, STATS_M_CLAIM_TIME) == 0 ||
	    strcmp(metric, STATS_M_ATTEMPT_TIME) == 0) &&
	    (key == NULL || stats_bucket_parse(key) < 0))
		return 0;
	if (stats_bucket_parse(key != NULL ? key : "") >= 0)
		snprintf(r->key, sizeof(r->key), "%s", key);
	else if (key != NULL && *key != '\0')
		stats_label(key, r->key, sizeof(r->key));
	r->count = count;
	return 0;
}

/* Free a report. */
void
stats_report_free(struct stats_report *rep)
{
	size_t	 i;

	if (rep == NULL)
		return;
	for (i = 0; i < rep->nanswers; i++) {
		free(rep->answers[i].km);
		free(rep->answers[i].en);
	}
	free(rep->answers);
	free(rep->rows);
	free(rep);
}

/* The sum of metric in month, of one channel and one key (NULL: any). */
static int64_t
stats_sum(const struct stats_report *rep, const char *month,
    const char *metric, const char *channel, const char *key)
{
	const struct stats_row	*r;
	int64_t			 n = 0;
	size_t			 i;

	for (i = 0; i < rep->n; i++) {
		r = &rep->rows[i];
		if (strcmp(r->month, month) != 0 ||
		    strcmp(r->metric, metric) != 0 ||
		    (channel != NULL && strcmp(r->channel, channel) != 0) ||
		    (key != NULL && strcmp(r->key, key) != 0))
			continue;
		n += r->count;
	}
	return n;
}

/* Add name to the sorted set names (n of max) unless it is there. */
static void
stats_set_add(const char **names, size_t *n, size_t max, const char *name)
{
	size_t	 i, at;

	for (at = 0; at < *n; at++) {
		int	 c = strcmp(names[at], name);

		if (c == 0)
			return;
		if (c > 0)
			break;
	}
	if (*n == max)
		return;
	for (i = *n; i > at; i--)
		names[i] = names[i - 1];
	names[at] = name;
	(*n)++;
}

/*
 * The distinct channels (by_key 0) or keys (1) of the month's rows of the
 * metrics, sorted, into names (at most max). Returns how many.
 */
static size_t
stats_names(const struct stats_report *rep, const char *month,
    const char *const *metrics, size_t nmetrics, int by_key,
    const char **names, size_t max)
{
	const struct stats_row	*r;
	size_t			 i, m, n = 0;

	for (i = 0; i < rep->n; i++) {
		r = &rep->rows[i];
		if (strcmp(r->month, month) != 0)
			continue;
		for (m = 0; m < nmetrics; m++)
			if (strcmp(r->metric, metrics[m]) == 0)
				break;
		if (m < nmetrics)
			stats_set_add(names, &n, max, by_key ? r->key :
			    r->channel);
	}
	return n;
}

/* Write s as a CSV field. */
static void
stats_csv(FILE *fp, const char *s, int last)
{
	if (strpbrk(s, ",\"\n") != NULL) {
		fputc('"', fp);
		for (; *s != '\0'; s++) {
			if (*s == '"')
				fputc('"', fp);
			fputc(*s, fp);
		}
		fputc('"', fp);
	} else
		fputs(s, fp);
	fputc(last ? '\n' : ',', fp);
}

/* Remember code's labels (in table) for the JSON output. */
static void
stats_json_label(struct stats_out *o, const char *table, const char *code)
{
	struct stats_label	 l = stats_label_of(o->rep, table, code);

	if (json_object_get(o->labels, code) == NULL &&
	    json_object_set_new(o->labels, code, json_pack("{s:s, s:s}",
	    "km", l.km, "en", l.en)) == -1)
		o->err = 1;
}

/* A label as text: Khmer, then English (one of them when they agree). */
static void
stats_text_label(FILE *fp, const struct stats_label *l)
{
	if (strcmp(l->km, l->en) == 0)
		fputs(l->en, fp);
	else
		fprintf(fp, "%s / %s", l->km, l->en);
}

/*
 * One entry of the report: a count shown as cell says, or (text not
 * NULL) the label of a code. Text puts the count first, right-aligned,
 * and the labels after it (Khmer, then English), so that their widths
 * never shift a column.
 */
static void
stats_emit(struct stats_out *o, const char *month, const char *table,
    const char *row, const char *col, enum stats_cell cell, int64_t v,
    const char *text)
{
	static const struct stats_label	 nolabel = { "", "", "" };
	struct stats_label		 lt, lr, lc, lx = nolabel;
	char				 value[64], head[64];
	json_t				*jv, *jc;

	if (text != NULL) {
		lx = stats_label_of(o->rep, table, text);
		snprintf(value, sizeof(value), "%s", text);
	} else if (cell == STATS_SMALL)
		snprintf(value, sizeof(value), "<%d", o->k);
	else if (cell == STATS_HIDDEN)
		snprintf(value, sizeof(value), "x");
	else
		snprintf(value, sizeof(value), "%lld", (long long)v);
	lt = stats_label_of(o->rep, "", table);
	lr = stats_label_of(o->rep, table, row);
	lc = stats_label_of(o->rep, "", col);
	switch (o->fmt) {
	case STATS_TEXT:
		if (strncmp(o->last, month, STATS_MONTH_LEN) != 0) {
			fprintf(o->fp, "\n%s\n", month);
			o->last[0] = '\0';
		}
		snprintf(head, sizeof(head), "%s %s %s", month, table,
		    strcmp(table, "channels") == 0 ? col : "");
		if (strcmp(head, o->last) != 0) {
			fputs("  ", o->fp);
			stats_text_label(o->fp, strcmp(table, "channels") == 0 ?
			    &lc : &lt);
			fputc('\n', o->fp);
			snprintf(o->last, sizeof(o->last), "%s", head);
		}
		if (text != NULL) {
			fputs("    ", o->fp);
			stats_text_label(o->fp, &lr);
			fputs(": ", o->fp);
			stats_text_label(o->fp, &lx);
		} else {
			fprintf(o->fp, "    %8s  ", value);
			stats_text_label(o->fp, &lr);
		}
		fputc('\n', o->fp);
		break;
	case STATS_CSV:
		stats_csv(o->fp, month, 0);
		stats_csv(o->fp, table, 0);
		stats_csv(o->fp, row, 0);
		stats_csv(o->fp, col, 0);
		stats_csv(o->fp, value, 0);
		stats_csv(o->fp, lt.km, 0);
		stats_csv(o->fp, lt.en, 0);
		stats_csv(o->fp, lr.km, 0);
		stats_csv(o->fp, lr.en, 0);
		stats_csv(o->fp, lc.km, 0);
		stats_csv(o->fp, lc.en, 0);
		stats_csv(o->fp, lx.km, 0);
		stats_csv(o->fp, lx.en, 1);
		break;
	case STATS_JSON:
		stats_json_label(o, "", table);
		stats_json_label(o, table, row);
		stats_json_label(o, "", col);
		if (text != NULL)
			stats_json_label(o, table, text);
		jv = text == NULL && cell == STATS_SHOWN ? json_integer(v) :
		    json_string(value);
		jc = json_pack("{s:s, s:s, s:s, s:o, s:s, s:s}", "table", table,
		    "row", row, "column", col, "value", jv, "row_km", lr.km,
		    "row_en", lr.en);
		if (jc != NULL && text != NULL &&
		    (json_object_set_new(jc, "value_km", json_string(lx.km)) ==
		    -1 || json_object_set_new(jc, "value_en",
		    json_string(lx.en)) == -1))
			o->err = 1;
		if (json_array_append_new(o->cells, jc) == -1)
			o->err = 1;
		break;
	}
}

/* Print every entry of a suppressed table. */
static void
stats_emit_table(struct stats_out *o, const char *month, const char *table,
    const struct stats_table *t, const char **rows, size_t nrows,
    const char *const *cols, size_t ncols)
{
	enum stats_cell	 cell;
	int64_t		 v;
	size_t		 r, c;

	for (c = 0; c < ncols; c++) {
		for (r = 0; r < nrows; r++) {
			cell = stats_table_cell(t, r, c, &v);
			stats_emit(o, month, table, rows[r], cols[c], cell, v,
			    NULL);
		}
		cell = stats_table_cell(t, nrows, c, &v);
		stats_emit(o, month, table, "total", cols[c], cell, v, NULL);
	}
}

#define STATS_MAX_NAMES	64	/* rows of one table */

/* The table by channel of one month. */
static int
stats_print_channels(struct stats_out *o, const struct stats_report *rep,
    const char *month)
{
	const char		*rows[STATS_MAX_NAMES];
	struct stats_table	*t;
	size_t			 n, r, c;

	n = stats_names(rep, month, stats_channel_metrics,
	    STATS_NCHANNEL_METRICS, 0, rows, STATS_MAX_NAMES);
	t = stats_table_new(n, STATS_NCHANNEL_METRICS, 0, 1);
	if (t == NULL)
		return -1;
	for (r = 0; r < n; r++)
		for (c = 0; c < STATS_NCHANNEL_METRICS; c++)
			stats_table_set(t, r, c, stats_sum(rep, month,
			    stats_channel_metrics[c], rows[r], NULL));
	stats_table_suppress(t, rep->k);
	stats_emit_table(o, month, "channels", t, rows, n,
	    stats_channel_metrics, STATS_NCHANNEL_METRICS);
	stats_table_free(t);
	return 0;
}

/* A one-way breakdown of one month: metric's keys, over all channels. */
static int
stats_print_oneway(struct stats_out *o, const struct stats_report *rep,
    const char *month, const char *table, const char *metric)
{
	static const char *const cols[] = { "count" };
	const char		*rows[STATS_MAX_NAMES];
	struct stats_table	*t;
	size_t			 n, r;

	n = stats_names(rep, month, &metric, 1, 1, rows, STATS_MAX_NAMES);
	t = stats_table_new(n, 1, 0, 1);
	if (t == NULL)
		return -1;
	for (r = 0; r < n; r++)
		stats_table_set(t, r, 0, stats_sum(rep, month, metric, NULL,
		    rows[r]));
	stats_table_suppress(t, rep->k);
	stats_emit_table(o, month, table, t, rows, n, cols, 1);
	stats_table_free(t);
	return 0;
}

/* One count of the month over every channel, hidden under k. */
static void
stats_print_single(struct stats_out *o, const struct stats_report *rep,
    const char *month, const char *metric, int round5)
{
	int64_t	 v = stats_sum(rep, month, metric, NULL, NULL);

	stats_emit(o, month, metric, "all", "count", v > 0 && v < rep->k ?
	    STATS_SMALL : STATS_SHOWN, round5 ? stats_round5(v) : v, NULL);
}

/*
 * The median and 90th percentile of a duration of the month, as the
 * bucket they fall in; under k durations, neither is shown.
 */
static void
stats_print_time(struct stats_out *o, const struct stats_report *rep,
    const char *month, const char *metric)
{
	static const char *const which[] = { "median", "p90" };
	static const int	 pct[] = { 50, 90 };
	char			 key[STATS_LABEL_MAX + 1];
	int64_t			 n[STATS_NBUCKETS], total = 0, cum, need;
	size_t			 b, w;

	for (b = 0; b < STATS_NBUCKETS; b++) {
		stats_bucket_label(b == STATS_NBUCKETS - 1 ?
		    stats_bucket_bound(STATS_NBUCKETS - 2) + 1 :
		    stats_bucket_bound(b), key, sizeof(key));
		n[b] = stats_sum(rep, month, metric, NULL, key);
		total += n[b];
	}
	for (w = 0; w < 2; w++) {
		if (total == 0) {
			stats_emit(o, month, metric, which[w], "value",
			    STATS_SHOWN, 0, "no_data");
			continue;
		}
		if (total < rep->k) {
			stats_emit(o, month, metric, which[w], "value",
			    STATS_SMALL, 0, NULL);
			continue;
		}
		need = (total * pct[w] + 99) / 100;
		for (cum = 0, b = 0; b < STATS_NBUCKETS - 1; b++) {
			cum += n[b];
			if (cum >= need)
				break;
		}
		stats_bucket_label(b == STATS_NBUCKETS - 1 ?
		    stats_bucket_bound(STATS_NBUCKETS - 2) + 1 :
		    stats_bucket_bound(b), key, sizeof(key));
		stats_emit(o, month, metric, which[w], "value", STATS_SHOWN,
		    0, key);
	}
}

/* The month after month ("YYYY-MM"), in place. */
static void
stats_next_month(char month[STATS_MONTH_LEN + 1])
{
	int	 y, m;

	y = (month[0] - '0') * 1000 + (month[1] - '0') * 100 +
	    (month[2] - '0') * 10 + (month[3] - '0');
	m = (month[5] - '0') * 10 + (month[6] - '0');
	if (++m > 12) {
		m = 1;
		y++;
	}
	month[0] = (char)('0' + y / 1000 % 10);
	month[1] = (char)('0' + y / 100 % 10);
	month[2] = (char)('0' + y / 10 % 10);
	month[3] = (char)('0' + y % 10);
	month[5] = (char)('0' + m / 10);
	month[6] = (char)('0' + m % 10);
}

/* n (>= 0) in Khmer digits (U+17E0 to U+17E9) into out. */
static void
stats_km_digits(int n, char *out, size_t len)
{
	char	 ascii[16];
	size_t	 i, at = 0;

	snprintf(ascii, sizeof(ascii), "%d", n < 0 ? 0 : n);
	for (i = 0; ascii[i] != '\0' && at + 3 < len; i++) {
		out[at++] = (char)0xe1;
		out[at++] = (char)0x9f;
		out[at++] = (char)(0xa0 + (ascii[i] - '0'));
	}
	out[at] = '\0';
}

/* Print the report. */
int
stats_report_print(struct stats_report *rep, enum stats_format fmt,
    FILE *fp)
{
	struct stats_out	 o;
	struct stats_label	 l = stats_label_of(rep, "", "report");
	char			 month[STATS_MONTH_LEN + 1], km[16];
	json_t			*root = NULL;
	int			 rc = -1;

	memset(&o, 0, sizeof(o));
	o.fmt = fmt;
	o.rep = rep;
	o.fp = fp;
	o.k = rep->k;
	stats_km_digits(rep->k, km, sizeof(km));
	if (fmt == STATS_TEXT)
		fprintf(fp, "%s / %s: %s .. %s\n"
		    "ចំនួនតិចជាង %s បង្ហាញជា <%d។ x លាក់ចំនួនមួយ "
		    "ដើម្បីកុំឱ្យចំនួនសរុបបង្ហាញចំនួនដែលតិចជាង %s។\n"
		    "Counts under %d show as <%d; x hides a count so that "
		    "no total reveals one under %d.\n", l.km, l.en, rep->from,
		    rep->to, km, rep->k, km, rep->k, rep->k, rep->k);
	else if (fmt == STATS_CSV)
		fputs("month,table,row,column,value,table_km,table_en,"
		    "row_km,row_en,column_km,column_en,value_km,value_en\n",
		    fp);
	else {
		o.labels = json_object();
		o.months = json_array();
		root = json_pack("{s:s, s:s, s:i, s:O, s:O}", "from",
		    rep->from, "to", rep->to, "k", rep->k, "months", o.months,
		    "labels", o.labels);
		if (root == NULL)
			goto out;
	}
	memcpy(month, rep->from, sizeof(month));
	for (;;) {
		if (fmt == STATS_JSON) {
			o.cells = json_array();
			if (o.cells == NULL || json_array_append_new(o.months,
			    json_pack("{s:s, s:O}", "month", month, "cells",
			    o.cells)) == -1)
				goto out;
		}
		if (stats_print_channels(&o, rep, month) == -1 ||
		    stats_print_oneway(&o, rep, month, "outcomes",
		    STATS_M_OUTCOME) == -1)
			goto out;
		stats_print_single(&o, rep, month, STATS_M_ESCALATIONS, 0);
		stats_print_time(&o, rep, month, STATS_M_CLAIM_TIME);
		stats_print_time(&o, rep, month, STATS_M_ATTEMPT_TIME);
		if (stats_print_oneway(&o, rep, month, "topics",
		    STATS_M_TOPIC) == -1 ||
		    stats_print_oneway(&o, rep, month, "provinces",
		    STATS_M_PROVINCE) == -1)
			goto out;
		stats_print_single(&o, rep, month, STATS_M_CALLERS, 1);
		json_decref(o.cells);
		o.cells = NULL;
		if (strcmp(month, rep->to) >= 0)
			break;
		stats_next_month(month);
	}
	if (fmt == STATS_JSON) {
		if (o.err || json_dumpf(root, fp, JSON_INDENT(2) |
		    JSON_PRESERVE_ORDER) == -1)
			goto out;
		fputc('\n', fp);
	}
	rc = fflush(fp) == 0 && !ferror(fp) ? 0 : -1;
out:
	json_decref(o.cells);
	json_decref(o.months);
	json_decref(o.labels);
	json_decref(root);
	return rc;
}
