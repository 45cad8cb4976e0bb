/* analysis/plot.c - gnuplot plots of one run (layer: analysis).
 * Owns the plots of a stored run: for each, a gnuplot script NAME.gp and
 * its data NAME.dat side by side, so a researcher can restyle the figure
 * and re-render it with `cd DIR && gnuplot NAME.gp`; then the image,
 * rendered by gnuplot.  The plots read only an_result (rows and series), so
 * `pssim plot` (a run read back from the database) and `pssim run --plots`
 * draw the same thing.  Escaping, atomic files and running gnuplot are in
 * plot_io.c.
 *
 * The plots:
 *   gantt                   each processor's slices over the Gantt window,
 *                           coloured by process and hatched for WSL ones;
 *   latency_subsystem       CDFs of wake-up latency per subsystem;
 *   latency_priority_class  CDFs of wake-up latency per priority class;
 *   lock_wait               histograms of the wait time per lock, for the
 *                           runs whose result carries them (histograms of
 *                           scope "lock", name "wait");
 *   share_entitlement       each process's CPU share against its
 *                           entitlement (analysis/series.c), with the
 *                           diagonal where they are equal;
 *   utilization             busy fraction over time, machine and processors.
 *
 * Colours: a process keeps one colour in every plot.  Instances of one
 * scenario process (name#0, name#1, ...) are one "group" and share a
 * colour and a key entry, which keeps the charts readable with hundreds of
 * short-lived instances.  Colours are spread around the hue circle by the
 * golden angle, so neighbours in the key differ.
 *
 * Names never reach a script: labels are read by gnuplot from the data
 * files (`title columnheader(1)`); only the title, built from the scenario
 * name, is in a script, as an escaped single-quoted string.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#define ANALYSIS_INTERNAL
#include "analysis/analysis_int.h"
#include "config.h"

/* ===== process groups =================================================== */

struct group {
    char *name;   /* the entity without its "#k" instance suffix */
    bool wsl;
    uint32_t rgb; /* 0xRRGGBB */
};

/* Groups in order of first appearance, with an open-addressing index. */
struct groups {
    struct group *g;
    size_t n, cap;
    int32_t *slot; /* group index + 1, 0 = empty */
    size_t nslots; /* a power of two, at least twice n */
};

/* Length of an entity's group name: without a trailing "#digits". */
static size_t group_len(const char *entity)
{
    const char *hash = strrchr(entity, '#');
    if (hash && hash[1] && strspn(hash + 1, "0123456789") == strlen(hash + 1))
        return (size_t)(hash - entity);
    return strlen(entity);
}

static size_t hash_of(const char *s, size_t len)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * UINT64_C(0x100000001b3);
    return (size_t)h;
}

uint32_t an__plot_color(size_t k)
{
    double h = fmod((double)k * 0.6180339887, 1.0) * 6, s = 0.65, v = 0.85;
    double f = h - floor(h), p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
    double rgb[6][3] = {{v, t, p}, {q, v, p}, {p, v, t}, {p, q, v}, {t, p, v}, {v, p, q}};
    const double *c = rgb[(int)h % 6];
    return (uint32_t)lround(c[0] * 255) << 16 | (uint32_t)lround(c[1] * 255) << 8 |
           (uint32_t)lround(c[2] * 255);
}

static int rehash(struct groups *gs)
{
    size_t n = gs->nslots ? 2 * gs->nslots : 64;
    int32_t *slot = calloc(n, sizeof *slot);
    if (!slot)
        return -1;
    for (size_t i = 0; i < gs->n; i++) {
        size_t k = hash_of(gs->g[i].name, strlen(gs->g[i].name)) & (n - 1);
        while (slot[k])
            k = (k + 1) & (n - 1);
        slot[k] = (int32_t)i + 1;
    }
    free(gs->slot);
    gs->slot = slot;
    gs->nslots = n;
    return 0;
}

/* The group of `entity`, added when new; -1 when out of memory. */
static int group_of(struct groups *gs, const char *entity, const char *subsystem)
{
    size_t len = group_len(entity);
    if (2 * (gs->n + 1) > gs->nslots && rehash(gs))
        return -1;
    size_t k = hash_of(entity, len) & (gs->nslots - 1);
    for (; gs->slot[k]; k = (k + 1) & (gs->nslots - 1)) {
        const struct group *g = &gs->g[gs->slot[k] - 1];
        if (strlen(g->name) == len && !memcmp(g->name, entity, len))
            return gs->slot[k] - 1;
    }
    if (gs->n == gs->cap) {
        size_t cap = gs->cap ? 2 * gs->cap : 16;
        struct group *g = realloc(gs->g, cap * sizeof *g);
        if (!g)
            return -1;
        gs->g = g;
        gs->cap = cap;
    }
    char *name = strndup(entity, len);
    if (!name)
        return -1;
    gs->g[gs->n] = (struct group){name, subsystem && !strcmp(subsystem, "wsl"),
                                  an__plot_color(gs->n)};
    gs->slot[k] = (int32_t)++gs->n;
    return (int)gs->n - 1;
}

static void groups_free(struct groups *gs)
{
    for (size_t i = 0; i < gs->n; i++)
        free(gs->g[i].name);
    free(gs->g);
    free(gs->slot);
    memset(gs, 0, sizeof *gs);
}

/* Indices 0..n-1 ordered by group (stable), by counting sort. */
static size_t *order_by_group(const int *grp, size_t n, size_t ngroups)
{
    size_t *start = calloc(ngroups + 1, sizeof *start), *order = malloc((n + 1) * sizeof *order);
    if (!start || !order) {
        free(start);
        free(order);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        start[grp[i] + 1]++;
    for (size_t g = 0; g < ngroups; g++)
        start[g + 1] += start[g];
    for (size_t i = 0; i < n; i++)
        order[start[grp[i]]++] = i;
    free(start);
    return order;
}

/* ===== writing one plot ================================================= */

static const char *const EXT[] = {[AN_PLOT_PNG] = "png", [AN_PLOT_SVG] = "svg",
                                  [AN_PLOT_PDF] = "pdf"};
static const char *const TERMINAL[] = {
    [AN_PLOT_PNG] = "pngcairo size 1200,720 noenhanced font 'sans,10'",
    [AN_PLOT_SVG] = "svg size 1200,720 noenhanced font 'sans,10' background '#ffffff'",
    [AN_PLOT_PDF] = "pdfcairo size 10in,6in noenhanced font 'sans,10'",
};

/* Blocks listed in a key at most; the others are drawn without a title. */
#define MAX_KEYED 30

struct pctx {
    const struct an_result *r;
    const struct an_plot_options *o;
    FILE *errfp;
    struct groups gs;
};

void an__plot_head(FILE *f, enum an_plot_format format, const char *stem, const char *what,
                   const char *title)
{
    fprintf(f, "# %s.gp - %s; written by pssim %s.\n", stem, what, PACKAGE_VERSION);
    fprintf(f, "# Data: %s.dat (its columns are described at its top).\n", stem);
    fprintf(f, "# Render: gnuplot %s.gp (in this directory); edit freely.\n", stem);
    fprintf(f, "reset\nset encoding utf8\nset terminal %s\n", TERMINAL[format]);
    fprintf(f, "if (exists(\"pssim_output\")) { set output pssim_output; undefine pssim_output }"
               " else { set output '%s.%s' }\n", stem, EXT[format]);
    fputs("set title ", f);
    an__gp_quote(f, title);
    fputs("\nset grid front lc rgb '#d0d0d0'\nset border back\n", f);
}

/* The start of every script of a run's plot; its title names the run. */
static void script_head(struct pctx *c, FILE *f, const char *stem, const char *what,
                        const char *subject)
{
    char title[1024], run[64] = "not stored";
    if (c->o->run_id > 0)
        snprintf(run, sizeof run, "run %lld", (long long)c->o->run_id);
    snprintf(title, sizeof title, "%s (%s): %s", c->r->scenario ? c->r->scenario : "?", run,
             subject);
    an__plot_head(f, c->o->format, stem, what, title);
}

void an__plot_empty(FILE *f, const char *why)
{
    fputs("unset key\nset label 1 ", f);
    an__gp_quote(f, why);
    fputs(" at graph 0.5, 0.5 center\nplot [0:1] [0:1] 2 notitle\n", f);
}

void an__plot_block(FILE *f, size_t b, const char *label, const char *suffix)
{
    fputs(b ? "\n\n" : "", f);
    if (!suffix) {
        an__gp_field(f, label);
    } else {
        char buf[512];
        snprintf(buf, sizeof buf, "%s%s", label, suffix);
        an__gp_field(f, buf);
    }
    fputc('\n', f);
}

/* ", \\\n" between the elements of a plot command. */
static void element_sep(FILE *f, size_t b)
{
    fputs(b ? ", \\\n     " : "plot ", f);
}

static void element_title(FILE *f, size_t b)
{
    fputs(b < MAX_KEYED ? " title columnheader(1)" : " notitle", f);
}

/* ===== gantt ============================================================ */

static void gantt_data(struct pctx *c, FILE *f, const int *grp, const size_t *order,
                       size_t *blocks, int *block_group)
{
    const struct an_series_data *sd = &c->r->series;
    fputs("# gantt.dat - the slices of each processor: one block per process (instances\n"
          "# of one scenario process together), headed by its name.\n"
          "# columns: cpu start_s end_s pid tid priority thread\n", f);
    *blocks = 0;
    for (size_t i = 0; i < sd->nslices; i++) {
        const struct an_slice *s = &sd->slices[order[i]];
        int g = grp[order[i]];
        if (i == 0 || grp[order[i - 1]] != g) {
            an__plot_block(f, *blocks, c->gs.g[g].name, c->gs.g[g].wsl ? " [wsl]" : NULL);
            block_group[(*blocks)++] = g;
        }
        fprintf(f, "%d %.9f %.9f %u %u %d ", s->cpu, sim_time_to_seconds(s->start),
                sim_time_to_seconds(s->end), s->pid, s->tid, s->priority);
        an__gp_field(f, s->thread);
        fputc('\n', f);
    }
}

static void gantt_script(struct pctx *c, FILE *f, size_t blocks, const int *block_group)
{
    char subject[128];
    double window = sim_time_to_seconds(c->r->series.gantt_window);
    snprintf(subject, sizeof subject, "processors over the first %.6g s (hatched: WSL)", window);
    script_head(c, f, "gantt", "per-processor schedule (Gantt chart)", subject);
    if (!blocks) {
        an__plot_empty(f, "no thread ran in the window");
        return;
    }
    fprintf(f, "set xlabel 'time (s)'\nset ylabel 'processor'\nset xrange [0:%.9f]\n"
               "set yrange [%d.6:-0.6]\nset ytics 1\nset mytics 1\n"
               "set key outside right top vertical title 'process'\n",
            window, c->r->ncpus > 0 ? c->r->ncpus - 1 : 0);
    for (size_t b = 0; b < blocks; b++) {
        const struct group *g = &c->gs.g[block_group[b]];
        element_sep(f, b);
        fprintf(f, "'gantt.dat' index %zu using (($2+$3)/2):1:(($3-$2)/2):(0.4) with boxxyerror",
                b);
        if (g->wsl) /* hatched, framed in the same colour */
            fprintf(f, " fs pattern 4 border lc rgb '#%06x'", g->rgb);
        else
            fputs(" fs solid 0.9 noborder", f);
        fprintf(f, " lc rgb '#%06x'", g->rgb);
        element_title(f, b);
    }
    fputc('\n', f);
}

static int plot_gantt(struct pctx *c)
{
    const struct an_series_data *sd = &c->r->series;
    struct an__pfiles pf;
    int *grp = malloc((sd->nslices + 1) * sizeof *grp);
    int *block_group = malloc((sd->nslices + 1) * sizeof *block_group);
    bool oom = !grp || !block_group;
    for (size_t i = 0; !oom && i < sd->nslices; i++)
        oom = (grp[i] = group_of(&c->gs, sd->slices[i].process, sd->slices[i].subsystem)) < 0;
    size_t *order = oom ? NULL : order_by_group(grp, sd->nslices, c->gs.n);
    int rc = -1;
    if (an__pfiles_open(&pf, c->o->dir, "gantt", c->errfp) == 0) {
        size_t blocks = 0;
        if (order) {
            gantt_data(c, pf.dat.f, grp, order, &blocks, block_group);
            gantt_script(c, pf.gp.f, blocks, block_group);
        }
        rc = an__pfiles_close(&pf, !order, c->errfp);
    }
    free(order);
    free(block_group);
    free(grp);
    return rc;
}

/* ===== distributions: latency CDFs, lock wait histograms =============== */

/* A plot of the histograms (scope, name) of a run, one curve per entity. */
struct dist_plot {
    const char *stem, *scope, *name;
    const char *samples; /* what a count counts, for the key */
    const char *subject, *xlabel;
    bool cumulative;     /* a CDF; else the fraction of the samples in each bucket */
};

static const struct dist_plot LATENCY_SUBSYSTEM = {
    "latency_subsystem", "subsystem", "latency", "wake-ups", "wake-up latency by subsystem",
    "wake-up latency (ready to running)", true};
static const struct dist_plot LATENCY_CLASS = {
    "latency_priority_class", "priority_class", "latency", "wake-ups",
    "wake-up latency by priority class", "wake-up latency (ready to running)", true};
static const struct dist_plot LOCK_WAIT = {
    "lock_wait", "lock", "wait", "waits", "wait time per lock",
    "wait time of contended acquisitions", false};

static uint64_t histo_total(const struct an_histo *h)
{
    uint64_t n = 0;
    for (size_t k = 0; k < h->n; k++)
        n += h->b[k].count;
    return n;
}

static bool dist_match(const struct dist_plot *d, const struct an_histo *h)
{
    return !strcmp(h->scope, d->scope) && !strcmp(h->name, d->name) && histo_total(h) > 0;
}

/* One block per histogram: at each bucket's upper bound, the fraction of the
 * samples at or below it (a CDF, from 0 at the first bound) or in it. */
static size_t dist_data(struct pctx *c, FILE *f, const struct dist_plot *d)
{
    const struct an_series_data *sd = &c->r->series;
    size_t blocks = 0;
    fprintf(f, "# %s.dat - %s, one block per %s, headed by its name and sample count;\n"
               "# a bucket's values are below its upper bound and at or above the bucket\n"
               "# before it (32 buckets per power of two; empty ones are left out).\n"
               "# columns: upper_bound_s %s\n", d->stem, d->subject, d->scope,
            d->cumulative ? "fraction_at_or_below" : "fraction_in_bucket");
    for (size_t i = 0; i < sd->nhistos; i++) {
        const struct an_histo *h = &sd->histos[i];
        if (!dist_match(d, h))
            continue;
        uint64_t total = histo_total(h), cum = 0;
        char suffix[64];
        snprintf(suffix, sizeof suffix, " (%llu %s)", (unsigned long long)total, d->samples);
        an__plot_block(f, blocks++, h->entity, suffix);
        if (d->cumulative)
            fprintf(f, "%.9g 0\n", sim_time_to_seconds(h->b[0].upper));
        for (size_t k = 0; k < h->n; k++) {
            cum += h->b[k].count;
            fprintf(f, "%.9g %.9g\n", sim_time_to_seconds(h->b[k].upper),
                    (double)(d->cumulative ? cum : h->b[k].count) / (double)total);
        }
    }
    return blocks;
}

static int plot_dist(struct pctx *c, const struct dist_plot *d)
{
    struct an__pfiles pf;
    if (an__pfiles_open(&pf, c->o->dir, d->stem, c->errfp))
        return -1;
    size_t blocks = dist_data(c, pf.dat.f, d);
    FILE *f = pf.gp.f;
    script_head(c, f, d->stem, d->subject, d->subject);
    if (!blocks)
        an__plot_empty(f, "nothing was measured");
    else
        fprintf(f, "set logscale x\nset format x '%%.0s %%cs'\nset xlabel '%s'\n"
                   "set ylabel '%s'\nset yrange [0:%s]\nset key %s\n", d->xlabel,
                d->cumulative ? "fraction at or below" : "fraction in the bucket",
                d->cumulative ? "1.02" : "*", d->cumulative ? "bottom right" : "top right");
    for (size_t b = 0; b < blocks; b++) {
        element_sep(f, b);
        fprintf(f, "'%s.dat' index %zu using 1:2 with %s lc rgb '#%06x'", d->stem, b,
                d->cumulative ? "steps lw 2" : "impulses lw 3", an__plot_color(b));
        element_title(f, b);
    }
    fputc('\n', f);
    return an__pfiles_close(&pf, false, c->errfp);
}

/* Lock wait histograms exist only for scenarios with resources. */
static bool has_dist(struct pctx *c, const struct dist_plot *d)
{
    for (size_t i = 0; i < c->r->series.nhistos; i++)
        if (dist_match(d, &c->r->series.histos[i]))
            return true;
    return false;
}

/* ===== share against entitlement ======================================== */

/* The share-vs-entitlement curves, each with its group; NULL when out of
 * memory.  *n = how many. */
static const struct an_curve **share_curves(struct pctx *c, int **grp, size_t *n)
{
    const struct an_series_data *sd = &c->r->series;
    const struct an_curve **cv = malloc((sd->ncurves + 1) * sizeof *cv);
    int *g = malloc((sd->ncurves + 1) * sizeof *g);
    bool ok = cv && g;
    *n = 0;
    for (size_t i = 0; ok && i < sd->ncurves; i++) {
        const struct an_curve *k = &sd->curves[i];
        if (strcmp(k->scope, "process") || strcmp(k->name, "share_vs_entitlement") || !k->n)
            continue;
        ok = (g[*n] = group_of(&c->gs, k->entity, NULL)) >= 0;
        cv[(*n)++] = k;
    }
    if (!ok) {
        free(cv);
        free(g);
        cv = NULL;
        g = NULL;
    }
    *grp = g;
    return cv;
}

/* Writes the blocks; returns the largest coordinate. */
static double share_data(struct pctx *c, FILE *f, const struct an_curve **cv, const int *grp,
                         const size_t *order, size_t n, size_t *blocks, int *block_group)
{
    double top = 0;
    fputs("# share_entitlement.dat - each process's CPU share against its entitlement, both\n"
          "# as fractions of the machine (definitions: README \"Plots\"); one block per\n"
          "# scenario process (its instances together), headed by its name.\n"
          "# columns: entitlement share process\n", f);
    *blocks = 0;
    for (size_t i = 0; i < n; i++) {
        const struct an_curve *k = cv[order[i]];
        int g = grp[order[i]];
        if (i == 0 || grp[order[i - 1]] != g) {
            an__plot_block(f, *blocks, c->gs.g[g].name, NULL);
            block_group[(*blocks)++] = g;
        }
        fprintf(f, "%.9g %.9g ", k->pts[0].x, k->pts[0].y);
        an__gp_field(f, k->entity);
        fputc('\n', f);
        top = fmax(top, fmax(k->pts[0].x, k->pts[0].y));
    }
    return top;
}

static void share_script(struct pctx *c, FILE *f, size_t blocks, const int *block_group,
                         double top)
{
    script_head(c, f, "share_entitlement", "CPU share against entitlement per process",
                "CPU share against entitlement");
    if (!blocks) {
        an__plot_empty(f, "no process");
        return;
    }
    top = top > 0 ? top * 1.1 : 1;
    fprintf(f, "set xlabel 'entitlement (fraction of the machine)'\n"
               "set ylabel 'CPU share (fraction of the machine)'\n"
               "set xrange [0:%.6g]\nset yrange [0:%.6g]\n"
               "set key outside right top vertical title 'process'\n"
               "plot x with lines dt 2 lc rgb '#808080' title 'share = entitlement'",
            top, top);
    for (size_t b = 0; b < blocks; b++) {
        fprintf(f, ", \\\n     'share_entitlement.dat' index %zu using 1:2 with points pt 7 ps 1.3"
                   " lc rgb '#%06x'", b, c->gs.g[block_group[b]].rgb);
        element_title(f, b);
    }
    fputc('\n', f);
}

static int plot_share(struct pctx *c)
{
    struct an__pfiles pf;
    int *grp;
    size_t n, blocks = 0;
    const struct an_curve **cv = share_curves(c, &grp, &n);
    size_t *order = cv ? order_by_group(grp, n, c->gs.n) : NULL;
    int *block_group = malloc((n + 1) * sizeof *block_group);
    int rc = -1;
    if (an__pfiles_open(&pf, c->o->dir, "share_entitlement", c->errfp) == 0) {
        if (order && block_group) {
            double top = share_data(c, pf.dat.f, cv, grp, order, n, &blocks, block_group);
            share_script(c, pf.gp.f, blocks, block_group, top);
        }
        rc = an__pfiles_close(&pf, !order || !block_group, c->errfp);
    }
    free(block_group);
    free(order);
    free(grp);
    free(cv);
    return rc;
}

/* ===== utilisation over time ============================================ */

/* One block per utilisation curve, the machine's first; how many. */
static size_t util_data(struct pctx *c, FILE *f)
{
    const struct an_series_data *sd = &c->r->series;
    size_t n = 0;
    double end = sim_time_to_seconds(c->r->sim_time);
    fputs("# utilization.dat - busy fraction of the processors over time, in bins of equal\n"
          "# width (a row per bin start, plus the end of the run); block 0 is the whole\n"
          "# machine, then one block per processor.\n"
          "# columns: time_s busy_fraction\n", f);
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < sd->ncurves; i++) {
            const struct an_curve *k = &sd->curves[i];
            if (strcmp(k->name, "utilization") || !k->n || strcmp(k->scope, pass ? "cpu" : "run"))
                continue;
            char label[96] = "machine";
            if (pass)
                snprintf(label, sizeof label, "processor %s", k->entity);
            an__plot_block(f, n++, label, NULL);
            for (size_t p = 0; p < k->n; p++)
                fprintf(f, "%.9g %.9g\n", k->pts[p].x, k->pts[p].y);
            fprintf(f, "%.9g %.9g\n", fmax(end, k->pts[k->n - 1].x), k->pts[k->n - 1].y);
        }
    return n;
}

static void util_script(struct pctx *c, FILE *f, size_t blocks)
{
    script_head(c, f, "utilization", "processor utilisation over time", "utilisation over time");
    if (!blocks) {
        an__plot_empty(f, "no simulated time");
        return;
    }
    fputs("set xlabel 'time (s)'\nset ylabel 'busy fraction'\nset yrange [0:1.05]\n"
          "set key outside right top vertical invert\n", f);
    bool many = blocks > 9; /* past 8 processors, a grey line each and no key entries */
    for (size_t b = blocks; b-- > 0;) { /* the machine last, on top */
        element_sep(f, blocks - 1 - b);
        fprintf(f, "'utilization.dat' index %zu using 1:2 with steps", b);
        if (b == 0)
            fputs(" lw 3 lc rgb '#000000' title columnheader(1)", f);
        else if (many)
            fprintf(f, " lw 1 lc rgb '#b0b0b0' %s", b == 1 ? "title 'each processor'" : "notitle");
        else
            fprintf(f, " lw 1 lc rgb '#%06x' title columnheader(1)", an__plot_color(b - 1));
    }
    fputc('\n', f);
}

static int plot_util(struct pctx *c)
{
    struct an__pfiles pf;
    if (an__pfiles_open(&pf, c->o->dir, "utilization", c->errfp))
        return -1;
    util_script(c, pf.gp.f, util_data(c, pf.dat.f));
    return an__pfiles_close(&pf, false, c->errfp);
}

/* ===== all plots ======================================================== */

int an_plot_format_parse(const char *s, enum an_plot_format *out)
{
    for (int f = AN_PLOT_PNG; f <= AN_PLOT_PDF; f++)
        if (!strcmp(s, EXT[f])) {
            *out = (enum an_plot_format)f;
            return 0;
        }
    return -1;
}

const char *an_plot_format_name(enum an_plot_format f) { return EXT[f]; }

/* Groups of the processes first (they know their subsystem), then of the
 * slices, so that colours follow the order processes were created in. */
static int build_groups(struct pctx *c)
{
    const struct an_series_data *sd = &c->r->series;
    for (size_t i = 0; i < sd->nprocs; i++)
        if (group_of(&c->gs, sd->procs[i].entity, sd->procs[i].subsystem) < 0)
            return -1;
    for (size_t i = 0; i < sd->nslices; i++)
        if (group_of(&c->gs, sd->slices[i].process, sd->slices[i].subsystem) < 0)
            return -1;
    return 0;
}

/* Write every plot's files; `stems` gets the names written, in order. */
static int write_all(struct pctx *c, const char **stems, size_t *n)
{
    if (build_groups(c)) {
        fprintf(c->errfp, "pssim: out of memory\n");
        return -1;
    }
    *n = 0;
    if (plot_gantt(c))
        return -1;
    stems[(*n)++] = "gantt";
    const struct dist_plot *dists[] = {&LATENCY_SUBSYSTEM, &LATENCY_CLASS, &LOCK_WAIT};
    for (size_t i = 0; i < 3; i++) {
        if (dists[i] == &LOCK_WAIT && !has_dist(c, dists[i]))
            continue; /* only scenarios with resources have lock waits */
        if (plot_dist(c, dists[i]))
            return -1;
        stems[(*n)++] = dists[i]->stem;
    }
    if (plot_share(c) || plot_util(c))
        return -1;
    stems[(*n)++] = "share_entitlement";
    stems[(*n)++] = "utilization";
    return 0;
}

int an_plot_write(const struct an_result *r, const struct an_plot_options *o, FILE *errfp)
{
    struct pctx c = {r, o, errfp, {0}};
    const char *stems[8];
    size_t n = 0;
    if (an__mkdirs(o->dir, errfp))
        return -1;
    int rc = write_all(&c, stems, &n);
    groups_free(&c.gs);
    return rc ? rc : an__plot_render(o, stems, n, errfp);
}
