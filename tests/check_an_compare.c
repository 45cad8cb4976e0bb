/* tests/check_an_compare.c - unit tests of the regression comparison (layer: tests).
 * The table of bad directions, the verdict rules (tolerance, significance,
 * direction, too few runs), metric specs, the matching of the runs of two
 * databases by scenario and swept parameters (seeds and a parameter changed
 * on purpose ignored, the latter reported), the bad inputs, the order and
 * content of the report, and the comparison plot's data.
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

static const struct an_compare_options DEFAULTS = {AN_COMPARE_ALPHA, AN_COMPARE_TOLERANCE, NULL, 0};

/* ===== directions ======================================================= */

START_TEST(test_compare_direction_table)
{
    static const struct {
        const char *name;
        enum an_direction dir;
    } cases[] = {
        {"latency_p99", AN_DIR_UP_IS_BAD},      {"creation_latency_mean", AN_DIR_UP_IS_BAD},
        {"wait_time_io", AN_DIR_UP_IS_BAD},     {"wait_p99", AN_DIR_UP_IS_BAD},
        {"response_time", AN_DIR_UP_IS_BAD},    {"starvation_max", AN_DIR_UP_IS_BAD},
        {"ready_time", AN_DIR_UP_IS_BAD},       {"inversion_time", AN_DIR_UP_IS_BAD},
        {"spin_time", AN_DIR_UP_IS_BAD},        {"max_queue", AN_DIR_UP_IS_BAD},
        {"contended", AN_DIR_UP_IS_BAD},        {"callback_time", AN_DIR_UP_IS_BAD},
        {"preemptions", AN_DIR_UP_IS_BAD},      {"context_switches", AN_DIR_UP_IS_BAD},
        {"jain_fairness", AN_DIR_DOWN_IS_BAD},  {"utilization", AN_DIR_DOWN_IS_BAD},
        {"share", AN_DIR_DOWN_IS_BAD},          {"processes_completed", AN_DIR_DOWN_IS_BAD},
        {"acquisitions", AN_DIR_DOWN_IS_BAD},   {"cpu_time", AN_DIR_EITHER},
        {"events", AN_DIR_EITHER},              {"switches", AN_DIR_EITHER},
        {"waiters", AN_DIR_EITHER}, /* a word, not a prefix */
        {"timeshare", AN_DIR_EITHER},           {"hold_mean", AN_DIR_EITHER},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_msg(an_metric_direction(cases[i].name) == cases[i].dir, "%s", cases[i].name);
    ck_assert_str_eq(an_direction_name(AN_DIR_UP_IS_BAD), "up");
    ck_assert_str_eq(an_direction_name(AN_DIR_DOWN_IS_BAD), "down");
    ck_assert_str_eq(an_direction_name(AN_DIR_EITHER), "either");
}
END_TEST

/* ===== verdicts ========================================================= */

/* Summaries of n values spread +-d around m. */
static struct an_stats around(double m, double d, size_t n)
{
    double x[16];
    struct an_stats s;
    for (size_t i = 0; i < n; i++)
        x[i] = m + (i % 2 ? d : -d);
    an_stats_compute(x, n, &s);
    return s;
}

static enum an_verdict verdict(struct an_stats b, struct an_stats c, const char *name,
                               double *change)
{
    struct an_welch w;
    return an_compare_verdict(&b, &c, an_metric_direction(name), &DEFAULTS, change, &w);
}

START_TEST(test_compare_verdict_regressed_and_improved_by_direction)
{
    double change;
    ck_assert_int_eq(verdict(around(1, 0.01, 4), around(1.2, 0.01, 4), "latency_p99", &change),
                     AN_VERDICT_REGRESSED);
    ck_assert_double_eq_tol(change, 0.2, 1e-12);
    ck_assert_int_eq(verdict(around(1.2, 0.01, 4), around(1, 0.01, 4), "latency_p99", &change),
                     AN_VERDICT_IMPROVED);
    ck_assert_int_eq(verdict(around(1, 0.01, 4), around(0.8, 0.01, 4), "jain_fairness", &change),
                     AN_VERDICT_REGRESSED);
    ck_assert_int_eq(verdict(around(0.8, 0.01, 4), around(1, 0.01, 4), "jain_fairness", &change),
                     AN_VERDICT_IMPROVED);
    ck_assert_int_eq(verdict(around(1, 0.01, 4), around(1.2, 0.01, 4), "cpu_time", &change),
                     AN_VERDICT_CHANGED);
}
END_TEST

START_TEST(test_compare_verdict_within_tolerance_is_unchanged)
{
    double change; /* +4%, very significant, but within 5% */
    ck_assert_int_eq(verdict(around(1, 0.001, 4), around(1.04, 0.001, 4), "latency_p99", &change),
                     AN_VERDICT_UNCHANGED);
}
END_TEST

START_TEST(test_compare_verdict_not_significant_is_unchanged)
{
    double change; /* +20%, but the spread is as large */
    ck_assert_int_eq(verdict(around(1, 0.5, 4), around(1.2, 0.5, 4), "latency_p99", &change),
                     AN_VERDICT_UNCHANGED);
    struct an_compare_options loose = {0.7, 0.05, NULL, 0}; /* p is 0.64 */
    struct an_stats b = around(1, 0.5, 4), c = around(1.2, 0.5, 4);
    struct an_welch w;
    ck_assert_int_eq(an_compare_verdict(&b, &c, AN_DIR_UP_IS_BAD, &loose, &change, &w),
                     AN_VERDICT_REGRESSED);
    ck_assert(w.p > 0.6 && w.p < 0.7);
}
END_TEST

START_TEST(test_compare_verdict_needs_two_runs_a_side)
{
    double change;
    ck_assert_int_eq(verdict(around(1, 0, 1), around(5, 0.01, 4), "latency_p99", &change),
                     AN_VERDICT_INSUFFICIENT);
    ck_assert_double_eq_tol(change, 4, 1e-9);
}
END_TEST

START_TEST(test_compare_verdict_change_from_zero)
{
    double change;
    ck_assert_int_eq(verdict(around(0, 0, 3), around(0, 0, 3), "wait_p99", &change),
                     AN_VERDICT_UNCHANGED);
    ck_assert_double_eq(change, 0);
    ck_assert_int_eq(verdict(around(0, 0, 3), around(0.5, 0, 3), "wait_p99", &change),
                     AN_VERDICT_REGRESSED);
    ck_assert(isinf(change) && change > 0);
}
END_TEST

START_TEST(test_compare_metric_specs)
{
    ck_assert(an_metric_spec_match("latency_p99", "thread", "a/b", "latency_p99"));
    ck_assert(!an_metric_spec_match("latency_p9", "run", "", "latency_p99"));
    ck_assert(an_metric_spec_match("run:latency_p99", "run", "", "latency_p99"));
    ck_assert(!an_metric_spec_match("run:latency_p99", "process", "x", "latency_p99"));
    ck_assert(an_metric_spec_match("thread:ui/main#0:latency_p99", "thread", "ui/main#0",
                                   "latency_p99"));
    ck_assert(!an_metric_spec_match("thread:ui/main#1:latency_p99", "thread", "ui/main#0",
                                    "latency_p99"));
    ck_assert(!an_metric_spec_match("thread:ui:latency_p99", "thread", "ui/main#0",
                                    "latency_p99"));
    ck_assert(an_metric_spec_match("lock::wait_max", "lock", "", "wait_max"));
}
END_TEST

/* ===== matching two databases =========================================== */

/* Runs of scenario "s" at cpus 2 and 4, n replications each: latency_p99 =
 * base + cpus / 100 + k / 1000 and share = 0.5; `extra` is appended to the
 * machine's parameters (a parameter changed on purpose). */
static struct an_store *sweep_db(double base, int n, const char *extra)
{
    struct an_store *st = h_store();
    for (int cpus = 2; cpus <= 4; cpus += 2)
        for (int k = 0; k < n; k++) {
            char params[160];
            snprintf(params, sizeof params, "{\"seed\":%d,\"machine\":{\"cpus\":%d%s}}", 100 + k,
                     cpus, extra);
            struct h_metric m[] = {{AN_SCOPE_RUN, "", "latency_p99", base + cpus / 100.0 + k / 1000.0},
                                   {AN_SCOPE_PROCESS, "p", "share", 0.5}};
            h_run(st, "s", params, (uint64_t)(100 * cpus + k), "done", 0, m, 2);
        }
    return st;
}

static int compare(struct an_store *b, struct an_store *c, const struct an_compare_options *o,
                   struct an_comparison *out, char **msg)
{
    size_t len;
    FILE *f = open_memstream(msg, &len);
    int rc = an_compare(b, c, o, out, f);
    fclose(f);
    return rc;
}

START_TEST(test_compare_database_with_itself_is_unchanged)
{
    struct an_store *st = sweep_db(1, 3, "");
    struct an_comparison c;
    char *msg;
    ck_assert_int_eq(compare(st, st, &DEFAULTS, &c, &msg), 0);
    ck_assert_uint_eq(c.points, 2); /* cpus is swept; the seed is not */
    ck_assert_uint_eq(c.nrows, 4);
    ck_assert_uint_eq(c.count[AN_VERDICT_UNCHANGED], 4);
    ck_assert_uint_eq(c.ndiffs, 0);
    ck_assert_str_eq(c.rows[0].point, "machine.cpus=2");
    an_comparison_free(&c);
    free(msg);
    an_store_close(st);
}
END_TEST

START_TEST(test_compare_matches_despite_a_changed_parameter)
{
    struct an_store *b = sweep_db(1, 3, ""), *k = sweep_db(1.5, 3, ",\"quantum\":36");
    struct an_comparison c;
    char *msg;
    ck_assert_int_eq(compare(b, k, &DEFAULTS, &c, &msg), 0);
    ck_assert_uint_eq(c.points, 2);
    ck_assert_uint_eq(c.ndiffs, 1);
    ck_assert_str_eq(c.diffs[0].key, "machine.quantum");
    ck_assert_ptr_null(c.diffs[0].base);
    ck_assert_str_eq(c.diffs[0].cand, "36");
    ck_assert_uint_eq(c.count[AN_VERDICT_REGRESSED], 2); /* latency at both points */
    ck_assert_uint_eq(c.count[AN_VERDICT_UNCHANGED], 2); /* share */
    const struct an_compare_row *r = &c.rows[0];
    ck_assert_int_eq(r->verdict, AN_VERDICT_REGRESSED);
    ck_assert_str_eq(r->name, "latency_p99");
    ck_assert_str_eq(r->point, "machine.cpus=2"); /* the larger change first: 1.021 -> 1.521 */
    ck_assert_double_eq_tol(r->base.mean, 1.021, 1e-12);
    ck_assert_double_eq_tol(r->cand.mean, 1.521, 1e-12);
    ck_assert_uint_eq(c.base_runs, 6);
    an_comparison_free(&c);
    free(msg);
    an_store_close(k);
    an_store_close(b);
}
END_TEST

START_TEST(test_compare_swept_values_present_on_one_side_do_not_match)
{
    struct an_store *b = h_store(), *k = h_store();
    for (int i = 0; i < 2; i++) {
        h_run1(b, "s", "{\"machine\":{\"cpus\":2}}", (uint64_t)i, "events", 1);
        h_run1(b, "s", "{\"machine\":{\"cpus\":4}}", (uint64_t)i, "events", 1);
        h_run1(k, "s", "{\"machine\":{\"cpus\":4}}", (uint64_t)i, "events", 1);
        h_run1(k, "s", "{\"machine\":{\"cpus\":8}}", (uint64_t)i, "events", 1);
    }
    struct an_comparison c;
    char *msg;
    ck_assert_int_eq(compare(b, k, &DEFAULTS, &c, &msg), 0);
    ck_assert_uint_eq(c.points, 1);
    ck_assert_uint_eq(c.base_unmatched, 1);
    ck_assert_uint_eq(c.cand_unmatched, 1);
    ck_assert_str_eq(c.rows[0].point, "machine.cpus=4");
    an_comparison_free(&c);
    free(msg);
    an_store_close(k);
    an_store_close(b);
}
END_TEST

START_TEST(test_compare_leaves_out_runs_not_done)
{
    struct an_store *b = sweep_db(1, 3, ""), *k = sweep_db(1, 3, "");
    struct h_metric m = {AN_SCOPE_RUN, "", "latency_p99", 100};
    h_run(k, "s", "{\"machine\":{\"cpus\":2}}", 999, "error", 0, &m, 1);
    struct an_comparison c;
    char *msg;
    ck_assert_int_eq(compare(b, k, &DEFAULTS, &c, &msg), 0);
    ck_assert_uint_eq(c.cand_excluded, 1);
    ck_assert_uint_eq(c.cand_runs, 7);
    ck_assert_uint_eq(c.count[AN_VERDICT_UNCHANGED], 4);
    an_comparison_free(&c);
    free(msg);
    an_store_close(k);
    an_store_close(b);
}
END_TEST

START_TEST(test_compare_metric_option_limits_the_rows)
{
    struct an_store *b = sweep_db(1, 3, ""), *k = sweep_db(2, 3, "");
    const char *specs[] = {"process:share"};
    struct an_compare_options o = DEFAULTS;
    o.metrics = specs;
    o.nmetrics = 1;
    struct an_comparison c;
    char *msg;
    ck_assert_int_eq(compare(b, k, &o, &c, &msg), 0);
    ck_assert_uint_eq(c.nrows, 2);
    ck_assert_str_eq(c.rows[0].name, "share");
    ck_assert_uint_eq(c.count[AN_VERDICT_REGRESSED], 0);
    an_comparison_free(&c);
    free(msg);
    an_store_close(k);
    an_store_close(b);
}
END_TEST

START_TEST(test_compare_unknown_metric_is_bad_input)
{
    struct an_store *st = sweep_db(1, 2, "");
    const char *specs[] = {"latency_p99", "latency_p42"};
    struct an_compare_options o = DEFAULTS;
    o.metrics = specs;
    o.nmetrics = 2;
    struct an_comparison c;
    char *msg;
    ck_assert_int_eq(compare(st, st, &o, &c, &msg), AN_COMPARE_BAD_INPUT);
    ck_assert_ptr_nonnull(strstr(msg, "--metric latency_p42: no such metric"));
    an_comparison_free(&c);
    free(msg);
    an_store_close(st);
}
END_TEST

START_TEST(test_compare_nothing_to_match_is_bad_input)
{
    struct an_store *b = h_store(), *k = h_store();
    h_run1(b, "one", "{}", 1, "events", 1);
    h_run1(k, "two", "{}", 1, "events", 1);
    struct an_comparison c;
    char *msg;
    ck_assert_int_eq(compare(b, k, &DEFAULTS, &c, &msg), AN_COMPARE_BAD_INPUT);
    ck_assert_ptr_nonnull(strstr(msg, "nothing to compare"));
    ck_assert_ptr_nonnull(strstr(msg, "baseline: 1 point: one"));
    an_comparison_free(&c);
    free(msg);
    an_store_close(k);
    an_store_close(b);
}
END_TEST

START_TEST(test_compare_different_experiments_is_bad_input)
{
    struct an_store *b = h_store(), *k = h_store();
    struct h_metric m = {AN_SCOPE_RUN, "", "events", 1};
    h_run(b, "s", "{}", 1, "done", h_experiment(b, "quanta", NULL), &m, 1);
    h_run(k, "s", "{}", 1, "done", h_experiment(k, "cpus", NULL), &m, 1);
    struct an_comparison c;
    char *msg;
    ck_assert_int_eq(compare(b, k, &DEFAULTS, &c, &msg), AN_COMPARE_BAD_INPUT);
    ck_assert_ptr_nonnull(strstr(msg, "different experiments"));
    an_comparison_free(&c);
    free(msg);
    an_store_close(k);
    an_store_close(b);
}
END_TEST

/* ===== the report ======================================================= */

START_TEST(test_compare_report_lists_changed_metrics_first)
{
    struct an_store *b = sweep_db(1, 3, ""), *k = sweep_db(1.5, 3, ",\"quantum\":36");
    struct an_comparison c;
    char *msg, *out;
    size_t len;
    ck_assert_int_eq(compare(b, k, &DEFAULTS, &c, &msg), 0);
    FILE *f = open_memstream(&out, &len);
    an_compare_print(f, &c, "a.db", "b.db", &DEFAULTS, false);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(out, "changed:   s: machine.quantum: (absent) -> 36\n"));
    char *first = strstr(out, "\nregressed "), *second = first ? strstr(first + 1, "\nregressed ") : NULL;
    ck_assert_ptr_nonnull(second);
    ck_assert_ptr_nonnull(strstr(first, "run:latency_p99"));
    ck_assert_ptr_null(strstr(out, "process:p:share")); /* unchanged: only with --all */
    ck_assert_ptr_nonnull(strstr(out, "2 regressed, 0 improved, 0 changed, 2 unchanged"));
    free(out);
    f = open_memstream(&out, &len);
    an_compare_print(f, &c, "a.db", "b.db", &DEFAULTS, true);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(out, "process:p:share"));
    free(out);
    an_comparison_free(&c);
    free(msg);
    an_store_close(k);
    an_store_close(b);
}
END_TEST

START_TEST(test_compare_json_report)
{
    struct an_store *b = sweep_db(1, 3, ""), *k = sweep_db(1.5, 3, ",\"quantum\":36");
    struct an_comparison c;
    char *msg, *out;
    size_t len;
    ck_assert_int_eq(compare(b, k, &DEFAULTS, &c, &msg), 0);
    FILE *f = open_memstream(&out, &len);
    an_compare_json(f, &c, "a.db", "b\"db", &DEFAULTS, false);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(out, "\"candidate\":{\"database\":\"b\\\"db\",\"runs\":6,"));
    ck_assert_ptr_nonnull(strstr(out, "\"changed_parameters\":[{\"scenario\":\"s\",\"key\":"
                                      "\"machine.quantum\",\"baseline\":null,\"candidate\":36}]"));
    ck_assert_ptr_nonnull(strstr(out, "\"point\":{\"machine.cpus\":2},\"scope\":\"run\","
                                      "\"entity\":\"\",\"name\":\"latency_p99\","
                                      "\"direction\":\"up\",\"verdict\":\"regressed\""));
    ck_assert_ptr_nonnull(strstr(out, "\"counts\":{\"regressed\":2,\"improved\":0,"));
    ck_assert_ptr_null(strstr(out, "\"name\":\"share\""));
    ck_assert_int_eq(out[len - 1], '\n');
    free(out);
    an_comparison_free(&c);
    free(msg);
    an_store_close(k);
    an_store_close(b);
}
END_TEST

START_TEST(test_compare_plot_data)
{
    struct an_store *b = sweep_db(1, 3, ""), *k = sweep_db(1.5, 3, "");
    struct an_comparison c;
    char *msg, dir[64];
    ck_assert_int_eq(compare(b, k, &DEFAULTS, &c, &msg), 0);
    free(msg);
    h_tmpdir(dir);
    size_t len;
    FILE *f = open_memstream(&msg, &len);
    struct an_plot_options o = {dir, AN_PLOT_PNG, "/nonexistent/gnuplot", 5, 0};
    ck_assert_int_eq(an_plot_compare(&c, false, "a against b", &o, f), AN_PLOT_NOT_RENDERED);
    fclose(f);
    char *dat = h_slurp(dir, "comparison.dat"), *gp = h_slurp(dir, "comparison.gp");
    /* 1.021 -> 1.521: +48.97%; the baseline at 0 with its interval */
    ck_assert_ptr_nonnull(strstr(dat, "\n0 \"run:latency_p99\" 0 "));
    ck_assert_ptr_nonnull(strstr(dat, " 48.97159"));
    ck_assert_ptr_nonnull(strstr(dat, "\"regressed\"\n1 \"run:latency_p99\""));
    ck_assert_ptr_nonnull(strstr(gp, "set title 'a against b: change of the mean"));
    ck_assert_ptr_nonnull(strstr(gp, "xticlabels(2)"));
    free(gp);
    free(dat);
    free(msg);
    h_rmtree(dir);
    an_comparison_free(&c);
    an_store_close(k);
    an_store_close(b);
}
END_TEST

Suite *compare_suite(void)
{
    Suite *s = suite_create("compare");
    TCase *tc = tcase_create("verdicts");
    tcase_add_test(tc, test_compare_direction_table);
    tcase_add_test(tc, test_compare_verdict_regressed_and_improved_by_direction);
    tcase_add_test(tc, test_compare_verdict_within_tolerance_is_unchanged);
    tcase_add_test(tc, test_compare_verdict_not_significant_is_unchanged);
    tcase_add_test(tc, test_compare_verdict_needs_two_runs_a_side);
    tcase_add_test(tc, test_compare_verdict_change_from_zero);
    tcase_add_test(tc, test_compare_metric_specs);
    suite_add_tcase(s, tc);
    tc = tcase_create("matching");
    tcase_add_test(tc, test_compare_database_with_itself_is_unchanged);
    tcase_add_test(tc, test_compare_matches_despite_a_changed_parameter);
    tcase_add_test(tc, test_compare_swept_values_present_on_one_side_do_not_match);
    tcase_add_test(tc, test_compare_leaves_out_runs_not_done);
    tcase_add_test(tc, test_compare_metric_option_limits_the_rows);
    tcase_add_test(tc, test_compare_unknown_metric_is_bad_input);
    tcase_add_test(tc, test_compare_nothing_to_match_is_bad_input);
    tcase_add_test(tc, test_compare_different_experiments_is_bad_input);
    tcase_add_test(tc, test_compare_report_lists_changed_metrics_first);
    tcase_add_test(tc, test_compare_json_report);
    tcase_add_test(tc, test_compare_plot_data);
    suite_add_tcase(s, tc);
    return s;
}
