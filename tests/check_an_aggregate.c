/* tests/check_an_aggregate.c - unit tests of statistics across replications (layer: tests).
 * The summary of a metric (mean, sample standard deviation, median, the 95%
 * confidence interval of the mean by Student's t), Welch's t-test, the
 * grouping of stored runs into sweep points, the lookup of a scenario key
 * in a run's parameters, and the sweep plots drawn from the points.
 *
 * Reference values are worked out independently of GSL: means, deviations
 * and the Welch statistic and degrees of freedom by their textbook formulas
 * (Welch 1947, Satterthwaite 1946), t quantiles and p-values by integrating
 * the t density numerically (Simpson's rule, 2e6 steps), which agrees with
 * printed tables (t(0.975; 1) = 12.7062, t(0.975; 7) = 2.3646).
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "tests/check.h"
#include "tests/results_harness.h"

#define T975_DF1 12.70620473617391 /* 0.975 quantile of Student's t, 1 degree of freedom */
#define T975_DF7 2.364624251592929 /* ... 7 degrees of freedom */

/* ===== one metric over replications ===================================== */

START_TEST(test_aggregate_stats_of_a_known_sample)
{
    double x[] = {9, 2, 4, 4, 5, 4, 7, 5}; /* sum 40, squares about the mean 32 */
    struct an_stats s;
    an_stats_compute(x, 8, &s);
    ck_assert_uint_eq(s.n, 8);
    ck_assert_double_eq_tol(s.mean, 5, 1e-12);
    ck_assert_double_eq_tol(s.sd, sqrt(32.0 / 7), 1e-12);
    ck_assert_double_eq_tol(s.median, 4.5, 1e-12);
    double half = T975_DF7 * sqrt(32.0 / 7) / sqrt(8);
    ck_assert_double_eq_tol(s.ci_lo, 5 - half, 1e-9);
    ck_assert_double_eq_tol(s.ci_hi, 5 + half, 1e-9);
    ck_assert(x[0] == 2 && x[7] == 9); /* sorted in place, as documented */
}
END_TEST

START_TEST(test_aggregate_ci_of_two_values_uses_t_with_one_df)
{
    double x[] = {0, 2}; /* mean 1, sd sqrt(2): half width t * sqrt(2) / sqrt(2) */
    struct an_stats s;
    an_stats_compute(x, 2, &s);
    ck_assert_double_eq_tol(s.ci_lo, 1 - T975_DF1, 1e-9);
    ck_assert_double_eq_tol(s.ci_hi, 1 + T975_DF1, 1e-9);
}
END_TEST

START_TEST(test_aggregate_one_value_has_no_spread)
{
    double x[] = {3.5};
    struct an_stats s;
    an_stats_compute(x, 1, &s);
    ck_assert_uint_eq(s.n, 1);
    ck_assert_double_eq(s.mean, 3.5);
    ck_assert_double_eq(s.median, 3.5);
    ck_assert(isnan(s.sd) && isnan(s.ci_lo) && isnan(s.ci_hi));
}
END_TEST

START_TEST(test_aggregate_no_value_is_all_nan)
{
    struct an_stats s;
    an_stats_compute(NULL, 0, &s);
    ck_assert_uint_eq(s.n, 0);
    ck_assert(isnan(s.mean) && isnan(s.median) && isnan(s.sd) && isnan(s.ci_lo));
}
END_TEST

START_TEST(test_aggregate_constant_values_have_a_zero_width_interval)
{
    double x[] = {0.25, 0.25, 0.25};
    struct an_stats s;
    an_stats_compute(x, 3, &s);
    ck_assert_double_eq(s.sd, 0);
    ck_assert_double_eq(s.ci_lo, 0.25);
    ck_assert_double_eq(s.ci_hi, 0.25);
}
END_TEST

/* ===== Welch's t-test =================================================== */

static struct an_stats stats_of(const double *v, size_t n)
{
    double x[32];
    struct an_stats s;
    memcpy(x, v, n * sizeof *v);
    an_stats_compute(x, n, &s);
    return s;
}

START_TEST(test_aggregate_welch_known_small_samples)
{
    /* means 3 and 6, variances 2.5 and 10: t = 3 / sqrt(0.5 + 2) = 1.8974,
     * df = 2.5^2 / (0.5^2 / 4 + 2^2 / 4) = 5.8824, p = 0.10753 */
    const double a[] = {1, 2, 3, 4, 5}, b[] = {2, 4, 6, 8, 10};
    struct an_stats sa = stats_of(a, 5), sb = stats_of(b, 5);
    struct an_welch w;
    ck_assert_int_eq(an_welch_test(&sa, &sb, &w), 0);
    ck_assert_double_eq_tol(w.t, 1.8973665961010275, 1e-12);
    ck_assert_double_eq_tol(w.df, 5.882352941176471, 1e-12);
    ck_assert_double_eq_tol(w.p, 0.10753119493064256, 1e-8);
}
END_TEST

START_TEST(test_aggregate_welch_unequal_sizes_and_spreads)
{
    /* 10 and 20 values of unequal spread: t = 2.2255, df = 24.525, p = 0.035485 */
    const double a[] = {19.8, 20.4, 19.6, 17.8, 18.5, 18.9, 18.3, 18.9, 19.5, 22.0};
    const double b[] = {28.2, 26.6, 20.1, 23.3, 25.2, 22.1, 17.7, 27.6, 20.6, 13.7,
                        23.2, 17.5, 20.6, 18.0, 23.9, 21.6, 24.3, 20.4, 23.9, 13.3};
    struct an_stats sa = stats_of(a, 10), sb = stats_of(b, 20);
    struct an_welch w, back;
    ck_assert_int_eq(an_welch_test(&sa, &sb, &w), 0);
    ck_assert_double_eq_tol(w.t, 2.225512039969852, 1e-9);
    ck_assert_double_eq_tol(w.df, 24.524634944257343, 1e-9);
    ck_assert_double_eq_tol(w.p, 0.03548453082998082, 1e-8);
    ck_assert_int_eq(an_welch_test(&sb, &sa, &back), 0); /* the other way round */
    ck_assert_double_eq_tol(back.t, -w.t, 1e-12);
    ck_assert_double_eq_tol(back.p, w.p, 1e-12);
}
END_TEST

START_TEST(test_aggregate_welch_without_variance)
{
    const double a[] = {1, 1, 1}, b[] = {2, 2, 2};
    struct an_stats sa = stats_of(a, 3), sb = stats_of(b, 3);
    struct an_welch w;
    ck_assert_int_eq(an_welch_test(&sa, &sa, &w), 0);
    ck_assert_double_eq(w.p, 1);
    ck_assert_double_eq(w.t, 0);
    ck_assert_int_eq(an_welch_test(&sa, &sb, &w), 0);
    ck_assert_double_eq(w.p, 0);
    ck_assert(isinf(w.t) && w.t > 0);
}
END_TEST

START_TEST(test_aggregate_welch_needs_two_values_a_side)
{
    const double a[] = {1}, b[] = {2, 3, 4};
    struct an_stats sa = stats_of(a, 1), sb = stats_of(b, 3);
    struct an_welch w;
    ck_assert_int_eq(an_welch_test(&sa, &sb, &w), -1);
    ck_assert(isnan(w.t) && isnan(w.df) && isnan(w.p));
}
END_TEST

/* ===== grouping stored runs ============================================= */

START_TEST(test_aggregate_groups_by_parameters_without_seed)
{
    struct an_store *st = h_store();
    for (int k = 1; k <= 3; k++) {
        char params[64];
        snprintf(params, sizeof params, "{\"seed\":%d,\"machine\":{\"cpus\":2}}", k);
        h_run1(st, "s", params, (uint64_t)k, "latency_p99", k);
        h_run1(st, "s", "{\"machine\":{\"cpus\":4}}", (uint64_t)k, "latency_p99", 10 * k);
    }
    struct an_agg a;
    ck_assert_int_eq(an_agg_list(st, NULL, NULL, &a, stderr), 0);
    ck_assert_uint_eq(a.nruns, 6);
    ck_assert_int_eq(an_agg_compute(st, &a, stderr), 0);
    ck_assert_uint_eq(a.ng, 2);
    const struct an_agg_metric *m2 = an_agg_find(&a.g[0], "run", "", "latency_p99");
    const struct an_agg_metric *m4 = an_agg_find(&a.g[1], "run", "", "latency_p99");
    ck_assert_str_eq(a.g[0].key, "{\"machine\":{\"cpus\":2}}");
    ck_assert(m2 && m4);
    ck_assert_uint_eq(m2->st.n, 3);
    ck_assert_double_eq_tol(m2->st.mean, 2, 1e-12);
    ck_assert_double_eq_tol(m4->st.mean, 20, 1e-12);
    ck_assert_int_eq(a.g[0].first->id, 1);
    an_agg_free(&a);
    an_store_close(st);
}
END_TEST

START_TEST(test_aggregate_excludes_runs_not_done)
{
    struct an_store *st = h_store();
    struct h_metric m = {AN_SCOPE_RUN, "", "utilization", 0.1};
    h_run1(st, "s", "{}", 1, "utilization", 0.5);
    h_run1(st, "s", "{}", 2, "utilization", 0.7);
    h_run(st, "s", "{}", 3, "error", 0, &m, 1);
    h_run(st, "s", "{}", 4, "interrupted", 0, &m, 1);
    struct an_agg a;
    ck_assert_int_eq(an_agg_list(st, NULL, NULL, &a, stderr), 0);
    ck_assert_int_eq(an_agg_compute(st, &a, stderr), 0);
    ck_assert_uint_eq(a.ng, 1);
    ck_assert_uint_eq(a.g[0].nruns, 2);
    ck_assert_uint_eq(a.g[0].nexcluded, 2);
    ck_assert_double_eq_tol(an_agg_find(&a.g[0], "run", "", "utilization")->st.mean, 0.6, 1e-12);
    an_agg_free(&a);
    an_store_close(st);
}
END_TEST

START_TEST(test_aggregate_missing_values_are_not_counted)
{
    struct an_store *st = h_store();
    h_run1(st, "s", "{}", 1, "latency_p99", 0.5);
    h_run1(st, "s", "{}", 2, "latency_p99", NAN); /* stored as NULL */
    struct an_agg a;
    ck_assert_int_eq(an_agg_list(st, NULL, NULL, &a, stderr), 0);
    ck_assert_int_eq(an_agg_compute(st, &a, stderr), 0);
    const struct an_agg_metric *m = an_agg_find(&a.g[0], "run", "", "latency_p99");
    ck_assert_uint_eq(a.g[0].nruns, 2);
    ck_assert_uint_eq(m->st.n, 1);
    ck_assert_double_eq(m->st.mean, 0.5);
    an_agg_free(&a);
    an_store_close(st);
}
END_TEST

START_TEST(test_aggregate_lists_the_latest_experiment_of_a_name)
{
    struct an_store *st = h_store();
    int64_t old = h_experiment(st, "e", NULL), latest = h_experiment(st, "e", "x");
    struct h_metric m = {AN_SCOPE_RUN, "", "events", 1};
    h_run(st, "s", "{}", 1, "done", old, &m, 1);
    h_run(st, "s", "{}", 2, "done", latest, &m, 1);
    h_run(st, "s", "{}", 3, "done", latest, &m, 1);
    h_run(st, "other", "{}", 4, "done", 0, &m, 1);
    struct an_agg a;
    ck_assert_int_eq(an_agg_list(st, "e", NULL, &a, stderr), 0);
    ck_assert_uint_eq(a.nruns, 2);
    ck_assert_str_eq(a.runs[0].experiment, "e");
    an_agg_free(&a);
    ck_assert_int_eq(an_agg_list(st, NULL, "other", &a, stderr), 0);
    ck_assert_uint_eq(a.nruns, 1);
    ck_assert_ptr_null(a.runs[0].experiment);
    an_agg_free(&a);
    ck_assert_int_eq(an_agg_list(st, "nope", NULL, &a, stderr), 1);
    an_store_close(st);
}
END_TEST

START_TEST(test_aggregate_param_lookup_follows_set_keys)
{
    struct an_store *st = h_store();
    const char *params = "{\"machine\":{\"cpus\":4,\"quantum\":{\"units\":36},\"policy\":\"nt\"},"
                         "\"processes\":[{\"name\":\"hog\"},{\"name\":\"bash\","
                         "\"arrivals\":{\"count\":16}}],\"flag\":true}";
    static const char *const cases[][2] = {
        {"machine.cpus", "4"},           {"machine.quantum", "{\"units\":36}"},
        {"machine.policy", "\"nt\""},    {"processes.bash.arrivals.count", "16"},
        {"processes.0.name", "\"hog\""}, {"flag", "true"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *v;
        ck_assert_int_eq(an_agg_param(st, params, cases[i][0], &v), 0);
        ck_assert_str_eq(v, cases[i][1]);
        free(v);
    }
    char *v;
    ck_assert_int_eq(an_agg_param(st, params, "machine.slice", &v), 1);
    ck_assert_int_eq(an_agg_param(st, params, "processes.zsh.count", &v), 1);
    ck_assert_int_eq(an_agg_param(st, params, "machine.cpus.x", &v), 1);
    ck_assert_int_eq(an_agg_param(st, params, "machine..cpus", &v), 1);
    an_store_close(st);
}
END_TEST

START_TEST(test_aggregate_definition_of_an_experiment)
{
    struct an_store *st = h_store();
    char *text;
    h_experiment(st, "e", "experiment: e\n");
    h_experiment(st, "bare", NULL);
    ck_assert_int_eq(an_agg_definition(st, "e", &text, stderr), 0);
    ck_assert_str_eq(text, "experiment: e\n");
    free(text);
    ck_assert_int_eq(an_agg_definition(st, "bare", &text, stderr), 0);
    ck_assert_ptr_null(text);
    ck_assert_int_eq(an_agg_definition(st, "none", &text, stderr), 1);
    an_store_close(st);
}
END_TEST

/* ===== sweep plots ====================================================== */

/* A 2 x 2 sweep (cpus, quantum), 2 replications, latency = cpus * quantum + k. */
static struct an_store *sweep_store(struct an_agg *a)
{
    struct an_store *st = h_store();
    int cpus[] = {2, 4}, quantum[] = {6, 36};
    for (int c = 0; c < 2; c++)
        for (int q = 0; q < 2; q++)
            for (int k = 0; k < 2; k++) {
                char params[96];
                snprintf(params, sizeof params, "{\"machine\":{\"cpus\":%d,\"quantum\":{\"units\":%d}}}",
                         cpus[c], quantum[q]);
                h_run1(st, "s", params, (uint64_t)(8 * c + 4 * q + k), "latency_p99",
                       cpus[c] * quantum[q] + k);
            }
    ck_assert_int_eq(an_agg_list(st, NULL, NULL, a, stderr), 0);
    ck_assert_int_eq(an_agg_compute(st, a, stderr), 0);
    return st;
}

static int sweep(struct an_store *st, const struct an_agg *a, const struct an_sweep_plot *p,
                 const char *dir, char **msg)
{
    size_t len;
    FILE *f = open_memstream(msg, &len);
    struct an_plot_options o = {dir, AN_PLOT_PNG, "/nonexistent/gnuplot", 5, 0};
    int rc = an_plot_sweeps(st, a, p, 1, "exp", &o, NULL, f);
    fclose(f);
    return rc;
}

START_TEST(test_aggregate_sweep_plot_data_has_a_line_per_series)
{
    struct an_agg a;
    struct an_store *st = sweep_store(&a);
    char dir[64], *msg;
    h_tmpdir(dir);
    struct an_sweep_plot p = {"machine.cpus", "latency_p99", "machine.quantum.units", NULL, 0};
    ck_assert_int_eq(sweep(st, &a, &p, dir, &msg), AN_PLOT_NOT_RENDERED);
    char *dat = h_slurp(dir, "latency_p99-vs-machine.cpus.dat");
    ck_assert_ptr_nonnull(dat);
    ck_assert_ptr_nonnull(strstr(dat, "\"machine.quantum.units = 6\"\n2 12.5 "));
    ck_assert_ptr_nonnull(strstr(dat, "\n4 24.5 "));
    ck_assert_ptr_nonnull(strstr(dat, "\n\n\n\"machine.quantum.units = 36\"\n2 72.5 "));
    /* two values 0.5 apart: half width t(0.975; 1) * sd / sqrt(2) = 12.706 / 2 */
    double lo, hi;
    size_t n;
    ck_assert_int_eq(sscanf(strstr(dat, "\n2 12.5 ") + 8, "%lf %lf %zu", &lo, &hi, &n), 3);
    ck_assert_double_eq_tol(lo, 12.5 - T975_DF1 / 2, 1e-9);
    ck_assert_double_eq_tol(hi, 12.5 + T975_DF1 / 2, 1e-9);
    ck_assert_uint_eq(n, 2);
    char *gp = h_slurp(dir, "latency_p99-vs-machine.cpus.gp");
    ck_assert_ptr_nonnull(strstr(gp, "with yerrorlines"));
    ck_assert_ptr_nonnull(strstr(gp, "index 1 using 1:2:3:4"));
    free(gp);
    free(dat);
    free(msg);
    h_rmtree(dir);
    an_agg_free(&a);
    an_store_close(st);
}
END_TEST

START_TEST(test_aggregate_sweep_plot_refuses_mixed_points)
{
    struct an_agg a;
    struct an_store *st = sweep_store(&a);
    char dir[64], *msg;
    h_tmpdir(dir);
    struct an_sweep_plot p = {"machine.cpus", "latency_p99", NULL, NULL, 0};
    ck_assert_int_eq(sweep(st, &a, &p, dir, &msg), AN_PLOT_UNFIT);
    ck_assert_ptr_nonnull(strstr(msg, "differ in parameters other than machine.cpus"));
    free(msg);
    const char *split[] = {"machine.quantum.units"}; /* an experiment's other key */
    p.split = split;
    p.nsplit = 1;
    ck_assert_int_eq(sweep(st, &a, &p, dir, &msg), AN_PLOT_NOT_RENDERED);
    free(msg);
    h_rmtree(dir);
    an_agg_free(&a);
    an_store_close(st);
}
END_TEST

START_TEST(test_aggregate_sweep_plot_names_are_inert)
{
    struct an_agg a;
    struct an_store *st = sweep_store(&a);
    char dir[64], *msg;
    h_tmpdir(dir);
    /* the keys of an experiment file reach the script only single-quoted */
    struct an_sweep_plot p = {"machine.cpus", "latency_p99", "machine.quantum.units", NULL, 0};
    size_t len;
    FILE *f = open_memstream(&msg, &len);
    struct an_plot_options o = {dir, AN_PLOT_SVG, "/nonexistent/gnuplot", 5, 0};
    ck_assert_int_eq(an_plot_sweeps(st, &a, &p, 1, "it's `touch /tmp/pwned`", &o, NULL, f),
                     AN_PLOT_NOT_RENDERED);
    fclose(f);
    char *gp = h_slurp(dir, "latency_p99-vs-machine.cpus.gp");
    ck_assert_ptr_nonnull(strstr(gp, "set title 'it''s `touch /tmp/pwned`: latency_p99"));
    ck_assert_ptr_nonnull(strstr(gp, "set output 'latency_p99-vs-machine.cpus.svg'"));
    free(gp);
    free(msg);
    h_rmtree(dir);
    an_agg_free(&a);
    an_store_close(st);
}
END_TEST

Suite *aggregate_suite(void)
{
    Suite *s = suite_create("aggregate");
    TCase *tc = tcase_create("stats");
    tcase_add_test(tc, test_aggregate_stats_of_a_known_sample);
    tcase_add_test(tc, test_aggregate_ci_of_two_values_uses_t_with_one_df);
    tcase_add_test(tc, test_aggregate_one_value_has_no_spread);
    tcase_add_test(tc, test_aggregate_no_value_is_all_nan);
    tcase_add_test(tc, test_aggregate_constant_values_have_a_zero_width_interval);
    tcase_add_test(tc, test_aggregate_welch_known_small_samples);
    tcase_add_test(tc, test_aggregate_welch_unequal_sizes_and_spreads);
    tcase_add_test(tc, test_aggregate_welch_without_variance);
    tcase_add_test(tc, test_aggregate_welch_needs_two_values_a_side);
    suite_add_tcase(s, tc);
    tc = tcase_create("runs");
    tcase_add_test(tc, test_aggregate_groups_by_parameters_without_seed);
    tcase_add_test(tc, test_aggregate_excludes_runs_not_done);
    tcase_add_test(tc, test_aggregate_missing_values_are_not_counted);
    tcase_add_test(tc, test_aggregate_lists_the_latest_experiment_of_a_name);
    tcase_add_test(tc, test_aggregate_param_lookup_follows_set_keys);
    tcase_add_test(tc, test_aggregate_definition_of_an_experiment);
    tcase_add_test(tc, test_aggregate_sweep_plot_data_has_a_line_per_series);
    tcase_add_test(tc, test_aggregate_sweep_plot_refuses_mixed_points);
    tcase_add_test(tc, test_aggregate_sweep_plot_names_are_inert);
    suite_add_tcase(s, tc);
    return s;
}
