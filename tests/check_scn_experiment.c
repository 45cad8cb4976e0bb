/* tests/check_scn_experiment.c - tests of the experiment-file loader (layer: tests).
 *
 * Pins what scn_experiment_load() makes of an experiment file: its fields,
 * the sweep values as override text, the odometer order of the points, the
 * seeds, the definition hash, and the exact position and text of the
 * errors, in particular of a sweep value that makes the scenario invalid
 * (reported at the value in the experiment file, not as a --set).  Each
 * test writes a small scenario and experiment into a fresh directory.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenarios/scenarios.h"
#include "sim/sim.h"
#include "tests/check.h"

static const char SCENARIO[] =
    "name: small\n"
    "duration: 10ms\n"
    "machine:\n"
    "  cpus: 2\n"
    "processes:\n"
    "  - name: hog\n"
    "    threads:\n"
    "      - name: w\n"
    "        program: [{run: 1ms}]\n";

/* A directory holding s.yaml (SCENARIO) and e.yaml (the experiment). */
struct tmp {
    char dir[64], scenario[128], experiment[128];
};

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void tmp_make(struct tmp *t, const char *experiment)
{
    strcpy(t->dir, "/tmp/pssim-exp-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(t->dir));
    snprintf(t->scenario, sizeof t->scenario, "%s/s.yaml", t->dir);
    snprintf(t->experiment, sizeof t->experiment, "%s/e.yaml", t->dir);
    put(t->scenario, SCENARIO);
    put(t->experiment, experiment);
}

static void tmp_remove(struct tmp *t)
{
    unlink(t->scenario);
    unlink(t->experiment);
    rmdir(t->dir);
}

/* Load the experiment; its messages (malloc'd) in *err. */
static int load(struct tmp *t, struct scn_experiment *e, char **err)
{
    size_t len;
    FILE *fp = open_memstream(err, &len);
    ck_assert_ptr_nonnull(fp);
    int rc = scn_experiment_load(t->experiment, e, fp);
    fclose(fp);
    return rc;
}

static void load_ok(struct tmp *t, const char *text, struct scn_experiment *e)
{
    char *err;
    tmp_make(t, text);
    int rc = load(t, e, &err);
    ck_assert_msg(rc == 0, "load failed:\n%s", err);
    ck_assert_str_eq(err, "");
    free(err);
}

/* The messages of a load that must fail, without the directory part of the
 * path: "e.yaml:L:C: error: ...". */
static char *load_fails(const char *text)
{
    struct tmp t;
    struct scn_experiment e;
    char *err;
    tmp_make(&t, text);
    ck_assert_int_eq(load(&t, &e, &err), -1);
    tmp_remove(&t);
    size_t n = strlen(t.dir) + 1;
    char *out = calloc(strlen(err) + 1, 1);
    for (char *s = err, *o = out; *s;) /* drop every "DIR/" */
        if (!strncmp(s, t.dir, n - 1) && s[n - 1] == '/')
            s += n;
        else
            *o++ = *s++;
    free(err);
    return out;
}

#define HEAD "experiment: exp\nscenario: s.yaml\n"

/* ===== what a valid file gives ========================================== */

START_TEST(test_experiment_fields)
{
    struct tmp t;
    struct scn_experiment e;
    load_ok(&t, HEAD "replications: 3\nseed: 42\nsweep:\n  machine.cpus: [1, 2]\n"
                     "plots:\n  - {x: machine.cpus, y: latency_p99}\n", &e);
    ck_assert_str_eq(e.name, "exp");
    ck_assert_str_eq(e.scenario, t.scenario); /* relative to the experiment file */
    ck_assert_int_eq(e.replications, 3);
    ck_assert_uint_eq(e.seed, 42);
    ck_assert_uint_eq(e.nsweep, 1);
    ck_assert_uint_eq(e.npoints, 2);
    ck_assert_uint_eq(scn_experiment_runs(&e), 6);
    ck_assert_uint_eq(e.nplots, 1);
    ck_assert_str_eq(e.plots[0].x, "machine.cpus");
    ck_assert_str_eq(e.plots[0].y, "latency_p99");
    ck_assert_ptr_null(e.plots[0].series);
    ck_assert_uint_eq(e.len, strlen(e.text));
    ck_assert_ptr_nonnull(strstr(e.text, "replications: 3"));
    scn_experiment_free(&e);
    tmp_remove(&t);
}
END_TEST

START_TEST(test_experiment_defaults_without_sweep)
{
    struct tmp t;
    struct scn_experiment e;
    load_ok(&t, HEAD, &e);
    ck_assert_int_eq(e.replications, 1);
    ck_assert_uint_eq(e.seed, 1);
    ck_assert_uint_eq(e.nsweep, 0);
    ck_assert_uint_eq(e.npoints, 1);
    ck_assert_uint_eq(scn_experiment_runs(&e), 1);
    scn_experiment_free(&e);
    tmp_remove(&t);
}
END_TEST

/* Plain scalars as written, quoted ones quoted, collections in flow form
 * whatever their style, with inner scalars quoted where flow needs it. */
START_TEST(test_experiment_values_as_override_text)
{
    struct tmp t;
    struct scn_experiment e;
    load_ok(&t, HEAD "sweep:\n"
                     "  machine.quantum:\n"
                     "    - client\n"
                     "    - units: 9\n"
                     "    - \"server\"\n"
                     "  processes.hog.threads.w.program.0.run: [exp(1ms), \"uniform(1ms,2ms)\"]\n",
            &e);
    ck_assert_uint_eq(e.sweep[0].nvalues, 3);
    ck_assert_str_eq(e.sweep[0].values[0], "client");
    ck_assert_str_eq(e.sweep[0].values[1], "{units: 9}");
    ck_assert_str_eq(e.sweep[0].values[2], "\"server\"");
    ck_assert_str_eq(e.sweep[1].values[1], "\"uniform(1ms,2ms)\"");
    ck_assert_uint_eq(e.npoints, 6);
    scn_experiment_free(&e);
    tmp_remove(&t);
}
END_TEST

/* The last key varies fastest, keys in file order. */
START_TEST(test_experiment_points_in_odometer_order)
{
    struct tmp t;
    struct scn_experiment e;
    struct scn_override ov[2];
    load_ok(&t, HEAD "sweep:\n  machine.cpus: [1, 2]\n  duration: [1ms, 2ms, 3ms]\n", &e);
    ck_assert_uint_eq(e.npoints, 6);
    static const char *const want[6][2] = {{"1", "1ms"}, {"1", "2ms"}, {"1", "3ms"},
                                           {"2", "1ms"}, {"2", "2ms"}, {"2", "3ms"}};
    for (size_t p = 0; p < 6; p++) {
        scn_experiment_point(&e, p, ov);
        ck_assert_str_eq(ov[0].key, "machine.cpus");
        ck_assert_str_eq(ov[0].value, want[p][0]);
        ck_assert_str_eq(ov[1].key, "duration");
        ck_assert_str_eq(ov[1].value, want[p][1]);
    }
    scn_experiment_free(&e);
    tmp_remove(&t);
}
END_TEST

START_TEST(test_experiment_seed_is_derived_from_point_and_replication)
{
    struct tmp t;
    struct scn_experiment e;
    load_ok(&t, HEAD "seed: 9\nreplications: 2\nsweep:\n  machine.cpus: [1, 2]\n", &e);
    ck_assert_uint_eq(scn_experiment_seed(&e, 1, 0),
                      sim_seed_derive(9, "point/1/replication/0") & (uint64_t)INT64_MAX);
    uint64_t s[4] = {scn_experiment_seed(&e, 0, 0), scn_experiment_seed(&e, 0, 1),
                     scn_experiment_seed(&e, 1, 0), scn_experiment_seed(&e, 1, 1)};
    for (int i = 0; i < 4; i++) {
        ck_assert_uint_le(s[i], (uint64_t)INT64_MAX);
        for (int j = 0; j < i; j++)
            ck_assert_uint_ne(s[i], s[j]);
    }
    scn_experiment_free(&e);
    tmp_remove(&t);
}
END_TEST

/* The definition hash covers the experiment's bytes and the scenario's. */
START_TEST(test_experiment_hash_covers_file_and_scenario)
{
    struct tmp t;
    struct scn_experiment a, b;
    load_ok(&t, HEAD "sweep:\n  machine.cpus: [1, 2]\n", &a);
    ck_assert_uint_eq(strlen(a.hash), 16);
    ck_assert_int_eq(scn_experiment_load(t.experiment, &b, stderr), 0);
    ck_assert_str_eq(a.hash, b.hash);
    scn_experiment_free(&b);
    put(t.scenario, "# changed\nname: small\n"
                    "processes: [{name: p, threads: [{program: [exit]}]}]\n");
    ck_assert_int_eq(scn_experiment_load(t.experiment, &b, stderr), 0);
    ck_assert_str_ne(a.hash, b.hash);
    scn_experiment_free(&b);
    put(t.experiment, HEAD "sweep:\n  machine.cpus: [1, 2]\n# a comment\n");
    ck_assert_int_eq(scn_experiment_load(t.experiment, &b, stderr), 0);
    ck_assert_str_ne(a.hash, b.hash);
    scn_experiment_free(&b);
    scn_experiment_free(&a);
    tmp_remove(&t);
}
END_TEST

/* A stored definition can be read back without its scenario. */
START_TEST(test_experiment_buffer_without_scenario)
{
    static const char text[] = "experiment: x\nscenario: nowhere.yaml\nsweep:\n  a.b: [1, 2]\n"
                               "plots:\n  - {x: a.b, y: latency_p50}\n";
    struct scn_experiment e;
    ck_assert_int_eq(scn_experiment_load_buffer("stored", text, strlen(text),
                                                SCN_EXPERIMENT_NO_SCENARIO, &e, stderr), 0);
    ck_assert_str_eq(e.name, "x");
    ck_assert_uint_eq(e.npoints, 2);
    ck_assert_str_eq(e.hash, "");
    ck_assert_str_eq(e.plots[0].x, "a.b");
    scn_experiment_free(&e);
}
END_TEST

/* ===== errors =========================================================== */

START_TEST(test_experiment_bad_value_reported_at_the_value)
{
    char *err = load_fails(HEAD "sweep:\n  machine.cpus: [2, 128]\n");
    ck_assert_str_eq(err, "e.yaml:4:21: error: machine.cpus = 128: 'cpus' must be between 1 and "
                          "64, got 128\n");
    free(err);
}
END_TEST

START_TEST(test_experiment_unknown_key_reported_at_its_value)
{
    char *err = load_fails(HEAD "sweep:\n  machine.cpu:\n    - 4\n");
    ck_assert_msg(!strncmp(err, "e.yaml:5:7: error: machine.cpu = 4: unknown key 'cpu' in machine "
                                "(expected cpus, ", 60), "%s", err);
    free(err);
}
END_TEST

/* Values fine alone but not together: reported at the point's last value. */
START_TEST(test_experiment_bad_point_reported_at_its_last_value)
{
    char *err = load_fails(HEAD "sweep:\n  machine.cpus: [1, 2]\n"
                                "  processes.hog.threads.w.affinity: [0, 1]\n");
    ck_assert_str_eq(err, "e.yaml:5:41: error: sweep point 1 (machine.cpus = 1, "
                          "processes.hog.threads.w.affinity = 1): 'affinity' names CPU 1, but "
                          "the machine has 1 CPU (numbered from 0)\n");
    free(err);
}
END_TEST

/* A scenario error not due to the sweep points at the `scenario:` value,
 * with the scenario's own position. */
START_TEST(test_experiment_missing_scenario)
{
    char *err = load_fails("experiment: exp\nscenario: none.yaml\n");
    ck_assert_str_eq(err, "e.yaml:2:11: error: none.yaml: cannot open: No such file or "
                          "directory\n");
    free(err);
}
END_TEST

START_TEST(test_experiment_structure_errors)
{
    static const struct { const char *text, *want; } cases[] = {
        {"", "e.yaml:1:1: error: empty experiment (expected a mapping with experiment, scenario, "
             "sweep)\n"},
        {"- a\n", "e.yaml:1:1: error: expected a mapping of experiment keys at top level, got a "
                  "list\n"},
        {"scenario: s.yaml\n", "e.yaml:1:1: error: missing required key 'experiment' in "
                               "experiment\n"},
        {HEAD "replications: 0\n", "e.yaml:3:15: error: 'replications' must be between 1 and "
                                   "1000000, got 0\n"},
        {HEAD "sweep:\n  machine.cpus: 4\n", "e.yaml:4:17: error: expected a list of values for "
                                             "'machine.cpus', got '4'\n"},
        {HEAD "sweep:\n  machine.cpus: []\n", "e.yaml:4:17: error: the list of values of sweep "
                                              "key 'machine.cpus' is empty\n"},
        {HEAD "sweep:\n  machine.cpus: [1]\n  machine.cpus: [2]\n",
         "e.yaml:5:3: error: duplicate sweep key 'machine.cpus' (first at line 4)\n"},
        {HEAD "sweep:\n  machine.cpus: [1, 2, 1]\n",
         "e.yaml:4:24: error: value 1 of sweep key 'machine.cpus' is already listed (line 4)\n"},
        {HEAD "sweep:\n  machine.cpus: [1]\nplots:\n  - {x: cpus, y: latency_p99}\n",
         "e.yaml:6:9: error: 'x' of a plot must be a sweep key (machine.cpus), got 'cpus'\n"},
        {HEAD "sweep:\n  machine.cpus: [1]\nplots:\n  - {x: machine.cpus, y: l, "
              "series: machine.cpus}\n",
         "e.yaml:6:37: error: 'series' and 'x' of a plot are both 'machine.cpus'\n"},
        {HEAD "sweeps: 1\n", "e.yaml:3:1: error: unknown key 'sweeps' in experiment (expected "
                             "experiment, scenario, replications, seed, sweep, plots)\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *err = load_fails(cases[i].text);
        ck_assert_msg(!strcmp(err, cases[i].want), "case %zu:\n%s", i, err);
        free(err);
    }
}
END_TEST

START_TEST(test_experiment_too_many_points)
{
    char *err = load_fails(HEAD "sweep:\n"
                                "  a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n"
                                "  b: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n"
                                "  c: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n"
                                "  d: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n"
                                "  e: [1, 2]\n");
    ck_assert_str_eq(err, "e.yaml:8:3: error: the sweep has more than 10000 points\n");
    free(err);
}
END_TEST

Suite *experiment_suite(void)
{
    Suite *s = suite_create("experiment");
    TCase *ok = tcase_create("valid");
    tcase_add_test(ok, test_experiment_fields);
    tcase_add_test(ok, test_experiment_defaults_without_sweep);
    tcase_add_test(ok, test_experiment_values_as_override_text);
    tcase_add_test(ok, test_experiment_points_in_odometer_order);
    tcase_add_test(ok, test_experiment_seed_is_derived_from_point_and_replication);
    tcase_add_test(ok, test_experiment_hash_covers_file_and_scenario);
    tcase_add_test(ok, test_experiment_buffer_without_scenario);
    suite_add_tcase(s, ok);
    TCase *bad = tcase_create("errors");
    tcase_add_test(bad, test_experiment_bad_value_reported_at_the_value);
    tcase_add_test(bad, test_experiment_unknown_key_reported_at_its_value);
    tcase_add_test(bad, test_experiment_bad_point_reported_at_its_last_value);
    tcase_add_test(bad, test_experiment_missing_scenario);
    tcase_add_test(bad, test_experiment_structure_errors);
    tcase_add_test(bad, test_experiment_too_many_points);
    suite_add_tcase(s, bad);
    return s;
}
