/* SPDX-License-Identifier: ISC */
/*
 * store_sms: the store's SMS calls (include/store.h): each checks its
 * arguments, copies them into a job (numbers only as keyed hashes where
 * the header says so) and submits it to the writer thread, as store.c
 * does for requests. What the jobs do is store_jobs_sms.c's.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "store.h"
#include "store_impl.h"
#include "store_job.h"
#include "store_writer.h"

/* Whether a gateway's message id is one (NULL or empty: none). */
static int
store_sms_has_id(const char *gateway_id)
{
	return gateway_id != NULL && *gateway_id != '\0';
}

/* Queue an inbound check: the id seen, and whether the number is out. */
int
store_sms_inbound(struct store *st, const char *channel,
    const char *gateway_id, const char *phone, int64_t keep, int64_t now,
    store_inbound_cb cb, void *arg)
{
	struct store_job	*j;

	if (channel == NULL || phone == NULL || keep < 0)
		return -1;
	j = store_job_new(SJ_SMS_INBOUND, arg);
	if (j == NULL)
		return -1;
	j->cb.inbound = cb;
	j->now = now;
	j->window = keep;
	/* Only keyed hashes go to the thread: no number, no id. */
	if (store_job_hash_number(st->secret, phone, j->phone_hash) == -1)
		goto fail;
	if (store_sms_has_id(gateway_id)) {
		if (store_job_hash_seen(st->secret, channel, gateway_id,
		    j->dedup) == -1)
			goto fail;
		j->has_seen = 1;
	}
	return store_writer_submit(st->writer, j);

fail:
	store_job_free(j);
	return -1;
}

/* Queue n texts to phone, with copies of them and the number's hash. */
int
store_sms_queue(struct store *st, const char *channel, const char *phone,
    const char *const *texts, size_t n, int64_t now, store_done_cb cb,
    void *arg)
{
	struct store_job	*j;
	size_t			 i;

	if (channel == NULL || phone == NULL || texts == NULL || n == 0 ||
	    n > SIZE_MAX / sizeof(*j->texts))
		return -1;
	for (i = 0; i < n; i++)
		if (texts[i] == NULL)
			return -1;
	j = store_job_new(SJ_SMS_QUEUE, arg);
	if (j == NULL)
		return -1;
	j->cb.done = cb;
	j->now = now;
	if (store_job_strdup(j, channel, &j->sms.channel) == -1 ||
	    store_job_strdup(j, phone, &j->sms.phone) == -1 ||
	    store_job_hash_number(st->secret, phone, j->phone_hash) == -1)
		goto fail;
	j->texts = store_job_alloc(j, n * sizeof(*j->texts));
	if (j->texts == NULL)
		goto fail;
	for (i = 0; i < n; i++)
		if (store_job_strdup(j, texts[i], &j->texts[i]) == -1)
			goto fail;
	j->ntexts = n;
	return store_writer_submit(st->writer, j);

fail:
	store_job_free(j);
	return -1;
}

/* Queue an SMS due query. */
int
store_sms_due(struct store *st, int64_t now, size_t max, store_sms_cb cb,
    void *arg)
{
	struct store_job	*j;

	j = store_job_new(SJ_SMS_DUE, arg);
	if (j == NULL)
		return -1;
	j->cb.sms = cb;
	j->now = now;
	j->max = store_limit(max);
	return store_writer_submit(st->writer, j);
}

/* Queue what sending an SMS came to. */
int
store_sms_result(struct store *st, int64_t id, enum store_delivery d,
    int64_t next_at, const char *gateway_id, const char *error, int parts,
    const char *encoding, int64_t now, store_done_cb cb, void *arg)
{
	struct store_job	*j;

	if (d != STORE_SENT && d != STORE_RETRY && d != STORE_GAVE_UP)
		return -1;
	j = store_job_new(SJ_SMS_RESULT, arg);
	if (j == NULL)
		return -1;
	j->cb.done = cb;
	j->id = id;
	j->delivery = d;
	j->when = next_at;
	j->now = now;
	j->sms.parts = parts > 0 ? parts : 0;
	if (store_job_strdup(j, store_sms_has_id(gateway_id) ? gateway_id :
	    NULL, &j->sms.gateway_id) == -1 ||
	    store_job_strdup(j, error, &j->sms.error) == -1 ||
	    store_job_strdup(j, encoding, &j->sms.encoding) == -1) {
		store_job_free(j);
		return -1;
	}
	return store_writer_submit(st->writer, j);
}

/* Queue a delivery report, by our message id or else the gateway's. */
int
store_sms_report(struct store *st, const char *channel, const char *msg_id,
    const char *gateway_id, const char *status, int64_t now,
    store_done_cb cb, void *arg)
{
	struct store_job	*j;
	int			 rc;

	if (channel == NULL || status == NULL ||
	    (msg_id == NULL && !store_sms_has_id(gateway_id)) ||
	    (strcmp(status, "delivered") != 0 &&
	    strcmp(status, "failed") != 0 && strcmp(status, "sent") != 0))
		return -1;
	j = store_job_new(SJ_SMS_REPORT, arg);
	if (j == NULL)
		return -1;
	j->cb.done = cb;
	j->now = now;
	if (msg_id != NULL)
		rc = store_job_strdup(j, msg_id, &j->sms.msg_id);
	else
		rc = store_job_strdup(j, gateway_id, &j->sms.gateway_id);
	if (rc == -1 || store_job_strdup(j, channel, &j->sms.channel) == -1 ||
	    store_job_strdup(j, status, &j->sms.report) == -1) {
		store_job_free(j);
		return -1;
	}
	return store_writer_submit(st->writer, j);
}

/* Queue STOP (out) or START of a number, kept as its keyed hash. */
int
store_sms_optout(struct store *st, const char *phone, int out, int64_t now,
    store_done_cb cb, void *arg)
{
	struct store_job	*j;

	if (phone == NULL)
		return -1;
	j = store_job_new(SJ_SMS_OPTOUT, arg);
	if (j == NULL)
		return -1;
	j->cb.done = cb;
	j->any = out ? 1 : 0;
	j->now = now;
	/* The number goes too, to be sealed beside its hash. */
	if (store_job_hash_number(st->secret, phone, j->phone_hash) == -1 ||
	    store_job_strdup(j, phone, &j->sms.phone) == -1) {
		store_job_free(j);
		return -1;
	}
	return store_writer_submit(st->writer, j);
}

/* Queue a listing of the texts to a number. */
int
store_sms_list(struct store *st, const char *phone, store_sms_cb cb,
    void *arg)
{
	struct store_job	*j;

	if (phone == NULL)
		return -1;
	j = store_job_new(SJ_SMS_LIST, arg);
	if (j == NULL)
		return -1;
	j->cb.sms = cb;
	if (store_job_hash_number(st->secret, phone, j->phone_hash) == -1) {
		store_job_free(j);
		return -1;
	}
	return store_writer_submit(st->writer, j);
}
