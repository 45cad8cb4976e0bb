/* analysis/compare.c - regression comparison of two results databases (layer: analysis).
 * Owns `pssim compare`'s logic: which runs of a baseline and a candidate
 * database stand for the same experiment point, the verdict on each metric
 * they share, and the table of bad directions.  The output is in
 * compare_out.c, the plot in plot_sweep.c.
 *
 * Matching.  Runs are compared per scenario (runs.scenario) and per sweep
 * point.  A point is not the whole runs.params: a candidate built to test a
 * change usually differs from the baseline in a parameter on purpose (a
 * longer quantum), or only in the code.  So the parameters that make a
 * point are those that vary among the runs of a scenario in either database
 * (the swept keys, seed excepted); a parameter that has one value in each
 * database but not the same one is reported as the change under test.
 * Parameters are compared leaf by leaf (SQLite's json_tree over
 * runs.params), as JSON text.
 *
 * Verdicts.  For a metric (scope, entity, name) of a matched point, the
 * change is relative to the baseline mean and the test is Welch's (means
 * and spreads may differ).  A metric moved when |change| > tolerance and
 * p < alpha; then it regressed or improved by its bad direction, or merely
 * changed when it has none.  Fewer than two values on a side is
 * "insufficient data", whatever the means.
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

/* ===== directions and verdicts ========================================== */

/* Which way is worse, by words of the metric names (README "Comparing two
 * databases" shows this table).  An entry matches a name that holds it
 * between underscores or at its ends: "latency" matches latency_p99 and
 * creation_latency_mean, "wait" wait_time_io and wait_p99.  The first
 * match wins; a name matching nothing is a change either way, never a
 * regression. */
static const struct {
    const char *word;
    enum an_direction dir;
} DIRECTIONS[] = {
    {"latency", AN_DIR_UP_IS_BAD},        {"wait", AN_DIR_UP_IS_BAD},
    {"response", AN_DIR_UP_IS_BAD},       {"starvation", AN_DIR_UP_IS_BAD},
    {"ready_time", AN_DIR_UP_IS_BAD},     {"inversion_time", AN_DIR_UP_IS_BAD},
    {"spin_time", AN_DIR_UP_IS_BAD},      {"max_queue", AN_DIR_UP_IS_BAD},
    {"contended", AN_DIR_UP_IS_BAD},      {"creation_latency", AN_DIR_UP_IS_BAD},
    {"callback_time", AN_DIR_UP_IS_BAD},  {"preemptions", AN_DIR_UP_IS_BAD},
    {"context_switches", AN_DIR_UP_IS_BAD},
    {"jain_fairness", AN_DIR_DOWN_IS_BAD}, {"utilization", AN_DIR_DOWN_IS_BAD},
    {"share", AN_DIR_DOWN_IS_BAD},        {"processes_completed", AN_DIR_DOWN_IS_BAD},
    {"acquisitions", AN_DIR_DOWN_IS_BAD},
};

/* Whether `word` occurs in `name` bounded by '_' or the ends. */
static bool has_word(const char *name, const char *word)
{
    size_t len = strlen(word);
    for (const char *p = name; (p = strstr(p, word)); p++)
        if ((p == name || p[-1] == '_') && (p[len] == '\0' || p[len] == '_'))
            return true;
    return false;
}

enum an_direction an_metric_direction(const char *name)
{
    for (size_t i = 0; i < sizeof DIRECTIONS / sizeof DIRECTIONS[0]; i++)
        if (has_word(name, DIRECTIONS[i].word))
            return DIRECTIONS[i].dir;
    return AN_DIR_EITHER;
}

const char *an_direction_name(enum an_direction d)
{
    return d == AN_DIR_UP_IS_BAD ? "up" : d == AN_DIR_DOWN_IS_BAD ? "down" : "either";
}

const char *an_verdict_name(enum an_verdict v)
{
    static const char *const NAMES[] = {"regressed", "improved", "changed", "unchanged",
                                        "insufficient data"};
    return v < AN_VERDICT_COUNT ? NAMES[v] : "?";
}

static double relative_change(double base, double cand)
{
    if (base != 0)
        return (cand - base) / fabs(base);
    return cand == 0 ? 0 : copysign(INFINITY, cand);
}

enum an_verdict an_compare_verdict(const struct an_stats *base, const struct an_stats *cand,
                                   enum an_direction dir, const struct an_compare_options *o,
                                   double *change, struct an_welch *test)
{
    *change = relative_change(base->mean, cand->mean);
    if (an_welch_test(base, cand, test))
        return AN_VERDICT_INSUFFICIENT;
    if (!(fabs(*change) > o->tolerance && test->p < o->alpha))
        return AN_VERDICT_UNCHANGED;
    if (dir == AN_DIR_EITHER)
        return AN_VERDICT_CHANGED;
    bool up = *change > 0;
    return up == (dir == AN_DIR_UP_IS_BAD) ? AN_VERDICT_REGRESSED : AN_VERDICT_IMPROVED;
}

bool an_metric_spec_match(const char *spec, const char *scope, const char *entity,
                          const char *name)
{
    const char *first = strchr(spec, ':'), *last = strrchr(spec, ':');
    if (!first)
        return !strcmp(spec, name);
    if (strcmp(last + 1, name) || strlen(scope) != (size_t)(first - spec) ||
        strncmp(spec, scope, (size_t)(first - spec)))
        return false;
    if (first == last)
        return true;
    return strlen(entity) == (size_t)(last - first - 1) &&
           !strncmp(first + 1, entity, (size_t)(last - first - 1));
}

/* ===== the parameters of each side ====================================== */

/* What one database says of one parameter (a leaf of runs.params) of one
 * scenario: how many runs have it, with how many distinct values, the
 * least of them. */
struct leaf {
    char *scenario, *key, *value;
    int64_t nruns, ndistinct;
};

struct leaves {
    struct leaf *l;
    size_t n, cap;
};

static void leaves_free(struct leaves *ls)
{
    for (size_t i = 0; i < ls->n; i++) {
        free(ls->l[i].scenario);
        free(ls->l[i].key);
        free(ls->l[i].value);
    }
    free(ls->l);
    memset(ls, 0, sizeof *ls);
}

/* A json_tree full key as a scenario key: "$.machine.costs.\"context_switch\""
 * becomes "machine.costs.context_switch" (SQLite quotes members that are not
 * plain words); a member that needs its quotes keeps them.  Malloc'd. */
static char *key_of(const char *fullkey)
{
    char *out = malloc(strlen(fullkey) + 1), *o = out;
    if (!out)
        return NULL;
    for (const char *p = fullkey + (strncmp(fullkey, "$.", 2) ? 0 : 2); *p;) {
        size_t n = *p == '"' ? strcspn(p + 1, "\"") : 0;
        if (n && p[n + 1] == '"' && strcspn(p + 1, ".[]\\ ") >= n) {
            memcpy(o, p + 1, n); /* a plain member: unquoted */
            o += n;
            p += n + 2;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    return out;
}

static int leaf_add(struct leaves *ls, sqlite3_stmt *s)
{
    struct leaf *l = an__grow(ls->l, &ls->cap, ls->n + 1, sizeof *l);
    if (!l)
        return -1;
    ls->l = l;
    l = &ls->l[ls->n++];
    const char *scenario = (const char *)sqlite3_column_text(s, 0);
    const char *key = (const char *)sqlite3_column_text(s, 1);
    const char *value = (const char *)sqlite3_column_text(s, 4);
    l->scenario = scenario ? strdup(scenario) : NULL;
    l->key = key ? key_of(key) : NULL;
    l->value = value ? strdup(value) : NULL;
    l->ndistinct = sqlite3_column_int64(s, 2);
    l->nruns = sqlite3_column_int64(s, 3);
    return l->scenario && l->key && l->value ? 0 : -1;
}

static int cmp_leaf(const struct leaf *x, const char *scenario, const char *key)
{
    int c = strcmp(x->scenario, scenario);
    return c ? c : strcmp(x->key, key);
}

static int cmp_leaves(const void *a, const void *b)
{
    const struct leaf *y = b;
    return cmp_leaf(a, y->scenario, y->key);
}

/* Every leaf of every run's parameters, by scenario and key. */
static int read_leaves(struct an_store *st, struct leaves *out, FILE *errfp)
{
    sqlite3_stmt *s;
    memset(out, 0, sizeof *out);
    if (sqlite3_prepare_v2(an__store_db(st),
                           "SELECT r.scenario, fullkey, count(DISTINCT " AN__SQL_JSON_TEXT "),"
                           " count(*), min(" AN__SQL_JSON_TEXT ") FROM runs r,"
                           " json_tree(json_remove(r.params, '$.seed'))"
                           " WHERE type NOT IN ('object', 'array')"
                           " GROUP BY r.scenario, fullkey ORDER BY r.scenario, fullkey",
                           -1, &s, NULL))
        return an__store_error(st, errfp, "cannot read the parameters of the runs");
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        if (leaf_add(out, s)) {
            rc = SQLITE_NOMEM;
            break;
        }
    sqlite3_finalize(s);
    if (rc == SQLITE_DONE) { /* unquoting the keys may have changed their order */
        if (out->n) /* out->l is NULL without leaves: qsort must not see it */
            qsort(out->l, out->n, sizeof *out->l, cmp_leaves);
        return 0;
    }
    if (rc == SQLITE_NOMEM)
        fprintf(errfp, "pssim: out of memory\n");
    else
        an__store_error(st, errfp, "cannot read the parameters of the runs");
    leaves_free(out);
    return -1;
}

/* Runs of `scenario` in a listed set. */
static int64_t runs_of(const struct an_agg *a, const char *scenario)
{
    int64_t n = 0;
    for (size_t i = 0; i < a->nruns; i++)
        n += !strcmp(a->runs[i].scenario, scenario);
    return n;
}

/* ===== swept keys and the change under test ============================ */

/* The swept keys of every scenario, ordered by (scenario, key). */
struct swept {
    const struct leaf **k;
    size_t n, cap;
};

static bool is_swept(const struct swept *sw, const char *scenario, const char *key)
{
    size_t lo = 0, hi = sw->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_leaf(sw->k[mid], scenario, key);
        if (!c)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

static bool has_scenario(const struct swept *sw, const char *scenario)
{
    for (size_t i = 0; i < sw->n; i++)
        if (!strcmp(sw->k[i]->scenario, scenario))
            return true;
    return false;
}

/* Whether a leaf of a side takes more than one value there (a run without
 * it counts as one more value). */
static bool varies(const struct leaf *l, const struct an_agg *a)
{
    return l->ndistinct > 1 || l->nruns < runs_of(a, l->scenario);
}

static char *dup_or_null(const char *s, bool *oom)
{
    char *d = s ? strdup(s) : NULL;
    *oom = *oom || (s && !d);
    return d;
}

static int diff_add(struct an_comparison *c, size_t *cap, const struct leaf *b,
                    const struct leaf *k)
{
    const struct leaf *any = b ? b : k;
    struct an_param_diff *d = an__grow(c->diffs, cap, c->ndiffs + 1, sizeof *d);
    if (!d)
        return -1;
    c->diffs = d;
    d = &c->diffs[c->ndiffs++];
    bool oom = false;
    d->scenario = dup_or_null(any->scenario, &oom);
    d->key = dup_or_null(any->key, &oom);
    d->base = dup_or_null(b ? b->value : NULL, &oom);
    d->cand = dup_or_null(k ? k->value : NULL, &oom);
    return oom ? -1 : 0;
}

/* Decide for one leaf present on either side (b or k NULL when absent
 * there) of a scenario both sides have: swept, a change, or neither. */
static int classify(struct an_comparison *c, struct swept *sw, size_t *dcap,
                    const struct leaf *b, const struct leaf *k)
{
    bool vb = b && varies(b, &c->base), vk = k && varies(k, &c->cand);
    if (vb || vk) {
        const struct leaf **v = an__grow(sw->k, &sw->cap, sw->n + 1, sizeof *v);
        if (!v)
            return -1;
        sw->k = v;
        sw->k[sw->n++] = b ? b : k;
        return 0;
    }
    if (b && k && !strcmp(b->value, k->value))
        return 0;
    return diff_add(c, dcap, b, k);
}

/* Walk both sides' leaves in (scenario, key) order. */
static int find_swept(struct an_comparison *c, const struct leaves *lb, const struct leaves *lk,
                      struct swept *sw)
{
    size_t i = 0, j = 0, dcap = 0;
    while (i < lb->n || j < lk->n) {
        const struct leaf *b = i < lb->n ? &lb->l[i] : NULL, *k = j < lk->n ? &lk->l[j] : NULL;
        int order = !b ? 1 : !k ? -1 : cmp_leaf(b, k->scenario, k->key);
        if (order < 0)
            k = NULL, i++;
        else if (order > 0)
            b = NULL, j++;
        else
            i++, j++;
        const char *scenario = b ? b->scenario : k->scenario;
        if (!runs_of(&c->base, scenario) || !runs_of(&c->cand, scenario))
            continue; /* nothing to match it with */
        if (classify(c, sw, &dcap, b, k))
            return -1;
    }
    return 0;
}

/* ===== the point of each run ============================================ */

/* The run's swept parameters, "key=value" in key order joined by tabs. */
static int point_key(sqlite3 *db, const struct swept *sw, struct an_agg_run *r)
{
    sqlite3_stmt *s;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f || sqlite3_prepare_v2(db, "SELECT fullkey, " AN__SQL_JSON_TEXT " FROM json_tree(?1)"
                                     " WHERE type NOT IN ('object', 'array') ORDER BY fullkey",
                                 -1, &s, NULL)) {
        if (f)
            fclose(f);
        free(buf);
        return -1;
    }
    sqlite3_bind_text(s, 1, r->params, -1, SQLITE_STATIC);
    int rc, n = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *full = (const char *)sqlite3_column_text(s, 0);
        char *key = full ? key_of(full) : NULL;
        if (!key) {
            rc = SQLITE_NOMEM;
            break;
        }
        if (is_swept(sw, r->scenario, key))
            fprintf(f, "%s%s=%s", n++ ? "\t" : "", key, sqlite3_column_text(s, 1));
        free(key);
    }
    sqlite3_finalize(s);
    if (fclose(f) != 0 || rc != SQLITE_DONE) {
        free(buf);
        return -1;
    }
    free(r->key);
    r->key = buf;
    return 0;
}

static int point_keys(struct an_store *st, struct an_agg *a, const struct swept *sw,
                      FILE *errfp)
{
    for (size_t i = 0; i < a->nruns; i++) {
        struct an_agg_run *r = &a->runs[i];
        if (!has_scenario(sw, r->scenario)) { /* no swept key: one point */
            r->key[0] = '\0';
            continue;
        }
        if (point_key(an__store_db(st), sw, r))
            return an__store_error(st, errfp, "cannot read the parameters of a run");
    }
    return 0;
}

/* ===== comparing the points ============================================ */

static bool wanted(const struct an_compare_options *o, const struct an_agg_metric *m,
                   bool *used)
{
    bool any = o->nmetrics == 0;
    for (size_t i = 0; i < o->nmetrics; i++)
        if (an_metric_spec_match(o->metrics[i], m->scope, m->entity, m->name))
            any = used[i] = true;
    return any;
}

static int row_add(struct an_comparison *c, size_t *cap, const struct an_agg_group *g,
                   const struct an_agg_metric *mb, const struct an_agg_metric *mk,
                   const struct an_compare_options *o)
{
    struct an_compare_row *r = an__grow(c->rows, cap, c->nrows + 1, sizeof *r);
    if (!r)
        return -1;
    c->rows = r;
    r = &c->rows[c->nrows++];
    *r = (struct an_compare_row){g->scenario, g->key, mb->scope, mb->entity, mb->name,
                                 mb->st, mk->st, 0, {0, 0, 0}, an_metric_direction(mb->name),
                                 AN_VERDICT_UNCHANGED};
    r->verdict = an_compare_verdict(&r->base, &r->cand, r->dir, o, &r->change, &r->test);
    c->count[r->verdict]++;
    return 0;
}

static int cmp_metric(const struct an_agg_metric *x, const struct an_agg_metric *y)
{
    int c = strcmp(x->scope, y->scope);
    if (!c)
        c = strcmp(x->entity, y->entity);
    return c ? c : strcmp(x->name, y->name);
}

/* Rows for the metrics both points have (both are ordered). */
static int compare_point(struct an_comparison *c, size_t *cap, const struct an_agg_group *gb,
                         const struct an_agg_group *gk, const struct an_compare_options *o,
                         bool *used)
{
    size_t i = 0, j = 0;
    c->points++;
    c->base_runs += gb->nruns + gb->nexcluded;
    c->cand_runs += gk->nruns + gk->nexcluded;
    c->base_excluded += gb->nexcluded;
    c->cand_excluded += gk->nexcluded;
    while (i < gb->nm && j < gk->nm) {
        int order = cmp_metric(&gb->m[i], &gk->m[j]);
        if (order == 0 && wanted(o, &gb->m[i], used) && row_add(c, cap, gb, &gb->m[i], &gk->m[j], o))
            return -1;
        i += order <= 0;
        j += order >= 0;
    }
    return 0;
}

static int cmp_group(const struct an_agg_group *x, const struct an_agg_group *y)
{
    int c = strcmp(x->scenario, y->scenario);
    return c ? c : strcmp(x->key, y->key);
}

/* Walk both sides' points in (scenario, key) order. */
static int compare_points(struct an_comparison *c, const struct an_compare_options *o, bool *used)
{
    size_t i = 0, j = 0, cap = 0;
    const char *last = NULL;
    while (i < c->base.ng || j < c->cand.ng) {
        const struct an_agg_group *gb = i < c->base.ng ? &c->base.g[i] : NULL;
        const struct an_agg_group *gk = j < c->cand.ng ? &c->cand.g[j] : NULL;
        int order = !gb ? 1 : !gk ? -1 : cmp_group(gb, gk);
        c->base_unmatched += order < 0;
        c->cand_unmatched += order > 0;
        i += order <= 0;
        j += order >= 0;
        if (order != 0)
            continue;
        c->scenarios += !last || strcmp(last, gb->scenario);
        last = gb->scenario;
        if (compare_point(c, &cap, gb, gk, o, used))
            return -1;
    }
    return 0;
}

/* ===== the comparison =================================================== */

static int cmp_row(const void *a, const void *b)
{
    const struct an_compare_row *x = a, *y = b;
    if (x->verdict != y->verdict)
        return x->verdict < y->verdict ? -1 : 1;
    double cx = isnan(x->change) ? -1 : fabs(x->change), cy = isnan(y->change) ? -1 : fabs(y->change);
    if (cx != cy)
        return cx > cy ? -1 : 1;
    int c = strcmp(x->scenario, y->scenario);
    if (!c)
        c = strcmp(x->point, y->point);
    if (!c)
        c = strcmp(x->scope, y->scope);
    if (!c)
        c = strcmp(x->entity, y->entity);
    return c ? c : strcmp(x->name, y->name);
}

/* The distinct experiment names of a side's runs, at most `max` of them. */
static size_t experiment_names(const struct an_agg *a, const char **names, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < a->nruns; i++) {
        const char *e = a->runs[i].experiment;
        size_t k = 0;
        while (e && k < n && strcmp(names[k], e))
            k++;
        if (e && k == n && n < max)
            names[n++] = e;
    }
    return n;
}

/* False when both sides are experiments and share no name. */
static bool experiments_meet(const struct an_agg *b, const struct an_agg *k)
{
    const char *nb[64], *nk[64];
    size_t mb = experiment_names(b, nb, 64), mk = experiment_names(k, nk, 64);
    for (size_t i = 0; i < mb; i++)
        for (size_t j = 0; j < mk; j++)
            if (!strcmp(nb[i], nk[j]))
                return true;
    return mb == 0 || mk == 0;
}

/* Swept keys, then each run's point, then the summaries. */
static int group_both(struct an_store *base, struct an_store *cand, struct an_comparison *c,
                      FILE *errfp)
{
    struct leaves lb, lk;
    struct swept sw = {0};
    if (read_leaves(base, &lb, errfp))
        return -1;
    if (read_leaves(cand, &lk, errfp)) {
        leaves_free(&lb);
        return -1;
    }
    int rc = find_swept(c, &lb, &lk, &sw);
    if (rc)
        fprintf(errfp, "pssim: out of memory\n");
    else
        rc = point_keys(base, &c->base, &sw, errfp) || point_keys(cand, &c->cand, &sw, errfp) ||
             an_agg_compute(base, &c->base, errfp) || an_agg_compute(cand, &c->cand, errfp);
    free(sw.k);
    leaves_free(&lb);
    leaves_free(&lk);
    return rc ? -1 : 0;
}

/* The first points of a side, for the error that none matched. */
static void say_points(FILE *errfp, const char *side, const struct an_agg *a)
{
    fprintf(errfp, "  %s: %zu point%s", side, a->ng, a->ng == 1 ? "" : "s");
    for (size_t i = 0; i < a->ng && i < 3; i++) {
        fprintf(errfp, "%s%s%s", i ? "; " : ": ", a->g[i].scenario, *a->g[i].key ? " " : "");
        an__point_print(errfp, a->g[i].key);
    }
    fputs(a->ng > 3 ? "; ...\n" : "\n", errfp);
}

/* Bad input: what could not be matched, said on errfp. */
static int unmatched(const struct an_comparison *c, const struct an_compare_options *o,
                     const bool *used, FILE *errfp)
{
    if (c->points == 0) {
        fprintf(errfp, "pssim compare: error: no run of the candidate matches a run of the"
                       " baseline (the same scenario name and swept parameters): nothing to"
                       " compare\n");
        say_points(errfp, "baseline", &c->base);
        say_points(errfp, "candidate", &c->cand);
        return AN_COMPARE_BAD_INPUT;
    }
    for (size_t i = 0; i < o->nmetrics; i++)
        if (!used[i]) {
            fprintf(errfp, "pssim compare: error: --metric %s: no such metric in both databases"
                           " (NAME, SCOPE:NAME or SCOPE:ENTITY:NAME, as in `pssim run --json`)\n",
                    o->metrics[i]);
            return AN_COMPARE_BAD_INPUT;
        }
    return 0;
}

int an_compare(struct an_store *base, struct an_store *cand, const struct an_compare_options *o,
               struct an_comparison *out, FILE *errfp)
{
    memset(out, 0, sizeof *out);
    if (an_agg_list(base, NULL, NULL, &out->base, errfp) ||
        an_agg_list(cand, NULL, NULL, &out->cand, errfp))
        return -1;
    if (!experiments_meet(&out->base, &out->cand)) {
        fprintf(errfp, "pssim compare: error: the databases hold different experiments"
                       " (no experiment name in common): nothing to compare\n");
        return AN_COMPARE_BAD_INPUT;
    }
    bool *used = calloc(o->nmetrics + 1, sizeof *used);
    int rc = used ? group_both(base, cand, out, errfp) : -1;
    if (rc == 0 && compare_points(out, o, used)) {
        fprintf(errfp, "pssim: out of memory\n");
        rc = -1;
    }
    if (rc == 0)
        rc = unmatched(out, o, used, errfp);
    if (!used)
        fprintf(errfp, "pssim: out of memory\n");
    free(used);
    if (rc == 0 && out->nrows)
        qsort(out->rows, out->nrows, sizeof *out->rows, cmp_row);
    return rc;
}

void an_comparison_free(struct an_comparison *c)
{
    for (size_t i = 0; i < c->ndiffs; i++) {
        free(c->diffs[i].scenario);
        free(c->diffs[i].key);
        free(c->diffs[i].base);
        free(c->diffs[i].cand);
    }
    free(c->diffs);
    free(c->rows);
    an_agg_free(&c->base);
    an_agg_free(&c->cand);
    memset(c, 0, sizeof *c);
}
