/* SPDX-License-Identifier: ISC */
/*
 * notify_webhook: the Standard Webhooks transport (notify_webhook.c). Its
 * signature is public so that a receiver (or a test) can check one.
 */
#ifndef HOTLINED_NOTIFY_WEBHOOK_H
#define HOTLINED_NOTIFY_WEBHOOK_H

#include <stddef.h>

/*
 * Standard Webhooks v1 signature of id.timestamp.body with the secret
 * "whsec_<base64 key>" into out as "v1,<base64 HMAC-SHA256>". Returns 0,
 * or -1 if the secret is malformed or out is too small.
 */
int	notify_webhook_sign(const char *secret, const char *msg_id,
	    long timestamp, const char *body, size_t body_len, char *out,
	    size_t outlen);

#endif
