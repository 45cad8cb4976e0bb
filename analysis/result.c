/* analysis/result.c - the metric rows of one run (layer: analysis).
 * Owns `struct an_result` storage: every output (summary, JSON, database,
 * compare) reads the same rows, so they are kept here, apart from the code
 * that computes them.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#define ANALYSIS_INTERNAL
#include "analysis/analysis_int.h"

const char *an_scope_name(enum an_scope s)
{
    switch (s) {
    case AN_SCOPE_RUN: return "run";
    case AN_SCOPE_SUBSYSTEM: return "subsystem";
    case AN_SCOPE_PROCESS: return "process";
    case AN_SCOPE_THREAD: return "thread";
    case AN_SCOPE_CPU: return "cpu";
    case AN_SCOPE_LOCK: return "lock";
    case AN_SCOPE_DRIVER: return "driver";
    case AN_SCOPE_COUNT: break;
    }
    return "?";
}

int an_result_add(struct an_result *r, enum an_scope scope, const char *entity,
                  const char *name, double value)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 64;
        struct an_row *rows = realloc(r->rows, cap * sizeof *rows);
        if (!rows)
            return -1;
        r->rows = rows;
        r->cap = cap;
    }
    char *copy = strdup(entity ? entity : "");
    if (!copy)
        return -1;
    r->rows[r->n++] = (struct an_row){scope, copy, name, value};
    return 0;
}

const struct an_row *an_result_find(const struct an_result *r, enum an_scope scope,
                                    const char *entity, const char *name)
{
    if (!entity)
        entity = "";
    for (size_t i = 0; i < r->n; i++) {
        const struct an_row *row = &r->rows[i];
        if (row->scope == scope && strcmp(row->name, name) == 0 && strcmp(row->entity, entity) == 0)
            return row;
    }
    return NULL;
}

void an_result_free(struct an_result *r)
{
    free(r->message);
    for (size_t i = 0; i < r->n; i++)
        free(r->rows[i].entity);
    free(r->rows);
    free(r->scenario);
    an__series_free(r);
    memset(r, 0, sizeof *r);
}
