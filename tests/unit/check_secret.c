/* SPDX-License-Identifier: ISC */
/*
 * check_secret: the one reader of secret files. Only a regular file that
 * its owner alone may read is accepted; a FIFO is refused without
 * blocking; the first line is the secret.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "secret.h"
#include "testutil.h"

/* Read path, expecting a failure whose cause is "<path><tail>". */
static void
refused(const char *path, const char *tail)
{
	char	*s, *cause = NULL, want[1024];

	s = secret_read(path, &cause);
	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(cause);
	snprintf(want, sizeof(want), "%s%s", path, tail);
	ck_assert_str_eq(cause, want);
	free(cause);
}

/* A private file's first line, without its line end. */
START_TEST(test_first_line)
{
	char	*p, *s, *cause = NULL;

	p = tu_write(tu_tmpdir(), "a.key", "s3cret-Token_x\r\nsecond\n");
	ck_assert_int_eq(chmod(p, 0600), 0);
	s = secret_read(p, &cause);
	ck_assert_ptr_null(cause);
	ck_assert_str_eq(s, "s3cret-Token_x");
	secret_free(s);
	/* Read-only for its owner is private too; no newline is fine. */
	free(tu_write(tu_tmpdir(), "a.key", "last"));
	ck_assert_int_eq(chmod(p, 0400), 0);
	s = secret_read(p, &cause);
	ck_assert_str_eq(s, "last");
	secret_free(s);
	secret_free(NULL);
	free(p);
	tu_cleanup();
}
END_TEST

/* Group or other bits, an empty file, a missing one. */
START_TEST(test_refused)
{
	char	*p;

	p = tu_write(tu_tmpdir(), "b.key", "token\n");
	ck_assert_int_eq(chmod(p, 0640), 0);
	refused(p, " must not be readable by group or others (chmod 600)");
	ck_assert_int_eq(chmod(p, 0604), 0);
	refused(p, " must not be readable by group or others (chmod 600)");
	free(p);
	p = tu_write(tu_tmpdir(), "c.key", "");
	ck_assert_int_eq(chmod(p, 0600), 0);
	refused(p, " is empty");
	free(p);
	p = tu_write(tu_tmpdir(), "d.key", "\nafter a blank line\n");
	ck_assert_int_eq(chmod(p, 0600), 0);
	refused(p, " is empty");
	free(p);
	refused("/nonexistent/hotlined.key",
	    ": No such file or directory");
	tu_cleanup();
}
END_TEST

/* Not a regular file: a directory, and a FIFO (which must not block). */
START_TEST(test_not_regular)
{
	char	 fifo[1024];

	refused(tu_tmpdir(), " is not a regular file");
	snprintf(fifo, sizeof(fifo), "%s/fifo", tu_tmpdir());
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	refused(fifo, " is not a regular file");
	tu_cleanup();
}
END_TEST

/* A link to a private file is read; a link to a shared one is not. */
START_TEST(test_symlink)
{
	char	*p, *s, *cause = NULL, link[1024];

	p = tu_write(tu_tmpdir(), "e.key", "linked\n");
	ck_assert_int_eq(chmod(p, 0600), 0);
	snprintf(link, sizeof(link), "%s/link", tu_tmpdir());
	ck_assert_int_eq(symlink(p, link), 0);
	s = secret_read(link, &cause);
	ck_assert_str_eq(s, "linked");
	secret_free(s);
	ck_assert_int_eq(chmod(p, 0644), 0);
	refused(link, " must not be readable by group or others "
	    "(chmod 600)");
	free(p);
	tu_cleanup();
}
END_TEST

/* The suite. */
static Suite *
secret_suite(void)
{
	Suite	*s = suite_create("secret");
	TCase	*tc = tcase_create("core");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_first_line);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_not_regular);
	tcase_add_test(tc, test_symlink);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(secret_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
