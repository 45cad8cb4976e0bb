/* tests/suites_sim.c - the suites of the sim layer's test program (layer: tests).
 *
 * Lists the suites tests/check_main.c runs as tests/check_sim: one per
 * module of sim/ (event set and run loop, RNG streams, distributions).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stddef.h>

#include "tests/check.h"

Suite *event_suite(void);
Suite *rng_suite(void);
Suite *dist_suite(void);

const pssim_suite_fn pssim_suites[] = {event_suite, rng_suite, dist_suite, NULL};
