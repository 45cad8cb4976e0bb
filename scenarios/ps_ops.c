/* scenarios/ps_ops.c - program operations of the Ps layer, and set_priority (layer: scenarios).
 *
 * Owns the conversion of `spawn` (NtCreateUserProcess), `create_thread`
 * (CreateThread of a template thread of the same process), `syscall` (R7.9)
 * and `set_priority` (R1.7) into ke_op, and the resolution of the targets
 * that spawn and create_thread name.
 *
 * A program may spawn a process listed after its own, and System
 * (system.c) is inserted in front of the list only once every process is
 * converted, so targets cannot be looked up while a program is converted:
 * the op keeps the id of the YAML node that names its target in
 * ke_op.target, and scn__resolve_targets, run when the list is final,
 * replaces it with the spec index or reports the name.  A create_thread
 * names a thread of the process its own thread belongs to, which must be a
 * template (`template: true`), so that every thread starts exactly one way.
 *
 * SPDX-License-Identifier: MIT
 */
#define SCENARIOS_INTERNAL
#include <stdlib.h>
#include <string.h>

#include "scenarios/scenarios_int.h"

#define LISTED_NAMES 8     /* names shown in "(processes: a, b, ...)" */
#define MAX_SYSCALLS 1000000 /* calls in one syscall op, each drawn on its own */

/* spawn and create_thread: NAME, or {KEY: NAME, wait: BOOL} */
static const struct scn__key spawn_keys[] = {{"process", SCN__REQUIRED}, {"wait", 0}};
static const struct scn__key create_keys[] = {{"thread", SCN__REQUIRED}, {"wait", 0}};
static const struct scn__section spawn_section = SCN__SECTION("spawn", spawn_keys);
static const struct scn__section create_section = SCN__SECTION("create_thread", create_keys);

enum { SC_COUNT, SC_COST, SC_N };
static const struct scn__key syscall_keys[SC_N] = {
    [SC_COUNT] = {"count", 0},
    [SC_COST] = {"cost", 0},
};
static const struct scn__section syscall_section = SCN__SECTION("syscall", syscall_keys);

/* set_priority's keys, in the order of the KE_SETPRI_* modes */
static const struct scn__key setpri_keys[] = {
    [KE_SETPRI_RELATIVE] = {"relative", 0},
    [KE_SETPRI_BASE] = {"base", 0},
    [KE_SETPRI_CURRENT] = {"current", 0},
};
#define NSETPRI ((int)(sizeof setpri_keys / sizeof setpri_keys[0]))
static const struct scn__section setpri_section = SCN__SECTION("set_priority", setpri_keys);

/* ===== conversion ======================================================= */

static int target_op(struct scn__ctx *c, const struct scn__op_ref *r,
                     const struct scn__section *s, const char *expected, struct ke_op *op)
{
    struct scn__field f[2] = {{r->key, r->arg, r->name}, {NULL, NULL, "wait"}};
    bool wait = false;
    if (r->arg->type == YAML_MAPPING_NODE && scn__fields(c, r->arg, r->name, s, f) < 0)
        return -1;
    if (!f[0].val)
        return -1; /* reported missing */
    if (!scn__scalar(f[0].val) || scn__is_null(f[0].val)) {
        scn__type_error(c, &f[0], expected);
        return -1;
    }
    if (scn__bool(c, &f[1], &wait) < 0)
        return -1;
    op->arg = wait;
    op->target = scn__node_id(c, f[0].val); /* until scn__resolve_targets */
    return 0;
}

int scn__spawn_op(struct scn__ctx *c, const struct scn__op_ref *r, struct ke_op *op)
{
    return target_op(c, r, &spawn_section, "a process name", op);
}

int scn__create_thread_op(struct scn__ctx *c, const struct scn__op_ref *r, struct ke_op *op)
{
    return target_op(c, r, &create_section, "a thread name", op);
}

/* `syscall: COST` (one call), or {count: N, cost: COST}; the subsystem's
 * own cost per call is added while running (machine.costs.syscall). */
int scn__syscall_op(struct scn__ctx *c, const struct scn__op_ref *r, struct ke_op *op)
{
    op->count = 1;
    if (r->arg->type != YAML_MAPPING_NODE) {
        struct scn__field f = {r->key, r->arg, r->name};
        return scn__dist(c, &f, &op->dist);
    }
    struct scn__field f[SC_N];
    uint64_t n = 1;
    if (scn__fields(c, r->arg, r->name, &syscall_section, f) < 0)
        return -1;
    int rc = scn__uint(c, &f[SC_COUNT], 1, MAX_SYSCALLS, &n);
    op->count = (int64_t)n;
    if (scn__dist(c, &f[SC_COST], &op->dist) < 0)
        rc = -1;
    return rc;
}

/* A relative priority as SetThreadPriority takes it; digits would be read
 * as a relative value by nobody, so they point at `base`. */
static int relative(struct scn__ctx *c, const struct scn__field *f, struct ke_op *op)
{
    const char *s = scn__scalar(f->val);
    int v;
    if (s && s[0] >= '0' && s[0] <= '9') {
        char t[72];
        scn__sanitize(s, t, sizeof t);
        scn__error(c, f->val, -1, "'%s' takes a relative priority such as highest (or -7 to +6 "
                   "in realtime processes); for an absolute one write set_priority: {base: %s}",
                   f->name, t);
        return -1;
    }
    if (scn__relative_priority(c, f, "a relative priority such as highest",
                               "-7 to +6 in realtime processes", &v) < 0)
        return -1;
    op->arg = v;
    return 0;
}

/* `set_priority: NAME`, or exactly one of {relative: R}, {base: B}, {current: P}. */
int scn__set_priority_op(struct scn__ctx *c, const struct scn__op_ref *r, struct ke_op *op)
{
    struct scn__field f[NSETPRI];
    int which = -1, v;
    op->count = KE_SETPRI_RELATIVE;
    if (r->arg->type != YAML_MAPPING_NODE) {
        struct scn__field one = {r->key, r->arg, r->name};
        return relative(c, &one, op);
    }
    if (scn__fields(c, r->arg, r->name, &setpri_section, f) < 0)
        return -1;
    for (int k = 0; k < NSETPRI; k++) {
        if (!f[k].key)
            continue;
        if (which >= 0) {
            scn__error(c, f[k].key, -1, "'%s' and '%s' cannot be used together: set_priority "
                       "takes exactly one of relative, base or current", f[which].name,
                       f[k].name);
            return -1;
        }
        which = k;
    }
    if (which < 0) {
        scn__error(c, r->arg, -1, "'set_priority' needs one of relative, base or current");
        return -1;
    }
    op->count = which;
    if (which == KE_SETPRI_RELATIVE)
        return relative(c, &f[which], op);
    if (scn__int(c, &f[which], 1, KE_PRIORITY_LEVELS - 1, &v) < 0)
        return -1;
    op->arg = v;
    return 0;
}

/* ===== targets ========================================================== */

/* "a, b, c, ..." for messages */
struct name_list {
    char text[400];
    size_t len;
    int listed;
};

static void list_add(struct name_list *l, const char *name)
{
    char one[72];
    if (!name || l->listed > LISTED_NAMES || l->len >= sizeof l->text)
        return;
    if (l->listed++ == LISTED_NAMES) {
        l->len += (size_t)snprintf(l->text + l->len, sizeof l->text - l->len, ", ...");
        return;
    }
    scn__sanitize(name, one, sizeof one);
    l->len += (size_t)snprintf(l->text + l->len, sizeof l->text - l->len, "%s%s",
                               l->listed > 1 ? ", " : "", one);
}

static void unknown_process(struct scn__ctx *c, const yaml_node_t *at, const char *name,
                            const struct ps_workload *wl)
{
    struct name_list l = {"", 0, 0};
    char shown[72];
    for (int i = 0; i < wl->nprocesses; i++)
        if (!wl->processes[i].is_system)
            list_add(&l, wl->processes[i].name);
    scn__sanitize(name, shown, sizeof shown);
    scn__error(c, at, -1, "unknown process '%s' for spawn (processes: %s)", shown, l.text);
}

/* Name indexes for the lookups: every process, and the threads of the
 * process whose programs are being resolved, built at its first create_thread. */
struct resolver {
    const struct ps_workload *wl;
    struct scn__named *procs, *threads;
    int nprocs, nthreads;
    const struct ps_process_spec *of; /* whose threads are in `threads` */
};

static const char *process_name(const void *v, int i)
{
    return ((const struct ps_process_spec *)v)[i].name;
}

static const char *thread_name(const void *v, int i)
{
    return ((const struct ps_thread_spec *)v)[i].name;
}

/* Entries 0..n) of `specs` sorted by name (NULL names, in error, left out). */
static struct scn__named *index_of(const void *specs, int n, const char *(*name)(const void *, int),
                                   int *out)
{
    struct scn__named *v = malloc(((size_t)n + 1) * sizeof *v);
    *out = 0;
    for (int i = 0; v && i < n; i++)
        if (name(specs, i))
            v[(*out)++] = (struct scn__named){name(specs, i), i};
    if (v)
        scn__named_sort(v, *out);
    return v;
}

static void resolve_spawn(struct scn__ctx *c, const struct resolver *rs, struct ke_op *op)
{
    const yaml_node_t *at = scn__node(c, op->target);
    const char *name = scn__scalar(at);
    int i = scn__named_find(rs->procs, rs->nprocs, name);
    op->target = -1;
    if (i < 0)
        unknown_process(c, at, name, rs->wl);
    else if (rs->wl->processes[i].is_system)
        scn__error(c, at, -1, "'System' cannot be spawned: its threads are kernel threads, "
                   "listed under system_threads (NT-SCHEDULER-SPEC R7.1)");
    else
        op->target = i;
}

/* create_thread names a thread of p that is not a template, or none. */
static void create_error(struct scn__ctx *c, const yaml_node_t *at, const char *name,
                         const struct ps_process_spec *p, bool exists)
{
    struct name_list l = {"", 0, 0};
    char shown[72], proc[72], why[460];
    for (int j = 0; j < p->nthreads; j++)
        if (p->threads[j].is_template)
            list_add(&l, p->threads[j].name);
    scn__sanitize(name, shown, sizeof shown);
    scn__sanitize(p->name ? p->name : "?", proc, sizeof proc);
    if (l.listed)
        snprintf(why, sizeof why, "its template threads: %s", l.text);
    else
        snprintf(why, sizeof why, "it has no template thread; mark one with template: true");
    if (exists)
        scn__error(c, at, -1, "create_thread needs a template thread of process '%s', but '%s' "
                   "is not one (%s)", proc, shown, why);
    else
        scn__error(c, at, -1, "process '%s' has no thread '%s' to create (%s)", proc, shown, why);
}

static void resolve_create(struct scn__ctx *c, struct resolver *rs,
                           const struct ps_process_spec *p, struct ke_op *op)
{
    const yaml_node_t *at = scn__node(c, op->target);
    const char *name = scn__scalar(at);
    op->target = -1;
    if (rs->of != p) {
        free(rs->threads);
        rs->of = p;
        if (!(rs->threads = index_of(p->threads, p->nthreads, thread_name, &rs->nthreads))) {
            rs->of = NULL;
            scn__oom(c);
            return;
        }
    }
    int j = scn__named_find(rs->threads, rs->nthreads, name);
    if (j >= 0 && p->threads[j].is_template)
        op->target = j;
    else
        create_error(c, at, name, p, j >= 0);
}

void scn__resolve_targets(struct scn__ctx *c, struct ps_workload *wl)
{
    struct resolver rs = {wl, NULL, NULL, 0, 0, NULL};
    if (!(rs.procs = index_of(wl->processes, wl->nprocesses, process_name, &rs.nprocs))) {
        scn__oom(c);
        return;
    }
    for (int i = 0; i < wl->nprocesses; i++) {
        const struct ps_process_spec *p = &wl->processes[i];
        for (int j = 0; j < p->nthreads; j++) {
            struct ke_program *prog = &p->threads[j].program;
            for (uint32_t k = 0; k < prog->n && !scn__enough(c); k++) {
                if (prog->ops[k].kind == KE_OP_SPAWN)
                    resolve_spawn(c, &rs, &prog->ops[k]);
                else if (prog->ops[k].kind == KE_OP_CREATE_THREAD)
                    resolve_create(c, &rs, p, &prog->ops[k]);
            }
        }
    }
    free(rs.procs);
    free(rs.threads);
}
