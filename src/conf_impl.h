/* SPDX-License-Identifier: ISC */
/*
 * conf_impl: what conf.c shares with conf_print.c, which prints the key
 * index from the same tables conf.c checks files against. Private to
 * those two files.
 */
#ifndef HOTLINED_CONF_IMPL_H
#define HOTLINED_CONF_IMPL_H

#include "schema.h"

/* The keys of hotlined.conf's top level (conf.c's table). */
extern const struct schema_key *const conf_top_keys;

#endif
