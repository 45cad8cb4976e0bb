/* analysis/compare_out.c - the report of `pssim compare`: table and JSON (layer: analysis).
 * Owns how a comparison (compare.c) is shown: a table for a terminal, the
 * changed metrics first (regressed, improved, changed, then by the size of
 * the change), and one JSON object for scripts.  Both show the same rows.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#define ANALYSIS_INTERNAL
#include "analysis/analysis_int.h"

bool an_compare_shown(const struct an_compare_row *row, bool all)
{
    return all || row->verdict <= AN_VERDICT_CHANGED;
}

/* ===== table ============================================================ */

/* "scope:entity:name", or "scope:name" for the run scope: a --metric spec. */
static void metric_label(char *buf, size_t size, const struct an_compare_row *r)
{
    if (*r->entity)
        snprintf(buf, size, "%s:%s:%s", r->scope, r->entity, r->name);
    else
        snprintf(buf, size, "%s:%s", r->scope, r->name);
}

static void print_change(FILE *f, double change)
{
    char buf[32];
    if (isnan(change))
        snprintf(buf, sizeof buf, "-");
    else if (isinf(change))
        snprintf(buf, sizeof buf, "%cinf", change > 0 ? '+' : '-');
    else
        snprintf(buf, sizeof buf, "%+.1f%%", 100 * change);
    fprintf(f, "%9s", buf);
}

static void print_p(FILE *f, double p)
{
    if (isnan(p))
        fprintf(f, "  %8s", "-");
    else if (p < 1e-4)
        fprintf(f, "  %8s", "<0.0001");
    else
        fprintf(f, "  %8.4f", p);
}

/* The point, its tabs shown as ", ", after the scenario when several were
 * compared. */
static void print_point(FILE *f, const struct an_comparison *c, const struct an_compare_row *r)
{
    if (c->scenarios > 1)
        fprintf(f, "  %s%s", r->scenario, *r->point ? ": " : "");
    else if (*r->point)
        fputs("  ", f);
    an__point_print(f, r->point);
}

void an__point_print(FILE *f, const char *point)
{
    for (const char *p = point; *p; p++)
        if (*p == '\t')
            fputs(", ", f);
        else
            fputc(*p, f);
}

static void print_row(FILE *f, const struct an_comparison *c, const struct an_compare_row *r,
                      int width)
{
    char label[512], n[48];
    metric_label(label, sizeof label, r);
    snprintf(n, sizeof n, "%zu/%zu", r->base.n, r->cand.n);
    fprintf(f, "%-17s  %-*s  %12.6g  %12.6g", an_verdict_name(r->verdict), width, label,
            r->base.mean, r->cand.mean);
    print_change(f, r->change);
    print_p(f, r->test.p);
    fprintf(f, "  %7s", n);
    print_point(f, c, r);
    fputc('\n', f);
}

static void print_head(FILE *f, const struct an_comparison *c, const char *base_name,
                       const char *cand_name, const struct an_compare_options *o)
{
    fprintf(f, "baseline:  %s (%zu runs of the matched points", base_name, c->base_runs);
    fprintf(f, c->base_excluded ? ", %zu not done: left out)\n" : ")\n", c->base_excluded);
    fprintf(f, "candidate: %s (%zu runs of the matched points", cand_name, c->cand_runs);
    fprintf(f, c->cand_excluded ? ", %zu not done: left out)\n" : ")\n", c->cand_excluded);
    fprintf(f, "matched:   %zu point%s of %zu scenario%s", c->points, c->points == 1 ? "" : "s",
            c->scenarios, c->scenarios == 1 ? "" : "s");
    if (c->base_unmatched || c->cand_unmatched)
        fprintf(f, "; without a counterpart: %zu in the baseline, %zu in the candidate",
                c->base_unmatched, c->cand_unmatched);
    fputc('\n', f);
    for (size_t i = 0; i < c->ndiffs; i++) {
        const struct an_param_diff *d = &c->diffs[i];
        fprintf(f, "%s %s: %s: %s -> %s\n", i ? "          " : "changed:  ", d->scenario, d->key,
                d->base ? d->base : "(absent)", d->cand ? d->cand : "(absent)");
    }
    fprintf(f, "test:      Welch's t-test at alpha %g; a change within %g%% of the baseline mean"
               " is no change\n\n", o->alpha, 100 * o->tolerance);
}

void an_compare_print(FILE *f, const struct an_comparison *c, const char *base_name,
                      const char *cand_name, const struct an_compare_options *o, bool all)
{
    int width = 6;
    size_t shown = 0;
    bool points = c->scenarios > 1;
    print_head(f, c, base_name, cand_name, o);
    for (size_t i = 0; i < c->nrows; i++) {
        char label[512];
        metric_label(label, sizeof label, &c->rows[i]);
        if (!an_compare_shown(&c->rows[i], all))
            continue;
        shown++;
        points = points || *c->rows[i].point;
        if ((int)strlen(label) > width)
            width = strlen(label) > 60 ? 60 : (int)strlen(label);
    }
    if (shown)
        fprintf(f, "%-17s  %-*s  %12s  %12s%9s  %8s  %7s%s\n", "verdict", width, "metric",
                "baseline", "candidate", "change", "p", "n", points ? "  point" : "");
    for (size_t i = 0; i < c->nrows; i++)
        if (an_compare_shown(&c->rows[i], all))
            print_row(f, c, &c->rows[i], width);
    if (!shown)
        fprintf(f, "no metric moved beyond %g%% at alpha %g\n", 100 * o->tolerance, o->alpha);
    fprintf(f, "\n%zu regressed, %zu improved, %zu changed, %zu unchanged, %zu insufficient data\n",
            c->count[AN_VERDICT_REGRESSED], c->count[AN_VERDICT_IMPROVED],
            c->count[AN_VERDICT_CHANGED], c->count[AN_VERDICT_UNCHANGED],
            c->count[AN_VERDICT_INSUFFICIENT]);
    if (!all && c->count[AN_VERDICT_UNCHANGED] + c->count[AN_VERDICT_INSUFFICIENT])
        fputs("(--all lists the unchanged metrics and those with insufficient data too)\n", f);
}

/* ===== JSON ============================================================= */

static void json_key(FILE *f, const char *key)
{
    an__json_string(f, key);
    fputc(':', f);
}

static void json_stats(FILE *f, const char *key, const struct an_stats *s)
{
    json_key(f, key);
    fprintf(f, "{\"n\":%zu,\"mean\":", s->n);
    an__json_number(f, s->mean);
    fputs(",\"sd\":", f);
    an__json_number(f, s->sd);
    fputs(",\"median\":", f);
    an__json_number(f, s->median);
    fputs(",\"ci_low\":", f);
    an__json_number(f, s->ci_lo);
    fputs(",\"ci_high\":", f);
    an__json_number(f, s->ci_hi);
    fputc('}', f);
}

/* A point "k=v\tk=v" as an object; its values are JSON text already. */
static void json_point(FILE *f, const char *point)
{
    fputc('{', f);
    for (const char *p = point; *p;) {
        size_t n = strcspn(p, "\t"), k = strcspn(p, "=");
        char *key = strndup(p, k < n ? k : n);
        an__json_string(f, key ? key : "");
        free(key);
        fputc(':', f);
        if (k < n)
            fwrite(p + k + 1, 1, n - k - 1, f);
        else
            fputs("null", f);
        p += n;
        if (*p) { /* the tab between two pairs */
            fputc(',', f);
            p++;
        }
    }
    fputc('}', f);
}

static void json_row(FILE *f, const struct an_compare_row *r)
{
    fputs("{\"scenario\":", f);
    an__json_string(f, r->scenario);
    fputs(",\"point\":", f);
    json_point(f, r->point);
    fputs(",\"scope\":", f);
    an__json_string(f, r->scope);
    fputs(",\"entity\":", f);
    an__json_string(f, r->entity);
    fputs(",\"name\":", f);
    an__json_string(f, r->name);
    fprintf(f, ",\"direction\":\"%s\",\"verdict\":\"%s\",\"change\":", an_direction_name(r->dir),
            an_verdict_name(r->verdict));
    an__json_number(f, r->change);
    fputs(",\"t\":", f);
    an__json_number(f, r->test.t);
    fputs(",\"df\":", f);
    an__json_number(f, r->test.df);
    fputs(",\"p\":", f);
    an__json_number(f, r->test.p);
    fputc(',', f);
    json_stats(f, "baseline", &r->base);
    fputc(',', f);
    json_stats(f, "candidate", &r->cand);
    fputc('}', f);
}

static void json_side(FILE *f, const char *key, const char *db, size_t runs, size_t excluded,
                      size_t unmatched)
{
    json_key(f, key);
    fputs("{\"database\":", f);
    an__json_string(f, db);
    fprintf(f, ",\"runs\":%zu,\"excluded\":%zu,\"unmatched_points\":%zu}", runs, excluded,
            unmatched);
}

static void json_diffs(FILE *f, const struct an_comparison *c)
{
    fputs(",\"changed_parameters\":[", f);
    for (size_t i = 0; i < c->ndiffs; i++) {
        const struct an_param_diff *d = &c->diffs[i];
        fputs(i ? ",{\"scenario\":" : "{\"scenario\":", f);
        an__json_string(f, d->scenario);
        fputs(",\"key\":", f);
        an__json_string(f, d->key);
        fprintf(f, ",\"baseline\":%s,\"candidate\":%s}", d->base ? d->base : "null",
                d->cand ? d->cand : "null");
    }
    fputc(']', f);
}

void an_compare_json(FILE *f, const struct an_comparison *c, const char *base_name,
                     const char *cand_name, const struct an_compare_options *o, bool all)
{
    fputc('{', f);
    json_side(f, "baseline", base_name, c->base_runs, c->base_excluded, c->base_unmatched);
    fputc(',', f);
    json_side(f, "candidate", cand_name, c->cand_runs, c->cand_excluded, c->cand_unmatched);
    fputs(",\"alpha\":", f);
    an__json_number(f, o->alpha);
    fputs(",\"tolerance\":", f);
    an__json_number(f, o->tolerance);
    fprintf(f, ",\"points\":%zu,\"scenarios\":%zu", c->points, c->scenarios);
    json_diffs(f, c);
    fprintf(f, ",\"counts\":{\"regressed\":%zu,\"improved\":%zu,\"changed\":%zu,\"unchanged\":%zu,"
               "\"insufficient_data\":%zu},\"metrics\":[",
            c->count[AN_VERDICT_REGRESSED], c->count[AN_VERDICT_IMPROVED],
            c->count[AN_VERDICT_CHANGED], c->count[AN_VERDICT_UNCHANGED],
            c->count[AN_VERDICT_INSUFFICIENT]);
    size_t n = 0;
    for (size_t i = 0; i < c->nrows; i++)
        if (an_compare_shown(&c->rows[i], all)) {
            fputs(n++ ? "," : "", f);
            json_row(f, &c->rows[i]);
        }
    fputs("]}\n", f);
}
