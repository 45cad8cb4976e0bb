/* analysis/runner.c - running one scenario and collecting its metrics (layer: analysis).
 *
 * Owns the sequence every command that simulates shares: build the machine
 * from a loaded scenario, attach the metrics probe, run with progress and
 * interruption, then turn the probe's observations into result rows.
 *
 * SPDX-License-Identifier: MIT
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/analysis.h"

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void show_progress(void *ctx, sim_time_t now, sim_time_t duration)
{
    const char *name = ctx;
    fprintf(stderr, "\r%s: %.3f s of %.3f s simulated (%3.0f%%)", name, sim_time_to_seconds(now),
            sim_time_to_seconds(duration), duration > 0 ? 100.0 * (double)now / (double)duration : 0);
    fflush(stderr);
}

static const char *status_name(enum ke_run_status st)
{
    switch (st) {
    case KE_RUN_DONE: return "done";
    case KE_RUN_MAX_EVENTS: return "max_events";
    case KE_RUN_INTERRUPTED: return "interrupted";
    case KE_RUN_DEADLOCK: return "deadlock";
    default: return "error";
    }
}

static int fill_result(struct an_result *out, const struct scn_scenario *s, uint64_t seed,
                       const struct ke_machine *m, enum ke_run_status st, double wall)
{
    out->scenario = strdup(s->name);
    out->seed = seed;
    out->sim_time = ke_machine_now(m);
    out->events = ke_machine_events(m);
    out->wall_seconds = wall;
    out->ncpus = ke_machine_ncpus(m);
    out->status = status_name(st);
    if (!out->scenario)
        return -1;
    if (ke_machine_error(m) && !(out->message = strdup(ke_machine_error(m))))
        return -1;
    return an_result_add(out, AN_SCOPE_RUN, "", "events", (double)out->events);
}

/* The listeners of one run: the built-in metrics and lock contention, then
 * the caller's, all behind one probe. */
struct listening {
    struct an_metrics *am;
    struct an_locks *al; /* NULL when the scenario declares no resource */
    struct an_mux mux;
};

static void stop_listening(struct listening *l)
{
    an_metrics_free(l->am);
    an_locks_free(l->al);
}

static int listen(struct listening *l, const struct scn_scenario *s, const struct an_run_options *opt)
{
    memset(l, 0, sizeof *l);
    l->am = an_metrics_new();
    l->al = s->wl.nobjects ? an_locks_new(&s->wl) : NULL;
    if (!l->am || (s->wl.nobjects && !l->al))
        return -1;
    an_mux_init(&l->mux);
    an_mux_add(&l->mux, an_metrics_probe(l->am));
    if (l->al)
        an_mux_add(&l->mux, an_locks_probe(l->al));
    for (int i = 0; i < opt->nlisteners; i++)
        an_mux_add(&l->mux, opt->listeners[i].probe);
    return 0;
}

/* One listener alone needs no fan-out. */
static const struct ke_probe *probe_of(struct listening *l)
{
    return l->mux.n == 1 ? an_metrics_probe(l->am) : &l->mux.probe;
}

/* After the run: metrics, locks, then every other listener, in order. */
static int finish_listeners(const struct an_run_options *opt, struct listening *l,
                            const struct ke_machine *m, struct an_result *out, FILE *errfp)
{
    sim_time_t end = ke_machine_now(m);
    int ncpus = ke_machine_ncpus(m);
    if (an_metrics_finish(l->am, end, ncpus, out) != 0 ||
        (l->al && an_locks_finish(l->al, end, out) != 0)) {
        fprintf(errfp, "pssim: out of memory\n");
        return -1;
    }
    for (int i = 0; i < opt->nlisteners; i++) {
        const struct an_listener *li = &opt->listeners[i];
        if (li->finish && li->finish(li->ctx, end, ncpus, out, errfp) != 0)
            return -1;
    }
    return 0;
}

static void report_stop(enum ke_run_status st, const struct ke_machine *m, FILE *errfp)
{
    if (st == KE_RUN_ERROR || st == KE_RUN_DEADLOCK)
        fprintf(errfp, "%s%s\n", st == KE_RUN_DEADLOCK ? "pssim: " : "", ke_machine_error(m));
}

int an_run_scenario(const struct scn_scenario *s, const struct an_run_options *opt,
                    struct an_result *out, FILE *errfp)
{
    memset(out, 0, sizeof *out);
    struct listening l;
    if (opt->nlisteners > AN_MUX_MAX - 2 || listen(&l, s, opt) != 0) {
        fprintf(errfp, "pssim: %s\n", opt->nlisteners > AN_MUX_MAX - 2 ? "too many listeners"
                                                                      : "out of memory");
        stop_listening(&l);
        return -1;
    }
    struct ke_run_options ro = {
        .seed = opt->has_seed ? opt->seed : s->seed,
        .duration = opt->duration > 0 ? opt->duration : s->duration,
        .max_events = opt->max_events,
        .check_invariants = opt->check_invariants,
        .probe = probe_of(&l),
        .stop_flag = opt->stop_flag,
        .progress = opt->progress ? show_progress : NULL,
        .progress_ctx = s->name,
    };
    struct ke_machine *m = NULL;
    char err[512];
    double t0 = wall_now();
    if (ke_machine_create(&m, &s->wl, &ro, err, sizeof err) != 0) {
        fprintf(errfp, "%s: error: %s\n", s->path, err);
        stop_listening(&l);
        return -1;
    }
    enum ke_run_status st = ke_machine_run(m);
    double wall = wall_now() - t0;
    if (opt->progress)
        fprintf(stderr, "\r%*s\r", 60, "");
    report_stop(st, m, errfp);
    int rc = fill_result(out, s, ro.seed, m, st, wall);
    if (rc != 0)
        fprintf(errfp, "pssim: out of memory\n");
    else
        rc = finish_listeners(opt, &l, m, out, errfp);
    ke_machine_destroy(m);
    stop_listening(&l);
    return rc;
}
