/* models/ex_lock.c - executive locks: spinlocks, fast/guarded mutexes, ERESOURCEs, push locks (layer: models).
 *
 * Owns NT-SCHEDULER-SPEC section 6 on top of the wait blocks of
 * models/ke_object.c:
 *   - spinlocks raise to DISPATCH_LEVEL; a waiter spins on its processor,
 *     burning CPU, and cannot be switched out; the holder cannot either
 *     (R6.1, R6.2).  Ordinary spinlocks grant in no particular order (a
 *     uniform draw among the spinners, from the lock's own RNG stream);
 *     queued spinlocks grant FIFO (R6.3);
 *   - fast and guarded mutexes hold APC_LEVEL, are not recursive, and hand
 *     off to the head waiter with the boost of R3.6 (R6.4);
 *   - ERESOURCEs: shared/exclusive with recursion, writer preference, the
 *     release rules of R6.5 and the owner boost of R3.8; push locks are
 *     ERESOURCEs without recursion or owner boost, woken through the gate
 *     path (R6.6).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>

#define MODELS_INTERNAL
#include "models/models_int.h"

#define RESOURCE_FIRST_TIMEOUT (500 * SIM_MS) /* R3.8 */
#define RESOURCE_NEXT_TIMEOUT (4 * SIM_S)

/* ===== IRQL ============================================================== */

int ke__irql_of(const struct ke_thread *t)
{
    if (t->spinlocks_held || t->spinning_on)
        return KE_DISPATCH_LEVEL;
    return t->apc_locks_held ? KE_APC_LEVEL : KE_PASSIVE_LEVEL;
}

void ke__irql_update(struct ke_machine *m, struct ke_thread *t)
{
    int old = t->irql;
    t->irql = ke__irql_of(t);
    if (old < KE_DISPATCH_LEVEL || t->irql >= KE_DISPATCH_LEVEL || t->state != KE_RUNNING)
        return;
    struct ke_cpu *c = ke__cpu_of(m, t); /* a switch may now happen (R6.1) */
    if (m->policy->irql_lowered)
        m->policy->irql_lowered(m, c, t);
    if (m->cpu_int[c->number].deferred) {
        m->cpu_int[c->number].deferred = false;
        ke__resched(m, c);
    }
}

/* ===== handing a lock to a waiter ========================================== */

static struct ke_wait_block *first_waiter(struct ke_object *o, int index)
{
    struct sim_list *pos;
    sim_list_for_each(pos, &o->waiters)
    {
        struct ke_wait_block *wb = SIM_CONTAINER_OF(pos, struct ke_wait_block, link);
        if (index < 0 || wb->index == (uint32_t)index)
            return wb;
    }
    return NULL;
}

/* KeSetEventBoostPriority / KeSignalGateBoostPriority (R3.6). */
static void handoff(struct ke_machine *m, struct ke_thread *releaser, struct ke_thread *w, bool gate)
{
    if (m->policy->handoff) {
        m->policy->handoff(m, releaser, w, gate);
        ke__unwait(m, w, KE_STATUS_WAIT_0, -2, 0, false);
    } else {
        ke__unwait(m, w, KE_STATUS_WAIT_0, -2, KE_EVENT_INCREMENT, true);
    }
}

static void granted(struct ke_machine *m, struct ke_thread *t, struct ke_object *o)
{
    KE__PROBE(m, object_done, t, o, true, false);
}

/* ===== spinlocks ========================================================== */

static bool spin_acquire(struct ke_machine *m, struct ke_thread *t, struct ke_object *o)
{
    if (o->owner == t) {
        ke__deadlock(m, "%s acquires spinlock '%s' it already holds: it spins forever", t->entity,
                     o->spec->name);
        return true;
    }
    if (!o->owner) {
        o->owner = t;
        t->spinlocks_held++;
        ke__irql_update(m, t);
        granted(m, t, o);
        return false;
    }
    t->spinning_on = o; /* on its processor, at DISPATCH_LEVEL, burning CPU */
    t->spin_since = m->sim.now;
    t->wait_count = 0;
    ke__link_block(m, t, o, 0);
    ke__irql_update(m, t);
    return true;
}

static void spin_release(struct ke_machine *m, struct ke_thread *t, struct ke_object *o)
{
    o->owner = NULL;
    t->spinlocks_held--;
    KE__PROBE(m, object_release, t, o);
    if (o->nwaiters) {
        uint32_t k = o->spec->queued ? 0 : (uint32_t)gsl_rng_uniform_int(o->rng, o->nwaiters);
        struct sim_list *pos = o->waiters.next;
        while (k--)
            pos = pos->next;
        struct ke_wait_block *wb = SIM_CONTAINER_OF(pos, struct ke_wait_block, link);
        struct ke_thread *w = wb->thread;
        sim_list_remove(&wb->link);
        o->nwaiters--;
        w->wait_count = 0;
        w->spinning_on = NULL;
        o->owner = w;
        w->spinlocks_held++;
        KE__PROBE(m, object_done, w, o, true, true);
        w->irql = ke__irql_of(w);
        ke__start_burst(m, ke__cpu_of(m, w), w); /* it stops spinning and goes on */
    }
    ke__irql_update(m, t);
}

/* ===== fast and guarded mutexes =========================================== */

static bool fast_acquire(struct ke_machine *m, struct ke_thread *t, struct ke_object *o)
{
    if (o->owner == t) {
        ke__deadlock(m, "%s acquires %s '%s' it already holds (not recursive, R6.4)", t->entity,
                     o->spec->type == KE_OBJ_FAST_MUTEX ? "fast mutex" : "guarded mutex",
                     o->spec->name);
        return true;
    }
    if (!o->owner) {
        o->owner = t;
        t->apc_locks_held++;
        ke__irql_update(m, t);
        granted(m, t, o);
        return false;
    }
    if (!ke__deadlock_cycle(m, t, o)) {
        ke__autoboost(m, o->owner, t);
        ke__block_on(m, t, o, 0, false, 0);
    }
    return true;
}

static void fast_release(struct ke_machine *m, struct ke_thread *t, struct ke_object *o)
{
    o->owner = NULL;
    t->apc_locks_held--;
    KE__PROBE(m, object_release, t, o);
    ke__autoboost_end(m, t);
    ke__irql_update(m, t);
    struct ke_wait_block *wb = first_waiter(o, -1);
    if (wb) {
        struct ke_thread *w = wb->thread;
        o->owner = w;
        w->apc_locks_held++;
        w->irql = ke__irql_of(w);
        handoff(m, t, w, o->spec->type == KE_OBJ_GUARDED_MUTEX);
    }
}

/* ===== ERESOURCEs and push locks ========================================== */

static struct ke_shared_owner *shared_of(struct ke_object *o, const struct ke_thread *t)
{
    for (uint32_t i = 0; i < o->nshared; i++)
        if (o->shared[i].thread == t)
            return &o->shared[i];
    return NULL;
}

static int add_shared(struct ke_object *o, struct ke_thread *t)
{
    if (o->nshared == o->shared_cap) {
        uint32_t cap = o->shared_cap ? o->shared_cap * 2 : 8;
        struct ke_shared_owner *s = realloc(o->shared, cap * sizeof *s);
        if (!s)
            return -1;
        o->shared = s;
        o->shared_cap = cap;
    }
    o->shared[o->nshared++] = (struct ke_shared_owner){t, 1};
    return 0;
}

static void resource_boost_timer(struct sim *s, struct sim_event *ev);

static void resource_wait(struct ke_machine *m, struct ke_thread *t, struct ke_object *o, bool shared)
{
    if (ke__deadlock_cycle(m, t, o))
        return;
    if (o->spec->type == KE_OBJ_ERESOURCE) /* push locks are not tracked */
        ke__autoboost(m, o->owner, t);
    o->exclusive_waiters += !shared;
    ke__block_on(m, t, o, shared ? 0 : 1, false, 0);
    if (o->spec->type == KE_OBJ_ERESOURCE && m->policy->owner_boost) {
        sim_event_init(&t->timer, resource_boost_timer);
        sim_schedule(&m->sim, &t->timer, m->sim.now + RESOURCE_FIRST_TIMEOUT);
    }
}

/* R6.5 grant rules for a request that need not wait. */
static bool resource_try(struct ke_object *o, struct ke_thread *t, bool shared)
{
    bool push = o->spec->type == KE_OBJ_PUSH_LOCK;
    if (o->owner == t && !push) { /* recursion; an exclusive owner asking shared gets exclusive */
        o->recursion++;
        return true;
    }
    struct ke_shared_owner *so = shared_of(o, t);
    if (so && shared && !push) {
        so->count++;
        return true;
    }
    if (o->owner || so)
        return false;
    if (!shared) {
        if (o->nshared)
            return false;
        o->owner = t;
        o->recursion = 1;
        return true;
    }
    bool writer_waits = o->exclusive_waiters && !o->spec->shared_starve_exclusive;
    if (o->nshared && writer_waits)
        return false; /* writer preference */
    return add_shared(o, t) == 0;
}

static bool resource_acquire(struct ke_machine *m, struct ke_thread *t, struct ke_object *o,
                             bool shared)
{
    if (resource_try(o, t, shared)) {
        granted(m, t, o);
        return false;
    }
    if (o->owner == t || shared_of(o, t)) {
        ke__deadlock(m, "%s holds %s '%s' and asks for it again %s: it waits for itself (R6.5)",
                     t->entity, o->spec->type == KE_OBJ_PUSH_LOCK ? "push lock" : "eresource",
                     o->spec->name, shared ? "shared" : "exclusive");
        return true;
    }
    resource_wait(m, t, o, shared);
    return true;
}

/* After the last exclusive or the last shared hold went (R6.5). */
static void resource_grant(struct ke_machine *m, struct ke_thread *releaser, struct ke_object *o,
                           bool exclusive_released)
{
    struct ke_wait_block *wb;
    if (exclusive_released && first_waiter(o, 0)) {
        while ((wb = first_waiter(o, 0)) != NULL) { /* every shared waiter, increment 0 */
            add_shared(o, wb->thread);
            ke__unwait(m, wb->thread, KE_STATUS_WAIT_0, -2, 0, true);
        }
        return;
    }
    if ((wb = first_waiter(o, 1)) != NULL) {
        o->owner = wb->thread;
        o->recursion = 1;
        o->exclusive_waiters--;
        handoff(m, releaser, wb->thread, o->spec->type == KE_OBJ_PUSH_LOCK);
    }
}

static void resource_release(struct ke_machine *m, struct ke_thread *t, struct ke_object *o)
{
    if (o->owner == t) {
        if (--o->recursion > 0)
            return;
        o->owner = NULL;
        KE__PROBE(m, object_release, t, o);
        ke__autoboost_end(m, t);
        resource_grant(m, t, o, true);
        return;
    }
    struct ke_shared_owner *so = shared_of(o, t);
    if (--so->count > 0)
        return;
    *so = o->shared[--o->nshared];
    KE__PROBE(m, object_release, t, o);
    if (o->nshared == 0)
        resource_grant(m, t, o, false);
}

/* R3.8: a waiter that waited 500 ms (then every 4 s) boosts the owners. */
static void resource_boost_timer(struct sim *s, struct sim_event *ev)
{
    struct ke_thread *t = SIM_CONTAINER_OF(ev, struct ke_thread, timer);
    struct ke_machine *m = t->m;
    struct ke_object *o = t->wait_blocks[0].object;
    (void)s;
    if (o->owner)
        m->policy->owner_boost(m, o->owner, t->priority);
    for (uint32_t i = 0; i < o->nshared; i++)
        m->policy->owner_boost(m, o->shared[i].thread, t->priority);
    sim_schedule(&m->sim, &t->timer, m->sim.now + RESOURCE_NEXT_TIMEOUT);
    ke__flush(m);
}

/* ===== entry points ======================================================== */

bool ex__acquire(struct ke_machine *m, struct ke_thread *t, struct ke_object *o, bool shared,
                 const struct ke_src *src)
{
    switch (o->spec->type) {
    case KE_OBJ_SPINLOCK: return spin_acquire(m, t, o);
    case KE_OBJ_FAST_MUTEX:
    case KE_OBJ_GUARDED_MUTEX: return fast_acquire(m, t, o);
    case KE_OBJ_ERESOURCE:
    case KE_OBJ_PUSH_LOCK: return resource_acquire(m, t, o, shared);
    default:
        ke__error(m, src, "'%s' is not an executive lock", o->spec->name);
        return true;
    }
}

static bool holds(struct ke_object *o, const struct ke_thread *t)
{
    return o->owner == t || (o->nshared && shared_of(o, t));
}

void ex__release(struct ke_machine *m, struct ke_thread *t, struct ke_object *o,
                 const struct ke_src *src)
{
    if (!holds(o, t)) {
        ke__error(m, src, "%s releases '%s', which it does not hold", t->entity, o->spec->name);
        return;
    }
    switch (o->spec->type) {
    case KE_OBJ_SPINLOCK: spin_release(m, t, o); break;
    case KE_OBJ_FAST_MUTEX:
    case KE_OBJ_GUARDED_MUTEX: fast_release(m, t, o); break;
    default: resource_release(m, t, o); break;
    }
}
