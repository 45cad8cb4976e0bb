/* analysis/trace.c - `--trace FILE`: the schedule streamed to a file as the run goes (layer: analysis).
 *
 * Owns the trace file and the probe listener that feeds a format writer
 * (trace_int.h).  Memory is flat whatever the run length: the only state is
 * one open slice per processor and a 1 MiB output buffer; everything else is
 * read from the thread and process objects the probe passes.
 *
 * The file
 *   The format comes from the extension (.ftrace, .csv, .json, any case).
 *   The trace is written to FILE.partial-<pid>-<k> beside FILE and renamed
 *   over FILE only when the run's listeners are finished, so a crashed or
 *   killed process never leaves a half trace under the final name (the
 *   .partial file stays, named as such).  A run that fails with a scenario
 *   error (status "error") removes it and leaves FILE as it was.  An
 *   interrupted run (Ctrl-C, SIGTERM) is still finished by the runner, so
 *   its trace is complete and well formed up to where the simulation
 *   stopped, and is kept.  When FILE exists and is not a regular file
 *   (/dev/null, a FIFO, a terminal) it is written in place: renaming over a
 *   device would replace it.  A symbolic link is followed, so the file it
 *   points to is replaced, not the link.
 *
 * Slices
 *   A slice opens when the probe switches a thread onto a processor and
 *   closes when the probe switches it off; slices still open at the end of
 *   the run are closed at the end time.  Within one dispatcher exit a thread
 *   may be switched onto processor A before processor B reports switching it
 *   off, both at the same instant: the slices touch, they never overlap.
 *   The CPU time of a thread (README "Metrics") is exactly the sum of its
 *   slices.
 *
 * Lock holds
 *   A thread holds a mutex, spinlock, fast or guarded mutex, ERESOURCE or
 *   push lock (shared holds included) from its first acquisition to its
 *   final release; recursive acquisitions open nothing.  Each thread keeps
 *   the holds it has open as a stack of at most HELD_MAX (a ninth lock held
 *   at once is not traced), so the format's begin/end pairs always nest:
 *   releasing a lock that is not the last acquired closes the holds above
 *   it, closes its own, and reopens the others at the same instant.  This
 *   is the one state that grows with the run: HELD_MAX+1 words per thread
 *   ever created, and only for formats that trace holds.
 *
 * SPDX-License-Identifier: MIT
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/analysis.h"
#define ANALYSIS_INTERNAL
#include "analysis/analysis_int.h"
#include "analysis/trace_int.h"

struct open_slice {
    const struct ke_thread *t; /* NULL: idle */
    sim_time_t since;
    int priority;
};

#define HELD_MAX 8

/* The holds a thread has open, in acquisition order (objects live as
 * long as the machine, as locks.c relies on too). */
struct held_set {
    uint32_t n;
    const struct ke_object *obj[HELD_MAX];
};

struct an_trace {
    struct ke_probe probe;
    const struct an__trace_format *fmt;
    struct an__tbuf out;
    char *path; /* the final name (a link resolved) */
    char *tmp;  /* the name written to, or NULL when writing in place */
    bool done;  /* finished: the file is in place (or deliberately removed) */
    struct open_slice cpu[KE_MAX_CPUS];
    struct held_set *held; /* per thread index, for formats with `hold` */
    size_t heldcap;
};

static const struct an__trace_format *const FORMATS[] = {&an__trace_ftrace, &an__trace_csv,
                                                         &an__trace_json};
#define NFORMATS (sizeof FORMATS / sizeof FORMATS[0])

static const struct an__trace_format *format_of(const char *path)
{
    size_t n = strlen(path);
    for (size_t i = 0; i < NFORMATS; i++) {
        size_t e = strlen(FORMATS[i]->ext);
        if (n > e && !strcasecmp(path + n - e, FORMATS[i]->ext))
            return FORMATS[i];
    }
    return NULL;
}

bool an_trace_format_known(const char *path) { return path && format_of(path) != NULL; }

/* ===== probe callbacks ================================================== */

static void close_slice(struct an_trace *tr, int cpu, sim_time_t now)
{
    struct open_slice *o = &tr->cpu[cpu];
    if (!o->t)
        return;
    struct an__slice s = {cpu, o->since, now, o->t, o->priority};
    o->t = NULL;
    if (tr->fmt->slice)
        tr->fmt->slice(&tr->out, &s);
}

static void on_switch(void *ctx, sim_time_t now, const struct ke_cpu *c, const struct ke_thread *prev,
                      const struct ke_thread *next)
{
    struct an_trace *tr = ctx;
    if ((unsigned)c->number >= KE_MAX_CPUS)
        return;
    if (tr->fmt->sched_switch)
        tr->fmt->sched_switch(&tr->out, now, c->number, prev, next);
    close_slice(tr, c->number, now);
    if (next)
        tr->cpu[c->number] = (struct open_slice){next, now, next->priority};
}

static void on_process_create(void *ctx, sim_time_t now, const struct ps_process *p)
{
    struct an_trace *tr = ctx;
    tr->fmt->process(&tr->out, now, p, false);
}

static void on_process_exit(void *ctx, sim_time_t now, const struct ps_process *p)
{
    struct an_trace *tr = ctx;
    tr->fmt->process(&tr->out, now, p, true);
}

static void on_thread_create(void *ctx, sim_time_t now, const struct ke_thread *t)
{
    struct an_trace *tr = ctx;
    tr->fmt->thread(&tr->out, now, t, false);
}

static void on_thread_exit(void *ctx, sim_time_t now, const struct ke_thread *t)
{
    struct an_trace *tr = ctx;
    tr->fmt->thread(&tr->out, now, t, true);
}

static void on_ready(void *ctx, sim_time_t now, const struct ke_thread *t, enum ke_ready_reason why)
{
    struct an_trace *tr = ctx;
    if (why == KE_READY_START || why == KE_READY_WAKE)
        tr->fmt->wake(&tr->out, now, t);
}

static void on_quantum_end(void *ctx, sim_time_t now, const struct ke_cpu *c, const struct ke_thread *t)
{
    struct an_trace *tr = ctx;
    tr->fmt->quantum_end(&tr->out, now, c->number, t);
}

static void on_priority(void *ctx, sim_time_t now, const struct ke_thread *t, int old_priority)
{
    struct an_trace *tr = ctx;
    (void)old_priority;
    tr->fmt->priority(&tr->out, now, t);
}

/* The held set of t, or NULL when out of memory (then recorded as the trace's error). */
static struct held_set *held_of(struct an_trace *tr, const struct ke_thread *t)
{
    if (t->index >= tr->heldcap) {
        void *a = an__grow(tr->held, &tr->heldcap, (size_t)t->index + 1, sizeof *tr->held);
        if (!a) {
            if (!tr->out.err)
                tr->out.err = ENOMEM;
            return NULL;
        }
        tr->held = a;
    }
    return &tr->held[t->index];
}

/* Objects a thread owns until it releases them (the rest are not held). */

static void on_object_done(void *ctx, sim_time_t now, const struct ke_thread *t, const struct ke_object *o,
                           bool acquired, bool contended)
{
    struct an_trace *tr = ctx;
    (void)contended;
    if (!acquired || !an__holdable(o))
        return;
    struct held_set *h = held_of(tr, t);
    if (!h || h->n == HELD_MAX)
        return;
    for (uint32_t k = 0; k < h->n; k++)
        if (h->obj[k] == o)
            return; /* recursive: the hold is open already */
    h->obj[h->n++] = o;
    tr->fmt->hold(&tr->out, now, t, o, true);
}

static void on_object_release(void *ctx, sim_time_t now, const struct ke_thread *t, const struct ke_object *o)
{
    struct an_trace *tr = ctx;
    if (t->index >= tr->heldcap)
        return;
    struct held_set *h = &tr->held[t->index];
    uint32_t k = 0;
    while (k < h->n && h->obj[k] != o)
        k++;
    if (k == h->n)
        return; /* not traced: acquired past HELD_MAX */
    for (uint32_t j = h->n; j-- > k;)
        tr->fmt->hold(&tr->out, now, t, h->obj[j], false);
    memmove(&h->obj[k], &h->obj[k + 1], (h->n - k - 1) * sizeof h->obj[0]);
    h->n--;
    for (uint32_t j = k; j < h->n; j++)
        tr->fmt->hold(&tr->out, now, t, h->obj[j], true);
}

static void on_notify(void *ctx, sim_time_t now, const struct ps_driver_spec *d, bool create,
                      const struct ps_create_notify_info *info, const struct ps_process *p,
                      const struct ke_thread *t, const struct ke_thread *ctx_thread, sim_time_t cost)
{
    struct an_trace *tr = ctx;
    (void)cost;
    tr->fmt->notify(&tr->out, now, d, create, info, p, t, ctx_thread);
}

static void on_create_failed(void *ctx, sim_time_t now, const struct ps_process_spec *spec,
                             const struct ke_thread *creator, const struct ps_driver_spec *by)
{
    struct an_trace *tr = ctx;
    tr->fmt->vetoed(&tr->out, now, spec, creator, by);
}

/* Only the callbacks the format uses, so the machine skips the others. */
static void probe_init(struct an_trace *tr)
{
    const struct an__trace_format *f = tr->fmt;
    tr->probe = (struct ke_probe){.ctx = tr, .context_switch = on_switch};
    if (f->process) {
        tr->probe.process_create = on_process_create;
        tr->probe.process_exit = on_process_exit;
    }
    if (f->thread) {
        tr->probe.thread_create = on_thread_create;
        tr->probe.thread_exit = on_thread_exit;
    }
    if (f->wake)
        tr->probe.ready = on_ready;
    if (f->quantum_end)
        tr->probe.quantum_end = on_quantum_end;
    if (f->priority)
        tr->probe.priority_change = on_priority;
    if (f->hold) {
        tr->probe.object_done = on_object_done;
        tr->probe.object_release = on_object_release;
    }
    if (f->notify)
        tr->probe.notify = on_notify;
    if (f->vetoed)
        tr->probe.create_failed = on_create_failed;
}

/* ===== the file ========================================================= */

/* Where to write: in place for an existing non-regular file, else a new
 * partial file beside the target.  Sets tr->path, tr->tmp, tr->out.fd. */
static int create_output(struct an_trace *tr, const char *path)
{
    struct stat st;
    char *real = NULL;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
        real = realpath(path, NULL); /* a dangling link: replace the link itself */
    tr->path = real ? real : strdup(path);
    if (!tr->path)
        return -1;
    if (stat(tr->path, &st) == 0 && !S_ISREG(st.st_mode)) {
        tr->out.fd = open(tr->path, O_WRONLY | O_TRUNC | O_CLOEXEC);
        return tr->out.fd < 0 ? -1 : 0;
    }
    size_t len = strlen(tr->path) + 48;
    if (!(tr->tmp = malloc(len)))
        return -1;
    for (int k = 0; k < 100; k++) { /* k > 0 only past a stale file of a reused pid */
        snprintf(tr->tmp, len, "%s.partial-%ld-%d", tr->path, (long)getpid(), k);
        tr->out.fd = open(tr->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (tr->out.fd >= 0 || errno != EEXIST)
            break;
    }
    if (tr->out.fd < 0) {
        int e = errno; /* for the caller's message */
        free(tr->tmp);
        tr->tmp = NULL;
        errno = e;
        return -1;
    }
    return 0;
}

struct an_trace *an_trace_open(const char *path, FILE *errfp)
{
    const struct an__trace_format *fmt = path ? format_of(path) : NULL;
    if (!fmt) {
        fprintf(errfp, "pssim: trace '%s': unknown format (the name must end in %s)\n",
                path ? path : "", AN_TRACE_EXTENSIONS);
        return NULL;
    }
    struct an_trace *tr = calloc(1, sizeof *tr);
    if (!tr || !(tr->out.p = malloc(AN__TBUF_SIZE))) {
        free(tr);
        fprintf(errfp, "pssim: out of memory\n");
        return NULL;
    }
    tr->fmt = fmt;
    tr->out.fd = -1;
    if (create_output(tr, path) != 0) {
        fprintf(errfp, "pssim: trace %s: %s\n", path, strerror(errno));
        an_trace_free(tr);
        return NULL;
    }
    probe_init(tr);
    if (fmt->begin)
        fmt->begin(&tr->out);
    return tr;
}

/* Close the file and drop the partial one; keeps errno's story in out.err. */
static void close_output(struct an_trace *tr, bool keep)
{
    if (tr->out.fd >= 0 && close(tr->out.fd) != 0 && !tr->out.err)
        tr->out.err = errno;
    tr->out.fd = -1;
    if (tr->tmp && !keep)
        unlink(tr->tmp);
}

static int trace_finish(void *ctx, sim_time_t end, int ncpus, struct an_result *out, FILE *errfp)
{
    struct an_trace *tr = ctx;
    (void)ncpus;
    tr->done = true;
    if (out->status && !strcmp(out->status, "error")) {
        close_output(tr, false); /* a failed run leaves no trace behind */
        return 0;
    }
    for (int c = 0; c < KE_MAX_CPUS; c++)
        close_slice(tr, c, end);
    if (tr->fmt->end)
        tr->fmt->end(&tr->out, end);
    an__tb_flush(&tr->out);
    close_output(tr, tr->out.err == 0);
    if (tr->out.err) {
        fprintf(errfp, "pssim: trace %s: write error: %s\n", tr->path, strerror(tr->out.err));
        return -1;
    }
    if (tr->tmp && rename(tr->tmp, tr->path) != 0) {
        fprintf(errfp, "pssim: trace %s: %s\n", tr->path, strerror(errno));
        unlink(tr->tmp);
        return -1;
    }
    return 0;
}

struct an_listener an_trace_listener(struct an_trace *t)
{
    return (struct an_listener){.probe = &t->probe, .finish = trace_finish, .ctx = t};
}

void an_trace_free(struct an_trace *t)
{
    if (!t)
        return;
    if (!t->done)
        close_output(t, false);
    free(t->out.p);
    free(t->held);
    free(t->path);
    free(t->tmp);
    free(t);
}
