/* analysis/trace_buf.c - the trace writers' output buffer and shared name helpers (layer: analysis).
 * Owns the hand-rolled formatting every trace format uses (strings,
 * integers, fixed-point times) into one large buffer that goes to the file
 * with write(2).  Formatting by hand keeps printf's parsing and locale
 * machinery out of the per-event path.  A failed write is remembered (its
 * errno) and everything after it is dropped, so the caller checks once, at
 * the end of the run.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "analysis/analysis.h"
#define ANALYSIS_INTERNAL
#include "analysis/trace_int.h"

void an__tb_flush(struct an__tbuf *b)
{
    const char *p = b->p;
    size_t left = b->len;
    b->len = 0;
    if (b->err || b->fd < 0)
        return;
    while (left > 0) {
        ssize_t n = write(b->fd, p, left);
        if (n < 0 && errno == EINTR)
            continue; /* Ctrl-C arrives while writing: the run winds down, the trace goes on */
        if (n <= 0) {
            b->err = n < 0 ? errno : EIO;
            return;
        }
        p += n;
        left -= (size_t)n;
        b->bytes += (uint64_t)n;
    }
}

void an__tb_mem_slow(struct an__tbuf *b, const char *s, size_t n)
{
    while (n > 0) {
        if (b->len == AN__TBUF_SIZE)
            an__tb_flush(b);
        size_t room = AN__TBUF_SIZE - b->len;
        size_t k = n < room ? n : room;
        memcpy(b->p + b->len, s, k);
        b->len += k;
        s += k;
        n -= k;
    }
}

void an__tb_int(struct an__tbuf *b, int v)
{
    if (v < 0)
        an__tb_putc(b, '-');
    an__tb_u64(b, v < 0 ? (uint64_t)(-(int64_t)v) : (uint64_t)v);
}

const char *an__thread_name(const struct ke_thread *t)
{
    const char *pe = t->process ? t->process->entity : NULL;
    size_t n = pe ? strlen(pe) : 0;
    if (pe && !strncmp(t->entity, pe, n) && t->entity[n] == '/')
        return t->entity + n + 1;
    return t->entity;
}

const char *an__subsystem_name(enum ps_subsystem s)
{
    return s == PS_SUBSYSTEM_WSL ? "wsl" : "win32";
}
