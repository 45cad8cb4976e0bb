/* tests/check_an_series.c - unit tests of the time-series listener (layer: tests).
 * Drives the probe callbacks by hand, as tests/check_an_metrics.c does, so
 * every expected value follows from the definitions at the top of
 * analysis/series.c; one test runs the demo scenario and checks the series
 * against the metric rows computed independently by analysis/metrics.c.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis/analysis.h"
#include "tests/check.h"

#define MS(x) ((sim_time_t)(x) * SIM_MS)

/* "app" (win32, normal class: threads a, b) and "svc" (wsl, high class:
 * thread c) on two processors. */
struct world {
    struct an_series *s;
    struct an_listener l;
    const struct ke_probe *pr;
    struct ps_process p[2];
    struct ke_thread t[3];
    struct ke_cpu c[2];
    struct an_result out;
};

static void world_init(struct world *w, sim_time_t window)
{
    static char *const pname[] = {"app", "svc#3"};
    static char *const tname[] = {"app/a", "app/b", "svc#3/c"};
    memset(w, 0, sizeof *w);
    w->s = an_series_new(window);
    ck_assert_ptr_nonnull(w->s);
    w->l = an_series_listener(w->s);
    w->pr = w->l.probe;
    for (int i = 0; i < 2; i++) {
        w->p[i] = (struct ps_process){.entity = pname[i], .pid = 4 + 4 * i, .index = i,
                                      .subsystem = i ? PS_SUBSYSTEM_WSL : PS_SUBSYSTEM_WIN32,
                                      .priority_class = i ? PS_CLASS_HIGH : PS_CLASS_NORMAL,
                                      .arrival_time = MS(i)};
        w->c[i].number = i;
        w->pr->process_create(w->pr->ctx, MS(i), &w->p[i]);
    }
    for (int i = 0; i < 3; i++)
        w->t[i] = (struct ke_thread){.entity = tname[i], .process = &w->p[i / 2], .tid = 100 + 4 * i,
                                     .index = i, .priority = 8 + 5 * i};
}

static void ready(struct world *w, sim_time_t now, int t, enum ke_ready_reason why)
{
    w->pr->ready(w->pr->ctx, now, &w->t[t], why);
}

static void sw(struct world *w, sim_time_t now, int cpu, int prev, int next)
{
    w->pr->context_switch(w->pr->ctx, now, &w->c[cpu], prev < 0 ? NULL : &w->t[prev],
                          next < 0 ? NULL : &w->t[next]);
}

static void sleep_at(struct world *w, sim_time_t now, int t)
{
    w->pr->wait_begin(w->pr->ctx, now, &w->t[t], KE_WAIT_SLEEP);
}

static void finish(struct world *w, sim_time_t end)
{
    ck_assert_int_eq(w->l.finish(w->l.ctx, end, 2, &w->out, stderr), 0);
}

static void world_free(struct world *w)
{
    an_series_free(w->s);
    an_result_free(&w->out);
}

static const struct an_curve *curve(const struct an_result *r, const char *scope,
                                    const char *entity, const char *name)
{
    for (size_t i = 0; i < r->series.ncurves; i++) {
        const struct an_curve *c = &r->series.curves[i];
        if (!strcmp(c->scope, scope) && !strcmp(c->entity, entity) && !strcmp(c->name, name))
            return c;
    }
    ck_abort_msg("no curve %s/%s/%s", scope, entity, name);
    return NULL;
}

static const struct an_histo *histo(const struct an_result *r, const char *scope,
                                    const char *entity)
{
    for (size_t i = 0; i < r->series.nhistos; i++) {
        const struct an_histo *h = &r->series.histos[i];
        if (!strcmp(h->scope, scope) && !strcmp(h->entity, entity) && !strcmp(h->name, "latency"))
            return h;
    }
    return NULL;
}

static uint64_t histo_count(const struct an_histo *h)
{
    uint64_t n = 0;
    for (size_t i = 0; h && i < h->n; i++)
        n += h->b[i].count;
    return n;
}

/* ===== slices =========================================================== */

START_TEST(test_series_slice_fields)
{
    struct world w;
    world_init(&w, MS(100));
    ready(&w, 0, 2, KE_READY_START);
    sw(&w, MS(1), 1, -1, 2);
    sw(&w, MS(4), 1, 2, -1);
    finish(&w, MS(10));
    ck_assert_uint_eq(w.out.series.nslices, 1);
    const struct an_slice *s = &w.out.series.slices[0];
    ck_assert_int_eq(s->cpu, 1);
    ck_assert_int_eq(s->start, MS(1));
    ck_assert_int_eq(s->end, MS(4));
    ck_assert_uint_eq(s->pid, 8);
    ck_assert_uint_eq(s->tid, 108);
    ck_assert_int_eq(s->priority, 18);
    ck_assert_str_eq(s->process, "svc#3");
    ck_assert_str_eq(s->thread, "svc#3/c");
    ck_assert_str_eq(s->subsystem, "wsl");
    ck_assert_int_eq(w.out.series.gantt_window, MS(10)); /* the run ended before the window */
    world_free(&w);
}
END_TEST

START_TEST(test_series_slices_of_the_window_only_sorted_by_cpu)
{
    struct world w;
    world_init(&w, MS(5));
    sw(&w, MS(3), 1, -1, 0); /* starts in the window, ends after it: kept whole */
    sw(&w, MS(6), 0, -1, 1); /* starts after the window: not kept */
    sw(&w, MS(8), 1, 0, -1);
    sw(&w, MS(9), 0, 1, 0);
    sw(&w, MS(9), 0, 0, 1);  /* empty: dropped */
    finish(&w, MS(20));
    ck_assert_uint_eq(w.out.series.nslices, 1);
    ck_assert_int_eq(w.out.series.slices[0].cpu, 1);
    ck_assert_int_eq(w.out.series.slices[0].end, MS(8));
    ck_assert_int_eq(w.out.series.gantt_window, MS(5));
    world_free(&w);
}
END_TEST

START_TEST(test_series_open_slice_closed_at_end)
{
    struct world w;
    world_init(&w, MS(5));
    sw(&w, MS(1), 1, -1, 0);
    sw(&w, MS(2), 0, -1, 1);
    finish(&w, MS(7));
    ck_assert_uint_eq(w.out.series.nslices, 2);
    ck_assert_int_eq(w.out.series.slices[0].cpu, 0);
    ck_assert_int_eq(w.out.series.slices[0].end, MS(7));
    ck_assert_int_eq(w.out.series.slices[1].start, MS(1));
    world_free(&w);
}
END_TEST

START_TEST(test_series_window_closes_at_the_slice_cap)
{
    struct world w;
    world_init(&w, 1000 * SIM_S);
    sw(&w, 0, 1, -1, 2); /* one long slice on processor 1, open throughout */
    sim_time_t t = 0;
    for (int i = 0; i < AN_SERIES_MAX_SLICES + 10; i++, t += SIM_US)
        sw(&w, t + SIM_US, 0, i % 2 ? 1 : 0, i % 2 ? 0 : 1);
    finish(&w, t + SIM_US);
    const struct an_series_data *sd = &w.out.series;
    /* the slice that reached the cap ended at (cap + 1) us */
    ck_assert_int_eq(sd->gantt_window, (sim_time_t)(AN_SERIES_MAX_SLICES + 1) * SIM_US);
    ck_assert_uint_eq(sd->nslices, AN_SERIES_MAX_SLICES + 1); /* + the open one on cpu 1 */
    for (size_t i = 0; i < sd->nslices; i++)
        ck_assert_int_lt(sd->slices[i].start, sd->gantt_window);
    world_free(&w);
}
END_TEST

/* ===== utilisation ====================================================== */

START_TEST(test_series_utilization_bins)
{
    struct world w;
    world_init(&w, MS(1));
    sw(&w, 0, 0, -1, 0);
    sw(&w, MS(500), 0, 0, -1); /* processor 0 busy for the first half */
    finish(&w, MS(1000));
    const struct an_curve *c0 = curve(&w.out, "cpu", "0", "utilization");
    const struct an_curve *c1 = curve(&w.out, "cpu", "1", "utilization");
    const struct an_curve *m = curve(&w.out, "run", "", "utilization");
    ck_assert_uint_ge(c0->n, AN_SERIES_BINS / 2);
    ck_assert_uint_le(c0->n, AN_SERIES_BINS);
    ck_assert_uint_eq(m->n, c0->n);
    double width = c0->pts[1].x;
    for (size_t i = 0; i < c0->n; i++) {
        double lo = i * width, hi = fmin((i + 1) * width, 1.0);
        double want = lo >= 0.5 ? 0 : (fmin(hi, 0.5) - lo) / (hi - lo);
        ck_assert_double_eq_tol(c0->pts[i].x, lo, 1e-12);
        ck_assert_double_eq_tol(c0->pts[i].y, want, 1e-9);
        ck_assert_double_eq(c1->pts[i].y, 0);
        ck_assert_double_eq_tol(m->pts[i].y, want / 2, 1e-9);
    }
    world_free(&w);
}
END_TEST

/* ===== latency histograms =============================================== */

START_TEST(test_series_latency_by_subsystem_and_class)
{
    struct world w;
    world_init(&w, MS(1));
    ready(&w, MS(1), 0, KE_READY_WAKE);
    ready(&w, MS(2), 0, KE_READY_REQUEUE); /* the pending sample keeps its start */
    sw(&w, MS(4), 0, -1, 0);               /* app/a: 3 ms */
    ready(&w, MS(5), 0, KE_READY_PREEMPTED); /* back in the queue: no new sample */
    sw(&w, MS(6), 0, 0, 0);
    ready(&w, MS(6), 2, KE_READY_START);
    sw(&w, MS(6), 1, -1, 2);               /* svc#3/c: 0 */
    finish(&w, MS(10));
    const struct an_histo *win32 = histo(&w.out, "subsystem", "win32");
    const struct an_histo *high = histo(&w.out, "priority_class", "high");
    ck_assert_uint_eq(histo_count(win32), 1);
    ck_assert_int_gt(win32->b[0].upper, MS(3));
    ck_assert_int_le(win32->b[0].upper, MS(3) + MS(3) / 32);
    ck_assert_uint_eq(histo_count(histo(&w.out, "priority_class", "normal")), 1);
    ck_assert_uint_eq(histo_count(histo(&w.out, "subsystem", "wsl")), 1);
    ck_assert_int_eq(high->b[0].upper, 1); /* a latency of 0 is in the first bucket */
    ck_assert_ptr_null(histo(&w.out, "priority_class", "idle")); /* empty: not kept */
    world_free(&w);
}
END_TEST

/* ===== processes, share and entitlement ================================= */

START_TEST(test_series_processes)
{
    struct world w;
    world_init(&w, MS(1));
    w.pr->process_exit(w.pr->ctx, MS(7), &w.p[1]);
    finish(&w, MS(10));
    ck_assert_uint_eq(w.out.series.nprocs, 2);
    const struct an_process_info *a = &w.out.series.procs[0], *b = &w.out.series.procs[1];
    ck_assert_str_eq(a->entity, "app");
    ck_assert_str_eq(a->subsystem, "win32");
    ck_assert_str_eq(a->priority_class, "normal");
    ck_assert_int_eq(a->exit, -1);
    ck_assert_str_eq(b->entity, "svc#3");
    ck_assert_str_eq(b->priority_class, "high");
    ck_assert_uint_eq(b->pid, 8);
    ck_assert_int_eq(b->arrival, MS(1));
    ck_assert_int_eq(b->exit, MS(7));
    world_free(&w);
}
END_TEST

/* app/a runs on processor 0 for the whole 10 ms; svc#3/c runs on processor 1
 * from 0 to 4 ms, then sleeps.  Two processes want the machine until 4 ms,
 * one after: app's fair share is 2 x (4/2 + 6) = 16 ms, capped by its
 * demand of 10 ms; svc's is 2 x 4/2 = 4 ms, its demand 4 ms. */
START_TEST(test_series_share_and_entitlement)
{
    struct world w;
    world_init(&w, MS(1));
    ready(&w, 0, 0, KE_READY_START);
    ready(&w, 0, 2, KE_READY_START);
    sw(&w, 0, 0, -1, 0);
    sw(&w, 0, 1, -1, 2);
    sleep_at(&w, MS(4), 2);
    sw(&w, MS(4), 1, 2, -1);
    finish(&w, MS(10));
    const struct an_curve *app = curve(&w.out, "process", "app", "share_vs_entitlement");
    const struct an_curve *svc = curve(&w.out, "process", "svc#3", "share_vs_entitlement");
    ck_assert_uint_eq(app->n, 1);
    ck_assert_double_eq_tol(app->pts[0].x, 0.5, 1e-12);
    ck_assert_double_eq_tol(app->pts[0].y, 0.5, 1e-12);
    ck_assert_double_eq_tol(svc->pts[0].x, 0.2, 1e-12);
    ck_assert_double_eq_tol(svc->pts[0].y, 0.2, 1e-12);
    world_free(&w);
}
END_TEST

/* A thread of a process that never gets a processor: full entitlement, no share. */
START_TEST(test_series_starved_process_is_below_the_diagonal)
{
    struct world w;
    world_init(&w, MS(1));
    ready(&w, 0, 0, KE_READY_START);
    ready(&w, 0, 2, KE_READY_START);
    sw(&w, 0, 0, -1, 0);
    finish(&w, MS(10));
    const struct an_curve *svc = curve(&w.out, "process", "svc#3", "share_vs_entitlement");
    ck_assert_double_eq_tol(svc->pts[0].x, 0.5, 1e-12); /* demand: 1 thread for 10 ms */
    ck_assert_double_eq(svc->pts[0].y, 0);
    world_free(&w);
}
END_TEST

/* ===== against the metrics of a real run ================================ */

START_TEST(test_series_agrees_with_metrics_on_demo)
{
    char path[4096];
    struct scn_scenario s;
    snprintf(path, sizeof path, "%s/../../scenarios/demo.yaml", pssim_test_data_dir());
    ck_assert_int_eq(scn_load(path, NULL, 0, &s, stderr), 0);
    struct an_series *ser = an_series_new(0);
    struct an_listener l = an_series_listener(ser);
    struct an_run_options opt = {.duration = 3 * SIM_S, .listeners = &l, .nlisteners = 1};
    struct an_result r;
    ck_assert_int_eq(an_run_scenario(&s, &opt, &r, stderr), 0);
    ck_assert_uint_gt(r.series.nslices, 100);
    ck_assert_int_eq(r.series.gantt_window, AN_SERIES_WINDOW);
    for (size_t i = 0; i < r.series.ncurves; i++) {
        const struct an_curve *c = &r.series.curves[i];
        if (strcmp(c->name, "share_vs_entitlement"))
            continue;
        const struct an_row *row = an_result_find(&r, AN_SCOPE_PROCESS, c->entity, "share");
        ck_assert_ptr_nonnull(row);
        ck_assert_double_eq_tol(c->pts[0].y, row->value, 1e-12);
    }
    const struct an_curve *m = curve(&r, "run", "", "utilization");
    double busy = 0, width = m->pts[1].x, end = sim_time_to_seconds(r.sim_time);
    for (size_t i = 0; i < m->n; i++)
        busy += m->pts[i].y * (fmin(m->pts[i].x + width, end) - m->pts[i].x);
    ck_assert_double_eq_tol(busy / end,
                            an_result_find(&r, AN_SCOPE_RUN, "", "utilization")->value, 1e-9);
    an_result_free(&r);
    an_series_free(ser);
    scn_free(&s);
}
END_TEST

Suite *series_suite(void)
{
    Suite *s = suite_create("series");
    TCase *tc = tcase_create("slices");
    tcase_add_test(tc, test_series_slice_fields);
    tcase_add_test(tc, test_series_slices_of_the_window_only_sorted_by_cpu);
    tcase_add_test(tc, test_series_open_slice_closed_at_end);
    tcase_add_test(tc, test_series_window_closes_at_the_slice_cap);
    suite_add_tcase(s, tc);
    tc = tcase_create("curves");
    tcase_add_test(tc, test_series_utilization_bins);
    tcase_add_test(tc, test_series_latency_by_subsystem_and_class);
    tcase_add_test(tc, test_series_processes);
    tcase_add_test(tc, test_series_share_and_entitlement);
    tcase_add_test(tc, test_series_starved_process_is_below_the_diagonal);
    tcase_add_test(tc, test_series_agrees_with_metrics_on_demo);
    suite_add_tcase(s, tc);
    return s;
}
