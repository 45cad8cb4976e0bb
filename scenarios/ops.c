/* scenarios/ops.c - thread programs: operation lists into ke_program (layer: scenarios).
 *
 * Owns the table of program operations and their conversion into the
 * flattened `struct ke_program` of models/ (an opener, its body, an END).
 * The operations on resources are converted by sync.c; what tells them apart
 * (the object types they take, their option) is data in this table.
 * The Ps operations (spawn, create_thread, syscall) and set_priority are
 * converted by ps_ops.c.
 * An operation planned for a later version can be listed as ARG_PLANNED, so
 * that using one is reported as "not supported yet" rather than as a
 * misspelling.
 *
 * Programs are the only recursive part of the format: nesting is bounded by
 * KE_MAX_NESTING, and the number of operations by SCN__MAX_OPS, because YAML
 * aliases can make a small file describe an exponentially large program.
 *
 * SPDX-License-Identifier: MIT
 */
#define SCENARIOS_INTERNAL
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/scenarios_int.h"

enum op_arg {
    ARG_NONE,     /* yield, exit: a bare word, or a null / {} value */
    ARG_DIST,     /* run, sleep: a duration or distribution */
    ARG_LOOP,     /* {count: N|forever, do: [...]} */
    ARG_PERIODIC, /* {period: T, do: [...]} */
    ARG_OBJECT,   /* NAME or {object: NAME, OPTION: V}: scn__object_op */
    ARG_WAIT,     /* scn__wait_op */
    ARG_IO,       /* scn__io_op */
    ARG_SPAWN,    /* scn__spawn_op, and the next three: ps_ops.c */
    ARG_CREATE_THREAD,
    ARG_SYSCALL,
    ARG_SET_PRIORITY,
    ARG_PLANNED,  /* a later version's operation */
};

struct op_def {
    const char *name;
    enum op_arg arg;
    enum ke_op_kind kind; /* unused for ARG_PLANNED */
    const char *example; /* of its value, for "needs a value" */
    struct scn__obj_rule rule; /* ARG_OBJECT */
};

#define T(type) SCN__TYPE(KE_OBJ_##type)
/* an object operation without an option, and the ke_op.arg it gives */
#define PLAIN(types, arg) {(types), SCN__OPT_NONE, NULL, 0, 0, (arg)}
/* with an integer option lo..hi, `def` when absent */
#define WITH_INT(types, name, lo, hi, def) {(types), SCN__OPT_INT, (name), (lo), (hi), (def)}
/* set, pulse: EVENT_INCREMENT 1 by default (R3.3) */
#define INCREMENTED(types) WITH_INT((types), "increment", 0, SCN__MAX_INCREMENT, 1)

static const struct op_def op_defs[] = {
    {"run", ARG_DIST, KE_OP_RUN, "run: 2ms", {0}},
    {"sleep", ARG_DIST, KE_OP_SLEEP, "sleep: exp(10ms)", {0}},
    {"yield", ARG_NONE, KE_OP_YIELD, NULL, {0}},
    {"exit", ARG_NONE, KE_OP_EXIT, NULL, {0}},
    {"loop", ARG_LOOP, KE_OP_LOOP, "loop: {count: 10, do: [...]}", {0}},
    {"periodic", ARG_PERIODIC, KE_OP_PERIODIC, "periodic: {period: 10ms, do: [...]}", {0}},
    {"acquire", ARG_OBJECT, KE_OP_ACQUIRE, "acquire: dblock",
     {SCN__LOCKS, SCN__OPT_MODE, "mode", 0, 0, 0}},
    {"release", ARG_OBJECT, KE_OP_RELEASE, "release: dblock", PLAIN(SCN__LOCKS, 0)},
    {"wait", ARG_WAIT, KE_OP_WAIT, "wait: work", {0}},
    {"set", ARG_OBJECT, KE_OP_SET, "set: work", INCREMENTED(T(EVENT))},
    {"reset", ARG_OBJECT, KE_OP_RESET, "reset: work", PLAIN(T(EVENT), 0)},
    {"pulse", ARG_OBJECT, KE_OP_PULSE, "pulse: work", INCREMENTED(T(EVENT))},
    {"release_semaphore", ARG_OBJECT, KE_OP_RELEASE_SEMAPHORE, "release_semaphore: slots",
     WITH_INT(T(SEMAPHORE), "count", 1, INT32_MAX, 1)},
    {"io", ARG_IO, KE_OP_IO, "io: exp(5ms)", {0}},
    {"wake", ARG_OBJECT, KE_OP_WAKE, "wake: cv", PLAIN(T(CONDITION), 0)},
    {"wake_all", ARG_OBJECT, KE_OP_WAKE, "wake_all: cv", PLAIN(T(CONDITION), 1)},
    {"barrier", ARG_OBJECT, KE_OP_BARRIER, "barrier: phase", PLAIN(T(BARRIER), 0)},
    {"syscall", ARG_SYSCALL, KE_OP_SYSCALL, "syscall: {count: 100, cost: 5us}", {0}},
    {"spawn", ARG_SPAWN, KE_OP_SPAWN, "spawn: gcc", {0}},
    {"create_thread", ARG_CREATE_THREAD, KE_OP_CREATE_THREAD, "create_thread: worker", {0}},
    {"set_priority", ARG_SET_PRIORITY, KE_OP_SET_PRIORITY, "set_priority: highest", {0}},
};
#define NOPS ((int)(sizeof op_defs / sizeof op_defs[0]))

/* loop and periodic share one layout: their parameter, then the body */
enum { B_PARAM, B_DO, B_N };
static const struct scn__key loop_keys[B_N] = {
    [B_PARAM] = {"count", SCN__REQUIRED},
    [B_DO] = {"do", SCN__REQUIRED},
};
static const struct scn__key periodic_keys[B_N] = {
    [B_PARAM] = {"period", SCN__REQUIRED},
    [B_DO] = {"do", SCN__REQUIRED},
};
static const struct scn__section loop_section = SCN__SECTION("loop", loop_keys);
static const struct scn__section periodic_section = SCN__SECTION("periodic", periodic_keys);

/* Reserve room for one more operation of the scenario. */
static bool budget(struct scn__ctx *c, const yaml_node_t *at)
{
    if (c->ops++ < SCN__MAX_OPS)
        return true;
    if (c->ops == SCN__MAX_OPS + 1)
        scn__error(c, at, -1, "the scenario has more than %d program operations", SCN__MAX_OPS);
    return false;
}

static int append(struct scn__ctx *c, const yaml_node_t *at, struct ke_program *p,
                  const struct ke_op *op)
{
    if (!budget(c, at))
        return -1;
    int i = ke_program_append(p, op);
    if (i < 0)
        scn__oom(c);
    return i;
}

/* A list item as an operation: a bare word or a one-key mapping. */
static int op_shape(struct scn__ctx *c, const yaml_node_t *item, struct scn__op_ref *r)
{
    char got[120];
    if (item->type == YAML_SCALAR_NODE && !scn__is_null(item)) {
        *r = (struct scn__op_ref){item, NULL, scn__scalar(item)};
        return 0;
    }
    if (item->type == YAML_MAPPING_NODE) {
        const yaml_node_pair_t *pair = item->data.mapping.pairs.start;
        long n = item->data.mapping.pairs.top - pair;
        const yaml_node_t *key = n > 0 ? scn__node(c, pair[n > 1].key) : NULL;
        if (n == 1 && scn__scalar(key)) {
            *r = (struct scn__op_ref){key, scn__node(c, pair->value), scn__scalar(key)};
            return 0;
        }
        if (n > 1 && scn__scalar(key)) {
            scn__sanitize(scn__scalar(key), got, sizeof got);
            scn__error(c, key, -1, "expected one operation per list item, got %ld keys "
                       "(is a '-' missing before '%s'?)", n, got);
            return -1;
        }
    }
    scn__describe(item, got, sizeof got);
    scn__error(c, item, -1, "expected an operation such as 'run: 2ms' or 'exit', got %s", got);
    return -1;
}

static const struct op_def *find_op(struct scn__ctx *c, const struct scn__op_ref *r)
{
    char list[320] = "", name[72];
    size_t o = 0;
    for (int i = 0; i < NOPS; i++) {
        if (!strcmp(op_defs[i].name, r->name))
            return &op_defs[i];
        if (op_defs[i].arg != ARG_PLANNED && o < sizeof list)
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", o ? ", " : "",
                                  op_defs[i].name);
    }
    scn__sanitize(r->name, name, sizeof name);
    scn__error(c, r->key, -1, "unknown operation '%s' (expected %s)", name, list);
    return NULL;
}

/* A constant period: the release times of a periodic body are fixed. */
static int period(struct scn__ctx *c, const struct scn__field *f, struct sim_dist *out)
{
    const char *s = scn__scalar(f->val);
    if (s && strchr(s, '(')) {
        scn__error(c, f->val, -1, "'%s' must be a constant duration such as 10ms, "
                   "not a distribution", f->name);
        return -1;
    }
    sim_time_t v = 0;
    if (scn__duration(c, f, true, &v) < 0)
        return -1;
    *out = sim_dist_const(v);
    return 0;
}

/* loop / periodic: the opener, the body one level deeper, then its END. */
static int block_op(struct scn__ctx *c, const struct op_def *d, const struct scn__op_ref *r,
                    struct ke_op *op, struct ke_program *p, int depth)
{
    if (depth >= KE_MAX_NESTING) {
        scn__error(c, r->key, -1, "'%s' nested too deeply (at most %d levels of loop and "
                   "periodic)", d->name, KE_MAX_NESTING);
        return -1;
    }
    struct scn__field f[B_N];
    bool loop = d->arg == ARG_LOOP;
    if (scn__fields(c, r->arg, d->name, loop ? &loop_section : &periodic_section, f) < 0)
        return -1;
    int rc = f[B_PARAM].val && f[B_DO].val ? 0 : -1;
    if ((loop ? scn__count(c, &f[B_PARAM], &op->count) : period(c, &f[B_PARAM], &op->dist)) < 0)
        rc = -1;
    int at = append(c, r->key, p, op);
    if (at < 0)
        return -1;
    if (scn__program(c, &f[B_DO], p, depth + 1) < 0)
        rc = -1;
    if (!budget(c, r->key) || ke_program_close(p, (uint32_t)at, op->src) < 0) {
        if (c->ops <= SCN__MAX_OPS)
            scn__oom(c);
        return -1;
    }
    return rc;
}

/* yield, exit: nothing, null or {} */
static int no_value(struct scn__ctx *c, const struct op_def *d, const struct scn__op_ref *r)
{
    char got[120];
    if (!r->arg || scn__is_null(r->arg) ||
        (r->arg->type == YAML_MAPPING_NODE &&
         r->arg->data.mapping.pairs.top == r->arg->data.mapping.pairs.start))
        return 0;
    scn__describe(r->arg, got, sizeof got);
    scn__error(c, r->arg, -1, "'%s' takes no value, got %s", d->name, got);
    return -1;
}

/* The value of an operation that is not a block, into `op`. */
static int convert_value(struct scn__ctx *c, const struct op_def *d, const struct scn__op_ref *r,
                         struct ke_op *op)
{
    struct scn__field f = {r->key, r->arg, d->name};
    switch (d->arg) {
    case ARG_DIST:
        return scn__dist(c, &f, &op->dist);
    case ARG_OBJECT:
        return scn__object_op(c, r, &d->rule, op);
    case ARG_WAIT:
        return scn__wait_op(c, r, op);
    case ARG_IO:
        return scn__io_op(c, r, op);
    case ARG_SPAWN:
        return scn__spawn_op(c, r, op);
    case ARG_CREATE_THREAD:
        return scn__create_thread_op(c, r, op);
    case ARG_SYSCALL:
        return scn__syscall_op(c, r, op);
    case ARG_SET_PRIORITY:
        return scn__set_priority_op(c, r, op);
    default:
        return no_value(c, d, r);
    }
}

static void op_free(struct ke_op *op)
{
    sim_dist_free(&op->dist);
    free(op->objects);
}

static int convert_op(struct scn__ctx *c, const yaml_node_t *item, struct ke_program *p,
                      int depth)
{
    struct scn__op_ref r;
    const struct op_def *d;
    if (op_shape(c, item, &r) < 0 || !(d = find_op(c, &r)))
        return -1;
    if (d->arg == ARG_PLANNED) {
        scn__error(c, r.key, -1, "'%s' is not supported yet by this version of pssim", d->name);
        return -1;
    }
    if (!r.arg && d->example) {
        scn__error(c, r.key, -1, "'%s' needs a value, e.g. '%s'", d->name, d->example);
        return -1;
    }
    struct ke_op op;
    memset(&op, 0, sizeof op);
    op.kind = d->kind;
    op.object = op.lock = -1;
    scn__src(c, r.key, &op.src);
    if (d->arg == ARG_LOOP || d->arg == ARG_PERIODIC)
        return block_op(c, d, &r, &op, p, depth);
    if (convert_value(c, d, &r, &op) < 0 || append(c, r.key, p, &op) < 0) {
        op_free(&op);
        return -1;
    }
    return 0;
}

int scn__program(struct scn__ctx *c, const struct scn__field *f, struct ke_program *p,
                 int depth)
{
    if (!f->val)
        return 0; /* a required `program`/`do` was already reported missing */
    if (f->val->type != YAML_SEQUENCE_NODE) {
        scn__type_error(c, f, "a list of operations");
        return -1;
    }
    const yaml_node_item_t *it = f->val->data.sequence.items.start;
    long n = f->val->data.sequence.items.top - it;
    if (n == 0) {
        scn__error(c, f->val, -1, "'%s' must list at least one operation", f->name);
        return -1;
    }
    int rc = 0;
    for (long i = 0; i < n; i++) {
        if (scn__enough(c))
            return -1;
        if (convert_op(c, scn__node(c, it[i]), p, depth) < 0)
            rc = -1;
    }
    return rc;
}
