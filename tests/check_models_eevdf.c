/* tests/check_models_eevdf.c - the `eevdf` policy (layer: tests).
 * Weighted fair shares within one request, lag kept across sleeps, and the
 * NT-priority-to-nice table (README, Policies).  Virtual times in comments
 * are in ms of a nice-0 thread; the request (slice) is the default 3 ms.
 * SPDX-License-Identifier: MIT */
#include <stdlib.h>

#include "tests/check.h"
#include "tests/models_harness.h"

#define SLICE (3 * SIM_MS)

static struct ps_workload wl;
static struct h_run run;

static void teardown(void) { ps_workload_free(&wl); }

static void hog_at(struct ps_process_spec *p, const char *name, int priority)
{
    struct ps_thread_spec *t = h_hog(p, name, 0);
    t->priority_absolute = true;
    t->priority = priority;
}

/* |cpu time of thread i - share * span| <= tolerance */
static void assert_share(int i, double share, sim_time_t span, sim_time_t tolerance)
{
    sim_time_t got = h_cpu_time(&run, i, span);
    double want = share * (double)span;
    ck_assert_msg(llabs(got - (long long)want) <= tolerance,
                  "thread %d: %.3f ms, want %.3f +- %.3f ms", i, got / 1e6, want / 1e6,
                  tolerance / 1e6);
}

START_TEST(test_eevdf_equal_weights_share_within_one_request)
{
    /* EEVDF bounds every thread's lag by one request: at any instant each of
     * 3 equal hogs has had its third of the processor to within a slice */
    h_workload(&wl, 1, "eevdf");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    for (int i = 0; i < 3; i++)
        hog_at(p, i == 0 ? "a" : i == 1 ? "b" : "c", 8);
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_DONE);
    for (sim_time_t at = 100 * SIM_MS; at <= SIM_S; at += 100 * SIM_MS)
        for (int i = 0; i < 3; i++)
            assert_share(i, 1.0 / 3, at, SLICE);
}
END_TEST

START_TEST(test_eevdf_equal_weights_share_on_2_cpus)
{
    /* 3 hogs on 2 processors: 2/3 of a processor each, within a slice */
    h_workload(&wl, 2, "eevdf");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    for (int i = 0; i < 3; i++)
        hog_at(p, i == 0 ? "a" : i == 1 ? "b" : "c", 8);
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_DONE);
    for (int i = 0; i < 3; i++)
        assert_share(i, 2.0 / 3, SIM_S, SLICE);
}
END_TEST

/* Weights of NT levels 4..12 (nice 4..-4). */
static const int level_weight[9] = {423, 526, 655, 820, 1024, 1277, 1586, 1991, 2501};

/* n hogs on `cpus` processors for 2 s; thread i at NT level 4 + i % 9 when
 * `weighted`, else 8; every `pin`-th one (0: none) allowed only on
 * processor i % cpus.  Returns the sum of the weights. */
static double many_hogs(int n, int cpus, bool weighted, int pin)
{
    double total = 0;
    h_workload(&wl, cpus, "eevdf");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    for (int i = 0; i < n; i++) {
        char name[8] = {'t', (char)('a' + i / 26), (char)('a' + i % 26), 0};
        hog_at(p, name, weighted ? 4 + i % 9 : 8);
        if (pin && i % pin == 0)
            p->threads[i].affinity = 1ull << (i % cpus);
        total += weighted ? level_weight[i % 9] : 1024;
    }
    ck_assert_int_eq(h_run(&wl, 2 * SIM_S, &run), KE_RUN_DONE);
    return total;
}

START_TEST(test_eevdf_40_hogs_on_4_cpus_share_equally)
{
    many_hogs(40, 4, false, 0); /* a deep run-queue tree */
    for (int i = 0; i < 40; i++)
        assert_share(i, 4.0 / 40, 2 * SIM_S, SLICE);
}
END_TEST

START_TEST(test_eevdf_mixed_weights_on_4_cpus_share_by_weight)
{
    /* 50 threads at 9 weights, none entitled to more than a processor:
     * each gets 4 w / W of the machine, within a slice */
    double total = many_hogs(50, 4, true, 0);
    for (int i = 0; i < 50; i++)
        assert_share(i, 4.0 * level_weight[i % 9] / total, 2 * SIM_S, SLICE);
}
END_TEST

START_TEST(test_eevdf_pinned_threads_run_where_allowed)
{
    /* 30 hogs on 4 cpus, the even ones pinned (4 per processor): the run
     * keeps every affinity (checked at each dispatch), and the global queue
     * gives everyone within 10% of an equal share, a processor taking the
     * best thread it may run rather than the best overall */
    many_hogs(30, 4, false, 2);
    for (int i = 0; i < 30; i++) {
        sim_time_t got = h_cpu_time(&run, i, 2 * SIM_S), fair = 2 * SIM_S * 4 / 30;
        ck_assert_msg(llabs(got - fair) <= fair / 10, "thread %d: %.3f ms", i, got / 1e6);
    }
}
END_TEST

START_TEST(test_eevdf_weights_2_to_1_get_2_to_1_shares)
{
    /* NT 11 and 8 are nice -3 and 0: weights 1991 and 1024 (ratio 1.944),
     * shares 1991/3015 and 1024/3015 of the processor, each within one
     * request (the lag bound) */
    h_workload(&wl, 1, "eevdf");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    hog_at(p, "heavy", 11);
    hog_at(p, "light", 8);
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_DONE);
    assert_share(0, 1991.0 / 3015, SIM_S, SLICE);
    assert_share(1, 1024.0 / 3015, SIM_S, SLICE);
    double ratio = (double)h_cpu_time(&run, 0, SIM_S) / (double)h_cpu_time(&run, 1, SIM_S);
    ck_assert_msg(ratio > 1.9 && ratio < 2.0, "ratio %.4f", ratio);
}
END_TEST

START_TEST(test_eevdf_realtime_priorities_are_nice_minus_20)
{
    /* NT 24 (real-time) is nice -20, weight 88761, against nice 0 */
    h_workload(&wl, 1, "eevdf");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    hog_at(p, "rt", 24);
    hog_at(p, "normal", 8);
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_DONE);
    assert_share(1, 1024.0 / (88761 + 1024), SIM_S, SLICE);
}
END_TEST

START_TEST(test_eevdf_each_nt_level_is_one_nice_step)
{
    /* NT 7 and 8 are nice 1 and 0: weights 820 and 1024 */
    h_workload(&wl, 1, "eevdf");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    hog_at(p, "lower", 7);
    hog_at(p, "normal", 8);
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_DONE);
    assert_share(0, 820.0 / 1844, SIM_S, SLICE);
    assert_share(1, 1024.0 / 1844, SIM_S, SLICE);
}
END_TEST

START_TEST(test_eevdf_ineligible_thread_waits_despite_earliest_deadline)
{
    /* L (NT 8, nice 0, request 3 virtual ms), H (NT 11, nice -3, request
     * 1.543) and M (NT 6, nice 2, request 4.690), all v 0, half requests:
     *   0    L runs (d 1.5); H d 0.771, M d 2.345
     *   1.5  L: v 1.5, d 4.5; V = 1024*1.5/3670 = 0.419: H, the earliest
     *        eligible deadline
     *   3    H: v 0.771, d 2.314; V 0.837: H eligible and earliest, goes on
     *   6    H: v 2.314, d 3.857; V 1.674: H no longer eligible: M (2.345)
     *   7.5  M: v 2.345, d 7.035; V 2.093: H has the earliest deadline
     *        (3.857) but v 2.314 > V; L (v 1.5, d 4.5) runs
     * (times within 1 ns: requests are converted to ns rounding up) */
    static const int next[] = {0, 1, 2, 0};
    static const sim_time_t at[] = {0, 1500 * SIM_US, 6 * SIM_MS, 7500 * SIM_US};
    h_workload(&wl, 1, "eevdf");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    hog_at(p, "L", 8);
    hog_at(p, "H", 11);
    hog_at(p, "M", 6);
    ck_assert_int_eq(h_run(&wl, 8 * SIM_MS, &run), KE_RUN_DONE);
    ck_assert_int_eq(run.nsw, 4);
    for (int i = 0; i < 4; i++) {
        ck_assert_int_le(llabs(run.sw[i].at - at[i]), 1);
        ck_assert_int_eq(run.sw[i].next, next[i]);
    }
}
END_TEST

/* s: run 1 ms, sleep `nap`, then run forever; h: run forever. */
static void sleeper_and_hog(bool sleeper_first, sim_time_t nap)
{
    h_workload(&wl, 1, "eevdf");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    if (!sleeper_first)
        hog_at(p, "h", 8);
    struct ps_thread_spec *s = h_thread(p, "s", KE_REL_NORMAL);
    h_op(s, KE_OP_RUN, SIM_MS);
    h_op(s, KE_OP_SLEEP, nap);
    h_op(s, KE_OP_RUN, SIM_S);
    if (sleeper_first)
        hog_at(p, "h", 8);
    ck_assert_int_eq(h_run(&wl, 40 * SIM_MS, &run), KE_RUN_DONE);
}

START_TEST(test_eevdf_sleeper_with_negative_lag_waits)
{
    /* s (thread 0) and h both start with v 0 and half a request, d 1.5.
     * s runs first, 1 ms, and sleeps: V 0.5, lag -0.5.  h runs alone from
     * 1 ms; its requests end at 2.5, 5.5, ..., 23.5, 26.5.  At 22.75 s
     * wakes: V = v(h) = 21.75; s is placed at v = 21.75 + 0.5*(2048/1024)
     * = 22.75 (d 25.75), which makes V 22.25, s at lag -0.5 again: not
     * eligible, no preemption.  At 23.5 h's request ends (v 22.5): V 22.625
     * and s is still not eligible (it would be with an unscaled lag, or
     * none), h is: h goes on.  At 26.5 (h: v 25.5) V is 24.125: s eligible,
     * h not; s runs 3.75 ms after waking, for its full request of 3 ms. */
    sleeper_and_hog(true, 21750 * SIM_US);
    ck_assert_int_eq(run.sw[0].next, 0);
    ck_assert_int_eq(run.sw[1].at, SIM_MS);
    ck_assert_int_eq(run.sw[1].next, 1);
    const struct h_switch *w = h_switch_after(&run, 0, 2 * SIM_MS);
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(w->at, 26500 * SIM_US);
    ck_assert_int_eq(w->next, 0);
    ck_assert_ptr_nonnull(h_switch_after(&run, 0, 27 * SIM_MS));
    ck_assert_int_eq(h_switch_after(&run, 0, 27 * SIM_MS)->at, 29500 * SIM_US);
}
END_TEST

START_TEST(test_eevdf_sleeper_with_positive_lag_preempts)
{
    /* h (thread 0) runs first until its half request ends at 1.5 (v 1.5,
     * V 0.75): s, eligible, runs 1 ms and sleeps at 2.5: v 1, V 1.25,
     * lag +0.25.  h runs alone; at 22.5 s wakes: V = v(h) = 21.5, s is
     * placed at 21.5 - 0.25*2 = 21 (d 24); V becomes 21.25, h (21.5) is no
     * longer eligible while s is, with no one else queued: s preempts at
     * once.  It runs its request (3 ms) and h, eligible again, gets the
     * 1 ms left of its own. */
    sleeper_and_hog(false, 20 * SIM_MS);
    ck_assert_int_eq(run.sw[1].at, 1500 * SIM_US);
    ck_assert_int_eq(run.sw[1].next, 1);
    ck_assert_int_eq(run.sw[2].at, 2500 * SIM_US);
    const struct h_switch *w = h_switch_after(&run, 0, 3 * SIM_MS);
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(w->at, 22500 * SIM_US);
    ck_assert_int_eq(w->prev, 0);
    ck_assert_int_eq(w->next, 1);
    w = h_switch_after(&run, 0, 23 * SIM_MS);
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(w->at, 25500 * SIM_US);
    ck_assert_int_eq(w->next, 0);
    ck_assert_ptr_nonnull(h_switch_after(&run, 0, 26 * SIM_MS));
    ck_assert_int_eq(h_switch_after(&run, 0, 26 * SIM_MS)->at, 29500 * SIM_US);
}
END_TEST

START_TEST(test_eevdf_yield_moves_the_deadline_a_request_later)
{
    /* c (NT 8), a (NT 8, yields after each 0.25 ms) and b (NT 7, nice 1,
     * weight 820, request 3.746): all v 0, half requests, d 1.5, 1.5, 1.873.
     *   0     c runs
     *   1.5   c: v 1.5, d 4.5; V = 1024*1.5/2868 = 0.536: a (d 1.5) runs
     *   1.75  a yields: v 0.25, V 0.625, still eligible, but its deadline
     *         moves from 1.5 to 4.5, after b's 1.873: b runs */
    h_workload(&wl, 1, "eevdf");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    hog_at(p, "c", 8);
    struct ps_thread_spec *a = h_thread(p, "a", KE_REL_NORMAL);
    uint32_t l = h_open(a, KE_OP_LOOP, KE_LOOP_FOREVER);
    h_op(a, KE_OP_RUN, 250 * SIM_US);
    h_op(a, KE_OP_YIELD, 0);
    h_close(a, l);
    hog_at(p, "b", 7);
    ck_assert_int_eq(h_run(&wl, 2 * SIM_MS, &run), KE_RUN_DONE);
    ck_assert_int_eq(run.nsw, 3);
    ck_assert_int_eq(run.sw[1].at, 1500 * SIM_US);
    ck_assert_int_eq(run.sw[1].next, 1);
    ck_assert_int_eq(run.sw[2].at, 1750 * SIM_US);
    ck_assert_int_eq(run.sw[2].next, 2);
}
END_TEST

START_TEST(test_eevdf_request_is_machine_slice)
{
    /* two equal hogs, slice 5 ms: after their first half requests (2.5 ms
     * each), they alternate every 5 ms exactly */
    h_workload(&wl, 1, "eevdf");
    wl.machine.slice = 5 * SIM_MS;
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    hog_at(p, "a", 8);
    hog_at(p, "b", 8);
    ck_assert_int_eq(h_run(&wl, 50 * SIM_MS, &run), KE_RUN_DONE);
    ck_assert_int_eq(run.sw[1].at, 2500 * SIM_US);
    ck_assert_int_eq(run.sw[2].at, 5 * SIM_MS);
    for (int k = 3; k < run.nsw; k++) {
        ck_assert_int_eq(run.sw[k].at - run.sw[k - 1].at, 5 * SIM_MS);
        ck_assert_int_ne(run.sw[k].next, run.sw[k - 1].next);
    }
    ck_assert_int_ge(run.nsw, 10);
}
END_TEST

Suite *eevdf_suite(void)
{
    Suite *s = suite_create("eevdf");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_eevdf_equal_weights_share_within_one_request);
    tcase_add_test(tc, test_eevdf_equal_weights_share_on_2_cpus);
    tcase_add_test(tc, test_eevdf_40_hogs_on_4_cpus_share_equally);
    tcase_add_test(tc, test_eevdf_mixed_weights_on_4_cpus_share_by_weight);
    tcase_add_test(tc, test_eevdf_pinned_threads_run_where_allowed);
    tcase_add_test(tc, test_eevdf_weights_2_to_1_get_2_to_1_shares);
    tcase_add_test(tc, test_eevdf_realtime_priorities_are_nice_minus_20);
    tcase_add_test(tc, test_eevdf_each_nt_level_is_one_nice_step);
    tcase_add_test(tc, test_eevdf_ineligible_thread_waits_despite_earliest_deadline);
    tcase_add_test(tc, test_eevdf_sleeper_with_negative_lag_waits);
    tcase_add_test(tc, test_eevdf_sleeper_with_positive_lag_preempts);
    tcase_add_test(tc, test_eevdf_yield_moves_the_deadline_a_request_later);
    tcase_add_test(tc, test_eevdf_request_is_machine_slice);
    suite_add_tcase(s, tc);
    return s;
}
