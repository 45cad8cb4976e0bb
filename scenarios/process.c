/* scenarios/process.c - the `processes:` section: process and thread specs (layer: scenarios).
 *
 * Owns the conversion of each process (name, subsystem, class, instances,
 * arrivals, affinity, boosts) and of its threads (name, count, priority,
 * affinity, boosts, program) into ps_process_spec / ps_thread_spec.  Checks that need several
 * keys live here too: unique names, `count` vs `arrivals`, thread priorities
 * that depend on the process's class, and thread affinities that must lie
 * within the process's (NT-SCHEDULER-SPEC R4.8).
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
    P_AFFINITY, P_DISABLE_BOOST, P_THREADS, P_N
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
    [P_THREADS] = {"threads", SCN__REQUIRED},
};
static const struct scn__section process_section = SCN__SECTION("process", process_keys);

enum { A_EVERY, A_COUNT, A_N };
static const struct scn__key arrival_keys[A_N] = {
    [A_EVERY] = {"every", SCN__REQUIRED},
    [A_COUNT] = {"count", 0},
};
static const struct scn__section arrival_section = SCN__SECTION("arrivals", arrival_keys);

enum { T_NAME, T_COUNT, T_PRIORITY, T_AFFINITY, T_DISABLE_BOOST, T_PROGRAM, T_N };
static const struct scn__key thread_keys[T_N] = {
    [T_NAME] = {"name", 0},
    [T_COUNT] = {"count", 0},
    [T_PRIORITY] = {"priority", 0},
    [T_AFFINITY] = {"affinity", 0},
    [T_DISABLE_BOOST] = {"disable_boost", 0},
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

/* What a thread needs to know of its process; `*_known` false when the
 * process's value is in error, so that checks depending on it are skipped. */
struct proc_info {
    struct ps_process_spec *p;
    bool class_known;
    bool affinity_known;
    uint64_t affinity; /* effective: every CPU when the process gives none */
};

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
    for (int k = 0; k < j; k++)
        if (p->threads[k].name && !strcmp(p->threads[k].name, t->name))
            scn__error(c, f[T_NAME].val ? f[T_NAME].val : node, -1,
                       "duplicate thread name '%s' in this process (first at line %d)", t->name,
                       p->threads[k].src.line);
}

/* "+3" / "-5": relative priorities beyond the Win32 names, realtime only */
static int signed_priority(struct scn__ctx *c, const struct scn__field *f,
                           const struct proc_info *pi, int *out)
{
    const char *s = scn__scalar(f->val);
    char t[72];
    scn__sanitize(s, t, sizeof t);
    if (pi->class_known && pi->p->priority_class != PS_CLASS_REALTIME) {
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

static int thread_priority(struct scn__ctx *c, const struct scn__field *f,
                           const struct proc_info *pi, struct ps_thread_spec *t)
{
    const char *s = scn__scalar(f->val);
    if (!f->val)
        return 0;
    if (s && (s[0] == '+' || s[0] == '-'))
        return signed_priority(c, f, pi, &t->priority);
    if (s && s[0] >= '0' && s[0] <= '9') {
        t->priority_absolute = true;
        return scn__int(c, f, 1, KE_PRIORITY_LEVELS - 1, &t->priority);
    }
    int i;
    if (!s || scn__is_null(f->val)) {
        scn__type_error(c, f, "a priority such as normal, highest or 15");
        return -1;
    }
    if (scn__enum(c, f, rel_names, NREL,
                  "an absolute priority 1-31, or -7 to +6 in realtime processes", &i) < 0)
        return -1;
    t->priority = rel_values[i];
    return 0;
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

static void convert_thread(struct scn__ctx *c, const yaml_node_t *node, const char *label,
                           const struct proc_info *pi, int j)
{
    struct ps_thread_spec *t = &pi->p->threads[j];
    struct scn__field f[T_N];
    t->count = 1;
    t->priority = KE_REL_NORMAL;
    if (scn__fields(c, node, label, &thread_section, f) < 0)
        return;
    scn__src(c, node, &t->src);
    thread_name(c, f, node, pi->p, j);
    scn__int(c, &f[T_COUNT], 1, INT_MAX, &t->count);
    thread_priority(c, &f[T_PRIORITY], pi, t);
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
        scn__error(c, f->val, -1, "'threads' must list at least one thread");
        return;
    }
    if (!(p->threads = calloc((size_t)n, sizeof *p->threads))) {
        scn__oom(c);
        return;
    }
    p->nthreads = n;
    for (int j = 0; j < n && !scn__enough(c); j++) {
        char label[48];
        snprintf(label, sizeof label, "threads[%d]", j);
        convert_thread(c, scn__node(c, it[j]), label, pi, j);
    }
}

/* ===== processes ======================================================== */

static void process_name(struct scn__ctx *c, const struct scn__field *f,
                         struct ps_workload *wl, int i)
{
    struct ps_process_spec *p = &wl->processes[i];
    if (scn__name(c, f, &p->name) < 0 || !p->name)
        return;
    for (int k = 0; k < i; k++)
        if (wl->processes[k].name && !strcmp(wl->processes[k].name, p->name))
            scn__error(c, f->val, -1, "duplicate process name '%s' (first at line %d)",
                       p->name, wl->processes[k].src.line);
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
    instances(c, f, p);
    bool affinity_known = scn__cpuset(c, &f[P_AFFINITY], &p->affinity) == 0 &&
                          (p->affinity || c->cpus > 0);
    uint64_t all = c->cpus >= KE_MAX_CPUS ? UINT64_MAX : (UINT64_C(1) << c->cpus) - 1;
    struct proc_info pi = {p, class_known, affinity_known, p->affinity ? p->affinity : all};
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
