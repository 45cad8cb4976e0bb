/* scenarios/override.c - `--set KEY=VALUE` applied to the YAML tree (layer: scenarios).
 *
 * Owns scn_override_parse and the editing of the parsed document before it
 * is converted: an override replaces (or adds) a node, so its value then goes
 * through exactly the same validation as if it had been written in the file.
 *
 * VALUE is parsed by its own libyaml parser (so flow text such as
 * `{units: 6}` works) and its nodes are copied into the scenario's document.
 * The ids of every node an override adds are recorded (scn__ctx.ov_first,
 * ov_last), which is how an error in that value is reported as
 * "--set KEY=VALUE: error: ..." instead of a position in the file.  The
 * copies take the position of the node they replace (or of the mapping they
 * join), so that run-time errors (ke_src) still point somewhere sensible.
 *
 * Path rules: a mapping is entered by key, and a missing key (final or
 * intermediate) is created; a list is entered by the `name` of a mapping
 * element, else by a 0-based index.  Lists are never extended.
 *
 * libyaml keeps nodes in one array that grows as nodes are added, so node
 * pointers are re-fetched after every addition; the pair and item arrays of
 * a node are separate allocations and stay put.
 *
 * SPDX-License-Identifier: MIT
 */
#define SCENARIOS_INTERNAL
#include <stdlib.h>
#include <string.h>

#include "scenarios/scenarios_int.h"

struct walk {
    struct scn__ctx *c;
    const struct scn_override *o;
    char head[450];          /* "--set KEY=VALUE" for messages */
    yaml_document_t value;   /* VALUE, parsed */
    bool too_deep;           /* copy() gave up and said so */
};

int scn_override_parse(char *arg, struct scn_override *out)
{
    char *eq = strchr(arg, '=');
    if (!eq) /* an empty key ("=5") is reported by scn_load, with the others */
        return -1;
    *eq = '\0';
    out->key = arg;
    out->value = eq + 1;
    return 0;
}

static int next_id(const struct scn__ctx *c)
{
    return (int)(c->doc.nodes.top - c->doc.nodes.start) + 1;
}

static void set_mark(struct scn__ctx *c, int id, yaml_mark_t mark)
{
    yaml_node_t *n = scn__node(c, id);
    n->start_mark = n->end_mark = mark;
}

/* Copy node `src` of the value document (and what it holds) into the
 * scenario's document; the new id, or 0 after reporting. */
static int copy(struct walk *w, const yaml_node_t *src, yaml_mark_t mark, int depth)
{
    yaml_document_t *d = &w->c->doc;
    if (depth > SCN__MAX_DEPTH) { /* an anchor may refer to itself */
        if (!w->too_deep)
            scn__error_head(w->c, w->head, "value nested more than %d levels deep",
                            SCN__MAX_DEPTH);
        w->too_deep = true;
        return 0;
    }
    int id = 0, ok = 1;
    if (!src) /* an empty VALUE: null */
        id = yaml_document_add_scalar(d, NULL, (yaml_char_t *)"", 0, YAML_PLAIN_SCALAR_STYLE);
    else if (src->type == YAML_SCALAR_NODE)
        id = yaml_document_add_scalar(d, src->tag, src->data.scalar.value,
                                      (int)src->data.scalar.length, src->data.scalar.style);
    else if (src->type == YAML_SEQUENCE_NODE)
        id = yaml_document_add_sequence(d, src->tag, src->data.sequence.style);
    else
        id = yaml_document_add_mapping(d, src->tag, src->data.mapping.style);
    if (!id)
        goto oom;
    set_mark(w->c, id, mark);
    if (src && src->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *i = src->data.sequence.items.start;
             ok && i < src->data.sequence.items.top; i++) {
            int item = copy(w, yaml_document_get_node(&w->value, *i), mark, depth + 1);
            ok = item && yaml_document_append_sequence_item(d, id, item);
        }
    } else if (src && src->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *p = src->data.mapping.pairs.start;
             ok && p < src->data.mapping.pairs.top; p++) {
            int k = copy(w, yaml_document_get_node(&w->value, p->key), mark, depth + 1);
            int v = k ? copy(w, yaml_document_get_node(&w->value, p->value), mark, depth + 1) : 0;
            ok = v && yaml_document_append_mapping_pair(d, id, k, v);
        }
    }
    if (ok)
        return id;
oom:
    if (!w->too_deep)
        scn__oom(w->c);
    return 0;
}

/* Add `key: <node value>` to mapping `map`; 0 or -1. */
static int add_pair(struct walk *w, int map, const char *key, int value)
{
    yaml_document_t *d = &w->c->doc;
    int k = yaml_document_add_scalar(d, NULL, (const yaml_char_t *)key, (int)strlen(key),
                                     YAML_PLAIN_SCALAR_STYLE);
    if (!k || !yaml_document_append_mapping_pair(d, map, k, value)) {
        scn__oom(w->c);
        return -1;
    }
    set_mark(w->c, k, scn__node(w->c, map)->start_mark);
    return 0;
}

/* Index of the element of list `seq` named `comp` (its `name:`), else of
 * index `comp`; -1 after reporting.  `where` is the list's path. */
static int element(struct walk *w, const yaml_node_t *seq, const char *comp, int where)
{
    const yaml_node_item_t *it = seq->data.sequence.items.start;
    int n = (int)(seq->data.sequence.items.top - it);
    for (int k = 0; k < n; k++) {
        const yaml_node_t *e = scn__node(w->c, it[k]);
        for (const yaml_node_pair_t *p = e->type == YAML_MAPPING_NODE ? e->data.mapping.pairs.start
                                                                      : NULL;
             p && p < e->data.mapping.pairs.top; p++) {
            const char *key = scn__scalar(scn__node(w->c, p->key));
            const char *val = scn__scalar(scn__node(w->c, p->value));
            if (key && val && !strcmp(key, "name") && !strcmp(val, comp))
                return k;
        }
    }
    size_t len = strlen(comp);
    if (len > 0 && len < 10 && strspn(comp, "0123456789") == len) {
        int k = atoi(comp);
        if (k < n)
            return k;
        scn__error_head(w->c, w->head, "no element %d in %.*s (it has %d)", k, where, w->o->key, n);
    } else {
        scn__error_head(w->c, w->head, "no element named '%s' in %.*s", comp, where, w->o->key);
    }
    return -1;
}

/* The child `comp` of node `cur`: *slot points at the id it holds, or is
 * NULL when mapping `cur` has no such key.  -1 after reporting. */
static int locate(struct walk *w, int cur, const char *comp, int where, int **slot)
{
    yaml_node_t *n = scn__node(w->c, cur);
    *slot = NULL;
    if (n->type == YAML_MAPPING_NODE) {
        yaml_node_pair_t *p = n->data.mapping.pairs.start;
        for (; p < n->data.mapping.pairs.top; p++) {
            const char *key = scn__scalar(scn__node(w->c, p->key));
            if (key && !strcmp(key, comp)) {
                *slot = &p->value; /* the first, as conversion uses the first of duplicates */
                break;
            }
        }
        return 0;
    }
    if (n->type == YAML_SEQUENCE_NODE) {
        int k = element(w, n, comp, where);
        if (k >= 0)
            *slot = &n->data.sequence.items.start[k];
        return k < 0 ? -1 : 0;
    }
    char got[120];
    scn__describe(n, got, sizeof got);
    scn__error_head(w->c, w->head, "%.*s is %s, not a mapping or a list", where, w->o->key, got);
    return -1;
}

/* Enter `comp` of `cur`, creating a mapping when it is missing or null. */
static int step(struct walk *w, int cur, const char *comp, int where)
{
    int *slot;
    if (locate(w, cur, comp, where, &slot) < 0)
        return 0;
    if (slot && !scn__is_null(scn__node(w->c, *slot)))
        return *slot;
    yaml_mark_t mark = scn__node(w->c, slot ? *slot : cur)->start_mark;
    int m = yaml_document_add_mapping(&w->c->doc, NULL, YAML_BLOCK_MAPPING_STYLE);
    if (!m) {
        scn__oom(w->c);
        return 0;
    }
    set_mark(w->c, m, mark);
    if (slot)
        *slot = m;
    else if (add_pair(w, cur, comp, m) < 0)
        return 0;
    return m;
}

/* Put VALUE at `comp` of `cur`. */
static void put(struct walk *w, int cur, const char *comp, int where)
{
    int *slot;
    if (locate(w, cur, comp, where, &slot) < 0)
        return;
    yaml_mark_t mark = scn__node(w->c, slot ? *slot : cur)->start_mark;
    int v = copy(w, yaml_document_get_root_node(&w->value), mark, 0);
    if (v && slot)
        *slot = v;
    else if (v)
        add_pair(w, cur, comp, v);
}

/* Walk KEY component by component from the root. */
static void walk_key(struct walk *w, char *path)
{
    int cur = 1; /* the root: scn__parse made sure it is a mapping */
    for (char *comp = path;;) {
        char *dot = strchr(comp, '.');
        int where = (int)(comp - path) - 1; /* length of the path before comp */
        if (dot)
            *dot = '\0';
        if (!dot) {
            put(w, cur, comp, where);
            return;
        }
        if (!(cur = step(w, cur, comp, where)))
            return;
        comp = dot + 1;
    }
}

static int parse_value(struct walk *w)
{
    yaml_parser_t p;
    const unsigned char *text = (const unsigned char *)w->o->value;
    if (!yaml_parser_initialize(&p)) {
        scn__oom(w->c);
        return -1;
    }
    yaml_parser_set_input_string(&p, text, strlen(w->o->value));
    int ok = yaml_parser_load(&p, &w->value);
    if (!ok) {
        char msg[400];
        yaml_mark_t m;
        if (scn__yaml_problem(&p, text, strlen(w->o->value), msg, sizeof msg, &m))
            scn__oom(w->c);
        else
            scn__error_head(w->c, w->head, "%s (at column %d of the value)", msg,
                            (int)m.column + 1);
    }
    yaml_parser_delete(&p);
    return ok ? 0 : -1;
}

/* Keys are made of the format's key names and entity names: anything else
 * (control characters, non-ASCII bytes, empty components) can only be a
 * mistake.  Checked before walking, which creates missing keys as it goes. */
static bool key_ok(const char *key)
{
    for (const unsigned char *s = (const unsigned char *)key; *s; s++)
        if (*s <= 0x20 || *s >= 0x7F)
            return false;
    size_t n = strlen(key);
    return n > 0 && key[0] != '.' && key[n - 1] != '.' && !strstr(key, "..");
}

static void apply_one(struct scn__ctx *c, size_t i)
{
    struct walk w = {.c = c, .o = &c->ov[i]};
    scn__override_head(w.o, w.head, sizeof w.head);
    if (!key_ok(w.o->key)) {
        scn__error_head(c, w.head, "invalid key (expected a dotted path such as machine.cpus)");
        return;
    }
    char *path = strdup(w.o->key);
    if (!path) {
        scn__oom(c);
        return;
    }
    if (parse_value(&w) == 0) {
        walk_key(&w, path);
        yaml_document_delete(&w.value);
    }
    free(path);
}

void scn__apply_overrides(struct scn__ctx *c)
{
    if (!c->nov)
        return;
    c->ov_first = calloc(c->nov, sizeof *c->ov_first);
    c->ov_last = calloc(c->nov, sizeof *c->ov_last);
    if (!c->ov_first || !c->ov_last) {
        scn__oom(c);
        return;
    }
    for (size_t i = 0; i < c->nov && !scn__enough(c); i++) {
        c->ov_first[i] = next_id(c);
        apply_one(c, i);
        c->ov_last[i] = next_id(c);
    }
}
