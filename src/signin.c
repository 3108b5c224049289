/* SPDX-License-Identifier: ISC */
/*
 * signin: console sessions, one-time links and failed sign-ins, in three
 * small fixed tables. A secret is 32 random bytes shown as base64url; only
 * its BLAKE2b hash is kept, and finding one compares the hash with every
 * entry in use (sodium_memcmp, no early exit). The tables are small (a hotline
 * has tens of counsellors), so a linear scan is the simplest honest shape.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "signin.h"

#define SIGNIN_SESSIONS	2048
#define SIGNIN_LINKS	1024
#define SIGNIN_ADDRS	256
#define SIGNIN_HASH	32
#define SIGNIN_ADDR_MAX	64

struct signin_entry {
	int			 used;
	unsigned char		 hash[SIGNIN_HASH];
	struct signin_session	 ss;
};

struct signin_link {
	int		 used;
	unsigned char	 hash[SIGNIN_HASH];
	char		 id[SIGNIN_ID_MAX];
	char		 ref[SIGNIN_REF_MAX];
	int64_t		 expires;
};

struct signin_addr {
	int		 used;
	char		 addr[SIGNIN_ADDR_MAX];
	int64_t		 first;		/* start of the window */
	int		 failures;
};

struct signin {
	struct signin_entry	 sessions[SIGNIN_SESSIONS];
	struct signin_link	 links[SIGNIN_LINKS];
	struct signin_addr	 addrs[SIGNIN_ADDRS];
};

/* An empty table. */
struct signin *
signin_new(void)
{
	if (sodium_init() == -1)
		return NULL;
	return calloc(1, sizeof(struct signin));
}

/* Free, wiping. */
void
signin_free(struct signin *s)
{
	if (s == NULL)
		return;
	sodium_memzero(s, sizeof(*s));
	free(s);
}

/* Hash a secret as presented. */
static void
signin_hash(const char *secret, unsigned char *out)
{
	crypto_generichash(out, SIGNIN_HASH, (const unsigned char *)secret,
	    strlen(secret), NULL, 0);
}

/* A new random secret into out, and its hash. */
static int
signin_secret(char *out, size_t len, unsigned char *hash)
{
	unsigned char	 raw[32];

	if (len < SIGNIN_SECRET_LEN + 1)
		return -1;
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, len, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	if (hash != NULL)
		signin_hash(out, hash);
	return 0;
}

/* Open a session. */
int
signin_open(struct signin *s, const char *id, int64_t now, char *cookie,
    size_t cookielen, char *csrf, size_t csrflen)
{
	struct signin_entry	*e = NULL;
	size_t			 i;

	/* Checked before a slot is taken: a refusal evicts nobody. */
	if (strlen(id) >= SIGNIN_ID_MAX || csrflen < SIGNIN_SECRET_LEN + 1 ||
	    cookielen < SIGNIN_SECRET_LEN + 1)
		return -1;
	/* A free slot, or the one used longest ago. */
	for (i = 0; i < SIGNIN_SESSIONS; i++) {
		if (!s->sessions[i].used) {
			e = &s->sessions[i];
			break;
		}
		if (e == NULL || s->sessions[i].ss.last < e->ss.last)
			e = &s->sessions[i];
	}
	memset(e, 0, sizeof(*e));
	if (signin_secret(cookie, cookielen, e->hash) == -1 ||
	    signin_secret(e->ss.csrf, sizeof(e->ss.csrf), NULL) == -1)
		return -1;
	snprintf(e->ss.id, sizeof(e->ss.id), "%s", id);
	snprintf(csrf, csrflen, "%s", e->ss.csrf);
	e->ss.last = now;
	e->used = 1;
	return 0;
}

/* The entry whose hash matches secret's, comparing with every one. */
static struct signin_entry *
signin_lookup(struct signin *s, const char *secret)
{
	struct signin_entry	*found = NULL;
	unsigned char		 h[SIGNIN_HASH];
	size_t			 i;

	if (secret == NULL || strlen(secret) != SIGNIN_SECRET_LEN)
		return NULL;
	signin_hash(secret, h);
	/* Every session in use is compared: the time says how many there
	 * are, never which one matched or how closely. */
	for (i = 0; i < SIGNIN_SESSIONS; i++)
		if (s->sessions[i].used &&
		    sodium_memcmp(h, s->sessions[i].hash, SIGNIN_HASH) == 0)
			found = &s->sessions[i];
	sodium_memzero(h, sizeof(h));
	return found;
}

/* Find and touch a session. */
const struct signin_session *
signin_find(struct signin *s, const char *cookie, int64_t now, int idle)
{
	struct signin_entry	*e = signin_lookup(s, cookie);

	if (e == NULL)
		return NULL;
	if (now - e->ss.last >= idle || now < e->ss.last - 60) {
		sodium_memzero(e, sizeof(*e));
		return NULL;
	}
	e->ss.last = now;
	return &e->ss;
}

/* Sign out. */
void
signin_close(struct signin *s, const char *cookie)
{
	struct signin_entry	*e = signin_lookup(s, cookie);

	if (e != NULL)
		sodium_memzero(e, sizeof(*e));
}

/* Forget every session of id. */
void
signin_close_all(struct signin *s, const char *id)
{
	size_t	 i;

	for (i = 0; i < SIGNIN_SESSIONS; i++)
		if (s->sessions[i].used &&
		    strcmp(s->sessions[i].ss.id, id) == 0)
			sodium_memzero(&s->sessions[i],
			    sizeof(s->sessions[i]));
}

/* Check a CSRF token. */
int
signin_csrf_ok(const struct signin_session *ss, const char *token)
{
	if (token == NULL || strlen(token) != SIGNIN_SECRET_LEN)
		return 0;
	return sodium_memcmp(ss->csrf, token, SIGNIN_SECRET_LEN) == 0;
}

/* A one-time link. */
int
signin_link_new(struct signin *s, const char *id, const char *ref,
    int64_t now, int ttl, char *out, size_t outlen)
{
	struct signin_link	*l = NULL;
	size_t			 i;

	if (strlen(id) >= SIGNIN_ID_MAX ||
	    (ref != NULL && strlen(ref) >= SIGNIN_REF_MAX))
		return -1;
	/* A free or expired slot, or the one that expires first. */
	for (i = 0; i < SIGNIN_LINKS; i++) {
		if (!s->links[i].used || s->links[i].expires <= now) {
			l = &s->links[i];
			break;
		}
		if (l == NULL || s->links[i].expires < l->expires)
			l = &s->links[i];
	}
	memset(l, 0, sizeof(*l));
	if (signin_secret(out, outlen, l->hash) == -1)
		return -1;
	snprintf(l->id, sizeof(l->id), "%s", id);
	snprintf(l->ref, sizeof(l->ref), "%s", ref != NULL ? ref : "");
	l->expires = now + ttl;
	l->used = 1;
	return 0;
}

/* Use a link once. */
int
signin_link_take(struct signin *s, const char *secret, int64_t now,
    char *id, size_t idlen, char *ref, size_t reflen)
{
	struct signin_link	*found = NULL;
	unsigned char		 h[SIGNIN_HASH];
	size_t			 i;
	int			 rc = -1;

	if (secret == NULL || strlen(secret) != SIGNIN_SECRET_LEN)
		return -1;
	signin_hash(secret, h);
	for (i = 0; i < SIGNIN_LINKS; i++)
		if (s->links[i].used &&
		    sodium_memcmp(h, s->links[i].hash, SIGNIN_HASH) == 0)
			found = &s->links[i];
	sodium_memzero(h, sizeof(h));
	if (found == NULL)
		return -1;
	if (found->expires > now) {
		snprintf(id, idlen, "%s", found->id);
		snprintf(ref, reflen, "%s", found->ref);
		rc = 0;
	}
	sodium_memzero(found, sizeof(*found));	/* used, or expired */
	return rc;
}

/*
 * The failure record of addr (as far as it is kept: its first
 * SIGNIN_ADDR_MAX - 1 bytes), creating it when create is set.
 */
static struct signin_addr *
signin_addr(struct signin *s, const char *whole, int64_t now, int create)
{
	struct signin_addr	*a = NULL;
	char			 addr[SIGNIN_ADDR_MAX];
	size_t			 i;

	snprintf(addr, sizeof(addr), "%s", whole);
	for (i = 0; i < SIGNIN_ADDRS; i++)
		if (s->addrs[i].used && strcmp(s->addrs[i].addr, addr) == 0) {
			if (now - s->addrs[i].first >= SIGNIN_FAIL_WINDOW)
				memset(&s->addrs[i], 0, sizeof(s->addrs[i]));
			else
				return &s->addrs[i];
		}
	if (!create)
		return NULL;
	for (i = 0; i < SIGNIN_ADDRS; i++) {
		if (!s->addrs[i].used ||
		    now - s->addrs[i].first >= SIGNIN_FAIL_WINDOW) {
			a = &s->addrs[i];
			break;
		}
		if (a == NULL || s->addrs[i].first < a->first)
			a = &s->addrs[i];
	}
	memset(a, 0, sizeof(*a));
	snprintf(a->addr, sizeof(a->addr), "%s", addr);
	a->first = now;
	a->used = 1;
	return a;
}

/* Seconds to wait before another try. */
int
signin_wait(struct signin *s, const char *addr, int64_t now, int max)
{
	struct signin_addr	*a = signin_addr(s, addr, now, 0);

	if (a == NULL || a->failures < max)
		return 0;
	return (int)(a->first + SIGNIN_FAIL_WINDOW - now);
}

/* Count a failure. */
void
signin_failed(struct signin *s, const char *addr, int64_t now)
{
	struct signin_addr	*a = signin_addr(s, addr, now, 1);

	a->failures++;
}

/* Sessions held. */
size_t
signin_count(const struct signin *s)
{
	size_t	 i, n = 0;

	for (i = 0; i < SIGNIN_SESSIONS; i++)
		n += s->sessions[i].used != 0;
	return n;
}
