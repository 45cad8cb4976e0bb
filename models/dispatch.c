/* models/dispatch.c - the dispatcher core: thread states and context switches (layer: models).
 *
 * Owns the mechanism every policy shares: thread state transitions, making a
 * thread Standby, switching processors between threads, charging CPU time to
 * the running thread's current burst, and reporting through the probes.  What
 * to run where is the policy's decision (models/policy.h).
 *
 * Switches are deferred: within one event, readying and preempting only mark
 * processors (Standby threads, dispatch_pending); ke__flush() applies the
 * switches when the event ends, as KiExitDispatcher does in NT.  Several
 * threads readied at the same instant therefore compete as in NT (a later one
 * may displace an earlier one's Standby choice, R4.5).
 *
 * Thread states (R4.1) and the function performing each transition (R4.2):
 *
 *   Initialized  -> DeferredReady   ke__ready (process creation)
 *   Waiting      -> DeferredReady   ke__ready (wake)
 *   DeferredReady-> Ready           policy ready (queued)
 *   DeferredReady-> Standby         ke__standby
 *   Ready        -> Standby         ke__standby (quantum end, yield)
 *   Ready        -> Running         switch_in (policy pick_next)
 *   Ready        -> DeferredReady   ke__set_priority (re-placed)
 *   Standby      -> Running         switch_in
 *   Standby      -> DeferredReady   policy ready (displaced Standby)
 *   Running      -> Ready           flush_cpu (policy requeue)
 *   Running      -> Waiting         ke__leave_cpu
 *   Running      -> Terminated      ke__leave_cpu
 *
 * Invariants (asserted in debug builds; the run-time checker of
 * `--check-invariants` tests the scheduling ones):
 *   D1 c->current == t  <=>  t->state == Running and t->cpu == c->number.
 *   D2 c->next == t     <=>  t->state == Standby and t->cpu == c->number.
 *   D3 bit c of idle_summary  <=>  c->current == NULL, c->next == NULL and
 *      c is not waiting to be rescheduled.
 *   D4 a Ready thread is in exactly one policy queue, in the list of the
 *      priority it has; its priority changes only out of the queue.
 *   D5 a thread's CPU burst end is pending exactly while it is Running.
 *   D6 CPU time is charged when a thread leaves its processor: context-switch
 *      overhead first, then the burst.
 *
 * SPDX-License-Identifier: MIT
 */
#include <assert.h>
#include <stdio.h>

#define MODELS_INTERNAL
#include "models/models_int.h"

static bool transition_ok(enum ke_thread_state from, enum ke_thread_state to)
{
    switch (from) {
    case KE_INITIALIZED: return to == KE_DEFERRED_READY;
    case KE_DEFERRED_READY: return to == KE_READY || to == KE_STANDBY;
    case KE_READY: return to == KE_STANDBY || to == KE_RUNNING || to == KE_DEFERRED_READY;
    case KE_STANDBY: return to == KE_RUNNING || to == KE_DEFERRED_READY;
    case KE_RUNNING: return to == KE_READY || to == KE_WAITING || to == KE_TERMINATED;
    case KE_WAITING: return to == KE_DEFERRED_READY || to == KE_TRANSITION;
    case KE_TRANSITION: return to == KE_DEFERRED_READY;
    default: return false; /* Terminated is final */
    }
}

void ke__set_state(struct ke_thread *t, enum ke_thread_state to)
{
    if (t->m->opt.check_invariants && !transition_ok(t->state, to)) /* R4.2 */
        ke__error(t->m, NULL, "invariant violated at %.9f s: R4.2: %s goes from state %d to %d",
                  sim_time_to_seconds(t->m->sim.now), t->entity, t->state, to);
    assert(transition_ok(t->state, to));
    t->state = to;
}

void ke__ready(struct ke_machine *m, struct ke_thread *t, enum ke_ready_reason why)
{
    ke__set_state(t, KE_DEFERRED_READY);
    t->cpu = -1;
    KE__PROBE(m, ready, t, why);
    m->policy->ready(m, t);
    assert(t->state == KE_READY || t->state == KE_STANDBY);
}

static void mark_pending(struct ke_machine *m, struct ke_cpu *c)
{
    uint64_t bit = 1ull << c->number;
    m->dispatch_pending |= bit;
    m->idle_summary &= ~bit; /* D3 */
}

void ke__resched(struct ke_machine *m, struct ke_cpu *c) { mark_pending(m, c); }

void ke__standby(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t,
                 enum ke_ready_reason why)
{
    assert(c->next == NULL);
    ke__set_state(t, KE_STANDBY);
    t->cpu = c->number;
    c->next = t;
    if (c->current && c->current->state == KE_RUNNING) {
        c->current->preempted = why == KE_READY_PREEMPTED; /* R2.7 */
        m->cpu_int[c->number].why_out = why;
    }
    mark_pending(m, c);
}

void ke__displace_standby(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    struct ke_thread *s = c->next;
    assert(s && s->state == KE_STANDBY);
    c->next = NULL;
    s->preempted = true; /* it goes to the head wherever it is queued (R4.5b) */
    ke__standby(m, c, t, KE_READY_PREEMPTED);
    ke__ready(m, s, KE_READY_REQUEUE);
}

/* Charge the time t ran since it took (or last resumed on) c: context-switch
 * overhead first, then its burst (D6). */
static void charge(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    sim_time_t ran = m->sim.now - c->since;
    sim_time_t from_overhead = ran < t->overhead_left ? ran : t->overhead_left;
    t->overhead_left -= from_overhead;
    t->burst_left -= ran - from_overhead;
    if (t->burst_left < 0)
        t->burst_left = 0;
    c->since = m->sim.now;
    if (m->policy->put_prev)
        m->policy->put_prev(m, c, t, ran);
}

static void switch_out(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    assert(c->current == t && t->state == KE_RUNNING); /* D1 */
    sim_cancel(&m->sim, &c->burst_end);                /* D5 */
    ke__cancel_slice(m, c);
    charge(m, c, t);
    t->last_cpu = c->number;
    c->current = NULL;
    m->cpu_int[c->number].left = t;
}

void ke__leave_cpu(struct ke_machine *m, struct ke_thread *t, enum ke_thread_state to)
{
    struct ke_cpu *c = ke__cpu_of(m, t);
    assert(c && (to == KE_WAITING || to == KE_TERMINATED));
    switch_out(m, c, t);
    ke__set_state(t, to);
    t->cpu = -1;
    mark_pending(m, c);
}

void ke__start_burst(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    sim_time_t at = m->sim.now + t->overhead_left + t->burst_left;
    if (sim_schedule(&m->sim, &c->burst_end, at) != 0)
        ke__error(m, NULL, "out of memory for the event queue");
}

static void switch_in(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *next)
{
    struct ke_cpu_int *ci = &m->cpu_int[c->number];
    *(ci->busy_now ? &ci->busy : &ci->idle) += m->sim.now - ci->mark; /* for the invariant check */
    ci->mark = m->sim.now;
    ci->busy_now = next != NULL;
    struct ke_thread *prev = ci->left;
    ci->left = NULL;
    c->current = next;
    c->since = m->sim.now;
    if (next) {
        ke__set_state(next, KE_RUNNING);
        next->cpu = c->number;
        next->preempted = false;
        next->overhead_left += m->cfg.context_switch; /* every dispatch swaps context */
        if (m->policy->set_next)
            m->policy->set_next(m, c, next);
        ke__start_burst(m, c, next);
    } else {
        m->idle_summary |= 1ull << c->number; /* D3 */
    }
    if (prev != next)
        KE__PROBE(m, context_switch, c, prev, next);
}

/* Reschedule one processor: requeue a displaced running thread, then run
 * the Standby thread, or what the policy picks, or idle. */
static void flush_cpu(struct ke_machine *m, struct ke_cpu *c)
{
    struct ke_cpu_int *ci = &m->cpu_int[c->number];
    struct ke_thread *cur = c->current;
    if (cur && !c->next)
        return; /* a Standby choice was withdrawn: nothing to do */
    if (cur && cur->irql >= KE_DISPATCH_LEVEL) {
        ci->deferred = true; /* no switch above APC_LEVEL (R6.1, R6.2) */
        return;
    }
    enum ke_ready_reason why = KE_READY_REQUEUE;
    if (cur) {
        why = cur->preempted ? KE_READY_PREEMPTED : ci->why_out;
        switch_out(m, c, cur);
        ke__set_state(cur, KE_READY);
        KE__PROBE(m, ready, cur, why);
        m->policy->requeue(m, c, cur);
    }
    struct ke_thread *next = c->next;
    c->next = NULL;
    if (!next)
        next = m->policy->pick_next(m, c);
    ci->yielded_down = why == KE_READY_YIELD && next && cur->priority > next->priority;
    ci->why_out = KE_READY_QUANTUM_END;
    switch_in(m, c, next);
}

void ke__flush(struct ke_machine *m)
{
    while (m->dispatch_pending) {
        int n = __builtin_ctzll(m->dispatch_pending);
        m->dispatch_pending &= m->dispatch_pending - 1;
        flush_cpu(m, &m->cpus[n]);
    }
    if (m->opt.check_invariants)
        ke__check_invariants(m);
    ke__deadlock_quiescent(m);
}

void ke__set_priority(struct ke_machine *m, struct ke_thread *t, int priority)
{
    int old = t->priority;
    if (old == priority)
        return;
    if (t->state == KE_READY) {
        m->policy->dequeue(m, t);
        t->priority = priority;
        ke__ready(m, t, KE_READY_REQUEUE);
    } else {
        t->priority = priority;
    }
    KE__PROBE(m, priority_change, t, old);
    if (t->state == KE_RUNNING && priority < old && m->policy->priority_lowered)
        m->policy->priority_lowered(m, ke__cpu_of(m, t), t);
}

static void slice_fired(struct sim *s, struct sim_event *ev)
{
    struct ke_cpu *c = SIM_CONTAINER_OF(ev, struct ke_cpu, slice_end);
    struct ke_machine *m = c->m;
    (void)s;
    if (c->current && m->policy->slice_end)
        m->policy->slice_end(m, c, c->current);
    ke__flush(m);
}

void ke__arm_slice(struct ke_machine *m, struct ke_cpu *c, sim_time_t at)
{
    if (!c->slice_end.fn)
        sim_event_init(&c->slice_end, slice_fired);
    if (sim_schedule(&m->sim, &c->slice_end, at) != 0)
        ke__error(m, NULL, "out of memory for the event queue");
}

void ke__cancel_slice(struct ke_machine *m, struct ke_cpu *c)
{
    sim_cancel(&m->sim, &c->slice_end);
}

static void policy_timer_fired(struct sim *s, struct sim_event *ev)
{
    struct ke_machine *m = SIM_CONTAINER_OF(ev, struct ke_machine, policy_timer);
    (void)s;
    m->current_cpu = 0;
    m->policy->timer(m);
    ke__flush(m);
}

void ke__arm_policy_timer(struct ke_machine *m, sim_time_t at)
{
    sim_event_init(&m->policy_timer, policy_timer_fired);
    if (sim_schedule(&m->sim, &m->policy_timer, at) != 0)
        ke__error(m, NULL, "out of memory for the event queue");
}

void ke__error(struct ke_machine *m, const struct ke_src *src, const char *fmt, ...)
{
    if (m->failed)
        return;
    m->failed = true;
    size_t off = 0;
    if (src && src->file)
        off = (size_t)snprintf(m->error, sizeof m->error, "%s:%d:%d: error: ", src->file,
                               src->line, src->col);
    else
        off = (size_t)snprintf(m->error, sizeof m->error, "error: ");
    if (off < sizeof m->error) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(m->error + off, sizeof m->error - off, fmt, ap);
        va_end(ap);
    }
    sim_stop(&m->sim);
}
