/* cli/cmd_run.c - `pssim run SCENARIO` (layer: cli).
 *
 * Parses the options, loads the scenario (with --set overrides), hands it to
 * the runner and prints the summary table or the --json object, then stores
 * the run and draws its plots as asked (cli/cmd_plot.c).  Ctrl-C
 * stops the simulation at the next event slice and still prints what was
 * measured, marked "interrupted".
 *
 * SPDX-License-Identifier: MIT
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/analysis.h"
#include "cli/cli.h"
#include "models/models.h"
#include "scenarios/scenarios.h"

#define MAX_OVERRIDES 256

static const char help[] =
    "usage: pssim run SCENARIO [OPTIONS]\n"
    "\n"
    "Simulate SCENARIO (a YAML scenario file) and print its metrics.\n"
    "\n"
    "options:\n"
    "  --seed N            RNG seed (default: the scenario's `seed`, else 1); the same\n"
    "                      scenario, seed and build give identical results\n"
    "  --duration T        simulated time to run, with a unit: 500ms, 10s, ...\n"
    "                      (default: the scenario's `duration`, else 10s)\n"
    "  --set KEY=VALUE     override any scenario key, e.g. --set machine.cpus=8,\n"
    "                      --set processes.bash.arrivals.count=16 (repeatable)\n"
    "  --trace FILE        stream the schedule to FILE as the run goes, in the format\n"
    "                      of its extension: .ftrace (Linux ftrace text: open it in\n"
    "                      ui.perfetto.dev), .csv (one row per slice), .json (Chrome\n"
    "                      trace events: chrome://tracing).  Written beside FILE and\n"
    "                      renamed over it when the run ends, so a failed run leaves\n"
    "                      no half trace; after Ctrl-C the trace of the time\n"
    "                      simulated so far is kept\n"
    CLI_RESULTS_HELP
    "  --json              print one JSON object with every metric instead of the table\n"
    "  --quiet             print nothing but errors\n"
    "  --check-invariants  verify the dispatcher's invariants after every event\n"
    "  --max-events N      stop after N events (status \"max_events\")\n"
    "  --help              this text\n"
    "\n"
    "policies (machine.policy):\n";

static volatile sig_atomic_t stop_requested; /* set by the signal handler only */

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

struct run_args {
    const char *scenario;
    struct an_run_options opt;
    struct scn_override ov[MAX_OVERRIDES];
    size_t nov;
    bool json, quiet;
    const char *trace; /* --trace FILE */
    struct cli_results res; /* --db, --no-db, --plots, --out, --gantt-window */
};

static void print_help(void)
{
    fputs(help, stdout);
    for (int i = 0; ke_policy_name(i); i++)
        printf("  %-8s %s\n", ke_policy_name(i), ke_policy_summary(i));
}

static int parse_option(int c, struct run_args *a)
{
    unsigned long long v;
    struct sim_parse_error perr;
    switch (c) {
    case 's':
        if (cli_parse_u64(optarg, &v))
            return cli_usage_error("run", "--seed needs a non-negative integer, got '%s'", optarg);
        a->opt.seed = v;
        a->opt.has_seed = true;
        return 0;
    case 'd':
        if (sim_duration_parse(optarg, &a->opt.duration, &perr) || a->opt.duration <= 0)
            return cli_usage_error("run", "--duration '%s': %s", optarg,
                                   a->opt.duration <= 0 ? "must be > 0" : perr.msg);
        return 0;
    case 'S':
        if (a->nov == MAX_OVERRIDES)
            return cli_usage_error("run", "more than %d --set options", MAX_OVERRIDES);
        if (scn_override_parse(optarg, &a->ov[a->nov]))
            return cli_usage_error("run", "--set needs KEY=VALUE, got '%s'", optarg);
        a->nov++;
        return 0;
    case 'm':
        if (cli_parse_u64(optarg, &v) || v == 0)
            return cli_usage_error("run", "--max-events needs a positive integer, got '%s'", optarg);
        a->opt.max_events = v;
        return 0;
    case 't':
        if (!an_trace_format_known(optarg))
            return cli_usage_error("run", "--trace '%s': unknown trace format (the name must end in %s)",
                                   optarg, AN_TRACE_EXTENSIONS);
        a->trace = optarg;
        return 0;
    case 'j': a->json = true; return 0;
    case 'q': a->quiet = true; return 0;
    case 'c': a->opt.check_invariants = true; return 0;
    default: return cli_results_option(c, optarg, &a->res);
    }
}

static int parse_args(int argc, char **argv, struct run_args *a)
{
    static const struct option longopts[] = {
        {"seed", required_argument, NULL, 's'},
        {"duration", required_argument, NULL, 'd'},
        {"set", required_argument, NULL, 'S'},
        {"max-events", required_argument, NULL, 'm'},
        {"trace", required_argument, NULL, 't'},
        {"json", no_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},
        {"check-invariants", no_argument, NULL, 'c'},
        CLI_RESULTS_LONGOPTS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 'h') {
            print_help();
            return -1;
        }
        if (c == '?')
            return cli_usage_error("run", "unknown option or missing value: '%s'", argv[optind - 1]);
        int rc = parse_option(c, a);
        if (rc)
            return rc;
    }
    if (optind + 1 != argc)
        return cli_usage_error("run", optind == argc ? "no scenario file given"
                                                     : "exactly one scenario file expected");
    a->scenario = argv[optind];
    return 0;
}

static int exit_status(const struct an_result *r)
{
    if (!strcmp(r->status, "error"))
        return CLI_EXIT_USAGE; /* a scenario error found while running */
    if (!strcmp(r->status, "interrupted"))
        return CLI_EXIT_INTERRUPTED;
    return CLI_EXIT_OK;
}

int cli_run(int argc, char **argv)
{
    struct run_args a;
    memset(&a, 0, sizeof a);
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? CLI_EXIT_OK : rc;
    struct scn_scenario s;
    if (scn_load(a.scenario, a.ov, a.nov, &s, stderr) != 0)
        return CLI_EXIT_USAGE;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    a.opt.stop_flag = &stop_requested;
    a.opt.progress = !a.quiet && isatty(STDERR_FILENO);
    struct an_listener listeners[AN_MUX_MAX - 1];
    a.opt.listeners = listeners;
    struct an_trace *trace = a.trace ? an_trace_open(a.trace, stderr) : NULL;
    if (trace)
        listeners[a.opt.nlisteners++] = an_trace_listener(trace);
    struct an_result r = {0};
    int lrc = cli_results_listen(&a.res, &a.opt, listeners);
    if (lrc || (a.trace && !trace) || an_run_scenario(&s, &a.opt, &r, stderr) != 0) {
        an_result_free(&r);
        an_trace_free(trace);
        cli_results_free(&a.res);
        scn_free(&s);
        return lrc ? lrc : CLI_EXIT_FAILURE;
    }
    an_trace_free(trace);
    if (a.json)
        an_write_json(stdout, &r, false);
    else if (!a.quiet)
        an_print_summary(stdout, &r);
    rc = exit_status(&r);
    int src = cli_results_save(&a.res, &s, &r, a.json || a.quiet ? NULL : stdout);
    if (src != CLI_EXIT_OK && rc == CLI_EXIT_OK)
        rc = src;
    if (fflush(stdout) != 0)
        rc = CLI_EXIT_FAILURE;
    cli_results_free(&a.res);
    an_result_free(&r);
    scn_free(&s);
    return rc;
}
