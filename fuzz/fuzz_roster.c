/* SPDX-License-Identifier: ISC */
/*
 * fuzz_roster: a roster file as an admin writes it. The input is written
 * to a file of the process's temporary directory and loaded; a roster that
 * loads is then asked who is on duty and when a call can be expected at
 * a few fixed instants, for every safe-call window.
 */
#include <stdlib.h>
#include <time.h>

#include "diag.h"
#include "fuzzutil.h"
#include "roster.h"

/* Ask a loaded roster the daemon's questions. */
static void
fuzz_ask(const struct roster *r)
{
	static const char *const	 windows[] = {
		NULL, "now", "morning", "afternoon", "evening"
	};
	/* Tuesday 2024-04-16 03:00 UTC (Khmer New Year), and later. */
	static const time_t		 at[] = {
		1713236400, 1713236400 + 11 * 3600, 1735689599
	};
	const struct roster_person	*out[8];
	struct roster_when		 w;
	size_t				 i, j, n;

	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		n = roster_on_duty(r, at[i], out, 8);
		for (j = 0; j < n && j < 8; j++)
			FUZZ_ASSERT(out[j] != NULL && !out[j]->supervisor);
		(void)roster_next_duty(r, at[i]);
		for (j = 0; j < sizeof(windows) / sizeof(windows[0]); j++)
			if (roster_expected(r, at[i], windows[j], &w) == 0)
				FUZZ_ASSERT(w.kind == WHEN_UNKNOWN ||
				    w.at >= at[i]);
	}
	n = roster_people(r, out, 8);
	for (j = 0; j < n && j < 8; j++)
		FUZZ_ASSERT(roster_find(r, out[j]->id) != NULL);
	(void)roster_by_token(r, "not a token of anyone");
}

/* Load the input as a roster file. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag	*d;
	struct roster	*r;
	char		*path;

	path = fuzz_write("roster.json", data, size);
	d = diag_new();
	if (d == NULL)
		abort();
	r = roster_load(path, d);
	if (r == NULL)
		FUZZ_ASSERT(diag_count(d) > 0);
	else {
		fuzz_ask(r);
		roster_free(r);
	}
	diag_free(d);
	free(path);
	return 0;
}
