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
    AN_SCOPE_DRIVER,
    AN_SCOPE_COUNT
};

struct an_strings; /* string storage owned by a result (analysis/result_series.c) */

struct an_row {
    enum an_scope scope;
    char *entity;     /* owned; "" for the run scope */
    const char *name; /* a string literal, or kept in the result's strings */
    double value;     /* times in seconds */
};

/* ===== time series for plots (analysis/series.c) ======================= */

/* What the plots need beyond the metric rows, collected by the series
 * listener and stored whole in the results database.  Every string is owned
 * by the result (an_result.strings); scope/entity/name follow the metric rows'
 * conventions ("cpu"/"0", "subsystem"/"wsl", "process"/"make#3", ...). */

/* A thread's stretch on one processor, [start, end). */
struct an_slice {
    sim_time_t start, end;
    int cpu;
    int priority;          /* its priority when it was switched in */
    uint32_t pid, tid;
    const char *process;   /* process entity */
    const char *thread;    /* thread entity, "process/thread" */
    const char *subsystem; /* "win32", "wsl" */
};

struct an_point {
    double x, y;
};

/* Ordered points of one quantity of one entity. */
struct an_curve {
    const char *scope, *entity, *name;
    struct an_point *pts;
    size_t n;
};

/* A non-empty histogram bucket: `count` values below `upper` (ns) and at or
 * above the bucket before it (32 buckets per power of two, analysis/hist.c). */
struct an_bucket {
    sim_time_t upper;
    uint64_t count;
};

struct an_histo {
    const char *scope, *entity, *name;
    struct an_bucket *b;
    size_t n;
};

/* What a process was, for grouping its rows and series. */
struct an_process_info {
    const char *entity, *subsystem, *priority_class;
    uint32_t pid;
    sim_time_t arrival, exit; /* exit < 0: it had not exited when the run ended */
};

struct an_series_data {
    sim_time_t gantt_window; /* slices cover [0, gantt_window); 0: none collected */
    struct an_slice *slices;
    size_t nslices;
    struct an_curve *curves;
    size_t ncurves;
    struct an_histo *histos;
    size_t nhistos;
    struct an_process_info *procs;
    size_t nprocs;
};

struct an_result {
    char *scenario;      /* owned */
    uint64_t seed;
    sim_time_t sim_time;
    uint64_t events;
    double wall_seconds;
    int ncpus;
    const char *status;  /* "done", "max_events", "interrupted", "error", "deadlock" */
    char *message;       /* owned; why it stopped early (error, deadlock report), or NULL */
    struct an_row *rows;
    size_t n, cap;
    struct an_series_data series; /* empty unless a series listener ran */
    struct an_strings *strings;   /* owns the series' strings, and the row names
                                   * of a result read from a database */
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

/* ===== contention per lock (analysis/locks.c) =========================== */

struct an_locks;
/* One accumulator per resource of `wl`, which must outlive it. */
struct an_locks *an_locks_new(const struct ps_workload *wl);
void an_locks_free(struct an_locks *al);
const struct ke_probe *an_locks_probe(struct an_locks *al);
/* Append the lock-scope rows (README "Metrics"), in resource order. */
int an_locks_finish(struct an_locks *al, sim_time_t end, struct an_result *out);

/* ===== probe fan-out ===================================================== */

/* One probe that forwards every callback to up to AN_MUX_MAX probes, in
 * order (metrics, trace, ...). */
#define AN_MUX_MAX 8
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
    const struct an_listener *listeners; /* up to AN_MUX_MAX - 2 */
    int nlisteners;
};

/* Build the machine for `s`, run it, collect its metrics into `out`.
 * Returns 0 (see out->status), or -1 with a message on `errfp`. */
int an_run_scenario(const struct scn_scenario *s, const struct an_run_options *opt,
                    struct an_result *out, FILE *errfp);

/* ===== time series for plots: the listener (analysis/series.c) ========== */

#define AN_SERIES_WINDOW (2 * SIM_S) /* default Gantt window */
#define AN_SERIES_BINS 200           /* utilisation bins: between 100 and 200 are used */
#define AN_SERIES_MAX_SLICES 32768   /* the Gantt window closes early past this */

struct an_series;

/* A listener that fills an_result.series: the slices of [0, window) for
 * the Gantt chart, utilisation over time per processor, latency
 * histograms per subsystem and per priority class, the processes, and
 * each process's CPU share against its entitlement (definitions at the
 * top of analysis/series.c).  O(1) per callback; memory follows the
 * number of threads and the window, not the simulated time. */
struct an_series *an_series_new(sim_time_t window);
void an_series_free(struct an_series *s);
/* The listener to pass in an_run_options.listeners; valid while `s` lives. */
struct an_listener an_series_listener(struct an_series *s);

/* ===== results database (analysis/store.c) ============================== */

#define AN_STORE_DEFAULT_PATH "pssim.db"
#define AN_STORE_SCHEMA_VERSION 2 /* the version this build writes */

struct an_store;

/* What a run's row records beyond the result itself. */
struct an_run_meta {
    const char *scenario_path;
    const char *scenario_hash;
    const char *params_json;   /* every parameter after overrides (scn_scenario) */
    int64_t experiment_id;     /* 0: none, as for a plain `pssim run` */
    int replication;
    const char *message;       /* NULL, or why the run failed */
    int64_t point;             /* the sweep point, with experiment_id only */
};

/* Open the results database at `path` (":memory:" for a private one in
 * memory), creating it or bringing its schema up to date; a database of a
 * newer schema is refused.  0, or -1 with a message on errfp. */
int an_store_open(struct an_store **out, const char *path, FILE *errfp);
void an_store_close(struct an_store *st);
/* Store a run whole (one transaction) and give its id.  0, or -1 with a
 * message on errfp (then nothing of it is stored). */
int an_store_put(struct an_store *st, const struct an_run_meta *meta, const struct an_result *r,
                 int64_t *run_id, FILE *errfp);
/* The latest run's id, 0 when there is none.  0, or -1 with a message. */
int an_store_latest(struct an_store *st, int64_t *run_id, FILE *errfp);
/* Read run `id` back into `out`: the rows and series that were put, in the
 * same order.  0; 1 when there is no run `id`; -1 on an error.  A message
 * on errfp but for 0. */
int an_store_get(struct an_store *st, int64_t id, struct an_result *out, FILE *errfp);

/* ===== batch experiments (analysis/batch.c, analysis/merge.c) =========== */

struct an_batch_options {
    const char *db;     /* the results database, created when missing */
    int jobs;           /* worker processes */
    bool resume;        /* go on with an experiment that already has runs in db */
    int shard, shards;  /* do the runs i with i % shards == shard - 1 (1 <= shard <= shards) */
    FILE *progress;     /* NULL: no progress */
    bool bar;           /* one line redrawn (a terminal), else a line per run */
    volatile sig_atomic_t *stop_flag; /* raised by a signal handler: stop now */
    sim_time_t gantt_window; /* slices stored per run: [0, this); 0: AN_SERIES_WINDOW */
};

struct an_batch_summary {
    size_t runs;        /* of the experiment */
    size_t selected;    /* of them, in this shard */
    size_t before;      /* of those, stored before this batch */
    size_t stored;      /* of those, stored at its end */
    size_t failed;      /* of the stored ones, with status "error" */
    size_t done_now;    /* runs this batch stored */
    bool interrupted;   /* the stop flag ended it with runs left */
    double wall_seconds;
};

/* Run the experiment's runs of the shard that db does not hold yet on
 * o->jobs worker processes, storing each whole as it finishes (README
 * "Batch experiments").  A run that fails is stored with status "error".
 * 0 (see sum: interrupted, failed); 1 when refused (another definition of
 * the experiment in db, or runs already there without resume; a message
 * says so); -1 on an I/O error (a message). */
int an_batch_run(const struct scn_experiment *e, const struct an_batch_options *o,
                 struct an_batch_summary *sum, FILE *errfp);

struct an_merge_counts {
    size_t files;         /* inputs merged */
    size_t copied, skipped; /* runs: new ones, and those `st` already held */
};

/* Copy every run of the results databases in[0..n) into `st` (the file
 * `out`), each input in one transaction, skipping the runs already there.
 * Refuses, before copying anything, an experiment name recorded with two
 * definitions.  0; 1 when refused (a message; also a missing or foreign
 * input); -1 on an I/O error (a message). */
int an_merge(struct an_store *st, const char *out, const char *const *in, size_t n,
             struct an_merge_counts *counts, FILE *errfp);

/* ===== plots (analysis/plot.c) =========================================== */

enum an_plot_format { AN_PLOT_PNG, AN_PLOT_SVG, AN_PLOT_PDF };

struct an_plot_options {
    const char *dir;            /* written into, created when missing */
    enum an_plot_format format;
    const char *gnuplot;        /* the program to render with */
    int timeout_s;              /* per gnuplot run */
    int64_t run_id;             /* for titles; 0: not stored */
};

#define AN_PLOT_NOT_RENDERED 1 /* an_plot_write: scripts written, gnuplot missing */

/* "png", "svg" or "pdf"; -1 for anything else. */
int an_plot_format_parse(const char *s, enum an_plot_format *out);
const char *an_plot_format_name(enum an_plot_format f);
/* Write NAME.gp and NAME.dat for every plot of `r` into o->dir, atomically,
 * then run gnuplot on each to make NAME.png (svg, pdf).  Returns 0;
 * AN_PLOT_NOT_RENDERED when gnuplot cannot be run (a message on errfp says
 * how to render the scripts); -1 with a message on an error. */
int an_plot_write(const struct an_result *r, const struct an_plot_options *o, FILE *errfp);

/* ===== statistics across replications (analysis/aggregate.c) =========== */

#define AN_CI_LEVEL 0.95 /* of the confidence intervals of means */

/* One metric summarised over the runs of a sweep point. */
struct an_stats {
    size_t n;            /* values: the runs where the metric has one */
    double mean, median; /* NaN when n = 0 */
    double sd;           /* sample standard deviation (divisor n - 1); NaN when n < 2 */
    double ci_lo, ci_hi; /* AN_CI_LEVEL confidence interval of the mean, Student t with
                          * n - 1 degrees of freedom; NaN when n < 2 (no spread known) */
};

/* Summarise x[0..n), which is sorted in place. */
void an_stats_compute(double *x, size_t n, struct an_stats *out);

/* Welch's unequal-variance t-test of mean(b) - mean(a), two-sided: t, the
 * Welch-Satterthwaite degrees of freedom and the p-value. */
struct an_welch {
    double t, df, p;
};
/* 0, or -1 when a side has fewer than two values (out is then NaN).  Two
 * sides without variance give p = 1 when their means are equal, else 0. */
int an_welch_test(const struct an_stats *a, const struct an_stats *b, struct an_welch *out);

/* ===== runs grouped by sweep point (analysis/aggregate.c) ============== */

/* A stored run, as the aggregation sees it. */
struct an_agg_run {
    int64_t id;
    char *scenario, *status;
    char *experiment; /* NULL: not part of an experiment */
    char *params;     /* runs.params without its top-level "seed" */
    char *key;        /* its point within its scenario: params, unless the caller
                       * replaces it (malloc'd; an_agg_free frees it) */
};

struct an_agg_metric {
    char *scope, *entity, *name;
    struct an_stats st;
};

/* A sweep point: the runs of one scenario with one key. */
struct an_agg_group {
    const char *scenario, *key;
    const struct an_agg_run *first; /* its run of lowest id */
    size_t nruns;                   /* runs of status "done": those summarised */
    size_t nexcluded;               /* its runs of any other status */
    struct an_agg_metric *m;        /* ordered by scope, entity, name (bytes) */
    size_t nm;
};

struct an_agg {
    struct an_agg_run *runs; /* by id; an_agg_compute orders them by point */
    size_t nruns;
    struct an_agg_group *g;  /* by scenario, then key */
    size_t ng;
};

/* List the runs of `st`: those of the experiment named `experiment` (its
 * latest definition) and of the scenario named `scenario`, either filter
 * left out when NULL.  0; 1 when there is no such experiment (no message);
 * -1 with a message. */
int an_agg_list(struct an_store *st, const char *experiment, const char *scenario,
                struct an_agg *out, FILE *errfp);
/* The definition (experiment file text) of the latest experiment named
 * `experiment`, malloc'd; NULL when it was not recorded.  0; 1 when there
 * is no such experiment (no message); -1 with a message. */
int an_agg_definition(struct an_store *st, const char *experiment, char **text, FILE *errfp);
/* Group the listed runs by (scenario, key) and summarise each metric of
 * their "done" runs.  0, or -1 with a message. */
int an_agg_compute(struct an_store *st, struct an_agg *a, FILE *errfp);
const struct an_agg_metric *an_agg_find(const struct an_agg_group *g, const char *scope,
                                        const char *entity, const char *name);
void an_agg_free(struct an_agg *a);
/* The value of the scenario key `key` (dotted, a sequence element by its
 * name or index, as for `--set`) in `params`, as JSON text in *out
 * (malloc'd).  0; 1 when params has no such key; -1 on an error. */
int an_agg_param(struct an_store *st, const char *params, const char *key, char **out);

/* A metric spec, as `--metric` and plots take it (analysis/compare.c): NAME
 * (any scope and entity), SCOPE:NAME (any entity) or SCOPE:ENTITY:NAME. */
bool an_metric_spec_match(const char *spec, const char *scope, const char *entity,
                          const char *name);

/* ===== sweep plots (analysis/plot_sweep.c) ============================== */

/* A plot of an experiment: metric `y` against the scenario key `x`, one
 * line per value of the key `series` (NULL: one line) and of each key of
 * `split` (an experiment's other swept keys, so that points that differ
 * only there are not mixed).  A bare metric name is the run scope's. */
#define AN_SWEEP_MAX_LINE_KEYS 8 /* series and split together */
struct an_sweep_plot {
    const char *x, *y, *series;
    const char *const *split;
    size_t nsplit;
};

/* Draw each plot from the points of `a` (after an_agg_compute): NAME.gp,
 * NAME.dat and the image in o->dir, NAME made of y and x; `title` heads
 * each (escaped).  The file names written go to `written` (NULL: not
 * wanted).  0; AN_PLOT_NOT_RENDERED as an_plot_write; AN_PLOT_UNFIT when
 * the runs do not fit a plot (a message says why); -1 with a message. */
#define AN_PLOT_UNFIT 2
int an_plot_sweeps(struct an_store *st, const struct an_agg *a, const struct an_sweep_plot *p,
                   size_t n, const char *title, const struct an_plot_options *o, FILE *written,
                   FILE *errfp);

/* ===== regression comparison (analysis/compare.c) ======================= */

/* Which way a metric gets worse (README "Comparing two databases"). */
enum an_direction { AN_DIR_EITHER, AN_DIR_UP_IS_BAD, AN_DIR_DOWN_IS_BAD };
enum an_direction an_metric_direction(const char *name);
const char *an_direction_name(enum an_direction d); /* "up", "down", "either" */

/* In the order of the report. */
enum an_verdict {
    AN_VERDICT_REGRESSED,    /* moved the bad way beyond tolerance, significantly */
    AN_VERDICT_IMPROVED,     /* the same the good way */
    AN_VERDICT_CHANGED,      /* the same for a metric with no bad direction */
    AN_VERDICT_UNCHANGED,
    AN_VERDICT_INSUFFICIENT, /* fewer than two values on a side */
    AN_VERDICT_COUNT
};
const char *an_verdict_name(enum an_verdict v); /* "regressed", ..., "insufficient data" */

#define AN_COMPARE_ALPHA 0.05
#define AN_COMPARE_TOLERANCE 0.05 /* 5% */

struct an_compare_options {
    double alpha;     /* significance level of the Welch test */
    double tolerance; /* a relative change up to this is no change (0.05: 5%) */
    const char *const *metrics; /* metric specs to compare; none: every metric */
    size_t nmetrics;
};

/* The verdict on one metric from its two summaries; *change gets the
 * relative change (cand - base) / |base| (0 when both are 0, an infinity
 * when only the baseline is), *test the Welch test. */
enum an_verdict an_compare_verdict(const struct an_stats *base, const struct an_stats *cand,
                                   enum an_direction dir, const struct an_compare_options *o,
                                   double *change, struct an_welch *test);

struct an_compare_row {
    const char *scenario;
    const char *point; /* the swept parameters "key=value" joined by tabs; "" for none */
    const char *scope, *entity, *name;
    struct an_stats base, cand;
    double change;
    struct an_welch test;
    enum an_direction dir;
    enum an_verdict verdict;
};

/* A parameter that has one value throughout each database, but not the same
 * one: the change under test.  Values are JSON text; NULL when absent. */
struct an_param_diff {
    char *scenario, *key, *base, *cand;
};

struct an_comparison {
    struct an_compare_row *rows; /* ordered by verdict, then |change| down */
    size_t nrows;
    size_t count[AN_VERDICT_COUNT];
    size_t points, scenarios;            /* matched */
    size_t base_unmatched, cand_unmatched; /* points without a counterpart */
    size_t base_runs, cand_runs;         /* runs of the matched points... */
    size_t base_excluded, cand_excluded; /* ...and those of them not "done" */
    struct an_param_diff *diffs;
    size_t ndiffs;
    struct an_agg base, cand; /* own what the rows point to */
};

#define AN_COMPARE_BAD_INPUT 1
/* Match the runs of two databases by scenario and sweep point and compare
 * every metric both have.  Runs are matched by the parameters that vary
 * among the runs of a scenario in either database (the seed excepted); a
 * parameter with one value in each database is the change under test (see
 * diffs).  0; AN_COMPARE_BAD_INPUT with a message when there is nothing to
 * compare (different experiments, no common point, a metric spec that
 * matches nothing); -1 with a message on an error. */
int an_compare(struct an_store *base, struct an_store *cand, const struct an_compare_options *o,
               struct an_comparison *out, FILE *errfp);
void an_comparison_free(struct an_comparison *c);

/* Output (analysis/compare_out.c): the rows shown are the changed ones
 * (regressed, improved, changed), or all of them with `all`. */
bool an_compare_shown(const struct an_compare_row *row, bool all);
void an_compare_print(FILE *f, const struct an_comparison *c, const char *base_name,
                      const char *cand_name, const struct an_compare_options *o, bool all);
void an_compare_json(FILE *f, const struct an_comparison *c, const char *base_name,
                     const char *cand_name, const struct an_compare_options *o, bool all);
/* `comparison` (analysis/plot_sweep.c): the means with their confidence
 * intervals, as a change from the baseline mean, of the rows shown (the
 * first AN_COMPARE_PLOT_MAX); `title` heads it (escaped).  Returns as
 * an_plot_write. */
#define AN_COMPARE_PLOT_MAX 40
int an_plot_compare(const struct an_comparison *c, bool all, const char *title,
                    const struct an_plot_options *o, FILE *errfp);

/* ===== schedule traces (analysis/trace.c) ================================ */

/* The accepted trace file name endings (README "Traces"). */
#define AN_TRACE_EXTENSIONS ".ftrace, .csv or .json"

struct an_trace;

/* Whether `path` ends in a trace format's extension (any case). */
bool an_trace_format_known(const char *path);
/* Start a trace to `path`, its format chosen by the extension: .ftrace
 * (Linux ftrace text for Perfetto), .csv (one row per slice), .json (Chrome
 * trace events).  The file is written beside `path` under a temporary name
 * and renamed over it when the listener finishes.  NULL with a message on
 * errfp: an unknown extension (a usage error naming the accepted ones), or
 * the file cannot be created. */
struct an_trace *an_trace_open(const char *path, FILE *errfp);
/* The listener to pass in an_run_options.listeners; valid while `t` lives.
 * Its finish closes the open slices, flushes, checks every write and puts
 * the file in place (-1 with a message on a write error, e.g. disk full);
 * after a run that ended in a scenario error it removes the file instead. */
struct an_listener an_trace_listener(struct an_trace *t);
/* Free; a trace never finished (the run failed before) leaves no file. */
void an_trace_free(struct an_trace *t);

#endif
