/* SPDX-License-Identifier: ISC */
/*
 * check_signin: console sign-in state. Cookies and CSRF tokens are fresh
 * base64url secrets; a session is found by its exact cookie only, lasts
 * while it is used and is forgotten when idle; sign-out by cookie and by
 * person; one-time links; the wait after repeated failures per address;
 * and the full table giving up its least recently used session.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "signin.h"

#define T0		1795395600	/* 2026-11-23T01:00:00Z */
#define IDLE		900
#define TABLE		2048		/* sessions signin.c keeps */
#define SECRET_BUF	(SIGNIN_SECRET_LEN + 1)

static struct signin	*s;

/* An empty table. */
static void
setup(void)
{
	s = signin_new();
	ck_assert_ptr_nonnull(s);
}

/* Free it. */
static void
teardown(void)
{
	signin_free(s);
	s = NULL;
}

/* Return 1 if v is 43 characters of the base64url alphabet. */
static int
b64url(const char *v)
{
	size_t	 i;

	if (strlen(v) != SIGNIN_SECRET_LEN)
		return 0;
	for (i = 0; v[i] != '\0'; i++)
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789-_", v[i]) == NULL)
			return 0;
	return 1;
}

/* Copy src into dst (SECRET_BUF bytes) with character i changed. */
static const char *
changed(char *dst, const char *src, size_t i)
{
	snprintf(dst, SECRET_BUF, "%s", src);
	dst[i] = dst[i] == 'A' ? 'B' : 'A';
	return dst;
}

/* Open a session for id at now, which must succeed. */
static void
open_ok(const char *id, int64_t now, char *cookie, char *csrf)
{
	ck_assert_int_eq(signin_open(s, id, now, cookie, SECRET_BUF, csrf,
	    SECRET_BUF), 0);
	ck_assert_msg(b64url(cookie), "cookie \"%s\"", cookie);
	ck_assert_msg(b64url(csrf), "csrf \"%s\"", csrf);
}

/* A session gives a cookie and a CSRF token, new ones every time. */
START_TEST(test_open)
{
	const struct signin_session	*ss;
	char				 c1[SECRET_BUF], t1[SECRET_BUF];
	char				 c2[SECRET_BUF], t2[SECRET_BUF];
	char				 id[SIGNIN_ID_MAX + 1];

	ck_assert_uint_eq(signin_count(s), 0);
	open_ok("dara", T0, c1, t1);
	open_ok("dara", T0, c2, t2);
	ck_assert_str_ne(c1, t1);
	ck_assert_str_ne(c1, c2);
	ck_assert_str_ne(t1, t2);
	ck_assert_uint_eq(signin_count(s), 2);

	ss = signin_find(s, c1, T0, IDLE);
	ck_assert_ptr_nonnull(ss);
	ck_assert_str_eq(ss->id, "dara");
	ck_assert_str_eq(ss->csrf, t1);
	ck_assert_int_eq(ss->last, T0);
	ss = signin_find(s, c2, T0 + 5, IDLE);
	ck_assert_ptr_nonnull(ss);
	ck_assert_str_eq(ss->csrf, t2);
	ck_assert_int_eq(ss->last, T0 + 5);

	/* Ids up to SIGNIN_ID_MAX - 1 bytes; buffers big enough. */
	memset(id, 'a', sizeof(id));
	id[SIGNIN_ID_MAX - 1] = '\0';
	open_ok(id, T0, c1, t1);
	ck_assert_str_eq(signin_find(s, c1, T0, IDLE)->id, id);
	id[SIGNIN_ID_MAX - 1] = 'a';
	id[SIGNIN_ID_MAX] = '\0';
	ck_assert_int_eq(signin_open(s, id, T0, c1, sizeof(c1), t1,
	    sizeof(t1)), -1);
	ck_assert_int_eq(signin_open(s, "dara", T0, c1, sizeof(c1), t1,
	    SIGNIN_SECRET_LEN), -1);
	ck_assert_int_eq(signin_open(s, "dara", T0, c1, SIGNIN_SECRET_LEN, t1,
	    sizeof(t1)), -1);
	ck_assert_uint_eq(signin_count(s), 3);
	signin_free(NULL);
}
END_TEST

/* Only the exact cookie finds its session; near misses find none. */
START_TEST(test_find)
{
	const struct signin_session	*ss;
	char				 c[SECRET_BUF], t[SECRET_BUF];
	char				 o[SECRET_BUF], u[SECRET_BUF];
	char				 x[SECRET_BUF], longer[SECRET_BUF + 1];

	open_ok("dara", T0, c, t);
	open_ok("sokha", T0, o, u);
	ss = signin_find(s, c, T0 + 1, IDLE);
	ck_assert_ptr_nonnull(ss);
	ck_assert_str_eq(ss->id, "dara");
	ck_assert_str_eq(signin_find(s, o, T0 + 1, IDLE)->id, "sokha");

	ck_assert_ptr_null(signin_find(s, changed(x, c, 0), T0 + 1, IDLE));
	ck_assert_ptr_null(signin_find(s, changed(x, c, 20), T0 + 1, IDLE));
	ck_assert_ptr_null(signin_find(s, changed(x, c, SIGNIN_SECRET_LEN - 1),
	    T0 + 1, IDLE));
	ck_assert_ptr_null(signin_find(s, "", T0 + 1, IDLE));
	ck_assert_ptr_null(signin_find(s, NULL, T0 + 1, IDLE));
	snprintf(longer, sizeof(longer), "%sA", c);
	ck_assert_ptr_null(signin_find(s, longer, T0 + 1, IDLE));
	snprintf(x, sizeof(x), "%s", c);
	x[SIGNIN_SECRET_LEN - 1] = '\0';
	ck_assert_ptr_null(signin_find(s, x, T0 + 1, IDLE));
	/* The CSRF token is no cookie. */
	ck_assert_ptr_null(signin_find(s, t, T0 + 1, IDLE));

	/* Misses forget nothing. */
	ck_assert_uint_eq(signin_count(s), 2);
	ck_assert_str_eq(signin_find(s, c, T0 + 2, IDLE)->id, "dara");
}
END_TEST

/* Each use renews a session; idle seconds after the last it is gone. */
START_TEST(test_idle)
{
	const struct signin_session	*ss;
	char				 c[SECRET_BUF], t[SECRET_BUF];
	int64_t				 last;

	open_ok("dara", T0, c, t);
	ss = signin_find(s, c, T0 + IDLE - 1, IDLE);
	ck_assert_ptr_nonnull(ss);
	ck_assert_int_eq(ss->last, T0 + IDLE - 1);
	/* Alive only because the find above counted as a use. */
	last = T0 + 2 * (IDLE - 1);
	ss = signin_find(s, c, last, IDLE);
	ck_assert_ptr_nonnull(ss);
	ck_assert_int_eq(ss->last, last);
	ck_assert_ptr_null(signin_find(s, c, last + IDLE, IDLE));
	/* Forgotten: not even an earlier clock finds it now. */
	ck_assert_uint_eq(signin_count(s), 0);
	ck_assert_ptr_null(signin_find(s, c, last + 1, IDLE));

	/* Another idle limit counts from the same last use. */
	open_ok("dara", T0, c, t);
	ck_assert_ptr_null(signin_find(s, c, T0 + 2, 2));
	open_ok("dara", T0, c, t);
	ck_assert_ptr_nonnull(signin_find(s, c, T0 + 1, 2));
}
END_TEST

/* Signing out forgets one cookie; closing a person forgets all hers. */
START_TEST(test_close)
{
	char	 a[SECRET_BUF], b[SECRET_BUF], c[SECRET_BUF], d[SECRET_BUF];
	char	 t[SECRET_BUF];

	open_ok("dara", T0, a, t);
	open_ok("dara", T0, b, t);
	open_ok("sokha", T0, c, t);
	open_ok("dar", T0, d, t);
	signin_close(s, a);
	ck_assert_ptr_null(signin_find(s, a, T0, IDLE));
	ck_assert_ptr_nonnull(signin_find(s, b, T0, IDLE));
	ck_assert_uint_eq(signin_count(s), 3);
	signin_close(s, a);
	signin_close(s, NULL);
	signin_close(s, "");
	signin_close(s, t);
	ck_assert_uint_eq(signin_count(s), 3);

	signin_close_all(s, "nobody");
	ck_assert_uint_eq(signin_count(s), 3);
	/* Ids are compared whole: "dar" is not "dara". */
	signin_close_all(s, "dar");
	ck_assert_ptr_null(signin_find(s, d, T0, IDLE));
	ck_assert_str_eq(signin_find(s, b, T0, IDLE)->id, "dara");
	ck_assert_uint_eq(signin_count(s), 2);
	open_ok("dar", T0, d, t);
	signin_close_all(s, "dara");
	ck_assert_ptr_null(signin_find(s, b, T0, IDLE));
	ck_assert_str_eq(signin_find(s, c, T0, IDLE)->id, "sokha");
	ck_assert_str_eq(signin_find(s, d, T0, IDLE)->id, "dar");
	ck_assert_uint_eq(signin_count(s), 2);
	signin_close_all(s, "sokha");
	ck_assert_ptr_null(signin_find(s, c, T0, IDLE));
	ck_assert_uint_eq(signin_count(s), 1);
}
END_TEST

/* A session's CSRF token is accepted, nothing else is. */
START_TEST(test_csrf)
{
	const struct signin_session	*ss;
	char				 c[SECRET_BUF], t[SECRET_BUF];
	char				 o[SECRET_BUF], u[SECRET_BUF];
	char				 x[SECRET_BUF], longer[SECRET_BUF + 1];

	open_ok("dara", T0, c, t);
	open_ok("sokha", T0, o, u);
	ss = signin_find(s, c, T0, IDLE);
	ck_assert_ptr_nonnull(ss);
	ck_assert_int_eq(signin_csrf_ok(ss, t), 1);
	ck_assert_int_eq(signin_csrf_ok(ss, u), 0);
	ck_assert_int_eq(signin_csrf_ok(ss, c), 0);
	ck_assert_int_eq(signin_csrf_ok(ss, changed(x, t, 0)), 0);
	ck_assert_int_eq(signin_csrf_ok(ss, changed(x, t,
	    SIGNIN_SECRET_LEN - 1)), 0);
	ck_assert_int_eq(signin_csrf_ok(ss, NULL), 0);
	ck_assert_int_eq(signin_csrf_ok(ss, ""), 0);
	snprintf(x, sizeof(x), "%s", t);
	x[SIGNIN_SECRET_LEN - 1] = '\0';
	ck_assert_int_eq(signin_csrf_ok(ss, x), 0);
	snprintf(longer, sizeof(longer), "%sA", t);
	ck_assert_int_eq(signin_csrf_ok(ss, longer), 0);
	ck_assert_int_eq(signin_csrf_ok(signin_find(s, o, T0, IDLE), u), 1);
}
END_TEST

/* A link works once, before it expires, and says whose it is. */
START_TEST(test_link)
{
	char	 l1[SECRET_BUF], l2[SECRET_BUF], l3[SECRET_BUF];
	char	 x[SECRET_BUF], longer[SECRET_BUF + 1];
	char	 id[SIGNIN_ID_MAX], ref[SIGNIN_REF_MAX];

	ck_assert_int_eq(signin_link_new(s, "dara", "R-0042", T0, 600, l1,
	    sizeof(l1)), 0);
	ck_assert_msg(b64url(l1), "link \"%s\"", l1);
	ck_assert_int_eq(signin_link_new(s, "sokha", NULL, T0, 600, l2,
	    sizeof(l2)), 0);
	ck_assert_msg(b64url(l2), "link \"%s\"", l2);
	ck_assert_str_ne(l1, l2);
	/* A link is no session cookie. */
	ck_assert_ptr_null(signin_find(s, l1, T0, IDLE));

	/* Near misses fail and spend nothing. */
	ck_assert_int_eq(signin_link_take(s, changed(x, l1, 0), T0 + 1, id,
	    sizeof(id), ref, sizeof(ref)), -1);
	ck_assert_int_eq(signin_link_take(s, changed(x, l1,
	    SIGNIN_SECRET_LEN - 1), T0 + 1, id, sizeof(id), ref, sizeof(ref)),
	    -1);
	ck_assert_int_eq(signin_link_take(s, NULL, T0 + 1, id, sizeof(id),
	    ref, sizeof(ref)), -1);
	ck_assert_int_eq(signin_link_take(s, "", T0 + 1, id, sizeof(id), ref,
	    sizeof(ref)), -1);
	snprintf(longer, sizeof(longer), "%sA", l1);
	ck_assert_int_eq(signin_link_take(s, longer, T0 + 1, id, sizeof(id),
	    ref, sizeof(ref)), -1);

	ck_assert_int_eq(signin_link_take(s, l1, T0 + 1, id, sizeof(id), ref,
	    sizeof(ref)), 0);
	ck_assert_str_eq(id, "dara");
	ck_assert_str_eq(ref, "R-0042");
	ck_assert_int_eq(signin_link_take(s, l1, T0 + 2, id, sizeof(id), ref,
	    sizeof(ref)), -1);
	snprintf(ref, sizeof(ref), "junk");
	ck_assert_int_eq(signin_link_take(s, l2, T0 + 599, id, sizeof(id),
	    ref, sizeof(ref)), 0);
	ck_assert_str_eq(id, "sokha");
	ck_assert_str_eq(ref, "");
	ck_assert_int_eq(signin_link_take(s, l2, T0 + 599, id, sizeof(id),
	    ref, sizeof(ref)), -1);

	/* Expired at created + ttl. */
	ck_assert_int_eq(signin_link_new(s, "dara", "R-1", T0, 600, l3,
	    sizeof(l3)), 0);
	ck_assert_int_eq(signin_link_take(s, l3, T0 + 600, id, sizeof(id),
	    ref, sizeof(ref)), -1);
	ck_assert_int_eq(signin_link_new(s, "dara", "R-1", T0, 30, l3,
	    sizeof(l3)), 0);
	ck_assert_int_eq(signin_link_take(s, l3, T0 + 30, id, sizeof(id), ref,
	    sizeof(ref)), -1);

	/* Refs up to SIGNIN_REF_MAX - 1 bytes; a big enough buffer. */
	ck_assert_int_eq(signin_link_new(s, "dara", "R-0123456789abc", T0, 60,
	    l3, sizeof(l3)), 0);
	ck_assert_int_eq(signin_link_take(s, l3, T0, id, sizeof(id), ref,
	    sizeof(ref)), 0);
	ck_assert_str_eq(ref, "R-0123456789abc");
	ck_assert_int_eq(signin_link_new(s, "dara", "R-0123456789abcd", T0,
	    60, l3, sizeof(l3)), -1);
	ck_assert_int_eq(signin_link_new(s, "dara", NULL, T0, 60, l3,
	    SIGNIN_SECRET_LEN), -1);
}
END_TEST

/* After max failures in the window an address waits; others do not. */
START_TEST(test_failures)
{
	const char	*a = "192.0.2.1", *b = "192.0.2.10";

	ck_assert_int_eq(signin_wait(s, a, T0, 3), 0);
	signin_failed(s, a, T0);
	signin_failed(s, a, T0 + 10);
	ck_assert_int_eq(signin_wait(s, a, T0 + 10, 3), 0);
	signin_failed(s, a, T0 + 20);
	ck_assert_int_eq(signin_wait(s, a, T0 + 20, 3),
	    SIGNIN_FAIL_WINDOW - 20);
	ck_assert_int_eq(signin_wait(s, a, T0 + 100, 3),
	    SIGNIN_FAIL_WINDOW - 100);
	ck_assert_int_eq(signin_wait(s, a, T0 + SIGNIN_FAIL_WINDOW - 1, 3), 1);
	/* A higher limit is not reached yet. */
	ck_assert_int_eq(signin_wait(s, a, T0 + 100, 4), 0);
	/* Another address is not affected, even one that starts alike. */
	ck_assert_int_eq(signin_wait(s, b, T0 + 100, 3), 0);
	ck_assert_int_eq(signin_wait(s, b, T0 + 100, 1), 0);
	signin_failed(s, b, T0 + 100);
	ck_assert_int_eq(signin_wait(s, b, T0 + 100, 1),
	    SIGNIN_FAIL_WINDOW);
	ck_assert_int_eq(signin_wait(s, b, T0 + 100, 2), 0);

	/* The window of the first failure is over: counting starts again. */
	ck_assert_int_eq(signin_wait(s, a, T0 + SIGNIN_FAIL_WINDOW, 3), 0);
	signin_failed(s, a, T0 + SIGNIN_FAIL_WINDOW);
	ck_assert_int_eq(signin_wait(s, a, T0 + SIGNIN_FAIL_WINDOW, 3), 0);
	ck_assert_int_eq(signin_wait(s, a, T0 + SIGNIN_FAIL_WINDOW, 1),
	    SIGNIN_FAIL_WINDOW);
	ck_assert_int_eq(signin_wait(s, b, T0 + 100 + SIGNIN_FAIL_WINDOW, 1),
	    0);
}
END_TEST

static char	 cookies[TABLE + 2][SECRET_BUF];

/* A full table gives up the least recently used session only. */
START_TEST(test_evict)
{
	const struct signin_session	*ss;
	char				 t[SECRET_BUF], id[16];
	int64_t				 now;
	size_t				 i;

	for (i = 0; i < TABLE; i++) {
		snprintf(id, sizeof(id), "c%zu", i);
		open_ok(id, T0 + (int64_t)i, cookies[i], t);
	}
	ck_assert_uint_eq(signin_count(s), TABLE);
	/* Session 0 is used again: session 1 is now the oldest. */
	now = T0 + TABLE;
	ck_assert_ptr_nonnull(signin_find(s, cookies[0], now, 86400));
	open_ok("new", now + 1, cookies[TABLE], t);
	ck_assert_uint_eq(signin_count(s), TABLE);

	now += 2;
	ck_assert_ptr_null(signin_find(s, cookies[1], now, 86400));
	ss = signin_find(s, cookies[TABLE], now, 86400);
	ck_assert_ptr_nonnull(ss);
	ck_assert_str_eq(ss->id, "new");
	ck_assert_str_eq(signin_find(s, cookies[0], now, 86400)->id, "c0");
	ck_assert_str_eq(signin_find(s, cookies[TABLE - 1], now, 86400)->id,
	    "c2047");
	/* The next one goes: session 2, untouched since it opened. */
	open_ok("newer", now + 1, cookies[TABLE + 1], t);
	ck_assert_uint_eq(signin_count(s), TABLE);
	now += 2;
	ck_assert_ptr_null(signin_find(s, cookies[2], now, 86400));
	ck_assert_str_eq(signin_find(s, cookies[TABLE + 1], now, 86400)->id,
	    "newer");
	ck_assert_str_eq(signin_find(s, cookies[TABLE], now, 86400)->id,
	    "new");
	for (i = 3; i < TABLE; i++)
		ck_assert_ptr_nonnull(signin_find(s, cookies[i], now, 86400));
	ck_assert_uint_eq(signin_count(s), TABLE);
}
END_TEST

/*
 * A refused open (a cookie buffer too small) on a full table evicts
 * nobody.
 */
START_TEST(test_open_fail_keeps_lru)
{
	char	 c0[SECRET_BUF], c[SECRET_BUF], t[SECRET_BUF];
	size_t	 i;

	open_ok("c0", T0, c0, t);
	for (i = 1; i < TABLE; i++)
		open_ok("cx", T0 + (int64_t)i, c, t);
	ck_assert_int_eq(signin_open(s, "x", T0 + TABLE, c, SIGNIN_SECRET_LEN,
	    t, SECRET_BUF), -1);
	ck_assert_uint_eq(signin_count(s), TABLE);
	ck_assert_ptr_nonnull(signin_find(s, c0, T0 + TABLE, 86400));
}
END_TEST

/* An address longer than what is kept is still made to wait. */
START_TEST(test_long_addr)
{
	char	 addr[80];
	int	 i;

	memset(addr, 'a', 64);
	addr[64] = '\0';
	for (i = 0; i < 10; i++)
		signin_failed(s, addr, T0);
	ck_assert_int_gt(signin_wait(s, addr, T0, 5), 0);
}
END_TEST

/* Run the signin suite in Check's default fork mode. */
int
main(void)
{
	Suite	*su = suite_create("signin");
	TCase	*tc = tcase_create("signin");
	SRunner	*sr;
	int	 failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_open);
	tcase_add_test(tc, test_find);
	tcase_add_test(tc, test_idle);
	tcase_add_test(tc, test_close);
	tcase_add_test(tc, test_csrf);
	tcase_add_test(tc, test_link);
	tcase_add_test(tc, test_failures);
	tcase_add_test(tc, test_evict);
	tcase_add_test(tc, test_open_fail_keeps_lru);
	tcase_add_test(tc, test_long_addr);
	suite_add_tcase(su, tc);
	sr = srunner_create(su);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
