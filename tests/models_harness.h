/* tests/models_harness.h - building workloads and recording runs in model tests (layer: tests).
 *
 * Lets a test describe a small machine in a few lines of C (processes,
 * threads, programs of constant durations), run it with the invariant checker
 * on, and inspect what the probes reported: every context switch and every
 * readying, in order, with times.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef PSSIM_TESTS_MODELS_HARNESS_H
#define PSSIM_TESTS_MODELS_HARNESS_H

#include "models/models.h"

#define H_MAX_RECORDS 20000

struct h_switch {
    sim_time_t at;
    int cpu;
    int prev, next; /* thread indexes, -1 = idle */
};

struct h_readied {
    sim_time_t at;
    int thread;
    enum ke_ready_reason why;
    int priority;
    int status; /* the thread's last wait status */
};

struct h_objevent {
    sim_time_t at;
    int thread;
    int object;
    char what; /* 'w' starts waiting, 'a' acquired, 'c' acquired after waiting, 'x' gave up, 'r' released */
};

struct h_run {
    struct h_switch sw[H_MAX_RECORDS];
    int nsw;
    struct h_readied rd[H_MAX_RECORDS];
    int nrd;
    int quantum_ends;
    struct h_objevent ob[H_MAX_RECORDS];
    int nob;
    char names[256][64]; /* thread entities by index (creation order) */
    uint32_t tids[256], pids[256]; /* their thread and process IDs */
    int nthreads;
    struct h_notify {
        sim_time_t at;
        char driver[32];
        bool thread;       /* a thread notification (else a process one) */
        bool exiting;      /* info NULL: an exit notification */
        int ctx_thread;    /* index of the thread it ran in, -1 none */
        int subject;       /* thread index for thread notifications, -1 */
        bool wsl;          /* the process is a WSL one */
        sim_time_t cost;
    } nt[256];
    int nnt;
    int failed_creations;
    enum ke_run_status status;
    sim_time_t end;
    char error[512];
};

void h_workload(struct ps_workload *wl, int cpus, const char *policy);
struct ps_process_spec *h_process(struct ps_workload *wl, const char *name,
                                  enum ps_priority_class cls, bool foreground);
/* A thread with a relative priority (KE_REL_*). */
struct ps_thread_spec *h_thread(struct ps_process_spec *p, const char *name, int rel_priority);
/* Append an operation with a constant duration (0 for yield/exit). */
void h_op(struct ps_thread_spec *t, enum ke_op_kind kind, sim_time_t d);
/* Open a loop (count or KE_LOOP_FOREVER) or a periodic block (period); returns the opener. */
uint32_t h_open(struct ps_thread_spec *t, enum ke_op_kind kind, int64_t count_or_period);
void h_close(struct ps_thread_spec *t, uint32_t opener);
/* Declare a resource; returns its index. */
int h_object(struct ps_workload *wl, const char *name, enum ke_object_type type);
/* Append a synchronization operation on object `object` with argument `arg`
 * (increment, count, ...); for KE_OP_WAIT a single-object wait. */
void h_sync(struct ps_thread_spec *t, enum ke_op_kind kind, int object, int64_t arg);
/* An I/O of duration d completing with `increment` (R3.3). */
void h_io(struct ps_thread_spec *t, sim_time_t d, int increment);
/* A wait on several objects, with an optional timeout (< 0: none). */
void h_wait(struct ps_thread_spec *t, const int *objects, int n, bool all, sim_time_t timeout);
/* The first readying of `thread` with reason `why` at or after `at`, or NULL. */
const struct h_readied *h_ready_after(const struct h_run *r, int thread, enum ke_ready_reason why,
                                      sim_time_t at);
/* Spawn process spec `target` (wait for its exit if `wait`). */
void h_spawn(struct ps_thread_spec *t, int target, bool wait);
/* A driver with a process routine (`kind`, cost, deny pattern or NULL) and
 * a thread routine (`tkind`, cost). */
struct ps_driver_spec *h_driver(struct ps_workload *wl, const char *name,
                                enum ps_process_notify_kind kind, bool subsystems, sim_time_t cost,
                                const char *deny, enum ps_thread_notify_kind tkind,
                                bool tsubsystems, sim_time_t tcost);
/* A thread that runs forever: loop forever { run 1s }. */
struct ps_thread_spec *h_hog(struct ps_process_spec *p, const char *name, int rel_priority);

/* Run the workload for `duration` (seed 1, invariants checked) into *r.
 * Returns r->status. */
enum ke_run_status h_run(const struct ps_workload *wl, sim_time_t duration, struct h_run *r);

/* Switches where both prev and next are threads (thread-to-thread). */
int h_thread_switches(const struct h_run *r);
/* The first switch at or after `at` on `cpu`, or NULL. */
const struct h_switch *h_switch_after(const struct h_run *r, int cpu, sim_time_t at);
/* CPU time of `thread` up to `until` (<= r->end), from the recorded switches. */
sim_time_t h_cpu_time(const struct h_run *r, int thread, sim_time_t until);

#endif
