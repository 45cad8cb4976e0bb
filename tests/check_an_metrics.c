/* tests/check_an_metrics.c - unit tests of the metrics listener and the probe mux (layer: tests).
 * Drives the probe callbacks by hand with fake processes, threads and
 * processors (plain structs on the stack), so every expected value is
 * computed from the definitions at the top of analysis/metrics.c, not from
 * a simulation.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <string.h>

#include "analysis/analysis.h"
#include "tests/check.h"

#define MS(x) ((sim_time_t)(x) * SIM_MS)
#define US(x) ((sim_time_t)(x) * SIM_US)

/* Two processes ("app" win32 with threads a, b; "svc" wsl with thread c) on
 * two processors.  Only the fields the metrics read are filled. */
struct world {
    struct an_metrics *am;
    const struct ke_probe *pr;
    struct ps_process p[2];
    struct ke_thread t[3];
    struct ke_cpu c[2];
    struct an_result out;
    bool finished;
};

static void world_init(struct world *w, int nprocesses)
{
    static char *const pname[] = {"app", "svc"};
    static char *const tname[] = {"app/a", "app/b", "svc/c"};
    memset(w, 0, sizeof *w);
    w->am = an_metrics_new();
    ck_assert_ptr_nonnull(w->am);
    w->pr = an_metrics_probe(w->am);
    for (int i = 0; i < 2; i++) {
        w->p[i] = (struct ps_process){.entity = pname[i], .pid = 4 + 4 * i, .index = i,
                                      .subsystem = i ? PS_SUBSYSTEM_WSL : PS_SUBSYSTEM_WIN32};
        w->c[i].number = i;
    }
    for (int i = 0; i < 3; i++)
        w->t[i] = (struct ke_thread){.entity = tname[i], .process = &w->p[i / 2], .tid = 100 + 4 * i,
                                     .index = i, .last_cpu = -1, .cpu = -1};
    for (int i = 0; i < nprocesses; i++)
        w->pr->process_create(w->pr->ctx, 0, &w->p[i]);
    for (int i = 0; i < 3; i++)
        if (i / 2 < nprocesses)
            w->pr->thread_create(w->pr->ctx, 0, &w->t[i]);
}

static void world_free(struct world *w)
{
    an_metrics_free(w->am);
    an_result_free(&w->out);
}

static void ready(struct world *w, sim_time_t now, int t, enum ke_ready_reason why)
{
    w->pr->ready(w->pr->ctx, now, &w->t[t], why);
}

/* Processor `cpu` switches from thread `prev` to `next` (-1 = idle). */
static void sw(struct world *w, sim_time_t now, int cpu, int prev, int next)
{
    w->pr->context_switch(w->pr->ctx, now, &w->c[cpu], prev < 0 ? NULL : &w->t[prev],
                          next < 0 ? NULL : &w->t[next]);
}

static void finish(struct world *w, sim_time_t end)
{
    ck_assert_int_eq(an_metrics_finish(w->am, end, 2, &w->out), 0);
    w->finished = true;
}

static double metric(struct world *w, enum an_scope scope, const char *entity, const char *name)
{
    ck_assert(w->finished);
    const struct an_row *row = an_result_find(&w->out, scope, entity, name);
    ck_assert_msg(row != NULL, "no row %s/%s/%s", an_scope_name(scope), entity, name);
    return row->value;
}

static double run_metric(struct world *w, const char *name) { return metric(w, AN_SCOPE_RUN, "", name); }

START_TEST(test_metrics_cpu_time_of_switched_thread)
{
    struct world w;
    world_init(&w, 2);
    ready(&w, 0, 0, KE_READY_START);
    sw(&w, MS(1), 0, -1, 0);
    sw(&w, MS(4), 0, 0, -1);
    finish(&w, MS(10));
    ck_assert_double_eq(metric(&w, AN_SCOPE_THREAD, "app/a", "cpu_time"), 0.003);
    ck_assert_double_eq(metric(&w, AN_SCOPE_THREAD, "app/a", "switches"), 1);
    ck_assert_double_eq(metric(&w, AN_SCOPE_PROCESS, "app", "cpu_time"), 0.003);
    ck_assert_double_eq(metric(&w, AN_SCOPE_SUBSYSTEM, "win32", "cpu_time"), 0.003);
    ck_assert_double_eq(metric(&w, AN_SCOPE_SUBSYSTEM, "wsl", "cpu_time"), 0);
    world_free(&w);
}
END_TEST

START_TEST(test_metrics_running_thread_closed_at_end)
{
    struct world w;
    world_init(&w, 1);
    ready(&w, 0, 0, KE_READY_START);
    sw(&w, MS(2), 1, -1, 0);
    finish(&w, MS(10));
    ck_assert_double_eq(metric(&w, AN_SCOPE_THREAD, "app/a", "cpu_time"), 0.008);
    ck_assert_double_eq(metric(&w, AN_SCOPE_CPU, "1", "busy_time"), 0.008);
    world_free(&w);
}
END_TEST

START_TEST(test_metrics_ready_time)
{
    struct world w;
    world_init(&w, 1);
    ready(&w, MS(1), 0, KE_READY_WAKE);
    ready(&w, MS(2), 0, KE_READY_REQUEUE); /* already ready: same stretch */
    sw(&w, MS(4), 0, -1, 0);
    finish(&w, MS(4));
    ck_assert_double_eq(metric(&w, AN_SCOPE_THREAD, "app/a", "ready_time"), 0.003);
    world_free(&w);
}
END_TEST

START_TEST(test_metrics_wait_time)
{
    struct world w;
    world_init(&w, 1);
    w.pr->wait_begin(w.pr->ctx, MS(2), &w.t[0], KE_WAIT_SLEEP);
    w.pr->wait_end(w.pr->ctx, MS(7), &w.t[0]);
    w.pr->wait_begin(w.pr->ctx, MS(9), &w.t[0], KE_WAIT_PERIOD); /* open: closed at end */
    finish(&w, MS(10));
    ck_assert_double_eq(metric(&w, AN_SCOPE_THREAD, "app/a", "wait_time"), 0.006);
    world_free(&w);
}
END_TEST

START_TEST(test_metrics_wake_latency_sample)
{
    struct world w;
    world_init(&w, 1);
    ready(&w, MS(2), 0, KE_READY_WAKE);
    sw(&w, MS(5), 0, -1, 0);
    finish(&w, MS(10));
    ck_assert_double_eq(metric(&w, AN_SCOPE_THREAD, "app/a", "latency_p99"), 0.003);
    ck_assert_double_eq(metric(&w, AN_SCOPE_PROCESS, "app", "latency_p50"), 0.003);
    ck_assert_double_eq(metric(&w, AN_SCOPE_SUBSYSTEM, "win32", "latency_p99"), 0.003);
    ck_assert_double_eq(run_metric(&w, "latency_p95"), 0.003);
    ck_assert_double_eq(run_metric(&w, "latency_max"), 0.003);
    world_free(&w);
}
END_TEST

START_TEST(test_metrics_preemption_requeue_takes_no_sample)
{
    struct world w;
    world_init(&w, 1);
    ready(&w, 0, 0, KE_READY_START);
    sw(&w, MS(1), 0, -1, 0); /* sample: 1 ms */
    ready(&w, MS(4), 0, KE_READY_PREEMPTED);
    sw(&w, MS(4), 0, 0, 1);
    sw(&w, MS(9), 0, 1, 0); /* back after 5 ms: ready time, not latency */
    finish(&w, MS(10));
    ck_assert_double_eq(run_metric(&w, "latency_max"), 0.001);
    ck_assert_double_eq(metric(&w, AN_SCOPE_THREAD, "app/a", "latency_p99"), 0.001);
    ck_assert_double_eq(metric(&w, AN_SCOPE_THREAD, "app/a", "ready_time"), 0.006);
    ck_assert_double_eq(run_metric(&w, "preemptions"), 1);
    world_free(&w);
}
END_TEST

START_TEST(test_metrics_requeue_keeps_latency_start)
{
    struct world w;
    world_init(&w, 1);
    ready(&w, 0, 0, KE_READY_WAKE);
    ready(&w, MS(2), 0, KE_READY_REQUEUE);
    ready(&w, MS(3), 0, KE_READY_PREEMPTED); /* displaced from Standby */
    sw(&w, MS(5), 0, -1, 0);
    finish(&w, MS(10));
    ck_assert_double_eq(run_metric(&w, "latency_max"), 0.005);
    world_free(&w);
}
END_TEST

START_TEST(test_metrics_starvation_across_preemption)
{
    struct world w;
    world_init(&w, 1);
    ready(&w, 0, 0, KE_READY_START);
    sw(&w, MS(1), 0, -1, 0);
    ready(&w, MS(2), 0, KE_READY_PREEMPTED);
    sw(&w, MS(2), 0, 0, 1);
    sw(&w, MS(9), 0, 1, 0); /* a waited 7 ms */
    finish(&w, MS(10));
    ck_assert_double_eq(run_metric(&w, "starvation_max"), 0.007);
    world_free(&w);
}
END_TEST

START_TEST(test_metrics_starvation_counts_to_end)
{
    struct world w;
    world_init(&w, 1);
    ready(&w, MS(5), 1, KE_READY_START); /* never runs */
    finish(&w, MS(20));
    ck_assert_double_eq(run_metric(&w, "starvation_max"), 0.015);
    ck_assert_double_eq(metric(&w, AN_SCOPE_THREAD, "app/b", "ready_time"), 0.015);
    ck_assert_double_eq(metric(&w, AN_SCOPE_THREAD, "app/b", "latency_p99"), 0); /* never ran */
    world_free(&w);
}
END_TEST

START_TEST(test_metrics_migrations_counted)
{
    struct world w;
    world_init(&w, 1);
    ready(&w, 0, 0, KE_READY_START);
    sw(&w, 0, 0, -1, 0); /* first run: no migration */
    ready(&w, MS(1), 0, KE_READY_QUANTUM_END);
    sw(&w, MS(1), 0, 0, 1);
    sw(&w, MS(2), 1, -1, 0); /* cpu 0 -> 1 */
    ready(&w, MS(3), 0, KE_READY_YIELD);
    sw(&w, MS(3), 1, 0, -1);
    sw(&w, MS(4), 1, -1, 0); /* same cpu again */
    finish(&w, MS(5));
    ck_assert_double_eq(run_metric(&w, "migrations"), 1);
    ck_assert_double_eq(metric(&w, AN_SCOPE_THREAD, "app/a", "switches"), 3);
    ck_assert_double_eq(metric(&w, AN_SCOPE_PROCESS, "app", "switches"), 4); /* + app/b */
    world_free(&w);
}
END_TEST

START_TEST(test_metrics_context_switches_exclude_idle_and_self)
{
    struct world w;
    world_init(&w, 1);
    ready(&w, 0, 0, KE_READY_START);
    sw(&w, 0, 0, -1, 0);             /* counts */
    ready(&w, MS(1), 0, KE_READY_QUANTUM_END);
    sw(&w, MS(1), 0, 0, 0);          /* picked again: no switch */
    sw(&w, MS(2), 0, 0, -1);         /* to idle: no switch */
    finish(&w, MS(4));
    ck_assert_double_eq(run_metric(&w, "context_switches"), 1);
    ck_assert_double_eq(metric(&w, AN_SCOPE_THREAD, "app/a", "switches"), 1);
    ck_assert_double_eq(metric(&w, AN_SCOPE_THREAD, "app/a", "cpu_time"), 0.002);
    ck_assert_double_eq(metric(&w, AN_SCOPE_THREAD, "app/a", "ready_time"), 0);
    world_free(&w);
}
END_TEST

START_TEST(test_metrics_utilization_two_cpus_half_busy)
{
    struct world w;
    world_init(&w, 1);
    sw(&w, 0, 0, -1, 0);
    sw(&w, MS(5), 0, 0, -1);
    sw(&w, MS(5), 1, -1, 1);
    finish(&w, MS(10));
    ck_assert_double_eq(run_metric(&w, "utilization"), 0.5);
    ck_assert_double_eq(metric(&w, AN_SCOPE_CPU, "0", "utilization"), 0.5);
    ck_assert_double_eq(metric(&w, AN_SCOPE_CPU, "1", "busy_time"), 0.005);
    ck_assert_double_eq(metric(&w, AN_SCOPE_PROCESS, "app", "share"), 0.5);
    world_free(&w);
}
END_TEST

START_TEST(test_metrics_jain_equal_threads)
{
    struct world w;
    world_init(&w, 1);
    ready(&w, 0, 0, KE_READY_START);
    ready(&w, 0, 1, KE_READY_START);
    sw(&w, 0, 0, -1, 0);
    ready(&w, MS(5), 0, KE_READY_QUANTUM_END);
    sw(&w, MS(5), 0, 0, 1);
    finish(&w, MS(10));
    ck_assert_double_eq(run_metric(&w, "jain_fairness"), 1);
    ck_assert_double_eq(metric(&w, AN_SCOPE_SUBSYSTEM, "win32", "jain_fairness"), 1);
    world_free(&w);
}
END_TEST

START_TEST(test_metrics_jain_one_to_three)
{
    struct world w;
    world_init(&w, 1);
    ready(&w, 0, 0, KE_READY_START);
    ready(&w, 0, 1, KE_READY_START);
    sw(&w, 0, 0, -1, 1); /* b runs 3 ms while a waits */
    ready(&w, MS(3), 1, KE_READY_QUANTUM_END);
    sw(&w, MS(3), 0, 1, 0); /* a runs 1 ms while b waits */
    finish(&w, MS(4));
    /* x_a = 1/4, x_b = 3/4: (1)^2 / (2 * (1/16 + 9/16)) = 0.8 */
    ck_assert_double_eq_tol(run_metric(&w, "jain_fairness"), 0.8, 1e-12);
    world_free(&w);
}
END_TEST

START_TEST(test_metrics_percentiles_streaming)
{
    struct world w;
    world_init(&w, 1);
    sim_time_t now = 0;
    for (int i = 0; i < 1000; i++) { /* latencies 1..1000 us, permuted */
        sim_time_t d = US((i * 7919) % 1000 + 1);
        ready(&w, now, 0, KE_READY_WAKE);
        sw(&w, now + d, 0, -1, 0);
        sw(&w, now + d, 0, 0, -1);
        now += d + MS(1);
    }
    finish(&w, now);
    ck_assert_double_eq_tol(run_metric(&w, "latency_p50"), 500e-6, 25e-6);
    ck_assert_double_eq_tol(run_metric(&w, "latency_p95"), 950e-6, 25e-6);
    ck_assert_double_eq_tol(run_metric(&w, "latency_p99"), 990e-6, 15e-6);
    ck_assert_double_eq(run_metric(&w, "latency_max"), 1000e-6);
    world_free(&w);
}
END_TEST

START_TEST(test_metrics_percentiles_few_samples_nearest_rank)
{
    struct world w;
    world_init(&w, 1);
    for (int i = 0; i < 3; i++) { /* 3, 1, 2 ms */
        sim_time_t at = MS(10 * i), d = MS((i + 2) % 3 + 1);
        ready(&w, at, 0, KE_READY_WAKE);
        sw(&w, at + d, 0, -1, 0);
        sw(&w, at + d, 0, 0, -1);
    }
    finish(&w, MS(30));
    /* nearest rank: the 2nd of 3 samples, within the histogram's 1.6% */
    ck_assert_double_eq_tol(run_metric(&w, "latency_p50"), 0.002, 0.002 * 0.016);
    /* the 3rd of 3 is the maximum, which the histogram knows exactly */
    ck_assert_double_eq(run_metric(&w, "latency_p99"), 0.003);
    world_free(&w);
}
END_TEST

START_TEST(test_metrics_empty_population_is_zero)
{
    struct world w;
    world_init(&w, 1);
    finish(&w, MS(10));
    ck_assert_double_eq(run_metric(&w, "latency_p50"), 0);
    ck_assert_double_eq(run_metric(&w, "latency_max"), 0);
    ck_assert_double_eq(run_metric(&w, "response_mean"), 0);
    ck_assert_double_eq(run_metric(&w, "response_p99"), 0);
    ck_assert_double_eq(run_metric(&w, "jain_fairness"), 1);
    world_free(&w);
}
END_TEST

START_TEST(test_metrics_process_response)
{
    struct world w;
    world_init(&w, 2);
    w.p[0].arrival_time = MS(10);
    w.pr->process_exit(w.pr->ctx, MS(30), &w.p[0]);
    finish(&w, MS(40));
    ck_assert_double_eq(metric(&w, AN_SCOPE_PROCESS, "app", "response_time"), 0.02);
    ck_assert_ptr_null(an_result_find(&w.out, AN_SCOPE_PROCESS, "svc", "response_time"));
    ck_assert_double_eq(run_metric(&w, "response_mean"), 0.02);
    ck_assert_double_eq(run_metric(&w, "response_p99"), 0.02);
    ck_assert_double_eq(run_metric(&w, "processes_completed"), 1);
    world_free(&w);
}
END_TEST

START_TEST(test_metrics_rows_in_fixed_order)
{
    struct world w;
    world_init(&w, 2);
    finish(&w, MS(1));
    static const enum an_scope order[] = {AN_SCOPE_RUN, AN_SCOPE_SUBSYSTEM, AN_SCOPE_PROCESS,
                                          AN_SCOPE_THREAD, AN_SCOPE_CPU};
    size_t k = 0;
    for (size_t i = 0; i < w.out.n; i++) {
        while (k < 5 && w.out.rows[i].scope != order[k])
            k++;
        ck_assert_msg(k < 5, "row %zu out of order", i);
    }
    ck_assert_str_eq(w.out.rows[0].name, "context_switches");
    ck_assert_double_eq(metric(&w, AN_SCOPE_PROCESS, "svc", "pid"), 8);
    ck_assert_double_eq(metric(&w, AN_SCOPE_THREAD, "svc/c", "tid"), 108);
    ck_assert_ptr_null(an_result_find(&w.out, AN_SCOPE_RUN, "", "events"));
    ck_assert_ptr_null(an_result_find(&w.out, AN_SCOPE_CPU, "2", "busy_time"));
    world_free(&w);
}
END_TEST

START_TEST(test_metrics_subsystem_without_process_omitted)
{
    struct world w;
    world_init(&w, 1);
    finish(&w, MS(1));
    ck_assert_ptr_nonnull(an_result_find(&w.out, AN_SCOPE_SUBSYSTEM, "win32", "cpu_time"));
    ck_assert_ptr_null(an_result_find(&w.out, AN_SCOPE_SUBSYSTEM, "wsl", "cpu_time"));
    world_free(&w);
}
END_TEST

/* ----- mux ---------------------------------------------------------------- */

struct log {
    char buf[64];
};

static void log_create(void *ctx, sim_time_t now, const struct ps_process *p)
{
    (void)now;
    strcat(((struct log *)ctx)->buf, p->entity);
}

static void log_exit_a(void *ctx, sim_time_t now, const struct ps_process *p)
{
    (void)now, (void)p;
    strcat(((struct log *)ctx)->buf, "A");
}

static void log_exit_b(void *ctx, sim_time_t now, const struct ps_process *p)
{
    (void)now, (void)p;
    strcat(((struct log *)ctx)->buf, "B");
}

START_TEST(test_metrics_mux_forwards_in_order)
{
    struct log log = {""};
    struct ke_probe a = {.ctx = &log, .process_exit = log_exit_a};
    struct ke_probe b = {.ctx = &log, .process_create = log_create, .process_exit = log_exit_b};
    struct ps_process p = {.entity = "p"};
    struct an_mux mux;
    an_mux_init(&mux);
    an_mux_add(&mux, &a);
    an_mux_add(&mux, &b);
    mux.probe.process_exit(mux.probe.ctx, 0, &p);
    mux.probe.process_create(mux.probe.ctx, 0, &p); /* a has none: skipped */
    ck_assert_str_eq(log.buf, "ABp");
    ck_assert_ptr_null(mux.probe.ready); /* nobody listens: the machine skips it */
}
END_TEST

START_TEST(test_metrics_subsystem_breakdown_of_run_metrics)
{
    struct world w;
    world_init(&w, 2);
    ready(&w, 0, 0, KE_READY_START);
    sw(&w, 0, 0, -1, 0);           /* app/a (win32) runs on cpu 0 */
    ready(&w, MS(1), 2, KE_READY_START);
    sw(&w, MS(3), 0, 0, 2);        /* svc/c (wsl) preempts it after 2 ms ready */
    ready(&w, MS(3), 0, KE_READY_PREEMPTED);
    sw(&w, MS(4), 1, -1, 0);       /* app/a resumes on cpu 1: a migration */
    finish(&w, MS(10));
    ck_assert_double_eq(metric(&w, AN_SCOPE_SUBSYSTEM, "win32", "preemptions"), 1);
    ck_assert_double_eq(metric(&w, AN_SCOPE_SUBSYSTEM, "wsl", "preemptions"), 0);
    ck_assert_double_eq(metric(&w, AN_SCOPE_SUBSYSTEM, "win32", "migrations"), 1);
    ck_assert_double_eq(metric(&w, AN_SCOPE_SUBSYSTEM, "wsl", "latency_max"), MS(2) / 1e9);
    ck_assert_double_eq(metric(&w, AN_SCOPE_SUBSYSTEM, "win32", "starvation_max"), MS(1) / 1e9);
    ck_assert_double_eq(run_metric(&w, "starvation_max"), MS(2) / 1e9);
    world_free(&w);
}
END_TEST

Suite *metrics_suite(void)
{
    Suite *s = suite_create("metrics");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_metrics_cpu_time_of_switched_thread);
    tcase_add_test(tc, test_metrics_running_thread_closed_at_end);
    tcase_add_test(tc, test_metrics_ready_time);
    tcase_add_test(tc, test_metrics_wait_time);
    tcase_add_test(tc, test_metrics_wake_latency_sample);
    tcase_add_test(tc, test_metrics_preemption_requeue_takes_no_sample);
    tcase_add_test(tc, test_metrics_requeue_keeps_latency_start);
    tcase_add_test(tc, test_metrics_starvation_across_preemption);
    tcase_add_test(tc, test_metrics_starvation_counts_to_end);
    tcase_add_test(tc, test_metrics_migrations_counted);
    tcase_add_test(tc, test_metrics_context_switches_exclude_idle_and_self);
    tcase_add_test(tc, test_metrics_subsystem_breakdown_of_run_metrics);
    tcase_add_test(tc, test_metrics_utilization_two_cpus_half_busy);
    tcase_add_test(tc, test_metrics_jain_equal_threads);
    tcase_add_test(tc, test_metrics_jain_one_to_three);
    tcase_add_test(tc, test_metrics_percentiles_streaming);
    tcase_add_test(tc, test_metrics_percentiles_few_samples_nearest_rank);
    tcase_add_test(tc, test_metrics_empty_population_is_zero);
    tcase_add_test(tc, test_metrics_process_response);
    tcase_add_test(tc, test_metrics_rows_in_fixed_order);
    tcase_add_test(tc, test_metrics_subsystem_without_process_omitted);
    tcase_add_test(tc, test_metrics_mux_forwards_in_order);
    suite_add_tcase(s, tc);
    return s;
}
