/* tests/check_models_options.c - NT options where the spec leaves room (layer: tests).
 *
 * AutoBoost (R3.9), set_priority (R1.7), SMT idle-core preference (R4.5),
 * quanta charged by CPU time (R2.11): each option changes an exact outcome
 * that the test states, against the default behaviour.
 *
 * SPDX-License-Identifier: MIT
 */
#include "tests/check.h"
#include "tests/models_harness.h"

static struct ps_workload wl;
static struct h_run run;

static void teardown(void) { ps_workload_free(&wl); }

static struct ps_thread_spec *absolute(struct ps_process_spec *p, const char *name, int prio)
{
    struct ps_thread_spec *t = h_thread(p, name, prio);
    t->priority_absolute = true;
    return t;
}

/* R6.7's situation on 1 CPU: t1 (4) holds m, t2 (8) runs, t3 (12) waits. */
static void inversion(bool autoboost)
{
    h_workload(&wl, 1, "nt");
    wl.machine.autoboost = autoboost;
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    int m = h_object(&wl, "m", KE_OBJ_MUTEX);
    struct ps_thread_spec *t1 = absolute(p, "t1", 4);
    h_sync(t1, KE_OP_ACQUIRE, m, 0);
    h_op(t1, KE_OP_RUN, 5 * SIM_MS);
    h_sync(t1, KE_OP_RELEASE, m, 0);
    struct ps_thread_spec *t2 = absolute(p, "t2", 8);
    h_op(t2, KE_OP_SLEEP, SIM_MS);
    uint32_t l = h_open(t2, KE_OP_LOOP, KE_LOOP_FOREVER);
    h_op(t2, KE_OP_RUN, SIM_S);
    h_close(t2, l);
    struct ps_thread_spec *t3 = absolute(p, "t3", 12);
    h_op(t3, KE_OP_SLEEP, 2 * SIM_MS);
    h_sync(t3, KE_OP_ACQUIRE, m, 0);
    h_sync(t3, KE_OP_RELEASE, m, 0);
    ck_assert_int_eq(h_run(&wl, 6 * SIM_S, &run), KE_RUN_DONE);
}

static sim_time_t acquired_by(int thread)
{
    for (int i = 0; i < run.nob; i++)
        if (run.ob[i].thread == thread && run.ob[i].what == 'c')
            return run.ob[i].at;
    return -1;
}

START_TEST(test_options_autoboost_runs_the_owner_at_once_r3_9_r6_7)
{
    inversion(true);
    /* t1 inherits 12 when t3 blocks at 2 ms, runs its last 4 ms, releases */
    ck_assert_int_eq(acquired_by(2), 6 * SIM_MS);
}
END_TEST

START_TEST(test_options_without_autoboost_owner_waits_for_starvation_boost_r6_7)
{
    inversion(false);
    ck_assert_int_eq(acquired_by(2), 5 * SIM_S + 4 * SIM_MS);
}
END_TEST

START_TEST(test_options_set_priority_base_and_current_r1_7)
{
    h_workload(&wl, 1, "nt");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    struct ps_thread_spec *a = h_thread(p, "a", KE_REL_NORMAL);
    struct ke_op op = {.kind = KE_OP_SET_PRIORITY, .count = KE_SETPRI_RELATIVE,
                       .arg = KE_REL_HIGHEST};
    ke_program_append(&a->program, &op);
    h_op(a, KE_OP_RUN, 100 * SIM_MS);
    op.count = KE_SETPRI_CURRENT;
    op.arg = 6;
    ke_program_append(&a->program, &op);
    h_op(a, KE_OP_RUN, 100 * SIM_MS);
    h_hog(p, "b", KE_REL_NORMAL);
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_DONE);
    /* a at base 10 keeps the CPU from b (8) through its quantum ends; at
     * 100 ms KeSetPriorityThread(6) drops it below b, which runs at once */
    const struct h_switch *s = h_switch_after(&run, 0, 1);
    ck_assert_int_eq(s->at, 100 * SIM_MS);
    ck_assert_int_eq(s->prev, 0);
    ck_assert_int_eq(s->next, 1);
}
END_TEST

START_TEST(test_options_smt_prefers_a_fully_idle_core_r4_5)
{
    for (int smt = 1; smt <= 2; smt++) {
        h_workload(&wl, 8, "nt");
        wl.machine.smt = smt;
        struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
        h_hog(p, "x", KE_REL_NORMAL)->affinity = 1u << 0; /* cpu 0, the current one */
        h_hog(p, "w", KE_REL_NORMAL)->affinity = 1u << 6;
        struct ps_thread_spec *y = h_hog(p, "y", KE_REL_NORMAL);
        y->has_ideal_cpu = true;
        y->ideal_cpu = 0; /* busy */
        ck_assert_int_eq(h_run(&wl, SIM_MS, &run), KE_RUN_DONE);
        /* idle: 1-5 and 7.  Cores {0,1} {2,3} {4,5} {6,7}: with SMT only
         * 2-5 are on wholly idle cores, so the highest of those, 5; without
         * SMT the highest idle processor, 7 */
        for (int i = 0; i < run.nsw; i++)
            if (run.sw[i].next == 2)
                ck_assert_int_eq(run.sw[i].cpu, (smt == 2 ? 5 : 7));
        ps_workload_free(&wl);
    }
    h_workload(&wl, 1, "nt"); /* for the teardown */
}
END_TEST

static sim_time_t b_first_runs(bool by_cpu_time)
{
    h_workload(&wl, 1, "nt");
    wl.machine.quantum_by_cpu_time = by_cpu_time;
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    struct ps_thread_spec *b = h_thread(p, "b", KE_REL_NORMAL);
    h_op(b, KE_OP_RUN, 5 * SIM_MS);
    h_op(b, KE_OP_SLEEP, 30 * SIM_MS);
    h_op(b, KE_OP_RUN, SIM_MS);
    h_hog(p, "a", KE_REL_NORMAL);
    ck_assert_int_eq(h_run(&wl, 100 * SIM_MS, &run), KE_RUN_DONE);
    return h_switch_after(&run, 0, 36 * SIM_MS)->at;
}

START_TEST(test_options_quantum_by_cpu_time_r2_11)
{
    /* a runs from 5 ms.  By tick: 3 units at every tick, its 6 units end
     * at 31.25 ms (nobody waits) and again at 62.5 ms, when b (ready since
     * 35 ms) runs.  By CPU time (5.208 ms a unit): 2 units at 15.625 ms, 3
     * at 31.25 ms, 3 at 46.875 ms: the quantum ends there. */
    ck_assert_int_eq(b_first_runs(false), 62500 * SIM_US);
    ps_workload_free(&wl);
    ck_assert_int_eq(b_first_runs(true), 46875 * SIM_US);
}
END_TEST

Suite *options_suite(void)
{
    Suite *s = suite_create("options");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_options_autoboost_runs_the_owner_at_once_r3_9_r6_7);
    tcase_add_test(tc, test_options_without_autoboost_owner_waits_for_starvation_boost_r6_7);
    tcase_add_test(tc, test_options_set_priority_base_and_current_r1_7);
    tcase_add_test(tc, test_options_smt_prefers_a_fully_idle_core_r4_5);
    tcase_add_test(tc, test_options_quantum_by_cpu_time_r2_11);
    suite_add_tcase(s, tc);
    return s;
}
