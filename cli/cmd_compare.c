/* cli/cmd_compare.c - `pssim compare BASELINE.db CANDIDATE.db` (layer: cli).
 * Parses the options, opens both results databases and hands them to
 * analysis/compare.c; prints its table or JSON, draws the comparison plot
 * with --out, and turns the verdicts into the exit status: 1 when a metric
 * regressed, 0 when none did, 2 on bad input.
 *
 * SPDX-License-Identifier: MIT
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/analysis.h"
#include "cli/cli.h"

#define MAX_METRICS 256

static const char help[] =
    "usage: pssim compare BASELINE.db CANDIDATE.db [OPTIONS]\n"
    "\n"
    "Check a candidate's results against a baseline's: runs of the same scenario and\n"
    "sweep point are matched (replications pooled, seeds ignored), and for each\n"
    "metric both have, the means are compared with Welch's t-test.  A metric\n"
    "regressed when it moved in its bad direction (README \"Comparing two\n"
    "databases\": latencies and waits up, fairness and throughput down) by more than\n"
    "the tolerance, significantly at alpha.  Verdicts: regressed, improved,\n"
    "changed (moved, but no direction is bad), unchanged, insufficient data\n"
    "(fewer than two runs on a side).\n"
    "\n"
    "options:\n"
    "  --alpha A           significance level, 0 < A < 1 (default 0.05)\n"
    "  --tolerance PCT     a change of at most PCT percent of the baseline mean is no\n"
    "                      change (default 5)\n"
    "  --metric SPEC       compare only these metrics (repeatable): NAME (in every\n"
    "                      scope), SCOPE:NAME or SCOPE:ENTITY:NAME, e.g. latency_p99,\n"
    "                      run:jain_fairness, thread:explorer/ui:latency_p99\n"
    "  --all               list every metric, not only those that moved\n"
    "  --json              print one JSON object instead of the table\n"
    "  --out DIR           also draw the comparison plot there (gnuplot: comparison.gp,\n"
    "                      comparison.dat and the image)\n"
    "  --format F          the plot's image: png (default), svg or pdf\n"
    "  --help              this text\n"
    "\n"
    "exit status: 0 nothing regressed, 1 something regressed, 2 bad input (a\n"
    "database missing or unreadable, nothing to match, an unknown --metric), 3 an\n"
    "internal or I/O failure.\n";

struct compare_args {
    const char *base, *cand, *out;
    const char *metrics[MAX_METRICS];
    struct an_compare_options o;
    enum an_plot_format format;
    bool all, json, has_format;
};

/* A number in [lo, hi) (hi exclusive when `open_hi`); a trailing '%' is
 * allowed when `percent`. */
static int parse_number(const char *s, double lo, double hi, bool open_lo, bool percent,
                        double *out)
{
    char *end;
    *out = strtod(s, &end);
    if (percent && *end == '%')
        end++;
    return end == s || *end || !isfinite(*out) || *out < lo || (open_lo && *out == lo) ||
                   *out >= hi
               ? -1
               : 0;
}

static int parse_option(int c, struct compare_args *a)
{
    switch (c) {
    case 'a':
        if (parse_number(optarg, 0, 1, true, false, &a->o.alpha))
            return cli_usage_error("compare", "--alpha needs a number between 0 and 1, got '%s'",
                                   optarg);
        return 0;
    case 't':
        if (parse_number(optarg, 0, INFINITY, false, true, &a->o.tolerance))
            return cli_usage_error("compare", "--tolerance needs a percentage >= 0, got '%s'",
                                   optarg);
        a->o.tolerance /= 100;
        return 0;
    case 'm':
        if (a->o.nmetrics == MAX_METRICS)
            return cli_usage_error("compare", "more than %d --metric options", MAX_METRICS);
        a->metrics[a->o.nmetrics++] = optarg;
        return 0;
    case 'f':
        if (an_plot_format_parse(optarg, &a->format))
            return cli_usage_error("compare", "--format must be png, svg or pdf, got '%s'", optarg);
        a->has_format = true;
        return 0;
    case 'o': a->out = optarg; return 0;
    case 'A': a->all = true; return 0;
    case 'j': a->json = true; return 0;
    default: return cli_usage_error("compare", "unknown option");
    }
}

static int parse_args(int argc, char **argv, struct compare_args *a)
{
    static const struct option longopts[] = {
        {"alpha", required_argument, NULL, 'a'},  {"tolerance", required_argument, NULL, 't'},
        {"metric", required_argument, NULL, 'm'}, {"out", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, 'f'}, {"all", no_argument, NULL, 'A'},
        {"json", no_argument, NULL, 'j'},         {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 'h') {
            fputs(help, stdout);
            return -1;
        }
        if (c == '?')
            return cli_usage_error("compare", "unknown option or missing value: '%s'",
                                   argv[optind - 1]);
        int rc = parse_option(c, a);
        if (rc)
            return rc;
    }
    if (a->has_format && !a->out)
        return cli_usage_error("compare", "--format is the comparison plot's: add --out DIR");
    if (argc - optind != 2)
        return cli_usage_error("compare", "two results databases expected: BASELINE.db"
                                          " CANDIDATE.db");
    a->base = argv[optind];
    a->cand = argv[optind + 1];
    return 0;
}

/* Open a database that must exist (opening creates a missing one). */
static struct an_store *open_existing(const char *path)
{
    struct an_store *st;
    if (access(path, R_OK) != 0) {
        fprintf(stderr, "pssim compare: error: %s: no such results database, or not readable\n",
                path);
        return NULL;
    }
    return an_store_open(&st, path, stderr) == 0 ? st : NULL;
}

/* The comparison plot, after the report; an exit status. */
static int draw(const struct an_comparison *c, const struct compare_args *a)
{
    struct an_plot_options po = {a->out, a->format, cli_gnuplot_program(), CLI_PLOT_TIMEOUT_S, 0};
    char title[1024];
    snprintf(title, sizeof title, "%s (baseline) against %s", a->base, a->cand);
    int rc = an_plot_compare(c, a->all, title, &po, stderr);
    if (rc < 0)
        return CLI_EXIT_FAILURE;
    if (rc == 0 && !a->json)
        printf("plot: %s/comparison.%s (with comparison.gp, comparison.dat)\n", a->out,
               an_plot_format_name(a->format));
    return CLI_EXIT_OK;
}

static int report(struct an_store *base, struct an_store *cand, const struct compare_args *a)
{
    struct an_comparison c;
    int rc = an_compare(base, cand, &a->o, &c, stderr);
    if (rc != 0) {
        an_comparison_free(&c);
        return rc == AN_COMPARE_BAD_INPUT ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
    }
    if (a->json)
        an_compare_json(stdout, &c, a->base, a->cand, &a->o, a->all);
    else
        an_compare_print(stdout, &c, a->base, a->cand, &a->o, a->all);
    rc = c.count[AN_VERDICT_REGRESSED] ? CLI_EXIT_REGRESSION : CLI_EXIT_OK;
    if (a->out) {
        int prc = draw(&c, a);
        rc = prc ? prc : rc;
    }
    an_comparison_free(&c);
    return rc;
}

int cli_compare(int argc, char **argv)
{
    struct compare_args a;
    memset(&a, 0, sizeof a);
    a.o = (struct an_compare_options){AN_COMPARE_ALPHA, AN_COMPARE_TOLERANCE, a.metrics, 0};
    a.format = AN_PLOT_PNG;
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? CLI_EXIT_OK : rc;
    struct an_store *base = open_existing(a.base);
    struct an_store *cand = base ? open_existing(a.cand) : NULL;
    rc = base && cand ? report(base, cand, &a) : CLI_EXIT_USAGE;
    an_store_close(cand);
    an_store_close(base);
    if (fflush(stdout) != 0)
        rc = CLI_EXIT_FAILURE;
    return rc;
}
