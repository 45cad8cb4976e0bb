/* tests/validation/jobs.c - per-job observations and statistics (layer: tests).
 *
 * Owns the reading of a queueing model off a scenario and of per-job
 * observations off a run's metric rows (process scope: `response_time` and
 * `cpu_time` of every `name#k`), and the estimators the cases share.
 *
 * Warm-up: every replication starts with an empty system, which biases the
 * early jobs' response times low.  The first WARMUP_FRACTION of each class's
 * jobs (by instance number, which is arrival order) are discarded, and so
 * are the last RUNOUT_FRACTION, which see the arrival stream stop: under
 * processor sharing a job still in service when arrivals cease finishes
 * sooner than in steady state.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "tests/validation/validate.h"

#define WARMUP_FRACTION 0.10
#define RUNOUT_FRACTION 0.01

/* ===== the model ========================================================= */

/* E[S] and E[S^2] in s and s^2 for the service laws the closed forms
 * know; -1 for the others. */
static int moments(const struct sim_dist *d, double *es, double *es2)
{
    double a = d->a / 1e9, b = d->b / 1e9;
    switch (d->kind) {
    case SIM_DIST_CONST: *es = a; *es2 = a * a; return 0;
    case SIM_DIST_EXP: *es = a; *es2 = 2 * a * a; return 0;
    case SIM_DIST_UNIFORM: *es = (a + b) / 2; *es2 = (a * a + a * b + b * b) / 3; return 0;
    default: return -1;
    }
}

/* A process spec of the form the closed forms assume: Poisson arrivals of
 * one thread whose program is `run` then `exit`. */
static int class_read(const struct ps_process_spec *ps, struct val_class *c)
{
    if (!ps->has_arrivals || ps->arrival_every.kind != SIM_DIST_EXP ||
        ps->arrival_count <= 0 || ps->nthreads != 1 || ps->threads[0].count != 1)
        return -1;
    const struct ke_program *p = &ps->threads[0].program;
    if (p->n < 1 || p->n > 2 || p->ops[0].kind != KE_OP_RUN ||
        (p->n == 2 && p->ops[1].kind != KE_OP_EXIT))
        return -1;
    c->name = ps->name;
    c->lambda = 1e9 / ps->arrival_every.a;
    c->count = (long)ps->arrival_count;
    return moments(&p->ops[0].dist, &c->es, &c->es2);
}

int val_model_read(const struct scn_scenario *s, struct val_model *m, FILE *errfp)
{
    memset(m, 0, sizeof *m);
    m->cpus = s->wl.machine.cpus;
    if (s->wl.machine.context_switch != 0) {
        fprintf(errfp, "%s: the closed forms need costs.context_switch: 0ns\n", s->path);
        return -1;
    }
    for (int i = 0; i < s->wl.nprocesses; i++) {
        if (m->nclasses == VAL_MAX_CLASSES ||
            class_read(&s->wl.processes[i], &m->cls[m->nclasses]) != 0) {
            fprintf(errfp, "%s: process %s is not a Poisson stream of one-run jobs\n", s->path,
                    s->wl.processes[i].name);
            return -1;
        }
        m->nclasses++;
    }
    return 0;
}

double val_model_load(const struct val_model *m)
{
    double work = 0;
    for (int i = 0; i < m->nclasses; i++)
        work += m->cls[i].lambda * m->cls[i].es;
    return work / m->cpus;
}

/* ===== one replication's jobs ============================================ */

/* The class and instance number of a process entity "name#k"; -1 if it is
 * none of the model's. */
static int entity_class(const struct val_model *m, const char *entity, long *k)
{
    const char *hash = strrchr(entity, '#');
    if (!hash)
        return -1;
    for (int i = 0; i < m->nclasses; i++) {
        size_t len = strlen(m->cls[i].name);
        if ((size_t)(hash - entity) == len && strncmp(entity, m->cls[i].name, len) == 0) {
            *k = strtol(hash + 1, NULL, 10);
            return i;
        }
    }
    return -1;
}

/* Rows of one entity are consecutive (an_metrics_finish writes them so):
 * a job is complete at its response_time row, which comes after cpu_time. */
int val_rep_read(struct val_rep *rep, const struct an_result *r, const struct val_model *m)
{
    memset(rep, 0, sizeof *rep);
    rep->r = r;
    size_t cap = 0;
    const struct an_row *cpu = NULL; /* the last cpu_time row */
    for (size_t i = 0; i < r->n; i++) {
        const struct an_row *row = &r->rows[i];
        if (row->scope != AN_SCOPE_PROCESS)
            continue;
        if (strcmp(row->name, "cpu_time") == 0)
            cpu = row;
        if (strcmp(row->name, "response_time") != 0)
            continue;
        struct val_job j = {.response = row->value, .cpu = NAN};
        if (cpu && strcmp(cpu->entity, row->entity) == 0)
            j.cpu = cpu->value;
        if ((j.cls = entity_class(m, row->entity, &j.k)) < 0)
            continue;
        if (rep->n == cap) {
            size_t ncap = cap ? 2 * cap : 1024;
            struct val_job *a = realloc(rep->jobs, ncap * sizeof *a);
            if (!a)
                return -1;
            rep->jobs = a;
            cap = ncap;
        }
        rep->jobs[rep->n++] = j;
    }
    return 0;
}

void val_rep_free(struct val_rep *rep)
{
    free(rep->jobs);
    rep->jobs = NULL;
    rep->n = 0;
}

/* Whether job j is past the warm-up and before the run-out of its class. */
static bool steady(const struct val_model *m, const struct val_job *j)
{
    long n = m->cls[j->cls].count;
    return j->k >= (long)(WARMUP_FRACTION * (double)n) &&
           j->k < n - (long)(RUNOUT_FRACTION * (double)n);
}

double val_run_metric(const struct val_rep *rep, const char *name)
{
    const struct an_row *row = an_result_find(rep->r, AN_SCOPE_RUN, "", name);
    return row ? row->value : NAN;
}

/* ===== estimators ======================================================== */

/* Times are whole nanoseconds, so a job waited iff its response exceeds its
 * service by at least 1 ns; half of that absorbs the rounding to seconds. */
static double what_value(const struct val_job *j, enum val_what w)
{
    switch (w) {
    case VAL_RESPONSE: return j->response;
    case VAL_WAIT: return j->response - j->cpu;
    case VAL_WAITED: return j->response - j->cpu > 0.5e-9 ? 1.0 : 0.0;
    }
    return NAN;
}

double val_steady_mean(const struct val_rep *rep, const struct val_model *m, int cls, enum val_what w)
{
    double sum = 0;
    size_t n = 0;
    for (size_t i = 0; i < rep->n; i++) {
        const struct val_job *j = &rep->jobs[i];
        if ((cls < 0 || j->cls == cls) && steady(m, j)) {
            sum += what_value(j, w);
            n++;
        }
    }
    return n ? sum / (double)n : NAN;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double val_steady_quantile(const struct val_rep *rep, const struct val_model *m, int cls, double p)
{
    double *v = malloc((rep->n ? rep->n : 1) * sizeof *v);
    size_t n = 0;
    if (!v)
        return NAN;
    for (size_t i = 0; i < rep->n; i++)
        if ((cls < 0 || rep->jobs[i].cls == cls) && steady(m, &rep->jobs[i]))
            v[n++] = rep->jobs[i].response;
    qsort(v, n, sizeof *v, cmp_double);
    double q = n ? v[(size_t)ceil(p * (double)n) - 1] : NAN;
    free(v);
    return q;
}

struct val_ci val_ci(const double *x, int n, double level)
{
    struct val_ci ci = {gsl_stats_mean(x, 1, (size_t)n), INFINITY};
    if (n >= 2)
        ci.half = gsl_cdf_tdist_Pinv(0.5 + level / 2, n - 1) * gsl_stats_sd_m(x, 1, (size_t)n, ci.mean) /
                  sqrt((double)n);
    return ci;
}
