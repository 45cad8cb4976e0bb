/* analysis/grow.c - zero-filled growable arrays (layer: analysis).
 *
 * Owns the one way the listeners of analysis/ grow their per-thread,
 * per-process and per-object arrays when the models report a new entity:
 * doubling, new slots zeroed so that "not seen yet" reads as all zeroes.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#define ANALYSIS_INTERNAL
#include "analysis/analysis_int.h"

void *an__grow(void *arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return arr;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need)
        ncap *= 2;
    char *a = realloc(arr, ncap * size);
    if (!a)
        return NULL;
    memset(a + *cap * size, 0, (ncap - *cap) * size);
    *cap = ncap;
    return a;
}
