/* analysis/mux.c - one probe that fans out to several (layer: analysis).
 * The machine takes a single probe; a run usually wants metrics and a
 * trace at once.  A callback is forwarded only to the probes that set it,
 * and the mux itself sets a callback only once some added probe has it, so
 * the machine still skips callbacks nobody listens to.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "analysis/analysis.h"

/* A forwarder per callback: the parameter list differs for each, the body
 * never does. */
#define FORWARD(cb, PARAMS, ...)                                             \
    static void fwd_##cb PARAMS                                              \
    {                                                                        \
        const struct an_mux *mux = ctx;                                      \
        for (int i = 0; i < mux->n; i++)                                     \
            if (mux->to[i]->cb)                                              \
                mux->to[i]->cb(mux->to[i]->ctx, __VA_ARGS__);                \
    }

FORWARD(process_create, (void *ctx, sim_time_t now, const struct ps_process *p), now, p)
FORWARD(process_exit, (void *ctx, sim_time_t now, const struct ps_process *p), now, p)
FORWARD(thread_create, (void *ctx, sim_time_t now, const struct ke_thread *t), now, t)
FORWARD(thread_exit, (void *ctx, sim_time_t now, const struct ke_thread *t), now, t)
FORWARD(ready, (void *ctx, sim_time_t now, const struct ke_thread *t, enum ke_ready_reason why),
        now, t, why)
FORWARD(context_switch, (void *ctx, sim_time_t now, const struct ke_cpu *c,
                         const struct ke_thread *prev, const struct ke_thread *next),
        now, c, prev, next)
FORWARD(wait_begin, (void *ctx, sim_time_t now, const struct ke_thread *t, enum ke_wait_reason why),
        now, t, why)
FORWARD(wait_end, (void *ctx, sim_time_t now, const struct ke_thread *t), now, t)
FORWARD(quantum_end, (void *ctx, sim_time_t now, const struct ke_cpu *c, const struct ke_thread *t),
        now, c, t)
FORWARD(priority_change, (void *ctx, sim_time_t now, const struct ke_thread *t, int old_priority),
        now, t, old_priority)
FORWARD(object_wait, (void *ctx, sim_time_t now, const struct ke_thread *t, const struct ke_object *o),
        now, t, o)
FORWARD(object_done, (void *ctx, sim_time_t now, const struct ke_thread *t, const struct ke_object *o,
                      bool acquired, bool contended),
        now, t, o, acquired, contended)
FORWARD(notify,
        (void *ctx, sim_time_t now, const struct ps_driver_spec *d, bool create,
         const struct ps_create_notify_info *info, const struct ps_process *p,
         const struct ke_thread *t, const struct ke_thread *in, sim_time_t cost),
        now, d, create, info, p, t, in, cost)
FORWARD(create_failed,
        (void *ctx, sim_time_t now, const struct ps_process_spec *spec,
         const struct ke_thread *creator, const struct ps_driver_spec *by),
        now, spec, creator, by)
FORWARD(object_release,
        (void *ctx, sim_time_t now, const struct ke_thread *t, const struct ke_object *o), now, t, o)

void an_mux_init(struct an_mux *mux)
{
    memset(mux, 0, sizeof *mux);
    mux->probe.ctx = mux;
}

#define ENABLE(cb)                                                           \
    do {                                                                     \
        if (p->cb)                                                           \
            mux->probe.cb = fwd_##cb;                                        \
    } while (0)

/* Probes beyond AN_MUX_MAX are ignored: the callers add a fixed, small set. */
void an_mux_add(struct an_mux *mux, const struct ke_probe *p)
{
    if (!p || mux->n >= AN_MUX_MAX)
        return;
    mux->to[mux->n++] = p;
    ENABLE(process_create);
    ENABLE(process_exit);
    ENABLE(thread_create);
    ENABLE(thread_exit);
    ENABLE(ready);
    ENABLE(context_switch);
    ENABLE(wait_begin);
    ENABLE(wait_end);
    ENABLE(quantum_end);
    ENABLE(priority_change);
    ENABLE(object_wait);
    ENABLE(object_done);
    ENABLE(object_release);
    ENABLE(notify);
    ENABLE(create_failed);
}
