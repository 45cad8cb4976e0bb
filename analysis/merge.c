/* analysis/merge.c - copying runs between results databases (layer: analysis).
 *
 * Owns `pssim merge` (an_merge) and the copy underneath it, which the batch
 * runner also uses to take in each run from its workers (analysis/batch.c):
 * every run is written into a batch's database and into a merged one by
 * the same statements.
 *
 * A run is identified across files by (experiment name, definition hash,
 * sweep point, replication), so copying is idempotent: a run already
 * present is skipped, and merging shards in any order, or twice, gives the
 * same runs.  A run of no experiment (`pssim run`) has no such identity; it
 * counts as present when a run of no experiment with the same scenario hash,
 * seed and created_at (to the millisecond) is.  Run ids are renumbered: the
 * copy is appended, and the rows of the other tables follow their run.
 *
 * An experiment name recorded with two definitions (different hashes) in
 * the files to merge is refused before anything is copied: mixing its runs
 * would put results of different experiments under one name.
 *
 * All SQL is constant text; the source database is always attached under
 * the schema name "src".  When the schema gains a table of per-run rows or
 * a column of `runs`, add it here: tests/check_an_batch.c compares these
 * lists with the schema.
 *
 * SPDX-License-Identifier: MIT
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/analysis.h"
#define ANALYSIS_INTERNAL
#include "analysis/analysis_int.h"
#include "analysis/batch_int.h"

#define RUN_COLUMNS                                                                       \
    "scenario, scenario_path, scenario_hash, params, seed, replication, status, message," \
    " sim_time_ns, events, wall_seconds, cpus, gantt_window_ns, pssim_version, created_at, point"
const char *const an__run_columns = "experiment_id, " RUN_COLUMNS;

/* INSERT INTO main.T (run_id, C) SELECT ?1, C FROM src.T WHERE run_id = ?2, in
 * the order the rows were written (rowid; slices have none). */
#define COPY(table, cols, order)                                                            \
    "INSERT INTO main." table " (run_id, " cols ") SELECT ?1, " cols " FROM src." table \
    " WHERE run_id = ?2 ORDER BY " order
#define METRIC_COLS "scope, entity, name, value"
#define PROCESS_COLS "entity, subsystem, priority_class, pid, arrival_ns, exit_ns"
#define SLICE_COLS "cpu, start_ns, end_ns, pid, tid, process, thread, priority, subsystem"
#define SERIES_COLS "scope, entity, name, idx, x, y"
#define HISTO_COLS "scope, entity, name, upper_ns, count"

enum { NCHILDREN = 5 };
const char *const an__run_tables[NCHILDREN + 1] = {"metrics", "processes", "slices", "series",
                                                   "histograms", NULL};
static const char *const COPY_SQL[NCHILDREN] = {
    COPY("metrics", METRIC_COLS, "rowid"),   COPY("processes", PROCESS_COLS, "rowid"),
    COPY("slices", SLICE_COLS, "cpu, start_ns"), COPY("series", SERIES_COLS, "rowid"),
    COPY("histograms", HISTO_COLS, "rowid"),
};

static int exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* ===== experiments ====================================================== */

static int insert_experiment(sqlite3 *db, const char *name, const char *hash,
                             const char *definition, int64_t *id)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "INSERT INTO main.experiments (name, definition_hash, definition)"
                               " VALUES (?1, ?2, ?3)", -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, hash, -1, SQLITE_STATIC);
    if (definition)
        sqlite3_bind_text(s, 3, definition, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    *id = sqlite3_last_insert_rowid(db);
    return rc == SQLITE_DONE ? 0 : -1;
}

int an__experiment_id(sqlite3 *db, const char *db_name, const char *name, const char *hash,
                      const char *definition, int64_t *id, FILE *errfp)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "SELECT id, definition_hash, created_at FROM main.experiments"
                               " WHERE name = ?1 ORDER BY definition_hash = ?2 DESC, id",
                           -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, hash, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(s, 1), hash)) {
        *id = sqlite3_column_int64(s, 0);
        rc = 0;
    } else if (rc == SQLITE_ROW) {
        fprintf(errfp, "pssim: %s already holds experiment '%s' with another definition (hash "
                       "%s, recorded %s); this one has hash %s\n", db_name, name,
                sqlite3_column_text(s, 1), sqlite3_column_text(s, 2), hash);
        rc = 1;
    } else {
        rc = rc == SQLITE_DONE ? insert_experiment(db, name, hash, definition, id) : -1;
    }
    sqlite3_finalize(s);
    return rc;
}

/* ===== the copy ========================================================= */

/* src experiment id -> main experiment id */
struct xmap {
    int64_t *from, *to;
    size_t n;
};

static int64_t map_id(const struct xmap *m, int64_t from)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->from[i] == from)
            return m->to[i];
    return 0;
}

/* Match or add every experiment of "src"; 1 on a conflicting definition. */
static int map_experiments(sqlite3 *db, const char *db_name, struct xmap *m, FILE *errfp)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "SELECT id, name, definition_hash, definition FROM src.experiments"
                               " ORDER BY id", -1, &s, NULL) != SQLITE_OK)
        return -1;
    int rc = 0, step;
    while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t *from = realloc(m->from, (m->n + 1) * sizeof *from);
        int64_t *to = from ? realloc(m->to, (m->n + 1) * sizeof *to) : NULL;
        if (from)
            m->from = from;
        if (!from || !to)
            rc = -1;
        else
            m->to = to;
        if (rc == 0)
            rc = an__experiment_id(db, db_name, (const char *)sqlite3_column_text(s, 1),
                                   (const char *)sqlite3_column_text(s, 2),
                                   (const char *)sqlite3_column_text(s, 3), &to[m->n], errfp);
        if (rc == 0)
            m->from[m->n++] = sqlite3_column_int64(s, 0);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = -1;
    sqlite3_finalize(s);
    return rc;
}

/* The prepared statements of one copy. */
struct copier {
    sqlite3_stmt *runs, *present_x, *present_plain, *insert, *child[NCHILDREN];
};

static int copier_open(sqlite3 *db, struct copier *c)
{
    memset(c, 0, sizeof *c);
    int bad = sqlite3_prepare_v2(db, "SELECT id, experiment_id, point, replication,"
                                     " scenario_hash, seed, created_at FROM src.runs ORDER BY id",
                                 -1, &c->runs, NULL) ||
              sqlite3_prepare_v2(db, "SELECT 1 FROM main.runs WHERE experiment_id = ?1 AND"
                                     " point IS ?2 AND replication = ?3", -1, &c->present_x,
                                 NULL) ||
              sqlite3_prepare_v2(db, "SELECT 1 FROM main.runs WHERE experiment_id IS NULL AND"
                                     " scenario_hash = ?1 AND seed = ?2 AND created_at = ?3",
                                 -1, &c->present_plain, NULL) ||
              sqlite3_prepare_v2(db, "INSERT INTO main.runs (experiment_id, " RUN_COLUMNS
                                     ") SELECT ?1, " RUN_COLUMNS " FROM src.runs WHERE id = ?2",
                                 -1, &c->insert, NULL);
    for (int i = 0; !bad && i < NCHILDREN; i++)
        bad = sqlite3_prepare_v2(db, COPY_SQL[i], -1, &c->child[i], NULL);
    return bad ? -1 : 0;
}

static void copier_close(struct copier *c)
{
    sqlite3_finalize(c->runs);
    sqlite3_finalize(c->present_x);
    sqlite3_finalize(c->present_plain);
    sqlite3_finalize(c->insert);
    for (int i = 0; i < NCHILDREN; i++)
        sqlite3_finalize(c->child[i]);
}

/* Step a statement whose parameters are bound, then reset it: SQLITE_ROW,
 * SQLITE_DONE or an error code. */
static int step_reset(sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc;
}

/* Whether the current row of c->runs is already in "main" (1), not (0), or -1. */
static int present(struct copier *c, int64_t xid)
{
    sqlite3_stmt *r = c->runs, *q = xid ? c->present_x : c->present_plain;
    if (xid) {
        sqlite3_bind_int64(q, 1, xid);
        sqlite3_bind_value(q, 2, sqlite3_column_value(r, 2));
        sqlite3_bind_value(q, 3, sqlite3_column_value(r, 3));
    } else {
        sqlite3_bind_value(q, 1, sqlite3_column_value(r, 4));
        sqlite3_bind_value(q, 2, sqlite3_column_value(r, 5));
        sqlite3_bind_value(q, 3, sqlite3_column_value(r, 6));
    }
    int rc = step_reset(q);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Copy the current row of c->runs and its rows; its new id in *id. */
static int copy_run(sqlite3 *db, struct copier *c, int64_t xid, int64_t *id)
{
    int64_t from = sqlite3_column_int64(c->runs, 0);
    if (xid)
        sqlite3_bind_int64(c->insert, 1, xid);
    else
        sqlite3_bind_null(c->insert, 1);
    sqlite3_bind_int64(c->insert, 2, from);
    if (step_reset(c->insert) != SQLITE_DONE)
        return -1;
    *id = sqlite3_last_insert_rowid(db);
    for (int i = 0; i < NCHILDREN; i++) {
        sqlite3_bind_int64(c->child[i], 1, *id);
        sqlite3_bind_int64(c->child[i], 2, from);
        if (step_reset(c->child[i]) != SQLITE_DONE)
            return -1;
    }
    return 0;
}

static int copy_runs(sqlite3 *db, const struct xmap *m, struct an__copied *out)
{
    struct copier c;
    int rc = copier_open(db, &c), step = SQLITE_DONE;
    while (rc == 0 && (step = sqlite3_step(c.runs)) == SQLITE_ROW) {
        int64_t xid = sqlite3_column_type(c.runs, 1) == SQLITE_NULL
                          ? 0 : map_id(m, sqlite3_column_int64(c.runs, 1));
        int here = present(&c, xid);
        if (here < 0)
            rc = -1;
        else if (here)
            out->skipped++;
        else if ((rc = copy_run(db, &c, xid, &out->last_id)) == 0)
            out->copied++;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = -1;
    copier_close(&c);
    return rc;
}

int an__copy_attached(sqlite3 *db, const char *db_name, const char *src_name,
                      struct an__copied *out, FILE *errfp)
{
    struct xmap m = {NULL, NULL, 0};
    memset(out, 0, sizeof *out);
    if (exec(db, "BEGIN IMMEDIATE") != 0)
        return -1;
    int rc = map_experiments(db, db_name, &m, errfp);
    if (rc == 1)
        fprintf(errfp, "pssim: the runs of %s are of another definition: not copied\n",
                src_name);
    if (rc == 0)
        rc = copy_runs(db, &m, out);
    if (rc == 0 && exec(db, "COMMIT") != 0)
        rc = -1;
    if (rc != 0) {
        exec(db, "ROLLBACK");
        *out = (struct an__copied){0, 0, 0};
    }
    free(m.from);
    free(m.to);
    return rc;
}

/* ===== pssim merge ====================================================== */

/* An experiment definition and the file it was found in. */
struct def {
    char *name, *hash;
    const char *file;
};

struct defs {
    struct def *v;
    size_t n;
};

static void defs_free(struct defs *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].name);
        free(d->v[i].hash);
    }
    free(d->v);
}

/* 1 (with a message) when `name` is in `d` with another hash than `hash`. */
static int conflict(const struct defs *d, const char *name, const char *hash, const char *file,
                    FILE *errfp)
{
    for (size_t i = 0; i < d->n; i++)
        if (!strcmp(d->v[i].name, name) && strcmp(d->v[i].hash, hash)) {
            fprintf(errfp, "pssim merge: error: experiment '%s' has one definition in %s "
                           "(hash %s) and another in %s (hash %s): runs of different "
                           "experiments are not merged\n",
                    name, d->v[i].file, d->v[i].hash, file, hash);
            return 1;
        }
    return 0;
}

static int def_add(struct defs *d, const char *name, const char *hash, const char *file)
{
    struct def *v = realloc(d->v, (d->n + 1) * sizeof *v);
    if (!v)
        return -1;
    d->v = v;
    struct def *nd = &v[d->n++];
    *nd = (struct def){strdup(name), strdup(hash), file};
    return nd->name && nd->hash ? 0 : -1;
}

/* Add the experiments of schema "src" (else "main"), found in `file`; 1
 * when one has the name of an earlier one and another hash. */
static int add_defs(sqlite3 *db, bool src, const char *file, struct defs *d, FILE *errfp)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, src ? "SELECT name, definition_hash FROM src.experiments"
                                   : "SELECT name, definition_hash FROM main.experiments",
                           -1, &s, NULL) != SQLITE_OK)
        return -1;
    int rc = 0, step;
    while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 0);
        const char *hash = (const char *)sqlite3_column_text(s, 1);
        rc = conflict(d, name, hash, file, errfp);
        if (rc == 0)
            rc = def_add(d, name, hash, file);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = -1;
    sqlite3_finalize(s);
    return rc;
}

static int attach(sqlite3 *db, const char *path)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "ATTACH DATABASE ?1 AS src", -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* An input must exist (opening would create it), be a results database of
 * this schema (an_store_open upgrades an older one, refuses others) and not
 * be the output itself.  0, 1 (refused, with a message) or -1. */
static int check_input(const char *out, const char *in, FILE *errfp)
{
    struct stat a, b;
    if (stat(in, &b) != 0) {
        fprintf(errfp, "pssim merge: error: %s: no such results database\n", in);
        return 1;
    }
    if (stat(out, &a) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
        fprintf(errfp, "pssim merge: error: %s is the output database itself\n", in);
        return 1;
    }
    struct an_store *st;
    if (an_store_open(&st, in, errfp) != 0)
        return 1;
    an_store_close(st);
    return 0;
}

/* Every definition of the output and the inputs must agree. */
static int check_all(struct an_store *st, const char *out, const char *const *in, size_t n,
                     FILE *errfp)
{
    sqlite3 *db = an__store_db(st);
    struct defs d = {NULL, 0};
    int rc = add_defs(db, false, out, &d, errfp);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if ((rc = check_input(out, in[i], errfp)) != 0)
            break;
        if (attach(db, in[i]) != 0) {
            rc = an__store_error(st, errfp, "cannot attach a database to merge");
            break;
        }
        rc = add_defs(db, true, in[i], &d, errfp);
        if (exec(db, "DETACH DATABASE src") != 0 && rc == 0)
            rc = -1;
    }
    if (rc < 0)
        an__store_error(st, errfp, "cannot read the databases to merge");
    defs_free(&d);
    return rc;
}

int an_merge(struct an_store *st, const char *out, const char *const *in, size_t n,
             struct an_merge_counts *counts, FILE *errfp)
{
    sqlite3 *db = an__store_db(st);
    memset(counts, 0, sizeof *counts);
    int rc = check_all(st, out, in, n, errfp);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct an__copied c;
        if (attach(db, in[i]) != 0)
            return an__store_error(st, errfp, "cannot attach a database to merge");
        rc = an__copy_attached(db, out, in[i], &c, errfp);
        if (rc < 0)
            an__store_error(st, errfp, "cannot copy the runs");
        if (exec(db, "DETACH DATABASE src") != 0 && rc == 0)
            rc = an__store_error(st, errfp, "cannot detach a merged database");
        counts->copied += c.copied;
        counts->skipped += c.skipped;
        counts->files += rc == 0;
    }
    return rc;
}
