/* SPDX-License-Identifier: ISC */
/*
 * check_engine: every transition of a conversation over the test tree
 * (tests/data/ussd/menus/test.json): options, invalid choice, language,
 * back, main, quick exit, paging, info chains, and input validation for
 * choices, Cambodian phone numbers and digit ranges (ASCII and Khmer).
 * Over an inline journey tree: the request filed by a "request" answer,
 * the store steps after it and their failures, {when} and read-back
 * screens, error pages that keep her place, and the main-menu footer.
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
static struct menu_limits	 lim = { 182, 80, 0 };

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
	const char		*text;

	r = engine_input(e, in, &text);
	ck_assert_msg(r == want, "input \"%s\": result %d, want %d", in, r,
	    want);
	ck_assert_str_eq(text, screen);
}

/* Start and check the first screen. */
static void
start(const char *screen)
{
	const char	*text;

	ck_assert_int_eq(engine_start(e, &text), ENGINE_CONTINUE);
	ck_assert_str_eq(text, screen);
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
	const char	*text;

	start(MAIN_KM);
	ck_assert_int_eq(engine_input(e, "2", &text), ENGINE_CONTINUE);
	ck_assert_str_eq(engine_node_id(e), "tips");
	ck_assert_ptr_nonnull(strstr(text, "98. បន្ទាប់"));
	ck_assert_uint_le(tu_utf16_units(text), 80);
	ck_assert_int_eq(engine_input(e, "98", &text), ENGINE_CONTINUE);
	ck_assert_uint_eq(engine_page(e), 1);
	ck_assert_str_eq(engine_node_id(e), "tips");
	step("98", ENGINE_CONTINUE, "លុបសារ។\n0. ថយក្រោយ");
	ck_assert_str_eq(engine_node_id(e), "tips2");
	/* Back returns to the page we left. */
	ck_assert_int_eq(engine_input(e, "0", &text), ENGINE_CONTINUE);
	ck_assert_str_eq(engine_node_id(e), "tips");
	ck_assert_uint_eq(engine_page(e), 1);
	/* An info screen takes no other input. */
	ck_assert_int_eq(engine_input(e, "1", &text), ENGINE_CONTINUE);
	ck_assert(strncmp(text, "ខុស\n", strlen("ខុស\n")) == 0);
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
	const char		*text;

	cm = tu_menu_load_file(tu_data("callback/menus/cb.json"), "cb.json",
	    "en", "km", dg);
	ck_assert_msg(cm != NULL, "%s", tu_diag_all(dg));
	ce = engine_new(cm, &lim);
	ck_assert_int_eq(engine_start(ce, &text), ENGINE_CONTINUE);
	ck_assert_int_eq(engine_input(ce, "1", &text), ENGINE_CONTINUE);
	ck_assert_int_eq(engine_input(ce, "2", &text), ENGINE_CONTINUE);
	/* Outside a callback node there is nothing to record. */
	ck_assert_ptr_null(engine_callback_field(ce, MENU_CB_WINDOW));
	ck_assert_ptr_null(engine_request(ce));
	ck_assert_int_eq(engine_stored(ce, ENGINE_SAVED, NULL, &text),
	    ENGINE_ERROR);
	ck_assert_int_eq(engine_input(ce, "០១២៣៤៥៦៧៨", &text), ENGINE_CONTINUE);
	ck_assert_int_eq(engine_input(ce, "4", &text), ENGINE_CONTINUE);
	ck_assert_int_eq(engine_input(ce, "2", &text), ENGINE_CONTINUE);
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
	w.kind = WHEN_TOMORROW_FROM;
	w.hour = 17;
	w.wday = 2;
	ck_assert_int_eq(engine_stored(ce, ENGINE_SAVED, &w, &text),
	    ENGINE_END);
	ck_assert_str_eq(text, "A counsellor will call you tomorrow from "
	    "17:00.");
	/* Not stored: an honest failure text, never a promise. */
	w.kind = WHEN_TODAY_BEFORE;
	ck_assert_int_eq(engine_stored(ce, ENGINE_NOT_FILED, &w, &text),
	    ENGINE_END);
	ck_assert_str_eq(text, "Sorry, we could not record it. Call 117 if "
	    "in danger.");
	engine_free(ce);
	menu_free(cm);
	diag_free(dg);
}
END_TEST

/* A translated text, and an option or choice with its label. */
#define TX(KM, EN)	"{\"km\": \"" KM "\", \"en\": \"" EN "\"}"
#define OPT(KEY, KM, EN, REST) \
	"{\"key\": \"" KEY "\", \"label\": " TX(KM, EN) ", " REST "}"

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

/*
 * The journey tree: the request is filed by cb_danger (every answer) or by
 * the first choice of ask; cb_urgent says {when} after filing; cb_number
 * is read back by cb_number_ok; prov pages under a small budget and has
 * its own error line; tips -> tips2 is an info chain.
 */
#define FLOW \
	"{\"start\": \"main\", \"strings\": {\n" \
	"\"invalid\": " TX("ខុស", "Invalid.") ",\n" \
	"\"more\": " TX("បន្ទាប់", "More") ",\n" \
	"\"back\": " TX("ថយក្រោយ", "Back") ",\n" \
	"\"main\": " TX("ម៉ឺនុយដើម", "Main menu") ",\n" \
	"\"expired\": " TX("ម្ដងទៀត។", "Dial again.") ",\n" \
	"\"hours\": " TX(HOURS_KM, HOURS_EN) ",\n" \
	"\"when_within\": " TX("ក្នុងរយៈពេល {minutes} នាទី", \
	    "within {minutes} minutes") ",\n" \
	"\"when_today_before\": " TX("ថ្ងៃនេះ មុន{time}", \
	    "today before {time}") ",\n" \
	"\"when_tonight_before\": " TX("យប់នេះ មុន{time}", \
	    "tonight before {time}") ",\n" \
	"\"when_today_from\": " TX("ថ្ងៃនេះ ចាប់ពី{time}", \
	    "today from {time}") ",\n" \
	"\"when_tomorrow_from\": " TX("ថ្ងៃស្អែក ចាប់ពី{time}", \
	    "tomorrow from {time}") ",\n" \
	"\"when_day_from\": " TX("ថ្ងៃ{day} ចាប់ពី{time}", \
	    "on {day} from {time}") ",\n" \
	"\"when_unknown\": " TX("ឆាប់ៗតាមដែលអាចធ្វើបាន", \
	    "as soon as we can") ",\n" \
	"\"days\": " TX("អាទិត្យ|ច័ន្ទ|អង្គារ|ពុធ|ព្រហស្បតិ៍|សុក្រ|សៅរ៍", \
	    "Sunday|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday") "\n" \
	"}, \"nodes\": {\n" \
	"\"main\": {\"type\": \"menu\", \"text\": " \
	    TX("សូមស្វាគមន៍", "Welcome") ", \"options\": [\n" \
	    OPT("1", "ហៅមកវិញ", "Call me back", "\"next\": \"cb_safe\"") ",\n" \
	    OPT("2", "គន្លឹះ", "Tips", "\"next\": \"tips\"") ",\n" \
	    OPT("3", "ខេត្ត", "Province", "\"next\": \"prov\"") ",\n" \
	    OPT("4", "សួរ", "Ask", "\"next\": \"ask\"") ",\n" \
	    OPT("5", "English", "ភាសាខ្មែរ", "\"action\": \"language\"") ",\n" \
	    OPT("99", "ចាកចេញ", "Exit", "\"action\": \"exit\"") "]},\n" \
	"\"cb_safe\": {\"type\": \"input\", \"store\": \"safe_to_call\", " \
	    "\"text\": " TX("ហៅលេខនេះបានទេ?", "Can we call this number?") \
	    ", \"accept\": {\"type\": \"choice\", \"choices\": [\n" \
	    OPT("1", "បាន", "Yes", "\"value\": \"yes\", " \
	    "\"next\": \"cb_danger\"") ",\n" \
	    OPT("2", "មិនបាន", "No", "\"value\": \"no\", " \
	    "\"next\": \"cb_number\"") "]}},\n" \
	"\"cb_number\": {\"type\": \"input\", " \
	    "\"store\": \"callback_number\", " \
	    "\"text\": " TX("វាយលេខ", "Type a number") ", " \
	    "\"invalid\": " TX("លេខខុស ឧ. 012345678", \
	    "Not a number, e.g. 012345678") ", " \
	    "\"accept\": {\"type\": \"phone_kh\"}, " \
	    "\"next\": \"cb_number_ok\"},\n" \
	"\"cb_number_ok\": {\"type\": \"input\", \"store\": \"number_ok\", " \
	    "\"text\": " TX("{callback_number}\\nត្រឹមត្រូវទេ?", \
	    "{callback_number}\\nIs this right?") \
	    ", \"accept\": {\"type\": \"choice\", \"choices\": [\n" \
	    OPT("1", "ត្រឹមត្រូវ", "Correct", "\"value\": \"yes\", " \
	    "\"next\": \"cb_danger\"") ",\n" \
	    OPT("2", "ប្ដូរ", "Change", "\"value\": \"no\", " \
	    "\"next\": \"cb_number\"") "]}},\n" \
	"\"cb_danger\": {\"type\": \"input\", \"store\": \"urgent\", " \
	    "\"request\": \"cb_done\", " \
	    "\"text\": " TX("គ្រោះថ្នាក់ទេ?", "In danger now?") \
	    ", \"accept\": {\"type\": \"choice\", \"choices\": [\n" \
	    OPT("1", "មាន", "Yes", "\"value\": \"yes\", " \
	    "\"next\": \"cb_urgent\"") ",\n" \
	    OPT("2", "មិនមាន", "No", "\"value\": \"no\", " \
	    "\"next\": \"cb_when\"") "]}},\n" \
	"\"cb_urgent\": {\"type\": \"menu\", " \
	    "\"text\": " TX("យើងហៅ {when}។", "We call {when}.") \
	    ", \"options\": [\n" \
	    OPT("1", "បន្ត", "OK", "\"next\": \"cb_when\"") ",\n" \
	    OPT("2", "English", "ភាសាខ្មែរ", "\"action\": \"language\"") \
	    "]},\n" \
	"\"cb_when\": {\"type\": \"input\", \"store\": \"window\", " \
	    "\"text\": " TX("ពេលណា?", "When?") ", \"next\": \"cb_cover\", " \
	    "\"accept\": {\"type\": \"choice\", \"choices\": [\n" \
	    OPT("1", "ឥឡូវ", "Now", "\"value\": \"now\"") ",\n" \
	    OPT("2", "ព្រឹក", "Morning", "\"value\": \"morning\"") ",\n" \
	    OPT("3", "ល្ងាច", "Evening", "\"value\": \"evening\"") "]}},\n" \
	"\"cb_cover\": {\"type\": \"input\", \"store\": \"cover\", " \
	    "\"text\": " TX("បើអ្នកផ្សេងលើក?", "If someone else answers?") \
	    ", \"next\": \"cb_done\", " \
	    "\"accept\": {\"type\": \"choice\", \"choices\": [\n" \
	    OPT("1", "ខុសលេខ", "Wrong number", "\"value\": \"wrong\"") ",\n" \
	    OPT("2", "ស្ទង់មតិ", "Survey", "\"value\": \"survey\"") "]}},\n" \
	"\"cb_done\": {\"type\": \"callback\", \"fields\": {" \
	    "\"safe_to_call\": \"safe_to_call\", " \
	    "\"safe_number\": \"callback_number\", \"window\": \"window\", " \
	    "\"cover\": \"cover\", \"urgent\": \"urgent\"}, " \
	    "\"text\": " TX("យើងនឹងហៅ {when}។", "We will call {when}.") ", " \
	    "\"failed\": " TX("សូមទោស។ ហៅ 117។", "Sorry. Call 117.") "},\n" \
	"\"ask\": {\"type\": \"input\", \"store\": \"asked\", " \
	    "\"text\": " TX("ចង់ឱ្យហៅទេ?", "Shall we call?") \
	    ", \"accept\": {\"type\": \"choice\", \"choices\": [\n" \
	    OPT("1", "ចង់", "Yes", "\"value\": \"yes\", " \
	    "\"request\": \"cb_done\", \"next\": \"cb_when\"") ",\n" \
	    OPT("2", "មិនចង់", "No", "\"value\": \"no\", " \
	    "\"next\": \"tips\"") "]}},\n" \
	"\"tips\": {\"type\": \"info\", \"next\": \"tips2\", " \
	    "\"text\": " TX("លុបសារ។", "Delete messages.") "},\n" \
	"\"tips2\": {\"type\": \"info\", " \
	    "\"text\": " TX("លាក់ទូរស័ព្ទ។", "Hide your phone.") "},\n" \
	"\"prov\": {\"type\": \"input\", \"store\": \"province\", " \
	    "\"text\": " TX("ខេត្តណា?", "Which province?") ", " \
	    "\"invalid\": " TX("ជ្រើស 1-6", "Choose 1 to 6.") ", " \
	    "\"next\": \"bye\", " \
	    "\"accept\": {\"type\": \"choice\", \"choices\": [\n" \
	    OPT("1", "ភ្នំពេញ", "Phnom Penh", "\"value\": \"KH-12\"") ",\n" \
	    OPT("2", "កណ្ដាល", "Kandal", "\"value\": \"KH-8\"") ",\n" \
	    OPT("3", "សៀមរាប", "Siem Reap", "\"value\": \"KH-17\"") ",\n" \
	    OPT("4", "បាត់ដំបង", "Battambang", "\"value\": \"KH-2\"") ",\n" \
	    OPT("5", "តាកែវ", "Takeo", "\"value\": \"KH-21\"") ",\n" \
	    OPT("6", "កំពត", "Kampot", "\"value\": \"KH-7\"") "]}},\n" \
	"\"bye\": {\"type\": \"end\", " \
	    "\"text\": " TX("អរគុណ។ រួចរាល់។", "Thank you. Done.") "}\n" \
	"}}\n"

/* Load the journey tree and start a conversation on it. */
static void
setup_flow(void)
{
	struct diag	*d = diag_new();

	m = tu_menu_load_string(FLOW, d);
	ck_assert_msg(m != NULL, "%s", tu_diag_all(d));
	diag_free(d);
	lim.gsm7 = 182;
	lim.ucs2 = 80;
	e = engine_new(m, &lim);
	ck_assert_ptr_nonnull(e);
}

/* Free the conversation, the tree and its temporary file. */
static void
teardown_flow(void)
{
	engine_free(e);
	menu_free(m);
	tu_cleanup();
}

/* Apply one input that must ask for a store step (no text). */
static void
step_store(const char *in, const char *node)
{
	const char	*text = "unset";

	ck_assert_int_eq(engine_input(e, in, &text), ENGINE_STORE);
	ck_assert_ptr_null(text);
	ck_assert_str_eq(engine_node_id(e), node);
	ck_assert_ptr_nonnull(engine_request(e));
	ck_assert_str_eq(menu_node_id(engine_request(e)), "cb_done");
}

/* Finish a store step and check the result and the exact screen. */
static void
stored(enum engine_saved saved, const struct menu_when_info *w,
    enum engine_result want, const char *screen)
{
	enum engine_result	 r;
	const char		*text;

	r = engine_stored(e, saved, w, &text);
	ck_assert_msg(r == want, "stored %d: result %d, want %d", saved, r,
	    want);
	ck_assert_str_eq(text, screen);
}

/* A when info (static: one at a time). */
static const struct menu_when_info *
when(enum when_kind kind, int hour, int minute, int wday, int minutes)
{
	static struct menu_when_info	 w;

	memset(&w, 0, sizeof(w));
	w.kind = kind;
	w.hour = hour;
	w.minute = minute;
	w.wday = wday;
	w.minutes = minutes;
	return &w;
}

#define F_MAIN_KM "សូមស្វាគមន៍\n1. ហៅមកវិញ\n2. គន្លឹះ\n3. ខេត្ត\n4. សួរ\n" \
	"5. English\n99. ចាកចេញ"
#define F_MAIN_EN "Welcome\n1. Call me back\n2. Tips\n3. Province\n4. Ask\n" \
	"5. ភាសាខ្មែរ\n99. Exit"
#define F_SAFE_KM "ហៅលេខនេះបានទេ?\n1. បាន\n2. មិនបាន\n0. ថយក្រោយ"
#define F_DANGER_KM "គ្រោះថ្នាក់ទេ?\n1. មាន\n2. មិនមាន\n0. ថយក្រោយ"
#define F_WHEN_KM "ពេលណា?\n1. ឥឡូវ\n2. ព្រឹក\n3. ល្ងាច\n0. ថយក្រោយ"
#define F_COVER_KM "បើអ្នកផ្សេងលើក?\n1. ខុសលេខ\n2. ស្ទង់មតិ\n0. ថយក្រោយ"
#define F_NUMBER_KM "វាយលេខ\n0. ថយក្រោយ"

/* Main menu -> call me back -> safe to call: on the danger question. */
static void
to_danger(void)
{
	start(F_MAIN_KM);
	step("1", ENGINE_CONTINUE, F_SAFE_KM);
	step("1", ENGINE_CONTINUE, F_DANGER_KM);
	ck_assert_ptr_null(engine_request(e));
}

/* The "request" answer files, later answers update, the node confirms. */
START_TEST(test_request_files)
{
	to_danger();
	/* Filing: nothing shown until the row is stored. */
	step_store("2", "cb_when");
	ck_assert_int_eq(menu_node_kind(engine_request(e)),
	    MENU_NODE_CALLBACK);
	ck_assert(!engine_final(e));
	ck_assert_str_eq(engine_callback_field(e, MENU_CB_URGENT), "no");
	stored(ENGINE_SAVED, when(WHEN_TODAY_BEFORE, 21, 0, 1, 0),
	    ENGINE_CONTINUE, F_WHEN_KM);
	/* A later answer updates the row before its next screen. */
	step_store("2", "cb_cover");
	ck_assert(!engine_final(e));
	ck_assert_str_eq(engine_callback_field(e, MENU_CB_WINDOW), "morning");
	stored(ENGINE_SAVED, NULL, ENGINE_CONTINUE, F_COVER_KM);
	/* The callback node: the confirmation from the when given. */
	step_store("1", "cb_done");
	ck_assert(engine_final(e));
	ck_assert_str_eq(engine_callback_field(e, MENU_CB_SAFE_TO_CALL),
	    "yes");
	ck_assert_ptr_null(engine_callback_field(e, MENU_CB_SAFE_NUMBER));
	ck_assert_str_eq(engine_callback_field(e, MENU_CB_COVER), "wrong");
	stored(ENGINE_SAVED, when(WHEN_TOMORROW_FROM, 8, 0, 2, 0),
	    ENGINE_END, "យើងនឹងហៅ ថ្ងៃស្អែក ចាប់ពីម៉ោង 8 ព្រឹក។");
	ck_assert(!engine_exited(e));
}
END_TEST

/* A "request" on one choice files on that choice only. */
START_TEST(test_request_choice)
{
	start(F_MAIN_KM);
	step("4", ENGINE_CONTINUE, "ចង់ឱ្យហៅទេ?\n1. ចង់\n2. មិនចង់\n"
	    "0. ថយក្រោយ");
	/* The other choice is an ordinary answer. */
	step("2", ENGINE_CONTINUE, "លុបសារ។\n98. បន្ទាប់\n00. ម៉ឺនុយដើម\n"
	    "0. ថយក្រោយ");
	ck_assert_ptr_null(engine_request(e));
	ck_assert_str_eq(engine_answer(e, "asked"), "no");
	step("0", ENGINE_CONTINUE, "ចង់ឱ្យហៅទេ?\n1. ចង់\n2. មិនចង់\n"
	    "0. ថយក្រោយ");
	step_store("1", "cb_when");
	stored(ENGINE_SAVED, when(WHEN_WITHIN, 0, 0, 0, 30),
	    ENGINE_CONTINUE, F_WHEN_KM);
}
END_TEST

/* A store step that failed: honest END texts, or the journey goes on. */
START_TEST(test_request_failed)
{
	/* The filing answer could not be stored: nothing is promised. */
	to_danger();
	step_store("2", "cb_when");
	stored(ENGINE_NOT_FILED, when(WHEN_WITHIN, 0, 0, 0, 30),
	    ENGINE_END, "សូមទោស។ ហៅ 117។");
	engine_free(e);

	/* In English: an update that failed goes on; the last one does not. */
	e = engine_new(m, &lim);
	ck_assert_ptr_nonnull(e);
	start(F_MAIN_KM);
	step("5", ENGINE_CONTINUE, F_MAIN_EN);
	step("1", ENGINE_CONTINUE, "Can we call this number?\n1. Yes\n2. No\n"
	    "0. Back");
	step("1", ENGINE_CONTINUE, "In danger now?\n1. Yes\n2. No\n0. Back");
	step_store("2", "cb_when");
	stored(ENGINE_SAVED, when(WHEN_WITHIN, 0, 0, 0, 30),
	    ENGINE_CONTINUE, "When?\n1. Now\n2. Morning\n3. Evening\n0. Back");
	step_store("3", "cb_cover");
	stored(ENGINE_SAVE_FAILED, NULL, ENGINE_CONTINUE,
	    "If someone else answers?\n1. Wrong number\n2. Survey\n0. Back");
	step_store("2", "cb_done");
	stored(ENGINE_SAVE_FAILED, NULL, ENGINE_END, "Sorry. Call 117.");
	engine_free(e);

	/* Nothing filed at the callback node: the failed text too. */
	e = engine_new(m, &lim);
	ck_assert_ptr_nonnull(e);
	to_danger();
	step_store("2", "cb_when");
	stored(ENGINE_SAVED, NULL, ENGINE_CONTINUE, F_WHEN_KM);
	step_store("1", "cb_cover");
	stored(ENGINE_SAVED, NULL, ENGINE_CONTINUE, F_COVER_KM);
	step_store("1", "cb_done");
	stored(ENGINE_NOT_FILED, NULL, ENGINE_END, "សូមទោស។ ហៅ 117។");
}
END_TEST

/* The quick exit after filing ends the session; the request stays. */
START_TEST(test_request_exit)
{
	to_danger();
	step_store("2", "cb_when");
	stored(ENGINE_SAVED, when(WHEN_WITHIN, 0, 0, 0, 30),
	    ENGINE_CONTINUE, F_WHEN_KM);
	ck_assert(!engine_exited(e));
	step("99", ENGINE_END, "អរគុណ។");
	ck_assert(engine_exited(e));
	ck_assert_ptr_nonnull(engine_request(e));
	ck_assert_str_eq(menu_node_id(engine_request(e)), "cb_done");
	ck_assert_str_eq(engine_callback_field(e, MENU_CB_URGENT), "no");
	ck_assert_str_eq(engine_callback_field(e, MENU_CB_SAFE_TO_CALL),
	    "yes");
}
END_TEST

/* A screen after filing says {when} as stored, in either language. */
START_TEST(test_request_when)
{
	to_danger();
	step_store("1", "cb_urgent");
	stored(ENGINE_SAVED, when(WHEN_WITHIN, 0, 0, 0, 30),
	    ENGINE_CONTINUE, "យើងហៅ ក្នុងរយៈពេល 30 នាទី។\n1. បន្ត\n"
	    "2. English\n00. ម៉ឺនុយដើម\n0. ថយក្រោយ");
	step("2", ENGINE_CONTINUE, "We call within 30 minutes.\n1. OK\n"
	    "2. ភាសាខ្មែរ\n00. Main menu\n0. Back");
	/* A wrong key shows it again, the phrase still filled in. */
	step("7", ENGINE_CONTINUE, "Invalid.\nWe call within 30 minutes.\n"
	    "1. OK\n2. ភាសាខ្មែរ\n00. Main menu\n0. Back");
	step("2", ENGINE_CONTINUE, "យើងហៅ ក្នុងរយៈពេល 30 នាទី។\n1. បន្ត\n"
	    "2. English\n00. ម៉ឺនុយដើម\n0. ថយក្រោយ");
	step("2", ENGINE_CONTINUE, "We call within 30 minutes.\n1. OK\n"
	    "2. ភាសាខ្មែរ\n00. Main menu\n0. Back");
	step("1", ENGINE_CONTINUE, "When?\n1. Now\n2. Morning\n3. Evening\n"
	    "0. Back");
	/* A store step without a new when keeps the last one. */
	step_store("3", "cb_cover");
	stored(ENGINE_SAVED, NULL, ENGINE_CONTINUE,
	    "If someone else answers?\n1. Wrong number\n2. Survey\n0. Back");
	step("0", ENGINE_CONTINUE, "When?\n1. Now\n2. Morning\n3. Evening\n"
	    "0. Back");
	step("0", ENGINE_CONTINUE, "We call within 30 minutes.\n1. OK\n"
	    "2. ភាសាខ្មែរ\n00. Main menu\n0. Back");
	step("1", ENGINE_CONTINUE, "When?\n1. Now\n2. Morning\n3. Evening\n"
	    "0. Back");
	/* A new when from a store step shows on the screens after it. */
	step_store("3", "cb_cover");
	stored(ENGINE_SAVED, when(WHEN_TODAY_FROM, 17, 30, 1, 0),
	    ENGINE_CONTINUE,
	    "If someone else answers?\n1. Wrong number\n2. Survey\n0. Back");
	step("0", ENGINE_CONTINUE, "When?\n1. Now\n2. Morning\n3. Evening\n"
	    "0. Back");
	step("0", ENGINE_CONTINUE, "We call today from 5:30 pm.\n1. OK\n"
	    "2. ភាសាខ្មែរ\n00. Main menu\n0. Back");
	step("2", ENGINE_CONTINUE, "យើងហៅ ថ្ងៃនេះ ចាប់ពីម៉ោង 5:30 ល្ងាច។\n"
	    "1. បន្ត\n2. English\n00. ម៉ឺនុយដើម\n0. ថយក្រោយ");
	step("1", ENGINE_CONTINUE, F_WHEN_KM);
	step_store("1", "cb_cover");
	stored(ENGINE_SAVED, NULL, ENGINE_CONTINUE, F_COVER_KM);
	step_store("2", "cb_done");
	stored(ENGINE_SAVED, NULL, ENGINE_END,
	    "យើងនឹងហៅ ថ្ងៃនេះ ចាប់ពីម៉ោង 5:30 ល្ងាច។");
}
END_TEST

/* A typed phone number is read back grouped as it is said. */
START_TEST(test_read_back)
{
	start(F_MAIN_KM);
	step("1", ENGINE_CONTINUE, F_SAFE_KM);
	step("2", ENGINE_CONTINUE, F_NUMBER_KM);
	/* Its own error line, not strings.invalid. */
	step("123", ENGINE_CONTINUE, "លេខខុស ឧ. 012345678\n" F_NUMBER_KM);
	step("012999888", ENGINE_CONTINUE, "012 999 888\nត្រឹមត្រូវទេ?\n"
	    "1. ត្រឹមត្រូវ\n2. ប្ដូរ\n0. ថយក្រោយ");
	ck_assert_str_eq(engine_answer(e, "callback_number"),
	    "+85512999888");
	step("2", ENGINE_CONTINUE, F_NUMBER_KM);
	step("0972345678", ENGINE_CONTINUE, "097 234 5678\nត្រឹមត្រូវទេ?\n"
	    "1. ត្រឹមត្រូវ\n2. ប្ដូរ\n0. ថយក្រោយ");
	ck_assert_str_eq(engine_answer(e, "callback_number"),
	    "+855972345678");
	/* Under the error line the number is read back as well. */
	step("3", ENGINE_CONTINUE, "ខុស\n097 234 5678\nត្រឹមត្រូវទេ?\n"
	    "1. ត្រឹមត្រូវ\n2. ប្ដូរ\n0. ថយក្រោយ");
	step("1", ENGINE_CONTINUE, F_DANGER_KM);
	step_store("2", "cb_when");
	ck_assert_str_eq(engine_callback_field(e, MENU_CB_SAFE_NUMBER),
	    "+855972345678");
}
END_TEST

#define PROV_P1 "3. សៀមរាប\n4. បាត់ដំបង\n5. តាកែវ\n6. កំពត\n0. ថយក្រោយ"
#define PROV_LAST "4. បាត់ដំបង\n5. តាកែវ\n6. កំពត\n0. ថយក្រោយ"

/* A wrong key keeps her on the page she was on, under the error line. */
START_TEST(test_error_page)
{
	/* A menu node has the tree's error line. */
	start(F_MAIN_KM);
	step("7", ENGINE_CONTINUE, "ខុស\n" F_MAIN_KM);
	/* Two pages: page 2 again under the node's own error line. */
	lim.ucs2 = 60;
	step("3", ENGINE_CONTINUE, "ខេត្តណា?\n1. ភ្នំពេញ\n2. កណ្ដាល\n"
	    "98. បន្ទាប់\n0. ថយក្រោយ");
	step("98", ENGINE_CONTINUE, PROV_P1);
	ck_assert_uint_eq(engine_page(e), 1);
	step("7", ENGINE_CONTINUE, "ជ្រើស 1-6\n" PROV_P1);
	ck_assert_uint_eq(engine_page(e), 1);
	step("abc", ENGINE_CONTINUE, "ជ្រើស 1-6\n" PROV_P1);
	/* "More" there leaves the error line: the page, as it was. */
	step("98", ENGINE_CONTINUE, PROV_P1);
	step("0", ENGINE_CONTINUE, "ខេត្តណា?\n1. ភ្នំពេញ\n2. កណ្ដាល\n"
	    "98. បន្ទាប់\n0. ថយក្រោយ");
	/* "More" on the last page shows it again, with no error line. */
	step("98", ENGINE_CONTINUE, PROV_P1);
	step("98", ENGINE_CONTINUE, PROV_P1);
	ck_assert_uint_eq(engine_page(e), 1);
	step("0", ENGINE_CONTINUE, "ខេត្តណា?\n1. ភ្នំពេញ\n2. កណ្ដាល\n"
	    "98. បន្ទាប់\n0. ថយក្រោយ");
	step("0", ENGINE_CONTINUE, "សូមស្វាគមន៍\n1. ហៅមកវិញ\n2. គន្លឹះ\n"
	    "3. ខេត្ត\n4. សួរ\n98. បន្ទាប់");

	/*
	 * Three pages: the middle one does not fit under the error line, so
	 * it is laid out again on two sub-pages; "more" walks them, then the
	 * plain page after it.
	 */
	lim.ucs2 = 50;
	step("3", ENGINE_CONTINUE, "ខេត្តណា?\n1. ភ្នំពេញ\n98. បន្ទាប់\n"
	    "0. ថយក្រោយ");
	step("98", ENGINE_CONTINUE, "2. កណ្ដាល\n3. សៀមរាប\n98. បន្ទាប់\n"
	    "0. ថយក្រោយ");
	step("7", ENGINE_CONTINUE, "ជ្រើស 1-6\n2. កណ្ដាល\n98. បន្ទាប់\n"
	    "0. ថយក្រោយ");
	step("98", ENGINE_CONTINUE, "ជ្រើស 1-6\n3. សៀមរាប\n98. បន្ទាប់\n"
	    "0. ថយក្រោយ");
	/* Another wrong key stays on that sub-page. */
	step("7", ENGINE_CONTINUE, "ជ្រើស 1-6\n3. សៀមរាប\n98. បន្ទាប់\n"
	    "0. ថយក្រោយ");
	ck_assert_uint_eq(engine_page(e), 1);
	step("98", ENGINE_CONTINUE, PROV_LAST);
	ck_assert_uint_eq(engine_page(e), 2);
	step("98", ENGINE_CONTINUE, PROV_LAST);
	step("9", ENGINE_CONTINUE, "ជ្រើស 1-6\n" PROV_LAST);
	/* A choice from another page is still taken. */
	step("2", ENGINE_END, "អរគុណ។ រួចរាល់។");
	ck_assert_str_eq(engine_answer(e, "province"), "KH-8");
}
END_TEST

/* A loop back to the start by "next": the start never shows "00". */
#define LOOP \
	"{\"start\": \"main\", \"strings\": {\n" \
	"\"invalid\": " TX("ខុស", "Invalid.") ",\n" \
	"\"more\": " TX("បន្ទាប់", "More") ",\n" \
	"\"back\": " TX("ថយក្រោយ", "Back") ",\n" \
	"\"main\": " TX("ម៉ឺនុយដើម", "Main menu") ",\n" \
	"\"expired\": " TX("ម្ដងទៀត។", "Dial again.") "\n" \
	"}, \"nodes\": {\n" \
	"\"main\": {\"type\": \"menu\", \"text\": " TX("ដើម", "Home") \
	    ", \"options\": [" OPT("1", "ក", "A", "\"next\": \"a\"") "]},\n" \
	"\"a\": {\"type\": \"menu\", \"text\": " TX("ក", "A") \
	    ", \"options\": [" OPT("1", "ខ", "B", "\"next\": \"b\"") "]},\n" \
	"\"b\": {\"type\": \"menu\", \"text\": " TX("ខ", "B") \
	    ", \"options\": [" OPT("1", "ដើម", "Home", "\"next\": \"main\"") \
	    "]}\n}}\n"

START_TEST(test_start_footer)
{
	struct diag	*d = diag_new();

	engine_free(e);
	menu_free(m);
	m = tu_menu_load_string(LOOP, d);
	ck_assert_msg(m != NULL, "%s", tu_diag_all(d));
	diag_free(d);
	e = engine_new(m, &lim);
	ck_assert_ptr_nonnull(e);
	start("ដើម\n1. ក");
	step("1", ENGINE_CONTINUE, "ក\n1. ខ\n0. ថយក្រោយ");
	step("1", ENGINE_CONTINUE, "ខ\n1. ដើម\n00. ម៉ឺនុយដើម\n0. ថយក្រោយ");
	/* Home again by an option: back is a way, "main menu" is not. */
	step("1", ENGINE_CONTINUE, "ដើម\n1. ក\n0. ថយក្រោយ");
	step("1", ENGINE_CONTINUE, "ក\n1. ខ\n00. ម៉ឺនុយដើម\n0. ថយក្រោយ");
}
END_TEST

/* The main-menu footer: last page, away from the start, where it fits. */
START_TEST(test_main_footer)
{
	start(F_MAIN_KM);
	/* One step from the start "back" is the way home: no footer. */
	step("2", ENGINE_CONTINUE, "លុបសារ។\n98. បន្ទាប់\n0. ថយក្រោយ");
	step("98", ENGINE_CONTINUE, "លាក់ទូរស័ព្ទ។\n00. ម៉ឺនុយដើម\n"
	    "0. ថយក្រោយ");
	/* It never adds a page: without room it is left out. */
	lim.ucs2 = 24;
	step("98", ENGINE_CONTINUE, "លាក់ទូរស័ព្ទ។\n0. ថយក្រោយ");
	lim.ucs2 = 80;
	step("98", ENGINE_CONTINUE, "លាក់ទូរស័ព្ទ។\n00. ម៉ឺនុយដើម\n"
	    "0. ថយក្រោយ");
	step("00", ENGINE_CONTINUE, F_MAIN_KM);

	/* A menu screen of two pages has it on the last page only. */
	lim.ucs2 = 52;
	step("1", ENGINE_CONTINUE, F_SAFE_KM);
	step("1", ENGINE_CONTINUE, F_DANGER_KM);
	step_store("1", "cb_urgent");
	stored(ENGINE_SAVED, when(WHEN_WITHIN, 0, 0, 0, 30),
	    ENGINE_CONTINUE, "យើងហៅ ក្នុងរយៈពេល 30 នាទី។\n98. បន្ទាប់\n"
	    "0. ថយក្រោយ");
	step("98", ENGINE_CONTINUE, "1. បន្ត\n2. English\n00. ម៉ឺនុយដើម\n"
	    "0. ថយក្រោយ");
	/* Four units less: the last page (35 units) has no room for it. */
	lim.ucs2 = 48;
	step("98", ENGINE_CONTINUE, "នាទី។\n1. បន្ត\n2. English\n"
	    "0. ថយក្រោយ");
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("engine");
	TCase	*tc = tcase_create("transitions");
	TCase	*flow = tcase_create("journey");
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
	tcase_add_checked_fixture(flow, setup_flow, teardown_flow);
	tcase_add_test(flow, test_request_files);
	tcase_add_test(flow, test_request_choice);
	tcase_add_test(flow, test_request_failed);
	tcase_add_test(flow, test_request_exit);
	tcase_add_test(flow, test_request_when);
	tcase_add_test(flow, test_read_back);
	tcase_add_test(flow, test_error_page);
	tcase_add_test(flow, test_main_footer);
	tcase_add_test(flow, test_start_footer);
	suite_add_tcase(s, flow);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
