/* scenarios/load.c - scn_load: a scenario file into a ps_workload (layer: scenarios).
 *
 * Owns the loader's life cycle (read, hash, parse, apply `--set`, convert,
 * report, free) and the conversion of the top level and of `machine:`.
 * Resources are converted by resources.c, processes and threads by
 * process.c, programs by ops.c, sync.c and ps_ops.c, costs by costs.c,
 * drivers by drivers.c and system threads by system.c; static_checks.c then
 * refuses spawn cycles and straight-line self-deadlocks.
 *
 * The machine and the resources are converted before the processes whatever
 * the order of the keys in the file, because affinities are checked against
 * machine.cpus (or its topology) and programs name resources; spawn and
 * create_thread targets are resolved once every process, System included,
 * is in place, since a program may name a process listed after it.
 * Every default is the one of ps_workload_init() (models/workload.c) or of
 * scn_scenario (seed 1, duration 10 s): nothing is defaulted twice.
 *
 * SPDX-License-Identifier: MIT
 */
#define SCENARIOS_INTERNAL
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/scenarios_int.h"

enum {
    S_NAME, S_SEED, S_DURATION, S_MACHINE, S_PROCESSES, S_RESOURCES, S_DRIVERS, S_SYSTEM_THREADS,
    S_N
};
static const struct scn__key top_keys[S_N] = {
    [S_NAME] = {"name", 0},
    [S_SEED] = {"seed", 0},
    [S_DURATION] = {"duration", 0},
    [S_MACHINE] = {"machine", 0},
    [S_PROCESSES] = {"processes", SCN__REQUIRED},
    [S_RESOURCES] = {"resources", 0},
    [S_DRIVERS] = {"drivers", 0},
    [S_SYSTEM_THREADS] = {"system_threads", 0},
};
static const struct scn__section top_section = SCN__SECTION("scenario", top_keys);

enum {
    M_CPUS, M_POLICY, M_CLOCK_TICK, M_QUANTUM, M_SEPARATION, M_SLICE, M_COSTS, M_LIMITS,
    M_TOPOLOGY, M_AUTOBOOST, M_QUANTUM_MODE, M_STARVATION, M_RESOURCE_BOOST, M_N
};
static const struct scn__key machine_keys[M_N] = {
    [M_CPUS] = {"cpus", 0},
    [M_POLICY] = {"policy", 0},
    [M_CLOCK_TICK] = {"clock_tick", 0},
    [M_QUANTUM] = {"quantum", 0},
    [M_SEPARATION] = {"priority_separation", 0},
    [M_SLICE] = {"slice", 0},
    [M_COSTS] = {"costs", 0},
    [M_LIMITS] = {"limits", 0},
    [M_TOPOLOGY] = {"topology", 0},
    [M_AUTOBOOST] = {"autoboost", 0},
    [M_QUANTUM_MODE] = {"quantum_mode", 0},
    [M_STARVATION] = {"starvation_ticks", 0},
    [M_RESOURCE_BOOST] = {"resource_boost", 0},
};
static const struct scn__section machine_section = SCN__SECTION("machine", machine_keys);

enum { TP_GROUPS, TP_CORES, TP_SMT, TP_N };
static const struct scn__key topology_keys[TP_N] = {
    [TP_GROUPS] = {"groups", 0},
    [TP_CORES] = {"cores", SCN__REQUIRED},
    [TP_SMT] = {"smt", 0},
};
static const struct scn__section topology_section = SCN__SECTION("topology", topology_keys);

enum { Q_UNITS, Q_N };
static const struct scn__key quantum_keys[Q_N] = {[Q_UNITS] = {"units", SCN__REQUIRED}};
static const struct scn__section quantum_section = SCN__SECTION("quantum", quantum_keys);

/* ===== machine ========================================================== */

static void policy(struct scn__ctx *c, const struct scn__field *f, struct ke_machine_config *m)
{
    const char *names[32]; /* the registry's names, for the "expected" list */
    int n = 0, i;
    while (n < 32 && (names[n] = ke_policy_name(n)))
        n++;
    if (f->val && scn__enum(c, f, names, n, NULL, &i) == 0 && ke_policy_exists(names[i]))
        snprintf(m->policy, sizeof m->policy, "%s", names[i]);
}

/* client | server | {units: N} */
static void quantum(struct scn__ctx *c, const struct scn__field *f, struct ke_machine_config *m)
{
    static const char *const presets[] = {[KE_QUANTUM_CLIENT] = "client",
                                          [KE_QUANTUM_SERVER] = "server"};
    struct scn__field q[Q_N];
    int i;
    if (!f->val)
        return;
    if (f->val->type == YAML_MAPPING_NODE) {
        if (scn__fields(c, f->val, f->name, &quantum_section, q) == 0 && q[Q_UNITS].val &&
            scn__int(c, &q[Q_UNITS], 1, 127, &m->quantum_units) == 0)
            m->quantum = KE_QUANTUM_UNITS;
    } else if (scn__enum(c, f, presets, 2, "{units: N}", &i) == 0) {
        m->quantum = (enum ke_quantum_preset)i;
    }
}

/* {cores: C, smt: S} (groups: 1, the only processor group, R4.9): C x S
 * processors, hardware threads of a core numbered together, as
 * models/policy_nt.c assumes.  `cpus` may be given too if it agrees. */
static void topology(struct scn__ctx *c, const struct scn__field *f, const struct scn__field *cpus,
                     struct ke_machine_config *m)
{
    struct scn__field k[TP_N];
    int groups = 1, cores = 0, smt = 1;
    if (!f->val || scn__fields(c, f->val, f->name, &topology_section, k) < 0 || !k[TP_CORES].val)
        return;
    if (scn__int(c, &k[TP_GROUPS], 1, INT32_MAX, &groups) < 0 ||
        scn__int(c, &k[TP_CORES], 1, KE_MAX_CPUS, &cores) < 0 ||
        scn__int(c, &k[TP_SMT], 1, KE_MAX_CPUS, &smt) < 0)
        return;
    if (groups != 1) {
        scn__error(c, k[TP_GROUPS].val, -1, "'groups' must be 1: pssim models one processor "
                   "group of at most %d CPUs (NT-SCHEDULER-SPEC R4.9)", KE_MAX_CPUS);
        return;
    }
    if (cores * smt > KE_MAX_CPUS) {
        scn__error(c, f->val, -1, "topology gives %d x %d = %d CPUs, more than the %d of one "
                   "processor group (NT-SCHEDULER-SPEC R4.9)", cores, smt, cores * smt,
                   KE_MAX_CPUS);
    } else if (cpus->val && m->cpus != cores * smt) {
        if (c->cpus > 0) /* else cpus itself is in error */
            scn__error(c, f->val, -1, "topology gives %d x %d = %d CPUs, but 'cpus' is %d "
                       "(give one of them, or both in agreement)", cores, smt, cores * smt,
                       m->cpus);
    } else {
        m->cpus = c->cpus = cores * smt;
        m->smt = smt;
    }
}

/* The options where NT-SCHEDULER-SPEC leaves room (README "Options"). */
static void nt_options(struct scn__ctx *c, const struct scn__field *k, struct ke_machine_config *m)
{
    static const char *const modes[] = {"tick", "cpu_time"};
    int mode = m->quantum_by_cpu_time;
    scn__bool(c, &k[M_AUTOBOOST], &m->autoboost);
    if (scn__enum(c, &k[M_QUANTUM_MODE], modes, 2, NULL, &mode) == 0)
        m->quantum_by_cpu_time = mode == 1;
    scn__int(c, &k[M_RESOURCE_BOOST], 1, 15, &m->resource_boost);
    if (scn__int(c, &k[M_STARVATION], 1, INT32_MAX, &m->starvation_ticks) < 0)
        return;
    /* the balance-set manager's threshold is ticks x clock_tick (R3.7) */
    if (m->starvation_ticks > SIM_DURATION_MAX / m->clock_tick) {
        const struct scn__field *at = k[M_STARVATION].val ? &k[M_STARVATION] : &k[M_CLOCK_TICK];
        scn__error(c, at->val, -1, "starvation_ticks x clock_tick (%d x %.9g s) is longer than "
                   "the longest duration, 2^60 ns", m->starvation_ticks,
                   sim_time_to_seconds(m->clock_tick));
    }
}

static void machine(struct scn__ctx *c, const struct scn__field *f, struct ke_machine_config *m)
{
    struct scn__field k[M_N];
    if (!f->val)
        return;
    c->cpus = 0; /* unknown until proven valid: affinities then check what they can */
    if (scn__fields(c, f->val, f->name, &machine_section, k) < 0)
        return;
    if (scn__int(c, &k[M_CPUS], 1, KE_MAX_CPUS, &m->cpus) == 0)
        c->cpus = k[M_CPUS].val || !k[M_TOPOLOGY].val ? m->cpus : 0;
    topology(c, &k[M_TOPOLOGY], &k[M_CPUS], m);
    policy(c, &k[M_POLICY], m);
    scn__duration(c, &k[M_CLOCK_TICK], true, &m->clock_tick);
    quantum(c, &k[M_QUANTUM], m);
    scn__int(c, &k[M_SEPARATION], 0, 2, &m->priority_separation);
    scn__duration(c, &k[M_SLICE], true, &m->slice);
    scn__costs(c, &k[M_COSTS], m);
    scn__limits(c, &k[M_LIMITS], &m->limits);
    nt_options(c, k, m);
}

/* ===== top level ======================================================== */

static void convert(struct scn__ctx *c, struct scn_scenario *out)
{
    struct scn__field f[S_N];
    char *name = NULL;
    if (scn__fields(c, yaml_document_get_root_node(&c->doc), "scenario", &top_section, f) < 0)
        return;
    if (scn__text(c, &f[S_NAME], &name) == 0 && name) {
        free(out->name);
        out->name = name;
    }
    scn__uint(c, &f[S_SEED], 0, UINT64_MAX, &out->seed);
    scn__duration(c, &f[S_DURATION], true, &out->duration);
    machine(c, &f[S_MACHINE], &out->wl.machine);
    scn__resources(c, &f[S_RESOURCES], &out->wl);
    scn__processes(c, &f[S_PROCESSES], &out->wl);
    scn__system_threads(c, &f[S_SYSTEM_THREADS], &out->wl);
    scn__drivers(c, &f[S_DRIVERS], &out->wl);
    scn__resolve_targets(c, &out->wl);
    scn__pico_lock(c, &out->wl);
    scn__static_checks(c, &out->wl);
    scn__check_counts(c, &out->wl);
}

/* FNV-1a 64 of the file, then of each override as "key=value\n": a run's
 * scenario is identified by what was actually simulated. */
static void hash(const struct scn__ctx *c, struct scn_scenario *out)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    const uint64_t prime = UINT64_C(0x100000001b3);
    for (size_t i = 0; i < c->len; i++)
        h = (h ^ c->text[i]) * prime;
    for (size_t k = 0; k < c->nov; k++) {
        const char *parts[] = {c->ov[k].key, "=", c->ov[k].value, "\n"};
        for (int p = 0; p < 4; p++)
            for (const char *s = parts[p]; *s; s++)
                h = (h ^ (unsigned char)*s) * prime;
    }
    snprintf(out->hash, sizeof out->hash, "%016" PRIx64, h);
}

/* Length of the valid UTF-8 character at s (not U+0000, no overlong form,
 * no surrogate), or 0. */
static size_t utf8_char(const unsigned char *s)
{
    static const struct { unsigned char lo, hi, lo2, hi2, n; } lead[] = {
        {0xC2, 0xDF, 0x80, 0xBF, 2}, {0xE0, 0xE0, 0xA0, 0xBF, 3}, {0xE1, 0xEC, 0x80, 0xBF, 3},
        {0xED, 0xED, 0x80, 0x9F, 3}, {0xEE, 0xEF, 0x80, 0xBF, 3}, {0xF0, 0xF0, 0x90, 0xBF, 4},
        {0xF1, 0xF3, 0x80, 0xBF, 4}, {0xF4, 0xF4, 0x80, 0x8F, 4},
    };
    if (s[0] >= 0x20 && s[0] < 0x7F)
        return 1;
    for (size_t i = 0; i < sizeof lead / sizeof lead[0]; i++) {
        if (s[0] < lead[i].lo || s[0] > lead[i].hi)
            continue;
        if (s[1] < lead[i].lo2 || s[1] > lead[i].hi2)
            return 0;
        for (unsigned k = 2; k < lead[i].n; k++)
            if ((s[k] & 0xC0) != 0x80)
                return 0;
        return lead[i].n;
    }
    return 0;
}

/* A name taken from a file name may hold any byte; every output (JSON, the
 * database, plots, traces, the terminal) expects one line of UTF-8, as a
 * `name:` in the file is: other bytes become '_'. */
static void clean_name(char *name)
{
    unsigned char *s = (unsigned char *)name;
    while (*s) {
        size_t n = utf8_char(s);
        if (n == 0)
            *s++ = '_';
        s += n;
    }
}

/* Path, base directory (for empirical(file.csv)) and the default name: the
 * file name without its extension. */
static int setup(struct scn__ctx *c, struct scn_scenario *out, const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    out->path = strdup(path);
    out->name = strndup(base, dot && dot != base ? (size_t)(dot - base) : strlen(base));
    c->basedir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    if (!out->path || !out->name || !c->basedir) {
        scn__oom(c);
        return -1;
    }
    clean_name(out->name);
    c->path = out->path; /* ke_src.file of every spec points into the scenario */
    return 0;
}

/* The one load path of scn_load and scn_load_buffer: `text` NULL means
 * read the file `path`. */
static int load(const char *path, const void *text, size_t len, const struct scn_override *ov,
                size_t nov, struct scn_scenario *out, FILE *errfp)
{
    struct scn__ctx c;
    memset(&c, 0, sizeof c);
    memset(out, 0, sizeof *out);
    c.path = path;
    c.errfp = errfp;
    c.ov = ov;
    c.nov = nov;
    ps_workload_init(&out->wl);
    out->seed = 1;
    out->duration = 10 * SIM_S;
    c.cpus = out->wl.machine.cpus;
    if (setup(&c, out, path) == 0 &&
        (text ? scn__read_buffer(&c, text, len) : scn__read_file(&c)) == 0) {
        hash(&c, out);
        if (scn__parse(&c) == 0) {
            scn__apply_overrides(&c);
            convert(&c, out);
            if (c.ndiags == 0 && !c.oom) /* a valid scenario: record what it became */
                scn__params_json(&c, &out->params_json);
        }
    }
    size_t errors = scn__flush(&c);
    scn__resources_done(&c);
    scn__names_clear(&c.process_names);
    scn__names_clear(&c.thread_names);
    if (c.have_doc)
        yaml_document_delete(&c.doc);
    free(c.text);
    free(c.basedir);
    free(c.ov_first);
    free(c.ov_last);
    if (errors) {
        scn_free(out);
        return -1;
    }
    return 0;
}

int scn_load(const char *path, const struct scn_override *ov, size_t nov,
             struct scn_scenario *out, FILE *errfp)
{
    return load(path, NULL, 0, ov, nov, out, errfp);
}

int scn_load_buffer(const char *path, const void *text, size_t len,
                    const struct scn_override *ov, size_t nov, struct scn_scenario *out,
                    FILE *errfp)
{
    return load(path, text ? text : "", len, ov, nov, out, errfp);
}

void scn_free(struct scn_scenario *s)
{
    ps_workload_free(&s->wl);
    free(s->params_json);
    free(s->path);
    free(s->name);
    memset(s, 0, sizeof *s);
}
