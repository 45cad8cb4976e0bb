/* tests/check_an_store.c - unit tests of the results database (layer: tests).
 * The schema as README "Results database" documents it (tables, columns,
 * version, foreign keys, WAL), the round trip of a run (what is read back
 * equals what was stored, exactly), run ids, the all-or-nothing
 * transaction, and the migration rules (a current database is left alone,
 * a newer one or someone else's is refused).  The database is inspected
 * with SQLite directly, as a researcher would.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/analysis.h"
#include "config.h"
#include "tests/check.h"

/* ===== helpers ========================================================== */

struct tmpdb {
    char dir[64], path[128];
};

static void tmpdb_init(struct tmpdb *t)
{
    strcpy(t->dir, "/tmp/pssim-store-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(t->dir));
    snprintf(t->path, sizeof t->path, "%s/t.db", t->dir);
}

static void tmpdb_remove(struct tmpdb *t)
{
    static const char *const suffix[] = {"", "-wal", "-shm"};
    char p[160];
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", t->path, suffix[i]);
        unlink(p);
    }
    rmdir(t->dir);
}

/* Open with an_store_open, capturing its messages (freed by the caller). */
static int open_store(const char *path, struct an_store **st, char **msg)
{
    size_t len;
    FILE *f = open_memstream(msg, &len);
    ck_assert_ptr_nonnull(f);
    int rc = an_store_open(st, path, f);
    fclose(f);
    return rc;
}

static struct an_store *open_ok(const char *path)
{
    struct an_store *st;
    char *msg;
    ck_assert_msg(open_store(path, &st, &msg) == 0, "%s", msg);
    free(msg);
    return st;
}

static sqlite3 *raw(const char *path)
{
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    return db;
}

/* The single integer `sql` yields. */
static int64_t scalar(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s;
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK, "%s: %s", sql,
                  sqlite3_errmsg(db));
    ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* Every row of `sql` as text, "a|b\n" per row. */
static char *rows_text(sqlite3 *db, const char *sql)
{
    char *out;
    size_t len;
    FILE *f = open_memstream(&out, &len);
    sqlite3_stmt *s;
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    while (sqlite3_step(s) == SQLITE_ROW)
        for (int i = 0; i < sqlite3_column_count(s); i++)
            fprintf(f, "%s%s", (const char *)sqlite3_column_text(s, i),
                    i + 1 < sqlite3_column_count(s) ? "|" : "\n");
    sqlite3_finalize(s);
    fclose(f);
    return out;
}

static void exec_ok(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, &err) == SQLITE_OK, "%s", err);
}

/* The demo scenario run for 2 s with the series listener. */
static void demo_result(struct an_result *r)
{
    char path[4096];
    struct scn_scenario s;
    snprintf(path, sizeof path, "%s/../../scenarios/demo.yaml", pssim_test_data_dir());
    ck_assert_int_eq(scn_load(path, NULL, 0, &s, stderr), 0);
    struct an_series *ser = an_series_new(SIM_S);
    struct an_listener l = an_series_listener(ser);
    struct an_run_options opt = {.duration = 2 * SIM_S, .listeners = &l, .nlisteners = 1};
    ck_assert_int_eq(an_run_scenario(&s, &opt, r, stderr), 0);
    an_series_free(ser);
    scn_free(&s);
}

static const struct an_run_meta META = {"scenarios/demo.yaml", "0123456789abcdef",
                                        "{\"name\":\"demo\"}", 0, 0, NULL, 0};

static int64_t put_ok(struct an_store *st, const struct an_result *r)
{
    int64_t id;
    ck_assert_int_eq(an_store_put(st, &META, r, &id, stderr), 0);
    return id;
}

/* ===== schema =========================================================== */

START_TEST(test_store_schema_tables)
{
    struct tmpdb t;
    tmpdb_init(&t);
    an_store_close(open_ok(t.path));
    sqlite3 *db = raw(t.path);
    char *names = rows_text(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    ck_assert_str_eq(names, "experiments\nhistograms\nmetrics\nprocesses\nruns\nschema_version\n"
                            "series\nslices\n");
    free(names);
    sqlite3_close(db);
    tmpdb_remove(&t);
}
END_TEST

/* Columns of each table, in order, as README "Results database" lists them. */
START_TEST(test_store_schema_columns)
{
    static const char *const want[][2] = {
        {"schema_version", "version\n"},
        {"experiments", "id\nname\ndefinition_hash\ndefinition\ncreated_at\n"},
        {"runs", "id\nexperiment_id\nscenario\nscenario_path\nscenario_hash\nparams\nseed\n"
                 "replication\nstatus\nmessage\nsim_time_ns\nevents\nwall_seconds\ncpus\n"
                 "gantt_window_ns\npssim_version\ncreated_at\npoint\n"},
        {"metrics", "run_id\nscope\nentity\nname\nvalue\n"},
        {"processes", "run_id\nentity\nsubsystem\npriority_class\npid\narrival_ns\nexit_ns\n"},
        {"slices", "run_id\ncpu\nstart_ns\nend_ns\npid\ntid\nprocess\nthread\npriority\n"
                   "subsystem\n"},
        {"series", "run_id\nscope\nentity\nname\nidx\nx\ny\n"},
        {"histograms", "run_id\nscope\nentity\nname\nupper_ns\ncount\n"},
    };
    struct tmpdb t;
    tmpdb_init(&t);
    an_store_close(open_ok(t.path));
    sqlite3 *db = raw(t.path);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char sql[200];
        snprintf(sql, sizeof sql, "SELECT name FROM pragma_table_info('%s') ORDER BY cid",
                 want[i][0]);
        char *cols = rows_text(db, sql);
        ck_assert_msg(!strcmp(cols, want[i][1]), "%s:\n%s", want[i][0], cols);
        free(cols);
    }
    sqlite3_close(db);
    tmpdb_remove(&t);
}
END_TEST

START_TEST(test_store_schema_version_and_wal)
{
    struct tmpdb t;
    tmpdb_init(&t);
    an_store_close(open_ok(t.path));
    sqlite3 *db = raw(t.path);
    ck_assert_int_eq(scalar(db, "SELECT count(*) FROM schema_version"), 1);
    ck_assert_int_eq(scalar(db, "SELECT version FROM schema_version"), AN_STORE_SCHEMA_VERSION);
    char *mode = rows_text(db, "PRAGMA journal_mode");
    ck_assert_str_eq(mode, "wal\n"); /* WAL is a property of the file */
    free(mode);
    sqlite3_close(db);
    tmpdb_remove(&t);
}
END_TEST

/* Every table of a run points at runs(id) and goes with it. */
START_TEST(test_store_schema_foreign_keys)
{
    static const char *const children[] = {"metrics", "processes", "slices", "series",
                                           "histograms"};
    struct tmpdb t;
    tmpdb_init(&t);
    struct an_store *st = open_ok(t.path);
    struct an_result r;
    demo_result(&r);
    put_ok(st, &r);
    an_store_close(st);
    sqlite3 *db = raw(t.path);
    for (size_t i = 0; i < sizeof children / sizeof children[0]; i++) {
        char sql[300];
        snprintf(sql, sizeof sql, "SELECT \"table\" || ' ' || \"from\" || ' ' || \"to\" || ' ' ||"
                                  " on_delete FROM pragma_foreign_key_list('%s')", children[i]);
        char *fk = rows_text(db, sql);
        ck_assert_str_eq(fk, "runs run_id id CASCADE\n");
        free(fk);
    }
    exec_ok(db, "PRAGMA foreign_keys = ON");
    ck_assert_int_ne(sqlite3_exec(db, "INSERT INTO metrics VALUES (99, 'run', '', 'x', 1)", NULL,
                                  NULL, NULL), SQLITE_OK);
    exec_ok(db, "DELETE FROM runs");
    ck_assert_int_eq(scalar(db, "SELECT (SELECT count(*) FROM metrics) + (SELECT count(*) FROM"
                                " slices) + (SELECT count(*) FROM series)"), 0);
    sqlite3_close(db);
    an_result_free(&r);
    tmpdb_remove(&t);
}
END_TEST

/* ===== round trip ======================================================= */

static void assert_rows_equal(const struct an_result *a, const struct an_result *b)
{
    ck_assert_uint_eq(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        const struct an_row *x = &a->rows[i], *y = &b->rows[i];
        ck_assert_int_eq(x->scope, y->scope);
        ck_assert_str_eq(x->entity, y->entity);
        ck_assert_str_eq(x->name, y->name);
        ck_assert_msg(x->value == y->value || (isnan(x->value) && isnan(y->value)),
                      "%s/%s/%s: %.17g != %.17g", an_scope_name(x->scope), x->entity, x->name,
                      x->value, y->value);
    }
}

START_TEST(test_store_round_trip_metric_rows)
{
    struct tmpdb t;
    tmpdb_init(&t);
    struct an_store *st = open_ok(t.path);
    struct an_result r, back;
    demo_result(&r);
    ck_assert_uint_gt(r.n, 50);
    int64_t id = put_ok(st, &r);
    ck_assert_int_eq(an_store_get(st, id, &back, stderr), 0);
    assert_rows_equal(&r, &back);
    ck_assert_str_eq(back.scenario, r.scenario);
    ck_assert_str_eq(back.status, r.status);
    ck_assert_uint_eq(back.seed, r.seed);
    ck_assert_int_eq(back.sim_time, r.sim_time);
    ck_assert_uint_eq(back.events, r.events);
    ck_assert_double_eq(back.wall_seconds, r.wall_seconds);
    ck_assert_int_eq(back.ncpus, r.ncpus);
    an_result_free(&back);
    an_result_free(&r);
    an_store_close(st);
    tmpdb_remove(&t);
}
END_TEST

static void assert_series_equal(const struct an_series_data *a, const struct an_series_data *b)
{
    ck_assert_int_eq(a->gantt_window, b->gantt_window);
    ck_assert_uint_eq(a->nslices, b->nslices);
    for (size_t i = 0; i < a->nslices; i++) {
        const struct an_slice *x = &a->slices[i], *y = &b->slices[i];
        ck_assert(x->start == y->start && x->end == y->end && x->cpu == y->cpu &&
                  x->priority == y->priority && x->pid == y->pid && x->tid == y->tid);
        ck_assert_str_eq(x->process, y->process);
        ck_assert_str_eq(x->thread, y->thread);
        ck_assert_str_eq(x->subsystem, y->subsystem);
    }
    ck_assert_uint_eq(a->ncurves, b->ncurves);
    for (size_t i = 0; i < a->ncurves; i++) {
        ck_assert_str_eq(a->curves[i].entity, b->curves[i].entity);
        ck_assert_uint_eq(a->curves[i].n, b->curves[i].n);
        ck_assert(!memcmp(a->curves[i].pts, b->curves[i].pts, a->curves[i].n * sizeof(struct an_point)));
    }
    ck_assert_uint_eq(a->nhistos, b->nhistos);
    for (size_t i = 0; i < a->nhistos; i++) {
        ck_assert_str_eq(a->histos[i].scope, b->histos[i].scope);
        ck_assert_uint_eq(a->histos[i].n, b->histos[i].n);
        ck_assert(!memcmp(a->histos[i].b, b->histos[i].b, a->histos[i].n * sizeof(struct an_bucket)));
    }
    ck_assert_uint_eq(a->nprocs, b->nprocs);
    for (size_t i = 0; i < a->nprocs; i++) {
        ck_assert_str_eq(a->procs[i].entity, b->procs[i].entity);
        ck_assert_str_eq(a->procs[i].priority_class, b->procs[i].priority_class);
        ck_assert(a->procs[i].pid == b->procs[i].pid && a->procs[i].exit == b->procs[i].exit);
    }
}

START_TEST(test_store_round_trip_series)
{
    struct tmpdb t;
    tmpdb_init(&t);
    struct an_store *st = open_ok(t.path);
    struct an_result r, back;
    demo_result(&r);
    ck_assert_uint_gt(r.series.nslices, 100);
    ck_assert_uint_gt(r.series.nhistos, 1);
    ck_assert_int_eq(an_store_get(st, put_ok(st, &r), &back, stderr), 0);
    assert_series_equal(&r.series, &back.series);
    an_result_free(&back);
    an_result_free(&r);
    an_store_close(st);
    tmpdb_remove(&t);
}
END_TEST

/* NaN is NULL in SQL; seeds above 2^63 - 1 come back whole. */
START_TEST(test_store_round_trip_nan_and_large_seed)
{
    struct tmpdb t;
    tmpdb_init(&t);
    struct an_store *st = open_ok(t.path);
    struct an_result r = {.scenario = strdup("x"), .seed = UINT64_MAX, .status = "done"}, back;
    ck_assert_int_eq(an_result_add(&r, AN_SCOPE_RUN, "", "latency_p99", NAN), 0);
    ck_assert_int_eq(an_store_get(st, put_ok(st, &r), &back, stderr), 0);
    ck_assert(isnan(back.rows[0].value));
    ck_assert_uint_eq(back.seed, UINT64_MAX);
    an_result_free(&back);
    an_result_free(&r);
    an_store_close(st);
    tmpdb_remove(&t);
}
END_TEST

START_TEST(test_store_run_ids_increase)
{
    struct tmpdb t;
    tmpdb_init(&t);
    struct an_store *st = open_ok(t.path);
    struct an_result r = {.scenario = strdup("x"), .status = "done"};
    int64_t latest;
    ck_assert_int_eq(an_store_latest(st, &latest, stderr), 0);
    ck_assert_int_eq(latest, 0);
    ck_assert_int_eq(put_ok(st, &r), 1);
    ck_assert_int_eq(put_ok(st, &r), 2);
    ck_assert_int_eq(an_store_latest(st, &latest, stderr), 0);
    ck_assert_int_eq(latest, 2);
    an_result_free(&r);
    an_store_close(st);
    tmpdb_remove(&t);
}
END_TEST

START_TEST(test_store_run_row)
{
    struct tmpdb t;
    tmpdb_init(&t);
    struct an_store *st = open_ok(t.path);
    struct an_result r = {.scenario = strdup("demo"), .seed = 42, .sim_time = 5, .events = 9,
                          .wall_seconds = 0.25, .ncpus = 4, .status = "done"};
    put_ok(st, &r);
    an_store_close(st);
    sqlite3 *db = raw(t.path);
    char *row = rows_text(db, "SELECT ifnull(experiment_id, 'NULL'), scenario, scenario_path,"
                              " scenario_hash, params, seed, replication, status,"
                              " ifnull(message, 'NULL'), sim_time_ns, events, wall_seconds, cpus,"
                              " pssim_version = '" PACKAGE_VERSION "', length(created_at) FROM runs");
    ck_assert_str_eq(row, "NULL|demo|scenarios/demo.yaml|0123456789abcdef|{\"name\":\"demo\"}|42|0"
                          "|done|NULL|5|9|0.25|4|1|24\n");
    free(row);
    sqlite3_close(db);
    an_result_free(&r);
    tmpdb_remove(&t);
}
END_TEST

/* A duplicate metric row breaks the primary key half way: nothing is kept. */
START_TEST(test_store_put_is_all_or_nothing)
{
    struct tmpdb t;
    tmpdb_init(&t);
    struct an_store *st = open_ok(t.path);
    struct an_result r = {.scenario = strdup("x"), .status = "done"};
    ck_assert_int_eq(an_result_add(&r, AN_SCOPE_RUN, "", "events", 1), 0);
    ck_assert_int_eq(an_result_add(&r, AN_SCOPE_RUN, "", "events", 2), 0);
    int64_t id = 7;
    FILE *devnull = fopen("/dev/null", "w");
    ck_assert_int_eq(an_store_put(st, &META, &r, &id, devnull), -1);
    fclose(devnull);
    ck_assert_int_eq(id, 0);
    an_store_close(st);
    sqlite3 *db = raw(t.path);
    ck_assert_int_eq(scalar(db, "SELECT (SELECT count(*) FROM runs) + (SELECT count(*) FROM metrics)"),
                     0);
    sqlite3_close(db);
    an_result_free(&r);
    tmpdb_remove(&t);
}
END_TEST

START_TEST(test_store_get_unknown_run)
{
    struct tmpdb t;
    tmpdb_init(&t);
    struct an_store *st = open_ok(t.path);
    struct an_result back;
    char *msg;
    size_t len;
    FILE *f = open_memstream(&msg, &len);
    ck_assert_int_eq(an_store_get(st, 7, &back, f), 1);
    fclose(f);
    char want[300];
    snprintf(want, sizeof want, "pssim: %s: no run 7 in this results database\n", t.path);
    ck_assert_str_eq(msg, want);
    free(msg);
    an_store_close(st);
    tmpdb_remove(&t);
}
END_TEST

/* ===== migrations ======================================================= */

START_TEST(test_store_open_current_twice_is_noop)
{
    struct tmpdb t;
    tmpdb_init(&t);
    an_store_close(open_ok(t.path));
    sqlite3 *db = raw(t.path);
    int64_t cookie = scalar(db, "PRAGMA schema_version");
    char *before = rows_text(db, "SELECT type || name || ifnull(sql, '') FROM sqlite_master");
    sqlite3_close(db);
    an_store_close(open_ok(t.path));
    db = raw(t.path);
    char *after = rows_text(db, "SELECT type || name || ifnull(sql, '') FROM sqlite_master");
    ck_assert_int_eq(scalar(db, "PRAGMA schema_version"), cookie); /* no DDL ran */
    ck_assert_int_eq(scalar(db, "SELECT count(*) FROM schema_version"), 1);
    ck_assert_str_eq(before, after);
    free(before);
    free(after);
    sqlite3_close(db);
    tmpdb_remove(&t);
}
END_TEST

START_TEST(test_store_refuses_newer_schema)
{
    struct tmpdb t;
    struct an_store *st;
    char *msg, want[400];
    tmpdb_init(&t);
    an_store_close(open_ok(t.path));
    sqlite3 *db = raw(t.path);
    exec_ok(db, "UPDATE schema_version SET version = 99");
    sqlite3_close(db);
    ck_assert_int_eq(open_store(t.path, &st, &msg), -1);
    ck_assert_ptr_null(st);
    snprintf(want, sizeof want,
             "pssim: %s: results database schema version 99 is newer than this pssim (%s) can "
             "use (version %d); use a newer pssim or another --db file\n",
             t.path, PACKAGE_VERSION, AN_STORE_SCHEMA_VERSION);
    ck_assert_str_eq(msg, want);
    free(msg);
    db = raw(t.path);
    ck_assert_int_eq(scalar(db, "SELECT version FROM schema_version"), 99); /* untouched */
    sqlite3_close(db);
    tmpdb_remove(&t);
}
END_TEST

START_TEST(test_store_refuses_other_databases)
{
    struct tmpdb t;
    struct an_store *st;
    char *msg, want[400];
    tmpdb_init(&t);
    sqlite3 *db = raw(t.path);
    exec_ok(db, "CREATE TABLE accounts (id INTEGER)");
    sqlite3_close(db);
    ck_assert_int_eq(open_store(t.path, &st, &msg), -1);
    snprintf(want, sizeof want, "pssim: %s: not a pssim results database (it has tables but no "
                                "schema_version); give another --db file\n", t.path);
    ck_assert_str_eq(msg, want);
    free(msg);
    tmpdb_remove(&t);
}
END_TEST

START_TEST(test_store_refuses_a_file_that_is_not_a_database)
{
    struct tmpdb t;
    struct an_store *st;
    char *msg;
    tmpdb_init(&t);
    FILE *f = fopen(t.path, "w");
    fputs("name: not a database, but a long enough text to have a header page of junk ........\n", f);
    fclose(f);
    ck_assert_int_eq(open_store(t.path, &st, &msg), -1);
    ck_assert_msg(strstr(msg, t.path) && strstr(msg, "file is not a database"), "%s", msg);
    free(msg);
    tmpdb_remove(&t);
}
END_TEST

Suite *store_suite(void)
{
    Suite *s = suite_create("store");
    TCase *tc = tcase_create("schema");
    tcase_add_test(tc, test_store_schema_tables);
    tcase_add_test(tc, test_store_schema_columns);
    tcase_add_test(tc, test_store_schema_version_and_wal);
    tcase_add_test(tc, test_store_schema_foreign_keys);
    suite_add_tcase(s, tc);
    tc = tcase_create("runs");
    tcase_add_test(tc, test_store_round_trip_metric_rows);
    tcase_add_test(tc, test_store_round_trip_series);
    tcase_add_test(tc, test_store_round_trip_nan_and_large_seed);
    tcase_add_test(tc, test_store_run_ids_increase);
    tcase_add_test(tc, test_store_run_row);
    tcase_add_test(tc, test_store_put_is_all_or_nothing);
    tcase_add_test(tc, test_store_get_unknown_run);
    suite_add_tcase(s, tc);
    tc = tcase_create("migrations");
    tcase_add_test(tc, test_store_open_current_twice_is_noop);
    tcase_add_test(tc, test_store_refuses_newer_schema);
    tcase_add_test(tc, test_store_refuses_other_databases);
    tcase_add_test(tc, test_store_refuses_a_file_that_is_not_a_database);
    suite_add_tcase(s, tc);
    return s;
}
