/* tests/results_harness.h - results databases and plot directories for analysis tests (layer: tests).
 *
 * Lets a test of the aggregation, the comparison and the sweep plots fill a
 * results database in memory with runs of chosen parameters and metric
 * values in a line each, and inspect the files a plot wrote.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef PSSIM_TESTS_RESULTS_HARNESS_H
#define PSSIM_TESTS_RESULTS_HARNESS_H

#include "analysis/analysis.h"

/* A metric row of a synthetic run. */
struct h_metric {
    enum an_scope scope;
    const char *entity, *name;
    double value;
};

/* A private database in memory (fails the test when it cannot be opened). */
struct an_store *h_store(void);
/* Store a run of `scenario` with `params` (JSON), `seed`, `status`, in
 * experiment `experiment_id` (0: none), with the metric rows m[0..n);
 * returns its id. */
int64_t h_run(struct an_store *st, const char *scenario, const char *params, uint64_t seed,
              const char *status, int64_t experiment_id, const struct h_metric *m, size_t n);
/* The same with one run-scope metric. */
int64_t h_run1(struct an_store *st, const char *scenario, const char *params, uint64_t seed,
               const char *name, double value);
/* Record experiment `name` with `definition` (may be NULL) in the database
 * of `st`; returns its id. */
int64_t h_experiment(struct an_store *st, const char *name, const char *definition);

/* A fresh directory under /tmp, its path in dir[64]; and its removal with
 * the files in it. */
void h_tmpdir(char *dir);
void h_rmtree(const char *dir);
/* DIR/NAME's whole text (malloc'd); NULL when there is no such file. */
char *h_slurp(const char *dir, const char *name);

#endif
