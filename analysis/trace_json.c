/* analysis/trace_json.c - the `.json` trace: Chrome trace event format (layer: analysis).
 *
 * {"traceEvents":[...],"displayTimeUnit":"ns"}, opened by chrome://tracing
 * and ui.perfetto.dev.  One event per line:
 *   - "M" process_name / process_labels (the subsystem) / thread_name, when
 *     a process or thread is created (pid = process pid, tid = thread tid);
 *   - "X" per slice (trace.c) on its thread's track, named "cpu N" so the
 *     colour shows the processor, args {cpu, priority} (NT priority when the
 *     slice began), category the subsystem;
 *   - "i" (thread scope) "quantum end" at every quantum end;
 *   - "C" named after the thread, args {priority}: the thread's NT priority
 *     from its creation on, so boosts and their decay show as a curve;
 *   - "b" / "e" (nestable async, category "lock", id the thread's tid,
 *     named "lock NAME") for every hold of a lock or mutex (trace.c "Lock
 *     holds"): async, because a hold spans slices of the thread and the
 *     "X" slices of a track must nest;
 *   - "i" "notify DRV" (category "notify") for every notify routine
 *     (R7.4-R7.7), args {driver, kind: "process"|"thread", op:
 *     "create"|"exit", pid, process (the entity, "" when vetoed) or tid,
 *     and for a process creation the PS_CREATE_NOTIFY_INFO: is_subsystem,
 *     image and command_line (null when absent, R7.6), parent,
 *     creator_pid, creator_tid, status ("0xC0000022")}; and "i" "create
 *     vetoed" args {spec, by} for a vetoed creation.  Both on the thread
 *     the routine ran in, else on the process created (process scope).
 * ts and dur are microseconds with three decimals (ns precision).  Strings
 * are escaped per RFC 8259 (quote, backslash, every control character), so
 * the file is valid JSON whatever the names.  NT reuses IDs after exit
 * (R7.2): a later process or thread with the same ID shares the track, and
 * the last name given wins.
 *
 * SPDX-License-Identifier: MIT
 */
#include "analysis/analysis.h"
#define ANALYSIS_INTERNAL
#include "analysis/trace_int.h"

/* Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF), or 0. */
static int utf8_len(const unsigned char *p)
{
    int n = p[0] >= 0xF5 ? 0 : p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 ? 2 : 0;
    for (int i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    if ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] >= 0xA0) ||
        (p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] >= 0x90))
        return 0;
    return n;
}

/* An RFC 8259 string: quote, backslash and control characters escaped;
 * a byte that is not part of well-formed UTF-8 becomes U+FFFD, so the file
 * stays valid JSON whatever bytes a name holds. */
static void json_chars(struct an__tbuf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        int n;
        if (*p == '"' || *p == '\\') {
            an__tb_putc(b, '\\');
            an__tb_putc(b, (char)*p);
        } else if (*p < 0x20) {
            AN__TB_LIT(b, "\\u00");
            an__tb_putc(b, hex[*p >> 4]);
            an__tb_putc(b, hex[*p & 15]);
        } else if (*p < 0x80) {
            an__tb_putc(b, (char)*p);
        } else if ((n = utf8_len(p)) > 0) {
            an__tb_mem(b, (const char *)p, (size_t)n);
            p += n - 1;
        } else {
            AN__TB_LIT(b, "\\ufffd");
        }
    }
}

static void json_str(struct an__tbuf *b, const char *s)
{
    an__tb_putc(b, '"');
    json_chars(b, s);
    an__tb_putc(b, '"');
}

/* `,"key":"value"`, or `,"key":null` for NULL; key is a literal-safe name. */
static void json_field(struct an__tbuf *b, const char *key, const char *value)
{
    an__tb_str(b, key);
    if (value)
        json_str(b, value);
    else
        AN__TB_LIT(b, "null");
}

static void json_u64_field(struct an__tbuf *b, const char *key, uint64_t v)
{
    an__tb_str(b, key);
    an__tb_u64(b, v);
}

/* `{"ph":"X","pid":P,"tid":T` (tid omitted when 0): the start of every event. */
static void event_head(struct an__tbuf *b, char ph, uint32_t pid, uint32_t tid)
{
    an__tb_str(b, b->started ? ",\n{\"ph\":\"" : "\n{\"ph\":\"");
    b->started = true;
    an__tb_putc(b, ph);
    AN__TB_LIT(b, "\",\"pid\":");
    an__tb_u64(b, pid);
    if (tid) {
        AN__TB_LIT(b, ",\"tid\":");
        an__tb_u64(b, tid);
    }
}

static void json_us(struct an__tbuf *b, const char *key, sim_time_t ns)
{
    an__tb_str(b, key);
    an__tb_fixed(b, (uint64_t)ns, 3, 3, 0);
}

/* A metadata event: {"ph":"M",...,"name":what,"args":{key:value}}. */
static void meta(struct an__tbuf *b, uint32_t pid, uint32_t tid, const char *what, const char *key,
                 const char *value)
{
    event_head(b, 'M', pid, tid);
    AN__TB_LIT(b, ",\"name\":\"");
    an__tb_str(b, what);
    AN__TB_LIT(b, "\",\"args\":{\"");
    an__tb_str(b, key);
    AN__TB_LIT(b, "\":");
    json_str(b, value);
    AN__TB_LIT(b, "}}");
}

static void json_begin(struct an__tbuf *b) { AN__TB_LIT(b, "{\"traceEvents\":["); }

static void json_process(struct an__tbuf *b, sim_time_t now, const struct ps_process *p, bool exited)
{
    (void)now;
    if (exited)
        return;
    meta(b, p->pid, 0, "process_name", "name", p->entity);
    meta(b, p->pid, 0, "process_labels", "labels", an__subsystem_name(p->subsystem));
}

static void counter(struct an__tbuf *b, sim_time_t now, const struct ke_thread *t)
{
    event_head(b, 'C', t->process->pid, 0);
    json_us(b, ",\"ts\":", now);
    AN__TB_LIT(b, ",\"name\":");
    json_str(b, an__thread_name(t));
    AN__TB_LIT(b, ",\"args\":{\"priority\":");
    an__tb_int(b, t->priority);
    AN__TB_LIT(b, "}}");
}

static void json_thread(struct an__tbuf *b, sim_time_t now, const struct ke_thread *t, bool exited)
{
    if (exited)
        return;
    meta(b, t->process->pid, t->tid, "thread_name", "name", an__thread_name(t));
    counter(b, now, t);
}

static void json_slice(struct an__tbuf *b, const struct an__slice *s)
{
    event_head(b, 'X', s->t->process->pid, s->t->tid);
    json_us(b, ",\"ts\":", s->start);
    json_us(b, ",\"dur\":", s->end - s->start);
    AN__TB_LIT(b, ",\"name\":\"cpu ");
    an__tb_int(b, s->cpu);
    AN__TB_LIT(b, "\",\"cat\":\"");
    an__tb_str(b, an__subsystem_name(s->t->process->subsystem));
    AN__TB_LIT(b, "\",\"args\":{\"cpu\":");
    an__tb_int(b, s->cpu);
    AN__TB_LIT(b, ",\"priority\":");
    an__tb_int(b, s->priority);
    AN__TB_LIT(b, "}}");
}

static void json_quantum_end(struct an__tbuf *b, sim_time_t now, int cpu, const struct ke_thread *t)
{
    event_head(b, 'i', t->process->pid, t->tid);
    json_us(b, ",\"ts\":", now);
    AN__TB_LIT(b, ",\"s\":\"t\",\"name\":\"quantum end\",\"args\":{\"cpu\":");
    an__tb_int(b, cpu);
    AN__TB_LIT(b, "}}");
}

static void json_hold(struct an__tbuf *b, sim_time_t now, const struct ke_thread *t, const struct ke_object *o,
                      bool begin)
{
    event_head(b, begin ? 'b' : 'e', t->process->pid, t->tid);
    json_us(b, ",\"ts\":", now);
    json_u64_field(b, ",\"cat\":\"lock\",\"id\":", t->tid);
    AN__TB_LIT(b, ",\"name\":\"lock ");
    json_chars(b, o->spec->name);
    AN__TB_LIT(b, "\"}");
}

/* An instant event on thread t, else on process p's track: up to "cat". */
static void instant_head(struct an__tbuf *b, sim_time_t now, const struct ke_thread *t,
                         const struct ps_process *p, const char *cat)
{
    event_head(b, 'i', t ? t->process->pid : p ? p->pid : 0, t ? t->tid : 0);
    json_us(b, ",\"ts\":", now);
    an__tb_str(b, t ? ",\"s\":\"t\",\"cat\":\"" : ",\"s\":\"p\",\"cat\":\"");
    an__tb_str(b, cat);
    an__tb_putc(b, '"');
}

static void json_info(struct an__tbuf *b, const struct ps_create_notify_info *info)
{
    an__tb_str(b, info->is_subsystem_process ? ",\"is_subsystem\":true" : ",\"is_subsystem\":false");
    json_field(b, ",\"image\":", info->image_file_name);
    json_field(b, ",\"command_line\":", info->command_line);
    json_u64_field(b, ",\"parent\":", info->parent_process_id);
    json_u64_field(b, ",\"creator_pid\":", info->creating_process_id);
    json_u64_field(b, ",\"creator_tid\":", info->creating_thread_id);
    AN__TB_LIT(b, ",\"status\":\"");
    an__tb_hex32(b, (uint32_t)info->creation_status);
    an__tb_putc(b, '"');
}

static void json_notify(struct an__tbuf *b, sim_time_t now, const struct ps_driver_spec *d, bool create,
                        const struct ps_create_notify_info *info, const struct ps_process *p,
                        const struct ke_thread *t, const struct ke_thread *ctx_thread)
{
    instant_head(b, now, ctx_thread, p, "notify");
    AN__TB_LIT(b, ",\"name\":\"notify ");
    json_chars(b, d->name);
    AN__TB_LIT(b, "\",\"args\":{");
    json_field(b, "\"driver\":", d->name);
    an__tb_str(b, t ? ",\"kind\":\"thread\"" : ",\"kind\":\"process\"");
    an__tb_str(b, create ? ",\"op\":\"create\"" : ",\"op\":\"exit\"");
    json_u64_field(b, ",\"pid\":", p ? p->pid : 0);
    if (t)
        json_u64_field(b, ",\"tid\":", t->tid);
    else
        json_field(b, ",\"process\":", p ? p->entity : "");
    if (info)
        json_info(b, info);
    AN__TB_LIT(b, "}}");
}

static void json_vetoed(struct an__tbuf *b, sim_time_t now, const struct ps_process_spec *spec,
                        const struct ke_thread *creator, const struct ps_driver_spec *by)
{
    instant_head(b, now, creator, NULL, "notify");
    AN__TB_LIT(b, ",\"name\":\"create vetoed\",\"args\":{");
    json_field(b, "\"spec\":", spec->name);
    json_field(b, ",\"by\":", by->name);
    AN__TB_LIT(b, "}}");
}

static void json_end(struct an__tbuf *b, sim_time_t end)
{
    (void)end;
    AN__TB_LIT(b, "\n],\"displayTimeUnit\":\"ns\"}\n");
}

const struct an__trace_format an__trace_json = {
    .ext = ".json",
    .begin = json_begin,
    .process = json_process,
    .thread = json_thread,
    .slice = json_slice,
    .quantum_end = json_quantum_end,
    .priority = counter,
    .hold = json_hold,
    .notify = json_notify,
    .vetoed = json_vetoed,
    .end = json_end,
};
