/* sim/list.h - intrusive doubly linked lists (layer: sim).
 *
 * The node lives inside the object, so queueing never allocates; used for
 * ready lists, wait lists and object pools.  A list head is a sentinel node
 * that points at itself when empty.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef PSSIM_SIM_LIST_H
#define PSSIM_SIM_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct sim_list {
    struct sim_list *next, *prev;
};

#define SIM_CONTAINER_OF(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

static inline void sim_list_init(struct sim_list *h) { h->next = h->prev = h; }
static inline bool sim_list_empty(const struct sim_list *h) { return h->next == h; }
/* A node that is in no list has both pointers NULL (see sim_list_remove). */
static inline bool sim_list_linked(const struct sim_list *n) { return n->next != NULL; }

static inline void sim_list__insert(struct sim_list *n, struct sim_list *prev, struct sim_list *next)
{
    n->prev = prev;
    n->next = next;
    prev->next = n;
    next->prev = n;
}
static inline void sim_list_push_tail(struct sim_list *h, struct sim_list *n) { sim_list__insert(n, h->prev, h); }
static inline void sim_list_push_head(struct sim_list *h, struct sim_list *n) { sim_list__insert(n, h, h->next); }
static inline void sim_list_remove(struct sim_list *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->next = n->prev = NULL;
}
static inline struct sim_list *sim_list_first(const struct sim_list *h)
{
    return sim_list_empty(h) ? NULL : h->next;
}

#define sim_list_for_each(pos, head) for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)

#endif
