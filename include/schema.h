/* SPDX-License-Identifier: ISC */
/*
 * schema: the one description of every file an admin writes. Each block
 * of the configuration, the roster and a menu is a table of keys (name,
 * type, range, default, one line of help); one walker checks a JSON object
 * against its table and reports every problem as "file:line:col:
 * /json/pointer: message", pointers escaped as RFC 6901 says. Typed
 * getters read a checked member or its default; one reader takes a secret
 * given inline or in a private "_file". What a value means is the owning
 * module's business; this module only knows shapes.
 */
#ifndef HOTLINED_SCHEMA_H
#define HOTLINED_SCHEMA_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

struct diag;
struct jsonpos;

/* The longest JSON pointer built; a longer one is cut (it only blurs). */
#define SCHEMA_PTR_MAX		256

enum schema_type {
	SCHEMA_STR,	/* string of min..max bytes (max 0: any length),
			   no NUL, one of choices when set */
	SCHEMA_INT,	/* integer within min..max */
	SCHEMA_BOOL,	/* true or false */
	SCHEMA_OBJ,	/* object: checked against sub when sub is set,
			   else by the owning module */
	SCHEMA_STRLIST,	/* array of min..max strings */
	SCHEMA_MAP,	/* object of min..max names -> non-empty strings */
	SCHEMA_OBJLIST,	/* array of min..max objects, each checked
			   against sub when sub is set */
	SCHEMA_ARRAY,	/* array of min..max entries the owner checks */
	SCHEMA_ANY	/* any value: a note the daemon ignores */
};

/* One key of a block; a table ends with a key whose name is NULL. */
struct schema_key {
	const char		*name;
	enum schema_type	 type;
	long			 min;
	long			 max;
	const char		*sdef;		/* string default, or NULL */
	long			 idef;		/* integer or boolean default */
	int			 required;
	const char		*choices;	/* "a|b|c", or NULL */
	const struct schema_key	*sub;		/* OBJ, OBJLIST */
	const char		*help;		/* one line, for -k and man */
};

/* The end of a table, and the "comment" key most objects may carry. */
#define SCHEMA_END	{ NULL, 0, 0, 0, NULL, 0, 0, NULL, NULL, NULL }
#define SCHEMA_COMMENT \
	{ "comment", SCHEMA_STR, 0, 4096, NULL, 0, 0, NULL, NULL, \
	  "free text for admins" }

/*
 * A document being checked: how its problems are named and located, and
 * how many there were. Filled by the loader; jp and d are borrowed.
 */
struct schema_doc {
	const char		*name;	/* the file as named to the admin */
	const char		*dir;	/* its directory, for relative paths */
	const struct jsonpos	*jp;	/* positions, or NULL */
	struct diag		*d;
	size_t			 errors;
	const char		*noun;	/* "unknown <noun>": NULL is "key" */
};

/* What a secret must look like, for checks and messages. */
struct schema_secret_rule {
	const char	*what;			/* "token", "secret" */
	int		(*ok)(const char *);	/* 1 when usable */
	const char	*rule;			/* completes "must be ..." */
};

/* A shared secret of 16 to 256 bytes: a channel token, a provider key. */
extern const struct schema_secret_rule schema_shared_secret;

/*
 * Report a problem at pointer ptr of doc (at the member name when key is
 * set) and count it.
 */
void	schema_err(struct schema_doc *doc, const char *ptr, int key,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Report a warning (a sample value left in) at ptr; not counted. */
void	schema_warn(struct schema_doc *doc, const char *ptr, int key,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * The pointer base + "/" + member into buf, escaping '~' as "~0" and
 * '/' as "~1" (RFC 6901). Returns buf; a pointer too long is cut.
 */
const char *schema_ptr(char *buf, size_t len, const char *base,
	    const char *member);

/* The pointer base + "/" + i into buf. Returns buf. */
const char *schema_ptr_index(char *buf, size_t len, const char *base,
	    size_t i);

/* The key called name in table t, or NULL. */
const struct schema_key *schema_find(const struct schema_key *t,
	    const char *name);

/* 1 when v has the type, length, range and choice that k asks for. */
int	schema_valid(const struct schema_key *k, json_t *v);

/*
 * Check every member of obj (at pointer ptr) against table t: unknown
 * members, wrong types and ranges, missing required members; nested
 * tables are walked too. Every problem goes to doc.
 */
void	schema_check(struct schema_doc *doc, json_t *obj, const char *ptr,
	    const struct schema_key *t);

/*
 * Check obj against the union of the NULL-ended tables: a block whose
 * keys several modules declare (each transport its own settings).
 */
void	schema_check_union(struct schema_doc *doc, json_t *obj,
	    const char *ptr, const struct schema_key *const *tables);

/*
 * Typed getters over a checked object (obj may be NULL). A member that
 * is absent or failed its check reads as the table's default. name must
 * be a key of t. Strings are borrowed from obj or the table.
 */
json_t	*schema_get(json_t *obj, const struct schema_key *t,
	    const char *name);
const char *schema_str(json_t *obj, const struct schema_key *t,
	    const char *name);
long	schema_int(json_t *obj, const struct schema_key *t,
	    const char *name);
int	schema_bool(json_t *obj, const struct schema_key *t,
	    const char *name);

/*
 * A secret given inline (member key of obj) or in a private file (member
 * fkey, relative to doc->dir): read with secret_read and checked with
 * rule (rule->ok may be NULL: no check beyond the table's). Both members
 * at once is a problem. Returns a new string the caller wipes and frees,
 * or NULL when there is none or it is bad (reported at ptr/key or
 * ptr/fkey). *given (may be NULL) says whether either member was there.
 */
char	*schema_secret(struct schema_doc *doc, json_t *obj,
	    const struct schema_key *t, const char *ptr, const char *key,
	    const char *fkey, const struct schema_secret_rule *rule,
	    int *given);

/*
 * The secret in file (a member's value, relative to doc->dir), read with
 * secret_read and checked with rule; the problem is reported at ptr. A
 * new string the caller wipes and frees, or NULL.
 */
char	*schema_secret_file(struct schema_doc *doc, const char *file,
	    const char *ptr, const struct schema_secret_rule *rule);

/* How schema_print writes a table. */
enum schema_format {
	SCHEMA_TEXT,	/* aligned columns, for hotlined -k */
	SCHEMA_ROFF	/* mdoc .It entries, for hotlined.conf(5) */
};

/*
 * Print every key of t (and of its nested tables) with its type, default
 * or range and help, names prefixed by prefix ("channels[].").
 */
void	schema_print(FILE *fp, enum schema_format fmt, const char *prefix,
	    const struct schema_key *t);

#endif
