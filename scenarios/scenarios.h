/* scenarios/scenarios.h - public interface of the scenario loader (layer: scenarios).
 *
 * Reads a scenario file (YAML, the format of README "Scenario files"),
 * applies `--set key=value` overrides, validates everything and fills a
 * `struct ps_workload` for models/.  Every user error is printed in GNU form,
 * "file:line:col: error: message", and the load fails as a whole: no
 * partially loaded scenario ever reaches the simulator.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef PSSIM_SCENARIOS_H
#define PSSIM_SCENARIOS_H

#include <stdint.h>
#include <stdio.h>

#include "models/models.h"
#include "sim/sim.h"

/* One `--set KEY=VALUE`.  KEY is a dotted path; a sequence element is
 * addressed by its `name` (processes.bash.arrivals.count) or by its 0-based
 * index (processes.0.threads.1.priority).  VALUE is parsed as YAML flow text,
 * so `--set machine.topology={cores: 4, smt: 2}` works. */
struct scn_override {
    const char *key;
    const char *value;
};

struct scn_scenario {
    char *path;          /* as given; ke_src.file points into it */
    char *name;          /* `name:`, else the file name without extension */
    uint64_t seed;       /* `seed:`, default 1 */
    sim_time_t duration; /* `duration:`, default 10s */
    char hash[17];       /* FNV-1a 64 of the file bytes and the overrides, hex */
    char *params_json;   /* the document after overrides as canonical JSON, one
                          * line (scenarios/params.c): every parameter of the run */
    struct ps_workload wl;
};

/* Load and validate `path`.  Errors go to `errfp` (one line each, at most
 * 20); returns 0, or -1 when the file cannot be used (then `out` holds
 * nothing to free). */
int scn_load(const char *path, const struct scn_override *ov, size_t nov,
             struct scn_scenario *out, FILE *errfp);
/* The same for a scenario already in memory (len bytes, no terminator
 * needed): `path` names it in messages and locates empirical(file.csv). */
int scn_load_buffer(const char *path, const void *text, size_t len,
                    const struct scn_override *ov, size_t nov, struct scn_scenario *out,
                    FILE *errfp);
void scn_free(struct scn_scenario *s);

/* Split "KEY=VALUE" in place into an override; -1 if there is no '='. */
int scn_override_parse(char *arg, struct scn_override *out);

/* ===== experiment files (scenarios/experiment.c) ========================
 *
 * An experiment (README "Batch experiments") is a scenario, a sweep over
 * scenario keys, a number of replications and a base seed.  Its runs are
 * numbered in one global order: run i is replication i % replications of
 * sweep point i / replications, and the points are the cartesian product of
 * the sweep's value lists with the keys in file order and the last key
 * varying fastest (the odometer order). */

#define SCN_EXPERIMENT_MAX_POINTS 10000
#define SCN_EXPERIMENT_MAX_RUNS 1000000

/* One swept key and its values, as `--set KEY=VALUE` would give them. */
struct scn_sweep {
    char *key;
    char **values; /* YAML flow text (a mapping value is written {k: v}) */
    size_t nvalues;
};

/* A plot the experiment declares: metric `y` (a run metric's name, or
 * SCOPE:ENTITY:NAME) against sweep key `x`, one line per value of sweep key
 * `series` (NULL: a single line). */
struct scn_plot {
    char *x, *y, *series;
};

struct scn_experiment {
    char *path;           /* as given */
    char *name;           /* `experiment:` */
    char *scenario;       /* `scenario:` resolved against the experiment's directory */
    int replications;     /* default 1 */
    uint64_t seed;        /* base seed, default 1 */
    struct scn_sweep *sweep;
    size_t nsweep;
    size_t npoints;       /* product of the value counts; 1 without sweep */
    struct scn_plot *plots;
    size_t nplots;
    char *text;           /* the file's bytes, NUL-terminated: the stored definition */
    size_t len;
    char hash[17];        /* FNV-1a 64 of the file and of the scenario's file, hex;
                           * "" when loaded with SCN_EXPERIMENT_NO_SCENARIO */
};

/* Do not open the scenario: check the experiment file alone (for reading
 * back a stored definition). */
#define SCN_EXPERIMENT_NO_SCENARIO 1u

/* Load and validate experiment `path`, including its scenario under every
 * sweep value and every sweep point (a value that makes the scenario
 * invalid is reported at the value's position in the experiment file).
 * Errors go to errfp as for scn_load; 0, or -1 (`out` then holds nothing). */
int scn_experiment_load(const char *path, struct scn_experiment *out, FILE *errfp);
int scn_experiment_load_buffer(const char *path, const void *text, size_t len, unsigned flags,
                               struct scn_experiment *out, FILE *errfp);
void scn_experiment_free(struct scn_experiment *e);
/* points x replications */
size_t scn_experiment_runs(const struct scn_experiment *e);
/* The overrides of sweep point `point`, one per sweep key, into
 * ov[0..e->nsweep); they point into `e`. */
void scn_experiment_point(const struct scn_experiment *e, size_t point, struct scn_override *ov);
/* The seed of a replication of a point: sim_seed_derive(e->seed,
 * "point/P/replication/R") with the top bit cleared, so that it is the same
 * integer in the runs table and on the `pssim run --seed` command line. */
uint64_t scn_experiment_seed(const struct scn_experiment *e, size_t point, int replication);

#endif
