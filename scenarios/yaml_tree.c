/* scenarios/yaml_tree.c - the YAML side of the loader (layer: scenarios).
 *
 * Owns reading the scenario file, parsing it with libyaml into a document
 * tree (yaml_document_t, so that overrides can edit it before conversion),
 * the collection and printing of error messages, and the table-driven check
 * of a mapping's keys that every section of the format goes through.
 *
 * Errors are collected rather than printed at once so that they can be sorted
 * by position: the machine section is converted before the processes
 * whatever their order in the file (affinities depend on machine.cpus), yet
 * the user should read the messages top to bottom, as a compiler prints them.
 *
 * SPDX-License-Identifier: MIT
 */
#define SCENARIOS_INTERNAL
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/scenarios_int.h"

/* ===== errors ========================================================== */

static void add_diag(struct scn__ctx *c, int line, int col, const char *text)
{
    if (c->ndiags >= SCN__MAX_COLLECTED)
        return;
    if (c->ndiags == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 8;
        struct scn__diag *d = realloc(c->diags, cap * sizeof *d);
        if (!d) {
            c->oom = true;
            return;
        }
        c->diags = d;
        c->cap = cap;
    }
    char *copy = strdup(text);
    if (!copy) {
        c->oom = true;
        return;
    }
    c->diags[c->ndiags] = (struct scn__diag){line, col, c->ndiags, copy};
    c->ndiags++;
}

/* Record "FILE:LINE:COL: error: MSG", or "HEAD: error: MSG" when head is set. */
static void vdiag(struct scn__ctx *c, const char *head, int line, int col, const char *fmt,
                  va_list ap)
{
    char msg[600], text[1200];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (head)
        snprintf(text, sizeof text, "%s: error: %s", head, msg);
    else
        snprintf(text, sizeof text, "%s:%d:%d: error: %s", c->path, line, col, msg);
    add_diag(c, head ? 0 : line, head ? 0 : col, text);
}

/* The override whose value node `id` belongs to, or -1. */
static int override_of(const struct scn__ctx *c, int id)
{
    for (size_t i = 0; c->ov_first && i < c->nov; i++)
        if (id >= c->ov_first[i] && id < c->ov_last[i])
            return (int)i;
    return -1;
}

void scn__override_head(const struct scn_override *o, char *buf, size_t size)
{
    char k[200], v[200];
    scn__sanitize(o->key, k, sizeof k);
    scn__sanitize(o->value, v, sizeof v);
    snprintf(buf, size, "--set %s=%s", k, v);
}

/* Text offsets of quoted scalars start after the quote; block scalars start
 * on the next line, where an offset would mislead, so it is dropped. */
static int scalar_column(const yaml_node_t *n, int offset)
{
    int col = (int)n->start_mark.column + 1;
    if (offset < 0 || n->type != YAML_SCALAR_NODE)
        return col;
    switch (n->data.scalar.style) {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE:
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
        return col + 1 + offset;
    case YAML_LITERAL_SCALAR_STYLE:
    case YAML_FOLDED_SCALAR_STYLE:
        return col;
    default:
        return col + offset;
    }
}

void scn__error(struct scn__ctx *c, const yaml_node_t *n, int offset, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int ov = override_of(c, scn__node_id(c, n));
    if (ov >= 0) {
        char head[450];
        scn__override_head(&c->ov[ov], head, sizeof head);
        vdiag(c, head, 0, 0, fmt, ap);
    } else {
        vdiag(c, NULL, (int)n->start_mark.line + 1, scalar_column(n, offset), fmt, ap);
    }
    va_end(ap);
}

void scn__error_mark(struct scn__ctx *c, yaml_mark_t m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(c, NULL, (int)m.line + 1, (int)m.column + 1, fmt, ap);
    va_end(ap);
}

void scn__error_head(struct scn__ctx *c, const char *head, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(c, head, 0, 0, fmt, ap);
    va_end(ap);
}

void scn__oom(struct scn__ctx *c)
{
    if (!c->oom)
        scn__error_head(c, c->path, "out of memory");
    c->oom = true;
}

bool scn__enough(const struct scn__ctx *c)
{
    return c->oom || c->ndiags >= SCN__MAX_COLLECTED || c->ops > SCN__MAX_OPS;
}

static int diag_cmp(const void *a, const void *b)
{
    const struct scn__diag *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

size_t scn__flush(struct scn__ctx *c)
{
    size_t n = c->ndiags;
    if (c->oom && n == 0 && c->errfp) /* not even the message could be stored */
        fprintf(c->errfp, "%s: error: out of memory\n", c->path);
    if (n)
        qsort(c->diags, n, sizeof *c->diags, diag_cmp);
    for (size_t i = 0; i < n; i++) {
        if (i < SCN__MAX_PRINTED && c->errfp)
            fprintf(c->errfp, "%s\n", c->diags[i].text);
        free(c->diags[i].text);
    }
    free(c->diags);
    c->diags = NULL;
    c->ndiags = c->cap = 0;
    return n + (c->oom && n == 0);
}

/* ===== reading and parsing ============================================== */

static int too_big(struct scn__ctx *c)
{
    scn__error_head(c, c->path, "larger than %zu MiB: not a scenario file",
                    SCN__MAX_FILE_BYTES >> 20);
    return -1;
}

int scn__read_buffer(struct scn__ctx *c, const void *text, size_t len)
{
    if (len > SCN__MAX_FILE_BYTES)
        return too_big(c);
    if (!(c->text = malloc(len ? len : 1))) {
        scn__oom(c);
        return -1;
    }
    memcpy(c->text, text, len);
    c->len = len;
    return 0;
}

int scn__read_file(struct scn__ctx *c)
{
    FILE *f = fopen(c->path, "rb");
    if (!f) {
        scn__error_head(c, c->path, "cannot open: %s", strerror(errno));
        return -1;
    }
    size_t cap = 0;
    for (;;) {
        if (c->len > SCN__MAX_FILE_BYTES) {
            fclose(f);
            return too_big(c);
        }
        if (c->len == cap) {
            unsigned char *t = realloc(c->text, cap = cap ? cap * 2 : 4096);
            if (!t) {
                fclose(f);
                scn__oom(c);
                return -1;
            }
            c->text = t;
        }
        size_t got = fread(c->text + c->len, 1, cap - c->len, f);
        c->len += got;
        if (got == 0)
            break;
    }
    int err = ferror(f) ? (errno ? errno : EIO) : 0;
    fclose(f);
    if (err)
        scn__error_head(c, c->path, "cannot read: %s", strerror(err));
    return err ? -1 : 0;
}

/* Position of byte `offset` of `text` (libyaml gives reader errors, such as
 * invalid UTF-8, only as an offset).  Columns count UTF-8 characters, as
 * libyaml's own marks do. */
static yaml_mark_t mark_at(const unsigned char *text, size_t len, size_t offset)
{
    yaml_mark_t m = {0, 0, 0};
    for (size_t i = 0; i < offset && i < len; i++) {
        if (text[i] == '\n') {
            m.line++;
            m.column = 0;
        } else if ((text[i] & 0xC0) != 0x80) {
            m.column++;
        }
    }
    m.index = offset;
    return m;
}

/* The byte at line/column `m` of `text`, or 0. */
static unsigned char byte_at(const unsigned char *text, size_t len, yaml_mark_t m)
{
    size_t i = 0;
    for (size_t line = 0; i < len && line < m.line; i++)
        if (text[i] == '\n')
            line++;
    for (size_t col = 0; i < len && col < m.column && text[i] != '\n'; col++) {
        i++;
        while (i < len && (text[i] & 0xC0) == 0x80) /* rest of a UTF-8 character */
            i++;
    }
    return i < len ? text[i] : 0;
}

bool scn__yaml_problem(const yaml_parser_t *p, const unsigned char *text, size_t len,
                       char *msg, size_t size, yaml_mark_t *mark)
{
    const char *problem = p->problem ? p->problem : "invalid YAML";
    /* some of libyaml's allocation failures leave `error` unset */
    if (p->error == YAML_MEMORY_ERROR || p->error == YAML_NO_ERROR) {
        snprintf(msg, size, "out of memory");
        *mark = (yaml_mark_t){0, 0, 0};
        return true;
    } else if (p->error == YAML_READER_ERROR) {
        *mark = mark_at(text, len, p->problem_offset);
        if (p->problem_value != -1)
            snprintf(msg, size, "%s (0x%02X)", problem, (unsigned)p->problem_value);
        else
            snprintf(msg, size, "%s", problem);
    } else {
        *mark = p->problem_mark;
        /* a tab where indentation is expected is the classic YAML mistake */
        bool tab = byte_at(text, len, *mark) == '\t';
        char ctx[160] = "";
        if (p->context && p->context_mark.line != mark->line) /* "while parsing a block..." */
            snprintf(ctx, sizeof ctx, " %s started at line %d", p->context,
                     (int)p->context_mark.line + 1);
        else if (p->context)
            snprintf(ctx, sizeof ctx, " %s", p->context);
        snprintf(msg, size, "%s%s%s", problem, ctx,
                 tab ? " (tabs cannot be used for indentation in YAML)" : "");
    }
    return false;
}

static void syntax_error(struct scn__ctx *c, yaml_parser_t *p)
{
    char msg[400];
    yaml_mark_t m;
    if (scn__yaml_problem(p, c->text, c->len, msg, sizeof msg, &m))
        scn__oom(c);
    else
        scn__error_mark(c, m, "%s", msg);
}

/* A scenario is one document: a second one is more likely a mistake (a
 * stray "---") than something the user wants silently ignored. */
static int check_single_document(struct scn__ctx *c, yaml_parser_t *p)
{
    yaml_document_t extra;
    if (!yaml_parser_load(p, &extra)) {
        syntax_error(c, p);
        return -1;
    }
    bool more = yaml_document_get_root_node(&extra) != NULL;
    if (more)
        scn__error_mark(c, extra.start_mark,
                        "a scenario file holds one YAML document, found a second one");
    yaml_document_delete(&extra);
    return more ? -1 : 0;
}

/* libyaml's scanner spends time proportional to the depth of flow
 * collections on every token, so "[[[[..." thousands deep takes minutes to
 * load: a first pass over the events refuses excessive nesting early.  A
 * syntax error here is left for the load to report. */
static int check_depth(struct scn__ctx *c)
{
    yaml_parser_t p;
    yaml_event_t e;
    if (!yaml_parser_initialize(&p)) {
        scn__oom(c);
        return -1;
    }
    yaml_parser_set_input_string(&p, c->text, c->len);
    int depth = 0, rc = 0;
    while (rc == 0 && yaml_parser_parse(&p, &e)) {
        yaml_event_type_t t = e.type;
        if ((t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT) &&
            ++depth > SCN__MAX_YAML_DEPTH) {
            scn__error_mark(c, e.start_mark, "nested more than %d levels deep",
                            SCN__MAX_YAML_DEPTH);
            rc = -1;
        }
        depth -= t == YAML_SEQUENCE_END_EVENT || t == YAML_MAPPING_END_EVENT;
        yaml_event_delete(&e);
        if (t == YAML_STREAM_END_EVENT)
            break;
    }
    yaml_parser_delete(&p);
    return rc;
}

int scn__parse(struct scn__ctx *c)
{
    yaml_parser_t p;
    if (check_depth(c) != 0)
        return -1;
    if (!yaml_parser_initialize(&p)) {
        scn__oom(c);
        return -1;
    }
    yaml_parser_set_input_string(&p, c->text, c->len);
    int rc = -1;
    if (!yaml_parser_load(&p, &c->doc)) {
        syntax_error(c, &p);
        goto done;
    }
    c->have_doc = true;
    if (check_single_document(c, &p) < 0)
        goto done;
    yaml_node_t *root = yaml_document_get_root_node(&c->doc);
    char got[120];
    if (!root) {
        scn__error_mark(c, (yaml_mark_t){0, 0, 0},
                        "empty scenario (expected a mapping with machine and processes)");
    } else if (root->type != YAML_MAPPING_NODE) {
        scn__describe(root, got, sizeof got);
        scn__error(c, root, -1, "expected a mapping of scenario keys at top level, got %s", got);
    } else {
        rc = 0;
    }
done:
    yaml_parser_delete(&p);
    return rc;
}

/* ===== nodes ============================================================ */

yaml_node_t *scn__node(struct scn__ctx *c, int id)
{
    return yaml_document_get_node(&c->doc, id);
}

int scn__node_id(struct scn__ctx *c, const yaml_node_t *n)
{
    return (int)(n - c->doc.nodes.start) + 1;
}

const char *scn__scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* The loader tags every untagged scalar as a string (it does not resolve the
 * core schema), so null is recognised here, from a plain scalar's text. */
bool scn__is_null(const yaml_node_t *n)
{
    if (!n)
        return true;
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *s = scn__scalar(n);
    return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
           !strcmp(s, "NULL");
}

void scn__sanitize(const char *s, char *buf, size_t size)
{
    size_t o = 0, i = 0;
    for (; s[i] && o + 8 < size; i++) { /* room for an escape, "..." and '\0' */
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x20 || ch == 0x7F)
            o += (size_t)snprintf(buf + o, size - o, "\\x%02X", ch);
        else
            buf[o++] = (char)ch;
    }
    /* never cut a UTF-8 character in the middle */
    while (s[i] && o > 0 && ((unsigned char)s[i] & 0xC0) == 0x80) {
        i--;
        o--;
    }
    if (s[i]) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = '\0';
}

void scn__describe(const yaml_node_t *n, char *buf, size_t size)
{
    if (scn__is_null(n)) {
        snprintf(buf, size, "nothing");
    } else if (n->type == YAML_MAPPING_NODE) {
        snprintf(buf, size, "a mapping");
    } else if (n->type == YAML_SEQUENCE_NODE) {
        snprintf(buf, size, "a list");
    } else {
        char s[72]; /* long scalars are shortened: messages stay one readable line */
        scn__sanitize(scn__scalar(n), s, sizeof s);
        snprintf(buf, size, "'%s'", s);
    }
}

void scn__src(const struct scn__ctx *c, const yaml_node_t *n, struct ke_src *src)
{
    src->file = c->path;
    src->line = (int)n->start_mark.line + 1;
    src->col = (int)n->start_mark.column + 1;
}

/* ===== table-driven keys ================================================ */

void scn__type_error(struct scn__ctx *c, const struct scn__field *f, const char *expected)
{
    char got[120];
    assert(f->val || f->key); /* callers only check what the file holds */
    scn__describe(f->val, got, sizeof got);
    scn__error(c, f->val ? f->val : f->key, -1, "expected %s for '%s', got %s", expected,
               f->name, got);
}

static int find_key(const struct scn__section *s, const char *name)
{
    for (int i = 0; i < s->nkeys; i++)
        if (!strcmp(s->keys[i].name, name))
            return i;
    return -1;
}

static void unknown_key(struct scn__ctx *c, const yaml_node_t *key, const struct scn__section *s)
{
    char list[400] = "", name[120];
    size_t o = 0;
    for (int i = 0; i < s->nkeys; i++)
        if (!(s->keys[i].flags & SCN__RESERVED) && o < sizeof list)
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", o ? ", " : "",
                                  s->keys[i].name);
    scn__sanitize(scn__scalar(key), name, sizeof name);
    scn__error(c, key, -1, "unknown key '%s' in %s (expected %s)", name, s->where, list);
}

/* Place one key/value pair of a mapping into its field. */
static void take_pair(struct scn__ctx *c, const yaml_node_t *key, const yaml_node_t *val,
                      const struct scn__section *s, struct scn__field *f)
{
    char got[120];
    const char *name = scn__scalar(key);
    if (!name) {
        scn__describe(key, got, sizeof got);
        scn__error(c, key, -1, "expected a plain key in %s, got %s", s->where, got);
        return;
    }
    int i = find_key(s, name);
    if (i < 0) {
        unknown_key(c, key, s);
    } else if (s->keys[i].flags & SCN__RESERVED) {
        scn__error(c, key, -1, "'%s' is not supported yet by this version of pssim", name);
    } else if (f[i].key) {
        scn__error(c, key, -1, "duplicate key '%s' in %s (first at line %d)", name, s->where,
                   (int)f[i].key->start_mark.line + 1);
    } else {
        f[i].key = key;
        f[i].val = val;
    }
}

int scn__fields(struct scn__ctx *c, const yaml_node_t *map, const char *what,
                const struct scn__section *s, struct scn__field *f)
{
    for (int i = 0; i < s->nkeys; i++)
        f[i] = (struct scn__field){NULL, NULL, s->keys[i].name};
    if (!map || map->type != YAML_MAPPING_NODE) {
        struct scn__field self = {NULL, map, what};
        scn__type_error(c, &self, "a mapping");
        return -1;
    }
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++)
        take_pair(c, scn__node(c, p->key), scn__node(c, p->value), s, f);
    for (int i = 0; i < s->nkeys; i++)
        if ((s->keys[i].flags & SCN__REQUIRED) && !f[i].key)
            scn__error(c, map, -1, "missing required key '%s' in %s", s->keys[i].name,
                       s->where);
    return 0;
}
