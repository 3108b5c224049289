/* SPDX-License-Identifier: ISC */
/*
 * check_stats: the donor report's cells: small counts hidden, one hidden
 * cell forcing a complementary one in its row and column, the totals and
 * their own suppression, k under 3 refused, rounding to 5, the labels a
 * count may carry and the duration buckets; and a report printed from
 * monthly sums as text, CSV and JSON.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "log.h"
#include "stats.h"
#include "stats_report.h"

/* A table of rows x cols filled from v (row by row). */
static struct stats_table *
table_of(size_t rows, size_t cols, int rt, int ct, const int64_t *v)
{
	struct stats_table	*t;
	size_t			 r, c;

	t = stats_table_new(rows, cols, rt, ct);
	ck_assert_ptr_nonnull(t);
	for (r = 0; r < rows; r++)
		for (c = 0; c < cols; c++)
			stats_table_set(t, r, c, v[r * cols + c]);
	return t;
}

/* How (r, c) shows, and that its count is v. */
static enum stats_cell
cell(const struct stats_table *t, size_t r, size_t c, int64_t want)
{
	enum stats_cell	 e;
	int64_t		 v;

	e = stats_table_cell(t, r, c, &v);
	ck_assert_int_eq(v, want);
	return e;
}

/* Nothing under k: every cell and total shows. */
START_TEST(test_nothing_small)
{
	static const int64_t	 v[] = { 10, 20, 30, 40 };
	struct stats_table	*t = table_of(2, 2, 1, 1, v);

	ck_assert_int_eq(stats_table_suppress(t, 5), 0);
	ck_assert_int_eq(cell(t, 0, 0, 10), STATS_SHOWN);
	ck_assert_int_eq(cell(t, 1, 1, 40), STATS_SHOWN);
	ck_assert_int_eq(cell(t, 0, 2, 30), STATS_SHOWN);	/* row total */
	ck_assert_int_eq(cell(t, 2, 0, 40), STATS_SHOWN);	/* col total */
	ck_assert_int_eq(cell(t, 2, 2, 100), STATS_SHOWN);
	stats_table_free(t);
}
END_TEST

/*
 * One small cell in a column with a total: the smallest other cell of
 * that column is hidden too, and the rest shows.
 */
START_TEST(test_one_forces_complement)
{
	static const int64_t	 v[] = { 2, 9, 40, 12 };
	struct stats_table	*t = table_of(4, 1, 0, 1, v);

	ck_assert_int_eq(stats_table_suppress(t, 5), 0);
	ck_assert_int_eq(cell(t, 0, 0, 2), STATS_SMALL);
	ck_assert_int_eq(cell(t, 1, 0, 9), STATS_HIDDEN);
	ck_assert_int_eq(cell(t, 2, 0, 40), STATS_SHOWN);
	ck_assert_int_eq(cell(t, 3, 0, 12), STATS_SHOWN);
	ck_assert_int_eq(cell(t, 4, 0, 63), STATS_SHOWN);	/* total */
	stats_table_free(t);
}
END_TEST

/* Two small cells in the column: nothing more to hide. */
START_TEST(test_two_small)
{
	static const int64_t	 v[] = { 2, 9, 4, 12 };
	struct stats_table	*t = table_of(4, 1, 0, 1, v);

	ck_assert_int_eq(stats_table_suppress(t, 5), 0);
	ck_assert_int_eq(cell(t, 0, 0, 2), STATS_SMALL);
	ck_assert_int_eq(cell(t, 1, 0, 9), STATS_SHOWN);
	ck_assert_int_eq(cell(t, 2, 0, 4), STATS_SMALL);
	ck_assert_int_eq(cell(t, 4, 0, 27), STATS_SHOWN);
	stats_table_free(t);
}
END_TEST

/*
 * Rows and columns with totals: the complement of the row forces another
 * in its column, and so on until no line has a single hidden entry.
 */
START_TEST(test_two_way)
{
	static const int64_t	 v[] = {
		3, 10, 20,
		8, 30, 40,
		50, 60, 70
	};
	struct stats_table	*t = table_of(3, 3, 1, 1, v);
	size_t			 r, c, n;
	int64_t			 x;

	ck_assert_int_eq(stats_table_suppress(t, 5), 0);
	ck_assert_int_eq(cell(t, 0, 0, 3), STATS_SMALL);
	/* Row 0: 10 is the smallest other; column 0: 8. */
	ck_assert_int_eq(cell(t, 0, 1, 10), STATS_HIDDEN);
	ck_assert_int_eq(cell(t, 1, 0, 8), STATS_HIDDEN);
	/* Row 1 and column 1 then each have one: 30 closes both. */
	ck_assert_int_eq(cell(t, 1, 1, 30), STATS_HIDDEN);
	ck_assert_int_eq(cell(t, 2, 2, 70), STATS_SHOWN);
	ck_assert_int_eq(cell(t, 0, 3, 33), STATS_SHOWN);
	ck_assert_int_eq(cell(t, 3, 0, 61), STATS_SHOWN);
	ck_assert_int_eq(cell(t, 3, 3, 291), STATS_SHOWN);
	/* No line (with its total) is left with exactly one hidden. */
	for (r = 0; r <= 3; r++) {
		for (n = 0, c = 0; c <= 3; c++)
			n += stats_table_cell(t, r, c, &x) != STATS_SHOWN;
		ck_assert_uint_ne(n, 1);
	}
	for (c = 0; c <= 3; c++) {
		for (n = 0, r = 0; r <= 3; r++)
			n += stats_table_cell(t, r, c, &x) != STATS_SHOWN;
		ck_assert_uint_ne(n, 1);
	}
	stats_table_free(t);
}
END_TEST

/* A small total is hidden as well, and hides with its only cell. */
START_TEST(test_small_total)
{
	static const int64_t	 v[] = { 0, 3, 0 };
	struct stats_table	*t = table_of(3, 1, 0, 1, v);

	ck_assert_int_eq(stats_table_suppress(t, 5), 0);
	ck_assert_int_eq(cell(t, 0, 0, 0), STATS_SHOWN);
	ck_assert_int_eq(cell(t, 1, 0, 3), STATS_SMALL);
	ck_assert_int_eq(cell(t, 3, 0, 3), STATS_SMALL);
	stats_table_free(t);
}
END_TEST

/*
 * A complement prefers a non-zero cell: hiding a zero beside a small
 * count would let the total give the small one away.
 */
START_TEST(test_complement_nonzero)
{
	static const int64_t	 v[] = { 0, 4, 7, 20 };
	struct stats_table	*t = table_of(4, 1, 0, 1, v);

	ck_assert_int_eq(stats_table_suppress(t, 5), 0);
	ck_assert_int_eq(cell(t, 0, 0, 0), STATS_SHOWN);
	ck_assert_int_eq(cell(t, 1, 0, 4), STATS_SMALL);
	ck_assert_int_eq(cell(t, 2, 0, 7), STATS_HIDDEN);
	ck_assert_int_eq(cell(t, 3, 0, 20), STATS_SHOWN);
	stats_table_free(t);
}
END_TEST

/* k under 3 is refused, and nothing is hidden; 3 works. */
START_TEST(test_k_refused)
{
	static const int64_t	 v[] = { 1, 2, 30 };
	struct stats_table	*t = table_of(3, 1, 0, 1, v);

	ck_assert_int_eq(stats_table_suppress(t, 2), -1);
	ck_assert_int_eq(stats_table_suppress(t, 0), -1);
	ck_assert_ptr_null(stats_report_new("2026-01", "2026-02", 2));
	ck_assert_int_eq(stats_table_suppress(t, 3), 0);
	ck_assert_int_eq(cell(t, 0, 0, 1), STATS_SMALL);
	ck_assert_int_eq(cell(t, 1, 0, 2), STATS_SMALL);
	ck_assert_int_eq(cell(t, 2, 0, 30), STATS_SHOWN);
	stats_table_free(t);
}
END_TEST

/* Rounding to 5, and the labels a count may carry. */
START_TEST(test_round_labels)
{
	char	 l[STATS_LABEL_MAX + 1];

	ck_assert_int_eq(stats_round5(0), 0);
	ck_assert_int_eq(stats_round5(2), 0);
	ck_assert_int_eq(stats_round5(3), 5);
	ck_assert_int_eq(stats_round5(12), 10);
	ck_assert_int_eq(stats_round5(13), 15);
	stats_label("KH-12", l, sizeof(l));
	ck_assert_str_eq(l, "KH-12");
	stats_label("reached", l, sizeof(l));
	ck_assert_str_eq(l, "reached");
	stats_label(NULL, l, sizeof(l));
	ck_assert_str_eq(l, "none");
	/* A number, free text or anything long is never a label. */
	stats_label("+85512345678", l, sizeof(l));
	ck_assert_str_eq(l, "other");
	stats_label("012", l, sizeof(l));
	ck_assert_str_eq(l, "other");
	stats_label("my husband", l, sizeof(l));
	ck_assert_str_eq(l, "other");
	stats_label("ខ្ញុំ", l, sizeof(l));
	ck_assert_str_eq(l, "other");
	stats_label("abcdefghijklmnopqrstuvwxyzabcdefg", l, sizeof(l));
	ck_assert_str_eq(l, "other");
}
END_TEST

/* Add up the counts of one label. */
static int
count_cb(const char *label, int64_t n, void *arg)
{
	int64_t	*sum = arg;

	if (strcmp(label, "KH-12") == 0)
		*sum += n;
	return 0;
}

/* The sealed counts of her answers: "label=count" lines. */
START_TEST(test_counts)
{
	char	*a, *b, *c;
	int64_t	 sum = 0;

	a = stats_counts_add(NULL, "KH-12");
	ck_assert_str_eq(a, "KH-12=1\n");
	b = stats_counts_add(a, "none");
	ck_assert_str_eq(b, "KH-12=1\nnone=1\n");
	c = stats_counts_add(b, "KH-12");
	ck_assert_str_eq(c, "KH-12=2\nnone=1\n");
	ck_assert_int_eq(stats_counts_each(c, count_cb, &sum), 0);
	ck_assert_int_eq(sum, 2);
	ck_assert_ptr_null(stats_counts_add("garbage", "x"));
	ck_assert_int_eq(stats_counts_each("a=1\nb\n", count_cb, &sum), -1);
	free(a);
	free(b);
	free(c);
}
END_TEST

/* Durations go into fixed buckets whose keys parse back. */
START_TEST(test_buckets)
{
	char	 k[STATS_LABEL_MAX + 1];

	stats_bucket_label(0, k, sizeof(k));
	ck_assert_str_eq(k, "le_60");
	stats_bucket_label(61, k, sizeof(k));
	ck_assert_str_eq(k, "le_300");
	stats_bucket_label(1800, k, sizeof(k));
	ck_assert_str_eq(k, "le_1800");
	stats_bucket_label(604801, k, sizeof(k));
	ck_assert_str_eq(k, "gt_604800");
	ck_assert_int_eq(stats_bucket_parse("le_60"), 0);
	ck_assert_int_eq(stats_bucket_parse("gt_604800"),
	    STATS_NBUCKETS - 1);
	ck_assert_int_eq(stats_bucket_parse("le_61"), -1);
}
END_TEST

/* Print rep in fmt into a new string. */
static char *
print(struct stats_report *rep, enum stats_format fmt)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(stats_report_print(rep, fmt, fp), 0);
	fclose(fp);
	return buf;
}

/* A month of sums, as the store hands them. */
static struct stats_report *
report(void)
{
	struct stats_report	*rep = stats_report_new("2026-01", "2026-01",
				    5);

	ck_assert_ptr_nonnull(rep);
	ck_assert_int_eq(stats_report_add("2026-01", "ussd", "sessions", "",
	    40, rep), 0);
	ck_assert_int_eq(stats_report_add("2026-01", "sms", "sessions", "",
	    3, rep), 0);
	ck_assert_int_eq(stats_report_add("2026-01", "ussd", "outcome",
	    "reached", 12, rep), 0);
	ck_assert_int_eq(stats_report_add("2026-01", "ussd", "outcome",
	    "unsafe", 2, rep), 0);
	ck_assert_int_eq(stats_report_add("2026-01", "ussd", "outcome",
	    "no_answer", 6, rep), 0);
	ck_assert_int_eq(stats_report_add("2026-01", "ussd", "callers", "",
	    13, rep), 0);
	ck_assert_int_eq(stats_report_add("2026-01", "ussd", "claim_time",
	    "le_300", 4, rep), 0);
	ck_assert_int_eq(stats_report_add("2026-01", "ussd", "province",
	    "KH-12", 9, rep), 0);
	ck_assert_int_eq(stats_report_add("2026-01", "sms", "province",
	    "KH-12", 1, rep), 0);
	ck_assert_int_eq(stats_report_add("2026-01", "ussd", "province",
	    "KH-7", 3, rep), 0);
	ck_assert_int_eq(stats_report_add("2026-01", "ussd", "claim_time",
	    "le_1800", 6, rep), 0);
	/* Not a metric of the report: left out. */
	ck_assert_int_eq(stats_report_add("2026-01", "ussd", "secret", "",
	    1, rep), 0);
	return rep;
}

/* CSV: the small cells, their complements, totals and rounding. */
START_TEST(test_report_csv)
{
	struct stats_report	*rep = report();
	char			*s = print(rep, STATS_CSV);

	ck_assert_ptr_nonnull(strstr(s, "month,table,row,column,value,"
	    "table_km,table_en,row_km,row_en,column_km,column_en,value_km,"
	    "value_en\n"));
	ck_assert_ptr_nonnull(strstr(s,
	    "2026-01,channels,sms,sessions,<5,"));
	/* The only other cell of the column hides with it. */
	ck_assert_ptr_nonnull(strstr(s,
	    "2026-01,channels,ussd,sessions,x,"));
	ck_assert_ptr_nonnull(strstr(s,
	    "2026-01,channels,total,sessions,43,"));
	ck_assert_ptr_nonnull(strstr(s,
	    "2026-01,outcomes,unsafe,count,<5,"));
	ck_assert_ptr_nonnull(strstr(s,
	    "2026-01,outcomes,no_answer,count,x,"));
	ck_assert_ptr_nonnull(strstr(s,
	    "2026-01,outcomes,reached,count,12,ការហៅត្រឡប់មកវិញតាមលទ្ធផល,"
	    "Callbacks by outcome,បានទាក់ទង,Reached,ចំនួន,Count,,\n"));
	ck_assert_ptr_nonnull(strstr(s,
	    "2026-01,outcomes,total,count,20,"));
	ck_assert_ptr_nonnull(strstr(s,
	    "2026-01,callers,all,count,15,"));
	ck_assert_ptr_nonnull(strstr(s,
	    "2026-01,claim_time,median,value,le_1800,"
	    "រយៈពេលរហូតដល់មានអ្នកទទួលយក,Time to claim,មេដ្យាន,Median,តម្លៃ,"
	    "Value,មិនលើស ៣០ នាទី,up to 30 minutes\n"));
	ck_assert_ptr_nonnull(strstr(s,
	    "2026-01,attempt_time,median,value,no_data,"));
	ck_assert_ptr_null(strstr(s, "secret"));
	/* Provinces over channels: 10 and 3, a lone small one and its
	 * total's complement. */
	ck_assert_ptr_nonnull(strstr(s,
	    "2026-01,provinces,KH-12,count,x,តាមរាជធានី/ខេត្ត,By province,"
	    "ភ្នំពេញ,Phnom Penh,"));
	ck_assert_ptr_nonnull(strstr(s,
	    "2026-01,provinces,KH-7,count,<5,"));
	ck_assert_ptr_nonnull(strstr(s,
	    "2026-01,provinces,total,count,13,"));
	/* A channel's name is its own label, in both columns. */
	ck_assert_ptr_nonnull(strstr(s, "2026-01,channels,ussd,sessions,x,"
	    "តាមឆានែល,By channel,ussd,ussd,វគ្គ,Sessions,,\n"));
	free(s);
	stats_report_free(rep);
}
END_TEST

/* JSON: numbers as numbers, hidden cells as strings, labels given. */
START_TEST(test_report_json)
{
	struct stats_report	*rep = report();
	char			*s = print(rep, STATS_JSON);
	json_error_t		 err;
	json_t			*root, *cells, *c;
	size_t			 i;
	int			 seen = 0;

	root = json_loads(s, 0, &err);
	ck_assert_ptr_nonnull(root);
	ck_assert_int_eq(json_integer_value(json_object_get(root, "k")), 5);
	cells = json_object_get(json_array_get(json_object_get(root,
	    "months"), 0), "cells");
	ck_assert(json_is_array(cells));
	json_array_foreach(cells, i, c) {
		const char *t = json_string_value(json_object_get(c,
		    "table"));
		const char *r = json_string_value(json_object_get(c, "row"));
		json_t *v = json_object_get(c, "value");

		if (strcmp(t, "outcomes") == 0 && strcmp(r, "unsafe") == 0) {
			ck_assert_str_eq(json_string_value(v), "<5");
			seen++;
		}
		if (strcmp(t, "outcomes") == 0 && strcmp(r, "reached") == 0) {
			ck_assert_int_eq(json_integer_value(v), 12);
			seen++;
		}
	}
	ck_assert_int_eq(seen, 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    json_object_get(root, "labels"), "unsafe"), "en")),
	    "Not safe to talk");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    json_object_get(root, "labels"), "unsafe"), "km")),
	    "មិនមានសុវត្ថិភាពក្នុងការនិយាយ");
	/* Each cell carries its row's words, and a code's value its own. */
	json_array_foreach(cells, i, c) {
		const char *t = json_string_value(json_object_get(c,
		    "table"));
		const char *r = json_string_value(json_object_get(c, "row"));

		if (strcmp(t, "provinces") == 0 && strcmp(r, "KH-7") == 0) {
			ck_assert_str_eq(json_string_value(json_object_get(c,
			    "row_km")), "កំពត");
			ck_assert_str_eq(json_string_value(json_object_get(c,
			    "row_en")), "Kampot");
			seen++;
		}
		if (strcmp(t, "claim_time") == 0 && strcmp(r, "median") ==
		    0) {
			ck_assert_str_eq(json_string_value(json_object_get(c,
			    "value")), "le_1800");
			ck_assert_str_eq(json_string_value(json_object_get(c,
			    "value_km")), "មិនលើស ៣០ នាទី");
			ck_assert_str_eq(json_string_value(json_object_get(c,
			    "value_en")), "up to 30 minutes");
			seen++;
		}
	}
	ck_assert_int_eq(seen, 4);
	json_decref(root);
	free(s);
	stats_report_free(rep);
}
END_TEST

/*
 * Text: headings and rows in Khmer, then English; counts first in a
 * right-aligned column of their own, whatever the labels' widths.
 */
START_TEST(test_report_text)
{
	struct stats_report	*rep = report();
	char			*s = print(rep, STATS_TEXT);

	ck_assert_ptr_nonnull(strstr(s, "របាយការណ៍សម្រាប់ម្ចាស់ជំនួយ / Donor "
	    "report: 2026-01 .. 2026-01\n"
	    "ចំនួនតិចជាង ៥ បង្ហាញជា <5។ x លាក់ចំនួនមួយ "
	    "ដើម្បីកុំឱ្យចំនួនសរុបបង្ហាញចំនួនដែលតិចជាង ៥។\n"
	    "Counts under 5 show as <5"));
	ck_assert_ptr_nonnull(strstr(s, "\n  វគ្គ / Sessions\n"
	    "          <5  sms\n"
	    "           x  ussd\n"
	    "          43  សរុប / Total\n"
	    "  សំណើឱ្យហៅត្រឡប់មកវិញ / Callback requests\n"));
	ck_assert_ptr_nonnull(strstr(s, "\n  ការហៅត្រឡប់មកវិញតាមលទ្ធផល / "
	    "Callbacks by outcome\n"
	    "           x  គ្មានអ្នកលើក / No answer\n"
	    "          12  បានទាក់ទង / Reached\n"
	    "          <5  មិនមានសុវត្ថិភាពក្នុងការនិយាយ / Not safe to talk\n"
	    "          20  សរុប / Total\n"));
	ck_assert_ptr_nonnull(strstr(s, "\n  វគ្គដែលអស់ពេល / Time-outs\n"));
	ck_assert_ptr_nonnull(strstr(s, "\n  រយៈពេលរហូតដល់មានអ្នកទទួលយក / "
	    "Time to claim\n"
	    "    មេដ្យាន / Median: មិនលើស ៣០ នាទី / up to 30 minutes\n"));
	ck_assert_ptr_nonnull(strstr(s, "\n          <5  កំពត / Kampot\n"));
	ck_assert_ptr_null(strstr(s, " · "));
	free(s);
	stats_report_free(rep);
}
END_TEST

/*
 * Her answers in the menu's words where it gave them (over the report's
 * own), as they are stored otherwise; "none" keeps the report's words and
 * a value that is not counted as itself is passed over.
 */
START_TEST(test_report_answers)
{
	static const char *const topics[] = { "legal", "shelter", "none" };
	/* metric, value, km, en: the first words of a value stand. */
	static const char *const words[][4] = {
		{ "topic", "legal", "ជំនួយផ្លូវច្បាប់", "Legal help" },
		{ "topic", "legal", "ច្បាប់", "Law" },
		{ "topic", "none", "មិនចង់ប្រាប់", "Prefer not to say" },
		{ "topic", "no 123", "ផ្សេង", "Else" },
		{ "province", "KH-12", "រាជធានីភ្នំពេញ", "Phnom Penh city" },
		/* Not a metric of her answers, or words missing. */
		{ "outcome", "reached", "ទាក់ទង", "Got her" },
		{ "province", "KH-7", NULL, "Kampot town" },
		{ "province", "KH-7", "កំពត\n", "Kampot town" }
	};
	struct stats_report	*rep = report();
	char			*s;
	size_t			 i;

	for (i = 0; i < 3; i++)
		ck_assert_int_eq(stats_report_add("2026-01", "ussd", "topic",
		    topics[i], 6 + (int64_t)i, rep), 0);
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		ck_assert_int_eq(stats_report_answer(rep, words[i][0],
		    words[i][1], words[i][2], words[i][3]), 0);
	s = print(rep, STATS_TEXT);
	ck_assert_ptr_nonnull(strstr(s, "\n  តាមប្រធានបទ / By topic\n"
	    "           6  ជំនួយផ្លូវច្បាប់ / Legal help\n"
	    "           8  មិនបានប្រាប់ / Not given\n"
	    "           7  shelter\n"));
	ck_assert_ptr_nonnull(strstr(s,
	    "\n           x  រាជធានីភ្នំពេញ / Phnom Penh city\n"
	    "          <5  កំពត / Kampot\n"));
	ck_assert_ptr_nonnull(strstr(s, "  12  បានទាក់ទង / Reached\n"));
	free(s);
	s = print(rep, STATS_CSV);
	ck_assert_ptr_nonnull(strstr(s, "\n2026-01,topics,legal,count,6,"
	    "តាមប្រធានបទ,By topic,ជំនួយផ្លូវច្បាប់,Legal help,ចំនួន,Count,"
	    ",\n"));
	ck_assert_ptr_nonnull(strstr(s, "\n2026-01,topics,shelter,count,7,"
	    "តាមប្រធានបទ,By topic,shelter,shelter,ចំនួន,Count,,\n"));
	free(s);
	stats_report_free(rep);
}
END_TEST

/* Run the stats suite in Check's default fork mode. */
int
main(void)
{
	Suite	*s = suite_create("stats");
	TCase	*tc = tcase_create("stats");
	SRunner	*sr;
	int	 failed;

	log_init("check_stats", 0);
	tcase_add_test(tc, test_nothing_small);
	tcase_add_test(tc, test_one_forces_complement);
	tcase_add_test(tc, test_two_small);
	tcase_add_test(tc, test_two_way);
	tcase_add_test(tc, test_small_total);
	tcase_add_test(tc, test_complement_nonzero);
	tcase_add_test(tc, test_k_refused);
	tcase_add_test(tc, test_round_labels);
	tcase_add_test(tc, test_buckets);
	tcase_add_test(tc, test_counts);
	tcase_add_test(tc, test_report_csv);
	tcase_add_test(tc, test_report_json);
	tcase_add_test(tc, test_report_text);
	tcase_add_test(tc, test_report_answers);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
