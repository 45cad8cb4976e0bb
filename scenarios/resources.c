/* scenarios/resources.c - the `resources:` section and references to it by name (layer: scenarios).
 *
 * Owns the conversion of each declared dispatcher object (NT-SCHEDULER-SPEC
 * section 5) and executive lock (section 6) into a ke_object_spec, the check
 * that every key given applies to the resource's type, and the lookup that
 * programs use to turn a resource name into an index in ps_workload.objects
 * with the type check that goes with it ("'set' needs an event, but 'dblock'
 * is a mutex").
 *
 * Resources are converted before the processes whatever the order of the
 * keys in the file.  A reference to a resource whose own declaration is in
 * error is not reported again: a name that breaks the naming rules is still
 * indexed as written, and a resource of an unknown type is found but not
 * type-checked, so that one mistake gives one message.  Lookups go through an
 * index sorted by name, so that a large program over many resources stays
 * O(n log n) to load.
 *
 * SPDX-License-Identifier: MIT
 */
#define SCENARIOS_INTERNAL
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/scenarios_int.h"

enum {
    R_NAME, R_TYPE, R_KERNEL, R_MODE, R_SIGNALED, R_INITIAL, R_MAX, R_QUEUED, R_SSE, R_DUE,
    R_PERIOD, R_COUNT, R_N
};
static const struct scn__key resource_keys[R_N] = {
    [R_NAME] = {"name", SCN__REQUIRED},
    [R_TYPE] = {"type", SCN__REQUIRED},
    [R_KERNEL] = {"kernel", 0},
    [R_MODE] = {"mode", 0},
    [R_SIGNALED] = {"signaled", 0},
    [R_INITIAL] = {"initial", 0},
    [R_MAX] = {"max", 0},
    [R_QUEUED] = {"queued", 0},
    [R_SSE] = {"shared_starve_exclusive", 0},
    [R_DUE] = {"due", 0},
    [R_PERIOD] = {"period", 0},
    [R_COUNT] = {"count", 0},
};
static const struct scn__section resource_section = SCN__SECTION("resource", resource_keys);

static const char *const type_names[KE_OBJ_TYPE_COUNT] = {
    [KE_OBJ_EVENT] = "event",
    [KE_OBJ_SEMAPHORE] = "semaphore",
    [KE_OBJ_MUTEX] = "mutex",
    [KE_OBJ_TIMER] = "timer",
    [KE_OBJ_CONDITION] = "condition",
    [KE_OBJ_BARRIER] = "barrier",
    [KE_OBJ_SPINLOCK] = "spinlock",
    [KE_OBJ_FAST_MUTEX] = "fast_mutex",
    [KE_OBJ_GUARDED_MUTEX] = "guarded_mutex",
    [KE_OBJ_ERESOURCE] = "eresource",
    [KE_OBJ_PUSH_LOCK] = "push_lock",
    [KE_OBJ_PROCESS] = "process",
    [KE_OBJ_THREAD] = "thread",
};
/* The types a scenario declares, in the order messages list them (processes
 * and threads are objects too, but they are not declared as resources). */
static const enum ke_object_type declarable[] = {
    KE_OBJ_EVENT, KE_OBJ_SEMAPHORE, KE_OBJ_MUTEX, KE_OBJ_TIMER, KE_OBJ_CONDITION,
    KE_OBJ_BARRIER, KE_OBJ_SPINLOCK, KE_OBJ_FAST_MUTEX, KE_OBJ_GUARDED_MUTEX,
    KE_OBJ_ERESOURCE, KE_OBJ_PUSH_LOCK,
};
#define NDECLARABLE ((int)(sizeof declarable / sizeof declarable[0]))

#define KEY(k) (1u << (k))
/* The keys each type takes besides name and type. */
static const unsigned type_keys[KE_OBJ_TYPE_COUNT] = {
    [KE_OBJ_EVENT] = KEY(R_MODE) | KEY(R_SIGNALED),
    [KE_OBJ_SEMAPHORE] = KEY(R_INITIAL) | KEY(R_MAX),
    [KE_OBJ_MUTEX] = KEY(R_KERNEL),
    [KE_OBJ_TIMER] = KEY(R_DUE) | KEY(R_PERIOD) | KEY(R_MODE),
    [KE_OBJ_BARRIER] = KEY(R_COUNT),
    [KE_OBJ_SPINLOCK] = KEY(R_QUEUED),
    [KE_OBJ_ERESOURCE] = KEY(R_SSE),
};

/* Names listed in "unknown resource" messages before "...". */
#define LISTED_NAMES 8

const char *scn__type_name(enum ke_object_type t)
{
    return type_names[t] ? type_names[t] : "object";
}

/* `type:` of a resource. */
static int resource_type(struct scn__ctx *c, const struct scn__field *f,
                         enum ke_object_type *out)
{
    const char *names[NDECLARABLE];
    int i;
    for (i = 0; i < NDECLARABLE; i++)
        names[i] = type_names[declarable[i]];
    if (!f->val || scn__enum(c, f, names, NDECLARABLE, NULL, &i) < 0)
        return -1;
    *out = declarable[i];
    return 0;
}

static const char *article(const char *word)
{
    return strchr("aeiou", word[0]) ? "an" : "a";
}

/* "an event", "a mutex, spinlock or push_lock" */
static void types_text(unsigned types, char *buf, size_t size)
{
    int n = 0, seen = 0;
    size_t o = 0;
    for (int t = 0; t < KE_OBJ_TYPE_COUNT; t++)
        n += (types & SCN__TYPE(t)) != 0;
    buf[0] = '\0';
    for (int t = 0; t < KE_OBJ_TYPE_COUNT && o < size; t++) {
        if (!(types & SCN__TYPE(t)))
            continue;
        const char *sep = seen == 0 ? "" : seen == n - 1 ? " or " : ", ";
        const char *name = scn__type_name((enum ke_object_type)t);
        o += (size_t)snprintf(buf + o, size - o, "%s%s%s%s", seen ? "" : article(name),
                              seen ? "" : " ", sep, name);
        seen++;
    }
}

/* ===== one resource ===================================================== */

/* Report the keys given that `t` does not take, and forget them. */
static void inapplicable(struct scn__ctx *c, struct scn__field *f, enum ke_object_type t)
{
    char list[200] = "name, type";
    size_t o = strlen(list);
    for (int k = R_TYPE + 1; k < R_N; k++)
        if (type_keys[t] & KEY(k))
            o += (size_t)snprintf(list + o, sizeof list - o, ", %s", resource_keys[k].name);
    for (int k = R_TYPE + 1; k < R_N; k++) {
        if (!f[k].key || (type_keys[t] & KEY(k)))
            continue;
        scn__error(c, f[k].key, -1, "'%s' does not apply to %s %s (keys of %s %s: %s)",
                   f[k].name, article(type_names[t]), type_names[t], article(type_names[t]),
                   type_names[t], list);
        f[k].key = f[k].val = NULL;
    }
}

/* 0 <= initial <= max, max >= 1; max defaults to a nonzero initial (R5.3). */
static void semaphore(struct scn__ctx *c, const yaml_node_t *node, const struct scn__field *f,
                      struct ke_object_spec *o)
{
    uint64_t initial = 0, max = 0;
    int a = scn__uint(c, &f[R_INITIAL], 0, INT32_MAX, &initial);
    int b = scn__uint(c, &f[R_MAX], 1, INT32_MAX, &max);
    if (a < 0 || b < 0)
        return;
    if (!f[R_MAX].val && initial == 0) {
        scn__error(c, node, -1, "a semaphore needs 'max' (its limit), or an 'initial' count "
                   "of at least 1 that the limit defaults to");
        return;
    }
    if (!f[R_MAX].val)
        max = initial;
    else if (initial > max)
        scn__error(c, f[R_INITIAL].val, -1, "'initial' must be at most 'max' (%" PRIu64
                   "), got %" PRIu64, max, initial);
    o->initial = (int64_t)initial;
    o->limit = (int64_t)max;
}

/* Periodic (period, first expiry `due`, by default one period) or one-shot
 * (due only) (R5.5). */
static void timer(struct scn__ctx *c, const yaml_node_t *node, const struct scn__field *f,
                  struct ke_object_spec *o)
{
    sim_time_t period = 0, due = 0;
    int a = scn__duration(c, &f[R_PERIOD], true, &period);
    int b = scn__duration(c, &f[R_DUE], false, &due);
    if (a < 0 || b < 0)
        return;
    if (!f[R_PERIOD].val && !f[R_DUE].val) {
        scn__error(c, node, -1, "a timer needs 'period' (a periodic timer) or 'due' "
                   "(a one-shot timer), or both");
        return;
    }
    o->period = period;
    o->due = f[R_DUE].val ? due : period;
}

static void barrier(struct scn__ctx *c, const yaml_node_t *node, const struct scn__field *f,
                    struct ke_object_spec *o)
{
    int count = 0;
    if (!f[R_COUNT].val)
        scn__error(c, node, -1, "a barrier needs 'count' (the threads that meet at each phase)");
    else if (scn__int(c, &f[R_COUNT], 1, INT_MAX, &count) == 0)
        o->count = count;
}

/* The options of a resource of a known type (inapplicable keys removed). */
static void options(struct scn__ctx *c, const yaml_node_t *node, const struct scn__field *f,
                    struct ke_object_spec *o)
{
    static const char *const modes[] = {"synchronization", "notification"};
    int mode = 0;
    if (scn__enum(c, &f[R_MODE], modes, 2, NULL, &mode) == 0)
        o->notification = mode == 1;
    scn__bool(c, &f[R_SIGNALED], &o->signaled);
    scn__bool(c, &f[R_KERNEL], &o->kernel);
    scn__bool(c, &f[R_QUEUED], &o->queued);
    scn__bool(c, &f[R_SSE], &o->shared_starve_exclusive);
    if (o->type == KE_OBJ_SEMAPHORE)
        semaphore(c, node, f, o);
    else if (o->type == KE_OBJ_TIMER)
        timer(c, node, f, o);
    else if (o->type == KE_OBJ_BARRIER)
        barrier(c, node, f, o);
}

/* The name, kept as written even when it breaks the rules so that references
 * to it are not reported as well.  True when it is valid. */
static bool resource_name(struct scn__ctx *c, const struct scn__field *f,
                          struct ke_object_spec *o)
{
    if (scn__name(c, f, &o->name) == 0 && o->name)
        return true;
    const char *s = scn__scalar(f->val);
    if (s && !scn__is_null(f->val) && !(o->name = strdup(s)))
        scn__oom(c);
    return false;
}

/* Convert item i; *name_node gets its name's node when the name is valid. */
static void convert_resource(struct scn__ctx *c, const yaml_node_t *node, const char *label,
                             struct ps_workload *wl, int i, const yaml_node_t **name_node)
{
    struct ke_object_spec *o = &wl->objects[i];
    struct scn__field f[R_N];
    if (scn__fields(c, node, label, &resource_section, f) < 0) {
        c->resources_broken = true;
        return;
    }
    scn__src(c, node, &o->src);
    if (resource_name(c, &f[R_NAME], o))
        *name_node = f[R_NAME].val;
    if (!o->name)
        c->resources_broken = true; /* nameless: nothing to match references against */
    if (resource_type(c, &f[R_TYPE], &o->type) < 0)
        return;
    c->type_known[i] = true;
    inapplicable(c, f, o->type);
    options(c, node, f, o);
}

/* ===== the index by name ================================================ */

/* Sort the named objects and report duplicate valid names; `name_nodes[i]`
 * is NULL for an object whose name is in error. */
static void index_names(struct scn__ctx *c, const struct ps_workload *wl,
                        const yaml_node_t *const *name_nodes)
{
    size_t n = wl->nobjects > 0 ? (size_t)wl->nobjects : 1;
    if (!(c->by_name = malloc(n * sizeof *c->by_name))) {
        scn__oom(c);
        return;
    }
    for (int i = 0; i < wl->nobjects; i++)
        if (wl->objects[i].name)
            c->by_name[c->nnamed++] = (struct scn__named){wl->objects[i].name, i};
    scn__named_sort(c->by_name, c->nnamed);
    for (int k = 1, first = 0; k < c->nnamed; k++) {
        if (strcmp(c->by_name[k].name, c->by_name[first].name)) {
            first = k;
            continue;
        }
        int i = c->by_name[k].index;
        if (name_nodes[i] && name_nodes[c->by_name[first].index])
            scn__error(c, name_nodes[i], -1, "duplicate resource name '%s' (first at line %d)",
                       wl->objects[i].name, wl->objects[c->by_name[first].index].src.line);
    }
}

/* ===== the section and references ======================================= */

int scn__resources(struct scn__ctx *c, const struct scn__field *f, struct ps_workload *wl)
{
    if (!f->val || scn__is_null(f->val))
        return 0;
    if (f->val->type != YAML_SEQUENCE_NODE) {
        scn__type_error(c, f, "a list of resources");
        c->resources_broken = true;
        return -1;
    }
    const yaml_node_item_t *it = f->val->data.sequence.items.start;
    int n = (int)(f->val->data.sequence.items.top - it);
    if (n == 0)
        return 0;
    const yaml_node_t **name_nodes = calloc((size_t)n, sizeof *name_nodes);
    wl->objects = calloc((size_t)n, sizeof *wl->objects);
    c->type_known = calloc((size_t)n, sizeof *c->type_known);
    if (!name_nodes || !wl->objects || !c->type_known) {
        free(name_nodes);
        scn__oom(c);
        return -1;
    }
    wl->nobjects = n;
    c->objects = wl->objects;
    c->nobjects = n;
    for (int i = 0; i < n && !scn__enough(c); i++) {
        char label[48];
        snprintf(label, sizeof label, "resources[%d]", i);
        convert_resource(c, scn__node(c, it[i]), label, wl, i, &name_nodes[i]);
    }
    index_names(c, wl, name_nodes);
    free(name_nodes);
    return 0;
}

void scn__resources_done(struct scn__ctx *c)
{
    free(c->by_name);
    free(c->type_known);
    c->by_name = NULL;
    c->type_known = NULL;
    c->nnamed = 0;
}

static void unknown_resource(struct scn__ctx *c, const yaml_node_t *n, const char *name)
{
    char list[400] = "", shown[72];
    size_t o = 0;
    int listed = 0;
    for (int i = 0; i < c->nobjects && o < sizeof list; i++) {
        if (!c->objects[i].name)
            continue;
        if (listed++ == LISTED_NAMES) {
            o += (size_t)snprintf(list + o, sizeof list - o, ", ...");
            break;
        }
        char one[72];
        scn__sanitize(c->objects[i].name, one, sizeof one);
        o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", listed > 1 ? ", " : "", one);
    }
    scn__sanitize(name, shown, sizeof shown);
    if (listed)
        scn__error(c, n, -1, "unknown resource '%s' (declared resources: %s)", shown, list);
    else
        scn__error(c, n, -1, "unknown resource '%s' (the scenario declares no resources)",
                   shown);
}

int scn__resource(struct scn__ctx *c, const struct scn__field *f)
{
    const char *s = scn__scalar(f->val);
    if (!s || scn__is_null(f->val)) {
        scn__type_error(c, f, "a resource name");
        return -1;
    }
    int i = scn__named_find(c->by_name, c->nnamed, s);
    if (i < 0 && !c->resources_broken)
        unknown_resource(c, f->val, s);
    return i >= 0 && c->type_known[i] ? i : -1;
}

int scn__resource_is(struct scn__ctx *c, const yaml_node_t *n, int i, unsigned types,
                     const char *role)
{
    enum ke_object_type t = c->objects[i].type;
    if (types & SCN__TYPE(t))
        return 0;
    char want[200], name[72];
    types_text(types, want, sizeof want);
    scn__sanitize(c->objects[i].name, name, sizeof name);
    scn__error(c, n, -1, "'%s' needs %s, but '%s' is %s %s (line %d)", role, want, name,
               article(scn__type_name(t)), scn__type_name(t), c->objects[i].src.line);
    return -1;
}
