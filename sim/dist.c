/* sim/dist.c - durations and duration distributions (layer: sim).
 *
 * Owns the text syntax of every duration a scenario can contain ("2ms",
 * "exp(2ms)", "empirical(file.csv)", ...), its parsing into `struct
 * sim_dist`, and sampling through GSL.  Kept in the kernel so that scenarios
 * and models share one syntax and one set of error messages.
 *
 * Parsing is strict and its errors precise: a unit is mandatory (a bare "20"
 * is far more often a mistake than a wish for 20 ns), and each error carries
 * the 0-based column of the offending token so the scenario loader can point
 * at it in the user's file.  Numbers are scanned by hand before strtod so
 * that strtod's extras (hex, "inf", "nan", leading blanks) are refused.
 * strtod itself honours LC_NUMERIC, which must stay "C" (the default).
 *
 * Sampled values are rounded to the nearest ns, never negative and at most
 * SIM_DURATION_MAX.
 *
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "sim/sim.h"

#define UNITS "ns, us, ms or s"
#define NORMAL_TRIES 64
/* An empirical CSV file beyond this is a mistake; reading it would only
 * exhaust memory (a sample takes 8 bytes for as few as 4 of text). */
#define EMPIRICAL_MAX_BYTES (64 << 20)

/* t[b, e): a token of the parsed text, column b. */
struct span {
    size_t b, e;
};
#define TOK(t, s) (int)((s).e - (s).b), (t) + (s).b

struct kind_spec {
    const char *name;
    enum sim_dist_kind kind;
    size_t nargs;
    const char *example;
};

static const struct kind_spec kinds[] = {
    {"exp", SIM_DIST_EXP, 1, "exp(2ms)"},
    {"uniform", SIM_DIST_UNIFORM, 2, "uniform(1ms,3ms)"},
    {"normal", SIM_DIST_NORMAL, 2, "normal(2ms,0.5ms)"},
    {"lognormal", SIM_DIST_LOGNORMAL, 2, "lognormal(2ms,1ms)"},
    {"pareto", SIM_DIST_PARETO, 2, "pareto(1ms,2.5)"},
    {"empirical", SIM_DIST_EMPIRICAL, 1, "empirical(file.csv)"},
};

/* Fill `err` (which may be NULL) and return -1, so callers can
 * `return fail(...)`. */
__attribute__((format(printf, 3, 4))) static int fail(struct sim_parse_error *err, size_t col,
                                                      const char *fmt, ...)
{
    if (!err)
        return -1;
    err->column = (int)col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return -1;
}

static bool is_space(char c) { return isspace((unsigned char)c) != 0; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_ident(char c) { return isalnum((unsigned char)c) || c == '_'; }

static struct span trim(const char *t, size_t b, size_t e)
{
    while (b < e && is_space(t[b]))
        b++;
    while (e > b && is_space(t[e - 1]))
        e--;
    return (struct span){b, e};
}

static size_t scan_digits(const char *t, size_t i, size_t e)
{
    while (i < e && is_digit(t[i]))
        i++;
    return i;
}

/* End of the decimal number (sign, mantissa, optional exponent) starting at
 * `i`, or `i` itself when there is none.  An 'e' not followed by digits is
 * left alone, so "2ems" is the number 2 with the unit "ems". */
static size_t scan_number(const char *t, size_t i, size_t e)
{
    size_t p = i < e && (t[i] == '+' || t[i] == '-') ? i + 1 : i;
    size_t d = scan_digits(t, p, e);
    size_t ndigits = d - p;
    if (d < e && t[d] == '.') {
        size_t f = scan_digits(t, d + 1, e);
        ndigits += f - d - 1;
        d = f;
    }
    if (ndigits == 0)
        return i;
    if (d < e && (t[d] == 'e' || t[d] == 'E')) {
        size_t x = d + 1 < e && (t[d + 1] == '+' || t[d + 1] == '-') ? d + 2 : d + 1;
        size_t xe = scan_digits(t, x, e);
        if (xe > x)
            d = xe;
    }
    return d;
}

/* strtod of t[b, e), a span scan_number() accepted.  -1 if absurdly long. */
static int to_double(const char *t, size_t b, size_t e, double *out)
{
    char buf[64];
    if (e - b >= sizeof buf)
        return -1;
    memcpy(buf, t + b, e - b);
    buf[e - b] = '\0';
    *out = strtod(buf, NULL);
    return 0;
}

/* ns per unit, or 0 for an unknown unit. */
static double unit_scale(const char *u, size_t len)
{
    static const struct {
        const char *name;
        double scale;
    } units[] = {{"ns", 1.0}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strlen(units[i].name) == len && memcmp(units[i].name, u, len) == 0)
            return units[i].scale;
    return 0;
}

/* Parse the (already trimmed) duration t[s.b, s.e) into ns, unrounded. */
static int parse_duration_span(const char *t, struct span s, double *ns,
                               struct sim_parse_error *err)
{
    if (s.b == s.e)
        return fail(err, s.b, "missing duration (expected a number followed by " UNITS ")");
    size_t n = scan_number(t, s.b, s.e);
    double v;
    if (n == s.b)
        return fail(err, s.b, "invalid duration '%.*s' (expected a number followed by " UNITS ")",
                    TOK(t, s));
    if (to_double(t, s.b, n, &v) != 0)
        return fail(err, s.b, "number too long in '%.*s'", TOK(t, s));
    if (v < 0)
        return fail(err, s.b, "negative duration '%.*s' (durations must be >= 0)", TOK(t, s));
    if (n == s.e)
        return fail(err, s.b, "missing unit in '%.*s' (expected " UNITS ")", TOK(t, s));
    if (is_space(t[n]))
        return fail(err, n, "space between number and unit in '%.*s' (write e.g. 2ms)", TOK(t, s));
    double scale = unit_scale(t + n, s.e - n);
    if (scale == 0)
        return fail(err, n, "unknown unit '%.*s' in '%.*s' (expected " UNITS ")",
                    (int)(s.e - n), t + n, TOK(t, s));
    v *= scale;
    if (!(v <= (double)SIM_DURATION_MAX))
        return fail(err, s.b, "duration '%.*s' is too large (at most about 36 years)", TOK(t, s));
    *ns = v;
    return 0;
}

int sim_duration_parse(const char *text, sim_time_t *out, struct sim_parse_error *err)
{
    double ns;
    if (parse_duration_span(text, trim(text, 0, strlen(text)), &ns, err) != 0)
        return -1;
    *out = llround(ns);
    return 0;
}

/* ===== distribution syntax ============================================== */

static const struct kind_spec *find_kind(const char *t, struct span name)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strlen(kinds[i].name) == name.e - name.b &&
            memcmp(kinds[i].name, t + name.b, name.e - name.b) == 0)
            return &kinds[i];
    return NULL;
}

/* Split t[in.b, in.e) at commas into trimmed arguments: their count goes to
 * *n, the first `max` of them to a[]. */
static void split_args(const char *t, struct span in, struct span *a, size_t max, size_t *n)
{
    *n = 0;
    if (trim(t, in.b, in.e).b == in.e)
        return;
    size_t start = in.b;
    for (size_t i = in.b;; i++) {
        if (i < in.e && t[i] != ',')
            continue;
        if (*n < max)
            a[*n] = trim(t, start, i);
        ++*n;
        if (i == in.e)
            return;
        start = i + 1;
    }
}

static int parse_shape(const char *t, struct span s, double *v, struct sim_parse_error *err)
{
    if (s.b == s.e)
        return fail(err, s.b, "missing pareto shape (expected a plain number such as 2.5)");
    size_t n = scan_number(t, s.b, s.e);
    if (n == s.b || n != s.e || to_double(t, s.b, s.e, v) != 0)
        return fail(err, s.b, "pareto shape must be a plain number without unit, got '%.*s'",
                    TOK(t, s));
    if (!isfinite(*v))
        return fail(err, s.b, "pareto shape '%.*s' is out of range", TOK(t, s));
    if (!(*v > 0))
        return fail(err, s.b, "pareto shape must be > 0");
    return 0;
}

/* Constraints between parsed parameters; a[] are their spans, for columns. */
static int check_params(const struct sim_dist *d, const struct span *a, struct sim_parse_error *err)
{
    switch (d->kind) {
    case SIM_DIST_EXP:
        return d->a > 0 ? 0 : fail(err, a[0].b, "exp mean must be > 0");
    case SIM_DIST_UNIFORM:
        return d->a <= d->b ? 0 : fail(err, a[0].b, "uniform needs low <= high");
    case SIM_DIST_LOGNORMAL:
        return d->a > 0 ? 0 : fail(err, a[0].b, "lognormal mean must be > 0");
    case SIM_DIST_PARETO:
        return d->a > 0 ? 0 : fail(err, a[0].b, "pareto scale must be > 0");
    default:
        return 0;
    }
}

/* The arguments of every kind but empirical: one or two durations, except
 * pareto's shape which is a plain number. */
static int parse_params(const char *t, const struct kind_spec *k, struct span in,
                        struct sim_dist *d, struct sim_parse_error *err)
{
    struct span a[3];
    size_t n;
    split_args(t, in, a, 3, &n);
    if (n != k->nargs)
        return fail(err, n > k->nargs ? a[k->nargs].b : in.e, "%s takes %zu argument%s, got %zu",
                    k->name, k->nargs, k->nargs == 1 ? "" : "s", n);
    if (parse_duration_span(t, a[0], &d->a, err) != 0)
        return -1;
    if (k->nargs == 2) {
        int rc = k->kind == SIM_DIST_PARETO ? parse_shape(t, a[1], &d->b, err)
                                            : parse_duration_span(t, a[1], &d->b, err);
        if (rc != 0)
            return -1;
    }
    return check_params(d, a, err);
}

/* ===== empirical files ================================================== */

static char *resolve_path(const char *basedir, const char *name)
{
    if (name[0] == '/' || !basedir || !basedir[0])
        return strdup(name);
    size_t lb = strlen(basedir);
    bool slash = basedir[lb - 1] == '/';
    char *p = malloc(lb + 1 + strlen(name) + 1);
    if (p)
        sprintf(p, "%s%s%s", basedir, slash ? "" : "/", name);
    return p;
}

static int push_sample(struct sim_dist *d, size_t *cap, double v)
{
    if (d->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        double *p = ncap <= SIZE_MAX / sizeof *p ? realloc(d->samples, ncap * sizeof *p) : NULL;
        if (!p)
            return -1;
        d->samples = p;
        *cap = ncap;
    }
    d->samples[d->n++] = v;
    return 0;
}

/* Read the samples of `fp` into d; errors name the file as the user wrote
 * it (`name`) with the line, and point at the argument (column `col`). */
static int read_samples(FILE *fp, const char *name, size_t col, struct sim_dist *d,
                        struct sim_parse_error *err)
{
    char *line = NULL;
    size_t lcap = 0, cap = 0;
    ssize_t len;
    int rc = 0;
    for (int lineno = 1; rc == 0 && (len = getline(&line, &lcap, fp)) != -1; lineno++) {
        struct span s = trim(line, 0, (size_t)len);
        if (s.b == s.e || line[s.b] == '#')
            continue;
        struct sim_parse_error lerr;
        double ns;
        if (parse_duration_span(line, s, &ns, &lerr) != 0)
            rc = fail(err, col, "%s:%d: %s", name, lineno, lerr.msg);
        else if (push_sample(d, &cap, (double)llround(ns)) != 0)
            rc = fail(err, col, "out of memory reading '%s'", name);
    }
    if (rc == 0 && ferror(fp))
        rc = fail(err, col, "cannot read empirical file '%s': %s", name, strerror(errno));
    if (rc == 0 && d->n == 0)
        rc = fail(err, col, "empirical file '%s' has no samples (expected one duration with unit per line)",
                  name);
    free(line);
    return rc;
}

/* Open an empirical file, or fill `err` and return NULL.  Checked before
 * opening: a FIFO would block open() and a device such as /dev/zero would
 * be read without end. */
static FILE *open_samples(const char *path, size_t col, struct sim_parse_error *err)
{
    struct stat st;
    FILE *fp = NULL;
    if (stat(path, &st) != 0)
        fail(err, col, "cannot open empirical file '%s': %s", path, strerror(errno));
    else if (!S_ISREG(st.st_mode))
        fail(err, col, "empirical file '%s' is not a regular file", path);
    else if (st.st_size > EMPIRICAL_MAX_BYTES)
        fail(err, col, "empirical file '%s' is larger than %d MiB", path, EMPIRICAL_MAX_BYTES >> 20);
    else if (!(fp = fopen(path, "r")))
        fail(err, col, "cannot open empirical file '%s': %s", path, strerror(errno));
    return fp;
}

static int parse_empirical(const char *t, struct span in, const char *basedir,
                           struct sim_dist *d, struct sim_parse_error *err)
{
    struct span f = trim(t, in.b, in.e);
    if (f.b == f.e)
        return fail(err, f.b, "empirical needs a CSV file name, e.g. empirical(file.csv)");
    char *name = strndup(t + f.b, f.e - f.b);
    char *path = name ? resolve_path(basedir, name) : NULL;
    FILE *fp = path ? open_samples(path, f.b, err) : NULL;
    int rc = -1;
    if (!path)
        fail(err, f.b, "out of memory");
    else if (fp)
        rc = read_samples(fp, name, f.b, d, err);
    if (fp)
        fclose(fp);
    if (rc != 0)
        sim_dist_free(d);
    free(path);
    free(name);
    return rc;
}

/* "name(args)" spanning `all`, whose first character is a letter. */
static int parse_call(const char *t, struct span all, const char *basedir, struct sim_dist *d,
                      struct sim_parse_error *err)
{
    struct span name = {all.b, all.b};
    while (name.e < all.e && is_ident(t[name.e]))
        name.e++;
    size_t p = trim(t, name.e, all.e).b;
    const struct kind_spec *k = find_kind(t, name);
    if (p == all.e || t[p] != '(') {
        if (k)
            return fail(err, p, "%s needs its arguments in parentheses, e.g. %s", k->name, k->example);
        return fail(err, all.b, "invalid duration '%.*s' (expected a number followed by " UNITS
                    ", or a distribution such as exp(2ms))", TOK(t, all));
    }
    if (!k)
        return fail(err, name.b, "unknown distribution '%.*s' (expected exp, uniform, normal, "
                    "lognormal, pareto or empirical)", TOK(t, name));
    /* The last ')' closes, so file names may contain parentheses. */
    size_t close = all.e;
    while (close > p + 1 && t[close - 1] != ')')
        close--;
    if (close == p + 1)
        return fail(err, all.e, "missing ')' after the arguments of %s", k->name);
    struct span rest = trim(t, close, all.e);
    if (rest.b != rest.e)
        return fail(err, rest.b, "unexpected '%.*s' after the closing ')' of %s", TOK(t, rest),
                    k->name);
    struct span in = {p + 1, close - 1};
    d->kind = k->kind;
    if (k->kind == SIM_DIST_EMPIRICAL)
        return parse_empirical(t, in, basedir, d, err);
    return parse_params(t, k, in, d, err);
}

int sim_dist_parse(const char *text, const char *basedir, struct sim_dist *out,
                   struct sim_parse_error *err)
{
    struct span all = trim(text, 0, strlen(text));
    if (all.b < all.e && isalpha((unsigned char)text[all.b])) {
        struct sim_dist d = {SIM_DIST_CONST, 0, 0, NULL, 0};
        if (parse_call(text, all, basedir, &d, err) != 0)
            return -1;
        *out = d;
        return 0;
    }
    double ns;
    if (parse_duration_span(text, all, &ns, err) != 0)
        return -1;
    *out = sim_dist_const(llround(ns));
    return 0;
}

/* ===== sampling ========================================================= */

static sim_time_t to_ns(double x)
{
    if (!(x > 0)) /* also catches NaN */
        return 0;
    if (!(x < (double)SIM_DURATION_MAX)) /* a heavy tail's draw, or inf */
        return SIM_DURATION_MAX;
    return llround(x);
}

static sim_time_t sample_normal(const struct sim_dist *d, gsl_rng *r)
{
    for (int i = 0; i < NORMAL_TRIES; i++) {
        double x = d->a + gsl_ran_gaussian(r, d->b);
        if (x >= 0)
            return to_ns(x);
    }
    return 0; /* only reachable with a hand-built negative mean */
}

/* a, b are the mean and sd of the lognormal itself; GSL wants those of the
 * underlying normal. */
static sim_time_t sample_lognormal(const struct sim_dist *d, gsl_rng *r)
{
    double cv = d->b / d->a;
    double sigma2 = log1p(cv * cv);
    return to_ns(gsl_ran_lognormal(r, log(d->a) - sigma2 / 2, sqrt(sigma2)));
}

sim_time_t sim_dist_sample(const struct sim_dist *d, gsl_rng *r)
{
    switch (d->kind) {
    case SIM_DIST_CONST:
        return to_ns(d->a);
    case SIM_DIST_EXP:
        return to_ns(gsl_ran_exponential(r, d->a));
    case SIM_DIST_UNIFORM:
        return to_ns(gsl_ran_flat(r, d->a, d->b));
    case SIM_DIST_NORMAL:
        return sample_normal(d, r);
    case SIM_DIST_LOGNORMAL:
        return sample_lognormal(d, r);
    case SIM_DIST_PARETO:
        return to_ns(gsl_ran_pareto(r, d->b, d->a));
    case SIM_DIST_EMPIRICAL:
        return d->n ? to_ns(d->samples[gsl_rng_uniform_int(r, d->n)]) : 0;
    }
    return 0;
}

/* Mean of normal(mu, sd) truncated to [0, inf), which is what
 * sample_normal() draws from. */
static double truncated_normal_mean(double mu, double sd)
{
    if (!(sd > 0))
        return mu > 0 ? mu : 0;
    double alpha = -mu / sd;
    double q = gsl_cdf_ugaussian_Q(alpha);
    return q > 0 ? mu + sd * gsl_ran_ugaussian_pdf(alpha) / q : 0;
}

double sim_dist_mean(const struct sim_dist *d)
{
    double sum = 0;
    switch (d->kind) {
    case SIM_DIST_CONST:
    case SIM_DIST_EXP:
    case SIM_DIST_LOGNORMAL:
        return d->a;
    case SIM_DIST_UNIFORM:
        return (d->a + d->b) / 2;
    case SIM_DIST_NORMAL:
        return truncated_normal_mean(d->a, d->b);
    case SIM_DIST_PARETO:
        return d->b > 1 ? d->b * d->a / (d->b - 1) : INFINITY;
    case SIM_DIST_EMPIRICAL:
        for (size_t i = 0; i < d->n; i++)
            sum += d->samples[i];
        return d->n ? sum / (double)d->n : 0;
    }
    return 0;
}

int sim_dist_copy(struct sim_dist *dst, const struct sim_dist *src)
{
    *dst = *src;
    dst->samples = NULL;
    if (!src->samples || src->n == 0) {
        dst->n = 0;
        return 0;
    }
    dst->samples = malloc(src->n * sizeof *dst->samples);
    if (!dst->samples) {
        dst->n = 0;
        return -1;
    }
    memcpy(dst->samples, src->samples, src->n * sizeof *dst->samples);
    return 0;
}

void sim_dist_free(struct sim_dist *d)
{
    free(d->samples);
    d->samples = NULL;
    d->n = 0;
}
