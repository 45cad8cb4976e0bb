/* analysis/trace_int.h - what the trace core and its format writers share (layer: analysis).
 *
 * The core (analysis/trace.c) owns the file, the probe callbacks and the
 * per-processor slice bookkeeping; each format (trace_csv.c, trace_ftrace.c,
 * trace_json.c) is an ops table that turns those callbacks into text.
 * Writers append to a large buffer by hand instead of calling printf: the
 * callbacks run on every simulated switch, so the per-event cost is a few
 * memcpy's and integer conversions, and a write(2) per megabyte.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef PSSIM_TRACE_INT_H
#define PSSIM_TRACE_INT_H

#ifndef ANALYSIS_INTERNAL
#error "analysis/trace_int.h is private to analysis/ and its tests (define ANALYSIS_INTERNAL)"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "models/models.h"
#include "sim/sim.h"

/* ===== the output buffer ================================================ */

#define AN__TBUF_SIZE ((size_t)1 << 20)

struct an__tbuf {
    char *p;       /* AN__TBUF_SIZE bytes */
    size_t len;
    int fd;        /* -1: output discarded (tests) */
    int err;       /* errno of the first failed write; once set, nothing more is written */
    uint64_t bytes; /* written to fd so far */
    bool started;  /* for the format: whether a record was written (JSON separators) */
};

/* Write out what is buffered (on error, remember errno and drop it). */
void an__tb_flush(struct an__tbuf *b);
/* an__tb_mem when the bytes do not fit in what is left of the buffer. */
void an__tb_mem_slow(struct an__tbuf *b, const char *s, size_t n);

/* The appenders are inline: a trace line is a dozen of them. */
static inline void an__tb_mem(struct an__tbuf *b, const char *s, size_t n)
{
    if (n > AN__TBUF_SIZE - b->len) {
        an__tb_mem_slow(b, s, n);
        return;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static inline void an__tb_putc(struct an__tbuf *b, char ch)
{
    if (b->len == AN__TBUF_SIZE)
        an__tb_flush(b);
    b->p[b->len++] = ch;
}

static inline void an__tb_str(struct an__tbuf *b, const char *s) { an__tb_mem(b, s, strlen(s)); }

/* A string literal, its length known at compile time. */
#define AN__TB_LIT(b, lit) an__tb_mem((b), "" lit, sizeof(lit) - 1)

/* `n` copies of `ch`, a space or a zero (padding); nothing when n <= 0. */
static inline void an__tb_fill(struct an__tbuf *b, char ch, int n)
{
    static const char spaces[] = "                                ";
    static const char zeros[] = "00000000000000000000000000000000";
    while (n > 0) {
        int k = n < 32 ? n : 32;
        an__tb_mem(b, ch == '0' ? zeros : spaces, (size_t)k);
        n -= k;
    }
}

/* Decimal digits of v, right-aligned in d[0..20); returns where they start. */
static inline int an__digits(uint64_t v, char d[20])
{
    int i = 20;
    do {
        d[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return i;
}

static inline void an__tb_u64(struct an__tbuf *b, uint64_t v)
{
    char d[20];
    int i = an__digits(v, d);
    an__tb_mem(b, d + i, (size_t)(20 - i));
}

void an__tb_int(struct an__tbuf *b, int v);

/* "0x" and 8 upper-case hex digits, as NTSTATUS values are written. */
static inline void an__tb_hex32(struct an__tbuf *b, uint32_t v)
{
    static const char hex[] = "0123456789ABCDEF";
    char d[10] = {'0', 'x'};
    for (int i = 9; i >= 2; i--, v >>= 4)
        d[i] = hex[v & 15];
    an__tb_mem(b, d, sizeof d);
}

/* A fixed-point decimal: v / 10^scale with its first `shown` fraction
 * digits (truncated), the integer part space-padded to `width`.  For ns:
 * (3, 3) gives microseconds with ns precision, (9, 6) ftrace's seconds.
 * Inline so that constant arguments fold into constant divisions. */
static inline void an__tb_fixed(struct an__tbuf *b, uint64_t v, int scale, int shown, int width)
{
    uint64_t unit = 1;
    for (int i = 0; i < scale; i++)
        unit *= 10;
    char d[20];
    int i = an__digits(v / unit, d);
    an__tb_fill(b, ' ', width - (20 - i));
    an__tb_mem(b, d + i, (size_t)(20 - i));
    uint64_t cut = 1;
    for (int k = shown; k < scale; k++)
        cut *= 10;
    uint64_t frac = v % unit / cut; /* the first `shown` digits, leading zeros kept below */
    d[0] = '.';
    for (int k = shown; k >= 1; k--) {
        d[k] = (char)('0' + frac % 10);
        frac /= 10;
    }
    an__tb_mem(b, d, (size_t)shown + 1);
}

/* ===== what the writers are given ======================================= */

/* A thread's continuous stay on a processor: from the switch that put it
 * there to the switch that took it off, or to the end of the run. */
struct an__slice {
    int cpu;
    sim_time_t start, end;
    const struct ke_thread *t;
    int priority; /* NT priority when it was switched in */
};

/* The thread's own name: its entity without the "process-entity/" prefix. */
const char *an__thread_name(const struct ke_thread *t);
const char *an__subsystem_name(enum ps_subsystem s);

/* The processor a marker of thread t goes on: its own when running, else 0
 * (where the simulator processes timer expirations); 0 for NULL. */
static inline int an__cpu_if_running(const struct ke_thread *t)
{
    return t && t->state == KE_RUNNING && t->cpu >= 0 ? t->cpu : 0;
}

/* A format.  Every op but `ext` may be NULL; the core installs only the
 * probe callbacks some op needs. */
struct an__trace_format {
    const char *ext; /* ".csv" */
    void (*begin)(struct an__tbuf *b);
    void (*process)(struct an__tbuf *b, sim_time_t now, const struct ps_process *p, bool exited);
    void (*thread)(struct an__tbuf *b, sim_time_t now, const struct ke_thread *t, bool exited);
    /* t became runnable after a wait, a sleep or its creation */
    void (*wake)(struct an__tbuf *b, sim_time_t now, const struct ke_thread *t);
    /* as the probe reports it: prev or next may be NULL (idle) */
    void (*sched_switch)(struct an__tbuf *b, sim_time_t now, int cpu, const struct ke_thread *prev,
                         const struct ke_thread *next);
    void (*slice)(struct an__tbuf *b, const struct an__slice *s);
    void (*quantum_end)(struct an__tbuf *b, sim_time_t now, int cpu, const struct ke_thread *t);
    /* t's priority changed (boost, decay); t->priority is the new one */
    void (*priority)(struct an__tbuf *b, sim_time_t now, const struct ke_thread *t);
    /* t's hold of lock o opens (`begin`) or closes; the core keeps them
     * nested per thread (trace.c "Lock holds") */
    void (*hold)(struct an__tbuf *b, sim_time_t now, const struct ke_thread *t, const struct ke_object *o,
                 bool begin);
    /* a notify routine ran, as the probe reports it (models.h ke_probe) */
    void (*notify)(struct an__tbuf *b, sim_time_t now, const struct ps_driver_spec *d, bool create,
                   const struct ps_create_notify_info *info, const struct ps_process *p,
                   const struct ke_thread *t, const struct ke_thread *ctx_thread);
    /* the creation of spec, asked by creator (NULL: the environment), was vetoed by `by` */
    void (*vetoed)(struct an__tbuf *b, sim_time_t now, const struct ps_process_spec *spec,
                   const struct ke_thread *creator, const struct ps_driver_spec *by);
    void (*end)(struct an__tbuf *b, sim_time_t end);
};

/* The Linux prio value standing for NT priority p (trace_ftrace.c). */
int an__ftrace_prio(int nt_priority);

extern const struct an__trace_format an__trace_csv;
extern const struct an__trace_format an__trace_ftrace;
extern const struct an__trace_format an__trace_json;

#endif
