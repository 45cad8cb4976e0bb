/* tests/suites_analysis.c - the Check suites of the analysis layer (layer: tests).
 * Lists them for tests/check_main.c, which builds tests/check_analysis.
 *
 * SPDX-License-Identifier: MIT
 */
#include "tests/check.h"

Suite *hist_suite(void);
Suite *metrics_suite(void);
Suite *report_suite(void);
Suite *trace_suite(void);
Suite *series_suite(void);
Suite *store_suite(void);
Suite *plot_suite(void);
Suite *batch_suite(void);
Suite *aggregate_suite(void);
Suite *compare_suite(void);

const pssim_suite_fn pssim_suites[] = {hist_suite, metrics_suite, report_suite, trace_suite, series_suite,
                                      store_suite, plot_suite, batch_suite, aggregate_suite,
                                      compare_suite, NULL};
