/* tests/check_models_gfp.c - the `gfp` policy (layer: tests).
 * Strict global fixed priority: the M highest ready threads run, ties by
 * arrival; a hand-worked periodic schedule and a random-workload check.
 * SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "tests/check.h"
#include "tests/models_harness.h"

static struct ps_workload wl;
static struct h_run run;

static void teardown(void) { ps_workload_free(&wl); }

static struct ps_thread_spec *thread_at(struct ps_process_spec *p, const char *name, int priority)
{
    struct ps_thread_spec *t = h_thread(p, name, 0);
    t->priority_absolute = true;
    t->priority = priority;
    return t;
}

/* periodic {period} { run wcet } */
static void periodic(struct ps_process_spec *p, const char *name, int priority, sim_time_t period,
                     sim_time_t wcet)
{
    struct ps_thread_spec *t = thread_at(p, name, priority);
    uint32_t o = h_open(t, KE_OP_PERIODIC, period);
    h_op(t, KE_OP_RUN, wcet);
    h_close(t, o);
}

START_TEST(test_gfp_periodic_set_on_2_cpus_by_hand)
{
    /* T1 (prio 20, period 5, wcet 2), T2 (18, 8, 3), T3 (16, 30, 10), all
     * released at 0 (times in ms).  A readied thread takes its last
     * processor if idle, else the lowest idle one, else preempts the
     * lowest-priority running thread.
     *   0  T1 -> cpu0, T2 -> cpu1, T3 waits
     *   2  T1 done: cpu0 takes T3
     *   3  T2 done: cpu1 idles
     *   5  T1 released: its cpu0 runs T3, so idle cpu1 (migration)
     *   7  T1 done: cpu1 idles
     *   8  T2 released: cpu1
     *  10  T1 released, nothing idle: preempts T3 (16 < 18) on cpu0;
     *      T3 has run 8 of 10 ms
     *  11  T2 done: cpu1 takes T3 from the head of its level (migration)
     *  12  T1 done: cpu0 idles;  13  T3 done: cpu1 idles
     *  15  T1 -> cpu0;  16  T2 -> cpu1;  17, 19  both done
     *  20  T1 -> cpu0;  22  done */
    static const struct h_switch want[] = {
        {0, 0, -1, 0},  {0, 1, -1, 1},  {2, 0, 0, 2},   {3, 1, 1, -1},  {5, 1, -1, 0},
        {7, 1, 0, -1},  {8, 1, -1, 1},  {10, 0, 2, 0},  {11, 1, 1, 2},  {12, 0, 0, -1},
        {13, 1, 2, -1}, {15, 0, -1, 0}, {16, 1, -1, 1}, {17, 0, 0, -1}, {19, 1, 1, -1},
        {20, 0, -1, 0}, {22, 0, 0, -1},
    };
    int n = (int)(sizeof want / sizeof want[0]);
    h_workload(&wl, 2, "gfp");
    struct ps_process_spec *p = h_process(&wl, "rt", PS_CLASS_NORMAL, false);
    periodic(p, "T1", 20, 5 * SIM_MS, 2 * SIM_MS);
    periodic(p, "T2", 18, 8 * SIM_MS, 3 * SIM_MS);
    periodic(p, "T3", 16, 30 * SIM_MS, 10 * SIM_MS);
    ck_assert_int_eq(h_run(&wl, 23 * SIM_MS, &run), KE_RUN_DONE);
    ck_assert_int_eq(run.nsw, n);
    for (int i = 0; i < n; i++) {
        const struct h_switch *g = &run.sw[i];
        ck_assert_msg(g->at == want[i].at * SIM_MS && g->cpu == want[i].cpu &&
                          g->prev == want[i].prev && g->next == want[i].next,
                      "switch %d: got %.3f ms cpu %d %d -> %d, want %lld ms cpu %d %d -> %d", i,
                      g->at / 1e6, g->cpu, g->prev, g->next, (long long)want[i].at, want[i].cpu,
                      want[i].prev, want[i].next);
    }
}
END_TEST

START_TEST(test_gfp_preempted_thread_keeps_its_place)
{
    /* 1 cpu: a (prio 10) runs, b (10) arrives at 1 ms and waits, h (12)
     * preempts a at 2 ms for 1 ms; a resumes before b (it arrived first) */
    h_workload(&wl, 1, "gfp");
    h_hog(h_process(&wl, "a", PS_CLASS_NORMAL, false), "t", KE_REL_HIGHEST);
    struct ps_process_spec *b = h_process(&wl, "b", PS_CLASS_NORMAL, false);
    b->start = SIM_MS;
    h_hog(b, "t", KE_REL_HIGHEST);
    struct ps_process_spec *h = h_process(&wl, "h", PS_CLASS_NORMAL, false);
    h->start = 2 * SIM_MS;
    h_op(thread_at(h, "t", 12), KE_OP_RUN, SIM_MS);
    ck_assert_int_eq(h_run(&wl, 50 * SIM_MS, &run), KE_RUN_DONE);
    ck_assert_int_eq(run.nsw, 3);
    ck_assert_int_eq(run.sw[1].at, 2 * SIM_MS);
    ck_assert_int_eq(run.sw[1].next, 2);
    ck_assert_int_eq(run.sw[2].at, 3 * SIM_MS);
    ck_assert_int_eq(run.sw[2].next, 0); /* a, not b: no quantum, b waits on */
}
END_TEST

START_TEST(test_gfp_preempts_the_latest_arrival_among_equals)
{
    /* 2 cpus: a (10) on cpu0 and b (10) on cpu1 from 0; a sleeps 1-2 ms and
     * comes back to cpu0, so it is now the later arrival; h (12) at 3 ms
     * preempts a, whatever the processor numbers */
    h_workload(&wl, 2, "gfp");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    struct ps_thread_spec *a = thread_at(p, "a", 10);
    h_op(a, KE_OP_RUN, SIM_MS);
    h_op(a, KE_OP_SLEEP, SIM_MS);
    h_op(a, KE_OP_RUN, SIM_S);
    h_hog(p, "b", KE_REL_HIGHEST);
    struct ps_process_spec *h = h_process(&wl, "h", PS_CLASS_NORMAL, false);
    h->start = 3 * SIM_MS;
    h_op(thread_at(h, "t", 12), KE_OP_RUN, SIM_MS);
    ck_assert_int_eq(h_run(&wl, 10 * SIM_MS, &run), KE_RUN_DONE);
    const struct h_switch *s = h_switch_after(&run, 0, 3 * SIM_MS);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(s->at, 3 * SIM_MS);
    ck_assert_int_eq(s->prev, 0);
    ck_assert_int_eq(s->next, 2);
    ck_assert_ptr_null(h_switch_after(&run, 1, SIM_MS)); /* b never disturbed */
}
END_TEST

START_TEST(test_gfp_yield_only_to_equal_priority)
{
    /* 1 cpu: a (10) yields every ms; b (10) takes over at once; c (8) never
     * runs while a or b is ready */
    h_workload(&wl, 1, "gfp");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    struct ps_thread_spec *a = thread_at(p, "a", 10);
    uint32_t l = h_open(a, KE_OP_LOOP, KE_LOOP_FOREVER);
    h_op(a, KE_OP_RUN, SIM_MS);
    h_op(a, KE_OP_YIELD, 0);
    h_close(a, l);
    h_op(thread_at(p, "b", 10), KE_OP_RUN, 3 * SIM_MS);
    h_hog(p, "c", KE_REL_NORMAL);
    ck_assert_int_eq(h_run(&wl, 10 * SIM_MS, &run), KE_RUN_DONE);
    ck_assert_int_eq(run.sw[1].at, SIM_MS);
    ck_assert_int_eq(run.sw[1].next, 1);
    ck_assert_int_eq(run.sw[2].at, 4 * SIM_MS); /* b exits: a again, then alone */
    ck_assert_int_eq(run.sw[2].next, 0);
    ck_assert_int_eq(run.nsw, 3);
    ck_assert_int_eq(h_cpu_time(&run, 2, run.end), 0);
}
END_TEST

START_TEST(test_gfp_lowered_running_thread_gives_way)
{
    /* 1 cpu: a (10) runs, b (8) waits; at 1 ms a sets its own priority to
     * 6: b, now higher, takes the processor at once; a never runs again */
    h_workload(&wl, 1, "gfp");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    struct ps_thread_spec *a = thread_at(p, "a", 10);
    h_op(a, KE_OP_RUN, SIM_MS);
    struct ke_op lower = {.kind = KE_OP_SET_PRIORITY, .count = KE_SETPRI_CURRENT, .arg = 6};
    ke_program_append(&a->program, &lower);
    h_op(a, KE_OP_RUN, SIM_S);
    h_hog(p, "b", KE_REL_NORMAL);
    ck_assert_int_eq(h_run(&wl, 10 * SIM_MS, &run), KE_RUN_DONE);
    ck_assert_int_eq(run.nsw, 2);
    ck_assert_int_eq(run.sw[1].at, SIM_MS);
    ck_assert_int_eq(run.sw[1].prev, 0);
    ck_assert_int_eq(run.sw[1].next, 1);
}
END_TEST

/* ===== random workload: the M highest ready threads run =================== */

enum { OTHER, READY, RUNNING };

struct watch {
    int ncpus, nthreads;
    int state[64], priority[64];
    sim_time_t last;
    int instants;
    char violation[256];
};

/* At the end of an instant: nothing ready outranks a running thread, and
 * no processor idles while a thread is ready. */
static void check_instant(struct watch *w)
{
    int running = 0, lowest_running = 99, highest_ready = -1;
    for (int i = 0; i < w->nthreads; i++) {
        if (w->state[i] == RUNNING) {
            running++;
            if (w->priority[i] < lowest_running)
                lowest_running = w->priority[i];
        } else if (w->state[i] == READY && w->priority[i] > highest_ready) {
            highest_ready = w->priority[i];
        }
    }
    w->instants++;
    if (w->violation[0] || highest_ready < 0)
        return;
    if (highest_ready > lowest_running || running < w->ncpus)
        snprintf(w->violation, sizeof w->violation,
                 "at %lld ns: %d running (lowest %d) with priority %d ready", (long long)w->last,
                 running, lowest_running, highest_ready);
}

static void advance(struct watch *w, sim_time_t now)
{
    if (now > w->last)
        check_instant(w);
    w->last = now;
}

static void set_state(struct watch *w, const struct ke_thread *t, int s)
{
    if (t && t->index < 64) {
        w->state[t->index] = s;
        w->priority[t->index] = t->priority;
        if ((int)t->index >= w->nthreads)
            w->nthreads = (int)t->index + 1;
    }
}

static void on_ready(void *ctx, sim_time_t now, const struct ke_thread *t,
                     enum ke_ready_reason why)
{
    (void)why;
    advance(ctx, now);
    set_state(ctx, t, READY);
}

static void on_switch(void *ctx, sim_time_t now, const struct ke_cpu *c,
                      const struct ke_thread *prev, const struct ke_thread *next)
{
    (void)c;
    advance(ctx, now);
    if (prev)
        set_state(ctx, prev, prev->state == KE_READY ? READY : OTHER);
    set_state(ctx, next, RUNNING);
}

static void random_thread(struct ps_process_spec *p, int i, uint64_t *seed)
{
    static const int levels[] = {4, 8, 8, 12, 15, 20};
    char name[16];
    snprintf(name, sizeof name, "t%d", i);
    *seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
    struct ps_thread_spec *t = thread_at(p, name, levels[(*seed >> 33) % 6]);
    struct ke_op run = {.kind = KE_OP_RUN}, sleep = {.kind = KE_OP_SLEEP};
    double run_ms = (double)((*seed >> 40) % 5 + 1), sleep_ms = (double)((*seed >> 50) % 7 + 1);
    run.dist = (struct sim_dist){SIM_DIST_EXP, run_ms * SIM_MS, 0, NULL, 0};
    sleep.dist = (struct sim_dist){SIM_DIST_EXP, sleep_ms * SIM_MS, 0, NULL, 0};
    uint32_t l = h_open(t, KE_OP_LOOP, KE_LOOP_FOREVER);
    ke_program_append(&t->program, &run);
    ke_program_append(&t->program, &sleep);
    h_close(t, l);
}

START_TEST(test_gfp_never_runs_lower_while_higher_ready)
{
    h_workload(&wl, 4, "gfp");
    uint64_t seed = 42;
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    for (int i = 0; i < 16; i++)
        random_thread(p, i, &seed);
    static struct watch w;
    memset(&w, 0, sizeof w);
    w.ncpus = 4;
    struct ke_probe probe = {.ctx = &w, .ready = on_ready, .context_switch = on_switch};
    struct ke_run_options opt = {
        .seed = 7, .duration = 2 * SIM_S, .check_invariants = true, .probe = &probe};
    struct ke_machine *m;
    char err[256];
    ck_assert_int_eq(ke_machine_create(&m, &wl, &opt, err, sizeof err), 0);
    ck_assert_int_eq(ke_machine_run(m), KE_RUN_DONE);
    ke_machine_destroy(m);
    check_instant(&w);
    ck_assert_msg(!w.violation[0], "%s", w.violation);
    ck_assert_int_gt(w.instants, 1000); /* the workload did keep it busy */
    ck_assert_int_eq(w.nthreads, 16);
}
END_TEST

Suite *gfp_suite(void)
{
    Suite *s = suite_create("gfp");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_gfp_periodic_set_on_2_cpus_by_hand);
    tcase_add_test(tc, test_gfp_preempted_thread_keeps_its_place);
    tcase_add_test(tc, test_gfp_preempts_the_latest_arrival_among_equals);
    tcase_add_test(tc, test_gfp_yield_only_to_equal_priority);
    tcase_add_test(tc, test_gfp_lowered_running_thread_gives_way);
    tcase_add_test(tc, test_gfp_never_runs_lower_while_higher_ready);
    suite_add_tcase(s, tc);
    return s;
}
