/* analysis/plot_sweep.c - plots of runs pooled by sweep point: sweeps and comparisons (layer: analysis).
 * Owns the two plots drawn from summaries (aggregate.c) rather than from one
 * run: an experiment's sweep plots (a metric against a swept key, one line
 * per value of another, with confidence-interval error bars) and the
 * comparison plot of `pssim compare` (baseline and candidate means with
 * their intervals, as a change from the baseline mean).  Files, escaping
 * and rendering are those of the single-run plots (plot.c, plot_io.c): a
 * script NAME.gp, its data NAME.dat, the image; names taken from the
 * database (entities, parameter values) are only ever in the data files,
 * and the titles and axis labels made from experiment keys are escaped
 * single-quoted strings.
 *
 * A point with one run has no interval: its bar is drawn with zero length
 * (the data file's n column says so).
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#define ANALYSIS_INTERNAL
#include "analysis/analysis_int.h"

/* The interval's ends, the mean itself where there is no interval. */
static double ci_lo(const struct an_stats *s) { return isnan(s->ci_lo) ? s->mean : s->ci_lo; }
static double ci_hi(const struct an_stats *s) { return isnan(s->ci_hi) ? s->mean : s->ci_hi; }

/* ===== cells of a sweep plot ============================================ */

/* One point of one line: the y summary at one (series, x). */
struct cell {
    char *x;          /* JSON text of the parameter value */
    char *series;     /* the same of each line key, joined by tabs */
    const struct an_stats *st;
    size_t excluded;  /* runs of the point left out (not "done") */
};

struct cells {
    struct cell *c;
    size_t n, cap;
    bool x_numeric, series_numeric;
};

static void cells_free(struct cells *cs)
{
    for (size_t i = 0; i < cs->n; i++) {
        free(cs->c[i].x);
        free(cs->c[i].series);
    }
    free(cs->c);
}

static bool is_number(const char *json)
{
    char *end;
    if (!*json)
        return false;
    strtod(json, &end);
    return *end == '\0';
}

/* A value as a label: a plain JSON string without its quotes. */
static void label_of(char *buf, size_t size, const char *json)
{
    size_t len = strlen(json);
    if (len >= 2 && json[0] == '"' && json[len - 1] == '"' && !strchr(json, '\\'))
        snprintf(buf, size, "%.*s", (int)(len - 2), json + 1);
    else
        snprintf(buf, size, "%s", json);
}

/* The y summary of a point: a bare name is the run scope's metric; a spec
 * with a scope must match one metric of the point.  NULL: none (or, with
 * *ambiguous set, several). */
static const struct an_stats *y_of(const struct an_agg_group *g, const char *spec,
                                   bool *ambiguous)
{
    if (!strchr(spec, ':')) {
        const struct an_agg_metric *m = an_agg_find(g, "run", "", spec);
        return m ? &m->st : NULL;
    }
    const struct an_stats *found = NULL;
    for (size_t i = 0; i < g->nm; i++)
        if (an_metric_spec_match(spec, g->m[i].scope, g->m[i].entity, g->m[i].name)) {
            if (found)
                *ambiguous = true;
            found = &g->m[i].st;
        }
    return *ambiguous ? NULL : found;
}

/* The value of `key` in the point's parameters; AN_PLOT_UNFIT with a
 * message when it has none. */
static int param_of(struct an_store *st, const struct an_agg_group *g, const char *key,
                    char **out, FILE *errfp)
{
    int rc = an_agg_param(st, g->first->params, key, out);
    if (rc < 0)
        return an__store_error(st, errfp, "cannot read the parameters of a run");
    if (rc > 0)
        fprintf(errfp, "pssim plot: error: run %lld (scenario %s) has no parameter '%s'\n",
                (long long)g->first->id, g->scenario, key);
    return rc > 0 ? AN_PLOT_UNFIT : rc;
}

/* The keys that tell the lines apart: series, then split. */
static size_t line_keys(const struct an_sweep_plot *p, const char **keys)
{
    size_t n = 0;
    if (p->series)
        keys[n++] = p->series;
    for (size_t i = 0; i < p->nsplit && n < AN_SWEEP_MAX_LINE_KEYS; i++)
        keys[n++] = p->split[i];
    return n;
}

/* The values of the line keys of a point, joined by tabs, in *out. */
static int line_of(struct an_store *st, const struct an_agg_group *g,
                   const struct an_sweep_plot *p, char **out, FILE *errfp)
{
    const char *keys[AN_SWEEP_MAX_LINE_KEYS];
    size_t n = line_keys(p, keys), len;
    FILE *f = open_memstream(out, &len);
    int rc = f ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char *v;
        rc = param_of(st, g, keys[i], &v, errfp);
        if (rc == 0)
            fprintf(f, "%s%s", i ? "\t" : "", v);
        free(v);
    }
    if (f && fclose(f) != 0)
        rc = -1;
    return rc;
}

static int cell_add(struct cells *cs, struct an_store *st, const struct an_agg_group *g,
                    const struct an_sweep_plot *p, const struct an_stats *y, FILE *errfp)
{
    struct cell *c = an__grow(cs->c, &cs->cap, cs->n + 1, sizeof *c);
    if (!c) {
        fprintf(errfp, "pssim: out of memory\n");
        return -1;
    }
    cs->c = c;
    c = &cs->c[cs->n++];
    c->st = y;
    c->excluded = g->nexcluded;
    int rc = param_of(st, g, p->x, &c->x, errfp);
    if (rc == 0)
        rc = line_of(st, g, p, &c->series, errfp);
    if (rc == 0) {
        const char *keys[AN_SWEEP_MAX_LINE_KEYS];
        cs->x_numeric = cs->x_numeric && is_number(c->x);
        cs->series_numeric = cs->series_numeric && line_keys(p, keys) == 1 &&
                             is_number(c->series);
    }
    return rc;
}

/* A point per group that has the metric. */
static int collect_cells(struct an_store *st, const struct an_agg *a, const struct an_sweep_plot *p,
                         struct cells *cs, FILE *errfp)
{
    memset(cs, 0, sizeof *cs);
    cs->x_numeric = cs->series_numeric = true;
    for (size_t i = 0; i < a->ng; i++) {
        bool ambiguous = false;
        const struct an_stats *y = y_of(&a->g[i], p->y, &ambiguous);
        if (ambiguous) {
            fprintf(errfp, "pssim plot: error: '%s' names several metrics of run %lld: give"
                           " SCOPE:ENTITY:NAME\n", p->y, (long long)a->g[i].first->id);
            return AN_PLOT_UNFIT;
        }
        if (y && y->n > 0) {
            int rc = cell_add(cs, st, &a->g[i], p, y, errfp);
            if (rc)
                return rc;
        }
    }
    if (cs->n == 0) {
        fprintf(errfp, "pssim plot: error: no run has a value of the metric '%s'\n", p->y);
        return AN_PLOT_UNFIT;
    }
    return 0;
}

static int cmp_value(const char *x, const char *y, bool numeric)
{
    if (numeric) {
        double a = strtod(x, NULL), b = strtod(y, NULL);
        return (a > b) - (a < b);
    }
    return strcmp(x, y);
}

static int cmp_cell(const struct cell *x, const struct cell *y, const struct cells *cs)
{
    int c = cmp_value(x->series, y->series, cs->series_numeric);
    return c ? c : cmp_value(x->x, y->x, cs->x_numeric);
}

/* Insertion sort by (series, x), numbers by value (qsort would need the
 * order in a global); a plot has few points. */
static void sort_cells(struct cells *cs)
{
    for (size_t i = 1; i < cs->n; i++) {
        struct cell t = cs->c[i];
        size_t j = i;
        while (j > 0 && cmp_cell(&cs->c[j - 1], &t, cs) > 0) {
            cs->c[j] = cs->c[j - 1];
            j--;
        }
        cs->c[j] = t;
    }
}

/* Two points at one (series, x): the runs differ in something else. */
static int check_unique(const struct cells *cs, const struct an_sweep_plot *p, FILE *errfp)
{
    for (size_t i = 1; i < cs->n; i++)
        if (!strcmp(cs->c[i].x, cs->c[i - 1].x) && !strcmp(cs->c[i].series, cs->c[i - 1].series)) {
            fprintf(errfp, "pssim plot: error: plot of %s against %s: runs at %s = %s differ in"
                           " parameters other than %s%s%s: plot them apart (another experiment),"
                           " or give the key in which they differ as --series\n", p->y, p->x,
                    p->x, cs->c[i].x, p->x, p->series ? " and " : "",
                    p->series ? p->series : "");
            return AN_PLOT_UNFIT;
        }
    return 0;
}

/* The label of a line: "key = value, key = value" (strings unquoted). */
static void line_label(char *buf, size_t size, const struct an_sweep_plot *p, const char *series)
{
    const char *keys[AN_SWEEP_MAX_LINE_KEYS];
    size_t n = line_keys(p, keys), len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && len < size; i++) {
        char value[400];
        size_t vlen = strcspn(series, "\t");
        snprintf(value, sizeof value, "%.*s", (int)vlen, series);
        series += vlen + (series[vlen] != '\0');
        char shown[400];
        label_of(shown, sizeof shown, value);
        len += (size_t)snprintf(buf + len, size - len, "%s%s = %s", i ? ", " : "", keys[i], shown);
    }
}

/* ===== writing a sweep plot ============================================= */

/* The position of each cell's x: its value, or its rank among the distinct
 * values when they are not all numbers. */
static double x_position(const struct cells *cs, size_t i)
{
    if (cs->x_numeric)
        return strtod(cs->c[i].x, NULL);
    size_t rank = 0;
    for (size_t k = 0; k < cs->n; k++) {
        bool seen_before = false;
        for (size_t m = 0; m < k && !seen_before; m++)
            seen_before = !strcmp(cs->c[m].x, cs->c[k].x);
        if (!seen_before && cmp_value(cs->c[k].x, cs->c[i].x, false) < 0)
            rank++;
    }
    return (double)rank;
}

static size_t sweep_data(FILE *f, const struct cells *cs, const struct an_sweep_plot *p,
                         const char *stem)
{
    size_t blocks = 0;
    fprintf(f, "# %s.dat\n# %s: the mean over the replications of each sweep point, with its\n"
               "# %g%% confidence interval (Student t); one block per line, headed by its\n"
               "# label.  With n = 1 there is no interval: ci_low = ci_high = mean.\n"
               "# columns: x mean ci_low ci_high n sd median excluded_runs x_label\n",
            stem, p->y, 100 * AN_CI_LEVEL);
    for (size_t i = 0; i < cs->n; i++) {
        const struct cell *c = &cs->c[i];
        if (i == 0 || strcmp(c->series, cs->c[i - 1].series)) {
            char label[1024];
            line_label(label, sizeof label, p, c->series);
            an__plot_block(f, blocks++, *label ? label : p->y, NULL);
        }
        char xl[400];
        label_of(xl, sizeof xl, c->x);
        fprintf(f, "%.17g %.17g %.17g %.17g %zu %.17g %.17g %zu ", x_position(cs, i), c->st->mean,
                ci_lo(c->st), ci_hi(c->st), c->st->n, c->st->sd, c->st->median, c->excluded);
        an__gp_field(f, xl);
        fputc('\n', f);
    }
    return blocks;
}

static void sweep_script(FILE *f, const struct cells *cs, const struct an_sweep_plot *p,
                         const char *stem, size_t blocks, const char *title,
                         enum an_plot_format format)
{
    const char *keys[AN_SWEEP_MAX_LINE_KEYS];
    size_t nkeys = line_keys(p, keys);
    char full[1024];
    int len = snprintf(full, sizeof full, "%s: %s against %s", title, p->y, p->x);
    for (size_t i = 0; i < nkeys && len < (int)sizeof full; i++)
        len += snprintf(full + len, sizeof full - (size_t)len, "%s%s", i ? ", " : " by ", keys[i]);
    an__plot_head(f, format, stem, "a metric against a swept parameter", full);
    fputs("set xlabel ", f);
    an__gp_quote(f, p->x);
    fputs("\nset ylabel ", f);
    snprintf(full, sizeof full, "%s (mean, %g%% confidence interval)", p->y, 100 * AN_CI_LEVEL);
    an__gp_quote(f, full);
    fputs("\nset key outside right top vertical\nset offsets graph 0.05, graph 0.05, 0, 0\n", f);
    if (!cs->x_numeric)
        fputs("set xtics rotate by -30\n", f);
    for (size_t b = 0; b < blocks; b++) {
        fputs(b ? ", \\\n     " : "plot ", f);
        fprintf(f, "'%s.dat' index %zu using 1:2:3:4%s with yerrorlines lw 2 pt 7 lc rgb '#%06x'"
                   " title columnheader(1)", stem, b, cs->x_numeric ? "" : ":xticlabels(9)",
                an__plot_color(b));
    }
    fputc('\n', f);
}

static int write_sweep(const struct cells *cs, const struct an_sweep_plot *p, const char *stem,
                       const char *title, const struct an_plot_options *o, FILE *errfp)
{
    struct an__pfiles pf;
    if (an__pfiles_open(&pf, o->dir, stem, errfp))
        return -1;
    size_t blocks = sweep_data(pf.dat.f, cs, p, stem);
    sweep_script(pf.gp.f, cs, p, stem, blocks, title, o->format);
    return an__pfiles_close(&pf, false, errfp);
}

/* NAME of a plot: "Y-vs-X", letters, digits, '_' and '.' kept, the rest
 * '_'; "-N" added when an earlier plot took the name. */
static void stem_of(char *buf, size_t size, const struct an_sweep_plot *p, char **stems, size_t n)
{
    char base[160];
    snprintf(base, sizeof base, "%s-vs-%s", p->y, p->x);
    for (char *c = base; *c; c++)
        if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-", *c))
            *c = '_';
    if (base[0] == '.')
        base[0] = '_';
    snprintf(buf, size, "%s", base);
    for (int k = 2;; k++) {
        size_t i = 0;
        while (i < n && strcmp(stems[i], buf))
            i++;
        if (i == n)
            return;
        snprintf(buf, size, "%s-%d", base, k);
    }
}

static int plot_one(struct an_store *st, const struct an_agg *a, const struct an_sweep_plot *p,
                    const char *stem, const char *title, const struct an_plot_options *o,
                    FILE *errfp)
{
    struct cells cs;
    int rc = collect_cells(st, a, p, &cs, errfp);
    if (rc == 0) {
        sort_cells(&cs);
        rc = check_unique(&cs, p, errfp);
    }
    if (rc == 0)
        rc = write_sweep(&cs, p, stem, title, o, errfp);
    cells_free(&cs);
    return rc;
}

int an_plot_sweeps(struct an_store *st, const struct an_agg *a, const struct an_sweep_plot *p,
                   size_t n, const char *title, const struct an_plot_options *o, FILE *written,
                   FILE *errfp)
{
    char **stems = calloc(n + 1, sizeof *stems);
    int rc = stems ? an__mkdirs(o->dir, errfp) : -1;
    size_t done = 0;
    for (; rc == 0 && done < n; done++) {
        char stem[200];
        stem_of(stem, sizeof stem, &p[done], stems, done);
        if (!(stems[done] = strdup(stem)))
            rc = -1;
        else
            rc = plot_one(st, a, &p[done], stem, title, o, errfp);
    }
    if (rc == 0)
        rc = an__plot_render(o, (const char *const *)stems, n, errfp);
    for (size_t i = 0; written && rc >= 0 && i < n; i++)
        fprintf(written, "%s%s", i ? ", " : "", stems[i]);
    for (size_t i = 0; stems && i < n; i++)
        free(stems[i]);
    if (!stems)
        fprintf(errfp, "pssim: out of memory\n");
    free(stems);
    return rc;
}

/* ===== the comparison plot ============================================== */

/* v as a change from the baseline mean, in percent. */
static double pct(double v, double base)
{
    return 100 * (v - base) / fabs(base);
}

static size_t compare_data(FILE *f, const struct an_comparison *c, bool all)
{
    size_t k = 0;
    fprintf(f, "# comparison.dat - baseline and candidate means of the metrics pssim compare\n"
               "# lists (the first %d), each with its %g%% confidence interval, as a change\n"
               "# from the baseline mean in percent (metrics whose baseline mean is 0 are left\n"
               "# out: no change relative to it exists).\n"
               "# columns: index label baseline_pct baseline_low baseline_high candidate_pct\n"
               "#          candidate_low candidate_high baseline_mean candidate_mean verdict\n",
            AN_COMPARE_PLOT_MAX, 100 * AN_CI_LEVEL);
    for (size_t i = 0; i < c->nrows && k < AN_COMPARE_PLOT_MAX; i++) {
        const struct an_compare_row *r = &c->rows[i];
        double b = r->base.mean;
        if (!an_compare_shown(r, all) || !isfinite(b) || b == 0 || !isfinite(r->cand.mean))
            continue;
        char label[600];
        snprintf(label, sizeof label, "%s%s%s:%s", r->scope, *r->entity ? ":" : "", r->entity,
                 r->name);
        fprintf(f, "%zu ", k++);
        an__gp_field(f, label);
        fprintf(f, " 0 %.9g %.9g %.9g %.9g %.9g %.17g %.17g ", pct(ci_lo(&r->base), b),
                pct(ci_hi(&r->base), b), pct(r->cand.mean, b), pct(ci_lo(&r->cand), b),
                pct(ci_hi(&r->cand), b), b, r->cand.mean);
        an__gp_field(f, an_verdict_name(r->verdict));
        fputc('\n', f);
    }
    return k;
}

static void compare_script(FILE *f, size_t n, const char *title, enum an_plot_format format)
{
    char full[1024];
    snprintf(full, sizeof full, "%s: change of the mean, with %g%% confidence intervals", title,
             100 * AN_CI_LEVEL);
    an__plot_head(f, format, "comparison", "baseline against candidate, per metric", full);
    if (!n) {
        an__plot_empty(f, "no metric to show");
        return;
    }
    fprintf(f, "set ylabel 'change from the baseline mean (%%)'\nset xrange [-0.6:%zu.6]\n"
               "set xtics rotate by -40 left font ',8'\nset bmargin 12\nset key top left\n"
               "set xzeroaxis lt -1\n"
               "plot 'comparison.dat' using ($1-0.15):3:4:5:xticlabels(2) with yerrorbars"
               " pt 7 ps 1.2 lw 2 lc rgb '#4a6fb5' title 'baseline', \\\n"
               "     '' using ($1+0.15):6:7:8 with yerrorbars pt 5 ps 1.2 lw 2"
               " lc rgb '#d0552d' title 'candidate'\n", n - 1);
}

int an_plot_compare(const struct an_comparison *c, bool all, const char *title,
                    const struct an_plot_options *o, FILE *errfp)
{
    struct an__pfiles pf;
    static const char *const stems[] = {"comparison"};
    if (an__mkdirs(o->dir, errfp) || an__pfiles_open(&pf, o->dir, "comparison", errfp))
        return -1;
    compare_script(pf.gp.f, compare_data(pf.dat.f, c, all), title, o->format);
    if (an__pfiles_close(&pf, false, errfp))
        return -1;
    return an__plot_render(o, stems, 1, errfp);
}
