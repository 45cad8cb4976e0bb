/* tests/check_main.c - main() of every Check test program (layer: tests).
 * Runs the suites of pssim_suites[] in fork mode and fails if any test fails.
 * CK_RUN_SUITE / CK_RUN_CASE select a subset, as usual with Check.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>

#include "tests/check.h"

const char *pssim_test_data_dir(void)
{
    static char buf[4096];
    const char *srcdir = getenv("srcdir");
    snprintf(buf, sizeof buf, "%s/tests/data", srcdir ? srcdir : ".");
    return buf;
}

int main(void)
{
    SRunner *sr = NULL;
    for (const pssim_suite_fn *f = pssim_suites; *f; f++) {
        if (!sr)
            sr = srunner_create((*f)());
        else
            srunner_add_suite(sr, (*f)());
    }
    if (!sr)
        return EXIT_FAILURE;
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
