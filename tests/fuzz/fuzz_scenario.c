/* tests/fuzz/fuzz_scenario.c - libFuzzer target: the scenario loader (layer: tests).
 *
 * Feeds arbitrary bytes to scn_load_buffer(), the loader's in-memory entry
 * (the same code path as scn_load() after reading the file): YAML parsing,
 * the key tables, every typed value and distribution, programs and limits.
 * A load must succeed or fail cleanly, never crash, leak or hang.  Relative
 * empirical(file.csv) names resolve against $PSSIM_FUZZ_DATA (tests/data
 * when `make fuzz` runs it), so the seed corpus can reach the CSV reader.
 * Seed corpus: tests/fuzz/scenario/.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenarios/scenarios.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[4200];
    fuzz_data_path(path, sizeof path, "fuzz.yaml");
    struct scn_scenario s;
    if (scn_load_buffer(path, data, size, NULL, 0, &s, NULL) == 0)
        scn_free(&s);
    return 0;
}
