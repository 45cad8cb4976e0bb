/* models/policy.h - the scheduling-policy ops table (layer: models).
 *
 * A policy decides; the dispatcher core (models/dispatch.c) does.  The core
 * owns thread states, switching, CPU-time accounting, events and probes; a
 * policy owns its queues and the priority/quantum arithmetic, and acts on the
 * machine only through the ke__ helpers of models/models_int.h (never the
 * event queue, the clock or the RNG directly).
 *
 * Adding a policy: write models/policy_<name>.c with static callbacks named
 * <name>_<op>, export `const struct ke_policy_ops <name>_policy`, and list it
 * in models/policy_registry.c.
 *
 * Every callback runs inside a dispatcher event; the core applies the
 * resulting switches when the event ends (ke__flush), which is why a
 * Standby thread never lasts beyond the instant it was chosen.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef PSSIM_MODELS_POLICY_H
#define PSSIM_MODELS_POLICY_H

#include <stdbool.h>

struct ke_machine;
struct ke_cpu;
struct ke_thread;

struct ke_policy_ops {
    const char *name;
    const char *summary; /* one line, for `pssim run --help` */

    /* Once, after the processors exist and before any thread.  May set
     * m->policy_state.  Returns 0 or -1 (out of memory).  NULL allowed. */
    int (*init)(struct ke_machine *m);
    /* Once, at destruction.  NULL allowed. */
    void (*fini)(struct ke_machine *m);

    /* A new thread, before it is readied for the first time: set its quantum
     * and policy slots.  NULL allowed. */
    void (*thread_init)(struct ke_machine *m, struct ke_thread *t);

    /* t (state DeferredReady) wants a processor: place it, either as Standby
     * on a processor with ke__standby() or in a queue with the policy's own
     * enqueue (state Ready).  Models KiDeferredReadyThread for nt.  Required. */
    void (*ready)(struct ke_machine *m, struct ke_thread *t);

    /* t was running on c and is still runnable but has to leave it (c's
     * Standby thread takes over): queue it.  t->preempted says whether it
     * was preempted (R2.7: head) or not (quantum end, yield: tail).
     * Models KiQueueReadyThread for nt.  Required. */
    void (*requeue)(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t);

    /* c has nothing to run (no current, no Standby thread): remove and
     * return the thread it should run, from any queue the policy allows, or
     * NULL to idle.  Models KiSelectNextThread/KiFindReadyThread.  Required. */
    struct ke_thread *(*pick_next)(struct ke_machine *m, struct ke_cpu *c);

    /* Remove a Ready thread from the queue it is in.  Required. */
    void (*dequeue)(struct ke_machine *m, struct ke_thread *t);

    /* Clock interrupt on c while its non-idle thread t runs (R2.2).  May end
     * t's quantum by choosing a successor with ke__standby().  NULL allowed. */
    void (*tick)(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t);

    /* c's exact-time slice timer, armed with ke__arm_slice(), fired while t
     * runs.  NULL allowed when the policy never arms it. */
    void (*slice_end)(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t);

    /* t's wait is being satisfied with priority increment `increment`,
     * before it is readied: priority and quantum adjustments (R2.8, R3.2).
     * NULL allowed. */
    void (*unwait)(struct ke_machine *m, struct ke_thread *t, int increment);

    /* Running t on c yields (R2.10).  Return true if another thread was made
     * Standby on c (t will then be requeued), false to let t go on.
     * NULL means yield never switches. */
    bool (*yield)(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t);

    /* t has just left processor c after running `ran` ns (any reason).
     * For policies that account virtual time.  NULL allowed. */
    void (*put_prev)(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t, sim_time_t ran);

    /* t has just started running on c.  NULL allowed. */
    void (*set_next)(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t);

    /* c's running thread t dropped below DISPATCH_LEVEL: apply what its
     * IRQL deferred (a quantum end).  NULL allowed. */
    void (*irql_lowered)(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t);

    /* Running t on c had a wait satisfied without blocking (R2.9).  Return
     * true if another thread was made Standby on c.  NULL allowed. */
    bool (*nowait)(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t);

    /* Lock handoff from `releaser` to `waiter` (KeSetEventBoostPriority,
     * R3.6; `gate` for guarded mutexes and push locks): adjust both before
     * the waiter is readied.  NULL: plain unwait with EVENT_INCREMENT. */
    void (*handoff)(struct ke_machine *m, struct ke_thread *releaser, struct ke_thread *waiter,
                    bool gate);

    /* An ERESOURCE waiter at `priority` timed out waiting for `owner`
     * (R3.8): boost the owner.  NULL allowed. */
    void (*owner_boost)(struct ke_machine *m, struct ke_thread *owner, int priority);

    /* c's running thread t has just been given a lower priority: let a
     * higher ready thread take c if the policy says so.  NULL allowed. */
    void (*priority_lowered)(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t);

    /* The policy's own timer, armed with ke__arm_policy_timer(), fired
     * (the balance set manager for nt).  NULL when never armed. */
    void (*timer)(struct ke_machine *m);
};

extern const struct ke_policy_ops nt_policy;
extern const struct ke_policy_ops fifo_policy;
extern const struct ke_policy_ops rr_policy;
extern const struct ke_policy_ops gfp_policy;
extern const struct ke_policy_ops eevdf_policy;

/* All policies, NULL-terminated (models/policy_registry.c). */
extern const struct ke_policy_ops *const ke_policies[];
const struct ke_policy_ops *ke_policy_find(const char *name);

#endif
