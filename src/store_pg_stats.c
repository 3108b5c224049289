/* SPDX-License-Identifier: ISC */
/*
 * store_pg_stats: a report's read of the daily aggregates of a PostgreSQL
 * database (store_jobs_stats.c counts them), on a read-only connection of
 * its own beside the running daemons: the days summed by month, then the
 * sealed monthly counts of her answers opened under the key file.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <sodium.h>

#include "stats.h"
#include "store_pg.h"

/* The days from $1 to $2, summed by month (text out, not binary). */
#define STATS_PG_DAYS							\
	"SELECT substr(day, 1, 7), channel, metric, key, sum(count)::bigint" \
	" FROM stats_day WHERE day >= $1::text AND day <= $2::text"	\
	" GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"
#define STATS_PG_ANSWERS						\
	"SELECT id, month, channel, metric, counts FROM stats_answer"	\
	" WHERE month >= substr($1::text, 1, 7) AND"			\
	" month <= substr($2::text, 1, 7) ORDER BY month, channel, metric"

/* Where the lines of one sealed value of counts go. */
struct stats_pg_ctx {
	const char		*month;
	const char		*channel;
	const char		*metric;
	store_stats_row_cb	 cb;
	void			*arg;
};

static int
stats_pg_answer(const char *label, int64_t n, void *arg)
{
	struct stats_pg_ctx	*c = arg;

	return c->cb(c->month, c->channel, c->metric, label, n, c->arg);
}

/* Run a query of the period from to to; NULL with *cause. */
static PGresult *
stats_pg_query(struct store_pg_conn *c, const char *sql, const char *from,
    const char *to, int binary, char **cause)
{
	const char	*vals[2] = { from, to };
	PGresult	*res;

	res = PQexecParams(store_pg_conn_pg(c), sql, 2, NULL, vals, NULL,
	    NULL, binary);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		store_job_cause(cause, "database: %.*s",
		    (int)strcspn(PQerrorMessage(store_pg_conn_pg(c)), "\n"),
		    PQerrorMessage(store_pg_conn_pg(c)));
		PQclear(res);
		return NULL;
	}
	return res;
}

/*
 * Open the sealed counts of row id, given as text (bytea's hex, "\x..."):
 * a new string of *plen bytes, or NULL.
 */
static char *
stats_pg_open(const struct store_keys *keys, int64_t id, const char *hex,
    size_t *plen)
{
	unsigned char	*blob;
	char		*plain = NULL;
	size_t		 n = 0;

	blob = PQunescapeBytea((const unsigned char *)hex, &n);
	if (blob != NULL && n >= STORE_CRYPT_OVERHEAD) {
		*plen = n - STORE_CRYPT_OVERHEAD + 1;
		plain = malloc(*plen);
		if (plain != NULL && store_crypt_open(keys->aead,
		    STORE_COL_STATS_COUNTS, id, blob, n, plain) == -1) {
			free(plain);
			plain = NULL;
		}
	}
	PQfreemem(blob);
	return plain;
}

/* Open and hand on each sealed monthly count of answers of the period. */
static int
stats_pg_answers(struct store_pg_conn *c, const char *key_file,
    const char *from, const char *to, store_stats_row_cb cb, void *arg,
    char **cause)
{
	struct store_keys	 keys;
	struct stats_pg_ctx	 x;
	PGresult		*res;
	char			*plain = NULL;
	size_t			 plen = 0;
	int64_t			 id = 0;
	int			 i, loaded = 0, ret = -1;

	memset(&keys, 0, sizeof(keys));
	res = stats_pg_query(c, STATS_PG_ANSWERS, from, to, 0, cause);
	if (res == NULL)
		return -1;
	for (i = 0; i < PQntuples(res); i++) {
		if (!loaded) {
			if (store_crypt_load(key_file, 0, &keys, cause) == -1)
				goto out;
			loaded = 1;
		}
		id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		plain = stats_pg_open(&keys, id, PQgetvalue(res, i, 4), &plen);
		if (plain == NULL)
			goto bad;
		x.month = PQgetvalue(res, i, 1);
		x.channel = PQgetvalue(res, i, 2);
		x.metric = PQgetvalue(res, i, 3);
		x.cb = cb;
		x.arg = arg;
		if (stats_counts_each(plain, stats_pg_answer, &x) == -1)
			goto bad;
		sodium_memzero(plain, plen);
		free(plain);
		plain = NULL;
	}
	ret = 0;
	goto out;

bad:
	store_job_cause(cause, "database: the counts of answers of row %lld "
	    "do not open under %s", (long long)id, key_file);
out:
	if (plain != NULL) {
		sodium_memzero(plain, plen);
		free(plain);
	}
	PQclear(res);
	if (loaded)
		store_crypt_wipe(&keys);
	return ret;
}

/* Read the aggregates of a period, summed by month, read-only. */
int
store_pg_stats_read(const char *uri, const struct store_opts *opts,
    const char *key_file, const char *from, const char *to,
    store_stats_row_cb cb, void *arg, char **cause)
{
	struct store_pg_conn	*c;
	PGresult		*res = NULL;
	int			 i, ret = -1;

	c = store_pg_connect(uri, opts != NULL ? opts->password_file : NULL,
	    5000, 1, cause);
	if (c == NULL)
		return -1;
	res = stats_pg_query(c, STATS_PG_DAYS, from, to, 0, cause);
	if (res == NULL)
		goto out;
	for (i = 0; i < PQntuples(res); i++)
		if (cb(PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
		    PQgetvalue(res, i, 2), PQgetvalue(res, i, 3),
		    strtoll(PQgetvalue(res, i, 4), NULL, 10), arg) != 0) {
			store_job_cause(cause, "database: too many "
			    "aggregates");
			goto out;
		}
	ret = stats_pg_answers(c, key_file, from, to, cb, arg, cause);
out:
	PQclear(res);
	store_pg_conn_free(c);
	return ret;
}
