/* scenarios/costs.c - `machine.costs`: kernel work charged as CPU time (layer: scenarios).
 *
 * Owns the conversion of the costs section into ke_machine_config
 * (context_switch) and struct ke_costs: process creation per subsystem,
 * thread creation, system calls per subsystem, and the pico provider lock
 * that WSL system calls may serialise on (NT-SCHEDULER-SPEC R7.9).  Every
 * default is ps_workload_init's (models/workload.c, README "Costs"); a key
 * left out keeps it, so `process_create: {wsl: 50us}` changes WSL only.
 *
 * The provider lock is a fast mutex named `lxcore` that the loader declares
 * itself, after every other section, so that it can refuse a scenario that
 * already has a resource of that name instead of silently sharing it.
 *
 * SPDX-License-Identifier: MIT
 */
#define SCENARIOS_INTERNAL
#include <stdlib.h>
#include <string.h>

#include "scenarios/scenarios_int.h"

#define PICO_LOCK_NAME "lxcore"

enum { C_CONTEXT_SWITCH, C_PROCESS_CREATE, C_THREAD_CREATE, C_SYSCALL, C_N };
static const struct scn__key cost_keys[C_N] = {
    [C_CONTEXT_SWITCH] = {"context_switch", 0},
    [C_PROCESS_CREATE] = {"process_create", 0},
    [C_THREAD_CREATE] = {"thread_create", 0},
    [C_SYSCALL] = {"syscall", 0},
};
static const struct scn__section cost_section = SCN__SECTION("machine.costs", cost_keys);

/* process_create and syscall share a layout; only syscall has wsl_lock. */
enum { S_WIN32, S_WSL, S_WSL_LOCK, S_N };
static const struct scn__key subsystem_keys[S_N] = {
    [S_WIN32] = {"win32", 0},
    [S_WSL] = {"wsl", 0},
    [S_WSL_LOCK] = {"wsl_lock", 0},
};
static const struct scn__section create_section = {"process_create", subsystem_keys, S_WSL_LOCK};
static const struct scn__section syscall_section = SCN__SECTION("syscall", subsystem_keys);

/* One duration for both subsystems, or {win32: D, wsl: D} (and wsl_lock
 * where `s` has it, returned in k[S_WSL_LOCK]); false when f is not given
 * as such a mapping. */
static bool per_subsystem(struct scn__ctx *c, const struct scn__field *f,
                          const struct scn__section *s, sim_time_t out[PS_SUBSYSTEM_COUNT],
                          struct scn__field k[S_N])
{
    sim_time_t v;
    if (!f->val)
        return false;
    if (f->val->type != YAML_MAPPING_NODE) {
        if (scn__duration(c, f, false, &v) == 0)
            out[PS_SUBSYSTEM_WIN32] = out[PS_SUBSYSTEM_WSL] = v;
        return false;
    }
    if (scn__fields(c, f->val, f->name, s, k) < 0)
        return false;
    scn__duration(c, &k[S_WIN32], false, &out[PS_SUBSYSTEM_WIN32]);
    scn__duration(c, &k[S_WSL], false, &out[PS_SUBSYSTEM_WSL]);
    return true;
}

void scn__costs(struct scn__ctx *c, const struct scn__field *f, struct ke_machine_config *m)
{
    struct scn__field k[C_N], sub[S_N];
    bool lock = false;
    if (!f->val || scn__fields(c, f->val, f->name, &cost_section, k) < 0)
        return;
    scn__duration(c, &k[C_CONTEXT_SWITCH], false, &m->context_switch);
    per_subsystem(c, &k[C_PROCESS_CREATE], &create_section, m->costs.process_create, sub);
    scn__duration(c, &k[C_THREAD_CREATE], false, &m->costs.thread_create);
    if (per_subsystem(c, &k[C_SYSCALL], &syscall_section, m->costs.syscall, sub) &&
        scn__bool(c, &sub[S_WSL_LOCK], &lock) == 0 && lock)
        c->wsl_lock = sub[S_WSL_LOCK].val;
}

void scn__pico_lock(struct scn__ctx *c, struct ps_workload *wl)
{
    if (!c->wsl_lock)
        return;
    for (int i = 0; i < wl->nobjects; i++) {
        if (wl->objects[i].name && !strcmp(wl->objects[i].name, PICO_LOCK_NAME)) {
            scn__error(c, c->wsl_lock, -1, "'wsl_lock' declares the pico provider lock '%s', "
                       "but the scenario already has a resource of that name (line %d): "
                       "rename it", PICO_LOCK_NAME, wl->objects[i].src.line);
            return;
        }
    }
    struct ke_object_spec *o = realloc(wl->objects, ((size_t)wl->nobjects + 1) * sizeof *o);
    if (!o) {
        scn__oom(c);
        return;
    }
    wl->objects = o;
    c->objects = o; /* the old array is gone */
    o += wl->nobjects;
    memset(o, 0, sizeof *o);
    o->type = KE_OBJ_FAST_MUTEX; /* taken and released around each WSL call (ps_create.c) */
    scn__src(c, c->wsl_lock, &o->src);
    if (!(o->name = strdup(PICO_LOCK_NAME))) {
        scn__oom(c);
        return;
    }
    wl->machine.costs.pico_lock = wl->nobjects++;
}
