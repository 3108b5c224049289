/* SPDX-License-Identifier: ISC */
/*
 * check_menu: loading menu trees, every validation error with its exact
 * location, rendering into pages within a budget (Khmer-safe cuts, option
 * lines never split), the fit check of hotlined -t, and phone numbers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "diag.h"
#include "menu.h"
#include "testutil.h"

#define STRINGS \
	"\"strings\": {\n" \
	"  \"invalid\": {\"km\": \"ខុស\", \"en\": \"Invalid.\"},\n" \
	"  \"more\": {\"km\": \"បន្ទាប់\", \"en\": \"More\"},\n" \
	"  \"back\": {\"km\": \"ថយក្រោយ\", \"en\": \"Back\"},\n" \
	"  \"comment\": \"the quick exit's text is the configuration's\",\n" \
	"  \"expired\": {\"km\": \"ម្ដងទៀត។\", \"en\": \"Dial again.\"}\n" \
	"},\n"

/* A valid tree; tests substitute one node to make it invalid. */
#define TREE(NODES) \
	"{\n\"start\": \"main\",\n" STRINGS "\"nodes\": {\n" NODES "\n}\n}\n"

#define MAIN_OK \
	"\"main\": {\"type\": \"menu\", \"text\": {\"km\": \"សួស្តី\", " \
	"\"en\": \"Hello\"},\n" \
	"  \"options\": [\n" \
	"    {\"key\": \"1\", \"label\": {\"km\": \"ក\", \"en\": \"A\"}, " \
	"\"next\": \"a\"},\n" \
	"    {\"key\": \"99\", \"label\": {\"km\": \"ចេញ\", \"en\": \"Exit\"}, " \
	"\"action\": \"exit\"}\n" \
	"  ]},\n"

#define END_A \
	"\"a\": {\"type\": \"end\", \"text\": {\"km\": \"ចប់\", \"en\": \"End\"}}"

static struct diag	*d;

/* A fresh problem list per test. */
static void
setup(void)
{
	d = diag_new();
}

/* Free the list and temporary files. */
static void
teardown(void)
{
	diag_free(d);
	tu_cleanup();
}

/* Load a tree that must be rejected and return the problems. */
static void
expect_error(const char *json, const char *needle)
{
	struct menu	*m;

	m = tu_menu_load_string(json, d);
	ck_assert_msg(m == NULL, "tree accepted, expected \"%s\"", needle);
	ck_assert_msg(tu_diag_has(d, needle), "expected \"%s\", got:\n%s",
	    needle, tu_diag_all(d));
}

/* The test fixture and the minimal tree load. */
START_TEST(test_load_ok)
{
	struct menu	*m;

	m = tu_menu_load_string(TREE(MAIN_OK END_A), d);
	ck_assert_msg(m != NULL, "%s", tu_diag_all(d));
	ck_assert_str_eq(menu_node_id(menu_start(m)), "main");
	ck_assert_uint_eq(menu_nlang(m), 2);
	ck_assert_str_eq(menu_exit_text(m), "អរគុណ។");
	ck_assert_ptr_null(menu_string(m, MENU_STR_MAIN, 0));
	menu_free(m);
}
END_TEST

/* A JSON syntax error names the file, line and column. */
START_TEST(test_syntax_error)
{
	/*
	 * Line 11 lacks a comma after the "main" node: jansson notices at
	 * the next token, line 12 column 3.
	 */
	expect_error("{\n\"start\": \"main\",\n" STRINGS "\"nodes\": {\n"
	    "\"main\": {\"type\": \"end\", \"text\": {\"km\": \"ក\", "
	    "\"en\": \"A\"}}\n"
	    "\"b\": {}\n}\n}\n", "m.json:12:3: '}' expected near '\"b\"'");
	ck_assert_uint_eq(diag_count(d), 1);
}
END_TEST

/* A reference to a missing node is reported at the "next" value. */
START_TEST(test_dangling)
{
	expect_error(TREE(
	    "\"main\": {\"type\": \"menu\", \"text\": {\"km\": \"ក\", "
	    "\"en\": \"A\"},\n"
	    "  \"options\": [\n"
	    "    {\"key\": \"1\", \"label\": {\"km\": \"ក\", \"en\": \"A\"}, "
	    "\"next\": \"rights\"}\n  ]}"),
	    "m.json:13:59: /nodes/main/options/0/next: \"rights\" is not a "
	    "node of this tree");
}
END_TEST

/* A node nothing leads to is reported at its name. */
START_TEST(test_unreachable)
{
	expect_error(TREE(MAIN_OK END_A ",\n\"orphan\": {\"type\": \"end\", "
	    "\"text\": {\"km\": \"ក\", \"en\": \"A\"}}"),
	    "m.json:17:1: /nodes/orphan: node \"orphan\" is unreachable");
}
END_TEST

/* A text without one of the configured languages. */
START_TEST(test_missing_translation)
{
	expect_error(TREE(MAIN_OK
	    "\"a\": {\"type\": \"end\", \"text\": {\"km\": \"ចប់\"}}"),
	    "/nodes/a/text: missing translation \"en\"");
	/* And a language that is not configured. */
	diag_free(d);
	d = diag_new();
	expect_error(TREE(MAIN_OK
	    "\"a\": {\"type\": \"end\", \"text\": {\"km\": \"ចប់\", "
	    "\"en\": \"E\", \"fr\": \"F\"}}"),
	    "/nodes/a/text/fr: language \"fr\" is not configured");
}
END_TEST

/* Two options with the same key. */
START_TEST(test_duplicate_key)
{
	expect_error(TREE(
	    "\"main\": {\"type\": \"menu\", \"text\": {\"km\": \"ក\", "
	    "\"en\": \"A\"},\n  \"options\": [\n"
	    "    {\"key\": \"1\", \"label\": {\"km\": \"ក\", \"en\": \"A\"}, "
	    "\"next\": \"a\"},\n"
	    "    {\"key\": \"1\", \"label\": {\"km\": \"ខ\", \"en\": \"B\"}, "
	    "\"next\": \"a\"}\n  ]},\n" END_A),
	    "/nodes/main/options/1/key: duplicate option key \"1\"");
}
END_TEST

/* Option keys may not take a global key for something else. */
START_TEST(test_global_key)
{
	expect_error(TREE(
	    "\"main\": {\"type\": \"menu\", \"text\": {\"km\": \"ក\", "
	    "\"en\": \"A\"},\n  \"options\": [\n"
	    "    {\"key\": \"0\", \"label\": {\"km\": \"ក\", \"en\": \"A\"}, "
	    "\"next\": \"a\"}\n  ]},\n" END_A),
	    "key \"0\" is the global back key");
}
END_TEST

/* Shape errors: unknown member, unknown type, bad accept, bad ids. */
START_TEST(test_shape_errors)
{
	expect_error(TREE(MAIN_OK "\"a\": {\"type\": \"end\", \"colour\": 1, "
	    "\"text\": {\"km\": \"ក\", \"en\": \"A\"}}"),
	    "/nodes/a/colour: unknown member \"colour\"");
	diag_free(d);
	d = diag_new();
	expect_error(TREE(MAIN_OK "\"a\": {\"type\": \"page\", "
	    "\"text\": {\"km\": \"ក\", \"en\": \"A\"}}"),
	    "unknown node type \"page\"");
	diag_free(d);
	d = diag_new();
	expect_error(TREE(MAIN_OK "\"a\": {\"type\": \"input\", "
	    "\"store\": \"age\", \"next\": \"main\", \"accept\": "
	    "{\"type\": \"digits\", \"min\": 9, \"max\": 1}, "
	    "\"text\": {\"km\": \"ក\", \"en\": \"A\"}}"),
	    "digits needs integers \"min\" <= \"max\"");
	diag_free(d);
	d = diag_new();
	expect_error(TREE(MAIN_OK "\"a\": {\"type\": \"input\", "
	    "\"store\": \"Age!\", \"accept\": {\"type\": \"phone_kh\"}, "
	    "\"text\": {\"km\": \"ក\", \"en\": \"A\"}}"),
	    "store name \"Age!\"");
	ck_assert_msg(tu_diag_has(d, "missing \"next\""), "%s",
	    tu_diag_all(d));
}
END_TEST

/* More distinct answers than a session keeps is refused at load. */
START_TEST(test_store_cap)
{
	char	 nodes[8192], *p = nodes;
	size_t	 left = sizeof(nodes), i;
	int	 n;

	for (i = 0; i <= MENU_MAX_STORES; i++) {
		n = snprintf(p, left, "\"q%zu\": {\"type\": \"input\", "
		    "\"store\": \"a%zu\", \"accept\": {\"type\": "
		    "\"phone_kh\"}, \"next\": \"%s%zu\", \"text\": "
		    "{\"km\": \"ក\", \"en\": \"A\"}},\n", i, i,
		    i == MENU_MAX_STORES ? "a" : "q", i + 1);
		ck_assert(n > 0 && (size_t)n < left);
		p += n;
		left -= (size_t)n;
	}
	snprintf(p, left, "%s", END_A);
	{
		char	 tree[9000];

		snprintf(tree, sizeof(tree), "{\"start\": \"q0\",\n" STRINGS
		    "\"nodes\": {\n%s\n}}\n", nodes);
		expect_error(tree, "17 distinct \"store\" names; at most 16");
	}
}
END_TEST

/* Every problem is reported, not only the first. */
START_TEST(test_all_problems)
{
	expect_error(TREE(
	    "\"main\": {\"type\": \"menu\", \"text\": {\"km\": \"ក\"},\n"
	    "  \"options\": [\n"
	    "    {\"key\": \"1\", \"label\": {\"km\": \"ក\", \"en\": \"A\"}, "
	    "\"next\": \"x\"},\n"
	    "    {\"key\": \"1\", \"label\": {\"km\": \"ក\", \"en\": \"A\"}, "
	    "\"next\": \"y\"}\n  ]}"), "\"x\" is not a node");
	ck_assert(tu_diag_has(d, "\"y\" is not a node"));
	ck_assert(tu_diag_has(d, "duplicate option key"));
	ck_assert(tu_diag_has(d, "missing translation \"en\""));
}
END_TEST

/* Rendering the fixture's main menu within 80 units: one exact page. */
START_TEST(test_render_one_page)
{
	struct menu_limits	 lim = { 182, 80 };
	struct menu_screen	 scr;
	struct menu		*m;

	m = tu_menu_load_string(TREE(MAIN_OK END_A), d);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(menu_render(m, menu_start(m), 0, &lim, 0, NULL,
	    &scr), 0);
	ck_assert_uint_eq(scr.npages, 1);
	ck_assert_int_eq(scr.enc, TEXT_UCS2);
	ck_assert_str_eq(scr.pages[0], "សួស្តី\n1. ក\n99. ចេញ");
	ck_assert_uint_eq(scr.largest, 19);
	menu_screen_clear(&scr);
	/* English with ASCII labels is GSM-7. */
	ck_assert_int_eq(menu_render_error(m, menu_start(m), 1, &lim, 0,
	    NULL, 0, &scr), 0);
	ck_assert_int_eq(scr.enc, TEXT_GSM7);
	ck_assert_str_eq(scr.pages[0], "Invalid.\nHello\n1. A\n99. Exit");
	menu_screen_clear(&scr);
	menu_free(m);
}
END_TEST

/* Return 1 if line appears whole on one of the pages. */
static int
on_some_page(const struct menu_screen *scr, const char *line)
{
	size_t	 i, n = strlen(line);
	const char *p;

	for (i = 0; i < scr->npages; i++)
		for (p = strstr(scr->pages[i], line); p != NULL;
		    p = strstr(p + 1, line))
			if ((p == scr->pages[i] || p[-1] == '\n') &&
			    (p[n] == '\0' || p[n] == '\n'))
				return 1;
	return 0;
}

/* Paging: every page fits, footers are right, lines stay whole. */
START_TEST(test_render_paged)
{
	struct menu_limits	 lim = { 60, 40 };
	struct menu_screen	 scr;
	struct menu		*m;
	struct diag		*fit;
	const struct menu_node	*n;
	size_t			 i, len;
	char			*text;

	m = tu_menu_load_file(tu_data("ussd/menus/test.json"), "test.json",
	    "km", "en", d);
	ck_assert_msg(m != NULL, "%s", tu_diag_all(d));
	n = menu_start(m);
	ck_assert_int_eq(menu_render(m, n, 0, &lim, 0, NULL, &scr), 0);
	ck_assert_uint_eq(scr.npages, 4);
	ck_assert_str_eq(scr.pages[0],
	    "សូមស្វាគមន៍\n1. ជំនួយបន្ទាន់\n98. បន្ទាប់");
	/* The last page has no "more" footer, so it holds two options. */
	ck_assert_str_eq(scr.pages[3], "4. English\n99. ចាកចេញ\n0. ថយក្រោយ");
	for (i = 0; i < scr.npages; i++) {
		ck_assert_uint_le(tu_utf16_units(scr.pages[i]), 40);
		len = strlen(scr.pages[i]);
		/* Never ends on COENG (U+17D2 is E1 9F 92 in UTF-8). */
		ck_assert(!(len >= 3 && memcmp(scr.pages[i] + len - 3,
		    "\xe1\x9f\x92", 3) == 0));
		if (i + 1 < scr.npages)
			ck_assert_ptr_nonnull(strstr(scr.pages[i],
			    "98. បន្ទាប់"));
		if (i > 0)
			ck_assert_ptr_nonnull(strstr(scr.pages[i],
			    "0. ថយក្រោយ"));
	}
	ck_assert(on_some_page(&scr, "2. សុវត្ថិភាព"));
	ck_assert(on_some_page(&scr, "3. ហៅមកវិញ"));
	ck_assert(on_some_page(&scr, "4. English"));
	menu_screen_clear(&scr);

	/* A long Khmer info text is cut only at safe points. */
	fit = diag_new();
	ck_assert_msg(menu_check_fit(m, &lim, fit, NULL) == 0, "%s",
	    tu_diag_all(fit));
	diag_free(fit);
	lim.ucs2 = 40;
	for (i = 0; i < 2; i++) {
		const struct menu_option *o = menu_node_option(n, "2");
		const struct menu_node *tips = menu_option_next(o);
		size_t p;

		ck_assert_int_eq(menu_render(m, tips, i, &lim,
		    MENU_RENDER_CAN_BACK, NULL, &scr), 0);
		ck_assert_uint_gt(scr.npages, 1);
		for (p = 0; p < scr.npages; p++) {
			text = scr.pages[p];
			ck_assert_uint_le(i == 0 ? tu_utf16_units(text) :
			    strlen(text), i == 0 ? 40 : 60);
			len = strlen(text);
			ck_assert(!(len >= 3 && memcmp(text + len - 3,
			    "\xe1\x9f\x92", 3) == 0));
		}
		menu_screen_clear(&scr);
	}
	menu_free(m);
}
END_TEST

/* The fit check names an option line that cannot fit any page. */
START_TEST(test_fit_errors)
{
	/* Footers take 23 of 30 units: 7 are left for content. */
	struct menu_limits	 lim = { 60, 30 };
	struct menu		*m;

	m = tu_menu_load_string(TREE(
	    "\"main\": {\"type\": \"menu\", \"text\": {\"km\": \"ក\", "
	    "\"en\": \"A\"},\n  \"options\": [\n"
	    "    {\"key\": \"1\", \"label\": {\"km\": "
	    "\"សុវត្ថិភាពសុវត្ថិភាព\", \"en\": \"A\"}, \"next\": \"a\"}\n"
	    "  ]},\n"
	    "\"a\": {\"type\": \"end\", \"text\": {\"km\": "
	    "\"ស្ត្រីស្ត្រីស្ត្រីស្ត្រីស្ត្រីស្ត្រី\", \"en\": \"End\"}}"), d);
	ck_assert_msg(m != NULL, "%s", tu_diag_all(d));
	ck_assert_uint_eq(menu_check_fit(m, &lim, d, NULL), 2);
	ck_assert_msg(tu_diag_has(d, "m.json:13:5: /nodes/main/options/0: "
	    "option line [km] cannot fit any page"), "%s", tu_diag_all(d));
	ck_assert_msg(tu_diag_has(d, "/nodes/a: end text [km] does not fit "
	    "one screen (36 UCS-2 units, limit 30)"), "%s", tu_diag_all(d));
	menu_free(m);
}
END_TEST

/* Load the callback fixture tree (English first). */
static struct menu *
load_cb(void)
{
	struct menu	*m;

	m = tu_menu_load_file(tu_data("callback/menus/cb.json"), "cb.json",
	    "en", "km", d);
	ck_assert_msg(m != NULL, "%s", tu_diag_all(d));
	return m;
}

/* A when for menu_callback_text. */
static const struct menu_when_info *
when(enum menu_when k, int hour, int minute, int wday)
{
	static struct menu_when_info	 w;

	memset(&w, 0, sizeof(w));
	w.kind = k;
	w.hour = hour;
	w.minute = minute;
	w.wday = wday;
	w.minutes = 30;
	return &w;
}

/* The confirmation says when, in the caller's language. */
START_TEST(test_callback_text)
{
	struct menu		*m = load_cb();
	const struct menu_node	*n = NULL;
	const struct menu_node	*q;
	char			*t;

	/* Walk main -> 1 -> cb_safe -> 1 -> cb_when ... to the node. */
	q = menu_option_next(menu_node_option(menu_start(m), "1"));
	q = menu_option_next(menu_node_option(q, "1"));
	q = menu_node_next(q);
	q = menu_node_next(q);
	n = menu_node_next(q);
	ck_assert_str_eq(menu_node_id(n), "cb_done");
	ck_assert_int_eq(menu_node_kind(n), MENU_NODE_CALLBACK);
	ck_assert(menu_has_callback(m));
	ck_assert_str_eq(menu_node_field(n, MENU_CB_WINDOW), "window");
	ck_assert_ptr_null(menu_node_field(n, MENU_CB_PROVINCE));
	t = menu_callback_text(m, n, 0, when(MENU_WHEN_TODAY_BEFORE, 17, 0,
	    1));
	ck_assert_str_eq(t, "A counsellor will call you today before 17:00.");
	free(t);
	t = menu_callback_text(m, n, 0, when(MENU_WHEN_DAY_FROM, 8, 5, 1));
	ck_assert_str_eq(t, "A counsellor will call you on Monday from 08:05.");
	free(t);
	t = menu_callback_text(m, n, 1, when(MENU_WHEN_DAY_FROM, 8, 0, 6));
	ck_assert_str_eq(t, "អ្នកប្រឹក្សានឹងហៅទៅអ្នក ថ្ងៃសៅរ៍ ចាប់ពីម៉ោង 08:00។");
	free(t);
	t = menu_callback_text(m, n, 0, when(MENU_WHEN_WITHIN, 0, 0, 0));
	ck_assert_str_eq(t, "A counsellor will call you within 30 minutes.");
	free(t);
	t = menu_callback_text(m, n, 0, when(MENU_WHEN_TONIGHT_BEFORE, 1, 0,
	    2));
	ck_assert_str_eq(t, "A counsellor will call you tonight before 01:00.");
	free(t);
	t = menu_callback_text(m, n, 0, when(MENU_WHEN_UNKNOWN, 0, 0, 0));
	ck_assert_str_eq(t, "A counsellor will call you when a counsellor is "
	    "free.");
	free(t);
	ck_assert_str_eq(menu_callback_failed(n, 0), "Sorry, we could not "
	    "record it. Call 117 if in danger.");
	menu_free(m);
}
END_TEST

#define CB_STRINGS \
	"\"when_within\": {\"km\": \"{minutes} នាទី\", \"en\": \"in {minutes} min\"},\n" \
	"\"when_tonight_before\": {\"km\": \"យប់ {time}\", \"en\": \"by {time}\"},\n" \
	"\"when_today_before\": {\"km\": \"មុន {time}\", \"en\": \"by {time}\"},\n" \
	"\"when_today_from\": {\"km\": \"ពី {time}\", \"en\": \"from {time}\"},\n" \
	"\"when_tomorrow_from\": {\"km\": \"ស្អែក {time}\", \"en\": \"tmrw {time}\"},\n" \
	"\"when_day_from\": {\"km\": \"{day} {time}\", \"en\": \"{day} {time}\"},\n" \
	"\"when_unknown\": {\"km\": \"ឆាប់ៗ\", \"en\": \"soon\"},\n"

/* A callback tree: main -> q (stores "w") -> cb. */
#define CB_TREE(STR, FIELDS, TEXT) \
	"{\n\"start\": \"main\",\n\"strings\": {\n" \
	"  \"invalid\": {\"km\": \"ខុស\", \"en\": \"Invalid.\"},\n" \
	"  \"more\": {\"km\": \"បន្ទាប់\", \"en\": \"More\"},\n" \
	"  \"back\": {\"km\": \"ថយក្រោយ\", \"en\": \"Back\"},\n" \
	"  \"expired\": {\"km\": \"ម្ដងទៀត។\", \"en\": \"Dial again.\"},\n" \
	STR "\"comment\": \"\"},\n\"nodes\": {\n" \
	"\"main\": {\"type\": \"menu\", \"text\": {\"km\": \"ក\", \"en\": \"A\"}, " \
	"\"options\": [{\"key\": \"1\", \"label\": {\"km\": \"ក\", \"en\": \"A\"}, " \
	"\"next\": \"q\"}]},\n" \
	"\"q\": {\"type\": \"input\", \"store\": \"w\", \"next\": \"cb\", " \
	"\"accept\": {\"type\": \"digits\", \"min\": 1, \"max\": 9}, " \
	"\"text\": {\"km\": \"ក\", \"en\": \"A\"}},\n" \
	"\"cb\": {\"type\": \"callback\", \"fields\": " FIELDS ", " \
	"\"text\": " TEXT ", \"failed\": {\"km\": \"ខុស\", \"en\": \"Failed.\"}}\n" \
	"}}\n"

/* Each callback-node mistake is found. */
START_TEST(test_callback_errors)
{
	struct menu		*m;
	struct menu_limits	 lim = { 182, 80 };

	/* Without the when phrases. */
	expect_error(CB_TREE("", "{\"window\": \"w\"}",
	    "{\"km\": \"{when}\", \"en\": \"{when}\"}"),
	    "/strings: missing \"when_within\" (callback nodes need "
	    "it)");
	ck_assert(tu_diag_has(d, "missing \"days\""));
	/* A field from a store nobody fills, an unknown field, no {when}. */
	diag_free(d);
	d = diag_new();
	expect_error(CB_TREE(CB_STRINGS "\"days\": {\"km\": \"1|2|3|4|5|6|7\", "
	    "\"en\": \"1|2|3|4|5|6\"},\n", "{\"window\": \"x\", \"colour\": "
	    "\"w\"}", "{\"km\": \"{when}\", \"en\": \"soon\"}"),
	    "/nodes/cb/fields/window: no input node stores \"x\"");
	ck_assert(tu_diag_has(d, "unknown field \"colour\""));
	ck_assert(tu_diag_has(d, "/nodes/cb/text/en: the confirmation must "
	    "say {when}"));
	ck_assert(tu_diag_has(d, "/strings/days/en: seven day names"));
	/* A valid tree whose confirmation cannot fit a small screen. */
	diag_free(d);
	d = diag_new();
	m = tu_menu_load_string(CB_TREE(CB_STRINGS "\"days\": {\"km\": "
	    "\"1|2|3|4|5|6|7\", \"en\": \"Sunday|Monday|Tuesday|Wednesday|"
	    "Thursday|Friday|Saturday\"},\n", "{\"window\": \"w\"}",
	    "{\"km\": \"{when}\", \"en\": \"We call {when}.\"}"), d);
	ck_assert_msg(m != NULL, "%s", tu_diag_all(d));
	lim.gsm7 = 20;
	ck_assert_msg(menu_check_fit(m, &lim, d, NULL) == 1, "%s",
	    tu_diag_all(d));
	/* "We call Wednesday 23:59." is the longest: 24 septets. */
	ck_assert_msg(tu_diag_has(d, "/nodes/cb: confirmation [en] can take "
	    "24 GSM-7 units, over the one-screen limit of 20"), "%s",
	    tu_diag_all(d));
	menu_free(m);
}
END_TEST

/* Cambodian numbers in their usual spellings, and refusals. */
START_TEST(test_phone_kh)
{
	char	 b[32];

	ck_assert_int_eq(menu_phone_kh("012 345 678", b, sizeof(b)), 0);
	ck_assert_str_eq(b, "+85512345678");
	ck_assert_int_eq(menu_phone_kh("+855 97-123-4567", b, sizeof(b)), 0);
	ck_assert_str_eq(b, "+855971234567");
	ck_assert_int_eq(menu_phone_kh("855012345678", b, sizeof(b)), 0);
	ck_assert_str_eq(b, "+85512345678");
	ck_assert_int_eq(menu_phone_kh("12345678", b, sizeof(b)), -1);
	ck_assert_int_eq(menu_phone_kh("0123", b, sizeof(b)), -1);
	ck_assert_int_eq(menu_phone_kh("+66812345678", b, sizeof(b)), -1);
	ck_assert_int_eq(menu_phone_kh("01234567890", b, sizeof(b)), -1);
	ck_assert_int_eq(menu_phone_kh("012abc678", b, sizeof(b)), -1);
	ck_assert_int_eq(menu_phone_kh("", b, sizeof(b)), -1);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("menu");
	TCase	*load = tcase_create("load");
	TCase	*render = tcase_create("render");
	SRunner	*sr;
	int	 failed;

	tcase_add_checked_fixture(load, setup, teardown);
	tcase_add_test(load, test_load_ok);
	tcase_add_test(load, test_syntax_error);
	tcase_add_test(load, test_dangling);
	tcase_add_test(load, test_unreachable);
	tcase_add_test(load, test_missing_translation);
	tcase_add_test(load, test_duplicate_key);
	tcase_add_test(load, test_global_key);
	tcase_add_test(load, test_shape_errors);
	tcase_add_test(load, test_all_problems);
	tcase_add_test(load, test_store_cap);
	tcase_add_checked_fixture(render, setup, teardown);
	tcase_add_test(render, test_render_one_page);
	tcase_add_test(render, test_render_paged);
	tcase_add_test(render, test_fit_errors);
	tcase_add_test(render, test_phone_kh);
	tcase_add_test(render, test_callback_text);
	tcase_add_test(load, test_callback_errors);
	suite_add_tcase(s, load);
	suite_add_tcase(s, render);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
