/* SPDX-License-Identifier: ISC */
/*
 * ctl_stats: hotlinectl stats, the donor report. It checks the period
 * (whole months, from before to, at least a week of them passed), reads
 * the configuration for the database and stats.k, reads the daily
 * aggregates through a read-only connection (a daemon may be running)
 * and prints the report (stats_report.c) as text, CSV or JSON, her
 * topics and provinces in the Khmer and English words of the menus.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "channel.h"
#include "clock.h"
#include "conf.h"
#include "ctl.h"
#include "diag.h"
#include "menu.h"
#include "stats.h"
#include "stats_report.h"
#include "store.h"

#ifndef HOTLINED_CONF
#define HOTLINED_CONF	"/etc/hotlined/hotlined.conf"
#endif

#define CTL_STATS_WEEK	7	/* days: the shortest period shown */

/* Print the command's usage to fp. */
static void
ctl_stats_usage(FILE *fp)
{
	fprintf(fp, "usage: hotlinectl stats --from YYYY-MM --to YYYY-MM "
	    "[--format text|csv|json] [-c FILE]\n"
	    "  the donor report of the months from..to: counts under "
	    "stats.k print as <k\n");
}

/* Whether s is a month "YYYY-MM" of the years 2000 to 2099. */
static int
ctl_stats_month_ok(const char *s)
{
	int	 m;

	if (s == NULL || strlen(s) != STATS_MONTH_LEN || s[0] != '2' ||
	    s[1] != '0' || s[4] != '-')
		return 0;
	if (s[2] < '0' || s[2] > '9' || s[3] < '0' || s[3] > '9' ||
	    s[5] < '0' || s[5] > '1' || s[6] < '0' || s[6] > '9')
		return 0;
	m = (s[5] - '0') * 10 + (s[6] - '0');
	return m >= 1 && m <= 12;
}

/*
 * Check the period against now: not in the future, and its last month at
 * least a week old. 0, or -1 with the reason printed.
 */
static int
ctl_stats_period(const char *from, const char *to, time_t now)
{
	char		 month[STATS_MONTH_LEN + 1];
	struct tm	 tm;

	stats_month_of(now, month, sizeof(month));
	hclock_local(now, &tm);
	if (strcmp(to, month) > 0) {
		fprintf(stderr, "hotlinectl stats: --to %s: the month has "
		    "not come yet (this is %s)\n", to, month);
		return -1;
	}
	if (strcmp(to, month) == 0 && tm.tm_mday < CTL_STATS_WEEK) {
		fprintf(stderr, "hotlinectl stats: --to %s: only %d day%s of "
		    "it so far; a report covers at least a week of each "
		    "month: end it at the month before\n", to, tm.tm_mday,
		    tm.tm_mday == 1 ? "" : "s");
		return -1;
	}
	(void)from;
	return 0;
}

/* The index of language lang in conf, or -1. */
static int
ctl_stats_lang(const struct conf *conf, const char *lang)
{
	const char	*l;
	size_t		 i;

	for (i = 0; (l = conf_language(conf, i)) != NULL; i++)
		if (strcmp(l, lang) == 0)
			return (int)i;
	return -1;
}

/*
 * Hand rep the Khmer and English labels of the choices of every input
 * node of m that stores what a callback node records as field f (counted
 * as metric). 0, or -1 when out of memory.
 */
static int
ctl_stats_field(struct stats_report *rep, const struct menu *m,
    enum menu_cb_field f, const char *metric, int km, int en)
{
	const struct menu_node		*cb, *n;
	const struct menu_option	*o;
	const char			*store;
	size_t				 i, j, k;

	for (i = 0; (cb = menu_node_at(m, i)) != NULL; i++) {
		if (menu_node_kind(cb) != MENU_NODE_CALLBACK)
			continue;
		store = menu_node_field(cb, f);
		if (store == NULL)
			continue;
		for (j = 0; (n = menu_node_at(m, j)) != NULL; j++) {
			if (menu_node_kind(n) != MENU_NODE_INPUT ||
			    menu_node_accept(n) != MENU_ACCEPT_CHOICE ||
			    menu_node_store(n) == NULL ||
			    strcmp(menu_node_store(n), store) != 0)
				continue;
			for (k = 0; (o = menu_node_option_at(n, k)) != NULL;
			    k++)
				if (stats_report_answer(rep, metric,
				    menu_option_value(o), menu_option_label(o,
				    (size_t)km), menu_option_label(o,
				    (size_t)en)) == -1)
					return -1;
		}
	}
	return 0;
}

/*
 * The menus' words for her topics and provinces, from the tree of each
 * channel (the trees the counts came through), when the configuration
 * has both Khmer and English. 0, or -1 when out of memory.
 */
static int
ctl_stats_answers(struct stats_report *rep, const struct conf *conf)
{
	const struct channel	*ch;
	const struct menu	*m;
	int			 km, en;
	size_t			 i;

	km = ctl_stats_lang(conf, "km");
	en = ctl_stats_lang(conf, "en");
	if (km == -1 || en == -1)
		return 0;
	for (i = 0; (ch = conf_channel_at(conf, i)) != NULL; i++) {
		m = channel_menu(ch);
		if (m == NULL || (size_t)km >= menu_nlang(m) ||
		    (size_t)en >= menu_nlang(m))
			continue;
		if (ctl_stats_field(rep, m, MENU_CB_TOPIC, STATS_M_TOPIC, km,
		    en) == -1 || ctl_stats_field(rep, m, MENU_CB_PROVINCE,
		    STATS_M_PROVINCE, km, en) == -1)
			return -1;
	}
	return 0;
}

/* hotlinectl stats. */
static int
ctl_stats_run(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'F' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char		*file = HOTLINED_CONF, *from = NULL, *to = NULL;
	char			 dfrom[STATS_DAY_LEN + 1];
	char			 dto[STATS_DAY_LEN + 1];
	enum stats_format	 fmt = STATS_TEXT;
	struct stats_report	*rep = NULL;
	struct conf		*conf = NULL;
	struct diag		*d = NULL;
	struct hclock		 clock;
	struct store_opts	 so;
	char			*cause = NULL;
	int			 ch, rc = 1;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'F':
			if (strcmp(optarg, "text") == 0)
				fmt = STATS_TEXT;
			else if (strcmp(optarg, "csv") == 0)
				fmt = STATS_CSV;
			else if (strcmp(optarg, "json") == 0)
				fmt = STATS_JSON;
			else {
				fprintf(stderr, "hotlinectl stats: --format "
				    "%s: not text, csv or json\n", optarg);
				return CTL_USAGE;
			}
			break;
		case 'c':
			file = optarg;
			break;
		case 'h':
			ctl_stats_usage(stdout);
			return 0;
		default:
			ctl_stats_usage(stderr);
			return CTL_USAGE;
		}
	}
	if (optind != argc || from == NULL || to == NULL) {
		if (optind != argc)
			fprintf(stderr, "hotlinectl stats: unexpected "
			    "argument: %s\n", argv[optind]);
		else
			fprintf(stderr, "hotlinectl stats: --from and --to "
			    "are needed\n");
		ctl_stats_usage(stderr);
		return CTL_USAGE;
	}
	if (!ctl_stats_month_ok(from) || !ctl_stats_month_ok(to)) {
		fprintf(stderr, "hotlinectl stats: --%s %s: not a month "
		    "(YYYY-MM, 2000-01 to 2099-12)\n",
		    ctl_stats_month_ok(from) ? "to" : "from",
		    ctl_stats_month_ok(from) ? to : from);
		return CTL_USAGE;
	}
	if (strcmp(from, to) > 0) {
		fprintf(stderr, "hotlinectl stats: --from %s is after --to "
		    "%s\n", from, to);
		return CTL_USAGE;
	}

	d = diag_new();
	if (d == NULL)
		goto out;
	conf = conf_load(file, d, NULL);
	if (conf == NULL) {
		diag_print(d, stderr, "hotlinectl stats");
		goto out;
	}
	hclock_init(&clock, conf_clock_start(conf));
	if (ctl_stats_period(from, to, hclock_now(&clock)) == -1) {
		rc = CTL_USAGE;
		goto out;
	}
	rep = stats_report_new(from, to, conf_stats_k(conf));
	if (rep == NULL) {
		fprintf(stderr, "hotlinectl stats: stats.k %d: under %d\n",
		    conf_stats_k(conf), STATS_K_MIN);
		goto out;
	}
	if (ctl_stats_answers(rep, conf) == -1) {
		fprintf(stderr, "hotlinectl stats: out of memory\n");
		goto out;
	}
	snprintf(dfrom, sizeof(dfrom), "%s-01", from);
	snprintf(dto, sizeof(dto), "%s-31", to);
	memset(&so, 0, sizeof(so));
	so.key_file = conf_key_file(conf);
	so.password_file = conf_password_file(conf);
	if (store_stats_read(conf_database(conf), &so, dfrom, dto,
	    stats_report_add, rep, &cause) == -1) {
		fprintf(stderr, "hotlinectl stats: %s\n", cause != NULL ?
		    cause : "cannot read the aggregates");
		goto out;
	}
	if (stats_report_print(rep, fmt, stdout) == -1) {
		fprintf(stderr, "hotlinectl stats: cannot write the "
		    "report\n");
		goto out;
	}
	rc = 0;
out:
	free(cause);
	stats_report_free(rep);
	conf_unref(conf);
	diag_free(d);
	return rc;
}

const struct ctl_command ctl_cmd_stats = {
	"stats",
	"the donor report: monthly counts, small ones hidden",
	ctl_stats_run
};
