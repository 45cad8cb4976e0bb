/* sim/rng.c - per-entity random-number streams (layer: sim).
 *
 * Every random entity (a thread's run times, an arrival process, ...) draws
 * from its own stream, seeded from the run seed and the entity's stable name
 * only.  Adding, removing or reordering entities therefore never perturbs the
 * draws of the others, which keeps scenario variants comparable run for run.
 *
 * The name is hashed with FNV-1a 64 and mixed with the run seed through two
 * SplitMix64 steps, so that seeds differing in one bit, or names differing in
 * one character, give unrelated streams.
 *
 * Seeds are effectively 32-bit per stream: the generator is GSL's taus2,
 * whose gsl_rng_set() keeps only 32 bits of its seed, so the 64-bit derived
 * seed is folded to 32 bits.  Two streams collide with probability ~2^-32
 * per pair, harmless for a few thousand entities.
 *
 * SPDX-License-Identifier: MIT
 */
#include "sim/sim.h"

static uint64_t fnv1a64(const char *s)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        h ^= *p;
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

/* One SplitMix64 step from state x.  The golden-ratio increment comes first
 * so that 0 does not map to 0 (the bare finalizer has that fixed point). */
static uint64_t splitmix64(uint64_t x)
{
    uint64_t z = x + UINT64_C(0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

uint64_t sim_seed_derive(uint64_t seed, const char *name)
{
    return splitmix64(seed ^ splitmix64(fnv1a64(name)));
}

gsl_rng *sim_rng_stream(uint64_t seed, const char *name)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    if (!r)
        return NULL;
    uint64_t x = sim_seed_derive(seed, name);
    /* Fold rather than truncate so all 64 bits count.  0 is avoided because
     * GSL treats it as "use the default seed" for several generators. */
    unsigned long folded = (unsigned long)((x ^ (x >> 32)) & UINT32_MAX);
    gsl_rng_set(r, folded ? folded : 1);
    return r;
}
