/* analysis/batch_int.h - internals shared by the batch runner and the merge (layer: analysis).
 *
 * analysis/merge.c copies runs from one results database into another;
 * analysis/batch.c (the parent, the only process that writes the batch's
 * database) uses the same copy to take in each run a worker
 * (analysis/batch_worker.c) sends it as a whole one-run database image, so
 * a batch run and a merged run are written by the same code.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef PSSIM_BATCH_INT_H
#define PSSIM_BATCH_INT_H

#ifndef ANALYSIS_INTERNAL
#error "analysis/batch_int.h is private to analysis/ and its tests (define ANALYSIS_INTERNAL)"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "scenarios/scenarios.h"
#include "sim/sim.h"

struct sqlite3;

/* ===== experiments and copies (analysis/merge.c) ======================== */

/* The id of experiment (name, hash) in schema "main" of `db`, added with
 * `definition` (may be NULL) when missing.  0; 1 when `name` is already
 * there with another hash (a message on errfp names both, `db_name` naming
 * the file); -1 on an SQLite error (no message). */
int an__experiment_id(struct sqlite3 *db, const char *db_name, const char *name,
                      const char *hash, const char *definition, int64_t *id, FILE *errfp);

/* What a copy did. */
struct an__copied {
    size_t copied, skipped; /* runs */
    int64_t last_id;        /* in "main": the last run copied, 0 if none */
};

/* Copy every run of the database attached as schema "src" into "main", in
 * one transaction: experiments matched by (name, definition_hash) and added
 * when missing, runs given new ids (their rows follow them), a run already
 * present (same experiment, point and replication; for a run of no
 * experiment, same scenario hash, seed and created_at) skipped.  0; 1 when
 * an experiment of "src" has another definition than the one of its name in
 * "main" (nothing copied; `src_name` names the source in the message); -1
 * on an SQLite error (no message). */
int an__copy_attached(struct sqlite3 *db, const char *db_name, const char *src_name,
                      struct an__copied *out, FILE *errfp);

/* The columns of `runs` the copy carries over (all but id), and the tables
 * whose rows belong to a run, for the tests that keep them in step with the
 * schema. */
extern const char *const an__run_columns;
extern const char *const an__run_tables[];

/* ===== one run in a worker (analysis/batch_worker.c) ==================== */

/* Run i of experiment `e` (whose id in the image is made by
 * an__experiment_id), with Gantt slices over [0, gantt_window) (0: the
 * default window), and the bytes of a results database holding just it,
 * sqlite3_malloc'd, in *img.  A run that cannot be loaded or simulated is
 * stored with status "error" and its message.  0, or -1 when even that
 * cannot be done (out of memory). */
int an__batch_image(const struct scn_experiment *e, size_t i, sim_time_t gantt_window,
                    unsigned char **img, size_t *size);

/* A run that failed before it had any result: status "error", `message`.
 * Stored through `st` into experiment `xid`.  0 or -1 (message on errfp). */
struct an_store;
int an__batch_store_failure(struct an_store *st, int64_t xid, const struct scn_experiment *e,
                            size_t i, const char *message, int64_t *run_id, FILE *errfp);

/* Read or write exactly n bytes of a socket, retrying after signals.  Read:
 * 1, 0 at end of file before any byte, -1 otherwise.  Write: 0 or -1. */
int an__read_full(int fd, void *buf, size_t n);
int an__write_full(int fd, const void *buf, size_t n);

/* The body of a worker process: read run indices (uint64_t) from `fd`,
 * write back for each a header {index, size} (two uint64_t) and the image,
 * until end of file.  Returns the process exit status. */
int an__batch_worker(const struct scn_experiment *e, sim_time_t gantt_window, int fd);

/* ===== progress (analysis/batch_progress.c) ============================= */

struct an__progress {
    FILE *f;            /* NULL: silent */
    bool bar;           /* redraw one line instead of a line per run */
    size_t total;       /* runs of this batch (this shard) */
    size_t stored;      /* of them, stored so far, before this batch included */
    size_t failed;      /* of them, stored with status "error" */
    size_t done_now;    /* finished by this batch */
    double start;       /* monotonic seconds */
    int width;          /* of the bar line last drawn */
};

double an__now(void); /* monotonic seconds */
void an__progress_start(struct an__progress *p);
/* A run finished and was stored (ok: not a failure); `line` describes it
 * for the one-line-per-run form. */
void an__progress_run(struct an__progress *p, bool ok, const char *line);
/* Redraw the bar (the clock moves even when no run ends). */
void an__progress_tick(struct an__progress *p);
/* Clear the bar before other output. */
void an__progress_end(struct an__progress *p);

#endif
