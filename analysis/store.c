/* analysis/store.c - the SQLite results database (layer: analysis).
 * Owns the schema, its migrations, and the writing and reading back of
 * whole runs: the run's row, its metric rows in long form and the series
 * the plots need.  README "Results database" documents every table and
 * column for the researchers who query it; keep the two in step.
 *
 * Rules:
 *  - Prepared statements only (sqlite3_prepare_v2, bound values); no SQL is
 *    ever built from a name.
 *  - One transaction per run: a run is stored whole or not at all.
 *  - WAL mode (readers do not block a writer) with synchronous=NORMAL (a
 *    commit is not synced until the next checkpoint: a power cut may lose
 *    the last runs, never corrupt the file), foreign keys on, a busy
 *    timeout so that concurrent `pssim run`s on one file wait for each
 *    other instead of failing.
 *  - The schema version is the single row of `schema_version`.  MIGRATIONS[i]
 *    takes a database from version i to version i + 1; opening applies the
 *    missing steps in order inside one transaction, so a database is always
 *    at a version this code knows.  A newer database is refused, never
 *    written.  To change the schema, append a step and raise
 *    AN_STORE_SCHEMA_VERSION; never edit a released step.
 *  - Rows are read back in insertion order (rowid), which is the order of
 *    the result they came from.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#define ANALYSIS_INTERNAL
#include "analysis/analysis_int.h"
#include "config.h"

#define BUSY_TIMEOUT_MS 10000

static const char *const MIGRATIONS[] = {
    /* 0 -> 1: the first schema */
    "CREATE TABLE schema_version (version INTEGER NOT NULL);"
    "CREATE TABLE experiments ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " definition_hash TEXT NOT NULL,"
    " definition TEXT,"
    " created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),"
    " UNIQUE (name, definition_hash));"
    "CREATE TABLE runs ("
    " id INTEGER PRIMARY KEY,"
    " experiment_id INTEGER REFERENCES experiments(id) ON DELETE CASCADE,"
    " scenario TEXT NOT NULL,"
    " scenario_path TEXT NOT NULL,"
    " scenario_hash TEXT NOT NULL,"
    " params TEXT NOT NULL,"
    " seed INTEGER NOT NULL,"
    " replication INTEGER NOT NULL DEFAULT 0,"
    " status TEXT NOT NULL,"
    " message TEXT,"
    " sim_time_ns INTEGER NOT NULL,"
    " events INTEGER NOT NULL,"
    " wall_seconds REAL NOT NULL,"
    " cpus INTEGER NOT NULL,"
    " gantt_window_ns INTEGER NOT NULL,"
    " pssim_version TEXT NOT NULL,"
    " created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));"
    "CREATE INDEX runs_experiment ON runs (experiment_id);"
    "CREATE TABLE metrics ("
    " run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " scope TEXT NOT NULL, entity TEXT NOT NULL, name TEXT NOT NULL, value REAL,"
    " PRIMARY KEY (run_id, scope, entity, name));"
    "CREATE INDEX metrics_name ON metrics (name, scope);"
    "CREATE TABLE processes ("
    " run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " entity TEXT NOT NULL, subsystem TEXT NOT NULL, priority_class TEXT NOT NULL,"
    " pid INTEGER NOT NULL, arrival_ns INTEGER NOT NULL, exit_ns INTEGER,"
    " PRIMARY KEY (run_id, entity));"
    "CREATE TABLE slices ("
    " run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " cpu INTEGER NOT NULL, start_ns INTEGER NOT NULL, end_ns INTEGER NOT NULL,"
    " pid INTEGER NOT NULL, tid INTEGER NOT NULL, process TEXT NOT NULL, thread TEXT NOT NULL,"
    " priority INTEGER NOT NULL, subsystem TEXT NOT NULL,"
    " PRIMARY KEY (run_id, cpu, start_ns)) WITHOUT ROWID;"
    "CREATE TABLE series ("
    " run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " scope TEXT NOT NULL, entity TEXT NOT NULL, name TEXT NOT NULL,"
    " idx INTEGER NOT NULL, x REAL, y REAL,"
    " PRIMARY KEY (run_id, scope, entity, name, idx));"
    "CREATE TABLE histograms ("
    " run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " scope TEXT NOT NULL, entity TEXT NOT NULL, name TEXT NOT NULL,"
    " upper_ns INTEGER NOT NULL, count INTEGER NOT NULL,"
    " PRIMARY KEY (run_id, scope, entity, name, upper_ns));",
    /* 1 -> 2: a batch run's sweep point, which with the experiment and the
     * replication identifies it (NULLs never collide: plain runs are free) */
    "ALTER TABLE runs ADD COLUMN point INTEGER;"
    "CREATE UNIQUE INDEX runs_identity ON runs (experiment_id, point, replication);",
};
#define NMIGRATIONS ((int)(sizeof MIGRATIONS / sizeof MIGRATIONS[0]))
_Static_assert(NMIGRATIONS == AN_STORE_SCHEMA_VERSION, "one migration step per version");

struct an_store {
    sqlite3 *db;
    char *path;
};

/* ===== statements ======================================================= */

static int report(struct an_store *st, FILE *errfp, const char *what)
{
    fprintf(errfp, "pssim: %s: %s: %s\n", st->path, what, sqlite3_errmsg(st->db));
    return -1;
}

/* Run every statement of `sql` (no parameters, rows ignored). */
static int exec_all(sqlite3 *db, const char *sql)
{
    while (sql && *sql) {
        sqlite3_stmt *s;
        int rc = sqlite3_prepare_v2(db, sql, -1, &s, &sql);
        if (rc != SQLITE_OK)
            return rc;
        if (!s) /* only white space was left */
            break;
        while ((rc = sqlite3_step(s)) == SQLITE_ROW)
            ;
        sqlite3_finalize(s);
        if (rc != SQLITE_DONE)
            return rc;
    }
    return SQLITE_OK;
}

/* The first column of the first row of `sql` with ?1 = `arg` (NULL: no
 * parameter); *out = 0 when there is no row. */
static int query_int(sqlite3 *db, const char *sql, const char *arg, int64_t *out)
{
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
    if (rc != SQLITE_OK)
        return rc;
    if (arg)
        sqlite3_bind_text(s, 1, arg, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Step an insert and make it ready for the next row. */
static int insert_row(sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

/* NaN has no SQL value: NULL stands for it, both ways. */
static void bind_real(sqlite3_stmt *s, int i, double v)
{
    if (isnan(v))
        sqlite3_bind_null(s, i);
    else
        sqlite3_bind_double(s, i, v);
}

static double column_real(sqlite3_stmt *s, int i)
{
    return sqlite3_column_type(s, i) == SQLITE_NULL ? NAN : sqlite3_column_double(s, i);
}

static const char *column_text(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? (const char *)t : "";
}

/* ===== opening and migrating ============================================ */

/* The schema version, 0 for an empty database; -1 after reporting when the
 * file holds something else or is too new. */
static int read_version(struct an_store *st, FILE *errfp, int64_t *version)
{
    int64_t has_table, tables;
    if (query_int(st->db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
                  "schema_version", &has_table) != SQLITE_OK ||
        query_int(st->db, "SELECT count(*) FROM sqlite_master", NULL, &tables) != SQLITE_OK)
        return report(st, errfp, "cannot read the database");
    *version = 0;
    if (!has_table && tables > 0) {
        fprintf(errfp, "pssim: %s: not a pssim results database (it has tables but no "
                       "schema_version); give another --db file\n", st->path);
        return -1;
    }
    if (has_table && query_int(st->db, "SELECT max(version) FROM schema_version", NULL,
                               version) != SQLITE_OK)
        return report(st, errfp, "cannot read the schema version");
    if (*version > AN_STORE_SCHEMA_VERSION) {
        fprintf(errfp, "pssim: %s: results database schema version %lld is newer than this "
                       "pssim (%s) can use (version %d); use a newer pssim or another --db file\n",
                st->path, (long long)*version, PACKAGE_VERSION, AN_STORE_SCHEMA_VERSION);
        return -1;
    }
    return 0;
}

/* Apply the missing migration steps, all or none. */
static int migrate(struct an_store *st, FILE *errfp)
{
    int64_t version;
    if (exec_all(st->db, "BEGIN IMMEDIATE") != SQLITE_OK)
        return report(st, errfp, "cannot open the database");
    int rc = read_version(st, errfp, &version);
    if (rc == 0 && version < AN_STORE_SCHEMA_VERSION) {
        for (int64_t v = version; rc == 0 && v < AN_STORE_SCHEMA_VERSION; v++)
            if (exec_all(st->db, MIGRATIONS[v]) != SQLITE_OK)
                rc = report(st, errfp, "cannot update the database schema");
        sqlite3_stmt *s = NULL;
        if (rc == 0 && (exec_all(st->db, "DELETE FROM schema_version") != SQLITE_OK ||
                        sqlite3_prepare_v2(st->db, "INSERT INTO schema_version VALUES (?1)", -1,
                                           &s, NULL) != SQLITE_OK ||
                        sqlite3_bind_int(s, 1, AN_STORE_SCHEMA_VERSION) != SQLITE_OK ||
                        insert_row(s) != 0))
            rc = report(st, errfp, "cannot record the schema version");
        sqlite3_finalize(s);
    }
    if (rc == 0 && exec_all(st->db, "COMMIT") != SQLITE_OK)
        rc = report(st, errfp, "cannot update the database schema");
    if (rc != 0)
        exec_all(st->db, "ROLLBACK");
    return rc;
}

int an_store_open(struct an_store **out, const char *path, FILE *errfp)
{
    struct an_store *st = calloc(1, sizeof *st);
    *out = NULL;
    if (!st || !(st->path = strdup(path))) {
        free(st);
        fprintf(errfp, "pssim: out of memory\n");
        return -1;
    }
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
        report(st, errfp, "cannot open the results database");
        an_store_close(st);
        return -1;
    }
    sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
    if (exec_all(st->db, "PRAGMA foreign_keys = ON") != SQLITE_OK ||
        exec_all(st->db, "PRAGMA journal_mode = WAL") != SQLITE_OK ||
        exec_all(st->db, "PRAGMA synchronous = NORMAL") != SQLITE_OK) {
        report(st, errfp, "cannot use the results database");
        an_store_close(st);
        return -1;
    }
    if (migrate(st, errfp) != 0) {
        an_store_close(st);
        return -1;
    }
    *out = st;
    return 0;
}

void an_store_close(struct an_store *st)
{
    if (!st)
        return;
    sqlite3_close(st->db);
    free(st->path);
    free(st);
}

/* ===== writing a run ==================================================== */

/* An insert into one table for one run: ?1 is the run id and stays bound,
 * the other parameters are bound per row.  `ok` goes false at the first
 * failure and stays so, which keeps the loops below free of error paths. */
struct ins {
    sqlite3_stmt *s;
    bool ok;
};

static void ins_open(sqlite3 *db, struct ins *in, const char *sql, int64_t run_id)
{
    in->ok = sqlite3_prepare_v2(db, sql, -1, &in->s, NULL) == SQLITE_OK;
    if (in->ok)
        sqlite3_bind_int64(in->s, 1, run_id);
}

static void ins_row(struct ins *in)
{
    if (in->ok)
        in->ok = sqlite3_step(in->s) == SQLITE_DONE;
    sqlite3_reset(in->s);
}

static int ins_close(struct ins *in)
{
    sqlite3_finalize(in->s);
    return in->ok ? 0 : -1;
}

static int put_run(sqlite3 *db, const struct an_run_meta *m, const struct an_result *r,
                   int64_t *run_id)
{
    struct ins in;
    ins_open(db, &in,
             "INSERT INTO runs (experiment_id, scenario, scenario_path, scenario_hash, params,"
             " seed, replication, status, message, sim_time_ns, events, wall_seconds, cpus,"
             " gantt_window_ns, pssim_version, point) VALUES"
             " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
             m->experiment_id);
    if (!in.ok)
        return -1;
    if (m->experiment_id == 0)
        sqlite3_bind_null(in.s, 1);
    bind_text(in.s, 2, r->scenario ? r->scenario : "");
    bind_text(in.s, 3, m->scenario_path ? m->scenario_path : "");
    bind_text(in.s, 4, m->scenario_hash ? m->scenario_hash : "");
    bind_text(in.s, 5, m->params_json ? m->params_json : "{}");
    sqlite3_bind_int64(in.s, 6, (int64_t)r->seed); /* above 2^63 - 1: negative, see README */
    sqlite3_bind_int(in.s, 7, m->replication);
    bind_text(in.s, 8, r->status ? r->status : "error");
    bind_text(in.s, 9, m->message ? m->message : r->message);
    sqlite3_bind_int64(in.s, 10, r->sim_time);
    sqlite3_bind_int64(in.s, 11, (int64_t)r->events);
    sqlite3_bind_double(in.s, 12, r->wall_seconds);
    sqlite3_bind_int(in.s, 13, r->ncpus);
    sqlite3_bind_int64(in.s, 14, r->series.gantt_window);
    bind_text(in.s, 15, PACKAGE_VERSION);
    if (m->experiment_id != 0)
        sqlite3_bind_int64(in.s, 16, m->point);
    ins_row(&in);
    *run_id = sqlite3_last_insert_rowid(db);
    return ins_close(&in);
}

static int put_metrics(sqlite3 *db, int64_t run_id, const struct an_result *r)
{
    struct ins in;
    ins_open(db, &in, "INSERT INTO metrics VALUES (?1, ?2, ?3, ?4, ?5)", run_id);
    for (size_t i = 0; in.ok && i < r->n; i++) {
        const struct an_row *row = &r->rows[i];
        bind_text(in.s, 2, an_scope_name(row->scope));
        bind_text(in.s, 3, row->entity);
        bind_text(in.s, 4, row->name);
        bind_real(in.s, 5, row->value);
        ins_row(&in);
    }
    return ins_close(&in);
}

static int put_processes(sqlite3 *db, int64_t run_id, const struct an_series_data *sd)
{
    struct ins in;
    ins_open(db, &in, "INSERT INTO processes VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", run_id);
    for (size_t i = 0; in.ok && i < sd->nprocs; i++) {
        const struct an_process_info *p = &sd->procs[i];
        bind_text(in.s, 2, p->entity);
        bind_text(in.s, 3, p->subsystem);
        bind_text(in.s, 4, p->priority_class);
        sqlite3_bind_int64(in.s, 5, p->pid);
        sqlite3_bind_int64(in.s, 6, p->arrival);
        if (p->exit >= 0)
            sqlite3_bind_int64(in.s, 7, p->exit);
        else
            sqlite3_bind_null(in.s, 7);
        ins_row(&in);
    }
    return ins_close(&in);
}

static int put_slices(sqlite3 *db, int64_t run_id, const struct an_series_data *sd)
{
    struct ins in;
    ins_open(db, &in, "INSERT INTO slices VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
             run_id);
    for (size_t i = 0; in.ok && i < sd->nslices; i++) {
        const struct an_slice *sl = &sd->slices[i];
        sqlite3_bind_int(in.s, 2, sl->cpu);
        sqlite3_bind_int64(in.s, 3, sl->start);
        sqlite3_bind_int64(in.s, 4, sl->end);
        sqlite3_bind_int64(in.s, 5, sl->pid);
        sqlite3_bind_int64(in.s, 6, sl->tid);
        bind_text(in.s, 7, sl->process);
        bind_text(in.s, 8, sl->thread);
        sqlite3_bind_int(in.s, 9, sl->priority);
        bind_text(in.s, 10, sl->subsystem);
        ins_row(&in);
    }
    return ins_close(&in);
}

/* Scope, entity and name of a curve or histogram, as ?2, ?3, ?4. */
static void bind_keys(struct ins *in, const char *scope, const char *entity, const char *name)
{
    bind_text(in->s, 2, scope);
    bind_text(in->s, 3, entity);
    bind_text(in->s, 4, name);
}

static int put_curves(sqlite3 *db, int64_t run_id, const struct an_series_data *sd)
{
    struct ins in;
    ins_open(db, &in, "INSERT INTO series VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", run_id);
    for (size_t i = 0; in.ok && i < sd->ncurves; i++) {
        const struct an_curve *c = &sd->curves[i];
        bind_keys(&in, c->scope, c->entity, c->name);
        for (size_t k = 0; in.ok && k < c->n; k++) {
            sqlite3_bind_int64(in.s, 5, (int64_t)k);
            bind_real(in.s, 6, c->pts[k].x);
            bind_real(in.s, 7, c->pts[k].y);
            ins_row(&in);
        }
    }
    return ins_close(&in);
}

static int put_histos(sqlite3 *db, int64_t run_id, const struct an_series_data *sd)
{
    struct ins in;
    ins_open(db, &in, "INSERT INTO histograms VALUES (?1, ?2, ?3, ?4, ?5, ?6)", run_id);
    for (size_t i = 0; in.ok && i < sd->nhistos; i++) {
        const struct an_histo *h = &sd->histos[i];
        bind_keys(&in, h->scope, h->entity, h->name);
        for (size_t k = 0; in.ok && k < h->n; k++) {
            sqlite3_bind_int64(in.s, 5, h->b[k].upper);
            sqlite3_bind_int64(in.s, 6, (int64_t)h->b[k].count);
            ins_row(&in);
        }
    }
    return ins_close(&in);
}

int an_store_put(struct an_store *st, const struct an_run_meta *meta, const struct an_result *r,
                 int64_t *run_id, FILE *errfp)
{
    sqlite3 *db = st->db;
    const struct an_series_data *sd = &r->series;
    *run_id = 0;
    if (exec_all(db, "BEGIN IMMEDIATE") != SQLITE_OK)
        return report(st, errfp, "cannot store the run");
    int64_t id = 0;
    int rc = put_run(db, meta, r, &id);
    if (rc == 0)
        rc = put_metrics(db, id, r) || put_processes(db, id, sd) || put_slices(db, id, sd) ||
             put_curves(db, id, sd) || put_histos(db, id, sd);
    if (rc == 0 && exec_all(db, "COMMIT") == SQLITE_OK) {
        *run_id = id;
        return 0;
    }
    report(st, errfp, "cannot store the run");
    exec_all(db, "ROLLBACK");
    return -1;
}

/* ===== reading a run back =============================================== */

/* A query over one run's rows (?1 = the run id).  `rc` holds the last step's
 * result; `oom` is set by the callers when building the result fails. */
struct rd {
    sqlite3_stmt *s;
    int rc;
    bool oom;
};

static void rd_open(sqlite3 *db, struct rd *q, const char *sql, int64_t run_id)
{
    q->oom = false;
    q->rc = sqlite3_prepare_v2(db, sql, -1, &q->s, NULL);
    if (q->rc == SQLITE_OK)
        sqlite3_bind_int64(q->s, 1, run_id);
}

static bool rd_next(struct rd *q)
{
    if (q->oom || (q->rc != SQLITE_OK && q->rc != SQLITE_ROW))
        return false;
    q->rc = sqlite3_step(q->s);
    return q->rc == SQLITE_ROW;
}

/* 0 when every row was read and used. */
static int rd_close(struct rd *q)
{
    sqlite3_finalize(q->s);
    return !q->oom && q->rc == SQLITE_DONE ? 0 : -1;
}

static const char *keep_column(struct an_result *r, struct rd *q, int i)
{
    const char *s = an__keep(r, column_text(q->s, i));
    if (!s)
        q->oom = true;
    return s;
}

static int scope_of(const char *name, enum an_scope *out)
{
    for (int s = AN_SCOPE_RUN; s < AN_SCOPE_COUNT; s++)
        if (!strcmp(an_scope_name((enum an_scope)s), name)) {
            *out = (enum an_scope)s;
            return 0;
        }
    return -1;
}

static int get_run(sqlite3 *db, int64_t id, struct an_result *r)
{
    struct rd q;
    rd_open(db, &q, "SELECT scenario, seed, status, sim_time_ns, events, wall_seconds, cpus,"
                    " gantt_window_ns FROM runs WHERE id = ?1", id);
    if (rd_next(&q)) {
        r->scenario = strdup(column_text(q.s, 0));
        r->seed = (uint64_t)sqlite3_column_int64(q.s, 1);
        r->status = keep_column(r, &q, 2);
        r->sim_time = sqlite3_column_int64(q.s, 3);
        r->events = (uint64_t)sqlite3_column_int64(q.s, 4);
        r->wall_seconds = sqlite3_column_double(q.s, 5);
        r->ncpus = sqlite3_column_int(q.s, 6);
        r->series.gantt_window = sqlite3_column_int64(q.s, 7);
        q.oom = q.oom || !r->scenario;
        rd_next(&q);
    }
    return rd_close(&q);
}

static int get_metrics(sqlite3 *db, int64_t id, struct an_result *r)
{
    struct rd q;
    rd_open(db, &q, "SELECT scope, entity, name, value FROM metrics WHERE run_id = ?1"
                    " ORDER BY rowid", id);
    while (rd_next(&q)) {
        enum an_scope scope;
        const char *name = keep_column(r, &q, 2);
        if (scope_of(column_text(q.s, 0), &scope)) {
            q.rc = SQLITE_MISMATCH; /* a scope of a later version */
            break;
        }
        if (name && an_result_add(r, scope, column_text(q.s, 1), name, column_real(q.s, 3)))
            q.oom = true;
    }
    return rd_close(&q);
}

static int get_processes(sqlite3 *db, int64_t id, struct an_result *r)
{
    struct rd q;
    rd_open(db, &q, "SELECT entity, subsystem, priority_class, pid, arrival_ns, exit_ns"
                    " FROM processes WHERE run_id = ?1 ORDER BY rowid", id);
    while (rd_next(&q)) {
        struct an_process_info p = {
            keep_column(r, &q, 0), keep_column(r, &q, 1), keep_column(r, &q, 2),
            (uint32_t)sqlite3_column_int64(q.s, 3), sqlite3_column_int64(q.s, 4),
            sqlite3_column_type(q.s, 5) == SQLITE_NULL ? -1 : sqlite3_column_int64(q.s, 5)};
        if (!q.oom && an__process_add(r, &p))
            q.oom = true;
    }
    return rd_close(&q);
}

static int get_slices(sqlite3 *db, int64_t id, struct an_result *r)
{
    struct rd q;
    rd_open(db, &q, "SELECT cpu, start_ns, end_ns, pid, tid, process, thread, priority,"
                    " subsystem FROM slices WHERE run_id = ?1 ORDER BY cpu, start_ns", id);
    while (rd_next(&q)) {
        struct an_slice sl = {
            sqlite3_column_int64(q.s, 1), sqlite3_column_int64(q.s, 2),
            sqlite3_column_int(q.s, 0), sqlite3_column_int(q.s, 7),
            (uint32_t)sqlite3_column_int64(q.s, 3), (uint32_t)sqlite3_column_int64(q.s, 4),
            keep_column(r, &q, 5), keep_column(r, &q, 6), keep_column(r, &q, 8)};
        if (!q.oom && an__slice_add(r, &sl))
            q.oom = true;
    }
    return rd_close(&q);
}

/* True when the row's scope, entity and name (columns 0-2) differ from
 * those of the curve or histogram being filled. */
static bool new_key(struct rd *q, const char *scope, const char *entity, const char *name)
{
    return !scope || strcmp(scope, column_text(q->s, 0)) || strcmp(entity, column_text(q->s, 1)) ||
           strcmp(name, column_text(q->s, 2));
}

static int get_curves(sqlite3 *db, int64_t id, struct an_result *r)
{
    struct rd q;
    struct an_curve *c = NULL;
    rd_open(db, &q, "SELECT scope, entity, name, x, y FROM series WHERE run_id = ?1"
                    " ORDER BY rowid", id);
    while (rd_next(&q)) {
        if (!c || new_key(&q, c->scope, c->entity, c->name))
            c = an__curve_add(r, column_text(q.s, 0), column_text(q.s, 1), column_text(q.s, 2));
        if (!c || an__curve_point(c, column_real(q.s, 3), column_real(q.s, 4)))
            q.oom = true;
    }
    return rd_close(&q);
}

static int get_histos(sqlite3 *db, int64_t id, struct an_result *r)
{
    struct rd q;
    struct an_histo *h = NULL;
    rd_open(db, &q, "SELECT scope, entity, name, upper_ns, count FROM histograms"
                    " WHERE run_id = ?1 ORDER BY rowid", id);
    while (rd_next(&q)) {
        if (!h || new_key(&q, h->scope, h->entity, h->name))
            h = an__histo_add(r, column_text(q.s, 0), column_text(q.s, 1), column_text(q.s, 2));
        if (!h || an__histo_bucket(h, sqlite3_column_int64(q.s, 3),
                                   (uint64_t)sqlite3_column_int64(q.s, 4)))
            q.oom = true;
    }
    return rd_close(&q);
}

/* Reads run `id` inside one read transaction, so a concurrent writer cannot
 * be seen half way. */
int an_store_get(struct an_store *st, int64_t id, struct an_result *out, FILE *errfp)
{
    sqlite3 *db = st->db;
    memset(out, 0, sizeof *out);
    if (exec_all(db, "BEGIN") != SQLITE_OK)
        return report(st, errfp, "cannot read the results database");
    int rc = get_run(db, id, out);
    bool missing = rc == 0 && !out->status;
    if (missing)
        fprintf(errfp, "pssim: %s: no run %lld in this results database\n", st->path,
                (long long)id);
    else if (rc == 0 && (get_metrics(db, id, out) || get_processes(db, id, out) ||
                         get_slices(db, id, out) || get_curves(db, id, out) ||
                         get_histos(db, id, out)))
        rc = -1;
    if (rc)
        report(st, errfp, "cannot read the run");
    exec_all(db, "COMMIT");
    if (rc || missing) {
        an_result_free(out);
        return rc ? -1 : 1;
    }
    return 0;
}

int an_store_latest(struct an_store *st, int64_t *run_id, FILE *errfp)
{
    if (query_int(st->db, "SELECT max(id) FROM runs", NULL, run_id) != SQLITE_OK)
        return report(st, errfp, "cannot read the runs");
    return 0;
}

/* ===== for the other readers of analysis/ ================================ */

struct sqlite3 *an__store_db(struct an_store *st) { return st->db; }

int an__store_error(struct an_store *st, FILE *errfp, const char *what)
{
    return report(st, errfp, what);
}
