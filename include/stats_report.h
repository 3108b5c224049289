/* SPDX-License-Identifier: ISC */
/*
 * stats_report: the donor report built from the monthly sums of the daily
 * aggregates: tables of counts whose cells under k are hidden, with
 * complementary suppression so that no total reveals a hidden cell,
 * unique callers rounded to 5, medians and 90th percentiles of durations
 * from their buckets, one-way breakdowns by topic and by province, every
 * label in Khmer and English (her answers in the menu's own words),
 * printed as text, CSV or JSON. It never
 * reads the database (hotlinectl stats hands it the rows) and never sees
 * a number, a counsellor or free text.
 */
#ifndef HOTLINED_STATS_REPORT_H
#define HOTLINED_STATS_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define STATS_K_MIN	3	/* the smallest k that hides anything */
#define STATS_K_DEFAULT	5

/* How a cell of a table is shown. */
enum stats_cell {
	STATS_SHOWN,		/* its count */
	STATS_SMALL,		/* under k: "<k" */
	STATS_HIDDEN		/* hidden so that a total cannot reveal a
				   small one: "x" */
};

struct stats_table;

/*
 * A table of nrows by ncols counts, all 0, with a total under each
 * column (col_totals) and after each row (row_totals). NULL on failure.
 */
struct stats_table *stats_table_new(size_t nrows, size_t ncols,
		    int row_totals, int col_totals);

/* Set the count of row r, column c. */
void		 stats_table_set(struct stats_table *t, size_t r, size_t c,
		    int64_t v);

/*
 * Hide every cell and total from 1 to k - 1 (0 is shown), then, in each
 * line a total sums (a row with its total, a column with its total, and
 * the line of totals), while exactly one of its entries is hidden, hide
 * also the smallest other one (a non-zero one first; the first of equals),
 * until no line has exactly one. Returns 0, or -1 (nothing hidden) when k
 * is under STATS_K_MIN.
 */
int		 stats_table_suppress(struct stats_table *t, int k);

/*
 * How row r, column c shows, and its count in *v. r == nrows is the row
 * of column totals, c == ncols the column of row totals (where the table
 * has them).
 */
enum stats_cell	 stats_table_cell(const struct stats_table *t, size_t r,
		    size_t c, int64_t *v);

/* Free a table (NULL is fine). */
void		 stats_table_free(struct stats_table *t);

/* n rounded to the nearest multiple of 5 (halves up). */
int64_t		 stats_round5(int64_t n);

/* Output formats. */
enum stats_format {
	STATS_TEXT,
	STATS_CSV,
	STATS_JSON
};

struct stats_report;

/*
 * A report of the months from to to ("YYYY-MM") under k. NULL when k is
 * under STATS_K_MIN or out of memory.
 */
struct stats_report *stats_report_new(const char *from, const char *to,
		    int k);

/*
 * Add one monthly sum (a store_stats_row_cb; arg is the report). Cells of
 * metrics the report does not know are left out. Returns 0, or -1 when
 * out of memory.
 */
int		 stats_report_add(const char *month, const char *channel,
		    const char *metric, const char *key, int64_t count,
		    void *arg);

/*
 * The menu's words for one of her answers: value, as a topic or province
 * metric counts it, is shown as km / en (both needed) instead of itself.
 * The first words given for a value stand; a value that is not counted
 * as itself, or that is "none", "other" or "total" (which keep the
 * report's own words), is passed over. Returns 0, or -1 when out of
 * memory.
 */
int		 stats_report_answer(struct stats_report *rep,
		    const char *metric, const char *value, const char *km,
		    const char *en);

/* Print the report to fp. 0, or -1 on a write error or out of memory. */
int		 stats_report_print(struct stats_report *rep,
		    enum stats_format fmt, FILE *fp);

/* Free the report (NULL is fine). */
void		 stats_report_free(struct stats_report *rep);

#endif
