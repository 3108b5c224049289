/* SPDX-License-Identifier: ISC */
/*
 * check_engine: every transition of a conversation over the test tree
 * (tests/data/ussd/menus/test.json): options, invalid choice, language,
 * back, main, quick exit, paging, info chains, and input validation for
 * choices, Cambodian phone numbers and digit ranges (ASCII and Khmer).
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "diag.h"
#include "engine.h"
#include "menu.h"
#include "testutil.h"

static struct menu		*m;
static struct engine		*e;
static struct menu_limits	 lim = { 182, 80 };

/* Load the test tree and start a conversation on it. */
static void
setup(void)
{
	struct diag	*d = diag_new();

	m = tu_menu_load_file(tu_data("ussd/menus/test.json"), "test.json",
	    "km", "en", d);
	ck_assert_msg(m != NULL, "%s", tu_diag_all(d));
	diag_free(d);
	lim.gsm7 = 182;
	lim.ucs2 = 80;
	e = engine_new(m, &lim);
	ck_assert_ptr_nonnull(e);
}

/* Free the conversation and the tree. */
static void
teardown(void)
{
	engine_free(e);
	menu_free(m);
}

/* Apply one input and check the result and the exact screen. */
static void
step(const char *in, enum engine_result want, const char *screen)
{
	enum engine_result	 r;
	char			*text;

	r = engine_input(e, in, &text);
	ck_assert_msg(r == want, "input \"%s\": result %d, want %d", in, r,
	    want);
	ck_assert_str_eq(text, screen);
	free(text);
}

/* Start and check the first screen. */
static void
start(const char *screen)
{
	char	*text;

	ck_assert_int_eq(engine_start(e, &text), ENGINE_CONTINUE);
	ck_assert_str_eq(text, screen);
	free(text);
}

#define MAIN_KM "សូមស្វាគមន៍\n1. ជំនួយបន្ទាន់\n2. សុវត្ថិភាព\n3. ហៅមកវិញ\n" \
	"4. English\n99. ចាកចេញ"
#define MAIN_EN "Welcome\n1. Urgent help\n2. Safety\n3. Call me back\n" \
	"4. ភាសាខ្មែរ\n99. Exit"
#define Q_SAFE_KM "ហៅលេខនេះបានទេ?\n1. បាន\n2. មិនបាន\n0. ថយក្រោយ"
#define Q_WHEN_KM "ពេលណា?\n1. ឥឡូវនេះ\n2. ព្រឹក\n3. ល្ងាច\n0. ថយក្រោយ"
#define Q_NUMBER_KM "វាយលេខដែលមានសុវត្ថិភាព\n0. ថយក្រោយ"
#define Q_AGE_KM "អាយុ?\n0. ថយក្រោយ"

/* An option leading to an END node ends the conversation. */
START_TEST(test_option_end)
{
	start(MAIN_KM);
	step("1", ENGINE_END, "ប៉ូលិស 117");
}
END_TEST

/* An unknown choice re-shows the screen with the error line. */
START_TEST(test_invalid)
{
	start(MAIN_KM);
	step("7", ENGINE_CONTINUE, "ខុស\n" MAIN_KM);
	step("", ENGINE_CONTINUE, "ខុស\n" MAIN_KM);
	step("abc", ENGINE_CONTINUE, "ខុស\n" MAIN_KM);
	/* Then a valid choice works as usual. */
	step("3", ENGINE_CONTINUE, Q_SAFE_KM);
}
END_TEST

/* The language switch holds for the rest of the conversation. */
START_TEST(test_language)
{
	start(MAIN_KM);
	step("4", ENGINE_CONTINUE, MAIN_EN);
	ck_assert_uint_eq(engine_lang(e), 1);
	step("3", ENGINE_CONTINUE,
	    "Can we call this number?\n1. Yes\n2. No\n0. Back");
	step("9", ENGINE_CONTINUE,
	    "Invalid choice.\nCan we call this number?\n1. Yes\n2. No\n0. Back");
	step("00", ENGINE_CONTINUE, MAIN_EN);
	step("4", ENGINE_CONTINUE, MAIN_KM);
	step("99", ENGINE_END, "អរគុណ។");
}
END_TEST

/* Back returns to the previous screen; main to the start, from deep. */
START_TEST(test_back_main)
{
	start(MAIN_KM);
	step("3", ENGINE_CONTINUE, Q_SAFE_KM);
	step("1", ENGINE_CONTINUE, Q_WHEN_KM);
	step("0", ENGINE_CONTINUE, Q_SAFE_KM);
	step("0", ENGINE_CONTINUE, MAIN_KM);
	/* Back on the start screen stays there. */
	step("0", ENGINE_CONTINUE, MAIN_KM);
	step("3", ENGINE_CONTINUE, Q_SAFE_KM);
	step("1", ENGINE_CONTINUE, Q_WHEN_KM);
	step("00", ENGINE_CONTINUE, MAIN_KM);
	step("0", ENGINE_CONTINUE, MAIN_KM);
}
END_TEST

/* The quick exit ends the conversation from any screen. */
START_TEST(test_quick_exit)
{
	start(MAIN_KM);
	step("3", ENGINE_CONTINUE, Q_SAFE_KM);
	step("2", ENGINE_CONTINUE, Q_NUMBER_KM);
	step("99", ENGINE_END, "អរគុណ។");
}
END_TEST

/* Khmer digits are keys like ASCII digits. */
START_TEST(test_khmer_digits)
{
	start(MAIN_KM);
	step("៣", ENGINE_CONTINUE, Q_SAFE_KM);
	step("៩៩", ENGINE_END, "អរគុណ។");
}
END_TEST

/* Paging with "more" and "back" on a small budget. */
START_TEST(test_paging)
{
	lim.ucs2 = 40;
	start("សូមស្វាគមន៍\n1. ជំនួយបន្ទាន់\n98. បន្ទាប់");
	step("98", ENGINE_CONTINUE, "2. សុវត្ថិភាព\n98. បន្ទាប់\n0. ថយក្រោយ");
	ck_assert_uint_eq(engine_page(e), 1);
	step("98", ENGINE_CONTINUE, "3. ហៅមកវិញ\n98. បន្ទាប់\n0. ថយក្រោយ");
	step("98", ENGINE_CONTINUE, "4. English\n99. ចាកចេញ\n0. ថយក្រោយ");
	/* "More" on the last page is not an error: the same page again. */
	step("98", ENGINE_CONTINUE, "4. English\n99. ចាកចេញ\n0. ថយក្រោយ");
	/* A wrong key keeps her on the page she was on, under the error. */
	step("7", ENGINE_CONTINUE,
	    "ខុស\n4. English\n99. ចាកចេញ\n0. ថយក្រោយ");
	step("7", ENGINE_CONTINUE,
	    "ខុស\n4. English\n99. ចាកចេញ\n0. ថយក្រោយ");
	step("0", ENGINE_CONTINUE, "3. ហៅមកវិញ\n98. បន្ទាប់\n0. ថយក្រោយ");
	step("5", ENGINE_CONTINUE,
	    "ខុស\n3. ហៅមកវិញ\n98. បន្ទាប់\n0. ថយក្រោយ");
	step("98", ENGINE_CONTINUE, "4. English\n99. ចាកចេញ\n0. ថយក្រោយ");
	/*
	 * On the first page the error line cannot fit beside option 1 and
	 * both footers (42 of 40 units; hotlined -t warns): the page is shown
	 * as it is rather than not at all.
	 */
	step("00", ENGINE_CONTINUE, "សូមស្វាគមន៍\n1. ជំនួយបន្ទាន់\n98. បន្ទាប់");
	step("7", ENGINE_CONTINUE, "សូមស្វាគមន៍\n1. ជំនួយបន្ទាន់\n98. បន្ទាប់");
	step("98", ENGINE_CONTINUE, "2. សុវត្ថិភាព\n98. បន្ទាប់\n0. ថយក្រោយ");
	/* With two units more it can: the page is split in two under it. */
	lim.ucs2 = 42;
	step("00", ENGINE_CONTINUE, "សូមស្វាគមន៍\n1. ជំនួយបន្ទាន់\n98. បន្ទាប់");
	step("7", ENGINE_CONTINUE, "ខុស\nសូមស្វាគមន៍\n98. បន្ទាប់");
	step("98", ENGINE_CONTINUE, "ខុស\n1. ជំនួយបន្ទាន់\n98. បន្ទាប់\n"
	    "0. ថយក្រោយ");
	step("0", ENGINE_CONTINUE, "ខុស\nសូមស្វាគមន៍\n98. បន្ទាប់");
	step("98", ENGINE_CONTINUE, "ខុស\n1. ជំនួយបន្ទាន់\n98. បន្ទាប់\n"
	    "0. ថយក្រោយ");
	step("98", ENGINE_CONTINUE, "2. សុវត្ថិភាព\n98. បន្ទាប់\n0. ថយក្រោយ");
	lim.ucs2 = 40;
	/*
	 * An option listed on another page can still be chosen. The footers
	 * leave 17 units: the question (14) fits, "1. បាន" (1 + 6) does not.
	 */
	step("3", ENGINE_CONTINUE, "ហៅលេខនេះបានទេ?\n98. បន្ទាប់\n0. ថយក្រោយ");
	step("98", ENGINE_CONTINUE, "1. បាន\n2. មិនបាន\n0. ថយក្រោយ");
}
END_TEST

/* An info text pages, then "more" follows its next node. */
START_TEST(test_info_chain)
{
	char	*text;

	start(MAIN_KM);
	ck_assert_int_eq(engine_input(e, "2", &text), ENGINE_CONTINUE);
	ck_assert_str_eq(engine_node_id(e), "tips");
	ck_assert_ptr_nonnull(strstr(text, "98. បន្ទាប់"));
	ck_assert_uint_le(tu_utf16_units(text), 80);
	free(text);
	ck_assert_int_eq(engine_input(e, "98", &text), ENGINE_CONTINUE);
	ck_assert_uint_eq(engine_page(e), 1);
	ck_assert_str_eq(engine_node_id(e), "tips");
	free(text);
	step("98", ENGINE_CONTINUE, "លុបសារ។\n0. ថយក្រោយ");
	ck_assert_str_eq(engine_node_id(e), "tips2");
	/* Back returns to the page we left. */
	ck_assert_int_eq(engine_input(e, "0", &text), ENGINE_CONTINUE);
	ck_assert_str_eq(engine_node_id(e), "tips");
	ck_assert_uint_eq(engine_page(e), 1);
	free(text);
	/* An info screen takes no other input. */
	ck_assert_int_eq(engine_input(e, "1", &text), ENGINE_CONTINUE);
	ck_assert(strncmp(text, "ខុស\n", strlen("ខុស\n")) == 0);
	free(text);
}
END_TEST

/* Choices store their value; phone and digit answers are validated. */
START_TEST(test_inputs)
{
	start(MAIN_KM);
	step("3", ENGINE_CONTINUE, Q_SAFE_KM);
	step("2", ENGINE_CONTINUE, Q_NUMBER_KM);
	ck_assert_str_eq(engine_answer(e, "safe_to_call"), "no");
	step("1234", ENGINE_CONTINUE, "ខុស\n" Q_NUMBER_KM);
	ck_assert_ptr_null(engine_answer(e, "safe_number"));
	step("០១២ ៣៤៥ ៦៧៨", ENGINE_CONTINUE, Q_WHEN_KM);
	ck_assert_str_eq(engine_answer(e, "safe_number"), "+85512345678");
	step("4", ENGINE_CONTINUE, "ខុស\n" Q_WHEN_KM);
	step("2", ENGINE_CONTINUE, Q_AGE_KM);
	ck_assert_str_eq(engine_answer(e, "when"), "morning");
	step("11", ENGINE_CONTINUE, "ខុស\n" Q_AGE_KM);
	step("100", ENGINE_CONTINUE, "ខុស\n" Q_AGE_KM);
	step("3x", ENGINE_CONTINUE, "ខុស\n" Q_AGE_KM);
	step("៣៥", ENGINE_END, "អរគុណ។ រួចរាល់។");
	ck_assert_str_eq(engine_answer(e, "age"), "35");
}
END_TEST

/* Answering a question again replaces the earlier answer. */
START_TEST(test_answer_again)
{
	start(MAIN_KM);
	step("3", ENGINE_CONTINUE, Q_SAFE_KM);
	step("2", ENGINE_CONTINUE, Q_NUMBER_KM);
	step("0", ENGINE_CONTINUE, Q_SAFE_KM);
	step("1", ENGINE_CONTINUE, Q_WHEN_KM);
	ck_assert_str_eq(engine_answer(e, "safe_to_call"), "yes");
}
END_TEST

/* A callback node stops the walk until the store answers. */
START_TEST(test_callback)
{
	struct menu_when_info	 w;
	struct diag		*dg = diag_new();
	struct menu		*cm;
	struct engine		*ce;
	char			*text;

	cm = tu_menu_load_file(tu_data("callback/menus/cb.json"), "cb.json",
	    "en", "km", dg);
	ck_assert_msg(cm != NULL, "%s", tu_diag_all(dg));
	ce = engine_new(cm, &lim);
	ck_assert_int_eq(engine_start(ce, &text), ENGINE_CONTINUE);
	free(text);
	ck_assert_int_eq(engine_input(ce, "1", &text), ENGINE_CONTINUE);
	free(text);
	ck_assert_int_eq(engine_input(ce, "2", &text), ENGINE_CONTINUE);
	free(text);
	/* Outside a callback node there is nothing to record. */
	ck_assert_ptr_null(engine_callback_field(ce, MENU_CB_WINDOW));
	ck_assert_ptr_null(engine_request(ce));
	ck_assert_int_eq(engine_stored(ce, ENGINE_SAVED, NULL, &text),
	    ENGINE_ERROR);
	ck_assert_int_eq(engine_input(ce, "០១២៣៤៥៦៧៨", &text), ENGINE_CONTINUE);
	free(text);
	ck_assert_int_eq(engine_input(ce, "4", &text), ENGINE_CONTINUE);
	free(text);
	ck_assert_int_eq(engine_input(ce, "2", &text), ENGINE_CONTINUE);
	free(text);
	/* The last answer reaches the callback node: no text yet. */
	text = (char *)"unset";
	ck_assert_int_eq(engine_input(ce, "1", &text), ENGINE_STORE);
	ck_assert_ptr_null(text);
	ck_assert(engine_final(ce));
	ck_assert_ptr_nonnull(engine_request(ce));
	ck_assert_str_eq(engine_node_id(ce), "cb_done");
	ck_assert_str_eq(engine_callback_field(ce, MENU_CB_SAFE_TO_CALL),
	    "no");
	ck_assert_str_eq(engine_callback_field(ce, MENU_CB_SAFE_NUMBER),
	    "+85512345678");
	ck_assert_str_eq(engine_callback_field(ce, MENU_CB_WINDOW), "evening");
	ck_assert_str_eq(engine_callback_field(ce, MENU_CB_COVER),
	    "health_survey");
	ck_assert_str_eq(engine_callback_field(ce, MENU_CB_URGENT), "yes");
	ck_assert_ptr_null(engine_callback_field(ce, MENU_CB_PROVINCE));
	memset(&w, 0, sizeof(w));
	w.kind = MENU_WHEN_TOMORROW_FROM;
	w.hour = 17;
	w.wday = 2;
	ck_assert_int_eq(engine_stored(ce, ENGINE_SAVED, &w, &text),
	    ENGINE_END);
	ck_assert_str_eq(text, "A counsellor will call you tomorrow from "
	    "17:00.");
	free(text);
	/* Not stored: an honest failure text, never a promise. */
	w.kind = MENU_WHEN_TODAY_BEFORE;
	ck_assert_int_eq(engine_stored(ce, ENGINE_NOT_FILED, &w, &text),
	    ENGINE_END);
	ck_assert_str_eq(text, "Sorry, we could not record it. Call 117 if "
	    "in danger.");
	free(text);
	engine_free(ce);
	menu_free(cm);
	diag_free(dg);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("engine");
	TCase	*tc = tcase_create("transitions");
	SRunner	*sr;
	int	 failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_option_end);
	tcase_add_test(tc, test_invalid);
	tcase_add_test(tc, test_language);
	tcase_add_test(tc, test_back_main);
	tcase_add_test(tc, test_quick_exit);
	tcase_add_test(tc, test_khmer_digits);
	tcase_add_test(tc, test_paging);
	tcase_add_test(tc, test_info_chain);
	tcase_add_test(tc, test_inputs);
	tcase_add_test(tc, test_answer_again);
	tcase_add_test(tc, test_callback);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
