/* analysis/analysis_int.h - internals shared by the files of analysis/ (layer: analysis).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef PSSIM_ANALYSIS_INT_H
#define PSSIM_ANALYSIS_INT_H

#ifndef ANALYSIS_INTERNAL
#error "analysis/analysis_int.h is private to analysis/ and its tests (define ANALYSIS_INTERNAL)"
#endif

#include <stdint.h>
#include <stdio.h>

#include "analysis/analysis.h"
#include "sim/sim.h"

/* ===== held objects ====================================================== */

#include <stdbool.h>

#include "models/models.h"

/* Objects a thread holds between its acquisition and its release (mutexes
 * and executive locks), as opposed to ones whose wait it only consumes. */
static inline bool an__holdable(const struct ke_object *o)
{
    enum ke_object_type ty = o->spec->type;
    return ty == KE_OBJ_MUTEX || (ty >= KE_OBJ_SPINLOCK && ty < KE_OBJ_PROCESS);
}

/* ===== growable arrays (analysis/grow.c) ================================ */

#include <stddef.h>

/* Make room for `need` elements of `size` bytes in arr (capacity *cap),
 * doubling and zeroing new slots.  Returns the (maybe moved) array, or NULL
 * when out of memory (arr is then unchanged and still owned by the caller). */
void *an__grow(void *arr, size_t *cap, size_t need, size_t size);

/* ===== log-linear histograms (analysis/hist.c) ========================== */

/* Bucket resolution: 2^AN_HIST_SUB_BITS buckets per power of two, so a
 * bucket's width is at most 1/32 of its values (quantiles within 1.6%). */
#define AN_HIST_SUB_BITS 5

/* A histogram of non-negative ns values whose memory follows the range of
 * the values seen, not their number: a dense array of counts over the
 * buckets from the smallest to the largest used.  Adding is O(1) except
 * when the range widens. */
struct an_hist {
    uint64_t count;
    double sum;         /* ns */
    sim_time_t min, max;
    int32_t lo;         /* bucket index of counts[0] */
    uint32_t n;         /* buckets allocated */
    uint64_t *counts;
};

void an_hist_init(struct an_hist *h);
void an_hist_free(struct an_hist *h);
/* 0, or -1 when out of memory (the value is then not counted). */
int an_hist_add(struct an_hist *h, sim_time_t v);
/* Nearest-rank quantile (0 < p <= 1) in ns: the middle of the bucket that
 * holds the ceil(p * count)-th smallest value, clamped to [min, max]; exact
 * for values below 32 ns and for the smallest and largest value.  0 for an
 * empty histogram. */
double an_hist_quantile(const struct an_hist *h, double p);
/* Add every count of `src` to `dst`.  0 or -1 when out of memory. */
int an_hist_merge(struct an_hist *dst, const struct an_hist *src);
/* The i-th used bucket, i in [0, h->n): its upper bound in ns (exclusive) and
 * its count.  For drawing CDFs. */
void an_hist_bucket(const struct an_hist *h, uint32_t i, sim_time_t *upper, uint64_t *count);

/* ===== series carried by a result (analysis/result_series.c) ============ */

struct an_result;
struct an_curve;
struct an_histo;
struct an_slice;
struct an_process_info;

/* A copy of `s` owned by `r` until an_result_free; NULL when out of memory. */
const char *an__keep(struct an_result *r, const char *s);
/* Append an empty curve or histogram (scope, entity and name are kept);
 * NULL when out of memory.  The pointer is valid until the next append. */
struct an_curve *an__curve_add(struct an_result *r, const char *scope, const char *entity,
                               const char *name);
struct an_histo *an__histo_add(struct an_result *r, const char *scope, const char *entity,
                               const char *name);
/* 0, or -1 when out of memory. */
int an__curve_point(struct an_curve *c, double x, double y);
int an__histo_bucket(struct an_histo *h, sim_time_t upper, uint64_t count);
/* A histogram holding the non-empty buckets of `src`. */
int an__histo_from(struct an_result *r, const char *scope, const char *entity, const char *name,
                   const struct an_hist *src);
/* Append a copy; its strings must already be kept by `r` (or be literals). */
int an__slice_add(struct an_result *r, const struct an_slice *s);
int an__process_add(struct an_result *r, const struct an_process_info *p);
/* Free the series and the strings (an_result_free calls it). */
void an__series_free(struct an_result *r);

/* ===== plot output: escaping, files, gnuplot (analysis/plot_io.c) ====== */

/* Write `s` as a gnuplot single-quoted string literal, quotes included: a
 * quote doubled, control characters as '?', so nothing in it is ever run or
 * substituted (gnuplot expands backquotes in double-quoted strings and in
 * commands, never in single-quoted ones) and it stays on its line. */
void an__gp_quote(FILE *f, const char *s);
/* Write `s` as one double-quoted field of a gnuplot data file: double quotes
 * become single ones, backslashes are doubled (gnuplot reads escapes there)
 * and control characters become '?', so a name stays one field of one
 * line.  Data is read, never run. */
void an__gp_field(FILE *f, const char *s);

/* mkdir -p; 0, or -1 with a message. */
int an__mkdirs(const char *dir, FILE *errfp);

/* A file written under a temporary name and renamed when complete. */
struct an__afile {
    FILE *f;
    char path[4096], tmp[4200];
};
/* Open DIR/NAME for writing (really DIR/.NAME.XXXXXX); 0 or -1 with a message. */
int an__afile_open(struct an__afile *a, const char *dir, const char *name, FILE *errfp);
/* Close and rename into place; 0, or -1 with a message (nothing is left). */
int an__afile_commit(struct an__afile *a, FILE *errfp);
void an__afile_abort(struct an__afile *a);

struct an__gnuplot_job {
    const char *program; /* found in PATH when it has no '/' */
    const char *dir;     /* where it runs */
    const char *script;  /* a file name in dir */
    const char *output;  /* a file name in dir: gnuplot's variable pssim_output */
    int timeout_s;
};
enum { AN__GP_OK, AN__GP_MISSING, AN__GP_FAILED };
/* Run gnuplot on one script; AN__GP_MISSING when the program cannot be
 * started, AN__GP_FAILED with the reason (or its first lines of output) in
 * msg. */
int an__gnuplot_run(const struct an__gnuplot_job *j, char *msg, size_t size);

/* The data file and the script of one plot (DIR/STEM.dat, DIR/STEM.gp),
 * committed together: both or neither. */
struct an__pfiles {
    struct an__afile dat, gp;
};
int an__pfiles_open(struct an__pfiles *pf, const char *dir, const char *stem, FILE *errfp);
/* Commit both, or neither when `failed` (out of memory, said on errfp); 0 or -1. */
int an__pfiles_close(struct an__pfiles *pf, bool failed, FILE *errfp);
/* Run gnuplot on DIR/STEM.gp for each stem, into STEM.png (svg, pdf)
 * through a temporary name: 0; AN_PLOT_NOT_RENDERED when gnuplot cannot be
 * started (errfp says how to render the scripts); -1 when it fails. */
int an__plot_render(const struct an_plot_options *o, const char *const *stems, size_t n,
                    FILE *errfp);

/* ===== pieces of every plot (analysis/plot.c) =========================== */

/* The start of a script: what it is, how to render it, the terminal of
 * `format`, the output STEM.EXT (or pssim_output), `title` (escaped). */
void an__plot_head(FILE *f, enum an_plot_format format, const char *stem, const char *what,
                   const char *title);
/* A plot with nothing to draw still gets an image, saying so. */
void an__plot_empty(FILE *f, const char *why);
/* The header line of data block `b`: a blank pair before all but the first
 * (gnuplot's `index`), then the label (+ suffix) that `title
 * columnheader(1)` reads. */
void an__plot_block(FILE *f, size_t b, const char *label, const char *suffix);
/* Colour k (0xRRGGBB) of a sequence whose neighbours differ (golden angle). */
uint32_t an__plot_color(size_t k);

/* ===== JSON output (analysis/report.c) ================================== */

/* RFC 8259 string: quotes and backslashes escaped, control characters as
 * \u00XX, other bytes (UTF-8 included) as they are. */
void an__json_string(FILE *f, const char *s);
/* %.17g, which round-trips a double; null for NaN and infinities. */
void an__json_number(FILE *f, double v);

/* ===== comparison (analysis/compare_out.c) ============================== */

/* A sweep point "key=value\tkey=value" as "key=value, key=value". */
void an__point_print(FILE *f, const char *point);

/* ===== the results database, for its readers (analysis/store.c) ======== */

struct an_store;
struct sqlite3;
/* The open connection, for the readers of analysis/ (aggregate.c,
 * compare.c); prepared statements only, as in store.c. */
struct sqlite3 *an__store_db(struct an_store *st);
/* "pssim: FILE: WHAT: SQLite's message" on errfp; returns -1. */
int an__store_error(struct an_store *st, FILE *errfp, const char *what);
/* SQL: the JSON text of the value of a json_tree or json_each row, so that
 * values compare as written in runs.params (true stays true, "4" and 4
 * differ, objects keep their members). */
#define AN__SQL_JSON_TEXT                                                                \
    "CASE type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN 'null'" \
    " ELSE json_quote(value) END"

#endif
