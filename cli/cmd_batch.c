/* cli/cmd_batch.c - `pssim batch EXPERIMENT` (layer: cli).
 *
 * Parses the options, loads the experiment file, and hands it to the batch
 * runner (analysis/batch.c); prints the outcome, and on Ctrl-C or SIGTERM
 * the command that resumes the batch.  With --out, draws the experiment's
 * declared plots afterwards, as `pssim plot --experiment` does.
 *
 * SPDX-License-Identifier: MIT
 */
#ifdef __linux__
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT: the processors we may use */
#include <sched.h>
#endif
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/analysis.h"
#include "cli/cli.h"
#include "scenarios/scenarios.h"

static const char help[] =
    "usage: pssim batch EXPERIMENT [-j N] [--db FILE] [--resume] [--shard K/N] [--out DIR]\n"
    "                              [--gantt-window T] [--check] [--quiet]\n"
    "\n"
    "Run every run of an experiment file (a scenario, a sweep over scenario keys,\n"
    "replications and a base seed; README \"Batch experiments\") on N worker\n"
    "processes, storing each run whole in the results database as it finishes.\n"
    "A run that fails is stored with status \"error\" and its message; the batch goes\n"
    "on.  Ctrl-C stops at once, keeping every run already stored; --resume then\n"
    "does the rest.\n"
    "\n"
    "options:\n"
    "  -j, --jobs N        worker processes (default: the processors this process may\n"
    "                      use)\n"
    "  --db FILE           the results database (default pssim.db)\n"
    "  --resume            go on with an experiment that already has runs in FILE,\n"
    "                      doing only the runs that are missing\n"
    "  --shard K/N         do only the runs i (in the experiment's order, from 0) with\n"
    "                      i % N == K - 1, for splitting a batch across machines;\n"
    "                      then combine the databases with `pssim merge`\n"
    "  --out DIR           afterwards, draw the plots the experiment declares into DIR\n"
    "  --gantt-window T    simulated time each run's Gantt slices cover (default 2s,\n"
    "                      as for pssim run); a shorter one makes a batch of short\n"
    "                      runs faster and its database smaller\n"
    "  --check             only load and validate the experiment (its scenario under\n"
    "                      every sweep point) and print its runs; store nothing\n"
    "  --quiet             no progress\n"
    "  --help              this text\n"
    "\n"
    "Progress goes to stderr: a bar when it is a terminal, else a line per run.\n"
    "Exit status 0 when every run of the shard is stored (failed ones included),\n"
    "2 on bad input, 3 on an I/O failure, 130 when interrupted.\n";

static volatile sig_atomic_t stop_requested; /* set by the signal handler only */

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

struct batch_args {
    const char *experiment, *out;
    const char *shard_text, *gantt_text; /* as given, for the resume hint */
    struct an_batch_options o;
    bool quiet, jobs_given, check;
};

/* The processors this process may run on (a Slurm allocation, taskset). */
static int default_jobs(void)
{
#ifdef __linux__
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
#endif
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

static int parse_shard(const char *s, struct an_batch_options *o)
{
    char *end;
    long k = strtol(s, &end, 10), n = 0;
    if (end != s && *end == '/' && end[1] >= '0' && end[1] <= '9')
        n = strtol(end + 1, &end, 10);
    if (*end || k < 1 || n < 1 || k > n || n > 1000000)
        return cli_usage_error("batch", "--shard needs K/N with 1 <= K <= N, got '%s'", s);
    o->shard = (int)k;
    o->shards = (int)n;
    return 0;
}

static int parse_option(int c, struct batch_args *a)
{
    unsigned long long v;
    struct sim_parse_error perr;
    switch (c) {
    case 'j':
        if (cli_parse_u64(optarg, &v) || v < 1 || v > 4096)
            return cli_usage_error("batch", "-j needs a number of workers from 1 to 4096, got '%s'",
                                   optarg);
        a->o.jobs = (int)v;
        a->jobs_given = true;
        return 0;
    case 'D': a->o.db = optarg; return 0;
    case 'r': a->o.resume = true; return 0;
    case 's': a->shard_text = optarg; return parse_shard(optarg, &a->o);
    case 'o': a->out = optarg; return 0;
    case 'q': a->quiet = true; return 0;
    case 'c': a->check = true; return 0;
    case 'g':
        a->gantt_text = optarg;
        if (sim_duration_parse(optarg, &a->o.gantt_window, &perr) || a->o.gantt_window <= 0)
            return cli_usage_error("batch", "--gantt-window '%s': %s", optarg,
                                   a->o.gantt_window <= 0 ? "must be > 0" : perr.msg);
        return 0;
    default: return cli_usage_error("batch", "unknown option");
    }
}

static int parse_args(int argc, char **argv, struct batch_args *a)
{
    static const struct option longopts[] = {
        {"jobs", required_argument, NULL, 'j'},  {"db", required_argument, NULL, 'D'},
        {"resume", no_argument, NULL, 'r'},      {"shard", required_argument, NULL, 's'},
        {"out", required_argument, NULL, 'o'},   {"quiet", no_argument, NULL, 'q'},
        {"check", no_argument, NULL, 'c'},       {"gantt-window", required_argument, NULL, 'g'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "hj:", longopts, NULL)) != -1) {
        if (c == 'h') {
            fputs(help, stdout);
            return -1;
        }
        if (c == '?')
            return cli_usage_error("batch", "unknown option or missing value: '%s'",
                                   argv[optind - 1]);
        int rc = parse_option(c, a);
        if (rc)
            return rc;
    }
    if (optind + 1 != argc)
        return cli_usage_error("batch", optind == argc ? "no experiment file given"
                                                       : "exactly one experiment file expected");
    a->experiment = argv[optind];
    return 0;
}

/* SIGINT and SIGTERM interrupt the batch's poll (no SA_RESTART). */
static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static void print_resume_hint(const struct batch_args *a, const struct an_batch_summary *s)
{
    fprintf(stderr, "pssim batch: interrupted: %zu of %zu runs%s are stored in %s; the runs in "
                    "flight were dropped.  To do the rest:\n  pssim batch %s --resume --db %s",
            s->stored, s->selected, a->o.shards > 1 ? " of this shard" : "", a->o.db,
            a->experiment, a->o.db);
    if (a->shard_text)
        fprintf(stderr, " --shard %s", a->shard_text);
    if (a->jobs_given)
        fprintf(stderr, " -j %d", a->o.jobs);
    if (a->gantt_text)
        fprintf(stderr, " --gantt-window %s", a->gantt_text);
    fputc('\n', stderr);
}

/* `pssim plot --experiment NAME --db DB --out DIR`, as if typed. */
static int draw_plots(const struct batch_args *a, const struct scn_experiment *e)
{
    char *argv[] = {"plot", "--experiment", e->name, "--db", (char *)a->o.db, "--out",
                    (char *)a->out, NULL};
    optind = 0; /* getopt starts afresh */
    return cli_plot(7, argv);
}

static int report(const struct batch_args *a, const struct scn_experiment *e,
                  const struct an_batch_summary *s)
{
    if (s->interrupted) {
        print_resume_hint(a, s);
        return CLI_EXIT_INTERRUPTED;
    }
    if (!a->quiet)
        printf("experiment %s: %zu of %zu runs%s stored in %s (%zu failed); this batch ran %zu "
               "in %.1f s%s\n", e->name, s->stored, s->selected,
               a->o.shards > 1 ? " of this shard" : "", a->o.db, s->failed, s->done_now,
               s->wall_seconds, s->before ? ", the others were already stored" : "");
    if (fflush(stdout) != 0)
        return CLI_EXIT_FAILURE;
    return a->out ? draw_plots(a, e) : CLI_EXIT_OK;
}

int cli_batch(int argc, char **argv)
{
    struct batch_args a;
    memset(&a, 0, sizeof a);
    a.o = (struct an_batch_options){.db = AN_STORE_DEFAULT_PATH, .shard = 1, .shards = 1};
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? CLI_EXIT_OK : rc;
    if (!a.jobs_given)
        a.o.jobs = default_jobs();
    struct scn_experiment e;
    if (scn_experiment_load(a.experiment, &e, stderr) != 0)
        return CLI_EXIT_USAGE;
    if (a.check) {
        printf("%s: ok (experiment %s: %zu points x %d replications = %zu runs, definition %s)\n",
               a.experiment, e.name, e.npoints, e.replications, scn_experiment_runs(&e), e.hash);
        scn_experiment_free(&e);
        return CLI_EXIT_OK;
    }
    if (a.out && e.nplots == 0) {
        scn_experiment_free(&e);
        return cli_usage_error("batch", "--out DIR is where the experiment's plots go, but %s "
                                        "declares none (plots:)", a.experiment);
    }
    catch_signals();
    a.o.stop_flag = &stop_requested;
    a.o.bar = isatty(STDERR_FILENO);
    a.o.progress = a.quiet ? NULL : stderr;
    struct an_batch_summary s;
    rc = an_batch_run(&e, &a.o, &s, stderr);
    if (rc == 0)
        rc = report(&a, &e, &s);
    else
        rc = rc > 0 ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
    scn_experiment_free(&e);
    return rc;
}
