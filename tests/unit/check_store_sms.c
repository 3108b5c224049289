/* SPDX-License-Identifier: ISC */
/*
 * check_store_sms: the SMS part of the store against a real SQLite file
 * in a fresh temporary directory per test: inbound de-duplication of
 * gateway ids (per channel, for keep seconds), STOP and START, the order
 * of the queue and of what is due, the results of sending, delivery
 * reports by our message id and by the gateway's, rows that survive a
 * restart, and a file at schema 2 migrated in place. A second connection
 * (test-only SQL) checks what is on disk.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <sqlite3.h>

#include "store.h"
#include "store_sqlite.h"
#include "storeutil.h"

#define MAXROWS		16

#define PHONE_A		"+85512345601"
#define PHONE_B		"+85512345602"
/* UTF-8 that is not GSM-7: "hello, phone". */
#define KHMER		"សួស្តី! ទូរស័ព្ទ"

/* What an inbound completion saw. */
struct inres {
	int			 done;
	enum store_rc		 rc;
	int			 opted_out;
};

/* What a done completion saw. */
struct dres {
	int			 done;
	enum store_rc		 rc;
};

/* One SMS row as a completion saw it, with copies of its strings. */
struct srow {
	int64_t			 id;
	enum store_sms_state	 state;
	int			 attempts;
	int64_t			 next_at;
	int			 parts;
	int64_t			 created_at;
	int64_t			 updated_at;
	char			 channel[32];
	char			 phone[32];
	char			 text[256];
	char			 msg_id[64];
	char			 encoding[16];
	char			 gateway_id[64];
	char			 error[64];
	char			 report[16];
	int			 has_encoding;
	int			 has_gateway_id;
	int			 has_error;
	int			 has_report;
};

/* What a rows completion saw. */
struct rows {
	int			 done;
	enum store_rc		 rc;
	size_t			 n;
	struct srow		 r[MAXROWS];
};

/* Copy src (NULL: empty) into dst; returns whether it was set. */
static int
cp(char *dst, size_t len, const char *src)
{
	if (src == NULL) {
		dst[0] = '\0';
		return 0;
	}
	ck_assert_uint_lt(strlen(src), len);
	snprintf(dst, len, "%s", src);
	return 1;
}

/* Completion of an inbound check. */
static void
inbound_cb(enum store_rc rc, int opted_out, void *arg)
{
	struct inres	*r = arg;

	r->rc = rc;
	r->opted_out = opted_out;
	r->done = 1;
}

/* Completion of a job without results. */
static void
done_cb(enum store_rc rc, void *arg)
{
	struct dres	*r = arg;

	r->rc = rc;
	r->done = 1;
}

/* Completion of a job with SMS rows: copy them out. */
static void
rows_cb(enum store_rc rc, const struct store_sms *rows, size_t n, void *arg)
{
	struct rows	*l = arg;
	struct srow	*o;
	size_t		 i;

	ck_assert_uint_le(n, MAXROWS);
	if (rc != STORE_OK)
		ck_assert_uint_eq(n, 0);
	l->rc = rc;
	l->n = n;
	for (i = 0; i < n; i++) {
		o = &l->r[i];
		o->id = rows[i].id;
		o->state = rows[i].state;
		o->attempts = rows[i].attempts;
		o->next_at = rows[i].next_at;
		o->parts = rows[i].parts;
		o->created_at = rows[i].created_at;
		o->updated_at = rows[i].updated_at;
		ck_assert(cp(o->channel, sizeof(o->channel),
		    rows[i].channel));
		ck_assert(cp(o->phone, sizeof(o->phone), rows[i].phone));
		ck_assert(cp(o->text, sizeof(o->text), rows[i].text));
		ck_assert(cp(o->msg_id, sizeof(o->msg_id), rows[i].msg_id));
		o->has_encoding = cp(o->encoding, sizeof(o->encoding),
		    rows[i].encoding);
		o->has_gateway_id = cp(o->gateway_id, sizeof(o->gateway_id),
		    rows[i].gateway_id);
		o->has_error = cp(o->error, sizeof(o->error), rows[i].error);
		o->has_report = cp(o->report, sizeof(o->report),
		    rows[i].report);
	}
	l->done = 1;
}

/* An inbound check, waited for; *out gets opted_out. */
static enum store_rc
inbound(const char *channel, const char *gid, const char *phone,
    int64_t keep, int64_t now, int *out)
{
	struct inres	 r = { 0, STORE_ERR, -1 };

	ck_assert_int_eq(store_sms_inbound(su.st, channel, gid, phone, keep,
	    now, inbound_cb, &r), 0);
	su_wait(&r.done);
	if (out != NULL)
		*out = r.opted_out;
	return r.rc;
}

/* Queue n texts, waited for. */
static enum store_rc
queue(const char *channel, const char *phone, const char *const *texts,
    size_t n, int64_t now)
{
	struct dres	 r = { 0, STORE_ERR };

	ck_assert_int_eq(store_sms_queue(su.st, channel, phone, texts, n, now,
	    done_cb, &r), 0);
	su_wait(&r.done);
	return r.rc;
}

/* Queue one text, waited for. */
static void
queue1(const char *channel, const char *phone, const char *text,
    int64_t now)
{
	ck_assert_int_eq(queue(channel, phone, &text, 1, now), STORE_OK);
}

/* The rows due at now (at most max), waited for. */
static void
due(int64_t now, size_t max, struct rows *l)
{
	memset(l, 0, sizeof(*l));
	ck_assert_int_eq(store_sms_due(su.st, now, max, rows_cb, l), 0);
	su_wait(&l->done);
	ck_assert_int_eq(l->rc, STORE_OK);
}

/* The rows to phone, waited for. */
static void
list(const char *phone, struct rows *l)
{
	memset(l, 0, sizeof(*l));
	ck_assert_int_eq(store_sms_list(su.st, phone, rows_cb, l), 0);
	su_wait(&l->done);
	ck_assert_int_eq(l->rc, STORE_OK);
}

/* A sending result, waited for. */
static enum store_rc
result(int64_t id, enum store_delivery d, int64_t next_at, const char *gid,
    const char *error, int parts, const char *encoding, int64_t now)
{
	struct dres	 r = { 0, STORE_ERR };

	ck_assert_int_eq(store_sms_result(su.st, id, d, next_at, gid, error,
	    parts, encoding, now, done_cb, &r), 0);
	su_wait(&r.done);
	return r.rc;
}

/* A delivery report, waited for. */
static enum store_rc
report(const char *channel, const char *msg_id, const char *gid,
    const char *status, int64_t now)
{
	struct dres	 r = { 0, STORE_ERR };

	ck_assert_int_eq(store_sms_report(su.st, channel, msg_id, gid, status,
	    now, done_cb, &r), 0);
	su_wait(&r.done);
	return r.rc;
}

/* STOP (out 1) or START (out 0), waited for. */
static void
optout(const char *phone, int out, int64_t now)
{
	struct dres	 r = { 0, STORE_ERR };

	ck_assert_int_eq(store_sms_optout(su.st, phone, out, now, done_cb,
	    &r), 0);
	su_wait(&r.done);
	ck_assert_int_eq(r.rc, STORE_OK);
}

/* Whether s is len characters of [a-z0-9]. */
static int
msgid_ok(const char *s, size_t len)
{
	size_t	 i;

	if (strlen(s) != len)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}

/*
 * A gateway id is answered once per channel within keep seconds (the
 * bound included), again after that; no id means nothing to check. The
 * file holds only keyed hashes of the ids.
 */
START_TEST(test_inbound_dedup)
{
	int	 out = -1;

	su.st = su_open(NULL);
	ck_assert_int_eq(inbound("at", "ATXid_1", PHONE_A, 60, 1000, &out),
	    STORE_OK);
	ck_assert_int_eq(out, 0);
	ck_assert_int_eq(inbound("at", "ATXid_1", PHONE_A, 60, 1010, &out),
	    STORE_DUP);
	ck_assert_int_eq(out, 0);
	/* The same id from another gateway is another message. */
	ck_assert_int_eq(inbound("plasgate", "ATXid_1", PHONE_A, 60, 1011,
	    NULL), STORE_OK);
	ck_assert_int_eq(inbound("at", "ATXid_2", PHONE_A, 60, 1012, NULL),
	    STORE_OK);
	/* The channel and the id do not run into each other. */
	ck_assert_int_eq(inbound("a", "tATXid_1", PHONE_A, 60, 1013, NULL),
	    STORE_OK);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM sms_seen"), 4);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM sms_seen"
	    " WHERE length(key) = 32 AND typeof(key) = 'blob'"), 4);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM sms_seen"
	    " WHERE instr(key, CAST('ATXid' AS BLOB)) > 0"), 0);

	/* keep seconds after it was seen it is still a duplicate... */
	ck_assert_int_eq(inbound("at", "ATXid_1", PHONE_A, 60, 1060, NULL),
	    STORE_DUP);
	/* ...and one more second makes it new, seen from then on. */
	ck_assert_int_eq(inbound("at", "ATXid_1", PHONE_A, 60, 1061, NULL),
	    STORE_OK);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM sms_seen"
	    " WHERE at = 1000"), 0);
	ck_assert_int_eq(inbound("at", "ATXid_1", PHONE_A, 60, 1100, NULL),
	    STORE_DUP);
	/* The purge is on the way: the others of 1011-1013 are gone. */
	ck_assert_int_eq(inbound("at", "ATXid_3", PHONE_B, 60, 1120, NULL),
	    STORE_OK);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM sms_seen"), 2);
	ck_assert_int_eq(inbound("plasgate", "ATXid_1", PHONE_A, 60, 1121,
	    NULL), STORE_OK);

	/* No id (or an empty one): nothing to de-duplicate. */
	ck_assert_int_eq(inbound("at", NULL, PHONE_A, 60, 1200, NULL),
	    STORE_OK);
	ck_assert_int_eq(inbound("at", NULL, PHONE_A, 60, 1200, NULL),
	    STORE_OK);
	ck_assert_int_eq(inbound("at", "", PHONE_A, 60, 1200, NULL),
	    STORE_OK);
	ck_assert_int_eq(inbound("at", "", PHONE_A, 60, 1200, NULL),
	    STORE_OK);

	/* Refused at submission. */
	ck_assert_int_eq(store_sms_inbound(su.st, "at", "x", NULL, 60, 1,
	    inbound_cb, NULL), -1);
	ck_assert_int_eq(store_sms_inbound(su.st, NULL, "x", PHONE_A, 60, 1,
	    inbound_cb, NULL), -1);
	ck_assert_int_eq(store_sms_inbound(su.st, "at", "x", PHONE_A, -1, 1,
	    inbound_cb, NULL), -1);
	ck_assert_uint_eq(store_pending(su.st), 0);
}
END_TEST

/*
 * A page of due rows is the soonest due, by id: a retry due later waits
 * outside a page of max; rows of a page whose number wrote STOP become
 * OPTED_OUT and the page is filled from the rows after them.
 */
START_TEST(test_due_page)
{
	struct rows	 l, la;

	su.st = su_open(NULL);
	queue1("at", PHONE_B, "one", 1000);
	queue1("at", PHONE_B, "two", 1001);
	queue1("at", PHONE_B, "three", 1002);
	due(1003, 1, &l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.r[0].text, "one");
	ck_assert_int_eq(result(l.r[0].id, STORE_RETRY, 2000, NULL, "busy", 0,
	    NULL, 1003), STORE_OK);
	due(2500, 2, &l);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_str_eq(l.r[0].text, "two");
	ck_assert_str_eq(l.r[1].text, "three");
	ck_assert_int_lt(l.r[0].id, l.r[1].id);
	due(2500, 0, &l);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_str_eq(l.r[0].text, "one");
	ck_assert_str_eq(l.r[1].text, "two");
	ck_assert_str_eq(l.r[2].text, "three");

	/* The page of two is hers, and she wrote STOP: the next two. */
	queue1("at", PHONE_A, "to a", 900);
	queue1("at", PHONE_A, "to a again", 901);
	optout(PHONE_A, 1, 950);
	due(2500, 2, &l);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_str_eq(l.r[0].text, "two");
	ck_assert_str_eq(l.r[1].text, "three");
	list(PHONE_A, &la);
	ck_assert_uint_eq(la.n, 2);
	ck_assert_int_eq(la.r[0].state, STORE_SMS_OPTED_OUT);
	ck_assert_int_eq(la.r[0].updated_at, 2500);
	ck_assert_int_eq(la.r[1].state, STORE_SMS_OPTED_OUT);
	/* One of hers among the page: the page is filled from the next. */
	queue1("at", PHONE_A, "to a once more", 950);
	due(2500, 2, &l);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_str_eq(l.r[0].text, "two");
	ck_assert_str_eq(l.r[1].text, "three");
	due(2500, 0, &l);
	ck_assert_uint_eq(l.n, 3);
}
END_TEST

/*
 * STOP: inbound says so, queued rows stay queued until due, then become
 * OPTED_OUT and are not returned; rows not yet due are left alone. START:
 * new rows are due again, the opted-out ones stay as they are.
 */
/* A STOP is counted once, a STOP again after START once more. */
START_TEST(test_optout_counted)
{
	su.st = su_open(NULL);
	optout(PHONE_A, 1, 1000);
	optout(PHONE_A, 1, 1001);
	ck_assert_int_eq(su_query_int("SELECT sum(count) FROM stats_day WHERE"
	    " metric = 'optouts' AND channel = 'sms'"), 1);
	optout(PHONE_A, 0, 1002);
	optout(PHONE_A, 1, 1003);
	ck_assert_int_eq(su_query_int("SELECT sum(count) FROM stats_day WHERE"
	    " metric = 'optouts'"), 2);
}
END_TEST

START_TEST(test_optout)
{
	static const char *const two[] = { "first", "second" };
	struct rows	 l, la;
	int		 out = -1;

	su.st = su_open(NULL);
	ck_assert_int_eq(queue("at", PHONE_A, two, 2, 1000), STORE_OK);
	queue1("at", PHONE_B, "to b", 1000);
	optout(PHONE_A, 1, 1001);
	/* STOP twice is STOP. */
	optout(PHONE_A, 1, 1001);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM sms_optout"), 1);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM sms_optout"
	    " WHERE length(key) = 32"), 1);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM sms_optout"
	    " WHERE instr(key, CAST('+855' AS BLOB)) > 0"), 0);
	ck_assert_int_eq(inbound("at", "gw-1", PHONE_A, 60, 1001, &out),
	    STORE_OK);
	ck_assert_int_eq(out, 1);
	ck_assert_int_eq(inbound("at", "gw-1", PHONE_A, 60, 1001, &out),
	    STORE_DUP);
	ck_assert_int_eq(out, 1);
	ck_assert_int_eq(inbound("at", NULL, PHONE_B, 60, 1001, &out),
	    STORE_OK);
	ck_assert_int_eq(out, 0);

	list(PHONE_A, &la);
	ck_assert_uint_eq(la.n, 2);
	ck_assert_int_eq(la.r[0].state, STORE_SMS_QUEUED);
	ck_assert_int_eq(la.r[1].state, STORE_SMS_QUEUED);
	/* One more to her, not yet due when the dispatcher looks. */
	queue1("at", PHONE_A, "later", 3000);

	due(1002, 0, &l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.r[0].phone, PHONE_B);
	ck_assert_str_eq(l.r[0].text, "to b");
	list(PHONE_A, &la);
	ck_assert_uint_eq(la.n, 3);
	ck_assert_int_eq(la.r[0].state, STORE_SMS_OPTED_OUT);
	ck_assert_int_eq(la.r[0].updated_at, 1002);
	ck_assert_int_eq(la.r[0].attempts, 0);
	ck_assert_int_eq(la.r[1].state, STORE_SMS_OPTED_OUT);
	ck_assert_int_eq(la.r[2].state, STORE_SMS_QUEUED);
	/* Opted out is not due again, even without a limit. */
	due(2000, 0, &l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.r[0].phone, PHONE_B);

	optout(PHONE_A, 0, 2500);
	/* START twice is START. */
	optout(PHONE_A, 0, 2501);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM sms_optout"), 0);
	ck_assert_int_eq(inbound("at", NULL, PHONE_A, 60, 2502, &out),
	    STORE_OK);
	ck_assert_int_eq(out, 0);
	queue1("at", PHONE_A, "welcome back", 2600);
	due(3000, 0, &l);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_str_eq(l.r[0].phone, PHONE_B);
	ck_assert_str_eq(l.r[1].text, "later");
	ck_assert_str_eq(l.r[2].text, "welcome back");
	ck_assert_int_lt(l.r[0].id, l.r[1].id);
	ck_assert_int_lt(l.r[1].id, l.r[2].id);
	list(PHONE_A, &la);
	ck_assert_uint_eq(la.n, 4);
	ck_assert_int_eq(la.r[0].state, STORE_SMS_OPTED_OUT);
	ck_assert_int_eq(la.r[1].state, STORE_SMS_OPTED_OUT);

	ck_assert_int_eq(store_sms_optout(su.st, NULL, 1, 1, done_cb, NULL),
	    -1);
	ck_assert_int_eq(store_sms_list(su.st, NULL, rows_cb, NULL), -1);
}
END_TEST

/*
 * Texts are queued in order, in one job, each with its own message id,
 * due from now, by id, at most max; strings come back as stored.
 */
START_TEST(test_queue_order)
{
	static const char *const three[] = { "one", KHMER, "three" };
	static const char *const bad[] = { "one", NULL };
	struct rows	 l, lb;
	size_t		 i;

	su.st = su_open(NULL);
	ck_assert_int_eq(queue("at", PHONE_A, three, 3, 1000), STORE_OK);
	/* A NULL completion is fine; the list after it sees its rows. */
	ck_assert_int_eq(store_sms_queue(su.st, "plasgate", PHONE_B, three, 2,
	    1001, NULL, NULL), 0);
	list(PHONE_A, &l);
	ck_assert_uint_eq(l.n, 3);
	for (i = 0; i < 3; i++) {
		ck_assert_str_eq(l.r[i].text, three[i]);
		ck_assert_str_eq(l.r[i].channel, "at");
		ck_assert_str_eq(l.r[i].phone, PHONE_A);
		ck_assert_int_eq(l.r[i].state, STORE_SMS_QUEUED);
		ck_assert_int_eq(l.r[i].attempts, 0);
		ck_assert_int_eq(l.r[i].next_at, 1000);
		ck_assert_int_eq(l.r[i].parts, 0);
		ck_assert_int_eq(l.r[i].created_at, 1000);
		ck_assert_int_eq(l.r[i].updated_at, 1000);
		ck_assert(!l.r[i].has_encoding);
		ck_assert(!l.r[i].has_gateway_id);
		ck_assert(!l.r[i].has_error);
		ck_assert(!l.r[i].has_report);
		ck_assert_msg(msgid_ok(l.r[i].msg_id, 24), "msg_id \"%s\"",
		    l.r[i].msg_id);
		if (i > 0) {
			ck_assert_int_eq(l.r[i].id, l.r[i - 1].id + 1);
			ck_assert_str_ne(l.r[i].msg_id, l.r[i - 1].msg_id);
		}
	}
	list(PHONE_B, &lb);
	ck_assert_uint_eq(lb.n, 2);
	ck_assert_str_eq(lb.r[0].channel, "plasgate");
	ck_assert_int_gt(lb.r[0].id, l.r[2].id);
	ck_assert_str_ne(lb.r[0].msg_id, l.r[0].msg_id);

	due(999, 0, &l);
	ck_assert_uint_eq(l.n, 0);
	due(1000, 0, &l);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_str_eq(l.r[1].text, KHMER);
	due(1001, 0, &l);
	ck_assert_uint_eq(l.n, 5);
	for (i = 1; i < l.n; i++)
		ck_assert_int_lt(l.r[i - 1].id, l.r[i].id);
	ck_assert_str_eq(l.r[3].phone, PHONE_B);
	due(1001, 2, &l);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_str_eq(l.r[0].text, "one");
	ck_assert_str_eq(l.r[1].text, KHMER);
	/* Due does not change what it lists. */
	due(1001, 0, &l);
	ck_assert_uint_eq(l.n, 5);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM sms_out"), 5);

	ck_assert_int_eq(store_sms_queue(su.st, "at", PHONE_A, three, 0, 1,
	    done_cb, NULL), -1);
	ck_assert_int_eq(store_sms_queue(su.st, "at", PHONE_A, bad, 2, 1,
	    done_cb, NULL), -1);
	ck_assert_int_eq(store_sms_queue(su.st, "at", NULL, three, 1, 1,
	    done_cb, NULL), -1);
	ck_assert_int_eq(store_sms_queue(su.st, NULL, PHONE_A, three, 1, 1,
	    done_cb, NULL), -1);
	ck_assert_int_eq(store_sms_queue(su.st, "at", PHONE_A, NULL, 1, 1,
	    done_cb, NULL), -1);
	ck_assert_uint_eq(store_pending(su.st), 0);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM sms_out"), 5);
}
END_TEST

/*
 * RETRY keeps it queued until next_at, SENT records how it went out,
 * GAVE_UP fails it; every result counts an attempt; an unknown id is
 * NOTFOUND.
 */
START_TEST(test_result)
{
	static const char *const two[] = { "hello", "bye" };
	struct rows	 l;
	int64_t		 id0, id1;

	su.st = su_open(NULL);
	ck_assert_int_eq(queue("at", PHONE_A, two, 2, 1000), STORE_OK);
	list(PHONE_A, &l);
	id0 = l.r[0].id;
	id1 = l.r[1].id;

	ck_assert_int_eq(result(id0, STORE_RETRY, 1100, NULL, "http 503", 0,
	    NULL, 1001), STORE_OK);
	list(PHONE_A, &l);
	ck_assert_int_eq(l.r[0].state, STORE_SMS_QUEUED);
	ck_assert_int_eq(l.r[0].attempts, 1);
	ck_assert_int_eq(l.r[0].next_at, 1100);
	ck_assert_str_eq(l.r[0].error, "http 503");
	ck_assert_int_eq(l.r[0].updated_at, 1001);
	ck_assert_int_eq(l.r[0].created_at, 1000);
	ck_assert(!l.r[0].has_gateway_id);
	due(1050, 0, &l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_int_eq(l.r[0].id, id1);
	due(1100, 0, &l);
	ck_assert_uint_eq(l.n, 2);

	ck_assert_int_eq(result(id0, STORE_RETRY, 1200, NULL, "timeout", 0,
	    NULL, 1101), STORE_OK);
	ck_assert_int_eq(result(id0, STORE_SENT, 0, "ATXid_9", NULL, 2,
	    "UCS-2", 1201), STORE_OK);
	list(PHONE_A, &l);
	ck_assert_int_eq(l.r[0].state, STORE_SMS_SENT);
	ck_assert_int_eq(l.r[0].attempts, 3);
	ck_assert_int_eq(l.r[0].next_at, 1200);
	ck_assert_str_eq(l.r[0].gateway_id, "ATXid_9");
	ck_assert_int_eq(l.r[0].parts, 2);
	ck_assert_str_eq(l.r[0].encoding, "UCS-2");
	/* The last failure is kept. */
	ck_assert_str_eq(l.r[0].error, "timeout");
	ck_assert_int_eq(l.r[0].updated_at, 1201);

	ck_assert_int_eq(result(id1, STORE_GAVE_UP, 0, NULL,
	    "InvalidPhoneNumber", 1, "GSM-7", 1202), STORE_OK);
	list(PHONE_A, &l);
	ck_assert_int_eq(l.r[1].state, STORE_SMS_FAILED);
	ck_assert_int_eq(l.r[1].attempts, 1);
	ck_assert_str_eq(l.r[1].error, "InvalidPhoneNumber");
	ck_assert_int_eq(l.r[1].parts, 1);
	ck_assert_str_eq(l.r[1].encoding, "GSM-7");
	ck_assert(!l.r[1].has_gateway_id);
	/* Neither sent nor failed rows are due. */
	due(5000, 0, &l);
	ck_assert_uint_eq(l.n, 0);

	/* SENT without a gateway id or an error is fine. */
	queue1("at", PHONE_B, "plain", 1300);
	list(PHONE_B, &l);
	ck_assert_int_eq(result(l.r[0].id, STORE_SENT, 0, NULL, NULL, 0, NULL,
	    1301), STORE_OK);
	list(PHONE_B, &l);
	ck_assert_int_eq(l.r[0].state, STORE_SMS_SENT);
	ck_assert_int_eq(l.r[0].attempts, 1);
	ck_assert(!l.r[0].has_gateway_id);
	ck_assert(!l.r[0].has_error);
	ck_assert(!l.r[0].has_encoding);
	ck_assert_int_eq(l.r[0].parts, 0);

	ck_assert_int_eq(result(9999, STORE_SENT, 0, "x", NULL, 1, NULL,
	    1400), STORE_NOTFOUND);
	ck_assert_int_eq(store_sms_result(su.st, id0, (enum store_delivery)7,
	    0, NULL, NULL, 0, NULL, 1, done_cb, NULL), -1);
	ck_assert_uint_eq(store_pending(su.st), 0);
}
END_TEST

/*
 * Reports by our message id and by the gateway's: delivered, failed
 * winning over delivered (whichever came first), sent keeping the state,
 * the status kept as the report; no match (or the wrong channel) is
 * NOTFOUND. A report that comes before the result keeps its state.
 */
START_TEST(test_report)
{
	static const char *const four[] = { "a", "b", "c", "d" };
	struct rows	 l;
	char		 m[4][64];
	int		 i;

	su.st = su_open(NULL);
	ck_assert_int_eq(queue("at", PHONE_A, four, 4, 1000), STORE_OK);
	list(PHONE_A, &l);
	ck_assert_uint_eq(l.n, 4);
	for (i = 0; i < 4; i++)
		snprintf(m[i], sizeof(m[i]), "%s", l.r[i].msg_id);
	ck_assert_int_eq(result(l.r[0].id, STORE_SENT, 0, "gw-1", NULL, 1,
	    "GSM-7", 1001), STORE_OK);
	ck_assert_int_eq(result(l.r[1].id, STORE_SENT, 0, "gw-2", NULL, 1,
	    "GSM-7", 1001), STORE_OK);
	ck_assert_int_eq(result(l.r[2].id, STORE_SENT, 0, NULL, NULL, 1,
	    "GSM-7", 1001), STORE_OK);

	/* By our id. */
	ck_assert_int_eq(report("at", m[0], NULL, "delivered", 1010),
	    STORE_OK);
	list(PHONE_A, &l);
	ck_assert_int_eq(l.r[0].state, STORE_SMS_DELIVERED);
	ck_assert_str_eq(l.r[0].report, "delivered");
	ck_assert_int_eq(l.r[0].updated_at, 1010);
	ck_assert_int_eq(l.r[0].attempts, 1);
	/* A failed part after a delivered one: failed. */
	ck_assert_int_eq(report("at", m[0], NULL, "failed", 1011), STORE_OK);
	list(PHONE_A, &l);
	ck_assert_int_eq(l.r[0].state, STORE_SMS_FAILED);
	ck_assert_str_eq(l.r[0].report, "failed");

	/* By the gateway's id: sent keeps the state. */
	ck_assert_int_eq(report("at", NULL, "gw-2", "sent", 1020), STORE_OK);
	list(PHONE_A, &l);
	ck_assert_int_eq(l.r[1].state, STORE_SMS_SENT);
	ck_assert_str_eq(l.r[1].report, "sent");
	ck_assert_int_eq(report("at", NULL, "gw-2", "failed", 1021),
	    STORE_OK);
	/* Delivered after failed: still failed, the report recorded. */
	ck_assert_int_eq(report("at", NULL, "gw-2", "delivered", 1022),
	    STORE_OK);
	list(PHONE_A, &l);
	ck_assert_int_eq(l.r[1].state, STORE_SMS_FAILED);
	ck_assert_str_eq(l.r[1].report, "delivered");
	ck_assert_int_eq(l.r[1].updated_at, 1022);
	/* Our id wins over a gateway id given with it. */
	ck_assert_int_eq(report("at", m[2], "gw-1", "sent", 1030), STORE_OK);
	list(PHONE_A, &l);
	ck_assert_int_eq(l.r[2].state, STORE_SMS_SENT);
	ck_assert_str_eq(l.r[2].report, "sent");
	ck_assert_int_eq(l.r[0].state, STORE_SMS_FAILED);
	ck_assert_str_eq(l.r[0].report, "failed");

	/* Nothing matches. */
	ck_assert_int_eq(report("at", "nosuchid", NULL, "delivered", 1040),
	    STORE_NOTFOUND);
	ck_assert_int_eq(report("at", NULL, "gw-9", "delivered", 1040),
	    STORE_NOTFOUND);
	ck_assert_int_eq(report("plasgate", m[0], NULL, "delivered", 1040),
	    STORE_NOTFOUND);
	ck_assert_int_eq(report("plasgate", NULL, "gw-1", "delivered", 1040),
	    STORE_NOTFOUND);

	/* A report before the result: the result keeps the report's. */
	ck_assert_int_eq(report("at", m[3], NULL, "delivered", 1050),
	    STORE_OK);
	list(PHONE_A, &l);
	ck_assert_int_eq(l.r[3].state, STORE_SMS_DELIVERED);
	ck_assert_int_eq(result(l.r[3].id, STORE_SENT, 0, "gw-4", NULL, 1,
	    "GSM-7", 1051), STORE_OK);
	list(PHONE_A, &l);
	ck_assert_int_eq(l.r[3].state, STORE_SMS_DELIVERED);
	ck_assert_int_eq(l.r[3].attempts, 1);
	ck_assert_str_eq(l.r[3].gateway_id, "gw-4");
	ck_assert_int_eq(report("at", NULL, "gw-4", "delivered", 1052),
	    STORE_OK);

	/* Refused at submission. */
	ck_assert_int_eq(store_sms_report(su.st, "at", m[0], NULL, "queued",
	    1, done_cb, NULL), -1);
	ck_assert_int_eq(store_sms_report(su.st, "at", NULL, NULL,
	    "delivered", 1, done_cb, NULL), -1);
	ck_assert_int_eq(store_sms_report(su.st, "at", NULL, "", "delivered",
	    1, done_cb, NULL), -1);
	ck_assert_int_eq(store_sms_report(su.st, NULL, m[0], NULL,
	    "delivered", 1, done_cb, NULL), -1);
	ck_assert_int_eq(store_sms_report(su.st, "at", m[0], NULL, NULL, 1,
	    done_cb, NULL), -1);
	ck_assert_uint_eq(store_pending(su.st), 0);
}
END_TEST

/* Rows, ids seen and opt-outs survive closing and reopening the store. */
START_TEST(test_reopen)
{
	static const char *const two[] = { "kept", KHMER };
	struct rows	 l, l2;
	int		 out = -1;

	su.st = su_open(NULL);
	ck_assert_int_eq(store_schema_version(su.st), STORE_SCHEMA);
	ck_assert_int_eq(queue("at", PHONE_A, two, 2, 1000), STORE_OK);
	queue1("at", PHONE_B, "to b", 1000);
	list(PHONE_A, &l);
	ck_assert_int_eq(result(l.r[0].id, STORE_SENT, 0, "gw-1", NULL, 1,
	    "GSM-7", 1001), STORE_OK);
	ck_assert_int_eq(inbound("at", "in-1", PHONE_B, 3600, 1002, NULL),
	    STORE_OK);
	optout(PHONE_B, 1, 1003);
	list(PHONE_A, &l);
	store_free(su.st);

	su.st = su_open(NULL);
	ck_assert_int_eq(store_schema_version(su.st), STORE_SCHEMA);
	list(PHONE_A, &l2);
	ck_assert_uint_eq(l2.n, 2);
	ck_assert_int_eq(l2.r[0].id, l.r[0].id);
	ck_assert_str_eq(l2.r[0].msg_id, l.r[0].msg_id);
	ck_assert_str_eq(l2.r[1].msg_id, l.r[1].msg_id);
	ck_assert_str_eq(l2.r[1].text, KHMER);
	ck_assert_int_eq(l2.r[0].state, STORE_SMS_SENT);
	ck_assert_str_eq(l2.r[0].gateway_id, "gw-1");
	ck_assert_int_eq(l2.r[1].state, STORE_SMS_QUEUED);
	/* The key file's hash key too: the same id is a duplicate. */
	ck_assert_int_eq(inbound("at", "in-1", PHONE_B, 3600, 1010, &out),
	    STORE_DUP);
	ck_assert_int_eq(out, 1);
	ck_assert_int_eq(report("at", NULL, "gw-1", "delivered", 1011),
	    STORE_OK);
	due(1020, 0, &l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.r[0].text, KHMER);
	list(PHONE_B, &l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_int_eq(l.r[0].state, STORE_SMS_OPTED_OUT);
}
END_TEST

/* Completion of a request creation. */
static void
created_cb(enum store_rc rc, const struct store_callback *row, void *arg)
{
	struct dres	*r = arg;

	r->rc = rc;
	ck_assert_ptr_nonnull(row);
	r->done = 1;
}

/* The first column of a query's first row as text, through another link. */
static void
read_text(const char *sql, char *buf, size_t len)
{
	sqlite3		*db;
	sqlite3_stmt	*s;
	const char	*v;

	buf[0] = '\0';
	ck_assert_int_eq(sqlite3_open_v2(su.path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW &&
	    (v = (const char *)sqlite3_column_text(s, 0)) != NULL)
		snprintf(buf, len, "%s", v);
	sqlite3_finalize(s);
	sqlite3_close(db);
}

/* Create a request of PHONE_A by session "at:s1" at now, waited for. */
static enum store_rc
create_request(int64_t now)
{
	struct store_callback	 in;
	struct dres		 r = { 0, STORE_ERR };

	memset(&in, 0, sizeof(in));
	in.channel = "at";
	in.phone = PHONE_A;
	in.safe_to_call = "yes";
	in.lang = "km";
	in.next_action_at = now;
	in.call_from = now;
	ck_assert_int_eq(store_callback_create(su.st, &in, "at:s1", 5, 3600,
	    now, created_cb, &r), 0);
	su_wait(&r.done);
	return r.rc;
}

#define KEY_SQL	"SELECT hex(value) FROM meta WHERE key = 'dedup_key'"

/*
 * A file at schema 2 (as the two steps before SMS leave it: numbers and
 * answers in clear, the hash key in meta) migrates in place to 3 and
 * then 4: its request is kept and sealed, the in-file key is dropped,
 * her number is hashed anew (asking again finds her request), the SMS
 * tables and their indexes are there and work, and it stays at 4 when
 * reopened.
 */
START_TEST(test_migrate_v2)
{
	struct rows	 l;
	char		 key[80], key2[80];

	su.st = su_open(NULL);
	ck_assert_int_eq(create_request(1000), STORE_OK);
	store_free(su.st);
	su.st = NULL;

	/* Back to what schema 2 wrote. */
	su_exec("UPDATE callback SET phone = '" PHONE_A "',"
	    " safe_to_call = 'yes', phone_hash = NULL;"
	    " DELETE FROM meta WHERE key = 'key_check';"
	    " INSERT INTO meta VALUES ('dedup_key', zeroblob(32));"
	    " DROP TABLE sms_out; DROP TABLE sms_seen;"
	    " DROP TABLE sms_optout; PRAGMA user_version = 2;");
	ck_assert_int_eq(su_query_int("PRAGMA user_version"), 2);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM sqlite_master"
	    " WHERE name LIKE 'sms%'"), 0);
	read_text(KEY_SQL, key, sizeof(key));
	ck_assert_uint_eq(strlen(key), 64);

	su.st = su_open(NULL);
	ck_assert_int_eq(store_schema_version(su.st), STORE_SCHEMA);
	ck_assert_int_eq(su_query_int("PRAGMA user_version"), STORE_SCHEMA);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM sqlite_master"
	    " WHERE type = 'table' AND name IN ('sms_out', 'sms_seen',"
	    " 'sms_optout')"), 3);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM sqlite_master"
	    " WHERE type = 'index' AND name IN ('sms_out_due',"
	    " 'sms_out_gateway', 'sms_out_phone', 'sms_seen_at')"), 4);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM callback"
	    " WHERE typeof(phone) = 'blob' AND created_at = 1000"), 1);
	read_text(KEY_SQL, key2, sizeof(key2));
	ck_assert_str_eq(key2, "");
	/* Her request of schema 2 is found by her number's new hash. */
	ck_assert_int_eq(create_request(1001), STORE_MERGED);

	queue1("at", PHONE_A, "after the upgrade", 1100);
	ck_assert_int_eq(inbound("at", "m1", PHONE_A, 60, 1100, NULL),
	    STORE_OK);
	ck_assert_int_eq(inbound("at", "m1", PHONE_A, 60, 1101, NULL),
	    STORE_DUP);
	optout(PHONE_A, 1, 1102);
	due(1103, 0, &l);
	ck_assert_uint_eq(l.n, 0);
	list(PHONE_A, &l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.r[0].text, "after the upgrade");
	ck_assert_int_eq(l.r[0].state, STORE_SMS_OPTED_OUT);
	store_free(su.st);

	su.st = su_open(NULL);
	ck_assert_int_eq(store_schema_version(su.st), STORE_SCHEMA);
	list(PHONE_A, &l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_int_eq(su_query_int("SELECT count(*) FROM callback"), 1);
}
END_TEST

int
main(void)
{
	return su_main("store_sms", test_inbound_dedup, test_due_page,
	    test_optout, test_queue_order, test_result, test_report,
	    test_reopen, test_optout_counted, test_migrate_v2, NULL);
}
