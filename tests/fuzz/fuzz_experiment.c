/* tests/fuzz/fuzz_experiment.c - libFuzzer target: the experiment loader (layer: tests).
 *
 * Feeds arbitrary bytes to scn_experiment_load_buffer() as an experiment
 * file in $PSSIM_FUZZ_DATA (tests/data), so that `scenario:` names a real
 * scenario there (scenarios/minimal.yaml, scenarios/full.yaml, ...) and the
 * sweep values go through the scenario loader as overrides, as a batch
 * validates them.  A load must succeed or fail cleanly; a loaded experiment
 * is then enumerated (its points and seeds).  Seed corpus:
 * tests/fuzz/experiment/.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <stdlib.h>

#include "scenarios/scenarios.h"
#include "tests/fuzz/fuzz.h"

static void enumerate(const struct scn_experiment *e)
{
    struct scn_override *ov = calloc(e->nsweep + 1, sizeof *ov);
    if (!ov)
        abort();
    for (size_t p = 0; p < e->npoints; p++) {
        scn_experiment_point(e, p, ov);
        (void)scn_experiment_seed(e, p, e->replications - 1);
    }
    free(ov);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[4200];
    fuzz_data_path(path, sizeof path, "fuzz-experiment.yaml");
    struct scn_experiment e;
    if (scn_experiment_load_buffer(path, data, size, 0, &e, NULL) == 0) {
        if (scn_experiment_runs(&e) == 0)
            abort(); /* a valid experiment has at least one run */
        enumerate(&e);
        scn_experiment_free(&e);
    }
    return 0;
}
