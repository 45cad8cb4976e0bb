/* models/models.h - public interface of the simulated machine (layer: models).
 *
 * Three parts:
 *  1. the workload description (`struct ps_workload`): what scenarios/ fills
 *     from a scenario file and models/ instantiates;
 *  2. the run-time objects (processors, processes, threads), whose fields
 *     the layers above may READ (in probe callbacks) but never write;
 *  3. the probe interface through which the models report what happens, and
 *     the machine's life cycle (create, run, destroy).
 *
 * NT names are kept in comments (KTHREAD, KPRCB, ...) so the code maps onto
 * ../NT-SCHEDULER-SPEC rules, cited as Rn.m.  Internals: models/models_int.h.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef PSSIM_MODELS_H
#define PSSIM_MODELS_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "sim/list.h"
#include "sim/sim.h"

#define KE_MAX_CPUS 64 /* one processor group (R4.9) */
#define KE_PRIORITY_LEVELS 32
#define KE_LOOP_FOREVER (-1)
#define KE_MAX_NESTING 16 /* loop/periodic blocks inside one another */

/* ===== 1. workload description ========================================== */

/* Where a scenario element was written, for errors found while running. */
struct ke_src {
    const char *file;
    int line, col; /* 1-based */
};

enum ke_op_kind {
    KE_OP_RUN,      /* use the CPU for `dist` */
    KE_OP_SLEEP,    /* wait `dist` without using the CPU */
    KE_OP_YIELD,    /* NtYieldExecution (R2.10) */
    KE_OP_EXIT,     /* the thread ends */
    KE_OP_LOOP,     /* repeat ops (i, match) `count` times */
    KE_OP_PERIODIC, /* release ops (i, match) every `dist` (a constant period) */
    KE_OP_END,      /* closes the LOOP/PERIODIC at `match` */
};

struct ke_op {
    enum ke_op_kind kind;
    uint32_t match;       /* LOOP/PERIODIC: index of its END; END: index of its opener */
    int64_t count;        /* LOOP: iterations, or KE_LOOP_FOREVER */
    struct sim_dist dist; /* RUN, SLEEP: duration; PERIODIC: period */
    struct ke_src src;
};

/* A thread's program, flattened: blocks are an opener and an END that point
 * at each other.  Falling off the end is an implicit `exit`. */
struct ke_program {
    struct ke_op *ops;
    uint32_t n, cap;
};

/* Append `op`; returns its index, or -1 when out of memory.  For an opener,
 * append the body and then call ke_program_close() with the opener's index. */
int ke_program_append(struct ke_program *p, const struct ke_op *op);
int ke_program_close(struct ke_program *p, uint32_t opener, struct ke_src src);
void ke_program_free(struct ke_program *p);

enum ps_subsystem { /* SUBSYSTEM_INFORMATION_TYPE (R7.8) */
    PS_SUBSYSTEM_WIN32 = 0,
    PS_SUBSYSTEM_WSL = 1,
    PS_SUBSYSTEM_COUNT
};

enum ps_priority_class { /* R1.3 */
    PS_CLASS_IDLE,
    PS_CLASS_BELOW_NORMAL,
    PS_CLASS_NORMAL,
    PS_CLASS_ABOVE_NORMAL,
    PS_CLASS_HIGH,
    PS_CLASS_REALTIME,
    PS_CLASS_COUNT
};

/* Relative thread priorities as Win32 passes them (R1.4, R1.5). */
#define KE_REL_IDLE (-16)
#define KE_REL_LOWEST (-2)
#define KE_REL_BELOW_NORMAL (-1)
#define KE_REL_NORMAL 0
#define KE_REL_ABOVE_NORMAL 1
#define KE_REL_HIGHEST 2
#define KE_REL_TIME_CRITICAL 16

struct ps_thread_spec {
    char *name;
    int count;              /* instances, >= 1; named name#k when > 1 */
    bool priority_absolute; /* `priority` is a base priority 1..31 */
    int priority;           /* else a relative value (KE_REL_*, or -7..6 for realtime) */
    uint64_t affinity;      /* 0 = the process's affinity */
    struct ke_program program;
    struct ke_src src;
};

struct ps_process_spec {
    char *name;
    enum ps_subsystem subsystem;
    enum ps_priority_class priority_class;
    bool foreground;
    bool is_template;   /* started only by spawn */
    int count;          /* instances started at `start`, >= 1 */
    sim_time_t start;
    bool has_arrivals;  /* instances arrive every `arrival_every` instead */
    struct sim_dist arrival_every;
    int64_t arrival_count; /* or KE_LOOP_FOREVER */
    uint64_t affinity;     /* 0 = every processor */
    struct ps_thread_spec *threads;
    int nthreads;
    struct ke_src src;
};

enum ke_quantum_preset {
    KE_QUANTUM_CLIENT, /* variable, short: 6/12/18 units (R2.4, R2.5) */
    KE_QUANTUM_SERVER, /* fixed, long: 36 units */
    KE_QUANTUM_UNITS,  /* fixed, `quantum_units` for every process */
};

struct ke_machine_config {
    int cpus;                 /* 1..KE_MAX_CPUS */
    char policy[32];          /* a name in ke_policies[] */
    sim_time_t clock_tick;    /* R2.1, default 15.625 ms */
    enum ke_quantum_preset quantum;
    int quantum_units;        /* KE_QUANTUM_UNITS only */
    int priority_separation;  /* PsPrioritySeparation 0..2 (R2.4), default 2 */
    sim_time_t context_switch; /* CPU time charged to each switch, default 0 */
};

struct ps_workload {
    struct ke_machine_config machine;
    struct ps_process_spec *processes;
    int nprocesses;
};

void ps_workload_init(struct ps_workload *wl); /* empty, machine defaults */
void ps_workload_free(struct ps_workload *wl);

/* ===== 2. run-time objects (read-only above models/) ==================== */

enum ke_thread_state { /* KTHREAD_STATE (R4.1) */
    KE_INITIALIZED = 0,
    KE_READY = 1,
    KE_RUNNING = 2,
    KE_STANDBY = 3,
    KE_TERMINATED = 4,
    KE_WAITING = 5,
    KE_TRANSITION = 6,
    KE_DEFERRED_READY = 7,
    KE_GATE_WAIT = 8,
};

/* Per-processor ready lists: ReadyListHead[32] + ReadySummary (R4.3). */
struct ke_readyq {
    uint32_t summary; /* bit p set <=> lists[p] non-empty */
    uint32_t count;
    struct sim_list lists[KE_PRIORITY_LEVELS];
};

struct ke_machine;

/* EPROCESS/KPROCESS. */
struct ps_process {
    char *entity; /* "name", or "name#k" for the k-th instance */
    const struct ps_process_spec *spec;
    uint32_t pid;   /* R7.2 */
    uint32_t index; /* dense, 0.. in creation order */
    enum ps_subsystem subsystem;
    enum ps_priority_class priority_class;
    int base_priority;  /* class base (R1.3) */
    int quantum_reset;  /* units (R2.3, R2.4) */
    bool foreground;
    uint64_t affinity;
    int live_threads;
    int next_ideal_cpu; /* R4.8: ideal processors round robin from a per-process seed */
    sim_time_t arrival_time, exit_time;
};

/* An open loop or periodic block of a running program. */
struct ke_frame {
    uint32_t opener;    /* index of the LOOP/PERIODIC op */
    int64_t left;       /* LOOP: iterations left */
    sim_time_t release; /* PERIODIC: this iteration's release time */
};

/* ETHREAD/KTHREAD. */
struct ke_thread {
    char *entity; /* "process-entity/thread-entity" */
    struct ps_process *process;
    const struct ps_thread_spec *spec;
    uint32_t tid;   /* R7.2 */
    uint32_t index; /* dense, 0.. in creation order */

    /* dispatcher state */
    enum ke_thread_state state;
    int priority;           /* current (dynamic) priority */
    int base_priority;
    int priority_decrement; /* boost still to decay (R2.6, R3.2) */
    int saturation;         /* -1, 0, +1 (R1.5) */
    int quantum;            /* units left (R2.2) */
    int quantum_reset;
    bool preempted;         /* re-queue at the head (R2.7) */
    uint64_t affinity;
    int ideal_cpu;
    int last_cpu;           /* -1 before the first run */
    int cpu;                /* processor it is running, standing by or queued on; -1 */
    sim_time_t wait_time;   /* when last queued Ready (R3.7) */
    struct sim_list ready_link;

    /* execution of the program */
    sim_time_t burst_left;    /* CPU time still needed by the current op */
    sim_time_t overhead_left; /* kernel work charged before it (context switch, ...) */
    uint32_t pc;
    int depth;
    struct ke_frame frames[KE_MAX_NESTING];
    struct sim_event timer;   /* sleep / timeout */
    gsl_rng *rng;
    struct ke_machine *m;

    int64_t policy_slot[6];   /* scratch owned by the machine's policy */
};

/* KPRCB. */
struct ke_cpu {
    int number;
    struct ke_thread *current; /* CurrentThread; NULL = the idle thread (R1.1) */
    struct ke_thread *next;    /* NextThread, the Standby thread */
    struct ke_readyq ready;    /* for policies that queue per processor */
    struct sim_event burst_end; /* the current thread's CPU burst completes */
    struct sim_event slice_end; /* a policy's exact-time slice timer */
    sim_time_t since;          /* when `current` (or idle) took the processor */
    struct ke_machine *m;
};

/* ===== 3. probes and life cycle ========================================= */

/* Why a thread joined a ready queue (or became Standby). */
enum ke_ready_reason {
    KE_READY_START,       /* a new thread */
    KE_READY_WAKE,        /* its wait or sleep ended */
    KE_READY_PREEMPTED,   /* a higher-priority thread took its processor */
    KE_READY_QUANTUM_END, /* round robin at quantum end (R2.6) */
    KE_READY_YIELD,       /* R2.10 */
    KE_READY_REQUEUE,     /* moved while ready (boost, stealing, displacement) */
};

enum ke_wait_reason {
    KE_WAIT_SLEEP,
    KE_WAIT_PERIOD, /* a periodic thread waiting for its next release */
};

/* Every callback may be NULL.  `now` is the simulated time.  The objects
 * passed are valid for the duration of the call; threads and processes stay
 * valid until the machine is destroyed. */
struct ke_probe {
    void *ctx;
    void (*process_create)(void *ctx, sim_time_t now, const struct ps_process *p);
    void (*process_exit)(void *ctx, sim_time_t now, const struct ps_process *p);
    void (*thread_create)(void *ctx, sim_time_t now, const struct ke_thread *t);
    void (*thread_exit)(void *ctx, sim_time_t now, const struct ke_thread *t);
    /* t became Ready or Standby */
    void (*ready)(void *ctx, sim_time_t now, const struct ke_thread *t, enum ke_ready_reason why);
    /* processor c switches from prev to next (either may be NULL = idle);
     * called when next starts; prev's state is already its new state */
    void (*context_switch)(void *ctx, sim_time_t now, const struct ke_cpu *c,
                           const struct ke_thread *prev, const struct ke_thread *next);
    void (*wait_begin)(void *ctx, sim_time_t now, const struct ke_thread *t, enum ke_wait_reason why);
    void (*wait_end)(void *ctx, sim_time_t now, const struct ke_thread *t);
    void (*quantum_end)(void *ctx, sim_time_t now, const struct ke_cpu *c, const struct ke_thread *t);
    void (*priority_change)(void *ctx, sim_time_t now, const struct ke_thread *t, int old_priority);
};

struct ke_run_options {
    uint64_t seed;
    sim_time_t duration;
    uint64_t max_events;       /* 0 = no limit */
    bool check_invariants;
    const struct ke_probe *probe;
    /* When set and nonzero, the run stops soon (set it from a signal handler). */
    volatile sig_atomic_t *stop_flag;
    void (*progress)(void *ctx, sim_time_t now, sim_time_t duration); /* may be NULL */
    void *progress_ctx;
};

enum ke_run_status {
    KE_RUN_DONE,       /* reached the duration, or nothing left to do */
    KE_RUN_MAX_EVENTS, /* stopped by max_events */
    KE_RUN_INTERRUPTED,/* the stop flag was raised */
    KE_RUN_ERROR,      /* a scenario error found while running: ke_machine_error() */
};

/* Build the machine and its initial processes.  Returns 0, or -1 with a
 * message in err (a scenario error, e.g. an unknown policy). */
int ke_machine_create(struct ke_machine **out, const struct ps_workload *wl,
                      const struct ke_run_options *opt, char *err, size_t errlen);
enum ke_run_status ke_machine_run(struct ke_machine *m);
const char *ke_machine_error(const struct ke_machine *m);
sim_time_t ke_machine_now(const struct ke_machine *m);
uint64_t ke_machine_events(const struct ke_machine *m);
int ke_machine_ncpus(const struct ke_machine *m);
void ke_machine_destroy(struct ke_machine *m);

/* ===== priorities and quanta (R1.3-R1.5, R2.4) ========================== */

int ps_class_base_priority(enum ps_priority_class c);
/* Base priority of a thread with relative priority `rel` in class `c`;
 * *saturation (may be NULL) gets -1/0/+1. */
int ke_base_priority(enum ps_priority_class c, int rel, int *saturation);
/* Quantum units for a process: `mask` is Win32PrioritySeparation (6 bits). */
int ke_quantum_for(unsigned mask, bool server, bool foreground, enum ps_priority_class c);
/* Win32PrioritySeparation equivalent of a machine configuration. */
unsigned ke_priority_separation_mask(const struct ke_machine_config *cfg);

/* ===== policies ========================================================= */

/* Name of the i-th registered policy, or NULL past the last (for --help
 * and error messages). */
const char *ke_policy_name(int i);
const char *ke_policy_summary(int i); /* its one-line description */
bool ke_policy_exists(const char *name);

#endif
