/* tests/check_an_batch.c - unit tests of batches and merges (layer: tests).
 * The batch runner (analysis/batch.c) on a small experiment over
 * tests/data/batch/busy.yaml: every run stored once with its identity and
 * seed, the same metric rows whatever the number of workers, shards, resume
 * and its refusal, failed runs, the stop flag, the plain progress lines;
 * and the copy underneath `pssim merge` (analysis/merge.c): idempotent,
 * renumbering, refusing two definitions of one experiment before copying
 * anything, and kept in step with the schema.  Databases are inspected
 * with SQLite directly.
 *
 * SPDX-License-Identifier: MIT
 */
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/analysis.h"
#define ANALYSIS_INTERNAL
#include "analysis/analysis_int.h"
#include "analysis/batch_int.h"
#include "tests/check.h"

/* ===== helpers ========================================================== */

/* A directory for an experiment file and databases. */
struct tmp {
    char dir[64];
};

static void tmp_init(struct tmp *t)
{
    strcpy(t->dir, "/tmp/pssim-batch-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(t->dir));
}

static void tmp_remove(struct tmp *t)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
    ck_assert_int_eq(system(cmd), 0);
}

static void tmp_path(const struct tmp *t, const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", t->dir, name);
}

/* An experiment over busy.yaml: 2 x 2 points x `reps`, `extra` appended
 * (more sweep keys), seed `seed`. */
static void experiment(const struct tmp *t, int reps, int seed, const char *extra,
                       struct scn_experiment *e)
{
    char path[256], cwd[2048], abs[4096];
    const char *data = pssim_test_data_dir();
    tmp_path(t, "e.yaml", path, sizeof path);
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    snprintf(abs, sizeof abs, "%s%s%s/batch/busy.yaml", data[0] == '/' ? "" : cwd,
             data[0] == '/' ? "" : "/", data); /* the experiment file is elsewhere */
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "experiment: busy\nscenario: %s\nreplications: %d\nseed: %d\nsweep:\n"
               "  machine.cpus: [1, 2]\n  processes.hog.threads.worker.count: [1, 3]\n%s",
            abs, reps, seed, extra ? extra : "");
    fclose(f);
    ck_assert_int_eq(scn_experiment_load(path, e, stderr), 0);
}

/* Run a batch into DIR/db; returns an_batch_run's result, messages in *err. */
static int batch(const struct tmp *t, const char *db, const struct scn_experiment *e,
                 struct an_batch_options *o, struct an_batch_summary *sum, char **err)
{
    char path[256];
    size_t len;
    tmp_path(t, db, path, sizeof path);
    o->db = path;
    if (o->jobs == 0)
        o->jobs = 2;
    if (o->shards == 0)
        o->shard = o->shards = 1;
    FILE *f = open_memstream(err, &len);
    ck_assert_ptr_nonnull(f);
    int rc = an_batch_run(e, o, sum, f);
    fclose(f);
    return rc;
}

static void batch_ok(const struct tmp *t, const char *db, const struct scn_experiment *e,
                     struct an_batch_options o, struct an_batch_summary *sum)
{
    char *err;
    int rc = batch(t, db, e, &o, sum, &err);
    ck_assert_msg(rc == 0, "batch failed:\n%s", err);
    free(err);
}

static sqlite3 *raw(const struct tmp *t, const char *db)
{
    char path[256];
    sqlite3 *h;
    tmp_path(t, db, path, sizeof path);
    ck_assert_int_eq(sqlite3_open(path, &h), SQLITE_OK);
    return h;
}

static int64_t scalar(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s;
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK, "%s", sqlite3_errmsg(db));
    ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static char *rows_text(sqlite3 *db, const char *sql)
{
    char *out;
    size_t len;
    FILE *f = open_memstream(&out, &len);
    sqlite3_stmt *s;
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK, "%s", sqlite3_errmsg(db));
    while (sqlite3_step(s) == SQLITE_ROW)
        for (int i = 0; i < sqlite3_column_count(s); i++)
            fprintf(f, "%s%s", sqlite3_column_text(s, i) ? (const char *)sqlite3_column_text(s, i)
                                                         : "NULL",
                    i + 1 < sqlite3_column_count(s) ? "|" : "\n");
    sqlite3_finalize(s);
    fclose(f);
    return out;
}

/* The metric rows of every run with its identity, wall time left out. */
static char *metric_dump(const struct tmp *t, const char *db)
{
    sqlite3 *h = raw(t, db);
    char *text = rows_text(h, "SELECT r.point, r.replication, r.seed, r.status, r.sim_time_ns,"
                              " r.events, m.scope, m.entity, m.name, m.value FROM metrics m"
                              " JOIN runs r ON r.id = m.run_id"
                              " ORDER BY r.point, r.replication, m.rowid");
    sqlite3_close(h);
    return text;
}

/* ===== the batch ======================================================== */

START_TEST(test_batch_stores_every_run_once_with_its_identity)
{
    struct tmp t;
    struct scn_experiment e;
    struct an_batch_summary sum;
    tmp_init(&t);
    experiment(&t, 3, 5, NULL, &e);
    batch_ok(&t, "a.db", &e, (struct an_batch_options){0}, &sum);
    ck_assert_uint_eq(sum.runs, 12);
    ck_assert_uint_eq(sum.stored, 12);
    ck_assert_uint_eq(sum.done_now, 12);
    ck_assert_uint_eq(sum.failed, 0);
    ck_assert(!sum.interrupted);
    sqlite3 *h = raw(&t, "a.db");
    ck_assert_int_eq(scalar(h, "SELECT count(*) FROM runs"), 12);
    ck_assert_int_eq(scalar(h, "SELECT count(DISTINCT point * 100 + replication) FROM runs"), 12);
    ck_assert_int_eq(scalar(h, "SELECT count(*) FROM runs WHERE status = 'done' AND"
                               " experiment_id = 1 AND json_extract(params, '$.machine.cpus') ="
                               " 1 + point / 2 AND json_extract(params,"
                               " '$.processes[0].threads[0].count') = 1 + 2 * (point % 2)"), 12);
    for (int p = 0; p < 4; p++)
        for (int r = 0; r < 3; r++) {
            char sql[160];
            snprintf(sql, sizeof sql, "SELECT seed FROM runs WHERE point = %d AND replication = %d",
                     p, r);
            ck_assert_int_eq(scalar(h, sql), (int64_t)scn_experiment_seed(&e, (size_t)p, r));
        }
    char *name = rows_text(h, "SELECT name, definition_hash FROM experiments");
    char want[64];
    snprintf(want, sizeof want, "busy|%s\n", e.hash);
    ck_assert_str_eq(name, want);
    free(name);
    sqlite3_close(h);
    scn_experiment_free(&e);
    tmp_remove(&t);
}
END_TEST

START_TEST(test_batch_workers_do_not_change_metrics)
{
    struct tmp t;
    struct scn_experiment e;
    struct an_batch_summary sum;
    tmp_init(&t);
    experiment(&t, 2, 1, NULL, &e);
    batch_ok(&t, "j1.db", &e, (struct an_batch_options){.jobs = 1}, &sum);
    batch_ok(&t, "j3.db", &e, (struct an_batch_options){.jobs = 3}, &sum);
    char *a = metric_dump(&t, "j1.db"), *b = metric_dump(&t, "j3.db");
    ck_assert_uint_gt(strlen(a), 1000);
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
    scn_experiment_free(&e);
    tmp_remove(&t);
}
END_TEST

START_TEST(test_batch_shard_takes_runs_modulo)
{
    struct tmp t;
    struct scn_experiment e;
    struct an_batch_summary sum;
    tmp_init(&t);
    experiment(&t, 3, 1, NULL, &e);
    batch_ok(&t, "s.db", &e, (struct an_batch_options){.shard = 2, .shards = 5}, &sum);
    ck_assert_uint_eq(sum.selected, 3); /* runs 1, 6 and 11 of 0..11 */
    sqlite3 *h = raw(&t, "s.db");
    char *ids = rows_text(h, "SELECT point * 3 + replication FROM runs ORDER BY 1");
    ck_assert_str_eq(ids, "1\n6\n11\n");
    free(ids);
    sqlite3_close(h);
    scn_experiment_free(&e);
    tmp_remove(&t);
}
END_TEST

/* With runs stored, only --resume goes on, and it does just the missing ones. */
START_TEST(test_batch_resume_does_the_missing_runs)
{
    struct tmp t;
    struct scn_experiment e;
    struct an_batch_summary sum;
    char *err;
    tmp_init(&t);
    experiment(&t, 2, 1, NULL, &e);
    batch_ok(&t, "r.db", &e, (struct an_batch_options){0}, &sum);
    sqlite3 *h = raw(&t, "r.db");
    sqlite3_exec(h, "PRAGMA foreign_keys = ON; DELETE FROM runs WHERE point = 2", NULL, NULL, NULL);
    int64_t kept = scalar(h, "SELECT max(id) FROM runs WHERE point <> 2");
    sqlite3_close(h);
    struct an_batch_options o = {0};
    ck_assert_int_eq(batch(&t, "r.db", &e, &o, &sum, &err), 1);
    ck_assert_ptr_nonnull(strstr(err, "already holds 6 of the 8 runs of experiment 'busy': add "
                                      "--resume to do the 2 others"));
    free(err);
    batch_ok(&t, "r.db", &e, (struct an_batch_options){.resume = true}, &sum);
    ck_assert_uint_eq(sum.before, 6);
    ck_assert_uint_eq(sum.done_now, 2);
    h = raw(&t, "r.db");
    ck_assert_int_eq(scalar(h, "SELECT count(*) FROM runs"), 8);
    ck_assert_int_eq(scalar(h, "SELECT min(id) FROM runs WHERE point = 2"), kept + 1);
    sqlite3_close(h);
    scn_experiment_free(&e);
    tmp_remove(&t);
}
END_TEST

START_TEST(test_batch_refuses_another_definition_under_one_name)
{
    struct tmp t;
    struct scn_experiment a, b;
    struct an_batch_summary sum;
    char *err;
    tmp_init(&t);
    experiment(&t, 1, 1, NULL, &a);
    batch_ok(&t, "d.db", &a, (struct an_batch_options){0}, &sum);
    experiment(&t, 1, 2, NULL, &b); /* another seed: another definition */
    struct an_batch_options o = {0};
    ck_assert_int_eq(batch(&t, "d.db", &b, &o, &sum, &err), 1);
    ck_assert_ptr_nonnull(strstr(err, "already holds experiment 'busy' with another definition"));
    ck_assert_ptr_nonnull(strstr(err, "give a new --db file"));
    free(err);
    sqlite3 *h = raw(&t, "d.db");
    ck_assert_int_eq(scalar(h, "SELECT count(*) FROM experiments"), 1);
    sqlite3_close(h);
    scn_experiment_free(&a);
    scn_experiment_free(&b);
    tmp_remove(&t);
}
END_TEST

/* A run that fails is stored as such, with its message; the others go on. */
START_TEST(test_batch_failed_run_is_stored_with_its_message)
{
    struct tmp t;
    struct scn_experiment e;
    struct an_batch_summary sum;
    tmp_init(&t);
    experiment(&t, 1, 1, "  machine.limits.processes: [3, 100]\n", &e);
    batch_ok(&t, "f.db", &e, (struct an_batch_options){0}, &sum);
    ck_assert_uint_eq(sum.stored, 8);
    ck_assert_uint_eq(sum.failed, 4);
    sqlite3 *h = raw(&t, "f.db");
    ck_assert_int_eq(scalar(h, "SELECT count(*) FROM runs WHERE status = 'error' AND point % 2 = 0"
                               " AND message LIKE '%would exceed machine.limits.processes (3)%'"),
                     4);
    ck_assert_int_eq(scalar(h, "SELECT count(*) FROM runs WHERE status = 'done'"), 4);
    sqlite3_close(h);
    scn_experiment_free(&e);
    tmp_remove(&t);
}
END_TEST

/* A raised stop flag ends the batch at once: nothing stored, interrupted. */
START_TEST(test_batch_stop_flag_interrupts)
{
    struct tmp t;
    struct scn_experiment e;
    struct an_batch_summary sum;
    volatile sig_atomic_t stop = 1;
    tmp_init(&t);
    experiment(&t, 2, 1, NULL, &e);
    batch_ok(&t, "i.db", &e, (struct an_batch_options){.stop_flag = &stop}, &sum);
    ck_assert(sum.interrupted);
    ck_assert_uint_eq(sum.stored, 0);
    sqlite3 *h = raw(&t, "i.db");
    ck_assert_int_eq(scalar(h, "SELECT count(*) FROM runs"), 0);
    sqlite3_close(h);
    scn_experiment_free(&e);
    tmp_remove(&t);
}
END_TEST

/* Not a terminal: one line per run, "[k/N] point P replication R seed S (...)". */
START_TEST(test_batch_progress_lines)
{
    struct tmp t;
    struct scn_experiment e;
    struct an_batch_summary sum;
    char *text;
    size_t len;
    tmp_init(&t);
    experiment(&t, 1, 1, NULL, &e);
    FILE *f = open_memstream(&text, &len);
    batch_ok(&t, "p.db", &e, (struct an_batch_options){.jobs = 1, .progress = f}, &sum);
    fclose(f);
    char want[300];
    snprintf(want, sizeof want, "[1/4] point 0 replication 0 seed %llu (machine.cpus=1, "
                                "processes.hog.threads.worker.count=1): done, ",
             (unsigned long long)scn_experiment_seed(&e, 0, 0));
    ck_assert_msg(!strncmp(text, want, strlen(want)), "%s", text);
    ck_assert_ptr_nonnull(strstr(text, "\n[4/4] point 3 replication 0 seed "));
    int lines = 0;
    for (char *s = text; *s; s++)
        lines += *s == '\n';
    ck_assert_int_eq(lines, 4);
    free(text);
    scn_experiment_free(&e);
    tmp_remove(&t);
}
END_TEST

/* --gantt-window bounds the slices each run stores, as for pssim run. */
START_TEST(test_batch_gantt_window_bounds_slices)
{
    struct tmp t;
    struct scn_experiment e;
    struct an_batch_summary sum;
    tmp_init(&t);
    experiment(&t, 1, 1, NULL, &e);
    batch_ok(&t, "w.db", &e, (struct an_batch_options){.gantt_window = SIM_MS}, &sum);
    batch_ok(&t, "w2.db", &e, (struct an_batch_options){0}, &sum);
    sqlite3 *h = raw(&t, "w.db"), *h2 = raw(&t, "w2.db");
    ck_assert_int_eq(scalar(h, "SELECT max(gantt_window_ns) FROM runs"), 1000000);
    ck_assert_int_eq(scalar(h, "SELECT count(*) FROM slices WHERE start_ns >= 1000000"), 0);
    ck_assert_int_gt(scalar(h, "SELECT count(*) FROM slices"), 0);
    ck_assert_int_gt(scalar(h2, "SELECT count(*) FROM slices WHERE start_ns >= 1000000"), 0);
    char *a = metric_dump(&t, "w.db"), *b = metric_dump(&t, "w2.db");
    ck_assert_str_eq(a, b); /* what is drawn changes, not what is measured */
    free(a);
    free(b);
    sqlite3_close(h);
    sqlite3_close(h2);
    scn_experiment_free(&e);
    tmp_remove(&t);
}
END_TEST

/* ===== the copy and the merge =========================================== */

/* The copy names every column of runs and every table of per-run rows. */
START_TEST(test_batch_merge_lists_match_the_schema)
{
    struct an_store *st;
    ck_assert_int_eq(an_store_open(&st, ":memory:", stderr), 0);
    sqlite3 *db = an__store_db(st);
    char *cols = rows_text(db, "SELECT group_concat(name, ', ') FROM (SELECT name FROM"
                               " pragma_table_info('runs') WHERE name <> 'id' ORDER BY cid)");
    char *want = malloc(strlen(an__run_columns) + 2);
    sprintf(want, "%s\n", an__run_columns);
    ck_assert_str_eq(cols, want);
    char *tables = rows_text(db, "SELECT m.name FROM sqlite_master m WHERE m.type = 'table' AND"
                                 " EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE"
                                 " name = 'run_id') ORDER BY m.name");
    char listed[200] = "";
    const char *sorted[] = {"histograms", "metrics", "processes", "series", "slices"};
    for (size_t i = 0; i < 5; i++) {
        bool found = false;
        for (size_t k = 0; an__run_tables[k]; k++)
            found = found || !strcmp(an__run_tables[k], sorted[i]);
        ck_assert(found);
        strcat(listed, sorted[i]);
        strcat(listed, "\n");
    }
    ck_assert_str_eq(tables, listed);
    free(cols);
    free(want);
    free(tables);
    an_store_close(st);
}
END_TEST

static int merge(const struct tmp *t, const char *out, const char *const *in, size_t n,
                 struct an_merge_counts *c, char **err)
{
    char po[256], pi[4][256];
    const char *ins[4];
    size_t len;
    tmp_path(t, out, po, sizeof po);
    for (size_t i = 0; i < n; i++) {
        tmp_path(t, in[i], pi[i], sizeof pi[i]);
        ins[i] = pi[i];
    }
    struct an_store *st;
    ck_assert_int_eq(an_store_open(&st, po, stderr), 0);
    FILE *f = open_memstream(err, &len);
    int rc = an_merge(st, po, ins, n, c, f);
    fclose(f);
    an_store_close(st);
    return rc;
}

/* Shards merged equal the whole batch, and merging again adds nothing. */
START_TEST(test_batch_merge_of_shards_is_the_batch_and_idempotent)
{
    struct tmp t;
    struct scn_experiment e;
    struct an_batch_summary sum;
    struct an_merge_counts c;
    char *err;
    tmp_init(&t);
    experiment(&t, 3, 1, NULL, &e);
    batch_ok(&t, "all.db", &e, (struct an_batch_options){0}, &sum);
    batch_ok(&t, "s1.db", &e, (struct an_batch_options){.shard = 1, .shards = 2}, &sum);
    batch_ok(&t, "s2.db", &e, (struct an_batch_options){.shard = 2, .shards = 2}, &sum);
    const char *in[] = {"s2.db", "s1.db"};
    ck_assert_int_eq(merge(&t, "m.db", in, 2, &c, &err), 0);
    free(err);
    ck_assert_uint_eq(c.copied, 12);
    ck_assert_uint_eq(c.skipped, 0);
    char *a = metric_dump(&t, "all.db"), *b = metric_dump(&t, "m.db");
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
    ck_assert_int_eq(merge(&t, "m.db", in, 2, &c, &err), 0);
    free(err);
    ck_assert_uint_eq(c.copied, 0);
    ck_assert_uint_eq(c.skipped, 12);
    sqlite3 *h = raw(&t, "m.db");
    ck_assert_int_eq(scalar(h, "SELECT count(*) FROM runs"), 12);
    ck_assert_int_eq(scalar(h, "SELECT count(*) FROM experiments"), 1);
    ck_assert_int_eq(scalar(h, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    sqlite3_close(h);
    scn_experiment_free(&e);
    tmp_remove(&t);
}
END_TEST

/* Ids are renumbered after those already there; every row follows its run. */
START_TEST(test_batch_merge_renumbers_runs)
{
    struct tmp t;
    struct scn_experiment e;
    struct an_batch_summary sum;
    struct an_merge_counts c;
    char *err;
    tmp_init(&t);
    experiment(&t, 1, 1, NULL, &e);
    batch_ok(&t, "a.db", &e, (struct an_batch_options){0}, &sum);
    struct an_store *st;
    char po[256];
    tmp_path(&t, "m.db", po, sizeof po);
    ck_assert_int_eq(an_store_open(&st, po, stderr), 0);
    an_store_close(st);
    sqlite3 *h = raw(&t, "m.db");
    sqlite3_exec(h, "INSERT INTO runs (scenario, scenario_path, scenario_hash, params, seed,"
                    " status,"
                    " sim_time_ns, events, wall_seconds, cpus, gantt_window_ns, pssim_version)"
                    " VALUES ('x', 'x', 'h', '{}', 1, 'done', 0, 0, 0, 1, 0, 'v')",
                 NULL, NULL, NULL);
    sqlite3_close(h);
    const char *in[] = {"a.db"};
    ck_assert_int_eq(merge(&t, "m.db", in, 1, &c, &err), 0);
    free(err);
    h = raw(&t, "m.db");
    ck_assert_int_eq(scalar(h, "SELECT min(id) FROM runs WHERE experiment_id IS NOT NULL"), 2);
    sqlite3 *a = raw(&t, "a.db");
    static const char *const tables[] = {"metrics", "processes", "slices", "series", "histograms"};
    for (int i = 0; i < 5; i++) {
        char sql[200];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE run_id IN (SELECT id FROM runs"
                                  " WHERE point = 1)", tables[i]);
        ck_assert_int_gt(scalar(a, sql), 0);
        ck_assert_int_eq(scalar(h, sql), scalar(a, sql));
    }
    sqlite3_close(a);
    sqlite3_close(h);
    scn_experiment_free(&e);
    tmp_remove(&t);
}
END_TEST

/* Two definitions of one name among the inputs: refused, nothing copied. */
START_TEST(test_batch_merge_refuses_two_definitions_before_copying)
{
    struct tmp t;
    struct scn_experiment a, b;
    struct an_batch_summary sum;
    struct an_merge_counts c;
    char *err;
    tmp_init(&t);
    experiment(&t, 1, 1, NULL, &a);
    batch_ok(&t, "a.db", &a, (struct an_batch_options){0}, &sum);
    experiment(&t, 1, 2, NULL, &b);
    batch_ok(&t, "b.db", &b, (struct an_batch_options){0}, &sum);
    const char *in[] = {"a.db", "b.db"};
    ck_assert_int_eq(merge(&t, "m.db", in, 2, &c, &err), 1);
    ck_assert_ptr_nonnull(strstr(err, "experiment 'busy' has one definition in"));
    ck_assert_ptr_nonnull(strstr(err, "runs of different experiments are not merged"));
    free(err);
    sqlite3 *h = raw(&t, "m.db");
    ck_assert_int_eq(scalar(h, "SELECT count(*) FROM runs"), 0);
    sqlite3_close(h);
    scn_experiment_free(&a);
    scn_experiment_free(&b);
    tmp_remove(&t);
}
END_TEST

/* A run of no experiment is known by scenario hash, seed and created_at. */
START_TEST(test_batch_merge_plain_runs_once)
{
    struct tmp t;
    struct an_merge_counts c;
    char *err;
    tmp_init(&t);
    char pa[256];
    tmp_path(&t, "p.db", pa, sizeof pa);
    struct an_store *st;
    ck_assert_int_eq(an_store_open(&st, pa, stderr), 0);
    struct an_result r = {.scenario = strdup("s"), .seed = 7, .status = "done", .ncpus = 1};
    ck_assert_int_eq(an_result_add(&r, AN_SCOPE_RUN, "", "events", 3), 0);
    struct an_run_meta meta = {"s.yaml", "abc", "{}", 0, 0, NULL, 0};
    int64_t id;
    ck_assert_int_eq(an_store_put(st, &meta, &r, &id, stderr), 0);
    an_store_close(st);
    an_result_free(&r);
    const char *in[] = {"p.db"};
    ck_assert_int_eq(merge(&t, "m.db", in, 1, &c, &err), 0);
    free(err);
    ck_assert_uint_eq(c.copied, 1);
    ck_assert_int_eq(merge(&t, "m.db", in, 1, &c, &err), 0);
    free(err);
    ck_assert_uint_eq(c.copied, 0);
    ck_assert_uint_eq(c.skipped, 1);
    tmp_remove(&t);
}
END_TEST

START_TEST(test_batch_merge_refuses_missing_input)
{
    struct tmp t;
    struct an_merge_counts c;
    char *err;
    tmp_init(&t);
    const char *in[] = {"none.db"};
    ck_assert_int_eq(merge(&t, "m.db", in, 1, &c, &err), 1);
    ck_assert_ptr_nonnull(strstr(err, "none.db: no such results database"));
    free(err);
    char p[256];
    tmp_path(&t, "none.db", p, sizeof p);
    ck_assert_int_ne(access(p, F_OK), 0); /* not created */
    tmp_remove(&t);
}
END_TEST

/* A worker's image holds the experiment and exactly its one run. */
START_TEST(test_batch_image_holds_one_run)
{
    struct tmp t;
    struct scn_experiment e;
    unsigned char *img;
    size_t size;
    tmp_init(&t);
    experiment(&t, 2, 1, NULL, &e);
    ck_assert_int_eq(an__batch_image(&e, 5, 0, &img, &size), 0);
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_deserialize(db, "main", img, (sqlite3_int64)size,
                                         (sqlite3_int64)size, SQLITE_DESERIALIZE_FREEONCLOSE),
                     SQLITE_OK);
    char *run = rows_text(db, "SELECT r.point, r.replication, r.seed, r.status, e.name"
                              " FROM runs r JOIN experiments e ON e.id = r.experiment_id");
    char want[100];
    snprintf(want, sizeof want, "2|1|%llu|done|busy\n",
             (unsigned long long)scn_experiment_seed(&e, 2, 1));
    ck_assert_str_eq(run, want);
    ck_assert_int_gt(scalar(db, "SELECT count(*) FROM metrics"), 10);
    free(run);
    sqlite3_close(db);
    scn_experiment_free(&e);
    tmp_remove(&t);
}
END_TEST

Suite *batch_suite(void)
{
    Suite *s = suite_create("batch");
    TCase *b = tcase_create("batch");
    tcase_set_timeout(b, 60);
    tcase_add_test(b, test_batch_stores_every_run_once_with_its_identity);
    tcase_add_test(b, test_batch_workers_do_not_change_metrics);
    tcase_add_test(b, test_batch_shard_takes_runs_modulo);
    tcase_add_test(b, test_batch_resume_does_the_missing_runs);
    tcase_add_test(b, test_batch_refuses_another_definition_under_one_name);
    tcase_add_test(b, test_batch_failed_run_is_stored_with_its_message);
    tcase_add_test(b, test_batch_stop_flag_interrupts);
    tcase_add_test(b, test_batch_progress_lines);
    tcase_add_test(b, test_batch_image_holds_one_run);
    tcase_add_test(b, test_batch_gantt_window_bounds_slices);
    suite_add_tcase(s, b);
    TCase *m = tcase_create("merge");
    tcase_set_timeout(m, 60);
    tcase_add_test(m, test_batch_merge_lists_match_the_schema);
    tcase_add_test(m, test_batch_merge_of_shards_is_the_batch_and_idempotent);
    tcase_add_test(m, test_batch_merge_renumbers_runs);
    tcase_add_test(m, test_batch_merge_refuses_two_definitions_before_copying);
    tcase_add_test(m, test_batch_merge_plain_runs_once);
    tcase_add_test(m, test_batch_merge_refuses_missing_input);
    suite_add_tcase(s, m);
    return s;
}
