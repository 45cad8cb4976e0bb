/* analysis/aggregate.c - statistics across the replications of a sweep point (layer: analysis).
 * Owns what a set of stored runs says once repeated runs are pooled: the
 * summary of one metric over replications (n, mean, standard deviation,
 * median, the 95% confidence interval of the mean by Student's t), Welch's
 * t-test between two such summaries, and the grouping of the runs of a
 * results database into sweep points with a summary per metric.  The sweep
 * plots (plot_sweep.c) and `pssim compare` (compare.c) read these.
 *
 * Grouping: a run belongs to the point of its scenario and its parameters,
 * runs.params without the top-level `seed` key (replications of one point
 * differ only by their seed; the seed actually used is runs.seed and is
 * never part of params unless the scenario file or a `--set` wrote it
 * there).  A caller may group by another key (compare.c groups by the
 * parameters that vary).  Only runs of status "done" are summarised; the
 * others are counted per point as excluded.  A metric's n counts the runs
 * where it has a value (SQL NULL stands for a value that could not be
 * measured and is left out).
 *
 * With n = 1 there is no spread: the standard deviation and the interval are
 * NaN (null in JSON, empty bars in plots), never a made-up zero.
 *
 * SPDX-License-Identifier: MIT
 */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#define ANALYSIS_INTERNAL
#include "analysis/analysis_int.h"

/* ===== one metric over replications ===================================== */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void an_stats_compute(double *x, size_t n, struct an_stats *out)
{
    *out = (struct an_stats){n, NAN, NAN, NAN, NAN, NAN};
    if (n == 0)
        return;
    qsort(x, n, sizeof *x, cmp_double);
    out->mean = gsl_stats_mean(x, 1, n);
    out->median = gsl_stats_median_from_sorted_data(x, 1, n);
    if (n < 2)
        return;
    out->sd = gsl_stats_sd_m(x, 1, n, out->mean);
    double t = gsl_cdf_tdist_Pinv(0.5 + AN_CI_LEVEL / 2, (double)(n - 1));
    double half = t * out->sd / sqrt((double)n);
    out->ci_lo = out->mean - half;
    out->ci_hi = out->mean + half;
}

/* The Welch-Satterthwaite approximation of the degrees of freedom of the
 * difference of two means with variances-of-the-mean va and vb. */
static double welch_df(double va, size_t na, double vb, size_t nb)
{
    return (va + vb) * (va + vb) / (va * va / (double)(na - 1) + vb * vb / (double)(nb - 1));
}

int an_welch_test(const struct an_stats *a, const struct an_stats *b, struct an_welch *out)
{
    *out = (struct an_welch){NAN, NAN, NAN};
    if (a->n < 2 || b->n < 2)
        return -1;
    double va = a->sd * a->sd / (double)a->n, vb = b->sd * b->sd / (double)b->n;
    double diff = b->mean - a->mean;
    if (va + vb == 0) { /* both constant: the difference is certain, or nil */
        out->t = diff == 0 ? 0 : copysign(INFINITY, diff);
        out->df = (double)(a->n + b->n - 2);
        out->p = diff == 0 ? 1 : 0;
        return 0;
    }
    out->t = diff / sqrt(va + vb);
    out->df = welch_df(va, a->n, vb, b->n);
    out->p = 2 * gsl_cdf_tdist_Q(fabs(out->t), out->df);
    return 0;
}

/* ===== listing the runs ================================================= */

static char *dup_column(sqlite3_stmt *s, int i, bool *oom)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    char *d = t ? strdup((const char *)t) : NULL;
    if (t && !d)
        *oom = true;
    return d;
}

static int read_run(sqlite3_stmt *s, struct an_agg *out, size_t *cap)
{
    struct an_agg_run *runs = an__grow(out->runs, cap, out->nruns + 1, sizeof *runs);
    if (!runs)
        return -1;
    out->runs = runs;
    struct an_agg_run *r = &runs[out->nruns++];
    bool oom = false;
    r->id = sqlite3_column_int64(s, 0);
    r->scenario = dup_column(s, 1, &oom);
    r->experiment = dup_column(s, 2, &oom);
    r->status = dup_column(s, 3, &oom);
    r->params = dup_column(s, 4, &oom);
    r->key = r->params ? strdup(r->params) : NULL;
    return oom || !r->scenario || !r->status || !r->params || !r->key ? -1 : 0;
}

/* Whether an experiment of that name is stored; -1 on an error. */
static int experiment_exists(sqlite3 *db, const char *name)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM experiments WHERE name = ?1", -1, &s, NULL))
        return -1;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int an_agg_list(struct an_store *st, const char *experiment, const char *scenario,
                struct an_agg *out, FILE *errfp)
{
    sqlite3 *db = an__store_db(st);
    sqlite3_stmt *s;
    size_t cap = 0;
    memset(out, 0, sizeof *out);
    int known = experiment ? experiment_exists(db, experiment) : 1;
    if (known <= 0)
        return known < 0 ? an__store_error(st, errfp, "cannot read the experiments") : 1;
    /* the experiment's latest definition: a changed file is a new experiment row */
    if (sqlite3_prepare_v2(db, "SELECT r.id, r.scenario, e.name, r.status,"
                               " json_remove(r.params, '$.seed') FROM runs r"
                               " LEFT JOIN experiments e ON e.id = r.experiment_id"
                               " WHERE (?1 IS NULL OR r.experiment_id ="
                               " (SELECT max(id) FROM experiments WHERE name = ?1))"
                               " AND (?2 IS NULL OR r.scenario = ?2) ORDER BY r.id",
                           -1, &s, NULL))
        return an__store_error(st, errfp, "cannot read the runs");
    sqlite3_bind_text(s, 1, experiment, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, scenario, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        if (read_run(s, out, &cap)) {
            rc = SQLITE_NOMEM;
            break;
        }
    sqlite3_finalize(s);
    if (rc == SQLITE_DONE)
        return 0;
    if (rc == SQLITE_NOMEM)
        fprintf(errfp, "pssim: out of memory\n");
    else
        an__store_error(st, errfp, "cannot read the runs");
    an_agg_free(out);
    return -1;
}

int an_agg_definition(struct an_store *st, const char *experiment, char **text, FILE *errfp)
{
    sqlite3_stmt *s;
    *text = NULL;
    if (sqlite3_prepare_v2(an__store_db(st), "SELECT definition FROM experiments WHERE name = ?1"
                                             " ORDER BY id DESC LIMIT 1", -1, &s, NULL))
        return an__store_error(st, errfp, "cannot read the experiments");
    sqlite3_bind_text(s, 1, experiment, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    bool oom = false;
    if (rc == SQLITE_ROW)
        *text = dup_column(s, 0, &oom);
    sqlite3_finalize(s);
    if (oom)
        fprintf(errfp, "pssim: out of memory\n");
    else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        an__store_error(st, errfp, "cannot read the experiments");
    return oom || (rc != SQLITE_ROW && rc != SQLITE_DONE) ? -1 : rc == SQLITE_DONE;
}

/* ===== parameters ======================================================= */

/* The JSON type of params at `path`, in buf; "" when there is nothing. */
static int json_type_at(sqlite3 *db, const char *params, const char *path, char *buf, size_t size)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "SELECT json_type(?1, ?2)", -1, &s, NULL))
        return -1;
    sqlite3_bind_text(s, 1, params, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, path, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    const unsigned char *t = rc == SQLITE_ROW ? sqlite3_column_text(s, 0) : NULL;
    snprintf(buf, size, "%s", t ? (const char *)t : "");
    sqlite3_finalize(s);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* The first row's text of `sql` over (?1 params, ?2 path, ?3 arg), malloc'd;
 * *out = NULL when there is no row. */
static int query_text(sqlite3 *db, const char *sql, const char *params, const char *path,
                      const char *arg, char **out)
{
    sqlite3_stmt *s;
    *out = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL))
        return -1;
    sqlite3_bind_text(s, 1, params, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, path, -1, SQLITE_STATIC);
    if (arg)
        sqlite3_bind_text(s, 3, arg, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    bool oom = false;
    if (rc == SQLITE_ROW)
        *out = dup_column(s, 0, &oom);
    sqlite3_finalize(s);
    return oom || (rc != SQLITE_ROW && rc != SQLITE_DONE) ? -1 : 0;
}

/* Extend the JSON path `path` (of type `type`) by one segment of a scenario
 * key: an object member, or a sequence element by index or by name.  0; 1
 * when there is no such element; -1 on an error. */
static int path_step(sqlite3 *db, const char *params, char *path, size_t size, const char *type,
                     const char *seg)
{
    size_t len = strlen(path);
    if (!strcmp(type, "object") && !strpbrk(seg, "\"\\"))
        return snprintf(path + len, size - len, ".\"%s\"", seg) < (int)(size - len) ? 0 : 1;
    if (strcmp(type, "array"))
        return 1;
    char *idx = NULL;
    if (*seg && strspn(seg, "0123456789") == strlen(seg))
        idx = strdup(seg);
    else if (query_text(db, "SELECT key FROM json_each(?1, ?2)"
                            " WHERE json_extract(value, '$.name') = ?3 LIMIT 1",
                        params, path, seg, &idx))
        return -1;
    int rc = idx && snprintf(path + len, size - len, "[%s]", idx) < (int)(size - len) ? 0 : 1;
    free(idx);
    return rc;
}

int an_agg_param(struct an_store *st, const char *params, const char *key, char **out)
{
    sqlite3 *db = an__store_db(st);
    char path[1024] = "$", type[16], seg[256];
    *out = NULL;
    for (const char *p = key;; p++) {
        size_t n = strcspn(p, ".");
        if (n == 0 || n >= sizeof seg)
            return 1;
        memcpy(seg, p, n);
        seg[n] = '\0';
        if (json_type_at(db, params, path, type, sizeof type))
            return -1;
        int rc = path_step(db, params, path, sizeof path, type, seg);
        if (rc)
            return rc;
        if (!p[n])
            break;
        p += n;
    }
    if (query_text(db, "SELECT " AN__SQL_JSON_TEXT " FROM json_tree(?1, ?2) LIMIT 1", params,
                   path, NULL, out))
        return -1;
    return *out ? 0 : 1;
}

/* ===== grouping and summarising ========================================= */

static int cmp_run(const void *a, const void *b)
{
    const struct an_agg_run *x = a, *y = b;
    int c = strcmp(x->scenario, y->scenario);
    if (!c)
        c = strcmp(x->key, y->key);
    return c ? c : (x->id > y->id) - (x->id < y->id);
}

static bool same_point(const struct an_agg_run *x, const struct an_agg_run *y)
{
    return !strcmp(x->scenario, y->scenario) && !strcmp(x->key, y->key);
}

/* Values of one metric being collected, and the metrics of a group. */
struct collect {
    double *v;
    size_t n, cap;
    size_t mcap;
    bool oom;
};

/* Close the metric being collected into g->m[g->nm - 1]. */
static void collect_flush(struct collect *c, struct an_agg_group *g)
{
    if (g->nm)
        an_stats_compute(c->v, c->n, &g->m[g->nm - 1].st);
    c->n = 0;
}

static void collect_row(struct collect *c, struct an_agg_group *g, sqlite3_stmt *s)
{
    const char *scope = (const char *)sqlite3_column_text(s, 0);
    const char *entity = (const char *)sqlite3_column_text(s, 1);
    const char *name = (const char *)sqlite3_column_text(s, 2);
    struct an_agg_metric *last = g->nm ? &g->m[g->nm - 1] : NULL;
    if (!scope || !entity || !name) { /* NOT NULL columns: only out of memory */
        c->oom = true;
        return;
    }
    if (!last || strcmp(last->scope, scope) || strcmp(last->entity, entity) ||
        strcmp(last->name, name)) {
        collect_flush(c, g);
        struct an_agg_metric *m = an__grow(g->m, &c->mcap, g->nm + 1, sizeof *m);
        if (!m) {
            c->oom = true;
            return;
        }
        g->m = m;
        m = &g->m[g->nm++];
        m->scope = strdup(scope);
        m->entity = strdup(entity);
        m->name = strdup(name);
        c->oom = c->oom || !m->scope || !m->entity || !m->name;
    }
    if (sqlite3_column_type(s, 3) == SQLITE_NULL)
        return;
    double *v = an__grow(c->v, &c->cap, c->n + 1, sizeof *v);
    if (!v) {
        c->oom = true;
        return;
    }
    c->v = v;
    c->v[c->n++] = sqlite3_column_double(s, 3);
}

/* "[id,id,...]" of the done runs of runs[0..n), for json_each. */
static char *done_ids(const struct an_agg_run *runs, size_t n, size_t *ndone)
{
    char *buf = malloc(n * 22 + 3), *p = buf;
    *ndone = 0;
    if (!buf)
        return NULL;
    *p++ = '[';
    for (size_t i = 0; i < n; i++)
        if (!strcmp(runs[i].status, "done"))
            p += sprintf(p, "%s%lld", (*ndone)++ ? "," : "", (long long)runs[i].id);
    strcpy(p, "]");
    return buf;
}

/* Summarise the metrics of the group of runs[0..n). */
static int group_metrics(sqlite3 *db, struct an_agg_group *g, const struct an_agg_run *runs,
                         size_t n, struct collect *c)
{
    sqlite3_stmt *s;
    size_t ndone;
    char *ids = done_ids(runs, n, &ndone);
    c->mcap = 0;
    g->nruns = ndone;
    g->nexcluded = n - ndone;
    if (!ids || sqlite3_prepare_v2(db, "SELECT scope, entity, name, value FROM metrics"
                                       " WHERE run_id IN (SELECT value FROM json_each(?1))"
                                       " ORDER BY scope, entity, name", -1, &s, NULL)) {
        c->oom = c->oom || !ids;
        free(ids);
        return -1;
    }
    sqlite3_bind_text(s, 1, ids, -1, SQLITE_STATIC);
    int rc = SQLITE_DONE;
    while (!c->oom && (rc = sqlite3_step(s)) == SQLITE_ROW)
        collect_row(c, g, s);
    collect_flush(c, g);
    sqlite3_finalize(s);
    free(ids);
    return c->oom || rc != SQLITE_DONE ? -1 : 0;
}

int an_agg_compute(struct an_store *st, struct an_agg *a, FILE *errfp)
{
    struct collect c = {0};
    size_t gcap = 0;
    int rc = 0;
    if (a->nruns) /* runs is NULL without runs */
        qsort(a->runs, a->nruns, sizeof *a->runs, cmp_run);
    sqlite3_exec(an__store_db(st), "BEGIN", NULL, NULL, NULL); /* one snapshot for all */
    for (size_t i = 0, j; rc == 0 && i < a->nruns; i = j) {
        for (j = i + 1; j < a->nruns && same_point(&a->runs[i], &a->runs[j]); j++)
            ;
        struct an_agg_group *g = an__grow(a->g, &gcap, a->ng + 1, sizeof *g);
        if (!g) {
            c.oom = true;
            break;
        }
        a->g = g;
        g = &a->g[a->ng++];
        g->scenario = a->runs[i].scenario;
        g->key = a->runs[i].key;
        g->first = &a->runs[i];
        rc = group_metrics(an__store_db(st), g, &a->runs[i], j - i, &c);
    }
    sqlite3_exec(an__store_db(st), "COMMIT", NULL, NULL, NULL);
    free(c.v);
    if (c.oom)
        fprintf(errfp, "pssim: out of memory\n");
    else if (rc)
        an__store_error(st, errfp, "cannot read the metrics");
    return c.oom || rc ? -1 : 0;
}

const struct an_agg_metric *an_agg_find(const struct an_agg_group *g, const char *scope,
                                        const char *entity, const char *name)
{
    size_t lo = 0, hi = g->nm;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct an_agg_metric *m = &g->m[mid];
        int c = strcmp(m->scope, scope);
        if (!c)
            c = strcmp(m->entity, entity);
        if (!c)
            c = strcmp(m->name, name);
        if (!c)
            return m;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

void an_agg_free(struct an_agg *a)
{
    for (size_t i = 0; i < a->ng; i++) {
        for (size_t k = 0; k < a->g[i].nm; k++) {
            free(a->g[i].m[k].scope);
            free(a->g[i].m[k].entity);
            free(a->g[i].m[k].name);
        }
        free(a->g[i].m);
    }
    for (size_t i = 0; i < a->nruns; i++) {
        struct an_agg_run *r = &a->runs[i];
        free(r->scenario);
        free(r->experiment);
        free(r->status);
        free(r->params);
        free(r->key);
    }
    free(a->g);
    free(a->runs);
    memset(a, 0, sizeof *a);
}
