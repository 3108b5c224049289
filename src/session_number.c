/* SPDX-License-Identifier: ISC */
/*
 * session_number: what the session table knows of a caller's number: the
 * keyed hash a session remembers it by (never the number), and the limit
 * on new sessions of one number. The table, the hops and wiping a
 * forgotten number's sessions are session.c's; nothing here calls it.
 */
#include <sys/queue.h>

#include <stdint.h>
#include <string.h>

#include "channel.h"
#include "clock.h"
#include "hash.h"
#include "phone.h"
#include "ratelimit.h"
#include "session.h"
#include "session_impl.h"
#include "tally.h"

/* The keyed hash of a number as the store keeps it; -1 if not one. */
int
session_phone_hash(const struct session_table *t, const char *phone,
    uint64_t *out)
{
	char	 buf[32];

	if (phone == NULL || phone_stored(phone, buf, sizeof(buf)) == -1)
		return -1;
	*out = hash_siphash(t->key, buf, strlen(buf));
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

/* Remember whose session s is, as a hash. */
void
session_note_phone(struct session *s, const char *phone)
{
	if (session_phone_hash(s->table, phone, &s->phone) == 0)
		s->has_phone = 1;
}

/* Whether a new USSD session of ev's number is over its limit. */
int
session_over_limit(struct session_table *t, const struct channel *ch,
    const struct channel_event *ev)
{
	char			 phone[32];
	enum ratelimit_result	 r;

	if (!ratelimit_on(t->numbers) || channel_kind(ch) != CHANNEL_USSD ||
	    ev->phone == NULL || phone_e164(ev->phone, phone,
	    sizeof(phone)) == -1)
		return 0;
	r = ratelimit_take(t->numbers, phone, strlen(phone), hclock_mono_ms(),
	    NULL);
	explicit_bzero(phone, sizeof(phone));
	if (r == RATELIMIT_TRIPPED)
		tally_add(t->flood, "numbers over their limit");
	return r != RATELIMIT_PASS;
}
