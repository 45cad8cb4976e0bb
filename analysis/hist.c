/* analysis/hist.c - log-linear histograms for latency percentiles and CDFs (layer: analysis).
 *
 * Owns `struct an_hist`.  Percentiles must be streaming (memory independent of
 * simulated time) and cheap, since a sample is taken at every wake-up and
 * feeds four populations (thread, process, subsystem, run).  GSL's P-square
 * estimator costs a marker update per quantile and per population and cannot
 * draw a CDF; GSL's gsl_histogram needs fixed ranges and a binary search per
 * increment.  A log-linear histogram (values below 32 ns exact, then 32
 * buckets per power of two) answers every quantile within 1.6% and every
 * CDF, at one index computation per sample.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ANALYSIS_INTERNAL
#include "analysis/analysis_int.h"

#define SUB (1 << AN_HIST_SUB_BITS)

/* Bucket of value v >= 0: v itself below SUB, then SUB per octave. */
static int32_t bucket_of(sim_time_t v)
{
    if (v < SUB)
        return (int32_t)v;
    int e = 63 - __builtin_clzll((unsigned long long)v); /* >= AN_HIST_SUB_BITS */
    int shift = e - AN_HIST_SUB_BITS;
    return (int32_t)(SUB + shift * SUB + (int)((v >> shift) & (SUB - 1)));
}

/* Smallest value of bucket b, SIM_TIME_MAX past the last bucket an int64
 * reaches (cover() may widen a histogram's range that far). */
static sim_time_t bucket_low(int32_t b)
{
    if (b < SUB)
        return b;
    int shift = (b - SUB) / SUB;
    sim_time_t sub = (b - SUB) % SUB;
    if (shift > 62 - AN_HIST_SUB_BITS)
        return SIM_TIME_MAX;
    return (SUB + sub) << shift;
}

void an_hist_init(struct an_hist *h) { memset(h, 0, sizeof *h); }

void an_hist_free(struct an_hist *h)
{
    free(h->counts);
    an_hist_init(h);
}

/* Make bucket b addressable, keeping the counts already there; the range
 * grows at least twofold so that widening is rare. */
static int cover(struct an_hist *h, int32_t b)
{
    int32_t top = h->lo + (int32_t)h->n - 1;
    if (h->n && b >= h->lo && b <= top)
        return 0;
    int32_t lo = h->n && h->lo < b ? h->lo : b;
    int32_t hi = h->n && top > b ? top : b;
    uint32_t n = (uint32_t)(hi - lo + 1);
    if (h->n && n < 2 * h->n) {
        n = 2 * h->n;
        if (b < h->lo) { /* widen downward, not below bucket 0 */
            lo = hi - (int32_t)n + 1;
            if (lo < 0) {
                lo = 0;
                n = (uint32_t)hi + 1;
            }
        }
    }
    uint64_t *c = calloc(n, sizeof *c);
    if (!c)
        return -1;
    if (h->n)
        memcpy(c + (h->lo - lo), h->counts, h->n * sizeof *c);
    free(h->counts);
    h->counts = c;
    h->lo = lo;
    h->n = n;
    return 0;
}

int an_hist_add(struct an_hist *h, sim_time_t v)
{
    if (v < 0)
        v = 0;
    int32_t b = bucket_of(v);
    if (cover(h, b) != 0)
        return -1;
    h->counts[b - h->lo]++;
    if (h->count == 0 || v < h->min)
        h->min = v;
    if (h->count == 0 || v > h->max)
        h->max = v;
    h->count++;
    h->sum += (double)v;
    return 0;
}

double an_hist_quantile(const struct an_hist *h, double p)
{
    if (h->count == 0)
        return 0.0;
    uint64_t rank = (uint64_t)ceil(p * (double)h->count);
    if (rank <= 1)
        return (double)h->min; /* the extremes are known exactly */
    if (rank >= h->count)
        return (double)h->max;
    uint64_t seen = 0;
    for (uint32_t i = 0; i < h->n; i++) {
        seen += h->counts[i];
        if (seen >= rank) {
            int32_t b = h->lo + (int32_t)i;
            double mid = b < SUB ? (double)b
                                 : ((double)bucket_low(b) + (double)bucket_low(b + 1) - 1) / 2;
            return mid < (double)h->min ? (double)h->min
                   : mid > (double)h->max ? (double)h->max : mid;
        }
    }
    return (double)h->max;
}

int an_hist_merge(struct an_hist *dst, const struct an_hist *src)
{
    if (src->count == 0)
        return 0;
    if (cover(dst, src->lo) != 0 || cover(dst, src->lo + (int32_t)src->n - 1) != 0)
        return -1;
    for (uint32_t i = 0; i < src->n; i++)
        dst->counts[src->lo + (int32_t)i - dst->lo] += src->counts[i];
    if (dst->count == 0 || src->min < dst->min)
        dst->min = src->min;
    if (dst->count == 0 || src->max > dst->max)
        dst->max = src->max;
    dst->count += src->count;
    dst->sum += src->sum;
    return 0;
}

void an_hist_bucket(const struct an_hist *h, uint32_t i, sim_time_t *upper, uint64_t *count)
{
    *upper = bucket_low(h->lo + (int32_t)i + 1);
    *count = h->counts[i];
}
