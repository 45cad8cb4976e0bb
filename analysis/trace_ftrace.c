/* analysis/trace_ftrace.c - the `.ftrace` trace: Linux ftrace text, as Perfetto imports it (layer: analysis).
 *
 * The text a Linux kernel prints from tracing/trace with the nop tracer and
 * the record-tgid option, so Perfetto (ui.perfetto.dev, trace_processor)
 * and other ftrace viewers show one track per CPU and group threads under
 * their processes.  Every event line is
 *
 *   <comm>-<tid> (<tgid>) [<cpu>] <flags> <sec>.<usec>: <event>: <fields>
 *
 * with comm right-aligned in 16 columns, tid left-aligned in 7, tgid
 * right-aligned in 7 ("-------" for the idle task), cpu in 3 digits.
 *
 * Events
 *   sched_switch   at every switch, on the processor, in the context of
 *                  the thread leaving (prev_state R, R+ when preempted, S
 *                  waiting, X exited); idle is pid 0, comm swapper/N.
 *   sched_waking   when a thread becomes runnable after a wait, a sleep or
 *                  its creation; target_cpu is the processor it last ran on
 *                  (its ideal processor before its first run), as Linux
 *                  reports the CPU before selecting one.
 *   sched_process_fork  a process is forked by the idle task (pid 0), and
 *                  each of its threads by the process's own task.
 *   sched_process_exit  for each thread, then for the process.
 *   tracing_mark_write  atrace markers written by the thread: a zero-length
 *                  slice "B|pid|quantum end" + "E|pid" at every quantum end,
 *                  and a counter "C|pid|<comm>-<tid> priority|<p>" with the
 *                  thread's NT priority from its creation on (boosts, decay);
 *                  a slice "B|pid|lock NAME" ... "E|pid" for every hold of a
 *                  lock or mutex (trace.c "Lock holds"), on the thread;
 *                  zero-length slices (B then E, the form Perfetto's atrace
 *                  parser takes everywhere) for the notify routines
 *                  (R7.4-R7.7) and vetoed creations, written by the thread
 *                  they ran in (else the process created, else the idle
 *                  task), on its processor if it is running, else CPU 0:
 *      notify DRV process create pid=P process=ENTITY is_subsystem=0|1
 *             image=IMAGE command_line=CMD parent=PID creator=PID.TID
 *             status=0xXXXXXXXX     (PS_CREATE_NOTIFY_INFO; pid=0 and
 *                                    process= empty when it is vetoed)
 *      notify DRV process exit pid=P process=ENTITY
 *      notify DRV thread create|exit tid=T pid=P
 *      create vetoed spec=SPEC by=DRV
 *                  Names and values are sanitised as comms are (below, not
 *                  cut to 15), so values never hold a space and the fields
 *                  split on spaces and on the first '='; an absent image or
 *                  command line (WSL, R7.6) is empty.
 * Events that belong to no processor (process creation and exit, wake-ups,
 * priority changes of threads not running) are written on CPU 0, where the
 * simulator processes timer expirations, by the idle task for wake-ups.
 *
 * Tasks
 *   A thread is a task with its tid; its process, a task whose tid is the
 *   pid (NT draws pids and tids from one pool, so they never collide) and
 *   that names the process in viewers.  comm: the thread entity
 *   "process/thread" when it fits in 15 characters, else the thread's own
 *   name cut to 15; a process's comm is its entity cut to 15.  Characters
 *   other than letters, digits and _ - . # / become '_', so a comm never
 *   holds a space, '=' or '|', which the parsers split on.
 *
 * Priorities (prio fields)
 *   NT priority p maps onto the kernel's prio scale (lower is more urgent):
 *   the variable levels 0-15 to 128 - p (so NT normal, 8, is 120, Linux's
 *   nice 0), the realtime levels 16-31 to 99 - p (an RT task of
 *   rt_priority p).  The idle task is 120, as in Linux.  The NT priority
 *   itself is in the priority counters.
 *
 * Timestamps are seconds with microseconds, as ftrace prints them: events
 * closer than 1 us apart share a timestamp; lines are in time order.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "analysis/analysis.h"
#define ANALYSIS_INTERNAL
#include "analysis/trace_int.h"

#define COMM_MAX 15
#define IDLE_PRIO 120    /* swapper's, as in Linux */
#define PROCESS_PRIO 120 /* a process task never runs: nice 0 */

struct task {
    char comm[COMM_MAX + 1];
    size_t len;
    uint32_t tid, tgid; /* tgid 0: the idle task */
};

static const struct task IDLE_TASK = {"<idle>", 6, 0, 0};

/* A string literal with its length, so the per-line path calls no strlen. */
struct lit {
    const char *s;
    size_t n;
};
#define LIT(x) {"" x, sizeof(x) - 1}
#define PUT(b, l) an__tb_mem((b), (l).s, (l).n)

enum event { EV_SWITCH, EV_WAKING, EV_FORK, EV_EXIT, EV_MARK };

/* What surrounds the timestamp: the flags ("d..3." in the scheduler with
 * interrupts off, "....." for a marker written from user mode), then the
 * event's name. */
static const struct lit BEFORE_TIME[] = {
    [EV_SWITCH] = LIT("] d..3. "), [EV_WAKING] = LIT("] d..3. "), [EV_FORK] = LIT("] d..3. "),
    [EV_EXIT] = LIT("] d..3. "),   [EV_MARK] = LIT("] ..... "),
};
static const struct lit AFTER_TIME[] = {
    [EV_SWITCH] = LIT(": sched_switch: "),
    [EV_WAKING] = LIT(": sched_waking: "),
    [EV_FORK] = LIT(": sched_process_fork: "),
    [EV_EXIT] = LIT(": sched_process_exit: "),
    [EV_MARK] = LIT(": tracing_mark_write: "),
};

int an__ftrace_prio(int nt_priority)
{
    return nt_priority >= 16 ? 99 - nt_priority : 128 - nt_priority;
}

/* Whether a character may stay in a comm (see "Tasks" above). */
static bool comm_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
           ch == '-' || ch == '.' || ch == '#' || ch == '/';
}

static void comm_copy(struct task *k, const char *s)
{
    size_t i = 0;
    for (; s[i] && i < COMM_MAX; i++)
        k->comm[i] = comm_char(s[i]) ? s[i] : '_';
    k->comm[i] = '\0';
    k->len = i;
}

static struct task thread_task(const struct ke_thread *t)
{
    struct task k = {.tid = t->tid, .tgid = t->process->pid};
    comm_copy(&k, strlen(t->entity) <= COMM_MAX ? t->entity : an__thread_name(t));
    return k;
}

static struct task process_task(const struct ps_process *p)
{
    struct task k = {.tid = p->pid, .tgid = p->pid};
    comm_copy(&k, p->entity);
    return k;
}

static int ndigits(uint64_t v)
{
    int n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

/* Everything up to and including "<event>: ". */
static void head(struct an__tbuf *b, const struct task *k, int cpu, sim_time_t now, enum event e)
{
    an__tb_fill(b, ' ', 16 - (int)k->len);
    an__tb_mem(b, k->comm, k->len);
    an__tb_putc(b, '-');
    an__tb_u64(b, k->tid);
    an__tb_fill(b, ' ', 7 - ndigits(k->tid));
    if (k->tgid) {
        AN__TB_LIT(b, " (");
        an__tb_fill(b, ' ', 7 - ndigits(k->tgid));
        an__tb_u64(b, k->tgid);
    } else {
        AN__TB_LIT(b, " (-------");
    }
    AN__TB_LIT(b, ") [");
    an__tb_fill(b, '0', 3 - ndigits((uint64_t)cpu));
    an__tb_u64(b, (uint64_t)cpu);
    PUT(b, BEFORE_TIME[e]);
    an__tb_fixed(b, (uint64_t)now, 9, 6, 5);
    PUT(b, AFTER_TIME[e]);
}

/* The processor a thread's event is written on (see the top). */
static int cpu_of(const struct ke_thread *t) { return t->cpu >= 0 ? t->cpu : 0; }

static void ftrace_begin(struct an__tbuf *b)
{
    AN__TB_LIT(b, "# tracer: nop\n"
                  "#\n"
                  "# pssim schedule trace: Linux ftrace text (record-tgid)\n"
                  "#\n"
                  "#                                          _-----=> irqs-off/BH-disabled\n"
                  "#                                         / _----=> need-resched\n"
                  "#                                        | / _---=> hardirq/softirq\n"
                  "#                                        || / _--=> preempt-depth\n"
                  "#                                        ||| / _-=> migrate-disable\n"
                  "#                                        |||| /     delay\n"
                  "#           TASK-PID          TGID  CPU# |||||   TIMESTAMP   FUNCTION\n"
                  "#             |  |              |     |  |||||       |          |\n");
}

/* comm, pid and prio of one side of a switch. */
static void switch_side(struct an__tbuf *b, bool next, int cpu, const struct ke_thread *t)
{
    static const struct lit KEY[2][3] = {
        {LIT("prev_comm="), LIT(" prev_pid="), LIT(" prev_prio=")},
        {LIT("next_comm="), LIT(" next_pid="), LIT(" next_prio=")},
    };
    PUT(b, KEY[next][0]);
    if (t) {
        struct task k = thread_task(t);
        an__tb_mem(b, k.comm, k.len);
    } else {
        AN__TB_LIT(b, "swapper/");
        an__tb_u64(b, (uint64_t)cpu);
    }
    PUT(b, KEY[next][1]);
    an__tb_u64(b, t ? t->tid : 0);
    PUT(b, KEY[next][2]);
    an__tb_int(b, t ? an__ftrace_prio(t->priority) : IDLE_PRIO);
}

static struct lit prev_state(const struct ke_thread *t)
{
    static const struct lit R = LIT(" prev_state=R ==> "), PREEMPTED = LIT(" prev_state=R+ ==> "),
                            S = LIT(" prev_state=S ==> "), X = LIT(" prev_state=X ==> ");
    if (!t)
        return R;
    switch (t->state) {
    case KE_WAITING: return S;
    case KE_TERMINATED: return X;
    default: return t->preempted ? PREEMPTED : R;
    }
}

static void ftrace_switch(struct an__tbuf *b, sim_time_t now, int cpu, const struct ke_thread *prev,
                          const struct ke_thread *next)
{
    struct task k = prev ? thread_task(prev) : IDLE_TASK;
    head(b, &k, cpu, now, EV_SWITCH);
    switch_side(b, false, cpu, prev);
    PUT(b, prev_state(prev));
    switch_side(b, true, cpu, next);
    an__tb_putc(b, '\n');
}

static void ftrace_wake(struct an__tbuf *b, sim_time_t now, const struct ke_thread *t)
{
    struct task k = thread_task(t);
    int target = t->last_cpu >= 0 ? t->last_cpu : t->ideal_cpu;
    if (target < 0)
        target = 0;
    head(b, &IDLE_TASK, 0, now, EV_WAKING);
    AN__TB_LIT(b, "comm=");
    an__tb_mem(b, k.comm, k.len);
    AN__TB_LIT(b, " pid=");
    an__tb_u64(b, k.tid);
    AN__TB_LIT(b, " prio=");
    an__tb_int(b, an__ftrace_prio(t->priority));
    AN__TB_LIT(b, " target_cpu=");
    an__tb_fill(b, '0', 3 - ndigits((uint64_t)target));
    an__tb_u64(b, (uint64_t)target);
    an__tb_putc(b, '\n');
}

/* sched_process_fork of `child` by `parent` (the idle task writes as
 * swapper/0), written on CPU 0 by the parent. */
static void fork_line(struct an__tbuf *b, sim_time_t now, const struct task *parent, const struct task *child)
{
    head(b, parent, 0, now, EV_FORK);
    AN__TB_LIT(b, "comm=");
    if (parent->tgid)
        an__tb_mem(b, parent->comm, parent->len);
    else
        AN__TB_LIT(b, "swapper/0");
    AN__TB_LIT(b, " pid=");
    an__tb_u64(b, parent->tid);
    AN__TB_LIT(b, " child_comm=");
    an__tb_mem(b, child->comm, child->len);
    AN__TB_LIT(b, " child_pid=");
    an__tb_u64(b, child->tid);
    an__tb_putc(b, '\n');
}

/* sched_process_exit of a task, written by itself. */
static void exit_line(struct an__tbuf *b, sim_time_t now, int cpu, const struct task *k, int prio)
{
    head(b, k, cpu, now, EV_EXIT);
    AN__TB_LIT(b, "comm=");
    an__tb_mem(b, k->comm, k->len);
    AN__TB_LIT(b, " pid=");
    an__tb_u64(b, k->tid);
    AN__TB_LIT(b, " prio=");
    an__tb_int(b, prio);
    an__tb_putc(b, '\n');
}

static void ftrace_process(struct an__tbuf *b, sim_time_t now, const struct ps_process *p, bool exited)
{
    struct task k = process_task(p);
    if (exited)
        exit_line(b, now, 0, &k, PROCESS_PRIO);
    else
        fork_line(b, now, &IDLE_TASK, &k);
}

/* s with the characters a comm may not hold replaced; nothing for NULL. */
static void put_clean(struct an__tbuf *b, const char *s)
{
    for (; s && *s; s++)
        an__tb_putc(b, comm_char(*s) ? *s : '_');
}

/* The task writing a marker about thread t or else process p. */
static struct task writer(const struct ke_thread *t, const struct ps_process *p)
{
    return t ? thread_task(t) : p ? process_task(p) : IDLE_TASK;
}

/* The start of an atrace marker written by task k: "<ph>|<pid>". */
static void marker(struct an__tbuf *b, sim_time_t now, int cpu, const struct task *k, char ph)
{
    head(b, k, cpu, now, EV_MARK);
    an__tb_putc(b, ph);
    an__tb_putc(b, '|');
    an__tb_u64(b, k->tgid);
}

static void ftrace_priority(struct an__tbuf *b, sim_time_t now, const struct ke_thread *t)
{
    struct task k = thread_task(t);
    marker(b, now, cpu_of(t), &k, 'C');
    an__tb_putc(b, '|');
    an__tb_mem(b, k.comm, k.len);
    an__tb_putc(b, '-');
    an__tb_u64(b, k.tid);
    AN__TB_LIT(b, " priority|");
    an__tb_int(b, t->priority);
    an__tb_putc(b, '\n');
}

static void ftrace_thread(struct an__tbuf *b, sim_time_t now, const struct ke_thread *t, bool exited)
{
    struct task k = thread_task(t);
    if (exited) {
        exit_line(b, now, cpu_of(t), &k, an__ftrace_prio(t->priority));
        return;
    }
    struct task p = process_task(t->process);
    fork_line(b, now, &p, &k);
    ftrace_priority(b, now, t);
}

/* The end of a zero-length slice opened by marker(..., 'B') and named. */
static void instant_end(struct an__tbuf *b, sim_time_t now, int cpu, const struct task *k)
{
    an__tb_putc(b, '\n');
    marker(b, now, cpu, k, 'E');
    an__tb_putc(b, '\n');
}

static void ftrace_quantum_end(struct an__tbuf *b, sim_time_t now, int cpu, const struct ke_thread *t)
{
    struct task k = thread_task(t);
    marker(b, now, cpu, &k, 'B');
    AN__TB_LIT(b, "|quantum end");
    instant_end(b, now, cpu, &k);
}

static void ftrace_hold(struct an__tbuf *b, sim_time_t now, const struct ke_thread *t, const struct ke_object *o,
                        bool begin)
{
    struct task k = thread_task(t);
    marker(b, now, cpu_of(t), &k, begin ? 'B' : 'E');
    if (begin) {
        AN__TB_LIT(b, "|lock ");
        put_clean(b, o->spec->name);
    }
    an__tb_putc(b, '\n');
}

static void notify_info(struct an__tbuf *b, const struct ps_create_notify_info *info)
{
    AN__TB_LIT(b, " is_subsystem=");
    an__tb_putc(b, info->is_subsystem_process ? '1' : '0');
    AN__TB_LIT(b, " image=");
    put_clean(b, info->image_file_name);
    AN__TB_LIT(b, " command_line=");
    put_clean(b, info->command_line);
    AN__TB_LIT(b, " parent=");
    an__tb_u64(b, info->parent_process_id);
    AN__TB_LIT(b, " creator=");
    an__tb_u64(b, info->creating_process_id);
    an__tb_putc(b, '.');
    an__tb_u64(b, info->creating_thread_id);
    AN__TB_LIT(b, " status=");
    an__tb_hex32(b, (uint32_t)info->creation_status);
}

static void ftrace_notify(struct an__tbuf *b, sim_time_t now, const struct ps_driver_spec *d, bool create,
                          const struct ps_create_notify_info *info, const struct ps_process *p,
                          const struct ke_thread *t, const struct ke_thread *ctx_thread)
{
    struct task k = writer(ctx_thread, p);
    int cpu = an__cpu_if_running(ctx_thread);
    marker(b, now, cpu, &k, 'B');
    AN__TB_LIT(b, "|notify ");
    put_clean(b, d->name);
    an__tb_str(b, t ? " thread " : " process ");
    an__tb_str(b, create ? "create" : "exit");
    if (t) {
        AN__TB_LIT(b, " tid=");
        an__tb_u64(b, t->tid);
    }
    AN__TB_LIT(b, " pid=");
    an__tb_u64(b, p ? p->pid : 0);
    if (!t) {
        AN__TB_LIT(b, " process=");
        put_clean(b, p ? p->entity : NULL);
    }
    if (info)
        notify_info(b, info);
    instant_end(b, now, cpu, &k);
}

static void ftrace_vetoed(struct an__tbuf *b, sim_time_t now, const struct ps_process_spec *spec,
                          const struct ke_thread *creator, const struct ps_driver_spec *by)
{
    struct task k = writer(creator, NULL);
    int cpu = an__cpu_if_running(creator);
    marker(b, now, cpu, &k, 'B');
    AN__TB_LIT(b, "|create vetoed spec=");
    put_clean(b, spec->name);
    AN__TB_LIT(b, " by=");
    put_clean(b, by->name);
    instant_end(b, now, cpu, &k);
}

const struct an__trace_format an__trace_ftrace = {
    .ext = ".ftrace",
    .begin = ftrace_begin,
    .process = ftrace_process,
    .thread = ftrace_thread,
    .wake = ftrace_wake,
    .sched_switch = ftrace_switch,
    .quantum_end = ftrace_quantum_end,
    .priority = ftrace_priority,
    .hold = ftrace_hold,
    .notify = ftrace_notify,
    .vetoed = ftrace_vetoed,
};
