/* SPDX-License-Identifier: ISC */
/*
 * fuzz_menu: a menu file as an admin writes it. The input is written to
 * a file of the process's temporary directory (menu_load reads files
 * only) and loaded with the sample configuration's languages, keys and
 * safe-call windows; a tree that loads is then measured at the USSD and
 * the SMS budgets, which renders every screen it has.
 */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "fuzzutil.h"
#include "menu.h"

/* Load the input as a menu file. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct menu_keys	 keys = { "0", "00", "98", "99" };
	static const struct menu_limits	 ussd = { 182, 80, 0 };
	static const struct menu_limits	 sms = { 160 * 3, 70 * 3, 3 };
	struct menu_env			 env;
	struct diag			*d;
	struct menu			*m;
	char				*path;

	path = fuzz_write("menu.json", data, size);
	memset(&env, 0, sizeof(env));
	env.languages[0] = "km";
	env.languages[1] = "en";
	env.nlang = 2;
	env.keys = &keys;
	env.exit_text = "អរគុណ។";
	env.windows[0] = (struct menu_window){ "morning", 8 * 60, 12 * 60 };
	env.windows[1] = (struct menu_window){ "afternoon", 12 * 60, 17 * 60 };
	env.windows[2] = (struct menu_window){ "evening", 17 * 60, 21 * 60 };
	env.nwindows = 3;
	env.now_minutes = 30;
	d = diag_new();
	if (d == NULL)
		abort();
	m = menu_load(path, "menu.json", &env, d);
	if (m == NULL)
		FUZZ_ASSERT(diag_count(d) > 0);
	else {
		FUZZ_ASSERT(menu_start(m) != NULL);
		(void)menu_check_fit(m, &ussd, d, NULL, NULL);
		(void)menu_check_fit(m, &sms, d, NULL, NULL);
		menu_free(m);
	}
	diag_free(d);
	free(path);
	return 0;
}
