/* models/ps_create.c - process and thread creation, notify routines, exit, system calls (layer: models).
 *
 * Owns NT-SCHEDULER-SPEC section 7 at run time:
 *   - `spawn` (NtCreateUserProcess): the spawning thread pays the creation
 *     (costs.process_create of the child's subsystem, costs.thread_create
 *     per initial thread) and the process-notify routines that see the
 *     child (R7.4, R7.6), in registration order, then the child's threads
 *     are readied; a routine whose `deny` pattern matches the image vetoes
 *     the creation (R7.5: the first veto wins, the others still run);
 *   - `create_thread`: costs.thread_create plus the legacy thread-notify
 *     routines in the creator's context; Ex routines run on the new thread
 *     itself, charged before its first operation (R7.7);
 *   - processes the environment starts (start time, arrivals) have no
 *     creator: no creation cost, but the routines still run, charged to the
 *     new threads, and may veto;
 *   - exit: thread-notify and (for the last thread) process-notify exit
 *     routines run in the exiting thread's context before it terminates;
 *   - `syscall`: WSL calls go to the pico provider (R7.9), costing
 *     costs.syscall[wsl] each and, with a provider lock, serialising on it.
 * Visibility (⚠ simulator choices where the spec is uncertain): process
 * routines see Win32 processes, Ex2 with subsystems also WSL ones; legacy
 * thread routines see non-pico threads, Ex NonSystem non-system non-pico
 * threads, Ex Subsystems the non-system threads of every subsystem.
 *
 * SPDX-License-Identifier: MIT
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MODELS_INTERNAL
#include "models/models_int.h"

#define PHASE_EXITING 1
#define STATUS_ACCESS_DENIED ((int)0xC0000022)

/* ===== images and visibility ============================================== */

int ps__images_init(struct ke_machine *m)
{
    m->images = calloc((size_t)m->wl->nprocesses + 1, sizeof *m->images);
    if (!m->images)
        return -1;
    for (int i = 0; i < m->wl->nprocesses; i++) {
        const struct ps_process_spec *ps = &m->wl->processes[i];
        size_t len = strlen(ps->name) + 40;
        if (!(m->images[i] = malloc(ps->image ? strlen(ps->image) + 1 : len)))
            return -1;
        if (ps->image)
            strcpy(m->images[i], ps->image);
        else if (ps->subsystem == PS_SUBSYSTEM_WSL)
            snprintf(m->images[i], len, "/usr/bin/%s", ps->name);
        else
            snprintf(m->images[i], len, "C:\\Windows\\System32\\%s.exe", ps->name);
    }
    return 0;
}

static bool sees_process(const struct ps_driver_spec *d, enum ps_subsystem sub)
{
    if (d->process_kind == PS_NOTIFY_NONE)
        return false;
    return sub == PS_SUBSYSTEM_WIN32 || (d->process_kind == PS_NOTIFY_EX2 && d->process_subsystems);
}

/* Does d's thread routine see t, and does it run in the creator's context? */
static bool sees_thread(const struct ps_driver_spec *d, const struct ke_thread *t, bool *in_creator)
{
    bool pico = t->process->subsystem == PS_SUBSYSTEM_WSL;
    *in_creator = d->thread_kind == PS_THREAD_NOTIFY_PLAIN;
    switch (d->thread_kind) {
    case PS_THREAD_NOTIFY_PLAIN: return !pico;
    case PS_THREAD_NOTIFY_EX: return !t->is_system && (d->thread_subsystems || !pico);
    default: return false;
    }
}

/* The first Ex/Ex2 routine seeing `ps` whose deny pattern matches its image. */
static const struct ps_driver_spec *veto_of(struct ke_machine *m, const struct ps_process_spec *ps)
{
    const char *image = m->images[ps - m->wl->processes];
    for (int i = 0; i < m->wl->ndrivers; i++) {
        const struct ps_driver_spec *d = &m->wl->drivers[i];
        if (sees_process(d, ps->subsystem) && d->process_kind != PS_NOTIFY_PLAIN && d->deny &&
            fnmatch(d->deny, image, FNM_NOESCAPE) == 0)
            return d;
    }
    return NULL;
}

/* ===== notify routines ===================================================== */

/* Run every process routine that sees p (or the vetoed spec); returns the
 * CPU time they cost, drawn from the paying thread's stream. */
static sim_time_t process_routines(struct ke_machine *m, const struct ps_process_spec *ps,
                                   struct ps_process *p, struct ke_thread *creator, gsl_rng *rng,
                                   bool exiting)
{
    const struct ps_driver_spec *veto = exiting ? NULL : veto_of(m, ps);
    bool wsl = ps->subsystem == PS_SUBSYSTEM_WSL;
    struct ps_create_notify_info info = {
        .is_subsystem_process = wsl,
        .image_file_name = m->images[ps - m->wl->processes],
        .command_line = ps->command_line ? ps->command_line : m->images[ps - m->wl->processes],
        .parent_process_id = creator ? creator->process->pid : 0,
        .creating_process_id = creator ? creator->process->pid : 0,
        .creating_thread_id = creator ? creator->tid : 0,
    };
    sim_time_t total = 0;
    for (int i = 0; i < m->wl->ndrivers; i++) {
        const struct ps_driver_spec *d = &m->wl->drivers[i];
        if (!sees_process(d, ps->subsystem))
            continue;
        sim_time_t cost = sim_dist_sample(&d->process_cost, rng);
        total += cost;
        KE__PROBE(m, notify, d, !exiting, exiting ? NULL : &info, p, NULL, creator, cost);
        if (d == veto)
            info.creation_status = STATUS_ACCESS_DENIED; /* seen by the later routines */
    }
    return total;
}

/* Thread routines for t's creation or exit: the ones running in the
 * creator's context are returned as cost; the others are charged to t. */
static sim_time_t thread_routines(struct ke_machine *m, struct ke_thread *t,
                                  struct ke_thread *creator, bool exiting)
{
    sim_time_t total = 0;
    for (int i = 0; i < m->wl->ndrivers; i++) {
        const struct ps_driver_spec *d = &m->wl->drivers[i];
        bool in_creator;
        if (!sees_thread(d, t, &in_creator))
            continue;
        bool creator_pays = !exiting && in_creator && creator;
        struct ke_thread *payer = creator_pays ? creator : t;
        sim_time_t cost = sim_dist_sample(&d->thread_cost, payer->rng);
        KE__PROBE(m, notify, d, !exiting, NULL, t->process, t, exiting ? t : payer, cost);
        if (creator_pays || exiting)
            total += cost;
        else
            t->overhead_left += cost; /* on the new thread, before its first operation */
    }
    return total;
}

/* Thread routines for every initial thread of p; the creator's share. */
static sim_time_t initial_thread_routines(struct ke_machine *m, struct ps_process *p,
                                          struct ke_thread *creator)
{
    sim_time_t total = 0;
    for (uint32_t i = p->first_thread; i < m->nthreads; i++)
        if (m->threads[i]->process == p)
            total += thread_routines(m, m->threads[i], creator, false);
    return total;
}

/* ===== creation ============================================================ */

int ps__start_by_environment(struct ke_machine *m, const struct ps_process_spec *ps)
{
    const struct ps_driver_spec *veto = veto_of(m, ps);
    if (veto) { /* the routines ran; nobody pays: no thread of it ever existed */
        KE__PROBE(m, create_failed, ps, NULL, veto);
        return 0;
    }
    struct ps_process *p = ps__process_create(m, ps, 0);
    if (!p)
        return -1;
    /* the System process and its first threads exist before any driver loads */
    if (p->first_thread < m->nthreads && !ps->is_system) {
        struct ke_thread *first = m->threads[p->first_thread];
        first->overhead_left += process_routines(m, ps, p, NULL, first->rng, false);
        first->overhead_left += initial_thread_routines(m, p, NULL);
    }
    ps__process_start(m, p);
    return 0;
}

/* Phase 0 of spawn: the kernel work, as one burst of the creator. */
static bool spawn_begin(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t,
                        const struct ps_process_spec *ps)
{
    const struct ke_costs *k = &m->cfg.costs;
    const struct ps_driver_spec *veto = veto_of(m, ps);
    sim_time_t cost = k->process_create[ps->subsystem];
    t->spawned = veto ? NULL : ps__process_create(m, ps, t->process->pid);
    if (!veto && !t->spawned)
        return true;
    cost += process_routines(m, ps, t->spawned, t, t->rng, false);
    if (veto)
        KE__PROBE(m, create_failed, ps, t, veto);
    else {
        for (uint32_t i = t->spawned->first_thread; i < m->nthreads; i++)
            cost += k->thread_create;
        cost += initial_thread_routines(m, t->spawned, t);
    }
    t->op_phase = 1;
    t->burst_left = cost;
    ke__start_burst(m, c, t);
    return true;
}

/* After the creation burst: start the child, then maybe wait for `obj`. */
static bool created(struct ke_machine *m, struct ke_thread *t, struct ke_object *obj, bool wait)
{
    if (t->op_phase == 1 && obj && wait) {
        t->op_phase = 2;
        if (ke__wait(m, t, &obj, 1, false, false, 0))
            return true;
    }
    t->op_phase = 0;
    t->pc++;
    return false;
}

bool ps__spawn(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t, const struct ke_op *op)
{
    if (t->op_phase == 0)
        return spawn_begin(m, c, t, &m->wl->processes[op->target]);
    if (t->op_phase == 1 && t->spawned)
        ps__process_start(m, t->spawned);
    return created(m, t, t->spawned ? t->spawned->object : NULL, op->arg != 0);
}

bool ps__create_thread(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t,
                       const struct ke_op *op)
{
    struct ps_process *p = t->process;
    if (t->op_phase == 0) {
        const struct ps_thread_spec *ts = &p->spec->threads[op->target];
        struct ke_thread *n = ps__thread_add(m, p, ts, p->thread_made[op->target]++, true);
        if (!n)
            return true;
        t->created = n;
        t->op_phase = 1;
        t->burst_left = m->cfg.costs.thread_create + thread_routines(m, n, t, false);
        ke__start_burst(m, c, t);
        return true;
    }
    if (t->op_phase == 1)
        ke__ready(m, t->created, KE_READY_START);
    return created(m, t, t->created->object, op->arg != 0);
}

/* ===== exit and system calls =============================================== */

bool ps__exit(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t)
{
    if (t->op_phase != PHASE_EXITING) {
        sim_time_t cost = thread_routines(m, t, t, true);
        if (t->process->live_threads == 1)
            cost += process_routines(m, t->process->spec, t->process, t, t->rng, true);
        if (cost > 0) { /* R7.4: in the exiting thread's context, before teardown */
            t->op_phase = PHASE_EXITING;
            t->burst_left = cost;
            ke__start_burst(m, c, t);
            return true;
        }
    }
    t->op_phase = 0;
    ke__thread_exit(m, t);
    return true;
}

/* Without a provider lock: one burst for all the calls.  With it, each WSL
 * call takes the lock, runs, releases: phase 3i+s is step s of call i. */
bool ps__syscall(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t, const struct ke_op *op)
{
    enum ps_subsystem sub = t->process->subsystem;
    sim_time_t each = m->cfg.costs.syscall[sub];
    int32_t lock = m->cfg.costs.pico_lock;
    if (sub != PS_SUBSYSTEM_WSL || lock < 0) {
        if (t->op_phase == 0) {
            t->op_phase = 1;
            for (int64_t i = 0; i < op->count; i++)
                t->burst_left += each + sim_dist_sample(&op->dist, t->rng);
            ke__start_burst(m, c, t);
            return true;
        }
        t->op_phase = 0;
        t->pc++;
        return false;
    }
    struct ke_object *o = &m->objects[lock];
    for (;;) {
        int64_t call = t->op_phase / 3, step = t->op_phase % 3;
        if (call >= op->count) {
            t->op_phase = 0;
            t->pc++;
            return false;
        }
        t->op_phase++;
        if (step == 0 && ex__acquire(m, t, o, false, &op->src))
            return true;
        if (step == 1) {
            t->burst_left = each + sim_dist_sample(&op->dist, t->rng);
            ke__start_burst(m, c, t);
            return true;
        }
        if (step == 2)
            ex__release(m, t, o, &op->src);
    }
}
