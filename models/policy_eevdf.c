/* models/policy_eevdf.c - Linux's EEVDF fair scheduler, `eevdf` (layer: models).
 *
 * Models the fair class of Linux 6.6 (kernel/sched/fair.c: "Earliest
 * Eligible Virtual Deadline First") on ONE run queue for the whole machine
 * (Linux keeps one per processor and balances them; a global queue is the
 * fluid ideal that balancing approximates, and needs no balancer).
 *
 * Per thread (policy_slot, see enum below): vruntime v, virtual deadline d,
 * the lag kept while asleep, the weight, and the tree links.  Units: virtual
 * time is in ns of a nice-0 thread, so running `delta` ns advances v by
 * delta * 1024 / weight (calc_delta_fair).
 *
 *  - Weights come from the nice value through the kernel's
 *    sched_prio_to_weight[] table; the NT priority gives the nice value
 *    (nice_of() below): base 8 (normal) is nice 0 and each NT level is one
 *    nice step, so 1..15 map to nice 7..-7; the real-time levels 16..31 all
 *    map to nice -20, EEVDF having no strict priority band.
 *  - V, the load-weighted average vruntime of every runnable thread (queued,
 *    Standby and running, the running ones up to now), is the virtual time;
 *    a thread is eligible when v <= V; lag = V - v.
 *  - A processor runs, among the eligible queued threads its affinity
 *    allows, the one with the earliest virtual deadline.  When none is
 *    eligible (the eligible ones run elsewhere: only possible with a global
 *    queue), the one with the least vruntime, so that no processor idles.
 *  - The request of each thread is `machine.slice` (default 3 ms, Linux's
 *    sysctl_sched_base_slice on 8 or more processors): d = v + slice*1024/w.
 *    A thread runs until its deadline is reached (RUN_TO_PARITY): the
 *    processor's slice timer is armed for the exact instant, not the tick.
 *    Then d advances by a request and the choice is made again, the running
 *    thread included.
 *  - A thread that blocks keeps its lag, clamped to two requests
 *    (update_entity_lag); when it wakes it is placed at v = V - lag*(W+w)/W
 *    so that it has that lag again among the others (place_entity, feature
 *    PLACE_LAG), with a full request.  A new thread starts with lag 0 and half
 *    a request (PLACE_DEADLINE_INITIAL).  Lag is not decayed during a sleep.
 *  - A woken thread preempts only a running thread that is no longer
 *    eligible (an eligible one runs to parity), and only if it would itself
 *    be chosen: eligible, with a deadline earlier than every eligible queued
 *    thread's (check_preempt_wakeup_fair).  Among such victims, the one
 *    with the latest deadline.
 *  - Yield moves the deadline one request later (yield_task_fair).
 *  - The weight is taken from the priority when the thread is placed (it
 *    starts or wakes) and kept until it blocks: the sums of V stay exact.
 *
 * The queued threads sit in a treap keyed by (vruntime, index), each node
 * knowing the thread of earliest (deadline, index) in its subtree: eligible
 * threads are a prefix of the key order, so the choice is O(log n) like the
 * kernel's augmented rbtree.  Design notes of the core: models/dispatch.c.
 *
 * SPDX-License-Identifier: MIT
 */
#include <assert.h>
#include <stdlib.h>

#define MODELS_INTERNAL
#include "models/policy_global.h"

#define EEVDF_DEFAULT_SLICE (3 * SIM_MS)
#define NICE_0_WEIGHT 1024
#define LOW_REALTIME_PRIORITY 16

/* ke_thread.policy_slot; WEIGHT also holds the flags, LINKS both children
 * (thread index + 1, 0 for none), MIN_NODE the thread of earliest
 * (deadline, index) in the subtree (index + 1). */
enum { VRUNTIME, DEADLINE, VLAG, WEIGHT, LINKS, MIN_NODE };
#define WEIGHT_MASK 0xffffffffll
#define F_ON_RQ (1ll << 32) /* counted in V: queued, Standby or running */
#define F_FRESH (1ll << 33) /* never placed yet: a new thread */

/* Linux kernel/sched/core.c, sched_prio_to_weight[]: nice -20..19, each
 * step about 1.25x, nice 0 = 1024. */
static const int32_t prio_to_weight[40] = {
    /* -20 */ 88761, 71755, 56483, 46273, 36291,
    /* -15 */ 29154, 23254, 18705, 14949, 11916,
    /* -10 */ 9548,  7620,  6100,  4904,  3906,
    /*  -5 */ 3121,  2501,  1991,  1586,  1277,
    /*   0 */ 1024,  820,   655,   526,   423,
    /*   5 */ 335,   272,   215,   172,   137,
    /*  10 */ 110,   87,    70,    56,    45,
    /*  15 */ 36,    29,    23,    18,    15,
};

struct eevdf_state {
    uint32_t root;        /* treap of queued threads; thread index + 1 */
    int64_t v0;           /* origin of `sum`, moved to V as V moves */
    int64_t sum;          /* sum of w * (v - v0) over F_ON_RQ threads, v as stored */
    int64_t load;         /* sum of w over F_ON_RQ threads */
    sim_time_t slice;
    struct ke_thread *run[KE_MAX_CPUS]; /* running threads, by processor */
    sim_time_t since[KE_MAX_CPUS];      /* ... whose v is stored as of then */
    int nrun;                           /* running threads */
    sim_time_t since_sum;               /* the sum of their since[] */
};

static struct eevdf_state *state(const struct ke_machine *m) { return m->policy_state; }

/* ===== weights and virtual time ========================================= */

/* The NT priority's nice value (table in README, Policies). */
static int nice_of(int priority)
{
    if (priority >= LOW_REALTIME_PRIORITY)
        return -20;
    int nice = 8 - priority;
    return nice > 19 ? 19 : nice;
}

static int64_t weight(const struct ke_thread *t) { return t->policy_slot[WEIGHT] & WEIGHT_MASK; }
static bool has(const struct ke_thread *t, int64_t f)
{
    return (t->policy_slot[WEIGHT] & f) != 0;
}
static void set_flag(struct ke_thread *t, int64_t f, bool on)
{
    t->policy_slot[WEIGHT] = on ? t->policy_slot[WEIGHT] | f : t->policy_slot[WEIGHT] & ~f;
}

/* calc_delta_fair: `ns` of CPU time in virtual time at weight w. */
static int64_t to_virtual(sim_time_t ns, int64_t w) { return ns * NICE_0_WEIGHT / w; }
/* One request in virtual time. */
static int64_t vslice(const struct ke_machine *m, int64_t w)
{
    return to_virtual(state(m)->slice, w);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* v of t now: a running thread has run since its v was last stored. */
static int64_t vruntime(struct ke_machine *m, const struct ke_thread *t)
{
    struct eevdf_state *st = state(m);
    int64_t v = t->policy_slot[VRUNTIME];
    if (t->cpu >= 0 && st->run[t->cpu] == t)
        v += to_virtual(m->sim.now - st->since[t->cpu], weight(t));
    return v;
}

/* V (avg_vruntime), rounded down, so that v <= V is the kernel's
 * eligibility test; moves v0 to V to keep the sums small.  A thread running
 * for e ns since its v was stored adds w * (e * 1024 / w) = e * 1024 to the
 * weighted sum whatever its weight, so the running threads count in O(1)
 * (exactly, where their own v is rounded down: V is at most 1 ns high). */
static int64_t avg_vruntime(struct ke_machine *m)
{
    struct eevdf_state *st = state(m);
    if (!st->load)
        return st->v0;
    int64_t s = st->sum + NICE_0_WEIGHT * (st->nrun * m->sim.now - st->since_sum);
    int64_t v = st->v0 + floor_div(s, st->load);
    st->sum -= st->load * (v - st->v0);
    st->v0 = v;
    return v;
}

/* Count t in V (`on`) or take it out, at its stored vruntime. */
static void account(struct ke_machine *m, struct ke_thread *t, bool on)
{
    struct eevdf_state *st = state(m);
    int64_t w = weight(t), s = w * (t->policy_slot[VRUNTIME] - st->v0);
    assert(has(t, F_ON_RQ) != on);
    st->sum += on ? s : -s;
    st->load += on ? w : -w;
    set_flag(t, F_ON_RQ, on);
}

/* update_curr + update_deadline: store the running t's vruntime as of now;
 * a consumed request is renewed. */
static void update_curr(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    struct eevdf_state *st = state(m);
    int64_t dv = vruntime(m, t) - t->policy_slot[VRUNTIME];
    t->policy_slot[VRUNTIME] += dv;
    st->sum += weight(t) * dv;
    st->since_sum += m->sim.now - st->since[c->number];
    st->since[c->number] = m->sim.now;
    if (t->policy_slot[VRUNTIME] >= t->policy_slot[DEADLINE])
        t->policy_slot[DEADLINE] = t->policy_slot[VRUNTIME] + vslice(m, weight(t));
}

/* ===== the treap of queued threads ====================================== */

static struct ke_thread *node(struct ke_machine *m, uint32_t id)
{
    return id ? m->threads[id - 1] : NULL;
}
static uint32_t id_of(const struct ke_thread *t) { return t->index + 1; }
static uint32_t left_of(const struct ke_thread *t) { return (uint32_t)t->policy_slot[LINKS]; }
static uint32_t right_of(const struct ke_thread *t)
{
    return (uint32_t)((uint64_t)t->policy_slot[LINKS] >> 32);
}

/* Treap priority: a fixed hash of the index (SplitMix64's finaliser). */
static uint64_t heap_key(const struct ke_thread *t)
{
    uint64_t z = (uint64_t)t->index * 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* a is ordered before b in the tree: smaller (vruntime, index). */
static bool before(const struct ke_thread *a, const struct ke_thread *b)
{
    if (a->policy_slot[VRUNTIME] != b->policy_slot[VRUNTIME])
        return a->policy_slot[VRUNTIME] < b->policy_slot[VRUNTIME];
    return a->index < b->index;
}

/* a has an earlier (deadline, index) than b; anything beats no thread. */
static bool earlier(const struct ke_thread *a, const struct ke_thread *b)
{
    if (!b)
        return true;
    if (a->policy_slot[DEADLINE] != b->policy_slot[DEADLINE])
        return a->policy_slot[DEADLINE] < b->policy_slot[DEADLINE];
    return a->index < b->index;
}

/* Set t's children and recompute its subtree's earliest-deadline thread. */
static uint32_t link(struct ke_machine *m, struct ke_thread *t, uint32_t l, uint32_t r)
{
    t->policy_slot[LINKS] = (int64_t)((uint64_t)r << 32 | l);
    struct ke_thread *min = t;
    for (int i = 0; i < 2; i++) {
        struct ke_thread *c = node(m, i ? r : l);
        if (c && earlier(node(m, (uint32_t)c->policy_slot[MIN_NODE]), min))
            min = node(m, (uint32_t)c->policy_slot[MIN_NODE]);
    }
    t->policy_slot[MIN_NODE] = id_of(min);
    return id_of(t);
}

static uint32_t tree_insert(struct ke_machine *m, uint32_t root, struct ke_thread *t)
{
    struct ke_thread *r = node(m, root);
    if (!r)
        return link(m, t, 0, 0);
    if (before(t, r)) {
        struct ke_thread *l = node(m, tree_insert(m, left_of(r), t));
        if (heap_key(l) <= heap_key(r))
            return link(m, r, id_of(l), right_of(r));
        link(m, r, right_of(l), right_of(r)); /* rotate right */
        return link(m, l, left_of(l), root);
    }
    struct ke_thread *x = node(m, tree_insert(m, right_of(r), t));
    if (heap_key(x) <= heap_key(r))
        return link(m, r, left_of(r), id_of(x));
    link(m, r, left_of(r), left_of(x)); /* rotate left */
    return link(m, x, root, right_of(x));
}

/* Join two treaps, every key of a before every key of b. */
static uint32_t merge(struct ke_machine *m, uint32_t a, uint32_t b)
{
    struct ke_thread *x = node(m, a), *y = node(m, b);
    if (!x || !y)
        return x ? a : b;
    if (heap_key(x) > heap_key(y))
        return link(m, x, left_of(x), merge(m, right_of(x), b));
    return link(m, y, merge(m, a, left_of(y)), right_of(y));
}

static uint32_t tree_remove(struct ke_machine *m, uint32_t root, struct ke_thread *t)
{
    struct ke_thread *r = node(m, root);
    assert(r);
    if (r == t)
        return merge(m, left_of(t), right_of(t));
    if (before(t, r))
        return link(m, r, tree_remove(m, left_of(r), t), right_of(r));
    return link(m, r, left_of(r), tree_remove(m, right_of(r), t));
}

/* The earliest-deadline thread allowed on `cpu` in subtree n, if earlier
 * than `best`; else best. */
static struct ke_thread *earliest_in(struct ke_machine *m, struct ke_thread *n, int cpu,
                                     struct ke_thread *best)
{
    if (!n)
        return best;
    struct ke_thread *min = node(m, (uint32_t)n->policy_slot[MIN_NODE]);
    if (!earlier(min, best))
        return best; /* nothing in here beats it */
    if (ke__affine(min, cpu))
        return min;
    if (ke__affine(n, cpu) && earlier(n, best))
        best = n;
    best = earliest_in(m, node(m, left_of(n)), cpu, best);
    return earliest_in(m, node(m, right_of(n)), cpu, best);
}

/* The least-vruntime thread allowed on `cpu` in subtree n, or NULL. */
static struct ke_thread *leftmost_for(struct ke_machine *m, struct ke_thread *n, int cpu)
{
    if (!n)
        return NULL;
    struct ke_thread *l = leftmost_for(m, node(m, left_of(n)), cpu);
    if (l || ke__affine(n, cpu))
        return l ? l : n;
    return leftmost_for(m, node(m, right_of(n)), cpu);
}

/* pick_eevdf over the queued threads allowed on `cpu`: the eligible one
 * (v <= V) with the earliest deadline, *eligible = true; else the least
 * vruntime, *eligible = false; NULL if none may run there.  Eligible
 * threads are a prefix in tree order: walk down its boundary. */
static struct ke_thread *best_queued(struct ke_machine *m, int cpu, int64_t V, bool *eligible)
{
    struct ke_thread *best = NULL, *n = node(m, state(m)->root);
    while (n) {
        if (n->policy_slot[VRUNTIME] > V) {
            n = node(m, left_of(n));
            continue;
        }
        if (ke__affine(n, cpu) && earlier(n, best))
            best = n;
        best = earliest_in(m, node(m, left_of(n)), cpu, best);
        n = node(m, right_of(n));
    }
    *eligible = best != NULL;
    return best ? best : leftmost_for(m, node(m, state(m)->root), cpu);
}

/* ===== placement ======================================================== */

static void enqueue(struct ke_machine *m, struct ke_thread *t)
{
    if (t->state != KE_READY) /* a requeued thread is already Ready (flush) */
        ke__set_state(t, KE_READY);
    t->wait_time = m->sim.now;
    state(m)->root = tree_insert(m, state(m)->root, t);
}

static void eevdf_dequeue(struct ke_machine *m, struct ke_thread *t)
{
    state(m)->root = tree_remove(m, state(m)->root, t);
}

/* place_entity: a waking or new thread joins with the lag it left with. */
static void place(struct ke_machine *m, struct ke_thread *t)
{
    struct eevdf_state *st = state(m);
    int64_t w = prio_to_weight[nice_of(t->priority) + 20];
    int64_t V = avg_vruntime(m), lag = t->policy_slot[VLAG], request = vslice(m, w);
    if (st->load)
        lag = lag * (st->load + w) / st->load; /* joining moves V by w*lag/(W+w) */
    if (has(t, F_FRESH))
        request /= 2;
    t->policy_slot[WEIGHT] = w; /* flags cleared: neither on the run queue nor fresh */
    t->policy_slot[VRUNTIME] = V - lag;
    t->policy_slot[DEADLINE] = V - lag + request;
    account(m, t, true);
}

/* A running thread that a woken t should preempt, or NULL. */
static struct ke_cpu *wake_victim(struct ke_machine *m, const struct ke_thread *t)
{
    int64_t V = avg_vruntime(m);
    if (t->policy_slot[VRUNTIME] > V)
        return NULL; /* not eligible: it would not be chosen */
    struct ke_cpu *victim = NULL;
    for (int i = 0; i < m->ncpus; i++) {
        struct ke_cpu *c = &m->cpus[i];
        struct ke_thread *cur = c->current;
        if (!ke__affine(t, i) || !cur || c->next || state(m)->run[i] != cur ||
            vruntime(m, cur) <= V)
            continue; /* protected: an eligible thread runs to parity */
        if (!victim || earlier(victim->current, cur))
            victim = c;
    }
    bool eligible;
    const struct ke_thread *q = victim ? best_queued(m, victim->number, V, &eligible) : NULL;
    if (q && eligible && !earlier(t, q))
        return NULL; /* q, not t, would be chosen */
    return victim;
}

/* A free processor is one with a reschedule pending (D3). */
static bool free_cpu_for(struct ke_machine *m, const struct ke_thread *t)
{
    for (uint64_t p = m->dispatch_pending & t->affinity; p; p &= p - 1)
        if (ke__global_cpu_free(&m->cpus[__builtin_ctzll(p)]))
            return true;
    return false;
}

static void eevdf_ready(struct ke_machine *m, struct ke_thread *t)
{
    if (!has(t, F_ON_RQ))
        place(m, t); /* else re-placed while Ready: it keeps v and d */
    struct ke_cpu *c = ke__global_idle_cpu(m, t);
    if (c) {
        ke__standby(m, c, t, KE_READY_REQUEUE);
        return;
    }
    if (!free_cpu_for(m, t) && (c = wake_victim(m, t))) {
        ke__standby(m, c, t, KE_READY_PREEMPTED);
        return;
    }
    enqueue(m, t); /* a free processor, if any, chooses when the event ends */
}

/* ===== running ========================================================== */

/* Arm c's slice timer for when t's vruntime reaches its deadline. */
static void arm(struct ke_machine *m, struct ke_cpu *c, const struct ke_thread *t)
{
    int64_t left = t->policy_slot[DEADLINE] - t->policy_slot[VRUNTIME];
    sim_time_t ns = (left * weight(t) + NICE_0_WEIGHT - 1) / NICE_0_WEIGHT;
    ke__arm_slice(m, c, m->sim.now + (ns > 0 ? ns : 1));
}

static void eevdf_set_next(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    struct eevdf_state *st = state(m);
    st->run[c->number] = t;
    st->since[c->number] = m->sim.now;
    st->nrun++;
    st->since_sum += m->sim.now;
    arm(m, c, t);
}

/* t left c: store its vruntime, keep its lag (update_entity_lag) and take
 * it out of V; requeue puts it back unchanged if it is still runnable. */
static void eevdf_put_prev(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t,
                           sim_time_t ran)
{
    struct eevdf_state *st = state(m);
    (void)ran;
    update_curr(m, c, t);
    st->nrun--;
    st->since_sum -= m->sim.now;
    st->run[c->number] = NULL;
    int64_t limit = 2 * vslice(m, weight(t)), lag = avg_vruntime(m) - t->policy_slot[VRUNTIME];
    t->policy_slot[VLAG] = lag > limit ? limit : lag < -limit ? -limit : lag;
    account(m, t, false);
}

static void eevdf_requeue(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    (void)c;
    account(m, t, true);
    enqueue(m, t);
}

static struct ke_thread *eevdf_pick_next(struct ke_machine *m, struct ke_cpu *c)
{
    bool eligible;
    struct ke_thread *t = best_queued(m, c->number, avg_vruntime(m), &eligible);
    if (t)
        eevdf_dequeue(m, t);
    return t;
}

/* What c should run: its current t (vruntime up to date) or a queued
 * thread, by the rule of best_queued() with t among the candidates; a tie
 * goes to the queued thread, as in pick_eevdf. */
static struct ke_thread *choose(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    int64_t V = avg_vruntime(m);
    bool q_eligible, t_eligible = t->policy_slot[VRUNTIME] <= V;
    struct ke_thread *q = best_queued(m, c->number, V, &q_eligible);
    if (!q || (t_eligible && !q_eligible))
        return t;
    if (q_eligible != t_eligible)
        return q;
    if (q_eligible)
        return t->policy_slot[DEADLINE] < q->policy_slot[DEADLINE] ? t : q;
    return q->policy_slot[VRUNTIME] < t->policy_slot[VRUNTIME] ? q : t;
}

/* Give c to choose()'s thread if that is not t; else t goes on. */
static bool reschedule(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t,
                       enum ke_ready_reason why)
{
    struct ke_thread *n = choose(m, c, t);
    if (n == t) {
        arm(m, c, t);
        return false;
    }
    eevdf_dequeue(m, n);
    ke__standby(m, c, n, why);
    return true;
}

/* t's vruntime reached its deadline: a new request, and a new choice. */
static void eevdf_slice_end(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    update_curr(m, c, t);
    KE__PROBE(m, quantum_end, c, t);
    if (c->next)
        return; /* already leaving */
    reschedule(m, c, t, KE_READY_QUANTUM_END);
}

static bool eevdf_yield(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    if (c->next || !state(m)->root)
        return false;
    update_curr(m, c, t);
    t->policy_slot[DEADLINE] += vslice(m, weight(t));
    return reschedule(m, c, t, KE_READY_YIELD);
}

/* ===== life cycle ======================================================= */

static int eevdf_init(struct ke_machine *m)
{
    struct eevdf_state *st = calloc(1, sizeof *st);
    if (!st)
        return -1;
    st->slice = ke__global_slice(m, EEVDF_DEFAULT_SLICE);
    m->policy_state = st;
    return 0;
}

static void eevdf_fini(struct ke_machine *m) { free(m->policy_state); }

static void eevdf_thread_init(struct ke_machine *m, struct ke_thread *t)
{
    (void)m;
    for (int i = 0; i < 6; i++)
        t->policy_slot[i] = 0;
    t->policy_slot[WEIGHT] = F_FRESH;
}

const struct ke_policy_ops eevdf_policy = {
    .name = "eevdf",
    .summary = "Linux EEVDF fair scheduler: nice weights, virtual deadlines (slice 3ms)",
    .init = eevdf_init,
    .fini = eevdf_fini,
    .thread_init = eevdf_thread_init,
    .ready = eevdf_ready,
    .requeue = eevdf_requeue,
    .pick_next = eevdf_pick_next,
    .dequeue = eevdf_dequeue,
    .slice_end = eevdf_slice_end,
    .yield = eevdf_yield,
    .put_prev = eevdf_put_prev,
    .set_next = eevdf_set_next,
};
