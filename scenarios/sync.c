/* scenarios/sync.c - program operations on resources, and io (layer: scenarios).
 *
 * Owns the conversion of the synchronization operations into ke_op: the ones
 * on one object (acquire, release, set, reset, pulse, release_semaphore,
 * wake, wake_all, barrier), whose differences are data in ops.c's table
 * (struct scn__obj_rule), `wait` in its forms (one object, any or all of a
 * list, a condition with its lock) and `io` with its device increments.
 *
 * Everything here is checked when the scenario loads, so that a mistake is
 * reported at its line and column rather than as a failure while running:
 * the types of the objects named, at most KE_MAX_WAIT_OBJECTS in a wait and
 * no object twice, increments within the priority range, and a semaphore
 * release that could never fit under the semaphore's limit.
 *
 * SPDX-License-Identifier: MIT
 */
#define SCENARIOS_INTERNAL
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/scenarios_int.h"

/* ===== one object ======================================================= */

/* The option of an object operation: an integer, or an ERESOURCE/push-lock
 * mode (R6.5, R6.6).  `i` is the object, or -1 when it is in error. */
static int option(struct scn__ctx *c, const struct scn__obj_rule *rule,
                  const struct scn__field *f, int i, struct ke_op *op)
{
    static const char *const modes[] = {"exclusive", "shared"};
    uint64_t v;
    int mode = 0;
    op->arg = rule->arg;
    if (!f->val)
        return 0;
    if (rule->option == SCN__OPT_MODE) {
        if (scn__enum(c, f, modes, 2, NULL, &mode) < 0)
            return -1;
        op->shared = mode == 1;
        return i >= 0 ? scn__resource_is(c, f->key, i, SCN__SHARED_LOCKS, f->name) : 0;
    }
    if (scn__uint(c, f, (uint64_t)rule->lo, (uint64_t)rule->hi, &v) < 0)
        return -1;
    op->arg = (int64_t)v;
    const struct ke_object_spec *o = i >= 0 ? &c->objects[i] : NULL;
    if (op->kind == KE_OP_RELEASE_SEMAPHORE && o && o->limit >= 1 && op->arg > o->limit) {
        char name[72];
        scn__sanitize(o->name, name, sizeof name);
        scn__error(c, f->val, -1, "'%s' %" PRId64 " exceeds the limit of semaphore '%s' "
                   "(max %" PRId64 "): the release would always fail (NT-SCHEDULER-SPEC R5.3)",
                   f->name, op->arg, name, o->limit);
        return -1;
    }
    return 0;
}

int scn__object_op(struct scn__ctx *c, const struct scn__op_ref *r,
                   const struct scn__obj_rule *rule, struct ke_op *op)
{
    const struct scn__key keys[2] = {{"object", SCN__REQUIRED}, {rule->option_name, 0}};
    const struct scn__section s = {r->name, keys, rule->option ? 2 : 1};
    struct scn__field f[2] = {{r->key, r->arg, r->name}, {NULL, NULL, rule->option_name}};
    if (r->arg->type == YAML_MAPPING_NODE && scn__fields(c, r->arg, r->name, &s, f) < 0)
        return -1;
    if (!f[0].val)
        return -1; /* reported missing */
    int i = scn__resource(c, &f[0]);
    int rc = i >= 0 ? scn__resource_is(c, f[0].val, i, rule->types, r->name) : -1;
    if (rc < 0)
        i = -1;
    op->object = i;
    if (option(c, rule, &f[1], i, op) < 0)
        rc = -1;
    return rc;
}

/* ===== wait ============================================================= */

enum { W_OBJECT, W_ANY, W_ALL, W_CONDITION, W_LOCK, W_TIMEOUT, W_N };
static const struct scn__key wait_keys[W_N] = {
    [W_OBJECT] = {"object", 0},
    [W_ANY] = {"any", 0},
    [W_ALL] = {"all", 0},
    [W_CONDITION] = {"condition", 0},
    [W_LOCK] = {"lock", 0},
    [W_TIMEOUT] = {"timeout", 0},
};
static const struct scn__section wait_section = SCN__SECTION("wait", wait_keys);

/* Add the object named by f->val to the wait's list; -1 after reporting. */
static int add_target(struct scn__ctx *c, const struct scn__field *f, struct ke_op *op)
{
    int i = scn__resource(c, f);
    op->objects[op->nobjects++] = i;
    if (i < 0)
        return -1;
    enum ke_object_type t = c->objects[i].type;
    char name[72];
    scn__sanitize(c->objects[i].name, name, sizeof name);
    if (t == KE_OBJ_CONDITION) {
        scn__error(c, f->val, -1, "cannot wait on condition '%s' alone: use "
                   "wait: {condition: %s, lock: LOCK}", name, name);
        return -1;
    }
    if (!(SCN__TYPE(t) & SCN__WAITABLE)) {
        scn__error(c, f->val, -1, "cannot wait on %s '%s': use %s", scn__type_name(t), name,
                   t == KE_OBJ_BARRIER ? "barrier" : "acquire");
        return -1;
    }
    for (uint32_t k = 0; k + 1 < op->nobjects; k++) {
        if (op->objects[k] == i) {
            scn__error(c, f->val, -1, "'%s' is named twice in this wait", name);
            return -1;
        }
    }
    return 0;
}

/* The objects of a wait: one name (`list` false) or a list of 1..64. */
static int targets(struct scn__ctx *c, const struct scn__field *f, bool list, struct ke_op *op)
{
    const yaml_node_item_t *it = list && f->val->type == YAML_SEQUENCE_NODE
                                     ? f->val->data.sequence.items.start : NULL;
    long n = it ? f->val->data.sequence.items.top - it : 1;
    if (list && !it) {
        scn__type_error(c, f, "a list of resource names");
        return -1;
    }
    if (n == 0) {
        scn__error(c, f->val, -1, "'%s' must list at least one object", f->name);
        return -1;
    }
    if (n > KE_MAX_WAIT_OBJECTS) {
        scn__error(c, f->val, -1, "a wait takes at most %d objects (MAXIMUM_WAIT_OBJECTS, "
                   "NT-SCHEDULER-SPEC R5.7), got %ld", KE_MAX_WAIT_OBJECTS, n);
        return -1;
    }
    if (!(op->objects = malloc((size_t)n * sizeof *op->objects))) {
        scn__oom(c);
        return -1;
    }
    int rc = 0;
    for (long k = 0; k < n; k++) {
        char label[48];
        snprintf(label, sizeof label, "%s[%ld]", f->name, k);
        struct scn__field item = {NULL, it ? scn__node(c, it[k]) : f->val, it ? label : f->name};
        if (add_target(c, &item, op) < 0)
            rc = -1;
    }
    op->object = n == 1 ? op->objects[0] : -1;
    return rc;
}

/* wait: {condition: CV, lock: L}: a CONDITION_VARIABLE sleep that releases
 * and retakes L. */
static int cond_wait(struct scn__ctx *c, const struct scn__field *f, struct ke_op *op)
{
    op->kind = KE_OP_COND_WAIT;
    int cv = scn__resource(c, &f[W_CONDITION]);
    int lock = scn__resource(c, &f[W_LOCK]);
    int rc = cv >= 0 && lock >= 0 ? 0 : -1;
    if (cv >= 0 && scn__resource_is(c, f[W_CONDITION].val, cv, SCN__TYPE(KE_OBJ_CONDITION),
                                    f[W_CONDITION].name) < 0)
        rc = -1;
    if (lock >= 0 &&
        scn__resource_is(c, f[W_LOCK].val, lock, SCN__SLEEP_LOCKS, f[W_LOCK].name) < 0)
        rc = -1;
    op->object = cv;
    op->lock = lock;
    return rc;
}

/* Which of object, any, all and condition the wait uses: exactly one, and
 * `lock` with condition only. */
static int wait_form(struct scn__ctx *c, const struct scn__op_ref *r, const struct scn__field *f)
{
    int which = -1;
    for (int k = W_OBJECT; k <= W_CONDITION; k++) {
        if (!f[k].key)
            continue;
        if (which >= 0) {
            scn__error(c, f[k].key, -1, "'%s' and '%s' cannot be used together in one wait",
                       f[which].name, f[k].name);
            return -1;
        }
        which = k;
    }
    if (which < 0)
        scn__error(c, r->arg, -1, "'wait' needs one of object, any, all or condition");
    else if (which != W_CONDITION && f[W_LOCK].key)
        scn__error(c, f[W_LOCK].key, -1, "'lock' goes with 'condition' only (the lock a "
                   "condition wait releases)");
    else if (which == W_CONDITION && !f[W_LOCK].key)
        scn__error(c, f[W_CONDITION].key, -1, "a wait on a condition needs 'lock' (the lock it "
                   "releases while waiting)");
    else
        return which;
    return -1;
}

int scn__wait_op(struct scn__ctx *c, const struct scn__op_ref *r, struct ke_op *op)
{
    if (r->arg->type != YAML_MAPPING_NODE) {
        struct scn__field f = {r->key, r->arg, r->name};
        return targets(c, &f, false, op);
    }
    struct scn__field f[W_N];
    if (scn__fields(c, r->arg, r->name, &wait_section, f) < 0)
        return -1;
    int which = wait_form(c, r, f);
    int rc = which < 0 ? -1
             : which == W_CONDITION ? cond_wait(c, f, op)
                                    : targets(c, &f[which], which != W_OBJECT, op);
    op->all = which == W_ALL;
    if (scn__dist(c, &f[W_TIMEOUT], &op->dist) < 0)
        rc = -1;
    op->has_timeout = f[W_TIMEOUT].val != NULL;
    return rc;
}

/* ===== io =============================================================== */

/* Device increments of R3.3 (IO_CD_ROM_INCREMENT, ...), and `gui`: input to
 * a window-owning thread, the GUI boost of R3.5. */
static const char *const device_names[] = {"cd_rom", "disk", "parallel", "video", "mailslot",
                                           "named_pipe", "network", "serial", "keyboard",
                                           "mouse", "sound", "gui"};
static const int device_increments[] = {1, 1, 1, 1, 2, 2, 2, 2, 6, 6, 8, 2};
#define NDEVICES ((int)(sizeof device_names / sizeof device_names[0]))
#define DEFAULT_DEVICE 1 /* disk */

enum { I_TIME, I_DEVICE, I_INCREMENT, I_N };
static const struct scn__key io_keys[I_N] = {
    [I_TIME] = {"time", SCN__REQUIRED},
    [I_DEVICE] = {"device", 0},
    [I_INCREMENT] = {"increment", 0},
};
static const struct scn__section io_section = SCN__SECTION("io", io_keys);

int scn__io_op(struct scn__ctx *c, const struct scn__op_ref *r, struct ke_op *op)
{
    op->arg = device_increments[DEFAULT_DEVICE];
    if (r->arg->type != YAML_MAPPING_NODE) {
        struct scn__field f = {r->key, r->arg, r->name};
        return scn__dist(c, &f, &op->dist);
    }
    struct scn__field f[I_N];
    int device = DEFAULT_DEVICE, increment = 0;
    if (scn__fields(c, r->arg, r->name, &io_section, f) < 0)
        return -1;
    int rc = f[I_TIME].val && scn__dist(c, &f[I_TIME], &op->dist) == 0 ? 0 : -1;
    if (f[I_DEVICE].key && f[I_INCREMENT].key) {
        scn__error(c, f[I_INCREMENT].key, -1, "'device' and 'increment' cannot be used "
                   "together in io (a device stands for its increment)");
        return -1;
    }
    if (scn__enum(c, &f[I_DEVICE], device_names, NDEVICES, NULL, &device) < 0 ||
        scn__int(c, &f[I_INCREMENT], 0, SCN__MAX_INCREMENT, &increment) < 0)
        return -1;
    op->arg = f[I_INCREMENT].val ? increment : device_increments[device];
    return rc;
}
