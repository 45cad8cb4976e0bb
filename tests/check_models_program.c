/* tests/check_models_program.c - the thread-program interpreter (layer: tests).
 * SPDX-License-Identifier: MIT */
#include <string.h>

#include "tests/check.h"
#include "tests/models_harness.h"

static struct ps_workload wl;
static struct h_run run;

static void teardown(void) { ps_workload_free(&wl); }

static struct ps_thread_spec *one_thread(void)
{
    h_workload(&wl, 1, "nt");
    return h_thread(h_process(&wl, "p", PS_CLASS_NORMAL, false), "t", KE_REL_NORMAL);
}

START_TEST(test_program_loop_runs_count_times_then_exits)
{
    struct ps_thread_spec *t = one_thread();
    uint32_t l = h_open(t, KE_OP_LOOP, 3);
    h_op(t, KE_OP_RUN, SIM_MS);
    h_op(t, KE_OP_SLEEP, SIM_MS);
    h_close(t, l);
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_DONE);
    ck_assert_int_eq(run.end, 6 * SIM_MS); /* nothing left: the run ends at the exit */
    ck_assert_int_eq(run.nsw, 8); /* in and out per run, plus the wake at 6 ms to exit */
}
END_TEST

START_TEST(test_program_periodic_releases_from_start)
{
    struct ps_thread_spec *t = one_thread();
    uint32_t per = h_open(t, KE_OP_PERIODIC, 10 * SIM_MS);
    h_op(t, KE_OP_RUN, 3 * SIM_MS);
    h_close(t, per);
    h_run(&wl, 35 * SIM_MS, &run); ck_assert_msg(run.status == KE_RUN_DONE, "%s", run.error);
    sim_time_t starts[4] = {0, 10 * SIM_MS, 20 * SIM_MS, 30 * SIM_MS};
    int k = 0;
    for (int i = 0; i < run.nsw; i++)
        if (run.sw[i].next == 0)
            ck_assert_int_eq(run.sw[i].at, starts[k++]);
    ck_assert_int_eq(k, 4);
}
END_TEST

START_TEST(test_program_periodic_overrun_starts_next_at_once)
{
    struct ps_thread_spec *t = one_thread();
    uint32_t per = h_open(t, KE_OP_PERIODIC, 10 * SIM_MS);
    h_op(t, KE_OP_RUN, 12 * SIM_MS);
    h_op(t, KE_OP_SLEEP, SIM_MS);
    h_close(t, per);
    ck_assert_int_eq(h_run(&wl, 30 * SIM_MS, &run), KE_RUN_DONE);
    /* releases at 0, 10, 20: the second body starts at 13 ms (late), the third at 26 */
    sim_time_t starts[3] = {0, 13 * SIM_MS, 26 * SIM_MS};
    int k = 0;
    for (int i = 0; i < run.nsw && k < 3; i++)
        if (run.sw[i].next == 0)
            ck_assert_int_eq(run.sw[i].at, starts[k++]);
}
END_TEST

START_TEST(test_program_zero_time_loop_is_an_error)
{
    struct ps_thread_spec *t = one_thread();
    uint32_t l = h_open(t, KE_OP_LOOP, KE_LOOP_FOREVER);
    h_op(t, KE_OP_YIELD, 0);
    h_close(t, l);
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_ERROR);
    ck_assert_ptr_nonnull(strstr(run.error, "without simulated time passing"));
}
END_TEST

START_TEST(test_program_falling_off_the_end_exits)
{
    struct ps_thread_spec *t = one_thread();
    h_op(t, KE_OP_RUN, 4 * SIM_MS);
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_DONE);
    ck_assert_int_eq(run.end, 4 * SIM_MS);
}
END_TEST

START_TEST(test_program_context_switch_cost_is_charged)
{
    struct ps_thread_spec *t = one_thread();
    wl.machine.context_switch = 50 * SIM_US;
    h_op(t, KE_OP_RUN, SIM_MS);
    h_op(t, KE_OP_SLEEP, SIM_MS);
    h_op(t, KE_OP_RUN, SIM_MS);
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_DONE);
    /* charged at each of its two dispatches, before its own work */
    ck_assert_int_eq(run.end, 3 * SIM_MS + 100 * SIM_US);
}
END_TEST

Suite *program_suite(void)
{
    Suite *s = suite_create("program");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_program_loop_runs_count_times_then_exits);
    tcase_add_test(tc, test_program_periodic_releases_from_start);
    tcase_add_test(tc, test_program_periodic_overrun_starts_next_at_once);
    tcase_add_test(tc, test_program_zero_time_loop_is_an_error);
    tcase_add_test(tc, test_program_falling_off_the_end_exits);
    tcase_add_test(tc, test_program_context_switch_cost_is_charged);
    suite_add_tcase(s, tc);
    return s;
}
