/* tests/validation/validate.h - the validation suite's shared declarations (layer: tests).
 *
 * The suite runs scenario files whose answers are known in closed form
 * (the .yaml files of tests/validation) and compares what the simulator
 * measures with the formula.  validate.c drives the replications and prints the table,
 * jobs.c turns a run's metric rows into per-job observations and
 * statistics, cases.c holds the closed forms and the list of cases, and
 * schedule.c records a run's slices and compares them with a schedule
 * worked out by hand.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef PSSIM_VALIDATE_H
#define PSSIM_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "analysis/analysis.h"
#include "scenarios/scenarios.h"

#define VAL_MAX_CLASSES 4
#define VAL_MAX_METRICS 4
#define VAL_MAX_REPS 256

/* ===== the queueing model a scenario describes =========================== */

/* One arrival process: Poisson arrivals of one-thread jobs whose program is
 * one `run` followed by `exit`.  Rates in 1/s, moments in s and s^2. */
struct val_class {
    const char *name;  /* the process name in the scenario */
    double lambda;     /* arrival rate */
    double es, es2;    /* E[S], E[S^2] of the service time */
    long count;        /* arrivals per replication */
};

struct val_model {
    int cpus;
    int nclasses;
    struct val_class cls[VAL_MAX_CLASSES];
};

/* Read the model off a loaded scenario; -1 with a message when the scenario
 * is not of that form (a case file edited into something else). */
int val_model_read(const struct scn_scenario *s, struct val_model *m, FILE *errfp);
double val_model_load(const struct val_model *m); /* sum lambda E[S] / cpus */

/* ===== one replication's jobs ============================================ */

struct val_job {
    int cls;            /* index in val_model.cls */
    long k;             /* instance number: name#k, in arrival order */
    double response;    /* arrival to exit, s */
    double cpu;         /* CPU time, s: the service time when switches cost 0 */
};

struct val_rep {
    const struct an_result *r;
    struct val_job *jobs; /* every process row set with a response_time */
    size_t n;
};

/* Collect the jobs of a run.  0, or -1 out of memory. */
int val_rep_read(struct val_rep *rep, const struct an_result *r, const struct val_model *m);
void val_rep_free(struct val_rep *rep);
/* The value of a run-scope row, or NAN. */
double val_run_metric(const struct val_rep *rep, const char *name);

/* What to average over the steady jobs (past the warm-up, before the run-out,
 * see jobs.c) of one class (-1: every class). */
enum val_what { VAL_RESPONSE, VAL_WAIT, VAL_WAITED };
double val_steady_mean(const struct val_rep *rep, const struct val_model *m, int cls, enum val_what w);
/* The p-quantile (nearest rank) of the steady jobs' response times. */
double val_steady_quantile(const struct val_rep *rep, const struct val_model *m, int cls, double p);

/* Mean and Student-t confidence interval half-width of x[0..n). */
struct val_ci {
    double mean, half;
};
struct val_ci val_ci(const double *x, int n, double level);

/* ===== cases ============================================================= */

/* One compared quantity: its closed form and its estimate from one
 * replication. */
struct val_metric {
    const char *name;
    double (*analytic)(const struct val_model *m);
    double (*estimate)(const struct val_rep *rep, const struct val_model *m);
};

struct val_case {
    const char *name;
    const char *file;      /* in the validation directory */
    const char *policy;    /* the policy it needs, to skip when not built in */
    const char *checks;    /* one line: what it checks, for the README and --list */
    /* Queueing cases: the metrics.  A schedule case has none and an
     * `expected` file instead, compared slice by slice on one run. */
    struct val_metric metrics[VAL_MAX_METRICS];
    const char *expected;
};

extern const struct val_case val_cases[];
extern const size_t val_ncases;

/* ===== schedules ========================================================= */

/* Run `s` once and compare its slices with the hand-worked schedule in
 * `expected_path`.  Prints every difference on `out`; returns the number of
 * expected slices matched in *matched and the total in *total; 0, or -1 when
 * the run or the file failed (message on errfp). */
int val_schedule_compare(const struct scn_scenario *s, const char *expected_path, FILE *out,
                         int *matched, int *total, FILE *errfp);

#endif
