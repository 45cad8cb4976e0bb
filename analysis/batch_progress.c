/* analysis/batch_progress.c - the progress display of `pssim batch` (layer: analysis).
 *
 * Owns the two forms of progress on stderr: on a terminal, one line redrawn
 * in place (a bar, runs stored of the batch's total, failures, elapsed time
 * and an estimate of the time left); elsewhere (a log file, a Slurm output
 * file), one plain line per finished run, which stays readable when
 * appended to.  The estimate is the elapsed time per run finished by this
 * batch times the runs left, so it accounts for the workers running in
 * parallel; runs found already stored do not count towards it.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "analysis/analysis.h"
#define ANALYSIS_INTERNAL
#include "analysis/batch_int.h"

#define BAR_CELLS 24

double an__now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "m:ss", or "h:mm:ss" past an hour. */
static void clock_text(double s, char *buf, size_t size)
{
    long t = s > 0 ? (long)(s + 0.5) : 0;
    if (t >= 3600)
        snprintf(buf, size, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, size, "%ld:%02ld", t / 60, t % 60);
}

static void draw(struct an__progress *p)
{
    char bar[BAR_CELLS + 1], elapsed[24], left[24] = "?";
    double now = an__now() - p->start;
    size_t fill = p->total ? p->stored * BAR_CELLS / p->total : BAR_CELLS;
    for (size_t i = 0; i < BAR_CELLS; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[BAR_CELLS] = '\0';
    clock_text(now, elapsed, sizeof elapsed);
    if (p->done_now > 0)
        clock_text(now / (double)p->done_now * (double)(p->total - p->stored), left, sizeof left);
    int n = fprintf(p->f, "\r[%s] %zu/%zu runs, %zu failed, %s elapsed, %s%s left", bar, p->stored,
                    p->total, p->failed, elapsed, p->done_now > 0 ? "~" : "", left);
    if (n > 0 && n < p->width) /* wipe what a longer line left */
        fprintf(p->f, "%*s", p->width - n, "");
    if (n > p->width)
        p->width = n;
    fflush(p->f);
}

void an__progress_start(struct an__progress *p)
{
    p->start = an__now();
    p->width = 0;
    if (p->f && p->bar)
        draw(p);
}

void an__progress_run(struct an__progress *p, bool ok, const char *line)
{
    p->stored++;
    p->done_now++;
    p->failed += !ok;
    if (!p->f)
        return;
    if (p->bar) {
        draw(p);
    } else {
        fprintf(p->f, "[%zu/%zu] %s\n", p->stored, p->total, line);
        fflush(p->f);
    }
}

void an__progress_tick(struct an__progress *p)
{
    if (p->f && p->bar)
        draw(p);
}

void an__progress_end(struct an__progress *p)
{
    if (p->f && p->bar && p->width > 0) {
        draw(p);
        fputc('\n', p->f);
        fflush(p->f);
    }
    p->width = 0;
}
