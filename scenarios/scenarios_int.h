/* scenarios/scenarios_int.h - internals shared by the scenario loader's files (layer: scenarios).
 *
 * The loader is split by concern: yaml_tree.c (reading, YAML parsing, error
 * collection, node helpers and the table-driven key check), values.c (typed
 * scalars: integers, durations, names, CPU sets, ...), override.c (`--set`
 * applied to the document tree), load.c (scn_load, top level and machine),
 * resources.c (dispatcher objects and locks, and references to them by
 * name), process.c (processes and threads), ops.c (thread programs: the
 * table of operations) and sync.c (the operations on resources, and io).
 *
 * Error model: every problem is recorded with its position (scn__error*) and
 * conversion goes on, so one run reports every independent mistake.  The
 * messages are sorted by position and at most SCN__MAX_PRINTED of them are
 * printed when the load ends; any message makes the whole load fail.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef PSSIM_SCENARIOS_INT_H
#define PSSIM_SCENARIOS_INT_H

#ifndef SCENARIOS_INTERNAL
#error "scenarios/scenarios_int.h is private to scenarios/"
#endif

#include <stdarg.h>
#include <stdbool.h>
#include <yaml.h>

#include "scenarios/scenarios.h"

#define SCN__MAX_PRINTED 20
/* Collected beyond the printed ones so that sorting can still surface the
 * earliest errors; past this the converters stop early. */
#define SCN__MAX_COLLECTED 100
/* Anchors and aliases can multiply a small file into a huge program (an
 * alias "bomb"): bound the operations of the whole scenario. */
#define SCN__MAX_OPS 100000
/* Bound on nesting when copying an override value (an anchor may refer to
 * itself, which would otherwise recurse forever). */
#define SCN__MAX_DEPTH 64
/* Scenario files are written by hand: a bigger one is a mistake (or
 * /dev/zero), and reading it whole would only exhaust memory. */
#define SCN__MAX_FILE_BYTES ((size_t)16 << 20)
/* Bound on the nesting of YAML collections (see check_depth in yaml_tree.c);
 * the deepest valid scenario, 16 nested loops, needs about 60. */
#define SCN__MAX_YAML_DEPTH 100
/* Longest entity name (see scn__name). */
#define SCN__MAX_NAME 128

/* A named spec as programs look it up: a declared resource, a process. */
struct scn__named {
    const char *name; /* the spec's name */
    int index;        /* in ps_workload.objects, .processes */
};

struct scn__diag {
    int line, col; /* 0 for messages without a file position (they sort first) */
    size_t seq;    /* keeps equal positions in the order they were found */
    char *text;    /* the whole line, without '\n' */
};

/* A set of names with the line each was first seen at (names.c). */
struct scn__names {
    struct scn__name_slot {
        const char *name; /* not owned: must outlive the set */
        int line;
    } *slots;
    size_t n, cap;
};

struct scn__ctx {
    const char *path;          /* the scenario's path: messages, ke_src.file */
    char *basedir;             /* its directory, for empirical(file.csv) */
    FILE *errfp;
    unsigned char *text;       /* the file's bytes */
    size_t len;
    yaml_document_t doc;
    bool have_doc;
    const struct scn_override *ov;
    size_t nov;
    int *ov_first, *ov_last;   /* node ids [first, last) each override added */
    struct scn__diag *diags;
    size_t ndiags, cap;
    bool oom;
    int cpus;                  /* machine.cpus when valid, 0 when in error */
    long ops;                  /* program operations converted so far */
    /* resources, converted before the processes so that programs can name them */
    const struct ke_object_spec *objects;
    int nobjects;
    struct scn__named *by_name; /* sorted by (name, index) */
    int nnamed;
    bool *type_known;          /* per object: references can be checked against it */
    bool resources_broken;     /* the section is unusable: references are not checked */
    struct scn__names process_names, thread_names; /* duplicate checks (process.c) */
    int proc_class;            /* class of the process whose threads are converted, -1 when
                                * in error (process.c; set_priority's signed values) */
    const yaml_node_t *wsl_lock; /* machine.costs.syscall.wsl_lock when true (costs.c) */
};

/* ---- errors (yaml_tree.c) ---- */

/* An error about node `n`.  `offset` >= 0 is a character offset inside the
 * scalar's text (added to its column); -1 means the node itself.  A node that
 * came from a `--set` value is reported as "--set KEY=VALUE: error: ...". */
void scn__error(struct scn__ctx *c, const yaml_node_t *n, int offset, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void scn__error_mark(struct scn__ctx *c, yaml_mark_t m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "HEAD: error: MESSAGE", for errors without a position in the file. */
void scn__error_head(struct scn__ctx *c, const char *head, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void scn__oom(struct scn__ctx *c);
/* True once enough errors are collected (or memory ran out): stop converting. */
bool scn__enough(const struct scn__ctx *c);
/* Sort, print at most SCN__MAX_PRINTED lines, free them; returns how many
 * errors there were. */
size_t scn__flush(struct scn__ctx *c);
/* "--set KEY=VALUE" with control characters escaped, for message heads. */
void scn__override_head(const struct scn_override *o, char *buf, size_t size);

/* ---- reading and parsing (yaml_tree.c) ---- */

int scn__read_file(struct scn__ctx *c);
int scn__read_buffer(struct scn__ctx *c, const void *text, size_t len);
/* Parse c->text into c->doc; the root must be a mapping.  0 or -1. */
int scn__parse(struct scn__ctx *c);
/* Message and position of a libyaml failure; `text` is the parsed input
 * (reader errors carry only a byte offset into it).  True when the failure
 * is running out of memory (then there is no position). */
bool scn__yaml_problem(const yaml_parser_t *p, const unsigned char *text, size_t len,
                       char *msg, size_t size, yaml_mark_t *mark);

/* ---- nodes (yaml_tree.c) ---- */

yaml_node_t *scn__node(struct scn__ctx *c, int id);
int scn__node_id(struct scn__ctx *c, const yaml_node_t *n);
/* The text of a scalar, NULL for anything else. */
const char *scn__scalar(const yaml_node_t *n);
bool scn__is_null(const yaml_node_t *n); /* absent, empty, ~ or null */
/* "a mapping", "a list", "nothing" or the quoted scalar, for "got ..." */
void scn__describe(const yaml_node_t *n, char *buf, size_t size);
/* `s` shortened to fit `size` ("..." marks a cut) and with control
 * characters escaped, so that a message stays one line. */
void scn__sanitize(const char *s, char *buf, size_t size);
void scn__src(const struct scn__ctx *c, const yaml_node_t *n, struct ke_src *src);

/* ---- table-driven keys (yaml_tree.c) ---- */

enum { SCN__REQUIRED = 1, SCN__RESERVED = 2 /* planned: "not supported yet" */ };

struct scn__key {
    const char *name;
    unsigned flags;
};

struct scn__section {
    const char *where; /* "machine", "process", ... in messages */
    const struct scn__key *keys;
    int nkeys;
};

#define SCN__SECTION(where, keys) {(where), (keys), (int)(sizeof(keys) / sizeof((keys)[0]))}

/* A key of a mapping: `val` NULL when absent.  `name` is the table's name (or
 * a label such as "affinity[2]" for a list item), used in messages. */
struct scn__field {
    const yaml_node_t *key, *val;
    const char *name;
};

/* Check mapping `map` against `s`: reports a non-mapping (as the value of
 * `what`), non-scalar, unknown, reserved, duplicate and missing required
 * keys; fills f[0..s->nkeys).  0, or -1 if `map` is not a mapping. */
int scn__fields(struct scn__ctx *c, const yaml_node_t *map, const char *what,
                const struct scn__section *s, struct scn__field *f);
/* Report "expected EXPECTED for 'NAME', got ...". */
void scn__type_error(struct scn__ctx *c, const struct scn__field *f, const char *expected);

/* ---- typed values (values.c) ----
 * Each converts f->val when present and returns 0, leaves `out` alone and
 * returns 0 when the key is absent, or reports and returns -1. */

int scn__uint(struct scn__ctx *c, const struct scn__field *f, uint64_t min, uint64_t max,
              uint64_t *out);
int scn__int(struct scn__ctx *c, const struct scn__field *f, int min, int max, int *out);
/* N >= 1 or `forever` (KE_LOOP_FOREVER). */
int scn__count(struct scn__ctx *c, const struct scn__field *f, int64_t *out);
int scn__bool(struct scn__ctx *c, const struct scn__field *f, bool *out);
/* One of names[0..n); `more` (may be NULL) completes the expected list. */
int scn__enum(struct scn__ctx *c, const struct scn__field *f, const char *const *names, int n,
              const char *more, int *out);
/* A duration with unit; `positive` refuses 0 (negative ones always fail). */
int scn__duration(struct scn__ctx *c, const struct scn__field *f, bool positive,
                  sim_time_t *out);
int scn__dist(struct scn__ctx *c, const struct scn__field *f, struct sim_dist *out);
/* A name for entities: letters, digits, '_', '-', '.'; *out is malloc'd. */
int scn__name(struct scn__ctx *c, const struct scn__field *f, char **out);
/* Any non-empty one-line text; *out is malloc'd. */
int scn__text(struct scn__ctx *c, const struct scn__field *f, char **out);
/* A CPU set within the machine's processors. */
int scn__cpuset(struct scn__ctx *c, const struct scn__field *f, uint64_t *out);
/* "0-1,4" */
void scn__cpuset_text(uint64_t mask, char *buf, size_t size);

/* ---- resources (resources.c) ---- */

#define SCN__TYPE(t) (1u << (t))
/* Objects a thread can wait on (R5.7), locks it can acquire (R5.4, R6). */
#define SCN__WAITABLE (SCN__TYPE(KE_OBJ_EVENT) | SCN__TYPE(KE_OBJ_SEMAPHORE) | \
                       SCN__TYPE(KE_OBJ_MUTEX) | SCN__TYPE(KE_OBJ_TIMER))
#define SCN__SLEEP_LOCKS (SCN__TYPE(KE_OBJ_MUTEX) | SCN__TYPE(KE_OBJ_FAST_MUTEX) | \
                          SCN__TYPE(KE_OBJ_GUARDED_MUTEX) | SCN__TYPE(KE_OBJ_ERESOURCE) | \
                          SCN__TYPE(KE_OBJ_PUSH_LOCK))
#define SCN__LOCKS (SCN__SLEEP_LOCKS | SCN__TYPE(KE_OBJ_SPINLOCK))
#define SCN__SHARED_LOCKS (SCN__TYPE(KE_OBJ_ERESOURCE) | SCN__TYPE(KE_OBJ_PUSH_LOCK))
/* Priority increments of set, pulse and io (R3.2, R3.3) stay within the levels. */
#define SCN__MAX_INCREMENT (KE_PRIORITY_LEVELS - 1)

/* Convert `resources:` into wl->objects and index them in `c`. */
int scn__resources(struct scn__ctx *c, const struct scn__field *f, struct ps_workload *wl);
void scn__resources_done(struct scn__ctx *c); /* frees the index */
const char *scn__type_name(enum ke_object_type t);
/* The resource named by scalar `n` (f->name says what it is, for messages):
 * its index, or -1, reported unless its declaration was already in error. */
int scn__resource(struct scn__ctx *c, const struct scn__field *f);
/* Object `i`, named at `n`, is one of `types`, else report "'ROLE' needs
 * ..., but 'x' is ..." and return -1. */
int scn__resource_is(struct scn__ctx *c, const yaml_node_t *n, int i, unsigned types,
                     const char *role);

/* ---- conversion (process.c, ops.c, sync.c, override.c) ---- */

int scn__processes(struct scn__ctx *c, const struct scn__field *f, struct ps_workload *wl);
/* Append the operations of list f->val to `p`; `depth` = enclosing blocks. */
int scn__program(struct scn__ctx *c, const struct scn__field *f, struct ke_program *p,
                 int depth);
void scn__apply_overrides(struct scn__ctx *c);
/* Add `name` first seen at `line` (> 0): 0 when new, the line of its first
 * occurrence when already there, -1 when out of memory (names.c). */
int scn__names_add(struct scn__names *s, const char *name, int line);
void scn__names_clear(struct scn__names *s);
/* machine.limits (limits.c), and the process counts that break them. */
void scn__limits(struct scn__ctx *c, const struct scn__field *f, struct ke_limits *out);
void scn__check_counts(struct scn__ctx *c, const struct ps_workload *wl);
/* The document as canonical JSON (params.c), malloc'd; 0, or -1 after
 * reporting. */
int scn__params_json(struct scn__ctx *c, char **out);

/* An operation as written: `key` is where it is (its name), `arg` its value
 * (NULL for a bare word). */
struct scn__op_ref {
    const yaml_node_t *key, *arg;
    const char *name;
};

/* What an operation on one object takes: `NAME` or {object: NAME, OPTION: V}. */
enum scn__option { SCN__OPT_NONE, SCN__OPT_INT, SCN__OPT_MODE /* shared|exclusive */ };
struct scn__obj_rule {
    unsigned types;          /* SCN__TYPE bits of the objects it applies to */
    enum scn__option option;
    const char *option_name; /* the OPTION key */
    int64_t lo, hi;          /* SCN__OPT_INT: its range */
    int64_t arg;             /* ke_op.arg when the option is absent */
};

/* Each fills `op` (kind, src, object = lock = -1 already set) from r->arg,
 * which is not NULL; 0, or -1 after reporting.  Either way `op` may own
 * memory (dist, objects) that the caller frees if it does not keep it. */
int scn__object_op(struct scn__ctx *c, const struct scn__op_ref *r,
                   const struct scn__obj_rule *rule, struct ke_op *op);
int scn__wait_op(struct scn__ctx *c, const struct scn__op_ref *r, struct ke_op *op);
int scn__io_op(struct scn__ctx *c, const struct scn__op_ref *r, struct ke_op *op);

/* ---- the Ps layer and the machine's options ----
 * (costs.c, drivers.c, system.c, ps_ops.c, process.c, names.c) */

/* machine.costs into m->context_switch and m->costs; a `wsl_lock: true` is
 * remembered in c->wsl_lock for scn__pico_lock. */
void scn__costs(struct scn__ctx *c, const struct scn__field *f, struct ke_machine_config *m);
/* After every other section: declare the provider lock `lxcore` if asked. */
void scn__pico_lock(struct scn__ctx *c, struct ps_workload *wl);
/* `drivers:` into wl->drivers. */
void scn__drivers(struct scn__ctx *c, const struct scn__field *f, struct ps_workload *wl);
/* `system_threads:` as the process System, inserted first in wl->processes. */
void scn__system_threads(struct scn__ctx *c, const struct scn__field *f, struct ps_workload *wl);
/* The thread list f->val into p->threads, p's class and affinity being valid. */
void scn__threads(struct scn__ctx *c, const struct scn__field *f, struct ps_process_spec *p);
/* A relative thread priority: a name (KE_REL_*, R1.4) or, in a realtime
 * process, -7..+6 (R1.5); `expected` and `more` complete the messages. */
int scn__relative_priority(struct scn__ctx *c, const struct scn__field *f, const char *expected,
                           const char *more, int *out);
/* The Ps operations.  spawn and create_thread leave in op->target the id of
 * the YAML node naming their target until scn__resolve_targets replaces it
 * with a spec index, once every process (and System) is in place. */
int scn__spawn_op(struct scn__ctx *c, const struct scn__op_ref *r, struct ke_op *op);
int scn__create_thread_op(struct scn__ctx *c, const struct scn__op_ref *r, struct ke_op *op);
int scn__syscall_op(struct scn__ctx *c, const struct scn__op_ref *r, struct ke_op *op);
int scn__set_priority_op(struct scn__ctx *c, const struct scn__op_ref *r, struct ke_op *op);
void scn__resolve_targets(struct scn__ctx *c, struct ps_workload *wl);
/* Once every target is resolved: spawn cycles and straight-line self-deadlocks
 * (static_checks.c). */
void scn__static_checks(struct scn__ctx *c, const struct ps_workload *wl);
/* Sort n named entries for scn__named_find (by name, then index). */
void scn__named_sort(struct scn__named *v, int n);
/* The `index` of the first entry named `name` in sorted v[0..n), or -1. */
int scn__named_find(const struct scn__named *v, int n, const char *name);

#endif
