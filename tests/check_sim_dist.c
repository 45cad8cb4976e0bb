/* tests/check_sim_dist.c - tests of durations and distributions (layer: tests).
 *
 * Pins the scenario syntax (each form and its parameters), every parse error
 * with its exact message and column (the loader shows both to users), the
 * sampled means over 200k draws with fixed seeds, and empirical CSV files
 * from tests/data/empirical_*.csv.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/sim.h"
#include "tests/check.h"

#define DRAWS 200000
#define PI 3.14159265358979323846

/* ===== parsing ========================================================== */

static const struct {
    const char *text;
    sim_time_t ns;
} durations[] = {
    {"250ns", 250},          {"1.5us", 1500},        {"2ms", 2000000},
    {"10s", 10000000000},    {"0.5ms", 500000},      {"2e3us", 2000000},
    {".5ms", 500000},        {"0ms", 0},             {" 3ms ", 3000000},
    {"1.4ns", 1},            {"1.5ns", 2},           {"1E-3s", 1000000},
};

START_TEST(test_dist_duration_units)
{
    sim_time_t v = -1;
    struct sim_parse_error e;
    ck_assert_msg(sim_duration_parse(durations[_i].text, &v, &e) == 0, "%s: %s",
                  durations[_i].text, e.msg);
    ck_assert_int_eq(v, durations[_i].ns);
}
END_TEST

static const struct {
    const char *text;
    enum sim_dist_kind kind;
    double a, b;
} forms[] = {
    {"2ms", SIM_DIST_CONST, 2e6, 0},
    {"exp(2ms)", SIM_DIST_EXP, 2e6, 0},
    {"uniform(1ms,3ms)", SIM_DIST_UNIFORM, 1e6, 3e6},
    {"uniform(1ms, 3ms)", SIM_DIST_UNIFORM, 1e6, 3e6},
    {" uniform ( 1ms ,3ms ) ", SIM_DIST_UNIFORM, 1e6, 3e6},
    {"uniform(2ms,2ms)", SIM_DIST_UNIFORM, 2e6, 2e6},
    {"normal(2ms,0.5ms)", SIM_DIST_NORMAL, 2e6, 5e5},
    {"lognormal(2ms,1ms)", SIM_DIST_LOGNORMAL, 2e6, 1e6},
    {"pareto(1ms,2.5)", SIM_DIST_PARETO, 1e6, 2.5},
    {"pareto(1ms, 3)", SIM_DIST_PARETO, 1e6, 3},
};

START_TEST(test_dist_parse_forms)
{
    struct sim_dist d;
    struct sim_parse_error e;
    ck_assert_msg(sim_dist_parse(forms[_i].text, NULL, &d, &e) == 0, "%s: %s", forms[_i].text,
                  e.msg);
    ck_assert_int_eq(d.kind, forms[_i].kind);
    ck_assert_double_eq(d.a, forms[_i].a);
    ck_assert_double_eq(d.b, forms[_i].b);
    ck_assert_ptr_null(d.samples);
    sim_dist_free(&d);
}
END_TEST

static const struct {
    const char *text;
    int column;
    const char *msg;
} errors[] = {
    {"20", 0, "missing unit in '20' (expected ns, us, ms or s)"},
    {"  20", 2, "missing unit in '20' (expected ns, us, ms or s)"},
    {"2sec", 1, "unknown unit 'sec' in '2sec' (expected ns, us, ms or s)"},
    {"0x10ms", 1, "unknown unit 'x10ms' in '0x10ms' (expected ns, us, ms or s)"},
    {"2 ms", 1, "space between number and unit in '2 ms' (write e.g. 2ms)"},
    {"-1ms", 0, "negative duration '-1ms' (durations must be >= 0)"},
    {"", 0, "missing duration (expected a number followed by ns, us, ms or s)"},
    {".ms", 0, "invalid duration '.ms' (expected a number followed by ns, us, ms or s)"},
    {"1e30s", 0, "duration '1e30s' is too large (at most about 36 years)"},
    {"fast", 0, "invalid duration 'fast' (expected a number followed by ns, us, ms or s, "
                "or a distribution such as exp(2ms))"},
    {"exp", 3, "exp needs its arguments in parentheses, e.g. exp(2ms)"},
    {"expo(2ms)", 0, "unknown distribution 'expo' (expected exp, uniform, normal, lognormal, "
                     "pareto or empirical)"},
    {"exp(2ms, 3ms)", 9, "exp takes 1 argument, got 2"},
    {"exp()", 4, "exp takes 1 argument, got 0"},
    {"uniform(1ms)", 11, "uniform takes 2 arguments, got 1"},
    {"exp(2ms", 7, "missing ')' after the arguments of exp"},
    {"exp(2ms) x", 9, "unexpected 'x' after the closing ')' of exp"},
    {"exp(abc)", 4, "invalid duration 'abc' (expected a number followed by ns, us, ms or s)"},
    {"normal(2ms, 20)", 12, "missing unit in '20' (expected ns, us, ms or s)"},
    {"uniform(1ms, )", 13, "missing duration (expected a number followed by ns, us, ms or s)"},
    {"exp(0ms)", 4, "exp mean must be > 0"},
    {"uniform(3ms, 1ms)", 8, "uniform needs low <= high"},
    {"lognormal(0ms, 1ms)", 10, "lognormal mean must be > 0"},
    {"pareto(0ms, 2)", 7, "pareto scale must be > 0"},
    {"pareto(1ms, 0)", 12, "pareto shape must be > 0"},
    {"pareto(1ms, -2)", 12, "pareto shape must be > 0"},
    {"pareto(1ms, 2ms)", 12, "pareto shape must be a plain number without unit, got '2ms'"},
    {"pareto(1ms, )", 12, "missing pareto shape (expected a plain number such as 2.5)"},
    {"empirical()", 10, "empirical needs a CSV file name, e.g. empirical(file.csv)"},
};

START_TEST(test_dist_parse_error_message_and_column)
{
    struct sim_dist d;
    struct sim_parse_error e = {-1, ""};
    ck_assert_int_eq(sim_dist_parse(errors[_i].text, NULL, &d, &e), -1);
    ck_assert_str_eq(e.msg, errors[_i].msg);
    ck_assert_int_eq(e.column, errors[_i].column);
}
END_TEST

/* The duration parser shares the dist parser's errors. */
START_TEST(test_dist_duration_parse_errors)
{
    sim_time_t v = 77;
    struct sim_parse_error e;
    ck_assert_int_eq(sim_duration_parse("exp(2ms)", &v, &e), -1);
    ck_assert_str_eq(e.msg, "invalid duration 'exp(2ms)' (expected a number followed by "
                            "ns, us, ms or s)");
    ck_assert_int_eq(e.column, 0);
    ck_assert_int_eq(sim_duration_parse(" 12", &v, &e), -1);
    ck_assert_str_eq(e.msg, "missing unit in '12' (expected ns, us, ms or s)");
    ck_assert_int_eq(e.column, 1);
    ck_assert_int_eq(v, 77);
}
END_TEST

START_TEST(test_dist_parse_failure_leaves_output)
{
    struct sim_dist d = sim_dist_const(5);
    struct sim_parse_error e;
    ck_assert_int_eq(sim_dist_parse("exp(", NULL, &d, &e), -1);
    ck_assert_int_eq(d.kind, SIM_DIST_CONST);
    ck_assert_double_eq(d.a, 5);
    ck_assert_int_eq(sim_dist_parse("exp(", NULL, &d, NULL), -1); /* err is optional */
}
END_TEST

/* ===== sampling ========================================================= */

struct moments {
    double mean, sd;
    sim_time_t min;
};

static struct moments sample(const char *text, uint64_t seed)
{
    struct sim_dist d;
    struct sim_parse_error e;
    ck_assert_msg(sim_dist_parse(text, NULL, &d, &e) == 0, "%s: %s", text, e.msg);
    gsl_rng *r = sim_rng_stream(seed, text);
    double sum = 0, sum2 = 0;
    sim_time_t min = SIM_TIME_MAX;
    for (int i = 0; i < DRAWS; i++) {
        sim_time_t v = sim_dist_sample(&d, r);
        sum += (double)v;
        sum2 += (double)v * (double)v;
        min = v < min ? v : min;
    }
    gsl_rng_free(r);
    sim_dist_free(&d);
    double mean = sum / DRAWS;
    return (struct moments){mean, sqrt(sum2 / DRAWS - mean * mean), min};
}

static void expect_close(double got, double want, double rel_tol, const char *what)
{
    ck_assert_msg(fabs(got - want) <= rel_tol * want, "%s: %g, expected %g +- %g%%", what, got,
                  want, rel_tol * 100);
}

START_TEST(test_dist_exp_sample_mean)
{
    struct moments m = sample("exp(2ms)", 1);
    expect_close(m.mean, 2e6, 0.01, "mean");
    expect_close(m.sd, 2e6, 0.02, "sd");
}
END_TEST

START_TEST(test_dist_uniform_sample_mean)
{
    struct moments m = sample("uniform(1ms,3ms)", 1);
    expect_close(m.mean, 2e6, 0.01, "mean");
    expect_close(m.sd, 2e6 / sqrt(12), 0.02, "sd");
    ck_assert_int_ge(m.min, 1000000);
}
END_TEST

START_TEST(test_dist_normal_sample_mean)
{
    struct moments m = sample("normal(2ms,0.5ms)", 1);
    expect_close(m.mean, 2e6, 0.01, "mean");
    expect_close(m.sd, 5e5, 0.02, "sd");
}
END_TEST

/* Checks the mean/sd to mu/sigma conversion, not just the mean. */
START_TEST(test_dist_lognormal_sample_mean)
{
    struct moments m = sample("lognormal(2ms,1ms)", 1);
    expect_close(m.mean, 2e6, 0.01, "mean");
    expect_close(m.sd, 1e6, 0.05, "sd");
    ck_assert_int_gt(m.min, 0);
}
END_TEST

START_TEST(test_dist_pareto_sample_mean)
{
    struct moments m = sample("pareto(1ms,3)", 1);
    expect_close(m.mean, 1.5e6, 0.01, "mean");
    ck_assert_int_ge(m.min, 1000000);
}
END_TEST

START_TEST(test_dist_normal_zero_mean_never_negative)
{
    struct moments m = sample("normal(0ms,1ms)", 2);
    ck_assert_int_ge(m.min, 0);
    /* Half-normal: mean sd * sqrt(2 / pi), which sim_dist_mean also gives. */
    expect_close(m.mean, 1e6 * sqrt(2 / PI), 0.01, "mean");
    struct sim_dist d;
    ck_assert_int_eq(sim_dist_parse("normal(0ms,1ms)", NULL, &d, NULL), 0);
    ck_assert_double_eq_tol(sim_dist_mean(&d), 1e6 * sqrt(2 / PI), 1);
}
END_TEST

START_TEST(test_dist_const_consumes_no_randomness)
{
    struct sim_dist d = sim_dist_const(3 * SIM_MS);
    gsl_rng *a = sim_rng_stream(9, "x"), *b = sim_rng_stream(9, "x");
    ck_assert_int_eq(sim_dist_sample(&d, a), 3 * SIM_MS);
    ck_assert_int_eq(sim_dist_sample(&d, NULL), 3 * SIM_MS);
    ck_assert_uint_eq(gsl_rng_get(a), gsl_rng_get(b));
    gsl_rng_free(a);
    gsl_rng_free(b);
}
END_TEST

static double mean_of(const char *text)
{
    struct sim_dist d;
    struct sim_parse_error e;
    ck_assert_msg(sim_dist_parse(text, NULL, &d, &e) == 0, "%s: %s", text, e.msg);
    double m = sim_dist_mean(&d);
    sim_dist_free(&d);
    return m;
}

START_TEST(test_dist_mean_analytic)
{
    ck_assert_double_eq(mean_of("2ms"), 2e6);
    ck_assert_double_eq(mean_of("exp(2ms)"), 2e6);
    ck_assert_double_eq(mean_of("uniform(1ms,4ms)"), 2.5e6);
    ck_assert_double_eq(mean_of("lognormal(2ms,1ms)"), 2e6);
    ck_assert_double_eq_tol(mean_of("normal(2ms,0.5ms)"), 2e6, 100); /* truncation: ~67 ns */
    ck_assert_double_eq_tol(mean_of("pareto(1ms,3)"), 1.5e6, 1e-6);
    ck_assert(isinf(mean_of("pareto(1ms,1)")));
    ck_assert(isinf(mean_of("pareto(1ms,0.5)")));
}
END_TEST

/* ===== empirical ======================================================== */

static int parse_in_data_dir(const char *text, struct sim_dist *d, struct sim_parse_error *e)
{
    return sim_dist_parse(text, pssim_test_data_dir(), d, e);
}

START_TEST(test_dist_empirical_reads_csv)
{
    struct sim_dist d;
    struct sim_parse_error e;
    ck_assert_msg(parse_in_data_dir("empirical( empirical_ok.csv )", &d, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(d.kind, SIM_DIST_EMPIRICAL);
    ck_assert_uint_eq(d.n, 4);
    const double want[] = {1e6, 2e6, 3e6, 4.5e6};
    for (size_t i = 0; i < 4; i++)
        ck_assert_double_eq(d.samples[i], want[i]);
    ck_assert_double_eq(sim_dist_mean(&d), 2.625e6);
    sim_dist_free(&d);
    ck_assert_ptr_null(d.samples);
}
END_TEST

START_TEST(test_dist_empirical_samples_from_file_uniformly)
{
    struct sim_dist d;
    ck_assert_int_eq(parse_in_data_dir("empirical(empirical_ok.csv)", &d, NULL), 0);
    gsl_rng *r = sim_rng_stream(3, "empirical");
    int seen[4] = {0};
    for (int i = 0; i < 40000; i++) {
        sim_time_t v = sim_dist_sample(&d, r);
        int k = v == 1000000 ? 0 : v == 2000000 ? 1 : v == 3000000 ? 2 : v == 4500000 ? 3 : -1;
        ck_assert_int_ge(k, 0);
        seen[k]++;
    }
    for (int k = 0; k < 4; k++)
        expect_close(seen[k], 10000, 0.05, "share of one sample");
    gsl_rng_free(r);
    sim_dist_free(&d);
}
END_TEST

START_TEST(test_dist_empirical_absolute_path_ignores_basedir)
{
    const char *dir = pssim_test_data_dir();
    char cwd[PATH_MAX], text[2 * PATH_MAX];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    snprintf(text, sizeof text, "empirical(%s/%s/empirical_ok.csv)", dir[0] == '/' ? "" : cwd,
             dir);
    struct sim_dist d;
    struct sim_parse_error e;
    ck_assert_msg(sim_dist_parse(text, "/nonexistent", &d, &e) == 0, "%s", e.msg);
    ck_assert_uint_eq(d.n, 4);
    sim_dist_free(&d);
}
END_TEST

START_TEST(test_dist_empirical_missing_file)
{
    struct sim_dist d;
    struct sim_parse_error e;
    ck_assert_int_eq(parse_in_data_dir("empirical(empirical_missing.csv)", &d, &e), -1);
    char want[sizeof e.msg + 256];
    snprintf(want, sizeof want, "cannot open empirical file '%s/empirical_missing.csv': %s",
             pssim_test_data_dir(), strerror(ENOENT));
    ck_assert_str_eq(e.msg, want);
    ck_assert_int_eq(e.column, 10);
}
END_TEST

START_TEST(test_dist_empirical_bad_line_reports_line)
{
    struct sim_dist d;
    struct sim_parse_error e;
    ck_assert_int_eq(parse_in_data_dir("empirical(empirical_bad_line.csv)", &d, &e), -1);
    ck_assert_str_eq(e.msg, "empirical_bad_line.csv:4: missing unit in '12' "
                            "(expected ns, us, ms or s)");
    ck_assert_int_eq(e.column, 10);
}
END_TEST

START_TEST(test_dist_empirical_needs_a_sample)
{
    struct sim_dist d;
    struct sim_parse_error e;
    ck_assert_int_eq(parse_in_data_dir("empirical(empirical_empty.csv)", &d, &e), -1);
    ck_assert_str_eq(e.msg, "empirical file 'empirical_empty.csv' has no samples "
                            "(expected one duration with unit per line)");
    ck_assert_int_eq(e.column, 10);
}
END_TEST

START_TEST(test_dist_copy_duplicates_samples)
{
    struct sim_dist d, c;
    ck_assert_int_eq(parse_in_data_dir("empirical(empirical_ok.csv)", &d, NULL), 0);
    ck_assert_int_eq(sim_dist_copy(&c, &d), 0);
    ck_assert_ptr_ne(c.samples, d.samples);
    ck_assert_uint_eq(c.n, d.n);
    ck_assert_int_eq(memcmp(c.samples, d.samples, d.n * sizeof *d.samples), 0);
    sim_dist_free(&d);
    ck_assert_double_eq(sim_dist_mean(&c), 2.625e6);
    sim_dist_free(&c);
    struct sim_dist k = sim_dist_const(7), kc;
    ck_assert_int_eq(sim_dist_copy(&kc, &k), 0);
    ck_assert_int_eq(kc.kind, SIM_DIST_CONST);
    ck_assert_double_eq(kc.a, 7);
}
END_TEST

Suite *dist_suite(void)
{
    Suite *s = suite_create("dist");
    TCase *tc = tcase_create("parse");
    tcase_add_loop_test(tc, test_dist_duration_units, 0, sizeof durations / sizeof durations[0]);
    tcase_add_loop_test(tc, test_dist_parse_forms, 0, sizeof forms / sizeof forms[0]);
    tcase_add_loop_test(tc, test_dist_parse_error_message_and_column, 0,
                        sizeof errors / sizeof errors[0]);
    tcase_add_test(tc, test_dist_duration_parse_errors);
    tcase_add_test(tc, test_dist_parse_failure_leaves_output);
    suite_add_tcase(s, tc);

    tc = tcase_create("sample");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_dist_exp_sample_mean);
    tcase_add_test(tc, test_dist_uniform_sample_mean);
    tcase_add_test(tc, test_dist_normal_sample_mean);
    tcase_add_test(tc, test_dist_lognormal_sample_mean);
    tcase_add_test(tc, test_dist_pareto_sample_mean);
    tcase_add_test(tc, test_dist_normal_zero_mean_never_negative);
    tcase_add_test(tc, test_dist_const_consumes_no_randomness);
    tcase_add_test(tc, test_dist_mean_analytic);
    suite_add_tcase(s, tc);

    tc = tcase_create("empirical");
    tcase_add_test(tc, test_dist_empirical_reads_csv);
    tcase_add_test(tc, test_dist_empirical_samples_from_file_uniformly);
    tcase_add_test(tc, test_dist_empirical_absolute_path_ignores_basedir);
    tcase_add_test(tc, test_dist_empirical_missing_file);
    tcase_add_test(tc, test_dist_empirical_bad_line_reports_line);
    tcase_add_test(tc, test_dist_empirical_needs_a_sample);
    tcase_add_test(tc, test_dist_copy_duplicates_samples);
    suite_add_tcase(s, tc);
    return s;
}
