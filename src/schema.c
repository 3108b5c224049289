/* SPDX-License-Identifier: ISC */
/*
 * schema: the walker over key tables. It checks the shape of an admin's
 * JSON object (types, lengths, ranges, choices, unknown and missing keys)
 * against the table its owning module declares, reports each problem with
 * its file:line:col and escaped JSON pointer, reads checked members with
 * their defaults, and prints tables for -k and the manual. What a value
 * means stays with the module that owns the table.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "diag.h"
#include "jsonfile.h"
#include "schema.h"
#include "secret.h"

/* Report a problem at a pointer and count it. */
void
schema_err(struct schema_doc *doc, const char *ptr, int key, const char *fmt,
    ...)
{
	char	 msg[512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_at(doc->d, doc->name, doc->jp, ptr, key, "%s", msg);
	doc->errors++;
}

/* Report a warning at a pointer. */
void
schema_warn(struct schema_doc *doc, const char *ptr, int key,
    const char *fmt, ...)
{
	char	 msg[512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_warn_at(doc->d, doc->name, doc->jp, ptr, key, "%s", msg);
}

/*
 * Build base/member, escaping the member as RFC 6901 says. A pointer that
 * does not fit is cut: it can only blur where a message points.
 */
const char *
schema_ptr(char *buf, size_t len, const char *base, const char *member)
{
	size_t	 n;

	if (len == 0)
		return buf;
	n = strlen(base);
	if (n >= len)
		n = len - 1;
	memmove(buf, base, n);
	if (n + 1 < len)
		buf[n++] = '/';
	for (; *member != '\0' && n + 1 < len; member++) {
		if (*member == '~' || *member == '/') {
			if (n + 2 >= len)
				break;
			buf[n++] = '~';
			buf[n++] = *member == '~' ? '0' : '1';
		} else
			buf[n++] = *member;
	}
	buf[n] = '\0';
	return buf;
}

/* Build base/i. */
const char *
schema_ptr_index(char *buf, size_t len, const char *base, size_t i)
{
	char	 num[24];

	snprintf(num, sizeof(num), "%zu", i);
	return schema_ptr(buf, len, base, num);
}

/* Find a key in a table. */
const struct schema_key *
schema_find(const struct schema_key *t, const char *name)
{
	for (; t->name != NULL; t++)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

/* Return 1 if s is one of the '|'-separated choices. */
static int
schema_choice(const char *choices, const char *s)
{
	size_t		 n = strlen(s), len;
	const char	*p = choices, *bar;

	for (;;) {
		bar = strchr(p, '|');
		len = bar != NULL ? (size_t)(bar - p) : strlen(p);
		if (len == n && strncmp(p, s, n) == 0)
			return 1;
		if (bar == NULL)
			return 0;
		p = bar + 1;
	}
}

/* Return 1 if v holds a number of entries within k's range. */
static int
schema_count_ok(const struct schema_key *k, size_t n)
{
	return (long)n >= k->min && (long)n <= k->max;
}

/* Check the value of one key, without descending into nested tables. */
int
schema_valid(const struct schema_key *k, json_t *v)
{
	json_int_t	 iv;
	size_t		 n;

	switch (k->type) {
	case SCHEMA_STR:
		if (!json_is_string(v))
			return 0;
		n = json_string_length(v);
		if (strlen(json_string_value(v)) != n)
			return 0;
		if (k->max != 0 && !schema_count_ok(k, n))
			return 0;
		return k->choices == NULL ||
		    schema_choice(k->choices, json_string_value(v));
	case SCHEMA_INT:
		if (!json_is_integer(v))
			return 0;
		iv = json_integer_value(v);
		return iv >= k->min && iv <= k->max;
	case SCHEMA_BOOL:
		return json_is_boolean(v);
	case SCHEMA_OBJ:
		return json_is_object(v);
	case SCHEMA_MAP:
		return json_is_object(v) &&
		    schema_count_ok(k, json_object_size(v));
	case SCHEMA_STRLIST:
	case SCHEMA_OBJLIST:
	case SCHEMA_ARRAY:
		return json_is_array(v) &&
		    schema_count_ok(k, json_array_size(v));
	case SCHEMA_ANY:
		return 1;
	}
	return 0;
}

/* Say why a string does not suit k. */
static void
schema_complain_str(struct schema_doc *doc, const struct schema_key *k,
    json_t *v, const char *ptr)
{
	size_t	 n;

	if (!json_is_string(v)) {
		schema_err(doc, ptr, 0, "must be a string");
		return;
	}
	n = json_string_length(v);
	if (strlen(json_string_value(v)) != n)
		schema_err(doc, ptr, 0, "must not contain NUL");
	else if (k->max != 0 && !schema_count_ok(k, n))
		schema_err(doc, ptr, 0, "must be %ld to %ld bytes long",
		    k->min, k->max);
	else
		schema_err(doc, ptr, 0, "must be one of %s", k->choices);
}

/* Check the entries of a map, list or object list. */
static void
schema_entries(struct schema_doc *doc, const struct schema_key *k,
    json_t *v, const char *ptr)
{
	const char	*name;
	json_t		*e;
	size_t		 i;
	char		 p[SCHEMA_PTR_MAX];

	if (k->type == SCHEMA_MAP) {
		json_object_foreach(v, name, e) {
			schema_ptr(p, sizeof(p), ptr, name);
			if (!json_is_string(e) || json_string_length(e) == 0)
				schema_err(doc, p, 0, "must be a file name");
		}
		return;
	}
	json_array_foreach(v, i, e) {
		schema_ptr_index(p, sizeof(p), ptr, i);
		if (k->type == SCHEMA_STRLIST && !json_is_string(e))
			schema_err(doc, p, 0, "must be a string");
		else if (k->type == SCHEMA_OBJLIST && !json_is_object(e))
			schema_err(doc, p, 0, "must be an object");
		else if (k->type == SCHEMA_OBJLIST && k->sub != NULL)
			schema_check(doc, e, p, k->sub);
	}
}

/* Check one value against its key and report what is wrong. */
static void
schema_value(struct schema_doc *doc, const struct schema_key *k, json_t *v,
    const char *ptr)
{
	if (!schema_valid(k, v)) {
		switch (k->type) {
		case SCHEMA_STR:
			schema_complain_str(doc, k, v, ptr);
			break;
		case SCHEMA_INT:
			if (!json_is_integer(v))
				schema_err(doc, ptr, 0, "must be an integer");
			else
				schema_err(doc, ptr, 0, "must be within "
				    "%ld..%ld", k->min, k->max);
			break;
		case SCHEMA_BOOL:
			schema_err(doc, ptr, 0, "must be true or false");
			break;
		case SCHEMA_OBJ:
			schema_err(doc, ptr, 0, "must be an object");
			break;
		case SCHEMA_MAP:
			schema_err(doc, ptr, 0, "must be an object of %ld to "
			    "%ld names", k->min, k->max);
			break;
		case SCHEMA_STRLIST:
		case SCHEMA_OBJLIST:
		case SCHEMA_ARRAY:
			schema_err(doc, ptr, 0, "must be an array of %ld to "
			    "%ld entries", k->min, k->max);
			break;
		case SCHEMA_ANY:
			break;
		}
		return;
	}
	if (k->type == SCHEMA_OBJ && k->sub != NULL)
		schema_check(doc, v, ptr, k->sub);
	else if (k->type == SCHEMA_MAP || k->type == SCHEMA_STRLIST ||
	    k->type == SCHEMA_OBJLIST)
		schema_entries(doc, k, v, ptr);
}

/* The key called name in any of the NULL-ended tables. */
static const struct schema_key *
schema_find_any(const struct schema_key *const *tables, const char *name)
{
	const struct schema_key	*k;

	for (; *tables != NULL; tables++)
		if ((k = schema_find(*tables, name)) != NULL)
			return k;
	return NULL;
}

/* Check obj against the union of several tables. */
void
schema_check_union(struct schema_doc *doc, json_t *obj, const char *ptr,
    const struct schema_key *const *tables)
{
	const struct schema_key		*const *t;
	const struct schema_key		*k;
	const char			*name;
	json_t				*v;
	char				 p[SCHEMA_PTR_MAX];

	json_object_foreach(obj, name, v) {
		schema_ptr(p, sizeof(p), ptr, name);
		k = schema_find_any(tables, name);
		if (k == NULL)
			schema_err(doc, p, 1, "unknown %s \"%s\"",
			    doc->noun != NULL ? doc->noun : "key", name);
		else
			schema_value(doc, k, v, p);
	}
	for (t = tables; *t != NULL; t++)
		for (k = *t; k->name != NULL; k++)
			if (k->required && json_object_get(obj, k->name) ==
			    NULL)
				schema_err(doc, ptr, 0, "missing \"%s\"",
				    k->name);
}

/* Check obj against one table. */
void
schema_check(struct schema_doc *doc, json_t *obj, const char *ptr,
    const struct schema_key *t)
{
	const struct schema_key	*tables[2] = { t, NULL };

	schema_check_union(doc, obj, ptr, tables);
}

/* The member if it passed its check, else NULL (borrowed). */
json_t *
schema_get(json_t *obj, const struct schema_key *t, const char *name)
{
	const struct schema_key	*k = schema_find(t, name);
	json_t			*v;

	if (obj == NULL || k == NULL)
		return NULL;
	v = json_object_get(obj, name);
	if (v == NULL || !schema_valid(k, v))
		return NULL;
	return v;
}

/* A checked string member, or the table's default (borrowed). */
const char *
schema_str(json_t *obj, const struct schema_key *t, const char *name)
{
	const struct schema_key	*k = schema_find(t, name);
	json_t			*v = schema_get(obj, t, name);

	if (json_is_string(v))
		return json_string_value(v);
	return k != NULL ? k->sdef : NULL;
}

/* A checked integer (or boolean) member, or the table's default. */
long
schema_int(json_t *obj, const struct schema_key *t, const char *name)
{
	const struct schema_key	*k = schema_find(t, name);
	json_t			*v = schema_get(obj, t, name);

	if (json_is_integer(v))
		return (long)json_integer_value(v);
	if (json_is_boolean(v))
		return json_is_true(v);
	return k != NULL ? k->idef : 0;
}

/* A checked boolean member, or the table's default. */
int
schema_bool(json_t *obj, const struct schema_key *t, const char *name)
{
	return schema_int(obj, t, name) != 0;
}

/* Return 1 if a shared secret has a usable length (16 to 256 bytes). */
static int
schema_shared_ok(const char *s)
{
	size_t	 n = strlen(s);

	return n >= 16 && n <= 256;
}

const struct schema_secret_rule schema_shared_secret = {
	"secret", schema_shared_ok, "16 to 256 bytes"
};

/* Read a secret from a private file named in doc and check it. */
char *
schema_secret_file(struct schema_doc *doc, const char *file, const char *ptr,
    const struct schema_secret_rule *rule)
{
	char	*path, *s = NULL, *cause = NULL;

	path = jsonfile_path(doc->dir, file);
	if (path == NULL) {
		schema_err(doc, ptr, 0, "out of memory");
		return NULL;
	}
	s = secret_read(path, &cause);
	if (s == NULL)
		schema_err(doc, ptr, 0, "%s", cause ? cause : "out of memory");
	else if (rule->ok != NULL && !rule->ok(s)) {
		schema_err(doc, ptr, 0, "the %s in %s must be %s", rule->what,
		    path, rule->rule);
		secret_free(s);
		s = NULL;
	}
	free(cause);
	free(path);
	return s;
}

/* A secret given inline or in a private file. */
char *
schema_secret(struct schema_doc *doc, json_t *obj, const struct schema_key *t,
    const char *ptr, const char *key, const char *fkey,
    const struct schema_secret_rule *rule, int *given)
{
	json_t		*inl = json_object_get(obj, key);
	json_t		*fil = json_object_get(obj, fkey);
	const char	*s, *file;
	char		 p[SCHEMA_PTR_MAX], *out = NULL;

	if (given != NULL)
		*given = inl != NULL || fil != NULL;
	s = inl != NULL ? schema_str(obj, t, key) : NULL;
	file = fil != NULL ? schema_str(obj, t, fkey) : NULL;
	if (inl != NULL && fil != NULL) {
		schema_ptr(p, sizeof(p), ptr, fkey);
		schema_err(doc, p, 1, "use either \"%s\" or \"%s\"", key,
		    fkey);
	} else if (file != NULL) {
		schema_ptr(p, sizeof(p), ptr, fkey);
		out = schema_secret_file(doc, file, p, rule);
	} else if (s != NULL) {
		schema_ptr(p, sizeof(p), ptr, key);
		if (rule->ok != NULL && !rule->ok(s))
			schema_err(doc, p, 0, "must be %s", rule->rule);
		else if ((out = strdup(s)) == NULL)
			schema_err(doc, p, 0, "out of memory");
	}
	return out;
}

/* The names schema_print gives the types. */
static const char *const schema_type_names[] = {
	[SCHEMA_STR] = "string",
	[SCHEMA_INT] = "integer",
	[SCHEMA_BOOL] = "boolean",
	[SCHEMA_OBJ] = "object",
	[SCHEMA_STRLIST] = "strings",
	[SCHEMA_MAP] = "map",
	[SCHEMA_OBJLIST] = "objects",
	[SCHEMA_ARRAY] = "array",
	[SCHEMA_ANY] = "any",
};

/* A key's default or range as -k and the manual show it. */
static void
schema_default(const struct schema_key *k, char *buf, size_t len)
{
	if (k->required)
		snprintf(buf, len, "required");
	else if (k->type == SCHEMA_STR && k->sdef != NULL)
		snprintf(buf, len, "\"%s\"", k->sdef);
	else if (k->type == SCHEMA_INT && (k->idef < k->min ||
	    k->idef > k->max))
		snprintf(buf, len, "- (%ld..%ld)", k->min, k->max);
	else if (k->type == SCHEMA_INT)
		snprintf(buf, len, "%ld (%ld..%ld)", k->idef, k->min, k->max);
	else if (k->type == SCHEMA_BOOL)
		snprintf(buf, len, "%s", k->idef ? "true" : "false");
	else
		snprintf(buf, len, "-");
}

/* Write s for mdoc: a leading dot or quote is escaped, as is '\'. */
static void
schema_roff(FILE *fp, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", fp);
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			fputs("\\e", fp);
		else
			fputc(*s, fp);
	}
}

/* Print one key. */
static void
schema_print_key(FILE *fp, enum schema_format fmt, const char *name,
    const struct schema_key *k)
{
	char	 def[64];
	int	 nested = k->sub != NULL &&
		    (k->type == SCHEMA_OBJ || k->type == SCHEMA_OBJLIST);

	schema_default(k, def, sizeof(def));
	if (fmt == SCHEMA_TEXT) {
		if (nested)
			fprintf(fp, "%-34s %-8s %s\n", name,
			    schema_type_names[k->type], k->help);
		else
			fprintf(fp, "%-34s %-8s %-20s %s%s%s\n", name,
			    schema_type_names[k->type], def, k->help,
			    k->choices ? ": " : "",
			    k->choices ? k->choices : "");
		return;
	}
	fputs(".It Ic ", fp);
	schema_roff(fp, name);
	fprintf(fp, "\n%s", schema_type_names[k->type]);
	if (!nested) {
		fputs(", ", fp);
		schema_roff(fp, def);
	}
	fputs(": ", fp);
	schema_roff(fp, k->help);
	if (k->choices != NULL) {
		fputs(": ", fp);
		schema_roff(fp, k->choices);
	}
	fputs("\n", fp);
}

/* Print a table and the tables nested in it. */
void
schema_print(FILE *fp, enum schema_format fmt, const char *prefix,
    const struct schema_key *t)
{
	char	 name[128];

	for (; t->name != NULL; t++) {
		snprintf(name, sizeof(name), "%s%s", prefix, t->name);
		schema_print_key(fp, fmt, name, t);
		if (t->sub == NULL ||
		    (t->type != SCHEMA_OBJ && t->type != SCHEMA_OBJLIST))
			continue;
		snprintf(name, sizeof(name), "%s%s%s.", prefix, t->name,
		    t->type == SCHEMA_OBJLIST ? "[]" : "");
		schema_print(fp, fmt, name, t->sub);
	}
}
