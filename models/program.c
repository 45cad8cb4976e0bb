/* models/program.c - building thread programs (layer: models).
 *
 * Owns `struct ke_program`, the flattened form of a thread's operations that
 * the interpreter (models/interp.c) walks: a block (loop, periodic) is an
 * opener op and a KE_OP_END op that point at each other, so executing needs
 * no tree and no allocation.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "models/models.h"

int ke_program_append(struct ke_program *p, const struct ke_op *op)
{
    if (p->n == p->cap) {
        uint32_t cap = p->cap ? p->cap * 2 : 8;
        struct ke_op *ops = realloc(p->ops, cap * sizeof *ops);
        if (!ops)
            return -1;
        p->ops = ops;
        p->cap = cap;
    }
    p->ops[p->n] = *op;
    return (int)p->n++;
}

int ke_program_close(struct ke_program *p, uint32_t opener, struct ke_src src)
{
    struct ke_op end;
    memset(&end, 0, sizeof end);
    end.kind = KE_OP_END;
    end.object = end.lock = -1;
    end.match = opener;
    end.src = src;
    int at = ke_program_append(p, &end);
    if (at < 0)
        return -1;
    p->ops[opener].match = (uint32_t)at;
    return at;
}

void ke_program_free(struct ke_program *p)
{
    for (uint32_t i = 0; i < p->n; i++) {
        sim_dist_free(&p->ops[i].dist);
        free(p->ops[i].objects);
    }
    free(p->ops);
    memset(p, 0, sizeof *p);
}
