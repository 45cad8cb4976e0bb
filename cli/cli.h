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

/* "pssim run: error: ..." on stderr; returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Parse a non-negative integer argument; -1 on junk or overflow. */
int cli_parse_u64(const char *s, unsigned long long *out);

#endif
