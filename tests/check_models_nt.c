/* tests/check_models_nt.c - the `nt` policy on small exact situations (layer: tests).
 *
 * Each test builds a machine, runs it with the invariant checker on and
 * asserts the switches the NT rules prescribe, citing the rule.  Times are
 * exact: ticks fall at k * 15.625 ms, a quantum unit is a third of a tick.
 *
 * SPDX-License-Identifier: MIT
 */
#include "tests/check.h"
#include "tests/models_harness.h"

#define TICK (15625 * SIM_US)

static struct ps_workload wl;
static struct h_run run;

static void teardown(void) { ps_workload_free(&wl); }

static void two_hogs_on_one_cpu(bool foreground, enum ke_quantum_preset q)
{
    h_workload(&wl, 1, "nt");
    wl.machine.quantum = q;
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, foreground);
    h_hog(p, "a", KE_REL_NORMAL);
    h_hog(p, "b", KE_REL_NORMAL);
    ck_assert_int_eq(h_run(&wl, 10 * SIM_S, &run), KE_RUN_DONE);
}

/* Every thread-to-thread switch happens at a multiple of `period` ticks and
 * alternates between the two threads. */
static void assert_alternates_every(int ticks)
{
    int last = -1;
    for (int i = 0; i < run.nsw; i++) {
        const struct h_switch *s = &run.sw[i];
        if (s->prev < 0)
            continue;
        ck_assert_int_eq(s->at % (ticks * TICK), 0);
        ck_assert_int_ne(s->next, last);
        last = s->next;
    }
}

START_TEST(test_nt_round_robin_client_background_r2_5_r2_6)
{
    two_hogs_on_one_cpu(false, KE_QUANTUM_CLIENT);
    /* 6 units = 2 ticks: switches at ticks 2, 4, ..., 638 of the 639 in 10 s */
    ck_assert_int_eq(h_thread_switches(&run), 319);
    assert_alternates_every(2);
}
END_TEST

START_TEST(test_nt_round_robin_client_foreground_r2_5_r2_6)
{
    two_hogs_on_one_cpu(true, KE_QUANTUM_CLIENT);
    /* 18 units = 6 ticks: ticks 6, 12, ..., 636 */
    ck_assert_int_eq(h_thread_switches(&run), 106);
    assert_alternates_every(6);
}
END_TEST

START_TEST(test_nt_round_robin_server_r2_5_r2_6)
{
    two_hogs_on_one_cpu(false, KE_QUANTUM_SERVER);
    /* 36 units = 12 ticks: ticks 12, ..., 636 */
    ck_assert_int_eq(h_thread_switches(&run), 53);
    assert_alternates_every(12);
}
END_TEST

START_TEST(test_nt_quantum_units_option_r2_2)
{
    h_workload(&wl, 1, "nt");
    wl.machine.quantum = KE_QUANTUM_UNITS;
    wl.machine.quantum_units = 9; /* 3 ticks */
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    h_hog(p, "a", KE_REL_NORMAL);
    h_hog(p, "b", KE_REL_NORMAL);
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_DONE);
    /* 63 ticks in 1 s: switches at ticks 3, 6, ..., 63 (63 * 15.625 ms < 1 s) */
    ck_assert_int_eq(h_thread_switches(&run), 21);
    assert_alternates_every(3);
}
END_TEST

START_TEST(test_nt_higher_priority_preempts_at_once_r4_5)
{
    h_workload(&wl, 1, "nt");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    h_hog(p, "low", KE_REL_NORMAL);
    struct ps_thread_spec *hi = h_thread(p, "high", KE_REL_HIGHEST);
    h_op(hi, KE_OP_SLEEP, 10 * SIM_MS);
    h_op(hi, KE_OP_RUN, 2 * SIM_MS);
    h_op(hi, KE_OP_EXIT, 0);
    ck_assert_int_eq(h_run(&wl, 100 * SIM_MS, &run), KE_RUN_DONE);
    const struct h_switch *s = h_switch_after(&run, 0, SIM_MS);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(s->at, 10 * SIM_MS);
    ck_assert_int_eq(s->prev, 0);
    ck_assert_int_eq(s->next, 1);
    s = h_switch_after(&run, 0, 10 * SIM_MS + 1);
    ck_assert_int_eq(s->at, 12 * SIM_MS);
    ck_assert_int_eq(s->next, 0);
}
END_TEST

START_TEST(test_nt_equal_priority_does_not_preempt_r4_5)
{
    h_workload(&wl, 1, "nt");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    h_hog(p, "hog", KE_REL_NORMAL);
    struct ps_thread_spec *w = h_thread(p, "waker", KE_REL_NORMAL);
    h_op(w, KE_OP_SLEEP, 5 * SIM_MS);
    h_op(w, KE_OP_RUN, SIM_MS);
    ck_assert_int_eq(h_run(&wl, 100 * SIM_MS, &run), KE_RUN_DONE);
    /* the waker waits for the hog's quantum end at tick 2, not 5 ms */
    const struct h_switch *s = h_switch_after(&run, 0, SIM_MS);
    ck_assert_int_eq(s->at, 2 * TICK);
    ck_assert_int_eq(s->next, 1);
}
END_TEST

START_TEST(test_nt_preempted_resumes_first_with_remaining_quantum_r2_7)
{
    h_workload(&wl, 1, "nt");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    h_hog(p, "a", KE_REL_NORMAL);
    h_hog(p, "b", KE_REL_NORMAL);
    struct ps_thread_spec *hi = h_thread(p, "high", KE_REL_HIGHEST);
    h_op(hi, KE_OP_SLEEP, 20 * SIM_MS);
    h_op(hi, KE_OP_RUN, 2 * SIM_MS);
    ck_assert_int_eq(h_run(&wl, 100 * SIM_MS, &run), KE_RUN_DONE);
    /* a: 6 units, charged 3 at the first tick, preempted at 20 ms */
    const struct h_switch *s = h_switch_after(&run, 0, 20 * SIM_MS);
    ck_assert_int_eq(s->at, 20 * SIM_MS);
    ck_assert_int_eq(s->prev, 0);
    s = h_switch_after(&run, 0, 20 * SIM_MS + 1);
    ck_assert_int_eq(s->at, 22 * SIM_MS); /* a, from the head, ahead of b */
    ck_assert_int_eq(s->next, 0);
    s = h_switch_after(&run, 0, 22 * SIM_MS + 1);
    ck_assert_int_eq(s->at, 2 * TICK); /* its 3 remaining units end at tick 2 */
    ck_assert_int_eq(s->next, 1);
    for (int i = 0; i < run.nrd; i++)
        if (run.rd[i].at == 20 * SIM_MS && run.rd[i].thread == 0)
            ck_assert_int_eq(run.rd[i].why, KE_READY_PREEMPTED);
}
END_TEST

START_TEST(test_nt_foreground_wake_boost_decays_at_quantum_end_r3_2_r2_6)
{
    h_workload(&wl, 1, "nt");
    struct ps_process_spec *fg = h_process(&wl, "fg", PS_CLASS_NORMAL, true);
    struct ps_thread_spec *t = h_thread(fg, "t", KE_REL_NORMAL);
    h_op(t, KE_OP_SLEEP, SIM_MS);
    uint32_t l = h_open(t, KE_OP_LOOP, KE_LOOP_FOREVER);
    h_op(t, KE_OP_RUN, SIM_S);
    h_close(t, l);
    struct ps_process_spec *bg = h_process(&wl, "bg", PS_CLASS_NORMAL, false);
    struct ps_thread_spec *u = h_thread(bg, "u", KE_REL_NORMAL);
    h_op(u, KE_OP_SLEEP, SIM_MS);
    ck_assert_int_eq(h_run(&wl, 200 * SIM_MS, &run), KE_RUN_DONE);
    int fg_prio = -1, bg_prio = -1;
    for (int i = 0; i < run.nrd; i++)
        if (run.rd[i].why == KE_READY_WAKE)
            *(run.rd[i].thread == 0 ? &fg_prio : &bg_prio) = run.rd[i].priority;
    ck_assert_int_eq(fg_prio, 10); /* base 8 + increment 0 + PsPrioritySeparation 2 */
    ck_assert_int_eq(bg_prio, 8);  /* a timer wake has increment 0 */
}
END_TEST

START_TEST(test_nt_idle_choice_highest_numbered_r4_5a)
{
    h_workload(&wl, 4, "nt");
    struct ps_process_spec *p0 = h_process(&wl, "p0", PS_CLASS_NORMAL, false);
    h_hog(p0, "a", KE_REL_NORMAL)->affinity = 1;      /* ideal 0 */
    h_hog(p0, "b", KE_REL_NORMAL)->affinity = 2;      /* ideal 1 */
    struct ps_process_spec *p1 = h_process(&wl, "p1", PS_CLASS_NORMAL, false);
    h_hog(p1, "c", KE_REL_NORMAL);                    /* ideal 1: busy */
    ck_assert_int_eq(h_run(&wl, 10 * SIM_MS, &run), KE_RUN_DONE);
    for (int i = 0; i < run.nsw; i++)
        if (run.sw[i].next == 2)
            ck_assert_int_eq(run.sw[i].cpu, 3); /* no last CPU, current CPU 0 busy */
}
END_TEST

START_TEST(test_nt_idle_choice_prefers_last_cpu_r4_5a)
{
    h_workload(&wl, 4, "nt");
    struct ps_process_spec *p0 = h_process(&wl, "p0", PS_CLASS_NORMAL, false);
    h_hog(p0, "a", KE_REL_NORMAL)->affinity = 3; /* ideal 0 */
    h_hog(p0, "b", KE_REL_NORMAL)->affinity = 3; /* ideal 1 */
    struct ps_process_spec *p1 = h_process(&wl, "p1", PS_CLASS_NORMAL, false);
    struct ps_thread_spec *d = h_thread(p1, "d", KE_REL_NORMAL); /* ideal 3 */
    d->affinity = 8;
    h_op(d, KE_OP_RUN, 2 * SIM_MS);
    struct ps_thread_spec *c = h_thread(p1, "c", KE_REL_NORMAL); /* ideal 0 */
    h_op(c, KE_OP_RUN, SIM_MS);
    h_op(c, KE_OP_SLEEP, 4 * SIM_MS);
    h_op(c, KE_OP_RUN, SIM_MS);
    ck_assert_int_eq(h_run(&wl, 10 * SIM_MS, &run), KE_RUN_DONE);
    const struct h_switch *s = h_switch_after(&run, 2, 5 * SIM_MS);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(s->at, 5 * SIM_MS); /* cpus 2 and 3 idle: its last CPU, 2, wins */
    ck_assert_int_eq(s->next, 3);
}
END_TEST

START_TEST(test_nt_idle_cpu_steals_from_others_r4_6)
{
    h_workload(&wl, 3, "nt");
    struct ps_process_spec *p0 = h_process(&wl, "p0", PS_CLASS_NORMAL, false);
    h_hog(p0, "a", KE_REL_NORMAL)->affinity = 1;
    h_hog(p0, "b", KE_REL_NORMAL)->affinity = 2;
    struct ps_thread_spec *c = h_thread(p0, "c", KE_REL_NORMAL);
    c->affinity = 4;
    h_op(c, KE_OP_RUN, 5 * SIM_MS);
    struct ps_process_spec *p1 = h_process(&wl, "p1", PS_CLASS_NORMAL, false);
    h_hog(p1, "d", KE_REL_NORMAL); /* ideal 1: queued behind b */
    ck_assert_int_eq(h_run(&wl, 20 * SIM_MS, &run), KE_RUN_DONE);
    const struct h_switch *s = h_switch_after(&run, 2, SIM_MS);
    ck_assert_int_eq(s->at, 5 * SIM_MS); /* c exits; cpu 2 takes d from cpu 1 */
    ck_assert_int_eq(s->next, 3);
}
END_TEST

static uint64_t affinity_of[8] = {1, 1, 2, 6, 8, 15, 12, 3};

START_TEST(test_nt_affinity_never_violated_r4_8)
{
    h_workload(&wl, 4, "nt");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    for (int i = 0; i < 8; i++) {
        char name[8] = {(char)('a' + i), 0};
        struct ps_thread_spec *t = h_thread(p, name, i % 3 - 1);
        t->affinity = affinity_of[i];
        uint32_t l = h_open(t, KE_OP_LOOP, KE_LOOP_FOREVER);
        h_op(t, KE_OP_RUN, (sim_time_t)(i + 1) * 700 * SIM_US);
        h_op(t, KE_OP_SLEEP, (sim_time_t)(8 - i) * 300 * SIM_US);
        h_close(t, l);
    }
    ck_assert_int_eq(h_run(&wl, 2 * SIM_S, &run), KE_RUN_DONE);
    ck_assert_int_gt(run.nsw, 1000);
    for (int i = 0; i < run.nsw; i++)
        if (run.sw[i].next >= 0)
            ck_assert((affinity_of[run.sw[i].next] >> run.sw[i].cpu) & 1);
}
END_TEST

START_TEST(test_nt_yield_gives_way_even_to_lower_r2_10)
{
    h_workload(&wl, 1, "nt");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    struct ps_thread_spec *hi = h_thread(p, "hi", KE_REL_HIGHEST);
    h_op(hi, KE_OP_RUN, SIM_MS);
    h_op(hi, KE_OP_YIELD, 0);
    h_op(hi, KE_OP_RUN, SIM_MS);
    h_hog(p, "lo", KE_REL_NORMAL);
    ck_assert_int_eq(h_run(&wl, 10 * SIM_MS, &run), KE_RUN_DONE);
    const struct h_switch *s = h_switch_after(&run, 0, SIM_MS);
    ck_assert_int_eq(s->at, SIM_MS);
    ck_assert_int_eq(s->next, 1); /* lo runs though hi (10, decayed to 10) is higher */
}
END_TEST

Suite *nt_suite(void)
{
    Suite *s = suite_create("nt");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_nt_round_robin_client_background_r2_5_r2_6);
    tcase_add_test(tc, test_nt_round_robin_client_foreground_r2_5_r2_6);
    tcase_add_test(tc, test_nt_round_robin_server_r2_5_r2_6);
    tcase_add_test(tc, test_nt_quantum_units_option_r2_2);
    tcase_add_test(tc, test_nt_higher_priority_preempts_at_once_r4_5);
    tcase_add_test(tc, test_nt_equal_priority_does_not_preempt_r4_5);
    tcase_add_test(tc, test_nt_preempted_resumes_first_with_remaining_quantum_r2_7);
    tcase_add_test(tc, test_nt_foreground_wake_boost_decays_at_quantum_end_r3_2_r2_6);
    tcase_add_test(tc, test_nt_idle_choice_highest_numbered_r4_5a);
    tcase_add_test(tc, test_nt_idle_choice_prefers_last_cpu_r4_5a);
    tcase_add_test(tc, test_nt_idle_cpu_steals_from_others_r4_6);
    tcase_add_test(tc, test_nt_affinity_never_violated_r4_8);
    tcase_add_test(tc, test_nt_yield_gives_way_even_to_lower_r2_10);
    suite_add_tcase(s, tc);
    return s;
}
