/* tests/suites_analysis.c - the Check suites of the analysis layer (layer: tests).
 * Lists them for tests/check_main.c, which builds tests/check_analysis.
 *
 * SPDX-License-Identifier: MIT
 */
#include "tests/check.h"

Suite *hist_suite(void);
Suite *metrics_suite(void);
Suite *report_suite(void);

const pssim_suite_fn pssim_suites[] = {hist_suite, metrics_suite, report_suite, NULL};
