/* analysis/metrics.c - the metrics probe listener (layer: analysis).
 * Owns the per-thread, per-process, per-subsystem and per-CPU accumulators
 * fed by the machine's probe callbacks, and turns them into metric rows at
 * the end of a run.  Callbacks are O(1) and allocate only when a thread or
 * process is seen for the first time, because they run on every simulated
 * event.
 *
 * Definitions (README "Metrics"); all times are in seconds.
 *
 * Intervals
 *   A thread is Running from the context_switch where it is `next` until the
 *   context_switch where it is `prev`, or until the end of the run.  It is
 *   ready (Ready or Standby) from a `ready` callback until it next runs, and
 *   waiting from wait_begin to wait_end.  Intervals still open at the end of
 *   the run are closed at the end time.
 *
 * Latency (wake-up / scheduling latency)
 *   A sample is started by a `ready` callback with reason START or WAKE and
 *   taken when the thread next runs: it covers the whole time from becoming
 *   runnable to first running, including any re-queueing (preemption,
 *   quantum end, yield, requeue) before it ran.  A thread put back in a
 *   ready queue after running (preempted, quantum end, yield) starts no
 *   sample: that time is ready_time only.  A sample still pending at the end
 *   of the run is dropped (it never ran).
 * Starvation
 *   A ready stretch starts with a `ready` callback while the thread was not
 *   already ready and ends when it runs (or at the end of the run).
 *   starvation_max is the longest stretch of any thread.
 * Fairness
 *   Jain's index (sum x)^2 / (n * sum x^2) over the n threads that were ever
 *   runnable, with x_i = cpu_time_i / (cpu_time_i + ready_time_i): the
 *   fraction of the time a thread wanted a processor that it got.  This
 *   compares service against demand, so threads that sleep a lot are not
 *   counted as treated unfairly.  x_i = 1 for a thread that never waited
 *   while runnable; the index is 1 with no such thread or when sum x^2 = 0.
 * Percentiles
 *   Nearest-rank percentiles from log-linear histograms (analysis/hist.c):
 *   within 1.6% of the exact value, memory bounded by the range of the
 *   values and not by their number.  A population without samples
 *   reports 0.
 *
 * Rows, in this order (entities in creation order):
 *   run        context_switches (switches to a different, non-idle thread),
 *              preemptions (ready callbacks with reason PREEMPTED),
 *              migrations (a thread switched in on another processor than the
 *              one it last ran on), utilization (busy time / (cpus * end)),
 *              jain_fairness, latency_p50, latency_p95, latency_p99,
 *              latency_max, starvation_max, response_mean, response_p99
 *              (process response = exit time - arrival time, over the
 *              processes that exited; 0 when none), processes_completed.
 *              `events` is added by the runner, not here.
 *   subsystem  "win32", "wsl" (only those with a process): cpu_time,
 *              share (cpu_time / (cpus * end)), jain_fairness (over its
 *              threads), latency_p50, latency_p99.
 *   process    pid, cpu_time, share, latency_p50, latency_p99, and
 *              response_time when it exited.
 *   thread     tid, cpu_time, ready_time, wait_time, switches (times it was
 *              switched in), latency_p99.
 *   cpu        "0", "1", ...: busy_time (time running a thread rather than
 *              idle), utilization (busy_time / end).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#define ANALYSIS_INTERNAL
#include "analysis/analysis_int.h"

/* One percentile of a population and the row it becomes. */
struct qdef {
    double p;
    const char *name;
};
static const struct qdef RUN_LAT[] = {
    {0.50, "latency_p50"}, {0.95, "latency_p95"}, {0.99, "latency_p99"}, {0, NULL}};
static const struct qdef GROUP_LAT[] = {{0.50, "latency_p50"}, {0.99, "latency_p99"}, {0, NULL}};
static const struct qdef SUBSYSTEM_LAT[] = {
    {0.50, "latency_p50"}, {0.95, "latency_p95"}, {0.99, "latency_p99"}, {0, NULL}};
static const struct qdef THREAD_LAT[] = {{0.99, "latency_p99"}, {0, NULL}};
static const struct qdef RESPONSE[] = {{0.99, "response_p99"}, {0, NULL}};

static const char *const SUBSYSTEM_NAME[PS_SUBSYSTEM_COUNT] = {"win32", "wsl"};

/* What a thread waits for: a sleep, an I/O, or an object of some type. */
enum { WAIT_SLEEP = KE_OBJ_TYPE_COUNT, WAIT_IO, WAIT_KINDS };
static const char *const WAIT_ROW[WAIT_KINDS] = {
    [KE_OBJ_EVENT] = "wait_time_event",
    [KE_OBJ_SEMAPHORE] = "wait_time_semaphore",
    [KE_OBJ_MUTEX] = "wait_time_mutex",
    [KE_OBJ_TIMER] = "wait_time_timer",
    [KE_OBJ_CONDITION] = "wait_time_condition",
    [KE_OBJ_BARRIER] = "wait_time_barrier",
    [KE_OBJ_SPINLOCK] = "wait_time_spinlock",
    [KE_OBJ_FAST_MUTEX] = "wait_time_fast_mutex",
    [KE_OBJ_GUARDED_MUTEX] = "wait_time_guarded_mutex",
    [KE_OBJ_ERESOURCE] = "wait_time_eresource",
    [KE_OBJ_PUSH_LOCK] = "wait_time_push_lock",
    [KE_OBJ_PROCESS] = "wait_time_process",
    [KE_OBJ_THREAD] = "wait_time_thread",
    [WAIT_SLEEP] = "wait_time_sleep",
    [WAIT_IO] = "wait_time_io",
};

struct thread_acc {
    const struct ke_thread *t; /* NULL: slot not used (yet) */
    sim_time_t wait_by_kind[WAIT_KINDS];
    uint64_t timeouts;
    int wait_kind;
    sim_time_t run_since, ready_since, lat_since, wait_since;
    sim_time_t cpu, ready, wait; /* accumulated, ns */
    uint64_t switches;
    int last_cpu;                /* -1 before the first run */
    bool running, is_ready, lat_pending, waiting, runnable;
    struct an_hist lat;
};

struct process_acc {
    const struct ps_process *p; /* NULL: slot not used (yet) */
    bool exited, started;
    sim_time_t creation;        /* request to its first thread running */
    sim_time_t response;
    sim_time_t cpu;     /* summed from its threads at finish */
    uint64_t switches;  /* likewise */
    struct an_hist lat;
};

/* Jain's index accumulator. */
struct jain {
    size_t n;
    double sum, sumsq;
};

struct subsystem_acc {
    int nprocesses;
    uint64_t preemptions, migrations, completed;
    sim_time_t lat_max, starvation_max;
    double resp_sum;
    struct an_hist resp;
    uint64_t started, failed;      /* processes that ran; creations vetoed */
    sim_time_t creation_sum;
    sim_time_t cpu;   /* at finish */
    uint64_t switches; /* at finish */
    struct jain jain; /* at finish */
    struct an_hist lat;
};

struct cpu_acc {
    bool on; /* running a thread */
    sim_time_t since, busy;
};

struct an_metrics {
    struct ke_probe probe;
    struct thread_acc *th;
    size_t nth, thcap; /* nth: highest thread index seen + 1 */
    struct process_acc *pr;
    size_t npr, prcap;
    struct subsystem_acc ss[PS_SUBSYSTEM_COUNT];
    struct cpu_acc cpu[KE_MAX_CPUS];
    uint64_t switches, preemptions, migrations, completed, timeouts, failed;
    struct driver_acc {
        const struct ps_driver_spec *d;
        uint64_t callbacks, vetoed;
        sim_time_t time;
    } *dr;
    size_t ndr, drcap;
    sim_time_t lat_max, starvation_max;
    struct an_hist lat, resp;
    double resp_sum;
    struct jain jain; /* at finish */
    bool oom;         /* a callback could not grow an array: finish fails */
};

/* ===== helpers ========================================================== */

/* Record a sample; a failed allocation fails the whole run's metrics. */
static void hist_add(struct an_metrics *am, struct an_hist *h, sim_time_t v)
{
    if (an_hist_add(h, v) != 0)
        am->oom = true;
}

/* End the interval [since, now) if it is open: add it to *acc and return its
 * length (0 when it was not open). */
static sim_time_t close_interval(bool *open, sim_time_t since, sim_time_t now, sim_time_t *acc)
{
    if (!*open)
        return 0;
    *open = false;
    sim_time_t d = now > since ? now - since : 0;
    *acc += d;
    return d;
}

/* Grow a zero-filled array to hold `need` elements, doubling.  Returns the
 * (possibly moved) array, or NULL with `arr` untouched. */

static double ratio(double a, double b) { return b > 0 ? a / b : 0.0; }

static void jain_add(struct jain *j, double x)
{
    j->n++;
    j->sum += x;
    j->sumsq += x * x;
}

static double jain_value(const struct jain *j)
{
    if (j->n == 0 || j->sumsq <= 0)
        return 1.0;
    return j->sum * j->sum / ((double)j->n * j->sumsq);
}

/* ===== entities ========================================================= */

static struct process_acc *process_slot(struct an_metrics *am, const struct ps_process *p)
{
    if (p->index < am->npr && am->pr[p->index].p)
        return &am->pr[p->index];
    void *a = an__grow(am->pr, &am->prcap, (size_t)p->index + 1, sizeof *am->pr);
    if (!a) {
        am->oom = true;
        return NULL;
    }
    am->pr = a;
    struct process_acc *pa = &am->pr[p->index];
    pa->p = p;
    am->ss[p->subsystem].nprocesses++;
    if (p->index >= am->npr)
        am->npr = (size_t)p->index + 1;
    return pa;
}

static struct thread_acc *thread_register(struct an_metrics *am, const struct ke_thread *t)
{
    if (!process_slot(am, t->process))
        return NULL;
    void *a = an__grow(am->th, &am->thcap, (size_t)t->index + 1, sizeof *am->th);
    if (!a) {
        am->oom = true;
        return NULL;
    }
    am->th = a;
    struct thread_acc *ta = &am->th[t->index];
    ta->t = t;
    ta->last_cpu = -1;
    if (t->index >= am->nth)
        am->nth = (size_t)t->index + 1;
    return ta;
}

/* Registers a thread on first sight, so no callback order is assumed. */
static struct thread_acc *thread_slot(struct an_metrics *am, const struct ke_thread *t)
{
    if (t->index < am->nth && am->th[t->index].t)
        return &am->th[t->index];
    return thread_register(am, t);
}

/* ===== probe callbacks ================================================== */

static void on_process_create(void *ctx, sim_time_t now, const struct ps_process *p)
{
    (void)now;
    process_slot(ctx, p);
}

static void on_process_exit(void *ctx, sim_time_t now, const struct ps_process *p)
{
    struct an_metrics *am = ctx;
    struct process_acc *pa = process_slot(am, p);
    if (!pa || pa->exited)
        return;
    pa->exited = true;
    pa->response = now - p->arrival_time;
    double s = sim_time_to_seconds(pa->response);
    struct subsystem_acc *ss = &am->ss[p->subsystem];
    am->completed++;
    ss->completed++;
    am->resp_sum += s;
    ss->resp_sum += s;
    hist_add(am, &am->resp, pa->response);
    hist_add(am, &ss->resp, pa->response);
}

/* Raise the run's and a subsystem's maximum to v. */
static void note_max(sim_time_t *run, sim_time_t *subsystem, sim_time_t v)
{
    if (v > *run)
        *run = v;
    if (v > *subsystem)
        *subsystem = v;
}

static void on_thread_create(void *ctx, sim_time_t now, const struct ke_thread *t)
{
    (void)now;
    thread_slot(ctx, t);
}

static void on_ready(void *ctx, sim_time_t now, const struct ke_thread *t, enum ke_ready_reason why)
{
    struct an_metrics *am = ctx;
    struct thread_acc *ta = thread_slot(am, t);
    if (!ta)
        return;
    ta->runnable = true;
    if (!ta->is_ready) {
        ta->is_ready = true;
        ta->ready_since = now;
    }
    /* Only becoming runnable starts a sample; a re-queue keeps the pending
     * one's start so the sample spans the whole wait. */
    if ((why == KE_READY_START || why == KE_READY_WAKE) && !ta->lat_pending) {
        ta->lat_pending = true;
        ta->lat_since = now;
    }
    if (why == KE_READY_PREEMPTED) {
        am->preemptions++;
        am->ss[t->process->subsystem].preemptions++;
    }
}

/* One sample feeds the thread, its process, its subsystem and the run. */
static void latency_sample(struct an_metrics *am, struct thread_acc *ta, sim_time_t now)
{
    const struct ps_process *p = ta->t->process;
    sim_time_t d = now - ta->lat_since;
    ta->lat_pending = false;
    hist_add(am, &ta->lat, d);
    hist_add(am, &am->pr[p->index].lat, d);
    hist_add(am, &am->ss[p->subsystem].lat, d);
    hist_add(am, &am->lat, d);
    note_max(&am->lat_max, &am->ss[p->subsystem].lat_max, d);
}

static void switch_in(struct an_metrics *am, sim_time_t now, const struct ke_cpu *c,
                      const struct ke_thread *t)
{
    struct thread_acc *ta = thread_slot(am, t);
    if (!ta)
        return;
    ta->runnable = true;
    sim_time_t waited = close_interval(&ta->is_ready, ta->ready_since, now, &ta->ready);
    note_max(&am->starvation_max, &am->ss[t->process->subsystem].starvation_max, waited);
    if (ta->lat_pending)
        latency_sample(am, ta, now);
    if (ta->running) /* switched to itself: the same Running interval goes on */
        return;
    ta->switches++;
    if (ta->last_cpu >= 0 && ta->last_cpu != c->number) {
        am->migrations++;
        am->ss[t->process->subsystem].migrations++;
    }
    ta->last_cpu = c->number;
    ta->running = true;
    ta->run_since = now;
}

static void on_context_switch(void *ctx, sim_time_t now, const struct ke_cpu *c,
                              const struct ke_thread *prev, const struct ke_thread *next)
{
    struct an_metrics *am = ctx;
    if ((unsigned)c->number < KE_MAX_CPUS) {
        struct cpu_acc *ca = &am->cpu[c->number];
        if (!next)
            close_interval(&ca->on, ca->since, now, &ca->busy);
        else if (!ca->on) {
            ca->on = true;
            ca->since = now;
        }
    }
    if (prev && prev != next) {
        struct thread_acc *ta = thread_slot(am, prev);
        if (ta)
            close_interval(&ta->running, ta->run_since, now, &ta->cpu);
    }
    if (next && next != prev)
        am->switches++;
    if (next)
        switch_in(am, now, c, next);
    struct process_acc *pa = next ? process_slot(am, next->process) : NULL;
    if (pa && !pa->started) { /* its first thread runs */
        pa->started = true;
        pa->creation = now - next->process->arrival_time;
        am->ss[next->process->subsystem].started++;
        am->ss[next->process->subsystem].creation_sum += pa->creation;
    }
}

/* Drivers are few: a linear search keyed by their spec. */
static struct driver_acc *driver_slot(struct an_metrics *am, const struct ps_driver_spec *d)
{
    for (size_t i = 0; i < am->ndr; i++)
        if (am->dr[i].d == d)
            return &am->dr[i];
    void *a = an__grow(am->dr, &am->drcap, am->ndr + 1, sizeof *am->dr);
    if (!a) {
        am->oom = true;
        return NULL;
    }
    am->dr = a;
    am->dr[am->ndr].d = d;
    return &am->dr[am->ndr++];
}

static void on_notify(void *ctx, sim_time_t now, const struct ps_driver_spec *d, bool create,
                      const struct ps_create_notify_info *info, const struct ps_process *p,
                      const struct ke_thread *t, const struct ke_thread *in, sim_time_t cost)
{
    (void)now, (void)create, (void)info, (void)p, (void)t, (void)in;
    struct driver_acc *da = driver_slot(ctx, d);
    if (da) {
        da->callbacks++;
        da->time += cost;
    }
}

static void on_create_failed(void *ctx, sim_time_t now, const struct ps_process_spec *spec,
                             const struct ke_thread *creator, const struct ps_driver_spec *by)
{
    struct an_metrics *am = ctx;
    (void)now, (void)creator;
    struct driver_acc *da = driver_slot(am, by);
    if (da)
        da->vetoed++;
    am->ss[spec->subsystem].failed++;
    am->failed++;
}

static int wait_kind(const struct ke_thread *t, enum ke_wait_reason why)
{
    if (why == KE_WAIT_IO)
        return WAIT_IO;
    if (why == KE_WAIT_OBJECT && t->wait_count > 0)
        return (int)t->wait_blocks[0].object->spec->type; /* the first object of the wait */
    return WAIT_SLEEP;
}

static void on_wait_begin(void *ctx, sim_time_t now, const struct ke_thread *t, enum ke_wait_reason why)
{
    struct thread_acc *ta = thread_slot(ctx, t);
    if (ta && !ta->waiting) {
        ta->waiting = true;
        ta->wait_since = now;
        ta->wait_kind = wait_kind(t, why);
    }
}

static void on_wait_end(void *ctx, sim_time_t now, const struct ke_thread *t)
{
    struct an_metrics *am = ctx;
    struct thread_acc *ta = thread_slot(am, t);
    if (!ta)
        return;
    ta->wait_by_kind[ta->wait_kind] += close_interval(&ta->waiting, ta->wait_since, now, &ta->wait);
    if (t->wait_status == KE_STATUS_TIMEOUT) { /* a timed-out wait carries on, counted */
        ta->timeouts++;
        am->timeouts++;
    }
}

/* ===== life cycle ======================================================= */

struct an_metrics *an_metrics_new(void)
{
    struct an_metrics *am = calloc(1, sizeof *am);
    if (!am)
        return NULL;
    am->probe = (struct ke_probe){
        .ctx = am,
        .process_create = on_process_create,
        .process_exit = on_process_exit,
        .thread_create = on_thread_create,
        .ready = on_ready,
        .context_switch = on_context_switch,
        .wait_begin = on_wait_begin,
        .wait_end = on_wait_end,
        .notify = on_notify,
        .create_failed = on_create_failed,
    };
    return am;
}

void an_metrics_free(struct an_metrics *am)
{
    if (!am)
        return;
    for (size_t i = 0; i < am->nth; i++)
        an_hist_free(&am->th[i].lat);
    for (size_t i = 0; i < am->npr; i++)
        an_hist_free(&am->pr[i].lat);
    for (int s = 0; s < PS_SUBSYSTEM_COUNT; s++) {
        an_hist_free(&am->ss[s].lat);
        an_hist_free(&am->ss[s].resp);
    }
    an_hist_free(&am->lat);
    an_hist_free(&am->resp);
    free(am->dr);
    free(am->th);
    free(am->pr);
    free(am);
}

const struct ke_probe *an_metrics_probe(struct an_metrics *am) { return &am->probe; }

/* ===== end of run ======================================================= */

static void close_all(struct an_metrics *am, sim_time_t end)
{
    for (size_t i = 0; i < am->nth; i++) {
        struct thread_acc *ta = &am->th[i];
        if (!ta->t)
            continue;
        close_interval(&ta->running, ta->run_since, end, &ta->cpu);
        sim_time_t waited = close_interval(&ta->is_ready, ta->ready_since, end, &ta->ready);
        note_max(&am->starvation_max, &am->ss[ta->t->process->subsystem].starvation_max, waited);
        ta->wait_by_kind[ta->wait_kind] +=
            close_interval(&ta->waiting, ta->wait_since, end, &ta->wait);
    }
    for (int c = 0; c < KE_MAX_CPUS; c++)
        close_interval(&am->cpu[c].on, am->cpu[c].since, end, &am->cpu[c].busy);
}

/* Per-process and per-subsystem CPU time and fairness, from the threads;
 * recomputed from scratch so a second finish does not double them. */
static void aggregate(struct an_metrics *am)
{
    memset(&am->jain, 0, sizeof am->jain);
    for (int s = 0; s < PS_SUBSYSTEM_COUNT; s++) {
        am->ss[s].cpu = 0;
        am->ss[s].switches = 0;
        memset(&am->ss[s].jain, 0, sizeof am->ss[s].jain);
    }
    for (size_t i = 0; i < am->npr; i++)
        am->pr[i].cpu = am->pr[i].switches = 0;
    for (size_t i = 0; i < am->nth; i++) {
        const struct thread_acc *ta = &am->th[i];
        if (!ta->t)
            continue;
        const struct ps_process *p = ta->t->process;
        struct subsystem_acc *ss = &am->ss[p->subsystem];
        am->pr[p->index].cpu += ta->cpu;
        am->pr[p->index].switches += ta->switches;
        ss->cpu += ta->cpu;
        ss->switches += ta->switches;
        if (!ta->runnable)
            continue;
        sim_time_t wanted = ta->cpu + ta->ready;
        double x = wanted > 0 ? (double)ta->cpu / (double)wanted : 1.0;
        jain_add(&ss->jain, x);
        jain_add(&am->jain, x);
    }
}

/* Rows of one entity go through an emitter; errors are sticky. */
struct emit {
    struct an_result *out;
    enum an_scope scope;
    const char *entity;
    int err;
};

static void put(struct emit *e, const char *name, double value)
{
    if (an_result_add(e->out, e->scope, e->entity, name, value) != 0)
        e->err = -1;
}

/* The percentile rows of a population, in seconds. */
static void put_quants(struct emit *e, const struct an_hist *h, const struct qdef *defs)
{
    for (; defs->name; defs++)
        put(e, defs->name, an_hist_quantile(h, defs->p) / 1e9);
}

static void emit_run(struct an_metrics *am, struct emit *e, double capacity)
{
    double busy = 0;
    for (int c = 0; c < KE_MAX_CPUS; c++)
        busy += sim_time_to_seconds(am->cpu[c].busy);
    e->scope = AN_SCOPE_RUN;
    e->entity = "";
    put(e, "context_switches", (double)am->switches);
    put(e, "preemptions", (double)am->preemptions);
    put(e, "migrations", (double)am->migrations);
    put(e, "utilization", ratio(busy, capacity));
    put(e, "jain_fairness", jain_value(&am->jain));
    put_quants(e, &am->lat, RUN_LAT);
    put(e, "latency_max", sim_time_to_seconds(am->lat_max));
    put(e, "starvation_max", sim_time_to_seconds(am->starvation_max));
    put(e, "response_mean", ratio(am->resp_sum, (double)am->completed));
    put_quants(e, &am->resp, RESPONSE);
    put(e, "processes_completed", (double)am->completed);
    put(e, "wait_timeouts", (double)am->timeouts);
    put(e, "creations_failed", (double)am->failed);
}

static void emit_subsystems(struct an_metrics *am, struct emit *e, double capacity)
{
    e->scope = AN_SCOPE_SUBSYSTEM;
    for (int s = 0; s < PS_SUBSYSTEM_COUNT; s++) {
        struct subsystem_acc *ss = &am->ss[s];
        if (ss->nprocesses == 0)
            continue;
        e->entity = SUBSYSTEM_NAME[s];
        put(e, "cpu_time", sim_time_to_seconds(ss->cpu));
        put(e, "share", ratio(sim_time_to_seconds(ss->cpu), capacity));
        put(e, "jain_fairness", jain_value(&ss->jain));
        put_quants(e, &ss->lat, SUBSYSTEM_LAT);
        put(e, "switches", (double)ss->switches);
        put(e, "preemptions", (double)ss->preemptions);
        put(e, "migrations", (double)ss->migrations);
        put(e, "latency_max", sim_time_to_seconds(ss->lat_max));
        put(e, "starvation_max", sim_time_to_seconds(ss->starvation_max));
        put(e, "response_mean", ratio(ss->resp_sum, (double)ss->completed));
        put_quants(e, &ss->resp, RESPONSE);
        put(e, "processes_completed", (double)ss->completed);
        put(e, "creation_latency_mean",
            ratio(sim_time_to_seconds(ss->creation_sum), (double)ss->started));
        put(e, "creations_failed", (double)ss->failed);
    }
}

static void emit_drivers(struct an_metrics *am, struct emit *e)
{
    e->scope = AN_SCOPE_DRIVER;
    for (size_t i = 0; i < am->ndr; i++) {
        e->entity = am->dr[i].d->name;
        put(e, "callbacks", (double)am->dr[i].callbacks);
        put(e, "callback_time", sim_time_to_seconds(am->dr[i].time));
        put(e, "vetoed", (double)am->dr[i].vetoed);
    }
}

static void emit_processes(struct an_metrics *am, struct emit *e, double capacity)
{
    e->scope = AN_SCOPE_PROCESS;
    for (size_t i = 0; i < am->npr; i++) {
        struct process_acc *pa = &am->pr[i];
        if (!pa->p)
            continue;
        e->entity = pa->p->entity;
        put(e, "pid", pa->p->pid);
        put(e, "cpu_time", sim_time_to_seconds(pa->cpu));
        put(e, "share", ratio(sim_time_to_seconds(pa->cpu), capacity));
        put_quants(e, &pa->lat, GROUP_LAT);
        put(e, "switches", (double)pa->switches);
        if (pa->exited)
            put(e, "response_time", sim_time_to_seconds(pa->response));
        if (pa->started)
            put(e, "creation_latency", sim_time_to_seconds(pa->creation));
    }
}

static void emit_threads(struct an_metrics *am, struct emit *e)
{
    e->scope = AN_SCOPE_THREAD;
    for (size_t i = 0; i < am->nth; i++) {
        struct thread_acc *ta = &am->th[i];
        if (!ta->t)
            continue;
        e->entity = ta->t->entity;
        put(e, "tid", ta->t->tid);
        put(e, "cpu_time", sim_time_to_seconds(ta->cpu));
        put(e, "ready_time", sim_time_to_seconds(ta->ready));
        put(e, "wait_time", sim_time_to_seconds(ta->wait));
        put(e, "switches", (double)ta->switches);
        put_quants(e, &ta->lat, THREAD_LAT);
        for (int k = 0; k < WAIT_KINDS; k++) /* only the kinds it waited for */
            if (ta->wait_by_kind[k] > 0)
                put(e, WAIT_ROW[k], sim_time_to_seconds(ta->wait_by_kind[k]));
        if (ta->timeouts)
            put(e, "wait_timeouts", (double)ta->timeouts);
    }
}

static void emit_cpus(struct an_metrics *am, struct emit *e, int ncpus, sim_time_t end)
{
    char name[16];
    struct emit ce = {e->out, AN_SCOPE_CPU, name, 0}; /* local: `name` dies here */
    for (int c = 0; c < ncpus && c < KE_MAX_CPUS; c++) {
        snprintf(name, sizeof name, "%d", c);
        put(&ce, "busy_time", sim_time_to_seconds(am->cpu[c].busy));
        put(&ce, "utilization", ratio(sim_time_to_seconds(am->cpu[c].busy), sim_time_to_seconds(end)));
    }
    if (ce.err)
        e->err = ce.err;
}

int an_metrics_finish(struct an_metrics *am, sim_time_t end, int ncpus, struct an_result *out)
{
    if (am->oom)
        return -1;
    close_all(am, end);
    aggregate(am);
    double capacity = (double)ncpus * sim_time_to_seconds(end);
    struct emit e = {out, AN_SCOPE_RUN, "", 0};
    emit_run(am, &e, capacity);
    emit_subsystems(am, &e, capacity);
    emit_processes(am, &e, capacity);
    emit_threads(am, &e);
    emit_cpus(am, &e, ncpus, end);
    emit_drivers(am, &e);
    return e.err;
}
