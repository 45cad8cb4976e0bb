/* scenarios/params.c - the effective scenario as canonical JSON (layer: scenarios).
 * Owns scn_scenario.params_json: the document tree after `--set`
 * overrides, written as one line of JSON, so that a results database
 * records every parameter a run actually used, queryable with SQLite's
 * json_extract (README "Results database").
 *
 * Canonical form: mappings become objects with their keys in file order
 * (an override that adds a key appends it), sequences arrays, aliases are
 * expanded, and scalars strings, except plain (unquoted) scalars that read
 * as a JSON integer (-?(0|[1-9][0-9]*)), `true`, `false`, or null (empty,
 * `~`, `null`), which keep that JSON type.  No spaces; strings escape `"`,
 * `\` and control characters.  The same document always gives the same
 * bytes.
 *
 * SPDX-License-Identifier: MIT
 */
#define SCENARIOS_INTERNAL
#include <stdlib.h>
#include <string.h>

#include "scenarios/scenarios_int.h"

/* Past this size the expansion of aliases is taken for a mistake. */
#define MAX_JSON_BYTES ((long)16 << 20)

struct out {
    struct scn__ctx *c;
    FILE *f;
    bool failed; /* reported already */
};

static void string(FILE *f, const unsigned char *s, size_t len)
{
    fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"' || s[i] == '\\')
            fprintf(f, "\\%c", s[i]);
        else if (s[i] < 0x20)
            fprintf(f, "\\u%04x", s[i]);
        else
            fputc(s[i], f);
    }
    fputc('"', f);
}

static bool is_json_integer(const char *s, size_t len)
{
    size_t i = s[0] == '-';
    if (i >= len || (s[i] == '0' && len > i + 1))
        return false;
    return strspn(s + i, "0123456789") == len - i;
}

static void scalar(FILE *f, const yaml_node_t *n)
{
    const char *s = (const char *)n->data.scalar.value;
    size_t len = n->data.scalar.length;
    bool plain = n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    if (plain && strlen(s) == len &&
        (is_json_integer(s, len) || !strcmp(s, "true") || !strcmp(s, "false")))
        fputs(s, f);
    else if (plain && scn__is_null(n))
        fputs("null", f);
    else
        string(f, (const unsigned char *)s, len);
}

static void value(struct out *o, const yaml_node_t *n, int depth);

static void mapping(struct out *o, const yaml_node_t *n, int depth)
{
    fputc('{', o->f);
    for (const yaml_node_pair_t *p = n->data.mapping.pairs.start;
         !o->failed && p < n->data.mapping.pairs.top; p++) {
        const yaml_node_t *k = scn__node(o->c, p->key);
        if (p != n->data.mapping.pairs.start)
            fputc(',', o->f);
        if (k && k->type == YAML_SCALAR_NODE) /* validation refused any other key */
            string(o->f, k->data.scalar.value, k->data.scalar.length);
        else
            fputs("\"\"", o->f);
        fputc(':', o->f);
        value(o, scn__node(o->c, p->value), depth + 1);
    }
    fputc('}', o->f);
}

static void value(struct out *o, const yaml_node_t *n, int depth)
{
    if (o->failed)
        return;
    if (!n) {
        fputs("null", o->f);
    } else if (depth > SCN__MAX_DEPTH || ftell(o->f) > MAX_JSON_BYTES) {
        scn__error(o->c, n, -1, "the scenario is too deeply nested or too large once its "
                                "aliases are expanded");
        o->failed = true;
    } else if (n->type == YAML_SCALAR_NODE) {
        scalar(o->f, n);
    } else if (n->type == YAML_MAPPING_NODE) {
        mapping(o, n, depth);
    } else {
        fputc('[', o->f);
        for (const yaml_node_item_t *i = n->data.sequence.items.start;
             !o->failed && i < n->data.sequence.items.top; i++) {
            if (i != n->data.sequence.items.start)
                fputc(',', o->f);
            value(o, scn__node(o->c, *i), depth + 1);
        }
        fputc(']', o->f);
    }
}

int scn__params_json(struct scn__ctx *c, char **out)
{
    size_t len;
    struct out o = {c, open_memstream(out, &len), false};
    if (!o.f) {
        scn__oom(c);
        return -1;
    }
    value(&o, yaml_document_get_root_node(&c->doc), 0);
    if (fclose(o.f) != 0 && !o.failed) {
        scn__oom(c);
        o.failed = true;
    }
    if (o.failed) {
        free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}
