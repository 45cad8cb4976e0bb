/* models/process.c - Ps processes and threads: creation and exit (layer: models).
 *
 * Owns the life of `struct ps_process` and `struct ke_thread` objects: the
 * sources that start a spec's instances (at its start time, or as an arrival
 * process), process creation (PspCreateProcess: class, quantum, ideal-CPU
 * seed), thread creation (PspCreateThread: IDs, base priority, affinity,
 * RNG stream) and exit.  Objects are kept until the machine is destroyed so
 * that probes may keep pointers to them; only IDs and RNG state are released
 * at exit.
 *
 * SPDX-License-Identifier: MIT
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MODELS_INTERNAL
#include "models/models_int.h"

static char *entity_name(const char *name, int64_t k, bool numbered)
{
    size_t len = strlen(name) + 24;
    char *s = malloc(len);
    if (s) {
        if (numbered)
            snprintf(s, len, "%s#%lld", name, (long long)k);
        else
            snprintf(s, len, "%s", name);
    }
    return s;
}

static int grow(void **arr, uint32_t *cap, uint32_t n, size_t elem)
{
    if (n < *cap)
        return 0;
    uint32_t nc = *cap ? *cap * 2 : 64;
    void *a = realloc(*arr, nc * elem);
    if (!a)
        return -1;
    *arr = a;
    *cap = nc;
    return 0;
}

/* The k-th ideal processor of process p, kept inside `affinity` (R4.5b, R4.8). */
static int next_ideal_cpu(struct ke_machine *m, struct ps_process *p, uint64_t affinity)
{
    for (int tries = 0; tries < m->ncpus; tries++) {
        int cpu = p->next_ideal_cpu++ % m->ncpus;
        if ((affinity >> cpu) & 1)
            return cpu;
    }
    return __builtin_ctzll(affinity);
}

/* Wait blocks a thread needs: its largest wait (R5.7), at least one for
 * locks, conditions and barriers. */
static uint32_t wait_blocks_needed(const struct ke_program *prog)
{
    uint32_t n = 1;
    for (uint32_t i = 0; i < prog->n; i++)
        if (prog->ops[i].nobjects > n)
            n = prog->ops[i].nobjects;
    return n;
}

static struct ke_thread *thread_create(struct ke_machine *m, struct ps_process *p,
                                       const struct ps_thread_spec *ts, int64_t k, bool numbered)
{
    struct ke_thread *t = calloc(1, sizeof *t);
    char *own = entity_name(ts->name, k, numbered);
    if (!t || !own || grow((void **)&m->threads, &m->tcap, m->nthreads, sizeof *m->threads))
        goto fail;
    size_t len = strlen(p->entity) + strlen(own) + 2;
    if (!(t->entity = malloc(len)))
        goto fail;
    snprintf(t->entity, len, "%s/%s", p->entity, own);
    t->wait_cap = wait_blocks_needed(&ts->program);
    if (!(t->rng = sim_rng_stream(m->opt.seed, t->entity)) || ps__ids_alloc(&m->ids, &t->tid) ||
        !(t->wait_blocks = calloc(t->wait_cap, sizeof *t->wait_blocks)) ||
        !(t->object = ke__exit_object_new(m, KE_OBJ_THREAD)))
        goto fail;
    free(own);
    t->m = m;
    t->process = p;
    t->spec = ts;
    t->index = m->nthreads;
    t->state = KE_INITIALIZED;
    t->base_priority = ts->priority_absolute
                           ? ts->priority
                           : ke_base_priority(p->priority_class, ts->priority, &t->saturation);
    t->priority = t->base_priority;
    t->affinity = ts->affinity ? ts->affinity & p->affinity : p->affinity;
    t->ideal_cpu = ts->has_ideal_cpu && ((t->affinity >> ts->ideal_cpu) & 1)
                       ? ts->ideal_cpu /* outside the affinity it is ignored (R4.8) */
                       : next_ideal_cpu(m, p, t->affinity);
    t->last_cpu = t->cpu = -1;
    t->quantum = t->quantum_reset = p->quantum_reset; /* R2.3 */
    t->disable_boost = ts->disable_boost || p->spec->disable_boost;
    t->is_system = p->spec->is_system;
    sim_list_init(&t->owned);
    ke__interp_init(t);
    m->threads[m->nthreads++] = t;
    return t;
fail:
    if (t) {
        free(t->entity);
        free(t->wait_blocks);
        free(t->object);
        if (t->rng)
            gsl_rng_free(t->rng);
    }
    free(own);
    free(t);
    return NULL;
}

static struct ps_process *process_create(struct ke_machine *m, const struct ps_process_spec *ps,
                                         int64_t k)
{
    struct ps_process *p = calloc(1, sizeof *p);
    /* one instance keeps the plain name; any other (arrivals, count, spawns) is name#k */
    bool numbered = ps->has_arrivals || ps->count > 1 || ps->is_template || k > 0;
    if (!p || !(p->entity = entity_name(ps->name, k, numbered)) ||
        grow((void **)&m->processes, &m->pcap, m->nprocesses, sizeof *m->processes) ||
        !(p->object = ke__exit_object_new(m, KE_OBJ_PROCESS)) ||
        !(p->thread_made = calloc((size_t)ps->nthreads + 1, sizeof *p->thread_made)) ||
        ps__ids_alloc(&m->ids, &p->pid)) {
        if (p) {
            free(p->entity);
            free(p->object);
            free(p->thread_made);
        }
        free(p);
        return NULL;
    }
    p->spec = ps;
    p->index = m->nprocesses;
    p->subsystem = ps->subsystem;
    p->priority_class = ps->priority_class;
    p->base_priority = ps_class_base_priority(ps->priority_class);
    p->foreground = ps->foreground;
    p->quantum_reset = m->cfg.quantum == KE_QUANTUM_UNITS
                           ? m->cfg.quantum_units
                           : ke_quantum_for(m->psep_mask, m->cfg.quantum == KE_QUANTUM_SERVER,
                                            ps->foreground, ps->priority_class); /* R2.3, R2.4 */
    p->affinity = ps->affinity ? ps->affinity & m->all_cpus : m->all_cpus;
    p->next_ideal_cpu = (int)(m->ideal_seed++ % (uint32_t)m->ncpus);
    p->arrival_time = m->sim.now;
    p->exit_time = -1;
    p->image = m->images[ps - m->wl->processes];
    m->processes[m->nprocesses++] = p;
    return p;
}

/* A cap of machine.limits is reached: stop the run with an error at `src`,
 * the spec asking for one more, before memory runs out. */
static bool at_limit(struct ke_machine *m, const struct ke_src *src, uint64_t have, int64_t cap,
                     const char *key, const char *name)
{
    if (have < (uint64_t)cap)
        return false;
    ke__error(m, src, "'%s' would exceed machine.limits.%s (%lld); raise it if this is intended",
              name, key, (long long)cap);
    return true;
}

struct ke_thread *ps__thread_add(struct ke_machine *m, struct ps_process *p,
                                 const struct ps_thread_spec *ts, int64_t k, bool numbered)
{
    const struct ke_limits *lim = &m->cfg.limits;
    if (at_limit(m, &ts->src, m->nthreads, lim->threads, "threads", ts->name) ||
        at_limit(m, &ts->src, m->sim.size, lim->pending_events, "pending_events", ts->name))
        return NULL;
    struct ke_thread *t = thread_create(m, p, ts, k, numbered);
    if (!t) {
        ke__error(m, &ts->src, "out of memory creating thread %s", ts->name);
        return NULL;
    }
    if (m->policy->thread_init)
        m->policy->thread_init(m, t);
    p->live_threads++;
    m->work_left++;
    KE__PROBE(m, thread_create, t);
    return t;
}

struct ps_process *ps__process_create(struct ke_machine *m, const struct ps_process_spec *ps,
                                      uint32_t parent_pid)
{
    const struct ke_limits *lim = &m->cfg.limits;
    if (at_limit(m, &ps->src, m->nprocesses, lim->processes, "processes", ps->name))
        return NULL;
    struct ps_process *p = process_create(m, ps, m->made[ps - m->wl->processes]++);
    if (!p) {
        ke__error(m, &ps->src, "out of memory creating process %s", ps->name);
        return NULL;
    }
    p->parent_pid = parent_pid;
    p->first_thread = m->nthreads;
    KE__PROBE(m, process_create, p);
    for (int i = 0; i < ps->nthreads; i++) {
        const struct ps_thread_spec *ts = &ps->threads[i];
        for (int j = 0; !ts->is_template && j < ts->count; j++)
            if (!ps__thread_add(m, p, ts, p->thread_made[i]++, ts->count > 1))
                return NULL;
    }
    return p;
}

void ps__process_start(struct ke_machine *m, struct ps_process *p)
{
    for (uint32_t i = p->first_thread; i < m->nthreads; i++)
        if (m->threads[i]->process == p && m->threads[i]->state == KE_INITIALIZED)
            ke__ready(m, m->threads[i], KE_READY_START);
}

static void source_fired(struct sim *s, struct sim_event *ev)
{
    struct ps_source *src = SIM_CONTAINER_OF(ev, struct ps_source, ev);
    struct ke_machine *m = src->m;
    const struct ps_process_spec *ps = src->spec;
    (void)s;
    m->current_cpu = 0;
    int64_t batch = ps->has_arrivals ? 1 : ps->count;
    for (int64_t i = 0; i < batch; i++, src->made++)
        if (ps__start_by_environment(m, ps) != 0)
            return;
    bool more = ps->has_arrivals &&
                (ps->arrival_count == KE_LOOP_FOREVER || src->made < ps->arrival_count);
    if (more)
        sim_schedule(&m->sim, &src->ev, m->sim.now + sim_dist_sample(&ps->arrival_every, src->rng));
    else
        m->work_left--;
    ke__flush(m);
    if (m->work_left == 0)
        sim_stop(&m->sim);
}

int ps__sources_start(struct ke_machine *m)
{
    const struct ps_workload *wl = m->wl;
    m->sources = calloc((size_t)wl->nprocesses + 1, sizeof *m->sources);
    if (!m->sources)
        return -1;
    for (int i = 0; i < wl->nprocesses; i++) {
        const struct ps_process_spec *ps = &wl->processes[i];
        if (ps->is_template)
            continue;
        struct ps_source *src = &m->sources[m->nsources++];
        src->m = m;
        src->spec = ps;
        sim_event_init(&src->ev, source_fired);
        sim_time_t first = ps->start;
        if (ps->has_arrivals) {
            char name[256];
            snprintf(name, sizeof name, "arrivals:%s", ps->name);
            if (!(src->rng = sim_rng_stream(m->opt.seed, name)))
                return -1;
            first += sim_dist_sample(&ps->arrival_every, src->rng);
        }
        m->work_left++;
        if (sim_schedule(&m->sim, &src->ev, first) != 0)
            return -1;
    }
    return 0;
}

void ps__sources_fini(struct ke_machine *m)
{
    for (int i = 0; i < m->nsources; i++)
        if (m->sources[i].rng)
            gsl_rng_free(m->sources[i].rng);
    free(m->sources);
    m->sources = NULL;
}

void ps__thread_exited(struct ke_machine *m, struct ke_thread *t)
{
    struct ps_process *p = t->process;
    KE__PROBE(m, thread_exit, t);
    ps__ids_free(&m->ids, t->tid);
    gsl_rng_free(t->rng);
    t->rng = NULL;
    m->work_left--;
    ke__set_event(m, t->object, KE_EVENT_INCREMENT, false); /* R5.6 */
    if (--p->live_threads == 0) {
        p->exit_time = m->sim.now;
        KE__PROBE(m, process_exit, p);
        ps__ids_free(&m->ids, p->pid);
        ke__set_event(m, p->object, KE_EVENT_INCREMENT, false);
    }
    if (m->work_left == 0)
        sim_stop(&m->sim);
}

void ps__objects_free(struct ke_machine *m)
{
    for (uint32_t i = 0; i < m->nthreads; i++) {
        struct ke_thread *t = m->threads[i];
        if (t->rng)
            gsl_rng_free(t->rng);
        free(t->entity);
        free(t->wait_blocks);
        free(t->object);
        free(t);
    }
    for (uint32_t i = 0; i < m->nprocesses; i++) {
        free(m->processes[i]->entity);
        free(m->processes[i]->object);
        free(m->processes[i]->thread_made);
        free(m->processes[i]);
    }
    free(m->threads);
    free(m->processes);
    ps__ids_fini(&m->ids);
}
