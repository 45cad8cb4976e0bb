/* models/readyq.c - per-processor ready lists with a summary bitmap (layer: models).
 *
 * Owns `struct ke_readyq`: 32 FIFO lists and ReadySummary (R4.3), so that
 * selection (KiSelectReadyThread, R4.4) is a bit scan plus a list head.  A
 * queued thread sits in the list of the priority it had when inserted; the
 * dispatcher never changes the priority of a queued thread without taking it
 * out first (invariant D4 in models/dispatch.c).
 *
 * SPDX-License-Identifier: MIT
 */
#include <assert.h>

#define MODELS_INTERNAL
#include "models/models_int.h"

void ke__readyq_init(struct ke_readyq *q)
{
    q->summary = 0;
    q->count = 0;
    for (int p = 0; p < KE_PRIORITY_LEVELS; p++)
        sim_list_init(&q->lists[p]);
}

void ke__readyq_insert(struct ke_readyq *q, struct ke_thread *t, bool head)
{
    assert(t->priority >= 0 && t->priority < KE_PRIORITY_LEVELS);
    assert(!sim_list_linked(&t->ready_link));
    struct sim_list *l = &q->lists[t->priority];
    if (head)
        sim_list_push_head(l, &t->ready_link);
    else
        sim_list_push_tail(l, &t->ready_link);
    q->summary |= 1u << t->priority;
    q->count++;
}

void ke__readyq_remove(struct ke_readyq *q, struct ke_thread *t)
{
    assert(sim_list_linked(&t->ready_link));
    sim_list_remove(&t->ready_link);
    if (sim_list_empty(&q->lists[t->priority]))
        q->summary &= ~(1u << t->priority);
    q->count--;
}

int ke__readyq_top(const struct ke_readyq *q)
{
    return q->summary ? 31 - __builtin_clz(q->summary) : -1;
}

struct ke_thread *ke__readyq_peek(const struct ke_readyq *q, int min_priority)
{
    int top = ke__readyq_top(q);
    if (top < min_priority)
        return NULL;
    return SIM_CONTAINER_OF(q->lists[top].next, struct ke_thread, ready_link);
}

struct ke_thread *ke__readyq_first_for(const struct ke_readyq *q, int cpu)
{
    uint32_t levels = q->summary;
    while (levels) {
        int p = 31 - __builtin_clz(levels);
        struct sim_list *pos;
        sim_list_for_each(pos, &q->lists[p])
        {
            struct ke_thread *t = SIM_CONTAINER_OF(pos, struct ke_thread, ready_link);
            if (ke__affine(t, cpu))
                return t;
        }
        levels &= ~(1u << p);
    }
    return NULL;
}
