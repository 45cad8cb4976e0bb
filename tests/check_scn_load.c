/* tests/check_scn_load.c - tests of the scenario loader (layer: tests).
 *
 * Pins what scn_load() makes of a scenario: every field of a full scenario
 * (tests/data/scenarios/full.yaml), of one with every resource type and
 * synchronization operation (sync.yaml) and of a minimal one (the defaults),
 * `--set` overrides, the hash, and the exact first error line of each file of
 * the bad-input corpus tests/data/bad/NAME.yaml, stored in NAME.err without
 * the file's path (":LINE:COL: error: MESSAGE"; a line ending in "..." is
 * compared as a prefix, for lists that grow, such as the known policies).
 *
 * SPDX-License-Identifier: MIT
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenarios/scenarios.h"
#include "tests/check.h"

/* ===== helpers ========================================================== */

static void data_path(char *buf, size_t size, const char *rel)
{
    snprintf(buf, size, "%s/%s", pssim_test_data_dir(), rel);
}

/* scn_load with its error output captured in *err (malloc'd, never NULL). */
static int load(const char *path, const struct scn_override *ov, size_t nov,
                struct scn_scenario *s, char **err)
{
    size_t len;
    FILE *fp = open_memstream(err, &len);
    ck_assert_ptr_nonnull(fp);
    int rc = scn_load(path, ov, nov, s, fp);
    fclose(fp);
    return rc;
}

/* Load tests/data/REL, which must succeed. */
static void load_ok(const char *rel, const struct scn_override *ov, size_t nov,
                    struct scn_scenario *s)
{
    char path[4096], *err;
    data_path(path, sizeof path, rel);
    int rc = load(path, ov, nov, s, &err);
    ck_assert_msg(rc == 0, "%s failed:\n%s", rel, err);
    ck_assert_str_eq(err, "");
    free(err);
}

/* Load tests/data/REL, which must fail; returns the captured errors. */
static char *load_data_fails(const char *rel, const struct scn_override *ov, size_t nov)
{
    char path[4096], *err;
    struct scn_scenario s;
    data_path(path, sizeof path, rel);
    ck_assert_int_eq(load(path, ov, nov, &s, &err), -1);
    return err;
}

/* A scenario written to a fresh directory, for inline test cases. */
struct tmp_scenario {
    char dir[64], path[128];
};

static void tmp_write(struct tmp_scenario *t, const char *text)
{
    strcpy(t->dir, "/tmp/pssim-scn-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(t->dir));
    snprintf(t->path, sizeof t->path, "%s/t.yaml", t->dir);
    FILE *f = fopen(t->path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void tmp_remove(struct tmp_scenario *t)
{
    unlink(t->path);
    rmdir(t->dir);
}

/* Load `text`, which must succeed. */
static void load_text_ok(const char *text, struct scn_scenario *s)
{
    struct tmp_scenario t;
    char *err;
    tmp_write(&t, text);
    int rc = load(t.path, NULL, 0, s, &err);
    tmp_remove(&t);
    ck_assert_msg(rc == 0, "%s", err);
    free(err);
}

/* Load `text`, which must fail; returns the captured errors (free them). */
static char *load_text_fails(const char *text, const struct scn_override *ov, size_t nov)
{
    struct tmp_scenario t;
    struct scn_scenario s;
    char *err;
    tmp_write(&t, text);
    ck_assert_int_eq(load(t.path, ov, nov, &s, &err), -1);
    tmp_remove(&t);
    return err;
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static const struct ke_op *op(const struct scn_scenario *s, int p, int t, int i)
{
    return &s->wl.processes[p].threads[t].program.ops[i];
}

/* ===== the full scenario ================================================ */

START_TEST(test_load_full_header)
{
    struct scn_scenario s;
    load_ok("scenarios/full.yaml", NULL, 0, &s);
    ck_assert_str_eq(s.name, "full-scenario");
    ck_assert_uint_eq(s.seed, UINT64_MAX);
    ck_assert_int_eq(s.duration, 2500 * SIM_MS);
    ck_assert_uint_eq(strlen(s.hash), 16);
    ck_assert_uint_eq(strspn(s.hash, "0123456789abcdef"), 16);
    scn_free(&s);
}
END_TEST

START_TEST(test_load_full_machine)
{
    struct scn_scenario s;
    load_ok("scenarios/full.yaml", NULL, 0, &s);
    const struct ke_machine_config *m = &s.wl.machine;
    ck_assert_int_eq(m->cpus, 8);
    ck_assert_str_eq(m->policy, "fifo");
    ck_assert_int_eq(m->clock_tick, 10 * SIM_MS);
    ck_assert_int_eq(m->quantum, KE_QUANTUM_UNITS);
    ck_assert_int_eq(m->quantum_units, 9);
    ck_assert_int_eq(m->priority_separation, 1);
    ck_assert_int_eq(m->context_switch, 2 * SIM_US);
    scn_free(&s);
}
END_TEST

START_TEST(test_load_full_processes)
{
    struct scn_scenario s;
    load_ok("scenarios/full.yaml", NULL, 0, &s);
    ck_assert_int_eq(s.wl.nprocesses, 3);
    const struct ps_process_spec *e = &s.wl.processes[0], *b = &s.wl.processes[1],
                                 *g = &s.wl.processes[2];
    ck_assert_str_eq(e->name, "explorer");
    ck_assert_int_eq(e->subsystem, PS_SUBSYSTEM_WIN32);
    ck_assert_int_eq(e->priority_class, PS_CLASS_HIGH);
    ck_assert(e->foreground && !e->is_template && !e->has_arrivals);
    ck_assert_int_eq(e->count, 1);
    ck_assert_int_eq(e->start, SIM_MS);
    ck_assert_uint_eq(e->affinity, 0xF);
    ck_assert_int_eq(e->nthreads, 2);
    ck_assert_str_eq(b->name, "bash.sh_1");
    ck_assert_int_eq(b->subsystem, PS_SUBSYSTEM_WSL);
    ck_assert_int_eq(b->priority_class, PS_CLASS_REALTIME);
    ck_assert(b->has_arrivals && !b->foreground);
    ck_assert_int_eq(b->arrival_every.kind, SIM_DIST_EXP);
    ck_assert_double_eq(b->arrival_every.a, 50e6);
    ck_assert_int_eq(b->arrival_count, 64);
    ck_assert_uint_eq(b->affinity, 0xE5); /* 0,2,5-7 */
    ck_assert_str_eq(g->name, "gcc");
    ck_assert(g->is_template);
    ck_assert_int_eq(g->count, 2);
    ck_assert_uint_eq(g->affinity, 0);
    scn_free(&s);
}
END_TEST

START_TEST(test_load_full_threads)
{
    struct scn_scenario s;
    load_ok("scenarios/full.yaml", NULL, 0, &s);
    static const struct {
        int p, t;
        const char *name;
        int count;
        bool absolute;
        int priority;
        uint64_t affinity;
    } want[] = {
        {0, 0, "ui", 1, false, KE_REL_ABOVE_NORMAL, 0xA}, /* [1, 3] */
        {0, 1, "t1", 3, true, 15, 0},                     /* unnamed, index 1 */
        {1, 0, "t0", 1, false, 3, 0},                     /* realtime "+3" */
        {1, 1, "t1", 1, false, -7, 0x20},
        {2, 0, "main", 1, false, KE_REL_TIME_CRITICAL, 0}, /* a lone unnamed thread */
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const struct ps_thread_spec *t = &s.wl.processes[want[i].p].threads[want[i].t];
        ck_assert_str_eq(t->name, want[i].name);
        ck_assert_int_eq(t->count, want[i].count);
        ck_assert_int_eq(t->priority_absolute, want[i].absolute);
        ck_assert_int_eq(t->priority, want[i].priority);
        ck_assert_uint_eq(t->affinity, want[i].affinity);
    }
    scn_free(&s);
}
END_TEST

START_TEST(test_load_full_program_ops)
{
    struct scn_scenario s;
    load_ok("scenarios/full.yaml", NULL, 0, &s);
    static const struct {
        enum ke_op_kind kind;
        uint32_t match;
        int64_t count;
        enum sim_dist_kind dist;
        double a;
        int line, col;
    } want[] = {
        {KE_OP_RUN, 0, 0, SIM_DIST_EXP, 2e6, 26, 13},
        {KE_OP_SLEEP, 0, 0, SIM_DIST_CONST, 5e6, 27, 13},
        {KE_OP_YIELD, 0, 0, SIM_DIST_CONST, 0, 28, 13},   /* bare word */
        {KE_OP_YIELD, 0, 0, SIM_DIST_CONST, 0, 29, 13},   /* yield: {} */
        {KE_OP_YIELD, 0, 0, SIM_DIST_CONST, 0, 30, 13},   /* yield: null */
        {KE_OP_LOOP, 11, 10, SIM_DIST_CONST, 0, 31, 13},
        {KE_OP_RUN, 0, 0, SIM_DIST_UNIFORM, 1e6, 34, 19},
        {KE_OP_PERIODIC, 10, 0, SIM_DIST_CONST, 10e6, 35, 19},
        {KE_OP_RUN, 0, 0, SIM_DIST_CONST, 1e6, 35, 50},
        {KE_OP_EXIT, 0, 0, SIM_DIST_CONST, 0, 35, 61},
        {KE_OP_END, 7, 0, SIM_DIST_CONST, 0, 35, 19},     /* closes the periodic */
        {KE_OP_END, 5, 0, SIM_DIST_CONST, 0, 31, 13},     /* closes the loop */
        {KE_OP_EXIT, 0, 0, SIM_DIST_CONST, 0, 36, 13},
    };
    const size_t n = sizeof want / sizeof want[0];
    ck_assert_uint_eq(s.wl.processes[0].threads[0].program.n, n);
    for (size_t i = 0; i < n; i++) {
        const struct ke_op *o = op(&s, 0, 0, (int)i);
        ck_assert_msg(o->kind == want[i].kind, "op %zu: kind %d", i, o->kind);
        ck_assert_uint_eq(o->match, want[i].match);
        ck_assert_int_eq(o->count, want[i].count);
        ck_assert_int_eq(o->dist.kind, want[i].dist);
        ck_assert_double_eq(o->dist.a, want[i].a);
        ck_assert_int_eq(o->src.line, want[i].line);
        ck_assert_int_eq(o->src.col, want[i].col);
        ck_assert_ptr_eq(o->src.file, s.path);
    }
    ck_assert_double_eq(op(&s, 0, 0, 6)->dist.b, 3e6);
    ck_assert_int_eq(op(&s, 0, 1, 0)->count, KE_LOOP_FOREVER);
    scn_free(&s);
}
END_TEST

START_TEST(test_load_full_spec_positions)
{
    struct scn_scenario s;
    load_ok("scenarios/full.yaml", NULL, 0, &s);
    const struct ps_process_spec *e = &s.wl.processes[0];
    ck_assert_ptr_eq(e->src.file, s.path);
    ck_assert_int_eq(e->src.line, 15);
    ck_assert_int_eq(e->src.col, 5);
    ck_assert_int_eq(e->threads[0].src.line, 22);
    ck_assert_int_eq(e->threads[0].src.col, 9);
    ck_assert_int_eq(e->threads[1].src.line, 37);
    ck_assert_int_eq(s.wl.processes[1].src.line, 40);
    ck_assert_int_eq(s.wl.processes[2].threads[0].src.line, 58);
    scn_free(&s);
}
END_TEST

/* ===== defaults ========================================================= */

START_TEST(test_load_defaults_machine)
{
    struct scn_scenario s;
    struct ps_workload def;
    ps_workload_init(&def);
    load_ok("scenarios/minimal.yaml", NULL, 0, &s);
    const struct ke_machine_config *m = &s.wl.machine;
    ck_assert_int_eq(m->cpus, def.machine.cpus);
    ck_assert_str_eq(m->policy, def.machine.policy);
    ck_assert_int_eq(m->clock_tick, 15625 * SIM_US);
    ck_assert_int_eq(m->quantum, KE_QUANTUM_CLIENT);
    ck_assert_int_eq(m->priority_separation, def.machine.priority_separation);
    ck_assert_int_eq(m->context_switch, 0);
    scn_free(&s);
}
END_TEST

START_TEST(test_load_defaults_scenario)
{
    struct scn_scenario s;
    load_ok("scenarios/minimal.yaml", NULL, 0, &s);
    ck_assert_str_eq(s.name, "minimal"); /* the file name without extension */
    ck_assert_uint_eq(s.seed, 1);
    ck_assert_int_eq(s.duration, 10 * SIM_S);
    scn_free(&s);
}
END_TEST

START_TEST(test_load_defaults_process_and_thread)
{
    struct scn_scenario s;
    load_ok("scenarios/minimal.yaml", NULL, 0, &s);
    ck_assert_int_eq(s.wl.nprocesses, 1);
    const struct ps_process_spec *p = &s.wl.processes[0];
    ck_assert_int_eq(p->subsystem, PS_SUBSYSTEM_WIN32);
    ck_assert_int_eq(p->priority_class, PS_CLASS_NORMAL);
    ck_assert(!p->foreground && !p->is_template && !p->has_arrivals);
    ck_assert_int_eq(p->count, 1);
    ck_assert_int_eq(p->start, 0);
    ck_assert_uint_eq(p->affinity, 0);
    ck_assert_int_eq(p->nthreads, 1);
    const struct ps_thread_spec *t = &p->threads[0];
    ck_assert_str_eq(t->name, "main");
    ck_assert_int_eq(t->count, 1);
    ck_assert(!t->priority_absolute);
    ck_assert_int_eq(t->priority, KE_REL_NORMAL);
    ck_assert_uint_eq(t->affinity, 0);
    ck_assert_uint_eq(t->program.n, 1);
    scn_free(&s);
}
END_TEST

START_TEST(test_load_arrivals_default_forever)
{
    struct scn_scenario s;
    load_text_ok("processes:\n"
                 "  - name: a\n"
                 "    arrivals: {every: 5ms}\n"
                 "    threads: [{program: [exit]}]\n",
                 &s);
    ck_assert(s.wl.processes[0].has_arrivals);
    ck_assert_int_eq(s.wl.processes[0].arrival_count, KE_LOOP_FOREVER);
    scn_free(&s);
}
END_TEST

/* ===== resources and synchronization operations ========================= */

START_TEST(test_load_sync_resources)
{
    struct scn_scenario s;
    load_ok("scenarios/sync.yaml", NULL, 0, &s);
    static const struct {
        const char *name;
        enum ke_object_type type;
        bool notification, signaled, queued, kernel, sse;
        int64_t initial, limit, count;
        sim_time_t due, period;
    } want[] = {
        {"dblock", KE_OBJ_MUTEX, false, false, false, true, false, 0, 0, 0, 0, 0},
        {"work", KE_OBJ_EVENT, true, true, false, false, false, 0, 0, 0, 0, 0},
        {"slots", KE_OBJ_SEMAPHORE, false, false, false, false, false, 2, 4, 0, 0, 0},
        {"listlock", KE_OBJ_SPINLOCK, false, false, true, false, false, 0, 0, 0, 0, 0},
        {"fm", KE_OBJ_FAST_MUTEX, false, false, false, false, false, 0, 0, 0, 0, 0},
        {"gm", KE_OBJ_GUARDED_MUTEX, false, false, false, false, false, 0, 0, 0, 0, 0},
        {"cache", KE_OBJ_ERESOURCE, false, false, false, false, true, 0, 0, 0, 0, 0},
        {"pl", KE_OBJ_PUSH_LOCK, false, false, false, false, false, 0, 0, 0, 0, 0},
        {"tick", KE_OBJ_TIMER, true, false, false, false, false, 0, 0, 0, 5 * SIM_MS, 10 * SIM_MS},
        {"cv", KE_OBJ_CONDITION, false, false, false, false, false, 0, 0, 0, 0, 0},
        {"phase", KE_OBJ_BARRIER, false, false, false, false, false, 0, 0, 3, 0, 0},
    };
    const int n = (int)(sizeof want / sizeof want[0]);
    ck_assert_int_eq(s.wl.nobjects, n);
    for (int i = 0; i < n; i++) {
        const struct ke_object_spec *o = &s.wl.objects[i];
        ck_assert_str_eq(o->name, want[i].name);
        ck_assert_msg(o->type == want[i].type, "%s: type %d", o->name, o->type);
        ck_assert_int_eq(o->notification, want[i].notification);
        ck_assert_int_eq(o->signaled, want[i].signaled);
        ck_assert_int_eq(o->queued, want[i].queued);
        ck_assert_int_eq(o->kernel, want[i].kernel);
        ck_assert_int_eq(o->shared_starve_exclusive, want[i].sse);
        ck_assert_int_eq(o->initial, want[i].initial);
        ck_assert_int_eq(o->limit, want[i].limit);
        ck_assert_int_eq(o->count, want[i].count);
        ck_assert_int_eq(o->due, want[i].due);
        ck_assert_int_eq(o->period, want[i].period);
        ck_assert_ptr_eq(o->src.file, s.path);
        ck_assert_int_eq(o->src.line, 6 + i);
        ck_assert_int_eq(o->src.col, 5);
    }
    scn_free(&s);
}
END_TEST

/* Object indexes in tests/data/scenarios/sync.yaml */
enum { DBLOCK, WORK, SLOTS, LISTLOCK, FM, GM, CACHE, PL, TICK, CV, PHASE };

START_TEST(test_load_sync_program_ops)
{
    struct scn_scenario s;
    load_ok("scenarios/sync.yaml", NULL, 0, &s);
    static const struct {
        enum ke_op_kind kind;
        int32_t object, lock;
        uint32_t nobjects;
        int32_t objects[3];
        bool all, shared, has_timeout;
        enum sim_dist_kind dist;
        double a;
        int64_t arg;
    } want[] = {
        {KE_OP_ACQUIRE, DBLOCK, -1, 0, {0}, false, false, false, SIM_DIST_CONST, 0, 0},
        {KE_OP_RELEASE, DBLOCK, -1, 0, {0}, false, false, false, SIM_DIST_CONST, 0, 0},
        {KE_OP_ACQUIRE, CACHE, -1, 0, {0}, false, true, false, SIM_DIST_CONST, 0, 0},
        {KE_OP_ACQUIRE, PL, -1, 0, {0}, false, false, false, SIM_DIST_CONST, 0, 0},
        {KE_OP_ACQUIRE, LISTLOCK, -1, 0, {0}, false, false, false, SIM_DIST_CONST, 0, 0},
        {KE_OP_WAIT, WORK, -1, 1, {WORK}, false, false, false, SIM_DIST_CONST, 0, 0},
        {KE_OP_WAIT, SLOTS, -1, 1, {SLOTS}, false, false, true, SIM_DIST_CONST, 50e6, 0},
        {KE_OP_WAIT, -1, -1, 2, {WORK, TICK}, false, false, true, SIM_DIST_EXP, 2e6, 0},
        {KE_OP_WAIT, -1, -1, 3, {SLOTS, DBLOCK, TICK}, true, false, false, SIM_DIST_CONST, 0, 0},
        {KE_OP_COND_WAIT, CV, FM, 0, {0}, false, false, true, SIM_DIST_CONST, 1e9, 0},
        {KE_OP_SET, WORK, -1, 0, {0}, false, false, false, SIM_DIST_CONST, 0, 1},
        {KE_OP_SET, WORK, -1, 0, {0}, false, false, false, SIM_DIST_CONST, 0, 0},
        {KE_OP_PULSE, WORK, -1, 0, {0}, false, false, false, SIM_DIST_CONST, 0, 31},
        {KE_OP_RESET, WORK, -1, 0, {0}, false, false, false, SIM_DIST_CONST, 0, 0},
        {KE_OP_RELEASE_SEMAPHORE, SLOTS, -1, 0, {0}, false, false, false, SIM_DIST_CONST, 0, 1},
        {KE_OP_RELEASE_SEMAPHORE, SLOTS, -1, 0, {0}, false, false, false, SIM_DIST_CONST, 0, 4},
        {KE_OP_IO, -1, -1, 0, {0}, false, false, false, SIM_DIST_CONST, 3e6, 1},  /* disk */
        {KE_OP_IO, -1, -1, 0, {0}, false, false, false, SIM_DIST_EXP, 1e6, 6},    /* keyboard */
        {KE_OP_IO, -1, -1, 0, {0}, false, false, false, SIM_DIST_CONST, 1e6, 5},  /* increment */
        {KE_OP_WAKE, CV, -1, 0, {0}, false, false, false, SIM_DIST_CONST, 0, 0},
        {KE_OP_WAKE, CV, -1, 0, {0}, false, false, false, SIM_DIST_CONST, 0, 1},
        {KE_OP_BARRIER, PHASE, -1, 0, {0}, false, false, false, SIM_DIST_CONST, 0, 0},
        {KE_OP_COND_WAIT, CV, CACHE, 0, {0}, false, false, false, SIM_DIST_CONST, 0, 0},
        {KE_OP_RUN, -1, -1, 0, {0}, false, false, false, SIM_DIST_CONST, 1e6, 0},
    };
    const size_t n = sizeof want / sizeof want[0];
    ck_assert_uint_eq(s.wl.processes[0].threads[0].program.n, n);
    for (size_t i = 0; i < n; i++) {
        const struct ke_op *o = op(&s, 0, 0, (int)i);
        ck_assert_msg(o->kind == want[i].kind, "op %zu: kind %d", i, o->kind);
        ck_assert_msg(o->object == want[i].object, "op %zu: object %d", i, o->object);
        ck_assert_msg(o->lock == want[i].lock, "op %zu: lock %d", i, o->lock);
        ck_assert_uint_eq(o->nobjects, want[i].nobjects);
        for (uint32_t k = 0; k < o->nobjects; k++)
            ck_assert_int_eq(o->objects[k], want[i].objects[k]);
        if (!o->nobjects)
            ck_assert_ptr_null(o->objects);
        ck_assert_int_eq(o->all, want[i].all);
        ck_assert_int_eq(o->shared, want[i].shared);
        ck_assert_int_eq(o->has_timeout, want[i].has_timeout);
        ck_assert_int_eq(o->dist.kind, want[i].dist);
        ck_assert_double_eq(o->dist.a, want[i].a);
        ck_assert_msg(o->arg == want[i].arg, "op %zu: arg %lld", i, (long long)o->arg);
        ck_assert_int_eq(o->src.line, 24 + (int)i);
        ck_assert_int_eq(o->src.col, 13);
    }
    scn_free(&s);
}
END_TEST

START_TEST(test_load_sync_disable_boost)
{
    struct scn_scenario s;
    load_ok("scenarios/sync.yaml", NULL, 0, &s);
    ck_assert(s.wl.processes[0].disable_boost);
    ck_assert(s.wl.processes[0].threads[0].disable_boost);
    scn_free(&s);
}
END_TEST

START_TEST(test_load_sync_resources_after_processes)
{
    /* programs name resources declared further down the file */
    struct scn_scenario s;
    load_text_ok("processes:\n"
                 "  - name: p\n"
                 "    threads: [{program: [{acquire: m}, {release: m}]}]\n"
                 "resources: [{name: m, type: mutex}]\n",
                 &s);
    ck_assert_int_eq(op(&s, 0, 0, 0)->object, 0);
    ck_assert_int_eq(op(&s, 0, 0, 1)->object, 0);
    scn_free(&s);
}
END_TEST

START_TEST(test_load_defaults_resources)
{
    struct scn_scenario s;
    load_text_ok("resources:\n"
                 "  - {name: m, type: mutex}\n"
                 "  - {name: e, type: event}\n"
                 "  - {name: s, type: semaphore, initial: 3}\n"
                 "  - {name: l, type: spinlock}\n"
                 "  - {name: r, type: eresource}\n"
                 "  - {name: t, type: timer, period: 10ms}\n"
                 "  - {name: once, type: timer, due: 7ms}\n"
                 "processes: [{name: p, threads: [{program: [exit]}]}]\n",
                 &s);
    const struct ke_object_spec *o = s.wl.objects;
    ck_assert_int_eq(s.wl.nobjects, 7);
    ck_assert(!o[0].kernel);                          /* a user mutant */
    ck_assert(!o[1].notification && !o[1].signaled);  /* synchronization, reset */
    ck_assert_int_eq(o[2].initial, 3);
    ck_assert_int_eq(o[2].limit, 3);                  /* max = initial */
    ck_assert(!o[3].queued);
    ck_assert(!o[4].shared_starve_exclusive);
    ck_assert(!o[5].notification);
    ck_assert_int_eq(o[5].due, 10 * SIM_MS);          /* first expiry after a period */
    ck_assert_int_eq(o[6].due, 7 * SIM_MS);
    ck_assert_int_eq(o[6].period, 0);                 /* one-shot */
    scn_free(&s);
}
END_TEST

START_TEST(test_load_defaults_disable_boost)
{
    struct scn_scenario s;
    load_ok("scenarios/minimal.yaml", NULL, 0, &s);
    ck_assert(!s.wl.processes[0].disable_boost);
    ck_assert(!s.wl.processes[0].threads[0].disable_boost);
    ck_assert_int_eq(s.wl.nobjects, 0);
    ck_assert_ptr_null(s.wl.objects);
    scn_free(&s);
}
END_TEST

START_TEST(test_load_ops_without_object_have_none)
{
    struct scn_scenario s;
    load_text_ok("processes: [{name: p, threads: [{program: [{run: 1ms}, {sleep: 1ms}, "
                 "yield, {io: 1ms}, {loop: {count: 2, do: [{run: 1ms}]}}, exit]}]}]\n",
                 &s);
    const struct ke_program *p = &s.wl.processes[0].threads[0].program;
    for (uint32_t i = 0; i < p->n; i++) {
        if (p->ops[i].kind == KE_OP_END)
            continue; /* made by ke_program_close(), not by the loader */
        ck_assert_int_eq(p->ops[i].object, -1);
        ck_assert_int_eq(p->ops[i].lock, -1);
        ck_assert_ptr_null(p->ops[i].objects);
        ck_assert(!p->ops[i].has_timeout);
    }
    scn_free(&s);
}
END_TEST

/* R3.3: the increment an I/O completion carries, per device; gui is the GUI
 * boost of R3.5. */
START_TEST(test_load_io_device_increments)
{
    static const struct {
        const char *device;
        int64_t increment;
    } want[] = {{"cd_rom", 1},  {"disk", 1},       {"parallel", 1}, {"video", 1},
                {"mailslot", 2}, {"named_pipe", 2}, {"network", 2},  {"serial", 2},
                {"keyboard", 6}, {"mouse", 6},      {"sound", 8},    {"gui", 2}};
    char text[512];
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        struct scn_scenario s;
        snprintf(text, sizeof text, "processes: [{name: p, threads: [{program: "
                 "[{io: {time: 1ms, device: %s}}]}]}]\n", want[i].device);
        load_text_ok(text, &s);
        ck_assert_msg(op(&s, 0, 0, 0)->arg == want[i].increment, "%s", want[i].device);
        scn_free(&s);
    }
}
END_TEST

START_TEST(test_load_wait_64_objects_is_accepted)
{
    char text[8192];
    size_t o = (size_t)snprintf(text, sizeof text, "resources:\n");
    for (int i = 0; i < KE_MAX_WAIT_OBJECTS; i++)
        o += (size_t)snprintf(text + o, sizeof text - o, "  - {name: e%d, type: event}\n", i);
    o += (size_t)snprintf(text + o, sizeof text - o,
                          "processes: [{name: p, threads: [{program: [{wait: {all: [");
    for (int i = 0; i < KE_MAX_WAIT_OBJECTS; i++)
        o += (size_t)snprintf(text + o, sizeof text - o, "%se%d", i ? ", " : "", i);
    snprintf(text + o, sizeof text - o, "]}}]}]}]\n");
    struct scn_scenario s;
    load_text_ok(text, &s);
    const struct ke_op *w = op(&s, 0, 0, 0);
    ck_assert_uint_eq(w->nobjects, KE_MAX_WAIT_OBJECTS);
    ck_assert_int_eq(w->objects[KE_MAX_WAIT_OBJECTS - 1], KE_MAX_WAIT_OBJECTS - 1);
    ck_assert_int_eq(w->object, -1);
    scn_free(&s);
}
END_TEST

START_TEST(test_load_unknown_resource_list_is_capped)
{
    char text[4096];
    size_t o = (size_t)snprintf(text, sizeof text, "resources:\n");
    for (int i = 0; i < 12; i++)
        o += (size_t)snprintf(text + o, sizeof text - o, "  - {name: m%d, type: mutex}\n", i);
    snprintf(text + o, sizeof text - o, "processes: [{name: p, threads: [{program: "
             "[{acquire: nope}]}]}]\n");
    char *err = load_text_fails(text, NULL, 0);
    ck_assert_msg(strstr(err, ":14:54: error: unknown resource 'nope' (declared resources: "
                              "m0, m1, m2, m3, m4, m5, m6, m7, ...)\n"), "%s", err);
    free(err);
}
END_TEST

START_TEST(test_load_no_cascade_from_invalid_resource)
{
    /* references to a resource whose declaration is in error are not reported again */
    char *err = load_text_fails("resources:\n"
                                "  - {name: a, type: mutx}\n"
                                "  - {name: b c, type: event}\n"
                                "processes: [{name: p, threads: [{program: "
                                "[{acquire: a}, {set: a}, {wait: b c}, {wait: {any: [a, b c]}}]}]}]\n",
                                NULL, 0);
    ck_assert_int_eq(count_lines(err), 2);
    ck_assert_ptr_nonnull(strstr(err, ":2:21: error: unknown type 'mutx'"));
    ck_assert_ptr_nonnull(strstr(err, ":3:13: error: invalid character ' ' in name 'b c'"));
    free(err);
}
END_TEST

START_TEST(test_load_type_errors_in_one_wait_are_all_reported)
{
    char *err = load_text_fails("resources:\n"
                                "  - {name: s, type: spinlock}\n"
                                "  - {name: b, type: barrier, count: 2}\n"
                                "processes: [{name: p, threads: [{program: "
                                "[{wait: {any: [s, b, nope]}}]}]}]\n",
                                NULL, 0);
    ck_assert_int_eq(count_lines(err), 3);
    ck_assert_ptr_nonnull(strstr(err, "cannot wait on spinlock 's': use acquire"));
    ck_assert_ptr_nonnull(strstr(err, "cannot wait on barrier 'b': use barrier"));
    ck_assert_ptr_nonnull(strstr(err, "unknown resource 'nope' (declared resources: s, b)"));
    free(err);
}
END_TEST

START_TEST(test_load_override_resource)
{
    struct scn_override ov[] = {{"resources.slots.initial", "1"},
                                {"resources.tick.period", "20ms"}};
    struct scn_scenario s;
    load_ok("scenarios/sync.yaml", ov, 2, &s);
    ck_assert_int_eq(s.wl.objects[SLOTS].initial, 1);
    ck_assert_int_eq(s.wl.objects[SLOTS].limit, 4);
    ck_assert_int_eq(s.wl.objects[TICK].period, 20 * SIM_MS);
    scn_free(&s);
}
END_TEST

START_TEST(test_load_override_resource_is_validated)
{
    struct scn_override ov = {"resources.slots.initial", "5"};
    char *err = load_data_fails("scenarios/sync.yaml", &ov, 1);
    ck_assert_str_eq(err, "--set resources.slots.initial=5: error: "
                          "'initial' must be at most 'max' (4), got 5\n");
    free(err);
}
END_TEST

static void add_sync_cases(Suite *s)
{
    TCase *sync = tcase_create("sync");
    tcase_add_test(sync, test_load_sync_resources);
    tcase_add_test(sync, test_load_sync_program_ops);
    tcase_add_test(sync, test_load_sync_disable_boost);
    tcase_add_test(sync, test_load_sync_resources_after_processes);
    tcase_add_test(sync, test_load_defaults_resources);
    tcase_add_test(sync, test_load_defaults_disable_boost);
    tcase_add_test(sync, test_load_ops_without_object_have_none);
    tcase_add_test(sync, test_load_io_device_increments);
    tcase_add_test(sync, test_load_wait_64_objects_is_accepted);
    tcase_add_test(sync, test_load_unknown_resource_list_is_capped);
    tcase_add_test(sync, test_load_no_cascade_from_invalid_resource);
    tcase_add_test(sync, test_load_type_errors_in_one_wait_are_all_reported);
    tcase_add_test(sync, test_load_override_resource);
    tcase_add_test(sync, test_load_override_resource_is_validated);
    suite_add_tcase(s, sync);
}

/* ===== hash, files ====================================================== */

static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ ((const unsigned char *)data)[i]) * UINT64_C(0x100000001b3);
    return h;
}

START_TEST(test_load_hash_is_fnv1a_of_file_and_overrides)
{
    char path[4096], bytes[8192], want[17];
    data_path(path, sizeof path, "scenarios/minimal.yaml");
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(bytes, 1, sizeof bytes, f);
    fclose(f);
    uint64_t h = fnv(UINT64_C(0xcbf29ce484222325), bytes, n);
    h = fnv(h, "seed=7\n", 7);
    snprintf(want, sizeof want, "%016llx", (unsigned long long)h);

    struct scn_override ov = {"seed", "7"};
    struct scn_scenario a, b;
    load_ok("scenarios/minimal.yaml", &ov, 1, &a);
    load_ok("scenarios/minimal.yaml", NULL, 0, &b);
    ck_assert_str_eq(a.hash, want);
    ck_assert_str_ne(a.hash, b.hash);
    scn_free(&a);
    scn_free(&b);
}
END_TEST

START_TEST(test_load_empirical_relative_to_scenario)
{
    struct scn_scenario s;
    load_ok("scenarios/empirical.yaml", NULL, 0, &s);
    const struct ke_op *o = op(&s, 0, 0, 0);
    ck_assert_int_eq(o->dist.kind, SIM_DIST_EMPIRICAL);
    ck_assert_uint_eq(o->dist.n, 2);
    scn_free(&s);
}
END_TEST

START_TEST(test_load_examples_are_valid)
{
    static const char *const examples[] = {"demo", "round-robin", "preemption", "affinity",
                                           "lock-convoy", "producer-consumer", "reader-writer",
                                           "deadlock", "priority-inversion", "wsl-build-storm"};
    for (size_t i = 0; i < sizeof examples / sizeof examples[0]; i++) {
        char rel[256];
        struct scn_scenario s;
        snprintf(rel, sizeof rel, "../../scenarios/%s.yaml", examples[i]);
        load_ok(rel, NULL, 0, &s);
        ck_assert_str_eq(s.name, examples[i]);
        scn_free(&s);
    }
}
END_TEST

START_TEST(test_load_cannot_open)
{
    struct scn_scenario s;
    char *err;
    ck_assert_int_eq(load("/nonexistent/pssim.yaml", NULL, 0, &s, &err), -1);
    ck_assert_str_eq(err,
                     "/nonexistent/pssim.yaml: error: cannot open: No such file or directory\n");
    free(err);
}
END_TEST

START_TEST(test_load_failure_leaves_nothing)
{
    struct scn_scenario s;
    char path[4096], *err;
    data_path(path, sizeof path, "bad/duplicate_process_name.yaml");
    ck_assert_int_eq(load(path, NULL, 0, &s, &err), -1);
    ck_assert_ptr_null(s.path);
    ck_assert_ptr_null(s.name);
    ck_assert_ptr_null(s.wl.processes);
    ck_assert_int_eq(s.wl.nprocesses, 0);
    free(err);
}
END_TEST

/* ===== limits =========================================================== */

/* `depth` loops inside one another around a run. */
static char *nested_loops(int depth)
{
    static char text[4096];
    size_t o = (size_t)snprintf(text, sizeof text,
                                "processes:\n  - name: p\n    threads:\n      - program:\n"
                                "          - ");
    for (int i = 0; i < depth; i++)
        o += (size_t)snprintf(text + o, sizeof text - o, "{loop: {count: 2, do: [");
    o += (size_t)snprintf(text + o, sizeof text - o, "{run: 1ms}");
    for (int i = 0; i < depth; i++)
        o += (size_t)snprintf(text + o, sizeof text - o, "]}}");
    snprintf(text + o, sizeof text - o, "\n");
    return text;
}

START_TEST(test_load_nesting_at_limit_is_accepted)
{
    struct scn_scenario s;
    load_text_ok(nested_loops(KE_MAX_NESTING), &s);
    ck_assert_uint_eq(s.wl.processes[0].threads[0].program.n, 2 * KE_MAX_NESTING + 1);
    scn_free(&s);
}
END_TEST

START_TEST(test_load_self_referencing_alias_is_bounded)
{
    char *err = load_text_fails("processes:\n"
                                "  - name: p\n"
                                "    threads:\n"
                                "      - program: &p [{loop: {count: 1, do: *p}}]\n",
                                NULL, 0);
    ck_assert_ptr_nonnull(strstr(err, "nested too deeply"));
    ck_assert_int_eq(count_lines(err), 1);
    free(err);
}
END_TEST

/* Each level is ten loops over the previous one: about 12^5 operations from
 * a few lines of aliases. */
START_TEST(test_load_alias_bomb_is_bounded)
{
    char text[8192];
    size_t o = (size_t)snprintf(text, sizeof text,
                                "processes:\n  - name: p\n    threads:\n      - program:\n"
                                "          - loop: {count: 1, do: &l1 [");
    for (int i = 0; i < 10; i++)
        o += (size_t)snprintf(text + o, sizeof text - o, "%s{run: 1ms}", i ? ", " : "");
    o += (size_t)snprintf(text + o, sizeof text - o, "]}\n");
    for (int level = 2; level <= 6; level++) {
        o += (size_t)snprintf(text + o, sizeof text - o, "          - loop: {count: 1, do: &l%d [",
                              level);
        for (int i = 0; i < 10; i++)
            o += (size_t)snprintf(text + o, sizeof text - o, "%s{loop: {count: 1, do: *l%d}}",
                                  i ? ", " : "", level - 1);
        o += (size_t)snprintf(text + o, sizeof text - o, "]}\n");
    }
    char *err = load_text_fails(text, NULL, 0);
    ck_assert_ptr_nonnull(
        strstr(err, "error: the scenario has more than 100000 program operations"));
    ck_assert_int_eq(count_lines(err), 1);
    free(err);
}
END_TEST

/* ===== error reporting ================================================== */

START_TEST(test_load_reports_independent_errors_in_file_order)
{
    /* the machine is converted first, yet its error is printed last */
    char *err = load_text_fails("processes:\n"
                                "  - name: a\n"
                                "    priority_class: bogus\n"
                                "    threads:\n"
                                "      - program: [{run: 2}]\n"
                                "machine:\n"
                                "  cpus: 0\n",
                                NULL, 0);
    const char *a = strstr(err, ":3:21: error: unknown priority_class 'bogus'");
    const char *b = strstr(err, ":5:25: error: missing unit in '2'");
    const char *m = strstr(err, ":7:9: error: 'cpus' must be between 1 and 64, got 0");
    ck_assert_msg(a && b && m && a < b && b < m, "%s", err);
    ck_assert_int_eq(count_lines(err), 3);
    free(err);
}
END_TEST

START_TEST(test_load_prints_at_most_20_errors)
{
    char text[16384];
    size_t o = (size_t)snprintf(text, sizeof text, "processes:\n");
    for (int i = 0; i < 30; i++)
        o += (size_t)snprintf(text + o, sizeof text - o,
                              "  - {name: p%d, priority_class: bogus, "
                              "threads: [{program: [exit]}]}\n",
                              i);
    char *err = load_text_fails(text, NULL, 0);
    ck_assert_int_eq(count_lines(err), 20);
    free(err);
}
END_TEST

START_TEST(test_load_no_cascade_from_invalid_cpus)
{
    /* with cpus in error, an affinity within 64 CPUs is not reported */
    char *err = load_text_fails("machine: {cpus: 99}\n"
                                "processes:\n"
                                "  - name: a\n"
                                "    affinity: 0-7\n"
                                "    threads: [{affinity: 7, program: [exit]}]\n",
                                NULL, 0);
    ck_assert_int_eq(count_lines(err), 1);
    ck_assert_ptr_nonnull(strstr(err, "'cpus' must be between 1 and 64, got 99"));
    free(err);
}
END_TEST

/* ===== the bad-input corpus ============================================= */

/* The first line of `text` without `prefix`. */
static void first_line_after(const char *text, const char *prefix, char *buf, size_t size)
{
    size_t skip = strncmp(text, prefix, strlen(prefix)) == 0 ? strlen(prefix) : 0;
    const char *nl = strchr(text + skip, '\n');
    size_t n = nl ? (size_t)(nl - text - skip) : strlen(text + skip);
    snprintf(buf, size, "%.*s", (int)n, text + skip);
}

static void check_bad(const char *dir, const char *file)
{
    char path[8192], errpath[8192], want[1024] = "", got[1024], *err;
    snprintf(path, sizeof path, "%s/%s", dir, file);
    snprintf(errpath, sizeof errpath, "%.*s.err", (int)(strlen(path) - 5), path);
    FILE *f = fopen(errpath, "r");
    ck_assert_msg(f != NULL, "%s has no .err file", file);
    ck_assert_ptr_nonnull(fgets(want, sizeof want, f));
    fclose(f);
    want[strcspn(want, "\n")] = '\0';

    struct scn_scenario s;
    ck_assert_msg(load(path, NULL, 0, &s, &err) == -1, "%s loaded", file);
    first_line_after(err, path, got, sizeof got);
    size_t n = strlen(want);
    if (n > 3 && !strcmp(want + n - 3, "..."))
        ck_assert_msg(!strncmp(got, want, n - 3), "%s:\n got  %s\n want %s", file, got, want);
    else
        ck_assert_msg(!strcmp(got, want), "%s:\n got  %s\n want %s", file, got, want);
    free(err);
}

START_TEST(test_load_bad_corpus)
{
    char dir[4096];
    data_path(dir, sizeof dir, "bad");
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len > 5 && !strcmp(e->d_name + len - 5, ".yaml")) {
            check_bad(dir, e->d_name);
            n++;
        }
    }
    closedir(d);
    ck_assert_int_ge(n, 25);
}
END_TEST

/* ===== overrides ======================================================== */

START_TEST(test_load_override_replaces_scalar)
{
    struct scn_override ov = {"machine.cpus", "16"};
    struct scn_scenario s;
    load_ok("scenarios/full.yaml", &ov, 1, &s);
    ck_assert_int_eq(s.wl.machine.cpus, 16);
    scn_free(&s);
}
END_TEST

START_TEST(test_load_override_creates_missing_keys)
{
    /* minimal.yaml has no machine section at all */
    struct scn_override ov[] = {{"machine.quantum", "server"},
                                {"machine.costs.context_switch", "3us"}};
    struct scn_scenario s;
    load_ok("scenarios/minimal.yaml", ov, 2, &s);
    ck_assert_int_eq(s.wl.machine.quantum, KE_QUANTUM_SERVER);
    ck_assert_int_eq(s.wl.machine.context_switch, 3 * SIM_US);
    scn_free(&s);
}
END_TEST

START_TEST(test_load_override_by_name)
{
    struct scn_override ov = {"processes.explorer.threads.ui.priority", "lowest"};
    struct scn_scenario s;
    load_ok("scenarios/full.yaml", &ov, 1, &s);
    ck_assert_int_eq(s.wl.processes[0].threads[0].priority, KE_REL_LOWEST);
    scn_free(&s);
}
END_TEST

START_TEST(test_load_override_name_with_dot_needs_an_index)
{
    /* '.' separates the key's components: "bash.sh_1" is two of them */
    struct scn_override ov = {"processes.bash.sh_1.arrivals.count", "3"};
    char *err = load_data_fails("scenarios/full.yaml", &ov, 1);
    ck_assert_str_eq(err, "--set processes.bash.sh_1.arrivals.count=3: error: "
                          "no element named 'bash' in processes\n");
    free(err);
}
END_TEST

START_TEST(test_load_override_by_index)
{
    struct scn_override ov[] = {{"processes.1.arrivals.count", "3"},
                                {"processes.0.threads.1.count", "5"}};
    struct scn_scenario s;
    load_ok("scenarios/full.yaml", ov, 2, &s);
    ck_assert_int_eq(s.wl.processes[1].arrival_count, 3);
    ck_assert_int_eq(s.wl.processes[0].threads[1].count, 5);
    scn_free(&s);
}
END_TEST

START_TEST(test_load_override_flow_value)
{
    struct scn_override ov[] = {{"machine.quantum", "{units: 6}"},
                                {"processes.hog.affinity", "[0, 2]"}};
    struct scn_scenario s;
    load_ok("scenarios/minimal.yaml", ov, 2, &s);
    ck_assert_int_eq(s.wl.machine.quantum, KE_QUANTUM_UNITS);
    ck_assert_int_eq(s.wl.machine.quantum_units, 6);
    ck_assert_uint_eq(s.wl.processes[0].affinity, 0x5);
    scn_free(&s);
}
END_TEST

START_TEST(test_load_override_error_names_the_override)
{
    struct scn_override ov = {"machine.cpus", "0"};
    char *err = load_data_fails("scenarios/minimal.yaml", &ov, 1);
    ck_assert_str_eq(err, "--set machine.cpus=0: error: 'cpus' must be between 1 and 64, got 0\n");
    free(err);
}
END_TEST

START_TEST(test_load_override_is_validated_with_the_file)
{
    /* fewer CPUs make the file's own affinity invalid, reported in the file */
    struct scn_override ov = {"machine.cpus", "2"};
    char *err = load_data_fails("scenarios/full.yaml", &ov, 1);
    ck_assert_ptr_nonnull(strstr(err, "full.yaml:20:15: error: 'affinity' names CPU 2, but the "
                                      "machine has 2 CPUs (numbered from 0)\n"));
    free(err);
}
END_TEST

START_TEST(test_load_override_unknown_element)
{
    struct scn_override ov = {"processes.nope.count", "3"};
    char *err = load_data_fails("scenarios/minimal.yaml", &ov, 1);
    ck_assert_str_eq(err, "--set processes.nope.count=3: error: "
                          "no element named 'nope' in processes\n");
    free(err);
}
END_TEST

START_TEST(test_load_override_index_out_of_range)
{
    struct scn_override ov = {"processes.4.count", "3"};
    char *err = load_data_fails("scenarios/minimal.yaml", &ov, 1);
    ck_assert_str_eq(err, "--set processes.4.count=3: error: "
                          "no element 4 in processes (it has 1)\n");
    free(err);
}
END_TEST

START_TEST(test_load_override_value_syntax_error)
{
    struct scn_override ov = {"machine.quantum", "{units: 6"};
    char *err = load_data_fails("scenarios/minimal.yaml", &ov, 1);
    ck_assert_msg(!strncmp(err, "--set machine.quantum={units: 6: error: ", 40), "%s", err);
    ck_assert_int_eq(count_lines(err), 1);
    free(err);
}
END_TEST

START_TEST(test_load_override_unknown_key_is_reported)
{
    struct scn_override ov = {"machine.cpuz", "4"};
    char *err = load_data_fails("scenarios/minimal.yaml", &ov, 1);
    ck_assert_str_eq(err, "--set machine.cpuz=4: error: unknown key 'cpuz' in machine (expected "
                          "cpus, policy, clock_tick, quantum, priority_separation, slice, costs, "
                          "limits, topology, autoboost, quantum_mode, starvation_ticks, "
                          "resource_boost)\n");
    free(err);
}
END_TEST

START_TEST(test_load_override_invalid_key)
{
    struct scn_override ov = {"machine..cpus", "4"};
    char *err = load_data_fails("scenarios/minimal.yaml", &ov, 1);
    ck_assert_str_eq(err, "--set machine..cpus=4: error: invalid key "
                          "(expected a dotted path such as machine.cpus)\n");
    free(err);
}
END_TEST

START_TEST(test_load_override_parse)
{
    char a[] = "machine.quantum={units: 6}", b[] = "nokey", c[] = "=5", d[] = "x.y=a=b";
    struct scn_override o;
    ck_assert_int_eq(scn_override_parse(a, &o), 0);
    ck_assert_str_eq(o.key, "machine.quantum");
    ck_assert_str_eq(o.value, "{units: 6}");
    ck_assert_int_eq(scn_override_parse(b, &o), -1);
    ck_assert_int_eq(scn_override_parse(c, &o), 0);
    ck_assert_str_eq(o.key, "");
    ck_assert_int_eq(scn_override_parse(d, &o), 0);
    ck_assert_str_eq(o.key, "x.y");
    ck_assert_str_eq(o.value, "a=b");
}
END_TEST

static void add_override_cases(Suite *s)
{
    TCase *ov = tcase_create("overrides");
    tcase_add_test(ov, test_load_override_replaces_scalar);
    tcase_add_test(ov, test_load_override_creates_missing_keys);
    tcase_add_test(ov, test_load_override_by_name);
    tcase_add_test(ov, test_load_override_name_with_dot_needs_an_index);
    tcase_add_test(ov, test_load_override_by_index);
    tcase_add_test(ov, test_load_override_flow_value);
    tcase_add_test(ov, test_load_override_error_names_the_override);
    tcase_add_test(ov, test_load_override_is_validated_with_the_file);
    tcase_add_test(ov, test_load_override_unknown_element);
    tcase_add_test(ov, test_load_override_index_out_of_range);
    tcase_add_test(ov, test_load_override_value_syntax_error);
    tcase_add_test(ov, test_load_override_unknown_key_is_reported);
    tcase_add_test(ov, test_load_override_invalid_key);
    tcase_add_test(ov, test_load_override_parse);
    suite_add_tcase(s, ov);
}

/* ===== the effective document as JSON (scenarios/params.c) ============== */

START_TEST(test_load_params_json_is_canonical)
{
    struct scn_scenario s;
    load_text_ok("# comments and layout do not matter\n"
                 "name: 'say \"hi\" \\ ok'\n"
                 "seed: 7\n"
                 "machine: {cpus: \"2\", policy: nt}\n"
                 "processes:\n"
                 "  - name: a\n"
                 "    foreground: true\n"
                 "    affinity: [0, 1]\n"
                 "    threads:\n"
                 "      - program: &p [{run: 1ms}, exit]\n"
                 "  - name: b\n"
                 "    threads: [{program: *p}]\n",
                 &s);
    ck_assert_str_eq(s.params_json,
                     "{\"name\":\"say \\\"hi\\\" \\\\ ok\",\"seed\":7,"
                     "\"machine\":{\"cpus\":\"2\",\"policy\":\"nt\"},"
                     "\"processes\":[{\"name\":\"a\",\"foreground\":true,\"affinity\":[0,1],"
                     "\"threads\":[{\"program\":[{\"run\":\"1ms\"},\"exit\"]}]},"
                     "{\"name\":\"b\","
                     "\"threads\":[{\"program\":[{\"run\":\"1ms\"},\"exit\"]}]}]}");
    scn_free(&s);
}
END_TEST

START_TEST(test_load_params_json_follows_overrides)
{
    struct tmp_scenario t;
    struct scn_scenario s;
    char *err;
    char k1[] = "machine.cpus=8", k2[] = "machine.costs.context_switch=5us";
    struct scn_override ov[2];
    ck_assert_int_eq(scn_override_parse(k1, &ov[0]), 0);
    ck_assert_int_eq(scn_override_parse(k2, &ov[1]), 0);
    tmp_write(&t, "machine: {cpus: 2}\nprocesses: [{name: a, threads: [{program: [exit]}]}]\n");
    int rc = load(t.path, ov, 2, &s, &err);
    tmp_remove(&t);
    ck_assert_msg(rc == 0, "%s", err);
    free(err);
    ck_assert_str_eq(s.params_json,
                     "{\"machine\":{\"cpus\":8,\"costs\":{\"context_switch\":\"5us\"}},"
                     "\"processes\":[{\"name\":\"a\",\"threads\":[{\"program\":[\"exit\"]}]}]}");
    scn_free(&s);
}
END_TEST

/* ===== the Ps layer and the machine's options (tests/data/scenarios/ps.yaml) == */

/* Process indexes in ps.yaml once System is inserted in front (R7.1). */
enum { PS_SYSTEM, PS_MAKE, PS_GCC, PS_TOOL, PS_N };

START_TEST(test_load_ps_machine_options)
{
    struct scn_scenario s;
    load_ok("scenarios/ps.yaml", NULL, 0, &s);
    const struct ke_machine_config *m = &s.wl.machine;
    ck_assert_int_eq(m->cpus, 8); /* topology 4 x 2 */
    ck_assert_int_eq(m->smt, 2);
    ck_assert(m->autoboost);
    ck_assert(m->quantum_by_cpu_time);
    ck_assert_int_eq(m->starvation_ticks, 200);
    ck_assert_int_eq(m->resource_boost, 15);
    ck_assert_int_eq(m->context_switch, 3 * SIM_US);
    ck_assert_int_eq(m->costs.process_create[PS_SUBSYSTEM_WIN32], 500 * SIM_US);
    ck_assert_int_eq(m->costs.process_create[PS_SUBSYSTEM_WSL], 60 * SIM_US);
    ck_assert_int_eq(m->costs.thread_create, 25 * SIM_US);
    ck_assert_int_eq(m->costs.syscall[PS_SUBSYSTEM_WIN32], 2 * SIM_US);
    ck_assert_int_eq(m->costs.syscall[PS_SUBSYSTEM_WSL], 4 * SIM_US);
    scn_free(&s);
}
END_TEST

/* wsl_lock: true declares the provider lock after the scenario's own (R7.9). */
START_TEST(test_load_ps_wsl_lock_declares_lxcore)
{
    struct scn_scenario s;
    load_ok("scenarios/ps.yaml", NULL, 0, &s);
    ck_assert_int_eq(s.wl.nobjects, 2);
    ck_assert_str_eq(s.wl.objects[0].name, "done");
    const struct ke_object_spec *o = &s.wl.objects[1];
    ck_assert_str_eq(o->name, "lxcore");
    ck_assert_int_eq(o->type, KE_OBJ_FAST_MUTEX);
    ck_assert_int_eq(s.wl.machine.costs.pico_lock, 1);
    ck_assert_ptr_eq(o->src.file, s.path);
    ck_assert_int_eq(o->src.line, 13);
    ck_assert_int_eq(o->src.col, 47);
    scn_free(&s);
}
END_TEST

START_TEST(test_load_ps_drivers)
{
    struct scn_scenario s;
    load_ok("scenarios/ps.yaml", NULL, 0, &s);
    static const struct {
        const char *name;
        enum ps_process_notify_kind pk;
        bool psub;
        enum sim_dist_kind pdist;
        double pcost;
        const char *deny;
        enum ps_thread_notify_kind tk;
        bool tsub;
        double tcost;
        int line;
    } want[] = {
        {"edr", PS_NOTIFY_EX2, true, SIM_DIST_EXP, 200e3, "*\\evil.exe", PS_THREAD_NOTIFY_EX,
         true, 20e3, 17},
        {"av", PS_NOTIFY_PLAIN, false, SIM_DIST_CONST, 10e3, NULL, PS_THREAD_NOTIFY_PLAIN, false,
         0, 20},
        {"audit", PS_NOTIFY_EX, false, SIM_DIST_CONST, 5e3, NULL, PS_THREAD_NOTIFY_EX, false,
         1e3, 24},
    };
    ck_assert_int_eq(s.wl.ndrivers, 3); /* in registration order (R7.4) */
    for (int i = 0; i < 3; i++) {
        const struct ps_driver_spec *d = &s.wl.drivers[i];
        ck_assert_str_eq(d->name, want[i].name);
        ck_assert_int_eq(d->process_kind, want[i].pk);
        ck_assert_int_eq(d->process_subsystems, want[i].psub);
        ck_assert_int_eq(d->process_cost.kind, want[i].pdist);
        ck_assert_double_eq(d->process_cost.a, want[i].pcost);
        if (want[i].deny)
            ck_assert_str_eq(d->deny, want[i].deny);
        else
            ck_assert_ptr_null(d->deny);
        ck_assert_int_eq(d->thread_kind, want[i].tk);
        ck_assert_int_eq(d->thread_subsystems, want[i].tsub);
        ck_assert_double_eq(d->thread_cost.a, want[i].tcost);
        ck_assert_int_eq(d->src.line, want[i].line);
        ck_assert_int_eq(d->src.col, 5);
    }
    scn_free(&s);
}
END_TEST

START_TEST(test_load_ps_system_process_is_first_r7_1)
{
    struct scn_scenario s;
    load_ok("scenarios/ps.yaml", NULL, 0, &s);
    ck_assert_int_eq(s.wl.nprocesses, PS_N);
    const struct ps_process_spec *sys = &s.wl.processes[PS_SYSTEM];
    ck_assert_str_eq(sys->name, "System");
    ck_assert(sys->is_system && !sys->is_template && !sys->has_arrivals);
    ck_assert_int_eq(sys->priority_class, PS_CLASS_NORMAL);
    ck_assert_int_eq(sys->subsystem, PS_SUBSYSTEM_WIN32);
    ck_assert_int_eq(sys->count, 1);
    ck_assert_int_eq(sys->start, 0);
    ck_assert_int_eq(sys->src.line, 27);
    ck_assert_int_eq(sys->nthreads, 2);
    const struct ps_thread_spec *w = &sys->threads[0], *r = &sys->threads[1];
    ck_assert_str_eq(w->name, "worker");
    ck_assert(w->priority_absolute);
    ck_assert_int_eq(w->priority, 16);
    ck_assert_uint_eq(w->affinity, 0x3);
    ck_assert_str_eq(r->name, "reaper");
    ck_assert(r->priority_absolute);
    ck_assert_int_eq(r->priority, 8); /* PsCreateSystemThread's base */
    ck_assert_str_eq(s.wl.processes[PS_MAKE].name, "make");
    ck_assert(!s.wl.processes[PS_MAKE].is_system);
    scn_free(&s);
}
END_TEST

START_TEST(test_load_ps_images_templates_and_ideal_cpu)
{
    struct scn_scenario s;
    load_ok("scenarios/ps.yaml", NULL, 0, &s);
    const struct ps_process_spec *make = &s.wl.processes[PS_MAKE],
                                 *gcc = &s.wl.processes[PS_GCC],
                                 *tool = &s.wl.processes[PS_TOOL];
    ck_assert_int_eq(make->subsystem, PS_SUBSYSTEM_WSL);
    ck_assert_ptr_null(make->image); /* derived by the models: /usr/bin/make */
    ck_assert_str_eq(make->command_line, "make -j8");
    ck_assert(gcc->is_template);
    ck_assert_str_eq(gcc->image, "/usr/bin/gcc-12");
    ck_assert_ptr_null(gcc->command_line);
    ck_assert_str_eq(tool->image, "C:\\Tools\\tool.exe");
    ck_assert_str_eq(tool->command_line, "tool.exe /quiet");
    const struct ps_thread_spec *main_t = &make->threads[0], *helper = &make->threads[1];
    ck_assert(!main_t->is_template && !main_t->has_ideal_cpu);
    ck_assert(helper->is_template);
    ck_assert(helper->has_ideal_cpu);
    ck_assert_int_eq(helper->ideal_cpu, 7);
    scn_free(&s);
}
END_TEST

/* Targets are spec indexes of the final list, System first; forward
 * references (a process listed later) resolve too. */
START_TEST(test_load_ps_spawn_and_create_thread_targets)
{
    struct scn_scenario s;
    load_ok("scenarios/ps.yaml", NULL, 0, &s);
    static const struct {
        int p, t, i;
        enum ke_op_kind kind;
        int32_t target;
        int64_t wait;
    } want[] = {
        {PS_SYSTEM, 0, 0, KE_OP_SPAWN, PS_TOOL, 1},
        {PS_MAKE, 0, 0, KE_OP_SPAWN, PS_GCC, 0},
        {PS_MAKE, 0, 1, KE_OP_SPAWN, PS_TOOL, 0},
        {PS_MAKE, 0, 2, KE_OP_CREATE_THREAD, 1, 1},
        {PS_MAKE, 0, 3, KE_OP_CREATE_THREAD, 1, 0},
    };
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        const struct ke_op *o = op(&s, want[k].p, want[k].t, want[k].i);
        ck_assert_msg(o->kind == want[k].kind, "op %zu: kind %d", k, o->kind);
        ck_assert_int_eq(o->target, want[k].target);
        ck_assert_int_eq(o->arg, want[k].wait);
    }
    ck_assert_int_eq(op(&s, PS_MAKE, 0, 0)->src.line, 42);
    ck_assert_int_eq(op(&s, PS_MAKE, 0, 0)->src.col, 13);
    scn_free(&s);
}
END_TEST

START_TEST(test_load_ps_syscall_set_priority_and_gui_io)
{
    struct scn_scenario s;
    load_ok("scenarios/ps.yaml", NULL, 0, &s);
    static const struct {
        int p, i;
        enum ke_op_kind kind;
        int64_t count, arg;
        enum sim_dist_kind dist;
        double a;
    } want[] = {
        {PS_MAKE, 4, KE_OP_SYSCALL, 100, 0, SIM_DIST_CONST, 5e3},
        {PS_MAKE, 5, KE_OP_SYSCALL, 1, 0, SIM_DIST_EXP, 2e3},
        {PS_MAKE, 6, KE_OP_SET_PRIORITY, KE_SETPRI_RELATIVE, KE_REL_HIGHEST, SIM_DIST_CONST, 0},
        {PS_MAKE, 7, KE_OP_SET_PRIORITY, KE_SETPRI_RELATIVE, KE_REL_BELOW_NORMAL, SIM_DIST_CONST,
         0},
        {PS_MAKE, 8, KE_OP_SET_PRIORITY, KE_SETPRI_BASE, 12, SIM_DIST_CONST, 0},
        {PS_MAKE, 9, KE_OP_SET_PRIORITY, KE_SETPRI_CURRENT, 14, SIM_DIST_CONST, 0},
        {PS_MAKE, 10, KE_OP_IO, 0, 2, SIM_DIST_CONST, 1e6}, /* gui: R3.5 */
        {PS_TOOL, 0, KE_OP_SET_PRIORITY, KE_SETPRI_RELATIVE, -7, SIM_DIST_CONST, 0},
        {PS_TOOL, 1, KE_OP_SET_PRIORITY, KE_SETPRI_RELATIVE, 6, SIM_DIST_CONST, 0},
    };
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        const struct ke_op *o = op(&s, want[k].p, 0, want[k].i);
        ck_assert_msg(o->kind == want[k].kind, "op %zu: kind %d", k, o->kind);
        ck_assert_int_eq(o->count, want[k].count);
        ck_assert_int_eq(o->arg, want[k].arg);
        ck_assert_int_eq(o->dist.kind, want[k].dist);
        ck_assert_double_eq(o->dist.a, want[k].a);
    }
    scn_free(&s);
}
END_TEST

/* A scenario that says nothing of the Ps layer gets ps_workload_init's values. */
START_TEST(test_load_ps_defaults)
{
    struct scn_scenario s;
    struct ps_workload def;
    ps_workload_init(&def);
    load_ok("scenarios/minimal.yaml", NULL, 0, &s);
    const struct ke_machine_config *m = &s.wl.machine;
    ck_assert_int_eq(s.wl.ndrivers, 0);
    ck_assert_int_eq(s.wl.nprocesses, 1); /* no System without system_threads */
    ck_assert(!s.wl.processes[0].is_system);
    ck_assert_ptr_null(s.wl.processes[0].image);
    ck_assert_ptr_null(s.wl.processes[0].command_line);
    ck_assert(!s.wl.processes[0].threads[0].is_template);
    ck_assert(!s.wl.processes[0].threads[0].has_ideal_cpu);
    ck_assert_mem_eq(&m->costs, &def.machine.costs, sizeof m->costs);
    ck_assert_int_eq(m->costs.pico_lock, -1);
    ck_assert_int_eq(m->smt, 1);
    ck_assert(!m->autoboost && !m->quantum_by_cpu_time);
    ck_assert_int_eq(m->starvation_ticks, 300);
    ck_assert_int_eq(m->resource_boost, 14);
    scn_free(&s);
}
END_TEST

/* Routine types default to ex, or ex2 when `subsystems` is given at all. */
START_TEST(test_load_ps_notify_type_defaults)
{
    struct scn_scenario s;
    load_text_ok("drivers:\n"
                 "  - {name: a, process_notify: {}, thread_notify: {}}\n"
                 "  - {name: b, process_notify: {subsystems: false}}\n"
                 "  - {name: c, force_integrity: false, thread_notify: {type: ex}}\n"
                 "processes: [{name: p, threads: [{program: [exit]}]}]\n",
                 &s);
    const struct ps_driver_spec *d = s.wl.drivers;
    ck_assert_int_eq(d[0].process_kind, PS_NOTIFY_EX);
    ck_assert_int_eq(d[0].thread_kind, PS_THREAD_NOTIFY_EX);
    ck_assert(!d[0].thread_subsystems); /* PsCreateThreadNotifyNonSystem */
    ck_assert_int_eq(d[0].process_cost.kind, SIM_DIST_CONST);
    ck_assert_double_eq(d[0].process_cost.a, 0);
    ck_assert_int_eq(d[1].process_kind, PS_NOTIFY_EX2);
    ck_assert(!d[1].process_subsystems);
    ck_assert_int_eq(d[1].thread_kind, PS_THREAD_NOTIFY_NONE);
    ck_assert_int_eq(d[2].process_kind, PS_NOTIFY_NONE); /* no Ex routine: integrity moot */
    scn_free(&s);
}
END_TEST

START_TEST(test_load_ps_one_cost_for_both_subsystems_and_topology_with_cpus)
{
    struct scn_scenario s;
    load_text_ok("machine:\n"
                 "  cpus: 6\n"
                 "  topology: {cores: 3, smt: 2}\n"
                 "  costs: {process_create: 100us, syscall: 7us}\n"
                 "processes: [{name: p, affinity: 5, threads: [{program: [exit]}]}]\n",
                 &s);
    const struct ke_machine_config *m = &s.wl.machine;
    ck_assert_int_eq(m->cpus, 6);
    ck_assert_int_eq(m->smt, 2);
    ck_assert_int_eq(m->costs.process_create[PS_SUBSYSTEM_WIN32], 100 * SIM_US);
    ck_assert_int_eq(m->costs.process_create[PS_SUBSYSTEM_WSL], 100 * SIM_US);
    ck_assert_int_eq(m->costs.syscall[PS_SUBSYSTEM_WIN32], 7 * SIM_US);
    ck_assert_int_eq(m->costs.syscall[PS_SUBSYSTEM_WSL], 7 * SIM_US);
    ck_assert_int_eq(m->costs.pico_lock, -1);
    scn_free(&s);
    load_text_ok("machine: {topology: {cores: 3}}\n"
                 "processes: [{name: p, threads: [{program: [exit]}]}]\n",
                 &s);
    ck_assert_int_eq(s.wl.machine.cpus, 3);
    ck_assert_int_eq(s.wl.machine.smt, 1);
    scn_free(&s);
}
END_TEST

/* The topology's CPU count bounds affinities as `cpus` does. */
START_TEST(test_load_ps_topology_bounds_affinities)
{
    char *err = load_text_fails("machine: {topology: {cores: 2, smt: 2}}\n"
                                "processes: [{name: p, affinity: 4, threads: [{program: [exit]}]}]\n",
                                NULL, 0);
    ck_assert_msg(strstr(err, ":2:33: error: 'affinity' names CPU 4, but the machine has 4 CPUs"),
                  "%s", err);
    free(err);
}
END_TEST

START_TEST(test_load_ps_overrides_reach_drivers_and_system_threads)
{
    char k1[] = "drivers.edr.process_notify.cost=1ms", k2[] = "system_threads.worker.priority=20";
    struct scn_override ov[2];
    struct scn_scenario s;
    ck_assert_int_eq(scn_override_parse(k1, &ov[0]), 0);
    ck_assert_int_eq(scn_override_parse(k2, &ov[1]), 0);
    load_ok("scenarios/ps.yaml", ov, 2, &s);
    ck_assert_int_eq(s.wl.drivers[0].process_cost.kind, SIM_DIST_CONST);
    ck_assert_double_eq(s.wl.drivers[0].process_cost.a, 1e6);
    ck_assert_int_eq(s.wl.processes[PS_SYSTEM].threads[0].priority, 20);
    scn_free(&s);
}
END_TEST

/* ===== static checks (scenarios/static_checks.c) ========================= */

/* A release between two acquires, and KMUTEX recursion (R5.4), are not
 * self-deadlocks: only a re-acquire of a held non-recursive lock is (R6.4). */
START_TEST(test_load_static_reacquire_after_release_and_mutex_twice_accepted)
{
    struct scn_scenario s;
    load_text_ok("resources: [{name: fm, type: fast_mutex}, {name: m, type: mutex}]\n"
                 "processes: [{name: p, threads: [{name: worker, program: [\n"
                 "  {acquire: fm}, {run: 1ms}, {release: fm}, {acquire: fm}, {release: fm},\n"
                 "  {acquire: m}, {acquire: m}, {release: m}, {release: m}]}]}]\n",
                 &s);
    ck_assert_int_eq(s.wl.processes[0].threads[0].program.n, 9);
    scn_free(&s);
}
END_TEST

/* An exclusive ERESOURCE owner may acquire it again in either mode, and a
 * shared owner shared again (R6.5). */
START_TEST(test_load_static_eresource_recursion_accepted)
{
    struct scn_scenario s;
    load_text_ok("resources: [{name: r, type: eresource}]\n"
                 "processes: [{name: p, threads: [{program: [\n"
                 "  {acquire: r}, {acquire: {object: r, mode: shared}}, {acquire: r},\n"
                 "  {release: r}, {release: r}, {release: r},\n"
                 "  {acquire: {object: r, mode: shared}}, {acquire: {object: r, mode: shared}}]}]}]\n",
                 &s);
    scn_free(&s);
}
END_TEST

/* A chain of spawns ends, and a spawn after `exit` never runs: no cycle. */
START_TEST(test_load_static_spawn_chain_and_unreached_spawn_accepted)
{
    struct scn_scenario s;
    load_text_ok("processes:\n"
                 "  - {name: make, threads: [{program: [{spawn: gcc}, {spawn: gcc}]}]}\n"
                 "  - {name: gcc, template: true, threads: [{program: [{spawn: as}, exit, "
                 "{spawn: make}]}]}\n"
                 "  - {name: as, template: true, threads: [{program: [{run: 1ms}]}]}\n",
                 &s);
    ck_assert_int_eq(s.wl.processes[1].threads[0].program.ops[2].target, 0);
    scn_free(&s);
}
END_TEST

/* A cycle through several processes is reported once, at the spawn closing it. */
START_TEST(test_load_static_spawn_cycle_reported_at_closing_spawn)
{
    char *err = load_text_fails("processes:\n"
                                "  - {name: a, threads: [{program: [{spawn: b}, {spawn: b}]}]}\n"
                                "  - {name: b, template: true, threads: [{program: [{spawn: c}]}]}\n"
                                "  - {name: c, template: true, threads: [{program: [{spawn: a}]}]}\n",
                                NULL, 0);
    ck_assert_msg(strstr(err, ":4:53: error: spawn cycle: 'c' spawns 'a' again (a -> b -> c -> a)"),
                  "%s", err);
    ck_assert_int_eq(count_lines(err), 1);
    free(err);
}
END_TEST

static void add_static_cases(Suite *s)
{
    TCase *tc = tcase_create("static");
    tcase_add_test(tc, test_load_static_reacquire_after_release_and_mutex_twice_accepted);
    tcase_add_test(tc, test_load_static_eresource_recursion_accepted);
    tcase_add_test(tc, test_load_static_spawn_chain_and_unreached_spawn_accepted);
    tcase_add_test(tc, test_load_static_spawn_cycle_reported_at_closing_spawn);
    suite_add_tcase(s, tc);
}

static void add_ps_cases(Suite *s)
{
    TCase *tc = tcase_create("ps");
    tcase_add_test(tc, test_load_ps_machine_options);
    tcase_add_test(tc, test_load_ps_wsl_lock_declares_lxcore);
    tcase_add_test(tc, test_load_ps_drivers);
    tcase_add_test(tc, test_load_ps_system_process_is_first_r7_1);
    tcase_add_test(tc, test_load_ps_images_templates_and_ideal_cpu);
    tcase_add_test(tc, test_load_ps_spawn_and_create_thread_targets);
    tcase_add_test(tc, test_load_ps_syscall_set_priority_and_gui_io);
    tcase_add_test(tc, test_load_ps_defaults);
    tcase_add_test(tc, test_load_ps_notify_type_defaults);
    tcase_add_test(tc, test_load_ps_one_cost_for_both_subsystems_and_topology_with_cpus);
    tcase_add_test(tc, test_load_ps_topology_bounds_affinities);
    tcase_add_test(tc, test_load_ps_overrides_reach_drivers_and_system_threads);
    suite_add_tcase(s, tc);
}

Suite *load_suite(void)
{
    Suite *s = suite_create("load");
    TCase *full = tcase_create("full");
    tcase_add_test(full, test_load_full_header);
    tcase_add_test(full, test_load_full_machine);
    tcase_add_test(full, test_load_full_processes);
    tcase_add_test(full, test_load_full_threads);
    tcase_add_test(full, test_load_full_program_ops);
    tcase_add_test(full, test_load_full_spec_positions);
    suite_add_tcase(s, full);

    TCase *def = tcase_create("defaults");
    tcase_add_test(def, test_load_defaults_machine);
    tcase_add_test(def, test_load_defaults_scenario);
    tcase_add_test(def, test_load_defaults_process_and_thread);
    tcase_add_test(def, test_load_arrivals_default_forever);
    suite_add_tcase(s, def);

    TCase *files = tcase_create("files");
    tcase_add_test(files, test_load_hash_is_fnv1a_of_file_and_overrides);
    tcase_add_test(files, test_load_empirical_relative_to_scenario);
    tcase_add_test(files, test_load_examples_are_valid);
    tcase_add_test(files, test_load_cannot_open);
    tcase_add_test(files, test_load_failure_leaves_nothing);
    suite_add_tcase(s, files);

    TCase *limits = tcase_create("limits");
    tcase_add_test(limits, test_load_nesting_at_limit_is_accepted);
    tcase_add_test(limits, test_load_self_referencing_alias_is_bounded);
    tcase_add_test(limits, test_load_alias_bomb_is_bounded);
    suite_add_tcase(s, limits);

    TCase *errors = tcase_create("errors");
    tcase_add_test(errors, test_load_reports_independent_errors_in_file_order);
    tcase_add_test(errors, test_load_prints_at_most_20_errors);
    tcase_add_test(errors, test_load_no_cascade_from_invalid_cpus);
    tcase_add_test(errors, test_load_bad_corpus);
    suite_add_tcase(s, errors);

    add_override_cases(s);
    add_sync_cases(s);

    TCase *params = tcase_create("params_json");
    tcase_add_test(params, test_load_params_json_is_canonical);
    tcase_add_test(params, test_load_params_json_follows_overrides);
    suite_add_tcase(s, params);
    add_ps_cases(s);
    add_static_cases(s);
    return s;
}
