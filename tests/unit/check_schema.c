/* SPDX-License-Identifier: ISC */
/*
 * check_schema: the one walker over key tables. Every problem of a
 * document is reported with its file:line:col and its JSON pointer
 * escaped as RFC 6901 says; getters read checked members or defaults;
 * inline and _file secrets; the printed key list.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "diag.h"
#include "jsonfile.h"
#include "schema.h"
#include "testutil.h"

static const struct schema_key t_inner[] = {
	{ "port", SCHEMA_INT, 1, 10, NULL, 5, 0, NULL, NULL, "a port" },
	{ NULL, 0, 0, 0, NULL, 0, 0, NULL, NULL, NULL }
};

static const struct schema_key t_top[] = {
	{ "name", SCHEMA_STR, 1, 8, "anon", 0, 1, NULL, NULL, "a name" },
	{ "mode", SCHEMA_STR, 1, 8, "a", 0, 0, "a|b", NULL, "a mode" },
	{ "free", SCHEMA_STR, 0, 0, NULL, 0, 0, NULL, NULL, "any text" },
	{ "on", SCHEMA_BOOL, 0, 1, NULL, 1, 0, NULL, NULL, "a switch" },
	{ "inner", SCHEMA_OBJ, 0, 0, NULL, 0, 0, NULL, t_inner, "nested" },
	{ "list", SCHEMA_OBJLIST, 1, 2, NULL, 0, 0, NULL, t_inner, "list" },
	{ "tags", SCHEMA_STRLIST, 0, 3, NULL, 0, 0, NULL, NULL, "tags" },
	{ "files", SCHEMA_MAP, 1, 2, NULL, 0, 0, NULL, NULL, "files" },
	{ "raw", SCHEMA_ARRAY, 0, 1, NULL, 0, 0, NULL, NULL, "owner's" },
	{ "token", SCHEMA_STR, 4, 64, NULL, 0, 0, NULL, NULL, "a token" },
	{ "token_file", SCHEMA_STR, 1, 1024, NULL, 0, 0, NULL, NULL,
	  "its file" },
	{ NULL, 0, 0, 0, NULL, 0, 0, NULL, NULL, NULL }
};

/* A document loaded from text written to a temporary file. */
struct fixture {
	struct jsonfile		 jf;
	struct schema_doc	 doc;
	struct diag		*d;
	char			*path;
};

/* Load text as file "s.json" of a temporary directory. */
static void
load(struct fixture *f, const char *text)
{
	memset(f, 0, sizeof(*f));
	f->d = diag_new();
	ck_assert_ptr_nonnull(f->d);
	f->path = tu_write(tu_tmpdir(), "s.json", text);
	ck_assert_int_eq(jsonfile_load(f->path, "s.json", 65536, &f->jf,
	    f->d), 0);
	f->doc.name = "s.json";
	f->doc.dir = tu_tmpdir();
	f->doc.jp = f->jf.jp;
	f->doc.d = f->d;
}

/* Release a fixture. */
static void
unload(struct fixture *f)
{
	jsonfile_clear(&f->jf);
	diag_free(f->d);
	free(f->path);
	tu_cleanup();
}

/* Say whether the problems include needle, showing them if not. */
#define HAS(f, needle) ck_assert_msg(tu_diag_has((f)->d, (needle)), \
	"no \"%s\" in:\n%s", (needle), tu_diag_all((f)->d))

/* Every problem at once, each at its place. */
START_TEST(test_all_problems)
{
	struct fixture	 f;

	load(&f, "{\n"
	    "  \"mode\": \"c\", \"on\": 3,\n"
	    "  \"inner\": {\"port\": 11, \"colour\": 1},\n"
	    "  \"list\": [{\"port\": \"x\"}, 4, {}],\n"
	    "  \"tags\": [1], \"files\": {}, \"raw\": [1, 2],\n"
	    "  \"free\": \"anything at all, any length\"\n"
	    "}\n");
	schema_check(&f.doc, f.jf.root, "", t_top);
	HAS(&f, "s.json:2:11: /mode: must be one of a|b");
	HAS(&f, "s.json:2:22: /on: must be true or false");
	HAS(&f, "s.json:3:21: /inner/port: must be within 1..10");
	HAS(&f, "s.json:3:25: /inner/colour: unknown key \"colour\"");
	HAS(&f, "s.json:4:11: /list: must be an array of 1 to 2 entries");
	HAS(&f, "s.json:5:12: /tags/0: must be a string");
	HAS(&f, "s.json:5:25: /files: must be an object of 1 to 2 names");
	HAS(&f, "s.json:5:36: /raw: must be an array of 0 to 1 entries");
	HAS(&f, "s.json:1:1: /: missing \"name\"");
	ck_assert_uint_eq(f.doc.errors, diag_count(f.d));
	ck_assert_uint_eq(f.doc.errors, 9);
	unload(&f);
}
END_TEST

/* Entries of lists are walked with their own table. */
START_TEST(test_list_entries)
{
	struct fixture	 f;

	load(&f, "{\"name\": \"n\", \"list\": [{\"port\": \"x\"}, 4],\n"
	    " \"files\": {\"a\": \"\"}, \"tags\": [\"t\"]}");
	schema_check(&f.doc, f.jf.root, "", t_top);
	HAS(&f, "s.json:1:33: /list/0/port: must be an integer");
	HAS(&f, "s.json:1:39: /list/1: must be an object");
	HAS(&f, "s.json:2:17: /files/a: must be a file name");
	ck_assert_uint_eq(f.doc.errors, 3);
	unload(&f);
}
END_TEST

/* Member names with '/' and '~' are escaped in pointers, and located. */
START_TEST(test_pointer_escaping)
{
	struct fixture	 f;
	char		 buf[SCHEMA_PTR_MAX];

	ck_assert_str_eq(schema_ptr(buf, sizeof(buf), "/a", "b/c~d"),
	    "/a/b~1c~0d");
	ck_assert_str_eq(schema_ptr(buf, sizeof(buf), "", "~"), "/~0");
	ck_assert_str_eq(schema_ptr_index(buf, sizeof(buf), "/l", 12),
	    "/l/12");
	/* Too long: cut, never split inside an escape, always ended. */
	ck_assert_str_eq(schema_ptr(buf, 6, "/ab", "~~"), "/ab/");
	ck_assert_str_eq(schema_ptr(buf, 7, "/ab", "~~"), "/ab/~0");

	load(&f, "{\"name\": \"n\",\n \"a/b~c\": 1}");
	schema_check(&f.doc, f.jf.root, "", t_top);
	HAS(&f, "s.json:2:2: /a~1b~0c: unknown key \"a/b~c\"");
	unload(&f);
}
END_TEST

/* Strings: NUL (jansson keeps it when told to), length, any length. */
START_TEST(test_strings)
{
	struct fixture	 f;
	json_t		*v;

	v = json_stringn("a\0b", 3);
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(schema_valid(&t_top[0], v), 0);
	load(&f, "{}");
	/* A tree built in memory has no positions: the pointer says where. */
	f.doc.jp = NULL;
	ck_assert_int_eq(json_object_set_new(f.jf.root, "name", v), 0);
	schema_check(&f.doc, f.jf.root, "", t_top);
	HAS(&f, "s.json: /name: must not contain NUL");
	unload(&f);
	load(&f, "{\"name\": \"abc\", \"token\": \"abc\", \"free\": \"\"}");
	schema_check(&f.doc, f.jf.root, "", t_top);
	HAS(&f, "s.json:1:26: /token: must be 4 to 64 bytes long");
	ck_assert_uint_eq(f.doc.errors, 1);
	unload(&f);
}
END_TEST

/* Getters read checked members and fall back to the defaults. */
START_TEST(test_getters)
{
	struct fixture	 f;
	json_t		*inner;

	load(&f, "{\"name\": \"toolongname\", \"mode\": \"b\", \"on\": false,"
	    " \"inner\": {\"port\": 7}}");
	inner = json_object_get(f.jf.root, "inner");
	ck_assert_str_eq(schema_str(f.jf.root, t_top, "mode"), "b");
	/* A member that failed its check reads as the default. */
	ck_assert_str_eq(schema_str(f.jf.root, t_top, "name"), "anon");
	ck_assert_ptr_null(schema_get(f.jf.root, t_top, "name"));
	ck_assert_int_eq(schema_bool(f.jf.root, t_top, "on"), 0);
	ck_assert_int_eq(schema_int(inner, t_inner, "port"), 7);
	ck_assert_int_eq(schema_int(NULL, t_inner, "port"), 5);
	ck_assert_int_eq(schema_bool(NULL, t_top, "on"), 1);
	ck_assert_ptr_null(schema_str(NULL, t_top, "free"));
	ck_assert_ptr_null(schema_find(t_top, "nope"));
	unload(&f);
}
END_TEST

/* Two tables checked as one block. */
START_TEST(test_union)
{
	static const struct schema_key	 more[] = {
		{ "extra", SCHEMA_INT, 0, 1, NULL, 0, 1, NULL, NULL, "x" },
		{ NULL, 0, 0, 0, NULL, 0, 0, NULL, NULL, NULL }
	};
	const struct schema_key		*tables[] = { t_inner, more, NULL };
	struct fixture			 f;

	load(&f, "{\"port\": 3, \"other\": 2}");
	schema_check_union(&f.doc, f.jf.root, "", tables);
	HAS(&f, "s.json:1:13: /other: unknown key \"other\"");
	HAS(&f, "s.json:1:1: /: missing \"extra\"");
	ck_assert_uint_eq(f.doc.errors, 2);
	unload(&f);
}
END_TEST

/* Return 1 if a test token is all letters. */
static int
alpha_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if ((*s < 'a' || *s > 'z') && (*s < 'A' || *s > 'Z'))
			return 0;
	return 1;
}

static const struct schema_secret_rule alpha_rule = {
	"token", alpha_ok, "letters only"
};

/* Secrets inline, in a private file, both, or bad. */
START_TEST(test_secret)
{
	struct fixture	 f;
	char		*s, *p, want[512];
	int		 given;

	load(&f, "{\"token\": \"abcdef\"}");
	s = schema_secret(&f.doc, f.jf.root, t_top, "", "token",
	    "token_file", &alpha_rule, &given);
	ck_assert_str_eq(s, "abcdef");
	ck_assert_int_eq(given, 1);
	free(s);
	unload(&f);

	load(&f, "{\"token\": \"abc123\"}");
	s = schema_secret(&f.doc, f.jf.root, t_top, "", "token",
	    "token_file", &alpha_rule, NULL);
	ck_assert_ptr_null(s);
	HAS(&f, "s.json:1:11: /token: must be letters only");
	unload(&f);

	load(&f, "{\"token\": \"abcdef\", \"token_file\": \"t\"}");
	s = schema_secret(&f.doc, f.jf.root, t_top, "", "token",
	    "token_file", &alpha_rule, NULL);
	ck_assert_ptr_null(s);
	HAS(&f, "s.json:1:21: /token_file: use either \"token\" or "
	    "\"token_file\"");
	unload(&f);

	load(&f, "{\"token_file\": \"t.key\"}");
	p = tu_write(tu_tmpdir(), "t.key", "FileToken\n");
	ck_assert_int_eq(chmod(p, 0600), 0);
	s = schema_secret(&f.doc, f.jf.root, t_top, "", "token",
	    "token_file", &alpha_rule, &given);
	ck_assert_str_eq(s, "FileToken");
	free(s);
	/* The rule applies to what the file holds. */
	free(tu_write(tu_tmpdir(), "t.key", "File Token\n"));
	s = schema_secret(&f.doc, f.jf.root, t_top, "", "token",
	    "token_file", &alpha_rule, NULL);
	ck_assert_ptr_null(s);
	snprintf(want, sizeof(want), "s.json:1:16: /token_file: the token "
	    "in %s must be letters only", p);
	HAS(&f, want);
	free(p);
	unload(&f);

	load(&f, "{}");
	s = schema_secret(&f.doc, f.jf.root, t_top, "", "token",
	    "token_file", &alpha_rule, &given);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(given, 0);
	ck_assert_uint_eq(f.doc.errors, 0);
	unload(&f);
}
END_TEST

/* The key list for -k and the manual. */
START_TEST(test_print)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp;

	fp = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(fp);
	schema_print(fp, SCHEMA_TEXT, "", t_top);
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(buf, "\nmode                               "
	    "string   \"a\"                  a mode: a|b\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\ninner.port                         "
	    "integer  5 (1..10)            a port\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\nlist[].port "));
	ck_assert_ptr_nonnull(strstr(buf, "name                               "
	    "string   required             a name\n"));
	free(buf);

	buf = NULL;
	fp = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(fp);
	schema_print(fp, SCHEMA_ROFF, "x.", t_inner);
	fclose(fp);
	ck_assert_str_eq(buf, ".It Ic x.port\ninteger, 5 (1..10): a port\n");
	free(buf);
}
END_TEST

/* The suite. */
static Suite *
schema_suite(void)
{
	Suite	*s = suite_create("schema");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_all_problems);
	tcase_add_test(tc, test_list_entries);
	tcase_add_test(tc, test_pointer_escaping);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_getters);
	tcase_add_test(tc, test_union);
	tcase_add_test(tc, test_secret);
	tcase_add_test(tc, test_print);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(schema_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
