/* SPDX-License-Identifier: ISC */
/*
 * sms_conf: the "sms" block of the configuration, read against its key
 * table: the conversation words (with defaults in Khmer, English and
 * romanized Khmer), the notice, the limits and the prefix table. It
 * checks the block's own rules; conf.c checks that the channels the
 * prefix table names exist and can send.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "channel.h"
#include "sms_conf.h"

/* The defaults: English, Khmer, then romanized Khmer. */
static const char *const sms_def_keywords[] = {
	"HELP", "MENU", "ជួយ", "CHUOY", NULL
};
static const char *const sms_def_stop[] = {
	"STOP", "ឈប់", "CHHOP", NULL
};
static const char *const sms_def_start[] = {
	"START", "ចាប់ផ្តើម", "CHAB", NULL
};
static const char *const sms_def_exit[] = {
	"EXIT", "ចេញ", "CHENH", NULL
};

static const struct schema_key sk_limit[] = {
	{ "messages", SCHEMA_INT, 1, 1000, NULL, 20, 0, NULL, NULL,
	  "messages one number may send in the window" },
	{ "minutes", SCHEMA_INT, 1, 1440, NULL, 10, 0, NULL, NULL,
	  "the window, in minutes" },
	{ "block_minutes", SCHEMA_INT, 0, 10080, NULL, 60, 0, NULL, NULL,
	  "minutes a number over the limit is ignored (0: only the rest "
	  "of the window)" },
	SCHEMA_END
};

static const struct schema_key sk_sms[] = {
	{ "keywords", SCHEMA_STRLIST, 1, 16, NULL, 0, 0, NULL, NULL,
	  "words that start a conversation at the root (default: HELP, "
	  "MENU, \xe1\x9e\x87\xe1\x9e\xbd\xe1\x9e\x99, CHUOY)" },
	{ "stop", SCHEMA_STRLIST, 1, 16, NULL, 0, 0, NULL, NULL,
	  "words that opt a number out: nothing is sent to it until it "
	  "writes a start word (default: STOP, "
	  "\xe1\x9e\x88\xe1\x9f\x82\xe1\x9e\x94\xe1\x9f\x8b, CHHOP)" },
	{ "start", SCHEMA_STRLIST, 1, 16, NULL, 0, 0, NULL, NULL,
	  "words that opt a number back in and show the root "
	  "(default: START, ...)" },
	{ "exit", SCHEMA_STRLIST, 1, 16, NULL, 0, 0, NULL, NULL,
	  "quick-exit words: the conversation ends and nothing is sent "
	  "(default: EXIT, \xe1\x9e\x85\xe1\x9f\x81\xe1\x9e\x89, CHENH)" },
	{ "notice", SCHEMA_STR, 1, 480, NULL, 0, 0, NULL, NULL,
	  "sent before the first reply of each conversation: texts stay on "
	  "the phone, how to delete them" },
	{ "per_number", SCHEMA_OBJ, 0, 0, NULL, 0, 0, NULL, sk_limit,
	  "deprecated: read as limits.per_number (if that is not set)" },
	{ "max_attempts", SCHEMA_INT, 1, 50, NULL, 10, 0, NULL, NULL,
	  "tries of one outbound message before it is given up" },
	{ "retry_seconds", SCHEMA_INT, 1, 3600, NULL, 5, 0, NULL, NULL,
	  "seconds before the first retry of a send, doubled each time up "
	  "to 10 minutes" },
	{ "seen_hours", SCHEMA_INT, 1, 720, NULL, 48, 0, NULL, NULL,
	  "hours a gateway's message id is remembered (its retries get no "
	  "second reply)" },
	{ "routes", SCHEMA_MAP, 1, 256, NULL, 0, 0, NULL, NULL,
	  "number prefix (country code first, digits) -> the channel that "
	  "sends to it" },
	SCHEMA_COMMENT,
	SCHEMA_END
};

/* Fill w from a STRLIST (or the defaults); words are trimmed copies. */
static int
sms_words_read(struct schema_doc *doc, json_t *list, const char *ptr,
    const char *const *def, struct sms_words *w)
{
	const char	*v;
	char		 p[SCHEMA_PTR_MAX];
	size_t		 i, n;

	n = 0;
	if (list != NULL)
		n = json_array_size(list);
	else
		while (def[n] != NULL)
			n++;
	w->word = calloc(n + 1, sizeof(*w->word));
	if (w->word == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		v = list != NULL ? json_string_value(json_array_get(list, i)) :
		    def[i];
		if (v == NULL)
			continue;	/* reported by the walker */
		if (strchr(v, ' ') != NULL) {
			schema_ptr_index(p, sizeof(p), ptr, i);
			schema_err(doc, p, 0, "a word, without spaces");
		}
		if ((w->word[w->n++] = strdup(v)) == NULL)
			return -1;
	}
	return 0;
}

/* Free a word list. */
static void
sms_words_free(struct sms_words *w)
{
	size_t	 i;

	for (i = 0; i < w->n; i++)
		free(w->word[i]);
	free(w->word);
	memset(w, 0, sizeof(*w));
}

/* Longest prefix first, so the first match is the longest. */
static int
sms_route_cmp(const void *a, const void *b)
{
	const struct sms_route	*x = a, *y = b;
	size_t			 lx = strlen(x->prefix), ly = strlen(y->prefix);

	if (lx != ly)
		return lx > ly ? -1 : 1;
	return strcmp(x->prefix, y->prefix);
}

/* Read the prefix table. */
static int
sms_routes_read(struct schema_doc *doc, json_t *map, const char *ptr,
    struct sms_conf *sc)
{
	const char	*k, *s;
	json_t		*v;
	char		 p[SCHEMA_PTR_MAX];
	size_t		 n = 0;

	if (map == NULL)
		return 0;
	sc->routes = calloc(json_object_size(map) + 1, sizeof(*sc->routes));
	if (sc->routes == NULL)
		return -1;
	json_object_foreach(map, k, v) {
		if ((s = json_string_value(v)) == NULL)
			continue;	/* reported by the walker */
		schema_ptr(p, sizeof(p), ptr, k);
		if (strlen(k) < 1 || strlen(k) > 15 ||
		    strspn(k, "0123456789") != strlen(k))
			schema_err(doc, p, 1, "a prefix is 1 to 15 digits, "
			    "country code first (85512), without +");
		sc->routes[n].prefix = strdup(k);
		sc->routes[n].channel = strdup(s);
		if (sc->routes[n].prefix == NULL ||
		    sc->routes[n].channel == NULL) {
			sc->nroutes = n + 1;
			return -1;
		}
		n++;
	}
	sc->nroutes = n;
	qsort(sc->routes, n, sizeof(*sc->routes), sms_route_cmp);
	return 0;
}

/* Read the block; see sms_conf.h. */
struct sms_conf *
sms_configure(struct schema_doc *doc, json_t *block, const char *ptr)
{
	struct sms_conf	*sc;
	json_t		*lim;
	char		 p[SCHEMA_PTR_MAX];
	size_t		 i;
	const struct {
		const char		*key;
		const char *const	*def;
		size_t			 off;
	} lists[] = {
		{ "keywords", sms_def_keywords,
		  offsetof(struct sms_conf, keywords) },
		{ "stop", sms_def_stop, offsetof(struct sms_conf, stop) },
		{ "start", sms_def_start, offsetof(struct sms_conf, start) },
		{ "exit", sms_def_exit, offsetof(struct sms_conf, exit) },
	};

	if (!json_is_object(block))
		block = NULL;
	else
		schema_check(doc, block, ptr, sk_sms);
	sc = calloc(1, sizeof(*sc));
	if (sc == NULL)
		goto fail;
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		schema_ptr(p, sizeof(p), ptr, lists[i].key);
		if (sms_words_read(doc, schema_get(block, sk_sms,
		    lists[i].key), p, lists[i].def,
		    (struct sms_words *)((char *)sc + lists[i].off)) == -1)
			goto fail;
	}
	if (schema_str(block, sk_sms, "notice") != NULL &&
	    (sc->notice = strdup(schema_str(block, sk_sms, "notice"))) ==
	    NULL)
		goto fail;
	lim = schema_get(block, sk_sms, "per_number");
	sc->per_number_set = lim != NULL;
	sc->per_number = (unsigned)schema_int(lim, sk_limit, "messages");
	sc->per_minutes = (unsigned)schema_int(lim, sk_limit, "minutes");
	sc->block_minutes = (unsigned)schema_int(lim, sk_limit,
	    "block_minutes");
	sc->max_attempts = (unsigned)schema_int(block, sk_sms,
	    "max_attempts");
	sc->seen_hours = (unsigned)schema_int(block, sk_sms, "seen_hours");
	sc->retry_seconds = (unsigned)schema_int(block, sk_sms,
	    "retry_seconds");
	schema_ptr(p, sizeof(p), ptr, "routes");
	if (sms_routes_read(doc, schema_get(block, sk_sms, "routes"), p,
	    sc) == -1)
		goto fail;
	return sc;
fail:
	schema_err(doc, ptr, 0, "out of memory");
	sms_conf_free(sc);
	return NULL;
}

/* Free the block. */
void
sms_conf_free(struct sms_conf *sc)
{
	size_t	 i;

	if (sc == NULL)
		return;
	sms_words_free(&sc->keywords);
	sms_words_free(&sc->stop);
	sms_words_free(&sc->start);
	sms_words_free(&sc->exit);
	free(sc->notice);
	for (i = 0; i < sc->nroutes; i++) {
		free(sc->routes[i].prefix);
		free(sc->routes[i].channel);
	}
	free(sc->routes);
	free(sc);
}

/* The longest prefix of the table that phone starts with. */
const char *
sms_route(const struct sms_conf *sc, const char *phone)
{
	size_t	 i;

	if (*phone == '+')
		phone++;
	for (i = 0; i < sc->nroutes; i++)
		if (strncmp(phone, sc->routes[i].prefix,
		    strlen(sc->routes[i].prefix)) == 0)
			return sc->routes[i].channel;
	return NULL;
}

/* Compare a word with text, ASCII case ignored. */
static int
sms_word_eq(const char *word, const char *s, size_t len)
{
	size_t	 i;

	if (strlen(word) != len)
		return 0;
	for (i = 0; i < len; i++)
		if (toupper((unsigned char)word[i]) !=
		    toupper((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Whether the trimmed text is one of the words. */
int
sms_word(const struct sms_words *w, const char *text)
{
	size_t	 len, i;

	while (*text == ' ' || *text == '\t' || *text == '\n' ||
	    *text == '\r')
		text++;
	len = strlen(text);
	while (len > 0 && strchr(" \t\r\n.!", text[len - 1]) != NULL)
		len--;
	for (i = 0; i < w->n; i++)
		if (sms_word_eq(w->word[i], text, len))
			return 1;
	return 0;
}

/* Print the block's keys. */
void
sms_print_keys(FILE *fp, enum schema_format fmt, const char *prefix)
{
	schema_print(fp, fmt, prefix, sk_sms);
}

/* Whether the channel called name sends SMS; else say why. */
static int
sms_conf_sender(struct schema_doc *ld, const struct channel *const *chs,
    size_t n, const char *ptr, int key, const char *name)
{
	const struct channel	*to = NULL;
	size_t			 i;

	for (i = 0; i < n && to == NULL; i++)
		if (strcmp(channel_name(chs[i]), name) == 0)
			to = chs[i];

	if (to == NULL)
		schema_err(ld, ptr, key, "no channel called \"%s\"", name);
	else if (!channel_can_send(to))
		schema_err(ld, ptr, key, "channel \"%s\" cannot send SMS "
		    "(no send settings)", name);
	else
		return 1;
	return 0;
}

/*
 * Every SMS channel must have a way to reply: itself (inline, or its
 * send settings), the channel reply_via names, or the prefix table; and
 * every channel the table names must send.
 */
void
sms_conf_check(struct schema_doc *ld, const struct sms_conf *sc,
    const struct channel *const *chs, size_t n)
{
	const struct channel	*ch;
	const char		*via;
	char			 p[SCHEMA_PTR_MAX], q[SCHEMA_PTR_MAX];
	size_t			 i;

	for (i = 0; i < sc->nroutes; i++) {
		schema_ptr(p, sizeof(p), "/sms/routes", sc->routes[i].prefix);
		sms_conf_sender(ld, chs, n, p, 0, sc->routes[i].channel);
	}
	for (i = 0; i < n; i++) {
		ch = chs[i];
		if (channel_kind(ch) != CHANNEL_SMS)
			continue;
		schema_ptr_index(q, sizeof(q), "/channels", i);
		schema_ptr(p, sizeof(p), q, "reply_via");
		via = channel_reply_via(ch);
		if (via == NULL && !channel_inline(ch) &&
		    !channel_can_send(ch) && *channel_path(ch) != '\0')
			schema_err(ld, q, 0, "SMS channel \"%s\" has no way "
			    "to reply: give it send settings, or set "
			    "reply_via", channel_name(ch));
		else if (via != NULL && strcmp(via, "route") == 0) {
			if (sc->nroutes == 0)
				schema_err(ld, p, 0, "\"reply_via\": "
				    "\"route\" needs \"sms\": "
				    "{\"routes\": ...}");
		} else if (via != NULL)
			sms_conf_sender(ld, chs, n, p, 0, via);
	}
}
