/* models/ke_object.c - dispatcher objects and waits (layer: models).
 *
 * Owns the run-time scenario resources (`struct ke_object`) and the wait
 * machinery of NT-SCHEDULER-SPEC section 5: signal states, FIFO wait lists
 * of wait blocks (R5.1), events (R5.2), semaphores (R5.3), mutants with
 * ownership, recursion and abandonment (R5.4), timers (R5.5), wait-any and
 * wait-all with timeouts (R5.7, R5.8), plus condition variables and barriers
 * (woken explicitly, not by a signal state).  KiWaitTest, KiUnwaitThread and
 * KeWaitForMultipleObjects keep their NT names in comments.  Executive locks
 * built on the same wait blocks are in models/ex_lock.c.
 *
 * SPDX-License-Identifier: MIT
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MODELS_INTERNAL
#include "models/models_int.h"

/* ===== signal states ==================================================== */

/* Could `o` satisfy a wait by t right now?  Conditions, barriers and locks
 * are never "signaled": they wake their waiters explicitly. */
static bool signaled_for(const struct ke_object *o, const struct ke_thread *t)
{
    switch (o->spec->type) {
    case KE_OBJ_MUTEX: return o->signal_state > 0 || o->owner == t;
    case KE_OBJ_EVENT:
    case KE_OBJ_TIMER:
    case KE_OBJ_SEMAPHORE:
    case KE_OBJ_PROCESS:
    case KE_OBJ_THREAD: return o->signal_state > 0;
    default: return false;
    }
}

/* KiWaitSatisfyAny / KiWaitSatisfyMutant: consume o for t.  Returns true
 * when t gets an abandoned mutant (R5.4). */
static bool satisfy(struct ke_object *o, struct ke_thread *t)
{
    switch (o->spec->type) {
    case KE_OBJ_EVENT:
    case KE_OBJ_TIMER:
        if (!o->spec->notification)
            o->signal_state = 0; /* synchronization objects auto-reset */
        return false;
    case KE_OBJ_SEMAPHORE:
        o->signal_state--;
        return false;
    case KE_OBJ_MUTEX: {
        bool abandoned = o->abandoned;
        if (--o->signal_state == 0) {
            o->owner = t;
            sim_list_push_tail(&t->owned, &o->owned_link);
        }
        o->abandoned = false;
        return abandoned;
    }
    default:
        return false;
    }
}

static bool all_signaled(const struct ke_thread *t)
{
    for (uint32_t i = 0; i < t->wait_count; i++)
        if (!signaled_for(t->wait_blocks[i].object, t))
            return false;
    return true;
}

/* ===== unwaiting ========================================================= */

static bool acquired_by(int got, uint32_t index)
{
    return got == -2 || (got >= 0 && (uint32_t)got == index);
}

void ke__unwait(struct ke_machine *m, struct ke_thread *t, int status, int got, int increment,
                bool adjust)
{
    assert(t->state == KE_WAITING);
    for (uint32_t i = 0; i < t->wait_count; i++) {
        struct ke_wait_block *wb = &t->wait_blocks[i];
        sim_list_remove(&wb->link);
        wb->object->nwaiters--;
        KE__PROBE(m, object_done, t, wb->object, acquired_by(got, wb->index), true);
    }
    t->wait_count = 0;
    t->wait_status = status;
    sim_cancel(&m->sim, &t->timer);
    KE__PROBE(m, wait_end, t);
    if (adjust && m->policy->unwait)
        m->policy->unwait(m, t, increment);
    ke__ready(m, t, KE_READY_WAKE);
}

/* KiWaitTest: satisfy waiters of o from the head while it stays signaled. */
static void wait_test(struct ke_machine *m, struct ke_object *o, int increment)
{
    struct sim_list *pos = o->waiters.next;
    while (pos != &o->waiters && o->signal_state > 0) {
        struct ke_wait_block *wb = SIM_CONTAINER_OF(pos, struct ke_wait_block, link);
        struct ke_thread *t = wb->thread;
        pos = pos->next; /* t's blocks leave their lists when it is unwaited */
        if (!t->wait_all) {
            bool abandoned = satisfy(o, t);
            int base = abandoned ? KE_STATUS_ABANDONED_WAIT_0 : KE_STATUS_WAIT_0;
            ke__unwait(m, t, base + (int)wb->index, (int)wb->index, increment, true);
        } else if (all_signaled(t)) { /* R5.7: all at once or none */
            for (uint32_t i = 0; i < t->wait_count; i++)
                satisfy(t->wait_blocks[i].object, t);
            ke__unwait(m, t, KE_STATUS_WAIT_0, -2, increment, true);
        }
    }
}

/* ===== waiting =========================================================== */

static void timed_out(struct sim *s, struct sim_event *ev)
{
    struct ke_thread *t = SIM_CONTAINER_OF(ev, struct ke_thread, timer);
    struct ke_machine *m = t->m;
    (void)s;
    m->current_cpu = 0;
    ke__unwait(m, t, KE_STATUS_TIMEOUT, -1, 0, true); /* R5.8 */
    ke__flush(m);
}

void ke__link_block(struct ke_machine *m, struct ke_thread *t, struct ke_object *o, uint32_t index)
{
    struct ke_wait_block *wb = &t->wait_blocks[t->wait_count++];
    wb->thread = t;
    wb->object = o;
    wb->index = index;
    sim_list_push_tail(&o->waiters, &wb->link);
    o->nwaiters++;
    KE__PROBE(m, object_wait, t, o);
}

/* The running thread t, with its wait blocks linked, leaves its processor. */
static void block(struct ke_machine *m, struct ke_thread *t, bool has_timeout, sim_time_t timeout)
{
    KE__PROBE(m, wait_begin, t, KE_WAIT_OBJECT);
    ke__leave_cpu(m, t, KE_WAITING);
    if (has_timeout) {
        sim_event_init(&t->timer, timed_out);
        sim_schedule(&m->sim, &t->timer, m->sim.now + timeout);
    }
}

void ke__block_on(struct ke_machine *m, struct ke_thread *t, struct ke_object *o, uint32_t index,
                  bool has_timeout, sim_time_t timeout)
{
    t->wait_all = false;
    t->wait_count = 0;
    ke__link_block(m, t, o, index);
    block(m, t, has_timeout, timeout);
}

/* Satisfied at once: consume and report, as KeWaitForMultipleObjects does
 * before it would block. */
static bool satisfy_now(struct ke_machine *m, struct ke_thread *t, struct ke_object *const *objs,
                        uint32_t n, bool all)
{
    if (all) {
        for (uint32_t i = 0; i < n; i++)
            if (!signaled_for(objs[i], t))
                return false;
        for (uint32_t i = 0; i < n; i++) {
            satisfy(objs[i], t);
            KE__PROBE(m, object_done, t, objs[i], true, false);
        }
        t->wait_status = KE_STATUS_WAIT_0;
        return true;
    }
    for (uint32_t i = 0; i < n; i++)
        if (signaled_for(objs[i], t)) { /* the lowest signaled index (R5.7) */
            bool abandoned = satisfy(objs[i], t);
            KE__PROBE(m, object_done, t, objs[i], true, false);
            t->wait_status = (abandoned ? KE_STATUS_ABANDONED_WAIT_0 : KE_STATUS_WAIT_0) + (int)i;
            return true;
        }
    return false;
}

bool ke__wait(struct ke_machine *m, struct ke_thread *t, struct ke_object *const *objs,
              uint32_t n, bool all, bool has_timeout, sim_time_t timeout)
{
    assert(t->state == KE_RUNNING && n >= 1 && n <= t->wait_cap);
    if (satisfy_now(m, t, objs, n, all))
        return false;
    if (has_timeout && timeout <= 0) { /* a poll (R5.8) */
        t->wait_status = KE_STATUS_TIMEOUT;
        return false;
    }
    t->wait_all = all;
    t->wait_count = 0;
    for (uint32_t i = 0; i < n; i++)
        ke__link_block(m, t, objs[i], i);
    block(m, t, has_timeout, timeout);
    return true;
}

/* ===== operations ======================================================== */

void ke__set_event(struct ke_machine *m, struct ke_object *o, int increment, bool pulse)
{
    if (o->signal_state == 0) { /* setting a signaled event is a no-op (R5.2) */
        o->signal_state = 1;
        wait_test(m, o, increment);
    }
    if (pulse)
        o->signal_state = 0;
}

void ke__reset_event(struct ke_object *o) { o->signal_state = 0; }

void ke__release_semaphore(struct ke_machine *m, struct ke_thread *t, struct ke_object *o,
                           int64_t count, const struct ke_src *src)
{
    (void)t;
    if (o->signal_state + count > o->spec->limit) { /* R5.3: fails, changes nothing */
        ke__error(m, src,
                  "releasing semaphore '%s' by %lld would exceed its maximum %lld "
                  "(STATUS_SEMAPHORE_LIMIT_EXCEEDED; count is %lld)",
                  o->spec->name, (long long)count, (long long)o->spec->limit,
                  (long long)o->signal_state);
        return;
    }
    o->signal_state += count;
    wait_test(m, o, KE_SEMAPHORE_INCREMENT);
}

void ke__release_mutex(struct ke_machine *m, struct ke_thread *t, struct ke_object *o,
                       const struct ke_src *src)
{
    if (o->owner != t) { /* R5.4 */
        ke__error(m, src, "%s releases mutex '%s' it does not own (STATUS_MUTANT_NOT_OWNED)",
                  t->entity, o->spec->name);
        return;
    }
    if (++o->signal_state < 1)
        return; /* a recursive hold remains */
    o->owner = NULL;
    sim_list_remove(&o->owned_link);
    KE__PROBE(m, object_release, t, o);
    ke__autoboost_end(m, t);
    wait_test(m, o, KE_MUTANT_INCREMENT); /* straight to the first waiter */
}

void ke__wake_condition(struct ke_machine *m, struct ke_object *o, bool all)
{
    while (!sim_list_empty(&o->waiters)) { /* no waiter: no memory */
        struct ke_wait_block *wb = SIM_CONTAINER_OF(o->waiters.next, struct ke_wait_block, link);
        ke__unwait(m, wb->thread, KE_STATUS_WAIT_0, 0, KE_EVENT_INCREMENT, true);
        if (!all)
            return;
    }
}

bool ke__enter_barrier(struct ke_machine *m, struct ke_thread *t, struct ke_object *o)
{
    if (++o->arrived < o->spec->count) {
        ke__block_on(m, t, o, 0, false, 0);
        return true;
    }
    o->arrived = 0; /* the last one in releases the phase and goes on */
    ke__wake_condition(m, o, true);
    return false;
}

bool ke__thread_release_all(struct ke_machine *m, struct ke_thread *t)
{
    while (!sim_list_empty(&t->owned)) {
        struct ke_object *o = SIM_CONTAINER_OF(t->owned.next, struct ke_object, owned_link);
        if (o->spec->kernel) {
            ke__error(m, &o->spec->src,
                      "%s exits holding kernel mutex '%s' (bugcheck THREAD_TERMINATE_HELD_MUTEX)",
                      t->entity, o->spec->name);
            return false;
        }
        o->owner = NULL; /* R5.4: abandoned, waiters woken with increment 1 */
        o->signal_state = 1;
        o->abandoned = true;
        sim_list_remove(&o->owned_link);
        KE__PROBE(m, object_release, t, o);
        wait_test(m, o, KE_MUTANT_INCREMENT);
    }
    if (t->spinlocks_held || t->apc_locks_held) {
        ke__error(m, NULL, "%s exits holding %d spinlock(s) and %d fast/guarded mutex(es)",
                  t->entity, t->spinlocks_held, t->apc_locks_held);
        return false;
    }
    return true;
}

/* ===== process and thread objects (R5.6) ================================== */

static const struct ke_object_spec exit_specs[] = {
    {.name = "process", .type = KE_OBJ_PROCESS, .notification = true},
    {.name = "thread", .type = KE_OBJ_THREAD, .notification = true},
};

struct ke_object *ke__exit_object_new(struct ke_machine *m, enum ke_object_type type)
{
    struct ke_object *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    o->spec = &exit_specs[type == KE_OBJ_THREAD];
    o->index = UINT32_MAX; /* not a scenario resource */
    o->m = m;
    sim_list_init(&o->waiters);
    return o;
}

/* ===== timers and life cycle ============================================= */

static void timer_expired(struct sim *s, struct sim_event *ev)
{
    struct ke_object *o = SIM_CONTAINER_OF(ev, struct ke_object, expiry);
    struct ke_machine *m = o->m;
    (void)s;
    m->current_cpu = 0;
    o->signal_state = 1; /* R5.5: wakes with increment 0 */
    wait_test(m, o, 0);
    if (o->spec->period > 0)
        sim_schedule(&m->sim, &o->expiry, m->sim.now + o->spec->period);
    ke__flush(m);
}

static int object_init(struct ke_machine *m, struct ke_object *o, const struct ke_object_spec *sp,
                       uint32_t index)
{
    o->spec = sp;
    o->index = index;
    o->m = m;
    sim_list_init(&o->waiters);
    o->signal_state = sp->type == KE_OBJ_MUTEX       ? 1
                      : sp->type == KE_OBJ_SEMAPHORE ? sp->initial
                      : sp->type == KE_OBJ_EVENT     ? sp->signaled
                                                     : 0;
    if (sp->type == KE_OBJ_TIMER) {
        sim_event_init(&o->expiry, timer_expired);
        if (sim_schedule(&m->sim, &o->expiry, sp->due > 0 ? sp->due : sp->period) != 0)
            return -1;
    }
    if (sp->type == KE_OBJ_SPINLOCK) {
        char name[300];
        snprintf(name, sizeof name, "lock:%s", sp->name);
        if (!(o->rng = sim_rng_stream(m->opt.seed, name)))
            return -1;
    }
    return 0;
}

int ke__objects_init(struct ke_machine *m)
{
    m->nobjects = m->wl->nobjects;
    if (m->nobjects == 0)
        return 0;
    m->objects = calloc((size_t)m->nobjects, sizeof *m->objects);
    if (!m->objects)
        return -1;
    for (int i = 0; i < m->nobjects; i++)
        if (object_init(m, &m->objects[i], &m->wl->objects[i], (uint32_t)i) != 0)
            return -1;
    return 0;
}

void ke__objects_fini(struct ke_machine *m)
{
    for (int i = 0; i < m->nobjects; i++) {
        struct ke_object *o = &m->objects[i];
        if (o->rng)
            gsl_rng_free(o->rng);
        free(o->shared);
    }
    free(m->objects);
    m->objects = NULL;
}
