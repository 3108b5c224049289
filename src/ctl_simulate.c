/* SPDX-License-Identifier: ISC */
/*
 * ctl_simulate: `hotlinectl simulate`, a phone in the terminal. It reads
 * a USSD channel of the daemon's configuration (its path, secret token
 * and screen budget), speaks that channel's webhook protocol to the
 * running daemon (Africa's Talking: a form POST per hop, every answer of
 * the session joined by '*'), and shows each CON/END screen boxed at a
 * feature phone's width with its encoding and budget. Answers come from
 * the terminal or from --script. It never prints the phone number.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "channel.h"
#include "conf.h"
#include "ctl.h"
#include "diag.h"
#include "menu.h"
#include "text.h"

/* A FAKE number, the one the test suites use: no survivor's. */
#define SIM_TEST_PHONE	"+85512000000"
#define SIM_SERVICE	"*0#"		/* the dialled code we claim */
#define SIM_NETWORK	"99999"		/* AT's sandbox network code */
#define SIM_WIDTH	22		/* columns of a feature phone */
#define SIM_WIDTH_MIN	10
#define SIM_WIDTH_MAX	80
#define SIM_ANSWER_MAX	65536		/* bytes of an answer we take */
#define SIM_TOKEN_MAX	256

/* One simulated phone and its session. */
struct sim {
	CURL			*curl;
	struct curl_slist	*headers;	/* may hold the token */
	char			 errbuf[CURL_ERROR_SIZE];
	struct menu_limits	 lim;
	char			*shown;		/* the webhook, no token */
	char			*url;		/* with a path token */
	char			*notice_url;	/* end-of-session notices */
	const char		*token;		/* to keep out of messages */
	const char		*phone;
	int			 fake;		/* phone is SIM_TEST_PHONE */
	char			 session[4 + 16 + 1];	/* "sim-" + hex */
	char			*history;	/* answers joined by '*' */
	size_t			 width;
};

/* An answer being read. */
struct sim_buf {
	char	*p;
	size_t	 len;
	int	 over;		/* longer than SIM_ANSWER_MAX */
};

/* Print the command's usage to fp. */
static void
sim_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: hotlinectl simulate [-c FILE] [--channel NAME] "
	    "[--url URL]\n"
	    "           [--phone NUMBER] [--script ANSWERS] "
	    "[--token-file FILE]\n"
	    "           [--width COLUMNS]\n"
	    "A phone in the terminal: dial a USSD channel of the running "
	    "daemon and\nanswer its screens.\n"
	    "  -c FILE            the configuration (default %s)\n"
	    "  --channel NAME     the channel to dial (default: the first "
	    "africastalking\n"
	    "                     channel)\n"
	    "  --url URL          the daemon's webhook listener "
	    "(default: http://ADDRESS:PORT\n"
	    "                     of the configuration's \"listen\"); the "
	    "channel's path\n"
	    "                     is added\n"
	    "  --phone NUMBER     the caller's number (default: a fake "
	    "test number)\n"
	    "  --script ANSWERS   answers separated by commas (\"2,1,1\"): "
	    "print every\n"
	    "                     screen and exit; \"\" shows the first "
	    "screen\n"
	    "  --token-file FILE  the channel's secret token, instead of "
	    "the configured one\n"
	    "  --width COLUMNS    the screen's width, %d to %d (default %d)\n",
	    HOTLINED_CONF, SIM_WIDTH_MIN, SIM_WIDTH_MAX, SIM_WIDTH);
}

/* Overwrite and free a string (NULL is fine). */
static void
sim_wipe(char *s)
{
	if (s == NULL)
		return;
	sodium_memzero(s, strlen(s));
	free(s);
}

/* Read a secret token from path into a new string, or NULL after a message. */
static char *
sim_read_token(const char *path)
{
	FILE	*fp;
	char	 buf[SIM_TOKEN_MAX + 2];
	size_t	 n;
	char	*tok = NULL;

	fp = fopen(path, "r");
	if (fp == NULL) {
		fprintf(stderr, "hotlinectl simulate: %s: %s\n", path,
		    strerror(errno));
		return NULL;
	}
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' ||
	    buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = '\0';
	if (n == 0 || n > SIM_TOKEN_MAX || strcspn(buf, "\r\n") != n)
		fprintf(stderr, "hotlinectl simulate: %s: not a token (one "
		    "line of 1 to %d characters)\n", path, SIM_TOKEN_MAX);
	else if ((tok = strdup(buf)) == NULL)
		fprintf(stderr, "hotlinectl simulate: out of memory\n");
	sodium_memzero(buf, sizeof(buf));
	return tok;
}

/*
 * The base URL: --url without its trailing '/', or http://ADDRESS:PORT of
 * the listener. A new string, or NULL after a message.
 */
static char *
sim_base(const struct conf *c, const char *url)
{
	const struct conf_listen	*l = conf_listen(c);
	const char			*a = l->address;
	char				*b = NULL;
	size_t				 n;

	if (url != NULL) {
		if (strncmp(url, "http://", 7) != 0 &&
		    strncmp(url, "https://", 8) != 0) {
			fprintf(stderr, "hotlinectl simulate: --url must "
			    "start with http:// or https://\n");
			return NULL;
		}
		n = strlen(url);
		while (n > 8 && url[n - 1] == '/')
			n--;
		if ((b = strndup(url, n)) == NULL)
			fprintf(stderr, "hotlinectl simulate: out of memory\n");
		return b;
	}
	if (l->port == 0) {
		fprintf(stderr, "hotlinectl simulate: the configuration "
		    "listens on port 0 (the daemon picks one): give --url\n");
		return NULL;
	}
	if (a == NULL || *a == '\0' || strcmp(a, "0.0.0.0") == 0)
		a = "127.0.0.1";
	else if (strcmp(a, "::") == 0)
		a = "::1";
	if (asprintf(&b, strchr(a, ':') != NULL ? "http://[%s]:%d" :
	    "http://%s:%d", a, l->port) == -1) {
		fprintf(stderr, "hotlinectl simulate: out of memory\n");
		b = NULL;
	}
	return b;
}

/*
 * Set up the URLs and headers of channel ch at base, with token (NULL:
 * none) in the path or in header hdr. Returns 0, or -1 out of memory.
 */
static int
sim_urls(struct sim *s, const char *base, const struct channel *ch,
    const char *token, const char *hdr)
{
	char	*esc = NULL, *line = NULL;
	int	 rc = -1;

	if (asprintf(&s->shown, "%s%s", base, channel_path(ch)) == -1) {
		s->shown = NULL;
		return -1;
	}
	if (token != NULL && hdr == NULL) {
		esc = curl_easy_escape(s->curl, token, 0);
		if (esc == NULL)
			goto fail;
		if (asprintf(&s->url, "%s/%s", s->shown, esc) == -1)
			s->url = NULL;
	} else
		s->url = strdup(s->shown);
	if (s->url == NULL)
		goto fail;
	if (asprintf(&s->notice_url, "%s/end", s->url) == -1) {
		s->notice_url = NULL;
		goto fail;
	}
	s->headers = curl_slist_append(NULL,
	    "Content-Type: application/x-www-form-urlencoded");
	if (s->headers == NULL)
		goto fail;
	if (token != NULL && hdr != NULL) {
		if (asprintf(&line, "%s: %s", hdr, token) == -1) {
			line = NULL;
			goto fail;
		}
		if (curl_slist_append(s->headers, line) == NULL)
			goto fail;
	}
	rc = 0;
fail:
	if (esc != NULL) {
		sodium_memzero(esc, strlen(esc));
		curl_free(esc);
	}
	sim_wipe(line);
	return rc;
}

/* Keep what curl reads of an answer, up to SIM_ANSWER_MAX bytes. */
static size_t
sim_write_cb(char *data, size_t size, size_t n, void *arg)
{
	struct sim_buf	*b = arg;
	size_t		 len = size * n;
	char		*p;

	if (b->len + len > SIM_ANSWER_MAX) {
		b->over = 1;
		return 0;
	}
	p = realloc(b->p, b->len + len + 1);
	if (p == NULL)
		return 0;
	memcpy(p + b->len, data, len);
	b->len += len;
	p[b->len] = '\0';
	b->p = p;
	return len;
}

/* A copy of the start of an answer fit to print (static buffer). */
static const char *
sim_excerpt(const char *p, size_t len)
{
	static char	 out[121];
	size_t		 i;

	for (i = 0; i < len && i + 1 < sizeof(out) && p[i] != '\n'; i++)
		out[i] = (unsigned char)p[i] < 0x20 || p[i] == 0x7f ? '?' :
		    p[i];
	out[i] = '\0';
	return out;
}

/*
 * POST body (form) to url and return the answer's body in *ans (new,
 * NUL-terminated) when it is a 200. Returns 0, or -1 after a message: the
 * daemon was not reached or answered something else.
 */
static int
sim_post(struct sim *s, const char *url, const char *body, struct sim_buf *ans)
{
	CURLcode	 rc;
	long		 status = 0;
	const char	*why;

	memset(ans, 0, sizeof(*ans));
	s->errbuf[0] = '\0';
	curl_easy_setopt(s->curl, CURLOPT_URL, url);
	curl_easy_setopt(s->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(s->curl, CURLOPT_WRITEDATA, ans);
	rc = curl_easy_perform(s->curl);
	if (rc != CURLE_OK) {
		why = s->errbuf;
		if (*why == '\0' || (s->token != NULL &&
		    strstr(why, s->token) != NULL))
			why = curl_easy_strerror(rc);
		if (ans->over)
			why = "the answer is too long";
		fprintf(stderr, "hotlinectl simulate: cannot reach %s: %s\n",
		    s->shown, why);
		goto fail;
	}
	curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200) {
		fprintf(stderr, "hotlinectl simulate: %s answered HTTP %ld%s%s"
		    "%s\n", s->shown, status, ans->len > 0 ? ": " : "",
		    ans->p != NULL ? sim_excerpt(ans->p, ans->len) : "",
		    status == 403 ? " (is the token right? see --token-file)" :
		    "");
		goto fail;
	}
	if (ans->p == NULL && (ans->p = strdup("")) == NULL) {
		fprintf(stderr, "hotlinectl simulate: out of memory\n");
		goto fail;
	}
	return 0;
fail:
	free(ans->p);
	ans->p = NULL;
	return -1;
}

/* Append one form field name=value (escaped) to *body. Returns 0 or -1. */
static int
sim_field(struct sim *s, char **body, const char *name, const char *value)
{
	char	*esc, *n = NULL;

	esc = curl_easy_escape(s->curl, value, 0);
	if (esc == NULL)
		return -1;
	if (asprintf(&n, "%s%s%s=%s", *body != NULL ? *body : "",
	    *body != NULL ? "&" : "", name, esc) == -1)
		n = NULL;
	sodium_memzero(esc, strlen(esc));
	curl_free(esc);
	if (n == NULL)
		return -1;
	sim_wipe(*body);
	*body = n;
	return 0;
}

/*
 * Send the hop that carries the history so far and read the screen: its
 * text in *text (new) and *end (1: END). Returns 0, or -1 after a message.
 */
static int
sim_hop(struct sim *s, char **text, int *end)
{
	struct sim_buf	 ans;
	char		*body = NULL;
	int		 rc = -1;

	*text = NULL;
	if (sim_field(s, &body, "sessionId", s->session) == -1 ||
	    sim_field(s, &body, "serviceCode", SIM_SERVICE) == -1 ||
	    sim_field(s, &body, "phoneNumber", s->phone) == -1 ||
	    sim_field(s, &body, "networkCode", SIM_NETWORK) == -1 ||
	    sim_field(s, &body, "text", s->history != NULL ? s->history :
	    "") == -1) {
		fprintf(stderr, "hotlinectl simulate: out of memory\n");
		goto fail;
	}
	if (sim_post(s, s->url, body, &ans) == -1)
		goto fail;
	if (strncmp(ans.p, "CON ", 4) != 0 && strncmp(ans.p, "END ", 4) != 0)
		fprintf(stderr, "hotlinectl simulate: %s answered neither CON "
		    "nor END: %s\n", s->shown, sim_excerpt(ans.p, ans.len));
	else if (strlen(ans.p) != ans.len ||
	    !text_utf8_valid(ans.p + 4, ans.len - 4))
		fprintf(stderr, "hotlinectl simulate: %s answered a screen "
		    "that is not UTF-8\n", s->shown);
	else if ((*text = strdup(ans.p + 4)) == NULL)
		fprintf(stderr, "hotlinectl simulate: out of memory\n");
	else {
		*end = ans.p[0] == 'E';
		rc = 0;
	}
	sim_wipe(ans.p);
fail:
	sim_wipe(body);
	return rc;
}

/*
 * Tell the daemon the session is over, as AT's end-of-session notice
 * does: status is "Success" or "Incomplete". Returns 0, or -1 after a
 * message.
 */
static int
sim_notice(struct sim *s, const char *status)
{
	struct sim_buf	 ans;
	char		*body = NULL;
	int		 rc = -1;

	if (sim_field(s, &body, "sessionId", s->session) == -1 ||
	    sim_field(s, &body, "status", status) == -1)
		fprintf(stderr, "hotlinectl simulate: out of memory\n");
	else if (sim_post(s, s->notice_url, body, &ans) == 0) {
		free(ans.p);
		rc = 0;
	}
	free(body);
	return rc;
}

/* Whether cp shows nothing by itself (zero-width space, joiners). */
static int
sim_invisible(uint32_t cp)
{
	return cp == 0x200b || cp == 0x200c || cp == 0x200d ||
	    cp == 0x2060 || cp == 0xfeff;
}

/*
 * Whether cp, a mark inside a cluster, still takes a column of its own:
 * the Khmer vowel signs that are written beside the consonant (general
 * category Mc) rather than above or below it.
 */
static int
sim_spacing(uint32_t cp)
{
	return cp == 0x17b6 || (cp >= 0x17be && cp <= 0x17c5) ||
	    cp == 0x17c7 || cp == 0x17c8;
}

/*
 * The end of the cluster that starts at s[off] (the next offset where
 * text_cut_ok allows a cut), and in *cols the columns it takes: one for
 * its first character and one for each spacing vowel sign, none for an
 * invisible character. A phone's font is no more exact than that.
 */
static size_t
sim_cluster(const char *s, size_t len, size_t off, size_t *cols)
{
	size_t		 end = off, n;
	uint32_t	 cp;

	*cols = 0;
	do {
		n = text_utf8_next(s + end, len - end, &cp);
		if (n == 0) {
			n = 1;
			cp = 0xfffd;
		}
		if (!sim_invisible(cp) && (end == off || sim_spacing(cp)))
			(*cols)++;
		end += n;
	} while (end < len && !text_cut_ok(s, len, end));
	return end;
}

/* Columns s[0..len) takes on the screen, cluster by cluster. */
static size_t
sim_columns(const char *s, size_t len)
{
	size_t	 off = 0, cols = 0, cw;

	while (off < len) {
		off = sim_cluster(s, len, off, &cw);
		cols += cw;
	}
	return cols;
}

/*
 * Where the row that starts s (a line without '\n') ends so as to take at
 * most width columns: before the last space or U+200B, or after the last
 * U+17D4 (KHAN), that fits, else after the last cluster that fits (a
 * cluster wider than the row has one of its own); never inside a
 * cluster. The breaks stay at the start of the rest.
 */
static size_t
sim_row(const char *s, size_t len, size_t width)
{
	size_t		 off = 0, end, cols = 0, cw, brk = 0;
	uint32_t	 cp;

	while (off < len) {
		if (text_utf8_next(s + off, len - off, &cp) == 0)
			cp = 0xfffd;
		if ((cp == ' ' || cp == 0x200b) && off > 0)
			brk = off;
		end = sim_cluster(s, len, off, &cw);
		if (cols + cw > width && off > 0)
			return brk > 0 ? brk : off;
		cols += cw;
		if (cp == 0x17d4 && end < len)
			brk = end;
		off = end;
	}
	return len;
}

/* Print one row of the box: s[0..len) padded to the width. */
static void
sim_print_row(const struct sim *s, const char *row, size_t len)
{
	size_t	 cols = sim_columns(row, len), i;

	printf("| ");
	for (i = 0; i < len; i++)
		putchar((unsigned char)row[i] < 0x20 || row[i] == 0x7f ?
		    ' ' : row[i]);
	for (; cols < s->width; cols++)
		putchar(' ');
	printf(" |\n");
}

/* Print the border of the box. */
static void
sim_print_border(const struct sim *s)
{
	size_t	 i;

	putchar('+');
	for (i = 0; i < s->width + 2; i++)
		putchar('-');
	printf("+\n");
}

/*
 * Show a screen boxed at the phone's width, each line wrapped without
 * breaking a cluster, then its kind, encoding and budget as the channel
 * counts them (text_measure, the screen's whole text).
 */
static void
sim_show(const struct sim *s, const char *text, int end)
{
	enum text_encoding	 enc;
	size_t			 len = strlen(text), used, limit, start, nl;
	size_t			 stop, row;

	printf("\n");
	sim_print_border(s);
	start = 0;
	while (start <= len) {
		nl = start + strcspn(text + start, "\n");
		stop = nl;
		if (stop > start && text[stop - 1] == '\r')
			stop--;
		if (stop == start)
			sim_print_row(s, "", 0);
		while (start < stop) {
			row = sim_row(text + start, stop - start, s->width);
			sim_print_row(s, text + start, row);
			start += row;
			start += text_skip_breaks(text + start, stop - start);
		}
		start = nl + 1;
	}
	sim_print_border(s);
	enc = text_encoding_of(text, len);
	used = text_measure(text, len, enc);
	limit = enc == TEXT_GSM7 ? s->lim.gsm7 : s->lim.ucs2;
	if (used <= limit)
		printf("%s %s %zu/%zu units, %zu left%s\n", end ? "END" : "CON",
		    text_encoding_name(enc), used, limit, limit - used,
		    end ? ": the session ended" : "");
	else
		printf("%s %s %zu/%zu units, %zu OVER%s\n", end ? "END" :
		    "CON", text_encoding_name(enc), used, limit, used - limit,
		    end ? ": the session ended" : "");
}

/* Add an answer to the history (wiping the old one). Returns 0 or -1. */
static int
sim_answer(struct sim *s, const char *in)
{
	char	*n;

	if (s->history == NULL)
		n = strdup(in);
	else if (asprintf(&n, "%s*%s", s->history, in) == -1)
		n = NULL;
	if (n == NULL)
		return -1;
	sim_wipe(s->history);
	s->history = n;
	return 0;
}

/*
 * The next answer into *in: from script (n answers, *next the next one)
 * or, when script is NULL, a line of stdin (in *line, of *cap bytes),
 * asked again until it is UTF-8. Returns 1 with an answer, 0 when the
 * phone hangs up (no answer left), or -1 (an answer of script is not
 * UTF-8) after a message.
 */
static int
sim_input(char **script, size_t n, size_t *next, char **line, size_t *cap,
    const char **in)
{
	ssize_t	 got;
	size_t	 len;
	int	 tty = isatty(STDIN_FILENO);

	for (;;) {
		if (script != NULL) {
			if (*next == n)
				return 0;
			*in = script[(*next)++];
			printf("> %s\n", *in);
		} else {
			if (tty)
				printf("> ");
			fflush(stdout);
			got = getline(line, cap, stdin);
			if (got == -1) {
				if (tty)
					printf("\n");
				return 0;
			}
			len = (size_t)got;
			while (len > 0 && ((*line)[len - 1] == '\n' ||
			    (*line)[len - 1] == '\r'))
				(*line)[--len] = '\0';
			if (!tty)
				printf("> %s\n", *line);
			*in = *line;
		}
		if (text_utf8_valid(*in, strlen(*in)))
			return 1;
		fflush(stdout);
		fprintf(stderr, "hotlinectl simulate: an answer must be "
		    "UTF-8\n");
		if (script != NULL)
			return -1;
	}
}

/*
 * Run the session: the first screen, then one hop per answer, taken from
 * script (n answers) or, when script is NULL, from stdin. Returns the
 * exit status.
 */
static int
sim_session(struct sim *s, char **script, size_t n)
{
	char		*text = NULL, *line = NULL;
	const char	*in;
	size_t		 next = 0, cap = 0;
	int		 end = 0, rc = 1, got;

	if (sim_hop(s, &text, &end) == -1)
		goto done;
	for (;;) {
		sim_show(s, text, end);
		sim_wipe(text);
		text = NULL;
		if (end)
			break;
		got = sim_input(script, n, &next, &line, &cap, &in);
		if (got == -1) {
			rc = 2;
			goto done;
		}
		if (got == 0)
			break;
		if (sim_answer(s, in) == -1) {
			fprintf(stderr, "hotlinectl simulate: out of memory\n");
			goto done;
		}
		if (sim_hop(s, &text, &end) == -1)
			goto done;
	}
	if (!end)
		printf("(hung up)\n");
	fflush(stdout);
	if (end && script != NULL && next < n)
		fprintf(stderr, "hotlinectl simulate: the session ended with "
		    "%zu answer%s of --script unused\n", n - next,
		    n - next == 1 ? "" : "s");
	if (sim_notice(s, end ? "Success" : "Incomplete") == -1)
		goto done;
	rc = 0;
done:
	fflush(stdout);
	sim_wipe(text);
	if (line != NULL) {
		sodium_memzero(line, cap);
		free(line);
	}
	return rc;
}

/*
 * Split a --script value at its commas into *out (new array of pointers
 * into copy, a new copy of script). "" is no answer. Returns the number
 * of answers, or -1 out of memory.
 */
static ssize_t
sim_split(const char *script, char **copy, char ***out)
{
	char	*p;
	size_t	 n = 1, i = 0;

	*out = NULL;
	if ((*copy = strdup(script)) == NULL)
		return -1;
	for (p = *copy; *p != '\0'; p++)
		n += *p == ',';
	if ((*out = calloc(n, sizeof(**out))) == NULL)
		return -1;
	if (**copy == '\0')
		return 0;
	(*out)[i++] = *copy;
	for (p = *copy; *p != '\0'; p++)
		if (*p == ',') {
			*p = '\0';
			(*out)[i++] = p + 1;
		}
	return (ssize_t)i;
}

/* The channel to dial: name, or the first Africa's Talking channel. */
static const struct channel *
sim_channel(const struct conf *c, const char *name)
{
	const struct channel	*ch = NULL;
	size_t			 i;

	if (name != NULL) {
		ch = conf_channel_by_name(c, name);
		if (ch == NULL)
			fprintf(stderr, "hotlinectl simulate: no channel "
			    "\"%s\" in %s\n", name, conf_file(c));
	} else {
		for (i = 0; (ch = conf_channel_at(c, i)) != NULL; i++)
			if (channel_kind(ch) == CHANNEL_USSD &&
			    strcmp(channel_type(ch), "africastalking") == 0)
				break;
		if (ch == NULL)
			fprintf(stderr, "hotlinectl simulate: %s has no "
			    "africastalking channel: name one with "
			    "--channel\n", conf_file(c));
		return ch;
	}
	if (ch != NULL && (channel_kind(ch) != CHANNEL_USSD ||
	    strcmp(channel_type(ch), "africastalking") != 0)) {
		fprintf(stderr, "hotlinectl simulate: channel \"%s\" is of "
		    "type %s; simulate speaks the africastalking format "
		    "only\n", name, channel_type(ch));
		ch = NULL;
	}
	return ch;
}

/* Load the configuration, printing its problems; NULL if it has any. */
static struct conf *
sim_conf(const char *file)
{
	struct diag	*d;
	struct conf	*c;

	if ((d = diag_new()) == NULL) {
		fprintf(stderr, "hotlinectl simulate: out of memory\n");
		return NULL;
	}
	c = conf_load(file, d, NULL);
	if (c == NULL) {
		diag_print(d, stderr, "");
		fprintf(stderr, "hotlinectl simulate: %s has errors\n", file);
	}
	diag_free(d);
	return c;
}

/* `hotlinectl simulate`: see sim_usage. */
static int
sim_run(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "channel",	required_argument,	NULL, 'n' },
		{ "url",	required_argument,	NULL, 'u' },
		{ "phone",	required_argument,	NULL, 'p' },
		{ "script",	required_argument,	NULL, 's' },
		CTL_TOKEN_OPTIONS,
		{ "width",	required_argument,	NULL, 'w' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	struct sim		 s;
	struct conf		*c = NULL;
	const struct channel	*ch;
	const char		*file = HOTLINED_CONF, *name = NULL;
	const char		*url = NULL, *script = NULL, *tokfile = NULL;
	const char		*hdr, *token;
	char			*base = NULL, *mytoken = NULL, *copy = NULL;
	char			**answers = NULL, *endp;
	unsigned char		 rnd[8];
	ssize_t			 n = 0;
	long			 w;
	int			 opt, rc = 2;

	memset(&s, 0, sizeof(s));
	s.phone = SIM_TEST_PHONE;
	s.fake = 1;
	s.width = SIM_WIDTH;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			file = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'u':
			url = optarg;
			break;
		case 'p':
			s.phone = optarg;
			s.fake = 0;
			break;
		case 's':
			script = optarg;
			break;
		case 't':
			tokfile = optarg;
			break;
		case 'T':
			return ctl_token_arg();
		case 'w':
			errno = 0;
			w = strtol(optarg, &endp, 10);
			if (errno != 0 || endp == optarg || *endp != '\0' ||
			    w < SIM_WIDTH_MIN || w > SIM_WIDTH_MAX) {
				fprintf(stderr, "hotlinectl simulate: --width "
				    "must be %d to %d\n", SIM_WIDTH_MIN,
				    SIM_WIDTH_MAX);
				return 2;
			}
			s.width = (size_t)w;
			break;
		case 'h':
			sim_usage(stdout);
			return 0;
		default:
			sim_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		sim_usage(stderr);
		return 2;
	}
	if (*s.phone == '\0' || strlen(s.phone) > CHANNEL_MAX_PHONE) {
		fprintf(stderr, "hotlinectl simulate: --phone must be 1 to %d "
		    "characters\n", CHANNEL_MAX_PHONE);
		return 2;
	}
	if (sodium_init() == -1 ||
	    curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "hotlinectl simulate: cannot initialise "
		    "libsodium or libcurl\n");
		return 1;
	}
	rc = 1;
	if ((c = sim_conf(file)) == NULL)
		goto done;
	rc = 2;
	if ((ch = sim_channel(c, name)) == NULL)
		goto done;
	if ((base = sim_base(c, url)) == NULL)
		goto done;
	if (script != NULL && (n = sim_split(script, &copy, &answers)) == -1)
		goto oom;
	if (script != NULL && !text_utf8_valid(script, strlen(script))) {
		fprintf(stderr, "hotlinectl simulate: --script must be "
		    "UTF-8\n");
		goto done;
	}
	rc = 1;
	token = channel_secret(ch, &hdr);
	if (tokfile != NULL) {
		if ((mytoken = sim_read_token(tokfile)) == NULL)
			goto done;
		token = mytoken;
	}
	s.token = token;
	s.lim = *channel_limits(ch);
	if ((s.curl = curl_easy_init()) == NULL ||
	    sim_urls(&s, base, ch, token, hdr) == -1)
		goto oom;
	curl_easy_setopt(s.curl, CURLOPT_HTTPHEADER, s.headers);
	curl_easy_setopt(s.curl, CURLOPT_WRITEFUNCTION, sim_write_cb);
	curl_easy_setopt(s.curl, CURLOPT_ERRORBUFFER, s.errbuf);
	curl_easy_setopt(s.curl, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(s.curl, CURLOPT_TIMEOUT, 15L);
	curl_easy_setopt(s.curl, CURLOPT_NOSIGNAL, 1L);
	randombytes_buf(rnd, sizeof(rnd));
	memcpy(s.session, "sim-", 4);
	sodium_bin2hex(s.session + 4, sizeof(s.session) - 4, rnd, sizeof(rnd));
	printf("hotlinectl simulate: channel %s (%s) at %s%s\n",
	    channel_name(ch), channel_type(ch), s.shown,
	    token == NULL ? "" : hdr != NULL ? " (token in a header)" :
	    "/<token>");
	printf("session %s, phone: %s, screen %zu columns\n", s.session,
	    s.fake ? "the fake test number" :
	    "as given", s.width);
	rc = sim_session(&s, script != NULL ? answers : NULL, (size_t)n);
	goto done;
oom:
	fprintf(stderr, "hotlinectl simulate: out of memory\n");
	rc = 1;
done:
	if (s.headers != NULL) {
		struct curl_slist	*l;

		for (l = s.headers; l != NULL; l = l->next)
			sodium_memzero(l->data, strlen(l->data));
		curl_slist_free_all(s.headers);
	}
	if (s.curl != NULL)
		curl_easy_cleanup(s.curl);
	sim_wipe(s.url);
	sim_wipe(s.notice_url);
	sim_wipe(s.history);
	free(s.shown);
	sim_wipe(mytoken);
	free(answers);
	sim_wipe(copy);
	free(base);
	conf_unref(c);
	curl_global_cleanup();
	return rc;
}

const struct ctl_command ctl_cmd_simulate = {
	.name = "simulate",
	.summary = "a phone in the terminal: dial a USSD channel",
	.run = sim_run,
};
