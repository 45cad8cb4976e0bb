/* tests/validation/validate.c - `make validate`: the simulator against closed forms (layer: tests).
 *
 * Owns the driver: for each case of cases.c, load its scenario, run R
 * replications (replication r with seed base + r) through the same runner
 * as `pssim run`, with the dispatcher's invariants checked, turn each run's
 * rows into one estimate per quantity, and compare the closed form with a
 * Student-t confidence interval of the estimates.  The table shows each
 * quantity's 95% interval; the verdict uses intervals widened by Bonferroni
 * so that the run as a whole has 95% confidence: with k checks at 95% each,
 * a correct simulator would fail some check with probability 1 - 0.95^k
 * (over one half for k = 15).  A schedule case fails on any slice that
 * differs.  Prints one row per quantity and exits 1 if any failed, 2 on bad
 * usage, 3 when a run could not be made.  The same base seed gives the
 * same table.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "tests/validation/validate.h"

#define LEVEL 0.95 /* the confidence the table shows, and the suite's by default */
#define FULL_REPS 20
#define QUICK_REPS 10
#define QUICK_DIVISOR 5 /* --quick: arrivals per replication divided by this */

struct options {
    const char *dir;
    const char *only; /* run only the case of this name */
    uint64_t seed;
    int reps;
    bool quick, list, raw;
    bool per_check;    /* judge each check at LEVEL rather than the suite */
    double gate_level; /* the level of the intervals a check is judged by */
};

struct tally {
    int checks, failed, skipped;
    int starred; /* passed outside their own LEVEL interval */
};

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool policy_available(const char *name)
{
    for (int i = 0; ke_policy_name(i); i++)
        if (strcmp(ke_policy_name(i), name) == 0)
            return true;
    return false;
}

/* `shown` is the LEVEL interval; the verdict uses the gate interval.  A
 * check inside the gate but outside its own LEVEL interval is marked. */
static void print_row(const char *c, const char *metric, double analytic, struct val_ci shown,
                      bool pass, struct tally *t)
{
    bool inside = fabs(shown.mean - analytic) <= shown.half;
    printf("%-18s %-19s %12.6g %12.6g ± %-10.3g %+8.2f%%  %s\n", c, metric, analytic, shown.mean,
           shown.half, 100 * (shown.mean - analytic) / analytic,
           !pass ? "FAIL" : inside ? "pass" : "pass*");
    t->checks++;
    t->failed += !pass;
    t->starred += pass && !inside;
}

/* ===== queueing cases ==================================================== */

/* --quick: the same scenario with fewer arrivals per class. */
static int load_quick(const char *path, const struct val_model *full, struct scn_scenario *s)
{
    char text[VAL_MAX_CLASSES][160];
    struct scn_override ov[VAL_MAX_CLASSES];
    for (int i = 0; i < full->nclasses; i++) {
        snprintf(text[i], sizeof text[i], "processes.%s.arrivals.count=%ld", full->cls[i].name,
                 full->cls[i].count / QUICK_DIVISOR);
        if (scn_override_parse(text[i], &ov[i]) != 0)
            return -1;
    }
    return scn_load(path, ov, (size_t)full->nclasses, s, stderr);
}

/* The closed forms are for the steady state of every job that arrived: a
 * run cut short by its duration would drop the slowest ones. */
static bool all_exited(const struct val_rep *rep, const struct val_model *m)
{
    long n = 0;
    for (int i = 0; i < m->nclasses; i++)
        n += m->cls[i].count;
    return rep->n == (size_t)n;
}

/* Replication r's estimates go to est[metric][r]. */
static int replicate(const struct val_case *vc, const struct scn_scenario *s,
                     const struct val_model *m, const struct options *o,
                     double est[][VAL_MAX_REPS])
{
    for (int r = 0; r < o->reps; r++) {
        struct an_run_options ro = {.seed = o->seed + (uint64_t)r, .has_seed = true,
                                    .check_invariants = true};
        struct an_result res;
        struct val_rep rep = {0};
        if (an_run_scenario(s, &ro, &res, stderr) != 0 || strcmp(res.status, "done") != 0 ||
            val_rep_read(&rep, &res, m) != 0 || !all_exited(&rep, m)) {
            fprintf(stderr, "validate: %s: replication %d failed (status %s, %zu jobs exited)\n",
                    vc->name, r, res.status ? res.status : "-", rep.n);
            val_rep_free(&rep);
            an_result_free(&res);
            return -1;
        }
        for (int k = 0; k < VAL_MAX_METRICS && vc->metrics[k].name; k++) {
            est[k][r] = vc->metrics[k].estimate(&rep, m);
            if (o->raw)
                printf("raw %s %s seed %llu %.9g\n", vc->name, vc->metrics[k].name,
                       (unsigned long long)ro.seed, est[k][r]);
        }
        val_rep_free(&rep);
        an_result_free(&res);
    }
    return 0;
}

static int run_queueing(const struct val_case *vc, const char *path, struct scn_scenario *s,
                        const struct options *o, struct tally *t)
{
    struct val_model m;
    if (val_model_read(s, &m, stderr) != 0)
        return -1;
    if (o->quick) { /* m names the classes with strings of s: load first, then free */
        struct scn_scenario q;
        if (load_quick(path, &m, &q) != 0)
            return -1;
        scn_free(s);
        *s = q;
        if (val_model_read(s, &m, stderr) != 0)
            return -1;
    }
    double est[VAL_MAX_METRICS][VAL_MAX_REPS];
    if (replicate(vc, s, &m, o, est) != 0)
        return -1;
    for (int k = 0; k < VAL_MAX_METRICS && vc->metrics[k].name; k++) {
        double a = vc->metrics[k].analytic(&m);
        struct val_ci gate = val_ci(est[k], o->reps, o->gate_level);
        bool pass = fabs(gate.mean - a) <= gate.half;
        print_row(vc->name, vc->metrics[k].name, a, val_ci(est[k], o->reps, LEVEL), pass, t);
    }
    return 0;
}

/* ===== one case ========================================================== */

/* dir/file into buf; -1 (with a message) if it does not fit. */
static int join(char *buf, size_t len, const char *dir, const char *file)
{
    int n = snprintf(buf, len, "%s/%s", dir, file);
    if (n < 0 || (size_t)n >= len) {
        fprintf(stderr, "validate: path too long: %s/%s\n", dir, file);
        return -1;
    }
    return 0;
}

static int run_schedule(const struct val_case *vc, const struct scn_scenario *s,
                        const struct options *o, struct tally *t)
{
    char path[4096];
    int matched = 0, total = 0;
    if (join(path, sizeof path, o->dir, vc->expected) != 0 ||
        val_schedule_compare(s, path, stdout, &matched, &total, stderr) != 0)
        return -1;
    bool pass = matched == total;
    printf("%-18s %-19s %12d %12d %-12s %+8.2f%%  %s\n", vc->name, "slices", total, matched,
           " (exact)", total ? 100.0 * (matched - total) / total : 0.0, pass ? "pass" : "FAIL");
    t->checks++;
    t->failed += !pass;
    return 0;
}

static int run_case(const struct val_case *vc, const struct options *o, struct tally *t)
{
    if (!policy_available(vc->policy)) {
        printf("%-18s %-19s skipped: policy %s is not built in\n", vc->name, "-", vc->policy);
        t->skipped++;
        return 0;
    }
    char path[4096];
    struct scn_scenario s;
    if (join(path, sizeof path, o->dir, vc->file) != 0 || scn_load(path, NULL, 0, &s, stderr) != 0)
        return -1;
    int rc = vc->expected ? run_schedule(vc, &s, o, t) : run_queueing(vc, path, &s, o, t);
    scn_free(&s);
    fflush(stdout);
    return rc;
}

/* ===== command line ====================================================== */

static const char USAGE[] =
    "usage: validate [--quick] [--seed N] [--reps R] [--case NAME] [--dir DIR]\n"
    "                [--per-check] [--raw] [--list]\n"
    "Runs the validation scenarios of DIR (default $srcdir/tests/validation) and\n"
    "compares each quantity with its closed form.  Exits 1 if a closed form falls\n"
    "outside its confidence interval; the intervals are Bonferroni-corrected so\n"
    "that the whole run has 95% confidence (with --per-check: each check 95%).\n"
    "Every run checks the dispatcher's invariants.  --raw also prints every\n"
    "replication's estimate.\n";

/* 0, or 2 on a usage error (message printed). */
static int parse_args(int argc, char **argv, struct options *o, char *dirbuf, size_t dirlen)
{
    const char *srcdir = getenv("srcdir");
    snprintf(dirbuf, dirlen, "%s/tests/validation", srcdir ? srcdir : ".");
    *o = (struct options){.dir = dirbuf, .seed = 1, .reps = 0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;
        if (strcmp(a, "--quick") == 0)
            o->quick = true;
        else if (strcmp(a, "--list") == 0)
            o->list = true;
        else if (strcmp(a, "--raw") == 0)
            o->raw = true;
        else if (strcmp(a, "--per-check") == 0)
            o->per_check = true;
        else if (strcmp(a, "--seed") == 0 && has_value)
            o->seed = strtoull(argv[++i], NULL, 10);
        else if (strcmp(a, "--reps") == 0 && has_value)
            o->reps = atoi(argv[++i]);
        else if (strcmp(a, "--case") == 0 && has_value)
            o->only = argv[++i];
        else if (strcmp(a, "--dir") == 0 && has_value)
            o->dir = argv[++i];
        else {
            fputs(USAGE, stderr);
            return 2;
        }
    }
    if (o->reps == 0)
        o->reps = o->quick ? QUICK_REPS : FULL_REPS;
    if (o->reps < 2 || o->reps > VAL_MAX_REPS) {
        fprintf(stderr, "validate: --reps must be 2..%d\n", VAL_MAX_REPS);
        return 2;
    }
    return 0;
}

static void list_cases(void)
{
    for (size_t i = 0; i < val_ncases; i++)
        printf("%-18s %-6s %s\n", val_cases[i].name, val_cases[i].policy, val_cases[i].checks);
}

static double peak_rss_mib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0; /* kB on Linux */
}

static bool selected(const struct options *o, const struct val_case *vc)
{
    return !o->only || strcmp(o->only, vc->name) == 0;
}

/* The checks judged by a confidence interval in this run. */
static int interval_checks(const struct options *o)
{
    int k = 0;
    for (size_t i = 0; i < val_ncases; i++)
        if (selected(o, &val_cases[i]) && policy_available(val_cases[i].policy))
            for (int j = 0; j < VAL_MAX_METRICS && val_cases[i].metrics[j].name; j++)
                k++;
    return k;
}

/* Bonferroni: k intervals at 1 - (1 - LEVEL)/k all hold with probability at
 * least LEVEL, so a correct simulator fails the run at most 5% of the time
 * instead of 1 - 0.95^k (over half the time for 15 checks). */
static void print_header(struct options *o)
{
    int k = interval_checks(o);
    o->gate_level = o->per_check || k < 2 ? LEVEL : 1 - (1 - LEVEL) / k;
    printf("pssim validation: %s, %d replications per case, seeds %llu..%llu; times in s\n",
           o->quick ? "quick" : "full", o->reps, (unsigned long long)o->seed,
           (unsigned long long)(o->seed + (uint64_t)o->reps - 1));
    printf("CI: %.0f%% Student-t half-width; a check fails outside its %.2f%% interval (%s)\n",
           100 * LEVEL, 100 * o->gate_level,
           o->gate_level == LEVEL ? "per check" : "Bonferroni: 95% for the whole run");
    printf("%-18s %-19s %12s %12s   %-10s %9s  %s\n", "case", "metric", "analytic", "simulated",
           "CI half", "rel.err", "result");
}

int main(int argc, char **argv)
{
    struct options o;
    char dir[4096];
    int rc = parse_args(argc, argv, &o, dir, sizeof dir);
    if (rc != 0 || o.list) {
        if (o.list)
            list_cases();
        return rc;
    }
    print_header(&o);
    struct tally t = {0};
    double t0 = wall_now();
    for (size_t i = 0; i < val_ncases; i++)
        if (selected(&o, &val_cases[i]) && run_case(&val_cases[i], &o, &t) != 0)
            return 3;
    printf("%d checks, %d failed, %d skipped; %.1f s, peak memory %.0f MiB\n", t.checks, t.failed,
           t.skipped, wall_now() - t0, peak_rss_mib());
    if (t.starred)
        printf("pass*: outside its own %.0f%% interval, inside the Bonferroni one\n", 100 * LEVEL);
    return t.failed ? 1 : 0;
}
