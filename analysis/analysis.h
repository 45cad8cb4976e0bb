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
    const char *status;  /* "done", "max_events", "interrupted", "error" */
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
#define AN_SERIES_MAX_SLICES 65536   /* the Gantt window closes early past this */

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
#define AN_STORE_SCHEMA_VERSION 1 /* the version this build writes */

struct an_store;

/* What a run's row records beyond the result itself. */
struct an_run_meta {
    const char *scenario_path;
    const char *scenario_hash;
    const char *params_json;   /* every parameter after overrides (scn_scenario) */
    int64_t experiment_id;     /* 0: none, as for a plain `pssim run` */
    int replication;
    const char *message;       /* NULL, or why the run failed */
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
