/* scenarios/drivers.c - the `drivers:` section: Ps notify routines (layer: scenarios).
 *
 * Owns the conversion of each driver into a ps_driver_spec: its
 * process-notify routine (PsSetCreateProcessNotifyRoutine, ...Ex, or ...Ex2
 * with or without PsCreateProcessNotifySubsystems) and its thread-notify
 * routine (PsSetCreateThreadNotifyRoutine, or ...Ex with NonSystem or
 * Subsystems), each with the CPU time it costs, and the image pattern
 * whose creation the process routine vetoes.  What each kind sees and in
 * which thread it runs is models/ps_create.c's (NT-SCHEDULER-SPEC R7.4-R7.7).
 *
 * Drivers register in the order listed, which is the order their routines
 * run in.  Registrations that NT refuses are errors here, with the status
 * the call would return (R7.3): an Ex or Ex2 process routine from an image
 * linked without FORCE_INTEGRITY, and a process routine beyond the 64 slots
 * of the table.  Options that a routine's kind cannot have (subsystems on a
 * plain or Ex routine, a veto by a plain routine) are refused rather than
 * ignored.
 *
 * SPDX-License-Identifier: MIT
 */
#define SCENARIOS_INTERNAL
#include <stdlib.h>
#include <string.h>

#include "scenarios/scenarios_int.h"

#define MAX_PROCESS_ROUTINES 64 /* the process-notify table on Vista and later (R7.3) */

enum { D_NAME, D_PROCESS, D_THREAD, D_FORCE_INTEGRITY, D_N };
static const struct scn__key driver_keys[D_N] = {
    [D_NAME] = {"name", SCN__REQUIRED},
    [D_PROCESS] = {"process_notify", 0},
    [D_THREAD] = {"thread_notify", 0},
    [D_FORCE_INTEGRITY] = {"force_integrity", 0},
};
static const struct scn__section driver_section = SCN__SECTION("driver", driver_keys);

/* Both routines share a layout; only a process routine can veto (`deny`). */
enum { N_TYPE, N_SUBSYSTEMS, N_COST, N_DENY, N_N };
static const struct scn__key notify_keys[N_N] = {
    [N_TYPE] = {"type", 0},
    [N_SUBSYSTEMS] = {"subsystems", 0},
    [N_COST] = {"cost", 0},
    [N_DENY] = {"deny", 0},
};
static const struct scn__section process_section = SCN__SECTION("process_notify", notify_keys);
static const struct scn__section thread_section = {"thread_notify", notify_keys, N_DENY};

/* In the order of the kinds after PS_NOTIFY_PLAIN / PS_THREAD_NOTIFY_PLAIN. */
static const char *const process_types[] = {"plain", "ex", "ex2"};
static const char *const process_calls[] = {"PsSetCreateProcessNotifyRoutine",
                                            "PsSetCreateProcessNotifyRoutineEx",
                                            "PsSetCreateProcessNotifyRoutineEx2"};
static const char *const thread_types[] = {"plain", "ex"};

static const char *name_of(const struct ps_driver_spec *d) { return d->name ? d->name : "?"; }

/* {type, subsystems, cost, deny}: type defaults to ex2 with `subsystems`,
 * else ex; `registered` counts the table's used slots. */
static void process_notify(struct scn__ctx *c, const struct scn__field *f,
                           struct ps_driver_spec *d, int *registered)
{
    struct scn__field k[N_N];
    if (!f->val || scn__fields(c, f->val, f->name, &process_section, k) < 0)
        return;
    int type = k[N_SUBSYSTEMS].key ? 2 : 1;
    bool known = scn__enum(c, &k[N_TYPE], process_types, 3, NULL, &type) == 0;
    d->process_kind = (enum ps_process_notify_kind)(PS_NOTIFY_PLAIN + type);
    scn__bool(c, &k[N_SUBSYSTEMS], &d->process_subsystems);
    scn__dist(c, &k[N_COST], &d->process_cost);
    scn__text(c, &k[N_DENY], &d->deny);
    if (known && k[N_SUBSYSTEMS].key && d->process_kind != PS_NOTIFY_EX2)
        scn__error(c, k[N_SUBSYSTEMS].key, -1, "'subsystems' needs type ex2: only "
                   "PsSetCreateProcessNotifyRoutineEx2 takes PsCreateProcessNotifySubsystems "
                   "(NT-SCHEDULER-SPEC R7.6)");
    if (known && k[N_DENY].key && d->process_kind == PS_NOTIFY_PLAIN)
        scn__error(c, k[N_DENY].key, -1, "'deny' needs type ex or ex2: a plain process-notify "
                   "routine gets no PS_CREATE_NOTIFY_INFO, so it cannot veto a creation "
                   "(NT-SCHEDULER-SPEC R7.5)");
    if (++*registered == MAX_PROCESS_ROUTINES + 1)
        scn__error(c, f->key, -1, "driver '%s': the process-notify table is full (%d routines, "
                   "STATUS_INVALID_PARAMETER)", name_of(d), MAX_PROCESS_ROUTINES);
}

/* {type, subsystems, cost}: type defaults to ex; ex without `subsystems`
 * is PsCreateThreadNotifyNonSystem. */
static void thread_notify(struct scn__ctx *c, const struct scn__field *f,
                          struct ps_driver_spec *d)
{
    struct scn__field k[N_N];
    int type = 1;
    if (!f->val || scn__fields(c, f->val, f->name, &thread_section, k) < 0)
        return;
    bool known = scn__enum(c, &k[N_TYPE], thread_types, 2, NULL, &type) == 0;
    d->thread_kind = (enum ps_thread_notify_kind)(PS_THREAD_NOTIFY_PLAIN + type);
    scn__bool(c, &k[N_SUBSYSTEMS], &d->thread_subsystems);
    scn__dist(c, &k[N_COST], &d->thread_cost);
    if (known && k[N_SUBSYSTEMS].key && d->thread_kind != PS_THREAD_NOTIFY_EX)
        scn__error(c, k[N_SUBSYSTEMS].key, -1, "'subsystems' needs type ex: only "
                   "PsSetCreateThreadNotifyRoutineEx takes PsCreateThreadNotifySubsystems "
                   "(NT-SCHEDULER-SPEC R7.7)");
}

static void convert_driver(struct scn__ctx *c, const yaml_node_t *node, const char *label,
                           struct ps_driver_spec *d, struct scn__names *names, int *registered)
{
    struct scn__field f[D_N];
    bool integrity = true;
    if (scn__fields(c, node, label, &driver_section, f) < 0)
        return;
    scn__src(c, node, &d->src);
    if (scn__name(c, &f[D_NAME], &d->name) == 0 && d->name) {
        int first = scn__names_add(names, d->name, d->src.line);
        if (first < 0)
            scn__oom(c);
        else if (first > 0)
            scn__error(c, f[D_NAME].val, -1, "duplicate driver name '%s' (first at line %d)",
                       d->name, first);
    }
    process_notify(c, &f[D_PROCESS], d, registered);
    thread_notify(c, &f[D_THREAD], d);
    if (scn__bool(c, &f[D_FORCE_INTEGRITY], &integrity) == 0 && !integrity &&
        d->process_kind >= PS_NOTIFY_EX)
        scn__error(c, f[D_FORCE_INTEGRITY].val, -1, "driver '%s': %s fails with "
                   "STATUS_ACCESS_DENIED (the image lacks FORCE_INTEGRITY)", name_of(d),
                   process_calls[d->process_kind - PS_NOTIFY_PLAIN]);
}

void scn__drivers(struct scn__ctx *c, const struct scn__field *f, struct ps_workload *wl)
{
    if (!f->val || scn__is_null(f->val))
        return;
    if (f->val->type != YAML_SEQUENCE_NODE) {
        scn__type_error(c, f, "a list of drivers");
        return;
    }
    const yaml_node_item_t *it = f->val->data.sequence.items.start;
    int n = (int)(f->val->data.sequence.items.top - it), registered = 0;
    if (n == 0)
        return;
    if (!(wl->drivers = calloc((size_t)n, sizeof *wl->drivers))) {
        scn__oom(c);
        return;
    }
    wl->ndrivers = n;
    struct scn__names names = {NULL, 0, 0};
    for (int i = 0; i < n && !scn__enough(c); i++) {
        char label[48];
        snprintf(label, sizeof label, "drivers[%d]", i);
        convert_driver(c, scn__node(c, it[i]), label, &wl->drivers[i], &names, &registered);
    }
    scn__names_clear(&names);
}
