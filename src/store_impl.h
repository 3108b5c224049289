/* SPDX-License-Identifier: ISC */
/*
 * store_impl: the inside of the store's handle, shared by the files that
 * build its jobs (store.c the lifecycle, requests, alerts and meta;
 * store_sms.c the texts). Nothing outside the store includes it: other
 * modules see only include/store.h.
 */
#ifndef HOTLINED_STORE_IMPL_H
#define HOTLINED_STORE_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "store_job.h"

struct store_backend;
struct store_engine;
struct store_job;
struct store_listen;
struct store_writer;

struct store {
	const struct store_backend *ops;
	struct store_engine	*engine;	/* the writer thread's once
						   it started */
	struct store_writer	*writer;
	struct store_engine	*rengine;	/* for reads, or NULL */
	struct store_writer	*reader;	/* its thread */
	struct store_job	*parked;	/* reads waiting for writes */
	struct store_job	**parked_tail;
	int			 closing;	/* in store_free */
	int			 shared;	/* store_share_for_tests */
	struct store_listen	*listen;	/* the other daemons' hints */
	void			(*woken)(void *);
	void			*woken_arg;
	uint8_t			 secret[STORE_SECRET_LEN];	/* the key
						   file's hash sub-key */
	int			 version;
};

/* The LIMIT for max (0: no limit). */
int64_t	store_limit(size_t max);

#endif
