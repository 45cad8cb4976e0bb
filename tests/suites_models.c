/* tests/suites_models.c - the suites of tests/check_models (layer: tests).
 * SPDX-License-Identifier: MIT */
#include "tests/check.h"

Suite *priority_suite(void);
Suite *readyq_suite(void);
Suite *nt_suite(void);
Suite *fifo_suite(void);
Suite *rr_suite(void);
Suite *gfp_suite(void);
Suite *eevdf_suite(void);
Suite *program_suite(void);
Suite *sync_suite(void);
Suite *ps_suite(void);
Suite *options_suite(void);
Suite *limits_suite(void);

const pssim_suite_fn pssim_suites[] = {
    priority_suite, readyq_suite, nt_suite, fifo_suite, rr_suite,
    gfp_suite, eevdf_suite, program_suite, sync_suite, ps_suite, options_suite, limits_suite, NULL,
};
