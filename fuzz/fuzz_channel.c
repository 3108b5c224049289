/* SPDX-License-Identifier: ISC */
/*
 * fuzz_channel: every gateway adapter's parsers, through the channel
 * registry as the webhook and the SMS outbox call them. The channels are
 * built once from fixed entries, one or more per adapter type; each input
 * then picks one channel and one parser and feeds it the rest:
 *
 *   byte 0   the channel (modulo their number)
 *   byte 1   bits 0-1: channel_parse, channel_notice_parse,
 *            channel_send_verdict or channel_auth_parse;
 *            bit 2: GET (else POST);
 *            bits 3-4: where the rest goes: the body, the query string,
 *            the value of every header asked for, or all three split at
 *            NUL bytes (body, query, then "Name: value" lines);
 *            bits 5-7: the HTTP status of a gateway's answer
 *   rest     the payload
 *
 * Only the read-only channels outlive an input. With FUZZ_VERBOSE set in
 * the environment, each input's outcome is printed (to check the seeds).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "channel.h"
#include "diag.h"
#include "fuzzutil.h"
#include "schema.h"
#include "text.h"

#define TOKEN	"tok-0123456789abcdef"

/* One entry per adapter type, two or three where a type has shapes. */
static const char *const fuzz_entries[] = {
	"{\"name\": \"at\", \"type\": \"africastalking\", "
	"\"path\": \"/ussd/at\"}",

	"{\"name\": \"gform\", \"type\": \"generic\", \"path\": \"/g1\", "
	"\"request\": {\"session_id\": \"s\", \"phone\": \"p\", "
	"\"input\": \"i\", \"input_mode\": \"history\", \"separator\": \"*\", "
	"\"new_session\": \"unknown-session\"}}",

	"{\"name\": \"gget\", \"type\": \"generic\", \"path\": \"/g2\", "
	"\"token\": \"" TOKEN "\", \"token_in\": \"header\", "
	"\"token_header\": \"X-Hotlined-Token\", "
	"\"request\": {\"method\": \"GET\", \"session_id\": "
	"\"header:X-Session\", \"phone\": \"session_msisdn\", "
	"\"input\": \"query:session_msg\", \"network\": \"session_mno\", "
	"\"new_session\": \"field\", \"new_session_field\": "
	"\"session_operation\", \"new_session_value\": \"begin\", "
	"\"end_session_value\": \"end\", \"input_mode\": \"latest\"}, "
	"\"reply\": {\"format\": \"conend\"}}",

	"{\"name\": \"gjson\", \"type\": \"generic\", \"path\": \"/g3\", "
	"\"request\": {\"method\": \"POST\", \"body\": \"json\", "
	"\"session_id\": \"session.id\", \"phone\": \"msisdn\", "
	"\"input\": \"text\", \"hop_id\": \"messageId\", "
	"\"service_code\": \"ussdCode\", \"new_session\": \"field\", "
	"\"new_session_field\": \"newRequest\", \"new_session_value\": \"1\", "
	"\"input_mode\": \"latest\"}, "
	"\"reply\": {\"format\": \"json\", \"text_field\": \"response\", "
	"\"action_field\": \"action\", \"continue_value\": \"CON\", "
	"\"end_value\": \"END\"}}",

	"{\"name\": \"kannel\", \"type\": \"kannel\", "
	"\"path\": \"/sms/kannel\", \"sender\": \"1280\", "
	"\"report_url\": \"http://127.0.0.1:8080/sms/kannel/dlr\", "
	"\"sendsms_url\": \"http://127.0.0.1:13013/cgi-bin/sendsms\", "
	"\"kannel_username\": \"hotline\", "
	"\"kannel_password\": \"s3cret pw\"}",

	"{\"name\": \"oneapi\", \"type\": \"oneapi\", "
	"\"path\": \"/sms/smart\", \"sender\": \"1280\", "
	"\"report_url\": \"https://h.example/sms/smart/dlr\", "
	"\"oneapi_url\": \"https://api.smart.example/\", "
	"\"oneapi_token_url\": \"https://api.smart.example/token\", "
	"\"oneapi_consumer_key\": \"AbCdEf123\", "
	"\"oneapi_consumer_secret\": \"s3cr3tXyZ\"}",

	"{\"name\": \"twilio\", \"type\": \"twilio\", "
	"\"path\": \"/sms/twilio\", \"sender\": \"+15005550006\", "
	"\"twilio_auth_token\": \"12345\", "
	"\"public_url\": \"https://h.example/sms/twilio\", "
	"\"report_url\": \"https://h.example/sms/twilio/dlr\", "
	"\"twilio_account_sid\": \"AC0123456789abcdef\"}",

	"{\"name\": \"atsms\", \"type\": \"africastalking_sms\", "
	"\"path\": \"/sms/at\", \"sender\": \"HOTLINE\", "
	"\"token\": \"" TOKEN "\", \"token_in\": \"path\", "
	"\"at_username\": \"hotline\", "
	"\"at_api_key\": \"atsk_0123456789abcdef\"}",

	"{\"name\": \"vonage\", \"type\": \"vonage\", \"path\": \"/sms/vn\", "
	"\"sender\": \"HOTLINE\", \"vonage_api_key\": \"abcd1234\", "
	"\"vonage_api_secret\": \"Secret0123456789\"}",

	"{\"name\": \"vsigned\", \"type\": \"vonage\", \"path\": \"/sms/vs\", "
	"\"vonage_signature_secret\": \"mysecret\", "
	"\"vonage_signature_method\": \"sha256\", "
	"\"vonage_max_skew_seconds\": 0}",

	"{\"name\": \"infobip\", \"type\": \"infobip\", "
	"\"path\": \"/sms/ib\", \"sender\": \"HOTLINE\", "
	"\"infobip_api_key\": \"ib-0123456789abcdef\"}",

	"{\"name\": \"gsform\", \"type\": \"generic_sms\", "
	"\"path\": \"/sms/g\", \"sender\": \"1280\", "
	"\"sms_request\": {\"from\": \"msisdn\", \"to\": \"shortcode\", "
	"\"text\": \"message\", \"id\": \"query:mid\"}, "
	"\"sms_send\": {\"url\": \"https://gw.example/api/send\", "
	"\"content\": \"json\", \"to\": \"msisdn\", \"text\": \"message\", "
	"\"from\": \"sender\", \"to_plus\": false, \"id_field\": \"data.id\", "
	"\"sent_status\": [200, 201]}, "
	"\"sms_report\": {\"content\": \"json\", \"id\": \"msgId\", "
	"\"status\": \"state\", \"statuses\": {\"DELIVRD\": \"delivered\", "
	"\"UNDELIV\": \"failed\", \"ACCEPTD\": \"sent\"}}}",

	"{\"name\": \"gsjson\", \"type\": \"generic_sms\", "
	"\"path\": \"/sms/gj\", "
	"\"sms_request\": {\"content\": \"json\", \"from\": \"sms.from\", "
	"\"text\": \"sms.body\", \"id\": \"header:X-Msg-Id\"}, "
	"\"sms_send\": {\"url\": \"http://gw/s\", \"id_field\": \"id\"}, "
	"\"sms_report\": {\"content\": \"query\", \"id\": \"id\", "
	"\"status\": \"s\", \"statuses\": {\"1\": \"delivered\"}}}",

	"{\"name\": \"plasgate\", \"type\": \"plasgate\", "
	"\"sender\": \"HOTLINE\", "
	"\"plasgate_private_key\": \"pk-0123456789abcdef\", "
	"\"plasgate_secret\": \"sec-fedcba9876543210\"}",
};
#define FUZZ_NCH	(sizeof(fuzz_entries) / sizeof(fuzz_entries[0]))

static struct channel	*fuzz_ch[FUZZ_NCH];
static int		 fuzz_verbose;

static const long	 fuzz_status[8] = {
	0, 200, 201, 202, 400, 401, 429, 503
};

/* The headers of one request: every name gets all, or a table. */
struct fuzz_headers {
	const char	*all;		/* the value of any header, or NULL */
	char		*names[16];
	char		*values[16];
	size_t		 n;
};

/* Look a header up as the webhook's evhttp look-up does. */
static const char *
fuzz_header(void *arg, const char *name)
{
	struct fuzz_headers	*h = arg;
	size_t			 i;

	if (h->all != NULL)
		return h->all;
	for (i = 0; i < h->n; i++)
		if (strcasecmp(h->names[i], name) == 0)
			return h->values[i];
	return NULL;
}

/* Split "Name: value" lines (s is NUL-terminated and writable). */
static void
fuzz_header_lines(struct fuzz_headers *h, char *s)
{
	char	*line, *colon;

	while (s != NULL && *s != '\0' && h->n < 16) {
		line = s;
		s = strchr(s, '\n');
		if (s != NULL)
			*s++ = '\0';
		colon = strchr(line, ':');
		if (colon == NULL)
			continue;
		*colon++ = '\0';
		while (*colon == ' ')
			colon++;
		h->names[h->n] = line;
		h->values[h->n] = colon;
		h->n++;
	}
}

/* Touch every string of an event, so that a dangling one shows. */
static void
fuzz_event_check(const struct channel *ch, const struct channel_event *ev,
    int rc, int notice)
{
	const char	*s[] = { ev->channel, ev->session_id, ev->phone,
	    ev->service_code, ev->network, ev->hop_id, ev->input,
	    ev->history, ev->separator, ev->concat_ref };
	size_t		 i;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		if (s[i] != NULL)
			(void)strlen(s[i]);
	if (rc != 0 || notice)
		return;
	if (channel_kind(ch) == CHANNEL_SMS) {
		FUZZ_ASSERT(ev->phone != NULL && ev->input != NULL);
		FUZZ_ASSERT(text_utf8_valid(ev->input, strlen(ev->input)));
		FUZZ_ASSERT(ev->concat_total == 0 ||
		    (ev->concat_part >= 1 &&
		    ev->concat_part <= ev->concat_total));
	}
}

/* Build every channel once; a fixed entry that fails is a bug here. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct schema_doc	 doc;
	struct diag		*d;
	json_error_t		 jerr;
	json_t			*e, *menus;
	size_t			 i;

	(void)argc;
	(void)argv;
	menus = json_pack("{s:s}", "main", "menus/main.json");
	for (i = 0; i < FUZZ_NCH; i++) {
		d = diag_new();
		memset(&doc, 0, sizeof(doc));
		doc.name = "fuzz.conf";
		doc.dir = ".";
		doc.d = d;
		e = json_loads(fuzz_entries[i], 0, &jerr);
		if (e == NULL) {
			fprintf(stderr, "entry %zu: %s\n", i, jerr.text);
			abort();
		}
		fuzz_ch[i] = channel_new(&doc, e, "/channels/0", menus);
		if (fuzz_ch[i] == NULL || doc.errors != 0) {
			diag_print(d, stderr, "fuzz_channel: ");
			abort();
		}
		json_decref(e);
		diag_free(d);
	}
	json_decref(menus);
	fuzz_verbose = getenv("FUZZ_VERBOSE") != NULL;
	return 0;
}

/* Feed one channel's parser one request or answer. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct channel		*ch;
	struct channel_request	 req;
	struct channel_event	 ev;
	struct channel_answer	 ans;
	struct fuzz_headers	 h;
	const char		*cause = NULL, *how = NULL, *why = NULL;
	char			*copy = NULL, *body, *query = NULL, *hdrs;
	char			*id = NULL;
	size_t			 len, blen;
	long			 ttl;
	int			 op, rc;

	if (size < 2)
		return 0;
	ch = fuzz_ch[data[0] % FUZZ_NCH];
	op = data[1];
	data += 2;
	size -= 2;

	/* Exact-size copies, as evbuffer_pullup gives no NUL after a body;
	 * one more byte for the strings that are NUL-terminated. */
	copy = malloc(size + 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	memset(&h, 0, sizeof(h));
	body = copy;
	blen = size;
	switch ((op >> 3) & 3) {
	case 0:
		break;
	case 1:
		query = copy;
		blen = 0;
		break;
	case 2:
		h.all = copy;
		blen = 0;
		break;
	default:
		len = strlen(copy);
		blen = len;
		if (len < size) {
			query = copy + len + 1;
			hdrs = query + strlen(query);
			if (hdrs < copy + size)
				fuzz_header_lines(&h, hdrs + 1);
		}
		break;
	}
	/* The body: its own allocation of exactly blen bytes. */
	body = malloc(blen > 0 ? blen : 1);
	if (body == NULL) {
		free(copy);
		return 0;
	}
	memcpy(body, copy, blen);

	memset(&req, 0, sizeof(req));
	req.method = (op & 4) ? CHANNEL_GET : CHANNEL_POST;
	req.query = query;
	req.body = blen > 0 ? body : "";
	req.body_len = blen;
	req.header = fuzz_header;
	req.header_arg = &h;

	switch (op & 3) {
	case 0:
		rc = channel_parse(ch, &req, &ev, &cause);
		FUZZ_ASSERT(rc == 0 || rc == CHANNEL_BAD ||
		    rc == CHANNEL_FORBIDDEN);
		FUZZ_ASSERT(rc == 0 || cause != NULL);
		fuzz_event_check(ch, &ev, rc, 0);
		if (fuzz_verbose)
			fprintf(stderr, "%s parse: %d %s\n", channel_name(ch),
			    rc, rc == 0 ? ev.input : cause);
		channel_event_clear(&ev);
		break;
	case 1:
		rc = channel_notice_parse(ch, &req, &ev, &how, &cause);
		FUZZ_ASSERT(rc == 0 || cause != NULL);
		FUZZ_ASSERT(rc != 0 || how != NULL);
		fuzz_event_check(ch, &ev, rc, 1);
		if (fuzz_verbose)
			fprintf(stderr, "%s notice: %d %s\n",
			    channel_name(ch), rc, rc == 0 ? how : cause);
		channel_event_clear(&ev);
		break;
	case 2:
		/* A gateway's answer is NUL-terminated (fetch adds one). */
		if (!channel_can_send(ch))
			break;
		ans.status = fuzz_status[(op >> 5) & 7];
		ans.body = copy;
		ans.body_len = size;
		rc = channel_send_verdict(ch, &ans, &id, &why);
		if (id != NULL)
			(void)strlen(id);
		if (fuzz_verbose)
			fprintf(stderr, "%s verdict: %d %s\n",
			    channel_name(ch), rc, id != NULL ? id : "-");
		free(id);
		break;
	default:
		ans.status = fuzz_status[(op >> 5) & 7];
		ans.body = copy;
		ans.body_len = size;
		rc = channel_auth_parse(ch, &ans, &id, &ttl);
		FUZZ_ASSERT(rc != 0 || id != NULL);
		if (fuzz_verbose)
			fprintf(stderr, "%s auth: %d %ld\n", channel_name(ch),
			    rc, rc == 0 ? ttl : 0L);
		free(id);
		break;
	}
	free(body);
	free(copy);
	return 0;
}
