/* models/machine.c - the simulated machine's life cycle and clock (layer: models).
 *
 * Owns `struct ke_machine`: building the processors and the policy from a
 * workload, the clock interrupt that drives quantum accounting (R2.1, R2.2),
 * the end of CPU bursts, running to the requested duration, and clean-up.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MODELS_INTERNAL
#include "models/models_int.h"

/* Progress is reported every this many events (when asked for). */
#define PROGRESS_EVERY 1000000

static void burst_ended(struct sim *s, struct sim_event *ev)
{
    struct ke_cpu *c = SIM_CONTAINER_OF(ev, struct ke_cpu, burst_end);
    struct ke_machine *m = c->m;
    (void)s;
    ke__interp_continue(m, c, c->current);
    ke__flush(m);
}

/* The clock interrupt: every processor's running thread is charged (R2.2). */
static void clock_tick(struct sim *s, struct sim_event *ev)
{
    struct ke_machine *m = SIM_CONTAINER_OF(ev, struct ke_machine, tick);
    (void)s;
    if (m->policy->tick)
        for (int i = 0; i < m->ncpus; i++) {
            struct ke_cpu *c = &m->cpus[i];
            if (c->current && c->current->state == KE_RUNNING) {
                m->current_cpu = i;
                m->policy->tick(m, c, c->current);
            }
        }
    ke__flush(m);
    sim_schedule(&m->sim, &m->tick, m->sim.now + m->cfg.clock_tick);
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static void cpus_init(struct ke_machine *m)
{
    m->ncpus = m->cfg.cpus;
    m->all_cpus = m->ncpus == 64 ? ~0ull : (1ull << m->ncpus) - 1;
    m->idle_summary = m->all_cpus;
    for (int i = 0; i < m->ncpus; i++) {
        struct ke_cpu *c = &m->cpus[i];
        c->number = i;
        c->m = m;
        ke__readyq_init(&c->ready);
        sim_event_init(&c->burst_end, burst_ended);
    }
}

int ke_machine_create(struct ke_machine **out, const struct ps_workload *wl,
                      const struct ke_run_options *opt, char *err, size_t errlen)
{
    *out = NULL;
    const struct ke_policy_ops *policy = ke_policy_find(wl->machine.policy);
    if (!policy)
        return fail(err, errlen, "unknown scheduling policy '%s'", wl->machine.policy);
    if (wl->machine.cpus < 1 || wl->machine.cpus > KE_MAX_CPUS)
        return fail(err, errlen, "machine.cpus must be 1..%d", KE_MAX_CPUS);
    struct ke_machine *m = calloc(1, sizeof *m);
    if (!m || sim_init(&m->sim) != 0) {
        free(m);
        return fail(err, errlen, "out of memory");
    }
    m->wl = wl;
    m->cfg = wl->machine;
    m->opt = *opt;
    m->probe = opt->probe;
    m->policy = policy;
    m->psep_mask = ke_priority_separation_mask(&m->cfg);
    m->current_cpu = -1;
    cpus_init(m);
    sim_event_init(&m->tick, clock_tick);
    m->made = calloc((size_t)wl->nprocesses + 1, sizeof *m->made);
    if (!m->made || ps__images_init(m) != 0 || (policy->init && policy->init(m) != 0) ||
        ke__objects_init(m) != 0 || ps__sources_start(m) != 0 ||
        sim_schedule(&m->sim, &m->tick, m->cfg.clock_tick) != 0) {
        ke_machine_destroy(m);
        return fail(err, errlen, "out of memory");
    }
    *out = m;
    return 0;
}

/* Run in slices so that progress can be reported and an interrupt noticed. */
enum ke_run_status ke_machine_run(struct ke_machine *m)
{
    sim_time_t until = m->opt.duration;
    uint64_t budget = m->opt.max_events;
    const struct ke_limits *lim = &m->cfg.limits;
    if (until > lim->sim_time) {
        ke__error(m, &lim->src, "a run of %.9g s would exceed machine.limits.sim_time (%.9g s)",
                  sim_time_to_seconds(until), sim_time_to_seconds(lim->sim_time));
        return KE_RUN_ERROR;
    }
    for (;;) {
        uint64_t slice = PROGRESS_EVERY;
        if (budget && budget - m->sim.events < slice)
            slice = budget - m->sim.events;
        enum sim_stop_reason why = sim_run(&m->sim, until, slice);
        if (m->opt.check_invariants && why != SIM_STOP_MAX_EVENTS)
            ke__check_accounting(m);
        if (m->failed)
            return m->deadlocked ? KE_RUN_DEADLOCK : KE_RUN_ERROR;
        if (why == SIM_STOP_TIME || why == SIM_STOP_EMPTY || why == SIM_STOP_REQUESTED)
            return KE_RUN_DONE;
        if (budget && m->sim.events >= budget)
            return KE_RUN_MAX_EVENTS;
        if (m->opt.stop_flag && *m->opt.stop_flag)
            return KE_RUN_INTERRUPTED;
        if (m->opt.progress)
            m->opt.progress(m->opt.progress_ctx, m->sim.now, until);
    }
}

const char *ke_machine_error(const struct ke_machine *m) { return m->failed ? m->error : NULL; }
sim_time_t ke_machine_now(const struct ke_machine *m) { return m->sim.now; }
uint64_t ke_machine_events(const struct ke_machine *m) { return m->sim.events; }
int ke_machine_ncpus(const struct ke_machine *m) { return m->ncpus; }

void ke_machine_destroy(struct ke_machine *m)
{
    if (!m)
        return;
    if (m->policy->fini)
        m->policy->fini(m);
    ps__sources_fini(m);
    ke__objects_fini(m);
    ps__objects_free(m);
    for (int i = 0; m->images && i < m->wl->nprocesses; i++)
        free(m->images[i]);
    free(m->images);
    free(m->made);
    sim_fini(&m->sim);
    free(m);
}
