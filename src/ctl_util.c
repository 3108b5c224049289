/* SPDX-License-Identifier: ISC */
/*
 * ctl_util: what every hotlinectl command shares (see ctl.h): the default
 * configuration file, messages, option parsing afresh, the bearer token,
 * the counsellor API's URL and a blocking libcurl client to it. It knows
 * no command; the commands and main (ctl.c) call it.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>

#include "admin.h"
#include "conf.h"
#include "ctl.h"
#include "secret.h"

#ifndef HOTLINED_CONF
#define HOTLINED_CONF	"/etc/hotlined/hotlined.conf"
#endif

#define CTL_BODY_MAX	(1024 * 1024)	/* refuse larger answers */

/* The default configuration file. */
const char *
ctl_default_conf(void)
{
	return HOTLINED_CONF;
}

/* A message on stderr. */
void
ctl_warnx(const char *fmt, ...)
{
	va_list	 ap;

	fputs("hotlinectl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Make the next getopt start afresh at argv[1]. */
void
ctl_getopt_reset(void)
{
	optind = 0;	/* glibc: 0 re-initialises, then starts at 1 */
	opterr = 1;
}

/* Refuse a token on the command line. */
int
ctl_token_arg(void)
{
	/* Else getopt would take --token for --token-file. */
	ctl_warnx("a token never goes on the command line (ps, shell "
	    "history): use --token-file FILE or HOTLINED_TOKEN");
	return CTL_USAGE;
}

/* The token from a file or the environment. */
char *
ctl_token(const char *file)
{
	const char	*env;
	char		*t, *cause = NULL;

	if (file != NULL) {
		t = secret_read(file, &cause);
		if (t == NULL) {
			ctl_warnx("%s", cause != NULL ? cause :
			    "out of memory");
			free(cause);
			return NULL;
		}
	} else {
		env = getenv("HOTLINED_TOKEN");
		if (env == NULL || *env == '\0') {
			ctl_warnx("no token: give --token-file FILE or set "
			    "HOTLINED_TOKEN (never on the command line)");
			return NULL;
		}
		t = strdup(env);
		if (t == NULL) {
			ctl_warnx("out of memory");
			return NULL;
		}
	}
	if (*t == '\0' || strpbrk(t, "\r\n") != NULL) {
		ctl_warnx("the token is empty or not one line");
		secret_free(t);
		return NULL;
	}
	return t;
}

/* The API's URL from --url or the configuration. */
char *
ctl_api_url(const char *url, const char *conf)
{
	const struct conf_listen	*api;
	struct conf			*c;
	char				*u = NULL;
	size_t				 n;
	int				 v6;

	if (url != NULL) {
		if (strncmp(url, "http://", 7) != 0 &&
		    strncmp(url, "https://", 8) != 0) {
			ctl_warnx("--url %s: not an http:// or https:// URL",
			    url);
			return NULL;
		}
		u = strdup(url);
		n = u != NULL ? strlen(u) : 0;
		while (n > 0 && u[n - 1] == '/')
			u[--n] = '\0';
		if (u == NULL)
			ctl_warnx("out of memory");
		return u;
	}
	c = admin_load(conf, NULL);
	if (c == NULL) {
		ctl_warnx("%s: configuration has errors (or give --url)", conf);
		return NULL;
	}
	api = conf_api(c);
	if (api->port == 0)
		ctl_warnx("%s: api.port is 0 (any free port): give --url",
		    conf);
	else {
		v6 = strchr(api->address, ':') != NULL;
		if (asprintf(&u, "http://%s%s%s:%d", v6 ? "[" : "",
		    api->address, v6 ? "]" : "", api->port) == -1) {
			u = NULL;
			ctl_warnx("out of memory");
		}
	}
	conf_unref(c);
	return u;
}

/* libcurl's write callback: append to the reply, up to CTL_BODY_MAX. */
static size_t
ctl_http_write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct ctl_reply	*r = arg;
	size_t			 n = size * nmemb;
	char			*p;

	if (r->len + n > CTL_BODY_MAX)
		return 0;
	p = malloc(r->len + n + 1);
	if (p == NULL)
		return 0;
	if (r->body != NULL) {
		memcpy(p, r->body, r->len);
		sodium_memzero(r->body, r->len);
		free(r->body);
	}
	memcpy(p + r->len, data, n);
	r->len += n;
	p[r->len] = '\0';
	r->body = p;
	return n;
}

/* One request to the daemon. */
int
ctl_http(const char *method, const char *base, const char *path,
    const char *token, const char *body, struct ctl_reply *r)
{
	struct curl_slist	*hdr = NULL, *tmp;
	CURL			*e = NULL;
	CURLcode		 cc;
	char			 err[CURL_ERROR_SIZE], *url = NULL, *auth = NULL;
	int			 rc = -1;

	memset(r, 0, sizeof(*r));
	err[0] = '\0';
	if (asprintf(&url, "%s%s", base, path) == -1) {
		url = NULL;
		goto oom;
	}
	if (asprintf(&auth, "Authorization: Bearer %s", token) == -1) {
		auth = NULL;
		goto oom;
	}
	tmp = curl_slist_append(hdr, auth);
	if (tmp == NULL)
		goto oom;
	hdr = tmp;
	if (body != NULL) {
		tmp = curl_slist_append(hdr, "Content-Type: application/json");
		if (tmp == NULL)
			goto oom;
		hdr = tmp;
	}
	e = curl_easy_init();
	if (e == NULL)
		goto oom;
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 15L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, ctl_http_write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	if (body != NULL) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	} else if (strcmp(method, "POST") == 0)
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, "");
	cc = curl_easy_perform(e);
	if (cc != CURLE_OK) {
		ctl_warnx("%s %s: %s", method, url, err[0] != '\0' ? err :
		    curl_easy_strerror(cc));
		ctl_reply_clear(r);
		goto out;
	}
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r->status);
	if (r->body == NULL)
		r->body = strdup("");
	if (r->body == NULL)
		goto oom;
	rc = 0;
	goto out;
oom:
	ctl_warnx("out of memory");
out:
	curl_easy_cleanup(e);
	/* libcurl copied the token into its list: wipe that copy too. */
	for (tmp = hdr; tmp != NULL; tmp = tmp->next)
		sodium_memzero(tmp->data, strlen(tmp->data));
	curl_slist_free_all(hdr);
	if (auth != NULL)
		sodium_memzero(auth, strlen(auth));
	free(auth);
	free(url);
	return rc;
}

/* The "error" member of an answer. */
const char *
ctl_reply_error(const struct ctl_reply *r, char *buf, size_t len)
{
	json_t		*j;
	const char	*s;

	buf[0] = '\0';
	j = json_loads(r->body != NULL ? r->body : "", 0, NULL);
	s = json_string_value(json_object_get(j, "error"));
	if (s != NULL)
		snprintf(buf, len, "%s", s);
	json_decref(j);
	return buf;
}

/* Wipe and free a reply. */
void
ctl_reply_clear(struct ctl_reply *r)
{
	if (r->body != NULL)
		sodium_memzero(r->body, r->len);
	free(r->body);
	memset(r, 0, sizeof(*r));
}
