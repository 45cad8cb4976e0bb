/* tests/check_models_fifo.c - the `fifo` policy (layer: tests).
 * Global fixed priority, first come first served, run to block.
 * SPDX-License-Identifier: MIT */
#include "tests/check.h"
#include "tests/models_harness.h"

static struct ps_workload wl;
static struct h_run run;

static void teardown(void) { ps_workload_free(&wl); }

START_TEST(test_fifo_equal_threads_run_to_block)
{
    h_workload(&wl, 1, "fifo");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    h_hog(p, "a", KE_REL_NORMAL);
    h_hog(p, "b", KE_REL_NORMAL);
    ck_assert_int_eq(h_run(&wl, 2 * SIM_S, &run), KE_RUN_DONE);
    ck_assert_int_eq(h_thread_switches(&run), 0); /* no quantum: a never leaves */
    ck_assert_int_eq(run.quantum_ends, 0);
}
END_TEST

START_TEST(test_fifo_higher_priority_preempts)
{
    h_workload(&wl, 1, "fifo");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    h_hog(p, "low", KE_REL_NORMAL);
    struct ps_thread_spec *hi = h_thread(p, "high", KE_REL_HIGHEST);
    h_op(hi, KE_OP_SLEEP, 10 * SIM_MS);
    h_op(hi, KE_OP_RUN, 2 * SIM_MS);
    ck_assert_int_eq(h_run(&wl, 50 * SIM_MS, &run), KE_RUN_DONE);
    const struct h_switch *s = h_switch_after(&run, 0, SIM_MS);
    ck_assert_int_eq(s->at, 10 * SIM_MS);
    ck_assert_int_eq(s->next, 1);
}
END_TEST

START_TEST(test_fifo_serves_in_arrival_order_across_cpus)
{
    /* cpus busy until 10 ms and 20 ms; jobs arriving at 1, 2, 3 ms start in
     * that order as processors free up: a at 10 ms, then b and c at 20 ms */
    h_workload(&wl, 2, "fifo");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    h_op(h_thread(p, "x", KE_REL_NORMAL), KE_OP_RUN, 10 * SIM_MS);
    h_op(h_thread(p, "y", KE_REL_NORMAL), KE_OP_RUN, 20 * SIM_MS);
    for (int i = 0; i < 3; i++) {
        char name[4] = {(char)('a' + i), 0};
        struct ps_process_spec *j = h_process(&wl, name, PS_CLASS_NORMAL, false);
        j->start = (sim_time_t)(i + 1) * SIM_MS;
        h_op(h_thread(j, "t", KE_REL_NORMAL), KE_OP_RUN, 10 * SIM_MS);
    }
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_DONE);
    sim_time_t first_run[5] = {-1, -1, -1, -1, -1};
    for (int i = 0; i < run.nsw; i++) {
        int n = run.sw[i].next;
        if (n >= 2 && first_run[n] < 0)
            first_run[n] = run.sw[i].at;
    }
    ck_assert_int_eq(first_run[2], 10 * SIM_MS);
    ck_assert_int_eq(first_run[3], 20 * SIM_MS);
    ck_assert_int_eq(first_run[4], 20 * SIM_MS);
    ck_assert_int_eq(run.end, 30 * SIM_MS);
}
END_TEST

Suite *fifo_suite(void)
{
    Suite *s = suite_create("fifo");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_fifo_equal_threads_run_to_block);
    tcase_add_test(tc, test_fifo_higher_priority_preempts);
    tcase_add_test(tc, test_fifo_serves_in_arrival_order_across_cpus);
    suite_add_tcase(s, tc);
    return s;
}
