/* tests/fuzz/fuzz_dist.c - libFuzzer target: durations and distributions (layer: tests).
 *
 * Parses arbitrary text with sim_dist_parse() and sim_duration_parse(); a
 * distribution that parses is then sampled, its mean taken and copied, so
 * that parameters the parser accepts are also safe to use (no NaN turned
 * into an integer, no overflow).  empirical(NAME) reads NAME relative to
 * $PSSIM_FUZZ_DATA.  Seed corpus: tests/fuzz/dist/.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <stdlib.h>

#include "sim/sim.h"
#include "tests/fuzz/fuzz.h"

static void exercise(const struct sim_dist *d)
{
    gsl_rng *r = sim_rng_stream(1, "fuzz");
    if (!r)
        abort();
    for (int i = 0; i < 16; i++)
        if (sim_dist_sample(d, r) < 0)
            abort(); /* sim.h: draws are >= 0 */
    (void)sim_dist_mean(d);
    struct sim_dist copy;
    if (sim_dist_copy(&copy, d) == 0)
        sim_dist_free(&copy);
    gsl_rng_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_strndup(data, size), dir[4200];
    fuzz_data_path(dir, sizeof dir, ".");
    struct sim_dist d;
    struct sim_parse_error err;
    if (sim_dist_parse(text, dir, &d, &err) == 0) {
        exercise(&d);
        sim_dist_free(&d);
    }
    sim_time_t t;
    if (sim_duration_parse(text, &t, &err) == 0 && t < 0)
        abort(); /* negative durations are refused */
    free(text);
    return 0;
}
