/* tests/check_models_rr.c - the `rr` policy (layer: tests).
 * One level, exact time slices, one FIFO for the whole machine.
 * SPDX-License-Identifier: MIT */
#include "tests/check.h"
#include "tests/models_harness.h"

static struct ps_workload wl;
static struct h_run run;

static void teardown(void) { ps_workload_free(&wl); }

/* Two hogs on one processor: switches exactly every `slice`, alternating. */
static void check_alternation(sim_time_t slice, int slices)
{
    ck_assert_int_eq(run.nsw, slices);
    ck_assert_int_eq(run.sw[0].at, 0);
    ck_assert_int_eq(run.sw[0].next, 0);
    for (int k = 1; k < slices; k++) {
        ck_assert_int_eq(run.sw[k].at, k * slice);
        ck_assert_int_eq(run.sw[k].prev, (k - 1) % 2);
        ck_assert_int_eq(run.sw[k].next, k % 2);
    }
}

START_TEST(test_rr_default_slice_is_exact_10ms)
{
    h_workload(&wl, 1, "rr");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    h_hog(p, "a", KE_REL_NORMAL);
    h_hog(p, "b", KE_REL_NORMAL);
    ck_assert_int_eq(h_run(&wl, 100 * SIM_MS, &run), KE_RUN_DONE);
    check_alternation(10 * SIM_MS, 10); /* at 0, 10, ..., 90 ms; none on a clock tick */
}
END_TEST

START_TEST(test_rr_machine_slice_sets_the_slice)
{
    h_workload(&wl, 1, "rr");
    wl.machine.slice = 3 * SIM_MS;
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    h_hog(p, "a", KE_REL_NORMAL);
    h_hog(p, "b", KE_REL_NORMAL);
    ck_assert_int_eq(h_run(&wl, 31 * SIM_MS, &run), KE_RUN_DONE);
    check_alternation(3 * SIM_MS, 11);
    ck_assert_int_eq(run.quantum_ends, 10);
}
END_TEST

START_TEST(test_rr_lone_thread_keeps_the_processor)
{
    h_workload(&wl, 1, "rr");
    h_hog(h_process(&wl, "p", PS_CLASS_NORMAL, false), "a", KE_REL_NORMAL);
    ck_assert_int_eq(h_run(&wl, 55 * SIM_MS, &run), KE_RUN_DONE);
    ck_assert_int_eq(run.nsw, 1);             /* only idle -> a */
    ck_assert_int_eq(run.quantum_ends, 5);    /* a new slice each time, nobody waits */
}
END_TEST

START_TEST(test_rr_late_arrival_waits_at_most_n_minus_1_slices)
{
    /* 3 hogs, then a 4th thread at 5 ms: ahead of it are a's remaining 5 ms
     * and b's and c's slices, so it starts at 30 ms, 25 ms after arriving,
     * within (n-1) * 10 ms = 30 ms. */
    h_workload(&wl, 1, "rr");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    h_hog(p, "a", KE_REL_NORMAL);
    h_hog(p, "b", KE_REL_NORMAL);
    h_hog(p, "c", KE_REL_NORMAL);
    struct ps_process_spec *late = h_process(&wl, "late", PS_CLASS_NORMAL, false);
    late->start = 5 * SIM_MS;
    h_hog(late, "d", KE_REL_NORMAL);
    ck_assert_int_eq(h_run(&wl, 100 * SIM_MS, &run), KE_RUN_DONE);
    const struct h_switch *s = NULL;
    for (int i = 0; i < run.nsw && !s; i++)
        if (run.sw[i].next == 3)
            s = &run.sw[i];
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(s->at, 30 * SIM_MS);
    ck_assert_int_le(s->at - 5 * SIM_MS, 3 * 10 * SIM_MS);
    /* then the cycle a b c d, 10 ms each */
    s = h_switch_after(&run, 0, 31 * SIM_MS);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(s->next, 0);
    ck_assert_int_eq(s->at, 40 * SIM_MS);
}
END_TEST

START_TEST(test_rr_ignores_priorities)
{
    /* a real-time thread arriving at 5 ms neither preempts nor jumps the queue */
    h_workload(&wl, 1, "rr");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_IDLE, false);
    h_hog(p, "low", KE_REL_IDLE);
    h_hog(p, "low2", KE_REL_IDLE);
    struct ps_process_spec *rt = h_process(&wl, "rt", PS_CLASS_REALTIME, false);
    rt->start = 5 * SIM_MS;
    h_op(h_thread(rt, "high", KE_REL_TIME_CRITICAL), KE_OP_RUN, 50 * SIM_MS);
    ck_assert_int_eq(h_run(&wl, 100 * SIM_MS, &run), KE_RUN_DONE);
    ck_assert_int_eq(run.sw[1].at, 10 * SIM_MS);
    ck_assert_int_eq(run.sw[1].next, 1); /* low2 was queued first */
    ck_assert_int_eq(run.sw[2].at, 20 * SIM_MS);
    ck_assert_int_eq(run.sw[2].next, 2);
    ck_assert_int_eq(run.sw[3].at, 30 * SIM_MS);
    ck_assert_int_eq(run.sw[3].next, 0);
}
END_TEST

START_TEST(test_rr_free_processor_takes_the_head)
{
    /* a exits at 5 ms on cpu 0: c, first in the queue, takes it, not d */
    h_workload(&wl, 2, "rr");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    h_op(h_thread(p, "a", KE_REL_NORMAL), KE_OP_RUN, 5 * SIM_MS);
    h_hog(p, "b", KE_REL_NORMAL);
    h_hog(p, "c", KE_REL_NORMAL);
    h_hog(p, "d", KE_REL_NORMAL);
    ck_assert_int_eq(h_run(&wl, 12 * SIM_MS, &run), KE_RUN_DONE);
    const struct h_switch *s = h_switch_after(&run, 0, SIM_MS);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(s->at, 5 * SIM_MS);
    ck_assert_int_eq(s->prev, 0);
    ck_assert_int_eq(s->next, 2);
    s = h_switch_after(&run, 1, SIM_MS); /* b's slice ends: d */
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(s->at, 10 * SIM_MS);
    ck_assert_int_eq(s->next, 3);
}
END_TEST

START_TEST(test_rr_woken_thread_returns_to_its_idle_processor)
{
    /* x on cpu 0 exits at 5 ms; b on cpu 1 sleeps 1-6 ms: both processors
     * are idle when it wakes, and it takes cpu 1 again, not the lowest */
    h_workload(&wl, 2, "rr");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    h_op(h_thread(p, "x", KE_REL_NORMAL), KE_OP_RUN, 5 * SIM_MS);
    struct ps_thread_spec *b = h_thread(p, "b", KE_REL_NORMAL);
    h_op(b, KE_OP_RUN, SIM_MS);
    h_op(b, KE_OP_SLEEP, 5 * SIM_MS);
    h_op(b, KE_OP_RUN, SIM_MS);
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_DONE);
    const struct h_switch *s = h_switch_after(&run, 1, 6 * SIM_MS);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(s->at, 6 * SIM_MS);
    ck_assert_int_eq(s->next, 1);
    ck_assert_ptr_null(h_switch_after(&run, 0, 6 * SIM_MS));
}
END_TEST

START_TEST(test_rr_yield_goes_to_the_tail)
{
    /* a yields after 1 ms: b runs at once; alone, a yield does nothing */
    h_workload(&wl, 1, "rr");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    struct ps_thread_spec *a = h_thread(p, "a", KE_REL_NORMAL);
    h_op(a, KE_OP_RUN, SIM_MS);
    h_op(a, KE_OP_YIELD, 0);
    h_op(a, KE_OP_RUN, 100 * SIM_MS);
    h_op(h_thread(p, "b", KE_REL_NORMAL), KE_OP_RUN, 2 * SIM_MS);
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_DONE);
    ck_assert_int_eq(run.sw[1].at, SIM_MS);
    ck_assert_int_eq(run.sw[1].next, 1);
    ck_assert_int_eq(run.sw[2].at, 3 * SIM_MS); /* b exits, a takes over */
    ck_assert_int_eq(run.sw[2].next, 0);
    ck_assert_int_eq(run.end, 103 * SIM_MS);
}
END_TEST

Suite *rr_suite(void)
{
    Suite *s = suite_create("rr");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_rr_default_slice_is_exact_10ms);
    tcase_add_test(tc, test_rr_machine_slice_sets_the_slice);
    tcase_add_test(tc, test_rr_lone_thread_keeps_the_processor);
    tcase_add_test(tc, test_rr_late_arrival_waits_at_most_n_minus_1_slices);
    tcase_add_test(tc, test_rr_ignores_priorities);
    tcase_add_test(tc, test_rr_free_processor_takes_the_head);
    tcase_add_test(tc, test_rr_woken_thread_returns_to_its_idle_processor);
    tcase_add_test(tc, test_rr_yield_goes_to_the_tail);
    suite_add_tcase(s, tc);
    return s;
}
