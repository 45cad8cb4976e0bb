/* models/policy_fifo.c - global fixed-priority FIFO policy, `fifo` (layer: models).
 *
 * Owns one machine-wide set of 32 FIFO ready lists.  A thread runs until it
 * blocks, exits or yields: no quantum, no boosts, no decay.  A readied thread
 * takes an idle processor (the lowest-numbered in its affinity) or preempts
 * the lowest-priority running thread if it is strictly higher; a preempted
 * thread goes back to the head of its list, like SCHED_FIFO.  Any processor
 * about to idle takes the head of the highest non-empty list it may run, so
 * service is first-come first-served across the machine (an M/M/c queue).
 *
 * SPDX-License-Identifier: MIT
 */
#include <assert.h>
#include <stdlib.h>

#define MODELS_INTERNAL
#include "models/models_int.h"

static struct ke_readyq *queue(struct ke_machine *m) { return m->policy_state; }

static int fifo_init(struct ke_machine *m)
{
    struct ke_readyq *q = malloc(sizeof *q);
    if (!q)
        return -1;
    ke__readyq_init(q);
    m->policy_state = q;
    return 0;
}

static void fifo_fini(struct ke_machine *m) { free(m->policy_state); }

static void fifo_enqueue(struct ke_machine *m, struct ke_thread *t, bool head)
{
    if (t->state != KE_READY) /* a requeued thread is already Ready (flush) */
        ke__set_state(t, KE_READY);
    t->wait_time = m->sim.now;
    ke__readyq_insert(queue(m), t, head);
}

static void fifo_dequeue(struct ke_machine *m, struct ke_thread *t)
{
    ke__readyq_remove(queue(m), t);
}

/* Priority of what c will run: its Standby thread, else its current one. */
static int occupant_priority(const struct ke_cpu *c)
{
    const struct ke_thread *o = c->next ? c->next : c->current;
    return o ? o->priority : -1;
}

/* The processor in t's affinity whose occupant has the lowest priority,
 * if that is lower than t's; ties go to the highest number.  NULL if none. */
static struct ke_cpu *lowest_occupied(struct ke_machine *m, const struct ke_thread *t)
{
    struct ke_cpu *best = NULL;
    for (int i = 0; i < m->ncpus; i++) {
        struct ke_cpu *c = &m->cpus[i];
        int p = occupant_priority(c);
        if (ke__affine(t, i) && p < t->priority && (!best || p <= occupant_priority(best)))
            best = c;
    }
    return best;
}

static void fifo_ready(struct ke_machine *m, struct ke_thread *t)
{
    uint64_t idle = m->idle_summary & t->affinity;
    if (idle) {
        ke__standby(m, &m->cpus[__builtin_ctzll(idle)], t, KE_READY_REQUEUE);
        return;
    }
    struct ke_cpu *c = lowest_occupied(m, t);
    if (!c)
        fifo_enqueue(m, t, t->preempted);
    else if (c->next)
        ke__displace_standby(m, c, t);
    else
        ke__standby(m, c, t, KE_READY_PREEMPTED);
}

static void fifo_requeue(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    (void)c;
    fifo_enqueue(m, t, t->preempted);
}

static struct ke_thread *fifo_pick_next(struct ke_machine *m, struct ke_cpu *c)
{
    struct ke_thread *t = ke__readyq_first_for(queue(m), c->number);
    if (t)
        fifo_dequeue(m, t);
    return t;
}

/* sched_yield: to the tail of its level if another thread of at least its
 * priority may run here. */
static bool fifo_yield(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    struct ke_thread *n = ke__readyq_first_for(queue(m), c->number);
    if (c->next || !n || n->priority < t->priority)
        return false;
    fifo_dequeue(m, n);
    ke__standby(m, c, n, KE_READY_YIELD);
    return true;
}

const struct ke_policy_ops fifo_policy = {
    .name = "fifo",
    .summary = "global fixed priority, first come first served, run to block (no quantum)",
    .init = fifo_init,
    .fini = fifo_fini,
    .ready = fifo_ready,
    .requeue = fifo_requeue,
    .pick_next = fifo_pick_next,
    .dequeue = fifo_dequeue,
    .yield = fifo_yield,
};
