/* models/policy_gfp.c - strict global fixed priority, `gfp` (layer: models).
 *
 * The textbook model of multiprocessor real-time theory: at every instant
 * the M highest-priority ready threads run on the M processors, ties broken
 * by arrival order.  Owns one machine-wide set of 32 FIFO ready lists and
 * each thread's arrival stamp (policy_slot[ARRIVAL]): a sequence number
 * taken when it becomes ready by starting, waking or yielding, and kept when
 * it is preempted.  Priorities never change: no quantum, no boosts, no decay;
 * timers are exact in the simulator anyway.
 *
 *  - A readied thread takes an idle processor (models/policy_global.h);
 *    else it preempts the running thread that ranks lowest, by priority then
 *    latest arrival, if that is strictly lower in priority; else it waits.
 *  - A preempted thread goes to the head of its level: every thread queued
 *    there arrived after it, since the one preempted is the latest arrival
 *    among the running threads of its level; so each level stays in arrival
 *    order.
 *  - A processor about to idle takes the first thread of the highest level
 *    that its affinity allows.
 *  - A running thread whose priority drops below a waiting thread's gives
 *    way to it and waits at the head of its new level (as
 *    pthread_setschedprio does for a lowered SCHED_FIFO thread); it ranked
 *    at least as high as every waiting thread before, so no other running
 *    thread needs to give way.
 *  - A processor whose thread left during the current event ("free", see
 *    models/policy_global.h) will take the best thread queued for it when
 *    the event ends; a readied thread outranks that choice only if it is
 *    strictly higher, so threads readied and freed in one event still end up
 *    with the M highest running.
 *
 * With affinities "the M highest" is only approximated: a thread that can
 * run only where higher threads run waits even if a processor outside its
 * affinity runs something lower.  Design notes of the core: models/dispatch.c.
 *
 * SPDX-License-Identifier: MIT
 */
#include <assert.h>
#include <stdlib.h>

#define MODELS_INTERNAL
#include "models/policy_global.h"

enum { ARRIVAL }; /* index in ke_thread.policy_slot */

struct gfp_state {
    struct ke_readyq queue;
    int64_t arrivals; /* the last arrival stamp handed out */
};

static struct gfp_state *state(struct ke_machine *m) { return m->policy_state; }

static int gfp_init(struct ke_machine *m)
{
    struct gfp_state *st = malloc(sizeof *st);
    if (!st)
        return -1;
    ke__readyq_init(&st->queue);
    st->arrivals = 0;
    m->policy_state = st;
    return 0;
}

static void gfp_fini(struct ke_machine *m) { free(m->policy_state); }

/* A preempted thread keeps its stamp; any other readying is a new arrival. */
static void stamp(struct ke_machine *m, struct ke_thread *t)
{
    if (!t->preempted)
        t->policy_slot[ARRIVAL] = ++state(m)->arrivals;
}

static void gfp_enqueue(struct ke_machine *m, struct ke_thread *t)
{
    if (t->state != KE_READY) /* a requeued thread is already Ready (flush) */
        ke__set_state(t, KE_READY);
    t->wait_time = m->sim.now;
    ke__readyq_insert(&state(m)->queue, t, t->preempted);
}

static void gfp_dequeue(struct ke_machine *m, struct ke_thread *t)
{
    ke__readyq_remove(&state(m)->queue, t);
}

/* What c will run when the event ends: its Standby thread, its current
 * one, or (free) the best thread queued for it; NULL for nothing. */
static const struct ke_thread *occupant(struct ke_machine *m, const struct ke_cpu *c)
{
    if (!ke__global_cpu_free(c))
        return c->next ? c->next : c->current;
    return ke__readyq_first_for(&state(m)->queue, c->number);
}

/* a ranks below b: lower priority, or equal priority and a later arrival. */
static bool ranks_below(const struct ke_thread *a, const struct ke_thread *b)
{
    if (a->priority != b->priority)
        return a->priority < b->priority;
    return a->policy_slot[ARRIVAL] > b->policy_slot[ARRIVAL];
}

/* The processor in t's affinity whose occupant ranks lowest, if that is
 * strictly lower in priority than t (a processor with nothing to run is
 * lowest of all).  NULL if there is none. */
static struct ke_cpu *victim(struct ke_machine *m, const struct ke_thread *t)
{
    struct ke_cpu *best = NULL;
    const struct ke_thread *low = NULL;
    for (int i = 0; i < m->ncpus; i++) {
        if (!ke__affine(t, i))
            continue;
        const struct ke_thread *o = occupant(m, &m->cpus[i]);
        if (!o)
            return &m->cpus[i];
        if (o->priority < t->priority && (!low || ranks_below(o, low))) {
            best = &m->cpus[i];
            low = o;
        }
    }
    return best;
}

static void gfp_ready(struct ke_machine *m, struct ke_thread *t)
{
    stamp(m, t);
    struct ke_cpu *c = ke__global_idle_cpu(m, t);
    if (c) {
        ke__standby(m, c, t, KE_READY_REQUEUE);
        return;
    }
    c = victim(m, t);
    if (!c)
        gfp_enqueue(m, t);
    else if (c->next)
        ke__displace_standby(m, c, t); /* the displaced thread is placed again */
    else
        ke__standby(m, c, t, KE_READY_PREEMPTED);
}

static void gfp_requeue(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    (void)c;
    stamp(m, t);
    gfp_enqueue(m, t);
}

static struct ke_thread *gfp_pick_next(struct ke_machine *m, struct ke_cpu *c)
{
    struct ke_thread *t = ke__readyq_first_for(&state(m)->queue, c->number);
    if (t)
        gfp_dequeue(m, t);
    return t;
}

static void gfp_priority_lowered(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    struct ke_thread *n = ke__readyq_first_for(&state(m)->queue, c->number);
    if (c->next || !n || n->priority <= t->priority)
        return;
    gfp_dequeue(m, n);
    ke__standby(m, c, n, KE_READY_PREEMPTED);
}

/* sched_yield: to the tail of its level, only for a thread of the same
 * priority; a lower one never runs while t is ready. */
static bool gfp_yield(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    struct ke_thread *n = ke__readyq_first_for(&state(m)->queue, c->number);
    if (c->next || !n || n->priority < t->priority)
        return false;
    gfp_dequeue(m, n);
    ke__standby(m, c, n, KE_READY_YIELD);
    return true;
}

const struct ke_policy_ops gfp_policy = {
    .name = "gfp",
    .summary = "strict global fixed priority: the M highest ready threads run, ties by arrival",
    .init = gfp_init,
    .fini = gfp_fini,
    .ready = gfp_ready,
    .requeue = gfp_requeue,
    .pick_next = gfp_pick_next,
    .dequeue = gfp_dequeue,
    .yield = gfp_yield,
    .priority_lowered = gfp_priority_lowered,
};
