/* models/policy_nt.c - the NT 5.2 dispatcher policy, `nt` (layer: models).
 *
 * Owns the NT scheduling decisions of NT-SCHEDULER-SPEC sections 2-4 on the
 * per-processor ready lists of models/readyq.c:
 *   - placement of a readied thread (KiDeferredReadyThread, R4.5): an idle
 *     processor first, else the ideal processor, preempting only a strictly
 *     lower priority;
 *   - requeueing a displaced thread (KxQueueReadyThread, R2.7: preempted to
 *     the head, others to the tail);
 *   - selection (KiSelectReadyThread R4.4) and stealing when about to idle
 *     (KiFindReadyThread, R4.6);
 *   - quantum accounting at each clock tick and quantum end (KiQuantumEnd,
 *     R2.2, R2.6) with decay of boosts toward base;
 *   - quantum and priority adjustment when a wait ends (R2.8, R3.2);
 *   - NtYieldExecution (R2.10);
 *   - waits satisfied without blocking (R2.9), the lock handoff boost
 *     (R3.6), the ERESOURCE owner boost (R3.8);
 *   - the balance set manager's starvation boost (KiScanReadyQueues, R3.7).
 *
 * SPDX-License-Identifier: MIT
 */
#include <assert.h>
#include <stdlib.h>

#define MODELS_INTERNAL
#include "models/models_int.h"

#define LOW_REALTIME_PRIORITY 16
#define CLOCK_QUANTUM_DECREMENT 3 /* R2.2 */
#define WAIT_QUANTUM_DECREMENT 1  /* R2.2, R2.8 */

static void nt_enqueue(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t, bool head)
{
    if (t->state != KE_READY) /* a requeued thread is already Ready (flush) */
        ke__set_state(t, KE_READY);
    t->cpu = c->number;
    t->wait_time = m->sim.now; /* R3.7 stamps WaitTime at each queueing */
    ke__readyq_insert(&c->ready, t, head);
}

static void nt_dequeue(struct ke_machine *m, struct ke_thread *t)
{
    assert(t->state == KE_READY && t->cpu >= 0);
    ke__readyq_remove(&m->cpus[t->cpu].ready, t);
}

/* The processors sharing a core with `cpu` (itself included). */
static uint64_t core_of(const struct ke_machine *m, int cpu)
{
    int smt = m->cfg.smt;
    uint64_t core = smt >= 64 ? ~0ull : (1ull << smt) - 1;
    return core << (cpu / smt * smt);
}

/* Idle processors whose whole core is idle. */
static uint64_t on_idle_cores(const struct ke_machine *m, uint64_t idle)
{
    uint64_t whole = 0;
    for (uint64_t left = idle; left; left &= left - 1) {
        int cpu = __builtin_ctzll(left);
        if ((m->idle_summary & core_of(m, cpu)) == core_of(m, cpu))
            whole |= 1ull << cpu;
    }
    return whole;
}

/* Narrow `set` to `to` if that leaves any. */
static uint64_t narrow(uint64_t set, uint64_t to) { return set & to ? set & to : set; }

static bool in(uint64_t set, int cpu) { return cpu >= 0 && ((set >> cpu) & 1); }

/* R4.5(a): among the idle processors in `idle` (all in t's affinity). */
static int pick_idle_cpu(struct ke_machine *m, const struct ke_thread *t, uint64_t idle)
{
    if (in(idle, t->ideal_cpu))
        return t->ideal_cpu; /* 1. the ideal processor */
    if (m->cfg.smt > 1) /* 2. one NUMA node here; prefer fully idle cores */
        idle = narrow(idle, on_idle_cores(m, idle));
    if (in(idle, t->last_cpu))
        return t->last_cpu; /* 3. the last processor it ran on ... */
    if (in(idle, m->current_cpu))
        return m->current_cpu; /* ... else the current one */
    if (m->cfg.smt > 1) { /* 4. the ideal processor's core, then the last one's */
        idle = narrow(idle, core_of(m, t->ideal_cpu));
        if (t->last_cpu >= 0)
            idle = narrow(idle, core_of(m, t->last_cpu));
    }
    return 63 - __builtin_clzll(idle); /* 5. the highest-numbered */
}

/* KiDeferredReadyThread (R4.5). */
static void nt_ready(struct ke_machine *m, struct ke_thread *t)
{
    uint64_t idle = m->idle_summary & t->affinity;
    if (idle) {
        ke__standby(m, &m->cpus[pick_idle_cpu(m, t, idle)], t, KE_READY_REQUEUE);
        return;
    }
    struct ke_cpu *c = &m->cpus[t->ideal_cpu];
    struct ke_thread *s = c->next;
    if (s) {
        if (s->priority < t->priority) {
            ke__displace_standby(m, c, t);
            return;
        }
    } else {
        /* A processor whose thread just left and has no successor yet counts as idle. */
        int running = c->current ? c->current->priority : -1;
        if (t->priority > running) { /* strictly higher (R4.5) */
            ke__standby(m, c, t, KE_READY_PREEMPTED);
            return;
        }
    }
    nt_enqueue(m, c, t, t->preempted);
}

/* KxQueueReadyThread: a thread leaving c stays on c's lists (R2.6, R2.7). */
static void nt_requeue(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    assert(ke__affine(t, c->number)); /* affinity does not change while running */
    nt_enqueue(m, c, t, t->preempted);
}

/* KiSelectNextThread + KiFindReadyThread (R4.4, R4.6): the own lists first,
 * then the first other processor, scanning downward from self-1 and
 * wrapping, that has a thread allowed here. */
static struct ke_thread *nt_pick_next(struct ke_machine *m, struct ke_cpu *c)
{
    struct ke_thread *t = ke__readyq_peek(&c->ready, 0);
    for (int k = 1; !t && k < m->ncpus; k++) {
        struct ke_cpu *o = &m->cpus[(c->number - k + m->ncpus) % m->ncpus];
        if (o->ready.count)
            t = ke__readyq_first_for(&o->ready, c->number);
    }
    if (t)
        nt_dequeue(m, t);
    return t;
}

/* KiComputeNewPriority: decay by `adjustment` below the boosted priority,
 * never under base; real-time priorities do not move (R1.6, R2.6). */
static int compute_new_priority(const struct ke_thread *t, int adjustment)
{
    if (t->priority >= LOW_REALTIME_PRIORITY)
        return t->priority;
    int p = t->priority - t->priority_decrement - adjustment;
    return p < t->base_priority ? t->base_priority : p;
}

static void decay(struct ke_machine *m, struct ke_thread *t, int adjustment)
{
    int p = compute_new_priority(t, adjustment);
    if (t->priority < LOW_REALTIME_PRIORITY)
        t->priority_decrement = 0;
    ke__set_priority(m, t, p);
}

/* KiQuantumEnd (R2.6). */
static void quantum_end(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    KE__PROBE(m, quantum_end, c, t);
    t->quantum = t->quantum_reset;
    decay(m, t, 1);
    if (c->next) { /* a Standby thread is already chosen: t goes to the tail */
        t->preempted = false;
        m->cpu_int[c->number].why_out = KE_READY_QUANTUM_END;
        return;
    }
    struct ke_thread *n = ke__readyq_peek(&c->ready, t->priority);
    if (n) {
        nt_dequeue(m, n);
        ke__standby(m, c, n, KE_READY_QUANTUM_END);
    }
}

/* R2.11: CPU time t used, in quantum units, since the last charge.
 * policy_slot[0] holds the time used but not yet charged (below a unit),
 * policy_slot[1] when t last started running or was charged. */
enum { CPU_UNCHARGED, CPU_SINCE };

static int units_used(struct ke_machine *m, struct ke_thread *t)
{
    sim_time_t unit = m->cfg.clock_tick / CLOCK_QUANTUM_DECREMENT;
    sim_time_t used = t->policy_slot[CPU_UNCHARGED] + (m->sim.now - t->policy_slot[CPU_SINCE]);
    t->policy_slot[CPU_SINCE] = m->sim.now;
    t->policy_slot[CPU_UNCHARGED] = used % unit;
    return (int)(used / unit);
}

static void nt_set_next(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    (void)c;
    t->policy_slot[CPU_SINCE] = m->sim.now;
}

static void nt_put_prev(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t, sim_time_t ran)
{
    (void)c, (void)ran;
    t->policy_slot[CPU_UNCHARGED] += m->sim.now - t->policy_slot[CPU_SINCE];
}

static void nt_tick(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    /* R2.2: 3 units however long it ran in this tick; R2.11: what it used */
    t->quantum -= m->cfg.quantum_by_cpu_time ? units_used(m, t) : CLOCK_QUANTUM_DECREMENT;
    if (t->quantum <= 0 && t->irql < KE_DISPATCH_LEVEL) /* else when IRQL drops (R2.6) */
        quantum_end(m, c, t);
}

static void nt_irql_lowered(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    if (t->quantum <= 0)
        quantum_end(m, c, t);
}

/* The AdjustUnwait part of KiDeferredReadyThread: quantum first (R2.8),
 * then the unwait boost relative to base (R3.1, R3.2). */
static void nt_unwait(struct ke_machine *m, struct ke_thread *t, int increment)
{
    if (t->priority >= LOW_REALTIME_PRIORITY) {
        t->quantum = t->quantum_reset;
        return;
    }
    if (t->base_priority >= LOW_REALTIME_PRIORITY - 2) {
        t->quantum = t->quantum_reset;
    } else {
        if (t->priority_decrement == 0 && increment > 0)
            t->quantum = t->quantum_reset;
        t->quantum -= WAIT_QUANTUM_DECREMENT;
        if (t->quantum <= 0) {
            t->quantum = t->quantum_reset;
            decay(m, t, 1);
        }
    }
    if (t->priority_decrement != 0 || t->disable_boost) /* R3.1 */
        return;
    int fg = t->process->foreground ? (int)(m->psep_mask & 3) : 0;
    if (fg == 3)
        fg = 2;
    int boosted = t->base_priority + increment + fg;
    if (boosted > t->priority) {
        if (boosted >= LOW_REALTIME_PRIORITY)
            boosted = LOW_REALTIME_PRIORITY - 1;
        int share = boosted - t->base_priority;
        t->priority_decrement = fg < share ? fg : share; /* the foreground share decays first */
        ke__set_priority(m, t, boosted);
    }
}

/* KiSetPriorityThread: a running thread that drops below a thread ready on
 * its processor gives way (R4.7); it goes to the tail of its list. */
static void nt_priority_lowered(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    if (c->next)
        return;
    struct ke_thread *n = ke__readyq_peek(&c->ready, t->priority + 1);
    if (n) {
        nt_dequeue(m, n);
        ke__standby(m, c, n, KE_READY_REQUEUE);
    }
}

/* NtYieldExecution (R2.10): any ready thread of this processor, even a lower one. */
static bool nt_yield(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    if (c->next)
        return false;
    struct ke_thread *n = ke__readyq_peek(&c->ready, 1);
    if (!n)
        return false; /* STATUS_NO_YIELD_PERFORMED */
    nt_dequeue(m, n);
    t->quantum = t->quantum_reset;
    decay(m, t, 1);
    ke__standby(m, c, n, KE_READY_YIELD);
    return true;
}

/* KiAdjustQuantumThread (R2.9): a wait satisfied without blocking. */
static bool nt_nowait(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    if (t->priority >= LOW_REALTIME_PRIORITY || t->base_priority >= LOW_REALTIME_PRIORITY - 2)
        return false;
    if ((t->quantum -= WAIT_QUANTUM_DECREMENT) > 0)
        return false;
    t->quantum = t->quantum_reset;
    decay(m, t, 1);
    if (c->next)
        return false;
    struct ke_thread *n = ke__readyq_peek(&c->ready, t->priority);
    if (!n)
        return false;
    nt_dequeue(m, n);
    ke__standby(m, c, n, KE_READY_QUANTUM_END);
    return true;
}

/* KeSetEventBoostPriority / KeSignalGateBoostPriority (R3.6). */
static void nt_handoff(struct ke_machine *m, struct ke_thread *releaser, struct ke_thread *w,
                       bool gate)
{
    int rp = releaser->priority;
    if (rp < LOW_REALTIME_PRIORITY) {
        if (gate) {
            releaser->quantum = 3; /* the gate path keeps its priority */
        } else {
            rp = compute_new_priority(releaser, 0);
            ke__set_priority(m, releaser, rp);
        }
        releaser->priority_decrement = 0;
    }
    if (!w->disable_boost && w->priority <= rp && w->priority < 13) {
        int p = rp + 1 < 13 ? rp + 1 : 13;
        w->priority_decrement = p - w->base_priority; /* all of it goes at quantum end */
        ke__set_priority(m, w, p);
    }
    w->quantum = (w->quantum > 4 ? w->quantum : 4) - 1;
}

/* ExpBoostOwnerThread (R3.8): owners below the waiter and below 14 go to 14. */
static void nt_owner_boost(struct ke_machine *m, struct ke_thread *owner, int priority)
{
    int to = m->cfg.resource_boost;
    if (owner->priority >= priority || owner->priority >= to)
        return;
    owner->priority_decrement += to - owner->priority;
    owner->quantum = owner->quantum_reset;
    ke__set_priority(m, owner, to);
}

/* ===== balance set manager (R3.7) ======================================== */

#define BALANCE_PERIOD SIM_S
#define SCAN_LIMIT 16
#define BOOST_LIMIT 10

struct nt_state {
    int next_cpu;                /* processor whose lists the next pass scans */
    int index[KE_MAX_CPUS];      /* per processor: the level the next pass starts at */
};

/* A starved thread gets priority 15 and 4 units, to vanish at its next
 * quantum end (R3.7), and is placed again through R4.5. */
static void starvation_boost(struct ke_machine *m, struct ke_thread *t)
{
    nt_dequeue(m, t);
    t->priority_decrement += 15 - t->priority;
    t->quantum = 4;
    int old = t->priority;
    t->priority = 15;
    ke__set_state(t, KE_DEFERRED_READY);
    KE__PROBE(m, priority_change, t, old);
    KE__PROBE(m, ready, t, KE_READY_REQUEUE);
    nt_ready(m, t);
}

/* KiScanReadyQueues: one processor per pass, levels 1-14 upward from the
 * saved index, at most 16 threads examined and 10 boosted. */
static void nt_balance_set_manager(struct ke_machine *m)
{
    struct nt_state *st = m->policy_state;
    struct ke_cpu *c = &m->cpus[st->next_cpu];
    st->next_cpu = (st->next_cpu + 1) % m->ncpus;
    sim_time_t starved = m->sim.now - m->cfg.starvation_ticks * m->cfg.clock_tick;
    int examined = 0, boosted = 0;
    for (int p = st->index[c->number]; p <= 14; p++) {
        struct sim_list *pos = c->ready.lists[p].next;
        while (pos != &c->ready.lists[p]) {
            struct ke_thread *t = SIM_CONTAINER_OF(pos, struct ke_thread, ready_link);
            pos = pos->next;
            examined++;
            if (t->wait_time <= starved) {
                starvation_boost(m, t);
                boosted++;
            }
            if (examined == SCAN_LIMIT || boosted == BOOST_LIMIT) {
                st->index[c->number] = p + 1 <= 14 ? p + 1 : 1;
                goto done;
            }
        }
    }
    st->index[c->number] = 1;
done:
    ke__arm_policy_timer(m, m->sim.now + BALANCE_PERIOD);
}

static int nt_init(struct ke_machine *m)
{
    struct nt_state *st = calloc(1, sizeof *st);
    if (!st)
        return -1;
    for (int i = 0; i < KE_MAX_CPUS; i++)
        st->index[i] = 1;
    m->policy_state = st;
    ke__arm_policy_timer(m, BALANCE_PERIOD);
    return 0;
}

static void nt_fini(struct ke_machine *m) { free(m->policy_state); }

static void nt_thread_init(struct ke_machine *m, struct ke_thread *t)
{
    (void)m;
    t->quantum = t->quantum_reset;
    t->priority_decrement = 0;
}

const struct ke_policy_ops nt_policy = {
    .name = "nt",
    .init = nt_init,
    .fini = nt_fini,
    .timer = nt_balance_set_manager,
    .summary = "Windows NT 5.2 dispatcher: 32 levels, quanta, boosts, per-CPU ready lists",
    .thread_init = nt_thread_init,
    .ready = nt_ready,
    .requeue = nt_requeue,
    .pick_next = nt_pick_next,
    .dequeue = nt_dequeue,
    .tick = nt_tick,
    .unwait = nt_unwait,
    .yield = nt_yield,
    .irql_lowered = nt_irql_lowered,
    .nowait = nt_nowait,
    .handoff = nt_handoff,
    .owner_boost = nt_owner_boost,
    .put_prev = nt_put_prev,
    .priority_lowered = nt_priority_lowered,
    .set_next = nt_set_next,
};
