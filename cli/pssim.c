/* cli/pssim.c - main() of the pssim command (layer: cli).
 *
 * Dispatches to the sub-commands; owns the top-level --help and --version.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "config.h"

static const char usage[] =
    "usage: pssim COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "pssim simulates Windows NT thread scheduling (the Ps process/thread manager\n"
    "and the Ke dispatcher) on N processors, replaying a scenario file, and\n"
    "measures contention and fairness.\n"
    "\n"
    "commands:\n"
    "  run SCENARIO     simulate a scenario; print a summary or --json metrics\n"
    "  check SCENARIO.. parse and validate scenario files only (exit 0 or 2)\n"
    "  plot             draw a stored run's plots, or an experiment's sweep plots\n"
    "  batch EXPERIMENT run an experiment's runs on N workers, resumable\n"
    "  merge OUT IN...  combine results databases (the shards of a batch)\n"
    "  compare A B      check results database B against baseline A (exit 1: regressed)\n"
    "\n"
    "  pssim COMMAND --help   options of one command\n"
    "  pssim --version        the version\n"
    "\n"
    "exit status: 0 success, 1 a regression found by compare, 2 bad input or usage\n"
    "(messages name file:line:col), 3 internal or I/O failure, 130 interrupted.\n";

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "pssim %s: error: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(see 'pssim %s --help')\n", cmd);
    return CLI_EXIT_USAGE;
}

int cli_parse_u64(const char *s, unsigned long long *out)
{
    char *end;
    if (!s || !*s || *s == '-' || *s == '+')
        return -1;
    errno = 0;
    *out = strtoull(s, &end, 10);
    return (errno || *end) ? -1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return CLI_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        fputs(usage, stdout);
        return CLI_EXIT_OK;
    }
    if (!strcmp(cmd, "--version")) {
        printf("pssim %s\n", PACKAGE_VERSION);
        return CLI_EXIT_OK;
    }
    if (!strcmp(cmd, "run"))
        return cli_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "check"))
        return cli_check(argc - 1, argv + 1);
    if (!strcmp(cmd, "plot"))
        return cli_plot(argc - 1, argv + 1);
    if (!strcmp(cmd, "compare"))
        return cli_compare(argc - 1, argv + 1);
    if (!strcmp(cmd, "batch"))
        return cli_batch(argc - 1, argv + 1);
    if (!strcmp(cmd, "merge"))
        return cli_merge(argc - 1, argv + 1);
    fprintf(stderr, "pssim: error: unknown command '%s'\n\n%s", cmd, usage);
    return CLI_EXIT_USAGE;
}
