/* tests/check_models_ps.c - Ps: IDs, spawn, notify routines, subsystems (layer: tests).
 *
 * Each test builds a small machine whose processes spawn others, with
 * drivers registering notify routines, and checks NT-SCHEDULER-SPEC
 * section 7: IDs (R7.2), who sees what (R7.6, R7.7), in which context and
 * order (R7.4), what the creator pays, vetoes (R7.5), system threads
 * (R7.1) and pico system calls (R7.9).
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "tests/check.h"
#include "tests/models_harness.h"

static struct ps_workload wl;
static struct h_run run;

static void teardown(void) { ps_workload_free(&wl); }

/* Process specs: 0 = the spawner (win32), 1 = a win32 child template,
 * 2 = a WSL child template; children run `child_run` and exit. */
static struct ps_thread_spec *spawner_world(int cpus, sim_time_t child_run)
{
    h_workload(&wl, cpus, "nt");
    h_process(&wl, "shell", PS_CLASS_NORMAL, false);
    struct ps_process_spec *w = h_process(&wl, "tool", PS_CLASS_NORMAL, false);
    w->is_template = true;
    h_op(h_thread(w, "main", KE_REL_NORMAL), KE_OP_RUN, child_run);
    struct ps_process_spec *l = h_process(&wl, "gcc", PS_CLASS_NORMAL, false);
    l->is_template = true;
    l->subsystem = PS_SUBSYSTEM_WSL;
    h_op(h_thread(l, "main", KE_REL_NORMAL), KE_OP_RUN, child_run);
    /* specs move while processes are added: take the spawner's last */
    struct ps_thread_spec *t = h_thread(&wl.processes[0], "main", KE_REL_NORMAL);
    h_op(t, KE_OP_SLEEP, SIM_MS);
    return t;
}

static int first_run_of(int thread)
{
    for (int i = 0; i < run.nsw; i++)
        if (run.sw[i].next == thread)
            return (int)run.sw[i].at;
    return -1;
}

START_TEST(test_ps_ids_are_multiples_of_4_and_reused_r7_2)
{
    struct ps_thread_spec *t = spawner_world(2, SIM_MS);
    h_spawn(t, 1, true);
    h_spawn(t, 1, true);
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_DONE);
    ck_assert_int_eq(run.nthreads, 3);
    ck_assert_uint_eq(run.pids[0], 4); /* one table for processes and threads */
    ck_assert_uint_eq(run.tids[0], 8);
    ck_assert_uint_eq(run.pids[1], 12);
    ck_assert_uint_eq(run.tids[1], 16);
    /* the first child's IDs were freed at its exit; the last freed goes first */
    ck_assert_uint_eq(run.pids[2], 12);
    ck_assert_uint_eq(run.tids[2], 16);
    ck_assert_str_eq(run.names[1], "tool#0/main");
    ck_assert_str_eq(run.names[2], "tool#1/main");
}
END_TEST

START_TEST(test_ps_creation_latency_is_exactly_the_creator_costs_r7_4)
{
    struct ps_thread_spec *t = spawner_world(2, SIM_MS);
    h_spawn(t, 1, false);
    h_driver(&wl, "edr", PS_NOTIFY_EX, false, 200 * SIM_US, NULL, PS_THREAD_NOTIFY_PLAIN, false,
             30 * SIM_US);
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_DONE);
    /* the shell's own creation by the environment cost its thread the two
     * routines (230 us) before its 1 ms sleep; then 300 us creation + 20 us
     * thread + 200 us process routine + 30 us legacy thread routine, all on
     * the spawner; cpu 1 is idle */
    ck_assert_int_eq(first_run_of(1), 230 * SIM_US + SIM_MS + 550 * SIM_US);
}
END_TEST

START_TEST(test_ps_wsl_process_is_cheaper_to_create_r7_9)
{
    struct ps_thread_spec *t = spawner_world(2, SIM_MS);
    h_spawn(t, 2, false);
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_DONE);
    ck_assert_int_eq(first_run_of(1), SIM_MS + 100 * SIM_US); /* 80 + 20: no PEB, no TEB */
}
END_TEST

static int notifications(const char *driver, bool wsl, bool thread)
{
    int n = 0;
    for (int i = 0; i < run.nnt; i++)
        n += !strcmp(run.nt[i].driver, driver) && run.nt[i].wsl == wsl &&
             run.nt[i].thread == thread && !run.nt[i].exiting;
    return n;
}

START_TEST(test_ps_ex_routine_never_sees_wsl_ex2_with_subsystems_does_r7_6)
{
    struct ps_thread_spec *t = spawner_world(2, SIM_MS);
    h_spawn(t, 1, true);
    h_spawn(t, 2, true);
    h_driver(&wl, "ex", PS_NOTIFY_EX, false, 0, NULL, PS_THREAD_NOTIFY_NONE, false, 0);
    h_driver(&wl, "ex2", PS_NOTIFY_EX2, true, 0, NULL, PS_THREAD_NOTIFY_NONE, false, 0);
    h_driver(&wl, "ex2-nosub", PS_NOTIFY_EX2, false, 0, NULL, PS_THREAD_NOTIFY_NONE, false, 0);
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_DONE);
    ck_assert_int_eq(notifications("ex", false, false), 2); /* shell itself + tool */
    ck_assert_int_eq(notifications("ex", true, false), 0);
    ck_assert_int_eq(notifications("ex2", true, false), 1);
    ck_assert_int_eq(notifications("ex2-nosub", true, false), 0);
}
END_TEST

START_TEST(test_ps_thread_routines_visibility_and_context_r7_7)
{
    struct ps_thread_spec *t = spawner_world(2, SIM_MS);
    h_spawn(t, 1, true);
    h_spawn(t, 2, true);
    h_driver(&wl, "legacy", PS_NOTIFY_NONE, false, 0, NULL, PS_THREAD_NOTIFY_PLAIN, false, 0);
    h_driver(&wl, "nonsys", PS_NOTIFY_NONE, false, 0, NULL, PS_THREAD_NOTIFY_EX, false, 0);
    h_driver(&wl, "subsys", PS_NOTIFY_NONE, false, 0, NULL, PS_THREAD_NOTIFY_EX, true, 0);
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_DONE);
    ck_assert_int_eq(notifications("legacy", true, true), 0); /* no pico threads */
    ck_assert_int_eq(notifications("nonsys", true, true), 0);
    ck_assert_int_eq(notifications("subsys", true, true), 1);
    for (int i = 0; i < run.nnt; i++) {
        const struct h_notify *n = &run.nt[i];
        if (!n->thread || n->exiting || n->subject == 0)
            continue;
        /* legacy: the creator's context; Ex: the new thread itself */
        ck_assert_int_eq(n->ctx_thread, strcmp(n->driver, "legacy") ? n->subject : 0);
    }
}
END_TEST

START_TEST(test_ps_routines_run_in_registration_order_r7_4)
{
    struct ps_thread_spec *t = spawner_world(1, SIM_MS);
    h_spawn(t, 1, true);
    h_driver(&wl, "first", PS_NOTIFY_EX, false, 10 * SIM_US, NULL, PS_THREAD_NOTIFY_NONE, false, 0);
    h_driver(&wl, "second", PS_NOTIFY_EX, false, 10 * SIM_US, NULL, PS_THREAD_NOTIFY_NONE, false, 0);
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_DONE);
    int k = 0;
    const char *order[] = {"first", "second"};
    for (int i = 0; i < run.nnt; i++)
        if (!run.nt[i].exiting && run.nt[i].ctx_thread == 0)
            ck_assert_str_eq(run.nt[i].driver, order[k++ % 2]);
    ck_assert_int_eq(k, 2);
    /* exit routines run in the exiting (last) thread's context */
    for (int i = 0; i < run.nnt; i++)
        if (run.nt[i].exiting && !run.nt[i].thread)
            ck_assert(run.nt[i].ctx_thread >= 0);
}
END_TEST

START_TEST(test_ps_veto_fails_the_spawn_r7_5)
{
    struct ps_thread_spec *t = spawner_world(2, SIM_MS);
    h_spawn(t, 1, true); /* C:\Windows\System32\tool.exe */
    h_op(t, KE_OP_RUN, SIM_MS);
    h_driver(&wl, "edr", PS_NOTIFY_EX, false, 100 * SIM_US, "*\\tool.exe", PS_THREAD_NOTIFY_NONE,
             false, 0);
    h_driver(&wl, "later", PS_NOTIFY_EX, false, 0, NULL, PS_THREAD_NOTIFY_NONE, false, 0);
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_DONE);
    ck_assert_int_eq(run.failed_creations, 1);
    ck_assert_int_eq(run.nthreads, 1); /* the child never existed */
    ck_assert_int_eq(notifications("later", false, false), 2); /* the others still run */
    /* the shell: 100 us of edr at its own creation, 1 ms asleep, 300 us +
     * 100 us for the vetoed spawn (no wait), 1 ms of work, 100 us of edr at
     * its exit */
    ck_assert_int_eq(run.end, 100 * SIM_US + SIM_MS + 400 * SIM_US + SIM_MS + 100 * SIM_US);
}
END_TEST

START_TEST(test_ps_spawn_wait_returns_at_child_exit_r5_6)
{
    struct ps_thread_spec *t = spawner_world(2, 5 * SIM_MS);
    h_spawn(t, 1, true);
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_DONE);
    const struct h_readied *r = h_ready_after(&run, 0, KE_READY_WAKE, 2 * SIM_MS);
    ck_assert_int_eq(r->at, SIM_MS + 320 * SIM_US + 5 * SIM_MS);
}
END_TEST

START_TEST(test_ps_system_threads_are_not_seen_by_nonsystem_routines_r7_1)
{
    h_workload(&wl, 1, "nt");
    struct ps_process_spec *sys = h_process(&wl, "System", PS_CLASS_NORMAL, false);
    sys->is_system = true;
    struct ps_thread_spec *w = h_thread(sys, "worker", 16);
    w->priority_absolute = true;
    struct ke_op op = {.kind = KE_OP_CREATE_THREAD, .target = 1, .arg = 1};
    ke_program_append(&w->program, &op); /* PsCreateSystemThread at run time */
    struct ps_thread_spec *helper = h_thread(sys, "helper", 16);
    helper->priority_absolute = helper->is_template = true;
    h_op(helper, KE_OP_RUN, SIM_MS);
    h_driver(&wl, "nonsys", PS_NOTIFY_NONE, false, 0, NULL, PS_THREAD_NOTIFY_EX, false, 0);
    h_driver(&wl, "legacy", PS_NOTIFY_NONE, false, 0, NULL, PS_THREAD_NOTIFY_PLAIN, false, 0);
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_DONE);
    ck_assert_uint_eq(run.pids[0], 4);
    ck_assert_str_eq(run.names[1], "System/helper#0");
    /* the System process and its boot threads exist before drivers load;
     * of the thread created later only the legacy routine hears */
    ck_assert_int_eq(notifications("nonsys", false, true), 0);
    ck_assert_int_eq(notifications("legacy", false, true), 1);
}
END_TEST

START_TEST(test_ps_pico_syscalls_cost_more_and_can_contend_r7_9)
{
    h_workload(&wl, 2, "nt");
    int lx = h_object(&wl, "lxcore", KE_OBJ_FAST_MUTEX);
    wl.machine.costs.pico_lock = lx;
    for (int i = 0; i < 2; i++) {
        struct ps_process_spec *p = h_process(&wl, i ? "b" : "a", PS_CLASS_NORMAL, false);
        /* (p is used before the next h_process moves the array) */
        p->subsystem = PS_SUBSYSTEM_WSL;
        struct ps_thread_spec *t = h_thread(p, "main", KE_REL_NORMAL);
        struct ke_op op = {.kind = KE_OP_SYSCALL, .count = 10, .dist = sim_dist_const(2 * SIM_US)};
        ke_program_append(&t->program, &op);
    }
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_DONE);
    /* 20 calls of 2 + 3 us, serialised on the provider lock across 2 cpus */
    ck_assert_int_eq(run.end, 20 * 5 * SIM_US);
}
END_TEST

Suite *ps_suite(void)
{
    Suite *s = suite_create("ps");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_ps_ids_are_multiples_of_4_and_reused_r7_2);
    tcase_add_test(tc, test_ps_creation_latency_is_exactly_the_creator_costs_r7_4);
    tcase_add_test(tc, test_ps_wsl_process_is_cheaper_to_create_r7_9);
    tcase_add_test(tc, test_ps_ex_routine_never_sees_wsl_ex2_with_subsystems_does_r7_6);
    tcase_add_test(tc, test_ps_thread_routines_visibility_and_context_r7_7);
    tcase_add_test(tc, test_ps_routines_run_in_registration_order_r7_4);
    tcase_add_test(tc, test_ps_veto_fails_the_spawn_r7_5);
    tcase_add_test(tc, test_ps_spawn_wait_returns_at_child_exit_r5_6);
    tcase_add_test(tc, test_ps_system_threads_are_not_seen_by_nonsystem_routines_r7_1);
    tcase_add_test(tc, test_ps_pico_syscalls_cost_more_and_can_contend_r7_9);
    suite_add_tcase(s, tc);
    return s;
}
