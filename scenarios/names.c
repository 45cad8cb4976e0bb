/* scenarios/names.c - sets of names, for the loader's duplicate checks and lookups (layer: scenarios).
 *
 * A scenario may list a hundred thousand processes, or threads in one
 * process: comparing each name with every earlier one took minutes on such
 * a file, so duplicates are found through an open-addressing hash set
 * instead, in time proportional to the number of names.  References by name
 * (resources, spawn targets) go through sorted (name, index) lists, which
 * also give the first of equal names.
 *
 * SPDX-License-Identifier: MIT
 */
#define SCENARIOS_INTERNAL
#include <stdlib.h>
#include <string.h>

#include "scenarios/scenarios_int.h"

static size_t hash(const char *s)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325); /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
    return (size_t)h;
}

/* The slot holding `name`, or the empty slot where it would go. */
static size_t find(const struct scn__names *s, const char *name)
{
    size_t i = hash(name) & (s->cap - 1);
    while (s->slots[i].name && strcmp(s->slots[i].name, name))
        i = (i + 1) & (s->cap - 1);
    return i;
}

static int grow(struct scn__names *s)
{
    struct scn__names bigger = {NULL, 0, s->cap ? s->cap * 2 : 64};
    if (!(bigger.slots = calloc(bigger.cap, sizeof *bigger.slots)))
        return -1;
    for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i].name)
            bigger.slots[find(&bigger, s->slots[i].name)] = s->slots[i];
    bigger.n = s->n;
    free(s->slots);
    *s = bigger;
    return 0;
}

int scn__names_add(struct scn__names *s, const char *name, int line)
{
    if (2 * (s->n + 1) > s->cap && grow(s) != 0)
        return -1;
    size_t i = find(s, name);
    if (s->slots[i].name)
        return s->slots[i].line;
    s->slots[i].name = name;
    s->slots[i].line = line;
    s->n++;
    return 0;
}

void scn__names_clear(struct scn__names *s)
{
    free(s->slots);
    *s = (struct scn__names){NULL, 0, 0};
}

/* ===== sorted (name, index) lists ======================================= */

static int named_cmp(const void *a, const void *b)
{
    const struct scn__named *x = a, *y = b;
    int r = strcmp(x->name, y->name);
    return r ? r : (x->index > y->index) - (x->index < y->index);
}

void scn__named_sort(struct scn__named *v, int n)
{
    if (n > 1)
        qsort(v, (size_t)n, sizeof *v, named_cmp);
}

int scn__named_find(const struct scn__named *v, int n, const char *name)
{
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (strcmp(v[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && !strcmp(v[lo].name, name) ? v[lo].index : -1;
}
