/* scenarios/static_checks.c - mistakes visible in the programs as written (layer: scenarios).
 *
 * Owns the checks run once every program and spawn target is resolved:
 *   - spawn cycles: programs have no conditionals, so a process whose
 *     threads spawn, directly or through others, the process itself makes
 *     every instance spawn another without end;
 *   - straight-line self-deadlocks: a thread acquiring a non-recursive lock
 *     it already holds (R6.2, R6.4, R6.6), or an ERESOURCE exclusive while
 *     holding it shared (R6.5), waits for itself.
 * Both are reported when the scenario loads rather than found while running.
 * They must never refuse a scenario that runs: an operation after an `exit`
 * or after a block that repeats forever is never reached and is ignored, and
 * the lock check only pairs two acquires of one block with no release, block
 * boundary or exit between them (it misses cases rather than guessing).
 *
 * SPDX-License-Identifier: MIT
 */
#define SCENARIOS_INTERNAL
#include <stdlib.h>
#include <string.h>

#include "scenarios/scenarios_int.h"

#define PATH_NAMES 8 /* process names shown in "(a -> b -> a)" */

/* "FILE:LINE:COL: error: ..." at the operation (positions in ke_src are 1-based). */
#define OP_ERROR(c, op, ...) \
    scn__error_mark((c), (yaml_mark_t){0, (size_t)(op)->src.line - 1, \
                                       (size_t)(op)->src.col - 1}, __VA_ARGS__)

/* Index past the last operation of `p` that can run: nothing follows an
 * `exit`, nor the END of a loop or periodic block that repeats forever
 * (every block runs its body at least once). */
static uint32_t reachable_end(const struct ke_program *p)
{
    uint32_t end = p->n;
    for (uint32_t k = 0; k < end; k++) {
        const struct ke_op *op = &p->ops[k];
        if (op->kind == KE_OP_EXIT)
            end = k + 1;
        else if ((op->kind == KE_OP_PERIODIC ||
                  (op->kind == KE_OP_LOOP && op->count == KE_LOOP_FOREVER)) && op->match < end)
            end = op->match + 1;
    }
    return end;
}

/* ===== spawn cycles ===================================================== */

struct spawn_edge {
    int target;
    const struct ke_op *op;
};

/* The spawn graph: edges of process i are e[first[i] .. first[i + 1]). */
struct spawn_graph {
    struct spawn_edge *e;
    int *first;
};

/* Calls `add` (when not NULL) on each reachable spawn of process i; returns their count. */
static int spawns_of(const struct ps_workload *wl, int i, struct spawn_edge *add)
{
    const struct ps_process_spec *p = &wl->processes[i];
    int n = 0;
    for (int j = 0; j < p->nthreads; j++) {
        const struct ke_program *prog = &p->threads[j].program;
        uint32_t end = reachable_end(prog);
        for (uint32_t k = 0; k < end; k++) {
            const struct ke_op *op = &prog->ops[k];
            if (op->kind != KE_OP_SPAWN || op->target < 0 || op->target >= wl->nprocesses)
                continue; /* unresolved targets were reported */
            if (add)
                add[n] = (struct spawn_edge){op->target, op};
            n++;
        }
    }
    return n;
}

static int graph_build(const struct ps_workload *wl, struct spawn_graph *g)
{
    int total = 0;
    g->e = NULL;
    if (!(g->first = malloc(((size_t)wl->nprocesses + 1) * sizeof *g->first)))
        return -1;
    for (int i = 0; i < wl->nprocesses; i++) {
        g->first[i] = total;
        total += spawns_of(wl, i, NULL);
    }
    g->first[wl->nprocesses] = total;
    if (!(g->e = malloc(((size_t)total + 1) * sizeof *g->e)))
        return -1;
    for (int i = 0; i < wl->nprocesses; i++)
        spawns_of(wl, i, g->e + g->first[i]);
    return 0;
}

/* "a -> b -> a": the DFS path from the target of the closing edge to its
 * spawner, then the target again. */
static void cycle_text(const struct ps_workload *wl, const int *path, int from, int depth,
                       int target, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int k = from; k <= depth && len < size; k++) {
        char name[72];
        if (depth - from >= PATH_NAMES && k == from + PATH_NAMES / 2) {
            len += (size_t)snprintf(buf + len, size - len, "... -> ");
            k = depth - PATH_NAMES / 2;
        }
        scn__sanitize(wl->processes[path[k]].name, name, sizeof name);
        len += (size_t)snprintf(buf + len, size - len, "%s -> ", name);
    }
    if (len < size) {
        char name[72];
        scn__sanitize(wl->processes[target].name, name, sizeof name);
        snprintf(buf + len, size - len, "%s", name);
    }
}

static void cycle_error(struct scn__ctx *c, const struct ps_workload *wl, const int *path,
                        int depth, const struct spawn_edge *e)
{
    char text[900], spawner[72], target[72];
    int from = depth;
    while (path[from] != e->target)
        from--;
    cycle_text(wl, path, from, depth, e->target, text, sizeof text);
    scn__sanitize(wl->processes[path[depth]].name, spawner, sizeof spawner);
    scn__sanitize(wl->processes[e->target].name, target, sizeof target);
    OP_ERROR(c, e->op, "spawn cycle: '%s' spawns '%s' again (%s): every instance would spawn "
             "another without end", spawner, target, text);
}

enum { WHITE, GREY, BLACK, STATE = 3, REPORTED = 4 /* a flag beside the state */ };

/* Depth-first from `root` without recursion (a file may chain thousands of
 * processes): an edge to a process on the path (GREY) closes a cycle.  At
 * most one cycle is reported per spawning process. */
static void dfs(struct scn__ctx *c, const struct ps_workload *wl, const struct spawn_graph *g,
                int root, unsigned char *color, int *path, int *next)
{
    int depth = 0;
    path[0] = root;
    color[root] = GREY;
    next[root] = g->first[root];
    while (depth >= 0) {
        int v = path[depth];
        if (next[v] == g->first[v + 1]) {
            color[v] = (unsigned char)((color[v] & REPORTED) | BLACK);
            depth--;
            continue;
        }
        const struct spawn_edge *e = &g->e[next[v]++];
        int w = e->target;
        if ((color[w] & STATE) == GREY && !(color[v] & REPORTED)) {
            cycle_error(c, wl, path, depth, e);
            color[v] |= REPORTED;
        } else if ((color[w] & STATE) == WHITE) {
            path[++depth] = w;
            color[w] = GREY;
            next[w] = g->first[w];
        }
    }
}

static void spawn_cycles(struct scn__ctx *c, const struct ps_workload *wl)
{
    struct spawn_graph g;
    size_t n = (size_t)wl->nprocesses + 1;
    unsigned char *color = calloc(n, 1);
    int *path = malloc(n * sizeof *path), *next = malloc(n * sizeof *next);
    if (graph_build(wl, &g) < 0 || !color || !path || !next)
        scn__oom(c);
    else
        for (int i = 0; i < wl->nprocesses && !scn__enough(c); i++)
            if ((color[i] & STATE) == WHITE)
                dfs(c, wl, &g, i, color, path, next);
    free(g.e);
    free(g.first);
    free(color);
    free(path);
    free(next);
}

/* ===== straight-line self-deadlocks ===================================== */

/* What the thread holds in the current stretch of straight-line code:
 * per object, 1 + the index of the acquire that took it (0: not held). */
struct held {
    uint32_t *at;
    bool *shared;
    int *taken; /* the objects set in `at`, to clear them at a boundary */
    int ntaken;
};

static void held_clear(struct held *h)
{
    while (h->ntaken > 0)
        h->at[h->taken[--h->ntaken]] = 0;
}

/* Why acquiring object `o` again would wait for the holder itself, or NULL
 * when the lock allows it (KMUTEX and ERESOURCE recursion, R5.4, R6.5). */
static const char *self_wait(const struct ke_object_spec *o, bool held_shared, bool shared)
{
    switch (o->type) {
    case KE_OBJ_SPINLOCK:
        return "a spinlock is not recursive, the thread would spin forever (R6.2)";
    case KE_OBJ_FAST_MUTEX:
        return "a fast mutex is not recursive, the thread would wait for itself (R6.4)";
    case KE_OBJ_GUARDED_MUTEX:
        return "a guarded mutex is not recursive, the thread would wait for itself (R6.4)";
    case KE_OBJ_PUSH_LOCK:
        return "a push lock is not recursive, the thread would wait for itself (R6.6)";
    case KE_OBJ_ERESOURCE:
        return held_shared && !shared ? "a shared owner cannot become exclusive, the thread "
                                        "would wait for itself (R6.5)" : NULL;
    default:
        return NULL;
    }
}

static void deadlock_error(struct scn__ctx *c, const struct ps_thread_spec *t,
                           const struct ke_object_spec *o, const struct ke_op *first,
                           const struct ke_op *again, const char *why)
{
    static const char *const kinds[KE_OBJ_TYPE_COUNT] = {
        [KE_OBJ_SPINLOCK] = "spinlock", [KE_OBJ_FAST_MUTEX] = "fast mutex",
        [KE_OBJ_GUARDED_MUTEX] = "guarded mutex", [KE_OBJ_ERESOURCE] = "eresource",
        [KE_OBJ_PUSH_LOCK] = "push lock",
    };
    char thread[72], lock[72];
    scn__sanitize(t->name ? t->name : "?", thread, sizeof thread);
    scn__sanitize(o->name, lock, sizeof lock);
    if (o->type == KE_OBJ_ERESOURCE)
        OP_ERROR(c, again, "'%s' acquires eresource '%s' exclusive while holding it shared "
                 "(line %d): %s", thread, lock, first->src.line, why);
    else
        OP_ERROR(c, again, "'%s' acquires %s '%s' again while holding it (line %d): %s",
                 thread, kinds[o->type], lock, first->src.line, why);
}

/* One op of the straight-line walk; true when it deadlocked (nothing after it runs). */
static bool held_step(struct scn__ctx *c, const struct ps_workload *wl,
                      const struct ps_thread_spec *t, uint32_t k, struct held *h)
{
    const struct ke_op *op = &t->program.ops[k];
    int o = op->kind == KE_OP_COND_WAIT ? op->lock : op->object;
    if (op->kind == KE_OP_LOOP || op->kind == KE_OP_PERIODIC || op->kind == KE_OP_END ||
        op->kind == KE_OP_EXIT) {
        held_clear(h);
        return false;
    }
    if (o < 0 || o >= wl->nobjects)
        return false;
    if (op->kind == KE_OP_RELEASE || op->kind == KE_OP_COND_WAIT) {
        h->at[o] = 0; /* released (or retaken by the wait in a mode not tracked) */
        return false;
    }
    if (op->kind != KE_OP_ACQUIRE)
        return false;
    if (!h->at[o]) {
        h->at[o] = k + 1;
        h->shared[o] = op->shared;
        h->taken[h->ntaken++] = o;
        return false;
    }
    const char *why = self_wait(&wl->objects[o], h->shared[o], op->shared);
    if (why)
        deadlock_error(c, t, &wl->objects[o], &t->program.ops[h->at[o] - 1], op, why);
    h->shared[o] = h->shared[o] && op->shared; /* an exclusive owner stays exclusive */
    return why != NULL;
}

static void self_deadlocks(struct scn__ctx *c, const struct ps_workload *wl)
{
    size_t n = (size_t)wl->nobjects + 1;
    struct held h = {calloc(n, sizeof *h.at), calloc(n, sizeof *h.shared), NULL, 0};
    uint32_t longest = 0;
    for (int i = 0; i < wl->nprocesses; i++)
        for (int j = 0; j < wl->processes[i].nthreads; j++)
            if (wl->processes[i].threads[j].program.n > longest)
                longest = wl->processes[i].threads[j].program.n;
    h.taken = malloc(((size_t)longest + 1) * sizeof *h.taken);
    if (!h.at || !h.shared || !h.taken)
        scn__oom(c);
    for (int i = 0; h.taken && h.at && h.shared && i < wl->nprocesses; i++) {
        for (int j = 0; j < wl->processes[i].nthreads && !scn__enough(c); j++) {
            const struct ps_thread_spec *t = &wl->processes[i].threads[j];
            uint32_t end = reachable_end(&t->program);
            for (uint32_t k = 0; k < end && !held_step(c, wl, t, k, &h); k++)
                ;
            held_clear(&h);
        }
    }
    free(h.at);
    free(h.shared);
    free(h.taken);
}

void scn__static_checks(struct scn__ctx *c, const struct ps_workload *wl)
{
    if (scn__enough(c)) /* spawn targets may be left unresolved */
        return;
    spawn_cycles(c, wl);
    self_deadlocks(c, wl);
}
