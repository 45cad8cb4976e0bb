/* tests/fuzz/fuzz_override.c - libFuzzer target: `--set KEY=VALUE` (layer: tests).
 *
 * Each line of the input is one override, split by scn_override_parse()
 * exactly as `pssim run --set` does, and applied to a fixed scenario that
 * has every kind of section (machine, costs, arrivals, counts, nested
 * programs): key paths by name and by index, created keys, values parsed as
 * YAML flow text (anchors and aliases included).  Lines without '=' are
 * skipped, as the command line would refuse them.  Seed corpus:
 * tests/fuzz/override/.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/scenarios.h"
#include "tests/fuzz/fuzz.h"

#define MAX_LINES 16

static const char base[] =
    "name: fuzz-base\n"
    "seed: 7\n"
    "duration: 1s\n"
    "machine:\n"
    "  cpus: 4\n"
    "  policy: nt\n"
    "  quantum: {units: 6}\n"
    "  costs: {context_switch: 2us}\n"
    "processes:\n"
    "  - name: ui\n"
    "    priority_class: high\n"
    "    affinity: 0-1\n"
    "    threads:\n"
    "      - name: main\n"
    "        priority: highest\n"
    "        program:\n"
    "          - loop:\n"
    "              count: forever\n"
    "              do: [{run: exp(1ms)}, {sleep: uniform(1ms,3ms)}, yield]\n"
    "      - name: worker\n"
    "        count: 2\n"
    "        program: [{periodic: {period: 10ms, do: [{run: 1ms}]}}]\n"
    "  - name: job\n"
    "    subsystem: wsl\n"
    "    arrivals: {every: exp(50ms), count: 4}\n"
    "    threads:\n"
    "      - program: [{run: pareto(1ms,2.5)}, exit]\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_strndup(data, size);
    struct scn_override ov[MAX_LINES];
    size_t n = 0;
    for (char *line = text, *next; line && n < MAX_LINES; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (scn_override_parse(line, &ov[n]) == 0)
            n++;
    }
    char path[4200];
    fuzz_data_path(path, sizeof path, "fuzz-base.yaml");
    struct scn_scenario s;
    if (scn_load_buffer(path, base, sizeof base - 1, ov, n, &s, NULL) == 0)
        scn_free(&s);
    free(text);
    return 0;
}
