/* tests/results_harness.c - results databases and plot directories for analysis tests (layer: tests).
 * See tests/results_harness.h.
 *
 * SPDX-License-Identifier: MIT
 */
#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/analysis.h"
#define ANALYSIS_INTERNAL
#include "analysis/analysis_int.h"
#include "tests/check.h"
#include "tests/results_harness.h"

struct an_store *h_store(void)
{
    struct an_store *st;
    ck_assert_int_eq(an_store_open(&st, ":memory:", stderr), 0);
    return st;
}

int64_t h_run(struct an_store *st, const char *scenario, const char *params, uint64_t seed,
              const char *status, int64_t experiment_id, const struct h_metric *m, size_t n)
{
    struct an_result r = {0};
    r.scenario = strdup(scenario);
    r.seed = seed;
    r.status = status;
    r.ncpus = 1;
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(an_result_add(&r, m[i].scope, m[i].entity, m[i].name, m[i].value), 0);
    struct an_run_meta meta = {"s.yaml", "0123456789abcdef", params, experiment_id, 0, NULL,
                               (int64_t)seed};
    int64_t id;
    ck_assert_int_eq(an_store_put(st, &meta, &r, &id, stderr), 0);
    an_result_free(&r);
    return id;
}

int64_t h_run1(struct an_store *st, const char *scenario, const char *params, uint64_t seed,
               const char *name, double value)
{
    struct h_metric m = {AN_SCOPE_RUN, "", name, value};
    return h_run(st, scenario, params, seed, "done", 0, &m, 1);
}

int64_t h_experiment(struct an_store *st, const char *name, const char *definition)
{
    sqlite3 *db = an__store_db(st);
    sqlite3_stmt *s;
    ck_assert_int_eq(sqlite3_prepare_v2(db, "INSERT INTO experiments (name, definition_hash,"
                                            " definition) VALUES (?1, ?1 || ':' || ifnull(?2, ''), ?2)", -1, &s, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    if (definition)
        sqlite3_bind_text(s, 2, definition, -1, SQLITE_STATIC);
    ck_assert_int_eq(sqlite3_step(s), SQLITE_DONE);
    sqlite3_finalize(s);
    return sqlite3_last_insert_rowid(db);
}

void h_tmpdir(char *dir)
{
    strcpy(dir, "/tmp/pssim-results-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

void h_rmtree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[4200];
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
    if (d)
        closedir(d);
    rmdir(dir);
}

char *h_slurp(const char *dir, const char *name)
{
    char p[4200];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "r");
    if (!f)
        return NULL;
    char *buf = calloc(1, 1 << 20);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_lt(fread(buf, 1, (1 << 20) - 1, f), (1 << 20) - 1);
    fclose(f);
    return buf;
}
