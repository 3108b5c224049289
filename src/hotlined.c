/* SPDX-License-Identifier: ISC */
/*
 * hotlined: the daemon context and its life: start, the signal switch,
 * reload (build the new configuration beside the old, swap only if it is
 * wholly good; sessions keep the one they started with), and an orderly
 * stop. It wires modules together and holds no protocol logic itself.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <event2/event.h>
#include <jansson.h>
#include <sqlite3.h>

#include "config.h"
#include "conf.h"
#include "diag.h"
#include "hotlined.h"
#include "http.h"
#include "log.h"
#include "session.h"

#define HOTLINED_NSIG	5

struct hotlined {
	struct event_base	*base;
	char			*conf_file;
	struct conf		*conf;
	struct session_table	*sessions;
	struct http		*http;
	struct event		*sig[HOTLINED_NSIG];
	int			 stopping;
	int			 verbose;	/* -v on the command line */
};

static void	hotlined_signal_cb(evutil_socket_t, short, void *);

/* Create the context; takes over the reference to conf. */
struct hotlined *
hotlined_new(const char *conf_file, struct conf *conf, int verbose)
{
	struct hotlined	*d;

	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return NULL;
	d->verbose = verbose;
	d->conf = conf;
	d->conf_file = strdup(conf_file);
	d->base = event_base_new();
	if (d->conf_file == NULL || d->base == NULL)
		goto fail;
	d->sessions = session_table_new(d->base);
	if (d->sessions == NULL)
		goto fail;
	d->http = http_new(d->base, d->sessions, &d->conf);
	if (d->http == NULL)
		goto fail;
	return d;
fail:
	hotlined_free(d);
	return NULL;
}

/* Bind and install signals. */
int
hotlined_start(struct hotlined *d)
{
	static const int	 sigs[HOTLINED_NSIG] = {
		SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGPIPE
	};
	char			*cause = NULL;
	int			 i;

	if (http_listen(d->http, d->conf->listen_addr, d->conf->listen_port,
	    &cause) == -1) {
		log_warn("%s", cause ? cause : "cannot listen");
		free(cause);
		return -1;
	}
	for (i = 0; i < HOTLINED_NSIG; i++) {
		d->sig[i] = evsignal_new(d->base, sigs[i], hotlined_signal_cb,
		    d);
		if (d->sig[i] == NULL || evsignal_add(d->sig[i], NULL) == -1) {
			log_warnx("cannot install signal %d", sigs[i]);
			return -1;
		}
	}
	log_info("listening on %s:%d", d->conf->listen_addr,
	    http_port(d->http));
	return 0;
}

/* Load the configuration beside the running one and swap if good. */
int
hotlined_reload(struct hotlined *d)
{
	struct diag	*dg;
	struct conf	*nc;
	size_t		 i;

	dg = diag_new();
	if (dg == NULL) {
		log_warnx("reload failed: out of memory; keeping the running "
		    "configuration");
		return -1;
	}
	nc = conf_load(d->conf_file, dg, NULL);
	if (nc == NULL) {
		for (i = 0; i < diag_count(dg); i++)
			if (diag_get(dg, i) != NULL)
				log_warnx("reload: %s", diag_get(dg, i));
		log_warnx("reload failed (%zu problem%s); keeping the running "
		    "configuration", diag_count(dg),
		    diag_count(dg) == 1 ? "" : "s");
		diag_free(dg);
		return -1;
	}
	diag_free(dg);
	if (strcmp(nc->listen_addr, d->conf->listen_addr) != 0 ||
	    nc->listen_port != d->conf->listen_port)
		log_warnx("reload: the listen address changes only on "
		    "restart");
	/* Live sessions hold their own reference to the old configuration. */
	conf_unref(d->conf);
	d->conf = nc;
	http_configure(d->http, nc);
	log_setverbose(d->verbose || nc->verbose);
	log_info("reloaded %s: %zu channel%s; live sessions finish on "
	    "their old menus: %zu", d->conf_file, nc->nchannels,
	    nc->nchannels == 1 ? "" : "s", session_live(d->sessions));
	return 0;
}

/* The one place signals are handled. */
static void
hotlined_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct hotlined	*d = arg;

	(void)what;
	switch (sig) {
	case SIGTERM:
	case SIGINT:
		if (d->stopping)
			break;
		d->stopping = 1;
		log_info("stopping on signal %d", (int)sig);
		/*
		 * Replies are written within the callback that reads the
		 * request, so once the listener is closed nothing is owed.
		 */
		http_stop_accepting(d->http);
		event_base_loopexit(d->base, NULL);
		break;
	case SIGHUP:
		log_info("reloading on SIGHUP");
		hotlined_reload(d);
		break;
	case SIGUSR1:
		log_info("SIGUSR1: logs go to stderr, nothing to reopen");
		break;
	case SIGPIPE:
		break;
	}
}

/* Run the loop. */
int
hotlined_run(struct hotlined *d)
{
	if (event_base_dispatch(d->base) == -1) {
		log_warnx("event loop failed");
		return 1;
	}
	log_info("stopped");
	return 0;
}

/* Free everything; sessions first, as they hold configuration refs. */
void
hotlined_free(struct hotlined *d)
{
	int	 i;

	if (d == NULL)
		return;
	for (i = 0; i < HOTLINED_NSIG; i++)
		if (d->sig[i] != NULL)
			event_free(d->sig[i]);
	http_free(d->http);
	session_table_free(d->sessions);
	conf_unref(d->conf);
	if (d->base != NULL)
		event_base_free(d->base);
	free(d->conf_file);
	free(d);
}

/* Versions of hotlined and its libraries. */
void
hotlined_versions(FILE *fp)
{
	fprintf(fp, "hotlined %s\n", PACKAGE_VERSION);
	fprintf(fp, "libevent %s\n", event_get_version());
	fprintf(fp, "libcurl %s\n", curl_version_info(CURLVERSION_NOW)->version);
	fprintf(fp, "SQLite %s\n", sqlite3_libversion());
	fprintf(fp, "jansson %s\n", jansson_version_str());
}
