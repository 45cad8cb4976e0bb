/* analysis/result_series.c - the series part of a run's result (layer: analysis).
 * Owns the storage of an_result.series (slices, curves, histograms,
 * processes) and of the strings a result keeps (an_result.strings), apart
 * from the listener that fills them (series.c) and the database that
 * reads them back (store.c), which both build results the same way.
 *
 * Strings live in a chain of blocks rather than one malloc each: a result
 * read from a database keeps tens of thousands of them (a Gantt window's
 * slices), all freed at once.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#define ANALYSIS_INTERNAL
#include "analysis/analysis_int.h"

#define BLOCK_SIZE 16384

struct an_strings {
    struct an_strings *next;
    size_t used, cap;
    char data[];
};

const char *an__keep(struct an_result *r, const char *s)
{
    size_t len = strlen(s) + 1;
    struct an_strings *b = r->strings;
    if (!b || b->cap - b->used < len) {
        size_t cap = len > BLOCK_SIZE ? len : BLOCK_SIZE;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->next = r->strings;
        b->used = 0;
        b->cap = cap;
        r->strings = b;
    }
    char *copy = memcpy(b->data + b->used, s, len);
    b->used += len;
    return copy;
}

/* Make room for element n of the array whose pointer is at `parr`: the
 * capacity is the power of two at or above the count, so it grows when n is
 * 0 or a power of two.  The pointer is copied bytewise because it may point
 * to any element type.  0, or -1 when out of memory. */
static int room(void *parr, size_t n, size_t size)
{
    if (n && (n & (n - 1)))
        return 0;
    void *old;
    memcpy(&old, parr, sizeof old);
    void *a = realloc(old, (n ? 2 * n : 4) * size);
    if (!a)
        return -1;
    memcpy(parr, &a, sizeof a);
    return 0;
}

/* The three keys of a curve or histogram, kept; -1 when out of memory. */
static int keep_keys(struct an_result *r, const char *k[3])
{
    for (int i = 0; i < 3; i++)
        if (!(k[i] = an__keep(r, k[i] ? k[i] : "")))
            return -1;
    return 0;
}

struct an_curve *an__curve_add(struct an_result *r, const char *scope, const char *entity,
                               const char *name)
{
    struct an_series_data *sd = &r->series;
    const char *k[3] = {scope, entity, name};
    if (keep_keys(r, k) || room(&sd->curves, sd->ncurves, sizeof *sd->curves))
        return NULL;
    struct an_curve *c = &sd->curves[sd->ncurves++];
    *c = (struct an_curve){k[0], k[1], k[2], NULL, 0};
    return c;
}

struct an_histo *an__histo_add(struct an_result *r, const char *scope, const char *entity,
                               const char *name)
{
    struct an_series_data *sd = &r->series;
    const char *k[3] = {scope, entity, name};
    if (keep_keys(r, k) || room(&sd->histos, sd->nhistos, sizeof *sd->histos))
        return NULL;
    struct an_histo *h = &sd->histos[sd->nhistos++];
    *h = (struct an_histo){k[0], k[1], k[2], NULL, 0};
    return h;
}

int an__curve_point(struct an_curve *c, double x, double y)
{
    if (room(&c->pts, c->n, sizeof *c->pts))
        return -1;
    c->pts[c->n++] = (struct an_point){x, y};
    return 0;
}

int an__histo_bucket(struct an_histo *h, sim_time_t upper, uint64_t count)
{
    if (room(&h->b, h->n, sizeof *h->b))
        return -1;
    h->b[h->n++] = (struct an_bucket){upper, count};
    return 0;
}

int an__histo_from(struct an_result *r, const char *scope, const char *entity, const char *name,
                   const struct an_hist *src)
{
    struct an_histo *h = an__histo_add(r, scope, entity, name);
    if (!h)
        return -1;
    for (uint32_t i = 0; i < src->n; i++) {
        sim_time_t upper;
        uint64_t count;
        an_hist_bucket(src, i, &upper, &count);
        if (count && an__histo_bucket(h, upper, count))
            return -1;
    }
    return 0;
}

int an__slice_add(struct an_result *r, const struct an_slice *s)
{
    struct an_series_data *sd = &r->series;
    if (room(&sd->slices, sd->nslices, sizeof *sd->slices))
        return -1;
    sd->slices[sd->nslices++] = *s;
    return 0;
}

int an__process_add(struct an_result *r, const struct an_process_info *p)
{
    struct an_series_data *sd = &r->series;
    if (room(&sd->procs, sd->nprocs, sizeof *sd->procs))
        return -1;
    sd->procs[sd->nprocs++] = *p;
    return 0;
}

void an__series_free(struct an_result *r)
{
    struct an_series_data *sd = &r->series;
    for (size_t i = 0; i < sd->ncurves; i++)
        free(sd->curves[i].pts);
    for (size_t i = 0; i < sd->nhistos; i++)
        free(sd->histos[i].b);
    free(sd->curves);
    free(sd->histos);
    free(sd->slices);
    free(sd->procs);
    memset(sd, 0, sizeof *sd);
    while (r->strings) {
        struct an_strings *next = r->strings->next;
        free(r->strings);
        r->strings = next;
    }
}
