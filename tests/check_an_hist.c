/* tests/check_an_hist.c - log-linear histograms (layer: tests).
 * SPDX-License-Identifier: MIT */
#include <math.h>

#define ANALYSIS_INTERNAL
#include "analysis/analysis_int.h"
#include "tests/check.h"

START_TEST(test_hist_small_values_are_exact)
{
    struct an_hist h;
    an_hist_init(&h);
    for (int v = 0; v < 32; v++)
        an_hist_add(&h, v);
    ck_assert_double_eq(an_hist_quantile(&h, 0.5), 15); /* rank 16 of 0..31 */
    ck_assert_double_eq(an_hist_quantile(&h, 0.25), 7);
    an_hist_free(&h);
}
END_TEST

START_TEST(test_hist_quantiles_within_resolution)
{
    struct an_hist h;
    an_hist_init(&h);
    /* 1..100000 us in a scrambled order: the exact p-quantile is p * 1e5 us */
    for (int i = 0; i < 100000; i++)
        an_hist_add(&h, (sim_time_t)((i * 7919L) % 100000 + 1) * SIM_US);
    const double ps[] = {0.01, 0.5, 0.9, 0.95, 0.99, 0.999};
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        double exact = ps[i] * 1e5 * 1e3;
        ck_assert_double_eq_tol(an_hist_quantile(&h, ps[i]), exact, exact / 64);
    }
    ck_assert_double_eq(an_hist_quantile(&h, 1.0), 1e5 * 1e3);
    ck_assert_double_eq(an_hist_quantile(&h, 1e-9), 1e3);
    an_hist_free(&h);
}
END_TEST

START_TEST(test_hist_memory_follows_range_not_count)
{
    struct an_hist h;
    an_hist_init(&h);
    for (int i = 0; i < 1000000; i++)
        an_hist_add(&h, SIM_MS + i % 1000);
    ck_assert_uint_le(h.n, 64); /* 1 ms +- 1 us spans a couple of buckets */
    an_hist_add(&h, 5);          /* widen downward ... */
    an_hist_add(&h, 10 * SIM_S); /* ... and upward, keeping the counts */
    ck_assert_uint_eq(h.count, 1000002);
    ck_assert_double_eq(an_hist_quantile(&h, 0.5), an_hist_quantile(&h, 0.4));
    ck_assert_double_eq_tol(an_hist_quantile(&h, 0.5), 1.0005e6, 1e6 / 64);
    an_hist_free(&h);
}
END_TEST

START_TEST(test_hist_merge_equals_adding_all)
{
    struct an_hist a, b, all;
    an_hist_init(&a);
    an_hist_init(&b);
    an_hist_init(&all);
    for (int i = 1; i <= 5000; i++) {
        sim_time_t v = (sim_time_t)i * i * 37;
        an_hist_add(i % 2 ? &a : &b, v);
        an_hist_add(&all, v);
    }
    ck_assert_int_eq(an_hist_merge(&a, &b), 0);
    ck_assert_uint_eq(a.count, all.count);
    for (double p = 0.05; p < 1; p += 0.05)
        ck_assert_double_eq(an_hist_quantile(&a, p), an_hist_quantile(&all, p));
    an_hist_free(&a);
    an_hist_free(&b);
    an_hist_free(&all);
}
END_TEST

START_TEST(test_hist_buckets_past_int64_saturate)
{
    struct an_hist h;
    an_hist_init(&h);
    ck_assert_int_eq(an_hist_add(&h, 0), 0);
    ck_assert_int_eq(an_hist_add(&h, (sim_time_t)44 << 33), 0); /* bucket 1100 */
    ck_assert_int_eq(an_hist_add(&h, (sim_time_t)46 << 33), 0); /* widens to 2202 buckets */
    sim_time_t prev = -1, upper;
    uint64_t count, total = 0;
    for (uint32_t i = 0; i < h.n; i++) { /* the top buckets lie past 2^63 */
        an_hist_bucket(&h, i, &upper, &count);
        ck_assert_int_ge(upper, prev);
        prev = upper;
        total += count;
    }
    ck_assert_int_eq(prev, SIM_TIME_MAX);
    ck_assert_uint_eq(total, 3);
    an_hist_free(&h);
}
END_TEST

START_TEST(test_hist_empty_is_zero)
{
    struct an_hist h;
    an_hist_init(&h);
    ck_assert_double_eq(an_hist_quantile(&h, 0.99), 0);
    an_hist_free(&h);
}
END_TEST

Suite *hist_suite(void)
{
    Suite *s = suite_create("hist");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_hist_small_values_are_exact);
    tcase_add_test(tc, test_hist_quantiles_within_resolution);
    tcase_add_test(tc, test_hist_memory_follows_range_not_count);
    tcase_add_test(tc, test_hist_merge_equals_adding_all);
    tcase_add_test(tc, test_hist_buckets_past_int64_saturate);
    tcase_add_test(tc, test_hist_empty_is_zero);
    suite_add_tcase(s, tc);
    return s;
}
