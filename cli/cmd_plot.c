/* cli/cmd_plot.c - `pssim plot`, and what `pssim run` does with its results (layer: cli).
 * Owns the command line of the results database and of the plots: `pssim
 * plot` draws a stored run, `pssim run --db/--no-db/--plots/--out` stores
 * the run just simulated and draws it.  Both draw from the database (a run
 * read back), so they give the same figures; `run --no-db --plots` keeps
 * its run in a database in memory instead.  The work itself is in
 * analysis/store.c and analysis/plot.c.
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
#include "config.h"

static const char help[] =
    "usage: pssim plot [--db FILE] [--run ID] [--out DIR] [--format png|svg|pdf]\n"
    "       pssim plot --experiment NAME | --x KEY --y METRIC ...  (sweep plots: see\n"
    "                  pssim plot --experiment NAME --help)\n"
    "\n"
    "Draw the plots of a stored run with gnuplot: for each, a script NAME.gp and\n"
    "its data NAME.dat beside the image, so that a figure can be restyled and\n"
    "drawn again with `cd DIR && gnuplot NAME.gp`.  Plots: gantt (each processor's\n"
    "schedule), latency_subsystem and latency_priority_class (CDFs of wake-up\n"
    "latency), share_entitlement (CPU share against entitlement per process),\n"
    "utilization (busy fraction over time).\n"
    "\n"
    "options:\n"
    "  --db FILE           the results database (default pssim.db)\n"
    "  --run ID            the run to draw (default: the latest)\n"
    "  --out DIR           where to write (default pssim-plots/run-ID/)\n"
    "  --format F          png (default), svg or pdf\n"
    "  --help              this text\n"
    "\n"
    "The environment variable PSSIM_GNUPLOT names the gnuplot program to run\n"
    "(default " PSSIM_GNUPLOT "); without gnuplot the scripts and data are still\n"
    "written.\n";

/* ===== drawing a stored run ============================================= */

const char *cli_gnuplot_program(void)
{
    const char *env = getenv("PSSIM_GNUPLOT");
    return env && *env ? env : PSSIM_GNUPLOT;
}

/* Draw run `id` of `st` into `out` (NULL: pssim-plots/run-ID); an exit
 * status.  `shown` is the run id for titles and the default directory, 0
 * for a run kept in memory only.  `notes` (may be NULL) is told where the
 * plots are. */
static int draw(struct an_store *st, int64_t id, int64_t shown, const char *out,
                enum an_plot_format format, FILE *notes)
{
    char dir[4096];
    struct an_result r;
    int got = an_store_get(st, id, &r, stderr);
    if (got != 0)
        return got > 0 ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
    if (out)
        snprintf(dir, sizeof dir, "%s", out);
    else if (shown > 0)
        snprintf(dir, sizeof dir, "pssim-plots/run-%lld", (long long)shown);
    else
        snprintf(dir, sizeof dir, "pssim-plots/not-stored");
    struct an_plot_options po = {dir, format, cli_gnuplot_program(), CLI_PLOT_TIMEOUT_S, shown};
    int rc = an_plot_write(&r, &po, stderr);
    an_result_free(&r);
    if (rc < 0)
        return CLI_EXIT_FAILURE;
    if (notes && rc == 0)
        fprintf(notes, "plots: %s/ (gantt, latency_subsystem, latency_priority_class, "
                       "share_entitlement, utilization: .%s, .gp, .dat)\n",
                dir, an_plot_format_name(format));
    return CLI_EXIT_OK;
}

struct plot_args {
    const char *db, *out;
    int64_t run;
    enum an_plot_format format;
};

static int parse_plot_args(int argc, char **argv, struct plot_args *a)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'D'},  {"run", required_argument, NULL, 'r'},
        {"out", required_argument, NULL, 'o'}, {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},      {NULL, 0, NULL, 0},
    };
    unsigned long long v;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 'h') {
            fputs(help, stdout);
            return -1;
        } else if (c == 'D') {
            a->db = optarg;
        } else if (c == 'o') {
            a->out = optarg;
        } else if (c == 'r') {
            if (cli_parse_u64(optarg, &v) || v == 0 || v > INT64_MAX)
                return cli_usage_error("plot", "--run needs a run id (1, 2, ...), got '%s'", optarg);
            a->run = (int64_t)v;
        } else if (c != 'f' || an_plot_format_parse(optarg, &a->format)) {
            return cli_usage_error("plot", c == 'f' ? "--format must be png, svg or pdf, got '%s'"
                                                    : "unknown option or missing value: '%s'",
                                   c == 'f' ? optarg : argv[optind - 1]);
        }
    }
    if (optind != argc)
        return cli_usage_error("plot", "unexpected argument '%s'", argv[optind]);
    return 0;
}

int cli_plot(int argc, char **argv)
{
    struct plot_args a = {AN_STORE_DEFAULT_PATH, NULL, 0, AN_PLOT_PNG};
    if (cli_plot_is_sweep(argc, argv))
        return cli_plot_sweep(argc, argv);
    int rc = parse_plot_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? CLI_EXIT_OK : rc;
    if (access(a.db, F_OK) != 0) { /* opening would create an empty database */
        fprintf(stderr, "pssim plot: error: %s: no such results database (see --db)\n", a.db);
        return CLI_EXIT_USAGE;
    }
    struct an_store *st;
    if (an_store_open(&st, a.db, stderr) != 0)
        return CLI_EXIT_FAILURE;
    if (!a.run && an_store_latest(st, &a.run, stderr) != 0)
        rc = CLI_EXIT_FAILURE;
    else if (!a.run) {
        fprintf(stderr, "pssim plot: error: %s holds no run yet\n", a.db);
        rc = CLI_EXIT_USAGE;
    } else
        rc = draw(st, a.run, a.run, a.out, a.format, stdout);
    an_store_close(st);
    return rc;
}

/* ===== pssim run: storing and drawing the run =========================== */

int cli_results_option(int code, const char *arg, struct cli_results *res)
{
    struct sim_parse_error perr;
    switch (code) {
    case CLI_OPT_DB: res->db = arg; return 0;
    case CLI_OPT_NO_DB: res->no_db = true; return 0;
    case CLI_OPT_PLOTS: res->plots = true; return 0;
    case CLI_OPT_OUT: res->out = arg; return 0;
    case CLI_OPT_GANTT_WINDOW:
        if (sim_duration_parse(arg, &res->gantt_window, &perr) || res->gantt_window <= 0)
            return cli_usage_error("run", "--gantt-window '%s': %s", arg,
                                   res->gantt_window <= 0 ? "must be > 0" : perr.msg);
        return 0;
    default: return cli_usage_error("run", "unknown option");
    }
}

int cli_results_listen(struct cli_results *res, struct an_run_options *opt,
                       struct an_listener *listeners)
{
    if (res->no_db && res->db)
        return cli_usage_error("run", "--db and --no-db contradict each other");
    if (res->out && !res->plots)
        return cli_usage_error("run", "--out DIR is where --plots writes: add --plots");
    if (res->no_db && !res->plots)
        return CLI_EXIT_OK; /* nothing to keep: the series are not collected */
    if (!(res->series = an_series_new(res->gantt_window))) {
        fprintf(stderr, "pssim: out of memory\n");
        return CLI_EXIT_FAILURE;
    }
    listeners[opt->nlisteners++] = an_series_listener(res->series);
    return CLI_EXIT_OK;
}

int cli_results_save(struct cli_results *res, const struct scn_scenario *s,
                     const struct an_result *r, FILE *notes)
{
    if (!res->series)
        return CLI_EXIT_OK;
    const char *db = res->no_db ? ":memory:" : res->db ? res->db : AN_STORE_DEFAULT_PATH;
    struct an_store *st;
    if (an_store_open(&st, db, stderr) != 0)
        return CLI_EXIT_FAILURE;
    struct an_run_meta meta = {s->path, s->hash, s->params_json, 0, 0, NULL, 0};
    int64_t id;
    int rc = an_store_put(st, &meta, r, &id, stderr) ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
    if (rc == CLI_EXIT_OK && !res->no_db && notes)
        fprintf(notes, "results: run %lld in %s\n", (long long)id, db);
    if (rc == CLI_EXIT_OK && res->plots)
        rc = draw(st, id, res->no_db ? 0 : id, res->out, AN_PLOT_PNG, notes);
    an_store_close(st);
    return rc;
}

void cli_results_free(struct cli_results *res)
{
    an_series_free(res->series);
    res->series = NULL;
}
