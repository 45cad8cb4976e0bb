/* cli/cmd_plot_sweep.c - `pssim plot --experiment NAME` and `--x/--y`: sweep plots (layer: cli).
 * Owns the command line of the plots drawn from many runs: those an
 * experiment file declares (`plots:`, read back from the definition the
 * batch stored in the experiments table), or one given with --x KEY --y
 * METRIC [--series KEY] for any runs of one scenario.  The runs are pooled
 * by sweep point and drawn by analysis/plot_sweep.c.
 *
 * SPDX-License-Identifier: MIT
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/analysis.h"
#include "cli/cli.h"
#include "scenarios/scenarios.h"

static const char help[] =
    "usage: pssim plot --experiment NAME [--x KEY --y METRIC [--series KEY]] [OPTIONS]\n"
    "       pssim plot --x KEY --y METRIC [--series KEY] [--scenario NAME] [OPTIONS]\n"
    "\n"
    "Draw sweep plots: a metric's mean over the replications of each sweep point\n"
    "against a swept scenario key, one line per value of another key, with 95%\n"
    "confidence intervals (Student t) as error bars.  With --experiment, the plots\n"
    "its experiment file declares (`plots:`) from the runs of its latest definition;\n"
    "with --x and --y, that one plot instead, from the runs of an experiment or of\n"
    "any runs of one scenario.  Each plot is NAME.gp, NAME.dat and the image, NAME\n"
    "being METRIC-vs-KEY.  Only runs of status \"done\" are pooled.\n"
    "\n"
    "options:\n"
    "  --experiment NAME   the experiment whose runs to draw\n"
    "  --x KEY             the swept key along the x axis (e.g. machine.cpus)\n"
    "  --y METRIC          the metric: a run metric's name (latency_p99), or\n"
    "                      SCOPE:ENTITY:NAME (subsystem:wsl:latency_p99)\n"
    "  --series KEY        one line per value of this key\n"
    "  --scenario NAME     the runs of this scenario (needed when the database holds\n"
    "                      several and no --experiment is given)\n"
    "  --db FILE           the results database (default pssim.db)\n"
    "  --out DIR           where to write (default pssim-plots/experiment-NAME/, or\n"
    "                      pssim-plots/sweep-SCENARIO/)\n"
    "  --format F          png (default), svg or pdf\n"
    "  --help              this text\n";

struct sweep_args {
    const char *db, *out, *experiment, *scenario;
    struct an_sweep_plot one; /* --x, --y, --series */
    enum an_plot_format format;
};

static const struct option LONGOPTS[] = {
    {"db", required_argument, NULL, 'D'},         {"out", required_argument, NULL, 'o'},
    {"format", required_argument, NULL, 'f'},     {"experiment", required_argument, NULL, 'e'},
    {"x", required_argument, NULL, 'x'},          {"y", required_argument, NULL, 'y'},
    {"series", required_argument, NULL, 's'},     {"scenario", required_argument, NULL, 'S'},
    {"help", no_argument, NULL, 'h'},             {NULL, 0, NULL, 0},
};

int cli_plot_is_sweep(int argc, char **argv)
{
    static const char *const OPTS[] = {"--experiment", "--x", "--y", "--series", "--scenario"};
    for (int i = 1; i < argc; i++)
        for (size_t k = 0; k < sizeof OPTS / sizeof OPTS[0]; k++) {
            size_t len = strlen(OPTS[k]);
            if (!strncmp(argv[i], OPTS[k], len) && (argv[i][len] == '\0' || argv[i][len] == '='))
                return 1;
        }
    return 0;
}

static int parse_option(int c, struct sweep_args *a)
{
    switch (c) {
    case 'D': a->db = optarg; return 0;
    case 'o': a->out = optarg; return 0;
    case 'e': a->experiment = optarg; return 0;
    case 'x': a->one.x = optarg; return 0;
    case 'y': a->one.y = optarg; return 0;
    case 's': a->one.series = optarg; return 0;
    case 'S': a->scenario = optarg; return 0;
    case 'f':
        if (an_plot_format_parse(optarg, &a->format))
            return cli_usage_error("plot", "--format must be png, svg or pdf, got '%s'", optarg);
        return 0;
    default: return cli_usage_error("plot", "unknown option");
    }
}

static int parse_args(int argc, char **argv, struct sweep_args *a)
{
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", LONGOPTS, NULL)) != -1) {
        if (c == 'h') {
            fputs(help, stdout);
            return -1;
        }
        if (c == '?')
            return cli_usage_error("plot", "unknown option or missing value: '%s' (--run does"
                                           " not go with sweep plots)", argv[optind - 1]);
        int rc = parse_option(c, a);
        if (rc)
            return rc;
    }
    if (optind != argc)
        return cli_usage_error("plot", "unexpected argument '%s'", argv[optind]);
    if (!a->one.x != !a->one.y)
        return cli_usage_error("plot", "--x KEY and --y METRIC go together");
    if (a->one.series && !a->one.x)
        return cli_usage_error("plot", "--series needs --x KEY and --y METRIC");
    if (!a->experiment && !a->one.x)
        return cli_usage_error("plot", "sweep plots need --experiment NAME, or --x KEY and"
                                       " --y METRIC");
    return 0;
}

/* ===== what to draw ===================================================== */

/* The experiment's stored definition, into *e; without --x, it must
 * declare plots.  With --x, an experiment recorded without a definition is
 * drawn all the same (e stays empty). */
static int load_definition(struct an_store *st, const struct sweep_args *a,
                           struct scn_experiment *e)
{
    char *text, where[512];
    int rc = an_agg_definition(st, a->experiment, &text, stderr);
    if (rc)
        return rc < 0 ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
    snprintf(where, sizeof where, "%s: experiment %s", a->db, a->experiment);
    rc = text ? scn_experiment_load_buffer(where, text, strlen(text), SCN_EXPERIMENT_NO_SCENARIO,
                                           e, stderr)
              : 1;
    free(text);
    if (rc == 0 && (e->nplots > 0 || a->one.x))
        return CLI_EXIT_OK;
    if (rc > 0 && a->one.x)
        return CLI_EXIT_OK;
    if (rc == 0)
        scn_experiment_free(e);
    fprintf(stderr, "pssim plot: error: experiment '%s' %s%s\n", a->experiment,
            rc > 0 ? "has no stored definition" : rc < 0 ? "has a definition pssim cannot read"
                                                         : "declares no plots",
            rc < 0 ? "" : ": give one with --x KEY --y METRIC [--series KEY]");
    return rc < 0 ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
}

/* Without an experiment the runs must be of one scenario. */
static int one_scenario(const struct an_agg *a, const char *db)
{
    for (size_t i = 1; i < a->nruns; i++)
        if (strcmp(a->runs[i].scenario, a->runs[0].scenario)) {
            fprintf(stderr, "pssim plot: error: %s holds runs of several scenarios (%s, %s, ...):"
                            " choose one with --scenario NAME\n", db, a->runs[0].scenario,
                    a->runs[i].scenario);
            return CLI_EXIT_USAGE;
        }
    return CLI_EXIT_OK;
}

/* The runs to draw, listed and pooled by point. */
static int read_runs(struct an_store *st, const struct sweep_args *a, struct an_agg *agg)
{
    int rc = an_agg_list(st, a->experiment, a->scenario, agg, stderr);
    if (rc > 0)
        fprintf(stderr, "pssim plot: error: %s holds no experiment '%s'\n", a->db, a->experiment);
    if (rc)
        return rc < 0 ? CLI_EXIT_FAILURE : CLI_EXIT_USAGE;
    if (agg->nruns == 0) {
        fprintf(stderr, "pssim plot: error: %s holds no run%s%s%s%s\n", a->db,
                a->experiment ? " of experiment " : "", a->experiment ? a->experiment : "",
                a->scenario ? " of scenario " : "", a->scenario ? a->scenario : "");
        return CLI_EXIT_USAGE;
    }
    rc = a->experiment ? CLI_EXIT_OK : one_scenario(agg, a->db);
    if (rc == CLI_EXIT_OK && an_agg_compute(st, agg, stderr))
        rc = CLI_EXIT_FAILURE;
    return rc;
}

/* ===== drawing ========================================================== */

/* DIR for a name taken from the database: letters, digits, '_', '-' and
 * '.' kept, anything else '_', never a leading dot. */
static void default_dir(char *buf, size_t size, const char *kind, const char *name)
{
    int n = snprintf(buf, size, "pssim-plots/%s-", kind);
    for (const char *p = name; *p && n + 1 < (int)size; p++, n++)
        buf[n] = strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.", *p) &&
                         (p != name || *p != '.')
                     ? *p
                     : '_';
    buf[n] = '\0';
}

static int draw(struct an_store *st, const struct sweep_args *a, const struct an_agg *agg,
                const struct an_sweep_plot *plots, size_t n)
{
    char dir[4096], *names = NULL;
    size_t len = 0;
    const char *title = a->experiment ? a->experiment : agg->runs[0].scenario;
    if (a->out)
        snprintf(dir, sizeof dir, "%s", a->out);
    else
        default_dir(dir, sizeof dir, a->experiment ? "experiment" : "sweep", title);
    FILE *written = open_memstream(&names, &len);
    struct an_plot_options po = {dir, a->format, cli_gnuplot_program(), CLI_PLOT_TIMEOUT_S, 0};
    int rc = written ? an_plot_sweeps(st, agg, plots, n, title, &po, written, stderr) : -1;
    if (written)
        fclose(written);
    if (rc == 0)
        printf("plots: %s/ (%s: .%s, .gp, .dat)\n", dir, names, an_plot_format_name(a->format));
    free(names);
    return rc < 0 ? CLI_EXIT_FAILURE : rc == AN_PLOT_UNFIT ? CLI_EXIT_USAGE : CLI_EXIT_OK;
}

static void note_excluded(const struct an_agg *agg)
{
    size_t excluded = 0;
    for (size_t i = 0; i < agg->ng; i++)
        excluded += agg->g[i].nexcluded;
    if (excluded)
        fprintf(stderr, "pssim plot: %zu run%s not done (failed, interrupted, ...) left out\n",
                excluded, excluded == 1 ? "" : "s");
}

/* The plots to draw: --x/--y, else the experiment's; each split by the
 * experiment's swept keys it does not name.  They point into `e` and into
 * *keys (to free with them). */
static struct an_sweep_plot *plots_of(const struct sweep_args *a, const struct scn_experiment *e,
                                      size_t *n, const char ***keys)
{
    *n = a->one.x ? 1 : e->nplots;
    struct an_sweep_plot *p = calloc(*n, sizeof *p);
    *keys = calloc(*n * AN_SWEEP_MAX_LINE_KEYS + 1, sizeof **keys);
    if (!p || !*keys) {
        fprintf(stderr, "pssim: out of memory\n");
        free(p);
        return NULL;
    }
    for (size_t i = 0; i < *n; i++) {
        const struct scn_plot *d = a->one.x ? NULL : &e->plots[i];
        p[i] = a->one;
        if (d)
            p[i] = (struct an_sweep_plot){d->x, d->y, d->series, NULL, 0};
        p[i].split = *keys + i * AN_SWEEP_MAX_LINE_KEYS;
        for (size_t k = 0; k < e->nsweep && p[i].nsplit + 1 < AN_SWEEP_MAX_LINE_KEYS; k++)
            if (strcmp(e->sweep[k].key, p[i].x) &&
                (!p[i].series || strcmp(e->sweep[k].key, p[i].series)))
                (*keys)[i * AN_SWEEP_MAX_LINE_KEYS + p[i].nsplit++] = e->sweep[k].key;
    }
    return p;
}

int cli_plot_sweep(int argc, char **argv)
{
    struct sweep_args a = {AN_STORE_DEFAULT_PATH, NULL, NULL, NULL, {NULL, NULL, NULL, NULL, 0},
                           AN_PLOT_PNG};
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? CLI_EXIT_OK : rc;
    if (access(a.db, F_OK) != 0) { /* opening would create an empty database */
        fprintf(stderr, "pssim plot: error: %s: no such results database (see --db)\n", a.db);
        return CLI_EXIT_USAGE;
    }
    struct an_store *st;
    if (an_store_open(&st, a.db, stderr) != 0)
        return CLI_EXIT_FAILURE;
    struct an_agg agg = {0};
    struct scn_experiment e = {0};
    rc = read_runs(st, &a, &agg);
    if (rc == CLI_EXIT_OK && a.experiment)
        rc = load_definition(st, &a, &e);
    if (rc == CLI_EXIT_OK) {
        size_t n;
        const char **keys = NULL;
        struct an_sweep_plot *p = plots_of(&a, &e, &n, &keys);
        rc = p ? draw(st, &a, &agg, p, n) : CLI_EXIT_FAILURE;
        free(keys);
        free(p);
        note_excluded(&agg);
    }
    scn_experiment_free(&e);
    an_agg_free(&agg);
    an_store_close(st);
    return rc;
}
