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
    /* synchronization (models/ke_object.c, models/ex_lock.c) */
    KE_OP_ACQUIRE,  /* `object` (mutex, spinlock, fast/guarded mutex, eresource,
                     * push lock); `shared` for eresource/push lock */
    KE_OP_RELEASE,  /* `object` */
    KE_OP_WAIT,     /* objects[0..nobjects), `all` or any, timeout `dist` if has_timeout */
    KE_OP_SET,      /* event `object`, priority increment `arg` */
    KE_OP_RESET,    /* event `object` */
    KE_OP_PULSE,    /* event `object`, increment `arg` */
    KE_OP_RELEASE_SEMAPHORE, /* semaphore `object`, count `arg` */
    KE_OP_IO,       /* wait `dist` for a device; completes with increment `arg` (R3.3) */
    KE_OP_WAKE,     /* condition variable `object`: wake one (arg 0) or all (arg 1) */
    KE_OP_COND_WAIT,/* condition `object`, releasing and reacquiring `lock` */
    KE_OP_BARRIER,  /* enter barrier `object` */
    /* Ps (models/ps_create.c) */
    KE_OP_SPAWN,    /* create an instance of process spec `target`; arg 1: wait for its exit */
    KE_OP_CREATE_THREAD, /* start thread spec `target` of the own process; arg 1: wait for it */
    KE_OP_SYSCALL,  /* `count` system calls of `dist` each, plus the subsystem's cost (R7.9) */
    KE_OP_SET_PRIORITY, /* R1.7: `arg` in the way `count` says (KE_SETPRI_*) */
};

/* How KE_OP_SET_PRIORITY reads its value. */
#define KE_SETPRI_RELATIVE 0 /* SetThreadPriority: a relative value (KE_REL_*) */
#define KE_SETPRI_BASE 1     /* KeSetBasePriorityThread-like: an absolute base 1..31 */
#define KE_SETPRI_CURRENT 2  /* KeSetPriorityThread: the current priority 1..31 */

#define KE_MAX_WAIT_OBJECTS 64 /* MAXIMUM_WAIT_OBJECTS (R5.7) */

struct ke_op {
    enum ke_op_kind kind;
    uint32_t match;       /* LOOP/PERIODIC: index of its END; END: index of its opener */
    int64_t count;        /* LOOP: iterations, or KE_LOOP_FOREVER */
    struct sim_dist dist; /* RUN, SLEEP, IO: duration; PERIODIC: period; WAIT: timeout */
    int32_t object;       /* index in ps_workload.objects, or -1 */
    int32_t lock;         /* COND_WAIT: the lock released while waiting */
    int32_t *objects;     /* WAIT: owned array of nobjects indexes */
    uint32_t nobjects;
    bool all;             /* WAIT: wait-all instead of wait-any */
    bool shared;          /* ACQUIRE of an eresource or push lock in shared mode */
    bool has_timeout;     /* WAIT, COND_WAIT */
    int64_t arg;          /* SET/PULSE/IO: increment; RELEASE_SEMAPHORE: count; WAKE: all;
                           * SPAWN/CREATE_THREAD: wait for the exit */
    int32_t target;       /* SPAWN: process spec index; CREATE_THREAD: thread spec index */
    struct ke_src src;
};

/* Dispatcher objects (R5) and executive locks (R6) a scenario declares. */
enum ke_object_type {
    KE_OBJ_EVENT,
    KE_OBJ_SEMAPHORE,
    KE_OBJ_MUTEX,        /* KMUTEX / mutant */
    KE_OBJ_TIMER,
    KE_OBJ_CONDITION,    /* CONDITION_VARIABLE */
    KE_OBJ_BARRIER,      /* SYNCHRONIZATION_BARRIER */
    KE_OBJ_SPINLOCK,
    KE_OBJ_FAST_MUTEX,
    KE_OBJ_GUARDED_MUTEX,
    KE_OBJ_ERESOURCE,
    KE_OBJ_PUSH_LOCK,
    KE_OBJ_PROCESS,      /* signaled when the process ends (R5.6) */
    KE_OBJ_THREAD,       /* signaled when the thread ends (R5.6) */
    KE_OBJ_TYPE_COUNT
};

struct ke_object_spec {
    char *name;
    enum ke_object_type type;
    bool notification;   /* EVENT/TIMER: notification (wake all) vs synchronization */
    bool signaled;       /* EVENT: initial state */
    bool queued;         /* SPINLOCK: in-stack queued spinlock, FIFO grants (R6.3) */
    bool kernel;         /* MUTEX: a kernel KMUTEX (exit while held is a bugcheck) */
    bool shared_starve_exclusive; /* ERESOURCE: shared grants ignore exclusive waiters */
    int64_t initial, limit;       /* SEMAPHORE */
    int64_t count;                /* BARRIER: threads per phase */
    sim_time_t due, period;       /* TIMER: first expiry, re-arm period (0 = one-shot) */
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
    bool disable_boost;     /* SetThreadPriorityBoost (R3.1) */
    bool is_template;       /* started only by create_thread */
    bool has_ideal_cpu;     /* SetThreadIdealProcessor: `ideal_cpu`, if in its affinity (R4.8) */
    int ideal_cpu;
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
    bool disable_boost;    /* SetProcessPriorityBoost (R3.1) */
    bool is_system;        /* the System process: kernel threads only (R7.1) */
    char *image;           /* ImageFileName seen by notify routines; NULL: derived */
    char *command_line;    /* NULL: the image name */
    struct ps_thread_spec *threads;
    int nthreads;
    struct ke_src src;
};

/* Kernel work charged as CPU time (README "Costs"). */
struct ke_costs {
    sim_time_t process_create[PS_SUBSYSTEM_COUNT]; /* a WSL process builds no PEB/TEB */
    sim_time_t thread_create;
    sim_time_t syscall[PS_SUBSYSTEM_COUNT];        /* WSL: through the pico provider */
    int32_t pico_lock; /* resource index of the provider lock WSL system calls take, or -1 */
};

enum ke_quantum_preset {
    KE_QUANTUM_CLIENT, /* variable, short: 6/12/18 units (R2.4, R2.5) */
    KE_QUANTUM_SERVER, /* fixed, long: 36 units */
    KE_QUANTUM_UNITS,  /* fixed, `quantum_units` for every process */
};

/* Caps that stop a runaway scenario with an error (exit 2) instead of
 * letting it exhaust memory: every process and thread stays in memory until
 * the run ends (probes keep pointers to them), so the caps count what was
 * created, not what is alive.  Defaults in ps_workload_init(); the scenario
 * sets them under machine.limits (README "Hardening"). */
struct ke_limits {
    int64_t processes;      /* processes created during a run */
    int64_t threads;        /* threads created during a run */
    int64_t pending_events; /* events pending at once, checked at each creation */
    sim_time_t sim_time;    /* the longest run (its duration) */
    struct ke_src src;      /* where `limits:` was written; file NULL = defaults */
};

#define KE_LIMIT_PROCESSES 100000
#define KE_LIMIT_THREADS 1000000
#define KE_LIMIT_PENDING_EVENTS 10000000
#define KE_LIMIT_SIM_TIME (86400 * SIM_S)

struct ke_machine_config {
    int cpus;                 /* 1..KE_MAX_CPUS */
    char policy[32];          /* a name in ke_policies[] */
    sim_time_t clock_tick;    /* R2.1, default 15.625 ms */
    enum ke_quantum_preset quantum;
    int quantum_units;        /* KE_QUANTUM_UNITS only */
    int priority_separation;  /* PsPrioritySeparation 0..2 (R2.4), default 2 */
    sim_time_t context_switch; /* CPU time charged to each switch, default 0 */
    sim_time_t slice;          /* exact time slice of rr and eevdf; 0 = the policy's default */
    struct ke_limits limits;
    struct ke_costs costs;
    /* options where NT-SCHEDULER-SPEC is uncertain or version-dependent (README "Options") */
    int smt;                   /* hardware threads per core (R4.5 idle-core preference); 1 = none */
    bool autoboost;            /* R3.9: lock owners inherit their waiters' priority */
    bool quantum_by_cpu_time;  /* R2.11: charge quanta by CPU time used, not per tick */
    int starvation_ticks;      /* R3.7: ready this long gets the boost (300) */
    int resource_boost;        /* R3.8: the ERESOURCE owner boost priority (14) */
};

/* Notify routines a driver registers (R7.3-R7.7). */
enum ps_process_notify_kind {
    PS_NOTIFY_NONE,
    PS_NOTIFY_PLAIN, /* PsSetCreateProcessNotifyRoutine */
    PS_NOTIFY_EX,    /* ...Ex: can veto, Win32 only */
    PS_NOTIFY_EX2,   /* ...Ex2: with `subsystems`, WSL processes too */
};
enum ps_thread_notify_kind {
    PS_THREAD_NOTIFY_NONE,
    PS_THREAD_NOTIFY_PLAIN, /* PsSetCreateThreadNotifyRoutine: creator's context */
    PS_THREAD_NOTIFY_EX,    /* ...Ex: NonSystem (on the new thread) or Subsystems */
};

struct ps_driver_spec {
    char *name;
    enum ps_process_notify_kind process_kind;
    bool process_subsystems;   /* PsCreateProcessNotifySubsystems (Ex2) */
    struct sim_dist process_cost;
    char *deny;                /* image pattern (fnmatch) whose creation it vetoes */
    enum ps_thread_notify_kind thread_kind;
    bool thread_subsystems;    /* PsCreateThreadNotifySubsystems, else NonSystem */
    struct sim_dist thread_cost;
    struct ke_src src;
};

struct ps_workload {
    struct ke_machine_config machine;
    struct ps_driver_spec *drivers;
    int ndrivers;
    struct ps_process_spec *processes;
    int nprocesses;
    struct ke_object_spec *objects;
    int nobjects;
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
    sim_time_t arrival_time, exit_time; /* arrival: its start, arrival or spawn request */
    uint32_t parent_pid;   /* the inheritance parent (the spawner), 0 for none */
    const char *image;     /* ImageFileName */
    struct ke_object *object; /* the process object, signaled at exit */
    int64_t *thread_made;  /* per thread spec: threads created so far (names #k) */
    uint32_t first_thread; /* index of its first thread */
};

/* KWAIT_BLOCK: one object of a thread's wait, queued in the object's
 * wait list (R5.1). */
struct ke_wait_block {
    struct sim_list link;
    struct ke_thread *thread;
    struct ke_object *object;
    uint32_t index; /* STATUS_WAIT_0 + index when this object satisfies a wait-any */
};

/* A scenario resource at run time: DISPATCHER_HEADER plus the body of its
 * type (models/ke_object.c, models/ex_lock.c). */
struct ke_object {
    const struct ke_object_spec *spec;
    uint32_t index;
    int64_t signal_state;     /* event/timer 0/1, semaphore count, mutex 1 = free */
    struct sim_list waiters;  /* wait blocks, FIFO (R5.1) */
    uint32_t nwaiters;
    struct ke_thread *owner;  /* mutex, spinlock, fast/guarded mutex, eresource exclusive */
    int64_t recursion;        /* holds by `owner` */
    bool abandoned;           /* R5.4: the owner exited holding it */
    struct sim_list owned_link; /* in the owner's list of owned objects */
    struct ke_shared_owner {  /* eresource / push lock shared holders */
        struct ke_thread *thread;
        int64_t count;
    } *shared;
    uint32_t nshared, shared_cap;
    uint32_t exclusive_waiters;
    int64_t arrived;          /* barrier: threads in the current phase */
    struct sim_event expiry;  /* timer */
    gsl_rng *rng;             /* spinlock: which spinner wins */
    struct ke_machine *m;
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

    /* waits and locks */
    struct ke_wait_block *wait_blocks; /* capacity: the largest wait of its program */
    uint32_t wait_cap, wait_count;
    bool wait_all;
    int wait_status;          /* NTSTATUS of the last wait: STATUS_WAIT_0+i, STATUS_TIMEOUT, ... */
    int op_phase;             /* progress inside a multi-step operation (cond wait) */
    int wake_increment;       /* priority increment when its timer wait ends (I/O) */
    int irql;                 /* PASSIVE 0, APC 1, DISPATCH 2 (R6.1) */
    int spinlocks_held;
    int apc_locks_held;       /* fast/guarded mutexes held (APC_LEVEL, R6.4) */
    struct ke_object *spinning_on;
    sim_time_t spin_since;
    struct sim_list owned;    /* owned mutexes (MutantListHead) */
    bool disable_boost;       /* R3.1 */
    bool is_system;           /* a kernel thread of the System process (R7.1) */
    int autoboost_from;       /* R3.9: priority before an AutoBoost floor, 0 = none */
    struct ps_process *spawned; /* the process its current spawn created */
    struct ke_thread *created;  /* the thread its current create_thread created */
    struct ke_object *object; /* the thread object, signaled at exit (R5.6) */

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
    KE_WAIT_IO,     /* simulated I/O */
    KE_WAIT_OBJECT, /* dispatcher objects or a lock: see the object callbacks */
};

/* NTSTATUS values a wait ends with (R5.4, R5.7, R5.8). */
#define KE_STATUS_WAIT_0 0x000
#define KE_STATUS_ABANDONED_WAIT_0 0x080
#define KE_STATUS_TIMEOUT 0x102

struct ps_create_notify_info;

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
    /* t starts waiting (or spinning) for object o; one call per object of a wait */
    void (*object_wait)(void *ctx, sim_time_t now, const struct ke_thread *t, const struct ke_object *o);
    /* t's wait for o is over: it got o (`acquired`; `contended` if it had to
     * wait or spin), or it stopped waiting (timeout, another object of a
     * wait-any satisfied it) */
    void (*object_done)(void *ctx, sim_time_t now, const struct ke_thread *t, const struct ke_object *o,
                        bool acquired, bool contended);
    /* t gave up ownership (or a shared hold) of lock or mutex o */
    void (*object_release)(void *ctx, sim_time_t now, const struct ke_thread *t, const struct ke_object *o);
    /* driver d's notify routine ran for the creation (`create`) or exit of
     * process p (NULL when the creation was vetoed), or of thread t for a
     * thread routine (else t is NULL), in the context of thread
     * `ctx_thread` (NULL: the environment created p), costing `cost` ns;
     * `info` is the PS_CREATE_NOTIFY_INFO of a process creation, else NULL
     * (R7.4-R7.7) */
    void (*notify)(void *ctx, sim_time_t now, const struct ps_driver_spec *d, bool create,
                   const struct ps_create_notify_info *info, const struct ps_process *p,
                   const struct ke_thread *t, const struct ke_thread *ctx_thread, sim_time_t cost);
    /* a spawn of `spec` requested by `creator` failed: vetoed by `by` (R7.5) */
    void (*create_failed)(void *ctx, sim_time_t now, const struct ps_process_spec *spec,
                          const struct ke_thread *creator, const struct ps_driver_spec *by);
};

/* PS_CREATE_NOTIFY_INFO as a process-notify routine receives it (R7.5, R7.6). */
struct ps_create_notify_info {
    bool is_subsystem_process;  /* IsSubsystemProcess: a WSL pico process */
    const char *image_file_name;   /* NULL for a WSL process (R7.6) */
    const char *command_line;      /* NULL for a WSL process (R7.6) */
    uint32_t parent_process_id;
    uint32_t creating_process_id, creating_thread_id; /* CLIENT_ID CreatingThreadId */
    int creation_status;           /* 0, or the veto of an earlier routine */
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
    KE_RUN_DEADLOCK,   /* threads wait for each other forever: ke_machine_error() has the report */
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
