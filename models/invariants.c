/* models/invariants.c - the run-time invariant checker (layer: models).
 *
 * Owns `--check-invariants`: after every dispatch (ke__flush) it verifies, on
 * every processor, the dispatcher invariants D1-D3 of models/dispatch.c, that
 * affinity is respected, that no thread runs on two processors, and R4.7: the
 * running thread's priority is at least that of every thread in the
 * processor's own ready lists.  R2.10 lets a yield hand the processor to a
 * lower-priority thread, and a thread at DISPATCH_LEVEL (holding or waiting
 * for a spinlock) cannot be switched out (R6.1); such a processor is exempt
 * from R4.7 until its next switch.  A violation is a run-time error naming the time, the processor and
 * the thread, and stops the run.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stdio.h>

#define MODELS_INTERNAL
#include "models/models_int.h"

static bool violation(struct ke_machine *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static bool violation(struct ke_machine *m, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ke__error(m, NULL, "invariant violated at %.9f s (event %llu): %s",
              sim_time_to_seconds(m->sim.now), (unsigned long long)m->sim.events, msg);
    return false;
}

static bool check_cpu(struct ke_machine *m, const struct ke_cpu *c)
{
    const struct ke_thread *t = c->current;
    int n = c->number;
    bool idle_bit = (m->idle_summary >> n) & 1;
    if (idle_bit != (!t && !c->next))
        return violation(m, "D3: cpu %d idle-summary bit is %d", n, idle_bit);
    if (!t)
        return c->ready.count == 0 ||
               violation(m, "R4.6: cpu %d idles with %u threads in its ready lists", n,
                         c->ready.count);
    if (t->state != KE_RUNNING || t->cpu != n)
        return violation(m, "D1/R4.2: cpu %d runs %s, whose state is %d on cpu %d", n, t->entity,
                         t->state, t->cpu);
    if (!ke__affine(t, n))
        return violation(m, "affinity: cpu %d runs %s outside its affinity", n, t->entity);
    int top = ke__readyq_top(&c->ready);
    bool exempt = m->cpu_int[n].yielded_down || t->irql >= KE_DISPATCH_LEVEL;
    if (top > t->priority && !exempt)
        return violation(m, "R4.7: cpu %d runs %s at priority %d while priority %d is ready on it",
                         n, t->entity, t->priority, top);
    return true;
}

void ke__check_invariants(struct ke_machine *m)
{
    for (int i = 0; i < m->ncpus; i++) {
        const struct ke_cpu *c = &m->cpus[i];
        if (!check_cpu(m, c))
            return;
        for (int j = 0; j < i; j++)
            if (c->current && m->cpus[j].current == c->current) {
                violation(m, "D1: %s runs on cpus %d and %d", c->current->entity, j, i);
                return;
            }
    }
}

void ke__check_accounting(struct ke_machine *m)
{
    sim_time_t total = 0;
    for (int i = 0; i < m->ncpus; i++) {
        const struct ke_cpu_int *ci = &m->cpu_int[i];
        total += ci->busy + ci->idle + (m->sim.now - ci->mark);
    }
    if (total != (sim_time_t)m->ncpus * m->sim.now)
        violation(m, "accounting: busy + idle = %lld ns, processors x time = %lld ns",
                  (long long)total, (long long)m->ncpus * m->sim.now);
}
