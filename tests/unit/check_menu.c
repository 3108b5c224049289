/* SPDX-License-Identifier: ISC */
/*
 * check_menu: loading menu trees, every validation error with its exact
 * location, rendering into pages within a budget (Khmer-safe cuts, option
 * lines never split), the fit check of hotlined -t, and phone numbers;
 * "request" and the {when} that may only follow it, placeholders, COENG,
 * the {when} phrases as people say them, the shipped sample tree, escaped
 * pointers and the key list printed from the tables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "diag.h"
#include "menu.h"
#include "phone.h"
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
	struct menu_limits	 lim = { 182, 80, 0 };
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
	struct menu_limits	 lim = { 60, 40, 0 };
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
	ck_assert_msg(menu_check_fit(m, &lim, fit, NULL, NULL) == 0, "%s",
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
	struct menu_limits	 lim = { 60, 30, 0 };
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
	ck_assert_uint_eq(menu_check_fit(m, &lim, d, NULL, NULL), 2);
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
when(enum when_kind k, int hour, int minute, int wday)
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
	t = menu_callback_text(m, n, 0, when(WHEN_TODAY_BEFORE, 17, 0,
	    1));
	ck_assert_str_eq(t, "A counsellor will call you today before 17:00.");
	free(t);
	t = menu_callback_text(m, n, 0, when(WHEN_DAY_FROM, 8, 5, 1));
	ck_assert_str_eq(t, "A counsellor will call you on Monday from 08:05.");
	free(t);
	t = menu_callback_text(m, n, 1, when(WHEN_DAY_FROM, 8, 0, 6));
	ck_assert_str_eq(t, "អ្នកប្រឹក្សានឹងហៅទៅអ្នក ថ្ងៃសៅរ៍ ចាប់ពីម៉ោង 08:00។");
	free(t);
	t = menu_callback_text(m, n, 0, when(WHEN_WITHIN, 0, 0, 0));
	ck_assert_str_eq(t, "A counsellor will call you within 30 minutes.");
	free(t);
	t = menu_callback_text(m, n, 0, when(WHEN_TONIGHT_BEFORE, 1, 0,
	    2));
	ck_assert_str_eq(t, "A counsellor will call you tonight before 01:00.");
	free(t);
	t = menu_callback_text(m, n, 0, when(WHEN_UNKNOWN, 0, 0, 0));
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
	struct menu_limits	 lim = { 182, 80, 0 };

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
	ck_assert_msg(menu_check_fit(m, &lim, d, NULL, NULL) == 1, "%s",
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

	ck_assert_int_eq(phone_kh("012 345 678", b, sizeof(b)), 0);
	ck_assert_str_eq(b, "+85512345678");
	ck_assert_int_eq(phone_kh("+855 97-123-4567", b, sizeof(b)), 0);
	ck_assert_str_eq(b, "+855971234567");
	ck_assert_int_eq(phone_kh("855012345678", b, sizeof(b)), 0);
	ck_assert_str_eq(b, "+85512345678");
	ck_assert_int_eq(phone_kh("12345678", b, sizeof(b)), -1);
	ck_assert_int_eq(phone_kh("0123", b, sizeof(b)), -1);
	ck_assert_int_eq(phone_kh("+66812345678", b, sizeof(b)), -1);
	ck_assert_int_eq(phone_kh("01234567890", b, sizeof(b)), -1);
	ck_assert_int_eq(phone_kh("012abc678", b, sizeof(b)), -1);
	ck_assert_int_eq(phone_kh("", b, sizeof(b)), -1);
}
END_TEST

/* A translated text, and an option or choice with its label. */
#define TX(KM, EN)	"{\"km\": \"" KM "\", \"en\": \"" EN "\"}"
#define OPT(KEY, KM, EN, REST) \
	"{\"key\": \"" KEY "\", \"label\": " TX(KM, EN) ", " REST "}"

/* The four required strings, then STR (more strings, each with ","). */
#define STRINGS_WITH(STR) \
	"\"strings\": {\n" STR \
	"  \"invalid\": " TX("ខុស", "Invalid.") ",\n" \
	"  \"more\": " TX("បន្ទាប់", "More") ",\n" \
	"  \"back\": " TX("ថយក្រោយ", "Back") ",\n" \
	"  \"expired\": " TX("ម្ដងទៀត។", "Dial again.") "\n" \
	"},\n"

/* A tree with more strings; STR lines come first, one per line. */
#define TREE_STR(STR, NODES) \
	"{\n\"start\": \"main\",\n" STRINGS_WITH(STR) "\"nodes\": {\n" NODES \
	"\n}\n}\n"

/* The sample's ways to say an hour, 0 to 23. */
#define HOURS_KM \
	"ម៉ោង {h} យប់|ម៉ោង {h} យប់|ម៉ោង {h} យប់|ម៉ោង {h} យប់|ម៉ោង {h} យប់|" \
	"ម៉ោង {h} ព្រឹក|ម៉ោង {h} ព្រឹក|ម៉ោង {h} ព្រឹក|ម៉ោង {h} ព្រឹក|" \
	"ម៉ោង {h} ព្រឹក|ម៉ោង {h} ព្រឹក|ម៉ោង {h} ព្រឹក|ម៉ោង {h} ថ្ងៃត្រង់|" \
	"ម៉ោង {h} រសៀល|ម៉ោង {h} រសៀល|ម៉ោង {h} រសៀល|ម៉ោង {h} រសៀល|" \
	"ម៉ោង {h} ល្ងាច|ម៉ោង {h} ល្ងាច|ម៉ោង {h} យប់|ម៉ោង {h} យប់|" \
	"ម៉ោង {h} យប់|ម៉ោង {h} យប់|ម៉ោង {h} យប់"
#define HOURS_EN \
	"{h} midnight|{h} am|{h} am|{h} am|{h} am|{h} am|{h} am|{h} am|" \
	"{h} am|{h} am|{h} am|{h} am|{h} noon|{h} pm|{h} pm|{h} pm|{h} pm|" \
	"{h} pm|{h} pm|{h} pm|{h} pm|{h} pm|{h} pm|{h} pm"

/* The sample's {when} phrases (conf/menus/main.json), one per line. */
#define SAMPLE_WHEN \
	"  \"hours\": " TX(HOURS_KM, HOURS_EN) ",\n" \
	"  \"when_within\": " TX("ក្នុងរយៈពេល {minutes} នាទី", \
	    "within {minutes} minutes") ",\n" \
	"  \"when_today_before\": " TX("ថ្ងៃនេះ មុន{time}", \
	    "today before {time}") ",\n" \
	"  \"when_tonight_before\": " TX("យប់នេះ មុន{time}", \
	    "tonight before {time}") ",\n" \
	"  \"when_today_from\": " TX("ថ្ងៃនេះ ចាប់ពី{time}", \
	    "today from {time}") ",\n" \
	"  \"when_tomorrow_from\": " TX("ថ្ងៃស្អែក ចាប់ពី{time}", \
	    "tomorrow from {time}") ",\n" \
	"  \"when_day_from\": " TX("ថ្ងៃ{day} ចាប់ពី{time}", \
	    "on {day} from {time}") ",\n" \
	"  \"when_unknown\": " TX("ឆាប់ៗតាមដែលអាចធ្វើបាន", \
	    "as soon as we can") ",\n" \
	"  \"days\": " TX("អាទិត្យ|ច័ន្ទ|អង្គារ|ពុធ|ព្រហស្បតិ៍|សុក្រ|សៅរ៍", \
	    "Sunday|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday") ",\n"

/*
 * A journey tree, each node from a line of its own: main (line 19) -> q
 * (20-23, stores "urgent"; QREQ, and CREQ on its first choice, may add a
 * "request") -> w (24-29, a window, its text WTEXT) -> cb (30-32); main's
 * "2" -> bye (33), an end node.
 */
#define REQ_TREE(QREQ, CREQ, WTEXT) TREE_STR(SAMPLE_WHEN, \
	"\"main\": {\"type\": \"menu\", \"text\": " TX("ក", "A") ", " \
	    "\"options\": [" OPT("1", "ក", "A", "\"next\": \"q\"") ", " \
	    OPT("2", "ខ", "B", "\"next\": \"bye\"") "]},\n" \
	"\"q\": {\"type\": \"input\", \"store\": \"urgent\", " QREQ "\n" \
	"  \"text\": " TX("គ្រោះថ្នាក់?", "Danger?") ",\n" \
	"  \"accept\": {\"type\": \"choice\", \"choices\": [\n" \
	"    " OPT("1", "មាន", "Yes", CREQ "\"value\": \"yes\", " \
	    "\"next\": \"w\"") ", " \
	    OPT("2", "ទេ", "No", "\"value\": \"no\", \"next\": \"w\"") \
	    "]}},\n" \
	"\"w\": {\"type\": \"input\", \"store\": \"window\", \"next\": " \
	    "\"cb\",\n" \
	"  \"text\": " WTEXT ",\n" \
	"  \"accept\": {\"type\": \"choice\", \"choices\": [\n" \
	"    " OPT("1", "ឥឡូវ ({minutes} នាទី)", "Now ({minutes} min)", \
	    "\"value\": \"now\"") ",\n" \
	"    " OPT("2", "ព្រឹក {hours}", "Morning {hours}", \
	    "\"value\": \"morning\"") ",\n" \
	"    " OPT("3", "រសៀល {hours}", "Afternoon {hours}", \
	    "\"value\": \"afternoon\"") ", " \
	    OPT("4", "ល្ងាច {hours}", "Evening {hours}", \
	    "\"value\": \"evening\"") "]}},\n" \
	"\"cb\": {\"type\": \"callback\", \"fields\": {\"urgent\": " \
	    "\"urgent\", \"window\": \"window\"},\n" \
	"  \"text\": " TX("យើងហៅ {when}។", "We call {when}.") ",\n" \
	"  \"failed\": " TX("សូមទោស។ ហៅ 117។", "Sorry. Call 117.") "},\n" \
	"\"bye\": {\"type\": \"end\", \"text\": " TX("ចប់", "End") "}")

#define FILES_Q		"\"request\": \"cb\", "
#define W_PLAIN		TX("ពេលណា?", "When?")
#define W_WHEN		TX("ពេលណា? {when}", "When? {when}")

/* The journey tree loads: the first answer files the request. */
START_TEST(test_request_ok)
{
	struct menu		*m;
	const struct menu_node	*q;

	m = tu_menu_load_string(REQ_TREE(FILES_Q, "", W_PLAIN), d);
	ck_assert_msg(m != NULL, "%s", tu_diag_all(d));
	q = menu_option_next(menu_node_option(menu_start(m), "1"));
	ck_assert_str_eq(menu_node_id(q), "q");
	ck_assert_ptr_nonnull(menu_node_request(q));
	ck_assert_str_eq(menu_node_id(menu_node_request(q)), "cb");
	ck_assert_ptr_null(menu_option_request(menu_node_option(q, "1")));
	menu_free(m);

	/* The same on one choice: the node itself does not file. */
	m = tu_menu_load_string(REQ_TREE("", FILES_Q, W_PLAIN), d);
	ck_assert_msg(m != NULL, "%s", tu_diag_all(d));
	q = menu_option_next(menu_node_option(menu_start(m), "1"));
	ck_assert_ptr_null(menu_node_request(q));
	ck_assert_str_eq(menu_node_id(menu_option_request(
	    menu_node_option(q, "1"))), "cb");
	ck_assert_ptr_null(menu_option_request(menu_node_option(q, "2")));
	menu_free(m);
}
END_TEST

/* "request" must name a callback node of the tree. */
START_TEST(test_request_errors)
{
	expect_error(REQ_TREE("\"request\": \"bye\",", "", W_PLAIN),
	    "m.json:20:54: /nodes/q/request: \"bye\" is not a callback node: "
	    "\"request\" names the callback node whose request the answer "
	    "files");
	ck_assert_uint_eq(diag_count(d), 1);
	diag_free(d);
	d = diag_new();
	expect_error(REQ_TREE("\"request\": \"nowhere\",", "", W_PLAIN),
	    "m.json:20:54: /nodes/q/request: \"nowhere\" is not a node of "
	    "this tree");
	ck_assert_uint_eq(diag_count(d), 1);
	/* On a choice, at the choice's own "request". */
	diag_free(d);
	d = diag_new();
	expect_error(REQ_TREE("", "\"request\": \"main\", ", W_PLAIN),
	    "m.json:23:66: /nodes/q/accept/choices/0/request: \"main\" is "
	    "not a callback node");
	diag_free(d);
	d = diag_new();
	expect_error(REQ_TREE("", "\"request\": \"gone\", ", W_PLAIN),
	    "m.json:23:66: /nodes/q/accept/choices/0/request: \"gone\" is not "
	    "a node of this tree");
}
END_TEST

/* {when} only on screens that no path reaches before the request. */
START_TEST(test_when_before_request)
{
	struct menu	*m;

	/* Nothing files before w: it would promise an unstored call. */
	expect_error(REQ_TREE("", "", W_WHEN), "m.json:24:1: /nodes/w: \"w\" "
	    "says {when} but can be reached before any answer files the "
	    "request (\"request\"): it would promise a call that is not "
	    "stored");
	ck_assert_uint_eq(diag_count(d), 1);
	/* Filed by the first choice only: the second still reaches w. */
	diag_free(d);
	d = diag_new();
	expect_error(REQ_TREE("", FILES_Q, W_WHEN), "m.json:24:1: /nodes/w: "
	    "\"w\" says {when} but can be reached before any answer files");
	ck_assert_uint_eq(diag_count(d), 1);
	/* Every answer to q files: w may say it. */
	diag_free(d);
	d = diag_new();
	m = tu_menu_load_string(REQ_TREE(FILES_Q, "", W_WHEN), d);
	ck_assert_msg(m != NULL, "%s", tu_diag_all(d));
	menu_free(m);
}
END_TEST

/*
 * A menu option's label and an input node's own error line take no
 * placeholder: they would be sent as typed ({when} would even escape the
 * rule that it follows the filing).
 */
START_TEST(test_plain_texts)
{
	expect_error(TREE(
	    "\"main\": {\"type\": \"menu\", \"text\": " TX("ដើម", "Home")
	    ", \"options\": [{\"key\": \"1\", \"label\": "
	    TX("ក {when}", "A {foo}") ", \"next\": \"a\"}]},\n"
	    "\"a\": {\"type\": \"input\", \"store\": \"n\", \"text\": "
	    TX("លេខ", "Number") ", \"invalid\": " TX("ខុស {x}", "Wrong")
	    ", \"accept\": {\"type\": \"phone_kh\"}, \"next\": \"b\"},\n"
	    "\"b\": {\"type\": \"end\", \"text\": " TX("ចប់", "End") "}"),
	    "/nodes/main/options/0/label/km: {when} is not a placeholder a "
	    "menu option's label can use");
	ck_assert(tu_diag_has(d, "/nodes/main/options/0/label/en: {foo} is "
	    "not a placeholder a menu option's label can use"));
	ck_assert(tu_diag_has(d, "/nodes/a/invalid/km: {x} is not a "
	    "placeholder an error line can use"));
	ck_assert_uint_eq(diag_count(d), 3);
}
END_TEST

/* An unknown {placeholder} in a screen's text. */
START_TEST(test_unknown_placeholder)
{
	expect_error(TREE(MAIN_OK "\"a\": {\"type\": \"end\", \"text\": "
	    TX("ចប់ {foo}", "End")"}"), "m.json:16:37: /nodes/a/text/km: "
	    "{foo} is not a placeholder a screen can use");
	ck_assert_uint_eq(diag_count(d), 1);
}
END_TEST

/* {name} shows a typed answer back, never a choice. */
START_TEST(test_choice_placeholder)
{
	struct menu	*m;

	expect_error(TREE(MAIN_OK
	    "\"a\": {\"type\": \"input\", \"store\": \"x\", "
	    "\"next\": \"b\", \"text\": " TX("ក", "A") ",\n"
	    "  \"accept\": {\"type\": \"choice\", \"choices\": ["
	    OPT("1", "ក", "A", "\"value\": \"yes\"") "]}},\n"
	    "\"b\": {\"type\": \"end\", \"text\": " TX("{x}", "{x}") "}"),
	    "m.json:18:37: /nodes/b/text/km: {x} is a choice: only a typed "
	    "answer (phone_kh or digits) can be shown back");
	ck_assert(tu_diag_has(d, "/nodes/b/text/en: {x} is a choice"));
	ck_assert_uint_eq(diag_count(d), 2);
	/* A typed answer can. */
	diag_free(d);
	d = diag_new();
	m = tu_menu_load_string(TREE(MAIN_OK
	    "\"a\": {\"type\": \"input\", \"store\": \"x\", "
	    "\"next\": \"b\", \"text\": " TX("ក", "A") ",\n"
	    "  \"accept\": {\"type\": \"digits\", \"min\": 1, "
	    "\"max\": 99}},\n"
	    "\"b\": {\"type\": \"end\", \"text\": " TX("{x}", "{x}") "}"),
	    d);
	ck_assert_msg(m != NULL, "%s", tu_diag_all(d));
	menu_free(m);
}
END_TEST

/* {hours} needs a window; with one it is said on a 12-hour clock. */
START_TEST(test_hours_label)
{
	struct menu_limits	 lim = { 182, 80, 0 };
	struct menu_screen	 scr;
	struct menu		*m;
	const struct menu_node	*q, *w;

	expect_error(TREE(MAIN_OK
	    "\"a\": {\"type\": \"input\", \"store\": \"x\", "
	    "\"next\": \"b\", \"text\": " TX("ក", "A") ",\n"
	    "  \"accept\": {\"type\": \"choice\", \"choices\": [\n"
	    "    " OPT("1", "ក {hours}", "A {hours}", "\"value\": \"yes\"")
	    "]}},\n"
	    "\"b\": {\"type\": \"end\", \"text\": " TX("ចប់", "End") "}"),
	    "m.json:18:34: /nodes/a/accept/choices/0/label/km: {hours} needs "
	    "a choice whose value is a window of the roster (morning, "
	    "afternoon, evening)");
	/* Reported once per language, each at its own text. */
	ck_assert(tu_diag_has(d, "m.json:18:53: /nodes/a/accept/choices/0/"
	    "label/en: {hours} needs a choice"));
	ck_assert_uint_eq(diag_count(d), 2);

	diag_free(d);
	d = diag_new();
	m = tu_menu_load_string(REQ_TREE(FILES_Q, "", W_PLAIN), d);
	ck_assert_msg(m != NULL, "%s", tu_diag_all(d));
	q = menu_option_next(menu_node_option(menu_start(m), "1"));
	w = menu_option_next(menu_node_option(q, "2"));
	ck_assert_str_eq(menu_node_id(w), "w");
	ck_assert_int_eq(menu_render(m, w, 0, &lim, 0, NULL, &scr), 0);
	ck_assert_uint_eq(scr.npages, 1);
	ck_assert_str_eq(scr.pages[0], "ពេលណា?\n1. ឥឡូវ (30 នាទី)\n"
	    "2. ព្រឹក 8-12\n3. រសៀល 12-5\n4. ល្ងាច 5-9");
	menu_screen_clear(&scr);
	ck_assert_int_eq(menu_render(m, w, 1, &lim, 0, NULL, &scr), 0);
	ck_assert_int_eq(scr.enc, TEXT_GSM7);
	ck_assert_str_eq(scr.pages[0], "When?\n1. Now (30 min)\n"
	    "2. Morning 8-12\n3. Afternoon 12-5\n4. Evening 5-9");
	menu_screen_clear(&scr);
	menu_free(m);
}
END_TEST

/* A COENG must be followed by the consonant it subscripts. */
START_TEST(test_dangling_coeng)
{
	/* At the end of a text (U+17D2 is the 2nd character). */
	expect_error(TREE(MAIN_OK "\"a\": {\"type\": \"end\", \"text\": "
	    TX("ក\u17d2", "End") "}"), "m.json:16:37: /nodes/a/text/km: a "
	    "COENG (U+17D2) with no consonant after it, at character 2: the "
	    "subscript is lost");
	ck_assert_uint_eq(diag_count(d), 1);
	/* Before a vowel sign (U+17B6), in a label. */
	diag_free(d);
	d = diag_new();
	expect_error(TREE(
	    "\"main\": {\"type\": \"menu\", \"text\": " TX("ក", "A") ",\n"
	    "  \"options\": [\n"
	    "    " OPT("1", "សុវត្ថ្ា", "A", "\"next\": \"a\"") "\n"
	    "  ]},\n" END_A), "m.json:13:34: /nodes/main/options/0/label/km: "
	    "a COENG (U+17D2) with no consonant after it, at character 7");
	ck_assert_uint_eq(diag_count(d), 1);
	/* And in a tree-wide string. */
	diag_free(d);
	d = diag_new();
	expect_error(TREE_STR("  \"main\": " TX("ដើម\u17d2 ", "Main") ",\n",
	    MAIN_OK END_A), "m.json:4:18: /strings/main/km: a COENG (U+17D2) "
	    "with no consonant after it, at character 4");
}
END_TEST

/* The quick exit's text belongs to hotlined.conf, not the menu. */
START_TEST(test_strings_exit)
{
	expect_error(TREE_STR("  \"exit\": " TX("អរគុណ។", "Thanks.") ",\n",
	    MAIN_OK END_A), "m.json:4:3: /strings/exit: the quick exit has "
	    "one text for every language and screen: set \"exit_text\" in "
	    "hotlined.conf instead");
	ck_assert_uint_eq(diag_count(d), 1);
}
END_TEST

/* "hours" has 24 entries; each when_* phrase its own placeholders. */
START_TEST(test_strings_when)
{
	expect_error(TREE_STR("  \"hours\": " TX("{h}|{h}", HOURS_EN) ",\n",
	    MAIN_OK END_A), "m.json:4:19: /strings/hours/km: 24 ways to say "
	    "an hour, 0 to 23, separated by |");
	ck_assert_uint_eq(diag_count(d), 1);
	diag_free(d);
	d = diag_new();
	expect_error(TREE_STR("  \"hours\": " TX(HOURS_KM, "{hh} am") ",\n",
	    MAIN_OK END_A), "/strings/hours/en: 24 ways to say an hour");
	ck_assert(tu_diag_has(d, "/strings/hours/en: {hh} is not a placeholder "
	    "an hour can use"));
	diag_free(d);
	d = diag_new();
	expect_error(TREE_STR("  \"when_within\": " TX("ឆាប់ៗ", "soon")
	    ",\n", MAIN_OK END_A), "m.json:4:25: /strings/when_within/km: "
	    "when_within must say {minutes}");
	ck_assert(tu_diag_has(d, "/strings/when_within/en: when_within must "
	    "say {minutes}"));
	ck_assert_uint_eq(diag_count(d), 2);
	diag_free(d);
	d = diag_new();
	expect_error(TREE_STR("  \"when_day_from\": " TX("{day} {minutes}",
	    "on {day} from {time}") ",\n", MAIN_OK END_A),
	    "/strings/when_day_from/km: {minutes} is not a placeholder "
	    "when_day_from can use");
	ck_assert(tu_diag_has(d, "/strings/when_day_from/km: when_day_from "
	    "must say {time}"));
	ck_assert_uint_eq(diag_count(d), 2);
}
END_TEST

/* The {when} phrase of w in lang, checked and freed. */
static void
when_is(const struct menu *m, size_t lang, const struct menu_when_info *w,
    const char *want)
{
	char	*t;

	t = menu_when_text(m, lang, w);
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(t, want);
	free(t);
}

/* The sample's phrases say times the way people say them. */
START_TEST(test_when_words)
{
	struct menu	*m;
	char		*t;
	size_t		 l;
	int		 k, h;

	m = tu_menu_load_string(TREE_STR(SAMPLE_WHEN, MAIN_OK END_A), d);
	ck_assert_msg(m != NULL, "%s", tu_diag_all(d));
	when_is(m, 1, when(WHEN_WITHIN, 0, 0, 0), "within 30 minutes");
	when_is(m, 1, when(WHEN_TODAY_BEFORE, 21, 0, 1),
	    "today before 9 pm");
	when_is(m, 1, when(WHEN_TONIGHT_BEFORE, 2, 0, 1),
	    "tonight before 2 am");
	when_is(m, 1, when(WHEN_TONIGHT_BEFORE, 0, 0, 1),
	    "tonight before 12 midnight");
	when_is(m, 1, when(WHEN_TODAY_FROM, 12, 0, 1),
	    "today from 12 noon");
	when_is(m, 1, when(WHEN_TOMORROW_FROM, 8, 0, 1),
	    "tomorrow from 8 am");
	when_is(m, 1, when(WHEN_DAY_FROM, 8, 0, 1),
	    "on Monday from 8 am");
	when_is(m, 1, when(WHEN_DAY_FROM, 13, 0, 6),
	    "on Saturday from 1 pm");
	when_is(m, 1, when(WHEN_UNKNOWN, 0, 0, 0), "as soon as we can");
	when_is(m, 1, NULL, "as soon as we can");
	when_is(m, 1, when(WHEN_TODAY_BEFORE, 17, 30, 1),
	    "today before 5:30 pm");

	when_is(m, 0, when(WHEN_WITHIN, 0, 0, 0), "ក្នុងរយៈពេល 30 នាទី");
	when_is(m, 0, when(WHEN_TODAY_BEFORE, 21, 0, 1),
	    "ថ្ងៃនេះ មុនម៉ោង 9 យប់");
	when_is(m, 0, when(WHEN_TONIGHT_BEFORE, 2, 0, 1),
	    "យប់នេះ មុនម៉ោង 2 យប់");
	when_is(m, 0, when(WHEN_TONIGHT_BEFORE, 0, 0, 1),
	    "យប់នេះ មុនម៉ោង 12 យប់");
	when_is(m, 0, when(WHEN_TODAY_FROM, 12, 0, 1),
	    "ថ្ងៃនេះ ចាប់ពីម៉ោង 12 ថ្ងៃត្រង់");
	when_is(m, 0, when(WHEN_TOMORROW_FROM, 8, 0, 1),
	    "ថ្ងៃស្អែក ចាប់ពីម៉ោង 8 ព្រឹក");
	when_is(m, 0, when(WHEN_DAY_FROM, 8, 0, 1),
	    "ថ្ងៃច័ន្ទ ចាប់ពីម៉ោង 8 ព្រឹក");
	when_is(m, 0, when(WHEN_DAY_FROM, 13, 0, 6),
	    "ថ្ងៃសៅរ៍ ចាប់ពីម៉ោង 1 រសៀល");
	when_is(m, 0, when(WHEN_UNKNOWN, 0, 0, 0),
	    "ឆាប់ៗតាមដែលអាចធ្វើបាន");
	when_is(m, 0, when(WHEN_TODAY_BEFORE, 17, 30, 1),
	    "ថ្ងៃនេះ មុនម៉ោង 5:30 ល្ងាច");

	/* No hour is ever "24:00", and every placeholder is filled in. */
	for (l = 0; l < 2; l++)
		for (k = 0; k < WHEN__COUNT; k++)
			for (h = 0; h <= 24; h++) {
				t = menu_when_text(m, l, when((enum when_kind)k,
				    h, h % 2 == 0 ? 0 : 30, h % 7));
				ck_assert_ptr_nonnull(t);
				ck_assert_msg(strstr(t, "24") == NULL,
				    "hour %d: %s", h, t);
				ck_assert_msg(strchr(t, '{') == NULL,
				    "hour %d: %s", h, t);
				free(t);
			}
	menu_free(m);
}
END_TEST

/* Without "hours" a time is HH:MM, midnight 00:00. */
START_TEST(test_when_clock)
{
	struct menu	*m;

	m = tu_menu_load_string(TREE_STR(CB_STRINGS, MAIN_OK END_A), d);
	ck_assert_msg(m != NULL, "%s", tu_diag_all(d));
	when_is(m, 1, when(WHEN_TONIGHT_BEFORE, 0, 0, 1), "by 00:00");
	when_is(m, 1, when(WHEN_TONIGHT_BEFORE, 24, 0, 1), "by 00:00");
	when_is(m, 1, when(WHEN_TODAY_BEFORE, 17, 30, 1), "by 17:30");
	menu_free(m);
}
END_TEST

/* The shipped sample loads, and fits the budget of the test channels. */
START_TEST(test_sample)
{
	struct menu_limits	 lim = { 182, 80, 0 };
	struct menu		*m;
	struct diag		*fit;
	char			*out = NULL, *line, *next, lang[3], enc[8];
	size_t			 len = 0;
	unsigned		 worst, limit;
	FILE			*fp;
	int			 n = 0;

	m = tu_menu_load_file(tu_data("../../conf/menus/main.json"),
	    "main.json", "km", "en", d);
	ck_assert_msg(m != NULL, "%s", tu_diag_all(d));
	ck_assert_uint_eq(diag_count(d), 0);
	ck_assert(menu_has_callback(m));
	fp = open_memstream(&out, &len);
	ck_assert_ptr_nonnull(fp);
	fit = diag_new();
	ck_assert_msg(menu_check_fit(m, &lim, fit, menu_fit_print, fp) == 0, "%s",
	    tu_diag_all(fit));
	diag_free(fit);
	fclose(fp);
	/* "main.json: callback_done [km] UCS-2 76/80 at most, 1 page" */
	for (line = out; line != NULL; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			next++;
		if (strncmp(line, "main.json: callback_done ", 25) != 0)
			continue;
		ck_assert_int_eq(sscanf(line, "main.json: callback_done "
		    "[%2[a-z]] %7s %u/%u at most, 1 page", lang, enc, &worst,
		    &limit), 4);
		if (strcmp(lang, "km") == 0) {
			/* Khmer is the tight one: 80 UCS-2 units. */
			ck_assert_str_eq(enc, "UCS-2");
			ck_assert_uint_eq(limit, 80);
		} else {
			ck_assert_str_eq(lang, "en");
			ck_assert_str_eq(enc, "GSM-7");
			ck_assert_uint_eq(limit, 182);
		}
		ck_assert_uint_gt(worst, 40);
		ck_assert_uint_le(worst, limit);
		n++;
	}
	ck_assert_msg(n == 2, "%s", out);
	free(out);
	menu_free(m);
}
END_TEST

/*
 * A kept screen is what menu_render lays out, the same one each time for
 * the same place and budget, another for another budget, and none for a
 * screen with placeholders.
 */
START_TEST(test_kept_screens)
{
	struct menu_limits		 lim = { 60, 40, 0 };
	struct menu_limits		 wide = { 182, 80, 0 };
	const struct menu_screen	*k, *k2, *kw, *ke;
	struct menu_screen		 scr;
	struct menu			*m;
	const struct menu_node		*n, *v = NULL;
	size_t				 i;

	m = tu_menu_load_file(tu_data("ussd/menus/test.json"), "test.json",
	    "km", "en", d);
	ck_assert_msg(m != NULL, "%s", tu_diag_all(d));
	n = menu_start(m);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(menu_render(m, n, i, &lim,
		    MENU_RENDER_CAN_BACK, NULL, &scr), 0);
		k = menu_screen_of(m, n, i, &lim, MENU_RENDER_CAN_BACK, 0, 0);
		ck_assert_ptr_nonnull(k);
		ck_assert_uint_eq(k->npages, scr.npages);
		ck_assert_int_eq(k->enc, scr.enc);
		ck_assert_uint_eq(k->largest, scr.largest);
		for (size_t p = 0; p < scr.npages; p++)
			ck_assert_str_eq(k->pages[p], scr.pages[p]);
		menu_screen_clear(&scr);
		k2 = menu_screen_of(m, n, i, &lim, MENU_RENDER_CAN_BACK, 0, 7);
		/* The page only counts for error pages. */
		ck_assert_ptr_eq(k, k2);
	}
	/* The error pages of page 1 are menu_render_error's. */
	ck_assert_int_eq(menu_render_error(m, n, 0, &lim, 0, NULL, 1, &scr),
	    0);
	ke = menu_screen_of(m, n, 0, &lim, 0, 1, 1);
	ck_assert_ptr_nonnull(ke);
	ck_assert_uint_eq(ke->npages, scr.npages);
	ck_assert_str_eq(ke->pages[0], scr.pages[0]);
	menu_screen_clear(&scr);
	ck_assert_ptr_ne(ke, menu_screen_of(m, n, 0, &lim, 0, 1, 2));
	/* Another budget is another screen: one page at 80 units. */
	kw = menu_screen_of(m, n, 0, &wide, 0, 0, 0);
	ck_assert_ptr_nonnull(kw);
	ck_assert_ptr_ne(kw, menu_screen_of(m, n, 0, &lim, 0, 0, 0));
	ck_assert_uint_lt(kw->npages, menu_screen_of(m, n, 0, &lim, 0, 0,
	    0)->npages);
	menu_free(m);

	/* The sample's read-back of her number is rendered every time. */
	m = tu_menu_load_file(tu_data("../../conf/menus/main.json"),
	    "main.json", "km", "en", d);
	ck_assert_msg(m != NULL, "%s", tu_diag_all(d));
	for (i = 0; (n = menu_node_at(m, i)) != NULL; i++)
		if (strcmp(menu_node_id(n), "cb_number_ok") == 0)
			v = n;
	ck_assert_ptr_nonnull(v);
	ck_assert_ptr_null(menu_screen_of(m, v, 0, &wide, 0, 0, 0));
	menu_cache_warm(m, &wide);
	ck_assert_ptr_nonnull(menu_screen_of(m, menu_start(m), 0, &wide, 0,
	    0, 0));
	menu_free(m);
}
END_TEST

/* A node name with '/' and '~' is escaped in pointers, and still located. */
START_TEST(test_pointer_escape)
{
	expect_error(TREE(
	    "\"main\": {\"type\": \"menu\", \"text\": " TX("ក", "A") ",\n"
	    "  \"options\": [" OPT("1", "ក", "A", "\"next\": \"a/b~c\"")
	    "]},\n"
	    "\"a/b~c\": {\"type\": \"info\", \"text\": " TX("ក", "A") ",\n"
	    "  \"next\": \"gone\", \"colour\": 1}"),
	    "m.json:13:1: /nodes/a~1b~0c: node id \"a/b~c\" must be made of "
	    "a-z, 0-9 and _");
	ck_assert_msg(tu_diag_has(d, "m.json:14:11: /nodes/a~1b~0c/next: "
	    "\"gone\" is not a node of this tree"), "%s", tu_diag_all(d));
	ck_assert_msg(tu_diag_has(d, "m.json:14:19: /nodes/a~1b~0c/colour: "
	    "unknown member \"colour\""), "%s", tu_diag_all(d));
	ck_assert_uint_eq(diag_count(d), 3);
}
END_TEST

/* Return 1 if line is a whole line of out. */
static int
has_line(const char *out, const char *line)
{
	const char	*p;
	size_t		 n = strlen(line);

	for (p = strstr(out, line); p != NULL; p = strstr(p + 1, line))
		if ((p == out || p[-1] == '\n') && p[n] == '\n')
			return 1;
	return 0;
}

/* The key list of hotlined -k and the manual comes from the tables. */
START_TEST(test_print_keys)
{
	const char	*lines[] = {
		"start                              string   required        "
		"     id of the node every session starts at (not an end or "
		"callback node)",
		"strings.expired                    object   required        "
		"     END text for an unknown or timed-out session; neutral",
		"nodes.NAME.type                    string   required        "
		"     kind of node (numbered options leading elsewhere): menu",
		"nodes.NAME.options[].action        string   -               "
		"     instead of next: next language, quick exit, start node "
		"or back: language|exit|main|back",
		"nodes.NAME.accept.max              integer  required        "
		"     largest number accepted, not below min",
		"nodes.NAME.fields.urgent           string   -               "
		"     store of yes: she is in danger now",
	};
	char		*out = NULL;
	size_t		 len = 0, i;
	FILE		*fp;

	fp = open_memstream(&out, &len);
	ck_assert_ptr_nonnull(fp);
	menu_print_keys(fp, SCHEMA_TEXT);
	fclose(fp);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		ck_assert_msg(has_line(out, lines[i]), "no line \"%s\"",
		    lines[i]);
	/* A key that moved is refused by name, not listed. */
	ck_assert_ptr_null(strstr(out, "strings.exit"));
	free(out);

	/* The manual's list names the same keys with the same help. */
	out = NULL;
	fp = open_memstream(&out, &len);
	ck_assert_ptr_nonnull(fp);
	menu_print_keys(fp, SCHEMA_ROFF);
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(out, "nodes.NAME.accept.choices[].value"));
	ck_assert_ptr_nonnull(strstr(out, "the string kept under the node's "
	    "store"));
	free(out);
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
	tcase_add_test(render, test_kept_screens);
	tcase_add_test(render, test_fit_errors);
	tcase_add_test(render, test_phone_kh);
	tcase_add_test(render, test_callback_text);
	tcase_add_test(load, test_callback_errors);
	tcase_add_test(load, test_request_ok);
	tcase_add_test(load, test_request_errors);
	tcase_add_test(load, test_when_before_request);
	tcase_add_test(load, test_unknown_placeholder);
	tcase_add_test(load, test_plain_texts);
	tcase_add_test(load, test_choice_placeholder);
	tcase_add_test(load, test_dangling_coeng);
	tcase_add_test(load, test_strings_exit);
	tcase_add_test(load, test_strings_when);
	tcase_add_test(load, test_sample);
	tcase_add_test(load, test_pointer_escape);
	tcase_add_test(load, test_print_keys);
	tcase_add_test(render, test_hours_label);
	tcase_add_test(render, test_when_words);
	tcase_add_test(render, test_when_clock);
	suite_add_tcase(s, load);
	suite_add_tcase(s, render);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
