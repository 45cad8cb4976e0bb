/* tests/suites_scenarios.c - the suites of the scenarios layer's test program (layer: tests).
 *
 * Lists the suites tests/check_main.c runs as tests/check_scenarios: the
 * scenario loader (format, defaults, overrides, the bad-input corpus) and
 * its limits and input bounds.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stddef.h>

#include "tests/check.h"

Suite *load_suite(void);
Suite *limits_suite(void);
Suite *experiment_suite(void);

const pssim_suite_fn pssim_suites[] = {load_suite, limits_suite, experiment_suite, NULL};
