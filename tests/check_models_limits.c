/* tests/check_models_limits.c - machine.limits enforced while running (layer: tests).
 *
 * A run that would create more processes or threads than its caps (a spawn
 * bomb included), hold more pending events, or last longer than
 * limits.sim_time stops with
 * KE_RUN_ERROR and a message naming the spec and the limit, instead of
 * exhausting memory (models/process.c, models/machine.c).
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "tests/check.h"
#include "tests/models_harness.h"

static struct ps_workload wl;
static struct h_run run;

static void teardown(void) { ps_workload_free(&wl); }

/* A process "p" whose `count` threads "t" run 1 ms and exit. */
static struct ps_process_spec *short_jobs(int count)
{
    h_workload(&wl, 2, "nt");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    struct ps_thread_spec *t = h_thread(p, "t", KE_REL_NORMAL);
    t->count = count;
    h_op(t, KE_OP_RUN, SIM_MS);
    return p;
}

/* p becomes an arrival process: one instance every `every`, forever. */
static void arrive_forever(struct ps_process_spec *p, sim_time_t every)
{
    p->has_arrivals = true;
    p->arrival_every = sim_dist_const(every);
    p->arrival_count = KE_LOOP_FOREVER;
}

START_TEST(test_limits_threads_stop_the_run)
{
    short_jobs(5);
    wl.machine.limits.threads = 3;
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_ERROR);
    ck_assert_str_eq(run.error, "error: 't' would exceed machine.limits.threads (3); raise it if "
                                "this is intended");
    ck_assert_int_eq(run.nthreads, 3);
    ck_assert_int_eq(run.end, 0);
}
END_TEST

START_TEST(test_limits_threads_at_cap_run)
{
    short_jobs(3);
    wl.machine.limits.threads = 3;
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_DONE);
    ck_assert_int_eq(run.nthreads, 3);
}
END_TEST

START_TEST(test_limits_arrival_bomb_stops)
{
    arrive_forever(short_jobs(1), 1);
    wl.machine.limits.processes = 50;
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_ERROR);
    ck_assert_str_eq(run.error, "error: 'p' would exceed machine.limits.processes (50); raise it "
                                "if this is intended");
    ck_assert_int_eq(run.nthreads, 50);
    ck_assert_int_eq(run.end, 51); /* arrivals at 1..50 ns, the refused one at 51 */
}
END_TEST

START_TEST(test_limits_pending_events_stop_the_run)
{
    /* each arrival's thread sleeps 1 s: one more pending timer per ms */
    h_workload(&wl, 1, "nt");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    h_op(h_thread(p, "sleeper", KE_REL_NORMAL), KE_OP_SLEEP, SIM_S);
    arrive_forever(p, SIM_MS);
    wl.machine.limits.pending_events = 10;
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_ERROR);
    ck_assert_str_eq(run.error, "error: 'sleeper' would exceed machine.limits.pending_events "
                                "(10); raise it if this is intended");
    ck_assert_int_lt(run.nthreads, 10);
    ck_assert_int_lt(run.end, 10 * SIM_MS);
}
END_TEST

START_TEST(test_limits_recursive_spawn_stops)
{
    /* a template whose thread spawns two copies of itself: a spawn bomb */
    h_workload(&wl, 2, "nt");
    struct ps_thread_spec *starter = h_thread(h_process(&wl, "start", PS_CLASS_NORMAL, false),
                                              "main", KE_REL_NORMAL);
    h_spawn(starter, 1, false);
    struct ps_process_spec *bomb = h_process(&wl, "bomb", PS_CLASS_NORMAL, false);
    bomb->is_template = true;
    struct ps_thread_spec *t = h_thread(bomb, "fork", KE_REL_NORMAL);
    h_op(t, KE_OP_RUN, SIM_US);
    h_spawn(t, 1, false);
    h_spawn(t, 1, false);
    wl.machine.limits.processes = 1000;
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_ERROR);
    ck_assert_str_eq(run.error, "error: 'bomb' would exceed machine.limits.processes (1000); "
                                "raise it if this is intended");
    ck_assert_int_lt(run.end, SIM_S); /* stopped by the cap, not by the duration */
}
END_TEST

START_TEST(test_limits_sim_time_refuses_longer_run)
{
    short_jobs(1);
    wl.machine.limits.sim_time = SIM_S;
    ck_assert_int_eq(h_run(&wl, 2 * SIM_S, &run), KE_RUN_ERROR);
    ck_assert_str_eq(run.error, "error: a run of 2 s would exceed machine.limits.sim_time (1 s)");
    ck_assert_int_eq(run.nsw, 0); /* refused before anything ran */
}
END_TEST

START_TEST(test_limits_error_names_the_spec_position)
{
    struct ps_process_spec *p = short_jobs(2);
    p->threads[0].src = (struct ke_src){"s.yaml", 7, 9};
    wl.machine.limits.threads = 1;
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_ERROR);
    ck_assert_str_eq(run.error, "s.yaml:7:9: error: 't' would exceed machine.limits.threads (1); "
                                "raise it if this is intended");
}
END_TEST

Suite *limits_suite(void)
{
    Suite *s = suite_create("limits");
    TCase *tc = tcase_create("limits");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_limits_threads_stop_the_run);
    tcase_add_test(tc, test_limits_threads_at_cap_run);
    tcase_add_test(tc, test_limits_arrival_bomb_stops);
    tcase_add_test(tc, test_limits_pending_events_stop_the_run);
    tcase_add_test(tc, test_limits_recursive_spawn_stops);
    tcase_add_test(tc, test_limits_sim_time_refuses_longer_run);
    tcase_add_test(tc, test_limits_error_names_the_spec_position);
    suite_add_tcase(s, tc);
    return s;
}
