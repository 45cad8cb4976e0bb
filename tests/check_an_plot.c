/* tests/check_an_plot.c - unit tests of the plots (layer: tests).
 * Escaping of names for gnuplot scripts and data files, and a hostile
 * process and scenario name that must not run anything when the scripts
 * are rendered; the files each plot writes (atomically: no temporary file
 * is left); what happens without gnuplot, when gnuplot fails and when it
 * hangs.  Rendering tests use the gnuplot found by configure; where it is
 * missing they check the scripts only and say so.
 *
 * SPDX-License-Identifier: MIT
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/analysis.h"
#define ANALYSIS_INTERNAL
#include "analysis/analysis_int.h"
#include "config.h"
#include "tests/check.h"

#define PWNED "/tmp/pwned"
#define HOSTILE "\"; system(\"touch " PWNED "\")"

static const char *const PLOTS[] = {"gantt", "latency_subsystem", "latency_priority_class",
                                    "share_entitlement", "utilization"};
#define NPLOTS (sizeof PLOTS / sizeof PLOTS[0])

/* ===== helpers ========================================================== */

static char *quoted(void (*fn)(FILE *, const char *), const char *s)
{
    char *out;
    size_t len;
    FILE *f = open_memstream(&out, &len);
    fn(f, s);
    fclose(f);
    return out;
}

static bool have_gnuplot(void) { return access(PSSIM_GNUPLOT, X_OK) == 0; }

static void tmpdir(char *dir)
{
    strcpy(dir, "/tmp/pssim-plot-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void rmtree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[4200];
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
    if (d)
        closedir(d);
    rmdir(dir);
}

static off_t file_size(const char *dir, const char *stem, const char *ext)
{
    char p[4200];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s.%s", dir, stem, ext);
    return stat(p, &st) == 0 ? st.st_size : -1;
}

static char *slurp(const char *dir, const char *name)
{
    char p[4200], *buf = calloc(1, 1 << 20);
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_lt(fread(buf, 1, (1 << 20) - 1, f), (1 << 20) - 1);
    fclose(f);
    return buf;
}

/* A small result with every series, its process and scenario named `name`. */
static void result_named(struct an_result *r, const char *name)
{
    memset(r, 0, sizeof *r);
    r->scenario = strdup(name);
    r->ncpus = 2;
    r->sim_time = 2 * SIM_S;
    r->series.gantt_window = SIM_S;
    const char *proc = an__keep(r, name);
    struct an_process_info p = {proc, "wsl", "normal", 4, 0, -1};
    ck_assert_int_eq(an__process_add(r, &p), 0);
    for (int i = 0; i < 4; i++) {
        struct an_slice s = {i * SIM_MS * 100, (i + 1) * SIM_MS * 100, i % 2, 8, 4, 8,
                             proc, proc, "wsl"};
        ck_assert_int_eq(an__slice_add(r, &s), 0);
    }
    struct an_curve *c = an__curve_add(r, "run", "", "utilization");
    ck_assert_int_eq(an__curve_point(c, 0, 0.5) | an__curve_point(c, 1, 0.25), 0);
    c = an__curve_add(r, "process", name, "share_vs_entitlement");
    ck_assert_int_eq(an__curve_point(c, 0.5, 0.4), 0);
    struct an_histo *h = an__histo_add(r, "subsystem", name, "latency");
    ck_assert_int_eq(an__histo_bucket(h, 1000, 3) | an__histo_bucket(h, 5000, 1), 0);
    h = an__histo_add(r, "priority_class", name, "latency");
    ck_assert_int_eq(an__histo_bucket(h, 2000, 2), 0);
}

/* an_plot_write with its messages captured (freed by the caller). */
static int plot(const struct an_result *r, const char *dir, const char *gnuplot, int timeout,
                char **msg)
{
    size_t len;
    FILE *f = open_memstream(msg, &len);
    struct an_plot_options o = {dir, AN_PLOT_PNG, gnuplot, timeout, 3};
    int rc = an_plot_write(r, &o, f);
    fclose(f);
    return rc;
}

/* ===== escaping ========================================================= */

START_TEST(test_plot_script_string_is_single_quoted)
{
    char *s = quoted(an__gp_quote, "it's `id` @x \"y\" \\n\n\tz");
    ck_assert_str_eq(s, "'it''s `id` @x \"y\" \\n??z'");
    free(s);
}
END_TEST

START_TEST(test_plot_data_field_stays_one_field)
{
    char *s = quoted(an__gp_field, "a \"b\" c\\d\r\n#e");
    ck_assert_str_eq(s, "\"a 'b' c\\\\d??#e\"");
    free(s);
}
END_TEST

START_TEST(test_plot_format_names)
{
    enum an_plot_format f;
    ck_assert_int_eq(an_plot_format_parse("svg", &f), 0);
    ck_assert_int_eq(f, AN_PLOT_SVG);
    ck_assert_int_eq(an_plot_format_parse("pdf", &f), 0);
    ck_assert_str_eq(an_plot_format_name(f), "pdf");
    ck_assert_int_eq(an_plot_format_parse("jpg", &f), -1);
}
END_TEST

/* The name of the example, as a process and as the scenario, with
 * gnuplot really run on the scripts: nothing may be executed. */
START_TEST(test_plot_hostile_names_are_inert)
{
    static const char *const names[] = {HOSTILE, "`touch " PWNED "`", "x'\nsystem('touch " PWNED "')"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char dir[64], *msg;
        struct an_result r;
        unlink(PWNED);
        tmpdir(dir);
        result_named(&r, names[i]);
        int rc = plot(&r, dir, PSSIM_GNUPLOT, 60, &msg);
        ck_assert_msg(rc == 0 || (rc == AN_PLOT_NOT_RENDERED && !have_gnuplot()), "%s", msg);
        ck_assert_msg(access(PWNED, F_OK) != 0, "name %zu ran a command", i);
        char *data = slurp(dir, "gantt.dat");
        ck_assert_ptr_nonnull(strstr(data, i == 0 ? "\"'; system('touch /tmp/pwned')\"" : "touch"));
        free(data);
        free(msg);
        an_result_free(&r);
        rmtree(dir);
    }
}
END_TEST

/* ===== files ============================================================ */

START_TEST(test_plot_writes_script_data_and_image_of_each_plot)
{
    char dir[64], *msg;
    struct an_result r;
    tmpdir(dir);
    result_named(&r, "demo");
    int rc = plot(&r, dir, PSSIM_GNUPLOT, 60, &msg);
    for (size_t i = 0; i < NPLOTS; i++) {
        ck_assert_int_gt(file_size(dir, PLOTS[i], "gp"), 100);
        ck_assert_int_gt(file_size(dir, PLOTS[i], "dat"), 50);
        if (have_gnuplot())
            ck_assert_int_gt(file_size(dir, PLOTS[i], "png"), 1024);
    }
    if (!have_gnuplot())
        fprintf(stderr, "SKIP: gnuplot (%s) missing: images not checked\n", PSSIM_GNUPLOT);
    ck_assert_msg(rc == (have_gnuplot() ? 0 : AN_PLOT_NOT_RENDERED), "%s", msg);
    free(msg);
    DIR *d = opendir(dir);
    struct dirent *e;
    while ((e = readdir(d))) /* temporary files are renamed or removed */
        ck_assert_msg(e->d_name[0] != '.' || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."),
                      "left behind: %s", e->d_name);
    closedir(d);
    an_result_free(&r);
    rmtree(dir);
}
END_TEST

/* Every script names its data by relative name and runs from its directory. */
START_TEST(test_plot_scripts_refer_to_their_data_by_relative_name)
{
    char dir[64], *msg, name[64];
    struct an_result r;
    tmpdir(dir);
    result_named(&r, "demo");
    plot(&r, dir, "/nonexistent/gnuplot", 60, &msg);
    for (size_t i = 0; i < NPLOTS; i++) {
        snprintf(name, sizeof name, "%s.gp", PLOTS[i]);
        char *gp = slurp(dir, name), want[80];
        snprintf(want, sizeof want, "'%s.dat' index 0", PLOTS[i]);
        ck_assert_msg(strstr(gp, want) != NULL, "%s", gp);
        ck_assert_ptr_null(strstr(gp, dir));
        free(gp);
    }
    free(msg);
    an_result_free(&r);
    rmtree(dir);
}
END_TEST

START_TEST(test_plot_without_gnuplot_says_how_to_render)
{
    char dir[64], *msg, want[300];
    struct an_result r;
    tmpdir(dir);
    result_named(&r, "demo");
    ck_assert_int_eq(plot(&r, dir, "/nonexistent/gnuplot", 60, &msg), AN_PLOT_NOT_RENDERED);
    snprintf(want, sizeof want, "  cd %s && gnuplot *.gp\n", dir);
    ck_assert_msg(strstr(msg, want) != NULL, "%s", msg);
    ck_assert_int_gt(file_size(dir, "gantt", "gp"), 0);
    ck_assert_int_eq(file_size(dir, "gantt", "png"), -1);
    free(msg);
    an_result_free(&r);
    rmtree(dir);
}
END_TEST

START_TEST(test_plot_failing_gnuplot_is_an_error)
{
    char dir[64], *msg;
    struct an_result r;
    tmpdir(dir);
    result_named(&r, "demo");
    ck_assert_int_eq(plot(&r, dir, "false", 60, &msg), -1);
    ck_assert_msg(strstr(msg, "gnuplot failed on") != NULL, "%s", msg);
    free(msg);
    an_result_free(&r);
    rmtree(dir);
}
END_TEST

START_TEST(test_plot_hanging_gnuplot_is_stopped)
{
    char dir[64], prog[128], *msg;
    struct an_result r;
    tmpdir(dir);
    snprintf(prog, sizeof prog, "%s/hang", dir);
    FILE *f = fopen(prog, "w");
    fputs("#!/bin/sh\nexec sleep 30\n", f);
    fclose(f);
    chmod(prog, 0755);
    result_named(&r, "demo");
    ck_assert_int_eq(plot(&r, dir, prog, 1, &msg), -1);
    ck_assert_msg(strstr(msg, "took more than 1 s and was stopped") != NULL, "%s", msg);
    free(msg);
    an_result_free(&r);
    rmtree(dir);
}
END_TEST

/* Lock waits are drawn only when the result has their histograms. */
START_TEST(test_plot_lock_wait_only_with_lock_histograms)
{
    char dir[64], *msg;
    struct an_result r;
    tmpdir(dir);
    result_named(&r, "demo");
    ck_assert_int_eq(plot(&r, dir, "/nonexistent/gnuplot", 60, &msg), AN_PLOT_NOT_RENDERED);
    free(msg);
    ck_assert_int_eq(file_size(dir, "lock_wait", "gp"), -1);
    struct an_histo *h = an__histo_add(&r, "lock", "db_mutex", "wait");
    ck_assert_int_eq(an__histo_bucket(h, 4096, 3) | an__histo_bucket(h, 1 << 20, 1), 0);
    int rc = plot(&r, dir, PSSIM_GNUPLOT, 60, &msg);
    ck_assert_msg(rc == (have_gnuplot() ? 0 : AN_PLOT_NOT_RENDERED), "%s", msg);
    char *data = slurp(dir, "lock_wait.dat");
    ck_assert_ptr_nonnull(strstr(data, "\"db_mutex (4 waits)\"\n4.096e-06 0.75\n0.001048576 0.25\n"));
    if (have_gnuplot())
        ck_assert_int_gt(file_size(dir, "lock_wait", "png"), 1024);
    free(data);
    free(msg);
    an_result_free(&r);
    rmtree(dir);
}
END_TEST

/* A run with nothing to draw still gives valid scripts. */
START_TEST(test_plot_empty_result)
{
    char dir[64], *msg;
    struct an_result r = {.scenario = strdup("empty"), .ncpus = 1};
    tmpdir(dir);
    int rc = plot(&r, dir, PSSIM_GNUPLOT, 60, &msg);
    ck_assert_msg(rc == (have_gnuplot() ? 0 : AN_PLOT_NOT_RENDERED), "%s", msg);
    ck_assert_int_gt(file_size(dir, "utilization", "gp"), 0);
    free(msg);
    an_result_free(&r);
    rmtree(dir);
}
END_TEST

Suite *plot_suite(void)
{
    Suite *s = suite_create("plot");
    TCase *tc = tcase_create("escaping");
    tcase_add_test(tc, test_plot_script_string_is_single_quoted);
    tcase_add_test(tc, test_plot_data_field_stays_one_field);
    tcase_add_test(tc, test_plot_format_names);
    tcase_add_test(tc, test_plot_hostile_names_are_inert);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    tc = tcase_create("files");
    tcase_add_test(tc, test_plot_writes_script_data_and_image_of_each_plot);
    tcase_add_test(tc, test_plot_scripts_refer_to_their_data_by_relative_name);
    tcase_add_test(tc, test_plot_without_gnuplot_says_how_to_render);
    tcase_add_test(tc, test_plot_failing_gnuplot_is_an_error);
    tcase_add_test(tc, test_plot_hanging_gnuplot_is_stopped);
    tcase_add_test(tc, test_plot_empty_result);
    tcase_add_test(tc, test_plot_lock_wait_only_with_lock_histograms);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
