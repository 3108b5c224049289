/* SPDX-License-Identifier: ISC */
/*
 * hop: what one gateway request says about its place in a session: its
 * identity, to tell a gateway's retry from a new hop, and, for gateways
 * that send the whole history, the latest input in it.
 */
#ifndef HOTLINED_HOP_H
#define HOTLINED_HOP_H

#include <stdint.h>

#include "channel.h"
#include "hash.h"

/*
 * The identity of ev for retry detection, a keyed hash under key of the
 * whole history, or the gateway's hop id, or (first hop of a latest-input
 * gateway) the input. Returns 0 with *out set, or -1 when the hop cannot
 * be told apart from the next.
 */
int		 hop_id(const uint8_t key[HASH_KEY_LEN],
		    const struct channel_event *ev, int first, uint64_t *out);

/*
 * The latest input of a history-mode hop (ev->history set): what follows
 * prev, the history of the hop before (NULL or "" on the first), and the
 * separator. When ev's history does not extend prev (a gateway that
 * rewrote it), its last entry.
 */
const char	*hop_latest(const char *prev, const struct channel_event *ev);

#endif
