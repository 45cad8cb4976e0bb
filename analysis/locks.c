/* analysis/locks.c - contention metrics per lock and dispatcher object (layer: analysis).
 *
 * Owns the `lock` scope rows, computed from the object callbacks of the
 * probe (object_wait, object_done, object_release) plus switches and
 * priority changes for priority inversion.  Definitions (README "Metrics"):
 *   acquisitions  waits satisfied by the object and lock acquisitions,
 *                 recursive ones included;
 *   contended     the fraction of acquisitions that had to wait or spin;
 *   wait_mean, wait_p99, wait_max
 *                 over contended acquisitions, from the start of the wait
 *                 (or spin) to the acquisition;
 *   hold_mean     from a thread's first acquisition of a lock or mutex to
 *                 its final release (events and semaphores are not held);
 *   spin_time     total time threads spun on a spinlock (CPU burned);
 *   max_queue     the longest wait list (waiters and spinners) seen;
 *   inversion_time
 *                 total time a thread waited for the object while its
 *                 exclusive owner had a lower priority and was not running.
 * Every resource the scenario declares gets these rows, used or not.
 * Shared ERESOURCE/push-lock holds count for hold_mean but not as owners
 * for inversion_time.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>

#include "analysis/analysis.h"
#define ANALYSIS_INTERNAL
#include "analysis/analysis_int.h"

#define HELD_MAX 8 /* locks one thread holds at once that are tracked */

struct held {
    int32_t object; /* -1: free slot */
    sim_time_t since;
};

struct lock_thread {
    sim_time_t wait_since;
    struct held held[HELD_MAX];
};

struct lock_acc {
    const struct ke_object_spec *spec;
    const struct ke_object *o; /* once it was used */
    uint64_t acquisitions, contended;
    struct an_hist wait;
    sim_time_t hold_sum, spin;
    uint64_t holds;
    uint32_t max_queue;
    bool inverted;
    sim_time_t inverted_since, inversion;
};

struct an_locks {
    struct ke_probe probe;
    struct lock_acc *lk; /* one per resource of the workload */
    size_t nlk;
    struct lock_thread *th;
    size_t thcap;
    bool oom;
};

static struct lock_acc *lock_of(struct an_locks *al, const struct ke_object *o)
{
    if (o->index >= al->nlk)
        return NULL; /* not a resource of the workload given at creation */
    al->lk[o->index].o = o;
    return &al->lk[o->index];
}

static struct lock_thread *thread_of(struct an_locks *al, const struct ke_thread *t)
{
    size_t old = al->thcap;
    void *a = an__grow(al->th, &al->thcap, (size_t)t->index + 1, sizeof *al->th);
    if (!a) {
        al->oom = true;
        return NULL;
    }
    al->th = a;
    for (size_t i = old; i < al->thcap; i++)
        for (int k = 0; k < HELD_MAX; k++)
            al->th[i].held[k].object = -1;
    return &al->th[t->index];
}

/* ===== priority inversion ================================================== */

static bool inverted_now(const struct ke_object *o)
{
    const struct ke_thread *owner = o->owner;
    if (!owner || owner->state == KE_RUNNING)
        return false;
    const struct sim_list *pos;
    sim_list_for_each(pos, &o->waiters)
    {
        const struct ke_wait_block *wb = SIM_CONTAINER_OF(pos, struct ke_wait_block, link);
        if (wb->thread->priority > owner->priority)
            return true;
    }
    return false;
}

static void reevaluate(struct lock_acc *la, sim_time_t now)
{
    bool inv = inverted_now(la->o);
    if (inv == la->inverted)
        return;
    if (inv)
        la->inverted_since = now;
    else
        la->inversion += now - la->inverted_since;
    la->inverted = inv;
}

/* The locks t holds may have changed state (it ran, stopped, changed priority). */
static void reevaluate_held(struct an_locks *al, const struct ke_thread *t, sim_time_t now)
{
    if (!t || t->index >= al->thcap)
        return;
    for (int k = 0; k < HELD_MAX; k++) {
        int32_t i = al->th[t->index].held[k].object;
        if (i >= 0 && al->lk[i].o)
            reevaluate(&al->lk[i], now);
    }
}

/* ===== probe callbacks ===================================================== */

static void on_object_wait(void *ctx, sim_time_t now, const struct ke_thread *t,
                           const struct ke_object *o)
{
    struct an_locks *al = ctx;
    struct lock_acc *la = lock_of(al, o);
    struct lock_thread *lt = thread_of(al, t);
    if (!la || !lt)
        return;
    lt->wait_since = now;
    if (o->nwaiters > la->max_queue)
        la->max_queue = o->nwaiters;
    reevaluate(la, now);
}

static void start_hold(struct lock_thread *lt, const struct ke_object *o, sim_time_t now)
{
    int free_slot = -1;
    for (int k = 0; k < HELD_MAX; k++) {
        if (lt->held[k].object == (int32_t)o->index)
            return; /* a recursive acquisition: the hold started earlier */
        if (lt->held[k].object < 0 && free_slot < 0)
            free_slot = k;
    }
    if (free_slot >= 0)
        lt->held[free_slot] = (struct held){(int32_t)o->index, now};
}


static void on_object_done(void *ctx, sim_time_t now, const struct ke_thread *t,
                           const struct ke_object *o, bool acquired, bool contended)
{
    struct an_locks *al = ctx;
    struct lock_acc *la = lock_of(al, o);
    struct lock_thread *lt = thread_of(al, t);
    if (!la || !lt)
        return;
    if (acquired) {
        la->acquisitions++;
        if (contended) {
            sim_time_t waited = now - lt->wait_since;
            la->contended++;
            if (an_hist_add(&la->wait, waited) != 0)
                al->oom = true;
            if (o->spec->type == KE_OBJ_SPINLOCK)
                la->spin += waited;
        }
        if (an__holdable(o))
            start_hold(lt, o, now);
    }
    reevaluate(la, now);
}

static void on_object_release(void *ctx, sim_time_t now, const struct ke_thread *t,
                              const struct ke_object *o)
{
    struct an_locks *al = ctx;
    struct lock_acc *la = lock_of(al, o);
    struct lock_thread *lt = thread_of(al, t);
    if (!la || !lt)
        return;
    for (int k = 0; k < HELD_MAX; k++)
        if (lt->held[k].object == (int32_t)o->index) {
            la->hold_sum += now - lt->held[k].since;
            la->holds++;
            lt->held[k].object = -1;
        }
    reevaluate(la, now);
}

static void on_switch(void *ctx, sim_time_t now, const struct ke_cpu *c,
                      const struct ke_thread *prev, const struct ke_thread *next)
{
    (void)c;
    reevaluate_held(ctx, prev, now);
    reevaluate_held(ctx, next, now);
}

static void on_priority(void *ctx, sim_time_t now, const struct ke_thread *t, int old)
{
    (void)old;
    reevaluate_held(ctx, t, now);
}

/* ===== life cycle and rows ================================================= */

struct an_locks *an_locks_new(const struct ps_workload *wl)
{
    struct an_locks *al = calloc(1, sizeof *al);
    if (!al)
        return NULL;
    al->nlk = (size_t)wl->nobjects;
    al->lk = calloc(al->nlk + 1, sizeof *al->lk);
    if (!al->lk) {
        free(al);
        return NULL;
    }
    for (size_t i = 0; i < al->nlk; i++)
        al->lk[i].spec = &wl->objects[i];
    al->probe = (struct ke_probe){
        .ctx = al,
        .object_wait = on_object_wait,
        .object_done = on_object_done,
        .object_release = on_object_release,
        .context_switch = on_switch,
        .priority_change = on_priority,
    };
    return al;
}

const struct ke_probe *an_locks_probe(struct an_locks *al) { return &al->probe; }

void an_locks_free(struct an_locks *al)
{
    if (!al)
        return;
    for (size_t i = 0; i < al->nlk; i++)
        an_hist_free(&al->lk[i].wait);
    free(al->lk);
    free(al->th);
    free(al);
}

static double ratio(double a, double b) { return b > 0 ? a / b : 0; }

static int lock_rows(const struct lock_acc *la, sim_time_t end, struct an_result *out)
{
    const char *e = la->spec->name;
    double inversion = sim_time_to_seconds(la->inversion + (la->inverted ? end - la->inverted_since : 0));
    const struct {
        const char *name;
        double value;
    } rows[] = {
        {"acquisitions", (double)la->acquisitions},
        {"contended", ratio((double)la->contended, (double)la->acquisitions)},
        {"wait_mean", ratio(la->wait.sum, (double)la->wait.count) / 1e9},
        {"wait_p99", an_hist_quantile(&la->wait, 0.99) / 1e9},
        {"wait_max", sim_time_to_seconds(la->wait.max)},
        {"hold_mean", ratio(sim_time_to_seconds(la->hold_sum), (double)la->holds)},
        {"spin_time", sim_time_to_seconds(la->spin)},
        {"max_queue", (double)la->max_queue},
        {"inversion_time", inversion},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (an_result_add(out, AN_SCOPE_LOCK, e, rows[i].name, rows[i].value) != 0)
            return -1;
    /* the wait-time histogram, for the lock_wait plot */
    return la->wait.count ? an__histo_from(out, "lock", e, "wait", &la->wait) : 0;
}

int an_locks_finish(struct an_locks *al, sim_time_t end, struct an_result *out)
{
    if (al->oom)
        return -1;
    for (size_t i = 0; i < al->nlk; i++)
        if (lock_rows(&al->lk[i], end, out) != 0)
            return -1;
    return 0;
}
