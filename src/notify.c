/* SPDX-License-Identifier: ISC */
/*
 * notify: the table of alert transports and what goes through it. It
 * owns the "notify" block of the configuration (every transport's keys,
 * checked at once, their secrets read from private files, each
 * transport's state), hands an alert to its target's transport, asks
 * that transport for the verdict, and keeps the retry schedule. How a
 * request looks lives in notify_<transport>.c; sending it is fetch.c's
 * job, choosing whom to alert is dispatch.c's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "notify.h"
#include "notify_common.h"
#include "schema.h"

#define NOTIFY_BACKOFF_FIRST	5	/* seconds before the first retry */
#define NOTIFY_BACKOFF_CAP	3600	/* at most an hour */
#define NOTIFY_TABLES_MAX	32	/* key tables of the block */

/* The transports, one file each: a new one is a file and a line here. */
extern const struct notify_transport notify_webhook, notify_telegram,
    notify_sms_at, notify_plasgate;

static const struct notify_transport *const notify_transports[] = {
	&notify_webhook,
	&notify_telegram,
	&notify_sms_at,
	&notify_plasgate,
	NULL
};

#define NOTIFY_NTRANSPORTS \
	(sizeof(notify_transports) / sizeof(notify_transports[0]) - 1)

_Static_assert(2 * NOTIFY_NTRANSPORTS + 2 <= NOTIFY_TABLES_MAX,
    "NOTIFY_TABLES_MAX is too small for the transports' key tables");

/* The keys of the block that belong to no transport. */
static const struct schema_key notify_keys[] = {
	SCHEMA_COMMENT,
	SCHEMA_END
};

/* The settings read and every transport's state made from them. */
struct notify_conf {
	struct notify_setting	*set;		/* strings owned */
	void			*state[NOTIFY_NTRANSPORTS];
};

/* Find a transport by name. */
const struct notify_transport *
notify_transport_find(const char *name)
{
	size_t	 i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < NOTIFY_NTRANSPORTS; i++)
		if (strcmp(notify_transports[i]->name, name) == 0)
			return notify_transports[i];
	return NULL;
}

/* Transport number i, or NULL. */
const struct notify_transport *
notify_transport_at(size_t i)
{
	return i < NOTIFY_NTRANSPORTS ? notify_transports[i] : NULL;
}

/*
 * The key tables of the block, in the order -k lists them: each
 * transport's own, then what comes back, then the block's own keys.
 * NULL-ended.
 */
static void
notify_tables(const struct schema_key **out)
{
	size_t	 i, n = 0;

	for (i = 0; i < NOTIFY_NTRANSPORTS; i++)
		if (notify_transports[i]->schema != NULL)
			out[n++] = notify_transports[i]->schema;
	for (i = 0; i < NOTIFY_NTRANSPORTS; i++)
		if (notify_transports[i]->inbound != NULL)
			out[n++] = notify_transports[i]->inbound;
	out[n++] = notify_keys;
	out[n] = NULL;
}

/* Return 1 if a key names a file holding a secret ("..._file"). */
static int
notify_is_file(const char *name)
{
	size_t	 n = strlen(name);

	return n > 5 && strcmp(name + n - 5, "_file") == 0;
}

/* Free a notify_conf, wiping the settings. */
void
notify_conf_free(struct notify_conf *nc)
{
	const struct notify_transport	*t;
	size_t				 i;

	if (nc == NULL)
		return;
	for (i = 0; i < NOTIFY_NTRANSPORTS; i++) {
		t = notify_transports[i];
		if (nc->state[i] != NULL && t->free != NULL)
			t->free(nc->state[i]);
		else
			free(nc->state[i]);
	}
	for (i = 0; nc->set != NULL && nc->set[i].name != NULL; i++)
		notify_wipe_free((char *)nc->set[i].str);
	free(nc->set);
	free(nc);
}

/*
 * Copy set and configure every transport from the copy, which the states
 * may borrow from. NULL when memory ran out.
 */
static struct notify_conf *
notify_conf_make(struct schema_doc *doc, const struct notify_setting *set,
    const char *ptr)
{
	const struct notify_transport	*t;
	struct notify_conf		*nc;
	size_t				 i, n;

	nc = calloc(1, sizeof(*nc));
	if (nc == NULL)
		return NULL;
	for (n = 0; set[n].name != NULL; n++)
		continue;
	nc->set = calloc(n + 1, sizeof(*nc->set));
	if (nc->set == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		nc->set[i].name = set[i].name;	/* static: a table's */
		nc->set[i].num = set[i].num;
		if (set[i].str == NULL)
			continue;
		if ((nc->set[i].str = strdup(set[i].str)) == NULL)
			goto fail;
	}
	for (i = 0; i < NOTIFY_NTRANSPORTS; i++) {
		t = notify_transports[i];
		if (t->configure == NULL)
			continue;
		nc->state[i] = t->configure(doc, nc->set, ptr);
		if (nc->state[i] == NULL)
			goto fail;
	}
	return nc;

fail:
	notify_conf_free(nc);
	return NULL;
}

/* A notify_conf from settings given directly. */
struct notify_conf *
notify_conf_new(const struct notify_setting *set)
{
	return notify_conf_make(NULL, set, "");
}

/*
 * Read one key of the block into *s: a string (a file's secret, read and
 * checked; new, to wipe) or a number.
 */
static void
notify_read(struct schema_doc *doc, json_t *block, const char *ptr,
    const struct schema_key *t, const struct schema_key *k,
    struct notify_setting *s, char **owned)
{
	const char	*v;
	char		 p[SCHEMA_PTR_MAX];

	s->name = k->name;
	if (k->type != SCHEMA_STR) {
		s->num = schema_int(block, t, k->name);
		return;
	}
	v = schema_str(block, t, k->name);
	if (v != NULL && notify_is_file(k->name)) {
		schema_ptr(p, sizeof(p), ptr, k->name);
		*owned = schema_secret_file(doc, v, p, &schema_shared_secret);
		v = *owned;
	}
	s->str = v;
}

/* Check and read the block, then configure every transport. */
struct notify_conf *
notify_configure(struct schema_doc *doc, json_t *block, const char *ptr)
{
	const struct schema_key	*tables[NOTIFY_TABLES_MAX];
	const struct schema_key	*k;
	struct notify_setting	*set = NULL;
	struct notify_conf	*nc = NULL;
	char			**owned = NULL;
	size_t			 i, n = 0;

	notify_tables(tables);
	if (!json_is_object(block))
		block = NULL;	/* the walker over its parent said so */
	else
		schema_check_union(doc, block, ptr, tables);
	for (i = 0; tables[i] != NULL; i++)
		for (k = tables[i]; k->name != NULL; k++)
			n++;
	set = calloc(n + 1, sizeof(*set));
	owned = calloc(n + 1, sizeof(*owned));
	if (set == NULL || owned == NULL)
		goto fail;
	/* The order of the tables, so that problems come in that order. */
	for (i = 0, n = 0; tables[i] != NULL; i++)
		for (k = tables[i]; k->name != NULL; k++, n++)
			notify_read(doc, block, ptr, tables[i], k, &set[n],
			    &owned[n]);
	nc = notify_conf_make(doc, set, ptr);
	if (nc == NULL)
		goto fail;
	goto done;

fail:
	schema_err(doc, ptr, 0, "out of memory");
done:
	for (i = 0; owned != NULL && i < n; i++)
		notify_wipe_free(owned[i]);
	free(owned);
	free(set);
	return nc;
}

/* The index of t in the table, or NOTIFY_NTRANSPORTS. */
static size_t
notify_index(const struct notify_transport *t)
{
	size_t	 i;

	for (i = 0; i < NOTIFY_NTRANSPORTS; i++)
		if (notify_transports[i] == t)
			break;
	return i;
}

/* The state of one transport. */
const void *
notify_conf_state(const struct notify_conf *nc,
    const struct notify_transport *t)
{
	size_t	 i = notify_index(t);

	if (nc == NULL || i == NOTIFY_NTRANSPORTS)
		return NULL;
	return nc->state[i];
}

/* Whether a transport is configured. */
int
notify_conf_ready(const struct notify_conf *nc,
    const struct notify_transport *t)
{
	if (t == NULL)
		return 0;
	return t->ready == NULL || t->ready(notify_conf_state(nc, t));
}

/* A string setting as read. */
const char *
notify_conf_str(const struct notify_conf *nc, const char *name)
{
	return nc != NULL ? notify_setting_str(nc->set, name) : NULL;
}

/* Print the keys of the block. */
void
notify_print_keys(FILE *fp, enum schema_format fmt, const char *prefix)
{
	const struct schema_key	*tables[NOTIFY_TABLES_MAX];
	size_t			 i;

	notify_tables(tables);
	for (i = 0; tables[i] != NULL; i++)
		schema_print(fp, fmt, prefix, tables[i]);
}

/* Build the request of target's transport; see notify.h. */
int
notify_build(const struct notify_conf *nc, const struct roster_alert *target,
    const struct notify_alert *a, time_t now, struct notify_http *out,
    const char **cause)
{
	const struct notify_transport	*t = target->transport;

	memset(out, 0, sizeof(*out));
	if (notify_alert_check(a, cause) == -1)
		return -1;
	if (target->target == NULL || *target->target == '\0') {
		*cause = "alert target is empty";
		return -1;
	}
	if (t == NULL || notify_index(t) == NOTIFY_NTRANSPORTS) {
		*cause = "unknown alert transport";
		return -1;
	}
	return t->build(notify_conf_state(nc, t), target, a, now, out, cause);
}

/*
 * Judge one attempt. The status alone decides: curl_code says why there
 * was no answer (status 0, always retried), and a transfer that failed
 * after the status line still got the provider's verdict.
 */
enum notify_verdict
notify_verdict(const struct notify_transport *t, long status, int curl_code,
    const char *body)
{
	if (t == NULL || t->verdict == NULL)
		return notify_verdict_status(status, curl_code, body);
	return t->verdict(status, curl_code, body);
}

/* Seconds before retry number attempt, jittered by r; see notify.h. */
long
notify_backoff(int attempt, long first, uint32_t r)
{
	long	 base = first > 0 ? first : NOTIFY_BACKOFF_FIRST;
	int	 i;

	if (attempt < 1)
		attempt = 1;
	/* Double step by step so that a huge attempt cannot overflow. */
	for (i = 1; i < attempt && base < NOTIFY_BACKOFF_CAP; i++)
		base *= 2;
	if (base > NOTIFY_BACKOFF_CAP)
		base = NOTIFY_BACKOFF_CAP;
	return base / 2 + (long)(r % (uint32_t)(base / 2 + 1));
}
