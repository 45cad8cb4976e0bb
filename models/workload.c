/* models/workload.c - the workload description's defaults and clean-up (layer: models).
 *
 * Owns the documented defaults of `struct ke_machine_config`: a scenario
 * that says nothing about the machine gets a 4-processor client machine with
 * the NT clock (R2.1) and the `nt` policy.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "models/models.h"

void ps_workload_init(struct ps_workload *wl)
{
    memset(wl, 0, sizeof *wl);
    struct ke_machine_config *c = &wl->machine;
    c->cpus = 4;
    strcpy(c->policy, "nt");
    c->clock_tick = 15625 * SIM_US; /* R2.1 */
    c->quantum = KE_QUANTUM_CLIENT;
    c->quantum_units = 6;
    c->priority_separation = 2; /* client default Win32PrioritySeparation 0x2 (R2.5) */
    c->context_switch = 0;
    c->slice = 0; /* each policy that slices has its own default (rr 10 ms, eevdf 3 ms) */
    c->limits = (struct ke_limits){KE_LIMIT_PROCESSES, KE_LIMIT_THREADS,
                                   KE_LIMIT_PENDING_EVENTS, KE_LIMIT_SIM_TIME, {NULL, 0, 0}};
    /* Documented defaults (README "Costs"): creating a Win32 process maps
     * ntdll and builds a PEB and TEB, a pico process does neither; a pico
     * system call pays the provider's dispatch on top of the call. */
    c->costs.process_create[PS_SUBSYSTEM_WIN32] = 300 * SIM_US;
    c->costs.process_create[PS_SUBSYSTEM_WSL] = 80 * SIM_US;
    c->costs.thread_create = 20 * SIM_US;
    c->costs.syscall[PS_SUBSYSTEM_WIN32] = 1 * SIM_US;
    c->costs.syscall[PS_SUBSYSTEM_WSL] = 3 * SIM_US;
    c->costs.pico_lock = -1;
    c->smt = 1;
    c->autoboost = false;
    c->quantum_by_cpu_time = false;
    c->starvation_ticks = 300;
    c->resource_boost = 14;
}

static void thread_spec_free(struct ps_thread_spec *t)
{
    free(t->name);
    ke_program_free(&t->program);
}

void ps_workload_free(struct ps_workload *wl)
{
    for (int i = 0; i < wl->nprocesses; i++) {
        struct ps_process_spec *p = &wl->processes[i];
        for (int j = 0; j < p->nthreads; j++)
            thread_spec_free(&p->threads[j]);
        free(p->threads);
        free(p->name);
        free(p->image);
        free(p->command_line);
        sim_dist_free(&p->arrival_every);
    }
    free(wl->processes);
    for (int i = 0; i < wl->nobjects; i++)
        free(wl->objects[i].name);
    for (int i = 0; i < wl->ndrivers; i++) {
        struct ps_driver_spec *d = &wl->drivers[i];
        free(d->name);
        free(d->deny);
        sim_dist_free(&d->process_cost);
        sim_dist_free(&d->thread_cost);
    }
    free(wl->drivers);
    free(wl->objects);
    memset(wl, 0, sizeof *wl);
}
