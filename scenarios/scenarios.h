/* scenarios/scenarios.h - public interface of the scenario loader (layer: scenarios).
 *
 * Reads a scenario file (YAML, the format of README "Scenario files"),
 * applies `--set key=value` overrides, validates everything and fills a
 * `struct ps_workload` for models/.  Every user error is printed in GNU form,
 * "file:line:col: error: message", and the load fails as a whole: no
 * partially loaded scenario ever reaches the simulator.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef PSSIM_SCENARIOS_H
#define PSSIM_SCENARIOS_H

#include <stdint.h>
#include <stdio.h>

#include "models/models.h"
#include "sim/sim.h"

/* One `--set KEY=VALUE`.  KEY is a dotted path; a sequence element is
 * addressed by its `name` (processes.bash.arrivals.count) or by its 0-based
 * index (processes.0.threads.1.priority).  VALUE is parsed as YAML flow text,
 * so `--set machine.topology={cores: 4, smt: 2}` works. */
struct scn_override {
    const char *key;
    const char *value;
};

struct scn_scenario {
    char *path;          /* as given; ke_src.file points into it */
    char *name;          /* `name:`, else the file name without extension */
    uint64_t seed;       /* `seed:`, default 1 */
    sim_time_t duration; /* `duration:`, default 10s */
    char hash[17];       /* FNV-1a 64 of the file bytes and the overrides, hex */
    char *params_json;   /* the document after overrides as canonical JSON, one
                          * line (scenarios/params.c): every parameter of the run */
    struct ps_workload wl;
};

/* Load and validate `path`.  Errors go to `errfp` (one line each, at most
 * 20); returns 0, or -1 when the file cannot be used (then `out` holds
 * nothing to free). */
int scn_load(const char *path, const struct scn_override *ov, size_t nov,
             struct scn_scenario *out, FILE *errfp);
/* The same for a scenario already in memory (len bytes, no terminator
 * needed): `path` names it in messages and locates empirical(file.csv). */
int scn_load_buffer(const char *path, const void *text, size_t len,
                    const struct scn_override *ov, size_t nov, struct scn_scenario *out,
                    FILE *errfp);
void scn_free(struct scn_scenario *s);

/* Split "KEY=VALUE" in place into an override; -1 if there is no '='. */
int scn_override_parse(char *arg, struct scn_override *out);

#endif
