/* analysis/report.c - a run's result as JSON and as a terminal table (layer: analysis).
 * Owns the two textual outputs of `pssim run`.  Both are built from the
 * metric rows only (never from metrics internals), so they show exactly what
 * the database and `compare` see.
 *
 * SPDX-License-Identifier: MIT
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#define ANALYSIS_INTERNAL
#include "analysis/analysis_int.h"

/* ===== JSON ============================================================= */

/* RFC 8259 string: quotes and backslashes escaped, every control character
 * as \u00XX; other bytes (UTF-8 included) pass through. */
void an__json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\') {
            fputc('\\', f);
            fputc(*p, f);
        } else if (*p < 0x20) {
            fprintf(f, "\\u%04x", *p);
        } else {
            fputc(*p, f);
        }
    }
    fputc('"', f);
}

/* %.17g round-trips a double; JSON has no NaN or infinity. */
void an__json_number(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.17g", v);
    else
        fputs("null", f);
}

static void json_row(FILE *f, const struct an_row *row)
{
    fputs("{\"scope\":", f);
    an__json_string(f, an_scope_name(row->scope));
    fputs(",\"entity\":", f);
    an__json_string(f, row->entity);
    fputs(",\"name\":", f);
    an__json_string(f, row->name);
    fputs(",\"value\":", f);
    an__json_number(f, row->value);
    fputc('}', f);
}

int an_write_json(FILE *f, const struct an_result *r, bool stable)
{
    fputs("{\"scenario\":", f);
    an__json_string(f, r->scenario);
    fprintf(f, ",\"seed\":%" PRIu64 ",\"sim_time_ns\":%" PRId64 ",\"events\":%" PRIu64
               ",\"wall_seconds\":",
            r->seed, (int64_t)r->sim_time, r->events);
    an__json_number(f, stable ? 0.0 : r->wall_seconds);
    fputs(",\"status\":", f);
    an__json_string(f, r->status);
    fputs(",\"metrics\":[", f);
    for (size_t i = 0; i < r->n; i++) {
        if (i)
            fputc(',', f);
        json_row(f, &r->rows[i]);
    }
    fputs("]}\n", f);
    return ferror(f) ? -1 : 0;
}

/* ===== summary table ==================================================== */

#define ENTITY_WIDTH 24
#define TABLE_HEAD "%-24s %8s %12s %9s %11s %11s %10s\n"

static double value_of(const struct an_result *r, enum an_scope scope, const char *entity,
                       const char *name)
{
    const struct an_row *row = an_result_find(r, scope, entity, name);
    return row ? row->value : NAN;
}

/* A number scaled for display, or "-" when the row does not exist. */
static void put_num(FILE *f, int width, int decimals, double v, double scale)
{
    if (isnan(v))
        fprintf(f, " %*s", width, "-");
    else
        fprintf(f, " %*.*f", width, decimals, v * scale);
}

/* Left-align s in `width` columns, counting UTF-8 characters rather than
 * bytes, and cut it with "..." when longer so the next columns stay put. */
static void put_cell(FILE *f, const char *s, int width)
{
    int chars = 0;
    size_t cut = 0; /* byte offset where the (width - 3)th character ends */
    for (size_t i = 0; s[i]; i++) {
        if (((unsigned char)s[i] & 0xC0) == 0x80)
            continue;
        if (chars == width - 3)
            cut = i;
        chars++;
    }
    if (chars <= width) {
        fprintf(f, "%s%*s", s, width - chars, "");
        return;
    }
    fprintf(f, "%.*s...", (int)cut, s);
}

static void run_line(FILE *f, const struct an_result *r, const char *label, const char *name,
                     int decimals, double scale, const char *unit)
{
    fprintf(f, "  %-18s", label);
    put_num(f, 12, decimals, value_of(r, AN_SCOPE_RUN, "", name), scale);
    fprintf(f, "%s\n", unit);
}

static void print_run(FILE *f, const struct an_result *r)
{
    fputs("run\n", f);
    run_line(f, r, "utilisation", "utilization", 2, 100, " %");
    run_line(f, r, "context switches", "context_switches", 0, 1, "");
    run_line(f, r, "preemptions", "preemptions", 0, 1, "");
    run_line(f, r, "migrations", "migrations", 0, 1, "");
    run_line(f, r, "Jain's index", "jain_fairness", 4, 1, "");
    run_line(f, r, "latency p50", "latency_p50", 3, 1e3, " ms");
    run_line(f, r, "latency p99", "latency_p99", 3, 1e3, " ms");
    run_line(f, r, "latency max", "latency_max", 3, 1e3, " ms");
    run_line(f, r, "starvation max", "starvation_max", 3, 1e3, " ms");
}

/* Every subsystem and process has exactly one cpu_time row: those rows
 * list the entities of a scope, in order. */
static bool is_entity_row(const struct an_row *row, enum an_scope scope)
{
    return row->scope == scope && strcmp(row->name, "cpu_time") == 0;
}

/* ----- entity tables ---------------------------------------------------- */

/* One table line per entity of `scope`, in row order. */
static void print_table(FILE *f, const struct an_result *r, enum an_scope scope)
{
    bool head = false;
    for (size_t i = 0; i < r->n; i++) {
        const struct an_row *row = &r->rows[i];
        if (!is_entity_row(row, scope))
            continue;
        if (!head) {
            fprintf(f, "\n" TABLE_HEAD, an_scope_name(scope), "pid", "cpu time s", "share %",
                    "p50 ms", "p99 ms", "switches");
            head = true;
        }
        const char *e = row->entity;
        put_cell(f, e, ENTITY_WIDTH);
        put_num(f, 8, 0, value_of(r, scope, e, "pid"), 1);
        put_num(f, 12, 3, row->value, 1);
        put_num(f, 9, 2, value_of(r, scope, e, "share"), 100);
        put_num(f, 11, 3, value_of(r, scope, e, "latency_p50"), 1e3);
        put_num(f, 11, 3, value_of(r, scope, e, "latency_p99"), 1e3);
        put_num(f, 10, 0, value_of(r, scope, e, "switches"), 1);
        fputc('\n', f);
    }
}

void an_print_summary(FILE *f, const struct an_result *r)
{
    fprintf(f, "scenario %s  seed %" PRIu64 "  simulated %.3f s  events %" PRIu64
               "  wall %.3f s  status %s\n\n",
            r->scenario ? r->scenario : "-", r->seed, sim_time_to_seconds(r->sim_time), r->events,
            r->wall_seconds, r->status ? r->status : "-");
    print_run(f, r);
    print_table(f, r, AN_SCOPE_SUBSYSTEM);
    print_table(f, r, AN_SCOPE_PROCESS);
}
