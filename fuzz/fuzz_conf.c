/* SPDX-License-Identifier: ISC */
/*
 * fuzz_conf: the daemon's configuration file. The shipped menu tree and
 * roster, and the menus of the test fixtures, are written once in the
 * process's temporary directory under the names the seed configurations
 * give them (menus/main.json, roster.json, ...); each input is then
 * written beside them as hotlined.conf and loaded whole, channels, menus,
 * roster and screen checks included.
 */
#include <stdlib.h>
#include <string.h>

#include "channel.h"
#include "conf.h"
#include "diag.h"
#include "fuzzutil.h"

/* Write the files the shipped configuration names, once. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *const	 files[][2] = {
		{ "conf/menus/main.json", "menus/main.json" },
		{ "conf/roster.json", "roster.json" },
		{ "tests/data/ussd/menus/test.json", "menus/test.json" },
		{ "tests/data/callback/menus/cb.json", "menus/cb.json" },
		{ "tests/data/journey/menus/journey.json",
		    "menus/journey.json" },
	};
	char			*buf;
	size_t			 i, len;

	(void)argc;
	(void)argv;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		buf = fuzz_read_src(files[i][0], &len);
		free(fuzz_write(files[i][1], buf, len));
		free(buf);
	}
	return 0;
}

/* Load the input as the configuration file. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct channel	*ch;
	struct diag		*d;
	struct conf		*c;
	char			*path;
	size_t			 i;

	path = fuzz_write("hotlined.conf", data, size);
	d = diag_new();
	if (d == NULL)
		abort();
	c = conf_load(path, d, NULL);
	if (c == NULL)
		FUZZ_ASSERT(diag_count(d) > 0);
	else {
		for (i = 0; i < conf_nchannels(c); i++) {
			ch = conf_channel_at(c, i);
			FUZZ_ASSERT(ch != NULL);
			FUZZ_ASSERT(conf_channel_by_name(c,
			    channel_name(ch)) != NULL);
		}
		FUZZ_ASSERT(conf_language(c, 0) != NULL);
		conf_unref(c);
	}
	diag_free(d);
	free(path);
	return 0;
}
