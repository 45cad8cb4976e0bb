/* analysis/trace_csv.c - the `.csv` trace: one row per slice (layer: analysis).
 *
 *   cpu,start_ns,end_ns,pid,tid,process,thread,priority,subsystem
 *
 * One row per slice (a thread's continuous stay on a processor, trace.c),
 * written when the slice closes, so rows are ordered by end time.  `process`
 * is the process entity (`name` or `name#k`), `thread` the thread's own
 * entity within it: `process/thread` is the thread entity of the metrics.
 * `priority` is the NT priority (0-31) when the slice began.  Fields that
 * hold a comma, a double quote, CR or LF are quoted per RFC 4180 (quotes
 * doubled); lines end in LF.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "analysis/analysis.h"
#define ANALYSIS_INTERNAL
#include "analysis/trace_int.h"

static void csv_field(struct an__tbuf *b, const char *s)
{
    if (!s[strcspn(s, ",\"\r\n")]) {
        an__tb_str(b, s);
        return;
    }
    an__tb_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"')
            an__tb_putc(b, '"');
        an__tb_putc(b, *s);
    }
    an__tb_putc(b, '"');
}

static void csv_begin(struct an__tbuf *b)
{
    AN__TB_LIT(b, "cpu,start_ns,end_ns,pid,tid,process,thread,priority,subsystem\n");
}

static void csv_slice(struct an__tbuf *b, const struct an__slice *s)
{
    const struct ps_process *p = s->t->process;
    an__tb_int(b, s->cpu);
    an__tb_putc(b, ',');
    an__tb_u64(b, (uint64_t)s->start);
    an__tb_putc(b, ',');
    an__tb_u64(b, (uint64_t)s->end);
    an__tb_putc(b, ',');
    an__tb_u64(b, p->pid);
    an__tb_putc(b, ',');
    an__tb_u64(b, s->t->tid);
    an__tb_putc(b, ',');
    csv_field(b, p->entity);
    an__tb_putc(b, ',');
    csv_field(b, an__thread_name(s->t));
    an__tb_putc(b, ',');
    an__tb_int(b, s->priority);
    an__tb_putc(b, ',');
    an__tb_str(b, an__subsystem_name(p->subsystem));
    an__tb_putc(b, '\n');
}

const struct an__trace_format an__trace_csv = {
    .ext = ".csv",
    .begin = csv_begin,
    .slice = csv_slice,
};
