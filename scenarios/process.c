/* scenarios/process.c - the `processes:` section: process and thread specs (layer: scenarios).
 *
 * Owns the conversion of each process (name, subsystem, class, instances,
 * arrivals, affinity, boosts, image and command line) and of its threads
 * (name, count, template, priority, ideal processor, affinity, boosts,
 * program) into ps_process_spec / ps_thread_spec, also for the threads of
 * System (system.c).  Checks that need several keys live here too: unique
 * names, `count` vs `arrivals` and `template`, thread priorities that depend
 * on the process's class (absolute only for system threads, R7.1), a process
 * with an initial thread, and thread affinities that must lie within the
 * process's (NT-SCHEDULER-SPEC R4.8).
 *
 * A value in error is not used by the checks that depend on it (an unknown
 * class, an invalid process affinity), so one mistake gives one message.
 *
 * SPDX-License-Identifier: MIT
 */
#define SCENARIOS_INTERNAL
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/scenarios_int.h"

enum {
    P_NAME, P_SUBSYSTEM, P_CLASS, P_FOREGROUND, P_TEMPLATE, P_COUNT, P_START, P_ARRIVALS,
    P_AFFINITY, P_DISABLE_BOOST, P_IMAGE, P_COMMAND_LINE, P_THREADS, P_N
};
static const struct scn__key process_keys[P_N] = {
    [P_NAME] = {"name", SCN__REQUIRED},
    [P_SUBSYSTEM] = {"subsystem", 0},
    [P_CLASS] = {"priority_class", 0},
    [P_FOREGROUND] = {"foreground", 0},
    [P_TEMPLATE] = {"template", 0},
    [P_COUNT] = {"count", 0},
    [P_START] = {"start", 0},
    [P_ARRIVALS] = {"arrivals", 0},
    [P_AFFINITY] = {"affinity", 0},
    [P_DISABLE_BOOST] = {"disable_boost", 0},
    [P_IMAGE] = {"image", 0},
    [P_COMMAND_LINE] = {"command_line", 0},
    [P_THREADS] = {"threads", SCN__REQUIRED},
};
static const struct scn__section process_section = SCN__SECTION("process", process_keys);

enum { A_EVERY, A_COUNT, A_N };
static const struct scn__key arrival_keys[A_N] = {
    [A_EVERY] = {"every", SCN__REQUIRED},
    [A_COUNT] = {"count", 0},
};
static const struct scn__section arrival_section = SCN__SECTION("arrivals", arrival_keys);

enum {
    T_NAME, T_COUNT, T_PRIORITY, T_AFFINITY, T_DISABLE_BOOST, T_TEMPLATE, T_IDEAL_CPU, T_PROGRAM,
    T_N
};
static const struct scn__key thread_keys[T_N] = {
    [T_NAME] = {"name", 0},
    [T_COUNT] = {"count", 0},
    [T_PRIORITY] = {"priority", 0},
    [T_AFFINITY] = {"affinity", 0},
    [T_DISABLE_BOOST] = {"disable_boost", 0},
    [T_TEMPLATE] = {"template", 0},
    [T_IDEAL_CPU] = {"ideal_cpu", 0},
    [T_PROGRAM] = {"program", SCN__REQUIRED},
};
static const struct scn__section thread_section = SCN__SECTION("thread", thread_keys);

static const char *const subsystem_names[PS_SUBSYSTEM_COUNT] = {
    [PS_SUBSYSTEM_WIN32] = "win32",
    [PS_SUBSYSTEM_WSL] = "wsl",
};
static const char *const class_names[PS_CLASS_COUNT] = {
    [PS_CLASS_IDLE] = "idle",
    [PS_CLASS_BELOW_NORMAL] = "below_normal",
    [PS_CLASS_NORMAL] = "normal",
    [PS_CLASS_ABOVE_NORMAL] = "above_normal",
    [PS_CLASS_HIGH] = "high",
    [PS_CLASS_REALTIME] = "realtime",
};
/* Win32 relative thread priorities (R1.4) */
static const char *const rel_names[] = {"idle", "lowest", "below_normal", "normal",
                                        "above_normal", "highest", "time_critical"};
static const int rel_values[] = {KE_REL_IDLE, KE_REL_LOWEST, KE_REL_BELOW_NORMAL, KE_REL_NORMAL,
                                 KE_REL_ABOVE_NORMAL, KE_REL_HIGHEST, KE_REL_TIME_CRITICAL};
#define NREL ((int)(sizeof rel_names / sizeof rel_names[0]))
#define SYSTEM_THREAD_PRIORITY 8 /* PsCreateSystemThread's base priority (R7.1) */

/* What a thread needs to know of its process (its class is c->proc_class);
 * `affinity_known` false when the process's affinity is in error, so that
 * the check depending on it is skipped. */
struct proc_info {
    struct ps_process_spec *p;
    bool affinity_known;
    uint64_t affinity; /* effective: every CPU when the process gives none */
};

/* Every processor of the machine (none while machine.cpus is in error). */
static uint64_t all_cpus(const struct scn__ctx *c)
{
    return c->cpus >= KE_MAX_CPUS ? UINT64_MAX : (UINT64_C(1) << c->cpus) - 1;
}

/* ===== threads ========================================================== */

static void thread_name(struct scn__ctx *c, const struct scn__field *f, const yaml_node_t *node,
                        const struct ps_process_spec *p, int j)
{
    struct ps_thread_spec *t = &p->threads[j];
    char def[32];
    if (f[T_NAME].val) {
        if (scn__name(c, &f[T_NAME], &t->name) < 0)
            return;
    } else {
        /* default: "main" for a lone thread, else its index in the list */
        snprintf(def, sizeof def, p->nthreads == 1 ? "main" : "t%d", j);
        if (!(t->name = strdup(def))) {
            scn__oom(c);
            return;
        }
    }
    int first = scn__names_add(&c->thread_names, t->name, t->src.line);
    if (first < 0)
        scn__oom(c);
    else if (first > 0)
        scn__error(c, f[T_NAME].val ? f[T_NAME].val : node, -1,
                   "duplicate thread name '%s' in this process (first at line %d)", t->name,
                   first);
}

/* "+3" / "-5": relative priorities beyond the Win32 names, realtime only */
static int signed_priority(struct scn__ctx *c, const struct scn__field *f, int *out)
{
    const char *s = scn__scalar(f->val);
    char t[72];
    scn__sanitize(s, t, sizeof t);
    if (c->proc_class >= 0 && c->proc_class != PS_CLASS_REALTIME) {
        scn__error(c, f->val, -1, "relative priority '%s' is only allowed in realtime class "
                   "processes (use a name such as above_normal or an absolute priority 1-31)", t);
        return -1;
    }
    int v = 0;
    size_t i = 1;
    for (; s[i] >= '0' && s[i] <= '9' && v < 100; i++)
        v = v * 10 + (s[i] - '0');
    v = s[0] == '-' ? -v : v;
    if (i == 1 || s[i] || v < -7 || v > 6) {
        scn__error(c, f->val, -1, "relative priority must be between -7 and +6, got '%s'", t);
        return -1;
    }
    *out = v;
    return 0;
}

int scn__relative_priority(struct scn__ctx *c, const struct scn__field *f, const char *expected,
                           const char *more, int *out)
{
    const char *s = scn__scalar(f->val);
    int i;
    if (s && (s[0] == '+' || s[0] == '-'))
        return signed_priority(c, f, out);
    if (!s || scn__is_null(f->val)) {
        scn__type_error(c, f, expected);
        return -1;
    }
    if (scn__enum(c, f, rel_names, NREL, more, &i) < 0)
        return -1;
    *out = rel_values[i];
    return 0;
}

/* A relative priority, or an absolute base 1..31; System threads (R7.1)
 * have no class to be relative to: absolute only. */
static int thread_priority(struct scn__ctx *c, const struct scn__field *f,
                           const struct proc_info *pi, struct ps_thread_spec *t)
{
    const char *s = scn__scalar(f->val);
    if (!f->val)
        return 0;
    bool digits = s && s[0] >= '0' && s[0] <= '9';
    if (digits || pi->p->is_system) {
        if (!digits) {
            scn__type_error(c, f, "an absolute priority 1-31 (a system thread has no "
                            "process class to be relative to)");
            return -1;
        }
        t->priority_absolute = true;
        return scn__int(c, f, 1, KE_PRIORITY_LEVELS - 1, &t->priority);
    }
    return scn__relative_priority(c, f, "a priority such as normal, highest or 15",
                                  "an absolute priority 1-31, or -7 to +6 in realtime processes",
                                  &t->priority);
}

static void thread_affinity(struct scn__ctx *c, const struct scn__field *f,
                            const struct proc_info *pi, struct ps_thread_spec *t)
{
    if (scn__cpuset(c, f, &t->affinity) < 0 || !f->val || !pi->affinity_known)
        return;
    if (t->affinity & ~pi->affinity) {
        char mine[200], theirs[200];
        scn__cpuset_text(t->affinity, mine, sizeof mine);
        scn__cpuset_text(pi->affinity, theirs, sizeof theirs);
        scn__error(c, f->val, -1, "thread affinity %s is not a subset of its process's "
                   "affinity %s (NT-SCHEDULER-SPEC R4.8)", mine, theirs);
    }
}

/* SetThreadIdealProcessor: a processor of the machine; outside the thread's
 * affinity the model ignores it, as NT does (R4.8). */
static void ideal_cpu(struct scn__ctx *c, const struct scn__field *f, struct ps_thread_spec *t)
{
    int last = (c->cpus > 0 ? c->cpus : KE_MAX_CPUS) - 1; /* cpus in error: check what we can */
    if (f->val && scn__int(c, f, 0, last, &t->ideal_cpu) == 0)
        t->has_ideal_cpu = true;
}

/* `template: true` (started only by create_thread) and `count`: a template
 * is instantiated once per create_thread, so a count would mean nothing. */
static void thread_instances(struct scn__ctx *c, const struct scn__field *f,
                             struct ps_thread_spec *t)
{
    scn__bool(c, &f[T_TEMPLATE], &t->is_template);
    if (t->is_template && f[T_COUNT].val)
        scn__error(c, f[T_COUNT].key, -1, "'count' cannot be used in a template thread (each "
                   "create_thread starts one instance)");
    else
        scn__int(c, &f[T_COUNT], 1, INT_MAX, &t->count);
}

static void convert_thread(struct scn__ctx *c, const yaml_node_t *node, const char *label,
                           const struct proc_info *pi, int j)
{
    struct ps_thread_spec *t = &pi->p->threads[j];
    struct scn__field f[T_N];
    t->count = 1;
    t->priority_absolute = pi->p->is_system;
    t->priority = pi->p->is_system ? SYSTEM_THREAD_PRIORITY : KE_REL_NORMAL;
    if (scn__fields(c, node, label, &thread_section, f) < 0)
        return;
    scn__src(c, node, &t->src);
    thread_name(c, f, node, pi->p, j);
    thread_instances(c, f, t);
    thread_priority(c, &f[T_PRIORITY], pi, t);
    ideal_cpu(c, &f[T_IDEAL_CPU], t);
    thread_affinity(c, &f[T_AFFINITY], pi, t);
    scn__bool(c, &f[T_DISABLE_BOOST], &t->disable_boost);
    scn__program(c, &f[T_PROGRAM], &t->program, 0);
}

static void convert_threads(struct scn__ctx *c, const struct scn__field *f,
                            const struct proc_info *pi)
{
    struct ps_process_spec *p = pi->p;
    if (!f->val)
        return;
    if (f->val->type != YAML_SEQUENCE_NODE) {
        scn__type_error(c, f, "a list of threads");
        return;
    }
    const yaml_node_item_t *it = f->val->data.sequence.items.start;
    int n = (int)(f->val->data.sequence.items.top - it);
    if (n == 0) {
        scn__error(c, f->val, -1, "'%s' must list at least one thread", f->name);
        return;
    }
    if (!(p->threads = calloc((size_t)n, sizeof *p->threads))) {
        scn__oom(c);
        return;
    }
    p->nthreads = n;
    scn__names_clear(&c->thread_names);
    int started = 0;
    for (int j = 0; j < n && !scn__enough(c); j++) {
        char label[48];
        snprintf(label, sizeof label, "%s[%d]", f->name, j);
        convert_thread(c, scn__node(c, it[j]), label, pi, j);
        started += !p->threads[j].is_template;
    }
    if (started == 0 && !scn__enough(c))
        scn__error(c, f->key, -1, "every thread in '%s' is a template, so none would ever start: "
                   "a process needs one thread without 'template: true' (its initial thread)",
                   f->name);
}

void scn__threads(struct scn__ctx *c, const struct scn__field *f, struct ps_process_spec *p)
{
    struct proc_info pi = {p, c->cpus > 0, all_cpus(c)};
    c->proc_class = (int)p->priority_class;
    convert_threads(c, f, &pi);
}

/* ===== processes ======================================================== */

static void process_name(struct scn__ctx *c, const struct scn__field *f,
                         struct ps_workload *wl, int i)
{
    struct ps_process_spec *p = &wl->processes[i];
    if (scn__name(c, f, &p->name) < 0 || !p->name)
        return;
    int first = scn__names_add(&c->process_names, p->name, p->src.line);
    if (first < 0)
        scn__oom(c);
    else if (first > 0)
        scn__error(c, f->val, -1, "duplicate process name '%s' (first at line %d)", p->name,
                   first);
}

static void arrivals(struct scn__ctx *c, const struct scn__field *f, struct ps_process_spec *p)
{
    struct scn__field a[A_N];
    if (scn__fields(c, f->val, f->name, &arrival_section, a) < 0)
        return;
    p->has_arrivals = true;
    p->arrival_count = KE_LOOP_FOREVER;
    scn__dist(c, &a[A_EVERY], &p->arrival_every);
    scn__count(c, &a[A_COUNT], &p->arrival_count);
}

/* When instances start: `count` at `start`, or `arrivals`; templates never. */
static void instances(struct scn__ctx *c, const struct scn__field *f, struct ps_process_spec *p)
{
    scn__bool(c, &f[P_TEMPLATE], &p->is_template);
    scn__int(c, &f[P_COUNT], 1, INT_MAX, &p->count);
    scn__duration(c, &f[P_START], false, &p->start);
    if (!f[P_ARRIVALS].val)
        return;
    if (f[P_COUNT].val)
        scn__error(c, f[P_COUNT].key, -1, "'count' cannot be used together with 'arrivals' "
                   "(give the number of arrivals as arrivals.count)");
    else if (p->is_template)
        scn__error(c, f[P_ARRIVALS].key, -1, "'arrivals' cannot be used in a template process "
                   "(a template is started only by spawn)");
    else
        arrivals(c, &f[P_ARRIVALS], p);
}

static void convert_process(struct scn__ctx *c, const yaml_node_t *node, const char *label,
                            struct ps_workload *wl, int i)
{
    struct ps_process_spec *p = &wl->processes[i];
    struct scn__field f[P_N];
    int subsystem = PS_SUBSYSTEM_WIN32, cls = PS_CLASS_NORMAL;
    p->count = 1;
    if (scn__fields(c, node, label, &process_section, f) < 0)
        return;
    scn__src(c, node, &p->src);
    process_name(c, &f[P_NAME], wl, i);
    scn__enum(c, &f[P_SUBSYSTEM], subsystem_names, PS_SUBSYSTEM_COUNT, NULL, &subsystem);
    bool class_known = scn__enum(c, &f[P_CLASS], class_names, PS_CLASS_COUNT, NULL, &cls) == 0;
    p->subsystem = (enum ps_subsystem)subsystem;
    p->priority_class = (enum ps_priority_class)cls;
    scn__bool(c, &f[P_FOREGROUND], &p->foreground);
    scn__bool(c, &f[P_DISABLE_BOOST], &p->disable_boost);
    scn__text(c, &f[P_IMAGE], &p->image);
    scn__text(c, &f[P_COMMAND_LINE], &p->command_line);
    instances(c, f, p);
    bool affinity_known = scn__cpuset(c, &f[P_AFFINITY], &p->affinity) == 0 &&
                          (p->affinity || c->cpus > 0);
    struct proc_info pi = {p, affinity_known, p->affinity ? p->affinity : all_cpus(c)};
    c->proc_class = class_known ? cls : -1; /* signed priorities depend on it */
    convert_threads(c, &f[P_THREADS], &pi);
}

int scn__processes(struct scn__ctx *c, const struct scn__field *f, struct ps_workload *wl)
{
    if (!f->val)
        return 0;
    if (f->val->type != YAML_SEQUENCE_NODE) {
        scn__type_error(c, f, "a list of processes");
        return -1;
    }
    const yaml_node_item_t *it = f->val->data.sequence.items.start;
    int n = (int)(f->val->data.sequence.items.top - it);
    if (n == 0) {
        scn__error(c, f->val, -1, "'processes' must list at least one process");
        return -1;
    }
    if (!(wl->processes = calloc((size_t)n, sizeof *wl->processes))) {
        scn__oom(c);
        return -1;
    }
    wl->nprocesses = n;
    for (int i = 0; i < n && !scn__enough(c); i++) {
        char label[48];
        snprintf(label, sizeof label, "processes[%d]", i);
        convert_process(c, scn__node(c, it[i]), label, wl, i);
    }
    return 0;
}
