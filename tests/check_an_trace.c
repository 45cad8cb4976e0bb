/* tests/check_an_trace.c - unit tests of the schedule trace writers (layer: tests).
 * Drives the trace probe by hand with fake processes, threads and
 * processors (plain structs), finishes the listener as the runner would,
 * and compares the file written with text computed from the format rules at
 * the top of analysis/trace*.c.  Files go to a fresh temporary directory.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/analysis.h"
#define ANALYSIS_INTERNAL
#include "analysis/trace_int.h"
#include "tests/check.h"

#define US(x) ((sim_time_t)(x) * SIM_US)
#define MS(x) ((sim_time_t)(x) * SIM_MS)

/* Process "app" (pid 4, win32) with threads a (tid 100) and b (tid 104),
 * process "svc" (pid 8, wsl) with thread c (tid 108); two processors. */
struct world {
    char dir[64], path[128];
    struct an_trace *tr;
    struct an_listener l;
    const struct ke_probe *pr;
    struct ps_process p[2];
    struct ke_thread t[3];
    struct ke_cpu c[2];
    char *text; /* the file, after finish */
};

static void world_names(struct world *w, const char *p0, const char *t0)
{
    w->p[0].entity = (char *)p0;
    w->t[0].entity = (char *)t0;
}

static void world_init(struct world *w, const char *file)
{
    static char *const pname[] = {"app", "svc"};
    static char *const tname[] = {"app/a", "app/b", "svc/c"};
    memset(w, 0, sizeof *w);
    strcpy(w->dir, "/tmp/check_an_trace.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(w->dir));
    snprintf(w->path, sizeof w->path, "%s/%s", w->dir, file);
    for (int i = 0; i < 2; i++) {
        w->p[i] = (struct ps_process){.entity = pname[i], .pid = 4 + 4 * (uint32_t)i, .index = (uint32_t)i,
                                      .subsystem = i ? PS_SUBSYSTEM_WSL : PS_SUBSYSTEM_WIN32};
        w->c[i].number = i;
    }
    for (int i = 0; i < 3; i++)
        w->t[i] = (struct ke_thread){.entity = tname[i], .process = &w->p[i / 2],
                                     .tid = 100 + 4 * (uint32_t)i, .index = (uint32_t)i,
                                     .priority = 8, .last_cpu = -1, .cpu = -1, .ideal_cpu = i % 2};
}

static void world_open(struct world *w)
{
    w->tr = an_trace_open(w->path, stderr);
    ck_assert_ptr_nonnull(w->tr);
    w->l = an_trace_listener(w->tr);
    w->pr = w->l.probe;
}

/* Processor `cpu` switches from thread `prev` to `next` (-1 = idle); the
 * thread fields follow, as the dispatcher sets them before the probe. */
static void sw(struct world *w, sim_time_t now, int cpu, int prev, int next)
{
    if (next >= 0) {
        w->t[next].cpu = cpu;
        w->t[next].state = KE_RUNNING;
    }
    if (prev >= 0 && w->t[prev].cpu == cpu)
        w->t[prev].cpu = -1;
    if (w->pr->context_switch)
        w->pr->context_switch(w->pr->ctx, now, &w->c[cpu], prev < 0 ? NULL : &w->t[prev],
                              next < 0 ? NULL : &w->t[next]);
    if (prev >= 0)
        w->t[prev].last_cpu = cpu;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s: %s", path, strerror(errno));
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strdup(buf);
}

static int finish_as(struct world *w, sim_time_t end, const char *status)
{
    struct an_result r = {.status = status, .ncpus = 2};
    return w->l.finish(w->l.ctx, end, 2, &r, stderr);
}

static void finish(struct world *w, sim_time_t end)
{
    ck_assert_int_eq(finish_as(w, end, "done"), 0);
    w->text = slurp(w->path);
}

static int count_files(const char *dir)
{
    char cmd[160];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    ck_assert_int_eq(fscanf(p, "%d", &n), 1);
    pclose(p);
    return n;
}

static void world_free(struct world *w)
{
    an_trace_free(w->tr);
    free(w->text);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", w->dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* ===== the file ========================================================= */

START_TEST(test_trace_unknown_extension_is_refused)
{
    char msg[256] = "";
    FILE *err = fmemopen(msg, sizeof msg, "w");
    ck_assert_ptr_null(an_trace_open("/tmp/out.txt", err));
    fclose(err);
    ck_assert_ptr_nonnull(strstr(msg, ".ftrace, .csv or .json"));
    ck_assert(access("/tmp/out.txt", F_OK) != 0 || errno == ENOENT);
    ck_assert(!an_trace_format_known("trace"));
    ck_assert(!an_trace_format_known(".csv")); /* no name before the extension */
    ck_assert(an_trace_format_known("a.CSV"));
    ck_assert(an_trace_format_known("dir.json/a.ftrace"));
}
END_TEST

START_TEST(test_trace_written_aside_until_finished)
{
    struct world w;
    world_init(&w, "t.csv");
    world_open(&w);
    ck_assert_int_ne(access(w.path, F_OK), 0); /* not under the final name yet */
    ck_assert_int_eq(count_files(w.dir), 1);   /* the partial file */
    finish(&w, MS(1));
    ck_assert_int_eq(count_files(w.dir), 1); /* renamed: only t.csv */
    ck_assert_str_eq(w.text, "cpu,start_ns,end_ns,pid,tid,process,thread,priority,subsystem\n");
    world_free(&w);
}
END_TEST

START_TEST(test_trace_failed_run_leaves_previous_file)
{
    struct world w;
    world_init(&w, "t.csv");
    FILE *f = fopen(w.path, "w");
    fputs("old\n", f);
    fclose(f);
    world_open(&w);
    sw(&w, MS(1), 0, -1, 0);
    ck_assert_int_eq(finish_as(&w, MS(2), "error"), 0);
    w.text = slurp(w.path);
    ck_assert_str_eq(w.text, "old\n");
    ck_assert_int_eq(count_files(w.dir), 1);
    world_free(&w);
}
END_TEST

START_TEST(test_trace_unfinished_leaves_nothing)
{
    struct world w;
    world_init(&w, "t.json");
    world_open(&w);
    sw(&w, MS(1), 0, -1, 0);
    an_trace_free(w.tr); /* the run failed before the listeners were finished */
    w.tr = NULL;
    ck_assert_int_eq(count_files(w.dir), 0);
    world_free(&w);
}
END_TEST

START_TEST(test_trace_interrupted_run_is_kept_whole)
{
    struct world w;
    world_init(&w, "t.json");
    world_open(&w);
    sw(&w, MS(1), 0, -1, 0);
    ck_assert_int_eq(finish_as(&w, MS(3), "interrupted"), 0);
    w.text = slurp(w.path);
    ck_assert_ptr_nonnull(strstr(w.text, "\"ts\":1000.000,\"dur\":2000.000"));
    ck_assert_ptr_nonnull(strstr(w.text, "\n],\"displayTimeUnit\":\"ns\"}\n"));
    world_free(&w);
}
END_TEST

START_TEST(test_trace_write_error_is_reported)
{
    if (access("/dev/full", W_OK) != 0)
        return; /* no /dev/full on this system */
    struct world w;
    world_init(&w, "full.csv");
    ck_assert_int_eq(symlink("/dev/full", w.path), 0);
    world_open(&w);
    sw(&w, MS(1), 0, -1, 0);
    char msg[256] = "";
    FILE *err = fmemopen(msg, sizeof msg, "w");
    struct an_result r = {.status = "done"};
    ck_assert_int_eq(w.l.finish(w.l.ctx, MS(2), 2, &r, err), -1);
    fclose(err);
    ck_assert_msg(strstr(msg, "write error") && strstr(msg, strerror(ENOSPC)), "message: %s", msg);
    world_free(&w);
}
END_TEST

START_TEST(test_trace_device_written_in_place)
{
    struct world w;
    world_init(&w, "null.ftrace");
    ck_assert_int_eq(symlink("/dev/null", w.path), 0);
    world_open(&w);
    sw(&w, MS(1), 0, -1, 0);
    ck_assert_int_eq(finish_as(&w, MS(2), "done"), 0);
    struct stat st;
    ck_assert_int_eq(stat("/dev/null", &st), 0);
    ck_assert(S_ISCHR(st.st_mode)); /* not replaced by a regular file */
    ck_assert_int_eq(lstat(w.path, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    ck_assert_int_eq(count_files(w.dir), 1);
    world_free(&w);
}
END_TEST

/* ===== CSV ============================================================== */

static const char CSV_HEAD[] = "cpu,start_ns,end_ns,pid,tid,process,thread,priority,subsystem\n";

START_TEST(test_trace_csv_slices)
{
    struct world w;
    world_init(&w, "t.csv");
    world_open(&w);
    sw(&w, MS(1), 0, -1, 0);
    sw(&w, MS(2), 1, -1, 2);
    w.t[0].priority = 10; /* a boost while running: the slice keeps its start priority */
    sw(&w, MS(4), 0, 0, 1);
    sw(&w, MS(5), 0, 1, -1);
    finish(&w, MS(7));
    char want[512];
    snprintf(want, sizeof want,
             "%s0,1000000,4000000,4,100,app,a,8,win32\n"
             "0,4000000,5000000,4,104,app,b,8,win32\n"
             "1,2000000,7000000,8,108,svc,c,8,wsl\n",
             CSV_HEAD);
    ck_assert_str_eq(w.text, want);
    world_free(&w);
}
END_TEST

START_TEST(test_trace_csv_migration_at_one_instant_touches)
{
    struct world w;
    world_init(&w, "t.csv");
    world_open(&w);
    sw(&w, MS(1), 1, -1, 0);
    /* one dispatcher exit: processor 0 takes a before processor 1 reports
     * switching it off */
    sw(&w, MS(3), 0, -1, 0);
    sw(&w, MS(3), 1, 0, -1);
    finish(&w, MS(4));
    char want[512];
    snprintf(want, sizeof want,
             "%s1,1000000,3000000,4,100,app,a,8,win32\n"
             "0,3000000,4000000,4,100,app,a,8,win32\n",
             CSV_HEAD);
    ck_assert_str_eq(w.text, want);
    world_free(&w);
}
END_TEST

START_TEST(test_trace_csv_quotes_fields)
{
    struct world w;
    world_init(&w, "t.csv");
    world_names(&w, "a,\"b\"", "a,\"b\"/x\ny");
    world_open(&w);
    sw(&w, 0, 0, -1, 0);
    finish(&w, 5);
    char want[512];
    snprintf(want, sizeof want, "%s0,0,5,4,100,\"a,\"\"b\"\"\",\"x\ny\",8,win32\n", CSV_HEAD);
    ck_assert_str_eq(w.text, want);
    world_free(&w);
}
END_TEST

/* ===== JSON ============================================================= */

START_TEST(test_trace_json_events)
{
    struct world w;
    world_init(&w, "t.json");
    world_open(&w);
    w.pr->process_create(w.pr->ctx, 0, &w.p[0]);
    w.pr->thread_create(w.pr->ctx, 0, &w.t[0]);
    sw(&w, US(1) + 5, 1, -1, 0);
    w.pr->quantum_end(w.pr->ctx, US(30), &w.c[1], &w.t[0]);
    w.t[0].priority = 7;
    w.pr->priority_change(w.pr->ctx, US(30), &w.t[0], 8);
    finish(&w, US(40));
    ck_assert_str_eq(w.text,
                     "{\"traceEvents\":[\n"
                     "{\"ph\":\"M\",\"pid\":4,\"name\":\"process_name\",\"args\":{\"name\":\"app\"}},\n"
                     "{\"ph\":\"M\",\"pid\":4,\"name\":\"process_labels\",\"args\":{\"labels\":\"win32\"}},\n"
                     "{\"ph\":\"M\",\"pid\":4,\"tid\":100,\"name\":\"thread_name\",\"args\":{\"name\":\"a\"}},\n"
                     "{\"ph\":\"C\",\"pid\":4,\"ts\":0.000,\"name\":\"a\",\"args\":{\"priority\":8}},\n"
                     "{\"ph\":\"i\",\"pid\":4,\"tid\":100,\"ts\":30.000,\"s\":\"t\",\"name\":\"quantum end\","
                     "\"args\":{\"cpu\":1}},\n"
                     "{\"ph\":\"C\",\"pid\":4,\"ts\":30.000,\"name\":\"a\",\"args\":{\"priority\":7}},\n"
                     "{\"ph\":\"X\",\"pid\":4,\"tid\":100,\"ts\":1.005,\"dur\":38.995,\"name\":\"cpu 1\","
                     "\"cat\":\"win32\",\"args\":{\"cpu\":1,\"priority\":8}}\n"
                     "],\"displayTimeUnit\":\"ns\"}\n");
    world_free(&w);
}
END_TEST

START_TEST(test_trace_json_escapes_names)
{
    struct world w;
    world_init(&w, "t.json");
    /* quote, backslash, control characters, valid UTF-8 (e-acute), a lone
     * continuation byte and a truncated sequence */
    world_names(&w, "q\"b\\s\x01\n\xc3\xa9\x80\xe2\x82", "p/t");
    world_open(&w);
    w.pr->process_create(w.pr->ctx, 0, &w.p[0]);
    finish(&w, 0);
    ck_assert_ptr_nonnull(strstr(w.text, "\"args\":{\"name\":\"q\\\"b\\\\s\\u0001\\u000a\xc3\xa9\\ufffd"
                                         "\\ufffd\\ufffd\"}}"));
    world_free(&w);
}
END_TEST

/* ===== ftrace =========================================================== */

START_TEST(test_trace_ftrace_prio_mapping)
{
    ck_assert_int_eq(an__ftrace_prio(8), 120); /* normal: nice 0 */
    ck_assert_int_eq(an__ftrace_prio(1), 127);
    ck_assert_int_eq(an__ftrace_prio(15), 113);
    ck_assert_int_eq(an__ftrace_prio(0), 128);
    ck_assert_int_eq(an__ftrace_prio(16), 83); /* realtime: rt_priority p */
    ck_assert_int_eq(an__ftrace_prio(31), 68);
}
END_TEST

/* The text after the header (which ends with the "#  | |" line). */
static const char *ftrace_body(const char *text)
{
    const char *last = NULL;
    for (const char *p = text; *p == '#'; p = strchr(p, '\n') + 1)
        last = p;
    ck_assert_ptr_nonnull(last);
    return strchr(last, '\n') + 1;
}

START_TEST(test_trace_ftrace_header)
{
    struct world w;
    world_init(&w, "t.ftrace");
    world_open(&w);
    finish(&w, 0);
    ck_assert(!strncmp(w.text, "# tracer: nop\n", 14));
    ck_assert_str_eq(ftrace_body(w.text), "");
    ck_assert_ptr_nonnull(strstr(w.text, "TASK-PID"));
    world_free(&w);
}
END_TEST

START_TEST(test_trace_ftrace_switches)
{
    struct world w;
    world_init(&w, "t.ftrace");
    world_open(&w);
    sw(&w, US(1500), 1, -1, 0);
    w.t[0].state = KE_WAITING;
    sw(&w, SIM_S * 12 + 345678999, 1, 0, 2); /* microseconds are truncated */
    w.t[2].state = KE_READY;
    w.t[2].preempted = true;
    w.t[2].priority = 16;
    sw(&w, SIM_S * 12 + 400000000, 1, 2, -1);
    finish(&w, SIM_S * 13);
    ck_assert_str_eq(ftrace_body(w.text),
        "          <idle>-0       (-------) [001] d..3.     0.001500: sched_switch: prev_comm=swapper/1 "
        "prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=app/a next_pid=100 next_prio=120\n"
        "           app/a-100     (      4) [001] d..3.    12.345678: sched_switch: prev_comm=app/a "
        "prev_pid=100 prev_prio=120 prev_state=S ==> next_comm=svc/c next_pid=108 next_prio=120\n"
        "           svc/c-108     (      8) [001] d..3.    12.400000: sched_switch: prev_comm=svc/c "
        "prev_pid=108 prev_prio=83 prev_state=R+ ==> next_comm=swapper/1 next_pid=0 next_prio=120\n");
    world_free(&w);
}
END_TEST

START_TEST(test_trace_ftrace_life_cycle)
{
    struct world w;
    world_init(&w, "t.ftrace");
    world_open(&w);
    w.pr->process_create(w.pr->ctx, 0, &w.p[1]);
    w.pr->thread_create(w.pr->ctx, 0, &w.t[2]);
    w.pr->ready(w.pr->ctx, 0, &w.t[2], KE_READY_START);
    w.pr->ready(w.pr->ctx, 1, &w.t[2], KE_READY_REQUEUE); /* not a wake-up: nothing */
    w.t[2].state = KE_TERMINATED;
    w.pr->thread_exit(w.pr->ctx, 2, &w.t[2]);
    w.pr->process_exit(w.pr->ctx, 2, &w.p[1]);
    finish(&w, 2);
    ck_assert_str_eq(ftrace_body(w.text),
        "          <idle>-0       (-------) [000] d..3.     0.000000: sched_process_fork: comm=swapper/0 "
        "pid=0 child_comm=svc child_pid=8\n"
        "             svc-8       (      8) [000] d..3.     0.000000: sched_process_fork: comm=svc pid=8 "
        "child_comm=svc/c child_pid=108\n"
        "           svc/c-108     (      8) [000] .....     0.000000: tracing_mark_write: "
        "C|8|svc/c-108 priority|8\n"
        "          <idle>-0       (-------) [000] d..3.     0.000000: sched_waking: comm=svc/c pid=108 "
        "prio=120 target_cpu=000\n"
        "           svc/c-108     (      8) [000] d..3.     0.000000: sched_process_exit: comm=svc/c "
        "pid=108 prio=120\n"
        "             svc-8       (      8) [000] d..3.     0.000000: sched_process_exit: comm=svc pid=8 "
        "prio=120\n");
    world_free(&w);
}
END_TEST

START_TEST(test_trace_ftrace_markers)
{
    struct world w;
    world_init(&w, "t.ftrace");
    world_open(&w);
    sw(&w, 0, 1, -1, 1);
    w.pr->quantum_end(w.pr->ctx, MS(30), &w.c[1], &w.t[1]);
    w.t[1].priority = 9;
    w.pr->priority_change(w.pr->ctx, MS(30), &w.t[1], 8);
    finish(&w, MS(31));
    const char *body = strchr(ftrace_body(w.text), '\n') + 1; /* past the switch */
    ck_assert_str_eq(body,
        "           app/b-104     (      4) [001] .....     0.030000: tracing_mark_write: B|4|quantum end\n"
        "           app/b-104     (      4) [001] .....     0.030000: tracing_mark_write: E|4\n"
        "           app/b-104     (      4) [001] .....     0.030000: tracing_mark_write: "
        "C|4|app/b-104 priority|9\n");
    world_free(&w);
}
END_TEST

START_TEST(test_trace_ftrace_comm_sanitised)
{
    struct world w;
    world_init(&w, "t.ftrace");
    /* too long for "process/thread": the thread's own name, cut to 15, with
     * the space, '=' and '|' replaced */
    world_names(&w, "a-long-process", "a-long-process/w x=y|z-0123456789");
    world_open(&w);
    sw(&w, 0, 0, -1, 0);
    finish(&w, 1);
    ck_assert_ptr_nonnull(strstr(ftrace_body(w.text), "next_comm=w_x_y_z-0123456 next_pid=100 "));
    world_free(&w);
}
END_TEST

/* ===== lock holds and notify routines ================================== */

static const struct ke_object_spec LOCK_SPECS[] = {
    {.name = "m x", .type = KE_OBJ_MUTEX},
    {.name = "sl", .type = KE_OBJ_SPINLOCK},
    {.name = "ev", .type = KE_OBJ_EVENT},
};

static void take(struct world *w, sim_time_t now, int t, const struct ke_object *o)
{
    w->pr->object_done(w->pr->ctx, now, &w->t[t], o, true, false);
}

static void drop(struct world *w, sim_time_t now, int t, const struct ke_object *o)
{
    w->pr->object_release(w->pr->ctx, now, &w->t[t], o);
}

/* The body past the first line (the switch putting the thread on). */
static const char *after_switch(const struct world *w) { return strchr(ftrace_body(w->text), '\n') + 1; }

#define MARK(ts, what) "           app/a-100     (      4) [000] .....     " ts ": tracing_mark_write: " what "\n"

START_TEST(test_trace_ftrace_lock_hold_opens_once)
{
    struct world w;
    struct ke_object m = {.spec = &LOCK_SPECS[0]}, ev = {.spec = &LOCK_SPECS[2]};
    world_init(&w, "t.ftrace");
    world_open(&w);
    sw(&w, 0, 0, -1, 0);
    take(&w, US(1), 0, &m);
    take(&w, US(2), 0, &m);  /* recursive: no second slice */
    take(&w, US(3), 0, &ev); /* an event is not held */
    drop(&w, US(4), 0, &m);
    drop(&w, US(5), 0, &m);  /* not held any more: nothing */
    finish(&w, US(9));
    ck_assert_str_eq(after_switch(&w), MARK("0.000001", "B|4|lock m_x") MARK("0.000004", "E|4"));
    world_free(&w);
}
END_TEST

START_TEST(test_trace_ftrace_lock_release_out_of_order_renests)
{
    struct world w;
    struct ke_object m = {.spec = &LOCK_SPECS[0]}, sl = {.spec = &LOCK_SPECS[1]};
    world_init(&w, "t.ftrace");
    world_open(&w);
    sw(&w, 0, 0, -1, 0);
    take(&w, US(1), 0, &m);
    take(&w, US(2), 0, &sl);
    drop(&w, US(3), 0, &m); /* the spinlock's slice is closed and reopened around it */
    drop(&w, US(4), 0, &sl);
    finish(&w, US(9));
    ck_assert_str_eq(after_switch(&w), MARK("0.000001", "B|4|lock m_x") MARK("0.000002", "B|4|lock sl")
                                           MARK("0.000003", "E|4") MARK("0.000003", "E|4")
                                               MARK("0.000003", "B|4|lock sl") MARK("0.000004", "E|4"));
    world_free(&w);
}
END_TEST

static const struct ps_driver_spec DRIVER = {.name = "e|d r"};

/* A WSL creation of svc by thread a, already vetoed by an earlier routine. */
static const struct ps_create_notify_info INFO = {
    .is_subsystem_process = true, .image_file_name = "/usr/bin/svc", .command_line = "svc -x=1",
    .parent_process_id = 4, .creating_process_id = 4, .creating_thread_id = 100,
    .creation_status = (int)0xC0000022};

START_TEST(test_trace_ftrace_notify_process_create)
{
    struct world w;
    world_init(&w, "t.ftrace");
    world_open(&w);
    sw(&w, 0, 0, -1, 0);
    w.pr->notify(w.pr->ctx, US(7), &DRIVER, true, &INFO, &w.p[1], NULL, &w.t[0], US(1));
    w.t[0].state = KE_WAITING; /* not running: CPU 0 */
    w.pr->notify(w.pr->ctx, US(8), &DRIVER, false, NULL, &w.p[1], NULL, NULL, US(1));
    finish(&w, US(9));
    ck_assert_str_eq(after_switch(&w),
        MARK("0.000007", "B|4|notify e_d_r process create pid=8 process=svc is_subsystem=1 "
                         "image=/usr/bin/svc command_line=svc_-x_1 parent=4 creator=4.100 status=0xC0000022")
        MARK("0.000007", "E|4")
        "             svc-8       (      8) [000] .....     0.000008: tracing_mark_write: "
        "B|8|notify e_d_r process exit pid=8 process=svc\n"
        "             svc-8       (      8) [000] .....     0.000008: tracing_mark_write: E|8\n");
    world_free(&w);
}
END_TEST

START_TEST(test_trace_ftrace_notify_thread_and_veto)
{
    struct world w;
    struct ps_process_spec curl = {.name = "curl"};
    world_init(&w, "t.ftrace");
    world_open(&w);
    sw(&w, 0, 1, -1, 0);
    w.pr->notify(w.pr->ctx, US(1), &DRIVER, true, NULL, &w.p[1], &w.t[2], &w.t[0], US(1));
    w.pr->create_failed(w.pr->ctx, US(2), &curl, &w.t[0], &DRIVER);
    finish(&w, US(9));
    const char *head = "           app/a-100     (      4) [001] .....     ";
    char want[1024];
    snprintf(want, sizeof want,
             "%s0.000001: tracing_mark_write: B|4|notify e_d_r thread create tid=108 pid=8\n"
             "%s0.000001: tracing_mark_write: E|4\n"
             "%s0.000002: tracing_mark_write: B|4|create vetoed spec=curl by=e_d_r\n"
             "%s0.000002: tracing_mark_write: E|4\n",
             head, head, head, head);
    ck_assert_str_eq(after_switch(&w), want);
    world_free(&w);
}
END_TEST

START_TEST(test_trace_json_holds_and_notify)
{
    struct world w;
    struct ke_object m = {.spec = &LOCK_SPECS[0]};
    world_init(&w, "t.json");
    world_open(&w);
    take(&w, US(1), 0, &m);
    drop(&w, US(2), 0, &m);
    w.pr->notify(w.pr->ctx, US(3), &DRIVER, true, &INFO, NULL, NULL, &w.t[0], US(1));
    w.pr->notify(w.pr->ctx, US(4), &DRIVER, false, NULL, &w.p[1], &w.t[2], NULL, US(1));
    finish(&w, US(9));
    ck_assert_str_eq(w.text,
        "{\"traceEvents\":[\n"
        "{\"ph\":\"b\",\"pid\":4,\"tid\":100,\"ts\":1.000,\"cat\":\"lock\",\"id\":100,\"name\":\"lock m x\"},\n"
        "{\"ph\":\"e\",\"pid\":4,\"tid\":100,\"ts\":2.000,\"cat\":\"lock\",\"id\":100,\"name\":\"lock m x\"},\n"
        "{\"ph\":\"i\",\"pid\":4,\"tid\":100,\"ts\":3.000,\"s\":\"t\",\"cat\":\"notify\",\"name\":\"notify e|d r\","
        "\"args\":{\"driver\":\"e|d r\",\"kind\":\"process\",\"op\":\"create\",\"pid\":0,\"process\":\"\","
        "\"is_subsystem\":true,\"image\":\"/usr/bin/svc\",\"command_line\":\"svc -x=1\",\"parent\":4,"
        "\"creator_pid\":4,\"creator_tid\":100,\"status\":\"0xC0000022\"}},\n"
        "{\"ph\":\"i\",\"pid\":8,\"ts\":4.000,\"s\":\"p\",\"cat\":\"notify\",\"name\":\"notify e|d r\","
        "\"args\":{\"driver\":\"e|d r\",\"kind\":\"thread\",\"op\":\"exit\",\"pid\":8,\"tid\":108}}\n"
        "],\"displayTimeUnit\":\"ns\"}\n");
    world_free(&w);
}
END_TEST

START_TEST(test_trace_csv_has_no_holds_or_notify)
{
    struct world w;
    world_init(&w, "t.csv");
    world_open(&w);
    ck_assert_ptr_null(w.pr->object_done);
    ck_assert_ptr_null(w.pr->object_release);
    ck_assert_ptr_null(w.pr->notify);
    ck_assert_ptr_null(w.pr->create_failed);
    finish(&w, 0);
    world_free(&w);
}
END_TEST

/* ===== the output buffer ================================================ */

START_TEST(test_trace_fixed_point)
{
    struct an__tbuf b = {.p = malloc(AN__TBUF_SIZE), .fd = -1};
    an__tb_fixed(&b, 1234567, 3, 3, 0);
    an__tb_putc(&b, ' ');
    an__tb_fixed(&b, 5, 3, 3, 0);
    an__tb_putc(&b, ' ');
    an__tb_fixed(&b, 12000999999ull, 9, 6, 5);
    an__tb_putc(&b, ' ');
    an__tb_fixed(&b, 123456000000000ull, 9, 6, 5); /* wider than the width */
    ck_assert_int_eq((int)b.len, (int)strlen("1234.567 0.005    12.000999 123456.000000"));
    ck_assert(!memcmp(b.p, "1234.567 0.005    12.000999 123456.000000", b.len));
    free(b.p);
}
END_TEST

START_TEST(test_trace_buffer_spans_flushes)
{
    char path[] = "/tmp/check_an_trace_buf.XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    struct an__tbuf b = {.p = malloc(AN__TBUF_SIZE), .fd = fd};
    uint64_t total = 0;
    for (int i = 0; i < 300000; i++) { /* about 2.6 MB: two flushes on the way */
        an__tb_str(&b, "abcdefgh");
        total += 8;
        an__tb_u64(&b, (uint64_t)i % 10);
        total += 1;
    }
    an__tb_flush(&b);
    ck_assert_int_eq(b.err, 0);
    ck_assert_uint_eq(b.bytes, total);
    struct stat st;
    ck_assert_int_eq(fstat(fd, &st), 0);
    ck_assert_uint_eq((uint64_t)st.st_size, total);
    close(fd);
    unlink(path);
    free(b.p);
}
END_TEST

Suite *trace_suite(void)
{
    Suite *s = suite_create("trace");
    TCase *tc = tcase_create("file");
    tcase_add_test(tc, test_trace_unknown_extension_is_refused);
    tcase_add_test(tc, test_trace_written_aside_until_finished);
    tcase_add_test(tc, test_trace_failed_run_leaves_previous_file);
    tcase_add_test(tc, test_trace_unfinished_leaves_nothing);
    tcase_add_test(tc, test_trace_interrupted_run_is_kept_whole);
    tcase_add_test(tc, test_trace_write_error_is_reported);
    tcase_add_test(tc, test_trace_device_written_in_place);
    suite_add_tcase(s, tc);
    tc = tcase_create("formats");
    tcase_add_test(tc, test_trace_csv_slices);
    tcase_add_test(tc, test_trace_csv_migration_at_one_instant_touches);
    tcase_add_test(tc, test_trace_csv_quotes_fields);
    tcase_add_test(tc, test_trace_json_events);
    tcase_add_test(tc, test_trace_json_escapes_names);
    tcase_add_test(tc, test_trace_ftrace_prio_mapping);
    tcase_add_test(tc, test_trace_ftrace_header);
    tcase_add_test(tc, test_trace_ftrace_switches);
    tcase_add_test(tc, test_trace_ftrace_life_cycle);
    tcase_add_test(tc, test_trace_ftrace_markers);
    tcase_add_test(tc, test_trace_ftrace_comm_sanitised);
    tcase_add_test(tc, test_trace_ftrace_lock_hold_opens_once);
    tcase_add_test(tc, test_trace_ftrace_lock_release_out_of_order_renests);
    tcase_add_test(tc, test_trace_ftrace_notify_process_create);
    tcase_add_test(tc, test_trace_ftrace_notify_thread_and_veto);
    tcase_add_test(tc, test_trace_json_holds_and_notify);
    tcase_add_test(tc, test_trace_csv_has_no_holds_or_notify);
    suite_add_tcase(s, tc);
    tc = tcase_create("buffer");
    tcase_add_test(tc, test_trace_fixed_point);
    tcase_add_test(tc, test_trace_buffer_spans_flushes);
    suite_add_tcase(s, tc);
    return s;
}
