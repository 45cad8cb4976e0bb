/* scenarios/experiment.c - experiment files: a scenario swept over keys (layer: scenarios).
 *
 * Owns scn_experiment_load and the numbering of an experiment's runs (sweep
 * points in odometer order, replications, seeds).  The file goes through
 * the scenario loader's own machinery (yaml_tree.c: reading, parsing, the
 * table-driven key check, errors collected and printed sorted as
 * FILE:LINE:COL), so the two formats fail alike.
 *
 * Validation loads the scenario as a batch will run it: first alone, then
 * with each sweep value on its own, then with every sweep point (when there
 * are two keys or more), each time through scn_load with the values as
 * `--set` overrides.  The scenario loader's messages are captured and
 * reported again at the position of the sweep value that caused them, so
 * that "machine.cpus: [2, 128]" points at the 128 in the experiment file
 * rather than at a `--set` the user never typed.  A point whose values are
 * each fine alone but that fails together is reported at its last value.
 *
 * Sweep values reach the scenario as YAML flow text: a plain scalar as
 * written (so 4 stays an integer in the runs' params), a quoted one quoted,
 * a list or mapping in flow form whatever its style in the file.
 *
 * SPDX-License-Identifier: MIT
 */
#define SCENARIOS_INTERNAL
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/scenarios_int.h"

enum { E_EXPERIMENT, E_SCENARIO, E_REPLICATIONS, E_SEED, E_SWEEP, E_PLOTS, E_N };
static const struct scn__key exp_keys[E_N] = {
    [E_EXPERIMENT] = {"experiment", SCN__REQUIRED},
    [E_SCENARIO] = {"scenario", SCN__REQUIRED},
    [E_REPLICATIONS] = {"replications", 0},
    [E_SEED] = {"seed", 0},
    [E_SWEEP] = {"sweep", 0},
    [E_PLOTS] = {"plots", 0},
};
static const struct scn__section exp_section = SCN__SECTION("experiment", exp_keys);

enum { P_X, P_Y, P_SERIES, P_N };
static const struct scn__key plot_keys[P_N] = {
    [P_X] = {"x", SCN__REQUIRED},
    [P_Y] = {"y", SCN__REQUIRED},
    [P_SERIES] = {"series", 0},
};
static const struct scn__section plot_section = SCN__SECTION("plot", plot_keys);

/* Where each sweep key and value is written, for messages (parallel to
 * scn_experiment.sweep; nodes of the experiment's document). */
struct swept {
    const yaml_node_t *key;
    const yaml_node_t **vals;
    bool *bad; /* the value alone makes the scenario invalid */
};

struct xload {
    struct scn__ctx c;
    struct scn_experiment *e;
    const yaml_node_t *scenario_node;
    struct swept *sw; /* e->nsweep of them */
};

/* ===== sweep values as override text ==================================== */

/* A plain scalar inside a flow collection ends at these; quote it instead. */
static bool flow_safe(const char *s)
{
    return !strpbrk(s, ",[]{}#") && !strstr(s, ": ") && s[0] && s[strlen(s) - 1] != ':';
}

static void quoted(FILE *f, const yaml_node_t *n)
{
    fputc('"', f);
    for (size_t i = 0; i < n->data.scalar.length; i++) {
        unsigned char ch = n->data.scalar.value[i];
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20 || ch == 0x7F)
            fprintf(f, "\\x%02X", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

/* Write node `n` as YAML flow text; false when nested too deep (an alias
 * may refer to itself). */
static bool emit(struct scn__ctx *c, FILE *f, const yaml_node_t *n, int depth)
{
    if (depth > SCN__MAX_DEPTH)
        return false;
    bool ok = true;
    if (n->type == YAML_SCALAR_NODE) {
        const char *s = scn__scalar(n);
        bool plain = n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        if (plain && depth > 0 && scn__is_null(n))
            fputs("~", f); /* an empty plain scalar would end the collection */
        else if (plain && (depth == 0 || flow_safe(s)))
            fputs(s, f);
        else
            quoted(f, n);
    } else if (n->type == YAML_SEQUENCE_NODE) {
        const yaml_node_item_t *first = n->data.sequence.items.start;
        fputc('[', f);
        for (const yaml_node_item_t *i = first; ok && i < n->data.sequence.items.top; i++) {
            fputs(i == first ? "" : ", ", f);
            ok = emit(c, f, scn__node(c, *i), depth + 1);
        }
        fputc(']', f);
    } else {
        const yaml_node_pair_t *first = n->data.mapping.pairs.start;
        fputc('{', f);
        for (const yaml_node_pair_t *p = first; ok && p < n->data.mapping.pairs.top; p++) {
            fputs(p == first ? "" : ", ", f);
            ok = emit(c, f, scn__node(c, p->key), depth + 1);
            fputs(": ", f);
            ok = ok && emit(c, f, scn__node(c, p->value), depth + 1);
        }
        fputc('}', f);
    }
    return ok;
}

/* The override text of value node `n`, malloc'd; NULL after reporting. */
static char *value_text(struct scn__ctx *c, const yaml_node_t *n)
{
    char *text = NULL;
    size_t len;
    FILE *f = open_memstream(&text, &len);
    if (!f) {
        scn__oom(c);
        return NULL;
    }
    bool ok = emit(c, f, n, 0);
    if (fclose(f) != 0 || !text) {
        scn__oom(c);
        ok = false;
    } else if (!ok) {
        scn__error(c, n, -1, "sweep value nested more than %d levels deep", SCN__MAX_DEPTH);
    }
    if (!ok) {
        free(text);
        return NULL;
    }
    return text;
}

/* ===== the sweep ======================================================== */

/* The values of sweep key `k` (the list `list`). */
static void sweep_values(struct xload *x, size_t k, const yaml_node_t *key, const yaml_node_t *list)
{
    struct scn_sweep *s = &x->e->sweep[k];
    struct scn__field f = {key, list, s->key};
    if (!list || list->type != YAML_SEQUENCE_NODE) {
        scn__type_error(&x->c, &f, "a list of values");
        return;
    }
    size_t n = (size_t)(list->data.sequence.items.top - list->data.sequence.items.start);
    if (n == 0) {
        scn__error(&x->c, list, -1, "the list of values of sweep key '%s' is empty", s->key);
        return;
    }
    s->values = calloc(n, sizeof *s->values);
    x->sw[k].vals = calloc(n, sizeof *x->sw[k].vals);
    x->sw[k].bad = calloc(n, sizeof *x->sw[k].bad);
    if (!s->values || !x->sw[k].vals || !x->sw[k].bad) {
        scn__oom(&x->c);
        return;
    }
    for (size_t i = 0; i < n && !scn__enough(&x->c); i++) {
        const yaml_node_t *v = scn__node(&x->c, list->data.sequence.items.start[i]);
        char *text = value_text(&x->c, v);
        for (size_t j = 0; text && j < s->nvalues; j++)
            if (!strcmp(s->values[j], text))
                scn__error(&x->c, v, -1, "value %s of sweep key '%s' is already listed (line %d)",
                           text, s->key, (int)x->sw[k].vals[j]->start_mark.line + 1);
        x->sw[k].vals[s->nvalues] = v;
        s->values[s->nvalues++] = text;
        if (!text)
            return;
    }
}

static void sweep(struct xload *x, const struct scn__field *f)
{
    const yaml_node_t *map = f->val;
    if (!map || scn__is_null(map))
        return;
    if (map->type != YAML_MAPPING_NODE) {
        scn__type_error(&x->c, f, "a mapping of scenario keys to lists of values");
        return;
    }
    size_t n = (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
    x->e->sweep = calloc(n ? n : 1, sizeof *x->e->sweep);
    x->sw = calloc(n ? n : 1, sizeof *x->sw);
    if (!x->e->sweep || !x->sw) {
        scn__oom(&x->c);
        return;
    }
    for (size_t k = 0; k < n && !scn__enough(&x->c); k++) {
        const yaml_node_pair_t *p = &map->data.mapping.pairs.start[k];
        struct scn__field key = {scn__node(&x->c, p->key), scn__node(&x->c, p->key), "sweep key"};
        char *name = NULL;
        if (scn__text(&x->c, &key, &name) < 0)
            return;
        for (size_t j = 0; j < x->e->nsweep; j++)
            if (!strcmp(x->e->sweep[j].key, name))
                scn__error(&x->c, key.val, -1, "duplicate sweep key '%s' (first at line %d)",
                           name, (int)x->sw[j].key->start_mark.line + 1);
        x->sw[k].key = key.val;
        x->e->sweep[x->e->nsweep++].key = name;
        sweep_values(x, k, key.val, scn__node(&x->c, p->value));
    }
}

/* npoints, and the bounds on points and runs. */
static void count_runs(struct xload *x, const struct scn__field *f)
{
    struct scn_experiment *e = x->e;
    e->npoints = 1;
    for (size_t k = 0; k < e->nsweep; k++) {
        e->npoints *= e->sweep[k].nvalues ? e->sweep[k].nvalues : 1;
        if (e->npoints > SCN_EXPERIMENT_MAX_POINTS) {
            scn__error(&x->c, x->sw[k].key, -1, "the sweep has more than %d points",
                       SCN_EXPERIMENT_MAX_POINTS);
            return;
        }
    }
    if (e->npoints * (size_t)e->replications > SCN_EXPERIMENT_MAX_RUNS)
        scn__error(&x->c, f[E_REPLICATIONS].val ? f[E_REPLICATIONS].val : f[E_SWEEP].val, -1,
                   "%zu points x %d replications is more than %d runs", e->npoints,
                   e->replications, SCN_EXPERIMENT_MAX_RUNS);
}

/* ===== plots ============================================================ */

static bool is_sweep_key(const struct scn_experiment *e, const char *key)
{
    for (size_t k = 0; k < e->nsweep; k++)
        if (!strcmp(e->sweep[k].key, key))
            return true;
    return false;
}

static void plot_key(struct xload *x, const struct scn__field *f, char **out)
{
    if (scn__text(&x->c, f, out) < 0 || !*out || is_sweep_key(x->e, *out))
        return;
    char list[300] = "";
    size_t o = 0;
    for (size_t k = 0; k < x->e->nsweep && o < sizeof list; k++)
        o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", k ? ", " : "", x->e->sweep[k].key);
    scn__error(&x->c, f->val, -1, "'%s' of a plot must be a sweep key (%s), got '%s'", f->name,
               o ? list : "the sweep is empty", *out);
}

static void plots(struct xload *x, const struct scn__field *f)
{
    const yaml_node_t *list = f->val;
    if (!list || scn__is_null(list))
        return;
    if (list->type != YAML_SEQUENCE_NODE) {
        scn__type_error(&x->c, f, "a list of plots");
        return;
    }
    size_t n = (size_t)(list->data.sequence.items.top - list->data.sequence.items.start);
    if (!(x->e->plots = calloc(n ? n : 1, sizeof *x->e->plots))) {
        scn__oom(&x->c);
        return;
    }
    for (size_t i = 0; i < n && !scn__enough(&x->c); i++) {
        struct scn__field k[P_N];
        struct scn_plot *p = &x->e->plots[x->e->nplots++];
        if (scn__fields(&x->c, scn__node(&x->c, list->data.sequence.items.start[i]), "plot",
                        &plot_section, k) < 0)
            continue;
        plot_key(x, &k[P_X], &p->x);
        scn__text(&x->c, &k[P_Y], &p->y); /* a metric name, or SCOPE:ENTITY:NAME */
        plot_key(x, &k[P_SERIES], &p->series);
        if (p->x && p->series && !strcmp(p->x, p->series))
            scn__error(&x->c, k[P_SERIES].val, -1, "'series' and 'x' of a plot are both '%s'",
                       p->x);
    }
}

/* ===== the file ========================================================= */

/* `scenario:` is relative to the experiment file's directory. */
static void scenario_path(struct xload *x, const struct scn__field *f)
{
    char *rel = NULL;
    if (scn__text(&x->c, f, &rel) < 0 || !rel)
        return;
    x->scenario_node = f->val;
    if (rel[0] == '/' || !strcmp(x->c.basedir, ".")) {
        x->e->scenario = rel;
        return;
    }
    size_t n = strlen(x->c.basedir) + strlen(rel) + 2;
    if ((x->e->scenario = malloc(n)))
        snprintf(x->e->scenario, n, "%s/%s", x->c.basedir, rel);
    else
        scn__oom(&x->c);
    free(rel);
}

static void validate(struct xload *x); /* below: loading the scenario */

static void convert(struct xload *x, unsigned flags)
{
    struct scn__field f[E_N];
    if (scn__fields(&x->c, yaml_document_get_root_node(&x->c.doc), "experiment", &exp_section,
                    f) < 0)
        return;
    scn__name(&x->c, &f[E_EXPERIMENT], &x->e->name);
    scenario_path(x, &f[E_SCENARIO]);
    scn__int(&x->c, &f[E_REPLICATIONS], 1, SCN_EXPERIMENT_MAX_RUNS, &x->e->replications);
    scn__uint(&x->c, &f[E_SEED], 0, UINT64_MAX, &x->e->seed);
    sweep(x, &f[E_SWEEP]);
    if (x->c.ndiags == 0)
        count_runs(x, f);
    if (x->c.ndiags == 0 && !x->c.oom && !(flags & SCN_EXPERIMENT_NO_SCENARIO))
        validate(x);
    plots(x, &f[E_PLOTS]);
}

/* scn__parse words its top-level complaints for scenarios; an experiment
 * file says what it should hold instead (the complaint is its last message). */
static int parse(struct xload *x)
{
    if (scn__parse(&x->c) == 0)
        return 0;
    const yaml_node_t *root = x->c.have_doc ? yaml_document_get_root_node(&x->c.doc) : NULL;
    if (!x->c.have_doc || (root && root->type == YAML_MAPPING_NODE) || x->c.ndiags == 0)
        return -1;
    free(x->c.diags[--x->c.ndiags].text);
    if (!root) {
        scn__error_mark(&x->c, (yaml_mark_t){0, 0, 0},
                        "empty experiment (expected a mapping with experiment, scenario, sweep)");
    } else {
        char got[120];
        scn__describe(root, got, sizeof got);
        scn__error(&x->c, root, -1, "expected a mapping of experiment keys at top level, got %s",
                   got);
    }
    return -1;
}

/* ===== validation against the scenario ================================== */

/* scn_load of the experiment's scenario with `ov`: 0, or -1 with its
 * messages in *msgs (malloc'd).  `hash` (may be NULL) receives its hash. */
static int try_load(struct xload *x, const struct scn_override *ov, size_t nov, char **msgs,
                    char *hash)
{
    size_t len;
    *msgs = NULL;
    FILE *f = open_memstream(msgs, &len);
    if (!f) {
        scn__oom(&x->c);
        return -1;
    }
    struct scn_scenario s;
    int rc = scn_load(x->e->scenario, ov, nov, &s, f);
    if (fclose(f) != 0)
        scn__oom(&x->c);
    if (rc == 0) {
        if (hash)
            memcpy(hash, s.hash, sizeof s.hash);
        scn_free(&s);
    }
    return rc;
}

/* Report each of scn_load's messages again at node `n`, after `what`
 * (NULL: nothing): "--set K=V: error: M" becomes "WHAT: M", and
 * "FILE:L:C: error: M" becomes "WHAT: FILE:L:C: M". */
static void relay(struct scn__ctx *c, const yaml_node_t *n, const char *what, char *msgs)
{
    char *save = NULL;
    bool any = false;
    for (char *line = strtok_r(msgs, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *sep = strstr(line, ": error: ");
        const char *msg = sep ? sep + 9 : line;
        if (sep)
            *sep = '\0';
        bool head = sep && strncmp(line, "--set ", 6) != 0;
        scn__error(c, n, -1, "%s%s%s%s%s", what ? what : "", what ? ": " : "", head ? line : "",
                   head ? ": " : "", msg);
        any = true;
    }
    if (!any)
        scn__error(c, n, -1, "%s%sthe scenario cannot be loaded", what ? what : "",
                   what ? ": " : "");
    free(msgs);
}

/* "KEY = VALUE", shortened and made one line. */
static void describe_value(const struct scn_sweep *s, size_t v, char *buf, size_t size)
{
    char key[120], val[120];
    scn__sanitize(s->key, key, sizeof key);
    scn__sanitize(s->values[v], val, sizeof val);
    snprintf(buf, size, "%s = %s", key, val);
}

/* Each sweep value alone. */
static void check_values(struct xload *x)
{
    for (size_t k = 0; k < x->e->nsweep && !scn__enough(&x->c); k++) {
        const struct scn_sweep *s = &x->e->sweep[k];
        for (size_t v = 0; v < s->nvalues && !scn__enough(&x->c); v++) {
            struct scn_override ov = {s->key, s->values[v]};
            char *msgs, what[260];
            if (try_load(x, &ov, 1, &msgs, NULL) == 0) {
                free(msgs);
                continue;
            }
            x->sw[k].bad[v] = true;
            describe_value(s, v, what, sizeof what);
            relay(&x->c, x->sw[k].vals[v], what, msgs);
        }
    }
}

/* The value index of each key at point p; true when one of them is bad alone. */
static bool point_values(const struct xload *x, size_t p, size_t *idx)
{
    bool bad = false;
    for (size_t k = x->e->nsweep; k-- > 0;) {
        idx[k] = p % x->e->sweep[k].nvalues;
        p /= x->e->sweep[k].nvalues;
        bad = bad || x->sw[k].bad[idx[k]];
    }
    return bad;
}

/* Every combination, when there is more than one key. */
static void check_points(struct xload *x, struct scn_override *ov, size_t *idx)
{
    const struct scn_experiment *e = x->e;
    for (size_t p = 0; e->nsweep > 1 && p < e->npoints && !scn__enough(&x->c); p++) {
        char *msgs, what[900];
        if (point_values(x, p, idx))
            continue;
        scn_experiment_point(e, p, ov);
        if (try_load(x, ov, e->nsweep, &msgs, NULL) == 0) {
            free(msgs);
            continue;
        }
        size_t o = (size_t)snprintf(what, sizeof what, "sweep point %zu (", p);
        for (size_t k = 0; k < e->nsweep && o < sizeof what; k++) {
            o += (size_t)snprintf(what + o, sizeof what - o, "%s", k ? ", " : "");
            if (o < sizeof what)
                describe_value(&e->sweep[k], idx[k], what + o, sizeof what - o);
            o += strlen(what + o);
        }
        if (o < sizeof what)
            snprintf(what + o, sizeof what - o, ")");
        relay(&x->c, x->sw[e->nsweep - 1].vals[idx[e->nsweep - 1]], what, msgs);
    }
}

/* FNV-1a 64 of the experiment's bytes, then of the scenario's hash. */
static void definition_hash(struct scn_experiment *e, const char *scenario_hash)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    const uint64_t prime = UINT64_C(0x100000001b3);
    for (size_t i = 0; i < e->len; i++)
        h = (h ^ (unsigned char)e->text[i]) * prime;
    for (const char *s = scenario_hash; *s; s++)
        h = (h ^ (unsigned char)*s) * prime;
    snprintf(e->hash, sizeof e->hash, "%016" PRIx64, h);
}

static void validate(struct xload *x)
{
    char *msgs, hash[17];
    if (try_load(x, NULL, 0, &msgs, hash) != 0) {
        relay(&x->c, x->scenario_node, NULL, msgs);
        return;
    }
    free(msgs);
    definition_hash(x->e, hash);
    check_values(x);
    struct scn_override *ov = calloc(x->e->nsweep + 1, sizeof *ov);
    size_t *idx = calloc(x->e->nsweep + 1, sizeof *idx);
    if (ov && idx)
        check_points(x, ov, idx);
    else
        scn__oom(&x->c);
    free(ov);
    free(idx);
}

/* ===== life cycle ======================================================= */

static int setup(struct xload *x, const char *path)
{
    const char *slash = strrchr(path, '/');
    x->e->path = strdup(path);
    x->c.basedir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    if (!x->e->path || !x->c.basedir) {
        scn__oom(&x->c);
        return -1;
    }
    x->c.path = x->e->path;
    return 0;
}

/* Keep the file's bytes as the definition the database records. */
static int keep_text(struct xload *x)
{
    if (!(x->e->text = malloc(x->c.len + 1))) {
        scn__oom(&x->c);
        return -1;
    }
    memcpy(x->e->text, x->c.text, x->c.len);
    x->e->text[x->c.len] = '\0';
    x->e->len = x->c.len;
    return 0;
}

static void free_swept(struct xload *x)
{
    for (size_t k = 0; x->sw && k < x->e->nsweep; k++) {
        free(x->sw[k].vals);
        free(x->sw[k].bad);
    }
    free(x->sw);
}

static int load(const char *path, const void *text, size_t len, unsigned flags,
                struct scn_experiment *out, FILE *errfp)
{
    struct xload x;
    memset(&x, 0, sizeof x);
    memset(out, 0, sizeof *out);
    x.e = out;
    x.c.path = path;
    x.c.errfp = errfp;
    out->replications = 1;
    out->seed = 1;
    out->npoints = 1;
    if (setup(&x, path) == 0 &&
        (text ? scn__read_buffer(&x.c, text, len) : scn__read_file(&x.c)) == 0 &&
        keep_text(&x) == 0 && parse(&x) == 0) {
        convert(&x, flags);
    }
    size_t errors = scn__flush(&x.c);
    if (x.c.have_doc)
        yaml_document_delete(&x.c.doc);
    free_swept(&x);
    free(x.c.text);
    free(x.c.basedir);
    if (errors) {
        scn_experiment_free(out);
        return -1;
    }
    return 0;
}

int scn_experiment_load(const char *path, struct scn_experiment *out, FILE *errfp)
{
    return load(path, NULL, 0, 0, out, errfp);
}

int scn_experiment_load_buffer(const char *path, const void *text, size_t len, unsigned flags,
                               struct scn_experiment *out, FILE *errfp)
{
    return load(path, text ? text : "", len, flags, out, errfp);
}

void scn_experiment_free(struct scn_experiment *e)
{
    for (size_t k = 0; k < e->nsweep; k++) {
        for (size_t v = 0; v < e->sweep[k].nvalues; v++)
            free(e->sweep[k].values[v]);
        free(e->sweep[k].values);
        free(e->sweep[k].key);
    }
    for (size_t i = 0; i < e->nplots; i++) {
        free(e->plots[i].x);
        free(e->plots[i].y);
        free(e->plots[i].series);
    }
    free(e->sweep);
    free(e->plots);
    free(e->path);
    free(e->name);
    free(e->scenario);
    free(e->text);
    memset(e, 0, sizeof *e);
}

/* ===== runs ============================================================= */

size_t scn_experiment_runs(const struct scn_experiment *e)
{
    return e->npoints * (size_t)e->replications;
}

void scn_experiment_point(const struct scn_experiment *e, size_t point, struct scn_override *ov)
{
    for (size_t k = e->nsweep; k-- > 0;) {
        const struct scn_sweep *s = &e->sweep[k];
        ov[k] = (struct scn_override){s->key, s->values[point % s->nvalues]};
        point /= s->nvalues;
    }
}

uint64_t scn_experiment_seed(const struct scn_experiment *e, size_t point, int replication)
{
    char name[64];
    snprintf(name, sizeof name, "point/%zu/replication/%d", point, replication);
    return sim_seed_derive(e->seed, name) & (uint64_t)INT64_MAX;
}
