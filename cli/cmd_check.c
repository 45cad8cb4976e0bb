/* cli/cmd_check.c - `pssim check SCENARIO...` (layer: cli).
 * Loads and validates each file, printing every error; no simulation.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "scenarios/scenarios.h"

static const char help[] =
    "usage: pssim check SCENARIO...\n"
    "\n"
    "Parse and validate scenario files without simulating them.  Every error is\n"
    "printed as FILE:LINE:COL: error: MESSAGE.  Exit 0 if all files are valid,\n"
    "2 if any is not.\n";

int cli_check(int argc, char **argv)
{
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs(help, stdout);
        return CLI_EXIT_OK;
    }
    if (argc < 2)
        return cli_usage_error("check", "no scenario file given");
    int rc = CLI_EXIT_OK;
    for (int i = 1; i < argc; i++) {
        struct scn_scenario s;
        if (scn_load(argv[i], NULL, 0, &s, stderr) != 0) {
            rc = CLI_EXIT_USAGE;
            continue;
        }
        printf("%s: ok (%d processes, %d cpus, policy %s)\n", argv[i], s.wl.nprocesses,
               s.wl.machine.cpus, s.wl.machine.policy);
        scn_free(&s);
    }
    return rc;
}
