/* scenarios/limits.c - `machine.limits`: caps on what a run may create (layer: scenarios).
 *
 * Owns the conversion of the limits section into struct ke_limits (whose
 * defaults are ps_workload_init's) and the checks the loader can already
 * make against them: a process whose `count` instances, or their threads,
 * exceed a cap at once is refused by `pssim check`, with its position,
 * before a run would build a million threads only to stop.  Everything that
 * depends on time (arrivals, and later spawns) is left to the run-time
 * checks of models/process.c, which stop the run with the same message.
 *
 * SPDX-License-Identifier: MIT
 */
#define SCENARIOS_INTERNAL
#include <inttypes.h>

#include "scenarios/scenarios_int.h"

/* Largest accepted caps: indices and IDs of processes and threads are 32
 * bits (IDs are multiples of 4), heap slots too. */
#define MAX_OBJECTS 100000000
#define MAX_PENDING 1000000000

enum { L_PROCESSES, L_THREADS, L_PENDING, L_SIM_TIME, L_N };
static const struct scn__key limit_keys[L_N] = {
    [L_PROCESSES] = {"processes", 0},
    [L_THREADS] = {"threads", 0},
    [L_PENDING] = {"pending_events", 0},
    [L_SIM_TIME] = {"sim_time", 0},
};
static const struct scn__section limit_section = SCN__SECTION("machine.limits", limit_keys);

void scn__limits(struct scn__ctx *c, const struct scn__field *f, struct ke_limits *out)
{
    struct scn__field k[L_N];
    if (!f->val || scn__fields(c, f->val, f->name, &limit_section, k) < 0)
        return;
    scn__src(c, f->val, &out->src);
    int64_t *caps[] = {&out->processes, &out->threads, &out->pending_events};
    const uint64_t max[] = {MAX_OBJECTS, MAX_OBJECTS, MAX_PENDING};
    for (int i = L_PROCESSES; i <= L_PENDING; i++) {
        uint64_t v;
        if (k[i].val && scn__uint(c, &k[i], 1, max[i], &v) == 0)
            *caps[i] = (int64_t)v;
    }
    scn__duration(c, &k[L_SIM_TIME], true, &out->sim_time);
}

/* `n` is a double: count x threads may not fit 64 bits. */
static void count_error(struct scn__ctx *c, const struct ps_process_spec *p, double n,
                        const char *what, int64_t cap)
{
    yaml_mark_t m = {0, (size_t)p->src.line - 1, (size_t)p->src.col - 1};
    scn__error_mark(c, m,
                    "process '%s' starts %.0f %s at once, more than machine.limits.%s "
                    "(%" PRId64 ")",
                    p->name, n, what, what, cap);
}

void scn__check_counts(struct scn__ctx *c, const struct ps_workload *wl)
{
    const struct ke_limits *lim = &wl->machine.limits;
    for (int i = 0; i < wl->nprocesses; i++) {
        const struct ps_process_spec *p = &wl->processes[i];
        if (p->is_template || p->has_arrivals || !p->name)
            continue;
        uint64_t per_instance = 0; /* < 2^31 threads each: no overflow */
        for (int j = 0; j < p->nthreads; j++) /* templates start later, one by one */
            per_instance += p->threads[j].is_template ? 0 : (uint64_t)p->threads[j].count;
        uint64_t n = (uint64_t)p->count;
        if (n > (uint64_t)lim->processes)
            count_error(c, p, (double)n, "processes", lim->processes);
        else if (per_instance && n > (uint64_t)lim->threads / per_instance)
            count_error(c, p, (double)per_instance * (double)n, "threads", lim->threads);
    }
}
