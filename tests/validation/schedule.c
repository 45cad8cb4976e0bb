/* tests/validation/schedule.c - a run's slices against a hand-worked schedule (layer: tests).
 *
 * Owns a probe listener that records the slices of a run (processor, start,
 * end, thread entity) and the reader of the expected schedule.  A slice is
 * a maximal stretch of one thread on one processor: stretches that touch
 * are joined and empty ones dropped, because the hand-worked schedule says
 * who runs when, not how many dispatcher events it took.
 *
 * Expected file: one slice per line, `CPU START END THREAD`, times with a
 * unit (`0 2ms 5ms tasks/a`); blank lines and lines starting with '#' are
 * skipped.  Slices still running at the end of the run end at its end.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "tests/validation/validate.h"

struct slice {
    int cpu;
    sim_time_t start, end;
    char *thread;
};

struct slices {
    struct slice *v;
    size_t n, cap;
    bool oom;
};

struct recorder {
    struct ke_probe probe;
    struct slices got;
    long open[KE_MAX_CPUS]; /* index in got.v of each processor's running slice, or -1 */
};

static int slices_push(struct slices *s, int cpu, sim_time_t start, sim_time_t end, const char *thread)
{
    if (s->n == s->cap) {
        size_t ncap = s->cap ? 2 * s->cap : 64;
        struct slice *v = realloc(s->v, ncap * sizeof *v);
        if (!v)
            return -1;
        s->v = v;
        s->cap = ncap;
    }
    char *name = strdup(thread);
    if (!name)
        return -1;
    s->v[s->n++] = (struct slice){cpu, start, end, name};
    return 0;
}

static void slices_free(struct slices *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i].thread);
    free(s->v);
}

/* ===== recording ========================================================= */

static void close_open(struct recorder *rec, int cpu, sim_time_t now)
{
    if (rec->open[cpu] >= 0)
        rec->got.v[rec->open[cpu]].end = now;
    rec->open[cpu] = -1;
}

static void on_switch(void *ctx, sim_time_t now, const struct ke_cpu *c,
                      const struct ke_thread *prev, const struct ke_thread *next)
{
    struct recorder *rec = ctx;
    (void)prev;
    if (c->number < 0 || c->number >= KE_MAX_CPUS)
        return;
    long o = rec->open[c->number];
    if (next && o >= 0 && strcmp(rec->got.v[o].thread, next->entity) == 0)
        return; /* the same thread goes on */
    close_open(rec, c->number, now);
    if (!next)
        return;
    if (slices_push(&rec->got, c->number, now, now, next->entity) != 0)
        rec->got.oom = true;
    else
        rec->open[c->number] = (long)rec->got.n - 1;
}

static int on_finish(void *ctx, sim_time_t end, int ncpus, struct an_result *out, FILE *errfp)
{
    struct recorder *rec = ctx;
    (void)out;
    for (int i = 0; i < ncpus && i < KE_MAX_CPUS; i++)
        close_open(rec, i, end);
    if (rec->got.oom)
        fprintf(errfp, "validate: out of memory recording slices\n");
    return rec->got.oom ? -1 : 0;
}

static int cmp_slice(const void *pa, const void *pb)
{
    const struct slice *a = pa, *b = pb;
    if (a->cpu != b->cpu)
        return a->cpu < b->cpu ? -1 : 1;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    return 0;
}

/* Sort by processor and start, then join touching stretches of one thread
 * and drop empty ones. */
static void normalise(struct slices *s)
{
    qsort(s->v, s->n, sizeof *s->v, cmp_slice);
    size_t w = 0;
    for (size_t i = 0; i < s->n; i++) {
        struct slice *x = &s->v[i], *last = w ? &s->v[w - 1] : NULL;
        if (x->end == x->start)
            free(x->thread);
        else if (last && last->cpu == x->cpu && last->end == x->start &&
                 strcmp(last->thread, x->thread) == 0) {
            last->end = x->end;
            free(x->thread);
        } else
            s->v[w++] = *x;
    }
    s->n = w;
}

/* ===== the expected schedule ============================================ */

static int parse_line(char *line, struct slices *want, const char *path, int lineno, FILE *errfp)
{
    char start[64], end[64], thread[256];
    int cpu;
    struct sim_parse_error pe;
    sim_time_t a, b;
    if (sscanf(line, "%d %63s %63s %255s", &cpu, start, end, thread) != 4 ||
        sim_duration_parse(start, &a, &pe) != 0 || sim_duration_parse(end, &b, &pe) != 0 ||
        cpu < 0 || cpu >= KE_MAX_CPUS || b < a) {
        fprintf(errfp, "%s:%d: error: expected `CPU START END THREAD`\n", path, lineno);
        return -1;
    }
    return slices_push(want, cpu, a, b, thread);
}

static int read_expected(const char *path, struct slices *want, FILE *errfp)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(errfp, "%s: cannot open\n", path);
        return -1;
    }
    char line[512];
    int lineno = 0, rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        char *p = line + strspn(line, " \t");
        if (*p != '#' && *p != '\n' && *p != '\0')
            rc = parse_line(p, want, path, lineno, errfp);
    }
    fclose(f);
    if (rc == 0)
        normalise(want);
    return rc;
}

/* ===== comparison ======================================================== */

static void print_slice(FILE *out, const char *what, const struct slice *s)
{
    fprintf(out, "    %s: cpu %d [%.6f ms, %.6f ms) %s\n", what, s->cpu, (double)s->start / 1e6,
            (double)s->end / 1e6, s->thread);
}

static bool same_slice(const struct slice *a, const struct slice *b)
{
    return a->cpu == b->cpu && a->start == b->start && a->end == b->end &&
           strcmp(a->thread, b->thread) == 0;
}

/* Walk both sorted lists together; every slice of either side that has no
 * identical slice on the other is printed. */
static int compare(const struct slices *want, const struct slices *got, FILE *out)
{
    size_t i = 0, j = 0;
    int matched = 0;
    while (i < want->n || j < got->n) {
        const struct slice *w = i < want->n ? &want->v[i] : NULL;
        const struct slice *g = j < got->n ? &got->v[j] : NULL;
        if (w && g && same_slice(w, g)) {
            matched++, i++, j++;
            continue;
        }
        int order = !g ? -1 : !w ? 1 : cmp_slice(w, g);
        if (order <= 0 && w) {
            print_slice(out, "expected", w);
            i++;
        }
        if (order >= 0 && g) {
            print_slice(out, "simulated", g);
            j++;
        }
    }
    return matched;
}

int val_schedule_compare(const struct scn_scenario *s, const char *expected_path, FILE *out,
                         int *matched, int *total, FILE *errfp)
{
    struct recorder rec = {.probe = {.context_switch = on_switch}};
    rec.probe.ctx = &rec;
    for (int i = 0; i < KE_MAX_CPUS; i++)
        rec.open[i] = -1;
    struct slices want = {0};
    struct an_listener l = {.probe = &rec.probe, .finish = on_finish, .ctx = &rec};
    struct an_run_options ro = {.check_invariants = true, .listeners = &l, .nlisteners = 1};
    struct an_result res = {0};
    int rc = read_expected(expected_path, &want, errfp);
    if (rc == 0 && (rc = an_run_scenario(s, &ro, &res, errfp)) == 0) {
        normalise(&rec.got);
        *matched = compare(&want, &rec.got, out);
        *total = (int)(want.n > rec.got.n ? want.n : rec.got.n);
    }
    an_result_free(&res);
    slices_free(&want);
    slices_free(&rec.got);
    return rc;
}
