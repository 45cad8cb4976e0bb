/* cli/cmd_merge.c - `pssim merge OUT.db IN.db...` (layer: cli).
 *
 * Combines results databases, typically the shards of one batch run on
 * several machines, into OUT (created when missing).  The work is
 * analysis/merge.c's: runs keep their identity (experiment, sweep point,
 * replication), so merging again, or a shard twice, adds nothing.
 *
 * SPDX-License-Identifier: MIT
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "analysis/analysis.h"
#include "cli/cli.h"

static const char help[] =
    "usage: pssim merge OUT.db IN.db...\n"
    "\n"
    "Copy every run of the results databases IN.db into OUT.db (created when\n"
    "missing), with its metrics and series; run ids are renumbered.  A run OUT.db\n"
    "already holds (the same experiment definition, sweep point and replication)\n"
    "is skipped, so merging is idempotent.  Refused, before anything is copied:\n"
    "an experiment name with two different definitions among the files, an IN.db\n"
    "that does not exist or is not a results database.\n"
    "\n"
    "options:\n"
    "  --quiet             print nothing but errors\n"
    "  --help              this text\n";

int cli_merge(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"quiet", no_argument, NULL, 'q'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    bool quiet = false;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 'h') {
            fputs(help, stdout);
            return CLI_EXIT_OK;
        }
        if (c != 'q')
            return cli_usage_error("merge", "unknown option: '%s'", argv[optind - 1]);
        quiet = true;
    }
    if (argc - optind < 2)
        return cli_usage_error("merge", "give the output database and at least one input");
    const char *out = argv[optind];
    struct an_store *st;
    if (an_store_open(&st, out, stderr) != 0)
        return CLI_EXIT_FAILURE;
    struct an_merge_counts n;
    int rc = an_merge(st, out, (const char *const *)argv + optind + 1, (size_t)(argc - optind - 1),
                      &n, stderr);
    an_store_close(st);
    if (rc != 0)
        return rc > 0 ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
    if (!quiet)
        printf("merged %zu files into %s: %zu runs copied, %zu already there\n", n.files, out,
               n.copied, n.skipped);
    return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}
