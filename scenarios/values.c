/* scenarios/values.c - typed scalar values of the scenario format (layer: scenarios).
 *
 * Owns the one way each kind of value is read: integers in a range, counts
 * that may be `forever`, booleans, names from a fixed list, durations and
 * distributions (parsed by sim/), entity names and CPU sets.  Every section
 * converter goes through these, so a given mistake gets the same message
 * wherever it is made.
 *
 * The libyaml loader does not resolve YAML types (every untagged scalar is a
 * string), so the quoting style of a scalar does not matter here: `cpus: "4"`
 * is 4.  Only null is recognised by style (a plain empty scalar, ~ or null).
 *
 * SPDX-License-Identifier: MIT
 */
#define SCENARIOS_INTERNAL
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/scenarios_int.h"

static bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }

/* The text of f->val, or NULL after reporting that it is not `expected`.
 * A NUL inside a quoted scalar ("a\0b") would silently cut C strings short. */
static const char *text_of(struct scn__ctx *c, const struct scn__field *f, const char *expected)
{
    const char *s = scn__scalar(f->val);
    if (!s || scn__is_null(f->val)) {
        scn__type_error(c, f, expected);
        return NULL;
    }
    if (strlen(s) != f->val->data.scalar.length) {
        scn__error(c, f->val, -1, "'%s' contains a NUL character", f->name);
        return NULL;
    }
    return s;
}

/* Plain decimal integer, optionally negative: -1 if `s` is not one, 1 if it
 * overflows 64 bits, else 0 with the magnitude in *out. */
static int parse_decimal(const char *s, uint64_t *out, bool *neg)
{
    *neg = *s == '-';
    s += *neg;
    if (!is_digit(*s))
        return -1;
    uint64_t v = 0;
    bool over = false;
    for (; is_digit(*s); s++) {
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            over = true;
        else
            v = v * 10 + d;
    }
    if (*s)
        return -1;
    *out = v;
    return over;
}

static int uint_in(struct scn__ctx *c, const struct scn__field *f, const char *expected,
                   uint64_t min, uint64_t max, uint64_t *out)
{
    if (!f->val)
        return 0;
    const char *s = text_of(c, f, expected);
    if (!s)
        return -1;
    uint64_t v;
    bool neg;
    int r = parse_decimal(s, &v, &neg);
    if (r < 0) {
        scn__type_error(c, f, expected);
        return -1;
    }
    if (r > 0 || (neg && v) || v < min || v > max) {
        char t[72];
        scn__sanitize(s, t, sizeof t);
        if (max >= INT_MAX && !neg && r == 0 && v < min) /* "between 1 and 2^63-1" says less */
            scn__error(c, f->val, -1, "'%s' must be at least %" PRIu64 ", got %s", f->name, min,
                       t);
        else
            scn__error(c, f->val, -1, "'%s' must be between %" PRIu64 " and %" PRIu64 ", got %s",
                       f->name, min, max, t);
        return -1;
    }
    *out = v;
    return 0;
}

int scn__uint(struct scn__ctx *c, const struct scn__field *f, uint64_t min, uint64_t max,
              uint64_t *out)
{
    return uint_in(c, f, "an integer", min, max, out);
}

int scn__int(struct scn__ctx *c, const struct scn__field *f, int min, int max, int *out)
{
    uint64_t v;
    if (min < 0 || uint_in(c, f, "an integer", (uint64_t)min, (uint64_t)max, &v) < 0)
        return -1;
    if (f->val)
        *out = (int)v;
    return 0;
}

int scn__count(struct scn__ctx *c, const struct scn__field *f, int64_t *out)
{
    const char *s = scn__scalar(f->val);
    if (s && !strcmp(s, "forever")) {
        *out = KE_LOOP_FOREVER;
        return 0;
    }
    uint64_t v;
    if (uint_in(c, f, "an integer or 'forever'", 1, INT64_MAX, &v) < 0)
        return -1;
    if (f->val)
        *out = (int64_t)v;
    return 0;
}

int scn__bool(struct scn__ctx *c, const struct scn__field *f, bool *out)
{
    static const char *const yes[] = {"true", "True", "TRUE"}, *const no[] = {"false", "False",
                                                                           "FALSE"};
    if (!f->val)
        return 0;
    const char *s = scn__scalar(f->val);
    for (int i = 0; s && i < 3; i++) {
        if (!strcmp(s, yes[i]) || !strcmp(s, no[i])) {
            *out = !strcmp(s, yes[i]);
            return 0;
        }
    }
    scn__type_error(c, f, "true or false");
    return -1;
}

/* "a, b, c or MORE" */
static void join(const char *const *names, int n, const char *more, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (int i = 0; i < n + (more != NULL) && o < size; i++) {
        const char *sep = i == 0 ? "" : i == n + (more != NULL) - 1 ? " or " : ", ";
        o += (size_t)snprintf(buf + o, size - o, "%s%s", sep, i < n ? names[i] : more);
    }
}

int scn__enum(struct scn__ctx *c, const struct scn__field *f, const char *const *names, int n,
              const char *more, int *out)
{
    if (!f->val)
        return 0;
    char list[400], expected[420], t[72];
    join(names, n, more, list, sizeof list);
    snprintf(expected, sizeof expected, "one of %s", list);
    const char *s = text_of(c, f, expected);
    if (!s)
        return -1;
    for (int i = 0; i < n; i++) {
        if (!strcmp(s, names[i])) {
            *out = i;
            return 0;
        }
    }
    scn__sanitize(s, t, sizeof t);
    scn__error(c, f->val, -1, "unknown %s '%s' (expected %s)", f->name, t, list);
    return -1;
}

/* sim/ reports a column inside the text: keep it inside, whatever it says. */
static void parse_error(struct scn__ctx *c, const struct scn__field *f, const char *s,
                        const struct sim_parse_error *e)
{
    char msg[sizeof e->msg + 64];
    int len = (int)strlen(s), col = e->column < 0 ? 0 : e->column > len ? len : e->column;
    scn__sanitize(e->msg, msg, sizeof msg);
    scn__error(c, f->val, col, "%s", msg);
}

int scn__duration(struct scn__ctx *c, const struct scn__field *f, bool positive,
                  sim_time_t *out)
{
    if (!f->val)
        return 0;
    const char *s = text_of(c, f, "a duration with unit (ns, us, ms or s)");
    if (!s)
        return -1;
    struct sim_parse_error e = {0, ""};
    sim_time_t v;
    if (sim_duration_parse(s, &v, &e) < 0) {
        parse_error(c, f, s, &e);
        return -1;
    }
    if (positive && v <= 0) {
        char t[72];
        scn__sanitize(s, t, sizeof t);
        scn__error(c, f->val, -1, "'%s' must be greater than 0, got %s", f->name, t);
        return -1;
    }
    *out = v;
    return 0;
}

int scn__dist(struct scn__ctx *c, const struct scn__field *f, struct sim_dist *out)
{
    if (!f->val)
        return 0;
    const char *s = text_of(c, f, "a duration or a distribution such as exp(2ms)");
    if (!s)
        return -1;
    struct sim_parse_error e = {0, ""};
    if (sim_dist_parse(s, c->basedir, out, &e) < 0) {
        memset(out, 0, sizeof *out); /* owns nothing after a failure */
        parse_error(c, f, s, &e);
        return -1;
    }
    return 0;
}

static bool name_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || is_digit(ch) || ch == '_' ||
           ch == '-' || ch == '.';
}

/* Offset in characters (not bytes) of byte `i`, as columns count them. */
static int char_offset(const char *s, size_t i)
{
    int n = 0;
    for (size_t k = 0; k < i; k++)
        n += ((unsigned char)s[k] & 0xC0) != 0x80;
    return n;
}

/* Names become entity names ("proc#2/thread"), trace fields and plot labels:
 * keeping them to a portable alphabet avoids escaping everywhere. */
int scn__name(struct scn__ctx *c, const struct scn__field *f, char **out)
{
    if (!f->val)
        return 0;
    const char *s = text_of(c, f, "a name");
    if (!s)
        return -1;
    /* Bounded so that entity names ("name#k/thread#k") and the RNG stream
     * names derived from them are never cut short, which could make two
     * entities share a stream. */
    if (!*s || strlen(s) > SCN__MAX_NAME) {
        scn__error(c, f->val, -1, "'%s' must be 1 to %d characters long, got %zu", f->name,
                   SCN__MAX_NAME, strlen(s));
        return -1;
    }
    for (size_t i = 0; s[i]; i++) {
        if (name_char(s[i]))
            continue;
        unsigned char ch = (unsigned char)s[i];
        char shown[24], t[72];
        if (ch >= 0x20 && ch < 0x7F)
            snprintf(shown, sizeof shown, "'%c'", ch);
        else
            snprintf(shown, sizeof shown, "(byte 0x%02X)", ch);
        scn__sanitize(s, t, sizeof t);
        scn__error(c, f->val, char_offset(s, i),
                   "invalid character %s in name '%s' (allowed: letters, digits, '_', '-' and '.')",
                   shown, t);
        return -1;
    }
    if (!(*out = strdup(s)))
        scn__oom(c);
    return *out ? 0 : -1;
}

int scn__text(struct scn__ctx *c, const struct scn__field *f, char **out)
{
    if (!f->val)
        return 0;
    const char *s = text_of(c, f, "a text");
    if (!s)
        return -1;
    for (size_t i = 0; s[i]; i++) {
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F) {
            scn__error(c, f->val, char_offset(s, i), "'%s' must be one line of text", f->name);
            return -1;
        }
    }
    if (!(*out = strdup(s)))
        scn__oom(c);
    return *out ? 0 : -1;
}

/* ===== CPU sets ========================================================= */

#define NO_CPU UINT64_MAX

/* Add CPUs a..b; remember the first one that cannot exist. */
static void add_cpus(uint64_t a, uint64_t b, uint64_t *mask, uint64_t *bad)
{
    for (uint64_t i = a; i <= b && i < KE_MAX_CPUS; i++)
        *mask |= UINT64_C(1) << i;
    if (b >= KE_MAX_CPUS && *bad == NO_CPU)
        *bad = a > KE_MAX_CPUS ? a : KE_MAX_CPUS;
}

/* Digits at s[*i], saturating at UINT64_MAX; -1 when there are none. */
static int cpu_number(const char *s, size_t *i, uint64_t *out)
{
    if (!is_digit(s[*i]))
        return -1;
    uint64_t v = 0;
    for (; is_digit(s[*i]); (*i)++)
        v = v > (UINT64_MAX - 9) / 10 ? UINT64_MAX : v * 10 + (uint64_t)(s[*i] - '0');
    *out = v;
    return 0;
}

/* "3", "0-3", "0,2,5-7" (spaces allowed after commas). */
static int cpu_text(struct scn__ctx *c, const struct scn__field *f, uint64_t *mask,
                    uint64_t *bad)
{
    const char *s = text_of(c, f, "a CPU set such as 3, 0-3 or 0,2,5-7");
    if (!s)
        return -1;
    size_t i = 0;
    for (;;) {
        uint64_t a, b;
        while (s[i] == ' ')
            i++;
        if (cpu_number(s, &i, &a) < 0)
            break;
        b = a;
        if (s[i] == '-') {
            i++;
            if (cpu_number(s, &i, &b) < 0 || b < a)
                break;
        }
        add_cpus(a, b, mask, bad);
        while (s[i] == ' ')
            i++;
        if (!s[i])
            return 0;
        if (s[i++] != ',')
            break;
    }
    char t[72];
    scn__sanitize(s, t, sizeof t);
    scn__error(c, f->val, char_offset(s, i),
               "invalid CPU set '%s' for '%s' (expected e.g. 3, 0-3 or 0,2,5-7)", t, f->name);
    return -1;
}

/* [0, 2, 5] */
static int cpu_list(struct scn__ctx *c, const struct scn__field *f, uint64_t *mask,
                    uint64_t *bad)
{
    const yaml_node_item_t *it = f->val->data.sequence.items.start;
    int n = (int)(f->val->data.sequence.items.top - it), rc = 0;
    if (n == 0) {
        scn__error(c, f->val, -1, "'%s' must name at least one CPU", f->name);
        return -1;
    }
    for (int k = 0; k < n; k++) {
        char label[64];
        snprintf(label, sizeof label, "%s[%d]", f->name, k);
        struct scn__field item = {NULL, scn__node(c, it[k]), label};
        uint64_t v;
        if (uint_in(c, &item, "a CPU number", 0, UINT64_MAX, &v) < 0)
            rc = -1;
        else
            add_cpus(v, v, mask, bad);
    }
    return rc;
}

int scn__cpuset(struct scn__ctx *c, const struct scn__field *f, uint64_t *out)
{
    if (!f->val)
        return 0;
    uint64_t mask = 0, bad = NO_CPU;
    bool list = f->val->type == YAML_SEQUENCE_NODE;
    if ((list ? cpu_list : cpu_text)(c, f, &mask, &bad) < 0)
        return -1;
    int limit = c->cpus > 0 ? c->cpus : KE_MAX_CPUS; /* cpus in error: check what we can */
    for (int i = KE_MAX_CPUS - 1; i >= limit; i--)
        if (mask & (UINT64_C(1) << i))
            bad = (uint64_t)i;
    if (bad != NO_CPU) {
        scn__error(c, f->val, -1, "'%s' names CPU %" PRIu64 ", but the machine has %d CPU%s "
                   "(numbered from 0)", f->name, bad, limit, limit == 1 ? "" : "s");
        return -1;
    }
    *out = mask;
    return 0;
}

void scn__cpuset_text(uint64_t mask, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (int i = 0; i < KE_MAX_CPUS && o < size; i++) {
        if (!(mask & (UINT64_C(1) << i)))
            continue;
        int j = i;
        while (j + 1 < KE_MAX_CPUS && (mask & (UINT64_C(1) << (j + 1))))
            j++;
        if (j == i)
            o += (size_t)snprintf(buf + o, size - o, "%s%d", o ? "," : "", i);
        else
            o += (size_t)snprintf(buf + o, size - o, "%s%d-%d", o ? "," : "", i, j);
        i = j;
    }
}
