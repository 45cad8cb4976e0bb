/* tests/check_sim_rng.c - tests of the per-entity random streams (layer: tests).
 *
 * Streams must depend on (seed, name) only, so that scenario variants stay
 * comparable; the golden values pin the derivation, whose accidental change
 * would silently alter every recorded result.
 *
 * SPDX-License-Identifier: MIT
 */
#include "sim/sim.h"
#include "tests/check.h"

enum { DRAWS = 16 };

static void draw(uint64_t seed, const char *name, unsigned long *out)
{
    gsl_rng *r = sim_rng_stream(seed, name);
    ck_assert_ptr_nonnull(r);
    for (int i = 0; i < DRAWS; i++)
        out[i] = gsl_rng_get(r);
    gsl_rng_free(r);
}

static int count_equal(const unsigned long *a, const unsigned long *b)
{
    int n = 0;
    for (int i = 0; i < DRAWS; i++)
        n += a[i] == b[i];
    return n;
}

START_TEST(test_rng_same_seed_and_name_same_sequence)
{
    unsigned long a[DRAWS], b[DRAWS];
    draw(7, "thread/worker-1", a);
    draw(7, "thread/worker-1", b);
    ck_assert_int_eq(count_equal(a, b), DRAWS);
}
END_TEST

START_TEST(test_rng_different_names_differ)
{
    unsigned long a[DRAWS], b[DRAWS];
    draw(7, "thread/worker-1", a);
    draw(7, "thread/worker-2", b);
    ck_assert_int_eq(count_equal(a, b), 0);
}
END_TEST

START_TEST(test_rng_different_seeds_differ)
{
    unsigned long a[DRAWS], b[DRAWS];
    draw(7, "thread/worker-1", a);
    draw(8, "thread/worker-1", b);
    ck_assert_int_eq(count_equal(a, b), 0);
}
END_TEST

/* Interleaving draws from a newly added stream leaves an existing one alone. */
START_TEST(test_rng_new_stream_does_not_change_others)
{
    unsigned long alone[DRAWS];
    draw(42, "explorer/ui", alone);
    gsl_rng *a = sim_rng_stream(42, "explorer/ui");
    gsl_rng *b = sim_rng_stream(42, "explorer/indexer");
    for (int i = 0; i < DRAWS; i++) {
        gsl_rng_get(b);
        ck_assert_uint_eq(gsl_rng_get(a), alone[i]);
        gsl_rng_get(b);
    }
    gsl_rng_free(a);
    gsl_rng_free(b);
}
END_TEST

START_TEST(test_rng_seed_derive_golden)
{
    ck_assert_uint_eq(sim_seed_derive(42, "explorer/ui"), UINT64_C(0x9d72106df318b51f));
    ck_assert_uint_eq(sim_seed_derive(0, ""), UINT64_C(0x21fa69a58f3d62f5));
    gsl_rng *r = sim_rng_stream(42, "explorer/ui");
    ck_assert_uint_eq(gsl_rng_get(r), 259014809UL);
    ck_assert_uint_eq(gsl_rng_get(r), 46190731UL);
    gsl_rng_free(r);
}
END_TEST

START_TEST(test_rng_seed_derive_spreads_similar_inputs)
{
    const uint64_t x = sim_seed_derive(1, "t1");
    ck_assert_uint_ne(x, sim_seed_derive(1, "t2"));
    ck_assert_uint_ne(x, sim_seed_derive(1, "1t"));
    ck_assert_uint_ne(x, sim_seed_derive(3, "t1"));
    ck_assert_uint_ne(sim_seed_derive(0, ""), 0);
    /* One input bit flips about half the output bits. */
    int flipped = __builtin_popcountll(x ^ sim_seed_derive(0, "t1"));
    ck_assert_int_gt(flipped, 16);
    ck_assert_int_lt(flipped, 48);
}
END_TEST

Suite *rng_suite(void)
{
    Suite *s = suite_create("rng");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_rng_same_seed_and_name_same_sequence);
    tcase_add_test(tc, test_rng_different_names_differ);
    tcase_add_test(tc, test_rng_different_seeds_differ);
    tcase_add_test(tc, test_rng_new_stream_does_not_change_others);
    tcase_add_test(tc, test_rng_seed_derive_golden);
    tcase_add_test(tc, test_rng_seed_derive_spreads_similar_inputs);
    suite_add_tcase(s, tc);
    return s;
}
