/* analysis/analysis.h - public interface of the analysis layer (layer: analysis).
 *
 * Turns what the models report through their probes into metrics, and
 * metrics into output.  A run's metrics are rows (scope, entity, name,
 * value), the same rows in the summary table, in `--json`, in the results
 * database and in `compare` (README "Metrics" documents every name).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef PSSIM_ANALYSIS_H
#define PSSIM_ANALYSIS_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "models/models.h"
#include "scenarios/scenarios.h"
#include "sim/sim.h"

/* ===== metric rows ====================================================== */

enum an_scope {
    AN_SCOPE_RUN,
    AN_SCOPE_SUBSYSTEM,
    AN_SCOPE_PROCESS,
    AN_SCOPE_THREAD,
    AN_SCOPE_CPU,
    AN_SCOPE_LOCK,
};

struct an_row {
    enum an_scope scope;
    char *entity;     /* owned; "" for the run scope */
    const char *name; /* a string literal */
    double value;     /* times in seconds */
};

struct an_result {
    char *scenario;      /* owned */
    uint64_t seed;
    sim_time_t sim_time;
    uint64_t events;
    double wall_seconds;
    int ncpus;
    const char *status;  /* "done", "max_events", "interrupted", "error" */
    struct an_row *rows;
    size_t n, cap;
};

const char *an_scope_name(enum an_scope s); /* "run", "subsystem", ... */
/* Append a row (the entity is copied).  0, or -1 when out of memory. */
int an_result_add(struct an_result *r, enum an_scope scope, const char *entity,
                  const char *name, double value);
/* The first row matching, or NULL. */
const struct an_row *an_result_find(const struct an_result *r, enum an_scope scope,
                                    const char *entity, const char *name);
void an_result_free(struct an_result *r);

/* ===== metrics: the probe listener ====================================== */

struct an_metrics;

struct an_metrics *an_metrics_new(void);
void an_metrics_free(struct an_metrics *am);
/* The probe to pass to the machine; valid while `am` lives. */
const struct ke_probe *an_metrics_probe(struct an_metrics *am);
/* After the run, before the machine is destroyed: append every metric row
 * of DESIGN "Metrics" to `out`, in a fixed order (run, subsystem, process,
 * thread, cpu, lock; entities in creation order).  0, or -1 out of memory. */
int an_metrics_finish(struct an_metrics *am, sim_time_t end, int ncpus, struct an_result *out);

/* ===== probe fan-out ===================================================== */

/* One probe that forwards every callback to up to AN_MUX_MAX probes, in
 * order (metrics, trace, ...). */
#define AN_MUX_MAX 4
struct an_mux {
    struct ke_probe probe;
    const struct ke_probe *to[AN_MUX_MAX];
    int n;
};
void an_mux_init(struct an_mux *mux);
void an_mux_add(struct an_mux *mux, const struct ke_probe *p);

/* ===== output =========================================================== */

/* `--json`: one object {"scenario", "seed", "sim_time_ns", "events",
 * "wall_seconds", "status", "metrics": [{"scope","entity","name","value"}]}.
 * With `stable`, wall_seconds is written as 0 so outputs can be compared
 * byte for byte. */
int an_write_json(FILE *f, const struct an_result *r, bool stable);
/* The human summary table of `pssim run`. */
void an_print_summary(FILE *f, const struct an_result *r);

/* ===== running a scenario ================================================ */

/* Something else that listens to a run (a trace writer, a time-series
 * collector): its probe is attached beside the metrics, and `finish` (may
 * be NULL) is called after the run, before the machine is destroyed, and
 * may add to the result.  Returns 0, or -1 with a message on errfp. */
struct an_listener {
    const struct ke_probe *probe;
    int (*finish)(void *ctx, sim_time_t end, int ncpus, struct an_result *out, FILE *errfp);
    void *ctx;
};

struct an_run_options {
    uint64_t seed;           /* used when has_seed */
    bool has_seed;
    sim_time_t duration;     /* used when > 0 */
    uint64_t max_events;
    bool check_invariants;
    bool progress;           /* progress on stderr */
    volatile sig_atomic_t *stop_flag; /* raised by a signal handler: stop soon */
    const struct an_listener *listeners; /* up to AN_MUX_MAX - 1 */
    int nlisteners;
};

/* Build the machine for `s`, run it, collect its metrics into `out`.
 * Returns 0 (see out->status), or -1 with a message on `errfp`. */
int an_run_scenario(const struct scn_scenario *s, const struct an_run_options *opt,
                    struct an_result *out, FILE *errfp);

#endif
