/* tests/validation/cases.c - the validation cases and their closed forms (layer: tests).
 *
 * Owns the list of cases: which scenario file, which quantities, and for
 * each the formula and the estimator.  Every formula takes its parameters
 * from the scenario as loaded (arrival rate, service moments, processors),
 * so editing a case file changes the expected value with it.
 *
 * Notation: lambda total arrival rate, E[S] mean service, mu = 1/E[S],
 * c processors, rho = lambda E[S] / c.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>

#include "tests/validation/validate.h"

/* ===== closed forms ====================================================== */

static double lambda_of(const struct val_model *m)
{
    double l = 0;
    for (int i = 0; i < m->nclasses; i++)
        l += m->cls[i].lambda;
    return l;
}

/* The mean service time over all classes, weighted by arrival rate. */
static double es_of(const struct val_model *m)
{
    return val_model_load(m) * m->cpus / lambda_of(m);
}

/* M/M/1 (FCFS, or any work-conserving discipline blind to job sizes):
 * the response time is exponential with rate mu - lambda. */
static double mm1_response_mean(const struct val_model *m)
{
    return 1.0 / (1.0 / es_of(m) - lambda_of(m));
}

static double mm1_response_p99(const struct val_model *m)
{
    return log(100.0) * mm1_response_mean(m);
}

/* M/M/1: L = rho / (1 - rho). */
static double mm1_in_system(const struct val_model *m)
{
    double rho = val_model_load(m);
    return rho / (1 - rho);
}

/* Erlang's C formula: the probability that an arrival waits in M/M/c,
 * with offered load a = lambda E[S].  The terms a^k/k! are built by
 * recurrence so that no factorial overflows. */
static double erlang_c(int c, double a)
{
    double term = 1, sum = 0;
    for (int k = 0; k < c; k++) {
        sum += term;
        term *= a / (k + 1);
    }
    double tail = term * c / (c - a); /* a^c/c! * 1/(1 - a/c) */
    return tail / (sum + tail);
}

static double mmc_wait_probability(const struct val_model *m)
{
    return erlang_c(m->cpus, lambda_of(m) * es_of(m));
}

/* M/M/c: W_q = C(c, a) / (c mu - lambda). */
static double mmc_wait_mean(const struct val_model *m)
{
    return mmc_wait_probability(m) / (m->cpus / es_of(m) - lambda_of(m));
}

static double mmc_response_mean(const struct val_model *m)
{
    return mmc_wait_mean(m) + es_of(m);
}

/* Pollaczek-Khinchine, M/G/1 FCFS: W_q = lambda E[S^2] / (2 (1 - rho)). */
static double pk_wait_mean(const struct val_model *m)
{
    const struct val_class *c = &m->cls[0];
    return c->lambda * c->es2 / (2 * (1 - val_model_load(m)));
}

/* M/G/1 processor sharing: a job of size x stays x / (1 - rho) on average,
 * whatever the service law (the class's mean size for a random job). */
static double ps_class_response(const struct val_model *m, int cls)
{
    return m->cls[cls].es / (1 - val_model_load(m));
}
static double ps_response_0(const struct val_model *m) { return ps_class_response(m, 0); }
static double ps_response_1(const struct val_model *m) { return ps_class_response(m, 1); }

/* The utilisation law: each processor is busy lambda E[S] / c of the time. */
static double utilization_law(const struct val_model *m) { return val_model_load(m); }

/* ===== estimators (one replication) ===================================== */

static double est_response_mean(const struct val_rep *rep, const struct val_model *m)
{
    return val_steady_mean(rep, m, -1, VAL_RESPONSE);
}

static double est_response_0(const struct val_rep *rep, const struct val_model *m)
{
    return val_steady_mean(rep, m, 0, VAL_RESPONSE);
}

static double est_response_1(const struct val_rep *rep, const struct val_model *m)
{
    return val_steady_mean(rep, m, 1, VAL_RESPONSE);
}

static double est_response_p99(const struct val_rep *rep, const struct val_model *m)
{
    return val_steady_quantile(rep, m, -1, 0.99);
}

/* Little's law with both factors measured: the arrival rate as jobs over
 * simulated time, the response time as the steady jobs' mean. */
static double est_in_system(const struct val_rep *rep, const struct val_model *m)
{
    double lambda = val_run_metric(rep, "processes_completed") / sim_time_to_seconds(rep->r->sim_time);
    return lambda * est_response_mean(rep, m);
}

static double est_wait_mean(const struct val_rep *rep, const struct val_model *m)
{
    return val_steady_mean(rep, m, -1, VAL_WAIT);
}

static double est_wait_probability(const struct val_rep *rep, const struct val_model *m)
{
    return val_steady_mean(rep, m, -1, VAL_WAITED);
}

static double est_utilization(const struct val_rep *rep, const struct val_model *m)
{
    (void)m;
    return val_run_metric(rep, "utilization");
}

/* ===== the cases ========================================================= */

#define MM1_METRICS                                                       \
    {                                                                     \
        {"response_mean", mm1_response_mean, est_response_mean},         \
        {"in_system_mean", mm1_in_system, est_in_system},                \
        {"response_p99", mm1_response_p99, est_response_p99},            \
    }

const struct val_case val_cases[] = {
    {"mm1-fifo-rho0.5", "mm1-fifo-rho0.5.yaml", "fifo",
     "M/M/1 FCFS, rho 0.5: mean response 1/(mu-lambda), L = rho/(1-rho) by Little, p99 ln(100)/(mu-lambda)",
     MM1_METRICS, NULL},
    {"mm1-fifo-rho0.8", "mm1-fifo-rho0.8.yaml", "fifo",
     "M/M/1 FCFS, rho 0.8: the same three quantities under heavy load",
     MM1_METRICS, NULL},
    {"mm1-rr", "mm1-rr.yaml", "rr",
     "M/M/1 round robin with a slice of E[S]/100: mean response 1/(mu-lambda)",
     {{"response_mean", mm1_response_mean, est_response_mean}}, NULL},
    {"ps-tagged-rr", "ps-tagged-rr.yaml", "rr",
     "processor sharing: a job of size x responds in x/(1-rho) (a fixed-size class beside exp jobs)",
     {{"response_mean[job]", ps_response_0, est_response_0},
      {"response_mean[x]", ps_response_1, est_response_1}},
     NULL},
    {"mmc-fifo-c4", "mmc-fifo-c4.yaml", "fifo",
     "M/M/4 FCFS, rho 0.8: Erlang C waiting probability, mean wait C/(c mu-lambda), mean response",
     {{"wait_probability", mmc_wait_probability, est_wait_probability},
      {"wait_mean", mmc_wait_mean, est_wait_mean},
      {"response_mean", mmc_response_mean, est_response_mean}},
     NULL},
    {"md1-fifo", "md1-fifo.yaml", "fifo",
     "M/D/1 FCFS, rho 0.8: Pollaczek-Khinchine mean wait lambda E[S^2]/(2(1-rho))",
     {{"wait_mean", pk_wait_mean, est_wait_mean}}, NULL},
    {"utilization-nt-c8", "utilization-nt-c8.yaml", "nt",
     "utilisation law on 8 processors under nt, uniform service: U = lambda E[S]/c",
     {{"utilization", utilization_law, est_utilization}}, NULL},
    {"gfp-periodic-2cpu", "gfp-periodic-2cpu.yaml", "gfp",
     "three periodic tasks on 2 processors under gfp: every slice as worked out by hand",
     {{NULL, NULL, NULL}}, "gfp-periodic-2cpu.expected"},
};
const size_t val_ncases = sizeof val_cases / sizeof val_cases[0];
