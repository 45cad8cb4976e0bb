/* cli/cli.h - the pssim command's sub-commands (layer: cli).
 *
 * The front end only parses arguments and dispatches; every sub-command
 * returns the process exit status documented in README "Exit codes".
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef PSSIM_CLI_H
#define PSSIM_CLI_H

#define CLI_EXIT_OK 0
#define CLI_EXIT_REGRESSION 1
#define CLI_EXIT_USAGE 2   /* bad input or usage */
#define CLI_EXIT_FAILURE 3 /* internal or I/O failure */
#define CLI_EXIT_INTERRUPTED 130

int cli_run(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_plot(int argc, char **argv);
int cli_compare(int argc, char **argv);
int cli_batch(int argc, char **argv);
int cli_merge(int argc, char **argv);

/* ---- plots (cli/cmd_plot.c, cli/cmd_plot_sweep.c) ---- */

#define CLI_PLOT_TIMEOUT_S 120 /* per gnuplot run */
/* The gnuplot to run: $PSSIM_GNUPLOT, else the one configure found. */
const char *cli_gnuplot_program(void);
/* Whether a `pssim plot` command line asks for sweep plots (--experiment,
 * --x, --y, --series, --scenario), which cli_plot_sweep draws. */
int cli_plot_is_sweep(int argc, char **argv);
int cli_plot_sweep(int argc, char **argv);

/* ---- what `pssim run` does with its result (cli/cmd_plot.c) ---- */

#include "analysis/analysis.h"

/* getopt_long codes of the options below, out of the range of letters. */
enum { CLI_OPT_DB = 1000, CLI_OPT_NO_DB, CLI_OPT_PLOTS, CLI_OPT_OUT, CLI_OPT_GANTT_WINDOW };
#define CLI_RESULTS_LONGOPTS                                                                  \
    {"db", required_argument, NULL, CLI_OPT_DB}, {"no-db", no_argument, NULL, CLI_OPT_NO_DB}, \
        {"plots", no_argument, NULL, CLI_OPT_PLOTS},                                          \
        {"out", required_argument, NULL, CLI_OPT_OUT},                                        \
        {"gantt-window", required_argument, NULL, CLI_OPT_GANTT_WINDOW}
#define CLI_RESULTS_HELP                                                                       \
    "  --db FILE           store the run in the results database FILE (default pssim.db\n"   \
    "                      in the current directory; README \"Results database\")\n"         \
    "  --no-db             do not store the run\n"                                            \
    "  --plots             draw the run's plots (gnuplot) into --out DIR, default\n"          \
    "                      pssim-plots/run-ID/\n"                                             \
    "  --out DIR           where --plots writes\n"                                            \
    "  --gantt-window T    simulated time the Gantt chart covers (default 2s)\n"

struct cli_results {
    const char *db, *out;
    bool no_db, plots;
    sim_time_t gantt_window;
    struct an_series *series;
};

/* Parse one option of CLI_RESULTS_LONGOPTS (`code`); 0 or a usage exit
 * status, which is also the answer to a code that is not one of them. */
int cli_results_option(int code, const char *arg, struct cli_results *res);
/* Before the run: add the series listener to opt (its listeners array has
 * room) when the run is stored or plotted.  0 or an exit status. */
int cli_results_listen(struct cli_results *res, struct an_run_options *opt,
                       struct an_listener *listeners);
/* After the run: store it, then draw its plots, as asked; notes go to
 * `notes` (NULL: none).  An exit status. */
int cli_results_save(struct cli_results *res, const struct scn_scenario *s,
                     const struct an_result *r, FILE *notes);
void cli_results_free(struct cli_results *res);

/* "pssim run: error: ..." on stderr; returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Parse a non-negative integer argument; -1 on junk or overflow. */
int cli_parse_u64(const char *s, unsigned long long *out);

#endif
