/* models/ps_id.c - process and thread IDs (layer: models).
 *
 * Owns the ID table that processes and threads share (R7.2, PspCidTable):
 * IDs are nonzero multiples of 4 and a freed ID is handed out again, most
 * recently freed first, as a handle table's free list does.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>

#define MODELS_INTERNAL
#include "models/models_int.h"

int ps__ids_alloc(struct ps_ids *ids, uint32_t *out)
{
    if (ids->nfree) {
        *out = ids->free[--ids->nfree];
        return 0;
    }
    if (ids->next > UINT32_MAX - 4)
        return -1;
    ids->next += 4;
    *out = ids->next;
    return 0;
}

void ps__ids_free(struct ps_ids *ids, uint32_t id)
{
    if (ids->nfree == ids->cap) {
        uint32_t cap = ids->cap ? ids->cap * 2 : 64;
        uint32_t *f = realloc(ids->free, cap * sizeof *f);
        if (!f)
            return; /* the ID is simply not reused */
        ids->free = f;
        ids->cap = cap;
    }
    ids->free[ids->nfree++] = id;
}

void ps__ids_fini(struct ps_ids *ids)
{
    free(ids->free);
    ids->free = NULL;
    ids->nfree = ids->cap = 0;
}
