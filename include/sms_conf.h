/* SPDX-License-Identifier: ISC */
/*
 * sms_conf: the configuration's "sms" block, the rules every SMS
 * conversation follows: the words that start one, stop and restart
 * messages, and end one at once; the first-reply notice; the per-number
 * rate limit and how long a number over it is blocked; how often a send
 * is tried; how long a gateway's message ids are remembered; and the
 * prefix table that picks the gateway for a number. conf.c reads it
 * through sms_configure and hands it out with conf_sms(); sms.c and
 * smsout.c read it. Words are matched without regard to ASCII case.
 */
#ifndef HOTLINED_SMS_CONF_H
#define HOTLINED_SMS_CONF_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "schema.h"

struct channel;

/* One line of the prefix table. */
struct sms_route {
	char	*prefix;	/* digits, country code first: "85512" */
	char	*channel;	/* the channel that sends to it */
};

/* A list of words. */
struct sms_words {
	char	**word;
	size_t	  n;
};

struct sms_conf {
	struct sms_words	 keywords;	/* start at the root */
	struct sms_words	 stop;		/* opt out */
	struct sms_words	 start;		/* opt back in */
	struct sms_words	 exit;		/* end it now, send nothing */
	char			*notice;	/* first reply's notice, or
						   NULL */
	unsigned		 per_number;	/* messages from one number */
	unsigned		 per_minutes;	/* ... in this many minutes */
	unsigned		 block_minutes;	/* blocked after that */
	int			 per_number_set; /* given (deprecated: conf.c
						   maps it onto
						   limits.per_number) */
	unsigned		 max_attempts;	/* tries of one send */
	unsigned		 retry_seconds;	/* first wait before a retry,
						   doubled each time */
	unsigned		 seen_hours;	/* message ids remembered */
	struct sms_route	*routes;	/* longest prefix first */
	size_t			 nroutes;
};

/*
 * Read the "sms" block (NULL: absent, every default) at pointer ptr of
 * doc, reporting problems to doc. Returns a new sms_conf, or NULL out of
 * memory (reported to doc too).
 */
struct sms_conf	*sms_configure(struct schema_doc *doc, json_t *block,
		    const char *ptr);

/* Free it (NULL is fine). */
void		 sms_conf_free(struct sms_conf *sc);

/*
 * Every SMS channel of chs (n of them) must have a way to reply: itself
 * (inline, or its send settings), the channel its reply_via names, or sc's
 * prefix routes; every channel a route names must send. Errors into ld.
 */
void		 sms_conf_check(struct schema_doc *ld, const struct sms_conf *sc,
		    const struct channel *const *chs, size_t n);

/*
 * The channel the prefix table names for phone ("+855..." or digits), by
 * the longest matching prefix, or NULL.
 */
const char	*sms_route(const struct sms_conf *sc, const char *phone);

/*
 * Whether text (trimmed of spaces, ASCII case ignored) is one of the
 * words.
 */
int		 sms_word(const struct sms_words *w, const char *text);

/* Print the block's keys, names prefixed by prefix ("sms."). */
void		 sms_print_keys(FILE *fp, enum schema_format fmt,
		    const char *prefix);

#endif
