/* SPDX-License-Identifier: ISC */
/*
 * check_tally: counting floods on a real event base. Totals per reason,
 * the overflow slot, the first event logged at once and the rest summed
 * into one line per interval, and what tally_free still logs. The log is
 * read back from stderr, which each test sends to a temporary file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <event2/event.h>

#include "log.h"
#include "tally.h"

#define LOG_MAX		4096
#define PREFIX		"check_tally: warning: "

static struct event_base	*base;
static FILE			*logfp;
static int			 saved_stderr = -1;

/* An event base, and stderr sent to a temporary file. */
static void
setup(void)
{
	base = event_base_new();
	ck_assert_ptr_nonnull(base);
	logfp = tmpfile();
	ck_assert_ptr_nonnull(logfp);
	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	ck_assert_int_ge(saved_stderr, 0);
	ck_assert_int_ge(dup2(fileno(logfp), STDERR_FILENO), 0);
}

/* Give stderr back and free the base. */
static void
teardown(void)
{
	fflush(stderr);
	if (saved_stderr != -1) {
		dup2(saved_stderr, STDERR_FILENO);
		close(saved_stderr);
		saved_stderr = -1;
	}
	if (logfp != NULL)
		fclose(logfp);
	logfp = NULL;
	event_base_free(base);
	base = NULL;
}

/* Everything logged so far (static buffer). */
static const char *
logged(void)
{
	static char	 buf[LOG_MAX];
	ssize_t		 n;

	fflush(stderr);
	n = pread(fileno(logfp), buf, sizeof(buf) - 1, 0);
	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	return buf;
}

/* Counts per reason since the start; an unknown reason is 0. */
START_TEST(test_totals)
{
	struct tally	*t, *u;

	t = tally_new(base, "channel at", 60);
	u = tally_new(base, "sessions", 60);
	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_nonnull(u);
	ck_assert_uint_eq(tally_total(t, "refused"), 0);
	tally_add(t, "refused");
	tally_add(t, "refused");
	tally_add(t, "busy");
	tally_add(t, "refused");
	tally_add(t, "busy");
	tally_add(u, "evicted");
	/* A refusal without a reason is still counted, never a crash. */
	tally_add(t, NULL);
	ck_assert_uint_eq(tally_total(t, "unnamed"), 1);
	ck_assert_uint_eq(tally_total(t, "refused"), 3);
	ck_assert_uint_eq(tally_total(t, "busy"), 2);
	ck_assert_uint_eq(tally_total(t, "evicted"), 0);
	ck_assert_uint_eq(tally_total(t, "other"), 0);
	ck_assert_uint_eq(tally_total(u, "evicted"), 1);
	ck_assert_uint_eq(tally_total(u, "refused"), 0);
	/* Each tally is quiet on its own: both first events are logged. */
	ck_assert_str_eq(logged(),
	    PREFIX "channel at: refused (more are counted and logged at most "
	    "every 60 s)\n"
	    PREFIX "sessions: evicted (more are counted and logged at most "
	    "every 60 s)\n");
	tally_free(u);
	tally_free(t);
}
END_TEST

/*
 * TALLY_REASONS distinct reasons keep their names; the ninth and every
 * later one share one more slot, "other".
 */
START_TEST(test_overflow)
{
	static const char *const names[] = {
		"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9"
	};
	struct tally	*t;
	size_t		 i;

	ck_assert_int_eq(TALLY_REASONS, 8);
	t = tally_new(base, "channel at", 60);
	ck_assert_ptr_nonnull(t);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		tally_add(t, names[i]);
	tally_add(t, "r9");
	tally_add(t, "r7");
	tally_add(t, "r0");
	for (i = 1; i < TALLY_REASONS - 1; i++)
		ck_assert_uint_eq(tally_total(t, names[i]), 1);
	ck_assert_uint_eq(tally_total(t, "r0"), 2);
	ck_assert_uint_eq(tally_total(t, "r7"), 2);
	ck_assert_uint_eq(tally_total(t, "r8"), 0);
	ck_assert_uint_eq(tally_total(t, "r9"), 0);
	ck_assert_uint_eq(tally_total(t, "other"), 3);
	tally_free(t);
	ck_assert_str_eq(logged(),
	    PREFIX "channel at: r0 (more are counted and logged at most every "
	    "60 s)\n"
	    PREFIX "channel at: in the last 60 s: 1 r0, 1 r1, 1 r2, 1 r3, "
	    "1 r4, 1 r5, 1 r6, 2 r7, 3 other\n");
}
END_TEST

/*
 * The first event of a quiet period is logged at once, the rest of the
 * interval as one line when it ends; one more interval follows a summary,
 * and only a quiet one lets the next event be logged at once again.
 */
START_TEST(test_summary)
{
	struct tally	*t;
	const char	*all =
	    PREFIX "channel at: refused (more are counted and logged at most "
	    "every 1 s)\n"
	    PREFIX "channel at: in the last 1 s: 2 refused, 1 busy\n"
	    PREFIX "channel at: in the last 1 s: 1 busy\n"
	    PREFIX "channel at: busy (more are counted and logged at most "
	    "every 1 s)\n";

	t = tally_new(base, "channel at", 1);
	ck_assert_ptr_nonnull(t);
	tally_add(t, "refused");
	tally_add(t, "refused");
	tally_add(t, "refused");
	tally_add(t, "busy");
	ck_assert_str_eq(logged(),
	    PREFIX "channel at: refused (more are counted and logged at most "
	    "every 1 s)\n");

	/* The interval ends: one line for the three that followed. */
	ck_assert_int_eq(event_base_loop(base, EVLOOP_ONCE), 0);
	ck_assert_str_eq(logged(),
	    PREFIX "channel at: refused (more are counted and logged at most "
	    "every 1 s)\n"
	    PREFIX "channel at: in the last 1 s: 2 refused, 1 busy\n");

	/* Still within the next interval: summed, not logged at once. */
	tally_add(t, "busy");
	ck_assert_int_eq(event_base_dispatch(base), 1);
	ck_assert_str_eq(logged(),
	    PREFIX "channel at: refused (more are counted and logged at most "
	    "every 1 s)\n"
	    PREFIX "channel at: in the last 1 s: 2 refused, 1 busy\n"
	    PREFIX "channel at: in the last 1 s: 1 busy\n");

	/* A quiet interval passed and the timer stopped: at once again. */
	tally_add(t, "busy");
	ck_assert_str_eq(logged(), all);
	ck_assert_uint_eq(tally_total(t, "refused"), 3);
	ck_assert_uint_eq(tally_total(t, "busy"), 3);
	/* Nothing is pending: freeing adds no line. */
	tally_free(t);
	ck_assert_str_eq(logged(), all);
}
END_TEST

/* Freeing logs what is pending, then nothing more; NULL is fine. */
START_TEST(test_free)
{
	struct tally	*t;

	t = tally_new(base, "sessions", 60);
	ck_assert_ptr_nonnull(t);
	tally_add(t, "evicted");
	tally_add(t, "evicted");
	tally_add(t, "full");
	tally_free(t);
	ck_assert_str_eq(logged(),
	    PREFIX "sessions: evicted (more are counted and logged at most "
	    "every 60 s)\n"
	    PREFIX "sessions: in the last 60 s: 1 evicted, 1 full\n");
	/* Its timer is gone with it: the base has nothing left to run. */
	ck_assert_int_eq(event_base_dispatch(base), 1);

	/* One event only: it was logged at once, nothing is pending. */
	t = tally_new(base, "sessions", 60);
	ck_assert_ptr_nonnull(t);
	tally_add(t, "evicted");
	tally_free(t);
	tally_free(NULL);
	ck_assert_str_eq(logged(),
	    PREFIX "sessions: evicted (more are counted and logged at most "
	    "every 60 s)\n"
	    PREFIX "sessions: in the last 60 s: 1 evicted, 1 full\n"
	    PREFIX "sessions: evicted (more are counted and logged at most "
	    "every 60 s)\n");
}
END_TEST

/* An interval of 0 or less means a minute. */
START_TEST(test_interval_default)
{
	struct tally	*t, *u;

	t = tally_new(base, "channel at", 0);
	u = tally_new(base, "sessions", -5);
	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_nonnull(u);
	tally_add(t, "refused");
	tally_add(u, "evicted");
	ck_assert_str_eq(logged(),
	    PREFIX "channel at: refused (more are counted and logged at most "
	    "every 60 s)\n"
	    PREFIX "sessions: evicted (more are counted and logged at most "
	    "every 60 s)\n");
	tally_free(t);
	tally_free(u);
}
END_TEST

/* Run the tally suite in Check's default fork mode. */
int
main(void)
{
	Suite	*s = suite_create("tally");
	TCase	*tc = tcase_create("tally");
	SRunner	*sr;
	int	 failed;

	log_init("check_tally", 0);
	tcase_add_checked_fixture(tc, setup, teardown);
	/* test_summary waits for three one-second intervals. */
	tcase_set_timeout(tc, 15);
	tcase_add_test(tc, test_totals);
	tcase_add_test(tc, test_overflow);
	tcase_add_test(tc, test_summary);
	tcase_add_test(tc, test_free);
	tcase_add_test(tc, test_interval_default);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
