/* analysis/analysis_int.h - internals shared by the files of analysis/ (layer: analysis).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef PSSIM_ANALYSIS_INT_H
#define PSSIM_ANALYSIS_INT_H

#ifndef ANALYSIS_INTERNAL
#error "analysis/analysis_int.h is private to analysis/ and its tests (define ANALYSIS_INTERNAL)"
#endif

#include <stdint.h>

#include "sim/sim.h"

/* ===== log-linear histograms (analysis/hist.c) ========================== */

/* Bucket resolution: 2^AN_HIST_SUB_BITS buckets per power of two, so a
 * bucket's width is at most 1/32 of its values (quantiles within 1.6%). */
#define AN_HIST_SUB_BITS 5

/* A histogram of non-negative ns values whose memory follows the range of
 * the values seen, not their number: a dense array of counts over the
 * buckets from the smallest to the largest used.  Adding is O(1) except
 * when the range widens. */
struct an_hist {
    uint64_t count;
    double sum;         /* ns */
    sim_time_t min, max;
    int32_t lo;         /* bucket index of counts[0] */
    uint32_t n;         /* buckets allocated */
    uint64_t *counts;
};

void an_hist_init(struct an_hist *h);
void an_hist_free(struct an_hist *h);
/* 0, or -1 when out of memory (the value is then not counted). */
int an_hist_add(struct an_hist *h, sim_time_t v);
/* Nearest-rank quantile (0 < p <= 1) in ns: the middle of the bucket that
 * holds the ceil(p * count)-th smallest value, clamped to [min, max]; exact
 * for values below 32 ns and for the smallest and largest value.  0 for an
 * empty histogram. */
double an_hist_quantile(const struct an_hist *h, double p);
/* Add every count of `src` to `dst`.  0 or -1 when out of memory. */
int an_hist_merge(struct an_hist *dst, const struct an_hist *src);
/* The i-th used bucket, i in [0, h->n): its upper bound in ns (exclusive) and
 * its count.  For drawing CDFs. */
void an_hist_bucket(const struct an_hist *h, uint32_t i, sim_time_t *upper, uint64_t *count);

#endif
