/* tests/check_an_report.c - unit tests of result rows, JSON and the summary table (layer: tests).
 * Results are built row by row, so each test shows exactly which rows the
 * output is made from; output goes to a memory stream and is compared as
 * text.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "tests/check.h"

/* Output of an_write_json or an_print_summary as a string (free it). */
static char *render(const struct an_result *r, bool json, bool stable)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(f);
    if (json)
        ck_assert_int_eq(an_write_json(f, r, stable), 0);
    else
        an_print_summary(f, r);
    ck_assert_int_eq(fclose(f), 0);
    return text;
}

static void init_result(struct an_result *r, const char *scenario)
{
    memset(r, 0, sizeof *r);
    r->scenario = strdup(scenario);
    r->seed = 42;
    r->sim_time = 2 * SIM_S;
    r->events = 1234;
    r->wall_seconds = 0.25;
    r->ncpus = 2;
    r->status = "done";
}

static void add(struct an_result *r, enum an_scope scope, const char *entity, const char *name,
                double value)
{
    ck_assert_int_eq(an_result_add(r, scope, entity, name, value), 0);
}

START_TEST(test_report_result_find_and_copy)
{
    struct an_result r;
    char entity[] = "p";
    init_result(&r, "s");
    for (int i = 0; i < 100; i++) /* past the first growth */
        add(&r, AN_SCOPE_CPU, "x", "busy_time", i);
    add(&r, AN_SCOPE_PROCESS, entity, "cpu_time", 1.5);
    add(&r, AN_SCOPE_PROCESS, entity, "cpu_time", 2.5);
    entity[0] = 'q'; /* the row owns a copy */
    const struct an_row *row = an_result_find(&r, AN_SCOPE_PROCESS, "p", "cpu_time");
    ck_assert_ptr_nonnull(row);
    ck_assert_double_eq(row->value, 1.5);
    ck_assert_ptr_null(an_result_find(&r, AN_SCOPE_THREAD, "p", "cpu_time"));
    ck_assert_str_eq(an_scope_name(AN_SCOPE_SUBSYSTEM), "subsystem");
    an_result_free(&r);
    ck_assert_uint_eq(r.n, 0);
}
END_TEST

START_TEST(test_report_json_escapes_hostile_name)
{
    struct an_result r;
    init_result(&r, "a\"b\\c\n");
    add(&r, AN_SCOPE_PROCESS, "a\"b\\c\n", "cpu_time", 0.5);
    char *text = render(&r, true, true);
    ck_assert_str_eq(text, "{\"scenario\":\"a\\\"b\\\\c\\u000a\",\"seed\":42,\"sim_time_ns\":2000000000,"
                           "\"events\":1234,\"wall_seconds\":0,\"status\":\"done\",\"metrics\":["
                           "{\"scope\":\"process\",\"entity\":\"a\\\"b\\\\c\\u000a\","
                           "\"name\":\"cpu_time\",\"value\":0.5}]}\n");
    free(text);
    an_result_free(&r);
}
END_TEST

START_TEST(test_report_json_stable_wall_seconds_zero)
{
    struct an_result r;
    init_result(&r, "s");
    char *stable = render(&r, true, true), *live = render(&r, true, false);
    ck_assert_ptr_nonnull(strstr(stable, "\"wall_seconds\":0,"));
    ck_assert_ptr_nonnull(strstr(live, "\"wall_seconds\":0.25,"));
    free(stable);
    free(live);
    an_result_free(&r);
}
END_TEST

START_TEST(test_report_json_numbers_round_trip)
{
    struct an_result r;
    init_result(&r, "s");
    add(&r, AN_SCOPE_RUN, "", "utilization", 0.1);
    add(&r, AN_SCOPE_RUN, "", "latency_p50", NAN);
    add(&r, AN_SCOPE_RUN, "", "latency_p99", INFINITY);
    char *text = render(&r, true, true);
    const char *v = strstr(text, "\"value\":");
    ck_assert_ptr_nonnull(v);
    ck_assert_double_eq(strtod(v + 8, NULL), 0.1);
    ck_assert_ptr_nonnull(strstr(text, "\"name\":\"latency_p50\",\"value\":null}"));
    ck_assert_ptr_nonnull(strstr(text, "\"name\":\"latency_p99\",\"value\":null}]}\n"));
    ck_assert_ptr_eq(strchr(text, '\n'), text + strlen(text) - 1); /* one line */
    free(text);
    an_result_free(&r);
}
END_TEST

/* Rows of one process and its threads, as metrics would emit them. */
static void add_process(struct an_result *r, const char *name, double pid, double cpu)
{
    add(r, AN_SCOPE_PROCESS, name, "pid", pid);
    add(r, AN_SCOPE_PROCESS, name, "cpu_time", cpu);
    add(r, AN_SCOPE_PROCESS, name, "share", cpu / 4);
    add(r, AN_SCOPE_PROCESS, name, "latency_p50", 0.0005);
    add(r, AN_SCOPE_PROCESS, name, "latency_p99", 0.002);
}

static void summary_result(struct an_result *r)
{
    init_result(r, "demo");
    add(r, AN_SCOPE_RUN, "", "utilization", 0.5);
    add(r, AN_SCOPE_RUN, "", "context_switches", 17);
    add(r, AN_SCOPE_RUN, "", "latency_p99", 0.002);
    add(r, AN_SCOPE_SUBSYSTEM, "win32", "cpu_time", 2);
    add(r, AN_SCOPE_SUBSYSTEM, "win32", "share", 0.5);
    add_process(r, "a", 4, 0.5);
    add_process(r, "a/b", 8, 1);
    add_process(r, "a-process-name-far-too-long-for-its-column", 12, 0.5);
    add(r, AN_SCOPE_PROCESS, "a", "switches", 3);
    add(r, AN_SCOPE_PROCESS, "a/b", "switches", 7);
}

START_TEST(test_report_summary_lists_processes)
{
    struct an_result r;
    summary_result(&r);
    char *text = render(&r, false, false);
    ck_assert_ptr_nonnull(strstr(text, "scenario demo  seed 42  simulated 2.000 s  events 1234"));
    ck_assert_ptr_nonnull(strstr(text, "status done"));
    ck_assert_ptr_nonnull(strstr(text, "50.00 %"));
    ck_assert_ptr_nonnull(strstr(text, "\nwin32 "));
    ck_assert_ptr_nonnull(strstr(text, "\na                  "));
    ck_assert_ptr_nonnull(strstr(text, "\na-process-name-far-to...       12"));
    free(text);
    an_result_free(&r);
}
END_TEST

START_TEST(test_report_summary_columns_aligned)
{
    struct an_result r;
    summary_result(&r);
    char *text = render(&r, false, false);
    const char *table = strstr(text, "\nprocess ");
    ck_assert_ptr_nonnull(table);
    size_t width = strcspn(table + 1, "\n");
    int lines = 0;
    for (const char *l = table + 1; *l; l += strcspn(l, "\n") + 1, lines++)
        ck_assert_uint_eq(strcspn(l, "\n"), width);
    ck_assert_int_eq(lines, 4); /* header + 3 processes */
    free(text);
    an_result_free(&r);
}
END_TEST

/* The table line starting with `entity` followed by a space, or NULL. */
static const char *line_of(const char *text, const char *entity)
{
    size_t n = strlen(entity);
    for (const char *l = text; *l; l += strcspn(l, "\n") + 1)
        if (strncmp(l, entity, n) == 0 && l[n] == ' ')
            return l;
    return NULL;
}

static bool line_ends_with(const char *line, const char *suffix)
{
    size_t len = strcspn(line, "\n"), n = strlen(suffix);
    return len >= n && strncmp(line + len - n, suffix, n) == 0;
}

START_TEST(test_report_summary_shows_switches_rows)
{
    struct an_result r;
    summary_result(&r);
    char *text = render(&r, false, false);
    const char *a = line_of(text, "a"), *ab = line_of(text, "a/b");
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(ab);
    ck_assert(line_ends_with(a, " 3"));
    ck_assert(line_ends_with(ab, " 7"));
    ck_assert(line_ends_with(line_of(text, "win32"), " -"));
    free(text);
    an_result_free(&r);
}
END_TEST

Suite *report_suite(void)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_report_result_find_and_copy);
    tcase_add_test(tc, test_report_json_escapes_hostile_name);
    tcase_add_test(tc, test_report_json_stable_wall_seconds_zero);
    tcase_add_test(tc, test_report_json_numbers_round_trip);
    tcase_add_test(tc, test_report_summary_lists_processes);
    tcase_add_test(tc, test_report_summary_columns_aligned);
    tcase_add_test(tc, test_report_summary_shows_switches_rows);
    suite_add_tcase(s, tc);
    return s;
}
