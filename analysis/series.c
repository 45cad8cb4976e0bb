/* analysis/series.c - the time-series listener: what the plots need (layer: analysis).
 * Owns the probe listener that fills an_result.series for the results
 * database and the plots.  It sits beside the metrics listener (metrics.c)
 * rather than inside it because its output is bulkier and optional (`pssim
 * run --no-db` without --plots does not attach it).  Every callback is O(1)
 * (amortised) with no allocation except when a thread or process is first
 * seen or an array doubles; memory follows the number of threads and the
 * Gantt window, never the simulated time.
 *
 * What it collects (times in ns here, seconds in the curves):
 *
 * Slices (Gantt chart)
 *   A slice is a thread's stretch on one processor, from the context_switch
 *   where it is `next` to the one where it leaves (or the end of the run).
 *   Slices that start in [0, window) are kept, with their real end; empty
 *   ones are dropped.  Once AN_SERIES_MAX_SLICES are kept the window closes
 *   at that instant, so a busy machine yields a complete chart of a shorter
 *   window instead of an unbounded array.  `priority` is the thread's
 *   priority when it was switched in.
 * Utilisation over time
 *   Per processor, the busy time (the sum of its slices) in AN_SERIES_BINS
 *   bins of equal width from 0.  The width starts at 1024 ns and doubles
 *   (adjacent bins merged) whenever the run outgrows the bins, so a run uses
 *   between half of them and all of them whatever its length.  A curve per
 *   processor ("cpu", "N", "utilization") and one for the machine ("run",
 *   "", "utilization"): x = bin start in seconds, y = busy fraction of the
 *   bin (the last bin is cut at the end of the run).
 * Latency histograms
 *   The wake-up latency samples of metrics.c (ready with reason START or
 *   WAKE to the next switch-in) by subsystem ("subsystem", "wsl", "latency")
 *   and by the process's priority class ("priority_class", "normal",
 *   "latency"); only non-empty ones are kept.
 * CPU share against entitlement
 *   share = the process's CPU time / (processors x simulated time), as the
 *   metric of the same name.  entitlement = min(fair, demand) / (processors
 *   x simulated time), where
 *     demand = the integral over time of its runnable (ready or running)
 *              threads: the most processor time it could have used;
 *     fair   = processors x the integral, over the time it had a runnable
 *              thread, of 1 / (the number of processes that had one): the
 *              machine split equally among the processes that wanted it.
 *   The cap applies to the totals, not instant by instant, and what a capped
 *   process leaves is not handed to the others, which keeps every callback
 *   O(1) (a global clock of 1 / runnable processes, read when a process
 *   starts or stops wanting the machine).  One point per process
 *   ("process", entity, "share_vs_entitlement"): x = entitlement, y = share.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#define ANALYSIS_INTERNAL
#include "analysis/analysis_int.h"

#define FIRST_SHIFT 10 /* bins are 2^shift ns wide: a bin index is a shift, not a division */

static const char *const SUBSYSTEM[PS_SUBSYSTEM_COUNT] = {"win32", "wsl"};
static const char *const CLASS[PS_CLASS_COUNT] = {"idle", "below_normal", "normal",
                                                  "above_normal", "high", "realtime"};

/* Small, because one is touched at nearly every callback. */
struct thr {
    sim_time_t lat_since;
    bool seen, runnable, lat_pending;
};

struct proc {
    const struct ps_process *p; /* NULL: slot not used (yet) */
    int runnable;               /* its threads that are ready or running */
    sim_time_t changed;         /* when `runnable` last changed */
    sim_time_t demand, cpu, exit;
    double fair, clock_since;   /* ns; the fair-share clock when it started wanting */
};

struct cpu {
    const struct ke_thread *cur; /* NULL: idle */
    sim_time_t since;
    int priority;
};

struct raw_slice {
    const struct ke_thread *t;
    sim_time_t start, end;
    int16_t cpu, priority;
};

struct an_series {
    struct ke_probe probe;
    sim_time_t window;
    struct raw_slice *raw;
    size_t nraw, rawcap;
    struct thr *th;
    size_t nth, thcap;
    struct proc *pr;
    size_t npr, prcap;
    struct cpu cpu[KE_MAX_CPUS];
    int shift;                                     /* a utilisation bin is 2^shift ns */
    sim_time_t busy[KE_MAX_CPUS][AN_SERIES_BINS];
    /* one histogram per (subsystem, class): one add per sample, merged by
     * subsystem and by class at the end */
    struct an_hist lat[PS_SUBSYSTEM_COUNT][PS_CLASS_COUNT];
    int wanting;          /* processes with a runnable thread */
    double clock;         /* integral of 1 / wanting while wanting > 0, ns */
    sim_time_t clock_at;
    bool oom;
};

/* ===== entities ========================================================= */

static struct proc *proc_of(struct an_series *s, const struct ps_process *p)
{
    if (p->index < s->npr && s->pr[p->index].p)
        return &s->pr[p->index];
    void *a = an__grow(s->pr, &s->prcap, (size_t)p->index + 1, sizeof *s->pr);
    if (!a) {
        s->oom = true;
        return NULL;
    }
    s->pr = a;
    struct proc *pr = &s->pr[p->index];
    pr->p = p;
    pr->exit = -1;
    if (p->index >= s->npr)
        s->npr = (size_t)p->index + 1;
    return pr;
}

/* Registers a thread (and its process) on first sight. */
static struct thr *thr_of(struct an_series *s, const struct ke_thread *t)
{
    if (t->index < s->nth && s->th[t->index].seen)
        return &s->th[t->index];
    if (!proc_of(s, t->process))
        return NULL;
    void *a = an__grow(s->th, &s->thcap, (size_t)t->index + 1, sizeof *s->th);
    if (!a) {
        s->oom = true;
        return NULL;
    }
    s->th = a;
    s->th[t->index].seen = true;
    if (t->index >= s->nth)
        s->nth = (size_t)t->index + 1;
    return &s->th[t->index];
}

/* ===== utilisation bins ================================================= */

/* Double the bin width, merging adjacent bins, until `t` is covered. */
static void cover(struct an_series *s, sim_time_t t)
{
    while (t > ((sim_time_t)AN_SERIES_BINS << s->shift)) {
        for (int c = 0; c < KE_MAX_CPUS; c++) {
            sim_time_t *b = s->busy[c];
            for (int i = 0; i < AN_SERIES_BINS / 2; i++)
                b[i] = b[2 * i] + b[2 * i + 1];
            memset(b + AN_SERIES_BINS / 2, 0, (AN_SERIES_BINS / 2) * sizeof *b);
        }
        s->shift++;
    }
}

static void add_busy(struct an_series *s, int cpu, sim_time_t from, sim_time_t to)
{
    cover(s, to);
    for (sim_time_t i = from >> s->shift; (i << s->shift) < to; i++) {
        sim_time_t lo = i << s->shift, hi = (i + 1) << s->shift;
        s->busy[cpu][i] += (to < hi ? to : hi) - (from > lo ? from : lo);
    }
}

/* ===== callbacks ======================================================== */

/* The fair-share clock advances by dt / wanting while someone wants the machine. */
static void advance_clock(struct an_series *s, sim_time_t now)
{
    if (s->wanting > 0)
        s->clock += (double)(now - s->clock_at) / s->wanting;
    s->clock_at = now;
}

static void set_runnable(struct an_series *s, const struct ke_thread *t, struct thr *th, bool on,
                         sim_time_t now)
{
    if (th->runnable == on)
        return;
    th->runnable = on;
    struct proc *pr = &s->pr[t->process->index];
    advance_clock(s, now);
    pr->demand += pr->runnable * (now - pr->changed);
    pr->changed = now;
    if (on && pr->runnable++ == 0) {
        s->wanting++;
        pr->clock_since = s->clock;
    } else if (!on && --pr->runnable == 0) {
        s->wanting--;
        pr->fair += s->clock - pr->clock_since;
    }
}

static void keep_slice(struct an_series *s, const struct cpu *cs, int cpu, sim_time_t end)
{
    if (s->nraw == s->rawcap) {
        void *a = an__grow(s->raw, &s->rawcap, s->nraw + 1, sizeof *s->raw);
        if (!a) {
            s->oom = true;
            return;
        }
        s->raw = a;
    }
    s->raw[s->nraw++] = (struct raw_slice){cs->cur, cs->since, end, (int16_t)cpu,
                                           (int16_t)cs->priority};
    if (s->nraw >= AN_SERIES_MAX_SLICES && end < s->window)
        s->window = end; /* later slices start after every kept one */
}

static void close_slice(struct an_series *s, int cpu, sim_time_t now)
{
    struct cpu *cs = &s->cpu[cpu];
    if (!cs->cur || now <= cs->since) {
        cs->cur = NULL;
        return;
    }
    add_busy(s, cpu, cs->since, now);
    s->pr[cs->cur->process->index].cpu += now - cs->since;
    if (cs->since < s->window)
        keep_slice(s, cs, cpu, now);
    cs->cur = NULL;
}

static void on_switch(void *ctx, sim_time_t now, const struct ke_cpu *c,
                      const struct ke_thread *prev, const struct ke_thread *next)
{
    struct an_series *s = ctx;
    (void)prev; /* the slice open on c says who leaves */
    if ((unsigned)c->number >= KE_MAX_CPUS)
        return;
    close_slice(s, c->number, now);
    struct thr *th = next ? thr_of(s, next) : NULL;
    if (!th)
        return;
    s->cpu[c->number] = (struct cpu){next, now, next->priority};
    set_runnable(s, next, th, true, now);
    if (th->lat_pending) {
        const struct ps_process *p = next->process;
        th->lat_pending = false;
        if (an_hist_add(&s->lat[p->subsystem][p->priority_class], now - th->lat_since))
            s->oom = true;
    }
}

static void on_ready(void *ctx, sim_time_t now, const struct ke_thread *t, enum ke_ready_reason why)
{
    struct an_series *s = ctx;
    if (why != KE_READY_START && why != KE_READY_WAKE)
        return; /* a thread that ran goes back to a queue: it was runnable already */
    struct thr *th = thr_of(s, t);
    if (!th)
        return;
    set_runnable(s, t, th, true, now);
    if (!th->lat_pending) {
        th->lat_pending = true;
        th->lat_since = now;
    }
}

static void on_stop_wanting(struct an_series *s, sim_time_t now, const struct ke_thread *t)
{
    struct thr *th = thr_of(s, t);
    if (th)
        set_runnable(s, t, th, false, now);
}

static void on_wait_begin(void *ctx, sim_time_t now, const struct ke_thread *t, enum ke_wait_reason why)
{
    (void)why;
    on_stop_wanting(ctx, now, t);
}

static void on_thread_exit(void *ctx, sim_time_t now, const struct ke_thread *t)
{
    on_stop_wanting(ctx, now, t);
}

static void on_process_create(void *ctx, sim_time_t now, const struct ps_process *p)
{
    (void)now;
    proc_of(ctx, p);
}

static void on_process_exit(void *ctx, sim_time_t now, const struct ps_process *p)
{
    struct proc *pr = proc_of(ctx, p);
    if (pr)
        pr->exit = now;
}

/* ===== end of run ======================================================= */

/* Close what is still open at `end`: slices, and the demand and fair share
 * of the processes that still want the machine. */
static void close_all(struct an_series *s, sim_time_t end)
{
    for (int c = 0; c < KE_MAX_CPUS; c++)
        close_slice(s, c, end);
    cover(s, end);
    advance_clock(s, end);
    for (size_t i = 0; i < s->npr; i++) {
        struct proc *pr = &s->pr[i];
        pr->demand += pr->runnable * (end - pr->changed);
        pr->changed = end;
        if (pr->runnable > 0)
            pr->fair += s->clock - pr->clock_since;
        pr->clock_since = s->clock;
    }
}

static int by_cpu_then_start(const void *a, const void *b)
{
    const struct raw_slice *x = a, *y = b;
    if (x->cpu != y->cpu)
        return x->cpu - y->cpu;
    return (x->start > y->start) - (x->start < y->start);
}

/* A thread's names, kept in the result once however many slices it has:
 * names[2 * index] and names[2 * index + 1]. */
static int keep_names(struct an_result *out, const struct ke_thread *t, const char **names)
{
    const char **n = &names[2 * (size_t)t->index];
    if (!n[0]) {
        n[0] = an__keep(out, t->process->entity);
        n[1] = an__keep(out, t->entity);
    }
    return n[0] && n[1] ? 0 : -1;
}

static int emit_slices(struct an_series *s, struct an_result *out, sim_time_t end)
{
    const char **names = calloc(2 * s->nth + 1, sizeof *names);
    int rc = names ? 0 : -1;
    out->series.gantt_window = s->window < end ? s->window : end;
    if (s->nraw) /* raw is NULL when nothing ran: qsort must not see it */
        qsort(s->raw, s->nraw, sizeof *s->raw, by_cpu_then_start);
    for (size_t i = 0; rc == 0 && i < s->nraw; i++) {
        const struct raw_slice *r = &s->raw[i];
        const char **n = &names[2 * (size_t)r->t->index];
        struct an_slice sl = {r->start, r->end, r->cpu, r->priority, r->t->process->pid,
                              r->t->tid, NULL, NULL, SUBSYSTEM[r->t->process->subsystem]};
        rc = keep_names(out, r->t, names);
        sl.process = n[0];
        sl.thread = n[1];
        if (rc == 0)
            rc = an__slice_add(out, &sl);
    }
    free(names);
    return rc;
}

static double ratio(double a, double b) { return b > 0 ? a / b : 0.0; }

/* The processes, and a share-vs-entitlement point for each. */
static int emit_processes(struct an_series *s, struct an_result *out, int ncpus, sim_time_t end)
{
    double capacity = (double)ncpus * (double)end; /* processor-ns */
    for (size_t i = 0; i < s->npr; i++) {
        const struct proc *pr = &s->pr[i];
        if (!pr->p)
            continue;
        struct an_process_info info = {an__keep(out, pr->p->entity), SUBSYSTEM[pr->p->subsystem],
                                       CLASS[pr->p->priority_class], pr->p->pid,
                                       pr->p->arrival_time, pr->exit};
        if (!info.entity || an__process_add(out, &info))
            return -1;
        double fair = ncpus * pr->fair, demand = (double)pr->demand;
        struct an_curve *c = an__curve_add(out, "process", info.entity, "share_vs_entitlement");
        if (!c || an__curve_point(c, ratio(fair < demand ? fair : demand, capacity),
                                  ratio((double)pr->cpu, capacity)))
            return -1;
    }
    return 0;
}

/* One utilisation curve: the busy fraction of each bin over processors
 * [first, first + n). */
static int bin_curve(struct an_series *s, struct an_result *out, const char *scope,
                     const char *entity, int first, int n, sim_time_t end)
{
    struct an_curve *cv = an__curve_add(out, scope, entity, "utilization");
    if (!cv)
        return -1;
    sim_time_t w = (sim_time_t)1 << s->shift;
    for (sim_time_t from = 0; from < end; from += w) {
        sim_time_t to = from + w < end ? from + w : end;
        double busy = 0;
        for (int c = first; c < first + n; c++)
            busy += (double)s->busy[c][from >> s->shift];
        if (an__curve_point(cv, sim_time_to_seconds(from), ratio(busy, (double)(to - from) * n)))
            return -1;
    }
    return 0;
}

static int emit_utilization(struct an_series *s, struct an_result *out, int ncpus, sim_time_t end)
{
    char name[16];
    if (ncpus > KE_MAX_CPUS)
        ncpus = KE_MAX_CPUS;
    for (int c = 0; c < ncpus; c++) {
        snprintf(name, sizeof name, "%d", c);
        if (bin_curve(s, out, "cpu", name, c, 1, end))
            return -1;
    }
    return bin_curve(s, out, "run", "", 0, ncpus, end);
}

/* The latency histogram of a subsystem (cls < 0) or of a class (ss < 0),
 * kept in `out` when not empty. */
static int emit_merged(struct an_series *s, struct an_result *out, int ss, int cls)
{
    struct an_hist h;
    int rc = 0;
    an_hist_init(&h);
    for (int i = 0; i < PS_SUBSYSTEM_COUNT; i++)
        for (int k = 0; k < PS_CLASS_COUNT; k++)
            if ((i == ss || ss < 0) && (k == cls || cls < 0) && an_hist_merge(&h, &s->lat[i][k]))
                rc = -1;
    if (rc == 0 && h.count)
        rc = an__histo_from(out, ss >= 0 ? "subsystem" : "priority_class",
                            ss >= 0 ? SUBSYSTEM[ss] : CLASS[cls], "latency", &h);
    an_hist_free(&h);
    return rc;
}

static int emit_latency(struct an_series *s, struct an_result *out)
{
    for (int i = 0; i < PS_SUBSYSTEM_COUNT; i++)
        if (emit_merged(s, out, i, -1))
            return -1;
    for (int k = 0; k < PS_CLASS_COUNT; k++)
        if (emit_merged(s, out, -1, k))
            return -1;
    return 0;
}

static int finish(void *ctx, sim_time_t end, int ncpus, struct an_result *out, FILE *errfp)
{
    struct an_series *s = ctx;
    if (!s->oom) {
        close_all(s, end);
        if (emit_slices(s, out, end) == 0 && emit_utilization(s, out, ncpus, end) == 0 &&
            emit_processes(s, out, ncpus, end) == 0 && emit_latency(s, out) == 0 && !s->oom)
            return 0;
    }
    fprintf(errfp, "pssim: out of memory\n");
    return -1;
}

/* ===== life cycle ======================================================= */

struct an_series *an_series_new(sim_time_t window)
{
    struct an_series *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->window = window > 0 ? window : AN_SERIES_WINDOW;
    s->shift = FIRST_SHIFT;
    s->probe = (struct ke_probe){
        .ctx = s,
        .process_create = on_process_create,
        .process_exit = on_process_exit,
        .thread_exit = on_thread_exit,
        .ready = on_ready,
        .context_switch = on_switch,
        .wait_begin = on_wait_begin,
    };
    return s;
}

void an_series_free(struct an_series *s)
{
    if (!s)
        return;
    for (int i = 0; i < PS_SUBSYSTEM_COUNT; i++)
        for (int k = 0; k < PS_CLASS_COUNT; k++)
            an_hist_free(&s->lat[i][k]);
    free(s->raw);
    free(s->th);
    free(s->pr);
    free(s);
}

struct an_listener an_series_listener(struct an_series *s)
{
    return (struct an_listener){&s->probe, finish, s};
}
