/* models/interp.c - the interpreter of thread programs (layer: models).
 *
 * Owns what a thread does: it walks the flattened program of
 * models/program.c, turning `run` into CPU bursts (ended by the processor's
 * burst_end event), `sleep` and periodic releases into waits on the thread's
 * timer, `yield`/`exit` into dispatcher calls and the Ps operations into
 * models/ps_create.c; synchronization operations are in models/interp_sync.c.
 * Zero-time operations run back to back inside one event; a program that
 * loops forever without using time is reported as a scenario error instead
 * of hanging the simulator.
 *
 * SPDX-License-Identifier: MIT
 */
#include <assert.h>

#define MODELS_INTERNAL
#include "models/models_int.h"

/* Operations one thread may execute in a row without simulated time passing. */
#define ZERO_TIME_OP_LIMIT 100000

void ke__interp_init(struct ke_thread *t)
{
    t->pc = 0;
    t->depth = 0;
    t->burst_left = 0;
    t->overhead_left = 0;
}

static void timer_fired(struct sim *s, struct sim_event *ev)
{
    struct ke_thread *t = SIM_CONTAINER_OF(ev, struct ke_thread, timer);
    struct ke_machine *m = t->m;
    (void)s;
    m->current_cpu = 0; /* timer DPCs run on the clock processor (simulator choice) */
    KE__PROBE(m, wait_end, t);
    /* a timer wakes with increment 0 (R3.3, R5.5); an I/O with its device's */
    if (m->policy->unwait)
        m->policy->unwait(m, t, t->wake_increment);
    ke__ready(m, t, KE_READY_WAKE);
    ke__flush(m);
}

void ke__wait_until(struct ke_machine *m, struct ke_thread *t, sim_time_t until,
                    enum ke_wait_reason why, int increment)
{
    sim_event_init(&t->timer, timer_fired);
    t->wake_increment = increment;
    KE__PROBE(m, wait_begin, t, why);
    ke__leave_cpu(m, t, KE_WAITING);
    if (sim_schedule(&m->sim, &t->timer, until) != 0)
        ke__error(m, NULL, "out of memory for the event queue");
}

void ke__thread_exit(struct ke_machine *m, struct ke_thread *t)
{
    if (!ke__thread_release_all(m, t))
        return;
    ke__leave_cpu(m, t, KE_TERMINATED);
    sim_cancel(&m->sim, &t->timer);
    ps__thread_exited(m, t);
}

static void push_frame(struct ke_thread *t, const struct ke_op *op, sim_time_t now)
{
    assert(t->depth < KE_MAX_NESTING);
    t->frames[t->depth].opener = t->pc;
    t->frames[t->depth].left = op->count;
    t->frames[t->depth].release = now;
    t->depth++;
}

/* At a block's END: go round again (returns true, pc set) or leave it.
 * A periodic block that is ahead of its next release waits for it. */
static bool end_of_block(struct ke_machine *m, struct ke_thread *t, bool *blocked)
{
    assert(t->depth > 0);
    struct ke_frame *f = &t->frames[t->depth - 1];
    const struct ke_op *opener = &t->spec->program.ops[f->opener];
    if (opener->kind == KE_OP_PERIODIC) {
        f->release += (sim_time_t)opener->dist.a;
        t->pc = f->opener + 1;
        if (f->release > m->sim.now) {
            ke__wait_until(m, t, f->release, KE_WAIT_PERIOD, 0);
            *blocked = true;
        }
        return true;
    }
    if (f->left == KE_LOOP_FOREVER || --f->left > 0) {
        t->pc = f->opener + 1;
        return true;
    }
    t->depth--;
    return false;
}

/* NtYieldExecution (R2.10): true if another thread takes the processor. */
static bool yield(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    return m->policy->yield && m->policy->yield(m, c, t);
}

/* Operations that may leave the processor must not run at DISPATCH_LEVEL. */
static bool may_block(const struct ke_op *op)
{
    switch (op->kind) {
    case KE_OP_SLEEP:
    case KE_OP_IO:
    case KE_OP_WAIT:
    case KE_OP_COND_WAIT:
    case KE_OP_BARRIER:
    case KE_OP_YIELD:
    case KE_OP_SPAWN:
    case KE_OP_CREATE_THREAD:
    case KE_OP_SYSCALL:
    case KE_OP_EXIT: return true;
    default: return false;
    }
}

/* Execute one operation.  Returns true when the thread stops executing
 * for now (it needs the CPU for a burst, blocked, yielded or exited). */
static bool step(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    const struct ke_program *prog = &t->spec->program;
    if (t->pc >= prog->n)
        return ps__exit(m, c, t); /* falling off the end is an implicit exit */
    const struct ke_op *op = &prog->ops[t->pc];
    bool stop = false;
    if (t->spinlocks_held && may_block(op)) {
        ke__error(m, &op->src, "%s would wait or yield while holding a spinlock (R6.2)", t->entity);
        return true;
    }
    switch (op->kind) {
    case KE_OP_RUN:
        t->pc++;
        t->burst_left = sim_dist_sample(&op->dist, t->rng);
        if (t->burst_left > 0) {
            ke__start_burst(m, c, t);
            return true;
        }
        return false;
    case KE_OP_SLEEP: {
        t->pc++;
        sim_time_t d = sim_dist_sample(&op->dist, t->rng);
        if (d > 0) {
            ke__wait_until(m, t, m->sim.now + d, KE_WAIT_SLEEP, 0);
            return true;
        }
        return yield(m, c, t); /* Sleep(0) gives up the slice like a yield */
    }
    case KE_OP_YIELD:
        t->pc++;
        return yield(m, c, t);
    case KE_OP_EXIT:
        return ps__exit(m, c, t);
    /* Ps operations (models/ps_create.c) run in steps and advance pc themselves */
    case KE_OP_SPAWN: return ps__spawn(m, c, t, op);
    case KE_OP_CREATE_THREAD: return ps__create_thread(m, c, t, op);
    case KE_OP_SYSCALL: return ps__syscall(m, c, t, op);
    case KE_OP_LOOP:
    case KE_OP_PERIODIC:
        push_frame(t, op, m->sim.now);
        t->pc++;
        return false;
    case KE_OP_END:
        if (!end_of_block(m, t, &stop))
            t->pc++;
        return stop;
    default:
        return ke__interp_sync(m, c, t, op);
    }
}

void ke__interp_continue(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    assert(c->current == t && t->state == KE_RUNNING);
    m->current_cpu = c->number;
    t->burst_left = 0;
    t->overhead_left = 0;
    for (int n = 0; n < ZERO_TIME_OP_LIMIT; n++) {
        if (step(m, c, t) || m->failed)
            return;
        if (c->next && t->irql < KE_DISPATCH_LEVEL)
            return; /* a dispatch point: the Standby thread takes over now */
    }
    const struct ke_op *op = &t->spec->program.ops[t->pc < t->spec->program.n ? t->pc : 0];
    ke__error(m, &op->src,
              "thread %s executed %d operations without simulated time passing "
              "(a loop with nothing that takes time?)",
              t->entity, ZERO_TIME_OP_LIMIT);
}
