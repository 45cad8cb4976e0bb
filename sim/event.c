/* sim/event.c - pending-event set and run loop (layer: sim).
 *
 * Owns the simulator's hot path: every context switch, quantum end and
 * timeout of the models goes through sim_schedule() and sim_run().
 *
 * The pending set is an indexed 4-ary min-heap ordered by (time, seq):
 *  - 4-ary rather than binary because it is half as deep and a node's four
 *    children are adjacent, so a sift-down touches fewer cache lines; the
 *    extra comparisons per level are cheap next to the misses they save.
 *  - Entries hold a copy of the key, by value, so comparisons read only the
 *    heap array and never chase the event pointers (events are scattered
 *    inside their owners).
 *  - Each event records its heap index + 1 in `slot`, which makes cancel and
 *    rescheduling O(log n) instead of a linear search.
 *  - The array grows by doubling and never shrinks, so scheduling does not
 *    allocate once the heap has reached its working size.
 * The sequence number breaks ties in scheduling order, which is what makes
 * runs reproducible bit for bit (see sim.h).
 *
 * SPDX-License-Identifier: MIT
 */
#include <assert.h>
#include <stdlib.h>

#include "sim/sim.h"

struct sim_heap_entry {
    sim_time_t time;
    uint64_t seq;
    struct sim_event *ev;
};

#define ARITY 4
#define INITIAL_CAP 256

static inline bool before(const struct sim_heap_entry *a, const struct sim_heap_entry *b)
{
    return a->time != b->time ? a->time < b->time : a->seq < b->seq;
}

static inline void place(struct sim_heap_entry *h, uint32_t i, struct sim_heap_entry e)
{
    h[i] = e;
    e.ev->slot = i + 1;
}

/* Move the hole at `i` up until `e` fits, then put `e` there: one copy per
 * level instead of a swap. */
static inline void sift_up(struct sim_heap_entry *h, uint32_t i, struct sim_heap_entry e)
{
    while (i > 0) {
        uint32_t p = (i - 1) / ARITY;
        if (!before(&e, &h[p]))
            break;
        place(h, i, h[p]);
        i = p;
    }
    place(h, i, e);
}

/* Move the hole at `i` down (heap of `n` entries) until `e` fits. */
static inline void sift_down(struct sim_heap_entry *h, uint32_t n, uint32_t i,
                             struct sim_heap_entry e)
{
    for (;;) {
        size_t c = (size_t)i * ARITY + 1;
        if (c >= n)
            break;
        size_t end = c + ARITY < n ? c + ARITY : n;
        size_t m = c;
        for (size_t k = c + 1; k < end; k++)
            if (before(&h[k], &h[m]))
                m = k;
        if (!before(&h[m], &e))
            break;
        place(h, i, h[m]);
        i = (uint32_t)m;
    }
    place(h, i, e);
}

/* Fill the hole left at `i` by a removal with the last entry. */
static void remove_at(struct sim *s, uint32_t i)
{
    struct sim_heap_entry *h = s->heap;
    uint32_t last = --s->size;
    if (i == last)
        return;
    struct sim_heap_entry e = h[last];
    if (i > 0 && before(&e, &h[(i - 1) / ARITY]))
        sift_up(h, i, e);
    else
        sift_down(h, last, i, e);
}

static int grow(struct sim *s)
{
    if (s->cap == UINT32_MAX)
        return -1;
    uint32_t cap = s->cap == 0               ? INITIAL_CAP
                   : s->cap > UINT32_MAX / 2 ? UINT32_MAX
                                             : s->cap * 2;
#if SIZE_MAX <= UINT32_MAX /* only there can the byte count overflow */
    if (cap > SIZE_MAX / sizeof *s->heap)
        return -1;
#endif
    struct sim_heap_entry *h = realloc(s->heap, (size_t)cap * sizeof *h);
    if (!h)
        return -1;
    s->heap = h;
    s->cap = cap;
    return 0;
}

int sim_init(struct sim *s)
{
    *s = (struct sim){0};
    s->heap = malloc(INITIAL_CAP * sizeof *s->heap);
    if (!s->heap)
        return -1;
    s->cap = INITIAL_CAP;
    return 0;
}

/* Events still pending are abandoned as they are: their owners may already
 * have been freed, so they are not touched. */
void sim_fini(struct sim *s)
{
    free(s->heap);
    s->heap = NULL;
    s->size = s->cap = 0;
}

void sim_event_init(struct sim_event *ev, sim_event_fn fn)
{
    ev->time = 0;
    ev->fn = fn;
    ev->slot = 0;
}

int sim_schedule(struct sim *s, struct sim_event *ev, sim_time_t at)
{
    assert(at >= s->now && "sim_schedule: event in the past");
    assert(ev->fn != NULL);
    if (ev->slot) {
        uint32_t i = ev->slot - 1;
        assert(i < s->size && s->heap[i].ev == ev);
        struct sim_heap_entry e = {at, s->next_seq++, ev};
        ev->time = at;
        if (before(&e, &s->heap[i]))
            sift_up(s->heap, i, e);
        else
            sift_down(s->heap, s->size, i, e);
        return 0;
    }
    if (s->size == s->cap && grow(s) != 0)
        return -1;
    ev->time = at;
    sift_up(s->heap, s->size++, (struct sim_heap_entry){at, s->next_seq++, ev});
    return 0;
}

void sim_cancel(struct sim *s, struct sim_event *ev)
{
    if (!ev->slot)
        return;
    uint32_t i = ev->slot - 1;
    assert(i < s->size && s->heap[i].ev == ev);
    ev->slot = 0;
    remove_at(s, i);
}

sim_time_t sim_next_time(const struct sim *s)
{
    return s->size ? s->heap[0].time : SIM_TIME_MAX;
}

void sim_stop(struct sim *s)
{
    s->stop_requested = true;
}

/* Take the earliest event out of the heap and advance the clock to it. */
static inline struct sim_event *pop_min(struct sim *s)
{
    struct sim_heap_entry *h = s->heap;
    struct sim_event *ev = h[0].ev;
    s->now = h[0].time;
    ev->slot = 0;
    uint32_t n = --s->size;
    if (n > 0)
        sift_down(h, n, 0, h[n]);
    return ev;
}

/* A stop request made outside a run is dropped on entry: it was meant for a
 * run that had already returned. */
enum sim_stop_reason sim_run(struct sim *s, sim_time_t until, uint64_t max_events)
{
    assert(until >= s->now && "sim_run: `until` is in the past");
    uint64_t budget = max_events ? max_events : UINT64_MAX;
    s->stop_requested = false;
    for (uint64_t fired = 0;; fired++) {
        if (s->size == 0)
            return SIM_STOP_EMPTY;
        if (s->heap[0].time >= until) {
            s->now = until;
            return SIM_STOP_TIME;
        }
        if (fired == budget)
            return SIM_STOP_MAX_EVENTS;
        struct sim_event *ev = pop_min(s);
        s->events++;
        ev->fn(s, ev);
        if (s->stop_requested) {
            s->stop_requested = false;
            return SIM_STOP_REQUESTED;
        }
    }
}
