/* models/deadlock.c - detecting threads that can never wake (layer: models).
 *
 * Owns the two ways a run stops as deadlocked instead of silently running to
 * its end:
 *   - a cycle: a thread about to wait for a lock whose owner waits, through
 *     a chain of owners and lock waits, for a lock the thread holds;
 *   - quiescence: every processor idle, no thread ready, and nothing pending
 *     that could ever wake a thread (no timer, timeout, I/O, arrival or
 *     timer object), while threads still wait.
 * Either way the report names each thread involved, what it holds and what
 * it waits for, and the run ends with KE_RUN_DEADLOCK.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MODELS_INTERNAL
#include "models/models_int.h"

#define MAX_CHAIN 64

void ke__deadlock(struct ke_machine *m, const char *fmt, ...)
{
    if (m->failed)
        return;
    m->failed = m->deadlocked = true;
    int off = snprintf(m->error, sizeof m->error, "deadlock at %.9f s: ",
                       sim_time_to_seconds(m->sim.now));
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->error + off, sizeof m->error - (size_t)off, fmt, ap);
    va_end(ap);
    sim_stop(&m->sim);
}

static bool is_lock(const struct ke_object *o)
{
    switch (o->spec->type) {
    case KE_OBJ_MUTEX:
    case KE_OBJ_FAST_MUTEX:
    case KE_OBJ_GUARDED_MUTEX:
    case KE_OBJ_ERESOURCE:
    case KE_OBJ_PUSH_LOCK: return true;
    default: return false;
    }
}

/* The lock u waits for without a timeout, or NULL. */
static struct ke_object *lock_awaited(const struct ke_thread *u)
{
    if (u->state != KE_WAITING || u->wait_count != 1)
        return NULL;
    struct ke_object *o = u->wait_blocks[0].object;
    bool timeout = sim_pending(&u->timer) && o->spec->type != KE_OBJ_ERESOURCE;
    return is_lock(o) && !timeout ? o : NULL;
}

static uint32_t owners(const struct ke_object *o, struct ke_thread **out, uint32_t max)
{
    uint32_t n = 0;
    if (o->owner)
        out[n++] = o->owner;
    for (uint32_t i = 0; i < o->nshared && n < max; i++)
        out[n++] = o->shared[i].thread;
    return n;
}

/* Depth-first from lock o: does some chain of owners lead to t?  On
 * success chain[0..*len) holds the threads after t, in order. */
static bool leads_to(struct ke_object *o, const struct ke_thread *t, struct ke_thread **chain,
                     int depth, int *len)
{
    struct ke_thread *own[16];
    uint32_t n = owners(o, own, 16);
    for (uint32_t i = 0; i < n && depth < MAX_CHAIN; i++) {
        chain[depth] = own[i];
        if (own[i] == t) {
            *len = depth;
            return true;
        }
        struct ke_object *next = lock_awaited(own[i]);
        if (next && leads_to(next, t, chain, depth + 1, len))
            return true;
    }
    return false;
}

static int describe(char *buf, size_t size, const struct ke_thread *u, const struct ke_object *o)
{
    return snprintf(buf, size, "%s waits for %s '%s'", u->entity,
                    o->spec->type == KE_OBJ_MUTEX ? "mutex" : "lock", o->spec->name);
}

bool ke__deadlock_cycle(struct ke_machine *m, struct ke_thread *t, struct ke_object *o)
{
    struct ke_thread *chain[MAX_CHAIN];
    int len = 0;
    if (!leads_to(o, t, chain, 0, &len))
        return false;
    char report[3000];
    size_t off = (size_t)describe(report, sizeof report, t, o);
    for (int i = 0; i < len && off < sizeof report; i++) {
        const struct ke_object *w = lock_awaited(chain[i]);
        off += (size_t)snprintf(report + off, sizeof report - off, ", held by %s; ",
                                chain[i]->entity);
        if (off < sizeof report)
            off += (size_t)describe(report + off, sizeof report - off, chain[i], w);
    }
    if (off < sizeof report)
        snprintf(report + off, sizeof report - off, ", held by %s", t->entity);
    ke__deadlock(m, "%s", report);
    return true;
}

/* One line per waiting thread: what it waits for and who holds it. */
static size_t list_waiters(struct ke_machine *m, char *buf, size_t size)
{
    size_t off = 0;
    for (uint32_t i = 0; i < m->nthreads && off < size; i++) {
        const struct ke_thread *u = m->threads[i];
        if (u->state != KE_WAITING)
            continue;
        off += (size_t)snprintf(buf + off, size - off, "\n  %s waits for", u->entity);
        for (uint32_t k = 0; k < u->wait_count && off < size; k++) {
            const struct ke_object *o = u->wait_blocks[k].object;
            off += (size_t)snprintf(buf + off, size - off, "%s '%s'%s%s", k ? "," : "",
                                    o->spec->name, o->owner ? " held by " : "",
                                    o->owner ? o->owner->entity : "");
        }
    }
    return off;
}

void ke__deadlock_quiescent(struct ke_machine *m)
{
    /* the clock tick and the policy's periodic timer are always pending
     * (bar the instant they fire) and wake nobody by themselves */
    uint32_t pending = m->sim.size - (sim_pending(&m->tick) ? 1 : 0) -
                       (sim_pending(&m->policy_timer) ? 1 : 0);
    if (m->work_left == 0 || m->idle_summary != m->all_cpus || pending > 0)
        return;
    char list[3000];
    list_waiters(m, list, sizeof list);
    ke__deadlock(m, "every thread waits and nothing pending can wake any:%s", list);
}
