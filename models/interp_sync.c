/* models/interp_sync.c - synchronization operations of thread programs (layer: models).
 *
 * Owns the translation of the program operations acquire, release, wait,
 * set, reset, pulse, release_semaphore, io, wake, condition wait and barrier
 * into calls on dispatcher objects (models/ke_object.c) and executive locks
 * (models/ex_lock.c).  A mutex is acquired by waiting on it, as
 * KeWaitForSingleObject does; a wait satisfied without blocking is charged
 * through the policy (R2.9).
 *
 * SPDX-License-Identifier: MIT
 */
#define MODELS_INTERNAL
#include "models/models_int.h"

static struct ke_object *object(struct ke_machine *m, int32_t index) { return &m->objects[index]; }

/* R2.9: a wait satisfied at once may end the quantum and yield. */
static bool nowait(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    return t->wait_status != KE_STATUS_TIMEOUT && m->policy->nowait && m->policy->nowait(m, c, t);
}

static bool acquire(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t, struct ke_object *o,
                    bool shared, const struct ke_src *src)
{
    if (o->spec->type != KE_OBJ_MUTEX)
        return ex__acquire(m, t, o, shared, src);
    if (o->owner && o->owner != t && ke__deadlock_cycle(m, t, o))
        return true;
    if (o->owner && o->owner != t)
        ke__autoboost(m, o->owner, t);
    return ke__wait(m, t, &o, 1, false, false, 0) || nowait(m, c, t);
}

static void release(struct ke_machine *m, struct ke_thread *t, struct ke_object *o,
                    const struct ke_src *src)
{
    if (o->spec->type == KE_OBJ_MUTEX)
        ke__release_mutex(m, t, o, src);
    else
        ex__release(m, t, o, src);
}

static bool wait(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t, const struct ke_op *op)
{
    struct ke_object *objs[KE_MAX_WAIT_OBJECTS];
    for (uint32_t i = 0; i < op->nobjects; i++)
        objs[i] = object(m, op->objects[i]);
    sim_time_t timeout = op->has_timeout ? sim_dist_sample(&op->dist, t->rng) : 0;
    return ke__wait(m, t, objs, op->nobjects, op->all, op->has_timeout, timeout) || nowait(m, c, t);
}

/* SleepConditionVariable: release the lock and wait on the condition
 * (phase 0); once woken or timed out, reacquire the lock (phase 1). */
static bool cond_wait(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t,
                      const struct ke_op *op)
{
    if (t->op_phase == 0) {
        release(m, t, object(m, op->lock), &op->src);
        if (m->failed)
            return true;
        t->op_phase = 1;
        sim_time_t timeout = op->has_timeout ? sim_dist_sample(&op->dist, t->rng) : 0;
        ke__block_on(m, t, object(m, op->object), 0, op->has_timeout, timeout);
        return true;
    }
    t->op_phase = 0;
    t->pc++;
    return acquire(m, c, t, object(m, op->lock), false, &op->src);
}

static bool io(struct ke_machine *m, struct ke_thread *t, const struct ke_op *op)
{
    sim_time_t d = sim_dist_sample(&op->dist, t->rng);
    if (d <= 0)
        return false;
    ke__wait_until(m, t, m->sim.now + d, KE_WAIT_IO, (int)op->arg);
    return true;
}

bool ke__interp_sync(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t,
                     const struct ke_op *op)
{
    if (op->kind == KE_OP_COND_WAIT) /* two steps: it advances pc itself */
        return cond_wait(m, c, t, op);
    t->pc++;
    switch (op->kind) {
    case KE_OP_ACQUIRE: return acquire(m, c, t, object(m, op->object), op->shared, &op->src);
    case KE_OP_RELEASE: release(m, t, object(m, op->object), &op->src); return m->failed;
    case KE_OP_WAIT: return wait(m, c, t, op);
    case KE_OP_SET: ke__set_event(m, object(m, op->object), (int)op->arg, false); return false;
    case KE_OP_PULSE: ke__set_event(m, object(m, op->object), (int)op->arg, true); return false;
    case KE_OP_RESET: ke__reset_event(object(m, op->object)); return false;
    case KE_OP_RELEASE_SEMAPHORE:
        ke__release_semaphore(m, t, object(m, op->object), op->arg, &op->src);
        return m->failed;
    case KE_OP_IO: return io(m, t, op);
    case KE_OP_WAKE: ke__wake_condition(m, object(m, op->object), op->arg != 0); return false;
    case KE_OP_BARRIER: return ke__enter_barrier(m, t, object(m, op->object));
    case KE_OP_SET_PRIORITY: ke__change_priority(m, t, (int)op->count, (int)op->arg); return false;
    default:
        ke__error(m, &op->src, "operation %d is not implemented", (int)op->kind);
        return true;
    }
}
