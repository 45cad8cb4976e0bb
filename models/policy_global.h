/* models/policy_global.h - helpers of the global-queue policies rr, gfp, eevdf (layer: models).
 *
 * Those policies keep every Ready thread in one machine-wide queue and
 * never use the per-processor ready lists of models/readyq.c.  What they
 * share is the choice of an idle processor for a readied thread and the
 * notion of a processor that is "free": its thread left during the current
 * event and nothing is Standby on it, so ke__flush() will ask the policy's
 * pick_next for it (it is not in idle_summary, invariant D3).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef PSSIM_MODELS_POLICY_GLOBAL_H
#define PSSIM_MODELS_POLICY_GLOBAL_H

#ifndef MODELS_INTERNAL
#error "models/policy_global.h is private to models/ (define MODELS_INTERNAL)"
#endif

#include "models/models_int.h"

/* An idle processor for t: the one it last ran on if that is idle (its
 * cache is warm, and it keeps migrations down), else the lowest-numbered
 * idle one in its affinity.  NULL when none is idle. */
static inline struct ke_cpu *ke__global_idle_cpu(struct ke_machine *m, const struct ke_thread *t)
{
    uint64_t idle = m->idle_summary & t->affinity;
    if (!idle)
        return NULL;
    if (t->last_cpu >= 0 && ((idle >> t->last_cpu) & 1))
        return &m->cpus[t->last_cpu];
    return &m->cpus[__builtin_ctzll(idle)];
}

/* Nothing runs or stands by on c: when idle processors have been ruled
 * out, c is free and will pick from the policy's queue when the event ends. */
static inline bool ke__global_cpu_free(const struct ke_cpu *c)
{
    return !c->current && !c->next;
}

/* The policy's slice: `machine.slice`, else its own default. */
static inline sim_time_t ke__global_slice(const struct ke_machine *m, sim_time_t fallback)
{
    return m->cfg.slice > 0 ? m->cfg.slice : fallback;
}

#endif
