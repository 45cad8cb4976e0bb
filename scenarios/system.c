/* scenarios/system.c - `system_threads:`: kernel threads of the System process (layer: scenarios).
 *
 * PsCreateSystemThread with no process handle puts the new thread in the
 * System process (NT-SCHEDULER-SPEC R7.1).  The section becomes one process
 * spec named System, of the normal class, inserted first in
 * ps_workload.processes: started first, it gets the first ID, 4, as on
 * Windows (R7.2).  Its threads take absolute priorities only, 8 by default
 * (process.c).  A process of `processes:` named System would be a second
 * one, so it is refused while the section is there.  Spawn targets index
 * the final list and are resolved after this insertion (ps_ops.c).
 *
 * SPDX-License-Identifier: MIT
 */
#define SCENARIOS_INTERNAL
#include <stdlib.h>
#include <string.h>

#include "scenarios/scenarios_int.h"

#define SYSTEM_NAME "System"

/* Processes 1.. are the scenario's own: none may be named System. */
static void check_clash(struct scn__ctx *c, const struct ps_workload *wl)
{
    for (int i = 1; i < wl->nprocesses; i++) {
        const struct ps_process_spec *p = &wl->processes[i];
        if (!p->name || strcmp(p->name, SYSTEM_NAME))
            continue;
        yaml_mark_t m = {0, (size_t)p->src.line - 1, (size_t)p->src.col - 1};
        scn__error_mark(c, m, "a process cannot be named '%s' in a scenario with "
                        "system_threads (line %d): they are the threads of the System "
                        "process (NT-SCHEDULER-SPEC R7.1)", SYSTEM_NAME,
                        wl->processes[0].src.line);
    }
}

void scn__system_threads(struct scn__ctx *c, const struct scn__field *f, struct ps_workload *wl)
{
    if (!f->val || scn__is_null(f->val))
        return;
    size_t n = (size_t)wl->nprocesses;
    struct ps_process_spec *all = realloc(wl->processes, (n + 1) * sizeof *all);
    if (!all) {
        scn__oom(c);
        return;
    }
    memmove(all + 1, all, n * sizeof *all); /* thread specs stay where they are */
    wl->processes = all;
    wl->nprocesses++;
    struct ps_process_spec *sys = &all[0];
    memset(sys, 0, sizeof *sys);
    sys->is_system = true;
    sys->priority_class = PS_CLASS_NORMAL;
    sys->count = 1;
    scn__src(c, f->key, &sys->src);
    if (!(sys->name = strdup(SYSTEM_NAME))) {
        scn__oom(c);
        return;
    }
    scn__threads(c, f, sys);
    check_clash(c, wl);
}
