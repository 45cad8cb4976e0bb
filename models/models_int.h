/* models/models_int.h - internals shared by the files of models/ (layer: models).
 *
 * The machine object and the ke__/ps__ helpers through which policies and
 * the Ps code act on it.  Nothing outside models/ (tests excepted) may
 * include this file.  The dispatcher's invariants D1-D8 and its state
 * diagram are at the top of models/dispatch.c.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef PSSIM_MODELS_INT_H
#define PSSIM_MODELS_INT_H

#ifndef MODELS_INTERNAL
#error "models/models_int.h is private to models/ (define MODELS_INTERNAL)"
#endif

#include <stdarg.h>

#include "models/models.h"
#include "models/policy.h"

/* A process spec's instances: created at `start` (count of them), or one
 * at a time by an arrival process. */
struct ps_source {
    struct ke_machine *m;
    const struct ps_process_spec *spec;
    struct sim_event ev;
    int64_t made; /* instances created so far */
    gsl_rng *rng; /* inter-arrival times; stream "arrivals:<name>" */
};

/* PID/TID table (R7.2): nonzero multiples of 4, freed IDs reused LIFO. */
struct ps_ids {
    uint32_t next;
    uint32_t *free;
    uint32_t nfree, cap;
};

/* Per-processor bookkeeping that the layers above need not see. */
struct ke_cpu_int {
    struct ke_thread *left;        /* thread that left since the last switch */
    enum ke_ready_reason why_out;  /* why a still-runnable current must leave */
    bool yielded_down;             /* runs a lower thread after a yield (R2.10) */
    bool deferred;                 /* a switch waits for IRQL to drop below DISPATCH */
    bool busy_now;                 /* since `mark`: running a thread (else idle) */
    sim_time_t busy, idle, mark;   /* accounted up to `mark` */
};

struct ke_machine {
    struct sim sim;
    struct ke_machine_config cfg;
    const struct ps_workload *wl;
    const struct ke_policy_ops *policy;
    void *policy_state;
    struct ke_run_options opt;
    const struct ke_probe *probe;
    unsigned psep_mask;            /* Win32PrioritySeparation (R2.4) */

    int ncpus;
    uint64_t all_cpus;
    uint64_t idle_summary;         /* KiIdleSummary: idle, no Standby thread */
    uint64_t dispatch_pending;     /* processors to reschedule at ke__flush */
    int current_cpu;               /* processor executing the current event, -1 */
    struct ke_cpu cpus[KE_MAX_CPUS];
    struct ke_cpu_int cpu_int[KE_MAX_CPUS];
    struct sim_event tick;
    struct sim_event policy_timer;

    struct ps_process **processes;
    uint32_t nprocesses, pcap;
    struct ke_thread **threads;
    uint32_t nthreads, tcap;
    struct ps_source *sources;
    int nsources;
    struct ps_ids ids;
    int64_t *made;                 /* per process spec: instances created so far */
    char **images;                 /* per process spec: its ImageFileName */
    uint32_t ideal_seed;           /* per-process ideal-CPU seeds, round robin */
    struct ke_object *objects;     /* one per ps_workload.objects */
    int nobjects;
    int64_t work_left;             /* live threads + unfinished sources */

    bool failed;
    bool deadlocked;
    char error[4096];
};

/* ===== dispatcher core (models/dispatch.c) ============================== */

/* Change a thread's state, asserting the transition is legal (R4.2). */
void ke__set_state(struct ke_thread *t, enum ke_thread_state to);
/* t becomes runnable: DeferredReady, probe, then the policy places it. */
void ke__ready(struct ke_machine *m, struct ke_thread *t, enum ke_ready_reason why);
/* Make t the Standby thread of c.  `why` says why c's running thread (if
 * any) will leave: KE_READY_PREEMPTED marks it Preempted (R2.7: requeued at
 * the head), KE_READY_QUANTUM_END or KE_READY_YIELD send it to the tail. */
void ke__standby(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t,
                 enum ke_ready_reason why);
/* t takes c's Standby slot; the displaced Standby thread is marked
 * Preempted and placed again through the policy (R4.5b). */
void ke__displace_standby(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t);
/* The running thread t leaves its processor for good: Waiting or Terminated. */
void ke__leave_cpu(struct ke_machine *m, struct ke_thread *t, enum ke_thread_state to);
/* Ask for c to be rescheduled when the current event ends. */
void ke__resched(struct ke_machine *m, struct ke_cpu *c);
/* Apply every pending reschedule (the dispatcher's exit, KiExitDispatcher). */
void ke__flush(struct ke_machine *m);
/* Change a thread's current priority, re-queueing it if it is Ready. */
void ke__set_priority(struct ke_machine *m, struct ke_thread *t, int priority);
/* R1.7: SetThreadPriority (KE_SETPRI_RELATIVE), a new absolute base
 * (KE_SETPRI_BASE) or KeSetPriorityThread (KE_SETPRI_CURRENT). */
void ke__change_priority(struct ke_machine *m, struct ke_thread *t, int mode, int value);
/* R3.9 AutoBoost (when machine.autoboost): `waiter` blocks on a lock
 * `owner` holds: the owner's priority is raised to the waiter's until it
 * releases a lock (ke__autoboost_end). */
void ke__autoboost(struct ke_machine *m, struct ke_thread *owner, const struct ke_thread *waiter);
void ke__autoboost_end(struct ke_machine *m, struct ke_thread *owner);
/* Arm or cancel c's exact slice timer (policies without ticks). */
void ke__arm_slice(struct ke_machine *m, struct ke_cpu *c, sim_time_t at);
void ke__cancel_slice(struct ke_machine *m, struct ke_cpu *c);
/* Arm the policy's machine-wide timer (its `timer` op) at `at`. */
void ke__arm_policy_timer(struct ke_machine *m, sim_time_t at);
/* Run-time scenario error: record the message (first one wins) and stop. */
void ke__error(struct ke_machine *m, const struct ke_src *src, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* --check-invariants (models/invariants.c). */
void ke__check_invariants(struct ke_machine *m);
/* At the end of a run: busy plus idle time is processors x simulated time. */
void ke__check_accounting(struct ke_machine *m);
/* Start (or resume) executing t's program on its processor. */
void ke__start_burst(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t);

static inline sim_time_t ke__now(const struct ke_machine *m) { return m->sim.now; }
static inline struct ke_cpu *ke__cpu_of(struct ke_machine *m, const struct ke_thread *t)
{
    return t->cpu >= 0 ? &m->cpus[t->cpu] : NULL;
}
static inline bool ke__affine(const struct ke_thread *t, int cpu)
{
    return (t->affinity >> cpu) & 1;
}

/* ===== dispatcher objects and waits (models/ke_object.c) ================= */

#define KE_PASSIVE_LEVEL 0
#define KE_APC_LEVEL 1
#define KE_DISPATCH_LEVEL 2
#define KE_EVENT_INCREMENT 1
#define KE_SEMAPHORE_INCREMENT 1
#define KE_MUTANT_INCREMENT 1

int ke__objects_init(struct ke_machine *m);
void ke__objects_fini(struct ke_machine *m);
/* KeWaitForMultipleObjects for the running thread t.  Returns true if t
 * blocked (it left its processor), false if the wait was satisfied or
 * timed out at once (t->wait_status says which). */
bool ke__wait(struct ke_machine *m, struct ke_thread *t, struct ke_object *const *objs,
              uint32_t n, bool all, bool has_timeout, sim_time_t timeout);
/* Queue wait block `index` of t (its t->wait_count-th) at the tail of o's
 * wait list, without blocking t. */
void ke__link_block(struct ke_machine *m, struct ke_thread *t, struct ke_object *o, uint32_t index);
/* Block the running thread t in o's wait list without testing o (locks,
 * conditions, barriers): woken only by an explicit ke__unwait. */
void ke__block_on(struct ke_machine *m, struct ke_thread *t, struct ke_object *o, uint32_t index,
                  bool has_timeout, sim_time_t timeout);
/* KiUnwaitThread: end t's wait with `status`, unlinking its wait blocks;
 * `got` is the index of the object it acquired, -1 none, -2 all.  With
 * `adjust`, the policy applies the unwait quantum/boost rules for
 * `increment` (R2.8, R3.2); without, the caller already did (R3.6). */
void ke__unwait(struct ke_machine *m, struct ke_thread *t, int status, int got, int increment,
                bool adjust);
/* Operations on objects by the running thread; scenario errors (releasing
 * a mutex it does not own, a semaphore past its limit) go to ke__error. */
void ke__set_event(struct ke_machine *m, struct ke_object *o, int increment, bool pulse);
void ke__reset_event(struct ke_object *o);
void ke__release_semaphore(struct ke_machine *m, struct ke_thread *t, struct ke_object *o,
                           int64_t count, const struct ke_src *src);
void ke__release_mutex(struct ke_machine *m, struct ke_thread *t, struct ke_object *o,
                       const struct ke_src *src);
void ke__wake_condition(struct ke_machine *m, struct ke_object *o, bool all);
/* A process or thread object (KE_OBJ_PROCESS/THREAD), signaled when it
 * ends; freed with free(). */
struct ke_object *ke__exit_object_new(struct ke_machine *m, enum ke_object_type type);
/* Enter a barrier; true if t blocked. */
bool ke__enter_barrier(struct ke_machine *m, struct ke_thread *t, struct ke_object *o);
/* Thread exit: abandon the mutants it owns (R5.4); false (and a scenario
 * error) if it still holds a kernel KMUTEX or any executive lock. */
bool ke__thread_release_all(struct ke_machine *m, struct ke_thread *t);

/* ===== executive locks (models/ex_lock.c) ================================ */

/* Acquire a spinlock, fast/guarded mutex, eresource or push lock (shared
 * for the last two when `shared`).  True if t stopped (it blocks or spins). */
bool ex__acquire(struct ke_machine *m, struct ke_thread *t, struct ke_object *o, bool shared,
                 const struct ke_src *src);
void ex__release(struct ke_machine *m, struct ke_thread *t, struct ke_object *o,
                 const struct ke_src *src);
/* The IRQL t runs at, from what it holds (R6.1). */
int ke__irql_of(const struct ke_thread *t);
/* Recompute t's IRQL after it released something; apply switches deferred
 * while it ran at DISPATCH_LEVEL. */
void ke__irql_update(struct ke_machine *m, struct ke_thread *t);

/* ===== deadlocks (models/deadlock.c) ====================================== */

/* t is about to wait for lock o: if that closes a cycle of owners and
 * waiters, stop the run with a report and return true. */
bool ke__deadlock_cycle(struct ke_machine *m, struct ke_thread *t, struct ke_object *o);
/* After a dispatch: if every thread waits with nothing left that could
 * wake one, stop the run with a report. */
void ke__deadlock_quiescent(struct ke_machine *m);
/* Stop the run as deadlocked; the report is in m->error. */
void ke__deadlock(struct ke_machine *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ===== ready lists (models/readyq.c, R4.3, R4.4) ======================== */

void ke__readyq_init(struct ke_readyq *q);
/* Queue t at its current priority; head or tail of that list. */
void ke__readyq_insert(struct ke_readyq *q, struct ke_thread *t, bool head);
void ke__readyq_remove(struct ke_readyq *q, struct ke_thread *t);
/* Highest non-empty priority, or -1 (the ReadySummary's top bit). */
int ke__readyq_top(const struct ke_readyq *q);
/* KiSelectReadyThread: head of the highest list >= min_priority, or NULL.
 * The thread is not removed. */
struct ke_thread *ke__readyq_peek(const struct ke_readyq *q, int min_priority);
/* Highest-priority thread (first in list order) whose affinity includes
 * `cpu`, or NULL.  Not removed. */
struct ke_thread *ke__readyq_first_for(const struct ke_readyq *q, int cpu);

/* ===== program interpreter (models/interp.c) ============================ */

/* t's CPU burst ended on c: execute its next operations until one needs
 * CPU time, blocks, yields or exits. */
void ke__interp_continue(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t);
void ke__interp_init(struct ke_thread *t);
/* Execute a synchronization operation (models/interp_sync.c); true when t
 * stops executing for now. */
bool ke__interp_sync(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t,
                     const struct ke_op *op);
/* The running thread t terminates now: owned mutants abandoned, objects
 * signaled, its process ended if it was the last (no notify routines). */
void ke__thread_exit(struct ke_machine *m, struct ke_thread *t);
/* Block the running thread t until `until` on its own timer; it wakes with
 * `increment` (R3.3). */
void ke__wait_until(struct ke_machine *m, struct ke_thread *t, sim_time_t until,
                    enum ke_wait_reason why, int increment);

/* ===== Ps: processes, threads, IDs (models/process.c, models/ps_id.c) ==== */

/* Create an instance of `ps` and its initial threads (Initialized, not yet
 * readied), numbered by the spec's instance counter.  NULL on a limit or
 * out of memory (the run is then stopped with an error). */
struct ps_process *ps__process_create(struct ke_machine *m, const struct ps_process_spec *ps,
                                      uint32_t parent_pid);
/* Create one more thread of p from `ts` (Initialized); NULL as above. */
struct ke_thread *ps__thread_add(struct ke_machine *m, struct ps_process *p,
                                 const struct ps_thread_spec *ts, int64_t k, bool numbered);
/* Ready the threads of p that are still Initialized. */
void ps__process_start(struct ke_machine *m, struct ps_process *p);

/* models/ps_create.c: creation, notify routines, exit, system calls. */
int ps__images_init(struct ke_machine *m);
/* A process the environment starts (start time, arrival): notify routines
 * run, charged to its own threads; a veto is counted.  -1 on error. */
int ps__start_by_environment(struct ke_machine *m, const struct ps_process_spec *ps);
/* Operations; each returns true when t stops executing for now. */
bool ps__spawn(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t, const struct ke_op *op);
bool ps__create_thread(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t,
                       const struct ke_op *op);
bool ps__syscall(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t, const struct ke_op *op);
/* The thread ends: exit notifications first (a CPU burst), then it
 * terminates.  Always true. */
bool ps__exit(struct ke_machine *m, struct ke_cpu *c, struct ke_thread *t);

int ps__ids_alloc(struct ps_ids *ids, uint32_t *out);
void ps__ids_free(struct ps_ids *ids, uint32_t id);
void ps__ids_fini(struct ps_ids *ids);
/* Start the instances and arrival processes of every non-template spec. */
int ps__sources_start(struct ke_machine *m);
void ps__sources_fini(struct ke_machine *m);
/* t has terminated: release it, end its process when it was the last. */
void ps__thread_exited(struct ke_machine *m, struct ke_thread *t);
void ps__objects_free(struct ke_machine *m);

/* ===== probes =========================================================== */

#define KE__PROBE(m, cb, ...)                                                \
    do {                                                                     \
        const struct ke_probe *p_ = (m)->probe;                              \
        if (p_ && p_->cb)                                                    \
            p_->cb(p_->ctx, (m)->sim.now, __VA_ARGS__);                      \
    } while (0)

#endif
