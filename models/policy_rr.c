/* models/policy_rr.c - round robin with an exact time slice, `rr` (layer: models).
 *
 * Owns one machine-wide FIFO of Ready threads.  Priorities are ignored: every
 * thread is on one level.  A readied thread takes an idle processor (see
 * models/policy_global.h for which) or joins the tail; it never preempts.  A
 * thread runs for `machine.slice` (default 10 ms) measured exactly with the
 * processor's slice timer, not in clock ticks; when the slice expires it goes
 * to the tail if a thread that may run on its processor is waiting, else it
 * starts a new slice.  A processor about to idle takes the first waiting
 * thread whose affinity allows it.  With a slice small against the CPU
 * bursts this approximates processor sharing (M/M/1-PS).  Design notes of
 * the core: models/dispatch.c.
 *
 * SPDX-License-Identifier: MIT
 */
#include <assert.h>
#include <stdlib.h>

#define MODELS_INTERNAL
#include "models/policy_global.h"

#define RR_DEFAULT_SLICE (10 * SIM_MS)

struct rr_state {
    struct sim_list queue; /* Ready threads, arrival order */
    sim_time_t slice;
};

static struct rr_state *state(struct ke_machine *m) { return m->policy_state; }

static int rr_init(struct ke_machine *m)
{
    struct rr_state *st = malloc(sizeof *st);
    if (!st)
        return -1;
    sim_list_init(&st->queue);
    st->slice = ke__global_slice(m, RR_DEFAULT_SLICE);
    m->policy_state = st;
    return 0;
}

static void rr_fini(struct ke_machine *m) { free(m->policy_state); }

static void rr_enqueue(struct ke_machine *m, struct ke_thread *t)
{
    if (t->state != KE_READY) /* a requeued thread is already Ready (flush) */
        ke__set_state(t, KE_READY);
    t->wait_time = m->sim.now;
    sim_list_push_tail(&state(m)->queue, &t->ready_link);
}

static void rr_dequeue(struct ke_machine *m, struct ke_thread *t)
{
    (void)m;
    assert(sim_list_linked(&t->ready_link));
    sim_list_remove(&t->ready_link);
}

/* The first waiting thread that may run on c (not removed), or NULL. */
static struct ke_thread *first_for(struct ke_machine *m, const struct ke_cpu *c)
{
    struct sim_list *pos;
    sim_list_for_each(pos, &state(m)->queue)
    {
        struct ke_thread *t = SIM_CONTAINER_OF(pos, struct ke_thread, ready_link);
        if (ke__affine(t, c->number))
            return t;
    }
    return NULL;
}

static void rr_ready(struct ke_machine *m, struct ke_thread *t)
{
    struct ke_cpu *c = ke__global_idle_cpu(m, t);
    if (c)
        ke__standby(m, c, t, KE_READY_REQUEUE);
    else
        rr_enqueue(m, t);
}

/* Slice end and yield both send the thread to the tail; rr never preempts. */
static void rr_requeue(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    (void)c;
    rr_enqueue(m, t);
}

static struct ke_thread *rr_pick_next(struct ke_machine *m, struct ke_cpu *c)
{
    struct ke_thread *t = first_for(m, c);
    if (t)
        rr_dequeue(m, t);
    return t;
}

static void rr_set_next(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    (void)t;
    ke__arm_slice(m, c, m->sim.now + state(m)->slice);
}

/* Hand c to the first waiting thread allowed on it; false if there is none. */
static bool hand_over(struct ke_machine *m, struct ke_cpu *c, enum ke_ready_reason why)
{
    struct ke_thread *n = c->next ? NULL : first_for(m, c);
    if (!n)
        return false;
    rr_dequeue(m, n);
    ke__standby(m, c, n, why);
    return true;
}

static void rr_slice_end(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    KE__PROBE(m, quantum_end, c, t);
    if (!hand_over(m, c, KE_READY_QUANTUM_END))
        ke__arm_slice(m, c, m->sim.now + state(m)->slice); /* nobody waits: a new slice */
}

static bool rr_yield(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    (void)t;
    return hand_over(m, c, KE_READY_YIELD);
}

const struct ke_policy_ops rr_policy = {
    .name = "rr",
    .summary = "round robin, one level, exact time slice (machine.slice, default 10ms)",
    .init = rr_init,
    .fini = rr_fini,
    .ready = rr_ready,
    .requeue = rr_requeue,
    .pick_next = rr_pick_next,
    .dequeue = rr_dequeue,
    .slice_end = rr_slice_end,
    .yield = rr_yield,
    .set_next = rr_set_next,
};
