/* tests/check_sim_event.c - tests of the pending-event set and run loop (layer: tests).
 *
 * Covers the ordering contract of sim.h that determinism rests on (time,
 * then scheduling order), cancel and rescheduling anywhere in the heap
 * (checked against a sorted reference), and every way sim_run can stop.
 *
 * SPDX-License-Identifier: MIT
 */
#include <signal.h>
#include <stdlib.h>

#include <gsl/gsl_rng.h>

#include "sim/list.h"
#include "sim/sim.h"
#include "tests/check.h"

/* What fired, in order. */
struct log {
    int *ids;
    sim_time_t *times;
    size_t n, cap;
};

/* An event that records its id in a log when it fires. */
struct rec {
    struct sim_event ev;
    int id;
    struct log *log;
};

static void record(struct sim *s, struct sim_event *ev)
{
    struct rec *r = SIM_CONTAINER_OF(ev, struct rec, ev);
    ck_assert(!sim_pending(ev));
    ck_assert_int_eq(s->now, ev->time);
    ck_assert_uint_lt(r->log->n, r->log->cap);
    r->log->ids[r->log->n] = r->id;
    r->log->times[r->log->n++] = s->now;
}

/* A simulator with `n` recording events, ids 0..n-1. */
struct world {
    struct sim s;
    struct log log;
    struct rec *recs;
};

static void world_init(struct world *w, size_t n)
{
    ck_assert_int_eq(sim_init(&w->s), 0);
    w->log = (struct log){calloc(n, sizeof(int)), calloc(n, sizeof(sim_time_t)), 0, n};
    w->recs = calloc(n, sizeof *w->recs);
    ck_assert(w->log.ids && w->log.times && w->recs);
    for (size_t i = 0; i < n; i++) {
        sim_event_init(&w->recs[i].ev, record);
        w->recs[i].id = (int)i;
        w->recs[i].log = &w->log;
    }
}

static void world_fini(struct world *w)
{
    sim_fini(&w->s);
    free(w->log.ids);
    free(w->log.times);
    free(w->recs);
}

static void at(struct world *w, int id, sim_time_t t)
{
    ck_assert_int_eq(sim_schedule(&w->s, &w->recs[id].ev, t), 0);
}

static void expect_log(const struct world *w, const int *ids, size_t n)
{
    ck_assert_uint_eq(w->log.n, n);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(w->log.ids[i] == ids[i], "fired #%zu: id %d, expected %d", i,
                      w->log.ids[i], ids[i]);
}

START_TEST(test_event_fires_in_time_order)
{
    struct world w;
    world_init(&w, 5);
    const sim_time_t t[] = {50, 10, 40, 20, 30};
    for (int i = 0; i < 5; i++)
        at(&w, i, t[i]);
    ck_assert_int_eq(sim_run(&w.s, SIM_TIME_MAX, 0), SIM_STOP_EMPTY);
    expect_log(&w, (const int[]){1, 3, 4, 2, 0}, 5);
    ck_assert_int_eq(w.s.now, 50);
    ck_assert_uint_eq(w.s.events, 5);
    world_fini(&w);
}
END_TEST

START_TEST(test_event_ties_fire_in_scheduling_order)
{
    struct world w;
    world_init(&w, 5);
    const int order[] = {3, 1, 4, 0, 2};
    for (int i = 0; i < 5; i++)
        at(&w, order[i], 7);
    sim_run(&w.s, SIM_TIME_MAX, 0);
    expect_log(&w, order, 5);
    world_fini(&w);
}
END_TEST

START_TEST(test_event_reschedule_moves_pending_event)
{
    struct world w;
    world_init(&w, 3);
    at(&w, 0, 10);
    at(&w, 1, 20);
    at(&w, 2, 30);
    at(&w, 2, 5);  /* earlier */
    at(&w, 0, 25); /* later */
    ck_assert(sim_pending(&w.recs[0].ev));
    ck_assert_int_eq(w.recs[0].ev.time, 25);
    ck_assert_int_eq(sim_next_time(&w.s), 5);
    sim_run(&w.s, SIM_TIME_MAX, 0);
    expect_log(&w, (const int[]){2, 1, 0}, 3);
    world_fini(&w);
}
END_TEST

START_TEST(test_event_reschedule_takes_fresh_sequence)
{
    struct world w;
    world_init(&w, 2);
    at(&w, 0, 10);
    at(&w, 1, 10);
    at(&w, 0, 10); /* same time, but now scheduled after 1 */
    sim_run(&w.s, SIM_TIME_MAX, 0);
    expect_log(&w, (const int[]){1, 0}, 2);
    world_fini(&w);
}
END_TEST

START_TEST(test_event_cancel_pending)
{
    struct world w;
    world_init(&w, 3);
    at(&w, 0, 10);
    at(&w, 1, 20);
    at(&w, 2, 30);
    sim_cancel(&w.s, &w.recs[1].ev);
    ck_assert(!sim_pending(&w.recs[1].ev));
    ck_assert_uint_eq(w.s.size, 2);
    sim_run(&w.s, SIM_TIME_MAX, 0);
    expect_log(&w, (const int[]){0, 2}, 2);
    world_fini(&w);
}
END_TEST

START_TEST(test_event_cancel_not_pending_is_noop)
{
    struct world w;
    world_init(&w, 3);
    sim_cancel(&w.s, &w.recs[0].ev); /* never scheduled */
    at(&w, 1, 10);
    at(&w, 2, 20);
    ck_assert_int_eq(sim_run(&w.s, 15, 0), SIM_STOP_TIME);
    sim_cancel(&w.s, &w.recs[1].ev); /* already fired */
    sim_cancel(&w.s, &w.recs[2].ev);
    sim_cancel(&w.s, &w.recs[2].ev); /* already cancelled */
    ck_assert_uint_eq(w.s.size, 0);
    ck_assert_int_eq(sim_run(&w.s, SIM_TIME_MAX, 0), SIM_STOP_EMPTY);
    expect_log(&w, (const int[]){1}, 1);
    world_fini(&w);
}
END_TEST

/* Reference key of an event of the randomized test. */
struct ref {
    sim_time_t time;
    uint64_t seq;
    int id;
    bool live;
};

static int ref_cmp(const void *pa, const void *pb)
{
    const struct ref *a = pa, *b = pb;
    if (a->time != b->time)
        return a->time < b->time ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void ref_schedule(struct world *w, struct ref *ref, int id, sim_time_t t)
{
    ref[id] = (struct ref){t, w->s.next_seq, id, true};
    at(w, id, t);
}

START_TEST(test_event_cancel_in_big_heap_keeps_order)
{
    enum { N = 10000 };
    struct world w;
    world_init(&w, N);
    struct ref *ref = calloc(N, sizeof *ref);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(r, 12345);
    for (int i = 0; i < N; i++) /* few distinct times: many ties */
        ref_schedule(&w, ref, i, (sim_time_t)gsl_rng_uniform_int(r, 2000));
    for (int k = 0; k < N; k++) {
        int id = (int)gsl_rng_uniform_int(r, N);
        if (gsl_rng_uniform(r) < 0.6) {
            sim_cancel(&w.s, &w.recs[id].ev);
            ref[id].live = false;
        } else {
            ref_schedule(&w, ref, id, (sim_time_t)gsl_rng_uniform_int(r, 2000));
        }
    }
    size_t live = 0;
    for (int i = 0; i < N; i++)
        if (ref[i].live)
            ref[live++] = ref[i];
    qsort(ref, live, sizeof *ref, ref_cmp);
    ck_assert_uint_eq(w.s.size, live);
    sim_run(&w.s, SIM_TIME_MAX, 0);
    ck_assert_uint_eq(w.log.n, live);
    for (size_t i = 0; i < live; i++)
        ck_assert_msg(w.log.ids[i] == ref[i].id, "fired #%zu: id %d, expected %d", i,
                      w.log.ids[i], ref[i].id);
    gsl_rng_free(r);
    free(ref);
    world_fini(&w);
}
END_TEST

/* Fires, then schedules recs[0] at the current time and recs[1] one ns later. */
struct spawner {
    struct sim_event ev;
    struct rec *recs;
};

static void spawn(struct sim *s, struct sim_event *ev)
{
    struct spawner *sp = SIM_CONTAINER_OF(ev, struct spawner, ev);
    ck_assert_int_eq(sim_schedule(s, &sp->recs[0].ev, s->now), 0);
    ck_assert_int_eq(sim_schedule(s, &sp->recs[1].ev, s->now + 1), 0);
}

START_TEST(test_event_callback_schedules_at_now_same_run)
{
    struct world w;
    world_init(&w, 2);
    struct spawner sp = {.recs = w.recs};
    sim_event_init(&sp.ev, spawn);
    ck_assert_int_eq(sim_schedule(&w.s, &sp.ev, 10), 0);
    ck_assert_int_eq(sim_run(&w.s, 11, 0), SIM_STOP_TIME);
    expect_log(&w, (const int[]){0}, 1);
    ck_assert_int_eq(w.log.times[0], 10);
    ck_assert(sim_pending(&w.recs[1].ev));
    world_fini(&w);
}
END_TEST

/* Reschedules itself every 10 ns until it has fired `left` times. */
struct ticker {
    struct sim_event ev;
    int left;
};

static void tick(struct sim *s, struct sim_event *ev)
{
    struct ticker *t = SIM_CONTAINER_OF(ev, struct ticker, ev);
    if (--t->left > 0)
        ck_assert_int_eq(sim_schedule(s, ev, s->now + 10), 0);
}

START_TEST(test_event_callback_reschedules_itself)
{
    struct sim s;
    ck_assert_int_eq(sim_init(&s), 0);
    struct ticker t = {.left = 3};
    sim_event_init(&t.ev, tick);
    ck_assert_int_eq(sim_schedule(&s, &t.ev, 0), 0);
    ck_assert_int_eq(sim_run(&s, SIM_TIME_MAX, 0), SIM_STOP_EMPTY);
    ck_assert_int_eq(t.left, 0);
    ck_assert_int_eq(s.now, 20);
    ck_assert_uint_eq(s.events, 3);
    sim_fini(&s);
}
END_TEST

START_TEST(test_event_until_is_exclusive_and_sets_now)
{
    struct world w;
    world_init(&w, 3);
    at(&w, 0, 10);
    at(&w, 1, 20);
    at(&w, 2, 30);
    ck_assert_int_eq(sim_run(&w.s, 20, 0), SIM_STOP_TIME);
    expect_log(&w, (const int[]){0}, 1);
    ck_assert_int_eq(w.s.now, 20);
    ck_assert(sim_pending(&w.recs[1].ev));
    ck_assert_int_eq(sim_run(&w.s, 21, 0), SIM_STOP_TIME);
    expect_log(&w, (const int[]){0, 1}, 2);
    ck_assert_int_eq(w.s.now, 21);
    world_fini(&w);
}
END_TEST

START_TEST(test_event_empty_run_leaves_now)
{
    struct world w;
    world_init(&w, 1);
    at(&w, 0, 10);
    ck_assert_int_eq(sim_run(&w.s, 100, 0), SIM_STOP_EMPTY);
    ck_assert_int_eq(w.s.now, 10);
    ck_assert_int_eq(sim_run(&w.s, 100, 0), SIM_STOP_EMPTY);
    ck_assert_int_eq(w.s.now, 10);
    world_fini(&w);
}
END_TEST

START_TEST(test_event_max_events_budget)
{
    struct world w;
    world_init(&w, 5);
    for (int i = 0; i < 5; i++)
        at(&w, i, 10 * (i + 1));
    ck_assert_int_eq(sim_run(&w.s, SIM_TIME_MAX, 2), SIM_STOP_MAX_EVENTS);
    ck_assert_uint_eq(w.log.n, 2);
    ck_assert_int_eq(w.s.now, 20);
    ck_assert_int_eq(sim_run(&w.s, SIM_TIME_MAX, 2), SIM_STOP_MAX_EVENTS);
    ck_assert_uint_eq(w.log.n, 4);
    ck_assert_int_eq(sim_run(&w.s, SIM_TIME_MAX, 2), SIM_STOP_EMPTY);
    expect_log(&w, (const int[]){0, 1, 2, 3, 4}, 5);
    ck_assert_uint_eq(w.s.events, 5);
    world_fini(&w);
}
END_TEST

static void stop_now(struct sim *s, struct sim_event *ev)
{
    (void)ev;
    sim_stop(s);
}

START_TEST(test_event_stop_requested)
{
    struct world w;
    world_init(&w, 2);
    struct sim_event stopper;
    sim_event_init(&stopper, stop_now);
    at(&w, 0, 10);
    ck_assert_int_eq(sim_schedule(&w.s, &stopper, 15), 0);
    at(&w, 1, 20);
    ck_assert_int_eq(sim_run(&w.s, SIM_TIME_MAX, 0), SIM_STOP_REQUESTED);
    ck_assert_int_eq(w.s.now, 15);
    expect_log(&w, (const int[]){0}, 1);
    /* The request was consumed: the next run goes on to the end. */
    ck_assert_int_eq(sim_run(&w.s, SIM_TIME_MAX, 0), SIM_STOP_EMPTY);
    expect_log(&w, (const int[]){0, 1}, 2);
    world_fini(&w);
}
END_TEST

START_TEST(test_event_next_time)
{
    struct world w;
    world_init(&w, 2);
    ck_assert_int_eq(sim_next_time(&w.s), SIM_TIME_MAX);
    at(&w, 0, 30);
    at(&w, 1, 20);
    ck_assert_int_eq(sim_next_time(&w.s), 20);
    sim_cancel(&w.s, &w.recs[1].ev);
    ck_assert_int_eq(sim_next_time(&w.s), 30);
    world_fini(&w);
}
END_TEST

#ifndef NDEBUG /* the check is an assert */
START_TEST(test_event_schedule_in_past_aborts)
{
    struct world w;
    world_init(&w, 2);
    at(&w, 0, 10);
    sim_run(&w.s, SIM_TIME_MAX, 0);
    at(&w, 1, 9); /* assertion failure: raises SIGABRT */
}
END_TEST
#endif

Suite *event_suite(void)
{
    Suite *s = suite_create("event");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_event_fires_in_time_order);
    tcase_add_test(tc, test_event_ties_fire_in_scheduling_order);
    tcase_add_test(tc, test_event_reschedule_moves_pending_event);
    tcase_add_test(tc, test_event_reschedule_takes_fresh_sequence);
    tcase_add_test(tc, test_event_cancel_pending);
    tcase_add_test(tc, test_event_cancel_not_pending_is_noop);
    tcase_add_test(tc, test_event_cancel_in_big_heap_keeps_order);
    tcase_add_test(tc, test_event_callback_schedules_at_now_same_run);
    tcase_add_test(tc, test_event_callback_reschedules_itself);
    tcase_add_test(tc, test_event_until_is_exclusive_and_sets_now);
    tcase_add_test(tc, test_event_empty_run_leaves_now);
    tcase_add_test(tc, test_event_max_events_budget);
    tcase_add_test(tc, test_event_stop_requested);
    tcase_add_test(tc, test_event_next_time);
    suite_add_tcase(s, tc);
#ifndef NDEBUG
    /* Separate and tagged, so CK_FORK=no runs (make check-valgrind) skip it
     * with CK_EXCLUDE_TAGS=death. */
    tc = tcase_create("death");
    tcase_set_tags(tc, "death");
    tcase_add_test_raise_signal(tc, test_event_schedule_in_past_aborts, SIGABRT);
    suite_add_tcase(s, tc);
#endif
    return s;
}
