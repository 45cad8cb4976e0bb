/* tests/models_harness.c - workload builders and a recording probe for model tests (layer: tests).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "tests/models_harness.h"

void h_workload(struct ps_workload *wl, int cpus, const char *policy)
{
    ps_workload_init(wl);
    wl->machine.cpus = cpus;
    strncpy(wl->machine.policy, policy, sizeof wl->machine.policy - 1);
}

struct ps_process_spec *h_process(struct ps_workload *wl, const char *name,
                                  enum ps_priority_class cls, bool foreground)
{
    wl->processes = realloc(wl->processes, (size_t)(wl->nprocesses + 1) * sizeof *wl->processes);
    struct ps_process_spec *p = &wl->processes[wl->nprocesses++];
    memset(p, 0, sizeof *p);
    p->name = strdup(name);
    p->priority_class = cls;
    p->foreground = foreground;
    p->count = 1;
    return p;
}

struct ps_thread_spec *h_thread(struct ps_process_spec *p, const char *name, int rel_priority)
{
    p->threads = realloc(p->threads, (size_t)(p->nthreads + 1) * sizeof *p->threads);
    struct ps_thread_spec *t = &p->threads[p->nthreads++];
    memset(t, 0, sizeof *t);
    t->name = strdup(name);
    t->count = 1;
    t->priority = rel_priority;
    return t;
}

void h_op(struct ps_thread_spec *t, enum ke_op_kind kind, sim_time_t d)
{
    struct ke_op op;
    memset(&op, 0, sizeof op);
    op.kind = kind;
    op.dist = sim_dist_const(d);
    ke_program_append(&t->program, &op);
}

uint32_t h_open(struct ps_thread_spec *t, enum ke_op_kind kind, int64_t count_or_period)
{
    struct ke_op op;
    memset(&op, 0, sizeof op);
    op.kind = kind;
    if (kind == KE_OP_LOOP)
        op.count = count_or_period;
    else
        op.dist = sim_dist_const(count_or_period);
    return (uint32_t)ke_program_append(&t->program, &op);
}

void h_close(struct ps_thread_spec *t, uint32_t opener)
{
    struct ke_src src = {0};
    ke_program_close(&t->program, opener, src);
}

struct ps_thread_spec *h_hog(struct ps_process_spec *p, const char *name, int rel_priority)
{
    struct ps_thread_spec *t = h_thread(p, name, rel_priority);
    uint32_t l = h_open(t, KE_OP_LOOP, KE_LOOP_FOREVER);
    h_op(t, KE_OP_RUN, SIM_S);
    h_close(t, l);
    return t;
}

int h_object(struct ps_workload *wl, const char *name, enum ke_object_type type)
{
    wl->objects = realloc(wl->objects, (size_t)(wl->nobjects + 1) * sizeof *wl->objects);
    struct ke_object_spec *o = &wl->objects[wl->nobjects];
    memset(o, 0, sizeof *o);
    o->name = strdup(name);
    o->type = type;
    o->limit = 1;
    o->count = 2;
    return wl->nobjects++;
}

void h_sync(struct ps_thread_spec *t, enum ke_op_kind kind, int object, int64_t arg)
{
    struct ke_op op;
    memset(&op, 0, sizeof op);
    op.kind = kind;
    op.object = object;
    op.arg = arg;
    if (kind == KE_OP_WAIT) {
        op.objects = malloc(sizeof *op.objects);
        op.objects[0] = object;
        op.nobjects = 1;
    }
    ke_program_append(&t->program, &op);
}

void h_io(struct ps_thread_spec *t, sim_time_t d, int increment)
{
    struct ke_op op;
    memset(&op, 0, sizeof op);
    op.kind = KE_OP_IO;
    op.dist = sim_dist_const(d);
    op.arg = increment;
    ke_program_append(&t->program, &op);
}

void h_wait(struct ps_thread_spec *t, const int *objects, int n, bool all, sim_time_t timeout)
{
    struct ke_op op;
    memset(&op, 0, sizeof op);
    op.kind = KE_OP_WAIT;
    op.objects = malloc((size_t)n * sizeof *op.objects);
    memcpy(op.objects, objects, (size_t)n * sizeof *op.objects);
    op.nobjects = (uint32_t)n;
    op.object = objects[0];
    op.all = all;
    op.has_timeout = timeout >= 0;
    op.dist = sim_dist_const(timeout >= 0 ? timeout : 0);
    ke_program_append(&t->program, &op);
}

const struct h_readied *h_ready_after(const struct h_run *r, int thread, enum ke_ready_reason why,
                                      sim_time_t at)
{
    for (int i = 0; i < r->nrd; i++)
        if (r->rd[i].thread == thread && r->rd[i].why == why && r->rd[i].at >= at)
            return &r->rd[i];
    return NULL;
}

void h_spawn(struct ps_thread_spec *t, int target, bool wait)
{
    struct ke_op op;
    memset(&op, 0, sizeof op);
    op.kind = KE_OP_SPAWN;
    op.target = target;
    op.arg = wait;
    ke_program_append(&t->program, &op);
}

struct ps_driver_spec *h_driver(struct ps_workload *wl, const char *name,
                                enum ps_process_notify_kind kind, bool subsystems, sim_time_t cost,
                                const char *deny, enum ps_thread_notify_kind tkind,
                                bool tsubsystems, sim_time_t tcost)
{
    wl->drivers = realloc(wl->drivers, (size_t)(wl->ndrivers + 1) * sizeof *wl->drivers);
    struct ps_driver_spec *d = &wl->drivers[wl->ndrivers++];
    memset(d, 0, sizeof *d);
    d->name = strdup(name);
    d->process_kind = kind;
    d->process_subsystems = subsystems;
    d->process_cost = sim_dist_const(cost);
    d->deny = deny ? strdup(deny) : NULL;
    d->thread_kind = tkind;
    d->thread_subsystems = tsubsystems;
    d->thread_cost = sim_dist_const(tcost);
    return d;
}

static int idx(const struct ke_thread *t) { return t ? (int)t->index : -1; }

static void on_notify(void *ctx, sim_time_t now, const struct ps_driver_spec *d, bool create,
                      const struct ps_create_notify_info *info, const struct ps_process *p,
                      const struct ke_thread *t, const struct ke_thread *in, sim_time_t cost)
{
    struct h_run *r = ctx;
    if (r->nnt >= 256)
        return;
    struct h_notify *n = &r->nt[r->nnt++];
    memset(n, 0, sizeof *n);
    n->at = now;
    strncpy(n->driver, d->name, sizeof n->driver - 1);
    n->thread = t != NULL;
    n->exiting = !create;
    n->ctx_thread = idx(in);
    n->subject = idx(t);
    n->wsl = p ? p->subsystem == PS_SUBSYSTEM_WSL : info && info->is_subsystem_process;
    n->cost = cost;
}

static void on_create_failed(void *ctx, sim_time_t now, const struct ps_process_spec *spec,
                             const struct ke_thread *creator, const struct ps_driver_spec *by)
{
    struct h_run *r = ctx;
    (void)now, (void)spec, (void)creator, (void)by;
    r->failed_creations++;
}

static void record_object(struct h_run *r, sim_time_t now, const struct ke_thread *t,
                          const struct ke_object *o, char what)
{
    if (r->nob < H_MAX_RECORDS)
        r->ob[r->nob++] = (struct h_objevent){now, idx(t), (int)o->index, what};
}

static void on_object_wait(void *ctx, sim_time_t now, const struct ke_thread *t,
                           const struct ke_object *o)
{
    record_object(ctx, now, t, o, 'w');
}

static void on_object_done(void *ctx, sim_time_t now, const struct ke_thread *t,
                           const struct ke_object *o, bool acquired, bool contended)
{
    record_object(ctx, now, t, o, !acquired ? 'x' : contended ? 'c' : 'a');
}

static void on_object_release(void *ctx, sim_time_t now, const struct ke_thread *t,
                              const struct ke_object *o)
{
    record_object(ctx, now, t, o, 'r');
}

static void on_switch(void *ctx, sim_time_t now, const struct ke_cpu *c,
                      const struct ke_thread *prev, const struct ke_thread *next)
{
    struct h_run *r = ctx;
    if (r->nsw < H_MAX_RECORDS)
        r->sw[r->nsw++] = (struct h_switch){now, c->number, idx(prev), idx(next)};
}

static void on_ready(void *ctx, sim_time_t now, const struct ke_thread *t, enum ke_ready_reason why)
{
    struct h_run *r = ctx;
    if (r->nrd < H_MAX_RECORDS)
        r->rd[r->nrd++] = (struct h_readied){now, idx(t), why, t->priority, t->wait_status};
}

static void on_thread(void *ctx, sim_time_t now, const struct ke_thread *t)
{
    struct h_run *r = ctx;
    (void)now;
    if (r->nthreads < 256) {
        r->tids[r->nthreads] = t->tid;
        r->pids[r->nthreads] = t->process->pid;
        strncpy(r->names[r->nthreads++], t->entity, sizeof r->names[0] - 1);
    }
}

static void on_quantum_end(void *ctx, sim_time_t now, const struct ke_cpu *c,
                           const struct ke_thread *t)
{
    struct h_run *r = ctx;
    (void)now, (void)c, (void)t;
    r->quantum_ends++;
}

enum ke_run_status h_run(const struct ps_workload *wl, sim_time_t duration, struct h_run *r)
{
    memset(r, 0, sizeof *r);
    struct ke_probe probe = {
        .ctx = r,
        .context_switch = on_switch,
        .ready = on_ready,
        .thread_create = on_thread,
        .quantum_end = on_quantum_end,
        .object_wait = on_object_wait,
        .object_done = on_object_done,
        .object_release = on_object_release,
        .notify = on_notify,
        .create_failed = on_create_failed,
    };
    struct ke_run_options opt = {
        .seed = 1, .duration = duration, .check_invariants = true, .probe = &probe};
    struct ke_machine *m;
    if (ke_machine_create(&m, wl, &opt, r->error, sizeof r->error) != 0)
        return r->status = KE_RUN_ERROR;
    r->status = ke_machine_run(m);
    r->end = ke_machine_now(m);
    if (ke_machine_error(m))
        strncpy(r->error, ke_machine_error(m), sizeof r->error - 1);
    ke_machine_destroy(m);
    return r->status;
}

int h_thread_switches(const struct h_run *r)
{
    int n = 0;
    for (int i = 0; i < r->nsw; i++)
        n += r->sw[i].prev >= 0 && r->sw[i].next >= 0;
    return n;
}

const struct h_switch *h_switch_after(const struct h_run *r, int cpu, sim_time_t at)
{
    for (int i = 0; i < r->nsw; i++)
        if (r->sw[i].cpu == cpu && r->sw[i].at >= at)
            return &r->sw[i];
    return NULL;
}

sim_time_t h_cpu_time(const struct h_run *r, int thread, sim_time_t until)
{
    sim_time_t total = 0, since[KE_MAX_CPUS];
    for (int c = 0; c < KE_MAX_CPUS; c++)
        since[c] = -1;
    for (int i = 0; i < r->nsw && r->sw[i].at <= until; i++) {
        const struct h_switch *s = &r->sw[i];
        if (s->prev == thread && since[s->cpu] >= 0)
            total += s->at - since[s->cpu];
        since[s->cpu] = s->next == thread ? s->at : -1;
    }
    for (int c = 0; c < KE_MAX_CPUS; c++)
        if (since[c] >= 0)
            total += until - since[c];
    return total;
}
