/* SPDX-License-Identifier: ISC */
/*
 * conf_print: the index of every key an admin may write (hotlined -K, and
 * the generated part of hotlined.conf(5)): the top table of hotlined.conf
 * with the blocks their own modules declare where they sit, then the
 * roster's and the menus' keys. It reads the tables; it loads nothing.
 */
#include <stdio.h>
#include <string.h>

#include "channel.h"
#include "conf.h"
#include "conf_impl.h"
#include "menu.h"
#include "notify.h"
#include "roster.h"
#include "schema.h"
#include "sms_conf.h"

/* Start one file's part of the key list. */
static void
conf_print_head(FILE *fp, enum schema_format fmt, const char *title)
{
	if (fmt == SCHEMA_TEXT)
		fprintf(fp, "%s\n", title);
	else
		fprintf(fp, ".Ss %s\n.Bl -tag -width Ds\n", title);
}

/* End one file's part of the key list. */
static void
conf_print_tail(FILE *fp, enum schema_format fmt, int last)
{
	if (fmt == SCHEMA_ROFF)
		fputs(".El\n", fp);
	else if (!last)
		fputc('\n', fp);
}

/* Blocks of the configuration whose keys their own module declares. */
static const struct {
	const char	*name;
	const char	*prefix;
	void		(*print)(FILE *, enum schema_format, const char *);
} conf_owned[] = {
	{ "channels", "channels[].", channel_print_keys },
	{ "notify", "notify.", notify_print_keys },
	{ "sms", "sms.", sms_print_keys },
};

/* Print the top table, each owned block's keys where the block is. */
static void
conf_print_top(FILE *fp, enum schema_format fmt)
{
	struct schema_key	 one[2];
	const struct schema_key	*k;
	size_t			 i;

	for (k = conf_top_keys; k->name != NULL; k++) {
		memset(one, 0, sizeof(one));
		one[0] = *k;
		for (i = 0; i < sizeof(conf_owned) / sizeof(conf_owned[0]); i++)
			if (strcmp(k->name, conf_owned[i].name) == 0)
				break;
		if (i < sizeof(conf_owned) / sizeof(conf_owned[0]))
			one[0].sub = &one[1];	/* printed as a block */
		schema_print(fp, fmt, "", one);
		if (i < sizeof(conf_owned) / sizeof(conf_owned[0]))
			conf_owned[i].print(fp, fmt, conf_owned[i].prefix);
	}
}

/* Print every key of every file an admin writes. */
void
conf_print_keys(FILE *fp, enum schema_format fmt)
{
	conf_print_head(fp, fmt, "hotlined.conf");
	conf_print_top(fp, fmt);
	conf_print_tail(fp, fmt, 0);
	conf_print_head(fp, fmt, "roster file");
	roster_print_keys(fp, fmt);
	conf_print_tail(fp, fmt, 0);
	conf_print_head(fp, fmt, "menu files");
	menu_print_keys(fp, fmt);
	conf_print_tail(fp, fmt, 1);
}
