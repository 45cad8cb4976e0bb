/* tests/check_models_sync.c - dispatcher objects, waits and executive locks (layer: tests).
 *
 * Each test builds the exact situation of one rule of NT-SCHEDULER-SPEC
 * sections 3, 5 and 6 and checks who wakes, when, with which status and
 * priority.  Threads are numbered in creation order (process order, then
 * thread order), which is their index in the recorded events.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "tests/check.h"
#include "tests/models_harness.h"

static struct ps_workload wl;
static struct h_run run;

static void teardown(void) { ps_workload_free(&wl); }

static struct ps_process_spec *machine(int cpus)
{
    h_workload(&wl, cpus, "nt");
    return h_process(&wl, "p", PS_CLASS_NORMAL, false);
}

/* A thread that sleeps until `at`, then does one operation on `object`. */
static struct ps_thread_spec *at_then(struct ps_process_spec *p, const char *name, sim_time_t at,
                                      enum ke_op_kind kind, int object, int64_t arg)
{
    struct ps_thread_spec *t = h_thread(p, name, KE_REL_NORMAL);
    if (at > 0)
        h_op(t, KE_OP_SLEEP, at);
    h_sync(t, kind, object, arg);
    return t;
}

static int wakes(int thread)
{
    int n = 0;
    for (int i = 0; i < run.nrd; i++)
        n += run.rd[i].thread == thread && run.rd[i].why == KE_READY_WAKE;
    return n;
}

static void three_waiters_one_set(bool notification)
{
    struct ps_process_spec *p = machine(4);
    int e = h_object(&wl, "e", KE_OBJ_EVENT);
    wl.objects[e].notification = notification;
    for (int i = 0; i < 3; i++) {
        char name[4] = {(char)('a' + i), 0};
        at_then(p, name, (sim_time_t)(i + 1) * SIM_MS, KE_OP_WAIT, e, 0);
    }
    at_then(p, "setter", 10 * SIM_MS, KE_OP_SET, e, 1);
    h_run(&wl, 50 * SIM_MS, &run);
}

START_TEST(test_sync_synchronization_event_wakes_the_head_waiter_r5_2)
{
    three_waiters_one_set(false);
    ck_assert_int_eq(run.status, KE_RUN_DEADLOCK); /* b and c wait forever */
    const struct h_readied *r = h_ready_after(&run, 0, KE_READY_WAKE, 10 * SIM_MS);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(r->at, 10 * SIM_MS);
    ck_assert_int_eq(wakes(1), 1); /* its sleep only */
    ck_assert_int_eq(wakes(2), 1);
}
END_TEST

START_TEST(test_sync_notification_event_wakes_all_r5_2)
{
    three_waiters_one_set(true);
    ck_assert_int_eq(run.status, KE_RUN_DONE);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(h_ready_after(&run, i, KE_READY_WAKE, 10 * SIM_MS)->at, 10 * SIM_MS);
}
END_TEST

START_TEST(test_sync_wait_all_is_atomic_r5_7)
{
    struct ps_process_spec *p = machine(4);
    int e = h_object(&wl, "e", KE_OBJ_EVENT);
    int s = h_object(&wl, "s", KE_OBJ_SEMAPHORE);
    struct ps_thread_spec *a = h_thread(p, "a", KE_REL_NORMAL);
    h_wait(a, (int[]){e, s}, 2, true, -1); /* first in e's list */
    at_then(p, "b", SIM_MS / 2, KE_OP_WAIT, e, 0);
    at_then(p, "set1", SIM_MS, KE_OP_SET, e, 1);
    at_then(p, "rel", 2 * SIM_MS, KE_OP_RELEASE_SEMAPHORE, s, 1);
    at_then(p, "set2", 3 * SIM_MS, KE_OP_SET, e, 1);
    ck_assert_int_eq(h_run(&wl, 20 * SIM_MS, &run), KE_RUN_DONE);
    /* at 1 ms a cannot have both, so b (behind it) takes e; at 3 ms a takes both */
    ck_assert_int_eq(h_ready_after(&run, 1, KE_READY_WAKE, SIM_MS)->at, SIM_MS);
    ck_assert_int_eq(h_ready_after(&run, 0, KE_READY_WAKE, 0)->at, 3 * SIM_MS);
}
END_TEST

START_TEST(test_sync_wait_any_returns_lowest_signaled_index_r5_7)
{
    struct ps_process_spec *p = machine(1);
    int e0 = h_object(&wl, "e0", KE_OBJ_EVENT), e1 = h_object(&wl, "e1", KE_OBJ_EVENT);
    wl.objects[e0].signaled = wl.objects[e1].signaled = true;
    struct ps_thread_spec *a = h_thread(p, "a", KE_REL_NORMAL);
    h_wait(a, (int[]){e1, e0}, 2, false, -1);
    h_wait(a, (int[]){e1, e0}, 2, false, -1);
    h_wait(a, (int[]){e1, e0}, 2, false, 5 * SIM_MS);
    ck_assert_int_eq(h_run(&wl, 20 * SIM_MS, &run), KE_RUN_DONE);
    /* e1 (index 0) consumed by the first wait, e0 (index 1) by the second,
     * the third times out at 5 ms (R5.8) */
    const struct h_readied *r = h_ready_after(&run, 0, KE_READY_WAKE, 0);
    ck_assert_int_eq(r->at, 5 * SIM_MS);
    ck_assert_int_eq(r->status, KE_STATUS_TIMEOUT);
}
END_TEST

START_TEST(test_sync_semaphore_never_exceeds_its_limit_r5_3)
{
    struct ps_process_spec *p = machine(1);
    int s = h_object(&wl, "s", KE_OBJ_SEMAPHORE);
    wl.objects[s].limit = 2;
    struct ps_thread_spec *t = at_then(p, "r", SIM_MS, KE_OP_RELEASE_SEMAPHORE, s, 2);
    h_sync(t, KE_OP_RELEASE_SEMAPHORE, s, 1); /* 2 + 1 > 2: refused */
    ck_assert_int_eq(h_run(&wl, 20 * SIM_MS, &run), KE_RUN_ERROR);
    ck_assert_ptr_nonnull(strstr(run.error, "STATUS_SEMAPHORE_LIMIT_EXCEEDED"));
}
END_TEST

START_TEST(test_sync_mutex_goes_to_the_first_waiter_r5_4)
{
    struct ps_process_spec *p = machine(4);
    int m = h_object(&wl, "m", KE_OBJ_MUTEX);
    struct ps_thread_spec *o = h_thread(p, "owner", KE_REL_NORMAL);
    h_sync(o, KE_OP_ACQUIRE, m, 0);
    h_op(o, KE_OP_SLEEP, 5 * SIM_MS);
    h_sync(o, KE_OP_RELEASE, m, 0);
    struct ps_thread_spec *w1 = at_then(p, "w1", SIM_MS, KE_OP_ACQUIRE, m, 0);
    h_op(w1, KE_OP_RUN, SIM_MS);
    h_sync(w1, KE_OP_RELEASE, m, 0);
    struct ps_thread_spec *w2 = h_thread(p, "w2", KE_REL_HIGHEST);
    h_op(w2, KE_OP_SLEEP, 2 * SIM_MS);
    h_sync(w2, KE_OP_ACQUIRE, m, 0);
    h_sync(w2, KE_OP_RELEASE, m, 0);
    ck_assert_int_eq(h_run(&wl, 20 * SIM_MS, &run), KE_RUN_DONE);
    ck_assert_int_eq(h_ready_after(&run, 1, KE_READY_WAKE, 5 * SIM_MS)->at, 5 * SIM_MS);
    ck_assert_int_eq(h_ready_after(&run, 2, KE_READY_WAKE, 3 * SIM_MS)->at, 6 * SIM_MS);
}
END_TEST

START_TEST(test_sync_mutex_release_by_non_owner_is_an_error_r5_4)
{
    struct ps_process_spec *p = machine(1);
    int m = h_object(&wl, "m", KE_OBJ_MUTEX);
    at_then(p, "x", 0, KE_OP_RELEASE, m, 0);
    ck_assert_int_eq(h_run(&wl, 20 * SIM_MS, &run), KE_RUN_ERROR);
    ck_assert_ptr_nonnull(strstr(run.error, "STATUS_MUTANT_NOT_OWNED"));
}
END_TEST

START_TEST(test_sync_abandoned_mutex_tells_the_next_owner_r5_4)
{
    struct ps_process_spec *p = machine(2);
    int m = h_object(&wl, "m", KE_OBJ_MUTEX);
    struct ps_thread_spec *o = h_thread(p, "owner", KE_REL_NORMAL);
    h_sync(o, KE_OP_ACQUIRE, m, 0);
    h_op(o, KE_OP_RUN, 3 * SIM_MS); /* and exits holding it */
    struct ps_thread_spec *w = at_then(p, "w", SIM_MS, KE_OP_ACQUIRE, m, 0);
    h_sync(w, KE_OP_RELEASE, m, 0);
    ck_assert_int_eq(h_run(&wl, 20 * SIM_MS, &run), KE_RUN_DONE);
    const struct h_readied *r = h_ready_after(&run, 1, KE_READY_WAKE, 2 * SIM_MS);
    ck_assert_int_eq(r->at, 3 * SIM_MS);
    ck_assert_int_eq(r->status, KE_STATUS_ABANDONED_WAIT_0);
}
END_TEST

START_TEST(test_sync_spinlock_holder_not_preempted_and_waiter_spins_r6_2)
{
    h_workload(&wl, 2, "nt");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    int l = h_object(&wl, "l", KE_OBJ_SPINLOCK);
    struct ps_thread_spec *h = h_thread(p, "holder", KE_REL_NORMAL);
    h->affinity = 1;
    h_sync(h, KE_OP_ACQUIRE, l, 0);
    h_op(h, KE_OP_RUN, 10 * SIM_MS);
    h_sync(h, KE_OP_RELEASE, l, 0);
    struct ps_thread_spec *s = at_then(p, "spinner", SIM_MS, KE_OP_ACQUIRE, l, 0);
    s->affinity = 2;
    h_sync(s, KE_OP_RELEASE, l, 0);
    struct ps_thread_spec *x = h_thread(p, "urgent", KE_REL_TIME_CRITICAL);
    x->affinity = 1;
    h_op(x, KE_OP_SLEEP, 2 * SIM_MS);
    h_op(x, KE_OP_RUN, SIM_MS);
    h_run(&wl, 50 * SIM_MS, &run); ck_assert_msg(run.status == KE_RUN_DONE, "%s", run.error);
    /* urgent (15) is ready at 2 ms but the holder runs at DISPATCH_LEVEL */
    const struct h_switch *sw = h_switch_after(&run, 0, 2 * SIM_MS);
    ck_assert_int_eq(sw->at, 10 * SIM_MS);
    ck_assert_int_eq(sw->next, 2);
    /* the spinner kept its processor from 1 ms to 10 ms, then got the lock */
    sw = h_switch_after(&run, 1, SIM_MS + 1);
    ck_assert_int_ge(sw->at, 10 * SIM_MS);
    for (int i = 0; i < run.nob; i++)
        if (run.ob[i].thread == 1 && run.ob[i].what == 'c')
            ck_assert_int_eq(run.ob[i].at, 10 * SIM_MS);
}
END_TEST

START_TEST(test_sync_waiting_while_holding_a_spinlock_is_an_error_r6_2)
{
    struct ps_process_spec *p = machine(1);
    int l = h_object(&wl, "l", KE_OBJ_SPINLOCK);
    struct ps_thread_spec *t = at_then(p, "t", 0, KE_OP_ACQUIRE, l, 0);
    h_op(t, KE_OP_SLEEP, SIM_MS);
    ck_assert_int_eq(h_run(&wl, 20 * SIM_MS, &run), KE_RUN_ERROR);
    ck_assert_ptr_nonnull(strstr(run.error, "holding a spinlock"));
}
END_TEST

START_TEST(test_sync_queued_spinlock_grants_fifo_r6_3)
{
    h_workload(&wl, 4, "nt");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    int l = h_object(&wl, "l", KE_OBJ_SPINLOCK);
    wl.objects[l].queued = true;
    struct ps_thread_spec *h = at_then(p, "h", 0, KE_OP_ACQUIRE, l, 0);
    h_op(h, KE_OP_RUN, 10 * SIM_MS);
    h_sync(h, KE_OP_RELEASE, l, 0);
    for (int i = 0; i < 3; i++) {
        char name[4] = {(char)('a' + i), 0};
        struct ps_thread_spec *s = at_then(p, name, (sim_time_t)(3 - i) * SIM_MS, KE_OP_ACQUIRE, l, 0);
        h_op(s, KE_OP_RUN, SIM_MS);
        h_sync(s, KE_OP_RELEASE, l, 0);
    }
    h_run(&wl, 50 * SIM_MS, &run); ck_assert_msg(run.status == KE_RUN_DONE, "%s", run.error);
    /* spinners arrived c (1 ms), b (2 ms), a (3 ms): granted in that order */
    int order[3], k = 0;
    for (int i = 0; i < run.nob && k < 3; i++)
        if (run.ob[i].what == 'c')
            order[k++] = run.ob[i].thread;
    ck_assert_int_eq(k, 3);
    ck_assert_int_eq(order[0], 3);
    ck_assert_int_eq(order[1], 2);
    ck_assert_int_eq(order[2], 1);
}
END_TEST

static void reader_writer(bool starve)
{
    struct ps_process_spec *p = machine(4);
    int r = h_object(&wl, "r", KE_OBJ_ERESOURCE);
    wl.objects[r].shared_starve_exclusive = starve;
    struct ps_thread_spec *r1 = at_then(p, "r1", 0, KE_OP_ACQUIRE, r, 0);
    r1->program.ops[0].shared = true;
    h_op(r1, KE_OP_SLEEP, 10 * SIM_MS);
    h_sync(r1, KE_OP_RELEASE, r, 0);
    struct ps_thread_spec *w = at_then(p, "w", SIM_MS, KE_OP_ACQUIRE, r, 0);
    h_op(w, KE_OP_SLEEP, 5 * SIM_MS);
    h_sync(w, KE_OP_RELEASE, r, 0);
    struct ps_thread_spec *r2 = at_then(p, "r2", 2 * SIM_MS, KE_OP_ACQUIRE, r, 0);
    r2->program.ops[1].shared = true;
    h_sync(r2, KE_OP_RELEASE, r, 0);
    h_run(&wl, 50 * SIM_MS, &run); ck_assert_msg(run.status == KE_RUN_DONE, "%s", run.error);
}

static sim_time_t acquired_at(int thread)
{
    for (int i = 0; i < run.nob; i++)
        if (run.ob[i].thread == thread && (run.ob[i].what == 'a' || run.ob[i].what == 'c'))
            return run.ob[i].at;
    return -1;
}

START_TEST(test_sync_eresource_writer_preference_r6_5)
{
    reader_writer(false);
    ck_assert_int_eq(acquired_at(1), 10 * SIM_MS); /* the writer, when r1 leaves */
    ck_assert_int_eq(acquired_at(2), 15 * SIM_MS); /* r2 waited behind the writer */
}
END_TEST

START_TEST(test_sync_eresource_shared_starve_exclusive_r6_5)
{
    reader_writer(true);
    ck_assert_int_eq(acquired_at(2), 2 * SIM_MS); /* joins r1 at once */
    ck_assert_int_eq(acquired_at(1), 10 * SIM_MS);
}
END_TEST

START_TEST(test_sync_fast_mutex_handoff_boost_r3_6)
{
    h_workload(&wl, 2, "nt");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    int f = h_object(&wl, "f", KE_OBJ_FAST_MUTEX);
    struct ps_thread_spec *r = h_thread(p, "releaser", KE_REL_HIGHEST); /* 10 */
    h_sync(r, KE_OP_ACQUIRE, f, 0);
    h_op(r, KE_OP_RUN, 5 * SIM_MS);
    h_sync(r, KE_OP_RELEASE, f, 0);
    h_op(r, KE_OP_RUN, 5 * SIM_MS);
    struct ps_thread_spec *w8 = at_then(p, "waiter", SIM_MS, KE_OP_ACQUIRE, f, 0); /* 8 */
    h_sync(w8, KE_OP_RELEASE, f, 0);
    h_run(&wl, 50 * SIM_MS, &run); ck_assert_msg(run.status == KE_RUN_DONE, "%s", run.error);
    const struct h_readied *w = h_ready_after(&run, 1, KE_READY_WAKE, 5 * SIM_MS);
    ck_assert_int_eq(w->at, 5 * SIM_MS);
    ck_assert_int_eq(w->priority, 11); /* min(releaser + 1, 13) */
}
END_TEST

START_TEST(test_sync_fast_mutex_reacquire_deadlocks_r6_4)
{
    struct ps_process_spec *p = machine(1);
    int f = h_object(&wl, "f", KE_OBJ_FAST_MUTEX);
    struct ps_thread_spec *t = at_then(p, "t", 0, KE_OP_ACQUIRE, f, 0);
    h_sync(t, KE_OP_ACQUIRE, f, 0);
    ck_assert_int_eq(h_run(&wl, 20 * SIM_MS, &run), KE_RUN_DEADLOCK);
    ck_assert_ptr_nonnull(strstr(run.error, "already holds"));
}
END_TEST

START_TEST(test_sync_lock_order_cycle_is_reported)
{
    struct ps_process_spec *p = machine(2);
    int a = h_object(&wl, "a", KE_OBJ_MUTEX), b = h_object(&wl, "b", KE_OBJ_MUTEX);
    struct ps_thread_spec *t1 = at_then(p, "t1", 0, KE_OP_ACQUIRE, a, 0);
    h_op(t1, KE_OP_RUN, 2 * SIM_MS);
    h_sync(t1, KE_OP_ACQUIRE, b, 0);
    struct ps_thread_spec *t2 = at_then(p, "t2", 0, KE_OP_ACQUIRE, b, 0);
    h_op(t2, KE_OP_RUN, 3 * SIM_MS);
    h_sync(t2, KE_OP_ACQUIRE, a, 0);
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_DEADLOCK);
    ck_assert_int_eq(run.end, 3 * SIM_MS); /* found when the cycle closes */
    ck_assert_ptr_nonnull(strstr(run.error, "p/t2 waits for mutex 'a', held by p/t1"));
    ck_assert_ptr_nonnull(strstr(run.error, "p/t1 waits for mutex 'b', held by p/t2"));
}
END_TEST

START_TEST(test_sync_wait_nobody_can_end_is_reported)
{
    struct ps_process_spec *p = machine(1);
    int e = h_object(&wl, "e", KE_OBJ_EVENT);
    at_then(p, "t", SIM_MS, KE_OP_WAIT, e, 0);
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_DEADLOCK);
    ck_assert_ptr_nonnull(strstr(run.error, "p/t waits for 'e'"));
}
END_TEST

START_TEST(test_sync_io_completion_boost_r3_2_r3_3)
{
    struct ps_process_spec *p = machine(1);
    struct ps_thread_spec *t = h_thread(p, "t", KE_REL_NORMAL);
    h_io(t, SIM_MS, 6); /* IO_KEYBOARD_INCREMENT */
    ck_assert_int_eq(h_run(&wl, 20 * SIM_MS, &run), KE_RUN_DONE);
    ck_assert_int_eq(h_ready_after(&run, 0, KE_READY_WAKE, 0)->priority, 14); /* 8 + 6 */
}
END_TEST

START_TEST(test_sync_disable_boost_r3_1)
{
    struct ps_process_spec *p = machine(1);
    struct ps_thread_spec *t = h_thread(p, "t", KE_REL_NORMAL);
    t->disable_boost = true;
    h_io(t, SIM_MS, 6);
    ck_assert_int_eq(h_run(&wl, 20 * SIM_MS, &run), KE_RUN_DONE);
    ck_assert_int_eq(h_ready_after(&run, 0, KE_READY_WAKE, 0)->priority, 8);
}
END_TEST

START_TEST(test_sync_barrier_releases_a_phase_together)
{
    struct ps_process_spec *p = machine(4);
    int b = h_object(&wl, "b", KE_OBJ_BARRIER);
    wl.objects[b].count = 3;
    for (int i = 0; i < 3; i++) {
        char name[4] = {(char)('a' + i), 0};
        at_then(p, name, (sim_time_t)(i + 1) * SIM_MS, KE_OP_BARRIER, b, 0);
    }
    ck_assert_int_eq(h_run(&wl, 20 * SIM_MS, &run), KE_RUN_DONE);
    ck_assert_int_eq(h_ready_after(&run, 0, KE_READY_WAKE, 2 * SIM_MS)->at, 3 * SIM_MS);
    ck_assert_int_eq(h_ready_after(&run, 1, KE_READY_WAKE, 3 * SIM_MS)->at, 3 * SIM_MS);
    ck_assert_int_eq(run.end, 3 * SIM_MS);
}
END_TEST

START_TEST(test_sync_condition_wakes_one_and_has_no_memory)
{
    struct ps_process_spec *p = machine(2);
    int cv = h_object(&wl, "cv", KE_OBJ_CONDITION), m = h_object(&wl, "m", KE_OBJ_MUTEX);
    at_then(p, "early", 0, KE_OP_WAKE, cv, 0); /* nobody waits: lost */
    for (int i = 0; i < 2; i++) {
        struct ps_thread_spec *w = h_thread(p, i ? "w1" : "w0", KE_REL_NORMAL);
        h_op(w, KE_OP_SLEEP, (sim_time_t)(i + 1) * SIM_MS);
        h_sync(w, KE_OP_ACQUIRE, m, 0);
        struct ke_op op = {.kind = KE_OP_COND_WAIT, .object = cv, .lock = m};
        ke_program_append(&w->program, &op);
        h_sync(w, KE_OP_RELEASE, m, 0);
    }
    at_then(p, "waker", 5 * SIM_MS, KE_OP_WAKE, cv, 0);
    ck_assert_int_eq(h_run(&wl, 50 * SIM_MS, &run), KE_RUN_DEADLOCK); /* w1 waits forever */
    ck_assert_int_eq(h_ready_after(&run, 1, KE_READY_WAKE, 2 * SIM_MS)->at, 5 * SIM_MS);
    ck_assert_ptr_null(h_ready_after(&run, 2, KE_READY_WAKE, 3 * SIM_MS));
}
END_TEST

START_TEST(test_sync_priority_inversion_classic_outcome_r6_7_r3_7)
{
    h_workload(&wl, 1, "nt");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    int m = h_object(&wl, "m", KE_OBJ_MUTEX);
    struct ps_thread_spec *t1 = h_thread(p, "t1", 4);
    t1->priority_absolute = true;
    h_sync(t1, KE_OP_ACQUIRE, m, 0);
    h_op(t1, KE_OP_RUN, 5 * SIM_MS);
    h_sync(t1, KE_OP_RELEASE, m, 0);
    struct ps_thread_spec *t2 = h_thread(p, "t2", 8);
    t2->priority_absolute = true;
    h_op(t2, KE_OP_SLEEP, SIM_MS);
    uint32_t loop = h_open(t2, KE_OP_LOOP, KE_LOOP_FOREVER);
    h_op(t2, KE_OP_RUN, SIM_S);
    h_close(t2, loop);
    struct ps_thread_spec *t3 = at_then(p, "t3", 2 * SIM_MS, KE_OP_ACQUIRE, m, 0);
    t3->priority = 12, t3->priority_absolute = true;
    h_op(t3, KE_OP_RUN, SIM_MS);
    h_sync(t3, KE_OP_RELEASE, m, 0);
    ck_assert_int_eq(h_run(&wl, 6 * SIM_S, &run), KE_RUN_DONE);
    /* t1 (4) holds m, t2 (8) keeps it off the processor, t3 (12) waits: only
     * the balance set manager's pass at 5 s (t1 ready >= 300 ticks since
     * 1 ms) lifts t1 to 15; it finishes its last 4 ms and t3 gets m. */
    const struct h_readied *b = h_ready_after(&run, 0, KE_READY_REQUEUE, SIM_MS);
    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(b->at, 5 * SIM_S);
    ck_assert_int_eq(b->priority, 15);
    ck_assert_int_eq(acquired_at(2), 5 * SIM_S + 4 * SIM_MS);
}
END_TEST

START_TEST(test_sync_starvation_boost_vanishes_at_quantum_end_r3_7)
{
    h_workload(&wl, 1, "nt");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    h_hog(p, "hog", KE_REL_HIGHEST);
    h_hog(p, "low", KE_REL_NORMAL);
    ck_assert_int_eq(h_run(&wl, 6 * SIM_S, &run), KE_RUN_DONE);
    /* low waits from 0; the pass at 5 s boosts it (>= 4.6875 s ready); the
     * tick at that same instant charges it 3 of its 4 units (it is running),
     * the next one ends its quantum: it decays to 8 and hog (10) takes over */
    const struct h_switch *s = h_switch_after(&run, 0, SIM_MS);
    ck_assert_int_eq(s->at, 5 * SIM_S);
    ck_assert_int_eq(s->next, 1);
    s = h_switch_after(&run, 0, 5 * SIM_S + 1);
    ck_assert_int_eq(s->at, 5 * SIM_S + 15625 * SIM_US);
    ck_assert_int_eq(s->next, 0);
}
END_TEST

START_TEST(test_sync_wait_satisfied_at_once_charges_a_unit_r2_9)
{
    h_workload(&wl, 1, "nt");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    int e = h_object(&wl, "e", KE_OBJ_EVENT);
    wl.objects[e].notification = wl.objects[e].signaled = true;
    struct ps_thread_spec *a = h_thread(p, "a", KE_REL_NORMAL);
    uint32_t l = h_open(a, KE_OP_LOOP, 6);
    h_sync(a, KE_OP_WAIT, e, 0);
    h_close(a, l);
    h_op(a, KE_OP_RUN, 10 * SIM_MS);
    h_hog(p, "b", KE_REL_NORMAL);
    ck_assert_int_eq(h_run(&wl, 50 * SIM_MS, &run), KE_RUN_DONE);
    /* six waits that never block use up a's 6 units: it yields to b at once */
    ck_assert_int_ge(run.nsw, 2);
    ck_assert_int_eq(run.sw[1].at, 0);
    ck_assert_int_eq(run.sw[1].prev, 0);
    ck_assert_int_eq(run.sw[1].next, 1);
}
END_TEST

START_TEST(test_sync_standby_thread_is_displaced_by_a_higher_one_r4_5)
{
    h_workload(&wl, 1, "nt");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    int e = h_object(&wl, "e", KE_OBJ_EVENT);
    wl.objects[e].notification = true;
    struct ps_thread_spec *pt = at_then(p, "p10", 0, KE_OP_WAIT, e, 0);
    pt->priority = KE_REL_HIGHEST; /* 10 */
    h_op(pt, KE_OP_RUN, SIM_MS);
    struct ps_thread_spec *q = at_then(p, "q15", SIM_US, KE_OP_WAIT, e, 0); /* waits second */
    q->priority = KE_REL_TIME_CRITICAL; /* 15 */
    h_op(q, KE_OP_RUN, SIM_MS);
    struct ps_thread_spec *s8 = h_thread(p, "setter", KE_REL_NORMAL);
    h_op(s8, KE_OP_RUN, SIM_MS);
    h_sync(s8, KE_OP_SET, e, 1);
    h_op(s8, KE_OP_RUN, SIM_MS);
    ck_assert_int_eq(h_run(&wl, 50 * SIM_MS, &run), KE_RUN_DONE);
    /* at 1 ms one set readies p10 (Standby over the setter) then q15, which
     * displaces it: q15 runs, then p10, then the setter */
    const struct h_readied *r = h_ready_after(&run, 0, KE_READY_REQUEUE, SIM_MS);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(r->at, SIM_MS);
    const struct h_switch *sw = h_switch_after(&run, 0, SIM_MS);
    ck_assert_int_eq(sw->next, 1);
    sw = h_switch_after(&run, 0, SIM_MS + 1);
    ck_assert_int_eq(sw->at, 2 * SIM_MS);
    ck_assert_int_eq(sw->next, 0);
}
END_TEST

static int boosts_at(sim_time_t at)
{
    int n = 0;
    for (int i = 0; i < run.nrd; i++)
        n += run.rd[i].at == at && run.rd[i].why == KE_READY_REQUEUE && run.rd[i].priority == 15;
    return n;
}

START_TEST(test_sync_balance_set_manager_limits_r3_7)
{
    h_workload(&wl, 1, "nt");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    struct ps_thread_spec *h = h_hog(p, "hog", 14);
    h->priority_absolute = true;
    for (int i = 0; i < 20; i++) {
        char name[8];
        snprintf(name, sizeof name, "s%d", i);
        h_hog(p, name, KE_REL_NORMAL);
    }
    ck_assert_int_eq(h_run(&wl, 7 * SIM_S + SIM_MS, &run), KE_RUN_DONE);
    /* 20 threads at 8 starve behind 14.  The pass at 5 s examines 16 and
     * boosts 10 (the limit), saving level 9 as where to start; the pass at
     * 6 s scans 9-14, finds nobody and resets to 1; the one at 7 s boosts
     * the 10 others (the first ten were queued again at ~5 s) */
    ck_assert_int_eq(boosts_at(5 * SIM_S), 10);
    ck_assert_int_eq(boosts_at(6 * SIM_S), 0);
    ck_assert_int_eq(boosts_at(7 * SIM_S), 10);
}
END_TEST

START_TEST(test_sync_timers_periodic_and_notification_r5_5)
{
    struct ps_process_spec *p = machine(2);
    int tick = h_object(&wl, "tick", KE_OBJ_TIMER), once = h_object(&wl, "once", KE_OBJ_TIMER);
    wl.objects[tick].period = 10 * SIM_MS; /* synchronization: one waiter per expiry */
    wl.objects[once].due = 5 * SIM_MS;
    wl.objects[once].notification = true;
    struct ps_thread_spec *t = h_thread(p, "t", KE_REL_NORMAL);
    for (int i = 0; i < 3; i++)
        h_sync(t, KE_OP_WAIT, tick, 0);
    at_then(p, "a", 0, KE_OP_WAIT, once, 0);
    at_then(p, "b", 0, KE_OP_WAIT, once, 0);
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_DONE);
    sim_time_t want[3] = {10 * SIM_MS, 20 * SIM_MS, 30 * SIM_MS};
    int k = 0;
    for (int i = 0; i < run.nrd; i++)
        if (run.rd[i].thread == 0 && run.rd[i].why == KE_READY_WAKE)
            ck_assert_int_eq(run.rd[i].at, want[k++]);
    ck_assert_int_eq(k, 3);
    ck_assert_int_eq(h_ready_after(&run, 1, KE_READY_WAKE, 0)->at, 5 * SIM_MS);
    ck_assert_int_eq(h_ready_after(&run, 2, KE_READY_WAKE, 0)->at, 5 * SIM_MS);
}
END_TEST

START_TEST(test_sync_eresource_owner_boost_after_500ms_r3_8)
{
    h_workload(&wl, 1, "nt");
    struct ps_process_spec *p = h_process(&wl, "p", PS_CLASS_NORMAL, false);
    int r = h_object(&wl, "r", KE_OBJ_ERESOURCE);
    struct ps_thread_spec *o = at_then(p, "owner", 0, KE_OP_ACQUIRE, r, 0);
    h_op(o, KE_OP_RUN, 5 * SIM_MS);
    h_sync(o, KE_OP_RELEASE, r, 0);
    struct ps_thread_spec *hog = h_thread(p, "hog", 10);
    hog->priority_absolute = true;
    h_op(hog, KE_OP_SLEEP, SIM_MS); /* from 1 ms on, forever */
    uint32_t l = h_open(hog, KE_OP_LOOP, KE_LOOP_FOREVER);
    h_op(hog, KE_OP_RUN, SIM_S);
    h_close(hog, l);
    struct ps_thread_spec *w = at_then(p, "waiter", 2 * SIM_MS, KE_OP_ACQUIRE, r, 0);
    w->priority = 12, w->priority_absolute = true;
    h_sync(w, KE_OP_RELEASE, r, 0);
    ck_assert_int_eq(h_run(&wl, 2 * SIM_S, &run), KE_RUN_DONE);
    /* the hog (10) keeps the owner (8) off the processor; the waiter's
     * 500 ms timeout raises the owner to 14: it runs, releases, the waiter
     * gets the resource */
    const struct h_readied *b = h_ready_after(&run, 0, KE_READY_REQUEUE, 2 * SIM_MS);
    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(b->at, 502 * SIM_MS);
    ck_assert_int_eq(b->priority, 14);
    ck_assert_int_eq(acquired_at(2), 502 * SIM_MS + 4 * SIM_MS); /* it had run 1 ms of 5 */
}
END_TEST

START_TEST(test_sync_push_lock_is_not_recursive_r6_6)
{
    struct ps_process_spec *p = machine(1);
    int l = h_object(&wl, "pl", KE_OBJ_PUSH_LOCK);
    struct ps_thread_spec *t = at_then(p, "t", 0, KE_OP_ACQUIRE, l, 0);
    h_sync(t, KE_OP_ACQUIRE, l, 0);
    ck_assert_int_eq(h_run(&wl, SIM_S, &run), KE_RUN_DEADLOCK);
    ck_assert_ptr_nonnull(strstr(run.error, "push lock 'pl'"));
}
END_TEST

Suite *sync_suite(void)
{
    Suite *s = suite_create("sync");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_sync_synchronization_event_wakes_the_head_waiter_r5_2);
    tcase_add_test(tc, test_sync_notification_event_wakes_all_r5_2);
    tcase_add_test(tc, test_sync_wait_all_is_atomic_r5_7);
    tcase_add_test(tc, test_sync_wait_any_returns_lowest_signaled_index_r5_7);
    tcase_add_test(tc, test_sync_semaphore_never_exceeds_its_limit_r5_3);
    tcase_add_test(tc, test_sync_mutex_goes_to_the_first_waiter_r5_4);
    tcase_add_test(tc, test_sync_mutex_release_by_non_owner_is_an_error_r5_4);
    tcase_add_test(tc, test_sync_abandoned_mutex_tells_the_next_owner_r5_4);
    tcase_add_test(tc, test_sync_spinlock_holder_not_preempted_and_waiter_spins_r6_2);
    tcase_add_test(tc, test_sync_waiting_while_holding_a_spinlock_is_an_error_r6_2);
    tcase_add_test(tc, test_sync_queued_spinlock_grants_fifo_r6_3);
    tcase_add_test(tc, test_sync_eresource_writer_preference_r6_5);
    tcase_add_test(tc, test_sync_eresource_shared_starve_exclusive_r6_5);
    tcase_add_test(tc, test_sync_fast_mutex_handoff_boost_r3_6);
    tcase_add_test(tc, test_sync_fast_mutex_reacquire_deadlocks_r6_4);
    tcase_add_test(tc, test_sync_lock_order_cycle_is_reported);
    tcase_add_test(tc, test_sync_wait_nobody_can_end_is_reported);
    tcase_add_test(tc, test_sync_io_completion_boost_r3_2_r3_3);
    tcase_add_test(tc, test_sync_disable_boost_r3_1);
    tcase_add_test(tc, test_sync_barrier_releases_a_phase_together);
    tcase_add_test(tc, test_sync_condition_wakes_one_and_has_no_memory);
    tcase_add_test(tc, test_sync_priority_inversion_classic_outcome_r6_7_r3_7);
    tcase_add_test(tc, test_sync_starvation_boost_vanishes_at_quantum_end_r3_7);
    tcase_add_test(tc, test_sync_wait_satisfied_at_once_charges_a_unit_r2_9);
    tcase_add_test(tc, test_sync_standby_thread_is_displaced_by_a_higher_one_r4_5);
    tcase_add_test(tc, test_sync_balance_set_manager_limits_r3_7);
    tcase_add_test(tc, test_sync_timers_periodic_and_notification_r5_5);
    tcase_add_test(tc, test_sync_eresource_owner_boost_after_500ms_r3_8);
    tcase_add_test(tc, test_sync_push_lock_is_not_recursive_r6_6);
    suite_add_tcase(s, tc);
    return s;
}
