/* tests/check_scn_limits.c - the loader's defences against hostile input (layer: tests).
 *
 * Pins `machine.limits` (defaults, every key, bad values, the process
 * counts `pssim check` refuses), scn_load_buffer() agreeing with scn_load(),
 * and the input bounds: files over SCN__MAX_FILE_BYTES (even endless ones
 * such as /dev/zero) and YAML nested deeper than SCN__MAX_YAML_DEPTH are
 * refused quickly with a message.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scenarios/scenarios.h"
#include "tests/check.h"

static const char minimal[] = "processes:\n"
                              "  - name: p\n"
                              "    threads: [{program: [{run: 1ms}]}]\n";

/* scn_load_buffer on `text` named "t.yaml"; the errors (malloc'd, never
 * NULL) in *err; returns scn_load_buffer's result. */
static int load_text(const char *text, size_t len, struct scn_scenario *s, char **err)
{
    size_t n;
    FILE *fp = open_memstream(err, &n);
    ck_assert_ptr_nonnull(fp);
    int rc = scn_load_buffer("t.yaml", text, len, NULL, 0, s, fp);
    fclose(fp);
    return rc;
}

/* `text` must load. */
static void load_ok(const char *text, struct scn_scenario *s)
{
    char *err;
    int rc = load_text(text, strlen(text), s, &err);
    ck_assert_msg(rc == 0, "%s", err);
    free(err);
}

/* Must fail; returns the first error line (free it). */
static char *first_error(const char *text, size_t len)
{
    struct scn_scenario s;
    char *err;
    ck_assert_int_eq(load_text(text, len, &s, &err), -1);
    err[strcspn(err, "\n")] = '\0';
    return err;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* ===== machine.limits =================================================== */

START_TEST(test_limits_defaults)
{
    struct scn_scenario s;
    load_ok(minimal, &s);
    const struct ke_limits *l = &s.wl.machine.limits;
    ck_assert_int_eq(l->processes, 100000);
    ck_assert_int_eq(l->threads, 1000000);
    ck_assert_int_eq(l->pending_events, 10000000);
    ck_assert_int_eq(l->sim_time, 86400 * SIM_S);
    ck_assert_ptr_null(l->src.file);
    scn_free(&s);
}
END_TEST

START_TEST(test_limits_every_key)
{
    struct scn_scenario s;
    load_ok("machine:\n"
            "  limits: {processes: 10, threads: 20, pending_events: 30, sim_time: 5s}\n"
            "processes: [{name: p, threads: [{program: [{run: 1ms}]}]}]\n",
            &s);
    const struct ke_limits *l = &s.wl.machine.limits;
    ck_assert_int_eq(l->processes, 10);
    ck_assert_int_eq(l->threads, 20);
    ck_assert_int_eq(l->pending_events, 30);
    ck_assert_int_eq(l->sim_time, 5 * SIM_S);
    ck_assert_str_eq(l->src.file, "t.yaml");
    ck_assert_int_eq(l->src.line, 2);
    ck_assert_int_eq(l->src.col, 11);
    scn_free(&s);
}
END_TEST

START_TEST(test_limits_zero_refused)
{
    static const char t[] = "machine: {limits: {threads: 0}}\n"
                            "processes: [{name: p, threads: [{program: [exit]}]}]\n";
    char *e = first_error(t, sizeof t - 1);
    ck_assert_str_eq(e, "t.yaml:1:29: error: 'threads' must be between 1 and 100000000, got 0");
    free(e);
}
END_TEST

START_TEST(test_limits_sim_time_needs_unit)
{
    static const char t[] = "machine: {limits: {sim_time: 100}}\n"
                            "processes: [{name: p, threads: [{program: [exit]}]}]\n";
    char *e = first_error(t, sizeof t - 1);
    ck_assert_str_eq(e, "t.yaml:1:30: error: missing unit in '100' (expected ns, us, ms or s)");
    free(e);
}
END_TEST

START_TEST(test_limits_unknown_key)
{
    static const char t[] = "machine: {limits: {memory: 1}}\n"
                            "processes: [{name: p, threads: [{program: [exit]}]}]\n";
    char *e = first_error(t, sizeof t - 1);
    ck_assert_str_eq(e, "t.yaml:1:20: error: unknown key 'memory' in machine.limits (expected "
                        "processes, threads, pending_events, sim_time)");
    free(e);
}
END_TEST

START_TEST(test_limits_process_count_over_cap)
{
    static const char t[] = "machine: {limits: {processes: 10}}\n"
                            "processes:\n"
                            "  - {name: p, count: 11, threads: [{program: [exit]}]}\n";
    char *e = first_error(t, sizeof t - 1);
    ck_assert_str_eq(e, "t.yaml:3:5: error: process 'p' starts 11 processes at once, more than "
                        "machine.limits.processes (10)");
    free(e);
}
END_TEST

START_TEST(test_limits_thread_count_product_over_cap)
{
    static const char t[] = "machine: {limits: {threads: 10}}\n"
                            "processes:\n"
                            "  - name: p\n"
                            "    count: 3\n"
                            "    threads: [{count: 2, program: [exit]}, {count: 2, program: [exit]}]\n";
    char *e = first_error(t, sizeof t - 1);
    ck_assert_str_eq(e, "t.yaml:3:5: error: process 'p' starts 12 threads at once, more than "
                        "machine.limits.threads (10)");
    free(e);
}
END_TEST

START_TEST(test_limits_huge_count_refused_by_default)
{
    static const char t[] = "processes:\n"
                            "  - {name: p, count: 2147483647, threads: [{count: 2147483647, "
                            "program: [exit]}]}\n";
    char *e = first_error(t, sizeof t - 1);
    ck_assert_str_eq(e, "t.yaml:2:5: error: process 'p' starts 2147483647 processes at once, "
                        "more than machine.limits.processes (100000)");
    free(e);
}
END_TEST

START_TEST(test_limits_count_at_cap_loads)
{
    struct scn_scenario s;
    load_ok("machine: {limits: {threads: 12}}\n"
            "processes: [{name: p, count: 3, threads: [{count: 4, program: [exit]}]}]\n",
            &s);
    scn_free(&s);
}
END_TEST

START_TEST(test_limits_arrivals_left_to_the_run)
{
    struct scn_scenario s; /* when they arrive depends on time: models/process.c checks */
    load_ok("machine: {limits: {processes: 2}}\n"
            "processes: [{name: p, arrivals: {every: 1ns, count: forever}, "
            "threads: [{program: [exit]}]}]\n",
            &s);
    scn_free(&s);
}
END_TEST

/* ===== input bounds ===================================================== */

START_TEST(test_load_buffer_matches_file)
{
    char dir[] = "/tmp/pssim-limits-XXXXXX", path[64];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/t.yaml", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(minimal, f);
    fclose(f);
    struct scn_scenario a, b;
    ck_assert_int_eq(scn_load(path, NULL, 0, &a, stderr), 0);
    ck_assert_int_eq(scn_load_buffer(path, minimal, strlen(minimal), NULL, 0, &b, stderr), 0);
    unlink(path);
    rmdir(dir);
    ck_assert_str_eq(a.hash, b.hash);
    ck_assert_str_eq(a.name, b.name);
    ck_assert_int_eq(a.wl.nprocesses, b.wl.nprocesses);
    scn_free(&a);
    scn_free(&b);
}
END_TEST

START_TEST(test_load_buffer_too_big)
{
    size_t len = ((size_t)16 << 20) + 1;
    char *text = malloc(len);
    ck_assert_ptr_nonnull(text);
    memset(text, '#', len);
    char *e = first_error(text, len);
    free(text);
    ck_assert_str_eq(e, "t.yaml: error: larger than 16 MiB: not a scenario file");
    free(e);
}
END_TEST

START_TEST(test_load_endless_file_refused_quickly)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct scn_scenario s;
    char *err;
    size_t n;
    FILE *fp = open_memstream(&err, &n);
    ck_assert_int_eq(scn_load("/dev/zero", NULL, 0, &s, fp), -1);
    fclose(fp);
    ck_assert_str_eq(err, "/dev/zero: error: larger than 16 MiB: not a scenario file\n");
    ck_assert_double_lt(seconds_since(&t0), 1.0);
    free(err);
}
END_TEST

/* "a: [[[...]]]" nested `depth` deep. */
static char *nested(int depth, size_t *len)
{
    char *t = malloc((size_t)depth * 2 + 8);
    ck_assert_ptr_nonnull(t);
    size_t o = (size_t)sprintf(t, "a: ");
    memset(t + o, '[', (size_t)depth);
    memset(t + o + depth, ']', (size_t)depth);
    *len = o + 2 * (size_t)depth;
    t[*len] = '\0';
    return t;
}

START_TEST(test_load_deep_yaml_refused_quickly)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t len;
    char *t = nested(200000, &len); /* libyaml alone would take minutes */
    char *e = first_error(t, len);
    free(t);
    /* the root mapping is level 1, so the 100th '[' (column 103) is level 101 */
    ck_assert_str_eq(e, "t.yaml:1:103: error: nested more than 100 levels deep");
    ck_assert_double_lt(seconds_since(&t0), 1.0);
    free(e);
}
END_TEST

START_TEST(test_load_yaml_at_depth_limit_parses)
{
    size_t len;
    char *t = nested(99, &len); /* 100 levels with the root: not refused for depth */
    char *e = first_error(t, len);
    free(t);
    static const char want[] = "t.yaml:1:1: error: unknown key 'a' in scenario (expected ";
    ck_assert_msg(!strncmp(e, want, sizeof want - 1), "%s", e);
    free(e);
}
END_TEST

Suite *limits_suite(void)
{
    Suite *s = suite_create("limits");
    TCase *tc = tcase_create("limits");
    tcase_add_test(tc, test_limits_defaults);
    tcase_add_test(tc, test_limits_every_key);
    tcase_add_test(tc, test_limits_zero_refused);
    tcase_add_test(tc, test_limits_sim_time_needs_unit);
    tcase_add_test(tc, test_limits_unknown_key);
    tcase_add_test(tc, test_limits_process_count_over_cap);
    tcase_add_test(tc, test_limits_thread_count_product_over_cap);
    tcase_add_test(tc, test_limits_huge_count_refused_by_default);
    tcase_add_test(tc, test_limits_count_at_cap_loads);
    tcase_add_test(tc, test_limits_arrivals_left_to_the_run);
    suite_add_tcase(s, tc);
    tc = tcase_create("bounds");
    tcase_add_test(tc, test_load_buffer_matches_file);
    tcase_add_test(tc, test_load_buffer_too_big);
    tcase_add_test(tc, test_load_endless_file_refused_quickly);
    tcase_add_test(tc, test_load_deep_yaml_refused_quickly);
    tcase_add_test(tc, test_load_yaml_at_depth_limit_parses);
    suite_add_tcase(s, tc);
    return s;
}
