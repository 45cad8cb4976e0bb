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
        sim_dist_free(&p->arrival_every);
    }
    free(wl->processes);
    for (int i = 0; i < wl->nobjects; i++)
        free(wl->objects[i].name);
    free(wl->objects);
    memset(wl, 0, sizeof *wl);
}
