/* tests/check.h - shared declarations of the Check test programs (layer: tests).
 *
 * Each test program is tests/check_main.c plus one tests/suites_<layer>.c that
 * lists the layer's suites, plus the suite files themselves
 * (tests/check_<layer>_<module>.c, each exporting `Suite *<module>_suite(void)`).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef PSSIM_TESTS_CHECK_H
#define PSSIM_TESTS_CHECK_H

#include <check.h>

typedef Suite *(*pssim_suite_fn)(void);

/* NULL-terminated; defined by tests/suites_<layer>.c. */
extern const pssim_suite_fn pssim_suites[];

/* Directory holding the test data (tests/data), from $srcdir when set by
 * `make check`, else "tests/data". */
const char *pssim_test_data_dir(void);

#endif
